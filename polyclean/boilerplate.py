"""Boilerplate removal (placeholder: removes nothing)."""

from __future__ import annotations

from typing import Iterable

from .config import Config
from .report import Change

BUILT = False


class BoilerplateRemover:
    def __init__(self, config: Config) -> None:
        self.config = config

    def learn(self, texts: Iterable[str]) -> None:
        """Update the batch statistics with a batch of (repaired) documents."""

    def find(self, text: str) -> list[Change]:
        """Changes that remove boilerplate lines of ``text`` (result "")."""
        return []
