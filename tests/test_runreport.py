"""The run report's parts: the heavy-hitter sketch's bound, the alignment of source and
output rebuilt from reports, the aggregate (bounded, deterministic, mergeable) and the
`polyclean report` command.  The page in a real browser: test_runreport_browser.py."""

from __future__ import annotations

import json
import random
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from polyclean import Cleaner, Config
from polyclean.cli_report import main
from polyclean.report import replay
from polyclean.runreport.aggregate import RunReport
from polyclean.runreport.align import align
from polyclean.runreport.sketch import HeavyHitters

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


# --- the sketch -------------------------------------------------------------------------------
@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 30), max_size=400), st.integers(1, 12), st.integers(1, 5))
def test_sketch_counts_stay_within_the_stated_bound(stream, k, parts):
    """Whatever the stream and however it is split into merged pieces, every true count
    lies in [shown, shown + error], error <= (n - sum) / (k + 1), and any item seen more
    than n / (k + 1) times is listed."""
    pieces = [HeavyHitters(k) for _ in range(parts)]
    for i, x in enumerate(stream):
        pieces[i % parts].add(x)
    hh = pieces[0]
    for other in pieces[1:]:
        hh.merge(other)
    true = Counter(stream)
    assert len(hh.counts) <= k and hh.n == len(stream)
    assert hh.error * (k + 1) <= hh.n - sum(hh.counts.values())
    for x, c in true.items():
        lo, hi = hh.bounds(x)
        assert lo <= c <= hi
        if c > hh.n / (k + 1):
            assert x in hh.counts


def test_a_body_sentence_removed_a_thousand_times_stands_out():
    """Among 60,000 removed lines, most seen once, the one sentence removed 1,000 times
    is at the top with a tight bound, in 500 counters."""
    rng = random.Random(7)
    hh = HeavyHitters(500)
    sentence = "The council met on Tuesday to discuss the new budget for the city."
    stream = [f"headline {i}" for i in range(55_000)] + ["Subscribe"] * 4_000 + [sentence] * 1_000
    rng.shuffle(stream)
    for x in stream:
        hh.add(x)
    (first, n1), (second, n2) = hh.top(2)
    assert (first, second) == ("Subscribe", sentence)
    assert n2 <= 1_000 <= n2 + hh.error and hh.error <= len(stream) // 501
    assert len(hh.counts) <= 500


# --- alignment ------------------------------------------------------------------------------
def _real_documents():
    docs = [p.read_bytes() for p in sorted((ROOT / "samples").iterdir())]
    path = DATA / "scrapinghub-article-extraction-benchmark" / "fullpage_text_html-text.jsonl"
    with open(path, encoding="utf-8") as fh:
        docs += [json.loads(line)["text"] for line in list(fh)[:40]]
    with open(DATA / "ftfy-test-cases" / "ftfy_cases.jsonl", encoding="utf-8") as fh:
        docs += [json.loads(line)["original"] for line in fh]
    return docs


def test_alignment_rebuilds_source_and_output_of_real_documents():
    """The pieces of every document concatenate to its source and to its output, and
    every change of its report marks some piece."""
    cleaner = Cleaner(Config(translate=False))
    results = cleaner.clean_batch(_real_documents())
    assert len(results) > 200
    for res in results:
        pieces = align(res.source, res.report)
        assert "".join(p.src for p in pieces) == res.source
        assert "".join(p.out for p in pieces) == res.text == replay(res.source, res.report)
        marked = {i for p in pieces for i in p.changes}
        assert marked == set(range(len(res.report["changes"])))


def test_alignment_refuses_a_report_of_another_text():
    res = Cleaner(Config(translate=False)).clean("Subscribe\nIt is  fine.\n")
    with pytest.raises(ValueError):
        align("Something else entirely.\n", res.report)


