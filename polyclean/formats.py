"""Record formats of batch cleaning: plain text, JSONL, CSV/TSV and Parquet.

Each input file is one *unit*.  A reader turns a unit into :class:`Record` objects
(one document or one row each, with its location), the worker side turns a record's
payload into the text to clean (:func:`extract`) and the cleaned text back into the
output record (:func:`render`), and a sink writes the output records of a unit.

- ``text``: the whole file is one document (bytes; the pipeline decodes them).
- ``jsonl``: one JSON object per line; the text is in ``text_field``.  Blank lines are
  skipped; other lines that are not a JSON object are bad records.
- ``csv``/``tsv``: a header row, then one record per row (quoted fields may hold
  newlines, quotes and delimiters).  Read in ``encoding`` (default UTF-8); a field with
  undecodable bytes makes its row a bad record.
- ``parquet``: one record per row, read one record batch at a time through pyarrow.

Other fields and columns pass through unchanged; the cleaned text replaces the text
field unless ``output_field`` names another one.  Null text passes through as null.
Outputs are UTF-8.  Inputs ending in ``.gz`` are decompressed on the fly.

>>> detect_format("crawl/part-0001.jsonl.gz"), detect_format("page.html")
('jsonl', 'text')
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Iterator

from .errors import InputError, RecordError  # noqa: F401  (re-exported)

FORMATS = ("text", "jsonl", "csv", "tsv", "parquet")
_EXTENSIONS = {
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".parquet": "parquet", ".pq": "parquet",
}
MAX_RAW = 10_000  # characters of a bad record kept in the errors file


@dataclass(frozen=True)
class FieldOptions:
    """Where the text is and where the results go (the ``--*-field`` flags)."""

    text_field: str = "text"
    output_field: str | None = None  # None: replace the text field
    report_field: str | None = None  # None: no report inside the records
    encoding: str | None = None  # codec of JSONL/CSV bytes (None: UTF-8)

    @property
    def out(self) -> str:
        return self.output_field or self.text_field


@dataclass(slots=True)
class Record:
    """One record of a unit as the reader saw it.

    ``payload`` goes to a worker; ``error`` is set when the reader already knows the
    record is bad; ``keep`` stays in the main process (a Parquet row).
    """

    where: str
    payload: Any
    size: int
    error: str | None = None
    keep: Any = None


def strip_gz(name: str) -> str:
    """``name`` without a trailing ``.gz``.

    >>> strip_gz("a.jsonl.gz"), strip_gz("b.txt")
    ('a.jsonl', 'b.txt')
    """
    return name[:-3] if name.lower().endswith(".gz") else name


def detect_format(name: str) -> str:
    """The format that a file name says (``text`` for anything unknown).

    >>> detect_format("x.CSV"), detect_format("x.tsv.gz"), detect_format("x.parquet")
    ('csv', 'tsv', 'parquet')
    """
    return _EXTENSIONS.get(os.path.splitext(strip_gz(name))[1].lower(), "text")


def open_input(path: Path | None) -> BinaryIO:
    """A binary stream of the input, decompressed when the name ends in ``.gz``."""
    if path is None:
        return sys.stdin.buffer
    if not path.exists():
        raise InputError("no such file or folder")
    if path.is_dir():
        raise InputError("is a folder")
    if not os.access(path, os.R_OK):
        raise InputError("permission denied")
    try:
        fh = open(path, "rb")
    except OSError as exc:
        raise InputError(exc.strerror or str(exc)) from exc
    if path.name.lower().endswith(".gz"):
        return _Gzip(fh)
    return fh


class _Gzip(gzip.GzipFile):
    """A GzipFile that reports how far into the *compressed* file it has read."""

    def __init__(self, raw: BinaryIO) -> None:
        super().__init__(fileobj=raw, mode="rb")
        self._raw = raw

    def raw_position(self) -> int:
        return self._raw.tell()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._raw.close()


def _raw_position(fh: Any) -> int:
    try:
        return fh.raw_position() if isinstance(fh, _Gzip) else fh.tell()
    except (OSError, ValueError):
        return 0


# --- readers (main process) --------------------------------------------------------
class Reader:
    """Reads one unit.  ``open()`` returns the unit's metadata (or raises InputError)."""

    fmt = "text"

    def __init__(self, path: Path | None, opts: FieldOptions) -> None:
        self.path, self.opts = path, opts
        self.fh: Any = None

    def open(self) -> Any:
        return None

    def records(self) -> Iterator[Record]:
        raise NotImplementedError

    def position(self) -> int:
        """Bytes of the input file consumed so far (for progress)."""
        return _raw_position(self.fh) if self.fh is not None else 0

    def close(self) -> None:
        if self.fh is not None and self.fh is not sys.stdin.buffer:
            self.fh.close()
        self.fh = None


