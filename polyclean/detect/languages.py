"""Language tables and the tuning constants of detection.

Candidate languages per script, the alphabets that tell the Cyrillic languages apart,
the detectors' labels mapped to ISO 639-1 codes, wordfreq's codes, and the peer
languages a word is compared with.  The constants below were measured on the
even-numbered lines of the lingua test data (``bench/eval_detect.py --split dev``).

>>> SCRIPT_LANGS["Hangul"], _SCRIPT_OF_LANG["uk"], "en" in _PEERS["Latin"]
(('ko',), 'Cyrillic', True)
"""

from __future__ import annotations

import math

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
PREDICTION_MEMO_SIZE = 1_024  # texts whose fastText predictions are kept (x2 generations)
DECISION_MAX_CHARS = 400  # ... of segments at most this long (longer ones rarely recur)
LEXICON_MEMO_SIZE = 32_768  # words whose facts are kept per language (x2 generations)
LEXICON_TABLE_AFTER = 8_192  # ... new vocabulary words of a language before its peer table
LEXICONS_KEPT = 32  # extended vocabularies kept built (wordfreq 3 has 21 "large" lists)
TRIAL_MEMO_SIZE = 4_096  # words whose facts are kept per trial lexicon (x2 generations)
FREQS_KEPT = 16  # word lists of languages outside _PEERS kept loaded per process
DOC_VOTE_MIN = 20  # weighted letters a segment needs to vote for the document language
DOC_VOTE_SEGMENTS = 40  # at most this many model calls to find the document language
# Document language (see document._document_language).  How many Latin letters of
# English carry as much text as one letter of a script: the mean length of a word of
# wordfreq's English list over that of the script's language (bench/eval_detect.py
# --weights prints them; for Chinese it matches NTREX and Tatoeba parallel text, 2.7-2.8).
LETTER_WEIGHTS = {"Han": 2.7, "Kana": 2.6, "Hangul": 2.9}
TARGET_HOLD = 0.5  # the target language stays the document's while it holds this share of the leader's weight


# --- Han without kana: Chinese or Japanese ------------------------------------------------
_NOT_JAPANESE: frozenset[str] | None = None


def _not_japanese() -> frozenset[str]:
    """The CJK ideographs (the Unified block and Extension A) that none of Japan's
    character sets has: Windows-31J (JIS X 0208 with the NEC and IBM extensions) and
    JIS X 0213:2004, its full kanji standard (about 50 ms, once per process)."""
    out = set()
    for ch in map(chr, [*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000)]):
        try:
            ch.encode("cp932")
        except UnicodeEncodeError:
            try:
                ch.encode("euc_jis_2004")
            except UnicodeEncodeError:
                out.add(ch)
    return frozenset(out)


def han_langs(text: str) -> tuple[str, ...]:
    """The candidate languages of a Han segment (no kana): Chinese alone when it holds
    an ideograph that no Japanese character set has, such as the simplified forms
    (传, 说, 们; Japanese writes 伝, 説, 們), else Chinese and Japanese.  Japanese is
    written within those sets: of wordfreq's 215k Japanese words, the 178 that hold
    such an ideograph carry 0.001% of the list's frequency, and they are Chinese words
    ("谢谢").  Traditional forms (這, 們) are in the Japanese sets and tell nothing.

    >>> han_langs("传统中医治高血压必须辨证论治。"), han_langs("東京大学")
    (('zh',), ('zh', 'ja'))
    """
    global _NOT_JAPANESE
    if _NOT_JAPANESE is None:
        _NOT_JAPANESE = _not_japanese()
    return SCRIPT_LANGS["Han"] if _NOT_JAPANESE.isdisjoint(text) else ("zh",)


def script_langs(text: str, script: str) -> tuple[str, ...] | None:
    """The candidate languages of a segment of ``script`` (:data:`SCRIPT_LANGS`, and
    :func:`han_langs` for Han), or None for a script without languages.

    >>> script_langs("说", "Han"), script_langs("123", "Common")
    (('zh',), None)
    """
    if script == "Han":
        return han_langs(text)
    return SCRIPT_LANGS.get(script)

