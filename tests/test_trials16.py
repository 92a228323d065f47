"""Defects found by using polyclean at the operating-system level: odd file names
(bytes that are not UTF-8, very long names), the locale's encoding of stdout,
signals, permissions and full disks: what a user sees."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from polyclean import cli

pq = pytest.importorskip("pyarrow.parquet")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE = SHARED / "samples" / "sputnik-truss-2022-09-06.txt"
WMT = SHARED / "data" / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv"
NOT_UTF8 = b"caf\xe9.txt"  # a Latin-1 file name, as an old archive unpacks it


def need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"shared data not found: {path} (expected beside the repository)")
    return path


def run(*args) -> int:
    return cli.main([*map(str, args)])


def run_cli(args, env: dict | None = None, **kw) -> subprocess.CompletedProcess:
    """The command in its own process (stdout as the locale makes it), bytes out."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=full,
                          timeout=300, **kw)


def wmt_rows(n: int) -> list[dict]:
    with need(WMT).open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return rows[:n]


def folder_with_a_latin1_name(tmp_path: Path) -> Path:
    """A folder of two real pages, one named in bytes that are not UTF-8."""
    folder = tmp_path / "crawl"
    folder.mkdir()
    page = need(SAMPLE).read_bytes()
    with open(os.path.join(os.fsencode(folder), NOT_UTF8), "wb") as fh:
        fh.write(page)
    (folder / "plain.txt").write_bytes(page)
    return folder


@pytest.mark.parametrize("name", ["out.csv", "out.tsv", "out.parquet"])
def test_a_file_name_that_is_not_utf8_converts_to_csv_tsv_and_parquet(tmp_path, capsys, name):
    """A folder holding ``caf\\xe9.txt`` written to CSV, TSV or Parquet stopped with a
    traceback (``UnicodeEncodeError: ... surrogates not allowed``) and wrote nothing;
    JSONL holds the name as the JSON escape ``"caf\\udce9.txt"``.  The ``path`` cell is
    now that escape as text, as messages and ``==>`` headers show the name."""
    folder = folder_with_a_latin1_name(tmp_path)
    out = tmp_path / name
    assert run("clean", folder, "-o", out, "--no-translate", "-q") == 0
    assert "Traceback" not in capsys.readouterr().err
    if name.endswith(".parquet"):
        paths = pq.read_table(out).column("path").to_pylist()
    elif name.endswith(".csv"):
        paths = [r["path"] for r in csv.DictReader(io.StringIO(out.read_text("utf-8")))]
    else:  # linear TSV: a backslash is written \\
        paths = [line.split("\t")[0] for line in out.read_text("utf-8").splitlines()[1:]]
        paths = [p.replace("\\\\", "\\") for p in paths]
    assert paths == ["caf\\udce9.txt", "plain.txt"]
    # JSONL keeps the exact bytes, as before
    assert run("clean", folder, "-o", tmp_path / "o.jsonl", "--no-translate", "-q") == 0
    first = json.loads((tmp_path / "o.jsonl").read_text("utf-8").splitlines()[0])
    assert os.fsencode(first["path"]) == NOT_UTF8


@pytest.mark.parametrize("name", ["out.csv", "out.tsv", "out.parquet"])
def test_a_lone_surrogate_in_a_jsonl_field_fails_that_record_not_the_run(tmp_path, capsys, name):
    """``{"note": "caf\\udce9"}`` is valid JSON, but a lone surrogate is no UTF-8 text:
    converting such a record to CSV, TSV or Parquet stopped the whole run with a
    traceback.  Now that record is an error (exit 1, one line, the errors file) and
    the others are written."""
    rows = wmt_rows(3)
    src = tmp_path / "d.jsonl"
    lines = [json.dumps({"id": i, "text": r["en"], "note": "ok"}) for i, r in enumerate(rows)]
    lines[1] = lines[1].replace('"ok"', '"caf\\udce9"')
    src.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / name
    assert run("clean", src, "-o", out, "--no-translate", "-q") == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert err.count("\n") == 1 and "d.jsonl:line 2: cannot write the record: field 'note' " \
        "holds a lone surrogate (\\udce9" in err and "write JSONL" in err
    if name.endswith(".parquet"):
        ids = pq.read_table(out).column("id").to_pylist()
    else:
        delim = "\t" if name.endswith(".tsv") else ","
        ids = [int(r["id"]) for r in csv.DictReader(io.StringIO(out.read_text("utf-8")),
                                                     delimiter=delim)]
    assert ids == [0, 2]
    errors = [json.loads(x) for x in Path(f"{out}.errors.jsonl").read_text("utf-8").splitlines()]
    assert [(e["line"], e["status"]) for e in errors] == [(2, "error")]


