"""The forms a line is judged and looked up in, and the phrase lists.

* :func:`canonical` -- boilerplate's own fixed form of a line for *judging* it (its
  features and rules): compatibility-normalised (NFKC), straight quotes, ``-`` for
  dashes, ``...`` for the ellipsis, ``- `` for a leading bullet, no control or
  zero-width characters, single spaces.  It depends on no run option: whatever the
  normaliser later does to a kept line (with any options but ``--ascii``), the
  canonical form of the result is the same, so cleaning clean text takes the same
  decisions again.  The normalisation stage is not called from here.
* :func:`normalize_key` -- the form a line is *looked up* in (phrase lists, repeats,
  recurrence across a batch): casefolded, punctuation dropped, digit runs as ``0``.
* :class:`Phrases` -- the shipped phrase lists (``data/boilerplate_phrases*.txt``)
  and users' own lists (``keep_phrases`` / ``drop_phrases``).
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from pathlib import Path

from ..errors import E, ConfigError

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
PHRASE_FILES = ("boilerplate_phrases.txt", "boilerplate_phrases_ghost.txt")

# --- canonical form ----------------------------------------------------------------------
_DROP = (
    "\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff"
)
_SPACE = "\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000"
_CANON_RE = re.compile(
    f"(?P<drop>[{_DROP}]+)|(?P<space>[{_SPACE}])|(?P<q1>[\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\uff07])"
    f"|(?P<q2>[\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02])"
    f"|(?P<em> *[\u2014\u2015\u2e3a\u2e3b]+ *)|(?P<dash>[\u2010-\u2013\u2212\ufe63\uff0d])"
    f"|(?P<ell>\u2026)"
)
_CANON_SUB = {"q1": "'", "q2": '"', "em": " - ", "dash": "-", "ell": "...", "drop": "",
              "space": " "}
_BULLETS = "\u2022\u2023\u2043\u25aa\u25ab\u25cf\u25e6\u25a0\u25a1\u25ba\u25b8\u2219\u00b7"
_BULLET_RE = re.compile(f"^[{_BULLETS}] *")


def _canon_sub(m: re.Match[str]) -> str:
    return _CANON_SUB[m.lastgroup]  # type: ignore[index]


def _canon_table() -> dict[int, str | None]:
    """``str.translate`` table of the one-character substitutions of ``_CANON_RE``."""
    table: dict[int, str | None] = {}
    for name, chars in (("drop", _DROP), ("space", _SPACE),
                        ("q1", "\u2018\u2019\u201a\u201b\u2032\u2035\u02bc\uff07"),
                        ("q2", "\u201c\u201d\u201e\u201f\u2033\u2036\u00ab\u00bb\uff02"),
                        ("dash", "\u2010-\u2013\u2212\ufe63\uff0d"), ("ell", "\u2026")):
        for c in re.findall(f"[{chars}]", "".join(map(chr, range(0x10000)))):
            table[ord(c)] = _CANON_SUB[name] or None
    return table


_CANON_TABLE = _canon_table()
_EM = "\u2014\u2015\u2e3a\u2e3b"
_EM_RE = re.compile(f" *[{_EM}]+ *")


def canon_parts() -> tuple[dict[int, str | None], str, str]:
    """What :func:`canonical` changes in a line that is not ASCII, besides NFKC and
    spaces: its translation table, the dashes it spaces out and the bullets it replaces
    when first (the compiled analysis does the same in one pass).

    >>> table, dashes, bullets = canon_parts(); table[0x201c], dashes[0], bullets[0]
    ('"', '\u2014', '\u2022')
    """
    return _CANON_TABLE, _EM, _BULLETS


def canonical(line: str) -> str:
    """The fixed form a line is judged in (see the module documentation).

    >>> canonical("\\u2022 \\u201cWe\\u2019ll see\\u201d \\u2014 he said\\u2026 ")
    '- "We\\'ll see" - he said...'
    >>> canonical("Caf\\u0065\\u0301\\u200b  \\uff11\\uff12")
    'Café 12'
    >>> canonical("plain text stays") == "plain text stays"
    True
    """
    if line.isascii():
        if line.isprintable() and "  " not in line:
            return line.strip()
        return " ".join(_CANON_RE.sub(_canon_sub, line).split())
    if not unicodedata.is_normalized("NFKC", line):
        line = unicodedata.normalize("NFKC", line)
    for c in _EM:
        if c in line:
            line = _EM_RE.sub(" - ", line)
            break
    line = line.translate(_CANON_TABLE)
    if line and line.lstrip()[:1] in _BULLETS:
        line = _BULLET_RE.sub("- ", line.lstrip())
    return " ".join(line.split())


# --- lookup key ----------------------------------------------------------------------------
_CJK_DATE_RE = re.compile(r"(?<=\d)[年月日時时分秒号號]")


class _KeyTable(dict):
    """``str.translate`` table: letters and digits stay (digits become 0), the rest spaces."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = "0" if ch.isdecimal() else (ch if ch.isalnum() else " ")
        if len(self) >= 65_536:  # bounded: a text in every script cannot make it grow
            self.clear()
        self[code] = value
        return value


