"""Defects found by using polyclean as a data engineer would inside ETL jobs: tabular
inputs with odd shapes (a header and no rows, zero-row Parquet) converted to another
format, and outputs that downstream readers take as one dataset."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parents[1]


def polyclean(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)], cwd=cwd,
                          capture_output=True, env=env, timeout=120)


def test_a_header_only_csv_converted_to_parquet_keeps_its_columns(tmp_path):
    """A folder of CSV parts, one of them a header with no rows (an export of an empty
    day), cleaned into Parquet parts: the empty part had the single column ``text``, so
    ``pandas.read_parquet("out/")``, which takes the first part's schema, dropped the
    ``id`` column of every part without a word.  The empty part has the header's
    columns (text, as CSV cells are) and the folder reads as one table."""
    src = tmp_path / "parts"
    src.mkdir()
    (src / "part-0.csv").write_text("id,text\n", "utf-8")
    (src / "part-1.csv").write_text("id,text\n1,Hello there.\n2,Second row.\n", "utf-8")
    res = polyclean("clean", "parts", "-o", "out/", "--output-format", "parquet",
                    "--no-translate", "--lang-field", "lang", "-j", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    empty = pq.read_table(tmp_path / "out" / "part-0.parquet")
    full = pq.read_table(tmp_path / "out" / "part-1.parquet")
    assert empty.num_rows == 0
    assert empty.column_names == full.column_names == ["id", "text", "lang"]
    assert empty.schema.equals(full.schema)
    pd = pytest.importorskip("pandas")
    both = pd.read_parquet(tmp_path / "out")
    assert list(both.columns) == ["id", "text", "lang"]
    assert both["id"].tolist() == ["1", "2"]


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_zero_row_parquet_converted_to_csv_keeps_its_header(tmp_path, fmt):
    """A Parquet file of zero rows cleaned to CSV or TSV gave a file of 0 bytes, which
    ``pandas.read_csv`` refuses (``No columns to parse from file``) and a loader
    expecting the columns cannot take; the same input to Parquet kept its schema.  The
    output is the header line."""
    table = pa.table({"id": pa.array([], pa.string()), "text": pa.array([], pa.string()),
                      "n": pa.array([], pa.int64())})
    pq.write_table(table, tmp_path / "zero.parquet")
    sep = "," if fmt == "csv" else "\t"
    res = polyclean("clean", "zero.parquet", "-o", f"zero.{fmt}", "--no-translate",
                    "--status-field", "status", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / f"zero.{fmt}").read_text("utf-8") == sep.join(
        ["id", "text", "n", "status"]) + "\n"
    # the same, two inputs into one output (the columns of the first)
    pq.write_table(table, tmp_path / "zero2.parquet")
    res = polyclean("clean", "zero.parquet", "zero2.parquet", "-o", f"both.{fmt}",
                    "--no-translate", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / f"both.{fmt}").read_text("utf-8") == sep.join(["id", "text", "n"]) + "\n"


def test_nan_and_infinity_from_parquet_are_written_as_json_null(tmp_path):
    """A Parquet float column holding NaN or an infinity (pyarrow, Spark and pandas all
    write them) cleaned to JSONL gave ``"score": NaN`` and ``Infinity``: not JSON, so
    jq, Spark's reader and polyclean itself (``invalid JSON: NaN is not valid JSON``)
    refused the lines it had written.  They are null, as pandas' ``to_json`` writes
    them; the output reads back, and cleans again without an error."""
    import json

    table = pa.table({"id": ["a", "b", "c"], "text": ["First one.", "Second one.", "Third."],
                      "score": [float("nan"), float("inf"), 1.5],
                      "vec": pa.array([[float("-inf"), 2.0], [], None])})
    pq.write_table(table, tmp_path / "scored.parquet")
    res = polyclean("clean", "scored.parquet", "-o", "scored.jsonl", "--no-translate",
                    cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    lines = (tmp_path / "scored.jsonl").read_text("utf-8").splitlines()
    rows = [json.loads(line, parse_constant=lambda c: pytest.fail(f"{c} in {line}"))
            for line in lines]
    assert [(r["id"], r["score"], r["vec"]) for r in rows] == [
        ("a", None, [None, 2.0]), ("b", None, []), ("c", 1.5, None)]
    res = polyclean("clean", "scored.jsonl", "-o", "again.jsonl", "--no-translate",
                    cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert len((tmp_path / "again.jsonl").read_text("utf-8").splitlines()) == 3


def test_parquet_parts_of_one_schema_merged_into_one_file_keep_their_types(tmp_path):
    """Compacting the parts of one table (``part-0.parquet part-1.parquet -o
    all.parquet``) re-inferred every column from its Python values, where one part in
    gives exactly its schema: a uint64 column became text, a map a list of lists,
    timestamps in ms became us, a dictionary column plain text, decimals lost their
    precision.  Parts that share one schema keep it; parts that differ are still
    unified as before."""
    import datetime
    import decimal

    schema = pa.schema([
        ("id", pa.string()), ("text", pa.string()), ("hits", pa.uint64()),
        ("seen", pa.timestamp("ms", tz="UTC")), ("tags", pa.map_(pa.string(), pa.string())),
        ("site", pa.dictionary(pa.int32(), pa.string())), ("price", pa.decimal128(12, 2)),
    ])
    for part in range(2):
        rows = [{"id": f"{part}-{i}", "text": f"Sentence number {i} of part {part}.",
                 "hits": 2 ** 64 - 1 - i, "seen": datetime.datetime(2024, 1, 1, i),
                 "tags": [("k", "v")], "site": "example.org",
                 "price": decimal.Decimal("1.50")} for i in range(3)]
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp_path / f"part-{part}.parquet")
    res = polyclean("clean", "part-0.parquet", "part-1.parquet", "-o", "all.parquet",
                    "--no-translate", "-j", "1", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    merged = pq.read_table(tmp_path / "all.parquet")
    assert merged.schema.equals(schema, check_metadata=False), merged.schema
    assert merged.column("id").to_pylist() == [f"{p}-{i}" for p in range(2) for i in range(3)]
    assert merged.column("hits").to_pylist()[:2] == [2 ** 64 - 1, 2 ** 64 - 2]
    # parts of two schemas: unified as before (the columns of both)
    pq.write_table(pa.table({"id": ["x"], "text": ["Another sentence here."]}),
                   tmp_path / "part-2.parquet")
    res = polyclean("clean", "part-0.parquet", "part-2.parquet", "-o", "mixed.parquet",
                    "--no-translate", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    mixed = pq.read_table(tmp_path / "mixed.parquet")
    assert mixed.num_rows == 4 and mixed.column_names[:3] == ["id", "text", "hits"]


@pytest.mark.parametrize("src_fmt,out_fmt", [("jsonl", "jsonl"), ("jsonl", "parquet"),
                                              ("jsonl", "csv"), ("parquet", "parquet"),
                                              ("parquet", "jsonl")])
def test_with_a_status_field_a_record_whose_text_is_not_text_is_written(tmp_path, src_fmt,
                                                                         out_fmt):
    """``--status-field`` promises that a record that fails is written too (its text
    null, its status the error), so an ETL job keeps every row and filters on the
    status.  A JSON object whose text field was missing or a number, and a Parquet row
    whose text cell was not text, were only in the errors file: 4 records in, 2 out."""
    import json

    if src_fmt == "jsonl":
        (tmp_path / "in.jsonl").write_text(
            '{"id": "a", "text": "First sentence here."}\n{"id": "b", "text": 5}\n'
            '{"id": "c"}\n{"id": "d", "text": "Last sentence here."}\n', "utf-8")
    else:
        pq.write_table(pa.table({"id": ["a", "b", "c", "d"],
                                 "text": [["First sentence here."], [], None,
                                          ["Last sentence here."]]}), tmp_path / "in.parquet")
    res = polyclean("clean", f"in.{src_fmt}", "-o", f"out.{out_fmt}", "--no-translate",
                    "--status-field", "status", "-j", "1", cwd=tmp_path)
    assert res.returncode == 1  # records failed: exit 1, and they are in the errors file
    out = tmp_path / f"out.{out_fmt}"
    if out_fmt == "parquet":
        rows = pq.read_table(out).to_pylist()
    elif out_fmt == "csv":
        import csv
        rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    else:
        rows = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    got = [(r["id"], r["status"]) for r in rows]
    if src_fmt == "jsonl":
        assert got == [("a", "ok"), ("b", "field 'text' is int, not text"),
                       ("c", "no field 'text'"), ("d", "ok")]
    else:  # a list cell fails; a null one is a null text, written as it is
        assert [i for i, _ in got] == ["a", "b", "c", "d"]
        assert [s for _, s in got] == ["field 'text' is list, not text"] * 2 + ["ok"] + [
            "field 'text' is list, not text"]
    failed = [r for r in rows if r["status"] not in ("ok",)]
    assert all(r.get("text") in (None, "") for r in failed)
    errors = (tmp_path / f"out.{out_fmt}.errors.jsonl").read_text("utf-8").splitlines()
    assert len(errors) == len(failed)


def test_a_jsonl_line_that_is_no_object_is_named_in_json_words(tmp_path):
    """A JSONL line holding ``null``, a string or an array was refused with Python's
    type names: ``not a JSON object but NoneType`` / ``but str`` / ``but list``."""
    (tmp_path / "in.jsonl").write_text('{"text": "A sentence."}\nnull\n"just text"\n[1, 2]\n'
                                       '42\ntrue\n', "utf-8")
    res = polyclean("clean", "in.jsonl", "-o", "out.jsonl", "--no-translate", cwd=tmp_path)
    assert res.returncode == 1
    err = res.stderr.decode("utf-8")
    for n, kind in ((2, "null"), (3, "a string"), (4, "an array"), (5, "a number"),
                    (6, "true")):
        assert f"in.jsonl:line {n}: not a JSON object but {kind}\n" in err
    assert "NoneType" not in err and " str\n" not in err


@pytest.mark.parametrize("out_fmt", ["jsonl", "csv"])
def test_a_parquet_uuid_column_converts_and_an_unwritable_cell_is_an_error_record(
        tmp_path, out_fmt, monkeypatch, capsys):
    """A Parquet file with a UUID column (pyarrow's ``arrow.uuid`` type, read back as
    Python ``UUID`` objects) cleaned to JSONL or CSV ended the run with a traceback
    (``TypeError: UUID is not JSON serialisable``), leaving partial files.  A UUID is
    written as its canonical text; a cell of a type no text format can hold is an
    error record naming the row (exit 1), and the other rows are written."""
    import json
    import uuid

    from polyclean import cli

    ids = [uuid.UUID(int=i) for i in (1, 2)]
    table = pa.table({"id": ["a", "b"], "text": ["One sentence.", "Two sentences."],
                      "u": pa.array([u.bytes for u in ids], pa.uuid())})
    pq.write_table(table, tmp_path / "ids.parquet")
    res = polyclean("clean", "ids.parquet", "-o", f"ids.{out_fmt}", "--no-translate",
                    cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    text = (tmp_path / f"ids.{out_fmt}").read_text("utf-8")
    assert str(ids[0]) in text and str(ids[1]) in text

    class Odd:  # a value no output format knows (an extension type's own scalar)
        pass

    class Rows:  # the batches the reader gets: row "b" holds such a value in column "u"
        def __init__(self, batch):
            self.rows = [{**row, "u": Odd() if row["id"] == "b" else row["u"]}
                         for row in batch.to_pylist()]

        def to_pylist(self):
            return self.rows

    iter_batches = pq.ParquetFile.iter_batches
    monkeypatch.setattr(pq.ParquetFile, "iter_batches",
                        lambda self, **kw: map(Rows, iter_batches(self, **kw)))
    out, report = tmp_path / f"odd.{out_fmt}", tmp_path / "report.jsonl"
    rc = cli.main(["clean", str(tmp_path / "ids.parquet"), "-o", str(out), "--no-translate",
                   "-j", "1", "--report", str(report)])
    err = capsys.readouterr().err
    assert rc == 1, err
    assert "Traceback" not in err
    assert "ids.parquet:row 2: cannot write the record: TypeError: Odd" in err
    assert "One sentence." in out.read_text("utf-8") and "Two sentences" not in out.read_text(
        "utf-8")
    lines = [json.loads(x) for x in report.read_text("utf-8").splitlines()]
    assert [x.get("status") for x in lines] == [None, "error"]
    errors = (tmp_path / f"odd.{out_fmt}.errors.jsonl").read_text("utf-8").splitlines()
    assert len(errors) == 1 and json.loads(errors[0])["row"] == 2


@pytest.mark.parametrize("out_fmt", ["jsonl", "csv"])
def test_a_binary_cell_that_is_not_utf8_is_an_error_not_replacement_characters(
        tmp_path, out_fmt):
    """A Parquet column of bytes kept beside the text (the page as fetched, in cp1251)
    cleaned to JSONL or CSV was decoded as UTF-8 with every bad byte replaced by U+FFFD:
    the Cyrillic came out as "\ufffd\ufffd\ufffd", with exit 0 and no word.  Bytes that
    are UTF-8 are still written as text; others make that row an error record naming
    the column, and Parquet output keeps them as they are."""
    import json

    raw = "Привет, мир".encode("cp1251")
    table = pa.table({"id": ["a", "b"], "text": ["One sentence.", "Two sentences."],
                      "raw": pa.array(["plain ascii".encode(), raw], pa.binary())})
    pq.write_table(table, tmp_path / "pages.parquet")
    res = polyclean("clean", "pages.parquet", "-o", f"out.{out_fmt}", "--no-translate",
                    cwd=tmp_path)
    assert res.returncode == 1
    err = res.stderr.decode("utf-8")
    assert ("pages.parquet:row 2: cannot write the record: column 'raw' holds bytes that "
            "are not UTF-8 text") in err
    out = (tmp_path / f"out.{out_fmt}").read_text("utf-8")
    assert "\ufffd" not in out
    assert "plain ascii" in out and "One sentence." in out and "Two sentences" not in out
    errors = (tmp_path / f"out.{out_fmt}.errors.jsonl").read_text("utf-8").splitlines()
    assert [json.loads(e)["row"] for e in errors] == [2]
    res = polyclean("clean", "pages.parquet", "-o", "out.parquet", "--no-translate",
                    cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert pq.read_table(tmp_path / "out.parquet").column("raw").to_pylist()[1] == raw
