"""The compiled helpers (polyclean/_speedups) against the pure-Python code they replace:
the same word frequencies, word facts, tallies and whole detections, byte for byte.

The pure code runs in this process through its own entry points (``pure=True``, the
dict-based lexicons) and, for whole documents, in a child process with
``POLYCLEAN_PURE=1``; so both implementations are exercised by every run of the suite.
On a machine where the extension could not be built the comparisons skip, except in CI
(``CI`` set), where a missing extension is a failed build.
"""

import dataclasses
import importlib
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from polyclean import _speedups

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LINGUA = DATA / "lingua-language-testdata" / "sentences"

wordlists = importlib.import_module("polyclean.detect.wordlists")
lexicon = importlib.import_module("polyclean.detect.lexicon")
store = importlib.import_module("polyclean.detect.store")

LANGS = ["en", "de", "fr", "ru", "uk", "ar", "zh", "ja", "sk", "el", "hr", "tl", "xx"]


@pytest.fixture(autouse=True)
def compiled():
    if not store.enabled():
        if os.environ.get("CI") and not _speedups.PURE:
            pytest.fail("the compiled helpers were not built (pip install . needs gcc and "
                        "the Python headers)")
        pytest.skip("compiled helpers not in use (not built, or POLYCLEAN_PURE set)")


def _sample(lang: str, rng: random.Random) -> list[str]:
    # words of the lists (both), unknown words, capitalised and odd strings
    small = wordlists._freqs(lang, pure=True)
    ext = wordlists._extended_freqs(lang, pure=True)
    if small is None:
        return ["the", "qzxq"]
    words = rng.sample(sorted(small), 400)
    if ext is not small:
        words += rng.sample(store.words(lang, False).large.words(), 400)
    return words + ["qzxq", "x", "the", "und", "и", "Paris", "don't", "", "\ud800", "ﬁ"]


@pytest.mark.parametrize("lang", LANGS)
def test_word_frequencies_are_the_pure_dicts(lang):
    rng = random.Random(lang)
    for small in (True, False):
        ours = store.words(lang, small)
        pure = (wordlists._freqs if small else wordlists._extended_freqs)(lang, pure=True)
        if pure is None:
            assert ours is None
            continue
        assert len(ours) == len(pure)
        for w in _sample(lang, rng):
            assert ours.get(w) == pure.get(w), (lang, small, w)
            assert (w in ours) == (pure.get(w) is not None)


@pytest.mark.parametrize("lang", [x for x in LANGS if x != "xx"])
def test_word_facts_and_tallies_are_the_pure_lexicons(lang):
    rng = random.Random(lang)
    words = _sample(lang, rng)
    peers = [p for p in lexicon._PEERS.get(lexicon._SCRIPT_OF_LANG.get(lang, ""), ())
             if p != lang]
    peer_dicts = tuple(d for d in (wordlists._freqs(p, pure=True) for p in peers) if d)
    for small in (True, False):
        own_pure = (wordlists._freqs if small else wordlists._extended_freqs)(lang, pure=True)
        own = store.words(lang, small)
        for gains in (False, True):
            pure = lexicon._Lexicon(lang, own_pure, peer_dicts,
                                    wordlists._freqs(lang, pure=True), 100_000, gains)
            ours = lexicon._CompiledLexicon(lang, own, (), store.words(lang, True), 1, gains)
            for w in words:
                assert ours.facts(w) == pure.facts(w), (lang, small, gains, w)
            for w in words:  # after facts: the pure memo then holds the resolved value
                assert ours.claimed(w) == pure.claimed(w), (lang, small, gains, w)
            text = " ".join(rng.sample(words, 40))
            for resolve in (False, True):
                assert ours.core.scan_tally(text.lower(), resolve) == (
                    len(lexicon._tokens(text.lower())),
                    sum(map(pure.claimed if resolve else ours.facts,
                            lexicon._tokens(text.lower()))))


