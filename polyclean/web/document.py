"""One web document: the bytes of a page (or of a WARC/WET record) to the text to clean.

This is the worker side of HTML and WARC input, in one call per document:

* :func:`html_to_text` -- an HTML page (bytes or text): its charset
  (:func:`polyclean.web.charset.decode_html`), then extraction
  (:func:`polyclean.web.extract.extract`).
* :func:`record_to_text` -- a :class:`WebRecord` from
  :class:`polyclean.web.warc.WarcReader`: an HTML response record goes through
  :func:`html_to_text` with the record's HTTP charset and URL; a WET record's text is
  already extracted (UTF-8 by the WET format, checked by ``decode_bytes``).

The result, :class:`WebText`, has the text that the pipeline cleans (and that the
report replays from), the record's output fields and what decoding and extraction
did.

>>> r = html_to_text(b"<html><body><p>Hello, world.</p></body></html>", "all")
>>> r.text, r.encoding.encoding, r.extracted.dropped_blocks
('Hello, world.', 'ascii', 0)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..decode import Decoded, decode_bytes
from .charset import decode_html
from .extract import Extracted, extract


@dataclass(frozen=True, slots=True)
class WebRecord:
    """A document read from a WARC or WET archive (the payload of a reader's record).

    ``kind`` is ``"html"`` (an HTTP response or resource holding HTML) or ``"text"``
    (a WET conversion record).  ``offset`` is the record's byte offset in the archive
    file as stored (compressed), as Common Crawl's indexes give it.
    """

    body: bytes
    kind: str
    url: str | None = None
    record_id: str | None = None
    date: str | None = None
    http_charset: str | None = None
    content_type: str | None = None
    offset: int = 0
    body_note: str | None = None  # what was done to the body besides its HTTP codings
    #: where ``http_charset`` came from, for the decoding reason: a ``resource``
    #: record's charset is its own ``Content-Type``'s, there is no HTTP header
    charset_from: str = "the HTTP header"

    def fields(self) -> dict[str, Any]:
        """The record's output fields.

        >>> WebRecord(b"", "html", "http://a.example/", "<urn:uuid:1>", "2024-01-01T00:00:00Z", "utf-8").fields()
        {'url': 'http://a.example/', 'warc_record_id': '<urn:uuid:1>', 'date': '2024-01-01T00:00:00Z', 'http_charset': 'utf-8'}
        """
        return {"url": self.url, "warc_record_id": self.record_id, "date": self.date,
                "http_charset": self.http_charset}


@dataclass
class WebText:
    """The text to clean, with the record's fields and what was done to get it."""

    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    encoding: Decoded | None = None
    extracted: Extracted | None = None
    body_note: str | None = None  # the record's ``WebRecord.body_note``

    def summary(self) -> dict[str, Any]:
        """JSON-ready: the fields, the encoding and its reason, the extraction counts.

        >>> html_to_text(b"<p>Hi there.</p>", "all", url="http://x.example/").summary()["url"]
        'http://x.example/'
        """
        d = dict(self.fields)
        if self.body_note:
            d["body"] = self.body_note
        if self.encoding is not None:
            d["encoding"] = self.encoding.encoding
            d["encoding_reason"] = self.encoding.reason
        if self.extracted is not None:
            d["extract"] = self.extracted.summary()
        return d


def html_to_text(page: bytes | str, mode: str = "main", *, http_charset: str | None = None,
                 url: str | None = None, fields: dict[str, Any] | None = None,
                 charset_from: str = "the HTTP header") -> WebText:
    """Decode (bytes) and extract one HTML page; ``mode`` is ``main`` or ``all``.

    Raises ``DecodeError`` (bytes that are not text), ``ExtractError`` (the extractor
    failed) or ``WebDependencyError`` (the ``web`` extra is missing).
    """
    decoded = None
    if isinstance(page, (bytes, bytearray, memoryview)):
        decoded = decode_html(bytes(page), http_charset, header=charset_from)
        page = decoded.text
    ex = extract(page, mode, url=url)
    out = dict(fields) if fields is not None else ({"url": url} if url else {})
    return WebText(ex.text, out, decoded, ex)


def record_to_text(record: WebRecord, mode: str = "main") -> WebText:
    """The text of a :class:`WebRecord` (see the module documentation).

    >>> rec = WebRecord("Plain text of a page.\\n".encode(), "text", "http://a.example/")
    >>> record_to_text(rec).text
    'Plain text of a page.\\n'
    """
    if record.kind == "text":
        dec = decode_bytes(record.body)
        return WebText(dec.text, record.fields(), dec, None)
    web = html_to_text(record.body, mode, http_charset=record.http_charset,
                       url=record.url, fields=record.fields(), charset_from=record.charset_from)
    web.body_note = record.body_note
    return web
