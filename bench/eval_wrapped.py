"""Hard-wrapped text through the whole clean: does the body stay, does the furniture go?

    .venv/bin/python bench/eval_wrapped.py              # figures of this tree
    .venv/bin/python bench/eval_wrapped.py --base SHA   # the same figures of SHA beside them

Text cut at a fixed column (mail archives, ``lynx -dump``, ``fmt``, Project Gutenberg
files) is built from gold article bodies (read from ``<repo>/../shared/data``):

* **bodies**: each paragraph of a gold body wrapped with ``textwrap.fill`` at 50, 60,
  66, 72 and 80 columns, and ``fmt``-style (75 columns, long words and hyphenated
  words never broken), the paragraphs separated by blank lines (and, in the rows "no
  blank line", by a line break only, as ``lynx -dump`` and indented-paragraph text
  have them), "Subscribe" and "Log in" above them; the share of the body's words kept
  by ``Cleaner(translate=False).clean``.  Scrapinghub's 100 bodies are split in two
  halves: the constants of the wrapping rule were chosen on the even-numbered ones
  (0, 2, ...) only; the odd-numbered ones and CleanEval's 58 gold texts (a paragraph
  per marked block; never tuned on) are the held-out figures.  "unwrapped" is the
  same bodies with a paragraph a line, the figure to reach.  CleanEval's gold texts
  are also measured as their annotators left them (lynx output, markers dropped).
* **attack**: each Scrapinghub body wrapped at 60 and 72 columns and ``fmt``-style with
  its page's own furniture around it (the lines of the whole-page text before the first
  and after the last line of the body, as ``eval_boilerplate.label_lines`` labels
  them, with their blank lines): 300 documents.  The share of the furniture's
  characters removed (a furniture line counts as removed when no copy of it is left
  in the output), the share of the gold body's words kept, on how many documents
  ``clean(clean(x)) != clean(x)``, and how many furniture lines were joined into a
  block judged as one paragraph; beside them the same pages with the body unwrapped.
* **footer**: each page's longest furniture line that wraps to 2-3 lines at 72
  columns, below the wrapped bodies of 8 pages, cleaned as one batch: the share of
  footers removed whole (recurring in the batch, or by any other reason).

With ``--base SHA`` the base commit is checked out in a temporary ``git worktree`` and
this script runs again with ``PYTHONPATH`` pointing at it (the same venv, the same
data), so both columns come from one run on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import textwrap
from collections import Counter
from pathlib import Path

# the tree measured: this one, or the base commit's worktree (--base runs this script again)
ROOT = Path(os.environ.get("EVAL_WRAPPED_TREE") or Path(__file__).resolve().parents[1])
sys.path[:0] = [str(ROOT), str(ROOT / "bench")]
DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

WIDTHS = ("50", "60", "66", "72", "80", "fmt")
ATTACK_WIDTHS = ("60", "72", "fmt")
HEAD = "Subscribe\nLog in\n\n"
_CE_MARK_RE = re.compile(r"^([ \t]*)<[phl]>", re.M)


def wrap(paragraph: str, width: str) -> str:
    """One paragraph cut at ``width`` columns (``fmt``: 75, no word broken)."""
    if width == "fmt":
        return textwrap.fill(paragraph, 75, break_long_words=False, break_on_hyphens=False)
    return textwrap.fill(paragraph, int(width))


def paragraphs(gold: str) -> list[str]:
    return [" ".join(p.split()) for p in gold.split("\n") if p.strip()]


def wrapped(gold: str, width: str, sep: str = "\n\n") -> str:
    paras = paragraphs(gold)
    if width == "unwrapped":
        return sep.join(paras)
    return sep.join(wrap(p, width) for p in paras)


def body_figures(cleaner, golds: list[str], sep: str = "\n\n") -> dict[str, float]:
    """Share of the words of the wrapped bodies kept, by width."""
    out = {}
    for width in ("unwrapped",) + WIDTHS:
        kept = total = 0
        for gold in golds:
            text = wrapped(gold, width, sep)
            kept += len(cleaner.clean(HEAD + text).text.split())
            total += len(text.split())
        out[width] = kept / total
    return out


def _lines(text: str) -> Counter:
    return Counter(s for s in (ln.strip() for ln in text.split("\n")) if s)


def attack_docs(pages: list[tuple[str, str]], widths=ATTACK_WIDTHS, sep: str = "\n\n"):
    """(document, furniture lines, gold, the body's span) of each body wrapped among its page's furniture."""
    import eval_boilerplate as eb

    for page, gold in pages:
        labels = eb.label_lines(page, gold)
        body = [k for k, (_, is_body) in enumerate(labels) if is_body]
        if not body:
            head, tail = [ln for ln, _ in labels], []
        else:
            head = [ln for ln, _ in labels[:body[0]]]
            tail = [ln for ln, _ in labels[body[-1] + 1:]]
        furniture = [s for s in (ln.strip() for ln in head + tail) if s]
        for width in widths:
            before, body = "\n".join(head) + "\n\n", wrapped(gold, width, sep)
            doc = before + body + "\n\n" + "\n".join(tail)
            yield doc, furniture, gold, (len(before), len(before) + len(body))


def attack_figures(cleaner, pages: list[tuple[str, str]], widths=ATTACK_WIDTHS,
                   sep: str = "\n\n") -> dict:
    """Furniture removed, body kept, second cleans that differ, and furniture lines
    joined into a block judged as one paragraph (the danger of joining)."""
    import eval_boilerplate as eb
    from polyclean.boilerplate import remover

    furn = furn_removed = tp = gold_tokens = differ = docs = joined = 0
    for doc, furniture, gold, (start, end) in attack_docs(pages, widths, sep):
        out = cleaner.clean(doc).text
        left = _lines(out)
        for s in furniture:
            furn += len(s)
            if left[s] > 0:
                left[s] -= 1
            else:
                furn_removed += len(s)
        for a, b in remover._unwrap(*remover._lines(doc))[0]:
            if (a < start or b > end + 1) and "\n" in doc[a:b].rstrip("\n"):
                joined += doc[a:b].rstrip("\n").count("\n") + 1
        k = Counter(w.lower() for w in eb._WORD_RE.findall(out))
        g = Counter(w.lower() for w in eb._WORD_RE.findall(gold))
        tp += sum((k & g).values())
        gold_tokens += sum(g.values())
        differ += cleaner.clean(out).text != out
        docs += 1
    return {"furniture_removed": furn_removed / furn, "body_words_kept": tp / gold_tokens,
            "second_clean_differs": differ, "docs": docs, "furniture_lines_joined": joined}


def footer_figures(cleaner, pages: list[tuple[str, str]], width: str = "72",
                   size: int = 8) -> dict:
    """A wrapped footer recurring in a batch: each page's longest furniture line that
    wraps to 2 or 3 lines, below the wrapped bodies of ``size`` pages (a batch each)."""
    import eval_boilerplate as eb

    golds = [g for _, g in pages]
    footers = removed = tp = gold_tokens = 0
    for k, (page, gold) in enumerate(pages):
        lines = [" ".join(ln.split()) for ln, is_body in eb.label_lines(page, gold) if not is_body]
        lines = [s for s in lines if 2 <= wrap(s, width).count("\n") + 1 <= 3]
        if not lines:
            continue
        foot = wrap(max(lines, key=len), width)
        bodies = [golds[(k + i) % len(golds)] for i in range(size)]
        for gold, res in zip(bodies, cleaner.clean_batch(
                [wrapped(g, width) + "\n\n" + foot + "\n" for g in bodies])):
            at = res.repaired.rfind(foot)
            gone = [(c.start, c.end) for c in res.record.changes if c.step == "boilerplate"]
            footers += 1
            starts = [at] + [at + m.end() for m in re.finditer("\n", foot)]  # of its lines
            removed += at >= 0 and all(any(a <= s < b for a, b in gone) for s in starts)
            k_ = Counter(w.lower() for w in eb._WORD_RE.findall(res.text))
            g_ = Counter(w.lower() for w in eb._WORD_RE.findall(gold))
            tp += sum((k_ & g_).values())
            gold_tokens += sum(g_.values())
    return {"docs": footers, "footers_removed": removed / footers,
            "body_words_kept": tp / gold_tokens}


_CE_BLOCK_RE = re.compile(r"^[ \t]*<[phl]>|\n[ \t]*\r?\n", re.M)


def load_cleaneval_golds() -> list[tuple[str, str]]:
    """(paragraphs, a paragraph a line; the gold text as its annotators left it, cut
    at lynx's column, markers dropped) of each CleanEval gold text."""
    import eval_boilerplate as eb

    out = []
    with open(eb.CLEANEVAL / "manifest.jsonl", encoding="utf-8") as fh:
        for line in fh:
            raw = (eb.CLEANEVAL / json.loads(line)["gold_file"]).read_bytes()
            try:
                gold = raw.decode("utf-8").lstrip("\ufeff")
            except UnicodeDecodeError:
                gold = raw.decode("cp1252", errors="replace")
            if gold.startswith("URL:"):
                gold = gold.split("\n", 1)[1]
            paras = [" ".join(b.split()) for b in _CE_BLOCK_RE.split(gold) if b.strip()]
            out.append(("\n".join(paras), _CE_MARK_RE.sub("", gold)))
    return out


def native_figures(cleaner, texts: list[str]) -> tuple[float, int]:
    """Share of the words kept of texts already cut at a column, and on how many of them
    a second clean differs from the first."""
    kept = total = differ = 0
    for text in texts:
        out = cleaner.clean(HEAD + text).text
        kept += len(out.split())
        total += len(text.split())
        differ += cleaner.clean(out).text != out
    return kept / total, differ


def measure() -> dict:
    import eval_boilerplate as eb
    import polyclean
    from polyclean import Cleaner

    assert Path(polyclean.__file__).resolve().is_relative_to(ROOT.resolve()), polyclean.__file__
    eb.SCRAPINGHUB = DATA / "scrapinghub-article-extraction-benchmark"
    eb.CLEANEVAL = DATA / "cleaneval-dev"
    cleaner = Cleaner(translate=False)
    pages = eb.load_scrapinghub()
    golds = [g for _, g in pages]
    cleaneval = load_cleaneval_golds()
    ce = body_figures(cleaner, [p for p, _ in cleaneval])
    ce["lynx"], ce["lynx_differ"] = native_figures(cleaner, [n for _, n in cleaneval])
    return {
        "scrapinghub_even": body_figures(cleaner, golds[0::2]),
        "scrapinghub_odd": body_figures(cleaner, golds[1::2]),
        "scrapinghub_all": body_figures(cleaner, golds),
        "cleaneval": ce,
        "scrapinghub_even, no blank line": body_figures(cleaner, golds[0::2], "\n"),
        "scrapinghub_odd, no blank line": body_figures(cleaner, golds[1::2], "\n"),
        "cleaneval, no blank line": body_figures(cleaner, [p for p, _ in cleaneval], "\n"),
        "attack": attack_figures(cleaner, pages),
        "attack_unwrapped": attack_figures(cleaner, pages, ("unwrapped",)),
        "attack_no_blank": attack_figures(cleaner, pages, sep="\n"),
        "footer": footer_figures(cleaner, pages),
    }


def run_base(sha: str) -> dict:
    from compare_base import drop_worktree, worktree

    with tempfile.TemporaryDirectory() as tmp:
        tree = worktree(sha, Path(tmp) / "base")
        try:
            env = dict(os.environ, PYTHONPATH=str(tree), EVAL_WRAPPED_TREE=str(tree))
            proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--json"],
                                  env=env, capture_output=True, text=True)
            if proc.returncode:
                sys.exit(f"the base run failed:\n{proc.stderr}")
        finally:
            drop_worktree(tree)
    return json.loads(proc.stdout)


def show(now: dict, base: dict | None) -> None:
    cols = ("unwrapped",) + WIDTHS
    print("Share of the body's words kept" + (" (base / now)" if base else ""))
    print(f"{'set':32}" + "".join(f"{c:>14}" for c in cols))
    for name in now:
        if name.startswith(("attack", "footer")) or (base and name not in base):
            continue
        row = f"{name:32}"
        for c in cols:
            v = f"{100 * now[name][c]:.1f}"
            row += f"{(f'{100 * base[name][c]:.1f} / ' + v) if base else v:>14}"
        print(row)
    ce, bce = now["cleaneval"], base and base["cleaneval"]
    print(f"cleaneval as its annotators left it (lynx output): words kept "
          f"{(format(bce['lynx'], '.1%') + ' -> ') if bce else ''}{ce['lynx']:.1%}, a second "
          f"clean differs on {(str(bce.get('lynx_differ', '?')) + ' -> ') if bce else ''}"
          f"{ce['lynx_differ']} of 58")
    print("\nAttack: each body wrapped at 60, 72 and fmt among its page's furniture "
          "(reference: the same 100 pages with the body unwrapped; with no blank line "
          "between the body's paragraphs)")
    for key, fmt in (("docs", "{}"), ("furniture_removed", "{:.1%}"),
                     ("body_words_kept", "{:.1%}"), ("second_clean_differs", "{}"),
                     ("furniture_lines_joined", "{}")):
        row = f"  {key:24}"
        for name in ("attack", "attack_no_blank"):
            b = (fmt.format(base[name][key]) + " -> ") if base and name in base else ""
            row += f" {b + fmt.format(now[name][key]):>16}"
        print(row + f"   unwrapped: {fmt.format(now['attack_unwrapped'][key])}")


    f, b = now["footer"], base and base["footer"]
    print(f"\nA wrapped footer (2-3 lines at 72) recurring in a batch of 8 wrapped bodies "
          f"({f['docs']} documents)")
    for key in ("footers_removed", "body_words_kept"):
        print(f"  {key:24} {(format(b[key], '.1%') + ' -> ') if b else ''}{f[key]:.1%}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base", help="a commit to measure beside this tree")
    ap.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = ap.parse_args()
    if args.json:
        json.dump(measure(), sys.stdout)
        return
    base = run_base(args.base) if args.base else None
    show(measure(), base)


if __name__ == "__main__":
    main()
