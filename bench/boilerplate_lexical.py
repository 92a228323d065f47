"""Experiment (not used by polyclean): does a lexical score of a line, a logistic
regression over its hashed words and word pairs, add to the classifier's 57 features?

    pip install -e ".[train]"
    .venv/bin/python bench/boilerplate_lexical.py          # about 5 minutes on 2 cores

The rows are those of ``train_boilerplate.py`` (the first classifier round of every
training page, weighted by characters), with the line's text.  Leave-site-out over the
same 10 host groups: for each group, (A) a logistic regression on the 57 standardised
features; (B) the same with one more feature, the log-odds of a word model (scikit-learn
``HashingVectorizer``, 2^18 unigram and bigram features, L2-normalised, regression with
C=0.3) whose training rows' scores are themselves out-of-fold (nested over the other
groups).  Printed per set: the share of other text (by characters) the rows above a
threshold hold, at the best threshold that keeps the set's body limit (98 %, 96.5 %,
97 %; rows of the first round only, not the whole remover).
"""
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

import numpy as np
import train_boilerplate as T

from polyclean.boilerplate import features as F
from polyclean.boilerplate.analysis import features
from polyclean.boilerplate.context import context_features
from polyclean.boilerplate.model import LineModel
from polyclean.config import Config


class _Rec(T._Recorder):
    def _classify(self, doc, present):
        if self.rows is None:
            an = doc.an
            ctx = context_features([an[i] for i in present], [doc.blocks[i] for i in present])
            self.rows = [(i, features(an[i]) + c, len(doc.strs[i]), doc.strs[i])
                         for i, c in zip(present, ctx)
                         if not doc.foreign[i] and not doc.protected[i]]
        return []


def rows() -> list[tuple]:
    T._memo_everything()
    pages = T.load_pages()
    folds = T.folds_of(pages, 10)
    out = []
    for p in pages:
        rec = _Rec(Config(), LineModel({"features": list(F.NAMES),
                                        "weights": [0.0] * len(F.NAMES), "bias": 0.0}))
        rec.rows = None
        rec.learn([p["text"]])
        rec.find(p["text"])
        g = next(k for k, f in enumerate(folds) if p["host"] in f)
        out += [(x, 1 - p["labels"][i], ch, s, g, p["set"]) for i, x, ch, s in rec.rows or ()
                if p["labels"][i] >= 0]
    return out


def main() -> None:
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    rs = rows()
    X = np.array([r[0] for r in rs], float)
    y = np.array([r[1] for r in rs])
    w = np.array([r[2] for r in rs], float)
    G = np.array([r[4] for r in rs])
    sets = np.array([r[5] for r in rs])
    H = HashingVectorizer(n_features=2 ** 18, ngram_range=(1, 2), alternate_sign=False,
                          token_pattern=r"(?u)\b\w+\b").transform([r[3] for r in rs])

    def fit_base(idx, extra=None):
        Z = X[idx] if extra is None else np.column_stack([X[idx], extra])
        sc = StandardScaler().fit(Z)
        m = LogisticRegression(C=1.0, max_iter=5000).fit(
            sc.transform(Z), y[idx], sample_weight=w[idx] / w[idx].mean())
        return sc, m

    def fit_lex(idx):
        return LogisticRegression(C=0.3, max_iter=3000).fit(
            H[idx], y[idx], sample_weight=w[idx] / w[idx].mean())

    pa, pb = np.zeros(len(y)), np.zeros(len(y))
    for k in range(10):
        tr, te = np.where(G != k)[0], np.where(G == k)[0]
        sc, m = fit_base(tr)
        pa[te] = m.predict_proba(sc.transform(X[te]))[:, 1]
        inner = np.zeros(len(tr))
        for j in set(range(10)) - {k}:
            b = np.where(G[tr] == j)[0]
            inner[b] = fit_lex(tr[G[tr] != j]).decision_function(H[tr[b]])
        lt = fit_lex(tr).decision_function(H[te])
        sc2, m2 = fit_base(tr, inner)
        pb[te] = m2.predict_proba(sc2.transform(np.column_stack([X[te], lt])))[:, 1]

    def other_removed(p, s, keep):
        m = sets == s
        pp, yy, ww = p[m], y[m], w[m]
        body, other, best = ww[yy == 0].sum(), ww[yy == 1].sum(), 0.0
        for t in np.unique(np.round(pp, 4)):
            rem = pp >= t
            if ww[rem & (yy == 0)].sum() <= (1 - keep) * body:
                best = max(best, ww[rem & (yy == 1)].sum() / other)
        return best

    print("other text removed at the body limit (first-round rows, leave-site-out)")
    for s, keep in (("scrapinghub", 0.98), ("cleaneval", 0.965), ("trafilatura", 0.97)):
        print(f"  {s:12s} 57 features {other_removed(pa, s, keep):.3f}   "
              f"+ word model {other_removed(pb, s, keep):.3f}")


if __name__ == "__main__":
    main()
