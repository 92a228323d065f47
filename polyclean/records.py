"""Worker side of a batch run: a record's payload -> the text to clean -> the output record.

:func:`extract` gives the text of a record and the state :func:`render` needs to
build the output record in the output format (a :class:`Route` says which):

- JSONL to JSONL is *spliced*: the line is kept as it came (spacing, escapes, key
  order, duplicate keys, numbers such as ``1e400`` or ``12345678901234567890.5``) and
  only the value of the text field (and the output and report fields) is replaced.  A
  line with ``NaN``/``Infinity`` (not JSON) is a bad record.
- TSV to TSV keeps every other field exactly; CSV to CSV keeps every value (quoting as
  the csv module writes it).
- Conversions: to CSV/TSV, nested JSON values are written as JSON text; to Parquet the
  columns are the union of the keys (nulls where a key is missing), JSON numbers are
  Parquet numbers and nested values JSON text; a text file becomes a record
  ``{"path": ..., "text": ...}``; to text, each record's cleaned text is one document.
- Web inputs: an HTML file is one document, like a text file (its bytes go to the
  extraction stage); a WARC/WET record's payload is a
  :class:`~polyclean.web.document.WebRecord`, and its output record is ``url``,
  ``warc_record_id``, ``date``, ``http_charset`` and the text.
- Besides the text (and report), a record can get the fields ``extra`` names: the
  document's language (``lang_field``) and status (``status_field``).

What :func:`render` returns depends on the output: ``str`` (text), ``bytes`` (JSONL, or
CSV/TSV with the header known in advance), a list of ``(column, cell)`` pairs (CSV/TSV
whose columns are found while writing), a ``dict`` (a Parquet row).  A Parquet input
is rendered in the main process (:func:`render_row`), which keeps its rows.
"""

from __future__ import annotations

import csv
import datetime
import decimal
import io
import json
import math
import re
import uuid
from dataclasses import dataclass
from json.decoder import scanstring
from typing import Any

from .errors import E, RecordError
from .formats import FORMATS, FieldOptions, _undecodable


@dataclass(frozen=True)
class Route:
    """How the records of one unit travel: input format, output format, the value of
    the ``path`` field (text inputs converted to records) and whether CSV/TSV rows are
    encoded by the worker (the header is known: one CSV/TSV input per output)."""

    fmt: str
    out_fmt: str
    path: str | None = None
    encoded: bool = False


# --- JSON: keep the line, splice the values ----------------------------------------------
def _no_constant(name: str) -> Any:
    raise ValueError(E.JSON_CONSTANT.format(name=name))


_DECODER = json.JSONDecoder(parse_constant=_no_constant, strict=False)
_WS = re.compile(r"[ \t\n\r]*")
_COLON = re.compile(r"[ \t\n\r]*:[ \t\n\r]*")
_SEP = re.compile(r"[ \t\n\r]*([,}])[ \t\n\r]*")


def _syntax(msg: str, line: str, pos: int) -> RecordError:
    return RecordError(E.INVALID_JSON.format(why=json.JSONDecodeError(msg, line, pos)))


def json_kind(value: Any) -> str:
    """What a JSON value is, in JSON's words (a message says ``null``, not ``NoneType``).

    >>> [json_kind(v) for v in (None, True, 1, 2.5, "x", [1], {})]
    ['null', 'true', 'a number', 'a number', 'a string', 'an array', 'an object']
    """
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, (int, float)):
        return "a number"
    return {str: "a string", list: "an array", dict: "an object"}.get(type(value),
                                                                   type(value).__name__)


