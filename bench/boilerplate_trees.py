"""Gradient-boosted trees against the shipped logistic regression for the boilerplate
line classifier, in the leave-site-out framework of ``bench/train_boilerplate.py``.

    pip install -e ".[train,test]"
    .venv/bin/python bench/boilerplate_trees.py                  # the grid below, LR beside it
    .venv/bin/python bench/boilerplate_trees.py --iters 200 --depths 4

Same pages, labels, rows (the lines of the remover's first classifier round, weighted
by their characters), features and host folds as ``train_boilerplate.py``.  For each
point of a small grid, scikit-learn's ``HistGradientBoostingClassifier`` (one model
over every line: the trees can split on ``unanchored_fragment`` themselves) is fitted
per fold; the whole remover runs with each fold's trees on that fold's pages, and the
pair of thresholds (held, unanchored) is chosen by ``train_boilerplate.choose_threshold``
under the same limits.  The logistic regression is refitted and evaluated in the same
run, through the same code, for comparison.

The remover's classifier is written for a linear model (a line's own part of the
log-odds is cached, the context part is one dot product in C), so the trees are
judged through :class:`_VectorRemover`: the remover with ``_classify`` building each
line's whole feature vector (``features + context_features``) and asking the model for
its probability.  With the logistic regression it gives the shipped remover's figures
(printed as a check).  Nothing is written: this is an experiment; the result is in the
README (boilerplate, known limits).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import train_boilerplate as T  # noqa: E402
from polyclean.boilerplate.analysis import features  # noqa: E402
from polyclean.boilerplate.context import context_features  # noqa: E402
from polyclean.boilerplate.model import LineModel  # noqa: E402
from polyclean.boilerplate.remover import BoilerplateRemover  # noqa: E402

# the trees' probabilities crowd near 1 for boilerplate: their own grid of pairs
TREE_THRESHOLDS = tuple((t, u) for t in (0.9, 0.93, 0.95, 0.97, 0.98, 0.99)
                        for u in (0.6, 0.8, 0.9, 0.95, 0.97, 0.98))


class _VectorRemover(BoilerplateRemover):
    """The remover with a classifier round over whole feature vectors (any model with
    ``probabilities(vectors)`` and ``thresholds()``)."""

    def _classify(self, doc, present):
        want = T.judged(doc, present)
        if not want:
            return []
        an = doc.an
        ctx = context_features([an[i] for i in present], [doc.blocks[i] for i in present], want)
        xs = [features(an[present[pos]]) + c for pos, c in zip(want, ctx)]
        th = self.thresholds
        found = [(present[pos], "classifier", p)
                 for pos, x, p in zip(want, xs, self.model.probabilities(xs))
                 if p >= th[x[T._LOOSE] > 0]]
        return T.keep_last_anchor(found, doc, present)


class _Cached:
    """A fold's model (trees or the regression) with its thresholds, remembering each
    vector's probability across the runs of the threshold search."""

    def __init__(self, predict, pair: tuple[float, float], cache: dict) -> None:
        self.predict, self.pair, self.cache = predict, pair, cache

    def thresholds(self, threshold=None):
        return self.pair

    def probabilities(self, xs):
        todo = [x for x in xs if x not in self.cache]
        if todo:
            self.cache.update(zip(todo, self.predict(todo)))
        return [self.cache[x] for x in xs]


def choose(pages, folds, predictors, limits, thresholds):
    """train_boilerplate.choose_threshold, through :class:`_VectorRemover` (``predictors``:
    each fold's vectors -> probabilities)."""
    caches = [{} for _ in folds]

    def models(folds_, pair):
        return {h: _Cached(predictors[k], pair, caches[k]) for k, f in enumerate(folds_)
                for h in f["hosts"]}

    return T.choose_threshold(pages, folds, limits, thresholds, models, _VectorRemover)


def fit_trees(rows, iters: int, depth: int, rate: float, l2: float, leaf: int):
    import numpy as np
    from sklearn.ensemble import HistGradientBoostingClassifier

    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([1 - r[1] for r in rows])  # 1 = boilerplate
    w = np.array([float(r[2]) for r in rows])
    m = HistGradientBoostingClassifier(max_iter=iters, max_depth=depth, learning_rate=rate,
                                       l2_regularization=l2, min_samples_leaf=leaf,
                                       early_stopping=False, random_state=0)
    m.fit(x, y, sample_weight=w / w.mean())
    return lambda xs: m.predict_proba(np.array(xs, dtype=float))[:, 1].tolist()


def _args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--iters", type=int, nargs="+", default=[100, 200])
    ap.add_argument("--depths", type=int, nargs="+", default=[3, 4])
    ap.add_argument("--rates", type=float, nargs="+", default=[0.1])
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--min-leaf", type=int, default=50)
    T.limit_args(ap)
    return ap.parse_args(argv)


def main(argv=None) -> int:
    args = _args(argv)
    t0 = time.time()
    pages, rows, groups = T.prepare(args.folds)
    train = [[r for p in pages if p["host"] not in set(g) for r in rows[id(p)]] for g in groups]
    limits = T.limits(args)
    print(f"{len(pages)} pages, {sum(map(len, rows.values()))} rows ({time.time() - t0:.0f} s)")
    results = {}
    lr = [LineModel(T.fit(tr, 1.0)) for tr in train]
    folds = [{"hosts": g} for g in groups]
    print("logistic regression (C=1, two parts), shipped remover:", flush=True)
    folds_lr = [{"hosts": g, "model": T.fit(tr, 1.0)} for g, tr in zip(groups, train)]
    results["lr"] = T.choose_threshold(pages, folds_lr, limits)
    print("logistic regression through the vector remover (check):", flush=True)
    predict_lr = [lambda xs, m=m: [m.probability(x) for x in xs] for m in lr]
    results["lr-vector"] = choose(pages, folds, predict_lr, limits, (results["lr"][0],))
    for iters in args.iters:
        for depth in args.depths:
            for rate in args.rates:
                name = f"trees iters={iters} depth={depth} rate={rate} l2={args.l2} leaf={args.min_leaf}"
                print(name, f"({time.time() - t0:.0f} s)", flush=True)
                preds = [fit_trees(tr, iters, depth, rate, args.l2, args.min_leaf) for tr in train]
                try:
                    results[name] = choose(pages, folds, preds, limits, TREE_THRESHOLDS)
                except SystemExit as exc:
                    print(f"  {exc}")
    T.print_chosen(results, t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
