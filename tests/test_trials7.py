"""Trials of a new user reading the README from the top (trials7): what the run tells
the user when an installed package cannot be used."""

from __future__ import annotations

import json

from argos_tiny import RU_EN, argos_env, build_package_dir, corrupt_model  # noqa: F401
from polyclean import cli


def test_an_installed_package_that_cannot_be_loaded_is_named_not_called_missing(
        argos_env, tmp_path, capsys):
    # The only ru->en package is damaged (a truncated model.bin; a --compute-type the
    # machine cannot run fails the same way). The run said nothing about it and ended
    # with 'no installed translation package; see ... polyclean models install ru',
    # sending the user to install what is installed; the report said the same.
    corrupt_model(build_package_dir(argos_env.packages, RU_EN, version="2.0"))
    src = tmp_path / "pets.txt"
    src.write_text("The pets of this house eat well every day of the week.\n"
                   "Кошка любит молоко. Собака ест мясо.\n", encoding="utf-8")
    report = tmp_path / "r.jsonl"
    rc = cli.main(["clean", str(src), "--no-cache", "--report", str(report)])
    out, err = capsys.readouterr()
    assert rc == 0 and "Кошка любит молоко." in out  # kept (--missing-model keep)
    assert "no installed translation package" not in err
    assert ("left untranslated (ru 2): installed package translate-ru_en-2.0 cannot be "
            "loaded; see 'polyclean models check translate-ru_en-2.0'") in err
    (line,) = report.read_text(encoding="utf-8").splitlines()
    reasons = {c["reason"] for c in json.loads(line)["changes"] if c["step"] == "translate"}
    assert reasons == {"installed package translate-ru_en-2.0 cannot be loaded (kept)"}
    # -q silences it, as it silences the missing-package warning
    assert cli.main(["clean", str(src), "--no-cache", "-q"]) == 0
    assert capsys.readouterr().err == ""


def test_a_dask_bag_stops_at_a_bad_document_unless_errors_is_null(tmp_path):
    # README (ETL and Dask): errors="null" keeps a document that cannot be cleaned as a
    # record with its error; the default, "raise", stops the computation at the first.
    import pytest

    pytest.importorskip("dask")
    import polyclean.dask
    from polyclean.errors import RecordError

    (tmp_path / "a.txt").write_text("The council met on Tuesday to discuss the budget.\n")
    (tmp_path / "b.txt").write_bytes(b"\x00\x01\x02\x03" * 100)  # binary: not text
    docs = polyclean.dask.read_documents(str(tmp_path / "*.txt"))
    with pytest.raises(RecordError, match="binary data"):
        polyclean.dask.clean_bag(docs, translate=False).compute(scheduler="synchronous")
    got = polyclean.dask.clean_bag(docs, translate=False, errors="null").compute(
        scheduler="synchronous")
    assert [(d["text"], d.get("error", "")[:11]) for d in got] == [
        ("The council met on Tuesday to discuss the budget.", ""), (None, "binary data")]


def test_the_readme_report_example_is_what_a_run_writes(tmp_path, capsys, monkeypatch):
    # The README's report example was written by hand: it showed a 'cache' field reports
    # no longer have and left out 'schema', 'encoding_confidence' and 'fragments'.
    import re
    from pathlib import Path

    from polyclean import Cleaner
    from polyclean.report import replay

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")
    section = readme[readme.index("### The report"):readme.index('<a id="batch">')]
    text, shown = re.findall(r"```(?:text|json)\n(.*?)```", section, re.S)[:2]
    monkeypatch.chdir(tmp_path)
    Path("page.txt").write_text(text, "utf-8")
    assert cli.main(["clean", "page.txt", "--no-translate", "--report", "-"]) == 0
    report = json.loads(capsys.readouterr().err.splitlines()[0])
    assert report == json.loads(shown)
    res = Cleaner(translate=False).clean(text)  # the fragments' offsets are into .repaired
    (frag,) = res.report["fragments"]
    assert res.repaired[frag["start"]:frag["end"]] == frag["text"]
    assert replay(res.source, res.report) == res.text
