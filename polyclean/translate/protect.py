"""Protected spans: parts of a sentence the model must not touch.

URLs, e-mail addresses, @handles, #hashtags, numbers with international unit symbols
(``5 kg``, ``3,5 GHz``, ``20 %``, ``$10``), format placeholders (``%s``, ``%1$s``,
``{name}``, ``${var}``), inline code in backticks, and the terms of a user glossary
are replaced by numbered stand-ins before the model and put back after it.  A number
is what translation models copy most reliably; each stand-in is a number that does
not otherwise occur in the sentence.  When a stand-in does not come back exactly
once, the span did not survive and the caller keeps the source sentence.

The glossary (``--glossary FILE``): UTF-8, one entry a line; ``term`` alone is never
translated, ``term<TAB>translation`` is always rendered as ``translation``.  Terms
match whole words, case-sensitively, in any source language; inflected forms do not
match (``Газпром`` does not match ``Газпрома``).  Blank lines and a byte-order mark
are ignored; a term given twice with different translations is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

from ..errors import E, GlossaryError

_NUMBER = r"\d+(?:[.,]\d+)*"
_UNIT = (r"(?:%|‰|°\s?[CF]?|(?:[kMGTmcµμn]?(?:m|g|s|B|b|Hz|W|Wh|V|A|J|L|l|Pa|t|bps))"
         r"|km/h|mph|ft|lb|oz|px|pt|dpi|fps|mAh|kWh|USD|EUR|GBP|RUB|UAH|CNY|JPY|CHF|PLN)")
_CURRENCY = r"[$€£¥₽₴₹]"
PATTERNS: list[tuple[str, str]] = [
    ("code", r"`[^`\n]+`"),
    ("url", r"(?:\b(?:https?|ftp)://|\bwww\.)[^\s<>\"'«»“”]+"),
    ("email", r"[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}\b"),
    ("handle", r"(?<![\w@.])@[A-Za-z0-9_]{2,30}(?![\w@])"),
    ("hashtag", r"(?<![\w#&])#\w*[^\W\d_]\w*"),
    ("placeholder", r"%(?:\d+\$)?[-+ 0#]?(?:\d+)?(?:\.\d+)?[sdifuxXeEgGcop@]"
                    r"|\$\{\w+\}|\{\{?[A-Za-z_][\w.-]*\}?\}|\{\d+\}"),
    ("number-unit", rf"(?<![\w.,]){_CURRENCY}\s?{_NUMBER}(?![\w])"
                    rf"|(?<![\w.,]){_NUMBER}\s?(?:{_UNIT}|{_CURRENCY})(?![\w])"),
]
_COMPILED = [(kind, re.compile(p)) for kind, p in PATTERNS]
# A pattern runs only when its trigger occurs in the text (most sentences have none).
_TRIGGERS = {"code": re.compile("`"), "url": re.compile(r"://|www\."), "email": re.compile("@"),
             "handle": re.compile("@"), "hashtag": re.compile("#"),
             "placeholder": re.compile(r"[%{]"), "number-unit": re.compile(r"\d")}
_TRAILING = ".,;:!?)]}'\"»”"
STAND_IN_BASE = 8001


@dataclass(frozen=True)
class Span:
    """A protected span: where it is, what it is, and what the output must hold."""

    start: int
    end: int
    kind: str
    text: str
    output: str  # the text itself, or the glossary's translation


class Glossary:
    """Terms to keep or to render one way (see the module documentation)."""

    def __init__(self, entries: Mapping[str, str | None]) -> None:
        self.entries = dict(entries)
        terms = sorted(self.entries, key=lambda t: (-len(t), t))
        self.pattern = (re.compile("|".join(rf"(?<!\w){re.escape(t)}(?!\w)" for t in terms))
                        if terms else None)

    @classmethod
    def load(cls, path: str | Path) -> "Glossary":
        """Read a glossary file; raise :class:`GlossaryError` on a bad file or line.

        >>> import tempfile, os
        >>> f = os.path.join(tempfile.mkdtemp(), "g.txt")
        >>> _ = open(f, "w", encoding="utf-8").write("Газпром\\tGazprom\\nPolyclean\\n\\n")
        >>> Glossary.load(f).entries
        {'Газпром': 'Gazprom', 'Polyclean': None}
        """
        try:
            text = Path(path).read_text(encoding="utf-8-sig")  # a BOM is no part of a term
        except (OSError, UnicodeDecodeError) as exc:
            why = getattr(exc, "strerror", None) or "not UTF-8 text"
            raise GlossaryError(E.GLOSSARY_UNREADABLE.format(path=path, why=why)) from None
        entries: dict[str, str | None] = {}
        first: dict[str, int] = {}
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            fields = line.split("\t")
            term = fields[0].strip()
            if len(fields) > 2 or not term or (len(fields) == 2 and not fields[1].strip()):
                raise GlossaryError(E.GLOSSARY_LINE.format(
                    path=path, line=n, why="expected 'term' or 'term<TAB>translation'"))
            value = fields[1].strip() if len(fields) == 2 else None
            if term in entries and entries[term] != value:
                raise GlossaryError(E.GLOSSARY_LINE.format(
                    path=path, line=n, why=E.GLOSSARY_TWICE.format(term=term, line=first[term])))
            entries[term] = value
            first.setdefault(term, n)
        return cls(entries)

    def find(self, text: str) -> Iterable[Span]:
        if self.pattern is None:
            return
        for m in self.pattern.finditer(text):
            out = self.entries[m.group()]
            yield Span(m.start(), m.end(), "glossary", m.group(),
                       m.group() if out is None else out)


def _trim_url(text: str, start: int, end: int) -> int:
    """Leave trailing punctuation (and an unbalanced closing bracket) outside a URL."""
    while end > start and text[end - 1] in _TRAILING:
        if text[end - 1] == ")" and text.count("(", start, end) >= text.count(")", start, end):
            break
        end -= 1
    return end


def find_spans(text: str, glossary: Glossary | None = None) -> list[Span]:
    """Non-overlapping protected spans of ``text`` (longest first where they overlap).

    >>> [(s.kind, s.text) for s in find_spans(
    ...     "Пишите на a.b@mail.ru или http://x.ru/user_name. Цена 5 kg за %1$s.")]
    [('email', 'a.b@mail.ru'), ('url', 'http://x.ru/user_name'), ('number-unit', '5 kg'), ('placeholder', '%1$s')]
    """
    found: list[Span] = list(glossary.find(text)) if glossary else []
    for kind, rx in _COMPILED:
        if not _TRIGGERS[kind].search(text):
            continue
        for m in rx.finditer(text):
            end = _trim_url(text, m.start(), m.end()) if kind in ("url", "email") else m.end()
            if end > m.start():
                found.append(Span(m.start(), end, kind, text[m.start():end], text[m.start():end]))
    found.sort(key=lambda s: (s.start, -(s.end - s.start)))
    spans: list[Span] = []
    for s in found:
        if not spans or s.start >= spans[-1].end:
            spans.append(s)
    return spans


def outside_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The parts of the fragment ``text[start:end]`` left to translate once the protected
    spans that cross its edges are taken out (each part trimmed, none without a letter).

    A fragment found inside a word of its document (detection cuts where the script
    changes, so ``https://ru.wikipedia.org/wiki/Кошка`` holds the fragment ``Кошка``)
    is read with the rest of that word: a URL, e-mail address, handle or hashtag that
    starts before the fragment or ends after it is never sent to the model, as one
    inside it is not.  A fragment that starts and ends between words is one part.

    >>> t = "see https://ru.wikipedia.org/wiki/Кошка now"
    >>> outside_spans(t, t.index("Кошка"), t.index(" now"))
    []
    >>> t = "at https://x.org/кошка?a=1 любит молоко."
    >>> [t[s:e] for s, e in outside_spans(t, t.index("кошка"), len(t))]
    ['любит молоко.']
    >>> outside_spans("Кошка любит молоко.", 0, 19)
    [(0, 19)]
    """
    left, right = start, end
    while left > 0 and not text[left - 1].isspace():
        left -= 1
    while right < len(text) and not text[right].isspace():
        right += 1
    if left == start and right == end:
        return [(start, end)]
    parts, pos = [], start
    for s in find_spans(text[left:right]):
        s_start, s_end = s.start + left, s.end + left
        if s_end <= start or s_start >= end or (s_start >= start and s_end <= end):
            continue  # outside the fragment, or inside it (masked as usual)
        if s_start > pos:
            parts.append((pos, s_start))
        pos = max(pos, s_end)
    parts.append((pos, end))
    out = []
    for a, b in parts:
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if any(c.isalpha() for c in text[a:b]):
            out.append((a, b))
    return out


