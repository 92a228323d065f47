"""The stage architecture: Doc.apply, the stage order, prefixes, honest statuses."""

import json
import pickle
import re
from pathlib import Path

import pytest

import polyclean
from polyclean import Cleaner
from polyclean.doc import Doc
from polyclean.report import Change, REPORT_SCHEMA, replay
from polyclean.stages import (
    STAGES, Boilerplate, Decode, Detect, PipelineError, Stage, Translate, check_order, prefix,
)

ROOT = Path(__file__).resolve().parents[1]
RU = "Президент подписал новый закон о бюджете на следующий год."
EN = ("The council met on Tuesday to discuss the new budget for the city.\n"
      "Several members asked for more money for the schools of the district.\n")


def test_doc_apply_composes_two_passes_of_one_step_so_the_report_replays():
    doc = Doc.from_text("a  b  c")
    doc.apply([Change("normalize", 1, 3, "  ", " ", "whitespace")])
    doc.apply([Change("normalize", 3, 5, "  ", " ", "whitespace")])  # offsets into "a b  c"
    assert doc.text == "a b c"
    # one group of changes on the source text (offsets 4-6, not the second pass's 3-5),
    # so that replay, which applies a step's changes together, rebuilds the output
    assert [(c.step, c.start, c.end) for c in doc.report.changes] == [
        ("normalize", 1, 3), ("normalize", 4, 6)]
    assert replay(doc.source, doc.report.to_dict()) == "a b c"
    assert doc.report.counts == {"normalize": 2}


def test_doc_apply_remaps_segments_and_drops_those_in_removed_lines():
    text = "Menu\n" + RU + "\nEnd of story here.\n"
    res = Cleaner(translate=False, boilerplate=False).clean(text)
    doc = Doc.from_text(text)
    doc.segments = list(polyclean.detect(text))
    ru_seg = next(s for s in doc.segments if s.lang == "ru")
    doc.apply([Change("boilerplate", 0, 5, "Menu\n", "", "ui-phrase")])
    moved = next(s for s in doc.segments if s.lang == "ru")
    assert (moved.start, moved.end) == (ru_seg.start - 5, ru_seg.end - 5)
    assert doc.text[moved.start:moved.end] == RU
    assert not any(s.text == "Menu" for s in doc.segments)
    assert res.ok


def test_stage_order_lives_in_one_tuple_and_is_checked():
    assert [s.name for s in STAGES] == ["extract", "decode", "repair", "detect",
                                        "boilerplate", "translate", "normalize"]
    check_order(STAGES)
    with pytest.raises(PipelineError, match="requires 'segments'"):
        check_order((Decode, Boilerplate, Detect))
    with pytest.raises(ValueError, match="no stage 'nope'"):
        prefix("nope")
    for s in STAGES:
        assert issubclass(s, Stage) and s.name and s.assigns


def test_every_entry_point_runs_a_prefix_of_the_same_stages():
    moji = "Zagolovok: \u0420\u2014\u0420\u00b0\u0420\u0456\u0420\u0455\u0420\u00bb\u0420\u0455\u0420\u0406\u0420\u0455\u0420\u0454"
    text = EN.replace("\n", "\r\n") + moji + "\r\n"
    res = Cleaner(translate=False).clean(text)
    # polyclean.repair = decode (line breaks) + repair; polyclean.detect = ... + detect
    assert polyclean.repair(text) == res.repaired
    assert "\r" not in polyclean.repair(text.encode("utf-8"))
    segs = polyclean.detect(text)
    assert [(s.start, s.end, s.lang) for s in segs] == [
        (s.start, s.end, s.lang) for s in res.segments]
    # detection sees the repaired text (the old polyclean.detect did not repair)
    assert any(s.lang == "ru" and "\u0417\u0430\u0433\u043e\u043b\u043e\u0432\u043e\u043a" in s.text
               for s in segs)


