"""Sequence smoothing of the boilerplate line classifier's probabilities -- a stacked
second logistic regression, and a two-state HMM -- in the leave-site-out framework of
``bench/train_boilerplate.py``.  An experiment: nothing is written (the result is in
the README, boilerplate section).

    pip install -e ".[train,test]"
    .venv/bin/python bench/boilerplate_stack.py                 # first stage, 5 stacks, HMM
    .venv/bin/python bench/boilerplate_stack.py --variants held-only --no-hmm

Same pages, labels, rows (the lines of the remover's first classifier round, weighted
by their characters), first-stage features, fits and host folds as
``train_boilerplate.py``; every method is judged through the whole remover (rules,
repeats, the fixed point over present lines), each page by the models of the fold
that never saw its site, and its pair of thresholds (held, unanchored) is chosen by
``train_boilerplate.choose_threshold`` under the same limits.  The first stage alone
(the shipped method) is searched in the same run.

*Stacking.*  The second stage's features (:func:`stack_features`: the line's own
first-stage log-odds, its neighbours' probabilities over +-1 and +-3 present lines,
its block's, the page's, the share of the page's expected body characters before and
after it, the lines to the nearest confident body line) come from first-stage
probabilities that never saw the line's page: for held-out group ``k``, each other
group ``j`` is predicted by a first stage fitted without ``k`` and ``j`` (nested), and
the second stage is fitted on those rows.  Group ``k`` is then judged by the first
stage fitted without ``k`` and that second stage.  Variants (:data:`VARIANTS`): both
parts stacked or only the lines that body text holds; some features left out; the
first stage's own features beside the neighbours' probabilities.

*HMM.*  Two states (body, other); transitions counted over the labelled neighbouring
lines of the training folds; the first stage's probability over its prior stands for
the emission likelihood (a hybrid HMM), its log-odds scaled by the factor with the
least log loss of the posteriors on the training folds' nested out-of-fold log-odds;
each line's forward-backward posterior is its probability.

Result (the run of the README; two runs, 17 and 19 minutes on the shared 2-core
machine, printed the same), leave-site-out body kept / other text removed, the pair
chosen under the limits for each method:

    method                   thresholds     Scrapinghub    CleanEval      trafilatura inc / exc
    first stage (shipped)    0.92 / 0.5     98.4 / 72.6    97.3 / 73.9    97.1 / 67.7
    full                     0.88 / 0.8     98.9 / 71.7    97.6 / 66.9    97.4 / 65.1
    held-only                0.85 / 0.5     98.4 / 74.5    97.3 / 72.4    97.1 / 69.8
    no-page-held             0.88 / 0.5     98.5 / 71.3    97.4 / 72.4    97.1 / 65.8
    features-held            0.88 / 0.8     98.1 / 74.6    97.2 / 72.7    97.1 / 68.9
    features-no-page-held    0.92 / 0.5     98.2 / 73.4    97.2 / 73.6    97.1 / 68.4
    hmm                      sigmoid(10) / 0.999  98.5 / 71.8  97.7 / 70.8  97.8 / 65.1

No method removes more other text on both sets, so the shipped model stays the first
stage alone.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from operator import mul
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
import train_boilerplate as T  # noqa: E402
from polyclean.boilerplate import features as F  # noqa: E402
from polyclean.boilerplate.analysis import ANCHOR, features  # noqa: E402
from polyclean.boilerplate.context import context_features, context_scores  # noqa: E402
from polyclean.boilerplate.model import LineModel, sigmoid  # noqa: E402
from polyclean.boilerplate.remover import BoilerplateRemover  # noqa: E402
from polyclean.config import Config  # noqa: E402


# --- the second stage's features -------------------------------------------------------------------
STACK_NAMES = (
    "own_log_odds", "prev_p", "next_p", "window_mean", "window_min", "window_max",
    "block_mean", "page_mean", "log_body_before", "log_body_after",
    "log_lines_to_body_before", "log_lines_to_body_after",
)

_WINDOW = 3  # lines on each side
_CLIP = 12.0  # the own log-odds are clipped to +-this
_BODY_P = 0.2  # a line with a first-stage probability below this is confident body
_FAR = 12  # distances to the nearest confident body line are capped here
_EPS = 0.01  # the body shares before/after enter as log(_EPS + share)
_LOG = [math.log1p(k) for k in range(_FAR + 1)]


def _to_body(p: list[float], order: range) -> list[int]:
    """For each line in ``order``, the lines to the nearest confident body line met
    before it (capped at ``_FAR``).

    >>> _to_body([0.1, 0.9, 0.9], range(3)), _to_body([0.1, 0.9, 0.9], range(2, -1, -1))
    ([12, 1, 2], [12, 12, 12])
    """
    out = [0] * len(p)
    d = _FAR
    for i in order:
        out[i] = d
        d = 1 if p[i] < _BODY_P else min(d + 1, _FAR)
    return out


def stack_features(z: Sequence[float], blocks: Sequence[int],
                   chars: Sequence[int]) -> list[tuple[float, ...]]:
    """The second-stage features of the present lines, in the order of
    :data:`STACK_NAMES`: ``z`` are their first-stage log-odds, ``blocks`` their
    block numbers, ``chars`` their lengths.

    >>> f = stack_features([-5.0, 4.0, -5.0], [0, 0, 1], [50, 10, 50])
    >>> d = dict(zip(STACK_NAMES, f[1]))
    >>> d["own_log_odds"], round(d["prev_p"], 4), d["log_lines_to_body_before"] == math.log(2)
    (4.0, 0.0067, True)
    """
    m = len(z)
    if not m:
        return []
    p = [sigmoid(v) for v in z]
    acc = [0.0]
    body = [0.0]
    for i in range(m):
        acc.append(acc[-1] + p[i])
        body.append(body[-1] + (1.0 - p[i]) * chars[i])
    total = body[m] or 1.0
    page = acc[m] / m
    bsum: dict[int, float] = {}
    bsize: dict[int, int] = {}
    for i, b in enumerate(blocks):
        bsum[b] = bsum.get(b, 0.0) + p[i]
        bsize[b] = bsize.get(b, 0) + 1
    before = _to_body(p, range(m))
    after = _to_body(p, range(m - 1, -1, -1))
    log, eps = math.log, _EPS
    out = []
    for i in range(m):
        lo = i - _WINDOW if i > _WINDOW else 0
        hi = i + _WINDOW + 1 if i + _WINDOW + 1 < m else m
        near = p[lo:i] + p[i + 1:hi]
        b = blocks[i]
        n_b = bsize[b] - 1
        zi = z[i]
        out.append((
            _CLIP if zi > _CLIP else -_CLIP if zi < -_CLIP else zi,
            p[i - 1] if i else 0.5, p[i + 1] if i + 1 < m else 0.5,
            (acc[hi] - acc[lo] - p[i]) / len(near) if near else page,
            min(near) if near else page, max(near) if near else page,
            (bsum[b] - p[i]) / n_b if n_b else page, page,
            log(eps + body[i] / total), log(eps + (total - body[i + 1]) / total),
            _LOG[before[i]], _LOG[after[i]],
        ))
    return out


STACK_THRESHOLDS = tuple((t, u) for t in (0.8, 0.85, 0.88, 0.9, 0.92, 0.94, 0.96)
                         for u in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8))

# the posteriors crowd near 1: a grid in log-odds (sigmoid(4) ~ 0.982 .. sigmoid(14))
HMM_THRESHOLDS = tuple((1 / (1 + math.exp(-t)), u) for t in (4, 6, 8, 10, 12, 14)
                       for u in (0.5, 0.9, 0.99, 0.999))


# --- the first classifier round of each page, every present line ----------------------------------
class _Recorder(BoilerplateRemover):
    def _classify(self, doc, present):
        if self.rec is None and any(doc.an[i].kind == ANCHOR for i in present):
            an = doc.an
            ctx = context_features([an[i] for i in present], [doc.blocks[i] for i in present])
            self.rec = [(i, features(an[i]) + c, len(doc.strs[i]), doc.blocks[i])
                        for i, c in zip(present, ctx)]
        return []


def page_lines(page: dict):
    """(vectors, labels, chars, blocks) of the present lines of the first round."""
    import numpy as np

    rec = _Recorder(Config(), LineModel({"features": list(F.NAMES), "weights": [0.0] * len(F.NAMES),
                                         "bias": 0.0}))
    rec.rec = None
    rec.learn([page["text"]])
    rec.find(page["text"])
    got = rec.rec or []
    return (np.array([r[1] for r in got], dtype=float).reshape(len(got), len(F.NAMES)),
            [page["labels"][r[0]] for r in got], [r[2] for r in got], [r[3] for r in got])


def log_odds(model: dict, x):
    """First-stage log-odds of the rows ``x`` (numpy) under a fitted model dict."""
    import numpy as np

    loose = x[:, T._LOOSE] > 0
    z = x @ np.array(model["weights"]) + model["bias"]
    u = model["unanchored"]
    z[loose] = x[loose] @ np.array(u["weights"]) + u["bias"]
    return z


def stack_rows(lines, z):
    """Second-stage rows (first-stage features + second-stage features, label, chars,
    loose) of one page's labelled lines."""
    x, labels, chars, blocks = lines
    out = []
    for k, f in enumerate(stack_features(z.tolist(), blocks, chars)):
        if labels[k] >= 0:
            out.append((tuple(x[k].tolist()) + f, labels[k], chars[k], x[k, T._LOOSE] > 0))
    return out


