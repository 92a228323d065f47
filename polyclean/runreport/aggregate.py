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

from .sketch import HeavyHitters

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
        # a report is a dict, or its JSON text once pickled (one string pickles fast
        # when a worker sends its batch's sample back)
        self.heaps: dict[str, list[tuple[str, str]]] = {s: [] for s in self.STRATA}
        self.docs: dict[str, tuple[dict | str, str | None]] = {}

    def offer(self, report: dict, source: str | None, strata: Iterable[str]) -> None:
        key = sample_key(report.get("id"))
        if self._place(key, strata) and key not in self.docs:
            self.docs[key] = (report, source)

    def _place(self, key: str, strata: Iterable[str]) -> bool:
        """Put ``key`` in the heaps of ``strata`` where it is among the ``k`` lowest;
        whether it was kept anywhere."""
        kept = False
        for s in strata:
            heap = self.heaps[s]
            if len(heap) < self.k:
                heapq.heappush(heap, (_Neg(key), key))
                kept = True
            elif key < heap[0][1]:
                _, out = heapq.heapreplace(heap, (_Neg(key), key))
                kept = True
                self._forget(out)
        return kept

    def _forget(self, key: str) -> None:
        if not any(key == k for heap in self.heaps.values() for _, k in heap):
            self.docs.pop(key, None)

    def merge(self, other: "Sample") -> None:
        for s, heap in other.heaps.items():
            for _, key in heap:
                if self._place(key, (s,)) and key not in self.docs:
                    self.docs[key] = other.docs[key]

    def without_source(self) -> dict[str, str]:
        """{document id: sample key} of the sampled documents whose source is unknown."""
        out = {}
        for key, (report, source) in self.docs.items():
            doc_id = _loaded(report).get("id") if source is None else None
            if doc_id is not None:
                out[str(doc_id)] = key
        return out

    def set_source(self, key: str, source: str) -> None:
        self.docs[key] = (self.docs[key][0], source)

    def documents(self) -> list[tuple[dict, str | None]]:
        """The sampled documents (report, source), in sample order."""
        return [(_loaded(self.docs[k][0]), self.docs[k][1]) for k in sorted(self.docs)]

    def __getstate__(self) -> dict:
        docs = {k: (r if isinstance(r, str) else json.dumps(r, ensure_ascii=False), s)
                for k, (r, s) in self.docs.items()}
        return {"k": self.k, "heaps": self.heaps, "docs": docs}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


def _loaded(report: dict | str) -> dict:
    return json.loads(report) if isinstance(report, str) else report


class _Neg(str):
    """A string that sorts in reverse (for a max-heap of keys)."""

    def __lt__(self, other: str) -> bool:  # type: ignore[override]
        return str.__gt__(self, other)


