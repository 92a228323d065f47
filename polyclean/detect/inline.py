"""Foreign runs inside a sentence written in the document's own script.

An English sentence may carry a German clause ("It's hard to believe that Frühstück
am besten Christmas is just a month away"): both are Latin, so the segmenter cannot
cut it out, and the sentence as a whole is plainly English.  Here each word is scored
by how much more frequent it is in a peer language than in the document language
(wordfreq's lists: the document language's extended vocabulary, the peer's 'small'
list), and the run of words with the highest total for one peer is the candidate,
found in one pass (the maximum-sum sub-array).  A candidate is a fragment when

* it has at least ``INLINE_MIN_WORDS`` words and its total clears ``INLINE_MIN_SCORE``
  (two words are a loanword, a name or a set phrase: "per se", "laissez-faire");
* at least ``INLINE_MIN_STRONG`` of them are strong: the peer is ``STRONG_GAIN`` nats
  (e³, about 20 times) likelier to use them, more than a word unknown to every list
  gains; a single letter never is (it may be an initial: "N.Y.", "L.A.");
* most of its words are lower-case (a run of capitalised words is a name: "Real
  Madrid", "Universidad Nacional Autónoma de México" stay as written);
* and, taken alone, it passes the same judge as a whole segment
  (:func:`~polyclean.detect.scoring.against`: the statistical detector, word
  evidence and the document-language prior).

A word's log frequency in the document language is floored at ``UNKNOWN_FLOOR`` when
the word is lower-case and unknown to it (a sign of another language), at
``WORD_FLOOR`` when it is capitalised (a name says nothing).  Only segments whose
tally in the fast path counts ``INLINE_MIN_STRONG`` strong words get this far (see
``lexicon._tally``: it sees lower-cased words, so it counts at least as many as this
module does, and the screen never changes an answer); plain sentences of the
document language rarely have two.

>>> from polyclean.config import Config
>>> from polyclean.detect import get_backend
>>> t = "It's hard to believe that Frühstück am besten Christmas is just a month away"
>>> a, b, lang, conf = find_fragment(t, "en", Config(), get_backend())
>>> t[a:b], lang
('Frühstück am besten', 'de')
>>> find_fragment("The plan was not bad per se, and laissez-faire rules held.", "en", Config(),
...               get_backend()) is None
True
"""

from __future__ import annotations

import math
from itertools import islice
from typing import Any

from .. import _speedups
from ..config import Config
from ..memo import Memo
from ..segment import Segment
from .languages import (_PEERS, _SCRIPT_OF_LANG, EVIDENCE_RATIO, LEXICON_MEMO_SIZE, SCRIPT_LANGS,
                        UNKNOWN_FLOOR, WORD_FLOOR)
from .lexicon import (_LOWER_SAFE, _WORD_RE, STRONG_GAIN, _lexicon, segment_tally, tally_distinct,
                      tally_strong)
from .scoring import against
from .wordlists import _freqs

INLINE_MIN_WORDS = 3  # words a foreign run needs (shorter: loanwords, names, set phrases)
INLINE_MIN_SCORE = 8.0  # log-likelihood ratio (nats) a run needs over the document language
INLINE_SWITCH = 2.0  # nats each change of language costs (at most two per run)
INLINE_MIN_STRONG = 2  # strong words (lexicon.STRONG_GAIN) a run needs
_SAFE_GAIN = math.log(EVIDENCE_RATIO)  # the most a peer gains on a word safe in lower case


def find_fragment(text: str, doc_lang: str, cfg: Config, backend: Any,
                  check_rest: bool = False) -> tuple[int, int, str, float] | None:
    """``(start, end, lang, confidence)`` of a foreign run inside ``text`` (a segment
    in the script of ``doc_lang``), or None.  With ``check_rest`` (a segment judged
    foreign as a whole) the words around the run must, taken alone, be plainly
    ``doc_lang`` too: at least ``INLINE_MIN_WORDS`` of them distinctive of it (see
    :func:`~polyclean.detect.lexicon.tally_distinct`), and not judged foreign."""
    run = _candidate(text, doc_lang)
    if run is None:
        return None
    a, b = run
    cands = SCRIPT_LANGS[_SCRIPT_OF_LANG[doc_lang]]
    lang, conf = against(text[a:b], cands, doc_lang, cfg, backend)
    if lang == doc_lang or conf is None:
        return None
    if check_rest:
        rest = f"{text[:a]} {text[b:]}"
        if tally_distinct(segment_tally(rest, _lexicon(doc_lang))) < INLINE_MIN_WORDS or \
                against(rest, cands, doc_lang, cfg, backend)[0] != doc_lang:
            return None
    return a, b, lang, conf


