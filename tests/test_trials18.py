"""Defects of trials18: a package passed over for a whole run after failing on one
sentence; --on-error fail with --missing-model fail; the separator controls U+001C..1E;
polyclean.dask.read_documents options and the names of failing Dask elements."""

from __future__ import annotations

import json

import pytest

import polyclean
from argos_tiny import RU_EN, argos_env, build_package, zip_folder  # noqa: F401
from polyclean import Cleaner, cli, models
from polyclean.report import replay

LONG = "Кошка " + " ".join(["и"] * 30) + " молоко."  # 32 tokens: past 24 positions
DOCS = [
    "The cat story is long and here. Кошка любит молоко. The end of the story is here.",
    "The cat story is long and here. " + LONG + " The end of the story is here.",
    "The dog story is long and here. Собака ест мясо. The end of the story is here.",
    "The cat story is long and here. Кошка пьёт воду. The end of the story is here.",
]


@pytest.fixture
def short_ru_en(argos_env, tmp_path):
    """ru -> en with 24 position encodings: a sentence of more tokens fails in
    CTranslate2 ("No position encodings are defined for positions >= 24")."""
    models.install_file(build_package(tmp_path / "pkg", RU_EN, max_positions=24))
    src = tmp_path / "d.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                   for i, t in enumerate(DOCS)), "utf-8")
    return src


def _rows(path):
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def test_a_package_that_fails_on_one_sentence_is_used_for_every_other(short_ru_en, tmp_path,
                                                                      capsys):
    """One sentence longer than the package's positions made CTranslate2 fail; the
    package was then passed over for the rest of the process: every later document kept
    its Russian ("installed package translate-ru_en-1.0 cannot be loaded"), and -j 2 gave
    another output than -j 1 (the worker that met the sentence lost the package, the
    other kept it).  Now that sentence alone fails (kept, reported with its reason) and
    the package translates everything else, whatever -j and the cache."""
    src, outs = short_ru_en, {}
    for name, extra in (("j1", ["-j", "1", "--no-cache"]), ("j2", ["-j", "2", "--no-cache"]),
                        ("cold", ["-j", "1"]), ("warm", ["-j", "2"])):
        out = tmp_path / f"{name}.jsonl"
        assert cli.main(["clean", str(src), "-o", str(out), "--batch-docs", "1",
                         "--report", str(tmp_path / f"{name}.report.jsonl"), *extra]) == 0
        err = capsys.readouterr().err
        assert ("1 sentence could not be translated (translate-ru_en-1.0): the package "
                "failed on it (kept as it was; each is in the report); see 'polyclean "
                "models check translate-ru_en-1.0' for why") in err, err
        assert "cannot be loaded" not in err
        outs[name] = (out.read_bytes(), (tmp_path / f"{name}.report.jsonl").read_bytes())
    assert len(set(outs.values())) == 1  # -j and the cache change nothing
    rows = _rows(tmp_path / "j1.jsonl")
    assert [r["text"] for r in rows] == [
        "The cat story is long and here. Cat loves milk. The end of the story is here.",
        "The cat story is long and here. " + LONG + " The end of the story is here.",
        "The dog story is long and here. Dog eats meat. The end of the story is here.",
        "The cat story is long and here. Cat drinks water. The end of the story is here."]
    report = _rows(tmp_path / "j1.report.jsonl")[1]
    (change,) = [c for c in report["changes"] if c["step"] == "translate"]
    (refused,) = change["refused"]
    assert refused["code"] == "model-error" and refused["sentence"] == LONG
    assert "failed while translating: No position encodings" in refused["detail"]
    assert report["stages"]["translate"].startswith("partial: 0 of 1 fragments translated")


def test_a_failed_sentence_follows_missing_model(short_ru_en, tmp_path, capsys):
    """--missing-model applies to a sentence the package failed on: transliterate
    transliterates it, fail fails its document alone (named, with why), and the other
    documents are translated."""
    src = short_ru_en
    out = tmp_path / "t.jsonl"
    assert cli.main(["clean", str(src), "-o", str(out), "--no-cache",
                     "--missing-model", "transliterate"]) == 0
    rows = _rows(out)
    assert rows[1]["text"].startswith("The cat story is long and here. Koshka i i i")
    assert rows[2]["text"] == ("The dog story is long and here. Dog eats meat. The end "
                               "of the story is here.")
    capsys.readouterr()
    out = tmp_path / "f.jsonl"
    assert cli.main(["clean", str(src), "-o", str(out), "--no-cache",
                     "--missing-model", "fail"]) == 1
    err = capsys.readouterr().err
    assert [r["id"] for r in _rows(out)] == [0, 2, 3]
    assert "Dog eats meat" in _rows(out)[1]["text"]
    (line,) = _rows(tmp_path / "f.jsonl.errors.jsonl")
    assert line["line"] == 2 and line["error"].startswith(
        "TranslationError: package translate-ru_en-1.0 in ")
    assert "failed while translating: No position encodings" in line["error"]
    assert "on the sentence 'Кошка и и и" in line["error"]
    assert f"{src.name}:line 2: TranslationError: package translate-ru_en-1.0" in err


