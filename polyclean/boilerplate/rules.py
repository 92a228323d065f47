"""Pure line rules: each tells from one line alone whether it is page furniture.

A rule takes a :class:`Line` (the canonical line with its key, tokens, word count
and whether it ends like a sentence) and returns True when it fires.
:func:`definite_rule` runs them in order and returns the name of the first that
fires (the ``reason`` of the removal):

* ``symbols`` -- only symbols and punctuation ("* * *").
* ``dateline`` -- "- Sputnik International, 1920, 06.09.2022" ending a line, or a
  line that is only a place and a date.
* ``ui-phrase`` -- a known UI string, a run of them ("Subscribe Sign In") or a UI
  prefix and a name ("By Jane Smith"), from the phrase lists;
  ``language-picker`` -- only language names.
* ``counter`` -- only digits and symbols ("0", "1.2K"); ``date`` -- only a date
  or time ("Nov. 19, 2019 8:03 am ET").
* ``read-also`` -- "Read more: <headline>", "Lea también: ...".
* ``photo-credit`` -- "© AFP / John Smith", "Photo: Reuters", "... Credit... Name".
* ``copyright``, ``cookie-notice``, ``call-to-action``, ``menu``.

These rules are context-free, so a line they leave alone is left alone again when
the cleaned text is cleaned once more.
"""

from __future__ import annotations

import re
from itertools import islice
from unicodedata import category
from typing import Callable, NamedTuple

from . import lexicon as lx
from .keys import Phrases, canonical, normalize_key, shipped_phrases

LONG_UNITS = 15  # a line this long may hold sentences without ending like one
_TRAIL_PAREN_RE = re.compile(r"\s*[(\uff08\[][^()\uff08\uff09\[\]]{1,60}[)\uff09\]]$")


# --- the shape of a line ------------------------------------------------------------------
def units(s: str) -> int:
    """Words in ``s``, counting two characters of an unspaced script as one word.

    >>> units("Read the full story"), units("政府表示新政策")
    (4, 4)
    """
    n = len(s.split())
    if not s.isascii():
        k = len(lx.UNSPACED_RE.findall(s))
        if k:
            n += k // 2
    return n


def ends_sentence(s: str, n_units: int) -> bool:
    """True when the stripped line ends like a sentence.

    >>> ends_sentence("He left.", 2), ends_sentence("U.S.", 1), ends_sentence("Menu", 1)
    (True, False, False)
    """
    t = s.rstrip(lx.TRAIL_CLOSERS)
    if not t:
        return False
    c = t[-1]
    if c in lx.SENTENCE_END:
        return not (c == "." and n_units <= 1)  # "U.S." or "Corp." alone is a menu item
    if c in lx.CLAUSE_END:
        return n_units >= (2 if c in ",\uff0c\u3001" else 3)
    return False


def has_sentences(s: str, n_units: int) -> bool:
    """True when the line reads as running text: it ends like a sentence (before a
    closing parenthesis such as an author's name, or before trailing links, tags or
    emoji), or it is long and holds a sentence boundary.

    >>> has_sentences("He left (Reuters)", 3), has_sentences("Great news today #win", 4)
    (False, False)
    >>> has_sentences("He said he would go. (Reuters)", 6)
    True
    """
    if ends_sentence(s, n_units):
        return True
    if s[-1] in ")\uff09]":
        m = _TRAIL_PAREN_RE.search(s)
        if m and m.start() > 0 and ends_sentence(s[: m.start()], n_units):
            return True
    last = s[s.rfind(" ") + 1:]
    m = None
    if last[:1] in ("#", "@", "h", "p", "w") or ord(s[-1]) >= 0x2600:
        m = lx.TRAIL_JUNK_RE.search(s)
    if m and m.start() > 0:
        if ends_sentence(s[: m.start()], n_units) or (n_units >= 6 and not m.group().strip(
        ).startswith(("#", "@", "h", "p", "w"))):  # ends with an emoji after six words
            return True
    if n_units >= LONG_UNITS:
        if lx.INNER_ENDS == 1:
            return inner_end(s)
        # the first INNER_ENDS boundaries are enough (findall would look for all of them)
        return sum(1 for _ in islice(lx.INNER_END_RE.finditer(s), lx.INNER_ENDS)) >= lx.INNER_ENDS
    return False


