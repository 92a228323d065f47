"""``clean(clean(x)) == clean(x)`` on real scraped pages (../shared/data), translation off.

A fixed sample keeps this under half a minute; ``bench/eval_boilerplate.py
--idempotence`` runs every page."""

import importlib.util
from pathlib import Path

import pytest

from polyclean import Cleaner

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"


def _bench():
    spec = importlib.util.spec_from_file_location("eval_boilerplate", ROOT / "bench" / "eval_boilerplate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def pages():
    if not (DATA / "scrapinghub-article-extraction-benchmark").exists():
        pytest.skip(f"shared data not found: {DATA}")
    pytest.importorskip("html_text")
    return _bench().idempotence_pages(sample=True)


def test_cleaning_clean_pages_changes_nothing(pages):
    cleaner = Cleaner(translate=False)
    assert len(pages) >= 60
    broken = []
    for name, page in pages:
        once = cleaner.clean(page).text
        twice = cleaner.clean(once).text
        if twice != once:
            broken.append(name)
    assert not broken, broken
