"""Command line: ``polyclean clean``, ``polyclean detect``, ``polyclean models``.

Every flag of ``clean`` and ``detect`` (but ``-o`` and ``--config``) sets a
:class:`Config` field, so a TOML file (``--config``) can set it too; flags win.
``clean`` runs through :mod:`polyclean.runner` (formats, worker processes, resume).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from concurrent.futures.process import BrokenProcessPool
from dataclasses import fields
from pathlib import Path
from typing import Any, Sequence

from . import __version__, cli_io
from .config import Config
from .errors import (E, ConfigError, Interrupted, OutputError, ResumeError, StopRun,
                     UsageError)
from .plan import show
from .runlog import say, why
from .workers import cores

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_SIGINT, EXIT_SIGTERM = 0, 1, 2, 130, 143
EXIT_CODES = ("Exit codes: 0 ok (empty inputs and skipped entries only warn); 1 some input "
              "or record failed (the others are still written), an output could not be "
              "written, or the run stopped (--on-error fail, --max-errors); 2 usage error "
              "(bad option or config value, conflicting paths, an output in use by another "
              "run, a journal of another run); 130 Ctrl-C; 143 SIGTERM (both: --resume "
              "continues).")


# --- argument parsing ------------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """argparse, but ``--help`` and ``--version`` that cannot be written to stdout (a
    full disk) raise, as every other write does: argparse swallows the ``OSError``, so
    ``polyclean --version > /dev/full`` exited 0 without a word.  Messages to stderr
    are left as argparse writes them."""

    def _print_message(self, message: str, file: Any = None) -> None:
        if message and file is not None and file is sys.stdout:
            file.write(message)
            file.flush()  # a full disk shows at the flush, before the exit
            return
        super()._print_message(message, file)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        self._given = list(sys.argv[1:] if args is None else args)  # for error()
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> Any:
        """argparse's usage error, plus what to do when an "unrecognized argument" is a
        file whose name starts with '-' (``polyclean clean -notes.txt``), or when an
        option's value is such a name (``-o -x.jsonl`` said only "expected one
        argument")."""
        prefix = "unrecognized arguments: "
        if message.startswith(prefix):
            files = [a for a in message[len(prefix):].split(" ")
                     if a.startswith("-") and a != "-" and os.path.lexists(a)]
            if files:
                message += " " + E.DASH_FILE.format(name=files[0])
        elif message.endswith(": expected one argument") and message.startswith("argument "):
            flags = message[len("argument "):-len(": expected one argument")].split("/")
            given = getattr(self, "_given", [])
            for i, arg in enumerate(given[:-1]):
                value = given[i + 1]
                if arg in flags and value.startswith("-") and value != "-" \
                        and value not in self._option_string_actions:
                    long = max(flags, key=len)
                    message += " " + E.DASH_VALUE.format(flag=long, value=value)
                    break
        super().error(message)


