"""polyclean: scraped, multilingual, broken web text in; clean, consistent English out.

>>> import polyclean
>>> polyclean.clean("Caf\\u00c3\\u00a9  \\u201cnoir\\u201d", translate=False)
'Café "noir"'
"""

from __future__ import annotations

import logging
from typing import Any

__version__ = "0.1.0"

from .config import Config
from .errors import ConfigError, DecodeError, PolycleanError
from .normalize import normalize
from .pipeline import CleanResult, Cleaner
from .segment import Segment

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Cleaner", "CleanResult", "Config", "ConfigError", "DecodeError", "PolycleanError", "Segment",
    "clean", "detect", "normalize", "repair", "__version__",
]


def clean(text: str | bytes, config: Config | None = None, **options: Any) -> str:
    """Clean one document and return the text (see :class:`Cleaner` for the report)."""
    return Cleaner(config, **options).clean(text).text


def repair(text: str | bytes, encoding: str | None = None) -> str:
    """Decode (bytes) and repair mojibake: the pipeline's first stages (decode, with its
    line-break and surrogate fixes, then repair); nothing else is changed.

    >>> repair("\u0420\u045f\u0421\u0402\u0420\u0451\u0420\u0406\u0420\u00b5\u0421\u201a, \u201cworld\u201d")
    '\u041f\u0440\u0438\u0432\u0435\u0442, \u201cworld\u201d'
    """
    return Cleaner(encoding=encoding).clean_batch([text], raise_errors=True, until="repair")[0].text


def detect(text: str | bytes, config: Config | None = None, **options: Any) -> list[Segment]:
    """Segments of ``text`` with language, confidence, script and ``foreign``: the
    pipeline's stages up to detection (decode, repair, detect), so the offsets are into
    the text as detection saw it (``Cleaner.clean(...).repaired``)."""
    # ``polyclean.detect`` is this function; the stage lives in the module polyclean/detect.py.
    return Cleaner(config, **options).clean_batch([text], raise_errors=True,
                                                  until="detect")[0].segments