N1 = len(F.NAMES)
ALL2 = F.NAMES + STACK_NAMES
# name: (second-stage features left out, whether the unanchored part is stacked too,
# whether the first stage's features enter the second stage beside its log-odds'
# neighbours, in place of the line's own log-odds)
VARIANTS = {
    "full": ((), True, False),
    "held-only": ((), False, False),
    "local-held": (("page_mean", "log_body_before", "log_body_after", "window_min", "window_max",
                    "log_lines_to_body_before", "log_lines_to_body_after"), False, False),
    "no-page-held": (("page_mean", "log_body_before", "log_body_after"), False, False),
    "features-held": ((), False, True),
    "features-no-page-held": (("page_mean", "log_body_before", "log_body_after"), False, True),
    "features-both": ((), True, True),
}
IDENTITY = {"weights": [0.0] * N1 + [1.0] + [0.0] * (len(STACK_NAMES) - 1), "bias": 0.0}


def fit_stack(rows, c: float, without=(), both: bool = True, with_features: bool = False) -> dict:
    """The second stage: two parts as the first (``both=False``: the unanchored lines
    keep their first-stage log-odds); features in ``without`` get weight 0."""
    import numpy as np

    x = np.array([r[0] for r in rows], dtype=float)
    y = np.array([1 - r[1] for r in rows])
    w = np.array([float(r[2]) for r in rows])
    loose = np.array([r[3] for r in rows])
    keep = [N1 + j for j, n in enumerate(STACK_NAMES) if n not in without
            and not (with_features and n == "own_log_odds")]
    if with_features:
        keep = [j for j in range(N1) if j != T._LOOSE] + keep
    return {"features": list(ALL2), "with_features": with_features,
            "held": T._fit_one(x[~loose], y[~loose], w[~loose], c, keep),
            "unanchored": T._fit_one(x[loose], y[loose], w[loose], c, keep) if both else IDENTITY}


