"""Boilerplate removal: rules, the learned batch rule, the line classifier, users'
controls, the pipeline contract, and the quality floors on real scraped pages
(../shared/data), measured with leave-site-out models only."""

import importlib.util
import json
import pickle
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from polyclean import Cleaner, Config
from polyclean.boilerplate import BoilerplateRemover, LineModel, line_rule, normalize_key
from polyclean.errors import ConfigError
from polyclean.report import apply_changes

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
CASES = json.loads((ROOT / "tests" / "cases" / "boilerplate_lines.json").read_text("utf-8"))
SPUTNIK = SHARED / "samples" / "sputnik-truss-2022-09-06.txt"
CAPTION = ("Moscow Kremlin and Bolshoi Moskvoretsky Bridge. In the background: the building "
           "of the Ministry of Foreign Affairs of the Russian Federation.")


def _bench():
    spec = importlib.util.spec_from_file_location("eval_boilerplate", ROOT / "bench" / "eval_boilerplate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _remove(texts, config=None):
    r = BoilerplateRemover(config or Config())
    r.learn(texts)
    return [(apply_changes(t, r.find(t)), r.find(t)) for t in texts]


def _need(path: Path):
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (expected beside the repository)")


# --- single lines -------------------------------------------------------------------------
@pytest.mark.parametrize("line,rule", CASES["boilerplate"])
def test_furniture_lines_get_their_rule(line, rule):
    assert line_rule(line) == rule


@pytest.mark.parametrize("line", CASES["body"])
def test_body_sentences_in_any_language_get_no_rule(line):
    assert line_rule(line) is None


# --- the seed page ----------------------------------------------------------------------------
@pytest.fixture(scope="module")
def sputnik():
    _need(SPUTNIK)
    text = SPUTNIK.read_text("utf-8")
    (out, changes), = _remove([text])
    return text, out, changes


def test_sputnik_body_kept_and_furniture_removed(sputnik):
    text, out, changes = sputnik
    out_lines = set(out.split("\n"))
    body = [ln for ln in text.split("\n")
            if len(ln.split()) >= 10 and re.search(r"[.!?:\"\u201d]$", ln.strip())
            and "Sputnik International" not in ln and not ln.startswith("\u00a9")]
    assert len(body) >= 15
    for ln in body:
        assert ln in out_lines, ln
    for ui in ("Subscribe", "Newsfeed", "0", "To participate in the discussion",
               "log in or register", "loader", "Chats"):
        assert ui in text.split("\n") and ui not in out_lines, ui
    assert "Sputnik International, 1920" in text
    assert "Sputnik International, 1920" not in out  # every dateline line is gone
    assert text.count(CAPTION) == 2 and out.count(CAPTION) == 1  # the caption kept once
    reasons = {c.original.strip(): c.reason for c in changes}
    assert reasons["- Sputnik International, 1920"] == "dateline"
    assert reasons["Subscribe"] == "ui-phrase" and reasons["0"] == "counter"


def test_pipeline_reports_every_removed_line_and_can_be_turned_off(sputnik):
    text = sputnik[0]
    res = Cleaner(translate=False).clean(text)
    removed = [c for c in res.report["changes"] if c["step"] == "boilerplate"]
    assert removed and all(c["result"] == "" and c["reason"] for c in removed)
    assert {"Subscribe", "Chats"} <= {c["original"].strip() for c in removed}
    assert "\nSubscribe\n" not in res.text
    kept = Cleaner(translate=False, boilerplate=False).clean(text)
    assert not [c for c in kept.report["changes"] if c["step"] == "boilerplate"]
    assert "\nSubscribe\n" in kept.text


def test_removed_lines_are_never_sent_to_translation():
    text = ("The Kremlin said on Monday that relations would not improve soon.\n"
            "\u041f\u043e\u0434\u043f\u0438\u0441\u0430\u0442\u044c\u0441\u044f\n"
            "Peskov said the new government had made many hostile statements.\n")
    res = Cleaner(translate=False).clean(text)
    gone = [c for c in res.report["changes"] if c["step"] == "boilerplate"]
    assert [c["reason"] for c in gone] == ["ui-phrase"]
    assert "\u041f\u043e\u0434\u043f\u0438\u0441\u0430\u0442\u044c\u0441\u044f" not in res.text


# --- document rules -------------------------------------------------------------------------
def test_short_documents_and_foreign_body_sentences_are_kept():
    assert _remove(["Caf\u00e9 noir"])[0][0] == "Caf\u00e9 noir"
    doc = ("Officials met in Geneva on Tuesday to discuss the new trade agreement.\n"
           "\u00abМы не ожидаем быстрых перемен в отношениях\u00bb, \u2014 заявил Песков.\n"
           "Further talks are planned for next month, the spokesman added.\n")
    assert _remove([doc])[0][0] == doc


def test_subheading_between_paragraphs_stays_menu_around_them_goes():
    doc = ("Home\nWorld\nBusiness\n"
           "The central bank raised its key rate by half a point on Thursday morning.\n"
           "What comes next\n"
           "Economists expect one more increase before the end of the year, analysts said.\n"
           "Most Read\nMarkets Rally As Oil Slides\nFive Things To Watch This Week\n")
    out, changes = _remove([doc])[0]
    assert "What comes next\n" in out
    assert "Most Read" not in out and "Markets Rally As Oil Slides" not in out
    assert {c.reason for c in changes} <= {"ui-phrase", "classifier"}
    assert all(0.0 < c.confidence <= 1.0 for c in changes if c.reason == "classifier")


def test_duplicate_lines_keep_the_first_copy():
    doc = ("Flood waters rose across the region overnight, officials said on Sunday.\n"
           "Flood waters rose across the region overnight, officials said on Sunday.\n"
           "Rescue teams reached the last villages cut off by the river on Monday.\n")
    out, changes = _remove([doc])[0]
    assert out.count("Flood waters") == 1 and changes[0].reason == "duplicate-line"
    assert changes[0].start > 0  # the second copy went


_CITIES = ["Lyon", "Porto", "Gdansk", "Turin", "Malmo", "Leeds", "Graz", "Brno", "Cork",
           "Aarhus", "Bergen", "Split"]


def _site_docs(n):
    return [f"The city council of {c} met on Monday to discuss the new budget for schools.\n"
            f"Members in {c} voted late in the evening before they agreed on a plan.\n"
            "Our newsroom verifies every story before it is published online.\n"
            for c in _CITIES[:n]]


def test_recurring_line_is_learned_from_the_batch_not_from_one_document():
    template = "Our newsroom verifies every story before it is published online."
    single = _remove(_site_docs(1))[0][0]
    assert template in single  # one document alone: no learned rule
    results = _remove(_site_docs(5))
    for out, changes in results:
        assert template not in out and "council" in out
        assert [c.reason for c in changes] == ["recurring-in-batch (5 of 5 docs)"]


def test_copies_of_one_article_are_not_emptied():
    body = ("The storm made landfall on Tuesday near the coastal town, officials said.\n"
            "Thousands of homes lost power and several roads were closed by flooding.\n"
            "Forecasters expect the rain to ease by Thursday afternoon.\n")
    docs = [f"Site {c} News\n{body}" for c in "ABCD"]
    for out, _ in _remove(docs):
        assert body in out


def test_window_is_bounded_and_remover_pickles():
    r = BoilerplateRemover(Config(boilerplate_window=3))
    r.learn(_site_docs(10))
    assert r.documents_seen == 3
    assert r.recurrence("Our newsroom verifies every story before it is published online.") == 3
    r.learn(_site_docs(10)[:1])  # an exact duplicate document counts once
    r2 = pickle.loads(pickle.dumps(r))
    doc = _site_docs(12)[11]
    assert [c.to_dict() for c in r2.find(doc)] == [c.to_dict() for c in r.find(doc)]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from([
    "Subscribe", "0", "", "  ", "Share", "Nov. 19, 2019", "\u00a9 AFP",
    "The minister said on Monday that the talks would continue next week.",
    "What comes next", "Related Stories", "He said: \u201cWe will see.\u201d",
    "Markets Rally As Oil Slides", "\u0417\u0430\u0433\u043e\u043b\u043e\u0432\u043e\u043a",
    "A long paragraph of body text that goes on and ends with a full stop.", "\r",
]), max_size=25), st.booleans())
def test_changes_are_whole_lines_and_replay(lines, trailing_newline):
    text = "\n".join(lines) + ("\n" if trailing_newline else "")
    r = BoilerplateRemover(Config())
    r.learn([text])
    changes = r.find(text)
    pos = -1
    for c in changes:
        assert c.step == "boilerplate" and c.result == "" and c.reason
        assert c.start > pos and text[c.start:c.end] == c.original
        assert c.start == 0 or text[c.start - 1] == "\n"  # starts a line
        assert c.original.endswith("\n") or c.end == len(text)  # with its line break
        assert "\n" not in c.original[:-1]  # one line only
        pos = c.end - 1
    kept = apply_changes(text, changes)
    assert set(kept.split("\n")) - {""} <= set(text.split("\n"))


