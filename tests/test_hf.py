"""polyclean.hf: Dataset.map(batched=True, num_proc=N) with Cleaner.clean_batch."""

import pytest

datasets = pytest.importorskip("datasets")

from polyclean import Cleaner, Config  # noqa: E402
from polyclean.hf import map_function  # noqa: E402

FOOTER = "The Springfield Gazette is published by the Springfield Media Group every morning."
TOPICS = ("bridges", "parks", "buses", "libraries", "schools", "water", "housing", "roads",
          "taxes", "museums", "police", "hospitals", "bicycles", "markets", "harbours", "trees")


def rows(binary: bool = True):
    texts = [f"Story about {t}: the council discussed what the {t} cost the city.\n"
             f"A member asked why {TOPICS[(i * 5 + 3) % 16]} and {t} were never discussed "
             f"together.\n{FOOTER}" for i, t in enumerate(TOPICS)]
    texts[4] = None
    if binary:
        texts[7] = b"\x00\x01\x02\x03 binary"  # cannot be cleaned
    return {"id": list(range(16)), "text": texts}


def test_map_matches_clean_batch_per_batch(tmp_path):
    ds = datasets.Dataset.from_dict(rows())
    out = ds.map(map_function(translate=False, output_column="clean"), batched=True,
                 batch_size=8, num_proc=1)
    assert out.column_names == ["id", "text", "clean", "polyclean_error"]
    cleaner = Cleaner(Config(translate=False))
    want = []
    for start in (0, 8):
        part = [t for t in rows()["text"][start:start + 8] if t is not None]
        res = iter(cleaner.clean_batch(part))
        for t in rows()["text"][start:start + 8]:
            want.append(None if t is None else next(res).text or None)
    got = out["clean"]
    assert got[4] is None and got[7] is None and "binary data" in out["polyclean_error"][7]
    assert [g or None for g in got] == want
    assert not any(FOOTER in (g or "") for g in got)  # learned across the batch and removed


def test_output_depends_on_batches_unless_learning_is_off():
    ds = datasets.Dataset.from_dict(rows(binary=False))
    kw = dict(translate=False, error_column=None)
    big = ds.map(map_function(**kw), batched=True, batch_size=16)["text"]
    tiny = ds.map(map_function(**kw), batched=True, batch_size=2)["text"]
    assert big != tiny  # batches of 2 cannot learn a line recurring in 3 documents
    assert any(FOOTER in (t or "") for t in tiny) and not any(FOOTER in (t or "") for t in big)
    stable = [ds.map(map_function(learn=False, **kw), batched=True, batch_size=b, num_proc=n)["text"]
              for b, n in ((16, 1), (3, 2), (1, 1))]
    assert stable[0] == stable[1] == stable[2]
    assert stable[0][0].startswith("Story about bridges") and "  " not in stable[0][0]
