"""The report is a replayable patch: compose() and apply_changes() are exact."""

import random

import pytest

from polyclean.report import Change, apply_changes, compose, replay, shift_changes


def _random_changes(text, rnd):
    out, pos = [], 0
    while pos <= len(text):
        if rnd.random() < 0.3:
            a = pos
            b = min(len(text), a + rnd.randint(0, 3))
            res = "".join(rnd.choice("xyZ") for _ in range(rnd.randint(0, 3)))
            if text[a:b] != res:
                out.append(Change("s", a, b, text[a:b], res, rnd.choice("pq")))
            pos = b + 1
        else:
            pos += rnd.randint(1, 3)
    return out


def test_compose_equals_sequential_application():
    rnd = random.Random(1)
    for _ in range(5000):
        t0 = "".join(rnd.choice("abc") for _ in range(rnd.randint(0, 14)))
        c1 = _random_changes(t0, rnd)
        t1 = apply_changes(t0, c1)
        c2 = _random_changes(t1, rnd)
        t2 = apply_changes(t1, c2)
        merged = compose(t0, c1, c2, "s")
        assert apply_changes(t0, merged) == t2
        spans = sorted((c.start, c.end) for c in merged)
        assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:]))


def test_apply_rejects_overlap_and_mismatch():
    with pytest.raises(ValueError, match="overlapping"):
        apply_changes("abcd", [Change("s", 0, 2, "ab", "", "r"), Change("s", 1, 3, "bc", "", "r")])
    with pytest.raises(ValueError, match="does not match"):
        apply_changes("abcd", [Change("s", 0, 2, "xx", "", "r")])


def test_shift_changes_through_removed_lines():
    text = "menu\nBody one.\nad\nBody two.\n"
    removed = [Change("boilerplate", 0, 5, "menu\n", "", "ui"), Change("boilerplate", 15, 18, "ad\n", "", "ui")]
    later = [Change("translate", 19, 22, "ody", "ODY", "t")]
    mid = apply_changes(text, removed)
    shifted = shift_changes(later, removed)
    assert apply_changes(mid, shifted) == "Body one.\nBODY two.\n"


def test_replay_of_a_json_report():
    report = {"changes": [
        Change("repair", 0, 3, "Ã©t", "ét", "mojibake").to_dict(),
        Change("normalize", 2, 4, "  ", " ", "whitespace").to_dict(),
    ]}
    assert replay("Ã©t  é", report) == "ét é"
