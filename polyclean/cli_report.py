"""``polyclean report`` (the HTML run report from a report JSONL) and ``polyclean explain``
(one document side by side in the terminal).

``register(subparsers)`` adds both commands to polyclean's command line; each sets
``func=handler(args, cfg) -> exit code`` (0 done, 1 failed, 2 bad usage), the calling
convention of ``clean``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from pathlib import Path

from .config import Config
from .errors import E, InputError, PolycleanError, UsageError, plural

REPORT_EPILOG = """\
The page is one HTML file that needs no network: totals, timings per stage, languages,
lines removed by rule with the most removed lines, translation outcomes, errors by kind
and a sample of documents shown side by side.  Timings and cache rates come from the run
summary (clean --summary-json).  Sampled documents are read again from the inputs their
ids name (run it where the clean ran) to show their source; without them a document's
changes are listed alone.
"""

EXPLAIN_EPILOG = """\
--id takes a report id (dump.jsonl:line 5), a location (line 5, row 3) or a record
number (5); without it the first record.  Colour is used on a terminal unless NO_COLOR
is set (--color to force).  Alone, the document is cleaned by itself; boilerplate
learning and translation batching span a batch, so give --batch with the input of the
run (a file or folder, as given to clean) to see exactly what that run did.
"""


def register(subparsers) -> None:
    """Add the ``report`` and ``explain`` commands to ``subparsers``."""
    p = subparsers.add_parser(
        "report", help="build the HTML run report from a report JSONL",
        description="Build one self-contained HTML page from the per-document reports "
        "of a run (clean --report) and its summary (clean --summary-json).",
        epilog=REPORT_EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    # (dests that are not Config fields: config_from_args reads every Config-named one)
    p.add_argument("report_jsonl", metavar="REPORT.jsonl",
                   help="the per-document reports ('-': stdin)")
    p.add_argument("--summary", dest="summary_file", metavar="SUMMARY.json",
                   help="the run summary (clean --summary-json)")
    p.add_argument("-o", "--output", metavar="FILE.html", required=True,
                   help="the page to write ('-': stdout)")
    p.add_argument("--text-field", dest="run_text_field", metavar="NAME",
                   help="field with the text in JSONL/CSV/Parquet inputs (default: the "
                        "run's, from --summary, else text)")
    p.add_argument("--encoding", dest="run_encoding", metavar="ENC",
                   help="codec of the inputs (default: the run's, else detect)")
    p.add_argument("--extract", dest="run_extract", choices=("main", "all", "none"),
                   help="how HTML was extracted (default: the run's, else main)")
    p.add_argument("--markup", dest="run_markup", choices=("text", "html"),
                   help="text fields are HTML (default: the run's, else text)")
    p.add_argument("--no-sources", action="store_true",
                   help="do not read the inputs again for the sampled documents")
    p.set_defaults(func=cmd_report)

    from . import cli

    e = subparsers.add_parser(
        "explain", help="one document's source and output side by side, with every change",
        description="Clean one document and show its source and output side by side, "
        "each change marked and explained.", epilog=EXPLAIN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    e.add_argument("file", metavar="FILE",
                   help="the file holding the document ('-': standard input)")
    e.add_argument("--id", dest="doc_id", metavar="ID", help="which record of FILE")
    e.add_argument("--batch", action="append", metavar="INPUT",
                   help="the input FILE was cleaned with (repeat for several)")
    e.add_argument("--batch-docs", type=int, metavar="N", default=argparse.SUPPRESS,
                   help="as given to clean")
    from .config import INPUT_FORMATS

    e.add_argument("--format", dest="input_format", default="auto",
                   choices=("auto",) + INPUT_FORMATS,  # as clean reads them
                   help="format of FILE (default: by extension)")
    e.add_argument("--text-field", metavar="NAME", default="text",
                   help="field with the text (default: text)")
    e.add_argument("--color", "--colour", dest="colour", default="auto",
                   choices=("auto", "always", "never"), help="colour (default: auto)")
    e.add_argument("--width", type=int, metavar="N",
                   help="width of the view (default: the terminal's, else 120)")
    cli._add_fields(e.add_argument_group(cli._WEB_GROUP), cli._WEB_FLAGS)
    cli._add_config_options(e)
    e.set_defaults(func=cmd_explain)


def _err(msg: str) -> None:
    print(f"polyclean: error: {msg}", file=sys.stderr)


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:  # one of them does not exist (yet)
        return a.resolve() == b.resolve()


def _check_page_path(args: argparse.Namespace) -> None:
    """The page must not overwrite a file the command reads (the report, the summary)."""
    for path in (args.report_jsonl, args.summary_file):
        if path and path != "-" and _same_file(Path(args.output), Path(path)):
            raise UsageError(E.SAME_PATH.format(flag="-o", path=args.output, other=path))


def _read_errors() -> tuple:
    """What reading a report or summary raises: an input's read errors, and ours."""
    from .formats import READ_ERRORS

    return (*READ_ERRORS, InputError)


def _why(exc: BaseException) -> str:
    """Why a report or summary file cannot be read, for :attr:`E.REPORT_UNREADABLE`."""
    if isinstance(exc, EOFError):
        return E.COMPRESSED_CUT
    strerror = getattr(exc, "strerror", None)  # "No such file or directory"
    return strerror.lower() if strerror else str(exc)


def _read_summary(path: str) -> dict:
    """The run summary (``clean --summary-json``), compressed or not, whatever the name
    says (``s.json.gz`` when the run's files were compressed afterwards)."""
    from .formats import open_input

    with open_input(Path(path)) as fh:
        summary = json.loads(fh.read().decode("utf-8"))
    if not isinstance(summary, dict):
        raise ValueError("not a JSON object")
    return summary


