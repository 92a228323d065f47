"""The stages of the pipeline and their order — the one place that knows it.

Every stage is a :class:`Stage`: it has a ``name`` (the report key and the ``step`` of
its changes), declares the :class:`~polyclean.doc.Doc` attributes it ``requires`` and
``assigns``, says whether a configuration ``enabled`` it, and is called once per batch
with the batch's documents (boilerplate learning and translation batching span the
batch).  Heavy models are loaded lazily by the modules the stages call, once per
process, so stage objects are cheap and a :class:`~polyclean.pipeline.Cleaner`
pickles as its config.

:data:`STAGES` is the order.  :data:`SETTLE` are the stages run again, at most
:data:`SETTLE_ROUNDS` times, on a document whose normalisation exposed mojibake that
repair then fixes (a guillemet straightened next to a mojibake pair): settling keeps
``clean`` idempotent.

Each stage writes its status into the report (``report["stages"][name]``) as one of
:data:`STATUS`, optionally followed by ``": "`` and details, e.g.
``"partial: 2 of 5 fragments translated; 3 left (no installed package for ru->en)"``.

>>> [s.name for s in STAGES]
['extract', 'decode', 'repair', 'detect', 'boilerplate', 'translate', 'normalize']
>>> check_order(STAGES)
"""

from __future__ import annotations

import dataclasses
import re
from bisect import bisect_left, bisect_right
from typing import Any, ClassVar, Sequence

from . import boilerplate as _boilerplate
from . import decode as _decode
from . import detect as _detect
from . import groups as _groups
from . import repair as _repair
from . import translate as _translate
from ._counts import add_count
from .config import Config
from .doc import Doc
from .errors import E, DecodeError, PolycleanError
from .normalize import form_changes, normalize_text
from .report import Change
from .segment import Segment

#: The kinds of stage status, in the order of how much was done.
STATUS = (
    "done",     # the stage ran on the document
    "partial",  # it ran, but part of its work could not be done (the details say what)
    "none",     # there was nothing for it to do (no foreign fragment to translate)
    "off",      # an option turned it off
    "failed",   # the document failed in this stage (its ``error`` says why)
)

AFTER_NORMALISATION = " (after normalisation)"
#: Reason suffix of what the boilerplate stage removes once the document's language,
#: detected again without the lines it removed first, has changed.
AFTER_REDETECTION = " (language detected again)"
SETTLE_ROUNDS = 3

#: What every document has before the first stage runs.
GIVEN = frozenset({"id", "raw", "fields", "meta"})


class Stage:
    """One step of the pipeline (see the module documentation)."""

    name: ClassVar[str] = ""
    requires: ClassVar[tuple[str, ...]] = ()
    assigns: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: Config, stats: dict[str, int] | None = None, *,
                 suffix: str = "") -> None:
        self.config = config
        self.stats = stats if stats is not None else {}
        self.suffix = suffix  # appended to the reasons of its changes (the settle loop)

    @classmethod
    def enabled(cls, config: Config) -> bool:
        """Whether ``config`` runs this stage (a disabled stage reports ``off``)."""
        return True

    @classmethod
    def phase(cls, config: Config) -> str | None:
        """The name the progress line shows while this stage runs (None: nothing worth
        naming)."""
        return cls.name

    @classmethod
    def check(cls, config: Config) -> None:
        """Raise :class:`~polyclean.errors.ConfigError` for options this stage cannot use
        (an unreadable file an option names, an unknown rule): the CLI calls it before
        any work, so such a mistake is a usage error, not an error per document."""

    def __call__(self, docs: Sequence[Doc]) -> list[Doc]:
        """Process the batch's documents (those without an error); return the ones
        whose text changed."""
        raise NotImplementedError

    def count(self, key: str, n: int = 1) -> None:
        if n:
            add_count(self.stats, key, n)

    def __repr__(self) -> str:
        return f"<stage {self.name}: requires {', '.join(self.requires) or '-'}; " \
               f"assigns {', '.join(self.assigns)}>"


# --- decode ---------------------------------------------------------------------------------
# line breaks besides "\n": what str.splitlines breaks at (but U+0085, which repair reads
# as the cp1252 ellipsis it usually is): CR, the vertical tab, the form feed, the file,
# group and record separators (U+001C-U+001E) and the line and paragraph separators
_BREAKS = "\r\u2028\u2029\x0b\x0c\x1c\x1d\x1e"
_ENTRY_RE = re.compile(f"[\ud800-\udfff{_BREAKS}\x00]")
_ENTRY_FIX_RE = re.compile(
    f"[\ud800-\udbff][\udc00-\udfff]|[\ud800-\udfff]|\r\n?|[{_BREAKS}]|\x00+")