def test_a_price_is_not_a_counter_and_a_notice_glued_to_running_text_is_not_a_copyright_line():
    """A product page's prices and a long paragraph that ends with a copyright notice stay
    (the pipeline after --extract main, where only the rules run); counters and short
    notices still go."""
    paragraph = ("Posted 11 April 2018 by Walter. Our second collaboration took us to the coast "
                 "of Japan, where Shuji shot a panoramic film of the harbour at dawn. ") * 3 \
        + "Copyright \u00a9 2018. All Rights Reserved."
    assert len(paragraph) > 400
    page = ("The hand-made kettle holds a litre and a half and heats on any stove top.\n"
            "286,35 \u20ac\n$1,195.00\n12\n" + paragraph + "\n"
            "Copyright \u00a9 2018 Example Media. All Rights Reserved.\n")
    r = BoilerplateRemover(Config(drop_rules=("classifier",)))
    r.learn([page])
    reasons = {c.original.strip(): c.reason for c in r.find(page)}
    assert "286,35 \u20ac" not in reasons and "$1,195.00" not in reasons
    assert paragraph not in reasons
    assert reasons["12"] == "counter"
    assert reasons["Copyright \u00a9 2018 Example Media. All Rights Reserved."] == "copyright"


def test_different_prices_on_pages_of_one_batch_are_not_a_recurring_line():
    """Numbers are 0 in a key, so "286,35 EUR" and "37,40 EUR" share one: a key of
    numbers only is not learned, while a recurring line with words still is."""
    pages = [f"The kettle holds a litre and a half and heats on any stove top, said the maker.\n"
             f"{price}\nFree delivery on every order\n" for price in
             ("286,35 \u20ac", "37,40 \u20ac", "71,04 \u20ac", "\u00a35,349.00")]
    r = BoilerplateRemover(Config(drop_rules=("classifier",)))
    r.learn(pages)
    for page in pages:
        reasons = {c.original.strip(): c.reason for c in r.find(page)}
        assert page.split("\n")[1] not in reasons
        assert reasons["Free delivery on every order"].startswith("recurring-in-batch")


