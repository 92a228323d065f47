"""Property tests: for arbitrary Unicode text, cleaning never raises, leaves no control
characters, is idempotent with translation off, and the report accounts for every
character (replaying it from the decoded input gives the output).  Idempotence on real
scraped pages is tested in tests/test_idempotence_real.py."""

import unicodedata

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from polyclean import Cleaner
from polyclean.report import replay

CLEANER = Cleaner(translate=False)

# Text that stresses every stage: any code point (lone surrogates included), plus
# over-weighted troublemakers: controls, combining marks, bidi marks, mojibake
# signatures, Cyrillic and CJK, line breaks.
TROUBLE = (
    "\x00\x07\x1b\x7f\x85\x9d\u00ad\u200b\u200d\u200e\u202e\u2066\ufeff\ud800\udfff"
    "\u0301\u0308\u20dd\r\n\t \u00a0\u2028\u2029\u201c\u201d\u2014\u2026\u2022"
    "\u00c3\u00a9\u00e2\u20ac\u2122\u0420\u0421\u0451\u0416\u5317\u0645 Subscribe."
)
texts = st.text(
    alphabet=st.one_of(st.characters(codec=None), st.sampled_from(TROUBLE)), max_size=300
)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _no_controls(s: str) -> bool:
    return not any(
        (unicodedata.category(ch) in ("Cc", "Cs") and ch != "\n")
        or ch in "\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff"
        for ch in s
    )


@SETTINGS
@given(texts)
def test_clean_never_raises_and_leaves_no_controls(text):
    res = CLEANER.clean(text)
    assert isinstance(res.text, str)
    assert _no_controls(res.text)


@SETTINGS
@given(texts)
@example("\u00abU\u0308\x86")  # a straightened guillemet exposes a mojibake pair
@example("\u00abÜ\x86")
@example("0\rC")  # a carriage return must split lines before boilerplate removal
@example("\x8a\u00c0\u00d0\u00c0")  # a C1 control counts as its cp1252 letter, or ftfy's
# C1 fix ("\x8a" -> "Š") lets the second clean take a cp1251 reading the first did not
@example("\x8c\x86A\u00a3")  # a Latin mix-up ("Œ†A£" -> "Ś†AŁ") must not leave text
@example("\u00de\u00a4\u00ee")  # that ftfy then reads as UTF-8 mojibake ("Ś†" -> "چ")
@example("\u00df\U000e60e0\u00dc\x86\u00d3\u00e3\u00ed")  # ftfy's fix ("Ü\x86" -> "܆")
# leaves a line whose cp1251 reading the next clean would take: repair checks it at once
@example("The council met on Tuesday to discuss the new budget for the city.\n"
         "Several members asked for more money for schools.\nSubscribe\nShare this article\n"
         "The council met on Tuesday to discuss the new budget for the city.\n")  # issue 13.11
def test_clean_is_idempotent(text):
    once = CLEANER.clean(text).text
    assert CLEANER.clean(once).text == once


@SETTINGS
@given(texts)
def test_report_accounts_for_every_character(text):
    res = CLEANER.clean(text)
    assert replay(res.source, res.report) == res.text


def test_empty_and_whitespace_only():
    assert CLEANER.clean("").text == ""
    assert CLEANER.clean(" \n\t\u200b\n").text == ""


def test_one_megabyte_single_line():
    line = ("The Kremlin said ties would not improve, \u201cwhatever happens\u201d \u2014 " * 20000)[:1_000_000]
    res = CLEANER.clean(line)
    assert "\n" not in res.text and len(res.text) > 900_000
    assert replay(res.source, res.report) == res.text
