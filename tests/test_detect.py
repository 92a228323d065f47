"""Language detection with the document as context: hand-made cases, the seed page,
determinism, options, and quality floors measured on ../shared/data."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from polyclean.config import Config
from polyclean.detect import DocDetection, detect, detect_document

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SEED = ROOT.parent / "shared" / "samples" / "sputnik-truss-2022-09-06.txt"
CASES = json.loads((ROOT / "tests" / "cases" / "detect_cases.json").read_text("utf-8"))


def by_text(segments):
    return {s.text: s for s in segments}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_hand_made_cases(case):
    det = detect_document(case["text"], Config())
    assert det.lang == case["doc_lang"]
    segs = by_text(det.segments)
    for exp in case["expect"]:
        seg = segs.get(exp["text"])
        assert seg is not None, f"no segment {exp['text']!r} in {list(segs)}"
        assert (seg.lang, seg.foreign) == (exp["lang"], exp["foreign"]), exp["text"]
        if "script" in exp:
            assert seg.script == exp["script"]
        assert case["text"][seg.start:seg.end] == seg.text
        assert 0.0 <= seg.confidence <= 1.0


def _seed_text() -> str:
    if not SEED.is_file():
        pytest.skip(f"seed sample not found at {SEED}")
    return SEED.read_text("utf-8")


def test_seed_page_only_the_russian_line_is_foreign():
    # Per-line langdetect calls "Russia" Finnish, "Subscribe" Romanian, "log in or
    # register" Norwegian and "loader" Spanish on this page.
    text = _seed_text()
    for detector in ("auto", "langdetect"):
        det = detect_document(text, Config(detector=detector))
        assert det.lang == "en"
        foreign = [(s.text, s.lang) for s in det.segments if s.foreign]
        assert foreign == [("Заголовок открываемого материала", "ru")], detector
        segs = by_text(det.segments)
        for word in ("Russia", "Subscribe", "log in or register", "loader", "Chats"):
            assert segs[word].lang == "en"


def test_same_answer_in_another_process():
    text = _seed_text() + "\nDie Bundesregierung hat am Montag einen Entwurf vorgelegt.\nles enfants"
    here = [s.to_dict() for s in detect(text)]
    code = (
        "import json, sys; from polyclean.detect import detect; "
        "print(json.dumps([s.to_dict() for s in detect(sys.stdin.read())]))"
    )
    for detector in ("fasttext", "langdetect"):
        here = [s.to_dict() for s in detect(text, detector=detector)]
        out = subprocess.run(
            [sys.executable, "-c", code.replace("detect(sys.stdin.read())",
                                                f"detect(sys.stdin.read(), detector={detector!r})")],
            input=text, capture_output=True, text=True, check=True, cwd=ROOT,
        )
        assert json.loads(out.stdout) == here


def test_trial_of_a_language_does_not_depend_on_what_earlier_documents_loaded():
    # While it looks for the document language, detection tries a language the model
    # names on that language's small word list, also once an earlier document built the
    # language's extended vocabulary: the answer must not depend on processing history
    # (the order of documents, --jobs).
    import importlib

    det = importlib.import_module("polyclean.detect.lexicon")
    before = det._trial_lexicon("fr")
    det._lexicon("fr")  # an earlier French document
    after = det._trial_lexicon("fr")
    assert before.freqs is det._freqs("fr") and after.freqs is det._freqs("fr")
    assert len(det._lexicon("fr").freqs) > len(after.freqs)  # the extended one is bigger


def test_extended_vocabularies_kept_are_bounded(monkeypatch):
    # A long run meeting many document languages keeps at most LEXICONS_KEPT extended
    # vocabularies built, the least recently used going first.
    import importlib

    det = importlib.import_module("polyclean.detect.lexicon")
    monkeypatch.setattr(det, "LEXICONS_KEPT", 3)
    monkeypatch.setattr(det, "_lexicons", {})  # whatever tests before this one built
    for lang in ("de", "fr", "es", "it", "nl"):
        det._lexicon(lang)
    heavy = [k for k, v in det._lexicons.items() if v is not None and v.freqs is not v.small]
    assert heavy[-3:] == ["es", "it", "nl"] and len(heavy) <= 3


def test_an_extended_vocabulary_is_compact_and_complete():
    # French's extended vocabulary (about 105,000 words) costs a few MB, not the ~12 MB
    # of a dict, and answers like the dict it replaces (wordfreq's own frequencies).
    code = (
        "import importlib, json\n"
        "det = importlib.import_module('polyclean.detect.lexicon')\n"
        "rss = lambda: int(open('/proc/self/statm').read().split()[1]) * 4096\n"
        "det._lexicon('en'); det._freqs('fr')\n"
        "before = rss(); lex = det._lexicon('fr'); after = rss()\n"
        "import wordfreq\n"
        "words = ['maison', 'gouvernement', 'tintinnabuler', 'anticonstitutionnellement',"
        " 'qwzxq', 'the']\n"
        "print(json.dumps([after - before, len(lex.freqs),"
        " [lex.freqs.get(w) for w in words],"
        " [wordfreq.word_frequency(w, 'fr', 'large', minimum=0.0) for w in words]]))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT)
    grown, size, ours, theirs = json.loads(out.stdout)
    assert size > 100_000
    # the allocator makes the growth 5.4-7.6 MB from run to run (on the starting commit
    # too); a dict would take ~12
    assert grown < 9_000_000, f"French extended vocabulary took {grown / 1e6:.1f} MB"
    for w, a, b in zip(["maison", "gouvernement", "tintinnabuler", "anti...", "qwzxq", "the"],
                       ours, theirs):
        if b >= 1e-7:  # within the extended vocabulary: wordfreq's value
            assert a is not None and abs(a - b) <= 0.03 * b, (w, a, b)
        else:
            assert a is None, (w, a, b)


def test_to_dict_has_the_cli_fields():
    text = ("Hello there, how are you today? We hope that you are enjoying the weather.\n"
            "Заголовок открываемого материала")
    seg = detect(text)[-1]
    d = seg.to_dict()
    assert {"start", "end", "text", "lang", "confidence", "script", "foreign"} <= set(d)
    assert (d["lang"], d["script"], d["foreign"]) == ("ru", "Cyrillic", True)
    json.dumps(d)


def test_forced_document_language():
    text = "Der Kreml erwartet keine Verbesserung der Beziehungen zu Großbritannien.\nHola"
    assert detect_document(text, Config()).lang == "de"
    det = detect_document(text, Config(doc_lang="es"))
    assert det.lang == "es" and det.confidence == 1.0
    first, second = det.segments
    assert (first.lang, first.foreign) == ("de", True)
    assert (second.lang, second.foreign) == ("es", False)  # short: inherits


def test_min_foreign_chars_and_min_confidence_control_same_script_fragments():
    text = ("The chancellor spoke to reporters in Berlin on Monday afternoon.\n"
            "She said the budget would be presented to parliament before the summer break.\n"
            "Die Bundesregierung hat am Montag einen neuen Haushaltsentwurf vorgelegt.\n"
            "Заголовок открываемого материала")
    german = "Die Bundesregierung hat am Montag einen neuen Haushaltsentwurf vorgelegt."
    assert by_text(detect(text))[german].foreign
    for opts in ({"min_foreign_chars": 200}, {"min_confidence": 1.0}):
        segs = by_text(detect(text, **opts))
        assert (segs[german].lang, segs[german].foreign) == ("en", False)
        # another script is foreign whatever the thresholds
        assert segs["Заголовок открываемого материала"].foreign


def test_empty_and_blank_documents():
    assert detect_document("", Config()) == DocDetection("en", 0.0, [])
    assert detect_document(" \n\n\t", Config()).segments == []


def test_pipeline_uses_the_same_segments():
    from polyclean import Cleaner

    text = "The Kremlin said it expects nothing.\nЗаголовок открываемого материала"
    res = Cleaner(translate=False, boilerplate=False).clean(text)
    assert [(s.text, s.lang, s.foreign) for s in res.segments] == [
        (s.text, s.lang, s.foreign) for s in detect(res.repaired)
    ]


# --- quality floors on real data (the targets; see bench/eval_detect.py) ---------
def _eval_module(name: str = "eval_detect"):
    if not DATA.is_dir():
        pytest.skip(f"shared data not found at {DATA}")
    spec = importlib.util.spec_from_file_location(name, ROOT / "bench" / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, mod)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def quality():
    ev = _eval_module()
    # held-out items (odd lines); 2700 documents use every foreign word pair once
    docs = ev.build_docs(ev.load_pools("test"), 2700, seed=11)
    metrics, _ = ev.evaluate(docs, ev.polyclean_method("auto"))
    return ev.summary(metrics)


def test_floor_foreign_sentences(quality):
    assert quality["sent_recall"] >= 0.99
    assert quality["sent_lang"] >= 0.98


def test_floor_foreign_word_pairs(quality):
    assert quality["pair_recall"] >= 0.95
    assert quality["pair_lang"] >= 0.93


def test_floor_english_lines_not_flagged(quality):
    assert quality["en_flagged"] <= 0.005
    assert quality["en-ui_flagged"] <= 0.005
    assert quality["en-headline_flagged"] <= 0.01


def test_floor_inline_fragments(quality):
    assert quality["inline_p"] >= 0.95
    assert quality["inline_r"] >= 0.95


# --- the two hard mixed cases of issue 16 (bench/eval_mixed.py, test split: odd lines; the
# constants were chosen on the even ones) ----------------------------------------------------
# Latin-script fragments (de fr es it pl pt nl tr, 4-8 words) inside NTREX English
# sentences: found, character precision, English sentences never flagged.  Two English
# sentences and one Chinese, Japanese or Korean sentence make an English document with a
# foreign fragment, while a CJK document with English UI strings keeps its language.
@pytest.fixture(scope="module")
def ev():
    return _eval_module("eval_mixed")


@pytest.fixture(scope="module")
def latin(ev):
    cfg = Config()
    return ev.score_latin_inline(ev.latin_inline_items("test", 800), ev.english_lines("test"),
                                 lambda x: detect_document(x, cfg).segments)


def test_latin_fragments_are_found(latin):
    # 6% before (held-out figure of the issue); a fragment counts when half its letters are
    assert latin["found"] >= 0.80
    assert latin["lang_right"] >= 0.95


def test_latin_fragments_are_cut_precisely(latin):
    assert latin["char_p"] >= 0.90
    assert latin["char_r"] >= 0.75


def test_english_sentences_are_not_flagged(latin):
    # NTREX and lingua English sentences (1,497 on the test split), each a document
    assert latin["en_lines"] > 1000
    assert latin["en_flagged"] <= 0.001


#: Document language of one-line documents of lingua's word pairs, first 500 of each
#: language, measured at the time of writing (before: 0-35 % but for en, ja, ko, zh).
WORD_PAIR_DOCS = {"ar": 99, "be": 79, "bg": 91, "de": 93, "en": 100, "es": 80, "fr": 90,
                  "it": 92, "ja": 100, "ko": 100, "nl": 82, "pl": 97, "pt": 80, "ru": 100,
                  "tr": 91, "uk": 97, "zh": 99}


def test_a_document_too_short_to_vote_takes_the_language_of_its_text():
    """A document whose segments are all under DOC_VOTE_MIN weighted letters (a word, a
    title, a short record) was given the target language at confidence 0 while its only
    segment was named foreign: --lang-field wrote "en" for "Здравствуйте, друзья" and
    for 300 of 300 Russian single words.  It now takes the one language its segments
    are judged in against the target language; a name stays the target's."""
    base = DATA / "lingua-language-testdata"
    if not base.is_dir():
        pytest.skip("../shared/data not found")
    cfg = Config()
    for lang, floor in WORD_PAIR_DOCS.items():
        pairs = [w for w in (base / "word-pairs" / f"{lang}.txt").read_text("utf-8").split("\n")
                 if w.strip()][:500]
        ok = sum(detect_document(w, cfg).lang == lang for w in pairs)
        assert ok >= (floor - 5) / 100 * len(pairs), (lang, ok)
    words = [w for w in (base / "single-words" / "en.txt").read_text("utf-8").split("\n")
             if w.strip()][:500]
    assert sum(detect_document(w, cfg).lang == "en" for w in words) >= 0.99 * len(words)
    for name in ("Paris", "Berlin", "Moscow", "Subscribe", "Impressum", "Menu"):
        assert detect_document(name, cfg).lang == "en", name
    d = detect_document("Здравствуйте, друзья", cfg)
    assert (d.lang, d.segments[0].foreign) == ("ru", False) and d.confidence > 0.9


