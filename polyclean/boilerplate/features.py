"""Features of a line on its own, for the line classifier.

:func:`line_features` describes one canonical line (length, punctuation, case,
digits, link-like tokens, the share of very common words, the phrase lists); it is
computed only for the lines the classifier judges, once per distinct line (see
:mod:`.analysis`).  What the page says about the line is in :mod:`.context`.
"""

from __future__ import annotations

import math
import re

from .. import _speedups
from . import lexicon as lx
from .context import CONTEXT_NAMES
from .keys import Phrases

ANCHOR_UNITS = 8  # a line of running text with at least this many words anchors the body

_URLISH_RE = re.compile(r"https?://|www\.|\.com\b|\.org\b|@\w|#\w|\w@\w")
_BULLET_START_RE = re.compile(r"^(?:[-*+]\s|\d{1,2}[.)]\s|[a-z][.)]\s)")

LINE_NAMES = (
    "log_chars", "log_units", "ends_sentence", "running_text", "anchor", "ends_colon",
    "ends_question", "ends_exclaim", "starts_lower", "starts_digit", "list_item",
    "upper_share", "all_caps", "digit_share", "punct_share", "linkish", "separators",
    "common_share", "ui_share", "ui_start", "date_share", "inner_ends", "commas",
    "mean_word", "unspaced", "short_fragment",
)
NAMES = LINE_NAMES + CONTEXT_NAMES


_DIGIT_RE = re.compile(r"\d")
_PUNCT_RE = re.compile(r"[^\w\s]|_")
_DIGITS_B = b"0123456789"
_UPPER_B = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_LOWER_B = b"abcdefghijklmnopqrstuvwxyz"
_ALNUM_SPACE_B = bytes(c for c in range(128) if chr(c).isalnum() or c == 32)
_SEPS_B = b"|>/"
_SEPS_WIDE = "\u00bb\u203a\u00b7\u2022"


def _shape(head: str) -> tuple[float, float, float, int]:
    """(share of the cased letters that are capitals, or -1 when none is cased; digit
    share; punctuation share; separators) of the first 400 characters (separators:
    ``|``, ``>``, ``/``, ``»``, ``›``, ``·``, ``•``).  Each is one pass in C.

    >>> _shape("Markets Rally 2 Oil!")
    (0.2, 0.05, 0.05, 0)
    >>> _shape("Home » Sport")[3], _shape("Home / Sport")[3], _shape("政府表示")[0]
    (1, 1, -1.0)

    Case says something only in a line written mostly in letters that have it: a
    Chinese headline holding an acronym is not an all-capitals line.

    >>> _shape("威尔士国民议会议员(AM)担心")[0], _shape("Новости BBC")[0]
    (-1.0, 0.4)
    """
    n = len(head)
    if head.isascii():
        b = head.encode("ascii")
        upper = n - len(b.translate(None, _UPPER_B))
        cased = upper + n - len(b.translate(None, _LOWER_B))
        return (upper / cased if cased else -1.0, (n - len(b.translate(None, _DIGITS_B))) / n,
                len(b.translate(None, _ALNUM_SPACE_B)) / n, n - len(b.translate(None, _SEPS_B)))
    upper = sum(map(str.isupper, head))
    cased = upper + sum(map(str.islower, head))
    if cased and 2 * cased < sum(map(str.isalpha, head)):
        cased = 0  # mostly letters without case (Han, Arabic): an acronym in it is no case
    seps = head.count("|") + head.count(">") + head.count("/")
    for c in _SEPS_WIDE:
        seps += head.count(c)
    return (upper / cased if cased else -1.0, len(_DIGIT_RE.findall(head)) / n,
            len(_PUNCT_RE.findall(head)) / n, seps)


def line_features(s: str, key: str, units: int, ends: bool, running: bool,
                  common: frozenset[str], ph: Phrases) -> tuple[float, ...]:
    """The features of one canonical line ``s`` on its own, in the order of
    :data:`LINE_NAMES`: ``key`` is its key, ``units`` its words, ``ends`` whether it
    ends like a sentence, ``running`` whether it reads as running text (see
    :mod:`.rules`); ``common`` the common words, ``ph`` the phrase lists.  (Flags
    are booleans: 1 and 0 in the dot product.)

    >>> from polyclean.boilerplate.keys import shipped_phrases
    >>> f = dict(zip(LINE_NAMES, line_features("Why Subscribe?", "why subscribe", 2, True, True,
    ...                                        frozenset(["why"]), shipped_phrases())))
    >>> f["ends_question"], f["common_share"], f["ui_share"], f["running_text"]
    (True, 0.5, 0.5, True)
    """
    compiled = _speedups.lines
    if compiled is not None:  # the same tuple (polyclean/_speedups/_lines.pyx)
        return compiled.line_features(s, key, units, ends, running, common, ph.ui,
                                      ph.cover_tokens, lx.DATE_WORDS, lx.TRAIL_CLOSERS,
                                      lx.UNSPACED_RE, _URLISH_RE, _BULLET_START_RE,
                                      ANCHOR_UNITS)
    head = s if len(s) <= 400 else s[:400]
    toks = key.split()
    nt = len(toks) or 1
    words = set(toks)
    nw = len(words) or 1
    t = s.rstrip(lx.TRAIL_CLOSERS)
    last = t[-1] if t else ""
    first = s[0]
    ui = ph.ui
    if toks:
        ui_start = toks[0] in ui or (nt > 1 and (" ".join(toks[:2]) in ui
                                                 or (nt > 2 and " ".join(toks[:3]) in ui)))
    else:
        ui_start = False
    upper, digits, punct, seps = _shape(head)
    return (
        math.log1p(len(s)), math.log1p(units), ends, running, running and units >= ANCHOR_UNITS,
        last in ":\uff1a", last in "?\uff1f", last == "!", first.islower(), first.isdigit(),
        _BULLET_START_RE.match(s) is not None, upper,
        upper >= 0 and len(head) >= 4 and head.isupper(),
        digits, punct,
        ("@" in head or "#" in head or "http" in head or "www." in head or ".com" in head
         or ".org" in head) and _URLISH_RE.search(head) is not None,
        min(seps, 5) / 5,
        len(words.intersection(common)) / nw, len(words.intersection(ph.cover_tokens)) / nw,
        ui_start, (len(words.intersection(lx.DATE_WORDS)) + ("0" in words)) / nw,
        min(head.count(". ") + head.count("? ") + head.count("! "), 3),
        min(s.count(",") / nt, 1.0), min((len(key) - nt + 1) / nt, 20) / 10 if toks else 0.0,
        not s.isascii() and lx.UNSPACED_RE.search(s) is not None,
        not running and units <= 4,
    )
