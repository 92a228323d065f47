"""Rebuild ``charstats.json``: letter-bigram log-frequencies per language.

The table behind :mod:`polyclean.decode`'s single-byte codec choice and
:mod:`polyclean.repair`'s Cyrillic mix-up checks.  Derived from the word
frequency lists of the ``wordfreq`` package (a dependency of polyclean): the
50,000 most frequent purely alphabetic words of each language (for Estonian, which
wordfreq lacks, the stems of the hunspell dictionary, each with the same weight), each word
padded with ``_`` at both ends, every letter bigram counted with the word's
frequency.  ``logp`` is the natural log of a bigram's share of all bigrams of
the language; only bigrams with a non-ASCII character or a word boundary are
kept (the only ones that can tell single-byte codecs apart), rounded to 0.1, and those rarer than
``FLOOR`` are dropped (they score as unseen).  wordfreq case-folds German "ß"
to "ss", so German words with "ss" also count, at a quarter of their frequency,
with "ß" in its place.  Letters in ``polyclean.decode.stats.FOLD`` (Romanian s and t
with comma below) are counted as the letter they fold to.

Run from the repository root (Estonian needs Debian's ``myspell-et``):
``apt-get install myspell-et; .venv/bin/python polyclean/data/build_charstats.py``.
Output is deterministic for a given wordfreq version.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

CYRILLIC = ("ru", "uk", "bg", "mk")
LATIN = ("fr", "de", "es", "pt", "it", "nl", "ca", "sv", "da", "nb", "fi", "is", "tr",
         "pl", "cs", "sk", "hu", "ro", "sl", "sh", "lt", "lv", "et")
#: Languages that wordfreq lacks, from a hunspell dictionary's stems (Debian package
#: myspell-et: Estonian word list of the Institute of the Estonian Language, LGPL-2.1).
HUNSPELL = {"et": "/usr/share/hunspell/et_EE.dic"}
GREEK = ("el",)
TOP_N = 50_000
FLOOR = -15.0
SHARP_S_SHARE = 0.25  # German: weight of the "ß" spelling of words that wordfreq lists with "ss"


def weighted_words(lang: str) -> list[tuple[str, float]]:
    """(word, weight) pairs: wordfreq's list, or a hunspell dictionary's stems with
    equal weights for a language that wordfreq lacks."""
    if lang in HUNSPELL:
        dic = Path(HUNSPELL[lang])
        aff = dic.with_suffix(".aff").read_bytes().decode("latin-1")
        enc = next(line.split()[1] for line in aff.splitlines() if line.startswith("SET "))
        lines = dic.read_text(encoding=enc).splitlines()[1:]
        words = sorted({w.split("/")[0].lower() for w in lines})
        return [(w, 1.0) for w in words if w.isalpha()]
    import wordfreq

    return [(w, wordfreq.word_frequency(w, lang)) for w in wordfreq.top_n_list(lang, TOP_N)
            if w.isalpha()]


def bigram_logps(lang: str) -> dict[str, float]:
    from polyclean.decode.stats import FOLD

    counts: dict[str, float] = {}
    total = 0.0
    for word, f in weighted_words(lang):
        word = "".join(FOLD.get(c, c) for c in word.lower())
        variants = [(word, f)]
        if lang == "de" and "ss" in word:  # wordfreq case-folds ß to ss
            variants.append((word.lower().replace("ss", "ß"), f * SHARP_S_SHARE))
        for w, wf in variants:
            padded = f"_{w}_"
            for a, b in zip(padded, padded[1:]):
                counts[a + b] = counts.get(a + b, 0.0) + wf
                total += wf
    out = {}
    for bg, c in sorted(counts.items()):
        if bg.isascii() and "_" not in bg:
            continue
        lp = round(math.log(c / total), 1)
        if lp >= FLOOR:
            out[bg] = lp
    return out


def main() -> None:
    from importlib.metadata import version

    table = {
        "doc": "letter-bigram log-frequencies; see build_charstats.py",
        "source": f"wordfreq {version('wordfreq')}, top {TOP_N} words per language; "
                  f"hunspell stems for {', '.join(HUNSPELL)}",
        "floor": FLOOR,
        "cyrillic": list(CYRILLIC),
        "latin": list(LATIN),
        "greek": list(GREEK),
        "langs": {lang: bigram_logps(lang) for lang in CYRILLIC + LATIN + GREEK},
    }
    path = Path(__file__).with_name("charstats.json")
    path.write_text(json.dumps(table, ensure_ascii=False, sort_keys=True, separators=(",", ":")),
                    encoding="utf-8")
    sizes = {k: len(v) for k, v in table["langs"].items()}
    print(f"wrote {path} ({path.stat().st_size} bytes): {sizes}")


if __name__ == "__main__":
    main()
