"""Mojibake repair: ftfy's encoding fixes per line plus single-byte Cyrillic mix-ups.

Floors measured on ../shared/data (skipped when it is absent):

* every ftfy test case that ``ftfy.fix_encoding`` itself gets right comes out of
  :func:`repair_text` the same (measured: 151 of 151);
* 1,000 real Russian sentences (WMT22), each corrupted eight ways with Python's codecs:
  >= 99% restored exactly for each corruption (measured: 99.8-100%; table printed);
* lingua sentences, 17 languages: no change to the ~15,700 lines that
  ``ftfy.fix_encoding`` leaves alone, and the ~155 it repairs repaired the same way;
  the 244 Turkish lines that are cp1254 shown as cp1252 in the upstream file read as
  cp1254 (195 one line at a time, all of them in documents of 30 lines);
* per language, each single-byte mix-up of issue 16 (cp1251 shown as cp1252, Latin-1
  or cp1254; KOI8-R/KOI8-U shown as Latin-1 and as cp1251 and back, on Russian,
  Ukrainian and Bulgarian; cp1250 and cp1257 shown as cp1252 on Polish, Czech,
  Hungarian, Lithuanian and Latvian; cp1254 shown as cp1252 on Turkish; ISO-8859-2
  shown as Latin-1 on Polish and Czech): >= 99% restored.
"""

from __future__ import annotations

import codecs
import gzip
import importlib
import json
import random
import re
import runpy
from pathlib import Path
from types import SimpleNamespace

import ftfy
import pytest
from ftfy.badness import is_bad
from hypothesis import given, settings
from hypothesis import strategies as st

from polyclean.config import Config
from polyclean.report import apply_changes

repair = importlib.import_module("polyclean.repair")  # polyclean.repair is also a function
repair_text = repair.repair_text

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CASES = Path(__file__).with_name("cases")
CFG = Config()
TURKISH_MOJIBAKE_RE = re.compile("[\u00f0\u00fe\u00fd\u00d0\u00de\u00dd]")  # not Turkish letters


def need(path: Path) -> None:
    if not path.exists():
        pytest.skip(f"test data not found: {path} (expected ../shared/data beside the repo)")


# --- building corruptions with Python's codecs ---------------------------------------

def _c1(exc: UnicodeDecodeError):
    """Undefined bytes read as the same-numbered C1 control (as browsers do)."""
    return "".join(chr(b) for b in exc.object[exc.start:exc.end]), exc.end


codecs.register_error("polyclean-test-c1", _c1)


def _utf8_as(codec: str, times: int = 1):
    def corrupt(s: str) -> str:
        for _ in range(times):
            s = s.encode("utf-8").decode(codec, "polyclean-test-c1")
        return s
    return corrupt


def _single_byte(true: str, shown: str):
    """Text in ``true`` shown with ``shown``; characters ``true`` cannot encode (which a
    document in that codec cannot hold) are left as they are."""
    def corrupt(s: str) -> str:
        out = []
        for ch in s:
            try:
                out.append(ch.encode(true).decode(shown, "polyclean-test-c1"))
            except UnicodeEncodeError:
                out.append(ch)
        return "".join(out)
    return corrupt


CORRUPTIONS = {
    "UTF-8 read as cp1251": _utf8_as("cp1251"),
    "UTF-8 read as Latin-1": _utf8_as("latin-1"),
    "UTF-8 read as cp1252": _utf8_as("cp1252"),
    "UTF-8 read as cp1251, twice": _utf8_as("cp1251", 2),
    "cp1251 read as cp1252": _single_byte("cp1251", "cp1252"),
    "cp1251 read as Latin-1": _single_byte("cp1251", "latin-1"),
    "KOI8-R read as cp1251": _single_byte("koi8_r", "cp1251"),
    "cp1251 read as KOI8-R": _single_byte("cp1251", "koi8_r"),
}


@pytest.fixture(scope="module")
def russian() -> list[str]:
    path = DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv"
    need(path)
    rows = [line.split("\t") for line in path.read_text("utf-8").split("\n")[1:] if line]
    return [r[4] for r in rows][:1000]