def test_hard_wrapped_articles_keep_their_body():
    """Text cut at a column (mail archives, text dumps) was judged line by line, and the
    pieces of each paragraph read as fragments without sentence structure: of the
    Scrapinghub gold bodies wrapped at 72 columns, 46 % of the words were kept (98.7 %
    of the same bodies unwrapped).  A block of three or more lines cut at one column
    is judged whole, and in a document where two such blocks show the column, so is
    every block of two or more lines cut there (however its lines begin).  All 100
    bodies, held-out odd half: 95.0-97.6 % kept at 50-80 columns and fmt-style before
    the document's column was used, 98.6-99.3 % after (``bench/eval_wrapped.py``);
    this test takes 40 bodies at 50 and 72 columns and fmt-style (75, no word broken):
    95.5 % of the words kept before, 98.0 % after; of the words of two-line paragraphs,
    78 % were in paragraphs the clean left untouched before, 96 % after.  The furniture
    still goes."""
    import textwrap

    _need(DATA / "scrapinghub-article-extraction-benchmark")
    cleaner = Cleaner(translate=False)
    kept = total = two_kept = two_total = 0
    for _, gold in _bench().load_scrapinghub()[:40]:
        paras = [p for p in gold.split("\n") if p.strip()]
        for width, long_words in ((50, True), (72, True), (75, False)):
            fills = [textwrap.fill(p, width, break_long_words=long_words) for p in paras]
            wrapped = "\n\n".join(fills)
            result = cleaner.clean("Subscribe\nLog in\n\n" + wrapped)
            out, src = result.text, result.repaired
            assert "Subscribe" not in out.split("\n")[:2]
            kept += len(out.split())
            total += len(wrapped.split())
            gone = [(c.start, c.end) for c in result.record.changes if c.step == "boilerplate"]
            pos = 0
            for f in fills:
                at = src.find(f, pos)
                if f.count("\n") != 1 or at < 0:
                    continue
                pos = at + len(f)
                two_total += len(f.split())
                two_kept += len(f.split()) * (not any(a < pos and b > at for a, b in gone))
    assert kept / total >= 0.96, kept / total
    assert two_kept / two_total >= 0.93, two_kept / two_total


