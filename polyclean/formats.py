"""Reading the record formats of batch runs: plain text, JSONL, CSV, TSV and Parquet.

Each input file is one *unit*.  A reader turns a unit into :class:`Record` objects (one
document or one row each, with its location); :mod:`polyclean.records` turns a
record's payload into the text to clean and the cleaned text into the output record;
:mod:`polyclean.sinks` writes the output records.

- ``text``: the whole file is one document (bytes; the pipeline decodes them).
- ``jsonl``: one JSON object per line; the text is in ``text_field``.  Blank lines are
  not records; other lines that are not a JSON object are bad records.
- ``csv``: RFC 4180, quoted fields may hold newlines, quotes and delimiters
  (``delimiter`` sets the delimiter: ``tab`` reads a *quoted* tab-separated file).
- ``tsv``: tab-separated values as the ``text/tab-separated-values`` convention has
  them: no quoting; a record is a line; a tab, newline, CR or backslash inside the text
  field is written ``\\t``, ``\\n``, ``\\r``, ``\\\\`` (linear TSV) and read back the same way.
- ``parquet``: one record per row, read one record batch at a time through pyarrow.
- ``html``: an HTML page (``.html``, ``.htm``, ``.xhtml``; a ``.xml`` file that is XHTML,
  by :func:`xml_root`, which the plan looks at), one document per file; the
  extraction stage turns it into text (:mod:`polyclean.web`).
- ``warc``: a WARC or WET archive (``.warc``, ``.warc.gz``, ``.warc.wet.gz``), one
  document per HTML response or WET conversion record
  (:class:`polyclean.web.warc.WarcReader`).

Every record is read bounded by ``max_record`` (bytes of a text file or JSONL line,
characters of a CSV/TSV record): a bigger one becomes an error record and the reader
goes on after it, so no input can exhaust memory.  Blank CSV/TSV lines are not
records.  An empty input (0 bytes, a byte order mark alone, JSONL of blank lines) has no
records (``Reader.empty`` is set).  Inputs
ending in ``.gz`` or ``.zst`` (and, read only, ``.bz2``, ``.xz``, ``.lzma``: the
standard library's codecs) are decompressed on the fly.  ``changed()`` says whether
the file was rewritten since it was opened (checked per batch by the runner).

>>> detect_format("crawl/part-0001.jsonl.gz"), detect_format("page.html"), detect_format("a.md")
('jsonl', 'html', 'text')
"""

from __future__ import annotations

import bz2
import codecs
import gzip
import io
import json
import lzma
import os
import re
import sys
import zlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterator

from .config import FORMATS, Config
from .errors import E, InputError, RecordError, UsageError  # noqa: F401  (re-exported)

__all__ = ["FORMATS", "FieldOptions", "Record", "READERS", "detect_format", "open_input"]

_EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".json": "jsonl", ".parquet": "parquet", ".pq": "parquet", ".txt": "text",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".warc": "warc", ".wet": "warc",
}
COMPRESSIONS = {".gz": "gz", ".zst": "zst"}
#: What reading an input (or a report) can raise once it is open: I/O, a compressed stream
#: cut short (EOFError) or damaged, bytes that do not decode.
READ_ERRORS = (OSError, EOFError, ValueError, zlib.error, gzip.BadGzipFile, lzma.LZMAError)
#: Compressions that polyclean reads (the standard library has them) but does not write.
READ_ONLY_COMPRESSIONS = {".bz2": "bz2", ".xz": "xz", ".lzma": "xz"}
#: Compressions known by their names that polyclean does not write.
OTHER_COMPRESSIONS = {".bz2": "bzip2", ".xz": "xz", ".lzma": "lzma", ".lz4": "LZ4",
                      ".br": "Brotli", ".zip": "zip", ".7z": "7-Zip"}
MAX_EXCERPT = 500  # characters of a bad record kept in the errors file


#: Byte order marks: a file holding one and nothing else is an empty input.
_BOMS = frozenset((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE,
                   codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE))


