"""HTML extraction: polyclean's ``extract`` + ``Cleaner`` against trafilatura alone.

    .venv/bin/python bench/eval_web.py              # quality and speed (about 5 minutes)
    .venv/bin/python bench/eval_web.py --rounds 1   # one speed round

Every method runs in the same process on the same pages, each page's bytes decoded
once by :func:`polyclean.web.decode_html` (declared charset, then detection):

* ``trafilatura alone`` -- ``trafilatura.extract(html, url=url)``, its defaults (the
  issue's baseline); ``trafilatura, comments off`` -- the configuration
  ``extract(mode="main")`` uses;
* ``resiliparse main`` -- ``extract_plain_text(main_content=True)``, the other
  candidate extractor;
* ``polyclean clean --extract main`` -- what the command line does with an HTML page:
  the whole pipeline (``Cleaner(translate=False, extract="main")``) on each page's
  bytes as a document with markup HTML and its URL (the extraction stage, then
  line-level boilerplate removal with the line classifier left to the extractor),
  each data set one batch (a CLI run with the default ``--batch-docs 256`` makes the
  same batch); ``... --keep-boilerplate`` -- the same with ``boilerplate=False``;
* ``main text + Cleaner, classifier on`` -- diagnostic: the text of
  ``extract(mode="main")`` cleaned as plain text, so every boilerplate rule runs, the
  line classifier included (what a caller who extracts by hand gets);
* ``polyclean clean --extract all`` -- the pipeline with ``extract="all"``;
* ``resiliparse main + Cleaner``.

Data (``<repo>/../shared/data``): ``trafilatura-eval-subset`` (170 pages, annotators'
must-include / must-exclude segments; a segment counts as kept when it is a substring
of the output) and ``scrapinghub-article-extraction-benchmark`` (100 pages, gold
article body; token precision / recall / F1 with ``\\w+`` tokens, averaged per page as
the benchmark's own evaluation does, and its 4-gram shingle F1).  Outputs, segments and
gold text are normalised the same way before scoring: polyclean's ``normalize_text``
(quotes, dashes, ellipsis...) and white space collapsed.

Speed: MB of HTML (raw bytes) per second on the 270 pages, median and range over
``--rounds`` rounds, polyclean's memos emptied before each round (first pass).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
TRAF = DATA / "trafilatura-eval-subset"
SH = DATA / "scrapinghub-article-extraction-benchmark"
sys.path.insert(0, str(ROOT))

from polyclean import Cleaner, Config  # noqa: E402
from polyclean.doc import Doc  # noqa: E402
from polyclean.memo import clear_all  # noqa: E402
from polyclean.report import Report  # noqa: E402
from polyclean.normalize import normalize_text  # noqa: E402
from polyclean.web import decode_html, extract  # noqa: E402

_TOKEN = re.compile(r"\w+")
_NORM = Config()
Page = dict  # url, html (decoded), size (raw bytes); plus with/without or gold


# --- data -----------------------------------------------------------------------------------------
def load() -> tuple[list[Page], list[Page]]:
    traf, sh = [], []
    with open(TRAF / "annotations.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            raw = gzip.open(TRAF / d["html_file"]).read()
            traf.append({"url": d["url"], "raw": raw, "html": decode_html(raw).text,
                         "with": d["with"], "without": d["without"]})
    with open(SH / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            raw = gzip.open(SH / d["html_file"]).read()
            sh.append({"url": d["url"], "raw": raw, "html": decode_html(raw).text,
                       "gold": d["articleBody"]})
    return traf, sh


# --- methods: a list of pages -> a list of texts ------------------------------------------------
def trafilatura_alone(pages: list[Page], **kw) -> list[str]:
    import trafilatura

    return [trafilatura.extract(p["html"], url=p["url"], **kw) or "" for p in pages]


def resiliparse_main(pages: list[Page]) -> list[str]:
    from resiliparse.extract.html2text import extract_plain_text

    return [extract_plain_text(p["html"], main_content=True, preserve_formatting=True)
            for p in pages]


def polyclean_extract(pages: list[Page], mode: str) -> list[str]:
    return [extract(p["html"], mode, url=p["url"]).text for p in pages]


def cleaned(texts: list[str], **options) -> list[str]:
    return [r.text for r in Cleaner(translate=False, **options).clean_batch(texts)]


def pipeline_results(pages: list[Page], mode: str = "main", **options) -> list:
    """``polyclean clean --extract MODE`` on the pages: each page's bytes a document
    with markup HTML and its URL, the whole pipeline, one batch; results with reports."""
    docs = [Doc(id=i, raw=p["raw"], meta={"markup": "html", "url": p["url"]},
                fields={"url": p["url"]}, report=Report(id=i)) for i, p in enumerate(pages)]
    return Cleaner(translate=False, extract=mode, **options).clean_batch(docs)


def pipeline(pages: list[Page], mode: str = "main", **options) -> list[str]:
    return [r.text for r in pipeline_results(pages, mode, **options)]


METHODS: dict[str, Callable[[list[Page]], list[str]]] = {
    "trafilatura alone": trafilatura_alone,
    "trafilatura, comments off": lambda ps: trafilatura_alone(ps, include_comments=False),
    "resiliparse main": resiliparse_main,
    "polyclean clean --extract main": pipeline,
    "... --keep-boilerplate": lambda ps: pipeline(ps, boilerplate=False),
    "main text + Cleaner, classifier on": lambda ps: cleaned(polyclean_extract(ps, "main")),
    "polyclean clean --extract all": lambda ps: pipeline(ps, "all"),
    "resiliparse main + Cleaner": lambda ps: cleaned(resiliparse_main(ps)),
}


# --- scores --------------------------------------------------------------------------------------
def norm(s: str) -> str:
    return " ".join(normalize_text(s, _NORM)[0].split())


def segment_scores(pages: list[Page], outputs: list[str]) -> tuple[float, float]:
    inc = inc_kept = exc = exc_removed = 0
    for p, out in zip(pages, outputs):
        o = norm(out)
        for s in p["with"]:
            inc += 1
            inc_kept += norm(s) in o
        for s in p["without"]:
            exc += 1
            exc_removed += norm(s) not in o
    return inc_kept / inc, exc_removed / exc


def _grams(text: str, n: int) -> Counter:
    toks = _TOKEN.findall(text)
    return Counter(tuple(toks[i:i + n]) for i in range(max(1, len(toks) - n + 1))) if toks \
        else Counter()


def prf(pages: list[Page], outputs: list[str], n: int = 1) -> tuple[float, float, float]:
    """Precision, recall (each averaged over pages) and their F1, on n-grams of tokens."""
    ps, rs = [], []
    for p, out in zip(pages, outputs):
        g, o = _grams(norm(p["gold"]), n), _grams(norm(out), n)
        tp = sum((g & o).values())
        fp, fn = sum(o.values()) - tp, sum(g.values()) - tp
        if tp + fp:
            ps.append(tp / (tp + fp))
        rs.append(tp / (tp + fn) if tp + fn else 1.0)
    pr, rc = statistics.mean(ps), statistics.mean(rs)
    return pr, rc, 2 * pr * rc / (pr + rc) if pr + rc else 0.0


# --- what line-level removal loses after main extraction ---------------------------------------
def losses(pages: list[Page]) -> tuple[Counter, Counter, list[tuple[str, str, str]]]:
    """Must-include segments present in the extracted text but removed by the
    boilerplate stage of ``polyclean clean --extract main``, by rule; the must-exclude
    segments it removed, by rule."""
    results = pipeline_results(pages)
    lost, gained, examples = Counter(), Counter(), []
    for p, res in zip(pages, results):
        removed = [(norm(c["original"]), c["reason"].split(" (")[0])
                   for c in res.report["changes"] if c["step"] == "boilerplate"]
        src = norm(res.source)
        for seg in p["with"]:
            s = norm(seg)
            hit = next((r for line, r in removed if s and s in line), None)
            if hit and s in src:
                lost[hit] += 1
                examples.append((hit, p["url"][:60], seg[:70]))
        for seg in p["without"]:
            s = norm(seg)
            hit = next((r for line, r in removed if s and s in line), None)
            if hit:
                gained[hit] += 1
    return lost, gained, examples


# --- speed ----------------------------------------------------------------------------------------
SPEED: dict[str, Callable[[list[Page]], object]] = {
    "trafilatura alone (extraction)": trafilatura_alone,
    "resiliparse main (extraction)": resiliparse_main,
    "extract main (charset + extraction + drop counts)":
        lambda ps: [extract(decode_html(p["raw"]).text, "main", url=p["url"]) for p in ps],
    "extract all (charset + extraction)":
        lambda ps: [extract(decode_html(p["raw"]).text, "all") for p in ps],
    "polyclean clean --extract main (pipeline, in process)": pipeline,
}


def speed(pages: list[Page], rounds: int) -> dict[str, list[float]]:
    mb = sum(len(p["raw"]) for p in pages) / 1e6
    out: dict[str, list[float]] = {k: [] for k in SPEED}
    for _ in range(rounds):
        for name, fn in SPEED.items():
            clear_all()
            t0 = time.perf_counter()
            fn(pages)
            out[name].append(mb / (time.perf_counter() - t0))
    return out


# --- main -------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rounds", type=int, default=3, help="speed rounds (median and range)")
    ap.add_argument("--no-speed", action="store_true")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 1
    traf, sh = load()
    print(f"{len(traf)} trafilatura-subset pages, {len(sh)} Scrapinghub pages; "
          f"{sum(len(p['raw']) for p in traf + sh) / 1e6:.1f} MB of HTML\n")
    print(f"{'method':<40}{'incl. kept':>11}{'excl. removed':>14}{'SH P':>8}{'SH R':>7}"
          f"{'SH F1':>7}{'4-gram F1':>10}")
    for name, fn in METHODS.items():
        inc, exc = segment_scores(traf, fn(traf))
        sh_out = fn(sh)
        p, r, f = prf(sh, sh_out)
        f4 = prf(sh, sh_out, 4)[2]
        print(f"{name:<40}{inc:>11.3f}{exc:>14.3f}{p:>8.3f}{r:>7.3f}{f:>7.3f}{f4:>10.3f}",
              flush=True)
    lost, gained, examples = losses(traf)
    print(f"\nAfter main extraction, polyclean's boilerplate stage removed "
          f"{sum(lost.values())} must-include segments (by rule: {dict(lost.most_common())})")
    print(f"and {sum(gained.values())} must-exclude segments (by rule: {dict(gained.most_common())})")
    for rule, url, seg in examples:
        print(f"  lost to {rule:<22} {url:<60} {seg!r}")
    if not args.no_speed:
        res = speed(traf + sh, args.rounds)
        print(f"\nSpeed, MB of HTML per second (median [min-max] of {args.rounds} rounds, first pass):")
        for name, xs in res.items():
            print(f"  {name:<52}{statistics.median(xs):>7.2f}  [{min(xs):.2f}-{max(xs):.2f}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
