"""Single-byte mix-ups that ftfy does not attempt, each verified by the letter
statistics of :mod:`polyclean.decode.stats` so that clean text is left alone."""

from __future__ import annotations

import math
import re

from ..decode import stats as _stats

#: A Cyrillic reversal must gain at least this much log-likelihood per letter pair
#: (measured: mojibake of real Russian sentences gains 4.9 or more from cp1252 and
#: 0.4-6.5 from KOI8-R/cp1251; clean text in 17 languages at most 1.25 and 0.4) ...
LATIN_GAIN_PER_PAIR = 3.0
KOI8_GAIN_PER_PAIR = 1.0
#: ... at least this much in total ...
MIN_GAIN = 10.0
#: ... and the result must average at least this per pair (real Russian: -4.6 to -6.7).
MIN_RESULT_PER_PAIR = -7.0
#: cp1251-as-cp1252 needs this many letters of evidence (a lone "5ª" or "à" is not).
MIN_LETTERS = 4


# --- single-byte tables ----------------------------------------------------------------

def _sloppy(b: int, codec: str) -> str:
    """Byte ``b`` in ``codec``; an undefined byte reads as the same-numbered C1 control
    (as browsers and ftfy's "sloppy" codecs do).

    >>> _sloppy(0xC0, "cp1251"), _sloppy(0x98, "cp1251")
    ('А', '\\x98')
    """
    try:
        return bytes([b]).decode(codec)
    except UnicodeDecodeError:
        return chr(b)


def _table(shown: tuple[str, ...], true: str, keep) -> dict[int, str]:
    """str.translate table that undoes bytes of ``true`` shown with the ``shown`` codecs,
    for the characters that ``keep`` accepts.

    >>> t = _table(("cp1252",), "cp1251", str.isalpha)
    >>> "\u00cc\u00ee\u00f0\u00e5 \u00ab\u00e9\u00bb".translate(t)
    'Море «й»'
    """
    table: dict[int, str] = {}
    for b in range(0x80, 0x100):
        dst = _sloppy(b, true)
        if b < 0xA0 and dst == chr(b):  # undefined in the true codec
            continue
        if not keep(dst):
            continue
        for codec in shown:
            src = _sloppy(b, codec)
            if src != dst:
                table.setdefault(ord(src), dst)
    return table


_KOI8_SYMBOLS = set("\xa0©°²·÷")

#: cp1251 bytes shown as cp1252 (or Latin-1, whose 0x80-0x9F are C1 controls).
CP1251_FROM_LATIN = _table(("cp1252", "latin_1"), "cp1251", lambda c: True)
#: KOI8-R bytes shown as cp1251: only letters and a few symbols come back (a box-drawing
#: character is far less likely than the cp1251 character on screen).
KOI8_FROM_CP1251 = _table(("cp1251",), "koi8_r", lambda c: c.isalpha() or c in _KOI8_SYMBOLS)
#: cp1251 bytes shown as KOI8-R (KOI8-R's no-break space, °, ², · and ÷ are kept: the
#: cp1251 letters behind them are rare Serbian and Macedonian ones).
CP1251_FROM_KOI8 = {k: v for k, v in _table(("koi8_r",), "cp1251", lambda c: True).items()
                    if chr(k) not in _KOI8_SYMBOLS - {"©"}}

#: Characters that cp1252 and cp1251 share (punctuation such as « » — …).
_LATIN_SAME = frozenset(_sloppy(b, "cp1252") for b in range(0x80, 0x100)
                        if _sloppy(b, "cp1252") == _sloppy(b, "cp1251"))
_LATIN_LETTERS = "".join(
    sorted(chr(k) for k, v in CP1251_FROM_LATIN.items() if v.isalpha() and not chr(k).isascii())
)
# Latin-1/cp1252 characters that stand for cp1251 letters, two (a word of mojibake)
# or three (a line worth checking) side by side.
_LATIN_RUN = re.compile(f"[{re.escape(_LATIN_LETTERS)}]{{2}}")
_LATIN_RUN3 = re.compile(f"[{re.escape(_LATIN_LETTERS)}]{{3}}")
_CAPS_RUN = re.compile("[\u0401\u0410-\u042f]{3}")
_CYR_UPPER = re.compile("[\u0400-\u042f]")
_CYR_LOWER = re.compile("[\u0430-\u045f]")
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile("[A-Za-z]")


# --- single-byte Cyrillic mix-ups -------------------------------------------------------

def _score_before(before: str, script: str) -> float:
    """Score of the text as it stands.  A Latin reading is scored by the union of the
    Latin languages, an upper bound of its score (22 languages would cost more than
    they tell), so the gain of a reversal is if anything understated."""
    if script == "latin":
        return (_stats._union_score(_stats.letter_pairs(before), "latin")
                + _stats.case_cost(before))
    return _stats.text_score(before, script)


