"""Sentence splitting before translation: each sentence goes to the model alone.

Boundaries come from sentencex (Wikimedia's rule-based segmenter, MIT, ~300 languages
with fallbacks and per-language abbreviation lists), then four general rules correct
it.  A wrong cut costs more than a missed one (a cut after ``А.`` in ``А. Смаилов``
sends a lone initial to the model; two sentences sent together still translate), so
the rules drop doubtful cuts and add only unambiguous ones:

* no cut where the next piece starts with a lower-case letter or with punctuation that
  cannot open a sentence (``, ; : ) ] »``), nor where no space separates the pieces
  (``URA.RU``), nor inside a protected span (a URL, an e-mail address);
* no cut after a single letter and a full stop (an initial: ``В. В. Путин``), nor
  after a short abbreviation when a number or an initial follows (``рис. 3``,
  ``p. 12``, ``доц. П. С. Сидоров``);
* a cut after a list-closing abbreviation (``и т. д.``, ``usw.``, ``etc.``) or a year
  abbreviation after a number (``1999 г.``, ``2014 р.``) when a capital letter follows;
* a line break is always a boundary; an over-long sentence is cut at a space near its
  middle (the models were trained on sentences).
"""

from __future__ import annotations

import re
from typing import Iterable, Sequence

MAX_SENTENCE_CHARS = 400  # longer sentences are split at a space before translation

# Abbreviations that close an enumeration ("and so on"): a capital letter after them
# starts a new sentence.  Years: "1999 г." (год), "2014 р." (рік).
_LIST_END = re.compile(
    r"(?:\b[тТ]\.\s?[дпн]\.|\b[тТ]\.\s?ін\.|(?<!\w)(?:и|і|та)\s(?:др|пр|ін)\.|\busw\.|\betc\.)$")
_YEAR_END = re.compile(r"\d\s?(?:гг|г|рр|р)\.$")
_INITIAL = re.compile(r"(?<!\w)[^\W\d_]\.$")  # a single letter + '.'
_SHORT_ABBR = re.compile(r"(?<![\w.])[^\W\d_]{1,4}\.$")
_INITIAL_START = re.compile(r"[^\W\d_]\.\s")  # 'П. С. Сидоров' after 'доц.'
_NO_START = re.compile(r"[,;:)\]}»”’%…\-–—/]")
_LETTER = re.compile(r"[^\W\d_]")
_LATIN_END = re.compile(r"[A-Za-z]\.\s+$")  # a cut after a word in Latin letters
_LINE = re.compile(r"\s*\n\s*")


def _sentencex_cuts(text: str, lang: str) -> list[int]:
    """Offsets where sentencex ends a sentence (not the end of ``text``)."""
    import sentencex

    cuts = []
    for b in sentencex.get_sentence_boundaries(lang or "en", text):
        if 0 < b["end_index"] < len(text):
            cuts.append(b["end_index"])
    return cuts


def _starts_ok(rest: str) -> bool:
    """Can ``rest`` (no leading space) open a sentence?

    >>> [_starts_ok(s) for s in ("Далее", "«Он", "42 человека", "никогда", ", кор.", "中文")]
    [True, True, True, False, False, True]
    """
    if not rest or _NO_START.match(rest):
        return False
    for ch in rest[:3]:
        if _LETTER.match(ch):
            return not ch.islower()
    return True


def _keep_cut(before: str, after: str) -> bool:
    """Should the cut between ``before`` (ends with its spaces) and ``after`` stay?

    >>> _keep_cut("заключил А. ", "Смаилов.")
    False
    >>> _keep_cut("См. рис. ", "3 на с. 15.")
    False
    >>> _keep_cut("Он пришёл. ", "Она ушла.")
    True
    """
    if not before or not before[-1].isspace():
        return False
    head = before.rstrip()
    if not _starts_ok(after):
        return False
    if _INITIAL.search(head) and not _LIST_END.search(head) and not _YEAR_END.search(head):
        return False
    if _SHORT_ABBR.search(head) and (after[:1].isdigit() or _INITIAL_START.match(after)):
        return False
    return True


def _added_cuts(text: str) -> list[int]:
    """Cuts after list-closing and year abbreviations followed by a capital letter.

    >>> t = "Купили хлеб и т. д. Потом ушли в 1999 г. Тогда всё было иначе."
    >>> [t[:c] for c in _added_cuts(t)]
    ['Купили хлеб и т. д. ', 'Купили хлеб и т. д. Потом ушли в 1999 г. ']
    """
    cuts = []
    for m in re.finditer(r"\.(\s+)(?=[\"«“„(]?[^\W\d_])", text):
        head = text[:m.start() + 1]
        nxt = text[m.end():m.end() + 3]
        cap = next((c for c in nxt if _LETTER.match(c)), "")
        if cap and cap.isupper() and (_LIST_END.search(head) or _YEAR_END.search(head)):
            cuts.append(m.end())
    return cuts


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(s < pos < e for s, e in spans)


