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
import functools
import math
import types
import typing
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Mapping

from .errors import E, ConfigError, ConfigTypeError, UnknownOptionError  # noqa: F401  (re-exported)

#: The record formats of batch runs (``polyclean.formats`` reads and writes them).
FORMATS = ("text", "jsonl", "csv", "tsv", "parquet")
#: What batch runs read besides: HTML pages (one document per file) and WARC/WET archives
#: (one document per HTML or WET record); they are never written.
INPUT_FORMATS = FORMATS + ("html", "warc")


def _opt(default: Any, doc: str, *, choices: tuple | None = None, min: float | None = None,
         max: float | None = None, lang: bool = False, codec: bool = False,
         output: bool = True):
    """A documented option.  ``choices``, ``min``/``max`` and ``lang`` (an ISO 639 /
    BCP 47 language code) are checked with the field's type when a Config is made;
    ``output=False`` marks an option that cannot change a byte of the output (``jobs``,
    ``quiet``), which a ``--resume`` journal therefore does not compare."""
    meta: dict[str, Any] = {"doc": doc}
    for key, value in (("choices", choices), ("min", min), ("max", max)):
        if value is not None:
            meta[key] = value
    if lang:
        meta["lang"] = True
    if codec:
        meta["codec"] = True
    if not output:
        meta["output"] = False
    return field(default=default, metadata=meta)


