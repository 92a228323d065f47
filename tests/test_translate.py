"""Translation with installed Argos packages: exact output, batching, pivots, policies,
offline safety, and the whole path through `polyclean clean`."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from unidecode import unidecode

from argos_tiny import (  # noqa: F401
    PB_EN, RU_EN, RU_EN_BPE, argos_env, build_package_dir, corrupt_model, tiny_zips, zip_folder,
)
from polyclean import Cleaner, Config, cli, models, translate
from polyclean.translate import Fragment, MissingModelError, Translator

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("torch", "stanza", "spacy", "argostranslate", "minisbd", "onnxruntime")


@pytest.fixture
def ru_en(argos_env, tiny_zips):
    models.install_file(tiny_zips["ru-en"])
    return argos_env


def calls(fn):
    """(result of fn(), translate_batch calls, sentences sent to models) in this process."""
    before = translate.model_stats()
    out = fn()
    after = translate.model_stats()
    return (out, after["model_calls"] - before["model_calls"],
            after["sentences_translated"] - before["sentences_translated"])


def tr(cfg, *frags):
    return Translator(cfg).translate([Fragment(t, l) for t, l in frags])


# --- the engine --------------------------------------------------------------------------
def test_exact_translations_keep_whitespace_underscores_and_unknown_words(ru_en):
    outs = tr(Config(use_cache=False),
              ("  Кошка любит молоко.  Собака спит!\n", "ru"),
              ("имя_пользователя Москва", "ru"),
              ("42 — 17", "ru"))
    assert [o.result for o in outs] == [
        "  Cat loves milk.  Dog спит!\n",  # "спит!" is not in the lexicon: copied through
        "user_name Москва", "42 — 17"]
    assert outs[0].score is not None and outs[0].refused == []
    o = outs[0]
    assert (o.translated, o.package, o.cache) == (True, "translate-ru_en-1.0", None)
    assert o.reason == "translated ru->en with translate-ru_en-1.0"


def test_fragments_of_many_documents_go_in_one_batch_deduplicated(ru_en):
    docs = [[("Кошка любит молоко.", "ru"), ("Собака ест мясо.", "ru")],
            [("Кошка любит молоко. Птица видит рыба", "ru")],
            [("Собака ест мясо.", "ru"), ("Рыба пьёт воду.", "ru")]]
    flat = [f for d in docs for f in d]
    outs, n_calls, n_sent = calls(lambda: tr(Config(use_cache=False, batch_size=2), *flat))
    assert n_calls == 1
    assert n_sent == 4  # distinct sentences only
    assert [o.result for o in outs] == ["Cat loves milk.", "Dog eats meat.",
                                        "Cat loves milk. Bird sees fish", "Dog eats meat.",
                                        "Fish drinks water."]


def test_decoding_length_is_bounded(ru_en):
    (o,) = tr(Config(use_cache=False, max_decoding_length=2), ("Кошка любит молоко", "ru"))
    assert o.result == "Cat loves"


def test_pivot_through_an_installed_chain_shares_the_last_model(ru_en, tiny_zips):
    models.install_file(tiny_zips["uk-ru"])
    outs, n_calls, _ = calls(lambda: tr(Config(use_cache=False),
                                        ("кішка любить молоко", "uk"), ("Собака ест хлеб", "ru")))
    assert [o.result for o in outs] == ["cat loves milk", "Dog eats bread"]
    assert outs[0].package == "translate-uk_ru-1.0+translate-ru_en-1.0"
    assert "uk->ru->en" in outs[0].reason
    assert n_calls == 2  # uk->ru once, ru->en once for both languages


@pytest.mark.parametrize("policy,expected,reason", [
    ("keep", "Der Hund frisst das Fleisch für die Katze", "(kept)"),
    ("transliterate", "Der Hund frisst das Fleisch fur die Katze", "(transliterated)"),
    ("drop", "", "(dropped)"),
])
def test_missing_model_policies(ru_en, policy, expected, reason):
    outs = tr(Config(missing_model=policy),
              ("Der Hund frisst das Fleisch für die Katze", "de"), ("Кошка спит.", "ru"))
    assert outs[0].result == expected
    assert outs[0].reason == f"no installed package for de->en {reason}"
    assert not outs[0].translated and outs[0].package is None
    assert outs[1].result == "Cat sleeps."


def test_missing_model_fail_says_how_to_install_before_any_work(ru_en):
    with pytest.raises(MissingModelError) as err:
        calls(lambda: tr(Config(missing_model="fail"), ("Кошка спит.", "ru"),
                         ("Der Hund frisst", "de")))
    msg = str(err.value)
    assert "de->en" in msg and "polyclean models install de-en" in msg
    assert "PATH.argosmodel" in msg
    before = translate.model_stats()["model_calls"]
    with pytest.raises(MissingModelError, match=r"no identified language \(und\)"):
        tr(Config(missing_model="fail", use_cache=False), ("Кошка спит.", "ru"), ("x y z", "und"))
    assert translate.model_stats()["model_calls"] == before


def test_target_language_and_blank_fragments_are_left_alone(ru_en):
    outs, n_calls, _ = calls(lambda: tr(Config(), ("Plain English.", "en"), ("   ", "ru")))
    assert [o.result for o in outs] == ["Plain English.", "   "]
    assert n_calls == 0 and not any(o.translated for o in outs)


def test_translator_pickles_without_models(ru_en):
    t = Translator(Config(use_cache=False))
    t.translate([Fragment("Кошка спит.", "ru")])
    blob = pickle.dumps(t)
    assert len(blob) < 2_000
    assert pickle.loads(blob).translate([Fragment("Собака спит.", "ru")])[0].result == "Dog sleeps."


@pytest.mark.skipif(__import__("ctranslate2").get_cuda_device_count() > 0,
                    reason="this machine has a CUDA device")
def test_cuda_without_a_gpu_is_a_clear_error(ru_en):
    with pytest.raises(translate.TranslationError, match="sees 0 CUDA device"):
        tr(Config(device="cuda", use_cache=False), ("Кошка спит.", "ru"))


# --- offline safety: what polyclean imports -----------------------------------------------
def _py(code: str, env: dict | None = None, *flags: str) -> subprocess.CompletedProcess:
    full = {**os.environ, **(env or {}), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, *flags, "-c", textwrap.dedent(code)], env=full,
                          capture_output=True, text=True, timeout=120)


def test_import_and_english_cleaning_import_no_heavy_module(argos_env):
    out = _py("""
        import polyclean
        polyclean.clean("Hello world. This is an English document.\\n", cache="unused.sqlite3")
        import polyclean.translate, polyclean.models, polyclean.cache, polyclean.cli_models
    """, argos_env.vars, "-X", "importtime")
    assert out.returncode == 0, out.stderr
    imported = {line.split("|")[-1].strip().split(".")[0]
                for line in out.stderr.splitlines() if line.startswith("import time:")}
    assert "polyclean" in imported
    assert not imported & {*HEAVY, "ctranslate2", "sentencepiece"}, imported & {*HEAVY}


def test_translating_never_imports_torch_or_argostranslate(ru_en):
    out = _py(f"""
        import sys
        from polyclean import Config, translate
        t = translate.Translator(Config(cache={str(ru_en.cache)!r}))
        print(t.translate([translate.Fragment("Кошка спит.", "ru")])[0].result)
        print(sorted(m for m in {HEAVY!r} if m in sys.modules), "ctranslate2" in sys.modules)
    """, ru_en.vars)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["Cat sleeps.", "[] True"]


# --- end to end through `polyclean clean` -------------------------------------------------------
RU = [("Кошка любит молоко и собака ест мясо сегодня", "Cat loves milk and dog eats meat today"),
      ("Птица видит рыба и кошка пьёт воду дома", "Bird sees fish and cat drinks water home"),
      ("Собака ест мясо и хлеб сегодня", "Dog eats meat and bread today"),
      ("Рыба видит птица и собака пьёт молоко вчера",
       "Fish sees bird and dog drinks milk yesterday")]
DE_LINE = "Der Hund frisst heute das Fleisch für die Katze und den Vogel"
EN = ["The council met on Tuesday to discuss the new budget for the city.",
      "Several members asked for more money for schools and public libraries.",
      "The mayor said that the roads would be repaired before the winter.",
      "A vote on the plan is expected early next month, officials said.",
      "Residents can send their comments to the city hall until Friday.",
      "The local newspaper published the full list of proposed changes.",
      "Farmers in the valley expect a good harvest after the warm summer.",
      "Prices for apples and pears fell slightly at the weekly market.",
      "The old bridge over the river will be closed for two weeks in May.",
      "Engineers found cracks in the concrete during a routine inspection.",
      "Tourists visited the castle in record numbers during the holidays.",
      "Guides at the museum now offer tours in four different languages.",
      "The football club signed a young striker from a rival team.",
      "Fans celebrated in the streets after the final whistle on Sunday.",
      "A new bakery opened next to the station and sold out by noon.",
      "The owners plan to add a small cafe with seats by the window."]


def _docs(folder: Path, ru: list[int], extra: str | None = None) -> list[Path]:
    """One document per entry of ``ru`` (the index of its Russian line); no line recurs
    in three documents, so boilerplate removal keeps them all."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, k in enumerate(ru):
        en = EN[4 * i:4 * i + 4]
        lines = [en[0], RU[k][0], *en[1:]]
        if extra:
            lines.insert(2, extra)
        path = folder / f"doc{i}.txt"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def _clean(tmp: Path, docs: Path, *opts: str, tag: str = "run"):
    out, rep = tmp / f"out-{tag}", tmp / f"report-{tag}.jsonl"
    rc = cli.main(["clean", str(docs), "-o", str(out), "--report", str(rep), *opts])
    texts = {p.name: p.read_text("utf-8") for p in sorted(out.iterdir())} if out.exists() else {}
    reports = [json.loads(l) for l in rep.read_text("utf-8").splitlines()] if rep.exists() else []
    return rc, texts, reports