def test_hard_wrapped_paragraphs_without_blank_lines_between_them_keep_their_body():
    """``lynx -dump`` output and text with indented paragraphs cut their paragraphs at a
    column with no blank line between them: a block is cut into paragraphs after each
    line the column did not break (a run ending a sentence), and each is judged as a
    paragraph.  40 Scrapinghub bodies so wrapped at 60 and 72 columns and fmt-style:
    61.2 % of the words kept before, 96.6 % after; CleanEval's 58 gold texts as their
    annotators left them (lynx output; never tuned on): 77.4 % before, 95.4 % after."""
    _need(DATA / "scrapinghub-article-extraction-benchmark")
    _need(DATA / "cleaneval-dev")
    spec = importlib.util.spec_from_file_location("eval_wrapped", ROOT / "bench" / "eval_wrapped.py")
    ew = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(ew)
    cleaner = Cleaner(translate=False)
    kept = total = 0
    for _, gold in _bench().load_scrapinghub()[:40]:
        for width in ("60", "72", "fmt"):
            text = ew.wrapped(gold, width, "\n")
            out = cleaner.clean("Subscribe\nLog in\n\n" + text).text
            assert "Subscribe" not in out.split("\n")[:2]
            kept += len(out.split())
            total += len(text.split())
    assert kept / total >= 0.94, kept / total
    lynx, _ = ew.native_figures(cleaner, [n for _, n in ew.load_cleaneval_golds()])
    assert lynx >= 0.93, lynx


def test_a_hard_wrapped_footer_recurring_in_a_batch_goes():
    """A footer wrapped like the text above it is judged as one line, but recurring lines
    are learned as the documents' lines are: a wrapped block recurs where each of its
    lines does.  Of the wrapped footers below 8 wrapped bodies (``bench/eval_wrapped.py``,
    768 documents), 65.6 % went before blocks of two lines were joined, 38.8 % once they
    were and before this, 99.9 % now."""
    import textwrap

    _need(DATA / "scrapinghub-article-extraction-benchmark")
    footers = [("The Example Newsroom is a nonprofit newsroom that covers local government "
                "and the courts."),
               ("The Example Newsroom is a nonprofit newsroom that covers local government, "
                "schools and the courts across the state; its reporting is supported by its "
                "readers and by two foundations.")]
    bodies = [g for _, g in _bench().load_scrapinghub()[:6]]
    for footer in footers:
        foot = textwrap.fill(footer, 72)
        assert foot.count("\n") in (1, 2)
        docs = ["\n\n".join(textwrap.fill(p, 72) for p in g.split("\n") if p.strip())
                + "\n\n" + foot + "\n" for g in bodies]
        r = BoilerplateRemover(Config())
        r.learn(docs)
        joined = 0
        for doc in docs:
            gone = {c.original.strip(): c.reason for c in r.find(doc)}
            joined += foot in gone
            for line in [foot] if foot in gone else foot.split("\n"):
                assert gone.get(line, "").startswith("recurring-in-batch"), (line, gone.get(line))
        assert joined >= 4  # the documents whose wrapped blocks show the column


def test_lines_of_real_pages_are_not_joined_as_if_wrapped(bench):
    """The whole-page text of the 328 benchmark pages (html-text output) is not read as
    hard-wrapped, but for one block of one page (a feature list whose lines go on in
    lower case) and the one page that is hard-wrapped: CleanEval's page 57 quotes a
    press briefing cut at 76 columns, a ``<br>`` a line, its paragraphs without a blank
    line between them, and those are joined.  Lists of headlines, menus and bylines keep
    their lines, and the boilerplate figures pinned below are what they were before."""
    from polyclean.boilerplate.remover import _lines, _unwrap

    pages = ([t for t, _ in bench.load_scrapinghub()] + [t for t, _, _ in bench.load_cleaneval()]
             + [p["text"] for p in bench.load_trafilatura()])
    assert len(pages) == 328
    joined = {k: [u for u in _unwrap(*_lines(t))[1] if u not in set(_lines(t)[1])]
              for k, t in enumerate(pages)}
    joined = {k: u for k, u in joined.items() if u}
    briefing = [k for k, u in joined.items()
                if any(s.startswith("QUESTION: Asharq al-Awsat newspaper said today that "
                                    "President Bush will not deal with") for s in u)]
    assert len(briefing) == 1 and len(joined[briefing[0]]) >= 3
    assert len(joined) <= 2, sorted(joined)


