"""Command line: ``polyclean clean``, ``polyclean detect``, ``polyclean models``.

Exit codes: 0 everything was processed; 1 some input or record could not be processed
(each failure is a one-line ``polyclean: error: …`` on stderr, and the other inputs are
still processed and written); 2 usage error (bad option, unreadable config file).
``clean`` runs through :mod:`polyclean.runner` (formats, worker processes, resume).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import fields
from pathlib import Path
from typing import Any, Iterator, Sequence

from . import __version__
from .config import Config
from .errors import ConfigError, InputError, OutputError, UsageError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


# --- argument parsing ------------------------------------------------------------------
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
                   help="keep the source sentence when the model's score is below X "
                        "(default: off)")
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


def _positive(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"expected 1 or more, got {n}")
    return n


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _add_clean_options(p: argparse.ArgumentParser) -> None:
    """The flags of ``polyclean clean`` that are not :class:`Config` fields."""
    from .formats import FORMATS

    io = p.add_argument_group("input and output")
    io.add_argument("-o", "--output", metavar="OUT",
                    help="output file, or folder for several inputs / a folder input; "
                    "'-' or none: stdout")
    io.add_argument("--format", dest="input_format", choices=("auto",) + FORMATS,
                    default="auto", help="format of the inputs (and so of the outputs) "
                    "instead of what the extension says: .jsonl/.ndjson, .csv, .tsv, "
                    ".parquet, anything else is text; .gz is decompressed (default: auto)")
    io.add_argument("--glob", metavar="PATTERN", default="*",
                    help="files of folder inputs to clean, recursively (default: '*')")
    io.add_argument("--text-field", metavar="NAME", default="text",
                    help="JSONL field / CSV, Parquet column with the text (default: text)")
    io.add_argument("--output-field", metavar="NAME",
                    help="put the cleaned text in this field (default: replace the text)")
    io.add_argument("--report", metavar="REPORT.jsonl",
                    help="write one JSON report line per document ('-' for stderr)")
    io.add_argument("--report-field", metavar="NAME",
                    help="keep each record's report in this field (JSONL, CSV, Parquet)")

    run = p.add_argument_group("batch run")
    run.add_argument("-j", "--jobs", type=_positive, metavar="N", default=None,
                     help=f"worker processes (default: the number of cores, {_cores()})")
    run.add_argument("--batch-docs", type=_positive, metavar="N", default=None,
                     help="records per batch; boilerplate learning and translation span "
                     "a batch (default: 256)")
    run.add_argument("--errors", metavar="PATH",
                     help="JSONL file listing every bad record with its location "
                     "(default: OUT.errors.jsonl beside the output; stderr only for stdout)")
    run.add_argument("--on-error", choices=("continue", "fail"), default="continue",
                     help="continue past bad records (default) or stop at the first")
    run.add_argument("--resume", action="store_true",
                     help="continue a killed or interrupted run with the same inputs, "
                     "output and options")
    run.add_argument("--summary", action="store_true",
                     help="print a summary to stderr (always when the progress bar shows)")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="no progress bar and no summary; errors only")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="polyclean",
        description="Turn scraped, multilingual, broken web text into clean, consistent English.",
        epilog="Exit codes: 0 ok, 1 some input failed (others still written), 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"polyclean {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("clean", help="clean files, folders, JSONL/CSV/Parquet or stdin",
                       description="Clean documents: decode, repair, detect, remove "
                       "boilerplate, translate, normalise.  Text files are one document "
                       "each; JSONL, CSV/TSV and Parquet inputs are cleaned record by record "
                       "and written in the same format.",
                       epilog="Exit codes: 0 ok, 1 some record or input failed (the others "
                       "are still written), 2 usage error.")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files or folders; none or '-' reads stdin")
    _add_clean_options(p)
    _add_config_options(p)
    p.set_defaults(func=cmd_clean)

    p = sub.add_parser("detect", help="one JSON line per segment with its language",
                       description="Segment documents and detect the language of each segment.")
    p.add_argument("inputs", nargs="*", metavar="INPUT", help="files or folders; none or '-' reads stdin")
    p.add_argument("-o", "--output", metavar="OUT", help="output JSONL file (default: stdout)")
    _add_config_options(p)
    p.set_defaults(func=cmd_detect)

    try:
        from . import cli_models
    except ImportError:  # pragma: no cover - models CLI not built yet
        cli_models = None  # type: ignore[assignment]
    if cli_models is not None:
        cli_models.register(sub)
    return parser


def config_from_args(args: argparse.Namespace) -> Config:
    base = Config()
    if getattr(args, "config", None):
        base = Config.from_toml(args.config)
    given = {f.name: getattr(args, f.name) for f in fields(Config) if hasattr(args, f.name)}
    cfg = base.replace(**given) if given else base
    check_encoding(cfg.encoding)
    return cfg


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
    import codecs

    if name is None:
        return
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise ConfigError(f"--encoding {name}: unknown encoding") from None
    if not getattr(info, "_is_text_encoding", True):
        raise ConfigError(f"--encoding {name} is not a text encoding")


# --- inputs ------------------------------------------------------------------------------
def iter_input_files(inputs: Sequence[str]) -> Iterator[tuple[str, Path | None, Path | None]]:
    """(display name, file path or None for stdin, root folder or None), in a stable order."""
    for item in inputs or ["-"]:
        if item == "-":
            yield "-", None, None
            continue
        path = Path(item)
        if path.is_dir():
            for f in sorted(p for p in path.rglob("*") if p.is_file()):
                yield str(f), f, path
        else:
            yield item, path, None


def folder_files(root: Path, pattern: str = "*") -> tuple[list[Path], list[str]]:
    """The files under ``root`` matching ``pattern`` (recursively, sorted), and one
    message per folder that could not be read (so none is skipped silently)."""
    problems: list[str] = []

    def onerror(exc: OSError) -> None:
        problems.append(f"{exc.filename}: cannot read the folder: "
                        f"{(exc.strerror or str(exc)).lower()}")

    for _ in os.walk(root, onerror=onerror):
        pass
    try:
        found = sorted(f for f in root.rglob(pattern) if f.is_file())
    except (OSError, ValueError) as exc:  # e.g. a pattern pathlib refuses
        problems.append(f"{root}: cannot list files matching {pattern!r}: {exc}")
        found = []
    return found, problems


def check_output(out: Path, folder: bool) -> None:
    """Fail early (:class:`OutputError`) when nothing could be written at ``out``."""
    from .formats import is_special

    if not folder and is_special(out):
        return
    where = out if folder else out.parent
    probe = None
    try:
        if where.exists() and not where.is_dir():
            raise OutputError(f"{out}: cannot write the output ({where} is not a folder); "
                                "nothing was cleaned")
        where.mkdir(parents=True, exist_ok=True)
        import tempfile

        fd, probe = tempfile.mkstemp(prefix=".polyclean-probe-", dir=where)
        os.close(fd)
    except OSError as exc:
        bad = exc.filename if exc.filename and ".polyclean-probe-" not in str(exc.filename) \
            else where
        raise OutputError(f"{out}: cannot write the output ({bad}: "
                            f"{(exc.strerror or str(exc)).lower()}); nothing was cleaned"
                            ) from None
    finally:
        if probe is not None:
            os.unlink(probe)


def read_input(path: Path | None) -> bytes:
    if path is None:
        return sys.stdin.buffer.read()
    if not path.exists():
        raise InputError("no such file or folder")
    if not os.access(path, os.R_OK):
        raise InputError("permission denied")
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise InputError("is a folder")
    except OSError as exc:
        raise InputError(exc.strerror or str(exc))


def write_atomic(path: Path, data: str) -> None:
    """Write through a temporary file in the same folder, then rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.polyclean-tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(data)
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _err(msg: str) -> None:
    print(f"polyclean: error: {msg}", file=sys.stderr)


