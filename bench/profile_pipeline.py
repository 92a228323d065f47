"""Where the first pass spends its time: cProfile of the whole clean (translation off) on
one round of each of ``bench_pipeline.py``'s corpora, models loaded beforehand and every
memo emptied (the same first pass the benchmark times).

    .venv/bin/python bench/profile_pipeline.py                 # 0.3 MB per corpus, top 25
    .venv/bin/python bench/profile_pipeline.py --mb 1 --top 40 --corpus multilingual
    .venv/bin/python bench/profile_pipeline.py --sort cumulative

Prints, per corpus, the stage timings (the Cleaner's own, with the profiler's overhead)
and the functions with the most own time ("tottime"), as the ``Profile`` section of
``bench/RESULTS.md`` reports them.  cProfile slows Python-level code more than compiled
code, so the shares are indicative; the speed figures come from ``bench_pipeline.py``.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

from bench_pipeline import build_rounds, clear_caches, load_models  # noqa: E402


def profile_corpus(name: str, rnd, top: int, sort: str) -> None:
    from polyclean import Cleaner

    clear_caches()
    cleaner = Cleaner(translate=False)
    gc.collect()
    prof = cProfile.Profile()
    t0 = time.process_time()
    prof.enable()
    for i in range(0, len(rnd.docs), 25):
        cleaner.clean_batch(rnd.docs[i:i + 25])
    prof.disable()
    secs = time.process_time() - t0
    import ftfy

    a = time.process_time()
    for t in rnd.truth:
        ftfy.fix_text(t)
    ftfy_secs = time.process_time() - a
    stages = ", ".join(f"{k} {v:.2f}" for k, v in cleaner.timings.items())
    print(f"== {name}: {rnd.mb:.2f} MB, {len(rnd.docs)} documents; {secs:.2f} s CPU under the "
          f"profiler (ftfy.fix_text {ftfy_secs:.2f} s unprofiled)\n   stages (s): {stages}")
    out = io.StringIO()
    st = pstats.Stats(prof, stream=out)
    st.sort_stats(sort).print_stats(top)
    lines = out.getvalue().splitlines()
    start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
    root = str(ROOT) + "/"
    for line in lines[start:]:
        if line.strip():
            print("   " + line.replace(root, "").replace(str(Path(sys.prefix)) + "/", ""))


def fasttext_share(name: str, rnd) -> None:
    """The whole clean unprofiled, with each fastText call timed by a wrapper: the
    model's part of the time, against ftfy.fix_text on the same text."""
    import ftfy

    from polyclean import Cleaner, Config
    from polyclean.detect.backends import get_backend

    clear_caches()
    backend = get_backend(Config().detector)  # the instance the cleaner uses
    spent = [0.0]
    predict = backend._predict

    def timed(*a):
        t = time.perf_counter()
        out = predict(*a)
        spent[0] += time.perf_counter() - t
        return out

    backend._predict = timed
    try:
        cleaner = Cleaner(translate=False)
        t0 = time.process_time()
        for i in range(0, len(rnd.docs), 25):
            cleaner.clean_batch(rnd.docs[i:i + 25])
        secs = time.process_time() - t0
    finally:
        backend._predict = predict
    a = time.process_time()
    for t in rnd.truth:
        ftfy.fix_text(t)
    ftfy_secs = time.process_time() - a
    print(f"== {name}: whole clean {secs:.3f} s, fastText calls {spent[0]:.3f} s "
          f"({spent[0] / ftfy_secs:.2f} of ftfy.fix_text's {ftfy_secs:.3f} s)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=0.3, help="MB per corpus (default 0.3)")
    ap.add_argument("--top", type=int, default=25, help="functions shown per corpus")
    ap.add_argument("--sort", default="tottime", help="pstats sort key (default tottime)")
    ap.add_argument("--corpus", default="", help="one corpus only (english, multilingual, mixed)")
    ap.add_argument("--fasttext", type=int, default=0, metavar="ROUNDS",
                    help="instead of profiling, time the fastText calls of ROUNDS rounds")
    args = ap.parse_args()
    rounds_of = build_rounds(max(1, args.fasttext), args.mb)
    load_models()
    for name, rounds in rounds_of.items():
        if args.corpus and name != args.corpus:
            continue
        if args.fasttext:
            for rnd in rounds:
                fasttext_share(name, rnd)
        else:
            profile_corpus(name, rounds[0], args.top, args.sort)


if __name__ == "__main__":
    main()