class TextReader(Reader):
    """The whole file is one document; read errors make it a bad record."""

    def records(self) -> Iterator[Record]:
        try:
            fh = self.fh = open_input(self.path)
            data = fh.read()
        except InputError as exc:
            yield Record("", None, 0, error=str(exc))
            return
        except (OSError, EOFError, gzip.BadGzipFile) as exc:
            yield Record("", None, 0, error=f"cannot read: {exc}")
            return
        if self.path is not None and not data:
            yield Record("", None, 0, error="file is empty (0 bytes); nothing to clean")
            return
        yield Record("", data, len(data))


class JsonlReader(Reader):
    fmt = "jsonl"

    def open(self) -> Any:
        self.fh = open_input(self.path)
        return None

    def records(self) -> Iterator[Record]:
        for n, line in enumerate(self.fh, 1):
            if n == 1 and line.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte order mark
                line = line[3:]
            if line.strip():
                yield Record(f"line {n}", line, len(line))


class CsvReader(Reader):
    fmt = "csv"
    delimiter = ","

    def open(self) -> Any:
        self.fh = open_input(self.path)
        enc = self.opts.encoding or "utf-8"
        if enc.lower().replace("_", "-") in ("utf-8", "utf8"):
            enc = "utf-8-sig"  # a byte order mark is not part of the first column's name
        self.text = io.TextIOWrapper(self.fh, encoding=enc, errors="surrogateescape",
                                     newline="")
        self.rows = csv.reader(self.text, delimiter=self.delimiter, strict=True)
        try:
            header = next(self.rows)
        except StopIteration:
            raise InputError("no header row (empty file)") from None
        except csv.Error as exc:
            raise InputError(f"header row: {exc}") from exc
        o = self.opts
        bad = _undecodable(header)
        if bad:
            raise InputError(f"header row: undecodable bytes in column {bad} "
                             f"(not {self.opts.encoding or 'utf-8'})")
        if o.text_field not in header:
            raise InputError(f"no column {o.text_field!r} (columns: {', '.join(header)})")
        out_header = list(header)
        for name in (o.out, o.report_field):
            if name and name not in out_header:
                out_header.append(name)
        self.layout = (len(header), header.index(o.text_field), out_header.index(o.out),
                       out_header.index(o.report_field) if o.report_field else -1,
                       len(out_header), self.delimiter)
        return out_header

    def records(self) -> Iterator[Record]:
        n = 0
        while True:
            n += 1
            try:
                row = next(self.rows)
            except StopIteration:
                return
            except csv.Error as exc:  # e.g. an unterminated quote: nothing after it is usable
                yield Record(f"row {n}", None, 0, error=f"CSV syntax: {exc}")
                return
            size = sum(len(f) for f in row) + len(row)
            if len(row) != self.layout[0]:
                yield Record(f"row {n}", None, size,
                             error=f"row has {len(row)} fields, the header has {self.layout[0]}")
                continue
            yield Record(f"row {n}", (row, self.layout), size)

    def close(self) -> None:
        if getattr(self, "text", None) is not None:
            self.text.detach()
        super().close()


class TsvReader(CsvReader):
    fmt = "tsv"
    delimiter = "\t"


