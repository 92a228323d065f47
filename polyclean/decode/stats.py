"""Language statistics of text and of single-byte readings of bytes.

Letter-bigram log-frequencies per language (Russian, Ukrainian, Bulgarian,
Macedonian, Greek and 22 Latin-script languages, derived from wordfreq's lists and
shipped in ``data/charstats.json``; see ``data/build_charstats.py``) score how much a
text reads as real language.  :mod:`polyclean.decode` uses them to choose among
single-byte codecs, :mod:`polyclean.repair` to verify mix-up reversals.
"""

from __future__ import annotations

import codecs
import json
import math
import re
import unicodedata
from collections import Counter
from itertools import repeat
from operator import add, mul
from pathlib import Path

from .. import _speedups

#: Single-byte codecs chosen by language statistics; ``cp1252``/``cp1254`` fall back
#: to their ISO twin (``latin_1``/``iso8859_9``) when no byte is in 0x80-0x9F.
CYRILLIC_CODECS = ("cp1251", "koi8_r", "koi8_u", "cp866", "mac_cyrillic", "iso8859_5")
LATIN_CODECS = ("cp1252", "cp1250", "iso8859_2", "cp1254", "iso8859_15", "iso8859_13",
                "cp1257", "iso8859_4", "iso8859_16", "mac_roman", "cp850", "cp852", "cp437")
GREEK_CODECS = ("cp1253", "iso8859_7")
SCRIPTS = ("cyrillic", "latin", "greek")
_ISO_TWIN = {"cp1252": "latin_1", "cp1254": "iso8859_9"}
_SCRIPT_OF = {c: s for s, cs in zip(SCRIPTS, (CYRILLIC_CODECS, LATIN_CODECS, GREEK_CODECS))
              for c in cs} | {"latin_1": "latin", "iso8859_9": "latin"}
#: Tie-breaking prior (log units) by how common a codec is on the web.
CODEC_PRIOR = {"cp1252": 0.0, "latin_1": 0.0, "cp1251": -1.0,
               # DOS code pages are no web encodings (not in the WHATWG Encoding Standard)
               "cp437": -6.0, "cp850": -6.0, "cp852": -6.0, "cp866": -3.0}

FLOOR = -15.0  # log frequency of a letter pair never seen (as in data/charstats.json)
SYMBOL_LOOSE = -5.0  # a non-ASCII symbol next to a space or ASCII punctuation
CASE_COST = -6.0  # a lowercase letter followed by an uppercase one inside a word
ISOLATED_COST = -10.0  # a Cyrillic word standing alone between ASCII words
OTHER_PRIOR = -3.0  # codec prior of the codecs not in CODEC_PRIOR
CYRILLIC_TRUST = -8.5  # mean score per high byte below which a Cyrillic/Greek reading is doubtful
LATIN_MAX_RUNS = 0.55  # a Latin reading is doubtful when high bytes come in runs (measured:
# real Latin-script text <= 0.5 high bytes per high byte next to another; other scripts >= 0.6)
SAMPLE_BYTES = 65536  # statistics look at the start of long inputs only ...
SAMPLE_HIGH = 1500  # ... and stop once they have this many bytes above 0x7F



