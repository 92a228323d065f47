"""Mojibake repair, line by line.

Two kinds of damage are undone:

* UTF-8 decoded with a single-byte codec ("CafÃ©", "РџСЂРёРІРµС‚"): ftfy's encoding
  fixes (:func:`ftfy.fix_encoding_and_explain`, nothing else of ftfy) on each line
  that ftfy's own badness test flags, never on a whole multi-line document;
* single-byte Cyrillic text shown with the wrong single-byte codec, which ftfy does
  not attempt: cp1251 shown as cp1252 or Latin-1 ("Âñå ýòî" for "Все это"), KOI8-R
  shown as cp1251 and cp1251 shown as KOI8-R.  Each reversal is kept only when the
  letter statistics of :mod:`polyclean.decode` say the result is much more like real
  Cyrillic text than the input is like real text, so clean text is left alone.

Fast paths: pure-ASCII documents return at once; ftfy only sees lines in which
ftfy's badness pattern matches (searched only around the few hundred characters
that pattern needs, so this is exactly ftfy's own test); the Cyrillic checks only
run on lines with runs of three Latin-1 letters or of three capital Cyrillic
letters.

>>> repair_text("Caf\\u00c3\\u00a9 noir\\nplain line", Config())[0]
'Café noir\\nplain line'
"""

from __future__ import annotations

import logging
import math
import re

from . import decode as _decode
from .config import Config
from .report import Change

log = logging.getLogger(__name__)

BUILT = True

#: A Cyrillic reversal must gain at least this much log-likelihood per letter pair
#: (measured: mojibake of real Russian sentences gains 4.9 or more from cp1252 and
#: 0.4-6.5 from KOI8-R/cp1251; clean text in 17 languages at most 1.25 and 0.4) ...
LATIN_GAIN_PER_PAIR = 3.0
KOI8_GAIN_PER_PAIR = 1.0
#: ... at least this much in total ...
MIN_GAIN = 10.0
#: ... and the result must average at least this per pair (real Russian: -4.6 to -6.7).
MIN_RESULT_PER_PAIR = -7.0
#: cp1251-as-cp1252 needs this many letters of evidence (a lone "5ª" or "à" is not).
MIN_LETTERS = 4


# --- single-byte tables ----------------------------------------------------------------

def _sloppy(b: int, codec: str) -> str:
    """Byte ``b`` in ``codec``; an undefined byte reads as the same-numbered C1 control
    (as browsers and ftfy's "sloppy" codecs do).

    >>> _sloppy(0xC0, "cp1251"), _sloppy(0x98, "cp1251")
    ('А', '\\x98')
    """
    try:
        return bytes([b]).decode(codec)
    except UnicodeDecodeError:
        return chr(b)


def _table(shown: tuple[str, ...], true: str, keep) -> dict[int, str]:
    """str.translate table that undoes bytes of ``true`` shown with the ``shown`` codecs,
    for the characters that ``keep`` accepts.

    >>> t = _table(("cp1252",), "cp1251", str.isalpha)
    >>> "\u00cc\u00ee\u00f0\u00e5 \u00ab\u00e9\u00bb".translate(t)
    'Море «й»'
    """
    table: dict[int, str] = {}
    for b in range(0x80, 0x100):
        dst = _sloppy(b, true)
        if b < 0xA0 and dst == chr(b):  # undefined in the true codec
            continue
        if not keep(dst):
            continue
        for codec in shown:
            src = _sloppy(b, codec)
            if src != dst:
                table.setdefault(ord(src), dst)
    return table


_KOI8_SYMBOLS = set("\xa0©°²·÷")

