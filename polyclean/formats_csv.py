"""CSV and TSV readers (see :mod:`polyclean.formats` for the formats' rules): records
cut at line ends outside quotes by :func:`csv_state`, each parsed by the csv module
(CSV) or split at tabs with the linear-TSV escapes (TSV), bounded by ``max_record``."""

from __future__ import annotations

import csv
import io
import re
from typing import Any, Iterator

from .errors import E, InputError
from .formats import Reader, Record, _read_line, _undecodable, excerpt

# CSV record boundaries, as Python's csv module (doublequote, strict) finds them.
_START, _FIELD, _QUOTED = 0, 1, 2
_CLOSE_QUOTE = re.compile(r'[^"]*(?:""[^"]*)*"(?!")')


def csv_state(chunk: str, state: int, delimiter: str) -> int:
    """The parser state after ``chunk`` (at most one line): field start, inside an
    unquoted field or inside a quoted one.  A record ends at a line end outside quotes.

    >>> csv_state('1,"a\\n', _START, ","), csv_state('b""c",2\\n', _QUOTED, ",")
    (2, 0)
    >>> csv_state('x"y,"z"\\n', _START, ","), csv_state('x,"y', _START, ",")
    (0, 2)
    """
    if '"' not in chunk:  # the common lines: no quote changes the state
        if state == _QUOTED:
            return _QUOTED
        if chunk[-1:] in ("\n", "\r"):
            return _START
        return _START if chunk.endswith(delimiter) else _FIELD
    i, n = 0, len(chunk)
    while i < n:
        if state == _QUOTED:
            m = _CLOSE_QUOTE.match(chunk, i)
            if m is None:
                return _QUOTED
            i, state = m.end(), _FIELD
        elif state == _START and chunk[i] == '"':
            i, state = i + 1, _QUOTED
        else:
            j = chunk.find(delimiter, i)
            if j < 0:
                state = _FIELD
                break
            i, state = j + 1, _START
    if chunk[-1:] in ("\n", "\r") and state != _QUOTED:
        return _START
    return state


class CsvReader(Reader):
    """Quoted CSV: records cut by :func:`csv_state`, each parsed by the csv module."""

    fmt = "csv"

    def open(self) -> Any:
        super().open()
        self.text = self._text_stream()
        csv.field_size_limit(max(csv.field_size_limit(), self.opts.max_record + 1))
        self.header: list[str] | None = None
        self._gen = self._records()
        first = next(self._gen, None)
        if first is None:
            self.empty = True
            return None
        n, text, size = first
        if text is None:
            raise InputError(E.RECORD_TOO_BIG.format(what="header row", limit=self.opts.max_record))
        try:
            header = self._parse(text)
        except csv.Error as exc:
            raise InputError(E.HEADER_SYNTAX.format(why=exc)) from exc
        return self._layout(header)

    def _parse(self, text: str) -> list[str]:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=self.opts.delimiter,
                               strict=True))
        if len(rows) != 1:
            raise csv.Error(f"{len(rows)} rows in one record")
        return rows[0]

    def _layout(self, header: list[str]) -> list[str]:
        o = self.opts
        bad = _undecodable(header)
        if bad:
            raise InputError(E.HEADER_UNDECODABLE.format(column=bad, codec=o.encoding or "utf-8"))
        if o.text_field not in header:
            raise InputError(E.NO_COLUMN.format(field=o.text_field, columns=", ".join(header)))
        for name, how in ((o.text_field, "holds the text to clean"),
                          *((n, "takes a field polyclean writes") for n in o.written)):
            if header.count(name) > 1:  # which one? the first was used, without a word
                raise InputError(E.HEADER_FIELD_REPEATS.format(column=name, how=how,
                                                               n=header.count(name)))
        self.header = header
        out_header = list(header)
        for name in o.written:
            if name not in out_header:
                out_header.append(name)

        def at(name: str | None) -> int:
            return out_header.index(name) if name else -1

        # (input width, text column, output column, report column, output width,
        #  format, delimiter, header, language column, status column)
        self.layout = (len(header), header.index(o.text_field), at(o.out),
                       at(o.report_field), len(out_header), self.fmt, o.delimiter,
                       tuple(header), at(o.lang_field), at(o.status_field))
        return out_header

    def _records(self) -> Iterator[tuple[int, str | None, int]]:
        """(number, text or None when over ``max_record``, size) of each non-blank record."""
        readline, limit, delim = self.text.readline, self.opts.max_record, self.opts.delimiter
        n = 0
        parts: list[str] | None = []
        size, state = 0, _START
        while True:
            chunk = readline(limit + 1)
            while len(chunk) > limit and chunk.endswith('"'):  # never cut inside '""'
                more = readline(1)
                if not more:
                    break
                chunk += more
            if not chunk:
                if size and (parts is None or "".join(parts).strip("\r\n")):
                    n += 1
                    yield n, None if parts is None else "".join(parts), size
                return
            state = csv_state(chunk, state, delim)
            size += len(chunk)
            if parts is not None:
                parts.append(chunk)
                if size > limit:
                    parts = None
            if state == _START and chunk[-1:] in ("\n", "\r"):
                if parts is None or "".join(parts).strip("\r\n"):
                    n += 1
                    yield n, None if parts is None else "".join(parts), size
                parts, size = [], 0

    def records(self) -> Iterator[Record]:
        if self.header is None:
            return
        width, limit = self.layout[0], self.opts.max_record
        for n, text, size in self._gen:
            where = f"row {n - 1}"
            if text is None:
                yield Record(where, None, size,
                             error=E.RECORD_TOO_BIG.format(what="record", limit=limit))
                continue
            try:
                row = self._parse(text)
            except csv.Error as exc:
                yield Record(where, None, size, error=E.CSV_SYNTAX.format(why=exc),
                             raw=excerpt(text))
                continue
            if len(row) != width:
                yield Record(where, None, size, raw=excerpt(text),
                             error=E.FIELD_COUNT.format(n=len(row), width=width,
                                                        s="" if len(row) == 1 else "s"))
                continue
            yield Record(where, (row, self.layout), size)

    def close(self) -> None:
        if getattr(self, "text", None) is not None:
            self.text.detach()
            self.text = None
        super().close()


class TsvReader(CsvReader):
    """Tab-separated values without quoting: a record is a line, split at tabs."""

    fmt = "tsv"

    def _parse(self, text: str) -> list[str]:
        if text.endswith("\n"):
            text = text[:-2] if text.endswith("\r\n") else text[:-1]
        elif text.endswith("\r"):
            text = text[:-1]
        return text.split("\t")

    def _records(self) -> Iterator[tuple[int, str | None, int]]:
        n = 0
        while True:
            line, size = _read_line(self.text.readline, self.opts.max_record)
            if not size:
                return
            if line is None or line.strip("\r\n"):
                n += 1
                yield n, line, size


