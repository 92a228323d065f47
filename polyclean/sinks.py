"""Where output records go: hidden partial files renamed into place when complete.

Every sink writes beside its target (``.NAME.polyclean-partial`` and friends, see
:func:`partial_path`) and renames into place in :meth:`Sink.finalize`, so an output
appears only when complete.  :meth:`Sink.commit` makes what was written so far a
resume point; :meth:`Sink.state` is what the journal keeps of it, and a sink made
again with that state (``resume=``) continues from there, byte for byte.  ``mark()`` /
``rollback()`` take back the records of an input that breaks part-way in an output
shared by several inputs.

Compressed outputs (``.gz``, ``.zst``) are written as one gzip member / zstd frame per
commit, so a resume point is a frame boundary; concatenated members and frames are
what ``zcat``/``zstdcat`` and polyclean read.  Devices and FIFOs given as ``-o`` are
written in place; nothing is ever written through a symbolic link inside an output
folder (:func:`make_folders` refuses one; a link at the target itself is replaced).
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import shutil
import stat
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any, Iterator, Sequence

from .errors import E, ResumeError
from .records import table_line, to_json

_WORK_RE = re.compile(r"^\..*\.polyclean-(?:partial(?:\.d)?|merge|trash|tmp-\d+|journal\.tmp"
                      r"|runreport)$"
                      r"|^\.polyclean-probe-")


#: Bytes of a file name's part in its work files' names: with the dot, ".polyclean-" and
#: the longest suffix they fit in the 255 bytes a file name may have.
WORK_STEM_BYTES = 220


def work_stem(name: str) -> str:
    """``name`` as its work files' names hold it: itself, or when too long for a work
    file's name to fit in 255 bytes, its start and a hash of the whole.

    A name's bytes are counted as the file system holds them (a name that is not UTF-8
    comes from the OS with its bytes escaped):

    >>> work_stem("a.jsonl"), work_stem("caf\\udce9.txt")
    ('a.jsonl', 'caf\\udce9.txt')
    >>> s = work_stem("L" * 250 + ".txt"); len(s), s[:3], s[-13:-12]
    (220, 'LLL', '~')
    """
    raw = name.encode("utf-8", "surrogateescape")
    if len(raw) <= WORK_STEM_BYTES:
        return name
    tail = "~" + hashlib.sha1(raw).hexdigest()[:12]
    return raw[:WORK_STEM_BYTES - len(tail)].decode("utf-8", "surrogateescape") + tail


def partial_path(final: Path, suffix: str = "partial") -> Path:
    """The hidden work file beside ``final``.

    >>> partial_path(Path("out/a.jsonl")).as_posix()
    'out/.a.jsonl.polyclean-partial'
    """
    return final.with_name(f".{work_stem(final.name)}.polyclean-{suffix}")


def is_work_file(name: str) -> bool:
    """Whether a file name is one of polyclean's work files (left by a killed run).

    >>> is_work_file(".a.txt.polyclean-partial"), is_work_file(".polyclean-probe-x1")
    (True, True)
    >>> is_work_file("a.txt"), is_work_file(".a.polyclean-journal")
    (False, False)
    """
    return bool(_WORK_RE.match(name))


_JOURNAL_OR_LOCK_RE = re.compile(r"^\..+\.polyclean-(?:journal|lock)$")


def is_own_name(name: str) -> bool:
    """Whether a file name is one polyclean gives its own files beside an output: the
    work files of :func:`is_work_file`, the journal and the lock.  Such a name is
    never an input found in a folder, an output or a side file: a run replaces or
    removes the file.

    >>> is_own_name(".o.tsv.polyclean-journal"), is_own_name(".o.tsv.polyclean-lock")
    (True, True)
    >>> is_own_name("o.tsv.polyclean-journal"), is_own_name(".o.tsv.polyclean-notes")
    (False, False)
    """
    return is_work_file(name) or bool(_JOURNAL_OR_LOCK_RE.match(name))


def is_special(path: Path) -> bool:
    """True when ``path`` exists and is neither a regular file nor a folder: a device
    such as ``/dev/null``, a FIFO, a socket, ``/dev/stdout`` on a pipe.

    >>> is_special(Path("/dev/null")), is_special(Path(__file__)), is_special(Path("/nowhere"))
    (True, False, False)
    """
    try:
        mode = path.stat().st_mode  # follows links
    except (OSError, ValueError):
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def make_folders(root: Path | None, folder: Path) -> None:
    """Create ``folder`` (and its parents), never following a symbolic link below
    ``root`` (the ``-o`` folder of a mirrored tree, which may itself be a link)."""
    if root is None:
        folder.mkdir(parents=True, exist_ok=True)
        return
    root.mkdir(parents=True, exist_ok=True)
    path = root
    for part in folder.relative_to(root).parts:
        path = path / part
        if path.is_symlink():
            raise OSError(0, E.LINK_IN_OUTPUT.format(path=path))
        if not path.exists():
            path.mkdir()
        elif not path.is_dir():
            raise NotADirectoryError(20, "Not a directory", str(path))


def write_whole(path: Path, data: bytes) -> None:
    """Write a file that is made whole at the end of a command (the run summary, the
    HTML run report, ``polyclean report``'s page) through a work file and a rename, so
    that a full disk or a kill leaves the file as it was, never cut short; a device or
    FIFO (``/dev/stdout``) is written in place.  The work file's name is polyclean's
    (``.NAME.polyclean-tmp-PID``): ``NAME.tmp`` was a user's file, overwritten and
    renamed away."""
    if is_special(path):
        with open(path, "wb") as fh:
            fh.write(data)
        return
    path.parent.mkdir(parents=True, exist_ok=True)  # made as -o's and --report's are
    with atomic_file(path) as fh:
        fh.write(data)


def whole_work_file(path: Path) -> Path:
    """The work file of ``path`` written whole (:func:`write_whole`, ``detect -o``);
    those a killed command left beside it (their process is gone) are removed."""
    for old in path.parent.glob(f".{glob.escape(work_stem(path.name))}.polyclean-tmp-*"):
        pid = old.name.rsplit("-", 1)[1]
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                old.unlink()
        except OSError:  # alive, another user's
            pass
    return partial_path(path, f"tmp-{os.getpid()}")


@contextlib.contextmanager
def atomic_file(path: Path) -> Iterator[Any]:
    """A binary work file beside ``path``, renamed over it when the block ends without
    an exception, removed when it raises (:func:`write_whole`)."""
    tmp = whole_work_file(path)
    try:
        with _create(tmp) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise


def remove_path(path: Path) -> None:
    """Remove a file, link or folder at ``path`` (a link is removed, not followed)."""
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif os.path.lexists(path):
        path.unlink()


def _create(path: Path) -> Any:
    """A new file at ``path``: a stale one (or a link planted there) is removed first,
    and the new one is created without following links."""
    remove_path(path)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0),
                 0o666)
    return os.fdopen(fd, "wb")


def _place(partial: Path, target: Path, special: bool) -> None:
    """Put a complete work file in place: renamed (a link at the target is replaced,
    not followed), or copied into a device/FIFO."""
    if special:
        with open(partial, "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        partial.unlink()
    else:
        os.replace(partial, target)


# --- compression: one gzip member / zstd frame per commit -----------------------------------
class _Frames:
    """Compresses a stream in frames that end at each :meth:`end` (deterministic: no
    names or times in the headers)."""

    def __init__(self, kind: str | None, started: bool = False) -> None:
        self.kind, self.obj, self.any = kind, None, started
        if kind == "zst":
            try:
                import zstandard
            except ImportError:
                raise OSError(0, E.NEEDS_ZSTANDARD_OUT) from None
            self.cctx = zstandard.ZstdCompressor(level=3)

    def _new(self) -> None:
        self.obj = (zlib.compressobj(6, zlib.DEFLATED, 31) if self.kind == "gz"
                    else self.cctx.compressobj())

    def feed(self, data: bytes) -> bytes:
        if self.kind is None or not data:
            return data
        if self.obj is None:
            self._new()
        return self.obj.compress(data)

    def end(self, last: bool = False) -> bytes:
        """Close the current frame; ``last``: an empty stream still gets one frame."""
        if self.kind is None:
            return b""
        if self.obj is None:
            if not last or self.any:
                return b""
            self._new()
        obj, self.obj, self.any = self.obj, None, True
        return obj.flush()


class Sink:
    """Where the output records of one output go."""

    def write(self, out: Any, label: str = "") -> int:  # returns bytes of output
        raise NotImplementedError

    def state(self) -> dict:
        """The resume point after :meth:`commit`, for the journal."""
        return {}

    def commit(self) -> None:
        """Make what was written so far a resume point."""

    def mark(self) -> Any:
        """A point to :meth:`rollback` to (a commit)."""
        self.commit()
        return self.state()

    def rollback(self, mark: Any) -> None:
        """Take back everything written since ``mark``."""

    def empty_input(self) -> None:
        """An input of this output was empty (no text: 0 bytes, a byte order mark alone...)."""

    def finalize(self) -> None:
        """The output is complete: put it in place (idempotent after a kill)."""

    def wants_sync(self) -> bool:
        """Whether :meth:`sync` has a file to flush to the disk."""
        return False

    def sync(self) -> None:
        """Flush what was written to the disk, the slow part of putting a file in place,
        which :func:`sync_all` runs for the outputs of a batch at once."""

    def abort(self) -> None:
        """The output failed: remove what was written."""

    def close(self) -> None:
        """The run stops: release files but keep them for ``--resume``; never raises."""


def _resumable(work: Path, target: Path, resume: dict | None) -> bool:
    """Whether a journalled output is already in place (True), or its work file is
    there to continue (False; always False without ``resume``)."""
    if resume is None:
        return False
    if os.path.lexists(work) and not work.is_symlink():
        return False
    if resume.get("complete") and os.path.lexists(target):
        return True  # put in place just before the kill
    raise ResumeError(E.PARTIAL_MISSING.format(path=work))


def _work_file(path: Path, resume: dict | None) -> Any:
    """The work file of an output: continued at the journalled offset, or new."""
    if resume is None:
        return _create(path)
    fh = open(path, "r+b")
    _truncate(fh, resume["offset"])
    return fh


def _truncate(fh: Any, offset: int) -> None:
    fh.flush()
    fh.truncate(offset)
    fh.seek(offset)


class StreamSink(Sink):
    """Bytes (or text documents) appended to a partial file renamed over ``target``
    when complete.  ``target=None`` is stdout; a device or FIFO is written in place.
    Text documents get a ``==> LABEL <==`` line first when ``headers``."""

    def __init__(self, target: Path | None, header: bytes = b"", compress: str | None = None,
                 headers: bool = False, resume: dict | None = None) -> None:
        self.target, self.headers = target, headers
        self.direct = target is None or is_special(target)
        self.frames = _Frames(None if target is None else compress,
                              bool(resume and resume["offset"]))
        self.done = self.synced = False
        if self.direct:
            self.fh: Any = sys.stdout.buffer if target is None else open(target, "wb")
            self.pos = 0
            self.write(header)
            return
        self.partial = partial_path(target)
        self.done = _resumable(self.partial, target, resume)
        if not self.done:
            self.fh = _work_file(self.partial, resume)
            self.pos = self.fh.tell()
            if resume is None:
                self.write(header)

    def write(self, out: Any, label: str = "") -> int:
        if isinstance(out, str):
            if self.headers:
                out = f"==> {label} <==\n{out}"
            out = out.encode("utf-8")
        if out:
            data = self.frames.feed(out)
            self.fh.write(data)
            self.pos += len(data)
        return len(out)

    def state(self) -> dict:
        return {"offset": self.pos}

    def commit(self) -> None:
        if self.done:
            return
        tail = self.frames.end()
        self.fh.write(tail)
        self.pos += len(tail)
        self.fh.flush()

    def rollback(self, mark: Any) -> None:
        _truncate(self.fh, mark["offset"])
        self.pos = mark["offset"]

    def wants_sync(self) -> bool:
        return not (self.done or self.direct or self.synced)

    def sync(self) -> None:
        if not self.wants_sync():
            return
        tail = self.frames.end(last=True)  # b"" when the frame is closed already
        self.fh.write(tail)
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.synced = True

    def finalize(self) -> None:
        if self.done:
            return
        if self.direct:
            self.fh.write(self.frames.end(last=True))
            self.fh.flush()
            if self.target is not None:
                self.fh.close()
            return
        self.sync()
        self.fh.close()
        os.replace(self.partial, self.target)
        self.done = True

    def abort(self) -> None:
        self.close()
        if not self.direct:
            self.partial.unlink(missing_ok=True)

    def close(self) -> None:
        if self.done:
            return
        try:
            if self.target is None:
                self.fh.flush()
            else:
                self.fh.close()
        except (OSError, ValueError):
            pass


class TextFileSink(Sink):
    """One text document to one file of a mirrored tree: written to its partial file,
    then synced and put in place when the batch is committed (before the journal counts
    it), so that the files of a batch are synced together (:func:`sync_all`)."""

    def __init__(self, target: Path) -> None:
        self.target = target
        self.pending: Path | None = None  # written, not yet in place
        self.synced = False

    def write(self, out: Any, label: str = "") -> int:
        data = out.encode("utf-8")
        partial = partial_path(self.target)
        with _create(partial) as fh:
            fh.write(data)
        self.pending, self.synced = partial, False
        return len(data)

    def wants_sync(self) -> bool:
        return self.pending is not None and not self.synced

    def sync(self) -> None:
        if self.wants_sync():
            fd = os.open(self.pending, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
            self.synced = True

    def commit(self) -> None:
        if self.pending is not None:
            self.sync()
            os.replace(self.pending, self.target)
            self.pending = None

    def empty_input(self) -> None:
        self.write("")  # an empty input has an empty output

    def abort(self) -> None:
        partial_path(self.target).unlink(missing_ok=True)

    def close(self) -> None:
        # a document not yet committed is in no journal: a resumed run writes it again
        if self.pending is not None:
            try:
                self.pending.unlink(missing_ok=True)
            except OSError:
                pass


def sync_all(sinks: Sequence[Sink]) -> None:
    """Sync the files of ``sinks`` (a mirrored tree's outputs written or completed in a
    batch) at once, from a few threads: one ``fsync`` after another cost about 4 ms a
    file on ext4 (a tree of 20,000 small files spent 80 of its 90 s in them), while the
    file system commits concurrent ones together.  A failure is left for the sink's own
    ``commit`` or ``finalize``, which syncs again and raises it for that output alone."""
    todo = [s for s in sinks if s.wants_sync()]
    if len(todo) < 2:
        return
    from concurrent.futures import ThreadPoolExecutor

    def one(sink: Sink) -> None:
        try:
            sink.sync()
        except OSError:
            pass

    with ThreadPoolExecutor(min(16, len(todo))) as pool:
        list(pool.map(one, todo))


class TableSink(Sink):
    """CSV/TSV whose columns are found while writing (a conversion): rows go to the
    partial file as JSON arrays; :meth:`finalize` writes the header (every column, in
    order of first appearance) and the rows, padded, in the output format."""

    def __init__(self, target: Path | None, fmt: str, delimiter: str = ",",
                 compress: str | None = None, resume: dict | None = None,
                 header: list[str] | None = None) -> None:
        self.target, self.fmt, self.delimiter, self.compress = target, fmt, delimiter, compress
        self.special = target is None or is_special(target)
        self.work = Path(tempfile.mkdtemp(prefix="polyclean-")) if self.special else None
        self.partial = (self.work / "rows") if self.work else partial_path(target)
        self.columns: list[str] = list(resume["columns"]) if resume else []
        # the first input's columns (CSV header, Parquet schema): the header of an
        # output without rows, which would otherwise be a file of 0 bytes
        self.header = list(resume.get("header") or []) if resume else list(header or [])
        self.index = {c: i for i, c in enumerate(self.columns)}
        self.done = not self.special and _resumable(self.partial, target, resume)
        self.merged: Path | None = None  # the complete output, synced, not yet in place
        if not self.done:
            self.fh = _work_file(self.partial, resume)

    def write(self, out: Any, label: str = "") -> int:
        cells = [""] * len(self.columns)
        for key, value in out:
            i = self.index.get(key)
            if i is None:
                i = self.index[key] = len(self.columns)
                self.columns.append(key)
                cells.append("")
            cells[i] = value
        data = (to_json(cells) + "\n").encode("utf-8")
        self.fh.write(data)
        return len(data)

    def state(self) -> dict:
        return {"offset": self.fh.tell() if not self.done else 0, "columns": self.columns,
                "header": self.header}

    def commit(self) -> None:
        if not self.done:
            self.fh.flush()

    def rollback(self, mark: Any) -> None:
        _truncate(self.fh, mark["offset"])
        del self.columns[len(mark["columns"]):]
        self.index = {c: i for i, c in enumerate(self.columns)}

    def wants_sync(self) -> bool:
        return not self.done and self.merged is None

    def sync(self) -> None:
        """Write the output (header, then the rows) to its merge file, on the disk."""
        if not self.wants_sync():
            return
        self.fh.close()
        merge = (self.work / "merge") if self.work else partial_path(self.target, "merge")
        frames, width = _Frames(None if self.target is None else self.compress), len(self.columns)
        with _create(merge) as out, open(self.partial, "rb") as rows:
            if self.columns or self.header:
                out.write(frames.feed(table_line(self.columns or self.header, self.fmt,
                                                 self.delimiter).encode("utf-8")))
            for line in rows:
                cells = json.loads(line)
                cells += [""] * (width - len(cells))
                out.write(frames.feed(table_line(cells, self.fmt, self.delimiter)
                                      .encode("utf-8")))
            out.write(frames.end(last=True))
            out.flush()
            os.fsync(out.fileno())
        self.merged = merge

    def finalize(self) -> None:
        if self.done:
            return
        self.sync()
        merge = self.merged
        if self.target is None:
            with open(merge, "rb") as src:
                shutil.copyfileobj(src, sys.stdout.buffer)
            sys.stdout.buffer.flush()
        else:
            _place(merge, self.target, self.special)
        self.abort()
        self.done = True

    def abort(self) -> None:
        self.close()
        self.partial.unlink(missing_ok=True)
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)

    def close(self) -> None:
        try:
            if not self.done:
                self.fh.close()
        except (OSError, ValueError):
            pass


class ParquetSink(Sink):
    """Rows buffered per batch, one part file per commit in a hidden folder, merged
    into row groups of about ``row_group_rows`` rows when the output is complete.

    With a ``schema`` (a Parquet input) every part has it; without one (a conversion)
    each part's types are inferred and the merge unifies them: the columns are the
    union of all parts' (in order of appearance), nulls fill a missing column, an int
    column meeting a float one becomes float, and a column whose types cannot be
    unified is written as text.  An output without rows has the schema ``fallback``
    (the first input's columns), else the one text column ``empty``."""

    row_group_rows = 65_536

    def __init__(self, target: Path, schema: Any = None, empty: str = "text",
                 resume: dict | None = None, fallback: Any = None) -> None:
        self.special = is_special(target)
        self.target, self.schema, self.empty = target, schema, empty
        self.work = Path(tempfile.mkdtemp(prefix="polyclean-")) if self.special else None
        self.dir = (self.work / "parts") if self.work else partial_path(target, "partial.d")
        self.rows: list[dict] = []
        self.parts = 0
        self.done = not self.special and _resumable(self.dir, target, resume)
        if self.done:
            return
        if resume is not None:
            self.parts = resume["parts"]
            for part in self.dir.iterdir():  # parts written after the journalled point
                if part.name not in ("schema", "fallback") and (
                        not part.name.endswith(".parquet") or int(part.stem) >= self.parts):
                    part.unlink()
            if self.schema is None and (self.dir / "schema").exists():
                import pyarrow.parquet as pq

                self.schema = pq.read_schema(self.dir / "schema")
        else:
            remove_path(self.dir)
            self.dir.mkdir(parents=True)
            for name, kept in (("schema", schema), ("fallback", fallback)):
                if kept is not None:
                    import pyarrow.parquet as pq

                    pq.write_table(kept.empty_table(), self.dir / f"{name}.tmp")
                    os.replace(self.dir / f"{name}.tmp", self.dir / name)

    def write(self, out: Any, label: str = "") -> int:
        self.rows.append(out)
        return 0

    def state(self) -> dict:
        return {"parts": self.parts}

    def commit(self) -> int | None:
        if not self.rows or self.done:
            return None
        import pyarrow.parquet as pq

        table = _table(self.rows, self.schema)
        tmp = self.dir / f"{self.parts:09d}.tmp"
        pq.write_table(table, tmp)
        size = tmp.stat().st_size
        os.replace(tmp, self.dir / f"{self.parts:09d}.parquet")
        self.parts += 1
        self.rows = []
        return size  # the bytes written (write() cannot know them: "0 bytes out")

    def rollback(self, mark: Any) -> None:
        self.rows = []
        for i in range(mark["parts"], self.parts):
            (self.dir / f"{i:09d}.parquet").unlink(missing_ok=True)
        self.parts = mark["parts"]

    def finalize(self) -> None:
        import pyarrow as pa
        import pyarrow.parquet as pq

        if self.done:
            return
        self.commit()
        paths = [self.dir / f"{i:09d}.parquet" for i in range(self.parts)]
        fallback = self.dir / "fallback"
        schema = (self.schema or _unify([pq.read_schema(p) for p in paths])
                  or (pq.read_schema(fallback) if fallback.exists() else None)
                  or pa.schema([(self.empty, pa.string())]))
        merge = (self.work / "merge") if self.work else partial_path(self.target, "merge")
        with pq.ParquetWriter(merge, schema) as writer:
            pending: list[Any] = []
            count = 0
            for p in paths:
                t = _conform(pq.read_table(p), schema)
                pending.append(t)
                count += t.num_rows
                if count >= self.row_group_rows:
                    writer.write_table(pa.concat_tables(pending), row_group_size=count)
                    pending, count = [], 0
            if pending or not paths:
                table = pa.concat_tables(pending) if pending else schema.empty_table()
                writer.write_table(table, row_group_size=max(count, 1))
        _place(merge, self.target, self.special)
        self.abort()
        self.done = True

    def abort(self) -> None:
        # Rename first: a half-deleted parts folder must never be merged again.
        if self.work is not None:
            shutil.rmtree(self.work, ignore_errors=True)
            return
        trash = partial_path(self.target, "trash")
        if self.dir.exists():
            shutil.rmtree(trash, ignore_errors=True)
            os.replace(self.dir, trash)
        shutil.rmtree(trash, ignore_errors=True)


def _table(rows: list[dict], schema: Any) -> Any:
    """A pyarrow table of ``rows`` (columns: the union of their keys, in order of
    appearance); a column whose values pyarrow cannot type together (an int and a
    string, say) is written as text."""
    import pyarrow as pa

    if schema is not None:
        return pa.Table.from_pylist(rows, schema=schema)
    names = list(dict.fromkeys(k for r in rows for k in r))
    arrays = []
    for name in names:
        values = [r.get(name) for r in rows]
        try:
            arrays.append(pa.array(values))
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            arrays.append(pa.array([None if v is None else v if isinstance(v, str)
                                    else to_json(v) for v in values], pa.string()))
    return pa.Table.from_arrays(arrays, names=names)


def _unify(schemas: list[Any]) -> Any:
    """One schema for parts whose types were inferred separately (None: no parts)."""
    import pyarrow as pa

    if not schemas:
        return None
    try:
        return pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        fields: dict[str, Any] = {}
        for s in schemas:
            for f in s:
                if f.name not in fields:
                    fields[f.name] = f
                elif fields[f.name].type != f.type:
                    try:
                        fields[f.name] = pa.unify_schemas(
                            [pa.schema([fields[f.name]]), pa.schema([f])],
                            promote_options="permissive").field(0)
                    except (pa.ArrowInvalid, pa.ArrowTypeError):
                        fields[f.name] = pa.field(f.name, pa.string())
        return pa.schema(list(fields.values()))


def _conform(table: Any, schema: Any) -> Any:
    """``table`` with ``schema``'s columns, in its order: a missing column is nulls,
    others are cast (to text where the types were unified to text)."""
    import pyarrow as pa

    if table.schema == schema:
        return table
    cols = []
    for f in schema:
        if f.name not in table.column_names:
            cols.append(pa.nulls(table.num_rows, f.type))
            continue
        col = table.column(f.name)
        if col.type != f.type:
            try:
                col = col.cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                col = pa.array([None if v is None else v if isinstance(v, str) else to_json(v)
                                for v in col.to_pylist()], f.type)
        cols.append(col)
    return pa.Table.from_arrays(cols, schema=schema)


def sweep(folder: Path, keep: set[Path]) -> None:
    """Remove the work files a killed run left under ``folder`` (a journal's own files
    and those in ``keep`` stay)."""
    for base, dirs, files in os.walk(folder):
        for name in files + dirs:
            path = Path(base) / name
            if is_work_file(name) and path not in keep:
                remove_path(path)
        dirs[:] = [d for d in dirs if not is_work_file(d)]