@pytest.fixture(scope="module")
def restored(russian) -> dict[str, tuple[int, list]]:
    out = {}
    for name, corrupt in CORRUPTIONS.items():
        good, misses = 0, []
        for s in russian:
            broken = corrupt(s)
            fixed, changes = repair_text(broken, CFG)
            assert apply_changes(broken, changes) == fixed
            if fixed == s:
                good += 1
            else:
                misses.append((s, broken, fixed))
        out[name] = (good, misses)
    print(f"\nWMT22 Russian sentences restored exactly (of {len(russian)}):")
    for name, (good, misses) in out.items():
        print(f"  {name:30s} {good:5d}  {100 * good / len(russian):6.2f}%")
    return out


@pytest.mark.parametrize("name", list(CORRUPTIONS))
def test_russian_corruptions_restored(restored, russian, name):
    good, misses = restored[name]
    assert len(russian) == 1000
    assert good / len(russian) >= 0.99, misses[:3]


def test_clean_russian_is_untouched(russian):
    assert [s for s in russian if repair_text(s, CFG)[0] != s] == []


def test_repair_is_idempotent(russian):
    for corrupt in CORRUPTIONS.values():
        for s in russian[:150]:
            once = repair_text(corrupt(s), CFG)[0]
            assert repair_text(once, CFG)[0] == once


# --- single-byte mix-ups per language (issue 16) ----------------------------------------

@pytest.fixture(scope="module")
def bench_repair():
    need(DATA / "lingua-language-testdata")
    need(DATA / "wmt22-generaltest-ru-en")
    return SimpleNamespace(**runpy.run_path(str(ROOT / "bench" / "bench_repair.py")))


MIXUPS = [(lang, name) for lang in ("ru", "uk", "bg") for name in (
    "cp1251 shown as cp1252", "cp1251 shown as latin_1", "cp1251 shown as cp1254",
    f"{'koi8_u' if lang == 'uk' else 'koi8_r'} shown as latin_1",
    f"{'koi8_u' if lang == 'uk' else 'koi8_r'} shown as cp1251",
    f"cp1251 shown as {'koi8_u' if lang == 'uk' else 'koi8_r'}")] + [
    ("pl", "cp1250 shown as cp1252"), ("cs", "cp1250 shown as cp1252"),
    ("hu", "cp1250 shown as cp1252"), ("lt", "cp1257 shown as cp1252"),
    ("lv", "cp1257 shown as cp1252"), ("tr", "cp1254 shown as cp1252"),
    ("pl", "iso8859_2 shown as cp1252"), ("cs", "iso8859_2 shown as cp1252")]


@pytest.mark.parametrize("lang,name", MIXUPS, ids=[f"{lang}: {n}" for lang, n in MIXUPS])
def test_mixup_restored_per_language(bench_repair, lang, name):
    """>= 99% of the corrupted sentences come back exactly: Cyrillic mix-ups one
    sentence at a time (300 per language: WMT22 Russian, lingua Ukrainian and
    Bulgarian), Latin ones in documents of 30 sentences (Polish and Turkish lingua
    sentences; Czech, Hungarian, Lithuanian and Latvian wordfreq word sequences), since
    a Latin mix-up is decided for a whole document."""
    true, shown, sents, per_doc = bench_repair.mixups()[lang, name]
    sents = sents[:300] if per_doc == 1 else sents
    ok, n, misses = bench_repair.mixup_rates(lambda d: repair_text(d, CFG)[0], true, shown,
                                             sents, per_doc)
    print(f"\n{lang} {name}: {ok}/{n}")
    assert n >= 250
    assert ok / n >= 0.99, misses[:3]


def test_hungarian_mixup_is_read_with_its_document(bench_repair):
    """Hungarian cp1250 differs from cp1252 only in ő and ű, shown as õ and û: alone,
    "tõle", "idõvel" fit Estonian letter pairs better than "tőle", "idővel" fit
    Hungarian, and whole documents were left broken (96.5% restored).  Each reading is
    now scored by one language together with the document's other words, which are
    Hungarian.  Three more wordfreq seeds than the floor above, none used to build it:
    every corrupted sentence comes back, and clean documents stay as they are."""
    ev = bench_repair._eval_decode()
    fix = lambda d: repair_text(d, CFG)[0]  # noqa: E731
    ok = n = 0
    for seed in (3, 4, 5):
        sents = ev.wordfreq_sentences("hu", 600, seed)
        o, k, _ = bench_repair.mixup_rates(fix, "cp1250", "cp1252", sents, 30)
        ok, n = ok + o, n + k
        for i in range(0, len(sents), 30):
            doc = "\n".join(sents[i:i + 30])
            assert fix(doc) == doc
    assert n >= 500 and ok / n >= 0.99, (ok, n)


