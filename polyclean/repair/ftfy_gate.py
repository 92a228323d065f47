"""The ftfy side of repair: which lines ftfy's badness test flags, and a short
reason from ftfy's explanation."""

from __future__ import annotations

import re

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


#: A quote as UTF-8 read as cp1252 or as itself: opening, closing, and the closing one
#: whose last byte (0x9D, which cp1252 leaves undefined) was shown as U+FFFD.
_QUOTES = re.compile("\u00e2\u20ac\u0153|\u201c|\u00e2\u20ac\x9d|\u201d|\u00e2\u20ac\ufffd")


def restore_lost_closing_quotes(line: str) -> str:
    """Give back the last byte of a closing quote that mojibake lost, where an opening
    quote before it on the line is still open.

    UTF-8 "”" (E2 80 9D) read as cp1252 is "â€" and an undefined byte, which
    browsers and many tools show as U+FFFD; ftfy then can only give "“test�".
    Five characters end so (U+2001, U+200D, U+200F, U+2010, U+201D); after an
    unclosed "“" it is the closing quote, the one of the five that pairs.  Without
    an open quote the sequence is left alone (it may be a zero-width joiner).

    >>> restore_lost_closing_quotes("â€œlossy decodingâ€�")
    'â€œlossy decodingâ€\x9d'
    >>> restore_lost_closing_quotes("xâ€� y")  # nothing open: left alone
    'xâ€� y'
    """
    if "\ufffd" not in line:
        return line
    parts, last, open_ = [], 0, False
    for m in _QUOTES.finditer(line):
        q = m.group()
        if q in ("\u00e2\u20ac\u0153", "\u201c"):
            open_ = True
        elif q.endswith("\ufffd"):
            if open_:
                parts += [line[last:m.start()], "\u00e2\u20ac\x9d"]
                last = m.end()
            open_ = False
        else:
            open_ = False
    return "".join(parts) + line[last:] if parts else line


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
