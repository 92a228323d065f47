"""A persistent translation cache in one SQLite file.

Rows are keyed by the package (its identity, version, a content fingerprint of its
files, and the options that change results: beam, decoding length, compute type,
device) and the exact source sentence (protected spans already replaced by their
stand-ins).  A row holds the model's output, its score, the number of ``<unk>`` tokens
it produced and its length, so that the output checks give the same answer on a
cache hit as on the model's first run.

A second table holds whole fragments: the outcome of translating one fragment (its
text, the sentences refused, the protected spans, the score, as JSON), keyed by the
exact fragment and a digest of everything that decides that outcome (the packages'
keys above, the language, the glossary, the options, and the code that splits,
protects and checks: see :meth:`polyclean.translate.Translator.fragment_key`).  A
warm run answers a fragment from one row, before any splitting or checking.  Both
tables hold only what the input decides, never which worker or batch produced it.

The file is opened in WAL mode with a generous busy timeout and every write is one
short ``BEGIN IMMEDIATE`` transaction of ``INSERT OR IGNORE``, so several worker
processes can read and write it at once.  (SQLite's WAL needs a local file system:
do not put the cache on NFS.)

A :class:`TranslationCache` holds only its path, so it pickles cheaply; the
connection is opened lazily, once per process and path.

>>> import tempfile, os
>>> c = TranslationCache(os.path.join(tempfile.mkdtemp(), "t.sqlite3"))
>>> c.put_many("pkg-1.0", {"кошка": ("cat", -0.1, 0, 1)})
>>> c.get_many("pkg-1.0", ["кошка", "собака"])
{'кошка': ('cat', -0.1, 0, 1)}
>>> c.put_outcomes("fragment-key", {"Кошка.": '["Cat."]'})
>>> c.get_outcomes("fragment-key", ["Кошка.", "Собака."])
{'Кошка.': '["Cat."]'}
"""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path
from typing import Iterable, Mapping

from .errors import CacheError  # noqa: F401  (re-exported)

# "translations" (polyclean <= 0.x) held the result only; its rows are not read.
SCHEMA = """
CREATE TABLE IF NOT EXISTS translations_v2 (
    package TEXT NOT NULL,
    source  TEXT NOT NULL,
    result  TEXT NOT NULL,
    score   REAL,
    unknown INTEGER NOT NULL DEFAULT 0,
    tokens  INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    PRIMARY KEY (package, source)
) WITHOUT ROWID
"""
FRAGMENTS = """
CREATE TABLE IF NOT EXISTS fragments_v1 (
    key     TEXT NOT NULL,
    source  TEXT NOT NULL,
    outcome TEXT NOT NULL,
    created REAL NOT NULL,
    PRIMARY KEY (key, source)
) WITHOUT ROWID
"""
Row = tuple  # (result, score, unknown tokens, output tokens)
_CHUNK = 500  # bound parameters per SELECT (SQLite's limit is 999 on old builds)
_CONNECTIONS: dict[tuple[str, int], object] = {}
_LOCK = threading.Lock()


def default_path() -> Path:
    """``translations.sqlite3`` in the user's cache folder (``$XDG_CACHE_HOME/polyclean``)."""
    try:
        from platformdirs import user_cache_dir

        base = Path(user_cache_dir("polyclean", appauthor=False))
    except ImportError:  # pragma: no cover - platformdirs is a dependency
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "polyclean"
    return base / "translations.sqlite3"


def check_file(path: str | os.PathLike | None = None) -> None:
    """Raise :class:`~polyclean.errors.ConfigError` now when ``path`` (default: the user
    cache) cannot be the cache: a folder, or a file that is not an SQLite database (cut
    short, overwritten), instead of every document failing on it.  Reads only; a
    missing or empty file is fine (the first translation creates it).

    >>> import tempfile, os
    >>> bad = os.path.join(tempfile.mkdtemp(), "c.sqlite3")
    >>> _ = open(bad, "w").write("not a database" * 100)
    >>> check_file(bad)
    Traceback (most recent call last):
    polyclean.errors.ConfigError: --cache ...: cannot use it as the translation cache: file is not a database; ...
    """
    import sqlite3

    from .errors import E, ConfigError

    where = Path(path) if path else default_path()
    try:
        if where.is_dir():
            raise sqlite3.DatabaseError("it is a folder")
        if not where.exists() or where.stat().st_size == 0:
            return
        conn = sqlite3.connect(f"{where.resolve().as_uri()}?mode=ro", uri=True)
        try:
            conn.execute("SELECT name FROM sqlite_master").fetchall()
        finally:
            conn.close()
    except (sqlite3.Error, OSError) as exc:
        raise ConfigError(E.CACHE_UNUSABLE.format(path=where, why=exc)) from None


