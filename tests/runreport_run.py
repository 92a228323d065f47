"""A real run for the run-report tests: `polyclean clean` over samples/ plus 500 JSONL
records built from ../shared/data (pages, mojibake, English with Russian lines, two bad
records), translated with the tiny test package; returns the report and the summary."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LEXICON_LINES = ["Кошка любит молоко.", "Собака ест мясо.", "Птица видит рыба.",
                 "Кошка не пьёт воду.", "Собака спит."]


def build_records(path: Path) -> int:
    """Write 500 JSONL records (498 documents, 2 bad records) to ``path``."""
    recs: list[str] = []
    with open(DATA / "scrapinghub-article-extraction-benchmark" / "fullpage_text_html-text.jsonl",
              encoding="utf-8") as fh:
        for line in list(fh)[:100]:
            page = json.loads(line)
            recs.append(json.dumps({"id": page["id"][:12], "text": page["text"]},
                                   ensure_ascii=False))
    with open(DATA / "ftfy-test-cases" / "ftfy_cases.jsonl", encoding="utf-8") as fh:
        for line in list(fh)[:150]:
            case = json.loads(line)
            recs.append(json.dumps({"id": case["id"], "text": case["original"]},
                                   ensure_ascii=False))
    with open(DATA / "tatoeba-laser-testset" / "tatoeba_rus_eng.tsv", encoding="utf-8",
              newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    for i, row in enumerate(rows[:248]):
        foreign = LEXICON_LINES[i % len(LEXICON_LINES)] if i % 5 == 0 else row["rus"]
        text = f"{row['eng']}\n{foreign}\n{rows[-1 - i]['eng']}\n"
        recs.append(json.dumps({"id": f"tatoeba-{i}", "text": text}, ensure_ascii=False))
    recs.insert(120, '{"id": "broken", "text": "no closing quote}')
    recs.insert(300, json.dumps({"id": "no-text", "body": "the text is in another field"}))
    assert len(recs) == 500
    path.write_text("\n".join(recs) + "\n", "utf-8")
    return len(recs)


def run_clean(tmp: Path, cache: Path) -> tuple[Path, dict[str, Any]]:
    """Clean samples/ and the records with `polyclean clean --report --summary-json`;
    returns (report path, summary dict)."""
    from polyclean import cli

    recs = tmp / "records.jsonl"
    build_records(recs)
    report = tmp / "report.jsonl"
    summary_path = tmp / "summary.json"
    cli.main(["clean", str(ROOT / "samples"), str(recs), "-o", str(tmp / "out"), "--report",
              str(report), "-q", "-j", "1", "--cache", str(cache), "--summary-json",
              str(summary_path)])
    return report, json.loads(summary_path.read_text("utf-8"))