EN_DOCS = ["The cat story is long and here. The end of the story is here.",
           "The dog story is long and here. The end of the story is here.",
           "Из русской литературы 19 века мы предпочитали Данилевского и Волконского.",
           "The bird story is long and here. The end of the story is here."]


@pytest.mark.parametrize("batch", ["1", "256"])
def test_on_error_fail_writes_what_came_before_the_failure(tmp_path, capsys, batch):
    """--on-error fail stopped at a record with no package (--missing-model fail) or a
    record that cannot be read, and a single output file was removed: nothing cleaned
    before the failure was written, while a mirrored tree and stdout kept those
    documents.  Every output now holds what came before the failing record, whatever
    the error and -j, and the run says it stopped."""
    empty = tmp_path / "no-packages"
    empty.mkdir()
    src = tmp_path / "d.jsonl"
    src.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                   for i, t in enumerate(EN_DOCS)), "utf-8")
    bad = tmp_path / "bad.jsonl"
    bad.write_text(src.read_text("utf-8").replace(json.dumps(EN_DOCS[2], ensure_ascii=False),
                                                  "5"), "utf-8")
    runs = {"missing": [str(src), "--packages-dir", str(empty), "--missing-model", "fail"],
            "unreadable": [str(bad)]}
    for name, args in runs.items():
        for jobs in ("1", "2"):
            out = tmp_path / f"{name}-{jobs}.jsonl"
            assert cli.main(["clean", *args, "-o", str(out), "--no-cache", "--on-error", "fail",
                             "--batch-docs", batch, "-j", jobs,
                             "--report", str(tmp_path / f"{name}-{jobs}.report")]) == 1
            err = capsys.readouterr().err
            assert [r["id"] for r in _rows(out)] == [0, 1], (name, err)
            assert len(_rows(tmp_path / f"{name}-{jobs}.report")) == 3  # and line 3's error
            assert err.splitlines()[-1] == (
                "polyclean: error: stopped at the first record that failed (--on-error "
                "fail): the output holds what came before it, the rest of the input was "
                "not written (--on-error continue goes on past it)")
            (line,) = _rows(tmp_path / f"{name}-{jobs}.jsonl.errors.jsonl")
            assert line["line"] == 3
            assert not list(tmp_path.glob(".*polyclean*"))


def test_file_group_and_record_separators_are_line_breaks_not_deleted(tmp_path, capsys):
    """U+001C-U+001E (file, group and record separators, as exports and RS-separated
    JSON carry them) were removed as control characters, which joined the words on
    either side ("foo\\x1ebar" became "foobar").  They separate records, and
    str.splitlines breaks lines at them: they become line breaks (a decode change, as
    the vertical tab and the form feed), and a second clean changes nothing."""
    text = ("The first record of the export is here.\x1eThe second record is here."
            "\x1dThe third one.\x1cThe fourth one.")
    res = Cleaner(translate=False).clean(text)
    assert res.text == ("The first record of the export is here.\nThe second record is "
                        "here.\nThe third one.\nThe fourth one.")
    assert replay(res.source, res.report) == res.text
    assert [(c["step"], c["original"], c["result"], c["reason"]) for c in res.report["changes"]
            if c["original"] in "\x1c\x1d\x1e"] == [
        ("decode", sep, "\n", "line-breaks") for sep in "\x1e\x1d\x1c"]
    assert polyclean.clean(res.text, translate=False) == res.text
    for x in ("foo\x1ebar", "a\x1e\x1eb", "a\x1e\nb", "x \x1d y"):
        once = polyclean.clean(x, translate=False)
        assert "\n" in once and polyclean.clean(once, translate=False) == once
    assert polyclean.normalize("foo\x1ebar\x1dbaz\x1cqux") == "foo\nbar\nbaz\nqux"
    src = tmp_path / "a.txt"
    src.write_bytes(b"Name one of the list is here.\x1eName two of the list is here.\n")
    assert cli.main(["clean", str(src), "--no-translate"]) == 0
    assert capsys.readouterr().out == ("Name one of the list is here.\nName two of the list "
                                       "is here.\n")


