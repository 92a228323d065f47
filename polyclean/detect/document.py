"""Document detection: the document's language, then each segment's, with the
document as context (see the package documentation for the method).

>>> d = detect_document("Ceci est un document français.\\nSubscribe now")
>>> d.lang
'fr'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..config import Config
from ..memo import Memo
from ..segment import Segment, count_letters, has_letters, segment
from .backends import get_backend
from .inline import INLINE_MIN_WORDS, INLINE_SCREEN, find_fragment, split_segment
from .languages import (_PEERS, _SCRIPT_OF_LANG, DECISION_CACHE_SIZE, DECISION_MAX_CHARS,
                        DOC_VOTE_MIN, DOC_VOTE_SEGMENTS, FAST_CONFIDENCE, HAN_ZH_PRIOR,
                        LETTER_WEIGHTS, SCRIPT_LANGS, TARGET_HOLD)
from .lexicon import (_lexicon, _mark_fast, _trial_lexicon, segment_tally, tally_distinct,
                      tally_gain)
from .scoring import _evidence, against, classify


@dataclass
class DocDetection:
    """The document's language with its segments (offsets into the detected text)."""

    lang: str
    confidence: float
    segments: list[Segment] = field(default_factory=list)


_decisions = Memo(DECISION_CACHE_SIZE)  # (text, script, doc lang, options) -> decision


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
        lang, conf = against(text, cands, doc_lang, cfg, backend)
        return lang, conf, lang != doc_lang
    # a script other than the document's: foreign whatever its language
    ev = _evidence(text)
    if not has_letters(ev, 2):
        return doc_lang, None, False
    if target in cands:
        # the target's script inside a foreign document (names, brands, English
        # menus): the target language unless there is evidence of another
        lang, conf = against(text, cands, target, cfg, backend)
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
    tallies: list[int | None] = [None] * len(segs)  # under the expected language's lexicon
    _mark_fast(segs, fast, expected, range(len(segs)), tallies=tallies)

    # 2. document language
    if cfg.doc_lang:
        doc_lang, doc_conf = cfg.doc_lang, 1.0
    else:
        doc_lang, doc_conf = _document_language(segs, fast, tallies, backend, cfg)

    # 3. fast path for the document language when it differs from the expected one
    if doc_lang != expected:
        tallies = [None] * len(segs)  # now under the document language's
        _mark_fast(segs, fast, doc_lang, range(len(segs)), tallies=tallies)

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
    return DocDetection(doc_lang, doc_conf,
                        _inline_fragments(segs, tallies, doc_lang, cfg, backend))


def _inline_fragments(segs: list[Segment], tallies: list[int | None], doc_lang: str,
                      cfg: Config, backend: Any) -> list[Segment]:
    """``segs`` with the foreign runs inside segments in the document's script cut out
    as segments of their own (see :mod:`polyclean.detect.inline`), in a document in
    the target language (the text of a document in another language is translated
    whole, so a run inside it gains nothing by being cut out).  A segment judged
    foreign as a whole is cut too when the words around the run are plainly in the
    document language.  ``tallies`` are the segments' tallies under the document
    language's lexicon where the fast path worked them out."""
    script = _SCRIPT_OF_LANG.get(doc_lang)
    lex = _lexicon(doc_lang) if script in _PEERS and doc_lang == cfg.target_lang else None
    if lex is None:
        return segs
    out: list[Segment] = []
    for s, tally in zip(segs, tallies):
        if s.script == script and s.text.count(" ") >= INLINE_MIN_WORDS:
            if tally is None:
                tally = segment_tally(s.text, lex)
            # unknown words count with the largest gain until worked out; a segment
            # judged foreign needs words distinctive of the document language around
            # the run
            if tally_gain(tally) >= INLINE_SCREEN and \
                    (not s.foreign or tally_distinct(tally) >= INLINE_MIN_WORDS) and \
                    tally_gain(segment_tally(s.text, lex, resolve=True)) >= INLINE_SCREEN:
                hit = find_fragment(s.text, doc_lang, cfg, backend, check_rest=s.foreign)
                if hit is not None:
                    if s.foreign:  # the words around the run are the document's
                        s.lang, s.foreign = doc_lang, False
                    out += split_segment(s, *hit)
                    continue
        out.append(s)
    return out


