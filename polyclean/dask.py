"""Dask helpers (extra ``polyclean[dask]``): read documents into a Bag, clean a Bag or a
DataFrame column on a cluster.

:func:`read_documents` makes one Bag element per *document*: per file (text, HTML),
per JSONL line or CSV/TSV/Parquet row, per WARC/WET record (HTML and WARC need the ``web`` extra), never per
line of a text file as ``db.read_text`` does, so boilerplate removal sees whole pages
and learns the lines that recur across them.

Each partition is cleaned by a fresh :class:`Cleaner` built from the (small, picklable)
config, ``batch_size`` documents per batch; the detector and translation models are
cached per worker process, so they load once per worker however many partitions it
runs.  The output of a partition depends only on that partition, never on which worker
ran it.  Point it at an existing cluster with ``distributed.Client("tcp://host:8786")``
before calling ``.compute()``.
"""

from __future__ import annotations

from typing import Any

import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from .config import Config
from .errors import E, ColumnError, ConfigError, InputError, RecordError
from .pandas import _config, _is_null, clean_values
from .pipeline import check_count


def _read_files(files: Any, options: dict[str, Any]) -> list[dict]:
    from .web.documents import iter_documents

    return [doc for f in files for doc in iter_documents(f, **options)]


def read_documents(paths: Any, *, files_per_partition: int = 64, extract: str = "main",
                   markup: str = "text", text_field: str = "text", delimiter: str = ",",
                   encoding: str | None = None) -> db.Bag:
    """A Bag with one ``dict`` per document of the files named by ``paths`` (a path,
    a glob pattern such as ``"crawl/*"``, a folder or a list of them).

    Each element has ``source`` (the file), ``where`` (``"line N"``, ``"offset N"``,
    ``""`` for a whole file) and ``text`` (None with ``error`` set for a record that
    cannot be read or, with ``status: "skipped"``, a WARC record that is not HTML), plus
    the record's other fields (JSONL fields; ``url``, ``warc_record_id``, ``date``,
    ``http_charset`` of WARC records); see :mod:`polyclean.web.documents`.  Files are
    read on the workers, ``files_per_partition`` files per partition (a WARC file is
    one partition's worth by itself), in sorted order, so the partitions, and hence
    the batches that learn recurring lines together, depend only on the files.
    ``delimiter`` and ``encoding`` are the command line's ``--delimiter`` (of CSV:
    ``,`` ``;`` ``|`` ``:`` or ``tab``) and ``--encoding`` (the codec of JSONL, CSV,
    TSV and text files; None: UTF-8 or a byte order mark for records, detection for
    text files), checked as it checks them, when this is called.

    >>> import tempfile, pathlib
    >>> d = pathlib.Path(tempfile.mkdtemp())
    >>> for i in range(3): _ = (d / f"{i}.txt").write_text(f"Page {i}.\\nLine two.")
    >>> [x["text"] for x in read_documents(str(d / "*.txt")).compute(scheduler="sync")]
    [b'Page 0.\\nLine two.', b'Page 1.\\nLine two.', b'Page 2.\\nLine two.']
    """
    from .web.documents import expand_paths, field_options

    check_count("files_per_partition", files_per_partition)
    # a bad mode, delimiter or codec now, not an error per document
    field_options(text_field, delimiter, encoding, extract, markup)
    options = {"extract": extract, "markup": markup, "text_field": text_field,
               "delimiter": delimiter, "encoding": encoding}
    files = expand_paths(paths)
    if not files:
        raise InputError(E.NO_FILES.format(paths=paths))
    parts = [files[i:i + files_per_partition] for i in range(0, len(files), files_per_partition)]
    return db.from_sequence(parts, npartitions=len(parts)).map_partitions(
        lambda chunks: _read_files([f for c in chunks for f in c], options))


def _clean_partition(items: Any, start: Any, config: Config, batch_size: int,
                     errors: str) -> list:
    items = list(items)
    start = next(iter(start), 0) if start is not None else 0
    if not any(isinstance(x, dict) for x in items):
        return clean_values(items, config, batch_size, errors, start=start)
    return _clean_dicts(items, config, batch_size, errors, start)


def _starts(bag: db.Bag) -> db.Bag:
    """One element per partition of ``bag`` (a Bag of lists): the position in the
    whole Bag of the partition's first element.  Partition k's start waits only for
    the lengths of partitions 0..k-1, which share their tasks with the cleaning (the
    keys are not renamed), so nothing is read twice."""
    from dask import delayed

    lengths = bag.map_partitions(lambda part: [len(part)]).to_delayed(optimize_graph=False)
    starts = [delayed([0])]
    for k in range(1, len(lengths)):  # a chain: each start is the one before plus a length
        starts.append(delayed(_next_start)(starts[-1], lengths[k - 1]))
    return db.from_delayed(starts)


def _next_start(start: list[int], length: list[int]) -> list[int]:
    return [start[0] + length[0]]