def test_normalize_key_ignores_case_punctuation_and_numbers():
    assert normalize_key("Comments (12)") == normalize_key("COMMENTS: 3")
    assert normalize_key("Log in / Register \u00bb") == "log in register"


# --- quality floors on real data: leave-site-out models only --------------------------------------
@pytest.fixture(scope="module")
def bench():
    _need(DATA / "scrapinghub-article-extraction-benchmark")
    return _bench()


@pytest.fixture(scope="module")
def cv_models():
    """Each host of the training pages with the fold model that never saw it
    (written by bench/train_boilerplate.py beside the shipped model)."""
    cv = json.loads((ROOT / "bench" / "boilerplate_cv_folds.json").read_text("utf-8"))
    shipped = json.loads((ROOT / "polyclean" / "data" / "boilerplate_model.json").read_text("utf-8"))
    assert cv["features"] == shipped["features"] and cv["threshold"] == shipped["threshold"]
    assert cv["unanchored_threshold"] == shipped["unanchored_threshold"]
    models = {}
    for fold in cv["folds"]:
        m = LineModel({**fold["model"], "threshold": cv["threshold"],
                       "unanchored_threshold": cv["unanchored_threshold"]})
        for h in fold["hosts"]:
            assert h not in models  # every host is held out by exactly one fold
            models[h] = m
    return models


def _held_out(bench, cv_models, texts_hosts):
    from urllib.parse import urlsplit

    out = []
    for text, url in texts_hosts:
        h = urlsplit(url).netloc.lower()
        h = h[4:] if h.startswith("www.") else h
        r = BoilerplateRemover(Config(), cv_models[h])
        r.learn([text])
        out.append(apply_changes(text, r.find(text)))
    return out


