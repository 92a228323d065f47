"""The HTML page of a run report: one self-contained file (styles, data, Vega and
Vega-Lite inlined; nothing is fetched).

Counts come from two places and the page says which: the run summary (``--summary-json``:
timings, cache hits, the runner's own counters) and the per-document reports aggregated
by :class:`~.aggregate.RunReport`.  Where both count the same thing, the totals table
shows both and marks a difference.  Each number the browser test compares carries
``data-count`` and ``data-from`` attributes.
"""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from importlib import resources
from typing import Any

from ..errors import plural
from .aggregate import EXAMPLES, LINE_CHARS, RunReport
from .docview import html_view
from .plots import counter_chart, stacked_chart

TOP_LINES = 50
STATUS_ORDER = ("done", "partial", "none", "off", "failed")
OUTCOMES = ("translated", "refused", "left")
INSTALL_HINT = ("Install a package with <code>polyclean models install {pair}</code> (or "
                "<code>polyclean models install PATH.argosmodel</code> offline), then clean "
                "again: cached translations are reused.")


@lru_cache(maxsize=1)
def _vendor() -> str:
    """The inlined scripts: Vega, then Vega-Lite."""
    base = resources.files("polyclean.runreport") / "vendor"
    return "".join("<script>" + (base / name).read_text("utf-8") + "</script>\n"
                   for name in ("vega.min.js", "vega-lite.min.js"))


def summary_counts(summary: dict[str, Any]) -> dict[str, Any]:
    """The summary's numbers, wherever its schema keeps them (``polyclean-summary/1``:
    top level and ``stats``); a missing key is ``None``.

    >>> summary_counts({"records": 5, "stats": {"documents": 4, "cache_hit": 1}})["documents"]
    4
    >>> summary_counts({})["records"] is None
    True

    A counter the run never incremented is not in ``stats``: it is 0.

    >>> summary_counts({"stats": {}})["fragments_translated"]
    0
    """
    stats = summary.get("stats") if isinstance(summary.get("stats"), dict) else None

    def get(key: str) -> Any:
        if key in summary and not isinstance(summary[key], dict):
            return summary[key]
        if stats is None:
            return None
        return stats.get(key, 0 if key not in ("seconds", "bytes_in", "bytes_out") else None)

    keys = ("records", "documents", "errors", "skipped", "bytes_in", "bytes_out", "seconds",
            "lines_removed", "fragments_foreign", "fragments_translated",
            "fragments_untranslated", "cache_hit", "cache_miss")
    return {k: get(k) for k in keys}


def _num(x: Any) -> str:
    if x is None:
        return "–"
    if isinstance(x, float):
        return f"{x:,.2f}"
    return f"{x:,}" if isinstance(x, int) else escape(str(x))


class _Charts:
    """Vega-Lite specs of the page, each placed where :meth:`place` is called."""

    def __init__(self) -> None:
        self.specs: dict[str, dict] = {}

    def place(self, name: str, spec: dict | None, empty: str) -> str:
        if spec is None:
            return f"<p class=note>{escape(empty)}</p>"
        self.specs[name] = spec
        return f'<div class=plot id="plot-{name}" data-spec="{name}"></div>'

    def scripts(self) -> str:
        data = json.dumps(self.specs, ensure_ascii=False, sort_keys=True)
        data = data.replace("</", "<\\/")
        return f'<script type="application/json" id="specs">{data}</script>'


def render(rr: RunReport, summary: dict[str, Any]) -> str:
    """The whole page."""
    charts = _Charts()
    body = [
        _header(summary),
        _totals(rr, summary),
        _timings(summary, charts),
        _languages(rr, charts),
        _boilerplate(rr, charts),
        _translation(rr, summary, charts),
        _errors(rr, charts),
        _sample(rr),
    ]
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta name=viewport content='width=device-width, initial-scale=1'>"
        f"<title>polyclean run report</title><style>{CSS}</style></head><body>"
        + "".join(body) + charts.scripts() + _vendor() + f"<script>{JS}</script>"
        + "</body></html>\n")


def _header(summary: dict[str, Any]) -> str:
    status = summary.get("status")
    where = summary.get("inputs")
    bits = []
    if status:
        bits.append(f"run status <b>{escape(str(status))}</b>")
    if isinstance(where, (int, str)):
        bits.append(f"{_num(where)} input(s)")
    if summary.get("schema"):
        bits.append(f"summary schema {escape(str(summary['schema']))}")
    if not summary:
        bits.append("no run summary given: timings and cache rates are not shown "
                    "(<code>polyclean report REPORT.jsonl --summary SUMMARY.json</code>)")
    nav = " · ".join(f"<a href='#{a}'>{t}</a>" for a, t in (
        ("totals", "Totals"), ("timings", "Timings"), ("languages", "Languages"),
        ("boilerplate", "Removed lines"), ("translation", "Translation"),
        ("errors", "Errors"), ("sample", "Sample documents")))
    return (f"<header><h1>polyclean run report</h1><p>{' · '.join(bits)}</p>"
            f"<nav>{nav}</nav></header>")