def test_report_fragments_use_the_offsets_of_polyclean_detect_on_crlf_input():
    text = ("Intro line with enough English words to be English.\r\n" * 3 + RU + "\r\n"
            + EN.replace("\n", "\r\n"))
    report = Cleaner(translate=False).clean(text).report
    assert report["schema"] == REPORT_SCHEMA
    frags = [(f["start"], f["end"], f["lang"]) for f in report["fragments"]]
    assert frags and all(lang == "ru" for *_, lang in frags)
    from_detect = [(s.start, s.end, s.lang) for s in polyclean.detect(text) if s.foreign]
    assert frags == from_detect


def test_translate_status_is_honest_when_no_package_is_installed(tmp_path):
    text = EN + RU + "\n"
    res = Cleaner(packages_dir=str(tmp_path), use_cache=False).clean(text)
    status = res.report["stages"]["translate"]
    assert status.startswith("partial: 0 of 1 fragments translated")
    assert "no installed package for ru->en" in status
    off = Cleaner(translate=False).clean(text).report["stages"]["translate"]
    assert off == "off"
    none = Cleaner(packages_dir=str(tmp_path)).clean(EN).report["stages"]["translate"]
    assert none == "none: no foreign fragments"


def test_nul_characters_are_removed_and_reported():
    res = Cleaner(translate=False).clean("Hello\x00 world.\x00\x00\n")
    assert res.text == "Hello world."  # (the normaliser strips the final line break)
    nul = [c for c in res.report["changes"] if c["reason"] == "nul"]
    assert len(nul) == 2 and nul[0]["step"] == "decode"
    assert replay(res.source, res.report) == res.text


def test_a_removed_foreign_line_carries_its_language():
    # a Russian line recurring in every document of a batch is furniture; it is removed
    # before translation, and the report says it was Russian
    line = "\u0427\u0438\u0442\u0430\u0439\u0442\u0435 \u0442\u0430\u043a\u0436\u0435 \u043d\u0430\u0448\u0438 \u043d\u043e\u0432\u043e\u0441\u0442\u0438 \u043e \u0441\u043f\u043e\u0440\u0442\u0435"
    bodies = [
        "The mayor opened the new bridge across the river on a sunny morning this week.",
        "Heavy rain flooded several streets in the old town during the night on Sunday.",
        "The local football club won its third match in a row after a late goal.",
        "Teachers asked the city council for more money to repair the school buildings.",
    ]
    docs = [f"{b}\n{line}\nThat was the news from our reporters in the city today.\n"
            for b in bodies]
    results = Cleaner(translate=False).clean_batch(docs)
    for r in results:
        assert "\u0427\u0438\u0442\u0430\u0439\u0442\u0435" not in r.text
        removed = [c for c in r.report["changes"]
                   if c["step"] == "boilerplate" and "\u0427\u0438\u0442\u0430\u0439\u0442\u0435" in c["original"]]
        assert removed and removed[0].get("lang") == "ru"


def test_per_document_reports_do_not_depend_on_history(tmp_path):
    text = EN + RU + "\n"
    a = Cleaner(packages_dir=str(tmp_path)).clean(text).report
    b = Cleaner(packages_dir=str(tmp_path)).clean(text).report
    assert json.dumps(a) == json.dumps(b)
    assert all("cache" not in c for c in a["changes"])


def test_cleaner_pickles_as_its_config_and_keeps_no_stage_state():
    c = Cleaner(translate=False, ascii=True)
    c.clean(EN)
    data = pickle.dumps(c)
    assert len(data) < 2000
    c2 = pickle.loads(data)
    assert c2.config == c.config and c2.clean(EN).text == c.clean(EN).text
    assert isinstance(c.stage(Translate), Translate)


def test_readme_architecture_table_matches_the_stages():
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("## Architecture", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \| ([^|]*) \| ([^|]*) \|", section, re.M)
    assert [r[0] for r in rows] == [s.name for s in STAGES]
    for (name, cls, req, assigns), stage in zip(rows, STAGES):
        assert cls == stage.__name__
        assert [x.strip(" `") for x in req.split(",") if x.strip()] == list(stage.requires)
        assert [x.strip(" `") for x in assigns.split(",") if x.strip()] == list(stage.assigns)
