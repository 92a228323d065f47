"""The boilerplate controls on the command line and in TOML: what a user turns on or off
takes effect in the output and the report, with its source named; a mistake in them is a
usage error (exit 2) before any work."""

import json
from pathlib import Path

import pytest

from polyclean import cli

DOC = ("The council met on Tuesday to discuss the new budget for the city.\n"
       "Several members asked for more money for schools in the district.\n"
       "Got a news tip?\n"
       "Subscribe\n")


def _run(tmp_path: Path, *opts: str):
    src = tmp_path / "doc.txt"
    src.write_text(DOC, encoding="utf-8")
    out, rep = tmp_path / "out.txt", tmp_path / "rep.jsonl"
    rc = cli.main(["clean", str(src), "-o", str(out), "--report", str(rep), "--no-translate",
                   "-q", *opts])
    if rc != 0:
        return rc, None, []
    changes = json.loads(rep.read_text("utf-8"))["changes"]
    return rc, out.read_text("utf-8"), [c for c in changes if c["step"] == "boilerplate"]


def test_a_users_drop_phrases_file_removes_its_lines_and_is_named(tmp_path):
    phrases = tmp_path / "drop.txt"
    phrases.write_text("# our site's furniture\nGot a news tip?\n", encoding="utf-8")
    rc, text, removed = _run(tmp_path, "--drop-phrases", str(phrases))
    assert rc == 0 and "news tip" not in text
    (ch,) = [c for c in removed if "news tip" in c["original"]]
    assert ch["reason"] == "user-drop-phrase" and ch["source"] == str(phrases)


def test_a_users_keep_phrases_file_keeps_a_ui_line(tmp_path):
    rc, text, _ = _run(tmp_path)
    assert "Subscribe" not in text  # removed by the public UI list by default
    keep = tmp_path / "keep.txt"
    keep.write_text("Subscribe\n", encoding="utf-8")
    rc, text, _ = _run(tmp_path, "--keep-phrases", str(keep))
    assert rc == 0 and "Subscribe" in text


def test_drop_rule_turns_rules_off_and_keep_rule_runs_only_those(tmp_path):
    # "Subscribe" is a public UI string: with that rule off another one judges it
    rc, text, removed = _run(tmp_path, "--drop-rule", "ui-phrase")
    assert rc == 0 and not any(c["reason"] == "ui-phrase" for c in removed)
    assert any(c["original"] == "Subscribe\n" for c in removed)
    # with only the batch-recurrence rule on, nothing on this single page goes
    rc, text, removed = _run(tmp_path, "--keep-rule", "recurring-in-batch")
    assert rc == 0 and text.rstrip("\n") == DOC.rstrip("\n") and not removed


def test_rules_can_be_turned_off_in_toml(tmp_path):
    conf = tmp_path / "polyclean.toml"
    conf.write_text('[polyclean]\nkeep-rules = ["recurring-in-batch"]\n', encoding="utf-8")
    rc, text, removed = _run(tmp_path, "--config", str(conf))
    assert rc == 0 and "Subscribe" in text and not removed


@pytest.mark.parametrize("opts,message", [
    (["--drop-rule", "bogus"], "unknown boilerplate rule bogus"),
    (["--drop-phrases", "missing.txt"], "cannot read phrase file missing.txt"),
    (["--boilerplate-threshold", "1.5"], "boilerplate_threshold=1.5"),
])
def test_mistakes_in_the_controls_are_usage_errors(tmp_path, capsys, opts, message):
    rc, _, _ = _run(tmp_path, *opts)
    assert rc == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "out.txt").exists()  # nothing was written
