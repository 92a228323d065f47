"""Single-byte mix-ups that ftfy does not attempt, each verified by the letter
statistics of :mod:`polyclean.decode.stats` so that clean text is left alone."""

from __future__ import annotations

import codecs
import math
import re
from collections import Counter
from collections.abc import Callable

from ..decode import stats as _stats
from .ftfy_gate import ftfy_lines

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
#: A Latin-script reversal (cp1250, ISO-8859-2, cp1257 or cp1254 shown as cp1252),
#: decided for a whole document, needs this many changed letters of evidence, must
#: gain this much per letter pair of the words it changes, and the result must average
#: this per pair (chosen on the even-numbered half of the sentences in
#: bench/bench_repair.py's Latin corpus; measured there: mojibake of three sentences
#: gains 2 to 7 per pair, clean lingua lines at most 6.6 with 1-3 changed letters).
#: Two letters, not one: a single changed letter in a name reads as well one way as
#: the other (Dutch "Mûelenaere", Hungarian "Műelenaere"), unless the rest of the
#: document and the word lists say otherwise (:func:`_single_letter_fits`); it was four
#: before the known-word check (:func:`_more_known_as_they_stand`), which keeps clean
#: words such as Italian "lunedì" from passing on two or three letters.
LATIN_MIN_CHANGED = 2
LATIN_MIXUP_GAIN_PER_PAIR = 2.0
LATIN_MIN_RESULT_PER_PAIR = -9.0
#: The decision looks at the first lines that a table changes, until they hold this
#: many changed letters or number 20 (see _latin_sample).
LATIN_ENOUGH_CHANGED = 12
LATIN_SAMPLE_LINES = 20
#: A single changed letter is enough only when the rest of the document, in its first
#: this many characters, holds this many letter pairs with a non-ASCII letter and reads
#: best in a language of the mix-up, and the word lists agree (see _single_letter_fits).
#: Four (two such letters) was chosen on the sentences that chose the other Latin
#: thresholds (lingua's even Polish sentences, wordfreq seed 0): one sentence at a time,
#: Czech 67.9 % with twelve, 75.8 with eight, 86.2 with four, 86.6 with three;
#: Hungarian 20.3, 33.6, 44.9, 44.9.
CONTEXT_CHARS = 4000
CONTEXT_MIN_PAIRS = 4
#: A reversal of fewer changed letters than this is refused when the rest of the
#: document reads best in a language the mix-up does not serve (Estonian "võtmeid"
#: is not Hungarian "vőtmeid"); four was the evidence needed before the word checks.
CONTEXT_VETO_BELOW = 4


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

#: cp1251 bytes shown as cp1252, Latin-1 (whose 0x80-0x9F are C1 controls) or cp1254
#: (Turkish: ğ ş ı Ğ Ş İ where cp1252 has ð þ ý Ð Þ Ý).
CP1251_FROM_LATIN = _table(("cp1252", "latin_1", "cp1254"), "cp1251", lambda c: True)
_CP1254_ONLY = frozenset("ğşıĞŞİ")
#: KOI8 bytes shown as cp1252/Latin-1: only letters come back.  KOI8-U is KOI8-R with
#: the Ukrainian letters in place of some box-drawing characters, so it serves both.
KOI8_FROM_LATIN = _table(("cp1252", "latin_1"), "koi8_u", str.isalpha)
#: KOI8 bytes shown as cp1251: only letters and a few symbols come back (a box-drawing
#: character is far less likely than the cp1251 character on screen).
KOI8_FROM_CP1251 = _table(("cp1251",), "koi8_u", lambda c: c.isalpha() or c in _KOI8_SYMBOLS)
#: cp1251 bytes shown as KOI8-R or KOI8-U (their no-break space, °, ², · and ÷ are kept:
#: the cp1251 letters behind them are rare Serbian and Macedonian ones).
CP1251_FROM_KOI8 = {
    k: v for k, v in (_table(("koi8_u",), "cp1251", str.isalpha)
                      | _table(("koi8_r",), "cp1251", lambda c: True)).items()
    if chr(k) not in _KOI8_SYMBOLS - {"©"}}
#: Letters that only KOI8-U (not KOI8-R) has: a reversal that yields them is KOI8-U.
_KOI8U_ONLY = frozenset("іїєґІЇЄҐ")
#: Latin-script text shown as cp1252/Latin-1: cp1250 (Polish, Czech, Slovak, Hungarian,
#: Slovene, Croatian, Romanian), cp1257 (Lithuanian, Latvian, Estonian) and cp1254, the
#: Turkish codec (ISO-8859-9 differs from Latin-1 in the same six letters: ğ ş ı Ğ Ş İ
#: shown as ð þ ý Ð Þ Ý, letters Turkish does not write); ISO-8859-2 beside cp1250
#: (see LATIN_ALTERNATIVE_TO).  Only letters come back.
LATIN_MIXUPS = {true: _table(("cp1252", "latin_1"), true, str.isalpha)
                for true in ("cp1250", "iso8859_2", "cp1257", "cp1254")}
