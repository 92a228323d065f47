"""Kill a run with SIGKILL part-way, then ``--resume``: every record exactly once and the
output (and errors and report files) byte-identical to an uninterrupted run."""

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from polyclean import cli
from polyclean.sinks import partial_path

from faults import text

ROOT = Path(__file__).resolve().parents[1]


def write_jsonl(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            if i % 997 == 500:
                fh.write('{"id": %d, "text": "a broken line\n' % i)  # a bad record
            else:
                fh.write(json.dumps({"id": i, "text": text(i)}, ensure_ascii=False) + "\n")


def command(src: Path, out: Path, *extra: str) -> list[str]:
    return [sys.executable, "-m", "polyclean", "clean", str(src), "-o", str(out),
            "--report", str(out) + ".report", "--no-translate", "--batch-docs", "50", *extra]


def run_and_kill(cmd: list[str], journal: Path, at_least: int, total: int) -> int:
    """Start ``cmd``, SIGKILL it and its workers once the journal has ``at_least``
    records; return the journalled record count at the kill."""
    proc = subprocess.Popen(cmd, cwd=ROOT, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    done = 0
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                done = json.loads(journal.read_text())["records"]
            except (OSError, ValueError, KeyError):
                done = 0
            if done >= at_least:
                os.killpg(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    _wait_for_group(proc.pid)
    if proc.returncode != -signal.SIGKILL:
        pytest.fail(f"the run was not killed part-way (exit {proc.returncode}, "
                    f"{done} records): {proc.stderr.read().decode()[-500:]}")
    assert at_least <= done < total
    return done


def _wait_for_group(pgid: int, timeout: float = 10.0) -> None:
    """Wait until every process of the killed group has exited (a worker that is
    still tearing down holds the output's lock for a few milliseconds)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = False
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if int(fields[2]) == pgid and fields[0] != "Z":  # pgrp; zombies hold nothing
                alive = True
                break
        if not alive:
            return
        time.sleep(0.01)


def in_process(cmd: list[str]) -> int:
    """The same command in this process (models already loaded: quicker)."""
    return cli.main(cmd[cmd.index("clean"):])


def outputs(out: Path) -> tuple[bytes, bytes, bytes]:
    return (out.read_bytes(), Path(str(out) + ".report").read_bytes(),
            Path(str(out) + ".errors.jsonl").read_bytes())


def test_sigkill_then_resume_gives_every_record_once(tmp_path):
    n = 5000
    src = tmp_path / "crawl.jsonl"
    write_jsonl(src, n)
    ref = tmp_path / "ref" / "clean.jsonl"
    ref.parent.mkdir()
    assert in_process(command(src, ref, "-j", "1", "-q")) == 1  # the broken lines
    expected = outputs(ref)

    out = tmp_path / "run" / "clean.jsonl"
    out.parent.mkdir()
    journal = partial_path(out, "journal")
    first = run_and_kill(command(src, out, "-j", "2"), journal, 1000, n)
    assert not out.exists() and partial_path(out).exists()
    # Killed again while resuming (with one job: the output must not depend on it).
    second = run_and_kill(command(src, out, "-j", "1", "--resume"), journal, first + 700, n)
    assert second > first
    final = subprocess.run(command(src, out, "-j", "2", "--resume", "--summary"), cwd=ROOT,
                           capture_output=True, text=True)
    assert final.returncode == 1, final.stderr
    assert f"resumed after {second:,} records" in final.stderr
    assert outputs(out) == expected
    ids = [json.loads(l)["id"] for l in out.read_text("utf-8").splitlines()]
    assert ids == [i for i in range(n) if i % 997 != 500]  # each once, in order
    assert sorted(p.name for p in out.parent.iterdir()) == [
        "clean.jsonl", "clean.jsonl.errors.jsonl", "clean.jsonl.report"]  # no work files


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_sigkill_then_resume_csv_and_parquet(tmp_path, fmt):
    n = 1000
    src = tmp_path / f"rows.{fmt}"
    rows = [{"id": i, "text": text(i), "note": f'n"{i}",\nx'} for i in range(n)]
    if fmt == "csv":
        with open(src, "w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, ["id", "text", "note"])
            w.writeheader()
            w.writerows(rows)
    else:
        pa = pytest.importorskip("pyarrow")
        pq = pytest.importorskip("pyarrow.parquet")
        pq.write_table(pa.Table.from_pylist(rows), src, row_group_size=300)
    ref = tmp_path / f"ref.{fmt}"
    assert in_process(command(src, ref, "-j", "1", "-q")) == 0
    out = tmp_path / f"out.{fmt}"
    run_and_kill(command(src, out, "-j", "2"), partial_path(out, "journal"), 300, n)
    if fmt == "csv":  # the same command without --resume says what it discards
        done = json.loads(partial_path(out, "journal").read_text("utf-8"))["records"]
        again = subprocess.run(command(src, out, "-j", "2"), cwd=ROOT, capture_output=True,
                               text=True)
        assert again.returncode == 0, again.stderr
        assert (f"{out}: a killed run of this output had done {done:,} records; without "
                "--resume its work is discarded and the run starts over") in again.stderr
        assert out.read_bytes() == ref.read_bytes()
        out.unlink()
        run_and_kill(command(src, out, "-j", "2"), partial_path(out, "journal"), 300, n)
    assert subprocess.run(command(src, out, "-j", "2", "-q", "--resume"),
                          cwd=ROOT).returncode == 0
    if fmt == "csv":
        assert out.read_bytes() == ref.read_bytes()
    else:
        import pyarrow.parquet as pq

        assert pq.read_table(out).equals(pq.read_table(ref))
        assert pq.read_table(out).column("id").to_pylist() == list(range(n))
    assert Path(str(out) + ".report").read_bytes() == Path(str(ref) + ".report").read_bytes()


def test_resume_refuses_changed_inputs_or_options(tmp_path, capsys):
    src = tmp_path / "a.jsonl"
    write_jsonl(src, 20)
    out = tmp_path / "o.jsonl"
    journal = partial_path(out, "journal")
    # No journal: --resume simply runs from the start.
    assert cli.main(["clean", str(src), "-o", str(out), "--resume", "--no-translate",
                     "-q"]) == 0
    assert len(out.read_text().splitlines()) == 20 and not journal.exists()
    # A journal of another run (here: other options) is refused, nothing is touched.
    journal.write_text(json.dumps({"version": 1, "fingerprint": "other", "records": 5}))
    assert cli.main(["clean", str(src), "-o", str(out), "--resume", "--ascii", "-q"]) == 2
    assert "belongs to other inputs or options" in capsys.readouterr().err
    assert len(out.read_text().splitlines()) == 20 and journal.exists()
