"""Bytes to text: detect the encoding of byte input.

Order of evidence: an explicit ``encoding`` wins; then a byte-order mark
(UTF-8/16/32); then UTF-16 without a BOM (alternating NUL bytes); then 7-bit text
with escape sequences (ISO-2022-JP/KR, HZ, as chardet names it); content that is
mostly not text is refused (:func:`binary_reason`); then strict UTF-8; then the
single-byte codecs of the Latin, Cyrillic and Greek scripts are scored by letter
statistics of real words (:mod:`polyclean.decode.stats`) with chardet's choice as
one more vote (:mod:`polyclean.decode.choose`); and where no single-byte reading is
real language (CJK, Arabic, Hebrew, ...) chardet decides, charset-normalizer after it.

>>> decode_bytes("Привет, мир".encode("koi8_r")).encoding
'koi8-r'
>>> decode_bytes("Ledňáček říční".encode("cp852")).text
'Ledňáček říční'
>>> decode_bytes(b"\\x00\\x01\\x02binary")
Traceback (most recent call last):
...
polyclean.errors.DecodeError: binary data, not text: 33% control bytes (1 NUL) in the first 9 bytes
"""
from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass

from ..errors import DecodeError, E  # noqa: F401  (DecodeError re-exported)
from . import choose as _choose
from .stats import (  # noqa: F401  (the statistics are part of this module's interface)
    CYRILLIC_CODECS, GREEK_CODECS, LATIN_CODECS, SCRIPTS, _script_of, _single_byte_candidates,
    _trusted, _union_score, case_cost, isolated_words, letter_pairs, pairs_score, text_score,
)

log = logging.getLogger(__name__)



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
#: Content is refused as binary when more than 1 byte (or character) in this many is a
#: control (see :func:`binary_reason`).
CONTROL_SHARE = 20
CHECK_BYTES = 8192  # ... among the first this many


def binary_reason(data: bytes) -> str | None:
    """Why ``data`` is binary rather than text, or None.

    The rule: content is refused only when it is mostly not text, that is when more
    than 1 byte in ``CONTROL_SHARE`` (20) of its first 8 KiB is a control byte other
    than tab, line feed, vertical tab, form feed, carriage return and escape (NUL
    included).  Why it holds: no 8-bit text encoding writes prose with those bytes,
    so real text has next to none (a scraped page with 22 stray NULs in 194 KB has
    0.01%), while compressed, encrypted or random bytes have 27 in 256 (10.5%, twice
    the limit, at many standard deviations over 8 KiB) and images, archives and
    executables more (NUL runs in their headers and tables).  UTF-16/32 text, which is
    full of NULs, is recognised before this check.  A few NULs in text stay in it.

    >>> binary_reason(b"a page" + b"\\x00" * 3 + b" with three NULs, a form feed \\x0c" * 20)
    >>> import random
    >>> binary_reason(random.Random(0).randbytes(65536))
    '10% control bytes (28 NUL) in the first 8192 bytes'
    >>> binary_reason(bytes(range(1, 9)) * 4)
    '100% control bytes (0 NUL) in the first 32 bytes'
    """
    sample = data[:CHECK_BYTES]
    ctrl = len(sample) - len(sample.translate(None, _CONTROL_BYTES))
    if ctrl * CONTROL_SHARE <= len(sample):
        return None
    return (f"{100 * ctrl // len(sample)}% control bytes ({sample.count(0)} NUL) "
            f"in the first {len(sample)} bytes")


