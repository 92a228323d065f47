"""Defects found by using polyclean's web inputs (HTML pages, WARC archives) as a
demanding new user would: huge pages, odd archives."""

from __future__ import annotations

import gzip
import io
import json
import os
import re
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")
pytest.importorskip("resiliparse")
pytest.importorskip("fastwarc")

pytest.importorskip("warcio")

from polyclean.web import WarcReader  # noqa: E402
from polyclean.web.extract import dropped  # noqa: E402
from webarchive import TOPICS, Archive  # noqa: E402


def test_counting_what_extraction_dropped_is_linear_in_the_page():
    """``polyclean clean big.html`` on a page of 20,000 paragraphs (2.9 MB) took 21 s,
    18 of them counting the blocks trafilatura dropped (trafilatura itself: 1.2 s): each
    block's words were taken out of the kept text's word pool by ``Counter -=``, which
    rebuilds the whole pool, so the count grew with the square of the page."""
    n = 20_000
    blocks = [f"Paragraph {i} says the council met on day{i} about budget{i} item{i}."
              for i in range(n)]
    # half of the blocks are lines of the kept text, half are split over two lines
    kept = "\n".join(b.replace(" about", "\nabout") if i % 2 else b
                     for i, b in enumerate(blocks))
    t0 = time.perf_counter()
    gone = dropped(blocks + ["Home News", "Share this"], kept)
    elapsed = time.perf_counter() - t0
    assert gone == [n, n + 1]
    assert elapsed < 5, f"{elapsed:.1f} s for {n:,} blocks (was 29 s)"


# --- WARC archives --------------------------------------------------------------------------------
def _archive(gz: bool = True) -> Archive:
    a = Archive(gz=gz)
    a.info()
    for i in range(4):
        a.request(f"http://a.example/{i}")
        a.response(f"http://a.example/{i}",
                   f"<html><body><article><h1>Story {i}</h1><p>{TOPICS[i]} (story {i})</p>"
                   f"<p>{TOPICS[i + 4]}</p></article></body></html>".encode(),
                   "text/html; charset=utf-8")
    return a


def _run(*args, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)], cwd=cwd,
                          capture_output=True, env=env, timeout=300)


