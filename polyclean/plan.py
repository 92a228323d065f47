"""From the command line's inputs and ``-o`` to the units and outputs of a run.

- **One walker** (:func:`walk`) lists the files of a folder input: recursively, sorted,
  matching ``glob`` against the path inside the folder (a glob may not leave the
  folder).  Nothing is skipped without a word: an unreadable folder or a dangling
  link is an error, a FIFO, socket, device or link to a folder is listed as skipped,
  and so is a work file of polyclean (a killed run's partial output, journal, lock).
- **Where outputs go**: no ``-o`` (or ``-`` ) writes stdout.  An ``-o`` that is an
  existing folder, ends in ``/``, or is not a file name of a known format while there
  are several inputs or a folder input gives a *mirrored tree*: each input's output
  sits at its path relative to the inputs' common parent.  An ``-o`` whose name says a
  format (``.jsonl``, ``.csv``, ``.tsv``, ``.parquet``, ``.txt``, each optionally
  ``.gz``/``.zst``) is one file that all inputs go into.  Two inputs that would meet
  at one output are refused before anything is written.
- **Formats**: the input format comes from ``format`` or the name; the output format
  from ``output_format``, else the ``-o`` name, else the input's (:func:`own_output`:
  an HTML page gives text, a WARC/WET archive JSONL, one record per document).  HTML
  and WARC are read, never written.
"""

from __future__ import annotations

import fnmatch
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Iterator

from .config import Config
from .errors import E, UsageError
from .formats import (XML_KINDS, detect_format, open_input, split_compression, strip_warc_lz4,
                      xml_root)
from .records import Route
from .sinks import is_own_name, is_special

CANONICAL_EXT = {"text": ".txt", "jsonl": ".jsonl", "csv": ".csv", "tsv": ".tsv",
                 "parquet": ".parquet"}
#: The output format of an input format when nothing else says: the input's own, but
#: an HTML page becomes its text and an archive its records (url, ids, text).
OWN_OUTPUT = {"html": "text", "warc": "jsonl"}
#: Input formats whose unit is one document (the others are records).
DOCUMENT_FORMATS = ("text", "html")


def own_output(fmt: str) -> str:
    """The output format of inputs in ``fmt`` when neither ``--output-format`` nor the
    ``-o`` name says one.

    >>> own_output("csv"), own_output("html"), own_output("warc")
    ('csv', 'text', 'jsonl')
    """
    return OWN_OUTPUT.get(fmt, fmt)


def output_name(rel: str, in_fmt: str, fmt: str) -> Path:
    """Where an input at ``rel`` goes in a mirrored tree: its own name without
    ``.gz``/``.zst``, with the output format's extension when the format changes (an
    archive loses ``.warc``; a WET archive keeps ``.wet``, so that the WARC and WET
    files of one Common Crawl segment do not meet).

    >>> [output_name(r, f, o).as_posix() for r, f, o in [("a/p.html.gz", "html", "text"),
    ...     ("CC-1.warc.gz", "warc", "jsonl"), ("CC-1.warc.wet.gz", "warc", "jsonl"),
    ...     ("b.csv", "csv", "csv"), ("d.jsonl", "jsonl", "parquet"), ("e.json", "jsonl", "jsonl"),
    ...     ("CC-2.warc.lz4", "warc", "jsonl")]]
    ['a/p.txt', 'CC-1.jsonl', 'CC-1.wet.jsonl', 'b.csv', 'd.parquet', 'e.jsonl', 'CC-2.jsonl']
    """
    stem = split_compression(rel, reading=True)[0]
    if in_fmt == "warc":
        stem = strip_warc_lz4(stem)
    if fmt == in_fmt == "jsonl" and stem.lower().endswith(".json"):
        return Path(stem).with_suffix(".jsonl")  # a JSON array in, JSON Lines out
    if fmt == in_fmt:
        return Path(stem)
    if in_fmt == "warc":
        low = stem.lower()
        for ext, keep in ((".warc.wet", ".wet"), (".wet", ".wet"), (".warc", "")):
            if low.endswith(ext):
                return Path(stem[: -len(ext)] + keep + CANONICAL_EXT[fmt])
        return Path(stem + CANONICAL_EXT[fmt])
    return Path(stem).with_suffix(CANONICAL_EXT[fmt])


