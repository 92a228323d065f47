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
that fold's pages.  The threshold is the one that removes the most other text while
keeping at least ``--min-body`` of the body on Scrapinghub and on CleanEval in those
leave-site-out runs.  Output:

* ``polyclean/data/boilerplate_model.json`` -- the model trained on every page, with
  the chosen threshold (shipped);
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
from polyclean.boilerplate import features as F  # noqa: E402
from polyclean.boilerplate.analysis import COMMON_WORDS_FILE  # noqa: E402
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
            ctx = F.context_features([an[i].feats for i in present],
                                     [doc.blocks[i] for i in present], [an[i].key for i in present])
            self.rows = [(i, an[i].feats + c, len(doc.strs[i])) for i, c in zip(present, ctx)
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
def fit(rows: list[tuple[tuple[float, ...], int, int]], c: float) -> dict:
    """A logistic regression on standardised features, exported with the scaling folded in."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([1 - r[1] for r in rows])  # 1 = boilerplate
    w = np.array([float(r[2]) for r in rows])
    w = w / w.mean()
    mu = x.mean(axis=0)
    sd = x.std(axis=0)
    sd[sd == 0] = 1.0
    lr = LogisticRegression(C=c, max_iter=5000)
    lr.fit((x - mu) / sd, y, sample_weight=w)
    coef = lr.coef_[0] / sd
    bias = float(lr.intercept_[0] - (coef * mu).sum())
    return {"features": list(F.NAMES), "weights": [round(float(v), 6) for v in coef],
            "bias": round(bias, 6)}


# --- evaluation through the whole remover -----------------------------------------------------------
def run_pages(pages: list[dict], models: dict[str, LineModel], threshold: float) -> list[str]:
    """Each page cleaned alone by the remover with the model of its host's fold."""
    out = []
    for p in pages:
        r = BoilerplateRemover(Config(boilerplate_threshold=threshold), models[p["host"]])
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


PAIRS = [(0.2, 0.8), (0.3, 0.8), (0.2, 0.85), (0.3, 0.85), (0.2, 0.9), (0.3, 0.9), (0.2, 0.95)]


def choose_threshold(pages, folds, min_body: float, min_include: float,
                     pairs: list[tuple[float, float]] = PAIRS) -> tuple[tuple[float, float], dict]:
    """(rescue threshold, threshold) that removes the most other text while keeping
    ``min_body`` of the Scrapinghub body and ``min_include`` of the trafilatura
    must-include segments, leave-site-out."""
    best = None
    for rescue, t in pairs:
        models = {h: LineModel({**f["model"], "threshold": t, "rescue_threshold": rescue})
                  for f in folds for h in f["hosts"]}
        r = scores(pages, run_pages(pages, models, t))
        ok = r["scrapinghub"]["body_kept"] >= min_body and \
            r["trafilatura"]["include_kept"] >= min_include
        removed = r["scrapinghub"]["other_removed"] + r["cleaneval"]["other_removed"]
        print(f"  rescue {rescue:.2f} threshold {t:.3f}: " + "  ".join(
            f"{k} body {v['body_kept']:.3f} other {v['other_removed']:.3f} tokF1 {v['token_f1']:.3f}"
            for k, v in r.items() if "body_kept" in v)
            + f"  traf inc {r['trafilatura']['include_kept']:.3f} exc "
              f"{r['trafilatura']['exclude_removed']:.3f}", flush=True)
        if ok and (best is None or removed > best[0]):
            best = (removed, (rescue, t), r)
    if best is None:
        raise SystemExit(f"no threshold keeps {min_body:.1%} of the body")
    return best[1], best[2]


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
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--c", type=float, default=1.0, help="inverse regularisation strength")
    ap.add_argument("--min-body", type=float, default=0.981,
                    help="Scrapinghub body kept (leave-site-out) the thresholds must keep")
    ap.add_argument("--min-include", type=float, default=0.97,
                    help="trafilatura must-include segments kept (leave-site-out) the threshold must keep")
    ap.add_argument("--pair", default="", help="RESCUE,THRESHOLD: skip the search, use these")
    ap.add_argument("--eval-only", action="store_true")
    ap.add_argument("--common-words", action="store_true")
    args = ap.parse_args(argv)
    if args.common_words:
        write_common_words()
        print(f"wrote {COMMON_WORDS_FILE}")
        return 0
    t0 = time.time()
    _memo_everything()
    pages = load_pages()
    print(f"{len(pages)} pages, {len({p['host'] for p in pages})} hosts "
          f"({time.time() - t0:.0f} s)", flush=True)
    if args.eval_only:
        cv = json.loads(FOLDS_FILE.read_text("utf-8"))
        models = {h: LineModel({**f["model"], "threshold": cv["threshold"],
                                "rescue_threshold": cv["rescue_threshold"]})
                  for f in cv["folds"] for h in f["hosts"]}
        r = scores(pages, run_pages(pages, models, cv["threshold"]))
        print(json.dumps(r, indent=1))
        return 0
    rows = {id(p): page_rows(p) for p in pages}
    groups = folds_of(pages, args.folds)
    folds = []
    for g in groups:
        held = set(g)
        train = [r for p in pages if p["host"] not in held for r in rows[id(p)]]
        folds.append({"hosts": g, "model": fit(train, args.c)})
    print(f"{len(folds)} fold models ({time.time() - t0:.0f} s)", flush=True)
    pairs = [tuple(float(v) for v in args.pair.split(","))] if args.pair else PAIRS
    (rescue, threshold), r = choose_threshold(pages, folds, args.min_body, args.min_include, pairs)
    print(f"chosen rescue {rescue}, threshold {threshold}: {json.dumps(r)}")
    final = fit([r for p in pages for r in rows[id(p)]], args.c)
    final.update({"threshold": threshold, "rescue_threshold": rescue, "version": 1,
                  "trained_on": "scrapinghub 100 + cleaneval-dev 58 + trafilatura-eval-subset 170 "
                                "pages (../shared/data); bench/train_boilerplate.py",
                  "leave_site_out": r})
    MODEL_FILE.write_text(json.dumps(final, indent=1) + "\n", encoding="utf-8")
    FOLDS_FILE.write_text(json.dumps({"threshold": threshold, "rescue_threshold": rescue,
                                      "features": list(F.NAMES),
                                      "folds": folds}, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {MODEL_FILE} and {FOLDS_FILE} ({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