def _add_config_options(p: argparse.ArgumentParser) -> None:
    """Flags that map onto :class:`Config` fields (default None = not given)."""
    S = argparse.SUPPRESS
    g = p.add_argument_group("decoding and repair")
    g.add_argument("--encoding", metavar="ENC", default=S,
                   help="codec of byte input (default: detect it)")
    g.add_argument("--no-repair", dest="repair", action="store_false", default=S,
                   help="do not repair mojibake")

    g = p.add_argument_group("language detection")
    g.add_argument("--target-lang", metavar="LANG", default=S,
                   help="language of the output (default: en)")
    g.add_argument("--doc-lang", metavar="LANG", default=S,
                   help="force the document language instead of detecting it")
    g.add_argument("--detector", choices=("auto", "fasttext", "langdetect"), default=S,
                   help="statistical detector (default: auto)")

    g = p.add_argument_group("boilerplate")
    g.add_argument("--keep-boilerplate", dest="boilerplate", action="store_false", default=S,
                   help="do not remove page furniture")
    _add_fields(g, _BOILERPLATE_FLAGS)

    g = p.add_argument_group("translation")
    g.add_argument("--no-translate", dest="translate", action="store_false", default=S,
                   help="leave foreign fragments untranslated")
    g.add_argument("--missing-model", choices=("keep", "transliterate", "drop", "fail"),
                   default=S, help="what to do when no package translates a language (default: keep)")
    g.add_argument("--beam-size", type=int, metavar="N", default=S, help="beam size (default: 2)")
    g.add_argument("--device", choices=("cpu", "cuda"), default=S, help="device (default: cpu)")
    g.add_argument("--threads", type=int, metavar="N", default=S,
                   help="CTranslate2 threads (default: 0 = automatic)")
    g.add_argument("--cache", metavar="PATH", default=S, help="translation cache SQLite file")
    g.add_argument("--no-cache", dest="use_cache", action="store_false", default=S,
                   help="do not use the translation cache")
    g.add_argument("--packages-dir", metavar="DIR", default=S, help="Argos packages folder")
    g.add_argument("--compute-type", metavar="TYPE", default=S,
                   help="CTranslate2 compute type, e.g. int8 (default: the model's own)")
    g.add_argument("--device-index", type=int, metavar="N", default=S,
                   help="CUDA device to use with --device cuda (default: 0)")
    g.add_argument("--glossary", metavar="FILE", default=S,
                   help="terms never translated ('term') or always rendered one way "
                        "('term<TAB>translation'), one a line, UTF-8")
    g.add_argument("--min-translation-score", type=float, metavar="X", default=S,
                   help="keep the source sentence when the model's score is below X, "
                        "a log-probability: 0 or below, -1.5 say (default: off)")
    g.add_argument("--no-protect", dest="protect_spans", action="store_false", default=S,
                   help="let the model see URLs, e-mails, placeholders... (default: masked)")

    g = p.add_argument_group("normalisation")
    g.add_argument("--ascii", action="store_true", default=S,
                   help="transliterate to ASCII with unidecode (after translation)")
    g.add_argument("--nfkc", dest="unicode_form", action="store_const", const="NFKC", default=S,
                   help="use Unicode NFKC instead of NFC")
    g.add_argument("--no-normalize", dest="normalize", action="store_false", default=S,
                   help="no Unicode/punctuation/whitespace normalisation")
    g.add_argument("--join-hyphenated", action="store_true", default=S,
                   help="join words hyphenated across line breaks")
    p.add_argument("--config", metavar="FILE", help="TOML file with options (flags win over it)")


def _count(minimum: int):
    def parse(text: str) -> int:
        try:
            n = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if n < minimum:
            raise argparse.ArgumentTypeError(f"expected {minimum} or more, got {n}")
        return n
    return parse


