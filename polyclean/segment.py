"""Segmentation: a document becomes fragments with exact character offsets.

Placeholder of the foundation issue: one segment per non-blank line.  The
detection issue refines this (sentences, script changes inside a line).
"""

from __future__ import annotations

from dataclasses import dataclass, asdict
from typing import Any


@dataclass(slots=True)
class Segment:
    """A fragment of a document: ``doc_text[start:end] == text``."""

    start: int
    end: int
    text: str
    script: str = "Common"
    lang: str | None = None
    confidence: float = 0.0
    foreign: bool = False
    line: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["confidence"] = round(float(self.confidence), 4)
        return d


def split_lines(text: str) -> list[Segment]:
    """One segment per non-blank line, without its line break.

    >>> [(s.start, s.end, s.text) for s in split_lines("ab\\n\\n cd\\n")]
    [(0, 2, 'ab'), (4, 7, ' cd')]
    """
    out: list[Segment] = []
    pos = 0
    for i, line in enumerate(text.split("\n")):
        end = pos + len(line)
        if line.strip():
            out.append(Segment(pos, end, line, line=i))
        pos = end + 1
    return out