_MODELS: dict[str, list[dict[str, float]]] | None = None
_CHARSTATS = Path(__file__).resolve().parent.parent / "data" / "charstats.json"
_SYMBOL = "\x01"  # stands for a non-ASCII character that is neither a letter nor punctuation
#: Non-ASCII punctuation by how it attaches to words: closing (… » ” , and the like)
#: follows a word, opening (« „ “ ¿ ¡) precedes one, the apostrophe ’ sits inside one.
#: Dashes and connectors count as symbols.
_CLOSE, _OPEN, _APOS, _RARE, _ACUTE = "\x02", "\x03", "\x04", "\x05", "\x06"
#: Closing punctuation: closing brackets and quotes, and the ellipsis.
_CLOSERS = "\u2026"
#: Opening punctuation besides opening brackets and quotes.
_OPENERS = "¿¡"
#: Symbols that ISO/IEC 8859-15 took out of ISO-8859-1 because text rarely uses them
#: (it put € Š š Ž ž Œ œ Ÿ in their place) ...
_RARE_SYMBOLS = "¤¦¨¸¼½¾"
#: ... but for the eighth, the acute accent, which is typed for an apostrophe on
#: keyboards with a dead-key acute ("don´t"): a rarer apostrophe than ’.
_ACUTE_ACCENT = "\u00b4"
#: The ordinal indicators are letters to Unicode but symbols in use ("1º", "nº", "2ª").
_ORDINALS = "ªº"
#: Letters that are one letter of a language written two ways: Romanian s/t with comma
#: below and with cedilla (cp1250 and ISO-8859-2 have only the cedilla forms, ISO-8859-16
#: both; wordfreq writes the comma forms).  Statistics see the cedilla form.
FOLD = {"ș": "ş", "ț": "ţ"}


def _models() -> dict[str, list[dict[str, float]]]:
    """Per script, the bigram model of each of its languages followed by their union
    (the best log frequency of each bigram in any of them); loaded once per process."""
    global _MODELS
    if _MODELS is None:
        raw = json.loads(_CHARSTATS.read_text(encoding="utf-8"))
        if float(raw["floor"]) != FLOOR:
            raise RuntimeError("data/charstats.json was built with another floor")
        models: dict[str, list[dict[str, float]]] = {}
        for script in SCRIPTS:
            letters = {c for lang in raw[script] for k in raw["langs"][lang] for c in k} - {"_"}
            loose = _loose_pairs(letters)
            langs = [dict(raw["langs"][lang], **loose) for lang in raw[script]]
            union: dict[str, float] = {}
            for model in langs:
                for k, v in model.items():
                    if v > union.get(k, -math.inf):
                        union[k] = v
            models[script] = langs + [union]
        _MODELS = models
    return _MODELS


def _punct_class(c: str) -> str:
    """The class of a non-ASCII non-letter: closing, opening or apostrophe
    punctuation, the acute accent, a rare symbol or another symbol.

    >>> [_punct_class(c) for c in "…«’¿–©¤´‡"] == [
    ...     _CLOSE, _OPEN, _APOS, _OPEN, _SYMBOL, _SYMBOL, _RARE, _ACUTE, _SYMBOL]
    True
    """
    cat = unicodedata.category(c)
    if c == "\u2019":
        return _APOS
    if c in _ACUTE_ACCENT:
        return _ACUTE
    if c in _RARE_SYMBOLS:
        return _RARE
    if cat in ("Pe", "Pf") or c in _CLOSERS:
        return _CLOSE
    if cat in ("Ps", "Pi") or c in _OPENERS:
        return _OPEN
    return _SYMBOL


def _loose_pairs(letters: set[str]) -> dict[str, float]:
    """Pairs with a non-ASCII non-letter that occur in ordinary text, with their
    score; other pairs with one score as unseen (``FLOOR``).

    * a symbol beside a space or ASCII punctuation: ``SYMBOL_LOOSE``, 1.5 times that
      for a rare symbol;
    * punctuation on its open side (closing after a space or other punctuation,
      opening before one), and ’ beside a space: ``SYMBOL_LOOSE``;
    * ’ beside a letter: ``SYMBOL_LOOSE``, it is the apostrophe of "l’homme";
    * punctuation glued to a word on its own side (closing after a letter, opening
      before one) and the acute accent beside a letter: twice that, as rare as a rare
      pair of letters; the acute accent beside a space: 1.5 times.

    >>> sorted(k for k in _loose_pairs({"a"}) if _SYMBOL in k) == [_SYMBOL + "_", "_" + _SYMBOL]
    True
    """
    out: dict[str, float] = {_SYMBOL + "_": SYMBOL_LOOSE, "_" + _SYMBOL: SYMBOL_LOOSE,
                             _RARE + "_": 1.5 * SYMBOL_LOOSE, "_" + _RARE: 1.5 * SYMBOL_LOOSE}
    for x in ("_", _CLOSE, _OPEN):
        out[_CLOSE + x] = out[x + _OPEN] = SYMBOL_LOOSE
    for x in ("_", _CLOSE, _APOS):
        out[x + _CLOSE] = SYMBOL_LOOSE
    for x in ("_", _OPEN):
        out[_OPEN + x] = SYMBOL_LOOSE
    for x in letters:
        out[x + _CLOSE] = out[_OPEN + x] = 2 * SYMBOL_LOOSE
        out[x + _ACUTE] = out[_ACUTE + x] = 2 * SYMBOL_LOOSE
    for x in letters | {"_"}:
        out[x + _APOS] = out[_APOS + x] = SYMBOL_LOOSE
    out[_ACUTE + "_"] = out["_" + _ACUTE] = 1.5 * SYMBOL_LOOSE
    return out