def _tr_changes(reports):
    return [c for r in reports for c in r["changes"] if c["step"] == "translate"]


def test_clean_translates_in_place_and_reports_it(ru_en, tmp_path):
    ru = [0, 1, 2]
    docs = _docs(tmp_path / "docs", ru)[0].parent
    (rc, texts, reports), n_calls, _ = calls(
        lambda: _clean(tmp_path, docs, "--cache", str(ru_en.cache), tag="cold"))
    assert rc == 0 and n_calls >= 1
    for i, k in enumerate(ru):
        text = texts[f"doc{i}.txt"]
        en = EN[4 * i:4 * i + 4]
        assert text == "\n".join([en[0], RU[k][1], *en[1:]]) + "\n"
    changes = _tr_changes(reports)
    assert len(changes) == 3
    for c, k in zip(changes, ru):
        assert (c["original"], c["result"], c["lang"]) == (RU[k][0], RU[k][1], "ru")
        assert c["package"] == "translate-ru_en-1.0"
        assert "cache" not in c  # hit/miss depends on history: it goes to the run summary
    # Second run: the same output and byte-identical reports, every fragment from the
    # cache, no model call.
    (rc2, texts2, reports2), n_calls2, _ = calls(
        lambda: _clean(tmp_path, docs, "--cache", str(ru_en.cache), tag="warm"))
    assert rc2 == 0 and texts2 == texts and n_calls2 == 0
    assert reports2 == reports
    cleaner = Cleaner(Config(cache=str(ru_en.cache)))
    cleaner.clean_batch([p.read_text("utf-8") for p in sorted(docs.iterdir())])
    assert cleaner.stats["cache_hit"] == 3 and "cache_miss" not in cleaner.stats


