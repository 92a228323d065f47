"""Source and output of one document side by side, rebuilt from its report alone.

The report's changes are patches: those of one step have offsets into the text as it
entered that step (:func:`polyclean.report.replay`).  :func:`align` replays them over a
list of :class:`Piece` objects instead of a string, so that each stretch of the output
knows the stretch of the source it came from and the changes that made it: unchanged
pieces are copied through (and split where a later change starts or ends), a changed
piece records its source text, its output text and every change that touched it (a
quote that repair produced and normalisation straightened carries both).

:func:`rows` cuts the pieces into lines for a two-column view (the HTML page and
``polyclean explain``).

>>> report = {"changes": [
...     {"step": "repair", "start": 4, "end": 7, "original": "Ã©s", "result": "és", "reason": "ftfy"},
...     {"step": "boilerplate", "start": 7, "end": 17, "original": "Subscribe\\n", "result": "", "reason": "ui-phrase"},
...     {"step": "normalize", "start": 0, "end": 1, "original": "“", "result": '"', "reason": "quotes"}]}
>>> pieces = align("“CafÃ©s\\nSubscribe\\nOpen.", report)
>>> [(p.src, p.out, p.changes) for p in pieces]
[('“', '"', (2,)), ('Caf', 'Caf', ()), ('Ã©s', 'és', (0,)), ('\\n', '\\n', ()), ('Subscribe\\n', '', (1,)), ('Open.', 'Open.', ())]
>>> "".join(p.out for p in pieces) == replay("“CafÃ©s\\nSubscribe\\nOpen.", report)
True
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator, Sequence

from ..report import replay  # noqa: F401  (the doctest checks against it)


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of the source (``src``) and what it became (``out``); ``changes`` are
    the indices, in ``report["changes"]``, of the changes that made it (empty: copied)."""

    src: str
    out: str
    changes: tuple[int, ...] = ()


def align(source: str, report: dict[str, Any]) -> list[Piece]:
    """The pieces of ``source`` and of the output ``report`` makes of it (see the module
    documentation).  Raises ``ValueError`` when the report does not fit the source."""
    pieces = [Piece(source, source)] if source else []
    group: list[tuple[int, dict]] = []
    step = None
    for i, ch in enumerate(report.get("changes", ())):
        if ch["step"] != step and group:
            pieces = _apply(pieces, group)
            group = []
        step = ch["step"]
        group.append((i, ch))
    if group:
        pieces = _apply(pieces, group)
    return pieces


