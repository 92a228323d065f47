"""The body of an HTTP response record as a browser saw it.

A WARC ``response`` record keeps the HTTP message as it was transferred (WARC 1.1,
section 6.3), so a page fetched with ``Transfer-Encoding: chunked`` holds the chunk
sizes between its pieces, and one sent with ``Content-Encoding: gzip`` (``deflate``,
``br``, ``zstd``) holds compressed bytes.  Archives written by wget, warcprox, pywb or
webrecorder are like this (Common Crawl stores the decoded payload and renames the
headers ``X-Crawler-...``, which are left alone).  :func:`http_body` undoes the codings
named by the headers, last applied first: the transfer codings, then the content
codings.

Undoing is lenient where it can be and bounded always:

* a body that does not start as its coding says (an archiver that decoded the body and
  kept the header) is taken as it is, as warcio's reader does;
* a body cut short (a ``WARC-Truncated`` record, a dropped connection) gives what
  decodes up to the cut, as a browser shows a page that stopped loading;
* a coding no decoder here knows (``compress``) is an error (:class:`PayloadError`);
* the decoded body is at most ``limit`` bytes (``max_record_bytes``): a larger one (a
  decompression bomb) is an error, and is never held whole in memory.

>>> http_body(b"5\\r\\nHello\\r\\n7\\r\\n, world\\r\\n0\\r\\n\\r\\n", "chunked", None, 100)
b'Hello, world'
>>> import gzip; http_body(gzip.compress(b"<p>Hi</p>"), None, "gzip", 100)
b'<p>Hi</p>'
>>> http_body(b"<p>Hi</p>", "chunked", "gzip", 100)   # decoded already by the archiver
b'<p>Hi</p>'
"""

from __future__ import annotations

import io
import re
import zlib
from typing import Callable

from ..errors import E, InputError
from ._deps import need

_PIECE = 1 << 16
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


class PayloadError(InputError):
    """The HTTP body cannot be decoded as its headers say (an unknown coding) or is
    larger than the limit once decoded."""


def codings(*values: str | None) -> list[str]:
    """The codings named by header values (comma-separated lists), in the order
    they were applied; ``identity`` is no coding.

    >>> codings("gzip, chunked", None, " Identity ")
    ['gzip', 'chunked']
    """
    out = []
    for value in values:
        for c in (value or "").split(","):
            c = c.strip().lower()
            if c and c != "identity":
                out.append(c)
    return out


def _fastwarc_reader(name: str) -> Callable[[bytes, int], bytes | None]:
    def run(data: bytes, limit: int) -> bytes | None:
        stream_io = need("fastwarc.stream_io", "WARC input")
        reader = getattr(stream_io, name)(io.BytesIO(data))
        out = bytearray()
        try:
            while len(out) <= limit:
                piece = reader.read(_PIECE)
                if not piece:
                    break
                out += piece
        except OSError:  # cut short (what decoded so far), or not in this coding (None)
            return bytes(out) if out else None
        return bytes(out)
    return run


def _chunked(data: bytes, limit: int) -> bytes | None:
    """HTTP/1.1 chunked transfer coding (RFC 9112, 7.1), undone up to a cut; None when
    ``data`` does not start with a chunk-size line.  (FastWARC's ``ChunkedReader``
    gives nothing at all for a body cut inside a chunk.)

    >>> _chunked(b"4;ext=1\\r\\nWiki\\r\\n6\\r\\npedia \\r\\nE\\r\\nin \\r\\n\\r\\nchunks.", 100)
    b'Wikipedia in \\r\\n\\r\\nchunks.'
    >>> _chunked(b"5\\r\\nHello\\r\\n7\\r\\n, wo", 100), _chunked(b"<html>", 100)
    (b'Hello, wo', None)
    """
    out = bytearray()
    pos = 0
    while len(out) <= limit:
        eol = data.find(b"\n", pos)
        size = data[pos:eol if eol >= 0 else len(data)].split(b";", 1)[0].strip()
        if not _HEX.fullmatch(size):
            return None if pos == 0 and data else bytes(out)  # not chunked / damaged
        n = int(size, 16)
        if n == 0 or eol < 0:
            break
        out += data[eol + 1:eol + 1 + n]
        pos = eol + 1 + n
        pos += 2 if data[pos:pos + 2] == b"\r\n" else 1
    return bytes(out)