class ParquetReader(Reader):
    fmt = "parquet"
    rows_per_read = 4096

    def open(self) -> Any:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.path is None:
            raise InputError("Parquet cannot be read from stdin; give a file")
        self.fh = open_input(self.path)
        try:
            self.pf = pq.ParquetFile(self.fh)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(f"not a readable Parquet file: {exc}") from exc
        schema = self.pf.schema_arrow
        o = self.opts
        if o.text_field not in schema.names:
            raise InputError(f"no column {o.text_field!r} (columns: {', '.join(schema.names)})")
        ttype = schema.field(o.text_field).type
        stype = pa.large_string() if pa.types.is_large_string(ttype) else pa.string()
        fields = list(schema)
        for name in (o.out, o.report_field):
            if not name:
                continue
            if name in schema.names:
                i = schema.get_field_index(name)
                fields[i] = pa.field(name, stype, nullable=True)
            else:
                fields.append(pa.field(name, stype, nullable=True))
        return pa.schema(fields, metadata=schema.metadata)

    def records(self) -> Iterator[Record]:
        n = 0
        field_name = self.opts.text_field
        for batch in self.pf.iter_batches(batch_size=self.rows_per_read):
            for row in batch.to_pylist():
                n += 1
                value = row.get(field_name)
                size = len(value) if isinstance(value, (str, bytes)) else 0
                if value is not None and not isinstance(value, (str, bytes)):
                    yield Record(f"row {n}", None, size,
                                 error=f"column {field_name!r} is {type(value).__name__}, not text")
                    continue
                yield Record(f"row {n}", value, size, keep=row)
        self._rows_done = n

    def position(self) -> int:
        return _raw_position(self.fh) if self.fh is not None else 0


READERS: dict[str, type[Reader]] = {
    "text": TextReader, "jsonl": JsonlReader, "csv": CsvReader, "tsv": TsvReader,
    "parquet": ParquetReader,
}


# --- worker side: payload -> text to clean -> output record --------------------------
def _undecodable(cells: Any) -> int:
    """The number (from 1) of the first CSV cell holding bytes the reader could not
    decode (kept as lone surrogates by ``surrogateescape``), or 0.

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


def extract(fmt: str, payload: Any, opts: FieldOptions) -> tuple[Any, str | bytes | None]:
    """(state for :func:`render`, the document to clean or None for null).

    >>> extract("jsonl", b'{"id": 1, "text": "hi"}\\n', FieldOptions())
    ({'id': 1, 'text': 'hi'}, 'hi')
    >>> extract("jsonl", b'{"id": 1}', FieldOptions())
    Traceback (most recent call last):
    ...
    polyclean.errors.RecordError: no field 'text'
    """
    if fmt == "text":
        return None, payload
    if fmt == "jsonl":
        try:
            line = payload.decode(opts.encoding or "utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(f"undecodable bytes at offset {exc.start} "
                              f"(not {opts.encoding or 'utf-8'})") from None
        try:
            obj = json.loads(line)
        except ValueError as exc:
            raise RecordError(f"invalid JSON: {exc}") from None
        if not isinstance(obj, dict):
            raise RecordError(f"not a JSON object but {type(obj).__name__}")
        if opts.text_field not in obj:
            raise RecordError(f"no field {opts.text_field!r}")
        value = obj[opts.text_field]
        if value is not None and not isinstance(value, str):
            raise RecordError(f"field {opts.text_field!r} is {type(value).__name__}, not text")
        return obj, value
    if fmt in ("csv", "tsv"):
        row, layout = payload
        bad = _undecodable(row)
        if bad:
            raise RecordError(f"undecodable bytes in field {bad} "
                              f"(not {opts.encoding or 'utf-8'})")
        return payload, row[layout[1]]
    if fmt == "parquet":
        return None, payload
    raise ValueError(f"unknown format {fmt!r}")


def to_json(obj: Any) -> str:
    """JSON text that can always be written as UTF-8: non-ASCII characters as they
    are, unless a string holds a lone surrogate (valid in JSON, e.g. ``"\\ud800"``,
    but not in UTF-8): then everything non-ASCII is escaped, losslessly.

    >>> to_json({"a": "caf\\u00e9"}), to_json({"a": "\\ud800"})
    ('{"a": "café"}', '{"a": "\\\\ud800"}')
    """
    text = json.dumps(obj, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj)
    return text


def render(fmt: str, state: Any, cleaned: str | None, report: dict | None,
           opts: FieldOptions) -> Any:
    """The output record: ``str`` (text), ``bytes`` (JSONL, CSV) or a value (Parquet).

    >>> render("jsonl", {"id": 1, "text": "hi "}, "hi", None, FieldOptions())
    b'{"id": 1, "text": "hi"}\\n'
    """
    if fmt == "text":
        return cleaned + "\n" if cleaned else ""
    if fmt == "jsonl":
        state[opts.out] = cleaned
        if opts.report_field:
            state[opts.report_field] = report
        return (to_json(state) + "\n").encode("utf-8")
    if fmt in ("csv", "tsv"):
        row, (_, _, oi, ri, width, delim) = state
        row = row + [""] * (width - len(row))
        row[oi] = "" if cleaned is None else cleaned
        if ri >= 0:
            row[ri] = to_json(report) if report is not None else ""
        buf = io.StringIO()
        csv.writer(buf, delimiter=delim, lineterminator="\n").writerow(row)
        return buf.getvalue().encode("utf-8")
    if fmt == "parquet":
        return (cleaned, to_json(report) if report is not None else None)
    raise ValueError(f"unknown format {fmt!r}")


# --- sinks (main process) ------------------------------------------------------------
def partial_path(final: Path, suffix: str = "partial") -> Path:
    """The hidden work file beside ``final``.

    >>> partial_path(Path("out/a.jsonl")).as_posix()
    'out/.a.jsonl.polyclean-partial'
    """
    return final.with_name(f".{final.name}.polyclean-{suffix}")


def is_special(path: Path) -> bool:
    """True when ``path`` exists and is neither a regular file nor a folder: a device
    such as ``/dev/null``, a FIFO, a socket, ``/dev/stdout`` on a pipe.  Outputs are
    written into such a path in place, never renamed over it (which, as root, would
    replace the device with a regular file).

    >>> is_special(Path("/dev/null")), is_special(Path(__file__)), is_special(Path("/nowhere"))
    (True, False, False)
    """
    try:
        mode = path.stat().st_mode  # follows links
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def real_target(path: Path) -> Path:
    """The file an atomic write replaces: a symbolic link is followed, so the file it
    points at is replaced and the link itself stays.

    >>> real_target(Path("out/a.txt")).as_posix()
    'out/a.txt'
    """
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write through a temporary file in the same folder, then rename (a device or
    FIFO is written in place)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if is_special(path):
        with open(path, "wb") as fh:
            fh.write(raw)
        return
    path = real_target(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.polyclean-tmp-{os.getpid()}")
    try:
        with open(tmp, "wb") as fh:
            fh.write(raw)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


class Sink:
    """Where the output records of one unit go."""

    def write(self, out: Any, keep: Any = None) -> int:  # returns bytes written
        raise NotImplementedError

    def offset(self) -> int:
        """Resume point after :meth:`commit` (bytes or parts)."""
        return 0

    def commit(self) -> None:
        """Make what was written so far durable up to :meth:`offset`."""

    def finalize(self) -> None:
        """The unit is complete: put the output in place."""

    def abort(self) -> None:
        """The unit failed: remove what was written."""

    def close(self) -> None:
        """The run stops: release files but keep them for ``--resume``; never raises."""


class TextFileSink(Sink):
    """One text document to one file, written atomically."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def write(self, out: Any, keep: Any = None) -> int:
        write_atomic(self.path, out)
        return len(out.encode("utf-8"))


