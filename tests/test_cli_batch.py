"""``polyclean clean`` on text files, folders and stdin: the behaviour users script against
(stdin/stdout, mirrored folders, ``==> name <==`` headers, one-line errors, exit codes)."""

import io
import json
import re
import os
import subprocess
import sys
from pathlib import Path

import pytest

from polyclean import Cleaner, cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = {
    "a.txt": "Caf\u00e9 \u201cnoir\u201d \u2014 the best\u2026\n",
    "sub/b.txt": "The council met on Tuesday.\n\n\nSeveral members   asked for more money.\n",
    "sub/deeper/c.md": "He said \u201chi\u201d, then left\u2026",
}


def cleaned(text):
    return Cleaner(translate=False).clean(text).text + "\n"


def make_folder(root: Path) -> Path:
    for rel, text in DOCS.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, "utf-8")
    return root


def clean(*args):
    return cli.main(["clean", *map(str, args), "--no-translate"])


def set_stdin(monkeypatch, data: bytes):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_no_input_or_dash_reads_stdin_and_writes_stdout(monkeypatch, capsys):
    for args in ([], ["-"]):
        set_stdin(monkeypatch, DOCS["a.txt"].encode("utf-8"))
        assert clean(*args) == 0
        assert capsys.readouterr().out == cleaned(DOCS["a.txt"])


def test_folder_input_writes_a_mirrored_folder(tmp_path):
    src = make_folder(tmp_path / "crawl")
    out = tmp_path / "clean"
    assert clean(src, "-o", out) == 0
    for rel, text in DOCS.items():
        assert (out / rel).read_text("utf-8") == cleaned(text)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean", "crawl"]  # nothing else


def test_single_file_to_file_and_report_to_stderr(tmp_path, capsys):
    src = tmp_path / "page.txt"
    src.write_text(DOCS["a.txt"], "utf-8")
    out = tmp_path / "page.clean.txt"
    assert clean(src, "-o", out, "--report", "-") == 0
    assert out.read_text("utf-8") == cleaned(DOCS["a.txt"])
    report = json.loads(capsys.readouterr().err.splitlines()[0])
    assert report["id"] == str(src) and report["changes"]


def test_several_inputs_to_stdout_get_headers(tmp_path, capsys):
    src = make_folder(tmp_path / "crawl")
    files = [src / rel for rel in DOCS]
    assert clean(*files, "-o", "-") == 0
    expected = "".join(f"==> {f} <==\n{cleaned(DOCS[rel])}" for f, rel in zip(files, DOCS))
    assert capsys.readouterr().out == expected