def _scrapinghub_urls():
    urls = {}
    with open(DATA / "scrapinghub-article-extraction-benchmark" / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            urls[d["articleBody"]] = d["url"]
    return urls


# Floors from the leave-site-out runs of bench/train_boilerplate.py (see the README).
# The targets of the unseen-data issue (body >= 98 % and other >= 85 % on both) are met
# for the Scrapinghub body only: these pin what the leave-site-out runs give today
# (Scrapinghub 0.984 / 0.726, CleanEval 0.973 / 0.739; see the README).
FLOORS = {"scrapinghub": (0.98, 0.71), "cleaneval": (0.965, 0.72)}


def test_scrapinghub_floors_leave_site_out(bench, cv_models):
    pages = bench.load_scrapinghub()
    urls = _scrapinghub_urls()
    outs = _held_out(bench, cv_models, [(t, urls[g]) for t, g in pages])
    ours = bench.char_scores(pages, lambda docs: outs)
    c4 = bench.char_scores(pages, bench.c4_rule)
    body, other = FLOORS["scrapinghub"]
    assert ours["body_kept"] >= body and ours["other_removed"] >= other, ours
    assert ours["f1"] > c4["f1"]  # and better than the C4-style line rule


def test_cleaneval_floors_leave_site_out(bench, cv_models):
    _need(DATA / "cleaneval-dev")
    pytest.importorskip("html_text")
    pages = bench.load_cleaneval()
    outs = _held_out(bench, cv_models, [(t, u) for t, _, u in pages])
    ours = bench.char_scores([(t, g) for t, g, _ in pages], lambda docs: outs)
    body, other = FLOORS["cleaneval"]
    assert ours["body_kept"] >= body and ours["other_removed"] >= other, ours


def test_trafilatura_multilingual_segment_floors(bench, cv_models):
    _need(DATA / "trafilatura-eval-subset")
    pytest.importorskip("html_text")
    pages = bench.load_trafilatura()
    outs = _held_out(bench, cv_models, [(p["text"], p["url"]) for p in pages])
    r = bench.segment_scores(pages, lambda docs: outs)
    assert r["include_n"] > 400 and r["exclude_n"] > 350
    # leave-site-out today: 0.971 / 0.677 (the rules before the classifier: 0.971 / 0.675
    # with the old phrase list)
    assert r["include_kept"] >= 0.97
    assert r["exclude_removed"] >= 0.66


def test_ui_strings_of_the_ghost_themes_are_removed_in_every_language():
    tsv = DATA / "ghost-theme-ui-strings" / "ui_strings.tsv"
    _need(tsv)
    rows = [ln.split("\t") for ln in tsv.read_text("utf-8").splitlines()[1:]]
    plain = [r[4] for r in rows if len(r) > 4 and r[4].strip() and "{" not in r[4]
             and "%" not in r[4] and "@" not in r[4] and r[2].strip() != "and"]
    hits = sum(line_rule(s) is not None for s in plain)
    assert hits / len(plain) >= 0.97


def test_body_sentences_of_many_languages_survive_inside_a_page():
    folder = DATA / "lingua-language-testdata" / "sentences"
    _need(folder)
    for f in sorted(folder.glob("*.txt")):
        sents = [s.strip() for s in f.read_text("utf-8").splitlines()[:40] if s.strip()]
        page = "Subscribe\nShare\n0\n" + "\n".join(sents) + "\nCookie Policy\nPrivacy Policy\n"
        out = _remove([page])[0][0].split("\n")
        lost = [s for s in sents if s not in out]
        assert len(lost) <= 1, (f.name, lost)


# --- the classifier, foreign lines, idempotence, users' controls ---------------------------------
FIVE = ("The council met on Tuesday to discuss the new budget for the city.\n"
        "Several members asked for more money for schools.\n"
        "Subscribe\n"
        "Share this article\n"
        "The council met on Tuesday to discuss the new budget for the city.\n")


def test_removing_lines_never_makes_more_lines_removable():
    out, changes = _remove([FIVE])[0]
    again = BoilerplateRemover(Config())
    again.learn([out])
    assert again.find(out) == []
    assert out.count("The council met") == 1  # the repeat within three lines goes too


def test_idempotent_through_the_cleaner():
    cleaner = Cleaner(translate=False)
    once = cleaner.clean(FIVE).text
    assert cleaner.clean(once).text == once
    assert "Subscribe" not in once and "Several members" in once


def test_classifier_removals_carry_their_probability_and_the_threshold_trades_them():
    page = ("World\nBusiness\nMarkets\nTech\n"
            "The central bank raised its key rate by half a point on Thursday morning.\n"
            "Economists expect one more increase before the end of the year, analysts said.\n"
            "Most Read\nMarkets Rally As Oil Slides\nFive Things To Watch This Week\nGot a news tip?\n")
    strict = _remove([page])[0][1]
    assert strict and all(c.reason != "classifier" or 0.0 < c.confidence <= 1.0 for c in strict)
    lenient = _remove([page], Config(boilerplate_threshold=0.999))[0][1]
    assert len([c for c in lenient if c.reason == "classifier"]) < len(
        [c for c in strict if c.reason == "classifier"])


FOREIGN_LINE = "\u0417\u0430\u0433\u043e\u043b\u043e\u0432\u043e\u043a \u043e\u0442\u043a\u0440\u044b\u0432\u0430\u0435\u043c\u043e\u0433\u043e \u043c\u0430\u0442\u0435\u0440\u0438\u0430\u043b\u0430"


def test_the_mission_example_is_not_a_ui_phrase():
    assert line_rule(FOREIGN_LINE) == "no-sentence-structure"  # a candidate, not furniture


def test_foreign_lines_are_never_removed_by_the_classifier():
    page = ("The government said on Monday that the reform would take effect next year.\n"
            "Officials expect a long debate in parliament before the final vote.\n\n\n"
            f"{FOREIGN_LINE}\nSubscribe\n")
    start = page.index(FOREIGN_LINE)
    r = BoilerplateRemover(Config())
    r.learn([page])
    alone = {c.original.strip(): c.reason for c in r.find(page)}
    assert alone.get(FOREIGN_LINE) == "classifier"
    told = {c.original.strip(): c.reason for c in r.find(page, foreign=[(start, start + 9)])}
    assert FOREIGN_LINE not in told and told["Subscribe"] == "ui-phrase"  # general rules still apply


def test_rules_can_be_turned_off_and_users_lists_name_their_source(tmp_path):
    page = ("Home | World | Business | Sport\n"
            "The minister said on Monday that the talks would continue next week.\n"
            "Got a news tip?\nSubscribe\n")
    base = {c.original.strip(): c for c in _remove([page])[0][1]}
    assert base["Home | World | Business | Sport"].reason == "menu"
    assert base["Subscribe"].extra == {"source": "boilerplate_phrases_ghost.txt"}
    off = {c.original.strip() for c in _remove([page], Config(drop_rules=("menu", "classifier")))[0][1]}
    assert "Home | World | Business | Sport" not in off and "Subscribe" in off
    only = {c.reason for c in _remove([page], Config(keep_rules=["ui-phrase"]))[0][1]}
    assert only == {"ui-phrase"}
    keep = tmp_path / "keep.txt"
    keep.write_text("# mine\nSUBSCRIBE\n", "utf-8")
    drop = tmp_path / "drop.txt"
    drop.write_text("got a news tip\n", "utf-8")
    r = BoilerplateRemover(Config(keep_phrases=(str(keep),), drop_phrases=(str(drop),)))
    r.learn([page])
    kept = []
    found = {c.original.strip(): c for c in r.find(page, kept=kept)}
    assert "Subscribe" not in found
    assert [(c.reason, c.extra["source"], c.original == c.result) for c in kept] == [
        ("user-keep-phrase", str(keep), True)]
    tip = found["Got a news tip?"]
    assert tip.reason == "user-drop-phrase" and tip.extra == {"source": str(drop)}


def test_bad_controls_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="unknown boilerplate rule"):
        BoilerplateRemover(Config(drop_rules=("menus",)))
    with pytest.raises(ConfigError, match="cannot read phrase file"):
        BoilerplateRemover(Config(keep_phrases=(str(tmp_path / "missing.txt"),)))
    with pytest.raises(ConfigError):
        Config(boilerplate_threshold=1.5)
    assert Config(drop_rules=["menu"]).drop_rules == ("menu",)


