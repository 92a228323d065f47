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

A count in a message goes through :func:`plural`, so that no message says "1 records".
"""

from __future__ import annotations


class PolycleanError(Exception):
    """The base of every exception polyclean raises on purpose."""


# --- options and the command line -------------------------------------------------------
class ConfigError(PolycleanError, ValueError):
    """An option has an invalid value or a config file cannot be read (exit code 2)."""


class UnknownOptionError(ConfigError, TypeError):
    """A keyword option that :class:`polyclean.config.Config` has no field for
    (``Cleaner(nfkc=True)``); a ``TypeError`` too, as Python's own for a bad keyword."""


class ConfigTypeError(ConfigError, TypeError):
    """A configuration that is not a :class:`~polyclean.config.Config` (a dict, a string)."""


class UsageError(PolycleanError):
    """A problem with the command line itself (exit code 2)."""


# --- reading ------------------------------------------------------------------------------
class DecodeError(PolycleanError, ValueError):
    """Bytes cannot be turned into text (binary data, a wrong ``--encoding``)."""


class InputError(PolycleanError):
    """An input as a whole cannot be read (missing, unreadable, no header row...)."""


class RecordError(PolycleanError, ValueError):
    """One record of an input cannot be used (invalid JSON, missing field...).
    ``fields`` holds the record's values when they could be read (a JSON object without
    its text field), so that the record is still named by its own id."""

    def __init__(self, message: str, fields: dict | None = None) -> None:
        super().__init__(message)
        self.fields = fields


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
    """``on_error="fail"`` and a record failed, or the first ``max_errors`` records all
    failed the same way: the run stops there (outputs are not put in place)."""


class Interrupted(PolycleanError):
    """Ctrl-C or SIGTERM stopped a batch run; ``resumable`` when a journal stays."""

    def __init__(self, message: str, signal: str, resumable: bool) -> None:
        super().__init__(message)
        self.signal, self.resumable = signal, resumable


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


# --- data frames and bags (polyclean.dask, polyclean.hf) -------------------------------------
class ColumnError(PolycleanError, KeyError):
    """A data frame or dataset has no column of the name given."""

    def __str__(self) -> str:  # the message, not KeyError's repr of it
        return str(self.args[0]) if self.args else ""


# --- web inputs (HTML pages, WARC/WET archives) -----------------------------------------------
class ExtractError(PolycleanError, ValueError):
    """Text cannot be extracted from an HTML page (the extractor failed on it)."""


class WebDependencyError(PolycleanError, ImportError):
    """HTML or WARC input needs the ``web`` extra (``pip install 'polyclean[web]'``)."""


# --- messages -------------------------------------------------------------------------------
def plural(n: int | str, noun: str, nouns: str | None = None) -> str:
    """``n``, with thousands separators, and the noun it counts: ``noun`` for exactly
    one, else ``nouns`` (by default ``noun`` + "s").  A verb that agrees goes in both.
    A count given as text (formatted already, or "?" when unknown) is shown as it is.

    >>> plural(1, "document"), plural(0, "document"), plural(3316, "record")
    ('1 document', '0 documents', '3,316 records')
    >>> plural(1, "report has", "reports have"), plural(2, "report has", "reports have")
    ('1 report has', '2 reports have')
    >>> plural("1", "record"), plural("?", "record")
    ('1 record', '? records')
    """
    shown = n if isinstance(n, str) else f"{n:,}"
    return f"{shown} {noun if shown == '1' else nouns or noun + 's'}"


