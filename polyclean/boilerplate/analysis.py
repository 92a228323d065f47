"""What is known about one line on its own: its key, the definite rule that fires on
it and its kind, remembered per process for short lines; and its line features,
computed only for the lines the classifier judges and remembered the same way.

Kinds (named constants for what used to be the numbers 0-3):

* :data:`FURNITURE` -- a definite rule removes it;
* :data:`FRAGMENT` -- it does not read as a sentence (a menu item, a heading);
* :data:`SENTENCE` -- it reads as running text;
* :data:`ANCHOR` -- running text of at least ``ANCHOR_UNITS`` words.
"""

from __future__ import annotations

import unicodedata
from typing import NamedTuple

from .. import _speedups
from ..memo import Memo
from . import lexicon as lx
from . import rules as _rules
from .context import ANCHOR, FRAGMENT, FURNITURE, SENTENCE
from .features import ANCHOR_UNITS, line_features
from .keys import DATA_DIR, canon_parts, canonical, digest, normalize_key, shipped_phrases
from .rules import Line, definite_rule, ends_sentence, has_sentences, units

COMMON_WORDS_FILE = DATA_DIR / "boilerplate_common_words.txt"


class Analysis(NamedTuple):
    """One stripped line, judged on its own (in its canonical form)."""

    key: str
    rule: str | None  # the definite rule that fires, if any
    kind: int
    digest: int  # of the key (0 for an empty key or one of numbers only: not learned)
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


def _kind(line: Line) -> int:
    if line.ends or has_sentences(line.s, line.units):
        return ANCHOR if line.units >= ANCHOR_UNITS else SENTENCE
    return FRAGMENT


def reanalyse(a: Analysis) -> Analysis:
    """The analysis of a line whose rule was turned off: its kind without the rule.

    >>> reanalyse(analyse("Home | Sport | Weather")).kind == FRAGMENT
    True
    """
    return a._replace(rule=None, kind=_kind(Line.from_canonical(a.s, a.key)))


def analyse(raw: str) -> Analysis:
    """Judge a stripped line on its own (compiled when the helper is built: the same
    analysis, see :func:`analyse_pure`).

    >>> a = analyse("Subscribe"); a.rule, a.kind == FURNITURE
    ('ui-phrase', True)
    >>> analyse("Why Subscribe?").kind == SENTENCE
    True
    >>> analyse("\\u201cWe\\u2019ll see,\\u201d he said.") == analyse('"We\\'ll see," he said.')
    True
    """
    if _COMPILED is not None:
        return _COMPILED.analyse(raw)
    return analyse_pure(raw)


def analyse_pure(raw: str) -> Analysis:
    """:func:`analyse` in pure Python (the fallback, and what the compiled code is
    compared with).

    >>> analyse_pure("Home | Sport | Weather") == analyse("Home | Sport | Weather")
    True
    """
    s = canonical(raw)
    key = normalize_key(s)
    line = Line.from_canonical(s, key) if s else Line("", "", [], 0, False)
    rule = definite_rule(line, shipped_phrases()) if s else "symbols"
    kind = FURNITURE if rule is not None else _kind(line)  # lines a rule removes stop here
    # a key of numbers only (each number is 0 in a key) names no line in particular:
    # "286,35 EUR" and "37,40 EUR" share it, so it is not learned across a batch
    return Analysis(key, rule, kind, digest(key) if key.strip("0 ") else 0, s)


def features(a: Analysis) -> tuple[float, ...]:
    """The line features of a line the classifier judges (:func:`.features.line_features`),
    remembered like the analyses.

    >>> from polyclean.boilerplate.features import LINE_NAMES
    >>> dict(zip(LINE_NAMES, features(analyse("Why Subscribe?"))))["ends_question"]
    True
    """
    hit = FEATURE_CACHE.get(a.s)
    if hit is None:
        s = a.s
        c = _COMPILED
        if c is not None:
            n = c.units(s)
            ends = c.ends_sentence(s, n)
        else:
            n = units(s)
            ends = ends_sentence(s, n)
        hit = line_features(s, a.key, n, ends, a.kind >= SENTENCE, common_words(),
                            shipped_phrases())
        if len(s) <= CACHED_CHARS:
            FEATURE_CACHE.offer(s, hit)
    return hit


# Lines recur across the pages of a site: the analysis of short lines is remembered
# (per process, bounded; the analysis is a pure function of the line).
CACHE_SIZE = 4_096  # lines per generation
CACHED_CHARS = 300  # longer lines are not remembered
LINE_CACHE = Memo(CACHE_SIZE, admit_on_second=True)
FEATURE_CACHE = Memo(CACHE_SIZE, admit_on_second=True)


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


def _bind_compiled():
    """The compiled analysis (``polyclean/_speedups/_analyse.pyx``) bound to this pure
    code's objects, or None (not built, ``POLYCLEAN_PURE`` set, or a rule table it was
    not written for)."""
    c = _speedups.analyse
    if c is None:
        return None
    ok = c.bind(canonical=canonical, normalize_key=normalize_key, has_sentences=has_sentences,
                Line=Line, Analysis=Analysis, shipped_phrases=shipped_phrases,
                rules=_rules.RULES, phrase_rule=_rules.phrase_rule, lexicon=lx,
                anchor_units=ANCHOR_UNITS, long_units=_rules.LONG_UNITS, canon=canon_parts(),
                unicodedata=unicodedata)
    return c if ok else None


_COMPILED = _bind_compiled()
