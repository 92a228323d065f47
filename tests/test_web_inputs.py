"""Web inputs as they come from real crawls.

WARC response records whose HTTP body is stored as it was transferred: chunked,
gzip/deflate/brotli-compressed, or both (archives written by wget, warcprox, pywb or
webrecorder keep the body so).  The page's text must come out as a browser shows it,
without chunk sizes in the words and without a compressed page failing as binary data.
Extraction on the threads of a Dask worker.
"""

from __future__ import annotations

import gzip
import io
import json
import zlib
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")
fastwarc = pytest.importorskip("fastwarc")
pytest.importorskip("warcio")

from warcio.statusandheaders import StatusAndHeaders  # noqa: E402
from warcio.warcwriter import WARCWriter  # noqa: E402

from polyclean import cli  # noqa: E402

PAGE = ("<html><head><title>Council</title></head><body><article><h1>Budget news</h1>"
        "<p>The city council met on Tuesday to discuss the new budget for schools and roads. "
        "Members asked for more money for teachers and for repairs of old buildings.</p>"
        "</article></body></html>")
SENTENCE = "Members asked for more money for teachers and for repairs of old buildings."


def chunked(body: bytes, size: int = 40) -> bytes:
    return b"".join(b"%x\r\n%s\r\n" % (len(body[i:i + size]), body[i:i + size])
                    for i in range(0, len(body), size)) + b"0\r\n\r\n"


def brotli(body: bytes) -> bytes:
    from fastwarc.stream_io import BrotliWriter

    buf = io.BytesIO()
    w = BrotliWriter(buf)
    w.write(body)
    w.close()
    return buf.getvalue()


def write_warc(path: Path, bodies: list[tuple[str, bytes, list[tuple[str, str]]]],
               gz: bool) -> Path:
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=gz)
        for url, body, headers in bodies:
            hh = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")] + headers,
                                  protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                http_headers=hh))
    return path


def clean(*args) -> int:
    return cli.main(["clean", *map(str, args), "--no-translate", "-j", "1", "-q"])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


@pytest.mark.parametrize("gz", [True, False], ids=["warc.gz", "warc"])
def test_transfer_and_content_codings_are_undone(tmp_path, gz):
    page = PAGE.encode()
    gzipped = gzip.compress(page)
    cases = [
        ("http://a.example/chunked", chunked(page), [("Transfer-Encoding", "chunked")]),
        ("http://a.example/gzip", gzipped, [("Content-Encoding", "gzip")]),
        ("http://a.example/deflate", zlib.compress(page), [("Content-Encoding", "deflate")]),
        ("http://a.example/raw-deflate", zlib.compress(page)[2:-4], [("Content-Encoding", "deflate")]),
        ("http://a.example/br", brotli(page), [("Content-Encoding", "br")]),
        ("http://a.example/both", chunked(gzipped), [("Transfer-Encoding", "chunked"),
                                                     ("Content-Encoding", "gzip")]),
        # an archiver that decoded the body but kept the headers: taken as it is
        ("http://a.example/decoded", page, [("Transfer-Encoding", "chunked"),
                                            ("Content-Encoding", "gzip")]),
        ("http://a.example/plain", page, []),
    ]
    name = "crawl.warc.gz" if gz else "crawl.warc"
    archive = write_warc(tmp_path / name, cases, gz)
    out = tmp_path / "out.jsonl"
    assert clean(archive, "-o", out) == 0
    rows = read_jsonl(out)
    assert [r["url"] for r in rows] == [c[0] for c in cases]
    plain = rows[-1]["text"]
    assert SENTENCE in plain
    for row in rows:
        assert row["text"] == plain, row["url"]  # no chunk sizes, no binary-data error


def test_a_body_cut_short_keeps_what_decodes(tmp_path):
    """A WARC-Truncated record (or a dropped connection) cut inside a chunk or inside
    the compressed stream gives the part of the page that arrived."""
    page = PAGE.encode()
    cut_chunked = chunked(page)[:len(page) * 3 // 4]
    cut_gzip = gzip.compress(page)[:-40]
    archive = write_warc(tmp_path / "cut.warc.gz", [
        ("http://a.example/chunked", cut_chunked, [("Transfer-Encoding", "chunked")]),
        ("http://a.example/gzip", cut_gzip, [("Content-Encoding", "gzip")]),
    ], True)
    out = tmp_path / "out.jsonl"
    assert clean(archive, "-o", out) == 0
    rows = read_jsonl(out)
    assert len(rows) == 2
    for row in rows:
        assert "city council met" in row["text"], row
        assert not any(w in row["text"].split() for w in ("28", "0")), row  # no chunk sizes


def test_unknown_coding_and_a_decompression_bomb_are_error_records(tmp_path):
    bomb = gzip.compress(b"<p>" + b"a" * 3_000_000 + b"</p>")
    archive = write_warc(tmp_path / "bad.warc.gz", [
        ("http://a.example/compress", b"\x1f\x9d\x90<p>", [("Content-Encoding", "compress")]),
        ("http://a.example/bomb", bomb, [("Content-Encoding", "gzip")]),
        ("http://a.example/after", PAGE.encode(), []),
    ], True)
    out = tmp_path / "out.jsonl"
    assert clean(archive, "-o", out, "--max-record-bytes", 1_000_000) == 1
    assert [r["url"] for r in read_jsonl(out)] == ["http://a.example/after"]
    errors = read_jsonl(out.with_name(out.name + ".errors.jsonl"))
    assert [e["status"] for e in errors] == ["error", "error"]
    assert "Content-Encoding 'compress'" in errors[0]["error"]
    assert "larger than max_record_bytes" in errors[1]["error"]


# --- extraction on worker threads -----------------------------------------------------------------
@pytest.mark.parametrize("mode", ["main", "all"])
def test_frames_held_by_another_thread_do_not_break_extraction(mode):
    """Dask's worker profiler holds the frames of running tasks from its own thread.
    resiliparse's parsed tree panics when it is freed by a thread other than its own
    (the README's Dask example printed "HTMLTreePy is unsendable, but is being dropped
    on another thread" tracebacks): no frame of the extraction may keep a tree alive."""
    import sys
    import threading

    from polyclean.web.extract import extract

    held, got = [], []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code.co_filename.endswith("extract.py"):
            held.append(frame)  # as a sampling profiler does, from the task's thread

    def task():
        sys.setprofile(watch)
        try:
            got.append(extract(PAGE, mode).text)
        finally:
            sys.setprofile(None)

    problems = []
    hook, sys.unraisablehook = sys.unraisablehook, lambda u: problems.append(u.exc_value)
    try:
        t = threading.Thread(target=task)
        t.start()
        t.join()
        assert SENTENCE in got[0] and held
        try:
            held.clear()  # the frames are dropped here, on the main thread
        except RuntimeError as exc:
            problems.append(exc)
    finally:
        sys.unraisablehook = hook
    assert problems == []