# --- the remover with the second stage --------------------------------------------------------------
class StackModel:
    def __init__(self, first: dict, stack: dict, pair) -> None:
        self.line = LineModel(first)
        self.parts = self.line.parts
        self.stack = [(s["bias"], s["weights"]) for s in (stack["held"], stack["unanchored"])]
        self.with_features = stack.get("with_features", False)
        self.pair = pair

    def thresholds(self, threshold=None):
        return self.pair


class StackRemover(BoilerplateRemover):
    """The shipped remover's classifier round, with the second stage over the
    first stage's log-odds of every present line."""

    def _classify(self, doc, present):
        want = T.judged(doc, present)
        if not want:
            return []
        an, parts = doc.an, self.model.parts
        every = range(len(present))
        scores = context_scores([an[i] for i in present], [doc.blocks[i] for i in present], every,
                                (parts[0].context_weights, parts[1].context_weights))
        z = [parts[loose].bias + sum(map(mul, parts[loose].line_weights, features(an[i]))) + zc
             for i, (loose, zc) in zip(present, scores)]
        return T.keep_last_anchor(self._judge(z, doc, want, scores, present), doc, present)

    def _judge(self, z, doc, want, scores, present):
        sf = stack_features(z, [doc.blocks[i] for i in present], [len(doc.strs[i]) for i in present])
        stack, th = self.model.stack, self.thresholds
        if self.model.with_features:
            an = doc.an
            ctx = context_features([an[i] for i in present], [doc.blocks[i] for i in present], want)
            x1 = {pos: features(an[present[pos]]) + c for pos, c in zip(want, ctx)}
        found = []
        for pos in want:
            loose = scores[pos][0]
            bias, w = stack[loose]
            x2 = (x1[pos] if self.model.with_features else (0.0,) * N1) + sf[pos]
            p = sigmoid(bias + sum(map(mul, w, x2)))
            if p >= th[loose]:
                found.append((present[pos], "classifier", p))
        return found


