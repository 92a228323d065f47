"""Defects found by using polyclean as a data engineer would inside ETL jobs: the library
API across threads and with a wrong ``config``, TOML config files read from another
folder, and a JSONL text field named by a dotted path."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import polyclean
from polyclean import Cleaner, Config, ConfigError, cli

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT.parent / "shared" / "data" / "cleaneval-dev" / "gold"


def run(capsys, *args) -> tuple[int, str, str]:
    rc = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


# --- config files: paths relative to the file, mistakes naming the file ----------------------
def test_paths_in_a_config_file_are_relative_to_the_file(tmp_path, monkeypatch, capsys):
    """A config file kept beside its phrase list (``keep_phrases = ["keep.txt"]``) failed
    with 'cannot read phrase file keep.txt' whenever the job ran from another folder
    (cron, Airflow): its paths were taken from the working folder.  They are the file's,
    as for the other tools that read a config file; a flag's path stays the working
    folder's."""
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    (conf_dir / "keep.txt").write_text("Subscribe\n", "utf-8")
    conf = conf_dir / "polyclean.toml"
    conf.write_text('[polyclean]\nkeep_phrases = ["keep.txt"]\ntranslate = false\n'
                    'report = "logs/report.jsonl"\n', "utf-8")
    (conf_dir / "logs").mkdir()
    work = tmp_path / "job"
    work.mkdir()
    (work / "page.txt").write_text("The page has a sentence of its own.\nSubscribe\n", "utf-8")
    monkeypatch.chdir(work)
    rc, out, err = run(capsys, "clean", "page.txt", "--config", "../conf/polyclean.toml")
    assert (rc, err) == (0, "")
    assert out == "The page has a sentence of its own.\nSubscribe\n"  # the phrase is kept
    report = json.loads((conf_dir / "logs" / "report.jsonl").read_text("utf-8"))
    assert report["id"] == "page.txt"
    assert not (work / "logs").exists()
    # a flag names a path in the working folder, and wins over the file
    (work / "mine.jsonl").touch()
    rc, out, err = run(capsys, "clean", "page.txt", "--config", "../conf/polyclean.toml",
                       "--report", "mine.jsonl")
    assert rc == 0 and json.loads((work / "mine.jsonl").read_text("utf-8"))["id"] == "page.txt"


@pytest.mark.parametrize("toml,says", [
    ('beam_size = "2"\n', "option beam_size='2' must be a whole number"),
    ("no_translate = true\n", "unknown option 'no_translate'; known options: "),
])
def test_a_mistake_in_the_config_file_names_the_file(tmp_path, capsys, toml, says):
    """'option beam_size='2' must be a whole number' did not say whether the flag or
    which config file held it (a job may pass several in turn)."""
    conf = tmp_path / "job.toml"
    conf.write_text(toml, "utf-8")
    src = tmp_path / "a.txt"
    src.write_text("Fine text.\n", "utf-8")
    rc, out, err = run(capsys, "clean", src, "--config", conf, "-o", tmp_path / "o.txt")
    assert rc == 2 and out == ""
    assert err.startswith(f"polyclean: error: config file {conf}: {says}")
    assert not (tmp_path / "o.txt").exists()
    with pytest.raises(ConfigError, match=f"^config file {conf}: "):
        Config.from_toml(conf)


# --- the library: a config that is not a Config ---------------------------------------------
@pytest.mark.parametrize("bad", [{"translate": False}, "translate=False"])
def test_a_config_that_is_not_a_config_is_refused_when_given(bad):
    """``Cleaner({"translate": False})`` was accepted and failed at the first document
    with "'dict' object has no attribute 'repair'" (``Cleaner("...")`` likewise); in a
    Dask graph that is on a worker, after the job was submitted.  It is refused at once,
    saying what to give instead."""
    with pytest.raises(polyclean.errors.ConfigTypeError,
                       match="config must be a polyclean.Config, not "):
        Cleaner(bad)
    with pytest.raises(TypeError):
        polyclean.clean("Some text.", bad)
    pd = pytest.importorskip("pandas")
    from polyclean.pandas import clean_series

    with pytest.raises(ConfigError, match="config must be a polyclean.Config"):
        clean_series(pd.Series(["Some text."]), config=bad)
    db = pytest.importorskip("dask.bag")
    from polyclean.dask import clean_bag

    with pytest.raises(ConfigError, match="config must be a polyclean.Config"):
        clean_bag(db.from_sequence(["Some text."]), config=bad)  # the graph is not computed
    from polyclean.hf import map_function

    with pytest.raises(ConfigError, match="config must be a polyclean.Config"):
        map_function(bad)  # before Dataset.map starts its processes


# --- the library: one Cleaner shared by threads ----------------------------------------------
def test_a_cleaner_shared_by_threads_gives_each_batch_its_own_output():
    """The README says a Cleaner may be shared by threads: each call's output and report
    are those of the same call alone, however the calls interleave (boilerplate is
    learned per call, models load once under a lock)."""
    texts = [p.read_bytes() for p in sorted(GOLD.glob("*.txt"))[:24]]  # decoded by polyclean
    if len(texts) < 24:
        pytest.skip("needs ../shared/data/cleaneval-dev")
    batches = [texts[i:i + 4] for i in range(0, 24, 4)]
    alone = [[r.report for r in Cleaner(translate=False).clean_batch(b)] for b in batches]
    shared = Cleaner(translate=False)
    with ThreadPoolExecutor(6) as pool:
        together = list(pool.map(lambda b: [r.report for r in shared.clean_batch(b)],
                                 batches * 2))
    assert together == alone * 2


