"""Common Crawl WARC and WET archives as a stream of documents, through FastWARC.

:class:`WarcReader` has the shape of :class:`polyclean.formats.Reader` (``open()``,
``records()``, ``position()``, ``close()``) and yields
:class:`polyclean.formats.Record` objects, so the batch runner can read an archive
like any other unit:

* an HTML ``response`` record (HTTP status 2xx, ``Content-Type`` text/html or
  application/xhtml+xml, or Common Crawl's ``WARC-Identified-Payload-Type`` when the
  header says nothing), an HTML ``resource`` record, and a WET ``conversion`` record
  become one document each: the record's payload is a
  :class:`~polyclean.web.document.WebRecord` (body bytes, with the HTTP
  ``Transfer-Encoding`` and ``Content-Encoding`` undone by
  :func:`~polyclean.web.payload.http_body`; ``url``,
  ``warc_record_id``, ``date``, HTTP charset) for
  :func:`~polyclean.web.document.record_to_text` on the worker side (HTTP header
  lines may end in a bare LF, which some crawlers write, as well as in CRLF);
* any other response or resource (an image, a PDF, a redirect) is *skipped*: the
  record has ``error`` set to the reason, ``status`` ``"skipped"`` and ``keep`` a
  :class:`Skip` (the reason and the record's fields), and goes to the errors file with
  status ``skipped``;
* ``warcinfo``, ``request``, ``metadata``, ``revisit`` and ``continuation`` records are
  not documents; they are only counted (:attr:`WarcReader.counts`);
* a broken record (a damaged gzip member, a record cut short, headers without a
  ``Content-Length``) is an error record at its byte offset.  Reading goes on at the
  next record that can be read: in a ``.warc.gz`` every record is its own gzip member
  (as the WARC standard recommends and Common Crawl writes them), so the reader looks
  for the next member that starts a WARC record; in an uncompressed archive, for the
  next ``WARC/1.x`` header line.  A record longer than ``max_record_bytes`` is an
  error record and is never read into memory.  A record of any type that ends before
  its ``Content-Length`` is an error (a request or an image too: the archive was cut),
  and so are the first bytes of a gzip member that end a ``.warc.gz`` without giving
  a record.

Memory is bounded by one record (at most ``max_record_bytes``) plus FastWARC's buffer:
the archive is streamed, never read whole.  Offsets (``where`` is ``"offset N"``)
are positions in the file as stored, compressed, as Common Crawl's indexes give them;
in an archive compressed as a whole no position names one record, and ``where`` is
``"record N"``, the record's number in the archive (see :meth:`WarcReader._where`).
A gzip member that holds nothing is no record and no error.
"""

from __future__ import annotations

import os
import re
import sys
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import E, InputError, WebDependencyError, plural
from ..formats import FieldOptions, Reader, Record, check_input, split_compression
from ._deps import need
from .charset import charset_from_content_type
from .document import WebRecord
from .payload import PayloadError, http_body, undeclared_gzip

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
DOCUMENT_TYPES = ("response", "resource", "conversion")
MAX_RECORD_BYTES = 64 * 1024 * 1024
_GZIP_MAGIC = b"\x1f\x8b\x08"
_WARC_MAGIC = b"WARC/1."
_FRAME_MAGICS = (b"\x28\xb5\x2f\xfd", b"\x04\x22\x4d\x18")  # zstd, lz4 frames
_SCAN_CHUNK = 1 << 20


@dataclass(frozen=True)
class Skip:
    """The ``keep`` of a record skipped on purpose (status ``skipped``, not an error):
    why, and the record's fields (``url``, ``warc_record_id``, ...)."""

    reason: str
    fields: dict[str, Any]


def is_skipped(record: Record) -> bool:
    """Whether a reader's record was skipped on purpose (see :class:`Skip`).

    >>> is_skipped(Record("offset 0", None, 0, error="skipped: x", keep=Skip("x", {})))
    True
    """
    return isinstance(record.keep, Skip)


