"""Fault injection for the batch contract (issue 13, item 2): a run of ``polyclean
clean`` killed with SIGKILL just before or just after its N-th ``os.replace`` /
``os.rename`` / ``os.fsync`` / ``os.unlink``, or stopped by a file size limit
(``ulimit -f``), then ``--resume``d; the result must be byte-identical to an
uninterrupted run.

The killed run is a ``fork`` of the test process (the models are loaded once), so a
few hundred cycles take seconds.  Used by ``tests/test_faults.py`` (a sample of the
kill points in ``make test``, all of them in ``make fuzz``) and ``fuzz/run.py``.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import resource
import signal
import sys
from pathlib import Path

OPS = ("replace", "rename", "fsync", "unlink")
EN = ["The council met on Tuesday to discuss the new budget for the city.",
      "Several members asked for more money for schools and public libraries.",
      "The mayor said the plan would be \u201cready by spring\u201d \u2014 maybe.",
      "Residents can comment on the proposal until the end of the month\u2026",
      "Share this article", "Subscribe"]


def text(i: int) -> str:
    return f"Record {i} of the crawl.\n" + "\n".join(EN[(i + k) % 6] for k in range(i % 5 + 1))


def make_inputs(root: Path) -> Path:
    """A folder of mixed formats: text, JSONL (with a bad line), CSV, TSV, Parquet,
    gzip-compressed JSONL and text, in subfolders."""
    src = root / "in"
    (src / "sub").mkdir(parents=True)
    for i in range(3):
        (src / f"page{i}.txt").write_text(text(i) + "\n", "utf-8")
    lines = [json.dumps({"id": i, "n": 1e5 if i % 2 else 12, "text": text(i)}) for i in range(9)]
    lines.insert(4, '{"id": "broken", "text": "unterminated')
    (src / "a.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["id", "text", "note"])
    for i in range(7):
        w.writerow([i, text(i + 20), f'note "{i}",\nsecond line'])
    (src / "sub" / "b.csv").write_text(buf.getvalue(), "utf-8")
    (src / "sub" / "c.tsv").write_text("id\ttext\n" + "".join(
        f"{i}\t{text(i + 30)}".replace("\n", "\\n") + "\n" for i in range(5)), "utf-8")
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": list(range(8)), "text": [text(i + 40) for i in range(8)]}),
                   src / "sub" / "d.parquet", row_group_size=3)
    with gzip.open(src / "e.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i in range(6):
            fh.write(json.dumps({"text": text(i + 50)}) + "\n")
    with gzip.open(src / "f.txt.gz", "wb") as fh:
        fh.write(text(60).encode())
    return src


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file under ``root`` (names relative to it) with its bytes."""
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def killed_run(args: list[str], n: int, when: str, fsize: int | None = None) -> tuple[int, int]:
    """Run ``polyclean clean ARGS`` in a fork, killed before/after its ``n``-th file
    operation (or limited to ``fsize`` bytes per file).  Returns (how it ended: -9 when
    killed, else the exit code; the number of file operations it made)."""
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child never returns
        os.close(r)
        code = 70
        try:
            code = _child(args, n, when, fsize, w)
        finally:
            os._exit(code)
    os.close(w)
    with os.fdopen(r) as fh:
        ops, _, tb = fh.read().partition("\n")
    _, status = os.waitpid(pid, 0)
    ended = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    if tb:
        raise AssertionError(f"the run raised:\n{tb}")
    return ended, int(ops or 0)


def _child(args: list[str], n: int, when: str, fsize: int | None, w: int) -> int:
    count = [0]

    def wrap(fn):
        def inner(*a, **k):
            count[0] += 1
            if count[0] == n and when == "before":
                os.kill(os.getpid(), signal.SIGKILL)
            result = fn(*a, **k)
            if count[0] == n and when == "after":
                os.kill(os.getpid(), signal.SIGKILL)
            return result
        return inner

    for name in OPS:
        setattr(os, name, wrap(getattr(os, name)))
    if fsize is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)  # pytest's capture files are files too: keep them under the limit
    os.dup2(devnull, 2)
    sys.stdout, sys.stderr = open(1, "w", closefd=False), open(2, "w", closefd=False)
    from polyclean import cli

    tb = ""
    try:
        rc = cli.main(["clean", *args])
        sys.stdout.flush()
    except BaseException:  # noqa: BLE001 - a traceback is a failure of the run
        import traceback

        rc, tb = 99, traceback.format_exc()
    os.write(w, f"{count[0]}\n{tb}".encode())
    return rc


def resume(args: list[str]) -> int:
    from polyclean import cli

    return cli.main(["clean", *args, "--resume"])
