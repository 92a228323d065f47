"""Evaluate detection on the two hard mixed cases and print the figures.

    .venv/bin/python bench/eval_mixed.py                  # test split (odd lines)
    .venv/bin/python bench/eval_mixed.py --split dev      # the split the constants were chosen on
    .venv/bin/python bench/eval_mixed.py --weights        # how LETTER_WEIGHTS were measured

Data (read from ``<repo>/../shared/data``, never copied into the repo):

1. **Latin-script fragments inside English sentences.**  A run of 4-8 words cut from a
   lingua sentence (de fr es it pl pt nl tr, the languages taking turns) is put between
   two words of an NTREX English sentence (at least 6 words); each sentence is a
   document of its own.  A fragment is *found* when at least half of its non-space
   characters are in segments flagged foreign; character precision and recall count
   the non-space characters of those lines.  *English lines flagged*: NTREX and lingua
   English sentences, each a document of its own, with any segment flagged foreign.
2. **Short mixed documents.**  Two NTREX English sentences and one lingua Chinese,
   Japanese or Korean sentence of at least 20 characters (*long*: the longest tenth),
   on one line (the CJK sentence last or in the middle) or on three lines.  *Right*:
   an English document in which the CJK sentence is a foreign fragment in its
   language.  The reverse must hold too: documents of 3-6 CJK sentences with 2-4
   English UI strings (Ghost) keep their language (*document*); *mixed* adds an
   English sentence (reported only: with about a third of the text in English, such a
   document is mixed by any measure).

Items are split by line number: ``dev`` (even lines) is what the constants of
``polyclean/detect/inline.py`` were chosen on, ``test`` (odd lines, the default) is
reported and pinned in ``tests/test_detect.py``.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
for _p in (ROOT, ROOT / "bench"):
    if str(_p) not in sys.path:
        sys.path.insert(0, str(_p))

INLINE_LANGS = "de fr es it pl pt nl tr".split()
CJK = {"zh": "Han", "ja": "Kana", "ko": "Hangul"}


from eval_detect import _read_lines as _lines, _split  # noqa: E402  (the same splits)


def ntrex_english(split: str) -> list[str]:
    return _split(_lines(DATA / "ntrex128-newstest2019" / "original" / "newstest2019-src.eng.txt"),
                  split)


def lingua(lang: str, split: str) -> list[str]:
    return _split(_lines(DATA / "lingua-language-testdata" / "sentences" / f"{lang}.txt"), split)


def english_lines(split: str) -> list[str]:
    """English sentences that must not be flagged: NTREX and lingua English."""
    return ntrex_english(split) + lingua("en", split)


# --- 1. Latin-script fragments -------------------------------------------------------------
def latin_inline_items(split: str = "test", n: int = 800, seed: int = 5,
                       words: tuple[int, int] = (4, 8)
                       ) -> list[tuple[str, tuple[int, int], str]]:
    """``(text, (start, end) of the fragment, its language)``: a run of ``words`` (4-8)
    words of a lingua sentence between two words of an NTREX English sentence."""
    hosts = [s for s in ntrex_english(split) if len(s.split()) >= 6]
    pools = {lang: [s for s in lingua(lang, split) if len(s.split()) >= words[0]]
             for lang in INLINE_LANGS}
    return _inline_items(hosts, pools, INLINE_LANGS, n, random.Random(seed), words)


def _inline_items(hosts: list[str], pools: dict[str, list[str]], langs: list[str], n: int,
                  rng: random.Random, words: tuple[int, int] = (4, 8)
                  ) -> list[tuple[str, tuple[int, int], str]]:
    """``n`` items: a run of ``words`` (4-8) words of a sentence of ``pools[lang]`` (the
    languages taken in turn) between two words of a sentence of ``hosts``."""
    items = []
    for i in range(n):
        lang = langs[i % len(langs)]
        host = rng.choice(hosts).split()
        src = rng.choice(pools[lang]).split()
        k = rng.randint(words[0], min(words[1], len(src)))
        a = rng.randrange(len(src) - k + 1)
        frag = " ".join(src[a:a + k])
        cut = rng.randrange(1, len(host))
        head = " ".join(host[:cut]) + " "
        items.append((head + frag + " " + " ".join(host[cut:]),
                      (len(head), len(head) + len(frag)), lang))
    return items


TATOEBA = {"de": "deu", "fr": "fra", "es": "spa"}


def tatoeba_lines(code: str, lang: str = "eng") -> list[str]:
    """The ``lang`` side of the Tatoeba (LASER) test pair of ``code`` and English."""
    return _lines(DATA / "tatoeba-laser-testset" / "original" / f"tatoeba.{code}-eng.{lang}")


def tatoeba_english() -> list[str]:
    """Every distinct English sentence of the Tatoeba test pairs (short, everyday
    sentences, another source than NTREX news and lingua)."""
    files = sorted((DATA / "tatoeba-laser-testset" / "original").glob("tatoeba.*-eng.eng"))
    return sorted({s for f in files for s in _lines(f)})


def tatoeba_inline_items(n: int = 600, seed: int = 11
                         ) -> list[tuple[str, tuple[int, int], str]]:
    """As :func:`latin_inline_items`, from a source that played no part in choosing the
    detector's constants: a 4-8 word run of a Tatoeba German, French or Spanish sentence
    between two words of a Tatoeba English sentence."""
    hosts = [s for s in tatoeba_english() if len(s.split()) >= 6]
    pools = {lang: [s for s in tatoeba_lines(code, code) if len(s.split()) >= 4]
             for lang, code in TATOEBA.items()}
    return _inline_items(hosts, pools, sorted(pools), n, random.Random(seed))


def score_latin_inline(items, en_lines: list[str], segments: Callable) -> dict[str, float]:
    """Fragments found, language right, character precision / recall, English lines
    flagged; ``segments(text)`` gives a document's segments."""
    tp = fp = fn = found = right = 0
    for text, (a, b), lang in items:
        got: set[int] = set()
        langs = set()
        for s in segments(text):
            if s.foreign:
                got.update(j for j in range(s.start, s.end) if not text[j].isspace())
                langs.add(s.lang)
        gold = {j for j in range(a, b) if not text[j].isspace()}
        tp += len(gold & got)
        fp += len(got - gold)
        fn += len(gold - got)
        if 2 * len(gold & got) >= len(gold):
            found += 1
            right += lang in langs
    flagged = sum(any(s.foreign for s in segments(line)) for line in en_lines)
    return {"found": found / len(items), "lang_right": right / found if found else 0.0,
            "char_p": tp / (tp + fp) if tp + fp else 0.0,
            "char_r": tp / (tp + fn) if tp + fn else 0.0,
            "en_flagged": flagged / len(en_lines), "en_lines": len(en_lines),
            "en_flagged_n": flagged}


