"""Refusing bad model output: the source sentence is kept, with a reason code.

The codes (a fixed list, in the order they are tried):

``protected-lost``  a protected span's stand-in did not come back exactly once;
``empty``           the output has no letter or digit;
``unknown-tokens``  more than half of the output tokens were ``<unk>``;
``loop``            a word or a run of up to four words repeats back to back (four
                    times for one word, three for longer runs) more than in the source;
``length-ratio``    the output's UTF-8 size is below 0.12 or above 4 times the
                    source's (sentences of at least 24 bytes; UTF-8 size keeps the
                    ratio of parallel sentences near 0.4-1.5 across scripts, so the
                    bounds catch only truncated or runaway output);
``source-script``   more than half of the output's words are in the source's script,
                    when the target language is written in another script (protected
                    spans and glossary terms are left out: they are stand-ins then);
``low-score``       the model's score is below ``--min-translation-score`` (off by
                    default: no threshold can be chosen without the real model).

One more code is not a check of the output but the lack of one: ``model-error``, the
package failed on the sentence (CTranslate2 raised an error on it alone); the sentence
then goes as ``--missing-model`` says (kept, transliterated, dropped, or its document
fails), and the package stays in use for every other sentence.
"""

from __future__ import annotations

import operator
import re
import unicodedata
from functools import lru_cache

from .engine import Hypothesis

REASONS = {
    "protected-lost": "a protected span did not survive the model",
    "empty": "the model's output is empty",
    "unknown-tokens": "the output is mostly unknown tokens (<unk>)",
    "loop": "the output repeats itself (a decoding loop)",
    "length-ratio": "the output's length is out of proportion with the source",
    "source-script": "the output is still in the source's script",
    "low-score": "the model's score is below --min-translation-score",
    "model-error": "the package failed on this sentence",
}
RATIO_MIN, RATIO_MAX, RATIO_MIN_BYTES = 0.12, 4.0, 24
_WORD = re.compile(r"\w+")
_SCRIPTS = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "GREEK": "Grek", "ARABIC": "Arab",
            "HEBREW": "Hebr", "CJK": "Hani", "HIRAGANA": "Jpan", "KATAKANA": "Jpan",
            "HANGUL": "Hang", "DEVANAGARI": "Deva", "THAI": "Thai", "GEORGIAN": "Geor",
            "ARMENIAN": "Armn", "BENGALI": "Beng", "TAMIL": "Taml"}
# Scripts a language's usual script includes (Japanese mixes kana and Han, Korean Hangul).
_WITHIN = {"Jpan": {"Jpan", "Hani"}, "Kore": {"Hang", "Hani"}, "Hant": {"Hani"},
           "Hans": {"Hani"}}


@lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    if not ch.isalpha():
        return None
    name = unicodedata.name(ch, "")
    return _SCRIPTS.get(name.split(" ")[0], name.split(" ")[0] or None)


@lru_cache(maxsize=1 << 15)
def _word_script(word: str) -> str | None:
    """The script most of a word's letters are in (ties: the first name in order).

    >>> _word_script("Москва"), _word_script("iPhone"), _word_script("42"), _word_script("Xя")
    ('Cyrl', 'Latn', None, 'Cyrl')
    """
    scripts = [s for s in map(_script, word) if s]
    if not scripts or scripts.count(scripts[0]) == len(scripts):
        return scripts[0] if scripts else None
    return max(sorted(set(scripts)), key=scripts.count)


@lru_cache(maxsize=256)
def language_scripts(lang: str) -> frozenset[str]:
    """The scripts text in ``lang`` is usually written in.

    >>> sorted(language_scripts("en")), sorted(language_scripts("ja"))
    (['Latn'], ['Hani', 'Jpan'])
    """
    from ..langdata import usual_script

    script = usual_script(lang)
    return frozenset(_WITHIN.get(script, {script})) if script else frozenset()


def max_run(words: list[str], n: int) -> int:
    """Most back-to-back repeats of one ``n``-word run.

    ``k`` repeats of the run starting at ``i`` are ``(k - 1) * n`` words in a row each
    equal to the word ``n`` places after it, so one pass over those equalities finds
    the longest.

    >>> max_run("the the the cat".split(), 1), max_run("a b a b a b c".split(), 2)
    (3, 3)
    >>> max_run("a b c a b c a b".split(), 3), max_run([], 2), max_run(["a"], 2)
    (2, 0, 1)
    """
    if not words:
        return 0
    best = streak = 0
    for same in map(operator.eq, words, words[n:]):
        streak = streak + 1 if same else 0
        if streak > best:
            best = streak
    return best // n + 1


def _looping(source: str, output: str) -> bool:
    out = output.lower().split()
    if len(set(out)) == len(out):  # no word twice: no loop
        return False
    src = source.lower().split()
    for n in (1, 2, 3, 4):
        run = max_run(out, n)
        if run >= (4 if n == 1 else 3) and run >= max_run(src, n) + 2:
            return True
    return False


def _in_source_script(source: str, output: str, target_lang: str) -> bool:
    src = [s for s in map(_word_script, _WORD.findall(source)) if s]
    if not src:
        return False
    main = max(sorted(set(src)), key=src.count)
    if main in language_scripts(target_lang) or not language_scripts(target_lang):
        return False
    out = [s for s in map(_word_script, _WORD.findall(output)) if s]
    return bool(out) and sum(s == main for s in out) * 2 > len(out)


def refusal(source: str, hyp: Hypothesis, target_lang: str,
            min_score: float | None = None) -> str | None:
    """The reason code for not using ``hyp`` as the translation of ``source`` (both
    with protected spans masked), or None when it is fine.

    >>> h = lambda text, unk=0: Hypothesis(text, -1.0, unk, len(text.split()))
    >>> refusal("Кошка спит.", h("Cat sleeps."), "en") is None
    True
    >>> [refusal("Кошка спит на диване весь день.", h(t), "en")
    ...  for t in ("", "the the the the the", "Кошка спит на диване весь день.")]
    ['empty', 'loop', 'source-script']

    Out of proportion when the source or the output has 24 bytes or more (a short
    answer to a short sentence is not judged), mostly ``<unk>``, or under the score:

    >>> [refusal("Кошка спит на диване весь день.", h("Cat."), "en"),
    ...  refusal("Да.", h("Yes, the cat sleeps on the sofa."), "en"),
    ...  refusal("Да.", h("Yes, the cat is asleep."), "en")]
    ['length-ratio', 'length-ratio', None]
    >>> refusal("Кошка спит на диване весь день.", h("<unk> <unk> sofa", 2), "en")
    'unknown-tokens'
    >>> refusal("Кошка спит.", h("Cat sleeps."), "en", min_score=-0.5)
    'low-score'
    """
    if not re.search(r"[^\W_]", hyp.text):
        return "empty"
    if hyp.tokens and hyp.unknown * 2 > hyp.tokens:
        return "unknown-tokens"
    if _looping(source, hyp.text):
        return "loop"
    a, b = len(source.encode()), len(hyp.text.encode())
    if max(a, b) >= RATIO_MIN_BYTES and not RATIO_MIN <= b / max(a, 1) <= RATIO_MAX:
        return "length-ratio"
    if _in_source_script(source, hyp.text, target_lang):
        return "source-script"
    if min_score is not None and hyp.score < min_score:
        return "low-score"
    return None
