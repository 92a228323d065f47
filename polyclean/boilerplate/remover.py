"""The remover: rules, repeats, recurrence across a batch and the line classifier
applied to the lines of a document.

How one document is judged (:meth:`BoilerplateRemover.find`):

1. Users' lists first: a line in ``keep_phrases`` is never removed, a line in
   ``drop_phrases`` always (``user-drop-phrase``).
2. The definite line rules (:mod:`.rules`), minus those turned off.
3. Recurrence across the batch (``recurring-in-batch``).
4. Until nothing changes, over the lines still present: repeats
   (``duplicate-line``) and the line classifier (``classifier``, with the model's
   probability as the change's confidence).  Features come from the present lines
   only, so the lines that stay are judged as they will be when the output is
   cleaned again: ``clean(clean(x)) == clean(x)``.

A line overlapping a fragment in another language (``foreign`` spans) is removed
only by the general rules (1-3 and repeats), never by the classifier.
"""

from __future__ import annotations

from bisect import bisect_right
from operator import mul
from collections import deque
from typing import Iterable, Sequence

from ..config import Config
from ..errors import E, ConfigError
from ..report import Change
from . import lexicon as lx
from .analysis import (ANCHOR, CACHED_CHARS, FRAGMENT, FURNITURE, LINE_CACHE, SENTENCE, Analysis,
                       analyse, analysed, features, reanalyse)
from .context import context_scores
from .keys import canonical, digest, normalize_key, shipped_phrases, user_phrases
from .model import LineModel, default_model, sigmoid
from .rules import RULE_NAMES, Line, definite_rule
from .wrap import _lines, _parts, _unwrap

DUP_SENTENCE_WINDOW = 3  # a repeated sentence is removed when its first copy is this near
MAX_KEY_CHARS = 1000  # longer lines are never learned (they are article text)
MAX_LINES_PER_DOC = 2000
CONTROLLABLE = RULE_NAMES + ("duplicate-line", "recurring-in-batch", "classifier")


class _Doc:
    """The lines of one document while it is judged."""

    __slots__ = ("spans", "strs", "blocks", "an", "reasons", "conf", "extra", "foreign",
                 "protected", "n", "feats", "zline", "first_copy")

    def __init__(self, spans, strs, blocks, an: list[Analysis]) -> None:
        self.spans, self.strs, self.blocks, self.an = spans, strs, blocks, an
        self.n = n = len(strs)
        self.reasons: list[str | None] = [None] * n
        self.conf: list[float | None] = [None] * n
        self.extra: list[dict | None] = [None] * n
        self.foreign = [False] * n
        self.protected = [False] * n
        self.feats: list[tuple[float, ...] | None] = [None] * n  # line features, once known
        # the line part of each line's log-odds, by part of the model (held, unanchored)
        self.zline: tuple[list[float | None], list[float | None]] = ([None] * n, [None] * n)
        self.first_copy: dict[str, int] | None = None  # each key's first line (see _duplicates)

    def present(self) -> list[int]:
        return [i for i in range(self.n) if self.reasons[i] is None]

    def kind(self, i: int) -> int:
        return FURNITURE if self.reasons[i] is not None else self.an[i].kind


