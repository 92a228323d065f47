"""The batch plumbing alone: reading, batching, extracting, rendering and writing a
record, with the cleaning replaced by the identity, per format; optionally against a
base commit in the same run.

    .venv/bin/python bench/bench_plumbing.py [--base SHA] [--records 10000] [--rounds 5]

Each measurement is a fresh process (``-j 1``, ``polyclean clean`` through
``cli.main``) over the same inputs: JSONL, CSV, TSV and Parquet records of 3-12 lines of
real text (``../shared/data/cleaneval-dev``).  Printed: the median and range of the
microseconds per record over the rounds, the two trees alternating round by round.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "bench"))

_CHILD = r"""
import sys, time
root, src, out = sys.argv[1:4]
sys.path.insert(0, root)
from polyclean import cli
from polyclean.pipeline import CleanResult

def identity(config, texts, ids, stats):
    stats["documents"] = stats.get("documents", 0) + len(texts)
    return [CleanResult(t if isinstance(t, str) else t.decode("utf-8", "replace"),
                        record={"id": i, "changes": []}) for t, i in zip(texts, ids)]

try:
    from polyclean import workers
    workers.clean_isolated = identity
except ImportError:  # before the runner was split
    from polyclean import runner
    runner._clean_isolated = identity
t0 = time.perf_counter()
cli.main(["clean", src, "-o", out, "-j", "1", "-q", "--no-translate"])
print(time.perf_counter() - t0)
"""


def build(dest: Path, n: int, seed: int = 3) -> dict[str, Path]:
    """The same records as JSONL, CSV, TSV and Parquet."""
    rng = random.Random(seed)
    lines = [line for p in sorted((DATA / "cleaneval-dev").rglob("*.txt"))
             for line in p.read_text("utf-8", "replace").splitlines() if line.strip()]
    if not lines:
        raise SystemExit(f"no text under {DATA / 'cleaneval-dev'}")
    rows = []
    for i in range(n):
        k = rng.randint(3, 12)
        s = rng.randint(0, len(lines) - k)
        rows.append({"id": i, "text": "\n".join(lines[s:s + k]), "note": f"n{i}"})
    out = {f: dest / f"records.{f}" for f in ("jsonl", "csv", "tsv", "parquet")}
    out["jsonl"].write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    with open(out["csv"], "w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, ["id", "text", "note"])
        w.writeheader()
        w.writerows(rows)
    out["tsv"].write_text("id\ttext\tnote\n" + "".join(
        f"{r['id']}\t{r['text']}\t{r['note']}".replace("\n", " ") + "\n" for r in rows), "utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.Table.from_pylist(rows), out["parquet"])
    return out


def measure(root: Path, src: Path, out: Path) -> float:
    proc = subprocess.run([sys.executable, "-c", _CHILD, str(root), str(src), str(out)],
                          capture_output=True, text=True, cwd=root)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-2000:])
    return float(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", help="a commit to measure in the same run")
    ap.add_argument("--records", type=int, default=10_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    from compare_base import drop_worktree, worktree

    with tempfile.TemporaryDirectory(prefix="polyclean-plumbing-") as tmp:
        tmp_path = Path(tmp)
        inputs = build(tmp_path, args.records)
        trees = {"this tree": ROOT}
        if args.base:
            trees[f"base {args.base[:10]}"] = worktree(args.base, tmp_path / "base")
        try:
            for fmt, src in inputs.items():
                times: dict[str, list[float]] = {name: [] for name in trees}
                for r in range(args.rounds):
                    for name, root in trees.items():
                        out = tmp_path / f"out-{r}.{fmt}"
                        times[name].append(measure(root, src, out))
                for name, ts in times.items():
                    us = [t / args.records * 1e6 for t in ts]
                    print(f"{fmt:8s} {name:18s} {statistics.median(us):7.1f} us/record "
                          f"(range {min(us):.1f}-{max(us):.1f}, {args.rounds} rounds)")
        finally:
            if args.base:
                drop_worktree(trees[f"base {args.base[:10]}"])


if __name__ == "__main__":
    main()
