"""Fast paths that must answer exactly as the general code they shortcut (issue 17):
segments re-mapped through removals only, the inner sentence boundary of a long line
found from its punctuation."""

import json
import random
from pathlib import Path

import pytest

from polyclean.boilerplate import lexicon as lx
from polyclean.boilerplate.rules import inner_end
from polyclean.doc import _remap_any, _remap_removals, remap
from polyclean.report import Change, apply_changes
from polyclean.segment import Segment

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "data" / "scrapinghub-article-extraction-benchmark" / \
    "fullpage_text_html-text.jsonl"


def _fields(segs):
    return [(s.start, s.end, s.text, s.script, s.lang, s.confidence, s.foreign, s.line, s.para)
            for s in segs]


def _case(rng: random.Random):
    size = rng.randint(0, 30)
    text = "".join(rng.choice("ab c\n") for _ in range(size))
    cuts = sorted(rng.sample(range(size + 1), k=min(size + 1, 2 * rng.randint(0, 4))))
    removals = []
    for a, b in zip(cuts[::2], cuts[1::2]):
        b = a if rng.random() < 0.2 else b  # an empty removal now and then
        removals.append(Change("boilerplate", a, b, text[a:b], "", "r"))
    segs = []
    for _ in range(rng.randint(0, 5)):
        a = rng.randint(0, size)
        b = rng.randint(a, size)
        segs.append(Segment(a, b, text[a:b], "Latin", "de", 0.5, True, 1, 2))
    segs.sort(key=lambda s: s.start)
    return text, removals, segs


def test_removals_remap_as_the_general_path_does():
    rng = random.Random(17)
    moved = dropped = 0
    for _ in range(20_000):
        text, removals, segs = _case(rng)
        after = apply_changes(text, removals)
        ordered = sorted(removals, key=lambda c: c.start)
        fast = _remap_removals(segs, ordered, after)
        assert _fields(fast) == _fields(_remap_any(segs, ordered, after))
        assert all(s.text == after[s.start:s.end] for s in fast)
        moved += sum(1 for s in fast if s not in segs)
        dropped += len(segs) - len(fast)
    assert moved > 1000 and dropped > 1000  # both outcomes were exercised


def test_segments_out_of_text_order_take_the_general_path():
    segs = [Segment(4, 7, "def"), Segment(0, 3, "abc")]
    removal = [Change("boilerplate", 0, 4, "abc\n", "", "r")]
    assert _remap_removals(segs, removal, "def") is None
    assert _fields(remap(segs, removal, "def")) == _fields(_remap_any(segs, removal, "def"))


def _inner_end_re(s: str) -> bool:
    return lx.INNER_END_RE.search(s) is not None


def test_inner_end_agrees_with_the_pattern_on_random_text():
    rng = random.Random(5)
    alphabet = list("abcXYZ12_ .!?\u2026'\"\u201d\u2019)(\u201c\u2018\u3002\uff01\uff1f"
                    "\u00e9\u00df\u00c9\n\t")
    found = 0
    for _ in range(100_000):
        s = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 16)))
        assert inner_end(s) == _inner_end_re(s), s
        found += inner_end(s)
    assert found > 1000


def test_inner_end_agrees_with_the_pattern_on_real_lines():
    if not PAGES.exists():
        pytest.skip(f"shared data not found at {PAGES}")
    lines = []
    with open(PAGES, encoding="utf-8") as fh:
        for raw in fh:
            lines.extend(line.strip() for line in json.loads(raw)["text"].split("\n"))
    lines = [line for line in lines if line]
    assert len(lines) > 5000
    assert [inner_end(s) for s in lines] == [_inner_end_re(s) for s in lines]