class BoilerplateRemover:
    """Finds boilerplate lines; learns recurring lines over a streaming window.

    >>> r = BoilerplateRemover(Config())
    >>> text = "Subscribe\\nThe minister said talks would continue next week.\\n0\\n"
    >>> [(c.original, c.reason) for c in r.find(text)]
    [('Subscribe\\n', 'ui-phrase'), ('0\\n', 'counter')]
    """

    def __init__(self, config: Config, model: LineModel | None = None) -> None:
        self.config = config
        self.min_docs = max(2, int(config.boilerplate_min_docs))
        self.model = model or default_model()
        t = config.boilerplate_threshold
        self.thresholds = self.model.thresholds(None if t is None else float(t))
        self.threshold = self.thresholds[0]
        self.off = _rules_off(config)
        self.keep_keys = user_phrases(config.keep_phrases)
        self.drop_keys = user_phrases(config.drop_phrases)
        self._keep_src = _sources(config.keep_phrases)
        self._drop_src = _sources(config.drop_phrases)
        self._window: deque[tuple[int, tuple[int, ...]]] = deque()
        self._counts: dict[int, int] = {}
        self._doc_hashes: dict[int, int] = {}
        # analyses that find() needs next of the lines of the last learned batch that
        # the per-process memo does not keep: long lines (article paragraphs rarely
        # recur) and short ones met for the first time
        self._spill: dict[str, Analysis] = {}

    # -- learning -----------------------------------------------------------------------
    def learn(self, texts: Iterable[str]) -> None:
        """Update the batch statistics with a batch of (repaired) documents.

        Each document's distinct lines enter a window of the last
        ``config.boilerplate_window`` documents; exact duplicate documents count once.
        """
        size = max(1, int(self.config.boilerplate_window))
        spill = self._spill = {}
        peek, spilled, offer = LINE_CACHE.peek, spill.get, LINE_CACHE.offer
        for text in texts:
            if not isinstance(text, str):
                continue
            doc_hash = digest(text)
            if doc_hash in self._doc_hashes:
                continue
            keys: set[int] = set()
            for raw in text.split("\n", MAX_LINES_PER_DOC)[:MAX_LINES_PER_DOC]:
                s = raw.strip()
                if s and len(s) <= MAX_KEY_CHARS:
                    hit = peek(s)
                    if hit is None:
                        hit = spilled(s)
                        if hit is None:
                            hit = analysed(s, spill) if len(s) <= CACHED_CHARS else \
                                spill.setdefault(s, analyse(s))
                        elif len(s) <= CACHED_CHARS:  # met again in this batch: the memo
                            offer(s, hit)  # admits it now (not in the next batch, analysed again)
                    if hit.digest:
                        keys.add(hit.digest)
            entry = (doc_hash, tuple(keys))
            self._window.append(entry)
            self._doc_hashes[doc_hash] = self._doc_hashes.get(doc_hash, 0) + 1
            counts = self._counts
            for h in entry[1]:
                counts[h] = counts.get(h, 0) + 1
            while len(self._window) > size:
                self._forget(self._window.popleft())

    def _forget(self, entry: tuple[int, tuple[int, ...]]) -> None:
        doc_hash, keys = entry
        left = self._doc_hashes.get(doc_hash, 0) - 1
        if left > 0:
            self._doc_hashes[doc_hash] = left
        else:
            self._doc_hashes.pop(doc_hash, None)
        counts = self._counts
        for h in keys:
            c = counts.get(h, 0) - 1
            if c > 0:
                counts[h] = c
            else:
                counts.pop(h, None)

    @property
    def documents_seen(self) -> int:
        """Documents currently in the learning window."""
        return len(self._window)

    def recurrence(self, line: str) -> int:
        """In how many documents of the window ``line`` occurs (after normalisation)."""
        key = normalize_key(canonical(line.strip()))
        return self._counts.get(digest(key), 0) if key else 0

    # -- finding ------------------------------------------------------------------------
    def find(self, text: str, foreign: Sequence[tuple[int, int]] | None = None,
             kept: list[Change] | None = None) -> list[Change]:
        """Changes that remove boilerplate lines of ``text`` (result "").

        ``foreign``: sorted ``(start, end)`` spans of fragments in another language;
        a line overlapping one is not removed by the classifier.  ``kept``, when a
        list, receives a no-op change (result == original) for each line that users'
        options kept: reason ``user-keep-phrase`` or ``rule-off``, with the source.

        Each change covers one whole line including its line break (a hard-wrapped
        paragraph, :func:`_unwrap`, is one line); changes are in
        text order and never overlap.
        """
        lines = _lines(text)
        spans, strs, blocks = _unwrap(*lines)
        if not strs:
            return []
        peek, spill = LINE_CACHE.peek, self._spill
        doc = _Doc(spans, strs, blocks, [peek(s) or spill.get(s) or analysed(s) for s in strs])
        if foreign:
            _mark_foreign(doc, foreign)
        self._user_and_rules(doc, kept, text)
        self._recurring(doc, _parts(spans, *lines[:2]) if len(strs) < len(lines[1]) else {})
        self._settle(doc)
        out: list[Change] = []
        for i, reason in enumerate(doc.reasons):
            if reason:
                start, end = spans[i]
                out.append(Change("boilerplate", start, end, text[start:end], "", reason,
                                  None, doc.conf[i], doc.extra[i]))
        return out

    def _user_and_rules(self, doc: _Doc, kept: list[Change] | None, text: str) -> None:
        """Users' phrase lists, then the definite rules (those not turned off)."""
        keep, drop, off = self.keep_keys, self.drop_keys, self.off
        for i, a in enumerate(doc.an):
            if keep and a.key in keep:
                doc.protected[i] = True
                if a.rule or (drop and a.key in drop):
                    if kept is not None:
                        _note(kept, doc, i, text, "user-keep-phrase", self._keep_src)
                    if a.rule and a.s:
                        doc.an[i] = reanalyse(a)
                continue
            if drop and a.key in drop:
                doc.reasons[i] = "user-drop-phrase"
                doc.extra[i] = {"source": self._drop_src}
                continue
            rule = a.rule
            if rule is not None and rule in off:
                if kept is not None:
                    _note(kept, doc, i, text, "rule-off", rule)
                rule = definite_rule(Line.from_canonical(a.s, a.key), None, off) if a.s else None
                if rule is None and a.s:
                    doc.an[i] = reanalyse(a)
            if rule is not None:
                doc.reasons[i] = rule
                if rule == "ui-phrase":
                    src = shipped_phrases().source(a.key)
                    if src:
                        doc.extra[i] = {"source": src}

    def _recurring(self, doc: _Doc, parts: dict[int, list[str]]) -> None:
        """Lines recurring across the documents of the window (learned).  A hard-wrapped
        block (``parts``: its lines) recurs where each of its lines does (learning
        counts the lines of a text as they are): a wrapped footer goes as it would
        unwrapped."""
        if not self._counts or "recurring-in-batch" in self.off:
            return
        counts, min_docs, window = self._counts, self.min_docs, len(self._window)
        n = doc.n
        hits = [0] * n
        for i in range(n):
            a = doc.an[i]
            if doc.reasons[i] is not None or doc.protected[i]:
                continue
            if i in parts:
                hits[i] = min(map(self._line_count, parts[i]))
            elif a.digest and len(doc.strs[i]) <= MAX_KEY_CHARS:
                hits[i] = counts.get(a.digest, 0)
        kind = [doc.kind(i) for i in range(n)]
        kept_sentences = sum(1 for i in range(n) if kind[i] >= SENTENCE and hits[i] < min_docs)
        found = []
        for i in range(n):
            if hits[i] < min_docs:
                continue
            if kind[i] >= SENTENCE:
                # a recurring sentence beside another recurring sentence is more
                # likely a copied article than a template line: keep both
                if kept_sentences == 0:
                    continue
                if (i > 0 and kind[i - 1] >= SENTENCE and hits[i - 1] >= min_docs) or (
                        i + 1 < n and kind[i + 1] >= SENTENCE and hits[i + 1] >= min_docs):
                    continue
            found.append(i)
        for i in found:
            doc.reasons[i] = f"recurring-in-batch ({hits[i]} of {window} docs)"

    def _line_count(self, s: str) -> int:
        """In how many documents of the window the line ``s`` (stripped) occurs."""
        a = LINE_CACHE.peek(s) or self._spill.get(s) or analysed(s)
        return self._counts.get(a.digest, 0) if a.digest and len(s) <= MAX_KEY_CHARS else 0

    def _settle(self, doc: _Doc) -> None:
        """Repeats and the classifier over the present lines, until nothing changes."""
        while True:
            present = doc.present()
            if not present:
                return
            found = _duplicates(doc, present, "duplicate-line" not in self.off)
            if not found and "classifier" not in self.off:
                found = self._classify(doc, present)
            if not found:
                return
            for i, reason, p in found:
                doc.reasons[i] = reason
                doc.conf[i] = p

    def _classify(self, doc: _Doc, present: list[int]) -> list[tuple[int, str, float | None]]:
        """The classifier over the present lines (its probability as the confidence)."""
        an = doc.an
        if not any(an[i].kind == ANCHOR for i in present):
            return []  # no running text: a short input or a list is not a page to judge
        foreign, protected = doc.foreign, doc.protected
        want = [pos for pos, i in enumerate(present) if not foreign[i] and not protected[i]]
        if not want:
            return []
        parts = self.model.parts
        scores = context_scores([an[i] for i in present], [doc.blocks[i] for i in present], want,
                                (parts[0].context_weights, parts[1].context_weights))
        thresholds = self.thresholds
        zline, feats = doc.zline, doc.feats
        found = []
        for pos, (loose, zc) in zip(want, scores):
            i = present[pos]
            part = parts[loose]
            z = zline[loose][i]
            if z is None:
                f = feats[i]
                if f is None:
                    f = feats[i] = features(an[i])
                z = zline[loose][i] = part.bias + sum(map(mul, part.line_weights, f))
            p = sigmoid(z + zc)
            if p >= thresholds[loose]:
                found.append((i, "classifier", p))
        gone = {i for i, _, _ in found}
        if all(i in gone for i in present if an[i].kind == ANCHOR):
            # a page keeps its running text: the classifier never removes the last of it
            found = [f for f in found if an[f[0]].kind != ANCHOR]
        return _keep_continuations([_chain_kind(an[i]) for i in present], present, found)


