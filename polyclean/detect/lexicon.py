"""What the word lists say about a language against its peers, and the fast path.

A :class:`_Lexicon` answers, for one language and one word, whether the word is in
the language's vocabulary, distinctive of it, and safe as evidence against the peer
languages of its script (bit flags, worked out on first use and memoised).
:func:`is_fast` uses them to settle plain text of a language without a model.

>>> is_fast(words_of("The government said on Monday that it would act"), "en")
True
"""

from __future__ import annotations

import math
import re
from itertools import repeat

from ..memo import Memo
from ..segment import Segment
from .languages import (_PEERS, _SCRIPT_OF_LANG, DISTINCT_RATIO, EVIDENCE_RATIO, FAST_DISTINCT,
                        FAST_KNOWN, FAST_MIN_WORDS, LEXICON_MEMO_SIZE, LEXICON_TABLE_AFTER,
                        LEXICONS_KEPT, NAME_MIN_FREQ, NAME_RATIO, TRIAL_MEMO_SIZE,
                        UNKNOWN_FLOOR, WORD_FLOOR)
from . import store as _store
from . import wordlists as _wordlists
from .wordlists import _ABSENT, _Vocab, _extended_freqs, _forget_oldest, _freqs, _lock, _recent

_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
_lexicons: dict[str, "_Lexicon | None"] = {}  # least recently used first

# A word's value packs three counts in its low bits and its facts above them, so that
# the fast path adds the values of a segment's words up in one ``sum`` (a tally):
# 1 if the word is known, _DISTINCT_UNIT more if it is distinctive, and _STRONG_UNIT
# more if it is strong: a peer language is STRONG_GAIN nats likelier to use it (in a
# lexicon with gains; see inline.py).  A tally adds at most 4095 values.
_DISTINCT_UNIT = 1 << 13
_STRONG_UNIT = 1 << 26
# nats by which a peer must beat the language on a word for it to be strong: more than
# a word unknown to every list gains (WORD_FLOOR - UNKNOWN_FLOOR, 2.3 nats)
STRONG_GAIN = 3.0
_COUNT = (1 << 13) - 1  # each count has 13 bits
_FLAGS = 42  # the facts start at this bit
_KNOWN = 1 << 42  # in the language's extended vocabulary
_DISTINCT = 1 << 43  # ... DISTINCT_RATIO times more frequent than in any peer
_LOWER_SAFE = 1 << 44  # ... no peer favours it EVIDENCE_RATIO times (lower case)
_CAP_SAFE = 1 << 45  # ... no peer could claim it when capitalised
_CLAIMED = 1 << 46  # some peer has it as a common word (NAME_MIN_FREQ), known or not
_UNCHECKED = 1 << 47  # an unknown word whose _CLAIMED bit is not worked out yet
_MISSING = 1 << 60  # more than 4095 words' values (a tally: a word to work out)
# the value of each combination of facts (index >> 1) and strength (index & 1), counts
# included: shared int objects
_VALUES = tuple(
    ((v >> 1) << _FLAGS) | ((1 + _DISTINCT_UNIT if v & 4 else 1) if v & 2 else 0)
    | (v & 1) * _STRONG_UNIT
    for v in range(64 * 2)
)


_STRONG_RATIO = math.exp(STRONG_GAIN)
_FLOOR_FREQ = math.exp(WORD_FLOOR)  # a word missing from a list is taken as this frequent
_UNKNOWN_FREQ = math.exp(UNKNOWN_FLOOR)  # ... missing from the document's vocabulary


def _strong(w: str, peer: float, own: float) -> int:
    # 1 when the likeliest peer (frequency ``peer``, 0 for none) beats the language
    # (``own``) on a word by STRONG_GAIN nats; never for a single letter (an initial
    # is as likely as a word)
    return int((peer or _FLOOR_FREQ) >= _STRONG_RATIO * own and len(w) > 1)


