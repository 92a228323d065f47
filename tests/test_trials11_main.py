"""Side files (report, errors, summary, journal, detect output, the run report's page)
under a path whose folder is a file: the message names that file."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest


def polyclean(*args, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("option,what", [("--report", "report file"),
                                         ("--errors", "errors file"),
                                         ("--summary-json", "summary file"),
                                         ("--html-report", "run report file")])
def test_a_side_file_under_a_file_names_the_file(tmp_path, option, what):
    """``--report a.txt/r.jsonl`` (a.txt an input file) said "cannot write the report
    file: file exists", naming no file that exists; it names the file in the way."""
    (tmp_path / "a.txt").write_text("The minister said on Monday that talks would go on.\n")
    res = polyclean("clean", "a.txt", "-o", "out.txt", option, "a.txt/x/side.json",
                    "--no-translate", cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines()[-1] == (
        f"polyclean: error: a.txt/x/side.json: cannot write the {what}: a.txt is not a folder")
    assert (tmp_path / "a.txt").read_text().startswith("The minister")  # untouched
    # said before cleaning (the summary and the run report are written at the end)
    assert not (tmp_path / "out.txt").exists()


def test_detect_and_report_pages_under_a_file_name_the_file(tmp_path):
    (tmp_path / "a.txt").write_text("The minister said on Monday that talks would go on.\n")
    res = polyclean("detect", "a.txt", "-o", "a.txt/d.jsonl", cwd=tmp_path)
    assert res.returncode == 1 and "a.txt/d.jsonl: cannot write the output: a.txt is not a " \
        "folder" in res.stderr
    assert polyclean("clean", "a.txt", "-o", "o.txt", "--report", "r.jsonl", "--no-translate",
                     cwd=tmp_path).returncode == 0
    res = polyclean("report", "r.jsonl", "-o", "a.txt/page.html", cwd=tmp_path)
    assert res.returncode == 1
    assert "a.txt/page.html: cannot write the page: a.txt is not a folder" in res.stderr


def test_explain_keeps_its_columns_with_wide_characters(tmp_path):
    """``polyclean explain`` of Japanese or Korean text counted each character as one
    terminal cell: the divider of the two columns drifted right on every line holding
    them. Wide characters take two cells now, so the divider stays in one column."""
    from polyclean.runreport.docview import cells

    (tmp_path / "cjk.txt").write_text(
        "日本語の文章はここにあります。これはテストです。東京は日本の首都です。\n"
        "The minister said on Monday that talks would go on. 한국어 문장입니다 여기에.\n",
        "utf-8")
    res = subprocess.run([sys.executable, "-m", "polyclean", "explain", "cjk.txt",
                          "--no-translate", "--width", "60", "--color", "never"],
                         cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    view = [ln for ln in res.stdout.splitlines() if " │ " in ln]
    assert len(view) >= 5 and any("日本" in ln for ln in view)
    assert len({cells(ln.split(" │ ")[0]) for ln in view}) == 1
    assert all(cells(ln.split(" │ ")[0]) <= 29 for ln in view)


_ARRAY = ('[\n  {"id": 7, "score": 1E5,\n   "text": "The minister said on Monday that talks '
          'would go on."},\n  {"id": 8, "text": "â€œWe will see,â€\x9d he said on Monday '
          'evening after the talks."}\n]\n')


def test_a_json_array_is_records(tmp_path):
    """``polyclean clean export.json -o out/`` on a JSON array of records cleaned the file
    as text: its "[", "{" and "}," lines went as boilerplate and quotes were normalised
    inside its strings, writing broken JSON under the input's name.  Each item is a
    record now, written as a JSONL line (``out/export.jsonl``), other values as they came."""
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "export.json").write_text(_ARRAY, "utf-8")
    res = polyclean("clean", "in", "-o", "out/", "--report", "r.jsonl", "--no-translate",
                    cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert not (tmp_path / "out" / "export.json").exists()
    lines = (tmp_path / "out" / "export.jsonl").read_text("utf-8").splitlines()
    recs = [json.loads(ln) for ln in lines]
    assert [r["id"] for r in recs] == [7, 8]
    assert '"score": 1E5' in lines[0]  # the source text of other values is kept
    assert recs[1]["text"] == '"We will see," he said on Monday evening after the talks.'
    ids = [json.loads(ln)["id"] for ln in (tmp_path / "r.jsonl").read_text().splitlines()]
    assert ids == ["in/export.json:item 1", "in/export.json:item 2"]


def test_a_single_json_object_and_json_lines_named_json(tmp_path):
    (tmp_path / "one.json").write_text(
        '{\n  "text": "The minister said on Monday that talks would go on.",\n  "n": 1.50\n}\n')
    (tmp_path / "lines.json").write_text('{"text": "The minister said on Monday."}\n'
                                         '{"text": "Talks went on for hours."}\n')
    res = polyclean("clean", "one.json", "lines.json", "-o", "all.jsonl", "--no-translate",
                    cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    recs = [json.loads(ln) for ln in (tmp_path / "all.jsonl").read_text().splitlines()]
    assert [r["text"] for r in recs] == ["The minister said on Monday that talks would go on.",
                                         "The minister said on Monday.",
                                         "Talks went on for hours."]
    assert recs[0]["n"] == 1.5


def test_a_damaged_json_array_fails_before_anything_is_cleaned(tmp_path):
    (tmp_path / "bad.json").write_text('[{"text": "The minister said on Monday."}, '
                                       '{"text": "x"} {"text": "y"}]')
    res = polyclean("clean", "bad.json", "-o", "out.jsonl", cwd=tmp_path)
    assert res.returncode == 1
    assert res.stderr.strip().splitlines()[-1] == (
        "polyclean: error: bad.json: cannot read: not a JSON array of records: item 2: "
        "expected ',' or the closing ']' after it; check the file, or give it as JSON Lines "
        "(one object a line)")
    assert not (tmp_path / "out.jsonl").exists()


def test_undecodable_bytes_in_a_json_item_name_the_codec(tmp_path):
    """An item holding bytes that are not UTF-8 said "undecodable bytes (not None)"."""
    (tmp_path / "b.json").write_bytes(b'[{"text": "caf\xe9 au lait, the minister said."}]')
    res = polyclean("clean", "b.json", "-o", "b.jsonl", cwd=tmp_path)
    assert res.returncode == 1
    assert "b.json:item 1: undecodable bytes (not utf-8)" in res.stderr


def test_documents_that_are_not_text_are_refused(tmp_path):
    """A PDF whose streams are short, and a .docx that stores its XML unpacked, read as
    text (the PDF as KOI8-R): ``polyclean clean report.pdf`` printed garbage and exited
    0. Their first bytes say what they are; they are refused, the other inputs cleaned."""
    import zipfile
    import zlib

    body = zlib.compress(b"BT (The minister said on Monday that talks would go on.) Tj ET" * 20)
    (tmp_path / "report.pdf").write_bytes(
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Length " + str(len(body)).encode()
        + b" /Filter /FlateDecode >>\nstream\n" + body + b"\nendstream\nendobj\n%%EOF\n")
    with zipfile.ZipFile(tmp_path / "memo.docx", "w", zipfile.ZIP_STORED) as z:
        z.writestr("word/document.xml", "<w:p><w:t>The minister said on Monday.</w:t></w:p>" * 40)
    (tmp_path / "note.txt").write_text("The minister said on Monday that talks would go on.\n")
    res = polyclean("clean", "report.pdf", "memo.docx", "note.txt", "-o", "out/",
                    "--no-translate", cwd=tmp_path)
    assert res.returncode == 1
    err = res.stderr
    assert "report.pdf: binary data, not text: a PDF document (by its first bytes); extract " \
        "its text first" in err
    assert "memo.docx: binary data, not text: a ZIP archive (Office, EPUB, ...)" in err
    assert not (tmp_path / "out" / "report.pdf").exists()
    assert (tmp_path / "out" / "note.txt").read_text().startswith("The minister said")


def test_decomposed_text_is_detected_as_its_composed_form():
    """Text in NFD (letters and accents apart, as macOS writes file names and some pages
    are served) was detected before the normaliser composed it: "Deberías cuidarte más."
    read as Hungarian, "Цей схожий на того." as Russian, so translation would have
    taken the wrong package.  The letters are composed at the decode step, before
    detection (a "decode: NFC" change), when normalisation is on."""
    import unicodedata

    from polyclean import Cleaner, Config

    cleaner = Cleaner(Config(translate=False))
    for s in ("Deberías cuidarte más.", "Цей схожий на того.", "Dime dónde vives.",
              "The meeting was fine. Dime dónde vives, por favor amigo mío. We left early."):
        nfc = cleaner.clean(s)
        nfd = cleaner.clean(unicodedata.normalize("NFD", s))
        assert nfd.text == nfc.text
        assert nfd.report["lang"] == nfc.report["lang"]
        assert nfd.report["fragments"] == nfc.report["fragments"]
        assert [(c["step"], c["reason"]) for c in nfd.report["changes"]] == [("decode", "NFC")]
    # without normalisation the text stays as it came
    raw = unicodedata.normalize("NFD", "Dime dónde vives.")
    assert Cleaner(Config(translate=False, normalize=False)).clean(raw).text == raw


_PAGE = ("<!DOCTYPE html><html><head><title>T</title></head><body><nav>Home | News</nav>"
         "<article><p>The minister said on Monday that talks would go on for several more "
         "weeks, officials said.</p></article></body></html>\n")


def test_an_html_page_piped_or_named_txt_is_pointed_at_format_html(tmp_path):
    """``curl … | polyclean clean -`` (or a page saved as .txt) was cleaned as plain
    text, tags and all, without a word.  It still is (the name, or stdin, says text),
    but a warning says so and what to give; ``--format html`` cleans its text."""
    (tmp_path / "page.txt").write_text(_PAGE)
    hint = ("an HTML page read as plain text (its name does not say HTML), so its tags stay "
            "in the output; give --format html to clean its text")
    res = polyclean("clean", "page.txt", "--no-translate", cwd=tmp_path)
    assert res.returncode == 0 and f"warning: page.txt: {hint}" in res.stderr
    assert "The minister said on Monday" in res.stdout  # cleaned as before, tags and all
    res = polyclean("clean", "page.txt", "-o", "out/", "--no-translate", cwd=tmp_path)
    assert "The minister said on Monday" in (tmp_path / "out" / "page.txt").read_text()
    res = subprocess.run([sys.executable, "-m", "polyclean", "clean", "-", "--no-translate"],
                         input=_PAGE, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and f"warning: -: {hint}" in res.stderr
    res = subprocess.run([sys.executable, "-m", "polyclean", "clean", "-", "--format", "html",
                          "--no-translate"], input=_PAGE, cwd=tmp_path, capture_output=True,
                         text=True, timeout=120)
    assert "The minister said on Monday" in res.stdout and "<" not in res.stdout
    assert "warning" not in res.stderr
    # said as text on purpose, or text about HTML: no warning
    res = polyclean("clean", "page.txt", "--format", "text", "--no-translate", cwd=tmp_path)
    assert "warning" not in res.stderr
    (tmp_path / "note.txt").write_text("<html> is the root element of a page; the minister "
                                       "said so on Monday.\n")
    assert "warning" not in polyclean("clean", "note.txt", "--no-translate", cwd=tmp_path).stderr


def test_hidden_files_of_a_folder_are_skipped_with_a_warning(tmp_path):
    """A Spark job's Parquet folder holds a hidden ``.crc`` file beside each part:
    ``polyclean clean out.parquet/ -o clean/`` read them as inputs (binary data: errors,
    exit 1), and a ``.git`` folder inside an input folder was read file by file.  Hidden
    files and folders are skipped with a warning (exit 0); ``--glob '.*'`` or the name
    takes them."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    src = tmp_path / "job.parquet"
    (src / ".git" / "objects").mkdir(parents=True)
    (src / ".git" / "objects" / "ab").write_bytes(b"x\x00\x01")
    pq.write_table(pa.table({"id": [1], "text": ["The minister said on Monday that talks "
                                                 "would go on."]}),
                   src / "part-00000.snappy.parquet")
    (src / ".part-00000.snappy.parquet.crc").write_bytes(b"crc\x00\x01\x02")
    res = polyclean("clean", "job.parquet", "-o", "clean/", "--no-translate", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert ("job.parquet/.part-00000.snappy.parquet.crc: a hidden file (its name starts with "
            "'.'), not read; skipped (give it by name, or --glob '.*', to clean it)") in res.stderr
    assert "job.parquet/.git: a hidden folder" in res.stderr
    assert "objects" not in res.stderr
    assert sorted(p.name for p in (tmp_path / "clean").rglob("*") if p.is_file()) == [
        "part-00000.snappy.parquet"]
