"""The batch run: records in -> :class:`Cleaner` in worker processes -> outputs.

The main process reads the inputs as one stream of events (:mod:`polyclean.events`),
cuts it into batches whose boundaries depend on the input only, has them cleaned by
:mod:`polyclean.workers` and writes the results in input order through
:mod:`polyclean.sinks`.

Robustness: every output is written to a hidden partial file and put in place when
complete; an exclusive lock keeps a second run off the same output.  After each batch
the journal (:mod:`polyclean.journal`) records the resume point of every output and
side file; ``resume`` continues from it, byte for byte.  A bad record becomes a line
in the errors file and the run goes on (``on_error="fail"`` stops at the first; the
first ``max_errors`` records failing the same way stop it too).  An output of its own
that cannot be written fails its input alone; a full disk, failing stdout, a shared
output or an unwritable errors/report file stops the run with :class:`OutputError`
(complete outputs stay; ``resume`` continues).
"""

from __future__ import annotations

import contextlib
import errno
import glob
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from .config import Config
from .errors import (E, InputError, Interrupted, OutputError, RecordError, ResumeError, StopRun,
                     plural)
from .events import Batch, InputStream, batches, html_hint, location, total_size
from .formats import READ_ERRORS, READERS, FieldOptions, Record, excerpt
from .journal import Journal, OutputLock, run_facts
from .plan import Plan, Unit, show
from .records import render_row, table_line
from .runlog import ErrorLog, Lines, Progress, Summary, say, why
from .sinks import (ParquetSink, Sink, StreamSink, TableSink, TextFileSink, is_work_file,
                    make_folders, partial_path, remove_path, sweep, sync_all, work_stem)
from .workers import add_stats, cores, error_report, outcome_fields, record_id, results

# Out of space: every later write would fail too, so the run stops (resumably).
_NO_SPACE = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
_RECORD_FORMATS = ("jsonl", "csv", "tsv", "parquet", "warc")


@dataclass
class RunOptions:
    """Where the side files go; everything else is in ``config``."""

    config: Config
    errors: Path | None = None  # errors JSONL (None: stderr lines only)
    report: str | None = None  # report JSONL, "-" for stderr
    journal: Path | None = None  # None: no journal (stdout output)
    lock: Path | None = None  # the output to lock (None: none)
    progress: bool = False


def _column_names(meta: Any) -> list[str] | None:
    """The columns of a reader's metadata: a CSV/TSV header, a Parquet schema's names
    (the fields polyclean writes included); None for formats without columns."""
    if isinstance(meta, list):
        return meta
    names = getattr(meta, "names", None)
    return list(names) if names is not None else None


def _columns_schema(meta: Any) -> Any:
    """The schema of a Parquet output without rows, from its first input's metadata:
    a Parquet schema as it is, a CSV/TSV header as text columns (CSV cells stay text)."""
    if isinstance(meta, list):
        import pyarrow as pa

        return pa.schema([(name, pa.string()) for name in meta])
    return meta if hasattr(meta, "empty_table") else None


def run(plan: Plan, opts: RunOptions) -> Summary:
    """Clean every unit of ``plan``; returns the summary (``errors`` > 0: some record
    failed).  Raises :class:`ResumeError` when ``config.resume`` finds a journal of
    other inputs or options, :class:`UsageError` when another run holds the output,
    :class:`OutputError` when an output cannot be written, :class:`StopRun` and
    :class:`Interrupted`."""
    try:
        lock = OutputLock(opts.lock).acquire() if opts.lock is not None else None
    except OSError as exc:  # a folder that takes no new files (/proc, a read-only mount)
        where = opts.lock.parent
        if plan.folder and opts.lock.is_dir() and os.access(opts.lock, os.W_OK | os.X_OK):
            # -o /out in a container, writable, under a / that is not: the folder was fine
            raise OutputError(E.OUTPUT_BESIDE_UNWRITABLE.format(
                out=show(str(opts.lock)), where=show(str(where)), why=why(exc),
                inner=show(str(opts.lock / "cleaned")))) from None
        raise OutputError(E.OUTPUT_UNWRITABLE.format(
            out=show(str(opts.lock)), where=show(str(where)), why=why(exc))) from None
    try:
        return _Run(plan, opts, lock).go()
    finally:
        if lock is not None:
            lock.release()