@pytest.fixture(scope="module")
def cluster():
    """Two Dask worker processes (distributed's LocalCluster)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as c, \
            distributed.Client(c) as client:
        yield client


def test_read_documents_takes_the_delimiter_and_encoding_of_the_command_line(
        tmp_path, cluster, capsys):
    """``polyclean.dask.read_documents`` had no delimiter or encoding: a cp1251 CSV
    separated by ';' (as Excel writes it in much of Europe) gave one document "no column
    'text' (columns: id;text)", a KOI8-R text file was left to detection, and
    ``read_documents(..., delimiter=';')`` was a TypeError.  They mean what --delimiter
    and --encoding mean, on the Dask workers, and are checked when it is called."""
    import polyclean.dask
    from polyclean.errors import ConfigError

    rows = ["Первая строка; текст.", "Вторая строка, текст."]
    (tmp_path / "a.csv").write_bytes(("id;text\r\n" + "".join(
        f'{i};"{t}"\r\n' for i, t in enumerate(rows))).encode("cp1251"))
    (tmp_path / "b.tsv").write_bytes("id\ttext\nt1\tТретья строка.\n".encode("cp1251"))
    (tmp_path / "c.txt").write_bytes("Всё хорошо. Ещё раз.\n".encode("cp1251"))
    (tmp_path / "d.csv").write_bytes("id\ttext\nq1\t\"Четвёртая, строка.\"\n".encode("cp1251"))
    bag = polyclean.dask.read_documents(str(tmp_path / "[abc]*"), delimiter=";",
                                        encoding="cp1251")
    docs = bag.compute()  # on the cluster's workers
    assert [(d["source"].rsplit("/", 1)[1], d["where"], d.get("id"), d["text"])
            for d in docs] == [
        ("a.csv", "row 1", "0", rows[0]), ("a.csv", "row 2", "1", rows[1]),
        ("b.tsv", "row 1", "t1", "Третья строка."),
        ("c.txt", "", None, "Всё хорошо. Ещё раз.\n")]
    (d,) = polyclean.dask.read_documents(str(tmp_path / "d.csv"), delimiter="tab",
                                         encoding="cp1251").compute()
    assert (d["id"], d["text"]) == ("q1", "Четвёртая, строка.")
    # the same documents as the command line with the same flags
    assert cli.main(["clean", str(tmp_path / "a.csv"), "-o", str(tmp_path / "out.jsonl"),
                     "--delimiter", ";", "--encoding", "cp1251", "--no-translate", "-q"]) == 0
    cleaned = polyclean.dask.clean_bag(bag, translate=False).compute()
    assert [r["text"] for r in _rows(tmp_path / "out.jsonl")] == [c["text"] for c in cleaned[:2]]
    for bad, why in (({"delimiter": "x"}, "option delimiter='x' is not one of"),
                     ({"encoding": "no-such"}, "option encoding='no-such' is an unknown encoding"),
                     ({"encoding": "hex"}, "option encoding='hex' is not a text encoding")):
        with pytest.raises(ConfigError, match=why):
            polyclean.dask.read_documents(str(tmp_path / "a.csv"), **bad)
    (err,) = polyclean.dask.read_documents(str(tmp_path / "c.txt"), encoding="utf-8").compute()
    assert err["text"] is None and err["error"].startswith("invalid utf-8 bytes at offset 0")


def test_a_failing_bag_element_is_named_by_its_position_in_the_bag_or_its_id(cluster):
    """A Dask element that cannot be cleaned was named by its position in its
    partition ('document at position 0' for the seventh of nine texts in three
    partitions), a number nobody can look up.  It is named by its position in the whole
    Bag, and a dict by its id when it has one; nothing is read twice for it."""
    import dask.bag as db

    import polyclean.dask
    from polyclean.errors import RecordError

    texts = [f"Text number {i} is here." for i in range(9)]
    bad = list(texts)
    bad[6] = 5
    with pytest.raises(RecordError, match=r"^document at position 6: expected str or bytes, got int$"):
        polyclean.dask.clean_bag(db.from_sequence(bad, npartitions=3), translate=False).compute()
    docs = [{"id": f"doc-{i}", "text": t} for i, t in enumerate(texts)]
    docs[7]["text"] = 5
    with pytest.raises(RecordError, match=r"^document with id 'doc-7' \(at position 7\): "
                                          r"expected str or bytes, got int$"):
        polyclean.dask.clean_bag(db.from_sequence(docs, npartitions=3), translate=False).compute()
    # unevenly filled partitions (a filter), and the elements are made once each
    made = []
    bag = db.from_sequence(range(20), npartitions=4).filter(lambda n: n % 3).map(
        lambda n: (made.append(n), texts[n % 9] if n != 17 else b"\xff\xfe\x00")[1])
    with pytest.raises(RecordError, match=r"^document at position 11: "):
        polyclean.dask.clean_bag(bag, translate=False).compute(scheduler="synchronous")
    assert len(made) == len([n for n in range(20) if n % 3])
    got = polyclean.dask.clean_bag(db.from_sequence(texts, npartitions=3),
                                   translate=False).compute()
    assert got == [polyclean.clean(t, translate=False) for t in texts]