def test_cyrillic_mixups_on_a_source_never_tuned_on(bench_repair):
    """The Cyrillic mix-ups hold on Tatoeba's short everyday Russian and Ukrainian
    sentences too, one at a time (99.1-99.9% at the time of writing; the misses include
    words in which Tatoeba itself has Latin "i" and "c" among the Cyrillic letters, and
    one- or two-word sentences)."""
    for (lang, name), (true, shown, sents, per_doc) in bench_repair.tatoeba_mixups().items():
        ok, n, misses = bench_repair.mixup_rates(lambda d: repair_text(d, CFG)[0], true,
                                                 shown, sents, per_doc)
        assert n >= 900 and ok / n >= 0.985, (lang, name, ok, n, misses[:3])


# one sentence at a time (the test half; measured when the floors were set: pl 90.1 / 81.0,
# cs 66.6 / 80.5, hu 13.9, lt 85.3, lv 95.5, tr 94.8 %; with four changed letters needed,
# as before the known-word check: 62.3 / 42.1, 16.6 / 33.8, 0, 55.8, 71.6, 82.0 %; since a
# single changed letter may pass on the document's language: pl 90.7 / 88.9, cs 88.2 /
# 85.8, hu 53.9, lt 85.3, lv 95.5, tr 95.6 %)
LATIN_ONE_SENTENCE_FLOORS = {
    ("pl", "cp1250 shown as cp1252"): 0.85, ("pl", "iso8859_2 shown as cp1252"): 0.83,
    ("cs", "cp1250 shown as cp1252"): 0.83, ("cs", "iso8859_2 shown as cp1252"): 0.80,
    ("hu", "cp1250 shown as cp1252"): 0.48, ("lt", "cp1257 shown as cp1252"): 0.80,
    ("lv", "cp1257 shown as cp1252"): 0.90, ("tr", "cp1254 shown as cp1252"): 0.90}


@pytest.mark.parametrize("key", LATIN_ONE_SENTENCE_FLOORS, ids=" ".join)
def test_latin_mixup_in_a_single_sentence(bench_repair, key):
    """A single sentence is a document of its own: two changed letters are evidence
    enough when the reversal gains by the letter statistics and does not turn words
    into non-words.  Hungarian stays low: cp1250 and cp1252 differ there only in ő and
    ű, which most sentences hold once at most."""
    true, shown, sents, _ = bench_repair.latin_mixups()[key]
    ok, n, misses = bench_repair.mixup_rates(lambda d: repair_text(d, CFG)[0], true, shown,
                                             sents, 1)
    assert n >= 250 and ok / n >= LATIN_ONE_SENTENCE_FLOORS[key], (ok, n, misses[:3])


FOREIGN_WORD_CASES = [(true, lang) for true, hosts in (
    ("cp1250", ("pl", "cs", "sk", "hu", "sl", "ro")), ("cp1257", ("lt", "lv", "et")),
    ("cp1254", ("tr",))) for lang in hosts]


@pytest.mark.parametrize("true,lang", FOREIGN_WORD_CASES, ids=" ".join)
def test_one_foreign_letter_in_clean_text_is_left_alone(bench_repair, true, lang):
    """A single changed letter may pass as a mix-up on the evidence of the document's
    language; a rare foreign word in clean text must not ("grossièreté" in Slovak,
    "talismã" in Romanian, "nikolaï" in Hungarian were reversed by the letter
    statistics and the document's language alone: 5 of 15,000 such documents).  The
    word lists, and the letters that cp1252 cannot show ("č", "ă"), refuse them.
    Estonian may keep one: two or three "õ" in a short document beside a foreign "í",
    which Hungarian writes and Estonian does not, can read as Hungarian "ő" (0 of these
    1,500, 3 of the next 4,500; 15 of those 6,000 before the rest of the document was
    read as evidence).  Estonian has no word list, so there the reversed letter must
    gain under the Estonian statistics ("lâchait" would otherwise become "lāchait")."""
    docs = bench_repair.foreign_word_documents(true, lang)
    if not docs and lang == "et":
        pytest.skip("no Estonian gettext catalogs under /usr/share/locale/et")
    assert len(docs) == 1500
    changed = [d for d in docs if repair_text(d, CFG)[0] != d]
    assert len(changed) <= (1 if lang == "et" else 0), changed[:3]