# lexicon.INNER_END_RE in parts: the sentence end and what follows it, the three letters
# before it, and the CJK ends.  A pattern that starts with its punctuation is searched
# for in one quick scan; the one that starts with three letters is tried at every letter.
_END_NEXT_RE = re.compile(r"[.!?\u2026]['\"\u201d\u2019)]?\s+[\"'\u201c\u2018(]?[^\W_a-z\u00df-\u00ff]")
_THREE_LETTERS_RE = re.compile(r"[^\W\d_]{3}")
_CJK_END_RE = re.compile(r"[\u3002\uff01\uff1f](?!$)")


def inner_end(s: str) -> bool:
    """Whether ``lexicon.INNER_END_RE`` finds a sentence boundary inside ``s`` (the
    same answer, found from the punctuation).

    >>> inner_end("He left. The rest stayed"), inner_end("Mr. Smith left"), inner_end("U.S. Army")
    (True, False, False)
    """
    if _CJK_END_RE.search(s):
        return True
    for m in _END_NEXT_RE.finditer(s):  # no other candidate starts inside a match
        p = m.start()
        if p >= 3 and _THREE_LETTERS_RE.fullmatch(s, p - 3, p):
            return True
    return False


class Line(NamedTuple):
    """A stripped line in canonical form, with what the rules look at."""

    s: str
    key: str
    tokens: list[str] | None  # None for lines over 1,000 characters
    units: int
    ends: bool

    @classmethod
    def of(cls, raw: str) -> "Line":
        """The line as the rules see it (canonical form, then key)."""
        s = canonical(raw)
        return cls.from_canonical(s, normalize_key(s))

    @classmethod
    def from_canonical(cls, s: str, key: str) -> "Line":
        n = units(s)
        return cls(s, key, key.split() if len(s) <= 1000 else None, n, ends_sentence(s, n))


# --- rules ---------------------------------------------------------------------------------
def symbols(line: Line) -> bool:
    """Only symbols and punctuation.

    >>> symbols(Line.of("* * *")), symbols(Line.of("A * B"))
    (True, False)
    """
    return not line.key


def dateline(line: Line) -> bool:
    """A dateline ends the line ("... - Sputnik International, 1920, 06.09.2022"), or
    the line is only a place and a date.

    >>> dateline(Line.of("A caption. - Sputnik International, 1920, 06.09.2022"))
    True
    >>> dateline(Line.of("MOSCOW, 6 September 2022")), dateline(Line.of("In 2022, 5 people"))
    (True, False)
    """
    s = line.s
    if not s or not s[-1].isdigit():
        return False
    tail = s[-120:]
    if "," not in tail:
        return False
    if lx.DATELINE_SUFFIX_RE.search(tail):
        return True
    if len(s) <= 120:
        m = lx.DATELINE_PLACE_RE.match(s)
        return bool(m) and is_date(normalize_key(m.group("rest")))
    return False


def _covered(tokens: list[str], pieces: set[str], max_len: int,
             piece_tokens: set[str] | None = None) -> bool:
    """Can ``tokens`` be tiled with entries of ``pieces`` (each of 1..max_len tokens)?
    ``piece_tokens``, the tokens of the pieces, rules most lines out at once.

    >>> _covered("sign in subscribe".split(), {"sign in", "subscribe"}, 2)
    True
    """
    if piece_tokens is not None and not piece_tokens.issuperset(tokens):
        return False
    n = len(tokens)
    ok = [False] * (n + 1)
    ok[0] = True
    for i in range(n):
        if not ok[i]:
            continue
        for j in range(i + 1, min(n, i + max_len) + 1):
            if not ok[j] and " ".join(tokens[i:j]) in pieces:
                ok[j] = True
    return ok[n]