_KEY_TABLE = _KeyTable()
# Non-ASCII punctuation and spaces common in Latin text: not letters, digits or "_",
# each its own case fold, so normalize_key turns each into a space: a line whose only
# non-ASCII characters are these takes the ASCII path.
_TYPOGRAPHIC = "".join(
    c for c in (
        "\u00a0\u00a1\u00a6\u00a7\u00a9\u00ab\u00ae\u00b0\u00b1\u00b6\u00b7\u00bb"
        "\u00bf\u00d7\u2010\u2011\u2012\u2013\u2014\u2015\u2016\u2018\u2019\u201a"
        "\u201b\u201c\u201d\u201e\u201f\u2020\u2021\u2022\u2026\u2030\u2032\u2033"
        "\u2039\u203a\u2122\u2190\u2192\u2212\u25aa\u25b6\u25ba\u25cf\u3000"
        "\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f"
    )
    if not c.isalnum() and c != "_" and c.casefold() == c and not re.match(r"\w", c)
)
_TYPOGRAPHIC_RE = re.compile(f"[{_TYPOGRAPHIC}]+")
_NON_ASCII_RE = re.compile("[^\x00-\x7f]")
_ASCII_KEY_TABLE = bytes(
    ord("0") if chr(c).isdigit() else (c if chr(c).isalnum() else ord(" ")) for c in range(256)
)


def normalize_key(line: str) -> str:
    """The form a line is looked up and compared in: casefolded, punctuation and
    symbols dropped, digit runs as ``0``, single spaces.

    >>> normalize_key("  Log in / Register \\u00bb ")
    'log in register'
    >>> normalize_key("Comments (12)")
    'comments 0'
    >>> normalize_key("2020年01月02日")
    '0 0 0'
    """
    if not line.isascii():
        if "\u5e74" in line or "\u6708" in line or "\u65e5" in line or "\u53f7" in line:
            line = _CJK_DATE_RE.sub(" ", line)
        # typographic punctuation becomes a space either way; what is left may be ASCII
        bare = line
        m = _NON_ASCII_RE.search(line)  # None when the dates were all that was not ASCII
        if m is not None and m.group() in _TYPOGRAPHIC:  # worth a try
            bare = _TYPOGRAPHIC_RE.sub(" ", line)
        if not bare.isascii():
            key = " ".join(line.casefold().translate(_KEY_TABLE).split())
            return squeeze_zeros(key) if "00" in key else key
        line = bare
    key = " ".join(line.lower().encode("ascii").translate(_ASCII_KEY_TABLE).decode("ascii").split())
    return squeeze_zeros(key) if "00" in key else key


def squeeze_zeros(key: str) -> str:
    """Runs of zeros as one zero (what ``re.sub("0{2,}", "0", key)`` does, faster).

    >>> squeeze_zeros("0000 a 000 0 00")
    '0 a 0 0 0'
    """
    while "00" in key:
        key = key.replace("00", "0")
    return key


def digest(key: str) -> int:
    """A stable 64-bit hash of a key (the same in every process, unlike ``hash``).

    >>> digest("subscribe") == digest("subscribe") != digest("share")
    True
    """
    b = key.encode("utf-8")
    return zlib.crc32(b) | (zlib.adler32(b) << 32)


