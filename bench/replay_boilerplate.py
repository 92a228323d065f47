"""Replay the boilerplate stage's recorded calls, this tree against a base commit.

The whole clean is too noisy on a shared machine to show a change of a few per cent in
one stage, so this script records what the boilerplate stage is asked during a first
pass over ``bench_pipeline.py``'s corpora (each remover's configuration, the texts it
learns from, the texts and foreign spans it judges, and ``doc.remap``'s arguments), then
replays exactly those calls in fresh processes, alternating a base commit's tree and
this one, and reports CPU time (``time.process_time``) per part as medians with ranges.
Every memo is emptied before each corpus round, as in the benchmark, so each replay is
a first pass.  The replays' results are hashed: base and this tree must agree.

    .venv/bin/python bench/replay_boilerplate.py --base ef87a14 --mb 0.5 --rounds 2 --pairs 5
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"


def record(mb: float, rounds: int, path: Path) -> None:
    """Run the whole clean over the corpora and pickle the boilerplate calls."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(1, str(BENCH))
    from bench_pipeline import build_rounds, clear_caches, load_models

    from polyclean import Cleaner
    from polyclean import doc as doc_mod
    from polyclean.boilerplate import BoilerplateRemover

    log: list = []
    init, learn, find, remap = (BoilerplateRemover.__init__, BoilerplateRemover.learn,
                                BoilerplateRemover.find, doc_mod.remap)

    def rec_init(self, config, model=None):
        log.append(("new", config))
        init(self, config, model)

    def rec_learn(self, texts):
        texts = list(texts)
        log.append(("learn", texts))
        return learn(self, texts)

    def rec_find(self, text, foreign=None, kept=None):
        log.append(("find", text, list(foreign) if foreign is not None else None))
        return find(self, text, foreign, kept)

    def rec_remap(segments, changes, text):
        log.append(("remap", list(segments), list(changes), text))
        return remap(segments, changes, text)

    BoilerplateRemover.__init__, BoilerplateRemover.learn = rec_init, rec_learn
    BoilerplateRemover.find = rec_find
    doc_mod.remap = rec_remap
    rounds_of = build_rounds(rounds, mb)
    load_models(quiet=True)
    out: dict[str, list[list]] = {}
    for name, rnds in rounds_of.items():
        out[name] = []
        for rnd in rnds:
            clear_caches()
            log = []
            cleaner = Cleaner(translate=False)
            for i in range(0, len(rnd.docs), 25):
                cleaner.clean_batch(rnd.docs[i:i + 25])
            out[name].append(log)
    with open(path, "wb") as fh:
        pickle.dump(out, fh)
    n = {k: sum(len(r) for r in v) for k, v in out.items()}
    print(f"recorded {n} calls to {path}")


def replay(path: Path, repeats: int) -> dict:
    """Replay the recording ``repeats`` times; CPU seconds per corpus and part (median
    over the repeats) and a hash of every result."""
    from polyclean import memo
    from polyclean.boilerplate import BoilerplateRemover
    from polyclean.doc import remap

    with open(path, "rb") as fh:
        recorded = pickle.load(fh)
    clock = time.process_time
    times: dict[str, dict[str, list[float]]] = {}
    digest = hashlib.sha256()
    for rep in range(repeats):
        for name, rounds in recorded.items():
            t = {"learn": 0.0, "find": 0.0, "remap": 0.0}
            results = []
            for log in rounds:
                memo.clear_all()
                remover = None
                for ev in log:
                    a = clock()
                    if ev[0] == "new":
                        remover = BoilerplateRemover(ev[1])
                        t["learn"] += clock() - a
                    elif ev[0] == "learn":
                        remover.learn(ev[1])
                        t["learn"] += clock() - a
                    elif ev[0] == "find":
                        got = remover.find(ev[1], foreign=ev[2])
                        t["find"] += clock() - a
                        results.append([(c.start, c.end, c.reason, c.confidence, c.extra)
                                        for c in got])
                    else:
                        got = remap(ev[1], ev[2], ev[3])
                        t["remap"] += clock() - a
                        results.append([(s.start, s.end, s.text) for s in got])
            for part, secs in t.items():
                times.setdefault(name, {}).setdefault(part, []).append(secs)
            if rep == 0:
                digest.update(repr(results).encode())
    med = {name: {p: sorted(v)[len(v) // 2] for p, v in parts.items()}
           for name, parts in times.items()}
    return {"times": med, "hash": digest.hexdigest()}


def compare(base: str, path: Path, pairs: int, repeats: int) -> None:
    """Alternate fresh replay processes of ``base`` and this tree."""
    sys.path.insert(0, str(BENCH))
    from bench_pipeline import _build_helpers, _med
    from compare_base import drop_worktree, worktree

    with tempfile.TemporaryDirectory(prefix="polyclean-replay-") as tmp:
        given = Path(base).is_dir()  # a checked-out tree with its helpers built, kept
        tree = Path(base) if given else worktree(base, Path(tmp) / "base")
        try:
            if not given:
                _build_helpers(tree)
            got: dict[str, list[dict]] = {"base": [], "now": []}
            for r in range(pairs):
                order = (("base", tree), ("now", ROOT)) if r % 2 == 0 else \
                    (("now", ROOT), ("base", tree))
                for which, root in order:
                    cmd = [sys.executable, str(BENCH / "replay_boilerplate.py"), "--child",
                           str(path), "--repeats", str(repeats)]
                    done = subprocess.run(cmd, env=dict(os.environ, PYTHONPATH=str(root)),
                                          capture_output=True, text=True, check=True)
                    got[which].append(json.loads(done.stdout.strip().splitlines()[-1]))
            hashes = {w: {g["hash"] for g in v} for w, v in got.items()}
            same = hashes["base"] == hashes["now"] and len(hashes["now"]) == 1
            print(f"results {'identical' if same else 'DIFFER'} ({pairs} pairs, median of "
                  f"{repeats} replays per process; CPU s: median (range) over processes; "
                  f"load {os.getloadavg()[0]:.1f})")
            for name in got["now"][0]["times"]:
                for part in got["now"][0]["times"][name]:
                    cells = []
                    meds = {}
                    for which in ("base", "now"):
                        vals = sorted(g["times"][name][part] for g in got[which])
                        meds[which] = _med(vals)
                        cells.append(f"{which} {meds[which]:.4f} ({vals[0]:.4f}-{vals[-1]:.4f})")
                    ratio = meds["now"] / meds["base"] if meds["base"] else 0.0
                    print(f"  {name:<13}{part:<6} {'  '.join(cells)}  now/base {ratio:.2f}")
        finally:
            if not given:
                drop_worktree(tree)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--base", help="base commit to compare with (or a checked-out tree of "
                    "it, its helpers built in place)")
    ap.add_argument("--mb", type=float, default=0.5, help="MB per corpus round")
    ap.add_argument("--rounds", type=int, default=2, help="corpus rounds recorded")
    ap.add_argument("--pairs", type=int, default=5, help="alternating base/now processes")
    ap.add_argument("--repeats", type=int, default=3, help="replays per process")
    ap.add_argument("--recording", type=Path, help="reuse (or write) this recording")
    ap.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(replay(args.child, args.repeats)))
        return
    path = args.recording or Path(tempfile.gettempdir()) / "polyclean-boilerplate-calls.pkl"
    if not path.exists():
        record(args.mb, args.rounds, path)
    if args.base:
        compare(args.base, path, args.pairs, args.repeats)
    else:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(replay(path, args.repeats), indent=1))


if __name__ == "__main__":
    main()