def is_date(key: str, tokens: list[str] | None = None) -> bool:
    """The key holds only date words and numbers, with at least one date marker.

    >>> is_date(normalize_key("Nov. 19, 2019 8:03 am ET")), is_date("on the way")
    (True, False)

    A unit of time marks a date only with a number or a word that counts back:

    >>> is_date("second"), is_date("the second"), is_date("seconds ago"), is_date("0 hours")
    (False, False, True, True)
    """
    if tokens is None:
        tokens = key.split()
    if not tokens or len(tokens) > 14:
        return False
    marker = unit = ago = False
    for t in tokens:
        if t == "0" or (t[0] == "0" and t.strip("0") in lx.DATE_WORDS):  # "0th", "0pm", "0h0"
            marker = True
        elif t in lx.DATE_UNITS:
            unit = True
        elif t in lx.DATE_AGO:
            ago = True
        elif t in lx.DATE_WORDS:
            marker = marker or t in lx.DATE_MARKERS
        else:
            return False
    return marker or (unit and ago)


def phrase_rule(line: Line, ph: Phrases | None = None) -> str | None:
    """``ui-phrase`` or ``language-picker`` when the line is (a run of) entries of the
    phrase lists, else None.

    >>> phrase_rule(Line.of("Subscribe Sign In")), phrase_rule(Line.of("English / Deutsch"))
    ('ui-phrase', 'language-picker')
    >>> phrase_rule(Line.of("By Sarah E. Needleman")), phrase_rule(Line.of("Share prices fell"))
    ('ui-phrase', None)
    """
    ph = ph or shipped_phrases()
    key = line.key
    if key in ph.ui or (key.endswith(" 0") and key[:-2] in ph.ui):  # "Comments (12)"
        return "ui-phrase"
    if key in ph.lang:
        return "language-picker"
    tokens = line.tokens
    if line.ends or line.units > 12 or tokens is None or len(tokens) < 2:
        return None
    first = tokens[0]
    if first in ph.lang_first and _covered(tokens, ph.lang, 3, ph.lang_tokens):
        return "language-picker"
    if first in ph.first and _covered(tokens, ph.cover, ph.max_len, ph.cover_tokens):
        return "ui-phrase"
    if len(tokens) <= 7 and first in ph.prefix_first:
        for k in (1, 2, 3):
            if len(tokens) > k and " ".join(tokens[:k]) in ph.prefix and len(tokens) - k <= 4:
                return "ui-phrase"
    return None


def price(s: str) -> bool:
    """True when ``s`` holds a currency sign (Unicode category Sc) and a digit other
    than 0: its numbers are an amount of money, content such as a price, neither a
    counter nor a date (an amount of zero is a cart total, a counter).

    >>> price("286,35 \u20ac"), price("\u00a35,349.00"), price("12 (3)"), price("0,00 \u20ac")
    (True, True, False, False)
    """
    return any(category(c) == "Sc" for c in s if not c.isalnum()) and any(c in s for c in "123456789")


def counter(line: Line) -> bool:
    """Only a number with symbols ("0", "1.2K", "(12)"); an amount of money is a price,
    not a counter (see :func:`price`).

    >>> counter(Line.of("1.2K")), counter(Line.of("12 comments"))
    (True, False)
    >>> counter(Line.of("286,35 \u20ac")), counter(Line.of("$1,195.00")), counter(Line.of("0,00 \u20ac"))
    (False, False, True)
    """
    return (line.units <= 8 and bool(lx.NUMBER_LINE_RE.fullmatch(line.s)) and not price(line.s)
            and not equation(line.s))


def equation(s: str) -> bool:
    """Numbers set equal ("2 + 2 = 4", "6 + 1 + 31 + 36 = 74"): arithmetic in the text,
    which no counter, date or time is written with.

    >>> equation("2 + 2 = 4"), equation("x = 3"), equation("12.11.2019"), equation("1.2K")
    (True, False, False, False)
    """
    return "=" in s and bool(_EQUATION_RE.search(s))


_EQUATION_RE = re.compile(r"\d\s*=\s*[-+\u2212]?\d")


