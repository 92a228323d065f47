"""Dask helpers on a real 2-process LocalCluster and on the synchronous scheduler."""

import os
from pathlib import Path

import pytest

pd = pytest.importorskip("pandas")
dask = pytest.importorskip("dask")
db = pytest.importorskip("dask.bag")
dd = pytest.importorskip("dask.dataframe")

from polyclean import Config  # noqa: E402
from polyclean.dask import clean_bag, clean_dataframe  # noqa: E402
from polyclean.pandas import clean_values  # noqa: E402

CFG = Config(translate=False)
EN = ["The council met on Tuesday to discuss the new budget for the city.",
      "Several members asked for more money for schools and public libraries.",
      "The mayor said the plan would be \u201cready by spring\u201d \u2014 maybe.",
      "Residents can comment on the proposal until the end of the month\u2026",
      "Share this article", "Subscribe"]
TEXTS = [f"Item {i}.\n" + "\n".join(EN[(i + k) % 6] for k in range(i % 4 + 2)) for i in range(24)]
TEXTS[5] = None


def partitions(values, n):
    size = -(-len(values) // n)
    return [values[i:i + size] for i in range(0, len(values), size)]


def expected(n_parts):
    # Each partition is cleaned on its own: the same as clean_values per partition.
    return [t for part in partitions(TEXTS, n_parts) for t in clean_values(part, CFG)]


def frame():
    return pd.DataFrame({"id": range(len(TEXTS)), "text": pd.array(TEXTS, dtype="string"),
                         "score": [i / 2 for i in range(len(TEXTS))]})


def test_synchronous_bag_and_dataframe():
    bag = db.from_sequence(TEXTS, npartitions=3)
    assert bag.npartitions == 3
    got = clean_bag(bag, config=CFG).compute(scheduler="synchronous")
    assert got == expected(3)
    assert got[5] is None and any(a != b for a, b in zip(got, TEXTS))  # cleaning happened

    ddf = dd.from_pandas(frame(), npartitions=3)
    out = clean_dataframe(ddf, "text", output_column="clean", config=CFG)
    meta = out._meta
    assert list(meta.columns) == ["id", "text", "score", "clean"]
    res = out.compute(scheduler="synchronous")
    assert list(res.dtypes) == list(meta.dtypes)  # the meta told the truth
    assert res["text"].tolist()[:5] == TEXTS[:5]
    assert [None if pd.isna(v) else v for v in res["clean"]] == expected(3)
    same = clean_dataframe(ddf, "text", translate=False).compute(scheduler="synchronous")
    assert [None if pd.isna(v) else v for v in same["text"]] == expected(3)
    with pytest.raises(KeyError, match="no column 'body'"):
        clean_dataframe(ddf, "body", config=CFG)


def test_local_cluster_of_two_processes():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        bag = db.from_sequence(list(enumerate(TEXTS)), npartitions=4)
        pids = bag.map(lambda _: os.getpid()).distinct().compute()
        assert len(client.scheduler_info()["workers"]) == 2
        cleaned = clean_bag(bag.pluck(1), config=CFG).compute()
        assert cleaned == expected(4)
        ddf = dd.from_pandas(frame(), npartitions=4)
        res = clean_dataframe(ddf, "text", output_column="clean", config=CFG).compute()
        assert [None if pd.isna(v) else v for v in res["clean"]] == expected(4)
        assert res["id"].tolist() == list(range(len(TEXTS)))
        assert os.getpid() not in pids  # the work ran in the worker processes


# --- documents, not lines: read_documents and the README's example ------------------------------
FOOTER = "The Springfield Gazette is published by the Springfield Media Group every morning."


def _crawl(folder):
    """30 text pages sharing a footer sentence, a JSONL file and an HTML page."""
    folder.mkdir()
    topics = ("bridges", "parks", "buses", "libraries", "schools", "water", "housing", "roads",
              "taxes", "museums", "police", "hospitals", "bicycles", "markets", "harbours",
              "trees", "lighting", "parking", "tourism", "rivers", "theatres", "clinics",
              "sewers", "playgrounds", "cemeteries", "beaches", "stadiums", "canals", "zoos",
              "airports")
    for i, topic in enumerate(topics):
        other = topics[(i * 7 + 3) % 30]
        body = (f"Story about {topic}: the council discussed what the {topic} cost the city.\n"
                f"A member asked why {other} and {topic} were never discussed together.\n")
        (folder / f"page{i:02d}.txt").write_text(body + FOOTER + "\n", encoding="utf-8")
    (folder / "more.jsonl").write_text(
        '{"id": "j1", "text": "A JSONL record with one sentence in it."}\n'
        '{"id": "j2", "body": "no text field"}\n', encoding="utf-8")
    (folder / "page.html").write_text(
        "<html><body><nav>Home</nav><article><p>An HTML page whose article has one long "
        "paragraph about the budget of the city council and its schools.</p></article>"
        "</body></html>", encoding="utf-8")


def _readme_block(marker: str) -> str:
    import re
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    return next(b for b in blocks if marker in b)


def test_read_documents_one_element_per_document(tmp_path):
    pytest.importorskip("trafilatura")
    from polyclean.dask import read_documents

    warcio = pytest.importorskip("warcio")
    import io
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    _crawl(tmp_path / "crawl")
    with open(tmp_path / "crawl" / "x.warc.gz", "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        for url, body, ctype in (("http://a.example/", b"<p>First record of the archive.</p>", "text/html"),
                                 ("http://b.example/i.png", b"\x89PNG....", "image/png"),
                                 ("http://c.example/", b"<p>Second record here.</p>", "text/html")):
            hh = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(body),
                                                http_headers=hh))
    docs = read_documents(str(tmp_path / "crawl" / "*"), files_per_partition=16, extract="all")
    assert docs.npartitions == 3  # 33 files
    got = docs.compute(scheduler="synchronous")
    assert len(got) == 30 + 2 + 1 + 3  # not one per line
    warc = [(d.get("url"), d["text"], d.get("status")) for d in got if d["source"].endswith(".warc.gz")]
    assert warc == [("http://a.example/", "First record of the archive.", None),
                    ("http://b.example/i.png", None, "skipped"),
                    ("http://c.example/", "Second record here.", None)]
    assert [d["where"] for d in got if d["source"].endswith("more.jsonl")] == ["line 1", "line 2"]
    bad = [d for d in got if d.get("error") and not d.get("status")]
    assert [(d["id"] if "id" in d else None, d["error"]) for d in bad] == [("j2", "no field 'text'")]
    html = next(d for d in got if d["source"].endswith("page.html"))
    assert html["text"] == ("Home\nAn HTML page whose article has one long paragraph about the "
                            "budget of the city council and its schools.")  # all: one line per block