def test_the_run_report_of_a_file_name_that_is_not_utf8(tmp_path, capsys):
    """``--html-report`` over such a folder stopped at the end of the run with a
    traceback (no page, no summary JSON), and so did ``polyclean report`` on its
    report file; the page now shows the name escaped."""
    folder = folder_with_a_latin1_name(tmp_path)
    page, summary, report = tmp_path / "run.html", tmp_path / "s.json", tmp_path / "r.jsonl"
    assert run("clean", folder, "-o", tmp_path / "out", "--no-translate", "-q",
               "--html-report", page, "--summary-json", summary, "--report", report) == 0
    assert "Traceback" not in capsys.readouterr().err
    html = page.read_bytes().decode("utf-8")  # valid UTF-8
    assert "crawl/caf\\udce9.txt" in html
    assert json.loads(summary.read_text("utf-8"))["documents"] == 2
    assert run("report", report, "-o", tmp_path / "again.html") == 0
    assert "crawl/caf\\udce9.txt" in (tmp_path / "again.html").read_text("utf-8")


LOCALES = {"latin-1": {"PYTHONIOENCODING": "latin-1"},
           "C without UTF-8 mode": {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
           "utf-8 strict": {"PYTHONIOENCODING": "utf-8"}}


@pytest.mark.parametrize("locale", LOCALES)
def test_detect_and_explain_write_utf8_whatever_the_locale(tmp_path, locale):
    """``polyclean detect x.jsonl`` and ``polyclean explain`` to stdout stopped with a
    traceback (``UnicodeEncodeError: 'latin-1' codec can't encode ...``) under a
    locale whose codec lacks a character of the text (Cyrillic under Latin-1, anything
    beyond ASCII under ``LC_ALL=C`` without UTF-8 mode); ``clean`` wrote UTF-8 there.
    Now every command writes the same UTF-8 bytes whatever the locale."""
    rows = wmt_rows(4)
    src = tmp_path / "d.jsonl"
    src.write_text("".join(json.dumps({"text": r["ru"] + "\n" + r["en"]},
                                      ensure_ascii=False) + "\n" for r in rows), "utf-8")
    folder = folder_with_a_latin1_name(tmp_path)
    odd = os.fsdecode(os.path.join(os.fsencode(folder), NOT_UTF8))
    for args in (["detect", src], ["explain", src, "--id", "line 2"],
                 ["explain", odd, "--no-translate"]):
        want = run_cli(args, {"PYTHONIOENCODING": "utf-8:surrogateescape"})
        got = run_cli(args, LOCALES[locale])
        assert (got.returncode, want.returncode) == (0, 0), got.stderr.decode()
        assert b"Traceback" not in got.stderr
        assert got.stdout.decode("utf-8").splitlines()[1:] == \
            want.stdout.decode("utf-8").splitlines()[1:]
    # the name is one line, escaped as messages show it
    assert got.stdout.decode("utf-8").splitlines()[0] == \
        f"polyclean explain: {folder}/caf\\udce9.txt"


def test_an_output_folder_with_a_long_name_and_no_errors_exits_0(tmp_path, capsys):
    """``-o`` a folder named in 250 bytes (a legal name): the output was written, but the
    run ended with exit 1, ``cannot write the errors file: file name too long``, though
    no record failed (removing a stale ``NAME.errors.jsonl`` beside it failed)."""
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.txt").write_bytes(need(SAMPLE).read_bytes())
    out = tmp_path / ("b" * 250)
    assert run("clean", src, "-o", out, "--no-translate", "-q") == 0
    assert capsys.readouterr().err == ""
    assert (out / "page.txt").read_text("utf-8").startswith("Russia")


def _file_size_limit(limit: int):
    import resource

    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def wmt_jsonl(path: Path, n: int = 600) -> Path:
    path.write_text("".join(json.dumps({"id": i, "text": r["en"]}) + "\n"
                            for i, r in enumerate(wmt_rows(n))), "utf-8")
    return path


def work_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".polyclean-" in p.name)