class _LetterMap(dict):
    """str.translate table: letter (but ª º) -> its lower case (folded by ``FOLD``), ASCII
    non-letter -> ``_``, non-ASCII punctuation -> ``\x02``, other non-ASCII non-letter
    -> ``\x01`` (filled in lazily)."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        if c in _ORDINALS:
            out = _SYMBOL
        elif c.isalpha():
            out = c.lower()[0]
            out = FOLD.get(out, out)
        elif code < 128:
            out = "_"
        else:
            out = _punct_class(c)
        self[code] = out
        return out


class _CaseClasses(dict):
    """str.translate table: lowercase letter -> l, uppercase -> U, other -> space
    (filled in lazily)."""

    def __missing__(self, code: int) -> str:
        c = chr(code)
        cls = "l" if c.islower() else "U" if c.isupper() else " "
        self[code] = cls
        return cls


_LETTER_MAP = _LetterMap()
_CASE_CLASSES = _CaseClasses()


def letter_pairs(text: str) -> dict[str, int]:
    r"""Counts of adjacent character pairs that involve a non-ASCII character: letters
    lower-cased, ASCII non-letters shown as ``_``, other non-letters as a control
    character naming their class (:func:`_punct_class`), the text padded with ``_``.

    >>> sorted(letter_pairs("Ça va?").items())
    [('_ç', 1), ('ça', 1)]
    >>> sorted(letter_pairs("f№r").items())
    [('\x01r', 1), ('f\x01', 1)]
    """
    m = "_" + text.translate(_LETTER_MAP) + "_"
    pairs = Counter(map(add, m, m[1:]))
    return {k: n for k, n in pairs.items()
            if not k.isascii() or k[0] < " " or k[1] < " "}


def _dot(model: dict[str, float], keys: list[str], counts: list[int]) -> float:
    """Sum of count x log frequency (unseen pairs at ``FLOOR``), all in C."""
    return sum(map(mul, counts, map(model.get, keys, repeat(FLOOR, len(keys)))))


def _union_score(keys: dict[str, int], script: str) -> float:
    """Score under the union model: an upper bound of every language's score.

    >>> _union_score(letter_pairs("мир"), "cyrillic") >= pairs_score(letter_pairs("мир"), "cyrillic")
    True
    """
    return _dot(_models()[script][-1], list(keys), list(keys.values()))


def pairs_score(keys: dict[str, int], script: str) -> float:
    """Log-likelihood of letter pairs (from :func:`letter_pairs`) under the best
    language of ``script`` (``"cyrillic"``, ``"latin"`` or ``"greek"``), or under the
    union of its languages (for languages without a table of their own, such as
    Belarusian) at a cost of ln(number of languages) per pair: the price, in the
    minimum-description-length sense, of letting each pair pick its own language, so
    that a mixture of languages never beats one real language for free.

    >>> pairs_score(letter_pairs("привет"), "cyrillic") > pairs_score(letter_pairs("ПРЙЧЕФ"), "cyrillic")
    True
    """
    return _lists_score(list(keys), list(keys.values()), script)


def _lists_score(ks: list[str], ns: list[int], script: str) -> float:
    """:func:`pairs_score` of keys and counts given as two lists (keys may repeat)."""
    models = _models()[script]
    best = _dot(models[-1], ks, ns) - math.log(len(models) - 1) * sum(ns)
    for model in models[:-1]:
        best = max(best, _dot(model, ks, ns))
    return best


def langs_score(keys: dict[str, int], langs: tuple[str, ...]) -> float:
    """Log-likelihood of letter pairs under the best of the named languages (codes of
    ``data/charstats.json``), with no union model.

    >>> k = letter_pairs("Zażółć gęślą jaźń")
    >>> langs_score(k, ("pl",)) > langs_score(k, ("lt", "lv"))
    True
    """
    models = _lang_models()
    ks, ns = list(keys), list(keys.values())
    return max(_dot(models[lang], ks, ns) for lang in langs)


_LANG_MODELS: dict[str, dict[str, float]] | None = None
_UNIONS: dict[tuple[str, ...], dict[str, float]] = {}


def langs_bound(keys: dict[str, int], langs: tuple[str, ...]) -> float:
    """An upper bound of :func:`langs_score` in one pass: each pair scored by the best
    of the named languages.

    >>> k = letter_pairs("Zażółć gęślą jaźń")
    >>> langs_bound(k, ("pl", "cs")) >= langs_score(k, ("pl", "cs"))
    True
    """
    union = _UNIONS.get(langs)
    if union is None:
        union = {}
        for lang in langs:
            for k, v in _lang_models()[lang].items():
                if v > union.get(k, -math.inf):
                    union[k] = v
        _UNIONS[langs] = union
    return _dot(union, list(keys), list(keys.values()))


def script_floor(keys: dict[str, int], script: str) -> float:
    """A lower bound of :func:`pairs_score` in one pass (its union term).

    >>> k = letter_pairs("Ça été")
    >>> script_floor(k, "latin") <= pairs_score(k, "latin")
    True
    """
    models = _models()[script]
    ns = list(keys.values())
    return _dot(models[-1], list(keys), ns) - math.log(len(models) - 1) * sum(ns)


_SCRIPT_LANGS: dict[str, tuple[str, ...]] = {}


def script_langs(script: str) -> tuple[str, ...]:
    """The languages that the letter statistics hold for ``script``.

    >>> script_langs("cyrillic")
    ('ru', 'uk', 'bg', 'mk')
    """
    if not _SCRIPT_LANGS:
        _lang_models()
    return _SCRIPT_LANGS[script]


def _lang_models() -> dict[str, dict[str, float]]:
    """Each language's model (as :func:`_models` has it), by language code; fills
    :func:`script_langs`'s table from the same read of ``data/charstats.json``."""
    global _LANG_MODELS
    if _LANG_MODELS is None:
        raw = json.loads(_CHARSTATS.read_text(encoding="utf-8"))
        models = _models()
        _SCRIPT_LANGS.update({s: tuple(raw[s]) for s in SCRIPTS})
        _LANG_MODELS = {lang: models[script][i] for script in SCRIPTS
                        for i, lang in enumerate(raw[script])}
    return _LANG_MODELS


