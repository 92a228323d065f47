"""Benchmark polyclean's translation stage against argostranslate, and import costs.

    .venv/bin/python bench/bench_translate.py              # the figures of the README
    .venv/bin/python bench/bench_translate.py --words 120 --fragments 300   # quicker
    .venv/bin/python bench/bench_translate.py --base SHA   # this tree against a commit

One run, one package, the same fragments on every side:

* Fragments: 1,000 Russian segments, 70% distinct and 30% repeats (seeded), from
  ``<repo>/../shared/data/wmt22-generaltest-ru-en`` (synthetic sentences from the test
  lexicon when that folder is absent).  Segments longer than 60 words are skipped.
* Package: a hand-set Argos package (``tests/argos_tiny.py``) whose lexicon is the
  ``--words`` most frequent words of those fragments, each "translated" into its
  transliteration; other words are copied through as unknowns.  With 350 words the
  hidden size is about 1,500, so a decoding step costs the same order as a real Argos
  model (d=512, 6 layers, 32k vocabulary); the package file is built here, offline.
* argostranslate: ``argostranslate.translate.translate(q, "ru", "en")`` called per
  fragment, at the same beam size, in a fresh process.  Its sentence splitter (MiniSBD)
  downloads a model on first use, which fails offline, so it is replaced by polyclean's
  own splitter: both sides translate the same sentences, and argostranslate skips the
  MiniSBD inference it would normally run (the baseline is, if anything, flattered).
* polyclean: ``Translator.translate(fragments)`` (the pipeline's translation stage), in
  fresh processes: cold cache (empty SQLite file; includes loading the model), warm
  cache (the same file, next run), and ``--no-cache``.  Import times are reported apart.
  ``--rounds`` rounds of these three processes; medians with the range over the rounds,
  in wall time and in CPU time of the process (``time.process_time``, all its threads:
  less sensitive than wall time to other processes on a shared machine).
* ``--base SHA``: the commit is checked out in a temporary ``git worktree`` and each
  round runs its three processes too (``PYTHONPATH`` pointing at its tree): each
  measurement of the base and of this tree back to back, which goes first alternating
  from round to round.  now/base is given as the ratio of the medians and as the median
  (range) of the ratios of those pairs.  The package and fragments are the same for both.
* Import and peak memory (max RSS) of ``import polyclean`` + cleaning an English-only
  document, beside ``import argostranslate.translate``; median of ``--repeat`` fresh
  processes each.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

ENGLISH_DOC = (
    "The council met on Tuesday to discuss the new budget for the city. Several members "
    "asked for more money for schools and public libraries, while others wanted lower "
    "taxes.\nThe mayor said that the roads would be repaired before the winter and that "
    "a vote on the plan is expected early next month.\nResidents can send their comments "
    "to the city hall until Friday; the local newspaper published the full list of "
    "proposed changes on its website.\n"
)


def load_fragments(n: int, repeat_share: float, seed: int) -> tuple[list[str], str]:
    tsv = DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv"
    rng = random.Random(seed)
    if tsv.exists():
        rows = tsv.read_text("utf-8").splitlines()[1:]
        pool = []
        for row in rows:
            ru = row.split("\t")[4].strip()
            if ru and len(ru.split()) <= 60 and ru not in pool:
                pool.append(ru)
        source = f"{tsv.relative_to(ROOT.parent)} ({len(pool)} usable segments)"
    else:
        from argos_tiny import RU_EN

        words = list(RU_EN)
        pool = sorted({" ".join(rng.choice(words) for _ in range(rng.randint(4, 20)))
                       for _ in range(3 * n)})
        source = "synthetic sentences from the test lexicon (shared data absent)"
    n_unique = round(n * (1 - repeat_share))
    if len(pool) < n_unique:
        raise SystemExit(f"only {len(pool)} fragments available, {n_unique} needed")
    unique = rng.sample(pool, n_unique)
    frags = unique + [rng.choice(unique) for _ in range(n - n_unique)]
    rng.shuffle(frags)
    return frags, source


def build_lexicon(frags: list[str], n_words: int) -> dict[str, str]:
    from unidecode import unidecode

    counts = collections.Counter(w for f in frags for w in f.split())
    lex: dict[str, str] = {}
    for word, _ in counts.most_common():
        target = unidecode(word)
        if (len(lex) >= n_words or not target or re.search(r"\s", target)
                or len(word) > 60 or len(target) > 60 or target == word):
            continue
        lex[word] = target
        if len(lex) >= n_words:
            break
    return lex


PEAK = """
def peak_mb():
    # VmHWM: this process's peak RSS (ru_maxrss would include the parent's at fork)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
