"""The batch runner: --jobs independence, batch boundaries, isolation of failing
documents, summary counts summed over workers; the streaming library API."""

import json
import re
from pathlib import Path

import pytest

from polyclean import Cleaner, Config, cli
from polyclean.events import InputStream, batches
from polyclean.formats import FieldOptions
from polyclean.plan import make_plan

EN = ["The council met on Tuesday to discuss the new budget for the city.",
      "Several members asked for more money for schools and public libraries.",
      "The mayor said the plan would be \u201cready by spring\u201d \u2014 maybe.",
      "Residents can comment on the proposal until the end of the month\u2026"]
RU = "\u041a\u043e\u0448\u043a\u0430 \u043b\u044e\u0431\u0438\u0442 \u043c\u043e\u043b\u043e\u043a\u043e \u0438 \u0441\u043e\u0431\u0430\u043a\u0430 \u0435\u0441\u0442 \u043c\u044f\u0441\u043e \u0441\u0435\u0433\u043e\u0434\u043d\u044f"
UI = ["Subscribe", "Sign in", "Share this article"]


def doc(i: int) -> str:
    lines = [f"Report number {i} from the meeting."] + [EN[(i + k) % 4] for k in range(1 + i % 4)]
    if i % 3 == 0:
        lines.insert(1, RU)
    if i % 2 == 0:
        lines.append(UI[i % 3])
    return "\n".join(lines)


def write_jsonl(path: Path, n: int) -> Path:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            fh.write(json.dumps({"id": i, "text": doc(i)}, ensure_ascii=False) + "\n")
    return path


def summary_counts(err: str) -> str:
    line = [l for l in err.splitlines() if l.startswith("polyclean: ") and "documents" in l][-1]
    return re.sub(r", [\d.]+ s \(.*", "", line)  # without the timing


def test_jobs_2_is_byte_identical_to_jobs_1(tmp_path, capsys):
    src = write_jsonl(tmp_path / "docs.jsonl", 400)
    runs = {}
    for jobs in ("1", "2"):
        out, rep = tmp_path / f"out{jobs}.jsonl", tmp_path / f"rep{jobs}.jsonl"
        assert cli.main(["clean", str(src), "-o", str(out), "--report", str(rep), "-j", jobs,
                         "--batch-docs", "40", "--no-translate", "--summary"]) == 0
        runs[jobs] = (out.read_bytes(), rep.read_bytes(), summary_counts(capsys.readouterr().err))
    assert runs["1"] == runs["2"]
    out = [json.loads(l) for l in runs["1"][0].splitlines()]
    assert [r["id"] for r in out] == list(range(400))
    # Summary counts are the sum over the workers' batches.
    assert runs["2"][2].startswith("polyclean: 400 documents, 0 failed, ")
    removed = int(re.search(r"([\d,]+) boilerplate lines removed", runs["2"][2]).group(1).replace(",", ""))
    reports = [json.loads(l) for l in runs["2"][1].splitlines()]
    assert removed == sum(r["counts"].get("boilerplate", 0) for r in reports)


def test_jobs_2_text_folder_identical(tmp_path):
    src = tmp_path / "pages"
    for i in range(60):
        (src / f"d{i // 10}").mkdir(parents=True, exist_ok=True)
        (src / f"d{i // 10}" / f"p{i:02d}.txt").write_text(doc(i) + "\n", "utf-8")
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}"
        assert cli.main(["clean", str(src), "-o", str(out), "-j", jobs, "--batch-docs", "8",
                         "--no-translate", "-q"]) == 0
        outs.append({p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()})
    assert len(outs[0]) == 60 and outs[0] == outs[1]


