"""Hard-wrapped text: the lines of a document, and the runs of them that are one
paragraph cut at a column (mail archives, ``lynx -dump``, ``fmt`` output), joined into
the one unit the remover judges (:func:`_unwrap`)."""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from . import lexicon as lx


def _lines(text: str) -> tuple[list[tuple[int, int]], list[str], list[int]]:
    """Spans (with the line break), stripped strings and block numbers of the
    non-blank lines of ``text``; a blank line starts a new block."""
    spans: list[tuple[int, int]] = []
    strs: list[str] = []
    blocks: list[int] = []
    pos = 0
    size = len(text)
    block = 0
    for raw in text.split("\n"):
        end = pos + len(raw)
        s = raw.strip()
        if s and (s[0] in lx.INVISIBLE or s[-1] in lx.INVISIBLE):
            s = s.strip(lx.INVISIBLE)
        if s:
            spans.append((pos, end + 1 if end < size else end))
            strs.append(s)
            blocks.append(block)
        else:
            block += 1
        pos = end + 1
    return spans, strs, blocks


#: Hard-wrapped prose (mail archives, text dumps at a fixed width): a run of lines
#: (a block between blank lines, or a paragraph of it, :func:`_runs`) of three or more
#: lines (two lines do not show a column: a long first line is the longest whatever
#: follows), all but the last at least WRAP_MIN_CHARS long and each broken where the
#: next line's first word would not have fitted within the run's longest line (at most
#: WRAP_MAX_WIDTH; how greedy wrapping breaks), at least one of them inside a sentence
#: and at least half of the lines after the first going on in lower case, is one
#: paragraph cut at a column.  Judged line by line its pieces read as fragments without
#: sentence structure (46 % of the words of Scrapinghub's gold bodies were kept when
#: wrapped at 72 columns).  The whole run is one unit, kept or removed whole, so a
#: second clean finds the same run.
WRAP_MIN_CHARS = 40
WRAP_MAX_WIDTH = 160
#: ... give or take this many characters: normalisation ("…" -> "...", runs of spaces)
#: changes lengths, and a second clean must find the same blocks.
WRAP_SLACK = 3
#: A document in which at least this many runs are wrapped (as above) shows its column
#: (their longest line): its other runs of two or more lines that are cut there too
#: (no line longer, each broken where the next word would not have fitted, none but
#: the last under half the column) are wrapped paragraphs, however their lines begin
#: (names, "I", capitalised terms) and however few.  One such run alone can be a
#: coincidence (a list whose items go on in lower case, on 1 of 328 real pages).
WRAP_EVIDENCE = 2
#: closing quotes and brackets after a sentence's end (see :func:`_runs`)
WRAP_CLOSE = "\"')]\u00bb\u201d\u2019"


def _unwrap(spans: list[tuple[int, int]], strs: list[str], blocks: list[int]
            ) -> tuple[list[tuple[int, int]], list[str], list[int]]:
    r"""The lines of :func:`_lines` with each hard-wrapped run joined into one line
    (the run's span, its lines joined by spaces): the unit that is judged.

    >>> import textwrap
    >>> p = ("The mayor, who was elected in 2019 after a long campaign, said on Monday that "
    ...      "the council would vote on the budget before the end of the month.")
    >>> t = "Subscribe\n\n" + textwrap.fill(p, 60) + "\n\nShare this\n"
    >>> spans, strs, blocks = _unwrap(*_lines(t))
    >>> strs == ["Subscribe", p, "Share this"]
    True
    >>> _unwrap(*_lines("Home\nNews\nSport\n"))[1]
    ['Home', 'News', 'Sport']

    A run of two lines is joined in a document whose wrapped runs show the column
    (WRAP_EVIDENCE), not alone:

    >>> q = "Voters will be asked on Sunday whether the old bridge should be rebuilt."
    >>> two = "\n" + textwrap.fill(q, 60)
    >>> _unwrap(*_lines(t + "\n" + textwrap.fill(p, 60) + "\n" + two))[1][-1] == q
    True
    >>> _unwrap(*_lines(t + two))[1][-1] == q
    False
    """
    n = len(strs)
    m = WRAP_MIN_CHARS  # a run of three lines that shows a column starts with two this long
    first = [k for k in range(n - 2) if blocks[k] == blocks[k + 2] and len(strs[k]) >= m
             and len(strs[k + 1]) >= m]
    if not first:
        return spans, strs, blocks  # most pages: the lines as they are
    runs = [r for b in dict.fromkeys(blocks[k] for k in first)
            for r in _runs(strs, bisect_left(blocks, b), bisect_right(blocks, b) - 1)]
    join = [(i, j) for i, j, ok in runs if ok and j > i + 1 and _wrapped(strs[i:j + 1])]
    if not join:
        return spans, strs, blocks
    if len(join) >= WRAP_EVIDENCE:  # the document shows its column
        col = max(max(map(len, strs[i:j + 1])) for i, j in join)
        k = 0
        while k < n:  # every block of two or more lines
            j = bisect_right(blocks, blocks[k]) - 1
            join += [(a, b) for a, b, ok in _runs(strs, k, j)
                     if ok and b > a and (a, b) not in join and _cut_at(strs[a:b + 1], col)]
            k = j + 1
        join.sort()
    out_spans, out_strs, out_blocks = [], [], []
    k = 0
    for i, j in join:
        out_spans += spans[k:i]
        out_strs += strs[k:i]
        out_blocks += blocks[k:i]
        out_spans.append((spans[i][0], spans[j][1]))
        out_strs.append(" ".join(strs[i:j + 1]))
        out_blocks.append(blocks[i])
        k = j + 1
    return out_spans + spans[k:], out_strs + strs[k:], out_blocks + blocks[k:]