def _read_reports(rr, path: str) -> None:
    """Add the report lines of ``path`` (``-``: stdin; ``.gz``, ``.zst``... read as the
    name says) to the run report ``rr``."""
    if path == "-":
        rr.add_lines(sys.stdin)
        return
    from io import TextIOWrapper

    from .formats import open_input

    with TextIOWrapper(open_input(Path(path)), encoding="utf-8", errors="replace") as fh:
        rr.add_lines(fh)


def cmd_report(args: argparse.Namespace, cfg: Config | None = None) -> int:
    from .runreport.aggregate import RunReport
    from .runreport.explain import load_sources

    _check_page_path(args)
    if args.output != "-":
        from .formats import written_compression

        written_compression(Path(args.output).name, "-o", plain=True)
    summary: dict = {}
    rr = RunReport()
    what, path = "summary JSON", args.summary_file
    try:
        if path:
            summary = _read_summary(path)
        what, path = "report", args.report_jsonl
        _read_reports(rr, path)
    except _read_errors() as exc:
        _err(E.REPORT_UNREADABLE.format(path=path, what=what, why=_why(exc)))
        return 1
    if rr.read_lines and rr.not_reports == rr.read_lines:
        _err(E.NOT_REPORTS.format(path=args.report_jsonl))
        return 1
    if rr.bad_lines:  # as a data input's damaged lines: an error, the rest used
        _err(E.REPORT_BAD_LINES.format(path=args.report_jsonl, first=rr.bad_lines[0],
                                       lines=plural(len(rr.bad_lines), "line is", "lines are")))
    if rr.cut_line is not None:  # as a data input's cut last line: an error, the rest used
        _err(E.REPORT_CUT.format(path=args.report_jsonl, n=rr.cut_line))
    if rr.other_schemas:
        from .report import REPORT_SCHEMA

        print("polyclean: warning: " + E.OTHER_SCHEMA.format(
            path=args.report_jsonl,
            reports=plural(sum(rr.other_schemas.values()), "report has", "reports have"),
            schemas=", ".join(sorted(rr.other_schemas)), mine=REPORT_SCHEMA), file=sys.stderr)
    if not args.no_sources:
        missing = rr.sample.without_source()
        run = summary.get("reading") if isinstance(summary.get("reading"), dict) else {}

        def how(name: str, default: str | None) -> str | None:
            given = getattr(args, "run_" + name)
            return given if given is not None else run.get(name, default)

        from .cli import check_encoding

        check_encoding(how("encoding", None))
        for doc_id, source in load_sources(list(missing), how("text_field", "text"),
                                           how("encoding", None), how("extract", "main"),
                                           how("markup", "text")).items():
            rr.sample.set_source(missing[doc_id], source)
    try:
        size = rr.write_html(args.output, summary)
    except OSError as exc:
        from .runlog import why

        _err(f"{args.output}: cannot write the page: {why(exc, args.output)}")
        return 1
    where = "standard output" if args.output == "-" else args.output
    print(f"polyclean: wrote {where} ({plural(size, 'byte')}): "
          f"{plural(rr.documents, 'document')}, "
          f"{plural(rr.errors - rr.input_errors, 'failed record')}"
          + (f", {plural(rr.input_errors, 'failed input')}" if rr.input_errors else ""),
          file=sys.stderr)
    return 0 if rr.cut_line is None and not rr.bad_lines else 1


def cmd_explain(args: argparse.Namespace, cfg: Config) -> int:
    import tempfile

    from .runreport.explain import explain, render, use_colour

    with tempfile.TemporaryDirectory(prefix="polyclean-explain-") as tmp:
        path = Path(args.file)
        if args.file == "-":  # stdin: kept in a file of the format asked for (text by default)
            fmt = "text" if args.input_format == "auto" else args.input_format
            path = Path(tmp, "stdin." + ("txt" if fmt == "text" else fmt))
            try:
                path.write_bytes(sys.stdin.buffer.read())
            except OSError as exc:  # standard input closed (<&-)
                _err("-: " + E.CANNOT_READ.format(after="", why=exc, tail=""))
                return 1

        def named(message: str) -> str:  # stdin is "-", not the temporary file's name
            return message.replace(str(path), "-") if args.file == "-" else message

        want = args.doc_id
        if args.file == "-" and want:  # a report id names the file piped in: its place
            from .runreport.explain import report_place

            want = report_place(want)
        try:
            ex = explain(path, cfg, want=want, batch=args.batch,
                         batch_docs=getattr(args, "batch_docs", None), fmt=args.input_format,
                         text_field=args.text_field)
        except UsageError as exc:
            if args.file != "-":
                raise
            raise UsageError(named(str(exc))) from None
        except (InputError, PolycleanError) as exc:
            _err(named(str(exc)))
            return 1
        ex.id = named(ex.id)
    width = args.width or (shutil.get_terminal_size((120, 24)).columns
                           if sys.stdout.isatty() else 120)
    sys.stdout.write(render(ex, max(width, 40), use_colour(args.colour)))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Run ``report`` or ``explain`` on their own (as ``polyclean`` runs them once
    :func:`register` is called from ``polyclean.cli.build_parser``)."""
    from .cli import config_from_args
    from .errors import ConfigError

    parser = argparse.ArgumentParser(prog="polyclean")
    register(parser.add_subparsers(dest="command", metavar="COMMAND"))
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        cfg = config_from_args(args)
    except (ConfigError, TypeError) as exc:
        _err(str(exc))
        return 2
    try:
        return int(args.func(args, cfg))
    except UsageError as exc:
        _err(str(exc))
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
