"""HTML to text, and what was left out: the extraction step of HTML inputs.

Two modes (``Config.extract``):

* ``main`` -- only the main content, by trafilatura (``trafilatura.extract``, its
  fallbacks on, comments and their form left out: they are not the page's content).
  Chosen over resiliparse's ``extract_plain_text(main_content=True)`` by
  ``bench/eval_web.py``: on the trafilatura evaluation subset it removes far more of
  the furniture (must-exclude removed 0.85 vs 0.68) for about the same must-include
  kept (0.956 vs 0.946), and on the Scrapinghub pages its token F1 is 0.97 vs 0.91;
  resiliparse is about eleven times faster.  See the README.
* ``all`` -- all visible text, one line per block (resiliparse's renderer: block
  elements, list items and table rows each on a line), for polyclean's own line-level
  boilerplate removal to judge.  Scripts, styles, ``<noscript>``, image alt texts,
  form fields and elements that are not rendered (the ``hidden`` attribute, inline
  ``display: none``) are not visible text.

Either way the text has one block per line, each line's white space collapsed and no
blank lines, so the later stages see the page's blocks as lines.

What extraction dropped is measured against the visible text (the ``all`` text of the
same page, computed on the way, cheap next to trafilatura): a visible block counts as
kept when at least half of its words are found, not yet used up, in the extracted
text (words are matched as a multiset, so trafilatura's own line breaks do not
matter), or when it is itself a line of the extracted text; the others are dropped.  :class:`Extracted` carries the counts and the
dropped blocks' spans in the visible text (:func:`visible_text` gives it again).

>>> page = ("<html><head><title>Budget</title></head><body><nav><a href=/>Home</a> "
...         "<a href=/news>News</a></nav><article><h1>Council budget</h1><p>The council "
...         "met on Tuesday to discuss the new budget for the city and its schools.</p>"
...         "<p>Several members asked for more money for schools and for the libraries "
...         "of the northern districts.</p></article><footer>Contact us</footer></body></html>")
>>> x = extract(page, "all")
>>> print(x.text)
Home News
Council budget
The council met on Tuesday to discuss the new budget for the city and its schools.
Several members asked for more money for schools and for the libraries of the northern districts.
Contact us
>>> x.title, x.dropped_blocks
('Budget', 0)
>>> y = extract(page, "main")
>>> y.text.splitlines()[0], y.dropped_blocks, y.dropped_chars
('Council budget', 2, 19)
>>> [visible_text(page)[a:b] for a, b in y.dropped_spans]
['Home News', 'Contact us']
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from ..errors import E, ExtractError
from ._deps import need

MODES = ("main", "all")
_WORD_RE = re.compile(r"\w+")
#: Elements a browser does not render (HTML standard: the ``hidden`` attribute;
#: inline CSS ``display: none``), so they are not visible text.
_NOT_RENDERED = ["[hidden]", '[style*="display:none"]', '[style*="display: none"]']


@dataclass(frozen=True)
class Extracted:
    """The text extracted from one page and what extraction left out.

    ``visible_*`` describe the page's visible text (``mode="all"``'s text);
    ``dropped_spans`` are ``(start, end)`` offsets of the dropped blocks in it.
    ``note`` says why ``text`` is empty when it is.
    """

    text: str
    mode: str
    extractor: str
    title: str | None = None
    html_chars: int = 0
    visible_chars: int = 0
    visible_blocks: int = 0
    dropped_chars: int = 0
    dropped_blocks: int = 0
    dropped_spans: tuple[tuple[int, int], ...] = field(default=(), repr=False)
    note: str | None = None

    @property
    def blocks(self) -> int:
        """Lines (blocks) of the extracted text."""
        return self.text.count("\n") + 1 if self.text else 0

    def summary(self) -> dict[str, Any]:
        """JSON-ready counts for a report (spans left out; see :attr:`dropped_spans`).

        >>> extract("<p>Hello there, world.</p>", "all").summary()["kept_chars"]
        19
        """
        d: dict[str, Any] = {
            "mode": self.mode, "extractor": self.extractor, "html_chars": self.html_chars,
            "visible_chars": self.visible_chars, "visible_blocks": self.visible_blocks,
            "kept_chars": len(self.text), "kept_blocks": self.blocks,
            "dropped_chars": self.dropped_chars, "dropped_blocks": self.dropped_blocks,
        }
        if self.title is not None:
            d["title"] = self.title
        if self.note:
            d["note"] = self.note
        return d

    def status(self) -> str:
        """A one-line stage status for the report.

        >>> extract("<p>One line of text here.</p>", "all").status()
        'done: all (resiliparse); 1 block, 22 characters; nothing dropped'
        """
        s = "s" if self.blocks != 1 else ""
        head = f"done: {self.mode} ({self.extractor}); {self.blocks} block{s}, " \
               f"{len(self.text):,} characters"
        if self.note:
            return f"{head}; {self.note}"
        if not self.dropped_blocks:
            return f"{head}; nothing dropped"
        return (f"{head}; dropped {self.dropped_blocks:,} of {self.visible_blocks:,} visible "
                f"blocks ({self.dropped_chars:,} of {self.visible_chars:,} characters)")


def _lines(text: str) -> list[str]:
    """The non-empty lines of ``text``, white space collapsed.

    >>> _lines("  a \\t b\\n\\n\\u00a0\\nc  ")
    ['a b', 'c']
    """
    out = []
    for line in text.split("\n"):
        line = " ".join(line.split())
        if line:
            out.append(line)
    return out


def _tree(html: str) -> Any:
    parse = need("resiliparse.parse.html", "HTML input")
    try:
        return parse.HTMLTree.parse(html)
    except Exception as exc:  # resiliparse's HTMLParserException and friends
        raise ExtractError(E.EXTRACT_FAILED.format(why=f"resiliparse: {exc}")) from exc


def _parsed(html: str) -> tuple[str | None, list[str]]:
    """The title and the visible blocks of ``html``.

    resiliparse's parsed tree must be freed by the thread that made it (it raises
    "unsendable, but is being dropped on another thread" otherwise), so it lives only
    in this frame and is deleted before returning: a frame that another thread holds
    on to (Dask's profiler samples the frames of running tasks) keeps no tree alive.
    """
    html2text = need("resiliparse.extract.html2text", "HTML input")
    tree = _tree(html)
    try:
        title = tree.title.strip() or None if tree.title else None
        text = html2text.extract_plain_text(
            tree, preserve_formatting=True, main_content=False, list_bullets=True,
            alt_texts=False, links=False, form_fields=False, noscript=False,
            skip_elements=_NOT_RENDERED)
    finally:
        del tree
    return title, _lines(text)


def visible_text(html: str) -> str:
    """All visible text of ``html``, one block per line (``mode="all"``'s text).

    >>> visible_text("<ul><li>One</li><li>Two</li></ul><script>x()</script><p hidden>no</p>")
    '• One\\n• Two'
    """
    return "\n".join(_parsed(html)[1])


def _main_text(html: str, url: str | None) -> str:
    trafilatura = need("trafilatura", "--extract main")
    try:
        text = trafilatura.extract(html, url=url, include_comments=False,
                                   include_tables=True, output_format="txt")
    except Exception as exc:  # trafilatura catches most; a parser failure may escape
        raise ExtractError(E.EXTRACT_FAILED.format(why=f"trafilatura: {exc}")) from exc
    return "\n".join(_lines(text or ""))


def dropped(visible: list[str], kept_text: str) -> list[int]:
    """Indexes of the ``visible`` blocks that ``kept_text`` does not hold.

    A block that is a line of the kept text is kept (as many times as the line is
    there); of the others, a block is kept when at least half of its words (``\\w+``,
    case-folded) are found among the kept text's words that no earlier block used.

    >>> dropped(["Home News", "The council met on Tuesday.", "Share", "|", "Share"],
    ...         "The council met\\non Tuesday.\\nShare")
    [0, 3, 4]
    """
    lines = Counter(kept_text.split("\n"))
    pool = Counter(_WORD_RE.findall(kept_text.casefold()))
    rest = []
    for i, block in enumerate(visible):
        if lines[block] > 0:
            lines[block] -= 1
            _use(pool, Counter(_WORD_RE.findall(block.casefold())))
        else:
            rest.append(i)
    out = []
    for i in rest:
        words = _WORD_RE.findall(visible[i].casefold())
        want = Counter(words)
        found = sum(min(n, pool[w]) for w, n in want.items())
        if words and found * 2 >= len(words):
            _use(pool, want)
        else:
            out.append(i)
    return out


def _use(pool: Counter[str], words: Counter[str]) -> None:
    """Take ``words`` out of ``pool`` in place (none below zero), as ``pool -= words``
    does but touching only the block's words: ``-=`` rebuilds the whole pool, which
    made a page of N blocks cost N times its kept text (20,000 paragraphs: 18 s).

    >>> pool = Counter("a a b c".split()); _use(pool, Counter("a b b d".split())); pool
    Counter({'a': 1, 'c': 1})
    """
    for w, n in words.items():
        left = pool[w] - n
        if left > 0:
            pool[w] = left
        else:
            pool.pop(w, None)


def extract(html: str, mode: str = "main", *, url: str | None = None) -> Extracted:
    """Extract the text of one HTML page (see the module documentation).

    ``url`` helps trafilatura (it is not fetched).  Raises :class:`ExtractError`
    when an extractor fails on the page, ``ValueError`` for an unknown mode.

    >>> extract("", "main").note
    'empty page'
    """
    if mode not in MODES:
        raise ValueError(f"unknown extraction mode {mode!r}; modes: {', '.join(MODES)}")
    if not isinstance(html, str):
        raise TypeError(f"expected str, got {type(html).__name__}")
    extractor = "trafilatura" if mode == "main" else "resiliparse"
    if not html.strip():
        return Extracted("", mode, extractor, html_chars=len(html), note="empty page")
    title, visible = _parsed(html)
    vis_chars = sum(map(len, visible)) + max(len(visible) - 1, 0)
    common = dict(title=title, html_chars=len(html), visible_chars=vis_chars,
                  visible_blocks=len(visible))
    if mode == "all":
        return Extracted("\n".join(visible), mode, extractor, **common)
    text = _main_text(html, url)
    gone = dropped(visible, text)
    spans = []
    starts = []
    pos = 0
    for line in visible:
        starts.append(pos)
        pos += len(line) + 1
    for i in gone:
        spans.append((starts[i], starts[i] + len(visible[i])))
    note = None if text else "no main content found"
    return Extracted(text, mode, extractor, dropped_chars=sum(len(visible[i]) for i in gone),
                     dropped_blocks=len(gone), dropped_spans=tuple(spans), note=note, **common)