def test_estonian_mixup_with_one_changed_letter(bench_repair):
    """Running Estonian seldom writes "š" or "ž", the only letters its cp1257 does not
    share with cp1252, so a document of 30 program messages shown as cp1252 often holds
    one "ð" or "þ" only.  The rest of the document reads as Estonian, which writes
    neither: 50 of the 55 sentences come back (12 when two changed letters were
    needed); the rest hold too few Estonian letters to tell it from Finnish, or the
    reversal gains too little under the Estonian letter statistics."""
    true, shown, sents, per_doc = bench_repair.unpinned_mixups().get(
        ("et", "cp1257 shown as cp1252 (gettext)"), (None,) * 4)
    if true is None:
        pytest.skip("no Estonian gettext catalogs under /usr/share/locale/et")
    ok, n, misses = bench_repair.mixup_rates(lambda d: repair_text(d, CFG)[0], true, shown,
                                             sents, per_doc)
    assert n >= 50 and ok / n >= 0.85, (ok, n, misses[:3])


@pytest.mark.parametrize("text", [
    "Aperto luned\u00ec, marted\u00ec, mercoled\u00ec e gioved\u00ec dalle 9 alle 18.",
    "Orari: luned\u00ec 9-18, marted\u00ec 9-18, mercoled\u00ec 9-18, gioved\u00ec 9-18, "
    "venerd\u00ec 9-13.\nSabato chiuso.",
    "Da luned\u00ec 25 a venerd\u00ec 29 ottobre.",
    "We stayed at the Ch\u00e2teau Latour and had cr\u00e8me br\u00fbl\u00e9e at the "
    "f\u00eate; the premi\u00e8re was tr\u00e8s chic.",
], ids=["it-week", "it-hours", "it-dates", "fr-in-en"])
def test_words_are_not_reversed_into_non_words(text):
    """Letter statistics prefer frequent letter pairs, and Czech "d\u011b" is commoner
    than Italian "d\u00ec": "luned\u00ec" read as cp1250 would be "luned\u011b".  Words that
    are words as they stand and would not be once reversed are clean text (this
    schedule was changed before the known-word check)."""
    assert repair_text(text, CFG)[0] == text


def test_transliterated_names_in_english_text_are_left_alone(bench_repair):
    """English that writes the long vowels of Sanskrit, Arabic or Persian names with a
    circumflex ("Vedânta", "Svâmî") holds only letters that cp1257 reads as Latvian
    "ā ī ū", and Latvian letter pairs read them well: 637 of these 1,000 documents were
    changed.  The rest of each document is English (by its words, as it holds no other
    non-ASCII letters), so the reversed words must be words of a language of the
    mix-up, and these names are in no word list."""
    docs = bench_repair.transliterated_documents()
    changed = [d for d in docs if repair_text(d, CFG)[0] != d]
    assert len(docs) == 1000 and len(changed) <= 5, changed[:3]


def test_real_page_with_sanskrit_names_is_left_alone():
    """CleanEval's page 4 (a real page, cp1252 bytes) is an English essay on Vedānta
    written with circumflexes; all 41 of its changes were a cp1257 reading before."""
    from polyclean.web import html_to_text

    raw = gzip.decompress((DATA / "cleaneval-dev" / "input" / "4.html.gz").read_bytes())
    text = html_to_text(raw).text
    assert "Vivek\u00e2nanda" in text
    assert repair_text(text, CFG)[1] == []


NAME_CASES = [("cp1250", "pl", 0.73), ("cp1250", "cs", 0.74), ("cp1250", "hu", 0.66),
              ("iso8859_2", "pl", 0.74), ("iso8859_2", "cs", 0.79), ("cp1257", "lt", 0.76),
              ("cp1257", "lv", 0.76), ("cp1257", "et", 0.67), ("cp1254", "tr", 0.64)]


