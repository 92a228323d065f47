"""The worker side of a batch run, and the pool of worker processes.

Each batch is cleaned by a fresh :class:`~polyclean.pipeline.Cleaner` (models are
cached per process, learned state is per batch), so the output is the same for any
number of workers.  At most ``2 * jobs`` batches are in flight; results come back in
input order.

Workers never outlive the main process: on Linux each asks the kernel for SIGKILL
when its parent dies (``prctl(PR_SET_PDEATHSIG)``), and on every platform a
*watchdog pipe* (whose only write end the main process holds) wakes a thread in each
worker that exits the process when the pipe reports end-of-file, which is what the
kernel does to a pipe when its last writer dies.  ``POLYCLEAN_WATCHDOG=pipe`` turns the
first off, to test the second alone.
"""

from __future__ import annotations

import gc
import itertools
import logging
import os
import signal
import sys
import threading
from collections import deque
from concurrent.futures import ProcessPoolExecutor
from typing import Any, Callable, Iterator, Sequence

from .config import Config
from .doc import Doc
from .errors import E, RecordError
from .formats import FieldOptions
from .records import Route, empty_output, extract, record_fields, render, to_json
from .report import REPORT_SCHEMA, Report

log = logging.getLogger(__name__)

_WARM_UP = "The council met on Tuesday to discuss the new budget for the city.\n"
_WARM_UP_HTML = ("<html><body><nav><a href=/>Home</a></nav><article><p>" + _WARM_UP.strip()
                 + "</p></article></body></html>").encode()
_WORKER: dict[str, Any] = {}


# --- one record's document -----------------------------------------------------------------
def record_id(values: dict[str, Any], name: str | None) -> Any:
    """The record's own id (``--id-field``): the field's value, or None when there is
    no such field or it is empty (the record is then named by its location).

    >>> record_id({"id": 17, "text": "x"}, "id"), record_id({"id": ""}, "id"), record_id({}, None)
    (17, None, None)
    >>> record_id({"id": 1.5}, "id"), record_id({"id": [1, 2]}, "id")
    ('1.5', '[1, 2]')
    """
    if not name:
        return None
    value = values.get(name)
    if value is None or value == "":
        return None
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return to_json(value) if isinstance(value, (list, dict, bool)) else str(value)


def new_document(route: Route, state: Any, text: Any, where: str,
                 fields: FieldOptions) -> tuple[Doc, Any]:
    """The :class:`Doc` of one record before any stage (its record fields, ``markup``
    for an HTML file, a WARC record's :class:`~polyclean.web.document.WebRecord` as
    ``raw``), and its own id (``--id-field``; None: the doc is named ``where``)."""
    values = record_fields(route.fmt, state)
    own = record_id(values, fields.id_field)
    ident = where if own is None else own
    meta = {"markup": "html"} if route.fmt == "html" else {}
    report = Report(id=ident, location=None if own is None else where)
    return Doc(id=ident, raw=text, fields=values, meta=meta, report=report), own


def outcome_fields(fields: FieldOptions, lang: str | None, status: str) -> dict | None:
    """The fields written besides the text: the language and the status.

    >>> outcome_fields(FieldOptions(lang_field="lang", status_field="st"), "ru", "ok")
    {'lang': 'ru', 'st': 'ok'}
    """
    out: dict[str, Any] = {}
    if fields.lang_field:
        out[fields.lang_field] = lang
    if fields.status_field:
        out[fields.status_field] = status
    return out or None


def status_of(record: Report | dict) -> str:
    """``partial`` when a stage left part of its work undone (fragments left
    untranslated for want of a package, sentences refused), else ``ok``.

    >>> status_of({"stages": {"translate": "partial: 1 of 2 fragments translated"}})
    'partial'
    >>> status_of(Report(stages={"translate": "off"}))
    'ok'
    """
    stages = record.stages if isinstance(record, Report) else record.get("stages", {})
    return "partial" if any(v.startswith("partial") for v in stages.values()) else "ok"