def test_latin_fragments_of_three_words_and_more(ev):
    """The issue's floor counts fragments of 3 words or more: runs of 3 to 8 words (the
    same hosts and sources as above) are found 86.1 % of the time, character precision
    0.975, at the time of writing; runs of exactly 3 words alone 69 % (two of three
    words must be strong, see the known limits)."""
    cfg = Config()
    m = ev.score_latin_inline(ev.latin_inline_items("test", 800, words=(3, 8)),
                              ev.english_lines("test")[:1],
                              lambda x: detect_document(x, cfg).segments)
    assert m["found"] >= 0.80 and m["lang_right"] >= 0.95
    assert m["char_p"] >= 0.90


def test_latin_fragments_on_a_source_never_tuned_on(ev):
    # Tatoeba's everyday sentences (de/fr/es runs inside English ones; every English
    # sentence of its six pairs as a document): 90.5% found, character precision 0.97,
    # 0 of 6,569 English sentences flagged at the time of writing
    cfg = Config()
    m = ev.score_latin_inline(ev.tatoeba_inline_items(), ev.tatoeba_english(),
                              lambda x: detect_document(x, cfg).segments)
    assert m["found"] >= 0.80 and m["lang_right"] >= 0.95
    assert m["char_p"] >= 0.90
    assert m["en_lines"] > 5000 and m["en_flagged"] <= 0.001


