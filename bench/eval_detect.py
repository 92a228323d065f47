"""Evaluate mixed-language fragment detection and print the figures.

    .venv/bin/python bench/eval_detect.py                 # quality tables and speed
    .venv/bin/python bench/eval_detect.py --no-speed      # quality only
    .venv/bin/python bench/eval_detect.py --docs 150 --split dev

Data (read from ``<repo>/../shared/data``, never copied into the repo):

* English lines: sentences of ``lingua-language-testdata/sentences/en.txt`` and of the
  NTREX English news source, short Tatoeba English sentences, headlines (page titles of
  the English pages of the scrapinghub and trafilatura sets) and the English UI strings
  of ``ghost-theme-ui-strings`` (placeholders filled in); lingua's English word pairs are
  scored apart, as a stress test.
* Foreign lines: lingua sentences and word pairs in 16 languages (ru uk be bg de fr es it
  pt nl pl tr zh ja ko ar).
* Inline fragments: a foreign sentence in a non-Latin script put in the middle of an
  English sentence, on one line; scored by non-space characters.
* Speed: the whole visible text of the English scrapinghub pages (menus included).

Every document is ~25 English lines with 3 foreign sentences, 3 foreign word pairs and
one inline-fragment line at random places (seeded).  Items are split by line number:
``dev`` (even lines) was used to tune polyclean's few constants, ``test`` (odd lines,
the default) was not.

Methods, all in the same run: polyclean ``detect_document`` with the fastText backend
(the default) and with the langdetect backend; raw per-line langdetect (seeded, as
the baseline of the issue) and raw per-line fastText.  A per-line method flags a line
foreign when its label is not ``en``.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FOREIGN_LANGS = "ru uk be bg de fr es it pt nl pl tr zh ja ko ar".split()
NONLATIN_LANGS = "ru uk be bg zh ja ko ar".split()
EN_KINDS = ("en-sentence", "en-short", "en-headline", "en-ui")


# --- data ---------------------------------------------------------------------------
def _read_lines(path: Path) -> list[str]:
    return [x.strip() for x in path.read_text(encoding="utf-8").split("\n") if x.strip()]


def _split(items: list[str], split: str) -> list[str]:
    if split == "all":
        return items
    return items[0::2] if split == "dev" else items[1::2]


def _tsv_column(path: Path, name: str) -> list[str]:
    rows = path.read_text(encoding="utf-8").split("\n")
    head = rows[0].split("\t")
    k = head.index(name)
    return [r.split("\t")[k].strip() for r in rows[1:] if len(r.split("\t")) == len(head)]


_FILL = {
    "authors": "Jane Miller", "primaryAuthor": "Jane Miller", "name": "Jane Miller",
    "ghostlink": "Ghost", "siteTitle": "The Daily Ledger", "tiers": "Premium",
}


def _fill_placeholders(s: str, rng: random.Random) -> str:
    s = re.sub(r"\{(\w+)\}", lambda m: _FILL.get(m.group(1), str(rng.randint(2, 40))), s)
    return s.replace("%", str(rng.randint(2, 40))).strip()


def load_pools(split: str = "test") -> dict[str, list[str]]:
    """Item pools by kind: ``en-*`` English lines, ``sent:xx`` / ``pair:xx`` foreign."""
    if not DATA.is_dir():
        raise FileNotFoundError(f"shared data folder not found: {DATA}")
    lingua = DATA / "lingua-language-testdata"
    pools: dict[str, list[str]] = {}
    ntrex = _tsv_column(DATA / "ntrex128-newstest2019" / "ntrex_ru_en.tsv", "en")
    pools["en-sentence"] = _split(_read_lines(lingua / "sentences" / "en.txt"), split) + _split(
        ntrex, split
    )
    short: list[str] = []
    for fn in sorted((DATA / "tatoeba-laser-testset").glob("tatoeba_*_eng.tsv")):
        short += _tsv_column(fn, "eng")
    pools["en-short"] = _split(sorted(set(short)), split)
    heads: list[str] = []
    sh = DATA / "scrapinghub-article-extraction-benchmark"
    en_ids = {
        json.loads(r)["id"]
        for r in (sh / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(r)["lang_guess"] == "en"
    }
    for r in (sh / "fullpage_text_html-text.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(r)
        if d["id"] in en_ids:
            heads.append(d["text"].strip().split("\n")[0].strip())
    for r in (DATA / "trafilatura-eval-subset" / "annotations.jsonl").read_text(
        encoding="utf-8"
    ).splitlines():
        d = json.loads(r)
        if d.get("lang_guess") == "en" and d.get("title"):
            heads.append(d["title"].strip())
    pools["en-headline"] = _split([h for h in heads if h], split)
    ui: set[str] = set()
    ghost = DATA / "ghost-theme-ui-strings"
    ui.update(x for x in _tsv_column(ghost / "ui_strings.tsv", "english") if x)
    for fn in sorted((ghost / "source-theme-locales").glob("*.json")):
        if fn.name != "context.json":
            ui.update(json.loads(fn.read_text(encoding="utf-8")))
    rng = random.Random(7)
    filled = sorted({_fill_placeholders(u, rng) for u in sorted(ui)} - {""})
    pools["en-ui"] = _split(filled, split)
    pools["en-pair"] = _split(_read_lines(lingua / "word-pairs" / "en.txt"), split)
    for lang in FOREIGN_LANGS:
        pools[f"sent:{lang}"] = _split(_read_lines(lingua / "sentences" / f"{lang}.txt"), split)
        pools[f"pair:{lang}"] = _split(_read_lines(lingua / "word-pairs" / f"{lang}.txt"), split)
    return pools


@dataclass
class Line:
    start: int
    end: int
    kind: str  # en-*, sent, pair, inline
    lang: str  # gold language of the line (or of the inline fragment)
    frag: tuple[int, int] | None = None  # inline fragment span (document offsets)


@dataclass
class Doc:
    text: str
    lines: list[Line] = field(default_factory=list)


class _Cycler:
    """Draws items of one pool in a shuffled order, reshuffling when exhausted."""

    def __init__(self, items: list[str], rng: random.Random) -> None:
        self.items, self.rng, self.order = items, rng, []

    def __call__(self) -> str:
        if not self.order:
            self.order = list(self.items)
            self.rng.shuffle(self.order)
        return self.order.pop()


def build_docs(pools: dict[str, list[str]], n_docs: int, seed: int = 1) -> list[Doc]:
    """Mostly-English documents with foreign lines and inline fragments injected."""
    rng = random.Random(seed)
    draw = {k: _Cycler(v, rng) for k, v in pools.items()}
    long_en = [s for s in pools["en-sentence"] if len(s.split()) >= 8]
    draw["en-long"] = _Cycler(long_en, rng)
    mix = ["en-sentence"] * 11 + ["en-short"] * 5 + ["en-headline"] * 4 + ["en-ui"] * 5
    docs: list[Doc] = []
    k = 0
    for _ in range(n_docs):
        items: list[tuple[str, str, str]] = [(kind, "en", draw[kind]()) for kind in mix]
        items.append(("en-pair", "en", draw["en-pair"]()))
        for _ in range(3):
            lang = FOREIGN_LANGS[k % len(FOREIGN_LANGS)]
            lang2 = FOREIGN_LANGS[(k + 5) % len(FOREIGN_LANGS)]
            k += 1
            items.append(("sent", lang, draw[f"sent:{lang}"]()))
            items.append(("pair", lang2, draw[f"pair:{lang2}"]()))
        rng.shuffle(items)
        ilang = NONLATIN_LANGS[len(docs) % len(NONLATIN_LANGS)]
        items.insert(rng.randrange(len(items) + 1), ("inline", ilang, ""))
        text_parts: list[str] = []
        lines: list[Line] = []
        pos = 0
        for kind, lang, s in items:
            frag = None
            if kind == "inline":
                words = draw["en-long"]().split()
                cut = rng.randrange(3, len(words) - 2)
                head, tail = " ".join(words[:cut]) + " ", " " + " ".join(words[cut:])
                foreign = draw[f"sent:{lang}"]()
                s = head + foreign + tail
                frag = (pos + len(head), pos + len(head) + len(foreign))
            lines.append(Line(pos, pos + len(s), kind, lang, frag))
            text_parts.append(s)
            pos += len(s) + 1
        docs.append(Doc("\n".join(text_parts), lines))
    return docs


# --- methods ----------------------------------------------------------------------------
# A prediction for a document: (start, end, lang, foreign) spans.
Pred = list[tuple[int, int, str, bool]]


def polyclean_method(detector: str) -> Callable[[str], Pred]:
    from polyclean.config import Config
    from polyclean.detect import detect_document

    cfg = Config(detector=detector)

    def run(text: str) -> Pred:
        return [(s.start, s.end, s.lang or "", s.foreign)
                for s in detect_document(text, cfg).segments]

    return run


def langdetect_per_line() -> Callable[[str], Pred]:
    from langdetect import DetectorFactory, detect
    from langdetect.lang_detect_exception import LangDetectException

    DetectorFactory.seed = 0

    def label(line: str) -> str:
        try:
            return detect(line)
        except LangDetectException:
            return "en"

    return _per_line(label)


def fasttext_per_line() -> Callable[[str], Pred]:
    from polyclean.detect import get_backend

    model = get_backend("fasttext")._model

    def label(line: str) -> str:
        return model.predict(line, k=1)[0][0][9:]

    return _per_line(label)


def _per_line(label: Callable[[str], str]) -> Callable[[str], Pred]:
    def run(text: str) -> Pred:
        out: Pred = []
        pos = 0
        for line in text.split("\n"):
            if line.strip():
                lang = label(line)
                lang = {"zh-cn": "zh", "zh-tw": "zh", "no": "nb"}.get(lang, lang)
                out.append((pos, pos + len(line), lang, lang != "en"))
            pos += len(line) + 1
        return out

    return run


# --- scoring ---------------------------------------------------------------------------
def score(docs: list[Doc], preds: list[Pred]) -> dict:
    """Line-level recall / language accuracy / false alarms, inline character P/R."""
    from bisect import bisect_left

    m: dict = {"found": {}, "right": {}, "n": {}, "flagged": {}, "lang_n": {}}
    tp = fp = fn = 0
    for doc, pred in zip(docs, preds):
        starts = [p[0] for p in pred]
        for ln in doc.lines:
            i = bisect_left(starts, ln.start)
            segs = []
            while i < len(pred) and pred[i][0] < ln.end:
                segs.append(pred[i])
                i += 1
            foreign = [s for s in segs if s[3]]
            if ln.kind == "inline":
                gold = set(range(*ln.frag))
                got = {j for s in foreign for j in range(s[0], s[1])}
                text = doc.text
                gold = {j for j in gold if not text[j].isspace()}
                got = {j for j in got if not text[j].isspace() and ln.start <= j < ln.end}
                tp += len(gold & got)
                fp += len(got - gold)
                fn += len(gold - got)
                continue
            key = ln.kind if ln.kind.startswith("en") else f"{ln.kind}:{ln.lang}"
            m["n"][key] = m["n"].get(key, 0) + 1
            if ln.kind.startswith("en"):
                m["flagged"][key] = m["flagged"].get(key, 0) + bool(foreign)
                continue
            if foreign:
                m["found"][key] = m["found"].get(key, 0) + 1
                main = max(foreign, key=lambda s: s[1] - s[0])[2]
                m["right"][key] = m["right"].get(key, 0) + (main == ln.lang)
    m["inline_p"] = tp / (tp + fp) if tp + fp else 0.0
    m["inline_r"] = tp / (tp + fn) if tp + fn else 0.0
    return m


def summary(m: dict) -> dict[str, float]:
    """The headline figures of :func:`score`."""

    def agg(prefix: str) -> tuple[float, float]:
        n = sum(v for k, v in m["n"].items() if k.startswith(prefix))
        found = sum(v for k, v in m["found"].items() if k.startswith(prefix))
        right = sum(v for k, v in m["right"].items() if k.startswith(prefix))
        return found / n if n else 0.0, right / found if found else 0.0

    out: dict[str, float] = {}
    out["sent_recall"], out["sent_lang"] = agg("sent:")
    out["pair_recall"], out["pair_lang"] = agg("pair:")
    en_n = sum(m["n"].get(k, 0) for k in EN_KINDS)
    out["en_flagged"] = sum(m["flagged"].get(k, 0) for k in EN_KINDS) / en_n if en_n else 0.0
    for k in EN_KINDS + ("en-pair",):
        out[f"{k}_flagged"] = m["flagged"].get(k, 0) / m["n"][k] if m["n"].get(k) else 0.0
    out["inline_p"], out["inline_r"] = m["inline_p"], m["inline_r"]
    return out


def evaluate(docs: list[Doc], method: Callable[[str], Pred]) -> tuple[dict, float]:
    t = time.perf_counter()
    preds = [method(d.text) for d in docs]
    return score(docs, preds), time.perf_counter() - t


# --- speed -------------------------------------------------------------------------------
def english_pages() -> list[str]:
    sh = DATA / "scrapinghub-article-extraction-benchmark"
    en_ids = {
        json.loads(r)["id"]
        for r in (sh / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(r)["lang_guess"] == "en"
    }
    pages = []
    for r in (sh / "fullpage_text_html-text.jsonl").read_text(encoding="utf-8").splitlines():
        d = json.loads(r)
        if d["id"] in en_ids:
            pages.append(d["text"])
    return pages


def _best_seconds(fn: Callable[[str], object], texts: list[str], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        t = time.perf_counter()
        for x in texts:
            fn(x)
        best = min(best, time.perf_counter() - t)
    return best


def speed(sample_pages: int = 12, rounds: int = 3, load: float | None = None) -> None:
    """MB/s of detect_document beside ftfy.fix_text and per-line detectors, same run.

    Each figure is the best of ``rounds`` passes (the machine is shared); the segment
    decision cache is cleared before every pass of polyclean, so repeated menu lines
    of *other* pages still hit it but nothing is carried over between passes.
    """
    import ftfy

    from polyclean.config import Config
    from polyclean.detect import _decisions, detect_document

    pages = english_pages()
    sh = DATA / "scrapinghub-article-extraction-benchmark"
    bodies = [
        json.loads(r)["articleBody"]
        for r in (sh / "ground_truth.jsonl").read_text(encoding="utf-8").splitlines()
        if json.loads(r)["lang_guess"] == "en"
    ]
    cfg = Config()
    t = time.perf_counter()
    detect_document("Warm up the models, load the word lists.\nЗаголовок", cfg)
    if load is None:
        load = time.perf_counter() - t

    def ours(x: str) -> object:
        return detect_document(x, cfg)

    def mb(texts: list[str]) -> float:
        return sum(len(x.encode("utf-8")) for x in texts) / 1e6

    print(f"\nSpeed, best of {rounds} passes; first call (model + word lists) {load:.2f} s")
    print(f"{'':44}{'MB/s':>8}{'x ftfy':>9}")
    for name, texts in [("English full pages (menus included)", pages),
                        ("English article bodies", bodies)]:
        size = mb(texts)
        t_fix = _best_seconds(ftfy.fix_text, texts, rounds)
        t_ours = float("inf")
        for _ in range(rounds):
            _decisions.clear()
            t_ours = min(t_ours, _best_seconds(ours, texts, 1))
        print(f"{name} ({size:.2f} MB, {len(texts)} docs)")
        print(f"  {'polyclean detect_document':42}{size / t_ours:8.2f}{t_fix / t_ours:9.2f}")
        print(f"  {'ftfy.fix_text (reference)':42}{size / t_fix:8.2f}{1.0:9.2f}")
    sample = pages[:sample_pages]
    size = mb(sample)
    ld = langdetect_per_line()
    ft = fasttext_per_line()
    _decisions.clear()
    t_ours = _best_seconds(ours, sample, 1)
    t_ft = _best_seconds(ft, sample, rounds)
    t_ld = _best_seconds(ld, sample, 1)
    print(f"First {len(sample)} full pages ({size:.2f} MB), same run:")
    print(f"  {'polyclean detect_document':42}{size / t_ours:8.2f}")
    print(f"  {'raw per-line fastText':42}{size / t_ft:8.2f}")
    print(f"  {'raw per-line langdetect (seeded)':42}{size / t_ld:8.3f}")
    print(f"  speed-up over per-line langdetect: {t_ld / t_ours:.0f}x")


def real_pages(show: bool = False) -> None:
    """Segments flagged foreign on the real English full pages (unlabelled: the
    non-Latin ones are mostly genuine language-menu entries, the Latin ones mostly
    false alarms; ``--show`` lists them)."""
    from collections import Counter

    from polyclean.config import Config
    from polyclean.detect import detect_document

    cfg = Config()
    n = 0
    flagged: Counter = Counter()
    listed = []
    for page in english_pages():
        for s in detect_document(page, cfg).segments:
            n += 1
            if s.foreign:
                flagged[s.script] += 1
                listed.append(f"    {s.script:9} {s.lang:3} {s.confidence:.2f}  {s.text[:70]!r}")
    print(f"\nReal English pages (scrapinghub full text, unlabelled): {sum(flagged.values())} of "
          f"{n} segments flagged foreign; by script: {dict(sorted(flagged.items()))}")
    if show:
        print("\n".join(listed))


# --- report ---------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=300, help="documents built (default 300)")
    ap.add_argument("--split", choices=("test", "dev", "all"), default="test")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--no-baseline", action="store_true", help="skip per-line langdetect")
    ap.add_argument("--show", action="store_true", help="list the flagged real-page segments")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 2
    pools = load_pools(args.split)
    docs = build_docs(pools, args.docs, args.seed)
    n_lines = sum(len(d.lines) for d in docs)
    size = sum(len(d.text.encode("utf-8")) for d in docs)
    print(f"{len(docs)} documents, {n_lines} lines, {size / 1e6:.2f} MB, split={args.split}")
    methods: list[tuple[str, Callable[[str], Pred]]] = [
        ("polyclean", polyclean_method("auto")),
        ("polyclean[ld]", polyclean_method("langdetect")),
        ("fastText/line", fasttext_per_line()),
    ]
    if not args.no_baseline:
        methods.append(("langdetect/line", langdetect_per_line()))
    t = time.perf_counter()
    polyclean_method("auto")("warm up\nЗаголовок")
    load = time.perf_counter() - t
    results = []
    for name, fn in methods:
        m, secs = evaluate(docs, fn)
        results.append((name, m, summary(m), secs))
    rows = [
        ("foreign sentences found (recall)", "sent_recall", ">= 0.99"),
        ("  language right, of those found", "sent_lang", ">= 0.98"),
        ("foreign word pairs found (recall)", "pair_recall", ">= 0.95"),
        ("  language right, of those found", "pair_lang", ">= 0.93"),
        ("English lines flagged foreign", "en_flagged", "<= 0.005"),
        ("  sentences (lingua, NTREX)", "en-sentence_flagged", ""),
        ("  short sentences (Tatoeba)", "en-short_flagged", ""),
        ("  headlines", "en-headline_flagged", ""),
        ("  UI strings (Ghost)", "en-ui_flagged", ""),
        ("English word pairs flagged (stress)", "en-pair_flagged", ""),
        ("inline fragments: char precision", "inline_p", ">= 0.95"),
        ("inline fragments: char recall", "inline_r", ">= 0.95"),
    ]
    w = 16
    print(f"\n{'':38}" + "".join(f"{r[0]:>{w}}" for r in results) + f"{'target':>10}")
    for label, key, target in rows:
        print(f"{label:38}" + "".join(f"{r[2][key]:>{w}.4f}" for r in results) + f"{target:>10}")
    print(f"{'seconds':38}" + "".join(f"{r[3]:>{w}.2f}" for r in results))
    print("\nPer language: recall / language right (sentences | word pairs)")
    print(f"{'':6}" + "".join(f"{r[0]:>28}" for r in results))
    for lang in FOREIGN_LANGS:
        cells = []
        for _, m, _, _ in results:
            c = []
            for kind in ("sent", "pair"):
                key = f"{kind}:{lang}"
                n, found = m["n"].get(key, 0), m["found"].get(key, 0)
                right = m["right"].get(key, 0)
                c.append(f"{found / n if n else 0:.2f}/{right / found if found else 0:.2f}")
            cells.append(" | ".join(c))
        print(f"{lang:6}" + "".join(f"{c:>28}" for c in cells))
    real_pages(args.show)
    if not args.no_speed:
        speed(load=load)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