# --- the aggregate -------------------------------------------------------------------------------
def _reports(n: int, seed: int = 1) -> list[dict]:
    """Synthetic reports: every one removes a unique line, one in three a shared one."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        changes = [{"step": "boilerplate", "start": 0, "end": 10, "original": f"headline {i}\n",
                    "result": "", "reason": "no-sentence-structure"}]
        if i % 3 == 0:
            changes.append({"step": "boilerplate", "start": 10, "end": 20,
                            "original": "Subscribe\n", "result": "", "reason": "ui-phrase"})
        if i % 7 == 0:
            changes.append({"step": "translate", "start": 20, "end": 30, "original": "Кошка",
                            "result": "Cat", "reason": "translated ru->en with pkg",
                            "lang": "ru", "package": "pkg"})
        out.append({"schema": 2, "id": f"doc-{i}", "lang": rng.choice(["en", "de", "ru"]),
                    "stages": {"boilerplate": "done"}, "counts": {}, "changes": changes})
    return out


def test_aggregate_is_bounded_for_a_large_run(tmp_path):
    rr = RunReport(sketch_k=1000, sample_k=12)
    for rep in _reports(40_000):
        rr.add(rep, source="x" * 20)
    assert rr.documents == 40_000 and rr.lines_removed == 40_000 + 13_334
    assert len(rr.top_lines.counts) <= 1000
    assert len(rr.sample.docs) <= 12 * len(rr.sample.STRATA)
    assert rr.top_lines.top(1)[0][0] == "Subscribe"
    size = rr.write_html(str(tmp_path / "r.html"), {})
    assert size < 2_000_000


def test_aggregate_does_not_depend_on_order_or_batches():
    reps = _reports(3_000)
    a = RunReport()
    for r in reps:
        a.add(r)
    b = RunReport()
    for r in reversed(reps):
        b.add(r)
    c = RunReport()
    for start in range(0, len(reps), 256):  # as a runner would: one aggregate per batch
        part = RunReport()
        for r in reps[start:start + 256]:
            part.add(r)
        c.merge(part)
    for other in (b, c):
        assert [r["id"] for r, _ in other.sample.documents()] == \
            [r["id"] for r, _ in a.sample.documents()]
        for name in ("documents", "lines_removed", "langs", "removed_by_rule", "packages",
                     "stages", "translation"):
            assert getattr(other, name) == getattr(a, name), name
        line, count = other.top_lines.top(1)[0]
        assert line == "Subscribe" and count <= 1_000 <= count + other.top_lines.error


def test_translation_outcomes_and_errors_are_classified():
    rr = RunReport()
    rr.add({"id": 1, "lang": "en", "changes": [
        {"step": "translate", "start": 0, "end": 5, "original": "Кошка", "result": "Кошка",
         "reason": "no installed package for ru->en (kept)", "lang": "ru"},
        {"step": "translate", "start": 6, "end": 9, "original": "Привет", "result": "Привет",
         "reason": "kept the source: loop, length-ratio (translate-ru_en-1.0)", "lang": "ru",
         "package": "translate-ru_en-1.0"},
        {"step": "translate", "start": 10, "end": 15, "original": "Hallo", "result": "Hello",
         "reason": "translated de->en with translate-de_en-1.0", "lang": "de",
         "package": "translate-de_en-1.0"}]})
    for i in range(5):
        rr.add({"id": f"d.jsonl:line {i}", "error": f"invalid JSON: Expecting value: line 1 column {i}"})
    assert rr.translation == {"ru": Counter(left=1, refused=1), "de": Counter(translated=1)}
    assert rr.refused == Counter({"loop": 1, "length-ratio": 1})
    assert rr.missing_pairs == Counter({"ru->en": 1})
    (kind, (count, examples)), = rr.error_kinds.items()
    assert count == 5 and len(examples) == 3 and examples[0][0] == "d.jsonl:line 0"


# --- polyclean report ------------------------------------------------------------------------------
def test_report_command_builds_the_page_from_a_run(tmp_path, capsys):
    out = tmp_path / "out"
    from polyclean import cli

    assert cli.main(["clean", str(ROOT / "samples"), "-o", str(out), "--report",
                     str(tmp_path / "r.jsonl"), "-q", "--no-translate"]) == 0
    summary = tmp_path / "s.json"
    summary.write_text(json.dumps({"schema": "polyclean-summary/1", "records": 3,
                                   "stats": {"documents": 3, "cache_hit": 4, "cache_miss": 1},
                                   "timings": {"decode": 0.01, "boilerplate": 0.2}}))
    page = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "r.jsonl"), "--summary", str(summary),
                 "-o", str(page)]) == 0
    html = page.read_text("utf-8")
    assert "<script src" not in html and "http://" not in html.replace(
        "http://www.w3.org", "")  # nothing to fetch
    assert "data-count=cache_rate>80.0 %" in html
    assert "Subscribe" in html and "ui-phrase" in html  # the top removed lines
    assert html.count("<table class=sbs>") == 3  # all three samples side by side
    assert "Misra-Gries" in html and "id=sketch-bound" in html
    err = capsys.readouterr().err
    assert "3 documents" in err


def test_report_command_errors(tmp_path, capsys):
    rc = main(["report", str(tmp_path / "missing.jsonl"), "-o", str(tmp_path / "x.html")])
    assert rc == 1 and "cannot read the report" in capsys.readouterr().err
    (tmp_path / "r.jsonl").write_text('{"schema": 2, "id": "a", "lang": "en", "changes": []}\n'
                                      'not json\n')
    (tmp_path / "s.json").write_text("[1, 2]")
    rc = main(["report", str(tmp_path / "r.jsonl"), "--summary", str(tmp_path / "s.json"),
               "-o", str(tmp_path / "x.html")])
    assert rc == 1 and "not a JSON object" in capsys.readouterr().err
    rc = main(["report", str(tmp_path / "r.jsonl"), "-o", str(tmp_path / "x.html")])
    # a damaged line is an error, as a data input's is (it was silent, exit 0), and the
    # page is still written, with the line among its failed records, not a crash
    assert rc == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (f"polyclean: error: {tmp_path / 'r.jsonl'}:line 2: 1 line is not a "
                      "per-document report (damaged or not JSON); the page counts them as "
                      "failed records")
    html = (tmp_path / "x.html").read_text("utf-8")
    assert "report line is not JSON" in html


def test_counting_report_objects_equals_counting_their_lines():
    """A worker can count the Report objects (no dict built); the counts and the sample
    are those of the report lines."""
    results = Cleaner(Config(translate=False)).clean_batch(_real_documents()[:60])
    from_objects, from_dicts = RunReport(), RunReport()
    for res in results:
        from_objects.add(res.record, res.source)
    for res in results:
        from_dicts.add(json.loads(json.dumps(res.report)), res.source)
    for name in ("documents", "lines_removed", "langs", "stages", "removed_by_rule",
                 "changes_by_step", "fragment_langs", "translation"):
        assert getattr(from_objects, name) == getattr(from_dicts, name), name
    assert from_objects.top_lines.counts == from_dicts.top_lines.counts
    assert from_objects.sample.documents() == from_dicts.sample.documents()


def test_worker_parts_send_back_few_documents_and_keep_the_exact_sample(monkeypatch):
    """Batches aggregated in two worker processes (each with its own gate) and merged give
    the sample of the whole run, while later batches send almost no document back."""
    import pickle

    from polyclean.runreport import aggregate

    reps = _reports(6_000)
    whole = RunReport()
    for r in reps:
        whole.add(r)
    gates: list[dict] = [{}, {}]
    merged, shipped = RunReport(), []
    for i, start in enumerate(range(0, len(reps), 256)):
        monkeypatch.setattr(aggregate, "_GATES", gates[i % 2])  # worker 1 or 2
        part = RunReport.for_worker()
        for r in reps[start:start + 256]:
            part.add(r)
        part = pickle.loads(pickle.dumps(part))
        shipped.append(len(part.sample.docs))
        merged.merge(part)
    assert [r["id"] for r, _ in merged.sample.documents()] == \
        [r["id"] for r, _ in whole.sample.documents()]
    assert sum(shipped[-8:]) < shipped[0] + shipped[1]
