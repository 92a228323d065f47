"""A mirrored tree of many small files: time and peak memory of `polyclean clean
crawl/ -o out/` at -j 1 and -j 2, and the two trees compared byte for byte.

    .venv/bin/python bench/bench_tree.py                  # 5,000 files (about a minute)
    .venv/bin/python bench/bench_tree.py --files 20000     # the trial's tree
    .venv/bin/python bench/bench_tree.py --files 2000 --suffix .jsonl

Each file holds one to three English sentences of WMT22 (../shared/data), in nested
folders (10 x 20 x 5).  Every output is synced before it is put in place; the outputs
of a batch are synced together (trials19: 20,000 text files took 88 s at -j 2 when
they were synced one after another, about 4 ms each on ext4, and 15 s after).
"""

from __future__ import annotations

import argparse
import filecmp
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def build(root: Path, n: int, suffix: str) -> None:
    rows = (DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv").read_text("utf-8")
    en = [r.split("\t")[5] for r in rows.splitlines()[1:]]
    rng = random.Random(3)
    for i in range(n):
        p = root / f"a{i % 10}" / f"b{i // 10 % 20}" / f"c{i // 200 % 5}" / f"doc{i:05d}{suffix}"
        p.parent.mkdir(parents=True, exist_ok=True)
        text = " ".join(rng.choice(en) for _ in range(rng.randint(1, 3)))
        p.write_text((json.dumps({"text": text}) if suffix == ".jsonl" else text) + "\n")


def run(src: Path, out: Path, jobs: int) -> tuple[float, float]:
    t0 = time.perf_counter()
    subprocess.run([sys.executable, "-m", "polyclean", "clean", str(src), "-o", f"{out}/",
                    "-j", str(jobs), "--no-translate", "-q"], check=True, cwd=ROOT)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return time.perf_counter() - t0, peak


def same(a: Path, b: Path) -> bool:
    files = sorted(p.relative_to(a) for p in a.rglob("*") if p.is_file())
    return files == sorted(p.relative_to(b) for p in b.rglob("*") if p.is_file()) and all(
        filecmp.cmp(a / f, b / f, shallow=False) for f in files)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=5_000)
    ap.add_argument("--suffix", default=".txt", choices=(".txt", ".jsonl"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-tree-") as tmp:
        src = Path(tmp) / "crawl"
        build(src, args.files, args.suffix)
        for jobs in (1, 2):
            secs, peak = run(src, Path(tmp) / f"out{jobs}", jobs)
            print(f"-j {jobs}: {args.files:,} {args.suffix} files in {secs:.1f} s "
                  f"({args.files / secs:,.0f} files/s), peak RSS of a process {peak:,.0f} MB")
        print("trees byte-identical:", same(Path(tmp) / "out1", Path(tmp) / "out2"))


if __name__ == "__main__":
    main()
