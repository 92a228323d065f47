"""Defects found by using the translation path as a new user would (tiny hand-set Argos
packages, ../shared/data): glossaries, --min-translation-score, `models check`,
--missing-model fail in a batch, `models install` of a folder."""

from __future__ import annotations

import json

import pytest

from argos_tiny import (  # noqa: F401
    RU_EN, argos_env, build_package, build_package_dir, tiny_zips, zip_folder,
)
from polyclean import Cleaner, Config, cli, models
from polyclean.errors import ConfigError, GlossaryError
from polyclean.translate import Fragment, Translator
from polyclean.translate.protect import Glossary


@pytest.fixture
def ru_en(argos_env, tiny_zips):
    models.install_file(tiny_zips["ru-en"])
    return argos_env


def _one(cfg: Config, text: str, lang: str = "ru"):
    (out,) = Translator(cfg).translate([Fragment(text, lang)])
    return out


def test_a_glossary_saved_with_a_byte_order_mark_applies_its_first_term(ru_en, tmp_path):
    """A glossary saved by Windows Notepad ("UTF-8 with BOM") has U+FEFF before its first
    term: the term read as '\\ufeffкошка', never matched, and 'кошка' came out as 'cat'
    instead of the glossary's 'KITTY', without a word."""
    plain, bom = tmp_path / "plain.txt", tmp_path / "bom.txt"
    plain.write_text("кошка\tKITTY\nмолоко\tMILK\n", encoding="utf-8")
    bom.write_bytes("\ufeffкошка\tKITTY\r\nмолоко\tMILK\r\n".encode("utf-8"))
    assert Glossary.load(bom).entries == Glossary.load(plain).entries == {
        "кошка": "KITTY", "молоко": "MILK"}
    out = _one(Config(use_cache=False, glossary=str(bom)), "Собака ест мясо и кошка")
    assert out.result == "Dog eats meat and KITTY"


def test_a_glossary_term_given_twice_with_two_translations_is_refused(tmp_path):
    """'кошка<TAB>KITTY' then 'кошка<TAB>PUSSY': the second line silently replaced the
    first.  It is a usage error naming both lines; a line repeated as it is stays fine."""
    g = tmp_path / "g.txt"
    g.write_text("кошка\tKITTY\nмолоко\nкошка\tPUSSY\n", encoding="utf-8")
    with pytest.raises(GlossaryError) as err:
        Glossary.load(g)
    assert str(err.value) == (f"--glossary {g}, line 3: 'кошка' is already on line 1 with "
                              "another translation; keep one of the two lines")
    g.write_text("кошка\tKITTY\nкошка\n", encoding="utf-8")  # kept vs translated: refused too
    with pytest.raises(GlossaryError, match="line 2: 'кошка' is already on line 1"):
        Glossary.load(g)
    g.write_text("кошка\tKITTY\nкошка\tKITTY\nмолоко\nмолоко\n", encoding="utf-8")
    assert Glossary.load(g).entries == {"кошка": "KITTY", "молоко": None}


