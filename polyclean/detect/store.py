"""Packed word tables: wordfreq's lists as memory-mapped files, read by compiled code.

With the compiled extension (:mod:`polyclean._speedups`), a language's word list is
not a dict built in each process but a *table*: a packed file (words as UTF-8, an
open-addressing hash of them, one 64-bit value each) written once into the user cache
folder the first time the language is needed, then memory-mapped.  Every process and
every ``-j`` worker maps the same pages, a table costs no Python objects, and opening
one takes microseconds, so no word list is ever read again in the middle of a run.

Three kinds of table, each built from the files inside the wordfreq wheel:

- ``small-CODE``: wordfreq's 'small' list (value: the bucket, ``10 ** (-cb / 100)``);
- ``large-CODE``: the rarer words of its 'large' list down to ``EXTENDED_MIN_FREQ``
  that the 'small' list lacks (the extended vocabulary of ``wordlists._Vocab``);
- ``peers-SCRIPT``: every word of the script's peer languages (``_PEERS``) with the
  first peer, in that order, where it is most frequent and the best of the others, so
  that a word's highest frequency among the peers other than any one language is one
  look-up.

The folder is keyed by the table format, the detection constants that enter the tables
and the wordfreq data files (names, sizes, times), so a new wordfreq or new constants
get new tables.  ``POLYCLEAN_WORDS_DIR`` names another folder.  When no folder can be
written the tables are built in memory (the same answers, not shared).  A damaged file
is rebuilt.  The answers are exactly those of the pure-Python dicts
(``tests/test_speedups.py``).

>>> if enabled():
...     assert words("de", small=True).get("und") == wordlists._freqs("de", pure=True)["und"]
"""

from __future__ import annotations

import hashlib
import mmap
import os
import tempfile
import threading
from pathlib import Path

from .. import _speedups
from . import wordlists
from .languages import (_PEERS, _SCRIPT_OF_LANG, _WORDFREQ_CODES, EXTENDED_MIN_FREQ,
                        NAME_MIN_FREQ, NAME_RATIO, DISTINCT_RATIO, EVIDENCE_RATIO)

FORMAT = 1
_lock = threading.RLock()
_tables: dict[str, object] = {}  # table name -> Table or None
_words: dict[tuple[str, bool], object] = {}  # (language, small) -> Words or None
_folder: list = []  # [Path or None], once per process
_C = _speedups.words
if _C is not None:
    # the frequency of each bucket: the very floats of wordlists._buckets
    _C.set_freqs(tuple(10.0 ** (-cb / 100) for cb in range(2048)))


def enabled() -> bool:
    """Whether the compiled tables are in use (else the pure-Python dicts)."""
    return _C is not None


def _key() -> str:
    # what the tables depend on: their format, the constants below and wordfreq's files
    h = hashlib.sha256(repr((FORMAT, EXTENDED_MIN_FREQ, sorted(_PEERS.items()))).encode())
    for name in ("small", "large"):
        for code, path in sorted(wordlists._wordlists(name).items()):
            st = os.stat(path)
            h.update(f"{name} {code} {os.path.basename(path)} {st.st_size} {st.st_mtime_ns}\n"
                     .encode())
    return h.hexdigest()[:16]


def folder() -> Path | None:
    """The folder of the tables (created), or None when none can be written."""
    with _lock:
        if not _folder:
            base = os.environ.get("POLYCLEAN_WORDS_DIR")
            if not base:
                from ..cache import default_path

                base = str(default_path().parent / "words")
            path = Path(base) / f"v{FORMAT}-{_key()}"
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError:
                path = None
            _folder.append(path)
        return _folder[0]


def _open(path: Path):
    with open(path, "rb") as fh:
        mm = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
    try:
        return _C.Table(mm)
    except ValueError:
        mm.close()
        raise


def _table(name: str, build):
    """The table ``name``, mapped from its file, or built by ``build()`` (bytes, or
    None for no table) and written first."""
    with _lock:
        if name in _tables:
            return _tables[name]
        where = folder()
        path = where / f"{name}.bin" if where is not None else None
        table = None
        if path is not None and path.is_file():
            try:
                table = _open(path)
            except (OSError, ValueError):  # damaged: built again below
                table = None
        if table is None:
            data = build()
            if data is not None:
                table = _write(path, data) if path is not None else None
                if table is None:
                    table = _C.Table(data)
        _tables[name] = table
        return table


def _write(path: Path, data: bytes):
    # written under a temporary name, then renamed: a concurrent reader sees a whole file
    try:
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        return _open(path)
    except (OSError, ValueError):
        return None