def agency_credit(line: Line) -> bool:
    """A short line naming a photo or news agency without a sentence ("AFP / Getty").

    >>> agency_credit(Line.of("Getty Images")), agency_credit(Line.of("Reuters reported it."))
    (True, False)
    """
    return (line.units <= 8 and not line.ends and line.tokens is not None
            and not lx.AGENCY_TOKENS.isdisjoint(line.tokens) and bool(lx.AGENCY_RE.search(line.s)))


def date(line: Line) -> bool:
    """Only a date or a time.

    >>> date(Line.of("6 сентября 2022, 14:05")), date(Line.of("2 hours ago"))
    (True, True)
    >>> date(Line.of("2022")), date(Line.of("2022 \u20ac"))
    (True, False)
    """
    return (line.units <= 14 and is_date(line.key, line.tokens) and not price(line.s)
            and not equation(line.s))


def read_also(line: Line) -> bool:
    """A link to another page announced as such ("Read more: <headline>").

    >>> read_also(Line.of("Read more: Germany to set up new contact office"))
    True
    >>> read_also(Line.of("More: the minister said"))
    True
    >>> read_also(Line.of("Moreover: the minister said"))
    False

    What follows the marker is a headline, and headlines end without a full stop; a
    line ending in one is a sentence that happens to open with such words ("По теме:
    я не художник, ..." -- "on the subject: I am not an artist, ..."):

    >>> read_also(Line.of("По теме: я не художник, рисовать люблю, но получается мазня."))
    False
    """
    first = line.key.split(" ", 1)[0]
    if first not in lx.READ_ALSO_FIRST:
        return False
    s = line.s.rstrip()
    if s.endswith(".") and not s.endswith(".."):
        return False
    m = lx.READ_ALSO_RE.match(line.s)
    return bool(m) and normalize_key(m.group(1)) in lx.READ_ALSO


def photo_credit(line: Line) -> bool:
    """A credit at the start ("© AFP / John Smith", "Photo: Reuters") with at most a
    short name after it, or a credit closing a caption ("... Credit... Name").

    >>> photo_credit(Line.of("Photo: Reuters")), photo_credit(Line.of("© AFP / John Smith"))
    (True, True)
    >>> photo_credit(Line.of("Photo: The minister arrived in Geneva on Tuesday for talks."))
    False
    """
    s, key = line.s, line.key
    first = key.split(" ", 1)[0]
    tail = s[-120:]
    if s[0] in "\u00a9(" or first in lx.CREDIT_FIRST:
        m = lx.CREDIT_START_RE.match(s)
        if m:
            rest = s[m.end():].strip()
            r_units = units(rest)
            return not rest or (r_units <= 10 and not ends_sentence(rest, r_units))
        return False
    return ((s[-1] == ")" or "\u2026" in tail or "..." in tail or ":" in tail or "\u00a9" in tail)
            and line.units <= 60 and bool(lx.CREDIT_END_RE.search(tail)))


def copyright_line(line: Line) -> bool:
    """A copyright or "all rights reserved" line.  A notice is short: on a line longer
    than a short line (``_SHORT`` characters) it counts only when it comes first, so
    running text with a notice glued to its end is not a copyright line.  The bare word
    for copyright or rights (first in the line, or unspaced in CJK and Arabic) makes a
    notice only as :func:`_notice` says: a sentence about copyright is body text.

    >>> copyright_line(Line.of("著作権の登録は義務づけられていませんが、著作権を登録することもできます。"))
    False
    >>> copyright_line(Line.of("著作権について")), copyright_line(Line.of("Copyright law is a mess."))
    (True, False)

    >>> copyright_line(Line.of("Copyright ©2019 Dow Jones & Company, Inc. All Rights Reserved"))
    True
    >>> copyright_line(Line.of("Alle Rechte vorbehalten.")), copyright_line(Line.of("© 2024"))
    (True, True)
    >>> copyright_line(Line.of("The festival ran for ten days. " * 8 + "© 2018. All Rights Reserved."))
    False
    """
    s, key, tokens = line.s, line.key, line.tokens
    if tokens is None:
        return False
    if tokens[:1] == ["copyright"]:
        return _notice(line)
    long_line = len(s) > _SHORT
    if not lx.RIGHTS_TOKENS.isdisjoint(tokens):
        m = lx.RIGHTS_RE.search(key)
        if m and (not long_line or m.start() < _SHORT):
            return True
    if not key.isascii():
        for h in lx.RIGHTS_UNSPACED:
            at = key.find(h)
            if at >= 0 and (not long_line or at < _SHORT):
                return any(p in key for p in lx.RIGHTS_UNSPACED_NOTICES) or _notice(line)
    at = s.find("\u00a9")
    if at < 0 or (long_line and at >= _SHORT):
        return False
    return (s[0] == "\u00a9" and (not line.ends or bool(lx.COMPANY_RE.match(s)))) or line.units <= _NOTICE_UNITS


