"""Issue 14 through the command line: HTML files, WARC/WET archives, ``--markup html``,
``--learn-by``, ``--id-field``, ``--lang-field`` and ``--status-field``.

Archives are written here with warcio's writer (``tests/webarchive.py``); nothing is
downloaded."""

from __future__ import annotations

import csv
import gzip
import json
import shutil
from pathlib import Path

import pytest

pytest.importorskip("trafilatura")
pytest.importorskip("fastwarc")
pytest.importorskip("warcio")
pa = pytest.importorskip("pyarrow")
pq = pytest.importorskip("pyarrow.parquet")

import faults  # noqa: E402
from polyclean import Cleaner, Config, cli  # noqa: E402
from polyclean.doc import Doc  # noqa: E402
from polyclean.sinks import is_work_file  # noqa: E402
from webarchive import RU, SITES, Archive, page, pages_warc, web_warc  # noqa: E402

EN = "The council met on Tuesday to discuss the new budget for the city."
MIXED = ("The council met on Tuesday and then published a short note.\n"
         "Совет города обсудил новый бюджет и попросил денег для школ.\n"
         "The members asked for more money for the schools of the city.")


def clean(*args) -> int:
    return cli.main(["clean", *map(str, args), "--no-translate", "-j", "1", "-q"])


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def errors_of(out: Path) -> list[dict]:
    return read_jsonl(out.with_name(out.name + ".errors.jsonl"))


# --- WARC and WET archives ----------------------------------------------------------------------
def test_warc_gives_one_record_per_html_record_skips_and_an_error(tmp_path):
    """Each HTML record is one output record with its url, warc_record_id, date and
    HTTP charset; the PNG and the 404 are skipped (errors file, status skipped, with
    their URL); the record cut short is an error at its offset and the run goes on;
    the summary counts them."""
    path, starts, _ = web_warc(tmp_path)
    out = tmp_path / "out.jsonl"
    summary = tmp_path / "summary.json"
    assert clean(path, "-o", out, "--summary-json", summary) == 1  # the broken record
    recs = read_jsonl(out)
    assert [r["url"] for r in recs] == ["http://a.example/", "http://b.example/koi",
                                        "http://d.example/meta", "http://f.example/after"]
    assert all(list(r) == ["url", "warc_record_id", "date", "http_charset", "text"] for r in recs)
    assert all(r["warc_record_id"].startswith("<urn:uuid:") and r["date"] for r in recs)
    by_url = {r["url"]: r for r in recs}
    assert by_url["http://b.example/koi"]["text"] == RU  # KOI8-R by the HTTP header
    assert by_url["http://b.example/koi"]["http_charset"].lower() == "koi8-r"
    assert by_url["http://d.example/meta"]["text"] == RU  # windows-1251 by <meta>
    assert by_url["http://a.example/"]["text"] == "Hello world, this is page A."
    errs = errors_of(out)
    assert [(e["status"], e.get("url")) for e in errs] == [
        ("skipped", "http://c.example/logo.png"), ("skipped", "http://g.example/gone"),
        ("error", None)]
    assert errs[0]["error"] == "skipped: not HTML (image/png)"
    assert errs[1]["error"] == "skipped: HTTP status 404"
    assert errs[2]["offset"] == starts["http://e.example/broken"]
    assert "reading resumes at offset" in errs[2]["error"]
    s = json.loads(summary.read_text())
    assert (s["records"], s["errors"], s["skipped"], s["documents"]) == (7, 1, 2, 4)
    assert s["stats"]["warc_type:request"] == 1 and s["stats"]["warc_type:warcinfo"] == 1


