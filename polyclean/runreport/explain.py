"""``polyclean explain``: one document's source and output side by side in the terminal.

The document is cleaned alone, unless ``batch`` names the input it was cleaned with:
boilerplate learning (lines that recur across documents) and translation batching span
a batch, so a document can come out differently alone.  With ``batch`` the input is
cleaned exactly as ``polyclean clean`` cleans it (the same command, into a temporary
folder) and the document's report is taken from that run.  The output says which.
"""

from __future__ import annotations

import json
import os
import re
import sys
import tempfile
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Iterator, Sequence

from ..config import Config
from ..errors import E, DecodeError, InputError, UsageError, plural
from .align import align
from .docview import legend, terminal_view

_WHERE = re.compile(r"^(?:line|row|offset|record) \d+$")
_ID = re.compile(r"^(.*):((?:line|row|offset|record) \d+)$")


@dataclass
class Explained:
    """What :func:`explain` found: the document's id, source, report and output, and how
    it was cleaned (``context``)."""

    id: str
    source: str
    report: dict[str, Any]
    output: str
    context: str


def iter_documents(path: Path, fmt: str, opts: Any) -> Iterator[tuple[str | None, Any, str | None]]:
    """(location, document, error) for each record of ``path``, read by polyclean's own
    readers and made into the :class:`~polyclean.doc.Doc` a run makes of it (an HTML
    file or a WARC record to extract, its own id with ``opts.id_field``); a text file
    is one document with location ``None``; a bad record has its error message and no
    document.  ``opts`` is a :class:`~polyclean.formats.FieldOptions`."""
    from .. import formats
    from ..records import Route, extract
    from ..workers import new_document

    reader = formats.READERS[fmt](path, opts)
    route = Route(fmt, "text")
    try:
        reader.open()
        for rec in reader.records():
            where = rec.where or None
            if rec.error is not None:
                yield where, None, rec.error
                continue
            try:
                state, text = extract(fmt, rec.payload, opts)
            except Exception as exc:  # RecordError: a bad record, as the run saw it
                yield where, None, str(exc)
                continue
            if text is None:
                yield where, None, "the text field is null"
                continue
            doc, _ = new_document(route, state, text, f"{path}:{where}" if where else str(path),
                                  opts)
            yield where, doc, None
    finally:
        reader.close()


def find_document(path: Path, fmt: str, want: str | None, opts: Any) -> Any:
    """The :class:`~polyclean.doc.Doc` of the record ``want`` names (see the ``--id``
    help: a report id, a location, a record number or the record's own id with
    ``--id-field``); the first record when ``want`` is None."""
    target = None if want is None else want.strip()
    other = None  # the input a report id names, when it is not ``path``
    if target is not None:
        m = _ID.match(target)
        if m and not _WHERE.match(target):
            if not _same_input(m.group(1), path):  # it explained line 5 of any file
                other = m.group(1)
            target = m.group(2)
    number = int(target) if target is not None and target.isdigit() else None
    # with --id-field, a record whose own id is ``want`` wins over the record numbered
    # ``want`` (``--id 3`` gave the third record, whose id was 2, before the one of id 3)
    by_number: tuple[Any, Any, Any] | None = None
    for n, (where, doc, error) in enumerate(iter_documents(path, fmt, opts), 1):
        own = doc is not None and doc.report.location is not None and str(doc.id) == want
        if number == n and opts.id_field and not own and other is None:
            by_number = (where, doc, error)
            continue
        if own or other is None and (target is None or number == n or where == target or (
                where is None and target in (str(path), path.name))):
            if error is not None:
                raise InputError(f"{path}: {where}: {error}")
            return doc
    if other is not None:
        raise UsageError(E.EXPLAIN_OTHER_FILE.format(path=path, id=want, other=other,
                                                     where=target))
    if by_number is not None:
        where, doc, error = by_number
        if error is not None:
            raise InputError(f"{path}: {where}: {error}")
        return doc
    if target is None:  # no record at all: nothing to explain
        raise InputError(E.EXPLAIN_EMPTY.format(path=path))
    raise UsageError(E.EXPLAIN_NO_RECORD.format(path=path, id=want))


def report_place(want: str) -> str:
    """The place a report id names (``dump.jsonl:line 5`` -> ``line 5``); anything else
    as it is.

    >>> report_place("dump.jsonl:line 5"), report_place("line 5"), report_place("a1")
    ('line 5', 'line 5', 'a1')
    """
    m = _ID.match(want.strip())
    return m.group(2) if m and not _WHERE.match(want.strip()) else want