def sentence_cuts(text: str, lang: str = "en",
                  spans: Sequence[tuple[int, int]] = ()) -> list[int]:
    """Offsets where ``text`` (one line) is cut into sentences.

    A cut after a word in Latin letters, in a text whose language is not English,
    stands only if English rules also cut there: borrowed English abbreviations
    (``Co.``, ``Ltd.``, ``Dr.``) are common in every language's web text.

    >>> t = "Президент РФ В. В. Путин подписал указ. Он вступит в силу."
    >>> [t[:c] for c in sentence_cuts(t, "ru")]
    ['Президент РФ В. В. Путин подписал указ. ']
    >>> sentence_cuts("Компания Locomotive Co. Ltd. выпустила поезд.", "ru")
    []
    """
    cuts = {c for c in _sentencex_cuts(text, lang) if _keep_cut(text[:c], text[c:])}
    if lang != "en" and any(_LATIN_END.search(text, 0, c) for c in cuts):
        english = set(_sentencex_cuts(text, "en"))
        cuts = {c for c in cuts if c in english or not _LATIN_END.search(text, 0, c)}
    cuts.update(_added_cuts(text))
    return sorted(c for c in cuts if not _inside(c, spans))


def split_sentences(text: str, lang: str = "en",
                    spans: Sequence[tuple[int, int]] = ()) -> list[tuple[str, bool]]:
    """Split ``text`` into parts ``(piece, translate?)`` whose concatenation is ``text``.

    Sentences are the parts to translate; the whitespace around and between them, and
    pieces without a letter, are kept as they are.  ``spans`` are ``(start, end)``
    offsets that no cut may fall inside.

    >>> split_sentences("  Кошка спит. Собака бежит!\\n42", "ru")
    [('  ', False), ('Кошка спит.', True), (' ', False), ('Собака бежит!', True), ('\\n42', False)]
    >>> split_sentences("Адрес: ул. Ленина, д. 5, кв. 12. Звоните.", "ru")[0]
    ('Адрес: ул. Ленина, д. 5, кв. 12.', True)
    """
    parts: list[tuple[str, bool]] = []
    pos = 0
    lines = [(m.start(), m.end()) for m in _LINE.finditer(text)] + [(len(text), len(text))]
    for lstart, lend in lines:
        line = text[pos:lstart]
        if line:
            local = [(s - pos, e - pos) for s, e in spans if s < lstart and e > pos]
            bounds = [0, *sentence_cuts(line, lang, local), len(line)]
            for a, b in zip(bounds, bounds[1:]):
                _add_sentence(parts, line[a:b])
        _add(parts, text[lstart:lend], False)
        pos = lend
    return _merge_glue(parts)


def _add(parts: list[tuple[str, bool]], piece: str, translate: bool) -> None:
    if piece:
        parts.append((piece, translate))


def _add_sentence(parts: list[tuple[str, bool]], chunk: str) -> None:
    stripped = chunk.strip()
    if not stripped:
        _add(parts, chunk, False)
        return
    _add(parts, chunk[: len(chunk) - len(chunk.lstrip())], False)
    for piece, tr in _split_long(stripped):
        _add(parts, piece, tr and bool(_LETTER.search(piece)))
    _add(parts, chunk[len(chunk.rstrip()):], False)


def _merge_glue(parts: Iterable[tuple[str, bool]]) -> list[tuple[str, bool]]:
    merged: list[tuple[str, bool]] = []
    for piece, tr in parts:
        if merged and not tr and not merged[-1][1]:
            merged[-1] = (merged[-1][0] + piece, False)
        else:
            merged.append((piece, tr))
    return merged


def _split_long(sentence: str) -> list[tuple[str, bool]]:
    """Split an over-long sentence at spaces near its middle, recursively.

    >>> parts = _split_long(" ".join(["слово"] * 200))
    >>> [len(p) for p, _ in parts]
    [299, 1, 299, 1, 299, 1, 299]
    >>> "".join(p for p, _ in parts) == " ".join(["слово"] * 200)
    True
    """
    if len(sentence) <= MAX_SENTENCE_CHARS:
        return [(sentence, True)]
    mid = len(sentence) // 2
    spaces = [m.start() for m in re.finditer(r"\s+", sentence)]
    if not spaces:
        return _split_long(sentence[:mid]) + _split_long(sentence[mid:])
    cut = min(spaces, key=lambda i: (abs(i - mid), i))
    m = re.compile(r"\s+").match(sentence, cut)
    assert m is not None
    return (_split_long(sentence[:cut]) + [(m.group(), False)]
            + _split_long(sentence[m.end():]))
