"""What is known about one line on its own: its key, the definite rule that fires on
it, its kind and its line features; remembered per process for short lines.

Kinds (named constants for what used to be the numbers 0-3):

* :data:`FURNITURE` -- a definite rule removes it;
* :data:`FRAGMENT` -- it does not read as a sentence (a menu item, a heading);
* :data:`SENTENCE` -- it reads as running text;
* :data:`ANCHOR` -- running text of at least ``ANCHOR_UNITS`` words.
"""

from __future__ import annotations

from typing import NamedTuple

from ..memo import Memo
from .features import ANCHOR_UNITS, line_features
from .keys import DATA_DIR, canonical, digest, normalize_key, shipped_phrases
from .rules import Line, definite_rule, has_sentences

FURNITURE, FRAGMENT, SENTENCE, ANCHOR = 0, 1, 2, 3
COMMON_WORDS_FILE = DATA_DIR / "boilerplate_common_words.txt"


class Analysis(NamedTuple):
    """One stripped line, judged on its own (in its canonical form)."""

    key: str
    rule: str | None  # the definite rule that fires, if any
    kind: int
    digest: int  # of the key (0 for an empty key)
    feats: tuple[float, ...]
    s: str  # the canonical line


_COMMON: frozenset[str] | None = None


def common_words() -> frozenset[str]:
    """The most frequent words of many languages (``data/boilerplate_common_words.txt``,
    from wordfreq): their share in a line is a sign of running text."""
    global _COMMON
    if _COMMON is None:
        words: set[str] = set()
        if COMMON_WORDS_FILE.exists():
            for raw in COMMON_WORDS_FILE.read_text(encoding="utf-8").splitlines():
                if raw and not raw.startswith("#"):
                    words.update(raw.split(":", 1)[-1].split())
        _COMMON = frozenset(words)
    return _COMMON


def _kind_and_features(line: Line) -> tuple[int, tuple[float, ...]]:
    running = line.ends or has_sentences(line.s, line.units)
    if running:
        kind = ANCHOR if line.units >= ANCHOR_UNITS else SENTENCE
    else:
        kind = FRAGMENT
    return kind, line_features(line, common_words(), shipped_phrases(), running)


def reanalyse(a: Analysis) -> Analysis:
    """The analysis of a line whose rule was turned off: its kind and features.

    >>> reanalyse(analyse("Home | Sport | Weather")).kind == FRAGMENT
    True
    """
    kind, feats = _kind_and_features(Line.from_canonical(a.s, a.key))
    return a._replace(rule=None, kind=kind, feats=feats)


def analyse(raw: str) -> Analysis:
    """Judge a stripped line on its own.

    >>> a = analyse("Subscribe"); a.rule, a.kind == FURNITURE
    ('ui-phrase', True)
    >>> analyse("Why Subscribe?").kind == SENTENCE
    True
    >>> analyse("\\u201cWe\\u2019ll see,\\u201d he said.") == analyse('"We\\'ll see," he said.')
    True
    """
    s = canonical(raw)
    key = normalize_key(s)
    line = Line.from_canonical(s, key) if s else Line("", "", [], 0, False)
    ph = shipped_phrases()
    rule = definite_rule(line, ph) if s else "symbols"
    if rule is not None:  # lines a rule removes never reach the classifier
        kind, feats = FURNITURE, ()
    else:
        kind, feats = _kind_and_features(line)
    return Analysis(key, rule, kind, digest(key) if key else 0, feats, s)


# Lines recur across the pages of a site: the analysis of short lines is remembered
# (per process, bounded; the analysis is a pure function of the line).
CACHE_SIZE = 4_096  # lines per generation
CACHED_CHARS = 300  # longer lines are not remembered
LINE_CACHE = Memo(CACHE_SIZE, admit_on_second=True)


def analysed(s: str, spill: dict | None = None) -> Analysis:
    """``analyse(s)``, remembered in the per-process memo when ``s`` is short (long
    lines are article text and rarely recur) and met before; a line met for the first
    time goes into ``spill`` instead (the batch's own table, when given).

    >>> LINE_CACHE.clear(); spill = {}
    >>> _ = analysed("Subscribe", spill); len(LINE_CACHE), len(spill)
    (0, 1)
    >>> _ = analysed("Subscribe", spill); len(LINE_CACHE)
    1
    """
    hit = LINE_CACHE.get(s)
    if hit is None:
        hit = analyse(s)
        if len(s) <= CACHED_CHARS and not LINE_CACHE.offer(s, hit) and spill is not None:
            spill[s] = hit
    return hit