#: How a reason names a codec (ISO-8859-2, Latin-2, puts ą ś ź š ť ž where Latin-1 has
#: ± ¶ ¼ ¹ » ¾, and the letters cp1250 has elsewhere).
LATIN_NAMES = {"iso8859_2": "ISO-8859-2"}
#: A codec tried only as another reading of a document whose reversal by the named
#: codec might gain enough (passes :func:`_may_gain`'s bound): ISO-8859-2 text shown
#: as Latin-1 holds cp1250's shared letters (ó ł ę ż ć ń č ě ř ů), so cp1250's bound
#: passes on it, and checking ISO-8859-2 on every text with a « or © (its Ť, Š) would
#: double the check's cost on clean text.
LATIN_ALTERNATIVE_TO = {"iso8859_2": "cp1250"}
_LATIN_KEYS = {true: re.compile("[" + re.escape("".join(map(chr, sorted(t)))) + "]")
               for true, t in LATIN_MIXUPS.items()}
#: The languages (of data/charstats.json) that each of those codecs serves: a reversal
#: must read as one of them.
LATIN_MIXUP_LANGS = {"cp1250": ("pl", "cs", "sk", "hu", "sl", "sh", "ro"),
                     "iso8859_2": ("pl", "cs", "sk", "hu", "sl", "sh", "ro"),
                     "cp1257": ("lt", "lv", "et"), "cp1254": ("tr",)}

#: Characters that cp1252 and cp1251 share (punctuation such as « » — …).
_LATIN_SAME = frozenset(_sloppy(b, "cp1252") for b in range(0x80, 0x100)
                        if _sloppy(b, "cp1252") == _sloppy(b, "cp1251"))
_LATIN_LETTERS = "".join(sorted(
    chr(k) for k, v in (CP1251_FROM_LATIN | KOI8_FROM_LATIN).items()
    if v.isalpha() and not chr(k).isascii()
))
# Latin-1/cp1252 characters that stand for cp1251 letters, two (a word of mojibake)
# or three (a line worth checking) side by side.
_LATIN_RUN = re.compile(f"[{re.escape(_LATIN_LETTERS)}]{{2}}")
_LATIN_RUN3 = re.compile(f"[{re.escape(_LATIN_LETTERS)}]{{3}}")
_CAPS_RUN = re.compile("[\u0401\u0410-\u042f]{3}")
_CYR_UPPER = re.compile("[\u0400-\u042f]")
_CYR_LOWER = re.compile("[\u0430-\u045f]")
_WORD = re.compile(r"[^\W\d_]+")
_ASCII_LETTER = re.compile("[A-Za-z]")


# --- single-byte Cyrillic mix-ups -------------------------------------------------------

def _score_before(before: str, script: str) -> float:
    """Score of the text as it stands.  A Latin reading is scored by the union of the
    Latin languages, an upper bound of its score (22 languages would cost more than
    they tell), so the gain of a reversal is if anything understated."""
    if script == "latin":
        return (_stats._union_score(_stats.letter_pairs(before), "latin")
                + _stats.case_cost(before))
    return _stats.text_score(before, script)


def _gain(before_score: float, after: str) -> tuple[float, float, int]:
    """(score gain, result score, letter pairs) of reading ``after`` as Cyrillic
    instead of the text that scored ``before_score``.

    >>> gain, result, pairs = _gain(_score_before("Âñå ýòî", "latin"), "Все это")
    >>> pairs, gain > 3 * pairs, result > -7 * pairs
    (8, True, True)
    """
    keys = _stats.letter_pairs(after)
    npairs = sum(keys.values()) or 1
    result = _stats.pairs_score(keys, "cyrillic") + _stats.case_cost(after)
    return result - before_score, result, npairs


def _accept(gain: float, result: float, npairs: int, per_pair: float) -> float | None:
    """Confidence of a verified reversal, or None when it is not convincing.

    >>> _accept(60.0, -110.0, 20, LATIN_GAIN_PER_PAIR), _accept(40.0, -110.0, 20, LATIN_GAIN_PER_PAIR)
    (1.0, None)
    """
    if gain < MIN_GAIN or gain < per_pair * npairs or result < MIN_RESULT_PER_PAIR * npairs:
        return None
    return _confidence(gain)


def _confidence(gain: float) -> float:
    """The confidence a reversal's gain gives (0.5 at ``MIN_GAIN``).

    >>> _confidence(MIN_GAIN), _confidence(60.0)
    (0.5, 1.0)
    """
    return round(1.0 / (1.0 + math.exp(-(gain - MIN_GAIN) / 4.0)), 4)


def _cyrillic_spans(line: str, shown: str) -> list[tuple[int, int]] | None:
    """Words of the Cyrillic reading ``shown`` to take: those with at least as many
    non-ASCII as ASCII letters other than i and I in ``line`` (a Latin typo inside
    one is kept; words such as "Telegram" or "Café" stay); None when there is too little evidence
    (fewer than ``MIN_LETTERS`` letters, more than 1 word in 4 mixed, no two
    mojibake letters side by side)."""
    spans = []
    mixed = letters = 0
    for m in _WORD.finditer(shown):
        a, b = m.span()
        seg = line[a:b]
        if seg.isascii():
            continue
        # Latin i and I stand in for Ukrainian and Belarusian і and І (the same glyph)
        ascii_letters = len(_ASCII_LETTER.findall(seg)) - seg.count("i") - seg.count("I")
        high = sum(1 for c in seg if c > "\x7f" and c.isalpha())
        if high >= ascii_letters:  # a word of mojibake (perhaps with a Latin typo in it)
            spans.append((a, b))
            letters += high
            mixed += ascii_letters > 0
    if (letters < MIN_LETTERS or 4 * mixed > len(spans)
            or not any(_LATIN_RUN.search(line, a, b) for a, b in spans)):
        return None
    return spans