@pytest.mark.parametrize("true,lang,floor", NAME_CASES, ids=[" ".join(c[:2]) for c in NAME_CASES])
def test_english_pages_naming_words_of_a_mixup_language(bench_repair, true, lang, floor):
    """An English page of a site in cp1250, cp1257 or cp1254, shown as cp1252, with one
    to four words of that language in it (capitalised, as names are), comes back when
    those words are in its word lists or hold a symbol no word holds ("Wa³êsa"); words
    missing from wordfreq's small lists (inflected Turkish and Polish running text) do
    not, since English text with transliterated names must not change either (the
    test above).  Floors a little below the measured rates (``bench_repair.py
    --mixups``)."""
    pairs = bench_repair.english_name_documents(true, lang)
    if not pairs and lang == "et":
        pytest.skip("no Estonian gettext catalogs under /usr/share/locale/et")
    ok = sum(repair_text(shown, CFG)[0] == clean for clean, shown in pairs)
    assert len(pairs) == 400 and ok / len(pairs) >= floor, ok


def test_mixup_inside_english_text_is_repaired():
    """cp1250 names in an English page read as cp1252: the English words are the same
    in both codecs, the Polish ones are not words as they stand."""
    text = "Lech Wa\u00b3\u00easa met the Polish president in Gda\u00f1sk and Krak\u00f3w."
    assert repair_text(text, CFG)[0] == "Lech Wa\u0142\u0119sa met the Polish president in " \
        "Gda\u0144sk and Krak\u00f3w."


def test_clean_tatoeba_sentences_are_left_alone():
    """Clean text of a source used for no threshold (Tatoeba's test pairs in seven
    languages and their English; the sentences ftfy leaves alone), alone and in
    documents of 30, is not changed."""
    files = sorted((DATA / "tatoeba-laser-testset" / "original").glob("tatoeba.*-eng.*"))
    need(files[0] if files else DATA / "tatoeba-laser-testset" / "original")
    changed = n = 0
    for path in files:
        lines = [s for s in path.read_text("utf-8").split("\n")
                 if s.strip() and ftfy.fix_encoding(s) == s]
        docs = lines + ["\n".join(lines[i:i + 30]) for i in range(0, len(lines), 30)]
        changed += sum(repair_text(d, CFG)[0] != d for d in docs)
        n += len(lines)
    assert n >= 13000 and changed == 0


def test_estonian_mixup_on_cldr_names(bench_repair):
    """Estonian, which neither ../shared/data nor wordfreq has, measured on word
    sequences of its CLDR names (Babel) that cp1257 can write: clean documents stay as
    they are, and at least 99% of the sentences corrupted as cp1257 shown as cp1252
    come back (975 of 975 measured, 100% on six other seeds).  These foreign names
    ("tšilkotini") have letter pairs that are rare in the Estonian statistics, so the
    reversal gains little per pair and reads oddly: 74.8% (62-87% on the other seeds)
    while the per-pair gain and the result floor held for them.  The rest of the
    document reads as Estonian, which writes no "ð" or "þ", and that is the evidence
    that lets them pass."""
    true, shown, sents, per_doc = bench_repair.unpinned_mixups()[
        "et", "cp1257 shown as cp1252 (CLDR names)"]
    assert all(bench_repair._writes(true, s) for s in sents)
    fix = lambda d: repair_text(d, CFG)[0]  # noqa: E731
    ok, n, _ = bench_repair.mixup_rates(fix, true, shown, sents, per_doc)
    assert n >= 900 and ok / n >= 0.99, (ok, n)
    for i in range(0, len(sents), per_doc):
        doc = "\n".join(sents[i:i + per_doc])
        assert fix(doc) == doc


def test_real_estonian_text_is_left_alone(bench_repair):
    """Running Estonian (the messages of Debian's Estonian gettext catalogs, 12k lines
    of real program text, in documents of 30 lines) is not changed by any mix-up
    check: õ, ä, ö, ü and the rare š, ž are its own letters."""
    lines = bench_repair.gettext_lines("et", "cp1257")
    if not lines:
        pytest.skip("no Estonian gettext catalogs under /usr/share/locale/et")
    assert len(lines) >= 5000
    changed = [i for i in range(0, len(lines), 30)
               if repair_text(doc := "\n".join(lines[i:i + 30]), CFG)[0] != doc]
    assert changed == []


# --- ftfy's own test cases --------------------------------------------------------------

