"""The README's promises a user relies on, run as written (trials21): its Library, ETL and
web code blocks, what it says about pickling, logging and the messages of bad input, and
the keys it lists for the summary JSON and the errors file."""

from __future__ import annotations

import ast
import copy
import csv
import gzip
import json
import multiprocessing
import re
import subprocess
import sys
from pathlib import Path

import pytest

import polyclean
from argos_tiny import argos_env, tiny_zips  # noqa: F401
from polyclean import Cleaner, cli

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text("utf-8")
SHARED = ROOT.parent / "shared"
KOI8_PAGE = SHARED / "data" / "chardet-legacy-encodings" / "files" / "KOI8-R" / \
    "_chromium_KOI8-R_with_no_encoding_specified.html"
MOJIBAKE = ("It\u00e2\u20ac\u2122s a \u00e2\u20ac\u0153test\u00e2\u20ac\ufffd of the new "
            "cleaner \u00e2\u20ac\u201d it works well.\n"
            "\u0417\u0430\u0433\u043e\u043b\u043e\u0432\u043e\u043a \u043e\u0442\u043a\u0440"
            "\u044b\u0432\u0430\u0435\u043c\u043e\u0433\u043e \u043c\u0430\u0442\u0435\u0440"
            "\u0438\u0430\u043b\u0430\nSubscribe\n")
EN = ("The council met on Monday to discuss the budget for the coming year.\n"
      "Members asked why the new bridge had cost twice what was planned.\n")


def readme_block(marker: str) -> str:
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    found = [b for b in blocks if marker in b]
    assert len(found) == 1, marker
    return found[0]


def section(title: str) -> str:
    return README.split(title, 1)[1].split("\n## ", 1)[0]


# --- Library ---------------------------------------------------------------------------------
def test_the_library_block_runs_as_written_and_gives_what_its_comments_say():
    """Each line of the README's Library block runs; a line whose comment shows a value
    (`polyclean.normalize("“Hi” — there…")   # '"Hi" - there...'`) gives that value."""
    block = readme_block("cleaner.clean_batch(list_of_texts)")
    scope = {"raw_bytes": MOJIBAKE.encode("utf-8"), "text": MOJIBAKE,
             "text_or_bytes": MOJIBAKE.encode("utf-8"), "list_of_texts": [MOJIBAKE, EN]}
    shown = 0
    for line in block.splitlines():
        code, _, comment = line.partition("  # ")
        exec(code, scope)  # noqa: S102 - the README's own code
        value = comment.strip()
        if value.startswith("'"):
            assert eval(code.strip(), scope) == ast.literal_eval(value), line  # noqa: S307
            shown += 1
    assert shown == 1
    assert scope["cleaner"].config.ascii and not scope["cleaner"].config.translate
    result = scope["result"]
    # "detected segments (offsets into result.repaired)"
    assert result.segments and all(result.repaired[s.start:s.end] == s.text
                                   for s in result.segments)
    assert set(result.report) >= {"schema", "id", "lang", "stages", "counts", "fragments",
                                  "changes"}
    assert result.report["id"] == "doc-1"
    # The report: fragments' offsets are into the text detection read; replay rebuilds it
    from polyclean.report import replay

    frags = result.report["fragments"]
    assert frags and all(result.repaired[f["start"]:f["end"]] == f["text"] for f in frags)
    assert replay(result.source, result.report) == result.text
    assert [r.text for r in scope["results"]] == [result.text, scope["cleaner"].clean(EN).text]
    # decode + repair only: the quotes stay curly, the Russian line and "Subscribe" stay
    repaired = scope["polyclean"].repair(MOJIBAKE.encode("utf-8"))
    assert repaired == MOJIBAKE.replace(
        "It\u00e2\u20ac\u2122s a \u00e2\u20ac\u0153test\u00e2\u20ac\ufffd of the new cleaner "
        "\u00e2\u20ac\u201d", "It\u2019s a \u201ctest\u201d of the new cleaner \u2014")
    assert polyclean.clean("It\u00e2\u20ac\u2122s a \u00e2\u20ac\u0153test\u00e2\u20ac\ufffd "
                           "\u00e2\u20ac\u201d \u00d0\u2014\u00d0\u00b0\u00d0\u00b3\u00d0\u00be"
                           "\u00d0\u00bb\u00d0\u00be\u00d0\u00b2\u00d0\u00be\u00d0\u00ba",
                           translate=False) == "It's a \"test\" - \u0417\u0430\u0433\u043e\u043b\u043e\u0432\u043e\u043a"