_Found = list[tuple[int, str, "float | None"]]  # (line, reason, probability) of a round


def _chain_kind(a: Analysis) -> int:
    """The kind of a line in a chain of sentences (:func:`_keep_continuations`): a
    line of one word and a full stop is a ``FRAGMENT`` on its own ("Corp." alone is a
    menu item), but among sentences it is an answer or an order ("No.", "Wait.",
    "Esperé."), so there it goes on with the chain.  Keeping it out of the chain broke it:
    the short sentences after it were all taken.

    >>> from .analysis import analyse
    >>> [_chain_kind(analyse(s)) == SENTENCE for s in ("No.", "Esperé.", "U.S.", "Menu")]
    [True, True, False, False]
    """
    if a.kind == FRAGMENT:
        s = a.s
        if len(s) > 2 and s[-1] == "." and s[:-1].isalpha():
            return SENTENCE
    return a.kind


def _keep_continuations(kinds: list[int], present: list[int], found: _Found) -> _Found:
    """``found`` without the short sentences that go on from running text.

    A short sentence (kind ``SENTENCE``) that follows a line of running text (an
    ``ANCHOR``) through nothing but other kept sentences continues that text: one
    sentence per line ("So what?", "Millions of students know this."), as in posts,
    subtitles and translated documents.  The chain breaks at a line the classifier
    takes in the same round or a line that is not a sentence (a share bar, a byline);
    lines removed in earlier rounds are no longer present, as they will not be when
    the output is cleaned again, so they do not break it.  Only the chain back to the
    running text counts; sentences before it (a teaser, a standfirst) are judged as
    before.  ``kinds``: the kind of each present line.

    >>> kinds = [ANCHOR, SENTENCE, SENTENCE, FRAGMENT, SENTENCE]
    >>> found = [(1, "classifier", 0.95), (2, "classifier", 0.95), (4, "classifier", 0.95)]
    >>> [i for i, _, _ in _keep_continuations(kinds, [0, 1, 2, 3, 4], found)]
    [4]
    """
    if not found:
        return found
    hit = {f[0] for f in found}
    kept = set()
    chained = False
    for kind, i in zip(kinds, present):
        if i in hit:
            if chained and kind == SENTENCE:
                kept.add(i)
            else:
                chained = False
        elif kind == ANCHOR:
            chained = True
        elif kind != SENTENCE:
            chained = False
    return [f for f in found if f[0] not in kept] if kept else found


