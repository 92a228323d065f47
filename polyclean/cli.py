"""Command line: ``polyclean clean``, ``polyclean detect``, ``polyclean models``.

Exit codes: 0 everything was processed; 1 some input could not be processed (each
failure is a one-line ``polyclean: error: …`` on stderr, and the other inputs are
still processed and written); 2 usage error (bad option, unreadable config file).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from dataclasses import fields
from pathlib import Path
from typing import Any, Iterator, Sequence

from . import __version__
from .config import Config, ConfigError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class UsageError(Exception):
    """A problem with the command line itself (exit code 2)."""


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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="polyclean",
        description="Turn scraped, multilingual, broken web text into clean, consistent English.",
        epilog="Exit codes: 0 ok, 1 some input failed (others still written), 2 usage error.",
    )
    parser.add_argument("--version", action="version", version=f"polyclean {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("clean", help="clean files, folders or stdin",
                       description="Clean documents: decode, repair, detect, remove "
                       "boilerplate, translate, normalise.")
    p.add_argument("inputs", nargs="*", metavar="INPUT",
                   help="files or folders; none or '-' reads stdin")
    io = p.add_argument_group("output")
    io.add_argument("-o", "--output", metavar="OUT",
                    help="output file, or folder for several inputs / a folder input; "
                    "'-' or none: stdout")
    io.add_argument("--report", metavar="REPORT.jsonl",
                    help="write one JSON report line per document ('-' for stderr)")
    io.add_argument("--summary", action="store_true", help="print a summary to stderr")
    io.add_argument("-q", "--quiet", action="store_true", help="no summary, warnings only")
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
    return base.replace(**given) if given else base


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


class InputError(Exception):
    """An input could not be read."""


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
def cmd_clean(args: argparse.Namespace, cfg: Config) -> int:
    from .decode import DecodeError
    from .pipeline import Cleaner

    cleaner = Cleaner(cfg)
    items = list(iter_input_files(args.inputs))
    out = args.output
    to_stdout = out in (None, "-")
    # Several documents or a folder go into a folder OUT unless OUT is stdout.
    folder_out = not to_stdout and (len(items) > 1 or any(root for _, _, root in items)
                                    or Path(out).is_dir())
    if not to_stdout:
        out_path = Path(out).resolve()
        for name, path, _ in items:
            if path is not None and path.exists() and (
                path.resolve() == out_path or (folder_out and out_path in path.resolve().parents)
            ):
                raise UsageError(f"output {out} would overwrite or sit inside input {name}; "
                                 "choose another -o")
    report_fh = None
    if args.report:
        report_fh = sys.stderr if args.report == "-" else open(args.report, "w", encoding="utf-8")
    failed = 0
    start = time.perf_counter()
    bytes_in = bytes_out = 0
    try:
        for name, path, root in items:
            try:
                data = read_input(path)
                if path is not None and not data:
                    raise InputError("file is empty (0 bytes); nothing to clean")
                bytes_in += len(data)
                result = cleaner.clean(data, id=name)
            except (InputError, DecodeError) as exc:
                _err(f"{name}: {exc}")
                failed += 1
                if report_fh:
                    report_fh.write(json.dumps({"id": name, "error": str(exc)}, ensure_ascii=False) + "\n")
                continue
            text = result.text + ("\n" if result.text else "")
            bytes_out += len(text.encode("utf-8"))
            if to_stdout:
                if len(items) > 1:
                    sys.stdout.write(f"==> {name} <==\n")
                sys.stdout.write(text)
                sys.stdout.flush()
            else:
                if folder_out:
                    rel = path.relative_to(root) if root else Path(path.name if path else "stdin.txt")
                    target = Path(out) / rel
                else:
                    target = Path(out)
                try:
                    write_atomic(target, text)
                except OSError as exc:
                    _err(f"{name}: cannot write {target}: {exc.strerror or exc}")
                    failed += 1
                    continue
            if report_fh:
                report_fh.write(json.dumps(result.report, ensure_ascii=False) + "\n")
    finally:
        if report_fh and report_fh is not sys.stderr:
            report_fh.close()
    if args.summary and not args.quiet:
        st = cleaner.stats
        secs = time.perf_counter() - start
        print(
            f"polyclean: {st.get('documents', 0)} documents, {failed} failed, "
            f"{bytes_in:,} bytes in, {bytes_out:,} bytes out, "
            f"{st.get('fragments_foreign', 0)} foreign fragments, "
            f"{st.get('fragments_translated', 0)} translated, "
            f"{st.get('lines_removed', 0)} boilerplate lines removed, {secs:.2f} s",
            file=sys.stderr,
        )
    return EXIT_FAILED if failed else EXIT_OK


def cmd_detect(args: argparse.Namespace, cfg: Config) -> int:
    from .decode import DecodeError, decode_bytes
    from .detect import detect_document
    from .repair import repair_text

    failed = 0
    fh = sys.stdout if args.output in (None, "-") else open(args.output, "w", encoding="utf-8")
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
    except (ConfigError, TypeError) as exc:
        _err(f"{exc}\n  Run 'polyclean {args.command} --help' for the options.")
        return EXIT_USAGE
    try:
        return int(args.func(args, cfg))
    except UsageError as exc:
        _err(str(exc))
        return EXIT_USAGE
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        _err("interrupted")
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
