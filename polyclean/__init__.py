"""polyclean: scraped, multilingual, broken web text in; clean, consistent English out.

>>> import polyclean
>>> polyclean.clean("Caf\\u00c3\\u00a9  \\u201cnoir\\u201d", translate=False)
'Café "noir"'
"""

from __future__ import annotations

import logging
from typing import Any

__version__ = "0.1.0"

from .config import Config, ConfigError
from .decode import DecodeError
from .normalize import normalize
from .pipeline import CleanResult, Cleaner
from .segment import Segment

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Cleaner", "CleanResult", "Config", "ConfigError", "DecodeError", "Segment",
    "clean", "detect", "normalize", "repair", "__version__",
]


def clean(text: str | bytes, config: Config | None = None, **options: Any) -> str:
    """Clean one document and return the text (see :class:`Cleaner` for the report)."""
    return Cleaner(config, **options).clean(text).text


def repair(text: str | bytes, encoding: str | None = None) -> str:
    """Decode (bytes) and repair mojibake; nothing else is changed.

    >>> repair("\u0420\u045f\u0421\u0402\u0420\u0451\u0420\u0406\u0420\u00b5\u0421\u201a, \u201cworld\u201d")
    '\u041f\u0440\u0438\u0432\u0435\u0442, \u201cworld\u201d'
    """
    from .decode import decode_bytes
    from .repair import repair_text

    cfg = Config(encoding=encoding)
    if isinstance(text, (bytes, bytearray, memoryview)):
        text = decode_bytes(bytes(text), encoding).text
    elif not isinstance(text, str):
        raise TypeError(f"expected str or bytes, got {type(text).__name__}")
    return repair_text(text, cfg)[0]


def detect(text: str, config: Config | None = None, **options: Any) -> list[Segment]:
    """Segments of ``text`` with language, confidence, script and ``foreign``."""
    # ``polyclean.detect`` is this function; the stage lives in the module polyclean/detect.py.
    from .detect import detect_document

    cfg = (config or Config()).replace(**options) if options else (config or Config())
    return detect_document(text, cfg).segments
