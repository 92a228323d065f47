"""Mojibake repair, line by line.

Two kinds of damage are undone:

* UTF-8 decoded with a single-byte codec ("CafÃ©", "РџСЂРёРІРµС‚"): ftfy's encoding
  fixes (:func:`ftfy.fix_encoding_and_explain`, nothing else of ftfy) on each line
  that ftfy's own badness test flags, never on a whole multi-line document;
* single-byte text shown with the wrong single-byte codec, which ftfy does not attempt
  (:mod:`.mixups`): cp1251 shown as cp1252, Latin-1 or cp1254 ("Âñå ýòî" for "Все это"),
  KOI8-R/KOI8-U shown as Latin-1 ("ðÒÉ×ÅÔ" for "Привет") or as cp1251, and cp1251 shown
  as KOI8, line by line; cp1250, ISO-8859-2, cp1257 and cp1254 shown as cp1252 ("Za¿ó³æ"
  for "Zażółć"), decided for the whole document.  Each reversal is kept only when the
  letter statistics of :mod:`polyclean.decode.stats` say the result is much more like
  real text of a language the codec serves than the input is like real text, so clean
  text is left alone.

Fast paths: pure-ASCII documents return at once; ftfy only sees lines in which
ftfy's badness pattern matches (searched only around the few hundred characters
that pattern needs, so this is exactly ftfy's own test); the Cyrillic checks only
run on lines with runs of three Latin-1 letters or of three capital Cyrillic
letters, the Latin ones on lines with a character their tables change, and are
first bounded cheaply.

>>> repair_text("Caf\\u00c3\\u00a9 noir\\nplain line", Config())[0]
'Café noir\\nplain line'
"""
from __future__ import annotations

import functools
import logging
import re

from ..config import Config
from ..report import Change
from .ftfy_gate import _ftfy, describe_ftfy, ftfy_lines, restore_lost_closing_quotes  # noqa: F401
from .mixups import (  # noqa: F401
    _CAPS_RUN, CONTEXT_CHARS, CP1251_FROM_KOI8, CP1251_FROM_LATIN, KOI8_FROM_CP1251,
    KOI8_FROM_LATIN, LATIN_MIXUPS, _caps_heavy, undo_cyrillic_as_latin,
    undo_koi8_mixup, undo_latin_mixups,
)

log = logging.getLogger(__name__)


# --- the stage ---------------------------------------------------------------------------

# A line worth a Cyrillic check: three Latin-1 letters (cp1251 shown as cp1252) or
# three capital Cyrillic letters (KOI8-R/cp1251 mix-ups) in a row.  Two plain ranges,
# written out three times (twice as fast in ``re`` as ``{3}``), keep this scan fast;
# the checks themselves look at every character concerned.
_CYRILLIC_TRIGGER = re.compile(
    "[\u00c0-\u00ff\u0410-\u042f\u011e\u011f\u0130\u0131\u015e\u015f]" * 3)
# A line worth a Latin check (cp1250/ISO-8859-2/cp1257/cp1254 shown as cp1252): a
# character that those mix-ups change.  The check pools the document's lines (undo_latin_mixups).
_LATIN_MIXUP_KEY = re.compile(
    "[" + re.escape("".join(sorted({chr(k) for t in LATIN_MIXUPS.values() for k in t}))) + "]")


def _line_starts(text: str, trigger: re.Pattern) -> list[int]:
    """Start offsets of the lines of ``text`` in which ``trigger`` matches.

    >>> _line_starts("ab\\ncd\\nxa", re.compile("a"))
    [0, 6]
    """
    out = []
    m = trigger.search(text)
    while m is not None:
        p = m.start()
        out.append(text.rfind("\n", 0, p) + 1)
        le = text.find("\n", p)
        if le < 0:
            break
        m = trigger.search(text, le)
    return out


