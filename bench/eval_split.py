"""Sentence splitting before translation: the WMT22 figure and the hand-labelled set.

    .venv/bin/python bench/eval_split.py

* WMT22 Russian segments (``../shared/data/wmt22-generaltest-ru-en``): cuts made right
  after a 1-3-letter word followed by a full stop (abbreviations, initials) and one-word
  pieces cut out of longer segments, for the splitter of the starting commit (a full stop,
  ``!``, ``?``, ``…`` or ``;`` then a space) and for polyclean's current one; the
  remaining cuts are printed.
* ``tests/cases/sentence_boundaries.tsv``: boundaries found and false cuts.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from polyclean.translate.sentences import split_sentences  # noqa: E402

_OLD = re.compile(r"""(?<=[.!?…;。！？])["'”’»)\]]*\s+|\s*\n\s*""")


def old_split(text: str, lang: str = "") -> list[tuple[str, bool]]:
    parts, pos = [], 0
    for m in list(_OLD.finditer(text)) + [None]:
        end = m.start() if m else len(text)
        if text[pos:end].strip():
            parts.append((text[pos:end], True))
        if m:
            pos = m.end()
    return parts


def wmt(split) -> tuple[int, int, list[str]]:
    tsv = ROOT.parent / "shared" / "data" / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv"
    segs = [r.split("\t")[4] for r in tsv.read_text("utf-8").splitlines()[1:]]
    cuts, one, shown = 0, 0, []
    for t in segs:
        ps = [p.strip() for p, tr in split(t, "ru") if tr]
        for a, b in zip(ps, ps[1:]):
            if re.search(r"(?:^|\s)\w{1,3}\.\W*$", a):
                cuts += 1
                shown.append(f"…{a[-30:]} | {b[:30]}…")
        if len(ps) > 1:
            one += sum(1 for p in ps if len(p.split()) == 1)
    return cuts, one, shown


def labelled(split) -> tuple[int, int, int]:
    rows = [line.split("\t") for line in
            (ROOT / "tests" / "cases" / "sentence_boundaries.tsv").read_text("utf-8").splitlines()
            if line and not line.startswith("#")]
    found = false = total = 0
    for lang, marked in rows:
        sents = marked.split(" ‖ ")
        text = " ".join(sents)
        gold, p = set(), 0
        for s in sents[:-1]:
            p += len(s) + 1
            gold.add(p)
        cuts, p = set(), 0
        for piece, _ in split(text, lang):
            p += len(piece)
            if p < len(text):
                cuts.add(p + len(text[p:]) - len(text[p:].lstrip()))
        cuts.discard(len(text))
        found += len(gold & cuts)
        false += len(cuts - gold)
        total += len(gold)
    return found, false, total


def main() -> int:
    for name, split in (("starting commit", old_split), ("polyclean now", split_sentences)):
        cuts, one, shown = wmt(split)
        found, false, total = labelled(split)
        print(f"{name:16}: WMT22 ru: {cuts} cuts after a 1-3-letter word, {one} one-word "
              f"pieces; labelled set: {found}/{total} boundaries, {false} false cuts")
        if split is split_sentences:
            for s in shown:
                print("   ", s)
    return 0


if __name__ == "__main__":
    sys.exit(main())