_N, _N0 = _count(1), _count(0)
# (flags, Config field, argparse keywords) of the batch options; each flag's help is the
# field's documentation, and its choices are the field's.
_BOILERPLATE_FLAGS = [
    (("--boilerplate-threshold",), "boilerplate_threshold", {"type": float, "metavar": "P"}),
    (("--drop-rule",), "drop_rules", {"action": "append", "metavar": "NAME"}),
    (("--keep-rule",), "keep_rules", {"action": "append", "metavar": "NAME"}),
    (("--keep-phrases",), "keep_phrases", {"action": "append", "metavar": "FILE"}),
    (("--drop-phrases",), "drop_phrases", {"action": "append", "metavar": "FILE"}),
]
_INPUT_FLAGS = [
    (("--format",), "format", {}),
    (("--glob",), "glob", {"metavar": "PATTERN"}),
    (("--text-field",), "text_field", {"metavar": "NAME"}),
    (("--delimiter",), "delimiter", {}),
    (("--max-record-bytes",), "max_record_bytes", {"type": _N, "metavar": "N"}),
    (("--batch-docs",), "batch_docs", {"type": _N, "metavar": "N"}),
]
_OUTPUT_FLAGS = [
    (("--output-format",), "output_format", {}),
    (("--output-field",), "output_field", {"metavar": "NAME"}),
    (("--report",), "report", {"metavar": "REPORT.jsonl"}),
    (("--report-field",), "report_field", {"metavar": "NAME"}),
    (("--errors",), "errors", {"metavar": "PATH"}),
    (("--summary-json",), "summary_json", {"metavar": "FILE"}),
    (("--html-report",), "html_report", {"metavar": "FILE.html"}),
]
_WEB_FLAGS = [  # HTML and WARC inputs, and record fields
    (("--extract",), "extract", {}),
    (("--markup",), "markup", {}),
    (("--id-field",), "id_field", {"metavar": "NAME"}),
]
_CLEAN_WEB_FLAGS = _WEB_FLAGS + [
    (("--learn-by",), "learn_by", {"metavar": "host|FIELD"}),
    (("--lang-field",), "lang_field", {"metavar": "NAME"}),
    (("--status-field",), "status_field", {"metavar": "NAME"}),
]
_RUN_FLAGS = [
    (("-j", "--jobs"), "jobs", {"type": _N, "metavar": "N"}),
    (("--on-error",), "on_error", {}),
    (("--max-errors",), "max_errors", {"type": _N0, "metavar": "N"}),
    (("--resume",), "resume", {"action": "store_true"}),
    (("--summary",), "summary", {"action": "store_true"}),
    (("-q", "--quiet"), "quiet", {"action": "store_true"}),
]


def _add_fields(group: Any, table: list) -> None:
    """Flags that set Config fields (absent flags leave the field to the config file)."""
    known = {f.name: f for f in fields(Config)}
    for flags, name, kw in table:
        f = known[name]
        kw = dict(kw)
        if "choices" in f.metadata and "action" not in kw:
            kw["choices"] = f.metadata["choices"]
        doc = f.metadata["doc"].replace("%", "%%")
        if f.default not in (None, False, "auto", ()):
            doc += f" (default: {f.default})"
        group.add_argument(*flags, dest=name, default=argparse.SUPPRESS, help=doc, **kw)


def _add_input_options(p: argparse.ArgumentParser) -> Any:
    """How inputs are read (``clean`` and ``detect``)."""
    group = p.add_argument_group("input and output")
    _add_fields(group, _INPUT_FLAGS)
    return group


_WEB_GROUP = ("HTML and WARC input, record fields (.html/.htm files are HTML; .warc.gz and "
              ".warc.wet.gz archives give one record per HTML or WET record)")


def _add_clean_options(p: argparse.ArgumentParser) -> None:
    """The batch flags of ``polyclean clean``."""
    io = _add_input_options(p)
    io.add_argument("-o", "--output", metavar="OUT",
                    help="output file (its name says the format: .jsonl, .csv, .tsv, .parquet, "
                    ".txt, each with .gz or .zst; all inputs go into it), or folder (an "
                    "existing folder, a name ending in '/', or any other name with several "
                    "inputs): a mirrored tree; '-' or none: stdout")
    _add_fields(io, _OUTPUT_FLAGS)
    _add_fields(p.add_argument_group(_WEB_GROUP), _CLEAN_WEB_FLAGS)
    _add_fields(p.add_argument_group(f"batch run (jobs 0: one per core, here {cores()})"),
                _RUN_FLAGS)