def entry_changes(text: str) -> list[Change]:
    r"""What every later stage relies on, fixed first (step "decode"): line breaks
    become "\n" (so lines are the same for boilerplate removal and the output; the
    vertical tab, a word processor's line break, and the form feed between the pages
    of a PDF's text are line breaks too: removed as control characters, they joined
    the words on either side; so are the file, group and record separators U+001C-U+001E,
    which separate records of exported data: removed, "foo\x1ebar" became "foobar"),
    surrogate code points, which cannot be encoded, are resolved (a high+low pair
    becomes the character it stands for, a lone one U+FFFD), and NUL characters,
    which end strings in C tools and are never text, are removed.

    >>> [(ascii(c.result), c.reason) for c in entry_changes("a\ud83d\ude00b\udc00\r\nc\x00\x00")]
    [("'\\U0001f600'", 'surrogate pair'), ("'\\ufffd'", 'lone surrogate'), ("'\\n'", 'line-breaks'), ("''", 'nul')]
    """
    out = []
    for m in _ENTRY_FIX_RE.finditer(text):
        g = m.group(0)
        if g[0] == "\x00":
            out.append(Change("decode", m.start(), m.end(), g, "", "nul"))
        elif g[0] in _BREAKS:
            out.append(Change("decode", m.start(), m.end(), g, "\n", "line-breaks"))
        elif len(g) == 2:
            res = g.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
            out.append(Change("decode", m.start(), m.end(), g, res, "surrogate pair"))
        else:
            out.append(Change("decode", m.start(), m.end(), g, "\ufffd", "lone surrogate"))
    return out


class Decode(Stage):
    """Bytes to text (``decode.decode_bytes``), then the entry fixes every later stage
    relies on (:func:`entry_changes`).  A document that cannot be decoded gets an
    ``error`` (and, for :meth:`Cleaner.clean`, its exception in ``meta["exception"]``)."""

    name = "decode"
    requires = ("raw",)
    assigns = ("source", "text")

    def __call__(self, docs: Sequence[Doc]) -> list[Doc]:
        for doc in docs:
            try:
                doc.source = doc.text = self._decode(doc)
            except (DecodeError, TypeError) as exc:
                doc.error = str(exc)
                doc.meta["exception"] = exc
                self.count("errors")
                continue
            if _ENTRY_RE.search(doc.text):
                doc.apply(entry_changes(doc.text))
            if self.config.normalize and not doc.text.isascii():
                # decomposed letters ("ma\u0301s") are composed before detection, which
                # reads words: "Deberías cuidarte más." decomposed read as Hungarian.  The
                # normaliser would compose them anyway (NFKC of NFC is NFKC).
                composed = form_changes(doc.text, "NFC", self.name)
                if composed:
                    doc.apply(composed)
        return list(docs)

    def _decode(self, doc: Doc) -> str:
        raw = doc.raw
        if isinstance(raw, str):
            doc.note(self.name, "done: text input")
            # a str subclass (numpy.str_, the items of a NumPy array of text) as the
            # plain str the compiled stages take: it failed the whole batch in detection
            return raw if type(raw) is str else str.__str__(raw)
        if isinstance(raw, (bytes, bytearray, memoryview)):
            dec = _decode.decode_bytes(bytes(raw), self.config.encoding)
            doc.report.encoding, doc.report.encoding_confidence = dec.encoding, dec.confidence
            doc.note(self.name, f"done: {dec.reason}")
            return dec.text
        raise TypeError(f"expected str or bytes, got {type(raw).__name__}")


# --- repair -----------------------------------------------------------------------------------
class Repair(Stage):
    """Mojibake repair (``repair.repair_text``): ftfy per line plus the single-byte
    mix-ups ftfy does not attempt, each verified by language statistics."""

    name = "repair"
    requires = ("text",)
    assigns = ("text",)

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.repair

    def __call__(self, docs: Sequence[Doc]) -> list[Doc]:
        changed = []
        for doc in docs:
            text, changes = _repair.repair_text(doc.text, self.config)
            if changes:
                doc.apply(changes, self.suffix, text)
                changed.append(doc)
            if not self.suffix:
                doc.note(self.name, "done")
        return changed


