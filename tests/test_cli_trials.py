"""Bugs a new user found by trying the command line on inputs nobody had used: each test
is the user's command, and asserts what the user sees (exit code, one-line message,
files left as they were, no value lost)."""

import json
from pathlib import Path

import pytest

from polyclean import cli

pq = pytest.importorskip("pyarrow.parquet")


def run(*args):
    return cli.main([*map(str, args)])


def write_jsonl(path: Path, rows: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    return path


ROWS = [{"id": 1, "text": "The council met on Tuesday."},
        {"id": 2, "text": "Several members asked for more money."}]


def test_detect_refuses_an_output_that_is_its_input(tmp_path, capsys):
    src = write_jsonl(tmp_path / "d.jsonl", ROWS)
    before = src.read_bytes()
    assert run("detect", src, "-o", src) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "would overwrite the input" in err
    assert src.read_bytes() == before  # was truncated to 0 bytes, exit 0


@pytest.mark.parametrize("name,data", [("bom.txt", b"\xef\xbb\xbf"),
                                       ("blank.jsonl", b"\xef\xbb\xbf\n\n"),
                                       ("empty.txt", b"")])
def test_an_input_without_text_warns_in_clean_and_detect(tmp_path, capsys, name, data):
    # a byte order mark alone, or JSONL of blank lines, gave an empty output without a
    # word (a 0-byte file warned); detect said nothing for any of them
    src = tmp_path / name
    src.write_bytes(data)
    assert run("clean", src, "-o", tmp_path / "out.txt") == 0
    assert "empty input (no text)" in capsys.readouterr().err
    assert run("detect", src, "-o", tmp_path / "d.jsonl") == 0
    assert "empty input (no text)" in capsys.readouterr().err
    assert run("explain", src) == 1  # was a usage error: "no record None; give --id ..."
    assert "empty input (no text); nothing to explain" in capsys.readouterr().err


def test_a_long_file_name_can_be_written(tmp_path):
    # a 250-character name (legal) failed with "file name too long": the hidden work
    # file beside the output, ".NAME.polyclean-partial", was over 255 bytes
    src = tmp_path / ("L" * 250 + ".txt")
    src.write_text("The council met on Tuesday to discuss the budget.\n", "utf-8")
    assert run("clean", src, "-o", f"{tmp_path / 'out'}/", "--no-translate") == 0
    assert (tmp_path / "out" / src.name).read_text("utf-8").startswith("The council met")
    target = tmp_path / ("M" * 235 + ".jsonl")  # its ".errors.jsonl" sidecar still fits
    for extra in ([], ["--resume"]):
        assert run("clean", src, "-o", target, "--no-translate", *extra) == 0
    assert json.loads(target.read_text("utf-8"))["text"].startswith("The council met")
    assert not [p for p in tmp_path.iterdir() if ".polyclean-" in p.name]


def test_an_output_folder_that_takes_no_files_names_the_output(tmp_path, capsys):
    # /proc takes no new files: the error named the hidden lock file beside the output
    src = write_jsonl(tmp_path / "d.jsonl", ROWS)
    assert run("clean", src, "-o", "/proc/out.jsonl", "--no-translate") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "/proc/out.jsonl: cannot write the output" in err
    assert "polyclean-lock" not in err


def test_a_file_name_that_is_not_utf8_can_be_written(tmp_path):
    # the work file's name was measured with a strict UTF-8 encode, which raised
    import os

    src = os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt")
    with open(src, "wb") as fh:
        fh.write(b"The council met on Tuesday to discuss the budget.\n")
    assert run("clean", os.fsdecode(src), "-o", f"{tmp_path / 'out'}/", "--no-translate") == 0
    assert os.listdir(os.fsencode(tmp_path / "out")) == [b"caf\xe9.txt"]


def test_stdin_given_twice_is_a_usage_error(capsys):
    # it printed the document once, then warned that the second '-' was empty
    assert run("clean", "-", "-") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "given 2 times" in err


@pytest.mark.parametrize("flags", [
    ["--lang-field", "text"],                       # the cleaned text became "en"
    ["--report-field", "text"],                     # the cleaned text became the report
    ["--output-field", "out", "--status-field", "out"],
    ["--report-field", "r", "--lang-field", "r"],   # the report became "en"
    ["--lang-field", "id", "--status-field", "id"],  # the language became "ok"
])
def test_two_written_fields_with_one_name_are_a_usage_error(tmp_path, capsys, flags):
    src = write_jsonl(tmp_path / "d.jsonl", ROWS)
    out = tmp_path / "o.jsonl"
    assert run("clean", src, "-o", out, "--no-translate", "-q", *flags) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "both" in err and flags[-1] in err
    assert not out.exists()


def test_written_fields_may_replace_an_input_field_on_purpose(tmp_path):
    """Writing the language into the field the text was read from is allowed when the
    cleaned text goes elsewhere: every written field keeps its value."""
    src = write_jsonl(tmp_path / "d.jsonl", ROWS)
    out = tmp_path / "o.jsonl"
    assert run("clean", src, "-o", out, "--no-translate", "-q", "--output-field", "clean",
               "--lang-field", "text") == 0
    rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["text"] for r in rows] == ["en", "en"]
    assert [r["clean"] for r in rows] == [r["text"] for r in ROWS]


