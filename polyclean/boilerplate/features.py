"""Features of a line, its neighbours and its page, for the line classifier.

:func:`line_features` describes one canonical line on its own (length, punctuation,
case, digits, link-like tokens, the share of very common words, the phrase lists)
and is computed once per distinct line.  :func:`context_features` adds what its
page says about it: its neighbours, its block (lines between blank lines), its
distance to the nearest lines of running text, repeats of it on the page.

Context is computed over the lines that are still *present* (not removed), so a
page and the same page with its boilerplate removed give the lines that stay the
same features: that is what makes cleaning idempotent (see :mod:`.remover`).
Recurrence across a batch is not a feature (the training pages come from mostly
distinct sites); it stays a separate rule.
"""

from __future__ import annotations

import math
import re

from . import lexicon as lx
from .keys import Phrases
from .rules import Line, has_sentences

ANCHOR_UNITS = 8  # a line of running text with at least this many words anchors the body
_FAR = 12  # distances to the nearest anchor are capped here

_URLISH_RE = re.compile(r"https?://|www\.|\.com\b|\.org\b|@\w|#\w|\w@\w")
_SEPARATORS = "|\u00bb\u203a>/\u00b7\u2022"
_BULLET_START_RE = re.compile(r"^(?:[-*+]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")
_CAPS_SKIP = "\"'(\u201c\u2018\u00ab["

LINE_NAMES = (
    "log_chars", "log_units", "ends_sentence", "running_text", "anchor", "ends_colon",
    "ends_question", "ends_exclaim", "starts_lower", "starts_digit", "list_item",
    "title_case", "all_caps", "digit_share", "punct_share", "linkish", "separators",
    "common_share", "ui_share", "ui_start", "date_share", "inner_ends", "commas",
    "mean_word", "unspaced", "short_fragment",
)
CONTEXT_NAMES = (
    "rel_pos", "before_body", "after_body", "log_dist_prev", "log_dist_next",
    "prev_running", "next_running", "prev_anchor", "next_anchor", "prev_log_chars",
    "next_log_chars", "window_anchor_share", "window_log_chars", "block_log_size",
    "alone_in_block", "block_anchor_share", "run_log_len", "after_colon", "page_repeats",
    "title_copy", "page_anchor_share", "page_log_lines", "unanchored_fragment",
)
NAMES = LINE_NAMES + CONTEXT_NAMES


def _title_share(s: str) -> float:
    """Share of words of 4+ letters that start with a capital (-1 when none is cased).

    >>> _title_share("Markets Rally As Oil Slides"), _title_share("he is so"), _title_share("政府表示")
    (1.0, -1.0, -1.0)
    """
    caps = total = 0
    for w in s.split():
        if len(w) < 4:
            continue
        c = w[0]
        if not c.isalpha():
            c = w.lstrip(_CAPS_SKIP)[:1]
            if not c.isalpha():
                continue
        if c.isupper():
            caps += 1
            total += 1
        elif c.islower():
            total += 1
    return caps / total if total else -1.0


_DIGIT_RE = re.compile(r"\d")
_PUNCT_RE = re.compile(r"[^\w\s]|_")


def line_features(line: Line, common: frozenset[str], ph: Phrases) -> tuple[float, ...]:
    """The features of one line on its own, in the order of :data:`LINE_NAMES`.

    >>> from polyclean.boilerplate.keys import shipped_phrases
    >>> f = dict(zip(LINE_NAMES, line_features(Line.of("Why Subscribe?"),
    ...                                            frozenset(["why"]), shipped_phrases())))
    >>> f["ends_question"], f["common_share"], f["ui_share"], f["running_text"]
    (1.0, 0.5, 0.5, 1.0)
    """
    s, tokens, n_units = line.s, line.tokens, line.units
    head = s if len(s) <= 400 else s[:400]
    n = len(head)
    toks = tokens if tokens is not None else line.key.split()
    nt = len(toks) or 1
    t = s.rstrip(lx.TRAIL_CLOSERS)
    last = t[-1] if t else ""
    running = line.ends or has_sentences(s, n_units)
    first = s[0]
    ui_start = 0.0
    for k in (3, 2, 1):
        if len(toks) >= k and " ".join(toks[:k]) in ph.ui:
            ui_start = 1.0
            break
    token_chars = len(line.key) - len(toks) + 1 if toks else 0
    return (
        math.log1p(len(s)), math.log1p(n_units), float(line.ends), float(running),
        float(running and n_units >= ANCHOR_UNITS), float(last in ":\uff1a"),
        float(last in "?\uff1f"), float(last == "!"),
        float(first.islower()), float(first.isdigit()), float(bool(_BULLET_START_RE.match(s))),
        _title_share(head), float(n >= 4 and head.isupper()),
        len(_DIGIT_RE.findall(head)) / n, len(_PUNCT_RE.findall(head)) / n,
        float(("@" in head or "#" in head or "http" in head or "www." in head or ".com" in head
               or ".org" in head) and bool(_URLISH_RE.search(head))),
        float(min(sum(head.count(c) for c in _SEPARATORS), 5)) / 5,
        sum(map(common.__contains__, toks)) / nt, sum(map(ph.cover_tokens.__contains__, toks)) / nt,
        ui_start, (sum(map(lx.DATE_WORDS.__contains__, toks)) + toks.count("0")) / nt,
        float(min(head.count(". ") + head.count("? ") + head.count("! "), 3)),
        min(s.count(",") / nt, 1.0), min(token_chars / nt, 20) / 10,
        float(not s.isascii() and bool(lx.UNSPACED_RE.search(s))),
        float(not running and n_units <= 4),
    )


