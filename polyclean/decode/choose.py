"""Choosing the codec of bytes that are neither UTF-8 nor marked: polyclean's letter
statistics beside chardet, charset-normalizer last.

* chardet 7 (trained byte-bigram models of 49 languages in 99 encodings, escape and
  multi-byte probes) names its first choice: the encodings it ranks (within 1%) as
  high as its best, since its confidences tie where encodings read the bytes alike
  (ISO-8859-1, -15 and cp1252 on "(¤)" / "(€)").  Its choice is narrowed to the
  smallest codec of its family that reads the bytes (GB2312 before GBK before
  GB18030, Shift_JIS before CP932, EUC-KR before CP949): a file that only uses a
  codec's bytes was written in it.
* polyclean's statistics (:mod:`polyclean.decode.stats`) score each single-byte reading
  of Latin-, Cyrillic- or Greek-script text by letter pairs of real words.
* When the best reading is real language (:func:`stats._trusted`), the reading chosen
  is the one with the highest statistics score, chardet's first choices counting
  ``CHARDET_VOTE`` more (chardet is asked only when the runner-up is within that
  much of the best: otherwise no vote could change the order).  Readings are compared as text, so codecs that read the bytes
  the same way (ISO-8859-1 and cp1252 without bytes 0x80-0x9F) are one reading.  So
  where the letter pairs cannot tell readings apart (¤ or €? the same Romanian letter
  with cedilla or comma? a language without a table of its own) chardet
  decides, and where they clearly can (a short Russian line, Czech in ISO-8859-2 or in
  cp1250) the letters do.
* Otherwise (CJK, Arabic, Hebrew, Thai, ...) chardet decides, and charset-normalizer
  where chardet names nothing that reads the bytes.
"""

from __future__ import annotations

import codecs
import math

from .stats import (
    _sample, _script_of, _single_byte_candidates, _trusted, reading_score, reading_script,
)

#: Log-likelihood (natural log) that chardet's choice adds to a reading's statistics
#: score: chardet outvotes the letter statistics when they prefer another reading by
#: less than this.  Chosen on the dev half of bench/eval_decode.py's files (every value
#: from 6 to 20 gave the same dev figures, 0-4 and 30+ fewer; 8 is kept); the test half
#: is reported beside it.
CHARDET_VOTE = 8.0

#: chardet's "first choices" are the encodings within this share of its best confidence
#: (its confidences tie when the bytes read the same in several encodings).
TIE = 0.01

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


def chardet_codecs(data: bytes) -> list[str]:
    """The encodings chardet ranks first for ``data`` (its start): every one within
    ``TIE`` of its best confidence, each narrowed to the smallest codec of its family
    that reads all of ``data``; empty when none reads it.

    >>> chardet_codecs("日本語の文字コード検出テストです。".encode("iso2022_jp"))
    ['iso2022_jp']
    """
    import chardet

    found = chardet.detect_all(data[:65536], ignore_threshold=True)
    top = max((r["confidence"] for r in found), default=0.0)
    out: list[str] = []
    for r in found:
        name = _codec_name(r["encoding"])
        if name is None or r["confidence"] < top * (1 - TIE):
            continue
        for codec in NARROWER.get(name.replace("-", "_"), (name,)):
            try:
                data.decode(codec)
            except UnicodeDecodeError:
                continue
            if codecs.lookup(codec).name not in out:
                out.append(codecs.lookup(codec).name)
            break
    return out


def chardet_codec(data: bytes) -> str | None:
    """chardet's first choice, as :func:`chardet_codecs` narrows it, or None."""
    found = chardet_codecs(data)
    return found[0] if found else None


def choose_single_byte(data: bytes) -> tuple[str, float, str] | None:
    """(codec, confidence, reason) by letter statistics with chardet's vote, or None
    when no single-byte reading is real Latin, Cyrillic or Greek text."""
    cands, runs = _single_byte_candidates(data)
    if not cands or not _trusted(cands[0], runs):
        return None
    if len(cands) > 1 and cands[0][0] - cands[1][0] > CHARDET_VOTE:
        # the letters decide: no vote of chardet's could change the order
        name = cands[0][1]
        try:
            data.decode(name)
        except UnicodeDecodeError:
            return None
        margin = cands[0][0] - cands[1][0]
        return name, round(_confidence(margin), 4), f"{_script_of(name)} letter statistics"
    sample = _sample(data)
    voted: dict[str, str] = {}  # reading -> codec, for chardet's first choices
    for codec in chardet_codecs(data):
        try:
            voted.setdefault(sample.decode(codec), codec)
        except UnicodeDecodeError:
            continue
    scored = [(score, name, sample.decode(name)) for score, name, _ in cands]
    readings = {text for _, _, text in scored}
    for text, codec in voted.items():
        if text not in readings:  # a codec without a list entry of polyclean's
            extra = reading_score(sample, codec)
            if extra is not None:
                scored.append((extra, codec, text))
    ranked = sorted(((score + CHARDET_VOTE * (text in voted), text in voted, name)
                     for score, name, text in scored), key=lambda r: -r[0])
    total, by_vote, name = ranked[0]
    try:
        data.decode(name)
    except UnicodeDecodeError:  # a byte beyond the sample is undefined in this codec
        return None
    margin = total - ranked[1][0] if len(ranked) > 1 else 40.0
    why = f"{reading_script(sample.decode(name))} letter statistics" + (" and chardet" * by_vote)
    return name, round(_confidence(margin), 4), why


def _confidence(margin: float) -> float:
    """Logistic in the score margin between the best and the runner-up reading.

    >>> _confidence(0.0), round(_confidence(40.0), 3)
    (0.5, 1.0)
    """
    return 1.0 / (1.0 + math.exp(-margin / 4.0))
