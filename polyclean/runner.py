"""The batch run: records in -> :class:`Cleaner` in worker processes -> outputs.

The main process reads the inputs (:mod:`polyclean.formats`) as one stream of
records, cuts it into batches whose boundaries depend on the input only (at most
``batch_docs`` records or ``batch_bytes`` bytes), sends at most ``2 * jobs`` batches at
a time to a :class:`~concurrent.futures.ProcessPoolExecutor` and writes the results in
input order.  Each batch is cleaned by a fresh ``Cleaner`` (models are cached per
process, learned state is per batch), so the output is the same for any ``jobs``.

Robustness: every output is written to a hidden partial file and renamed into place
when complete.  After each batch a small journal (records done, byte offsets of the
partial output, errors and report files, counters) is replaced atomically; ``resume``
truncates the partial files to the journalled offsets and skips the records already
done.  A bad record becomes one JSON line in the errors file and the run goes on
(``on_error="fail"`` stops at the first).  An output that cannot be written fails its
input alone; a full disk, failing stdout or an unwritable errors/report file stops the
run with :class:`OutputError` (complete outputs stay; ``resume`` continues).
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import gc
import itertools
import json
import logging
import os
import signal
import sys
import time
import zlib
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence

from .config import Config
from .errors import OutputError, ResumeError, StopRun  # noqa: F401  (re-exported)
from .formats import (
    READERS, FieldOptions, InputError, Record, RecordError, Sink, StdoutTextSink,
    StreamSink, TextFileSink, ParquetSink, extract, finish_interrupted, partial_path, render,
    to_json, MAX_RAW,
)

log = logging.getLogger(__name__)

JOURNAL_VERSION = 1
BATCH_DOCS = 256
BATCH_BYTES = 8 << 20


# Out of space: every later write would fail too, so the run stops (resumably).
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}


def _safe(text: str) -> str:
    """``text`` without lone surrogates (bytes that a reader could not decode, quoted in
    a message), so that it can be written as UTF-8.

    >>> _safe("no column 'caf\\udce9'")
    "no column 'caf\ufffd'"
    """
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if any(
        "\ud800" <= c <= "\udfff" for c in text) else text


def _why(exc: BaseException) -> str:
    """The reason of an OS error as the other messages put it (lower case).

    >>> _why(OSError(28, "No space left on device"))
    'no space left on device'
    """
    why = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return why[:1].lower() + why[1:]


@dataclass
class Unit:
    """One input file and where its output goes (``target=None``: stdout)."""

    name: str
    path: Path | None
    fmt: str
    target: Path | None
    header: str | None = None  # stdout text: print "==> header <==" first


@dataclass
class RunOptions:
    config: Config = field(default_factory=Config)
    fields: FieldOptions = field(default_factory=FieldOptions)
    jobs: int = 1
    batch_docs: int = BATCH_DOCS
    batch_bytes: int = BATCH_BYTES
    report: str | None = None  # path of the report JSONL, "-" for stderr
    errors: Path | None = None  # errors JSONL (None: stderr lines only)
    on_error: str = "continue"  # or "fail"
    resume: bool = False
    journal: Path | None = None  # None: no journal (stdout output)
    progress: bool = False
    max_error_lines: int = 20  # stderr lines when an errors file keeps them all


@dataclass
class Summary:
    records: int = 0
    errors: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    stats: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    errors_path: str | None = None
    resumed_at: int = 0
    stopped: bool = False

    @property
    def documents(self) -> int:
        return self.stats.get("documents", 0)

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        st, secs = self.stats, max(self.seconds, 1e-9)
        text = (f"polyclean: {self.documents} documents, {self.errors} failed, "
                f"{self.bytes_in:,} bytes in, {self.bytes_out:,} bytes out, "
                f"{st.get('fragments_foreign', 0)} foreign fragments, "
                f"{st.get('fragments_translated', 0)} translated, "
                f"{st.get('fragments_untranslated', 0)} left untranslated, "
                f"translation cache {st.get('cache_hit', 0)} hits / {st.get('cache_miss', 0)} misses, "
                f"{st.get('lines_removed', 0)} boilerplate lines removed, "
                f"{self.seconds:.2f} s ({self.documents / secs:,.0f} docs/s, "
                f"{self.bytes_in / secs / 1e6:.2f} MB/s)")
        if self.resumed_at:
            text += f"; resumed after {self.resumed_at:,} records"
        if self.errors_path and self.errors:
            text += f"; errors in {self.errors_path}"
        if st.get("fragments_untranslated"):
            text += ("\npolyclean: some fragments had no installed translation package: see "
                     "'polyclean models list' and 'polyclean models install LANG'")
        return text


# --- worker side --------------------------------------------------------------------
_WORKER: dict[str, Any] = {}


def _init_worker(config: Config, fields: FieldOptions, want_report: bool) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    _WORKER.update(config=config, fields=fields, want_report=want_report)


def _work(jobs: list[tuple[str, Any]], ids: list[str]) -> tuple[list, dict]:
    return process_batch(_WORKER["config"], _WORKER["fields"], jobs, ids,
                         _WORKER["want_report"])


def process_batch(config: Config, fields: FieldOptions, jobs: Sequence[tuple[str, Any]],
                  ids: Sequence[str], want_report: bool) -> tuple[list, dict[str, int]]:
    """Clean one batch: ``[(output, error, report_line)]`` per job, and the stats.

    >>> cfg = Config(translate=False, boilerplate=False)
    >>> outs, stats = process_batch(cfg, FieldOptions(), [("jsonl", b'{"text": "It is  fine."}'),
    ...     ("jsonl", b'{oops')], ["l1", "l2"], False)
    >>> outs[0][0], outs[1][1][:12], stats["documents"]
    (b'{"text": "It is fine."}\\n', 'invalid JSON', 1)
    """
    from .pipeline import Cleaner

    n = len(jobs)
    outs: list[tuple[Any, str | None, str | None]] = [(None, None, None)] * n
    states: list[Any] = [None] * n
    docs: list[tuple[int, str | bytes]] = []
    nulls = 0
    for i, (fmt, payload) in enumerate(jobs):
        try:
            state, text = extract(fmt, payload, fields)
        except Exception as exc:  # RecordError, or e.g. RecursionError on absurd nesting
            msg = str(exc) if isinstance(exc, RecordError) else f"{type(exc).__name__}: {exc}"
            outs[i] = (None, msg, _error_report(ids[i], msg) if want_report else None)
            continue
        states[i] = state
        if text is None:
            outs[i] = (render(fmt, state, None, None, fields), None, None)
            nulls += 1
        else:
            docs.append((i, text))
    stats: dict[str, int] = {"nulls": nulls} if nulls else {}
    results = _clean_isolated(config, [d for _, d in docs], [ids[i] for i, _ in docs], stats)
    for (i, _), res in zip(docs, results):
        fmt = jobs[i][0]
        if isinstance(res, str) or res.error is not None:
            err = res if isinstance(res, str) else res.error
            outs[i] = (None, err, _error_report(ids[i], err) if want_report else None)
            continue
        try:
            out = render(fmt, states[i], res.text,
                         res.report if fields.report_field else None, fields)
        except Exception as exc:  # e.g. a report field that cannot be serialised
            msg = f"cannot write the record: {type(exc).__name__}: {exc}"
            outs[i] = (None, msg, _error_report(ids[i], msg) if want_report else None)
            continue
        line = to_json(res.report) + "\n" if want_report else None
        outs[i] = (out, None, line)
    return outs, stats


def _error_report(doc_id: str, error: str) -> str:
    return to_json({"id": doc_id, "error": error}) + "\n"


def _clean_isolated(config: Config, texts: list, ids: list, stats: dict[str, int]) -> list:
    """Clean a batch with a fresh Cleaner; if the batch raises, clean its documents one
    by one so that only the failing ones fail (a str in the result is an error)."""
    from .pipeline import Cleaner

    if not texts:
        return []
    cleaner = Cleaner(config)
    try:
        results: list = cleaner.clean_batch(texts, ids)
    except Exception as exc:  # a stage bug or a MissingModelError: isolate it
        log.warning("batch failed (%s); cleaning its documents one by one", exc)
        results = []
        for text, doc_id in zip(texts, ids):
            one = Cleaner(config)
            try:
                results.extend(one.clean_batch([text], [doc_id]))
            except Exception as exc1:
                results.append(f"{type(exc1).__name__}: {exc1}")
            _add(stats, one.stats)
        return results
    _add(stats, cleaner.stats)
    return results


def _add(total: dict[str, int], more: dict[str, int]) -> None:
    for k, v in more.items():
        total[k] = total.get(k, 0) + v


# --- main side: events and batches --------------------------------------------------
@dataclass
class Batch:
    events: list[tuple[str, int, Any]] = field(default_factory=list)
    jobs: list[tuple[str, Any]] = field(default_factory=list)
    ids: list[str] = field(default_factory=list)
    records: int = 0
    size: int = 0


class _Input:
    """The stream of events over all units: start, rec, end, fail."""

    def __init__(self, units: Sequence[Unit], fields: FieldOptions, start_unit: int = 0,
                 skip: int = 0) -> None:
        self.units, self.fields = units, fields
        self.start_unit, self.skip = start_unit, skip
        self.reader: Any = None
        self.done_size = 0  # input bytes of finished units (for progress)

    def position(self) -> int:
        return self.done_size + (self.reader.position() if self.reader else 0)

    def events(self) -> Iterator[tuple[str, int, Any]]:
        for u, unit in enumerate(self.units):
            if u < self.start_unit:
                self.done_size += _size(unit.path)
                continue
            reader = self.reader = READERS[unit.fmt](unit.path, self.fields)
            started = False
            try:
                try:
                    meta = reader.open()
                except InputError as exc:
                    yield ("fail", u, str(exc))
                    continue
                yield ("start", u, meta)
                started, last = True, None
                recs = reader.records()
                if u == self.start_unit and self.skip:
                    for last in itertools.islice(recs, self.skip):
                        pass
                for last in recs:
                    yield ("rec", u, last)
                yield ("end", u, None)
            except Exception as exc:
                if not isinstance(exc, _READ_ERRORS) and not type(exc).__module__.startswith(
                        "pyarrow"):
                    raise
                # An input that breaks part-way (a truncated gzip, a damaged Parquet row
                # group) fails as a whole, like one that cannot be opened: outputs are put
                # in place only when complete.  The message says where it broke.
                after = f" after {last.where}" if started and last is not None and last.where \
                    else ""
                tail = "; no output is written for this input" if after else ""
                yield ("fail", u, f"cannot read{after}: {exc}{tail}")
            finally:
                reader.close()
                self.reader = None
                self.done_size += _size(unit.path)


_READ_ERRORS = (OSError, EOFError, ValueError, zlib.error, gzip.BadGzipFile)


def _size(path: Path | None) -> int:
    try:
        return path.stat().st_size if path is not None else 0
    except OSError:
        return 0


def batches(events: Iterator[tuple[str, int, Any]], units: Sequence[Unit],
            batch_docs: int, batch_bytes: int) -> Iterator[Batch]:
    """Cut the event stream into batches; a batch closes before the record that would
    exceed its limits, so boundaries depend on the input only."""
    batch = Batch()
    for ev in events:
        kind, u, rec = ev
        if kind == "rec" and batch.records and (batch.records >= batch_docs
                                                or batch.size >= batch_bytes):
            yield batch
            batch = Batch()
        batch.events.append(ev)
        if kind == "rec":
            batch.records += 1
            batch.size += rec.size
            if rec.error is None:
                unit = units[u]
                batch.jobs.append((unit.fmt, rec.payload))
                batch.ids.append(_location(unit, rec))
    if batch.events:
        yield batch


def _location(unit: Unit, rec: Record | None) -> str:
    return f"{unit.name}:{rec.where}" if rec is not None and rec.where else unit.name


_WARM_UP = "The council met on Tuesday to discuss the new budget for the city.\n"


def _start_method() -> str:
    """``fork`` when it is safe (POSIX, one thread, pyarrow not loaded): the workers
    then inherit the models that the warm-up loaded and start in milliseconds.
    Otherwise ``forkserver`` (or ``spawn``), where each worker loads its own models."""
    import multiprocessing
    import threading

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and "pyarrow" not in sys.modules:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _results(batch_iter: Iterator[Batch], opts: RunOptions, want_report: bool,
             eager: bool = False) -> Iterator[tuple[Batch, list, dict]]:
    """(batch, outputs, stats) in input order; at most ``2 * jobs`` batches in flight.

    The pool starts once a second batch exists (one batch is cleaned here), or before
    anything is read when ``eager`` (Parquet: before pyarrow loads, so fork is safe).
    """
    local = (opts.config, opts.fields)
    head: list[Batch] = []
    if opts.jobs <= 1 or not eager:
        head = list(itertools.islice(batch_iter, 1 if opts.jobs <= 1 else 2))
        if len(head) < 2:  # one process: no pool
            for b in itertools.chain(head, batch_iter):
                yield (b, *process_batch(*local, b.jobs, b.ids, want_report))
            return
    import multiprocessing

    method = _start_method()
    frozen = False
    if method == "fork":  # load the models once, here; the workers share them
        process_batch(opts.config, opts.fields, [("text", _WARM_UP)], ["warm-up"], False)
        # Move everything loaded so far out of the collector's reach: a collection in a
        # worker would otherwise write to the header of every inherited container (the
        # word lists hold hundreds of thousands) and copy its page, so the shared models
        # would slowly become one private copy per worker.
        # (Left alone when the caller froze objects itself: unfreeze would thaw theirs.)
        if gc.get_freeze_count() == 0:
            gc.freeze()
            frozen = True
    ctx = multiprocessing.get_context(method)
    ex = ProcessPoolExecutor(opts.jobs, mp_context=ctx, initializer=_init_worker,
                             initargs=(opts.config.replace(workers=opts.jobs), opts.fields,
                                       want_report))
    try:
        pending: deque = deque()
        for b in itertools.chain(head, batch_iter):
            pending.append((b, ex.submit(_work, b.jobs, b.ids)))
            if len(pending) >= 2 * opts.jobs:
                b0, fut = pending.popleft()
                yield (b0, *fut.result())
        while pending:
            b0, fut = pending.popleft()
            yield (b0, *fut.result())
    finally:
        ex.shutdown(wait=True, cancel_futures=True)
        if frozen:
            gc.unfreeze()


# --- main side: journal ------------------------------------------------------------
def fingerprint(units: Sequence[Unit], opts: RunOptions) -> str:
    """What a journal must match to be resumed: inputs (size, mtime) and options."""
    h = hashlib.sha256()
    for u in units:
        st = u.path.stat() if u.path is not None and u.path.exists() else None
        h.update(json.dumps([u.name, str(u.path), u.fmt, str(u.target), u.header,
                             st.st_size if st else None, st.st_mtime_ns if st else None]
                            ).encode())
    h.update(json.dumps([opts.config.to_dict(), opts.fields.__dict__, opts.batch_docs,
                         opts.batch_bytes, opts.report, str(opts.errors)],
                        sort_keys=True, default=str).encode())
    return h.hexdigest()


def _write_json_atomic(path: Path, data: dict) -> None:
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class _Lines:
    """An errors or report JSONL: a partial file renamed at the end, or stderr.

    A failed write raises :class:`OutputError` (errors must never be lost silently).
    """

    def __init__(self, path: str | Path | None, resume_at: int | None, what: str) -> None:
        self.path = None if path in (None, "-") else Path(path)
        self.stderr = path == "-"
        self.what = what
        self.sink = None
        if self.path:
            with self._guard():
                self.sink = StreamSink(self.path, resume_at=resume_at)

    def _guard(self):
        import contextlib

        @contextlib.contextmanager
        def guard():
            try:
                yield
            except OSError as exc:
                raise OutputError(f"{self.path}: cannot write the {self.what} file: "
                                  f"{_why(exc)}", exc.errno) from None
        return guard()

    def write(self, line: str) -> None:
        if self.sink:
            with self._guard():
                self.sink.write(line.encode("utf-8"))
        elif self.stderr:
            sys.stderr.write(line)

    def offset(self) -> int:
        return self.sink.offset() if self.sink else 0

    def commit(self) -> None:
        if self.sink:
            with self._guard():
                self.sink.commit()

    def close(self) -> None:
        if self.sink:
            self.sink.close()

    def finalize(self, keep: bool = True) -> None:
        if not self.sink:
            return
        with self._guard():
            if keep:
                self.sink.finalize()
            else:
                self.sink.abort()
                if not self.sink.direct:  # a stale file of an earlier run
                    self.sink.path.unlink(missing_ok=True)


# --- main side: progress -----------------------------------------------------------
class Progress:
    """One self-overwriting stderr line: documents, docs/s, MB/s, ETA."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled, self.total = enabled, total
        self.start = self.last = time.monotonic()

    def update(self, records: int, bytes_in: int, position: int, force: bool = False) -> None:
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.25):
            return
        self.last = now
        secs = max(now - self.start, 1e-6)
        eta = ""
        if self.total and position:
            left = max(self.total - position, 0) * secs / position
            eta = f"  ETA {int(left) // 3600}:{int(left) % 3600 // 60:02d}:{int(left) % 60:02d}"
        pct = f"{min(100.0, 100.0 * position / self.total):5.1f}%  " if self.total else ""
        sys.stderr.write(f"\rpolyclean: {pct}{records:,} records  {records / secs:,.0f} docs/s"
                         f"  {bytes_in / secs / 1e6:.2f} MB/s{eta}\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


# --- the run -----------------------------------------------------------------------
def run(units: Sequence[Unit], opts: RunOptions) -> Summary:
    """Clean every unit; returns the summary (``errors`` > 0: some record failed).

    Raises :class:`ResumeError` when ``opts.resume`` finds a journal of other inputs
    or options, and ``BrokenProcessPool`` when a worker dies (the journal stays, so
    the run can be resumed).
    """
    return _Run(units, opts).go()


class _Run:
    def __init__(self, units: Sequence[Unit], opts: RunOptions) -> None:
        self.units, self.opts = units, opts
        self.sum = Summary(errors_path=str(opts.errors) if opts.errors else None)
        self.fp = fingerprint(units, opts) if opts.journal else ""
        self.sinks: dict[int, Sink] = {}
        self.dead: set[int] = set()  # units whose output could not be written
        self.units_done = 0
        self.unit_records = 0
        self.error_lines = 0
        self.errors = self.report = _Lines(None, None, "")

    # -- journal ------------------------------------------------------------------
    def _load_journal(self) -> dict | None:
        j = self.opts.journal
        if not (self.opts.resume and j is not None and j.exists()):
            return None
        try:
            data = json.loads(j.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise ResumeError(f"cannot read the journal {j}: {exc}") from exc
        if data.get("version") != JOURNAL_VERSION or data.get("fingerprint") != self.fp:
            raise ResumeError(
                f"the journal {j} belongs to other inputs or options (an input changed "
                "since, or a flag differs); run without --resume to start again")
        return data

    def _save_journal(self, finished: bool = False) -> None:
        if self.opts.journal is None:
            return
        open_sink = self.sinks.get(self.units_done)
        s = self.sum
        try:
            _write_json_atomic(self.opts.journal, {
                "version": JOURNAL_VERSION, "fingerprint": self.fp, "finished": finished,
                "records": s.records, "units_done": self.units_done,
                "unit_records": self.unit_records,
                "sink_offset": open_sink.offset() if open_sink is not None else None,
                "errors_offset": self.errors.offset(), "report_offset": self.report.offset(),
                "errors": s.errors, "bytes_in": s.bytes_in,
                "bytes_out": s.bytes_out, "stats": s.stats, "dead": sorted(self.dead),
            })
        except OSError as exc:
            raise OutputError(f"{self.opts.journal}: cannot write the journal: {_why(exc)}",
                              exc.errno) from None

    # -- the loop -------------------------------------------------------------------
    def go(self) -> Summary:
        opts, s = self.opts, self.sum
        t0 = time.perf_counter()
        state = self._load_journal()
        if state is not None:
            for k in ("records", "errors", "bytes_in", "bytes_out"):
                setattr(s, k, state[k])
            s.stats = dict(state["stats"])
            s.resumed_at = s.records
            self.units_done, self.unit_records = state["units_done"], state["unit_records"]
            self.dead = set(state.get("dead", ()))
            for u, unit in enumerate(self.units[:self.units_done]):
                if unit.target is not None and unit.fmt != "text" and u not in self.dead:
                    finish_interrupted(unit.target)
        if state is not None and state.get("finished"):  # killed while putting files in place
            for path in (opts.errors, opts.report):
                if path not in (None, "-"):
                    if path == opts.errors and not s.errors:
                        partial_path(Path(path)).unlink(missing_ok=True)
                    finish_interrupted(Path(path))
            opts.journal.unlink(missing_ok=True)
            s.seconds = time.perf_counter() - t0
            return s
        self.errors = _Lines(opts.errors, state["errors_offset"] if state else None, "errors")
        self.report = _Lines(opts.report, state["report_offset"] if state else None, "report")
        resume_offset = state["sink_offset"] if state else None
        want_report = opts.report is not None
        inp = _Input(self.units, opts.fields, self.units_done, self.unit_records)
        progress = Progress(opts.progress, sum(_size(u.path) for u in self.units))
        try:
            stream = _results(batches(inp.events(), self.units, opts.batch_docs,
                                      opts.batch_bytes), opts, want_report,
                              eager=any(u.fmt == "parquet" for u in self.units))
            for batch, outs, stats in stream:
                completed = self._write_batch(batch, outs, resume_offset)
                resume_offset = None
                _add(s.stats, stats)
                for u, sink in list(self.sinks.items()):
                    self._unit_io(u, sink.commit)
                self.errors.commit()
                self.report.commit()
                self._save_journal()
                for u in completed:
                    if u in self.sinks:
                        self._unit_io(u, self.sinks[u].finalize)
                        self.sinks.pop(u, None)
                progress.update(s.records, s.bytes_in, inp.position())
        except StopRun:
            for sink in self.sinks.values():
                sink.abort()
            self.report.finalize(keep=False)
            self.errors.finalize(keep=True)
            if opts.journal is not None:
                opts.journal.unlink(missing_ok=True)
            s.stopped = True
            s.seconds = time.perf_counter() - t0
            return s
        except OutputError as exc:
            # Stop; leave the partial files and the last journal as they are, so that
            # --resume continues from the last batch that was written completely.
            for sink in self.sinks.values():
                sink.close()
            self.errors.close()
            self.report.close()
            s.stopped = True
            msg = f"{exc}; stopped after {s.records:,} record{'' if s.records == 1 else 's'}"
            if opts.journal is not None and opts.journal.exists():
                msg += ("; make room, then run the same command with --resume to "
                        "continue" if exc.errno in _NO_SPACE else
                        "; fix it, then run the same command with --resume to continue")
            raise OutputError(msg, exc.errno) from None
        finally:
            progress.close()
        self._save_journal(finished=True)
        return self._finish(t0)

    def _finish(self, t0: float) -> Summary:
        self.errors.finalize(keep=self.sum.errors > 0)
        self.report.finalize()
        if self.opts.journal is not None:
            self.opts.journal.unlink(missing_ok=True)
        self.sum.seconds = time.perf_counter() - t0
        return self.sum

    # -- output failures ----------------------------------------------------------------
    def _unit_io(self, u: int, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` on unit ``u``'s output; a failure fails that unit only (its
        partial output is removed, one error says why), unless the disk is full or the
        output is stdout: then the whole run stops (:class:`OutputError`)."""
        try:
            return fn(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            unit = self.units[u]
            where = str(unit.target) if unit.target is not None else "stdout"
            if unit.target is None or exc.errno in _NO_SPACE:
                raise OutputError(f"{where}: cannot write: {_why(exc)}", exc.errno) from None
            sink = self.sinks.pop(u, None)
            if sink is not None:
                try:
                    sink.abort()
                except OSError:
                    pass
            self.dead.add(u)
            self._error(unit, None, f"cannot write the output {where}: {_why(exc)}; "
                        "nothing was written for this input")
            return None

    def _write_batch(self, batch: Batch, outs: list, resume_offset: int | None) -> list[int]:
        s = self.sum
        completed: list[int] = []
        j = 0
        for kind, u, x in batch.events:
            unit = self.units[u]
            if kind == "start":
                if u not in self.dead:
                    sink = self._unit_io(u, self._open_sink, unit, x,
                                         resume_offset if u == self.units_done else None)
                    if sink is not None:
                        self.sinks[u] = sink
            elif kind == "rec":
                rec: Record = x
                s.records += 1
                self.unit_records += 1
                s.bytes_in += rec.size
                if rec.error is not None:
                    self._error(unit, rec, rec.error)
                    continue
                out, err, line = outs[j]
                j += 1
                if line is not None:
                    self.report.write(line)
                if err is not None:
                    self._error(unit, rec, err)
                    continue
                if u in self.dead:
                    continue
                n = self._unit_io(u, self.sinks[u].write, out, rec.keep)
                s.bytes_out += n or 0
            elif kind == "end":
                if u not in self.dead:
                    completed.append(u)
                self.units_done, self.unit_records = u + 1, 0
            elif kind == "fail":
                sink = self.sinks.pop(u, None)
                if sink is not None:
                    sink.abort()
                self.units_done, self.unit_records = u + 1, 0
                self._error(unit, None, x)
        return completed

    def _open_sink(self, unit: Unit, meta: Any, resume_at: int | None) -> Sink:
        if unit.fmt == "text":
            return TextFileSink(unit.target) if unit.target else StdoutTextSink(unit.header)
        if unit.fmt == "parquet":
            return ParquetSink(unit.target, meta, self.opts.fields, resume_at)
        header = b""
        if unit.fmt in ("csv", "tsv"):
            import csv
            import io

            buf = io.StringIO()
            csv.writer(buf, delimiter="\t" if unit.fmt == "tsv" else ",",
                       lineterminator="\n").writerow(meta)
            header = buf.getvalue().encode("utf-8")
        return StreamSink(unit.target, header, resume_at)

    def _error(self, unit: Unit, rec: Record | None, msg: str) -> None:
        s = self.sum
        msg = _safe(msg)
        s.errors += 1
        entry: dict[str, Any] = {"input": unit.name}
        if rec is not None and rec.where:
            key, _, num = rec.where.partition(" ")
            entry[key] = int(num)
        entry["error"] = msg
        if rec is not None and unit.fmt == "jsonl" and isinstance(rec.payload, bytes):
            entry["raw"] = rec.payload.decode("utf-8", "replace").rstrip("\n")[:MAX_RAW]
        if self.opts.errors is None or self.error_lines < self.opts.max_error_lines:
            print(f"polyclean: error: {_location(unit, rec)}: {msg}", file=sys.stderr)
        elif self.error_lines == self.opts.max_error_lines:
            print(f"polyclean: error: more errors: see {self.opts.errors}", file=sys.stderr)
        self.error_lines += 1
        self.errors.write(to_json(entry) + "\n")
        if self.opts.report is not None and rec is not None and rec.error is not None:
            self.report.write(_error_report(_location(unit, rec), msg))
        if self.opts.on_error == "fail":
            raise StopRun(msg)
