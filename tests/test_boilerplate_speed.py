"""The compiled parts of the boilerplate classifier (``polyclean/_speedups/_lines.pyx``)
against the pure code they replace (:func:`polyclean.boilerplate.context.context_features`
and the dot product, :func:`polyclean.boilerplate.features.line_features`): the same
features and the same floats, bit for bit, and so the same removals on whole pages.

On a machine where the extension could not be built the comparisons skip, except in CI
(``CI`` set), where a missing extension is a failed build.
"""

import json
import os
import random
from pathlib import Path

import pytest

from polyclean import _speedups
from polyclean.boilerplate import BoilerplateRemover, analyse, clear_caches
from polyclean.boilerplate import context as ctx
from polyclean.boilerplate import lexicon as lx
from polyclean.boilerplate import analysis, keys, rules
from polyclean.boilerplate.analysis import SENTENCE, common_words
from polyclean.boilerplate.features import line_features
from polyclean.boilerplate.keys import shipped_phrases
from polyclean.boilerplate.remover import _lines
from polyclean.boilerplate.rules import ends_sentence, units
from polyclean.config import Config

ROOT = Path(__file__).resolve().parents[1]
PAGES = ROOT.parent / "shared" / "data" / "scrapinghub-article-extraction-benchmark" / \
    "fullpage_text_html-text.jsonl"


@pytest.fixture(autouse=True)
def compiled():
    if _speedups.lines is None:
        if os.environ.get("CI") and not _speedups.PURE:
            pytest.fail("the compiled helpers were not built (pip install . needs gcc and "
                        "the Python headers)")
        pytest.skip("compiled helpers not in use (not built, or POLYCLEAN_PURE set)")


@pytest.fixture
def pure(monkeypatch):
    def run(fn, *args):
        with monkeypatch.context() as m:
            m.setattr(_speedups, "lines", None)
            m.setattr(analysis, "_COMPILED", None)
            return fn(*args)
    return run


def _pages(n: int) -> list[str]:
    if not PAGES.exists():
        pytest.skip(f"shared data not found at {PAGES}")
    with open(PAGES, encoding="utf-8") as fh:
        return [json.loads(line)["text"] for _, line in zip(range(n), fh)]


def _present_sets(page: str, rng: random.Random):
    """The page's analysed lines and block numbers, whole and with random lines gone
    (as after rounds of removals), and some hand-made edge cases."""
    _, strs, blocks = _lines(page)
    an = [analyse(s) for s in strs]
    yield an, blocks
    for share in (0.1, 0.3, 0.6, 0.9):
        keep = [i for i in range(len(an)) if rng.random() > share]
        yield [an[i] for i in keep], [blocks[i] for i in keep]


EDGE = [
    ["Home"],
    ["The minister said on Monday that talks would go on for weeks."],
    ["Menu", "Menu", "Menu", "Menu"],
    ["Here is what we found:", "one", "two", "three", "The minister said talks would go on."],
    ["Title", "The minister said on Monday that talks would go on for weeks.", "Title", "",
     "x" * 30000, "Share", "Reply", "Reply", "Reply"],
]


def _cases():
    rng = random.Random(17)
    for page in _pages(40):
        yield from _present_sets(page, rng)
    for lines in EDGE:
        _, strs, blocks = _lines("\n".join(lines))
        yield [analyse(s) for s in strs], blocks


def test_the_compiled_context_features_are_the_pure_features():
    weights = ((0.0,) * len(ctx.CONTEXT_NAMES),) * 2
    n = 0
    for an, blocks in _cases():
        want = list(range(len(an)))
        ours = _speedups.lines.context_scores(
            [a.kind for a in an], [a.s for a in an], [a.key for a in an], blocks, want,
            weights[0], weights[1], ctx._LOG, lx.TRAIL_CLOSERS, True)
        assert ours == ctx.context_features(an, blocks, want)
        n += len(want)
    assert n > 3000