def test_clean_batch_translates_many_documents_in_one_model_call(ru_en, tmp_path):
    ru = [0, 0, 1, 3]
    docs = _docs(tmp_path / "docs", ru)
    cleaner = Cleaner(Config(cache=str(ru_en.cache)))
    results, n_calls, n_sent = calls(lambda: cleaner.clean_batch([p.read_text() for p in docs]))
    assert n_calls == 1 and n_sent == 3  # four documents, three distinct sentences
    assert [r.text.splitlines()[1] for r in results] == [RU[k][1] for k in ru]
    assert cleaner.stats.get("cache_miss") == 4


@pytest.mark.parametrize("policy", ["keep", "transliterate", "drop"])
def test_clean_missing_model_policies(ru_en, tmp_path, policy):
    docs = _docs(tmp_path / "docs", [2], extra=DE_LINE)[0].parent
    rc, texts, reports = _clean(tmp_path, docs, "--no-cache", "--missing-model", policy)
    assert rc == 0
    (text,) = texts.values()
    assert RU[2][1] in text
    de = [c for c in _tr_changes(reports) if c["lang"] == "de"]
    if policy == "keep":
        # kept as it is, and marked untranslated in the report
        assert DE_LINE in text
        assert de[0]["result"] == de[0]["original"] == DE_LINE
        assert de[0]["reason"] == "no installed package for de->en (kept)"
    elif policy == "transliterate":
        assert unidecode(DE_LINE) in text and DE_LINE not in text
        assert de[0]["reason"] == "no installed package for de->en (transliterated)"
    else:
        assert "Fleisch" not in text and de[0]["result"] == ""


