"""Evaluate boilerplate removal on real scraped text and print the figures.

    .venv/bin/python bench/eval_boilerplate.py            # quality tables and speed
    .venv/bin/python bench/eval_boilerplate.py --no-speed # quality only
    .venv/bin/python bench/eval_boilerplate.py --write-ghost-phrases
        # regenerate polyclean/data/boilerplate_phrases_ghost.txt from the Ghost themes

Data (read from ``<repo>/../shared/data``, never copied into the repo):

* ``scrapinghub-article-extraction-benchmark``: whole-page text (html-text 0.7.0) of
  100 article pages against the gold article body.  Every page line is labelled
  *body* when at least half of its word characters align with the gold text
  (``difflib`` over word sequences, matching runs of two or more words); scores
  are by characters of the stripped lines.
* ``trafilatura-eval-subset``: the visible text of 170 multilingual pages
  (``html_text.extract_text``), with the annotators' must-include and must-exclude
  segments; a segment counts when it is present in the extracted text.
* ``../shared/samples/sputnik-truss-2022-09-06.txt``: the seed page.

The stage is measured on its own: ``BoilerplateRemover`` from polyclean on the raw
lines (no repair, no normalisation); each data set is one batch (``learn`` on all
pages, then ``find`` on each), and also page by page (no learning) for comparison.
Baselines in the same run: keep everything, and a C4-style line rule (keep lines that
end in terminal punctuation and have at least 3 words).
"""

from __future__ import annotations

import argparse
import csv
import difflib
import gzip
import json
import re
import sys
import time
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
SCRAPINGHUB = DATA / "scrapinghub-article-extraction-benchmark"
TRAFILATURA = DATA / "trafilatura-eval-subset"
GHOST = DATA / "ghost-theme-ui-strings"
SPUTNIK = SHARED / "samples" / "sputnik-truss-2022-09-06.txt"

sys.path.insert(0, str(ROOT))
import polyclean.boilerplate as _bp  # noqa: E402
from polyclean.boilerplate import BoilerplateRemover  # noqa: E402
from polyclean.config import Config  # noqa: E402
from polyclean.report import apply_changes  # noqa: E402

_WORD_RE = re.compile(r"\w+")
_WS_RE = re.compile(r"\s+")

# A method takes a list of documents and returns, for each, the text that is kept.
Method = Callable[[list[str]], list[str]]


# --- methods -------------------------------------------------------------------------------
def keep_all(docs: list[str]) -> list[str]:
    return list(docs)


_C4_END = (".", "!", "?", '"')


def c4_rule(docs: list[str]) -> list[str]:
    """C4-style: keep lines that end in terminal punctuation and have >= 3 words."""
    out = []
    for doc in docs:
        kept = [ln for ln in doc.split("\n")
                if ln.strip().endswith(_C4_END) and len(ln.split()) >= 3]
        out.append("\n".join(kept))
    return out


def polyclean_batch(docs: list[str], config: Config | None = None) -> list[str]:
    """polyclean's remover, the documents learned as one batch."""
    remover = BoilerplateRemover(config or Config())
    remover.learn(docs)
    return [apply_changes(d, remover.find(d)) for d in docs]


def polyclean_single(docs: list[str], config: Config | None = None) -> list[str]:
    """polyclean's remover, each document on its own (nothing learned)."""
    out = []
    for d in docs:
        remover = BoilerplateRemover(config or Config())
        remover.learn([d])
        out.append(apply_changes(d, remover.find(d)))
    return out


METHODS: dict[str, Method] = {
    "keep everything": keep_all,
    "C4-style rule": c4_rule,
    "polyclean, page by page": polyclean_single,
    "polyclean, one batch": polyclean_batch,
}