_ONE_LETTER_WORDS: frozenset[str] | None = None


def one_letter_words() -> frozenset[str]:
    """Words of one Cyrillic letter in wordfreq's 1,000 most frequent words of Russian,
    Ukrainian, Bulgarian and Macedonian ("и", "в", Ukrainian "і", ...).

    >>> {"і", "и", "в"} <= one_letter_words()
    True
    """
    global _ONE_LETTER_WORDS
    if _ONE_LETTER_WORDS is None:
        import wordfreq

        _ONE_LETTER_WORDS = frozenset(
            w for lang in ("ru", "uk", "bg", "mk") for w in wordfreq.top_n_list(lang, 1000)
            if len(w) == 1 and w.isalpha())
    return _ONE_LETTER_WORDS


def _assemble(line: str, shown: str, spans: list[tuple[int, int]]) -> str:
    """``line`` with the words ``spans`` of ``shown`` put in.  Letters of other words
    stay; a symbol becomes its Cyrillic symbol (\x96 -> en dash, ¹ -> №); a symbol
    that becomes a letter must join a word without starting a capital inside it
    ("м²" stays), or stand alone as a one-letter word ("³" -> Ukrainian "і")."""
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
        if not t.isalpha():
            out[i] = t
        elif t.isupper() and i > 0 and out[i - 1].islower() and out[i - 1] > "\x7f":
            out[i] = c
        elif not ((i > 0 and out[i - 1].isalpha()) or (i + 1 < n and out[i + 1].isalpha())):
            alone = not ((i > 0 and out[i - 1].isalnum()) or (i + 1 < n and out[i + 1].isalnum()))
            out[i] = t if alone and t.lower() in one_letter_words() else c
    return "".join(out)


#: C1 controls as the cp1252 characters of their bytes (those cp1252 defines).
C1_AS_CP1252 = {b: _sloppy(b, "cp1252") for b in range(0x80, 0xA0)
                if _sloppy(b, "cp1252") != chr(b)}
_C1 = re.compile("[\x80-\x9f]")

_LATIN1_UPPER = re.compile("[\u00c0-\u00d6\u00d8-\u00de]")
_LATIN1_LOWER = re.compile("[\u00df-\u00f6\u00f8-\u00ff]")


def _latin_caps_heavy(line: str) -> bool:
    """More capital than small Latin-1 letters: how KOI8 text shown as Latin-1 looks.

    >>> _latin_caps_heavy("\u00f0\u00d2\u00c9\u00d7\u00c5\u00d4")
    True
    >>> _latin_caps_heavy("\u00c2\u00f1\u00e5")
    False
    """
    return len(_LATIN1_UPPER.findall(line)) > len(_LATIN1_LOWER.findall(line))


def _c1_bytes(exc: UnicodeEncodeError) -> tuple[bytes, int]:
    """Encoding error handler: C1 controls become their own byte, anything else fails."""
    chunk = exc.object[exc.start:exc.end]
    if all("\x80" <= c <= "\x9f" for c in chunk):
        return chunk.encode("latin-1"), exc.end
    raise exc


codecs.register_error("polyclean-c1-bytes", _c1_bytes)


def _utf8_mojibake(line: str) -> bool:
    """Whether the line's bytes, as cp1252/Latin-1 show them, are UTF-8 with
    multi-byte characters: UTF-8 mojibake, for ftfy.  Single-byte Cyrillic text is
    never that (its letters are bytes 0xC0-0xFF side by side, no valid UTF-8).

    >>> _utf8_mojibake("Ð¡Ð¸Ñ\x82"), _utf8_mojibake("Âñå ýòî")
    (True, False)
    """
    try:  # C1 controls are the bytes Latin-1 shows them for
        data = line.encode("cp1252", "polyclean-c1-bytes")
    except UnicodeEncodeError:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not data.isascii()


def undo_cyrillic_as_latin(line: str) -> tuple[str, float, str] | None:
    """Undo cp1251 or KOI8 text shown as cp1252, Latin-1 or (cp1251) cp1254;
    (repaired line, confidence, reason) or None when the line is not such mojibake (it
    needs three Latin-1 letters side by side).

    >>> undo_cyrillic_as_latin("Âñå ýòî íîâîñòè, 2024")[0]
    'Все это новости, 2024'
    >>> undo_cyrillic_as_latin("ðÒÉ×ÅÔ ÍÉÒ, ËÁË ÄÅÌÁ?")[::2]
    ('Привет мир, как дела?', 'KOI8-R shown as cp1252')
    >>> undo_cyrillic_as_latin("Âñå ³ íîâå")[0]
    'Все і нове'
    >>> undo_cyrillic_as_latin("Une idée créée à Paris") is None
    True
    """
    if not _LATIN_RUN3.search(line) or _utf8_mojibake(line):
        return None  # no three Latin-1 letters in a row, or UTF-8 mojibake (ftfy's)
    # a C1 control is judged as the character cp1252 shows for its byte ("\x8a" as "Š"):
    # the evidence must not depend on which of the two the line was shown with, or
    # ftfy's own C1 fix would let a second clean reverse what the first did not
    c1 = _C1.search(line) is not None
    view = line.translate(C1_AS_CP1252) if c1 else line
    best = None
    tries = [("cp1251", CP1251_FROM_LATIN)]
    if _latin_caps_heavy(view):  # KOI8 keeps its small letters where Latin-1 has capitals
        tries.append(("KOI8", KOI8_FROM_LATIN))
    for true, table in tries:
        shown = line.translate(table)
        if shown == line:
            continue
        spans = _cyrillic_spans(view, shown)
        if spans is None:
            continue
        before = " ".join(view[a:b] for a, b in spans)
        after = " ".join(shown[a:b] for a, b in spans)
        gain, result, npairs = _gain(_score_before(before, "latin"), after)
        conf = _accept(gain, result, npairs, LATIN_GAIN_PER_PAIR)
        if conf is not None and (best is None or gain > best[0]):
            best = (gain, _assemble(line, shown, spans), conf, true, before, after)
    if best is None:
        return None
    _, out, conf, true, before, after = best
    if true == "KOI8":
        true = "KOI8-U" if _KOI8U_ONLY & set(after) else "KOI8-R"
    if any(c in _CP1254_ONLY for c in before):
        shown_as = "cp1254"
    else:
        shown_as = "Latin-1" if c1 else "cp1252"
    return out, conf, f"{true} shown as {shown_as}"