def _clean_in_worker(job):
    cleaner, text = job
    return cleaner.clean(text).text, dict(cleaner.stats)


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_a_cleaner_goes_to_pool_workers_with_spawn_and_fork(method):
    """README: `Cleaner` pickles as its config only, so it goes to `multiprocessing.Pool`
    workers with the `spawn` or `fork` start method; each worker cleans as this process
    does."""
    cleaner = Cleaner(translate=False, ascii=True)
    want = [cleaner.clean(t).text for t in (MOJIBAKE, EN)]
    with multiprocessing.get_context(method).Pool(2) as pool:
        got = pool.map(_clean_in_worker, [(cleaner, MOJIBAKE), (cleaner, EN)])
    assert [g[0] for g in got] == want
    # the worker's copy started fresh: it counted only its own document
    assert all(g[1]["documents"] == 1 for g in got)


def test_deepcopy_gives_a_fresh_cleaner_and_the_library_logs_to_a_null_handler():
    """README: `copy.deepcopy` gives a fresh `Cleaner` (its config, no counts or learned
    state); the library logs to the `polyclean` logger and installs only a
    `logging.NullHandler`."""
    cleaner = Cleaner(translate=False, unicode_form="NFKC")
    cleaner.clean(EN)
    assert cleaner.stats["documents"] == 1
    fresh = copy.deepcopy(cleaner)
    assert fresh is not cleaner and fresh.config == cleaner.config and fresh.stats == {}
    assert fresh.clean(EN).text == cleaner.clean(EN).text
    code = ("import logging, polyclean; polyclean.clean('Subscribe\\nA sentence of text here.');"
            "h = logging.getLogger('polyclean').handlers;"
            "print([type(x).__name__ for x in h], logging.getLogger().handlers)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "['NullHandler'] []"


# --- ETL and Dask ----------------------------------------------------------------------------
def test_the_etl_block_runs_as_written_keeping_the_index_and_nulls():
    pd = pytest.importorskip("pandas")
    block = readme_block("iter_clean(texts")
    df = pd.DataFrame({"text": [MOJIBAKE, None, EN]}, index=["a", "b", "c"], dtype=object)
    scope = {"texts": [MOJIBAKE, EN, "Subscribe"], "df": df}
    exec(block, scope)  # noqa: S102
    out = scope["df"]["text_clean"]
    assert list(out.index) == ["a", "b", "c"]
    assert out["b"] is None or pd.isna(out["b"])
    assert out["a"] == Cleaner(translate=False).clean(MOJIBAKE).text
    assert scope["result"].text == Cleaner(translate=False).clean("Subscribe").text


def test_the_dask_dataframe_block_runs_as_written(tmp_path, monkeypatch):
    """README (ETL and Dask): `clean_dataframe(dd.read_parquet("pages/"), "text",
    output_column="text_en")` then `to_parquet("clean/")`."""
    pd = pytest.importorskip("pandas")
    pytest.importorskip("dask.dataframe")
    pytest.importorskip("pyarrow")
    (tmp_path / "pages").mkdir()
    texts = [MOJIBAKE, EN, "Subscribe\n" + EN]
    pd.DataFrame({"id": [0, 1], "text": texts[:2]}).to_parquet(tmp_path / "pages" / "part-0.parquet")
    pd.DataFrame({"id": [2], "text": texts[2:]}).to_parquet(tmp_path / "pages" / "part-1.parquet")
    monkeypatch.chdir(tmp_path)
    exec(readme_block('clean_dataframe(dd.read_parquet("pages/")'), {})  # noqa: S102
    got = pd.read_parquet(tmp_path / "clean").sort_values("id")
    assert list(got.columns) == ["id", "text", "text_en"]
    assert list(got["text"]) == texts
    assert list(got["text_en"]) == [Cleaner().clean(t).text for t in texts]


# --- HTML and WARC, the library --------------------------------------------------------------
def test_the_web_library_block_runs_as_written(tmp_path, monkeypatch, capsys):
    """README (HTML and WARC input): the `polyclean.web` block runs as written (it used
    `Path` without importing it), on a KOI8-R page and an archive named as in the block."""
    pytest.importorskip("trafilatura")
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    if not KOI8_PAGE.exists():
        pytest.skip(f"shared data not found: {KOI8_PAGE}")
    from webarchive import Archive

    arc = Archive(gz=True)
    arc.info()
    arc.request("https://example.ru/a")
    arc.response("https://example.ru/a", KOI8_PAGE.read_bytes(), "text/html; charset=koi8-r")
    arc.response("https://example.ru/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(40), "image/png")
    (tmp_path / "CC-MAIN-\u2026-00000.warc.gz").write_bytes(arc.bytes())
    monkeypatch.chdir(tmp_path)
    block = readme_block("WarcReader(Path(")
    scope = {"page_bytes": KOI8_PAGE.read_bytes()}
    exec(block, scope)  # noqa: S102
    web = scope["web"]
    assert web.encoding.reason == "declared in the HTTP header: koi8-r"  # as its comment says
    assert "\u041c\u041e\u0421\u041a\u0412\u0410" in web.text  # МОСКВА, read as KOI8-R
    assert scope["doc"].fields["url"] == "https://example.ru/a"
    assert set(scope["doc"].fields) == {"url", "warc_record_id", "date", "http_charset"}
    assert "skipped: not HTML (image/png)" in capsys.readouterr().out
    counts = scope["reader"].counts
    assert (counts["documents"], counts["skipped"], counts["type:request"]) == (1, 1, 1)


# --- messages of bad input, word for word -----------------------------------------------------
@pytest.mark.parametrize("toml,message,shown", [
    ('ascii = "false"', "option ascii='false' must be true or false", None),
    ("beam_size = 1.5", "option beam_size=1.5 must be a whole number", None),
    ('doc_lang = "klingon"', "option doc_lang='klingon' is not a language code (ISO 639",
     "option doc_lang='klingon' is not a language code …"),
    ('missing_model = "x"', "option missing_model='x' is not one of: keep, transliterate, drop, fail",
     "option missing_model='x' is not one of: …"),
    ('beam_size = "2"', "option beam_size='2' must be a whole number",
     "config file job.toml: option beam_size='2' must be a whole number"),
])
def test_the_readme_messages_of_bad_option_values(tmp_path, capsys, toml, message, shown):
    """README (Bad input, last row; Command line): `config file FILE: option …`, exit 2."""
    assert f"`{shown or message}`" in " ".join(README.split())
    conf = tmp_path / "job.toml"
    conf.write_text(toml + "\n", encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text(EN, encoding="utf-8")
    assert cli.main(["clean", str(src), "--config", str(conf)]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0].startswith(f"polyclean: error: config file {conf}: {message}")


def test_the_readme_messages_of_broken_warc_records(tmp_path, capsys):
    """README (Bad input): a damaged gzip member is `A.warc.gz:offset N: cannot read the
    archive after this offset (…); reading resumes at offset M`, a record cut short
    `truncated record: X of Y bytes`; exit 1, the other records written."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from webarchive import Archive

    arc = Archive(gz=True)
    for i in range(3):
        arc.response(f"https://e.example/{i}", f"<html><body><p>Page {i} tells the council's "
                     f"story of the year, in one long sentence about bridges.</p></body></html>"
                     .encode(), "text/html")
    data = bytearray(arc.bytes())
    start, after = arc.starts["https://e.example/1"], arc.starts["https://e.example/2"]
    for k in range(start + 30, start + 50):
        data[k] ^= 0xFF
    path = tmp_path / "a.warc.gz"
    path.write_bytes(bytes(data))
    out = tmp_path / "o.jsonl"
    assert cli.main(["clean", str(path), "-o", str(out), "--no-translate"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert re.fullmatch(rf"polyclean: error: {re.escape(str(path))}:offset {start}: cannot read "
                        rf"the archive after this offset \(.+\); reading resumes at offset {after}",
                        err[0]), err
    assert [json.loads(x)["url"] for x in out.read_text().splitlines()] == [
        "https://e.example/0", "https://e.example/2"]
    plain = tmp_path / "cut.warc"
    whole = gzip.decompress(arc.bytes())
    plain.write_bytes(whole[:len(whole) - 40])
    assert cli.main(["clean", str(plain), "-o", str(tmp_path / "c.jsonl"), "--no-translate"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert re.fullmatch(rf"polyclean: error: {re.escape(str(plain))}:offset \d+: truncated record: "
                        r"\d+ of \d+ bytes", err[0]), err


# --- the summary JSON and the errors file hold what the README lists -------------------------
def test_the_summary_json_and_errors_file_keys_are_the_readme_lists(tmp_path):
    """README (Guarantees): the keys of the summary JSON and of an errors-file entry are
    those it lists (the summary had `reading` and `timings`, which the list left out)."""
    guarantees = section("## Guarantees")
    para = guarantees.split("**The summary JSON**", 1)[1].split("\n\n", 1)[0]
    listed = para.split("Report lines", 1)[0]
    not_keys = {"ok", "failed", "stopped", "interrupted", "warc_records", "warc_documents",
                "warc_skipped"}  # the statuses, and counters inside `stats`
    keys = set(re.findall(r"`(\w+)`", listed)) - not_keys
    table = guarantees.split("**The errors file**", 1)[1].split("**The summary JSON**", 1)[0]
    error_keys = {k for row in re.findall(r"^\| (.+?) \|", table, re.M)
                  for k in re.findall(r"`(\w+)`", row)}
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "a", "text": EN}) + "\n{broken\n", encoding="utf-8")
    out = tmp_path / "o.jsonl"
    summ = tmp_path / "s.json"
    assert cli.main(["clean", str(src), "-o", str(out), "--summary-json", str(summ),
                     "--no-translate", "-q"]) == 1
    data = json.loads(summ.read_text("utf-8"))
    assert set(data) == keys, set(data) ^ keys
    assert {"warc_records", "warc_documents", "warc_skipped"} <= not_keys
    errors = [json.loads(x) for x in (tmp_path / "o.jsonl.errors.jsonl").read_text().splitlines()]
    assert errors and all(set(e) <= error_keys for e in errors)


# --- formats: a .warc.lz4 archive is read by its name ---------------------------------------
def test_an_lz4_archive_is_read_by_its_name(tmp_path, capsys):
    """README (Formats): a WARC archive is read plain, `.gz`, `.zst` or `.lz4`. A
    `.warc.lz4` was read only with `--format warc`: by its name it was taken for a text
    file (`binary data, not text: 20% control bytes`, exit 1), in `clean` and `detect`,
    and a folder's archive was refused the same way."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from fastwarc.stream_io import Lz4Writer

    from webarchive import Archive

    arc = Archive(gz=False)
    arc.info()
    for i in range(3):
        arc.request(f"https://e.example/{i}")
        arc.response(f"https://e.example/{i}", f"<html><body><p>Page {i} tells the council's "
                     f"story of the year, in one long sentence about bridges.</p></body></html>"
                     .encode(), "text/html")
    plain = tmp_path / "CC-1.warc"
    plain.write_bytes(arc.bytes())
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    lz4 = crawl / "CC-1.warc.lz4"
    w = Lz4Writer(str(lz4))
    w.write(arc.bytes())
    w.close()
    assert lz4.read_bytes()[:4] == b"\x04\x22\x4d\x18"
    want = tmp_path / "plain.jsonl"
    assert cli.main(["clean", str(plain), "-o", str(want), "--no-translate", "-q"]) == 0
    assert len(want.read_text().splitlines()) == 3
    got = tmp_path / "lz4.jsonl"
    assert cli.main(["clean", str(lz4), "-o", str(got), "--no-translate", "-q"]) == 0
    assert got.read_bytes() == want.read_bytes()
    out = tmp_path / "out"
    assert cli.main(["clean", str(crawl), "-o", f"{out}/", "--no-translate", "-q"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["CC-1.jsonl"]  # as CC-1.warc.gz gives
    assert (out / "CC-1.jsonl").read_bytes() == want.read_bytes()
    capsys.readouterr()
    assert cli.main(["detect", str(lz4)]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3


# --- a closed stdin that is not read does not matter ----------------------------------------
@pytest.mark.parametrize("command,output", [
    ("clean a.txt -o x.txt --no-translate <&-", "x.txt"),
    ("clean a.jsonl -o x.csv --no-translate <&-", "x.csv"),
    ("clean a.txt --no-translate <&-", None),
    ("detect a.txt <&-", None),
])
def test_a_closed_stdin_that_is_not_read_does_not_matter(tmp_path, command, output):
    """README (Guarantees): a standard stream closed when polyclean starts is an error
    only when it is used. `polyclean clean a.txt -o x.txt <&-` (a job started with its
    input closed) failed every input, 'polyclean: error: stdout: standard input is
    closed', exit 1: closing a file reader compared its stream with sys.stdin.buffer."""
    (tmp_path / "a.txt").write_text(EN, "utf-8")
    (tmp_path / "a.jsonl").write_text(json.dumps({"text": EN}) + "\n", "utf-8")
    proc = subprocess.run(f"'{sys.executable}' -m polyclean {command}", shell=True, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)
    assert (proc.returncode, proc.stderr) == (0, ""), proc.stderr
    got = proc.stdout if output is None else (tmp_path / output).read_text("utf-8")
    assert "The council met on Monday" in got


def test_clean_into_a_full_stdout_says_how_far_it_got(tmp_path):
    """README (Guarantees): stdout on a full disk is one line and exit 1; from `clean`,
    `stdout: cannot write: no space left on device; stopped after N records`."""
    if not Path("/dev/full").exists():
        pytest.skip("no /dev/full")
    (tmp_path / "a.jsonl").write_text((json.dumps({"text": EN}) + "\n") * 3, "utf-8")
    with open("/dev/full", "wb") as full:
        proc = subprocess.run([sys.executable, "-m", "polyclean", "clean", "a.jsonl",
                               "--no-translate"], cwd=tmp_path, stdout=full,
                              stderr=subprocess.PIPE, text=True, timeout=300)
    assert proc.returncode == 1
    assert re.fullmatch(r"polyclean: error: stdout: cannot write: no space left on device; "
                        r"stopped after \d+ records?\n", proc.stderr), proc.stderr


def test_records_to_csv_and_tsv_keep_columns_numbers_and_nulls_as_the_readme_says(tmp_path):
    """README (Formats): to CSV/TSV from records the columns are every key met, in order
    of appearance; nested values are JSON text, null an empty cell, JSONL numbers keep
    their source text."""
    src = tmp_path / "r.jsonl"
    src.write_text('{"id": 1, "text": "First line of text here.", "n": 1.50}\n'
                   '{"text": "Second \u2014 one.", "meta": {"a": [1,2]}, "id": null, '
                   '"x": 12345678901234567890}\n', "utf-8")
    for ext, sep in ((".csv", ","), (".tsv", "\t")):
        out = tmp_path / f"o{ext}"
        assert cli.main(["clean", str(src), "-o", str(out), "-q"]) == 0
        lines = out.read_text("utf-8").splitlines()
        rows = list(csv.reader(lines)) if ext == ".csv" else [ln.split(sep) for ln in lines]
        assert rows == [["id", "text", "n", "meta", "x"],
                        ["1", "First line of text here.", "1.50", "", ""],
                        ["", "Second - one.", "", '{"a": [1, 2]}', "12345678901234567890"]]


@pytest.mark.parametrize("codec", ["lz4", "zst"])
def test_a_broken_lz4_or_zstd_archive_stops_at_the_break_with_one_error(tmp_path, capsys, codec):
    """README (Known limits): only gzip-per-record and uncompressed archives resync after
    a broken record; a broken `.warc.zst`/`.lz4` stops at the break (one error record).
    An LZ4 archive cut short gave three errors: after the break the reader looked for
    `WARC/1.` in the compressed bytes, found it as a literal, and read garbage as
    records ('no Content-Length header', 'Invalid WARC header')."""
    pytest.importorskip("fastwarc")
    pytest.importorskip("warcio")
    from webarchive import Archive

    arc = Archive(gz=False)
    arc.info()
    for i in range(12):  # records over 64 KiB apart: LZ4 writes each `WARC/1.0` as a literal
        arc.response(f"https://e.example/{i}", (f"<html><body><p>Page {i} tells the council's "
                     f"story of the year.</p>" + "".join(
                         f"<p>Paragraph {j} of page {i} is about bridge number {i * j}.</p>"
                         for j in range(1500)) + "</body></html>").encode(), "text/html")
    data = arc.bytes()
    path = tmp_path / f"a.warc.{codec}"
    if codec == "lz4":
        from fastwarc.stream_io import Lz4Writer

        w = Lz4Writer(str(path))
        w.write(data)
        w.close()
    else:
        zstandard = pytest.importorskip("zstandard")
        path.write_bytes(zstandard.ZstdCompressor().compress(data))
    whole = path.read_bytes()
    assert whole.count(b"WARC/1.") > (4 if codec == "lz4" else -1)
    path.write_bytes(whole[: len(whole) * 2 // 3])
    out = tmp_path / "o.jsonl"
    assert cli.main(["clean", str(path), "-o", str(out), "--no-translate", "-q"]) == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].endswith("reading resumes at the end of the archive"), err
    errors = (tmp_path / "o.jsonl.errors.jsonl").read_text("utf-8").splitlines()
    assert len(errors) == 1
    kept = [json.loads(x)["url"] for x in out.read_text("utf-8").splitlines()]
    assert kept == [f"https://e.example/{i}" for i in range(len(kept))]  # those before the break


# --- the order of the stages: boilerplate before translation, --ascii after it ---------------

def test_boilerplate_is_never_translated_and_ascii_comes_after_translation(argos_env, tiny_zips):
    """README (What each stage does): boilerplate runs before translation, so boilerplate
    is never translated; normalisation (and `--ascii`) never runs before detection and
    translation, so a Russian fragment is translated rather than transliterated."""
    from polyclean import models, translate

    models.install_file(tiny_zips["ru-en"])
    text = ("The council met on Tuesday to discuss the new budget for the city.\n"
            "\u041a\u043e\u0448\u043a\u0430 \u043b\u044e\u0431\u0438\u0442 \u043c\u043e\u043b\u043e"
            "\u043a\u043e \u0438 \u0441\u043e\u0431\u0430\u043a\u0430 \u0435\u0441\u0442 \u043c"
            "\u044f\u0441\u043e \u0441\u0435\u0433\u043e\u0434\u043d\u044f\n"
            "Several members asked for more money for schools and public libraries.\n"
            "\u041f\u043e\u0434\u043f\u0438\u0441\u0430\u0442\u044c\u0441\u044f\n")  # Подписаться
    before = translate.model_stats()["sentences_translated"]
    res = Cleaner(ascii=True, cache=str(argos_env.cache)).clean(text)
    assert res.text == ("The council met on Tuesday to discuss the new budget for the city.\n"
                        "Cat loves milk and dog eats meat today\n"
                        "Several members asked for more money for schools and public libraries.")
    assert translate.model_stats()["sentences_translated"] - before == 1  # not the UI line
    steps = [(c["step"], c.get("reason")) for c in res.report["changes"]
             if c["step"] in ("boilerplate", "translate")]
    assert steps == [("boilerplate", "ui-phrase"),
                     ("translate", "translated ru->en with translate-ru_en-1.0")]


def test_the_functions_stay_functions_once_the_stage_modules_are_imported():
    """README (Library, note): `polyclean.detect`, `polyclean.repair` and
    `polyclean.normalize` are functions; the stage modules of the same names are
    imported as `from polyclean.detect import …` (importing a submodule binds its name
    on the package, which would have replaced the function)."""
    code = ("import polyclean\n"
            "from polyclean.detect import detect_document\n"
            "from polyclean.repair import repair_line\n"
            "import polyclean.normalize, polyclean.repair, polyclean.detect\n"
            "print(polyclean.normalize('\\u201cHi\\u201d \\u2014 there\\u2026'))\n"
            "print(polyclean.repair('Caf\\u00c3\\u00a9'))\n"
            "print([s.lang for s in polyclean.detect('The council met on Monday to talk.')])\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ['"Hi" - there...', "Caf\u00e9", "['en']"]


def test_the_option_tables_name_config_fields_with_their_defaults():
    """README (Command line, Batch runs): each table row's config field is a field of
    `polyclean.Config`, and a default written as a value (`en`, `keep`, 2, 256, 64 MiB)
    is that field's default."""
    from polyclean.config import Config

    fields = {name: default for name, default, _doc in Config.describe()}
    checked = 0
    for title, nfield in (("## Command line", 2), ("## Batch runs", 1)):
        for row in re.findall(r"^\|(.*)\|$", section(title), re.M):
            cells = [c.strip() for c in row.split("|")]
            if len(cells) < nfield + 3 or not cells[nfield].startswith("`"):
                continue
            names = re.findall(r"`(\w+)`", cells[nfield])
            assert names and all(n in fields for n in names), row
            default = cells[nfield + 1]
            value = fields[names[0]]
            if "OUT" in default:  # a name made from -o's
                continue
            if m := re.fullmatch(r"`([^`]+)`", default):
                assert str(value) == m.group(1), row
            elif m := re.match(r"(\d+)( MiB)?\b", default):
                assert value == int(m.group(1)) * (1 << 20 if m.group(2) else 1), row
            else:
                continue
            checked += 1
    assert checked >= 15


def test_explain_id_with_an_id_field_takes_the_records_own_id_before_its_number(tmp_path, capsys):
    """README (Run report): `explain --id` takes a location, a record number, or the
    record's own id with `--id-field NAME`. With numeric ids from 0 (a DataFrame's
    index), `--id-field id --id 3` explained the third record, whose id was 2; the
    record of id 3 comes first now, the record number when no record has that id."""
    src = tmp_path / "d.jsonl"
    rows = [{"id": i, "body": f"Record number {i + 1} says the council met on day {i}."}
            for i in range(5)] + [{"id": "z", "body": "The last record has its own name."}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    common = ["explain", str(src), "--text-field", "body", "--no-translate", "--color", "never"]
    for args, header, says in (
            (["--id-field", "id", "--id", "3"], "polyclean explain: 3", "day 3."),
            (["--id", "3"], f"polyclean explain: {src}:line 3", "day 2."),
            (["--id-field", "id", "--id", "6"], "polyclean explain: z", "own name"),
            (["--id-field", "id", "--id", "line 3"], "polyclean explain: 2", "day 2.")):
        assert cli.main(common + args) == 0
        out = capsys.readouterr().out
        assert out.splitlines()[0] == header and says in out, (args, out)


def test_a_text_field_given_twice_in_a_jsonl_object_has_its_last_occurrence_cleaned(tmp_path):
    """README (Known limits, Formats): JSONL to JSONL keeps each line; a text field that
    occurs twice in one object has its last occurrence cleaned (the first stays)."""
    src = tmp_path / "d.jsonl"
    src.write_text('{"text": "First \u201cone\u201d.", "id": 1, "text": "Second \u201ctwo\u201d."}\n',
                   "utf-8")
    out = tmp_path / "o.jsonl"
    assert cli.main(["clean", str(src), "-o", str(out), "-q"]) == 0
    assert out.read_text("utf-8") == ('{"text": "First \u201cone\u201d.", "id": 1, '
                                      '"text": "Second \\"two\\"."}\n')


def test_read_documents_of_a_url_says_it_reads_local_paths_only():
    """README (Known limits): `read_documents` reads local paths only. Given
    `s3://bucket/crawl/*` it said 'no files match', as if the bucket were empty."""
    pytest.importorskip("dask.bag")
    from polyclean.dask import read_documents
    from polyclean.errors import InputError

    for url in ("s3://bucket/crawl/*", "https://example.org/dump.jsonl"):
        with pytest.raises(InputError, match=rf"^{re.escape(url)}: a URL; read_documents reads "
                                             r"local paths only \("):
            read_documents(url)


def test_the_charset_labels_the_readme_names():
    """README (HTML and WARC input, Charset): `ascii` means windows-1252, `shift_jis`
    windows-31J (NEC's ① is in it, not in Shift_JIS proper), and "replacement" labels
    (iso-2022-kr is one) are ignored: detection reads the page."""
    pytest.importorskip("w3lib")
    pytest.importorskip("webencodings")
    from polyclean.web.charset import decode_html

    d = decode_html(b"<p>\x93x\x94</p>", "ascii")
    assert (d.text, d.encoding) == ("<p>\u201cx\u201d</p>", "cp1252")
    ja = "<p>\u30c6\u30b9\u30c8\u2460</p>"
    assert decode_html(ja.encode("cp932"), "shift_jis").text == ja
    ru = ("<p>\u041f\u0440\u0438\u0432\u0435\u0442, \u043a\u0430\u043a \u0434\u0435\u043b\u0430 "
          "\u0443 \u0442\u0435\u0431\u044f \u0441\u0435\u0433\u043e\u0434\u043d\u044f</p>")
    for page, header in ((ru.encode("cp1251"), "replacement"),
                         (b'<meta charset="iso-2022-kr">' + ru.encode("cp1251"), None)):
        d = decode_html(page, header)
        assert d.text.endswith(ru) and d.encoding == "cp1251"
        assert "'replacement', not an encoding a browser reads; detected" in d.reason


def test_the_run_pages_lines_removed_equal_the_summarys_on_hard_wrapped_text(tmp_path):
    """README (Guarantees): the `--html-report` page's counts equal the run summary's.
    A hard-wrapped paragraph removed as one line (CleanEval's page 5: job adverts wrapped
    at a column) was one line in the summary and one per physical line in the page,
    which then marked 'the summary and the reports disagree' (285 against 293)."""
    gold = SHARED / "data" / "cleaneval-dev" / "gold"
    if not gold.exists():
        pytest.skip(f"shared data not found: {gold}")
    src = tmp_path / "in"
    src.mkdir()
    for i in range(1, 6):
        (src / f"page{i}.txt").write_bytes((gold / f"{i}.txt").read_bytes())
    page, summ, rep = tmp_path / "run.html", tmp_path / "s.json", tmp_path / "r.jsonl"
    assert cli.main(["clean", str(src), "-o", str(tmp_path / "out") + "/", "--no-translate",
                     "-q", "--html-report", str(page), "--summary-json", str(summ),
                     "--report", str(rep)]) == 0
    changes = [c for line in rep.read_text("utf-8").splitlines()
               for c in json.loads(line)["changes"] if c["step"].startswith("boilerplate")]
    assert any("\n" in c["original"].rstrip("\n") for c in changes)  # a wrapped paragraph
    removed = json.loads(summ.read_text("utf-8"))["stats"]["lines_removed"]
    assert removed == len(changes)
    html = page.read_text("utf-8")
    shown = dict(re.findall(r"data-count='lines_removed' data-from=(\w+)>([^<]*)<", html))
    assert shown == {"summary": f"{removed:,}", "reports": f"{removed:,}"}
    assert "class=differ" not in html


@pytest.mark.parametrize("content,says", [
    ('[{"text": "First good sentence here."}] trailing\n', "item 1: text after the closing ']'"),
    ('[{"text": "First good sentence here."}, {"text": "x"} {"text": "y"}]',
     "item 2: expected ',' or the closing ']' after it"),
])
def test_a_damaged_json_array_names_what_broke_it(tmp_path, capsys, content, says):
    """README (Formats, JSON): a damaged array (a missing comma, text after the closing
    `]`) fails with the item it broke at, before anything is cleaned. Text after the
    closing `]` of a one-item array was 'expected ',' or the closing ']' after it',
    which is there."""
    src = tmp_path / "export.json"
    src.write_text(content, "utf-8")
    out = tmp_path / "o.jsonl"
    assert cli.main(["clean", str(src), "-o", str(out), "--no-translate"]) == 1
    assert capsys.readouterr().err == (f"polyclean: error: {src}: cannot read: not a JSON array "
                                       f"of records: {says}; check the file, or give it as JSON "
                                       "Lines (one object a line)\n")
    assert not out.exists()


def test_the_readme_toml_example_and_flags_winning_over_it(tmp_path, capsys):
    """README (Command line): the `[polyclean]` TOML block as written sets its options
    (`-` or `_` in names); flags win over the file."""
    toml = re.findall(r"```toml\n(.*?)```", section("## Command line"), re.S)
    assert len(toml) == 1
    conf = tmp_path / "job.toml"
    conf.write_text(toml[0], "utf-8")
    src = tmp_path / "page.txt"
    src.write_text(MOJIBAKE, "utf-8")
    args = ["clean", str(src), "--config", str(conf), "-q", "--packages-dir", str(tmp_path / "none")]
    assert cli.main(args) == 0
    assert capsys.readouterr().out == ("It's a \"test\" of the new cleaner - it works well.\n"
                                       "Zagolovok otkryvaemogo materiala\n")  # ascii, transliterate
    assert cli.main(args + ["--missing-model", "drop"]) == 0
    assert capsys.readouterr().out == "It's a \"test\" of the new cleaner - it works well.\n"
