"""The character encoding of an HTML page: what the page declares, before detection.

Order of evidence, as browsers do it (WHATWG HTML, "determining the character
encoding"): a byte-order mark; the ``charset`` of the HTTP ``Content-Type`` header;
a ``<meta charset>`` / ``<meta http-equiv="Content-Type">`` (or XML) declaration near
the top of the page (found by w3lib); and only then polyclean's own detection
(:func:`polyclean.decode.decode_bytes`).

A declared label is mapped to an encoding by the WHATWG Encoding Standard's label
table (webencodings): ``latin-1``, ``iso-8859-1`` and ``ascii`` mean windows-1252,
``iso-8859-9`` means windows-1254, ``gb2312`` means GBK (decoded as GB18030, its
superset, as the standard says), ``shift_jis`` means windows-31J.  A label the table
does not know but Python does (``cp932``, ``mac-roman``) is honoured as Python's codec;
an unknown label, or one the standard maps to "replacement" (ISO-2022-KR, HZ), is
ignored.  A ``<meta>`` that declares UTF-16 means UTF-8 (a page whose markup can be
read as ASCII is not UTF-16).

A declaration is authoritative unless the bytes are invalid in that encoding (a page
declared UTF-8 that is really windows-1251), or unless it names another encoding than
UTF-8 and the bytes are valid UTF-8 with non-ASCII characters (a page converted to
UTF-8 that kept its ``<meta charset="windows-1251">``: read as declared it would be
mojibake no repair undoes): then the next declaration is tried, and then detection
decides; the reason says so.  "Invalid" means that most of the page's
non-ASCII characters would be invalid sequences: a few invalid sequences in a page
that is otherwise valid in its declared encoding (a teaser cut inside a multi-byte
character) are damage, replaced by U+FFFD as a browser does, and counted in the
reason.

>>> decode_html("<p>Привет</p>".encode("koi8-r"), http_charset="KOI8-R").text
'<p>Привет</p>'
>>> decode_html(b'<meta charset="latin-1"><p>caf\\xe9 \\x93x\\x94</p>').encoding
'cp1252'
>>> whatwg_codec("latin-1"), whatwg_codec("gb2312"), whatwg_codec("iso-2022-kr")
(('windows-1252', 'cp1252'), ('gbk', 'gb18030'), None)
"""

from __future__ import annotations

import codecs
from email.message import Message

from ..decode import Decoded, DecodeError, decode_bytes
from ._deps import need

_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
# WHATWG decoders that are wider than Python's codec of the same name.
_WIDER = {"gbk": "gb18030"}


def whatwg_codec(label: str | None) -> tuple[str, str] | None:
    """(WHATWG name, Python codec) of an encoding label, or None when the label is
    unknown, unusable ("replacement") or has no Python codec.

    >>> whatwg_codec(" ISO-8859-1 "), whatwg_codec("x-cp1251"), whatwg_codec("koi8")
    (('windows-1252', 'cp1252'), ('windows-1251', 'cp1251'), ('koi8-r', 'koi8-r'))
    >>> whatwg_codec("cp932"), whatwg_codec("no-such-charset")
    (('cp932', 'cp932'), None)
    """
    if not label or not label.strip():
        return None
    webencodings = need("webencodings", "HTML charset declarations")
    label = label.strip()
    enc = webencodings.lookup(label)
    if enc is None:
        try:  # a Python alias of a WHATWG label ("latin-1" is Python's "iso8859-1")
            pyname = codecs.lookup(label).name
        except LookupError:
            return None
        enc = webencodings.lookup(pyname)
        if enc is None:
            return (pyname, pyname) if _is_text_codec(pyname) else None
    if enc.name in ("replacement", "x-user-defined"):
        return None
    pyname = _WIDER.get(enc.name, enc.codec_info.name)
    return (enc.name, pyname) if _is_text_codec(pyname) else None


def _is_text_codec(name: str) -> bool:
    try:
        return getattr(codecs.lookup(name), "_is_text_encoding", True)
    except LookupError:
        return False


def charset_from_content_type(value: str | None) -> str | None:
    """The ``charset`` parameter of a ``Content-Type`` header value (the label as
    written), parsed by the standard library's MIME header parser.

    >>> charset_from_content_type('text/html; Charset="Windows-1251"')
    'Windows-1251'
    >>> charset_from_content_type("text/html") is None
    True
    """
    if not value:
        return None
    msg = Message()
    msg["Content-Type"] = value
    charset = msg.get_param("charset")
    if isinstance(charset, tuple):  # RFC 2231 form: (charset, language, value)
        charset = charset[2]
    return str(charset).strip() or None if charset else None