def _latin_reading(line: str, true: str
                   ) -> tuple[list[tuple[int, int]], str, str, int] | None:
    """(word spans, the words reversed, the same words as they stand, changed letters)
    of ``line`` under the Latin mix-up of codec ``true``, or None when it changes
    nothing.  Words are letter runs of the reversed line around each change.

    >>> _latin_reading("Za\u00bf\u00f3\u00b3\u00e6 jest", "cp1250")
    ([(0, 6)], 'Zażółć', 'Za¿ó³æ', 3)
    """
    table = LATIN_MIXUPS[true]
    spans = []
    end = -1
    n = len(line)
    changed = 0
    for m in _LATIN_KEYS[true].finditer(line):
        a = m.start()
        changed += 1
        if a < end:
            continue
        end = a + 1
        while a > 0 and (line[a - 1].isalpha() or ord(line[a - 1]) in table):
            a -= 1
        while end < n and (line[end].isalpha() or ord(line[end]) in table):
            end += 1
        spans.append((a, end))
    if not spans:
        return None
    after = [line[a:b].translate(table) for a, b in spans]
    return spans, " ".join(after), " ".join(line[a:b] for a, b in spans), changed


def _put(line: str, spans: list[tuple[int, int]], true: str) -> str:
    """``line`` with the words ``spans`` reversed by the mix-up of ``true``."""
    out = []
    pos = 0
    for a, b in spans:
        out += [line[pos:a], line[a:b].translate(LATIN_MIXUPS[true])]
        pos = b
    out.append(line[pos:])
    return "".join(out)


def _latin_score(words: str, langs: tuple[str, ...] | None = None) -> tuple[float, int]:
    """(score, letter pairs) of ``words`` under the best Latin-script language, or the
    best of ``langs``."""
    keys = _stats.letter_pairs(words)
    score = (_stats.pairs_score(keys, "latin") if langs is None
             else _stats.langs_score(keys, langs))
    return score + _stats.case_cost(words), sum(keys.values()) or 1


def _latin_sample(lines: list[str], true: str) -> dict[int, tuple]:
    """Readings (:func:`_latin_reading`) of the first lines that the mix-up of ``true``
    changes, until they hold ``LATIN_ENOUGH_CHANGED`` changed letters or number
    ``LATIN_SAMPLE_LINES``: evidence enough, at a bounded cost on long documents."""
    out = {}
    changed = 0
    keys = _LATIN_KEYS[true]
    for i, line in enumerate(lines):
        if not keys.search(line):
            continue
        r = _latin_reading(line, true)
        if r is None:
            continue
        out[i] = r
        changed += r[3]
        if changed >= LATIN_ENOUGH_CHANGED or len(out) >= LATIN_SAMPLE_LINES:
            break
    return out


def _latin_context(lines: list[str], readings: dict[int, tuple]) -> str:
    """The sampled lines without the words that a reversal would change: the rest of
    the document's evidence of its language.

    >>> _latin_context(["Az id\u00f5 \u00e9s a h\u00e1z"], {0: ([(3, 6)], "", "", 1)})
    'Az     \u00e9s a h\u00e1z'
    """
    out = []
    for i, (spans, *_) in readings.items():
        line, pos = lines[i], 0
        for a, b in spans:
            out += [line[pos:a], " " * (b - a)]
            pos = b
        out += [line[pos:], "\n"]
    return "".join(out[:-1])


def _latin_joint_gain(before: str, after: str, context: str, langs: tuple[str, ...]) -> float:
    """Gain of reading the changed words as ``after`` (in one of ``langs``) instead of
    ``before`` (in any Latin-script language), each reading scored by ONE language
    together with the ``context`` (the unchanged words of the same lines).  A mix-up
    belongs to a document written in one language: a reading that only a language
    foreign to the rest of the text explains (Hungarian "id\u00f5", "t\u00f5le" fit
    Estonian letter pairs, while their neighbours "h\u00e1z", "\u00e9s" do not) must
    not count as evidence against the reversal.

    >>> ctx = "Az \u00e9s h\u00e1z\u00e1ban, r\u00f6viden t\u00f6bb\u00e9 k\u00e9s\u0151bb m\u00e1r"
    >>> alone = _latin_joint_gain("t\u00f5le id\u00f5vel", "t\u0151le id\u0151vel", "", ("hu",))
    >>> joint = _latin_joint_gain("t\u00f5le id\u00f5vel", "t\u0151le id\u0151vel", ctx, ("hu",))
    >>> joint > alone
    True
    """
    ctx = _stats.letter_pairs(context)
    b_keys, a_keys = _stats.letter_pairs(before), _stats.letter_pairs(after)
    for k, n in ctx.items():
        b_keys[k] = b_keys.get(k, 0) + n
        a_keys[k] = a_keys.get(k, 0) + n
    return (_stats.langs_score(a_keys, langs) + _stats.case_cost(after)
            - _stats.pairs_score(b_keys, "latin") - _stats.case_cost(before))