def test_clean_missing_model_fail_stops_with_the_install_hint(ru_en, tmp_path):
    docs = _docs(tmp_path / "docs", [2], extra=DE_LINE)[0].parent
    out = subprocess.run(
        [sys.executable, "-m", "polyclean", "clean", str(docs), "-o", str(tmp_path / "out"),
         "--no-cache", "--missing-model", "fail"],
        env={**os.environ, **ru_en.vars, "PYTHONPATH": str(ROOT)}, capture_output=True,
        text=True, timeout=120)
    assert out.returncode != 0
    assert "polyclean models install de-en" in out.stderr


# --- packages that misbehave, and every layout of the index --------------------------------
def _install(env, tmp, name, lexicon=RU_EN, **kw):
    pkg = build_package_dir(tmp / name, lexicon, **kw)
    return models.install_file(zip_folder(pkg, tmp / f"{name}.argosmodel"), force=True).package


SENTENCE = "Кошка любит молоко."


@pytest.mark.parametrize("behaviour,code", [
    ("repeat", "loop"), ("empty", "empty"), ("copy", "source-script")])
def test_misbehaving_package_keeps_the_source_with_the_reason(argos_env, tmp_path,
                                                              behaviour, code):
    # positions for the whole default decoding length (256): "repeat" runs up to it
    _install(argos_env, tmp_path, behaviour, behaviour=behaviour, max_positions=260)
    (o,) = tr(Config(use_cache=False), (SENTENCE, "ru"))
    assert o.result == SENTENCE and not o.translated  # never deleted, never garbage
    assert [r["code"] for r in o.refused] == [code]
    assert o.refused[0]["sentence"] == SENTENCE
    assert o.reason == f"kept the source: {code} (translate-ru_en-1.0)"
    assert code in translate.REASONS


def test_repeating_package_runs_to_the_decoding_limit_and_is_refused(argos_env, tmp_path):
    pkg = _install(argos_env, tmp_path, "repeat", behaviour="repeat")
    (hyp,) = translate.run_package(pkg, [SENTENCE], Config(max_decoding_length=40))
    assert hyp.tokens == 40 and set(hyp.text.split()) == {"the"}


def test_bpe_package_translates_as_argostranslate_tokenises(argos_env, tmp_path):
    pkg = _install(argos_env, tmp_path, "bpe", RU_EN_BPE, tokenizer="bpe")
    assert pkg.tokenizer == "bpe" and (pkg.path / "bpe.model").is_file()
    (o,) = tr(Config(use_cache=False), ("Кошка любит молоко. Собака спит.", "ru"))
    assert o.result == "Cat loves milk. Dog sleeps." and o.translated
    # The tokenizer is argostranslate's own BPETokenizer, token for token.
    from argostranslate.tokenizer import BPETokenizer

    ours = translate.engine.load_tokenizer(pkg)
    theirs = BPETokenizer(pkg.path / "bpe.model", "ru", "en")
    for s in ("Кошка любит молоко.", "Москва & «Собака» спит!", "a_b, 3.5%"):
        assert ours.encode(s) == theirs.encode(s)
        assert ours.decode(ours.encode(s)) == theirs.decode(theirs.encode(s))


