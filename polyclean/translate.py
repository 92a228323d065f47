"""Translation of foreign fragments (placeholder: nothing is translated)."""

from __future__ import annotations

from dataclasses import dataclass

from .config import Config

BUILT = False


@dataclass
class Fragment:
    text: str
    lang: str


@dataclass
class Outcome:
    result: str
    reason: str
    translated: bool = False
    package: str | None = None
    cache: str | None = None


class MissingModelError(RuntimeError):
    """No installed package translates a language and missing_model='fail'."""


class Translator:
    def __init__(self, config: Config) -> None:
        self.config = config

    def translate(self, fragments: list[Fragment]) -> list[Outcome]:
        return [Outcome(f.text, "translation stage not built yet") for f in fragments]
