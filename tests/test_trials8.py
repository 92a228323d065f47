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