# --- scrapinghub: characters of body / other lines ---------------------------------------------
def load_scrapinghub() -> list[tuple[str, str]]:
    """(whole-page text, gold article body) for each page."""
    gold = {}
    with open(SCRAPINGHUB / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            gold[d["id"]] = d["articleBody"]
    pages = []
    with open(SCRAPINGHUB / "fullpage_text_html-text.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            pages.append((d["text"], gold[d["id"]]))
    return pages


def label_lines(page: str, gold: str) -> list[tuple[str, bool]]:
    """Each line of ``page`` with True when it belongs to the gold body."""
    words = [(m.group().lower(), m.start(), m.end()) for m in _WORD_RE.finditer(page)]
    gwords = [m.group().lower() for m in _WORD_RE.finditer(gold)]
    sm = difflib.SequenceMatcher(None, [w for w, _, _ in words], gwords, autojunk=False)
    inside = bytearray(len(page))
    for a, _, size in sm.get_matching_blocks():
        if size < 2:
            continue
        for k in range(a, a + size):
            _, s, e = words[k]
            inside[s:e] = b"\x01" * (e - s)
    out = []
    pos = 0
    for line in page.split("\n"):
        end = pos + len(line)
        total = sum(m.end() - m.start() for m in _WORD_RE.finditer(line))
        hit = sum(inside[pos:end])
        out.append((line, total > 0 and hit * 2 >= total))
        pos = end + 1
    return out


def _line_counts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for ln in text.split("\n"):
        s = ln.strip()
        if s:
            counts[s] = counts.get(s, 0) + 1
    return counts


def char_scores(pages: list[tuple[str, str]], method: Method) -> dict[str, float]:
    """Characters of body lines kept and of other lines removed by ``method``."""
    outputs = method([p for p, _ in pages])
    body = other = body_kept = other_kept = 0
    for (page, gold), out in zip(pages, outputs):
        left = _line_counts(out)  # a line is kept while copies of it are left in out
        for line, is_body in label_lines(page, gold):
            s = line.strip()
            if not s:
                continue
            kept = left.get(s, 0) > 0
            if kept:
                left[s] -= 1
            if is_body:
                body += len(s)
                body_kept += len(s) if kept else 0
            else:
                other += len(s)
                other_kept += len(s) if kept else 0
    kept_total = body_kept + other_kept
    precision = body_kept / kept_total if kept_total else 0.0
    recall = body_kept / body if body else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "body_kept": recall,
        "other_removed": 1 - other_kept / other if other else 0.0,
        "body_chars": body,
        "other_chars": other,
    }


# --- trafilatura: must-include / must-exclude segments ------------------------------------------
_CHARSET_RE = re.compile(rb"""<meta[^>]+charset=["']?([\w-]+)""", re.I)


def decode_html(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    for m in _CHARSET_RE.finditer(raw[:20000]):
        name = m.group(1).decode("ascii", "ignore")
        if name.lower().replace("-", "") in ("utf8",):
            continue
        try:
            return raw.decode(name)
        except (LookupError, UnicodeDecodeError):
            continue
    return raw.decode("cp1252", errors="replace")


def load_trafilatura() -> list[dict]:
    """Pages with ``text`` (visible text by html-text), ``with`` and ``without``."""
    import html_text

    pages = []
    with open(TRAFILATURA / "annotations.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            raw = gzip.open(TRAFILATURA / d["html_file"]).read()
            text = html_text.extract_text(decode_html(raw), guess_layout=True)
            pages.append({"url": d["url"], "lang": d.get("lang_guess"), "text": text,
                          "with": d["with"], "without": d["without"]})
    return pages


def _flat(s: str) -> str:
    return _WS_RE.sub(" ", s).strip()


def segment_scores(pages: list[dict], method: Method) -> dict[str, float]:
    """Share of must-include segments kept and must-exclude segments removed.

    Only segments present in the extracted text count."""
    outputs = method([p["text"] for p in pages])
    inc = inc_kept = exc = exc_removed = 0
    for page, out in zip(pages, outputs):
        src, dst = _flat(page["text"]), _flat(out)
        for seg in page["with"]:
            s = _flat(seg)
            if s and s in src:
                inc += 1
                inc_kept += s in dst
        for seg in page["without"]:
            s = _flat(seg)
            if s and s in src:
                exc += 1
                exc_removed += s not in dst
    return {
        "include_kept": inc_kept / inc if inc else 0.0,
        "exclude_removed": exc_removed / exc if exc else 0.0,
        "include_n": inc,
        "exclude_n": exc,
    }


# --- Ghost theme phrases ------------------------------------------------------------------------
_NUMERIC_PLACEHOLDERS = {"%", "{numberOfIssues}", "{numberOfPosts}", "{page}", "{totalPages}"}
_SKIP_KEYS = {" and ", " (Page %)", "in {primaryTag}", "jamie@example.com"}
_PLACEHOLDER_RE = re.compile(r"\{\{?\w+\}\}?|%")

GHOST_HEADER = """\
# UI strings of the Ghost themes Source and Dawn (their locales/ folders), flattened by
# bench/eval_boilerplate.py --write-ghost-phrases from ../shared/data/ghost-theme-ui-strings.
# Number placeholders became 0; a string ending in a name placeholder ("By {authors}")
# became a [prefix] entry; strings with other placeholders or e-mail addresses were dropped.
#
# MIT License. Copyright (c) Ghost Foundation.
# Permission is hereby granted, free of charge, to any person obtaining a copy of this
# software and associated documentation files (the "Software"), to deal in the Software
# without restriction, including without limitation the rights to use, copy, modify,
# merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
# permit persons to whom the Software is furnished to do so, subject to the following
# conditions: The above copyright notice and this permission notice shall be included in
# all copies or substantial portions of the Software.
# THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED,
# INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR
# PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE
# FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR
# OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER
# DEALINGS IN THE SOFTWARE.
"""


def _ghost_entry(s: str) -> tuple[str | None, str | None]:
    s = (s or "").strip()
    if not s or "@" in s:
        return None, None
    for p in _PLACEHOLDER_RE.findall(s):
        if p in _NUMERIC_PLACEHOLDERS:
            s = s.replace(p, "0")
    rest = _PLACEHOLDER_RE.findall(s)
    if not rest:
        return "ui", s
    if len(rest) == 1 and s.endswith(rest[0]) and s[: -len(rest[0])].strip():
        return "prefix", s[: -len(rest[0])].strip()
    return None, None


def write_ghost_phrases(out: Path = ROOT / "polyclean" / "data" / "boilerplate_phrases_ghost.txt") -> int:
    found: dict[str, set[str]] = {"ui": set(), "prefix": set()}
    with open(GHOST / "ui_strings.tsv", encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            if row["key"] in _SKIP_KEYS or row["english"] in _SKIP_KEYS:
                continue
            for col in ("english", "translation"):
                section, entry = _ghost_entry(row[col])
                if section:
                    found[section].add(entry.replace("\n", " "))
    lines = [GHOST_HEADER.rstrip("\n"), *sorted(found["ui"]), "[prefix]", *sorted(found["prefix"])]
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return len(found["ui"]) + len(found["prefix"])


# --- sputnik seed page --------------------------------------------------------------------------
def sputnik_result() -> tuple[str, list]:
    text = SPUTNIK.read_text(encoding="utf-8")
    remover = BoilerplateRemover(Config())
    remover.learn([text])
    changes = remover.find(text)
    return apply_changes(text, changes), changes


# --- speed -------------------------------------------------------------------------------------
def speed(texts: list[str], repeat: int = 3) -> dict[str, float]:
    """MB/s of the stage as the pipeline runs it (``learn`` on the batch, then ``find``
    on each page), of ``find`` alone, and of ``ftfy.fix_text``, best of ``repeat``.
    The per-process line cache is cleared before each run, so only lines that repeat
    within the corpus hit it."""
    import ftfy

    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best_stage = best_find = best_ftfy = float("inf")
    for _ in range(repeat):
        _bp._LINE_CACHE.clear()
        remover = BoilerplateRemover(Config())
        t0 = time.perf_counter()
        remover.learn(texts)
        t1 = time.perf_counter()
        for t in texts:
            remover.find(t)
        t2 = time.perf_counter()
        best_stage = min(best_stage, t2 - t0)
        _bp._LINE_CACHE.clear()
        t0 = time.perf_counter()
        for t in texts:
            remover.find(t)
        best_find = min(best_find, time.perf_counter() - t0)
        t0 = time.perf_counter()
        for t in texts:
            ftfy.fix_text(t)
        best_ftfy = min(best_ftfy, time.perf_counter() - t0)
    return {"mb": mb, "stage_mb_s": mb / best_stage, "find_mb_s": mb / best_find,
            "ftfy_mb_s": mb / best_ftfy, "stage_vs_ftfy": best_ftfy / best_stage,
            "find_vs_ftfy": best_ftfy / best_find}


# --- main --------------------------------------------------------------------------------------
def _print_char_table(pages: list[tuple[str, str]]) -> None:
    print(f"\nScrapinghub article extraction benchmark: {len(pages)} whole pages vs gold body "
          "(by characters)")
    print(f"{'method':<26}{'precision':>10}{'recall':>8}{'F1':>7}{'body kept':>11}"
          f"{'other removed':>15}")
    for name, method in METHODS.items():
        r = char_scores(pages, method)
        print(f"{name:<26}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['f1']:>7.3f}"
              f"{r['body_kept']:>11.1%}{r['other_removed']:>15.1%}")
    print("floors pinned in tests (one batch): body kept >= 98%, other removed >= 70%")


def _print_segment_table(pages: list[dict]) -> None:
    print(f"\nTrafilatura evaluation subset: {len(pages)} pages, visible text by html-text")
    r0 = segment_scores(pages, keep_all)
    print(f"segments present in the extracted text: {r0['include_n']} must-include, "
          f"{r0['exclude_n']} must-exclude")
    print(f"{'method':<26}{'include kept':>14}{'exclude removed':>17}")
    for name, method in METHODS.items():
        r = segment_scores(pages, method)
        print(f"{name:<26}{r['include_kept']:>14.1%}{r['exclude_removed']:>17.1%}")
    print("floors pinned in tests (one batch): include kept >= 97%, exclude removed >= 60%")


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    ap.add_argument("--write-ghost-phrases", action="store_true",
                    help="regenerate polyclean/data/boilerplate_phrases_ghost.txt and exit")
    args = ap.parse_args(list(argv) if argv is not None else None)
    if not DATA.is_dir():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 1
    if args.write_ghost_phrases:
        print(f"wrote {write_ghost_phrases()} entries")
        return 0

    out, changes = sputnik_result()
    print(f"Sputnik seed page: {len(changes)} lines removed")
    for ch in changes:
        print(f"  - {ch.reason:<24} {ch.original.strip()[:70]!r}")

    sh = load_scrapinghub()
    _print_char_table(sh)
    tr = load_trafilatura()
    _print_segment_table(tr)

    if not args.no_speed:
        texts = [p for p, _ in sh]
        s = speed(texts)
        print(f"\nSpeed on the {len(texts)} scrapinghub whole pages ({s['mb']:.2f} MB), best of 3:")
        print(f"  learn + find (as in the pipeline): {s['stage_mb_s']:.1f} MB/s "
              f"({s['stage_vs_ftfy']:.1f}x ftfy)   find alone: {s['find_mb_s']:.1f} MB/s "
              f"({s['find_vs_ftfy']:.1f}x ftfy)   ftfy.fix_text: {s['ftfy_mb_s']:.1f} MB/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