# --- 2. short mixed documents ----------------------------------------------------------------
def _ui_strings() -> list[str]:
    rows = (DATA / "ghost-theme-ui-strings" / "ui_strings.tsv").read_text("utf-8").split("\n")
    k = rows[0].split("\t").index("english")
    return sorted({r.split("\t")[k] for r in rows[1:] if r.count("\t") == rows[0].count("\t")
                   and r.split("\t")[k] and "{" not in r and "%" not in r})


def mixed_cjk_docs(split: str = "test", n: int = 150, seed: int = 3
                   ) -> dict[str, list[tuple[str, str, str]]]:
    """``{kind: [(text, expected document language, CJK language)]}`` for the kinds
    ``<lang>-typical``, ``<lang>-long`` (two English sentences and a CJK one) and
    ``<lang>-document`` (a CJK document with English UI strings) and ``<lang>-mixed``
    (the same with an English sentence)."""
    rng = random.Random(seed)
    en = ntrex_english(split)
    ui = _ui_strings()
    out: dict[str, list[tuple[str, str, str]]] = {}
    for lang in CJK:
        sents = [s for s in lingua(lang, split) if len(s) >= 20]
        longest = sorted(sents, key=len)[int(0.9 * len(sents)):]
        for kind, pool in (("typical", sents), ("long", longest)):
            docs = out.setdefault(f"{lang}-{kind}", [])
            for _ in range(n):
                a, b = rng.sample(en, 2)
                c = rng.choice(pool)
                docs += [(f"{a} {b} {c}", "en", lang), (f"{a} {c} {b}", "en", lang),
                         (f"{a}\n{b}\n{c}", "en", lang)]
        for kind in ("document", "mixed"):
            docs = out.setdefault(f"{lang}-{kind}", [])
            for _ in range(n):
                lines = rng.sample(sents, rng.randint(3, 6)) + rng.sample(ui, rng.randint(2, 4))
                if kind == "mixed":
                    lines.append(rng.choice(en))
                rng.shuffle(lines)
                docs.append(("\n".join(lines), lang, lang))
    return out


