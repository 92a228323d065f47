"""The SQLite translation cache: exact keys, several writers at once, warm runs skip the model."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from argos_tiny import argos_env, tiny_zips  # noqa: F401
from polyclean import Config, models, translate
from polyclean.cache import CacheError, TranslationCache, default_path

ROOT = Path(__file__).resolve().parents[1]


def test_keys_are_package_and_exact_source(tmp_path):
    c = TranslationCache(tmp_path / "c.sqlite3")
    cat, sleeps = ("cat", -0.5, 0, 1), ("Cat sleeps.", -0.25, 0, 3)
    c.put_many("translate-ru_en-1.9:abc:beam=2", {"Кошка спит.": sleeps, "кошка": cat})
    assert c.get_many("translate-ru_en-1.9:abc:beam=2", ["Кошка спит.", "Кошка спит. ", "кошка"]) \
        == {"Кошка спит.": sleeps, "кошка": cat}
    assert c.get_many("translate-ru_en-2.0:abc:beam=2", ["кошка"]) == {}
    # Reopened by another object (another run): still there, score and counts too.
    assert TranslationCache(tmp_path / "c.sqlite3").get_many(
        "translate-ru_en-1.9:abc:beam=2", ["кошка"]) == {"кошка": cat}


def test_many_sources_in_one_lookup(tmp_path):
    c = TranslationCache(tmp_path / "c.sqlite3")
    items = {f"предложение {i}": (f"sentence {i}", -float(i), 0, 2) for i in range(1_500)}
    c.put_many("p", items)
    assert c.get_many("p", list(items) + ["нет"]) == items


def test_default_path_is_in_the_user_cache_folder(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_path() == tmp_path / "polyclean" / "translations.sqlite3"


def test_unusable_cache_file_is_a_clear_error(tmp_path):
    (tmp_path / "dir.sqlite3").mkdir()
    with pytest.raises(CacheError, match="--no-cache"):
        TranslationCache(tmp_path / "dir.sqlite3").get_many("p", ["x"])


def test_several_processes_write_at_once(tmp_path):
    path = tmp_path / "shared.sqlite3"
    code = textwrap.dedent("""
        import sys
        from polyclean.cache import TranslationCache
        w = int(sys.argv[1]); c = TranslationCache(sys.argv[2])
        for i in range(40):
            c.put_many("pkg", {f"w{w} s{i} {j}": (f"r{w}-{i}-{j}", 0.0, 0, 1) for j in range(10)})
            c.put_many("pkg", {f"shared {i}": (f"same {i}", 0.0, 0, 1)})
            assert c.get_many("pkg", [f"w{w} s{i} 0"])[f"w{w} s{i} 0"][0] == f"r{w}-{i}-0"
        print("ok")
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    procs = [subprocess.Popen([sys.executable, "-c", code, str(w), str(path)], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for w in range(4)]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [r[1] for r in results]
    c = TranslationCache(path)
    assert c.count("pkg") == 4 * 40 * 10 + 40
    assert c.get_many("pkg", ["w3 s39 9", "shared 7"]) == {"w3 s39 9": ("r3-39-9", 0.0, 0, 1),
                                                          "shared 7": ("same 7", 0.0, 0, 1)}


# --- through the translator -------------------------------------------------------------------
FRAGS = [("Кошка любит молоко. Собака спит.", "ru"), ("Птица ест хлеб", "ru"),
         ("Кошка любит молоко.", "ru")]


@pytest.fixture
def ru_en(argos_env, tiny_zips):
    models.install_file(tiny_zips["ru-en"])
    return argos_env


def _run(cfg):
    before = translate.model_stats()["model_calls"]
    outs = translate.Translator(cfg).translate([translate.Fragment(t, l) for t, l in FRAGS])
    return outs, translate.model_stats()["model_calls"] - before


def test_second_run_makes_no_model_calls(ru_en):
    cfg = Config(cache=str(ru_en.cache))
    first, calls = _run(cfg)
    assert calls == 1 and [o.cache for o in first] == ["miss", "miss", "miss"]
    second, calls = _run(cfg)
    assert calls == 0 and [o.cache for o in second] == ["hit", "hit", "hit"]
    assert [o.result for o in second] == [o.result for o in first] == [
        "Cat loves milk. Dog sleeps.", "Bird eats bread", "Cat loves milk."]
    assert TranslationCache(ru_en.cache).count() == 3  # distinct sentences


def test_decoding_options_and_package_version_are_part_of_the_key(ru_en, tiny_zips):
    cfg = Config(cache=str(ru_en.cache))
    _run(cfg)
    assert _run(cfg.replace(beam_size=1))[1] == 1  # other decoding: other key
    models.install_file(tiny_zips["ru-en-1.1"])  # another version replaces 1.0
    outs, calls = _run(cfg)
    assert calls == 1 and outs[0].package == "translate-ru_en-1.1"


def test_no_cache_means_no_file_and_no_status(ru_en):
    outs, calls = _run(Config(cache=str(ru_en.cache), use_cache=False))
    assert calls == 1 and {o.cache for o in outs} == {None}
    assert not ru_en.cache.exists()


def test_warm_cache_run_does_not_even_load_ctranslate2(ru_en):
    cfg = Config(cache=str(ru_en.cache))
    _run(cfg)
    code = textwrap.dedent(f"""
        import sys
        from polyclean import Config, translate
        cfg = Config(cache={str(ru_en.cache)!r})
        outs = translate.Translator(cfg).translate(
            [translate.Fragment(t, l) for t, l in {FRAGS!r}])
        print([o.cache for o in outs], "ctranslate2" in sys.modules, "torch" in sys.modules)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['hit', 'hit', 'hit'] False False"


def test_same_size_weights_reinstalled_in_place_get_another_key(ru_en, tiny_zips, tmp_path):
    """argospm reinstalls by extracting over the folder: same sizes, other weights."""
    import shutil

    from argos_tiny import build_package_dir

    cfg = Config(cache=str(ru_en.cache))
    first, _ = _run(cfg)
    pkg = models.installed()[0]
    key1 = translate.Translator(cfg)._cache_key(pkg)
    other = build_package_dir(tmp_path / "o", {**dict(__import__("argos_tiny").RU_EN),
                                               "Кошка": "Dog"})
    shutil.copy(other / "model" / "model.bin", pkg.path / "model" / "model.bin")
    key2 = translate.Translator(cfg)._cache_key(models.installed()[0])
    assert key1 != key2 and "compute=model" in key2 and "device=cpu" in key2
    outs, calls = _run(cfg)
    # A new key: the new weights run (no stale translation from the old ones).
    assert calls == 1 and outs[0].result != first[0].result
    # The digest is stored beside the package, so other processes do not hash again.
    assert (pkg.path / models.FINGERPRINT_FILE).is_file()


# --- whole fragments ---------------------------------------------------------------------------
MIXED = [("Кошка любит молоко. Газпром: https://example.org/user_name и Рыба плавает.", "ru"),
         ("Собака ест мясо и хлеб сегодня", "ru"), ("Кошка любит молоко.", "ru"),
         ("Кошка любит молоко. Газпром: https://example.org/user_name и Рыба плавает.", "ru"),
         ("Новый закон вступит в силу через неделю.", "ru")]  # unknown words: refused


def _fields(outs):
    return [(o.result, o.reason, o.translated, o.package, o.score, o.refused, o.protected)
            for o in outs]


def _tables(path):
    import sqlite3

    conn = sqlite3.connect(path)
    try:
        return (sorted(conn.execute("SELECT package, source, result, score, unknown, tokens "
                                    "FROM translations_v2")),
                sorted(conn.execute("SELECT key, source, outcome FROM fragments_v1")))
    finally:
        conn.close()


def test_warm_run_answers_whole_fragments_with_the_same_outcome(ru_en, tmp_path):
    """The second run takes each fragment's outcome (text, refusals with their codes,
    protected spans, score) from one row: equal to the first run's, and no model runs
    even when the sentence rows are gone."""
    import sqlite3

    glossary = tmp_path / "g.txt"
    glossary.write_text("Газпром\n", encoding="utf-8")
    cfg = Config(cache=str(ru_en.cache), glossary=str(glossary))
    frags = [translate.Fragment(t, l) for t, l in MIXED]
    first = translate.Translator(cfg).translate(frags)
    assert first[4].refused and first[0].protected and first[0].translated
    conn = sqlite3.connect(ru_en.cache)
    conn.execute("DELETE FROM translations_v2")
    conn.commit()
    conn.close()
    before = translate.model_stats()["model_calls"]
    tr = translate.Translator(cfg)
    second = tr.translate(frags)
    assert translate.model_stats()["model_calls"] == before
    assert _fields(second) == _fields(first) and {o.cache for o in second} == {"hit"}
    assert tr.stats["fragments_cached"] == 5 and tr.stats.get("sentences_cached", 0) == 0
    # Repeated fragments get outcomes of their own (nothing shared between them).
    assert second[0] == second[3] and second[0].protected is not second[3].protected


def test_fragment_rows_follow_the_options_and_the_code(ru_en, tmp_path, monkeypatch):
    cfg = Config(cache=str(ru_en.cache))
    frag = [translate.Fragment("Кошка любит молоко.", "ru")]
    assert translate.Translator(cfg).translate(frag)[0].result == "Cat loves milk."
    glossary = tmp_path / "g.txt"
    glossary.write_text("молоко\tMILK\n", encoding="utf-8")
    (o,) = translate.Translator(cfg.replace(glossary=str(glossary))).translate(frag)
    assert o.result == "Cat loves MILK."  # not the stored outcome of the run without it
    (o,) = translate.Translator(cfg.replace(min_translation_score=0.0)).translate(frag)
    assert o.refused[0]["code"] == "low-score"
    # Other code that splits, protects or checks: the outcome is made again (from the
    # sentence rows: no model call), never taken from a row the old code wrote.
    monkeypatch.setattr(translate, "code_digest", lambda: "other code")
    tr = translate.Translator(cfg)
    (o,), n = calls_of(lambda: tr.translate(frag))
    assert o.result == "Cat loves milk." and n == 0
    assert "fragments_cached" not in tr.stats and tr.stats["sentences_cached"] == 1


def calls_of(fn):
    before = translate.model_stats()["model_calls"]
    out = fn()
    return out, translate.model_stats()["model_calls"] - before


def test_cache_contents_do_not_depend_on_how_the_work_was_split(ru_en, tmp_path):
    """Two 'workers' with half the fragments each write what one run of all writes."""
    one, two = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
    frags = [translate.Fragment(t, l) for t, l in MIXED]
    translate.Translator(Config(cache=str(one))).translate(frags)
    translate.Translator(Config(cache=str(two))).translate(frags[::2])
    translate.Translator(Config(cache=str(two))).translate(frags[1::2])
    assert _tables(one) == _tables(two)
    assert len(_tables(one)[1]) == 4  # distinct fragments