def _media_type(value: str | None) -> str:
    """The media type of a ``Content-Type`` value, lower case, without parameters.

    >>> _media_type("Text/HTML; charset=UTF-8"), _media_type(None)
    ('text/html', '')
    """
    return (value or "").split(";", 1)[0].strip().lower()


def _header(headers: Any, name: str) -> str | None:
    """Every value of the HTTP header ``name`` (any case), joined as one list.

    >>> _header([("content-encoding", "gzip"), ("Content-Encoding", "br")], "Content-Encoding")
    'gzip, br'
    """
    values = [v for k, v in headers if k.lower() == name.lower()]
    return ", ".join(values) if values else None


def _http_charset(rec: Any) -> str | None:
    """The ``charset`` of the record's HTTP ``Content-Type``, parsed as MIME does:
    FastWARC's ``http_charset`` keeps the quotes of ``charset="windows-1251"`` (which
    hid labels such as ``x-mac-cyrillic`` from the WHATWG table) and reads a
    ``charset=`` inside another parameter's quoted value.  Lower case, as FastWARC
    gives it (labels are case-insensitive)."""
    label = charset_from_content_type(rec.http_headers.get("Content-Type"))
    return label.lower() if label else None


def _record_charset(kind: str, headers: Any) -> str | None:
    """The ``charset`` of a ``resource`` record's own ``Content-Type`` (the page is the
    record's block, with no HTTP header around it), lower case as :func:`_http_charset`
    gives it; it was ignored, leaving the page to detection."""
    if kind != "resource":
        return None
    label = charset_from_content_type(headers.get("Content-Type"))
    return label.lower() if label else None


_CONTENT_LENGTH_RE = re.compile(rb"(?im)^content-length:[ \t]*(\d+)[ \t]*\r?$")


def _content_length(head: bytes) -> tuple[int, int] | None:
    r"""(where the block starts, the Content-Length) of the WARC header at the start of
    ``head``, or None when the header is not all there or names no length.

    >>> _content_length(b"WARC/1.0\r\nContent-Length: 12\r\n\r\nbody")
    (32, 12)
    """
    i = head.find(b"\r\n\r\n")
    m = _CONTENT_LENGTH_RE.search(head[:i + 2])
    return (i + 4, int(m.group(1))) if i >= 0 and m else None


def _member_holds_warc(head: bytes) -> bool:
    """Whether the gzip member at the start of ``head`` begins with a WARC record."""
    try:
        return zlib.decompressobj(wbits=31).decompress(head, 16).startswith(_WARC_MAGIC)
    except zlib.error:
        return False


def _past_empty_members(data: bytes, pos: int) -> int:
    """The offset in ``data`` after the whole gzip members at ``pos`` that hold nothing
    once decompressed (``pos`` itself when there are none).

    >>> import gzip; _past_empty_members(gzip.compress(b"") * 2 + gzip.compress(b"x"), 0)
    40
    """
    while data.startswith(_GZIP_MAGIC, pos):
        d = zlib.decompressobj(wbits=31)
        try:
            if d.decompress(data[pos:], 1) or not d.eof:
                break
        except zlib.error:
            break
        pos = len(data) - len(d.unused_data)
    return pos


