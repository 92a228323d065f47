"""`polyclean report` and `clean --html-report` as a new user meets them: an archive
run (whose non-HTML records are skipped, as in every real crawl) and a slip of the
output name."""

from __future__ import annotations

import json

import pytest

from polyclean import cli

pytest.importorskip("trafilatura")
pytest.importorskip("fastwarc")
pytest.importorskip("warcio")

from test_html_report_run import counts  # noqa: E402
from webarchive import web_warc  # noqa: E402


def test_skipped_archive_records_are_not_a_disagreement(tmp_path):
    """An archive's PNG and 404 records are skipped on purpose and have no report
    line: the page must not flag 'the summary and the reports disagree' for them."""
    archive, _, _ = web_warc(tmp_path)
    out, rep, summ = tmp_path / "out.jsonl", tmp_path / "rep.jsonl", tmp_path / "summary.json"
    page, page2 = tmp_path / "run.html", tmp_path / "again.html"
    cli.main(["clean", str(archive), "-o", str(out), "--no-translate", "-j", "1", "-q",
              "--report", str(rep), "--summary-json", str(summ), "--html-report", str(page)])
    summary = json.loads(summ.read_text("utf-8"))
    assert summary["skipped"] >= 2
    assert cli.main(["report", str(rep), "--summary", str(summ), "-o", str(page2)]) == 0
    for p in (page, page2):
        shown = counts(p)
        assert shown[("records", "summary")] == str(summary["records"])
        assert shown[("skipped", "summary")] == str(summary["skipped"])
        assert "class=differ" not in p.read_text("utf-8")


@pytest.mark.parametrize("which", ["report", "summary", "link to the report"])
def test_the_page_never_overwrites_what_it_reads(tmp_path, which, capsys):
    rep, summ = tmp_path / "rep.jsonl", tmp_path / "summary.json"
    rep.write_text(json.dumps({"schema": 2, "id": "a.txt", "lang": "en", "stages": {},
                               "counts": {}, "changes": []}) + "\n", "utf-8")
    summ.write_text(json.dumps({"records": 1, "documents": 1}), "utf-8")
    before = {p: p.read_bytes() for p in (rep, summ)}
    target = {"report": rep, "summary": summ, "link to the report": tmp_path / "link"}[which]
    if which.startswith("link"):
        target.symlink_to(rep)
    rc = cli.main(["report", str(rep), "--summary", str(summ), "-o", str(target)])
    assert rc == 2
    assert "is the same file as" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in (rep, summ)} == before


def test_a_file_of_data_records_is_not_taken_for_reports(tmp_path, capsys):
    """`polyclean report` on the data instead of the reports built a page of "9 documents,
    2 failed records" (found by the CLI trials); it now says what to give instead."""
    data = tmp_path / "data.jsonl"
    data.write_text('{"id": 1, "text": "The council met."}\n{"id": 2, "text": "Hi."}\n', "utf-8")
    page = tmp_path / "page.html"
    assert cli.main(["report", str(data), "-o", str(page)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no line is a per-document report" in err
    assert not page.exists()