# --- phrase lists ----------------------------------------------------------------------------
class Phrases:
    """Phrase lists by section (keys): ``ui`` whole UI lines, ``prefix`` a UI prefix
    followed by at most four words ("By Jane Smith"), ``lang`` language names."""

    __slots__ = ("ui", "prefix", "lang", "cover", "max_len", "first", "lang_first",
                 "cover_tokens", "lang_tokens", "prefix_first", "sources")

    def __init__(self, ui: set[str], prefix: set[str], lang: set[str],
                 sources: dict[str, str] | None = None) -> None:
        self.sources = sources or {}
        self.ui = ui
        self.prefix = prefix
        self.lang = lang
        # Pieces a line may be tiled with ("Subscribe Sign In"): no very short ones.
        self.cover = {p for p in ui | lang if len(p) >= 4 or not p.isascii()}
        self.max_len = max((p.count(" ") + 1 for p in self.cover), default=1)
        self.first = {p.split(" ", 1)[0] for p in self.cover}
        self.lang_first = {p.split(" ", 1)[0] for p in lang}
        # every token of a tiled line is a token of some piece
        self.cover_tokens = {t for p in self.cover for t in p.split(" ")}
        self.lang_tokens = {t for p in lang for t in p.split(" ")}
        self.prefix_first = {p.split(" ", 1)[0] for p in prefix}

    def source(self, key: str) -> str | None:
        """The file an exact UI phrase comes from (None for runs and prefixes)."""
        return self.sources.get(key) or (self.sources.get(key[:-2]) if key.endswith(" 0")
                                         else None)


def read_phrase_file(path: Path, sections: dict[str, set[str]], default: str = "ui",
                     sources: dict[str, str] | None = None) -> None:
    """Add the keys of a phrase file to ``sections``: one phrase a line, ``#`` comments,
    ``[section]`` headers.

    >>> import tempfile, os
    >>> with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as fh:
    ...     _ = fh.write("# mine\\nGot a news tip?\\n[lang]\\nKlingon\\n")
    >>> found = {"ui": set(), "prefix": set(), "lang": set()}
    >>> read_phrase_file(Path(fh.name), found); os.unlink(fh.name)
    >>> found["ui"], found["lang"]
    ({'got a news tip'}, {'klingon'})
    """
    section = default
    for raw in path.read_text(encoding="utf-8").splitlines():
        raw = raw.strip()
        if not raw or raw.startswith("#"):
            continue
        if raw.startswith("[") and raw.endswith("]"):
            section = raw[1:-1]
            continue
        key = normalize_key(raw)
        if key and section in sections:
            sections[section].add(key)
            if sources is not None and section == "ui":
                sources.setdefault(key, path.name)


_PHRASES: Phrases | None = None


def shipped_phrases() -> Phrases:
    """The phrase lists that ship with polyclean (loaded once per process)."""
    global _PHRASES
    if _PHRASES is None:
        sections: dict[str, set[str]] = {"ui": set(), "prefix": set(), "lang": set()}
        sources: dict[str, str] = {}
        for name in PHRASE_FILES:
            path = DATA_DIR / name
            if path.exists():
                read_phrase_file(path, sections, sources=sources)
        _PHRASES = Phrases(sections["ui"], sections["prefix"], sections["lang"], sources)
    return _PHRASES


_USER: dict[tuple, frozenset[str]] = {}


def user_phrases(paths: tuple[str, ...] | list[str] | None) -> frozenset[str]:
    """The keys of users' phrase files (one phrase a line, ``#`` comments), read
    again when a file changes.  A file that cannot be read is a
    :class:`~polyclean.errors.ConfigError`."""
    keys: set[str] = set()
    for p in paths or ():
        try:
            st = Path(p).stat()
            stamp = (str(p), st.st_size, st.st_mtime_ns)
            if stamp not in _USER:
                found: dict[str, set[str]] = {"ui": set()}
                read_phrase_file(Path(p), found)
                if len(_USER) > 64:
                    _USER.clear()
                _USER[stamp] = frozenset(found["ui"])
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(E.BP_PHRASE_FILE.format(path=p, why=exc)) from exc
        keys |= _USER[stamp]
    return frozenset(keys)
