"""Bugs a new user found by trying the command line on inputs nobody had used (fourth
round): each test is the user's command, run as the user runs it (a real process where
the shell's redirections matter), and asserts what the user sees: exit code, one-line
message, files left as they were."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from polyclean import cli

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return cli.main([*map(str, args)])


def run_cli(*args, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)],
                          stderr=subprocess.PIPE, text=True, env=env, timeout=300, **kw)


TEXT = "The council met on Tuesday to discuss the budget for the next year.\n"


# --- writing to a full disk ------------------------------------------------------------
@pytest.mark.parametrize("args", [["--version"], ["--help"], ["clean", "--help"],
                                  ["models", "--help"]])
def test_version_and_help_on_a_full_disk_fail(args):
    # `polyclean --version > /dev/full` exited 0 without a word (argparse swallows the
    # failed write), while every other write to a full disk is one line and exit 1
    with open("/dev/full", "w") as full:
        proc = run_cli(*args, stdout=full)
    assert proc.returncode == 1, proc
    assert proc.stderr == "polyclean: error: stdout: no space left on device\n"


def test_version_and_help_into_a_closed_pipe_stay_quiet():
    # a reader that goes away (`polyclean --help | head -1`) is not an error
    proc = subprocess.run(f"'{sys.executable}' -m polyclean clean --help | head -1",
                          shell=True, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert proc.stdout.startswith("usage: polyclean clean") and proc.stderr == ""
    assert run_cli("--version").stdout.startswith("polyclean ")


sys.path.insert(0, str(Path(__file__).parent))
from argos_tiny import argos_env, tiny_zips  # noqa: E402,F401  (fixtures)


def test_models_list_on_a_full_disk_is_one_line(argos_env, tiny_zips):
    # `polyclean models list > /dev/full` ended in a traceback (OSError from print)
    assert run("models", "install", tiny_zips["ru-en"]) == 0
    with open("/dev/full", "w") as full:
        proc = run_cli("models", "list", stdout=full)
    assert (proc.returncode, proc.stderr) == (
        1, "polyclean: error: stdout: no space left on device\n")


# --- a document that comes out empty ---------------------------------------------------
NAV_ONLY = ("<html><head><title>Menu</title></head><body><header><nav><a href='/'>Home</a>"
            " | <a href='/about'>About us</a></nav></header><footer>&copy; 2024 Example Inc. "
            "All rights reserved.</footer></body></html>")
SCRIPT_ONLY = "<html><body><script>var x = 1;</script></body></html>"


def test_a_page_that_comes_out_empty_is_a_warning(tmp_path, capsys):
    # a page with only navigation and a footer (or no visible text) gave an empty
    # output file, exit 0, and not a word on stderr or in the summary
    site = tmp_path / "site"
    site.mkdir()
    (site / "nav.html").write_text(NAV_ONLY, "utf-8")
    (site / "script.html").write_text(SCRIPT_ONLY, "utf-8")
    (site / "page.html").write_text(f"<html><body><p>{TEXT}</p></body></html>", "utf-8")
    out, summary = tmp_path / "out", tmp_path / "summary.json"
    assert run("clean", site, "-o", f"{out}/", "--no-translate", "--summary-json",
               summary) == 0
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"polyclean: warning: {site / 'nav.html'}: every line was removed as boilerplate; "
        "the output is empty (--keep-boilerplate keeps them; polyclean explain shows why)",
        f"polyclean: warning: {site / 'script.html'}: the page has no visible text; the "
        "output is empty"]
    assert (out / "nav.txt").read_text("utf-8") == "" and (out / "script.txt").exists()
    assert (out / "page.txt").read_text("utf-8") == TEXT
    assert json.loads(summary.read_text("utf-8"))["stats"]["documents_empty"] == 2
    assert run("clean", site, "-o", f"{tmp_path / 'again'}/", "--no-translate",
               "--summary") == 0  # the summary line counts them
    assert "3 documents, 0 failed, 2 empty (see the warnings), " in capsys.readouterr().err
    assert not (tmp_path / "out.errors.jsonl").exists()  # nothing failed
    # trafilatura keeps nothing of an HTML fragment (no <html>, no <body>): the warning
    # says so, with the way out
    frag = tmp_path / "fragment.html"
    frag.write_text(f"<p>{TEXT}</p>", "utf-8")
    assert run("clean", frag, "-o", tmp_path / "frag.txt", "--no-translate") == 0
    assert capsys.readouterr().err == (
        f"polyclean: warning: {frag}: no main content found: extraction kept none of the "
        "page's visible text; the output is empty (--extract all keeps every visible "
        "block)\n")
    assert run("clean", frag, "-o", tmp_path / "all.txt", "--extract", "all") == 0
    assert (tmp_path / "all.txt").read_text("utf-8") == TEXT
    assert capsys.readouterr().err == ""


def test_records_that_come_out_empty_are_one_warning_and_a_count(tmp_path, capsys):
    # in a JSONL run the first empty document is named and the others counted, as
    # repeated errors are (no errors-file line: the record is written); an empty text
    # field ("") had no text to lose: no warning
    src = tmp_path / "d.jsonl"
    notice = "\u00a9 2024 Example Inc. All rights reserved."
    rows = [{"text": TEXT}, {"text": notice}, {"text": ""}, {"text": notice}]
    src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    out = tmp_path / "o.jsonl"
    assert run("clean", src, "-o", out, "-j", 1, "--no-translate") == 0
    said = ("every line was removed as boilerplate; the output is empty "
            "(--keep-boilerplate keeps them; polyclean explain shows why)")
    assert capsys.readouterr().err.splitlines() == [
        f"polyclean: warning: {src}:line 2: {said}",
        f"polyclean: warning: {src}:line 2: {said} (2 records in all)"]
    assert [json.loads(l)["text"] for l in out.open()] == [TEXT.strip(), "", "", ""]
    assert not (tmp_path / "o.jsonl.errors.jsonl").exists()
    assert run("clean", src, "-o", tmp_path / "q.jsonl", "-q", "--no-translate") == 0
    assert capsys.readouterr().err == ""


# --- names of polyclean's own work files -----------------------------------------------
@pytest.mark.parametrize("flag,name", [("--report", ".o.tsv.polyclean-journal"),
                                       ("--report", ".o.tsv.polyclean-lock"),
                                       ("--errors", ".o.tsv.polyclean-partial"),
                                       ("--summary-json", ".o.tsv.polyclean-journal"),
                                       ("--html-report", ".o.tsv.polyclean-partial"),
                                       ("-o", ".x.tsv.polyclean-merge")])
def test_a_side_file_named_like_a_work_file_is_a_usage_error(tmp_path, capsys, flag, name):
    # --report .o.tsv.polyclean-journal was removed with the journal at the end of the
    # run (exit 0, the report gone); a summary named like the lock file or the journal
    # replaced them; --report named like the output's partial file shared it
    src = tmp_path / "in.tsv"
    src.write_text(f"id\ttext\n1\t{TEXT}", "utf-8")
    side = tmp_path / name
    args = ["-o", tmp_path / "o.tsv"] if flag != "-o" else []
    assert run("clean", src, *args, flag, side, "--no-translate") == 2
    err = capsys.readouterr().err
    assert err == (f"polyclean: error: {flag} {side}: the name of one of polyclean's own "
                   "work files (.NAME.polyclean-...), which a run replaces or removes; "
                   "choose another name\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.tsv"]


def test_work_files_in_an_input_folder_are_skipped_not_cleaned(tmp_path, capsys):
    # the folder of a killed run (its partial files left) given as input: the partial
    # file was cleaned as a document and its output got a work file's name, which the
    # next run's sweep removes (and which is the partial file of the output of b.txt)
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "b.txt").write_text(TEXT, "utf-8")
    (crawl / ".b.txt.polyclean-partial").write_text("The first half of the cle", "utf-8")
    (crawl / ".crawl.polyclean-journal").write_text("{}", "utf-8")
    out = tmp_path / "out"
    assert run("clean", crawl, "-o", f"{out}/", "--no-translate") == 0
    assert sorted(p.name for p in out.iterdir()) == ["b.txt"]
    assert (out / "b.txt").read_text("utf-8") == TEXT
    part, journal = crawl / ".b.txt.polyclean-partial", crawl / ".crawl.polyclean-journal"
    said = "a work file of polyclean (left by a killed run), not an input; skipped"
    assert capsys.readouterr().err.splitlines() == [
        f"polyclean: warning: {part}: {said}", f"polyclean: warning: {journal}: {said}"]
    errors = [json.loads(l) for l in (tmp_path / "out.errors.jsonl").open()]
    assert [(e["input"], e["status"]) for e in errors] == [(str(part), "skipped"),
                                                           (str(journal), "skipped")]
    # named on the command line, it is read, but never written under a work file's name
    assert run("clean", part, "-o", tmp_path / "salvage.txt") == 0
    assert run("clean", part, crawl / "b.txt", "-o", f"{tmp_path / 'tree'}/") == 2
    assert "the name of one of polyclean's own work files" in capsys.readouterr().err
    assert not (tmp_path / "tree").exists()


# --- '-' as the name of a side file ----------------------------------------------------
def test_a_dash_side_file_is_a_standard_stream_not_a_file_named_dash(tmp_path):
    # --summary-json -, --html-report -, --errors - and `report -o -` wrote a file named
    # "-" in the current folder (exit 0, nothing on stdout), while --report - and -o -
    # mean the standard streams
    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"text": TEXT}) + "\n{oops\n", "utf-8")
    common = ["clean", src, "-o", tmp_path / "o.jsonl", "--no-translate"]
    proc = run_cli(*common, "--summary-json", "-", cwd=tmp_path)
    assert proc.returncode == 1 and json.loads(proc.stdout)["errors"] == 1
    proc = run_cli(*common, "--errors", "-", "--report", tmp_path / "r.jsonl", cwd=tmp_path)
    entries = [json.loads(l) for l in proc.stderr.splitlines() if l.startswith("{")]
    assert [(e["line"], e["status"]) for e in entries] == [(2, "error")]
    proc = run_cli(*common, "--html-report", "-", cwd=tmp_path)
    assert proc.returncode == 1 and proc.stdout.startswith("<!DOCTYPE html>")
    proc = run_cli("report", tmp_path / "r.jsonl", "-o", "-", cwd=tmp_path)
    assert proc.returncode == 0 and proc.stdout.startswith("<!DOCTYPE html>")
    assert "wrote standard output" in proc.stderr
    assert not (tmp_path / "-").exists()
    # stdout already holds the cleaned text: a usage error, nothing written
    for flag in ("--summary-json", "--html-report"):
        proc = run_cli("clean", src, flag, "-", "--no-translate", cwd=tmp_path)
        assert (proc.returncode, proc.stdout) == (2, "")
        assert proc.stderr == (f"polyclean: error: {flag} - would share standard output "
                               "with the cleaned text; give a file name or -o OUT\n")
    # the summary and the page cannot share it either (JSON and HTML mixed)
    proc = run_cli(*common, "--summary-json", "-", "--html-report", "-", cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")
    assert "--html-report - is the same file as --summary-json" in proc.stderr
    assert not (tmp_path / "-").exists()


# --- explain reads what clean reads --------------------------------------------------
SCRAPINGHUB = ROOT.parent / "shared" / "data" / "scrapinghub-article-extraction-benchmark"


def test_explain_takes_the_html_and_warc_formats_that_clean_takes(tmp_path):
    # `zcat page.html.gz | polyclean explain - --format html` was refused ("invalid
    # choice: 'html'"), though the README says FILE may be '-' in the format given
    # with --format, and `clean - --format html` reads the same page
    import gzip

    page = sorted((SCRAPINGHUB / "html").glob("*.html.gz"))[0]
    html = gzip.decompress(page.read_bytes())
    clean = subprocess.run([sys.executable, "-m", "polyclean", "clean", "-", "--format",
                            "html", "--no-translate"], input=html, capture_output=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert clean.returncode == 0
    first = clean.stdout.decode("utf-8").splitlines()[0]
    proc = subprocess.run([sys.executable, "-m", "polyclean", "explain", "-", "--format",
                           "html", "--no-translate", "--color", "never"], input=html,
                          capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    view = proc.stdout.decode("utf-8")
    assert view.startswith("polyclean explain: -\n") and "extract: done: main" in view
    assert first[:40] in view
    # an archive whose name does not say so, read as the format given
    arch = tmp_path / "crawl.bin"
    write_warc(arch, [("https://example.org/a", html)])
    proc = run_cli("explain", arch, "--format", "warc", "--no-translate", "--color", "never")
    assert proc.returncode == 0 and f"polyclean explain: {arch}:offset 0" in proc.stdout


def write_warc(path: Path, pages: list[tuple[str, bytes]]) -> None:
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for url, body in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response",
                                                          payload=io.BytesIO(body),
                                                          http_headers=headers))


@pytest.mark.parametrize("kind", ["html", "warc"])
def test_explain_with_a_single_page_or_archive_as_its_batch(tmp_path, kind):
    # `explain page.html --batch page.html` (and an archive) failed: the batch run wrote
    # into a temporary file named like the input, which clean refuses for HTML and WARC
    # ("polyclean reads html but does not write it ... the run over page.html failed")
    import gzip

    html = gzip.decompress(sorted((SCRAPINGHUB / "html").glob("*.html.gz"))[0].read_bytes())
    src = tmp_path / ("page.html" if kind == "html" else "crawl.warc.gz")
    if kind == "html":
        src.write_bytes(html)
    else:
        write_warc(src, [("https://example.org/a", html), ("https://example.org/b", html)])
    want = ["--id", "2"] if kind == "warc" else []
    proc = run_cli("explain", src, *want, "--batch", src, "--no-translate", "--color", "never")
    assert proc.returncode == 0, proc.stderr
    assert "cleaned with its batch: `polyclean clean" in proc.stdout


# --- one input given twice -------------------------------------------------------------
@pytest.mark.parametrize("given", [["a.txt", "a.txt"], ["./a.txt", "a.txt"],
                                   ["crawl", "crawl/a.txt"], ["crawl", "./crawl/"],
                                   ["crawl", "crawl/sub"]])
def test_an_input_given_twice_is_a_usage_error(tmp_path, given):
    # into one records file it was cleaned twice, each record written twice without a
    # word; into a folder the message said "inputs crawl/a.txt and crawl/a.txt would
    # both be written to out/a.txt; ... write them to one records file (-o out.jsonl)"
    crawl = tmp_path / "crawl"
    (crawl / "sub").mkdir(parents=True)
    (crawl / "a.txt").write_text(TEXT, "utf-8")
    (crawl / "sub" / "b.txt").write_text(TEXT, "utf-8")
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    for out in ("all.jsonl", "tree/"):
        proc = run_cli("clean", *given, "-o", out, "--no-translate", cwd=tmp_path)
        assert proc.returncode == 2, proc.stderr
        line = proc.stderr.strip()
        assert "\n" not in line and line.startswith("polyclean: error: ")
        assert "twice" in line and "give it once" in line
        assert not (tmp_path / out).exists()
    proc = run_cli("detect", *given, cwd=tmp_path)
    assert (proc.returncode, proc.stdout) == (2, "")


def test_two_links_to_one_file_inside_a_folder_are_two_documents(tmp_path):
    # only inputs named twice on the command line are refused: a folder may hold two
    # names of one file, each mirrored under its own name
    crawl = tmp_path / "crawl"
    crawl.mkdir()
    (crawl / "a.txt").write_text(TEXT, "utf-8")
    (crawl / "latest.txt").symlink_to("a.txt")
    assert run("clean", crawl, "-o", f"{tmp_path / 'out'}/", "--no-translate") == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.txt", "latest.txt"]


# --- compressed names ------------------------------------------------------------------
def test_side_files_named_gz_or_zst_are_compressed(tmp_path, capsys):
    # --report r.jsonl.gz, --errors e.jsonl.zst and detect -o d.jsonl.gz were written
    # as plain text under a compressed name (zcat: "not in gzip format"), though -o
    # x.jsonl.gz is compressed
    import gzip

    zstandard = pytest.importorskip("zstandard")
    src = tmp_path / "b.jsonl"
    src.write_text(json.dumps({"text": TEXT}) + "\n{oops\n", "utf-8")
    rep, err = tmp_path / "r.jsonl.gz", tmp_path / "e.jsonl.zst"
    assert run("clean", src, "-o", tmp_path / "o.jsonl", "--report", rep, "--errors", err,
               "--no-translate") == 1
    reports = gzip.decompress(rep.read_bytes()).decode("utf-8").splitlines()
    assert [json.loads(l).get("status") for l in reports] == [None, "error"]
    errors = zstandard.ZstdDecompressor().stream_reader(err.open("rb")).read()
    assert [json.loads(l)["line"] for l in errors.decode("utf-8").splitlines()] == [2]
    capsys.readouterr()
    assert run("report", rep, "-o", tmp_path / "page.html") == 0  # reads it back
    assert "1 document, 1 failed record" in capsys.readouterr().err
    det = tmp_path / "d.jsonl.gz"
    assert run("detect", src, "-o", det) == 1
    assert json.loads(gzip.decompress(det.read_bytes()).splitlines()[0])["lang"] == "en"


@pytest.mark.parametrize("args", [
    ["clean", "{src}", "-o", "{tmp}/out.jsonl.bz2"],
    ["clean", "{src}", "-o", "{tmp}/out.jsonl", "--report", "{tmp}/r.jsonl.xz"],
    ["clean", "{src}", "-o", "{tmp}/out.jsonl", "--summary-json", "{tmp}/s.json.gz"],
    ["clean", "{src}", "-o", "{tmp}/out.jsonl", "--html-report", "{tmp}/p.html.gz"],
    ["detect", "{src}", "-o", "{tmp}/d.jsonl.lz4"],
])
def test_a_compression_that_is_not_written_is_a_usage_error(tmp_path, capsys, args):
    # -o out.jsonl.bz2 wrote plain JSONL under that name (exit 0): polyclean writes
    # gzip and zstd only, and the summary and the page uncompressed
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": TEXT}) + "\n", "utf-8")
    argv = [a.format(src=src, tmp=tmp_path) for a in args]
    assert run(*argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("polyclean: error: ") and "compress" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl"]


# --- closed standard streams -----------------------------------------------------------
def shell(command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(f"'{sys.executable}' -m polyclean {command}", shell=True, cwd=cwd,
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


@pytest.mark.parametrize("command,says", [
    ("clean <&-", "polyclean: error: -: cannot read: standard input is closed"),
    ("detect - <&-", "polyclean: error: -: cannot read: standard input is closed"),
    ("explain - <&-", "polyclean: error: -: cannot read: standard input is closed"),
])
def test_a_closed_stdin_is_one_line_not_a_traceback(tmp_path, command, says):
    # `polyclean clean <&-` (a job started with its input closed) ended in a traceback:
    # "'NoneType' object has no attribute 'buffer'"
    proc = shell(command, tmp_path)
    assert (proc.returncode, proc.stderr.splitlines()[0]) == (1, says), proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", ["clean a.txt >&-", "detect a.txt >&-", "--version >&-",
                                     "explain a.txt >&-"])
def test_a_closed_stdout_is_one_line_not_a_traceback(tmp_path, command):
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    proc = shell(command, tmp_path)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("polyclean: error: stdout: ")


def test_closed_streams_that_are_not_used_do_not_matter(tmp_path):
    # with stdout closed, the output file is written as usual; with stderr closed, the
    # messages go nowhere (they went to stdout: print(file=None)) and no file opened
    # later takes the place of the closed stream
    (tmp_path / "a.txt").write_text(TEXT, "utf-8")
    (tmp_path / "b.bin").write_bytes(bytes(range(256)) * 8)
    proc = shell("clean a.txt -o x.txt --no-translate >&-", tmp_path)
    assert proc.returncode == 0 and (tmp_path / "x.txt").read_text("utf-8") == TEXT
    proc = shell("clean a.txt b.bin -o out/ --no-translate 2>&-", tmp_path)
    assert (proc.returncode, proc.stdout) == (1, "")
    assert (tmp_path / "out" / "a.txt").read_text("utf-8") == TEXT


# --- the current folder as the output ------------------------------------------------
@pytest.mark.parametrize("out", [".", "./", "sub/.."])
def test_the_current_folder_as_the_output(tmp_path, out):
    # `polyclean clean ../crawl -o .` ended in a traceback ("PosixPath('.') has an empty
    # name": the errors file is named after the output folder)
    work = tmp_path / "work"
    (work / "sub").mkdir(parents=True)
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"text": TEXT}) + "\n{oops\n", "utf-8")
    proc = run_cli("clean", "../in.jsonl", "-o", out, "--no-translate", cwd=work)
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert [json.loads(l)["text"] for l in (work / "in.jsonl").open()] == [TEXT.strip()]
    errors = [json.loads(l) for l in (tmp_path / "work.errors.jsonl").open()]
    assert [e["line"] for e in errors] == [2]  # beside the folder, as for -o work/
    assert not [p for p in tmp_path.rglob(".*polyclean*")]


# --- a record refused on reading keeps its id ------------------------------------------
@pytest.mark.parametrize("ext", [".jsonl", ".parquet"])
def test_a_record_refused_on_reading_is_named_by_its_id(tmp_path, ext):
    # with --id-field, a record whose text is not a string (or, in JSONL, is missing)
    # was named "in.jsonl:line 2" / "row 2" in the errors file and the report, where the
    # guarantee says failed records carry their own id
    rows = [{"id": "doc-1", "text": TEXT}, {"id": "doc-2", "text": 42}]
    src = tmp_path / f"in{ext}"
    if ext == ".jsonl":
        rows.append({"id": "doc-3"})
        src.write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    else:
        import pyarrow as pa
        import pyarrow.parquet as pq

        # a text column of lists: every row refused by the reader
        pq.write_table(pa.Table.from_pylist([{"id": "doc-1", "text": [TEXT]},
                                             {"id": "doc-2", "text": [TEXT]}]), src)
    out, rep = tmp_path / f"out{ext}", tmp_path / "rep.jsonl"
    assert run("clean", src, "-o", out, "--id-field", "id", "--report", rep,
               "--no-translate") == 1
    errors = [json.loads(x) for x in Path(f"{out}.errors.jsonl").read_text("utf-8").splitlines()]
    failed = [r for r in map(json.loads, rep.read_text("utf-8").splitlines())
              if r.get("status") == "error"]
    want = ["doc-2", "doc-3"] if ext == ".jsonl" else ["doc-1", "doc-2"]
    assert [e.get("id") for e in errors] == want, errors
    assert [r["id"] for r in failed] == want, failed


def test_more_workers_than_cpus_is_a_warning_and_changes_nothing(tmp_path, capsys):
    # -j 24 on 2 cores started 24 workers (3.7 GB) without a word.
    from polyclean.workers import cores
    src = tmp_path / "a.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": f"Line {i} of the council notes."})
                           + "\n" for i in range(40)), "utf-8")
    assert run("clean", src, "-o", tmp_path / "one.jsonl", "-j", "1") == 0
    assert "warning" not in capsys.readouterr().err
    many = cores() + 1
    assert run("clean", src, "-o", tmp_path / "many.jsonl", "-j", str(many), "--batch-docs", "4") == 0
    assert capsys.readouterr().err.splitlines() == [
        f"polyclean: warning: -j {many} starts more workers than the {cores()} CPUs this run "
        "may use: they take turns on those CPUs (the run is no faster) and each takes its "
        "own memory; -j 0 starts one per CPU"]
    assert (tmp_path / "many.jsonl").read_bytes() == (tmp_path / "one.jsonl").read_bytes()
    assert run("clean", src, "-o", tmp_path / "q.jsonl", "-j", str(many), "-q") == 0
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("inputs", [["{src}", "--glob", "nomatch*"],
                                    ["{src}/missing.txt", "{src}/gone.txt"]])
def test_a_run_that_reads_no_input_leaves_no_empty_output_folder(tmp_path, capsys, inputs):
    # --glob 'nomatch*' made the output folder and left it empty.
    src = tmp_path / "in"
    src.mkdir()
    (src / "a.jsonl").write_text(json.dumps({"text": TEXT}) + "\n", "utf-8")
    out = tmp_path / "out" / "deeper"
    assert run("clean", *[a.format(src=src) for a in inputs], "-o", out) == 1
    assert not out.exists()  # the errors file beside it says what went wrong
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["deeper.errors.jsonl"]
    failed = 1 if "--glob" in inputs else len(inputs)
    assert len(capsys.readouterr().err.splitlines()) == failed  # one line per input
    # a folder that was there stays, and a run that writes keeps the one it made
    existing = tmp_path / "kept"
    existing.mkdir()
    assert run("clean", *[a.format(src=src) for a in inputs], "-o", existing) == 1
    assert existing.is_dir()
    assert run("clean", src, "-o", out) == 0
    assert (out / "a.jsonl").exists()


def test_resume_with_nothing_to_resume_says_so(tmp_path, capsys):
    # --resume after a finished run (no journal) cleaned everything again without a word.
    src = tmp_path / "a.jsonl"
    src.write_text(json.dumps({"text": TEXT}) + "\n", "utf-8")
    out = tmp_path / "o.jsonl"
    assert run("clean", src, "-o", out) == 0
    first = out.read_bytes()
    capsys.readouterr()
    assert run("clean", src, "-o", out, "--resume") == 0
    assert capsys.readouterr().err.splitlines() == [
        f"polyclean: warning: {out}: --resume found no journal of a killed run (the last run "
        "finished, or none was stopped); the run starts from the beginning"]
    assert out.read_bytes() == first


@pytest.mark.parametrize("flags", [["--lang-field", "lang"], ["--status-field", "s", "--report-field", "r"]])
def test_record_fields_into_a_text_output_are_a_warning(tmp_path, capsys, flags):
    # --lang-field into a .txt wrote nothing anywhere, without a word.
    src = tmp_path / "a.txt"
    src.write_text(TEXT, "utf-8")
    assert run("clean", src, "-o", tmp_path / "o.txt", *flags) == 0
    named = ", ".join(f for f in flags if f.startswith("--"))
    assert capsys.readouterr().err.splitlines() == [
        f"polyclean: warning: {named}: the output is plain text, which has no fields, so "
        "nothing is written there; write JSONL, CSV, TSV or Parquet (-o out.jsonl, "
        "--output-format) to keep them"]
    assert run("clean", src, "-o", tmp_path / "o.jsonl", *flags) == 0
    assert capsys.readouterr().err == ""
    assert flags[1] in json.loads((tmp_path / "o.jsonl").read_text("utf-8"))


def test_an_unknown_keyword_option_names_the_known_ones():
    # Cleaner(nfkc=True) raised Python's bare TypeError from the dataclass.
    from polyclean import Cleaner
    from polyclean.errors import ConfigError, PolycleanError
    with pytest.raises(TypeError) as info:
        Cleaner(nfkc=True)
    assert isinstance(info.value, ConfigError) and isinstance(info.value, PolycleanError)
    assert str(info.value).startswith("unknown option 'nfkc'; known options: ")
    assert "unicode_form" in str(info.value)


def test_the_cache_leaves_no_write_ahead_log_after_a_run(tmp_path):
    # Worker processes exit without closing their connections, so SQLite never folded
    # the write-ahead log back: after a -j 2 run the rows sat in a growing -wal file
    # (1.1 MB) beside a 4 KB database.
    import itertools
    import sqlite3

    sys.path.insert(0, str(ROOT / "tests"))
    from argos_tiny import RU_EN, build_package_dir

    build_package_dir(tmp_path / "pk")
    words = list(RU_EN)[:10]
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps({"text": " ".join(c).capitalize() + "."}) + "\n"
                           for c in list(itertools.permutations(words, 4))[:200]), "utf-8")
    db = tmp_path / "c.sqlite"
    env = {"ARGOS_PACKAGES_DIR": str(tmp_path / "pk")}
    res = subprocess.run(
        [sys.executable, "-m", "polyclean", "clean", str(src), "-o", str(tmp_path / "o.jsonl"),
         "-j", "2", "--batch-docs", "20", "--cache", str(db), "-q"], stderr=subprocess.PIPE,
        text=True, env={**os.environ, **env, "PYTHONPATH": str(ROOT)}, timeout=300)
    assert res.returncode == 0, res.stderr
    wal = tmp_path / "c.sqlite-wal"
    assert not wal.exists() or wal.stat().st_size == 0
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM translations_v2").fetchone()[0] > 0
