"""What a page says about each of its lines, for the line classifier.

:func:`context_features` describes a line by its neighbours, its block (lines
between blank lines), its distance to the nearest lines of running text, repeats of
it and of template lines around it on the page, and where it sits relative to the
page's *main region* (:func:`main_region`): the contiguous run of lines that holds
the body text.

Context is computed over the lines that are still *present* (not removed), so a
page and the same page with its boilerplate removed give the lines that stay the
same features: that is what makes cleaning idempotent (see :mod:`.remover`).
Recurrence across a batch is not a feature (the training pages come from mostly
distinct sites); it stays a separate rule.
"""

from __future__ import annotations

import math
from operator import mul
from typing import Protocol, Sequence

from .. import _speedups
from . import lexicon as lx

FURNITURE, FRAGMENT, SENTENCE, ANCHOR = 0, 1, 2, 3  # kinds of line (see .analysis)

CONTEXT_NAMES = (
    "rel_pos", "before_body", "after_body", "log_dist_prev", "log_dist_next",
    "prev_running", "next_running", "prev_anchor", "next_anchor", "prev_log_chars",
    "next_log_chars", "window_anchor_share", "window_log_chars", "block_log_size",
    "alone_in_block", "block_anchor_share", "run_log_len", "after_colon", "page_repeats",
    "title_copy", "page_anchor_share", "page_log_lines", "unanchored_fragment",
    "in_region", "before_region", "after_region", "log_lines_to_region", "log_chars_to_region",
    "region_share", "window_template_share", "page_template_share",
)
LOOSE = CONTEXT_NAMES.index("unanchored_fragment")

_FAR = 12  # distances to the nearest anchor are capped here
_LOG_FAR = math.log(_FAR)
_WINDOW = 3  # lines on each side
_MAX_LOG_CHARS = 8.0
_MAX_BLOCK = 200
_MAX_REPEATS = 50
_MAX_LINES = 2000
_MAX_GAP = 20000  # characters between a line and the main region are capped here
TEMPLATE_REPEATS = 3  # a key this frequent on its page is a template's (a comment's "Reply")
REGION_COST = 1.5  # a line without sentence structure costs this many characters per character
REGION_CAP = 80  # ... of its first 80
MAX_RUN = 10  # lines without sentence structure that two sentences hold as body
LIST_RUN = 60  # ... or that a sentence ending in a colon announces (a list)
_LOG = [math.log(k) if k else 0.0 for k in range(_MAX_BLOCK + 2)]  # log(0) stands for 0


class _Line(Protocol):
    kind: int
    s: str  # the canonical line
    key: str


def _ends_colon(s: str) -> bool:
    t = s.rstrip(lx.TRAIL_CLOSERS)
    return t[-1:] in (":", "\uff1a") and t != ""


