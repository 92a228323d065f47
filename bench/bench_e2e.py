"""End-to-end benchmark: polyclean against the naive composition of its four named
packages and against ``ftfy.fix_text`` alone, on one corpus, in one run.

    .venv/bin/python bench/bench_e2e.py            # the figures of bench/RESULTS.md (~4 min)
    .venv/bin/python bench/bench_e2e.py --quick    # a smaller corpus (~1 min)

The corpus (built here from ``<repo>/../shared/data``, seeded; nothing is stored):

* English news pages with their boilerplate: the whole-page texts (html-text) of the
  Scrapinghub article-extraction benchmark, pages whose gold body is English.  A line
  of a page is *body* when it is a paragraph of the gold ``articleBody``, *boilerplate*
  when it appears nowhere in it, and is left out of the scores otherwise (a line that is
  only part of a paragraph, or has no letter or digit).
* Foreign fragments injected into those pages as lines inside the article: Russian
  segments of WMT22 (ru-en, 2 to 40 words) and, for 15 other languages, sentences or
  two-word fragments (half each) of Lingua's test data.
* Mojibake: English body lines holding non-ASCII punctuation or letters, turned into
  UTF-8-read-as-cp1252 mojibake; some injected Russian lines turned into UTF-8-read-as-
  cp1251 or cp1251-read-as-cp1252 mojibake.
* Legacy-encoded files: the raw bytes of chardet's test feeds in single- and double-byte
  legacy codecs (KOI8-R, cp1251, cp866, MacCyrillic, ISO-8859-5/7/2/9, GB2312, ...),
  cut to ``--legacy-bytes``; the manifest's codec gives the true text.

Every document goes in as bytes (pages as UTF-8).  The systems, each in a fresh process:

* ``polyclean``: ``Cleaner(translate=False).clean_batch`` over batches of 256 documents.
* ``naive``: per document ``bytes.decode("utf-8", "replace")`` (none of the four packages
  decodes bytes), ``ftfy.fix_text``, then per line with a letter ``langdetect.detect``
  (``DetectorFactory.seed = 0``), a line not detected as ``en`` is foreign, and last
  ``unidecode`` on the document.  ``naive+translate`` also sends each foreign line to
  ``argostranslate.translate.translate(line, lang, "en")`` (lines in a language without a
  package are kept: argostranslate raises for them).  The package is a hand-set Argos
  package (``tests/argos_tiny.py``) whose lexicon is the ``--words`` most frequent words
  of the corpus' Russian lines, sized so that a decoding step costs about what a real
  Argos model's does (see ``bench/bench_translate.py``); MiniSBD, which would download a
  model, is replaced by polyclean's sentence splitter.
* ``ftfy``: ``bytes.decode("utf-8", "replace")`` then ``ftfy.fix_text`` per document.

Throughput: input MB (document bytes) per second of processing, models already loaded
(one warm-up document first); polyclean and ftfy take the best of ``--repeat`` passes,
the naive systems one pass.  Quality columns (definitions in bench/RESULTS.md) compare
``canon`` forms of lines: ``unidecode``, lower case, only letters and digits, so quote,
dash and transliteration differences between the systems do not count.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import json
import os
import pickle
import platform
import random
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
SCRAPINGHUB = DATA / "scrapinghub-article-extraction-benchmark"
WMT = DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv"
LINGUA = DATA / "lingua-language-testdata"
CHARDET = DATA / "chardet-legacy-encodings"
OTHER_LANGS = ["de", "fr", "es", "uk", "it", "pl", "pt", "tr", "nl", "bg", "be", "zh", "ja",
               "ko", "ar"]
LEGACY_CODECS = {"cp1251", "iso8859_5", "koi8_r", "cp866", "mac_cyrillic", "iso8859_7",
                 "cp1250", "iso8859_2", "gb2312", "latin_1", "iso8859_9", "cp1252", "cp1254",
                 "iso8859_6", "cp1256"}


# --- canonical line form ---------------------------------------------------------------
def canon(line: str) -> str:
    """Letters and digits of the transliterated, lower-cased line, single-spaced.

    >>> canon("It\\u2019s \\u201cfine\\u201d \\u2014 \\u041f\\u0440\\u0438\\u0432\\u0435\\u0442!")
    'it s fine privet'
    """
    from unidecode import unidecode

    return " ".join(re.findall(r"[a-z0-9]+", unidecode(line).lower()))


def canon_lines(text: str) -> set[str]:
    return {c for c in map(canon, text.split("\n")) if c}


# --- the corpus --------------------------------------------------------------------------
@dataclass
class Line:
    gold: str  # the true text of the line (before any corruption)
    label: str  # body, boilerplate, foreign, skip
    mojibake: str = ""  # "", "en-cp1252", "ru-cp1251", "ru-1251as1252", "legacy"
    lang: str = "en"


@dataclass
class Doc:
    name: str
    kind: str  # page or legacy
    data: bytes
    lines: list[Line] = field(default_factory=list)
    codec: str = "utf-8"


def _sloppy(text: str, shown_as: str) -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-125x)

    return text.encode("utf-8").decode(f"sloppy-windows-{shown_as}")


def _load_sources(rng: random.Random):
    for need in (SCRAPINGHUB, WMT, LINGUA / "sentences", LINGUA / "word-pairs", CHARDET):
        if not need.exists():
            sys.exit(f"bench_e2e: {need} is missing; the benchmark needs ../shared/data")
    gt = {}
    for l in (SCRAPINGHUB / "ground_truth.jsonl").read_text("utf-8").splitlines():
        r = json.loads(l)
        gt[r["id"]] = r
    pages = []
    for l in (SCRAPINGHUB / "fullpage_text_html-text.jsonl").read_text("utf-8").splitlines():
        r = json.loads(l)
        if gt[r["id"]]["lang_guess"] == "en":
            pages.append((r["id"], r["text"], gt[r["id"]]["articleBody"]))
    ru = []
    for row in WMT.read_text("utf-8").splitlines()[1:]:
        seg = row.split("\t")[4].strip()
        if 2 <= len(seg.split()) <= 40:
            ru.append(seg)
    other = {(lang, kind): [s.strip() for s in (LINGUA / kind / f"{lang}.txt").read_text(
        "utf-8").splitlines() if s.strip()]
        for lang in OTHER_LANGS for kind in ("sentences", "word-pairs")}
    manifest = [json.loads(l) for l in (CHARDET / "manifest.jsonl").read_text().splitlines()]
    return pages, ru, other, manifest


def build_corpus(n_pages: int, n_legacy: int, legacy_bytes: int, seed: int) -> list[Doc]:
    rng = random.Random(seed)
    pages, ru, other, manifest = _load_sources(rng)
    rng.shuffle(pages)
    docs: list[Doc] = []
    ru_left = iter(rng.sample(ru, len(ru)))
    for k, (pid, text, body) in enumerate(pages[:n_pages]):
        paragraphs = {c for c in map(canon, body.split("\n")) if c}
        whole = canon(body)
        lines: list[Line] = []
        for raw in text.split("\n"):
            c = canon(raw)
            label = ("skip" if not c else "body" if c in paragraphs
                     else "skip" if c in whole else "boilerplate")
            lines.append(Line(raw, label))
        body_at = [i for i, l in enumerate(lines) if l.label == "body"]
        if not body_at:
            continue
        # Foreign lines inside the article, after random body lines (from the end, so
        # the indices stay valid).
        inserts = []
        for _ in range(rng.randint(1, 4)):
            if rng.random() < 0.55:
                inserts.append(Line(next(ru_left), "foreign", lang="ru"))
            else:
                lang = rng.choice(OTHER_LANGS)  # a sentence, or a two-word fragment
                kind = "sentences" if rng.random() < 0.5 else "word-pairs"
                inserts.append(Line(rng.choice(other[lang, kind]), "foreign", lang=lang))
        if k % 3 == 0:  # a Russian line as mojibake
            shown = "ru-cp1251" if k % 6 == 0 else "ru-1251as1252"
            inserts.append(Line(next(ru_left), "foreign", mojibake=shown, lang="ru"))
        for ins in inserts:
            at = rng.choice(body_at) + 1
            lines.insert(at, ins)
            body_at = [i + (i >= at) for i in body_at]
        # English mojibake: body lines with non-ASCII characters, read as cp1252.
        accented = [i for i in body_at if any(ord(ch) > 127 for ch in lines[i].gold)]
        for i in rng.sample(accented, min(len(accented), rng.randint(0, 3))):
            lines[i].mojibake = "en-cp1252"
        shown_lines = []
        for l in lines:
            if l.mojibake == "en-cp1252":
                shown_lines.append(_sloppy(l.gold, "1252"))
            elif l.mojibake == "ru-cp1251":
                shown_lines.append(_sloppy(l.gold, "1251"))
            elif l.mojibake == "ru-1251as1252":
                shown_lines.append(l.gold.encode("cp1251").decode("cp1252", "replace"))
            else:
                shown_lines.append(l.gold)
        docs.append(Doc(f"page-{k:03d}.txt", "page", "\n".join(shown_lines).encode("utf-8"),
                        lines))
    # Legacy-encoded feeds: round-robin over the codecs, seeded order within each.
    by_codec: dict[str, list[dict]] = collections.defaultdict(list)
    for m in manifest:
        if m["python_codec"] in LEGACY_CODECS:
            by_codec[m["python_codec"]].append(m)
    for v in by_codec.values():
        rng.shuffle(v)
    order = sorted(by_codec)
    picked: list[dict] = []
    while len(picked) < n_legacy and any(by_codec.values()):
        for c in order:
            if by_codec[c] and len(picked) < n_legacy:
                picked.append(by_codec[c].pop())
    for j, m in enumerate(picked):
        data = (CHARDET / m["file"]).read_bytes()
        if len(data) > legacy_bytes:
            cut = data.rfind(b"\n", 0, legacy_bytes)
            data = data[: cut if cut > 0 else legacy_bytes]
        text = data.decode(m["python_codec"])
        lines = [Line(l, "skip", mojibake="legacy" if sum(ord(ch) > 127 and ch.isalpha()
                                                         for ch in l) >= 3 else "")
                 for l in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
        docs.append(Doc(f"legacy-{j:03d}-{m['python_codec']}.txt", "legacy", data, lines,
                        m["python_codec"]))
    return docs


# --- the systems (each runs in its own process) ---------------------------------------------
def _line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in re.finditer("\n", text)]


def run_polyclean(docs: list[Doc], repeat: int) -> dict:
    t0 = time.perf_counter()
    from polyclean import Cleaner

    Cleaner(translate=False).clean(docs[0].data)  # load the models
    load = time.perf_counter() - t0
    best, results = float("inf"), None
    for _ in range(repeat):
        cleaner = Cleaner(translate=False)
        t = time.perf_counter()
        res = []
        for i in range(0, len(docs), 256):
            res += cleaner.clean_batch([d.data for d in docs[i:i + 256]],
                                       [d.name for d in docs[i:i + 256]])
        best = min(best, time.perf_counter() - t)
        results = res
    outs = []
    for r in results:
        starts = _line_starts(r.repaired)
        line = lambda offset: bisect.bisect_right(starts, offset) - 1  # noqa: E731
        flagged = sorted({line(s.start) for s in r.segments
                          if s.lang and s.lang not in ("en", "und")})
        removed = sorted({i for c in (r.report.get("changes", []) if r.ok else [])
                          if c["step"] == "boilerplate"
                          for i in range(line(c["start"]), line(max(c["start"], c["end"] - 1)) + 1)})
        outs.append({"text": r.text, "repaired": r.repaired, "flagged": flagged,
                     "removed": removed, "error": r.error})
    return {"seconds": best, "load": load, "docs": outs}


def _naive_decode(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def run_ftfy(docs: list[Doc], repeat: int) -> dict:
    t0 = time.perf_counter()
    import ftfy

    ftfy.fix_text(_naive_decode(docs[0].data))
    load = time.perf_counter() - t0
    best, outs = float("inf"), []
    for _ in range(repeat):
        t = time.perf_counter()
        outs = [ftfy.fix_text(_naive_decode(d.data)) for d in docs]
        best = min(best, time.perf_counter() - t)
    return {"seconds": best, "load": load,
            "docs": [{"text": o, "repaired": o, "flagged": []} for o in outs]}


def naive_clean(text: str, argos=None) -> dict:
    """The naive composition on one document: ``ftfy.fix_text``, seeded langdetect on
    every line with a letter (the caller sets ``DetectorFactory.seed = 0``), each line not
    in English through ``argos`` (``argostranslate.translate``) when given, ``unidecode``.
    ``bench_pipeline.py`` times the same function, translation off."""
    import ftfy
    from langdetect import LangDetectException, detect
    from unidecode import unidecode

    fixed = ftfy.fix_text(text)
    out, flagged = [], []
    for i, line in enumerate(fixed.split("\n")):
        if any(ch.isalpha() for ch in line):
            try:
                lang = detect(line)
            except LangDetectException:
                lang = "unknown"
            if lang != "en":
                flagged.append(i)
                if argos is not None:
                    try:
                        line = argos.translate(line, lang, "en")
                    except Exception:  # no package for that language: keep the line
                        pass
        out.append(line)
    return {"text": unidecode("\n".join(out)), "repaired": fixed, "flagged": flagged}


def run_naive(docs: list[Doc], translate: bool) -> dict:
    t0 = time.perf_counter()
    from langdetect import DetectorFactory, detect

    DetectorFactory.seed = 0
    argos = None
    if translate:
        import argostranslate.translate as argos
        from offline_argos import use_polyclean_splitter

        use_polyclean_splitter()  # MiniSBD would download a model
        argos.translate("Кошка", "ru", "en")
    detect("The council met on Tuesday.")
    naive_clean("Warm-up.")  # ftfy and unidecode imported and loaded before the timing
    load = time.perf_counter() - t0
    t = time.perf_counter()
    outs = [naive_clean(_naive_decode(d.data), argos) for d in docs]
    return {"seconds": time.perf_counter() - t, "load": load, "docs": outs}


def child(system: str, corpus: Path, out: Path, repeat: int) -> None:
    docs = pickle.loads(corpus.read_bytes())
    if system == "polyclean":
        res = run_polyclean(docs, repeat)
    elif system == "ftfy":
        res = run_ftfy(docs, repeat)
    else:
        res = run_naive(docs, translate=system == "naive+translate")
    out.write_text(json.dumps(res, ensure_ascii=False), "utf-8")


# --- scoring ---------------------------------------------------------------------------------------
@dataclass
class Score:
    hit: int = 0
    total: int = 0

    def add(self, ok: bool) -> None:
        self.total += 1
        self.hit += bool(ok)

    def pct(self) -> str:
        return f"{100 * self.hit / self.total:5.1f}%" if self.total else "  n/a"


@dataclass
class F1:
    """F1 of keeping body lines and removing boilerplate lines (body is the positive
    class: a kept body line is a true positive, a kept boilerplate line a false one)."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def hit(self) -> float:
        return 2 * self.tp

    @property
    def total(self) -> int:
        return 2 * self.tp + self.fp + self.fn

    def pct(self) -> str:
        return f"{self.hit / self.total:5.3f}" if self.total else "  n/a"