class _Counted:
    """A stream that cannot seek (stdin from a pipe) with the ``tell()`` FastWARC
    asks for: the bytes read so far.  It keeps the bytes given since the start of the
    record being read (:meth:`forget`), to go on after gzip members of nothing, where
    FastWARC stops as at the end of the archive (:meth:`after_empty_members`)."""

    def __init__(self, raw: Any, pos: int = 0, first: bytes = b"") -> None:
        self.raw, self.pos, self.first = raw, pos, first
        self.kept, self.kept_from = bytearray(), pos

    def read(self, n: int = -1) -> bytes:
        if self.first:
            data, self.first = (self.first[:n], self.first[n:]) if n >= 0 else (self.first, b"")
        else:
            data = self.raw.read(n)
        self.kept += data
        self.pos += len(data)
        return data

    def forget(self, upto: int) -> None:
        """Keep only the bytes from offset ``upto`` on (where the last record starts)."""
        if upto > self.kept_from:
            del self.kept[:upto - self.kept_from]
            self.kept_from = upto

    def after_empty_members(self, last: int | None) -> _Counted | None:
        """The stream from the end of the gzip members of nothing that follow the
        record at offset ``last`` (or, None, that start the bytes kept), or None when
        none follows it."""
        data = bytes(self.kept)
        pos = 0
        if last is not None:
            if not data.startswith(_GZIP_MAGIC, last - self.kept_from):
                return None
            d = zlib.decompressobj(wbits=31)
            rest = data[last - self.kept_from:]
            try:
                while rest and not d.eof:  # a piece at a time: the output is not kept
                    d.decompress(rest, _SCAN_CHUNK)
                    rest = d.unconsumed_tail
            except zlib.error:
                return None
            if not d.eof:
                return None
            pos = len(data) - len(d.unused_data)
        end = _past_empty_members(data, pos)
        if end == pos:
            return None
        return _Counted(self.raw, self.kept_from + end, data[end:] + self.first)

    def tell(self) -> int:
        return self.pos

    @staticmethod
    def seekable() -> bool:
        return False

    @staticmethod
    def readable() -> bool:
        return True

    def close(self) -> None:
        """Stdin stays open, as the readers leave it."""