def _retry(fn, attempts: int = 50):
    import sqlite3

    for i in range(attempts):
        try:
            return fn()
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or i == attempts - 1:
                raise
            time.sleep(0.05 + 0.01 * i)


class TranslationCache:
    """Lookups and inserts of translated sentences for one SQLite file."""

    def __init__(self, path: str | os.PathLike | None = None, timeout: float = 60.0) -> None:
        self.path = Path(path) if path else default_path()
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"TranslationCache({str(self.path)!r})"

    def _conn(self):
        import sqlite3

        key = (str(self.path), os.getpid())
        with _LOCK:
            conn = _CONNECTIONS.get(key)
            if conn is not None:
                return conn
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), timeout=self.timeout,
                                       isolation_level=None, check_same_thread=False)
                conn.execute(f"PRAGMA busy_timeout = {int(self.timeout * 1000)}")
                _retry(lambda: conn.execute("PRAGMA journal_mode = WAL").fetchone())
                conn.execute("PRAGMA synchronous = NORMAL")
                _retry(lambda: conn.execute(SCHEMA))
                _retry(lambda: conn.execute(FRAGMENTS))
            except (sqlite3.Error, OSError) as exc:
                raise CacheError(
                    f"cannot open the translation cache {self.path}: {exc} "
                    "(choose another file with --cache PATH, or --no-cache)") from None
            _CONNECTIONS[key] = conn
            _close_at_exit()
            return conn

    def get_many(self, package: str, sources: Iterable[str]) -> dict[str, Row]:
        """The cached rows ``(result, score, unknown, tokens)`` of ``sources`` under
        ``package`` (missing ones absent)."""
        rows = self._select("SELECT source, result, score, unknown, tokens FROM translations_v2 "
                            "WHERE package = ?", package, sources)
        return {r[0]: tuple(r[1:]) for r in rows}

    def put_many(self, package: str, items: Mapping[str, Row]) -> None:
        """Store rows ``source -> (result, score, unknown, tokens)`` (an existing row
        for the same key is kept)."""
        now = time.time()
        self._insert("INSERT OR IGNORE INTO translations_v2 (package, source, result, score, "
                     "unknown, tokens, created) VALUES (?, ?, ?, ?, ?, ?, ?)",
                     [(package, s, r[0], r[1], r[2], r[3], now) for s, r in items.items()])

    def get_outcomes(self, key: str, sources: Iterable[str]) -> dict[str, str]:
        """The stored outcomes (JSON text) of whole fragments under ``key``."""
        rows = self._select("SELECT source, outcome FROM fragments_v1 WHERE key = ?",
                            key, sources)
        return dict(rows)

    def put_outcomes(self, key: str, items: Mapping[str, str]) -> None:
        """Store fragment outcomes ``source -> JSON text`` (an existing row is kept)."""
        now = time.time()
        self._insert("INSERT OR IGNORE INTO fragments_v1 (key, source, outcome, created) "
                     "VALUES (?, ?, ?, ?)", [(key, s, o, now) for s, o in items.items()])

    def _select(self, query: str, key: str, sources: Iterable[str]) -> list[tuple]:
        """Rows of ``query`` (``... WHERE key = ?``) whose source is one of ``sources``."""
        import sqlite3

        sources = list(dict.fromkeys(sources))
        found: list[tuple] = []
        if not sources:
            return found
        conn = self._conn()
        try:
            with _LOCK:
                for i in range(0, len(sources), _CHUNK):
                    chunk = sources[i:i + _CHUNK]
                    sql = f"{query} AND source IN ({','.join('?' * len(chunk))})"
                    found += _retry(lambda: conn.execute(sql, [key, *chunk]).fetchall())
        except sqlite3.Error as exc:
            raise CacheError(f"reading the translation cache {self.path} failed: {exc}") from None
        return found

    def _insert(self, sql: str, rows: list[tuple]) -> None:
        """Run ``sql`` over ``rows`` in one short write transaction."""
        import sqlite3

        if not rows:
            return
        conn = self._conn()

        def write():
            conn.execute("BEGIN IMMEDIATE")
            try:
                conn.executemany(sql, rows)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

        try:
            with _LOCK:
                _retry(write)
        except sqlite3.Error as exc:
            raise CacheError(f"writing the translation cache {self.path} failed: {exc}") from None

    def count(self, package: str | None = None) -> int:
        """Number of cached sentences (for one package, or all)."""
        conn = self._conn()
        with _LOCK:
            if package is None:
                return conn.execute("SELECT COUNT(*) FROM translations_v2").fetchone()[0]
            return conn.execute("SELECT COUNT(*) FROM translations_v2 WHERE package = ?",
                                (package,)).fetchone()[0]

    # -- keeping it small (``polyclean cache``) ------------------------------------------
    def size(self) -> int:
        """Bytes on disk: the database and its write-ahead log (0 when there is none)."""
        total = 0
        for suffix in ("", "-wal"):
            try:
                total += os.stat(f"{self.path}{suffix}").st_size
            except OSError:
                pass
        return total

    def stats(self) -> dict:
        """Rows of each table, sentences by package, the oldest and newest row's time.

        >>> import tempfile, os
        >>> c = TranslationCache(os.path.join(tempfile.mkdtemp(), "t.sqlite3"))
        >>> c.put_many("pkg-1.0", {"кошка": ("cat", -0.1, 0, 1)})
        >>> st = c.stats(); st["sentences"], st["fragments"], st["packages"]
        (1, 0, {'pkg-1.0': 1})
        """
        conn = self._conn()
        with _LOCK:
            packages = dict(conn.execute("SELECT package, COUNT(*) FROM translations_v2 "
                                         "GROUP BY package ORDER BY package").fetchall())
            fragments = conn.execute("SELECT COUNT(*) FROM fragments_v1").fetchone()[0]
            span = conn.execute("SELECT MIN(c), MAX(c) FROM (SELECT created AS c FROM "
                                "translations_v2 UNION ALL SELECT created FROM fragments_v1)"
                                ).fetchone()
        return {"path": str(self.path), "bytes": self.size(), "sentences": sum(packages.values()),
                "fragments": fragments, "packages": packages, "oldest": span[0], "newest": span[1]}

    def prune(self, older_than: float | None = None, max_bytes: int | None = None,
              everything: bool = False) -> int:
        """Delete rows: all of them, those stored more than ``older_than`` seconds ago,
        and then the oldest until the file would hold about ``max_bytes`` (rows are
        weighed by their text); then give the space back to the file system (VACUUM).
        Returns the number of rows deleted.  Other processes may use the cache meanwhile:
        a row deleted under a running job is translated again when next met.

        >>> import tempfile, os
        >>> c = TranslationCache(os.path.join(tempfile.mkdtemp(), "t.sqlite3"))
        >>> c.put_many("pkg-1.0", {"кошка": ("cat", -0.1, 0, 1)})
        >>> c.prune(older_than=3600), c.prune(everything=True), c.count()
        (0, 1, 0)
        """
        import sqlite3

        conn = self._conn()
        tables = (("translations_v2", "length(package) + length(source) + length(result) + 32"),
                  ("fragments_v1", "length(key) + length(source) + length(outcome) + 16"))

        def delete() -> int:
            conn.execute("BEGIN IMMEDIATE")
            try:
                n = 0
                cutoff = None
                if everything:
                    cutoff = float("inf")
                elif older_than is not None:
                    cutoff = time.time() - older_than
                if cutoff is not None:
                    for table, _ in tables:
                        n += conn.execute(f"DELETE FROM {table} WHERE created < ?",
                                          (cutoff,)).rowcount
                if max_bytes is not None and not everything:
                    n += self._trim(conn, tables, max_bytes)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return n

        try:
            with _LOCK:
                removed = _retry(delete)
                if removed:
                    _retry(lambda: conn.execute("VACUUM"))
                    _retry(lambda: conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall())
        except sqlite3.Error as exc:
            raise CacheError(f"pruning the translation cache {self.path} failed: {exc}") from None
        return removed

    def _trim(self, conn, tables, max_bytes: int) -> int:
        """Delete the oldest rows so that about ``max_bytes`` of the file stays (inside
        the caller's transaction): the rows' text, newest first, is kept up to the share
        of it that ``max_bytes`` is of the file's present size."""
        pages = conn.execute("PRAGMA page_count").fetchone()[0]
        free = conn.execute("PRAGMA freelist_count").fetchone()[0]
        page = conn.execute("PRAGMA page_size").fetchone()[0]
        used = (pages - free) * page
        if used <= max_bytes:
            return 0
        union = " UNION ALL ".join(f"SELECT created, {w} FROM {t}" for t, w in tables)
        rows = conn.execute(f"SELECT * FROM ({union}) ORDER BY 1 DESC").fetchall()
        total = sum(w for _, w in rows)
        budget = total * max_bytes / used
        kept = 0
        cutoff = None
        for created, w in rows:
            kept += w
            if kept > budget:
                cutoff = created  # this row and every older one go
                break
        if cutoff is None:
            return 0
        return sum(conn.execute(f"DELETE FROM {t} WHERE created <= ?", (cutoff,)).rowcount
                   for t, _ in tables)