def _same_input(name: str, path: Path) -> bool:
    """Whether a report id's input ``name`` can be ``path``: the same file, or one of
    the same name (the run may have named it from another working folder).

    >>> _same_input("crawl/dump.jsonl", Path("dump.jsonl")), _same_input("a.jsonl", Path("b.jsonl"))
    (True, False)
    """
    other = Path(name)
    if other.name == path.name:
        return True
    try:
        return other.samefile(path)
    except OSError:
        return False


def explain(path: Path, cfg: Config, *, want: str | None = None,
            batch: Sequence[str] | None = None, batch_docs: int | None = None,
            fmt: str = "auto", text_field: str = "text") -> Explained:
    """Clean the document ``want`` of ``path`` (alone, or within ``batch``)."""
    import copy

    from ..formats import FieldOptions, detect_format
    from ..pipeline import Cleaner

    if not path.exists():
        raise InputError(E.NO_SUCH_PATH.format(path=path))
    if path.is_dir():
        raise UsageError(f"{path}: {E.IS_A_FOLDER}; name one file of it (and the folder "
                         "with --batch)")
    given = fmt  # the batch is read as clean reads it: --format only when given
    fmt = detect_format(path.name) if fmt == "auto" else fmt
    opts = FieldOptions(text_field=text_field, encoding=cfg.encoding, id_field=cfg.id_field)
    doc = find_document(path, fmt, want, opts)
    doc_id = str(doc.id)
    if not batch:
        try:
            res = Cleaner(cfg).clean_batch([doc], [doc.id], raise_errors=True)[0]
        except DecodeError as exc:  # named as clean and detect name it
            raise InputError(f"{doc_id}: {exc}") from None
        return Explained(doc_id, res.source, res.report, res.text,
                         "cleaned alone: no other document took part in boilerplate "
                         "learning or translation batching (give --batch INPUT to clean "
                         "it with the input it was cleaned with)")
    location = doc.report.location or doc_id
    source = Cleaner(cfg).clean_batch([copy.deepcopy(doc)], [doc.id], until="decode")[0]
    if source.error is not None:
        raise InputError(f"{doc_id}: {source.error}")
    # (the format found from FILE's name was given to the whole batch: a folder of
    # pages and text files was read as text, its HTML not extracted, a JSONL file one
    # document, so the report explained was not the run's)
    report, records = _report_from_batch(path, location, batch, cfg, batch_docs, given,
                                         text_field)
    what = " ".join(batch)
    if report is None:
        raise UsageError(E.EXPLAIN_NOT_IN_BATCH.format(batch=what, id=doc_id, path=path))
    if "error" in report and "changes" not in report:
        raise InputError(f"{doc_id}: {report['error']}")
    from ..report import replay

    try:
        output = replay(source.source, report)
    except ValueError as exc:
        raise InputError(E.EXPLAIN_MISMATCH.format(id=doc_id, batch=what, path=path,
                                                   why=exc)) from None
    return Explained(doc_id, source.source, report, output,
                     f"cleaned with its batch: `polyclean clean {what}` "
                     f"({plural(records, 'report line')}) was run and this document's report "
                     "taken from it")


def _report_from_batch(path: Path, doc_id: str, batch: Sequence[str], cfg: Config,
                       batch_docs: int | None, fmt: str, text_field: str
                       ) -> tuple[dict | None, int]:
    """Run ``polyclean clean BATCH`` into a temporary folder with a report; return the
    report line of ``doc_id`` (matched by resolved path and record location)."""
    from .. import cli

    name, where = doc_id, None
    m = _ID.match(doc_id)
    if m and str(path) != doc_id:
        name, where = m.group(1), m.group(2)
    want = (Path(name).resolve(), where)
    with tempfile.TemporaryDirectory(prefix="polyclean-explain-") as tmp:
        conf = Path(tmp) / "config.toml"
        conf.write_text(_toml(cfg), "utf-8")
        # a folder, whatever the batch: named after a single input, the output was
        # refused for an HTML page or an archive (polyclean does not write those)
        out = f"{Path(tmp) / 'out'}/"
        report_path = Path(tmp) / "report.jsonl"
        argv = ["clean", *batch, "-o", out, "--report", str(report_path), "-q",
                "--config", str(conf), "--text-field", text_field, "-j", "1"]
        if fmt != "auto":
            argv += ["--format", fmt]
        if batch_docs:
            argv += ["--batch-docs", str(batch_docs)]
        rc = cli.main(argv)
        if rc == 2 or not report_path.exists():
            raise UsageError(f"the run over {' '.join(batch)} failed (exit {rc})")
        found, n = None, 0
        with open(report_path, encoding="utf-8") as fh:
            for line in fh:
                n += 1
                report = json.loads(line)
                rid = str(report.get("location") or report.get("id"))
                rm = _ID.match(rid)
                rname, rwhere = (rm.group(1), rm.group(2)) if rm and where else (rid, None)
                if found is None and (Path(rname).resolve(), rwhere) == want:
                    found = report
    return found, n