def _totals(rr: RunReport, summary: dict[str, Any]) -> str:
    s = summary_counts(summary)
    tr = rr.translation_totals()
    rows = [
        # an input that failed as a whole is an error but no record read (it was
        # counted as one, and the page showed the summary and the reports disagreeing)
        ("records", "records read", s["records"], rr.documents + rr.errors - rr.input_errors),
        ("documents", "documents cleaned", s["documents"], rr.documents),
        ("errors", "records that failed", s["errors"], rr.errors),
        ("lines_removed", "boilerplate lines removed", s["lines_removed"], rr.lines_removed),
        ("fragments_translated", "fragments translated", s["fragments_translated"],
         tr["translated"]),
        ("fragments_untranslated", "fragments left untranslated (refused or no package)",
         s["fragments_untranslated"], tr["refused"] + tr["left"]),
    ]
    out = ["<section id=totals><h2>Totals</h2><table class=totals><thead><tr><th></th>"
           "<th>run summary</th><th>document reports</th></tr></thead><tbody>"]
    differ = False
    skipped = s["skipped"] or 0  # not processed on purpose: no report line (not HTML, a FIFO)
    for key, label, a, b in rows:
        bad = a is not None and a != b + (skipped if key == "records" else 0) \
            and key != "fragments_translated"
        differ = differ or bad
        mark = " class=differ title='the summary and the reports disagree'" if bad else ""
        out.append(f"<tr{mark}><th>{label}</th>"
                   f"<td data-count='{key}' data-from=summary>{_num(a)}</td>"
                   f"<td data-count='{key}' data-from=reports>{_num(b)}</td></tr>")
    if skipped:
        out.append(f"<tr><th>records skipped on purpose (no report line)</th>"
                   f"<td data-count='skipped' data-from=summary>{_num(skipped)}</td>"
                   f"<td>–</td></tr>")
    out.append("</tbody></table><table class=totals><tbody>")
    secs = s["seconds"]
    for label, value in (("bytes in", s["bytes_in"]), ("bytes out", s["bytes_out"]),
                         ("seconds", secs)):
        out.append(f"<tr><th>{label}</th><td>{_num(value)}</td></tr>")
    before = summary.get("resumed_documents")  # done by the killed run of a resumed one
    done = (s["documents"] or 0) - (before if isinstance(before, int) else 0)
    if secs and done:
        rate = done / secs  # (a slow run of few documents showed 0)
        out.append(f"<tr><th>documents per second</th>"
                   f"<td>{rate:,.0f}</td></tr>" if rate >= 10 else
                   f"<tr><th>documents per second</th><td>{rate:.2g}</td></tr>")
    out.append("</tbody></table>")
    if differ:
        out.append("<p class=note>A difference between the two columns means some report "
                   "lines are missing (a run without <code>--report</code> for part of it, "
                   "a resumed run) or the summary belongs to another run.</p>")
    out.append("</section>")
    return "".join(out)


def _timings(summary: dict[str, Any], charts: _Charts) -> str:
    timings = summary.get("timings") if isinstance(summary.get("timings"), dict) else {}
    stats = summary.get("stats") if isinstance(summary.get("stats"), dict) else {}
    out = ["<section id=timings><h2>Timings per stage</h2>"]
    out.append(charts.place("timings", counter_chart(
        "Seconds per stage (all workers)", {k: float(v) for k, v in timings.items()},
        "seconds", "seconds") if timings else None,
        "The run summary has no timings per stage." if summary else "No run summary given."))
    if timings:
        total = sum(float(v) for v in timings.values()) or 1.0
        out.append("<table><thead><tr><th>stage</th><th>seconds</th><th>share</th></tr>"
                   "</thead><tbody>")
        for k, v in timings.items():
            out.append(f"<tr><td>{escape(k)}</td><td data-timing='{escape(k)}'>{float(v):,.2f}"
                       f"</td><td>{100 * float(v) / total:.1f} %</td></tr>")
        out.append("</tbody></table>")
    if stats:
        out.append("<details><summary>All counters of the run summary</summary><table><tbody>")
        for k, v in sorted(stats.items()):
            out.append(f"<tr><th>{escape(str(k))}</th><td>{_num(v)}</td></tr>")
        out.append("</tbody></table></details>")
    out.append("</section>")
    return "".join(out)


