"""WARC and WET archives written in the tests with warcio's writer (nothing downloaded).

Used by ``tests/test_web.py`` (the reader, the stage) and ``tests/test_web_cli.py``
(``polyclean clean`` on archives and HTML files)."""

from __future__ import annotations

import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

RU = "Совет города обсудил новый бюджет. Депутаты попросили больше денег для школ."
UA_PAGE = f"<html><head><title>Новости</title></head><body><p>{RU}</p></body></html>"
BROKEN_URL = "http://e.example/broken"


class Archive:
    """A WARC written record by record, remembering where each record starts."""

    def __init__(self, gz: bool = True) -> None:
        self.buf = io.BytesIO()
        self.w = WARCWriter(self.buf, gzip=gz)
        self.starts: dict[str, int] = {}

    def _write(self, key: str, rec) -> None:
        self.starts[key] = self.buf.tell()
        self.w.write_record(rec)

    def response(self, url: str, body: bytes, ctype: str, status: str = "200 OK") -> None:
        hh = StatusAndHeaders(status, [("Content-Type", ctype),
                                       ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        self._write(url, self.w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                   http_headers=hh))

    def request(self, url: str) -> None:
        hh = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "x")], is_http_request=True)
        self._write("req " + url, self.w.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                            http_headers=hh))

    def conversion(self, url: str, text: str) -> None:
        self._write(url, self.w.create_warc_record(
            url, "conversion", payload=io.BytesIO(text.encode("utf-8")),
            warc_content_type="text/plain"))

    def info(self) -> None:
        self._write("info", self.w.create_warcinfo_record("test.warc.gz", {"software": "test"}))

    def bytes(self) -> bytes:
        return self.buf.getvalue()


def cut_member(data: bytes, start: int, end: int) -> bytes:
    """``data`` with the middle of the record between ``start`` and ``end`` removed."""
    return data[:start + (end - start) // 2] + data[end:]


def web_warc(tmp_path: Path, name: str = "crawl.warc.gz") -> tuple[Path, dict[str, int], int]:
    """An archive with HTML (UTF-8; KOI8-R by the HTTP header; windows-1251 by
    ``<meta>``; XHTML), a request, a PNG, a 404 and a record cut in the middle."""
    a = Archive()
    a.info()
    a.request("http://a.example/")
    a.response("http://a.example/", b"<html><body><p>Hello world, this is page A.</p></body></html>",
               "text/html; charset=utf-8")
    a.response("http://b.example/koi", UA_PAGE.encode("koi8-r"), "text/html; charset=KOI8-R")
    a.response("http://c.example/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "image/png")
    meta_page = f'<html><head><meta charset="windows-1251"></head><body><p>{RU}</p></body></html>'
    a.response("http://d.example/meta", meta_page.encode("cp1251"), "text/html")
    a.response("http://g.example/gone", b"<html><body>Not found</body></html>", "text/html",
               "404 Not Found")
    a.response(BROKEN_URL, b"<html><body><p>" + b"lost " * 2000 + b"</p></body></html>",
               "text/html")
    broken_end = len(a.bytes())
    a.response("http://f.example/after", b"<html><body><p>The record after the broken one.</p></body></html>",
               "application/xhtml+xml")
    data = cut_member(a.bytes(), a.starts[BROKEN_URL], broken_end)
    path = tmp_path / name
    path.write_bytes(data)
    return path, a.starts, len(data)


SITES = {
    "news.example": ("News Example is an independent newspaper founded in 1998 in Leeds.",
                     "Our reporters cover the city council, schools and local sport."),
    "blog.example": ("Posted by a local gardener who writes about vegetables every week.",
                     "Comments are welcome below the recipes and the photographs."),
}
TOPICS = [
    "The council met on Tuesday to discuss the new budget for the city and its schools.",
    "Several members asked for more money for the public libraries of the northern districts.",
    "The mayor said the plan would be ready by spring, after a month of public comment.",
    "Residents can send their views on the proposal until the end of the month by post.",
    "Tomatoes need a warm spot and regular watering once the first fruits have set.",
    "A cold frame lets seedlings harden off before they are planted out in late May.",
    "The bridge over the river will reopen in May after two years of repairs to its piers.",
    "Volunteers cleaned the park on Saturday and planted forty new trees along the path.",
]


def page(host: str, i: int) -> str:
    """An HTML page of ``host``: an article of three sentences between the site's own
    furniture (a header line and a footer line that recur on every page of the site)."""
    head, foot = SITES[host]
    body = "".join(f"<p>{TOPICS[(i + k) % len(TOPICS)]} ({host}, story {i}.)</p>" for k in range(3))
    return (f"<html><head><title>Story {i}</title></head><body><header><p>{head}</p></header>"
            f"<article><h1>Story {i} of {host}</h1>{body}</article><footer><p>{foot}</p></footer>"
            "</body></html>")


def pages_warc(path: Path, n: int, *, extras: bool = True) -> Path:
    """An archive of ``n`` HTML pages from two sites in turn; with ``extras`` a request
    before every page, a PNG every seventh record and one record cut short."""
    a = Archive()
    a.info()
    hosts = list(SITES)
    cut = None
    for i in range(n):
        host = hosts[i % 2]
        url = f"http://{host}/story/{i}"
        if extras:
            a.request(url)
            if i % 7 == 6:
                a.response(url + ".png", b"\x89PNG\r\n\x1a\n" + bytes(300), "image/png")
        if extras and i == n // 2:
            start = len(a.bytes())
            a.response(url + "/broken", page(host, i).encode() * 3, "text/html")
            cut = (start, len(a.bytes()))
        a.response(url, page(host, i).encode("utf-8"), "text/html; charset=utf-8")
    data = a.bytes()
    if cut is not None:
        data = cut_member(data, *cut)
    path.write_bytes(data)
    return path