class _Lexicon:
    """What the word lists say about one language against its peers (same script).

    ``freqs`` is the extended vocabulary (see :func:`_extended_freqs`), ``peers`` the
    peers' frequency dicts.  What a word is against the peers (distinctive, safe as
    evidence: the ``_KNOWN`` ... ``_CLAIMED`` bits) is worked out when the word is first
    seen and kept in a bounded memo; precomputing it for the whole vocabulary took
    about a second per language and held millions of references that the garbage
    collector kept walking.  A language that keeps meeting new words (the document
    language of a long run) gets a table of its words' highest peer frequency after
    ``LEXICON_TABLE_AFTER`` of them, so a new word then costs two look-ups instead of
    one per peer.
    """

    __slots__ = ("lang", "freqs", "small", "peers", "memo", "top", "_until_table", "gains",
                 "core")

    def __init__(self, lang: str, freqs: "dict | _Vocab", peers: tuple, small: dict,
                 memo_size: int = LEXICON_MEMO_SIZE, gains: bool = False) -> None:
        self.lang = lang
        self.freqs = freqs
        self.small = small  # the 'small' list (``freqs`` itself when there is no 'large' one)
        self.peers = peers
        self.memo = Memo(memo_size)
        self.top: dict[str, float] | None = None  # own word -> highest peer frequency
        self._until_table = LEXICON_TABLE_AFTER
        # whether values carry the gain (the document language's lexicon: the screen of
        # inline.py); then an unknown word's peers are looked up at once, not later
        self.gains = gains
        self.core = None  # the compiled facts (see _CompiledLexicon)

    def _peer_top(self, w: str) -> float:
        t = 0.0
        for d in self.peers:
            f = d.get(w)
            if f is not None and f > t:
                t = f
        return t

    def _build_top(self) -> dict[str, float]:
        # over the words of the 'small' list only (the rarer words of an extended
        # vocabulary are packed, see _Vocab): facts() looks those up in the peers
        top: dict[str, float] = {}
        own = self.small.keys()
        for d in self.peers:
            get = top.get
            for w in d.keys() & own:
                f = d[w]
                if f > get(w, 0.0):
                    top[w] = f
        return top

    def facts(self, w: str) -> int:
        """The ``_KNOWN | _DISTINCT | _LOWER_SAFE | _CAP_SAFE`` bits of ``w``, with its
        tally counts; for a word not in the vocabulary ``_UNCHECKED`` (see
        :meth:`claimed`), counted strong until then in a lexicon with gains."""
        v = self.memo.get(w)
        if v is not None:
            return v
        f = self.freqs.get(w)
        if f is None:
            # strong until checked (see claimed)
            v = _VALUES[_UNCHECKED >> _FLAGS << 1 | (self.gains and len(w) > 1)]
        else:
            top = self.top
            if top is None:
                self._until_table -= 1
                if self._until_table <= 0:
                    top = self.top = self._build_top()
            t = top.get(w, 0.0) if top is not None and w in self.small else self._peer_top(w)
            v = _KNOWN | (_CLAIMED if t >= NAME_MIN_FREQ else 0)
            if t * DISTINCT_RATIO <= f:
                v |= _DISTINCT
            if t < EVIDENCE_RATIO * f:
                v |= _LOWER_SAFE
            if t < NAME_MIN_FREQ or t < NAME_RATIO * f:
                v |= _CAP_SAFE
            strong = _strong(w, t, f) if self.gains else 0
            v = _VALUES[(v >> _FLAGS << 1) | strong]
        self.memo.put(w, v)
        return v

    def claimed(self, w: str) -> int:
        """:meth:`facts` with the ``_CLAIMED`` bit (and whether it is strong) worked out
        for unknown words too."""
        v = self.facts(w)
        if v & _UNCHECKED:
            t = self._peer_top(w)
            strong = _strong(w, t, _UNKNOWN_FREQ) if self.gains else 0
            v = _VALUES[((_CLAIMED if t >= NAME_MIN_FREQ else 0) >> _FLAGS << 1) | strong]
            self.memo.put(w, v)
        return v


