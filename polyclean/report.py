"""The per-document record of what changed and why.

Each stage returns a list of :class:`Change` objects whose ``start``/``end`` are
offsets into the text *as it entered that stage*.  Changes of one stage never
overlap, so the report is a replayable patch: starting from the decoded input and
applying each stage's changes in order gives the output exactly
(:func:`replay`).  That is how the tests prove that nothing is lost silently.

>>> text = "Hello   world"
>>> ch = [Change("normalize", 5, 8, "   ", " ", "whitespace")]
>>> apply_changes(text, ch)
'Hello world'
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from operator import attrgetter, itemgetter
from typing import Any, Callable, Iterable, Sequence

from .errors import E

@dataclass(slots=True)
class Change:
    """One edit: ``text[start:end]`` (== ``original``) became ``result``."""

    step: str
    start: int
    end: int
    original: str
    result: str
    reason: str
    lang: str | None = None
    confidence: float | None = None
    extra: dict[str, Any] | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {
            "step": self.step,
            "start": self.start,
            "end": self.end,
            "original": self.original,
            "result": self.result,
            "reason": self.reason,
        }
        if self.lang is not None:
            d["lang"] = self.lang
        if self.confidence is not None:
            d["confidence"] = round(float(self.confidence), 4)
        if self.extra:
            d.update(self.extra)
        return d


def apply_changes(text: str, changes: Sequence[Change]) -> str:
    """Apply non-overlapping changes (offsets into ``text``) and return the new text.

    >>> apply_changes("abcdef", [Change("x", 4, 6, "ef", "EF", "r"), Change("x", 0, 1, "a", "", "r")])
    'bcdEF'
    """
    if not changes:
        return text
    out: list[str] = []
    append = out.append
    pos = 0
    for ch in sorted(changes, key=_SPAN):
        start, end = ch.start, ch.end
        if start < pos:
            raise ValueError(f"overlapping changes at {start} in step {ch.step!r}")
        if text[start:end] != ch.original:
            raise ValueError(
                f"change in step {ch.step!r} at {start}:{end} does not match the text"
            )
        append(text[pos:start])
        append(ch.result)
        pos = end
    append(text[pos:])
    return "".join(out)


_SPAN = attrgetter("start", "end")  # the order changes are applied in


def shift_changes(changes: Iterable[Change], earlier: Sequence[Change]) -> list[Change]:
    """Re-express ``changes`` (offsets in the text *before* ``earlier`` was applied) as
    offsets in the text *after* it.  A change must not overlap an earlier one.

    >>> e = [Change("b", 0, 4, "abc\\n", "", "r")]
    >>> [(c.start, c.end) for c in shift_changes([Change("t", 6, 8, "ef", "EF", "r")], e)]
    [(2, 4)]
    """
    ordered = sorted(earlier, key=lambda c: c.start)
    out = []
    for ch in sorted(changes, key=lambda c: c.start):
        delta = 0
        for e in ordered:
            if e.end <= ch.start:
                delta += len(e.result) - (e.end - e.start)
            elif e.start >= ch.end:
                break
            else:
                raise ValueError("a later change overlaps an earlier one")
        out.append(
            Change(ch.step, ch.start + delta, ch.end + delta, ch.original, ch.result,
                   ch.reason, ch.lang, ch.confidence, ch.extra)
        )
    return out


class Mapper:
    """Maps boundary positions of a text through a sorted set of changes (O(log n)).

    A left boundary counts only changes wholly before it; a right boundary also
    counts an insertion that stands on it (insertions there belong to the span)."""

    def __init__(self, changes: Sequence[Change]) -> None:
        self.starts = [c.start for c in changes]
        self.ends = [c.end for c in changes]
        self.cum = [0]
        for c in changes:
            self.cum.append(self.cum[-1] + len(c.result) - (c.end - c.start))

    def __call__(self, pos: int, right: bool = False) -> int:
        i = bisect_right(self.ends, pos)
        if not right:
            while i > 0 and self.starts[i - 1] >= pos:  # insertion standing on pos
                i -= 1
        return pos + self.cum[i]


def compose(text0: str, first: Sequence[Change], second: Sequence[Change], step: str) -> list[Change]:
    """Merge two successive passes of one stage into one set of changes on ``text0``.

    ``first`` edits ``text0`` into ``text1``; ``second`` edits ``text1`` into ``text2``.
    The result edits ``text0`` into ``text2`` directly, so a stage made of several
    passes still reports non-overlapping spans of its own input.

    >>> t0 = "a\u201cb\u201d  c"
    >>> p1 = [Change("n", 1, 2, "\u201c", '"', "quotes"), Change("n", 3, 4, "\u201d", '"', "quotes")]
    >>> t1 = apply_changes(t0, p1)
    >>> p2 = [Change("n", 4, 6, "  ", " ", "whitespace")]
    >>> merged = compose(t0, p1, p2, "n")
    >>> apply_changes(t0, merged) == apply_changes(t1, p2)
    True
    >>> [(c.original, c.result, c.reason) for c in merged]
    [('\u201c', '"', 'quotes'), ('\u201d  ', '" ', 'quotes+whitespace')]
    """
    if not second:
        return list(first)
    first = sorted(first, key=_SPAN)
    second = sorted(second, key=_SPAN)
    if not first:
        return list(second)
    text2 = apply_changes(apply_changes(text0, first), second)
    back = _back_mapper(text0, first)
    spans = [(c.start, c.end, c) for c in first]
    for c in second:
        spans.append((back(c.start, False), back(c.end, True), c))
    map1, map2 = Mapper(first), Mapper(second)
    out: list[Change] = []
    for a, b, cs in _merge_spans(spans):
        ra2 = map2(map1(a))
        rb2 = map2(map1(b, True), True)
        original = text0[a:b]
        result = text2[ra2:rb2]
        if original != result:
            out.append(_joined(step, a, b, original, result, cs))
    return out


def _back_mapper(text0: str, first: Sequence[Change]) -> Callable[[int, bool], int]:
    """Map a position of the text after ``first`` (sorted) back onto ``text0``: a
    position inside or on the edge of a changed region maps to the outer edge of that
    region (conservative: the span grows to cover it)."""
    regions: list[tuple[int, int, int, int, bool]] = []  # (s1, e1, s0, e0, changed)
    pos0 = pos1 = 0
    for c in first:
        if c.start > pos0:
            n = c.start - pos0
            regions.append((pos1, pos1 + n, pos0, c.start, False))
            pos1 += n
        regions.append((pos1, pos1 + len(c.result), c.start, c.end, True))
        pos1 += len(c.result)
        pos0 = c.end
    regions.append((pos1, pos1 + len(text0) - pos0, pos0, len(text0), False))
    r_s1 = [r[0] for r in regions]

    def back(p1: int, is_end: bool) -> int:
        i = bisect_right(r_s1, p1) - 1
        while i >= 0:
            s1, e1, s0, e0, changed = regions[i]
            if not changed and s1 <= p1 <= e1:
                return s0 + (p1 - s1)
            if changed and s1 <= p1 <= e1:
                return e0 if is_end else s0
            i -= 1
        return 0

    return back


def _merge_spans(spans: list[tuple[int, int, Change]]) -> list[list]:
    """Spans that overlap or touch merged, so that every merged span's boundaries lie
    outside all changes of both passes: ``[start, end, changes]``."""
    spans.sort(key=_FIRST_TWO)
    merged: list[list] = []
    for a, b, c in spans:
        if merged and a <= merged[-1][1]:
            m = merged[-1]
            if b > m[1]:
                m[1] = b
            m[2].append(c)
        else:
            merged.append([a, b, [c]])
    return merged


def _joined(step: str, a: int, b: int, original: str, result: str,
            cs: list[Change]) -> Change:
    """One change for the merged changes ``cs``: their reasons joined with ``+``, the
    first language and confidence any of them has."""
    if len(cs) == 1:
        c = cs[0]
        return Change(step, a, b, original, result, c.reason, c.lang or None, c.confidence)
    lang = conf = None
    for x in cs:
        if lang is None and x.lang:
            lang = x.lang
        if conf is None and x.confidence is not None:
            conf = x.confidence
    reason = "+".join(sorted({x.reason for x in cs}))
    return Change(step, a, b, original, result, reason, lang, conf)


_FIRST_TWO = itemgetter(0, 1)


#: Version of the report's JSON layout (the ``schema`` key of every report line).
REPORT_SCHEMA = 2


@dataclass
class Report:
    """What happened to one document; :meth:`to_dict` is the JSON line in ``--report``.

    ``fragments`` are the segments detection found in a language other than the target
    (the candidates for translation), with offsets into the text as it entered
    detection — the same offsets ``polyclean detect`` prints.  ``source`` says where an
    extracted document came from (URL, WARC record id, date, charset and its reason,
    and what extraction kept and dropped); the changes replay from the extracted text.
    """

    id: Any = None
    lang: str | None = None
    location: str | None = None  # NAME:line N, when ``id`` is the record's own id
    lang_confidence: float | None = None
    encoding: str | None = None
    encoding_confidence: float | None = None
    changes: list[Change] = field(default_factory=list)
    stages: dict[str, str] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    fragments: list[dict[str, Any]] = field(default_factory=list)
    source: dict[str, Any] | None = None  # where an extracted document came from

    def add(self, changes: Iterable[Change]) -> None:
        for ch in changes:
            self.changes.append(ch)
            self.counts[ch.step] = self.counts.get(ch.step, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"schema": REPORT_SCHEMA, "id": self.id}
        if self.location is not None:
            d["location"] = self.location
        d["lang"] = self.lang
        if self.lang_confidence is not None:
            d["lang_confidence"] = round(float(self.lang_confidence), 4)
        if self.encoding is not None:
            d["encoding"] = self.encoding
            if self.encoding_confidence is not None:
                d["encoding_confidence"] = round(float(self.encoding_confidence), 4)
        if self.source:
            d["source"] = self.source
        d["stages"] = dict(self.stages)
        d["counts"] = dict(self.counts)
        if self.fragments:
            d["fragments"] = self.fragments
        d["changes"] = [c.to_dict() for c in self.changes]
        return d


def replay(source: str, report: dict[str, Any]) -> str:
    """Rebuild a document's output from its decoded input and its JSON report alone.

    The stages' changes are applied in the order they were recorded, stage by stage.
    The report of a document that failed has nothing to replay: ``ValueError`` with its
    error (it was ``KeyError: 'changes'``).

    >>> replay("", {"schema": 2, "id": 3, "status": "error", "error": "expected str or bytes, got int"})
    Traceback (most recent call last):
    ...
    ValueError: document 3 failed, its report has no changes to replay: expected str or bytes, got int
    """
    if "changes" not in report and report.get("status") == "error":
        raise ValueError(E.REPLAY_FAILED.format(id=report.get("id"), why=report.get("error")))
    text = source
    step_changes: list[Change] = []
    current = None
    for d in report["changes"]:
        ch = Change(d["step"], d["start"], d["end"], d["original"], d["result"], d["reason"])
        if ch.step != current and step_changes:
            text = apply_changes(text, step_changes)
            step_changes = []
        current = ch.step
        step_changes.append(ch)
    if step_changes:
        text = apply_changes(text, step_changes)
    return text
