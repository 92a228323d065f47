"""The three benchmark corpora of ``bench_pipeline.py``, built from ``../shared/data``.

Each corpus is a list of *rounds*; the rounds share no text (no sentence, no page body
occurs in two rounds), so a round timed after another is still a first pass over new
text.  A document is ``str`` or, for legacy-encoded windows, ``bytes``; ``truth`` gives
the decoded text for the ftfy baseline (ftfy cannot decode bytes).

- ``english``: the 100 Scrapinghub whole pages with their furniture; in every copy the
  inner words of each long line are shuffled, so the bodies are new while menus and
  footers recur as they do across a site's pages.
- ``multilingual``: documents of lingua sentences in 16 languages, NTREX-128 news in
  ar/de/fr/es/ru/uk/zh and WMT22 Russian, each document in one language.
- ``mixed``: pages (shuffled as above) with foreign lines injected, mojibake lines
  (UTF-8 read as cp1252, cp1251 read as cp1252) and legacy-encoded 4 KB windows of the
  chardet files (bytes).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LINGUA = DATA / "lingua-language-testdata" / "sentences"
NTREX = DATA / "ntrex128-newstest2019" / "original"
NTREX_LANGS = {"arb": "ar", "deu": "de", "fra": "fr", "spa": "es", "rus": "ru", "ukr": "uk",
               "zho-CN": "zh"}
LEGACY_DIRS = ("KOI8-R", "IBM866", "MacCyrillic", "windows-1251-russian",
               "windows-1251-bulgarian", "iso-8859-5-russian", "windows-1250-czech",
               "windows-1250-polish", "iso-8859-2-polish", "windows-1252", "iso-8859-1",
               "windows-1254-turkish", "iso-8859-7-greek", "GB2312", "windows-1256-arabic")


@dataclass
class Round:
    docs: list = field(default_factory=list)   # str or bytes
    truth: list = field(default_factory=list)  # the decoded text of each document

    @property
    def mb(self) -> float:
        return sum(len(t.encode("utf-8")) for t in self.truth) / 1e6

    def add(self, doc, truth: str | None = None) -> None:
        self.docs.append(doc)
        self.truth.append(doc if truth is None else truth)


def require() -> None:
    need = [DATA / "scrapinghub-article-extraction-benchmark", LINGUA, NTREX,
            DATA / "wmt22-generaltest-ru-en", DATA / "chardet-legacy-encodings"]
    missing = [str(p) for p in need if not p.exists()]
    if missing:
        raise SystemExit(f"bench: shared data not found: {', '.join(missing)}")


def _pages() -> list[str]:
    path = DATA / "scrapinghub-article-extraction-benchmark" / "fullpage_text_html-text.jsonl"
    return [json.loads(line)["text"] for line in open(path, encoding="utf-8")]


def _shuffled(page: str, rng: random.Random) -> str:
    out = []
    for line in page.split("\n"):
        words = line.split(" ")
        if len(words) >= 6:
            inner = words[1:-1]
            rng.shuffle(inner)
            line = " ".join([words[0], *inner, words[-1]])
        out.append(line)
    return "\n".join(out)


def _fill(rounds: int, mb: float, items, rng: random.Random) -> list[Round]:
    """Deal ``items`` ((doc, truth) pairs, consumed once each) into rounds of ``mb``."""
    out = [Round() for _ in range(rounds)]
    it = iter(items)
    for r in out:
        while r.mb < mb:
            try:
                doc, truth = next(it)
            except StopIteration:
                return out
            r.add(doc, truth)
    return out


def english(rounds: int, mb: float, seed: int = 1) -> list[Round]:
    rng = random.Random(seed)
    pages = _pages()

    def gen():
        copy = 0
        while True:
            order = list(range(len(pages)))
            rng.shuffle(order)
            for i in order:
                text = _shuffled(pages[i], random.Random(seed * 1000 + copy * 101 + i))
                yield text, text
            copy += 1
    return _fill(rounds, mb, gen(), rng)


def _lines(path: Path) -> list[str]:
    return [s.strip() for s in path.read_text("utf-8").splitlines() if s.strip()]


def _multilingual_docs(rng: random.Random) -> list[str]:
    docs = []
    for path in sorted(LINGUA.glob("*.txt")):
        if path.stem == "en":
            continue
        sents = _lines(path)
        rng.shuffle(sents)
        i = 0
        while i < len(sents):
            n = rng.randint(5, 15)
            docs.append("\n".join(sents[i:i + n]))
            i += n
    for code in NTREX_LANGS:
        sents = _lines(NTREX / f"newstest2019-ref.{code}.txt")
        i = 0
        while i < len(sents):  # consecutive lines: news paragraphs
            n = rng.randint(5, 15)
            docs.append("\n".join(sents[i:i + n]))
            i += n
    wmt: dict[str, list[str]] = {}
    for row in (DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv").read_text(
            "utf-8").splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) > 4:
            wmt.setdefault(cols[1], []).append(cols[4])
    docs.extend("\n".join(v) for _, v in sorted(wmt.items()))
    rng.shuffle(docs)
    return docs


def multilingual(rounds: int, mb: float, seed: int = 2) -> list[Round]:
    rng = random.Random(seed)
    return _fill(rounds, mb, ((d, d) for d in _multilingual_docs(rng)), rng)


def _sloppy(text: str, enc: str) -> str:
    import ftfy.bad_codecs  # noqa: F401  (registers sloppy-windows-1252)

    return text.encode(enc, "replace").decode("sloppy-windows-1252", "replace")


def _legacy_windows(rng: random.Random) -> list[tuple[bytes, str]]:
    manifest = [json.loads(line) for line in
                (DATA / "chardet-legacy-encodings" / "manifest.jsonl").read_text().splitlines()]
    out = []
    for m in manifest:
        if m["label_dir"] not in LEGACY_DIRS or not m.get("decodes_cleanly"):
            continue
        data = (DATA / "chardet-legacy-encodings" / m["file"]).read_bytes()
        for k in range(0, len(data), 4096):
            window = data[k:k + 4096]
            try:
                truth = window.decode(m["python_codec"])
            except (UnicodeDecodeError, LookupError):
                continue  # a window cut inside a multi-byte character
            out.append((window, truth))
    rng.shuffle(out)
    return out


def mixed(rounds: int, mb: float, seed: int = 3) -> list[Round]:
    rng = random.Random(seed)
    pages = _pages()
    foreign = [line for d in _multilingual_docs(random.Random(seed)) for line in d.split("\n")]
    en = _lines(LINGUA / "en.txt")
    ru = _lines(LINGUA / "ru.txt")
    legacy = _legacy_windows(rng)

    def gen():
        f, copy = iter(foreign), 0
        lg = iter(legacy)
        while True:
            for i in rng.sample(range(len(pages)), len(pages)):
                lines = _shuffled(pages[i], random.Random(seed * 1000 + copy * 101 + i)).split("\n")
                for _ in range(rng.randint(1, 4)):
                    lines.insert(rng.randrange(len(lines) + 1), next(f))
                for _ in range(rng.randint(0, 3)):
                    k = rng.random()
                    src = rng.choice(en if k < 0.5 else ru)
                    moji = _sloppy(src, "utf-8" if k < 0.8 else "cp1251")
                    lines.insert(rng.randrange(len(lines) + 1), moji)
                text = "\n".join(lines)
                yield text, text
                if rng.random() < 0.3:
                    window = next(lg, None)
                    if window is not None:
                        yield window
            copy += 1
    return _fill(rounds, mb, gen(), rng)


CORPORA = {"english": english, "multilingual": multilingual, "mixed": mixed}