def test_a_glossary_with_a_term_twice_is_one_usage_error_in_clean(tmp_path, capsys):
    g = tmp_path / "g.txt"
    g.write_text("кошка\tKITTY\nкошка\tPUSSY\n", encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("The cat story. кошка любит молоко.\n", encoding="utf-8")
    assert cli.main(["clean", str(src), "--glossary", str(g), "--no-cache"]) == 2
    err = capsys.readouterr().err
    assert f"--glossary {g}, line 2: 'кошка' is already on line 1" in err
    assert "Traceback" not in err


def test_a_min_translation_score_above_zero_is_a_usage_error(ru_en, tmp_path, capsys):
    """Scores are log-probabilities (0 or below).  --min-translation-score 0.5, read as
    a probability, refused every sentence as low-score: the output kept all the Russian
    and the run said nothing.  It is a usage error now; 0 and below still work."""
    src = tmp_path / "a.txt"
    src.write_text("The cat story is long and here. кошка любит молоко. The end of the "
                   "story is here.\n", encoding="utf-8")
    assert cli.main(["clean", str(src), "--no-cache", "--min-translation-score", "0.5"]) == 2
    assert "option min_translation_score=0.5 must be at most 0.0" in capsys.readouterr().err
    with pytest.raises(ConfigError):
        Config(min_translation_score=0.5)
    assert cli.main(["clean", str(src), "--no-cache", "--min-translation-score", "-1"]) == 0
    assert "cat loves milk." in capsys.readouterr().out


def test_models_check_says_why_a_package_that_fails_while_translating_is_passed_over(
        argos_env, tmp_path, capsys):
    """A package that loads but fails in CTranslate2 (here: it decodes past its 128
    position encodings) fails its sentences (test_trials18.py); `clean` ends with "see 'polyclean models check
    translate-ru_en-1.0' for why", but `models check` printed only "outcome : installed
    package translate-ru_en-1.0 cannot be loaded (kept)" - no why.  It now fails with
    the reason, in one line."""
    pkg = build_package_dir(tmp_path / "b", RU_EN, behaviour="repeat")
    models.install_file(zip_folder(pkg, tmp_path / "repeat.argosmodel"))
    src = tmp_path / "a.txt"
    src.write_text("The cat story is long and here. Кошка любит молоко. The end of the "
                   "story is here.\n", encoding="utf-8")
    assert cli.main(["clean", str(src), "--no-cache"]) == 0
    assert "see 'polyclean models check translate-ru_en-1.0' for why" in capsys.readouterr().err
    assert cli.main(["models", "check", "translate-ru_en-1.0"]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("polyclean models: error: package "
                                                   "translate-ru_en-1.0 in ")
    assert "failed while translating: No position encodings are defined" in err


EN_BODY = [
    "There is consternation among some AMs at a suggestion their title should change to MWPs.",
    "It has arisen because of plans to change the name of the assembly to the Welsh Parliament.",
    "AMs across the political spectrum are worried it could invite ridicule.",
    "One Labour AM said his group was concerned it rhymes with Twp and Pwp.",
    "For readers outside of Wales: In Welsh twp means daft and pwp means poo.",
    "A Plaid AM said the group as a whole was not happy and has suggested alternatives.",
]
FURNITURE = "The committee will publish its final report on the matter next spring, officials said."
RU_LINE = "Из русской литературы 19 века мы предпочитали Данилевского и Волконского."


def test_missing_model_fail_fails_only_its_documents_and_keeps_the_batch(tmp_path):
    """--missing-model fail with one Russian fragment in a batch of English pages: the
    batch was cleaned again document by document, so the other pages lost the batch's
    boilerplate learning and kept the line recurring on every page (their output
    differed from the same run with --missing-model keep).  Now the document with no
    package fails alone and every other output is the one --missing-model keep gives."""
    empty = tmp_path / "no-packages"
    empty.mkdir()
    texts = [f"{EN_BODY[i]}\n\n{FURNITURE}\n\n{EN_BODY[(i + 1) % 6]}" for i in range(6)]
    texts[2] = f"{EN_BODY[2]}\n\n{RU_LINE}\n\n{FURNITURE}\n\n{EN_BODY[3]}"
    src = tmp_path / "d.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}) + "\n" for i, t in enumerate(texts)),
                   "utf-8")
    common = ["clean", str(src), "--packages-dir", str(empty), "--no-cache", "-q"]
    assert cli.main([*common, "-o", str(tmp_path / "keep.jsonl")]) == 0
    assert cli.main([*common, "-o", str(tmp_path / "fail.jsonl"), "--missing-model", "fail"]) == 1
    keep = [json.loads(l) for l in (tmp_path / "keep.jsonl").read_text("utf-8").splitlines()]
    fail = [json.loads(l) for l in (tmp_path / "fail.jsonl").read_text("utf-8").splitlines()]
    if RU_LINE not in keep[2]["text"]:
        pytest.skip("the detector did not call the Russian line foreign")
    # a line on every page, which only the batch's learning removes (cleaned alone, kept)
    assert all(FURNITURE not in r["text"] for r in keep)
    assert FURNITURE in Cleaner(translate=False).clean(texts[0]).text
    assert fail == [r for r in keep if r["id"] != 2]
    errors = [json.loads(l) for l in
              (tmp_path / "fail.jsonl.errors.jsonl").read_text("utf-8").splitlines()]
    assert [e["line"] for e in errors] == [3]
    assert errors[0]["error"].startswith("MissingModelError: no installed Argos package "
                                         "translates ru->en")
    # The library: clean_batch gives the failing document an error result, as for a
    # document that cannot be decoded; clean() raises it.
    cleaner = Cleaner(missing_model="fail", packages_dir=str(empty), use_cache=False)
    results = cleaner.clean_batch(texts)
    assert [r.error is not None for r in results] == [False, False, True, False, False, False]
    assert [r.text for r in results if r.error is None] == [r["text"] for r in fail]
    from polyclean.translate import MissingModelError
    with pytest.raises(MissingModelError):
        cleaner.clean(texts[2])


def test_models_install_of_a_package_folder_says_it_is_a_folder(argos_env, tmp_path, capsys):
    """`polyclean models install translate-de_en-1_0/` (the unzipped package) said
    "no such file" of a folder that is there."""
    pkg = build_package_dir(tmp_path / "b", RU_EN)
    assert cli.main(["models", "install", str(pkg)]) == 1
    err = capsys.readouterr().err
    assert err == (f"polyclean models: error: {pkg}: is a folder, not a package file; give "
                   "the .argosmodel file (a zip), or zip the folder as one top-level folder "
                   "first\n")
    with pytest.raises(models.PackageError, match="is a folder"):
        models.install_file(pkg)


def test_a_glossary_with_no_protect_is_a_usage_error(ru_en, tmp_path, capsys):
    """Glossary terms are protected spans, so --no-protect turned the glossary off:
    'молоко<TAB>MILK' came out 'milk', without a word."""
    g = tmp_path / "g.txt"
    g.write_text("молоко\tMILK\n", encoding="utf-8")
    src = tmp_path / "a.txt"
    src.write_text("The cat story is long and here. Кошка любит молоко. The end of the "
                   "story is here.\n", encoding="utf-8")
    assert cli.main(["clean", str(src), "--no-cache", "--glossary", str(g)]) == 0
    assert "Cat loves MILK." in capsys.readouterr().out
    assert cli.main(["clean", str(src), "--no-cache", "--glossary", str(g), "--no-protect"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and "--no-protect and --glossary contradict each other" in err


def test_a_packages_dir_that_is_a_file_is_one_usage_error(tmp_path, capsys):
    """--packages-dir naming a file made every record fail with 'ModelsError: cannot
    read the packages folder X: Not a directory' (100 error lines, then the run stopped
    for too many errors).  It is one usage error before anything is read; a folder not
    made yet is still fine (nothing installed), and --no-translate does not look."""
    afile = tmp_path / "afile"
    afile.write_text("x")
    src = tmp_path / "d.jsonl"
    src.write_text("".join(json.dumps({"text": f"{EN_BODY[i]} {RU_LINE}"}) + "\n"
                           for i in range(6)), "utf-8")
    out = tmp_path / "o.jsonl"
    common = ["clean", str(src), "-o", str(out), "--no-cache"]
    assert cli.main([*common, "--packages-dir", str(afile)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"polyclean: error: cannot read the packages folder {afile}: Not a "
                          "directory; give a folder with --packages-dir DIR, or --no-translate\n")
    assert not out.exists() and not (tmp_path / "o.jsonl.errors.jsonl").exists()
    assert cli.main([*common, "--packages-dir", str(afile), "--no-translate", "-q"]) == 0
    assert cli.main([*common, "--packages-dir", str(tmp_path / "none"), "-q"]) == 0


def test_the_untranslated_warning_names_the_pair_and_the_packages_folder_of_the_run(
        tmp_path, capsys):
    """With --target-lang de the warning said 'polyclean models install ru', which
    installs ru -> en; with --packages-dir X its 'polyclean models list' looked in
    another folder.  The commands now name ru-de and the run's --packages-dir."""
    src = tmp_path / "a.txt"
    src.write_text(f"{EN_BODY[0]} {RU_LINE} {EN_BODY[1]}\n", encoding="utf-8")
    empty = tmp_path / "argos"
    empty.mkdir()
    assert cli.main(["clean", str(src), "--no-cache", "--packages-dir", str(empty)]) == 0
    err = capsys.readouterr().err
    if "left untranslated (ru 1)" not in err:
        pytest.skip("the detector did not call the Russian sentence foreign")
    assert err.endswith(f"no installed translation package; see 'polyclean models list "
                        f"--packages-dir {empty}' and 'polyclean models install ru "
                        f"--packages-dir {empty}'\n")
    de = "Die Katze trinkt Milch und der Hund frisst heute das Fleisch in der Küche."
    src.write_text(f"{de} {RU_LINE} {de}\n", encoding="utf-8")
    assert cli.main(["clean", str(src), "--no-cache", "--packages-dir", str(empty),
                     "--target-lang", "de"]) == 0
    err = capsys.readouterr().err
    assert "left untranslated (ru 1)" in err
    assert f"'polyclean models install ru-de --packages-dir {empty}'" in err


def _interrupted_run(monkeypatch, cmd: list[str]) -> None:
    """Run ``cmd`` in this process and stop it like Ctrl-C once the first batch is
    journalled (the partial output and the journal stay, as after a kill)."""
    from polyclean import journal

    saved = journal.Journal.save

    def save_then_stop(self, data):
        saved(self, data)
        raise KeyboardInterrupt

    monkeypatch.setattr(journal.Journal, "save", save_then_stop)
    assert cli.main(cmd) == 130
    monkeypatch.setattr(journal.Journal, "save", saved)


def test_resume_refuses_a_glossary_or_packages_changed_since_the_kill(
        ru_en, tiny_zips, tmp_path, monkeypatch, capsys):
    """The journal compared the --glossary path, not the file: a glossary edited (or a
    package installed) between a kill and --resume gave an output translated one way up
    to the kill and another way after it, exit 0.  Both are refused now (exit 2), as a
    changed input is; an unchanged one resumes to the uninterrupted run's bytes."""
    g = tmp_path / "g.txt"
    g.write_text("молоко\tMILK\n", encoding="utf-8")
    src = tmp_path / "d.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": f"{EN_BODY[i % 6]} Кошка любит молоко."})
                           + "\n" for i in range(8)), "utf-8")
    out = tmp_path / "o.jsonl"
    cmd = ["clean", str(src), "-o", str(out), "--batch-docs", "2", "--no-cache", "-q",
           "--glossary", str(g)]
    _interrupted_run(monkeypatch, cmd)
    g.write_text("молоко\tMILK!\n", encoding="utf-8")
    assert cli.main([*cmd, "--resume"]) == 2
    assert "belongs to other inputs or options" in capsys.readouterr().err
    g.write_text("молоко\tMILK\n", encoding="utf-8")  # as it was: resumes
    assert cli.main([*cmd, "--resume"]) == 0
    resumed = out.read_bytes()
    assert cli.main(cmd) == 0 and out.read_bytes() == resumed
    assert resumed.count(b"Cat loves MILK.") == 8
    # a package installed between the kill and --resume
    _interrupted_run(monkeypatch, cmd)
    models.install_file(tiny_zips["uk-ru"])
    assert cli.main([*cmd, "--resume"]) == 2
    assert "the installed translation packages changed" in capsys.readouterr().err