def _clean_dicts(items: list, config: Config, batch_size: int, errors: str,
                 start: int = 0) -> list:
    """Documents from :func:`read_documents`: the ``text`` of each is cleaned (in
    batches of ``batch_size``); one that cannot be cleaned gets ``error`` (or raises,
    with ``errors="raise"``); those that already have an ``error`` pass unchanged.  A
    dict without a ``text`` key cannot be cleaned (it passed unchanged, not cleaned,
    without a word); an element that is not a dict is cleaned as a text, a null passes
    (both ended the partition with an ``AttributeError``).  A failure names the document
    by its ``source`` and ``where``, else its ``id`` and its position, else its position
    (``start`` + its place in ``items``: its position in the whole Bag).

    >>> cfg = Config(translate=False, boilerplate=False)
    >>> _clean_dicts([{"text": "A  b"}, None, "C  d", {"body": "x"}], cfg, 8, "null")
    [{'text': 'A b'}, None, 'C d', {'body': 'x', 'text': None, 'error': "no field 'text'"}]
    """
    from .pipeline import Cleaner

    out = list(items)

    def fail(i: int, why: str) -> None:
        item = items[i]
        if errors == "raise":
            if isinstance(item, dict) and (item.get("source") or item.get("where")):
                name = " ".join(str(x) for x in (item.get("source"), item.get("where")) if x)
                raise RecordError(E.BAG_DOCUMENT_FAILED.format(name=name, why=why))
            if isinstance(item, dict) and item.get("id") is not None:
                raise RecordError(E.DOCUMENT_FAILED_ID.format(id=item["id"], i=start + i,
                                                              why=why))
            raise RecordError(E.DOCUMENT_FAILED.format(i=start + i, why=why))
        out[i] = {**item, "text": None, "error": why} if isinstance(item, dict) else None

    todo = []
    for i, d in enumerate(items):
        if not isinstance(d, dict):
            if not _is_null(d):
                todo.append(i)
        elif "text" not in d:
            fail(i, E.NO_FIELD.format(field="text"))
        elif d["text"] is not None and not d.get("error"):
            todo.append(i)
    cleaner = Cleaner(config)
    texts = (items[i]["text"] if isinstance(items[i], dict) else items[i] for i in todo)
    for i, res in zip(todo, cleaner.iter_clean(texts, batch_size)):
        if res.error is not None:
            fail(i, res.error)
        elif isinstance(items[i], dict):
            out[i] = {**items[i], "text": res.text}
        else:
            out[i] = res.text
    return out


def clean_bag(bag: db.Bag, *, config: Config | None = None, batch_size: int = 256,
              errors: str = "raise", **options: Any) -> db.Bag:
    """A Bag of cleaned texts (same order and partitions); nulls pass through.

    Elements are texts (str/bytes), or the dicts of :func:`read_documents`, whose
    ``text`` is cleaned (a document that cannot be cleaned keeps ``text`` None and
    gets ``error`` when ``errors`` is not ``"raise"``).  Boilerplate learning spans a
    batch of ``batch_size`` documents within a partition.

    >>> import dask, dask.bag as db
    >>> bag = db.from_sequence(["It was  fine\\u2026", "So was this."], npartitions=2)
    >>> clean_bag(bag, translate=False, boilerplate=False).compute(scheduler="synchronous")
    ['It was fine...', 'So was this.']
    """
    cfg = _config(config, options)
    _check_errors(errors)
    check_count("batch_size", batch_size)
    if errors == "null":
        return bag.map_partitions(_clean_partition, None, cfg, batch_size, errors)
    # a document that fails is named by its position in the whole Bag (a position in
    # its partition, which it was, is a number nobody can look up)
    parts = bag.map_partitions(list)
    return parts.map_partitions(_clean_partition, _starts(parts), cfg, batch_size, errors)


def _check_errors(errors: str) -> None:
    """Refuse a bad ``errors`` now, not when the graph runs (a typo such as "nul" took
    every failed document of :func:`read_documents` as "null").

    >>> _check_errors("nul")
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: errors must be 'raise' or 'null', not 'nul'
    """
    if errors not in ("raise", "null"):
        raise ConfigError(E.BAD_ERRORS_CHOICE.format(value=errors))


def _clean_frame(df: pd.DataFrame, column: str, output: str, config: Config,
                 batch_size: int, errors: str) -> pd.DataFrame:
    from .pandas import clean_series

    df = df.copy()
    df[output] = clean_series(df[column], config=config, batch_size=batch_size, errors=errors)
    return df


def clean_dataframe(ddf: dd.DataFrame, column: str, *, output_column: str | None = None,
                    config: Config | None = None, batch_size: int = 256,
                    errors: str = "raise", **options: Any) -> dd.DataFrame:
    """``ddf`` with ``column`` cleaned (or the cleaned text in ``output_column``).

    The result has a correct ``meta`` (the input's columns, the output column with the
    text column's string dtype), so Dask never calls the cleaner on dummy rows.
    """
    if column not in ddf.columns:
        raise ColumnError(E.NO_COLUMN.format(field=column,
                                             columns=", ".join(map(str, ddf.columns))))
    cfg = _config(config, options)
    _check_errors(errors)
    check_count("batch_size", batch_size)
    output = output_column or column
    meta = ddf._meta.copy()
    dtype = meta[column].dtype
    meta[output] = pd.Series([], dtype=dtype if isinstance(dtype, pd.StringDtype) else object)
    return ddf.map_partitions(_clean_frame, column, output, cfg, batch_size, errors, meta=meta)
