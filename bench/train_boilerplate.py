"""Train the boilerplate line classifier and evaluate it by leave-site-out cross-validation.

    pip install -e ".[train,test]"
    .venv/bin/python bench/train_boilerplate.py              # train, evaluate, write the model
    .venv/bin/python bench/train_boilerplate.py --eval-only  # evaluate the written fold models
    .venv/bin/python bench/train_boilerplate.py --common-words  # rebuild the common-word list

Training pages (read from ``<repo>/../shared/data``, never copied into the repo):

* Scrapinghub: whole-page text (html-text) of 100 article pages; a line is *body* when
  at least half of its word characters align with the gold article body
  (``eval_boilerplate.label_lines``).
* CleanEval dev: the visible text (html-text) of 58 pages, labelled the same way
  against the gold cleaned text.
* Trafilatura subset: the visible text of 170 pages; a line holding a must-include
  segment is body, one holding a must-exclude segment is not, other lines are
  context only.

Each row is a line the classifier judges (what the rules, repeats and users' lists
leave), as the remover sees it in its first classifier round, weighted by its
characters (the scores are by characters).  The model is a logistic regression
(scikit-learn) on standardised features; the scaling is folded into the exported
weights, so inference is one dot product.

Leave-site-out: pages are grouped by host and split into ``--folds`` groups of
hosts; each group is predicted by a model trained on the others.  The whole remover
(rules, repeats, the fixed point over present lines) runs with each fold's model on
that fold's pages.  The thresholds (one for each part of the model: the lines no body
text holds, the others) are the pair that removes the most other text while keeping
at least ``--min-body`` of the Scrapinghub body, ``--min-body-cleaneval`` of the
CleanEval body and ``--min-include`` of the trafilatura must-include segments in those
leave-site-out runs.  Output:

* ``polyclean/data/boilerplate_model.json`` -- the model trained on every page, with
  the chosen thresholds (shipped);
* ``bench/boilerplate_cv_folds.json`` -- each fold's model and held-out hosts, for
  ``tests/test_boilerplate.py`` to recompute the leave-site-out floors without
  scikit-learn.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import eval_boilerplate as ev  # noqa: E402
from polyclean.boilerplate import context as C  # noqa: E402
from polyclean.boilerplate import features as F  # noqa: E402
from polyclean.boilerplate.analysis import ANCHOR, COMMON_WORDS_FILE, features  # noqa: E402
from polyclean.boilerplate.context import context_features  # noqa: E402
from polyclean.boilerplate.keys import normalize_key  # noqa: E402
from polyclean.boilerplate.model import MODEL_FILE, LineModel  # noqa: E402
from polyclean.boilerplate.remover import BoilerplateRemover, _lines  # noqa: E402
from polyclean.config import Config  # noqa: E402
from polyclean.report import apply_changes  # noqa: E402

FOLDS_FILE = ROOT / "bench" / "boilerplate_cv_folds.json"


def _memo_everything() -> None:
    """Training judges the same pages many times: remember every line's analysis (a pure
    function of the line, so only faster)."""
    from polyclean.boilerplate import analysis as A
    from polyclean.boilerplate import remover as R
    from polyclean.memo import Memo

    A.LINE_CACHE = R.LINE_CACHE = Memo(1 << 20)
    A.FEATURE_CACHE = Memo(1 << 20)
    A.CACHED_CHARS = R.CACHED_CHARS = 1 << 30
COMMON_LANGS = ("en de fr es it pt nl pl ru uk tr sv da nb fi cs hu ro id ar fa he hi bg el "
                "ca hr sk sl lt lv ko ja zh vi").split()


# --- pages and labels ---------------------------------------------------------------------
def host(url: str) -> str:
    h = urlsplit(url).netloc.lower()
    return h[4:] if h.startswith("www.") else h


def _strip_lines(page: str) -> list[str]:
    return _lines(page)[1]


def _gold_labels(page: str, gold: str) -> list[int]:
    """1 body / 0 other for each non-blank line, in the order of the remover's lines."""
    out = []
    for line, is_body in ev.label_lines(page, gold):
        if line.strip() and _lines(line)[1]:
            out.append(int(is_body))
    return out


