"""Segmentation: a document becomes translation units with exact character offsets.

Paragraphs (blank-line separated) -> lines -> sentences -> script runs.  Inside a
sentence the text is split where the writing system changes (Latin, Cyrillic, CJK,
Arabic, Greek, Hebrew, Devanagari, ...), so that an inline fragment in another script
becomes a segment of its own.  Every segment satisfies ``text[s.start:s.end] == s.text``.

Two refinements keep translation units whole:

* a short Latin run made of names or brands ("Apple", "iPhone 15", "CNN") inside a
  sentence written mostly in another script is kept inside that sentence;
* a run with a single letter ("α-helix", "β") stays with its neighbours.

>>> [(s.text, s.script) for s in segment("He wrote «Заголовок открываемого материала» twice.")]
[('He wrote', 'Latin'), ('«Заголовок открываемого материала»', 'Cyrillic'), ('twice.', 'Latin')]
>>> [(s.text, s.script) for s in segment("Компания Apple представила iPhone 15 в Купертино.")]
[('Компания Apple представила iPhone 15 в Купертино.', 'Cyrillic')]
>>> [(s.text, s.script) for s in segment("SK텔레콤(017670)과 KTF는 PC에 USB를 꽂았다.")]
[('SK텔레콤(017670)과 KTF는 PC에 USB를 꽂았다.', 'Hangul')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import _speedups

# --- scripts ---------------------------------------------------------------------------
# Letter ranges (and a few script-internal punctuation/digits, harmless) per script.
# Characters outside every range (spaces, ASCII digits and punctuation, symbols, emoji,
# combining marks, CJK punctuation) are neutral: they never start or split a run.
_LATIN = (
    "A-Za-z\u00aa\u00ba\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02af\u1d00-\u1dbf\u1e00-\u1eff"
    "\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f\ufb00-\ufb06\uff21-\uff3a\uff41-\uff5a"
)
_HAN = (
    "\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3100-\u312f\u31a0-\u31bf"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
)
_KANA = "\u3041-\u309f\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HANGUL = "\u1100-\u11ff\u3130-\u318f\ua960-\ua97f\uac00-\ud7ff"

# (split group, letter class).  Han, Kana and Hangul form one group ("CJK"): Japanese
# and Korean sentences mix them and must not be cut apart.
SCRIPT_RANGES: tuple[tuple[str, str], ...] = (
    ("Latin", _LATIN),
    ("Cyrillic", "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"),
    ("Greek", "\u0370-\u037d\u037f-\u0386\u0388-\u03ff\u1f00-\u1fff"),
    ("Armenian", "\u0531-\u058f\ufb13-\ufb17"),
    ("Hebrew", "\u0591-\u05f4\ufb1d-\ufb4f"),
    ("Arabic", "\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufefc"),
    ("Syriac", "\u0700-\u074f"),
    ("Thaana", "\u0780-\u07bf"),
    ("Devanagari", "\u0900-\u097f\ua8e0-\ua8ff"),
    ("Bengali", "\u0980-\u09ff"),
    ("Gurmukhi", "\u0a00-\u0a7f"),
    ("Gujarati", "\u0a80-\u0aff"),
    ("Oriya", "\u0b00-\u0b7f"),
    ("Tamil", "\u0b80-\u0bff"),
    ("Telugu", "\u0c00-\u0c7f"),
    ("Kannada", "\u0c80-\u0cff"),
    ("Malayalam", "\u0d00-\u0d7f"),
    ("Sinhala", "\u0d80-\u0dff"),
    ("Thai", "\u0e00-\u0e7f"),
    ("Lao", "\u0e80-\u0eff"),
    ("Tibetan", "\u0f00-\u0fff"),
    ("Myanmar", "\u1000-\u109f"),
    ("Georgian", "\u10a0-\u10ff\u1c90-\u1cbf\u2d00-\u2d2f"),
    ("Ethiopic", "\u1200-\u139f\u2d80-\u2ddf"),
    ("Khmer", "\u1780-\u17ff"),
    ("Mongolian", "\u1800-\u18af"),
    ("CJK", _HAN + _KANA + _HANGUL),
)
_GROUPS = tuple(g for g, _ in SCRIPT_RANGES)
_ALL_LETTERS = "".join(r for _, r in SCRIPT_RANGES)
_NEUTRAL = f"[^{_ALL_LETTERS}]"
# One alternative per group: a maximal run of that script's letters, neutral characters
# allowed inside, starting and ending on a letter.  Groups are disjoint: linear time.
_RUN_RE = re.compile("|".join(f"([{r}]+(?:{_NEUTRAL}+[{r}]+)*)" for _, r in SCRIPT_RANGES))
_NONLATIN_RE = re.compile("[" + "".join(r for g, r in SCRIPT_RANGES if g != "Latin") + "]")


class _OtherLetterRes(dict):
    """For each group, a letter of any other group (a line without one needs no
    splitting).  Compiled on first use: each pattern is a large class (about 10 ms to
    compile), and a run usually meets two or three groups, not all of them."""

    def __missing__(self, g: str) -> re.Pattern:
        rx = self[g] = re.compile("[" + "".join(r for h, r in SCRIPT_RANGES if h != g) + "]")
        return rx


_OTHER_LETTER_RE = _OtherLetterRes()
_GROUP_RES = tuple((g, re.compile(f"[{r}]")) for g, r in SCRIPT_RANGES)
_LATIN_RE = re.compile(f"[{_LATIN}]")
_ASCII_LETTER_RE = re.compile("[A-Za-z]")
_NONLETTER_RE = re.compile(f"{_NEUTRAL}+")
_AT_LEAST: dict[int, re.Pattern] = {}
_HANGUL_RE = re.compile(f"[{_HANGUL}]")
_KANA_RE = re.compile(f"[{_KANA}]")
_CJK_RE = re.compile(f"[{_HAN + _KANA + _HANGUL}]")

# --- sentences ---------------------------------------------------------------------------
# A terminator, optional closing quotes/brackets, then whitespace and more text; or a
# CJK/Arabic/Indic terminator, which needs no space after it.
_SENT_RE = re.compile(
    r"([.!?\u2026\u203c\u2047-\u2049]+)['\"\u00bb\u201d\u2019)\]]*(?=\s+(\S))"
    r"|[\u3002\uff01\uff1f\uff61]+['\"\u300d\u300f\u201d\u2019\uff09]*"
    r"|[\u061f\u06d4\u0964\u0965]+"
)
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc inc ltd co corp gen gov sen rep rev capt col lt sgt "
    "mt ft no nos vol pp fig jan feb mar apr jun jul aug sep sept oct nov dec approx dept est "
    "eg ie cf al bzw usw vgl ca nr mme mlle sra dra av "
    "г гг т д ул им стр см тыс млн млрд руб др пр проф".split()
)
_OPENERS = frozenset("\"'(\u00ab[{\u201c\u2018\u201e\u201a\u2039\u300c\u300e\uff08\u00bf\u00a1")
# Every match of _SENT_RE starts with one of these characters: a line without them has
# one sentence, and the (slower) sentence pattern is only tried from the first of them.
_TERMINATOR_RE = re.compile(
    "[.!?\u2026\u203c\u2047-\u2049\u3002\uff01\uff1f\uff61\u061f\u06d4\u0964\u0965]"
)


@dataclass(slots=True)
class Segment:
    """A fragment of a document: ``doc_text[start:end] == text``.

    ``script`` is the writing system of its letters (``Latin``, ``Cyrillic``, ``Han``,
    ``Kana``, ``Hangul``, ``Arabic``, ... or ``Common`` when it has none); ``lang`` an
    ISO 639-1 code; ``foreign`` whether that language differs from the document's;
    ``line`` and ``para`` the 0-based line and paragraph numbers.
    """

    start: int
    end: int
    text: str
    script: str = "Common"
    lang: str | None = None
    confidence: float = 0.0
    foreign: bool = False
    line: int = 0
    para: int = 0

    def to_dict(self) -> dict[str, Any]:
        """The fields of one ``polyclean detect`` JSON line (the CLI adds ``doc``).

        >>> Segment(0, 5, "Hallo", "Latin", "de", 0.98765, True, 2).to_dict()
        {'start': 0, 'end': 5, 'text': 'Hallo', 'lang': 'de', 'confidence': 0.9877, 'script': 'Latin', 'foreign': True, 'line': 2}
        """
        return {
            "start": self.start,
            "end": self.end,
            "text": self.text,
            "lang": self.lang,
            "confidence": round(float(self.confidence), 4),
            "script": self.script,
            "foreign": bool(self.foreign),
            "line": self.line,
        }


def _strip_span(text: str, a: int, b: int) -> tuple[int, int]:
    part = text[a:b]
    stripped = part.lstrip()
    a += len(part) - len(stripped)
    return a, a + len(stripped.rstrip())


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans of ``text[start:end]`` (one line), without surrounding spaces.

    A sentence ends at ``.``, ``!``, ``?`` or ``…`` (with closing quotes) before a space
    and a character that is not a lower-case letter, unless the word before a full stop
    is a single letter or a known abbreviation; or at a CJK, Arabic or Indic full stop.

    >>> line = "Mr. Smith met J. R. Doe of the U.S. Army. He left! 他来了。她走了。 Вот так."
    >>> [line[a:b] for a, b in sentence_spans(line)]
    ['Mr. Smith met J. R. Doe of the U.S. Army.', 'He left!', '他来了。', '她走了。', 'Вот так.']
    >>> line = "It was 06.09.2022. and so on"
    >>> [line[a:b] for a, b in sentence_spans(line)]
    ['It was 06.09.2022. and so on']
    """
    if end is None:
        end = len(text)
    m = _next_end(text, start, end)
    if m is None or m.end() >= end:
        a, b = _strip_span(text, start, end)
        return [(a, b)] if a < b else []
    return _split_sentences(text, start, end, m)