@dataclass(frozen=True)
class Config:
    """All of polyclean's options.  Instances are immutable; use :meth:`replace`."""

    # --- decoding and repair -------------------------------------------------------
    encoding: str | None = _opt(
        None, "Codec for byte input; unset (None) detects it (BOM, UTF-8, then charset statistics).",
        codec=True,
    )
    repair: bool = _opt(True, "Repair mojibake (ftfy per line plus single-byte mix-ups).")
    repair_cyrillic: bool = _opt(
        True,
        "Also reverse single-byte mix-ups (cp1251/KOI8 shown as cp1252, Latin-1 or cp1251, "
        "cp1250/cp1257/cp1254 shown as cp1252, ...), each verified by language statistics.",
    )

    # --- segmentation and detection --------------------------------------------------
    target_lang: str = _opt("en", "Language of the output; fragments in other languages are foreign.",
                            lang=True)
    doc_lang: str | None = _opt(
        None, "Force the document language instead of detecting it (ISO 639-1 code).", lang=True
    )
    detector: str = _opt(
        "auto",
        "Statistical language detector: auto (the best installed), fasttext or langdetect.",
        choices=("auto", "fasttext", "langdetect"),
    )
    min_foreign_chars: int = _opt(
        8,
        "Segments in the document's script with fewer letters than this inherit the "
        "document language (a segment in another script needs 2 letters).", min=0,
    )
    min_confidence: float = _opt(
        0.5,
        "A segment in the document's script is foreign only when the chance that it is "
        "not in the document's language is at least this.", min=0.0, max=1.0,
    )

    # --- boilerplate ---------------------------------------------------------------
    boilerplate: bool = _opt(True, "Remove page furniture (UI phrases, datelines, counters, repeats).")
    boilerplate_min_docs: int = _opt(
        3, "A line recurring in at least this many documents of a batch is boilerplate.", min=1
    )
    boilerplate_window: int = _opt(
        1000, "Documents kept in the streaming window that learns recurring lines.", min=1
    )
    boilerplate_threshold: float | None = _opt(
        None,
        "Probability from which the line classifier removes a line (higher keeps more): "
        "the threshold of the model's main part, and a cap on its part for lines no "
        "body text holds; unset (None) uses the shipped model's thresholds.", min=0.0, max=1.0,
    )
    drop_rules: tuple[str, ...] = _opt(
        (), "Boilerplate rules turned off (reason codes, e.g. menu, classifier): their lines stay."
    )
    keep_rules: tuple[str, ...] = _opt(
        (), "If given, only these boilerplate rules run (reason codes); the others are off."
    )
    keep_phrases: tuple[str, ...] = _opt(
        (), "Files of phrases (one a line) whose lines are never removed as boilerplate."
    )
    drop_phrases: tuple[str, ...] = _opt(
        (), "Files of phrases (one a line) whose lines are always removed (user-drop-phrase)."
    )

    # --- translation ---------------------------------------------------------------
    translate: bool = _opt(True, "Translate foreign fragments into the target language.")
    missing_model: str = _opt(
        "keep",
        "When no installed package translates a language: keep, transliterate, drop or fail.",
        choices=("keep", "transliterate", "drop", "fail"),
    )
    beam_size: int = _opt(2, "Beam size for translation (1 is greedy and fastest).", min=1)
    device: str = _opt("cpu", "Device for CTranslate2: cpu or cuda.", choices=("cpu", "cuda"))
    threads: int = _opt(0, "CTranslate2 threads per translator (0: one per core, at most 4).",
                        min=0)
    batch_size: int = _opt(64, "Maximum sentences per translate_batch call.", min=1)
    max_decoding_length: int = _opt(256, "Maximum tokens generated per translated sentence.",
                                    min=1)
    cache: str | None = _opt(
        None, "Translation cache SQLite file; unset (None) uses the user cache folder."
    )
    use_cache: bool = _opt(True, "Use the persistent translation cache.")
    packages_dir: str | None = _opt(
        None, "Argos packages folder; unset (None) uses ARGOS_PACKAGES_DIR or argostranslate's default."
    )
    # (issue 15: compute type, devices, protected spans, refusals, threads per worker)
    compute_type: str | None = _opt(
        None,
        "CTranslate2 compute type; unset (None) runs each model in the type it was saved in "
        "(as argostranslate does since its PR #511).",
        choices=(None, "default", "auto", "int8", "int8_float32", "int8_float16",
                 "int8_bfloat16", "int16", "float16", "bfloat16", "float32"),
    )
    device_index: int = _opt(0, "Which CUDA device to use with device='cuda' (0 is the first).",
                             min=0)
    glossary: str | None = _opt(
        None, "Glossary file (UTF-8): 'term' is never translated, 'term<TAB>translation' "
        "always becomes translation; whole words, case-sensitive.")
    protect_spans: bool = _opt(
        True, "Keep URLs, e-mails, handles, hashtags, numbers with units, placeholders, "
        "inline code and glossary terms away from the model, byte for byte.")
    min_translation_score: float | None = _opt(
        None, "Keep the source sentence when the model's score is below this (unset, None: off); "
        "scores are log-probabilities, 0 or below (-1.5, say), so a threshold above 0 would "
        "refuse every sentence.", max=0.0)
    workers: int = _opt(
        1, "Worker processes sharing the machine (the runner sets it); threads=0 gives "
        "each its share of the cores.", min=1, output=False)

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
        "Group the documents of a batch for learning recurring lines: unset (None: the whole "
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

    # --- batch runs: inputs, outputs and workers (polyclean clean / detect) -----------
    format: str = _opt(
        "auto", "Input format: auto goes by the file name (.jsonl/.ndjson, .json: an array "
        "of records or JSON Lines, .csv, .tsv/.tab, "
        ".parquet/.pq, .html/.htm/.xhtml, .warc/.wet, anything else is text; .gz, .zst, "
        ".bz2, .xz and .lzma are decompressed).", choices=("auto",) + INPUT_FORMATS,
    )
    output_format: str = _opt(
        "auto", "Output format: auto goes by the -o name (.jsonl, .csv, .tsv, .parquet, .txt, "
        "each with .gz or .zst), else it is the input's.", choices=("auto",) + FORMATS,
    )
    glob: str = _opt(
        "*", "Files of folder inputs to clean, matched against their path inside the folder "
        "at any depth; absolute patterns and '..' are refused.",
    )
    text_field: str = _opt("text", "JSONL field / CSV, TSV or Parquet column with the text.")
    output_field: str | None = _opt(
        None, "Field or column for the cleaned text; unset (None), it replaces the text field."
    )
    report_field: str | None = _opt(
        None, "Field or column that keeps each record's report; unset (None): no report in the records."
    )
    delimiter: str = _opt(
        ",", "Field delimiter of CSV (quoted) input and output; 'tab' reads a quoted "
        "tab-separated file with format csv.", choices=(",", ";", "|", ":", "tab"),
    )
    max_record_bytes: int = _opt(
        64 << 20, "Largest record read: a text file, a JSONL line, a CSV/TSV record (in "
        "characters), a Parquet text cell; a bigger one is an error record.", min=1,
    )
    jobs: int = _opt(0, "Worker processes; 0: one per core.  Output is the same for any number.",
                     min=0, output=False)
    batch_docs: int = _opt(
        256, "Records per batch: boilerplate learning and translation batching span a batch.",
        min=1,
    )
    batch_bytes: int = _opt(8 << 20, "A batch also closes once its records hold this many bytes.",
                            min=1)
    on_error: str = _opt(
        "continue", "After a bad record: continue (it is listed in the errors file) or fail "
        "(stop the run there).", choices=("continue", "fail"), output=False,
    )
    max_errors: int = _opt(
        100, "Stop when the first this many records of a run all fail with the same error "
        "(a wrong text_field, say); 0: never stop.", min=0, output=False,
    )
    resume: bool = _opt(False, "Continue a killed or interrupted run from its journal.",
                        output=False)
    errors: str | None = _opt(
        None, "Errors file (JSONL): every record that failed or was skipped; unset (None): "
        "OUT.errors.jsonl beside a file or folder output, stderr only for stdout; '-' is stderr."
    )
    report: str | None = _opt(None, "Report file (JSONL), one line per document; '-' is stderr.")
    summary_json: str | None = _opt(
        None, "Write the run summary as JSON (schema polyclean-summary/1) to this file "
        "('-': stdout, when the output is a file).",
        output=False,
    )
    html_report: str | None = _opt(
        None, "Write the HTML run report (one self-contained page) to this file at the end "
        "('-': stdout, when the output is a file).",
        output=False,
    )
    summary: bool = _opt(False, "Print the run summary on stderr (always with the progress line).",
                         output=False)
    quiet: bool = _opt(False, "No progress line, summary or warnings; errors only.", output=False)

    # ------------------------------------------------------------------------------
    def __post_init__(self) -> None:
        hints = _type_hints()
        for f in fields(self):
            value = getattr(self, f.name)
            if typing.get_origin(hints[f.name]) is tuple and isinstance(value, (str, list)):
                # a TOML array or one value on the command line: stored as a tuple
                value = (value,) if isinstance(value, str) else tuple(value)
                object.__setattr__(self, f.name, value)
            _check_option(f, hints[f.name], value)

    def replace(self, **changes: Any) -> "Config":
        """A copy with some options changed; an unknown name raises
        :class:`~polyclean.errors.UnknownOptionError` (a ``TypeError`` and a
        ``ConfigError``) naming the known ones.

        >>> Config().replace(nfkc=True)  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        polyclean.errors.UnknownOptionError: unknown option 'nfkc'; known options: ...
        """
        known = _field_names()
        for key in changes:
            if key not in known:
                raise UnknownOptionError(E.UNKNOWN_OPTION.format(
                    key=key, known=", ".join(sorted(known))))
        return dataclasses.replace(self, **changes)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], base: "Config | None" = None) -> "Config":
        """Build from a mapping such as a parsed TOML table; names use ``_`` or ``-``."""
        known = _field_names()
        clean: dict[str, Any] = {}
        given: dict[str, str] = {}
        for key, value in data.items():
            name = key.replace("-", "_")
            if name not in known:
                raise ConfigError(E.UNKNOWN_OPTION.format(key=key, known=", ".join(sorted(known))))
            if name in given:  # beam-size and beam_size: which one was meant?
                raise ConfigError(E.OPTION_TWICE.format(name=name, a=given[name], b=key))
            clean[name], given[name] = value, key
        return dataclasses.replace(base or cls(), **clean)

    @classmethod
    def from_toml(cls, path: str | Path, base: "Config | None" = None) -> "Config":
        """Read options from a TOML file: top-level keys or a ``[polyclean]`` table.

        A relative path in the file (:data:`PATH_OPTIONS`) is relative to the file's
        folder, as it is written there; a mistake in the file names the file."""
        import tomllib

        try:
            with open(path, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise ConfigError(E.CONFIG_UNREADABLE.format(path=path, why=exc.strerror)) from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(E.CONFIG_NOT_TOML.format(path=path, why=exc)) from exc
        if isinstance(data.get("polyclean"), dict):
            known = {f.name for f in fields(cls)}
            for key in data:  # other tools' keys may share the file; ours may not stray
                if key.replace("-", "_") in known:
                    raise ConfigError(E.OPTION_OUTSIDE_TABLE.format(path=path, key=key))
            data = data["polyclean"]
        try:
            return cls.from_mapping(_paths_beside(data, Path(path).parent), base)
        except ConfigError as exc:
            raise type(exc)(E.CONFIG_FILE_MISTAKE.format(path=path, why=exc)) from None

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def describe(cls) -> list[tuple[str, Any, str]]:
        """(name, default, doc) for every option, for help texts and the README."""
        return [(f.name, f.default, f.metadata["doc"]) for f in fields(cls)]


# --- validation: every field by its annotation and metadata ---------------------------------
@functools.lru_cache(maxsize=None)
def _type_hints() -> dict[str, Any]:
    return typing.get_type_hints(Config)


_KINDS = {bool: "true or false", int: "a whole number", float: "a finite number", str: "text"}


def _check_option(f: dataclasses.Field, kind: Any, value: Any) -> None:
    """Refuse a value whose type, range, choice or language code is wrong, naming the
    option (a TOML ``ascii = "false"`` must not turn ASCII on).

    >>> f = {f.name: f for f in fields(Config)}
    >>> _check_option(f["beam_size"], int, 1.5)
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: option beam_size=1.5 must be a whole number
    >>> _check_option(f["doc_lang"], str | None, "klingon")
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: option doc_lang='klingon' is not a language code (ISO 639 or BCP 47, e.g. en, ru, pt-BR)
    >>> _check_option(f["drop_rules"], tuple[str, ...], ("menu", 3))
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: option drop_rules=('menu', 3) must be a list of text
    """
    if typing.get_origin(kind) is tuple:
        item = typing.get_args(kind)[0]
        if not isinstance(value, tuple) or not all(isinstance(v, item) for v in value):
            raise ConfigError(E.OPTION_TYPE.format(
                name=f.name, value=value, kind=f"a list of {_KINDS.get(item, item.__name__)}"))
        return
    allowed = typing.get_args(kind) if isinstance(kind, types.UnionType) else (kind,)
    if value is None and type(None) in allowed:
        return
    base = next((t for t in allowed if t is not type(None)), object)
    if base is bool:
        ok = isinstance(value, bool)
    elif base is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif base is float:
        ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
              and math.isfinite(value))
    else:
        ok = isinstance(value, base)
    if not ok:
        raise ConfigError(E.OPTION_TYPE.format(name=f.name, value=value,
                                               kind=_KINDS.get(base, base.__name__)))
    meta = f.metadata
    if "choices" in meta and value not in meta["choices"]:
        raise ConfigError(E.NOT_ONE_OF.format(name=f.name, value=value,
                                              choices=", ".join(map(str, meta["choices"]))))
    if "min" in meta and value < meta["min"]:
        raise ConfigError(E.OPTION_BELOW.format(name=f.name, value=value, limit=meta["min"]))
    if "max" in meta and value > meta["max"]:
        raise ConfigError(E.OPTION_ABOVE.format(name=f.name, value=value, limit=meta["max"]))
    if meta.get("lang") and not _is_language(value):
        raise ConfigError(E.NOT_A_LANGUAGE.format(name=f.name, value=value))
    if meta.get("codec"):
        _check_codec(f.name, value)


