"""The pipeline: decode -> repair -> segment -> detect -> boilerplate -> translate -> normalise.

:class:`Cleaner` runs the stages in that order on each document and records every
change in the document's report.  Heavy models (the language detector, translation
models) load lazily, once per process, so a ``Cleaner`` pickles cheaply to workers.
"""

from __future__ import annotations

import logging
from bisect import bisect_right
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Sequence

from . import boilerplate as _boilerplate
from . import decode as _decode
from . import detect as _detect
from . import repair as _repair
from . import translate as _translate
from .config import Config
from .normalize import normalize_text
from .report import Change, Report, apply_changes, compose, shift_changes
from .segment import Segment

log = logging.getLogger(__name__)


@dataclass
class CleanResult:
    """The cleaned text of one document with what was done to it.

    ``segments`` carry offsets into ``repaired`` (the text after decoding and
    repair, before boilerplate removal, translation and normalisation).
    ``error`` is set (and ``text`` empty) when the document could not be processed.
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


def _stage_note(module: Any, enabled: bool) -> str:
    if not enabled:
        return "off"
    return "done" if getattr(module, "BUILT", True) else "not built yet: text passed through"


class Cleaner:
    """Cleans documents with one configuration.

    >>> Cleaner(translate=False).clean("Caf\\u00c3\\u00a9   \\u201cnoir\\u201d").text
    'Café "noir"'
    """

    def __init__(self, config: Config | None = None, **options: Any) -> None:
        base = config or Config()
        self.config = base.replace(**options) if options else base
        self._translator: _translate.Translator | None = None
        self.stats: dict[str, int] = {}

    # -- pickling: models and learned state stay behind ---------------------------
    def __getstate__(self) -> dict[str, Any]:
        return {"config": self.config}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["config"])

    @property
    def translator(self) -> _translate.Translator:
        if self._translator is None:
            self._translator = _translate.Translator(self.config)
        return self._translator

    def _count(self, key: str, n: int = 1) -> None:
        self.stats[key] = self.stats.get(key, 0) + n

    # -- public API ----------------------------------------------------------------
    def clean(self, text: str | bytes, id: Any = None) -> CleanResult:
        """Clean one document.  Raises ``DecodeError``/``TypeError`` for bad input."""
        res = self.clean_batch([text], ids=[id], raise_errors=True)[0]
        return res

    def clean_batch(
        self,
        texts: Sequence[str | bytes],
        ids: Sequence[Any] | None = None,
        *,
        raise_errors: bool = False,
    ) -> list[CleanResult]:
        """Clean many documents; translation and boilerplate learning span the batch.

        A document that cannot be processed gives a result with ``error`` set
        (or raises, with ``raise_errors=True``); the others are still cleaned.
        """
        cfg = self.config
        if ids is None:
            ids = list(range(len(texts)))
        results: list[CleanResult | None] = [None] * len(texts)
        work: list[tuple[int, Report, str, str]] = []  # (index, report, source, repaired)

        # decode and repair ---------------------------------------------------------
        for i, (doc, doc_id) in enumerate(zip(texts, ids)):
            report = Report(id=doc_id)
            try:
                source = self._decode(doc, report)
                text = source
                if _ENTRY_RE.search(source):
                    fixes = _entry_changes(source)
                    report.add(fixes)
                    text = apply_changes(source, fixes)
            except (_decode.DecodeError, TypeError) as exc:
                if raise_errors:
                    raise
                self._count("errors")
                results[i] = CleanResult("", record={"id": doc_id, "error": str(exc)},
                                         error=str(exc))
                continue
            if cfg.repair:
                repaired, changes = _repair.repair_text(text, cfg)
                report.add(changes)
            else:
                repaired = text
            report.stages["repair"] = _stage_note(_repair, cfg.repair)
            work.append((i, report, source, repaired))

        # segment and detect ----------------------------------------------------------
        detections: list[_detect.DocDetection] = []
        for _, report, _, repaired in work:
            det = _detect.detect_document(repaired, cfg)
            report.lang, report.lang_confidence = det.lang, det.confidence
            report.stages["detect"] = _stage_note(_detect, True)
            detections.append(det)

        # boilerplate --------------------------------------------------------------------
        # Lines recurring across documents are learned from this batch alone (a first
        # pass over it), so a document's output depends only on its batch, never on
        # what an earlier call or another worker saw.
        removals: list[list[Change]] = []
        remover = _boilerplate.BoilerplateRemover(cfg) if cfg.boilerplate else None
        if remover is not None:
            remover.learn(w[3] for w in work)
        for k, (_, report, _, repaired) in enumerate(work):
            found = remover.find(repaired) if remover is not None else []
            if found:
                found = _keep_foreign_lines(found, detections[k].segments)
            removals.append(found)
            report.stages["boilerplate"] = _stage_note(_boilerplate, cfg.boilerplate)

        # translate: the foreign fragments of the whole batch in one call ----------------
        # Everything not in the target language is translated: fragments foreign to
        # their document, and the whole text of a document in another language.
        frag_refs: list[tuple[int, Segment]] = []
        for k, det in enumerate(detections):
            removed = removals[k]
            starts = [c.start for c in removed]
            for seg in det.segments:
                if removed and _overlaps(seg, removed, starts):
                    continue
                if seg.foreign:
                    self._count("fragments_foreign")
                if seg.lang and seg.lang != cfg.target_lang and seg.lang != "und":
                    frag_refs.append((k, seg))
        translations: list[list[Change]] = [[] for _ in work]
        if frag_refs and cfg.translate:
            outcomes = self.translator.translate(
                [_translate.Fragment(seg.text, seg.lang or "und") for _, seg in frag_refs]
            )
            for (k, seg), out in zip(frag_refs, outcomes):
                extra = {}
                if out.package:
                    extra["package"] = out.package
                if out.cache:
                    extra["cache"] = out.cache
                    self._count(f"cache_{out.cache}")
                if out.translated:
                    self._count("fragments_translated")
                else:
                    self._count("fragments_untranslated")
                # An untranslated fragment is recorded too (result == original), so the
                # report says why it stayed as it was.
                if out.result != seg.text or not out.translated:
                    translations[k].append(
                        Change("translate", seg.start, seg.end, seg.text, out.result, out.reason,
                               seg.lang, seg.confidence, extra or None)
                    )
        for k, (_, report, _, _) in enumerate(work):
            report.stages["translate"] = _stage_note(_translate, cfg.translate)

        # apply, normalise, assemble -------------------------------------------------------
        for k, (i, report, source, repaired) in enumerate(work):
            removed = removals[k]
            text = apply_changes(repaired, removed)
            report.add(removed)
            self._count("lines_removed", len(removed))
            tr = shift_changes(translations[k], removed) if removed else translations[k]
            text = apply_changes(text, tr)
            report.add(tr)
            if cfg.normalize or cfg.ascii:
                text, changes = normalize_text(text, cfg)
                report.add(changes)
                if cfg.repair and changes:
                    text = self._settle(text, report)
            report.stages["normalize"] = "done" if (cfg.normalize or cfg.ascii) else "off"
            self._count("documents")
            results[i] = CleanResult(text, detections[k].segments, report, source,
                                     repaired)
        return [r for r in results if r is not None]

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
        if batch_size < 1:
            raise ValueError("batch_size must be 1 or more")
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

    def _settle(self, text: str, report: Report) -> str:
        """Run repair, boilerplate and normalisation again until repair has nothing
        more to do (at most three rounds).

        Normalising can turn text that repair left alone into a pattern repair
        recognises (a guillemet straightened next to a mojibake pair), and what repair
        then changes can turn a line into furniture.  Settling here keeps ``clean``
        idempotent; the extra edits are in the report like any other, with
        "(after normalisation)" in their reason.  Ordinary text never gets here.
        """
        cfg = self.config
        # (step, text before, changes); consecutive passes of one step are composed
        # into one set of changes, so the report still replays step by step.
        groups: list[tuple[str, str, list[Change]]] = []

        def record(step: str, before: str, changes: list[Change]) -> None:
            if not changes:
                return
            for ch in changes:
                ch.reason = f"{ch.reason} (after normalisation)"
            if groups and groups[-1][0] == step:
                _, before0, earlier = groups[-1]
                groups[-1] = (step, before0, compose(before0, earlier, changes, step))
            else:
                groups.append((step, before, list(changes)))

        for _ in range(3):
            fixed, changes = _repair.repair_text(text, cfg)
            if not changes:
                break
            record("repair", text, changes)
            if cfg.boilerplate:
                removed = _boilerplate.BoilerplateRemover(cfg).find(fixed)
                record("boilerplate", fixed, removed)
                self._count("lines_removed", len(removed))
                fixed = apply_changes(fixed, removed)
            normalized, more = normalize_text(fixed, cfg)
            record("normalize", fixed, more)
            text = normalized
        for _, _, changes in groups:
            report.add(changes)
        return text

    def _decode(self, doc: str | bytes, report: Report) -> str:
        if isinstance(doc, str):
            report.stages["decode"] = "text input"
            return doc
        if isinstance(doc, (bytes, bytearray, memoryview)):
            dec = _decode.decode_bytes(bytes(doc), self.config.encoding)
            report.encoding, report.encoding_confidence = dec.encoding, dec.confidence
            report.stages["decode"] = dec.reason
            return dec.text
        raise TypeError(f"expected str or bytes, got {type(doc).__name__}")


_ENTRY_RE = re.compile("[\ud800-\udfff\r\u2028\u2029]")
_ENTRY_FIX_RE = re.compile("[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|\r\n?|[\u2028\u2029]")


def _entry_changes(text: str) -> list[Change]:
    r"""What every later stage relies on, fixed first (step "decode"): line breaks
    become "\n" (so lines are the same for boilerplate removal and the output), and
    surrogate code points, which cannot be encoded, are resolved: a high+low pair
    becomes the character it stands for, a lone one U+FFFD.

    >>> [(ascii(c.result), c.reason) for c in _entry_changes("a\ud83d\ude00b\udc00\r\nc")]
    [("'\\U0001f600'", 'surrogate pair'), ("'\\ufffd'", 'lone surrogate'), ("'\\n'", 'line-breaks')]
    """
    out = []
    for m in _ENTRY_FIX_RE.finditer(text):
        g = m.group(0)
        if g[0] in "\r\u2028\u2029":
            out.append(Change("decode", m.start(), m.end(), g, "\n", "line-breaks"))
        elif len(g) == 2:
            res = g.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            out.append(Change("decode", m.start(), m.end(), g, res, "surrogate pair"))
        else:
            out.append(Change("decode", m.start(), m.end(), g, "\ufffd", "lone surrogate"))
    return out


def _keep_foreign_lines(removals: list[Change], segments: list[Segment]) -> list[Change]:
    """A line holding a fragment in another language is content to translate, not UI
    furniture: the rule for short lines without sentence structure does not remove it
    (a UI phrase, a dateline or a line recurring across the batch still does)."""
    foreign = [s.start for s in segments if s.foreign]
    if not foreign:
        return removals
    out = []
    for c in removals:
        if c.reason == "no-sentence-structure":
            i = bisect_right(foreign, c.start - 1)
            if i < len(foreign) and foreign[i] < c.end:
                continue
        out.append(c)
    return out


def _overlaps(seg: Segment, changes: Sequence[Change], starts: list[int]) -> bool:
    """Whether ``seg`` overlaps one of ``changes`` (sorted, non-overlapping)."""
    i = bisect_right(starts, seg.start) - 1
    for c in changes[max(i, 0):i + 2 if i >= 0 else 1]:
        if c.start < seg.end and seg.start < c.end:
            return True
    j = bisect_right(starts, seg.end - 1)  # a change starting inside the segment
    return j > 0 and changes[j - 1].start >= seg.start and changes[j - 1].start < seg.end
