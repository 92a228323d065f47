"""Scoring a text against candidate languages: the detector's probabilities, word
frequencies for short text, a prior for the document language, and the letters of
words that speak for a language (:func:`word_evidence`).

>>> classify("la maison est grande", SCRIPT_LANGS["Latin"], get_backend())[0]
'fr'
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..config import Config
from ..segment import has_letters
from .backends import get_backend  # noqa: F401  (used by the doctests)
from .languages import (_ALPHABETS, ALPHABET_PENALTY, DOC_PRIOR, DOC_PRIOR_LONG, EVIDENCE_MIN,
                        EVIDENCE_RATIO, FT_EPS, NAME_MIN_FREQ, NAME_RATIO, RARE_FREQ,
                        SHORT_WORDS, UNKNOWN_FLOOR, WORD_FLOOR)
from .languages import SCRIPT_LANGS  # noqa: F401  (used by the doctests)
from .lexicon import _lexicon, _max_evidence, _tokens, words_of
from .wordlists import _freqs

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
    of capitalised words needs twice the evidence (halved here).  A repeated word counts
    once: "no, no, no, no" is no more Spanish than "no".

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
    for w in dict.fromkeys(_tokens(text)):  # a repeated word is no new evidence
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


def against(text: str, cands: tuple[str, ...], ref: str, cfg: Config,
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
    cased = list(dict.fromkeys(_tokens(ev)))  # a repeated word is no new evidence
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