def lingua_jsonl(path: Path, docs: int = 1500) -> Path:
    """Documents of three sentences in different languages (lingua's test sentences)."""
    import random

    folder = need(SHARED / "data" / "lingua-language-testdata" / "sentences")
    lines = [line.strip() for f in sorted(folder.iterdir())
             for line in f.read_text("utf-8").splitlines()]
    random.Random(1).shuffle(lines)
    path.write_text("".join(json.dumps({"n": i, "text": "\n".join(lines[i:i + 3])},
                                       ensure_ascii=False) + "\n"
                            for i in range(0, 3 * docs, 3)), "utf-8")
    return path


def test_a_full_disk_with_two_workers_is_one_line_and_resumes(tmp_path):
    """With ``-j 2``, a full disk (here ``ulimit -f``) stopped the run with its one line,
    then ``Exception ignored in: <generator object results>`` and a traceback ending
    in ``RuntimeError: cannot join current thread``: the pool was closed by the
    garbage collector from the pool's own thread."""
    src = lingua_jsonl(tmp_path / "mixed.jsonl")
    args = ["clean", src, "-o", tmp_path / "o.jsonl", "--no-translate", "-j", "2",
            "--report", tmp_path / "r.jsonl"]
    proc = run_cli(args, preexec_fn=_file_size_limit(500_000))
    err = proc.stderr.decode()
    assert proc.returncode == 1
    assert err.count("\n") == 1 and "file too large; stopped after" in err and "--resume" in err
    assert run_cli(args + ["--resume"]).returncode == 0
    (tmp_path / "ref").mkdir()
    ref = ["clean", src, "-o", tmp_path / "ref" / "o.jsonl", "--no-translate", "-j", "1",
           "--report", tmp_path / "ref" / "r.jsonl"]
    assert run_cli(ref).returncode == 0
    for name in ("o.jsonl", "r.jsonl"):
        assert (tmp_path / name).read_bytes() == (tmp_path / "ref" / name).read_bytes()
    assert work_files(tmp_path) == []


def test_a_run_stopped_before_its_first_journal_leaves_no_work_files(tmp_path):
    """A run stopped in its first batch (a full disk, Ctrl-C or SIGTERM before anything
    was journalled) has nothing ``--resume`` could continue, and says so (no hint); but
    it left its hidden partial output, errors and report files behind for good, taking
    the room a full disk lacks."""
    src = wmt_jsonl(tmp_path / "wmt.jsonl")
    out = tmp_path / "out"
    out.mkdir()
    args = ["clean", src, "-o", out / "o.jsonl", "--no-translate", "-j", "1",
            "--batch-docs", "50", "--report", out / "r.jsonl"]
    proc = run_cli(args, preexec_fn=_file_size_limit(3_000))
    err = proc.stderr.decode()
    assert proc.returncode == 1 and err.count("\n") == 1 and "--resume" not in err
    assert work_files(out) == []


def test_files_written_whole_are_never_left_cut_short(tmp_path):
    """The run summary was written through ``NAME.tmp``: a user's own ``s.json.tmp`` was
    overwritten and renamed away.  ``detect -o``, ``polyclean report -o`` and
    ``--html-report`` wrote straight into their file: on a full disk an earlier
    complete file was replaced by a cut one (exit 1).  Now each goes through a hidden
    work file and a rename: the earlier file stays as it was."""
    src = wmt_jsonl(tmp_path / "wmt.jsonl", 200)
    notes = tmp_path / "s.json.tmp"
    notes.write_text("my notes\n")
    assert run("clean", src, "-o", tmp_path / "o.jsonl", "--no-translate", "-q",
               "--summary-json", tmp_path / "s.json", "--report", tmp_path / "r.jsonl") == 0
    assert notes.read_text() == "my notes\n"
    assert json.loads((tmp_path / "s.json").read_text())["documents"] == 200
    old = b"an earlier complete file\n"
    cases = {"det.jsonl": ["detect", src, "-o", tmp_path / "det.jsonl"],
             "det.jsonl.gz": ["detect", src, "-o", tmp_path / "det.jsonl.gz"],
             "page.html": ["report", tmp_path / "r.jsonl", "-o", tmp_path / "page.html"],
             "run.html": ["clean", src, "-o", tmp_path / "o2.jsonl", "--no-translate", "-q",
                          "--html-report", tmp_path / "run.html"]}
    for name, args in cases.items():
        (tmp_path / name).write_bytes(old)
        proc = run_cli(args, preexec_fn=_file_size_limit(8_000))
        assert proc.returncode == 1, (name, proc.stderr)
        assert (tmp_path / name).read_bytes() == old, name
        assert not [p for p in work_files(tmp_path) if name in p], name
    # with room, the same commands write the whole file (detect: as to stdout)
    for name, args in cases.items():
        assert run_cli(args).returncode == 0, name
    whole = run_cli(["detect", src]).stdout
    assert (tmp_path / "det.jsonl").read_bytes() == whole
    import gzip
    assert gzip.decompress((tmp_path / "det.jsonl.gz").read_bytes()) == whole
    assert (tmp_path / "page.html").read_bytes().rstrip().endswith(b"</html>")
    assert work_files(tmp_path) == []