class _CompiledLexicon(_Lexicon):
    """A :class:`_Lexicon` on the compiled tables (:mod:`.store`): :meth:`facts` and
    :meth:`claimed` are one look-up in the language's table and one in its script's
    peer table, worked out in compiled code with the same arithmetic, so the peer table
    is never built in the process.  The compiled core keeps the facts of the last words
    it met (a direct-mapped cache, 4096 words of up to 20 bytes: the common words of a
    run); its memo is :class:`_CoreMemo`, so that emptying memos empties that cache."""

    __slots__ = ("facts", "claimed")

    def __init__(self, lang: str, freqs, peers: tuple, small, memo_size: int = 1,
                 gains: bool = False) -> None:
        super().__init__(lang, freqs, (), small, 1, gains)
        self.core = _store.lex(lang, freqs, gains)
        self.memo = _CoreMemo(self.core)
        self.facts = self.core.facts
        self.claimed = self.core.claimed


class _CoreMemo(Memo):
    """The memo of a compiled lexicon: empty, but clearing it (``memo.clear_all``, as a
    benchmark does before a first pass) clears the facts its core keeps."""

    __slots__ = ("core",)

    def __init__(self, core) -> None:
        super().__init__(1)
        self.core = core

    def clear(self) -> None:
        super().clear()
        self.core.clear_cache()


_small_lexicons: dict[str, "_Lexicon | None"] = {}  # least recently used first


def _build_lexicon(lang: str, own: "dict | _Vocab | None", memo_size: int,
                   gains: bool = False) -> "_Lexicon | None":
    # the lexicon of ``lang`` on the vocabulary ``own``, against its script's peers
    if own is None:
        return None
    if _wordlists._compiled():
        return _CompiledLexicon(lang, own, (), _freqs(lang), memo_size, gains)
    peers = [p for p in _PEERS.get(_SCRIPT_OF_LANG.get(lang, ""), ()) if p != lang]
    return _Lexicon(lang, own, tuple(d for d in (_freqs(p) for p in peers) if d),
                    _freqs(lang), memo_size, gains)


def _trial_lexicon(lang: str) -> _Lexicon | None:
    """A lexicon of ``lang`` for trying a language the model names while it looks for
    the document language: one on the 'small' list alone (loaded already for the peer
    languages, so it costs only its memo).  An English run in which the model now and
    then names French for a segment then does not build French's extended vocabulary
    on the way.  Always this one, never the extended one even when it is built: the
    decision must not depend on what earlier documents left loaded."""
    return _kept(_small_lexicons, lang, _freqs, TRIAL_MEMO_SIZE)


def _lexicon(lang: str) -> _Lexicon | None:
    """The lexicon of ``lang``, or None without a word list.  The ``LEXICONS_KEPT``
    used last stay built (a long run meeting many languages does not keep them all)."""
    # a lexicon without a 'large' list shares the small one: it costs nothing to keep
    return _kept(_lexicons, lang, _extended_freqs, LEXICON_MEMO_SIZE, _is_extended, True)


def _is_extended(lex: "_Lexicon") -> bool:
    return lex.freqs is not lex.small


def _kept(cache: dict, lang: str, vocabulary, memo_size: int,
          weighs=lambda v: True, gains: bool = False) -> "_Lexicon | None":
    # ``cache[lang]``, built on ``vocabulary(lang)`` when missing; of the lexicons that
    # ``weighs``, the LEXICONS_KEPT used last stay built
    lex = _recent(cache, lang)
    if lex is not _ABSENT:
        return lex
    lex = _build_lexicon(lang, vocabulary(lang), memo_size, gains)
    with _lock:
        lex = cache.setdefault(lang, lex)
        _forget_oldest(cache, LEXICONS_KEPT, weighs=weighs)
    return lex


