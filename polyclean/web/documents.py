"""Files to documents, one per file or per record, for the Dask and Hugging Face helpers.

:func:`iter_documents` reads one file by its name and yields one ``dict`` per
document:

* ``.warc``/``.warc.gz``/``.wet``/``.warc.wet.gz`` -- one per HTML (or WET) record,
  through :class:`~polyclean.web.warc.WarcReader`, the text extracted
  (``extract``), with ``url``, ``warc_record_id``, ``date`` and ``http_charset``;
* ``.html``/``.htm`` (and ``.gz``, ``.zst``, ``.bz2``, ``.xz``) -- the page, extracted;
* ``.jsonl``/``.ndjson`` (and ``.gz``) -- one per line, through
  :class:`polyclean.formats.JsonlReader` (blank lines skipped); the text is the
  ``text_field`` value and the record's other fields come along;
* ``.csv``, ``.tsv``, ``.parquet`` (and ``.gz``) -- one per row, through the command
  line's readers (a header naming a column twice fails the file: one value would be
  lost), the other columns as fields;
* anything else -- the whole file is one document (bytes, decoded by the pipeline;
  with ``encoding``, text decoded with that codec here), or, with ``markup="html"``, an
  HTML page.

``delimiter`` and ``encoding`` mean what the command line's ``--delimiter`` and
``--encoding`` do, with the same checks (:class:`~polyclean.config.Config`'s): the CSV
delimiter (``,`` ``;`` ``|`` ``:`` or ``tab``), and the codec of JSONL/CSV/TSV files
and of text files (None: UTF-8 for records, unless a byte order mark says otherwise,
and detection for text files).  HTML pages and WARC records go by their charset, as in
the command line.

Every dict has ``source`` (the file), ``where`` (``""`` for a whole file, ``"line N"``,
``"offset N"``) and ``text`` (str, or bytes for a text file).  A record that cannot be
read has ``text`` None and ``error`` set (and the fields that could be read: its id); a WARC record skipped on purpose (not HTML)
also has ``status: "skipped"``.  Nothing is dropped without a dict saying so.

>>> import tempfile, pathlib
>>> d = pathlib.Path(tempfile.mkdtemp())
>>> _ = (d / "a.jsonl").write_text('{"id": 1, "text": "Hi."}\\n\\n{"id": 2}\\n')
>>> [(x["where"], x.get("id"), x["text"], x.get("error")) for x in iter_documents(d / "a.jsonl")]
[('line 1', 1, 'Hi.', None), ('line 3', 2, None, "no field 'text'")]
"""

from __future__ import annotations

import functools
import glob
import logging
import lzma
import os
import re
from pathlib import Path
from typing import Any, Iterable, Iterator

from ..errors import E, DecodeError, InputError, RecordError
from ..formats import READERS, FieldOptions, detect_format, open_input, split_compression
from ..records import extract as field_of
from ..records import tsv_unescape
from .document import html_to_text, record_to_text
from .warc import WarcReader, is_skipped, is_warc

log = logging.getLogger("polyclean.web")

HTML_EXTENSIONS = (".html", ".htm", ".xhtml")
ROW_FORMATS = ("jsonl", "csv", "tsv", "parquet")  # one document per record


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+://")  # s3://, gs://, hdfs://, https://, file://


