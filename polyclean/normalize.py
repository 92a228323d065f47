"""Normalisation: one consistent form for Unicode, punctuation and whitespace.

The last stage, after detection and translation: transliteration (``ascii``) runs
here and nowhere earlier, so foreign text is never turned into Latin letters
before it could be recognised and translated.

Each pass is a pure ``str -> str`` step with a doctest; :func:`normalize_text`
runs the enabled passes in a fixed order and reports every edit as a
:class:`~polyclean.report.Change` on its own input.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, Callable

from .config import Config
from .errors import E
from .report import Change, apply_changes, compose

# --- character classes ---------------------------------------------------------------
# Control characters except tab and newline, zero-width and bidi formatting characters
# (a joiner or non-joiner that shapes its neighbours stays: _joins),
# the BOM, soft hyphens, and non-characters.  Line/paragraph separators, the vertical
# tab, the form feed and the file/group/record separators U+001C-U+001E become "\n"
# (removed, they joined the words on either side), as str.splitlines breaks at them.
_CONTROL_CHARS = (
    "\x00-\x08\x0e-\x1f\x7f-\x9f"
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
)
_CONTROL_RE = re.compile(f"[{_CONTROL_CHARS}]+")
_SURROGATE_RE = re.compile("[\ud800-\udfff]")
_LINEBREAK_RE = re.compile("\r\n?|[\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e]")
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\uff07"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02"
_QUOTE_RE = re.compile(f"[{_SINGLE_QUOTES}{_DOUBLE_QUOTES}]")
# em dash, horizontal bar, figure dash, two-em/three-em dashes: a clause break
# what the dashes pass replaces with " - " (found faster by _em_dashes)
_EM_DASH_RE = re.compile("[ \t]*[\u2014\u2015\u2e3a\u2e3b]+[ \t]*")
_DASH_RE = re.compile("[\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d]")
_ELLIPSIS_RE = re.compile("\u2026")
_DASH_CHARS = "\u2010-\u2015\u2212\u2e3a\u2e3b\ufe63\uff0d"
_BULLET_CHARS = "\u2022\u2023\u2043\u25aa\u25ab\u25cf\u25e6\u25a0\u25a1\u25ba\u25b8\u2219\u00b7"
_BULLET_RE = re.compile(f"^([ \t]*)[{_BULLET_CHARS}][ \t]*", re.M)
_SPACE_CHARS = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_SPACES_RE = re.compile(f"[{_SPACE_CHARS}]")
_LINE_WS_RE = re.compile(r"^[ ]+|[ ]+$|(?<=[^ \n])[ ]{2,}", re.M)
# what the blank-lines pass replaces (found faster by _blank_lines)
_BLANK_RE = re.compile(r"\A\n+|\n+\Z|\n{3,}")
_NEWLINES3_RE = re.compile("\n\n\n+")
_ASCII_CONTROL_RE = re.compile("[\x00-\x08\x0e-\x1f\x7f]")
_EM_CHARS = "\u2014\u2015\u2e3a\u2e3b"
_EM_RUN_RE = re.compile(f"[{_EM_CHARS}]+")
_OTHER_DASHES = "\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d"  # what _DASH_RE matches
_HYPHEN_BREAK_RE = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[a-z\u00df-\u00ff])")


def _sub_changes(
    pattern: re.Pattern[str], text: str, repl: Callable[[re.Match[str]], str] | str,
    reason: str
) -> list[Change]:
    """The changes of ``pattern.sub(repl, text)``, each match that changes; ``repl`` is
    a function of the match or a plain string."""
    if isinstance(repl, str):
        return [Change("normalize", m.start(), m.end(), g, repl, reason)
                for m in pattern.finditer(text) if (g := m.group()) != repl]
    out = []
    for m in pattern.finditer(text):
        new = repl(m)
        if new != m.group(0):
            out.append(Change("normalize", m.start(), m.end(), m.group(0), new, reason))
    return out


# --- passes: each returns the changes it makes to its input ---------------------------
def _linebreaks(text: str) -> list[Change]:
    if not ("\r" in text or "\u2028" in text or "\u2029" in text or "\x85" in text
            or "\x0b" in text or "\x0c" in text or "\x1c" in text or "\x1d" in text
            or "\x1e" in text):
        return []  # (plain character searches: much faster than the pattern's)
    return _sub_changes(_LINEBREAK_RE, text, "\n", "line-breaks")


def _joins(text: str, start: int, end: int) -> bool:
    """True when the zero-width joiner or non-joiner ``text[start:end]`` (one character)
    sits between two letters, marks or emoji outside ASCII, where it shapes what a reader
    sees: an emoji sequence (👨‍👩‍👧), a Persian or Arabic word ("می‌خواهم"), an Indic half
    form (क्‍ष).  Elsewhere it shapes nothing and goes with the other invisible characters.

    >>> _joins("a\u200cb", 1, 2), _joins("\u0645\u06cc\u200c\u062e", 2, 3), _joins("\u06cc\u200c ", 1, 2)
    (False, True, False)
    """
    if end - start != 1 or start == 0 or end == len(text):
        return False
    for c in (text[start - 1], text[end]):
        if c.isascii() or unicodedata.category(c)[0] not in "LMS":
            return False
    return True


def _control(text: str) -> list[Change]:
    if text.isascii() and _ASCII_CONTROL_RE.search(text) is None:
        return []
    if "\u200c" not in text and "\u200d" not in text:
        return _sub_changes(_CONTROL_RE, text, "", "control-characters")
    return _sub_changes(_CONTROL_RE, text, lambda m: m.group() if m.group() in "\u200c\u200d" and _joins(
        text, m.start(), m.end()) else "", "control-characters")


def form_changes(text: str, form: str, step: str = "normalize") -> list[Change]:
    r"""The changes that put ``text`` in the Unicode normal ``form``, one per line that
    changes, trimmed to the part that does.

    >>> [(c.step, ascii(c.original), ascii(c.result), c.reason)
    ...  for c in form_changes("ok\nCafe\u0301!", "NFC", "decode")]
    [('decode', "'fe\\u0301'", "'f\\xe9'", 'NFC')]
    """
    if unicodedata.is_normalized(form, text):
        return []
    out = []
    pos = 0
    for line in text.split("\n"):
        if not unicodedata.is_normalized(form, line):
            new = unicodedata.normalize(form, line)
            a, b, na, nb = _trim(line, new)
            out.append(Change(step, pos + a, pos + b, line[a:b], new[na:nb], form))
        pos += len(line) + 1
    return out


def _unicode_form(form: str) -> Callable[[str], list[Change]]:
    def run(text: str) -> list[Change]:
        return form_changes(text, form)

    run.form = form  # type: ignore[attr-defined]
    return run


def _trim(old: str, new: str) -> tuple[int, int, int, int]:
    """Common prefix/suffix trimming so a change covers only what differs, without
    splitting a base character from its combining marks."""
    p = 0
    n = min(len(old), len(new))
    while p < n and old[p] == new[p]:
        p += 1
    while p > 0 and (unicodedata.combining(old[p:p + 1] or "a") or unicodedata.combining(new[p:p + 1] or "a")):
        p -= 1
    if p > 0:
        p -= 1  # keep the base character with a possibly composed neighbour
    s = 0
    while s < n - p and old[len(old) - 1 - s] == new[len(new) - 1 - s]:
        s += 1
    return p, len(old) - s, p, len(new) - s


def _quotes(text: str) -> list[Change]:
    if text.isascii():
        return []
    # one character per match, never an ASCII quote: every match is a change
    return [Change("normalize", m.start(), m.end(), g, "'" if g in _SINGLE_QUOTES else '"',
                   "quotes") for m in _QUOTE_RE.finditer(text) for g in (m.group(),)]


def _dashes(text: str) -> list[Change]:
    # Which dashes are there, by plain character searches (much faster than a pattern
    # over a long text); the two patterns match disjoint characters, so their changes
    # never overlap.
    em = any(c in text for c in _EM_CHARS)
    other = any(c in text for c in _OTHER_DASHES)
    if not (em or other):
        return []
    both = (_em_dashes(text) if em else []) + (
        _sub_changes(_DASH_RE, text, "-", "dashes") if other else [])
    return sorted(both, key=lambda c: c.start) if em and other else both


def _em_dashes(text: str) -> list[Change]:
    """The changes of ``_EM_DASH_RE`` with the replacement of ``_dashes``: each run of
    em dashes found by a plain scan, grown over the spaces and tabs around it (the
    pattern's own search tries every position, which is slow).

    >>> [(c.start, c.end, c.result) for c in _em_dashes("a \u2014 b\\n\u2014x\\ny \u2014\u2014")]
    [(1, 4, ' - '), (6, 7, '- '), (10, 13, ' -')]
    """
    out = []
    n = len(text)
    pos = 0
    for m in _EM_RUN_RE.finditer(text):
        a, b = m.start(), m.end()
        if a < pos:  # inside the spaces taken by the previous match
            continue
        while a > pos and text[a - 1] in " \t":
            a -= 1
        while b < n and text[b] in " \t":
            b += 1
        pos = b
        if a == 0 or text[a - 1] == "\n":
            new = "- "
        elif b == n or text[b] == "\n":
            new = " -"
        else:
            new = " - "
        old = text[a:b]
        if new != old:
            out.append(Change("normalize", a, b, old, new, "dashes"))
    return out


def _ellipsis(text: str) -> list[Change]:
    if "\u2026" not in text:
        return []
    return _sub_changes(_ELLIPSIS_RE, text, "...", "ellipsis")


def _bullets(text: str) -> list[Change]:
    if text.isascii():
        return []
    return _sub_changes(_BULLET_RE, text, lambda m: m.group(1) + "- ", "bullets")


def _spaces(text: str) -> list[Change]:
    return _sub_changes(_SPACES_RE, text, " ", "whitespace")


def _whitespace(text: str) -> list[Change]:
    if not ("  " in text or " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " "):
        return []
    def repl(m: re.Match[str]) -> str:
        s, a, b = m.string, m.start(), m.end()
        if a == 0 or s[a - 1] == "\n" or b == len(s) or s[b] == "\n":
            return ""  # leading or trailing spaces of a line
        return " "

    return _sub_changes(_LINE_WS_RE, text, repl, "whitespace")


def _blank_lines(text: str) -> list[Change]:
    if not ("\n\n\n" in text or text[:1] == "\n" or text[-1:] == "\n"):
        return []
    # The matches of _BLANK_RE (leading newlines, trailing newlines, runs of three or
    # more), found with plain scans: the pattern's own search tries every position.
    n = len(text)
    lead = n - len(text.lstrip("\n"))
    trail = n - len(text.rstrip("\n")) if lead < n else 0
    out = []
    if lead:
        out.append(Change("normalize", 0, lead, text[:lead], "", "whitespace"))
    for m in _NEWLINES3_RE.finditer(text, lead, n - trail):
        out.append(Change("normalize", m.start(), m.end(), m.group(), "\n\n", "whitespace"))
    if trail:
        out.append(Change("normalize", n - trail, n, text[n - trail:], "", "whitespace"))
    return out


def _hyphenation(text: str) -> list[Change]:
    return _sub_changes(_HYPHEN_BREAK_RE, text, "", "hyphenation")


def _ascii(text: str) -> list[Change]:
    if text.isascii():
        return []
    from unidecode import unidecode

    out = []
    for m in re.finditer(r"[^\x00-\x7f]+", text):
        new = unidecode(m.group(0))
        out.append(Change("normalize", m.start(), m.end(), m.group(0), new, "ascii"))
    return out


_DEFAULT = Config()


def _passes(cfg: Config) -> list[Callable[[str], list[Change]]]:
    passes: list[Callable[[str], list[Change]]] = [_linebreaks]
    if cfg.remove_control:
        passes.append(_control)
    if cfg.normalize:
        passes.append(_unicode_form(cfg.unicode_form))
        if cfg.whitespace:
            passes.append(_spaces)
        if cfg.quotes:
            passes.append(_quotes)
        if cfg.dashes:
            passes.append(_dashes)
        if cfg.ellipsis:
            passes.append(_ellipsis)
        if cfg.bullets:
            passes.append(_bullets)
    if cfg.ascii:
        passes.append(_ascii)
    if cfg.normalize and cfg.join_hyphenated:
        passes.append(_hyphenation)
    if cfg.normalize and cfg.whitespace:
        passes.append(_whitespace)
        passes.append(_blank_lines)
    return passes


class _Plan:
    """The passes of one configuration, each with the characters it needs to find
    anything (None: it checks for itself), and their union as one pattern: a single
    scan of a text tells which passes can be skipped.  Built once per config."""

    __slots__ = ("config", "steps", "trigger", "form", "whitespace", "form_pass")

    def __init__(self, cfg: Config) -> None:
        needs = {
            _linebreaks: "\r\u2028\u2029\x85\x0b\x0c\x1c\x1d\x1e",
            _control: _CONTROL_CHARS,
            _spaces: _SPACE_CHARS,
            _quotes: _SINGLE_QUOTES + _DOUBLE_QUOTES,
            _dashes: _DASH_CHARS,
            _ellipsis: "\u2026",
            _bullets: _BULLET_CHARS,
        }
        self.config = cfg
        self.steps = [(run, re.compile(f"[{needs[run]}]") if run in needs else None)
                      for run in _passes(cfg)]
        chars = [needs[run] for run, need in self.steps if need is not None]
        if cfg.normalize and cfg.join_hyphenated:
            chars.append("\\-")
        if cfg.ascii:
            chars.append("\x80-\U0010ffff")
        self.trigger = re.compile("[" + "".join(chars) + "]")
        self.form = cfg.unicode_form if cfg.normalize else None
        self.whitespace = cfg.normalize and cfg.whitespace
        self.form_pass = next((run for run, _ in self.steps if hasattr(run, "form")), None)


_PLANS: dict[int, _Plan] = {}  # id(config) -> its plan (which keeps the config alive)


def _plan(cfg: Config) -> _Plan:
    plan = _PLANS.get(id(cfg))
    if plan is None or plan.config is not cfg:
        if len(_PLANS) >= 64:
            _PLANS.clear()
        plan = _PLANS[id(cfg)] = _Plan(cfg)
    return plan


def _quiet(text: str, plan: _Plan) -> bool:
    """True when, ``text`` holding none of the plan's trigger characters, no pass would
    change it (the whitespace passes and the normal form are checked here)."""
    if plan.whitespace and ("  " in text or " \n" in text or "\n " in text or "\n\n\n" in text
                            or (text and (text[0] in " \n" or text[-1] in " \n"))):
        return False
    return plan.form is None or unicodedata.is_normalized(plan.form, text)


def _run(text: str, plan: _Plan, report: bool) -> tuple[str, list[Change]]:
    # The passes in order, each on the output of the one before; a pass is skipped
    # when none of the characters it needs is in the text (one scan finds them all).
    # Only the normal form can bring in new ones: the others put in ASCII characters
    # that no skippable pass looks for.
    found = plan.trigger.findall(text)
    if not found and _quiet(text, plan):
        return text, []
    present = "".join(set(found))
    changes: list[Change] = []
    current = text
    for run, need in plan.steps:
        if need is not None and need.search(present) is None:
            continue
        if not report and run in _AS_STR:
            current = _AS_STR[run](current)
            continue
        step = run(current)
        if not step:
            continue
        if report:
            changes = compose(text, changes, step, "normalize") if changes else step
        current = apply_changes(current, step)
        if run is plan.form_pass:  # the normal form may bring new characters: look again
            present = "".join(set(plan.trigger.findall(current)))
    return current, changes


def normalize_text(text: str, config: Config | None = None) -> tuple[str, list[Change]]:
    """Run the enabled passes; return the text and the changes (offsets into ``text``).

    >>> t, ch = normalize_text("\\u201cHi\\u201d \\u2014 it\\u2019s  fine\\u2026\\n\\n\\n\\nEnd ")
    >>> t
    '"Hi" - it\\'s fine...\\n\\nEnd'
    >>> sorted({r for c in ch for r in c.reason.split("+")})
    ['dashes', 'ellipsis', 'quotes', 'whitespace']
    """
    return _run(text, _plan(config or _DEFAULT), True)


def normalized(text: str, config: Config | None = None) -> str:
    """``normalize_text(text, config)[0]``: the same passes, without the report.

    >>> normalized("\u201cHi\u201d \u2014 it\u2019s  fine\u2026")
    '"Hi" - it\\'s fine...'
    """
    return _run(text, _plan(config or _DEFAULT), False)[0]


# Passes whose result is a plain substitution, for normalized(): the same text, no Change.
_AS_STR: dict[Callable[[str], list[Change]], Callable[[str], str]] = {
    _quotes: lambda t: _QUOTE_RE.sub(lambda m: "'" if m.group() in _SINGLE_QUOTES else '"', t),
    _ellipsis: lambda t: t.replace("\u2026", "..."),
}


def normalize(text: str, config: Config | None = None, **options: Any) -> str:
    """Normalise ``text`` with the given options (the public ``polyclean.normalize``).

    >>> normalize("caf\\u0065\\u0301 \\u00bbbon\\u00ab\\u200b")
    'café "bon"'
    >>> normalize("Stra\\u00dfe \\u2013 \\u0416", ascii=True)
    'Strasse - Zh'
    >>> normalize("Great \\ud83d\\ude00 day \\udc00")
    'Great 😀 day �'
    >>> normalize("exam-\\nple", join_hyphenated=True)
    'example'
    >>> normalize(b"caf\\xc3\\xa9")
    Traceback (most recent call last):
    ...
    TypeError: normalize takes text (str), not bytes; decode bytes first, or use clean() or repair(), which take bytes
    """
    if not isinstance(text, str):
        raise TypeError(E.NORMALIZE_TEXT.format(kind=type(text).__name__))
    if _SURROGATE_RE.search(text):
        # as clean() does first (decode): a surrogate pair is the character it stands for,
        # a lone surrogate U+FFFD; removed as invisible characters, an emoji was lost
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    cfg = (config or Config()).replace(**options) if options else (config or Config())
    return normalize_text(text, cfg)[0]