@pytest.mark.parametrize("raw, fixed", [
    # the README's first example: ftfy gives "“test�"
    ("Itâ€™s a â€œtestâ€� now", "It’s a “test” now"),
    ("â€œaâ€� and â€œbâ€�", "“a” and “b”"),
    # nothing open: the lost byte may be any of five; ftfy's U+FFFD stays
    ("xâ€� and â€œbâ€�.â€�",
     "x� and “b”.�"),
    # a lost zero-width joiner between mojibake emoji is not a quote
    ("ðŸ‘¨â€�ðŸ‘© ok", None),
])
def test_a_closing_quote_that_lost_its_last_byte_is_restored_by_its_pair(raw, fixed):
    out, changes = repair_text(raw, CFG)
    assert apply_changes(raw, changes) == out
    if fixed is None:
        assert "\u201d" not in out and out == ftfy.fix_encoding(raw)
    else:
        assert out == fixed
        assert repair_text(out, CFG)[0] == out


def test_ftfy_cases_that_ftfy_passes():
    path = DATA / "ftfy-test-cases" / "ftfy_cases.jsonl"
    need(path)
    cases = [json.loads(line) for line in path.read_text("utf-8").split("\n") if line]
    passing = [c for c in cases if ftfy.fix_encoding(c["original"]) == c["fixed_encoding"]]
    assert len(passing) >= 150
    wrong, paired = [], []
    for c in passing:
        fixed, changes = repair_text(c["original"], CFG)
        assert apply_changes(c["original"], changes) == fixed
        if fixed != c["fixed_encoding"]:
            # where ftfy can only give "\u201ctest\ufffd", polyclean gives the closing
            # quote of an open pair (restore_lost_closing_quotes): the one difference
            if fixed == c["fixed_encoding"].replace("\ufffd", "\u201d", 1) and "\u201c" in fixed:
                paired.append(c["id"])
            else:
                wrong.append((c["id"], c["original"], fixed))
    print(f"\nftfy test cases: {len(passing) - len(wrong)}/{len(passing)} of those ftfy passes")
    assert wrong == []
    assert paired == ["synthetic/18"]  # ftfy's own "lossy decoding" case


# --- lingua: 17 languages of clean text, with some real mojibake -------------------------

@pytest.fixture(scope="module")
def lingua_lines() -> list[tuple[str, str]]:
    folder = DATA / "lingua-language-testdata" / "sentences"
    need(folder)
    out = []
    for path in sorted(folder.glob("*.txt")):
        out += [(path.stem, line) for line in path.read_text("utf-8").split("\n") if line]
    return out


def test_lingua_clean_lines_untouched_and_mojibake_repaired_as_ftfy(lingua_lines):
    """Lines ftfy leaves alone stay as they are, and the UTF-8 mojibake ftfy repairs is
    repaired the same way; the Turkish lines that are themselves cp1254 shown as cp1252
    (they hold ð, þ or ý, which Turkish does not write; ftfy leaves them) are either
    left alone or read as cp1254, one line at a time (see the next test for whole
    documents)."""
    langs = {lang for lang, _ in lingua_lines}
    assert len(langs) == 17
    untouched = changed_by_us = ftfy_fixed = same_as_ftfy = turkish = turkish_fixed = 0
    bad = []
    for lang, line in lingua_lines:
        expected = ftfy.fix_encoding(line)
        ours = repair_text(line, CFG)[0]
        if lang == "tr" and TURKISH_MOJIBAKE_RE.search(line):
            turkish += 1
            turkish_fixed += ours == line.encode("cp1252").decode("cp1254")
            if ours != line and ours != line.encode("cp1252").decode("cp1254"):
                bad.append((lang, line, ours))
        elif expected == line:
            untouched += 1
            if ours != line:
                changed_by_us += 1
                bad.append((lang, line, ours))
        else:
            ftfy_fixed += 1
            same_as_ftfy += ours == expected
            if ours != expected:
                bad.append((lang, line, ours))
    print(f"\nlingua: {untouched} lines ftfy leaves alone, {changed_by_us} changed by repair; "
          f"{ftfy_fixed} with real mojibake, {same_as_ftfy} repaired as ftfy repairs them; "
          f"{turkish_fixed} of {turkish} Turkish cp1254-as-cp1252 lines read as cp1254")
    assert untouched >= 15_650 and ftfy_fixed >= 150
    assert turkish == 244 and turkish_fixed >= 225  # 235 measured (195 with 4 letters needed)
    assert bad == []


