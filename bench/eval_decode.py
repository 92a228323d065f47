"""Charset detection on legacy-encoded files: polyclean, chardet alone, charset-normalizer
alone, all in one run.

    .venv/bin/python bench/eval_decode.py [--split dev|test|all] [--misses] [--speed]

Two sets of files, each cut into a *dev* half (what polyclean's choices were tried on)
and a *test* half (never looked at while building them); both halves are reported:

* ``chardet``: the 220 real feeds and pages of ``../shared/data/chardet-legacy-encodings``,
  split by a hash of the file name;
* ``built``: per codec, files made of real sentences in a language that the codec
  serves (lingua, NTREX, Tatoeba and WMT22 sentences in ``../shared/data``; where there
  are none, word sequences drawn from wordfreq's frequency list of the language),
  kept only when the codec's reading differs from a cp1252 reading, so that the
  file can fail.  Even-numbered files are *dev*, odd-numbered *test*.

A file counts as decoded when the text is exactly the text of its true codec.
"""

from __future__ import annotations

import argparse
import codecs
import hashlib
import json
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data"
CHARDET = DATA / "chardet-legacy-encodings"

#: codec -> languages it serves that are tested.  Sources: lingua/NTREX/Tatoeba/WMT22
#: sentences where ``../shared/data`` has the language, wordfreq word lists otherwise.
BUILT_CODECS: dict[str, tuple[str, ...]] = {
    # the codecs issue 16 names
    "iso8859_15": ("fr", "de", "es"),
    "iso8859_13": ("lt", "lv"),
    "iso8859_4": ("lv", "lt"),
    "iso8859_16": ("ro", "pl", "hu"),
    "cp1257": ("lt", "lv"),
    "cp852": ("pl", "cs", "hu"),
    "cp850": ("fr", "de", "es", "pt"),
    "cp437": ("de", "es", "fr"),
    "mac_roman": ("fr", "de", "es", "pt"),
    "iso2022_jp": ("ja",),
    "iso2022_kr": ("ko",),
    # the codecs polyclean already served, as a check that nothing is lost
    "cp1252": ("fr", "de", "es", "pt", "it", "nl", "da", "sv", "fi", "is"),
    "cp1250": ("pl", "cs", "hu", "sk", "sl", "sh", "ro"),
    "iso8859_2": ("pl", "cs", "hu", "sk", "sl", "sh"),
    "cp1254": ("tr",),
    "cp1251": ("ru", "uk", "bg", "be", "mk"),
    "koi8_r": ("ru",),
    "koi8_u": ("uk",),
    "cp866": ("ru",),
    "mac_cyrillic": ("ru", "bg"),
    "iso8859_5": ("ru", "bg"),
    "cp1253": ("el",),
    "iso8859_7": ("el",),
    "cp1255": ("he",),
    "cp1256": ("ar",),
    "shift_jis": ("ja",),
    "euc_jp": ("ja",),
    "gb2312": ("zh",),
    "euc_kr": ("ko",),
}
#: how many sentences the files of each codec/language hold, in turn (short files are
#: the hard ones: a paragraph, a few lines, a page)
SIZES = (2, 4, 8, 16)
FILES_PER_LANG = 12


def _read_lines(path: Path) -> list[str]:
    return [s for s in path.read_text("utf-8").split("\n") if s.strip()]


def _tsv_column(path: Path, name: str) -> list[str]:
    lines = path.read_text("utf-8").split("\n")
    col = lines[0].split("\t").index(name)
    return [r.split("\t")[col] for r in lines[1:] if r]