@dataclass(frozen=True)
class FieldOptions:
    """Where the text is, where the results go, and how records are read."""

    text_field: str = "text"
    output_field: str | None = None  # None: replace the text field
    report_field: str | None = None  # None: no report inside the records
    encoding: str | None = None  # codec of JSONL/CSV/TSV bytes (None: UTF-8)
    delimiter: str = ","  # of CSV
    max_record: int = 64 << 20
    id_field: str | None = None  # names the document in reports and errors
    lang_field: str | None = None  # written: the detected language
    status_field: str | None = None  # written: ok, partial or the error
    learn_by: str | None = None  # "host" (of the url field) or a field name

    @property
    def out(self) -> str:
        return self.output_field or self.text_field

    @property
    def written(self) -> tuple[str, ...]:
        """The fields polyclean writes into a record, in order (each once).

        >>> FieldOptions(report_field="r", lang_field="lang", status_field="r").written
        ('text', 'r', 'lang')
        """
        names = (self.out, self.report_field, self.lang_field, self.status_field)
        return tuple(dict.fromkeys(n for n in names if n))

    def check_written(self) -> None:
        """Refuse (:class:`UsageError`) two results written into one field: the one
        written last would replace the other in every record.

        >>> FieldOptions(output_field="clean", lang_field="text").check_written()
        >>> FieldOptions(lang_field="text").check_written()  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        polyclean.errors.UsageError: the cleaned text (--text-field) and --lang-field ...
        """
        text = "--output-field" if self.output_field else "the cleaned text (--text-field)"
        by: dict[str, str] = {}
        for flag, name in ((text, self.out), ("--report-field", self.report_field),
                           ("--lang-field", self.lang_field),
                           ("--status-field", self.status_field)):
            if name and name in by:
                raise UsageError(E.FIELD_CLASH.format(a=by[name], b=flag, name=name))
            if name:
                by[name] = flag

    @property
    def context(self) -> tuple[str, ...]:
        """The fields of a record the workers need besides its text (a Parquet row
        stays in the main process and sends only these): the id field and the field
        that groups documents for learning (``url`` for ``learn_by="host"``).

        >>> FieldOptions(id_field="id", learn_by="host").context
        ('id', 'url')
        """
        by = "url" if self.learn_by == "host" else self.learn_by
        return tuple(dict.fromkeys(n for n in (self.id_field, by) if n))

    @classmethod
    def from_config(cls, cfg: Config) -> "FieldOptions":
        return cls(cfg.text_field, cfg.output_field, cfg.report_field, cfg.encoding,
                   "\t" if cfg.delimiter == "tab" else cfg.delimiter, cfg.max_record_bytes,
                   cfg.id_field, cfg.lang_field, cfg.status_field, cfg.learn_by)


@dataclass(slots=True)
class Record:
    """One record of a unit as the reader saw it.

    ``payload`` goes to a worker; ``error`` is set when the reader already knows the
    record yields no output (``raw`` then holds an excerpt of it, and ``status`` says
    whether it is an ``error`` or was ``skipped`` on purpose, as a non-HTML WARC record
    is); ``keep`` stays in the main process (a Parquet row).
    """

    where: str
    payload: Any
    size: int
    error: str | None = None
    keep: Any = None
    raw: str | None = None
    status: str = "error"


def split_compression(name: str, reading: bool = False) -> tuple[str, str | None]:
    """``name`` without a trailing ``.gz``/``.zst`` (with ``reading``, also
    ``.bz2``/``.xz``/``.lzma``: an input's name), and which one it was.

    >>> split_compression("a.jsonl.gz"), split_compression("b.txt")
    (('a.jsonl', 'gz'), ('b.txt', None))
    >>> split_compression("c.csv.xz", reading=True), split_compression("c.csv.xz")
    (('c.csv', 'xz'), ('c.csv.xz', None))
    """
    stem, ext = os.path.splitext(name)
    kind = COMPRESSIONS.get(ext.lower())
    if kind is None and reading:
        kind = READ_ONLY_COMPRESSIONS.get(ext.lower())
    return (stem, kind) if kind else (name, None)