def _may_gain(before: str, after: str, langs: tuple[str, ...]) -> bool:
    """Whether a Latin reversal can pass at all, by bounds that cost two passes instead
    of one per language: the best the reversed words can score against the least the
    words as they stand can.

    >>> _may_gain("Il a dit o\u00f9", "Il a dit o\u016f", ("pl", "cs"))
    False
    >>> _may_gain("g\u00ea\u009cl\u00b9", "g\u0119\u015bl\u0105", ("pl",))
    True
    """
    a_keys, b_keys = _stats.letter_pairs(after), _stats.letter_pairs(before)
    npairs = sum(a_keys.values()) or 1
    bound = _stats.langs_bound(a_keys, langs) - _stats.script_floor(b_keys, "latin")
    bound += _stats.case_cost(after) - _stats.case_cost(before)
    return bound >= max(MIN_GAIN, LATIN_MIXUP_GAIN_PER_PAIR * npairs)


#: Latin-script languages whose word lists (wordfreq's, as the detector reads them) say
#: whether a word a reversal would change is already a word as it stands.
KNOWN_WORD_LANGS = ("en", "fr", "de", "es", "pt", "it", "nl", "ca", "sv", "da", "nb", "fi",
                    "is", "tr", "pl", "cs", "sk", "hu", "ro", "sl", "sh", "lt", "lv")


def _known(words: list[str], langs: tuple[str, ...]) -> int:
    """How many of ``words`` (lower-cased) the word list of some language of ``langs``
    holds (a language without a list holds none)."""
    from ..detect.wordlists import _freqs

    lists = [d for d in map(_freqs, langs) if d is not None]
    return sum(any(w in d for d in lists) for w in map(_lower, words))


def _lower(word: str) -> str:
    """``word`` in lower case, Turkish "İ" as "i" (``str.lower`` gives "i" and a
    combining dot, which no word list holds).

    >>> _lower("İlde")
    'ilde'
    """
    return word.replace("\u0130", "i").lower()


def _more_known_as_they_stand(before: str, after: str, langs: tuple[str, ...]) -> bool:
    """Whether more of the changed words are words of some Latin-script language as
    they stand than are words of a language of the mix-up (``langs``) once reversed.
    Letter statistics judge letter pairs and can prefer a frequent pair of the wrong
    language ("lunedì" -> "lunedě": Czech "dě" is common); a mix-up seldom turns
    words into other words, so known words as they stand, unknown once reversed, are
    clean text.  Mojibake is rarely a word ("Wiêcej" is none; "Więcej" is Polish).

    >>> _more_known_as_they_stand("lunedì martedì", "lunedě martedě", ("cs",))
    True
    >>> _more_known_as_they_stand("Wiêcej mo¿na", "Więcej można", ("pl",))
    False
    """
    b, a = before.split(" "), after.split(" ")
    return _known(b, KNOWN_WORD_LANGS) > _known(a, langs)


#: Every character that text read through cp1252 (or Latin-1, C1 controls and all) holds.
_CP1252_SHOWN = frozenset(_sloppy(b, "cp1252") for b in range(256))


def _context_text(lines: list[str], readings: dict[int, tuple],
                  rest: str | Callable[[], str] = "") -> str:
    """The rest of the document as :func:`_context_language` reads it: ``lines`` with
    the words a reversal would change blanked, then ``rest``, ``CONTEXT_CHARS`` at most.

    >>> line = "Za\u00bf\u00f3\u00b3\u00e6 jest"
    >>> _context_text([line, "tu"], {0: _latin_reading(line, "cp1250")}, "ok").split()
    ['jest', 'tu', 'ok']
    """
    parts, size = [], 0
    for i, line in enumerate(lines):
        if i in readings:
            line = _latin_context(lines, {i: readings[i]})
        parts.append(line)
        size += len(line)
        if size >= CONTEXT_CHARS:
            break
    if size < CONTEXT_CHARS:
        parts.append(rest() if callable(rest) else rest)
    return "\n".join(parts)[:CONTEXT_CHARS]


