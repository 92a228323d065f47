"""Judging whole *clusters* of kept lines after the line classifier -- an experiment in
the leave-site-out framework of ``bench/train_boilerplate.py``.  Nothing is written
(the result is in the README, boilerplate section).

    pip install -e ".[train,test]"
    .venv/bin/python bench/boilerplate_clusters.py            # gap 1, logistic regression: ~2 minutes
    .venv/bin/python bench/boilerplate_clusters.py --gaps 1 2 --trees   # slower: trees too

The question.  Most of the other text the remover keeps lies outside the article:
on the Scrapinghub pages, about nine tenths of the kept other characters are before
the first or after the last gold body line.  After the classifier's fixed point, the
kept lines fall into *clusters*: runs of present lines separated by at least ``G``
removed lines.  If whole clusters could be judged (comments, teasers, bios, notices
each tend to be a cluster of their own), how much more would go?

* *Oracle*: remove each cluster that holds no gold body (at most 2 % of its
  characters) -- the ceiling of the idea.
* *Learned*: a logistic regression (and, beside it, gradient-boosted trees) on 29
  features of a cluster (:func:`cluster_features`: its characters absolute and against
  the largest cluster and all kept text, whether it is the largest, its share of
  running text and of sentences, the removed and kept characters and lines between it
  and the largest, its side, its lines and their mean length, the removed lines just
  before and after it, its position, and the removal reasons of the six lines on each
  side), rows weighted by body and other characters.  For the pages of host group
  ``k``: the first stage is the fold model that never saw them (the shipped
  leave-site-out models of ``bench/boilerplate_cv_folds.json``), and the cluster model
  is fitted on the clusters of the other groups' pages.  A cluster whose probability
  is under the threshold is removed (never the largest), then the line classifier
  runs again over what is left, until nothing changes, as the remover would.
  The threshold is the one that removes the most other text within the same limits
  as ``train_boilerplate.py`` (Scrapinghub body >= 98 %, CleanEval body >= 96.5 %,
  trafilatura must-include >= 97 %).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import train_boilerplate as tb  # noqa: E402
from polyclean.boilerplate.analysis import ANCHOR, SENTENCE  # noqa: E402
from polyclean.boilerplate.remover import BoilerplateRemover  # noqa: E402
from polyclean.config import Config  # noqa: E402

REASONS = ("ui-phrase", "date", "counter", "duplicate-line", "call-to-action", "classifier")
THRESHOLDS = (0.02, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5)


def clusters(doc, gap: int) -> list[list[int]]:
    """Runs of present lines of ``doc`` separated by at least ``gap`` removed lines."""
    out: list[list[int]] = []
    cur: list[int] = []
    last = -1
    for i in range(doc.n):
        if doc.reasons[i] is not None:
            continue
        if cur and i - last - 1 >= gap:
            out.append(cur)
            cur = []
        cur.append(i)
        last = i
    if cur:
        out.append(cur)
    return out


def _near_reasons(doc, a: int, b: int) -> list[float]:
    out = []
    for lo, hi in ((max(0, a - 6), a), (b + 1, min(doc.n, b + 7))):
        rs = [doc.reasons[i] for i in range(lo, hi) if doc.reasons[i]]
        out += [float(sum(1 for r in rs if r.startswith(k))) for k in REASONS]
    return out


def cluster_features(doc, cl: list[list[int]]) -> list[list[float]]:
    """One row of features for each cluster of ``cl`` (see the module's doc)."""
    size = [len(s) for s in doc.strs]
    total = sum(size) or 1
    mass = [sum(size[i] for i in c) for c in cl]
    big = mass.index(max(mass))
    kept = sum(mass)
    before = [0]
    for x in size:
        before.append(before[-1] + x)
    rows = []
    for j, c in enumerate(cl):
        a, b = c[0], c[-1]
        if j == big:
            lo = hi = 0
            between = 0
        elif j < big:
            lo, hi = b + 1, cl[big][0]
            between = sum(mass[j + 1:big])
        else:
            lo, hi = cl[big][-1] + 1, a
            between = sum(mass[big + 1:j])
        gone = [i for i in range(lo, hi) if doc.reasons[i] is not None]
        gap_before = a - cl[j - 1][-1] - 1 if j else a
        gap_after = cl[j + 1][0] - b - 1 if j + 1 < len(cl) else doc.n - 1 - b
        kinds = [doc.an[i].kind for i in c]
        rows.append([
            math.log1p(mass[j]), mass[j] / mass[big], mass[j] / kept, float(j == big),
            sum(size[i] for i in c if doc.an[i].kind == ANCHOR) / mass[j],
            sum(size[i] for i in c if doc.an[i].kind >= SENTENCE) / mass[j],
            math.log1p(sum(size[i] for i in gone)), math.log1p(len(gone)), math.log1p(between),
            float(j > big), float(j < big), math.log1p(len(c)), math.log1p(mass[j] / len(c)),
            math.log1p(gap_before), math.log1p(gap_after), before[a] / total,
            *_near_reasons(doc, a, b), sum(1 for k in kinds if k < SENTENCE) / len(kinds)])
    return rows


class ClusterRemover(BoilerplateRemover):
    """The remover, then a cluster model over the clusters of kept lines; records the
    clusters of the first fixed point (``self.first``)."""

    gap = 1
    judge = None  # (features) -> probability of body, or None: record only

    def _settle(self, doc) -> None:
        super()._settle(doc)
        if getattr(self, "first", None) is None:
            cl = clusters(doc, self.gap)
            self.first = (cl, cluster_features(doc, cl) if len(cl) > 1 else [])
        while self.judge is not None:
            cl = clusters(doc, self.gap)
            if len(cl) < 2:
                return
            feats = cluster_features(doc, cl)
            gone = False
            for c, f in zip(cl, feats):
                if f[3] == 0.0:  # never the largest
                    p = self.judge(f)
                    if p < self.threshold_cluster:
                        for i in c:
                            doc.reasons[i] = "outside-article"
                            doc.conf[i] = 1.0 - p
                        gone = True
            if not gone:
                return
            super()._settle(doc)


def _labels_of_doc(page: dict, doc) -> list[int]:
    """1 / 0 / -1 for each line of ``doc`` from the page's line labels (by offset)."""
    text, labels = page["text"], page["labels"]
    starts, pos = [], 0
    for s in tb._strip_lines(text):
        q = text.find(s, pos)
        starts.append(q)
        pos = q + len(s)
    out = []
    for st, en in doc.spans:
        ls = [labels[t] for t, q in enumerate(starts) if st <= q < en and labels[t] >= 0]
        out.append(-1 if not ls else int(sum(ls) * 2 >= len(ls)))
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gaps", type=int, nargs="+", default=[1])
    ap.add_argument("--trees", action="store_true", help="gradient-boosted trees beside the regression")
    tb.limit_args(ap)
    args = ap.parse_args(argv)
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    t0 = time.time()
    tb._memo_everything()
    pages = tb.load_pages()
    cv = json.loads(tb.FOLDS_FILE.read_text("utf-8"))
    pair = (cv["threshold"], cv["unanchored_threshold"])
    models = tb._models(cv["folds"], pair)
    group = {h: k for k, f in enumerate(cv["folds"]) for h in f["hosts"]}
    lim = tb.limits(args)
    first = tb.scores(pages, tb.run_pages(pages, models))
    print(f"{len(pages)} pages ({time.time() - t0:.0f} s); limits {lim}", flush=True)
    print(_row("first stage (shipped)", pair, first), flush=True)

    # label each page's lines as the remover splits them, once
    class _Label(ClusterRemover):
        def _settle(self, doc):
            super()._settle(doc)
            self.labels = _labels_of_doc(self.page, doc)
            self.sizes = [len(s) for s in doc.strs]

    for gap in args.gaps:
        rows = []
        for p in pages:
            r = _Label(Config(), models[p["host"]])
            r.gap, r.first, r.page = gap, None, p
            r.learn([p["text"]])
            r.find(p["text"])
            cl, feats = r.first
            for c, f in zip(cl, feats):
                rows.append((group[p["host"]], f,
                             sum(r.sizes[i] for i in c if r.labels[i] == 1),
                             sum(r.sizes[i] for i in c if r.labels[i] == 0)))
        x = np.array([f for _, f, _, _ in rows])
        kinds = {"logistic regression": lambda: (StandardScaler(), LogisticRegression(C=1.0, max_iter=2000)),
                 "gradient-boosted trees": lambda: (None, HistGradientBoostingClassifier(
                     max_iter=200, max_depth=3, learning_rate=0.05, min_samples_leaf=20))}
        # the oracle: no cluster that holds (almost) no body text
        out = _oracle_outputs(pages, models, gap)
        print(_row(f"oracle, gap {gap}", "-", tb.scores(pages, out)), flush=True)
        if not args.trees:
            kinds.pop("gradient-boosted trees")
        for name, make in kinds.items():
            judges = {}
            for k in range(len(cv["folds"])):
                idx = [t for t, r in enumerate(rows) if r[0] != k]
                xx = np.concatenate([x[idx], x[idx]])
                yy = np.r_[np.ones(len(idx)), np.zeros(len(idx))]
                ww = np.r_[[rows[t][2] for t in idx], [rows[t][3] for t in idx]].astype(float) + 1e-3
                scaler, model = make()
                if scaler is not None:
                    xx = scaler.fit_transform(xx)
                model.fit(xx, yy, sample_weight=ww)
                judges[k] = (scaler, model)
            best = None
            for t in THRESHOLDS:
                out = []
                for p in pages:
                    scaler, model = judges[group[p["host"]]]
                    r = ClusterRemover(Config(), models[p["host"]])
                    r.gap, r.first, r.threshold_cluster = gap, None, t
                    r.judge = (lambda f, s=scaler, m=model:
                               float(m.predict_proba((s.transform([f]) if s is not None else [f]))[0, 1]))
                    r.learn([p["text"]])
                    out.append(tb.apply_changes(p["text"], r.find(p["text"])))
                res = tb.scores(pages, out)
                ok = (res["scrapinghub"]["body_kept"] >= lim["scrapinghub"]
                      and res["cleaneval"]["body_kept"] >= lim["cleaneval"]
                      and res["trafilatura"]["include_kept"] >= lim["trafilatura"])
                gain = res["scrapinghub"]["other_removed"] + res["cleaneval"]["other_removed"]
                print(_row(f"  {name}, gap {gap}", t, res) + ("" if ok else "  (over a limit)"),
                      flush=True)
                if ok and (best is None or gain > best[0]):
                    best = (gain, t, res)
            if best is None:
                print(f"{name}, gap {gap}: no threshold within the limits", flush=True)
            else:
                print(_row(f"{name}, gap {gap}: chosen", best[1], best[2]), flush=True)
    print(f"({time.time() - t0:.0f} s)")
    return 0


def _oracle_outputs(pages, models, gap: int) -> list[str]:
    class _Oracle(ClusterRemover):
        def _settle(self, doc):
            BoilerplateRemover._settle(self, doc)
            labels = _labels_of_doc(self.page, doc)
            cl = clusters(doc, gap)
            if len(cl) < 2:
                return
            size = [len(s) for s in doc.strs]
            for c in cl:
                body = sum(size[i] for i in c if labels[i] == 1)
                if body <= 0.02 * sum(size[i] for i in c):
                    for i in c:
                        doc.reasons[i] = "outside-article"

    out = []
    for p in pages:
        r = _Oracle(Config(), models[p["host"]])
        r.page = p
        r.learn([p["text"]])
        out.append(tb.apply_changes(p["text"], r.find(p["text"])))
    return out


def _row(name: str, t, res: dict) -> str:
    sh, ce, tr = res["scrapinghub"], res["cleaneval"], res["trafilatura"]
    return (f"{name:<34} {str(t):<12} Scrapinghub {100 * sh['body_kept']:.1f} / "
            f"{100 * sh['other_removed']:.1f}   CleanEval {100 * ce['body_kept']:.1f} / "
            f"{100 * ce['other_removed']:.1f}   trafilatura {100 * tr['include_kept']:.1f} / "
            f"{100 * tr['exclude_removed']:.1f}")


if __name__ == "__main__":
    raise SystemExit(main())