# --- commands ---------------------------------------------------------------------------
def _clean_units(args: argparse.Namespace) -> tuple[list, Path | None, bool]:
    """The units of a clean run: (units, output path or None for stdout, folder output)."""
    from .formats import detect_format, strip_gz
    from .runner import Unit

    items: list[tuple[str, Path | None, Path | None]] = []
    for item in args.inputs or ["-"]:
        path = None if item == "-" else Path(item)
        if path is not None and path.is_dir():
            found, unreadable = folder_files(path, args.glob)
            for problem in unreadable:
                _err(problem)
                args._failed_before += 1
            if not found and not unreadable:
                _err(f"{item}: no files match {args.glob!r}")
                args._failed_before += 1
            items.extend((str(f), f, path) for f in found)
        else:
            items.append((item, path, None))
    out = args.output
    to_stdout = out in (None, "-")
    folder_out = not to_stdout and (len(items) > 1 or any(root for _, _, root in items)
                                    or Path(out).is_dir())
    units = []
    for name, path, root in items:
        fmt = args.input_format
        if fmt == "auto":
            fmt = "text" if path is None else detect_format(path.name)
        if to_stdout:
            target = None
        elif folder_out:
            rel = path.relative_to(root) if root else Path(path.name if path else "stdin.txt")
            target = Path(out) / rel.with_name(strip_gz(rel.name))
        else:
            target = Path(out)
        header = name if to_stdout and fmt == "text" and len(items) > 1 else None
        units.append(Unit(name, path, fmt, target, header))
    if not to_stdout:
        out_path = Path(out).resolve()
        for name, path, _ in items:
            if path is not None and path.exists() and (
                path.resolve() == out_path or (folder_out and out_path in path.resolve().parents)
            ):
                raise UsageError(f"output {out} would overwrite or sit inside input {name}; "
                                 "choose another -o")
        for root in {r.resolve() for _, _, r in items if r is not None}:
            if root == out_path or root in out_path.parents:
                raise UsageError(f"output {out} is inside the input folder {root}; its "
                                 "outputs would become inputs of the next run; choose another -o")
    fmts = [u.fmt for u in units]
    if to_stdout and "parquet" in fmts:
        raise UsageError("Parquet output needs a file: give -o OUT.parquet")
    if to_stdout and len(units) > 1 and any(f in ("csv", "tsv") for f in fmts):
        raise UsageError("several CSV/TSV inputs cannot share stdout; give -o FOLDER")
    return units, None if to_stdout else Path(out), folder_out