def scan_object(line: str) -> list[tuple[str, int, int, Any]]:
    """``(key, start, end, value)`` of each member of the JSON object on ``line``, with
    the offsets of the value's source text (so untouched values are kept as they came).

    >>> [(k, s, e, v) for k, s, e, v in scan_object('{"a": 1E5, "b" : [1, "x"]}')]
    [('a', 6, 9, 100000.0), ('b', 17, 25, [1, 'x'])]
    >>> scan_object('{"a": NaN}')
    Traceback (most recent call last):
    ...
    polyclean.errors.RecordError: invalid JSON: NaN is not valid JSON (write null or a string)
    >>> scan_object('{"a": 1}\\r{"a": 2}\\r')
    Traceback (most recent call last):
    ...
    polyclean.errors.RecordError: records separated by a carriage return alone (\\r): JSON Lines ends each record with a line feed (\\n); convert the file first (tr '\\r' '\\n' < IN > OUT)
    >>> scan_object('[1, 2]')
    Traceback (most recent call last):
    ...
    polyclean.errors.RecordError: not a JSON object but an array
    """
    i = _WS.match(line).end()
    try:
        if line[i:i + 1] != "{":
            value = _DECODER.decode(line)
            raise RecordError(E.NOT_AN_OBJECT.format(kind=json_kind(value)))
        members: list[tuple[str, int, int, Any]] = []
        i = _WS.match(line, i + 1).end()
        if line[i:i + 1] == "}":
            i += 1
        else:
            while True:
                if line[i:i + 1] != '"':
                    raise _syntax("Expecting property name enclosed in double quotes", line, i)
                key, i = scanstring(line, i + 1, False)
                m = _COLON.match(line, i)
                if m is None:
                    raise _syntax("Expecting ':' delimiter", line, _WS.match(line, i).end())
                value, end = _DECODER.raw_decode(line, m.end())
                members.append((key, m.end(), end, value))
                m = _SEP.match(line, end)
                if m is None:
                    raise _syntax("Expecting ',' delimiter", line, _WS.match(line, end).end())
                i = m.end()
                if m.group(1) == "}":
                    break
    except RecordError:
        raise
    except ValueError as exc:  # JSONDecodeError, or a NaN/Infinity constant
        raise RecordError(E.INVALID_JSON.format(why=exc)) from None
    after = _WS.match(line, i).end()
    if after != len(line):
        before = line[:after]  # the blank run before the extra data (_SEP took part of it)
        if "\r" in before[len(before.rstrip(" \t\n\r")):] and line[after:after + 1] == "{":
            raise RecordError(E.JSONL_CR_ONLY)
        raise _syntax("Extra data", line, i)
    return members


def splice(line: str, members: list[tuple[str, int, int, Any]], edits: dict[str, str]) -> str:
    """``line`` with the JSON text ``edits[key]`` as the value of ``key`` (its last
    occurrence), or a new member added at the end.

    >>> line = '{"id": 12345678901234567890.5, "text": "a  b"}'
    >>> splice(line, scan_object(line), {"text": '"a b"', "n": "1"})
    '{"id": 12345678901234567890.5, "text": "a b", "n": 1}'
    """
    last = {key: (start, end) for key, start, end, _ in members}
    spans = sorted((last[k] + (v,)) for k, v in edits.items() if k in last)
    out, pos = [], 0
    for start, end, text in spans:
        out += [line[pos:start], text]
        pos = end
    added = [f"{json.dumps(k, ensure_ascii=False)}: {v}" for k, v in edits.items()
             if k not in last]
    if added:
        close = members[-1][2] if members else line.index("{") + 1
        out.append(line[pos:close])
        out.append((", " if members else "") + ", ".join(added))
        pos = close
    out.append(line[pos:])
    return "".join(out)


def to_json(obj: Any) -> str:
    """JSON text that can always be written as UTF-8: non-ASCII characters as they
    are, unless a string holds a lone surrogate (valid in JSON, e.g. ``"\\ud800"``,
    but not in UTF-8): then everything non-ASCII is escaped, losslessly.  Values JSON
    lacks (dates, decimals, UUIDs, bytes from Parquet) are written as text; a float that is
    NaN or infinite (a Parquet cell) is null, as JSON has no such number.

    >>> to_json({"a": "caf\\u00e9"}), to_json({"a": "\\ud800"})
    ('{"a": "café"}', '{"a": "\\\\ud800"}')
    >>> to_json({"a": float("nan"), "b": [float("-inf"), 1.5]})
    '{"a": null, "b": [null, 1.5]}'
    """
    try:
        text = json.dumps(obj, ensure_ascii=False, default=_plain, allow_nan=False)
    except ValueError:  # NaN or an infinity: not JSON (polyclean refuses it as input)
        obj = _finite(obj)
        text = json.dumps(obj, ensure_ascii=False, default=_plain)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(obj, default=_plain)
    return text