def case_cost(text: str) -> float:
    """Penalty for lower-to-upper case changes inside words (a sign of the wrong
    Cyrillic codec: KOI8-R and cp1251 swap the cases).

    >>> case_cost("Привет") == 0 and case_cost("пРИВЕТ") < 0
    True
    """
    return CASE_COST * text.translate(_CASE_CLASSES).count("lU")


_WORD = re.compile(r"[^\W\d_]+")
_ISOLATED = re.compile(b"(?=\x01\x00\x01)")  # ASCII word, other word, ASCII word


def isolated_words(text: str) -> int:
    """Words with non-ASCII letters standing alone between ASCII words (as "и" in
    Italian "padre è morto" read as cp1251).

    >>> isolated_words("Il padre и morto, и basta.")
    2
    """
    kinds = bytes(map(str.isascii, _WORD.findall(text)))  # 1 for an ASCII word, else 0
    return len(_ISOLATED.findall(kinds))


def text_score(text: str, script: str) -> float:
    """How much ``text`` reads as real ``script`` language: pair log-likelihood,
    case changes and (Cyrillic) isolated words.  Only non-ASCII characters and
    their neighbours count, so two readings of the same bytes are comparable.

    >>> text_score("Все это", "cyrillic") > text_score("Âñå ýòî", "latin")
    True
    >>> text_score("Ça été", "latin") > text_score("Зa йтй", "cyrillic")
    True
    """
    score = pairs_score(letter_pairs(text), script) + case_cost(text)
    if script == "cyrillic":
        score += ISOLATED_COST * isolated_words(text)
    return score