# --- detect -----------------------------------------------------------------------------------
class Detect(Stage):
    """Segments and their languages, with the document as context
    (``detect.detect_document``); sets the report's ``lang``."""

    name = "detect"
    requires = ("text",)
    assigns = ("repaired", "detected", "segments")

    def __call__(self, docs: Sequence[Doc]) -> list[Doc]:
        for doc in docs:
            self.assign(doc, _detect.detect_document(doc.text, self.config))
        return []

    def assign(self, doc: Doc, det: _detect.DocDetection,
               removed: Sequence[Change] = ()) -> None:
        """Give ``doc`` the detection ``det`` of its current text.  ``removed``: the
        lines taken out of ``doc.repaired`` since it was detected first (the language
        detected again once its furniture is gone); the detected segments and the
        report's fragments keep offsets into ``doc.repaired``, the text as it entered
        detection (they were offsets into the text without those lines, which neither
        the report nor ``repaired`` holds: the fragments named the wrong text)."""
        target = self.config.target_lang
        doc.segments = list(det.segments)
        found = det.segments
        if removed:
            found = _back_onto(det.segments, removed, doc.repaired)
        else:
            doc.repaired = doc.text
        doc.detected = found
        doc.report.lang, doc.report.lang_confidence = det.lang, det.confidence
        doc.report.fragments = [_fragment(s) for s in found
                                if s.foreign or (s.lang and s.lang not in (target, "und"))]
        doc.note(self.name, "done")


def _back_onto(segments: Sequence[Segment], removed: Sequence[Change], text: str
               ) -> list[Segment]:
    """``segments`` of the text left once ``removed`` (deletions, offsets into ``text``)
    were taken out, with offsets into ``text``: a start stands after the deletions at its
    place, an end before them.

    >>> segs = [Segment(0, 3, "abc"), Segment(4, 7, "ghi")]
    >>> [(s.start, s.end) for s in _back_onto(segs, [Change("b", 4, 8, "def\\n", "", "r")], "abc\\ndef\\nghi")]
    [(0, 3), (8, 11)]
    """
    cuts = sorted((c.start, c.end) for c in removed)
    at: list[int] = []  # where each deletion stands in the shorter text
    before = [0]  # characters deleted before each deletion
    for s, e in cuts:
        at.append(s - before[-1])
        before.append(before[-1] + e - s)
    out = []
    for seg in segments:
        start = seg.start + before[bisect_right(at, seg.start)]
        end = seg.end + before[bisect_left(at, seg.end)]
        if text[start:end] != seg.text:  # not expected: deletions are whole lines
            return list(segments)
        out.append(dataclasses.replace(seg, start=start, end=end))
    return out


def _fragment(seg: Segment) -> dict[str, Any]:
    return {"start": seg.start, "end": seg.end, "lang": seg.lang,
            "confidence": round(float(seg.confidence), 4), "script": seg.script,
            "text": seg.text}