#: cp1251 bytes shown as cp1252 (or Latin-1, whose 0x80-0x9F are C1 controls).
CP1251_FROM_LATIN = _table(("cp1252", "latin_1"), "cp1251", lambda c: True)
#: KOI8-R bytes shown as cp1251: only letters and a few symbols come back (a box-drawing
#: character is far less likely than the cp1251 character on screen).
KOI8_FROM_CP1251 = _table(("cp1251",), "koi8_r", lambda c: c.isalpha() or c in _KOI8_SYMBOLS)
#: cp1251 bytes shown as KOI8-R (KOI8-R's no-break space, °, ², · and ÷ are kept: the
#: cp1251 letters behind them are rare Serbian and Macedonian ones).
CP1251_FROM_KOI8 = {k: v for k, v in _table(("koi8_r",), "cp1251", lambda c: True).items()
                    if chr(k) not in _KOI8_SYMBOLS - {"©"}}

#: Characters that cp1252 and cp1251 share (punctuation such as « » — …).
_LATIN_SAME = frozenset(_sloppy(b, "cp1252") for b in range(0x80, 0x100)
                        if _sloppy(b, "cp1252") == _sloppy(b, "cp1251"))
_LATIN_LETTERS = "".join(
    sorted(chr(k) for k, v in CP1251_FROM_LATIN.items() if v.isalpha() and not chr(k).isascii())
)
# Latin-1/cp1252 characters that stand for cp1251 letters, two (a word of mojibake)
# or three (a line worth checking) side by side.
_LATIN_RUN = re.compile(f"[{re.escape(_LATIN_LETTERS)}]{{2}}")
_LATIN_RUN3 = re.compile(f"[{re.escape(_LATIN_LETTERS)}]{{3}}")
_CAPS_RUN = re.compile("[\u0401\u0410-\u042f]{3}")
_CYR_UPPER = re.compile("[\u0400-\u042f]")
_CYR_LOWER = re.compile("[\u0430-\u045f]")
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile("[A-Za-z]")


# --- ftfy gate -------------------------------------------------------------------------

_FTFY: dict | None = None


def _expand(chars: str) -> set[str]:
    """Characters of a regex character-class body with ``a-b`` ranges.

    >>> sorted(_expand("a-cx"))
    ['a', 'b', 'c', 'x']
    """
    out: set[str] = set()
    i = 0
    while i < len(chars):
        if i + 2 < len(chars) and chars[i + 1] == "-":
            out.update(chr(c) for c in range(ord(chars[i]), ord(chars[i + 2]) + 1))
            i += 3
        else:
            out.add(chars[i])
            i += 1
    return out


def _ftfy() -> dict:
    """ftfy and the characters without which its badness pattern cannot match
    (built once per process)."""
    global _FTFY
    if _FTFY is None:
        import ftfy
        from ftfy.badness import BADNESS_RE, MOJIBAKE_CATEGORIES

        needed: set[str] = set()
        for name, chars in MOJIBAKE_CATEGORIES.items():
            if name not in ("common", "lower_common", "upper_common"):
                needed |= _expand(chars)
        # letters named outside the categories in BADNESS_RE's alternatives
        needed |= set("\u0402\u0152\u0153\u00d8\u00d9\u00c2\u00c3\u00ce\u00d0\u00e0"
                      "\u00e2\u00f3\u00c4\u0101\u20ac\u00b0\u00d7\u00b2\u00b3\u221a\u2248\u201a")
        cls = "".join(sorted(re.escape(c) for c in needed if c > "\x9f"))
        _FTFY = {
            "fix": ftfy.fix_encoding_and_explain,
            "bad": BADNESS_RE,
            "trigger": re.compile(f"[\x80-\x9f{cls}]"),
        }
    return _FTFY


