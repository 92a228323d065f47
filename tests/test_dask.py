"""Dask helpers on a real 2-process LocalCluster and on the synchronous scheduler."""

import os

import pytest

pd = pytest.importorskip("pandas")
dask = pytest.importorskip("dask")
db = pytest.importorskip("dask.bag")
dd = pytest.importorskip("dask.dataframe")

from polyclean import Config  # noqa: E402
from polyclean.dask import clean_bag, clean_dataframe  # noqa: E402
from polyclean.pandas import clean_values  # noqa: E402

CFG = Config(translate=False)
EN = ["The council met on Tuesday to discuss the new budget for the city.",
      "Several members asked for more money for schools and public libraries.",
      "The mayor said the plan would be \u201cready by spring\u201d \u2014 maybe.",
      "Residents can comment on the proposal until the end of the month\u2026",
      "Share this article", "Subscribe"]
TEXTS = [f"Item {i}.\n" + "\n".join(EN[(i + k) % 6] for k in range(i % 4 + 2)) for i in range(24)]
TEXTS[5] = None


def partitions(values, n):
    size = -(-len(values) // n)
    return [values[i:i + size] for i in range(0, len(values), size)]


def expected(n_parts):
    # Each partition is cleaned on its own: the same as clean_values per partition.
    return [t for part in partitions(TEXTS, n_parts) for t in clean_values(part, CFG)]


def frame():
    return pd.DataFrame({"id": range(len(TEXTS)), "text": pd.array(TEXTS, dtype="string"),
                         "score": [i / 2 for i in range(len(TEXTS))]})


def test_synchronous_bag_and_dataframe():
    bag = db.from_sequence(TEXTS, npartitions=3)
    assert bag.npartitions == 3
    got = clean_bag(bag, config=CFG).compute(scheduler="synchronous")
    assert got == expected(3)
    assert got[5] is None and any(a != b for a, b in zip(got, TEXTS))  # cleaning happened

    ddf = dd.from_pandas(frame(), npartitions=3)
    out = clean_dataframe(ddf, "text", output_column="clean", config=CFG)
    meta = out._meta
    assert list(meta.columns) == ["id", "text", "score", "clean"]
    res = out.compute(scheduler="synchronous")
    assert list(res.dtypes) == list(meta.dtypes)  # the meta told the truth
    assert res["text"].tolist()[:5] == TEXTS[:5]
    assert [None if pd.isna(v) else v for v in res["clean"]] == expected(3)
    same = clean_dataframe(ddf, "text", translate=False).compute(scheduler="synchronous")
    assert [None if pd.isna(v) else v for v in same["text"]] == expected(3)
    with pytest.raises(KeyError, match="no column 'body'"):
        clean_dataframe(ddf, "body", config=CFG)


def test_local_cluster_of_two_processes():
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=40) as cluster, \
            distributed.Client(cluster) as client:
        bag = db.from_sequence(list(enumerate(TEXTS)), npartitions=4)
        pids = bag.map(lambda _: os.getpid()).distinct().compute()
        assert len(client.scheduler_info()["workers"]) == 2
        cleaned = clean_bag(bag.pluck(1), config=CFG).compute()
        assert cleaned == expected(4)
        ddf = dd.from_pandas(frame(), npartitions=4)
        res = clean_dataframe(ddf, "text", output_column="clean", config=CFG).compute()
        assert [None if pd.isna(v) else v for v in res["clean"]] == expected(4)
        assert res["id"].tolist() == list(range(len(TEXTS)))
        assert os.getpid() not in pids  # the work ran in the worker processes
