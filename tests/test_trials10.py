"""Defects found by using polyclean as a new user would on odd documents: ``explain`` and
the run report's page on a JSONL record holding a lone surrogate or terminal control
characters, and ``detect`` on a record whose text is null."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from polyclean import cli

ROOT = Path(__file__).resolve().parents[1]


def polyclean(*args, cwd: Path) -> subprocess.CompletedProcess:
    """The command as a user runs it: a real stdout (UTF-8, strict), not a capture."""
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)], cwd=cwd,
                          capture_output=True, env=env, timeout=120)


def _odd_records(path: Path) -> Path:
    # json.dumps writes a lone surrogate as "\ud800": valid JSON that Python reads back
    # as an unpaired surrogate, as any JSONL export of broken UTF-16 text does
    path.write_text(json.dumps({"text": "A lone \ud800 surrogate in English text here."}) + "\n"
                    + json.dumps({"text": "Red \x1b[31malert\x1b[0m then \x1b[2J a clear screen."})
                    + "\n", "utf-8")
    return path


def test_explain_shows_a_lone_surrogate_and_control_characters_escaped(tmp_path):
    """``polyclean explain dump.jsonl --id 1`` of a record with a lone surrogate died with
    a UnicodeEncodeError traceback (the view printed the source as it is), and a record
    with escape sequences sent them to the terminal (cleared the screen, recoloured the
    view).  Both are shown escaped, as the legend under the view shows them."""
    src = _odd_records(tmp_path / "dump.jsonl")
    res = polyclean("explain", src, "--id", "1", "--no-translate", "--color", "never",
                    cwd=tmp_path)
    out, err = res.stdout.decode("utf-8"), res.stderr.decode("utf-8")
    assert res.returncode == 0, err
    assert "Traceback" not in err
    assert "lone [-\\ud800-][1] surrogate" in out
    assert "[1] decode: lone surrogate: '\\ud800' -> '\ufffd'" in out

    res = polyclean("explain", src, "--id", "2", "--no-translate", "--color", "never",
                    cwd=tmp_path)
    out = res.stdout.decode("utf-8")
    assert res.returncode == 0, res.stderr
    assert "\x1b" not in out  # --color never: not one escape byte reaches the terminal
    assert "[-\\x1b-]" in out and "[31malert" in out


def test_html_report_of_a_record_with_a_lone_surrogate_is_written(tmp_path):
    """``clean --html-report`` over such a record ended the run with a traceback and no
    page (and ``polyclean report`` did the same): the page could not be encoded."""
    src = _odd_records(tmp_path / "dump.jsonl")
    page = tmp_path / "run.html"
    res = polyclean("clean", src, "-o", tmp_path / "out.jsonl", "--no-translate",
                    "--report", tmp_path / "report.jsonl", "--html-report", page, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert b"Traceback" not in res.stderr
    assert "\\ud800" in page.read_text("utf-8")
    again = tmp_path / "again.html"
    res = polyclean("report", tmp_path / "report.jsonl", "-o", again, cwd=tmp_path)
    assert res.returncode == 0, res.stderr.decode()
    assert "\\ud800" in again.read_text("utf-8")


def test_detect_writes_a_line_for_a_record_whose_text_is_null(tmp_path, capsys):
    """``detect`` dropped a record whose text is null without a word: three records gave
    two lines, so the output no longer lined up with the input (``clean`` keeps such a
    record).  It has its line, with no language."""
    src = tmp_path / "dump.jsonl"
    src.write_text('{"text": "The first record is English."}\n{"text": null}\n'
                   '{"text": "The third record is English too."}\n', "utf-8")
    rc = cli.main(["detect", str(src)])
    out, err = capsys.readouterr()
    lines = [json.loads(line) for line in out.splitlines()]
    assert rc == 0, err
    assert [d["id"] for d in lines] == [f"{src}:line {n}" for n in (1, 2, 3)]
    assert lines[1] == {"id": f"{src}:line 2", "lang": None, "lang_confidence": None,
                        "segments": []}
    assert lines[0]["lang"] == lines[2]["lang"] == "en"
