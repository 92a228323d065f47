"""The :class:`Doc` record: one document as it travels through the stages.

A ``Doc`` holds the input as given (``raw``), the decoded text that the report replays
from (``source``), the text as it now stands (``text``), the segments found by
detection, the report, and the record's own fields and metadata.  Stages read and
write its attributes (they declare which, see :mod:`polyclean.stages`).

:meth:`Doc.apply` is the only offset bookkeeping in polyclean: it applies one step's
changes (offsets into ``text`` as it entered the step), records them in the report, and
re-maps the live segments onto the new text, so a later stage (translation) finds its
fragments where they now are.

>>> from polyclean.report import Change
>>> from polyclean.segment import Segment
>>> d = Doc.from_text("Menu\\nHallo Welt.\\n")
>>> d.segments = [Segment(5, 16, "Hallo Welt.", "Latin", "de", 0.9, True)]
>>> d.apply([Change("boilerplate", 0, 5, "Menu\\n", "", "ui-phrase")])
>>> d.text, [(s.start, s.end, s.text) for s in d.segments]
('Hallo Welt.\\n', [(0, 11, 'Hallo Welt.')])
>>> d.report.counts
{'boilerplate': 1}
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any, Iterable, Sequence

from .errors import E, ConfigError, plural
from .report import Change, Mapper, Report, apply_changes, compose
from .segment import Segment


@dataclass(eq=False)
class Doc:
    """One document (see the module documentation).

    ``detected`` keeps the segments as detection gave them, with offsets into
    ``repaired`` (the text as it entered detection); ``segments`` are the same
    segments re-mapped onto ``text`` as later stages change it (a segment inside
    a removed line is dropped).  ``fields`` are the record's other fields (JSONL,
    CSV, Parquet, WARC headers) and ``meta`` what stages learn on the way
    (``host``, ``url``, extraction counts ...).  ``error`` set means the document
    could not be processed; stages leave such documents alone.
    """

    id: Any = None
    raw: Any = None
    source: str = ""
    text: str = ""
    repaired: str = ""
    detected: list[Segment] = field(default_factory=list)
    segments: list[Segment] = field(default_factory=list)
    report: Report = field(default_factory=Report)
    fields: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    error: str | None = None
    # the step and text before the last applied group of changes, so that two passes
    # of one step in a row (the settle loop) are composed into one group
    _last_step: str | None = field(default=None, repr=False)
    _last_before: str = field(default="", repr=False)
    _last_at: int = field(default=0, repr=False)

    @classmethod
    def from_text(cls, text: str, id: Any = None) -> "Doc":
        """A document whose decoded text is ``text`` (no decode stage needed)."""
        return cls(id=id, raw=text, source=text, text=text, report=Report(id=id))

    @property
    def ok(self) -> bool:
        return self.error is None

    def apply(self, changes: Sequence[Change], suffix: str = "", result: str | None = None
              ) -> None:
        """Apply one step's ``changes`` to :attr:`text`, record them, re-map segments.

        ``changes`` are non-overlapping, all of one step, with offsets into ``text``
        as it is now.  ``suffix`` is appended to each change's reason (the settle
        loop's "(after normalisation)").  ``result``, when the stage already has it,
        is the text after the changes (it must equal what applying them gives).  When the last recorded group of changes is
        of the same step, the two are composed into one group on the earlier text, so
        that :func:`polyclean.report.replay` (which applies changes step by step)
        still rebuilds the output.
        """
        if not changes:
            return
        if suffix:
            for ch in changes:
                ch.reason += suffix
        before = self.text
        step = changes[0].step
        self.text = apply_changes(before, changes) if result is None else result
        rep = self.report
        if step == self._last_step and len(rep.changes) > self._last_at:
            earlier = rep.changes[self._last_at:]
            del rep.changes[self._last_at:]
            rep.counts[step] -= len(earlier)
            rep.add(compose(self._last_before, earlier, changes, step))
        else:
            self._last_step, self._last_before, self._last_at = step, before, len(rep.changes)
            rep.add(changes)
        if self.segments:
            self.segments = remap(self.segments, changes, self.text)

    def note(self, stage: str, status: str) -> None:
        """Record ``stage``'s status in the report (see :data:`polyclean.stages.STATUS`)."""
        self.report.stages[stage] = status