def build_parser() -> argparse.ArgumentParser:
    from . import cli_cache, cli_models, cli_report

    parser = _Parser(
        prog="polyclean",
        description="Turn scraped, multilingual, broken web text into clean, consistent English.",
        epilog=EXIT_CODES,
    )
    parser.add_argument("--version", action="version", version=f"polyclean {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("clean", help="clean files, folders, JSONL/CSV/TSV/Parquet or stdin",
                       description="Clean documents: decode, repair, detect, remove "
                       "boilerplate, translate, normalise.  Text files are one document "
                       "each; JSONL, CSV/TSV and Parquet inputs are cleaned record by record.",
                       epilog=EXIT_CODES)
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files or folders; none or '-' reads stdin")
    _add_clean_options(p)
    _add_config_options(p)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("detect", help="one JSON line per document: its language and segments",
                       description="Detect the language of each document and of its "
                       "segments (offsets into the text as it entered detection: decoded, "
                       "line breaks made \\n, repaired).  JSONL, CSV/TSV and Parquet inputs "
                       "are read record by record.", epilog=EXIT_CODES)
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="files or folders; none or '-' reads stdin")
    p.add_argument("-o", "--output", metavar="OUT", help="output JSONL file (default: stdout)")
    _add_input_options(p)
    _add_fields(p.add_argument_group(_WEB_GROUP), _WEB_FLAGS)
    _add_config_options(p)
    p.set_defaults(func=cmd_detect)

    cli_models.register(sub)
    cli_report.register(sub)
    cli_cache.register(sub)
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    base = Config()
    if getattr(args, "config", None):
        base = Config.from_toml(args.config)
    given = {f.name: getattr(args, f.name) for f in fields(Config) if hasattr(args, f.name)}
    cli_io.check_contrary(given)
    check_encoding(given.get("encoding"))  # named as the flag (the Config names the option)
    return base.replace(**given) if given else base


def check_encoding(name: str | None) -> None:
    """Refuse, as a usage error, a codec that Python lacks or that does not decode
    bytes into text (``base64``, ``rot13``).

    >>> check_encoding("koi8-r"), check_encoding(None)
    (None, None)
    >>> check_encoding("hex")
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: --encoding hex is not a text encoding
    """
    from .config import check_codec

    if name is not None:
        check_codec(name, E.UNKNOWN_ENCODING.format(name=name),
                    E.NOT_TEXT_ENCODING.format(name=name))


def _err(msg: str) -> None:
    say("error", msg)


# --- clean ---------------------------------------------------------------------------------
def _lock_output(out: Path, folder: bool) -> list[Path]:
    """Fail early (:class:`OutputError`) when nothing could be written at ``out``: its
    folder (or the first existing one above it) is a file, or cannot be written.
    Returns the folders it made, the deepest first."""
    where = out if folder else out.parent
    probe, made = where, []
    while not probe.exists() and probe != probe.parent:
        made.append(probe)
        probe = probe.parent
    if probe.exists() and not probe.is_dir() or where.exists() and not where.is_dir():
        bad = where if where.exists() else probe
        raise OutputError(E.OUTPUT_NOT_FOLDER.format(out=show(str(out)), where=show(str(bad))))
    try:
        where.mkdir(parents=True, exist_ok=True)
        if not os.access(where, os.W_OK | os.X_OK):
            raise PermissionError(13, "Permission denied", str(where))
    except OSError as exc:
        bad = exc.filename or where
        raise OutputError(E.OUTPUT_UNWRITABLE.format(
            out=show(str(out)), where=show(str(bad)), why=why(exc))) from None
    return made


def _unmake(made: list[Path]) -> None:
    """Remove the folders :func:`_lock_output` made that the run left empty (every input
    failed before it was read: ``--glob`` matched nothing, a missing file), so that a
    mistyped command leaves no empty output folder behind."""
    for folder in made:
        try:
            folder.rmdir()
        except OSError:  # not empty: the run wrote something (or left its journal)
            return


def _unused_fields(plan, cfg: Config) -> None:
    """Warn when the record fields the run would write have nowhere to go: every
    output is plain text, which has no fields (``--lang-field`` into a .txt)."""
    given = [flag for flag, value in (("--lang-field", cfg.lang_field),
                                      ("--status-field", cfg.status_field),
                                      ("--output-field", cfg.output_field),
                                      ("--report-field", cfg.report_field)) if value]
    if given and plan.outputs and all(o.fmt == "text" for o in plan.outputs) and not cfg.quiet:
        say("warning", E.FIELDS_UNUSED.format(flags=", ".join(given)))