@dataclass
class Unit:
    """One input file (``path=None``: stdin) and the output it goes to (an index into
    :attr:`Plan.outputs`; -1 when the unit is not read: see ``problem``)."""

    name: str
    path: Path | None
    fmt: str
    rel: str = ""
    output: int = -1
    route: Route | None = None
    problem: tuple[str, str] | None = None  # (status "error"/"skipped", message)


@dataclass
class Output:
    """Where the records of one or more consecutive units go (``target=None``: stdout)."""

    target: Path | None
    fmt: str
    compress: str | None = None
    headers: bool = False  # text: a "==> NAME <==" line before each document
    root: Path | None = None  # the -o folder of a mirrored tree
    units: list[int] = field(default_factory=list)


@dataclass
class Plan:
    units: list[Unit]
    outputs: list[Output]
    out: Path | None  # the -o path (None: stdout)
    folder: bool  # a mirrored tree under out
    folders: list[Path] = field(default_factory=list)  # the folder inputs


def show(name: str) -> str:
    r"""A name as one-line messages show it: control characters escaped.

    >>> show("a\nb.txt"), show("caf\u00e9.txt")
    ('a\\nb.txt', 'café.txt')
    """
    if name.isprintable():
        return name
    return "".join(c if c.isprintable() or c == " " else repr(c)[1:-1] for c in name)


# --- the walker ------------------------------------------------------------------------
def check_glob(pattern: str) -> None:
    """Refuse a glob that could leave the input folder.

    >>> check_glob("*.txt"), check_glob("sub/*.jsonl")
    (None, None)
    >>> check_glob("../other/*.txt")
    Traceback (most recent call last):
    ...
    polyclean.errors.UsageError: --glob '../other/*.txt' must stay inside the input folder (no absolute path, no '..')
    """
    p = PurePosixPath(pattern)
    if not pattern or p.is_absolute() or ".." in p.parts or pattern.startswith("~"):
        raise UsageError(E.BAD_GLOB.format(pattern=pattern))