@pytest.mark.parametrize("gz", [True, False])
@pytest.mark.parametrize("kept", [1, 9, 20, 60, 400])
def test_an_archive_cut_inside_its_last_record_is_an_error(tmp_path, gz, kept):
    """Real pages (Scrapinghub benchmark) in an archive cut `kept` bytes into its last
    response: the run said nothing and exited 0 when the cut left less than a WARC
    header (the gzip member's first bytes, `WARC/1.0\\r\\nWARC-Type: respon`), and
    called a record cut inside its HTTP headers "skipped: not HTML (text/htm)"."""
    data = Path(__file__).resolve().parents[2] / "shared" / "data"
    pages = sorted((data / "scrapinghub-article-extraction-benchmark" / "html").glob(
        "*.html.gz"))[:2]
    if len(pages) < 2:
        pytest.skip("shared data not found")
    a = Archive(gz=gz)
    for i, p in enumerate(pages):
        a.response(f"http://s{i}.example/", gzip.decompress(p.read_bytes()),
                   "text/html; charset=utf-8")
    last = a.starts["http://s1.example/"]
    path = tmp_path / ("cut.warc.gz" if gz else "cut.warc")
    path.write_bytes(a.bytes()[:last + kept])
    out = tmp_path / "out.jsonl"
    assert clean(path, "-o", out) == 1
    assert [r["url"] for r in read_jsonl(out)] == ["http://s0.example/"]
    assert [(e["status"], e["offset"]) for e in errors_of(out)] == [("error", last)]


def test_skipped_records_carry_their_offsets_and_ids(tmp_path):
    """A skipped record's offset is where the record starts in the archive file."""
    from polyclean.web import WarcReader, is_skipped

    path, _, _ = web_warc(tmp_path)
    reader = WarcReader(path)
    reader.open()
    skipped = {r.keep.fields["url"]: int(r.where.split()[1]) for r in reader.records()
               if is_skipped(r)}
    reader.close()
    out = tmp_path / "out.jsonl"
    clean(path, "-o", out)
    assert {e["url"]: e["offset"] for e in errors_of(out) if e["status"] == "skipped"} == skipped
    assert all(e["warc_record_id"].startswith("<urn:uuid:") for e in errors_of(out)
               if e["status"] == "skipped")


def test_wet_archive_and_default_outputs_in_a_folder(tmp_path):
    """With -o a folder, an archive becomes NAME.jsonl (a WET archive NAME.wet.jsonl, so
    the WARC and WET files of one segment do not meet) and an HTML page NAME.txt."""
    src = tmp_path / "in"
    src.mkdir()
    web_warc(src, "seg-00001.warc.gz")
    a = Archive()
    a.info()
    a.conversion("http://a.example/", "First page.\nWith two lines.")
    a.conversion("http://b.example/", "Вторая страница.")
    (src / "seg-00001.warc.wet.gz").write_bytes(a.bytes())
    (src / "page.html").write_text("<html><body><p>" + EN + "</p></body></html>", "utf-8")
    out = tmp_path / "out"
    assert clean(src, "-o", f"{out}/") == 1
    assert sorted(p.name for p in out.iterdir()) == ["page.txt", "seg-00001.jsonl",
                                                    "seg-00001.wet.jsonl"]
    wet = read_jsonl(out / "seg-00001.wet.jsonl")
    assert [(r["url"], r["text"]) for r in wet] == [
        ("http://a.example/", "First page.\nWith two lines."), ("http://b.example/", "Вторая страница.")]
    assert (out / "page.txt").read_text("utf-8") == EN + "\n"
    assert len(read_jsonl(out / "seg-00001.jsonl")) == 4


@pytest.mark.parametrize("gz", [True, False])
def test_a_warc_read_from_a_pipe_gives_what_the_file_gives(tmp_path, gz):
    """`zcat … | polyclean clean - --format warc` panicked in FastWARC (a Rust
    traceback: "Illegal seek", its tell() on the pipe), for any archive."""
    import os
    import subprocess
    import sys

    a = Archive(gz=gz)
    for i, host in enumerate(list(SITES) * 2):
        a.response(f"http://{host}/{i}", page(host, i).encode(), "text/html; charset=utf-8")
    path = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    path.write_bytes(a.bytes())
    whole = tmp_path / "file.jsonl"
    assert clean(path, "-o", whole) == 0
    piped = tmp_path / "pipe.jsonl"
    root = Path(__file__).resolve().parents[1]
    proc = subprocess.run([sys.executable, "-m", "polyclean", "clean", "-", "--format", "warc",
                           "-o", str(piped), "--no-translate", "-j", "1", "-q"],
                          input=path.read_bytes(), capture_output=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(root)})
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    assert piped.read_bytes() == whole.read_bytes() and len(read_jsonl(piped)) == 4


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".txt"])
def test_warc_into_csv_parquet_and_text(tmp_path, suffix):
    path, _, _ = web_warc(tmp_path)
    out = tmp_path / f"out{suffix}"
    assert clean(path, "-o", out) == 1
    if suffix == ".csv":
        rows = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    elif suffix == ".parquet":
        rows = pq.read_table(out).to_pylist()
    else:  # text: each record's text after a "==> NAME:offset N <==" line
        text = out.read_text("utf-8")
        assert text.count("==> ") == 4 and f"{path}:offset " in text and RU in text
        return
    assert [r["url"] for r in rows][:2] == ["http://a.example/", "http://b.example/koi"]
    assert rows[1]["text"] == RU and set(rows[0]) >= {"warc_record_id", "date", "http_charset"}


