"""Benchmark polyclean's translation stage against argostranslate, and import costs.

    .venv/bin/python bench/bench_translate.py              # the figures of the README
    .venv/bin/python bench/bench_translate.py --words 120 --fragments 300   # quicker

One run, one package, the same fragments on both sides:

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


def run_py(code: str, env: dict[str, str], timeout: float = 1800) -> dict:
    path = os.pathsep.join([str(ROOT), str(ROOT / "bench")])  # polyclean, offline_argos
    full = {**os.environ, **env, "PYTHONPATH": path}
    out = subprocess.run([sys.executable, "-c", PEAK + textwrap.dedent(code)], env=full,
                         capture_output=True, text=True, timeout=timeout)
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

POLY_CODE = """
    import json, sys, time
    frags = json.load(open({frags!r}))
    t0 = time.perf_counter()
    from polyclean import Config, translate
    t_import = time.perf_counter() - t0
    cfg = Config(beam_size={beam}, cache={cache!r}, use_cache={use_cache})
    t0 = time.perf_counter()
    outs = translate.Translator(cfg).translate(
        [translate.Fragment(f, "ru") for f in frags])
    t = time.perf_counter() - t0
    print(json.dumps({{"import_s": t_import, "translate_s": t,
                      "out": [o.result for o in outs],
                      "hits": sum(o.cache == "hit" for o in outs),
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


def median_run(code: str, env: dict, repeat: int) -> dict:
    runs = [run_py(code, env) for _ in range(repeat + 1)][1:]  # first run warms the disk
    return {"s": statistics.median(r["s"] for r in runs),
            "rss_mb": statistics.median(r["rss_mb"] for r in runs), "heavy": runs[0]["heavy"]}


def norm(s: str) -> str:
    return " ".join(s.split())


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--fragments", type=int, default=1000)
    ap.add_argument("--repeats", type=float, default=0.30, help="share of repeated fragments")
    ap.add_argument("--words", type=int, default=350, help="lexicon size of the package")
    ap.add_argument("--beam-size", type=int, default=2, help="beam size on both sides")
    ap.add_argument("--repeat", type=int, default=3, help="processes per import measurement")
    ap.add_argument("--seed", type=int, default=13)
    args = ap.parse_args()

    import argos_tiny
    from polyclean import models

    frags, source = load_fragments(args.fragments, args.repeats, args.seed)
    with tempfile.TemporaryDirectory(prefix="polyclean-bench-") as tmp:
        tmp = Path(tmp)
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

        argos = run_py(ARGOS_CODE.format(frags=str(fpath)), env)
        cache = str(tmp / "cache.sqlite3")
        cold = run_py(POLY_CODE.format(frags=str(fpath), beam=args.beam_size, cache=cache,
                                       use_cache=True), env)
        warm = run_py(POLY_CODE.format(frags=str(fpath), beam=args.beam_size, cache=cache,
                                       use_cache=True), env)
        nocache = run_py(POLY_CODE.format(frags=str(fpath), beam=args.beam_size,
                                          cache=cache, use_cache=False), env)
        same = sum(norm(a) == norm(b) for a, b in zip(argos["out"], cold["out"]))
        a_s = argos["translate_s"]
        print("translation of the fragments (imports excluded, model loading included)")
        print(f"  {'method':<44} {'seconds':>8} {'frag/s':>8} {'vs argos':>9}")
        rows = [
            ("argostranslate.translate() per fragment", a_s),
            ("polyclean Translator, cold cache", cold["translate_s"]),
            ("polyclean Translator, warm cache", warm["translate_s"]),
            ("polyclean Translator, --no-cache", nocache["translate_s"]),
        ]
        for name, s in rows:
            print(f"  {name:<44} {s:8.3f} {len(frags) / s:8.0f} {a_s / s:8.1f}x")
        print(f"  model calls: cold {cold['stats']['model_calls']} "
              f"({cold['stats']['sentences_translated']} distinct sentences), warm "
              f"{warm['stats']['model_calls']} ({warm['hits']}/{len(frags)} fragments from "
              f"the cache); torch imported by polyclean: {cold['torch'] or warm['torch']}")
        print(f"  outputs identical to argostranslate's (whitespace-normalised): "
              f"{same}/{len(frags)}")
        diffs = [(a, b) for a, b in zip(argos["out"], cold["out"]) if norm(a) != norm(b)]
        for a, b in list(dict.fromkeys(diffs))[:3]:
            a, b = norm(a), norm(b)
            i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
            lo = max(0, i - 30)
            print(f"    argostranslate: ...{a[lo:i + 40]!r}\n    polyclean     : ...{b[lo:i + 40]!r}")
        print(f"  process peak RSS: argostranslate {argos['rss_mb']:.0f} MB, "
              f"polyclean cold {cold['rss_mb']:.0f} MB, warm {warm['rss_mb']:.0f} MB\n")

        doc = json.dumps(ENGLISH_DOC)
        bare = median_run(IMPORT_CODE.format(body="pass"), env, args.repeat)
        poly = median_run(IMPORT_CODE.format(
            body=f"import polyclean; polyclean.clean({doc}, cache={cache!r})"), env, args.repeat)
        poly_imp = median_run(IMPORT_CODE.format(body="import polyclean"), env, args.repeat)
        at = median_run(IMPORT_CODE.format(body="import argostranslate.translate"), env,
                        args.repeat)
        print(f"import and peak memory (median of {args.repeat} fresh processes; bare "
              f"interpreter {bare['rss_mb']:.0f} MB)")
        print(f"  {'':<52} {'seconds':>8} {'peak RSS':>9}  heavy modules loaded")
        for name, r in [("import polyclean", poly_imp),
                        ("import polyclean + clean an English document", poly),
                        ("import argostranslate.translate", at)]:
            print(f"  {name:<52} {r['s']:8.2f} {r['rss_mb']:6.0f} MB  "
                  f"{', '.join(r['heavy']) or '-'}")
        print(f"  argostranslate / polyclean(import+clean): {at['s'] / poly['s']:.0f}x time, "
              f"{at['rss_mb'] / poly['rss_mb']:.1f}x memory")
        ok = a_s / cold["translate_s"] >= 5 and a_s / warm["translate_s"] >= 50
        print(f"\ntargets (>= 5x cold, >= 50x warm): {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