def test_records_of_an_archive_compressed_as_a_whole_have_their_own_ids(tmp_path):
    """``gzip crawl.warc`` then ``polyclean clean crawl.warc.gz --report r.jsonl``: every
    document was named ``crawl.warc.gz:offset 4263`` (where FastWARC's buffer stood in
    the compressed file), so the report had four lines with one id and ``polyclean
    explain crawl.warc.gz --id ...`` of the last one showed the first page.  Each record
    is now ``record N`` (its number in the archive), and a per-record ``.warc.gz`` keeps
    its offsets."""
    (tmp_path / "crawl.warc.gz").write_bytes(gzip.compress(_archive(gz=False).bytes()))
    res = _run("clean", "crawl.warc.gz", "-o", "out.jsonl", "--report", "r.jsonl",
               "--no-translate", "-q", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    ids = [json.loads(line)["id"] for line in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert ids == [f"crawl.warc.gz:record {n}" for n in (3, 5, 7, 9)]
    res = _run("explain", "crawl.warc.gz", "--id", ids[-1], "--no-translate", "--color",
               "never", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = res.stdout.decode()
    assert "(story 3)" in out and "(story 0)" not in out

    a = _archive()
    (tmp_path / "per.warc.gz").write_bytes(a.bytes())
    records, _ = _read(tmp_path / "per.warc.gz")
    assert [r.where for r in records] == [f"offset {a.starts[f'http://a.example/{i}']}"
                                          for i in range(4)]


def _read(path: Path):
    reader = WarcReader(path)
    reader.open()
    try:
        return list(reader.records()), reader.counts
    finally:
        reader.close()


def test_empty_gzip_members_are_no_broken_records(tmp_path):
    """An archive with a gzip member of nothing in it (``cat a.warc.gz empty.warc.gz
    b.warc.gz``, where ``empty.warc.gz`` is ``gzip < /dev/null``) was an error at that
    member ("a gzip member cut short"), exit 1; alone it was "the archive ends 20 bytes
    into a record ... cut short" where an empty ``.warc`` is an empty input."""
    a = _archive().bytes()
    empty = gzip.compress(b"")
    (tmp_path / "cat.warc.gz").write_bytes(empty + a + empty + a + empty)
    res = _run("clean", "cat.warc.gz", "-o", "out.jsonl", "--no-translate", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert b"error" not in res.stderr
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 8
    records, counts = _read(tmp_path / "cat.warc.gz")
    assert len(records) == 8 and counts["errors"] == 0 and counts["records"] == 18

    (tmp_path / "none.warc.gz").write_bytes(empty)
    res = _run("clean", "none.warc.gz", "-o", "none.jsonl", "--no-translate", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stderr.decode().strip() == \
        "polyclean: warning: none.warc.gz: empty input (no text); nothing to clean"


def _with_length(data: bytes, start: int, end: int, delta: int, gz: bool) -> bytes:
    """``data`` with the WARC Content-Length of the record at ``start`` (ending at
    ``end``) made ``delta`` bytes wrong, as a crawler that wrote the wrong length would."""
    rec = zlib.decompress(data[start:end], 31) if gz else data[start:end]
    n = int(re.search(rb"Content-Length: (\d+)", rec).group(1))
    rec = rec.replace(b"Content-Length: %d" % n, b"Content-Length: %d" % (n + delta), 1)
    return data[:start] + (gzip.compress(rec) if gz else rec) + data[end:]


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("delta", [-40, 40])
def test_a_record_with_a_wrong_content_length_is_the_error_not_the_next_one(tmp_path, gz, delta):
    """A response whose WARC Content-Length is 40 bytes short (or long): the record
    after it, intact, was lost and named as the error ("cannot read the archive after
    this offset (Invalid WARC header)" at its offset), while the damaged record was
    written as a document.  The damaged record is now the error and the next one is
    read."""
    a = _archive(gz=gz)
    data = a.bytes()
    start, end = a.starts["http://a.example/1"], a.starts["req http://a.example/2"]
    bad = _with_length(data, start, end, delta, gz)
    (tmp_path / "crawl.warc").write_bytes(bad)
    records, counts = _read(tmp_path / "crawl.warc")
    assert [r.payload.url for r in records if r.error is None] == \
        ["http://a.example/0", "http://a.example/2", "http://a.example/3"]
    (err,) = [r for r in records if r.error is not None]
    after = start + len(bad) - len(data) + end - start  # where the next record starts
    assert err.where == f"offset {start}" and err.error.startswith(
        "the record's Content-Length says") and err.error.endswith(f"at offset {after}")
    assert counts["documents"] == 3 and counts["errors"] == 1


def test_a_pipe_goes_on_after_empty_gzip_members(tmp_path):
    """``cat a.warc.gz empty.warc.gz b.warc.gz | polyclean clean - --format warc``: FastWARC
    takes a gzip member of nothing for the end of the archive, and a pipe cannot seek,
    so every record after it was lost without a word (exit 0, 4 of 8 pages).  The
    reader goes on after such members from the bytes it kept, as it does in a file."""
    a = _archive().bytes()
    empty = gzip.compress(b"")
    data = empty + a + empty + empty + a + empty
    (tmp_path / "cat.warc.gz").write_bytes(data)
    env = dict(os.environ, PYTHONIOENCODING="utf-8", NO_COLOR="1")
    piped = subprocess.run([sys.executable, "-m", "polyclean", "clean", "-", "--format", "warc",
                            "-o", "pipe.jsonl", "--report", "pipe.report.jsonl",
                            "--no-translate"], input=data, cwd=tmp_path, capture_output=True,
                           env=env, timeout=300)
    assert piped.returncode == 0 and not piped.stderr, piped.stderr
    res = _run("clean", "cat.warc.gz", "-o", "file.jsonl", "--report", "file.report.jsonl",
               "--no-translate", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "pipe.jsonl").read_bytes() == (tmp_path / "file.jsonl").read_bytes()
    assert len((tmp_path / "pipe.jsonl").read_text().splitlines()) == 8
    ids = [json.loads(line)["id"].replace("cat.warc.gz:", "-:")
           for line in (tmp_path / "file.report.jsonl").read_text().splitlines()]
    assert [json.loads(line)["id"] for line in
            (tmp_path / "pipe.report.jsonl").read_text().splitlines()] == ids


def test_a_damaged_gzip_body_is_named_as_such_not_a_file_to_rename(tmp_path):
    """A response sent with ``Content-Encoding: gzip`` whose body is damaged gzip data was
    an error telling the user to rename a file ("compressed input is read only from
    names ending in .gz ...: rename the file"): a record of an archive cannot be
    renamed.  The error says which coding could not be undone."""
    from warcio.statusandheaders import StatusAndHeaders

    a = _archive()
    hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")],
                          protocol="HTTP/1.1")
    a._write("damaged", a.w.create_warc_record(
        "http://a.example/damaged", "response",
        payload=io.BytesIO(b"\x1f\x8b\x08\x00garbage-not-gzip" * 10), http_headers=hh))
    (tmp_path / "crawl.warc.gz").write_bytes(a.bytes())
    res = _run("clean", "crawl.warc.gz", "-o", "out.jsonl", "--no-translate", cwd=tmp_path)
    assert res.returncode == 1
    err = res.stderr.decode()
    assert err == (f"polyclean: error: crawl.warc.gz:offset {a.starts['damaged']}: cannot undo "
                   "Content-Encoding 'gzip': the body starts as such data but does not "
                   "decompress (damaged)\n")
    assert len((tmp_path / "out.jsonl").read_text().splitlines()) == 4


def test_detect_skips_records_that_are_not_html_as_clean_does(tmp_path):
    """``polyclean detect crawl.warc.gz`` on an archive with an image and a 404 (every
    real archive has them) printed ``polyclean: error: ...: skipped: not HTML
    (image/png)`` and exited 1, where ``clean`` warns and exits 0 (skipped entries only
    warn, says the exit-code table of both commands)."""
    a = _archive()
    a.response("http://a.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png")
    a.response("http://a.example/gone", b"<html><body>Not found</body></html>", "text/html",
               "404 Not Found")
    (tmp_path / "crawl.warc.gz").write_bytes(a.bytes())
    res = _run("detect", "crawl.warc.gz", "-o", "langs.jsonl", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stderr.decode().splitlines() == [
        f"polyclean: warning: crawl.warc.gz:offset {a.starts['http://a.example/logo.png']}: "
        "skipped: not HTML (image/png)",
        f"polyclean: warning: crawl.warc.gz:offset {a.starts['http://a.example/gone']}: "
        "skipped: HTTP status 404"]
    assert [json.loads(line)["lang"] for line in
            (tmp_path / "langs.jsonl").read_text().splitlines()] == ["en"] * 4