def _next_end(text: str, pos: int, end: int) -> re.Match | None:
    """The first match of ``_SENT_RE`` in ``text[pos:end]``, as ``search`` finds it, but
    only tried where a terminator stands (a plain character-class scan is much faster
    than the pattern's search)."""
    term = _TERMINATOR_RE.search
    match = _SENT_RE.match
    while True:
        t = term(text, pos, end)
        if t is None:
            return None
        p = t.start()
        m = match(text, p, end)
        if m is not None:
            return m
        pos = p + 1


def _split_sentences(text: str, start: int, end: int, m: re.Match) -> list[tuple[int, int]]:
    # the loop of sentence_spans from its first candidate end ``m``
    spans: list[tuple[int, int]] = []
    cur = start
    while m is not None:
        cut = m.end()
        nxt = m.group(2)
        accept = True
        if nxt is not None:  # . ! ? ... followed by a space
            if nxt.islower():
                accept = False
            elif m.group(1) == ".":
                word = text[max(cur, text.rfind(" ", cur, m.start()) + 1):m.start()]
                word = word.lstrip("\"'(\u00ab\u201c\u2018[").rpartition(".")[2]
                if (len(word) == 1 and word.isalpha()) or word.lower() in _ABBREVIATIONS:
                    accept = False
        if accept:
            a, b = _strip_span(text, cur, cut)
            if a < b:
                spans.append((a, b))
            cur = cut
        m = _next_end(text, cut, end)
    a, b = _strip_span(text, cur, end)
    if a < b:
        spans.append((a, b))
    return spans