def context_features(lines: Sequence[_Line], blocks: Sequence[int],
                     want: Sequence[int] | None = None) -> list[tuple[float, ...]]:
    """The context features of the present ``lines`` (their analyses: ``kind``,
    canonical ``s`` and ``key``), in the order of :data:`CONTEXT_NAMES`; ``blocks``
    are their block numbers (lines between the same blank lines share one); ``want``,
    when given, the positions to describe (the others are skipped).

    >>> from polyclean.boilerplate.analysis import analyse
    >>> lines = [analyse(s) for s in ("Home", "The minister said on Monday that talks go on.")]
    >>> ctx = context_features(lines, [0, 1])
    >>> dict(zip(CONTEXT_NAMES, ctx[0]))["before_body"], dict(zip(CONTEXT_NAMES, ctx[1]))["in_region"]
    (1.0, 1.0)
    """
    m = len(lines)
    if not m:
        return []
    kinds = [a.kind for a in lines]
    anchor = [k == ANCHOR for k in kinds]
    running = [k >= SENTENCE for k in kinds]
    keys = [a.key for a in lines]
    chars = [len(a.s) for a in lines]
    logc = [min(math.log1p(c), _MAX_LOG_CHARS) for c in chars]
    anchors = [i for i in range(m) if anchor[i]]
    first_a = anchors[0] if anchors else m
    last_a = anchors[-1] if anchors else -1
    prev_a = _distances(anchor, range(m))
    next_a = _distances(anchor, range(m - 1, -1, -1))
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    # prefix sums: anchors, log characters, characters, template lines
    acc_a, acc_c, acc_n, acc_t = [0], [0.0], [0], [0]
    for i in range(m):
        acc_a.append(acc_a[-1] + anchor[i])
        acc_c.append(acc_c[-1] + logc[i])
        acc_n.append(acc_n[-1] + chars[i])
        acc_t.append(acc_t[-1] + (counts[keys[i]] >= TEMPLATE_REPEATS and keys[i] != ""))
    bsize: dict[int, int] = {}
    banch: dict[int, int] = {}
    for i, b in enumerate(blocks):
        bsize[b] = bsize.get(b, 0) + 1
        banch[b] = banch.get(b, 0) + anchor[i]
    run = _runs(running)
    after_colon = _after_colon(lines, running)
    loose = _unanchored(lines, anchor, running)
    ra, rb = main_region([c if anchor[i] else 0.0 if running[i] else -REGION_COST * min(c, REGION_CAP)
                          for i, c in enumerate(chars)])
    page = (len(anchors) / m, math.log1p(min(m, _MAX_LINES)))
    region_share = (acc_n[rb + 1] - acc_n[ra]) / acc_n[m] if acc_n[m] else 0.0
    page_template = acc_t[m] / m
    title = keys[0] if not running[0] else ""
    denom = max(m - 1, 1)
    out = []
    for i in (range(m) if want is None else want):
        lo = i - _WINDOW if i > _WINDOW else 0
        hi = i + _WINDOW + 1 if i + _WINDOW + 1 < m else m
        w = hi - lo - 1 or 1
        b = blocks[i]
        size = bsize[b]
        key = keys[i]
        region = _region(i, ra, rb, acc_n, region_share)
        out.append((
            i / denom, float(i < first_a), float(i > last_a), _LOG[prev_a[i]], _LOG[next_a[i]],
            float(i > 0 and running[i - 1]), float(i + 1 < m and running[i + 1]),
            float(i > 0 and anchor[i - 1]), float(i + 1 < m and anchor[i + 1]),
            logc[i - 1] if i > 0 else 0.0, logc[i + 1] if i + 1 < m else 0.0,
            (acc_a[hi] - acc_a[lo] - anchor[i]) / w, (acc_c[hi] - acc_c[lo] - logc[i]) / w,
            _LOG[min(size, _MAX_BLOCK)], float(size == 1), banch[b] / size,
            math.log1p(min(run[i], _MAX_BLOCK)), after_colon[i],
            _LOG[min(counts[key], _MAX_REPEATS)] if key else 0.0,
            float(i > 0 and title != "" and key == title), *page, loose[i], *region,
            (acc_t[hi] - acc_t[lo] - acc_t[i + 1] + acc_t[i]) / w, page_template,
        ))
    return out


def context_scores(lines: Sequence[_Line], blocks: Sequence[int], want: Sequence[int],
                   weights: tuple[Sequence[float], Sequence[float]]) -> list[tuple[bool, float]]:
    """For each position of ``want``: whether the line is an ``unanchored_fragment``
    and the dot product of its context features (:func:`context_features`) with the
    context ``weights`` of that part of the model ((held, unanchored)).  The compiled
    helper (``polyclean/_speedups/_lines.pyx``) gives the same floats without building
    the features; this is the pure code, and the fallback.

    >>> from polyclean.boilerplate.analysis import analyse
    >>> lines = [analyse(s) for s in ("Home", "The minister said on Monday that talks go on.")]
    >>> ones = (1.0,) * len(CONTEXT_NAMES)
    >>> [(loose, z)] = context_scores(lines, [0, 1], [0], (ones, ones))
    >>> loose, z == sum(context_features(lines, [0, 1], [0])[0])
    (False, True)
    """
    compiled = _speedups.lines
    if compiled is not None:
        return compiled.context_scores([a.kind for a in lines], [a.s for a in lines],
                                       [a.key for a in lines], list(blocks), list(want),
                                       weights[0], weights[1], _LOG, lx.TRAIL_CLOSERS)
    out = []
    for c in context_features(lines, blocks, want):
        loose = c[LOOSE] > 0
        out.append((loose, sum(map(mul, weights[loose], c))))
    return out