# --- one batch ------------------------------------------------------------------------
def process_batch(config: Config, fields: FieldOptions, routes: dict[int, Route],
                  jobs: Sequence[tuple[int, Any]], ids: Sequence[str],
                  want_report: bool) -> tuple[list, dict[str, int], Any]:
    """Clean one batch: ``[(output, error, report_line, own_id, warning)]`` per job,
    the stats, and (``config.html_report``) the batch's part of the run report, else
    None.  ``own_id`` is the record's id (``--id-field``) or None; a record that failed
    has an output only with ``--status-field`` (its status is the error); ``warning``
    says why a document with text came out empty (:func:`records.empty_output`).

    >>> cfg = Config(translate=False, boilerplate=False)
    >>> routes = {0: Route("jsonl", "jsonl")}
    >>> outs, stats, part = process_batch(cfg, FieldOptions(), routes,
    ...     [(0, b'{"text": "It is  fine."}'), (0, b'{oops')], ["l1", "l2"], False)
    >>> outs[0][0], outs[1][1][:12], stats["documents"]
    (b'{"text": "It is fine."}\\n', 'invalid JSON', 1)
    """
    n = len(jobs)
    outs: list[tuple[Any, str | None, str | None, Any, str | None]] = [(None,) * 5] * n
    states: list[Any] = [None] * n
    own: list[Any] = [None] * n
    docs: list[tuple[int, Doc]] = []
    nulls = 0
    for i, (u, payload) in enumerate(jobs):
        route = routes[u]
        try:
            state, text = extract(route.fmt, payload, fields)
        except Exception as exc:  # RecordError, or e.g. RecursionError on absurd nesting
            msg = str(exc) if isinstance(exc, RecordError) else f"{type(exc).__name__}: {exc}"
            mine = record_id(getattr(exc, "fields", None) or {}, fields.id_field)
            ident = ids[i] if mine is None else mine  # a JSON object without its text
            out = None
            if fields.status_field and getattr(exc, "state", None) is not None:
                # a JSON object whose text is missing or not text: written, its status
                # the error, as a record that fails to clean is
                out = render(route, exc.state, None, None, fields,
                             outcome_fields(fields, None, msg))
            outs[i] = (out, msg, error_report(ident, msg) if want_report else None, mine,
                       None)
            continue
        states[i] = state
        doc, own[i] = new_document(route, state, text, ids[i], fields)
        if text is None:
            outs[i] = (render(route, state, None, None, fields,
                              outcome_fields(fields, None, "ok")), None, None, own[i], None)
            nulls += 1
        else:
            docs.append((i, doc))
    stats: dict[str, int] = {"nulls": nulls} if nulls else {}
    results = clean_isolated(config, [d for _, d in docs], [d.id for _, d in docs], stats)
    part = _run_report_part(results) if config.html_report else None
    keep_report = want_report or fields.report_field is not None
    for (i, doc), res in zip(docs, results):
        route = routes[jobs[i][0]]
        if isinstance(res, str) or res.error is not None:
            err = res if isinstance(res, str) else res.error
            out = None
            if fields.status_field:  # the record is written, its status is the error
                out = render(route, states[i], None, None, fields,
                             outcome_fields(fields, None, err))
            outs[i] = (out, err, error_report(doc.id, err) if want_report else None, own[i],
                       None)
            continue
        report = res.report if keep_report else None
        extra = outcome_fields(fields, res.record.lang if isinstance(res.record, Report)
                               else res.report.get("lang"), status_of(res.record)) \
            if fields.lang_field or fields.status_field else None
        try:
            out = render(route, states[i], res.text, report if fields.report_field else None,
                         fields, extra)
        except Exception as exc:  # e.g. a report field that cannot be serialised
            msg = E.RECORD_UNWRITABLE.format(why=exc if isinstance(exc, RecordError)
                                             else f"{type(exc).__name__}: {exc}")
            outs[i] = (None, msg, error_report(doc.id, msg) if want_report else None, own[i],
                       None)
            continue
        outs[i] = (out, None, to_json(report) + "\n" if want_report else None, own[i],
                   empty_output(res.text, res.source, res.record))
    return outs, stats, part


def _run_report_part(results: list) -> Any:
    """The batch's part of the HTML run report: its cleaned documents (the main process
    adds the errors, which it logs anyway)."""
    from .runreport.aggregate import RunReport

    part = RunReport.for_worker()
    for res in results:
        if not isinstance(res, str) and res.error is None:
            part.add(res.record, res.source)  # the Report itself: no dict is built
    return part


def error_report(doc_id: Any, error: str, scope: str | None = None) -> str:
    """The report line of a record that failed; of an input that failed as a whole (no
    record of it read, or what was read taken back) with ``"scope": "input"``."""
    line = {"schema": REPORT_SCHEMA, "id": doc_id, "status": "error", "error": error}
    if scope is not None:
        line["scope"] = scope
    return to_json(line) + "\n"