def test_an_output_that_is_a_hard_link_to_the_input_leaves_the_input_whole(tmp_path, capsys):
    """``detect a.jsonl -o b.jsonl`` where ``b.jsonl`` is a hard link to ``a.jsonl`` (a
    backup made with ``cp -l``; the paths differ, so no check saw one file): opening the
    output truncated the input before it was read, which was then an empty input
    (exit 0 with a warning) and the data was gone.  The same with ``--html-report`` on
    an input.  Outputs are now renamed into place: the name is the new file, the input
    keeps its data (``report -o`` refused such a page, and still does)."""
    src = wmt_jsonl(tmp_path / "a.jsonl", 20)
    data = src.read_bytes()
    os.link(src, tmp_path / "b.jsonl")
    assert run("detect", src, "-o", tmp_path / "b.jsonl") == 0
    assert src.read_bytes() == data
    assert len((tmp_path / "b.jsonl").read_text("utf-8").splitlines()) == 20
    report = tmp_path / "r.jsonl"
    assert run("clean", src, "-o", tmp_path / "o.jsonl", "--no-translate", "-q",
               "--report", report) == 0
    reports = report.read_bytes()
    os.link(report, tmp_path / "page.html")  # refused, as it was: the same file
    assert run("report", report, "-o", tmp_path / "page.html") == 2
    assert report.read_bytes() == reports
    os.link(src, tmp_path / "run.html")
    assert run("clean", src, "-o", tmp_path / "o2.jsonl", "--no-translate", "-q",
               "--html-report", tmp_path / "run.html") == 0
    assert src.read_bytes() == data
    assert b"<html" in (tmp_path / "run.html").read_bytes()


def _without_dac_override() -> list[str]:
    """A prefix that runs a command as this user without the power to ignore file
    permissions (root keeps its uid, which can run this checkout's Python, but loses
    CAP_DAC_OVERRIDE), or skips the test."""
    import shutil

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv(1): cannot drop privileges")
    caps = "-dac_override,-dac_read_search"
    prefix = [setpriv, "--bounding-set", caps, "--inh-caps", caps]
    probe = subprocess.run(prefix + ["test", "-w", "/proc/1/environ"], capture_output=True)
    if probe.returncode == 0 or probe.stderr:
        pytest.skip(f"setpriv cannot drop CAP_DAC_OVERRIDE here: {probe.stderr!r}")
    return prefix


def test_an_output_folder_whose_parent_cannot_be_written_says_what_to_do(tmp_path):
    """``-o /out`` (a writable volume mounted under a ``/`` the user cannot write, as in
    a container) or ``-o .`` in such a folder: the run refused with ``/out: cannot write
    the output (/: permission denied)``, about a folder that can be written.  The lock
    and journal live beside the output; the message now says so and names a folder
    inside it, which works."""
    prefix = _without_dac_override()
    src = tmp_path / "in"
    src.mkdir()
    (src / "page.txt").write_bytes(need(SAMPLE).read_bytes())
    mount = tmp_path / "mount"
    out = mount / "out"
    out.mkdir(parents=True)
    mount.chmod(0o555)
    try:
        cmd = prefix + [sys.executable, "-m", "polyclean", "clean", str(src), "--no-translate",
                        "-q", "-o"]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(cmd + [str(out)], capture_output=True, text=True, env=env)
        assert proc.returncode == 1
        assert proc.stderr == (f"polyclean: error: {out}: cannot write beside the output folder "
                               f"({mount}: permission denied): a run keeps its lock and its "
                               f"journal for --resume there; write into a folder inside it "
                               f"(-o {out}/cleaned) or one whose parent can be written; "
                               "nothing was cleaned\n")
        proc = subprocess.run(cmd + [str(out / "cleaned")], capture_output=True, text=True,
                              env=env)
        assert proc.returncode == 0, proc.stderr
        assert (out / "cleaned" / "page.txt").exists()
    finally:
        mount.chmod(0o755)