def _toml(cfg: Config) -> str:
    """The options of ``cfg`` that differ from the defaults, as a TOML table.

    >>> _toml(Config(translate=False, beam_size=1))
    '[polyclean]\\nbeam_size = 1\\ntranslate = false\\n'
    """
    default = Config()
    lines = ["[polyclean]"]
    for f in sorted(fields(Config), key=lambda f: f.name):
        value = getattr(cfg, f.name)
        if value != getattr(default, f.name) and value is not None:
            lines.append(f"{f.name} = {json.dumps(value)}")
    return "\n".join(lines) + "\n"


# --- printing ---------------------------------------------------------------------------------
def use_colour(choice: str, stream: Any = None) -> bool:
    """Colour for ``auto`` only on a terminal, without ``NO_COLOR`` (no-color.org) and
    not on a dumb terminal.

    >>> use_colour("never"), use_colour("always")
    (False, True)
    """
    if choice in ("always", "never"):
        return choice == "always"
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def render(ex: Explained, width: int, colour: bool) -> str:
    """The text ``polyclean explain`` prints."""
    rep = ex.report
    changes = rep.get("changes") or []
    from ..plan import show  # one line, as messages show a name ("bad\\nname.txt")

    head = [f"polyclean explain: {show(str(ex.id))}", ex.context]
    facts = [f"language {rep.get('lang')}"
             + (f" ({rep['lang_confidence']:.2f})" if rep.get("lang_confidence") else "")]
    if rep.get("encoding"):
        facts.append(f"encoding {rep['encoding']}")
    head.append(" · ".join(facts))
    head += [f"  {stage}: {status}" for stage, status in (rep.get("stages") or {}).items()]
    counts = rep.get("counts") or {}
    head.append("changes: " + (", ".join(f"{k} {v}" for k, v in counts.items()) or "none"))
    col = max(8, (width - 3) // 2)
    rule = "─" * col
    body = [f"{'source':<{col}} │ output", f"{rule}─┼─{rule}"]
    body += terminal_view(align(ex.source, rep), changes, width, colour)
    tail = ["", "changes (numbers as in the view):"] + legend(changes) if changes else []
    return "\n".join(head + [""] + body + tail) + "\n"


def load_sources(keys: Sequence[str], text_field: str = "text", encoding: str | None = None,
                 extract: str = "main", markup: str = "text") -> dict[str, str]:
    """The decoded sources of the documents that report locations name (``NAME`` or
    ``NAME:line N``; a report's ``location``, else its ``id``), read again from the
    inputs, each input once, and taken through extraction and decoding as the run took
    them (``extract``, ``markup``: as given to ``clean``); a document whose input cannot
    be found or read is left out.

    >>> load_sources(["/no/such/file.txt"])
    {}
    """
    from ..formats import FieldOptions, detect_format
    from ..pipeline import Cleaner

    opts = FieldOptions(text_field=text_field, encoding=encoding)
    wanted: dict[Path, dict[str | None, str]] = {}
    for key in keys:
        m = _ID.match(key)
        name, where = (m.group(1), m.group(2)) if m else (key, None)
        wanted.setdefault(Path(name), {})[where] = key
    found: dict[str, Any] = {}
    for path, places in wanted.items():
        if not path.is_file():
            continue
        try:
            for where, doc, error in iter_documents(path, detect_format(path.name), opts):
                if where in places and error is None:
                    found[places[where]] = doc
                    if len(found) == len(keys):
                        break
        except Exception:  # an unreadable input: those documents show their changes only
            continue
    if not found:
        return {}
    ids = list(found)
    cfg = Config(encoding=encoding, extract=extract, markup=markup)
    results = Cleaner(cfg).clean_batch([found[i] for i in ids], ids, until="decode")
    return {i: r.source for i, r in zip(ids, results) if r.error is None}
