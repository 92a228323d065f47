"""Choosing the codec of bytes that are neither UTF-8 nor marked: polyclean's letter
statistics beside chardet, charset-normalizer last.

* chardet 7 (trained byte-bigram models of 49 languages in 99 encodings, escape and
  multi-byte probes) names one encoding.  Its choice is narrowed to the smallest codec
  of its family that reads the bytes (GB2312 before GBK before GB18030, Shift_JIS
  before CP932, EUC-KR before CP949): a file that only uses a codec's bytes was
  written in it.
* polyclean's statistics (:mod:`polyclean.decode.stats`) score each single-byte reading
  of Latin-, Cyrillic- or Greek-script text by letter pairs of real words.
* When the best reading is real language (:func:`stats._trusted`), the reading chosen
  is the one with the highest statistics score, chardet's reading counting
  ``CHARDET_VOTE`` more.  Readings are compared as text, so codecs that read the bytes
  the same way (ISO-8859-1 and cp1252 without bytes 0x80-0x9F) are one reading.  So
  where the letter pairs cannot tell readings apart (¤ or €? the same Romanian letter
  with cedilla or comma? a language without a table, such as Estonian) chardet
  decides, and where they clearly can (a short Russian line, Czech in ISO-8859-2 or in
  cp1250) the letters do.
* Otherwise (CJK, Arabic, Hebrew, Thai, ...) chardet decides, and charset-normalizer
  where chardet names nothing that reads the bytes.
"""

from __future__ import annotations

import codecs
import math

from .stats import _sample, _script_of, _single_byte_candidates, _trusted, reading_score

#: Log-likelihood (natural log) that chardet's choice adds to a reading's statistics
#: score: chardet outvotes the letter statistics when they prefer another reading by
#: less than this.  Chosen on the dev half of bench/eval_decode.py's files (every value
#: from 4 to 16 gave the same dev figures, 0-3 and 20+ fewer; 8 is kept); the test half
#: is reported beside it.
CHARDET_VOTE = 8.0

#: Families of codecs, smallest first: chardet's choice is narrowed to the first that
#: reads the bytes.
NARROWER = {
    "gb18030": ("gb2312", "gbk", "gb18030"),
    "gbk": ("gb2312", "gbk"),
    "cp932": ("shift_jis", "cp932"),
    "cp949": ("euc_kr", "cp949"),
    "big5hkscs": ("big5", "big5hkscs"),
    "iso2022_jp_2": ("iso2022_jp", "iso2022_jp_2"),
    "iso2022_jp_ext": ("iso2022_jp", "iso2022_jp_ext"),
}


def _codec_name(name: str | None) -> str | None:
    """Python's canonical codec name for an encoding name, or None if Python has none.

    >>> _codec_name("Windows-1252"), _codec_name("MacRoman"), _codec_name("no-such")
    ('cp1252', 'mac-roman', None)
    """
    if not name:
        return None
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def chardet_codec(data: bytes) -> str | None:
    """chardet's encoding for ``data`` (its start), narrowed to the smallest codec of
    its family that reads all of ``data``; None when chardet names nothing that does.

    >>> chardet_codec("日本語の文字コード検出テストです。".encode("iso2022_jp"))
    'iso2022_jp'
    """
    import chardet

    name = _codec_name(chardet.detect(data[:65536])["encoding"])
    if name is None:
        return None
    for codec in NARROWER.get(name.replace("-", "_"), (name,)):
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        return codecs.lookup(codec).name
    return None


def choose_single_byte(data: bytes) -> tuple[str, float, str] | None:
    """(codec, confidence, reason) by letter statistics with chardet's vote, or None
    when no single-byte reading is real Latin, Cyrillic or Greek text."""
    cands, runs = _single_byte_candidates(data)
    if not cands or not _trusted(cands[0], runs):
        return None
    sample = _sample(data)
    voted = chardet_codec(data)
    voted_text = None
    if voted is not None:
        try:
            voted_text = sample.decode(voted)
        except UnicodeDecodeError:
            voted = None
    scored = [(score, name) for score, name, _ in cands]
    if voted is not None and not any(sample.decode(n) == voted_text for _, n in scored):
        extra = reading_score(sample, voted)  # a codec polyclean has no list entry for
        if extra is not None:
            scored.append((extra, voted))
    ranked = []
    for score, name in scored:
        bonus = CHARDET_VOTE if voted is not None and sample.decode(name) == voted_text else 0.0
        ranked.append((score + bonus, bool(bonus), name))
    ranked.sort(key=lambda r: -r[0])
    total, by_vote, name = ranked[0]
    try:
        data.decode(name)
    except UnicodeDecodeError:  # a byte beyond the sample is undefined in this codec
        return None
    margin = total - ranked[1][0] if len(ranked) > 1 else 40.0
    script = _script_of(name) if name in _SCRIPTS_KNOWN else "single-byte"
    why = f"{script} letter statistics" + (" and chardet" if by_vote else "")
    return name, round(_confidence(margin), 4), why


def _confidence(margin: float) -> float:
    """Logistic in the score margin between the best and the runner-up reading.

    >>> _confidence(0.0), round(_confidence(40.0), 3)
    (0.5, 1.0)
    """
    return 1.0 / (1.0 + math.exp(-margin / 4.0))


def _known() -> frozenset[str]:
    from .stats import _SCRIPT_OF

    return frozenset(_SCRIPT_OF)


_SCRIPTS_KNOWN = _known()
