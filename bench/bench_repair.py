"""Throughput of mojibake repair against ftfy, on one real corpus, in one run.

    .venv/bin/python bench/bench_repair.py [--repeat 3] [--quick] [--no-decode] [--mixups]

Corpus (built from ../shared/data): the 100 scrapinghub full-page texts, the 2,016
WMT22 Russian segments (one document per upstream document), the lingua sentences
of 17 languages (50 lines per document) and 400 mojibaked lines (WMT22 Russian
sentences corrupted five ways, plus the ftfy test cases).  Figures are MB/s of
UTF-8 input in CPU seconds of this process (less sensitive than wall time to other
processes on a shared machine), the median of ``--repeat`` passes (the first, cold one
included); ratios are against ``ftfy.fix_text`` measured in the same run.  The whole-pipeline figure includes detection, boilerplate and
normalisation, which are built by others and will move.  Then, unless
``--no-decode``: how exactly ``decode_bytes`` decodes each label of the chardet
files (charset-normalizer alone beside it) and the speed of both.
"""

from __future__ import annotations

import argparse
import codecs
import gc
import glob
import json
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"


def _c1(exc: UnicodeDecodeError):
    return "".join(chr(b) for b in exc.object[exc.start:exc.end]), exc.end


codecs.register_error("polyclean-bench-c1", _c1)


def _writes(codec: str, s: str) -> bool:
    """Whether ``codec`` can encode ``s``."""
    try:
        s.encode(codec)
    except UnicodeEncodeError:
        return False
    return True


def _mix(s: str, enc: str, dec: str) -> str:
    out = []
    for ch in s:
        try:
            out.append(ch.encode(enc).decode(dec, "polyclean-bench-c1"))
        except UnicodeEncodeError:
            out.append(ch)
    return "".join(out)