def test_package_without_config_json_installs_and_runs(argos_env, tmp_path, capsys):
    pkg = _install(argos_env, tmp_path, "old", layout="ct2-old")
    assert not (pkg.path / "model" / "config.json").exists()
    assert "no config.json (CTranslate2 < 3.0)" in pkg.layout
    (hyp,) = translate.run_package(pkg, [SENTENCE], Config(max_decoding_length=8))
    # Without config.json CTranslate2 adds no source </s>; this tiny model then never
    # stops, but it loads and runs: the first words are the translation.
    assert hyp.text.startswith("Cat loves milk.")
    (o,) = tr(Config(use_cache=False, max_decoding_length=8), (SENTENCE, "ru"))
    assert [r["code"] for r in o.refused] == ["loop"] and o.result == SENTENCE


def test_corrupt_newer_version_falls_back_to_the_good_one(argos_env, tmp_path, caplog):
    _install(argos_env, tmp_path, "good")
    bad = build_package_dir(argos_env.packages, RU_EN, version="1.1")
    corrupt_model(bad)
    docs = [(SENTENCE, "ru")] * 3
    with caplog.at_level("WARNING", logger="polyclean.translate"):
        first = tr(Config(use_cache=False), *docs)
        second = tr(Config(use_cache=False), *docs)  # another batch: no new warning
    assert [o.result for o in first + second] == ["Cat loves milk."] * 6
    assert {o.package for o in first} == {"translate-ru_en-1.0"}
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1 and "translate-ru_en-1.1" in warnings[0]
    assert "cannot be loaded" in warnings[0]


def test_corrupt_only_package_follows_the_missing_model_policy(argos_env, tmp_path):
    corrupt_model(build_package_dir(argos_env.packages, RU_EN, version="2.0"))
    (o,) = tr(Config(use_cache=False, missing_model="keep"), (SENTENCE, "ru"))
    assert o.result == SENTENCE and o.reason == ("installed package translate-ru_en-2.0 "
                                                 "cannot be loaded (kept)")
    with pytest.raises(MissingModelError, match="cannot be loaded"):
        tr(Config(use_cache=False, missing_model="fail"), (SENTENCE, "ru"))


def test_locomotive_package_and_pb_serving_pt(argos_env, tmp_path):
    loco = _install(argos_env, tmp_path, "loco", layout="locomotive")
    assert "type" not in loco.metadata and (loco.path / "stanza").is_dir()
    _install(argos_env, tmp_path, "pb", PB_EN, from_code="pb")
    outs = tr(Config(use_cache=False), (SENTENCE, "ru"), ("O gato bebe leite", "pt"))
    assert [o.result for o in outs] == ["Cat loves milk.", "The cat drinks milk"]
    assert outs[1].package == "translate-pb_en-1.0"


def test_und_package_is_never_used(argos_env, tmp_path):
    _install(argos_env, tmp_path, "und", from_code="und")
    (o,) = tr(Config(use_cache=False), (SENTENCE, "und"))
    assert not o.translated and o.result == SENTENCE


# --- protected spans --------------------------------------------------------------------
def test_protected_spans_come_out_byte_exact(ru_en, tmp_path):
    glossary = tmp_path / "glossary.txt"
    glossary.write_text("Газпром\nмолоко\tMILK\n", encoding="utf-8")
    text = ("Кошка любит молоко и Газпром: https://example.org/user_name?id=5 "
            "и a.b-c@mail.ru, %1$s.")
    (o,) = tr(Config(use_cache=False, glossary=str(glossary)), (text, "ru"))
    assert o.result == ("Cat loves MILK and Газпром: https://example.org/user_name?id=5 "
                        "and a.b-c@mail.ru, %1$s.")
    assert [(p["kind"], p["text"], p["survived"]) for p in o.protected] == [
        ("glossary", "молоко", True), ("glossary", "Газпром", True),
        ("url", "https://example.org/user_name?id=5", True), ("email", "a.b-c@mail.ru", True),
        ("placeholder", "%1$s", True)]
    # Inflected forms do not match, and the split never cuts inside a URL.
    (o,) = tr(Config(use_cache=False, glossary=str(glossary)),
              ("Кошка любит молока. См. http://x.ru/a. b", "ru"))
    assert "молока" in o.result and "http://x.ru/a." in o.result