def test_the_facts_a_compiled_lexicon_keeps_are_the_pure_facts():
    # more words than its cache holds, each met several times in shuffled order; words
    # of 19 to 22 UTF-8 bytes around the longest it keeps; after clear_cache too
    rng = random.Random(3)
    pure_words = wordlists._extended_freqs("de", pure=True)
    words = rng.sample(sorted(wordlists._freqs("de", pure=True)), 6000)
    words += rng.sample(store.words("de", False).large.words(), 3000)
    words += ["x" * k for k in range(18, 23)]
    words += ["ä" * 10, "ä" * 11, "straßenbahnhaltestelle", "qzxq", "und"]
    peers = [p for p in lexicon._PEERS["Latin"] if p != "de"]
    pure = lexicon._Lexicon("de", pure_words,
                            tuple(d for d in (wordlists._freqs(p, pure=True) for p in peers) if d),
                            wordlists._freqs("de", pure=True), 100_000, True)
    ours = lexicon._CompiledLexicon("de", store.words("de", False), (), store.words("de", True),
                                    1, True)
    expected = {w: pure.facts(w) for w in words}
    for round_ in range(3):
        seq = words * 2
        rng.shuffle(seq)
        assert [ours.facts(w) for w in seq] == [expected[w] for w in seq]
        if round_ == 1:
            ours.memo.clear()  # as memo.clear_all() does


@pytest.mark.parametrize("lang", ["en", "de", "ru"])
def test_the_fast_path_marks_what_the_pure_loop_marks(lang):
    # segments of every script, short and plain ones, mixed ones, one of 5,000 words
    segment = importlib.import_module("polyclean.segment").segment
    docs = _documents()
    rng = random.Random(lang)
    words = _sample(lang, rng)
    docs.append(" ".join(rng.choice(words) for _ in range(5000)))
    peers = [p for p in lexicon._PEERS.get(lexicon._SCRIPT_OF_LANG.get(lang, ""), ())
             if p != lang]
    peer_dicts = tuple(d for d in (wordlists._freqs(p, pure=True) for p in peers) if d)
    own_pure = wordlists._extended_freqs(lang, pure=True)
    for gains in (False, True):
        pure = lexicon._Lexicon(lang, own_pure, peer_dicts, wordlists._freqs(lang, pure=True),
                                100_000, gains)
        ours = lexicon._CompiledLexicon(lang, store.words(lang, False), (),
                                        store.words(lang, True), 1, gains)
        for doc in docs:
            segs = segment(doc)
            got = []
            for lex in (pure, ours):
                fast, tallies = [None] * len(segs), {}
                todo = range(len(segs)) if gains else list(range(0, len(segs), 2))
                lexicon._mark_fast(segs, fast, lang, todo, lex, tallies, 1 + gains)
                got.append((fast, list(tallies.items())))
            assert got[0] == got[1], doc[:80]
    assert any(got[1][0])  # the plain segments of the language are settled


def test_the_foreign_run_search_has_the_pure_gains_and_runs():
    inline = importlib.import_module("polyclean.detect.inline")
    rng = random.Random(9)
    for _ in range(3000):  # runs: empty, one gain, ties, zeros, large and small values
        gains = [rng.choice([0.0, -0.0, 2.0, -2.0, rng.uniform(-12, 12), rng.gauss(0, 1e-9)])
                 for _ in range(rng.randint(0, 30))]
        for switch in (inline.INLINE_SWITCH, 0.0, 3.5):
            assert repr(_speedups.words.best_run(gains, switch)) == \
                repr(inline._best_run(gains, switch)), (gains, switch)
    for lang in ("de", "fr", "ru"):  # a peer's gains over the document language's words
        pure = wordlists._freqs(lang, pure=True)
        words = rng.sample(sorted(pure), 500) + ["qzxq", "x", "ﬁ", "\ud800", ""]
        own = [rng.uniform(-20, -2) for _ in words]
        expected = [inline._log(pure.get(w)) - o for w, o in zip(words, own)]
        got = store.words(lang, True).log_gains(words, own, inline.WORD_FLOOR)
        assert repr(got) == repr(expected), lang