def written_compression(name: str, flag: str, plain: bool = False) -> str | None:
    """How a file that polyclean writes under ``name`` is compressed (``gz``, ``zst``
    or None); a name that says another compression (or, with ``plain``, any: the
    summary and the HTML page are written as they are) is a :class:`UsageError`
    rather than plain text under a compressed name.

    >>> written_compression("r.jsonl.gz", "--report"), written_compression("o.csv", "-o")
    ('gz', None)
    >>> written_compression("o.csv.bz2", "-o")
    Traceback (most recent call last):
    ...
    polyclean.errors.UsageError: -o o.csv.bz2: polyclean compresses with gzip (.gz) or zstd (.zst), not bzip2; use one of those, or compress the file afterwards
    """
    ext = os.path.splitext(name)[1].lower()
    if ext in OTHER_COMPRESSIONS:
        raise UsageError(E.COMPRESSION_NOT_WRITTEN.format(flag=flag, path=name,
                                                          kind=OTHER_COMPRESSIONS[ext]))
    if plain and ext in COMPRESSIONS:
        raise UsageError(E.WRITTEN_PLAIN.format(flag=flag, path=name, ext=ext))
    return COMPRESSIONS.get(ext)


def strip_warc_lz4(name: str) -> str:
    """``name`` without ``.lz4`` when it names an archive (``.warc.lz4``, ``.wet.lz4``):
    FastWARC reads LZ4 archives, and no other input is read LZ4-compressed.

    >>> strip_warc_lz4("CC-1.warc.lz4"), strip_warc_lz4("a.jsonl.lz4")
    ('CC-1.warc', 'a.jsonl.lz4')
    """
    low = name.lower()
    if low.endswith(".lz4") and low[:-4].endswith((".warc", ".wet")):
        return name[:-4]
    return name


def detect_format(name: str, default: str | None = "text") -> str | None:
    """The format that a file name says (``default`` for anything unknown).

    >>> detect_format("x.CSV"), detect_format("x.tsv.gz"), detect_format("x.parquet")
    ('csv', 'tsv', 'parquet')
    >>> detect_format("x.jsonl.bz2")
    'jsonl'
    >>> detect_format("x.out", None) is None
    True
    >>> detect_format("CC-1.warc.lz4"), detect_format("x.jsonl.lz4")
    ('warc', 'text')
    """
    base = strip_warc_lz4(split_compression(name, reading=True)[0])
    return _EXTENSIONS.get(os.path.splitext(base)[1].lower(), default)


def excerpt(text: str) -> str:
    """A bounded excerpt of a bad record for the errors file.

    >>> len(excerpt("x" * 10_000)), excerpt("short")
    (501, 'short')
    """
    return text if len(text) <= MAX_EXCERPT else text[:MAX_EXCERPT] + "\u2026"


def check_input(path: Path) -> None:
    """Raise :class:`InputError` when ``path`` is missing, a dangling link or a folder."""
    if not os.path.lexists(path):
        raise InputError(E.NO_SUCH_FILE)
    if not path.exists():
        raise InputError(E.DANGLING_LINK)
    if path.is_dir():
        raise InputError(E.IS_A_FOLDER)


def open_input(path: Path | None) -> BinaryIO:
    """A binary stream of the input, decompressed when the name ends in ``.gz``/``.zst``
    (or ``.bz2``/``.xz``/``.lzma``)."""
    if path is None:
        return sys.stdin.buffer
    check_input(path)
    if not os.access(path, os.R_OK):
        raise InputError(E.PERMISSION_DENIED)
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
    kind = split_compression(path.name, reading=True)[1]
    if kind == "gz":
        return _Gzip(fh)
    if kind == "zst":
        return _zstd_reader(fh)
    if kind in ("bz2", "xz"):
        return _Stdlib(bz2.BZ2File if kind == "bz2" else lzma.LZMAFile, fh)
    return fh