# --- boilerplate ------------------------------------------------------------------------------
class Boilerplate(Stage):
    """Removes page furniture line by line (``boilerplate.BoilerplateRemover``).  Lines
    recurring across documents are learned from this batch alone (a first pass over
    it), so a document's output depends only on its batch; with ``learn_by`` the
    documents of one site (or of one value of a field) learn from each other only
    (:mod:`polyclean.groups`).  A line holding a fragment in another language is
    content to translate: the remover gets the fragments' spans (``foreign``) and its
    line classifier does not remove such a line.  A fragment in the target language is
    not among them, even in a document in another language: it needs no translation,
    and keeping it would not survive a second clean (once the lines around it are gone
    the document can read as the target language, and then the line is judged).  In
    the settle loop (``learn=False``) nothing is learned and no fragment is kept from
    the classifier; after the language was detected again (``foreign=True``) fragments
    are kept as in the first pass.

    A document whose lines a main-content extractor chose (``doc.meta["extracted"] ==
    "main"``) has already been judged by the page's structure: the rules that judge a
    line by its place among the others (:data:`STRUCTURAL`: the line classifier) are
    left to the extractor, and the content rules (UI phrases, read-also,
    call-to-action, cookie notices, datelines, duplicates, recurring lines...) still
    apply."""

    #: What is left to a main-content extractor (``drop_rules`` names).
    STRUCTURAL: ClassVar[tuple[str, ...]] = ("classifier",)

    name = "boilerplate"
    requires = ("text", "segments")
    assigns = ("text", "segments")

    def __init__(self, config: Config, stats: dict[str, int] | None = None, *,
                 suffix: str = "", learn: bool = True, foreign: bool | None = None) -> None:
        super().__init__(config, stats, suffix=suffix)
        self.learn = learn
        self.foreign = learn if foreign is None else foreign  # fragments kept from the classifier
        self._main: Config | None = None  # the configuration for main-extracted documents

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.boilerplate

    @classmethod
    def check(cls, config: Config) -> None:
        _boilerplate.check_options(config)

    def _config(self, doc: Doc) -> Config:
        """The configuration the remover applies to ``doc`` (see the class doc)."""
        if doc.meta.get("extracted") != "main":
            return self.config
        if self._main is None:
            off = tuple(self.config.drop_rules or ())
            self._main = self.config.replace(
                drop_rules=off + tuple(r for r in self.STRUCTURAL if r not in off))
        return self._main

    def _removers(self, docs: Sequence[Doc]) -> dict[int, _boilerplate.BoilerplateRemover]:
        """Each document's remover: one per learning group (and per configuration met in
        it), each learning from the whole group."""
        removers: dict[int, _boilerplate.BoilerplateRemover] = {}
        for group in (_groups.groups(docs, self.config.learn_by) if self.learn else [docs]):
            made: dict[int, _boilerplate.BoilerplateRemover] = {}
            for doc in group:
                cfg = self._config(doc)
                remover = made.get(id(cfg))
                if remover is None:
                    remover = made[id(cfg)] = _boilerplate.BoilerplateRemover(cfg)
                    if self.learn:
                        remover.learn(d.text for d in group)
                removers[id(doc)] = remover
        return removers

    def __call__(self, docs: Sequence[Doc]) -> list[Doc]:
        removers = self._removers(docs)
        target = self.config.target_lang
        changed = []
        for doc in docs:
            foreign = [(s.start, s.end) for s in doc.segments
                       if s.foreign and s.lang != target] if self.foreign else None
            found = removers[id(doc)].find(doc.text, foreign=foreign)
            if found:
                _name_languages(found, doc.segments)
            if not self.suffix:
                doc.note(self.name, "done")
            if found:
                self.count("lines_removed", len(found))
                doc.apply(found, self.suffix)
                changed.append(doc)
        return changed


def _name_languages(removals: list[Change], segments: list[Segment]) -> None:
    """A removed line that held a fragment in another language says which (``lang``),
    so the report shows what was dropped before translation."""
    foreign = [s for s in segments if s.foreign]
    if not foreign:
        return
    starts = [s.start for s in foreign]
    for c in removals:
        i = bisect_right(starts, c.end - 1) - 1
        if i >= 0 and foreign[i].end > c.start and c.lang is None:
            c.lang = foreign[i].lang