def ftfy_lines(text: str) -> set[int]:
    """Start offsets of the lines of ``text`` that ftfy's badness test flags.

    Every match of ftfy's pattern is at most 7 characters long and contains a C1
    control, "Œ"/"œ" before a non-letter, "Ã"/"Â" before a space or two adjacent
    non-ASCII characters of which one is among the few hundred that the pattern
    names; so the pattern is only tried within 7 characters of such a trigger,
    inside its line: the same answer as ``ftfy.badness.is_bad`` on every line, at
    a fraction of the cost.

    >>> sorted(ftfy_lines("ok\\nCaf\\u00c3\\u00a9\\n\\u00bfQu\\u00e9?"))
    [3]
    """
    f = _ftfy()
    bad = f["bad"]
    flagged: set[int] = set()
    ls = le = -1
    n = len(text)
    for m in f["trigger"].finditer(text):
        p = m.start()
        if p < le and ls in flagged:
            continue
        c = text[p]
        nxt = text[p + 1] if p + 1 < n else "\n"
        if not (c <= "\x9f" or nxt > "\x7f" or (p and text[p - 1] > "\x7f")
                or (c in "\u0152\u0153" and not nxt.isalpha())
                or (c in "\u00c3\u00c2" and nxt == " ")):
            continue
        if p >= le:
            ls = text.rfind("\n", 0, p) + 1
            le = text.find("\n", p)
            if le < 0:
                le = n
        if bad.search(text, max(ls, p - 6), min(le, p + 8)):
            flagged.add(ls)
    return flagged


_FTFY_CODECS = {"latin-1": "latin-1", "iso-8859-2": "iso-8859-2", "macroman": "macroman",
                "cp437": "cp437"}


def describe_ftfy(steps) -> str:
    """A short reason from ftfy's explanation steps.

    >>> describe_ftfy([("encode", "sloppy-windows-1251"), ("decode", "utf-8")])
    'ftfy: utf-8 read as cp1251'
    >>> describe_ftfy([("encode", "sloppy-windows-1251"), ("decode", "utf-8")] * 2)
    'ftfy: utf-8 read as cp1251, twice'
    >>> describe_ftfy([("apply", "decode_inconsistent_utf8")])
    'ftfy: utf-8 mojibake among clean text'
    """
    parts: list[str] = []
    enc = None
    for action, arg in steps:
        if action == "encode":
            enc = _FTFY_CODECS.get(arg) or arg.replace("sloppy-windows-", "cp")
        elif action == "decode" and enc is not None:
            dec = "utf-8" if arg.startswith("utf-8") else arg.replace("windows-", "cp")
            parts.append(f"{dec} read as {enc}")
            enc = None
        elif action == "transcode" and arg == "fix_c1_controls":
            parts.append("C1 controls as cp1252")
        elif action == "apply" and arg == "decode_inconsistent_utf8":
            parts.append("utf-8 mojibake among clean text")
        elif action == "apply":
            parts.append(arg.replace("_", " "))
    if len(parts) == 2 and parts[0] == parts[1]:
        parts = [parts[0] + ", twice"]
    return "ftfy: " + "; ".join(parts or ["encoding fix"])


# --- single-byte Cyrillic mix-ups -------------------------------------------------------

def _score_before(before: str, script: str) -> float:
    """Score of the text as it stands.  A Latin reading is scored by the union of the
    Latin languages, an upper bound of its score (22 languages would cost more than
    they tell), so the gain of a reversal is if anything understated."""
    if script == "latin":
        return (_decode._union_score(_decode.letter_pairs(before), "latin")
                + _decode.case_cost(before))
    return _decode.text_score(before, script)


def _gain(before_score: float, after: str) -> tuple[float, float, int]:
    """(score gain, result score, letter pairs) of reading ``after`` as Cyrillic
    instead of the text that scored ``before_score``.

    >>> gain, result, pairs = _gain(_score_before("Âñå ýòî", "latin"), "Все это")
    >>> pairs, gain > 3 * pairs, result > -7 * pairs
    (8, True, True)
    """
    keys = _decode.letter_pairs(after)
    npairs = sum(keys.values()) or 1
    result = _decode.pairs_score(keys, "cyrillic") + _decode.case_cost(after)
    return result - before_score, result, npairs


