"""Output of this tree against a base commit, byte for byte, through the CLI.

    .venv/bin/python bench/compare_base.py BASE_SHA [--ignore stages,...] [--records 2000]

The base commit is checked out in a temporary ``git worktree`` beside this one and
both trees clean the same inputs with ``python -m polyclean clean`` (the same venv,
``PYTHONPATH`` pointing at each tree), so the whole path is compared: readers,
batches, stages and writers.  Inputs (built deterministically from ``../shared``):

- ``samples/`` (a folder of text files, bytes in several encodings);
- the corpus of ``bench/bench_e2e.py`` (36 English pages with injected foreign lines
  and mojibake, 20 legacy-encoded files), one file each;
- ``--records`` mixed JSONL records: whole pages, lingua sentences in 17 languages
  alone and in pairs, WMT22 Russian segments, mojibake lines, CRLF and blank lines.

Each set runs twice: translation off, and translation on with an empty packages
folder (so every foreign fragment goes through the missing-model path).  Output files
must be identical; report lines must be identical after the keys named by
``--ignore`` are dropped (default ``stages``, the stage-status field).  Exit 0 when
everything matches, 1 otherwise, with the first differences printed.

Speed is measured separately: ``bench/bench_pipeline.py --base BASE_SHA``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "bench"))


def worktree(sha: str, where: Path) -> Path:
    """A detached worktree of ``sha`` at ``where`` (removed by :func:`drop_worktree`)."""
    subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", "-f", str(where), sha],
                   check=True, capture_output=True)
    return where


def drop_worktree(where: Path) -> None:
    subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)],
                   capture_output=True)


def build_inputs(dest: Path, n_records: int, seed: int = 11) -> list[tuple[str, list[str]]]:
    """Write the inputs; return (name, CLI arguments) per set."""
    import bench_e2e

    sets = []
    samples = dest / "samples"
    shutil.copytree(ROOT / "samples", samples)
    sets.append(("samples", [str(samples)]))
    e2e = dest / "e2e"
    e2e.mkdir()
    for k, doc in enumerate(bench_e2e.build_corpus(36, 20, 4000, 7)):
        (e2e / f"{k:03d}-{doc.kind}.txt").write_bytes(doc.data)
    sets.append(("e2e", [str(e2e)]))
    rng = random.Random(seed)
    pages = [json.loads(line)["text"] for line in open(
        DATA / "scrapinghub-article-extraction-benchmark" / "fullpage_text_html-text.jsonl",
        encoding="utf-8")]
    langs = sorted(p.stem for p in (DATA / "lingua-language-testdata" / "sentences").glob("*.txt"))
    sents = {lang: (DATA / "lingua-language-testdata" / "sentences" / f"{lang}.txt")
             .read_text("utf-8").splitlines() for lang in langs}
    ru = [row.split("\t")[4] for row in (DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv")
          .read_text("utf-8").splitlines()[1:] if row]
    import ftfy.bad_codecs  # noqa: F401  (sloppy codecs for mojibake)

    records = dest / "mixed.jsonl"
    with open(records, "w", encoding="utf-8") as fh:
        for i in range(n_records):
            k = rng.random()
            if k < 0.15:
                text = rng.choice(pages)
            elif k < 0.45:
                text = " ".join(rng.sample(sents[rng.choice(langs)], rng.randint(1, 4)))
            elif k < 0.6:  # an English text with a line in another language
                text = "\n".join([*rng.sample(sents["en"], 3), rng.choice(sents[rng.choice(langs)])])
            elif k < 0.75:
                text = "\n".join(rng.sample(ru, rng.randint(1, 5)))
            elif k < 0.85:  # mojibake
                src = rng.choice(sents["en"] + ru)
                text = src.encode("utf-8").decode("sloppy-windows-1252")
            elif k < 0.92:
                text = "\r\n".join(rng.sample(sents["en"], 3)) + "\r\n\r\n" + rng.choice(ru)
            else:
                text = rng.choice(pages)[:400] + "\n\n\n   " + rng.choice(sents["de"])
            fh.write(json.dumps({"id": f"r{i}", "text": text}, ensure_ascii=False) + "\n")
    sets.append(("mixed", [str(records)]))
    return sets


def run_tree(tree: Path, args: list[str], out: Path, report: Path, extra: list[str],
             env: dict) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "polyclean", "clean", *args, "-o", str(out),
           "--report", str(report), "-j", "1", "-q", *extra]
    e = dict(env, PYTHONPATH=str(tree))
    return subprocess.run(cmd, cwd=tree, env=e, capture_output=True, text=True)


def _files(path: Path) -> dict[str, bytes]:
    if path.is_file():
        return {"(file)": path.read_bytes()}
    return {str(p.relative_to(path)): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}


def _strip(line: str, ignore: set[str]) -> str:
    rec = json.loads(line)
    for key in ignore:
        rec.pop(key, None)
    for ch in rec.get("changes", ()):
        for key in ignore:
            ch.pop(key, None)
    return json.dumps(rec, ensure_ascii=False, sort_keys=True)


def compare(name: str, a: Path, b: Path, ra: Path, rb: Path, ignore: set[str]) -> list[str]:
    problems = []
    fa, fb = _files(a), _files(b)
    if fa.keys() != fb.keys():
        problems.append(f"{name}: output files differ: {sorted(fa.keys() ^ fb.keys())[:5]}")
    for key in sorted(fa.keys() & fb.keys()):
        if fa[key] != fb[key]:
            problems.append(f"{name}: output {key} differs")
            xa = fa[key].decode("utf-8", "replace").splitlines()
            xb = fb[key].decode("utf-8", "replace").splitlines()
            shown = 0
            for i, (x, y) in enumerate(zip(xa, xb)):
                if x != y and shown < 5:  # the first lines that differ, to see why
                    shown += 1
                    k = next((j for j, (p, q) in enumerate(zip(x, y)) if p != q),
                             min(len(x), len(y)))
                    problems.append(f"  line {i + 1} at character {k}\n"
                                    f"  base: ...{x[max(0, k - 150):k + 150]}\n"
                                    f"  now:  ...{y[max(0, k - 150):k + 150]}")
    la = ra.read_text("utf-8").splitlines() if ra.exists() else []
    lb = rb.read_text("utf-8").splitlines() if rb.exists() else []
    if len(la) != len(lb):
        problems.append(f"{name}: {len(la)} report lines in base, {len(lb)} now")
    for i, (x, y) in enumerate(zip(la, lb)):
        sx, sy = _strip(x, ignore), _strip(y, ignore)
        if sx != sy:
            k = next((j for j, (p, q) in enumerate(zip(sx, sy)) if p != q), min(len(sx), len(sy)))
            problems.append(f"{name}: report line {i + 1} differs at character {k}:\n"
                            f"  base: ...{sx[max(0, k - 150):k + 150]}\n"
                            f"  now:  ...{sy[max(0, k - 150):k + 150]}")
    return problems


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base", help="base commit (SHA or ref)")
    ap.add_argument("--ignore", default="stages",
                    help="comma-separated report keys to drop before comparing (default: stages)")
    ap.add_argument("--records", type=int, default=2000)
    args = ap.parse_args()
    ignore = {k for k in args.ignore.split(",") if k}
    with tempfile.TemporaryDirectory(prefix="polyclean-compare-") as tmp_s:
        tmp = Path(tmp_s)
        base = worktree(args.base, tmp / "base")
        try:
            sets = build_inputs(tmp / "in", args.records)
            env = dict(os.environ, XDG_CACHE_HOME=str(tmp / "cache"))
            (tmp / "nopkgs").mkdir()
            problems: list[str] = []
            runs = 0
            for label, extra in (("no-translate", ["--no-translate"]),
                                 ("missing-model", ["--packages-dir", str(tmp / "nopkgs"),
                                                    "--no-cache"])):
                for name, inputs in sets:
                    outs = {}
                    for which, tree in (("base", base), ("now", ROOT)):
                        o = tmp / "out" / label / name / which
                        o.parent.mkdir(parents=True, exist_ok=True)
                        target = o if Path(inputs[0]).is_dir() else o.with_suffix(".jsonl")
                        rep = o.with_name(which + ".report.jsonl")
                        done = run_tree(tree, inputs, target, rep, extra, env)
                        if done.returncode not in (0, 1):
                            problems.append(f"{label}/{name}: {which} exited {done.returncode}: "
                                            f"{done.stderr.strip()[-500:]}")
                        outs[which] = (target, rep)
                    runs += 1
                    found = compare(f"{label}/{name}", outs["base"][0], outs["now"][0],
                                    outs["base"][1], outs["now"][1], ignore)
                    print(f"{label:14s} {name:8s} {'identical' if not found else 'DIFFERENT'}")
                    problems.extend(found)
        finally:
            drop_worktree(base)
    for p in problems[:20]:
        print(p)
    print(f"{runs} runs; {'all identical' if not problems else f'{len(problems)} differences'}"
          f" (report keys ignored: {', '.join(sorted(ignore)) or 'none'})")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
