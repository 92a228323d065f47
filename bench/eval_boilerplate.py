"""Evaluate boilerplate removal on real scraped text and print the figures.

    .venv/bin/python bench/eval_boilerplate.py            # quality tables and speed
    .venv/bin/python bench/eval_boilerplate.py --no-speed # quality only
    .venv/bin/python bench/eval_boilerplate.py --idempotence  # clean(clean(x)) == clean(x), every page
    .venv/bin/python bench/eval_boilerplate.py --write-ghost-phrases
        # regenerate polyclean/data/boilerplate_phrases_ghost.txt from the Ghost themes

Data (read from ``<repo>/../shared/data``, never copied into the repo):

* ``scrapinghub-article-extraction-benchmark``: whole-page text (html-text 0.7.0) of
  100 article pages against the gold article body.  Every page line is labelled
  *body* when at least half of its word characters align with the gold text
  (``difflib`` over word sequences, matching runs of two or more words); scores
  are by characters of the stripped lines, plus the token F1 of the kept text
  against the gold text (the upstream benchmark's measure).
* ``cleaneval-dev``: the visible text (html-text) of 58 pages against the gold
  cleaned text (block markers removed), scored the same way.
* ``trafilatura-eval-subset``: the visible text of 170 multilingual pages
  (``html_text.extract_text``), with the annotators' must-include and must-exclude
  segments; a segment counts when it is present in the extracted text.
* ``../shared/samples/sputnik-truss-2022-09-06.txt``: the seed page.

The stage is measured on its own: ``BoilerplateRemover`` on the raw lines (no
repair, no normalisation).  Methods, all in the same run:

* keep everything; a C4-style line rule (keep lines that end in terminal
  punctuation and have at least 3 words);
* the rules of the commit before the line classifier (``--base``, loaded with
  ``git show``), each data set one batch;
* polyclean *leave-site-out*: each page alone, judged by the fold model of
  ``bench/boilerplate_cv_folds.json`` that never saw its site -- the held-out
  figures, pinned as floors in ``tests/test_boilerplate.py``;
* polyclean with the shipped model, one batch (trained on these very pages: not a
  held-out figure, shown for comparison only).
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
from collections import Counter
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DATA = SHARED / "data"
SCRAPINGHUB = DATA / "scrapinghub-article-extraction-benchmark"
TRAFILATURA = DATA / "trafilatura-eval-subset"
GHOST = DATA / "ghost-theme-ui-strings"
FOLDS_FILE = ROOT / "bench" / "boilerplate_cv_folds.json"
BASE_COMMIT = "13618a5"  # the last commit with the rule-only remover
SPUTNIK = SHARED / "samples" / "sputnik-truss-2022-09-06.txt"

sys.path.insert(0, str(ROOT))
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
    """polyclean's remover with the shipped model, the documents learned as one batch
    (the model was trained on these pages: not a held-out figure)."""
    remover = BoilerplateRemover(config or Config())
    remover.learn(docs)
    return [apply_changes(d, remover.find(d)) for d in docs]


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    h = urlsplit(url).netloc.lower()
    return h[4:] if h.startswith("www.") else h


def leave_site_out(docs: list[str], urls: list[str]) -> list[str]:
    """Each page alone, by the fold model of bench/boilerplate_cv_folds.json that never
    saw its site (the figures pinned in the tests)."""
    from polyclean.boilerplate import LineModel

    cv = json.loads(FOLDS_FILE.read_text("utf-8"))
    models = {h: LineModel({**f["model"], "threshold": cv["threshold"],
                            "unanchored_threshold": cv["unanchored_threshold"]})
              for f in cv["folds"] for h in f["hosts"]}
    out = []
    for d, u in zip(docs, urls):
        r = BoilerplateRemover(Config(), models[_host(u)])
        r.learn([d])
        out.append(apply_changes(d, r.find(d)))
    return out


def load_base(commit: str):
    """The remover of an earlier commit (``git show``), importable beside the new one:
    "today's rules" in the same run."""
    import importlib.util
    import subprocess
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="polyclean-bp-base-"))
    src = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:polyclean/boilerplate.py"],
                         capture_output=True, text=True, check=True).stdout
    (tmp / "data").mkdir()
    for name in ("boilerplate_phrases.txt", "boilerplate_phrases_ghost.txt"):
        data = subprocess.run(["git", "-C", str(ROOT), "show", f"{commit}:polyclean/data/{name}"],
                              capture_output=True, text=True, check=True).stdout
        (tmp / "data" / name).write_text(data, encoding="utf-8")
    (tmp / "base_boilerplate.py").write_text(src, encoding="utf-8")
    spec = importlib.util.spec_from_file_location("polyclean._bp_base", tmp / "base_boilerplate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def base_batch(base, docs: list[str]) -> list[str]:
    remover = base.BoilerplateRemover(Config())
    remover.learn(docs)
    return [apply_changes(d, remover.find(d)) for d in docs]


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
    tp = kept_tokens = gold_tokens = 0
    for (page, gold), out in zip(pages, outputs):
        k = Counter(w.lower() for w in _WORD_RE.findall(out))
        g = Counter(w.lower() for w in _WORD_RE.findall(gold))
        tp += sum((k & g).values())
        kept_tokens += sum(k.values())
        gold_tokens += sum(g.values())
    tp_p = tp / kept_tokens if kept_tokens else 0.0
    tp_r = tp / gold_tokens if gold_tokens else 0.0
    token_f1 = 2 * tp_p * tp_r / (tp_p + tp_r) if tp_p + tp_r else 0.0
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
        "token_f1": token_f1,
        "body_chars": body,
        "other_chars": other,
    }


# --- CleanEval dev: visible text of each page against the gold cleaned text ------------------------
CLEANEVAL = DATA / "cleaneval-dev"
_CE_MARK_RE = re.compile(r"^\s*<[phl]>", re.M)


def load_cleaneval() -> list[tuple[str, str, str]]:
    """(visible text by html-text, gold text without block markers, url) for each page."""
    pages = []
    for d, text in _visible_pages(CLEANEVAL / "manifest.jsonl", "input_file"):
        gold_raw = (CLEANEVAL / d["gold_file"]).read_bytes()
        try:
            gold = gold_raw.decode("utf-8")
        except UnicodeDecodeError:
            gold = gold_raw.decode("cp1252", errors="replace")
        gold = _CE_MARK_RE.sub(" ", gold.split("\n", 1)[1] if gold.startswith("URL:") else gold)
        pages.append((text, gold, d["url"]))
    return pages


def _visible_pages(manifest: Path, field: str):
    """(record, visible text by html-text) for each line of a JSONL manifest."""
    import html_text

    with open(manifest, encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            raw = gzip.open(manifest.parent / d[field]).read()
            yield d, html_text.extract_text(decode_html(raw), guess_layout=True)


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
    pages = []
    for d, text in _visible_pages(TRAFILATURA / "annotations.jsonl", "html_file"):
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


# --- idempotence -------------------------------------------------------------------------------
def idempotence_pages(sample: bool = False) -> list[tuple[str, str]]:
    """(name, text) of real pages: Scrapinghub, CleanEval and trafilatura visible text;
    with ``sample``, a fixed quarter of them (the test's sample)."""
    out = [(f"scrapinghub/{i}", t) for i, (t, _) in enumerate(load_scrapinghub())]
    out += [(f"cleaneval/{i}", t) for i, (t, _, _) in enumerate(load_cleaneval())]
    out += [(f"trafilatura/{i}", p["text"]) for i, p in enumerate(load_trafilatura())]
    return out[::4] if sample else out


def idempotence(pages: list[tuple[str, str]]) -> list[str]:
    """Names of the pages where cleaning the cleaned text changes it (translation off)."""
    from polyclean import Cleaner

    cleaner = Cleaner(translate=False)
    bad = []
    for name, text in pages:
        once = cleaner.clean(text).text
        if cleaner.clean(once).text != once:
            bad.append(name)
    return bad


# --- speed -------------------------------------------------------------------------------------
def speed(texts: list[str], base=None, rounds: int = 5) -> dict[str, object]:
    """Seconds of the stage as the pipeline runs it (``learn`` on the batch, then
    ``find`` on each page), new and ``base`` in alternation, median and range over
    ``rounds``; the per-process line memos are emptied before each run."""
    from statistics import median

    from polyclean.boilerplate import clear_caches

    times: dict[str, list[float]] = {"new": [], "base": []}
    for _ in range(rounds):
        for name in ("new", "base") if base is not None else ("new",):
            if name == "new":
                clear_caches()
                make = BoilerplateRemover
            else:
                base._LINE_CACHE.clear()
                make = base.BoilerplateRemover
            t0 = time.process_time()
            remover = make(Config())
            remover.learn(texts)
            for t in texts:
                remover.find(t)
            times[name].append(time.process_time() - t0)
    mb = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    return {"mb": mb, **{k: (median(v), min(v), max(v)) for k, v in times.items() if v}}


# --- main --------------------------------------------------------------------------------------
def _method_outputs(base, docs: list[str], urls: list[str]) -> dict[str, list[str]]:
    outs = {"keep everything": keep_all(docs), "C4-style rule": c4_rule(docs)}
    if base is not None:
        outs[f"rules of {BASE_COMMIT} (one batch)"] = base_batch(base, docs)
    outs["polyclean, leave-site-out"] = leave_site_out(docs, urls)
    outs["polyclean, shipped (trained here)"] = polyclean_batch(docs)
    return outs


def _print_char_table(title: str, pages: list[tuple[str, str]], urls: list[str], base) -> None:
    print(f"\n{title}: {len(pages)} whole pages vs gold text (by characters; token F1 of the kept text)")
    print(f"{'method':<36}{'precision':>10}{'recall':>8}{'F1':>7}{'token F1':>10}{'body kept':>11}"
          f"{'other removed':>15}")
    for name, outs in _method_outputs(base, [p for p, _ in pages], urls).items():
        r = char_scores(pages, lambda docs, _o=outs: _o)
        print(f"{name:<36}{r['precision']:>10.3f}{r['recall']:>8.3f}{r['f1']:>7.3f}{r['token_f1']:>10.3f}"
              f"{r['body_kept']:>11.1%}{r['other_removed']:>15.1%}")


def _print_segment_table(pages: list[dict], base) -> None:
    print(f"\nTrafilatura evaluation subset: {len(pages)} pages, visible text by html-text")
    r0 = segment_scores(pages, keep_all)
    print(f"segments present in the extracted text: {r0['include_n']} must-include, "
          f"{r0['exclude_n']} must-exclude")
    print(f"{'method':<36}{'include kept':>14}{'exclude removed':>17}")
    outs = _method_outputs(base, [p["text"] for p in pages], [p["url"] for p in pages])
    for name, out in outs.items():
        r = segment_scores(pages, lambda docs, _o=out: _o)
        print(f"{name:<36}{r['include_kept']:>14.1%}{r['exclude_removed']:>17.1%}")


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    ap.add_argument("--idempotence", action="store_true",
                    help="only check clean(clean(x)) == clean(x) on every page")
    ap.add_argument("--base", default=BASE_COMMIT, help="commit whose rules are compared ('' for none)")
    ap.add_argument("--write-ghost-phrases", action="store_true",
                    help="regenerate polyclean/data/boilerplate_phrases_ghost.txt and exit")
    args = ap.parse_args(list(argv) if argv is not None else None)
    if not DATA.is_dir():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 1
    if args.write_ghost_phrases:
        print(f"wrote {write_ghost_phrases()} entries")
        return 0
    if args.idempotence:
        pages = idempotence_pages()
        bad = idempotence(pages)
        print(f"clean(clean(x)) != clean(x) on {len(bad)} of {len(pages)} pages (translation off)")
        for name in bad:
            print(f"  {name}")
        return 1 if bad else 0
    base = load_base(args.base) if args.base else None

    out, changes = sputnik_result()
    print(f"Sputnik seed page: {len(changes)} lines removed")
    for ch in changes:
        print(f"  - {ch.reason:<24} {ch.original.strip()[:70]!r}")

    sh = load_scrapinghub()
    urls = {}
    with open(SCRAPINGHUB / "ground_truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            urls[d["articleBody"]] = d["url"]
    _print_char_table("Scrapinghub article extraction benchmark", sh, [urls[g] for _, g in sh], base)
    ce = load_cleaneval()
    _print_char_table("CleanEval dev", [(t, g) for t, g, _ in ce], [u for _, _, u in ce], base)
    _print_segment_table(load_trafilatura(), base)
    print("\nfloors pinned in tests (leave-site-out): see FLOORS in tests/test_boilerplate.py")

    if not args.no_speed:
        texts = [p for p, _ in sh]
        s = speed(texts, base)
        new = s["new"]
        print(f"\nSpeed on the {len(texts)} scrapinghub whole pages ({s['mb']:.2f} MB), learn + find, "
              f"CPU seconds, median [range] of 5 rounds: new {new[0]:.3f} [{new[1]:.3f}-{new[2]:.3f}]",
              end="")
        if "base" in s:
            b = s["base"]
            print(f", {args.base} {b[0]:.3f} [{b[1]:.3f}-{b[2]:.3f}], new/base {new[0] / b[0]:.2f}x")
        else:
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
