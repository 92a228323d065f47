"""`polyclean explain`: one document side by side in the terminal, on a document with
removals, repairs and a translation done with the tiny test package."""

from __future__ import annotations

import json
import re

import pytest

from argos_tiny import argos_env, tiny_zips  # noqa: F401
from polyclean import models
from polyclean.cli_report import main
from polyclean.report import replay

# A page with furniture (two UI lines), mojibake (a cp1252-read apostrophe) and a
# Russian line the tiny ru->en package translates word by word.
PAGE = ("Subscribe\nShare this article\n"
        "It\u00e2\u20ac\u2122s a quiet town, and the council met on Tuesday to discuss the new budget.\n"
        "Кошка любит молоко.\n"
        "Several members asked for more money for the schools of the city.\n")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


@pytest.fixture
def ru_en(argos_env, tiny_zips):
    models.install_file(tiny_zips["ru-en"])
    return argos_env


@pytest.fixture
def page(tmp_path):
    path = tmp_path / "page.txt"
    path.write_text(PAGE, "utf-8")
    return path


def explain(capsys, *argv):
    rc = main(["explain", *map(str, argv)])
    out, err = capsys.readouterr()
    return rc, out, err


def _columns(out: str) -> tuple[str, str]:
    """The source and output columns of the view, each joined into one text."""
    view = out.split("─┼─", 1)[1].split("\nchanges (numbers", 1)[0].split("\n")[1:]
    left = "".join(line.split(" │ ", 1)[0].rstrip() + "\n" for line in view)
    right = "".join(line.split(" │ ", 1)[1] + "\n" if " │ " in line else "\n" for line in view)
    return left, right