def _max_evidence(text: str, lex: _Lexicon) -> int:
    """An upper bound of :func:`word_evidence` for any peer of the lexicon's language."""
    ub = n = caps = 0
    facts, claimed = lex.facts, lex.claimed
    for w in _tokens(text):
        lw = w.lower()
        n += 1
        if w != lw:
            caps += 1
            f = facts(lw)
            if f & _UNCHECKED:
                f = claimed(lw)
            if not f & _CAP_SAFE and f & (_KNOWN | _CLAIMED):
                ub += len(w)
        elif not facts(lw) & _LOWER_SAFE:
            ub += len(w)
    if n > 1 and caps == n:
        ub //= 2
    return ub


def words_of(text: str) -> list[str]:
    """Lower-cased words (letters, inner apostrophes) used as word-frequency evidence.

    >>> words_of("Don’t stop: 2 Cafés!")
    ["don't", 'stop', 'cafés']
    """
    return _tokens(text.lower())


def _tokens(text: str) -> list[str]:
    """Words with their case; soft hyphens (invisible unless a line breaks there) do
    not cut a word, a typographic apostrophe is an apostrophe.

    >>> _tokens("In\u00adter\u00adna\u00adtio\u00adna\u00adles, don\u2019t")
    ['Internationales', "don't"]
    """
    if text.isascii():  # the ASCII pattern gives the same words, faster
        return _ASCII_WORD_RE.findall(text)
    if "\u00ad" in text:
        text = text.replace("\u00ad", "")
    if "\u2019" in text:
        text = text.replace("\u2019", "'")
        if text.isascii():  # English with typographic apostrophes
            return _ASCII_WORD_RE.findall(text)
    return _WORD_RE.findall(text)


def is_fast(words: list[str], lang: str) -> bool:
    """True when ``words`` are plainly ``lang`` by word frequencies alone.

    >>> is_fast(words_of("Moscow does not expect any improvement"), "en")
    True
    >>> is_fast(words_of("de la casa de mi madre"), "en")
    False
    """
    if len(words) < FAST_MIN_WORDS:
        return False
    lex = _lexicon(lang)
    return lex is not None and _fast(words, lex)


def _fast(words: list[str], lex: _Lexicon) -> bool:
    # is_fast for a lexicon and at least FAST_MIN_WORDS words
    n = len(words)
    if n < 4096:
        return _is_plain(_tally(words, lex), n)
    known = distinct = 0
    for v in map(lex.facts, words):
        known += v & 1
        distinct += v >> 13 & 1
    return known >= FAST_KNOWN * n and distinct >= FAST_DISTINCT * n


def _tally(words: list[str], lex: _Lexicon) -> int:
    """The values of ``words`` added up: known words, distinctive ones and strong ones
    (see ``_VALUES``).  Beyond 4095 words only the strong ones, saturated."""
    n = len(words)
    if n < 4096:
        if lex.core is not None:
            return lex.core.tally(words)
        # a word missing from the memo adds _MISSING, more than all the rest
        total = sum(map(lex.memo.peek, words, repeat(_MISSING, n)))
        return total if total < _MISSING else sum(map(lex.facts, words))
    strong = sum(v >> 26 & 1 for v in map(lex.facts, words))
    return min(strong, _COUNT) << 26


def _is_plain(tally: int, n: int) -> bool:
    # the fast path's test on the tally of n < 4096 words
    return (tally & _COUNT) >= FAST_KNOWN * n and (tally >> 13 & _COUNT) >= FAST_DISTINCT * n


def tally_distinct(tally: int) -> int:
    """The words of a tally (of fewer than 4096) distinctive of the lexicon's language:
    ``DISTINCT_RATIO`` times more frequent there than in any peer."""
    return tally >> 13 & _COUNT


