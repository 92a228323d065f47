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
from .inline import INLINE_MIN_STRONG, INLINE_MIN_WORDS, find_fragment, split_segment
from .languages import (_PEERS, _SCRIPT_OF_LANG, DECISION_CACHE_SIZE, DECISION_MAX_CHARS,
                        DOC_VOTE_MIN, DOC_VOTE_SEGMENTS, FAST_CONFIDENCE, HAN_ZH_PRIOR,
                        LETTER_WEIGHTS, SCRIPT_LANGS, TARGET_HOLD, script_langs)
from .lexicon import _mark_fast, _trial_lexicon, tally_distinct, tally_strong
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
    cands = script_langs(text, script)
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
    # the tallies under that lexicon of the segments it does not settle or that may
    # hold a foreign run
    tallies: dict[int, int] = {}
    _mark_fast(segs, fast, expected, range(len(segs)), tallies=tallies,
               min_strong=INLINE_MIN_STRONG)

    # 2. document language
    if cfg.doc_lang:
        doc_lang, doc_conf = cfg.doc_lang, 1.0
    else:
        doc_lang, doc_conf = _document_language(segs, fast, tallies, backend, cfg)

    # 3. fast path for the document language when it differs from the expected one
    if doc_lang != expected:
        tallies = {}  # (a run is only looked for in documents in the target language)
        _mark_fast(segs, fast, doc_lang, range(len(segs)))

    # 4. every other segment (decisions are cached: menus and footers repeat)
    opts = _options(cfg)
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
    if doc_conf == 0.0 and not cfg.doc_lang:
        doc_lang, doc_conf = _unvoted_language(segs, doc_lang)
    if tallies and doc_lang == target:
        segs = _inline_fragments(segs, tallies, doc_lang, cfg, backend)
    return DocDetection(doc_lang, doc_conf, segs)


def _unvoted_language(segs: list[Segment], doc_lang: str) -> tuple[str, float]:
    """The language of a document too short for any segment to vote (under
    ``DOC_VOTE_MIN`` weighted letters each: a word, a title, a short record), which
    ``_document_language`` leaves at the target language with confidence 0: the one
    language that every segment with letters was found foreign in, judged against the
    target language (so a name stays the target's: "Paris" is no German document),
    with their least confidence; else ``doc_lang`` at 0.  Those segments are then the
    document's own, not foreign.

    >>> d = detect_document("Здравствуйте, друзья")
    >>> d.lang, [(s.lang, s.foreign) for s in d.segments]
    ('ru', [('ru', False)])
    >>> detect_document("Paris").lang
    'en'
    """
    lettered = [s for s in segs if any(c.isalpha() for c in s.text)]
    langs = {s.lang for s in lettered}
    if not lettered or len(langs) != 1 or not all(s.foreign for s in lettered):
        return doc_lang, 0.0
    for s in lettered:
        s.foreign = False
    return langs.pop(), min(s.confidence for s in lettered)


def _options(cfg: Config) -> tuple:
    # the options a cached decision depends on
    return (cfg.detector, cfg.min_foreign_chars, cfg.min_confidence, cfg.target_lang)


def _inline_fragments(segs: list[Segment], tallies: dict[int, int], doc_lang: str,
                      cfg: Config, backend: Any) -> list[Segment]:
    """``segs`` with the foreign runs inside segments in the document's script cut out
    as segments of their own (see :mod:`polyclean.detect.inline`), in a document in
    the target language (the text of a document in another language is translated
    whole, so a run inside it gains nothing by being cut out).  ``tallies`` are tallies
    under the document language's lexicon: a segment needs enough strong words to hold
    a run (unknown words count strong until the finder works them out).  A segment judged foreign as a whole is cut too when the words around
    the run are plainly in the document language (it needs words distinctive of it)."""
    cuts: dict[int, list[Segment]] = {}
    for i, tally in tallies.items():
        s = segs[i]
        if tally_strong(tally) < INLINE_MIN_STRONG or s.text.count(" ") < INLINE_MIN_WORDS or \
                (s.foreign and tally_distinct(tally) < INLINE_MIN_WORDS):
            continue
        key = (s.text, "inline", s.foreign, doc_lang, _options(cfg))
        hit = _decisions.get(key)  # () for none
        if hit is None:
            hit = find_fragment(s.text, doc_lang, cfg, backend, check_rest=s.foreign)
            if len(s.text) <= DECISION_MAX_CHARS:
                _decisions.put(key, hit or ())
        if hit:
            if s.foreign:  # the words around the run are the document's
                s.lang, s.foreign = doc_lang, False
            cuts[i] = split_segment(s, *hit)
    if not cuts:
        return segs
    out: list[Segment] = []
    for i, s in enumerate(segs):
        out += cuts.get(i, (s,))
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
    votes, pending = _free_votes(segs, fast, tallies, target)
    total = sum(votes.values())
    unheard = sum(w for w, _, _ in pending)  # weight of the segments not heard yet
    open_ = sum(t for _, _, t in pending)  # ... of those that could be in the target

    def settled() -> bool:
        # the rest cannot change the answer: the leader keeps the majority, and the
        # target (if it does not lead) cannot come to hold TARGET_HOLD of it
        if not votes:
            return False
        lead = max(votes.values())
        if lead <= 0.5 * (total + unheard):
            return False
        held = votes.get(target, 0.0)
        return held == lead or held + open_ < TARGET_HOLD * lead

    pending.sort(key=lambda x: (-x[0], x[1]))
    calls = 0
    tried: set[str] = set()
    while pending and not settled() and calls < DOC_VOTE_SEGMENTS:
        weight, i, to_target = pending.pop(0)
        unheard -= weight
        open_ -= to_target
        s = segs[i]
        lang, conf = classify(_evidence(s.text), script_langs(s.text, s.script), backend)
        calls += 1
        if conf < 0.5:
            continue
        total += weight
        tally = tallies.get(i)  # under the target language's lexicon
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
            _mark_fast(segs, fast, lang, [j for _, j, _ in pending],  # all None so far
                       _trial_lexicon(lang))
            moved = [p for p in pending if fast[p[1]] is not None]
            pending = [p for p in pending if fast[p[1]] is None]
            for w, _, t in moved:
                votes[lang] += w
                total += w
                unheard -= w
                open_ -= t
    if not votes:
        return target, 0.0
    lang = max(votes, key=lambda l: (votes[l], l == target))
    if lang != target and votes.get(target, 0.0) >= TARGET_HOLD * votes[lang]:
        lang = target
    return lang, votes[lang] / total if total else 0.0