class _OwnsRaw:
    """A decompressing stream over ``self._raw`` (the compressed file) that reports how
    far into that file it has read, and closes it."""

    _raw: BinaryIO

    def raw_position(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        try:
            super().close()  # type: ignore[misc]
        finally:
            self._raw.close()


class _Gzip(_OwnsRaw, gzip.GzipFile):
    """A GzipFile that reports how far into the *compressed* file it has read."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw


class _Stdlib(_OwnsRaw, io.BufferedReader):
    """A bzip2 or xz stream (``opener`` is the standard library's file class)."""

    def __init__(self, opener: Callable[..., Any], raw: BinaryIO) -> None:
        super().__init__(opener(raw, "rb"))
        self._raw = raw


def _zstd_reader(raw: BinaryIO) -> BinaryIO:
    try:
        import zstandard
    except ImportError:
        raw.close()
        raise InputError(E.NEEDS_ZSTANDARD) from None
    return _Zstd(_ZstdFrames(raw, zstandard.ZstdDecompressor), raw)


class _ZstdFrames(io.RawIOBase):
    """The decompressed bytes of every zstd frame of ``src``, one after the other.

    Unlike ``zstandard``'s stream reader, a file that ends inside a frame raises
    ``EOFError``, as a cut gzip, bzip2 or xz file does: the reader would otherwise end
    early without a word, and the records after the cut would be lost silently.

    >>> import zstandard
    >>> data = zstandard.ZstdCompressor().compress(b"one\\n" * 1000)
    >>> len(_ZstdFrames(io.BytesIO(data + data), zstandard.ZstdDecompressor).read())
    8000
    >>> _ZstdFrames(io.BytesIO(data[:-4]), zstandard.ZstdDecompressor).read()
    Traceback (most recent call last):
    EOFError: Compressed file ended before the end-of-stream marker was reached
    """

    def __init__(self, src: BinaryIO, decompressor: Callable[[], Any]) -> None:
        self._src, self._new = src, decompressor
        self._d = decompressor().decompressobj()
        self._out = memoryview(b"")
        self._open_frame = False  # bytes of a frame were given and its end not seen yet

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        while not self._out:
            chunk = self._src.read(1 << 14)  # small: what one chunk gives is held at once
            if not chunk:
                if self._open_frame:
                    raise EOFError("Compressed file ended before the end-of-stream marker "
                                   "was reached")
                return 0
            self._out = memoryview(self._feed(chunk))
        n = min(len(b), len(self._out))
        b[:n] = self._out[:n]
        self._out = self._out[n:]
        return n

    def _feed(self, data: bytes) -> bytes:
        out = []
        while data:
            self._open_frame = True
            try:
                out.append(self._d.decompress(data))
            except Exception as exc:  # zstandard.ZstdError: not zstd data, or damaged
                raise OSError(f"the zstd data is damaged ({exc})") from None
            data = b""
            if self._d.eof:  # the frame is whole; what follows starts the next one
                data = self._d.unused_data
                self._d = self._new().decompressobj()
                self._open_frame = False
        return b"".join(out)


class _Zstd(_OwnsRaw, io.BufferedReader):
    """A zstd stream (every frame) that reports how far into the compressed file it has read."""

    def __init__(self, frames: _ZstdFrames, raw: BinaryIO) -> None:
        super().__init__(frames)
        self._raw = raw


def _raw_position(fh: Any) -> int:
    try:
        return fh.raw_position() if hasattr(fh, "raw_position") else fh.tell()
    except (OSError, ValueError):
        return 0


def _ascii_compatible(encoding: str | None) -> bool:
    """Whether lines of this codec can be cut at ``b"\\n"`` before decoding.

    >>> _ascii_compatible(None), _ascii_compatible("cp1251"), _ascii_compatible("utf-16")
    (True, True, False)
    """
    if encoding is None:
        return True
    probe = '\n\r{}":,\t"'
    try:
        return codecs.lookup(encoding).encode(probe)[0] == probe.encode("ascii")
    except (LookupError, UnicodeError):
        return False


def bom_encoding(fh: Any) -> str | None:
    """``utf-16`` or ``utf-32`` when the stream starts with that byte order mark (read
    without consuming it), else None: a UTF-16 CSV, TSV or JSONL file (Excel's
    "Unicode text") is read as such without ``--encoding``.

    >>> bom_encoding(io.BufferedReader(io.BytesIO("t".encode("utf-16"))))
    'utf-16'
    >>> bom_encoding(io.BufferedReader(io.BytesIO(b"\\xff\\xfe\\0\\0t\\0\\0\\0")))
    'utf-32'
    >>> bom_encoding(io.BufferedReader(io.BytesIO(b"\\xef\\xbb\\xbftext"))) is None
    True
    """
    try:
        head = fh.peek(4)[:4]
    except (AttributeError, OSError, ValueError, EOFError):
        return None
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return "utf-32"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    return None


# --- readers (main process) --------------------------------------------------------
class Reader:
    """Reads one unit.  ``open()`` returns the unit's metadata (or raises InputError)."""

    fmt = "text"

    def __init__(self, path: Path | None, opts: FieldOptions) -> None:
        self.path, self.opts = path, opts
        self.fh: Any = None
        self.empty = False
        self.stamp: tuple | None = None

    def open(self) -> Any:
        self.fh = open_input(self.path)
        self.stamp = self._stamp()
        if self.opts.encoding is None and (bom := bom_encoding(self.fh)):
            self.opts = replace(self.opts, encoding=bom)  # a BOM says the codec
        return None

    def records(self) -> Iterator[Record]:
        raise NotImplementedError

    def position(self) -> int:
        """Bytes of the input file consumed so far (for progress)."""
        return _raw_position(self.fh) if self.fh is not None else 0

    def changed(self) -> str | None:
        """How the input changed since it was opened (size, time, file), or None."""
        if self.stamp is None:
            return None
        now = self._stamp()
        if now is None:
            return E.INPUT_VANISHED
        if now != self.stamp:
            return E.INPUT_CHANGED
        return None

    def _stamp(self) -> tuple | None:
        """(size, mtime, inode) of the path, for a regular file; None otherwise."""
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        if not os.path.isfile(self.path):
            return None
        return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_dev)

    def close(self) -> None:
        # stdin (no path) stays open; sys.stdin is not asked, it may be closed (<&-)
        if self.fh is not None and self.path is not None:
            self.fh.close()
        self.fh = None

    def _text_stream(self) -> io.TextIOWrapper:
        """The input as text: a bad byte becomes a lone surrogate (``surrogateescape``),
        which the record it is in reports; a byte order mark is not data."""
        enc = self.opts.encoding or "utf-8"
        if enc.lower().replace("_", "-") in ("utf-8", "utf8"):
            enc = "utf-8-sig"
        return io.TextIOWrapper(self.fh, encoding=enc, errors="surrogateescape", newline="")


class TextReader(Reader):
    """The whole file is one document, read up to ``max_record`` bytes."""

    def records(self) -> Iterator[Record]:
        limit = self.opts.max_record
        data = self.fh.read(limit + 1)
        if len(data) > limit:
            yield Record("", None, len(data),
                         error=E.RECORD_TOO_BIG.format(what="file", limit=limit))
            return
        if not data or data in _BOMS:  # nothing, or a byte order mark and nothing after it
            self.empty = True
            return
        self.looks_html = self.fmt == "text" and looks_html(data)
        yield Record("", data, len(data))


def looks_html(data: bytes) -> bool:
    r"""Whether ``data`` starts as an HTML page does (a doctype or an ``<html>`` tag, after
    a byte order mark, white space and comments).

    >>> looks_html(b"\xef\xbb\xbf\n<!DOCTYPE html><html>"), looks_html(b"<!-- x -->\n<HTML lang=en><head>")
    (True, True)
    >>> looks_html(b"<html> is the root element of a page."), looks_html(b"Use <b> for bold.")
    (False, False)
    """
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    while head.startswith(b"<!--"):
        end = head.find(b"-->")
        if end < 0:
            return False
        head = head[end + 3:].lstrip()
    if head.startswith(b"<!doctype html"):
        return True
    return head.startswith(b"<html") and head[5:6] in (b">", b" ", b"\n", b"\r", b"\t") \
        and (b"<head" in head or b"<body" in head)


_XML_PROLOG = re.compile(rb"""\s*(?:<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^[>]*(?:\[.*?\])?\s*>)""",
                         re.S | re.I)
_XML_ROOT = re.compile(rb"\s*<([A-Za-z_][\w.:-]*)")


def xml_root(data: bytes) -> str | None:
    r"""The name of the root element of the XML document that ``data`` starts (after a
    byte order mark, the XML declaration, comments and a doctype), lower case, or None
    when ``data`` does not start so (plain text).

    >>> xml_root(b'<?xml version="1.0" encoding="koi8-r"?> <!-- x --> <rss version="2.0">')
    'rss'
    >>> xml_root(b'<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x.dtd"> <html xmlns="x">')
    'html'
    >>> xml_root(b"Dear <name>, hello"), xml_root(b"<?xml version='1.0'?>")
    (None, None)
    """
    head = data[:8192]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", "ignore").encode("utf-8", "ignore")
    pos = 3 if head.startswith(codecs.BOM_UTF8) else 0
    while m := _XML_PROLOG.match(head, pos):
        pos = m.end()
    m = _XML_ROOT.match(head, pos)
    return m.group(1).decode("ascii").lower() if m else None


#: What an XML document is, by its root element, for the message that refuses it.
XML_KINDS = {"rss": "an RSS feed", "feed": "an Atom feed", "rdf:rdf": "an RSS 1.0 (RDF) feed",
             "urlset": "a sitemap", "sitemapindex": "a sitemap index"}


def _read_line(readline: Any, limit: int) -> tuple[Any, int]:
    """The next line if it has at most ``limit`` units (else None, the rest of the line
    read and dropped in pieces), and its length; ("", 0) at the end."""
    line = readline(limit + 1)
    if len(line) <= limit or line[-1:] in ("\n", b"\n"):
        return line, len(line)
    size = len(line)
    while True:
        piece = readline(1 << 20)
        size += len(piece)
        if not piece or piece[-1:] in ("\n", b"\n"):
            return None, size


class JsonlReader(Reader):
    """JSON Lines: one object a line.  A file named ``.json`` may instead hold one JSON
    document: an array of objects (each a record, ``item N``) or a single object (one
    record); it is read whole (:meth:`_json_document`)."""

    fmt = "jsonl"

    def records(self) -> Iterator[Record]:
        if self.path is not None and _is_json_name(self.path.name):
            yield from self._json_document()
            return
        if _ascii_compatible(self.opts.encoding):
            readline = self.fh.readline  # bytes, decoded per record by a worker
        else:  # UTF-16/32: cut into lines after decoding
            self.text = self._text_stream()
            readline = self.text.readline
        yield from self._lines(readline)

    def _json_document(self) -> Iterator[Record]:
        """The records of a ``.json`` file: the items of a top-level array, a single
        object, or else its lines (JSON Lines named ``.json``).  Each item is passed on
        as its source text on one line (a JSON string holds no raw line break, so the
        breaks of a pretty-printed item are spaces between its tokens; an item whose
        strings hold raw control characters is written out again)."""
        self.text = self._text_stream()
        text = self.text.read()
        i = _JSON_WS.match(text).end()
        if text[i:i + 1] == "[":
            yield from self._json_items(text, i + 1)
            return
        if text[i:i + 1] == "{":
            try:
                _STRICT.decode(text)
            except ValueError:
                pass  # not one object: JSON Lines (whose errors say which line)
            else:
                yield Record("item 1", _one_line(text[i:].rstrip(), True), len(text))
                return
        yield from self._lines(io.StringIO(text).readline)

    def _json_items(self, text: str, i: int) -> Iterator[Record]:
        """The items of the array opening before ``i``; the whole array is checked
        first, so that a damaged one fails before any of its records is cleaned."""
        spans = []  # (start, end, whether the item is strict JSON)
        i = _JSON_WS.match(text, i).end()
        while text[i:i + 1] != "]" or spans:
            try:
                end, strict = _STRICT.raw_decode(text, i)[1], True
            except ValueError:  # raw control characters in a string, as JSON Lines may hold
                try:
                    end, strict = _LOOSE.raw_decode(text, i)[1], False
                except ValueError as exc:
                    raise ValueError(E.JSON_ARRAY_BAD.format(n=len(spans) + 1,
                                                             why=_json_why(exc))) from None
            spans.append((i, end, strict))
            i = _JSON_WS.match(text, end).end()
            if text[i:i + 1] == ",":
                i = _JSON_WS.match(text, i + 1).end()
            elif text[i:i + 1] == "]":
                if text[i + 1:].strip():  # it said "expected ',' or the closing ']'"
                    raise ValueError(E.JSON_ARRAY_BAD.format(
                        n=len(spans), why="text after the closing ']'"))
                break
            else:
                raise ValueError(E.JSON_ARRAY_BAD.format(
                    n=len(spans), why="expected ',' or the closing ']' after it"))
        if not spans and text[i + 1:].strip():
            raise ValueError(E.JSON_ARRAY_BAD.format(n=1, why="text after the closing ']'"))
        self.empty = not spans
        limit = self.opts.max_record
        for n, (a, b, strict) in enumerate(spans, 1):
            if b - a > limit:
                yield Record(f"item {n}", None, b - a,
                             error=E.RECORD_TOO_BIG.format(what="item", limit=limit))
            else:
                yield Record(f"item {n}", _one_line(text[a:b], strict), b - a)

    def _lines(self, readline: Any) -> Iterator[Record]:
        limit = self.opts.max_record
        n = texts = 0
        while True:
            line, size = _read_line(readline, limit)
            if not size:
                self.empty = texts == 0  # no line with text (0 bytes, a BOM, blank lines)
                return
            n += 1
            if n == 1 and isinstance(line, bytes) and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]  # a UTF-8 byte order mark
            if line is None:
                texts += 1
                yield Record(f"line {n}", None, size,
                             error=E.RECORD_TOO_BIG.format(what="line", limit=limit))
            elif line.strip():
                texts += 1
                yield Record(f"line {n}", line, size)

    def close(self) -> None:
        if getattr(self, "text", None) is not None:
            self.text.detach()
        super().close()