def expand_paths(paths: str | os.PathLike | Iterable[str | os.PathLike]) -> list[str]:
    """Files named by ``paths`` (a path, a glob pattern or a list of them): patterns
    expanded in sorted order, folders walked recursively (sorted), duplicates once.
    Inside a folder, what the command line's folder walk skips is skipped here too,
    with one ``polyclean.web`` log warning per folder: hidden files and folders (the
    ``.crc`` files beside a Spark job's Parquet parts, ``.git``) and a Spark or Hadoop
    job's markers (``_SUCCESS``); a file named on its own is always read.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for n in ("part-0.parquet", ".part-0.parquet.crc", "_SUCCESS"): _ = (d / n).write_text("x")
    >>> [os.path.basename(p) for p in expand_paths(d)]
    ['part-0.parquet']
    >>> [os.path.basename(p) for p in expand_paths([d, d / "_SUCCESS"])]
    ['part-0.parquet', '_SUCCESS']
    >>> expand_paths("s3://bucket/crawl/*")
    Traceback (most recent call last):
    ...
    polyclean.errors.InputError: s3://bucket/crawl/*: a URL; read_documents reads local paths only (copy the files to a local folder first, or read them with Dask and clean_bag)
    """
    from ..plan import is_job_marker

    items = [paths] if isinstance(paths, (str, os.PathLike)) else list(paths)
    out: dict[str, None] = {}
    for item in items:
        s = os.fspath(item)
        if _URL.match(s):  # it said "no files match", as if the bucket were empty
            raise InputError(E.NOT_A_LOCAL_PATH.format(path=s))
        found = sorted(glob.glob(s, recursive=True)) if glob.has_magic(s) else [s]
        if not found:
            raise InputError(E.NO_FILES_MATCH.format(path=s))
        for f in found:
            if os.path.isdir(f):
                skipped = 0
                for root, dirs, files in os.walk(f):
                    skipped += sum(d.startswith(".") for d in dirs)
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    for name in sorted(files):
                        if name.startswith(".") or is_job_marker(name):
                            skipped += 1
                        else:
                            out[os.path.join(root, name)] = None
                if skipped:
                    log.warning(E.FOLDER_ITEMS_SKIPPED.format(folder=f, n=skipped))
            else:
                out[f] = None
    return list(out)


def is_html_file(name: str | os.PathLike) -> bool:
    """Whether a file name says HTML (``.html``, ``.htm``, ``.xhtml``, with ``.gz``).

    >>> is_html_file("a/page.HTML.gz"), is_html_file("page.txt")
    (True, False)
    """
    return split_compression(os.fspath(name), reading=True)[0].lower().endswith(HTML_EXTENSIONS)


def _kind(name: str, markup: str) -> str:
    if is_warc(name):
        return "warc"
    if is_html_file(name):
        return "html"
    fmt = detect_format(name)
    if fmt in ROW_FORMATS:
        return fmt
    return "html" if markup == "html" else "text"


@functools.lru_cache(maxsize=64)
def field_options(text_field: str = "text", delimiter: str = ",",
                  encoding: str | None = None, extract: str = "main",
                  markup: str = "text") -> FieldOptions:
    """How records are read, from the options as the command line takes them, checked
    as it checks them (a :class:`~polyclean.errors.ConfigError` for a delimiter that is
    not one of its choices, a codec Python lacks or one that is not a text encoding).

    >>> o = field_options(delimiter="tab", encoding="cp1251"); o.encoding, o.delimiter
    ('cp1251', '\\t')
    >>> field_options(encoding="base64")
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: option encoding='base64' is not a text encoding
    """
    from ..config import Config

    return FieldOptions.from_config(Config(text_field=text_field, delimiter=delimiter,
                                           encoding=encoding, extract=extract, markup=markup))


def iter_documents(path: str | os.PathLike, *, extract: str = "main", markup: str = "text",
                   text_field: str = "text", delimiter: str = ",",
                   encoding: str | None = None) -> Iterator[dict[str, Any]]:
    """The documents of one file (see the module documentation)."""
    opts = field_options(text_field, delimiter, encoding, extract, markup)
    name = os.fspath(path)
    kind = _kind(name, markup)
    if kind == "warc":
        yield from _warc(name, extract)
    elif kind in ROW_FORMATS:
        yield from _rows(name, kind, extract, markup, opts)
    else:
        yield _whole_file(name, kind, extract, encoding)


def _whole_file(name: str, kind: str, extract: str, encoding: str | None = None
                ) -> dict[str, Any]:
    doc: dict[str, Any] = {"source": name, "where": ""}
    try:
        with open_input(Path(name)) as fh:  # decompressed as its name says
            data = fh.read()
    except (OSError, EOFError, InputError, lzma.LZMAError) as exc:
        return {**doc, "text": None, "error": f"cannot read: {exc}"}
    if kind == "html":
        return _html(doc, data, extract)
    if encoding:  # as the command line's decode step reads a text file with --encoding
        from ..decode import decode_bytes

        try:
            return {**doc, "text": decode_bytes(data, encoding).text}
        except DecodeError as exc:
            return {**doc, "text": None, "error": str(exc)}
    return {**doc, "text": data}