def _free_votes(segs, fast, tallies: dict[int, int], target: str
                ) -> tuple[dict[str, float], list[tuple[float, int, float]]]:
    """The votes of the segments whose language is known without a model (the fast
    path's, a script with one language), and the ``(weight, index, weight if it could
    be in the target language else 0)`` of the others heavy enough to ask the model
    about (``DOC_VOTE_MIN``).  A segment could be in the target language when its
    script's languages include it and, if the target's fast path looked at it, it has
    ``INLINE_MIN_WORDS`` words distinctive of the target."""
    texts: dict[tuple[str, str], list[str]] = {}  # (language, script) -> texts
    pending: list[tuple[float, int, float]] = []
    for i, s in enumerate(segs):
        script = s.script
        cands = script_langs(s.text, script)
        if not cands:
            continue
        f = fast[i]
        if f is None and len(cands) == 1:
            f = cands[0]
        if f is not None:
            texts.setdefault((f, script), []).append(s.text)
        elif len(s.text) * LETTER_WEIGHTS.get(script, 1.0) >= DOC_VOTE_MIN:  # letters at most
            weight = letter_weight(s.text, script)
            if weight >= DOC_VOTE_MIN:
                tally = tallies.get(i)
                could = target in cands and (tally is None or
                                             tally_distinct(tally) >= INLINE_MIN_WORDS)
                pending.append((weight, i, weight if could else 0.0))
    votes: dict[str, float] = {}
    for (lang, script), group in texts.items():  # counted together: the same sums
        votes[lang] = votes.get(lang, 0.0) + group_weight(group, script)
    return votes, pending


def group_weight(texts: list[str], script: str) -> float:
    """``letter_weight("".join(texts), script)``, without joining them: the texts of a
    one-line document are the whole document, and the joined copy, its encoding and
    its letters were three more copies of it at once (each count is one per character,
    so the counts add up; the float is made once, as the joined text's was).

    >>> t = ["Hello, world!", "Привет, мир 2022!", "我们"]
    >>> [group_weight(t[:k], s) == letter_weight("".join(t[:k]), s)
    ...  for k in (1, 2, 3) for s in ("Latin", "Cyrillic", "Han", "Thai")]
    [True, True, True, True, True, True, True, True, True, True, True, True]
    """
    if all(t.isascii() for t in texts):
        return float(sum(len(t.encode("ascii").translate(None, _ASCII_NONLETTERS))
                         for t in texts))
    weight = LETTER_WEIGHTS.get(script)
    if weight is not None:
        return sum(count_letters(t) for t in texts) * weight
    return float(sum(len(t.encode("utf-8").translate(None, _ASCII_NONLETTERS).decode("utf-8"))
                     for t in texts))


_ASCII_NONLETTERS = bytes(c for c in range(128) if not chr(c).isalpha())


def letter_weight(text: str, script: str) -> float:
    """The letters of ``text`` weighted by the text a letter of ``script`` carries.

    Letters are counted exactly in ASCII and CJK text; elsewhere, for speed, every
    character but ASCII spaces, digits and punctuation counts as one.

    >>> letter_weight("Hello, world!", "Latin"), letter_weight("我们明天见。", "Han")
    (10.0, 13.5)
    >>> letter_weight("Привет, мир 2022!", "Cyrillic")
    9.0
    """
    if text.isascii():
        return float(len(text.encode("ascii").translate(None, _ASCII_NONLETTERS)))
    weight = LETTER_WEIGHTS.get(script)
    if weight is not None:
        return count_letters(text) * weight
    return float(len(text.encode("utf-8").translate(None, _ASCII_NONLETTERS).decode("utf-8")))


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