def meta_charset(data: bytes) -> str | None:
    """The encoding declared by the page itself (``<meta charset>``, ``<meta
    http-equiv>`` or an XML declaration near the top), as w3lib resolves it, or None.

    >>> meta_charset(b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
    'cp1251'
    """
    w3lib_encoding = need("w3lib.encoding", "HTML charset declarations")
    return w3lib_encoding.html_body_declared_encoding(data)


def _utf8_characters(data: bytes) -> int:
    """The multi-byte characters of ``data`` when all of it is valid UTF-8, else 0.
    Text in another encoding is almost never valid UTF-8 once it holds a non-ASCII
    letter (a windows-1251 or KOI8-R word, a GBK or Shift_JIS character breaks the
    sequences), so such bytes are UTF-8 whatever a page declares.

    >>> _utf8_characters("Café".encode()), _utf8_characters("Café".encode("cp1252"))
    (1, 0)
    >>> _utf8_characters("Всё".encode("koi8-r")), _utf8_characters(b"<p>plain</p>")
    (0, 0)
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return 0
    return len(text) - len(text.encode("ascii", "ignore"))


def _declared(data: bytes, codec: str) -> Decoded:
    """``data`` in the declared ``codec``.  Invalid byte sequences become U+FFFD when
    they are a minority of the non-ASCII characters (a page cut inside a character,
    a stray byte: the declaration is right and the bytes are damaged); when they are
    the majority, the declaration is wrong and :class:`DecodeError` says so.

    >>> _declared("Zażółć gęślą jaźń".encode() + b"\\xc3", "utf-8").reason
    '1 invalid byte sequence replaced by U+FFFD'
    >>> _declared("Всё хорошо".encode("cp1251"), "utf-8")
    Traceback (most recent call last):
    ...
    polyclean.errors.DecodeError: 8 of 8 non-ASCII characters are invalid sequences
    """
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        text = data.decode(codec, errors="replace")
        known = data.decode(codec, errors="ignore").count("\ufffd")  # real U+FFFD in the page
        bad = text.count("\ufffd") - known
        non_ascii = len(text) - len(text.encode("ascii", "ignore"))
        if bad * 2 >= non_ascii:
            raise DecodeError(f"{bad} of {non_ascii} non-ASCII characters are invalid sequences"
                              ) from None
        dec = decode_bytes(text.encode("utf-8"), "utf-8")  # the binary-data check
        s = "s" if bad > 1 else ""
        return Decoded(dec.text, codecs.lookup(codec).name, 1.0,
                       f"{bad} invalid byte sequence{s} replaced by U+FFFD")
    return decode_bytes(data, codec)


def decode_html(data: bytes, http_charset: str | None = None, *,
                content_type: str | None = None) -> Decoded:
    """Decode the bytes of an HTML page (see the module documentation).

    ``http_charset`` is the label from the HTTP header (or give the whole
    ``content_type`` header value).  The result's ``reason`` says which evidence won.

    >>> page = '<meta charset="utf-8"><p>Всё хорошо, спасибо.</p>'.encode("cp1251")
    >>> d = decode_html(page); d.encoding, d.text[-27:]
    ('cp1251', '<p>Всё хорошо, спасибо.</p>')
    >>> d.reason.startswith("<meta> declares utf-8 but the bytes are not utf-8")
    True
    """
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"expected bytes, got {type(data).__name__}")
    data = bytes(data)
    if data.startswith(_BOMS):
        return decode_bytes(data)
    if http_charset is None:
        http_charset = charset_from_content_type(content_type)
    rejected: list[str] = []
    for where, label in (("the HTTP header", http_charset), ("<meta>", None)):
        if where == "<meta>":
            label = meta_charset(data)
        if not label:
            continue
        found = whatwg_codec(label)
        if found is None:
            rejected.append(f"{where} declares {label!r}, not an encoding a browser reads")
            continue
        name, pyname = found
        if where == "<meta>" and name.startswith("utf-16"):
            name, pyname = "utf-8", "utf-8"
        if pyname != "utf-8" and (n := _utf8_characters(data)):
            rejected.append(f"{where} declares {label} but the bytes are utf-8 ({n} multi-byte "
                            "characters, no invalid sequence)")
            continue
        try:
            dec = _declared(data, pyname)
        except DecodeError as exc:
            rejected.append(f"{where} declares {label} but the bytes are not {name} ({exc})")
            continue
        mapped = f" = {name}" if name.lower() != label.lower() else ""
        return Decoded(dec.text, dec.encoding, 1.0, f"declared in {where}: {label}{mapped}"
                       + (f"; {dec.reason}" if dec.reason != "given" else ""))
    dec = decode_bytes(data)
    if rejected:
        return Decoded(dec.text, dec.encoding, dec.confidence,
                       "; ".join(rejected) + f"; detected: {dec.reason}")
    return dec