class StdoutTextSink(Sink):
    def __init__(self, header: str | None) -> None:
        self.header = header

    def write(self, out: Any, keep: Any = None) -> int:
        if self.header is not None:
            sys.stdout.write(f"==> {self.header} <==\n")
        sys.stdout.write(out)
        sys.stdout.flush()
        return len(out.encode("utf-8"))


class StreamSink(Sink):
    """Bytes appended to a hidden partial file, renamed over ``path`` when complete.

    ``path=None`` writes stdout instead, and a device or FIFO (``/dev/null``) is
    written in place (no partial file, no resume).
    """

    def __init__(self, path: Path | None, header: bytes = b"", resume_at: int | None = None):
        self.direct = path is None or is_special(path)
        self.path = path
        if self.direct:
            self.fh: Any = sys.stdout.buffer if path is None else open(path, "wb")
            self.pos = 0
            self.write(header)
            return
        self.path = path = real_target(path)
        self.partial = partial_path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume_at is not None and self.partial.exists():
            self.fh = open(self.partial, "r+b")
            self.fh.truncate(resume_at)
            self.fh.seek(resume_at)
            self.pos = resume_at
        else:
            self.fh = open(self.partial, "wb")
            self.pos = 0
            self.write(header)

    def write(self, out: Any, keep: Any = None) -> int:
        if out:
            self.fh.write(out)
            self.pos += len(out)
        return len(out)

    def offset(self) -> int:
        return self.pos

    def commit(self) -> None:
        self.fh.flush()

    def finalize(self) -> None:
        self.fh.flush()
        if self.direct:
            if self.path is not None:
                self.fh.close()
            return
        os.fsync(self.fh.fileno())
        self.fh.close()
        os.replace(self.partial, self.path)

    def abort(self) -> None:
        if self.direct:
            self.close()
            return
        self.close()
        self.partial.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop writing, keep what is on disk (for ``--resume``); never raises."""
        try:
            if self.path is None:
                self.fh.flush()
            else:
                self.fh.close()
        except (OSError, ValueError):
            pass


class ParquetSink(Sink):
    """Rows buffered per batch, one part file per commit in a hidden folder, merged
    into row groups of about ``row_group_rows`` rows when the unit is complete."""

    row_group_rows = 65_536

    def __init__(self, path: Path, schema: Any, opts: FieldOptions, resume_at: int | None = None):
        self.special = is_special(path)
        if not self.special:
            path = real_target(path)
        self.path, self.schema, self.opts = path, schema, opts
        self.dir = partial_path(path, "partial.d")
        if resume_at is None or not self.dir.exists():
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir.mkdir(parents=True)
            resume_at = 0
        for part in self.dir.iterdir():  # parts written after the journalled point
            if part.name != "schema" and (not part.name.endswith(".parquet")
                                          or int(part.stem) >= resume_at):
                part.unlink()
        if not (self.dir / "schema").exists():
            import pyarrow.parquet as pq

            pq.write_table(schema.empty_table(), self.dir / "schema.tmp")
            os.replace(self.dir / "schema.tmp", self.dir / "schema")
        self.parts = resume_at
        self.rows: list[dict] = []

    def write(self, out: Any, keep: Any = None) -> int:
        cleaned, report = out
        row = dict(keep)
        row[self.opts.out] = cleaned
        if self.opts.report_field:
            row[self.opts.report_field] = report
        self.rows.append(row)
        return len(cleaned.encode("utf-8")) if cleaned else 0

    def offset(self) -> int:
        return self.parts

    def commit(self) -> None:
        if not self.rows:
            return
        import pyarrow as pa
        import pyarrow.parquet as pq

        table = pa.Table.from_pylist(self.rows, schema=self.schema)
        tmp = self.dir / f"{self.parts:09d}.tmp"
        pq.write_table(table, tmp)
        os.replace(tmp, self.dir / f"{self.parts:09d}.parquet")
        self.parts += 1
        self.rows = []

    def finalize(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        self.commit()
        tmp = partial_path(self.path, "merge")
        with pq.ParquetWriter(tmp, self.schema) as writer:
            pending: list[Any] = []
            count = 0
            for i in range(self.parts):
                t = pq.read_table(self.dir / f"{i:09d}.parquet", schema=self.schema)
                pending.append(t)
                count += t.num_rows
                if count >= self.row_group_rows:
                    writer.write_table(pa.concat_tables(pending), row_group_size=count)
                    pending, count = [], 0
            if pending or self.parts == 0:
                table = pa.concat_tables(pending) if pending else self.schema.empty_table()
                writer.write_table(table, row_group_size=max(count, 1))
        if self.special:  # e.g. /dev/null: copy into it, never rename over it
            with open(tmp, "rb") as src, open(self.path, "wb") as dst:
                shutil.copyfileobj(src, dst)
            tmp.unlink()
        else:
            os.replace(tmp, self.path)
        self.abort()

    def abort(self) -> None:
        # Rename first: a half-deleted parts folder must never be merged again.
        trash = partial_path(self.path, "trash")
        if self.dir.exists():
            shutil.rmtree(trash, ignore_errors=True)
            os.replace(self.dir, trash)
        shutil.rmtree(trash, ignore_errors=True)


def finish_interrupted(path: Path) -> None:
    """Put in place a unit output that a killed run had completed (and journalled as
    complete) but not yet renamed; idempotent."""
    partial = partial_path(path)
    if partial.exists():
        os.replace(partial, path)
    shutil.rmtree(partial_path(path, "trash"), ignore_errors=True)
    partial_path(path, "merge").unlink(missing_ok=True)
    parts = partial_path(path, "partial.d")
    if parts.exists():
        import pyarrow.parquet as pq

        n = sum(1 for p in parts.iterdir() if p.name.endswith(".parquet"))
        if (parts / "schema").exists():
            schema = pq.read_schema(parts / "schema")
            ParquetSink(path, schema, FieldOptions(), resume_at=n).finalize()
        else:
            shutil.rmtree(parts, ignore_errors=True)