def remap(segments: Sequence[Segment], changes: Sequence[Change], text: str) -> list[Segment]:
    """``segments`` (offsets before ``changes``) re-expressed in ``text`` (the text
    after them).  A segment that overlaps a deletion (a change whose result is empty:
    a removed line) is dropped; any other is moved, and grows to cover a change that
    overlaps it (a translated fragment becomes its translation).

    >>> segs = [Segment(0, 3, "abc"), Segment(4, 7, "def"), Segment(8, 11, "ghi")]
    >>> new = remap(segs, [Change("b", 4, 8, "def\\n", "", "r"), Change("t", 8, 11, "ghi", "GHI!", "r")], "abc\\nGHI!")
    >>> [(s.start, s.end, s.text) for s in new]
    [(0, 3, 'abc'), (4, 8, 'GHI!')]
    """
    ordered = sorted(changes, key=_START)
    if not any(map(_RESULT, ordered)):  # only removals (boilerplate): a shift or a drop
        out = _remap_removals(segments, ordered, text)
        if out is not None:
            return out
    return _remap_any(segments, ordered, text)


def _remap_any(segments: Sequence[Segment], ordered: Sequence[Change], text: str
               ) -> list[Segment]:
    """:func:`remap` with any changes (sorted by start)."""
    deletions = [(c.start, c.end) for c in ordered if not c.result]
    mapper = Mapper(ordered)
    out: list[Segment] = []
    k = 0
    for seg in segments:  # segments come in text order
        while k < len(deletions) and deletions[k][1] <= seg.start:
            k += 1
        if k < len(deletions) and deletions[k][0] < seg.end and seg.start < deletions[k][1]:
            continue
        a, b = mapper(seg.start), mapper(seg.end, True)
        if a == seg.start and b == seg.end:
            out.append(seg)
            continue
        out.append(_moved(seg, a, b, text))
    return out


def _remap_removals(segments: Sequence[Segment], removals: Sequence[Change], text: str
                    ) -> list[Segment] | None:
    """:func:`remap` when every change removes its span (sorted by start): a segment
    overlapping one is dropped, any other moves back by the length removed before it.
    None when the segments are not in text order (the general path then decides).

    >>> segs = [Segment(0, 3, "abc"), Segment(4, 7, "def"), Segment(8, 11, "ghi")]
    >>> new = _remap_removals(segs, [Change("b", 0, 4, "abc\\n", "", "r")], "def\\nghi")
    >>> [(s.start, s.end, s.text) for s in new]
    [(0, 3, 'def'), (4, 7, 'ghi')]
    """
    out: list[Segment] = []
    k, n, shift, last = 0, len(removals), 0, -1
    for seg in segments:
        start, end = seg.start, seg.end
        if start < last:
            return None
        last = start
        while k < n and removals[k].end <= start:
            shift += removals[k].end - removals[k].start
            k += 1
        if k < n and removals[k].start < end and start < removals[k].end:
            continue
        out.append(_moved(seg, start - shift, end - shift, text) if shift else seg)
    return out


def _moved(seg: Segment, a: int, b: int, text: str) -> Segment:
    return Segment(a, b, text[a:b], seg.script, seg.lang, seg.confidence, seg.foreign, seg.line,
                   seg.para)


_RESULT = attrgetter("result")


def _START(c: Change) -> int:
    return c.start


def new_docs(items: Iterable[Any], ids: Iterable[Any] | None = None) -> list[Doc]:
    """One :class:`Doc` per input (``str`` or ``bytes``; a ``Doc`` passes through), from
    any iterable; ``ids``, when given, one per input.

    >>> [d.id for d in new_docs(iter(["a", "b"]))]
    [0, 1]
    >>> new_docs(["a", "b"], ["x"])
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: 1 id for 2 documents: give one id per document, or none
    """
    if isinstance(items, (str, bytes, bytearray)):
        raise ConfigError(E.ONE_DOCUMENT.format(kind=type(items).__name__))
    items = list(items)
    ids = range(len(items)) if ids is None else list(ids)
    if len(ids) != len(items):
        raise ConfigError(E.IDS_COUNT.format(ids=plural(len(ids), "id"),
                                             docs=plural(len(items), "document")))
    docs = []
    for item, doc_id in zip(items, ids):
        if isinstance(item, Doc):
            docs.append(item)
        else:
            doc_id = json_id(doc_id)
            docs.append(Doc(id=doc_id, raw=item, report=Report(id=doc_id)))
    return docs


_JSON_TYPES = (str, int, list, tuple, dict, type(None))


def json_id(value: Any) -> Any:
    """A document's id as the JSON report can hold it: a NumPy scalar (the items of
    ``np.arange``, of a Series' ``to_numpy()``) as its Python value, a value JSON has no
    type for (a ``Timestamp``, a ``date``, an object; a float that is not finite) as its
    ``str``; anything else as given.  The report of an ``np.int64`` id failed
    ``json.dumps``.

    >>> import numpy as np, datetime
    >>> json_id(np.int64(7)), json_id("a"), json_id(datetime.date(2024, 5, 1)), json_id(float("nan"))
    (7, 'a', '2024-05-01', 'nan')
    """
    if type(value).__module__ == "numpy" and hasattr(value, "item"):
        value = value.item()
    if isinstance(value, _JSON_TYPES):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    return str(value)
