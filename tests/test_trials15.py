"""Defects found by using polyclean as a library inside ETL code (NumPy arrays of text,
ids from a DataFrame, ``Dataset.map``, text extracted from PDFs and word processors):
what a user sees."""

from __future__ import annotations

import csv
import datetime
import json
from pathlib import Path

import pytest

import polyclean
from polyclean import Cleaner
from polyclean.errors import ConfigError
from polyclean.report import replay

ROOT = Path(__file__).resolve().parent.parent
WMT = ROOT.parent / "shared" / "data" / "wmt22-generaltest-ru-en" / "wmt22_ru_en.tsv"


def wmt_pages(n: int = 6, per_page: int = 4) -> list[str]:
    """English reference sentences of the WMT22 test set, ``per_page`` to a page."""
    if not WMT.exists():
        pytest.skip(f"shared data not found: {WMT} (expected beside the repository)")
    with WMT.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    en = [r["en"] for r in rows[: n * per_page]]
    return [" ".join(en[i:i + per_page]) for i in range(0, len(en), per_page)]


def test_a_numpy_array_of_text_is_cleaned_like_a_list():
    """``clean_batch(np.array(texts))`` (a DataFrame column's ``to_numpy()``) gives
    ``numpy.str_`` items, a ``str`` subclass: the compiled segmenter refused them and the
    whole batch ended in ``TypeError: Argument 'text' has incorrect type (expected str,
    got numpy.str_)``."""
    np = pytest.importorskip("numpy")
    pages = wmt_pages()
    cleaner = Cleaner(translate=False)
    want = [r.text for r in cleaner.clean_batch(pages)]
    got = cleaner.clean_batch(np.array(pages))
    assert [r.error for r in got] == [None] * len(pages)
    assert [r.text for r in got] == want
    assert all(type(r.text) is str for r in got)
    assert polyclean.clean(np.str_(pages[0]), translate=False) == want[0]
    assert [s.text for s in polyclean.detect(np.str_(pages[0]))] == \
        [s.text for s in polyclean.detect(pages[0])]


def test_report_ids_of_numpy_and_timestamp_types_are_json():
    """The report is "JSON-ready", but ids from ``np.arange`` or a column's
    ``to_numpy()`` stayed ``np.int64`` and ``json.dumps(result.report)`` failed
    (``Object of type int64 is not JSON serializable``); so did a date."""
    np = pytest.importorskip("numpy")
    pages = wmt_pages(3)
    cleaner = Cleaner(translate=False)
    results = cleaner.clean_batch(pages, ids=np.arange(10, 13))
    reports = [json.loads(json.dumps(r.report, allow_nan=False)) for r in results]
    assert [r["id"] for r in reports] == [10, 11, 12]
    day = datetime.date(2024, 5, 1)
    res = cleaner.clean(pages[0], id=day)
    assert json.loads(json.dumps(res.report, allow_nan=False))["id"] == "2024-05-01"
    failed = cleaner.clean_batch([5], ids=[np.int64(4)])[0]  # a failed document's record too
    assert json.loads(json.dumps(failed.report))["id"] == 4
    # ids JSON can hold are kept as given
    assert [r.report["id"] for r in cleaner.clean_batch(pages[:2], ids=["a", None])] == ["a", None]


def test_vertical_tab_and_form_feed_are_line_breaks_not_deleted():
    """Text from a PDF (a form feed between pages) or a word processor (a vertical tab
    for a line break) came out with the words on either side joined: the control
    characters were removed ("...last sentence.First sentence of the next page").
    They are line breaks, as ``str.splitlines`` and Unicode have them."""
    pages = wmt_pages(2)
    text = pages[0] + "\x0c" + pages[1] + "\x0bThird line of the document."
    res = Cleaner(translate=False).clean(text)
    assert res.text == pages[0] + "\n" + pages[1] + "\nThird line of the document."
    assert replay(res.source, res.report) == res.text
    assert [(c["step"], c["original"], c["result"]) for c in res.report["changes"]
            if c["original"] in "\x0b\x0c"] == [("decode", "\x0c", "\n"), ("decode", "\x0b", "\n")]
    assert polyclean.normalize("one\x0ctwo\x0bthree") == "one\ntwo\nthree"
    assert polyclean.clean(res.text, translate=False) == res.text


