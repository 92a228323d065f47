"""The :class:`Cleaner`: runs the stages of :mod:`polyclean.stages` over documents.

``Cleaner`` builds :class:`~polyclean.doc.Doc` records, runs every enabled stage of
:data:`~polyclean.stages.STAGES` over the batch in order (or a prefix of them, for
``polyclean.repair``, ``polyclean.detect`` and ``polyclean detect``), detects the
language again of the documents that only their furniture kept in the target language,
settles the documents whose normalisation exposed mojibake, and returns one
:class:`CleanResult` per input.  Heavy models (the language detector, translation
models) load lazily, once per process, so a ``Cleaner`` pickles cheaply to workers.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Sequence

from ._counts import add_count
from .config import Config, make_config
from .doc import Doc, new_docs
from .errors import E, ConfigError
from .report import REPORT_SCHEMA, Report
from .segment import Segment
from .stages import (
    AFTER_NORMALISATION, AFTER_REDETECTION, SETTLE, SETTLE_ROUNDS, Boilerplate, Detect,
    Normalize, Repair, Stage, check_order, prefix,
)

log = logging.getLogger(__name__)

#: A document in the target language that holds less than this share of the letters
#: that voted (it kept the language by TARGET_HOLD) is detected again once the
#: boilerplate stage has removed lines from it (see Cleaner._redetect).
REDETECT_BELOW = 0.5


@dataclass
class CleanResult:
    """The cleaned text of one document with what was done to it.

    ``segments`` carry offsets into ``repaired`` (the text as it entered detection:
    after decoding, the entry fixes and repair).  ``error`` is set (and ``text``
    empty) when the document could not be processed.
    """

    text: str
    segments: list[Segment] = field(default_factory=list)
    record: Report | dict[str, Any] = field(default_factory=dict)
    source: str = ""
    repaired: str = ""
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def report(self) -> dict[str, Any]:
        """The JSON-ready report (built on first access: most runs never ask for it)."""
        if isinstance(self.record, Report):
            self.record = self.record.to_dict()
        return self.record

    @classmethod
    def of(cls, doc: Doc) -> "CleanResult":
        if doc.error is not None:  # the report line a batch run writes for it
            return cls("", record={"schema": REPORT_SCHEMA, "id": doc.id, "status": "error",
                                   "error": doc.error}, error=doc.error)
        return cls(doc.text, doc.detected, doc.report, doc.source, doc.repaired)


def check_count(name: str, value: Any) -> None:
    """Refuse a count that is not a whole number of 1 or more (a ``batch_size`` of "2"
    failed with "'<' not supported between instances of 'str' and 'int'", one of 1.5
    was taken, and the Dask helpers' only when the graph ran, on a worker).

    >>> check_count("batch_size", 0)
    Traceback (most recent call last):
    ...
    polyclean.errors.ConfigError: batch_size must be a whole number, 1 or more, not 0
    """
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ConfigError(E.COUNT_ARGUMENT.format(name=name, value=value))


class Cleaner:
    """Cleans documents with one configuration.

    >>> Cleaner(translate=False).clean("Caf\\u00c3\\u00a9   \\u201cnoir\\u201d").text
    'Café "noir"'
    """

    def __init__(self, config: Config | None = None, **options: Any) -> None:
        self.config = make_config(config, options)
        self.stats: dict[str, int] = {}
        self.timings: dict[str, float] = {}  # seconds per stage (wall clock), this process
        self._stages: dict[type[Stage], Stage] = {}
        # told each stage's name as it starts, then None (the progress line's phase)
        self.watch: Callable[[str | None], None] | None = None

    # -- pickling: models and learned state stay behind ---------------------------
    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["config"])

    def stage(self, kind: type[Stage]) -> Stage:
        """This cleaner's instance of a stage class (built on first use)."""
        st = self._stages.get(kind)
        if st is None:
            st = self._stages[kind] = kind(self.config, self.stats)
        return st

    def pipeline(self, until: str | None = None) -> list[Stage]:
        """The enabled stages, in order (up to and including ``until``).

        >>> [s.name for s in Cleaner(repair=False).pipeline("detect")]
        ['extract', 'decode', 'detect']
        """
        kinds = [k for k in prefix(until) if k.enabled(self.config)]
        check_order(kinds)
        return [self.stage(k) for k in kinds]

    def check(self) -> "Cleaner":
        """Raise :class:`~polyclean.errors.ConfigError` now for options the enabled
        stages cannot use (a phrase or glossary file that cannot be read, an unknown
        rule name), instead of failing every document later."""
        for kind in prefix(None):
            if kind.enabled(self.config):
                kind.check(self.config)
        return self

    # -- public API ----------------------------------------------------------------
    def clean(self, text: str | bytes, id: Any = None) -> CleanResult:
        """Clean one document.  Raises ``DecodeError``/``TypeError`` for bad input."""
        return self.clean_batch([text], ids=[id], raise_errors=True)[0]

    def clean_batch(
        self,
        texts: Iterable[str | bytes],
        ids: Iterable[Any] | None = None,
        *,
        raise_errors: bool = False,
        until: str | None = None,
    ) -> list[CleanResult]:
        """Clean many documents; translation and boilerplate learning span the batch.

        A document that cannot be processed gives a result with ``error`` set (or
        raises, with ``raise_errors=True``); the others are still cleaned.  ``until``
        names the last stage to run (``"repair"``, ``"detect"``...): the result's
        ``text`` is then the text after that stage.
        """
        docs = new_docs(texts, ids)
        self.process(docs, until=until)
        if raise_errors:
            for doc in docs:
                exc = doc.meta.get("exception")
                if exc is not None:
                    raise exc
        return [CleanResult.of(doc) for doc in docs]

    def process(self, docs: Sequence[Doc], until: str | None = None) -> Sequence[Doc]:
        """Run the stages over ``docs`` in place (a disabled stage notes ``off``) and
        return them."""
        kinds = prefix(until)
        check_order([k for k in kinds if k.enabled(self.config)])
        watch = self.watch
        try:
            for kind in kinds:
                live = [d for d in docs if d.error is None]
                if not kind.enabled(self.config):
                    for doc in live:
                        doc.note(kind.name, "off")
                    continue
                label = kind.phase(self.config) if watch is not None else None
                if label is not None:  # (a stage with nothing worth naming: the last name stays)
                    watch(label)
                t0 = time.perf_counter()
                touched = self.stage(kind)(live)
                if kind is Normalize and touched and self.config.repair:
                    self._settle(touched)
                elif kind is Boilerplate and touched:
                    self._redetect(touched)
                add_count(self.timings, kind.name, time.perf_counter() - t0)
        finally:
            if watch is not None:
                watch(None)
        add_count(self.stats, "documents", sum(1 for d in docs if d.error is None))
        return docs

    def _settle(self, docs: list[Doc]) -> None:
        """Run :data:`~polyclean.stages.SETTLE` (repair, boilerplate without learning,
        normalisation) again on ``docs`` until repair has nothing more to do, at most
        ``SETTLE_ROUNDS`` times.

        Normalising can turn text that repair left alone into a pattern repair
        recognises, and what repair then changes can turn a line into furniture.
        Settling keeps ``clean`` idempotent; the extra edits are in the report like
        any other, with "(after normalisation)" in their reason.  Ordinary text never
        gets here."""
        cfg = self.config
        stages = []
        for kind in SETTLE:
            if kind.enabled(cfg) or kind is Normalize:
                extra = {"learn": False} if kind is Boilerplate else {}
                stages.append(kind(cfg, self.stats, suffix=AFTER_NORMALISATION, **extra))
        for _ in range(SETTLE_ROUNDS):
            for stage in stages:
                touched = stage(docs)
                if isinstance(stage, Repair):
                    docs = touched
                    if not docs:
                        return

    def _redetect(self, docs: list[Doc]) -> None:
        """Detect the language again for the documents that kept the target language
        without holding most of their letters (the target stays the document's while it
        holds half the leader's), once the boilerplate stage has removed lines from
        them: when the target held only thanks to its furniture ("Reply", "© 2019 ..."),
        the rest reads as another language, whose lines, kept as foreign so far, are
        judged now, as a second clean would judge them (``clean(clean(x)) ==
        clean(x)``).  Other documents never get here."""
        cfg = self.config
        target = cfg.target_lang
        held = [d for d in docs if d.report.lang == target
                and (d.report.lang_confidence or 0.0) < REDETECT_BELOW and d.error is None]
        if not held or cfg.doc_lang:
            return
        from .detect import detect_document

        moved = []
        for doc in held:
            det = detect_document(doc.text, cfg)
            if det.lang != target:
                # the boilerplate stage's deletions, the last group of the report
                removed = doc.report.changes[doc._last_at:] \
                    if doc._last_step == Boilerplate.name else ()
                self.stage(Detect).assign(doc, det, removed)
                moved.append(doc)
        if moved:
            Boilerplate(cfg, self.stats, suffix=AFTER_REDETECTION, learn=False,
                        foreign=True)(moved)

    def iter_clean(
        self, iterable: Iterable[str | bytes], batch_size: int = 256
    ) -> "Iterator[CleanResult]":
        """Clean a stream lazily, ``batch_size`` documents per :meth:`clean_batch` call
        (so translation and boilerplate learning span documents); results come in
        input order, ids are the positions, bad documents have ``error`` set.

        >>> docs = iter(["It was  fine\\u2026", b"So was this."])
        >>> [r.text for r in Cleaner(translate=False, boilerplate=False).iter_clean(docs, 1)]
        ['It was fine...', 'So was this.']
        """
        check_count("batch_size", batch_size)
        batch: list[str | bytes] = []
        done = 0
        for doc in iterable:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self.clean_batch(batch, ids=range(done, done + len(batch)))
                done += len(batch)
                batch = []
        if batch:
            yield from self.clean_batch(batch, ids=range(done, done + len(batch)))