class E:
    """Message templates, grouped like the exceptions above.  ``str.format`` them with
    the names in braces; each is one line, lower case, and says what to do next where
    there is something to do."""

    # options
    UNKNOWN_OPTION = "unknown option {key!r}; known options: {known}"
    OPTION_TWICE = "option {name} is set twice ({a!r} and {b!r}); keep one"
    OPTION_OUTSIDE_TABLE = ("config file {path}: option {key!r} is outside the [polyclean] "
                            "table, where it would be ignored; move it into the table")
    NOT_ONE_OF = "option {name}={value!r} is not one of: {choices}"
    OPTION_TYPE = "option {name}={value!r} must be {kind}"
    OPTION_BELOW = "option {name}={value!r} must be at least {limit}"
    OPTION_ABOVE = "option {name}={value!r} must be at most {limit}"
    ONE_DOCUMENT = ("clean_batch takes a sequence of documents, not one {kind}; "
                    "use clean() for a single document")
    IDS_COUNT = "{ids} for {docs}: give one id per document, or none"  # plural(n, "id")
    NORMALIZE_TEXT = ("normalize takes text (str), not {kind}; decode bytes first, or use "
                      "clean() or repair(), which take bytes")
    NOT_A_LANGUAGE = ("option {name}={value!r} is not a language code (ISO 639 or BCP 47, "
                      "e.g. en, ru, pt-BR)")
    CONFIG_UNREADABLE = "cannot read config file {path}: {why}"
    CONFIG_NOT_TOML = "config file {path} is not valid TOML: {why}"
    CONFIG_FILE_MISTAKE = "config file {path}: {why}"
    CONFIG_NOT_CONFIG = ("config must be a polyclean.Config, not {kind}; give options as keywords "
                         "(Cleaner(ascii=True)) or build one with Config.from_mapping(...)")
    HELP_HINT = "Run 'polyclean {command} --help' for the options."
    UNKNOWN_ENCODING = "--encoding {name}: unknown encoding"
    NOT_TEXT_ENCODING = "--encoding {name} is not a text encoding"
    OPTION_UNKNOWN_CODEC = "option {name}={value!r} is an unknown encoding"
    OPTION_NOT_TEXT_CODEC = "option {name}={value!r} is not a text encoding"
    FIELD_CLASH = ("{a} and {b} would both be written to the field {name!r}, one over the "
                   "other; give them different names")
    CONTRARY_FLAGS = "{a} and {b} contradict each other; give one of them"
    DASH_FILE = ("({name} is a file: to read a file whose name starts with '-', write "
                 "./{name} or put -- before it)")
    DASH_VALUE = "(to give {flag} a value that starts with '-', write {flag}={value})"

    # boilerplate options and data (polyclean.boilerplate)
    BP_UNKNOWN_RULE = "unknown boilerplate rule {names}; known rules: {known}"
    BP_PHRASE_FILE = "cannot read phrase file {path}: {why}"
    BP_MODEL_UNREADABLE = "cannot read the boilerplate model {path}: {why}"
    BP_MODEL_FEATURES = ("the boilerplate model was trained on other features; rebuild it with "
                         "bench/train_boilerplate.py")

    # inputs (polyclean.formats, polyclean.plan)
    NO_SUCH_PATH = "{path}: no such file or folder"
    NO_SUCH_FILE = "no such file or folder"
    DANGLING_LINK = "a symbolic link to nothing (dangling)"
    IS_A_FOLDER = "is a folder"
    PERMISSION_DENIED = "permission denied"
    FOLDER_UNREADABLE = "cannot read the folder: {why}"
    NO_MATCHING_FILES = "no files match {pattern!r}"
    EMPTY_FOLDER = "the folder holds no files, in it or in its subfolders; nothing to clean"
    NOT_A_REGULAR_FILE = "not a regular file ({kind}); skipped"
    JOB_MARKER_SKIPPED = ("a Spark/Hadoop job marker ({name}), not data; skipped (give it by "
                          "name, or --glob '_*', to clean it)")
    FOLDER_ITEMS_SKIPPED = ("{folder}: {n} hidden or Spark/Hadoop job marker files or folders "
                            "not read (names starting with '.', _SUCCESS); name a file to read it")
    WORK_FILE_SKIPPED = "a work file of polyclean (left by a killed run), not an input; skipped"
    HIDDEN_SKIPPED = ("a hidden {kind} (its name starts with '.'), not read; skipped (give it "
                      "by name, or --glob '.*', to clean it)")
    INPUT_TWICE = ("{b} is given twice (as, or inside, {a}): its records would be cleaned "
                   "and written twice; give it once")
    STDIN_TWICE = "'-' (standard input) is given {n} times; it can be read once"
    BAD_GLOB = ("--glob {pattern!r} must stay inside the input folder (no absolute path, "
                "no '..')")
    BINARY = "binary data, not text: {why}"
    NOT_TEXT_FILE = ("binary data, not text: {what} (by its first bytes); extract its text "
                     "first")
    EMPTY_INPUT = "empty input (no text); nothing to clean"
    XML_NOT_TEXT = ("{kind}, not text: cleaned as text, its markup would stay in the output; "
                    "extract its text first, or give --format text to clean it as it is")
    TEXT_LOOKS_HTML = ("an HTML page read as plain text (its name does not say HTML), so its "
                       "tags stay in the output; give --format html to clean its text")
    NEEDS_ZSTANDARD = "reading .zst needs the zstandard package: pip install 'polyclean[formats]'"
    INPUT_CHANGED = ("the input changed while it was read (size, time or file); no output is "
                     "written for it; clean it again when it is complete")
    INPUT_VANISHED = "the input was removed while it was read; no output is written for it"
    CANNOT_READ = "cannot read{after}: {why}{tail}"
    READ_STOPPED_TAIL = "; no output is written for this input"
    RECORD_TOO_BIG = ("{what} larger than --max-record-bytes ({limit:,}); skipped as an error; "
                      "raise --max-record-bytes to clean it")
    PARQUET_STDIN = "Parquet cannot be read from stdin; give a file"
    NOT_PARQUET = "not a readable Parquet file: {why}"
    NO_COLUMN = "no column {field!r} (columns: {columns})"
    HEADER_SYNTAX = "header row: {why}"
    HEADER_UNDECODABLE = "header row: undecodable bytes in column {column} (not {codec})"
    HEADER_FIELD_REPEATS = ("header row: column {column!r} occurs {n} times and {how}; "
                            "rename the columns")
    HEADER_REPEATS = ("header row: column {column!r} occurs {n} times, but a {fmt} record "
                      "holds one value per name; rename the columns")
    CSV_SYNTAX = "CSV syntax: {why}"
    FIELD_COUNT = "row has {n} field{s}, the header has {width}"
    FIELD_UNDECODABLE = "undecodable bytes in field {n} (not {codec})"
    UNDECODABLE = "undecodable bytes at offset {offset} (not {codec})"
    UNDECODABLE_LINE = "undecodable bytes (not {codec})"
    INVALID_JSON = "invalid JSON: {why}"
    JSONL_CR_ONLY = ("records separated by a carriage return alone (\\r): JSON Lines ends each "
                     "record with a line feed (\\n); convert the file first (tr '\\r' '\\n' < IN > OUT)")
    JSON_CONSTANT = "{name} is not valid JSON (write null or a string)"
    NOT_AN_OBJECT = "not a JSON object but {kind}"
    JSON_ARRAY_BAD = ("not a JSON array of records: item {n}: {why}; check the file, or give "
                      "it as JSON Lines (one object a line)")
    NO_FIELD = "no field {field!r}"
    NO_NESTED_FIELD = ("no field {field!r} (fields inside a nested object are not read; {head!r} "
                       "holds an object; the text must be a top-level field)")
    FIELD_NOT_TEXT = "field {field!r} is {kind}, not text"
    RECORD_UNWRITABLE = "cannot write the record: {why}"
    BYTES_NOT_TEXT = ("column {column!r} holds bytes that are not UTF-8 text ({n:,} bytes), "
                      "which {fmt} cannot hold; write Parquet (-o OUT.parquet) or leave the "
                      "column out")
    NESTED_BYTES_NOT_TEXT = "bytes that are not UTF-8 text ({n:,} bytes) inside a value"
    SURROGATE_NOT_TEXT = ("field {field} holds a lone surrogate ({char}: valid in JSON, but no "
                          "character of UTF-8 text), which {fmt} cannot hold; write JSONL "
                          "(-o OUT.jsonl) or leave the field out")
    DOCUMENT_FAILED = "document at position {i}: {why}"
    DOCUMENT_FAILED_AT = "document at index {label!r}: {why}"
    DOCUMENT_FAILED_ID = "document with id {id!r} (at position {i}): {why}"
    NO_FILES = "{paths}: no files to read"
    NO_FILES_MATCH = "{path}: no files match"
    NOT_A_LOCAL_PATH = ("{path}: a URL; read_documents reads local paths only (copy the files "
                        "to a local folder first, or read them with Dask and clean_bag)")
    BAG_DOCUMENT_FAILED = "{name}: {why}"  # name: the source and where, "a.jsonl line 3"
    BAD_ERRORS_CHOICE = "errors must be 'raise' or 'null', not {value!r}"
    NOT_A_SERIES = ("clean_series takes a pandas Series (a column: df[\"text\"]), not {kind}; "
                    "Cleaner().clean_batch takes a list")
    NOT_A_FLAG = "{name} must be True or False, not {value!r}"
    COUNT_ARGUMENT = "{name} must be a whole number, 1 or more, not {value!r}"
    REPLAY_FAILED = "document {id} failed, its report has no changes to replay: {why}"
    MAP_COLUMNS_CLASH = ("map_function: {a}={name!r} and {b}={name!r} would write one column "
                         "(the {what} would be lost); give them different names")
    MAP_NOT_BATCHED = ("map_function cleans batches of rows but was given one row "
                       "({column!r} is {kind}, not a list); call Dataset.map(fn, batched=True)")

    # outputs (polyclean.plan, polyclean.sinks)
    OUTPUT_UNWRITABLE = "{out}: cannot write the output ({where}: {why}); nothing was cleaned"
    OUTPUT_NOT_FOLDER = "{out}: cannot write the output ({where} is not a folder); nothing was cleaned"
    OUTPUT_BESIDE_UNWRITABLE = ("{out}: cannot write beside the output folder ({where}: {why}): a "
                                "run keeps its lock and its journal for --resume there; write "
                                "into a folder inside it (-o {inner}) or one whose parent can be "
                                "written; nothing was cleaned")
    NOT_A_FOLDER = "{where} is not a folder"  # why a file under it cannot be written
    OUTPUT_ROOT = "-o {out}: the root folder cannot be an output; choose a folder"
    OUTPUT_IS_INPUT = "output {out} would overwrite or sit inside input {name}; choose another -o"
    OUTPUT_IN_INPUT_FOLDER = ("output {out} is inside the input folder {root}; its outputs would "
                              "become inputs of the next run; choose another -o")
    SAME_PATH = "{flag} {path} is the same file as {other}; choose another path"
    SIDE_IN_INPUT_FOLDER = ("{flag} {path} is inside the input folder {root}; it would become "
                            "an input of the next run; choose another path")
    PATH_IS_INPUT = "{flag} {path} would overwrite the input {name}; choose another path"
    DASH_SHARES_STDOUT = ("{flag} - would share standard output with the cleaned text; "
                          "give a file name or -o OUT")
    OWN_NAME = ("{flag} {path}: the name of one of polyclean's own work files "
                "(.NAME.polyclean-...), which a run replaces or removes; choose another name")
    COLLISION = ("inputs {a} and {b} would both be written to {target}; clean them "
                 "separately, or write them to one records file (-o out.jsonl), where "
                 "each is a record of its own")
    LINK_IN_OUTPUT = ("{path} is a symbolic link inside the output; polyclean does not write "
                      "through links there; remove it")
    NO_STDOUT_PARQUET = "Parquet output needs a file: give -o OUT.parquet"
    NO_STDOUT_TABLES = "several CSV/TSV inputs cannot share stdout; give -o FOLDER or -o OUT.csv"
    COMPRESSED_PARQUET = "{out}: Parquet compresses itself; drop the .{kind} from the name"
    NOT_WRITTEN = ("-o {out}: polyclean reads {fmt} but does not write it; name the output "
                   ".txt, .jsonl, .csv, .tsv or .parquet, or give a folder")
    COMPRESSION_NOT_WRITTEN = ("{flag} {path}: polyclean compresses with gzip (.gz) or zstd "
                               "(.zst), not {kind}; use one of those, or compress the file "
                               "afterwards")
    WRITTEN_PLAIN = ("{flag} {path}: this file is written uncompressed; drop the {ext} from "
                     "the name")
    NEEDS_ZSTANDARD_OUT = "writing .zst needs the zstandard package: pip install 'polyclean[formats]'"
    WRITE_FAILED = "{where}: cannot write: {why}"
    DETECT_OUTPUT_FAILED = "{where}: cannot write the output: {why}"
    UNIT_UNWRITABLE = ("cannot write the output {where}: {why}; nothing was written for this "
                       "input")
    SIDE_FILE_FAILED = "{path}: cannot write the {what} file: {why}"
    JOURNAL_FAILED = "{path}: cannot write the journal: {why}"
    RESUME_HINT_SPACE = "; make room, then run the same command with --resume to continue"
    RESUME_HINT = "; fix it, then run the same command with --resume to continue"

    # batch runs (polyclean.runner, polyclean.journal, polyclean.workers)
    STOPPED_AFTER = "{why}; stopped after {n:,} record{s}"
    FIELDS_UNUSED = ("{flags}: the output is plain text, which has no fields, so nothing is "
                     "written there; write JSONL, CSV, TSV or Parquet (-o out.jsonl, "
                     "--output-format) to keep them")
    RESUME_NOTHING = ("{out}: --resume found no journal of a killed run (the last run "
                      "finished, or none was stopped); the run starts from the beginning")
    RESUME_NEEDS_OUTPUT = "--resume needs an output file or folder (-o OUT), not stdout"
    RESUME_NEEDS_FILES = "--resume cannot continue reading stdin; give input files"
    JOURNAL_UNREADABLE = "cannot read the journal {path}: {why}"
    PARTIAL_MISSING = ("the journal names the partial output {path}, which is gone; run "
                       "without --resume to start again")
    MORE_JOBS_THAN_CPUS = ("-j {jobs} starts more workers than the {cpus} CPUs this run may "
                           "use: they take turns on those CPUs (the run is no faster) and each "
                           "takes its own memory; -j 0 starts one per CPU")
    RUN_STARTS_OVER = ("{out}: a killed run of this output had done {records}; without "
                       "--resume its work is discarded and the run starts over")
    JOURNAL_MISMATCH = ("the journal {path} belongs to other inputs or options (an input changed "
                        "since, a flag differs, a glossary or phrase file was edited, or the "
                        "installed translation packages changed); run without --resume to "
                        "start again")
    RESUME_OUTPUTS_GONE = ("{out}: {n:,} of the {of:,} output files the killed run had "
                           "written are gone; run without --resume to start again")
    JOURNAL_DIFFERS = ("the journal {path} belongs to other inputs or options: {what}; repeat "
                       "the killed run's command with --resume, or run without --resume to "
                       "start again")
    LOCKED = ("{out} is being written by another polyclean run ({holder}); wait for it to end "
              "or choose another -o")
    WORKER_DIED = "a worker process died (out of memory or killed)"
    INTERRUPTED = "{signal}; stopped after {records}"
    INTERRUPTED_BEFORE = "interrupted"
    INTERRUPTED_RESUME = "; run the same command with --resume to continue"
    ON_ERROR_STOP = ("stopped at the first record that failed (--on-error fail): the output "
                     "holds what came before it, the rest of the input was not written "
                     "(--on-error continue goes on past it)")
    SAME_ERROR_STOP = ("the first {records} failed with the same error ({why}); stopped; "
                       "check the options (--text-field, --format, --encoding) or raise "
                       "--max-errors (0: never stop)")
    REPEATED = "{where}: {why} ({n:,} records in all; every one is listed in {errors})"
    REPEATED_NO_FILE = "{where}: {why} ({n:,} records in all)"
    MORE_ERRORS = "more errors: see {errors}"
    UNTRANSLATED = ("{n:,} fragment{s} left untranslated ({langs}): no installed translation "
                    "package; see 'polyclean models list{opt}' and 'polyclean models install "
                    "{first}{opt}'")
    SENTENCES_FAILED = ("{n:,} sentence{s} could not be translated ({packages}): the package "
                        "failed on {them} ({policy}; each is in the report); see "
                        "'polyclean models check {first}{opt}' for why")
    SENTENCE_FAILED = ("{why}, on the sentence {sentence}; with --missing-model keep, "
                       "transliterate or drop the document is cleaned and the sentence kept, "
                       "transliterated or dropped")
    UNTRANSLATED_UNLOADABLE = ("{n:,} fragment{s} left untranslated ({langs}): installed "
                               "package {packages} cannot be loaded; see 'polyclean models "
                               "check {first}{opt}' for why, then install it again")

    # translation
    NO_PACKAGE = "no installed package for {src}->{dst}"
    PACKAGE_UNLOADABLE = "installed package {package} cannot be loaded"
    INSTALL_HINT = ("see 'polyclean models list' and 'polyclean models install {src}' "
                    "(or install an .argosmodel file on an offline machine)")
    PACKAGE_SKIPPED = "{why}; using {instead} instead"
    # polyclean models (polyclean.models_install)
    PACKAGE_IS_FOLDER = ("{path}: is a folder, not a package file; give the .argosmodel file "
                         "(a zip), or zip the folder as one top-level folder first")
    FOLDER_HOLDS_OTHER_PAIR = ("{folder} holds {other} ({pair}), which installing {new} there "
                               "would remove; remove it first (polyclean models remove {other})")
    HTTP_ERROR = ("cannot download {what} from {url}: the server answered ({why}); the "
                  "address or the index's link is wrong, or the file moved")
    NOT_POSITIVE = "{value!r} is not a positive number of {unit}"
    INDEX_NOT_FOUND = ("the package index {url} does not exist; give --index the path of an "
                       "index.json (or of a folder that holds one), or its http(s) URL")
    INDEX_UNREADABLE = "cannot read the package index {url}: {why}"
    DOWNLOAD_CUT = "the download ended after {got:,} of {size:,} bytes (the connection dropped)"
    DOWNLOAD_FAILED = ("cannot download {what}: {why}; run the command again later, or download "
                       "the file another way and run `polyclean models install PATH.argosmodel`")
    CACHE_UNUSABLE = ("--cache {path}: cannot use it as the translation cache: {why}; "
                      "choose another file with --cache PATH, move this one aside, or "
                      "--no-cache")
    PACKAGES_DIR_UNUSABLE = ("cannot read the packages folder {path}: {why}; give a folder with "
                             "--packages-dir DIR, or --no-translate")
    GLOSSARY_UNREADABLE = "--glossary {path}: cannot read it: {why}"
    GLOSSARY_LINE = "--glossary {path}, line {line}: {why}"
    GLOSSARY_TWICE = ("{term!r} is already on line {line} with another translation; keep "
                      "one of the two lines")

    # web inputs
    WEB_EXTRA = "{what} needs the 'web' extra: pip install 'polyclean[web]' ({why})"
    NOT_HTML = "skipped: not HTML ({content_type})"
    HTTP_STATUS = "skipped: HTTP status {status}"
    RECORD_TOO_LARGE = "record of {size} bytes is larger than max_record_bytes ({limit})"
    TRUNCATED_RECORD = "truncated record: {got} of {size} bytes"
    MALFORMED_RECORD = "malformed or truncated WARC record ({why})"
    WRONG_LENGTH = ("the record's Content-Length says {declared:,} bytes but it holds {actual:,}; "
                    "reading resumes at offset {resync}")
    ARCHIVE_CUT = "the archive ends {size} into a record that gives nothing: it was cut short"
    PAYLOAD_CODING = "cannot undo {header} {coding!r}: {why}"
    PAYLOAD_TOO_LARGE = "decoded HTTP body is larger than max_record_bytes ({limit})"
    UNDECLARED_GZIP = "gzip data without a Content-Encoding header: decompressed"
    UNDECLARED_GZIP_DAMAGED = ("the HTTP body is gzip data without a Content-Encoding header, "
                               "and it does not decompress (damaged)")
    UNREADABLE_ARCHIVE = "cannot read the archive after this offset ({why}); {resync}"
    WARC_COMPRESSION = ("a WARC archive compressed with {tool} is not read; archives are read "
                        "plain, .gz, .zst or .lz4: recompress it, e.g. "
                        "'{tool} -dc {name} | gzip > {stem}.gz'")
    EXTRACT_FAILED = "HTML extraction failed: {why}"

    # a document that comes out empty (polyclean.records.empty_output): a warning
    NO_MAIN_CONTENT = ("no main content found: extraction kept none of the page's visible "
                       "text; the output is empty (--extract all keeps every visible block)")
    NO_VISIBLE_TEXT = "the page has no visible text; the output is empty"
    EMPTY_RECORD = ("the archived page is empty (the record's body holds no text, as an HTTP "
                    "200 with Content-Length 0 does); the output is empty")
    ALL_BOILERPLATE = ("every line was removed as boilerplate; the output is empty "
                       "(--keep-boilerplate keeps them; polyclean explain shows why)")
    EMPTIED = "nothing is left after cleaning; the output is empty"

    # run report and explain (polyclean report, polyclean explain)
    REPORT_UNREADABLE = "{path}: cannot read the {what}: {why}"
    REPORT_CUT = ("{path}:line {n}: the last report is cut short (the file ends inside it: "
                  "the run that wrote it was killed, or the copy is incomplete); the page "
                  "counts it as a failed record")
    REPORT_BAD_LINES = ("{path}:line {first}: {lines} not a per-document report (damaged "
                        "or not JSON); the page counts them as failed records")
    COMPRESSED_CUT = "the file is cut short (the compressed data ends before its end marker)"
    NOT_REPORTS = ("{path}: no line is a per-document report (none has 'schema'); give the "
                   "file that clean --report wrote")
    OTHER_SCHEMA = ("{path}: {reports} another layout than this polyclean writes "
                    "(schema {schemas}; this version reads {mine}): the page may count them "
                    "wrongly; build it with the polyclean version that wrote them")
    EXPLAIN_EMPTY = "{path}: empty input (no text); nothing to explain"
    EXPLAIN_NO_RECORD = ("{path}: no record {id!r}; give --id as a report id (NAME:line N), "
                         "'line N', 'row N' or a record number")
    EXPLAIN_OTHER_FILE = ("{path}: --id {id!r} names a record of {other}, not of {path}; "
                          "give that file (polyclean explain {other} --id {where!r}) or "
                          "'{where}' alone for this one")
    EXPLAIN_NOT_IN_BATCH = ("the run over {batch} gave no report for {id}; --batch must name "
                            "the input that {path} was cleaned with")
    EXPLAIN_MISMATCH = ("the report of {id} from the run over {batch} does not fit the "
                        "document read from {path}: {why}")
