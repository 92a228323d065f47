"""Bugs a new user found by trying polyclean on inputs nobody had used (fifth round: the
library as an ETL user calls it, record formats beyond the basics, web archives): each
test runs what the user ran and asserts what the user sees."""

import json
from pathlib import Path

import pytest

from polyclean import cli

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return cli.main([*map(str, args)])


ROWS = [("1", "Itâ€™s the councilâ€™s budget."), ("2", "The meeting ended at noon.")]


# --- a UTF-16 or UTF-32 byte order mark says the codec of a record file ------------------
@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be", "utf-32"])
@pytest.mark.parametrize("fmt", ["csv", "tsv", "jsonl"])
def test_record_files_with_a_utf16_or_utf32_bom_are_read_without_encoding(tmp_path, fmt, codec):
    # Excel's "Unicode text" and many Windows tools write UTF-16 with a byte order mark;
    # a text file was read by it, but a CSV/TSV header failed ('undecodable bytes in
    # column 1 (not utf-8)') and every JSONL line was an error record
    if fmt == "jsonl":
        body = "".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in ROWS)
    else:
        sep = "," if fmt == "csv" else "\t"
        body = f"id{sep}text\r\n" + "".join(f"{i}{sep}{t}\r\n" for i, t in ROWS)
    bom = {"utf-16": "", "utf-16-be": "\ufeff", "utf-32": ""}[codec]
    src = tmp_path / f"in.{fmt}"
    src.write_bytes((bom + body).encode(codec))
    ref = tmp_path / f"ref.{fmt}"
    ref.write_text(body, encoding="utf-8")
    for name in (src, ref):
        assert run("clean", name, "-o", tmp_path / f"{name.stem}.out.jsonl",
                   "--no-translate", "-q") == 0
    got = (tmp_path / "in.out.jsonl").read_text(encoding="utf-8")
    assert got == (tmp_path / "ref.out.jsonl").read_text(encoding="utf-8")
    assert "It's the council's budget." in got


# --- the HTTP charset of a WARC record is the header's parameter, parsed as MIME does --------
def test_a_quoted_http_charset_is_read_without_its_quotes(tmp_path):
    # FastWARC's http_charset kept the quotes of charset="x-mac-cyrillic", which made the
    # label unknown (the page was decoded by detection) and the output field '"...'; and it
    # read the charset from inside another parameter's quoted value
    import sys
    sys.path.insert(0, str(Path(__file__).parent))
    from webarchive import RU, Archive

    page = f"<html><body><article><p>{RU}</p></article></body></html>"
    a = Archive()
    a.response("http://a.example/mac", page.encode("mac-cyrillic"),
               'text/html; charset="x-mac-cyrillic"')
    a.response("http://a.example/odd", page.encode("koi8-r"),
               'text/html; note="see ;charset=x"; Charset=KOI8-R')
    src = tmp_path / "crawl.warc.gz"
    src.write_bytes(a.bytes())
    out, rep = tmp_path / "out.jsonl", tmp_path / "rep.jsonl"
    assert run("clean", src, "-o", out, "--report", rep, "--no-translate", "-q") == 0
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["http_charset"] for r in recs] == ["x-mac-cyrillic", "koi8-r"]
    assert all(RU in r["text"] for r in recs)
    reasons = [json.loads(line)["source"]["encoding_reason"]
               for line in rep.read_text(encoding="utf-8").splitlines()]
    assert all(r.startswith("declared in the HTTP header") for r in reasons), reasons