def test_warc_jobs_1_and_2_are_byte_identical(tmp_path):
    path = pages_warc(tmp_path / "pages.warc.gz", 30)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"j{jobs}.jsonl"
        assert cli.main(["clean", str(path), "-o", str(out), "--no-translate", "-j", jobs,
                         "-q", "--batch-docs", "4", "--report", str(tmp_path / f"r{jobs}.jsonl"),
                         "--learn-by", "host"]) == 1
        outs.append((out.read_bytes(), (tmp_path / f"r{jobs}.jsonl").read_bytes(),
                     out.with_name(out.name + ".errors.jsonl").read_bytes()))
    assert outs[0] == outs[1]
    assert len(outs[0][0].splitlines()) == 30


@pytest.mark.parametrize("target", ["all.jsonl.gz", "out"])
def test_warc_kill_then_resume_is_byte_identical(tmp_path, target):
    """Killed before or after a sample of its file operations (os.replace, rename,
    fsync, unlink), a run over a WARC resumes to the same bytes: output, errors file
    and report."""
    src = tmp_path / "in"
    src.mkdir()
    pages_warc(src / "a.warc.gz", 14)
    web_warc(src, "b.warc.gz")

    def args(out: Path) -> list[str]:
        return [str(src), "-o", str(out / target), "--report", str(out / "report.jsonl"),
                "--no-translate", "-j", "1", "--batch-docs", "3", "-q"]

    ref = tmp_path / "ref"
    ref.mkdir()
    ended, ops = faults.killed_run(args(ref), 0, "never")
    assert ended == 1 and ops > 10
    expected = faults.snapshot(ref)
    assert any(k.endswith(".errors.jsonl") for k in expected)
    for n in sorted({1, 2, 3, ops // 3, ops // 2, ops - 1, ops}):
        for when in ("before", "after"):
            work = tmp_path / f"w-{n}-{when}"
            work.mkdir()
            ended, _ = faults.killed_run(args(work), n, when)
            assert ended in (-9, 1), (n, when, ended)
            assert faults.resume(args(work)) == 1, (n, when)
            assert faults.snapshot(work) == expected, (n, when)
            assert not [p for p in work.rglob("*") if is_work_file(p.name)]
            shutil.rmtree(work)


# --- HTML files and --markup html ------------------------------------------------------------------
def _html_page(body: str, charset: str = "utf-8") -> bytes:
    return (f'<html><head><meta charset="{charset}"><title>Budget</title></head><body>'
            f'<nav><a href="/">Home</a> <a href="/news">News</a></nav><article>{body}'
            "</article><footer>Contact us</footer></body></html>").encode(charset)


ARTICLE = ("<h1>Council budget</h1><p>" + EN + "</p><p>Several members asked for more "
           "money for schools and for the libraries of the northern districts.</p>")


def test_html_files_charset_from_meta_and_extraction_modes(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.html").write_bytes(_html_page(ARTICLE))
    with gzip.open(src / "b.html.gz", "wb") as fh:
        fh.write(_html_page(f"<p>{RU}</p><p>{RU}</p>", "windows-1251"))
    (src / "c.htm").write_bytes(_html_page(ARTICLE))
    for mode in ("main", "all", "none"):
        out = tmp_path / mode
        assert clean(src, "-o", f"{out}/", "--extract", mode, "--keep-boilerplate") == 0
        a = (out / "a.txt").read_text("utf-8")
        assert (out / "c.txt").read_text("utf-8") == a
        b = (out / "b.txt").read_text("utf-8")
        assert RU in b  # windows-1251 by <meta>, not guessed
        if mode == "main":
            assert a.startswith("Council budget\n" + EN) and "Contact us" not in a
        elif mode == "all":
            assert a.splitlines()[0] == "Home News" and a.rstrip().endswith("Contact us")
        else:  # markup kept as text, decoded by its declared charset
            assert a.startswith("<html><head>") and "<footer>Contact us</footer>" in a


def test_markup_html_on_jsonl_csv_and_parquet_fields(tmp_path):
    page_ = _html_page(ARTICLE).decode()
    rows = [{"id": "p1", "text": page_}, {"id": "p2", "text": "<p>" + EN + "</p>"}]
    src = {".jsonl": tmp_path / "in.jsonl", ".csv": tmp_path / "in.csv",
           ".parquet": tmp_path / "in.parquet"}
    src[".jsonl"].write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    with src[".csv"].open("w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["id", "text"])
        w.writeheader()
        w.writerows(rows)
    pq.write_table(pa.Table.from_pylist(rows), src[".parquet"])
    for ext, path in src.items():
        out = tmp_path / f"out{ext}"
        assert clean(path, "-o", out, "--markup", "html", "--extract", "all",
                     "--keep-boilerplate") == 0
        got = read_back(out)
        assert got[0]["text"].startswith("Home News\nCouncil budget\n" + EN), ext
        assert got[1]["text"] == EN and "<" not in got[0]["text"]
        plain = tmp_path / f"plain{ext}"
        clean(path, "-o", plain)
        assert read_back(plain)[1]["text"] == "<p>" + EN + "</p>"  # without --markup html


def read_back(path: Path) -> list[dict]:
    if path.suffix == ".jsonl":
        return read_jsonl(path)
    if path.suffix == ".csv":
        return list(csv.DictReader(path.open(encoding="utf-8", newline="")))
    return pq.read_table(path).to_pylist()


def test_html_and_warc_names_are_not_outputs(tmp_path, capsys):
    path, _, _ = web_warc(tmp_path)
    for name in ("out.html", "out.warc.gz"):
        assert clean(path, "-o", tmp_path / name) == 2
        assert "does not write" in capsys.readouterr().err
        assert not (tmp_path / name).exists()


def test_detect_reads_warc_records(tmp_path):
    path, starts, _ = web_warc(tmp_path)
    out = tmp_path / "langs.jsonl"
    assert cli.main(["detect", str(path), "-o", str(out), "--id-field", "url"]) == 1
    got = {r["id"]: r["lang"] for r in read_jsonl(out)}
    assert got == {"http://a.example/": "en", "http://b.example/koi": "ru",
                   "http://d.example/meta": "ru", "http://f.example/after": "en"}


# --- ids, languages and status in the output --------------------------------------------------------
def _records_in(tmp_path: Path, ext: str, rows: list[dict]) -> Path:
    path = tmp_path / f"in{ext}"
    if ext == ".jsonl":
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    elif ext == ".csv":
        with path.open("w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, list(rows[0]))
            w.writeheader()
            w.writerows(rows)
    else:
        pq.write_table(pa.Table.from_pylist(rows), path)
    return path


@pytest.mark.parametrize("ext", [".jsonl", ".csv", ".parquet"])
def test_id_lang_and_status_fields(tmp_path, ext):
    """--id-field names reports and errors by the record's id, --lang-field writes the
    detected language, --status-field ok / partial (a fragment left untranslated for
    want of a package) / the error (--missing-model fail)."""
    rows = [{"doc": "en-1", "text": EN}, {"doc": "mixed-2", "text": MIXED},
            {"doc": "ru-3", "text": RU}]
    src = _records_in(tmp_path, ext, rows)
    empty = tmp_path / "no-packages"
    empty.mkdir()
    common = ["--packages-dir", str(empty), "--no-cache", "-j", "1", "-q", "--id-field", "doc",
              "--lang-field", "lang", "--status-field", "status"]
    out = tmp_path / f"out{ext}"
    report = tmp_path / "report.jsonl"
    assert cli.main(["clean", str(src), "-o", str(out), "--report", str(report), *common]) == 0
    got = read_back(out)
    assert [(r["doc"], r["lang"], r["status"]) for r in got] == [
        ("en-1", "en", "ok"), ("mixed-2", "en", "partial"), ("ru-3", "ru", "partial")]
    assert [r["id"] for r in read_jsonl(report)] == ["en-1", "mixed-2", "ru-3"]
    # the error: the record is written with its status, and listed under its own id
    out2 = tmp_path / f"fail{ext}"
    assert cli.main(["clean", str(src), "-o", str(out2), "--report", str(report), *common,
                     "--missing-model", "fail"]) == 1
    got = read_back(out2)
    assert got[0]["status"] == "ok" and got[0]["text"] == EN
    for r in got[1:]:
        assert r["status"].startswith("MissingModelError: no installed Argos package") \
            and r["text"] in (None, "") and r["lang"] in (None, "")
    errs = errors_of(out2)
    assert [e["id"] for e in errs] == ["mixed-2", "ru-3"]
    assert all(e["status"] == "error" and ("line" in e or "row" in e) for e in errs)
    assert [(r["id"], r.get("status")) for r in read_jsonl(report)] == [
        ("en-1", None), ("mixed-2", "error"), ("ru-3", "error")]


def test_a_record_without_its_id_is_named_by_its_line(tmp_path, capsys):
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"doc": "a", "text": EN}) + "\n" + json.dumps({"text": 5}) + "\n"
                   + json.dumps({"doc": "c", "text": EN}) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    report = tmp_path / "r.jsonl"
    assert clean(src, "-o", out, "--id-field", "doc", "--report", report) == 1
    assert [r["id"] for r in read_jsonl(report)] == ["a", f"{src}:line 2", "c"]
    assert errors_of(out)[0]["line"] == 2 and "id" not in errors_of(out)[0]
    assert f"{src}:line 2: field 'text' is int" in capsys.readouterr().err


# --- learning per site -------------------------------------------------------------------------------
def _site_docs(n_a: int, n_b: int, shared: str) -> list[Doc]:
    """Pages of a.example (its furniture line ``shared`` on every page) and of b.example
    (the same line quoted in its articles), interleaved."""
    a_head, a_foot = SITES["news.example"]
    docs = []
    for i in range(max(n_a, n_b)):
        if i < n_a:
            docs.append(Doc(id=f"a{i}", raw=f"{a_head}\n{TOPICS_A[i]}\n{shared}\n",
                            fields={"url": f"https://www.a.example/{i}"}))
        if i < n_b:
            docs.append(Doc(id=f"b{i}", raw=f"{TOPICS_B[i]}\n{shared}\n{TOPICS_B[i + 2]}\n",
                            fields={"url": f"http://b.example/{i}"}))
    return docs


TOPICS_A = ["The council met on Tuesday to discuss the new budget for the city and schools.",
            "The mayor said the plan would be ready by spring after a month of comment.",
            "Residents can send their views on the proposal until the end of the month.",
            "Volunteers cleaned the park on Saturday and planted forty new trees there."]
TOPICS_B = ["Tomatoes need a warm spot and regular watering once the first fruits set.",
            "A cold frame lets seedlings harden off before they are planted out in May.",
            "The bridge over the river will reopen in May after two years of repairs.",
            "Our allotment society meets on the first Monday of every month at eight."]
SHARED = "Read the full council minutes on the city website under the heading Budget."


def _removed(docs: list[Doc]) -> dict[str, list[str]]:
    return {d.id: [c.original.strip() for c in d.report.changes if c.step == "boilerplate"]
            for d in docs}


def test_learn_by_host_finds_one_sites_furniture_and_leaves_the_other_alone():
    cfg = Config(translate=False, learn_by="host")
    mixed = _site_docs(4, 2, SHARED)
    Cleaner(cfg).process(mixed)
    removed = _removed(mixed)
    # a.example: the line recurs on all four of its pages, so it is its furniture
    assert all(SHARED in removed[f"a{i}"] for i in range(4))
    # b.example: two of its pages quote it; they are cleaned as if a.example were absent
    alone = [d for d in _site_docs(0, 2, SHARED)]
    Cleaner(cfg).process(alone)
    assert [d.text for d in mixed if d.id.startswith("b")] == [d.text for d in alone]
    assert all(SHARED in d.text for d in alone)
    # without grouping, the whole batch learns together and b.example loses the line
    whole = _site_docs(4, 2, SHARED)
    Cleaner(translate=False).process(whole)
    assert any(SHARED not in d.text for d in whole if d.id.startswith("b"))


def test_learn_by_field_and_documents_without_a_key(tmp_path):
    """--learn-by FIELD groups by a record field; records without it form one group."""
    rows = []
    for d in _site_docs(4, 2, SHARED):
        site = d.fields["url"].split("/")[2].removeprefix("www.")
        rows.append({"site": site, "text": d.raw})
    rows += [{"text": f"{TOPICS_B[3]}\n{SHARED}\n"}]  # no site: its own group
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = tmp_path / "out.jsonl"
    assert clean(src, "-o", out, "--learn-by", "site") == 0
    got = read_jsonl(out)
    kept = [SHARED in r["text"] for r in got]
    assert kept == [r.get("site") != "a.example" for r in rows]
    # the same through --learn-by host on a url field
    for r in rows:
        if "site" in r:
            r["url"] = "http://" + r.pop("site") + "/x"
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    assert clean(src, "-o", out, "--learn-by", "host") == 0
    assert [SHARED in r["text"] for r in read_jsonl(out)] == kept


def test_learn_by_host_on_a_warc(tmp_path):
    """Pages of two sites in one archive: each site's header and footer lines recur
    on its own pages and are found, per site, in one batch."""
    path = pages_warc(tmp_path / "two.warc.gz", 8, extras=False)
    out = tmp_path / "out.jsonl"
    assert clean(path, "-o", out, "--learn-by", "host", "--extract", "all") == 0
    for rec in read_jsonl(out):
        host = rec["url"].split("/")[2]
        head, foot = SITES[host]
        assert head not in rec["text"] and foot not in rec["text"]
        assert f"({host}, story " in rec["text"]


# --- after a main-content extractor -------------------------------------------------------------------
FURNITURE_PAGE = ("Home\nNews\nSport\n" + "\n".join(TOPICS_A[:3]) + "\nSubscribe to our newsletter\n"
                  "Related\nWeather\nContact\n")


def _boilerplate_reasons(doc: Doc) -> dict[str, str]:
    return {c.original.strip(): c.reason.split(" (")[0] for c in doc.report.changes
            if c.step == "boilerplate"}


def test_lines_chosen_by_a_main_content_extractor_are_not_judged_by_position_again():
    """After --extract main the line classifier (which judges a line by its place among
    the others) is left to the extractor; content rules still apply."""
    plain = Doc(id="plain", raw=FURNITURE_PAGE)
    chosen = Doc(id="main", raw=FURNITURE_PAGE, meta={"extracted": "main"})
    Cleaner(translate=False).process([plain, chosen])
    by_plain, by_main = _boilerplate_reasons(plain), _boilerplate_reasons(chosen)
    assert {by_plain[k] for k in ("Home", "News", "Related", "Contact")} == {"classifier"}
    assert "classifier" not in by_main.values() and "Home" in chosen.text
    # a content rule removes the call to subscribe either way
    assert by_main["Subscribe to our newsletter"] == by_plain["Subscribe to our newsletter"] \
        != "classifier"
    # the extraction stage says which documents it chose the lines of
    page_ = Doc(id="p", raw=_html_page(ARTICLE), meta={"markup": "html"})
    other = Doc(id="q", raw=_html_page(ARTICLE), meta={"markup": "html"})
    Cleaner(translate=False).process([page_])
    Cleaner(translate=False, extract="all").process([other])
    assert page_.meta["extracted"] == "main" and other.meta["extracted"] == "all"
