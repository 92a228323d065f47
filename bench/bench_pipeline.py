"""Throughput of the whole pipeline against ftfy, each stage alone, cold start and memory.

    .venv/bin/python bench/bench_pipeline.py            # everything (about 2-3 minutes)
    .venv/bin/python bench/bench_pipeline.py --quick    # a smaller corpus, no 100k-doc run

Corpus (deterministic, built from ../shared/data): the 100 scrapinghub full-page texts
with WMT22 Russian lines, lingua sentences of other languages and mojibake lines
(UTF-8 read as cp1252, cp1251 read as cp1252) injected into some of them, plus
whole documents of lingua sentences in 14 languages, WMT22 Russian documents and
whole-page mojibake.  It is split in two disjoint halves (different pages, different
sentences): every measurement first runs on the warm-up half, then is timed on the
measured half.  Per-text caches of the stages are emptied before each measurement,
so no timed text was seen before; repeats *inside* the measured half (menus and
footers of one site) still hit them, as in production.

Figures are MB/s of UTF-8 input in CPU seconds of this process (``time.process_time``:
less sensitive than wall time to the other processes on a shared machine).  Ratios are
against ``ftfy.fix_text`` on the same documents, timed in alternation with it 25
documents at a time (so a busy moment slows both), median of the rounds.
Cold start: a fresh interpreter imports polyclean and cleans one document (wall time).
Memory: a fresh interpreter cleans N short documents of distinct text (random word
sequences) in batches of 256 and prints its RSS after 10k and after 100k documents.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--child-throughput" not in sys.argv:  # a child imports the tree on its PYTHONPATH
    sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
LINGUA_LANGS = "de fr es it pt nl pl tr uk bg zh ja ko ar".split()


# --- corpus ----------------------------------------------------------------------------------
def _require() -> None:
    need = [DATA / "scrapinghub-article-extraction-benchmark" / "fullpage_text_html-text.jsonl",
            DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv",
            DATA / "lingua-language-testdata" / "sentences"]
    missing = [str(p) for p in need if not p.exists()]
    if missing:
        sys.exit(f"bench_pipeline: shared data not found: {', '.join(missing)}")


def _sloppy(text: str, enc: str, dec: str) -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    return text.encode(enc, "replace").decode(dec, "replace")


def _mojibake(rng: random.Random, en: list[str], ru: list[str]) -> str:
    k = rng.random()
    if k < 0.4:
        return _sloppy(rng.choice(en).replace("'", "\u2019"), "utf-8", "sloppy-windows-1252")
    if k < 0.7:
        return _sloppy(rng.choice(ru), "utf-8", "sloppy-windows-1252")
    return _sloppy(rng.choice(ru), "cp1251", "sloppy-windows-1252")


def build_corpus(quick: bool = False) -> tuple[list[str], list[str]]:
    """(warm-up documents, measured documents): disjoint pages and sentences."""
    _require()
    pages = [json.loads(line)["text"] for line in open(
        DATA / "scrapinghub-article-extraction-benchmark" / "fullpage_text_html-text.jsonl",
        encoding="utf-8")]
    rows = [line.split("\t") for line in (DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv")
            .read_text("utf-8").split("\n")[1:] if line]
    wmt_docs: dict[str, list[str]] = {}
    for r in rows:
        wmt_docs.setdefault(r[1], []).append(r[4])
    lingua = {lang: (DATA / "lingua-language-testdata" / "sentences" / f"{lang}.txt")
              .read_text("utf-8").splitlines() for lang in LINGUA_LANGS + ["en"]}
    if quick:
        pages = pages[:40]
    halves: list[list[str]] = []
    for half in (0, 1):
        rng = random.Random(20240 + half)
        ru = [r[4] for r in rows[half::2]]
        pools = {lang: lines[half::2] for lang, lines in lingua.items()}
        docs = []
        for page in pages[half::2]:
            lines = page.split("\n")
            for _ in range(rng.choice((0, 0, 1, 2, 3))):  # Russian lines
                lines.insert(rng.randrange(len(lines) + 1), rng.choice(ru))
            if rng.random() < 0.3:  # a sentence of another language
                lang = rng.choice(LINGUA_LANGS)
                lines.insert(rng.randrange(len(lines) + 1), rng.choice(pools[lang]))
            if rng.random() < 0.25:  # mojibake lines
                for _ in range(rng.randint(1, 3)):
                    lines.insert(rng.randrange(len(lines) + 1), _mojibake(rng, pools["en"], ru))
            docs.append("\n".join(lines))
        per_lang = 1 if quick else 2
        for lang in LINGUA_LANGS:  # whole documents in other languages
            for _ in range(per_lang):
                docs.append("\n".join(rng.sample(pools[lang], rng.randint(8, 20))))
        ids = sorted(wmt_docs)[half::2][: 3 if quick else 8]
        docs.extend("\n".join(wmt_docs[i]) for i in ids)
        docs.append(_sloppy(pages[-1 - half], "utf-8", "sloppy-windows-1252"))  # whole page
        rng.shuffle(docs)
        halves.append(docs)
    return halves[0], halves[1]


def mb(docs: list[str]) -> float:
    return sum(len(d.encode("utf-8")) for d in docs) / 1e6


# --- measuring -------------------------------------------------------------------------------
def clear_caches() -> None:
    """Empty the stages' per-text memos (not the models or word lists)."""
    try:
        from polyclean import memo
    except ImportError:  # a base commit from before polyclean/memo.py
        for modname in ("polyclean.detect", "polyclean.boilerplate"):
            mod = sys.modules.get(modname)
            for name in ("_decisions", "_LINE_CACHE"):
                if mod is not None and hasattr(getattr(mod, name, None), "clear"):
                    getattr(mod, name).clear()
        return
    memo.clear_all()