def _context_language(lines: list[str], readings: dict[int, tuple],
                      rest: str | Callable[[], str] = "") -> str | None:
    """The Latin-script language of the letter statistics that best reads the rest of
    the document: ``lines`` with the words a reversal would change left out, then
    ``rest`` (the document's lines that no mix-up changes, or a function that gives
    them), their first ``CONTEXT_CHARS`` characters.  None when that holds fewer than
    ``CONTEXT_MIN_PAIRS`` letter pairs with a non-ASCII letter; "" when it holds a
    letter that cp1252 cannot show ("č", "ă", "ő"): such text was not read through
    cp1252, so a lone changed letter in it is a foreign word ("vestì" in Czech,
    "avelãs" in Romanian), not a mix-up.

    >>> et = ["Kiirklahvide reþiim", "Sõnumi võti on liiga lühike, proovi sisestada uus.",
    ...       "Töö käigus tekkis viga; kontrollige, kas fail on õiges kohas ja loetav."]
    >>> _context_language(et, {0: _latin_reading(et[0], "cp1257")})
    'et'
    >>> cs = ["vestì", "Příliš žluťoučký kůň úpěl ďábelské ódy a pak ještě jednou, znovu."]
    >>> _context_language(cs, {0: _latin_reading(cs[0], "cp1250")})
    ''
    >>> _context_language(["Lech Wa\u00b3\u00easa met the president."], {}) is None
    True
    """
    return _letters_language(_context_text(lines, readings, rest))


def _letters_language(context: str) -> str | None:
    """:func:`_context_language` of the text it reads (see there)."""
    if any(c.isalpha() for c in set(context) - _CP1252_SHOWN):
        return ""
    keys = {k: n for k, n in _stats.letter_pairs(context).items()
            if not k.isascii() and (k[0].isalpha() or k[1].isalpha())}  # letters, not “ ”
    if sum(keys.values()) < CONTEXT_MIN_PAIRS:
        return None
    return max(_stats.script_langs("latin"), key=lambda lang: _stats.langs_score(keys, (lang,)))


#: When the rest of the document holds too few non-ASCII letter pairs to be read by the
#: letter statistics, its words are read by the word lists (:func:`_words_language`),
#: from this many words on.
CONTEXT_MIN_WORDS = 20


def _words_language(text: str) -> str | None:
    """The language of ``KNOWN_WORD_LANGS`` whose word list (wordfreq's frequencies, an
    unknown word at 10⁻⁸) gives ``text``'s Latin-script words the highest likelihood, or
    None under ``CONTEXT_MIN_WORDS`` such words or when no list holds any of them.
    Plain ASCII words tell English from Latvian ("un", "ir", "par") where letter pairs
    with a non-ASCII letter are missing.

    >>> _words_language("The council met on Tuesday and voted to keep the library "
    ...                 "open for another year, after a long debate about the budget.")
    'en'
    >>> _words_language("Valdība otrdien nolēma, ka bibliotēka paliks atvērta vēl "
    ...                 "vienu gadu, un par to runāja ilgi, jo naudas ir maz un darba daudz.")
    'lv'
    >>> _words_language("Заседание совета прошло во вторник, и депутаты решили оставить "
    ...                 "библиотеку открытой ещё на один год после долгого спора о бюджете.") is None
    True
    """
    from ..detect.wordlists import _freqs

    words = [w for w in _WORD.findall(text.lower()) if max(w) <= "\u024f"]  # Latin script
    if len(words) < CONTEXT_MIN_WORDS:
        return None
    counts = Counter(words)
    best, best_score = None, -8.0 * len(words)  # no word known: no language
    for lang in KNOWN_WORD_LANGS:
        d = _freqs(lang)
        if d is None:
            continue
        score = sum(n * math.log10(d.get(w) or 1e-8) for w, n in counts.items())
        if score > best_score:
            best, best_score = lang, score
    return best


def _single_letter_fits(lines: list[str], readings: dict[int, tuple], true: str,
                        rest: str | Callable[[], str] = "") -> bool:
    """Whether a reversal of ``true`` that changes a single letter has the evidence it
    needs beyond the letter statistics.  A name alone reads as well one way as the
    other (Dutch "Mûelenaere", Hungarian "Műelenaere"), but a lone "þ" in Estonian
    text, which writes no "þ", is the "ž" of a cp1257 file.  So: the rest of the
    document reads best in a language of the mix-up (:func:`_context_language`), the
    changed word is no word of any Latin-script language as it stands, and, where
    that language has a word list, the reversed word is in it.  Estonian has none
    (wordfreq lacks it), so there the reversal must gain under that language's own
    letter statistics: "reþiim" -> "režiim" does, but a French "lâchait" in Estonian
    text would become "lāchait", and Estonian writes no "ā".

    >>> et = ["Kiirklahvide reþiim", "Sõnumi võti on liiga lühike, proovi sisestada uus.",
    ...       "Töö käigus tekkis viga; kontrollige, kas fail on õiges kohas ja loetav."]
    >>> _single_letter_fits(et, {0: _latin_reading(et[0], "cp1257")}, "cp1257")
    True
    >>> hu = ["A teljes hõ", "Az épület két része között, a régi és az új szárny fölött."]
    >>> _single_letter_fits(hu, {0: _latin_reading(hu[0], "cp1250")}, "cp1250")
    True
    >>> hu[0] = "A teljes grossièreté"
    >>> _single_letter_fits(hu, {0: _latin_reading(hu[0], "cp1250")}, "cp1250")
    False
    >>> nl = ["Mûelenaere", "Een overzicht van de gebeurtenissen in België, met één verslag."]
    >>> _single_letter_fits(nl, {0: _latin_reading(nl[0], "cp1250")}, "cp1250")
    False
    """
    lang = _context_language(lines, readings, rest)
    if lang not in LATIN_MIXUP_LANGS[true]:
        return False
    before = " ".join(r[2] for r in readings.values()).split(" ")
    after = " ".join(r[1] for r in readings.values()).split(" ")
    if _known(before, KNOWN_WORD_LANGS):
        return False
    return _words_fit(before, after, (lang,), 1.0)


