"""First-pass throughput of the whole clean against ftfy, by stage; cold start; memory.

    .venv/bin/python bench/bench_pipeline.py             # everything (about 5 minutes)
    .venv/bin/python bench/bench_pipeline.py --quick     # 3 rounds of 0.3 MB, short memory run
    .venv/bin/python bench/bench_pipeline.py --base SHA  # this tree against a commit
    .venv/bin/python bench/bench_pipeline.py --skip cold,memory --naive-mb 0.05

Corpora (``bench/corpora.py``, deterministic, built from ../shared/data): English news
pages with their furniture, multilingual documents in 16 languages, and a mixed corpus
of pages with foreign lines, mojibake and legacy-encoded windows.  Every round is new
text (no sentence or page body of one round occurs in another) and every per-text memo
is emptied before it, so each round is a *first pass*; the detector, the word lists and
decoding's models (chardet's, loaded by a few legacy-encoded documents) are loaded once
beforehand and that load is reported on its own line.  With ``--base`` the base commit's
compiled helpers are built in its worktree first.

Figures are MB/s of UTF-8 input in CPU seconds of this process (``time.process_time``:
less sensitive than wall time to other processes).  Ratios are against
``ftfy.fix_text`` on the same documents, timed in alternation with it, 25 documents at a
time (so a busy moment slows both), as medians with the range over the rounds.  The
share of each stage comes from the Cleaner's own per-stage timings.
Cold start: a fresh interpreter imports polyclean and cleans one document (wall time).
Memory: a fresh interpreter cleans N short documents of distinct text (random word
sequences) in batches of 256 and prints its RSS after 10k and after 100k documents.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if "--child-throughput" not in sys.argv:  # a child imports the tree on its PYTHONPATH
    sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))
DATA = ROOT.parent / "shared" / "data"


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


def _rss() -> int:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def load_models(quiet: bool = False) -> None:
    """Load what a first document of each language loads (detector, word lists) and
    say what it cost: the one-time model load, kept out of the first-pass figures."""
    from polyclean import Cleaner

    langs = sorted(p.stem for p in (DATA / "lingua-language-testdata" / "sentences").glob("*.txt"))
    docs = [(DATA / "lingua-language-testdata" / "sentences" / f"{lang}.txt")
            .read_text("utf-8").splitlines()[-1] for lang in langs]
    rss, t0 = _rss(), time.perf_counter()
    try:  # the packed word tables (built once per machine, then memory-mapped)
        from polyclean.detect import store

        store.build_all()
    except ImportError:  # a base commit from before them
        pass
    # legacy-encoded bytes too: decoding loads chardet's models and the codecs on first use
    by_lang = dict(zip(langs, docs))
    legacy = [by_lang[lang].encode(codec, "replace") for lang, codec in
              (("zh", "gb2312"), ("ru", "cp1251"), ("fr", "cp1252"), ("el", "iso8859_7"))
              if lang in by_lang]
    Cleaner(translate=False).clean_batch(docs + legacy)
    if not quiet:
        print(f"model load (one document in each of {len(langs)} languages, once per process): "
              f"{time.perf_counter() - t0:.2f} s, +{(_rss() - rss) / 1e6:.0f} MB RSS")


def first_pass(rounds_of, quiet: bool = False) -> dict[str, dict[str, list[float]]]:
    """Whole clean (translation off) against ``ftfy.fix_text`` on every corpus: each
    round is new text, every memo emptied before it; ftfy and polyclean alternate
    CHUNK documents at a time; CPU time of this process."""
    import ftfy

    from polyclean import Cleaner

    say = (lambda *a, **k: None) if quiet else print
    clock = time.process_time
    out: dict[str, dict[str, list[float]]] = {}
    for name, rounds in rounds_of.items():
        ratios, speeds, shares = [], [], {}
        for rnd in rounds:
            clear_caches()
            cleaner = Cleaner(translate=False)
            timings = getattr(cleaner, "timings", {})  # a base commit may have none
            gc.collect()
            t_ftfy = t_pc = 0.0
            for i in range(0, len(rnd.docs), CHUNK):
                a = clock()
                for t in rnd.truth[i:i + CHUNK]:
                    ftfy.fix_text(t)
                b = clock()
                cleaner.clean_batch(rnd.docs[i:i + CHUNK])
                t_ftfy += b - a
                t_pc += clock() - b
            ratios.append(t_ftfy / t_pc)
            speeds.append(rnd.mb / t_pc)
            total = sum(timings.values()) or 1.0
            for stage, secs in timings.items():
                shares.setdefault(stage, []).append(secs / total)
        out[name] = {"ratio": ratios, "mbps": speeds,
                     **{f"share {k}": v for k, v in shares.items()}}
        med = sorted(ratios)[len(ratios) // 2]
        say(f"  {name:<13} polyclean {_med(speeds):5.2f} MB/s  = {med:5.2f}x ftfy.fix_text "
            f"(range {min(ratios):.2f}-{max(ratios):.2f} over {len(ratios)} rounds of "
            f"{_med([r.mb for r in rounds]):.1f} MB)")
        parts = ", ".join(f"{k} {_med(v):.0%}" for k, v in shares.items())
        say(f"  {'':<13} time by stage: {parts}")
    return out


def _med(xs: list[float]) -> float:
    xs = sorted(xs)
    return xs[len(xs) // 2] if xs else 0.0


def build_rounds(rounds: int, mb_per_round: float) -> dict:
    import corpora

    corpora.require()
    return {name: build(rounds, mb_per_round) for name, build in corpora.CORPORA.items()}


def naive_speed(texts: list[str]) -> float:
    """MB/s (CPU time) of the naive composition of the four named packages on
    ``texts``, translation off: ``bench_e2e.py``'s ``naive_clean``."""
    from bench_e2e import naive_clean
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    detect("The council met on Tuesday.")  # profiles load once, outside the timing
    naive_clean("Warm-up.")
    a = time.process_time()
    for text in texts:
        naive_clean(text)
    return sum(len(t.encode("utf-8")) for t in texts) / 1e6 / (time.process_time() - a)


