"""The trained line classifier: a logistic regression over :mod:`.features`.

A present line is removed when its probability of being boilerplate reaches the
threshold, or when it is a line without sentence structure that no body text holds
(the ``unanchored_fragment`` feature: the rule polyclean used before) and its
probability reaches the lower ``rescue_threshold``: the model overrules the old rule
where it disagrees, and removes what the rule never could (sentences such as
"Got a news tip?").

The weights ship as ``data/boilerplate_model.json`` and are rebuilt by
``bench/train_boilerplate.py`` (scikit-learn, ``pip install .[train]``).  Inference
is a dot product in plain Python: scikit-learn is never imported at run time.
"""

from __future__ import annotations

import json
import math
from operator import mul
from pathlib import Path
from typing import Any

from ..errors import E, ConfigError
from .features import CONTEXT_RANGES, LINE_NAMES, NAMES
from .keys import DATA_DIR

MODEL_FILE = DATA_DIR / "boilerplate_model.json"


class LineModel:
    """Weights of one trained classifier.

    >>> m = LineModel({"features": list(NAMES), "weights": [0.0] * len(NAMES), "bias": 0.0,
    ...                "threshold": 0.5})
    >>> m.probability((0.0,) * len(NAMES))
    0.5
    """

    __slots__ = ("weights", "bias", "threshold", "rescue", "meta", "n_line", "line_weights",
                 "context_weights", "context_max")

    def __init__(self, data: dict[str, Any]) -> None:
        if list(data.get("features", ())) != list(NAMES):
            raise ConfigError(E.BP_MODEL_FEATURES)
        self.weights = tuple(float(w) for w in data["weights"])
        self.bias = float(data["bias"])
        self.threshold = float(data.get("threshold", 0.5))
        # a line without sentence structure that no body text holds goes from this
        # probability on (the old context rule, overruled where the model disagrees)
        self.rescue = float(data.get("rescue_threshold", self.threshold))
        self.meta = {k: v for k, v in data.items() if k not in ("weights", "bias", "features")}
        self.n_line = n = len(LINE_NAMES)
        self.line_weights = self.weights[:n]
        self.context_weights = self.weights[n:]
        # the most the context can add to a line's log-odds
        self.context_max = sum(max(w * lo, w * hi) for w, (lo, hi)
                               in zip(self.context_weights, CONTEXT_RANGES))

    def line_score(self, line_feats: tuple[float, ...]) -> float:
        """The bias plus the line features' part of the log-odds."""
        return self.bias + sum(map(mul, self.line_weights, line_feats))

    def context_score(self, context: tuple[float, ...]) -> float:
        return sum(map(mul, self.context_weights, context))

    def score(self, x: tuple[float, ...]) -> float:
        """The log-odds that the line is boilerplate."""
        return self.bias + sum(map(mul, self.weights, x))

    def probability(self, x: tuple[float, ...]) -> float:
        return sigmoid(self.score(x))

    @classmethod
    def load(cls, path: str | Path = MODEL_FILE) -> "LineModel":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(E.BP_MODEL_UNREADABLE.format(path=path, why=exc)) from exc
        return cls(data)


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), 0 far below zero.

    >>> sigmoid(0.0), sigmoid(-50.0)
    (0.5, 0.0)
    """
    return 0.0 if z < -30 else 1.0 / (1.0 + math.exp(-z))


def logit(p: float) -> float:
    """The log-odds of ``p`` (-inf for 0, inf for 1)."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    return math.log(p / (1.0 - p))


_DEFAULT: LineModel | None = None


def default_model() -> LineModel:
    """The shipped model (loaded once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LineModel.load()
    return _DEFAULT
