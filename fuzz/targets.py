"""Fuzz targets: each ``target(data: bytes) -> None`` raises only when it finds a bug.

- ``formats``: the bytes become an input file of one format (text, JSONL, CSV, TSV,
  Parquet, gzip-compressed JSONL or text; the first byte picks it) and go through the
  whole batch run (:func:`polyclean.runner.run`: reader, batching, extract, render,
  sinks, errors file, journal) with the cleaning replaced by the identity, so the
  readers and writers are what is fuzzed.  Checked: the run never raises, leaves no
  hidden work files, and every input record is either in the output or in the errors
  file; JSONL/CSV outputs parse back with the same number of records.
- ``decode``: :func:`polyclean.decode.decode_bytes` with no codec or one of a few;
  only ``DecodeError`` may escape, the text is encodable and the result deterministic.
- ``clean_bytes`` / ``clean_text``: ``Cleaner(translate=False).clean`` on the bytes, or
  on text made from them (UTF-8 with replacement, UTF-16 with lone surrogates, mojibake
  through cp1252/cp1251/KOI8-R); only ``DecodeError`` may escape (bytes); the output
  has no control characters and the report replays it exactly.
- ``batch``: ``Cleaner.clean_batch`` on several documents cut from the bytes (str and
  bytes mixed): one result per document, deterministic across two calls.
- ``argosmodel``: the bytes as an ``.argosmodel`` file, validated and installed into a
  temporary packages folder: only ``ModelsError`` may escape and nothing may be written
  outside that folder.

``seeds(name)`` gives small valid inputs to start from (built here; nothing is stored).
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import shutil
import sys
import tempfile
import unicodedata
import zipfile
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from polyclean import Cleaner, Config, DecodeError  # noqa: E402
from polyclean import models as _models  # noqa: E402
from polyclean import workers as _workers  # noqa: E402
from polyclean.decode import decode_bytes  # noqa: E402
from polyclean.plan import make_plan  # noqa: E402
from polyclean.runner import RunOptions, run  # noqa: E402
from polyclean.pipeline import CleanResult  # noqa: E402
from polyclean.report import replay  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="polyclean-fuzz-"))
CLEANER = Cleaner(translate=False)
CLEANER_RAW = Cleaner(translate=False, boilerplate=False, normalize=False)

# --- helpers -------------------------------------------------------------------------
_INVISIBLE = set("\u200b\u200e\u200f\u202a\u202b\u202c\u202d\u202e\ufeff")


def _no_controls(s: str) -> bool:
    return not any((unicodedata.category(c) in ("Cc", "Cs") and c != "\n") or c in _INVISIBLE
                   for c in s)


def _fresh(name: str) -> Path:
    d = WORK / name
    if d.exists():
        shutil.rmtree(d)
    d.mkdir(parents=True)
    return d


# --- formats: the batch run with identity cleaning -------------------------------------
_FORMATS = [("text", "in.txt"), ("jsonl", "in.jsonl"), ("csv", "in.csv"), ("tsv", "in.tsv"),
            ("parquet", "in.parquet"), ("jsonl", "in.jsonl.gz"), ("text", "in.txt.gz"),
            ("csv", "in.csv.gz")]


def _identity_clean(config, texts, ids, stats):
    """Stands in for the cleaning: the text as the pipeline would hand it on (decoded,
    surrogates resolved), so only the readers, renderers and sinks are exercised."""
    out = []
    for t in texts:
        if isinstance(t, bytes):
            try:
                t = decode_bytes(t).text
            except DecodeError as exc:
                out.append(CleanResult("", error=str(exc)))
                continue
        t = t.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        out.append(CleanResult(t, record={"id": None, "changes": []}))
    stats["documents"] = stats.get("documents", 0) + len(out)
    return out


def _count_output(fmt: str, path: Path) -> int | None:
    if fmt == "text":
        return None  # one document, or none for an empty input
    if not path.stat().st_size:
        return 0
    if fmt == "jsonl":
        n = 0
        for line in path.read_bytes().splitlines():
            obj = json.loads(line.decode("utf-8"))  # valid UTF-8 JSON, one object a line
            assert isinstance(obj, dict), obj
            n += 1
        return n
    if fmt in ("csv", "tsv"):
        text = path.read_bytes().decode("utf-8")
        rows = ([line.split("\t") for line in text.split("\n")[:-1]] if fmt == "tsv" else
                list(csv.reader(io.StringIO(text, newline=""), strict=True)))
        assert rows, "no header row in the output"
        assert len({len(r) for r in rows}) == 1, "rows of different widths in the output"
        return len(rows) - 1
    import pyarrow.parquet as pq

    return pq.read_metadata(path).num_rows


def _good_jsonl(line: bytes, first: bool) -> bool:
    """Whether a JSONL line is a record polyclean must accept (its text field a string)."""
    if first and line.startswith(b"\xef\xbb\xbf"):
        line = line[3:]
    def no_constant(name):
        raise ValueError(name)

    try:
        obj = json.loads(line.decode("utf-8"), parse_constant=no_constant, strict=False)
    except (ValueError, RecursionError):  # UnicodeDecodeError included
        return False
    return isinstance(obj, dict) and isinstance(obj.get("text", 0), str)


def fuzz_formats(data: bytes) -> None:
    if not data:
        return
    fmt, name = _FORMATS[data[0] % len(_FORMATS)]
    flags = data[1] if len(data) > 1 else 0
    body = data[2:]
    d = _fresh("formats")
    src = d / name
    src.write_bytes(body)
    out = d / "out" / name.removesuffix(".gz")
    cfg = Config(translate=False, output_field="clean" if flags & 1 else None,
                 report_field="report" if flags & 2 else None, jobs=1,
                 batch_docs=1 + (flags >> 4), format=fmt, max_errors=0)
    opts = RunOptions(cfg, errors=d / "errors.jsonl", journal=d / "journal",
                      report=str(d / "report.jsonl") if flags & 4 else None)
    plan = make_plan([str(src)], str(out), cfg)
    saved = _workers.clean_isolated
    _workers.clean_isolated = _identity_clean
    stderr = sys.stderr
    sys.stderr = io.StringIO()
    try:
        summary = run(plan, opts)
    finally:
        _workers.clean_isolated = saved
        sys.stderr = stderr
    leftovers = [p.name for p in d.rglob(".*")]
    assert not leftovers, f"work files left behind: {leftovers}"
    errors = []
    if (d / "errors.jsonl").exists():
        errors = [json.loads(l) for l in (d / "errors.jsonl").read_text("utf-8").splitlines()]
    assert len(errors) == summary.errors, (len(errors), summary.errors)
    if name == "in.jsonl":  # a record may fail only when its line is really bad
        lines = body.split(b"\n")
        for e in errors:
            if "line" in e:
                bad = lines[e["line"] - 1]
                assert not _good_jsonl(bad, e["line"] == 1), f"good record refused: {e}"
    if out.exists():
        written = _count_output(fmt, out)
        assert written in (None, summary.records - summary.errors), (written, summary)
    else:  # the whole input failed: exactly one error says why
        assert summary.errors >= 1 and any("line" not in e and "row" not in e for e in errors)


# --- decode --------------------------------------------------------------------------
_CODECS = [None, None, None, "utf-8", "cp1251", "koi8-r", "utf-16", "latin-1", "gb2312",
           "utf-8-sig", "cp1252", "shift_jis"]


def fuzz_decode(data: bytes) -> None:
    codec = _CODECS[data[0] % len(_CODECS)] if data else None
    body = data[1:]
    try:
        dec = decode_bytes(body, codec)
    except DecodeError:
        return
    assert isinstance(dec.text, str)
    dec.text.encode("utf-8", "surrogatepass")
    again = decode_bytes(body, codec)
    assert (again.text, again.encoding) == (dec.text, dec.encoding), "not deterministic"


# --- the pipeline -------------------------------------------------------------------------
def _check_result(res) -> None:
    assert isinstance(res.text, str)
    assert _no_controls(res.text), ascii(res.text)
    assert replay(res.source, res.report) == res.text, "the report does not replay"


def fuzz_clean_bytes(data: bytes) -> None:
    try:
        res = CLEANER.clean(data)
    except DecodeError:
        return
    _check_result(res)


def _texts(data: bytes) -> list[str]:
    mode = data[0] % 5 if data else 0
    body = data[1:]
    if mode == 0:
        return [body.decode("utf-8", "replace")]
    if mode == 1:  # any code point, lone surrogates included
        return [body[: len(body) // 2 * 2].decode("utf-16-le", "surrogatepass")]
    text = body.decode("utf-8", "replace")
    codec = ("cp1252", "cp1251", "koi8-r")[mode - 2]  # mojibake of real text
    return [text, text.encode("utf-8").decode(codec, "replace")]


def fuzz_clean_text(data: bytes) -> None:
    for text in _texts(data):
        res = CLEANER.clean(text)
        _check_result(res)
        raw = CLEANER_RAW.clean(text)
        assert replay(raw.source, raw.report) == raw.text


def fuzz_batch(data: bytes) -> None:
    parts = data.split(b"\x00\x00")[:8]
    docs = [p if i % 2 else p.decode("utf-8", "replace") for i, p in enumerate(parts)]
    one = Cleaner(translate=False).clean_batch(docs)
    two = Cleaner(translate=False).clean_batch(docs)
    assert len(one) == len(docs)
    assert [r.text for r in one] == [r.text for r in two], "batch not deterministic"
    for r in one:
        if r.ok:
            _check_result(r)
        else:
            assert r.error and r.text == ""


# --- .argosmodel ---------------------------------------------------------------------------
def fuzz_argosmodel(data: bytes) -> None:
    d = _fresh("argos")
    z = d / "pkg.argosmodel"
    z.write_bytes(data)
    root = d / "area" / "packages"
    root.mkdir(parents=True)
    (d / "area" / "sentinel").write_text("x")
    try:
        _models.install_file(z, root, max_size=1 << 20)
    except _models.ModelsError:
        pass
    inside = {p for p in (d / "area").rglob("*")}
    for p in d.rglob("*"):
        if p not in inside and p != z and p != d / "area":
            raise AssertionError(f"written outside the packages folder: {p}")
    for p in (d / "area").rglob("*"):
        assert not p.is_symlink(), f"a link was installed: {p}"
    assert (d / "area" / "sentinel").read_text() == "x"


TARGETS: dict[str, Callable[[bytes], None]] = {
    "formats": fuzz_formats, "decode": fuzz_decode, "clean_bytes": fuzz_clean_bytes,
    "clean_text": fuzz_clean_text, "batch": fuzz_batch, "argosmodel": fuzz_argosmodel,
}


# --- seeds -----------------------------------------------------------------------------------
_DOC = ("Itâ€™s a test \u2014 the council met on Tuesday.\nSubscribe\n"
        "Заголовок открываемого материала\n\u0420\u045f\u0421\u0402\u0420\u0451\u0420\u0406\n")


def _parquet_bytes() -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    buf = io.BytesIO()
    pq.write_table(pa.table({"id": [1, 2, 3], "text": ["Hello there.", None, _DOC]}), buf)
    return buf.getvalue()


def _tiny_zip() -> bytes:
    buf = io.BytesIO()
    meta = {"from_code": "ru", "to_code": "en", "package_version": "1.0", "type": "translate"}
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("translate-ru_en-1_0/metadata.json", json.dumps(meta))
        zf.writestr("translate-ru_en-1_0/model/model.bin", b"\0" * 64)
        zf.writestr("translate-ru_en-1_0/model/config.json", "{}")
        zf.writestr("translate-ru_en-1_0/model/shared_vocabulary.txt", "<unk>\n<s>\n</s>\n")
        zf.writestr("translate-ru_en-1_0/sentencepiece.model", b"\0" * 16)
        zf.writestr("translate-ru_en-1_0/../evil.txt", b"x")
    return buf.getvalue()


def seeds(name: str) -> list[bytes]:
    """Small valid (and slightly broken) inputs for ``name``."""
    jsonl = (json.dumps({"id": 1, "text": _DOC}, ensure_ascii=False) + "\n"
             + '{"id": 2, "text": null}\n{"id": 3, "text": "caf\\u00c3\\u00a9 \\ud83d"}\n'
             + '{"id": 4, "x": "\\udc80", "text": "t"}\n'
             + '{"bad\n[1, 2]\n\n').encode("utf-8")
    csv_ = ('id,text\n1,"' + _DOC.replace('"', '""') + '"\n2,plain\n3,"a,b"\n').encode()
    tsv = b"text\tid\nHello there.\t1\nline\t2\n"
    cp1251 = _DOC.encode("cp1251", "replace")
    if name == "formats":
        return [bytes([0, 0]) + _DOC.encode(), bytes([0, 0]) + cp1251,
                bytes([1, 0x16]) + jsonl, bytes([1, 3]) + b"\xef\xbb\xbf" + jsonl,
                bytes([2, 0x21]) + csv_, bytes([3, 6]) + tsv,
                bytes([4, 3]) + _parquet_bytes(), bytes([5, 0]) + gzip.compress(jsonl),
                bytes([6, 0]) + gzip.compress(_DOC.encode())[:-9],
                bytes([7, 0]) + gzip.compress(csv_)]
    if name == "decode":
        return [bytes([0]) + _DOC.encode(), bytes([0]) + cp1251,
                bytes([0]) + _DOC.encode("koi8-r", "replace"),
                bytes([6]) + _DOC.encode("utf-16"), bytes([0]) + b"\x89PNG\r\n\x1a\n\0\0"]
    if name in ("clean_bytes", "batch"):
        return [_DOC.encode(), cp1251, _DOC.encode("utf-16"),
                _DOC.encode() + b"\x00\x00" + cp1251 + b"\x00\x00Subscribe\n"]
    if name == "clean_text":
        # + a finding of `clean_bytes` (atheris): two repair passes recorded as
        # overlapping changes, so the report did not replay.
        return [bytes([k]) + _DOC.encode() for k in range(5)] + [
            b"\0" + "\u00c3\u00a2\u00e2\u201a\u00ac\u0160\u0160MMMMMM\u0160\u0160\u00d1\u2018"
                     "\u00d0\u00d0".encode()]
    if name == "argosmodel":
        return [_tiny_zip()]
    raise KeyError(name)