class RunPage:
    """The HTML run report of a run (``--html-report``): the workers' parts merged in
    input order, the errors the run logs, and the page written at the end with the
    summary.

    With a journal, what each batch added (its part and its errors) is appended to a
    hidden log beside the page before the journal that counts the batch is saved: a
    cost of the batch's size, not of the whole aggregate.  A resumed run replays the
    log up to the records the journal counts (a kill between the two leaves one entry
    too many, which is dropped), so its page counts the whole run once."""

    def __init__(self, path: str | None, journal: Path | None) -> None:
        self.path = path
        self.agg = None
        self.state = None
        if path and journal:  # beside the page, or the journal for stdout ("-")
            self.state = partial_path(Path(path), "runreport") if path != "-" else \
                journal.with_name(journal.name.removesuffix("journal") + "runreport")
        self.todo: list[tuple] = []  # what was added since the last save, in order
        if path:
            from .runreport.aggregate import RunReport

            RunReport.new_run()
            self.agg = RunReport()

    def merge(self, part: Any) -> None:
        if self.agg is not None and part is not None:
            self.agg.merge(part)
            if self.state is not None:
                self.todo.append(("part", part))

    def error(self, doc_id: Any, msg: str, record: bool = True) -> None:
        if self.agg is not None:
            self.agg.add_error(doc_id, msg, record)
            if self.state is not None:
                self.todo.append(("error", doc_id, msg, record))

    def save(self, records: int) -> None:
        """Append what was added since the last save, as of ``records`` records."""
        if self.state is None:
            return
        import pickle

        entry = pickle.dumps((records, self.todo), protocol=pickle.HIGHEST_PROTOCOL)
        self.todo = []
        try:
            self.state.parent.mkdir(parents=True, exist_ok=True)  # as --report's folder
            with open(self.state, "ab") as fh:
                fh.write(len(entry).to_bytes(8, "little") + entry)
        except OSError as exc:
            raise OutputError(E.SIDE_FILE_FAILED.format(path=self.path, what="run report",
                                                        why=why(exc, self.path)), exc.errno) from None

    def restore(self, records: int) -> None:
        """Replay the log's entries up to the journal's ``records``; drop the rest."""
        if self.state is None or not self.state.exists():
            return
        import pickle

        data = self.state.read_bytes()
        pos = 0
        while pos + 8 <= len(data):
            size = int.from_bytes(data[pos:pos + 8], "little")
            if pos + 8 + size > len(data):
                break
            done, ops = pickle.loads(data[pos + 8:pos + 8 + size])
            if done > records:
                break
            for op in ops:
                if op[0] == "part":
                    self.agg.merge(op[1])
                else:
                    self.agg.add_error(*op[1:])
            pos += 8 + size
        with open(self.state, "r+b") as fh:  # later entries follow the kept ones
            fh.truncate(pos)

    def files(self) -> list[Path]:
        """The work files to keep when a run resumes."""
        return [self.state] if self.state is not None else []

    def discard(self) -> None:
        """Remove the log a killed run left (the run starts over)."""
        for path in self.files():
            path.unlink(missing_ok=True)

    def write(self, summary: Summary) -> None:
        if self.agg is None:
            return
        try:
            self.agg.write_html(self.path, summary.to_json())
        except OSError as exc:
            raise OutputError(E.SIDE_FILE_FAILED.format(path=self.path, what="run report",
                                                        why=why(exc, self.path)), exc.errno) from None
        finally:  # the journal is gone: the log cannot be resumed
            self.discard()