_JSON_WS = re.compile(r"[ \t\n\r\ufeff]*")
_LOOSE = json.JSONDecoder(strict=False)  # what a JSON Lines record may hold
_STRICT = json.JSONDecoder()


def _is_json_name(name: str) -> bool:
    """Whether ``name`` ends in ``.json`` (before a compression suffix).

    >>> _is_json_name("export.JSON.gz"), _is_json_name("a.jsonl")
    (True, False)
    """
    return os.path.splitext(split_compression(name, reading=True)[0])[1].lower() == ".json"


def _one_line(item: str, strict: bool) -> str:
    r"""One JSON value's source text on one line, as JSON Lines needs it; ``strict``:
    whether it parsed as strict JSON, whose strings hold no raw line break.

    >>> _one_line('{\n  "a": 1,\n  "b": "x"\n}', True)
    '{   "a": 1,   "b": "x" }'
    >>> _one_line('{"a": "two\nlines"}', False)  # a raw line break inside a string
    '{"a": "two\\nlines"}'
    """
    if "\n" not in item and "\r" not in item:
        return item
    if not strict:  # raw control characters inside a string: write it out again
        return json.dumps(_LOOSE.decode(item), ensure_ascii=False)
    return item.replace("\r", " ").replace("\n", " ")


def _json_why(exc: ValueError) -> str:
    msg = getattr(exc, "msg", str(exc))
    return f"{msg[:1].lower()}{msg[1:]} (line {getattr(exc, 'lineno', '?')})"


