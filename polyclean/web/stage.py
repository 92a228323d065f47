"""The extraction stage: HTML (and WARC/WET records) to the text the pipeline cleans.

The first of :data:`polyclean.stages.STAGES`, before ``Decode``: it requires ``raw``
and assigns ``raw`` (the extracted text replaces the page, so ``Decode`` takes it as
text input and the report replays from the extracted text).  A document is HTML when its ``raw`` is a
:class:`~polyclean.web.document.WebRecord` (from :class:`~polyclean.web.warc.WarcReader`),
when ``doc.meta["markup"] == "html"`` (an ``.html`` file) or when
``config.markup == "html"`` (``--markup html`` on JSONL/CSV/Parquet fields); other
documents pass untouched with status ``none``.

What the stage records: the report's ``encoding`` (the page's charset and, in
``doc.meta["web"]["encoding_reason"]``, which declaration or detection gave it), the
stage status (mode, extractor, blocks and characters kept and dropped), and in
``doc.meta["web"]`` (and the report's ``source``) the record's fields (``url``, ``warc_record_id``, ``date``,
``http_charset``) and the extraction counts (:meth:`Extracted.summary`); the record's
fields are also merged into ``doc.fields``.

>>> from polyclean.config import Config
>>> from polyclean.doc import Doc
>>> doc = Doc(id="p", raw=b"<html><body><p>Hello, world.</p></body></html>")
>>> doc.meta["markup"] = "html"
>>> _ = Extract(Config(extract="all"))([doc])
>>> doc.raw, doc.report.stages["extract"]
('Hello, world.', 'done: all (resiliparse); 1 block, 13 characters; nothing dropped')
"""

from __future__ import annotations

from typing import Sequence

from ..config import Config
from ..doc import Doc
from ..errors import DecodeError, ExtractError, WebDependencyError
from ..stages import Stage
from .document import WebRecord, WebText, html_to_text, record_to_text


def is_html(doc: Doc, config: Config) -> bool:
    """Whether the extraction stage treats ``doc`` as HTML (see the module doc)."""
    return (isinstance(doc.raw, WebRecord) or doc.meta.get("markup") == "html"
            or config.markup == "html")


def web_text(doc: Doc, config: Config) -> WebText:
    """The extracted text of an HTML document (raises ``DecodeError``,
    ``ExtractError`` or ``WebDependencyError``)."""
    raw = doc.raw
    if isinstance(raw, WebRecord):
        return record_to_text(raw, config.extract)
    return html_to_text(raw, config.extract, http_charset=doc.meta.get("http_charset"),
                        url=doc.meta.get("url"))


class Extract(Stage):
    """HTML to text (:func:`polyclean.web.document.html_to_text`); see the module doc."""

    name = "extract"
    requires = ("raw",)
    assigns = ("raw",)

    @classmethod
    def enabled(cls, config: Config) -> bool:
        return config.extract != "none"

    def __call__(self, docs: Sequence[Doc]) -> list[Doc]:
        for doc in docs:
            if not is_html(doc, self.config):
                doc.note(self.name, "none: not HTML")
                continue
            try:
                web = web_text(doc, self.config)
            except (DecodeError, ExtractError, WebDependencyError, TypeError) as exc:
                doc.error = str(exc)
                doc.meta["exception"] = exc
                self.count("errors")
                continue
            doc.raw = web.text
            doc.fields.update(web.fields)
            doc.meta["web"] = doc.report.source = web.summary()
            if web.encoding is not None:
                doc.report.encoding = web.encoding.encoding
                doc.report.encoding_confidence = web.encoding.confidence
            if web.extracted is None:
                doc.note(self.name, "none: WET record (text extracted by the archive's maker)")
            else:
                ex = web.extracted
                self.count("blocks_dropped", ex.dropped_blocks)
                doc.note(self.name, ex.status())
        return []