def test_map_function_refuses_one_row_and_clashing_columns():
    """``Dataset.map(fn)`` without ``batched=True`` hands the function one row, whose
    text is a str: each text was cleaned as a list of its characters and stored as such
    without a word.  An ``error_column`` equal to the output column replaced the cleaned
    texts with the errors (None for every good document); equal to the text column, it
    replaced the input."""
    import polyclean.hf

    f = polyclean.hf.map_function(translate=False, output_column="clean")
    with pytest.raises(ConfigError, match=r"batched=True"):
        f({"text": "Hello  world"})
    with pytest.raises(ConfigError, match=r"batched=True"):
        f({"text": None})
    assert f({"text": ["Hello  world", None]})["clean"] == ["Hello world", None]
    with pytest.raises(ConfigError, match=r"output_column='polyclean_error' and "
                                           r"error_column='polyclean_error'"):
        polyclean.hf.map_function(translate=False, output_column="polyclean_error")
    with pytest.raises(ConfigError, match=r"text_column='text' and error_column='text'"):
        polyclean.hf.map_function(translate=False, output_column="clean", error_column="text")
    with pytest.raises(ConfigError, match=r"output_column='text'"):
        polyclean.hf.map_function(translate=False, error_column="text")
    datasets = pytest.importorskip("datasets")
    ds = datasets.Dataset.from_dict({"text": wmt_pages(2)})
    with pytest.raises(ConfigError, match=r"batched=True"):
        ds.map(polyclean.hf.map_function(translate=False, output_column="clean"))


def test_a_bag_of_documents_with_a_null_a_text_or_a_dict_without_text():
    """``clean_bag`` over the dicts of ``read_documents`` after a user's ``map`` (a
    filter that gives None, a plain text, a dict that names its text otherwise): a None
    or a str among the dicts ended the partition with ``AttributeError: 'NoneType'
    object has no attribute 'get'``, a dict without ``text`` passed uncleaned without a
    word, and a dict without ``source`` failed as "None None: ..."."""
    pytest.importorskip("dask")
    import dask.bag as db

    import polyclean.dask
    from polyclean.errors import RecordError

    pages = wmt_pages(2)
    want = [polyclean.clean(p, translate=False) for p in pages]

    def run(items, errors="null"):
        bag = db.from_sequence(items, npartitions=1)
        return polyclean.dask.clean_bag(bag, translate=False, errors=errors).compute(
            scheduler="synchronous")

    got = run([{"text": pages[0], "source": "a.jsonl"}, None, pages[1], {"body": "x"}])
    assert got == [{"text": want[0], "source": "a.jsonl"}, None, want[1],
                   {"body": "x", "text": None, "error": "no field 'text'"}]
    with pytest.raises(RecordError, match=r"^document at position 1: no field 'text'$"):
        run([{"text": pages[0]}, {"body": "x"}], errors="raise")
    with pytest.raises(RecordError, match=r"^document at position 0: expected str or bytes, got int$"):
        run([{"text": 5}], errors="raise")
    with pytest.raises(RecordError, match=r"^a\.jsonl line 3: expected str or bytes"):
        run([{"text": 5, "source": "a.jsonl", "where": "line 3"}], errors="raise")


def test_an_unknown_encoding_is_refused_when_the_cleaner_is_made():
    """``Cleaner(encoding="no-such-codec")`` was accepted and every document of bytes
    then failed on its own ("unknown encoding 'no-such-codec'", once per document); the
    command line refused it at once.  Now the Config refuses it, as other bad values."""
    pages = [p.encode("utf-8") for p in wmt_pages(2)]
    with pytest.raises(ConfigError, match=r"^option encoding='no-such-codec' is an unknown encoding$"):
        Cleaner(encoding="no-such-codec")
    with pytest.raises(ConfigError, match=r"^option encoding='base64' is not a text encoding$"):
        polyclean.repair(pages[0], encoding="base64")
    assert [r.error for r in Cleaner(encoding="UTF8", translate=False).clean_batch(pages)] == [None, None]