def test_batch_boundaries_depend_on_the_input_only(tmp_path):
    a = write_jsonl(tmp_path / "a.jsonl", 25)
    b = write_jsonl(tmp_path / "b.jsonl", 7)
    units = make_plan([str(a), str(b)], None, Config()).units

    def cut(docs, nbytes):
        evs = InputStream(units, FieldOptions()).events()
        return [[(k, u) for k, u, _ in bt.events] for bt in batches(evs, units, docs, nbytes)]

    got = cut(10, 1 << 30)
    assert [sum(k == "rec" for k, _ in bt) for bt in got] == [10, 10, 10, 2]
    # Unit markers travel in stream order: unit a ends inside batch 3, which also
    # opens unit b and carries its first records.
    assert got[0][0] == ("start", 0) and got[-1] == [("rec", 1)] * 2 + [("end", 1)]
    assert got[2] == [("rec", 0)] * 5 + [("end", 0), ("start", 1)] + [("rec", 1)] * 5
    assert got == cut(10, 1 << 30)  # the same again
    sizes = [len(l) for l in a.read_bytes().splitlines(keepends=True)]
    by_bytes = cut(1000, sum(sizes[:3]))  # close once 3 records' bytes are reached
    assert [sum(k == "rec" for k, _ in bt) for bt in by_bytes][0] == 3


def test_a_failing_document_fails_alone(tmp_path):
    """A stage that raises for one document (no translation package and
    --missing-model fail) fails that record only."""
    empty = tmp_path / "packages"
    empty.mkdir()
    src = tmp_path / "d.jsonl"
    texts = ["\n".join(EN[:2]), "\n".join([EN[0], RU, EN[1], EN[3]]), "\n".join(EN[2:])]
    src.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts),
                   "utf-8")
    out = tmp_path / "o.jsonl"
    opts = ["--missing-model", "fail", "--packages-dir", str(empty), "--no-cache"]
    rc = cli.main(["clean", str(src), "-o", str(out), "-q", *opts])
    errors = [json.loads(l) for l in (tmp_path / "o.jsonl.errors.jsonl").read_text().splitlines()]
    if not errors:
        pytest.skip("the detector did not call the Russian line foreign")
    assert rc == 1
    assert [e["line"] for e in errors] == [2]
    assert "MissingModelError" in errors[0]["error"]
    cfg = dict(missing_model="fail", packages_dir=str(empty), use_cache=False)
    got = [json.loads(l)["text"] for l in out.read_text().splitlines()]
    assert got == [Cleaner(**cfg).clean(texts[0]).text, Cleaner(**cfg).clean(texts[2]).text]


# --- library -----------------------------------------------------------------------------
def test_iter_clean_streams_in_batches_and_matches_clean_batch():
    pulled = []

    def source():
        for i in range(25):
            pulled.append(i)
            yield doc(i)

    cleaner = Cleaner(translate=False)
    it = cleaner.iter_clean(source(), batch_size=10)
    first = next(it)
    assert len(pulled) == 10  # only the first batch was read
    rest = list(it)
    assert len(pulled) == 25 and len(rest) == 24
    expected = []
    ref = Cleaner(translate=False)
    for start in range(0, 25, 10):
        expected += ref.clean_batch([doc(i) for i in range(start, min(start + 10, 25))])
    assert [r.text for r in [first, *rest]] == [r.text for r in expected]
    assert [r.report["id"] for r in rest[:3]] == [1, 2, 3]
    bad = list(Cleaner(translate=False).iter_clean(["fine text here", 42, b"\x00\x01" * 50]))
    assert bad[0].ok and bad[1].error and len(bad) == 3


def test_clean_series_keeps_index_name_nulls_and_dtype():
    pd = pytest.importorskip("pandas")
    from polyclean.pandas import clean_series

    texts = [doc(i) for i in range(6)]
    s = pd.Series([texts[0], None, texts[1], float("nan"), *texts[2:]],
                  index=list("abcdefghi")[:8], name="body", dtype=object)
    out = clean_series(s, translate=False, batch_size=3)
    assert out.name == "body" and list(out.index) == list(s.index)
    assert out.isna().tolist() == [False, True, False, True] + [False] * 4
    want = Cleaner(translate=False)
    expected = [r.text for r in want.clean_batch(texts[:3])] + \
        [r.text for r in want.clean_batch(texts[3:])]
    assert out.dropna().tolist() == expected
    typed = clean_series(s.astype("string"), translate=False)
    assert typed.dtype == s.astype("string").dtype
    binary = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    with pytest.raises(ValueError, match="document at index 1: "):
        clean_series(pd.Series(["ok text", binary]), translate=False)
    assert clean_series(pd.Series(["ok text", binary]), translate=False,
                        errors="null").isna().tolist() == [False, True]
