"""Bad input, each case through the command line as a user meets it: one line
``polyclean: error: NAME: reason`` on stderr, the documented exit code (0 ok, 1 some
input or record failed, 2 usage), and the other inputs of the same run still cleaned
and written; nothing lost silently (every failure is in the errors file too).

Cases: nonexistent path, folder and file without permission (run as an unprivileged
user), binary file, 0-byte file, invalid UTF-8, truncated gzip, malformed JSONL / CSV /
Parquet, wrong ``--text-field``, unwritable output, output path equal to an input
path, full disk (``/dev/full``; a file size limit, RLIMIT_FSIZE; a tiny tmpfs in a
private mount namespace where allowed) and corrupt or malicious ``.argosmodel`` files
(path traversal, absolute path, link, zip bomb, lying sizes, undecodable names).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import resource
import shutil
import stat
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest

from argos_tiny import RU_EN, build_package_dir, zip_folder
from polyclean import Cleaner, cli

ROOT = Path(__file__).resolve().parents[1]
GOOD = "The council met on Tuesday to discuss the new budget for the city.\n"
OTHER = "Several members asked for more money for schools and public libraries.\n"


# --- helpers ---------------------------------------------------------------------------
def cleaned(text: str) -> str:
    return Cleaner(translate=False).clean(text).text


def clean(*args) -> int:
    return cli.main(["clean", *map(str, args), "--no-translate", "-j", "1"])


def write(path: Path, data: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return path


def error_lines(capsys) -> list[str]:
    err = capsys.readouterr().err.splitlines()
    assert all(l.startswith("polyclean: error: ") for l in err), err
    assert not any("Traceback" in l for l in err)
    return err


def errors_file(out: Path) -> list[dict]:
    path = out.with_name(out.name + ".errors.jsonl")
    return [json.loads(l) for l in path.read_text("utf-8").splitlines()]


def jsonl(records) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode()


def read_jsonl(path: Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text("utf-8").splitlines()]


def no_work_files(*folders: Path) -> bool:
    return not [p for f in folders if f.exists() for p in f.rglob(".*polyclean*")]


def run_cli(args, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)],
                          stderr=subprocess.PIPE, text=True, env=env, timeout=300, **kw)


def one_error_line(stderr: str) -> str:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("polyclean: error: "), stderr
    return lines[0]


# --- inputs --------------------------------------------------------------------------------
def test_nonexistent_path(tmp_path, capsys):
    good = write(tmp_path / "in" / "good.txt", GOOD)
    missing = tmp_path / "in" / "missing.txt"
    out = tmp_path / "out"
    assert clean(missing, good, "-o", out) == 1
    assert error_lines(capsys) == [f"polyclean: error: {missing}: no such file or folder"]
    assert sorted(p.name for p in out.iterdir()) == ["good.txt"]
    assert (out / "good.txt").read_text("utf-8") == cleaned(GOOD) + "\n"
    assert errors_file(out) == [{"input": str(missing), "status": "error",
                                 "error": "no such file or folder"}]


def test_binary_files_fail_alone_and_empty_files_warn(tmp_path, capsys):
    """Item 18 of issue 13: an empty file of any format (and empty stdin) exits 0 with
    a one-line warning; a binary file fails alone."""
    src = tmp_path / "in"
    write(src / "a-good.txt", GOOD)
    write(src / "image.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    write(src / "program", b"\x7fELF\x02\x01\x01" + b"\x00" * 600 + b"text" * 10)
    write(src / "empty.txt", b"")
    write(src / "empty.jsonl", b"")
    write(src / "z-other.txt", OTHER)
    out = tmp_path / "out"
    assert clean(src, "-o", out) == 1
    err = capsys.readouterr().err.splitlines()
    assert [l.split(": ")[2] for l in err] == [str(src / n) for n in
                                               ("empty.jsonl", "empty.txt", "image.png",
                                                "program")]
    assert all(l.startswith("polyclean: warning: ") and l.endswith(
        "empty input (no text); nothing to clean") for l in err[:2])
    assert "binary data, not text" in err[2] and "binary data, not text" in err[3]
    # The text files are cleaned; an empty input has an empty output.
    assert sorted(p.name for p in out.iterdir()) == ["a-good.txt", "empty.jsonl", "empty.txt",
                                                     "z-other.txt"]
    assert (out / "z-other.txt").read_text("utf-8") == cleaned(OTHER) + "\n"
    assert (out / "empty.jsonl").read_bytes() == b"" == (out / "empty.txt").read_bytes()
    assert len(errors_file(out)) == 2 and no_work_files(out, tmp_path)


def test_empty_inputs_of_every_format_and_stdin_exit_0(tmp_path, capsys):
    """Item 18 of issue 13: empty stdin and an empty file give the same exit code (0)
    and one warning line each."""
    for name in ("e.txt", "e.jsonl", "e.csv", "e.tsv", "e.parquet", "e.jsonl.gz"):
        src = write(tmp_path / name, b"" if not name.endswith(".gz") else gzip.compress(b""))
        out = tmp_path / ("out-" + name.replace(".gz", ""))
        assert clean(src, "-o", out) == 0, name
        assert capsys.readouterr().err.strip().splitlines() == [
            f"polyclean: warning: {src}: empty input (no text); nothing to clean"], name
        assert out.exists()
    proc = run_cli(["clean", "--no-translate", "-j", "1"], input="")
    assert proc.returncode == 0
    assert proc.stderr.strip() == "polyclean: warning: -: empty input (no text); nothing to clean"
    assert proc.stdout == ""


def test_invalid_utf8(tmp_path, capsys):
    latin = write(tmp_path / "latin.txt",
                  "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e is on the menu today.\n".encode("cp1252"))
    # Without --encoding, bytes that are not UTF-8 are decoded by detection, not dropped.
    assert clean(latin, "-o", tmp_path / "l.txt") == 0
    assert "Caf\u00e9 cr\u00e8me br\u00fbl\u00e9e" in (tmp_path / "l.txt").read_text("utf-8")
    # With --encoding utf-8 they are an error for that file; the others go on.
    good = write(tmp_path / "good.txt", GOOD)
    assert clean(latin, good, "-o", tmp_path / "o", "--encoding", "utf-8") == 1
    assert error_lines(capsys) == [
        f"polyclean: error: {latin}: invalid utf-8 bytes at offset 3 (e9): invalid continuation byte"]
    assert [p.name for p in (tmp_path / "o").iterdir()] == ["good.txt"]
    # In JSONL and CSV, the record with the bad bytes fails and the others are written.
    src = write(tmp_path / "d.jsonl", b'{"id": 1, "text": "caf\xe9"}\n' + jsonl([{"id": 2, "text": GOOD}]))
    assert clean(src, "-o", tmp_path / "d-out.jsonl") == 1
    assert error_lines(capsys) == [
        f"polyclean: error: {src}:line 1: undecodable bytes at offset 22 (not utf-8)"]
    assert [r["id"] for r in read_jsonl(tmp_path / "d-out.jsonl")] == [2]
    src = write(tmp_path / "d.csv", b"id,text\n1,caf\xe9\n2," + GOOD.encode())
    assert clean(src, "-o", tmp_path / "d-out.csv") == 1
    assert "row 1: undecodable bytes in field 2 (not utf-8)" in error_lines(capsys)[0]
    rows = list(csv.reader(io.StringIO((tmp_path / "d-out.csv").read_text("utf-8"))))
    assert rows == [["id", "text"], ["2", cleaned(GOOD)]]


def test_byte_order_marks_are_not_data(tmp_path, capsys):
    bom = b"\xef\xbb\xbf"
    src = write(tmp_path / "bom.jsonl", bom + jsonl([{"text": GOOD}]))
    assert clean(src, "-o", tmp_path / "o.jsonl") == 0
    assert read_jsonl(tmp_path / "o.jsonl") == [{"text": cleaned(GOOD)}]
    src = write(tmp_path / "bom.csv", bom + b"text,id\n" + GOOD.strip().encode() + b",1\n")
    assert clean(src, "-o", tmp_path / "o.csv") == 0
    assert (tmp_path / "o.csv").read_text("utf-8").splitlines()[0] == "text,id"


def test_truncated_gzip(tmp_path, capsys):
    records = [{"id": i, "text": f"Item {i}: the council met on Tuesday."} for i in range(300)]
    data = gzip.compress(jsonl(records))
    part = write(tmp_path / "in" / "part.jsonl.gz", data[: len(data) * 2 // 3])
    page = write(tmp_path / "in" / "page.txt.gz", gzip.compress(GOOD.encode() * 50)[:40])
    good = write(tmp_path / "in" / "good.txt", GOOD)
    out = tmp_path / "out"
    assert clean(part, page, good, "-o", out) == 1
    err = error_lines(capsys)
    assert len(err) == 2
    # The message says where the input broke; an output is put in place only when
    # complete, so a truncated input has none; the other inputs are whole.
    assert err[0].startswith(f"polyclean: error: {part}: cannot read after line ")
    assert err[0].endswith(": Compressed file ended before the end-of-stream marker was "
                           "reached; no output is written for this input")
    assert 0 < int(err[0].split("after line ")[1].split(":")[0]) < 300
    assert err[1] == (f"polyclean: error: {page}: cannot read: Compressed file ended before "
                      "the end-of-stream marker was reached")
    assert sorted(p.name for p in out.iterdir()) == ["good.txt"]
    assert (out / "good.txt").read_text("utf-8") == cleaned(GOOD) + "\n"
    assert [e["input"] for e in errors_file(out)] == [str(part), str(page)]
    assert no_work_files(out, tmp_path)
    # Not gzip at all, under a .gz name.
    fake = write(tmp_path / "fake.txt.gz", GOOD)
    assert clean(fake, "-o", tmp_path / "f.txt") == 1
    assert "Not a gzipped file" in error_lines(capsys)[0]


@pytest.mark.parametrize("cut", [2 / 3, 1 / 3])
def test_truncated_zstd_is_an_error_like_gzip(tmp_path, capsys, cut):
    # zstandard's own stream reader ends early without a word at a cut: the run said
    # "empty input" (or wrote the records before the cut) and exited 0
    zstandard = pytest.importorskip("zstandard")
    records = [{"id": i, "text": f"Item {i}: the council met on Tuesday."} for i in range(3000)]
    data = zstandard.ZstdCompressor().compress(jsonl(records))
    part = write(tmp_path / "in" / "part.jsonl.zst", data[: int(len(data) * cut)])
    out = tmp_path / "out.jsonl"
    assert clean(part, "-o", out) == 1
    err = error_lines(capsys)
    assert len(err) == 1 and "Compressed file ended before the end-of-stream marker" in err[0]
    assert not out.exists()
    # whole, and as two frames one after the other, every record is read
    two = zstandard.ZstdCompressor().compress(jsonl(records[:1000]))
    whole = write(tmp_path / "in" / "whole.jsonl.zst", two + data)
    assert clean(whole, "-o", out) == 0
    assert len(read_jsonl(out)) == 4000


def test_malformed_jsonl(tmp_path, capsys):
    src = write(tmp_path / "d.jsonl", b"".join([
        jsonl([{"id": 1, "text": GOOD}]), b'{"id": 2, "text": "unterminated\n', b"\n",
        b"[1, 2, 3]\n", b'{"id": 4, "text": 42}\n', b'{"id": 5}\n', b'{"id": 6, "text": null}\n',
        b"[" * 100_000 + b"\n", jsonl([{"id": 8, "text": OTHER, "x": "\ud800"}])]))
    out = tmp_path / "o.jsonl"
    assert clean(src, "-o", out) == 1
    err = error_lines(capsys)
    where = [l.split(": ")[2] for l in err]
    assert where == [f"{src}:line {n}" for n in (2, 4, 5, 6, 8)]  # line 3 is blank: skipped
    assert "invalid JSON" in err[0] and "not a JSON object but an array" in err[1]
    assert "field 'text' is int, not text" in err[2] and "no field 'text'" in err[3]
    assert "RecursionError" in err[4]
    # Good records are written in order; null text passes through; a lone surrogate in a
    # pass-through field is kept (escaped), not a reason to drop the record.
    assert read_jsonl(out) == [{"id": 1, "text": cleaned(GOOD)}, {"id": 6, "text": None},
                               {"id": 8, "text": cleaned(OTHER), "x": "\ud800"}]
    errors = errors_file(out)
    assert [e["line"] for e in errors] == [2, 4, 5, 6, 8]
    assert errors[0]["raw"] == '{"id": 2, "text": "unterminated'


def test_malformed_csv(tmp_path, capsys):
    src = write(tmp_path / "d.csv", f'id,text\n1,"{GOOD.strip()}"\n2,a,b\n3,"{OTHER.strip()}"\n'
                                    f'4,"never closed\n5,lost\n')
    out = tmp_path / "o.csv"
    assert clean(src, "-o", out) == 1
    err = error_lines(capsys)
    assert err == [f"polyclean: error: {src}:row 2: row has 3 fields, the header has 2",
                   f"polyclean: error: {src}:row 4: CSV syntax: unexpected end of data"]
    rows = list(csv.reader(io.StringIO(out.read_text("utf-8"))))
    assert rows == [["id", "text"], ["1", cleaned(GOOD)], ["3", cleaned(OTHER)]]
    # A file of blank lines has no header row: no records, an empty output.
    assert clean(write(tmp_path / "e.csv", b"\n\n"), "-o", tmp_path / "e-out.csv") == 0
    assert (tmp_path / "e-out.csv").read_bytes() == b""


def test_malformed_parquet(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table({"id": list(range(50)), "text": [GOOD] * 50}), buf)
    whole = buf.getvalue()
    src = tmp_path / "in"
    write(src / "cut.parquet", whole[: len(whole) // 2])
    write(src / "noise.parquet", os.urandom(2000))
    write(src / "ok.parquet", whole)
    out = tmp_path / "out"
    assert clean(src, "-o", out) == 1
    err = error_lines(capsys)
    assert [l.split(": ")[2] for l in err] == [str(src / "cut.parquet"), str(src / "noise.parquet")]
    assert all("not a readable Parquet file" in l for l in err)
    assert [p.name for p in out.iterdir()] == ["ok.parquet"]
    assert pq.read_table(out / "ok.parquet").column("text").to_pylist() == [cleaned(GOOD)] * 50
    assert no_work_files(out)


def test_wrong_text_field(tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "in"
    write(src / "a.jsonl", jsonl([{"text": GOOD}, {"text": OTHER}]))
    write(src / "b.csv", "id,text\n1,hello\n")
    pq.write_table(pa.table({"id": [1], "text": [GOOD]}), src / "c.parquet")
    write(src / "d.txt", GOOD)
    out = tmp_path / "out"
    assert clean(src, "-o", out, "--text-field", "body") == 1
    # The same mistake twice is one line, then its count (item 16 of issue 13).
    assert error_lines(capsys) == [
        f"polyclean: error: {src / 'a.jsonl'}:line 1: no field 'body'",
        f"polyclean: error: {src / 'b.csv'}: no column 'body' (columns: id, text)",
        f"polyclean: error: {src / 'c.parquet'}: no column 'body' (columns: id, text)",
        f"polyclean: error: {src / 'a.jsonl'}:line 1: no field 'body' (2 records in all; "
        f"every one is listed in {out}.errors.jsonl)"]
    # A text file has no fields: it is cleaned as usual.
    assert (out / "d.txt").read_text("utf-8") == cleaned(GOOD) + "\n"
    assert not (out / "b.csv").exists() and not (out / "c.parquet").exists()


def test_bad_encoding_name_is_a_usage_error(tmp_path, capsys):
    good = write(tmp_path / "good.txt", GOOD)
    for name, words in (("no-such-codec", "unknown encoding"), ("base64", "not a text encoding")):
        assert clean(good, "--encoding", name) == 2
        assert words in capsys.readouterr().err


# --- outputs ---------------------------------------------------------------------------------
def test_output_path_equal_to_an_input_path(tmp_path, capsys):
    src = write(tmp_path / "in" / "a.txt", GOOD)
    write(tmp_path / "in" / "b.jsonl", jsonl([{"text": GOOD}]))
    assert clean(src, "-o", src) == 2
    assert "would overwrite or sit inside input" in one_error_line(capsys.readouterr().err)
    assert clean(src, "-o", tmp_path / "x.txt", "--report", src) == 2
    assert clean(tmp_path / "in", "-o", tmp_path / "in" / "out") == 2
    assert "is inside the input folder" in capsys.readouterr().err
    assert src.read_text("utf-8") == GOOD  # untouched
    assert sorted(p.name for p in (tmp_path / "in").iterdir()) == ["a.txt", "b.jsonl"]


def test_unwritable_output(tmp_path, capsys):
    blocker = write(tmp_path / "blocker", b"a file, not a folder")
    good = write(tmp_path / "in" / "good.txt", GOOD)
    assert clean(good, "-o", blocker / "x.txt") == 1
    assert error_lines(capsys) == [
        f"polyclean: error: {blocker / 'x.txt'}: cannot write the output ({blocker} is not "
        "a folder); nothing was cleaned"]
    assert cli.main(["detect", str(good), "-o", str(blocker / "x.jsonl")]) == 1
    assert error_lines(capsys) == [
        f"polyclean: error: {blocker / 'x.jsonl'}: cannot write the output: {blocker} is not a folder"]
    # One output that cannot be written fails alone: the mirrored folder out/sub is
    # taken by a file, so in/sub/b.txt fails and the other input is written.
    write(tmp_path / "in" / "sub" / "b.txt", OTHER)
    out = tmp_path / "out"
    write(out / "sub", b"in the way")
    assert clean(tmp_path / "in", "-o", out) == 1
    err = error_lines(capsys)
    assert len(err) == 1
    assert err[0].startswith(f"polyclean: error: {tmp_path / 'in' / 'sub' / 'b.txt'}: cannot "
                             f"write the output {out / 'sub' / 'b.txt'}: ")
    assert err[0].endswith("; nothing was written for this input")
    assert (out / "good.txt").read_text("utf-8") == cleaned(GOOD) + "\n"
    assert len(errors_file(out)) == 1 and no_work_files(out, tmp_path)


def test_devices_as_outputs_are_written_not_replaced(tmp_path, capsys):
    good = write(tmp_path / "good.txt", GOOD)
    data = write(tmp_path / "d.jsonl", jsonl([{"text": GOOD}] * 3))
    assert clean(good, "-o", "/dev/null", "--report", "/dev/null", "--errors", "/dev/null") == 0
    assert clean(data, "-o", "/dev/null") == 0
    # /dev/full is a full disk: one line, exit 1, and the device is still a device.
    assert clean(data, "-o", "/dev/full") == 1
    assert error_lines(capsys) == [
        "polyclean: error: /dev/full: cannot write: no space left on device; stopped after "
        "3 records"]
    for dev in ("/dev/null", "/dev/full"):
        assert stat.S_ISCHR(os.stat(dev).st_mode), f"{dev} was replaced"
    assert not list(Path("/dev").glob(".*polyclean*"))



def test_the_summary_json_goes_into_a_device_and_its_failure_is_exit_1(tmp_path, capsys):
    # --summary-json was written to NAME.tmp and renamed over NAME: a FIFO, /dev/stdout
    # or /dev/full became a regular file (the reader got nothing), and a summary that
    # could not be written (/dev/full, a missing folder) still exited 0
    good = write(tmp_path / "good.txt", GOOD)
    full = tmp_path / "full.json"
    full.symlink_to("/dev/full")  # a link, so the bug replaces the link, not /dev/full
    assert clean(good, "-o", tmp_path / "a.txt", "--summary-json", full) == 1
    assert error_lines(capsys) == [
        f"polyclean: error: {full}: cannot write the summary file: no space left on device"]
    assert full.is_symlink() and stat.S_ISCHR(os.stat("/dev/full").st_mode)
    blocked = good / "s.json"  # under a file: it cannot be written
    assert clean(good, "-o", tmp_path / "b.txt", "--summary-json", blocked) == 1
    assert len(error_lines(capsys)) == 1
    # a folder not made yet is made, as --report's is (it failed at the end of the run:
    # test_trials16.py::test_side_files_into_a_folder_not_made_yet_are_written_as_the_report_is)
    missing = tmp_path / "no" / "s.json"
    assert clean(good, "-o", tmp_path / "b2.txt", "--summary-json", missing) == 0
    assert json.loads(missing.read_text())["records"] == 1
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    reader = subprocess.Popen(["cat", str(fifo)], stdout=subprocess.PIPE)
    assert clean(good, "-o", tmp_path / "c.txt", "--summary-json", fifo) == 0
    assert json.loads(reader.communicate(timeout=30)[0])["records"] == 1
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode) and not list(tmp_path.glob("*.tmp"))

def test_full_disk_on_stdout(tmp_path):
    good = write(tmp_path / "good.txt", GOOD)
    data = write(tmp_path / "d.jsonl", jsonl([{"text": GOOD}] * 3))
    for args in (["clean", good, "--no-translate"], ["clean", data, "--no-translate"],
                 ["detect", good]):
        with open("/dev/full", "wb") as full:
            proc = run_cli(args, stdout=full)
        assert proc.returncode == 1
        line = one_error_line(proc.stderr)
        assert line.startswith("polyclean: error: stdout: ")
        assert "no space left on device" in line


def _limit_file_size(limit: int):
    def apply():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_full_disk_file_size_limit_then_resume(tmp_path):
    """RLIMIT_FSIZE (``ulimit -f``) makes writes past the limit fail with EFBIG, as a
    full disk does with ENOSPC: the run stops with one line and continues with --resume."""
    records = [{"id": i, "text": f"Item {i}: the council met on Tuesday to discuss the budget."}
               for i in range(400)]
    src = write(tmp_path / "d.jsonl", jsonl(records))
    out = tmp_path / "o.jsonl"
    args = ["clean", src, "-o", out, "--no-translate", "-j", "1", "--batch-docs", "50"]
    proc = run_cli(args, preexec_fn=_limit_file_size(12_000))
    assert proc.returncode == 1
    line = one_error_line(proc.stderr)
    assert line.startswith(f"polyclean: error: {out}: cannot write: file too large; stopped "
                           "after ")
    assert line.endswith("make room, then run the same command with --resume to continue")
    assert not out.exists()  # nothing half-written is put in place
    proc = run_cli(args + ["--resume"])
    assert proc.returncode == 0, proc.stderr
    ref = tmp_path / "ref.jsonl"
    assert run_cli(["clean", src, "-o", ref, "--no-translate", "-j", "1"]).returncode == 0
    assert out.read_bytes() == ref.read_bytes()
    assert no_work_files(tmp_path)


def _private_tmpfs_works() -> str | None:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return "needs Linux with unshare(1)"
    try:
        probe = subprocess.run(["unshare", "-rm", "sh", "-c",
                                "mount -t tmpfs -o size=64k none /mnt && umount /mnt"],
                               capture_output=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"unshare failed: {exc}"
    if probe.returncode != 0:
        return ("mounting a tmpfs in a private user+mount namespace is not permitted here: "
                + probe.stderr.decode(errors="replace").strip())
    return None


def test_full_disk_tiny_tmpfs_then_resume(tmp_path):
    """A real ENOSPC: the output folder is a 64 KiB tmpfs in a private mount namespace
    (gone with the process).  The run stops at the first failed write; after the mount
    grows, --resume completes it and the result is what a run with room gives."""
    reason = _private_tmpfs_works()
    if reason:
        pytest.skip(reason)
    src = tmp_path / "crawl"
    for i in range(40):
        write(src / f"doc{i:02d}.txt", f"Item {i}: the council met on Tuesday. " * 60 + "\n")
    ref = tmp_path / "ref"
    assert run_cli(["clean", src, "-o", ref, "--no-translate", "-j", "1"]).returncode == 0
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    py = f"PYTHONPATH={ROOT} {sys.executable} -m polyclean clean {src} -o {mnt}/out " \
         "--no-translate -j 1 --batch-docs 5"
    script = (f"mount -t tmpfs -o size=64k none {mnt} || exit 99; {py}; echo rc=$? >&2; "
              f"mount -o remount,size=4m {mnt}; {py} --resume; echo rc=$? >&2; "
              f"cp -r {mnt}/out {tmp_path}/got; ls -A {mnt} >&2")
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], capture_output=True,
                          text=True, timeout=300)
    lines = proc.stderr.strip().splitlines()
    assert lines[0].startswith("polyclean: error: ")
    assert "no space left on device; stopped after " in lines[0]
    assert "--resume" in lines[0] and "Traceback" not in proc.stderr
    assert lines[1:3] == ["rc=1", "rc=0"], proc.stderr
    assert lines[3:] == ["out"]  # no journal, partial or errors file left on the mount
    got = tmp_path / "got"
    assert sorted(p.name for p in got.iterdir()) == sorted(p.name for p in ref.iterdir())
    for p in ref.iterdir():
        assert (got / p.name).read_bytes() == p.read_bytes()


# --- permissions (an unprivileged user) -------------------------------------------------------
def _unprivileged_prefix() -> tuple[list[str] | None, str]:
    if os.geteuid() != 0:
        return [], "not root: permissions apply to this user already"
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        return None, "running as root without setpriv(1): cannot drop privileges"
    prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
    probe = subprocess.run(prefix + [sys.executable, "-c", "import polyclean"], capture_output=True,
                           env={**os.environ, "PYTHONPATH": str(ROOT)})
    if probe.returncode != 0:
        return None, ("user nobody cannot run this checkout's Python: "
                      + probe.stderr.decode(errors="replace").strip()[-200:])
    return prefix, ""


def test_folder_and_file_without_permission(tmp_path):
    prefix, why = _unprivileged_prefix()
    if prefix is None:
        pytest.skip(why)
    base = Path(tempfile.mkdtemp(prefix="polyclean-perm-"))  # pytest's tmp_path is 0700
    try:
        os.chmod(base, 0o755)
        write(base / "in" / "good.txt", GOOD)
        write(base / "in" / "tree" / "a.txt", OTHER)
        write(base / "in" / "tree" / "locked" / "hidden.txt", GOOD)
        write(base / "in" / "closed" / "x.txt", GOOD)
        write(base / "in" / "secret.txt", GOOD)
        for p in base.rglob("*"):
            os.chmod(p, 0o755 if p.is_dir() else 0o644)
        os.chmod(base / "in" / "tree" / "locked", 0o000)
        os.chmod(base / "in" / "closed", 0o000)
        os.chmod(base / "in" / "secret.txt", 0o600)
        outs = base / "outs"
        outs.mkdir(mode=0o777)
        os.chmod(outs, 0o777)
        readonly = base / "readonly"
        readonly.mkdir()
        os.chmod(readonly, 0o555)
        env = {**os.environ, "PYTHONPATH": str(ROOT), "HOME": str(outs)}
        cmd = [sys.executable, "-m", "polyclean", "clean", "--no-translate", "-j", "1"]
        proc = subprocess.run(prefix + cmd + [base / "in" / "good.txt", base / "in" / "tree",
                                              base / "in" / "closed", base / "in" / "secret.txt",
                                              "-o", outs / "o"],
                              capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 1
        err = proc.stderr.strip().splitlines()
        assert sorted(err) == sorted([
            f"polyclean: error: {base / 'in' / 'tree' / 'locked'}: cannot read the folder: "
            "permission denied",
            f"polyclean: error: {base / 'in' / 'closed'}: cannot read the folder: "
            "permission denied",
            f"polyclean: error: {base / 'in' / 'secret.txt'}: permission denied"])
        assert sorted(str(p.relative_to(outs / "o")) for p in (outs / "o").rglob("*.txt")) == [
            "good.txt", "tree/a.txt"]
        # An output folder the user may not write in: one line, nothing cleaned.
        proc = subprocess.run(prefix + cmd + [base / "in" / "good.txt", "-o", readonly / "x.txt"],
                              capture_output=True, text=True, env=env, timeout=300)
        assert proc.returncode == 1
        assert one_error_line(proc.stderr) == (
            f"polyclean: error: {readonly / 'x.txt'}: cannot write the output ({readonly}: "
            "permission denied); nothing was cleaned")
    finally:
        for p in [base, *base.rglob("*")]:
            if p.is_dir() and not p.is_symlink():
                os.chmod(p, 0o755)
        shutil.rmtree(base, ignore_errors=True)


# --- .argosmodel files -----------------------------------------------------------------------------
def _set_sizes(z: Path, name: str, size: int) -> None:
    """Make the zip headers of member ``name`` declare ``size`` uncompressed bytes."""
    data = bytearray(z.read_bytes())
    nb = name.encode()
    for sig, name_len_at, name_at, size_at in ((b"PK\x03\x04", 26, 30, 22),
                                               (b"PK\x01\x02", 28, 46, 24)):
        i = data.find(sig)
        while i >= 0:
            n = struct.unpack_from("<H", data, i + name_len_at)[0]
            if data[i + name_at:i + name_at + n] == nb:
                struct.pack_into("<I", data, i + size_at, size)
            i = data.find(sig, i + 4)
    z.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def evil_packages(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    tmp = tmp_path_factory.mktemp("evil")
    pkg = build_package_dir(tmp / "src", RU_EN)
    top = pkg.name
    cases: dict[str, tuple[Path, str]] = {}
    cases["path traversal"] = (zip_folder(pkg, tmp / "dotdot.argosmodel",
                                          extra=[(f"{top}/../../evil.txt", b"owned")]),
                               "leaves the package folder ('..'); refused")
    cases["absolute path"] = (zip_folder(pkg, tmp / "abs.argosmodel",
                                         extra=[(str(tmp / "evil-abs.txt"), b"owned")]),
                              "has an absolute path; refused")
    z = zip_folder(pkg, tmp / "link.argosmodel")
    link = zipfile.ZipInfo(f"{top}/model/shared_vocabulary.txt.link")
    link.external_attr = 0o120777 << 16
    with zipfile.ZipFile(z, "a") as zf:
        zf.writestr(link, "/etc/passwd")
    cases["link"] = (z, "is a symbolic link; refused")
    # A zip bomb: two members that declare 3 GB each (more than the 4 GB bound in all).
    z = zip_folder(pkg, tmp / "bomb.argosmodel",
                   extra=[(f"{top}/a.bin", bytes(100_000)), (f"{top}/b.bin", bytes(100_000))])
    _set_sizes(z, f"{top}/a.bin", 3_000_000_000)
    _set_sizes(z, f"{top}/b.bin", 3_000_000_000)
    cases["zip bomb"] = (z, "unpacks to more than 4096 MB; refused")
    # A member that declares 1 KB but inflates to 10 MB.
    z = zip_folder(pkg, tmp / "liar.argosmodel", extra=[(f"{top}/a.bin", bytes(10_000_000))])
    _set_sizes(z, f"{top}/a.bin", 1000)
    cases["lying size"] = (z, "damaged archive")
    whole = zip_folder(pkg, tmp / "whole.argosmodel").read_bytes()
    cases["truncated"] = (write(tmp / "cut.argosmodel", whole[: len(whole) // 2]),
                          "not a zip archive")
    cases["not a zip"] = (write(tmp / "text.argosmodel", "hello"), "not a zip archive")
    # A member name flagged UTF-8 that is not (found by fuzzing: was a traceback).
    z = zip_folder(pkg, tmp / "name.argosmodel", extra=[(f"{top}/caf\u00e9.txt", b"x")])
    data = z.read_bytes().replace("caf\u00e9".encode(), b"caf\x80\xa9")  # both headers
    cases["undecodable name"] = (write(z, data), "unreadable zip archive")
    return cases


@pytest.mark.parametrize("case", ["path traversal", "absolute path", "link", "zip bomb",
                                  "lying size", "truncated", "not a zip", "undecodable name"])
def test_corrupt_or_malicious_argosmodel_is_refused(case, evil_packages, tmp_path, capsys):
    path, words = evil_packages[case]
    packages = tmp_path / "argos" / "packages"
    rc = cli.main(["models", "install", str(path), "--packages-dir", str(packages)])
    out, err = capsys.readouterr()
    assert rc == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("polyclean models: error: "), err
    assert words in lines[0]
    # Nothing lands: no package, no work folder, nothing beside or outside.
    assert not packages.exists() or list(packages.iterdir()) == []
    assert not packages.parent.exists() or [p.name for p in packages.parent.iterdir()] == [
        "packages"]
    assert not (path.parent.parent / "evil.txt").exists()
    assert not (path.parent / "evil-abs.txt").exists()