def _duplicates(doc: _Doc, present: list[int], on: bool) -> list[tuple[int, str, float | None]]:
    """Repeats among the present lines: a sentence whose first copy is at most
    ``DUP_SENTENCE_WINDOW`` lines before, a caption repeated with a credit or a
    dateline glued on, a line without sentence structure whose first copy on the page
    was removed.  (Other repeats are left to the classifier, which sees how often a
    line occurs on its page.)"""
    if not on:
        return []
    an, found = doc.an, []
    first_copy = doc.first_copy
    if first_copy is None:  # over every line, removed or not (the analyses no longer change)
        first_copy = doc.first_copy = {}
        for i in range(doc.n):
            first_copy.setdefault(an[i].key, i)
    first_seen: dict[str, int] = {}
    recent: deque[tuple[int, str, str]] = deque(maxlen=3)
    # a line's position among the present lines with those found here left out, as
    # the next round would number them: a run of copies goes in one pass, not three
    # lines a round (20,000 copies of a paragraph took 23 s, quadratic)
    pos = 0
    for i in present:
        a = an[i]
        key = a.key
        if doc.protected[i] or not key:
            pos += 1
            continue
        j = first_seen.get(key)
        dup = False
        if a.kind == FRAGMENT and doc.reasons[first_copy[key]] is not None:
            dup = True  # the first copy was judged boilerplate: so is this one
        elif j is not None:
            dup = a.kind >= SENTENCE and pos - j <= DUP_SENTENCE_WINDOW
        elif len(key) >= 20:
            dup = _near_repeat(a, recent)
        if dup:
            found.append((i, "duplicate-line", None))
        else:
            first_seen.setdefault(key, pos)
            recent.append((pos, key, a.s))
            pos += 1
    return found