def sentences(lang: str) -> list[str]:
    """Real sentences of ``lang`` in ``../shared/data`` (empty when there are none)."""
    out: list[str] = []
    lingua = DATA / "lingua-language-testdata" / "sentences" / f"{lang}.txt"
    if lingua.exists():
        out += _read_lines(lingua)
    ntrex = {"ru": "rus", "uk": "ukr", "de": "deu", "fr": "fra", "es": "spa", "ar": "arb"}
    if lang in ntrex:
        out += _read_lines(DATA / "ntrex128-newstest2019" / "original"
                           / f"newstest2019-ref.{ntrex[lang]}.txt")
    tatoeba = {"ru": "rus", "uk": "ukr", "de": "deu", "fr": "fra", "es": "spa"}
    if lang in tatoeba:
        out += _tsv_column(DATA / "tatoeba-laser-testset" / f"tatoeba_{tatoeba[lang]}_eng.tsv",
                           tatoeba[lang])
    if lang == "ru":
        out += _tsv_column(DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv", "ru")
    return out


def wordfreq_sentences(lang: str, n: int, seed: int) -> list[str]:
    """``n`` word sequences drawn from wordfreq's 5,000 most frequent words of ``lang``,
    weighted by frequency: text with the letters and letter pairs of the language."""
    import wordfreq

    words = [w for w in wordfreq.top_n_list(lang, 5000) if w.isalpha()]
    weights = [wordfreq.word_frequency(w, lang) for w in words]
    rng = random.Random(f"{lang}-{seed}")
    out = []
    for _ in range(n):
        ws = rng.choices(words, weights, k=rng.randint(6, 16))
        if lang == "el":  # wordfreq folds the final sigma
            ws = [w[:-1] + "ς" if w.endswith("σ") else w for w in ws]
        s = " ".join(ws)
        out.append(s[0].upper() + s[1:] + ".")
    return out


def _discriminates(text: str, data: bytes, codec: str) -> bool:
    """Whether a cp1252 (or, for a cp1252 file, a cp1250) reading of the bytes differs."""
    other = "cp1250" if codec == "cp1252" else "cp1252"
    return data.decode(other, "replace") != text


def built_files() -> list[dict]:
    """Files per codec and language: dicts with ``name``, ``codec``, ``lang``, ``split``,
    ``data`` (bytes) and ``text`` (the truth)."""
    files = []
    for codec, langs in BUILT_CODECS.items():
        for lang in langs:
            pool = [s for s in sentences(lang) if _encodes(s, codec)]
            source = "sentences"
            if len(pool) < 200:
                pool = wordfreq_sentences(lang, 400, 0)
                pool = [s for s in pool if _encodes(s, codec)]
                source = "wordfreq"
            rng = random.Random(f"{codec}-{lang}")
            # files are cut around sentences that a cp1252 reading gets wrong
            telling = [i for i, s in enumerate(pool)
                       if codec.startswith("iso2022") or _discriminates(s, s.encode(codec), codec)]
            made = tries = 0
            while telling and made < FILES_PER_LANG and tries < 400:
                k = SIZES[made % len(SIZES)]
                start = max(0, rng.choice(telling) - rng.randrange(k))
                tries += 1
                text = "\n".join(pool[start:start + k])
                data = text.encode(codec)
                if codec.startswith("iso2022") or _discriminates(text, data, codec):
                    files.append({"name": f"{codec}/{lang}-{made:02d}-{source}", "codec": codec,
                                  "lang": lang, "split": "dev" if made % 2 == 0 else "test",
                                  "data": data, "text": text})
                    made += 1
    return files


def _encodes(s: str, codec: str) -> bool:
    """``s`` has non-ASCII text and ``codec`` can write it (C1 controls, which some
    lingua sentences hold where an apostrophe was, are no text of any codec)."""
    if any("\x80" <= c <= "\x9f" for c in s):
        return False
    try:
        s.encode(codec)
    except UnicodeEncodeError:
        return False
    return not s.isascii()


def chardet_files() -> list[dict]:
    """The real chardet test files, each with its split (by a hash of its name)."""
    out = []
    for line in (CHARDET / "manifest.jsonl").read_text("utf-8").split("\n"):
        if not line:
            continue
        d = json.loads(line)
        data = (CHARDET / d["file"]).read_bytes()
        h = hashlib.sha256(d["file"].encode()).digest()[0]
        out.append({"name": d["file"], "codec": d["label_dir"], "lang": d["language"],
                    "split": "dev" if h % 2 == 0 else "test", "data": data,
                    "text": data.decode(d["python_codec"])})
    return out


#: Codecs that serve each Tatoeba language (the LASER test pairs), for
#: :func:`tatoeba_files`.
TATOEBA_CODECS = {
    "rus": ("cp1251", "koi8_r", "iso8859_5", "cp866", "mac_cyrillic"),
    "ukr": ("cp1251", "koi8_u", "mac_cyrillic"),
    "deu": ("cp1252", "iso8859_15", "cp850", "mac_roman", "cp437"),
    "fra": ("cp1252", "iso8859_15", "cp850", "mac_roman"),
    "spa": ("cp1252", "iso8859_15", "cp850", "mac_roman"),
    "cmn": ("gb18030", "big5"),
    "ara": ("cp1256", "iso8859_6"),
}


def tatoeba_files(per_doc: int = 8, sentences_: int = 400) -> list[dict]:
    """Another source, used for no rule or weight: the first ``sentences_`` sentences
    of each Tatoeba language in documents of ``per_doc`` (short, everyday sentences),
    each written in every codec of :data:`TATOEBA_CODECS` that can write it and holds
    a byte above 0x7F; all in the ``test`` split."""
    folder = DATA / "tatoeba-laser-testset" / "original"
    files = []
    for code, codecs_ in TATOEBA_CODECS.items():
        lines = _read_lines(folder / f"tatoeba.{code}-eng.{code}")[:sentences_]
        for codec in codecs_:
            for i in range(0, len(lines), per_doc):
                text = "\n".join(lines[i:i + per_doc])
                try:
                    data = text.encode(codec)
                except UnicodeEncodeError:
                    continue
                if not data.isascii():
                    files.append({"name": f"tatoeba/{codec}/{code}-{i // per_doc:02d}",
                                  "codec": codec, "lang": code, "split": "test",
                                  "data": data, "text": text})
    return files


# --- the methods ---------------------------------------------------------------------------

def by_polyclean(data: bytes) -> str | None:
    from polyclean.decode import DecodeError, decode_bytes

    try:
        return decode_bytes(data).text
    except DecodeError:
        return None


def by_chardet(data: bytes) -> str | None:
    import chardet

    enc = chardet.detect(data)["encoding"]
    return _decode_as(data, enc)


def by_charset_normalizer(data: bytes) -> str | None:
    import charset_normalizer

    best = charset_normalizer.from_bytes(data).best()
    return None if best is None else str(best)


def _decode_as(data: bytes, enc: str | None) -> str | None:
    if not enc:
        return None
    try:
        return data.decode(codecs.lookup(enc).name)
    except (LookupError, UnicodeDecodeError):
        return None


METHODS = {"polyclean": by_polyclean, "chardet": by_chardet,
           "charset-normalizer": by_charset_normalizer}


def evaluate(files: list[dict], methods=METHODS) -> dict:
    """{(set, split, codec): {method: [exact, files, misses]}}"""
    out: dict = defaultdict(lambda: {m: [0, 0, []] for m in methods})
    for f in files:
        for m, fn in methods.items():
            got = fn(f["data"])
            row = out[f["codec"], f["split"]][m]
            row[0] += got == f["text"]
            row[1] += 1
            if got != f["text"]:
                row[2].append(f["name"])
    return out


def totals(table: dict, split: str, codecs_: list[str] | None = None) -> dict[str, tuple[int, int]]:
    tot: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for (codec, sp), row in table.items():
        if (split != "all" and sp != split) or (codecs_ is not None and codec not in codecs_):
            continue
        for m, (ok, n, _) in row.items():
            tot[m][0] += ok
            tot[m][1] += n
    return {m: (a, b) for m, (a, b) in tot.items()}


def _print_table(title: str, table: dict, show_misses: bool) -> None:
    print(f"\n## {title}")
    names = list(METHODS)
    print(f"{'codec':28s} {'split':5s} " + " ".join(f"{m:>18s}" for m in names))
    for (codec, split), row in sorted(table.items()):
        cells = " ".join(f"{row[m][0]:>11d}/{row[m][1]:<6d}" for m in names)
        print(f"{codec:28s} {split:5s} {cells}")
        if show_misses and row["polyclean"][2]:
            print("      polyclean misses:", ", ".join(row["polyclean"][2][:6]))
    for split in ("dev", "test", "all"):
        t = totals(table, split)
        if not t:
            continue
        print(f"{'TOTAL ' + split:34s} " + " ".join(
            f"{t[m][0]:>9d}/{t[m][1]:<4d}{100 * t[m][0] / max(t[m][1], 1):5.1f}%" for m in names))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--misses", action="store_true", help="list polyclean's misses")
    ap.add_argument("--speed", action="store_true", help="time each method on all files")
    args = ap.parse_args()
    sets = {"chardet-legacy-encodings (real files)": chardet_files(),
            "built per-codec files": built_files(),
            "Tatoeba sentences in their languages' codecs (a source used for no rule)":
                tatoeba_files()}
    for title, files in sets.items():
        _print_table(title, evaluate(files), args.misses)
    if args.speed:
        files = [f for fs in sets.values() for f in fs]
        mb = sum(len(f["data"]) for f in files) / 1e6
        print(f"\n## speed over {len(files)} files, {mb:.2f} MB (CPU time of one pass each, "
              "after each method has read 20 files to load its models)")
        for m, fn in METHODS.items():
            for f in files[:: max(1, len(files) // 20)]:
                fn(f["data"])
            t = time.process_time()
            for f in files:
                fn(f["data"])
            dt = time.process_time() - t
            print(f"  {m:20s} {dt:7.2f} s  {mb / dt:6.2f} MB/s")


if __name__ == "__main__":
    main()