def codec_prior(codec: str) -> float:
    """``CODEC_PRIOR`` of a codec by any of its names, ``OTHER_PRIOR`` for the rest.

    >>> codec_prior("ISO-8859-1"), codec_prior("IBM437"), codec_prior("iso8859_10")
    (0.0, -6.0, -3.0)
    """
    return CODEC_PRIOR.get(_canonical_name(codec), OTHER_PRIOR)


def _canonical_name(codec: str) -> str:
    name = codecs.lookup(codec).name
    return {"iso8859-1": "latin_1"}.get(name, name.replace("-", "_"))


def _script_of(codec: str) -> str:
    return _SCRIPT_OF[codec]


_CODEC_TABLES: dict[str, tuple[list[str], bytes, bytes]] = {}


def _codec_table(codec: str) -> tuple[list[str], bytes, bytes]:
    """Per byte value: its letter-map character, is-lowercase and is-uppercase flags."""
    table = _CODEC_TABLES.get(codec)
    if table is None:
        chars = bytes(range(256)).decode(codec, "replace")
        classes = chars.translate(_CASE_CLASSES)
        table = (list(chars.translate(_LETTER_MAP)),
                 bytes(c == "l" for c in classes), bytes(c == "U" for c in classes))
        _CODEC_TABLES[codec] = table
    return table


def _byte_keys(xs: list[int], ys: list[int], ns: list[int], codec: str
               ) -> tuple[list[str], int]:
    """:func:`letter_pairs` keys (repeating) of the byte pairs ``xs[i], ys[i]`` read
    with ``codec`` and the count of lower-to-upper pairs among them, ``ns`` being the
    pair counts (one count of the bytes serves every codec; a high byte always reads
    as a non-ASCII letter or symbol, so every pair with one counts)."""
    letters, lower, upper = _codec_table(codec)
    get = letters.__getitem__
    keys = list(map(add, map(get, xs), map(get, ys)))
    lu = sum(map(mul, ns, map(mul, map(lower.__getitem__, xs), map(upper.__getitem__, ys))))
    return keys, lu


_HIGH_BYTES = bytes(range(0x80, 0x100))
_C1_BYTES = bytes(range(0x80, 0xA0))


def _sample(data: bytes) -> bytes:
    """The start of ``data`` that holds ``SAMPLE_HIGH`` high bytes, in 4 KiB steps, at
    most ``SAMPLE_BYTES``.

    >>> len(_sample(b"a" * 100_000)), len(_sample("я".encode("cp1251") * 100_000))
    (65536, 4096)
    """
    end = high = 0
    while end < min(len(data), SAMPLE_BYTES) and high < SAMPLE_HIGH:
        chunk = data[end:end + 4096]
        high += len(chunk) - len(chunk.translate(None, _HIGH_BYTES))
        end += 4096
    return data[:end]