def score_mixed_cjk(docs: dict[str, list[tuple[str, str, str]]], detect: Callable
                    ) -> dict[str, float]:
    """Share of documents right per kind; ``detect(text)`` gives a DocDetection."""
    out = {}
    for kind, items in docs.items():
        ok = 0
        for text, doc_lang, lang in items:
            det = detect(text)
            if det.lang != doc_lang:
                continue
            ok += doc_lang == lang or any(s.foreign and s.lang == lang for s in det.segments)
        out[kind] = ok / len(items)
    return out


# --- letter weights ------------------------------------------------------------------------
def letter_weights() -> None:
    """How many English letters carry as much text as a letter of zh, ja, ko: the mean
    word length of wordfreq's English list over theirs, beside the ratio of letters in
    parallel text (NTREX English/Chinese, Tatoeba English/Mandarin)."""
    from polyclean.detect.wordlists import _freqs
    from polyclean.segment import count_letters

    def mean_letters(lang: str) -> float:
        d = _freqs(lang)
        total = sum(d.values())
        return sum(f * count_letters(w) for w, f in d.items()) / total

    en = mean_letters("en")
    print("letters of a word (wordfreq 'small' lists, weighted by frequency): "
          f"en {en:.2f}")
    for lang in CJK:
        m = mean_letters(lang)
        print(f"  {lang} {m:.2f}  -> a letter weighs {en / m:.2f} English letters")
    nt = DATA / "ntrex128-newstest2019" / "original"
    e = sum(map(count_letters, _lines(nt / "newstest2019-src.eng.txt")))
    z = sum(map(count_letters, _lines(nt / "newstest2019-ref.zho-CN.txt")))
    rows = (DATA / "tatoeba-laser-testset" / "tatoeba_cmn_eng.tsv").read_text("utf-8").split("\n")
    head = rows[0].split("\t")
    pairs = [r.split("\t") for r in rows[1:] if r.count("\t") == len(head) - 1]
    te = sum(count_letters(p[head.index("eng")]) for p in pairs)
    tz = sum(count_letters(p[head.index("cmn")]) for p in pairs)
    print(f"parallel text, English letters per Chinese character: NTREX {e / z:.2f}, "
          f"Tatoeba {te / tz:.2f}")


# --- 3. Chinese inside Japanese ------------------------------------------------------------
def zh_in_ja_docs(split: str = "test", n: int = 300, seed: int = 7
                  ) -> list[tuple[str, tuple[int, int]]]:
    """``(text, (start, end) of the Chinese sentence)``: three lingua Japanese sentences
    and one lingua Chinese sentence (10+ characters), a line each."""
    rng = random.Random(seed)
    ja = lingua("ja", split)
    zh = [s for s in lingua("zh", split) if len(s) >= 10]
    out = []
    for _ in range(n):
        a, b, d = rng.sample(ja, 3)
        z = rng.choice(zh)
        start = len(a) + len(b) + 2
        out.append((f"{a}\n{b}\n{z}\n{d}", (start, start + len(z))))
    return out