_YEAR = re.compile(r"(?<!\d)(?:19|20)\d\d(?!\d)")
_COPYRIGHT_YEAR = re.compile(r"copyright\W{1,6}(?:19|20)\d\d(?!\d)", re.I)
_COPYRIGHT_MARK = re.compile("\\([c\u0441]\\)", re.I)  # "(c)", its c Latin or Cyrillic
_COPYRIGHT_HOLDER = re.compile(r"(?i:copyright)\s+(\w)")  # the word after it: the holder?


def _notice(line: Line) -> bool:
    """Whether a line that names copyright by its bare word ("Copyright", "著作権",
    "الحقوق": "the rights") reads as a notice rather than a sentence about it: it holds
    "\u00a9" or "(c)", or starts "Copyright YEAR" or "Copyright Holder ... YEAR" (a
    notice names its holder, a sentence goes on in lower case), or it does not end as a
    sentence and holds a year or is short (``_NOTICE_UNITS``).

    >>> _notice(Line.of("Copyright 2019 Foo Inc.")), _notice(Line.of("Copyright Policy"))
    (True, True)
    >>> _notice(Line.of("Copyright Foo Media Group, 2019.")), _notice(Line.of("Copyright (c) Foo, 2019."))
    (True, True)
    >>> _notice(Line.of("Copyright law protects the expression of ideas, not the ideas."))
    False
    >>> _notice(Line.of("Copyright claims rose in 2007, the yearly report on piracy said."))
    False
    """
    s = line.s
    if "\u00a9" in s or _COPYRIGHT_MARK.search(s) or _COPYRIGHT_YEAR.match(s):
        return True
    year = _YEAR.search(s) is not None
    holder = _COPYRIGHT_HOLDER.match(s)
    if year and line.units <= _NOTICE_UNITS and holder and holder.group(1).isupper():
        return True
    return not line.ends and (line.units <= _NOTICE_UNITS or year)


def cookie_notice(line: Line) -> bool:
    """A cookie notice in one of the languages of :data:`lexicon.COOKIE_RE`.

    >>> cookie_notice(Line.of("This website uses cookies to improve your experience."))
    True
    >>> cookie_notice(Line.of("She baked cookies for the school fair."))
    False
    """
    key = line.key
    if line.tokens is None:
        return False
    return ("cookie" in key or (not key.isascii() and any(h in key for h in lx.COOKIE_HINTS))) \
        and bool(lx.COOKIE_RE.search(line.s))


def call_to_action(line: Line) -> bool:
    """A line asking the reader to do something for the site (sign up, follow,
    subscribe, agree to terms).

    >>> call_to_action(Line.of("Sign up for our newsletter to get the latest stories."))
    True
    >>> call_to_action(Line.of("Get the best stories straight to your inbox."))
    True
    >>> call_to_action(Line.of("Voters signed up in record numbers."))
    False
    """
    if line.units > 60:
        return False
    s, key = line.s, line.key
    if key.split(" ", 1)[0][:5] in lx.CTA_FIRST and lx.CTA_START_RE.match(s):
        return True
    return bool(("inbox" in key or "you " in key) and (
        "newsletter" in key or "nbox" in key or any(p in key for p in lx.CTA_ANY_WORDS)
    ) and lx.CTA_ANY_RE.search(s))