@pytest.mark.parametrize("flags", [["-o", "-x.jsonl"], ["--report", "-r.jsonl"],
                                   ["--output", "-x.jsonl"]])
def test_an_option_value_that_starts_with_a_dash_says_how_to_give_it(tmp_path, capsys, flags,
                                                                     monkeypatch):
    """``-o -x.jsonl`` printed 35 lines of usage ending in ``argument -o/--output:
    expected one argument``, as if no value had been given; an input named so already
    had its hint.  The last line now says to write ``--output=-x.jsonl``, which works."""
    src = wmt_jsonl(tmp_path / "d.jsonl", 3)
    with pytest.raises(SystemExit) as exc:
        run("clean", src, "-q", "--no-translate", *flags)
    assert exc.value.code == 2
    flag = "--report" if flags[0] == "--report" else "--output"
    assert capsys.readouterr().err.splitlines()[-1].endswith(
        f": expected one argument (to give {flag} a value that starts with '-', "
        f"write {flag}={flags[1]})")
    monkeypatch.chdir(tmp_path)
    if flag == "--output":
        assert run("clean", src, "-q", "--no-translate", f"--output={flags[1]}") == 0
        assert len((tmp_path / flags[1]).read_text("utf-8").splitlines()) == 3


def test_detect_into_dev_stdout_whose_reader_goes_away_is_no_error(tmp_path):
    """``polyclean detect big.jsonl -o /dev/stdout | head -1`` ended with ``error:
    /dev/stdout: cannot write the output: broken pipe``, exit 1, where ``clean -o
    /dev/stdout | head -1`` (and ``detect`` without ``-o``) exit 0: a reader that goes
    away is not an error."""
    src = lingua_jsonl(tmp_path / "mixed.jsonl", 1500)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for command in (["detect", src], ["clean", src, "--no-translate", "-q"]):
        proc = subprocess.Popen([sys.executable, "-m", "polyclean", *map(str, command),
                                 "-o", "/dev/stdout"], stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=env)
        assert json.loads(proc.stdout.readline())
        proc.stdout.close()
        err = proc.stderr.read().decode()
        assert proc.wait(timeout=300) == 0, (command[0], err)
        assert err == "", (command[0], err)


def test_side_files_into_a_folder_not_made_yet_are_written_as_the_report_is(tmp_path, capsys):
    """``-o``, ``--report`` and ``--errors`` make their folder; ``--summary-json
    runs/s.json`` failed only at the end of the run (exit 1 after all the work),
    ``--html-report runs/p.html`` stopped the run after its first batch, and
    ``detect -o`` and ``report -o`` failed: ``no such file or directory``."""
    src = wmt_jsonl(tmp_path / "d.jsonl", 30)
    runs = tmp_path / "runs"
    assert run("clean", src, "-o", runs / "a" / "o.jsonl", "--no-translate", "-q",
               "--report", runs / "b" / "r.jsonl", "--summary-json", runs / "c" / "s.json",
               "--html-report", runs / "d" / "p.html", "--batch-docs", "10") == 0
    assert capsys.readouterr().err == ""
    assert json.loads((runs / "c" / "s.json").read_text())["documents"] == 30
    assert (runs / "d" / "p.html").read_bytes().rstrip().endswith(b"</html>")
    assert run("detect", src, "-o", runs / "e" / "d.jsonl") == 0
    assert len((runs / "e" / "d.jsonl").read_text("utf-8").splitlines()) == 30
    assert run("report", runs / "b" / "r.jsonl", "-o", runs / "f" / "p.html") == 0
    assert (runs / "f" / "p.html").exists()
    assert work_files(runs) == [] and not list(runs.rglob(".*polyclean*"))


def test_a_parquet_output_counts_its_bytes_out(tmp_path):
    """``--summary`` said ``0 bytes out`` (and the summary JSON ``"bytes_out": 0``) for a
    Parquet output: its rows are written in parts, not record by record."""
    src = wmt_jsonl(tmp_path / "d.jsonl", 60)
    out, summary = tmp_path / "o.parquet", tmp_path / "s.json"
    assert run("clean", src, "-o", out, "--no-translate", "-q", "--batch-docs", "20",
               "--summary-json", summary) == 0
    written = json.loads(summary.read_text())["bytes_out"]
    assert out.stat().st_size * 0.5 < written < out.stat().st_size * 4
