"""The batch contract of issue 13: nothing lost, nothing overwritten, inputs never
touched.  One test (or more) per numbered item; each docstring names its item.  The
fault-injection test of item 2 is in ``test_faults.py``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from argos_tiny import argos_env, tiny_zips  # noqa: F401  (fixtures)
from polyclean import Cleaner, cli

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
GOOD = "The council met on Tuesday to discuss the new budget for the city."
OTHER = "Several members asked for more money for schools and public libraries."
RU = ("\u041a\u043e\u0448\u043a\u0430 \u043b\u044e\u0431\u0438\u0442 \u043c\u043e\u043b\u043e"
      "\u043a\u043e \u0438 \u0441\u043e\u0431\u0430\u043a\u0430 \u0435\u0441\u0442 \u043c\u044f"
      "\u0441\u043e \u0441\u0435\u0433\u043e\u0434\u043d\u044f")


def cleaned(text: str, **kw) -> str:
    return Cleaner(translate=False, **kw).clean(text).text


def clean(*args) -> int:
    return cli.main(["clean", *map(str, args), "--no-translate", "-j", "1"])


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text("utf-8").splitlines()]


def errors_of(out: Path) -> list[dict]:
    return read_jsonl(out.with_name(out.name + ".errors.jsonl"))


def run_cli(args, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **kw.pop("env", {})}
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("timeout", 300)
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)],
                          stderr=subprocess.PIPE, text=True, env=env, **kw)


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


# --- 1. two inputs with the same file name -----------------------------------------------
def test_same_file_names_mirror_their_paths_and_collisions_are_refused(tmp_path, capsys):
    """Item 1: a/page.txt and b/page.txt (as files or as folders) get out/a/page.txt and
    out/b/page.txt; two inputs meeting at one output are refused before anything is
    written (exit 2)."""
    a = write(tmp_path / "a" / "page.txt", GOOD)
    b = write(tmp_path / "b" / "page.txt", OTHER)
    for args, out in (([a, b], tmp_path / "out1"), ([a.parent, b.parent], tmp_path / "out2")):
        assert clean(*args, "-o", out) == 0
        assert tree(out) == {"a/page.txt": (cleaned(GOOD) + "\n").encode(),
                             "b/page.txt": (cleaned(OTHER) + "\n").encode()}
    write(tmp_path / "c" / "x.txt", GOOD)
    write(tmp_path / "c" / "x.txt.gz", gzip.compress(OTHER.encode()))
    capsys.readouterr()
    assert clean(tmp_path / "c", "-o", tmp_path / "out3") == 2
    err = capsys.readouterr().err
    assert "would both be written to" in err and "x.txt" in err
    assert not (tmp_path / "out3").exists()
    assert "-o out.jsonl" in err  # the way out it names works: one record each
    assert clean(tmp_path / "c", "-o", tmp_path / "out3.jsonl") == 0
    assert len((tmp_path / "out3.jsonl").read_text("utf-8").splitlines()) == 2


# --- 3. a CSV field over 131,072 characters ------------------------------------------------
def test_large_csv_fields_are_read_and_a_too_large_record_fails_alone(tmp_path):
    """Item 3: a 200,000-character field is read (the csv module's default limit is
    131,072); a record over --max-record-bytes is one error record and the rest of the
    file continues."""
    big = ("word " * 40_000).strip()
    rows = [["id", "text"]] + [[str(i), f"{GOOD} {i}"] for i in range(1000)]
    rows[5][1] = big
    src = tmp_path / "big.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows(rows)
    out = tmp_path / "o.csv"
    assert clean(src, "-o", out, "--keep-boilerplate", "--batch-docs", "500") == 0
    with open(out, newline="", encoding="utf-8") as fh:
        got = list(csv.reader(fh))
    assert [r[0] for r in got[1:]] == [str(i) for i in range(1000)]
    assert got[5][1] == big
    out2 = tmp_path / "o2.csv"
    assert clean(src, "-o", out2, "--keep-boilerplate", "--batch-docs", "500",
                 "--max-record-bytes", "100000") == 1
    with open(out2, newline="", encoding="utf-8") as fh:
        ids = [r[0] for r in csv.reader(fh)][1:]
    assert ids == [str(i) for i in range(1000) if i != 4]
    errors = errors_of(out2)
    assert [(e["row"], e["status"]) for e in errors] == [(5, "error")]
    assert "larger than --max-record-bytes" in errors[0]["error"]


# --- 4. memory is bounded ---------------------------------------------------------------------
def _maxrss_run(args: list, limit_as: int | None = None) -> tuple[int, str, int]:
    """Run the CLI in a child; return (exit code, stderr, its peak RSS in KB)."""
    code = ("import resource, sys; from polyclean import cli; rc = cli.main(sys.argv[1:]); "
            "print('MAXRSS', resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, "
            "file=sys.stderr); sys.exit(rc)")

    def limits():
        if limit_as:
            resource.setrlimit(resource.RLIMIT_AS, (limit_as, limit_as))

    proc = subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                          timeout=300, preexec_fn=limits,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    lines = proc.stderr.splitlines()
    rss = [int(l.split()[1]) for l in lines if l.startswith("MAXRSS")]
    return proc.returncode, "\n".join(l for l in lines if not l.startswith("MAXRSS")), \
        rss[0] if rss else 0


def test_reading_is_bounded_by_max_record_bytes(tmp_path):
    """Item 4: /dev/zero as a text input and a .jsonl.gz holding a 200 MB line end as
    error records, the valid records around them are written, and memory stays flat
    (peak RSS within 100 MB of a run on a tiny input)."""
    good = write(tmp_path / "good.txt", GOOD)
    gz = tmp_path / "bomb.jsonl.gz"
    with gzip.open(gz, "wb", compresslevel=1) as fh:
        fh.write(json.dumps({"id": 1, "text": GOOD}).encode() + b"\n")
        fh.write(b'{"id": 2, "text": "')
        chunk = b"a" * (1 << 20)
        for _ in range(200):
            fh.write(chunk)
        fh.write(b'"}\n')
        fh.write(json.dumps({"id": 3, "text": OTHER}).encode() + b"\n")
    base = ["clean", "--no-translate", "-j", "1", "--max-record-bytes", "1000000"]
    rc, err, small = _maxrss_run(base + [good, "-o", tmp_path / "small.txt"])
    assert rc == 0, err
    out = tmp_path / "out"
    rc, err, big = _maxrss_run(base + ["/dev/zero", gz, good, "-o", out], 4 << 30)
    assert rc == 1, err
    assert "MemoryError" not in err and "Traceback" not in err
    assert err.splitlines() == [
        "polyclean: error: /dev/zero: file larger than --max-record-bytes (1,000,000); "
        "skipped as an error; raise --max-record-bytes to clean it",
        f"polyclean: error: {gz}:line 2: line larger than --max-record-bytes (1,000,000); "
        "skipped as an error; raise --max-record-bytes to clean it"]
    # (outputs mirror the inputs below their common parent, here /)
    assert [r["id"] for r in read_jsonl(next(out.rglob("bomb.jsonl")))] == [1, 3]
    assert big - small < 100_000, (big, small)


# --- 5. concurrent runs on one output ------------------------------------------------------
def test_a_second_run_on_the_same_output_fails_at_once_naming_the_holder(tmp_path):
    """Item 5: while one run writes -o OUT, a second run with the same -o exits 2 at
    once and names the holder; the first run's output is whole."""
    fifo = tmp_path / "slow.txt"
    os.mkfifo(fifo)
    out = tmp_path / "o.txt"
    first = subprocess.Popen([sys.executable, "-m", "polyclean", "clean", str(fifo), "-o",
                              str(out), "--no-translate", "-j", "1"], cwd=ROOT,
                             stderr=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    lock = tmp_path / ".o.txt.polyclean-lock"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (lock.exists() and lock.read_text().strip()):
            time.sleep(0.02)
        t0 = time.monotonic()
        second = run_cli(["clean", write(tmp_path / "g.txt", GOOD), "-o", out,
                          "--no-translate", "-j", "1"])
        assert time.monotonic() - t0 < 30
        assert second.returncode == 2
        assert second.stderr.strip() == (
            f"polyclean: error: {out} is being written by another polyclean run (process "
            f"{first.pid}); wait for it to end or choose another -o")
    finally:
        with open(fifo, "w") as fh:  # let the first run finish
            fh.write(OTHER)
        first.wait(timeout=120)
    assert first.returncode == 0, first.stderr
    assert out.read_text("utf-8") == cleaned(OTHER) + "\n"
    assert not lock.exists()


def test_lock_fallback_without_flock(tmp_path):
    """Item 5, the fallback where fcntl is missing: an exclusive lock file holding the
    holder's pid; a lock whose process is gone is taken over."""
    from polyclean.errors import UsageError
    from polyclean.journal import OutputLock

    out = tmp_path / "o.jsonl"
    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        (tmp_path / ".o.jsonl.polyclean-lock").write_text(f"{holder.pid}\n")
        with pytest.raises(UsageError, match=f"process {holder.pid}"):
            OutputLock(out, use_flock=False).acquire()
    finally:
        holder.kill()
        holder.wait()
    lock = OutputLock(out, use_flock=False).acquire()
    assert lock.stale and (tmp_path / ".o.jsonl.polyclean-lock").read_text() == f"{os.getpid()}\n"
    lock.release()
    assert not (tmp_path / ".o.jsonl.polyclean-lock").exists()


# --- 6. the output tree never writes into the input ----------------------------------------
def test_links_in_the_output_tree_and_globs_never_reach_the_inputs(tmp_path, capsys):
    """Item 6: a link in the output tree to an input file is replaced, not written
    through; a link to an input folder fails its input; a glob may not leave the input
    folder; side files equal to -o, to each other or to an input are usage errors."""
    src = tmp_path / "in"
    a = write(src / "a.txt", GOOD)
    write(src / "sub" / "b.txt", OTHER)
    out = tmp_path / "out"
    (out).mkdir()
    (out / "a.txt").symlink_to(a)
    (out / "sub").symlink_to(src / "sub")
    assert clean(src, "-o", out) == 1
    assert a.read_text("utf-8") == GOOD and (src / "sub" / "b.txt").read_text() == OTHER
    assert not (out / "a.txt").is_symlink()
    assert (out / "a.txt").read_text("utf-8") == cleaned(GOOD) + "\n"
    assert "is a symbolic link inside the output" in capsys.readouterr().err
    assert sorted(p.name for p in (src / "sub").iterdir()) == ["b.txt"]
    write(tmp_path / "other" / "x.txt", GOOD)
    for pattern in ("../other/*.txt", "/etc/*", "sub/../../other/*"):
        assert clean(src, "-o", tmp_path / "o2", "--glob", pattern) == 2
        err = capsys.readouterr().err
        assert "must stay inside the input folder" in err and "Traceback" not in err
    assert not (tmp_path / "o2").exists()
    o = tmp_path / "o.txt"
    for extra in (["--report", o], ["--errors", o], ["--report", tmp_path / "r",
                                                     "--errors", tmp_path / "r"],
                  ["--report", a], ["--summary-json", a]):
        assert clean(a, "-o", o, *extra) == 2, extra
    assert not o.exists() and a.read_text("utf-8") == GOOD


# --- 7. an input rewritten while it is read -----------------------------------------------
def test_an_input_rewritten_while_read_fails_with_a_clear_message(tmp_path, monkeypatch,
                                                                  capsys):
    """Item 7: the input changes during the run (here: after the first batch is read);
    that input fails as a whole with a message, its records are in neither output nor
    limbo, and the other inputs are written."""
    from polyclean import pipeline

    src = write(tmp_path / "in" / "big.jsonl", jsonl({"id": i, "text": f"{GOOD} {i}"}
                                                     for i in range(300)))
    other = write(tmp_path / "in" / "z.jsonl", jsonl([{"id": 1, "text": OTHER}]))
    real = pipeline.Cleaner.clean_batch
    state = {"n": 0}

    def rewrite_once(self, *a, **kw):
        state["n"] += 1
        if state["n"] == 1:
            with open(src, "a", encoding="utf-8") as fh:
                fh.write(jsonl({"id": 1000 + i, "text": OTHER} for i in range(50)))
        return real(self, *a, **kw)

    monkeypatch.setattr(pipeline.Cleaner, "clean_batch", rewrite_once)
    out = tmp_path / "out"
    assert clean(tmp_path / "in", "-o", out, "--batch-docs", "50") == 1
    err = capsys.readouterr().err
    assert f"polyclean: error: {src}: the input changed while it was read" in err
    assert not (out / "big.jsonl").exists()
    assert read_jsonl(out / "z.jsonl") == [{"id": 1, "text": cleaned(OTHER)}]
    assert [e["input"] for e in errors_of(out)] == [str(src)]


# --- 8. TSV without quoting -------------------------------------------------------------------
@pytest.mark.parametrize("name,field,head", [
    ("wmt22-generaltest-ru-en/wmt22_ru_en.tsv", "en", 120),
    ("tatoeba-laser-testset/tatoeba_rus_eng.tsv", "eng", 120)])
def test_real_tsv_files_are_read_without_quoting(tmp_path, name, field, head):
    """Item 8: the WMT22 TSV (stopped at row 51) and the Tatoeba TSV (row 41) are read
    whole; every other field is written back exactly as it came."""
    path = DATA / name
    if not path.exists():
        pytest.skip(f"{path} is absent")
    lines = path.read_text("utf-8").splitlines(keepends=True)[:head + 1]
    src = write(tmp_path / "part.tsv", "".join(lines))
    out = tmp_path / "out.tsv"
    assert clean(src, "-o", out, "--text-field", field, "--keep-boilerplate") == 0
    got = out.read_text("utf-8").splitlines()
    rows = [l.rstrip("\n").split("\t") for l in lines]
    assert len(got) == len(rows)
    col = rows[0].index(field)
    for want, line in zip(rows, got):
        fields = line.split("\t")
        assert fields[:col] + fields[col + 1:] == want[:col] + want[col + 1:]
    assert sum('"' in l for l in lines) > 0  # quotes in fields: the case that broke


def test_linear_tsv_escapes_and_quoted_tab_separated_files(tmp_path):
    """Item 8: a tab or newline inside a cleaned field is written as \\t / \\n and read
    back the same way; a quoted tab-separated file is read with --format csv
    --delimiter tab."""
    src = write(tmp_path / "t.tsv", 'id\ttext\tnote\n1\tFirst line.\\nSecond   line.\t"as is"\n')
    out = tmp_path / "o.tsv"
    assert clean(src, "-o", out, "--keep-boilerplate") == 0
    assert out.read_text("utf-8") == ('id\ttext\tnote\n1\t'
                                      + cleaned("First line.\nSecond   line.",
                                                boilerplate=False).replace("\n", "\\n")
                                      + '\t"as is"\n')
    quoted = write(tmp_path / "q.tab", 'id\ttext\n1\t"a\ttab, and ""quotes"""\n')
    out2 = tmp_path / "q.jsonl"
    assert clean(quoted, "-o", out2, "--format", "csv", "--delimiter", "tab",
                 "--keep-boilerplate") == 0
    assert read_jsonl(out2) == [{"id": "1", "text": cleaned('a\ttab, and "quotes"',
                                                            boilerplate=False)}]


# --- 9. JSONL values that polyclean does not touch ------------------------------------------
def test_untouched_jsonl_values_are_written_back_exactly(tmp_path, capsys):
    """Item 9: numbers keep their source text (1e400, 12345678901234567890.5, 1E5),
    duplicate keys, spacing and escapes stay; NaN/Infinity make an error record."""
    lines = ['{"a": 1e400, "b": 12345678901234567890.5, "c": 1E5, "text": "It is  fine."}',
             '{"k":1,"k":2 , "s": "caf\\u00e9", "text":"Two  spaces"}',
             '{"x": NaN, "text": "nan"}',
             '{"x": [1, -Infinity], "text": "inf"}']
    src = write(tmp_path / "n.jsonl", "\n".join(lines) + "\n")
    out = tmp_path / "o.jsonl"
    assert clean(src, "-o", out, "--keep-boilerplate") == 1
    got = out.read_text("utf-8").splitlines()
    assert got == [
        '{"a": 1e400, "b": 12345678901234567890.5, "c": 1E5, "text": "It is fine."}',
        '{"k":1,"k":2 , "s": "caf\\u00e9", "text":"Two spaces"}']
    errors = errors_of(out)
    assert [e["line"] for e in errors] == [3, 4]
    assert all("is not valid JSON" in e["error"] for e in errors)


# --- 10. the -o name says the output format -------------------------------------------------
def test_output_format_follows_the_output_name(tmp_path):
    """Item 10: -o x.jsonl.gz is gzip (zcat and polyclean read it), .zst is zstd, a JSONL
    input with -o x.csv writes CSV (nested values as JSON text), a folder of text files
    into one JSONL/Parquet file with a path field, JSONL to Parquet (union of the keys,
    nulls, numbers as numbers), and --output-format forces a format."""
    src = write(tmp_path / "d.jsonl", jsonl([
        {"id": 1, "text": "It is  fine.", "meta": {"n": [1, 2]}},
        {"id": 2.5, "text": "Also  fine.", "extra": "x"}]))
    gz = tmp_path / "o.jsonl.gz"
    assert clean(src, "-o", gz) == 0
    plain = [{"id": 1, "text": cleaned("It is  fine."), "meta": {"n": [1, 2]}},
             {"id": 2.5, "text": cleaned("Also  fine."), "extra": "x"}]
    assert [json.loads(l) for l in gzip.decompress(gz.read_bytes()).splitlines()] == plain
    zcat = subprocess.run(["zcat", str(gz)], capture_output=True)
    assert zcat.returncode == 0 and zcat.stdout == gzip.decompress(gz.read_bytes())
    again = tmp_path / "again.jsonl"
    assert clean(gz, "-o", again) == 0 and read_jsonl(again) == plain
    zst = tmp_path / "o.jsonl.zst"
    assert clean(src, "-o", zst) == 0
    zstandard = pytest.importorskip("zstandard")
    data = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(zst.read_bytes())).read()
    assert [json.loads(l) for l in data.splitlines()] == plain
    out_csv = tmp_path / "o.csv"
    assert clean(src, "-o", out_csv) == 0
    with open(out_csv, newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["id", "text", "meta", "extra"],
                                        ["1", plain[0]["text"], '{"n": [1, 2]}', ""],
                                        ["2.5", plain[1]["text"], "", "x"]]
    folder = tmp_path / "pages"
    write(folder / "a.txt", GOOD)
    write(folder / "sub" / "b.txt", OTHER)
    one = tmp_path / "pages.jsonl"
    assert clean(folder, "-o", one) == 0
    assert read_jsonl(one) == [{"path": "a.txt", "text": cleaned(GOOD)},
                               {"path": "sub/b.txt", "text": cleaned(OTHER)}]
    pq = pytest.importorskip("pyarrow.parquet")
    assert clean(folder, "-o", tmp_path / "pages.parquet") == 0
    assert pq.read_table(tmp_path / "pages.parquet").to_pylist() == read_jsonl(one)
    assert clean(src, "-o", tmp_path / "d.parquet") == 0
    table = pq.read_table(tmp_path / "d.parquet")
    assert table.column_names == ["id", "text", "meta", "extra"]
    assert table.column("id").to_pylist() == [1.0, 2.5]
    assert table.column("extra").to_pylist() == [None, "x"]
    forced = tmp_path / "forced.out"
    assert clean(src, "-o", forced, "--output-format", "csv") == 0
    assert forced.read_text("utf-8").splitlines()[0] == "id,text,meta,extra"


