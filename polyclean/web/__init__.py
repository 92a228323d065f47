"""Web inputs: HTML pages and Common Crawl WARC/WET archives (the ``web`` extra).

Library-only for now (the CLI does not read HTML or WARC yet); the pieces:

* :func:`~polyclean.web.charset.decode_html` -- a page's bytes to text, declared
  charsets first (HTTP header, ``<meta>``) with WHATWG label mapping, then detection;
* :func:`~polyclean.web.extract.extract` -- HTML to text, ``main`` (trafilatura) or
  ``all`` (every visible block, resiliparse), with what was dropped;
* :func:`~polyclean.web.document.html_to_text` /
  :func:`~polyclean.web.document.record_to_text` -- both steps for one document;
* :class:`~polyclean.web.warc.WarcReader` -- WARC/WET archives as reader records
  (FastWARC);
* :class:`~polyclean.web.stage.Extract` -- the extraction stage for the pipeline.

The heavy libraries are imported on first use, so ``import polyclean.web`` is cheap.
"""

from __future__ import annotations

from .charset import decode_html, whatwg_codec
from .document import WebRecord, WebText, html_to_text, record_to_text
from .extract import Extracted, extract, visible_text
from .warc import Skip, WarcReader, is_skipped, is_warc

__all__ = [
    "Extracted", "Skip", "WarcReader", "WebRecord", "WebText", "decode_html", "extract",
    "html_to_text", "is_skipped", "is_warc", "record_to_text", "visible_text", "whatwg_codec",
]
