"""Counts of a whole run, gathered one report at a time in bounded memory.

:class:`RunReport` takes the per-document reports of a run (``add``), in any number of
pieces that merge (``merge``: a runner can aggregate each batch in its worker and add the
batches in input order), and keeps only:

* counters whose number of keys is bounded by what a run can name (languages, stages and
  their statuses, rule names, packages, refusal codes; at most :data:`MAX_KEYS` keys
  each, the rest counted under ``"(other)"``);
* the removed lines in a :class:`~polyclean.runreport.sketch.HeavyHitters` summary
  (``k`` counters, error bound on the page);
* the first :data:`EXAMPLES` examples of each kind of error (at most :data:`MAX_KEYS`
  kinds);
* a deterministic sample of documents (:class:`Sample`).

Nothing depends on the order of the reports except the sketch's counts, which stay
within its bound whatever the order.

>>> rr = RunReport()
>>> rr.add({"id": "a", "lang": "en", "stages": {"boilerplate": "done"}, "changes": [
...     {"step": "boilerplate", "start": 0, "end": 10, "original": "Subscribe\\n",
...      "result": "", "reason": "ui-phrase"}]}, source="Subscribe\\nText.")
>>> rr.add({"id": "b", "error": "invalid JSON: Expecting value at column 1"})
>>> rr.documents, rr.errors, dict(rr.removed_by_rule), rr.top_lines.top(1)
(1, 1, {'ui-phrase': 1}, [('Subscribe', 1)])
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections import Counter
from typing import Any, Iterable

from ..report import REPORT_SCHEMA
from .sketch import HeavyHitters

def rule_of(reason: str) -> str:
    """The rule(s) of a boilerplate reason: each rule of a composed reason (two passes
    of the stage over one line, joined with ``+``) without its particulars, once.  The
    reason was cut at its first " (", so a line removed by "classifier (language
    detected again)+date" counted under "classifier" alone, and one removed twice by
    the classifier under "classifier+classifier".

    >>> rule_of("recurring-in-batch (3 of 9 docs)"), rule_of("classifier (language detected again)+date")
    ('recurring-in-batch', 'classifier+date')
    >>> rule_of("classifier+classifier (after normalisation)+recurring-in-batch (3 of 9 docs)")
    'classifier+recurring-in-batch'
    """
    return "+".join(dict.fromkeys(part.split(" (", 1)[0] for part in reason.split("+")))


MAX_KEYS = 200  # keys per counter (languages, reasons, error kinds); the rest is "(other)"
EXAMPLES = 3  # examples kept per kind of error
LINE_CHARS = 300  # a removed line is counted by its first LINE_CHARS characters
OTHER = "(other)"

#: Refusal codes of the translation checks (``polyclean.translate.checks.REASONS`` where
#: it exists); a translate change names them in a ``refused`` list or in its reason.
REFUSAL_CODES = ("protected-lost", "empty", "unknown-tokens", "loop", "length-ratio",
                 "source-script", "low-score")
_NO_PACKAGE = re.compile(r"no installed package for (\S+?)->(\S+?)\b")


def _bump(counter: Counter, key: Any, n: int = 1) -> None:
    """``counter[key] += n``, with at most :data:`MAX_KEYS` keys (then ``"(other)"``)."""
    if key in counter:
        counter[key] += n
    elif len(counter) < MAX_KEYS:
        counter[key] = n
    else:
        counter[OTHER] += n


def _counter(table: dict[str, Counter], key: str) -> Counter:
    """``table[key]``, created empty on first use."""
    c = table.get(key)
    if c is None:
        c = table[key] = Counter()
    return c


_STATUS: dict[str, str] = {}


def _status(text: str) -> str:
    """The status word of a stage status (``"partial: 2 of 5 ..."`` -> ``"partial"``).

    >>> _status("partial: 2 of 5 fragments translated"), _status("done")
    ('partial', 'done')
    """
    word = _STATUS.get(text)
    if word is None:
        word = text.split(":", 1)[0].strip()
        if len(_STATUS) < 10_000:  # statuses repeat; their details (counts) vary a little
            _STATUS[text] = word
    return word


def _change(ch: Any) -> tuple:
    """(step, reason, original, result, lang, package, refused) of a change, given as a
    report dict or as a :class:`polyclean.report.Change`.

    >>> _change({"step": "boilerplate", "reason": "ui-phrase", "original": "Menu\\n", "result": ""})
    ('boilerplate', 'ui-phrase', 'Menu\\n', '', None, None, None)
    """
    if isinstance(ch, dict):
        get = ch.get
        return (get("step"), str(get("reason", "")), str(get("original", "")),
                str(get("result", "")), get("lang"), get("package"), get("refused"))
    extra = ch.extra or {}
    return (ch.step, ch.reason, ch.original, ch.result, ch.lang, extra.get("package"),
            extra.get("refused"))


def error_kind(message: str) -> str:
    """The kind of an error message: the message with its particulars (numbers, quoted
    names, positions) blanked out, so that the same failure on many records is one kind.

    >>> error_kind("invalid JSON: Expecting value: line 1 column 5 (char 4)")
    'invalid JSON: Expecting value: line # column # (char #)'
    >>> error_kind("no field 'body' in the record")
    "no field '…' in the record"
    """
    text = re.sub(r"'[^']*'|\"[^\"]*\"", lambda m: m.group(0)[0] + "…" + m.group(0)[0], message)
    return re.sub(r"\d+", "#", text)[:160]


def sample_key(doc_id: Any) -> str:
    """The sample order of a document: a hash of its id, so the sample does not depend
    on the order documents arrive in, the workers or the batches.

    >>> sample_key("a.txt") == sample_key("a.txt") != sample_key("b.txt")
    True
    """
    return hashlib.blake2b(str(doc_id).encode("utf-8", "surrogatepass"),
                           digest_size=8).hexdigest()


_GATES: dict[int, "Sample"] = {}  # per process: the keys its workers' batches have seen


class Sample:
    """A bounded, deterministic sample: the ``k`` documents with the smallest
    :func:`sample_key` in each of a few strata (any document; documents with a
    translation, with a refused or untranslated fragment, with a repair, with a
    removed line), so that each kind of change has examples.  A document in several
    strata is kept once."""

    STRATA = ("any", "translated", "left", "repair", "boilerplate")

    def __init__(self, k: int = 12) -> None:
        self.k = k
        # stratum -> max-heap (negated keys) of (key, key); docs: key -> (report, source);
        # a report is a dict or a Report, or its JSON text once pickled (one string
        # pickles fast when a worker sends its batch's sample back)
        self.heaps: dict[str, list[tuple[str, str]]] = {s: [] for s in self.STRATA}
        self.docs: dict[str, tuple[Any, str | None]] = {}
        self.refs: dict[str, int] = {}  # key -> number of heaps holding it
        self.gate: Sample | None = None  # see RunReport.for_worker

    def offer(self, doc_id: Any, report: Any, source: str | None, strata: Iterable[str]
              ) -> None:
        """Consider a document (its report as a dict or a Report) for ``strata``."""
        key = sample_key(doc_id)
        if self.gate is not None:
            strata = self.gate._place(key, strata)
            if not strata:
                return
        if self._place(key, strata) and key not in self.docs:
            self.docs[key] = (report, source)

    def _place(self, key: str, strata: Iterable[str]) -> list[str]:
        """Put ``key`` in the heaps of ``strata`` where it is among the ``k`` lowest;
        the strata where it was kept."""
        kept = []
        refs = self.refs
        for s in strata:
            heap = self.heaps[s]
            if len(heap) < self.k:
                heapq.heappush(heap, (_Neg(key), key))
            elif key < heap[0][1]:
                _, out = heapq.heapreplace(heap, (_Neg(key), key))
                refs[out] -= 1
                if not refs[out]:  # in no heap any more
                    del refs[out]
                    self.docs.pop(out, None)
            else:
                continue
            refs[key] = refs.get(key, 0) + 1
            kept.append(s)
        return kept

    def merge(self, other: "Sample") -> None:
        for s, heap in other.heaps.items():
            for _, key in heap:
                if self._place(key, (s,)) and key not in self.docs:
                    self.docs[key] = other.docs[key]

    def without_source(self) -> dict[str, str]:
        """{document location: sample key} of the sampled documents whose source is
        unknown (a report's ``location``, else its ``id``)."""
        out = {}
        for key, (report, source) in self.docs.items():
            rep = _loaded(report) if source is None else {}
            doc_id = rep.get("location") or rep.get("id")
            if doc_id is not None:
                out[str(doc_id)] = key
        return out

    def set_source(self, key: str, source: str) -> None:
        self.docs[key] = (self.docs[key][0], source)

    def documents(self) -> list[tuple[dict, str | None]]:
        """The sampled documents (report, source), in sample order."""
        return [(_loaded(self.docs[k][0]), self.docs[k][1]) for k in sorted(self.docs)]

    def __getstate__(self) -> dict:
        docs = {k: (r if isinstance(r, str) else json.dumps(_loaded(r), ensure_ascii=False), s)
                for k, (r, s) in self.docs.items()}
        return {"k": self.k, "heaps": self.heaps, "docs": docs, "refs": self.refs,
                "gate": None}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


def _loaded(report: Any) -> dict:
    """A sampled report as a dict (it may be JSON text, or a Report object)."""
    if isinstance(report, str):
        return json.loads(report)
    return report if isinstance(report, dict) else report.to_dict()


class _Neg(str):
    """A string that sorts in reverse (for a max-heap of keys)."""

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)


