"""Language detection with the document as context (placeholder)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .config import Config
from .segment import Segment, split_lines

BUILT = False


@dataclass
class DocDetection:
    lang: str
    confidence: float
    segments: list[Segment] = field(default_factory=list)


def detect_document(text: str, config: Config) -> DocDetection:
    """Every line inherits the target language (placeholder)."""
    segs = split_lines(text)
    lang = config.doc_lang or config.target_lang
    for s in segs:
        s.lang = lang
    return DocDetection(lang, 0.0, segs)