class _Run:
    def __init__(self, plan: Plan, opts: RunOptions, lock: OutputLock | None) -> None:
        self.plan, self.opts, self.cfg = plan, opts, opts.config
        self.fields = FieldOptions.from_config(self.cfg)
        self.lock = lock
        cfg = self.cfg
        self.sum = Summary(errors_path=str(opts.errors) if opts.errors else None,
                           inputs=len(plan.units), outputs=len(plan.outputs),
                           reading={"text_field": cfg.text_field, "encoding": cfg.encoding,
                                    "extract": cfg.extract, "markup": cfg.markup})
        self.journal = Journal(opts.journal, *run_facts(plan, self.cfg, [
            opts.errors, opts.report, self.cfg.html_report])) if opts.journal else \
            Journal(None, "")
        self.sinks: dict[int, Sink] = {}
        self.marks: dict[int, Any] = {}  # unit -> its output's point before it
        self.dead: set[int] = set()  # outputs that could not be written
        self.units_done = self.unit_records = 0
        self.placed = 0  # outputs put in place in the batches before the last journal
        self.resume: dict[str, Any] = {}  # output -> journalled state, taken when it opens
        self.streak: list | None = [None, 0]  # the first records' one error, while they all fail
        self.report = Lines(None, None, "")
        self.log = ErrorLog(Lines(None, None, ""), None, self.cfg.quiet)
        self.page = RunPage(self.cfg.html_report, opts.journal)  # --html-report

    # -- journal ------------------------------------------------------------------
    def _restore(self) -> dict | None:
        """Load the journal (``resume``) and finish what the killed run had completed."""
        self.stale = self.opts.journal is not None and self.opts.journal.exists()
        state = self.journal.load() if self.cfg.resume else None
        if state is None:
            if self.stale and not self.cfg.quiet:
                say("warning", E.RUN_STARTS_OVER.format(
                    out=show(str(self.plan.out)),
                    records=plural(self.journal.records_done(), "record")))
            elif self.cfg.resume and not self.cfg.quiet:
                say("warning", E.RESUME_NOTHING.format(out=show(str(self.plan.out))))
            self.journal.remove()
            self.page.discard()  # a killed run's page log counts records run again
            return None
        s = self.sum
        for k in ("records", "errors", "skipped", "bytes_in", "bytes_out"):
            setattr(s, k, state[k])
        s.stats = dict(state["stats"])
        s.resumed_at, s.resumed_bytes_in = s.records, s.bytes_in
        s.resumed_documents = s.documents
        self.units_done, self.unit_records = state["units_done"], state["unit_records"]
        self.dead = set(state["dead"])
        self.streak = state["streak"]
        self.resume = dict(state["open"])
        self.marks = {int(u): m for u, m in state["marks"].items()}
        self.placed = state.get("placed", 0)
        self._check_placed(state)
        for o, st in state["pending"].items():
            self._output(int(o), None, {**st, "complete": True}).finalize()
        self.page.restore(state["records"])
        return state

    def _check_placed(self, state: dict) -> None:
        """The outputs the killed run had put in place must still be there: a mirrored
        tree deleted (or files taken from it) before ``--resume`` gave a tree without
        them, and exit 0 when nothing else failed."""
        if not self.placed:
            return
        pending = {int(o) for o in state["pending"]}
        there = sum(1 for o, out in enumerate(self.plan.outputs)
                    if out.target is not None and out.units and out.units[-1] < self.units_done
                    and o not in pending and o not in self.dead
                    and os.path.lexists(out.target))
        if there < self.placed:
            raise ResumeError(E.RESUME_OUTPUTS_GONE.format(
                out=show(str(self.plan.out)), n=self.placed - there, of=self.placed))

    def _save(self, pending: dict[int, dict], finished: bool = False) -> None:
        s = self.sum
        self.page.save(s.records)  # before the journal that points past this batch
        self.journal.save({
            "finished": finished, "records": s.records, "units_done": self.units_done,
            "unit_records": self.unit_records, "errors": s.errors, "skipped": s.skipped,
            "bytes_in": s.bytes_in, "bytes_out": s.bytes_out, "stats": s.stats,
            "dead": sorted(self.dead), "streak": self.streak,
            "open": {str(o): sink.state() for o, sink in self.sinks.items()},
            "pending": {str(o): st for o, st in pending.items()},
            "marks": {str(u): m for u, m in self.marks.items() if u >= self.units_done},
            "placed": self.placed,
            "errors_state": self.log.lines.state(), "report_state": self.report.state(),
        })

    def _sweep(self, state: dict | None) -> None:
        """Remove what a killed run left behind (work files not needed to resume)."""
        if self.opts.journal is None or not (self.stale or (self.lock and self.lock.stale)):
            return
        keep = {partial_path(self.plan.outputs[int(o)].target, suffix)
                for o in self.resume for suffix in ("partial", "partial.d")}
        for side in (self.opts.errors, self.opts.report):
            if side not in (None, "-") and state is not None:
                keep.add(partial_path(Path(side)))
        if state is not None:
            keep.update(self.page.files())
        if self.plan.folder and self.plan.out.is_dir():
            sweep(self.plan.out, keep)
        for target in [self.plan.out] + [Path(p) for p in (
                self.opts.errors, self.opts.report, self.cfg.html_report, self.cfg.summary_json)
                if p not in (None, "-")]:  # the page and summary: a kill while written
            if target is not None and target.parent.is_dir():
                for p in target.parent.glob(f".{glob.escape(work_stem(target.name))}"
                                            ".polyclean-*"):
                    if is_work_file(p.name) and p not in keep:
                        remove_path(p)
                for p in target.parent.glob(".polyclean-probe-*"):
                    remove_path(p)

    # -- the loop -------------------------------------------------------------------
    def go(self) -> Summary:
        opts, s, cfg = self.opts, self.sum, self.cfg
        t0 = time.perf_counter()
        state = self._restore()
        self._sweep(state)
        if state is not None and state.get("finished"):  # killed while putting files in place
            self._side_files(state, complete=True)
            return self._finish(t0)  # the page too
        self._side_files(state)
        inp = InputStream(self.plan.units, self.fields, self.units_done, self.unit_records,
                          check_every=cfg.batch_docs, written=True,
                          html_hint=html_hint(cfg))
        if cfg.jobs > cores() and not cfg.quiet:
            say("warning", E.MORE_JOBS_THAN_CPUS.format(jobs=cfg.jobs, cpus=cores()))
        board = None
        if opts.progress:  # the phase of the batches in work, on the progress line
            from .phases import Board

            board = Board(max(cfg.jobs or cores(), 1))
        progress = Progress(opts.progress, total_size(self.plan.units), board,
                            (s.resumed_at, s.resumed_bytes_in))
        eager = any(u.fmt == "parquet" for u in self.plan.units) or any(
            o.fmt == "parquet" for o in self.plan.outputs)
        web = cfg.markup == "html" or any(u.fmt in ("html", "warc") for u in self.plan.units)
        stream = None
        try:
            stream = results(batches(inp.events(), self.plan.units, cfg.batch_docs,
                                     cfg.batch_bytes), cfg.jobs or cores(), cfg, self.fields,
                             opts.report is not None, eager=eager, web=web, board=board,
                             tick=progress.refresh if opts.progress else None)
            for batch, outs, stats, part in stream:
                self.page.merge(part)
                self._batch(batch, outs, stats)
                name = self.plan.units[batch.jobs[-1][0]].name if batch.jobs else ""
                progress.update(s.records, s.bytes_in, inp.position(), show(name))
        except StopRun as exc:
            self._stop(keep=getattr(exc, "keep", False))
            exc.summary = s
            raise
        except OutputError as exc:
            self._close()
            s.status = "stopped"
            err = OutputError(self._stopped_message(str(exc), exc.errno), exc.errno)
            err.summary = s
            raise err from None
        except KeyboardInterrupt:
            self._close()
            self._interrupted()
        finally:
            if stream is not None:  # its workers stopped here, in this thread: left to
                stream.close()  # the garbage collector, the pool was closed from its
            progress.close()  # own manager thread ("cannot join current thread")
        self._empty_outputs()
        self._save({}, finished=True)
        return self._finish(t0)

    def _empty_outputs(self) -> None:
        """The output file of a run whose every input was skipped (a folder of hidden
        files, FIFOs, links to folders) is written empty, as an empty input's is: it was
        not made at all, and the next step of a pipeline found no file after exit 0."""
        if any(u.problem is None or u.problem[0] != "skipped" for u in self.plan.units):
            return  # (an input that failed: exit 1, and no output is made)
        for o, out in enumerate(self.plan.outputs):
            if out.units or out.target is None or out.root is not None or o in self.dead:
                continue
            try:
                sink = self._output(o, None, None)
                sink.finalize()
            except OSError as exc:
                raise OutputError(E.WRITE_FAILED.format(where=show(str(out.target)),
                                                        why=why(exc)), exc.errno) from None

    def _side_files(self, state: dict | None, complete: bool = False) -> None:
        def resume(key: str) -> dict | None:
            st = state and state[key]
            return {**st, "complete": True} if st and complete else st

        self.log = ErrorLog(Lines(self.opts.errors, resume("errors_state"), "errors"),
                            self.sum.errors_path, self.cfg.quiet)
        self.report = Lines(self.opts.report, resume("report_state"), "report")

    def _batch(self, batch: Batch, outs: list, stats: dict) -> None:
        """Write one batch, make it a resume point, put completed outputs in place."""
        completed = self._write_batch(batch, outs)
        add_stats(self.sum.stats, stats)
        sync_all([s for s in self.sinks.values() if isinstance(s, TextFileSink)])
        for o, sink in list(self.sinks.items()):
            self.sum.bytes_out += self._output_io(o, sink.commit) or 0  # Parquet's parts
        self.log.lines.commit()
        self.report.commit()
        self._save({o: self.sinks[o].state() for o in completed if o in self.sinks})
        sync_all([self.sinks[o] for o in completed if o in self.sinks])
        for o in completed:
            sink = self.sinks.pop(o, None)
            if sink is not None:
                self._output_io(o, sink.finalize)
                self.placed += o not in self.dead

    def _finish(self, t0: float) -> Summary:
        s = self.sum
        self.log.lines.finalize(keep=s.errors + s.skipped > 0)
        self.report.finalize()
        self.journal.remove()
        self.log.repeats()
        s.status = "failed" if s.errors else "ok"
        s.seconds = time.perf_counter() - t0
        self.page.write(s)
        return s

    def _stop(self, keep: bool = False) -> None:
        """The run stops on purpose.  ``on_error="fail"`` (``keep``): every output holds
        what came before the record that failed, put in place, as a mirrored tree and
        stdout always did (a single output file used to be removed, so nothing cleaned
        before the failure was written); the report keeps its lines.  ``max_errors``:
        every record so far failed, and nothing is put in place."""
        for o, sink in self.sinks.items():
            if keep and o not in self.dead:
                self._output_io(o, sink.commit)
                self._output_io(o, sink.finalize)
            else:
                sink.abort()
        self.report.finalize(keep=keep)
        self.log.lines.finalize(keep=True)
        self.journal.remove()
        self.sum.status = "stopped"

    def _close(self) -> None:
        """Stop, keeping the partial files and the last journal for ``--resume``; a
        run stopped before its first journal (Ctrl-C, SIGTERM or a full disk during
        its first batch) has nothing to resume, and its work files go (they were left
        behind, hidden, with no journal that would ever use or remove them)."""
        for sink in self.sinks.values():
            sink.close()
        self.log.lines.close()
        self.report.close()
        if self.opts.journal is not None and self.opts.journal.exists():
            return
        for sink in [*self.sinks.values(), self.log.lines.sink, self.report.sink]:
            if sink is not None:
                with contextlib.suppress(OSError):
                    sink.abort()
        with contextlib.suppress(OSError):
            self.page.discard()

    def _stopped_message(self, msg: str, err: int | None) -> str:
        n = self.sum.records
        msg = E.STOPPED_AFTER.format(why=msg, n=n, s="" if n == 1 else "s")
        if self.opts.journal is not None and self.opts.journal.exists():
            msg += E.RESUME_HINT_SPACE if err in _NO_SPACE else E.RESUME_HINT
        return msg

    def _interrupted(self) -> None:
        name = _LAST_SIGNAL[0]
        resumable = self.opts.journal is not None and self.opts.journal.exists()
        msg = E.INTERRUPTED.format(signal=name, records=plural(self.sum.records, "record"))
        self.sum.status = "interrupted"
        err = Interrupted(msg + (E.INTERRUPTED_RESUME if resumable else ""), name, resumable)
        err.summary = self.sum
        raise err from None

    # -- outputs --------------------------------------------------------------------
    def _output(self, o: int, unit: Unit | None, resume: dict | None, meta: Any = None) -> Sink:
        """The sink of output ``o`` (opened for ``unit``, whose reader gave ``meta``)."""
        out, fields = self.plan.outputs[o], self.fields
        if out.target is not None and resume is None:
            if out.root is not None:
                make_folders(out.root, out.target.parent)
            else:
                out.target.parent.mkdir(parents=True, exist_ok=True)
        if not out.units:  # every input was skipped: an empty output, as of an empty input
            if out.fmt == "parquet":
                return ParquetSink(out.target, None, fields.out, resume)
            if out.fmt in ("csv", "tsv"):
                return TableSink(out.target, out.fmt, fields.delimiter, out.compress, resume,
                                 None)
            return StreamSink(out.target, b"", out.compress, out.headers, resume)
        first = self.plan.units[out.units[0]]
        if out.fmt == "text" and out.root is not None and first.fmt in ("text", "html"):
            return TextFileSink(out.target)  # one document, one file
        if out.fmt == "parquet":
            schema = meta if first.fmt == "parquet" and len(out.units) == 1 else None
            if len(out.units) > 1 and hasattr(meta, "empty_table"):
                schema = self._shared_schema(out)
            return ParquetSink(out.target, schema, fields.out, resume,
                               None if schema is not None else _columns_schema(meta))
        if out.fmt in ("csv", "tsv") and not first.route.encoded:
            return TableSink(out.target, out.fmt, fields.delimiter, out.compress, resume,
                             _column_names(meta))
        header = b""
        if out.fmt in ("csv", "tsv") and meta is not None:
            raw = first.fmt == "tsv" and out.fmt == "tsv"
            header = table_line(meta, out.fmt, fields.delimiter, raw=raw).encode("utf-8")
        return StreamSink(out.target, header, out.compress, out.headers, resume)

    def _shared_schema(self, out: Any) -> Any:
        """The schema of every Parquet input of ``out`` when they all have one (the
        parts of one table merged into one file keep their types, as one part does);
        None when an input is not Parquet or the schemas differ.  An input that cannot
        be opened is left out: it fails as a whole and gives no rows."""
        shared = None
        for u in out.units:
            unit = self.plan.units[u]
            if unit.fmt != "parquet":
                return None
            if unit.problem is not None:
                continue
            reader = READERS["parquet"](unit.path, self.fields)
            try:
                schema = reader.open()
            except (InputError, *READ_ERRORS):
                continue
            finally:
                reader.close()
            if schema is None:  # a file of 0 bytes
                continue
            if shared is None:
                shared = schema
            elif not schema.equals(shared, check_metadata=False):
                return None
        return shared

    def _output_io(self, o: int, fn: Any, *args: Any) -> Any:
        """``fn(*args)`` on output ``o``; a failure fails that output's input alone
        (its partial output is removed, one error says why), unless the disk is full,
        the output is stdout or shared by several inputs: then the run stops."""
        try:
            return fn(*args)
        except BrokenPipeError:
            raise
        except OSError as exc:
            out = self.plan.outputs[o]
            where = show(str(out.target)) if out.target is not None else "stdout"
            reason = exc.strerror if exc.errno == 0 else why(exc)
            if out.target is None or exc.errno in _NO_SPACE or len(out.units) > 1:
                raise OutputError(E.WRITE_FAILED.format(where=where, why=reason),
                                  exc.errno) from None
            sink = self.sinks.pop(o, None)
            if sink is not None:
                try:
                    sink.abort()
                except OSError:
                    pass
            self.dead.add(o)
            unit = self.plan.units[out.units[0]]
            self._error(unit, None, E.UNIT_UNWRITABLE.format(where=where, why=reason))
            return None

    # -- one batch --------------------------------------------------------------------
    def _write_batch(self, batch: Batch, outs: list) -> list[int]:
        """Write the batch's events in order; the outputs completed by it."""
        completed: list[int] = []
        j = 0
        for kind, u, x in batch.events:
            unit = self.plan.units[u]
            if kind == "rec":
                if x.error is None:
                    j += 1
                self._record(u, unit, x, outs[j - 1] if x.error is None else None)
            elif kind == "start":
                self._start(u, unit, x)
            elif kind in ("end", "fail", "skip"):
                self.units_done, self.unit_records = u + 1, 0
                if kind == "end" and x:
                    add_stats(self.sum.stats, x)
                if kind == "fail":
                    self._fail(u, unit, x)
                elif kind == "skip":
                    self.sum.skipped += 1
                    self.log.add(unit.name, "", "skipped", x, None)
                if unit.output >= 0 and u == self.plan.outputs[unit.output].units[-1]:
                    completed.append(unit.output)
            elif kind in ("warn", "note"):
                if kind == "warn" and unit.output in self.sinks:  # an empty input
                    self._output_io(unit.output, self.sinks[unit.output].empty_input)
                if not self.cfg.quiet:
                    say("warning", f"{show(unit.name)}: {x}")
        return completed

    def _start(self, u: int, unit: Unit, meta: Any) -> None:
        o = unit.output
        if o in self.dead:
            return
        sink = self.sinks.get(o)
        if sink is None:
            sink = self._output_io(o, self._output, o, unit, self.resume.pop(str(o), None),
                                   meta)
            if sink is None:
                return
            self.sinks[o] = sink
        if len(self.plan.outputs[o].units) > 1 and unit.fmt in _RECORD_FORMATS \
                and u not in self.marks:
            self.marks[u] = self._output_io(o, sink.mark)

    def _record(self, u: int, unit: Unit, rec: Record, out: tuple | None) -> None:
        s = self.sum
        s.records += 1
        self.unit_records += 1
        s.bytes_in += rec.size
        if out is None:
            known = getattr(rec.keep, "fields", None)  # a skipped WARC record's url, ...
            if rec.status == "skipped":
                s.skipped += 1
                self.log.add(unit.name, rec.where, "skipped", rec.error, rec.raw, known)
            else:  # a Parquet row the reader refused still has its id
                row = rec.keep if isinstance(rec.keep, dict) else {}
                self._error(unit, rec, rec.error, rec.raw, record_id(row, self.fields.id_field))
                o = unit.output
                if row and self.fields.status_field and o in self.sinks and o not in self.dead:
                    # written all the same (text null, status the error), as a row that
                    # fails to clean is, unless a cell of it cannot be written either
                    try:
                        result = render_row(unit.route, row, None, None, self.fields,
                                            outcome_fields(self.fields, None, rec.error))
                    except Exception:  # (the row is in the errors file already)
                        return
                    n = self._output_io(o, self.sinks[o].write, result,
                                        show(location(unit, rec)))
                    s.bytes_out += n or 0
            return
        result, err, line, own, empty = out
        if unit.fmt == "parquet" and result is not None:
            cleaned, report, extra = result
            try:
                result = render_row(unit.route, rec.keep, cleaned, report, self.fields, extra)
            except Exception as exc:  # a cell of a type no output format can hold
                why = E.RECORD_UNWRITABLE.format(why=exc if isinstance(exc, RecordError)
                                                 else f"{type(exc).__name__}: {exc}")
                if err is None:
                    err = why
                    if line is not None:
                        line = error_report(location(unit, rec) if own is None else own, why)
                result = empty = None
        if line is not None:
            self.report.write(line)
        if empty is not None:  # written, but the user should know it is empty
            add_stats(s.stats, {"documents_empty": 1})
            self.log.tell(unit.name, rec.where, "warning", empty,
                          {"id": own} if own is not None else None)
        if err is not None:
            self._error(unit, rec, err, self._raw(unit, rec), own)
            if result is None:
                return
        else:
            self.streak = None
        o = unit.output
        if o in self.dead or o not in self.sinks:
            return
        n = self._output_io(o, self.sinks[o].write, result, show(location(unit, rec)))
        s.bytes_out += n or 0

    def _fail(self, u: int, unit: Unit, msg: str) -> None:
        """A unit that cannot be read (or broke part-way): take back what it wrote."""
        o = unit.output
        sink = self.sinks.get(o) if o >= 0 else None
        if sink is not None:
            if len(self.plan.outputs[o].units) > 1:
                if u in self.marks:
                    self._output_io(o, sink.rollback, self.marks[u])
            else:
                self.sinks.pop(o).abort()
        self.marks.pop(u, None)
        self._error(unit, None, msg)

    def _raw(self, unit: Unit, rec: Record) -> str | None:
        if unit.fmt == "jsonl" and rec.payload is not None:
            p = rec.payload
            text = p.decode("utf-8", "replace") if isinstance(p, bytes) else p
            return excerpt(text.rstrip("\r\n"))
        if unit.fmt in ("csv", "tsv") and rec.payload is not None:
            return excerpt(("\t" if unit.fmt == "tsv" else ",").join(rec.payload[0]))
        return None

    def _error(self, unit: Unit, rec: Record | None, msg: str, raw: str | None = None,
               own: Any = None) -> None:
        """Count and log an error (``own``: the record's own id, ``--id-field``)."""
        s = self.sum
        s.errors += 1
        self.log.add(unit.name, rec.where if rec is not None else "", "error", msg, raw,
                     {"id": own} if own is not None else None)
        self.page.error(own if own is not None else location(unit, rec) if rec is not None
                        else unit.name, msg, rec is not None)
        if self.opts.report is not None and rec is None:  # an input that failed as a whole
            self.report.write(error_report(unit.name, msg, scope="input"))
        elif self.opts.report is not None and rec.error is not None:
            self.report.write(error_report(location(unit, rec) if own is None else own, msg))
        if self.cfg.on_error == "fail":
            stop = StopRun(E.ON_ERROR_STOP)
            stop.keep = True
            raise stop
        if rec is not None and self.streak is not None:
            if self.streak[0] != msg:
                self.streak = [msg, 0] if self.streak[0] is None else None
            if self.streak is not None:
                self.streak[1] += 1
                if self.cfg.max_errors and self.streak[1] >= self.cfg.max_errors:
                    say("error", E.SAME_ERROR_STOP.format(
                        records=plural(self.streak[1], "record", "records all"), why=msg))
                    raise StopRun(msg)


_LAST_SIGNAL = ["SIGINT"]


@contextlib.contextmanager
def stop_on_sigterm() -> Iterator[None]:
    """Within this block SIGTERM stops a run the way Ctrl-C does (the command line uses
    it): partial files and the journal stay, and the message names ``--resume``."""
    import signal
    import threading

    def handler(signum: int, frame: Any) -> None:
        _LAST_SIGNAL[0] = "SIGTERM"
        raise KeyboardInterrupt

    _LAST_SIGNAL[0] = "SIGINT"
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
