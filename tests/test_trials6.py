"""Trials of a demanding new user (trials6): translation as a user meets it, the models
command, the translation cache, and the run's end-of-run messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argos_tiny import RU_EN, argos_env, build_package, tiny_zips  # noqa: F401
from polyclean import Cleaner, Config, cli, models
from polyclean.cache import close_all
from polyclean.report import replay


@pytest.fixture
def ru_en(argos_env, tiny_zips):
    models.install_file(tiny_zips["ru-en"])
    return argos_env


def test_a_url_whose_path_reads_as_another_language_is_not_translated(ru_en):
    # Detection cuts at the change of script, so the Cyrillic end of the URL is a
    # Russian fragment of its own; it went to the model and came back 'wiki/Cat'.
    text = ("The article about the animal is at https://ru.wikipedia.org/wiki/Кошка and it "
            "is long. Our page https://example.org/кошка?id=1 любит молоко says so.\n")
    res = Cleaner(Config(use_cache=False)).clean(text)
    assert "https://ru.wikipedia.org/wiki/Кошка and" in res.text
    assert "https://example.org/кошка?id=1 loves milk" in res.text
    assert replay(res.source, res.report) == res.text
    # --no-protect sends everything to the model, as it says
    res = Cleaner(Config(use_cache=False, protect_spans=False)).clean(text)
    assert "wiki/Cat" in res.text


def test_refused_translations_are_not_reported_as_a_missing_package(ru_en, tmp_path, capsys):
    # The model's output for an all-caps line is refused (unknown tokens): the package is
    # installed, yet the run ended with '1 fragment left untranslated (language unknown):
    # no installed translation package; ... polyclean models install LANG'.
    src = tmp_path / "caps.txt"
    src.write_text("The pets of this house eat well every day of the week.\n"
                   "КОШКА ЛЮБИТ МОЛОКО И СОБАКА ЕСТ МЯСО.\n", encoding="utf-8")
    rc = cli.main(["clean", str(src), "--no-cache", "--summary-json", str(tmp_path / "s.json")])
    out, err = capsys.readouterr()
    summary = json.loads((tmp_path / "s.json").read_text())
    assert rc == 0 and summary["stats"]["refused_unknown-tokens"] == 1
    assert "no installed translation package" not in err and "install LANG" not in err
    # a language without a package is still named, with the count of its fragments only
    (tmp_path / "uk.txt").write_text("The pets of this house eat well every day of the week.\n"
                                     "Кішка любить молоко і собака їсть м'ясо сьогодні.\n"
                                     "КОШКА ЛЮБИТ МОЛОКО И СОБАКА ЕСТ МЯСО.\n", encoding="utf-8")
    rc = cli.main(["clean", str(tmp_path / "uk.txt"), "--no-cache"])
    err = capsys.readouterr().err
    assert "1 fragment left untranslated (uk 1): no installed translation package" in err


# --- polyclean models ---------------------------------------------------------------------
def models_cli(capsys, *args):
    rc = cli.main(["models", *map(str, args)])
    out, err = capsys.readouterr()
    return rc, out, err


def test_a_package_in_an_installed_folder_name_keeps_the_version_and_pair_checks(
        capsys, argos_env, tmp_path):
    # Argos names a package's folder as it likes: the same folder name can hold an older
    # version of the pair, or another pair. Both replaced the installed package silently
    # (exit 0, 'replaced the previous copy of translate-ru_en-1_1').
    folder = "translate-ru_en-1_1"
    new = build_package(tmp_path / "new", RU_EN, version="1.1", folder=folder)
    old = build_package(tmp_path / "old", RU_EN, version="0.9", folder=folder)
    other = build_package(tmp_path / "uk", {"кішка": "кошка"}, from_code="uk", to_code="ru",
                          folder=folder)
    assert models_cli(capsys, "install", new)[0] == 0
    rc, out, err = models_cli(capsys, "install", old)
    assert rc == 1 and "translate-ru_en-1.1 is installed, newer than translate-ru_en-0.9" in err
    rc, out, err = models_cli(capsys, "install", other)
    assert rc == 1 and "holds translate-ru_en-1.1 (ru -> en)" in err
    assert "polyclean models remove translate-ru_en-1.1" in err
    assert [(p.key, p.folder) for p in models.installed()] == [("translate-ru_en-1.1", folder)]
    assert models_cli(capsys, "install", new)[0] == 0  # the same package again: fine
    rc, out, err = models_cli(capsys, "install", old, "--force")
    assert rc == 0 and [p.key for p in models.installed()] == ["translate-ru_en-0.9"]


@pytest.fixture
def package_server(tiny_zips):
    """127.0.0.1 serving an index and ru-en links: whole, cut short, missing."""
    import http.server
    import threading

    data = tiny_zips["ru-en"].read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path.endswith("index.json"):
                link = self.path.rsplit("/", 2)[-2]
                body = json.dumps([{"type": "translate", "from_code": "ru", "to_code": "en",
                                    "package_version": "1.0",
                                    "links": [f"{base}/{link}.argosmodel"]}]).encode()
            elif self.path == "/whole.argosmodel" or self.path == "/cut.argosmodel":
                body = data
            else:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body[:len(body) // 2] if self.path == "/cut.argosmodel" else body)
            self.close_connection = True

        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{srv.server_address[1]}"
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield base
    srv.shutdown()
    srv.server_close()


def test_download_failures_say_what_happened(capsys, argos_env, package_server):
    url = package_server
    # A connection that drops part-way: the download is refused as cut, named by its link
    # (it was '/…/packages/.polyclean-install-PID-x.argosmodel: not a zip archive').
    rc, out, err = models_cli(capsys, "install", "ru", "--index", f"{url}/cut/index.json")
    assert rc == 1 and err.count("\n") == 1
    assert f"{url}/cut.argosmodel: the download ended after" in err
    assert ".polyclean-install-" not in err and "looks offline" not in err
    # A link the server answers 404 to, and an index it answers 404 to: not 'offline'.
    rc, out, err = models_cli(capsys, "install", "ru", "--index", f"{url}/gone/index.json")
    assert rc == 1 and "HTTP 404" in err and "looks offline" not in err
    rc, out, err = models_cli(capsys, "available", "--index", f"{url}/nothing.json")
    assert rc == 1 and "the server answered (HTTP 404" in err and "looks offline" not in err
    assert not any(argos_env.packages.iterdir())
    rc, out, err = models_cli(capsys, "install", "ru", "--index", f"{url}/whole/index.json")
    assert rc == 0 and [p.key for p in models.installed()] == ["translate-ru_en-1.0"]


@pytest.mark.parametrize("value", ["0", "-1", "nan", "inf"])
def test_a_timeout_that_is_not_a_positive_number_is_a_usage_error(capsys, argos_env, value):
    # --timeout 0 made the socket non-blocking: 'BlockingIOError ... This machine looks
    # offline', exit 1.
    with pytest.raises(SystemExit) as stop:
        cli.main(["models", "available", "--index", "http://127.0.0.1:1/", "--timeout", value])
    err = capsys.readouterr().err
    assert stop.value.code == 2 and "is not a positive number of seconds" in err


# --- the translation cache ------------------------------------------------------------------
def test_a_damaged_cache_is_one_usage_error_not_an_error_per_input(ru_en, tmp_path, capsys):
    # Every input failed on its own ('a.txt: CacheError: cannot open the translation
    # cache ...: file is not a database', once per file, exit 1).
    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(5):
        (folder / f"{i}.txt").write_text("Кошка любит молоко.\n", encoding="utf-8")
    good = tmp_path / "good.sqlite3"
    assert cli.main(["clean", str(folder), "-o", str(tmp_path / "o0"), "--cache", str(good)]) == 0
    close_all()  # the last connection's close moves the rows from the WAL into the file
    cut = tmp_path / "cut.sqlite3"
    cut.write_bytes(good.read_bytes()[:good.stat().st_size // 2])
    junk = tmp_path / "junk.sqlite3"
    junk.write_bytes(b"not a database at all\n" * 50)
    capsys.readouterr()
    for bad, why in ((junk, "file is not a database"), (cut, "malformed"),
                     (tmp_path, "it is a folder")):
        rc = cli.main(["clean", str(folder), "-o", str(tmp_path / "o1"), "--cache", str(bad)])
        err = capsys.readouterr().err
        assert rc == 2 and err.startswith(f"polyclean: error: --cache {bad}: cannot use it")
        assert why in err and err.count("polyclean: error") == 1
        assert not (tmp_path / "o1").exists()
    assert junk.read_bytes() == b"not a database at all\n" * 50  # never written
    # not translating, not caching, or detecting: the cache is not used, so not checked
    assert cli.main(["clean", str(folder), "-o", str(tmp_path / "o2"), "--cache", str(junk),
                     "--no-translate"]) == 0
    from polyclean.cache import default_path

    default_path().parent.mkdir(parents=True, exist_ok=True)
    default_path().write_bytes(junk.read_bytes())  # the user cache damaged
    assert cli.main(["clean", str(folder), "-o", str(tmp_path / "o4")]) == 2
    assert cli.main(["clean", str(folder), "-o", str(tmp_path / "o4"), "--no-cache"]) == 0
    assert cli.main(["detect", str(folder / "0.txt"), "--cache", str(junk)]) == 0
    # an empty file, or one that does not exist yet, becomes the cache
    empty = tmp_path / "empty.sqlite3"
    empty.touch()
    assert cli.main(["clean", str(folder), "-o", str(tmp_path / "o3"), "--cache", str(empty)]) == 0
    assert empty.stat().st_size > 0


# --- polyclean report -------------------------------------------------------------------------
def test_a_report_of_another_layout_is_a_warning_not_silence(tmp_path, capsys):
    # Reports of another polyclean (another 'schema') were counted as this one's without
    # a word.
    src = tmp_path / "a.txt"
    src.write_text("A short English text about the weather today.\n", encoding="utf-8")
    rep = tmp_path / "r.jsonl"
    assert cli.main(["clean", str(src), "-o", str(tmp_path / "o.txt"), "--no-translate",
                     "--report", str(rep)]) == 0
    capsys.readouterr()
    assert cli.main(["report", str(rep), "-o", str(tmp_path / "p.html")]) == 0
    assert "warning" not in capsys.readouterr().err
    line = json.loads(rep.read_text())
    line["schema"] = 99
    rep.write_text(json.dumps(line) + "\n")
    assert cli.main(["report", str(rep), "-o", str(tmp_path / "p.html")]) == 0
    err = capsys.readouterr().err
    assert "1 report has another layout than this polyclean writes (schema 99" in err


# --- options and their interactions ---------------------------------------------------------
@pytest.mark.parametrize("flags", [
    ["--no-cache", "--cache", "c.sqlite3"],  # the cache was silently not used
    ["--nfkc", "--no-normalize"],  # NFKC was silently not applied
    ["--join-hyphenated", "--no-normalize"],  # hyphens silently not joined
    ["--keep-rule", "menu", "--drop-rule", "menu"],  # 'only menu' and 'no menu'
])
def test_contradictory_flags_are_a_usage_error(tmp_path, capsys, flags):
    src = tmp_path / "a.txt"
    src.write_text("A hyphen-\nated word and the ﬁ ligature.\n", encoding="utf-8")
    rc = cli.main(["clean", str(src), "--no-translate", *flags])
    out, err = capsys.readouterr()
    assert rc == 2 and out == "" and "contradict each other; give one of them" in err
    assert err.startswith("polyclean: error: ") and "Traceback" not in err
    # each flag alone is accepted
    half = flags[:1] if flags[0] != "--keep-rule" else flags[:2]
    assert cli.main(["clean", str(src), "--no-translate", *half]) == 0


# --- detect, explain, report on odd inputs ------------------------------------------------------
def test_explain_names_the_input_it_cannot_decode_as_clean_does(tmp_path, capsys):
    # explain said 'polyclean: error: binary data, not text: ...' without the file's name.
    elf = tmp_path / "prog.bin"
    elf.write_bytes(b"\x7fELF\x02\x01\x01" + bytes(300) + b"text" * 10)
    latin = tmp_path / "latin.txt"
    latin.write_bytes(b"caf\xe9 au lait\n")
    for path, extra in ((elf, []), (latin, ["--encoding", "utf-8"])):
        assert cli.main(["clean", str(path), *extra]) == 1
        clean_err = capsys.readouterr().err
        assert cli.main(["explain", str(path), *extra]) == 1
        err = capsys.readouterr().err
        assert err.startswith(f"polyclean: error: {path}: ") and err.count("\n") == 1
        assert err.split(": ", 3)[3] == clean_err.split(": ", 3)[3]
