"""Defects found by feeding polyclean web inputs and folders as a crawler's user does:
damaged and oversized gzip members in a WARC, gzip bodies without Content-Encoding,
XHTML's XML declaration, ``resource`` records, empty HTTP bodies, Spark's marker files
and ``.xml`` feeds.  Archives are written with warcio's writer (``tests/webarchive.py``)."""

from __future__ import annotations

import gzip
import io
import json
import random
import tracemalloc
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")
pytest.importorskip("fastwarc")
pytest.importorskip("warcio")

from polyclean import cli  # noqa: E402
from polyclean.web import WarcReader  # noqa: E402
from webarchive import RU, Archive  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CHARDET = ROOT.parent / "shared" / "data" / "chardet-legacy-encodings" / "files"
PAGE = (b"<html><body><p>The council met on Tuesday to discuss the new budget for the city "
        b"and its schools.</p></body></html>")


def clean(*args) -> int:
    return cli.main(["clean", *map(str, args), "--no-translate", "-j", "1"])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def read_all(path: Path, **kw):
    reader = WarcReader(path, **kw)
    reader.open()
    try:
        return list(reader.records())
    finally:
        reader.close()


def _two_pages_with_a_first_member_of(path: Path, tail: bytes, damage: bool) -> int:
    """Two HTML responses (a.example, b.example); the first record's gzip member also
    holds ``tail`` after the record (and, with ``damage``, one byte of it flipped).
    Returns where the second record starts."""
    a = Archive()
    a.response("http://a.example/", PAGE, "text/html; charset=utf-8")
    end = len(a.bytes())
    a.response("http://b.example/", PAGE, "text/html; charset=utf-8")
    member = bytearray(gzip.compress(gzip.decompress(a.bytes()[:end]) + tail))
    if damage:
        member[len(member) // 2] ^= 0xFF
    path.write_bytes(bytes(member) + a.bytes()[end:])
    return len(member)


def test_a_member_damaged_after_its_record_is_an_error_record_not_a_traceback(tmp_path, capsys):
    """A record's gzip member damaged after the record's content: the reader raised
    ``zlib.error: ... incorrect data check`` from ``_broken_offset`` (a traceback in
    the library); the command line failed the whole archive ("no output is written
    for this input"), losing both good pages."""
    path = tmp_path / "crawl.warc.gz"
    b_at = _two_pages_with_a_first_member_of(path, random.Random(1).randbytes(200_000), True)
    recs = read_all(path)
    assert [r.payload.url for r in recs if r.error is None] == \
        ["http://a.example/", "http://b.example/"]
    [err] = [r for r in recs if r.error]
    assert err.error.startswith("cannot read the archive after this offset (")
    assert err.error.endswith(f"reading resumes at offset {b_at}")

    out = tmp_path / "out.jsonl"
    assert clean(path, "-o", out, "-q") == 1
    assert [r["url"] for r in read_jsonl(out)] == ["http://a.example/", "http://b.example/"]
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and "crawl.warc.gz:offset 0: cannot read the archive" in lines[0]


def test_a_gzip_bomb_after_a_record_is_not_decompressed_into_memory(tmp_path):
    """64 MB of zeros after a record in its gzip member (64 KB compressed):
    ``_broken_offset`` decompressed a whole 1 MB chunk at once (the 64 MB held in
    memory; 300 MB took the process to 650 MB), and then lost the next record
    ("reading resumes at the end of the archive")."""
    path = tmp_path / "bomb.warc.gz"
    b_at = _two_pages_with_a_first_member_of(path, bytes(64 << 20), False)
    tracemalloc.start()
    try:
        recs = read_all(path, max_record_bytes=1 << 20)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 24 << 20, peak
    assert [r.payload.url for r in recs if r.error is None] == \
        ["http://a.example/", "http://b.example/"]
    [err] = [r for r in recs if r.error]
    assert err.error.endswith(f"reading resumes at offset {b_at}")


def test_a_gzip_body_without_content_encoding_is_decompressed_and_said_so(tmp_path, capsys):
    """A response whose body is gzip data but whose headers name no Content-Encoding
    (a precompressed page served as text/html) failed with "binary data, not text ...
    compressed input is read only from names ending in .gz ...: rename the file", a
    remedy that does not apply to a record of an archive.  Its text is read; the
    report's ``source.body`` says what was done.  Damaged gzip data is named as such."""
    a = Archive()
    a.response("http://gz.example/", gzip.compress(PAGE), "text/html; charset=utf-8")
    a.response("http://bad.example/", gzip.compress(PAGE)[:12] + b"\xff" * 40, "text/html")
    a.response("http://plain.example/", PAGE, "text/html; charset=utf-8")
    path = tmp_path / "crawl.warc.gz"
    path.write_bytes(a.bytes())
    out, rep = tmp_path / "out.jsonl", tmp_path / "report.jsonl"
    assert clean(path, "-o", out, "--report", rep, "-q") == 1
    texts = {r["url"]: r["text"] for r in read_jsonl(out)}
    assert texts["http://gz.example/"] == texts["http://plain.example/"]
    assert texts["http://gz.example/"].startswith("The council met on Tuesday")
    reports = read_jsonl(rep)
    assert reports[0]["source"]["body"] == \
        "gzip data without a Content-Encoding header: decompressed"
    assert "body" not in reports[2]["source"]
    err = capsys.readouterr().err
    assert "rename" not in err
    assert ("crawl.warc.gz:offset %d: the HTTP body is gzip data without a Content-Encoding "
            "header, and it does not decompress (damaged)" % a.starts["http://bad.example/"]) in err


def _chardet(name: str) -> bytes:
    path = CHARDET / name
    if not path.exists():
        pytest.skip(f"shared data not found: {path}")
    return path.read_bytes()


def test_the_charset_of_an_xml_declaration_is_reported_as_such(tmp_path):
    """An XHTML page that declares its charset in ``<?xml ... encoding="windows-1251"?>``
    was reported as ``declared in <meta>: cp1251 = windows-1251`` (and a feed of the
    chardet set as ``<meta>`` too): the reason named a tag the page does not have."""
    from polyclean.web import decode_html

    feed = _chardet("windows-1251-russian/newsru.com.xml")
    assert decode_html(feed).reason == "declared in the XML declaration: windows-1251"
    xhtml = (f'<?xml version="1.0" encoding="windows-1251"?>\n<html xmlns="http://www.w3.org/'
             f'1999/xhtml"><head><title>t</title></head><body><p>{RU}</p></body></html>')
    a = Archive()
    a.response("http://x.example/", xhtml.encode("cp1251"), "application/xhtml+xml")
    meta = xhtml.replace("<head>", '<head><meta charset="windows-1251"/>', 1).replace(
        "windows-1251", "utf-8", 1)  # the XML declaration is wrong, <meta> is right
    a.response("http://y.example/", meta.encode("cp1251"), "application/xhtml+xml")
    path, out, rep = tmp_path / "x.warc.gz", tmp_path / "out.jsonl", tmp_path / "rep.jsonl"
    path.write_bytes(a.bytes())
    assert clean(path, "-o", out, "--report", rep, "-q") == 0
    assert [r["text"] for r in read_jsonl(out)] == [RU, RU]
    reasons = [r["source"]["encoding_reason"] for r in read_jsonl(rep)]
    assert reasons[0] == "declared in the XML declaration: windows-1251"
    assert reasons[1].startswith("the XML declaration declares utf-8 but the bytes are not "
                                 "utf-8 (")
    assert "<meta>" not in reasons[0] and "<meta>" not in reasons[1].split(";")[0]


def _lingua_ru(n: int) -> str:
    path = ROOT.parent / "shared" / "data" / "lingua-language-testdata" / "sentences" / "ru.txt"
    if not path.exists():
        pytest.skip(f"shared data not found: {path}")
    return path.read_text("utf-8").splitlines()[n]


def test_the_charset_of_a_resource_record_is_used(tmp_path):
    """A ``resource`` record (a page archived without its HTTP exchange, as webrecorder
    and ``wget --warc-file`` imports write them) declares its charset in its own
    Content-Type; it was ignored, so a MacCyrillic sentence of the lingua set was read
    by detection as windows-1251 (mojibake), with ``http_charset`` null."""
    sentence = _lingua_ru(1)  # one capital only: detection alone takes it for windows-1251
    page = f"<html><body><p>{sentence}</p></body></html>".encode("mac-cyrillic")
    a = Archive()
    a._write("r", a.w.create_warc_record("http://r.example/", "resource", payload=io.BytesIO(page),
                                         warc_content_type="text/html; charset=x-mac-cyrillic"))
    a.response("http://h.example/", page, "text/html; charset=x-mac-cyrillic")
    path, out, rep = tmp_path / "r.warc.gz", tmp_path / "out.jsonl", tmp_path / "rep.jsonl"
    path.write_bytes(a.bytes())
    assert clean(path, "-o", out, "--report", rep, "-q") == 0
    recs = read_jsonl(out)
    assert [r["text"] for r in recs] == [sentence, sentence]
    assert [r["http_charset"] for r in recs] == ["x-mac-cyrillic", "x-mac-cyrillic"]
    reasons = [r["source"]["encoding_reason"] for r in read_jsonl(rep)]
    assert reasons == ["declared in the record's Content-Type: x-mac-cyrillic",
                       "declared in the HTTP header: x-mac-cyrillic"]


@pytest.mark.parametrize("extract", ["main", "none"])
def test_an_empty_http_200_body_gives_a_warning(tmp_path, capsys, extract):
    """An HTTP 200 response of 0 bytes gave an empty output record and no word (a page
    whose extraction kept nothing is warned of; a page with nothing was not)."""
    a = Archive()
    a.response("http://a.example/", PAGE, "text/html; charset=utf-8")
    a.response("http://e.example/", b"", "text/html; charset=utf-8")
    path, out = tmp_path / "e.warc.gz", tmp_path / "out.jsonl"
    path.write_bytes(a.bytes())
    assert clean(path, "-o", out, "--extract", extract, "--summary") == 0
    assert [r["text"] == "" for r in read_jsonl(out)] == [False, True]
    err = capsys.readouterr().err
    assert (f"e.warc.gz:offset {a.starts['http://e.example/']}: the archived page is "
            "empty (the record's body holds no text, as an HTTP 200 with Content-Length 0 "
            "does); the output is empty") in err
    assert err.count("warning:") == 1 and "1 empty (see the warnings)" in err


def test_spark_job_markers_in_a_folder_are_skipped_like_hidden_files(tmp_path, capsys):
    """A Spark job's output folder (``df.write.json(...)``): its ``_SUCCESS`` marker (0
    bytes) gave an "empty input" warning and an empty ``_SUCCESS`` in the output tree;
    Databricks' ``_committed_<id>``/``_started_<id>`` (JSON of file names) were cleaned
    as text into the tree.  They are skipped as the ``.crc`` files beside the parts
    are, one warning each, unless ``--glob`` asks for names starting with "_"."""
    job = tmp_path / "job"
    job.mkdir()
    line = json.dumps({"id": 1, "text": _lingua_ru(3)}, ensure_ascii=False)
    (job / "part-00000-1a2b.json").write_text(line + "\n", "utf-8")
    (job / ".part-00000-1a2b.json.crc").write_bytes(b"crc\x00\x01")
    (job / "_SUCCESS").write_bytes(b"")
    (job / "_committed_4711").write_text('{"added":["part-00000-1a2b.json"],"removed":[]}')
    (job / "_started_4711").write_text("")
    out = tmp_path / "out"
    assert clean(job, "-o", out) == 0
    assert sorted(p.name for p in out.iterdir()) == ["part-00000-1a2b.jsonl"]
    err = capsys.readouterr().err
    assert "empty input" not in err
    for name in ("_SUCCESS", "_committed_4711", "_started_4711"):
        assert err.count(f"job/{name}: a Spark/Hadoop job marker ({name}), not data; skipped "
                         "(give it by name, or --glob '_*', to clean it)") == 1
    out2 = tmp_path / "out2"
    assert clean(job, "-o", out2, "--glob", "_committed_*", "-q") == 0
    assert sorted(p.name for p in out2.iterdir()) == ["_committed_4711"]


def test_xml_feeds_are_refused_and_xhtml_named_xml_is_read_as_html(tmp_path, capsys):
    """Feeds of the chardet set (``.xml``) were cleaned as text, their tags and all
    (``<description>Инцидент ...</description>`` in the output, no word said).  An RSS or
    Atom feed is refused with one line (the other inputs are cleaned, exit 1), as a PDF
    in a folder is; an XHTML page named ``.xml`` is read as HTML, as ``.xhtml`` is;
    ``--format text`` still cleans a feed as it is."""
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    for name, as_name in [("MacCyrillic/newsru.com.xml", "rss.xml"),
                          ("KOI8-R/janulalife.blogspot.com.xml", "atom.xml"),
                          ("GB2312/_chromium_gb18030_with_no_encoding_specified.html.xml",
                           "page.xml")]:
        (crawl / as_name).write_bytes(_chardet(name))
    (crawl / "note.txt").write_text(_lingua_ru(5) + "\n", "utf-8")
    out = tmp_path / "out"
    assert clean(crawl, "-o", out) == 1
    assert sorted(p.name for p in out.iterdir()) == ["note.txt", "page.txt"]
    page = (out / "page.txt").read_text("utf-8")
    assert "中国" in page and "<" not in page
    err = capsys.readouterr().err
    for name, kind in [("rss.xml", "an RSS feed"), ("atom.xml", "an Atom feed")]:
        assert (f"crawl/{name}: {kind}, not text: cleaned as text, its markup would stay in "
                "the output; extract its text first, or give --format text to clean it as "
                "it is") in err
    assert "page.xml" not in err
    assert clean(crawl / "rss.xml", "--format", "text", "-o", tmp_path / "rss.txt", "-q") == 0
    assert "<description>" in (tmp_path / "rss.txt").read_text("utf-8")
