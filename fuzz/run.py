"""Run the fuzz targets of ``fuzz/targets.py`` for a bounded time (``make fuzz``).

    .venv/bin/python fuzz/run.py                       # all targets, FUZZ_SECONDS (60) in all
    .venv/bin/python fuzz/run.py --seconds 600 formats clean_bytes
    .venv/bin/python fuzz/run.py --engine hypothesis   # without atheris
    .venv/bin/python fuzz/run.py --replay fuzz/crashes/formats-1a2b3c.bin formats

Engines: ``atheris`` (coverage-guided libFuzzer; ``pip install ".[fuzz]"``), used when
it is installed, each target in its own process; else ``hypothesis`` (random and
seed-spliced bytes, shrunk on failure).  The time budget is shared evenly between the
targets.  A failing input is saved under ``fuzz/crashes/<target>-<hash>.bin`` with
its traceback, and the run exits 1; ``--replay`` runs one saved input again.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
CRASHES = HERE / "crashes"
sys.path.insert(0, str(HERE))

NAMES = ["formats", "decode", "clean_bytes", "clean_text", "batch", "argosmodel"]


def save_crash(target: str, data: bytes, error: str) -> Path:
    CRASHES.mkdir(exist_ok=True)
    path = CRASHES / f"{target}-{hashlib.sha256(data).hexdigest()[:12]}.bin"
    path.write_bytes(data)
    path.with_suffix(".txt").write_text(error, "utf-8")
    return path


# --- atheris: one process per target ----------------------------------------------------
def atheris_child(target: str, seconds: int, max_len: int) -> int:
    import atheris

    with atheris.instrument_imports(include=["polyclean"]):
        import targets
    fn = targets.TARGETS[target]
    corpus = Path(tempfile.mkdtemp(prefix=f"polyclean-fuzz-{target}-"))
    for i, seed in enumerate(targets.seeds(target)):
        (corpus / f"seed{i}").write_bytes(seed)

    def one(data: bytes) -> None:
        try:
            fn(data)
        except Exception:
            path = save_crash(target, data, traceback.format_exc())
            print(f"\nfuzz: {target}: saved the failing input as {path}", file=sys.stderr)
            raise

    CRASHES.mkdir(exist_ok=True)
    args = [sys.argv[0], str(corpus), f"-max_total_time={seconds}", f"-max_len={max_len}",
            "-timeout=30", "-rss_limit_mb=3072", f"-artifact_prefix={CRASHES}/{target}-",
            "-print_final_stats=1"]
    atheris.Setup(args, one)
    atheris.Fuzz()
    return 0


def run_atheris(names: list[str], seconds: float, max_len: int) -> int:
    failed = []
    per = max(1, int(seconds / len(names)))
    for name in names:
        print(f"fuzz: {name}: atheris for {per} s", flush=True)
        proc = subprocess.run([sys.executable, __file__, "--child", name, "--seconds", str(per),
                               "--max-len", str(max_len)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              errors="replace")
        tail = [l for l in proc.stdout.splitlines() if l.startswith(("stat::", "#", "fuzz:"))]
        runs = next((l.split()[-1] for l in tail if "number_of_executed_units" in l), "?")
        if proc.returncode != 0:
            failed.append(name)
            print(proc.stdout[-4000:])
        print(f"fuzz: {name}: {'FAILED' if proc.returncode else 'ok'} ({runs} inputs)",
              flush=True)
    return 1 if failed else 0


# --- hypothesis ------------------------------------------------------------------------------
def run_hypothesis(names: list[str], seconds: float, max_len: int) -> int:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    import targets

    per = seconds / len(names)
    failed = []
    for name in names:
        fn = targets.TARGETS[name]
        pool = targets.seeds(name)
        # Seeds spliced with random bytes (insert, overwrite, truncate), or raw bytes.
        edits = st.lists(st.tuples(st.integers(0, 1 << 16), st.binary(max_size=16),
                                   st.integers(0, 8)), max_size=6)

        def mutate(seed_edits):
            seed, es = seed_edits
            b = bytearray(seed)
            for pos, chunk, cut in es:
                p = pos % (len(b) + 1)
                b[p:p + cut] = chunk
            return bytes(b[:max_len])

        data_st = st.one_of(st.binary(max_size=min(max_len, 512)),
                            st.tuples(st.sampled_from(pool), edits).map(mutate))
        last: list[bytes] = []
        count = [0]

        @settings(max_examples=200, deadline=None, database=None, derandomize=False,
                  phases=[Phase.generate, Phase.shrink],
                  suppress_health_check=list(HealthCheck))
        @given(data_st)
        def check(data):
            count[0] += 1
            try:
                fn(data)
            except Exception:
                last[:] = [data]
                raise

        print(f"fuzz: {name}: hypothesis for {per:.0f} s", flush=True)
        end = time.monotonic() + per
        for seed in pool:  # the seeds themselves first
            try:
                fn(seed)
            except Exception:
                failed.append(name)
                path = save_crash(name, seed, traceback.format_exc())
                print(f"fuzz: {name}: a seed fails; saved as {path}\n{traceback.format_exc()}")
                break
        while name not in failed and time.monotonic() < end:
            try:
                check()
            except Exception:
                failed.append(name)
                tb = traceback.format_exc()
                path = save_crash(name, last[0] if last else b"", tb)
                print(f"{tb[-3000:]}\nfuzz: {name}: saved the failing input as {path}")
        print(f"fuzz: {name}: {'FAILED' if name in failed else 'ok'} ({count[0]} inputs)",
              flush=True)
    return 1 if failed else 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("targets", nargs="*", metavar="TARGET",
                    help=f"targets (default: all of {', '.join(NAMES)})")
    ap.add_argument("--seconds", type=float,
                    default=float(os.environ.get("FUZZ_SECONDS", "60")),
                    help="time budget shared by the targets (default: $FUZZ_SECONDS or 60)")
    ap.add_argument("--engine", choices=("auto", "atheris", "hypothesis"), default="auto")
    ap.add_argument("--max-len", type=int, default=4096, help="longest input in bytes")
    ap.add_argument("--replay", metavar="FILE", help="run one saved input through the target")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return atheris_child(args.child, int(args.seconds), args.max_len)
    names = args.targets or NAMES
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        ap.error(f"unknown target {', '.join(unknown)} (choose from {', '.join(NAMES)})")
    if args.replay:
        import targets

        for name in names:
            targets.TARGETS[name](Path(args.replay).read_bytes())
            print(f"fuzz: {name}: {args.replay} passes")
        return 0
    engine = args.engine
    if engine == "auto":
        try:
            import atheris  # noqa: F401

            engine = "atheris"
        except ImportError:
            engine = "hypothesis"
    print(f"fuzz: engine {engine}, {args.seconds:.0f} s for {len(names)} targets", flush=True)
    run = run_atheris if engine == "atheris" else run_hypothesis
    return run(names, args.seconds, args.max_len)


if __name__ == "__main__":
    sys.exit(main())
