"""Bytes to text: detect the encoding of byte input.

Order of evidence: an explicit ``encoding`` wins; then a byte-order mark
(UTF-8/16/32); then UTF-16 without a BOM (alternating NUL bytes); binary data
is refused; then strict UTF-8; then the single-byte codecs of the Cyrillic, Latin
and Greek families are scored by language statistics (letter bigrams of Russian,
Ukrainian, Bulgarian, Macedonian, Greek and 22 Latin-script languages, derived
from wordfreq's lists and shipped in ``data/charstats.json``; see
``data/build_charstats.py``), and where no reading looks like real language
(Arabic, Hebrew, CJK, ...) charset-normalizer decides.

>>> decode_bytes("Привет, мир".encode("koi8_r")).encoding
'koi8-r'
>>> decode_bytes(b"\\x00\\x01\\x02binary")
Traceback (most recent call last):
...
polyclean.errors.DecodeError: binary data, not text: 1 NUL byte in the first 1 KiB
"""
from __future__ import annotations

import codecs
import logging
import math
import re
from dataclasses import dataclass

from ..errors import DecodeError  # noqa: F401  (re-exported)
from .stats import (  # noqa: F401  (the statistics are part of this module's interface)
    CYRILLIC_CODECS, GREEK_CODECS, LATIN_CODECS, SCRIPTS, _script_of, _single_byte_candidates,
    _trusted, _union_score, case_cost, isolated_words, letter_pairs, pairs_score, text_score,
)

log = logging.getLogger(__name__)

BUILT = True


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    reason: str


# --- checks -----------------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\v\f\r\x1b") + b"\x7f"
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` looks like binary rather than text, or None.

    >>> binary_reason(b"plain text\\n") is None
    True
    >>> binary_reason(bytes(range(1, 9)) * 4)
    '100% control bytes'
    """
    if not data:
        return None
    head = data[:1024]
    nul_head = head.count(0)
    if nul_head:
        return f"{nul_head} NUL byte{'s' * (nul_head > 1)} in the first 1 KiB"
    nul = data.count(0)
    if nul and nul * 1000 >= len(data):
        return f"{nul} NUL byte{'s' * (nul > 1)} in {len(data)} bytes"
    sample = data[:8192]
    ctrl = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if ctrl * 10 > len(sample):
        return f"{100 * ctrl // len(sample)}% control bytes"
    return None


def _text_binary_reason(text: str) -> str | None:
    """Why decoded ``text`` looks like binary data, or None.

    >>> _text_binary_reason("a\\x00b"), _text_binary_reason("tab\\tand newline\\n")
    ('NUL characters', None)
    """
    sample = text[:8192]
    if "\x00" in text:
        return "NUL characters"
    ctrl = len(_CONTROL_CHARS.findall(sample))
    if sample and ctrl * 10 > len(sample):
        return f"{100 * ctrl // len(sample)}% control characters"
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """``utf-16-le``/``utf-16-be`` when NUL bytes sit at every other position.

    >>> _utf16_without_bom("plain text".encode("utf-16-le")), _utf16_without_bom(b"plain text")
    ('utf-16-le', None)
    """
    sample = data[:4096]
    half = len(sample) // 2
    if half < 4:
        return None
    even = sample[0::2].count(0) / half
    odd = sample[1::2].count(0) / half
    if even >= 0.3 and odd <= 0.02:
        return "utf-16-be"
    if odd >= 0.3 and even <= 0.02:
        return "utf-16-le"
    return None


# --- decoding ---------------------------------------------------------------------------

def _decode_given(data: bytes, encoding: str) -> Decoded:
    """``data`` in the encoding the caller named; any failure is a :class:`DecodeError`.

    >>> _decode_given(b"caf\\xe9", "latin-1").text
    'café'
    >>> _decode_given(b"abc", "rot13")
    Traceback (most recent call last):
    ...
    polyclean.errors.DecodeError: 'rot13' is not a text encoding (a bytes/str transform)
    """
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        raise DecodeError(f"unknown encoding {encoding!r}") from None
    try:
        text = data.decode(name)
    except LookupError:  # a codec that is not a text encoding: rot13, base64, zlib, ...
        raise DecodeError(f"{encoding!r} is not a text encoding (a bytes/str transform)") \
            from None
    except UnicodeDecodeError as exc:
        bad = data[exc.start:exc.end].hex(" ")
        raise DecodeError(
            f"invalid {encoding} bytes at offset {exc.start} ({bad}): {exc.reason}"
        ) from None
    why = _text_binary_reason(text)
    if why:
        raise DecodeError(f"binary data, not text: {why} when read as {encoding}")
    return Decoded(text, name, 1.0, "given")


def _canonical(codec: str) -> str:
    """Python's canonical name of a codec.

    >>> _canonical("koi8_r"), _canonical("latin_1"), _canonical("UTF8")
    ('koi8-r', 'iso8859-1', 'utf-8')
    """
    return codecs.lookup(codec).name


def _confidence(margin: float) -> float:
    """Logistic in the score margin between the best and the runner-up reading.

    >>> _confidence(0.0), round(_confidence(40.0), 3)
    (0.5, 1.0)
    """
    return 1.0 / (1.0 + math.exp(-margin / 4.0))


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data``; ``encoding`` overrides detection.

    >>> decode_bytes("h\\u00e9".encode("utf-8")).text
    'hé'
    >>> decode_bytes("Всё хорошо".encode("cp1251")).text
    'Всё хорошо'
    >>> decode_bytes(b"").text
    ''
    >>> decode_bytes(b"caf\\xe9", "utf-8")
    Traceback (most recent call last):
    ...
    polyclean.errors.DecodeError: invalid utf-8 bytes at offset 3 (e9): unexpected end of data
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if encoding:
        return _decode_given(data, encoding)
    if not data:
        return Decoded("", "utf-8", 1.0, "empty input")

    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError as exc:
                raise DecodeError(
                    f"byte-order mark says {codec} but bytes at offset {exc.start} are invalid"
                ) from None
            why = _text_binary_reason(text)
            if why:
                raise DecodeError(f"binary data, not text: {why}")
            return Decoded(text, codec, 1.0, f"byte-order mark ({codec})")

    utf16 = _utf16_without_bom(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError:
            pass
        else:
            if not _text_binary_reason(text):
                return Decoded(text, utf16, 0.9, f"{utf16} without byte-order mark (NUL pattern)")

    why = binary_reason(data)
    if why:
        raise DecodeError(f"binary data, not text: {why}")

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if data.isascii():
            return Decoded(text, "ascii", 1.0, "ascii")
        return Decoded(text, "utf-8", 1.0, "valid utf-8")

    cands, runs = _single_byte_candidates(data)
    if cands and _trusted(cands[0], runs):
        score, name, _ = cands[0]
        margin = score - cands[1][0] if len(cands) > 1 else 40.0
        try:
            text = data.decode(name)
        except UnicodeDecodeError:  # a byte beyond the sample is undefined in this codec
            text = None
        if text is not None:
            return Decoded(text, _canonical(name), round(_confidence(margin), 4),
                           f"{_script_of(name)} letter statistics")

    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        text = str(best)
        if not _text_binary_reason(text):
            conf = max(0.0, min(1.0, 1.0 - float(best.chaos)))
            return Decoded(text, _canonical(best.encoding), round(conf, 4), "charset-normalizer")
    if cands:
        name = cands[0][1]
        return Decoded(data.decode(name, "replace"), _canonical(name), 0.1,
                       "best guess (weak letter statistics)")
    raise DecodeError("cannot decode: no supported encoding reads these bytes as text")