def _flushed(attr: str, doc: str) -> property:
    """A read-only view of ``attr`` that counts the pending documents first."""

    def get(self: "RunReport") -> Any:
        self._flush()
        return getattr(self, attr)

    return property(get, doc=doc)


class RunReport:
    """The aggregate of a run's reports (see the module documentation)."""

    def __init__(self, sketch_k: int = 1000, sample_k: int = 12) -> None:
        self.documents = 0
        self.errors = 0
        self.input_errors = 0  # of the errors: inputs that failed as a whole (no record read)
        self.read_lines = self.not_reports = 0  # of add_lines: JSON objects, those without "schema"
        self.other_schemas: dict[str, int] = {}  # of add_lines: reports of another layout
        self.cut_line: int | None = None  # of add_lines: a last line the file ends inside
        self.bad_lines: list[int] = []  # of add_lines: other lines that are not reports
        # Per-document values wait in lists and are counted in bulk (Counter's C loop)
        # by _flush: a run adds tens of thousands of documents, and this keeps the cost
        # of a document to a few list appends.  The properties below flush first.
        self._pending: dict[str, list] = {"langs": [], "encodings": [], "stages": [],
                                          "fragments": [], "steps": [], "removed": []}
        self._langs: Counter = Counter()  # documents by language
        self._encodings: Counter = Counter()
        self._fragment_langs: Counter = Counter()  # detected fragments by language
        self._stages: dict[str, Counter] = {}  # stage -> status -> documents
        self._changes_by_step: Counter = Counter()  # from the reports' counts
        self._removed_by_rule: Counter = Counter()  # boilerplate: lines per rule
        self._lines_removed = 0
        self._top_lines = HeavyHitters(sketch_k)
        self._line_rules: dict[str, dict[str, int]] = {}  # rules of the lines in the sketch
        self.translation: dict[str, Counter] = {}  # lang -> outcome -> fragments
        self.packages: Counter = Counter()
        self.refused: Counter = Counter()  # refusal code -> sentences/fragments
        self.left: Counter = Counter()  # why a fragment was left -> fragments
        self.missing_pairs: Counter = Counter()  # "ru->en" with no package -> fragments
        self.error_kinds: dict[str, list] = {}  # kind -> [count, [examples]]
        self.sample = Sample(sample_k)

    @classmethod
    def new_run(cls) -> None:
        """Forget the gates of an earlier run in this process (call it in the main
        process before a run's workers start): a gate that saw another run's keys
        would keep this run's documents out of the sample."""
        _GATES.clear()

    @classmethod
    def for_worker(cls, **kw: Any) -> "RunReport":
        """A RunReport for one batch in a worker process.  Its sample keeps a document
        only if it is among the lowest keys this process has seen so far (a gate that
        lives as long as the process), so later batches send back almost no documents;
        the merged sample is still exactly the run's lowest keys, since a document that
        is among the lowest of the run is among the lowest its worker has seen."""
        rr = cls(**kw)
        gate = _GATES.get(rr.sample.k)
        if gate is None:
            gate = _GATES[rr.sample.k] = Sample(rr.sample.k)
        rr.sample.gate = gate
        return rr

    # -- adding -----------------------------------------------------------------------
    def add(self, report: Any, source: str | None = None) -> None:
        """Count one report: a report line (a document's report dict, or an error
        ``{"id", "error"}``) or a :class:`polyclean.report.Report` itself (what a worker
        has before the dict is built: counting it costs no dict).  ``source`` is the
        document's decoded input, kept only if it enters the sample (a sampled document
        without it is shown as its list of changes)."""
        if isinstance(report, dict):
            if "error" in report and "changes" not in report:
                self.add_error(report.get("id"), str(report["error"]),
                               report.get("scope") != "input")
                return
            get = report.get
            lang, encoding, stages, frags, counts, changes = (
                get("lang"), get("encoding"), get("stages"), get("fragments"), get("counts"),
                get("changes"))
            doc_id = get("id")
        else:
            lang, encoding, stages, frags, counts, changes = (
                report.lang, report.encoding, report.stages, report.fragments, report.counts,
                report.changes)
            doc_id = report.id
        self.documents += 1
        pending = self._pending
        pending["langs"].append(lang)
        if encoding:
            pending["encodings"].append(encoding)
        if stages:
            pending["stages"].append(tuple(stages.items()))  # documents share most
        if frags:
            pending["fragments"].extend([f.get("lang") for f in frags])
        if not counts and changes:  # a report written without its counts
            counts = Counter(_change(ch)[0] for ch in changes)
        if counts:
            pending["steps"].append(tuple(counts.items()))
        if len(pending["langs"]) >= 4096:
            self._flush()
        strata = ["any"]
        if counts and "repair" in counts:
            strata.append("repair")
        if counts and ("boilerplate" in counts or "translate" in counts):
            kinds = set()
            for ch in changes or ():
                step = ch.get("step") if isinstance(ch, dict) else ch.step
                if step != "boilerplate" and step != "translate":
                    continue
                fields = _change(ch)
                if step == "boilerplate":  # counted when flushed, alike ones together
                    pending["removed"].append((fields[1], fields[2]))
                    kinds.add("boilerplate")
                else:
                    kinds.add(self._translated(*fields[1:]))
            strata.extend(sorted(kinds))
        self.sample.offer(doc_id, report, source, strata)

    def _flush(self) -> None:
        """Count the pending per-document values into the capped counters."""
        p = self._pending
        if not p["langs"]:
            return
        for k, n in Counter(p["langs"]).items():
            _bump(self._langs, k or "und", n)
        for k, n in Counter(p["encodings"]).items():
            _bump(self._encodings, k, n)
        for k, n in Counter(p["fragments"]).items():
            _bump(self._fragment_langs, k or "und", n)
        for items, n in Counter(p["stages"]).items():
            for stage, status in items:
                _bump(_counter(self._stages, stage), _status(str(status)), n)
        for items, n in Counter(p["steps"]).items():
            for step, k in items:
                self._changes_by_step[step] += k * n
        for (reason, original), n in Counter(p["removed"]).items():
            self._removed(reason, original, n)
        for values in p.values():
            values.clear()

    langs = _flushed("_langs", "Documents by detected language.")
    encodings = _flushed("_encodings", "Documents by input encoding.")
    fragment_langs = _flushed("_fragment_langs",
                              "Fragments in another language than the target or than their "
                              "document, by language.")
    stages = _flushed("_stages", "Stage -> status word -> documents.")
    changes_by_step = _flushed("_changes_by_step", "Changes by step.")
    removed_by_rule = _flushed("_removed_by_rule", "Boilerplate: lines removed by rule.")
    lines_removed = _flushed("_lines_removed", "Boilerplate: lines removed.")
    top_lines = _flushed("_top_lines", "The most removed lines (a Misra-Gries summary).")
    line_rules = _flushed("_line_rules", "The rules that removed each line of the summary.")

    def __getstate__(self) -> dict:
        self._flush()
        return self.__dict__

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    def _removed(self, reason: str, original: str, n: int = 1) -> None:
        """Count a removed text ``n`` times: one removed line by rule, as the stage and
        the run summary count it (a hard-wrapped paragraph judged as one line is one;
        counted by its lines, the page's total disagreed with the summary's), and each
        of its lines in the most-removed-lines summary."""
        rule = rule_of(reason)
        top, rules = self._top_lines, self._line_rules
        self._lines_removed += n
        _bump(self._removed_by_rule, rule, n)
        for line in original.splitlines() if "\n" in original[:-1] else (original,):
            line = line.strip()
            if not line:
                continue
            key = line[:LINE_CHARS]
            top.add(key, n)
            if key in top.counts:
                seen = rules.get(key)
                if seen is None:
                    rules[key] = {rule: n}
                else:
                    seen[rule] = seen.get(rule, 0) + n
        if len(rules) > 2 * top.k:  # forget the lines the sketch dropped
            self._line_rules = {k: v for k, v in rules.items() if k in top.counts}

    def _translated(self, reason: str, original: str, result: str, lang: str | None,
                    package: str | None, refused: Any) -> str:
        """Count one translate change; returns its sample stratum."""
        per = _counter(self.translation, lang or "und")
        if package:
            _bump(self.packages, package)
        codes = [r.get("code") for r in refused or () if isinstance(r, dict)]
        if not codes and "kept" in reason:
            codes = [c for c in REFUSAL_CODES if c in reason]
        for code in codes:
            _bump(self.refused, code or "?")
        if reason.startswith("translated"):
            per["translated"] += 1
            return "left" if codes else "translated"
        if codes:
            per["refused"] += 1
            return "left"
        per["left"] += 1
        missing = _NO_PACKAGE.search(reason)
        if missing:
            _bump(self.missing_pairs, f"{missing.group(1)}->{missing.group(2)}")
        _bump(self.left, reason)
        return "left"

    def add_error(self, doc_id: Any, message: str, record: bool = True) -> None:
        """Count a failure: of a record, or (``record=False``) of an input as a whole
        (missing, unreadable, a glob matching nothing), which is no record read."""
        self.errors += 1
        if not record:
            self.input_errors += 1
        kind = error_kind(message)
        if kind not in self.error_kinds and len(self.error_kinds) >= MAX_KEYS:
            kind = OTHER
        entry = self.error_kinds.setdefault(kind, [0, []])
        entry[0] += 1
        if len(entry[1]) < EXAMPLES:
            entry[1].append((str(doc_id), message[:500]))

    def add_lines(self, lines: Iterable[str]) -> None:
        """Add report JSONL lines (``polyclean report``); a line that is not JSON is an
        error of kind ``"report line is not JSON"``, or, when the lines end inside it
        (no line break after it: a run killed while writing it, a copy cut short), of
        kind ``"report line cut short"``, and :attr:`cut_line` is its number; the numbers
        of the other lines that are not reports are in :attr:`bad_lines`."""
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                report = json.loads(line)
            except ValueError:
                if not line.endswith("\n"):  # only the last line can lack one
                    self.cut_line = n
                    self.add_error(f"line {n}", "report line cut short (the file ends inside it)")
                else:
                    self.bad_lines.append(n)
                    self.add_error(f"line {n}", "report line is not JSON")
                continue
            self.read_lines += 1
            if isinstance(report, dict) and "schema" in report:
                if report["schema"] != REPORT_SCHEMA:  # another polyclean's layout
                    self.other_schemas[str(report["schema"])] = \
                        self.other_schemas.get(str(report["schema"]), 0) + 1
                self.add(report)
            elif isinstance(report, dict):
                self.not_reports += 1
                self.bad_lines.append(n)
                self.add_error(f"line {n}", "not a per-document report (no 'schema')")
            else:
                self.bad_lines.append(n)
                self.add_error(f"line {n}", "report line is not a JSON object")

    # -- merging ------------------------------------------------------------------------
    def merge(self, other: "RunReport") -> None:
        """Add the counts of ``other`` (a batch's aggregate) to this one."""
        self.documents += other.documents
        self.errors += other.errors
        self.input_errors += other.input_errors
        self._lines_removed += other.lines_removed
        self._flush()
        for name in ("langs", "encodings", "fragment_langs", "changes_by_step",
                     "removed_by_rule", "packages", "refused", "left", "missing_pairs"):
            mine = getattr(self, name)
            for k, v in getattr(other, name).items():
                _bump(mine, k, v)
        for name in ("stages", "translation"):
            mine = getattr(self, name)
            for key, counts in getattr(other, name).items():
                target = _counter(mine, key)
                for k, v in counts.items():
                    _bump(target, k, v)
        self._top_lines.merge(other.top_lines)
        for line, rules in other.line_rules.items():
            mine = self._line_rules.setdefault(line, {})
            for rule, n in rules.items():
                mine[rule] = mine.get(rule, 0) + n
        self._line_rules = {k: v for k, v in self._line_rules.items()
                            if k in self._top_lines.counts}
        for kind, (count, examples) in other.error_kinds.items():
            if kind not in self.error_kinds and len(self.error_kinds) >= MAX_KEYS:
                kind = OTHER
            entry = self.error_kinds.setdefault(kind, [0, []])
            entry[0] += count
            entry[1].extend(examples[:EXAMPLES - len(entry[1])])
        self.sample.merge(other.sample)

    # -- totals ---------------------------------------------------------------------------
    def translation_totals(self) -> Counter:
        """Fragments by outcome (translated, refused, left) over all languages."""
        total: Counter = Counter()
        for counts in self.translation.values():
            total.update(counts)
        return total

    def write_html(self, path: str, summary: dict[str, Any] | None = None) -> int:
        """Write the self-contained HTML page (``-``: standard output); returns its
        size in bytes."""
        import sys

        from .page import render

        # a name that is not UTF-8 (a lone surrogate, as Python reads its bytes) is
        # written as its escape: "\\udce9", a JSON escape inside the page's data
        data = render(self, summary or {}).encode("utf-8", "backslashreplace")
        if path == "-":
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
            return len(data)
        from pathlib import Path

        from ..sinks import write_whole

        write_whole(Path(path), data)  # a full disk leaves the last page, not a cut one
        return len(data)