def build_corpus() -> dict[str, list[str]]:
    parts: dict[str, list[str]] = {}
    parts["scrapinghub (en pages)"] = [
        json.loads(line)["text"]
        for line in open(DATA / "scrapinghub-article-extraction-benchmark"
                         / "fullpage_text_html-text.jsonl", encoding="utf-8")
    ]
    rows = [line.split("\t") for line in
            (DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv").read_text("utf-8").split("\n")[1:]
            if line]
    docs: dict[str, list[str]] = {}
    for r in rows:
        docs.setdefault(r[1], []).append(r[4])
    parts["wmt22 (ru docs)"] = ["\n".join(v) for v in docs.values()]
    lingua = []
    for f in sorted(glob.glob(str(DATA / "lingua-language-testdata" / "sentences" / "*.txt"))):
        lines = Path(f).read_text("utf-8").split("\n")
        lingua += ["\n".join(lines[i:i + 50]) for i in range(0, len(lines), 50)]
    parts["lingua (17 langs)"] = lingua
    ru = [r[4] for r in rows][:80]
    broken = []
    for s in ru:
        broken.append(s.encode("utf-8").decode("cp1251", "polyclean-bench-c1"))
        broken.append(s.encode("utf-8").decode("cp1252", "polyclean-bench-c1"))
        broken.append(_mix(s, "cp1251", "cp1252"))
        broken.append(_mix(s, "koi8_r", "cp1251"))
        broken.append(_mix(s, "cp1251", "koi8_r"))
    broken += [json.loads(line)["original"] for line in
               open(DATA / "ftfy-test-cases" / "ftfy_cases.jsonl", encoding="utf-8")]
    parts["mojibake lines"] = ["\n".join(broken[i:i + 20]) for i in range(0, len(broken), 20)]
    return parts


def timed(fn, docs: list[str], repeat: int) -> float:
    """Median seconds of ``repeat`` passes over ``docs`` (the first pass included)."""
    return statistics.median(passes(fn, docs, repeat))


def passes(fn, docs: list[str], repeat: int) -> list[float]:
    out = []
    for _ in range(repeat):
        gc.collect()
        t = time.process_time()
        for d in docs:
            fn(d)
        out.append(time.process_time() - t)
    return out


# --- single-byte mix-ups per language ---------------------------------------------------

def _eval_decode():
    import runpy
    from types import SimpleNamespace

    return SimpleNamespace(**runpy.run_path(str(ROOT / "bench" / "eval_decode.py")))


#: KOI8 variant per Cyrillic language (KOI8-U for Ukrainian).
KOI8 = {"ru": "koi8_r", "uk": "koi8_u", "bg": "koi8_r"}
#: Latin-script mix-ups: (true codec, languages it serves that are measured).
LATIN = {"cp1250": ("pl", "cs", "hu"), "iso8859_2": ("pl", "cs"), "cp1257": ("lt", "lv"),
         "cp1254": ("tr",)}
#: Letters Turkish does not write: lingua's Turkish sentences that hold them (244 of
#: 1,000) are themselves cp1254 shown as cp1252 (see :func:`turkish_mojibake`).
TURKISH_MOJIBAKE_RE = re.compile("[\u00f0\u00fe\u00fd\u00d0\u00de\u00dd]")
#: Latin mix-ups are decided per document: sentences are grouped into documents of
#: this many lines (a short page).
LATIN_DOC_LINES = 30


def mixup_sentences(lang: str, n: int = 1000) -> list[str]:
    """Real sentences of ``lang`` (WMT22 for ru, lingua otherwise; for the Latin
    languages the odd-numbered ones, the even ones having served to choose the Latin
    thresholds), or wordfreq word sequences where ../shared/data has none (seed 2:
    seeds 0 and 1 served while the Latin rules were built)."""
    ev = _eval_decode()
    if lang == "ru":
        return [r.split("\t")[4] for r in
                (DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv").read_text("utf-8")
                .split("\n")[1:] if r][:n]
    path = DATA / "lingua-language-testdata" / "sentences" / f"{lang}.txt"
    if path.exists():
        lines = [s for s in path.read_text("utf-8").split("\n") if s and not s.isascii()
                 and not (lang == "tr" and TURKISH_MOJIBAKE_RE.search(s))]
        return (lines[1::2] if any(lang in v for v in LATIN.values()) else lines)[:n]
    return ev.wordfreq_sentences(lang, n, 2)


def turkish_mojibake() -> list[tuple[str, str]]:
    """(line, its cp1254 reading) of lingua's Turkish test sentences that are cp1254
    text shown as cp1252 in the upstream file itself: real mojibake, with no gold
    beyond the reversal (each line holds ð, þ or ý, which Turkish does not write)."""
    path = DATA / "lingua-language-testdata" / "sentences" / "tr.txt"
    return [(s, s.encode("cp1252").decode("cp1254")) for s in path.read_text("utf-8").split("\n")
            if TURKISH_MOJIBAKE_RE.search(s)]


def cldr_sentences(lang: str, codec: str, n: int = 600, seed: int = 0) -> list[str]:
    """Word sequences drawn uniformly from the names that the Unicode CLDR (through
    Babel, BSD-3-Clause) gives in ``lang``, those that ``codec`` can write: languages,
    territories, scripts, currencies, months and days.  For Estonian, which neither
    ../shared/data nor wordfreq has; the words lean to foreign names ("tšerokii",
    "Aserbaidžaan"), so they hold more š and ž than running Estonian text does.  Names
    that the codec cannot write ("São Tomé", "Curaçao" in cp1257) are left out: a file in
    that codec cannot hold them, so their mix-up has no right answer."""
    import random

    import babel

    loc = babel.Locale(lang)
    words: set[str] = set()
    for names in (loc.languages, loc.territories, loc.scripts, loc.currencies,
                  loc.months["format"]["wide"], loc.days["format"]["wide"]):
        for name in names.values():
            words.update(name.replace("(", " ").replace(")", " ").replace(",", " ").split())
    vocab = sorted(w for w in words if w.isalpha() and _writes(codec, w))
    rng = random.Random(f"{lang}-{seed}")
    out = []
    for _ in range(n):
        s = " ".join(rng.choice(vocab) for _ in range(rng.randint(5, 12)))
        out.append(s[0].upper() + s[1:] + ".")
    return out


def latin_mixups() -> dict[tuple[str, str], tuple]:
    """The Latin-script entries of :func:`mixups` (cp1250, ISO-8859-2, cp1257, cp1254
    shown as cp1252), in documents of ``LATIN_DOC_LINES`` sentences."""
    return {(lang, f"{true} shown as cp1252"): (true, "cp1252", mixup_sentences(lang),
                                                LATIN_DOC_LINES)
            for true, langs in LATIN.items() for lang in langs}


def mixups() -> dict[tuple[str, str], tuple]:
    """{(language, mix-up): (true codec, shown codec, sentences, lines per document)}"""
    out = {}
    for lang in ("ru", "uk", "bg"):
        k = KOI8[lang]
        sents = mixup_sentences(lang)
        for true, shown in (("cp1251", "cp1252"), ("cp1251", "latin_1"), ("cp1251", "cp1254"),
                            (k, "latin_1"), (k, "cp1251"), ("cp1251", k)):
            out[lang, f"{true} shown as {shown}"] = (true, shown, sents, 1)
    return out | latin_mixups()


def gettext_lines(lang: str, codec: str) -> list[str]:
    """The translated messages of the gettext catalogs that Debian's packages install
    for ``lang`` (``/usr/share/locale/LANG/LC_MESSAGES/*.mo``; the ``iso_*`` catalogs of
    country and language names left out), one line each, those that ``codec`` can
    write, in catalog and message order: real running text (program messages), for a
    language that ../shared/data and wordfreq lack.  Empty where no catalog is
    installed."""
    import gettext

    out = []
    for mo in sorted(Path("/usr/share/locale", lang, "LC_MESSAGES").glob("*.mo")):
        if mo.name.startswith("iso_"):
            continue
        with open(mo, "rb") as f:
            catalog = gettext.GNUTranslations(f)._catalog
        for key in sorted(catalog, key=str):
            text = catalog[key]
            if isinstance(text, str):
                out += [line.strip() for line in text.split("\n")
                        if line.strip() and _writes(codec, line.strip())]
    return out


def tatoeba_mixups() -> dict[tuple[str, str], tuple]:
    """The Cyrillic mix-ups of :func:`mixups` on another source: the Russian and
    Ukrainian sentences of the Tatoeba (LASER) test pairs, short everyday sentences that
    played no part in choosing any threshold, one sentence at a time."""
    out = {}
    for lang, code in (("ru", "rus"), ("uk", "ukr")):
        path = DATA / "tatoeba-laser-testset" / "original" / f"tatoeba.{code}-eng.{code}"
        sents = [s for s in path.read_text("utf-8").split("\n") if s.strip()]
        k = KOI8[lang]
        for true, shown in (("cp1251", "cp1252"), ("cp1251", "cp1254"), (k, "latin_1"),
                            (k, "cp1251"), ("cp1251", k)):
            out[lang, f"{true} shown as {shown}"] = (true, shown, sents, 1)
    return out


def unpinned_mixups() -> dict[tuple[str, str], tuple]:
    """Mix-ups shown by ``--mixups`` but not pinned: Estonian cp1257 shown as cp1252,
    on text built from CLDR names (:func:`cldr_sentences`) and, where Debian's Estonian
    gettext catalogs are installed, on their messages (:func:`gettext_lines`)."""
    sents = [s for seed in range(3) for s in cldr_sentences("et", "cp1257", 600, seed)]
    out = {("et", "cp1257 shown as cp1252 (CLDR names)"): ("cp1257", "cp1252", sents,
                                                         LATIN_DOC_LINES)}
    messages = gettext_lines("et", "cp1257")
    if messages:
        out["et", "cp1257 shown as cp1252 (gettext)"] = ("cp1257", "cp1252", messages,
                                                        LATIN_DOC_LINES)
    return out


#: The foreign languages whose words :func:`foreign_word_documents` puts into clean text.
FOREIGN_WORD_LANGS = ("fr", "es", "pt", "it", "de", "da", "nb", "sv", "is", "nl", "ca", "tr",
                      "fi", "en")
#: The mix-up languages it builds documents in, by the codec of the mix-up.
FOREIGN_WORD_HOSTS = {"cp1250": ("pl", "cs", "sk", "hu", "sl", "ro"),
                      "cp1257": ("lt", "lv", "et"), "cp1254": ("tr",)}


def foreign_word_documents(true: str, lang: str, n: int = 1500) -> list[str]:
    """Clean documents of 1 to 8 sentences of ``lang`` with one foreign word inserted,
    the hardest case for a Latin mix-up check: the sentences hold no letter that the
    mix-up of ``true`` would change and only letters that cp1252 can show (so the text
    could have been read through cp1252), and the word (from wordfreq's 50,000
    commonest of a language of ``FOREIGN_WORD_LANGS``, most of them rare) holds exactly
    one such letter ("grossièreté", "talismã", "vestì").  Sentences as in
    :func:`mixup_sentences`; Estonian's from :func:`gettext_lines`."""
    import random

    import wordfreq

    from polyclean.repair.mixups import _CP1252_SHOWN, _LATIN_KEYS

    keys = _LATIN_KEYS[true]
    words = []
    for other in FOREIGN_WORD_LANGS:
        words += [w for w in wordfreq.top_n_list(other, 50000)
                  if w.isalpha() and len(w) >= 3 and len(keys.findall(w)) == 1][:3000]
    sents = gettext_lines(lang, "cp1257") if lang == "et" else mixup_sentences(lang, 3000)
    sents = [s for s in sents if not keys.search(s) and _CP1252_SHOWN.issuperset(s)]
    rng = random.Random(lang)
    out = []
    for _ in range(n if sents else 0):
        doc = [rng.choice(sents) for _ in range(rng.randint(1, 8))]
        j = rng.randrange(len(doc))
        ws = doc[j].split(" ")
        ws.insert(rng.randrange(len(ws) + 1), rng.choice(words))
        doc[j] = " ".join(ws)
        out.append("\n".join(doc))
    return out


def _english_sentences() -> list[str]:
    """NTREX's English sentences (news), the odd-numbered ones."""
    rows = (DATA / "ntrex128-newstest2019" / "ntrex_ru_en.tsv").read_text("utf-8").split("\n")
    return [r.split("\t")[2] for r in rows[1:] if r.count("\t") >= 3][1::2]


def english_name_documents(true: str, lang: str, n: int = 400) -> list[tuple[str, str]]:
    """(clean, shown as cp1252) English documents of 3 to 8 NTREX sentences, written in
    ``true``, holding 1 to 4 words of ``lang`` (capitalised, as names are; taken from
    :func:`mixup_sentences`' text, or Debian's gettext messages for Estonian), each with
    at least one letter the mix-up changes: the page of an English-language site in
    that codec that names people and places of its country.  Only documents the mix-up
    changes."""
    import random

    src = gettext_lines(lang, true) if lang == "et" else mixup_sentences(lang, 3000)
    words = sorted({w for s in src for w in re.findall(r"[^\W\d_]{3,}", s)
                    if _writes(true, w) and _mix(w, true, "cp1252") != w})
    english = _english_sentences()
    rng = random.Random(f"names-{true}-{lang}")
    out = []
    while words and len(out) < n:
        doc = [rng.choice(english) for _ in range(rng.randint(3, 8))]
        for _ in range(rng.randint(1, 4)):
            j = rng.randrange(len(doc))
            ws = doc[j].split(" ")
            w = rng.choice(words)
            ws.insert(rng.randrange(len(ws) + 1), w[0].upper() + w[1:])
            doc[j] = " ".join(ws)
        text = "\n".join(doc)
        if _writes(true, text):
            out.append((text, _mix(text, true, "cp1252")))
    return out


def transliterated_documents(n: int = 1000) -> list[str]:
    """Clean English documents of 3 to 8 NTREX sentences in which 2 to 4 capitalised
    words write one or two of their vowels a, i, u with a circumflex, as older
    transliterations of Sanskrit, Arabic or Persian mark long vowels ("Vedânta",
    "Svâmî", "Qur'ân"): words in no word list, whose letters cp1257 reads as Latvian
    "ā ī ū" and cp1250 as "â î ů"."""
    import random

    marks = {"a": "\u00e2", "i": "\u00ee", "u": "\u00fb"}
    english = _english_sentences()
    rng = random.Random("transliterated")
    out = []
    while len(out) < n:
        doc = [rng.choice(english) for _ in range(rng.randint(3, 8))]
        names = [(i, k) for i, s in enumerate(doc) for k, w in enumerate(s.split(" "))
                 if k and len(w) >= 4 and w[0].isupper() and w.isalpha()
                 and any(c in marks for c in w[1:])]
        if len(names) < 2:
            continue
        for i, k in rng.sample(names, min(len(names), rng.randint(2, 4))):
            ws = doc[i].split(" ")
            w = list(ws[k])
            spots = [p for p in range(1, len(w)) if w[p] in marks]
            for p in rng.sample(spots, min(len(spots), rng.randint(1, 2))):
                w[p] = marks[w[p]]
            ws[k] = "".join(w)
            doc[i] = " ".join(ws)
        out.append("\n".join(doc))
    return out


def mixup_rates(fix, true: str, shown: str, sents: list[str], per_doc: int
                ) -> tuple[int, int, list]:
    """(restored exactly, corrupted sentences, misses) when ``fix`` repairs documents of
    ``per_doc`` sentences, each sentence written in ``true`` and shown as ``shown``."""
    ok = n = 0
    misses = []
    for i in range(0, len(sents), per_doc):
        doc = sents[i:i + per_doc]
        broken = [_mix(s, true, shown) for s in doc]
        fixed = fix("\n".join(broken)).split("\n")
        for s, b, f in zip(doc, broken, fixed):
            if s == b:
                continue
            n += 1
            ok += f == s
            if f != s:
                misses.append((s, b, f))
    return ok, n, misses


def bench_mixups() -> None:
    import ftfy

    from polyclean.config import Config
    from polyclean.repair import repair_text

    cfg = Config()
    print("\nsingle-byte mix-ups restored exactly (Latin ones in documents of "
          f"{LATIN_DOC_LINES} sentences; Cyrillic ones one sentence at a time)")
    print(f"  {'language':8s} {'mix-up':28s} {'polyclean':>16s} {'ftfy.fix_encoding':>18s}")
    for (lang, name), (true, shown, sents, per_doc) in (mixups() | unpinned_mixups()).items():
        ok, n, _ = mixup_rates(lambda d: repair_text(d, cfg)[0], true, shown, sents, per_doc)
        fo, _, _ = mixup_rates(ftfy.fix_encoding, true, shown, sents, per_doc)
        print(f"  {lang:8s} {name:28s} {ok:6d}/{n:<5d}{100 * ok / n:5.1f}% "
              f"{fo:8d} {100 * fo / n:5.1f}%")
    print("\nthe Latin mix-ups one sentence at a time (each sentence a document)")
    for (lang, name), (true, shown, sents, _) in latin_mixups().items():
        ok, n, _ = mixup_rates(lambda d: repair_text(d, cfg)[0], true, shown, sents, 1)
        fo, _, _ = mixup_rates(ftfy.fix_encoding, true, shown, sents, 1)
        print(f"  {lang:8s} {name:28s} {ok:6d}/{n:<5d}{100 * ok / n:5.1f}% "
              f"{fo:8d} {100 * fo / n:5.1f}%")
    print("\nclean documents with one foreign word holding one letter a mix-up would "
          "change (foreign_word_documents), changed")
    for true, hosts in FOREIGN_WORD_HOSTS.items():
        for lang in hosts:
            docs = foreign_word_documents(true, lang)
            if docs:
                bad = sum(repair_text(d, cfg)[0] != d for d in docs)
                print(f"  {lang:8s} {true:28s} {bad:6d}/{len(docs)}")
    print("\nEnglish documents naming words of a mix-up language, shown as cp1252 "
          "(english_name_documents), restored exactly")
    for true, hosts in LATIN.items():
        for lang in hosts + (("et",) if true == "cp1257" else ()):
            pairs = english_name_documents(true, lang)
            if pairs:
                ok = sum(repair_text(b, cfg)[0] == c for c, b in pairs)
                print(f"  {lang:8s} {true:28s} {ok:6d}/{len(pairs):<5d}"
                      f"{100 * ok / len(pairs):5.1f}%")
    docs = transliterated_documents()
    bad = sum(repair_text(d, cfg)[0] != d for d in docs)
    print(f"\nclean English documents with names transliterated with circumflexes "
          f"(transliterated_documents), changed: {bad}/{len(docs)}")
    print("\nthe Cyrillic mix-ups on Tatoeba's Russian and Ukrainian sentences (another "
          "source, used for no threshold), one sentence at a time")
    for (lang, name), (true, shown, sents, per_doc) in tatoeba_mixups().items():
        ok, n, _ = mixup_rates(lambda d: repair_text(d, cfg)[0], true, shown, sents, per_doc)
        print(f"  {lang:8s} {name:28s} {ok:6d}/{n:<5d}{100 * ok / n:5.1f}%")
    real = turkish_mojibake()
    print("\nreal mojibake: lingua's own Turkish sentences holding ð/þ/ý (cp1254 shown as "
          "cp1252), restored to their cp1254 reading")
    for per_doc in (1, LATIN_DOC_LINES):
        ok, n = real_turkish_rate(lambda d: repair_text(d, cfg)[0], real, per_doc)
        fo, _ = real_turkish_rate(ftfy.fix_encoding, real, per_doc)
        print(f"  {per_doc:2d} per document: polyclean {ok}/{n} ({100 * ok / n:.1f}%), "
              f"ftfy.fix_encoding {fo}/{n}")


def real_turkish_rate(fix, pairs: list[tuple[str, str]], per_doc: int) -> tuple[int, int]:
    """(lines restored, lines) when ``fix`` repairs :func:`turkish_mojibake`'s lines in
    documents of ``per_doc`` lines."""
    ok = 0
    for i in range(0, len(pairs), per_doc):
        doc = pairs[i:i + per_doc]
        fixed = fix("\n".join(s for s, _ in doc)).split("\n")
        ok += sum(f == want for f, (_, want) in zip(fixed, doc))
    return ok, len(pairs)


def bench_decode(repeat: int) -> None:
    """Per-label exactness of decode_bytes on the chardet files, and its speed against
    charset-normalizer's ``from_bytes(...).best()`` on the same files."""
    import charset_normalizer

    from polyclean.decode import DecodeError, decode_bytes

    folder = DATA / "chardet-legacy-encodings"
    rows = [json.loads(line) for line in
            (folder / "manifest.jsonl").read_text("utf-8").split("\n") if line]
    files = [((folder / r["file"]).read_bytes(), r) for r in rows]
    table: dict[str, list[int]] = {}
    for data, r in files:
        try:
            ok = decode_bytes(data).text == data.decode(r["python_codec"])
        except DecodeError:
            ok = False
        cn = charset_normalizer.from_bytes(data).best()
        cn_ok = cn is not None and str(cn) == data.decode(r["python_codec"])
        row = table.setdefault(r["label_dir"], [0, 0, 0])
        row[0] += ok
        row[1] += cn_ok
        row[2] += 1
    print("\ndecode_bytes on chardet-legacy-encodings: files decoded exactly "
          "(* = Cyrillic or Western European)")
    print(f"  {'label':26s} {'polyclean':>10s} {'charset-normalizer':>19s}")
    star = {"KOI8-R", "windows-1251-russian", "windows-1251-bulgarian", "IBM866", "MacCyrillic",
            "iso-8859-5-russian", "iso-8859-5-bulgarian", "iso-8859-1", "windows-1252"}
    tot = [0, 0, 0]
    for label, (ok, cn_ok, n) in sorted(table.items()):
        print(f"{'*' if label in star else ' '} {label:26s} {ok:6d}/{n:<3d} {cn_ok:14d}/{n:<3d}")
        if label in star:
            tot = [tot[0] + ok, tot[1] + cn_ok, tot[2] + n]
    print(f"  {'Cyrillic + Western':26s} {tot[0]:6d}/{tot[2]:<3d} {tot[1]:14d}/{tot[2]:<3d}")
    blobs = [d for d, _ in files]
    mb = sum(map(len, blobs)) / 1e6

    def safe(d: bytes) -> None:
        try:
            decode_bytes(d)
        except DecodeError:
            pass

    ours = mb / timed(safe, blobs, repeat)
    theirs = mb / timed(lambda d: charset_normalizer.from_bytes(d).best(), blobs, repeat)
    print(f"  speed: decode_bytes {ours:.2f} MB/s, charset-normalizer {theirs:.2f} MB/s "
          f"({mb:.2f} MB of legacy bytes)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--quick", action="store_true", help="a quarter of each part")
    ap.add_argument("--no-decode", action="store_true", help="skip the decode table")
    ap.add_argument("--mixups", action="store_true",
                    help="only the per-language table of single-byte mix-ups")
    args = ap.parse_args()
    if not DATA.is_dir():
        sys.exit(f"test data not found at {DATA}")
    if args.mixups:
        bench_mixups()
        return

    import ftfy

    import polyclean
    from polyclean.config import Config
    from polyclean.pipeline import Cleaner
    from polyclean.repair import repair_text

    parts = build_corpus()
    if args.quick:
        parts = {k: v[: max(1, len(v) // 4)] for k, v in parts.items()}
    cfg = Config()
    cleaner = Cleaner(translate=False)
    contenders = {
        "polyclean.repair": lambda d: polyclean.repair(d),
        "repair_text": lambda d: repair_text(d, cfg),
        "Cleaner.clean": lambda d: cleaner.clean(d),
        "ftfy.fix_text": ftfy.fix_text,
        "ftfy.fix_encoding": ftfy.fix_encoding,
    }
    # warm up: models, tables and regexes load once
    for fn in contenders.values():
        fn("Caf\u00c3\u00a9 \u00c2\u00f1\u00e5 \u043f\u0420\u0418\u0412\u0415\u0422 warm-up")
    parts["ALL"] = [d for k, v in parts.items() for d in v]
    head = f"{'part':24s} {'MB':>6s} " + " ".join(f"{k:>18s}" for k in contenders)
    print("MB/s of CPU time (median of %d passes, the first included); [x] = ratio to "
          "ftfy.fix_text in this run" % args.repeat)
    print(head)
    for name, docs in parts.items():
        mb = sum(len(d.encode("utf-8")) for d in docs) / 1e6
        rates = {k: mb / timed(fn, docs, args.repeat) for k, fn in contenders.items()}
        base = rates["ftfy.fix_text"]
        cells = " ".join(f"{r:9.2f} [{r / base:5.1f}x]" for r in rates.values())
        print(f"{name:24s} {mb:6.2f} {cells}")
    if not args.no_decode:
        bench_decode(args.repeat)


if __name__ == "__main__":
    main()