# --- the alternative: a two-state HMM over the first stage's probabilities -----------------------
def transitions(pages, lines) -> tuple[float, float, float]:
    """(P(body -> body), P(other -> other), share of other characters) from the labelled
    neighbours among the first-round present lines of ``pages``."""
    bb = bo = ob = oo = 0
    other = total = 0
    for p in pages:
        _, labels, chars, _ = lines[id(p)]
        for a, b in zip(labels, labels[1:]):
            if a >= 0 and b >= 0:
                if a:
                    bb, bo = bb + b, bo + (1 - b)
                else:
                    ob, oo = ob + b, oo + (1 - b)
        for y, ch in zip(labels, chars):
            if y >= 0:
                total += ch
                other += ch * (1 - y)
    return (bb + 1) / (bb + bo + 2), (oo + 1) / (ob + oo + 2), other / total


def posterior(z: list[float], hmm: tuple[float, ...]) -> list[float]:
    """P(other | the page) of each line by forward-backward: the first stage's
    probability (of its log-odds times the emission scale) divided by its prior
    stands for the likelihood (a hybrid HMM)."""
    stay_b, stay_o, prior, scale = hmm if len(hmm) == 4 else (*hmm, 1.0)
    m = len(z)
    e = []
    for v in z:
        q = min(max(sigmoid(v * scale), 1e-12), 1.0 - 1e-12)
        e.append(((1.0 - q) / (1.0 - prior), q / prior))
    fwd = []
    b, o = (1.0 - prior) * e[0][0], prior * e[0][1]
    for i in range(m):
        if i:
            b, o = ((b * stay_b + o * (1 - stay_o)) * e[i][0], (b * (1 - stay_b) + o * stay_o) * e[i][1])
        s = b + o
        b, o = b / s, o / s
        fwd.append((b, o))
    out = [0.0] * m
    bb, bo = 1.0, 1.0
    for i in range(m - 1, -1, -1):
        fb, fo = fwd[i]
        pb, po = fb * bb, fo * bo
        out[i] = po / (pb + po)
        nb, no = bb * e[i][0], bo * e[i][1]
        bb, bo = stay_b * nb + (1 - stay_b) * no, (1 - stay_o) * nb + stay_o * no
        s = bb + bo
        bb, bo = bb / s, bo / s
    return out


SCALES = (0.5, 0.75, 1.0, 1.5, 2.0, 3.0)


def fit_scale(hmm, page_z) -> float:
    """The emission scale with the least character-weighted log loss of the posteriors
    over the labelled lines of ``page_z`` ((lines, out-of-fold log-odds) per page)."""
    best = None
    for a in SCALES:
        loss = 0.0
        for (_, labels, chars, _), z in page_z:
            for q, y, ch in zip(posterior(z, (*hmm, a)), labels, chars):
                if y >= 0:
                    q = min(max(q, 1e-9), 1 - 1e-9)
                    loss -= ch * math.log(1 - q if y else q)
        if best is None or loss < best[0]:
            best = (loss, a)
    return best[1]


class HmmModel(StackModel):
    def __init__(self, first: dict, hmm, pair) -> None:
        self.line = LineModel(first)
        self.parts = self.line.parts
        self.hmm = hmm
        self.pair = pair


class HmmRemover(StackRemover):
    def _judge(self, z, doc, want, scores, present):
        post = posterior(z, self.model.hmm)
        th = self.thresholds
        return [(present[pos], "classifier", post[pos]) for pos in want
                if post[pos] >= th[scores[pos][0]]]


# --- main ----------------------------------------------------------------------------------------------
def _auc(rows_z, name):
    """Character-weighted ROC AUC of out-of-fold log-odds, per data set."""
    from sklearn.metrics import roc_auc_score

    out = {}
    for s in ("scrapinghub", "cleaneval", "trafilatura"):
        sel = [r for r in rows_z if r[0] == s]
        out[s] = round(roc_auc_score([1 - r[2] for r in sel], [r[1] for r in sel],
                                     sample_weight=[r[3] for r in sel]), 4)
    print(f"  out-of-fold AUC ({name}, first-round lines, by characters): {out}", flush=True)


def _args(argv):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--c", type=float, default=1.0, help="first stage")
    ap.add_argument("--c2", type=float, default=1.0, help="second stage")
    T.limit_args(ap)
    ap.add_argument("--skip-baseline", action="store_true")
    ap.add_argument("--no-hmm", action="store_true", help="skip the two-state HMM")
    ap.add_argument("--variants", nargs="*", choices=list(VARIANTS),
                    default=["full", "held-only", "no-page-held", "features-held",
                             "features-no-page-held"])
    return ap.parse_args(argv)


