"""Which documents of a batch learn recurring lines together (``--learn-by``).

By default the whole batch is one group: a line that recurs across its documents is
furniture.  A batch that mixes sites learns better per site: one site's menu, footer
and "related articles" lines recur across its own pages, and a line that happens to
recur across different sites (a quotation, a news agency's sentence) is content.

* ``learn_by="host"`` groups documents by the host of their URL (the ``url`` field of
  a record, a WARC record's target URI), lower case, without a leading ``www.`` (the
  same site answers both names);
* ``learn_by=NAME`` groups them by the value of the record field ``NAME``.

Documents without a key (no URL, no such field, an empty value) form one group of
their own.  Groups are made inside a batch only, so a document's output still depends
only on its batch (whose boundaries depend only on the input order).

>>> from polyclean.doc import Doc
>>> docs = [Doc(id=i, fields={"url": u}) for i, u in enumerate(
...     ["https://www.a.example/1", "http://a.example/2", "http://b.example/", None])]
>>> [[d.id for d in g] for g in groups(docs, "host")]
[[0, 1], [2], [3]]
>>> [[d.id for d in g] for g in groups(docs, None)]
[[0, 1, 2, 3]]
"""

from __future__ import annotations

import json
from typing import Any, Hashable, Sequence
from urllib.parse import urlsplit

from .doc import Doc


def host_of(url: Any) -> str | None:
    """The host of a URL, lower case, without a leading ``www.``; None when there is
    none.

    >>> host_of("HTTPS://WWW.Example.COM:8080/a?b"), host_of("http://news.bbc.co.uk/x")
    ('example.com', 'news.bbc.co.uk')
    >>> host_of("not a url"), host_of(None), host_of(42)
    (None, None, None)
    """
    if not isinstance(url, str) or not url:
        return None
    try:
        host = urlsplit(url.strip()).hostname
    except ValueError:  # an invalid port or IPv6 literal
        return None
    if not host:
        return None
    return host[4:] if host.startswith("www.") and len(host) > 4 else host


def learning_key(doc: Doc, learn_by: str | None) -> Hashable:
    """The group of ``doc`` for ``learn_by`` (None: the group of documents without a
    key, or the whole batch when ``learn_by`` is None).

    >>> learning_key(Doc(fields={"site": ["a", 1]}), "site")
    '["a", 1]'
    >>> learning_key(Doc(meta={"url": "http://x.example/"}), "host")
    'x.example'
    """
    if not learn_by:
        return None
    if learn_by == "host":
        return host_of(doc.fields.get("url") or doc.meta.get("url"))
    value = doc.fields.get(learn_by)
    if value is None or value == "":
        return None
    if isinstance(value, (list, dict)):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return value if isinstance(value, Hashable) else str(value)


def groups(docs: Sequence[Doc], learn_by: str | None) -> list[list[Doc]]:
    """The documents of a batch in their groups, each in batch order, the groups in
    the order of their first document."""
    out: dict[Hashable, list[Doc]] = {}
    for doc in docs:
        out.setdefault(learning_key(doc, learn_by), []).append(doc)
    return list(out.values())