def _apply(pieces: list[Piece], group: list[tuple[int, dict]]) -> list[Piece]:
    """Apply one step's changes (offsets into the concatenated ``out`` of ``pieces``).

    Changes are applied from the last to the first, so the offsets of the pieces before
    a change stay those of the text as it entered the step.  Each piece waiting on
    ``stack`` carries those offsets (start, end); a piece made by this step keeps the
    span of the text it replaced.  The pieces after the change being applied are done
    with and go to ``after``: one sweep, linear in pieces plus changes (replacing list
    slices in place took a minute over a document of 120,000 changes)."""
    ordered = sorted(group, key=lambda ic: (ic[1]["start"], ic[1]["end"]))
    cuts = sorted({x for _, ch in ordered for x in (ch["start"], ch["end"])})
    stack: list[tuple[Piece, int, int]] = []  # in text order; the top is the last
    pos = k = 0
    for p in pieces:
        end = pos + len(p.out)
        while k < len(cuts) and cuts[k] <= pos:
            k += 1
        if not p.changes and k < len(cuts) and cuts[k] < end:
            # cut where a change starts or ends, each piece once (cutting a head off the
            # rest for each change copied the rest each time)
            src, at = p.src, pos
            while k < len(cuts) and cuts[k] < end:
                part = src[at - pos:cuts[k] - pos]
                stack.append((Piece(part, part), at, cuts[k]))
                at = cuts[k]
                k += 1
            p = Piece(src[at - pos:], src[at - pos:])
            pos = at
        stack.append((p, pos, end))
        pos = end
    after: list[Piece] = []  # the pieces after the last change applied, last first
    for idx, ch in reversed(ordered):
        a, b = ch["start"], ch["end"]
        if b > pos or a < 0 or a > b:
            raise ValueError(f"change {idx} ({ch['step']}) at {a}:{b} is outside the text")
        # the pieces wholly after [a, b) (for an insertion: those from it on, but for a
        # removed piece standing on it, which stays before it)
        while stack and stack[-1][1] >= b and (a < b or stack[-1][2] > a):
            after.append(stack.pop()[0])
        taken: list[tuple[Piece, int, int]] = []
        if a < b:  # the pieces overlapping [a, b)
            while stack and stack[-1][2] > a:
                taken.append(stack.pop())
        elif stack and stack[-1][1] < a < stack[-1][2]:  # an insertion strictly inside one
            taken.append(stack.pop())
        taken.reverse()
        s0 = min(taken[0][1], a) if taken else a
        e0 = max(taken[-1][2], b) if taken else b
        text = "".join(p.out for p, _, _ in taken)
        head = None
        if taken and not taken[0][0].changes and taken[0][1] < a:  # keep the unchanged head
            first, start, end = taken[0]
            cut = a - start
            head = (Piece(first.src[:cut], first.src[:cut]), start, a)
            taken[0] = (Piece(first.src[cut:], first.out[cut:]), a, end)
            text, s0 = text[cut:], a
        tail_piece = None
        if taken and not taken[-1][0].changes and taken[-1][2] > b:  # keep the unchanged tail
            last, start, end = taken[-1]
            cut = end - b
            tail_piece = Piece(last.src[-cut:], last.out[-cut:])
            taken[-1] = (Piece(last.src[:-cut], last.out[:-cut]), start, b)
            text, e0 = text[:-cut], b
        if text[a - s0:b - s0] != ch["original"]:
            raise ValueError(f"change {idx} ({ch['step']}) at {a}:{b} does not match the text")
        ids = sorted({i for p, _, _ in taken for i in p.changes} | {idx})
        if tail_piece is not None:
            after.append(tail_piece)
        if head is not None:
            stack.append(head)
        stack.append((Piece("".join(p.src for p, _, _ in taken),
                            text[:a - s0] + ch["result"] + text[b - s0:], tuple(ids)), s0, e0))
    after.reverse()
    return [p for p, _, _ in stack] + after


# --- rows for a two-column view --------------------------------------------------------------
Span = tuple[str, tuple[int, ...]]  # (text, change indices; empty = unchanged)


def rows(pieces: Sequence[Piece]) -> Iterator[tuple[list[Span], list[Span]]]:
    """(source spans, output spans) per row: a row ends after a line break of unchanged
    text, so unchanged lines face each other and a changed stretch (a removed line, a
    translated paragraph) stays in the row where it happened.

    >>> list(rows([Piece("a\\nb", "a\\nb"), Piece("X\\n", "", (0,)), Piece("c", "c")]))
    [([('a\\n', ())], [('a\\n', ())]), ([('b', ()), ('X\\n', (0,)), ('c', ())], [('b', ()), ('', (0,)), ('c', ())])]
    """
    left: list[Span] = []
    right: list[Span] = []
    for p in pieces:
        if p.changes:
            left.append((p.src, p.changes))
            right.append((p.out, p.changes))
            continue
        text = p.src
        start = 0
        while True:
            nl = text.find("\n", start)
            if nl < 0:
                break
            part = text[start:nl + 1]
            left.append((part, ()))
            right.append((part, ()))
            yield left, right
            left, right = [], []
            start = nl + 1
        if start < len(text):
            left.append((text[start:], ()))
            right.append((text[start:], ()))
    if left:
        yield left, right