def _document_language(segs, fast, tallies, backend, cfg: Config) -> tuple[str, float]:
    """The document's language and the share of the weighted letters it holds.

    Each segment votes with its letters, weighted by the content a letter of its
    script carries (``LETTER_WEIGHTS``: a Han character holds about as much text as
    2.7 Latin letters), for the language the fast path, its script or the model
    names; not by the number of sentences.  The language holding most weighted
    letters wins, except that the target language stays the document's language as
    long as it holds at least ``TARGET_HOLD`` times as many as that language: a page
    in the target language quoting a long foreign passage is a target-language page
    with a foreign fragment.  Segments the fast path settled vote for free; the
    longest others vote with the model's context-free answer, the first few deciding
    which language's fast path to try on the rest (``fast`` is filled in on the way).
    """
    target = cfg.target_lang
    votes, pending = _free_votes(segs, fast)
    total = sum(votes.values())
    unheard = sum(w for w, _ in pending)  # weight of the segments not heard yet

    def settled() -> bool:  # the leader holds most of the weight, heard or not
        return bool(votes) and max(votes.values()) > 0.5 * (total + unheard)

    pending.sort(key=lambda x: (-x[0], x[1]))
    calls = 0
    tried: set[str] = set()
    while pending and not settled() and calls < DOC_VOTE_SEGMENTS:
        weight, i = pending.pop(0)
        unheard -= weight
        s = segs[i]
        lang, conf = classify(_evidence(s.text), SCRIPT_LANGS[s.script], backend)
        calls += 1
        if conf < 0.5:
            continue
        total += weight
        tally = tallies[i]  # under the target language's lexicon
        if lang != target and tally is not None and tally_distinct(tally) >= INLINE_MIN_WORDS \
                and (hit := find_fragment(s.text, target, cfg, backend, check_rest=True)):
            # a sentence in the target language around a foreign run: each has its part
            run = letter_weight(s.text[hit[0]:hit[1]], s.script)
            votes[hit[2]] = votes.get(hit[2], 0.0) + run
            votes[target] = votes.get(target, 0.0) + weight - run
            continue
        votes[lang] = votes.get(lang, 0.0) + weight
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
                    unheard -= w
                else:
                    rest.append((w, j))
            pending = rest
    if not votes:
        return target, 0.0
    lang = max(votes, key=lambda l: (votes[l], l == target))
    if lang != target and votes.get(target, 0.0) >= TARGET_HOLD * votes[lang]:
        lang = target
    return lang, votes[lang] / total if total else 0.0


def _free_votes(segs, fast) -> tuple[dict[str, float], list[tuple[float, int]]]:
    """The votes of the segments whose language is known without a model (the fast
    path's, a script with one language), and the ``(weight, index)`` of the others
    heavy enough to ask the model about (``DOC_VOTE_MIN``)."""
    votes: dict[str, float] = {}
    pending: list[tuple[float, int]] = []
    script_langs = SCRIPT_LANGS.get
    for i, s in enumerate(segs):
        script = s.script
        cands = script_langs(script)
        if not cands:
            continue
        weight = letter_weight(s.text, script)
        f = fast[i]
        if f is not None:
            votes[f] = votes.get(f, 0.0) + weight
        elif len(cands) == 1:
            votes[cands[0]] = votes.get(cands[0], 0.0) + weight
        elif weight >= DOC_VOTE_MIN:
            pending.append((weight, i))
    return votes, pending


_ASCII_NONLETTERS = bytes(c for c in range(128) if not chr(c).isalpha())


def letter_weight(text: str, script: str) -> float:
    """The letters of ``text`` weighted by the content a letter of ``script`` carries.

    >>> letter_weight("Hello, world!", "Latin"), letter_weight("我们明天见。", "Han")
    (10.0, 13.5)
    """
    if text.isascii():
        n = len(text.encode("ascii").translate(None, _ASCII_NONLETTERS))
    else:
        n = count_letters(text)
    return n * LETTER_WEIGHTS.get(script, 1.0)


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