def mask(sentence: str, spans: list[Span]) -> tuple[str, list[tuple[str, Span]]]:
    """Replace ``spans`` (offsets in ``sentence``) by numbered stand-ins.

    >>> masked, subs = mask("Сайт http://x.ru/a_b открыт", find_spans("Сайт http://x.ru/a_b открыт"))
    >>> masked, [s for s, _ in subs]
    ('Сайт 8001 открыт', ['8001'])
    """
    if not spans:
        return sentence, []
    base = STAND_IN_BASE
    while any(str(base + i) in sentence for i in range(len(spans))):
        base += 1000
    out, subs, pos = [], [], 0
    for i, s in enumerate(spans):
        stand_in = str(base + i)
        out.append(sentence[pos:s.start])
        out.append(stand_in)
        subs.append((stand_in, s))
        pos = s.end
    out.append(sentence[pos:])
    return "".join(out), subs


def restore(output: str, subs: list[tuple[str, Span]]) -> tuple[str, list[Span]]:
    """Put the spans back; also return the spans whose stand-in did not come back
    exactly once (then the output is not to be used).

    >>> restore("Site 8001 is open", [("8001", Span(5, 20, "url", "http://x.ru/a_b", "http://x.ru/a_b"))])
    ('Site http://x.ru/a_b is open', [])
    >>> restore("Site is open", [("8001", Span(5, 20, "url", "http://x.ru", "http://x.ru"))])[1][0].kind
    'url'
    """
    if not subs:
        return output, []
    numbers = re.findall(r"\d+", output)
    lost = [span for stand_in, span in subs if numbers.count(stand_in) != 1]
    if lost:
        return output, lost
    table = {stand_in: span.output for stand_in, span in subs}
    return re.sub(r"\d+", lambda m: table.get(m.group(), m.group()), output), []