class ParquetReader(Reader):
    fmt = "parquet"
    rows_per_read = 4096

    def open(self) -> Any:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.path is None:
            raise InputError(E.PARQUET_STDIN)
        super().open()
        if self.stamp is not None and self.stamp[0] == 0:
            self.empty = True
            return None
        try:
            self.pf = pq.ParquetFile(self.fh)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(E.NOT_PARQUET.format(why=exc)) from exc
        schema = self.pf.schema_arrow
        o = self.opts
        if o.text_field not in schema.names:
            raise InputError(E.NO_COLUMN.format(field=o.text_field,
                                                columns=", ".join(schema.names)))
        ttype = schema.field(o.text_field).type
        stype = pa.large_string() if pa.types.is_large_string(ttype) else pa.string()
        fields = list(schema)
        for name in o.written:
            if name in schema.names:
                fields[schema.get_field_index(name)] = pa.field(name, stype, nullable=True)
            else:
                fields.append(pa.field(name, stype, nullable=True))
        return pa.schema(fields, metadata=schema.metadata)

    def records(self) -> Iterator[Record]:
        if self.empty:
            return
        n = 0
        name, limit = self.opts.text_field, self.opts.max_record
        context = self.opts.context
        for batch in self.pf.iter_batches(batch_size=self.rows_per_read):
            for row in batch.to_pylist():
                n += 1
                value = row.get(name)
                size = len(value) if isinstance(value, (str, bytes)) else 0
                if value is not None and not isinstance(value, (str, bytes)):
                    yield Record(f"row {n}", None, size, error=E.FIELD_NOT_TEXT.format(
                        field=name, kind=type(value).__name__), keep=row)  # (for its id)
                elif size > limit:
                    yield Record(f"row {n}", None, size,
                                 error=E.RECORD_TOO_BIG.format(what="cell", limit=limit))
                elif context:  # the fields the workers need travel with the text
                    yield Record(f"row {n}", (value, {k: row.get(k) for k in context}),
                                 size, keep=row)
                else:
                    yield Record(f"row {n}", value, size, keep=row)