#: File signatures of formats whose bytes are never text, whatever share of them reads
#: as text: an uncompressed PDF or a ZIP that stores its XML unpacked (an Office or EPUB
#: file) is mostly ASCII, and a PDF's compressed streams decode as KOI8-R "text".
_SIGNATURES = (
    (b"%PDF-", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (Office, EPUB, ...)"),
    (b"PK\x05\x06", "an empty ZIP archive"), (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
                                            "an OLE2 file (old Office)"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"), (b"GIF89a", "a GIF image"), (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"), (b"SQLite format 3\x00", "an SQLite database"),
    (b"\x7fELF", "an executable"), (b"OggS\x00", "an Ogg stream"), (b"fLaC", "a FLAC stream"),
    (b"wOFF", "a web font"), (b"wOF2", "a web font"),
)


def signature(data: bytes) -> str | None:
    r"""What ``data`` is when it starts with the signature of a format that is never text.

    >>> signature(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj"), signature(b"PDF files are big.")
    ('a PDF document', None)
    >>> signature(b"\x00\x00\x00\x18ftypmp42")
    'an MP4/QuickTime file'
    """
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            return name
    if data[4:8] == b"ftyp":
        return "an MP4/QuickTime file"
    if data[:4] == b"RIFF" and data[8:12] in (b"WEBP", b"WAVE", b"AVI "):
        return "a RIFF file (WebP, WAV, AVI)"
    return None


def _text_binary_reason(text: str) -> str | None:
    """Why decoded ``text`` is binary data, or None: the rule of
    :func:`binary_reason` on characters.

    >>> _text_binary_reason("a\\x00b" * 4)
    '33% control characters'
    >>> _text_binary_reason("a\\x00" + "tab\\tand newline\\n" * 2) is None
    True
    """
    sample = text[:CHECK_BYTES]
    ctrl = len(_CONTROL_CHARS.findall(sample))
    if sample and ctrl * CONTROL_SHARE > len(sample):
        return f"{100 * ctrl // len(sample)}% control characters"
    return None


# gzip, zstd, bzip2, xz (and lzma's "alone" format, whose first byte is 0x5D)
_COMPRESSED_MAGIC = (b"\x1f\x8b", b"\x28\xb5\x2f\xfd", b"BZh", b"\xfd7zXZ\x00")


def _binary_error(data: bytes, why: str) -> DecodeError:
    """The one-line refusal, naming the file type when chardet knows its signature."""
    import chardet

    mime = chardet.detect(data[:CHECK_BYTES])["mime_type"]
    generic = not mime or mime.startswith("text/") or mime == "application/octet-stream"
    kind = "" if generic else f" ({mime})"
    if data.startswith(_COMPRESSED_MAGIC):
        from ..formats import COMPRESSIONS, READ_ONLY_COMPRESSIONS

        names = [*COMPRESSIONS, *READ_ONLY_COMPRESSIONS]
        kind += (f"; compressed input is read only from names ending in {', '.join(names[:-1])} "
                 f"or {names[-1]}: rename the file")
    return DecodeError(f"binary data, not text: {why}{kind}")


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


#: Codecs of 7-bit text that switch character sets with escape sequences.
ESCAPE_CODECS = ("iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004",
                 "iso2022_jp_3", "iso2022_jp_ext", "iso2022_kr", "hz")


def _escape_encoded(data: bytes) -> Decoded | None:
    """ISO-2022-JP/KR or HZ text (7-bit, with escape sequences), as chardet names it.

    >>> _escape_encoded("한국어 문장입니다".encode("iso2022_kr")).text
    '한국어 문장입니다'
    >>> _escape_encoded(b"plain ascii") is None
    True
    """
    if not data.isascii() or (b"\x1b" not in data and b"~{" not in data):
        return None
    codec = _choose.chardet_codec(data)
    if codec is None or codec.replace("-", "_") not in ESCAPE_CODECS:
        return None
    text = data.decode(codec)
    if "\x1b" in text or _text_binary_reason(text):
        return None
    return Decoded(text, codec, 1.0, f"escape sequences ({codec})")


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
    what = signature(data)
    if what is not None:  # (the control bytes, when they are the clearer reason)
        why = binary_reason(data)
        raise _binary_error(data, why) if why else DecodeError(E.NOT_TEXT_FILE.format(what=what))
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
                raise _binary_error(data, why)
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

    escaped = _escape_encoded(data)
    if escaped is not None:
        return escaped

    why = binary_reason(data)
    if why:
        raise _binary_error(data, why)

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        cut = _utf8_cut_short(data, exc)
        if cut is not None:
            return cut
    else:
        if data.isascii():
            return Decoded(text, "ascii", 1.0, "ascii")
        return Decoded(text, "utf-8", 1.0, "valid utf-8")

    chosen = _choose.choose_single_byte(data)
    if chosen is not None:
        name, conf, why = chosen
        return Decoded(data.decode(name), _canonical(name), conf, why)
    return _decode_other(data)


def _utf8_cut_short(data: bytes, exc: UnicodeDecodeError) -> Decoded | None:
    """UTF-8 cut inside its last character (a record cut at a size limit, as web
    archives cut them): valid UTF-8 with non-ASCII characters up to an incomplete
    sequence of its last 1-3 bytes, which becomes U+FFFD.  Bytes that are ASCII up to
    the cut are no evidence of UTF-8 (cp1252 "caf\\xe9" ends the same way).

    >>> _utf8_cut_short(b"Hi \\xd0\\x9f\\xd1\\x80\\xd0", UnicodeDecodeError(
    ...     "utf-8", b"Hi \\xd0\\x9f\\xd1\\x80\\xd0", 7, 8, "unexpected end of data")).text
    'Hi Пр\\ufffd'
    >>> _utf8_cut_short(b"caf\\xe9", UnicodeDecodeError(
    ...     "utf-8", b"caf\\xe9", 3, 4, "unexpected end of data")) is None
    True
    """
    head = data[:exc.start]
    if exc.reason != "unexpected end of data" or len(data) - exc.start > 3 or head.isascii():
        return None
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return Decoded(text + "\ufffd", "utf-8", 0.9,
                   "utf-8 cut inside its last character (replaced by U+FFFD)")


#: Text that takes each path of :func:`decode_bytes` that loads something on first use:
#: chardet (its models, a GB2312 reading), the letter statistics with chardet's vote
#: (Latin, Cyrillic, Greek), and the codec modules of the single-byte readings.
_WARM_UP_TEXTS = (("中文文本的字符编码检测", "gb2312"), ("Всё хорошо, спасибо", "cp1251"),
                  ("Ça été très bien", "cp1252"), ("Καλημέρα σας", "iso8859_7"))


def warm_up() -> None:
    """Load what decoding loads on first use (chardet's models, the letter statistics,
    the codecs), about 0.1 s of CPU: a process that forks workers after this shares
    them, and no document pays for the load in the middle of a run.

    >>> warm_up()
    >>> import sys; "chardet" in sys.modules
    True
    """
    for name in CYRILLIC_CODECS + LATIN_CODECS + GREEK_CODECS:
        codecs.lookup(name)
    for text, codec in _WARM_UP_TEXTS:
        data = text.encode(codec) * 4
        decode_bytes(data)
        _choose.chardet_codecs(data)


def _decode_other(data: bytes) -> Decoded:
    """Bytes that no single-byte reading makes real Latin, Cyrillic or Greek text:
    chardet's choice, else charset-normalizer's, else the least bad single-byte
    reading with its undecodable bytes replaced."""
    name = _choose.chardet_codec(data)
    if name is not None:
        text = data.decode(name)
        if not _text_binary_reason(text):
            return Decoded(text, _canonical(name), 0.9, "chardet")

    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    if best is not None:
        text = str(best)
        if not _text_binary_reason(text):
            conf = max(0.0, min(1.0, 1.0 - float(best.chaos)))
            return Decoded(text, _canonical(best.encoding), round(conf, 4), "charset-normalizer")
    cands, _ = _single_byte_candidates(data)
    if cands:
        name = cands[0][1]
        return Decoded(data.decode(name, "replace"), _canonical(name), 0.1,
                       "best guess (weak letter statistics)")
    raise DecodeError("cannot decode: no supported encoding reads these bytes as text")
