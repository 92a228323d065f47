"""The trained line classifier: logistic regression over :mod:`.features` and
:mod:`.context`, in two parts.

The lines that no body text holds (``unanchored_fragment``: a line without sentence
structure outside the runs that body sentences hold; the rule polyclean used before
the classifier) get one regression, the other lines another, each fitted on its own
lines: the same evidence weighs differently for a candidate the old rule would drop
than for a line it would keep.  A present line is removed when its probability of
being boilerplate reaches the threshold.

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
from .context import LOOSE
from .features import LINE_NAMES, NAMES
from .keys import DATA_DIR

MODEL_FILE = DATA_DIR / "boilerplate_model.json"
_LOOSE = len(LINE_NAMES) + LOOSE


class _Part:
    """One logistic regression: a bias and a weight per feature."""

    __slots__ = ("bias", "line_weights", "context_weights")

    def __init__(self, data: dict[str, Any]) -> None:
        weights = tuple(float(w) for w in data["weights"])
        if len(weights) != len(NAMES):
            raise ConfigError(E.BP_MODEL_FEATURES)
        self.bias = float(data["bias"])
        n = len(LINE_NAMES)
        self.line_weights = weights[:n]
        self.context_weights = weights[n:]


class LineModel:
    """Weights of one trained classifier: two logistic regressions, one for the lines
    that no body text holds (``unanchored_fragment``: the rule polyclean used before
    the classifier) and one for the others, each with its own weights.

    >>> zero = {"weights": [0.0] * len(NAMES), "bias": 0.0}
    >>> m = LineModel({"features": list(NAMES), **zero, "unanchored": {**zero, "bias": 2.0}})
    >>> m.probability((0.0,) * len(NAMES)), round(m.probability((1.0,) * len(NAMES)), 3)
    (0.5, 0.881)
    """

    __slots__ = ("parts", "threshold", "loose_threshold", "meta")

    def __init__(self, data: dict[str, Any]) -> None:
        if list(data.get("features", ())) != list(NAMES):
            raise ConfigError(E.BP_MODEL_FEATURES)
        held = _Part(data)
        self.parts = (held, _Part(data["unanchored"]) if "unanchored" in data else held)
        self.threshold = float(data.get("threshold", 0.5))
        # the unanchored part is calibrated on its own lines: its own threshold
        self.loose_threshold = float(data.get("unanchored_threshold", self.threshold))
        self.meta = {k: v for k, v in data.items()
                     if k not in ("weights", "bias", "features", "unanchored")}

    def thresholds(self, threshold: float | None = None) -> tuple[float, float]:
        """(held, unanchored) thresholds; a user's ``threshold`` sets the first and caps
        the second.

        >>> m = LineModel({"features": list(NAMES), "weights": [0.0] * len(NAMES), "bias": 0.0,
        ...                "threshold": 0.9, "unanchored_threshold": 0.7})
        >>> m.thresholds(), m.thresholds(0.5)
        ((0.9, 0.7), (0.5, 0.5))
        """
        if threshold is None:
            return self.threshold, self.loose_threshold
        return threshold, min(threshold, self.loose_threshold)

    def score(self, x: tuple[float, ...]) -> float:
        """The log-odds that the line is boilerplate (``x``: line and context features)."""
        n = len(LINE_NAMES)
        part = self.parts[x[_LOOSE] > 0]
        return (part.bias + sum(map(mul, part.line_weights, x[:n]))
                + sum(map(mul, part.context_weights, x[n:])))

    def probability(self, x: tuple[float, ...]) -> float:
        return sigmoid(self.score(x))

    @classmethod
    def load(cls, path: str | Path = MODEL_FILE) -> "LineModel":
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigError(E.BP_MODEL_UNREADABLE.format(path=path, why=exc)) from exc
        try:
            return cls(data)
        except (KeyError, TypeError, ValueError) as exc:
            raise ConfigError(E.BP_MODEL_UNREADABLE.format(path=path, why=exc)) from exc


def sigmoid(z: float) -> float:
    """1 / (1 + e^-z), 0 far below zero.

    >>> sigmoid(0.0), sigmoid(-50.0)
    (0.5, 0.0)
    """
    return 0.0 if z < -30 else 1.0 / (1.0 + math.exp(-z))


_DEFAULT: LineModel | None = None


def default_model() -> LineModel:
    """The shipped model (loaded once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = LineModel.load()
    return _DEFAULT