# --- JSONL: a dotted text field ----------------------------------------------------------------
def test_a_nested_text_field_says_nested_fields_are_not_read(tmp_path, capsys):
    """``--text-field a.b`` on ``{"a": {"b": ...}}`` said only "no field 'a.b'", as if
    the record had no such text; it now says that a nested field is not reached."""
    src = tmp_path / "n.jsonl"
    src.write_text('{"a": {"b": "Some text."}, "id": 1}\n{"a": {"b": "More."}}\n', "utf-8")
    rc, out, err = run(capsys, "clean", src, "--text-field", "a.b", "-o", tmp_path / "o.jsonl")
    assert rc == 1
    assert err.splitlines()[0] == (
        f"polyclean: error: {src}:line 1: no field 'a.b' (fields inside a nested object are "
        "not read; 'a' holds an object; the text must be a top-level field)")
    errors = [json.loads(x) for x in (tmp_path / "o.jsonl.errors.jsonl").read_text().splitlines()]
    assert len(errors) == 2


# --- Dask: a record that cannot be read keeps its other fields -------------------------------
def test_a_dask_record_that_cannot_be_read_keeps_its_id(tmp_path):
    """``read_documents`` gave a JSONL record whose text is a number, or missing, as
    ``{"source", "where", "text": None, "error"}``: its id and other fields were gone, so
    a job could not say which of its records failed (the command line's errors file names
    them by ``--id-field``).  They are kept, the text field aside."""
    pytest.importorskip("dask")
    from polyclean.dask import clean_bag, read_documents

    src = tmp_path / "a.jsonl"
    src.write_text('{"id": "a1", "text": "Fine text here."}\n{"id": "a2", "text": 12345}\n'
                   '{"id": "a3", "body": "x"}\n', "utf-8")
    got = clean_bag(read_documents(str(src)), translate=False,
                    errors="null").compute(scheduler="synchronous")
    assert [(d["id"], d["text"], d.get("error")) for d in got] == [
        ("a1", "Fine text here.", None), ("a2", None, "field 'text' is int, not text"),
        ("a3", None, "no field 'text'")]
    assert got[2]["body"] == "x" and "text" in got[1] and got[1]["text"] is None


# --- JSONL: records ended by a carriage return alone ------------------------------------------
def test_jsonl_with_carriage_returns_alone_says_how_to_convert_it(tmp_path, capsys):
    """A JSONL file written with classic Mac line ends (CSV, TSV and text files with them
    are read) failed as 'invalid JSON: Extra data: line 1 column 20', which sends the user
    looking for broken JSON; the message says what is wrong and how to convert the file."""
    src = tmp_path / "mac.jsonl"
    src.write_bytes(b'{"text": "One  line."}\r{"text": "Two."}\r')
    rc, out, err = run(capsys, "clean", src, "-o", tmp_path / "o.jsonl", "--no-translate")
    assert rc == 1
    assert err == (f"polyclean: error: {src}:line 1: records separated by a carriage return "
                   "alone (\\r): JSON Lines ends each record with a line feed (\\n); convert "
                   "the file first (tr '\\r' '\\n' < IN > OUT)\n")
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_bytes(src.read_bytes().replace(b"\r", b"\n"))
    rc, out, err = run(capsys, "clean", fixed, "-o", tmp_path / "f.jsonl", "--no-translate")
    assert rc == 0 and (tmp_path / "f.jsonl").read_text() == ('{"text": "One line."}\n'
                                                              '{"text": "Two."}\n')


# --- a file whose name starts with '-' --------------------------------------------------------
def test_a_file_named_like_a_flag_gets_a_hint(tmp_path, monkeypatch, capsys):
    """``polyclean clean -notes.txt`` said only 'unrecognized arguments: -notes.txt'; when
    such a file exists the message says how to name it (and that works)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "-notes.txt").write_text("A note  here.\n", "utf-8")
    with pytest.raises(SystemExit) as exit_:
        cli.main(["clean", "-notes.txt"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err.splitlines()[-1]
    assert err == ("polyclean: error: unrecognized arguments: -notes.txt (-notes.txt is a "
                   "file: to read a file whose name starts with '-', write ./-notes.txt or "
                   "put -- before it)")
    for args in (["./-notes.txt"], ["--", "-notes.txt"]):
        rc, out, err = run(capsys, "clean", "--no-translate", *args)
        assert (rc, out, err) == (0, "A note here.\n", "")
    with pytest.raises(SystemExit):
        cli.main(["clean", "-nothere.txt"])
    assert capsys.readouterr().err.splitlines()[-1] == (
        "polyclean: error: unrecognized arguments: -nothere.txt")


# --- pandas / Dask: a document that cannot be cleaned is named by its index label --------------
def test_a_failed_document_of_a_series_is_named_by_its_index(tmp_path):
    """clean_series / clean_dataframe named a document that cannot be cleaned by its
    position in the list it was given ('document at position 1': within a Dask
    partition, a number nobody can look up); it is named by its index label."""
    pd = pytest.importorskip("pandas")
    from polyclean.errors import RecordError
    from polyclean.pandas import clean_series

    s = pd.Series(["Fine text.", 5, "More."], index=["doc-a", "doc-b", "doc-c"])
    with pytest.raises(RecordError, match=r"^document at index 'doc-b': expected str or bytes, got int$"):
        clean_series(s, translate=False)
    dd = pytest.importorskip("dask.dataframe")
    from polyclean.dask import clean_dataframe

    frame = pd.DataFrame({"text": ["One.", "Two.", "Three.", "Four."], "n": [1, 2, 3, 4]},
                         index=[10, 11, 12, 13])
    ddf = clean_dataframe(dd.from_pandas(frame, npartitions=2), "n", output_column="out",
                          translate=False)
    with pytest.raises(RecordError, match=r"^document at index 12: "):
        ddf.compute(scheduler="synchronous")