@pytest.fixture(scope="module")
def mixed(ev):
    cfg = Config()
    return ev.score_mixed_cjk(ev.mixed_cjk_docs("test", 60), lambda x: detect_document(x, cfg))


def test_a_chinese_sentence_in_a_japanese_document_is_a_chinese_fragment(ev):
    # 0 of 300 before simplified ideographs, which no Japanese character set has, ruled
    # Japanese out (the sentence was taken as Japanese Han); 284 of 300 at the time of writing
    cfg = Config()
    m = ev.score_zh_in_ja(ev.zh_in_ja_docs("test"), lambda x: detect_document(x, cfg))
    assert m["zh-in-ja"] >= 0.90


def test_simplified_chinese_is_not_taken_for_japanese():
    # lingua's Chinese sentences, each a document: 17 of 729 were Japanese before (the
    # quantised fastText model is unsure of short Han text); lingua's Japanese stay Japanese
    folder = DATA / "lingua-language-testdata" / "sentences"
    cfg = Config()
    zh = [s for s in (folder / "zh.txt").read_text("utf-8").split("\n") if s.strip()]
    ja = [s for s in (folder / "ja.txt").read_text("utf-8").split("\n") if s.strip()]
    assert sum(detect_document(s, cfg).lang == "ja" for s in zh) <= 3
    assert all(detect_document(s, cfg).lang == "ja" for s in ja)