def _check_codec(name: str, value: str) -> None:
    """Refuse a codec Python lacks or one that does not decode bytes into text, when the
    Config is made: ``Cleaner(encoding="no-such-codec")`` failed every document of
    bytes, one by one, with "unknown encoding".

    >>> _check_codec("encoding", "base64")
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: option encoding='base64' is not a text encoding
    """
    check_codec(value, E.OPTION_UNKNOWN_CODEC.format(name=name, value=value),
                E.OPTION_NOT_TEXT_CODEC.format(name=name, value=value))


def check_codec(value: str, unknown: str, not_text: str) -> None:
    """Raise :class:`ConfigError` with ``unknown`` when Python has no codec ``value``,
    with ``not_text`` when the codec does not decode bytes into text (``base64``,
    ``rot13``): the one check of the ``encoding`` option and of ``--encoding``."""
    import codecs

    try:
        info = codecs.lookup(value)
    except LookupError:
        raise ConfigError(unknown) from None
    if not getattr(info, "_is_text_encoding", True):
        raise ConfigError(not_text)


@functools.lru_cache(maxsize=256)
def _is_language(code: str) -> bool:
    """Whether ``code`` is a registered language tag (the IANA registry: two-letter
    codes from :mod:`polyclean.langdata`'s table, others through langcodes, which
    wordfreq already depends on; importing langcodes costs about 50 ms).

    >>> _is_language("ru"), _is_language("pt-BR"), _is_language("xx"), _is_language("klingon")
    (True, True, False, False)
    """
    from .langdata import is_valid

    return code.isascii() and is_valid(code)