def run_options(plan, cfg: Config):
    """The side files of a clean run: errors (default beside the output), report,
    journal and lock (none for stdout or a device)."""
    from .runner import RunOptions
    from .sinks import is_special, partial_path

    out = plan.out
    special = out is not None and not plan.folder and is_special(out)
    errors = (cfg.errors if cfg.errors == "-" else Path(cfg.errors)) if cfg.errors else (
        out.with_name(out.name + ".errors.jsonl") if out is not None and not special else None)
    keeps = out is not None and not special
    return RunOptions(config=cfg, errors=errors, report=cfg.report,
                      journal=partial_path(out, "journal") if keeps else None,
                      lock=out if keeps else None,
                      progress=not cfg.quiet and sys.stderr.isatty())


def cmd_clean(args: argparse.Namespace, cfg: Config) -> int:
    from .formats import FieldOptions
    from .plan import check_paths, make_plan
    from .runlog import file_above
    from .runner import run, stop_on_sigterm

    FieldOptions.from_config(cfg).check_written()
    args.output = cli_io.output_name(args.output)
    cli_io.check_compression(args.output, {"--report": cfg.report, "--errors": cfg.errors},
                       {"--summary-json": cfg.summary_json, "--html-report": cfg.html_report})
    cli_io.check_given_once(args.inputs)
    plan = make_plan(args.inputs, args.output, cfg)
    _unused_fields(plan, cfg)
    opts = run_options(plan, cfg)
    if cfg.resume and opts.journal is None:
        raise UsageError(E.RESUME_NEEDS_OUTPUT)
    if cfg.resume and any(u.path is None for u in plan.units):
        raise UsageError(E.RESUME_NEEDS_FILES)
    side = {"--errors": str(opts.errors) if opts.errors else None, "--report": cfg.report,
            "--summary-json": cfg.summary_json, "--html-report": cfg.html_report}
    check_paths(plan, side)
    cli_io.check_own_names(plan, side)
    for flag in ("--summary-json", "--html-report"):
        if side[flag] == "-" and plan.out is None:
            raise UsageError(E.DASH_SHARES_STDOUT.format(flag=flag))
    if side["--summary-json"] == side["--html-report"] == "-":
        raise UsageError(E.SAME_PATH.format(flag="--html-report", path="-",
                                            other="--summary-json (standard output)"))
    for flag, what in (("--summary-json", "summary"), ("--html-report", "run report")):
        bad = file_above(Path(side[flag])) if side[flag] not in (None, "-") else None
        if bad is not None:  # written at the end: say so before cleaning, not after
            _err(E.SIDE_FILE_FAILED.format(path=side[flag], what=what,
                                           why=E.NOT_A_FOLDER.format(where=show(str(bad)))))
            return EXIT_FAILED
    made: list[Path] = []
    if opts.lock is not None:
        try:
            made = _lock_output(plan.out, plan.folder)
        except OutputError as exc:
            _err(str(exc))
            return EXIT_FAILED
    summary = None
    try:
        with stop_on_sigterm():
            summary = run(plan, opts)
        rc = EXIT_FAILED if summary.errors else EXIT_OK
    except (ResumeError, UsageError) as exc:
        _unmake(made)
        raise UsageError(str(exc)) from None
    except (OutputError, StopRun, Interrupted) as exc:
        summary = getattr(exc, "summary", None)
        if isinstance(exc, OutputError) and plan.out is None:
            _quiet_stdout()
        if not isinstance(exc, StopRun) or getattr(exc, "keep", False):
            _err(str(exc))
        rc = (EXIT_FAILED if not isinstance(exc, Interrupted)
              else EXIT_SIGTERM if exc.signal == "SIGTERM" else EXIT_SIGINT)
    except BrokenProcessPool:
        _err(E.WORKER_DIED + (E.INTERRUPTED_RESUME if opts.journal else ""))
        return EXIT_FAILED
    _unmake(made)
    if summary is not None and not _end_of_run(summary, cfg, opts.progress) and rc == EXIT_OK:
        rc = EXIT_FAILED  # the summary JSON could not be written
    return rc