def count_letters(text: str) -> int:
    """Letters of any script (CJK characters count one each).

    >>> count_letters("Hi, Мир 2022! 中文")
    7
    """
    return len(_NONLETTER_RE.sub("", text))


def has_letters(text: str, n: int) -> bool:
    """Whether ``text`` has at least ``n`` letters (stops counting there).

    >>> has_letters("a1b2c3", 3), has_letters("a1b2c3", 4)
    (True, False)
    """
    rx = _AT_LEAST.get(n)
    if rx is None:
        rx = _AT_LEAST[n] = re.compile(f"(?:{_NEUTRAL}*[{_ALL_LETTERS}]){{{n}}}")
    return rx.match(text) is not None


_GROUP_OF: dict[str, str | None] = {}  # letter -> its group


def _group_of(ch: str) -> str | None:
    g = _GROUP_OF.get(ch, "")
    if g == "":
        g = next((g for g, rx in _GROUP_RES if rx.match(ch)), None)
        if len(_GROUP_OF) >= 65_536:  # bounded
            _GROUP_OF.clear()
        _GROUP_OF[ch] = g
    return g


def _single_script(text: str, a: int, b: int, first: str) -> str | None:
    # The script label of text[a:b] when all its letters belong to the group of the
    # letter ``first``; None when it mixes groups.
    g = _group_of(first)
    if g is None or _OTHER_LETTER_RE[g].search(text, a, b):
        return None
    return _label(text, a, b, g)


