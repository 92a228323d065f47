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
from .report import Change, apply_changes, compose

# --- character classes ---------------------------------------------------------------
# Control characters except tab and newline, zero-width and bidi formatting characters,
# the BOM, soft hyphens, and non-characters.  Line/paragraph separators become "\n".
_CONTROL_RE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
    "\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb"
    "\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff]+"
)
_LINEBREAK_RE = re.compile("\r\n?|[\u2028\u2029\x85]")
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\uff07"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02"
_QUOTE_RE = re.compile(f"[{_SINGLE_QUOTES}{_DOUBLE_QUOTES}]")
# em dash, horizontal bar, figure dash, two-em/three-em dashes: a clause break
_EM_DASH_RE = re.compile("[ \t]*[\u2014\u2015\u2e3a\u2e3b]+[ \t]*")
_DASH_RE = re.compile("[\u2010\u2011\u2012\u2013\u2212\ufe63\uff0d]")
_ELLIPSIS_RE = re.compile("\u2026")
_DASH_CHARS_RE = re.compile("[\u2010-\u2015\u2212\u2e3a\u2e3b\ufe63\uff0d]")
_BULLET_RE = re.compile("^([ \t]*)[\u2022\u2023\u2043\u25aa\u25ab\u25cf\u25e6\u25a0\u25a1\u25ba\u25b8\u2219\u00b7][ \t]*", re.M)
_SPACE_CHARS = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_SPACES_RE = re.compile(f"[{_SPACE_CHARS}]")
_LINE_WS_RE = re.compile(r"^[ ]+|[ ]+$|(?<=[^ \n])[ ]{2,}", re.M)
_BLANK_RE = re.compile(r"\A\n+|\n+\Z|\n{3,}")
_HYPHEN_BREAK_RE = re.compile(r"(?<=[^\W\d_])-[ \t]*\n[ \t]*(?=[a-z\u00df-\u00ff])")


def _sub_changes(
    pattern: re.Pattern[str], text: str, repl: Callable[[re.Match[str]], str], reason: str
) -> list[Change]:
    out = []
    for m in pattern.finditer(text):
        new = repl(m)
        if new != m.group(0):
            out.append(Change("normalize", m.start(), m.end(), m.group(0), new, reason))
    return out


# --- passes: each returns the changes it makes to its input ---------------------------
def _linebreaks(text: str) -> list[Change]:
    return _sub_changes(_LINEBREAK_RE, text, lambda m: "\n", "line-breaks")


def _control(text: str) -> list[Change]:
    return _sub_changes(_CONTROL_RE, text, lambda m: "", "control-characters")


def _unicode_form(form: str) -> Callable[[str], list[Change]]:
    def run(text: str) -> list[Change]:
        if unicodedata.is_normalized(form, text):
            return []
        out = []
        pos = 0
        for line in text.split("\n"):
            if not unicodedata.is_normalized(form, line):
                new = unicodedata.normalize(form, line)
                a, b, na, nb = _trim(line, new)
                out.append(Change("normalize", pos + a, pos + b, line[a:b], new[na:nb], form))
            pos += len(line) + 1
        return out

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
    return _sub_changes(
        _QUOTE_RE, text, lambda m: "'" if m.group(0) in _SINGLE_QUOTES else '"', "quotes"
    )


def _dashes(text: str) -> list[Change]:
    def em(m: re.Match[str]) -> str:
        s = m.string
        at_start = m.start() == 0 or s[m.start() - 1] == "\n"
        at_end = m.end() == len(s) or s[m.end()] == "\n"
        if at_start:
            return "- "
        return " -" if at_end else " - "

    if not _DASH_CHARS_RE.search(text):
        return []
    # The two patterns match disjoint characters, so their changes never overlap.
    both = _sub_changes(_EM_DASH_RE, text, em, "dashes") + _sub_changes(
        _DASH_RE, text, lambda m: "-", "dashes"
    )
    return sorted(both, key=lambda c: c.start)


def _ellipsis(text: str) -> list[Change]:
    if "\u2026" not in text:
        return []
    return _sub_changes(_ELLIPSIS_RE, text, lambda m: "...", "ellipsis")


def _bullets(text: str) -> list[Change]:
    if text.isascii():
        return []
    return _sub_changes(_BULLET_RE, text, lambda m: m.group(1) + "- ", "bullets")


def _spaces(text: str) -> list[Change]:
    return _sub_changes(_SPACES_RE, text, lambda m: " ", "whitespace")


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
    def repl(m: re.Match[str]) -> str:
        return "" if m.start() == 0 or m.end() == len(m.string) else "\n\n"

    return _sub_changes(_BLANK_RE, text, repl, "whitespace")


def _hyphenation(text: str) -> list[Change]:
    return _sub_changes(_HYPHEN_BREAK_RE, text, lambda m: "", "hyphenation")


def _ascii(text: str) -> list[Change]:
    if text.isascii():
        return []
    from unidecode import unidecode

    out = []
    for m in re.finditer(r"[^\x00-\x7f]+", text):
        new = unidecode(m.group(0))
        out.append(Change("normalize", m.start(), m.end(), m.group(0), new, "ascii"))
    return out


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


def normalize_text(text: str, config: Config | None = None) -> tuple[str, list[Change]]:
    """Run the enabled passes; return the text and the changes (offsets into ``text``).

    >>> t, ch = normalize_text("\\u201cHi\\u201d \\u2014 it\\u2019s  fine\\u2026\\n\\n\\n\\nEnd ")
    >>> t
    '"Hi" - it\\'s fine...\\n\\nEnd'
    >>> sorted({r for c in ch for r in c.reason.split("+")})
    ['dashes', 'ellipsis', 'quotes', 'whitespace']
    """
    cfg = config or Config()
    changes: list[Change] = []
    current = text
    for run in _passes(cfg):
        step = run(current)
        if not step:
            continue
        changes = compose(text, changes, step, "normalize") if changes else step
        current = apply_changes(current, step)
    return current, changes


def normalize(text: str, config: Config | None = None, **options: Any) -> str:
    """Normalise ``text`` with the given options (the public ``polyclean.normalize``).

    >>> normalize("caf\\u0065\\u0301 \\u00bbbon\\u00ab\\u200b")
    'café "bon"'
    >>> normalize("Stra\\u00dfe \\u2013 \\u0416", ascii=True)
    'Strasse - Zh'
    >>> normalize("exam-\\nple", join_hyphenated=True)
    'example'
    """
    cfg = (config or Config()).replace(**options) if options else (config or Config())
    return normalize_text(text, cfg)[0]
