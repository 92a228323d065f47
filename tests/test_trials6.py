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