def test_the_compiled_tokenizer_finds_the_words_of_the_pattern():
    # soft hyphens, typographic apostrophes, digits, superscripts, underscores, marks,
    # CJK and lone surrogates: the words of lexicon._tokens, the same tally
    rng = random.Random(3)
    alphabet = list("abcXYZ  '’\u00ad-_1²½٣éßİ日本語カナ한ёЁй.,\u0301ʼ\ud800") + ["don't", "ﬁ"]
    lex = lexicon._lexicon("en")
    for _ in range(3000):
        t = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 25))).lower()
        words = lexicon._tokens(t)
        assert lex.core.scan_tally(t) == (len(words), sum(map(lex.facts, words))), t


def test_long_segments_tally_as_their_words_one_by_one():
    # the compiled scan looks words up in batches (prefetched): real sentences of every
    # language, words of 19 to 22 UTF-8 bytes around the longest a batch holds, runs of
    # a hundred to a few thousand words; the tally is the sum of the facts word by word
    rng = random.Random(5)
    sentences = [line for doc in _documents() for line in doc.split("\n")]
    long_words = ["x" * k for k in range(18, 23)] + ["ä" * 10, "ä" * 11,
                                                      "straßenbahnhaltestelle"]
    for lang in ("en", "de", "ru"):
        lex = lexicon._lexicon(lang)
        for size in (3, 17, 100, 4000):
            parts = rng.sample(sentences, min(size, len(sentences)))
            parts += rng.choices(long_words, k=size // 3)
            rng.shuffle(parts)
            t = " ".join(parts).lower()
            words = lexicon._tokens(t)
            for resolve in (False, True):
                want = sum(map(lex.claimed if resolve else lex.facts, words))
                assert lex.core.scan_tally(t, resolve) == (
                    len(words), want if len(words) < 4096 else None), (lang, size)


def test_compiled_segmentation_gives_the_pure_segments():
    # real documents of every script, lines of spaces of every kind, blank runs, a
    # terminator at the end or in the middle, CRLF, text without a newline at all
    seg = importlib.import_module("polyclean.segment")
    if _speedups.segment is None:
        pytest.skip("compiled segmentation not built")
    rng = random.Random(7)
    docs = _documents() + ["", "\n", "\n\n \n", " a ", "a\n", "Hi. There!\r\nok?"]
    pieces = ["Mr. Smith left.", "Вот так.", "他来了。她走了。", "\u00a0\u2003x\u3000", "\t",
              "\n", "\n\n", " ", "e.g. this", "123 456", "!?", "naïve café", "\u2028", "ά"]
    docs += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(400)]
    for doc in docs:
        got = [dataclasses.astuple(s) for s in _speedups.segment.segments(doc)]
        assert got == [dataclasses.astuple(s) for s in seg._segments(doc)], doc[:80]


def _documents() -> list[str]:
    if not LINGUA.is_dir():
        pytest.skip(f"shared data not found at {LINGUA}")
    rng = random.Random(11)
    sents = {p.stem: p.read_text("utf-8").splitlines() for p in sorted(LINGUA.glob("*.txt"))}
    docs = []
    for lang in sorted(sents):
        docs.append("\n".join(rng.sample(sents[lang], 6)))  # one language
        # an English text with a line and a clause of another language
        other = rng.choice(sents[lang])
        docs.append("\n".join(rng.sample(sents["en"], 3) + [other]))
        words = other.split()
        docs.append(f"{rng.choice(sents['en'])[:-1]}, {' '.join(words[:6])}, they said.")
    docs.append((ROOT / "samples").joinpath(sorted(os.listdir(ROOT / "samples"))[0])
                .read_text("utf-8", "replace"))
    return docs


_DETECT = (
    "import json, sys\n"
    "from polyclean.config import Config\n"
    "from polyclean.detect import detect_document\n"
    "out = []\n"
    "for doc in json.loads(sys.stdin.read()):\n"
    "    for cfg in (Config(), Config(detector='langdetect'), Config(target_lang='de')):\n"
    "        d = detect_document(doc, cfg)\n"
    "        out.append([d.lang, d.confidence, [s.to_dict() for s in d.segments]])\n"
    "print(json.dumps(out))\n"
)