def _languages(rr: RunReport, charts: _Charts) -> str:
    status = {stage: dict(c) for stage, c in rr.stages.items()}
    return (
        "<section id=languages><h2>Languages and stages</h2><div class=row>"
        + charts.place("doc-langs", counter_chart("Documents by detected language",
                                                   dict(rr.langs), "documents"),
                       "No documents.")
        + charts.place("fragment-langs", counter_chart(
            # a report's fragments are those foreign to their document too: English
            # lines of a Russian document (the title said "another language than the
            # target" over a bar of the target's own)
            "Fragments in another language than the target or than their document, "
            "by language", dict(rr.fragment_langs), "fragments"),
            "No fragment in another language.")
        + "</div>"
        + charts.place("stages", stacked_chart("Stage status per document", status,
                                               "documents", STATUS_ORDER), "No stages.")
        + "</section>")


def _boilerplate(rr: RunReport, charts: _Charts) -> str:
    hh = rr.top_lines
    out = ["<section id=boilerplate><h2>Removed lines</h2>"]
    out.append(charts.place("rules", counter_chart("Lines removed, by rule",
                                                    dict(rr.removed_by_rule), "lines"),
                            "No line was removed."))
    out.append(
        f"<p class=bound id=sketch-bound>Counted in bounded memory: a Misra-Gries summary "
        f"of {hh.k:,} counters over {plural(hh.n, 'removed line')}. Each count below is a lower "
        f"bound; the true count is at most <b>{hh.error:,}</b> higher (the summary's "
        f"error, never more than lines ÷ ({hh.k:,} + 1) = {hh.n // (hh.k + 1):,}), and a "
        f"line not listed was removed at most {plural(hh.error, 'time')}. Lines are compared by "
        f"their first {LINE_CHARS} characters, without surrounding spaces.</p>")
    top = hh.top(TOP_LINES)
    if top:
        out.append("<table class=toplines><thead><tr><th>#</th><th>removed line</th>"
                   "<th>times</th><th>rules</th></tr></thead><tbody>")
        for i, (line, count) in enumerate(top, 1):
            rules = ", ".join(f"{r} {n:,}" for r, n in
                              sorted(rr.line_rules.get(line, {}).items(),
                                     key=lambda kv: (-kv[1], kv[0])))
            flag = " class=sentence title='looks like a sentence of body text'" \
                if _sentence_like(line) else ""
            rng = f"{count:,}" if not hh.error else f"{count:,}–{count + hh.error:,}"
            out.append(f"<tr{flag}><td>{i}</td><td>{escape(line)}</td>"
                       f"<td data-line-count>{rng}</td><td>{escape(rules)}</td></tr>")
        out.append("</tbody></table><p class=note>Highlighted rows look like sentences of "
                   "body text (six words or more, ending in . ! or ?): a body sentence "
                   "removed many times is worth a look.</p>")
    out.append("</section>")
    return "".join(out)


def _sentence_like(line: str) -> bool:
    """A line that reads like a sentence of body text.

    >>> _sentence_like("The council met on Tuesday to discuss the budget."), _sentence_like("Subscribe")
    (True, False)
    """
    return len(line.split()) >= 6 and line.rstrip()[-1:] in ".!?"


def _translation(rr: RunReport, summary: dict[str, Any], charts: _Charts) -> str:
    s = summary_counts(summary)
    tr = rr.translation_totals()
    out = ["<section id=translation><h2>Translation</h2>"]
    table = {lang: dict(c) for lang, c in rr.translation.items()}
    out.append(charts.place("translation", stacked_chart(
        "Fragments sent to translation, by language and outcome", table, "fragments",
        OUTCOMES), "No fragment was sent to translation."))
    hit, miss = s["cache_hit"], s["cache_miss"]
    if hit is not None or miss is not None:
        total = (hit or 0) + (miss or 0)
        rate = f"{100 * (hit or 0) / total:.1f} %" if total else "–"
        out.append(f"<p>Translation cache: <span data-count=cache_hit>{_num(hit)}</span> hits, "
                   f"{_num(miss)} misses: hit rate <b data-count=cache_rate>{rate}</b> "
                   "(from the run summary).</p>")
    else:
        out.append("<p class=note>Cache hits and misses are in the run summary, which was "
                   "not given.</p>")
    out.append(f"<p>{plural(tr['translated'], 'fragment')} translated, {tr['refused']:,} refused "
               f"(the model's output failed a check and the source was kept), "
               f"{tr['left']:,} left as they were.</p>")
    out.append(_small_table("Packages used", "package", "fragments", rr.packages))
    out.append(_small_table("Refused translations, by reason", "reason code",
                            "times", rr.refused))
    out.append(_small_table("Left untranslated, by reason", "reason", "fragments", rr.left))
    if rr.missing_pairs:
        pair = max(rr.missing_pairs.items(), key=lambda kv: (kv[1], kv[0]))[0]
        out.append(f"<p class=hint>{INSTALL_HINT.format(pair=escape(pair.replace('->', '-')))}"
                   "</p>")
    out.append("</section>")
    return "".join(out)