def fold_log(path: str | os.PathLike | None = None) -> None:
    """Fold the write-ahead log into the database and remove it, once the worker
    processes have closed their connections.  The last connection to close does that
    itself, but when two processes close at the same moment each may see the other
    and leave it: the rows are safe in the log, which only grows beside the file.
    Called by the main process after its pool has stopped; a busy cache is left as it
    is (the next run folds it).

    >>> import tempfile, os
    >>> c = TranslationCache(os.path.join(tempfile.mkdtemp(), "t.sqlite3"))
    >>> c.put_many("pkg-1.0", {"кошка": ("cat", -0.1, 0, 1)})
    >>> fold_log(c.path)  # this process still holds a connection: the log stays
    >>> close_all(); fold_log(c.path); os.path.exists(f"{c.path}-wal"), c.count()
    (False, 1)
    """
    import sqlite3

    where = Path(path) if path else default_path()
    with _LOCK:
        mine = (str(where), os.getpid()) in _CONNECTIONS
    if mine or not Path(f"{where}-wal").exists():
        return
    try:
        conn = sqlite3.connect(str(where), timeout=1.0)
        try:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()
        finally:
            conn.close()  # the only connection: SQLite removes the log
    except sqlite3.Error:
        pass


_EXIT_HOOKED: set[int] = set()  # the processes that close their connections at exit


def _close_at_exit() -> None:
    """Close this process's connections when it exits (under ``_LOCK``).  SQLite folds
    the write-ahead log into the database and removes it when the last connection
    closes; connections left open at exit left a ``-wal`` file growing beside the cache
    (6 MB beside a 1.8 MB database after two ``-j 2`` runs).  ``Finalize`` runs in the
    main process (through ``atexit``) and in multiprocessing workers, which skip
    ``atexit``."""
    if os.getpid() in _EXIT_HOOKED:
        return
    _EXIT_HOOKED.add(os.getpid())
    from multiprocessing import util

    util.Finalize(None, close_all, exitpriority=10)


def close_all() -> None:
    """Close this process's cache connections (tests, forked workers)."""
    with _LOCK:
        for key in [k for k in _CONNECTIONS if k[1] == os.getpid()]:
            _CONNECTIONS.pop(key).close()
        for key in list(_CONNECTIONS):  # inherited from a parent process: just forget
            _CONNECTIONS.pop(key)