def test_explain_shows_every_change_with_its_reason(ru_en, page, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    rc, out, _ = explain(capsys, page, "--cache", ru_en.cache, "--width", "200")
    assert rc == 0
    assert "cleaned alone" in out and "--batch" in out
    left, right = _columns(out)
    # removals: the furniture is struck out on the left, gone on the right
    assert "[-Subscribe⏎-]" in left and "[-Share this article⏎-]" in left
    assert "Subscribe" not in right and "Share this article" not in right
    # repair then normalisation of one apostrophe: one marked stretch, two reasons
    assert re.search("It\\[-\u00e2\u20ac\u2122-\\]\\[\\d+,\\d+\\]s a quiet town", left)
    assert re.search(r"It\{\+'\+\}\[\d+,\d+\]s a quiet town", right)
    # the translation made with the test package
    assert "[-Кошка любит молоко.-]" in left and "{+Cat loves milk.+}" in right
    legend = out.split("changes (numbers as in the view):", 1)[1]
    assert "repair: ftfy: utf-8 read as cp1252" in legend
    assert "boilerplate: ui-phrase: 'Subscribe\\n' -> ''" in legend
    assert re.search(r"translate: translated ru->en with translate-ru_en-1\.0 .*'Cat loves milk\.'",
                     legend)
    assert "\x1b[" not in out  # captured output is not a terminal: no colour


def test_explain_output_column_is_the_cleaned_text(ru_en, page, capsys, tmp_path):
    """What the right column shows is what `clean` writes (markers taken away)."""
    from polyclean import Cleaner, Config

    rc, out, _ = explain(capsys, page, "--cache", ru_en.cache, "--width", "300")
    cleaned = Cleaner(Config(cache=str(ru_en.cache))).clean(PAGE.encode()).text
    _, right = _columns(out)
    shown = re.sub(r"\{\+∅\+\}|\[[\d,]+\]", "", right)
    shown = re.sub(r"\{\+(.*?)\+\}", r"\1", shown).replace("⏎", "")
    assert [x for x in shown.split("\n") if x] == [x for x in cleaned.split("\n") if x]


def test_colour_follows_the_terminal_and_no_color(ru_en, page, capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    rc, out, _ = explain(capsys, page, "--no-translate", "--color", "always")
    assert rc == 0 and "\x1b[41;97m" in out and "\x1b[42;30m" in out
    assert "[-Subscribe" not in out  # colour replaces the bracket markers
    assert "Subscribe⏎" in ANSI.sub("", out)
    # auto: a terminal gets colour unless NO_COLOR is set
    from polyclean.runreport.explain import use_colour

    class Tty:
        def isatty(self):
            return True

    assert use_colour("auto", Tty())
    monkeypatch.setenv("NO_COLOR", "1")
    assert not use_colour("auto", Tty())
    monkeypatch.setenv("TERM", "dumb")
    monkeypatch.delenv("NO_COLOR")
    assert not use_colour("auto", Tty())


def test_batch_mode_takes_the_report_of_the_run(ru_en, tmp_path, capsys):
    """With --batch the document is cleaned with the other records of its input: a line
    that recurs across the batch is removed there but not when the record is alone."""
    recs = tmp_path / "dump.jsonl"
    lines = []
    for i in range(6):
        text = (f"Report number {i} says the council met on Tuesday to discuss budget item {i}.\n"
                "Photo gallery of the week in pictures\n"
                f"Members asked for more money for school number {i} in the city.\n")
        lines.append(json.dumps({"id": i, "text": text}, ensure_ascii=False))
    recs.write_text("\n".join(lines) + "\n", "utf-8")
    rc, alone, _ = explain(capsys, recs, "--id", "line 3", "--no-translate")
    assert rc == 0 and "cleaned alone" in alone
    rc, batch, _ = explain(capsys, recs, "--id", "3", "--batch", recs, "--no-translate")
    assert rc == 0 and "cleaned with its batch" in batch and "(6 report lines)" in batch
    assert f"polyclean explain: {recs}:line 3" in batch
    assert "[-Photo gallery of the week in pictures⏎-]" in _columns(batch)[0]
    assert "[-Photo gallery" not in _columns(alone)[0]
    assert "budget item 2." in batch  # line 3 is the third record (id 2)


def test_bad_ids_and_files_are_one_line_errors(tmp_path, capsys):
    recs = tmp_path / "d.jsonl"
    recs.write_text('{"text": "One line of text here."}\n', "utf-8")
    rc, _, err = explain(capsys, recs, "--id", "line 9", "--no-translate")
    assert rc == 2 and "no record 'line 9'" in err and err.count("\n") == 1
    rc, _, err = explain(capsys, tmp_path / "missing.txt")
    assert rc == 1 and "no such file" in err
    other = tmp_path / "other.txt"
    other.write_text("Something else entirely, written as a sentence.\n", "utf-8")
    rc, _, err = explain(capsys, recs, "--batch", other, "--no-translate")
    assert rc == 2 and "--batch must name the input" in err


def test_report_replays_to_the_shown_output(page, capsys):
    from polyclean.runreport.explain import explain as run
    from polyclean import Config

    ex = run(page, Config(translate=False))
    assert replay(ex.source, ex.report) == ex.output


# --- web inputs and own ids: explain and the run report find the document --------------
NAV = "".join(f"<li><a href='/s{i}'>Section {i}</a></li>" for i in range(12))
HTML = ("<html><body><nav><ul>" + NAV + "</ul></nav><article><h1>Budget day</h1>"
        "<p>The council met on Tuesday to discuss the new budget for the coming year.</p>"
        "<p>Several members asked for more money for the schools of the city.</p>"
        "</article><footer>Copyright 2024 Example News. All rights reserved.</footer>"
        "</body></html>")


def test_an_html_file_is_explained_as_clean_extracts_it(tmp_path, capsys):
    page = tmp_path / "page one.html"
    page.write_text(HTML, "utf-8")
    rc, out, _ = explain(capsys, page, "--no-translate", "--color", "never")
    assert rc == 0 and "extract: done: main" in out and "Section 7" not in out
    rc, out, _ = explain(capsys, page, "--no-translate", "--color", "never", "--extract", "all")
    assert rc == 0 and "extract: done: all" in out and "Section 7" in out


def test_an_own_id_and_a_warc_record_are_found_by_explain_and_by_the_report(tmp_path, capsys):
    from webarchive import Archive

    from polyclean import cli

    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "a1", "text": "Subscribe\nThe council met today."}) + "\n"
                   + json.dumps({"id": "b2", "text": "Second record, plain."}) + "\n", "utf-8")
    rc, out, _ = explain(capsys, src, "--id", "b2", "--id-field", "id", "--no-translate")
    assert rc == 0 and out.startswith("polyclean explain: b2\n")
    rc, out, _ = explain(capsys, src, "--id", "b2", "--id-field", "id", "--no-translate",
                         "--batch", src)
    assert rc == 0 and "cleaned with its batch" in out

    a = Archive()
    for i in range(2):
        a.response(f"http://e.example/{i}", HTML.replace("Tuesday", f"day {i}").encode(),
                   "text/html; charset=utf-8")
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(a.bytes())
    rc, out, _ = explain(capsys, warc, "--id", f"{warc}:offset {a.starts['http://e.example/1']}",
                         "--no-translate", "--color", "never")
    assert rc == 0 and "met on day 1" in out

    for inp, extra in ((src, ["--id-field", "id"]), (warc, [])):
        report = tmp_path / f"{inp.name}.report.jsonl"
        assert cli.main(["clean", str(inp), "-o", str(tmp_path / f"{inp.name}.out.jsonl"),
                         "--report", str(report), "--no-translate", "-q", *extra]) == 0
        lines = [json.loads(x) for x in report.read_text("utf-8").splitlines()]
        if extra:  # an own id: the report says where the record is
            assert [r["location"] for r in lines] == [f"{src}:line 1", f"{src}:line 2"]
        page = tmp_path / f"{inp.name}.html"
        assert main(["report", str(report), "-o", str(page)]) == 0
        html = page.read_text("utf-8")
        # every sampled document shows its source, read again from the input
        assert "council met" in html
        assert "is not in the report" not in html and "does not fit this report" not in html