# --- translate --------------------------------------------------------------------------------
class Translate(Stage):
    """Translates every segment not in the target language (fragments foreign to their
    document, and the whole text of a document in another language) through the
    installed Argos packages, in one call for the whole batch (``translate.Translator``).
    It always runs, to count the foreign fragments; with ``translate=False`` its status
    is ``off`` and the text is left as it is."""

    name = "translate"
    requires = ("text", "segments")
    assigns = ("text",)

    def __init__(self, config: Config, stats: dict[str, int] | None = None, *,
                 suffix: str = "") -> None:
        super().__init__(config, stats, suffix=suffix)
        self._translator: _translate.Translator | None = None

    @classmethod
    def check(cls, config: Config) -> None:
        if config.translate and config.glossary:
            from .translate.protect import Glossary

            Glossary.load(config.glossary)

    @classmethod
    def phase(cls, config: Config) -> str | None:
        return cls.name if config.translate else None  # only counting fragments

    @property
    def translator(self) -> _translate.Translator:
        if self._translator is None:
            self._translator = _translate.Translator(self.config)
        return self._translator

    def __call__(self, docs: Sequence[Doc]) -> list[Doc]:
        cfg = self.config
        refs: list[tuple[Doc, Segment]] = []
        for doc in docs:
            for seg in doc.segments:
                if seg.foreign:
                    self.count("fragments_foreign")
                if seg.lang and seg.lang != cfg.target_lang and seg.lang != "und":
                    refs.extend((doc, part) for part in _unprotected(doc, seg, cfg))
        if refs:  # what translation is asked to do (the summary's first count)
            self.count("fragments_other_lang", len(refs))
        if not cfg.translate:
            for doc in docs:
                doc.note(self.name, "off")
            return []
        refs, outcomes = self._translate(refs)
        per_doc: dict[int, list[Change]] = {}
        tally: dict[int, list[int]] = {}  # fragments, translated, sentences refused
        left: dict[int, dict[str, None]] = {}
        for (doc, seg), out in zip(refs, outcomes):
            key = id(doc)
            n = tally.setdefault(key, [0, 0, 0])
            n[0] += 1
            if out.cache:  # depends on history (and workers): counted, never reported
                self.count(f"cache_{out.cache}")
            if out.translated:
                n[1] += 1
                self.count("fragments_translated")
            else:
                self.count("fragments_untranslated")
                if not out.package:  # for want of a package (the run's warning names them)
                    self.count(f"untranslated:{seg.lang or 'und'}")
                if out.unloadable:  # installed but cannot be loaded: the warning names it
                    self.count(f"unloadable:{out.unloadable}")
                left.setdefault(key, {})[out.reason] = None
            for r in out.refused:
                n[2] += 1
                self.count(f"refused_{r['code']}")
            failed = _translate.failed_sentences(out)
            if failed:  # the package failed on these sentences alone: the warning names it
                self.count(f"model_failed:{out.package}", len(failed))
                if cfg.missing_model == "fail" and doc.error is None:
                    exc = _translate.TranslationError(E.SENTENCE_FAILED.format(
                        why=failed[0]["detail"], sentence=_excerpt(failed[0]["sentence"])))
                    doc.error = f"{type(exc).__name__}: {exc}"
                    doc.meta["exception"] = exc
            # Every fragment is recorded, an untranslated one too (result == original, so
            # the report says why it stayed as it was), and a translation that equals its
            # source: the report's counts then equal the run's.
            per_doc.setdefault(key, []).append(
                Change(self.name, seg.start, seg.end, seg.text, out.result, out.reason,
                       seg.lang, seg.confidence, _outcome_fields(out)))
        changed = []
        for doc in docs:
            key = id(doc)
            if doc.error is not None:  # no package for it and --missing-model fail
                continue
            doc.note(self.name, _translate_status(tally.get(key), left.get(key)))
            if key in per_doc:
                doc.apply(per_doc[key])
                changed.append(doc)
        return changed

    def _translate(self, refs: list[tuple[Doc, Segment]]
                   ) -> tuple[list[tuple[Doc, Segment]], list["_translate.Outcome"]]:
        """Translate the fragments ``refs``.  With ``--missing-model fail``, the documents
        with a fragment no package translates fail (error set) and the others of the
        batch are translated: only those documents fail, and the rest of the batch is
        cleaned as it would be without them (it used to be cleaned again document by
        document, without the batch's boilerplate learning)."""
        while refs:
            try:
                return refs, self.translator.translate(
                    [_translate.Fragment(seg.text, seg.lang or "und") for _, seg in refs])
            except _translate.MissingModelError:
                tr = self.translator
                missing: dict[int, set[str]] = {}
                for doc, seg in refs:
                    if tr.route(seg.lang or "und") is None:
                        missing.setdefault(id(doc), set()).add(seg.lang or "und")
                if not missing:
                    raise
                for doc, _ in refs:
                    if id(doc) in missing and doc.error is None:
                        exc = _translate.MissingModelError(tr.missing_message(missing[id(doc)]))
                        doc.error = f"{type(exc).__name__}: {exc}"
                        doc.meta["exception"] = exc
                refs = [(doc, seg) for doc, seg in refs if id(doc) not in missing]
        return refs, []


def _excerpt(sentence: str, limit: int = 60) -> str:
    """A sentence as an error message quotes it: its ``repr``, cut at ``limit`` characters.

    >>> _excerpt("Кошка любит молоко.")
    "'Кошка любит молоко.'"
    >>> _excerpt("и " * 40)
    "'и и и и и и и и и и и и и и и и и и и и и и и и и и и и и и …'"
    """
    return repr(sentence if len(sentence) <= limit else sentence[:limit].rstrip() + " …")


def _unprotected(doc: Doc, seg: Segment, cfg: Config) -> list[Segment]:
    """The fragment ``seg`` without the protected spans that cross its edges (a URL
    whose path detection read as another language): ``[seg]`` when none does."""
    if not cfg.protect_spans:
        return [seg]
    parts = _translate.protect.outside_spans(doc.text, seg.start, seg.end)
    if parts == [(seg.start, seg.end)]:
        return [seg]
    return [dataclasses.replace(seg, start=a, end=b, text=doc.text[a:b]) for a, b in parts]