class _Pairs:
    """The byte pairs of a sample with a high byte (padded with spaces), counted in the
    order they first occur, and the two scores of a codec's reading of them; the pure
    code, which :class:`_CompiledPairs` replaces with the same answers."""

    def __init__(self, sample: bytes) -> None:
        padded = b" " + sample + b" "
        counts = {p: n for p, n in Counter(zip(padded, padded[1:])).items()
                  if p[0] > 0x7F or p[1] > 0x7F}
        self.xs = [x for x, _ in counts]
        self.ys = [y for _, y in counts]
        self.ns = list(counts.values())
        self.runs = sum(n for (x, y), n in counts.items() if x > 0x7F and y > 0x7F)
        self._keys: dict[str, list[str]] = {}

    def bound(self, codec: str, script: str) -> tuple[float, int]:
        """The union model's score of the pairs read with ``codec`` (an upper bound of
        :meth:`score`) and the count of lower-to-upper pairs among them."""
        keys, lu = _byte_keys(self.xs, self.ys, self.ns, codec)
        self._keys[codec] = keys
        return _dot(_models()[script][-1], keys, self.ns), lu

    def score(self, codec: str, script: str) -> float:
        """:func:`pairs_score` of the pairs read with ``codec`` (after :meth:`bound`)."""
        agg: dict[str, int] = {}
        for k, n in zip(self._keys[codec], self.ns):
            agg[k] = agg.get(k, 0) + n
        return pairs_score(agg, script)


class _CompiledPairs:
    """:class:`_Pairs` in compiled code (``polyclean/_speedups/_bytestats.pyx``): the
    models of a script as dense tables over its letter classes."""

    def __init__(self, sample: bytes) -> None:
        self.core = _speedups.bytestats.Pairs(sample)
        self.runs = self.core.runs

    def bound(self, codec: str, script: str) -> tuple[float, int]:
        ids, lower, upper = _codec_ids(codec)
        return self.core.bound(_dense(script)[0], ids, lower, upper)

    def score(self, codec: str, script: str) -> float:
        return self.core.score(_dense(script)[0], _codec_ids(codec)[0])


_DENSE: dict[str, tuple] = {}
_CODEC_IDS: dict[str, tuple[bytes, bytes, bytes]] = {}


def _dense(script: str) -> tuple:
    """``(tables, class index)`` of a script for :class:`_CompiledPairs`: its letter
    classes are the characters its codecs' bytes read as (:func:`_codec_table`)."""
    got = _DENSE.get(script)
    if got is None:
        from array import array

        classes = sorted({c for codec, s in _SCRIPT_OF.items() if s == script
                          for c in _codec_table(codec)[0]})
        index = {c: i for i, c in enumerate(classes)}
        width = len(classes)
        buf = array("d")
        for model in _models()[script]:
            table = array("d", [FLOOR]) * (width * width)
            for k, v in model.items():  # pairs of two characters
                a, b = index.get(k[:1]), index.get(k[1:])
                if a is not None and b is not None:
                    table[a * width + b] = v
            buf.extend(table)
        langs = len(_models()[script]) - 1
        tables = _speedups.bytestats.Tables(width, langs + 1, math.log(langs), buf)
        got = _DENSE[script] = (tables, index)
    return got


def _codec_ids(codec: str) -> tuple[bytes, bytes, bytes]:
    """Per byte value: its letter class in its script's tables, is-lower, is-upper."""
    got = _CODEC_IDS.get(codec)
    if got is None:
        letters, lower, upper = _codec_table(codec)
        index = _dense(_script_of(codec))[1]
        got = _CODEC_IDS[codec] = (bytes(index[c] for c in letters), lower, upper)
    return got


def _pairs(sample: bytes) -> "_Pairs | _CompiledPairs":
    if _speedups.bytestats is not None:
        return _CompiledPairs(sample)
    return _Pairs(sample)