def _name_like(run: str) -> bool:
    # At most three words, each with a capital or a digit: a name, brand or code.
    words = run.split()
    return len(words) <= 3 and all(not w.islower() or any(c.isdigit() for c in w) for w in words)


def script_runs(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    """Split one sentence ``text[start:end]`` where the script changes.

    Returns ``(start, end, script)`` spans that cover the sentence's letters; punctuation
    touching a run belongs to it, spaces and numbers between two runs to neither.

    >>> t = "English 中文 (Chinese) 日本語 (Japanese)"
    >>> [(t[a:b], s) for a, b, s in script_runs(t, 0, len(t))]
    [('English', 'Latin'), ('中文', 'Han'), ('(Chinese)', 'Latin'), ('日本語', 'Han'), ('(Japanese)', 'Latin')]
    """
    runs: list[list] = []  # [a, b, group, letters_weight]
    for m in _RUN_RE.finditer(text, start, end):
        group = _GROUPS[m.lastindex - 1]
        runs.append([m.start(), m.end(), group])
    if not runs:
        return [(start, end, "Common")]
    if len(runs) > 1:
        # Weigh letters per group (a CJK character carries about two letters' worth).
        weight: dict[str, int] = {}
        for r in runs:
            n = count_letters(text[r[0]:r[1]])
            r.append(n)
            weight[r[2]] = weight.get(r[2], 0) + (2 * n if r[2] == "CJK" else n)
        dominant = max(weight, key=weight.__getitem__)
        # Single-letter runs, and short name-like Latin runs inside a sentence written
        # mostly in another script, join the dominant script.
        for r in runs:
            if r[3] <= 1 or (
                dominant != "Latin" and r[2] == "Latin" and _name_like(text[r[0]:r[1]])
            ):
                r[2] = dominant
        merged: list[list] = [runs[0]]
        for r in runs[1:]:
            if merged[-1][2] == r[2]:
                merged[-1][1] = r[1]
            else:
                merged.append(r)
        runs = merged
    # Split the characters between two runs: with a space in between, each run keeps
    # the punctuation touching it; without one, trailing openers go right.
    bounds = [start]
    for left, right in zip(runs, runs[1:]):
        lb, ra = left[1], right[0]
        gap = text[lb:ra]
        if any(c.isspace() for c in gap):
            le = lb
            while not text[le].isspace():
                le += 1
            rs = ra
            while not text[rs - 1].isspace():
                rs -= 1
            if any(c.isalpha() for c in text[le:rs]):  # letters of a script we do not
                le = lb + len(text[lb:rs].rstrip())  # know stay with the left run
        else:
            le = rs = ra
            while le > lb and text[le - 1] in _OPENERS:
                le = rs = le - 1
        bounds += [le, rs]
    bounds.append(end)
    return [
        (bounds[2 * i], bounds[2 * i + 1], _label(text, bounds[2 * i], bounds[2 * i + 1], r[2]))
        for i, r in enumerate(runs)
    ]


def _label(text: str, a: int, b: int, group: str) -> str:
    if group != "CJK":
        return group
    if _HANGUL_RE.search(text, a, b):
        return "Hangul"
    if _KANA_RE.search(text, a, b):
        return "Kana"
    return "Han"


def segment(text: str) -> list[Segment]:
    """Split a document into sentences and script runs with exact offsets.

    >>> doc = "Title\\n\\nFirst one. Second one.\\nЗаголовок материала"
    >>> [(s.text, s.line, s.para, s.script) for s in segment(doc)]
    [('Title', 0, 0, 'Latin'), ('First one.', 2, 1, 'Latin'), ('Second one.', 2, 1, 'Latin'), ('Заголовок материала', 3, 1, 'Cyrillic')]
    >>> all(doc[s.start:s.end] == s.text for s in segment(doc))
    True
    """
    if _speedups.segment is not None:
        return _speedups.segment.segments(text)
    return _segments(text)


def _segments(text: str) -> list[Segment]:
    # segment(): one pass over the lines, the common cases first (compiled as
    # _speedups/_segment.pyx: keep both the same)
    out: list[Segment] = []
    add = out.append
    # Lines with a letter of another script than Latin are looked at more closely; an
    # ASCII document has none (the others are searched line by line, non-ASCII only).
    mixed = not text.isascii()
    next_end = _next_end
    latin_search = _LATIN_RE.search
    nonlatin_search = _NONLATIN_RE.search
    ascii_search = _ASCII_LETTER_RE.search
    pos = 0
    para = 0
    blank = False
    for i, line in enumerate(text.split("\n")):
        n = len(line)
        body = line.strip()
        if not body:
            blank = True
            pos += n + 1
            continue
        if blank and pos:
            para += 1
        blank = False
        a = pos + n - len(line.lstrip())
        b = a + len(body)
        pos += n + 1
        ascii_line = body.isascii()
        if ascii_line and "." not in body and "!" not in body and "?" not in body:
            m = None  # no terminator (the others are not ASCII)
        else:
            m = next_end(text, a, b)
        if m is None or m.end() >= b:
            if mixed and not ascii_line and (c := nonlatin_search(body)):
                script = _single_script(text, a, b, c.group())
                if script is not None:
                    add(Segment(a, b, body, script, None, 0.0, False, i, para))
                    continue
                spans = [(a, b)]
            else:
                script = "Latin" if (ascii_search if ascii_line else latin_search)(body) else "Common"
                add(Segment(a, b, body, script, None, 0.0, False, i, para))
                continue
        else:
            spans = _split_sentences(text, a, b, m)
        for sa, sb in spans:
            if mixed and not ascii_line and (c := nonlatin_search(text, sa, sb)):
                script = _single_script(text, sa, sb, c.group())
                if script is not None:
                    add(Segment(sa, sb, text[sa:sb], script, None, 0.0, False, i, para))
                    continue
                for ra, rb, script in script_runs(text, sa, sb):
                    if ra < rb:
                        add(Segment(ra, rb, text[ra:rb], script, None, 0.0, False, i, para))
            else:
                script = "Latin" if latin_search(text, sa, sb) else "Common"
                add(Segment(sa, sb, text[sa:sb], script, None, 0.0, False, i, para))
    return out


if _speedups.segment is not None:
    _speedups.segment.bind(Segment, _next_end, _split_sentences, _single_script, script_runs,
                           _LATIN_RE, _NONLATIN_RE, _ASCII_LETTER_RE)