_LINES = st.sampled_from([
    "\u201cWe\u2019ll see,\u201d he said \u2014 and left\u2026", "\u2022 Fresh basil", "Caf\u00e9  \u00a0noir",
    "Subscribe\u200b", "\uff21\uff22\uff23 News", "Nov. 19, 2019", "- Sputnik International, 1920",
    "Markets Rally As Oil Slides", "He said: \u00abWe will see.\u00bb", "\u2013 12 \u2013",
])


@settings(max_examples=100, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=6), st.sampled_from([
    {}, {"quotes": False}, {"dashes": False}, {"unicode_form": "NFKC"}, {"ellipsis": False},
    {"bullets": False}]))
def test_lines_are_judged_alike_whatever_the_normalisation_options(lines, options):
    from polyclean.boilerplate import analyse
    from polyclean.normalize import normalized

    for line in lines:
        again = normalized(line, Config(**options)).strip()
        assert analyse(again) == analyse(line), (line, again)


@pytest.mark.parametrize("text,kept", [
    ("Second.", True), ("The second.", True), ("Hours", True), ("Minute.", True),
    ("2 hours ago", False), ("Seconds ago", False), ("vor 3 Stunden", False),
    ("Updated 5 minutes ago", False), ("Yesterday", False)])
def test_a_unit_of_time_alone_is_no_date(text, kept):
    """A unit of time marks a date only with a quantity or a word that counts back: a
    one-line document "Second." was removed whole as a `date` (found by the CLI
    trials: a CSV cell "Second\\r\\nrow." lost its first line)."""
    from polyclean import Cleaner

    out = Cleaner(translate=False).clean(text).text
    assert (out == text) is kept


# --- one sentence per line: documents that are all body ------------------------------------------
def test_short_sentences_going_on_from_running_text_stay():
    # a post written one sentence per line: the short sentences after the running text
    # continue it (the classifier took the last three of such a post before)
    text = ("The council met on Tuesday to discuss the new budget for the city schools.\n"
            "Several members asked why the plan had been published so late this year.\n"
            "So what?\nIt will pass.\nEveryone knows this.\nWhat else is new?\n")
    out, changes = _remove([text])[0]
    assert out == text and not changes


def test_short_sentences_after_a_break_are_still_judged():
    # after a line that is not a sentence the chain is broken: a sign-off is judged as before
    kinds = [3, 2, 0, 2]  # anchor, sentence, furniture, sentence
    from polyclean.boilerplate.remover import _keep_continuations

    found = [(1, "classifier", 0.95), (3, "classifier", 0.95)]
    assert [i for i, _, _ in _keep_continuations(kinds, [0, 1, 2, 3], found)] == [3]


