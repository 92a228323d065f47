"""``polyclean cache info`` and ``polyclean cache prune`` on a real SQLite cache."""

from __future__ import annotations

import json
import sqlite3
import time

import pytest

from polyclean.cache import TranslationCache, close_all
from polyclean.cli import main


def _fill(path, n: int, days_old: float = 0.0, start: int = 0) -> None:
    cache = TranslationCache(path)
    rows = {f"Предложение номер {i} о погоде и о городе.": (f"Sentence number {i} about the "
            f"weather and the town.", -0.2, 0, 12) for i in range(start, start + n)}
    cache.put_many("translate-ru_en-1.0", rows)
    cache.put_outcomes("fragment-key", {k: json.dumps([v[0]]) for k, v in rows.items()})
    if days_old:
        conn = sqlite3.connect(path)
        with conn:
            for table, key in (("translations_v2", "source"), ("fragments_v1", "source")):
                conn.executemany(f"UPDATE {table} SET created = ? WHERE {key} = ?",
                                 [(time.time() - days_old * 86400, k) for k in rows])
        conn.close()


def _info(path, capsys) -> dict:
    assert main(["cache", "info", "--cache", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_prune_by_age_keeps_the_recent_rows(tmp_path, capsys):
    path = tmp_path / "c.sqlite3"
    _fill(path, 300, days_old=40)
    _fill(path, 200, start=300)
    close_all()
    st = _info(path, capsys)
    assert (st["sentences"], st["fragments"]) == (500, 500)
    assert main(["cache", "prune", "--cache", str(path), "--older-than", "30"]) == 0
    assert "deleted 600 rows" in capsys.readouterr().out
    st = _info(path, capsys)
    assert (st["sentences"], st["fragments"]) == (200, 200)
    # what is left is what was stored last, and it is still read
    cache = TranslationCache(path)
    assert cache.get_many("translate-ru_en-1.0", ["Предложение номер 499 о погоде и о городе."])
    assert not cache.get_many("translate-ru_en-1.0", ["Предложение номер 0 о погоде и о городе."])


def test_prune_to_a_size_deletes_the_oldest_and_gives_the_space_back(tmp_path, capsys):
    path = tmp_path / "c.sqlite3"
    for k in range(10):  # ten batches, the first the oldest
        _fill(path, 400, days_old=10 - k, start=400 * k)
    close_all()
    before = TranslationCache(path).size()
    assert before > 1_000_000
    assert main(["cache", "prune", "--cache", str(path), "--max-mb", "0.4"]) == 0
    capsys.readouterr()
    close_all()
    after = TranslationCache(path).size()
    assert after <= 0.5e6, after  # about the size asked for, the file itself smaller
    st = _info(path, capsys)
    assert 0 < st["sentences"] < 4000
    cache = TranslationCache(path)  # the newest batch stays, the oldest goes
    assert cache.get_many("translate-ru_en-1.0", ["Предложение номер 3999 о погоде и о городе."])
    assert not cache.get_many("translate-ru_en-1.0", ["Предложение номер 0 о погоде и о городе."])


def test_prune_all_and_usage_errors(tmp_path, capsys):
    path = tmp_path / "c.sqlite3"
    _fill(path, 50)
    close_all()
    with pytest.raises(SystemExit) as e:
        main(["cache", "prune", "--cache", str(path)])
    assert e.value.code == 2 and "say what to delete" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["cache", "prune", "--cache", str(path), "--all", "--older-than", "3"])
    assert e.value.code == 2 and "give it alone" in capsys.readouterr().err
    with pytest.raises(SystemExit) as e:
        main(["cache", "prune", "--cache", str(path), "--max-mb", "-1"])
    assert e.value.code == 2 and "not a positive number of megabytes" in capsys.readouterr().err
    assert main(["cache", "prune", "--cache", str(path), "--all"]) == 0
    assert "deleted 100 rows" in capsys.readouterr().out
    assert _info(path, capsys)["sentences"] == 0
    # a folder is not a cache; a missing cache is said, not made
    assert main(["cache", "info", "--cache", str(tmp_path)]) == 2
    assert "cannot use it as the translation cache" in capsys.readouterr().err
    missing = tmp_path / "none.sqlite3"
    assert main(["cache", "info", "--cache", str(missing)]) == 0
    assert "no translation cache at" in capsys.readouterr().out and not missing.exists()