# --- 13. config values are validated; batch options in the config file ----------------------
@pytest.mark.parametrize("toml,field", [('ascii = "false"', "ascii"), ('normalize = "no"', "normalize"),
                                        ("beam_size = 1.5", "beam_size"),
                                        ("boilerplate_window = inf", "boilerplate_window"),
                                        ("jobs = -1", "jobs"), ('doc_lang = "klingon"', "doc_lang")])
def test_bad_config_values_are_refused_naming_the_field(tmp_path, capsys, toml, field):
    """Item 13: types, ranges and language codes are checked when the config loads."""
    conf = write(tmp_path / "c.toml", toml + "\n")
    src = write(tmp_path / "a.txt", GOOD)
    assert cli.main(["clean", str(src), "--config", str(conf)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"polyclean: error: config file {conf}: option {field}=")


def test_bad_language_flags_are_refused_and_batch_options_come_from_the_config(tmp_path,
                                                                              capsys):
    """Item 13: --doc-lang klingon and --target-lang xx are refused (exit 2); jobs,
    batch_docs, text_field, format... can be set in the config file."""
    src = write(tmp_path / "a.txt", GOOD)
    for flag, value in (("--doc-lang", "klingon"), ("--target-lang", "xx")):
        assert cli.main(["clean", str(src), flag, value]) == 2
        assert f"{flag[2:].replace('-', '_')}={value!r}" in capsys.readouterr().err
    data = write(tmp_path / "d.log", jsonl([{"body": "It is  fine."}, {"body": OTHER}]))
    conf = write(tmp_path / "c.toml", '[polyclean]\njobs = 1\nbatch-docs = 1\ntext_field = "body"\n'
                                      'format = "jsonl"\ntranslate = false\noutput_format = "csv"\n')
    out = tmp_path / "o.out"
    assert cli.main(["clean", str(data), "-o", str(out), "--config", str(conf)]) == 0
    with open(out, newline="", encoding="utf-8") as fh:
        assert list(csv.reader(fh)) == [["body"], [cleaned("It is  fine.")], [cleaned(OTHER)]]


# --- 14. NULs, UTF-16 JSONL, blank CSV lines ---------------------------------------------------
def test_utf16_jsonl_blank_csv_lines_and_records_with_nuls(tmp_path):
    """Item 14: UTF-16 JSONL with --encoding utf-16 works; blank lines in a CSV are not
    error records; a record holding NUL characters is not refused by the readers."""
    src = write(tmp_path / "u.jsonl", jsonl([{"id": i, "text": f"{GOOD} {i}"}
                                             for i in range(3)]).encode("utf-16"))
    out = tmp_path / "u-out.jsonl"
    assert clean(src, "-o", out, "--encoding", "utf-16", "--keep-boilerplate") == 0
    assert [r["id"] for r in read_jsonl(out)] == [0, 1, 2]
    src = write(tmp_path / "b.csv", f"id,text\n\n1,{GOOD}\n\n\n2,{OTHER}\n\n")
    out = tmp_path / "b-out.csv"
    assert clean(src, "-o", out) == 0
    assert [r[0] for r in csv.reader(io.StringIO(out.read_text("utf-8")))] == ["id", "1", "2"]
    nul = 'A line\x00with a NUL.'
    src = write(tmp_path / "n.jsonl", '{"text": "' + GOOD + ' ' + nul + '"}\n')
    src2 = write(tmp_path / "n.csv", f'id,text\n1,"{GOOD} {nul}"\n')
    for path in (src, src2):
        out = tmp_path / ("o-" + path.name)
        assert clean(path, "-o", out) == 0, path
        assert not out.with_name(out.name + ".errors.jsonl").exists()


# --- 15. workers never outlive the main process; SIGTERM -------------------------------------
def _workers_of(pid: int) -> list:
    psutil = pytest.importorskip("psutil")
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _alive(proc) -> bool:
    psutil = pytest.importorskip("psutil")
    try:
        return proc.status() != psutil.STATUS_ZOMBIE  # a zombie has exited
    except psutil.NoSuchProcess:
        return False


def _big_jsonl(path: Path, n: int = 4000) -> Path:
    return write(path, jsonl({"id": i, "text": f"{GOOD} Item {i}.\n{OTHER}"} for i in range(n)))


@pytest.mark.parametrize("watchdog", ["pdeathsig", "pipe"])
def test_workers_exit_when_the_main_process_is_killed(tmp_path, watchdog):
    """Item 15: SIGKILL of the main process; its workers are gone within a second
    (PR_SET_PDEATHSIG on Linux, and the watchdog pipe on its own)."""
    psutil = pytest.importorskip("psutil")
    src = _big_jsonl(tmp_path / "d.jsonl")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if watchdog == "pipe":
        env["POLYCLEAN_WATCHDOG"] = "pipe"
    proc = subprocess.Popen([sys.executable, "-m", "polyclean", "clean", str(src), "-o",
                             str(tmp_path / "o.jsonl"), "-j", "2", "--batch-docs", "50",
                             "--no-translate"], cwd=ROOT, env=env,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 120
        workers: list = []
        while time.monotonic() < deadline and len(workers) < 2:
            workers = [w for w in _workers_of(proc.pid) if "python" in w.name().lower()]
            time.sleep(0.05)
        assert len(workers) >= 2, "no workers started"
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline and any(_alive(w) for w in workers):
            time.sleep(0.02)
        alive = [w for w in workers if _alive(w)]
        assert not alive, f"workers still alive 1 s after the main process died: {alive}"
    finally:
        for w in _workers_of(proc.pid):
            w.kill()


def test_sigterm_stops_like_ctrl_c_and_resume_completes(tmp_path):
    """Item 15: SIGTERM exits 143 with a message naming --resume; --resume then
    completes to the bytes of an uninterrupted run."""
    src = _big_jsonl(tmp_path / "d.jsonl")
    out = tmp_path / "o.jsonl"
    journal = tmp_path / ".o.jsonl.polyclean-journal"
    args = ["clean", src, "-o", out, "-j", "1", "--batch-docs", "100", "--no-translate"]
    proc = subprocess.Popen([sys.executable, "-m", "polyclean", *map(str, args)], cwd=ROOT,
                            stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not journal.exists():
        time.sleep(0.01)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 143, err
    line = err.strip().splitlines()[-1]
    assert line.startswith("polyclean: error: SIGTERM; stopped after ")
    assert line.endswith("run the same command with --resume to continue")
    assert run_cli(args + ["--resume"]).returncode == 0
    ref = tmp_path / "ref.jsonl"
    assert clean(src, "-o", ref, "--batch-docs", "100") == 0
    assert out.read_bytes() == ref.read_bytes()


_CUT_RESULT = """
import os, struct
from polyclean.config import Config
from polyclean.formats import FieldOptions
from polyclean.workers import Pool

cfg = Config(translate=False)
pool = Pool(2, cfg, FieldOptions.from_config(cfg), False)
assert pool.ex.submit(os.getpid).result(timeout=60) > 0  # the pool and its reader run
# what a worker stopped while it sent a result leaves: a length, then part of the bytes
os.write(pool.ex._result_queue._writer.fileno(), struct.pack("!i", 1 << 20) + b"0123456789")
pool.kill()  # Ctrl-C or SIGTERM in the main process
pool.close()
print("closed")
"""


def test_ctrl_c_while_a_worker_sends_its_result_does_not_hang():
    """Ctrl-C (or SIGINT/SIGTERM to the main process) with -j 2 hung for ever about one
    time in ten (`kill -INT` 1.5-2.5 s into a 47-file folder run): the workers were
    stopped, one of them part-way through sending its result, and the pool's reader
    waited for the rest of that result; the run neither exited nor printed a word."""
    proc = subprocess.run([sys.executable, "-c", _CUT_RESULT], cwd=ROOT, timeout=60,
                          capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert proc.returncode == 0 and proc.stdout == "closed\n", proc.stderr[-2000:]


# --- 16. one mistake, many records --------------------------------------------------------------
def test_a_wrong_text_field_is_reported_once_and_stops_early(tmp_path, capsys):
    """Item 16: the same mistake is one line plus its count; the run stops when the
    first --max-errors records all fail the same way; the errors file keeps a bounded
    excerpt of each record."""
    src = write(tmp_path / "d.jsonl", jsonl({"id": i, "body": "x" * 5000} for i in range(500)))
    out = tmp_path / "o.jsonl"
    assert clean(src, "-o", out, "--max-errors", "0") == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [f"polyclean: error: {src}:line 1: no field 'text'",
                   f"polyclean: error: {src}:line 1: no field 'text' (500 records in all; "
                   f"every one is listed in {out}.errors.jsonl)"]
    errors = errors_of(out)
    assert len(errors) == 500 and max(len(e["raw"]) for e in errors) <= 501
    assert (tmp_path / "o.jsonl.errors.jsonl").stat().st_size < 500 * 700  # not 500 * 5000
    out2 = tmp_path / "o2.jsonl"
    assert clean(src, "-o", out2, "--max-errors", "50") == 1
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 2 and "the first 50 records all failed with the same error" in err[1]
    assert len(errors_of(out2)) == 50 and not out2.exists()


# --- 17. untranslated text is never silent ------------------------------------------------------
def test_untranslated_fragments_give_a_warning_without_summary_or_terminal(tmp_path):
    """Item 17: a run that left Russian untranslated says so at the end (counts by
    language, how to install a package), with no --summary and no terminal; -q
    silences it."""
    src = write(tmp_path / "d.jsonl", jsonl([{"text": f"{GOOD}\n{RU}\n{OTHER}"}]))
    env = {"ARGOS_PACKAGES_DIR": str(tmp_path / "no-packages"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = run_cli(["clean", src, "-o", tmp_path / "o.jsonl", "-j", "1"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "polyclean: warning: 1 fragment left untranslated (ru 1): no installed translation "
        "package; see 'polyclean models list' and 'polyclean models install ru'"]
    proc = run_cli(["clean", src, "-o", tmp_path / "o2.jsonl", "-j", "1", "-q"], env=env)
    assert proc.returncode == 0 and proc.stderr == ""


# --- 18. nothing left behind, nothing skipped without a word -----------------------------------
def test_leftovers_are_removed_and_odd_entries_reported(tmp_path, capsys):
    """Item 18: probe and temporary files a kill left are removed by the next run;
    FIFOs and dangling links in an input folder are reported (skipped / error), and a
    newline in a file name is escaped in the one-line message."""
    src = tmp_path / "in"
    write(src / "a.txt", GOOD)
    os.mkfifo(src / "pipe.txt")
    (src / "gone.txt").symlink_to(src / "nowhere.txt")
    write(src / "bad\nname.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    out = tmp_path / "out"
    out.mkdir()
    for name in (".polyclean-probe-abc123", ".a.txt.polyclean-tmp-4242",
                 ".x.txt.polyclean-partial"):
        write(out / name, b"left by a killed run")
    write(tmp_path / ".out.polyclean-lock", "99999999\n")
    assert clean(src, "-o", out) == 1
    assert sorted(p.name for p in out.iterdir()) == ["a.txt"]
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 3
    assert f"polyclean: error: {src}/bad\\nname.txt: binary data, not text" in err[0]
    assert err[1] == f"polyclean: error: {src}/gone.txt: a symbolic link to nothing (dangling)"
    assert err[2] == f"polyclean: warning: {src}/pipe.txt: not a regular file (FIFO); skipped"
    entries = errors_of(out)
    assert [(Path(e["input"]).name, e["status"]) for e in entries] == [
        ("bad\nname.txt", "error"), ("gone.txt", "error"), ("pipe.txt", "skipped")]


# --- clarifications: summary JSON, reports, statuses ---------------------------------------------
def test_summary_json_has_a_versioned_schema_and_a_status(tmp_path):
    """Clarification: --summary-json FILE writes the run summary (schema
    polyclean-summary/1, status from a fixed list); report lines carry a schema."""
    from polyclean.runlog import RUN_STATUSES, STATUSES

    src = write(tmp_path / "d.jsonl", jsonl([{"text": GOOD}]) + "{broken\n")
    out = tmp_path / "o.jsonl"
    summ = tmp_path / "s.json"
    assert clean(src, "-o", out, "--summary-json", summ, "--report", tmp_path / "r.jsonl") == 1
    data = json.loads(summ.read_text())
    assert data["schema"] == "polyclean-summary/1" and data["status"] in RUN_STATUSES
    assert (data["status"], data["records"], data["documents"], data["errors"]) == (
        "failed", 2, 1, 1)
    assert set(data) >= {"bytes_in", "bytes_out", "seconds", "stats", "untranslated",
                         "resumed_at", "inputs", "outputs", "errors_path"}
    reports = read_jsonl(tmp_path / "r.jsonl")
    assert all("schema" in r for r in reports)
    assert reports[1]["status"] == "error"
    assert {e["status"] for e in errors_of(out)} <= set(STATUSES)


def test_detect_reads_records_and_gives_the_offsets_of_clean_report(tmp_path):
    """Issue 12: `polyclean detect x.jsonl --text-field body` reads records through the
    same readers; on CRLF input its offsets are those of `clean --report`'s fragments."""
    text = f"{GOOD}\r\n{RU}\r\n{OTHER}\r\n"
    src = write(tmp_path / "d.jsonl", jsonl([{"id": "a", "body": text}]))
    out = tmp_path / "det.jsonl"
    assert cli.main(["detect", str(src), "--text-field", "body", "-o", str(out)]) == 0
    (doc,) = read_jsonl(out)
    assert doc["id"] == f"{src}:line 1" and doc["lang"] == "en"
    foreign = [(s["start"], s["end"]) for s in doc["segments"] if s["foreign"]]
    assert foreign
    rep = tmp_path / "r.jsonl"
    assert clean(src, "-o", tmp_path / "c.jsonl", "--text-field", "body", "--report", rep) == 0
    (report,) = read_jsonl(rep)
    assert foreign == [(f["start"], f["end"]) for f in report["fragments"]]


def test_reports_do_not_depend_on_workers_or_the_cache_and_the_summary_counts_it(
        tmp_path, argos_env, tiny_zips):
    """Item 12 (the batch side): with the translation cache on, the reports are
    byte-identical between -j 1 and -j 2 and between a cold and a warm cache; the
    cache's hits and misses are in the run summary (--summary-json) instead."""
    assert cli.main(["models", "install", str(tiny_zips["ru-en"])]) == 0
    docs = [{"id": i, "text": f"{GOOD} {i}.\n{RU}\n{OTHER}"} for i in range(40)]
    src = write(tmp_path / "d.jsonl", jsonl(docs))
    runs = []
    for n, jobs in enumerate(("1", "2", "2")):
        out, rep, summ = (tmp_path / f"o{n}.jsonl", tmp_path / f"r{n}.jsonl",
                          tmp_path / f"s{n}.json")
        assert cli.main(["clean", str(src), "-o", str(out), "--report", str(rep), "-j", jobs,
                         "--batch-docs", "10", "--cache", str(argos_env.cache),
                         "--keep-boilerplate", "--summary-json", str(summ)]) == 0
        runs.append((out.read_bytes(), rep.read_bytes(), json.loads(summ.read_text())))
    assert runs[0][:2] == runs[1][:2] == runs[2][:2]
    assert b"cache" not in runs[0][1]
    assert "Cat loves milk" in runs[0][0].decode()
    stats = [r[2]["stats"] for r in runs]
    assert stats[0]["cache_miss"] >= 1 and stats[2].get("cache_hit", 0) >= 1
    assert "cache_miss" not in stats[2]


def test_records_skipped_on_purpose_are_listed_with_status_skipped(tmp_path, monkeypatch):
    """Clarification ("nothing lost" covers skipped records): a record a reader skips on
    purpose (as a non-HTML WARC record is) is in the errors file with status skipped,
    and is not an error (exit 0)."""
    from polyclean import formats

    class Skipping(formats.JsonlReader):
        def records(self):
            for rec in super().records():
                if b'"kind": "image"' in rec.payload:
                    rec = formats.Record(rec.where, None, rec.size, error="skipped: not HTML "
                                         "(image/png)", status="skipped")
                yield rec

    monkeypatch.setitem(formats.READERS, "jsonl", Skipping)
    src = write(tmp_path / "d.jsonl", jsonl([{"text": GOOD}, {"kind": "image", "text": ""},
                                             {"text": OTHER}]))
    out = tmp_path / "o.jsonl"
    assert clean(src, "-o", out) == 0
    assert [r["text"] for r in read_jsonl(out)] == [cleaned(GOOD), cleaned(OTHER)]
    assert errors_of(out) == [{"input": str(src), "line": 2, "status": "skipped",
                               "error": "skipped: not HTML (image/png)"}]
