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
_MAX_LOG_CHARS = 8.0  # context features are bounded, so their weight has a known maximum
_MAX_BLOCK = 200
_MAX_REPEATS = 50
_MAX_LINES = 2000
_LOG_FAR = math.log(_FAR)
# the range of each context feature, in the order of CONTEXT_NAMES
CONTEXT_RANGES = (
    (0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, _LOG_FAR), (0.0, _LOG_FAR),
    (0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, 1.0), (0.0, _MAX_LOG_CHARS),
    (0.0, _MAX_LOG_CHARS), (0.0, 1.0), (0.0, _MAX_LOG_CHARS), (0.0, math.log(_MAX_BLOCK)),
    (0.0, 1.0), (0.0, 1.0), (0.0, math.log1p(_MAX_BLOCK)), (0.0, 1.0),
    (0.0, math.log(_MAX_REPEATS)), (0.0, 1.0), (0.0, 1.0), (0.0, math.log1p(_MAX_LINES)),
    (0.0, 1.0),
)


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


_DIGITS_B = b"0123456789"
_ALNUM_SPACE_B = bytes(c for c in range(128) if chr(c).isalnum() or c == 32)
_CASE4_RE = re.compile(r"(?:^|(?<= ))[\"'(\[]*([A-Za-z])[^ ]{3}")


def _shape(head: str) -> tuple[float, float, float]:
    """(title share, digit share, punctuation share) of the first 400 characters.

    >>> _shape("Markets Rally 2 Oil Slides!")
    (1.0, 0.037037037037037035, 0.037037037037037035)
    """
    n = len(head)
    if head.isascii():
        b = head.encode("ascii")
        letters = _CASE4_RE.findall(head)
        title = sum(map(str.isupper, letters)) / len(letters) if letters else -1.0
        return (title, (n - len(b.translate(None, _DIGITS_B))) / n,
                len(b.translate(None, _ALNUM_SPACE_B)) / n)
    return (_title_share(head), len(_DIGIT_RE.findall(head)) / n,
            len(_PUNCT_RE.findall(head)) / n)


def line_features(line: Line, common: frozenset[str], ph: Phrases,
                  running: bool | None = None) -> tuple[float, ...]:
    """The features of one line on its own, in the order of :data:`LINE_NAMES`
    (``running``: whether it reads as running text, when already known).

    >>> from polyclean.boilerplate.keys import shipped_phrases
    >>> f = dict(zip(LINE_NAMES, line_features(Line.of("Why Subscribe?"),
    ...                                            frozenset(["why"]), shipped_phrases())))
    >>> f["ends_question"], f["common_share"], f["ui_share"], f["running_text"]
    (1.0, 0.5, 0.5, 1.0)
    """
    s, tokens, n_units = line.s, line.tokens, line.units
    head = s if len(s) <= 400 else s[:400]
    toks = tokens if tokens is not None else line.key.split()
    nt = len(toks) or 1
    t = s.rstrip(lx.TRAIL_CLOSERS)
    last = t[-1] if t else ""
    if running is None:
        running = line.ends or has_sentences(s, n_units)
    first = s[0]
    ui = ph.ui
    ui_start = float(toks[0] in ui or " ".join(toks[:2]) in ui or " ".join(toks[:3]) in ui) \
        if toks else 0.0
    token_chars = len(line.key) - len(toks) + 1 if toks else 0
    title, digits, punct = _shape(head)
    return (
        math.log1p(len(s)), math.log1p(n_units), float(line.ends), float(running),
        float(running and n_units >= ANCHOR_UNITS), float(last in ":\uff1a"),
        float(last in "?\uff1f"), float(last == "!"),
        float(first.islower()), float(first.isdigit()), float(bool(_BULLET_START_RE.match(s))),
        title, float(len(head) >= 4 and head.isupper()), digits, punct,
        float(("@" in head or "#" in head or "http" in head or "www." in head or ".com" in head
               or ".org" in head) and bool(_URLISH_RE.search(head))),
        float(min(head.count("|") + head.count("\u00bb") + head.count("\u203a") + head.count(">")
                  + head.count("/") + head.count("\u00b7") + head.count("\u2022"), 5)) / 5,
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
                     want: list[int] | None = None) -> list[tuple[float, ...]]:
    """The context features of each present line, in the order of
    :data:`CONTEXT_NAMES`: ``feats`` are their line features, ``blocks`` their block
    numbers (lines between the same blank lines share one), ``keys`` their keys;
    ``want``, when given, the positions to describe (the others are skipped).

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
    logc = [min(f[_LOG_CHARS], _MAX_LOG_CHARS) for f in feats]
    anchors = [i for i in range(m) if anchor[i]]
    first_a = anchors[0] if anchors else m
    last_a = anchors[-1] if anchors else -1
    prev_a = _distances(anchor, range(m))  # to the nearest anchor before (capped)
    next_a = _distances(anchor, range(m - 1, -1, -1))
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
    run, after_colon = _runs(feats, running)
    loose = _unanchored(feats, anchor, running)
    counts: dict[str, int] = {}
    for k in keys:
        counts[k] = counts.get(k, 0) + 1
    title = keys[0] if not running[0] else ""
    page_share = len(anchors) / m
    page_lines = math.log1p(min(m, _MAX_LINES))
    denom = max(m - 1, 1)
    out = []
    for i in (range(m) if want is None else want):
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
            math.log(min(bsize[b], _MAX_BLOCK)), float(bsize[b] == 1), banch[b] / bsize[b],
            math.log1p(min(run[i], _MAX_BLOCK)), after_colon[i],
            math.log(min(counts[keys[i]], _MAX_REPEATS)) if keys[i] else 0.0,
            float(i > 0 and bool(title) and keys[i] == title),
            page_share, page_lines, loose[i],
        ))
    return out


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


def _runs(feats: list[tuple[float, ...]], running: list[bool]) -> tuple[list[int], list[float]]:
    """The length of the run of lines without running text each line is in, and 1.0 for
    the lines after a running line ending in a colon, up to the next running line.

    >>> _runs([(0.0,) * 6] * 3, [True, False, False])
    ([0, 2, 2], [0.0, 0.0, 0.0])
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
    after_colon = [0.0] * m
    open_list = False
    for i in range(m):
        if running[i]:
            open_list = feats[i][_ENDS_COLON] > 0
        elif open_list:
            after_colon[i] = 1.0
    return run, after_colon


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
