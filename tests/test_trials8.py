"""Small user-visible defects found by trying polyclean as a new user would: counts in
messages, compressed and cut report files, WARC records with bare-LF HTTP headers, and
a local package index that does not exist."""

from __future__ import annotations

import pytest

from argos_tiny import argos_env  # noqa: F401
from polyclean import cli


def run(capsys, *args) -> tuple[int, str, str]:
    rc = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


# --- models: a local --index that does not exist ---------------------------------------------
@pytest.mark.parametrize("action", [("available",), ("install", "ru")])
def test_a_local_index_that_does_not_exist_is_named_not_taken_for_an_offline_machine(
        capsys, tmp_path, argos_env, action):
    """A mistyped local index used to say 'This machine looks offline' and send the user
    off to download packages elsewhere; it is one line saying the file does not exist."""
    for index, shown in ((tmp_path / "nope.json", tmp_path / "nope.json"),
                         (f"file://{tmp_path}/nope.json", f"file://{tmp_path}/nope.json"),
                         (tmp_path, tmp_path / "index.json")):  # a folder without one
        rc, out, err = run(capsys, "models", *action, "--index", index)
        assert rc == 1 and out == ""
        assert err == (f"polyclean models: error: the package index {shown} does not exist; "
                       "give --index the path of an index.json (or of a folder that holds "
                       "one), or its http(s) URL\n")


# --- WARC: HTTP headers ended by a bare LF ----------------------------------------------------
def _bare_lf(record: bytes) -> bytes:
    """A response record as warcio wrote it, with its HTTP header block ended by bare LF
    (as some crawlers write it) and its WARC Content-Length fixed to match: only the
    payload's bytes change."""
    import re

    head_end = record.index(b"\r\n\r\n") + 4
    http_end = record.index(b"\r\n\r\n", head_end) + 4
    http = record[head_end:http_end].replace(b"\r\n", b"\n")
    old = int(re.search(rb"\r\nContent-Length: (\d+)\r\n", record[:head_end]).group(1))
    new = old - (http_end - head_end - len(http))
    head = record[:head_end].replace(b"Content-Length: %d\r\n" % old,
                                     b"Content-Length: %d\r\n" % new)
    return head + http + record[http_end:]


@pytest.mark.parametrize("name", ["lf.warc", "lf.warc.gz"])
def test_a_warc_response_whose_http_headers_end_in_bare_lf_is_read(capsys, tmp_path, name):
    """Such a record was skipped as 'not HTML (no Content-Type)': FastWARC's strict
    parser took the whole block for the status line."""
    import gzip
    import json

    from webarchive import Archive

    a = Archive(gz=False)
    a.info()
    pages = {"http://lf.example/": "A page whose crawler ended its header lines in LF.",
             "http://crlf.example/": "A page whose header lines end in CRLF, as usual."}
    for url, text in pages.items():
        a.response(url, f"<html><body><p>{text}</p></body></html>".encode(), "text/html")
    data, starts = a.bytes(), [a.starts[k] for k in ("info", *pages)] + [len(a.bytes())]
    records = [data[s:e] for s, e in zip(starts, starts[1:])]
    records[1] = _bare_lf(records[1])
    assert b"200 OK\nContent-Type: text/html\n" in records[1]
    if name.endswith(".gz"):  # one gzip member per record, as warcio and Common Crawl write
        records = [gzip.compress(r) for r in records]
    src = tmp_path / name
    src.write_bytes(b"".join(records))
    rc, out, err = run(capsys, "clean", src, "--no-translate", "--output-format", "jsonl")
    assert rc == 0 and "skipped" not in err, err
    got = [json.loads(line) for line in out.splitlines()]
    assert [(r["url"], r["text"]) for r in got] == list(pages.items())


# --- polyclean report: compressed and cut report and summary files ---------------------------
def _run_files(capsys, tmp_path, report_name: str = "r.jsonl"):
    """Clean two documents, keeping the report and the summary JSON; their paths."""
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "Hello world, this is a test."}\n'
                   '{"text": "A second document to clean."}\n', "utf-8")
    rep, summ = tmp_path / report_name, tmp_path / "s.json"
    assert run(capsys, "clean", src, "-o", tmp_path / "out.jsonl", "--report", rep,
               "--summary-json", summ, "--no-translate")[0] == 0
    return rep, summ


