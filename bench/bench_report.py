"""What the HTML run report costs: time added to a 40,000-record run, and its size.

    .venv/bin/python bench/bench_report.py                # 40,000 records, 5 rounds (~5 min)
    .venv/bin/python bench/bench_report.py --docs 5000 --rounds 3

The same JSONL (bench_batch.py's documents: news sentences, Russian lines, UI lines) is
cleaned with ``-j 2 --no-translate`` in fresh processes, alternating:

- ``plain``: ``polyclean clean`` as it is;
- ``report``: the same run with ``--html-report``: each worker aggregates its batch's
  reports into a :class:`~polyclean.runreport.aggregate.RunReport` (with the sources of
  its sampled documents), the main process merges them in input order and writes the
  page at the end.

It prints the medians (and ranges) of both, their ratio (target: under 1.05), the page's
size (target: under a few MB), and, for comparison, the time ``polyclean report`` takes
afterwards over the JSONL report of the same run.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))


def child(mode: str, src: str, out: str, page: str) -> None:
    """One timed run in this fresh process; prints its wall seconds as JSON."""
    from polyclean import cli

    t0 = time.perf_counter()
    argv = ["clean", src, "-o", out, "-j", "2", "--no-translate", "-q"]
    if mode == "report":
        rc = cli.main(argv + ["--html-report", page])
        size = Path(page).stat().st_size
    elif mode == "jsonl":  # for `polyclean report` afterwards
        rc = cli.main(argv + ["--report", page])
        size = 0
    else:
        rc = cli.main(argv)
        size = 0
    print(json.dumps({"seconds": time.perf_counter() - t0, "rc": rc, "size": size}))


def timed(mode: str, src: Path, tmp: Path) -> dict:
    """One run in a fresh process: its wall seconds, the CPU seconds of its process tree
    (main and workers; steadier than wall time when other work shares the cores) and the
    page's size."""
    import resource

    page = tmp / ("report.jsonl" if mode == "jsonl" else "report.html")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, __file__, "--child", mode, str(src),
                           str(tmp / f"out-{mode}.jsonl"), str(page)],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_report: the {mode} run failed:\n{proc.stderr[-2000:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["cpu"] = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--docs", type=int, default=40_000)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--child", nargs=4, metavar=("MODE", "SRC", "OUT", "PAGE"),
                    help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    from bench_batch import write_docs

    with tempfile.TemporaryDirectory(prefix="bench-report-") as name:
        tmp = Path(name)
        src = tmp / "docs.jsonl"
        size = write_docs(src, args.docs)
        print(f"{args.docs:,} records, {size / 1e6:.1f} MB JSONL, -j 2 --no-translate, "
              f"{args.rounds} rounds alternating plain and report runs (fresh processes)")
        times: dict[str, list[float]] = {"plain": [], "report": []}
        cpus: dict[str, list[float]] = {"plain": [], "report": []}
        page = 0
        for r in range(args.rounds):
            for mode in (("plain", "report") if r % 2 == 0 else ("report", "plain")):
                res = timed(mode, src, tmp)
                times[mode].append(res["seconds"])
                cpus[mode].append(res["cpu"])
                page = res["size"] or page
        med = {m: statistics.median(v) for m, v in times.items()}
        cpu = {m: statistics.median(v) for m, v in cpus.items()}
        for m in ("plain", "report"):
            print(f"  {m:6}: wall median {med[m]:6.2f} s (range {min(times[m]):.2f}–"
                  f"{max(times[m]):.2f}), CPU median {cpu[m]:6.2f} s (range "
                  f"{min(cpus[m]):.2f}–{max(cpus[m]):.2f}); rounds "
                  f"{', '.join(f'{t:.2f}' for t in times[m])} s")
        print(f"  report / plain: wall {med['report'] / med['plain']:.3f}, CPU "
              f"{cpu['report'] / cpu['plain']:.3f} of the medians (target < 1.05); "
              f"page {page / 1e6:.2f} MB (target: a few MB)")
        print(f"  load average: {', '.join(f'{x:.1f}' for x in __import__('os').getloadavg())}")
        same = (tmp / "out-plain.jsonl").read_bytes() == (tmp / "out-report.jsonl").read_bytes()
        print(f"  outputs byte-identical with and without the report: {same}")
        timed("jsonl", src, tmp)
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", "import sys; from polyclean.cli_report "
                               "import main; sys.exit(main(sys.argv[1:]))", "report",
                               str(tmp / "report.jsonl"), "--no-sources", "-o",
                               str(tmp / "after.html")], cwd=ROOT, capture_output=True, text=True)
        after = time.perf_counter() - t0
        print(f"  `polyclean report` afterwards over the {(tmp / 'report.jsonl').stat().st_size / 1e6:.0f} MB "
              f"JSONL report: {after:.2f} s (exit {proc.returncode})")


if __name__ == "__main__":
    main()
