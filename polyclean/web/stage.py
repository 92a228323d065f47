"""The extraction stage: HTML (and WARC/WET records) to the text the pipeline cleans.

The first of :data:`polyclean.stages.STAGES`, before ``Decode``: it requires ``raw``
and assigns ``raw`` (the extracted text replaces the page, so ``Decode`` takes it as
text input and the report replays from the extracted text).  A document is HTML when its ``raw`` is a
:class:`~polyclean.web.document.WebRecord` (from :class:`~polyclean.web.warc.WarcReader`),
when ``doc.meta["markup"] == "html"`` (an ``.html`` file) or when
``config.markup == "html"`` (``--markup html`` on JSONL/CSV/Parquet fields); other
documents pass untouched with status ``none``.

With ``extract="none"`` the markup is kept as text, but a page's bytes are still
decoded by its declared charset (HTTP header, ``<meta>``) before detection.  A document
whose text was chosen by an extractor has ``doc.meta["extracted"]`` set to the mode
(``main`` or ``all``), for the later stages.

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
from .charset import decode_html
from .document import WebRecord, WebText, html_to_text, record_to_text


def is_html(doc: Doc, config: Config) -> bool:
    """Whether the extraction stage treats ``doc`` as HTML (see the module doc)."""
    return (isinstance(doc.raw, WebRecord) or doc.meta.get("markup") == "html"
            or config.markup == "html")


def web_text(doc: Doc, config: Config) -> WebText:
    """The extracted text of an HTML document (raises ``DecodeError``,
    ``ExtractError`` or ``WebDependencyError``); with ``extract="none"`` the page
    decoded by its declared charset, markup and all."""
    raw = doc.raw
    if config.extract == "none":
        return markup_text(doc)
    if isinstance(raw, WebRecord):
        return record_to_text(raw, config.extract)
    return html_to_text(raw, config.extract, http_charset=doc.meta.get("http_charset"),
                        url=doc.meta.get("url"))


def markup_text(doc: Doc) -> WebText:
    """A page as text with its markup (``extract="none"``): bytes decoded by the
    declared charset, then detection (:func:`polyclean.web.charset.decode_html`).

    >>> markup_text(Doc(raw=b'<meta charset="koi8-r"><p>\\xf0\\xd2\\xc9\\xd7\\xc5\\xd4</p>')).text
    '<meta charset="koi8-r"><p>Привет</p>'
    """
    raw = doc.raw
    if isinstance(raw, WebRecord):
        if raw.kind == "text":
            return record_to_text(raw)
        dec = decode_html(raw.body, raw.http_charset, header=raw.charset_from)
        return WebText(dec.text, raw.fields(), dec, None, raw.body_note)
    if isinstance(raw, str):
        return WebText(raw, {}, None, None)
    dec = decode_html(raw, doc.meta.get("http_charset"))
    return WebText(dec.text, {}, dec, None)


class Extract(Stage):
    """HTML to text (:func:`polyclean.web.document.html_to_text`); see the module doc.
    Always enabled: with ``extract="none"`` it still decodes pages by their charset."""

    name = "extract"
    requires = ("raw",)
    assigns = ("raw",)

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
            wet = isinstance(doc.raw, WebRecord) and doc.raw.kind == "text"
            doc.raw = web.text
            doc.fields.update(web.fields)
            doc.meta["web"] = doc.report.source = web.summary()
            if web.encoding is not None:
                doc.report.encoding = web.encoding.encoding
                doc.report.encoding_confidence = web.encoding.confidence
            if web.extracted is not None:
                ex = web.extracted
                doc.meta["extracted"] = ex.mode
                self.count("blocks_dropped", ex.dropped_blocks)
                doc.note(self.name, ex.status())
            elif wet:
                doc.note(self.name, "none: WET record (text extracted by the archive's maker)")
            else:
                doc.note(self.name, "none: markup kept as text (extract none)")
        return []