def test_icelandic_is_not_read_as_turkish(bench_repair):
    """Icelandic writes ð, þ and ý, the letters that cp1254 shown as cp1252 puts in
    place of ğ, ş and ı: Icelandic text (wordfreq word sequences, three seeds), line by
    line and in documents of 30 lines, is left as it is."""
    ev = bench_repair._eval_decode()
    for seed in range(3):
        sents = ev.wordfreq_sentences("is", 300, seed)
        assert sum(TURKISH_MOJIBAKE_RE.search(s) is not None for s in sents) > 150
        assert [s for s in sents if repair_text(s, CFG)[0] != s] == []
        docs = ["\n".join(sents[i:i + 30]) for i in range(0, 300, 30)]
        assert [d for d in docs if repair_text(d, CFG)[0] != d] == []


LATIN_SCRIPT_LANGS = "en fr de es pt it nl ca sv da nb fi is tr pl cs sk hu ro sl sh lt lv"


@pytest.mark.parametrize("lang", LATIN_SCRIPT_LANGS.split())
def test_clean_latin_script_text_is_left_alone(bench_repair, lang):
    """Clean text of every Latin-script language of the letter statistics (wordfreq
    word sequences, frequency-weighted, a seed no threshold was chosen on), line by
    line and in documents of 30 lines, is left as it is, with two changed letters as
    evidence enough for a Latin mix-up (0 of 28,566 lines and documents changed over
    seeds 3-5 when that was set; the Italian weekdays above are the case that needs the
    known-word check)."""
    ev = bench_repair._eval_decode()
    sents = [s for s in ev.wordfreq_sentences(lang, 240, 3) if ftfy.fix_encoding(s) == s]
    docs = sents + ["\n".join(sents[i:i + 30]) for i in range(0, len(sents), 30)]
    assert len(sents) >= 200
    assert [d for d in docs if repair_text(d, CFG)[0] != d] == []


def test_real_turkish_mojibake_in_documents(bench_repair):
    """lingua's Turkish test file holds 244 sentences that are cp1254 text shown as
    cp1252 ("Baþkaný" for "Başkanı").  A Latin mix-up is decided for a whole document:
    in documents of 30 of those lines every one comes back; ftfy leaves them all."""
    pairs = bench_repair.turkish_mojibake()
    ok, n = bench_repair.real_turkish_rate(lambda d: repair_text(d, CFG)[0], pairs, 30)
    assert n == 244 and ok / n >= 0.99
    assert bench_repair.real_turkish_rate(ftfy.fix_encoding, pairs, 30)[0] == 0


def test_whole_document_is_repaired_line_by_line(lingua_lines):
    """The same as ftfy on each line, and no change crosses a line break."""
    lines = [line for lang, line in lingua_lines if lang in ("fr", "de", "ru")]
    doc = "\n".join(lines)
    fixed, changes = repair_text(doc, CFG)
    assert fixed == "\n".join(ftfy.fix_encoding(line) for line in lines)
    assert len(changes) >= 150
    assert all("\n" not in c.original and "\n" not in c.result for c in changes)


# --- reports ------------------------------------------------------------------------------

def test_changes_replay_are_small_and_do_not_overlap(russian):
    rng = random.Random(7)
    lines = []
    for s in russian[:300]:
        corrupt = rng.choice([None, *CORRUPTIONS.values()])
        lines.append(s if corrupt is None else corrupt(s))
    doc = "\r\n".join(lines[:150]) + "\n\n" + "\n".join(lines[150:])
    fixed, changes = repair_text(doc, CFG)
    assert apply_changes(doc, changes) == fixed
    assert sorted(changes, key=lambda c: c.start) == changes
    for a, b in zip(changes, changes[1:]):
        assert a.end <= b.start
    for c in changes:
        assert c.step == "repair" and doc[c.start:c.end] == c.original
        assert "\n" not in c.original
        assert c.original[:1] != c.result[:1] and c.original[-1:] != c.result[-1:]  # trimmed
        assert c.reason
    reasons = {c.reason.split(";")[0] for c in changes}
    assert {"cp1251 shown as cp1252", "KOI8-R shown as cp1251", "cp1251 shown as KOI8-R",
            "ftfy: utf-8 read as cp1251"} <= reasons
    assert all(0.5 <= c.confidence <= 1 for c in changes if "shown as" in c.reason)


