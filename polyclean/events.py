"""The main process's view of the inputs: one stream of events, cut into batches.

Events, in input order: ``("start", u, meta)`` when unit ``u`` opens, ``("rec", u,
record)`` for each record, ``("end", u, counts)`` when it is read to the end
(``counts``: a WARC archive's records by type, for the summary; else None), ``("fail",
u, message)`` when it cannot be opened or breaks part-way (its output is then taken
back), ``("skip", u, message)`` for a unit not read on purpose (a FIFO), ``("warn",
u, message)`` for an empty input (its output is empty) and ``("note", u, message)``
for a warning about an input that was read as usual.  :func:`batches` cuts the stream so that the
boundaries depend on the input only (at most ``batch_docs`` records or
``batch_bytes`` bytes), never on timing or the number of workers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from .errors import E, InputError
from .formats import READ_ERRORS, READERS, FieldOptions, Record
from .plan import Unit, show

_READ_ERRORS = READ_ERRORS


@dataclass
class Batch:
    events: list[tuple[str, int, Any]] = field(default_factory=list)
    jobs: list[tuple[int, Any]] = field(default_factory=list)  # (unit, payload)
    routes: dict[int, Any] = field(default_factory=dict)  # unit -> its Route
    ids: list[str] = field(default_factory=list)
    records: int = 0
    size: int = 0


def html_hint(cfg: Any) -> bool:
    """Whether a text input that is an HTML page gets a warning (``InputStream``'s
    ``html_hint``): when its format came from its name, and text is not read as HTML."""
    return cfg.format == "auto" and cfg.markup == "text"


def location(unit: Unit, rec: Record | None) -> str:
    """A record's location as messages and report ids give it: ``NAME:line N``."""
    return f"{unit.name}:{rec.where}" if rec is not None and rec.where else unit.name


class InputStream:
    """The events of all units, from unit ``start_unit`` on, skipping the first
    ``skip`` records of that unit (they were done before a ``--resume``).  The input
    is checked for changes every ``check_every`` records and at its end.  With
    ``written``, a CSV/TSV input whose rows become records with named fields fails
    when its header repeats a name (see :func:`repeated_column`).  With ``html_hint``, a
    text input that is an HTML page (by its first bytes) gets a warning at its end."""

    def __init__(self, units: Sequence[Unit], fields: FieldOptions, start_unit: int = 0,
                 skip: int = 0, check_every: int = 256, written: bool = False,
                 html_hint: bool = False) -> None:
        self.units, self.fields = units, fields
        self.start_unit, self.skip, self.check_every = start_unit, skip, check_every
        self.written = written
        self.html_hint = html_hint  # warn of a text input that is an HTML page
        self.reader: Any = None
        self.done_size = 0  # input bytes of finished units (for progress)

    def position(self) -> int:
        return self.done_size + (self.reader.position() if self.reader else 0)

    def events(self) -> Iterator[tuple[str, int, Any]]:
        for u, unit in enumerate(self.units):
            if u < self.start_unit:
                self.done_size += _size(unit.path)
                continue
            if unit.problem is not None:
                status, msg = unit.problem
                yield ("skip" if status == "skipped" else "fail", u, msg)
                continue
            try:
                yield from self._unit(u, unit)
            finally:
                self.done_size += _size(unit.path)

    def _unit(self, u: int, unit: Unit) -> Iterator[tuple[str, int, Any]]:
        reader = self.reader = READERS[unit.fmt](unit.path, self.fields)
        last: Record | None = None
        try:
            try:
                meta = reader.open()
            except InputError as exc:
                yield ("fail", u, str(exc))
                return
            repeated = repeated_column(unit, getattr(reader, "header", None)) \
                if self.written else None
            if repeated:
                yield ("fail", u, repeated)
                return
            yield ("start", u, meta)
            skip = self.skip if u == self.start_unit else 0
            change = None
            for n, last in enumerate(reader.records(), 1):
                if n > skip:
                    yield ("rec", u, last)
                if n % self.check_every == 0:
                    change = reader.changed()
                    if change:
                        break
            change = change or reader.changed()
            if change:
                yield ("fail", u, change)
                return
            if reader.empty:
                yield ("warn", u, E.EMPTY_INPUT)
            elif self.html_hint and getattr(reader, "looks_html", False):
                yield ("note", u, E.TEXT_LOOKS_HTML)
            counts = getattr(reader, "counts", None)  # a WARC reader's record types
            yield ("end", u, {f"warc_{k}": v for k, v in counts.items()} if counts else None)
        except Exception as exc:
            if not isinstance(exc, _READ_ERRORS) and not type(exc).__module__.startswith(
                    "pyarrow"):
                raise
            # An input that breaks part-way (a truncated gzip, a damaged Parquet row
            # group) fails as a whole, like one that cannot be opened: its output is
            # taken back.  The message says where it broke.
            after = f" after {last.where}" if last is not None and last.where else ""
            tail = E.READ_STOPPED_TAIL if after else ""
            yield ("fail", u, E.CANNOT_READ.format(after=after, why=exc, tail=tail))
        finally:
            reader.close()
            self.reader = None


def repeated_column(unit: Unit, header: list[str] | None) -> str | None:
    """The message for a CSV/TSV header that names a column twice when the unit's rows
    become records with named fields (JSONL, Parquet, CSV/TSV joined from several
    inputs), where one of the two values would be lost; None when nothing is lost.

    >>> from polyclean.records import Route
    >>> u = Unit("a.csv", None, "csv", route=Route("csv", "jsonl"))
    >>> print(repeated_column(u, ["text", "id", "id"]))  # doctest: +NORMALIZE_WHITESPACE
    header row: column 'id' occurs 2 times, but a jsonl record holds one value per name;
    rename the columns
    >>> u.route = Route("csv", "csv", encoded=True)  # written back as rows: kept
    >>> repeated_column(u, ["text", "id", "id"]) is None
    True
    """
    route = unit.route
    if not header or route is None or route.encoded or route.out_fmt == "text":
        return None
    for name in header:
        n = header.count(name)
        if n > 1:
            return E.HEADER_REPEATS.format(column=name, n=n, fmt=route.out_fmt)
    return None


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0


def total_size(units: Sequence[Unit]) -> int:
    return sum(_size(u.path) for u in units)


def batches(events: Iterator[tuple[str, int, Any]], units: Sequence[Unit],
            batch_docs: int, batch_bytes: int) -> Iterator[Batch]:
    """Cut the event stream into batches; a batch closes before the record that would
    exceed its limits, so boundaries depend on the input only."""
    batch = Batch()
    for ev in events:
        kind, u, rec = ev
        if kind == "rec" and batch.records and (batch.records >= batch_docs
                                                or batch.size >= batch_bytes):
            yield batch
            batch = Batch()
        batch.events.append(ev)
        if kind == "rec":
            batch.records += 1
            batch.size += rec.size
            if rec.error is None:
                batch.jobs.append((u, rec.payload))
                batch.routes[u] = units[u].route
                batch.ids.append(location(units[u], rec))
    if batch.events:
        yield batch


__all__ = ["Batch", "InputStream", "batches", "html_hint", "location", "show", "total_size"]