def _accept(gain: float, result: float, npairs: int, per_pair: float) -> float | None:
    """Confidence of a verified reversal, or None when it is not convincing.

    >>> _accept(60.0, -110.0, 20, LATIN_GAIN_PER_PAIR), _accept(40.0, -110.0, 20, LATIN_GAIN_PER_PAIR)
    (1.0, None)
    """
    if gain < MIN_GAIN or gain < per_pair * npairs or result < MIN_RESULT_PER_PAIR * npairs:
        return None
    return round(1.0 / (1.0 + math.exp(-(gain - MIN_GAIN) / 4.0)), 4)


def undo_cp1251_as_latin(line: str) -> tuple[str, float] | None:
    """Undo cp1251 text shown as cp1252/Latin-1; (repaired line, confidence) or None
    when the line is not such mojibake.

    Words are the letter runs of the cp1251 reading.  Only words with at least as
    many non-ASCII as ASCII letters change (a Latin typo inside one is kept); words
    with more ASCII letters, such as "Telegram" or "Café", stay as they are.  A
    symbol that becomes a letter ("¸" for "ё") must join a word without starting a
    capital inside it.

    >>> undo_cp1251_as_latin("Âñå ýòî íîâîñòè, 2024")[0]
    'Все это новости, 2024'
    >>> undo_cp1251_as_latin("Une idée créée à Paris") is None
    True
    """
    table = CP1251_FROM_LATIN
    shown = line.translate(table)
    if shown == line:
        return None
    spans = []
    mixed = letters = 0
    for m in _WORD.finditer(shown):
        a, b = m.span()
        seg = line[a:b]
        if seg.isascii():
            continue
        ascii_letters = len(_ASCII_LETTER.findall(seg))
        high = sum(1 for c in seg if c > "\x7f" and c.isalpha())
        if high >= ascii_letters:  # a word of mojibake (perhaps with a Latin typo in it)
            spans.append((a, b))
            letters += high
            mixed += ascii_letters > 0
    if (letters < MIN_LETTERS or 4 * mixed > len(spans)
            or not any(_LATIN_RUN.search(line, a, b) for a, b in spans)):
        return None
    before = " ".join(line[a:b] for a, b in spans)
    after = " ".join(shown[a:b] for a, b in spans)
    conf = _accept(*_gain(_score_before(before, "latin"), after), LATIN_GAIN_PER_PAIR)
    if conf is None:
        return None
    out = list(line)
    n = len(line)
    for a, b in spans:
        out[a:b] = shown[a:b]
    for m in _WORD.finditer(shown):  # letters outside the words above stay as they were
        a, b = m.span()
        if (a, b) not in spans:
            out[a:b] = line[a:b]
    for i, (c, t) in enumerate(zip(line, shown)):
        if c == t or t.isalpha() and (c.isalpha() or out[i] == c):
            continue
        if not t.isalpha():  # symbols outside words: \x96 -> en dash, ¹ -> №
            out[i] = t
        elif t.isupper() and i > 0 and out[i - 1].islower() and out[i - 1] > "\x7f":  # "м²"
            out[i] = c
        elif not ((i > 0 and out[i - 1].isalpha()) or (i + 1 < n and out[i + 1].isalpha())):
            out[i] = c
    return "".join(out), conf


def undo_koi8_mixup(line: str) -> tuple[str, float, str] | None:
    """Undo KOI8-R shown as cp1251 or cp1251 shown as KOI8-R; (repaired line,
    confidence, reason) or None when neither reading is convincing.

    >>> undo_koi8_mixup("\u0440\u0422\u0419\u0427\u0415\u0424, \u041d\u0419\u0422!")[0]
    'Привет, мир!'
    >>> undo_koi8_mixup("НОВОСТИ ДНЯ: СПОРТ") is None
    True
    """
    best = None
    before = None
    for table, reason in ((KOI8_FROM_CP1251, "KOI8-R shown as cp1251"),
                          (CP1251_FROM_KOI8, "cp1251 shown as KOI8-R")):
        after = line.translate(table)
        if after == line:
            continue
        if before is None:
            before = _score_before(line, "cyrillic")
        gain, result, npairs = _gain(before, after)
        conf = _accept(gain, result, npairs, KOI8_GAIN_PER_PAIR)
        if conf is not None and (best is None or gain > best[3]):
            best = (after, conf, reason, gain)
    return None if best is None else best[:3]


