"""Trials of a demanding new user (trials6): translation as a user meets it, the models
command, the translation cache, and the run's end-of-run messages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from argos_tiny import RU_EN, argos_env, build_package, tiny_zips  # noqa: F401
from polyclean import Cleaner, Config, cli, models
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