def _small_table(title: str, key: str, unit: str, counts) -> str:
    if not counts:
        return ""
    rows = "".join(f"<tr><td>{escape(str(k))}</td><td>{v:,}</td></tr>" for k, v in
                   sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0]))))
    return (f"<h3>{escape(title)}</h3><table><thead><tr><th>{key}</th><th>{unit}</th></tr>"
            f"</thead><tbody>{rows}</tbody></table>")


def _errors(rr: RunReport, charts: _Charts) -> str:
    out = ["<section id=errors><h2>Errors</h2>"]
    if not rr.error_kinds:
        out.append("<p>No record failed.</p></section>")
        return "".join(out)
    kinds = sorted(rr.error_kinds.items(), key=lambda kv: (-kv[1][0], kv[0]))
    out.append(charts.place("errors", counter_chart(
        "Failed records, by kind of error", {k: v[0] for k, v in kinds}, "records"), ""))
    out.append(f"<p>The first {EXAMPLES} examples of each kind:</p><table class=errors>"
               "<thead><tr><th>kind</th><th>records</th><th>examples</th></tr></thead><tbody>")
    for kind, (count, examples) in kinds:
        ex = "".join(f"<div><code>{escape(doc_id)}</code>: {escape(msg)}</div>"
                     for doc_id, msg in examples)
        out.append(f"<tr><td>{escape(kind)}</td><td data-error-count>{count:,}</td>"
                   f"<td>{ex}</td></tr>")
    out.append("</tbody></table></section>")
    return "".join(out)


def _sample(rr: RunReport) -> str:
    docs = rr.sample.documents()
    out = [f"<section id=sample><h2>Sample documents</h2><p>{plural(len(docs), 'document')}: for "
           f"each kind of change (any, translated, refused or left, repaired, lines "
           f"removed) the {rr.sample.k} whose id hashes lowest, so the same run always "
           "shows the same ones. Open one to see its source and output side by side; "
           "hover over a change for its step and reason.</p>"]
    for report, source in docs:
        counts = ", ".join(f"{k} {v}" for k, v in (report.get("counts") or {}).items())
        out.append(f"<details class=doc><summary><code>{escape(str(report.get('id')))}</code> "
                   f"— {escape(str(report.get('lang')))}; {escape(counts) or 'no changes'}"
                   f"</summary>{html_view(report, source)}</details>")
    out.append("</section>")
    return "".join(out)


CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:1200px;padding:0 1em 3em;
color:#222}
header{border-bottom:2px solid #4C72B0;margin-bottom:1em}h1{margin:.6em 0 .2em}
nav a{margin-right:.3em}section{margin:1.5em 0}h2{border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 6px;
text-align:left;vertical-align:top}thead th{background:#f3f3f3}
table.totals td{text-align:right;min-width:8em}tr.differ td{background:#fde2e2}
.row{display:flex;flex-wrap:wrap;gap:2em}.plot{min-height:60px;margin:.5em 0}
.note{color:#666;font-size:.92em}.bound{background:#f5f7fb;padding:.4em .6em}
tr.sentence td{background:#fff3cd}.hint{background:#eef7ee;padding:.4em .6em}
table.sbs{width:100%;table-layout:fixed;font:12px/1.4 ui-monospace,monospace}
table.sbs td{white-space:pre-wrap;word-break:break-word;width:50%}
.c{border-radius:2px;cursor:help}.c.src{background:#fbd5d5;text-decoration:line-through
#c44e52}.c.out{background:#d5f0dc}.c.s-repair.src{background:#fde6c8}
.c.s-translate.out{background:#d5e4fb}.c.s-normalize{background:#ececec}
details.doc{border:1px solid #ddd;margin:.3em 0;padding:.2em .5em}
details.doc summary{cursor:pointer}code{font-size:.95em}
del{background:#fbd5d5}ins{background:#d5f0dc;text-decoration:none}
"""

JS = """
(function () {
  var specs = JSON.parse(document.getElementById('specs').textContent);
  document.querySelectorAll('.plot[data-spec]').forEach(function (el) {
    var vgSpec = vegaLite.compile(specs[el.dataset.spec]).spec;
    new vega.View(vega.parse(vgSpec), {renderer: 'svg', container: el, hover: true})
      .runAsync().then(function () { el.dataset.drawn = '1'; })
      .catch(function (e) { console.error('plot ' + el.id + ': ' + e); });
  });
})();
"""
