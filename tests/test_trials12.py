"""Defects found by using polyclean's web inputs (HTML pages, WARC archives) as a
demanding new user would: huge pages, odd archives."""

from __future__ import annotations

import time

import pytest

pytest.importorskip("trafilatura")
pytest.importorskip("resiliparse")
pytest.importorskip("fastwarc")

from polyclean.web.extract import dropped  # noqa: E402


def test_counting_what_extraction_dropped_is_linear_in_the_page():
    """``polyclean clean big.html`` on a page of 20,000 paragraphs (2.9 MB) took 21 s,
    18 of them counting the blocks trafilatura dropped (trafilatura itself: 1.2 s): each
    block's words were taken out of the kept text's word pool by ``Counter -=``, which
    rebuilds the whole pool, so the count grew with the square of the page."""
    n = 20_000
    blocks = [f"Paragraph {i} says the council met on day{i} about budget{i} item{i}."
              for i in range(n)]
    # half of the blocks are lines of the kept text, half are split over two lines
    kept = "\n".join(b.replace(" about", "\nabout") if i % 2 else b
                     for i, b in enumerate(blocks))
    t0 = time.perf_counter()
    gone = dropped(blocks + ["Home News", "Share this"], kept)
    elapsed = time.perf_counter() - t0
    assert gone == [n, n + 1]
    assert elapsed < 5, f"{elapsed:.1f} s for {n:,} blocks (was 29 s)"