@pytest.mark.parametrize("out_name", ["o.jsonl", "o.parquet"])
def test_a_repeated_csv_column_is_not_lost_when_rows_become_records(tmp_path, capsys,
                                                                       out_name):
    src = tmp_path / "dup.csv"
    src.write_text("text,note,note\nThe council met on Tuesday.,a,b\n", "utf-8")
    good = tmp_path / "good.csv"
    good.write_text("text,note\nSeveral members asked for more money.,c\n", "utf-8")
    out = tmp_path / out_name
    assert run("clean", src, good, "-o", out, "--no-translate", "-q") == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'note'" in err and "dup.csv" in err
    errors = [json.loads(x) for x in Path(f"{out}.errors.jsonl").read_text().splitlines()]
    assert [e["input"] for e in errors] == [str(src)]
    rows = (pq.read_table(out).to_pylist() if out_name.endswith(".parquet") else
            [json.loads(x) for x in out.read_text("utf-8").splitlines()])
    assert rows == [{"text": "Several members asked for more money.", "note": "c"}]


def test_a_repeated_csv_column_stays_when_csv_is_written_as_csv(tmp_path):
    src = tmp_path / "dup.csv"
    src.write_text("text,note,note\nThe council met on Tuesday.,a,b\n", "utf-8")
    out = tmp_path / "o.csv"
    assert run("clean", src, "-o", out, "--no-translate", "-q") == 0
    assert out.read_text("utf-8") == src.read_text("utf-8")


from argos_tiny import argos_env, tiny_zips  # noqa: E402,F401  (fixtures)


def test_workers_see_the_environment_of_their_run(tmp_path, argos_env, tiny_zips,
                                                  monkeypatch):
    """With pyarrow loaded, workers come from multiprocessing's forkserver, which is
    started once per process: a second run in the same process (the library, a test
    session) got workers with the first run's environment, so `-j 2` did not see the
    packages folder `-j 1` saw, and their outputs differed."""
    docs = [{"id": i, "text": f"The council met on Tuesday {i}.\nКошка любит молоко и собака "
             "ест мясо сегодня\nSeveral members asked for more money."} for i in range(20)]
    src = write_jsonl(tmp_path / "d.jsonl", docs)
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "none"))
    # the workers' process (the forkserver) starts here, with this folder
    assert run("clean", src, "-o", tmp_path / "first.jsonl", "-j", "2", "--batch-docs", "5",
               "-q", "--no-cache", "--keep-boilerplate") == 0
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(argos_env.packages))
    assert run("models", "install", tiny_zips["ru-en"]) == 0
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"o{jobs}.jsonl"
        assert run("clean", src, "-o", out, "-j", jobs, "--batch-docs", "5", "-q",
                   "--no-cache", "--keep-boilerplate") == 0
        outs.append(out.read_bytes())
    assert b"Cat loves milk" in outs[0] and outs[0] == outs[1]


def test_detect_on_a_full_disk_names_its_output(tmp_path, capsys):
    # `detect -o /dev/full` said "stdout: no space left on device": the output is the
    # file named by -o, and stdout was fine
    src = write_jsonl(tmp_path / "d.jsonl", ROWS)
    assert run("detect", src, "-o", "/dev/full") == 1
    err = capsys.readouterr().err
    assert err == "polyclean: error: /dev/full: cannot write the output: no space left on device\n"


@pytest.mark.parametrize("flag", ["--report", "--errors", "--summary-json", "--html-report"])
def test_a_side_file_inside_an_input_folder_is_a_usage_error(tmp_path, capsys, flag):
    # -o inside an input folder was refused, but a report written there became an
    # input of the next run of the same command ("report.jsonl:line 1: no field
    # 'text'", exit 1; an HTML page was cleaned as a page of the crawl)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.txt").write_text("The council met on Tuesday.\n", "utf-8")
    side = crawl / "side.out"
    assert run("clean", crawl, "-o", f"{tmp_path / 'out'}/", flag, side, "--no-translate") == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"{flag} {side} is inside the input folder" in err
    assert sorted(p.name for p in crawl.iterdir()) == ["a.txt"]
    assert run("detect", crawl, "-o", side) == 2  # the same for detect's output
    assert not side.exists()


@pytest.mark.parametrize("toml,says", [
    ("ascii = true\n[polyclean]\nbeam_size = 1\n", "'ascii' is outside the [polyclean] table"),
    ("beam-size = 1\nbeam_size = 3\n", "beam_size is set twice ('beam-size' and 'beam_size')"),
])
def test_a_config_option_that_would_be_ignored_or_is_ambiguous_is_refused(tmp_path, capsys,
                                                                          toml, says):
    # a top-level option beside a [polyclean] table was ignored without a word (the
    # output was not ASCII), and of beam-size and beam_size one silently won
    conf = tmp_path / "polyclean.toml"
    conf.write_text(toml, "utf-8")
    src = tmp_path / "cafe.txt"
    src.write_text("Café “quoted”\n", "utf-8")
    assert run("clean", src, "-o", tmp_path / "out.txt", "--config", conf, "--no-translate") == 2
    assert says in capsys.readouterr().err
    assert not (tmp_path / "out.txt").exists()
    conf.write_text("title = 'shared with another tool'\n[polyclean]\nascii = true\n", "utf-8")
    assert run("clean", src, "-o", tmp_path / "out.txt", "--config", conf, "--no-translate") == 0
    assert (tmp_path / "out.txt").read_text("utf-8") == 'Cafe "quoted"\n'