@pytest.mark.parametrize("lang", ["zh", "ja", "ko"])
def test_two_english_sentences_and_a_cjk_one_make_an_english_document(mixed, lang):
    assert mixed[f"{lang}-typical"] >= 0.85  # 0.92-0.97 at the time of writing
    # the longest tenth of the CJK sentences carries as much text as the two English
    # ones or more: the target language keeps the document while it holds half
    assert mixed[f"{lang}-long"] >= 0.60  # 0.71-0.89


@pytest.mark.parametrize("lang", ["zh", "ja", "ko"])
def test_a_cjk_document_with_english_menus_keeps_its_language(mixed, lang):
    assert mixed[f"{lang}-document"] >= 0.95


# names with particles ("van", "von der", "da") inside English sentences stay English
_PARTICLE_NAMES = ["Vincent van Gogh", "Ursula von der Leyen", "Ludwig van Beethoven",
                   "Rembrandt van der Rijn", "Charles de Gaulle", "Leonardo da Vinci",
                   "Botic van de Zandschulp", "Robin van Persie", "Otto von Bismarck",
                   "Mark van Bommel", "Johann Wolfgang von Goethe", "Frans de Waal",
                   "Ibn Khaldun and Abu Bakr al Baghdadi", "Vasco da Gama", "Alexander von Humboldt"]
_FRAMES = ["A new book about {} was published in London on Tuesday by a small press.",
           "Critics said the exhibition on {} drew more visitors than any show this year.",
           "The documentary follows {} through the last years of a long and busy life."]


def test_names_with_particles_are_not_foreign_fragments():
    """Before, 9 of these 45 sentences had a 'Dutch' or 'German' fragment ("Vincent van
    Gogh and Rembrandt van der Rijn", "Ursula von der Leyen"), which translation would
    then have rewritten; a run that is mostly the words of names is not a fragment."""
    from polyclean import Cleaner

    texts = [f.format(name) for name in _PARTICLE_NAMES for f in _FRAMES]
    results = Cleaner(translate=False).clean_batch(texts)
    flagged = [(t, r.record.fragments) for t, r in zip(texts, results) if r.record.fragments]
    assert flagged == []
    assert [r.text for r in results] == texts


def test_a_foreign_clause_beside_a_name_is_still_found():
    from polyclean.detect import get_backend
    from polyclean.detect.inline import find_fragment

    t = "She told Vincent van Gogh that het is niet goed genoeg voor ons and then she left."
    a, b, lang, _ = find_fragment(t, "en", Config(), get_backend())
    # (the run still takes the name in with it: "Vincent van Gogh that het is ...")
    assert "het is niet goed genoeg voor ons" in t[a:b] and lang == "nl"
