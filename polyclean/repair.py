"""Mojibake repair (placeholder: passes text through)."""

from __future__ import annotations

from .config import Config
from .report import Change

BUILT = False


def repair_text(text: str, config: Config) -> tuple[str, list[Change]]:
    """Repair mojibake line by line; changes are offsets into ``text``.

    >>> repair_text("plain", Config())[0]
    'plain'
    """
    return text, []
