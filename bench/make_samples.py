"""Rebuild samples/ from ../shared (provenance of every sample; run from the repo root).

    python bench/make_samples.py
"""

import csv
import json

import ftfy  # noqa: F401  (registers the "sloppy-windows-1252" codec)
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
OUT = ROOT / "samples"


def main() -> None:
    # 1. A real scraped news page, UTF-8, with boilerplate and a Russian UI line.
    src = SHARED / "samples" / "sputnik-truss-2022-09-06.txt"
    (OUT / "sputnik-truss-2022-09-06.txt").write_bytes(src.read_bytes())

    # 2. A real WSJ page (Scrapinghub benchmark, whole visible text) as a badly
    #    configured CMS shows it: every line with non-ASCII characters is UTF-8 read
    #    as cp1252 ("It’s" -> "Itâ€™s"), and one Russian quotation is cp1251 bytes
    #    shown as cp1252 ("Âñå ýòî"), a mix-up that ftfy does not attempt.
    bench = SHARED / "data" / "scrapinghub-article-extraction-benchmark" / "fullpage_text_html-text.jsonl"
    rows = [json.loads(line) for line in bench.open(encoding="utf-8")]
    page = next(r for r in rows if r["id"].startswith("042bb7b5"))["text"]
    all_lines = page.split("\n")
    lines = all_lines[:12] + all_lines[290:360]  # masthead, then the article and its footer
    broken = []
    for line in lines:
        if not line.isascii():
            line = line.encode("utf-8").decode("sloppy-windows-1252")
        broken.append(line)
    quote = "Все это только начало, сказал нам один из разработчиков."
    broken.insert(40, quote.encode("cp1251").decode("cp1252"))
    (OUT / "wsj-stadia-mojibake.txt").write_text("\n".join(broken) + "\n", encoding="utf-8")

    # 3. A Russian news article (WMT22 general test set, lenta.ru) stored in the
    #    legacy cp1251 encoding, as many Russian sites served it.
    tsv = SHARED / "data" / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv"
    with tsv.open(encoding="utf-8") as fh:
        reader = csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        doc = [r for r in reader if r["doc_id"].startswith("lenta.ru")]
    first = doc[0]["doc_id"]
    text = "\n".join(r["ru"] for r in doc if r["doc_id"] == first) + "\n"
    (OUT / "lenta-ru-cp1251.txt").write_bytes(text.encode("cp1251", errors="replace"))


if __name__ == "__main__":
    main()