def output_options(cfg: Config) -> dict[str, Any]:
    """The options that can change a byte of the output (what a ``--resume`` journal
    must match): all but those marked ``output=False``.

    >>> "jobs" in output_options(Config()), "beam_size" in output_options(Config())
    (False, True)
    """
    return {f.name: getattr(cfg, f.name) for f in fields(cfg) if f.metadata.get("output", True)}


@functools.lru_cache(maxsize=1)
def _field_names() -> frozenset[str]:
    """The option names (the fields of :class:`Config`)."""
    return frozenset(f.name for f in fields(Config))


# --- paths in a config file ------------------------------------------------------------------
#: The options that name files or folders.  Written in a TOML file, a relative one is
#: relative to the file's folder (``-``, a standard stream, stays as it is).
PATH_OPTIONS = frozenset({"keep_phrases", "drop_phrases", "glossary", "cache", "packages_dir",
                          "errors", "report", "summary_json", "html_report"})


def _paths_beside(data: Mapping[str, Any], folder: Path) -> dict[str, Any]:
    """``data`` with the relative paths of :data:`PATH_OPTIONS` joined to ``folder``
    (values of the wrong type are left for the type check to name).

    >>> _paths_beside({"keep-phrases": ["k.txt", "/abs/k.txt"], "report": "-",
    ...                "cache": "c.sqlite", "ascii": True}, Path("conf"))
    {'keep-phrases': ['conf/k.txt', '/abs/k.txt'], 'report': '-', 'cache': 'conf/c.sqlite', 'ascii': True}
    >>> _paths_beside({"glossary": "~/g.tsv"}, Path("conf"))["glossary"] == str(Path.home() / "g.tsv")
    True
    """
    def join(value: Any) -> Any:
        if isinstance(value, list):
            return [join(v) for v in value]
        if isinstance(value, str) and value and value != "-":
            path = Path(value).expanduser()  # "~/lists/keep.txt" is the user's, not the file's
            return str(path if path.is_absolute() else folder / path)
        return value

    return {k: join(v) if k.replace("-", "_") in PATH_OPTIONS else v for k, v in data.items()}


def make_config(config: Any = None, options: Mapping[str, Any] | None = None) -> Config:
    """The configuration that ``Cleaner(config, **options)`` (and the pandas, Dask and
    Hugging Face helpers) use: ``config`` (a :class:`Config`, or None for the defaults)
    with ``options`` applied.  Anything else given as ``config`` is refused at once, not
    when the first document (on a Dask worker, say) meets it.

    >>> make_config(None, {"ascii": True}).ascii
    True
    >>> make_config({"ascii": True})
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigTypeError: config must be a polyclean.Config, not dict; give options as keywords (Cleaner(ascii=True)) or build one with Config.from_mapping(...)
    """
    if config is not None and not isinstance(config, Config):
        raise ConfigTypeError(E.CONFIG_NOT_CONFIG.format(kind=type(config).__name__))
    base = config or Config()
    return base.replace(**options) if options else base
