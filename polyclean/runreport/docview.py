"""One document's source and output side by side, as HTML (the page's sample) or as
lines for a terminal (``polyclean explain``), both from :func:`~.align.align`.

Every changed stretch is marked on both sides and carries the steps and reasons of the
changes that made it: the HTML ``title`` (shown on hover), or a number in the terminal
that the legend under the view explains.
"""

from __future__ import annotations

import re
import unicodedata
from html import escape
from typing import Any, Sequence

from ..errors import plural
from .align import Piece, align, rows

MAX_VIEW_CHARS = 60_000  # source characters shown per sampled document on the page


def change_label(ch: dict[str, Any]) -> str:
    """``step: reason`` with the language and package where the change has them.

    >>> change_label({"step": "translate", "reason": "translated ru->en with pkg",
    ...               "lang": "ru", "confidence": 0.99, "package": "pkg"})
    'translate: translated ru->en with pkg [ru 0.99]'
    """
    text = f"{ch.get('step', '?')}: {ch.get('reason', '')}"
    if ch.get("lang"):
        conf = ch.get("confidence")
        text += f" [{ch['lang']}{f' {conf:.2f}' if isinstance(conf, (int, float)) else ''}]"
    if ch.get("package") and str(ch["package"]) not in text:
        text += f" ({ch['package']})"
    return text


def _steps(ids: Sequence[int], changes: Sequence[dict]) -> str:
    return " ".join(sorted({f"s-{changes[i].get('step', 'x')}" for i in ids}))


def html_view(report: dict[str, Any], source: str | None) -> str:
    """The side-by-side table of one document (or its list of changes when its source
    is not known or does not fit the report)."""
    changes = report.get("changes") or []
    if source is None:
        return ("<p class=note>The source text of this document is not in the report, so "
                "its changes are listed alone.</p>" + _change_table(changes))
    try:
        pieces = align(source, report)
    except (ValueError, KeyError) as exc:
        return (f"<p class=note>The source text found does not fit this report ({escape(str(exc))});"
                " its changes are listed alone.</p>" + _change_table(changes))
    out = ["<table class=sbs><thead><tr><th>source</th><th>output</th></tr></thead><tbody>"]
    shown = 0
    for left, right in rows(pieces):
        out.append("<tr><td>" + _cell(left, changes, "src") + "</td><td>"
                   + _cell(right, changes, "out") + "</td></tr>")
        shown += sum(len(t) for t, _ in left)
        if shown > MAX_VIEW_CHARS:
            rest = len(source) - shown
            out.append(f"<tr><td colspan=2 class=note>… {rest:,} more characters not shown"
                       "</td></tr>")
            break
    out.append("</tbody></table>")
    return "".join(out)


# What an HTML page cannot hold as text: controls HTML forbids (a NUL, an escape) and
# lone surrogates (no UTF-8 form: the page could not be written); and the bidirectional
# embeddings, overrides and isolates, invisible, which reorder the rest of the cell
# ("\u202e" showed the source after it backwards, and itself not at all).  Shown escaped.
_NOT_IN_HTML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
                          "\u202a-\u202e\u2066-\u2069]")


def _escaped(m: re.Match) -> str:
    """A matched character as Python writes it in a string (``\\x00``, ``\\ud800``)."""
    return repr(m.group())[1:-1]


def _esc(text: str) -> str:
    r"""``text`` as HTML text, what HTML cannot hold escaped as the legend shows it.

    >>> _esc("a<b \ud800\x00\tc")
    'a&lt;b \\ud800\\x00\tc'
    """
    return escape(_NOT_IN_HTML.sub(_escaped, text))


def _cell(spans: Sequence[tuple[str, tuple[int, ...]]], changes: Sequence[dict], side: str
          ) -> str:
    parts = []
    for text, ids in spans:
        if not ids:
            parts.append(_esc(text))
            continue
        title = escape("\n".join(change_label(changes[i]) for i in ids))
        shown = _esc(text) if text else "<i>∅</i>"
        parts.append(f'<span class="c {side} {_steps(ids, changes)}" title="{title}" '
                     f'data-changes="{",".join(map(str, ids))}">{shown}</span>')
    return "".join(parts)


def _change_table(changes: Sequence[dict]) -> str:
    if not changes:
        return "<p>No changes.</p>"
    out = ["<table class=changes><thead><tr><th>step: reason</th><th>original</th>"
           "<th>result</th></tr></thead><tbody>"]
    for ch in changes[:500]:
        out.append(f"<tr><td>{escape(change_label(ch))}</td>"
                   f"<td><del>{_esc(str(ch.get('original', '')))}</del></td>"
                   f"<td><ins>{_esc(str(ch.get('result', '')))}</ins></td></tr>")
    if len(changes) > 500:
        out.append(f"<tr><td colspan=3>… {len(changes) - 500:,} more</td></tr>")
    out.append("</tbody></table>")
    return "".join(out)


# --- terminal -----------------------------------------------------------------------------
RED, GREEN, DIM, RESET = "\x1b[41;97m", "\x1b[42;30m", "\x1b[2m", "\x1b[0m"