"""


def run_py(code: str, env: dict[str, str], tree: Path = ROOT, timeout: float = 1800) -> dict:
    """Run ``code`` in a fresh interpreter importing polyclean from ``tree``."""
    path = os.pathsep.join([str(tree), str(ROOT / "bench")])  # polyclean, offline_argos
    full = {**os.environ, **env, "PYTHONPATH": path}
    out = subprocess.run([sys.executable, "-c", PEAK + textwrap.dedent(code)], env=full,
                         capture_output=True, text=True, timeout=timeout, cwd=str(tree))
    if out.returncode != 0:
        raise SystemExit(f"subprocess failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


ARGOS_CODE = """
    import json, sys, time
    frags = json.load(open({frags!r}))
    t0 = time.perf_counter()
    import argostranslate.translate as at
    t_import = time.perf_counter() - t0
    from offline_argos import use_polyclean_splitter
    use_polyclean_splitter()  # MiniSBD downloads its model on first use (offline: URLError)
    t0 = time.perf_counter()
    out = [at.translate(f, "ru", "en") for f in frags]
    t = time.perf_counter() - t0
    print(json.dumps({{"import_s": t_import, "translate_s": t, "out": out,
                      "rss_mb": peak_mb()}}))
"""

# Only names every polyclean since the first landing has (a base commit runs it too).
POLY_CODE = """
    import json, sys, time
    frags = json.load(open({frags!r}))
    t0 = time.perf_counter()
    from polyclean import Config, translate
    t_import = time.perf_counter() - t0
    cfg = Config(beam_size={beam}, cache={cache!r}, use_cache={use_cache})
    t0, c0 = time.perf_counter(), time.process_time()
    outs = translate.Translator(cfg).translate(
        [translate.Fragment(f, "ru") for f in frags])
    t, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({{"import_s": t_import, "translate_s": t, "cpu_s": cpu,
                      "out": [o.result for o in outs],
                      "hits": sum(o.cache == "hit" for o in outs),
                      "refused": [[r["code"] for r in getattr(o, "refused", None) or []]
                                  for o in outs],
                      "stats": translate.model_stats(), "torch": "torch" in sys.modules,
                      "rss_mb": peak_mb()}}))
"""

IMPORT_CODE = """
    import json, sys, time
    t0 = time.perf_counter()
    {body}
    t = time.perf_counter() - t0
    heavy = sorted(m for m in ("torch", "stanza", "spacy", "argostranslate", "ctranslate2")
                   if m in sys.modules)
    print(json.dumps({{"s": t, "heavy": heavy,
                      "rss_mb": peak_mb()}}))