COLUMNS = ["foreign lines found", "English lines wrongly flagged", "mojibake repaired",
           "boilerplate removed", "body text kept"]
# Added columns (not in the list): see "Quality columns, precisely" in RESULTS.md.
EXTRA = ["body/boilerplate F1", "all text kept"]


def score(docs: list[Doc], outs: list[dict]) -> tuple[dict[str, Score], dict[str, Score]]:
    cols: dict = {c: Score() for c in COLUMNS + EXTRA}
    cols["body/boilerplate F1"] = f1 = F1()
    moj = collections.defaultdict(Score)
    for doc, out in zip(docs, outs):
        final = canon_lines(out["text"])
        repaired = canon_lines(out["repaired"])
        n_rep = len(out["repaired"].split("\n"))
        aligned = n_rep == len(doc.lines)  # line i of the input is line i of "repaired"
        flagged = set(out["flagged"]) if aligned else set()
        removed = set(out.get("removed", ())) if aligned else set()
        body = {canon(l.gold) for l in doc.lines if l.label == "body"}
        for i, l in enumerate(doc.lines):
            c = canon(l.gold)
            if not c:
                continue
            if l.mojibake:
                ok = c in repaired
                cols["mojibake repaired"].add(ok)
                moj[l.mojibake].add(ok)
            if doc.kind != "page":
                if l.mojibake == "legacy":  # a legacy file's text, in its true form
                    cols["all text kept"].add(c in final)
                continue
            is_flagged = i in flagged
            if l.label == "foreign":  # found: flagged as not English, and not deleted
                cols["foreign lines found"].add(is_flagged and i not in removed)
                cols["all text kept"].add(c in final)
            elif l.label == "body":
                cols["English lines wrongly flagged"].add(is_flagged)
                cols["body text kept"].add(c in final)
                cols["all text kept"].add(c in final)
                if c in final:
                    f1.tp += 1
                else:
                    f1.fn += 1
            elif l.label == "boilerplate" and c not in body:
                cols["boilerplate removed"].add(c not in final)
                f1.fp += c in final
    return cols, moj