def _scan(text: str, cyrillic: bool) -> dict[int, bool | None]:
    """Lines to look at, by start offset: True when ftfy's badness test flags the line
    (:func:`ftfy_lines`), None when only a Cyrillic check is due.

    >>> _scan("ok\\nCaf\u00c3\u00a9\\n\u00bfQu\u00e9?\\n\u043f\u0420\u0418\u0412\u0415\u0422", True)
    {3: True, 15: None}
    """
    todo: dict[int, bool | None] = dict.fromkeys(ftfy_lines(text), True)
    if cyrillic:
        for ls in _line_starts(text, _CYRILLIC_TRIGGER):
            todo.setdefault(ls, None)
    return todo


def repair_line(line: str, *, use_ftfy: bool | None = None, cyrillic: bool = True
                ) -> tuple[str, list[str], float | None]:
    """Repair one line: (result, reasons, confidence of a Cyrillic reversal).
    ``use_ftfy`` None runs ftfy when its badness test flags the line.

    >>> repair_line("\u0420\u045f\u0421\u0402\u0420\u0451\u0420\u0406\u0420\u00b5\u0421\u201a")[:2]
    ('Привет', ['ftfy: utf-8 read as cp1251'])
    """
    reasons: list[str] = []
    conf = None
    out = line
    # single-byte text shown as cp1252 first: ftfy would take its "Â " for a UTF-8
    # no-break space
    res = undo_cyrillic_as_latin(out) if cyrillic else None
    if res is not None:
        out, conf, why = res
        reasons.append(why)
        use_ftfy = None  # UTF-8 mojibake may remain in the line's other words
    if use_ftfy is None:
        use_ftfy = bool(ftfy_lines(out))
    if use_ftfy:
        paired = restore_lost_closing_quotes(out)
        fixed, steps = _ftfy()["fix"](paired)
        if fixed == paired != out:  # ftfy left the line: no restored byte may stay in it
            fixed, steps = _ftfy()["fix"](out)
        if fixed != out:
            reasons.append(describe_ftfy(steps))
            if paired != out and fixed != paired:
                reasons.append("a closing quote's lost last byte taken from its pair")
            out = fixed
            # what ftfy left is what the next clean would check: check it now, so that
            # repairing twice gives what repairing once did
            if res is None and cyrillic:
                res = undo_cyrillic_as_latin(out)
                if res is not None:
                    out, conf, why = res
                    reasons.append(why)
    if cyrillic and not out.isascii():
        if _CAPS_RUN.search(out) and _caps_heavy(out):
            res = undo_koi8_mixup(out)
            if res is not None:
                out, conf, why = res
                reasons.append(why)
    return out, reasons, conf


def _line_end(text: str, ls: int) -> int:
    le = text.find("\n", ls)
    return len(text) if le < 0 else le


def _change(text: str, ls: int, le: int, fixed: str, reason: str, conf: float | None
            ) -> Change:
    """The change of line ``text[ls:le]`` into ``fixed``, trimmed to the part that changed.

    >>> c = _change("ab\\nxyz", 3, 6, "xQz", "why", None)
    >>> c.start, c.end, c.original, c.result
    (4, 5, 'y', 'Q')
    """
    line = text[ls:le]
    p = 0
    m = min(len(line), len(fixed))
    while p < m and line[p] == fixed[p]:
        p += 1
    s = 0
    while s < m - p and line[-1 - s] == fixed[-1 - s]:
        s += 1
    return Change("repair", ls + p, le - s, line[p:len(line) - s], fixed[p:len(fixed) - s],
                  reason, confidence=conf)


def _unkeyed(text: str) -> str:
    r"""The lines of the start of ``text`` (its first ``2 * CONTEXT_CHARS`` characters)
    that no Latin mix-up changes: the rest of the document's evidence of its language.

    >>> _unkeyed("Wi\u00eacej\nTöö käigus\nSõnum")
    'Töö käigus'
    """
    head = text[:2 * CONTEXT_CHARS]
    return "\n".join(line for line in head.split("\n") if not _LATIN_MIXUP_KEY.search(line))