def _kind(mode: int) -> str | None:
    import stat

    for test, kind in ((stat.S_ISFIFO, "FIFO"), (stat.S_ISSOCK, "socket"),
                       (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device")):
        if test(mode):
            return kind
    return None


def glob_match(path: str, pattern: str) -> bool:
    """Whether ``path`` (inside a folder, ``/``-separated) matches ``pattern``: from
    the right, as :meth:`PurePath.match`, one folder per ``*``; a ``**`` segment stands
    for any number of folders, none included, as in a shell's globstar and
    :meth:`Path.glob` (``PurePath.match`` reads it as ``*``, so ``**/*.txt`` left out
    the files at the top).

    >>> glob_match("a.txt", "**/*.txt"), glob_match("x/y/a.txt", "**/*.txt")
    (True, True)
    >>> glob_match("x/a.txt", "x/**/a.txt"), glob_match("x/y/z/a.txt", "x/**/a.txt")
    (True, True)
    >>> glob_match("a.jsonl", "**/*.txt"), glob_match("y/a.txt", "x/**/a.txt")
    (False, False)
    """
    if "**" not in pattern:
        return PurePosixPath(path).match(pattern)
    parts, pats = path.split("/"), [p for p in pattern.split("/") if p]

    def match(i: int, j: int) -> bool:  # parts[i:] against pats[j:], whole
        if j == len(pats):
            return i == len(parts)
        if pats[j] == "**":
            return any(match(k, j + 1) for k in range(i, len(parts) + 1))
        return i < len(parts) and fnmatch.fnmatchcase(parts[i], pats[j]) and match(i + 1, j + 1)

    return any(match(i, 0) for i in range(len(parts)))


def is_job_marker(name: str) -> bool:
    """Whether a file name is a marker that a Spark or Hadoop job leaves beside its
    output parts (``_SUCCESS``, empty; Databricks' ``_committed_<id>`` and
    ``_started_<id>``), which the job's readers skip as they skip hidden files.

    >>> [is_job_marker(n) for n in ("_SUCCESS", "_committed_123", "_started_9", "_index.md")]
    [True, True, True, False]
    """
    return name == "_SUCCESS" or name.startswith(("_committed_", "_started_"))


def walk(root: Path, pattern: str = "*") -> Iterator[tuple[Path, tuple[str, str] | None]]:
    """``(path, problem)`` for each entry under ``root`` whose path inside it matches
    ``pattern``, sorted; ``problem`` is None for a readable regular file (or a link to
    one), else ``(status, message)``; an unreadable folder is a problem too.  Hidden
    files and folders (a name starting with "."), such as the ``.crc`` files beside a
    Spark job's Parquet parts, ``.git`` or ``.DS_Store``, are skipped (a folder as a
    whole, not read) unless ``pattern`` asks for them ("*/.x", ".*"); so are a Spark or
    Hadoop job's marker files (:func:`is_job_marker`: ``_SUCCESS``, which was an "empty
    input" warning and an empty file in the output tree) unless it asks for names
    starting with "_"."""
    found: list[tuple[Path, tuple[str, str] | None]] = []

    def onerror(exc: OSError) -> None:
        why = (exc.strerror or str(exc)).lower()
        found.append((Path(exc.filename), ("error", E.FOLDER_UNREADABLE.format(why=why))))

    hidden_ok = any(part.startswith(".") for part in pattern.split("/"))
    markers_ok = any(part.startswith("_") for part in pattern.split("/"))
    for folder, dirs, files in os.walk(root, onerror=onerror):
        dirs.sort()
        base = Path(folder)
        for name in sorted(files) + [d for d in dirs if os.path.islink(base / d)]:
            path = base / name
            if not glob_match(path.relative_to(root).as_posix(), pattern):
                continue
            hidden = name.startswith(".") and not hidden_ok and not is_own_name(name)
            marker = not markers_ok and is_job_marker(name)
            found.append((path, ("skipped", E.HIDDEN_SKIPPED.format(kind="file")) if hidden
                          else ("skipped", E.JOB_MARKER_SKIPPED.format(name=name)) if marker
                          else _problem(path)))
        for d in dirs:
            if d.startswith(".") and not hidden_ok and not os.path.islink(base / d):
                found.append((base / d, ("skipped", E.HIDDEN_SKIPPED.format(kind="folder"))))
        dirs[:] = [d for d in dirs if not os.path.islink(base / d)
                   and (hidden_ok or not d.startswith("."))]
    found.sort(key=lambda item: item[0])
    return iter(found)


def _problem(path: Path) -> tuple[str, str] | None:
    if is_own_name(path.name):  # a killed run's partial output, journal or lock
        return ("skipped", E.WORK_FILE_SKIPPED)
    try:
        st = path.stat()
    except FileNotFoundError:
        return ("error", E.DANGLING_LINK)
    except OSError as exc:
        return ("error", (exc.strerror or str(exc)).lower())
    if path.is_dir():
        return ("skipped", E.NOT_A_REGULAR_FILE.format(kind="a link to a folder, not followed"))
    kind = _kind(st.st_mode)
    return ("skipped", E.NOT_A_REGULAR_FILE.format(kind=kind)) if kind else None


# --- the plan ----------------------------------------------------------------------------
def make_plan(inputs: list[str], out: str | None, cfg: Config) -> Plan:
    """The units and outputs of a run (raises :class:`UsageError` for a bad command)."""
    check_glob(cfg.glob)
    if (inputs or []).count("-") > 1:
        raise UsageError(E.STDIN_TWICE.format(n=inputs.count("-")))
    items = _items(inputs, cfg.glob)
    units = [Unit(name, path, fmt, rel, problem=problem)
             for name, path, rel, given in items
             for fmt, problem in [_input_format_of(path, cfg, given)]]
    to_stdout = out in (None, "-")
    out_path = None if to_stdout else Path(out)
    named_fmt = None if out_path is None else detect_format(out_path.name, None)
    if named_fmt is not None and named_fmt not in CANONICAL_EXT:
        raise UsageError(E.NOT_WRITTEN.format(out=show(str(out)), fmt=named_fmt))
    several = len(inputs or ["-"]) > 1 or any(p is not None and p.is_dir()
                                              for p in map(_as_path, inputs or ["-"]))
    folder = out_path is not None and (
        out_path.is_dir() or str(out).endswith(("/", os.sep))
        or (named_fmt is None and several))
    plan = Plan(units, [], out_path, folder,
                [p for p in map(_as_path, inputs or ["-"]) if p is not None and p.is_dir()])
    live = [i for i, u in enumerate(units) if u.problem is None]
    if to_stdout:
        _stdout_outputs(plan, live, cfg)
    elif folder:
        _mirror_outputs(plan, live, cfg)
    else:
        _file_output(plan, live, cfg, named_fmt)
    _check_collisions(plan)
    return plan


def _as_path(item: str) -> Path | None:
    return None if item == "-" else Path(item)


def _items(inputs: list[str], pattern: str) -> list[tuple]:
    """(name, path, path inside the common parent, problem) of every input file."""
    given = [(item, _as_path(item)) for item in inputs or ["-"]]
    bases = [os.path.abspath(p if p.is_dir() else p.parent) for _, p in given if p is not None]
    root = os.path.commonpath(bases) if bases else os.getcwd()
    out: list[tuple] = []
    for item, path in given:
        if path is None:
            out.append(("-", None, "stdin", None))
        elif path.is_dir():
            entries = list(walk(path, pattern))
            if not entries:
                out.append((item, path, "", ("error", E.EMPTY_FOLDER if pattern == "*"
                                             else E.NO_MATCHING_FILES.format(pattern=pattern))))
            for f, problem in entries:
                rel = os.path.relpath(os.path.abspath(f), root)
                out.append((str(f), f, Path(rel).as_posix(), problem))
        else:
            rel = os.path.relpath(os.path.abspath(path), root)
            out.append((item, path, Path(rel).as_posix(), None))
    return out


def _input_format(path: Path | None, cfg: Config) -> str:
    if cfg.format != "auto":
        return cfg.format
    return "text" if path is None else detect_format(path.name)


def _input_format_of(path: Path | None, cfg: Config, problem: tuple[str, str] | None
                     ) -> tuple[str, tuple[str, str] | None]:
    """(format, problem) of an input.  A file named ``.xml`` (format from the name) is
    looked at: an XHTML page is read as HTML, as ``.xhtml`` is; another XML document
    (an RSS or Atom feed, a sitemap) is refused (:data:`E.XML_NOT_TEXT`), where it
    was cleaned as text, its tags and all; a ``.xml`` file that is not XML is text."""
    fmt = _input_format(path, cfg)
    if (problem is not None or path is None or cfg.format != "auto" or fmt != "text"
            or not split_compression(path.name, reading=True)[0].lower().endswith(".xml")):
        return fmt, problem
    try:
        with open_input(path) as fh:
            root = xml_root(fh.read(8192))
    except Exception:  # unreadable or damaged: its reader says so, as for any input
        return fmt, problem
    if root is None:
        return fmt, problem
    if root == "html" or root.endswith(":html"):
        return "html", problem
    kind = XML_KINDS.get(root, f"an XML document (root element <{root}>)")
    return fmt, ("error", E.XML_NOT_TEXT.format(kind=kind))


def _stdout_outputs(plan: Plan, live: list[int], cfg: Config) -> None:
    """stdout: each unit in its own format (or ``output_format``), one after another."""
    for i in live:
        u = plan.units[i]
        fmt = cfg.output_format if cfg.output_format != "auto" else own_output(u.fmt)
        if fmt == "parquet":
            raise UsageError(E.NO_STDOUT_PARQUET)
        headers = fmt == "text" and (len(plan.units) > 1 or u.fmt not in DOCUMENT_FORMATS)
        _attach(plan, i, Output(None, fmt, headers=headers))
    if sum(o.fmt in ("csv", "tsv") for o in plan.outputs) > 1:
        raise UsageError(E.NO_STDOUT_TABLES)


def _mirror_outputs(plan: Plan, live: list[int], cfg: Config) -> None:
    """A mirrored tree: one output per unit at its path inside the common parent."""
    for i in live:
        u = plan.units[i]
        fmt = cfg.output_format if cfg.output_format != "auto" else own_output(u.fmt)
        if u.path is None:
            rel = Path("stdin" + CANONICAL_EXT[fmt])
        else:
            rel = output_name(u.rel, u.fmt, fmt)
        # records into a text file: one document after another, each with its name
        headers = fmt == "text" and u.fmt not in DOCUMENT_FORMATS
        _attach(plan, i, Output(plan.out / rel, fmt, headers=headers, root=plan.out))


def _file_output(plan: Plan, live: list[int], cfg: Config, named: str | None) -> None:
    """One file that every input goes into."""
    target = plan.out
    compress = split_compression(target.name)[1]
    first = own_output(plan.units[live[0]].fmt) if live else "text"
    fmt = cfg.output_format if cfg.output_format != "auto" else named or first
    if fmt == "parquet" and compress:
        raise UsageError(E.COMPRESSED_PARQUET.format(out=target, kind=compress))
    headers = fmt == "text" and (len(plan.units) > 1 or any(
        plan.units[i].fmt not in DOCUMENT_FORMATS for i in live))
    output = Output(target, fmt, compress, headers)
    plan.outputs.append(output)
    for i in live:
        u = plan.units[i]
        u.output = 0
        u.route = _route(u, fmt, single=len(live) == 1)
        output.units.append(i)


def _route(unit: Unit, fmt: str, single: bool) -> Route:
    """CSV/TSV rows are encoded by the workers when the output's header is the
    input's (one CSV/TSV input); otherwise the output finds its columns as it goes."""
    return Route(unit.fmt, fmt, unit.rel,
                 encoded=single and unit.fmt in ("csv", "tsv") and fmt in ("csv", "tsv"))


def _attach(plan: Plan, i: int, output: Output) -> None:
    unit = plan.units[i]
    unit.output = len(plan.outputs)
    unit.route = _route(unit, output.fmt, single=True)
    output.units.append(i)
    plan.outputs.append(output)


def _check_collisions(plan: Plan) -> None:
    """Two units meeting at one output file (``a/page.txt`` and ``b/page.txt`` into one
    flat folder, ``x.txt`` and ``x.txt.gz``) are refused before anything is written."""
    seen: dict[str, int] = {}
    for i, o in enumerate(plan.outputs):
        if o.target is None or len(o.units) != 1 or o.root is None:
            continue
        key = os.path.normcase(os.path.abspath(o.target))
        if key in seen:
            a = plan.units[plan.outputs[seen[key]].units[0]].name
            b = plan.units[o.units[0]].name
            raise UsageError(E.COLLISION.format(a=show(a), b=show(b), target=show(str(o.target))))
        seen[key] = i
    for key in seen:  # one output a folder of another: out/a and out/a/b
        parent = os.path.dirname(key)
        while parent != os.path.dirname(parent):
            if parent in seen:
                a = plan.units[plan.outputs[seen[parent]].units[0]].name
                b = plan.units[plan.outputs[seen[key]].units[0]].name
                raise UsageError(E.COLLISION.format(a=show(a), b=show(b), target=show(parent)))
            parent = os.path.dirname(parent)


def check_paths(plan: Plan, side: dict[str, str | None]) -> None:
    """Usage errors before anything is written: an output equal to or inside an input,
    an input folder holding the output, and side files (``--errors``, ``--report``,
    ``--summary-json``) equal to the output, to each other, or to an input, or inside
    an input folder (the next run would read them)."""
    inputs = {u.path.resolve(): u.name for u in plan.units
              if u.path is not None and u.path.exists()}
    if plan.out is not None:
        out = plan.out.resolve()
        for path, name in inputs.items():
            if path == out or (plan.folder and out in path.parents):
                raise UsageError(E.OUTPUT_IS_INPUT.format(out=show(str(plan.out)),
                                                          name=show(name)))
        for folder in plan.folders:
            if folder.resolve() == out or folder.resolve() in out.parents:
                raise UsageError(E.OUTPUT_IN_INPUT_FOLDER.format(out=show(str(plan.out)),
                                                                 root=show(str(folder))))
    taken: dict[Path, str] = {}
    if plan.out is not None:
        taken[plan.out.resolve()] = "-o"
    for flag, value in side.items():
        if value in (None, "-") or is_special(Path(value)):  # /dev/null may take them all
            continue
        path = Path(value).resolve()
        if path in inputs:
            raise UsageError(E.PATH_IS_INPUT.format(flag=flag, path=show(value),
                                                    name=show(inputs[path])))
        for folder in plan.folders:
            if folder.resolve() in path.parents:
                raise UsageError(E.SIDE_IN_INPUT_FOLDER.format(flag=flag, path=show(value),
                                                               root=show(str(folder))))
        other = taken.get(path)
        if other is None and plan.folder and plan.out is not None \
                and plan.out.resolve() in path.parents:
            other = "a file of the output folder -o"
        if other is not None:
            raise UsageError(E.SAME_PATH.format(flag=flag, path=show(value), other=other))
        taken[path] = flag