"""
MODES = (("cold", "cold cache"), ("warm", "warm cache"), ("nocache", "--no-cache"))


def run_rounds(trees: dict[str, Path], fpath: Path, tmp: Path, args, env: dict
               ) -> dict[str, list[dict[str, dict]]]:
    """``args.rounds`` rounds of fresh processes: cold cache (an empty file), warm cache
    (the same file, next process), --no-cache.  Within a round each measurement runs
    for every tree back to back, the trees in alternating order from round to round,
    so a busy moment of the machine falls on both sides of a pair."""
    got: dict[str, list[dict[str, dict]]] = {name: [] for name in trees}
    names = list(trees)
    for r in range(args.rounds):
        order = names if r % 2 == 0 else names[::-1]
        sides: dict[str, dict[str, dict]] = {name: {} for name in names}
        for name in names:
            for old in tmp.glob(f"cache-{name}.sqlite3*"):
                old.unlink()
        for mode, _label in MODES:
            for name in order:
                code = POLY_CODE.format(frags=str(fpath), beam=args.beam_size,
                                        cache=str(tmp / f"cache-{name}.sqlite3"),
                                        use_cache=mode != "nocache")
                sides[name][mode] = run_py(code, env, trees[name])
        for name in order:
            got[name].append(sides[name])
            print(f"  round {r + 1} {name:4s}: " + ", ".join(
                f"{m} {sides[name][m]['translate_s']:.3f} s" for m, _ in MODES), flush=True)
    return got


def _med(xs: list[float]) -> float:
    return statistics.median(xs)


def _cell(xs: list[float]) -> str:
    return f"{_med(xs):7.3f} ({min(xs):.3f}-{max(xs):.3f})"


def print_table(got: dict[str, list[dict[str, dict]]], argos_s: float | None, n: int) -> None:
    """Medians with ranges over the rounds, wall and CPU time; now/base when both ran."""
    both = "base" in got
    print(f"\ntranslation of the fragments, seconds (imports excluded, model loading included;"
          f" median (range) over {len(got['now'])} rounds)")
    for clock, key in (("wall", "translate_s"), ("CPU", "cpu_s")):
        head = f"  {clock + ' time':<26}" + (f" {'base':>23}" if both else "")
        head += f" {'now':>23}" + (f" {'now/base: medians, pairs':>28}" if both else "")
        head += f" {'frag/s':>7}" + (f" {'vs argos':>9}" if argos_s and clock == "wall" else "")
        print(head)
        for mode, label in MODES:
            now = [r[mode][key] for r in got["now"]]
            line = f"  polyclean, {label:<15}"
            if both:
                base = [r[mode][key] for r in got["base"]]
                ratios = [a / b for a, b in zip(now, base)]
                line += f" {_cell(base)} {_cell(now)}   {_med(now) / _med(base):5.2f} " \
                        f"{_med(ratios):5.2f} ({min(ratios):.2f}-{max(ratios):.2f})"
            else:
                line += f" {_cell(now)}"
            line += f" {n / _med(now):7.0f}"
            if argos_s and clock == "wall":
                line += f" {argos_s / _med(now):8.1f}x"
            print(line)
    if both:
        print("  now/base: ratio of the medians, then the median (range) of the ratios of "
              "the pairs run back to back; target <= 1.10")


def median_run(code: str, env: dict, repeat: int) -> dict:
    runs = [run_py(code, env) for _ in range(repeat + 1)][1:]  # first run warms the disk
    return {"s": statistics.median(r["s"] for r in runs),
            "rss_mb": statistics.median(r["rss_mb"] for r in runs), "heavy": runs[0]["heavy"]}


def norm(s: str) -> str:
    return " ".join(s.split())


def print_details(got: dict, argos: dict | None, frags: list[str]) -> None:
    cold, warm = got["now"][0]["cold"], got["now"][0]["warm"]
    print(f"  model calls: cold {cold['stats']['model_calls']} "
          f"({cold['stats']['sentences_translated']} distinct sentences), warm "
          f"{warm['stats']['model_calls']} ({warm['hits']}/{len(frags)} fragments from "
          f"the cache); torch imported by polyclean: {cold['torch'] or warm['torch']}")
    if "base" in got:
        same = sum(a == b for a, b in zip(got["base"][0]["cold"]["out"], cold["out"]))
        print(f"  outputs identical to the base's: {same}/{len(frags)}")
    if argos is None:
        return
    same = sum(norm(a) == norm(b) for a, b in zip(argos["out"], cold["out"]))
    print(f"  outputs identical to argostranslate's (whitespace-normalised): "
          f"{same}/{len(frags)}")
    used = [(a, b) for a, b, r in zip(argos["out"], cold["out"], cold["refused"]) if not r]
    codes = collections.Counter(c for r in cold["refused"] for c in r)
    print(f"    where polyclean used the model's output for every sentence: "
          f"{sum(norm(a) == norm(b) for a, b in used)}/{len(used)}; the other "
          f"{len(frags) - len(used)} keep refused sentences as they were ("
          + ", ".join(f"{c} {n}" for c, n in codes.most_common()) + " sentences)")
    diffs = [(a, b) for a, b in used if norm(a) != norm(b)]
    for a, b in list(dict.fromkeys(diffs))[:3]:
        a, b = norm(a), norm(b)
        i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
        lo = max(0, i - 30)
        print(f"    argostranslate: ...{a[lo:i + 40]!r}\n    polyclean     : ...{b[lo:i + 40]!r}")
    print(f"  process peak RSS: argostranslate {argos['rss_mb']:.0f} MB, "
          f"polyclean cold {cold['rss_mb']:.0f} MB, warm {warm['rss_mb']:.0f} MB")


def print_imports(env: dict, cache: Path, repeat: int) -> None:
    doc = json.dumps(ENGLISH_DOC)
    bare = median_run(IMPORT_CODE.format(body="pass"), env, repeat)
    poly = median_run(IMPORT_CODE.format(
        body=f"import polyclean; polyclean.clean({doc}, cache={str(cache)!r})"), env, repeat)
    poly_imp = median_run(IMPORT_CODE.format(body="import polyclean"), env, repeat)
    at = median_run(IMPORT_CODE.format(body="import argostranslate.translate"), env, repeat)
    print(f"\nimport and peak memory (median of {repeat} fresh processes; bare "
          f"interpreter {bare['rss_mb']:.0f} MB)")
    print(f"  {'':<52} {'seconds':>8} {'peak RSS':>9}  heavy modules loaded")
    for name, r in [("import polyclean", poly_imp),
                    ("import polyclean + clean an English document", poly),
                    ("import argostranslate.translate", at)]:
        print(f"  {name:<52} {r['s']:8.2f} {r['rss_mb']:6.0f} MB  "
              f"{', '.join(r['heavy']) or '-'}")
    print(f"  argostranslate / polyclean(import+clean): {at['s'] / poly['s']:.0f}x time, "
          f"{at['rss_mb'] / poly['rss_mb']:.1f}x memory")


def parse_args() -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fragments", type=int, default=1000)
    ap.add_argument("--repeats", type=float, default=0.30, help="share of repeated fragments")
    ap.add_argument("--words", type=int, default=350, help="lexicon size of the package")
    ap.add_argument("--beam-size", type=int, default=2, help="beam size on both sides")
    ap.add_argument("--rounds", type=int, default=5,
                    help="rounds of the three polyclean processes (per tree)")
    ap.add_argument("--base", metavar="SHA",
                    help="also run this commit (a temporary git worktree), alternating with "
                         "this tree, and print now/base")
    ap.add_argument("--no-argos", action="store_true", help="skip argostranslate and imports")
    ap.add_argument("--repeat", type=int, default=3, help="processes per import measurement")
    ap.add_argument("--seed", type=int, default=13)
    return ap.parse_args()


def main() -> int:
    args = parse_args()
    import argos_tiny
    from compare_base import drop_worktree, worktree
    from polyclean import models

    frags, source = load_fragments(args.fragments, args.repeats, args.seed)
    with tempfile.TemporaryDirectory(prefix="polyclean-bench-") as tmp_s:
        tmp = Path(tmp_s)
        env = {
            "ARGOS_PACKAGES_DIR": str(tmp / "packages"),
            "XDG_DATA_HOME": str(tmp / "data"), "XDG_CONFIG_HOME": str(tmp / "config"),
            "XDG_CACHE_HOME": str(tmp / "cache"), "ARGOS_BEAM_SIZE": str(args.beam_size),
            "ARGOS_DEVICE_TYPE": "cpu",
        }
        lex = build_lexicon(frags, args.words)
        t0 = time.perf_counter()
        z = argos_tiny.build_package(tmp / "build", lex, version="1.0")
        build_s = time.perf_counter() - t0
        pkg = models.install_file(z, env["ARGOS_PACKAGES_DIR"]).package
        fpath = tmp / "fragments.json"
        fpath.write_text(json.dumps(frags, ensure_ascii=False), "utf-8")
        n_tokens = sum(len(f.split()) for f in frags)
        print(f"fragments : {len(frags)} ({len(set(frags))} distinct, "
              f"{len(frags) - len(set(frags))} repeats), {n_tokens:,} words; {source}")
        print(f"package   : {pkg.key}, {len(lex)} lexicon words, "
              f"{models.human_size(pkg.size)}, built in {build_s:.1f} s; beam {args.beam_size}")
        print(f"machine   : {os.cpu_count()} cores (shared; timings are noisy, ratios are "
              "from this one run)\n")
        argos = None if args.no_argos else run_py(ARGOS_CODE.format(frags=str(fpath)), env)
        if argos:
            print(f"argostranslate.translate() per fragment: {argos['translate_s']:.3f} s")
        trees = {"now": ROOT}
        if args.base:
            trees = {"base": worktree(args.base, tmp / "base"), "now": ROOT}
        try:
            got = run_rounds(trees, fpath, tmp, args, env)
        finally:
            if args.base:
                drop_worktree(tmp / "base")
        print_table(got, argos["translate_s"] if argos else None, len(frags))
        print_details(got, argos, frags)
        if argos:
            print_imports(env, tmp / "cache-now.sqlite3", args.repeat)
            a_s = argos["translate_s"]
            ok = (a_s / _med([r["cold"]["translate_s"] for r in got["now"]]) >= 5
                  and a_s / _med([r["warm"]["translate_s"] for r in got["now"]]) >= 50)
            print(f"\ntargets (>= 5x cold, >= 50x warm): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
