"""``clean(clean(x)) == clean(x)`` and the report's replay on synthetic mixed documents.

    .venv/bin/python bench/idempotence_mixed.py                 # seeds 1-6, 4,000 documents each
    .venv/bin/python bench/idempotence_mixed.py --seeds 7 --docs 20000

Each document is 1-25 lines drawn from real text in ``../shared/data`` (300 lingua
sentences in each of 17 languages, 400 NTREX English/Russian pairs), mixed with common
page furniture (UI lines, counters, credits, bullets), blank lines, sentences with
words of another sentence spliced in, and single-byte / UTF-8 mix-ups of whole lines or
of the whole document (cp1252, cp1251, cp1254, cp1257, KOI8-R/U, Latin-1 readings),
sometimes with curly quotes.  Such documents are often a near tie between languages,
which is where the document's language can change once boilerplate is removed.

Prints each failing document as one JSON line (the input, both outputs) and, per seed,
the number of failures; exit 1 when any failed.  Translation is off.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"

MIXUPS = [("utf-8", "cp1252"), ("utf-8", "cp1251"), ("cp1251", "cp1252"), ("koi8-r", "latin-1"),
          ("cp1251", "cp1254"), ("cp1250", "cp1252"), ("cp1257", "cp1252"), ("koi8-u", "cp1251"),
          ("utf-8", "latin-1"), ("cp1251", "koi8-r"), ("iso8859-2", "latin-1")]
FURNITURE = ["Subscribe", "Share this article", "Log in or register to post comments",
             "Home | News | Sport", "Reply", "12 comments", "\u00a9 2019 Example Ltd. All rights reserved.",
             "Read more \u00bb", "Like Loading...", "Photo: Reuters", "Posted on March 3, 2019 by admin",
             "Next article", "\u2022 Item one"]


def pool() -> list[str]:
    lines: list[str] = []
    for f in sorted((DATA / "lingua-language-testdata" / "sentences").glob("*.txt")):
        lines += [line.strip() for line in f.read_text("utf-8").splitlines()[:300]]
    ntrex = (DATA / "ntrex128-newstest2019" / "ntrex_ru_en.tsv").read_text("utf-8").splitlines()
    for row in ntrex[1:400]:
        lines += row.split("\t")[2:4]
    return [line for line in lines if line]


def mixup(text: str, rng: random.Random) -> str:
    enc, dec = rng.choice(MIXUPS)
    try:
        return text.encode(enc).decode(dec)
    except UnicodeError:
        return text


def document(lines: list[str], rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(1, 25)):
        r = rng.random()
        if r < 0.15:
            out.append(rng.choice(FURNITURE))
        elif r < 0.3:
            out.append(mixup(rng.choice(lines), rng))
        elif r < 0.35:
            out.append("")
        elif r < 0.45:  # words of another sentence spliced into one
            a, b = rng.choice(lines).split(" "), rng.choice(lines).split(" ")
            k = rng.randint(0, len(a))
            out.append(" ".join(a[:k] + b[:rng.randint(1, 6)] + a[k:]))
        else:
            out.append(rng.choice(lines))
    text = "\n".join(out)
    if rng.random() < 0.2:
        text = mixup(text, rng)
    if rng.random() < 0.2:
        text = text.replace('"', rng.choice(["\u201c", "\u201d", "\u00ab"])).replace("'", "\u2019")
    return text


def run(seed: int, n: int, lines: list[str]) -> int:
    from polyclean import Cleaner
    from polyclean.report import replay

    rng = random.Random(seed)
    cleaner = Cleaner(translate=False)
    bad = 0
    for i in range(n):
        x = document(lines, rng)
        res = cleaner.clean(x)
        twice = cleaner.clean(res.text).text
        replayed = replay(res.source, res.report) == res.text
        if twice != res.text or not replayed:
            bad += 1
            print(json.dumps({"seed": seed, "i": i, "input": x, "once": res.text, "twice": twice,
                              "replay_ok": replayed}, ensure_ascii=False), flush=True)
    return bad


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5, 6])
    ap.add_argument("--docs", type=int, default=4000, help="documents per seed")
    args = ap.parse_args()
    lines = pool()
    total = 0
    for seed in args.seeds:
        t0 = time.time()
        bad = run(seed, args.docs, lines)
        total += bad
        print(f"seed {seed}: {bad} of {args.docs:,} documents not idempotent or not replayed "
              f"({time.time() - t0:.0f} s)", flush=True)
    print(f"total: {total} of {args.docs * len(args.seeds):,}")
    return 1 if total else 0


if __name__ == "__main__":
    raise SystemExit(main())