class HtmlReader(TextReader):
    """An HTML page: the whole file is one document (bytes), which the extraction
    stage decodes by its declared charset and turns into text."""

    fmt = "html"


def _warc_reader(path: Path | None, opts: FieldOptions) -> Reader:
    """A :class:`polyclean.web.warc.WarcReader` (imported here: the web package
    imports this module)."""
    from .web.warc import WarcReader

    return WarcReader(path, opts)


def _undecodable(cells: Any) -> int:
    """The number (from 1) of the first cell holding bytes the reader could not decode
    (kept as lone surrogates by ``surrogateescape``), or 0.

    >>> _undecodable(["id", "text"]), _undecodable(["id", "caf\\udce9"])
    (0, 2)
    """
    for i, cell in enumerate(cells, 1):
        if not cell.isascii():
            try:
                cell.encode("utf-8")
            except UnicodeEncodeError:
                return i
    return 0


from .formats_csv import CsvReader, TsvReader  # noqa: E402  (they build on Reader)

READERS: dict[str, Callable[[Path | None, FieldOptions], Reader]] = {
    "text": TextReader, "jsonl": JsonlReader, "csv": CsvReader, "tsv": TsvReader,
    "parquet": ParquetReader, "html": HtmlReader, "warc": _warc_reader,
}