def _gain(before_score: float, after: str) -> tuple[float, float, int]:
    """(score gain, result score, letter pairs) of reading ``after`` as Cyrillic
    instead of the text that scored ``before_score``.

    >>> gain, result, pairs = _gain(_score_before("Âñå ýòî", "latin"), "Все это")
    >>> pairs, gain > 3 * pairs, result > -7 * pairs
    (8, True, True)
    """
    keys = _stats.letter_pairs(after)
    npairs = sum(keys.values()) or 1
    result = _stats.pairs_score(keys, "cyrillic") + _stats.case_cost(after)
    return result - before_score, result, npairs


def _accept(gain: float, result: float, npairs: int, per_pair: float) -> float | None:
    """Confidence of a verified reversal, or None when it is not convincing.

    >>> _accept(60.0, -110.0, 20, LATIN_GAIN_PER_PAIR), _accept(40.0, -110.0, 20, LATIN_GAIN_PER_PAIR)
    (1.0, None)
    """
    if gain < MIN_GAIN or gain < per_pair * npairs or result < MIN_RESULT_PER_PAIR * npairs:
        return None
    return round(1.0 / (1.0 + math.exp(-(gain - MIN_GAIN) / 4.0)), 4)


def undo_cp1251_as_latin(line: str) -> tuple[str, float] | None:
    """Undo cp1251 text shown as cp1252/Latin-1; (repaired line, confidence) or None
    when the line is not such mojibake.

    Words are the letter runs of the cp1251 reading.  Only words with at least as
    many non-ASCII as ASCII letters change (a Latin typo inside one is kept); words
    with more ASCII letters, such as "Telegram" or "Café", stay as they are.  A
    symbol that becomes a letter ("¸" for "ё") must join a word without starting a
    capital inside it.

    >>> undo_cp1251_as_latin("Âñå ýòî íîâîñòè, 2024")[0]
    'Все это новости, 2024'
    >>> undo_cp1251_as_latin("Une idée créée à Paris") is None
    True
    """
    table = CP1251_FROM_LATIN
    shown = line.translate(table)
    if shown == line:
        return None
    spans = []
    mixed = letters = 0
    for m in _WORD.finditer(shown):
        a, b = m.span()
        seg = line[a:b]
        if seg.isascii():
            continue
        ascii_letters = len(_ASCII_LETTER.findall(seg))
        high = sum(1 for c in seg if c > "\x7f" and c.isalpha())
        if high >= ascii_letters:  # a word of mojibake (perhaps with a Latin typo in it)
            spans.append((a, b))
            letters += high
            mixed += ascii_letters > 0
    if (letters < MIN_LETTERS or 4 * mixed > len(spans)
            or not any(_LATIN_RUN.search(line, a, b) for a, b in spans)):
        return None
    before = " ".join(line[a:b] for a, b in spans)
    after = " ".join(shown[a:b] for a, b in spans)
    conf = _accept(*_gain(_score_before(before, "latin"), after), LATIN_GAIN_PER_PAIR)
    if conf is None:
        return None
    out = list(line)
    n = len(line)
    for a, b in spans:
        out[a:b] = shown[a:b]
    for m in _WORD.finditer(shown):  # letters outside the words above stay as they were
        a, b = m.span()
        if (a, b) not in spans:
            out[a:b] = line[a:b]
    for i, (c, t) in enumerate(zip(line, shown)):
        if c == t or t.isalpha() and (c.isalpha() or out[i] == c):
            continue
        if not t.isalpha():  # symbols outside words: \x96 -> en dash, ¹ -> №
            out[i] = t
        elif t.isupper() and i > 0 and out[i - 1].islower() and out[i - 1] > "\x7f":  # "м²"
            out[i] = c
        elif not ((i > 0 and out[i - 1].isalpha()) or (i + 1 < n and out[i + 1].isalpha())):
            out[i] = c
    return "".join(out), conf


def undo_koi8_mixup(line: str) -> tuple[str, float, str] | None:
    """Undo KOI8-R shown as cp1251 or cp1251 shown as KOI8-R; (repaired line,
    confidence, reason) or None when neither reading is convincing.

    >>> undo_koi8_mixup("\u0440\u0422\u0419\u0427\u0415\u0424, \u041d\u0419\u0422!")[0]
    'Привет, мир!'
    >>> undo_koi8_mixup("НОВОСТИ ДНЯ: СПОРТ") is None
    True
    """
    best = None
    before = None
    for table, reason in ((KOI8_FROM_CP1251, "KOI8-R shown as cp1251"),
                          (CP1251_FROM_KOI8, "cp1251 shown as KOI8-R")):
        after = line.translate(table)
        if after == line:
            continue
        if before is None:
            before = _score_before(line, "cyrillic")
        gain, result, npairs = _gain(before, after)
        conf = _accept(gain, result, npairs, KOI8_GAIN_PER_PAIR)
        if conf is not None and (best is None or gain > best[3]):
            best = (after, conf, reason, gain)
    return None if best is None else best[:3]


def _caps_heavy(line: str) -> bool:
    """More capital than small Cyrillic letters: how both KOI8-R/cp1251 mix-ups look.

    >>> _caps_heavy("\u0440\u0422\u0419\u0427\u0415\u0424"), _caps_heavy("Привет, СССР")
    (True, False)
    """
    return len(_CYR_UPPER.findall(line)) > len(_CYR_LOWER.findall(line))