def _end_of_run(summary, cfg: Config, progress: bool) -> bool:
    """The summary line, the untranslated warning and the summary JSON (False: it
    could not be written)."""
    from .runlog import write_summary_json

    if (cfg.summary or progress) and not cfg.quiet:
        print(summary.line(), file=sys.stderr)
    for warning in (summary.untranslated_warning(cfg.target_lang, cfg.packages_dir),
                    summary.failed_warning(cfg.missing_model, cfg.packages_dir)):
        if warning and not cfg.quiet:
            say("warning", warning)
    if cfg.summary_json:
        try:
            write_summary_json(cfg.summary_json, summary)
        except OutputError as exc:
            _err(str(exc))
            return False
    return True


# --- detect --------------------------------------------------------------------------------
def cmd_detect(args: argparse.Namespace, cfg: Config) -> int:
    """One JSON line per document: its language and its segments, through the same
    readers and the same stages as ``clean`` (the prefix up to detection)."""
    from .plan import check_paths, make_plan

    cli_io.check_given_once(args.inputs)
    cli_io.check_compression(args.output, {}, {})
    plan = make_plan(args.inputs, None, cfg.replace(output_format="jsonl"))
    check_paths(plan, {"-o": args.output})  # opening it would truncate an input
    from .sinks import is_special, whole_work_file

    # written through a work file renamed into place at the end: a full disk or a
    # Ctrl-C left a file cut short under the name (an earlier complete one lost)
    target = None if args.output in (None, "-") else Path(args.output)
    work = None if target is None or is_special(target) else \
        whole_work_file(target)
    try:
        if work is not None:
            target.parent.mkdir(parents=True, exist_ok=True)  # as clean -o makes its folder
        fh = sys.stdout if target is None else cli_io.open_text(work or target, target)
    except OSError as exc:
        _err(E.DETECT_OUTPUT_FAILED.format(where=show(args.output), why=why(exc, args.output)))
        return EXIT_FAILED
    try:
        failed = _detect_units(plan, cfg, fh)
        if fh is not sys.stdout:
            fh.close()  # a full disk shows here: name the file, not stdout
            if work is not None:
                os.replace(work, target)
                work = None
    except OSError as exc:
        if fh is sys.stdout or exc.filename or isinstance(exc, BrokenPipeError):
            raise  # (-o /dev/stdout | head: a reader that goes away, as clean -o takes it)
        _err(E.DETECT_OUTPUT_FAILED.format(where=show(args.output), why=why(exc, args.output)))
        return EXIT_FAILED
    finally:
        if fh is not sys.stdout:
            with contextlib.suppress(OSError):
                fh.close()
        if work is not None:
            with contextlib.suppress(OSError):
                work.unlink()
    return EXIT_FAILED if failed else EXIT_OK