def test_readme_dask_example_runs_as_written(tmp_path, monkeypatch, capsys):
    pytest.importorskip("distributed")
    pytest.importorskip("trafilatura")
    _crawl(tmp_path / "crawl")
    monkeypatch.chdir(tmp_path)
    scope = {"__name__": "__main__"}
    exec(compile(_readme_block("read_documents("), "README.md", "exec"), scope)
    cleaned = scope["cleaned"]
    assert capsys.readouterr().out.strip() == "33 documents, 1 not cleaned"
    texts = [d["text"] for d in cleaned if d["source"].endswith(".txt")]
    assert len(texts) == 30 and all(t.startswith("Story about") for t in texts)
    # whole pages learn together: the footer recurring in every page is removed ...
    assert not any(FOOTER in t for t in texts)
    # ... which a line-by-line Bag (db.read_text) cannot do: each line is its own document
    lines = db.read_text(str(tmp_path / "crawl" / "*.txt")).compute(scheduler="synchronous")
    assert len(lines) == 90
    assert FOOTER in clean_values([ln.strip() for ln in lines if FOOTER in ln][:1], CFG)[0]


def test_read_documents_skips_a_spark_folders_crc_files_and_marker(tmp_path, caplog):
    # A folder as Spark writes it: part files, a .crc checksum beside each (binary), an
    # empty _SUCCESS marker.  The command line's folder walk skips the .crc files and
    # the marker; read_documents read them as documents (a binary "document" and an
    # empty one), so a Dask job over a Spark output folder got junk records.
    pq = pytest.importorskip("pyarrow.parquet")
    pa = pytest.importorskip("pyarrow")
    import logging

    from polyclean.dask import read_documents

    out = tmp_path / "job"
    (out / ".hidden").mkdir(parents=True)
    (out / ".hidden" / "x.txt").write_text("Not data.")
    for i in range(2):
        pq.write_table(pa.table({"text": [f"Row {i} of the job's output."]}), out / f"part-{i}.parquet")
        (out / f".part-{i}.parquet.crc").write_bytes(b"crc\x00\x01\x02\x03\xff")
    (out / "_SUCCESS").write_bytes(b"")
    with caplog.at_level(logging.WARNING, logger="polyclean"):
        got = read_documents(str(out)).compute(scheduler="synchronous")
    assert [(Path(d["source"]).name, d["text"], d.get("error")) for d in got] == [
        ("part-0.parquet", "Row 0 of the job's output.", None),
        ("part-1.parquet", "Row 1 of the job's output.", None)]
    assert any("4 hidden or Spark/Hadoop job marker" in r.getMessage() for r in caplog.records)
    # named on its own, a file is read
    named = read_documents([str(out / "_SUCCESS")]).compute(scheduler="synchronous")
    assert [Path(d["source"]).name for d in named] == ["_SUCCESS"]