def menu(line: Line) -> bool:
    """Three or more short items joined by ``|``, ``·``, ``•``, ``»``, ``>`` or ``/``.

    >>> menu(Line.of("Home | World | Business | Sport")), menu(Line.of("Yes / No"))
    (True, False)
    """
    s = line.s
    if line.ends or line.units > 40 or not ("|" in s or " / " in s or "\u00b7" in s or "\u2022" in s
                                            or " \u00bb " in s or " > " in s or "\u203a" in s):
        return False
    parts = [p for p in lx.MENU_SPLIT_RE.split(s) if p.strip()]
    return len(parts) >= 3 and all(units(p) <= 4 for p in parts)


# (name, rule, longest line in characters, most words, fires on a line ending like a
# sentence): the order decides the reported reason; the bounds are those the rules
# check first, so a line outside them is not even asked
_SHORT = 200
_NOTICE_UNITS = 12  # a notice without "\u00a9" or a year is this short at most
_ANY = 1 << 62
RULES: tuple[tuple[str, Callable[[Line], bool], int, int, bool], ...] = (
    ("symbols", symbols, _ANY, _ANY, True),
    ("dateline", dateline, _ANY, _ANY, True),
    ("counter", counter, _SHORT, 8, True),
    ("photo-credit", agency_credit, _SHORT, 8, False),
    ("date", date, _SHORT, 14, True),
    ("read-also", read_also, _SHORT, _ANY, True),
    ("photo-credit", photo_credit, _ANY, _ANY, True),
    ("copyright", copyright_line, 1000, _ANY, True),
    ("cookie-notice", cookie_notice, 1000, _ANY, True),
    ("call-to-action", call_to_action, _ANY, 60, True),
    ("menu", menu, _ANY, 40, False),
)
RULE_NAMES = ("symbols", "dateline", "ui-phrase", "language-picker", "counter", "photo-credit",
              "date", "read-also", "copyright", "cookie-notice", "call-to-action", "menu")
_BEFORE_PHRASES, _AFTER_PHRASES = RULES[:2], RULES[2:]


def definite_rule(line: Line, ph: Phrases | None = None,
                  skip: frozenset[str] = frozenset()) -> str | None:
    """The first rule that fires on the line, or None (phrase lists come third);
    rules named in ``skip`` are turned off.

    >>> definite_rule(Line.of("- Sputnik International, 1920, 06.09.2022"))
    'dateline'
    >>> definite_rule(Line.of("Home | Sport | Weather")), definite_rule(
    ...     Line.of("Home | Sport | Weather"), skip=frozenset({"menu"}))
    ('menu', None)
    >>> definite_rule(Line.of("He said talks would go on.")) is None
    True
    """
    n, words, ends = len(line.s), line.units, line.ends
    for name, rule, longest, most, on_end in _BEFORE_PHRASES:
        if (not skip or name not in skip) and rule(line):
            return name
    if n <= _SHORT:
        found = phrase_rule(line, ph)
        if found and (not skip or found not in skip):
            return found
    for name, rule, longest, most, on_end in _AFTER_PHRASES:
        if n <= longest and words <= most and (on_end or not ends) \
                and (not skip or name not in skip) and rule(line):
            return name
    return None


def line_rule(line: str) -> str | None:
    """The rule that marks one line as boilerplate on its own, or None.

    ``no-sentence-structure`` means a line that does not read as a sentence: a
    *candidate* only, which the line classifier judges in its page.

    >>> [line_rule(s) for s in ("Subscribe", "Load more", "0", "Facebook Twitter")]
    ['ui-phrase', 'ui-phrase', 'counter', 'ui-phrase']
    >>> line_rule("English 中文 (Chinese) 日本語 (Japanese)")
    'language-picker'
    >>> line_rule("Nov. 19, 2019 8:03 am ET")
    'date'
    >>> line_rule("Kremlin Expects No Improvement in Ties With Britain Under Prime Minister Truss")
    'no-sentence-structure'
    >>> line_rule("Он сказал, что переговоры продолжатся в понедельник.") is None
    True
    """
    if not line.strip():
        return None
    ln = Line.of(line)
    rule = definite_rule(ln)
    if rule is None and not has_sentences(ln.s, ln.units):
        rule = "no-sentence-structure"
    return rule
