"""Side files (report, errors, summary, journal, detect output, the run report's page)
under a path whose folder is a file: the message names that file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def polyclean(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("option,what", [("--report", "report file"),
                                         ("--errors", "errors file"),
                                         ("--summary-json", "summary file"),
                                         ("--html-report", "run report file")])
def test_a_side_file_under_a_file_names_the_file(tmp_path, option, what):
    """``--report a.txt/r.jsonl`` (a.txt an input file) said "cannot write the report
    file: file exists", naming no file that exists; it names the file in the way."""
    (tmp_path / "a.txt").write_text("The minister said on Monday that talks would go on.\n")
    res = polyclean("clean", "a.txt", "-o", "out.txt", option, "a.txt/x/side.json",
                    "--no-translate", cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines()[-1] == (
        f"polyclean: error: a.txt/x/side.json: cannot write the {what}: a.txt is not a folder")
    assert (tmp_path / "a.txt").read_text().startswith("The minister")  # untouched
    # said before cleaning (the summary and the run report are written at the end)
    assert not (tmp_path / "out.txt").exists()


def test_detect_and_report_pages_under_a_file_name_the_file(tmp_path):
    (tmp_path / "a.txt").write_text("The minister said on Monday that talks would go on.\n")
    res = polyclean("detect", "a.txt", "-o", "a.txt/d.jsonl", cwd=tmp_path)
    assert res.returncode == 1 and "a.txt/d.jsonl: cannot write the output: a.txt is not a " \
        "folder" in res.stderr
    assert polyclean("clean", "a.txt", "-o", "o.txt", "--report", "r.jsonl", "--no-translate",
                     cwd=tmp_path).returncode == 0
    res = polyclean("report", "r.jsonl", "-o", "a.txt/page.html", cwd=tmp_path)
    assert res.returncode == 1
    assert "a.txt/page.html: cannot write the page: a.txt is not a folder" in res.stderr


def test_explain_keeps_its_columns_with_wide_characters(tmp_path):
    """``polyclean explain`` of Japanese or Korean text counted each character as one
    terminal cell: the divider of the two columns drifted right on every line holding
    them. Wide characters take two cells now, so the divider stays in one column."""
    from polyclean.runreport.docview import cells

    (tmp_path / "cjk.txt").write_text(
        "日本語の文章はここにあります。これはテストです。東京は日本の首都です。\n"
        "The minister said on Monday that talks would go on. 한국어 문장입니다 여기에.\n",
        "utf-8")
    res = subprocess.run([sys.executable, "-m", "polyclean", "explain", "cjk.txt",
                          "--no-translate", "--width", "60", "--color", "never"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    view = [ln for ln in res.stdout.splitlines() if " │ " in ln]
    assert len(view) >= 5 and any("日本" in ln for ln in view)
    assert len({cells(ln.split(" │ ")[0]) for ln in view}) == 1
    assert all(cells(ln.split(" │ ")[0]) <= 29 for ln in view)