def score_zh_in_ja(docs, detect: Callable) -> dict[str, float]:
    """Share of documents that stay Japanese with the Chinese sentence a Chinese
    fragment; of Chinese sentences alone (every lingua one of the split) labelled
    Japanese."""
    ok = 0
    for text, (a, b) in docs:
        d = detect(text)
        segs = [s for s in d.segments if s.start >= a and s.end <= b]
        ok += d.lang == "ja" and bool(segs) and all(s.foreign and s.lang == "zh" for s in segs)
    return {"zh-in-ja": ok / len(docs)}


# --- report ---------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--split", choices=("test", "dev"), default="test")
    ap.add_argument("--items", type=int, default=800, help="inline fragments built (800)")
    ap.add_argument("--weights", action="store_true", help="print the letter weights measured")
    args = ap.parse_args(argv)
    if not DATA.is_dir():
        print(f"shared data not found at {DATA}", file=sys.stderr)
        return 2
    if args.weights:
        letter_weights()
        return 0
    from polyclean.config import Config
    from polyclean.detect import detect_document

    items = latin_inline_items(args.split, args.items)
    en = english_lines(args.split)
    docs = mixed_cjk_docs(args.split)
    print(f"split={args.split}: {len(items)} Latin-script fragments in English sentences, "
          f"{len(en)} English sentences; {sum(map(len, docs.values()))} mixed CJK documents")
    rows = []
    for detector in ("auto", "langdetect"):
        cfg = Config(detector=detector)
        t = time.perf_counter()
        m = score_latin_inline(items, en, lambda x: detect_document(x, cfg).segments)
        m.update(score_mixed_cjk(docs, lambda x: detect_document(x, cfg)))
        m.update(score_zh_in_ja(zh_in_ja_docs(args.split), lambda x: detect_document(x, cfg)))
        rows.append((f"polyclean[{detector}]", m, time.perf_counter() - t))
    print(f"\n{'':36}" + "".join(f"{r[0]:>20}" for r in rows) + f"{'target':>10}")
    targets = {"found": ">= 0.80", "char_p": ">= 0.90", "en_flagged": "<= 0.001"}
    keys = ["found", "lang_right", "char_p", "char_r", "en_flagged", "en_flagged_n"]
    keys += [k for k in rows[0][1] if "-" in k]
    for k in keys:
        print(f"{k:36}" + "".join(f"{r[1][k]:>20.4f}" for r in rows) + f"{targets.get(k, ''):>10}")
    print(f"{'seconds':36}" + "".join(f"{r[2]:>20.1f}" for r in rows))
    print(f"\nBy fragment length ({args.items} fragments each, the same hosts and sources; "
          "reported, no constant was chosen on them):")
    print(f"{'words':36}{'found':>10}{'lang_right':>12}{'char_p':>10}{'char_r':>10}")
    for lo, hi in ((3, 3), (4, 4), (5, 5), (6, 6), (8, 8), (3, 8)):
        m = score_latin_inline(latin_inline_items(args.split, args.items, words=(lo, hi)),
                               en[:1], lambda x: detect_document(x, Config()).segments)
        k = f"{lo}" if lo == hi else f"{lo}-{hi}"
        print(f"{k:<36}{m['found']:>10.3f}{m['lang_right']:>12.3f}{m['char_p']:>10.3f}"
              f"{m['char_r']:>10.3f}")
    t_items, t_en = tatoeba_inline_items(), tatoeba_english()
    m = score_latin_inline(t_items, t_en, lambda x: detect_document(x, Config()).segments)
    print(f"\nTatoeba (a source not used to choose any constant): {len(t_items)} de/fr/es "
          f"fragments in English sentences, {len(t_en)} English sentences")
    for k in ("found", "lang_right", "char_p", "char_r", "en_flagged", "en_flagged_n"):
        print(f"{k:36}{m[k]:>20.4f}{targets.get(k, ''):>10}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