def _near_repeat(a: Analysis, recent: deque[tuple[int, str, str]]) -> bool:
    """A caption repeated with a credit or dateline glued on (or cut short)."""
    core = a.key
    s = a.s
    if s[-1:].isdigit():
        tail = s[-120:]
        m = lx.DATELINE_SUFFIX_RE.search(tail)
        if m:
            s = s[: len(s) - len(tail) + m.start()]
            core = normalize_key(s)
    for _, prev, prev_s in recent:
        core_short = len(core) <= len(prev)
        short, long_ = (core, prev) if core_short else (prev, core)
        if len(short) >= 20 and len(short) * 2 >= len(long_) and short in long_:
            # a finished sentence that the other line holds inside a longer one is
            # another sentence ("Write it down." / "Please, write it down.")
            if not (_within_sentence(s, prev_s) if core_short else _within_sentence(prev_s, s)):
                return True
    return False


_FINISHED = frozenset(".!?\u3002\uff01\uff1f\u061f\u0964\u06d4\uff0e")
_GOES_ON = frozenset(",;\u060c\u061b\u3001\uff0c\uff1b")


def _within_sentence(short: str, long_: str) -> bool:
    """True when ``short``, a finished sentence (its last mark a full stop, question or
    exclamation mark, not an ellipsis), stands in ``long_`` only as part of a longer
    sentence: a letter, digit or comma before it ("Будь ласка, запишіть це …") or
    after its words ("Me puse bajo el paraguas de mi amigo porque …").  Such a line is
    another sentence, not a copy of ``short`` with a credit glued on or cut short.

    >>> _within_sentence("Quelqu'un peut-il m'aider ?", "Quelqu'un peut-il m'aider, je vous prie ?")
    True
    >>> _within_sentence("Police at the scene.", "Police at the scene. Photo: Reuters")
    False
    """
    t = short.rstrip(lx.TRAIL_CLOSERS)
    if not t or t[-1] not in _FINISHED or t.endswith(".."):
        return False
    words = t.rstrip("".join(_FINISHED) + " ").casefold()
    hay = long_.casefold()
    at = hay.find(words)
    if at < 0 or not words:
        return False  # the lines differ in more than punctuation: judged as before
    while at >= 0:
        before = hay[:at].rstrip()
        after = hay[at + len(words):].lstrip()
        if not ((before and (before[-1].isalnum() or before[-1] in _GOES_ON))
                or (after and (after[0].isalnum() or after[0] in _GOES_ON))):
            return False  # held as a sentence of its own
        at = hay.find(words, at + 1)
    return True


def _mark_foreign(doc: _Doc, foreign: Sequence[tuple[int, int]]) -> None:
    """Flag the lines that overlap a span of ``foreign`` (sorted, not overlapping)."""
    ends = [e for _, e in foreign]
    for i, (start, end) in enumerate(doc.spans):
        k = bisect_right(ends, start)  # the first span ending after the line starts
        if k < len(foreign) and foreign[k][0] < end:
            doc.foreign[i] = True


def _note(kept: list[Change], doc: _Doc, i: int, text: str, reason: str, source: str) -> None:
    start, end = doc.spans[i]
    kept.append(Change("boilerplate", start, end, text[start:end], text[start:end], reason,
                       extra={"source": source}))


def _rules_off(config: Config) -> frozenset[str]:
    """Rule names turned off by ``drop_rules`` / ``keep_rules``."""
    drop = set(config.drop_rules or ())
    keep = set(config.keep_rules or ())
    unknown = sorted((drop | keep) - set(CONTROLLABLE))
    if unknown:
        raise ConfigError(E.BP_UNKNOWN_RULE.format(names=", ".join(unknown),
                                                   known=", ".join(CONTROLLABLE)))
    if keep:
        drop |= set(CONTROLLABLE) - keep
    return frozenset(drop)


def check_options(config: Config) -> None:
    """Raise :class:`~polyclean.errors.ConfigError` for an unknown rule name in
    ``drop_rules``/``keep_rules`` or a phrase file that cannot be read."""
    _rules_off(config)
    user_phrases(config.keep_phrases)
    user_phrases(config.drop_phrases)


def _sources(paths: Sequence[str] | None) -> str:
    return ", ".join(str(p) for p in paths or ())