# --- the run ------------------------------------------------------------------------------------------
def build_package(docs: list[Doc], tmp: Path, n_words: int) -> dict[str, str]:
    sys.path.insert(0, str(ROOT / "tests"))
    sys.path.insert(0, str(ROOT))
    import argos_tiny
    from unidecode import unidecode

    from polyclean import models

    counts = collections.Counter(w for d in docs for l in d.lines if l.lang == "ru"
                                 for w in l.gold.split())
    lex: dict[str, str] = {}
    for word, _ in counts.most_common():
        target = unidecode(word)
        if target and target != word and not re.search(r"\s", target) and len(word) <= 60:
            lex[word] = target
        if len(lex) >= n_words:
            break
    env = {"ARGOS_PACKAGES_DIR": str(tmp / "packages"), "XDG_DATA_HOME": str(tmp / "data"),
           "XDG_CONFIG_HOME": str(tmp / "config"), "XDG_CACHE_HOME": str(tmp / "cache"),
           "ARGOS_DEVICE_TYPE": "cpu"}
    z = argos_tiny.build_package(tmp / "build", lex, version="1.0")
    models.install_file(z, env["ARGOS_PACKAGES_DIR"])
    return env


def run_child(system: str, corpus: Path, tmp: Path, repeat: int, env: dict) -> dict:
    out = tmp / f"{system}.json"
    full = {**os.environ, **env, "PYTHONPATH": str(ROOT)}
    t = time.perf_counter()
    proc = subprocess.run([sys.executable, __file__, "--child", system, "--corpus", str(corpus),
                           "--out", str(out), "--repeat", str(repeat)], env=full,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_e2e: {system} failed:\n{proc.stderr[-3000:]}")
    res = json.loads(out.read_text("utf-8"))
    res["wall"] = time.perf_counter() - t
    return res


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores (shared), Python {platform.python_version()}"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="a smaller corpus (about 1 minute)")
    ap.add_argument("--pages", type=int, help="English pages (default 36; --quick 8)")
    ap.add_argument("--legacy", type=int, help="legacy-encoded files (default 20; --quick 8)")
    ap.add_argument("--legacy-bytes", type=int, default=4000,
                    help="bytes kept of each legacy file (default 4000)")
    ap.add_argument("--words", type=int, default=350, help="lexicon of the Argos package")
    ap.add_argument("--repeat", type=int, default=5, help="timed passes of polyclean and ftfy")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--no-translate-baseline", action="store_true",
                    help="skip naive+translate (no argostranslate needed)")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child, Path(args.corpus), Path(args.out), args.repeat)
        return 0
    pages = args.pages or (8 if args.quick else 36)
    legacy = args.legacy or (8 if args.quick else 20)
    t_start = time.perf_counter()
    docs = build_corpus(pages, legacy, args.legacy_bytes, args.seed)
    n_bytes = sum(len(d.data) for d in docs)
    labels = collections.Counter(l.label for d in docs for l in d.lines if canon(l.gold))
    mojis = collections.Counter(l.mojibake for d in docs for l in d.lines
                                if l.mojibake and canon(l.gold))
    print(f"corpus   : {sum(d.kind == 'page' for d in docs)} English pages + "
          f"{sum(d.kind == 'legacy' for d in docs)} legacy-encoded files, "
          f"{n_bytes / 1e6:.2f} MB, {sum(len(d.lines) for d in docs):,} lines; "
          f"gold: {labels['body']} body, {labels['boilerplate']} boilerplate, "
          f"{labels['foreign']} foreign, mojibake "
          + ", ".join(f"{k} {v}" for k, v in sorted(mojis.items())))
    print(f"machine  : {machine()}")
    print(f"command  : {' '.join([Path(sys.executable).name, *sys.argv])}\n")
    systems = ["polyclean", "naive", "ftfy"]
    if not args.no_translate_baseline:
        systems.insert(2, "naive+translate")
    with tempfile.TemporaryDirectory(prefix="polyclean-e2e-") as tmp:
        tmp = Path(tmp)
        corpus = tmp / "corpus.pickle"
        corpus.write_bytes(pickle.dumps(docs))
        env: dict[str, str] = {}
        if "naive+translate" in systems:
            env = build_package(docs, tmp, args.words)
        results = {}
        for s in systems:
            results[s] = run_child(s, corpus, tmp, args.repeat if s in ("polyclean", "ftfy")
                                   else 1, env)
    mbps = {s: n_bytes / r["seconds"] / 1e6 for s, r in results.items()}
    print("throughput (models loaded; input bytes per second)")
    print(f"  {'system':<18} {'seconds':>8} {'MB/s':>8} {'docs/s':>8} {'load s':>7}  polyclean is")
    for s, r in results.items():
        ratio = mbps["polyclean"] / mbps[s]
        print(f"  {s:<18} {r['seconds']:8.2f} {mbps[s]:8.3f} {len(docs) / r['seconds']:8.1f} "
              f"{r['load']:7.2f}  {ratio:8.1f}x")
    scores = {s: score(docs, r["docs"]) for s, r in results.items()}
    print("\nquality (share of the gold lines of each column; wrongly flagged: lower is better)")
    print(f"  {'system':<18}" + "".join(f"{c:>{max(len(c), 9) + 2}}" for c in COLUMNS))
    for s in results:
        cols = scores[s][0]
        print(f"  {s:<18}" + "".join(f"{cols[c].pct():>{max(len(c), 9) + 2}}" for c in COLUMNS))
    print("\nadded columns (not among the issue's five; see bench/RESULTS.md)")
    print(f"  {'system':<18}" + "".join(f"{c:>{max(len(c), 9) + 2}}" for c in EXTRA))
    for s in results:
        cols = scores[s][0]
        print(f"  {s:<18}" + "".join(f"{cols[c].pct():>{max(len(c), 9) + 2}}" for c in EXTRA))
    print("  mojibake by kind  : " + "; ".join(
        f"{s} " + ", ".join(f"{k} {m.hit}/{m.total}" for k, m in sorted(scores[s][1].items()))
        for s in ("polyclean", "naive", "ftfy")))
    errors = [d["error"] for d in results["polyclean"]["docs"] if d.get("error")]
    if errors:
        print(f"  polyclean refused {len(errors)} documents: {errors[:3]}")

    def better(col: str, other: str) -> bool:
        a, b = scores["polyclean"][0][col], scores[other][0][col]
        ra, rb = a.hit / max(a.total, 1), b.hit / max(b.total, 1)
        return ra < rb if col == "English lines wrongly flagged" else ra > rb

    print("\ntargets")
    checks = [(f"polyclean >= 100x naive (no translation): {mbps['polyclean'] / mbps['naive']:.0f}x",
               mbps["polyclean"] / mbps["naive"] >= 100)]
    if "naive+translate" in mbps:
        r = mbps["polyclean"] / mbps["naive+translate"]
        checks.append((f"polyclean >= 100x naive+translate: {r:.0f}x", r >= 100))
    r = mbps["polyclean"] / mbps["ftfy"]
    checks.append((f"polyclean >= 1.0x ftfy.fix_text alone: {r:.2f}x", r >= 1.0))
    for col in COLUMNS:
        a, b = scores["polyclean"][0][col], scores["naive"][0][col]
        if col != "English lines wrongly flagged" and a.hit == a.total and b.hit == b.total:
            checks.append((f"better than naive in '{col}': tied at 100%", False))
        else:
            checks.append((f"better than naive in '{col}'", better(col, "naive")))
    for col in EXTRA:
        checks.append((f"(added) better than naive in '{col}'", better(col, "naive")))
    for text, ok in checks:
        print(f"  [{'met' if ok else 'NOT met'}] {text}")
    print(f"\n(run took {time.perf_counter() - t_start:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