def _detect_units(plan, cfg: Config, fh: Any) -> int:
    from .events import InputStream, batches, html_hint, location
    from .formats import FieldOptions
    from .records import extract, to_json
    from .runlog import ErrorLog, Lines
    from .workers import new_document

    fields_ = FieldOptions.from_config(cfg)
    log = ErrorLog(Lines(None, None, ""), None, cfg.quiet)
    failed = 0
    stream = InputStream(plan.units, fields_, html_hint=html_hint(cfg))
    for batch in batches(stream.events(), plan.units,
                         cfg.batch_docs, cfg.batch_bytes):
        texts: list = []
        for kind, u, x in batch.events:
            unit = plan.units[u]
            if kind in ("warn", "note") and not cfg.quiet:  # as clean says
                say("warning", f"{show(unit.name)}: {x}")
            if kind in ("fail", "skip") or kind == "rec" and x.error is not None:
                # a WARC record that is not HTML is skipped, as clean skips it (a warning)
                skipped = kind == "skip" or kind == "rec" and x.status == "skipped"
                failed += not skipped
                log.add(unit.name, x.where if kind == "rec" else "",
                        "skipped" if skipped else "error",
                        x.error if kind == "rec" else x, None)
            elif kind == "rec":
                try:
                    state, text = extract(unit.fmt, x.payload, fields_)
                except Exception as exc:  # RecordError, RecursionError
                    failed += 1
                    log.add(unit.name, x.where, "error", str(exc), None)
                    continue
                # the document with its fields (--id-field, HTML); a null text has its
                # line too (no language), as clean keeps the record, so lines stay in step
                doc = new_document(unit.route, state, text, location(unit, x), fields_)[0]
                texts.append(doc if text is not None else _no_text(doc.id))
        found = iter(_detect(cfg, [d for d in texts if not isinstance(d, dict)],
                             [d.id for d in texts if not isinstance(d, dict)]))
        for res in (d if isinstance(d, dict) else next(found) for d in texts):
            if not isinstance(res, dict) and res.error is not None:
                failed += 1
                _err(f"{show(str(res.report.get('id')))}: {res.error}")
                continue
            fh.write(to_json(res if isinstance(res, dict) else _detected(res)) + "\n")
    log.repeats()
    return failed


def _no_text(ident: str) -> dict:
    """The line of a record whose text is null: no language, no segments.

    >>> _no_text("a.jsonl:line 2")
    {'id': 'a.jsonl:line 2', 'lang': None, 'lang_confidence': None, 'segments': []}
    """
    return {"id": ident, "lang": None, "lang_confidence": None, "segments": []}


def _detected(res: Any) -> dict:
    """The line of a detected document."""
    rep = res.report
    return {"id": rep.get("id"), "lang": rep.get("lang"),
            "lang_confidence": rep.get("lang_confidence"),
            "segments": [seg.to_dict() for seg in res.segments]}


def _detect(cfg: Config, texts: list, ids: list) -> list:
    from .pipeline import Cleaner

    if not texts:
        return []
    return Cleaner(cfg).clean_batch(texts, ids, until="detect")


def _quiet_stdout() -> None:
    """After stdout failed, point it at /dev/null so the interpreter's final flush
    does not print a second, confusing error."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


def _stdout_failed(exc: OSError) -> int:
    """An output that failed outside the runner (stdout, detect): one line, exit 1; a
    reader that went away (``| head``) is not an error."""
    _quiet_stdout()
    if isinstance(exc, BrokenPipeError):
        return EXIT_OK
    _err(f"{show(str(exc.filename or 'stdout'))}: {why(exc)}")
    return EXIT_FAILED


def main(argv: Sequence[str] | None = None) -> int:
    cli_io.standard_streams()
    parser = build_parser()
    try:
        args = parser.parse_args(argv)  # --help and --version write to stdout
        if args.command in ("models", "cache"):
            return int(args.func(args))
    except OSError as exc:
        return _stdout_failed(exc)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    try:
        cfg = config_from_args(args)
        if args.command in ("clean", "detect"):  # a bad file an option names: a usage error
            from .pipeline import Cleaner

            Cleaner(cfg).check()
        if args.command == "clean" and cfg.translate and cfg.use_cache:
            from .cache import check_file

            check_file(cfg.cache)  # a damaged cache: one line now, not an error per input
        if args.command == "clean" and cfg.translate:
            from .models import check_folder

            check_folder(cfg.packages_dir)  # a file, say: one line now, not an error per input
    except (ConfigError, TypeError) as exc:
        _err(f"{exc}\n  {E.HELP_HINT.format(command=args.command)}")
        return EXIT_USAGE
    try:
        rc = int(args.func(args, cfg))
        sys.stdout.flush()  # a full disk behind stdout shows here, not at exit
        return rc
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except OSError as exc:  # an output failing outside the runner (detect, stdout)
        return _stdout_failed(exc)
    except KeyboardInterrupt:
        _err(E.INTERRUPTED_BEFORE)
        return EXIT_SIGINT


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