def test_the_compiled_context_scores_are_the_pure_sums(pure):
    rng = random.Random(5)
    weights = tuple(tuple(rng.uniform(-3, 3) for _ in ctx.CONTEXT_NAMES) for _ in range(2))
    for an, blocks in _cases():
        want = sorted(rng.sample(range(len(an)), max(1, len(an) // 2))) if an else []
        ours = ctx.context_scores(an, blocks, want, weights)
        theirs = pure(ctx.context_scores, an, blocks, want, weights)
        assert ours == theirs  # floats compared exactly
        assert {type(loose) for loose, _ in ours} <= {bool}


def test_whole_pages_lose_the_same_lines(pure):
    pages = _pages(100)

    def run():
        clear_caches()
        remover = BoilerplateRemover(Config())
        remover.learn(pages)
        return [[(c.start, c.end, c.reason, c.confidence) for c in remover.find(p)]
                for p in pages]

    ours = run()
    assert sum(map(len, ours)) > 1000  # the classifier had pages to judge
    assert ours == pure(run)


LINGUA = ROOT.parent / "shared" / "data" / "lingua-language-testdata" / "sentences"


def test_the_compiled_line_features_are_the_pure_features(pure):
    lines = {s.strip() for page in _pages(100) for s in page.split("\n") if s.strip()}
    for path in sorted(LINGUA.glob("*.txt"))[:40]:
        lines.update(s.strip() for s in path.read_text(encoding="utf-8").split("\n")[:100]
                     if s.strip())
    lines.update(["!", "x", "?", "1. item", "Home | Sport", "A,B,C", "ÀB", "政府表示新政策",
                  "www.x.com", "» Home", "- \t a", "WORLD NEWS", "Read more…"])
    analyses = [a for a in map(analyse, sorted(lines)) if a.s]
    ph = shipped_phrases()

    def feats():
        out = []
        for a in analyses:
            n = units(a.s)
            out.append(line_features(a.s, a.key, n, ends_sentence(a.s, n), a.kind >= SENTENCE,
                                     common_words(), ph))
        return out

    ours, theirs = feats(), pure(feats)
    assert len(ours) > 10000
    for a, x, y in zip(analyses, ours, theirs):
        assert x == y and list(map(type, x)) == list(map(type, y)), a.s


def _real_lines() -> list[str]:
    """Stripped lines of 100 whole pages and of lingua's sentences in 40 languages."""
    lines = {s for page in _pages(100) for s in _lines(page)[1]}
    for path in sorted(LINGUA.glob("*.txt"))[:40]:
        lines.update(s.strip() for s in path.read_text(encoding="utf-8").split("\n")[:100]
                     if s.strip())
    return sorted(lines)


def _variants(lines: list[str], rng: random.Random) -> list[str]:
    """Each line as a rule may see it: with a counter, a copyright sign, a credit, a
    "read more" or a menu around it, in capitals, cut short; and random strings of the
    characters the rules and the canonical form look at."""
    out = []
    for s in lines[::3]:
        out += [s + " 12", "\u00a9 " + s, s.upper(), "Read more: " + s, s[: len(s) // 3],
                "Photo: " + s[:40], s[:30] + " | " + s[30:60] + " | x", s + " \u2026", "  " + s,
                "\u2022 " + s, "\u200b\u00b7" + s[:20], s[:20] + " \u2014\u2014 " + s[20:],
                f"\u201c{s}\u201d", s.replace(" ", "\u00a0 ")]
    chars = list(" \t.,:;!?()|/>\u00bb\u203a\u00b7\u2022\u00a9\u2026-\u2014\u2013\"'\u201c\u201d"
                 "0123456789aZ\u00e9\u00df\u0130\u5e74\u6708\u65e5\u4e2d\ud55c\u0e44"
                 "\u200b\u00a0\x01_@#\uff11")
    out += ["".join(rng.choice(chars) for _ in range(rng.randint(0, 40))) for _ in range(5000)]
    return out


def test_the_compiled_analysis_is_the_pure_analysis():
    compiled = _speedups.analyse
    assert compiled is not None and analysis._COMPILED is compiled  # bound to rules.RULES
    lines = _real_lines()
    lines += _variants(lines, random.Random(3))
    assert len(lines) > 40000
    rules_hit = set()
    for s in lines:
        ours, theirs = compiled.analyse(s), analysis.analyse_pure(s)
        assert ours == theirs and type(ours) is type(theirs), s
        rules_hit.add(ours.rule)
        assert compiled.canonical(s) == keys.canonical(s), s
        assert compiled.normalize_key(s) == keys.normalize_key(s), s
        assert compiled.digest(s) == keys.digest(s), s
        n = units(s)
        assert compiled.units(s) == n and compiled.ends_sentence(s, n) == ends_sentence(s, n), s
    assert rules_hit >= set(rules.RULE_NAMES) | {None}  # every rule's dispatch was taken


def test_the_compiled_dispatch_follows_the_rule_table():
    assert tuple((r[0], *r[2:]) for r in rules.RULES) == _speedups.analyse.RULE_ORDER


def test_the_compiled_code_knows_every_character(pure):
    """Word count (the unspaced scripts), canonical form, key and shape, on each code
    point of the BMP and some of the next plane."""
    compiled = _speedups.analyse
    ph = shipped_phrases()
    codes = [*range(0x80, 0x10000), *range(0x10000, 0x20000, 17)]
    lines = [f"Ab {chr(code) * 2} 1_x" for code in codes]

    def feats():
        out = []
        for s in lines:
            a = analysis.analyse(s)
            n = units(a.s)
            out.append(line_features(a.s, a.key, n, ends_sentence(a.s, n), a.kind >= SENTENCE,
                                     common_words(), ph))
        return out

    for s in lines:
        assert compiled.units(s) == units(s), s
        assert compiled.analyse(s) == analysis.analyse_pure(s), s
    assert feats() == pure(feats)