def _latin_mixups(text: str, fixes: dict[int, tuple[int, str, str, float | None]]) -> None:
    """Add to ``fixes`` (line start -> end, fixed line, reasons, confidence) the Latin
    mix-ups of the document (:func:`undo_latin_mixups`), judged on its lines as the
    line repairs left them: a line that ftfy took out of UTF-8 mojibake can hold a
    single-byte mix-up under it (Turkish "Ã½" is "ý", which is "ı"), and the next clean
    would see it, so this one must.  For the same reason it looks again after a
    reversal, at most once per codec: lines pasted from another page can hold another
    codec's mix-up.

    >>> fixes = {}
    >>> _latin_mixups("Ba\u00fekan\u00fd geldi, \u00e7ok g\u00fczel bir g\u00fcnd\u00fc.\\n"
    ...               "Kat\u00fdl\u00fdmc\u00fdlar\u00fdn say\u00fds\u00fd", fixes)
    >>> [(ls, fixes[ls][1]) for ls in sorted(fixes)]
    [(0, 'Başkanı geldi, çok güzel bir gündü.'), (36, 'Katılımcıların sayısı')]
    """
    starts = sorted(set(_line_starts(text, _LATIN_MIXUP_KEY)) | fixes.keys())
    rest = functools.cache(lambda: _unkeyed(text))  # built only if a check asks for it
    for _ in LATIN_MIXUPS:
        lines = [fixes[ls][1] if ls in fixes else text[ls:_line_end(text, ls)] for ls in starts]
        keyed = [k for k, line in enumerate(lines) if _LATIN_MIXUP_KEY.search(line)]
        if not keyed:
            return
        found = undo_latin_mixups([lines[k] for k in keyed], rest)
        if not found:
            return
        for j, (fixed, conf, why) in found.items():
            ls = starts[keyed[j]]
            if ls in fixes:
                le, _, reasons, _ = fixes[ls]
                fixes[ls] = (le, fixed, f"{reasons}; {why}", conf)
            else:
                fixes[ls] = (_line_end(text, ls), fixed, why, conf)


def repair_text(text: str, config: Config) -> tuple[str, list[Change]]:
    """Repair mojibake line by line; changes are offsets into ``text``, one per
    repaired line, trimmed to the part of the line that changed.  Latin mix-ups
    (cp1250/ISO-8859-2/cp1257/cp1254 shown as cp1252) are decided for the document as a
    whole.

    >>> out, changes = repair_text("ok\\n\u00c2\u00f1\u00e5 \u00fd\u00f2\u00ee \u00ef\u00f0\u00e0\u00e2\u00e4\u00e0", Config())
    >>> out
    'ok\\nВсе это правда'
    >>> [(c.start, c.end, c.reason) for c in changes]
    [(3, 17, 'cp1251 shown as cp1252')]
    >>> repair_text("\u00c2\u00f1\u00e5 \u00fd\u00f2\u00ee", Config(repair_cyrillic=False))[0]
    'Âñå ýòî'
    """
    if not config.repair or not text or text.isascii():
        return text, []
    cyrillic = config.repair_cyrillic
    todo = _scan(text, cyrillic)
    fixes: dict[int, tuple[int, str, str, float | None]] = {}  # line start -> end, fix
    for ls in sorted(todo):
        le = _line_end(text, ls)
        line = text[ls:le]
        fixed, reasons, conf = repair_line(line, use_ftfy=todo[ls], cyrillic=cyrillic)
        if fixed != line:
            fixes[ls] = (le, fixed, "; ".join(reasons), conf)
    if cyrillic:
        _latin_mixups(text, fixes)
    changes = [_change(text, ls, *fixes[ls]) for ls in sorted(fixes)]
    if not changes:
        return text, []
    out: list[str] = []
    pos = 0
    for ch in changes:
        out.append(text[pos:ch.start])
        out.append(ch.result)
        pos = ch.end
    out.append(text[pos:])
    return "".join(out), changes