class RunReport:
    """The aggregate of a run's reports (see the module documentation)."""

    def __init__(self, sketch_k: int = 1000, sample_k: int = 12) -> None:
        self.documents = 0
        self.errors = 0
        self.langs: Counter = Counter()  # documents by language
        self.encodings: Counter = Counter()
        self.fragment_langs: Counter = Counter()  # detected fragments by language
        self.stages: dict[str, Counter] = {}  # stage -> status -> documents
        self.changes_by_step: Counter = Counter()  # from the reports' counts
        self.removed_by_rule: Counter = Counter()  # boilerplate: lines per rule
        self.lines_removed = 0
        self.top_lines = HeavyHitters(sketch_k)
        self.line_rules: dict[str, Counter] = {}  # rules of the lines in the sketch
        self.translation: dict[str, Counter] = {}  # lang -> outcome -> fragments
        self.packages: Counter = Counter()
        self.refused: Counter = Counter()  # refusal code -> sentences/fragments
        self.left: Counter = Counter()  # why a fragment was left -> fragments
        self.missing_pairs: Counter = Counter()  # "ru->en" with no package -> fragments
        self.error_kinds: dict[str, list] = {}  # kind -> [count, [examples]]
        self.sample = Sample(sample_k)

    # -- adding -----------------------------------------------------------------------
    def add(self, report: dict[str, Any], source: str | None = None) -> None:
        """Count one report line (a document's report, or an error ``{"id", "error"}``).
        ``source`` is the document's decoded input, kept only if it enters the sample
        (a sampled document without it is shown as its list of changes)."""
        if "error" in report and "changes" not in report:
            self.add_error(report.get("id"), str(report["error"]))
            return
        self.documents += 1
        _bump(self.langs, report.get("lang") or "und")
        if report.get("encoding"):
            _bump(self.encodings, report["encoding"])
        stages = self.stages
        for stage, status in (report.get("stages") or {}).items():
            _bump(_counter(stages, stage), _status(str(status)))
        for frag in report.get("fragments") or ():
            _bump(self.fragment_langs, frag.get("lang") or "und")
        counts = report.get("counts")
        if not counts and report.get("changes"):  # a report written without its counts
            counts = Counter(ch.get("step") for ch in report["changes"])
        for step, n in (counts or {}).items():
            self.changes_by_step[step] += n
        strata = ["any"]
        if counts and "repair" in counts:
            strata.append("repair")
        if counts and ("boilerplate" in counts or "translate" in counts):
            kinds = set()
            for ch in report.get("changes") or ():
                step = ch.get("step")
                if step == "boilerplate":
                    self._removed(ch, str(ch.get("reason", "")))
                    kinds.add("boilerplate")
                elif step == "translate":
                    kinds.add(self._translated(ch, str(ch.get("reason", ""))))
            strata.extend(sorted(kinds))
        self.sample.offer(report, source, strata)

    def _removed(self, ch: dict, reason: str) -> None:
        rule = reason.split(" (", 1)[0]  # "(after normalisation)" is the same rule
        for line in str(ch.get("original", "")).splitlines():
            line = line.strip()
            if not line:
                continue
            self.lines_removed += 1
            _bump(self.removed_by_rule, rule)
            key = line[:LINE_CHARS]
            self.top_lines.add(key)
            if key in self.top_lines.counts:
                _counter(self.line_rules, key)[rule] += 1
        if len(self.line_rules) > 2 * self.top_lines.k:  # forget lines the sketch dropped
            self.line_rules = {k: v for k, v in self.line_rules.items()
                               if k in self.top_lines.counts}

    def _translated(self, ch: dict, reason: str) -> str:
        """Count one translate change; returns its sample stratum."""
        lang = ch.get("lang") or "und"
        per = _counter(self.translation, lang)
        if ch.get("package"):
            _bump(self.packages, ch["package"])
        codes = [r.get("code") for r in ch.get("refused") or () if isinstance(r, dict)]
        if not codes and "kept" in reason:
            codes = [c for c in REFUSAL_CODES if c in reason]
        for code in codes:
            _bump(self.refused, code or "?")
        if reason.startswith("translated") and ch.get("result") != ch.get("original"):
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

    def add_error(self, doc_id: Any, message: str) -> None:
        self.errors += 1
        kind = error_kind(message)
        if kind not in self.error_kinds and len(self.error_kinds) >= MAX_KEYS:
            kind = OTHER
        entry = self.error_kinds.setdefault(kind, [0, []])
        entry[0] += 1
        if len(entry[1]) < EXAMPLES:
            entry[1].append((str(doc_id), message[:500]))

    def add_lines(self, lines: Iterable[str]) -> None:
        """Add report JSONL lines (``polyclean report``); a line that is not JSON is an
        error of kind ``"report line is not JSON"``."""
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                report = json.loads(line)
            except ValueError:
                self.add_error(f"line {n}", "report line is not JSON")
                continue
            if isinstance(report, dict):
                self.add(report)
            else:
                self.add_error(f"line {n}", "report line is not a JSON object")

    # -- merging ------------------------------------------------------------------------
    def merge(self, other: "RunReport") -> None:
        """Add the counts of ``other`` (a batch's aggregate) to this one."""
        self.documents += other.documents
        self.errors += other.errors
        self.lines_removed += other.lines_removed
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
        self.top_lines.merge(other.top_lines)
        for line, rules in other.line_rules.items():
            _counter(self.line_rules, line).update(rules)
        self.line_rules = {k: v for k, v in self.line_rules.items()
                           if k in self.top_lines.counts}
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
        """Write the self-contained HTML page; returns its size in bytes."""
        from .page import render

        data = render(self, summary or {}).encode("utf-8")
        with open(path, "wb") as fh:
            fh.write(data)
        return len(data)