def test_lost_span_keeps_the_source_sentence(argos_env, tmp_path):
    _install(argos_env, tmp_path, "empty", behaviour="empty")
    text = "Кошка любит https://example.org/user_name молоко."
    (o,) = tr(Config(use_cache=False), (text, "ru"))
    assert o.result == text and o.refused[0]["code"] == "protected-lost"
    assert o.protected == [{"kind": "url", "text": "https://example.org/user_name",
                            "survived": False}]


def test_min_translation_score_keeps_the_source(ru_en):
    (o,) = tr(Config(use_cache=False), (SENTENCE, "ru"))
    (low,) = tr(Config(use_cache=False, min_translation_score=o.score / 2), (SENTENCE, "ru"))
    assert low.result == SENTENCE and low.refused[0]["code"] == "low-score"


def test_batches_do_not_depend_on_their_neighbours(ru_en):
    """Each sentence is translated in a batch of sentences of its own token length, so
    the result (and what the cache stores) is the same alone or among others."""
    many = [("Кошка любит молоко.", "ru"), ("Собака ест мясо и хлеб сегодня", "ru"),
            ("Птица видит рыба", "ru")]
    together = tr(Config(use_cache=False), *many)
    alone = [tr(Config(use_cache=False), f)[0] for f in many]
    assert [(o.result, o.score) for o in together] == [(o.result, o.score) for o in alone]


def test_threads_share_the_cores_among_workers():
    from polyclean.translate import engine

    cores = engine.cores()
    assert engine.threads(Config(workers=cores)) == 1
    assert engine.threads(Config(workers=1)) == max(1, min(4, cores))
    assert engine.threads(Config(workers=2, threads=3)) == 3


def test_report_says_what_translation_refused_scored_and_protected(argos_env, tmp_path):
    """The translate change of the report carries the model's score, each refused
    sentence with its reason code, and each protected span with whether it survived;
    the stage status says the output was refused."""
    _install(argos_env, tmp_path, "copy", behaviour="copy")
    doc = ("The council met on Tuesday to discuss the new budget for the city.\n"
           f"{SENTENCE}\n"
           "Several members asked for more money for schools in the district.\n")
    res = Cleaner(Config(use_cache=False)).clean(doc)
    (ch,) = [c for c in res.report["changes"] if c["step"] == "translate"]
    assert ch["original"] == ch["result"] == SENTENCE  # kept, never garbage
    assert [r["code"] for r in ch["refused"]] == ["source-script"]
    assert res.report["stages"]["translate"].startswith("partial: 0 of 1 fragments translated")


def test_report_keeps_scores_and_protected_spans_of_good_output(ru_en):
    doc = ("The council met on Tuesday to discuss the new budget for the city.\n"
           "Кошка любит %1$s молоко.\n"
           "Several members asked for more money for schools in the district.\n")
    res = Cleaner(Config(use_cache=False)).clean(doc)
    (ch,) = [c for c in res.report["changes"] if c["step"] == "translate"]
    assert isinstance(ch["score"], float) and ch["package"] == "translate-ru_en-1.0"
    assert ch["protected"] == [{"kind": "placeholder", "text": "%1$s", "survived": True}]
    assert "%1$s" in res.text and "Cat loves" in res.text


def test_language_table_gives_langcodes_answers():
    """Two-letter codes are checked (package metadata) and given their usual script (the
    source-script check) from a table, without importing langcodes; the table must say
    what langcodes says today."""
    import string

    import langcodes

    from polyclean import langdata

    for code in (a + b for a in string.ascii_lowercase for b in string.ascii_lowercase):
        assert langdata.is_valid(code) == langcodes.tag_is_valid(code), code
        if langcodes.tag_is_valid(code):
            assert langdata.usual_script(code) == langcodes.Language.get(code).maximize().script
    assert langdata.build() == " ".join(langdata._TABLE.split())
    assert langdata.usual_script("sr-Latn") == "Latn" and not langdata.is_valid("xx")


def test_translating_imports_no_langcodes(ru_en):
    """Package codes and the target's script come from the table (langcodes costs 50 ms)."""
    code = textwrap.dedent(f"""
        import sys
        from polyclean import Config, translate
        cfg = Config(cache={str(ru_en.cache)!r})
        frags = [translate.Fragment("Кошка любит молоко.", "ru")]
        translate.Translator(cfg).translate(frags)
        print("langcodes" in sys.modules)
    """)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"