def _fresh(item: Any) -> Any:
    """What :func:`clean_isolated` keeps of an input to clean it again: a text as it
    is, a :class:`Doc` as its id, input, fields and metadata before any stage."""
    if isinstance(item, Doc):
        return (item.id, item.raw, dict(item.fields), dict(item.meta))
    return item


def _again(kept: Any) -> Any:
    if isinstance(kept, tuple):
        doc_id, raw, values, meta = kept
        return Doc(id=doc_id, raw=raw, fields=dict(values), meta=dict(meta),
                   report=Report(id=doc_id))
    return kept


def clean_isolated(config: Config, texts: list, ids: list, stats: dict[str, int]) -> list:
    """Clean a batch (texts or :class:`Doc` records) with a fresh Cleaner; if the batch
    raises, clean its documents one by one, each from its state before the batch, so
    that only the failing ones fail (a str in the result is an error)."""
    from .pipeline import Cleaner

    if not texts:
        return []
    kept = [_fresh(t) for t in texts]
    cleaner = Cleaner(config)
    board = _WORKER.get("board")
    if board is not None:  # the progress line's phase
        cleaner.watch = board.enter
    try:
        results: list = cleaner.clean_batch(texts, ids)
    except Exception as exc:  # a stage bug or a MissingModelError: isolate it
        log.warning("batch failed (%s); cleaning its documents one by one", exc)
        results = []
        for item, doc_id in zip(kept, ids):
            one = Cleaner(config)
            try:
                results.extend(one.clean_batch([_again(item)], [doc_id]))
            except Exception as exc1:
                results.append(f"{type(exc1).__name__}: {exc1}")
            add_stats(stats, one.stats)
        return results
    add_stats(stats, cleaner.stats)
    for stage, secs in cleaner.timings.items():  # seconds per stage, for the summary
        key = f"time:{stage}"
        stats[key] = stats.get(key, 0) + secs
    return results


def add_stats(total: dict[str, int], more: dict[str, int]) -> None:
    for k, v in more.items():
        total[k] = total.get(k, 0) + v


# --- worker processes -----------------------------------------------------------------
def _init_worker(config: Config, fields: FieldOptions, want_report: bool, watchdog: Any,
                 inherited: int | None, board: Any = None,
                 environ: dict[str, str] | None = None) -> None:
    if environ is not None:  # a forkserver keeps the environment of the run that started it
        os.environ.clear()
        os.environ.update(environ)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the main process handles Ctrl-C
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die_with_parent(watchdog, inherited)
    if board is not None:
        board.on_change = None  # (forked: the main process's progress line stays there)
        board.claim()
    _WORKER.update(config=config, fields=fields, want_report=want_report, board=board)


def _work(routes: dict[int, Route], jobs: list[tuple[int, Any]], ids: list[str]) -> tuple:
    return process_batch(_WORKER["config"], _WORKER["fields"], routes, jobs, ids,
                         _WORKER["want_report"])


def die_with_parent(watchdog: Any, inherited: int | None) -> None:
    """Make this process exit when the main process dies: PR_SET_PDEATHSIG where
    Linux offers it, and a thread that waits for end-of-file on the watchdog pipe."""
    if inherited is not None:  # forked: our copy of the write end must not keep it open
        os.close(inherited)
    if os.environ.get("POLYCLEAN_WATCHDOG") != "pipe":
        _set_pdeathsig()

    def watch() -> None:
        try:
            watchdog.recv_bytes()
        except (EOFError, OSError):
            pass
        os._exit(1)

    threading.Thread(target=watch, name="polyclean-watchdog", daemon=True).start()


def _set_pdeathsig() -> bool:
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(signal.SIGKILL), 0, 0, 0) == 0  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return False


def cores() -> int:
    """The CPUs this process may run on (the default number of workers)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def start_method() -> str:
    """``fork`` when it is safe (POSIX, one thread, pyarrow not loaded): the workers
    then inherit the models that the warm-up loaded and start in milliseconds.
    Otherwise ``forkserver`` (or ``spawn``), where each worker loads its own models."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1 and "pyarrow" not in sys.modules:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


