"""The normaliser, driven by tests/cases/normalize.json (label, options, input, output)."""

import json
import random
from pathlib import Path

import pytest

from polyclean import normalize
from polyclean.config import Config
from polyclean.normalize import normalize_text
from polyclean.report import apply_changes

CASES = json.loads((Path(__file__).parent / "cases" / "normalize.json").read_text("utf-8"))


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_case(case):
    assert normalize(case["input"], **case["options"]) == case["output"]


@pytest.mark.parametrize("case", CASES, ids=[c["label"] for c in CASES])
def test_changes_replay_and_idempotent(case):
    cfg = Config().replace(**case["options"])
    out, changes = normalize_text(case["input"], cfg)
    assert apply_changes(case["input"], changes) == out
    assert all(c.step == "normalize" and c.reason for c in changes)
    assert normalize_text(out, cfg)[0] == out


def test_random_text_replays_and_is_idempotent():
    rnd = random.Random(7)
    alphabet = "ab .,-\n\t\r\u00a0\u200b\u2014\u2013\u201c\u201d\u2019\u2026\u2022\u0301\u0007\ufb01\u2028\u0416"
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 30)))
        for opts in ({}, {"ascii": True, "join_hyphenated": True}, {"unicode_form": "NFKC"}):
            cfg = Config().replace(**opts)
            out, changes = normalize_text(text, cfg)
            assert apply_changes(text, changes) == out, repr(text)
            assert normalize_text(out, cfg)[0] == out, repr(text)


def test_every_reason_is_named():
    _, changes = normalize_text("\u201cA\u201d \u2014 b\u2026\u00a0\u00a0c\u200b")
    reasons = {r for c in changes for r in c.reason.split("+")}
    assert reasons == {"quotes", "dashes", "ellipsis", "whitespace", "control-characters"}


@pytest.mark.parametrize("value", [b"caf\xc3\xa9", None, 5])
def test_normalize_refuses_what_is_not_text_with_a_clear_message(value):
    """polyclean.normalize works on text only; bytes (or anything else) used to reach a
    regular expression and leak "cannot use a string pattern on a bytes-like object"."""
    import polyclean

    with pytest.raises(TypeError, match=r"^normalize takes text \(str\), not "
                       + type(value).__name__ + r"; decode bytes first"):
        polyclean.normalize(value)