def terminal_view(pieces: Sequence[Piece], changes: Sequence[dict], width: int,
                  colour: bool) -> list[str]:
    """Lines of a two-column view ``width`` characters wide.  Changed stretches are
    numbered ``[n]`` after them (n = position in the report, from 1) and, with
    ``colour``, shown red (source) and green (output); without colour they are wrapped
    in ``[-…-]`` and ``{+…+}``.

    >>> ps = [Piece("Hi\\n", "Hi\\n"), Piece("Menu\\n", "", (0,)), Piece("End", "End")]
    >>> print("\\n".join(terminal_view(ps, [{"step": "boilerplate"}], 40, False)))
    Hi                 │ Hi
    [-Menu⏎-][1]       │ {+∅+}[1]End
    End                │
    """
    col = max(8, (width - 3) // 2)
    lines = []
    for left, right in rows(pieces):
        a = _wrap(_marked(left, colour, True), col, colour)
        b = _wrap(_marked(right, colour, False), col, colour)
        for i in range(max(len(a), len(b))):
            la = a[i] if i < len(a) else ("", 0)
            lb = b[i] if i < len(b) else ("", 0)
            lines.append(la[0] + " " * (col - la[1]) + " │ " + lb[0])
    return [line.rstrip() for line in lines]


# Characters a terminal would act on or cannot print: C0/C1 controls but the line break
# (a NUL, an escape sequence that moves the cursor or recolours the screen, a tab that
# shifts the columns), lone surrogates (not encodable: a JSON string may hold them), the
# Unicode line and paragraph separators, and the bidirectional embeddings, overrides and
# isolates (a terminal that orders text showed the rest of the row, the output column
# too, backwards).  The view shows them escaped, as the legend.
_UNSHOWABLE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029"
                         "\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    r"""``text`` safe to print on a terminal: controls and lone surrogates escaped.

    >>> printable("a\tb\x1b[2Jc\x00\ud800 é\n"), printable("x\u202eevil\u202c")
    ('a\\tb\\x1b[2Jc\\x00\\ud800 é\n', 'x\\u202eevil\\u202c')
    """
    return _UNSHOWABLE.sub(_escaped, text)


def _marked(spans, colour: bool, source: bool) -> list[tuple[str, str]]:
    """(visible text, style) chunks: style '' plain, 'a' removed, 'b' added, 'n' number;
    a chunk "\n" breaks the line (a changed stretch keeps its line breaks, shown ⏎)."""
    out = []
    for text, ids in spans:
        text = printable(text)
        if not ids:
            out.append((text.rstrip("\n"), ""))
            continue
        brk = text.endswith("\n")
        segs = (text[:-1] if brk else text).split("\n") if text else ["∅"]
        for i, seg in enumerate(segs):
            if i:
                out.append(("\n", ""))
            shown = seg + ("⏎" if i < len(segs) - 1 or brk else "")
            if not colour:
                shown = f"[-{shown}-]" if source else f"{{+{shown}+}}"
            out.append((shown, "a" if source else "b"))
        out.append(("[" + ",".join(str(i + 1) for i in ids) + "]", "n"))
        if brk:
            out.append(("\n", ""))
    return out


_STYLE = {"": "", "a": RED, "b": GREEN, "n": DIM}


def _wrap(chunks: list[tuple[str, str]], col: int, colour: bool) -> list[tuple[str, int]]:
    """Cut styled chunks into lines of at most ``col`` visible characters:
    (line with escape codes, visible length)."""
    lines: list[tuple[str, int]] = []
    cur, n = "", 0
    for text, style in chunks:
        first = True
        for text in text.split("\n"):
            if not first:  # a line break inside a changed stretch
                lines.append((cur, n))
                cur, n = "", 0
            first = False
            cur, n = _fill(lines, cur, n, text, style, col, colour)
    lines.append((cur, n))
    return lines


def _fill(lines: list, cur: str, n: int, text: str, style: str, col: int, colour: bool
          ) -> tuple[str, int]:
    """Add ``text`` to the line ``cur`` (``n`` visible characters), starting new lines
    in ``lines`` when it is full."""
    if style == "n" and n and len(text) > col - n and len(text) <= col:
        lines.append((cur, n))  # a change's number is not cut ("[" ... "3]")
        cur, n = "", 0
    while text:
        room = col - n
        if room <= 0:
            lines.append((cur, n))
            cur, n = "", 0
            room = col
        k, used = _fit(text, room)
        if k == 0 and n == 0:  # a wide character in a column of one cell
            k, used = 1, _width(text[0])
        elif k == 0:
            lines.append((cur, n))
            cur, n = "", 0
            continue
        part, text = text[:k], text[k:]
        cur += (_STYLE[style] + part + RESET) if style and colour else part
        n += used
    return cur, n


def cells(text: str) -> int:
    """Terminal cells ``text`` takes: 2 for wide and full-width characters (Han, Kana,
    Hangul, full-width forms), 0 for combining marks, 1 for the others.

    >>> cells("abc"), cells("日本語"), cells("e\u0301")
    (3, 6, 1)
    """
    if text.isascii():
        return len(text)
    return sum(_width(c) for c in text)


def _width(c: str) -> int:
    if c < "\u0300":
        return 1
    if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1


def _fit(text: str, room: int) -> tuple[int, int]:
    """How many characters of ``text`` fill at most ``room`` cells, and their cells."""
    if text.isascii():
        k = min(len(text), room)
        return k, k
    used = 0
    for k, c in enumerate(text):
        w = _width(c)
        if used + w > room:
            return k, used
        used += w
    return len(text), used


def legend(changes: Sequence[dict], limit: int = 200) -> list[str]:
    """One line per change: ``[n] step: reason: 'original' -> 'result'``."""
    out = []
    for i, ch in enumerate(changes[:limit], 1):
        a = _clip(str(ch.get("original", "")))
        b = _clip(str(ch.get("result", "")))
        out.append(f"[{i}] {change_label(ch)}: {a!r} -> {b!r}")
    if len(changes) > limit:
        out.append(f"… {plural(len(changes) - limit, 'more change')}")
    return out


def _clip(text: str, n: int = 60) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"