def test_whole_detections_are_the_pure_codes():
    docs = _documents()
    runs = {}
    for pure in ("1", "0"):
        env = dict(os.environ, POLYCLEAN_PURE=pure)
        done = subprocess.run([sys.executable, "-c", _DETECT], input=json.dumps(docs),
                              capture_output=True, text=True, env=env, cwd=ROOT, check=True)
        runs[pure] = json.loads(done.stdout)
    assert len(runs["1"]) == 3 * len(docs)
    for doc_runs in zip(runs["1"], runs["0"]):
        assert doc_runs[0] == doc_runs[1]


def test_a_damaged_table_is_built_again(tmp_path):
    code = (
        "from polyclean.detect import store\n"
        "w = store.words('de', True)\n"
        "print(w.get('und'), store.folder())\n"
    )
    env = dict(os.environ, POLYCLEAN_WORDS_DIR=str(tmp_path))
    first = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    table = Path(first[1]) / "small-de.bin"
    data = table.read_bytes()
    table.write_bytes(data[: len(data) // 2])  # truncated
    again = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    assert again[0] == first[0] and table.read_bytes() == data
    table.write_bytes(data[:32] + b"\xff" * (len(data) - 32))  # right size, garbage
    third = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                           text=True, check=True).stdout.split()
    assert third[0] == first[0] and table.read_bytes() == data


def test_an_unwritable_folder_builds_the_tables_in_memory(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code = ("from polyclean.detect import store\n"
            "print(store.folder(), store.words('fr', False).get('maison'))\n")
    env = dict(os.environ, POLYCLEAN_WORDS_DIR=str(blocker / "words"))
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, check=True).stdout.split()
    assert out[0] == "None"
    assert float(out[1]) == wordlists._freqs("fr", pure=True)["maison"]


# --- letter statistics of single-byte readings (polyclean/_speedups/_bytestats.pyx) ---------

CHARDET = DATA / "chardet-legacy-encodings"


def _legacy_samples() -> list[bytes]:
    # real legacy-encoded files (whole, and cut at random places and lengths) and random
    # bytes, which read as nothing in particular
    if not CHARDET.is_dir():
        pytest.skip(f"shared data not found at {CHARDET}")
    rng = random.Random(5)
    files = sorted(p for p in CHARDET.rglob("*") if p.is_file() and p.suffix != ".jsonl")
    out = []
    for path in rng.sample(files, min(80, len(files))):
        data = path.read_bytes()
        start = rng.randrange(max(len(data), 1))
        out += [data, data[:4096], data[start:start + rng.randint(1, 3000)]]
    out += [rng.randbytes(rng.randint(1, 4000)) for _ in range(120)]
    return [d for d in out if d]


def _both(monkeypatch, fn, data):
    fast = _speedups.bytestats
    monkeypatch.setattr(_speedups, "bytestats", None)
    pure = fn(data)
    monkeypatch.setattr(_speedups, "bytestats", fast)
    return pure, fn(data)


def test_letter_statistics_of_readings_are_the_pure_codes(monkeypatch):
    if _speedups.bytestats is None:
        pytest.skip("the compiled letter statistics are not built")
    stats = importlib.import_module("polyclean.decode.stats")
    for data in _legacy_samples():
        pure, fast = _both(monkeypatch, stats._single_byte_candidates, data)
        assert repr(pure) == repr(fast), data[:80]  # the same doubles, to the last bit


def test_decoded_legacy_files_are_the_pure_codes(monkeypatch):
    if _speedups.bytestats is None:
        pytest.skip("the compiled letter statistics are not built")
    decode = importlib.import_module("polyclean.decode")

    def outcome(data):
        try:
            return decode.decode_bytes(data)
        except decode.DecodeError as exc:  # random bytes: the same refusal
            return str(exc)

    for data in _legacy_samples()[::3]:
        pure, fast = _both(monkeypatch, outcome, data)
        assert pure == fast