def test_make_demo_command_prints_every_sample_and_a_summary(tmp_path):
    # The command `make demo` runs, on a machine with no translation package installed.
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(tmp_path / "packages"),
           "XDG_CACHE_HOME": str(tmp_path / "cache")}
    proc = subprocess.run(
        [sys.executable, "-m", "polyclean", "clean", "samples/", "-o", "-", "--summary"],
        cwd=ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    samples = sorted(p for p in (ROOT / "samples").rglob("*") if p.is_file())
    headers = [l for l in proc.stdout.splitlines() if l.startswith("==> ")]
    assert headers == [f"==> samples/{p.relative_to(ROOT / 'samples')} <==" for p in samples]
    out = proc.stdout
    assert "\u00e2\u20ac" not in out and "\u00c2\u00f1\u00e5" not in out  # mojibake repaired
    assert "\u0412\u0441\u0435 \u044d\u0442\u043e \u0442\u043e\u043b\u044c\u043a\u043e" in out  # cp1251 shown as cp1252, repaired
    assert "\u0412\u0430\u043a\u0446\u0438\u043d\u0443 Pfizer" in out  # the cp1251 file decoded
    assert "\nSubscribe\n" not in out and "log in or register" not in out  # boilerplate gone
    assert "Liz Truss was declared the next British PM" in out  # body kept
    summary, hint = proc.stderr.strip().splitlines()[-2:]
    assert summary.startswith(f"polyclean: {len(samples)} documents, 0 failed, ")
    for part in ("bytes in", "bytes out", "translated",
                 "left untranslated", "boilerplate lines removed", "docs/s"):
        assert part in summary
    # every fragment not in English is left (no package): the two counts agree
    m = re.search(r"(\d+) fragments not in the target language \((\d+) foreign to their "
                  r"document\), 0 translated, (\d+) left untranslated", summary)
    assert m and int(m[1]) == int(m[3]) > 0 and int(m[2]) <= int(m[1]), summary
    assert f"{m[3]} fragments left untranslated" in hint
    assert "polyclean models install" in hint


def test_bad_inputs_are_reported_and_the_others_written(tmp_path, capsys):
    src = tmp_path / "in"
    src.mkdir()
    (src / "good.txt").write_text(DOCS["a.txt"], "utf-8")
    (src / "empty.txt").write_bytes(b"")
    (src / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (src / "latin.txt").write_bytes("caf\u00e9 cr\u00e8me".encode("latin-1"))
    out = tmp_path / "out"
    rc = clean(src / "good.txt", src / "empty.txt", src / "image.png", src / "latin.txt",
               tmp_path / "missing.txt", "-o", out, "--encoding", "utf-8")
    assert rc == 1
    err = capsys.readouterr().err.splitlines()
    bad = ["image.png", "latin.txt"]
    assert [l.split(": ")[2] for l in err] == [str(src / n) for n in ["empty.txt"] + bad] + [
        str(tmp_path / "missing.txt")]
    assert err[0].startswith("polyclean: warning: ") and "empty input" in err[0]
    assert all(l.startswith("polyclean: error: ") for l in err[1:])
    assert "no such file" in err[3]
    # Outputs mirror the inputs' paths below their common parent (tmp_path here, as
    # missing.txt sits there); an empty input has an empty output.
    assert sorted(p.name for p in (out / "in").iterdir()) == ["empty.txt", "good.txt"]
    assert (out / "in" / "good.txt").read_text("utf-8") == cleaned(DOCS["a.txt"])
    assert (out / "in" / "empty.txt").read_bytes() == b""
    errors = [json.loads(l) for l in (tmp_path / "out.errors.jsonl").read_text().splitlines()]
    assert [Path(e["input"]).name for e in errors] == bad + ["missing.txt"]
    assert {e["status"] for e in errors} == {"error"}
    # The same Latin-1 file is fine with the right --encoding.
    assert clean(src / "latin.txt", "-o", tmp_path / "l.txt", "--encoding", "latin-1") == 0
    assert (tmp_path / "l.txt").read_text("utf-8") == "caf\u00e9 cr\u00e8me\n"
    assert not (tmp_path / "l.txt.errors.jsonl").exists()


def test_errors_path_and_on_error_fail(tmp_path, capsys):
    src = tmp_path / "d.jsonl"
    src.write_text('{"text": "one"}\n{"text": 2}\n{"bad\n{"text": "four"}\n', "utf-8")
    errs = tmp_path / "bad-records.jsonl"
    assert clean(src, "-o", tmp_path / "o.jsonl", "--errors", errs) == 1
    assert [json.loads(l)["line"] for l in errs.read_text().splitlines()] == [2, 3]
    assert not (tmp_path / "o.jsonl.errors.jsonl").exists()
    capsys.readouterr()
    out = tmp_path / "f.jsonl"
    assert clean(src, "-o", out, "--on-error", "fail") == 1
    # stopped at line 2: what came before it is put in place (test_trials18.py)
    assert out.read_text("utf-8") == '{"text": "one"}\n'
    assert [json.loads(l)["line"] for l in
            (tmp_path / "f.jsonl.errors.jsonl").read_text().splitlines()] == [2]
    assert capsys.readouterr().err.count("polyclean: error:") == 2  # the record, the stop
    assert not list(tmp_path.glob(".*polyclean*"))


def test_usage_errors_exit_2(tmp_path, capsys):
    src = make_folder(tmp_path / "crawl")
    a = src / "a.txt"
    assert clean(a, "-o", a) == 2
    assert "would overwrite" in capsys.readouterr().err
    assert clean(src, "-o", src / "sub" / "out") == 2
    assert clean(a, "-o", tmp_path / "x.txt", "--errors", a) == 2
    assert clean(a, "--resume") == 2
    assert "--resume needs an output" in capsys.readouterr().err
    assert a.read_text("utf-8") == DOCS["a.txt"]  # inputs untouched
    for bad in (["--jobs", "0"], ["--batch-docs", "x"], ["--on-error", "maybe"],
                ["--format", "xml"]):
        with pytest.raises(SystemExit) as exc:
            clean(a, *bad)
        assert exc.value.code == 2


def test_summary_and_quiet(tmp_path, capsys):
    src = make_folder(tmp_path / "crawl")
    assert clean(src, "-o", tmp_path / "o1", "--summary") == 0
    line = capsys.readouterr().err.strip()
    assert line.startswith(f"polyclean: {len(DOCS)} documents, 0 failed, ")
    in_bytes = sum(len(t.encode()) for t in DOCS.values())
    assert f"{in_bytes:,} bytes in" in line
    assert clean(src, "-o", tmp_path / "o2", "--summary", "--quiet") == 0
    assert capsys.readouterr().err == ""


def _run_on_a_terminal(args, cwd):
    """Run polyclean with stderr on a pseudo-terminal; return what the terminal got."""
    import os
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "polyclean", "clean", *map(str, args)],
                            cwd=ROOT, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=slave)
    os.close(slave)
    chunks = []
    while True:
        try:
            data = os.read(master, 4096)
        except OSError:  # EIO: the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=120)
    os.close(master)
    return proc.returncode, b"".join(chunks).decode("utf-8", "replace")


def test_progress_bar_and_summary_on_a_terminal_only(tmp_path):
    src = tmp_path / "d.jsonl"
    # enough documents for the bar's first refresh (0.25 s) at any speed of cleaning
    src.write_text("".join(json.dumps({"text": f"Line {i}: the council met on Tuesday."}) + "\n"
                           for i in range(3000)), "utf-8")
    rc, term = _run_on_a_terminal([src, "-o", tmp_path / "o.jsonl", "--no-translate",
                                   "--batch-docs", "20", "-j", "1"], tmp_path)
    assert rc == 0
    assert "\rpolyclean: " in term and "docs/s" in term and "MB/s" in term and "ETA" in term
    assert "polyclean: 3,000 documents, 0 failed" in term  # the summary comes without --summary
    assert "d.jsonl" in term  # the line names the input being written
    assert "translating" not in term
    rc, term = _run_on_a_terminal([src, "-o", tmp_path / "o3.jsonl", "--no-translate",
                                   "--batch-docs", "200", "-j", "2"], tmp_path)
    assert rc == 0 and "polyclean: 3,000 documents" in term  # the board shared with workers
    rc, term = _run_on_a_terminal([src, "-o", tmp_path / "o2.jsonl", "--no-translate", "-q"],
                                  tmp_path)
    assert rc == 0 and term == ""