def _candidate(text: str, doc_lang: str) -> tuple[int, int] | None:
    """The span of the run of words most likely in one peer of ``doc_lang`` rather
    than in ``doc_lang`` itself, when it could be a fragment (long enough, likely
    enough, not the whole segment, not a name)."""
    lex = _lexicon(doc_lang)
    lists = _peer_lists(doc_lang)
    if lex is None or not lists:
        return None
    plain = text.replace("\u2019", "'")
    if lex.core is not None and plain.isascii():
        # most segments stop at the first screen below: in ASCII text the compiled scan
        # finds the same words (lower-cased before or after, the same letters) and adds
        # up the same claimed facts, without building the word lists first
        n, tally = lex.core.scan_tally(plain.lower(), True)
        if n <= INLINE_MIN_WORDS or (tally is not None and
                                     tally_strong(tally) < INLINE_MIN_STRONG):
            return None
    words = _WORD_RE.findall(plain)
    if len(words) <= INLINE_MIN_WORDS:
        return None
    lower = [w.lower() for w in words]
    # the unknown words worked out first: too few strong words, and no run is looked for
    values = list(map(lex.claimed, lower))
    if tally_strong(sum(values)) < INLINE_MIN_STRONG:
        return None
    # a word no peer uses twice as often needs no look-up in every peer: log 2 bounds it
    freqs = lex.freqs
    facts = [(f := math.log(freqs.get(lw)), True, f + _SAFE_GAIN, None) if v & _LOWER_SAFE
             else _word_facts(doc_lang, lex, lists, lw) for lw, v in zip(lower, values)]
    # a capitalised word unknown to the document language is a name: no sign either way
    own = [f[0] if f[1] or w == lw else WORD_FLOOR for f, w, lw in zip(facts, words, lower)]
    # each word scored for the peer that favours it most: a bound of any peer's score
    gains = [f[2] - o for f, o in zip(facts, own)]
    if _strong_words(gains, lower, 0, len(lower)) < INLINE_MIN_STRONG:
        return None
    best_run = _speedups.words.best_run if _speedups.words is not None else _best_run
    bound = best_run(gains, INLINE_SWITCH)
    if bound is None or bound[0] < INLINE_MIN_SCORE:
        return None
    # then each peer that favours a word of that run most, on all the words
    langs = {facts[k][3] for k in range(bound[1], bound[2]) if gains[k] > 0.0 and facts[k][3]}
    best = None
    for lang, d in lists:
        if lang in langs:
            if hasattr(d, "log_gains"):  # a compiled word list (see _words.Words)
                peer = d.log_gains(lower, own, WORD_FLOOR)
            else:
                get = d.get
                peer = [_log(get(lw)) - o for lw, o in zip(lower, own)]
            run = best_run(peer, INLINE_SWITCH)
            if best is None or run[0] > best[0]:
                best, best_gains = run, peer
    score, i, j = best
    if score < INLINE_MIN_SCORE or j - i == len(words) or \
            _strong_words(best_gains, lower, i, j) < INLINE_MIN_STRONG:
        return None
    spans = [m.span() for m in islice(_WORD_RE.finditer(plain), i, j)]
    a, b = _widen(text, spans[0][0], spans[-1][1])
    tokens = text[a:b].split()
    if len(tokens) < INLINE_MIN_WORDS or \
            2 * _name_words(tokens, text[max(0, a - 80):a], text[b:b + 80]) > len(tokens):
        return None  # too short, or mostly the words of names
    return a, b


# Lower-case particles of family names: a name particle (Dutch tussenvoegsels, German,
# French, Spanish, Portuguese, Italian, Scandinavian and Arabic ones) opens the run, and
# articles may follow it: "Vincent van Gogh", "Ursula von der Leyen", "Ortega y Gasset",
# "Abd al-Rahman ibn Khaldun".  An article alone ("der Angst des Menschen") is no particle.
NAME_PARTICLES = frozenset("van von de del della di da das do dos du ten ter zu vom af al el "
                           "bin ibn bint abu ben y".split())
NAME_ARTICLES = frozenset("der den het de la le las los des".split())


def _name_words(tokens: list[str], before: str, after: str) -> int:
    """How many of ``tokens`` (a candidate run) are words of names: capitalised words,
    and the lower-case particles between two of them ("Vincent van Gogh"; the first or
    the last may lie outside the run: ``before`` and ``after`` are the text around it).
    A particle after a lower-case word is a word of the sentence ("la casa de Madrid").

    >>> _name_words("Vincent van Gogh and Rembrandt van der Rijn".split(), "", "")
    7
    >>> _name_words("Botic van de".split(), "beaten ", " Zandschulp beat him")
    3
    >>> _name_words("la casa de Madrid".split(), "", "")
    1
    >>> _name_words(["van", "de"], "Botic ", " zee")
    0
    >>> _name_words("zum Höhepunkt der Handlung".split(), "", "")
    2
    """
    def capital(w: str) -> bool:
        return w[0].isupper()

    prev = before.rsplit(None, 1)[-1:]
    nxt = after.split(None, 1)[:1]
    words = prev + tokens + nxt
    first = len(prev)
    # from the left: the particle follows a capitalised word (through other particles),
    # and a run of them opens with a name particle, articles only after it
    opened = [False] * len(words)
    state = 0  # 0: not in a name, 1: after a capitalised word, 2: after a particle
    for k, w in enumerate(words):
        bare = w.strip(_PUNCT)
        if capital(w):
            state = 1
        elif state and bare in NAME_PARTICLES:
            state = 2
        elif state == 2 and bare in NAME_ARTICLES:
            state = 2
        else:
            state = 0
        opened[k] = state == 2
    count = 0
    state = False  # from the right: the particle leads to a capitalised word
    for k in range(len(words) - 1, -1, -1):
        w = words[k]
        if capital(w):
            state = True
            count += first <= k < first + len(tokens)
        elif state and opened[k]:
            count += first <= k < first + len(tokens)
        else:
            state = False
    return count