# --- Dask: read_documents gives one document per row of CSV, TSV and Parquet files -------
def test_read_documents_reads_csv_tsv_and_parquet_rows_as_documents(tmp_path):
    # a CSV or TSV file was one document (its header, commas and every row cleaned as one
    # text, rows recurring across files removed as boilerplate) and a Parquet file an
    # error ('binary data, not text'), while the command line reads each row as a record
    import pyarrow as pa
    import pyarrow.parquet as pq

    from polyclean.dask import clean_bag, read_documents

    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.csv").write_text("id,text\n" + "".join(f'{i},"{t}"\n' for i, t in ROWS),
                                 encoding="utf-8")
    (crawl / "b.tsv").write_text("id\ttext\n" + "".join(f"{i}\t{t}\n" for i, t in ROWS),
                                 encoding="utf-8")
    pq.write_table(pa.table({"id": [1, 2], "text": [t for _, t in ROWS]}), crawl / "c.parquet")
    (crawl / "d.csv").write_text("id,text,text\n1,a,b\n", encoding="utf-8")
    docs = read_documents(str(crawl / "*")).compute(scheduler="sync")
    rows = [d for d in docs if d["source"].endswith(("a.csv", "b.tsv", "c.parquet"))]
    assert [(d["where"], str(d["id"]), d["text"]) for d in rows] == [
        (f"row {n}", i, t) for _ in range(3) for n, (i, t) in enumerate(ROWS, 1)]
    bad = [d for d in docs if d["source"].endswith("d.csv")]
    assert len(bad) == 1 and "'text' occurs 2 times" in bad[0]["error"]
    cleaned = clean_bag(read_documents(str(crawl / "*")), translate=False,
                        errors="null").compute(scheduler="sync")
    assert [d["text"] for d in cleaned][:2] == ["It's the council's budget.",
                                                "The meeting ended at noon."]


# --- a CSV/TSV header naming the text column twice ----------------------------------------
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("extra", [[], ["--lang-field", "lang"]])
def test_a_text_or_written_column_named_twice_fails_the_input(tmp_path, fmt, extra, capsys):
    # 'id,text,text' cleaned the first 'text' column and left the second as it was,
    # without a word, when the rows were written back as rows (CSV to CSV, TSV to TSV);
    # a written column named twice was filled in its first place only
    sep = "," if fmt == "csv" else "\t"
    twice = "lang" if extra else "text"
    head = sep.join(["id", "text", "lang", twice])
    src = tmp_path / f"in.{fmt}"
    src.write_text(f"{head}\n1{sep}Itâ€™s one{sep}x{sep}Itâ€™s two\n", encoding="utf-8")
    out = tmp_path / f"out.{fmt}"
    assert run("clean", src, "-o", out, "--no-translate", "-q", *extra) == 1
    err = capsys.readouterr().err
    assert f"header row: column '{twice}' occurs 2 times" in err
    assert not out.exists()
    assert json.loads((tmp_path / f"out.{fmt}.errors.jsonl").read_text())["input"] == str(src)


# --- the Dask and datasets helpers raise polyclean's errors --------------------------------
def test_dask_helpers_raise_polyclean_errors_and_check_errors_at_once(tmp_path):
    # `except polyclean.PolycleanError` missed them (ValueError, KeyError), and
    # clean_bag(errors="nul") took every failed document as errors="null" without a word
    import dask.bag as db
    import dask.dataframe as dd
    import pandas as pd

    from polyclean import ConfigError, PolycleanError
    from polyclean.dask import clean_bag, clean_dataframe, read_documents

    (tmp_path / "empty").mkdir()
    with pytest.raises(PolycleanError, match="no files to read"):
        read_documents(str(tmp_path / "empty"))
    (tmp_path / "crawl").mkdir()
    (tmp_path / "crawl" / "a.txt").write_bytes(b"\x00\x01\x02" * 300)
    docs = read_documents(str(tmp_path / "crawl"))
    with pytest.raises(ConfigError, match="not 'nul'"):
        clean_bag(docs, translate=False, errors="nul")
    with pytest.raises(PolycleanError, match="binary data"):
        clean_bag(docs, translate=False).compute(scheduler="sync")
    ddf = dd.from_pandas(pd.DataFrame({"body": ["Hi."]}), npartitions=1)
    with pytest.raises(PolycleanError) as info:
        clean_dataframe(ddf, "text")
    assert isinstance(info.value, KeyError)
    assert str(info.value) == "no column 'text' (columns: body)"
    with pytest.raises(ConfigError):
        clean_dataframe(ddf, "body", errors="skip")
    assert clean_bag(db.from_sequence(["Hi."]), translate=False).compute(scheduler="sync")