def test_change_offsets_point_into_the_input():
    text = "Title\nCaf\u00c3\u00a9 \u00e0 Paris\n\u00c2\u00f1\u00e5 \u00fd\u00f2\u00ee \u00ef\u00f0\u00e0\u00e2\u00e4\u00e0\nend"
    fixed, changes = repair_text(text, CFG)
    assert fixed == "Title\nCafé à Paris\nВсе это правда\nend"
    assert [(c.start, c.end, c.original, c.result) for c in changes] == [
        (9, 11, "Ã©", "é"),
        (20, 34, "Âñå ýòî ïðàâäà", "Все это правда"),
    ]
    assert changes[0].reason == "ftfy: utf-8 mojibake among clean text"
    assert changes[1].reason == "cp1251 shown as cp1252"


def test_options():
    broken = "Caf\u00c3\u00a9\n\u00c2\u00f1\u00e5 \u00fd\u00f2\u00ee \u00ef\u00f0\u00e0\u00e2\u00e4\u00e0"
    assert repair_text(broken, CFG)[0] == "Café\nВсе это правда"
    assert repair_text(broken, Config(repair_cyrillic=False))[0] == "Café\nÂñå ýòî ïðàâäà"
    assert repair_text(broken, Config(repair=False)) == (broken, [])
    assert repair_text("", CFG) == ("", [])


# --- hand-made cases ------------------------------------------------------------------------

CASE_LIST = json.loads((CASES / "repair_cases.json").read_text("utf-8"))
KNOWN_FAILURES = json.loads((CASES / "repair_known_failures.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASE_LIST, ids=[c["note"][:40] for c in CASE_LIST])
def test_hand_made_case(case):
    fixed, changes = repair_text(case["input"], CFG)
    assert fixed == case["expected"]
    assert apply_changes(case["input"], changes) == fixed


@pytest.mark.parametrize("case", KNOWN_FAILURES, ids=[c["note"][:40] for c in KNOWN_FAILURES])
@pytest.mark.xfail(strict=True, reason="known limitation, see tests/cases/repair_known_failures.json")
def test_known_failure(case):
    assert repair_text(case["input"], CFG)[0] == case["expected"]


# --- the ftfy gate is exactly ftfy's badness test ----------------------------------------

def test_gate_matches_ftfy_badness_on_real_lines(lingua_lines, russian):
    lines = [line for _, line in lingua_lines] + russian
    lines += [CORRUPTIONS["UTF-8 read as cp1252"](s) for s in russian[:200]]
    lines += [CORRUPTIONS["cp1251 read as cp1252"](s) for s in russian[:200]]
    assert [s for s in lines if (0 in repair.ftfy_lines(s)) != is_bad(s)] == []


_POOL = (
    "abcz XYZ.,!?-\t\u00a0\u00ad"
    "\u00c0\u00c2\u00c3\u00c9\u00ce\u00d0\u00d8\u00d9\u00e0\u00e2\u00e9\u00ef\u00f3\u00fc"
    "\u0152\u0153\u0160\u017e\u0192\u02c6\u2020\u2021\u2030\u20ac\u2122\u00a6\u00a4\u00a8\u00ac"
    "\u00b0\u00b1\u00b2\u00b3\u00b5\u00b6\u00b7\u00b8\u00ba\u00bb\u00ab\u00bf\u00a1\u00a9\u00ae"
    "\u201a\u201c\u201d\u2018\u2019\u2022\u2013\u2014\u2026\u00d7\u00f7\u221a\u2248\u2260\u2264"
    "\u0402\u0403\u0404\u0406\u040e\u0412\u0413\u0420\u0421\u0432\u0433\u045e\u0456\u0491"
    "\u0392\u0393\u039e\u039f\u03b2\u0101\u2500\u2502\u2554\u2588\u2591\u0080\u0081\u0090\u009d"
)


@settings(max_examples=400, deadline=None, derandomize=True)
@given(st.lists(st.text(alphabet=_POOL, max_size=14), min_size=1, max_size=4))
def test_gate_matches_ftfy_badness_on_random_lines(lines):
    text = "\n".join(lines)
    flagged = repair.ftfy_lines(text)
    pos = 0
    for line in lines:
        assert (pos in flagged) == is_bad(line), repr(line)
        pos += len(line) + 1