_PUNCT = ".,;:!?()\"'\u201c\u201d"


_LISTS: dict[str, list[tuple[str, dict]]] = {}


def _peer_lists(doc_lang: str) -> list[tuple[str, dict]]:
    # (language, 'small' word list) of the peers of ``doc_lang``: lists that always stay
    # loaded (wordlists._CORE), so they can be kept here
    lists = _LISTS.get(doc_lang)
    if lists is None:
        peers = _PEERS.get(_SCRIPT_OF_LANG.get(doc_lang, ""), ())
        lists = _LISTS[doc_lang] = [(p, d) for p in peers
                                    if p != doc_lang and (d := _freqs(p)) is not None]
    return lists


def _strong_words(gains: list[float], lower: list[str], i: int, j: int) -> int:
    # words of gains[i:j] that a peer favours by STRONG_GAIN nats, single letters (which
    # may be initials) left out: what lexicon.tally_strong counts, as an upper bound
    return sum(gains[k] >= STRONG_GAIN and len(lower[k]) > 1 for k in range(i, j))


_FACTS = Memo(LEXICON_MEMO_SIZE)  # (document language, word) -> _word_facts


def _word_facts(doc_lang: str, lex, lists: list[tuple[str, dict]], w: str
                ) -> tuple[float, bool, float, str]:
    """``(own, known, top, peer)`` of the lower-case word ``w``: its log frequency in the
    document language (``UNKNOWN_FLOOR`` when unknown: ``known`` is False), and in the
    peer ``peer`` of ``lists`` (``(language, word list)``) where it is most frequent
    (``top``)."""
    key = (doc_lang, w)
    hit = _FACTS.get(key)
    if hit is None:
        top, lang = 0.0, lists[0][0]
        for p, d in lists:
            f = d.get(w)
            if f is not None and f > top:
                top, lang = f, p
        f = lex.freqs.get(w)
        hit = (math.log(f) if f else UNKNOWN_FLOOR, bool(f), _log(top), lang)
        _FACTS.put(key, hit)

    return hit


def _log(f: float | None) -> float:
    return math.log(f) if f else WORD_FLOOR


def _best_run(gains: list[float], switch: float = INLINE_SWITCH
              ) -> tuple[float, int, int] | None:
    """``(score, i, j)`` of the run ``gains[i:j]`` with the highest sum less the cost of
    switching in and out (``switch`` each; none at the ends of the segment); compiled as
    ``_words.best_run``.

    >>> _best_run([-3.0, 3.0, 4.0, -2.0, 5.0, -9.0])[1:]
    (1, 5)
    """
    best = None
    cur, start = -switch, 0  # a run opened before word 0 pays no switch in
    for k, g in enumerate(gains):
        opened = -switch if k else 0.0
        if cur < opened:
            cur, start = opened, k
        cur += g
        close = cur - (switch if k + 1 < len(gains) else 0.0)
        if best is None or close > best[0]:
            best = (close, start, k + 1)
    return best


def _widen(text: str, a: int, b: int) -> tuple[int, int]:
    """``text[a:b]`` widened to whole whitespace-separated tokens (punctuation that
    touches the run's first and last words goes with them).

    >>> t = 'He said «la vie en rose», then left.'
    >>> a, b = _widen(t, 9, 22); t[a:b]
    '«la vie en rose»,'
    """
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    while b < len(text) and not text[b].isspace():
        b += 1
    return a, b


def split_segment(seg: Segment, a: int, b: int, lang: str, conf: float) -> list[Segment]:
    """``seg`` cut around the foreign run ``seg.text[a:b]``: the parts before and after
    keep the segment's language, the run gets ``lang`` and is foreign.

    >>> s = Segment(10, 31, "one zwei drei four", "Latin", "en", 0.99, False, 3, 1)
    >>> [(p.start, p.text, p.lang, p.foreign) for p in split_segment(s, 4, 13, "de", 0.9)]
    [(10, 'one', 'en', False), (14, 'zwei drei', 'de', True), (24, 'four', 'en', False)]
    """
    out = []
    t = seg.text
    for x, y, lang_, conf_, foreign in ((0, a, seg.lang, seg.confidence, seg.foreign),
                                        (a, b, lang, conf, True),
                                        (b, len(t), seg.lang, seg.confidence, seg.foreign)):
        part = t[x:y]
        x += len(part) - len(part.lstrip())
        part = part.strip()
        if part:
            out.append(Segment(seg.start + x, seg.start + x + len(part), part, seg.script,
                               lang_, conf_, foreign, seg.line, seg.para))
    return out
