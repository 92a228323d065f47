"""Every batch format with real files: JSONL, CSV/TSV, Parquet, gzip, stdin, --format.

The expected cleaned text of each record is what the library's ``Cleaner`` gives for
that text, so these tests pin the plumbing (fields, order, nulls, errors) rather than
the cleaning itself.
"""

import csv
import gzip
import io
import json
import sys
from datetime import datetime, timezone
from pathlib import Path

import pytest

from polyclean import Cleaner, cli

OPTS = ["--no-translate", "-j", "1", "-q"]
TEXTS = [
    "Caf\u00e9 \u201cnoir\u201d \u2014 the best\u2026",
    "The council met on Tuesday.\nSeveral members asked for more money for schools.",
    "He said \u201chi\u201d, then left\u2026",
]


def cleaned(text):
    return Cleaner(translate=False).clean(text).text


def run(*args):
    return cli.main(["clean", *map(str, args), *OPTS])


def read_jsonl(path):
    return [json.loads(line) for line in Path(path).read_text("utf-8").splitlines()]


# --- JSONL -----------------------------------------------------------------------------
def test_jsonl_with_a_malformed_line_keeps_going_and_lists_it(tmp_path, capsys):
    src = tmp_path / "crawl.jsonl"
    lines = [json.dumps({"id": 1, "text": TEXTS[0], "meta": {"url": "http://a", "n": [1, 2.5]}}),
             '{"id": 2, "text": "unterminated',
             "",  # blank lines are not records
             json.dumps({"id": 3, "body": "no text field"}),
             json.dumps({"id": 4, "text": TEXTS[1]}, ensure_ascii=False),
             json.dumps({"id": 5, "text": None}),
             json.dumps({"id": 6, "text": 42})]
    src.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "clean.jsonl"
    assert run(src, "-o", out) == 1
    got = read_jsonl(out)
    assert [r["id"] for r in got] == [1, 4, 5]
    assert got[0]["text"] == cleaned(TEXTS[0])
    assert got[0]["meta"] == {"url": "http://a", "n": [1, 2.5]}  # passes through
    assert got[1]["text"] == cleaned(TEXTS[1])
    assert got[2]["text"] is None  # null passes through
    errors = read_jsonl(tmp_path / "clean.jsonl.errors.jsonl")
    assert [(e["input"], e["line"]) for e in errors] == [(str(src), 2), (str(src), 4),
                                                         (str(src), 7)]
    assert errors[0]["error"].startswith("invalid JSON")
    assert errors[0]["raw"] == lines[1]
    assert "no field 'text'" in errors[1]["error"]
    assert "int, not text" in errors[2]["error"]
    err = capsys.readouterr().err
    assert f"polyclean: error: {src}:line 2: invalid JSON" in err


def test_jsonl_files_joined_with_their_byte_order_marks(tmp_path):
    """``cat a.jsonl b.jsonl`` of files saved with a BOM puts a U+FEFF at the start of a
    later line; that line was an error record ("invalid JSON: Expecting value").  The
    mark is no part of the record: every record is cleaned and none is written with it."""
    parts = [json.dumps({"id": i, "text": TEXTS[i]}, ensure_ascii=False) + "\n" for i in (0, 1)]
    src = tmp_path / "joined.jsonl"
    src.write_bytes(b"".join(b"\xef\xbb\xbf" + p.encode("utf-8") for p in parts))
    out = tmp_path / "clean.jsonl"
    assert run(src, "-o", out) == 0
    raw = out.read_bytes()
    assert b"\xef\xbb\xbf" not in raw
    assert [(r["id"], r["text"]) for r in read_jsonl(out)] == [(0, cleaned(TEXTS[0])),
                                                               (1, cleaned(TEXTS[1]))]


def test_jsonl_output_field_report_field_and_report_file(tmp_path):
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"text": t}) + "\n" for t in TEXTS), "utf-8")
    out, rep = tmp_path / "b.jsonl", tmp_path / "rep.jsonl"
    assert run(src, "-o", out, "--output-field", "clean", "--report-field", "why",
               "--report", rep) == 0
    got = read_jsonl(out)
    assert [r["text"] for r in got] == TEXTS  # the original stays
    assert [r["clean"] for r in got] == [cleaned(t) for t in TEXTS]
    reports = read_jsonl(rep)
    assert [r["id"] for r in reports] == [f"{src}:line {i}" for i in (1, 2, 3)]
    assert [r["why"] for r in got] == reports
    assert any(c["step"] == "normalize" for c in got[0]["why"]["changes"])
    assert not (tmp_path / "b.jsonl.errors.jsonl").exists()