@pytest.mark.parametrize("side,most", [("ru", 6), ("en", 4)])
def test_wmt22_documents_keep_their_sentences(side, most):
    """WMT22's general test documents are all body text, one sentence per line: the
    classifier took 24 (Russian) and 21 (English) of their 2,016 sentences before short
    sentences that go on from running text were kept; 10 and 5 then, 4 and 3 now that a line
    of one word and a full stop ("Попробуйте.") goes on with the chain."""
    path = DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv"
    _need(path)
    import csv

    docs: dict[str, list[str]] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            docs.setdefault(row["doc_id"], []).append(row[side])
    texts = ["\n".join(lines) + "\n" for lines in docs.values()]
    assert sum(len(lines) for lines in docs.values()) == 2016
    r = BoilerplateRemover(Config())
    r.learn(texts)
    taken = [c.original for t in texts for c in r.find(t) if c.reason == "classifier"]
    assert len(taken) <= most, taken


@pytest.mark.parametrize("line", ["2 + 2 = 4", "6 + 1 + 31 + 36 = 74", "12 × 3 = 36", "7 - 10 = -3"])
def test_arithmetic_is_neither_a_counter_nor_a_date(line):
    # a magic square's sums in CleanEval's gold text were removed as 'date' (numbers are
    # 0 in a key, and "0 0 0 0 0" reads as a date), "2 + 2 = 4" as 'counter'
    assert line_rule(line) not in ("counter", "date")
    text = "The sums of each row are the same, as the table below shows for the first square.\n" + line + "\n"
    assert [c.reason for c in BoilerplateRemover(Config()).find(text)] in ([], ["classifier"])


def test_an_acronym_does_not_make_a_line_without_case_all_capitals():
    """A Chinese headline holding "(AM)" read as an all-capitals line (every cased letter
    a capital), which the classifier takes for a menu: case says nothing in a line
    written mostly in letters without it."""
    from polyclean.boilerplate.analysis import analysed, features
    from polyclean.boilerplate.features import LINE_NAMES

    def case(s):
        f = dict(zip(LINE_NAMES, features(analysed(s))))
        return f["upper_share"], f["all_caps"]

    assert case("威尔士国民议会议员(AM)担心“看起来像笨蛋”") == case("威尔士国民议会议员担心“看起来像笨蛋”") == (-1.0, False)
    assert case("NEWS SPORT WEATHER") == (1.0, True)
    assert case("Новости BBC") == (0.4, False)


def test_ntrex_chinese_documents_keep_their_lines():
    """NTREX's 123 news documents in Chinese, one sentence per line, all body: the
    classifier took 24 lines (mostly headlines, some with Latin acronyms), 19 now; the
    English originals lose 3."""
    base = DATA / "ntrex128-newstest2019"
    _need(base / "original" / "newstest2019-ref.zho-CN.txt")
    import csv

    with open(base / "ntrex_ru_en.tsv", encoding="utf-8", newline="") as fh:
        ids = [row["doc_id"] for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)]
    lines = (base / "original" / "newstest2019-ref.zho-CN.txt").read_text("utf-8-sig").splitlines()
    docs: dict[str, list[str]] = {}
    for doc_id, line in zip(ids, lines, strict=True):
        docs.setdefault(doc_id, []).append(line)
    texts = ["\n".join(v) + "\n" for v in docs.values()]
    r = BoilerplateRemover(Config())
    r.learn(texts)
    taken = [c.original for t in texts for c in r.find(t) if c.reason == "classifier"]
    assert len(taken) <= 20, taken


def test_a_page_of_copies_is_judged_in_a_few_rounds(monkeypatch):
    """A paragraph printed 3,000 times: every copy after the first goes, found in a few
    rounds of the repeats rule, not three lines a round (that took 23 s for 20,000
    copies on an HTML page, growing with the square of the page)."""
    from polyclean.boilerplate import remover

    calls = []
    real = remover._duplicates
    monkeypatch.setattr(remover, "_duplicates", lambda *a: calls.append(1) or real(*a))
    line = "The council met on Tuesday to discuss the budget for the city schools."
    text = "\n".join(f"{line[:-1]} {k}." for k in range(3000)) + "\n"
    changes = BoilerplateRemover(Config()).find(text)
    assert len(changes) == 2999 and {c.reason for c in changes} == {"duplicate-line"}
    assert len(calls) <= 5, len(calls)
