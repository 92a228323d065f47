"""Defects found by running polyclean at scale and under interruption as a data engineer
would (many small files, big record files, kill -9 and --resume), on ../shared/data."""

from __future__ import annotations

import os
import shutil
import threading
import time
from pathlib import Path

import pytest

from polyclean import cli

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def _english(n: int) -> list[str]:
    rows = (DATA / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv").read_text("utf-8")
    return [r.split("\t")[5] for r in rows.splitlines()[1:n + 1]]


@pytest.mark.parametrize("suffix,convert", [(".txt", ""), (".jsonl", ""), (".jsonl.gz", ""),
                                            (".jsonl", "csv")])
def test_a_tree_of_small_files_syncs_them_together_not_one_after_another(
        tmp_path, monkeypatch, suffix, convert):
    """A mirrored tree of 20,000 small text files took 88 s, 80 of them in one fsync
    after another (about 4 ms each on ext4), where 2,000 records in one file take 2 s
    (a tree of 2,000 one-line JSONL files: 9.3 s, now 5.2).  The files of a batch are
    now synced concurrently, each before it is put in place, and the output is the
    same."""
    import gzip
    import json

    src = tmp_path / "crawl"
    for i, line in enumerate(_english(60)):
        p = src / f"d{i % 3}" / f"page{i:02d}{suffix}"
        p.parent.mkdir(parents=True, exist_ok=True)
        data = (line if suffix == ".txt" else json.dumps({"text": line})) + "\n"
        p.write_bytes(gzip.compress(data.encode()) if suffix.endswith(".gz") else data.encode())
    name = "." + convert if convert else suffix.removesuffix(".gz")
    extra = ["--output-format", convert] if convert else []
    synced: set[str] = set()
    state = {"now": 0, "most": 0}
    lock = threading.Lock()
    real_fsync, real_replace = os.fsync, os.replace

    def slow_fsync(fd: int) -> None:  # a disk where each sync takes 10 ms
        with lock:
            state["now"] += 1
            state["most"] = max(state["most"], state["now"])
        time.sleep(0.01)
        real_fsync(fd)
        with lock:
            state["now"] -= 1
            synced.add(os.path.realpath(f"/proc/self/fd/{fd}"))

    placed: list[tuple[str, bool]] = []

    def replace(a, b, *args, **kw):
        placed.append((str(b), os.path.realpath(a) in synced))
        return real_replace(a, b, *args, **kw)

    monkeypatch.setattr(os, "fsync", slow_fsync)
    monkeypatch.setattr(os, "replace", replace)
    out = tmp_path / "out"
    assert cli.main(["clean", str(src), "-o", str(out) + "/", "-j", "1", "--no-translate",
                     "-q", "--batch-docs", "30", *extra]) == 0
    monkeypatch.undo()
    pages = sorted(out.rglob("*" + name))
    assert len(pages) == 60
    texts = [p for p, ok in placed if p.endswith(name)]
    assert len(texts) == 60 and all(ok for p, ok in placed if p.endswith(name)), \
        "every file is synced before it is put in place"
    assert state["most"] > 1, "the files of a batch are synced together"
    for p in pages[::20]:  # the same bytes as one document alone
        one = tmp_path / "one" / p.name
        given = src / p.relative_to(out).with_name(p.name.removesuffix(name) + suffix)
        assert cli.main(["clean", str(given), "-o", str(one),
                         "--no-translate", "-q", *extra]) == 0
        assert one.read_bytes() == p.read_bytes()


def _stopped_after_one_batch(monkeypatch, args: list[str], batches: int = 1) -> None:
    """Run ``clean ARGS`` and stop it like Ctrl-C after its first ``batches`` batches
    (journal kept)."""
    from polyclean import runner

    real = runner._Run._batch
    seen = []

    def batch(self, *a, **kw):
        if len(seen) == batches:
            raise KeyboardInterrupt
        seen.append(1)
        return real(self, *a, **kw)

    monkeypatch.setattr(runner._Run, "_batch", batch)
    assert cli.main(args) == 130
    monkeypatch.undo()


def test_a_refused_resume_names_what_differs(tmp_path, monkeypatch, capsys):
    """A --resume whose options or inputs differ from the killed run's was refused with
    'belongs to other inputs or options (an input changed since, a flag differs, a
    glossary or phrase file was edited, or the installed translation packages
    changed)': which one, among a config file's twenty options and a folder of inputs,
    the user had to guess.  The refusal now names it."""
    import json

    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "text": t}) for i, t in enumerate(_english(40))]
    src.write_text("\n".join(lines) + "\n", "utf-8")
    out = tmp_path / "out.jsonl"
    args = ["clean", str(src), "-o", str(out), "--report", str(tmp_path / "r.jsonl"),
            "--no-translate", "--batch-docs", "10", "-j", "1", "-q"]
    _stopped_after_one_batch(monkeypatch, args)
    capsys.readouterr()

    def refused(*extra: str) -> str:
        assert cli.main(args + ["--resume", *extra]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "belongs to other inputs or options: " in err
        return err

    assert "option ascii was false in the killed run, true now" in refused("--ascii")
    assert "option batch_docs was 10 in the killed run, 7 now" in refused("--batch-docs", "7")
    assert '--html-report was unset in the killed run, "' in refused(
        "--html-report", str(tmp_path / "p.html"))
    kept = src.read_bytes()
    src.write_bytes(kept + b'{"id": 99, "text": "One more."}\n')
    assert f"{src} changed since the killed run" in refused()
    src.write_bytes(kept)
    os.utime(src, ns=(src.stat().st_atime_ns, src.stat().st_mtime_ns + 10**9))
    assert f"{src} changed since the killed run" in refused()
    src.rename(tmp_path / "moved.jsonl")
    assert f"{src} cannot be found now" in refused()
    (tmp_path / "moved.jsonl").rename(src)
    # nothing was touched: continued from a journal of the same inputs, every byte is
    # the uninterrupted run's
    shutil.rmtree(tmp_path / "ref", ignore_errors=True)
    (tmp_path / "ref").mkdir()
    ref = tmp_path / "ref" / "out.jsonl"
    assert cli.main(args[:3] + [str(ref), "--report", str(tmp_path / "ref" / "r.jsonl")]
                    + args[6:]) == 0
    _stopped_after_one_batch(monkeypatch, args)
    assert cli.main(args + ["--resume"]) == 0
    assert out.read_bytes() == ref.read_bytes()
    assert (tmp_path / "r.jsonl").read_bytes() == (tmp_path / "ref" / "r.jsonl").read_bytes()


def test_a_resumed_run_reports_its_own_speed(tmp_path, monkeypatch, capsys):
    """A run killed after 2,000 of 3,000 records and resumed said '3,000 documents, ...
    1.60 s (1,874 docs/s, 1.12 MB/s); resumed after 2,000 records': the killed run's
    documents were counted in the speed of a run that cleaned 1,000 (625 docs/s); the
    progress line's ETA counted the input read again up to the resume point as progress
    (0:00:00 left at 70 %).  Speeds and ETA are now this run's."""
    import io
    import json
    import re

    from polyclean.runlog import Progress

    src = tmp_path / "in.jsonl"
    lines = [json.dumps({"id": i, "text": t}) for i, t in enumerate(_english(60))]
    src.write_text("\n".join(lines) + "\n", "utf-8")
    out, summary = tmp_path / "out.jsonl", tmp_path / "s.json"
    args = ["clean", str(src), "-o", str(out), "--no-translate", "--batch-docs", "40",
            "-j", "1", "--summary-json", str(summary), "--html-report",
            str(tmp_path / "p.html")]
    _stopped_after_one_batch(monkeypatch, args + ["-q"])
    capsys.readouterr()
    assert cli.main(args + ["--resume", "--summary"]) == 0
    line = [x for x in capsys.readouterr().err.splitlines() if "docs/s" in x][0]
    s = json.loads(summary.read_text())
    assert (s["documents"], s["resumed_at"], s["resumed_documents"]) == (60, 40, 40)
    # the summary's seconds are rounded to the millisecond: 20 documents in them
    low, high = 20 / (s["seconds"] + 0.0006) - 1, 20 / max(s["seconds"] - 0.0006, 1e-4) + 1
    rate = float(re.search(r"\(([\d,]+) docs/s", line)[1].replace(",", ""))
    assert low <= rate <= high, (line, s["seconds"])
    page = (tmp_path / "p.html").read_text()
    shown = float(re.search(r"documents per second</th><td>([\d,]+)", page)[1].replace(",", ""))
    assert low <= shown <= high, (shown, s["seconds"])
    # the progress line: 2,000 records done by the killed run; the input is read again
    # up to 70 % in the first second, then 20 % more in two seconds
    err = io.StringIO()
    monkeypatch.setattr("sys.stderr", err)
    now = [0.0]
    monkeypatch.setattr("polyclean.runlog.time.monotonic", lambda: now[0])
    bar = Progress(True, 1000, None, (2000, 700_000))
    now[0] = 1.0
    bar.update(2100, 735_000, 700, force=True)
    now[0] = 3.0
    bar.update(2300, 805_000, 900, force=True)
    last = err.getvalue().split("\r")[-1]
    assert "  300 records" not in last and " 2,300 records  100 docs/s  0.04 MB/s" in last, last
    assert "ETA 0:00:01" in last, last  # 10 % left at 10 % a second


def test_a_folder_whose_files_are_all_skipped_gives_an_empty_output(tmp_path, capsys):
    """A folder holding only what a run skips (hidden files, a FIFO) cleaned into one
    file exited 0 with a warning per file, but made no output file at all: the next
    step of a pipeline found nothing where an empty input gives an empty output.  The
    output is now written empty; a folder with no file at all still fails (exit 1, no
    output), as a --glob that matches nothing does."""
    import pyarrow.parquet as pq

    src = tmp_path / "crawl"
    (src / "sub").mkdir(parents=True)
    (src / ".draft.txt").write_text(_english(1)[0], "utf-8")
    os.mkfifo(src / "sub" / "pipe")
    for name in ("all.jsonl", "all.csv", "all.jsonl.gz", "all.parquet"):
        out = tmp_path / name
        assert cli.main(["clean", str(src), "-o", str(out), "-q"]) == 0
        assert out.is_file(), name
        errors = (tmp_path / f"{name}.errors.jsonl").read_text().splitlines()
        assert len(errors) == 2 and all('"skipped"' in e for e in errors)
    assert (tmp_path / "all.jsonl").read_bytes() == b""
    import gzip
    assert gzip.decompress((tmp_path / "all.jsonl.gz").read_bytes()) == b""
    assert pq.read_table(tmp_path / "all.parquet").num_rows == 0
    (tmp_path / "none" / "sub").mkdir(parents=True)
    capsys.readouterr()
    assert cli.main(["clean", str(tmp_path / "none"), "-o", str(tmp_path / "n.jsonl"),
                     "-q"]) == 1
    assert not (tmp_path / "n.jsonl").exists()
    # it said "no files match '*'", a pattern the user never gave
    assert capsys.readouterr().err == (f"polyclean: error: {tmp_path / 'none'}: the folder "
                                       "holds no files, in it or in its subfolders; nothing "
                                       "to clean\n")


def test_resume_refuses_when_the_files_the_killed_run_wrote_are_gone(tmp_path, monkeypatch,
                                                                      capsys):
    """A mirrored tree deleted (rm -rf out/) or moved between a kill and --resume: the
    resumed run wrote the files the killed run had not reached, left out the 150 it had
    written, and failed one file ('cannot write the output out/d1/f651.txt: no such
    file or directory') without a word about the others.  It is now refused."""
    src = tmp_path / "crawl"
    for i, line in enumerate(_english(60)):
        p = src / f"d{i % 3}" / f"page{i:02d}.txt"
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(line + "\n", "utf-8")
    out = tmp_path / "out"
    args = ["clean", str(src), "-o", str(out) + "/", "-j", "1", "--no-translate", "-q",
            "--batch-docs", "10"]
    _stopped_after_one_batch(monkeypatch, args, batches=3)
    capsys.readouterr()
    shutil.move(out, tmp_path / "moved")
    assert cli.main(args + ["--resume"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "20 of the 20 output files the killed run had written " \
        "are gone; run without --resume to start again" in err, err
    shutil.move(tmp_path / "moved", out)
    one = sorted(out.rglob("*.txt"))[0]
    kept = one.read_bytes()
    one.unlink()
    assert cli.main(args + ["--resume"]) == 2
    assert "1 of the 20 output files" in capsys.readouterr().err
    one.write_bytes(kept)
    assert cli.main(args + ["--resume"]) == 0
    assert len(list(out.rglob("*.txt"))) == 60


def test_ctrl_c_in_a_tree_leaves_no_half_batch_of_hidden_files(tmp_path, monkeypatch):
    """The files of a mirrored tree wait in hidden partial files until their batch is
    synced and put in place; Ctrl-C part-way through a batch removes them (no journal
    counts them, --resume writes them again) and --resume gives the uninterrupted
    tree."""
    from polyclean import sinks

    src = tmp_path / "crawl"
    for i, line in enumerate(_english(40)):
        (src / f"d{i % 2}").mkdir(parents=True, exist_ok=True)
        (src / f"d{i % 2}" / f"p{i:02d}.txt").write_text(line + "\n", "utf-8")
    args = ["clean", str(src), "-j", "1", "--no-translate", "-q", "--batch-docs", "10"]
    ref, out = tmp_path / "ref", tmp_path / "out"
    assert cli.main(args + ["-o", str(ref) + "/"]) == 0
    real, seen = sinks.TextFileSink.write, []

    def write(self, *a, **kw):
        seen.append(1)
        if len(seen) == 15:
            raise KeyboardInterrupt
        return real(self, *a, **kw)

    monkeypatch.setattr(sinks.TextFileSink, "write", write)
    assert cli.main(args + ["-o", str(out) + "/"]) == 130
    monkeypatch.undo()
    assert len(list(out.rglob("*.txt"))) == 10
    assert not [p for p in out.rglob(".*")], "no hidden work file in the tree"
    assert cli.main(args + ["-o", str(out) + "/", "--resume"]) == 0
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == \
        {p.relative_to(ref): p.read_bytes() for p in ref.rglob("*") if p.is_file()}