def tally_strong(tally: int) -> int:
    """The strong words of a tally (see ``STRONG_GAIN``)."""
    return tally >> 26 & _COUNT


def _mark_fast(segs: list[Segment], fast: list[str | None], lang: str,
               todo: "list[int] | range", lex: "_Lexicon | None" = None,
               tallies: "dict[int, int] | None" = None, min_strong: int = 2) -> None:
    """``fast[i] = lang`` for the segments ``i`` in ``todo`` that the fast path of
    ``lang`` (with ``lex``, by default the lexicon of ``lang``) settles: in its script,
    three or more words, plainly ``lang``.  With ``tallies``, ``tallies[i]`` is set to
    the tally (see :func:`_tally`) of every segment looked at that is not settled or
    has at least ``min_strong`` strong words (it may hold a foreign run, inline.py)."""
    if lex is None:
        lex = _lexicon(lang)
    if lex is None:
        return
    script = _SCRIPT_OF_LANG.get(lang)
    if lex.core is not None:  # compiled: the same loop (see _words.Lex.mark_fast)
        def slow(i: int, t: str) -> None:  # 4096 words or more
            words = _ASCII_WORD_RE.findall(t) if t.isascii() else _tokens(t)
            _mark_plain(i, len(words), None, words, lex, fast, lang, tallies, min_strong)

        lex.core.mark_fast(segs, fast, lang, script, todo, tallies, min_strong, FAST_KNOWN,
                           FAST_DISTINCT, FAST_MIN_WORDS, slow)
        return
    ascii_words = _ASCII_WORD_RE.findall
    peek = lex.memo.peek
    for i in todo:
        s = segs[i]
        if s.script != script or fast[i] is not None:
            continue
        t = s.text
        if t.count(" ") < 2:
            continue
        t = t.lower()
        words = ascii_words(t) if t.isascii() else _tokens(t)
        n = len(words)
        if n < FAST_MIN_WORDS:
            continue
        tally = None
        if n < 4096:  # _tally, inline: this loop sees every segment
            tally = sum(map(peek, words, repeat(_MISSING, n)))
            if tally >= _MISSING:
                tally = sum(map(lex.facts, words))
                peek = lex.memo.peek  # valid until the next put (see Memo.peek)
        _mark_plain(i, n, tally, words, lex, fast, lang, tallies, min_strong)


def _mark_plain(i: int, n: int, tally: "int | None", words: list[str], lex: _Lexicon,
                fast: list, lang: str, tallies: "dict[int, int] | None",
                min_strong: int) -> None:
    # the fast path's verdict on segment i of n words (their tally, None from 4096 on)
    if n < 4096:
        plain = (tally & _COUNT) >= FAST_KNOWN * n and \
            (tally >> 13 & _COUNT) >= FAST_DISTINCT * n
    else:
        tally, plain = _tally(words, lex), _fast(words, lex)
    if plain:
        fast[i] = lang
    if tallies is not None and (not plain or tally >> 26 & _COUNT >= min_strong):
        tallies[i] = tally


def segment_tally(text: str, lex: _Lexicon, resolve: bool = False) -> int:
    """The tally of a segment's words (lower-cased) under ``lex``; with ``resolve``,
    the unknown words are worked out first (see :meth:`_Lexicon.claimed`), so that
    only the strong ones among them count strong.

    >>> lex = _lexicon("en")
    >>> tally_strong(segment_tally("the cat sat by the fire", lex))
    0
    >>> tally_strong(segment_tally("the cat dass die Katze nicht", lex, True))
    4
    """
    t = text.lower()
    if lex.core is not None:
        n, tally = lex.core.scan_tally(t, resolve)
        if tally is not None:
            return tally
    words = _ASCII_WORD_RE.findall(t) if t.isascii() else _tokens(t)
    if resolve:
        total = sum(map(lex.claimed, words))
        if len(words) < 4096:
            return total
    return _tally(words, lex)
