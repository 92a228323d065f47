"""wordfreq's word lists, read straight from the files inside the wordfreq wheel.

:func:`_freqs` is a language's 'small' list (word -> frequency); the document
language also gets an extended vocabulary (:func:`_extended_freqs`): the rarer words
of the 'large' list packed into a :class:`_Vocab`.  Both are bounded per process:
the peer languages' lists stay loaded, the others are dropped least recently used
first.

>>> _freqs("de")["und"] > 0.01, _freqs("xx")
(True, None)
"""

from __future__ import annotations

import threading
from array import array
from itertools import accumulate
from pathlib import Path

from .languages import _PEERS, _WORDFREQ_CODES, EXTENDED_MIN_FREQ, FREQS_KEPT

_lock = threading.Lock()  # guards the per-process caches of this module and lexicon.py
_freq_cache: dict[str, dict[str, float] | None] = {}  # least recently used first
_ABSENT = object()
_CORE = frozenset(p for peers in _PEERS.values() for p in peers)  # lists always kept
_lists: dict[str, dict[str, str]] = {}  # wordlist name -> {wordfreq code: file}


def _wordlists(name: str) -> dict[str, str]:
    """wordfreq's files of one list ("small" or "large"), by language code: what
    ``wordfreq.available_languages(name)`` returns, found without importing wordfreq
    (its import takes about 0.4 s and nothing else of it is used)."""
    files = _lists.get(name)
    if files is None:
        import importlib.util

        spec = importlib.util.find_spec("wordfreq")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("wordfreq is not installed")
        folder = Path(list(spec.submodule_search_locations)[0]) / "data"
        files = {}
        for path in folder.glob("*.msgpack.gz"):
            if not path.name.startswith("_"):
                list_name, lang = path.name.split(".")[0].split("_")
                if list_name == name:
                    files[lang] = str(path)
        _lists[name] = files
    return files


def _buckets(path: str, min_freq: float = 0.0):
    """(frequency, words) of a wordfreq cBpack file, most frequent first, down to
    ``min_freq``: bucket ``i`` holds the words of frequency ``10 ** (-i / 100)``."""
    for cb, bucket in _packs(path, min_freq):
        yield 10.0 ** (-cb / 100), bucket


def _packs(path: str, min_freq: float = 0.0):
    """(bucket index, words) of a wordfreq cBpack file, most frequent first, down to
    ``min_freq`` (see :func:`_buckets`).

    The file is read as a stream and left as soon as the buckets are rare enough, and
    nothing stays in wordfreq's own caches (its ``get_frequency_list`` keeps every list
    it ever read, rare words included, for the life of the process)."""
    try:
        import msgpack  # a dependency of wordfreq
    except ImportError:  # pragma: no cover
        from wordfreq import read_cBpack

        packs = iter(read_cBpack(path))
    else:
        import gzip

        def stream():
            with gzip.open(path, "rb") as fh:
                unpacker = msgpack.Unpacker(fh, raw=False)
                n = unpacker.read_array_header()
                header = unpacker.unpack()
                if not isinstance(header, dict) or header.get("format") != "cB" \
                        or header.get("version") != 1:
                    raise ValueError(f"unexpected wordfreq header in {path}: {header!r}")
                for _ in range(n - 1):
                    yield unpacker.unpack()

        packs = stream()
    for cb, bucket in enumerate(packs):
        if 10.0 ** (-cb / 100) < min_freq:
            return  # the stream closes with this generator
        yield cb, bucket


def _freqs(lang: str, pure: bool = False) -> "dict[str, float] | None":
    """wordfreq's 'small' list for ``lang`` (word -> frequency, the same mapping as
    ``wordfreq.get_frequency_dict(code, "small")``), or None.

    With the compiled extension, a memory-mapped table (:mod:`.store`, a mapping with
    ``get``).  Else (or with ``pure``) a dict: the lists of the peer languages
    (``_PEERS``) stay loaded; of the others the ``FREQS_KEPT`` used last (loaded again
    when needed), so memory does not grow with the number of languages a long run
    meets."""
    if not pure and _compiled():
        return _store.words(lang, True)
    d = _recent(_freq_cache, lang)
    if d is not _ABSENT:
        return d
    code = _WORDFREQ_CODES.get(lang, lang)
    d: dict[str, float] | None = None
    try:
        path = _wordlists("small").get(code)
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        path = None
    if path is not None:
        d = {}
        for freq, bucket in _buckets(path):
            d.update(dict.fromkeys(bucket, freq))  # a word is in one bucket only
    with _lock:
        d = _freq_cache.setdefault(lang, d)
        _forget_oldest(_freq_cache, FREQS_KEPT, _CORE)
    return d


def _recent(cache: dict, lang: str):
    """``cache[lang]``, moved to the end (most recently used last), or ``_ABSENT``."""
    v = cache.get(lang, _ABSENT)
    if v is not _ABSENT and v is not None:
        cache[lang] = cache.pop(lang, v)
    return v