def _zlib(wbits: int) -> Callable[[bytes, int], bytes | None]:
    def run(data: bytes, limit: int) -> bytes | None:
        d = zlib.decompressobj(wbits)
        out = bytearray()
        try:
            for i in range(0, len(data), _PIECE):
                out += d.decompress(data[i:i + _PIECE], limit + 1 - len(out))
                if len(out) > limit or d.eof:
                    break
        except zlib.error:  # damaged (what decoded so far), or not in this coding (None)
            return bytes(out) if out else None
        return bytes(out)
    return run


def _deflate(data: bytes, limit: int) -> bytes | None:
    """``deflate`` is zlib-wrapped by the standard, raw DEFLATE from some servers."""
    out = _zlib(15)(data, limit)
    return out if out is not None else _zlib(-15)(data, limit)


#: The first bytes of a body in a coding (a body that starts so and gives nothing is
#: damaged, not decoded already by the archiver).
_MAGIC = {"gzip": b"\x1f\x8b", "x-gzip": b"\x1f\x8b", "zstd": b"\x28\xb5\x2f\xfd"}

#: Each decoder gives the decoded bytes (at most ``limit + 1`` of them; what decoded
#: before a cut), or None when ``data`` does not start in its coding.
DECODERS: dict[str, Callable[[bytes, int], bytes | None]] = {
    "chunked": _chunked,
    "gzip": _zlib(31), "x-gzip": _zlib(31),
    "deflate": _deflate,
    "br": _fastwarc_reader("BrotliReader"),
    "zstd": _fastwarc_reader("ZstdReader"),
}


def undeclared_gzip(body: bytes, content_encoding: str | None, limit: int) -> bytes | None:
    """``body`` decompressed when it is gzip data that no ``Content-Encoding`` names (a
    server that sends a precompressed ``page.html.gz`` as ``text/html``, a crawler that
    dropped the header), else None; raises :class:`PayloadError` when it starts as gzip
    data but does not decompress, or is larger than ``limit`` decompressed.  An HTML
    record's body is never a gzip file a user would want as such, and its text is what
    a cleaner is for: taking the bytes as text gave "binary data, not text ...: rename
    the file", a remedy that does not apply to a record.

    >>> import gzip; undeclared_gzip(gzip.compress(b"<p>Hi</p>"), None, 100)
    b'<p>Hi</p>'
    >>> undeclared_gzip(b"<p>Hi</p>", None, 100) is None
    True
    """
    if "gzip" in codings(content_encoding) or "x-gzip" in codings(content_encoding) \
            or not body.startswith(b"\x1f\x8b\x08"):
        return None
    decoded = _zlib(31)(body, limit)
    if decoded is None:
        raise PayloadError(E.UNDECLARED_GZIP_DAMAGED)
    if len(decoded) > limit:
        raise PayloadError(E.PAYLOAD_TOO_LARGE.format(limit=limit))
    return decoded


def http_body(body: bytes, transfer_encoding: str | None, content_encoding: str | None,
              limit: int) -> bytes:
    """``body`` with the codings of its ``Transfer-Encoding`` and ``Content-Encoding``
    headers undone (see the module documentation); raises :class:`PayloadError`.

    >>> http_body(b"\\x1f\\x8b\\x08\\x00garbage-not-gzip", None, "gzip", 100)
    Traceback (most recent call last):
    ...
    polyclean.web.payload.PayloadError: cannot undo Content-Encoding 'gzip': the body starts as such data but does not decompress (damaged)
    >>> http_body(zlib.compress(b"x" * 1000), None, "deflate", 100)
    Traceback (most recent call last):
    ...
    polyclean.web.payload.PayloadError: decoded HTTP body is larger than max_record_bytes (100)
    """
    steps = [("Transfer-Encoding", c) for c in codings(transfer_encoding)]
    steps = [("Content-Encoding", c) for c in codings(content_encoding)] + steps
    for header, coding in reversed(steps):
        decode = DECODERS.get(coding)
        if decode is None:
            raise PayloadError(E.PAYLOAD_CODING.format(header=header, coding=coding,
                                                       why="no decoder for it"))
        decoded = decode(body, limit)
        if decoded is None:
            if body.startswith(_MAGIC.get(coding, b"\0\0\0\0\0")):  # not decoded already: damaged
                raise PayloadError(E.PAYLOAD_CODING.format(
                    header=header, coding=coding, why="the body starts as such data but does "
                    "not decompress (damaged)"))
            continue
        if len(decoded) > limit:
            raise PayloadError(E.PAYLOAD_TOO_LARGE.format(limit=limit))
        body = decoded
    return body
