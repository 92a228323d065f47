"""Defects found by auditing the reports as a demanding user: replaying every report of
real data on its input, ``polyclean explain`` on odd ids and documents, and the run
report's page (``--html-report``, ``polyclean report``) in runs where inputs fail."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polyclean import Cleaner
from polyclean.report import Change, apply_changes, replay
from polyclean.runreport.align import align
from polyclean.runreport.docview import html_view

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LINGUA_EN = DATA / "lingua-language-testdata" / "sentences" / "en.txt"
TATOEBA_ARA = DATA / "tatoeba-laser-testset" / "tatoeba_ara_eng.tsv"
CHARDET = DATA / "chardet-legacy-encodings" / "files"


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (expected beside the repository)")
    return path


def polyclean(*args, cwd: Path) -> subprocess.CompletedProcess:
    """The command as a user runs it: a real stdout, not a capture of the library."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)], cwd=cwd,
                          capture_output=True, env=env, timeout=300)


def test_a_document_of_a_hundred_thousand_changes_is_shown_in_seconds():
    """``polyclean explain`` of a document of 40,000 quoted lines (120,000 changes) took
    a minute, and ``clean --html-report`` ten times as long as the clean when such a
    document was sampled: laying the changes side by side cut a head off the rest of
    the source for each change (a copy of the rest each time) and replaced list slices
    in place.  One sweep now, the same pieces."""
    sentences = need(LINGUA_EN).read_text("utf-8").splitlines()
    lines = [f"“{s.split(' ', 1)[0]}” {s} — ok" for s in sentences]
    text = "\n".join((lines * (40_000 // len(lines) + 1))[:40_000])
    changes, pos = [], 0
    for m in re.finditer("[“”]| — ", text):
        changes.append({"step": "normalize", "start": m.start(), "end": m.end(),
                        "original": m.group(), "result": '"' if len(m.group()) == 1 else " - ",
                        "reason": "quotes"})
    assert len(changes) == 120_000
    report = {"changes": changes}
    t0 = time.process_time()
    pieces = align(text, report)
    took = time.process_time() - t0
    assert "".join(p.out for p in pieces) == replay(text, report)
    assert "".join(p.src for p in pieces) == text
    assert sum(1 for p in pieces if p.changes) == 120_000
    assert took < 10, f"{took:.1f} s of CPU to align 120,000 changes (was 30-60 s)"


def test_align_gives_the_pieces_it_gave_before_on_overlapping_steps():
    """The sweep keeps what the old in-place version made: a change inside a piece an
    earlier step made absorbs it, an insertion at a removed line stays after it."""
    source = "ab “c” d\nMenu\nxyz"
    report = {"changes": [
        {"step": "repair", "start": 3, "end": 6, "original": "“c”", "result": "«c»",
         "reason": "r"},
        {"step": "boilerplate", "start": 9, "end": 14, "original": "Menu\n", "result": "",
         "reason": "ui"},
        {"step": "normalize", "start": 3, "end": 4, "original": "«", "result": '"',
         "reason": "q"},
        {"step": "normalize", "start": 5, "end": 6, "original": "»", "result": '"',
         "reason": "q"},
        {"step": "normalize", "start": 9, "end": 9, "original": "", "result": "!",
         "reason": "i"},
    ]}
    pieces = align(source, report)
    assert [(p.src, p.out, p.changes) for p in pieces] == [
        ("ab ", "ab ", ()), ("“c”", '"c"', (0, 2, 3)), (" d\n", " d\n", ()),
        ("Menu\n", "", (1,)), ("", "!", (4,)), ("xyz", "xyz", ())]
    assert "".join(p.out for p in pieces) == replay(source, report)


def test_explain_refuses_an_id_of_another_file(tmp_path):
    """``polyclean explain b.jsonl --id 'a.jsonl:line 2'`` (a report id pasted from the
    report of another input) explained line 2 of b.jsonl without a word: another
    document than the one the id names.  It is a usage error naming both files; an id
    of the same file (by its own name or a path to it) still works."""
    sentences = need(LINGUA_EN).read_text("utf-8").splitlines()
    (tmp_path / "sub").mkdir()
    for name, part in (("a.jsonl", sentences[:3]), ("sub/b.jsonl", sentences[3:6])):
        (tmp_path / name).write_text(
            "".join(json.dumps({"text": s}) + "\n" for s in part), "utf-8")
    res = polyclean("explain", "sub/b.jsonl", "--id", "a.jsonl:line 2", "--no-translate",
                    cwd=tmp_path)
    err = res.stderr.decode()
    assert res.returncode == 2, err
    assert "names a record of a.jsonl, not of sub/b.jsonl" in err
    assert "polyclean explain a.jsonl --id 'line 2'" in err and res.stdout == b""
    for same in ("sub/b.jsonl:line 2", "b.jsonl:line 2", f"{tmp_path}/sub/b.jsonl:line 2"):
        res = polyclean("explain", "sub/b.jsonl", "--id", same, "--no-translate",
                        cwd=tmp_path)
        assert res.returncode == 0, res.stderr.decode()
        assert sentences[4][:30] in res.stdout.decode()
    # the file piped in is whatever the id's file is: its place is taken
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    res = subprocess.run([sys.executable, "-m", "polyclean", "explain", "-", "--format",
                          "jsonl", "--id", "a.jsonl:line 2", "--no-translate"], cwd=tmp_path,
                         input=(tmp_path / "a.jsonl").read_bytes(), capture_output=True,
                         env=env, timeout=300)
    assert res.returncode == 0, res.stderr.decode()
    assert "polyclean explain: -:line 2" in res.stdout.decode()
    assert sentences[1][:30] in res.stdout.decode()


def test_explain_and_the_page_show_bidi_overrides_escaped(tmp_path):
    """A right-to-left override (U+202E) in scraped text, which normalisation removes,
    went raw into ``explain``'s view: a terminal that orders text showed the rest of
    the row, the output column included, backwards; on the page it was invisible and
    reversed the rest of its cell.  Both show it escaped, as the legend does."""
    rows = need(TATOEBA_ARA).read_text("utf-8").splitlines()[1:3]
    arabic = [r.split("\t")[1] for r in rows]
    text = f"Order \u202e{arabic[0]}\u202c shipped today.\n{arabic[1]}\n"
    src = tmp_path / "rtl.jsonl"
    src.write_text(json.dumps({"text": text}) + "\n", "utf-8")
    res = polyclean("explain", src, "--no-translate", "--width", "200", cwd=tmp_path)
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "\u202e" not in out and "\u202c" not in out
    assert "[-\\u202e-]" in out and arabic[0] in out
    result = Cleaner(translate=False).clean(text)
    assert "\u202e" not in result.text
    page = html_view(result.report, result.source)
    assert "\u202e" not in page and "\\u202e" in page and arabic[1] in page


def test_an_input_that_fails_as_a_whole_has_a_report_line_and_counts_once(tmp_path):
    """A run over a real file and a missing one: the run report's page (``clean
    --html-report``) showed 2 records read in the reports against the summary's 1,
    highlighted, with a note that report lines were missing; the ``--report`` file had
    no line for the missing input, so ``polyclean report`` built from it counted 0
    failures against the summary's 1.  The input's failure now has a report line with
    ``"scope": "input"``, and both pages agree with the summary."""
    good = need(CHARDET / "KOI8-R" / "_ude_1.txt")  # a text file: .xml feeds are refused
    page, rep, summ = tmp_path / "run.html", tmp_path / "report.jsonl", tmp_path / "s.json"
    res = polyclean("clean", good, tmp_path / "missing.txt", "-o", tmp_path / "out/",
                    "--no-translate", "--report", rep, "--summary-json", summ,
                    "--html-report", page, cwd=tmp_path)
    assert res.returncode == 1, res.stderr.decode()
    lines = [json.loads(x) for x in rep.read_text("utf-8").splitlines()]
    assert lines[-1] == {"schema": 2, "id": str(tmp_path / "missing.txt"), "status": "error",
                         "error": "no such file or folder", "scope": "input"}
    summary = json.loads(summ.read_text("utf-8"))
    assert (summary["records"], summary["documents"], summary["errors"]) == (1, 1, 1)
    again = tmp_path / "again.html"
    res = polyclean("report", rep, "--summary", summ, "-o", again, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert res.stderr.decode().rstrip().endswith(": 1 document, 0 failed records, 1 failed input")
    for html in (page, again):
        body = html.read_text("utf-8")
        counts = dict(((k, f), v) for k, f, v in re.findall(
            r"data-count='(\w+)' data-from=(\w+)>([^<]*)<", body))
        for key in ("records", "documents", "errors"):
            assert counts[(key, "summary")] == counts[(key, "reports")] == "1", (html, key)
        assert "class=differ" not in body


def test_fragments_of_a_document_detected_again_name_the_text_detection_read():
    """A feed whose lines were mostly furniture kept English only thanks to it; once the
    furniture was removed its language was detected again (Russian), and the report's
    fragments (and ``result.segments``/``result.repaired``) took offsets into the text
    without the removed lines: ``fragments[i]["text"]`` was not the text at its offsets
    in the text as it entered detection (11 of the 219 chardet files).  They keep the
    offsets of the text detection read, as the report says."""
    files = sorted(need(CHARDET).glob("*/forum.template-toolkit.ru.9.xml"))
    files += sorted(CHARDET.glob("*/janulalife.blogspot.com.xml"))
    assert len(files) >= 4
    results = Cleaner(translate=False).clean_batch([f.read_bytes() for f in files],
                                                   ids=[str(f) for f in files])
    moved = 0
    for res in results:
        rep = res.report
        assert replay(res.source, rep) == res.text
        text, groups = res.source, []
        for ch in rep["changes"]:
            if groups and groups[-1][0] == ch["step"]:
                groups[-1][1].append(ch)
            else:
                groups.append((ch["step"], [ch]))
        for step, chs in groups:  # the text as it entered detection
            if step not in ("decode", "repair"):
                break
            text = apply_changes(text, [Change(c["step"], c["start"], c["end"], c["original"],
                                               c["result"], c["reason"]) for c in chs])
        assert res.repaired == text
        assert rep["fragments"]
        for f in rep["fragments"]:
            assert text[f["start"]:f["end"]] == f["text"], (rep["id"], f)
        for s in res.segments:
            assert text[s.start:s.end] == s.text
        moved += rep["lang"] == "ru"  # English at first, thanks to the furniture alone
    assert moved >= 6


def test_explain_batch_reads_the_batch_as_clean_reads_it(tmp_path):
    """``polyclean explain a.txt --batch crawl/`` ran ``clean crawl/ --format text``: the
    format of FILE's name was given to the whole batch, so a JSONL file in the folder was
    one document (an HTML page was not extracted), the line that recurs in 3 of the run's
    3 documents recurred in 2 of that run's, and explain showed it kept where the run
    removed it, saying "(2 report lines)".  The batch is read as clean reads it."""
    import csv

    with need(DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv").open(
            encoding="utf-8", newline="") as f:
        en = [r["en"] for _, r in zip(range(8), csv.DictReader(
            f, delimiter="\t", quoting=csv.QUOTE_NONE))]
    line = "Our correspondents filed this report from the regional office."
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.txt").write_text(f"{en[0]}\n{line}\n{en[1]}\n", "utf-8")
    (crawl / "b.jsonl").write_text("".join(
        json.dumps({"text": f"{en[i]}\n{line}\n{en[i + 1]}\n"}) + "\n" for i in (2, 4)), "utf-8")
    rep = tmp_path / "report.jsonl"
    res = polyclean("clean", "crawl", "-o", tmp_path / "out/", "--no-translate", "--report",
                    rep, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    (run,) = [r for r in map(json.loads, rep.read_text("utf-8").splitlines())
              if r["id"] == "crawl/a.txt"]
    assert any(c["original"] == line + "\n" for c in run["changes"])  # the run removed it
    res = polyclean("explain", "crawl/a.txt", "--batch", "crawl", "--no-translate",
                    "--width", "200", cwd=tmp_path)
    out = res.stdout.decode()
    assert res.returncode == 0, res.stderr.decode()
    assert "`polyclean clean crawl` (3 report lines)" in out
    assert "boilerplate: recurring-in-batch (3 of 3 docs): 'Our correspondents" in out
    from polyclean.config import Config
    from polyclean.runreport.explain import explain

    ex = explain(crawl / "a.txt", Config(translate=False), batch=[str(crawl)])
    assert ex.report["changes"] == run["changes"]


def test_lines_removed_by_two_passes_count_under_every_rule_that_removed_them(tmp_path):
    """A document detected again once its furniture was gone is judged a second time, and
    the report joins the reasons of both passes over touching lines ("classifier+classifier
    (language detected again)+recurring-in-batch (135 of 205 docs)", 11 of the chardet
    feeds).  The page cut the reason at its first " (": its "Lines removed, by rule" had a
    rule "classifier+classifier" and counted "copyright (after normalisation)+date" under
    "copyright" alone.  Each rule is named once; and a slow run's documents per second
    showed 0."""
    from polyclean.runreport.aggregate import RunReport

    text = "Menu one\nMenu two\nBody sentence of the page.\n"
    rr = RunReport()
    rr.add({"schema": 2, "id": "feed.xml", "lang": "ru", "counts": {"boilerplate": 2},
            "changes": [
                {"step": "boilerplate", "start": 0, "end": 9, "original": "Menu one\n",
                 "result": "", "reason": "classifier+classifier (language detected again)"
                                         "+recurring-in-batch (135 of 205 docs)"},
                {"step": "boilerplate", "start": 9, "end": 18, "original": "Menu two\n",
                 "result": "", "reason": "copyright (after normalisation)+date"}]}, text)
    assert dict(rr.removed_by_rule) == {"classifier+recurring-in-batch": 1, "copyright+date": 1}
    page = tmp_path / "run.html"
    rr.write_html(str(page), {"records": 1, "seconds": 7.5, "stats": {"documents": 1}})
    body = page.read_text("utf-8")
    # the rule names of the plot and the table (the hover titles keep the reasons)
    assert '"classifier+classifier"' not in body and '"copyright"' not in body
    assert '"copyright+date"' in body and '"classifier+recurring-in-batch"' in body
    assert "<th>documents per second</th><td>0.13</td>" in body


def test_explain_never_cuts_a_change_number_across_two_rows():
    """At some widths the view cut a change's number at the column's edge, "[" at the
    end of one row and "3]" at the start of the next, in the output column too."""
    from polyclean.runreport.docview import terminal_view

    sentences = need(LINGUA_EN).read_text("utf-8").splitlines()[:12]
    text = "\n".join(f"“{s}” — {i}\tSubscribe" for i, s in enumerate(sentences)) + "\n"
    result = Cleaner(translate=False, boilerplate=False).clean(text)
    pieces = align(result.source, result.report)
    marked = sum(1 for p in pieces if p.changes)
    assert marked > 30
    for width in range(40, 161, 3):
        lines = terminal_view(pieces, result.report["changes"], width, False)
        col = max(8, (width - 3) // 2)
        sides = ["\n".join(line[:col] for line in lines), "\n".join(line[col + 3:] for line in lines)]
        for side in sides:
            assert len(re.findall(r"\[\d+(?:,\d+)*\]", side)) == marked, width
