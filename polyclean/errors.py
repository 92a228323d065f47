"""Every exception polyclean raises, and the messages users see, in one place.

All of polyclean's exceptions derive from :class:`PolycleanError`, so a library caller
can catch them with one ``except``; each also derives from the built-in class that
its old name implied (``ValueError`` for bad values, ``RuntimeError`` for failures
while running), so existing ``except ValueError`` code keeps working.

The messages are templates in :class:`E` (compare spaCy's error catalogue): a message
is written once here and formatted where it is raised, so the README's bad-input table
and the code cannot drift apart.

>>> issubclass(DecodeError, PolycleanError) and issubclass(DecodeError, ValueError)
True
>>> E.NO_SUCH_PATH.format(path="a.txt")
'a.txt: no such file or folder'
>>> err = OutputError("out: cannot write", errno=28); err.errno
28
"""

from __future__ import annotations


class PolycleanError(Exception):
    """The base of every exception polyclean raises on purpose."""


# --- options and the command line -------------------------------------------------------
class ConfigError(PolycleanError, ValueError):
    """An option has an invalid value or a config file cannot be read (exit code 2)."""


class UsageError(PolycleanError):
    """A problem with the command line itself (exit code 2)."""


# --- reading ------------------------------------------------------------------------------
class DecodeError(PolycleanError, ValueError):
    """Bytes cannot be turned into text (binary data, a wrong ``--encoding``)."""


class InputError(PolycleanError):
    """An input as a whole cannot be read (missing, unreadable, no header row...)."""


class RecordError(PolycleanError):
    """One record of an input cannot be used (invalid JSON, missing field...)."""


# --- writing and batch runs -----------------------------------------------------------------
class OutputError(PolycleanError):
    """An output cannot be written.  In a batch run this stops the run (disk full,
    stdout failing, the errors or report file unwritable); complete outputs stay in
    place, and where there is a journal the run can be continued with ``--resume``."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


class ResumeError(PolycleanError, ValueError):
    """A ``--resume`` journal does not belong to these inputs and options."""


class StopRun(PolycleanError):
    """``on_error="fail"`` and a record failed: the run stops at that record."""


# --- translation --------------------------------------------------------------------------------
class MissingModelError(PolycleanError, RuntimeError):
    """No installed package translates a language and ``missing_model="fail"``."""


class TranslationError(PolycleanError, RuntimeError):
    """A translation model failed while running."""


class PackageLoadError(TranslationError):
    """An installed package cannot be loaded or run (a truncated ``model.bin``...).
    The translator passes it over for the next valid version or the missing-model
    policy, with one warning per package."""

    def __init__(self, package, message: str) -> None:
        super().__init__(message)
        self.package = package


class GlossaryError(ConfigError):
    """The ``--glossary`` file cannot be read or has a malformed line."""


class CacheError(PolycleanError, RuntimeError):
    """The SQLite translation cache cannot be opened, read or written."""


class ModelsError(PolycleanError):
    """A ``polyclean models`` operation failed."""


class PackageError(ModelsError):
    """An Argos package (file or installed folder) is not valid."""


class IndexUnreachableError(ModelsError):
    """The package index cannot be reached (offline machine, firewall)."""


# --- web inputs (HTML pages, WARC/WET archives) -----------------------------------------------
class ExtractError(PolycleanError, ValueError):
    """Text cannot be extracted from an HTML page (the extractor failed on it)."""


class WebDependencyError(PolycleanError, ImportError):
    """HTML or WARC input needs the ``web`` extra (``pip install 'polyclean[web]'``)."""


# --- messages -------------------------------------------------------------------------------
class E:
    """Message templates, grouped like the exceptions above.  ``str.format`` them with
    the names in braces; each is one line, lower case, and says what to do next where
    there is something to do."""

    # options
    UNKNOWN_OPTION = "unknown option {key!r}; known options: {known}"
    NOT_ONE_OF = "option {name}={value!r} is not one of: {choices}"
    CONFIG_UNREADABLE = "cannot read config file {path}: {why}"
    CONFIG_NOT_TOML = "config file {path} is not valid TOML: {why}"
    HELP_HINT = "Run 'polyclean {command} --help' for the options."
    UNKNOWN_ENCODING = "--encoding {name}: unknown encoding"
    NOT_TEXT_ENCODING = "--encoding {name} is not a text encoding"

    # inputs
    NO_SUCH_PATH = "{path}: no such file or folder"
    NO_SUCH_FILE = "no such file or folder"
    IS_A_FOLDER = "is a folder"
    PERMISSION_DENIED = "permission denied"
    FOLDER_UNREADABLE = "{path}: cannot read the folder: {why}"
    NO_MATCHING_FILES = "{path}: no files match {pattern!r}"
    BINARY = "binary data, not text: {why}"

    # outputs
    OUTPUT_UNWRITABLE = "{out}: cannot write the output ({where}: {why}); nothing was cleaned"
    OUTPUT_IS_INPUT = "output {out} would overwrite or sit inside input {name}; choose another -o"
    OUTPUT_IN_INPUT_FOLDER = ("output {out} is inside the input folder {root}; its outputs would "
                              "become inputs of the next run; choose another -o")
    RESUME_HINT_SPACE = "; make room, then run the same command with --resume to continue"
    RESUME_HINT = "; fix it, then run the same command with --resume to continue"
    WORKER_DIED = "a worker process died (out of memory or killed)"

    # translation
    NO_PACKAGE = "no installed package for {src}->{dst}"
    INSTALL_HINT = ("see 'polyclean models list' and 'polyclean models install {src}' "
                    "(or install an .argosmodel file on an offline machine)")
    PACKAGE_SKIPPED = "{why}; using {instead} instead"
    GLOSSARY_UNREADABLE = "--glossary {path}: cannot read it: {why}"
    GLOSSARY_LINE = "--glossary {path}, line {line}: {why}"

    # web inputs
    WEB_EXTRA = "{what} needs the 'web' extra: pip install 'polyclean[web]' ({why})"
    NOT_HTML = "skipped: not HTML ({content_type})"
    HTTP_STATUS = "skipped: HTTP status {status}"
    RECORD_TOO_LARGE = "record of {size} bytes is larger than max_record_bytes ({limit})"
    TRUNCATED_RECORD = "truncated record: {got} of {size} bytes"
    MALFORMED_RECORD = "malformed or truncated WARC record ({why})"
    UNREADABLE_ARCHIVE = "cannot read the archive after this offset ({why}); {resync}"
    EXTRACT_FAILED = "HTML extraction failed: {why}"