def _caps_heavy(line: str) -> bool:
    """More capital than small Cyrillic letters: how both KOI8-R/cp1251 mix-ups look.

    >>> _caps_heavy("\u0440\u0422\u0419\u0427\u0415\u0424"), _caps_heavy("Привет, СССР")
    (True, False)
    """
    return len(_CYR_UPPER.findall(line)) > len(_CYR_LOWER.findall(line))


# --- the stage ---------------------------------------------------------------------------

# A line worth a Cyrillic check: three Latin-1 letters (cp1251 shown as cp1252) or
# three capital Cyrillic letters (KOI8-R/cp1251 mix-ups) in a row.  Two plain ranges,
# written out three times (twice as fast in ``re`` as ``{3}``), keep this scan fast;
# the checks themselves look at every character concerned.
_CYRILLIC_TRIGGER = re.compile("[\u00c0-\u00ff\u0410-\u042f]" * 3)


def _scan(text: str, cyrillic: bool) -> dict[int, bool | None]:
    """Lines to look at, by start offset: True when ftfy's badness test flags the line
    (:func:`ftfy_lines`), None when only a Cyrillic check is due.

    >>> _scan("ok\\nCaf\u00c3\u00a9\\n\u00bfQu\u00e9?\\n\u043f\u0420\u0418\u0412\u0415\u0422", True)
    {3: True, 15: None}
    """
    todo: dict[int, bool | None] = dict.fromkeys(ftfy_lines(text), True)
    if cyrillic:
        le = -1
        for m in _CYRILLIC_TRIGGER.finditer(text):
            p = m.start()
            if p < le:
                continue
            ls = text.rfind("\n", 0, p) + 1
            le = text.find("\n", p)
            if le < 0:
                le = len(text)
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
    # cp1251 shown as cp1252 first: ftfy would take its "Â " for a UTF-8 no-break space
    if cyrillic and _LATIN_RUN3.search(out):
        res = undo_cp1251_as_latin(out)
        if res is not None:
            shown = "Latin-1" if any("\x80" <= c <= "\x9f" for c in out) else "cp1252"
            out, conf = res
            reasons.append(f"cp1251 shown as {shown}")
            use_ftfy = None  # UTF-8 mojibake may remain in the line's other words
    if use_ftfy is None:
        use_ftfy = bool(ftfy_lines(out))
    if use_ftfy:
        fixed, steps = _ftfy()["fix"](out)
        if fixed != out:
            reasons.append(describe_ftfy(steps))
            out = fixed
    if cyrillic and not out.isascii():
        if _CAPS_RUN.search(out) and _caps_heavy(out):
            res = undo_koi8_mixup(out)
            if res is not None:
                out, conf, why = res
                reasons.append(why)
    return out, reasons, conf


def repair_text(text: str, config: Config) -> tuple[str, list[Change]]:
    """Repair mojibake line by line; changes are offsets into ``text``, one per
    repaired line, trimmed to the part of the line that changed.

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
    if not todo:
        return text, []
    changes: list[Change] = []
    for ls in sorted(todo):
        le = text.find("\n", ls)
        if le < 0:
            le = len(text)
        line = text[ls:le]
        fixed, reasons, conf = repair_line(line, use_ftfy=todo[ls], cyrillic=cyrillic)
        if fixed == line:
            continue
        # trim to the changed part of the line
        p = 0
        m = min(len(line), len(fixed))
        while p < m and line[p] == fixed[p]:
            p += 1
        s = 0
        while s < m - p and line[-1 - s] == fixed[-1 - s]:
            s += 1
        changes.append(Change("repair", ls + p, le - s, line[p:len(line) - s],
                              fixed[p:len(fixed) - s], "; ".join(reasons), confidence=conf))
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