def _small_buckets(code: str) -> dict[str, int] | None:
    # word -> bucket of wordfreq's 'small' list (the last bucket of a word listed twice,
    # as in wordlists._freqs)
    path = wordlists._wordlists("small").get(code)
    if path is None:
        return None
    out: dict[str, int] = {}
    for cb, bucket in wordlists._packs(path):
        out.update(dict.fromkeys(bucket, cb))
    return out


def _build_small(code: str) -> bytes | None:
    from array import array

    cbs = _small_buckets(code)
    return None if cbs is None else _C.pack(list(cbs), array("Q", cbs.values()))


def _build_large(code: str) -> bytes | None:
    # the words of the 'large' list down to EXTENDED_MIN_FREQ missing from the 'small'
    # one, at their first (most frequent) bucket, as in wordlists._Vocab
    from array import array

    path = wordlists._wordlists("large").get(code)
    small = _small_buckets(code) if path is not None else None
    if small is None:
        return None
    out: dict[str, int] = {}
    for cb, bucket in wordlists._packs(path, EXTENDED_MIN_FREQ):
        for w in bucket:
            if w not in small and w not in out:
                out[w] = cb
    return _C.pack(list(out), array("Q", out.values()))


def _build_peers(script: str) -> bytes:
    from array import array

    lists = []
    for p in _PEERS[script]:
        lists.append(_small_buckets(_WORDFREQ_CODES.get(p, p)) or {})
    ws, values = _C.peer_values(lists)
    return _C.pack(ws, array("Q", values))


def words(lang: str, small: bool):
    """``lang``'s 'small' list (``small``) or extended vocabulary as a compiled
    :class:`Words` mapping, or None without a list."""
    key = (lang, small)
    w = _words.get(key)
    if w is not None or key in _words:
        return w
    with _lock:
        code = _WORDFREQ_CODES.get(lang, lang)
        s = _table(f"small-{code}", lambda: _build_small(code))
        if s is None:
            w = None
        elif small:
            w = _C.Words(s)
        else:
            large = _table(f"large-{code}", lambda: _build_large(code))
            w = words(lang, True) if large is None else _C.Words(s, large)
        _words[key] = w
        return w


_CONSTS: dict = {}


def lex(lang: str, own, gains: bool):
    """The compiled facts of ``lang``'s words (vocabulary ``own``, a :class:`Words`)
    against its script's peers."""
    from . import lexicon as L

    if not _CONSTS:
        _CONSTS.update(
            KNOWN=L._KNOWN, DISTINCT=L._DISTINCT, LOWER_SAFE=L._LOWER_SAFE,
            CAP_SAFE=L._CAP_SAFE, CLAIMED=L._CLAIMED, UNCHECKED=L._UNCHECKED,
            DISTINCT_UNIT=L._DISTINCT_UNIT, STRONG_UNIT=L._STRONG_UNIT,
            DISTINCT_RATIO=DISTINCT_RATIO, EVIDENCE_RATIO=EVIDENCE_RATIO,
            NAME_RATIO=NAME_RATIO, NAME_MIN_FREQ=NAME_MIN_FREQ, STRONG_RATIO=L._STRONG_RATIO,
            FLOOR_FREQ=L._FLOOR_FREQ, UNKNOWN_FREQ=L._UNKNOWN_FREQ)
    script = _SCRIPT_OF_LANG.get(lang, "")
    peers = _PEERS.get(script)
    table = None
    exclude = -1
    if peers and any(p != lang for p in peers):
        table = _table(f"peers-{script}", lambda: _build_peers(script))
        exclude = peers.index(lang) if lang in peers else -1
    return _C.Lex(own, table, exclude, gains, _CONSTS)


def build_all() -> int:
    """Build (or map) the tables of every language and script: what a first run would
    otherwise build language by language as it meets them.  Returns how many there are.

    ``python -m polyclean.detect.store`` runs it (a benchmark does too before timing)."""
    if not enabled():
        return 0
    langs = {lang for lang in _SCRIPT_OF_LANG} | set(_PEERS.get("Latin", ()))
    for lang in sorted(langs):
        words(lang, False)
    for script in sorted(_PEERS):
        _table(f"peers-{script}", lambda s=script: _build_peers(s))
    return sum(t is not None for t in _tables.values())


if __name__ == "__main__":  # pragma: no cover - a command
    import time

    t0 = time.perf_counter()
    n = build_all()
    print(f"{n} word tables in {folder()} ({time.perf_counter() - t0:.1f} s)"
          if enabled() else "polyclean: compiled helpers not in use; nothing to build")