def run_naive(rounds_of: dict, speeds: dict, naive_mb: float) -> None:
    """polyclean's first-pass MB/s over each whole round against the naive composition's
    on the round's first documents (up to ``naive_mb``: it is about 200 times slower)."""
    print(f"against the naive composition (ftfy + seeded langdetect per line + unidecode) on "
          f"the first {naive_mb} MB of each round; target >= 100x")
    for name, rounds in rounds_of.items():
        ratios = []
        for rnd, pc in zip(rounds, speeds[name]["mbps"]):
            texts, size = [], 0
            for t in rnd.truth:
                if texts and size + len(t.encode("utf-8")) > naive_mb * 1e6:
                    break
                texts.append(t)
                size += len(t.encode("utf-8"))
            ratios.append(pc / naive_speed(texts))
        print(f"  {name:<13} polyclean = {_med(ratios):6.0f}x the naive composition "
              f"(range {min(ratios):.0f}-{max(ratios):.0f} over {len(ratios)} rounds)")


def run_throughput(rounds: int, mb_per_round: float, naive_mb: float = 0.0) -> dict:
    rounds_of = build_rounds(rounds, mb_per_round)
    print("first pass, translation off (CPU time; new text every round, memos emptied; "
          "ratio = ftfy.fix_text time / polyclean time on the same documents, median and "
          "range over the rounds; target >= 2x)")
    load_models()
    out = first_pass(rounds_of)
    if naive_mb > 0:
        run_naive(rounds_of, out, naive_mb)
    return out


def _build_helpers(tree: Path) -> None:
    """The compiled helpers of a checked-out base commit, built in place (as ``pip
    install -e .`` builds them), so that compiled code is timed against compiled code."""
    if (tree / "setup.py").is_file():
        done = subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "--inplace"],
                              cwd=tree, capture_output=True, text=True)
        built = sorted(p.name for p in tree.glob("polyclean/_speedups/*.so"))
        print(f"  base helpers built: {', '.join(built) or 'none'} (exit {done.returncode})")


