"""Memory of one long line: a single document of N MB without a line break.

    .venv/bin/python bench/bench_long_line.py                 # 2 MB, tracemalloc per stage
    .venv/bin/python bench/bench_long_line.py --mb 50 --rss   # + peak RSS of `polyclean clean`

Prints, for ``Cleaner(translate=False).clean(text)`` on one line of English words
(no line break, so every stage sees one line of N MB), the peak of Python's
allocations (tracemalloc) within each stage above what the stage started with, and the
ten allocation sites that hold the most at the end of the largest stage, so a copy
that should not be there shows up by file and line.  With ``--rss`` it also runs
``polyclean clean FILE -o OUT -j 1`` and ``-j 2`` on the same text and reports the
peak resident size of the largest process (RUSAGE_CHILDREN; one document is cleaned in
the main process whatever ``-j``).  tracemalloc does not see what compiled code
allocates with ``malloc`` (the RSS does): the buffer of the compiled boilerplate key
was 4 bytes a character, 200 MB for a 50 MB line.  A measurement, not a test:
results in ``bench/RESULTS.md``.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

WORDS = ("the cat sat on a mat and it was good . people say that this is a sentence of "
         "english text , with words").split()


def long_line(mb: float, seed: int = 1) -> str:
    rnd = random.Random(seed)
    n = int(mb * 1e6)
    parts, size = [], 0
    while size < n:
        w = rnd.choice(WORDS)
        parts.append(w)
        size += len(w) + 1
    return " ".join(parts)[:n]


def per_stage(text: str, top: int) -> None:
    from polyclean import Cleaner
    from polyclean import stages as st

    cleaner = Cleaner(translate=False)
    cleaner.clean("Warm-up: load the detector and the word tables.")
    peaks: dict[str, float] = {}
    snaps: dict[str, tracemalloc.Snapshot] = {}
    originals = {}
    top_total = [0]
    for kind in st.STAGES:
        originals[kind] = kind.__call__

        def wrapped(self, docs, _orig=kind.__call__, _name=kind.name):
            base = tracemalloc.get_traced_memory()[0]
            tracemalloc.reset_peak()
            out = _orig(self, docs)
            peak = tracemalloc.get_traced_memory()[1] - base
            top_total[0] = max(top_total[0], base + peak)
            if peak > peaks.get(_name, 0):
                peaks[_name] = peak
                snaps[_name] = tracemalloc.take_snapshot()
            return out

        kind.__call__ = wrapped
    tracemalloc.start(1)  # (more frames: ten times slower on a long line)
    t0 = time.perf_counter()
    try:
        res = cleaner.clean(text)
    finally:
        tracemalloc.stop()
        total = top_total[0]
        for kind, fn in originals.items():
            kind.__call__ = fn
    secs = time.perf_counter() - t0
    mb = len(text) / 1e6
    print(f"one line of {mb:.1f} MB ({len(text.encode()) / 1e6:.1f} MB UTF-8): clean in "
          f"{secs:.1f} s under tracemalloc, output {len(res.text) / 1e6:.1f} MB; Python "
          f"allocations at their peak {total / 1e6:.0f} MB ({total / len(text):.1f}x the "
          "text, which is allocated before tracing starts)")
    for name, peak in sorted(peaks.items(), key=lambda kv: -kv[1]):
        print(f"  {name:12s} peak above its start {peak / 1e6:8.0f} MB ({peak / len(text):4.1f}x)")
    worst = max(peaks, key=peaks.get) if peaks else None
    if worst and top:
        print(f"largest live allocations at the end of the worst call of {worst}:")
        for s in snaps[worst].statistics("lineno")[:top]:
            print(f"  {s.size / 1e6:8.1f} MB  {s.traceback[0]}")


def rss(text: str, jobs: int) -> float:
    """Peak RSS in MB of `polyclean clean` on ``text`` (the largest process)."""
    with tempfile.TemporaryDirectory() as d:
        src = Path(d) / "line.txt"
        src.write_text(text, encoding="utf-8")
        cmd = [sys.executable, "-m", "polyclean", "clean", str(src), "-o", str(Path(d) / "out.txt"),
               "--no-translate", "--no-cache", "-q", "-j", str(jobs)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        subprocess.run(cmd, check=True, cwd=ROOT)
        after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        return max(after, before) / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=2.0)
    ap.add_argument("--top", type=int, default=10)
    ap.add_argument("--rss", action="store_true", help="also the peak RSS of the command line")
    args = ap.parse_args()
    text = long_line(args.mb)
    if args.rss:  # first: RUSAGE_CHILDREN keeps the largest child seen
        for jobs in (1, 2):
            print(f"polyclean clean, -j {jobs}: peak RSS of the largest process "
                  f"{rss(text, jobs):.0f} MB")
    per_stage(text, args.top)


if __name__ == "__main__":
    main()
