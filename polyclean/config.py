"""One frozen, documented configuration record for every stage.

Every option has a default and a sentence of documentation (the ``doc`` metadata of
its field).  CLI flags, keyword arguments and TOML files all map onto these field
names: ``--no-translate`` is ``translate=False``, ``--ascii`` is ``ascii=True``,
``--missing-model drop`` is ``missing_model="drop"``.

>>> cfg = Config()
>>> cfg.translate, cfg.ascii
(True, False)
>>> cfg.replace(ascii=True).ascii
True
>>> Config(unknown_option=1)
Traceback (most recent call last):
...
TypeError: Config.__init__() got an unexpected keyword argument 'unknown_option'
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .errors import ConfigError  # noqa: F401  (re-exported)


def _opt(default: Any, doc: str, *, choices: tuple | None = None):
    meta = {"doc": doc}
    if choices is not None:
        meta["choices"] = choices
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Config:
    """All of polyclean's options.  Instances are immutable; use :meth:`replace`."""

    # --- decoding and repair -------------------------------------------------------
    encoding: str | None = _opt(
        None, "Codec for byte input; None detects it (BOM, UTF-8, then charset statistics)."
    )
    repair: bool = _opt(True, "Repair mojibake (ftfy per line plus single-byte Cyrillic mix-ups).")
    repair_cyrillic: bool = _opt(
        True,
        "Also reverse single-byte Cyrillic mix-ups (cp1251 shown as cp1252/Latin-1, "
        "KOI8-R shown as cp1251 and the reverse), each verified by language statistics.",
    )

    # --- segmentation and detection --------------------------------------------------
    target_lang: str = _opt("en", "Language of the output; fragments in other languages are foreign.")
    doc_lang: str | None = _opt(
        None, "Force the document language instead of detecting it (ISO 639-1 code)."
    )
    detector: str = _opt(
        "auto",
        "Statistical language detector: auto (the best installed), fasttext or langdetect.",
        choices=("auto", "fasttext", "langdetect"),
    )
    min_foreign_chars: int = _opt(
        8,
        "Segments in the document's script with fewer letters than this inherit the "
        "document language (a segment in another script needs 2 letters).",
    )
    min_confidence: float = _opt(
        0.5,
        "A segment in the document's script is foreign only when the chance that it is "
        "not in the document's language is at least this.",
    )

    # --- boilerplate ---------------------------------------------------------------
    boilerplate: bool = _opt(True, "Remove page furniture (UI phrases, datelines, counters, repeats).")
    boilerplate_min_docs: int = _opt(
        3, "A line recurring in at least this many documents of a batch is boilerplate."
    )
    boilerplate_window: int = _opt(
        1000, "Documents kept in the streaming window that learns recurring lines."
    )

    # --- translation ---------------------------------------------------------------
    translate: bool = _opt(True, "Translate foreign fragments into the target language.")
    missing_model: str = _opt(
        "keep",
        "When no installed package translates a language: keep, transliterate, drop or fail.",
        choices=("keep", "transliterate", "drop", "fail"),
    )
    beam_size: int = _opt(2, "Beam size for translation (1 is greedy and fastest).")
    device: str = _opt("cpu", "Device for CTranslate2: cpu or cuda.", choices=("cpu", "cuda"))
    threads: int = _opt(0, "CTranslate2 threads per translator (0: one per core, at most 4).")
    batch_size: int = _opt(64, "Maximum sentences per translate_batch call.")
    max_decoding_length: int = _opt(256, "Maximum tokens generated per translated sentence.")
    cache: str | None = _opt(
        None, "Translation cache SQLite file; None uses the user cache folder."
    )
    use_cache: bool = _opt(True, "Use the persistent translation cache.")
    packages_dir: str | None = _opt(
        None, "Argos packages folder; None uses ARGOS_PACKAGES_DIR or argostranslate's default."
    )
    # (issue 15: compute type, devices, protected spans, refusals, threads per worker)
    compute_type: str | None = _opt(
        None,
        "CTranslate2 compute type; None runs each model in the type it was saved in "
        "(as argostranslate does since its PR #511).",
        choices=(None, "default", "auto", "int8", "int8_float32", "int8_float16",
                 "int8_bfloat16", "int16", "float16", "bfloat16", "float32"),
    )
    device_index: int = _opt(0, "Which CUDA device to use with device='cuda' (0 is the first).")
    glossary: str | None = _opt(
        None, "Glossary file (UTF-8): 'term' is never translated, 'term<TAB>translation' "
        "always becomes translation; whole words, case-sensitive.")
    protect_spans: bool = _opt(
        True, "Keep URLs, e-mails, handles, hashtags, numbers with units, placeholders, "
        "inline code and glossary terms away from the model, byte for byte.")
    min_translation_score: float | None = _opt(
        None, "Keep the source sentence when the model's score is below this (None: off).")
    workers: int = _opt(
        1, "Worker processes sharing the machine (the runner sets it); threads=0 gives "
        "each its share of the cores.")

    # --- normalisation -------------------------------------------------------------
    normalize: bool = _opt(True, "Normalise Unicode, punctuation and whitespace.")
    unicode_form: str = _opt("NFC", "Unicode normal form: NFC or NFKC.", choices=("NFC", "NFKC"))
    quotes: bool = _opt(True, "Straighten curly quotes and apostrophes to ' and \".")
    dashes: bool = _opt(True, "Turn en/em dashes and minus signs into '-' (em dash: ' - ').")
    ellipsis: bool = _opt(True, "Turn the ellipsis character into three dots.")
    bullets: bool = _opt(True, "Turn bullet characters at the start of a line into '- '.")
    whitespace: bool = _opt(
        True, "Collapse runs of spaces, strip line ends, at most one blank line in a row."
    )
    remove_control: bool = _opt(True, "Remove zero-width, bidi and control characters.")
    join_hyphenated: bool = _opt(
        False, "Join words hyphenated across a line break ('exam-\\nple' -> 'example')."
    )
    ascii: bool = _opt(
        False, "Transliterate what is left to ASCII with unidecode (after translation only)."
    )

    # --- web inputs: HTML pages, WARC/WET records, record ids (issue 14) -------------
    extract: str = _opt(
        "main",
        "How HTML becomes text: main (the main content, by trafilatura), all (all visible "
        "text, one line per block, for boilerplate removal to judge) or none (markup kept "
        "as text).  Applies to HTML inputs only.",
        choices=("main", "all", "none"),
    )
    markup: str = _opt(
        "text",
        "Markup of text fields and text files: text, or html (extracted as `extract` says). "
        ".html/.htm files and WARC response records are HTML whatever this says.",
        choices=("text", "html"),
    )
    learn_by: str | None = _opt(
        None,
        "Group the documents of a batch for learning recurring lines: None (the whole "
        "batch), 'host' (the host of the document's URL) or the name of a record field.",
    )
    id_field: str | None = _opt(
        None, "Record field whose value names the document in reports and errors."
    )
    lang_field: str | None = _opt(
        None, "Record field to write each document's detected language into."
    )
    status_field: str | None = _opt(
        None, "Record field to write ok, partial (fragments left untranslated) or the error into."
    )

    # ------------------------------------------------------------------------------
    def __post_init__(self) -> None:
        for f in fields(self):
            choices = f.metadata.get("choices")
            value = getattr(self, f.name)
            if choices is not None and value not in choices:
                raise ConfigError(
                    f"option {f.name}={value!r} is not one of: {', '.join(choices)}"
                )
        for name in ("min_foreign_chars", "boilerplate_min_docs", "boilerplate_window",
                     "beam_size", "batch_size", "max_decoding_length"):
            if getattr(self, name) < (0 if name == "min_foreign_chars" else 1):
                raise ConfigError(f"option {name} must be a positive number")
        if self.threads < 0:
            raise ConfigError("option threads must be 0 (automatic) or more")
        if self.device_index < 0 or self.workers < 1:
            raise ConfigError("option device_index must be 0 or more and workers 1 or more")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ConfigError("option min_confidence must be between 0 and 1")

    def replace(self, **changes: Any) -> "Config":
        """A copy with some options changed (unknown names raise ``TypeError``)."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], base: "Config | None" = None) -> "Config":
        """Build from a mapping such as a parsed TOML table; names use ``_`` or ``-``."""
        known = {f.name for f in fields(cls)}
        clean: dict[str, Any] = {}
        for key, value in data.items():
            name = key.replace("-", "_")
            if name not in known:
                raise ConfigError(
                    f"unknown option {key!r}; known options: {', '.join(sorted(known))}"
                )
            clean[name] = value
        return dataclasses.replace(base or cls(), **clean)

    @classmethod
    def from_toml(cls, path: str | Path, base: "Config | None" = None) -> "Config":
        """Read options from a TOML file: top-level keys or a ``[polyclean]`` table."""
        import tomllib

        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"config file {path} is not valid TOML: {exc}") from exc
        if isinstance(data.get("polyclean"), dict):
            data = data["polyclean"]
        return cls.from_mapping(data, base)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, doc) for every option, for help texts and the README."""
        return [(f.name, f.default, f.metadata["doc"]) for f in fields(cls)]