class WarcReader(Reader):
    """Reads one ``.warc``, ``.warc.gz``, ``.warc.wet.gz`` (... ``.zst``/``.lz4``,
    which FastWARC detects) archive; see the module documentation.

    ``opts`` (:class:`polyclean.formats.FieldOptions`) gives ``max_record`` when
    ``max_record_bytes`` is not given.  After :meth:`records` has run, :attr:`counts`
    holds ``records`` (every record met), ``documents``, ``skipped``, ``errors`` and one
    ``type:NAME`` entry per record type that is not a document; :attr:`empty` is set
    for a file of 0 bytes.
    """

    fmt = "warc"

    def __init__(self, path: Path | None, opts: FieldOptions | None = None, *,
                 max_record_bytes: int | None = None) -> None:
        super().__init__(path, opts if opts is not None else FieldOptions())
        if max_record_bytes is None:
            max_record_bytes = self.opts.max_record if opts is not None else MAX_RECORD_BYTES
        self.max_record_bytes = max_record_bytes
        self.counts: Counter[str] = Counter()
        self._lost = False  # the record just read was cut short (see records)
        self._named = -1  # the last offset that named a record (see _where)
        self._last_where = ""  # the location of the last record met

    # -- the Reader interface ------------------------------------------------------------
    def open(self) -> None:
        """Open the archive (``InputError`` when it cannot be, or when the ``web``
        extra is missing); no metadata."""
        try:
            need("fastwarc.warc", "WARC input")
        except WebDependencyError as exc:
            raise InputError(str(exc)) from None
        if self.path is None:
            self.fh = sys.stdin.buffer
            try:
                self.fh.tell()
            except OSError:  # a pipe: FastWARC's tell() raised "Illegal seek" (a panic)
                self.fh = _Counted(self.fh)
            return None
        path = Path(self.path)
        check_input(path)
        stem, kind = split_compression(path.name, reading=True)
        if kind in ("bz2", "xz"):
            raise InputError(E.WARC_COMPRESSION.format(
                tool="bzip2" if kind == "bz2" else "xz", name=path.name, stem=stem))
        try:
            self.fh = open(path, "rb")
        except PermissionError:
            raise InputError(E.PERMISSION_DENIED) from None
        except OSError as exc:
            raise InputError(exc.strerror or str(exc)) from exc
        self.stamp = self._stamp()
        return None

    def records(self) -> Iterator[Record]:
        if self.fh is None:
            self.open()
        warc = need("fastwarc.warc", "WARC input")
        fh = self.fh
        if self.stamp is not None and self.stamp[0] == 0:
            self.empty = True
            return
        while True:
            start = self._tell()
            it = iter(warc.ArchiveIterator(fh, parse_http=False, record_types=warc.WarcRecordType.any_type))
            offset = start
            read = False  # whether the record at ``offset`` was read whole
            held: Record | None = None  # the last one, given once the next one parses
            try:
                for rec in it:
                    if held is not None:
                        yield held
                        held = None
                    offset, read = rec.stream_pos, False
                    if isinstance(fh, _Counted):
                        fh.forget(offset)
                    self.counts["records"] += 1
                    self._lost = False
                    out = self._record(rec)
                    read = True
                    if self._lost and fh.seekable():
                        # a record cut short: its gzip member may have gone on into the
                        # next ones (a header cut short parses as a record with no
                        # Content-Length), so reading goes on from the next record that
                        # starts cleanly, as after a member that does not decompress
                        nxt = self._resync(offset + 1)
                        if nxt is not None:
                            yield Record(out.where, None, 0, error=E.UNREADABLE_ARCHIVE.format(
                                why=out.error, resync=f"reading resumes at offset {nxt}"))
                            fh.seek(nxt)
                            break
                    if out is not None and (out.error is None or is_skipped(out)):
                        held = out
                    elif out is not None:
                        yield out
                else:
                    if held is not None:
                        yield held
                    if isinstance(fh, _Counted) and (
                            more := fh.after_empty_members(offset if read else None)):
                        self.fh = fh = more  # a pipe: on after gzip members of nothing
                        continue
                    cut = self._cut_tail(offset, read)
                    if cut is not None and (after := self._empty_members(cut[0])) > cut[0]:
                        # gzip members of nothing (``gzip < /dev/null``, an empty
                        # archive concatenated with others) hold no record and lose none
                        if after >= cut[0] + cut[1]:
                            self.empty = not self.counts["records"] and not self.counts["errors"]
                            return
                        fh.seek(after)
                        continue
                    nxt = None if cut is None else self._resync(cut[0] + 1)
                    if nxt is None:
                        if cut is not None:
                            yield self._error(f"offset {cut[0]}",
                                              E.ARCHIVE_CUT.format(size=plural(cut[1], "byte")))
                        self.empty = not self.counts["records"] and not self.counts["errors"]
                        return
                    # a member cut within its first bytes swallowed the members after it
                    yield self._error(f"offset {cut[0]}", E.UNREADABLE_ARCHIVE.format(
                        why="a gzip member cut short", resync=f"reading resumes at offset {nxt}"))
                    fh.seek(nxt)
            except OSError as exc:
                wrong = self._wrong_length(offset, read)
                if wrong is not None:
                    # the record just read does not end where its Content-Length says,
                    # and a record starts cleanly where it does end: that record is the
                    # broken one, not the next
                    nxt, declared, actual = wrong
                    if held is not None:
                        self.counts["skipped" if is_skipped(held) else "documents"] -= 1
                    yield self._error(held.where if held is not None else self._last_where,
                                      E.WRONG_LENGTH.format(declared=declared, actual=actual,
                                                            resync=nxt))
                    fh.seek(nxt)
                    continue
                if held is not None:
                    yield held
                bad = self._broken_offset(offset, read)
                nxt = self._resync(bad + 1)
                where = "the end of the archive" if nxt is None else f"offset {nxt}"
                self.counts["errors"] += 1
                yield Record(f"offset {bad}", None, 0, error=E.UNREADABLE_ARCHIVE.format(
                    why=exc, resync=f"reading resumes at {where}"))
                if nxt is None:
                    return
                fh.seek(nxt)

    def position(self) -> int:
        """Bytes of the archive file consumed so far (for progress)."""
        return self._tell()

    # -- one record ---------------------------------------------------------------------------
    def _record(self, rec: Any) -> Record | None:
        kind = str(rec.record_type)
        headers = rec.headers
        where = self._last_where = self._where(rec.stream_pos)
        if headers.get("Content-Length") is None:  # of any type: a header cut short
            self._lost = True
            return self._error(where, E.MALFORMED_RECORD.format(why="no Content-Length header"))
        # HTTP headers ended by a bare LF (some crawlers write them) are read as well:
        # without quirks mode FastWARC takes the whole block for the status line
        rec.parse_http(quirks_mode=True)
        size = rec.content_length
        if kind not in DOCUMENT_TYPES:
            self.counts[f"type:{kind}"] += 1
            got = self._drain(rec, size)
            return None if got == size else self._cut_short(where, got, size)
        if kind == "response" and rec.is_http and rec.http_headers.status_code is None:
            self._lost = True  # an HTTP status line FastWARC cannot read: a header cut short
            return self._error(where, E.MALFORMED_RECORD.format(why="no HTTP status line"))
        http_type = rec.http_content_type if rec.is_http else None
        fields = {"url": headers.get("WARC-Target-URI"), "warc_record_id": rec.record_id,
                  "date": headers.get("WARC-Date")}
        why = self._not_a_document(rec, kind, http_type)
        if why:
            got = self._drain(rec, size)  # a record cut short is an error, whatever it held
            if got != size:
                return self._cut_short(where, got, size)
            self.counts["skipped"] += 1
            return Record(where, None, size, error=why, keep=Skip(why, fields), status="skipped")
        if size > self.max_record_bytes:
            return self._error(where, E.RECORD_TOO_LARGE.format(size=size, limit=self.max_record_bytes))
        body = rec.reader.read(size + 1)
        if len(body) != size:
            return self._cut_short(where, len(body), size)
        note = None
        if rec.is_http:
            coding = _header(rec.http_headers, "Content-Encoding")
            try:
                body = http_body(body, _header(rec.http_headers, "Transfer-Encoding"),
                                 coding, self.max_record_bytes)
                if kind != "conversion" and (
                        plain := undeclared_gzip(body, coding, self.max_record_bytes)) is not None:
                    body, note = plain, E.UNDECLARED_GZIP
            except PayloadError as exc:
                return self._error(where, str(exc))
        self.counts["documents"] += 1
        payload = WebRecord(
            body, "text" if kind == "conversion" else "html", fields["url"], fields["warc_record_id"],
            fields["date"], _http_charset(rec) if rec.is_http else _record_charset(kind, headers),
            http_type or headers.get("Content-Type"), rec.stream_pos, note,
            "the HTTP header" if rec.is_http else "the record's Content-Type")
        return Record(where, payload, size)

    def _where(self, pos: int) -> str:
        """The location of the record FastWARC places at ``pos``: ``offset N`` when a
        record, its gzip member or its zstd/lz4 frame starts there, else ``record N``
        (its number among the archive's records).  In an archive compressed as a whole
        (``gzip crawl.warc``) FastWARC's positions are where its buffer stood in the
        compressed file, one for many records: as offsets they named several
        documents at once (report ids, ``explain --id``).  From a pipe a position is
        only checked to be past the last one named."""
        if pos > self._named and self._starts_at(pos):
            self._named = pos
            return f"offset {pos}"
        return f"record {self.counts['records']}"

    def _starts_at(self, pos: int) -> bool:
        try:
            head = os.pread(self.fh.fileno(), 4096, pos)
        except (AttributeError, OSError, ValueError):  # a pipe
            return True
        if head.startswith(_GZIP_MAGIC):
            return _member_holds_warc(head)
        return head.startswith(_WARC_MAGIC) or head[:4] in _FRAME_MAGICS or (
            head[1:4] == b"\x2a\x4d\x18" and head[0] & 0xF0 == 0x50)  # zstd skippable frame

    @staticmethod
    def _not_a_document(rec: Any, kind: str, http_type: str | None) -> str | None:
        """Why a response/resource record is not an HTML document (None when it is)."""
        if kind == "conversion":
            return None
        if kind == "response":
            if not rec.is_http:
                return E.NOT_HTML.format(content_type=rec.headers.get("Content-Type") or "no type")
            status = rec.http_headers.status_code
            if not 200 <= status < 300:
                return E.HTTP_STATUS.format(status=status)
            media = _media_type(http_type) or \
                _media_type(rec.headers.get("WARC-Identified-Payload-Type"))
        else:
            media = _media_type(rec.headers.get("Content-Type"))
        if media in HTML_TYPES:
            return None
        return E.NOT_HTML.format(content_type=media or "no Content-Type")

    @staticmethod
    def _drain(rec: Any, size: int) -> int:
        """Read a record's content that is not kept, a chunk at a time: its length."""
        got = 0
        while got <= size:
            chunk = rec.reader.read(min(_SCAN_CHUNK, size + 1 - got))
            if not chunk:
                break
            got += len(chunk)
        return got

    def _cut_short(self, where: str, got: int, size: int) -> Record:
        """The error of a record whose content ends before its Content-Length; the
        reading goes on from the next record that starts cleanly (``_lost``)."""
        self._lost = True
        return self._error(where, E.TRUNCATED_RECORD.format(got=got, size=size))

    def _error(self, where: str, message: str) -> Record:
        self.counts["errors"] += 1
        return Record(where, None, 0, error=message)

    # -- broken archives ----------------------------------------------------------------------
    def _tell(self) -> int:
        try:
            return self.fh.tell() if self.fh is not None else 0
        except (OSError, ValueError):
            return 0

    def _read_at(self, pos: int, n: int) -> bytes:
        self.fh.seek(pos)
        return self.fh.read(n)

    def _gzipped(self, pos: int) -> bool:
        return self._read_at(pos, 3) == _GZIP_MAGIC

    def _broken_offset(self, last: int, last_was_read: bool) -> int:
        """Where the record that could not be read starts: the end of the last record
        that was read (the end of its gzip member), or ``last`` itself when nothing
        was read since the iterator started there, or when that member cannot be
        decompressed to its end (damaged after the record's content, or holding more
        than one record may: see :meth:`_member`), so that reading resumes at the next
        member that starts a record."""
        if not self.fh.seekable() or not last_was_read or self._framed():
            return last
        if not self._gzipped(last):
            nxt = self._find(last + 1, _WARC_MAGIC)
            return nxt if nxt is not None else self._plain_end(last) or last
        member = self._member(last)
        return member[0] if member is not None else last

    def _member(self, pos: int) -> tuple[int, int, bytes] | None:
        """(where it ends, its decompressed size, its first 64 KiB) of the gzip member
        at ``pos``, decompressed a piece at a time (the output is not kept, so a gzip
        bomb costs time, not memory, and no more than ``max_record_bytes``); None when
        it does not decompress (damaged, cut short) or holds more than one record may:
        ``max_record_bytes``, or the record's own ``Content-Length`` when it is larger
        (a skipped video), and 64 KiB of header."""
        d = zlib.decompressobj(wbits=31)
        head = bytearray()
        total = 0
        limit = self.max_record_bytes + (1 << 16)
        while not d.eof:
            chunk = self._read_at(pos, _SCAN_CHUNK)
            if not chunk:
                return None
            pos += len(chunk)
            while chunk and not d.eof:
                try:
                    out = d.decompress(chunk, _SCAN_CHUNK)
                except zlib.error:
                    return None
                total += len(out)
                if len(head) < 1 << 16:
                    head += out[:(1 << 16) - len(head)]
                if total > limit:
                    found = _content_length(bytes(head))
                    if found is None or total > found[0] + found[1] + (1 << 16):
                        return None
                    limit = found[0] + found[1] + (1 << 16)
                chunk = d.unconsumed_tail
        return pos - len(d.unused_data), total, bytes(head)

    def _plain_end(self, pos: int) -> int | None:
        """Where the uncompressed record at ``pos`` ends, by its ``Content-Length``
        (its header, its block and the two line breaks after it), or None."""
        found = _content_length(self._read_at(pos, 1 << 16))
        return pos + found[0] + found[1] + 4 if found else None

    def _cut_tail(self, last: int, last_was_read: bool) -> tuple[int, int] | None:
        """(offset, length) of the bytes after the last record read, when a ``.warc.gz``
        ends with part of a gzip member that gave no record (the archive was cut
        within the member's first bytes), else None.  ``last``: where the last record
        read starts, or where reading started when none was read."""
        if not self.fh.seekable() or not self._gzipped(0):
            return None
        end = self._broken_offset(last, last_was_read)
        if last_was_read and end == last:  # its own member is cut: that record said so
            return None
        size = self.fh.seek(0, os.SEEK_END)
        return (end, size - end) if end < size else None

    def _wrong_length(self, offset: int, read: bool) -> tuple[int, int, int] | None:
        """(where the next record starts, the Content-Length, the content's real length)
        when the record read whole at ``offset`` ends elsewhere than its
        ``Content-Length`` says (its gzip member, or the uncompressed bytes up to the
        next record, hold more or less) and a record starts cleanly where it really
        ends; else None."""
        if not read or not self.fh.seekable():
            return None
        gz = self._gzipped(0)
        head = bytearray()
        if gz:
            member = self._member(offset)
            if member is None:
                return None
            end, total, first = member
            head += first
        else:
            end = self._find(offset + 1, _WARC_MAGIC)
            if end is None:
                return None
            head += self._read_at(offset, min(end - offset, 1 << 16))
            total = end - offset
        found = _content_length(bytes(head))
        if not found or not self._starts_record(end, gz):
            return None
        declared, actual = found[1], total - found[0] - 4
        return (end, declared, actual) if declared != actual else None

    def _empty_members(self, pos: int) -> int:
        """The offset after the whole gzip members that start at ``pos`` and hold
        nothing once decompressed (``pos`` itself when there are none)."""
        while True:
            head = self._read_at(pos, 4096)
            end = _past_empty_members(head, 0)
            if end == 0:
                return pos
            pos += end

    def _find(self, pos: int, magic: bytes) -> int | None:
        """The first offset at or after ``pos`` where ``magic`` starts, or None."""
        while True:
            chunk = self._read_at(pos, _SCAN_CHUNK + len(magic))
            if len(chunk) < len(magic):
                return None
            i = chunk.find(magic)
            if 0 <= i < _SCAN_CHUNK or (i >= 0 and len(chunk) < _SCAN_CHUNK + len(magic)):
                return pos + i
            if len(chunk) <= _SCAN_CHUNK:
                return None
            pos += _SCAN_CHUNK

    def _framed(self) -> bool:
        """Whether the archive is zstd or LZ4 frames (``.warc.zst``, ``.warc.lz4``), whose
        stored bytes hold no record header to go on from: ``WARC/1.`` found in them is
        a literal inside the compressed data (an LZ4 archive cut short gave three
        errors for one break, two of them garbage read as records)."""
        head = self._read_at(0, 4)
        return head in _FRAME_MAGICS or (head[1:4] == b"\x2a\x4d\x18" and head[0] & 0xF0 == 0x50)

    def _resync(self, pos: int) -> int | None:
        """The offset of the next readable record at or after ``pos`` (None: none)."""
        if not self.fh.seekable() or self._framed():
            return None
        gz = self._gzipped(0)
        magic = _GZIP_MAGIC if gz else _WARC_MAGIC
        while True:
            cand = self._find(pos, magic)
            if cand is None:
                return None
            if self._starts_record(cand, gz):
                return cand
            pos = cand + 1

    def _starts_record(self, pos: int, gz: bool) -> bool:
        head = self._read_at(pos, 4096)
        if not gz:
            return pos == 0 or self._read_at(pos - 1, 1) == b"\n"
        return _member_holds_warc(head)


def is_warc(name: str | os.PathLike) -> bool:
    """Whether a file name is a WARC or WET archive.

    >>> is_warc("CC-MAIN-1.warc.gz"), is_warc("x.warc.wet.gz"), is_warc("page.html")
    (True, True, False)
    """
    n = os.fspath(name).lower()
    for ext in (".gz", ".zst", ".lz4", ".bz2", ".xz", ".lzma"):
        if n.endswith(ext):
            n = n[: -len(ext)]
    return n.endswith((".warc", ".wet"))