def _single_byte_candidates(data: bytes) -> tuple[list[tuple[float, str, float]], float]:
    """Readings of ``data`` by each single-byte codec as (score, codec, score per high
    byte), best first, and how much high bytes come in runs (pairs of high bytes
    per high byte: 0 when each stands alone between ASCII letters, near 1 in words
    written wholly with high bytes).

    Readings whose upper bound (the union-model score) cannot beat the best exact
    score so far keep that bound as their score."""
    sample = _sample(data)
    pairs = _pairs(sample)
    n_high = len(sample) - len(sample.translate(None, _HIGH_BYTES))
    has_c1 = len(sample.translate(None, _C1_BYTES)) < len(sample)
    readings = []
    seen: set[str] = set()
    for codec in CYRILLIC_CODECS + LATIN_CODECS + GREEK_CODECS:
        name = _ISO_TWIN[codec] if codec in _ISO_TWIN and not has_c1 else codec
        try:
            text = sample.decode(name)
        except UnicodeDecodeError:
            if codec not in _ISO_TWIN:
                continue
            name = _ISO_TWIN[codec]
            text = sample.decode(name)
        if text in seen:  # the same reading as an earlier codec: keep the first
            continue
        seen.add(text)
        script = _script_of(name)
        union, lu = pairs.bound(name, script)
        fixed = CASE_COST * lu + codec_prior(name)
        readings.append((union + fixed, name, script, fixed, text))
    readings.sort(key=lambda r: -r[0])
    best = -math.inf
    out = []
    for bound, name, script, fixed, text in readings:
        score = bound
        if bound >= best:
            score = pairs.score(name, script) + fixed
            if script == "cyrillic":
                score += ISOLATED_COST * isolated_words(text)
            best = max(best, score)
        out.append((score, name, score / max(n_high, 1)))
    out.sort(key=lambda c: -c[0])
    return out, pairs.runs / max(n_high, 1)


def _trusted(best: tuple[float, str, float], runs: float) -> bool:
    """Whether the best single-byte reading is real language, not Arabic or CJK
    bytes forced through a Cyrillic or Latin codec.

    >>> _trusted((-700.0, "cp1251", -7.0), 0.8), _trusted((-900.0, "koi8_r", -9.5), 0.8)
    (True, False)
    >>> _trusted((-400.0, "latin_1", -13.0), 0.05), _trusted((-400.0, "cp1252", -13.0), 0.9)
    (True, False)
    """
    if _script_of(best[1]) == "latin":
        return runs <= LATIN_MAX_RUNS
    return best[2] >= CYRILLIC_TRUST


_SCRIPT_NAMES = {"LATIN": "latin", "CYRILLIC": "cyrillic", "GREEK": "greek"}


def reading_script(text: str) -> str | None:
    """The modelled script (``latin``, ``cyrillic``, ``greek``) of most non-ASCII letters
    of ``text``, or None (no such letters, or most in another script).

    >>> [reading_script(t) for t in ("Ça va", "Москва", "東京", "abc")]
    ['latin', 'cyrillic', None, None]
    """
    counts: Counter[str | None] = Counter()
    for c in set(text):
        if c > "\x7f" and c.isalpha():
            script = _SCRIPT_NAMES.get(unicodedata.name(c, "").split(" ")[0])
            counts[script] += text.count(c)
    if not counts:
        return None
    return counts.most_common(1)[0][0]


def reading_score(sample: bytes, codec: str) -> float | None:
    """Score (as in :func:`_single_byte_candidates`) of ``sample`` read with any
    single-byte ``codec``, or None when it does not decode or its letters are not
    in a modelled script, or holds C1 controls.

    >>> data = "Ühendus on väga hea".encode("iso8859_10")
    >>> reading_score(data, "iso8859_10") > reading_score(data, "koi8_r")
    True
    """
    try:
        text = sample.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None
    if any("\x80" <= c <= "\x9f" for c in text):  # C1 controls are no text
        return None
    script = reading_script(text)
    if script is None:
        return None
    return text_score(text, script) + codec_prior(codec)
