"""Issue 13, item 2: ``--resume`` after a kill at any file operation, or a file size
limit, gives output byte-identical to an uninterrupted run, for a multi-file folder of
mixed formats (text, JSONL, CSV, TSV, Parquet, .gz), mirrored or into one file.

``make test`` tries a sample of the kill points of each scenario (every one of the
first few and then a stride); ``make fuzz`` (``-m slow``) tries every one of them.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import faults
from polyclean.sinks import is_work_file

pytest.importorskip("pyarrow")

SCENARIOS = {
    "mirror": ("out", []),
    "jsonl.gz": ("all.jsonl.gz", []),
    "parquet": ("all.parquet", []),
    "csv": ("all.csv", []),
}


def _args(src: Path, out: Path) -> list[str]:
    return [str(src), "-o", str(out), "--report", str(out.parent / "report.jsonl"),
            "--no-translate", "-j", "1", "--batch-docs", "4", "-q"]


@pytest.fixture(scope="module")
def setups(tmp_path_factory):
    """Inputs and the uninterrupted reference output of every scenario."""
    base = tmp_path_factory.mktemp("faults")
    src = faults.make_inputs(base)
    made = {}
    for name, (target, _) in SCENARIOS.items():
        ref = base / f"ref-{name}"
        ref.mkdir()
        ended, ops = faults.killed_run(_args(src, ref / target), 0, "never")
        assert ended == 1, f"the reference run of {name} ended with {ended}"  # the bad line
        made[name] = (src, faults.snapshot(ref), ops)
    return made


def _check(setups, tmp_path, name: str, n: int, when: str, fsize: int | None = None) -> None:
    src, expected, _ = setups[name]
    target, _ = SCENARIOS[name]
    work = tmp_path / f"{name}-{when}-{n}-{fsize}"
    work.mkdir()
    args = _args(src, work / target)
    ended, _ = faults.killed_run(args, n, when, fsize)
    assert ended in (-9, 1), f"{name}: the run killed at op {n} ({when}) ended with {ended}"
    rc = faults.resume(args)
    assert rc == 1, f"{name}: --resume after op {n} ({when}, fsize {fsize}) exited {rc}"
    got = faults.snapshot(work)
    assert got.keys() == expected.keys(), (n, when, fsize, sorted(got.keys() ^ expected.keys()))
    for key in expected:
        assert got[key] == expected[key], f"{name}: {key} differs after op {n} ({when})"
    assert not [p for p in work.rglob("*") if is_work_file(p.name)]
    shutil.rmtree(work)


def _points(total: int, full: bool) -> list[int]:
    if full:
        return list(range(1, total + 1))
    return sorted(set(list(range(1, 4)) + list(range(4, total + 1, 15)) + [total]))


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_kill_or_file_size_limit_then_resume_is_byte_identical(setups, tmp_path, name):
    """Item 2: killed before or after a sample of its os.replace/rename/fsync/unlink
    calls, or stopped by ``ulimit -f`` (EFBIG) at several sizes, the run resumes to the
    same bytes (every output, the errors file, the report)."""
    total = setups[name][2]
    assert total > 10
    for n in _points(total, full=False):
        for when in ("before", "after"):
            _check(setups, tmp_path, name, n, when)
    for fsize in (300, 2500):
        _check(setups, tmp_path, name, 0, "never", fsize)


@pytest.mark.slow
@pytest.mark.parametrize("name", list(SCENARIOS))
def test_kill_at_every_file_operation(setups, tmp_path, name):
    """Item 2, the long loop (``make fuzz``): every kill point, before and after."""
    for n in _points(setups[name][2], full=True):
        for when in ("before", "after"):
            _check(setups, tmp_path, name, n, when)