def run_against_base(base: str, mb: float, rounds: int) -> None:
    """The whole clean of this tree and of ``base`` (a git worktree), in alternating
    fresh processes on the same corpus; each process times itself against ftfy."""
    sys.path.insert(0, str(ROOT / "bench"))
    from compare_base import drop_worktree, worktree

    with tempfile.TemporaryDirectory(prefix="polyclean-bench-base-") as tmp:
        tree = worktree(base, Path(tmp) / "base")
        try:
            _build_helpers(tree)
            got: dict[str, list[dict]] = {"base": [], "now": []}
            for r in range(rounds):
                for which, root in (("base", tree), ("now", ROOT)) if r % 2 == 0 else \
                        (("now", ROOT), ("base", tree)):
                    cmd = [sys.executable, str(ROOT / "bench" / "bench_pipeline.py"),
                           "--child-throughput", "--mb", str(mb)]
                    env = dict(os.environ, PYTHONPATH=str(root))
                    done = subprocess.run(cmd, env=env, capture_output=True, text=True,
                                          check=True)
                    got[which].append(json.loads(done.stdout.strip().splitlines()[-1]))
                    print(f"  round {r + 1} {which}: {got[which][-1]}", flush=True)
            print(f"first-pass whole clean vs ftfy.fix_text, base {base} against this tree, "
                  f"{rounds} alternating fresh processes (one round of {mb} MB each):")
            for corpus in got["now"][0]:
                line = []
                for which in ("base", "now"):
                    vals = sorted(g[corpus] for g in got[which])
                    line.append(f"{which} {_med(vals):.2f}x ({vals[0]:.2f}-{vals[-1]:.2f})")
                n = _med([g[corpus] for g in got["now"]])
                b = _med([g[corpus] for g in got["base"]])
                print(f"  {corpus:<13} {'   '.join(line)}   now/base {n / b:.2f}")
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
    ap.add_argument("--mb", type=float, default=None,
                    help="MB of new text per round and corpus (default 1.0, --quick 0.3)")
    ap.add_argument("--base", metavar="SHA",
                    help="compare the whole clean with this commit's (alternating processes)")
    ap.add_argument("--naive-mb", type=float, default=0.05,
                    help="MB of each round also run through the naive composition "
                         "(0: skip; default 0.05)")
    ap.add_argument("--child-throughput", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rounds is None:
        args.rounds = 3 if args.quick else 5
    if args.mb is None:
        args.mb = 0.3 if args.quick else 1.0
    if args.child_throughput:
        rounds_of = build_rounds(1, args.mb)
        load_models(quiet=True)
        out = first_pass(rounds_of, quiet=True)
        print(json.dumps({k: v["ratio"][0] for k, v in out.items()}))
        return
    if args.base:
        run_against_base(args.base, args.mb, args.rounds)
        return
    skip = set(filter(None, args.skip.split(",")))
    print(f"load average: {', '.join(f'{x:.1f}' for x in os.getloadavg())}")
    if "cold" not in skip:
        import corpora

        english = max(corpora.english(1, 0.2)[0].docs, key=len)
        lingua = DATA / "lingua-language-testdata" / "sentences"
        langs = "de fr es ru uk pt it".split()
        others = ["\n".join((lingua / f"{lang}.txt").read_text("utf-8").splitlines()[:10])
                  for lang in langs]
        run_cold({"one English page": [english],
                  f"8 documents: en {' '.join(langs)}": [english] + others})
    if "throughput" not in skip:
        run_throughput(args.rounds, args.mb, args.naive_mb)
    if "memory" not in skip:
        run_memory([2_000, 10_000] if args.quick else [10_000, 100_000])


if __name__ == "__main__":
    main()