def test_report_reads_a_summary_compressed_after_the_run(capsys, tmp_path):
    """clean writes the summary plain only; a run's files gzipped afterwards gave
    "'utf-8' codec can't decode byte 0x8b"; the summary is read as its name says."""
    import gzip

    rep, summ = _run_files(capsys, tmp_path)
    gz = tmp_path / "s.json.gz"
    gz.write_bytes(gzip.compress(summ.read_bytes()))
    plain, packed = tmp_path / "plain.html", tmp_path / "packed.html"
    assert run(capsys, "report", rep, "--summary", summ, "-o", plain, "--no-sources")[0] == 0
    rc, out, err = run(capsys, "report", rep, "--summary", gz, "-o", packed, "--no-sources")
    assert rc == 0 and err.startswith(f"polyclean: wrote {packed} ("), err
    assert packed.read_bytes() == plain.read_bytes()  # the timings of the summary are on it
    gz.write_bytes(gzip.compress(summ.read_bytes())[:-12])  # an incomplete copy
    rc, out, err = run(capsys, "report", rep, "--summary", gz, "-o", packed, "--no-sources")
    assert rc == 1 and err == (f"polyclean: error: {gz}: cannot read the summary JSON: the "
                               "file is cut short (the compressed data ends before its end "
                               "marker)\n")


@pytest.mark.parametrize("name", ["r.jsonl", "r.jsonl.gz"])
def test_a_report_whose_last_line_is_cut_is_an_error_the_page_still_written(
        capsys, tmp_path, name):
    """A report cut inside its last line (a killed run, an incomplete copy) was counted
    as '1 failed record' with exit 0, as if a document had failed; it is named, as a
    data input's cut last line is, and the exit code is 1."""
    import gzip

    rep, _ = _run_files(capsys, tmp_path, name)
    text = gzip.decompress(rep.read_bytes()) if name.endswith(".gz") else rep.read_bytes()
    cut = text[:len(text.splitlines()[0]) + 1 + 40]  # the first report and part of the second
    rep.write_bytes(gzip.compress(cut) if name.endswith(".gz") else cut)
    page = tmp_path / "p.html"
    rc, out, err = run(capsys, "report", rep, "-o", page, "--no-sources")
    assert rc == 1 and err.splitlines()[0] == (
        f"polyclean: error: {rep}:line 2: the last report is cut short (the file ends inside "
        "it: the run that wrote it was killed, or the copy is incomplete); the page counts it "
        "as a failed record")
    assert err.splitlines()[1].startswith(f"polyclean: wrote {page} (")
    assert err.splitlines()[1].endswith(": 1 document, 1 failed record")
    assert "report line cut short" in page.read_text("utf-8")
    # a report that ends in a complete line is read as it was
    rep.write_bytes(gzip.compress(text) if name.endswith(".gz") else text)
    rc, out, err = run(capsys, "report", rep, "-o", page, "--no-sources")
    assert rc == 0 and err.endswith(": 2 documents, 0 failed records\n")


def test_a_compressed_report_cut_short_is_a_one_line_error_not_a_traceback(capsys, tmp_path):
    import gzip

    rep, _ = _run_files(capsys, tmp_path, "r.jsonl.gz")
    rep.write_bytes(rep.read_bytes()[:-12])
    rc, out, err = run(capsys, "report", rep, "-o", tmp_path / "p.html")
    assert rc == 1 and err == (f"polyclean: error: {rep}: cannot read the report: the file "
                               "is cut short (the compressed data ends before its end marker)\n")
    assert not (tmp_path / "p.html").exists()


# --- counts in messages: "1 document", never "1 documents" -----------------------------------
def test_counts_of_one_are_singular_in_the_summary_and_stop_messages(capsys, tmp_path):
    """The end-of-run summary said '1 documents', '1 fragments', '1 boilerplate lines
    removed'; --max-errors 1 said 'the first 1 records all failed'."""
    src = tmp_path / "one.txt"
    src.write_text("The council met on Tuesday to discuss the new budget for schools.\n"
                   "Заголовок открываемого материала\nSubscribe\n", "utf-8")
    rc, out, err = run(capsys, "clean", src, "--no-translate", "--summary",
                       "-o", tmp_path / "one.out.txt")
    assert rc == 0
    assert err.startswith("polyclean: 1 document, 0 failed, ")
    for part in (" 1 fragment not in the target language (1 foreign to their document), ",
                 ", translation cache 0 hits / 0 misses, 1 boilerplate line removed, "):
        assert part in err
    bad = tmp_path / "nf.jsonl"
    bad.write_text('{"body": "x"}\n{"body": "y"}\n', "utf-8")
    rc, out, err = run(capsys, "clean", bad, "-o", tmp_path / "nf.out.jsonl", "--max-errors", "1")
    assert rc == 1 and "error: the first 1 record failed with the same error (no field" in err