def _segment_labels(page: dict) -> list[int]:
    """1 / 0 / -1 (unlabelled) for each non-blank line of a trafilatura page."""
    inc = [ev._flat(s) for s in page["with"] if ev._flat(s)]
    exc = [ev._flat(s) for s in page["without"] if ev._flat(s)]
    out = []
    for s in _strip_lines(page["text"]):
        f = ev._flat(s)
        if any(seg in f or (len(f) >= 20 and f in seg) for seg in inc):
            out.append(1)
        elif any(seg in f or (len(f) >= 20 and f in seg) for seg in exc):
            out.append(0)
        else:
            out.append(-1)
    return out


def load_pages() -> list[dict]:
    """Every training page: dataset, host, text, gold (or segments) and line labels."""
    pages = []
    gold_urls = {}
    with open(ev.SCRAPINGHUB / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            gold_urls[d["articleBody"]] = d["url"]
    for text, gold in ev.load_scrapinghub():
        pages.append({"set": "scrapinghub", "host": host(gold_urls[gold]), "text": text,
                      "gold": gold, "labels": _gold_labels(text, gold)})
    for text, gold, url in ev.load_cleaneval():
        pages.append({"set": "cleaneval", "host": host(url), "text": text, "gold": gold,
                      "labels": _gold_labels(text, gold)})
    for p in ev.load_trafilatura():
        pages.append({"set": "trafilatura", "host": host(p["url"]), "text": p["text"],
                      "page": p, "labels": _segment_labels(p)})
    for p in pages:
        assert len(p["labels"]) == len(_strip_lines(p["text"])), p["host"]
    return pages


# --- rows ---------------------------------------------------------------------------------------
class _Recorder(BoilerplateRemover):
    """The remover, recording the rows of its first classifier round and removing nothing."""

    def _classify(self, doc, present):
        if self.rows is None:
            an = doc.an
            ctx = context_features([an[i] for i in present], [doc.blocks[i] for i in present])
            self.rows = [(i, features(an[i]) + c, len(doc.strs[i])) for i, c in zip(present, ctx)
                         if not doc.foreign[i] and not doc.protected[i]]
        return []


def page_rows(page: dict) -> list[tuple[tuple[float, ...], int, int]]:
    rec = _Recorder(Config(), LineModel({"features": list(F.NAMES), "weights": [0.0] * len(F.NAMES),
                                         "bias": 0.0}))
    rec.rows = None
    rec.learn([page["text"]])
    rec.find(page["text"])
    return [(x, page["labels"][i], chars) for i, x, chars in rec.rows or ()
            if page["labels"][i] >= 0]


# --- fitting --------------------------------------------------------------------------------------
_LOOSE = len(F.LINE_NAMES) + F.CONTEXT_NAMES.index("unanchored_fragment")


def _fit_one(x, y, w, c: float, keep) -> dict:
    """A logistic regression on standardised features (only the columns ``keep``),
    exported with the scaling folded in (the other columns get weight 0)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    xs = x[:, keep]
    mu = xs.mean(axis=0)
    sd = xs.std(axis=0)
    sd[sd == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=5000)
    lr.fit((xs - mu) / sd, y, sample_weight=w / w.mean())
    coef = np.zeros(x.shape[1])
    coef[keep] = lr.coef_[0] / sd
    bias = float(lr.intercept_[0] - (coef[keep] * mu).sum())
    return {"weights": [round(float(v), 6) for v in coef], "bias": round(bias, 6)}


def fit(rows: list[tuple[tuple[float, ...], int, int]], c: float, split: bool = True,
        without: tuple[str, ...] = ()) -> dict:
    """The two logistic regressions of :class:`LineModel`: lines that no body text
    holds (``unanchored_fragment``) and the others, each fitted on its own rows
    (``split=False``: one regression for all); features in ``without`` get weight 0."""
    import numpy as np

    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([1 - r[1] for r in rows])  # 1 = boilerplate
    w = np.array([float(r[2]) for r in rows])
    keep = [j for j, name in enumerate(F.NAMES) if name not in without]
    if not split:
        return {"features": list(F.NAMES), **_fit_one(x, y, w, c, keep)}
    loose = x[:, _LOOSE] > 0
    keep = [j for j in keep if j != _LOOSE]  # constant within each part
    return {"features": list(F.NAMES), **_fit_one(x[~loose], y[~loose], w[~loose], c, keep),
            "unanchored": _fit_one(x[loose], y[loose], w[loose], c, keep)}


# --- experiments' removers (bench/boilerplate_trees.py, bench/boilerplate_stack.py) -----------------
def judged(doc, present: list[int]) -> list[int]:
    """The positions of ``present`` the remover's classifier judges: none on a page
    without a sentence of 8+ words, never a foreign or protected line."""
    if not any(doc.an[i].kind == ANCHOR for i in present):
        return []
    return [pos for pos, i in enumerate(present) if not doc.foreign[i] and not doc.protected[i]]


def keep_last_anchor(found: list, doc, present: list[int]) -> list:
    """``found`` without its anchors when it holds every anchor left (the remover's rule)."""
    an = doc.an
    gone = {f[0] for f in found}
    if all(i in gone for i in present if an[i].kind == ANCHOR):
        return [f for f in found if an[f[0]].kind != ANCHOR]
    return found


# --- evaluation through the whole remover -----------------------------------------------------------
def run_pages(pages: list[dict], models: dict[str, LineModel],
              remover: type[BoilerplateRemover] = BoilerplateRemover) -> list[str]:
    """Each page cleaned alone by the remover with the model of its host's fold."""
    out = []
    for p in pages:
        r = remover(Config(), models[p["host"]])
        r.learn([p["text"]])
        out.append(apply_changes(p["text"], r.find(p["text"])))
    return out


def scores(pages: list[dict], outputs: list[str]) -> dict[str, dict[str, float]]:
    res = {}
    for name in ("scrapinghub", "cleaneval"):
        sel = [(p, o) for p, o in zip(pages, outputs) if p["set"] == name]
        if sel:
            res[name] = ev.char_scores([(p["text"], p["gold"]) for p, _ in sel],
                                       lambda docs, _o=[o for _, o in sel]: _o)
    sel = [(p, o) for p, o in zip(pages, outputs) if p["set"] == "trafilatura"]
    if sel:
        res["trafilatura"] = ev.segment_scores([p["page"] for p, _ in sel],
                                               lambda docs, _o=[o for _, o in sel]: _o)
    return res


# (threshold, unanchored threshold): each part of the model has its own
THRESHOLDS = tuple((t, u) for t in (0.83, 0.86, 0.88, 0.9, 0.92, 0.94)
                   for u in (0.4, 0.5, 0.6, 0.7, 0.8, t))


def _models(folds: list[dict], pair: tuple[float, float]) -> dict[str, LineModel]:
    return {h: LineModel({**f["model"], "threshold": pair[0], "unanchored_threshold": pair[1]})
            for f in folds for h in f["hosts"]}


def choose_threshold(pages, folds, limits: dict[str, float], thresholds=THRESHOLDS,
                     models=_models, remover=BoilerplateRemover) -> tuple[tuple[float, float], dict]:
    """The pair of thresholds that removes the most other text (Scrapinghub and CleanEval)
    within ``limits`` (the least Scrapinghub body, CleanEval body and trafilatura
    must-include segments to keep), leave-site-out; a single pair is taken as is.
    (``models(folds, pair)``: each host's model; ``remover``: the remover class.)"""
    best = None
    for t in thresholds:
        r = scores(pages, run_pages(pages, models(folds, t), remover))
        kept = {"scrapinghub": r["scrapinghub"]["body_kept"], "cleaneval": r["cleaneval"]["body_kept"],
                "trafilatura": r["trafilatura"]["include_kept"]}
        ok = len(thresholds) == 1 or all(kept[k] >= v for k, v in limits.items())
        removed = r["scrapinghub"]["other_removed"] + r["cleaneval"]["other_removed"]
        print(f"  thresholds {t[0]:g} {t[1]:g}: " + "  ".join(
            f"{k} body {v['body_kept']:.3f} other {v['other_removed']:.3f} tokF1 {v['token_f1']:.3f}"
            for k, v in r.items() if "body_kept" in v)
            + f"  traf inc {r['trafilatura']['include_kept']:.3f} exc "
              f"{r['trafilatura']['exclude_removed']:.3f}", flush=True)
        if ok and (best is None or removed > best[0]):
            best = (removed, t, r)
    if best is None:
        raise SystemExit(f"no threshold keeps {limits}")
    return best[1], best[2]


def prepare(k: int) -> tuple[list[dict], dict[int, list], list[list[str]]]:
    """Pages, their rows (by ``id`` of the page) and ``k`` groups of hosts (experiments)."""
    _memo_everything()
    pages = load_pages()
    return pages, {id(p): page_rows(p) for p in pages}, folds_of(pages, k)


def search(results: dict, name: str, *args, **kwargs) -> None:
    """``choose_threshold(*args, **kwargs)`` into ``results[name]``, or say that no pair
    of thresholds keeps the limits (experiments)."""
    try:
        results[name] = choose_threshold(*args, **kwargs)
    except SystemExit as exc:
        print(f"  {exc}")


def print_chosen(results: dict[str, tuple[tuple[float, float], dict]], t0: float) -> None:
    """The chosen thresholds and leave-site-out scores of each method (experiments)."""
    print("\nchosen per method (leave-site-out):")
    for name, (pair, r) in results.items():
        print(f"{name}: thresholds {pair} " + json.dumps(
            {k: {m: round(v, 4) for m, v in d.items() if not m.endswith(("_n", "_chars"))}
             for k, d in r.items()}))
    print(f"({time.time() - t0:.0f} s)")


def folds_of(pages: list[dict], k: int) -> list[list[str]]:
    """Hosts split into ``k`` groups, balanced by line count, deterministically."""
    size: dict[str, int] = {}
    for p in pages:
        size[p["host"]] = size.get(p["host"], 0) + len(p["labels"])
    groups: list[list[str]] = [[] for _ in range(k)]
    load = [0] * k
    for h in sorted(size, key=lambda h: (-size[h], h)):
        g = min(range(k), key=lambda j: (load[j], j))
        groups[g].append(h)
        load[g] += size[h]
    return [sorted(g) for g in groups]


# --- common words ----------------------------------------------------------------------------------
def write_common_words(n: int = 100) -> None:
    from importlib.metadata import version

    import wordfreq

    lines = [f"# The {n} most frequent words of each language below, from wordfreq "
             f"{version('wordfreq')} (Apache-2.0; data CC BY-SA 4.0),",
             "# as keys (normalize_key); one language a line. Rebuilt by "
             "bench/train_boilerplate.py --common-words."]
    for lang in COMMON_LANGS:
        words = []
        for w in wordfreq.top_n_list(lang, n * 2):
            k = normalize_key(w)
            if k and " " not in k and k != "0" and k not in words:
                words.append(k)
            if len(words) >= n:
                break
        lines.append(f"{lang}: " + " ".join(words))
    COMMON_WORDS_FILE.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- main --------------------------------------------------------------------------------------------
def limit_args(ap: argparse.ArgumentParser) -> None:
    """The folds and the limits of the threshold search (see :func:`limits`)."""
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--min-body", type=float, default=0.98,
                    help="Scrapinghub body the threshold must keep (leave-site-out)")
    ap.add_argument("--min-body-cleaneval", type=float, default=0.965,
                    help="CleanEval body the threshold must keep (leave-site-out)")
    ap.add_argument("--min-include", type=float, default=0.97,
                    help="trafilatura must-include segments the threshold must keep (leave-site-out)")


def limits(args: argparse.Namespace) -> dict[str, float]:
    return {"scrapinghub": args.min_body, "cleaneval": args.min_body_cleaneval,
            "trafilatura": args.min_include}


def _args(argv: list[str] | None) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    limit_args(ap)
    ap.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--threshold", type=float, nargs=2, default=None,
                    metavar=("HELD", "UNANCHORED"), help="skip the search, use these")
    ap.add_argument("--no-split", action="store_true",
                    help="one regression for every line (ablation)")
    ap.add_argument("--without", default="", help="FEATURE,...: fit with these at weight 0 (ablation)")
    ap.add_argument("--region-cost", type=float, default=None,
                    help="cost of a line without sentence structure in the main region (ablation)")
    ap.add_argument("--dry-run", action="store_true", help="evaluate only; write nothing")
    ap.add_argument("--eval-only", action="store_true", help="evaluate the written fold models")
    ap.add_argument("--common-words", action="store_true")
    return ap.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = _args(argv)
    if args.common_words:
        write_common_words()
        print(f"wrote {COMMON_WORDS_FILE}")
        return 0
    if args.region_cost is not None:
        C.REGION_COST = args.region_cost
    t0 = time.time()
    _memo_everything()
    pages = load_pages()
    print(f"{len(pages)} pages, {len({p['host'] for p in pages})} hosts "
          f"({time.time() - t0:.0f} s)", flush=True)
    if args.eval_only:
        cv = json.loads(FOLDS_FILE.read_text("utf-8"))
        r = scores(pages, run_pages(pages, _models(cv["folds"], (cv["threshold"],
                                                                 cv["unanchored_threshold"]))))
        print(json.dumps(r, indent=1))
        return 0
    rows = {id(p): page_rows(p) for p in pages}
    without = tuple(n for n in args.without.split(",") if n)
    unknown = set(without) - set(F.NAMES)
    if unknown:
        raise SystemExit(f"unknown features: {', '.join(sorted(unknown))}")
    folds = []
    for g in folds_of(pages, args.folds):
        held = set(g)
        train = [r for p in pages if p["host"] not in held for r in rows[id(p)]]
        folds.append({"hosts": g, "model": fit(train, args.c, not args.no_split, without)})
    print(f"{len(folds)} fold models ({time.time() - t0:.0f} s)", flush=True)
    thresholds = (tuple(args.threshold),) if args.threshold is not None else THRESHOLDS
    threshold, r = choose_threshold(pages, folds, limits(args), thresholds)
    print(f"chosen thresholds {threshold}: {json.dumps(r)}")
    if args.dry_run:
        return 0
    final = fit([r for p in pages for r in rows[id(p)]], args.c, not args.no_split, without)
    final.update({"threshold": threshold[0], "unanchored_threshold": threshold[1], "version": 2,
                  "trained_on": "scrapinghub 100 + cleaneval-dev 58 + trafilatura-eval-subset 170 "
                                "pages (../shared/data); bench/train_boilerplate.py",
                  "leave_site_out": r})
    MODEL_FILE.write_text(json.dumps(final, indent=1) + "\n", encoding="utf-8")
    FOLDS_FILE.write_text(json.dumps({"threshold": threshold[0],
                                      "unanchored_threshold": threshold[1], "features": list(F.NAMES),
                                      "folds": folds}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE} and {FOLDS_FILE} ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