def test_the_report_of_a_failed_document_is_a_report_line():
    """A document the library could not clean had the report ``{"id": …, "error": …}``:
    without the ``schema`` and ``status`` of the line a batch run writes for it (so a
    report file written from the library was not one ``polyclean report`` reads as its
    own), and replaying it ended in ``KeyError: 'changes'``."""
    from polyclean.report import REPORT_SCHEMA

    good, bad = Cleaner(translate=False).clean_batch([wmt_pages(1)[0], 7], ids=["a", "b"])
    assert bad.report == {"schema": REPORT_SCHEMA, "id": "b", "status": "error",
                          "error": "expected str or bytes, got int"}
    assert good.report["schema"] == REPORT_SCHEMA and "status" not in good.report
    assert replay(good.source, good.report) == good.text
    with pytest.raises(ValueError, match=r"^document b failed, its report has no changes to "
                                         r"replay: expected str or bytes, got int$"):
        replay(bad.source, bad.report)


def test_bad_counts_and_modes_of_the_etl_helpers_are_refused_at_the_call(tmp_path):
    """``read_documents(files_per_partition=-1)`` failed with "can't multiply sequence by
    non-int of type 'NoneType'" (0: "range() arg 3 must not be zero"), ``extract="mian"``
    became an error on every HTML document when the graph ran and ``markup="htm"`` was
    ignored; ``clean_bag(batch_size=0)`` failed only on the workers and
    ``iter_clean(batch_size="2")`` with "'<' not supported between instances of 'str'
    and 'int'"."""
    pytest.importorskip("dask")
    import polyclean.dask

    (tmp_path / "a.txt").write_text(wmt_pages(1)[0], "utf-8")
    pattern = str(tmp_path / "*.txt")
    for bad in (0, -1, "2", 1.5):
        with pytest.raises(ConfigError, match=rf"^files_per_partition must be a whole number, "
                                              rf"1 or more, not {bad!r}$".replace(".", r"\.")):
            polyclean.dask.read_documents(pattern, files_per_partition=bad)
    with pytest.raises(ConfigError, match=r"^option extract='mian' is not one of"):
        polyclean.dask.read_documents(pattern, extract="mian")
    with pytest.raises(ConfigError, match=r"^option markup='htm' is not one of"):
        polyclean.dask.read_documents(pattern, markup="htm")
    docs = polyclean.dask.read_documents(pattern)
    with pytest.raises(ConfigError, match=r"^batch_size must be a whole number, 1 or more, not 0$"):
        polyclean.dask.clean_bag(docs, translate=False, batch_size=0)
    with pytest.raises(ConfigError, match=r"^batch_size must be a whole number, 1 or more, not '2'$"):
        list(Cleaner(translate=False).iter_clean(["a"], "2"))
    assert len(polyclean.dask.clean_bag(docs, translate=False, batch_size=1).compute(
        scheduler="synchronous")) == 1


def test_normalize_keeps_an_emoji_given_as_a_surrogate_pair():
    """``polyclean.normalize`` removed surrogate code points as invisible characters:
    an emoji held as a surrogate pair (text from UTF-16 data or a JSON ``\\ud83d\\ude00``
    escape read without joining them) was lost, while ``clean`` gave the emoji; a
    lone surrogate is U+FFFD in both."""
    text = "Great \ud83d\ude00 day, thanks \udc00 all"
    assert polyclean.normalize(text) == "Great \U0001f600 day, thanks \ufffd all"
    assert polyclean.normalize(text) == polyclean.clean(text, translate=False, boilerplate=False)


def test_clean_series_of_a_list_and_map_function_learn_of_a_string():
    """``clean_series(["..."])`` (a list, an array, a DataFrame) failed with
    "'list' object has no attribute 'tolist'"; ``map_function(learn="no")`` turned
    learning on, the opposite of what it said."""
    pytest.importorskip("pandas")
    import polyclean.hf
    import polyclean.pandas

    with pytest.raises(TypeError, match=r"^clean_series takes a pandas Series .*not list; "):
        polyclean.pandas.clean_series(wmt_pages(1), translate=False)
    with pytest.raises(ConfigError, match=r"^learn must be True or False, not 'no'$"):
        polyclean.hf.map_function(translate=False, learn="no")