CHUNK = 25  # documents per timed step (and per clean_batch call)


def paired(fn, base, warm: list[str], docs: list[str], raw: list[str],
           caches: bool = True) -> tuple[float, float]:
    """CPU seconds of ``fn`` on ``docs`` and of ``base`` (ftfy) on the same documents
    ``raw``, after ``fn`` ran on ``warm`` (per-text caches emptied first).  The two are
    timed in alternation, CHUNK documents at a time, so that a busy moment on a shared
    machine slows both alike and their ratio holds."""
    if caches:
        clear_caches()
    for i in range(0, len(warm), CHUNK):
        fn(warm[i:i + CHUNK])
    gc.collect()
    t_fn = t_base = 0.0
    clock = time.process_time
    for i in range(0, len(docs), CHUNK):
        a = clock()
        base(raw[i:i + CHUNK])
        b = clock()
        fn(docs[i:i + CHUNK])
        t_base += b - a
        t_fn += clock() - b
    return t_base, t_fn


def run_throughput(warm: list[str], docs: list[str], rounds: int,
                   quiet: bool = False) -> dict[str, float]:
    """Whole-clean throughput against ``ftfy.fix_text`` on the same documents, and each
    stage's share of the whole clean (from the Cleaner's own per-stage timings)."""
    import ftfy

    from polyclean import Cleaner

    say = (lambda *a, **k: None) if quiet else print
    size = mb(docs)
    say(f"corpus: warm-up {len(warm)} docs {mb(warm):.2f} MB, measured {len(docs)} docs "
        f"{size:.2f} MB; {rounds} rounds")

    def each(f):
        return lambda ds: [f(d) for d in ds]

    cleaner = Cleaner(translate=False)
    fix_text = each(ftfy.fix_text)
    batch_name = f"Cleaner(translate=False).clean_batch, {CHUNK}/batch"
    runs = [
        ("ftfy.fix_encoding", each(ftfy.fix_encoding), False),
        (batch_name, cleaner.clean_batch, True),
        ("Cleaner(translate=False).clean, one by one", each(cleaner.clean), True),
    ]
    ratios: dict[str, list[float]] = {name: [] for name, *_ in runs}
    best = {name: float("inf") for name, *_ in runs}
    best_base = float("inf")
    shares: dict[str, list[float]] = {}
    for _ in range(rounds):
        for name, fn, caches in runs:
            timings = getattr(cleaner, "timings", {})  # a base commit may have none
            timings.clear()
            t_base, t_fn = paired(fn, fix_text, warm, docs, docs, caches)
            ratios[name].append(t_base / t_fn)
            best[name] = min(best[name], t_fn)
            best_base = min(best_base, t_base)
            if name == batch_name:  # the stages' shares of the measured half only
                total = sum(timings.values()) or 1.0
                for stage, secs in timings.items():
                    shares.setdefault(stage, []).append(secs / total)
    say("throughput (CPU time, best round; ratio: ftfy.fix_text time / its time on the same "
        "documents, timed in alternation, median of the rounds)")
    say(f"  {'ftfy.fix_text':<48} {size / best_base:7.2f} MB/s    1.00x")
    out = {"ftfy.fix_text": size / best_base}
    for name, *_ in runs:
        med = sorted(ratios[name])[len(ratios[name]) // 2]
        out[name] = med
        say(f"  {name:<48} {size / best[name]:7.2f} MB/s  {med:6.2f}x  "
            f"(rounds: {' '.join(f'{r:.2f}' for r in ratios[name])})")
    whole = out[batch_name]
    for stage, vals in shares.items():
        share = sorted(vals)[len(vals) // 2]
        out[f"stage {stage}"] = whole / share if share else float("inf")
        say(f"  stage {stage:<42} {share:6.1%} of the clean  ->  {whole / share if share else 0:6.2f}x "
            "ftfy alone")
    say(f"  RATIO whole clean_batch / ftfy.fix_text: {whole:.2f}x; "
        f"clean one by one: {out[runs[2][0]]:.2f}x (target >= 1.0x)")
    return out


def run_against_base(base: str, quick: bool, rounds: int) -> None:
    """The whole clean of this tree and of ``base`` (a git worktree), in alternating
    fresh processes on the same corpus; each process times itself against ftfy."""
    sys.path.insert(0, str(ROOT / "bench"))
    from compare_base import drop_worktree, worktree

    with tempfile.TemporaryDirectory(prefix="polyclean-bench-base-") as tmp:
        tree = worktree(base, Path(tmp) / "base")
        try:
            got: dict[str, list[float]] = {"base": [], "now": []}
            for r in range(rounds):
                for which, root in (("base", tree), ("now", ROOT)) if r % 2 == 0 else \
                        (("now", ROOT), ("base", tree)):
                    cmd = [sys.executable, str(ROOT / "bench" / "bench_pipeline.py"),
                           "--child-throughput"] + (["--quick"] if quick else [])
                    env = dict(os.environ, PYTHONPATH=str(root))
                    done = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                          check=True)
                    got[which].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"whole clean_batch vs ftfy.fix_text, base {base} against this tree, "
                  f"{rounds} alternating fresh processes:")
            for which in ("base", "now"):
                vals = sorted(got[which])
                print(f"  {which:5s} median {vals[len(vals) // 2]:.2f}x  "
                      f"(range {vals[0]:.2f}-{vals[-1]:.2f})")
            b = sorted(got["base"])[rounds // 2]
            n = sorted(got["now"])[rounds // 2]
            print(f"  RATIO now / base: {n / b:.2f}")
        finally:
            drop_worktree(tree)


# --- cold start ------------------------------------------------------------------------------
_COLD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from polyclean import Cleaner
t1 = time.perf_counter()
docs = json.loads(sys.stdin.read())
res = Cleaner(translate=False).clean_batch(docs)
t2 = time.perf_counter()
print(json.dumps({{"import": t1 - t0, "first": t2 - t1,
                  "maxrss": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024}}))
"""


def run_cold(docs: dict[str, list[str]]) -> None:
    print("cold start (fresh interpreter: import polyclean, then the first batch; wall time)")
    for name, doc in docs.items():
        out = subprocess.run([sys.executable, "-c", _COLD.format(root=str(ROOT))],
                             input=json.dumps(doc), capture_output=True, text=True, check=True)
        d = json.loads(out.stdout)
        print(f"  {name:<40} import {d['import']:5.2f} s + first batch {d['first']:5.2f} s"
              f"  (peak RSS {d['maxrss'] / 1e6:4.0f} MB)")


# --- memory ----------------------------------------------------------------------------------
_MEMORY = r"""
import json, random, resource, sys, time
sys.path.insert(0, {root!r})
from polyclean import Cleaner
words = json.load(open({words!r}, encoding="utf-8"))
checkpoints = {checkpoints!r}
def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * 4096
def docs(n):
    rng = random.Random(7)
    for i in range(n):
        lines = []
        for _ in range(rng.randint(1, 3)):
            lang = rng.choice(("en", "en", "en", "ru", "de", "fr"))
            w = rng.sample(words[lang], rng.randint(1, 12))
            if rng.random() < 0.5:
                w[0] = w[0].capitalize()
            lines.append(" ".join(w) + rng.choice((".", "", "", "!")))
        yield "\n".join(lines)
t0 = time.perf_counter()
for i, _ in enumerate(Cleaner(translate=False).iter_clean(docs(checkpoints[-1]), 256), 1):
    if i in checkpoints:
        print(i, rss(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
              time.perf_counter() - t0, flush=True)
"""


def run_memory(checkpoints: list[int]) -> None:
    pools: dict[str, list[str]] = {}
    for lang in ("en", "de", "fr"):
        text = (DATA / "lingua-language-testdata" / "sentences" / f"{lang}.txt").read_text("utf-8")
        pools[lang] = sorted({w.strip(".,;:!?\"'()").lower() for w in text.split()} - {""})
    ru = (DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv").read_text("utf-8")
    pools["ru"] = sorted({w.strip(".,;:!?\"'()«»").lower()
                         for line in ru.split("\n")[1:] if line for w in line.split("\t")[4].split()}
                         - {""})
    print("memory (fresh interpreter; documents of distinct random word sequences, batches "
          "of 256)")
    with tempfile.NamedTemporaryFile("w", suffix=".json", encoding="utf-8") as fh:
        json.dump(pools, fh, ensure_ascii=False)
        fh.flush()
        proc = subprocess.Popen(
            [sys.executable, "-c", _MEMORY.format(root=str(ROOT), words=fh.name,
                                                  checkpoints=checkpoints)],
            stdout=subprocess.PIPE, text=True)
        seen = []
        for line in proc.stdout:
            n, rss, peak, secs = line.split()
            seen.append((int(n), int(rss), int(peak)))
            print(f"  after {int(n):>7,} docs: RSS {int(rss) / 1e6:5.0f} MB, peak RSS "
                  f"{int(peak) / 1e6:5.0f} MB  ({float(secs):5.1f} s)")
        proc.wait()
    if len(seen) >= 2:
        print(f"  peak after {seen[-1][0]:,} / after {seen[0][0]:,} docs: "
              f"{seen[-1][2] / seen[0][2]:.2f} (flat is 1.00)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="smaller corpus, short memory run")
    ap.add_argument("--rounds", type=int, default=None,
                    help="timed rounds per measurement: median ratio, best MB/s (default 5, "
                         "--quick 3)")
    ap.add_argument("--skip", default="", help="comma-separated: throughput,cold,memory")
    ap.add_argument("--base", metavar="SHA",
                    help="compare the whole clean with this commit's (alternating processes)")
    ap.add_argument("--child-throughput", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child_throughput:
        warm, docs = build_corpus(args.quick)
        out = run_throughput(warm, docs, 1, quiet=True)
        print(out[f"Cleaner(translate=False).clean_batch, {CHUNK}/batch"])
        return
    if args.base:
        run_against_base(args.base, args.quick, args.rounds or 5)
        return
    skip = set(filter(None, args.skip.split(",")))
    if args.rounds is None:
        args.rounds = 3 if args.quick else 5
    warm, docs = build_corpus(args.quick)
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if "cold" not in skip:
        english = max((d for d in docs if d.isascii()), key=len, default=docs[0])
        lingua = DATA / "lingua-language-testdata" / "sentences"
        langs = "de fr es ru uk pt it".split()
        others = ["\n".join((lingua / f"{lang}.txt").read_text("utf-8").splitlines()[:10])
                  for lang in langs]
        run_cold({"one English page": [english],
                  f"8 documents: en {' '.join(langs)}": [english] + others})
    if "throughput" not in skip:
        run_throughput(warm, docs, args.rounds)
    if "memory" not in skip:
        run_memory([2_000, 10_000] if args.quick else [10_000, 100_000])


if __name__ == "__main__":
    main()