def _runs(strs: list[str], i: int, j: int) -> list[tuple[int, int, bool]]:
    """(first, last) line of each run of lines of the block of lines ``i`` to ``j`` that
    can be one paragraph, and whether it may be one.  A block is cut after each line that
    its longest line's column did not break (the next word would have fitted): the last
    line of a paragraph, where paragraphs follow each other without a blank line
    (``lynx -dump``, indented paragraphs).  A run cut out of a block may be a paragraph
    only if it ends a sentence, as a paragraph does and a list item rarely does; a whole
    block may be one anyway.

    >>> lines = ["The council met on Monday to vote on the budget for the", "year.",
    ...          "Nobody came to the meeting, and the vote was put off until", "June.",
    ...          "Home"]
    >>> _runs(lines, 0, 4)
    [(0, 1, True), (2, 3, True), (4, 4, False)]
    """
    if j == i:
        return [(i, i, True)]
    lens = [len(s) for s in strs[i:j + 1]]
    last = max(lens) - WRAP_SLACK  # a break that leaves the next word within this ends
    if last + WRAP_SLACK > WRAP_MAX_WIDTH:
        return [(i, j, True)]
    ends = [i + k for k in range(j - i) if lens[k] + 1 + _first_word(strs[i + k + 1]) <= last]
    return [(a, b, not ends or strs[b].rstrip(WRAP_CLOSE)[-1:] in lx.SENTENCE_END)
            for a, b in zip([i] + [k + 1 for k in ends], ends + [j])]


def _first_word(s: str) -> int:
    """The length of the first word of ``s``."""
    k = s.find(" ")
    return len(s) if k < 0 else k


def _full(lines: list[str], col: int) -> bool:
    """Whether each line but the last was broken where the next line's first word would
    not have fitted within ``col`` columns (give or take WRAP_SLACK)."""
    return all(len(a) + 1 + _first_word(b) > col - WRAP_SLACK for a, b in zip(lines, lines[1:]))


def _wrapped(lines: list[str]) -> bool:
    """Whether the lines of one run are one paragraph cut at a column (see WRAP_*)."""
    w = max(map(len, lines))
    if w > WRAP_MAX_WIDTH or any(len(a) < WRAP_MIN_CHARS for a in lines[:-1]) \
            or not _full(lines, w):
        return False
    if all(a[-1] in lx.SENTENCE_END for a in lines[:-1]):
        return False  # one sentence a line: judged line by line as it is
    # a cut falls inside a sentence more often than not, so the next line goes on in
    # lower case ("...said on\nMonday that the council...\nthe month."); a list of
    # headlines starts each line with a capital
    lower = sum(b[:1].islower() and not b.startswith(("http", "www.")) for b in lines[1:])
    return 2 * lower >= len(lines) - 1


def _cut_at(lines: list[str], col: int) -> bool:
    """Whether the lines of a run of a document cut at ``col`` columns (shown by its
    wrapped runs) are one paragraph cut there too: no line longer than the column,
    each broken where the next word would not have fitted, none but the last shorter
    than half the column, not one sentence a line."""
    if any(len(a) > col + WRAP_SLACK for a in lines) or any(2 * len(a) < col for a in lines[:-1]):
        return False
    return _full(lines, col) and not all(a[-1] in lx.SENTENCE_END for a in lines[:-1])


def _parts(units: list[tuple[int, int]], spans: list[tuple[int, int]], strs: list[str]
           ) -> dict[int, list[str]]:
    r"""The lines (``spans``, ``strs`` of :func:`_lines`) of each unit of :func:`_unwrap`
    (by their ``units`` spans) that holds more than one.

    >>> t = "Home\nthe first line of a wrapped block\nand its second\nEnd\n"
    >>> units = [(0, 5), (5, 50), (50, 54)]
    >>> _parts(units, *_lines(t)[:2])
    {1: ['the first line of a wrapped block', 'and its second']}
    """
    out: dict[int, list[str]] = {}
    k = 0
    for i, (_, end) in enumerate(units):
        first = k
        while k < len(spans) and spans[k][0] < end:
            k += 1
        if k - first > 1:
            out[i] = strs[first:k]
    return out