def test_format_flag_overrides_the_extension_and_stdin_jsonl(tmp_path, monkeypatch, capsys):
    src = tmp_path / "dump.log"
    src.write_text(json.dumps({"text": TEXTS[0]}) + "\n", "utf-8")
    out = tmp_path / "dump.out"
    assert run(src, "-o", out, "--format", "jsonl") == 0
    assert read_jsonl(out) == [{"text": cleaned(TEXTS[0])}]
    # Without --format the same file is one text document.
    assert run(src, "-o", out) == 0
    assert out.read_text("utf-8") == cleaned(src.read_text("utf-8")) + "\n"
    # stdin to stdout, as JSONL.
    data = "".join(json.dumps({"k": i, "text": t}) + "\n" for i, t in enumerate(TEXTS))
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data.encode())))
    capsys.readouterr()
    assert run("--format", "jsonl") == 0
    got = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert got == [{"k": i, "text": cleaned(t)} for i, t in enumerate(TEXTS)]


# --- CSV / TSV -------------------------------------------------------------------------
def test_csv_with_embedded_newlines_quotes_and_delimiters(tmp_path):
    src = tmp_path / "export.csv"
    rows = [["id", "text", "note"],
            ["1", TEXTS[2], 'a "quoted", note'],
            ["2", TEXTS[1], "line one\nline two"],
            ["3", "", "empty text"]]
    with open(src, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "clean.csv"
    assert run(src, "-o", out) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        got = list(csv.reader(fh))
    assert got[0] == rows[0]
    assert [r[0] for r in got[1:]] == ["1", "2", "3"]
    assert [r[2] for r in got[1:]] == [r[2] for r in rows[1:]]  # untouched, quotes and all
    assert [r[1] for r in got[1:]] == [cleaned(r[1]) for r in rows[1:]]


def test_csv_bad_rows_and_missing_column(tmp_path, capsys):
    src = tmp_path / "bad.csv"
    src.write_bytes("id,text\n1,fine\u2026\n2,too,many\n3,caf\xe9 bytes\n4,last\n"
                    .encode("utf-8").replace("caf\xe9".encode(), b"caf\xe9"))
    out = tmp_path / "o.csv"
    assert run(src, "-o", out) == 1
    with open(out, newline="", encoding="utf-8") as fh:
        got = list(csv.DictReader(fh))
    assert [r["id"] for r in got] == ["1", "4"]
    errors = read_jsonl(tmp_path / "o.csv.errors.jsonl")
    assert [e["row"] for e in errors] == [2, 3]
    assert "3 fields" in errors[0]["error"] and "undecodable" in errors[1]["error"]
    # The same file read as Latin-1 has no undecodable row.
    assert run(src, "-o", out, "--encoding", "latin-1") == 1
    assert [e["row"] for e in read_jsonl(tmp_path / "o.csv.errors.jsonl")] == [2]
    # No such column: the whole input fails, nothing is written for it.
    out2 = tmp_path / "o2.csv"
    assert run(src, "-o", out2, "--text-field", "body") == 1
    assert not out2.exists()
    assert "no column 'body' (columns: id, text)" in capsys.readouterr().err


def test_tsv_by_extension_with_output_column(tmp_path):
    src = tmp_path / "t.tsv"
    src.write_text("id\ttext\n1\t" + TEXTS[0] + "\n2\tplain\n", "utf-8")
    out = tmp_path / "t.out.tsv"
    assert run(src, "-o", out, "--output-field", "clean") == 0
    with open(out, newline="", encoding="utf-8") as fh:
        got = list(csv.DictReader(fh, delimiter="\t"))
    assert [(r["text"], r["clean"]) for r in got] == [(TEXTS[0], cleaned(TEXTS[0])),
                                                      ("plain", cleaned("plain"))]


def test_text_output_adds_no_blank_line_to_a_text_kept_whole(tmp_path):
    """With --no-normalize a text file's own final line break stays the only one; a
    text without one gains one, so documents written together stay on their own lines."""
    ends = tmp_path / "ends.txt"
    ends.write_text("The council met on Tuesday.\nMembers asked for money.\n", "utf-8")
    bare = tmp_path / "bare.txt"
    bare.write_text("The council met on Tuesday.", "utf-8")
    for src in (ends, bare):
        out = tmp_path / f"{src.stem}.out.txt"
        assert run(src, "-o", out, "--no-normalize") == 0
        assert out.read_bytes() == src.read_bytes().rstrip(b"\n") + b"\n"
    both = tmp_path / "both.txt"
    assert run(ends, bare, "-o", both, "--no-normalize") == 0
    assert both.read_text("utf-8").splitlines() == [
        f"==> {ends} <==", "The council met on Tuesday.", "Members asked for money.",
        f"==> {bare} <==", "The council met on Tuesday."]


# --- Parquet ---------------------------------------------------------------------------
def test_parquet_with_nulls_keeps_types_and_rows(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    ts = datetime(2024, 5, 1, 12, 0, tzinfo=timezone.utc)
    table = pa.table({
        "id": pa.array([1, 2, 3, 4], pa.int64()),
        "text": pa.array([TEXTS[0], None, TEXTS[1], TEXTS[2]], pa.string()),
        "score": pa.array([0.5, None, 1.25, 2.0], pa.float64()),
        "seen": pa.array([ts, ts, None, ts], pa.timestamp("ms", tz="UTC")),
        "tags": pa.array([["a"], [], None, ["b", "c"]], pa.list_(pa.string())),
    })
    src = tmp_path / "rows.parquet"
    pq.write_table(table, src, row_group_size=2)
    out = tmp_path / "clean.parquet"
    assert run(src, "-o", out, "--batch-docs", "2") == 0
    got = pq.read_table(out)
    assert got.schema == table.schema
    assert got.num_rows == 4
    for col in ("id", "score", "seen", "tags"):
        assert got.column(col).equals(table.column(col))
    assert got.column("text").to_pylist() == [cleaned(TEXTS[0]), None, cleaned(TEXTS[1]),
                                              cleaned(TEXTS[2])]
    # A new output column next to the original; reports as JSON strings.
    out2 = tmp_path / "clean2.parquet"
    assert run(src, "-o", out2, "--output-field", "clean", "--report-field", "report") == 0
    got2 = pq.read_table(out2)
    assert got2.column_names == table.column_names + ["clean", "report"]
    assert got2.column("text").equals(table.column("text"))
    rep = got2.column("report").to_pylist()
    assert rep[1] is None and json.loads(rep[0])["id"] == f"{src}:row 1"
    assert not list(tmp_path.glob(".*polyclean*"))  # no work files left behind


def test_parquet_needs_a_file_output(tmp_path, capsys):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    src = tmp_path / "x.parquet"
    pq.write_table(pa.table({"text": ["a"]}), src)
    assert run(src) == 2
    assert "Parquet output needs a file" in capsys.readouterr().err


# --- gzip ------------------------------------------------------------------------------
def test_gzip_inputs_are_read_transparently(tmp_path):
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    with gzip.open(folder / "sub" / "part.jsonl.gz", "wt", encoding="utf-8") as fh:
        for t in TEXTS:
            fh.write(json.dumps({"text": t}) + "\n")
    with gzip.open(folder / "page.txt.gz", "wb") as fh:
        fh.write(TEXTS[1].encode("utf-8"))
    out = tmp_path / "out"
    assert run(folder, "-o", out) == 0
    assert read_jsonl(out / "sub" / "part.jsonl") == [{"text": cleaned(t)} for t in TEXTS]
    assert (out / "page.txt").read_text("utf-8") == cleaned(TEXTS[1]) + "\n"
    # A corrupt gzip is an error for that input only.
    (folder / "broken.jsonl.gz").write_bytes(gzip.compress(b'{"text": "x"}\n' * 50)[:30])
    out2 = tmp_path / "out2"
    assert run(folder, "-o", out2) == 1
    assert (out2 / "sub" / "part.jsonl").exists() and not (out2 / "broken.jsonl").exists()
    errors = read_jsonl(tmp_path / "out2.errors.jsonl")
    assert [e["input"] for e in errors] == [str(folder / "broken.jsonl.gz")]


@pytest.mark.parametrize("ext", [".bz2", ".xz"])
def test_bzip2_and_xz_inputs_are_read_as_their_names_say(tmp_path, capsys, ext):
    # Before, a.jsonl.bz2 was "binary data, not text" and a.csv.xz too: the standard
    # library reads both, as it reads gzip.
    import bz2
    import lzma
    pack = bz2.compress if ext == ".bz2" else lzma.compress
    folder = tmp_path / "in"
    folder.mkdir()
    lines = "".join(json.dumps({"text": t}) + "\n" for t in TEXTS).encode("utf-8")
    (folder / f"part.jsonl{ext}").write_bytes(pack(lines))
    (folder / f"page.txt{ext}").write_bytes(pack(TEXTS[1].encode("utf-8")))
    (folder / f"rows.csv{ext}").write_bytes(pack(b"id,text\n7,\"" + TEXTS[0].encode() + b"\"\n"))
    out = tmp_path / "out"
    assert run(folder, "-o", out) == 0
    assert sorted(p.name for p in out.iterdir()) == ["page.txt", "part.jsonl", "rows.csv"]
    assert read_jsonl(out / "part.jsonl") == [{"text": cleaned(t)} for t in TEXTS]
    assert (out / "page.txt").read_text("utf-8") == cleaned(TEXTS[1]) + "\n"
    assert list(csv.reader(io.StringIO((out / "rows.csv").read_text("utf-8")))) == [
        ["id", "text"], ["7", cleaned(TEXTS[0])]]
    # a damaged one is an error for that input only, in one line
    (folder / f"broken.jsonl{ext}").write_bytes(pack(lines * 40)[:60])
    assert run(folder, "-o", tmp_path / "out2") == 1
    err = [x for x in capsys.readouterr().err.splitlines() if "error" in x]
    assert len(err) == 1 and err[0].startswith(f"polyclean: error: {folder / f'broken.jsonl{ext}'}: cannot read")
    assert sorted(p.name for p in (tmp_path / "out2").iterdir()) == [
        "page.txt", "part.jsonl", "rows.csv"]


def test_a_warc_compressed_whole_with_bzip2_is_refused_with_what_to_do(tmp_path, capsys):
    import bz2
    src = tmp_path / "crawl.warc.bz2"
    src.write_bytes(bz2.compress(b"WARC/1.0\r\n"))
    assert run(src, "-o", tmp_path / "o.jsonl") == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"polyclean: error: {src}: a WARC archive compressed with bzip2 is not "
                   "read; archives are read plain, .gz, .zst or .lz4: recompress it, e.g. "
                   "'bzip2 -dc crawl.warc.bz2 | gzip > crawl.warc.gz'"]


def test_the_library_reads_compressed_whole_files_as_the_cli_does(tmp_path):
    # iter_documents (the Dask and Hugging Face helpers) gave a page.txt.zst's
    # compressed bytes as its text; it decompressed .gz alone.
    import bz2
    from polyclean.web.documents import iter_documents
    zstd = pytest.importorskip("zstandard")
    (tmp_path / "a.txt.zst").write_bytes(zstd.ZstdCompressor().compress(b"One page."))
    (tmp_path / "b.txt.bz2").write_bytes(bz2.compress(b"Two page."))
    assert [d["text"] for d in iter_documents(tmp_path / "a.txt.zst")] == [b"One page."]
    assert [d["text"] for d in iter_documents(tmp_path / "b.txt.bz2")] == [b"Two page."]


def test_glob_selects_files_of_a_folder(tmp_path):
    folder = tmp_path / "crawl"
    (folder / "a").mkdir(parents=True)
    (folder / "a" / "one.jsonl").write_text(json.dumps({"text": TEXTS[0]}) + "\n", "utf-8")
    (folder / "two.jsonl").write_text(json.dumps({"text": TEXTS[1]}) + "\n", "utf-8")
    (folder / "notes.txt").write_text("not selected", "utf-8")
    out = tmp_path / "out"
    assert run(folder, "-o", out, "--glob", "*.jsonl") == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()) == [
        "a/one.jsonl", "two.jsonl"]
    assert run(folder, "-o", tmp_path / "none", "--glob", "*.csv") == 1
    # "**/" is any number of folders, none included (as in a shell or Path.glob): it
    # left out two.jsonl at the top, without a word
    for k, (pattern, want) in enumerate((("**/*.jsonl", ["a/one.jsonl", "two.jsonl"]),
                                         ("a/**/*.jsonl", ["a/one.jsonl"]))):
        out = tmp_path / f"globstar{k}"
        assert run(folder, "-o", f"{out}/", "--glob", pattern) == 0
        assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*")
                      if p.is_file()) == want, pattern


def test_crlf_records_come_out_with_lf(tmp_path):
    """Records end in "\\n" whatever the input's line ends (README, JSONL and TSV)."""
    src = tmp_path / "crlf.jsonl"
    src.write_bytes(b'{"id": 1, "text": "The council met on Tuesday."}\r\n'
                    b'{"id": 2, "text": "The budget passed."}\r\n')
    assert run(src, "-o", tmp_path / "out.jsonl") == 0
    data = (tmp_path / "out.jsonl").read_bytes()
    assert b"\r" not in data and data.count(b"\n") == 2
    assert [r["id"] for r in read_jsonl(tmp_path / "out.jsonl")] == [1, 2]
    tsv = tmp_path / "crlf.tsv"
    tsv.write_bytes(b"id\ttext\r\n1\tThe council met on Tuesday.\r\n")
    assert run(tsv, "-o", tmp_path / "out.tsv") == 0
    assert (tmp_path / "out.tsv").read_bytes().split(b"\n")[1].startswith(b"1\t")
    assert b"\r" not in (tmp_path / "out.tsv").read_bytes()