def cmd_clean(args: argparse.Namespace, cfg: Config) -> int:
    from concurrent.futures.process import BrokenProcessPool

    from .formats import FieldOptions, is_special, partial_path
    from .errors import ResumeError
    from .runner import BATCH_DOCS, RunOptions, run

    args._failed_before = 0
    units, out, folder_out = _clean_units(args)
    special = out is not None and not folder_out and is_special(out)  # e.g. -o /dev/null
    if args.resume and (out is None or special):
        raise UsageError("--resume needs an output file or folder (-o OUT), not stdout")
    if args.resume and any(u.path is None for u in units):
        raise UsageError("--resume cannot continue reading stdin; give input files")
    errors = Path(args.errors) if args.errors else (
        out.with_name(out.name + ".errors.jsonl") if out is not None and not special
        else None)
    inputs = {u.path.resolve() for u in units if u.path is not None and u.path.exists()}
    for flag, path in (("--errors", errors), ("--report", args.report)):
        if path not in (None, "-") and Path(path).resolve() in inputs:
            raise UsageError(f"{flag} {path} would overwrite an input; choose another path")
    progress = not args.quiet and sys.stderr.isatty()
    opts = RunOptions(
        config=cfg,
        fields=FieldOptions(args.text_field, args.output_field, args.report_field,
                            cfg.encoding),
        jobs=args.jobs or _cores(),
        batch_docs=args.batch_docs or BATCH_DOCS,
        report=args.report,
        errors=errors,
        on_error=args.on_error,
        resume=args.resume,
        journal=partial_path(out, "journal") if out is not None and not special else None,
        progress=progress,
    )
    if out is not None:
        try:
            check_output(out, folder_out)
        except OutputError as exc:
            _err(str(exc))
            return EXIT_FAILED
    try:
        summary = run(units, opts)
    except ResumeError as exc:
        raise UsageError(str(exc)) from None
    except OutputError as exc:
        if out is None:
            _quiet_stdout()
        _err(str(exc))
        return EXIT_FAILED
    except BrokenProcessPool:
        _err("a worker process died (out of memory or killed); the run can be continued "
             "with --resume" if opts.journal else "a worker process died (out of memory or "
             "killed)")
        return EXIT_FAILED
    if (args.summary or progress) and not args.quiet:
        print(summary.line(), file=sys.stderr)
    return EXIT_FAILED if summary.errors or args._failed_before else EXIT_OK


def cmd_detect(args: argparse.Namespace, cfg: Config) -> int:
    from .decode import DecodeError, decode_bytes
    from .detect import detect_document
    from .repair import repair_text

    failed = 0
    try:
        fh = (sys.stdout if args.output in (None, "-")
              else open(args.output, "w", encoding="utf-8"))
    except OSError as exc:
        _err(f"{args.output}: cannot write the output: {(exc.strerror or str(exc)).lower()}")
        return EXIT_FAILED
    try:
        for idx, (name, path, _) in enumerate(iter_input_files(args.inputs)):
            try:
                text = decode_bytes(read_input(path), cfg.encoding).text
            except (InputError, DecodeError) as exc:
                _err(f"{name}: {exc}")
                failed += 1
                continue
            if cfg.repair:
                text = repair_text(text, cfg)[0]
            doc = idx if path is None else name
            for seg in detect_document(text, cfg).segments:
                fh.write(json.dumps({"doc": doc, **seg.to_dict()}, ensure_ascii=False) + "\n")
    finally:
        if fh is not sys.stdout:
            fh.close()
    return EXIT_FAILED if failed else EXIT_OK


def _quiet_stdout() -> None:
    """After stdout failed, point it at /dev/null so the interpreter's final flush
    does not print a second, confusing error."""
    try:
        fd = os.open(os.devnull, os.O_WRONLY)
        os.dup2(fd, sys.stdout.fileno())
        os.close(fd)
    except (OSError, ValueError, AttributeError):
        pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return EXIT_USAGE
    if args.command == "models":
        return int(args.func(args))
    try:
        cfg = config_from_args(args)
        if getattr(cfg, "glossary", None):  # a bad glossary is a usage error, before any work
            from .translate.protect import Glossary

            Glossary.load(cfg.glossary)
    except (ConfigError, TypeError) as exc:
        _err(f"{exc}\n  Run 'polyclean {args.command} --help' for the options.")
        return EXIT_USAGE
    try:
        rc = int(args.func(args, cfg))
        sys.stdout.flush()  # a full disk behind stdout shows here, not at exit
        return rc
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:  # the reader went away (`| head`): not an error
        _quiet_stdout()
        return EXIT_OK
    except OSError as exc:  # an output failing outside the runner (detect, stdout)
        _quiet_stdout()
        _err(f"{exc.filename or 'stdout'}: {(exc.strerror or str(exc)).lower()}")
        return EXIT_FAILED
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