def _forget_oldest(cache: dict, keep: int, spare: frozenset = frozenset(),
                   weighs=lambda v: True) -> None:
    # Drop the least recently used entries beyond ``keep`` that ``weighs`` (``spare``
    # and the None entries of languages without a list do not count).  Under _lock.
    heavy = [k for k, v in cache.items() if v is not None and k not in spare and weighs(v)]
    for k in heavy[:max(0, len(heavy) - keep)]:
        cache.pop(k, None)


_store = None  # polyclean.detect.store, when the compiled tables are in use
_mode: list[bool] = []  # [whether they are], once per process


def _compiled() -> bool:
    """Whether the word lists are the compiled tables of :mod:`.store`."""
    if not _mode:
        global _store
        from . import store

        _store = store if store.enabled() else None
        _mode.append(_store is not None)
    return _mode[0]


_SPANS_KEPT = 4096  # prefixes whose index range a _Vocab keeps


class _Vocab:
    """A language's extended vocabulary as a read-only word -> frequency mapping: the
    'small' list (a dict shared with :func:`_freqs`), then the rarer words of the
    'large' list sorted and joined into one string with an array of offsets and one of
    frequencies, found by binary search: a few bytes a word instead of about a hundred
    in a dict.  French's extended vocabulary costs about 3 MB instead of 15, so a
    process meeting many document languages stays small.  Only words missing from the
    'small' list pay for the search (a microsecond or two: it only looks among the words
    with the same first two letters), and the answers are exactly a dict's.

    >>> v = _Vocab({"the": 0.05}, [(1e-6, ["quixotic"]), (1e-7, ["zyzzyva", "quixotic"])])
    >>> v.get("the"), v.get("quixotic"), v.get("zyzzyva"), v.get("quix"), len(v)
    (0.05, 1e-06, 1e-07, None, 3)
    """

    __slots__ = ("small", "_blob", "_offsets", "_freqs", "_n", "_spans")

    def __init__(self, small: dict[str, float], buckets) -> None:
        self.small = small
        words: list[str] = []
        freqs: list[float] = []
        for freq, bucket in buckets:  # most frequent first
            got = [w for w in bucket if w not in small]
            words += got
            freqs += [freq] * len(got)
        # sorted; of a word listed twice the first, most frequent, copy is kept (the
        # sort is stable)
        order = sorted(range(len(words)), key=words.__getitem__)
        kept = [i for k, i in enumerate(order) if k == 0 or words[i] != words[order[k - 1]]]
        self._blob = "".join(words[i] for i in kept)
        self._offsets = array("L", accumulate((len(words[i]) for i in kept), initial=0))
        self._freqs = array("d", (freqs[i] for i in kept))
        self._n = len(kept)
        self._spans: dict[str, tuple[int, int]] = {}  # first two letters -> index range

    def _first(self, w: str, lo: int, hi: int) -> int:
        # the first index in [lo, hi) whose word is not below ``w`` (binary search)
        blob, offsets = self._blob, self._offsets
        while lo < hi:
            mid = (lo + hi) >> 1
            if blob[offsets[mid]:offsets[mid + 1]] < w:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def get(self, w: str, default: float | None = None) -> float | None:
        f = self.small.get(w)
        if f is not None:
            return f
        # the words sharing the first two letters of ``w``, found once per prefix: the
        # search then has a few hundred words to look through, not the whole list
        key = w[:2]
        spans = self._spans
        span = spans.get(key)
        if span is None:
            if len(spans) >= _SPANS_KEPT:  # Chinese has thousands of prefixes: bounded
                spans.clear()
            lo = self._first(key, 0, self._n)
            span = spans[key] = (lo, self._first(key + "\U0010ffff", lo, self._n))
        i = self._first(w, *span)
        if i < span[1] and self._blob[self._offsets[i]:self._offsets[i + 1]] == w:
            return self._freqs[i]
        return default

    def __len__(self) -> int:
        return len(self.small) + self._n


def _extended_freqs(lang: str, pure: bool = False) -> "_Vocab | dict[str, float] | None":
    """The 'small' list plus the rarer words of wordfreq's 'large' list (down to
    ``EXTENDED_MIN_FREQ``) where it has one: the document language's vocabulary (a
    compiled table with the extension, see :func:`_freqs`)."""
    if not pure and _compiled():
        return _store.words(lang, False)
    small = _freqs(lang, True)
    code = _WORDFREQ_CODES.get(lang, lang)
    try:
        path = _wordlists("large").get(code) if small is not None else None
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        path = None
    if path is None:
        return small
    return _Vocab(small, _buckets(path, EXTENDED_MIN_FREQ))  # streamed


# Facts about one word of a lexicon, worked out on first use (see _Lexicon.facts).  The