def test_report_reads_the_sources_as_the_run_read_them(tmp_path, capsys):
    """`polyclean report --summary` takes the run's extraction mode from the summary, so
    the sampled documents of an `--extract all` run are shown side by side."""
    from webarchive import Archive

    from polyclean import cli

    a = Archive()
    a.response("http://e.example/0", HTML.encode(), "text/html; charset=utf-8")
    warc = tmp_path / "a.warc.gz"
    warc.write_bytes(a.bytes())
    report, summary = tmp_path / "r.jsonl", tmp_path / "s.json"
    assert cli.main(["clean", str(warc), "-o", str(tmp_path / "o.jsonl"), "--extract", "all",
                     "--report", str(report), "--summary-json", str(summary),
                     "--no-translate", "-q"]) == 0
    assert json.loads(summary.read_text("utf-8"))["reading"]["extract"] == "all"
    unfit = "does not fit this report"
    for extra, fits in (([], False), (["--summary", str(summary)], True),
                        (["--extract", "all"], True)):
        page = tmp_path / "p.html"
        assert main(["report", str(report), "-o", str(page), *extra]) == 0
        assert (unfit not in page.read_text("utf-8")) == fits, extra


def test_explain_reads_standard_input(tmp_path, capsys, monkeypatch):
    """``explain -`` reads the document from standard input, as ``clean -`` does (it said
    "-: no such file or folder"); the view is the file's, and no temporary name shows."""
    import io

    text = "Subscribe\nThe council met on Monday and agreed the budget for next year.\n"
    src = tmp_path / "doc.txt"
    src.write_text(text, "utf-8")
    rc, from_file, _ = explain(capsys, src, "--no-translate", "--color", "never")
    assert rc == 0
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8"))))
    rc, from_stdin, _ = explain(capsys, "-", "--no-translate", "--color", "never")
    assert rc == 0
    assert from_stdin.split("\n", 1)[0] == "polyclean explain: -"
    assert from_stdin.split("\n", 1)[1] == from_file.split("\n", 1)[1]
    assert "polyclean-explain-" not in from_stdin
    line = json.dumps({"id": "a", "text": text})
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line.encode("utf-8"))))
    rc, _, err = explain(capsys, "-", "--format", "jsonl", "--id", "b", "--no-translate")
    assert rc == 2 and err.startswith("polyclean: error: -: no record 'b'")