def _outcome_fields(out: "_translate.Outcome") -> dict[str, Any] | None:
    """What the report keeps of a translation outcome besides the change itself: the
    package, the model's score, the sentences refused (with their reason codes) and
    the protected spans with whether each survived."""
    extra: dict[str, Any] = {}
    if out.package:
        extra["package"] = out.package
    if out.score is not None:
        extra["score"] = round(float(out.score), 4)
    if out.refused:
        extra["refused"] = [{k: (round(v, 4) if isinstance(v, float) else v)
                             for k, v in r.items()} for r in out.refused]
    if out.protected:
        extra["protected"] = out.protected
    return extra or None


def _translate_status(tally: list[int] | None, left: dict[str, None] | None) -> str:
    """The honest status of translation for one document (``tally``: fragments,
    fragments translated, sentences whose output was refused).

    >>> _translate_status(None, None)
    'none: no foreign fragments'
    >>> _translate_status([3, 3, 0], None)
    'done: 3 of 3 fragments translated'
    >>> _translate_status([3, 3, 1], None)
    'partial: 3 of 3 fragments translated; 1 sentence kept in the source language (output refused)'
    >>> _translate_status([5, 2, 0], {"no installed package for ru->en (kept)": None})
    'partial: 2 of 5 fragments translated; 3 left: no installed package for ru->en (kept)'
    """
    if not tally:
        return "none: no foreign fragments"
    total, done, refused = tally
    if done == total and not refused:
        return f"done: {done} of {total} fragments translated"
    status = f"partial: {done} of {total} fragments translated"
    if done < total:
        status += f"; {total - done} left: " + "; ".join(left or ())
    elif refused:
        status += (f"; {refused} sentence{'s' if refused > 1 else ''} kept in the source "
                   "language (output refused)")
    return status


# --- normalise --------------------------------------------------------------------------------
class Normalize(Stage):
    """Unicode form, quotes, dashes, ellipsis, bullets, controls, whitespace; ASCII
    transliteration last (``normalize.normalize_text``)."""

    name = "normalize"
    requires = ("text",)
    assigns = ("text",)

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.normalize or config.ascii

    def __call__(self, docs: Sequence[Doc]) -> list[Doc]:
        changed = []
        for doc in docs:
            text, changes = normalize_text(doc.text, self.config)
            if not self.suffix:
                doc.note(self.name, "done")
            if changes:
                doc.apply(changes, self.suffix, text)
                changed.append(doc)
        return changed


from .web.stage import Extract  # noqa: E402  (it subclasses Stage, defined above)

#: The pipeline, in order.
STAGES: tuple[type[Stage], ...] = (Extract, Decode, Repair, Detect, Boilerplate, Translate,
                                   Normalize)
#: Run again, in this order, when normalising exposed something to repair.
SETTLE: tuple[type[Stage], ...] = (Repair, Boilerplate, Normalize)


class PipelineError(PolycleanError):
    """A stage requires what no earlier stage assigns."""


def check_order(stages: Sequence[type[Stage]], given: frozenset[str] = GIVEN) -> None:
    """Raise :class:`PipelineError` when a stage requires an attribute that no stage
    before it assigns (compare spaCy's pipeline analysis).

    >>> check_order((Detect, Decode))
    Traceback (most recent call last):
    ...
    polyclean.stages.PipelineError: stage 'detect' requires 'text', which no earlier stage assigns (order: detect, decode)
    """
    have = set(given)
    for stage in stages:
        missing = [r for r in stage.requires if r not in have]
        if missing:
            raise PipelineError(
                f"stage {stage.name!r} requires {missing[0]!r}, which no earlier stage "
                f"assigns (order: {', '.join(s.name for s in stages)})")
        have.update(stage.assigns)


def prefix(until: str | None) -> tuple[type[Stage], ...]:
    """The stages up to and including ``until`` (all of them for None).

    >>> [s.name for s in prefix("detect")]
    ['extract', 'decode', 'repair', 'detect']
    """
    if until is None:
        return STAGES
    names = [s.name for s in STAGES]
    if until not in names:
        raise ValueError(f"no stage {until!r}; stages: {', '.join(names)}")
    return STAGES[: names.index(until) + 1]


def describe() -> list[dict[str, Any]]:
    """(name, module, requires, assigns) of every stage, for the README's table."""
    return [{"name": s.name, "class": s.__name__, "requires": s.requires,
             "assigns": s.assigns} for s in STAGES]