def _region(i: int, ra: int, rb: int, acc_n: list[int], share: float) -> tuple[float, ...]:
    """The region features of line ``i`` for the main region ``ra``..``rb`` (``acc_n``:
    prefix sums of characters; ``share``: the region's share of them).

    >>> _region(0, 1, 2, [0, 10, 30, 40], 0.5)[:4], _region(1, 1, 2, [0, 10, 30, 40], 0.5)[0]
    ((0.0, 1.0, 0.0, 0.6931471805599453), 1.0)
    """
    if i < ra:
        return (0.0, 1.0, 0.0, math.log1p(min(ra - i, _MAX_BLOCK)),
                math.log1p(min(acc_n[ra] - acc_n[i + 1], _MAX_GAP)), share)
    if i > rb:
        return (0.0, 0.0, 1.0, math.log1p(min(i - rb, _MAX_BLOCK)),
                math.log1p(min(acc_n[i] - acc_n[rb + 1], _MAX_GAP)), share)
    return (1.0, 0.0, 0.0, 0.0, 0.0, share)


def main_region(scores: list[float]) -> tuple[int, int]:
    """The first and last index of the contiguous run of lines with the largest sum of
    ``scores``: the main text of the page, as in Finn et al.'s Body Text Extraction
    (a maximum-sum subarray), over lines instead of tokens.  A line of running text of
    8+ words scores its characters, a shorter sentence 0, any other line minus
    ``REGION_COST`` times its characters (at most ``REGION_CAP`` of them), so the
    region spans the body with its subheadings and list items but stops at a menu or
    a block of links.

    >>> main_region([-5.0, 40.0, -3.0, 60.0, -80.0, 30.0])
    (1, 3)
    >>> main_region([-1.0, -2.0])
    (0, 0)
    """
    best = -math.inf
    cur = 0.0
    start = a = b = 0
    for i, s in enumerate(scores):
        if cur <= 0.0:
            cur = 0.0
            start = i
        cur += s
        if cur > best:
            best, a, b = cur, start, i
    return a, b


def _distances(anchor: list[bool], order: range) -> list[int]:
    """For each line in ``order``, the distance to the nearest anchor met before it
    (capped at ``_FAR``).

    >>> _distances([True, False, False], range(3)), _distances([True, False, False], range(2, -1, -1))
    ([12, 1, 2], [12, 12, 12])
    """
    out = [0] * len(anchor)
    d = _FAR
    for i in order:
        out[i] = d
        d = 1 if anchor[i] else min(d + 1, _FAR)
    return out


def _runs(running: list[bool]) -> list[int]:
    """The length of the run of lines without running text each line is in.

    >>> _runs([True, False, False, True])
    [0, 2, 2, 0]
    """
    m = len(running)
    run = [0] * m
    i = 0
    while i < m:
        j = i
        while j < m and not running[j]:
            j += 1
        for k in range(i, j):
            run[k] = j - i
        i = max(j, i + 1)
    return run


def _after_colon(lines: Sequence[_Line], running: list[bool]) -> list[float]:
    """1.0 for the lines after a running line ending in a colon, up to the next
    running line (the items of an announced list)."""
    out = [0.0] * len(running)
    open_list = False
    for i, r in enumerate(running):
        if r:
            open_list = _ends_colon(lines[i].s)
        elif open_list:
            out[i] = 1.0
    return out


def _unanchored(lines: Sequence[_Line], anchor: list[bool], running: list[bool]) -> list[float]:
    """1.0 for a line without sentence structure that no body text holds: not in a run
    of at most ``MAX_RUN`` such lines between an anchoring sentence (8+ words, short
    sentences between skipped) and another sentence, nor up to ``LIST_RUN`` after a
    sentence ending in a colon, nor a title right above the text (the rule polyclean
    used before the classifier; now the line's part of the model, see :mod:`.model`).

    >>> from types import SimpleNamespace as L
    >>> lines = [L(s=s) for s in ("A long sentence.", "Menu", "Another one.", "x", "y")]
    >>> a = [True, False, True, False, False]
    >>> _unanchored(lines, a, a)
    [0.0, 0.0, 0.0, 1.0, 1.0]
    """
    m = len(anchor)
    out = [0.0] * m
    i = 0
    while i < m:
        if running[i]:
            i += 1
            continue
        j = i
        while j < m and not running[j]:
            j += 1
        p = i - 1
        a = p
        while a >= 0 and running[a] and not anchor[a]:
            a -= 1
        if i == 0:
            held = j <= 2 and j < m and anchor[j]
        elif a < 0 or not anchor[a]:
            held = False
        elif _ends_colon(lines[p].s):
            held = j - i <= LIST_RUN
        else:
            held = j - i <= MAX_RUN and j < m
        if not held:
            for k in range(i, j):
                out[k] = 1.0
        i = j
    return out
