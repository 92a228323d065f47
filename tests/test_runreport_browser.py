"""The HTML run report in a real browser: Debian's headless Chromium, no network.

The run is `polyclean clean` over samples/ plus 500 JSONL records (runreport_run.py),
translated with the tiny test package; the page is built with `polyclean report`.  The
test checks that the page renders without console errors, that every plot is drawn
(bars with a size), and that the counts on the page equal the run summary's.  Screenshots
are saved as tests/artifacts/run-report.png (the top) and run-report-document.png (a
sampled document opened).

Chromium comes from Debian's package (`.ci/run` installs it); it is driven by
Playwright's Python package through ``executable_path``: Playwright downloads nothing.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from runreport_run import run_clean

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def _chromium() -> str | None:
    for name in (os.environ.get("POLYCLEAN_CHROMIUM"), "chromium", "chromium-browser"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


CHROMIUM = _chromium()
if CHROMIUM is None and not os.environ.get("CI"):  # CI installs it (.ci/run): never skip there
    pytest.skip("Debian's chromium is not installed (apt-get install chromium; .ci/run "
                "does it in CI)", allow_module_level=True)
playwright = pytest.importorskip("playwright.sync_api", reason="the 'browser' extra")


@pytest.fixture(scope="module")
def page_and_summary(tmp_path_factory):
    """Clean the corpus once (with the tiny ru->en package), build the page."""
    from polyclean import models
    from polyclean.cli_report import main

    tmp = tmp_path_factory.mktemp("runreport")
    mp = pytest.MonkeyPatch()
    try:
        for k, v in {"ARGOS_PACKAGES_DIR": tmp / "packages",
                     "XDG_CACHE_HOME": tmp / "xdg-cache"}.items():
            mp.setenv(k, str(v))
        from argos_tiny import RU_EN, build_package

        models.install_file(build_package(tmp / "pkg", RU_EN))
        report, summary = run_clean(tmp, tmp / "cache.sqlite3")
    finally:
        mp.undo()
    summary_path = tmp / "summary.json"
    summary_path.write_text(json.dumps(summary), "utf-8")
    html = tmp / "report.html"
    assert main(["report", str(report), "--summary", str(summary_path), "-o", str(html)]) == 0
    return html, summary, tmp


def test_page_renders_offline_with_plots_and_the_summary_counts(page_and_summary):
    html, summary, tmp = page_and_summary
    assert html.stat().st_size < 3_000_000
    stats = summary.get("stats", {})
    assert stats.get("fragments_translated", 0) > 0  # the tiny package translated
    console, requests = [], []
    with playwright.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp / "chromium-profile"), executable_path=CHROMIUM, headless=True,
            args=FLAGS, offline=True, viewport={"width": 1280, "height": 2000})
        try:
            page = ctx.new_page()
            page.on("console", lambda m: console.append((m.type, m.text)))
            page.on("pageerror", lambda e: console.append(("pageerror", str(e))))
            page.on("request", lambda r: requests.append(r.url))
            page.goto(html.as_uri(), wait_until="load")
            page.wait_for_function(
                "[...document.querySelectorAll('.plot')].every(e => e.dataset.drawn)",
                timeout=20_000)
            plots = page.evaluate("""[...document.querySelectorAll('.plot')].map(e => ({
                id: e.id,
                bars: [...e.querySelectorAll('.mark-rect path')].filter(b => {
                    const r = b.getBoundingClientRect(); return r.width > 0 && r.height > 0;
                }).length,
                labels: [...e.querySelectorAll('.role-axis-label text')].map(t => t.textContent)
            }))""")
            counts = page.evaluate("""[...document.querySelectorAll('[data-count]')].map(e =>
                [e.dataset.count, e.dataset.from || '', e.textContent])""")
            sample = page.evaluate("""[...document.querySelectorAll('details.doc')].map(d =>
                [d.querySelectorAll('table.sbs').length,
                 [...d.querySelectorAll('span.c')].filter(s => s.title).length])""")
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "run-report.png"))
            page.locator("details.doc:has(span.c.s-translate)").first.evaluate(
                "e => { e.open = true; e.scrollIntoView(); }")
            page.screenshot(path=str(ARTIFACTS / "run-report-document.png"))
        finally:
            ctx.close()
    assert [c for c in console if c[0] in ("error", "pageerror", "warning")] == []
    assert [u for u in requests if not u.startswith(("file:", "data:", "about:"))] == []
    by_id = {p["id"]: p for p in plots}
    for name in ("plot-doc-langs", "plot-fragment-langs", "plot-stages", "plot-rules",
                 "plot-translation", "plot-errors"):
        assert by_id[name]["bars"] > 0, name
    assert "en" in by_id["plot-doc-langs"]["labels"]
    assert "ru" in by_id["plot-translation"]["labels"]
    # every sampled document is shown side by side (its source was read again), and
    # its changes carry their reasons (the hover title)
    assert sample and all(tables == 1 for tables, _ in sample)
    assert sum(marked for _, marked in sample) > 0
    shown = {}
    for key, source, text in counts:
        shown[(key, source)] = text.replace(",", "")
    expect = {
        "records": summary["records"], "documents": summary.get("documents", stats.get("documents")),
        "errors": summary["errors"], "lines_removed": stats.get("lines_removed", 0),
        "fragments_translated": stats.get("fragments_translated", 0),
        "fragments_untranslated": stats.get("fragments_untranslated", 0),
    }
    for key, value in expect.items():
        assert shown[(key, "summary")] == str(value), key
        assert shown[(key, "reports")] == str(value), key  # the reports agree with it
    assert int(shown[("fragments_translated", "reports")]) > 0
    assert expect["errors"] == 2 and expect["records"] == 503