def _finite(value: Any) -> Any:
    """``value`` with every NaN or infinite float (at any depth) replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, bytes):  # text when it is UTF-8; never replacement characters
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            raise RecordError(E.NESTED_BYTES_NOT_TEXT.format(n=len(value))) from None
    if isinstance(value, (decimal.Decimal, datetime.timedelta, uuid.UUID)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


# --- TSV (linear: \t \n \r \\ escaped) ------------------------------------------------------
_TSV_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}
_TSV_ESCAPE_RE = re.compile(r"[\\\t\n\r]")
_TSV_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}
_TSV_UNESCAPE_RE = re.compile(r"\\([\\tnr])")


def tsv_escape(text: str) -> str:
    r"""A field as linear TSV writes it.

    >>> tsv_escape("a\tb\nc\\d")
    'a\\tb\\nc\\\\d'
    """
    return _TSV_ESCAPE_RE.sub(lambda m: _TSV_ESCAPES[m.group()], text)


def tsv_unescape(text: str) -> str:
    r"""A linear TSV field as text (other backslashes stay).

    >>> tsv_unescape(r"a\tb\nc\\d\x") == "a\tb\nc\\d\\x"
    True
    """
    return _TSV_UNESCAPE_RE.sub(lambda m: _TSV_UNESCAPES[m.group(1)], text) if "\\" in text \
        else text


def table_line(cells: list[str], fmt: str, delimiter: str = ",", raw: bool = False) -> str:
    """One CSV or TSV line; TSV cells are escaped unless ``raw`` (they came from TSV).

    >>> table_line(["1", 'a "b", c'], "csv"), table_line(["1", "a\\tb"], "tsv")
    ('1,"a ""b"", c"\\n', '1\\ta\\\\tb\\n')
    """
    if fmt == "tsv":
        return "\t".join(cells if raw else map(tsv_escape, cells)) + "\n"
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator="\n").writerow(cells)
    return buf.getvalue()


def text_out(cleaned: str | None) -> str:
    """A document as text output: it ends with one line break, added only when the text
    does not end with one already (a text kept whole by ``--no-normalize`` keeps its
    own ending rather than gaining a blank line); an empty document writes nothing.

    >>> text_out("hi"), text_out("hi\\n"), text_out("hi\\n\\n"), text_out("")
    ('hi\\n', 'hi\\n', 'hi\\n\\n', '')
    """
    if not cleaned:
        return ""
    return cleaned if cleaned.endswith("\n") else cleaned + "\n"


def empty_output(cleaned: str, source: str, record: Any) -> str | None:
    """Why a document with text came out empty (a warning, not an error), or None when
    it did not (or had no text to lose).  ``record`` is the document's report (the
    :class:`~polyclean.report.Report` or its dict); an HTML page's ``source.extract``
    tells a page without main content (or without visible text) from one whose lines
    the boilerplate stage removed.

    >>> empty_output("", "Subscribe now", {"counts": {"boilerplate": 1}})[:27]
    'every line was removed as b'
    >>> page = {"extract": {"mode": "main", "html_chars": 90, "visible_chars": 20,
    ...                     "kept_chars": 0}}
    >>> empty_output("", "", {"source": page})[:24]
    'no main content found: e'
    >>> empty_output("Hi", "Hi", {}), empty_output("", "", {}), empty_output("", " ", {})
    (None, None, None)

    A WARC/WET record whose body holds no text (an HTTP 200 of 0 bytes) has no text to
    lose, but an empty output record for it would say nothing of why:

    >>> empty_output("", "", {"source": {"warc_record_id": "<urn:uuid:1>"}})[:26]
    'the archived page is empty'
    """
    if cleaned.strip():
        return None
    get = record.get if isinstance(record, dict) else lambda k: getattr(record, k, None)
    ex = (get("source") or {}).get("extract")
    if ex and ex.get("html_chars") and not ex.get("kept_chars"):
        if not ex.get("visible_chars"):
            return E.NO_VISIBLE_TEXT
        return E.NO_MAIN_CONTENT if ex.get("mode") == "main" else E.EMPTIED
    if not source.strip():
        return E.EMPTY_RECORD if "warc_record_id" in (get("source") or {}) else None
    return E.ALL_BOILERPLATE if (get("counts") or {}).get("boilerplate") else E.EMPTIED


def cell(value: Any) -> str:
    """A value as a CSV/TSV cell: nested values as JSON text, null as an empty cell.

    >>> [cell(v) for v in ("x", None, True, 2.5, [1, {"a": None}])]
    ['x', '', 'true', '2.5', '[1, {"a": null}]']
    """
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, (list, dict, tuple)):
        return to_json(value)
    return str(_plain(value))


# --- extract: payload -> (state, text) -------------------------------------------------------
def extract(fmt: str, payload: Any, opts: FieldOptions) -> tuple[Any, str | bytes | None]:
    """(state for :func:`render`, the document to clean or None for null).

    >>> state, text = extract("jsonl", b'{"id": 1, "text": "hi"}\\n', FieldOptions())
    >>> text
    'hi'
    >>> extract("jsonl", b'{"id": 1}', FieldOptions())
    Traceback (most recent call last):
    ...
    polyclean.errors.RecordError: no field 'text'
    """
    if fmt in ("text", "html"):
        return None, payload
    if fmt == "parquet":  # (text, the context fields) when the workers need fields
        return (payload[1], payload[0]) if isinstance(payload, tuple) else (None, payload)
    if fmt == "warc":  # a WebRecord: its fields are the output record's
        return payload.fields(), payload
    if fmt == "jsonl":
        return _extract_json(payload, opts)
    if fmt in ("csv", "tsv"):
        row, layout = payload
        bad = _undecodable(row)
        if bad:
            raise RecordError(E.FIELD_UNDECODABLE.format(n=bad, codec=opts.encoding or "utf-8"))
        text = row[layout[1]]
        return payload, tsv_unescape(text) if fmt == "tsv" else text
    raise RecordError(E.NOT_ONE_OF.format(name="format", value=fmt, choices=", ".join(FORMATS)))


def _extract_json(payload: bytes | str, opts: FieldOptions) -> tuple[Any, str | None]:
    if isinstance(payload, bytes):
        try:
            line = payload.decode(opts.encoding or "utf-8")
        except UnicodeDecodeError as exc:
            raise RecordError(E.UNDECODABLE.format(offset=exc.start,
                                                   codec=opts.encoding or "utf-8")) from None
    else:  # decoded by the reader (UTF-16/32); bad bytes are lone surrogates
        line = payload
        if _undecodable([line]):
            raise RecordError(E.UNDECODABLE_LINE.format(codec=opts.encoding or "utf-8"))
    line = line.rstrip("\r\n")
    if line.startswith("\ufeff"):  # a byte order mark: files joined with theirs (cat a b)
        line = line[1:]
    members = scan_object(line)
    values = {key: value for key, _, _, value in members}
    value = values.get(opts.text_field)
    if opts.text_field not in values or (value is not None and not isinstance(value, str)):
        err = RecordError(_no_field(opts.text_field, values) if opts.text_field not in values
                          else E.FIELD_NOT_TEXT.format(field=opts.text_field,
                                                       kind=type(value).__name__), values)
        err.state = (line, members)  # an object: written with --status-field all the same
        raise err
    return (line, members), value


def _no_field(name: str, values: dict[str, Any]) -> str:
    """The message for a JSON object without the field ``name``; a dotted name whose
    head is an object of the record says that nested fields are not reached.

    >>> _no_field("a.b", {"a": {"b": "text"}, "id": 1})
    "no field 'a.b' (fields inside a nested object are not read; 'a' holds an object; the text must be a top-level field)"
    >>> _no_field("body", {"text": "x"})
    "no field 'body'"
    """
    head = name.split(".", 1)[0]
    if head != name and isinstance(values.get(head), dict):
        return E.NO_NESTED_FIELD.format(field=name, head=head)
    return E.NO_FIELD.format(field=name)


def record_fields(fmt: str, state: Any) -> dict[str, Any]:
    """The fields of a record (its values, the text included) as :func:`extract` left
    them in ``state``, for the document (``Doc.fields``: ids, grouping by host or field).

    >>> line = '{"id": 7, "url": "http://a.example/x", "text": "hi"}'
    >>> record_fields("jsonl", (line, scan_object(line)))
    {'id': 7, 'url': 'http://a.example/x', 'text': 'hi'}
    >>> record_fields("text", None)
    {}
    """
    if fmt == "jsonl":
        return {key: value for key, _, _, value in state[1]}
    if fmt in ("csv", "tsv"):
        row, layout = state
        cells = [tsv_unescape(c) for c in row] if fmt == "tsv" else row
        return dict(zip(layout[7], cells))
    if fmt in ("parquet", "warc") and state is not None:
        return dict(state)
    return {}


# --- render: the output record ------------------------------------------------------------
def render(route: Route, state: Any, cleaned: str | None, report: dict | None,
           opts: FieldOptions, extra: dict[str, Any] | None = None) -> Any:
    """The output record (see the module's docstring for its type); ``extra`` are
    fields written besides the text and the report (language, status).

    >>> line = '{"id": 1, "text": "hi "}'
    >>> render(Route("jsonl", "jsonl"), (line, scan_object(line)), "hi", None, FieldOptions())
    b'{"id": 1, "text": "hi"}\\n'
    >>> render(Route("text", "jsonl", "a/b.txt"), None, "hi", None, FieldOptions(),
    ...        {"lang": "en"})
    b'{"path": "a/b.txt", "text": "hi", "lang": "en"}\\n'
    """
    fmt, out_fmt = route.fmt, route.out_fmt
    if fmt == "parquet":  # finished by render_row in the main process, which has the row
        return cleaned, report, extra
    if out_fmt == "text":
        return text_out(cleaned)
    if fmt == "jsonl" and out_fmt == "jsonl":
        line, members = state
        edits = {opts.out: to_json(cleaned)}
        if opts.report_field:
            edits[opts.report_field] = to_json(report)
        for key, value in (extra or {}).items():
            edits[key] = to_json(value)
        return (splice(line, members, edits) + "\n").encode("utf-8")
    if fmt in ("csv", "tsv") and route.encoded:
        return _render_row(fmt, out_fmt, state, cleaned, report, opts, extra)
    return _finish(route, _pairs(fmt, state, route.path), cleaned, report, opts, extra)


def _render_row(fmt: str, out_fmt: str, state: Any, cleaned: str | None,
                report: dict | None, opts: FieldOptions,
                extra: dict[str, Any] | None = None) -> bytes:
    """A CSV/TSV row in CSV or TSV, its header known (the reader's layout)."""
    row, layout = state
    width, delim = layout[4], layout[6]
    row = row + [""] * (width - len(row))
    raw = fmt == "tsv" and out_fmt == "tsv"
    if fmt == "tsv" and not raw:  # TSV to CSV: the values, not their escapes
        row = [tsv_unescape(c) for c in row]
    cells = {layout[2]: cleaned, layout[3]: to_json(report) if report is not None else None}
    for name, at in ((opts.lang_field, layout[8]), (opts.status_field, layout[9])):
        if at >= 0 and extra and name in extra:
            cells[at] = cell(extra[name])
    for at, value in cells.items():
        if at >= 0:
            value = "" if value is None else value
            row[at] = tsv_escape(value) if raw else value
    return table_line(row, out_fmt, delim, raw=raw).encode("utf-8")


def _pairs(fmt: str, state: Any, path: str | None) -> list[tuple[str, Any]]:
    """The record as (key, value) pairs, in its own order."""
    if fmt == "jsonl":
        line, members = state
        pairs: dict[str, Any] = {}
        for key, start, end, value in members:
            pairs[key] = _Raw(line[start:end], value) if not isinstance(value, str) \
                and value is not None else value
        return list(pairs.items())
    if fmt in ("csv", "tsv"):
        row, layout = state
        cells = [tsv_unescape(c) for c in row] if fmt == "tsv" else row
        return list(zip(layout[7], cells))
    if fmt == "warc":  # url, warc_record_id, date, http_charset
        return list(state.items())
    return [("path", path)]


class _Raw:
    """A JSON value with its source text (numbers keep their digits in CSV)."""

    __slots__ = ("text", "value")

    def __init__(self, text: str, value: Any) -> None:
        self.text, self.value = text, value


def _finish(route: Route, pairs: list[tuple[str, Any]], cleaned: str | None,
            report: dict | None, opts: FieldOptions,
            extra: dict[str, Any] | None = None) -> Any:
    """Pairs plus the cleaned text (and report, language, status) in the output format."""
    merged = dict(pairs)
    merged[opts.out] = cleaned
    if opts.report_field:
        merged[opts.report_field] = report
    if extra:
        merged.update(extra)
    out_fmt = route.out_fmt
    if out_fmt != "jsonl":  # UTF-8 only: JSON's escapes hold a lone surrogate, these do not
        merged = _without_surrogates(merged, route)
    if out_fmt == "jsonl":
        body = ", ".join(f"{json.dumps(str(k), ensure_ascii=False)}: "
                         f"{v.text if isinstance(v, _Raw) else to_json(v)}"
                         for k, v in merged.items())
        return ("{" + body + "}\n").encode("utf-8")
    if out_fmt == "parquet":
        return {str(k): _parquet_value(v) for k, v in merged.items()}
    return [(str(k), v.text if isinstance(v, _Raw) and not isinstance(v.value, (list, dict))
             else cell(v.value if isinstance(v, _Raw) else v)) for k, v in merged.items()]


_SURROGATE = re.compile("[\ud800-\udfff]")
DOCUMENT_INPUTS = ("text", "html")  # a file is one document: its record has a path


def escape_surrogates(text: str) -> str:
    r"""``text`` with each lone surrogate (a byte of a file name that is not UTF-8, as
    Python reads it) written as its escape, ``\udce9``, as messages show it.

    >>> print(escape_surrogates("caf\udce9.txt"), escape_surrogates("café.txt"))
    caf\udce9.txt café.txt
    """
    return _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _without_surrogates(merged: dict[str, Any], route: Route) -> dict[str, Any]:
    """``merged`` for an output that must be UTF-8 (CSV, TSV, Parquet): the ``path`` of
    a file whose name is not UTF-8 is written with its bytes escaped; any other key or
    text value holding a lone surrogate (a JSON escape such as ``"\\udce9"``) cannot be
    written, and fails the record (it was a traceback that stopped the run)."""
    out: dict[str, Any] = {}
    for key, value in merged.items():
        if key == "path" and route.fmt in DOCUMENT_INPUTS and isinstance(value, str):
            value = escape_surrogates(value)  # polyclean's own field: the file's name
        for text in (key, value):
            found = _SURROGATE.search(text) if isinstance(text, str) else None
            if found:
                raise RecordError(E.SURROGATE_NOT_TEXT.format(
                    field=f"'{escape_surrogates(key)}'", char=escape_surrogates(found.group()),
                    fmt=route.out_fmt.upper()))
        out[key] = value
    return out


_INT64 = range(-(1 << 63), 1 << 63)


def _parquet_value(value: Any) -> Any:
    """A value for a Parquet cell: JSON numbers stay numbers (an integer beyond int64
    keeps its digits as text), nested values become JSON text."""
    if isinstance(value, _Raw):
        value = value.value if not isinstance(value.value, int) or value.value in _INT64 \
            else value.text
    if isinstance(value, (list, dict)):
        return to_json(value)
    return value


def render_row(route: Route, row: dict, cleaned: str | None, report: dict | None,
               opts: FieldOptions, extra: dict[str, Any] | None = None) -> Any:
    """A Parquet input row (kept in the main process) in the output format."""
    merged = dict(row)
    merged[opts.out] = cleaned
    if opts.report_field:
        merged[opts.report_field] = to_json(report) if report is not None else None
    if extra:
        merged.update(extra)
    if route.out_fmt == "parquet":
        return merged
    for key, value in merged.items():
        if isinstance(value, bytes) and route.out_fmt != "text":
            try:
                value.decode("utf-8")
            except UnicodeDecodeError:
                raise RecordError(E.BYTES_NOT_TEXT.format(
                    column=key, n=len(value), fmt=route.out_fmt.upper())) from None
    if route.out_fmt == "jsonl":
        return (to_json(merged) + "\n").encode("utf-8")
    if route.out_fmt == "text":
        return text_out(cleaned)
    return [(k, cell(v)) for k, v in merged.items()]