# indices into the line features that the context uses
_LOG_CHARS = LINE_NAMES.index("log_chars")
_RUNNING = LINE_NAMES.index("running_text")
_ANCHOR = LINE_NAMES.index("anchor")
_ENDS_COLON = LINE_NAMES.index("ends_colon")


def context_features(feats: list[tuple[float, ...]], blocks: list[int], keys: list[str],
                     ) -> list[tuple[float, ...]]:
    """The context features of each present line, in the order of
    :data:`CONTEXT_NAMES`: ``feats`` are their line features, ``blocks`` their block
    numbers (lines between the same blank lines share one), ``keys`` their keys.

    >>> from polyclean.boilerplate.keys import shipped_phrases
    >>> lines = [Line.of(s) for s in ("Home", "The minister said on Monday that talks go on.")]
    >>> fs = [line_features(ln, frozenset(), shipped_phrases()) for ln in lines]
    >>> ctx = context_features(fs, [0, 1], [ln.key for ln in lines])
    >>> dict(zip(CONTEXT_NAMES, ctx[0]))["before_body"], dict(zip(CONTEXT_NAMES, ctx[1]))["prev_running"]
    (1.0, 0.0)
    """
    m = len(feats)
    if not m:
        return []
    anchor = [f[_ANCHOR] > 0 for f in feats]
    running = [f[_RUNNING] > 0 for f in feats]
    logc = [f[_LOG_CHARS] for f in feats]
    anchors = [i for i in range(m) if anchor[i]]
    first_a = anchors[0] if anchors else m
    last_a = anchors[-1] if anchors else -1
    prev_a = [0] * m  # distance to the nearest anchor before (capped)
    d = _FAR
    for i in range(m):
        prev_a[i] = d
        d = 1 if anchor[i] else min(d + 1, _FAR)
    next_a = [0] * m
    d = _FAR
    for i in range(m - 1, -1, -1):
        next_a[i] = d
        d = 1 if anchor[i] else min(d + 1, _FAR)
    # prefix sums for windows
    acc_a = [0]
    acc_c = [0.0]
    for i in range(m):
        acc_a.append(acc_a[-1] + anchor[i])
        acc_c.append(acc_c[-1] + logc[i])
    # blocks
    bsize: dict[int, int] = {}
    banch: dict[int, int] = {}
    for i, b in enumerate(blocks):
        bsize[b] = bsize.get(b, 0) + 1
        banch[b] = banch.get(b, 0) + anchor[i]
    # runs of lines that are not running text
    run = [0] * m
    i = 0
    while i < m:
        j = i
        while j < m and not running[j]:
            j += 1
        for k in range(i, j):
            run[k] = j - i
        i = max(j, i + 1)
    # lines right after a running line ending in a colon, up to the next running line
    after_colon = [0.0] * m
    open_list = False
    for i in range(m):
        if running[i]:
            open_list = feats[i][_ENDS_COLON] > 0
        elif open_list:
            after_colon[i] = 1.0
    loose = _unanchored(feats, anchor, running)
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    title = keys[0] if not running[0] else ""
    page_share = len(anchors) / m
    page_lines = math.log1p(m)
    denom = max(m - 1, 1)
    out = []
    for i in range(m):
        lo, hi = max(0, i - 3), min(m, i + 4)
        w = hi - lo - 1
        b = blocks[i]
        out.append((
            i / denom, float(i < first_a), float(i > last_a),
            math.log(prev_a[i]), math.log(next_a[i]),
            float(i > 0 and running[i - 1]), float(i + 1 < m and running[i + 1]),
            float(i > 0 and anchor[i - 1]), float(i + 1 < m and anchor[i + 1]),
            logc[i - 1] if i > 0 else 0.0, logc[i + 1] if i + 1 < m else 0.0,
            (acc_a[hi] - acc_a[lo] - anchor[i]) / w if w else 0.0,
            (acc_c[hi] - acc_c[lo] - logc[i]) / w if w else 0.0,
            math.log(bsize[b]), float(bsize[b] == 1), banch[b] / bsize[b],
            math.log1p(run[i]), after_colon[i], math.log(counts[keys[i]]) if keys[i] else 0.0,
            float(i > 0 and bool(title) and keys[i] == title),
            page_share, page_lines, loose[i],
        ))
    return out


MAX_RUN = 10  # lines without sentence structure that two sentences hold as body
LIST_RUN = 60  # ... or that a sentence ending in a colon announces (a list)


def _unanchored(feats: list[tuple[float, ...]], anchor: list[bool], running: list[bool]
                ) -> list[float]:
    """1.0 for a line without sentence structure that no body text holds: not in a run
    of at most ``MAX_RUN`` such lines between an anchoring sentence (8+ words, short
    sentences between skipped) and another sentence, nor up to ``LIST_RUN`` after a
    sentence ending in a colon, nor a title right above the text (the rule polyclean
    used before the classifier; now one feature among others).

    >>> a, r = [True, False, True, False, False], [True, False, True, False, False]
    >>> _unanchored([(0.0,) * 6] * 5, a, r)
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
        elif feats[p][_ENDS_COLON] > 0:
            held = j - i <= LIST_RUN
        else:
            held = j - i <= MAX_RUN and j < m
        if not held:
            for k in range(i, j):
                out[k] = 1.0
        i = j
    return out
