"""Bytes to text: detect the encoding of byte input (placeholder: UTF-8 only)."""

from __future__ import annotations

from dataclasses import dataclass


class DecodeError(ValueError):
    """The bytes are not text in any supported encoding (binary data, invalid bytes)."""


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    confidence: float
    reason: str


def decode_bytes(data: bytes, encoding: str | None = None) -> Decoded:
    """Decode ``data``; ``encoding`` overrides detection.

    >>> decode_bytes("h\\u00e9".encode("utf-8")).text
    'hé'
    """
    codec = encoding or "utf-8"
    try:
        return Decoded(data.decode(codec), codec, 1.0, "given" if encoding else "utf-8")
    except UnicodeDecodeError as exc:
        raise DecodeError(f"invalid {codec} bytes at offset {exc.start}") from exc