def _stacked(name, c2, pages, groups, first, train, held_out, limits, results, t0) -> None:
    """One variant of the stack: fitted per fold, its out-of-fold ranking, its mean
    weights and its thresholds (into ``results[name]``)."""
    without, both, with_features = VARIANTS[name]
    folds = [{"hosts": g, "model": first(frozenset((k,))),
              "stack": fit_stack(train[k], c2, without, both, with_features)}
             for k, g in enumerate(groups)]
    oof = []
    for f, ho in zip(folds, held_out):
        for s_, (x2, y, ch, loose) in ho:
            part = f["stack"]["unanchored" if loose else "held"]
            oof.append((s_, part["bias"] + sum(map(mul, part["weights"], x2)), y, ch))
    print(f"stacked, {name} ({time.time() - t0:.0f} s):", flush=True)
    _auc(oof, name)
    for part in ("held", "unanchored") if both else ("held",):
        ws = [round(sum(f["stack"][part]["weights"][N1 + j] for f in folds) / len(folds), 3)
              for j in range(len(STACK_NAMES))]
        print(f"  mean second-stage weights, {part}: {dict(zip(STACK_NAMES, ws))}")

    def models(folds_, pair):
        return {h: StackModel(f["model"], f["stack"], pair) for f in folds_ for h in f["hosts"]}

    T.search(results, name, pages, folds, limits, STACK_THRESHOLDS, models, StackRemover)


def _hmm(pages, groups, lines, first, page_z, limits, results, t0) -> None:
    """The two-state HMM: transitions and emission scale per fold, its thresholds."""
    group = {h: k for k, g in enumerate(groups) for h in g}
    hmms = [transitions([p for p in pages if group[p["host"]] != k], lines)
            for k in range(len(groups))]
    hmms = [(*h, fit_scale(h, page_z[k])) for k, h in enumerate(hmms)]
    print(f"hmm ({time.time() - t0:.0f} s): P(body->body), P(other->other), other share, "
          f"emission scale per fold: {[tuple(round(v, 3) for v in h) for h in hmms]}", flush=True)
    hfolds = [{"hosts": g, "model": first(frozenset((k,))), "hmm": hmms[k]}
              for k, g in enumerate(groups)]

    def hmm_models(folds_, pair):
        return {h: HmmModel(f["model"], f["hmm"], pair) for f in folds_ for h in f["hosts"]}

    T.search(results, "hmm", pages, hfolds, limits, HMM_THRESHOLDS, hmm_models, HmmRemover)


def main(argv=None) -> int:
    args = _args(argv)
    t0 = time.time()
    pages, rows, groups = T.prepare(args.folds)
    lines = {id(p): page_lines(p) for p in pages}
    group = {h: k for k, g in enumerate(groups) for h in g}
    by_group = [[p for p in pages if group[p["host"]] == k] for k in range(len(groups))]
    limits = T.limits(args)
    print(f"{len(pages)} pages, {sum(map(len, rows.values()))} rows ({time.time() - t0:.0f} s)",
          flush=True)
    cache: dict[frozenset, dict] = {}

    def first(without: frozenset) -> dict:
        if without not in cache:
            cache[without] = T.fit([r for p in pages if group[p["host"]] not in without
                                    for r in rows[id(p)]], args.c)
        return cache[without]

    # nested: group k's second stage learns from first-stage log-odds of the other
    # groups, each predicted by a first stage that saw neither it nor k
    train, held_out, page_z = [], [], []
    for k in range(len(groups)):
        tr = []
        page_z.append([])
        for j in range(len(groups)):
            if j != k:
                m = first(frozenset((k, j)))
                for p in by_group[j]:
                    z = log_odds(m, lines[id(p)][0])
                    tr += stack_rows(lines[id(p)], z)
                    if len(z):
                        page_z[k].append((lines[id(p)], z.tolist()))
        train.append(tr)
        m1 = first(frozenset((k,)))
        held_out.append([(p["set"], r) for p in by_group[k]
                         for r in stack_rows(lines[id(p)], log_odds(m1, lines[id(p)][0]))])
        print(f"  fold {k}: {len(tr)} second-stage rows ({time.time() - t0:.0f} s)", flush=True)
    _auc([(s, f[N1], y, ch) for ho in held_out for s, (f, y, ch, _) in ho], "first stage")
    results = {}
    if not args.skip_baseline:
        print("first stage alone (the shipped method):", flush=True)
        results["first stage"] = T.choose_threshold(
            pages, [{"hosts": g, "model": first(frozenset((k,)))} for k, g in enumerate(groups)],
            limits)

    for name in args.variants:
        _stacked(name, args.c2, pages, groups, first, train, held_out, limits, results, t0)
    if not args.no_hmm:
        _hmm(pages, groups, lines, first, page_z, limits, results, t0)
    T.print_chosen(results, t0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