def _broken(words: list[str]) -> int:
    """How many of ``words`` (as they stand) hold a character that is not a letter,
    as mojibake does ("Wa\u00b3\u00easa", "Korzystaj\u00b9ce") and clean words do not.

    >>> _broken(["Wa\u00b3\u00easa", "Sv\u00e2m\u00ee", "na\u00efve"])
    1
    """
    return sum(not w.isalpha() for w in words)


def _words_fit(before: list[str], after: list[str], langs: tuple[str, ...],
               share: float) -> bool:
    """Whether at least ``share`` of the reversed words ``after`` are in the word list
    of a language of ``langs`` or, as they stand (``before``), hold a symbol no word
    holds (:func:`_broken`); for a language without a list (Estonian: wordfreq lacks
    it), whether the reversal gains ``LATIN_MIXUP_GAIN_PER_PAIR`` per pair under its
    own letter statistics instead (the reversed letters must be ones it writes).

    >>> _words_fit(["Kri\u00f0j\u00e2nis"], ["Kri\u0161j\u0101nis"], ("lt", "lv", "et"), 0.5)
    True
    >>> _words_fit(["Sv\u00e2m\u00ee"], ["Sv\u0101m\u012b"], ("lt", "lv", "et"), 0.5)
    False
    >>> _words_fit(["re\u00fei\u00eem"], ["re\u017eiim"], ("et",), 1.0)
    True
    """
    listed = tuple(lang for lang in langs if lang in KNOWN_WORD_LANGS)
    if listed and _known(after, listed) + _broken(before) >= share * len(after):
        return True
    a, b = " ".join(after), " ".join(before)
    for lang in langs:
        if lang not in KNOWN_WORD_LANGS:
            gain, npairs = _latin_score(a, (lang,))
            if gain - _latin_score(b, (lang,))[0] >= LATIN_MIXUP_GAIN_PER_PAIR * npairs:
                return True
    return False


def _several_letters_fit(lines: list[str], readings: dict[int, tuple], true: str,
                         rest: str | Callable[[], str], weak: bool) -> bool:
    """Whether a reversal of ``true`` that changes two letters or more agrees with the
    rest of the document.  A reversal that gains little per pair or reads oddly
    (``weak``) needs the rest in a language of the mix-up.  When the rest's letter
    pairs read as another language, a reversal of fewer than ``CONTEXT_VETO_BELOW``
    letters is refused; when they read as another language, or there are too few of
    them or the rest holds letters cp1252 cannot show (another codec's lines, already
    repaired) and the rest's words (:func:`_words_language`) read as another language,
    at least half of the words it changes must become words of a language of the
    mix-up or hold a symbol no word holds (:func:`_words_fit`).  A page from a cp1257
    site that names "Krišjānis Kariņš" in English text is written in that codec;
    English text that writes the long vowels of Sanskrit names with circumflexes
    ("Svâmî Vivekânanda") is not, though Latvian letter pairs read "Svāmī Vivekānanda"
    well: word lists hold the names of the languages a mix-up serves, and not such
    words.

    >>> en = ["Swami Vivek\u00e2nanda taught Ved\u00e2nta in Chicago; the Bhagavad "
    ...       "G\u00eet\u00e2 was his source.",
    ...       "He later travelled across India and founded a mission in the name of his "
    ...       "teacher, with schools and hospitals that still work today."]
    >>> r = _latin_sample(en, "cp1257")
    >>> _several_letters_fit(en, r, "cp1257", "", False)
    False
    >>> en[0] = "The Saeima elected Kri\u00f0j\u00e2nis Kari\u00f2\u00f0 in Riga."
    >>> _several_letters_fit(en, _latin_sample(en, "cp1257"), "cp1257", "", False)
    True
    """
    langs = LATIN_MIXUP_LANGS[true]
    context = _context_text(lines, readings, rest)
    lang = _letters_language(context)
    if weak:
        return lang in langs  # an odd result or a small gain needs text of its language
    if lang in langs:
        return True
    if lang and sum(r[3] for r in readings.values()) < CONTEXT_VETO_BELOW:
        return False  # few letters, and the rest of the text is another language's
    words = {}  # each changed word once: {as it stands: reversed}
    for r in readings.values():
        words.update(zip(r[2].split(" "), r[1].split(" ")))
    # the changed words first: a look-up of each, where reading the rest's words
    # scores every word list (letters cp1252 cannot show, or too few: the words tell)
    return _words_fit(list(words), list(words.values()), langs, 0.5) or (
        not lang and _words_language(context) in (None, *langs))


def _fairest(lines: list[str], passed: list[tuple[float, str, dict]]
             ) -> tuple[float, str, dict]:
    """The codec, of several whose reversal passed, whose reading of the same lines
    (every line that any of them sampled, whole) scores best under one of its
    languages.  Each codec's gain was measured on its own sample; codecs that share
    most of their letters (cp1250 and ISO-8859-2) differ in the words only one of them
    changes, which the other's sample may not hold.

    >>> lines = ["Wiêcej mo¿na znale¼æ tutaj, wolno¶æ s³owa i ¿ycie.", "Mo¿emy i¶æ dalej"]
    >>> p = [(1.0, t, {0: None, 1: None}) for t in ("cp1250", "iso8859_2")]
    >>> _fairest(lines, p)[1]
    'iso8859_2'
    """
    rows = sorted({i for _, _, readings in passed for i in readings})
    best = None
    for item in passed:
        true = item[1]
        text = "\n".join(lines[i].translate(LATIN_MIXUPS[true]) for i in rows)
        score = _latin_score(text, LATIN_MIXUP_LANGS[true])[0]
        if best is None or score > best[0]:
            best = (score, item)
    return best[1]


