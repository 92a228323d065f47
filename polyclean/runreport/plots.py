"""The report's plots: Vega-Lite specifications, drawn in the page by Vega.

Why Vega-Lite (README "Run report"): the page must work with no network, so the plotting
code travels inside it.  Vega and Vega-Lite, minified, add 0.77 MB (``vendor/``), against
4.85 MB for plotly.js; and building a specification costs Python nothing, where
matplotlib takes 1.3 s to import and 0.15 s per SVG chart — more than the 5 % a report
may add to a 13-second run of 40,000 records.  The specifications are plain dicts
(altair would only add a 0.5 s import to build the same JSON).

Every chart is a horizontal bar chart of counts by category, stacked when there are
several series; each bar's tooltip gives its value.

>>> spec = bar_chart("Documents by language", [("en", "documents", 40), ("ru", "documents", 3)],
...                  "documents")
>>> spec["mark"]["type"], [v["category"] for v in spec["data"]["values"]]
('bar', ['en', 'ru'])
"""

from __future__ import annotations

from typing import Any, Iterable, Sequence

MAX_BARS = 20  # categories per chart; the rest are summed as "(other)"
SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"  # an identifier, never fetched
SERIES_COLOURS = {
    "translated": "#55A868", "refused": "#C44E52", "left": "#DD8452",
    "done": "#55A868", "partial": "#DD8452", "none": "#8C8C8C", "off": "#B0B0B0",
    "failed": "#C44E52",
}


def bar_chart(title: str, rows: Iterable[tuple[str, str, float]], unit: str,
              order: Sequence[str] | None = None) -> dict[str, Any]:
    """A Vega-Lite bar chart of ``(category, series, value)`` rows: one bar per category
    (in the order given), its segments the series."""
    rows = list(rows)
    cats: list[str] = []
    for cat, _, _ in rows:
        if cat not in cats:
            cats.append(cat)
    if len(cats) > MAX_BARS:
        keep = set(cats[:MAX_BARS - 1])
        folded: dict[tuple[str, str], float] = {}
        for cat, series, value in rows:
            key = (cat if cat in keep else "(other)", series)
            folded[key] = folded.get(key, 0) + value
        rows = [(c, s, v) for (c, s), v in folded.items()]
        cats = cats[:MAX_BARS - 1] + ["(other)"]
    series_names = order or sorted({s for _, s, _ in rows})
    values = [{"category": c, "series": s, "value": v} for c, s, v in rows]
    colour: dict[str, Any] = {"field": "series", "type": "nominal", "title": None,
                              "sort": list(series_names)}
    known = [s for s in series_names if s in SERIES_COLOURS]
    if known and len(known) == len(series_names):
        colour["scale"] = {"domain": list(series_names),
                           "range": [SERIES_COLOURS[s] for s in series_names]}
    if len(series_names) == 1:
        colour["legend"] = None
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "anchor": "start", "fontSize": 13},
        "width": 520,
        "height": {"step": 20},
        "data": {"values": values},
        "mark": {"type": "bar", "tooltip": True},
        "encoding": {
            "y": {"field": "category", "type": "nominal", "sort": cats, "title": None,
                  "axis": {"labelLimit": 260}},
            "x": {"field": "value", "type": "quantitative", "title": unit,
                  "stack": "zero"},
            "color": colour,
            "order": {"field": "series"},
            "tooltip": [{"field": "category", "title": "what"},
                        {"field": "series", "title": "series"},
                        {"field": "value", "title": unit, "format": ",.4~f"}],
        },
        "config": {"view": {"stroke": None}, "font": "sans-serif"},
    }


def counter_chart(title: str, counts: dict[str, float], unit: str,
                  series: str = "count") -> dict[str, Any] | None:
    """A one-series chart of a counter, largest first; ``None`` when it is empty.

    >>> counter_chart("x", {}, "n") is None
    True
    """
    if not counts:
        return None
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], str(kv[0])))
    return bar_chart(title, [(str(k), series, v) for k, v in ordered], unit)


def stacked_chart(title: str, table: dict[str, dict[str, float]], unit: str,
                  order: Sequence[str]) -> dict[str, Any] | None:
    """A stacked chart of ``{category: {series: value}}``, largest total first."""
    if not table:
        return None
    cats = sorted(table, key=lambda c: (-sum(table[c].values()), c))
    rows = [(c, s, table[c][s]) for c in cats for s in order if table[c].get(s)]
    present = [s for s in order if any(table[c].get(s) for c in cats)]
    return bar_chart(title, rows, unit, present)