class Pool:
    """Worker processes that never outlive the main process."""

    def __init__(self, jobs: int, config: Config, fields: FieldOptions,
                 want_report: bool, web: bool = False, board: Any = None) -> None:
        import multiprocessing

        method = start_method()
        self.frozen = False
        self.config = config
        if method == "fork":  # load the models once, here; the workers share them
            warm = [(0, _WARM_UP)] + ([(1, _WARM_UP_HTML)] if web else [])  # + extractors
            # (no run-report part: the warm-up text must not enter the sample's gate)
            process_batch(config.replace(html_report=None), fields,
                          {0: Route("text", "text"), 1: Route("html", "text")},
                          warm, ["warm-up"] * len(warm), False)
            from .detect.languages import han_langs

            han_langs("")  # builds its table of ideographs, shared like the rest
            # Move everything loaded so far out of the collector's reach: a collection
            # in a worker would otherwise write to the header of every inherited
            # container and copy its page.  (Left alone when the caller froze objects
            # itself: unfreeze would thaw theirs.)
            if gc.get_freeze_count() == 0:
                gc.freeze()
                self.frozen = True
        ctx = multiprocessing.get_context(method)
        if board is not None:
            board.bind(ctx)
        self.watch_r, self.watch_w = ctx.Pipe(duplex=False)
        inherited = self.watch_w.fileno() if method == "fork" else None
        self.ex = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_init_worker,
                                      initargs=(config.replace(workers=jobs), fields,
                                                want_report, self.watch_r, inherited, board,
                                                None if method == "fork" else dict(os.environ)))

    def submit(self, batch: Any) -> Any:
        return self.ex.submit(_work, batch.routes, batch.jobs, batch.ids)

    def kill(self) -> None:
        """Stop at once (Ctrl-C, SIGTERM, a failing output): no batch is finished.

        A worker stopped while it sent its result leaves part of it in the result
        pipe, and the executor's reader would wait for the rest for ever (this process
        holds the pipe's write end too): once the workers are gone that end is closed,
        so the reader meets the end of the pipe and the executor shuts down."""
        procs = list(getattr(self.ex, "_processes", {}).values())
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.join(5)
            if proc.is_alive():
                proc.kill()
                proc.join()
        queue = getattr(self.ex, "_result_queue", None)
        if queue is not None:
            queue._writer.close()

    def close(self) -> None:
        self.ex.shutdown(wait=True, cancel_futures=True)
        self.watch_w.close()
        self.watch_r.close()
        if self.config.translate and self.config.use_cache:
            from .cache import fold_log

            fold_log(self.config.cache)  # two workers closing at once may leave the log
        if self.frozen:
            gc.unfreeze()


def results(batch_iter: Iterator[Any], jobs: int, config: Config, fields: FieldOptions,
            want_report: bool, eager: bool = False, web: bool = False,
            board: Any = None, tick: Callable[[], None] | None = None,
            ) -> Iterator[tuple[Any, list, dict, Any]]:
    """(batch, outputs, stats, run-report part) in input order; at most ``2 * jobs``
    batches in flight.

    The pool starts once a second batch exists (one batch is cleaned here), or before
    anything is read when ``eager`` (Parquet: before pyarrow loads, so fork is safe).
    ``web``: there is HTML to extract (forked workers then share the extractors too).
    ``board`` (:class:`~polyclean.phases.Board`) is where the processes note their
    stage; ``tick`` is called about twice a second while a worker's batch is awaited.
    """
    head: list[Any] = []
    if jobs <= 1 or not eager:
        head = list(itertools.islice(batch_iter, 1 if jobs <= 1 else 2))
        if len(head) < 2:  # one process: no pool
            _WORKER["board"] = board
            if board is not None:
                board.claim()
            try:
                for b in itertools.chain(head, batch_iter):
                    yield (b, *process_batch(config, fields, b.routes, b.jobs, b.ids,
                                             want_report))
            finally:
                _WORKER.pop("board", None)
            return
    pool = Pool(jobs, config, fields, want_report, web, board)
    try:
        pending: deque = deque()
        for b in itertools.chain(head, batch_iter):
            pending.append((b, pool.submit(b)))
            if len(pending) >= 2 * jobs:
                b0, fut = pending.popleft()
                yield (b0, *_await(fut, tick))
        while pending:
            b0, fut = pending.popleft()
            yield (b0, *_await(fut, tick))
    except BaseException:
        pool.kill()
        raise
    finally:
        pool.close()


def _await(fut: Any, tick: Callable[[], None] | None) -> Any:
    """The future's result; ``tick()`` every half second until it is there."""
    if tick is not None:
        from concurrent.futures import wait

        while not wait([fut], timeout=0.5).done:
            tick()
    return fut.result()