def undo_latin_mixups(lines: list[str], rest: str | Callable[[], str] = ""
                      ) -> dict[int, tuple[str, float, str]]:
    """Undo cp1250, ISO-8859-2, cp1257 or cp1254 text shown as cp1252/Latin-1 in the
    lines of one document: {line index: (repaired line, confidence, reason)}.

    ``rest`` is the document's other text (lines no table changes; or a function that
    gives it, called only when needed), read as evidence of its language
    (:func:`_context_language`).

    A mix-up is a property of the document (its bytes were read with one wrong
    codec), so the evidence of its lines (the first that a table changes, see
    :func:`_latin_sample`) is pooled: the words that a table
    changes are scored both ways by the Latin letter statistics (the best language
    each way, the reversed words only by the languages the codec serves,
    ``LATIN_MIXUP_LANGS``), and the reversal must have ``LATIN_MIN_CHANGED`` changed
    letters, gain ``MIN_GAIN`` in all and ``LATIN_MIXUP_GAIN_PER_PAIR`` per pair, and
    average ``LATIN_MIN_RESULT_PER_PAIR`` (unless the rest of the document reads best
    in a language of the mix-up, :func:`_context_language`: then odd words that gain
    little per pair, such as the foreign names of an Estonian text, are that
    language's, and ``MIN_GAIN`` in all is enough).  A single changed letter needs,
    instead of ``MIN_GAIN``, the document's language and the word lists
    (:func:`_single_letter_fits`); more than one, agreement with the rest of the
    document (:func:`_several_letters_fit`: where that is another language's, fewer
    than ``CONTEXT_VETO_BELOW`` are refused and half the changed words must become
    words of a language of the mix-up).  A
    line that the reversal makes clearly worse (by ``MIN_GAIN``) keeps its text.

    >>> undo_latin_mixups(["Za\u00bf\u00f3\u00b3\u00e6 g\u00ea\u009cl\u00b9 ja\u009f\u00f1!"])
    {0: ('Zażółć gęślą jaźń!', 1.0, 'cp1250 shown as Latin-1')}
    >>> undo_latin_mixups(["Il a dit où il était, à Paris.", "Cãmara, 150ºC"])
    {}
    """
    passed = []
    bounded = set()  # codecs whose reversal might gain enough (see _may_gain)
    for true in LATIN_MIXUPS:
        primary = LATIN_ALTERNATIVE_TO.get(true)
        if primary is not None and primary not in bounded:
            continue
        readings = _latin_sample(lines, true)
        changed = sum(r[3] for r in readings.values())
        if not changed:
            continue
        single = changed < LATIN_MIN_CHANGED
        words_after = " ".join(r[1] for r in readings.values())
        words_before = " ".join(r[2] for r in readings.values())
        if not _may_gain(words_before, words_after, LATIN_MIXUP_LANGS[true]):
            continue
        bounded.add(true)
        langs = LATIN_MIXUP_LANGS[true]
        after, npairs = _latin_score(words_after, langs)
        gain = _latin_joint_gain(words_before, words_after, _latin_context(lines, readings),
                                 langs)
        low_gain = gain < LATIN_MIXUP_GAIN_PER_PAIR * npairs
        weak = low_gain or after < LATIN_MIN_RESULT_PER_PAIR * npairs
        if (low_gain if single else gain < MIN_GAIN) \
                or _more_known_as_they_stand(words_before, words_after, langs):
            continue
        if single:
            if not _single_letter_fits(lines, readings, true, rest):
                continue  # (which needs the rest of the text in a language of the mix-up)
        elif not _several_letters_fit(lines, readings, true, rest, weak):
            continue
        passed.append((gain, true, readings))
    if not passed:
        return {}
    gain, true, _ = passed[0] if len(passed) == 1 else _fairest(lines, passed)
    conf = _confidence(gain)
    out = {}
    langs = LATIN_MIXUP_LANGS[true]
    readings = {i: r for i, line in enumerate(lines)
                if (r := _latin_reading(line, true)) is not None}
    for i, (spans, after, before, _) in readings.items():
        if _latin_score(after, langs)[0] >= _latin_score(before)[0] - MIN_GAIN:
            fixed = _put(lines[i], spans, true)
            if ftfy_lines(fixed):
                continue  # reads as UTF-8 mojibake: no clean text, and ftfy's next pass
            shown_as = "Latin-1" if _C1.search(lines[i]) else "cp1252"
            out[i] = (fixed, conf, f"{LATIN_NAMES.get(true, true)} shown as {shown_as}")
    return out


def undo_koi8_mixup(line: str) -> tuple[str, float, str] | None:
    """Undo KOI8-R/KOI8-U shown as cp1251 or cp1251 shown as KOI8-R; (repaired line,
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
        if table is KOI8_FROM_CP1251 and _KOI8U_ONLY & (set(after) - set(line)):
            reason = "KOI8-U shown as cp1251"
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