def _html(doc: dict[str, Any], page: bytes | str, extract: str, **kw: Any) -> dict[str, Any]:
    if extract == "none":
        return {**doc, "text": page}
    try:
        web = html_to_text(page, extract, **kw)
    except (ValueError, TypeError) as exc:  # DecodeError, ExtractError
        return {**doc, "text": None, "error": str(exc)}
    return {**web.fields, **doc, "text": web.text}


def _records(reader: Any, name: str) -> Iterator[Any]:
    """The records of an opened ``reader``; an input that cannot be opened or read
    gives one error dict instead (the caller passes dicts through)."""
    try:
        reader.open()
        yield from reader.records()
    except InputError as exc:
        yield {"source": name, "where": "", "text": None, "error": str(exc)}
    except (OSError, EOFError) as exc:
        yield {"source": name, "where": "", "text": None, "error": f"cannot read: {exc}"}
    finally:
        reader.close()


def _warc(name: str, extract: str) -> Iterator[dict[str, Any]]:
    for rec in _records(WarcReader(Path(name)), name):
        if isinstance(rec, dict):
            yield rec
            continue
        doc: dict[str, Any] = {"source": name, "where": rec.where}
        if rec.error is not None:
            extra = {"status": "skipped", **rec.keep.fields} if is_skipped(rec) else {}
            yield {**extra, **doc, "text": None, "error": rec.error}
            continue
        try:
            web = record_to_text(rec.payload, "all" if extract == "none" else extract)
        except (ValueError, TypeError) as exc:
            yield {**rec.payload.fields(), **doc, "text": None, "error": str(exc)}
            continue
        yield {**web.fields, **doc, "text": web.text}


def _rows(name: str, fmt: str, extract: str, markup: str,
          opts: FieldOptions) -> Iterator[dict[str, Any]]:
    text_field = opts.text_field
    for rec in _records(READERS[fmt](Path(name), opts), name):
        if isinstance(rec, dict):
            yield rec
            continue
        doc = {"source": name, "where": rec.where}
        try:
            if rec.error is not None:
                raise RecordError(rec.error)
            state, text = field_of(fmt, rec.payload, opts)
            fields = _fields(fmt, state, rec.keep)
        except InputError as exc:  # the header: the file fails as a whole
            yield {"source": name, "where": "", "text": None, "error": str(exc)}
            return
        except RecordError as exc:  # its other fields (an id) still name it
            kept = {k: v for k, v in (exc.fields or {}).items() if k != text_field}
            yield {**kept, **doc, "text": None, "error": str(exc)}
            continue
        fields.pop(text_field, None)
        if markup == "html" and text is not None:
            yield _html({**fields, **doc}, text, extract)
        else:
            yield {**fields, **doc, "text": text}


def _fields(fmt: str, state: Any, row: Any) -> dict[str, Any]:
    """The fields of one record (its text field included; TSV escapes undone); a
    CSV/TSV header that names a column twice is an :class:`InputError` (one of the two
    values would be lost).

    >>> _fields("tsv", (["a\\\\tb", "Hi."], (2, 1, 1, -1, 2, "tsv", "\t", ("id", "text"))), None)
    {'id': 'a\\tb', 'text': 'Hi.'}
    """
    if fmt == "jsonl":
        return {k: v for k, _, _, v in state[1]}
    if fmt == "parquet":
        return dict(row)
    cells, layout = state
    header = layout[7]
    for column in header:
        if header.count(column) > 1:
            raise InputError(E.HEADER_REPEATS.format(column=column, n=header.count(column),
                                                     fmt="document"))
    if fmt == "tsv":
        cells = [tsv_unescape(c) for c in cells]
    return dict(zip(header, cells))
