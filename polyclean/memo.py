"""One bounded memo for the per-process caches of detection and boilerplate removal.

A :class:`Memo` keeps two generations of at most ``size`` entries.  When the current
generation is full it becomes the previous one and the one before is dropped, so
memory stays flat however long a process runs, while the entries in use survive (a
hit in the previous generation moves back into the current one).

With ``admit_on_second=True`` a key enters the memo only the second time it is
offered: one-off keys (the sentences of articles, which rarely recur) then never fill
it, while a site's menus and footers, which do recur, are kept.

Every cached value must be a pure function of its key, so a memo can only make a
process faster, never change an answer.

>>> m = Memo(2)
>>> m.put("a", 1); m.put("b", 2); m.put("c", 3)   # "a" and "b" move to the old generation
>>> m.get("a"), m.get("zz"), "b" in m
(1, None, True)
>>> once = Memo(8, admit_on_second=True)
>>> once.offer("menu", 1), len(once), once.offer("menu", 1), len(once)
(False, 0, True, 1)
"""

from __future__ import annotations

import weakref
from typing import Any, Callable, Hashable

_ALL: "weakref.WeakSet[Memo]" = weakref.WeakSet()


def clear_all() -> None:
    """Empty every memo of this process (benchmarks use it to time a first pass).

    >>> m = Memo(4); m.put("k", 1); clear_all(); len(m)
    0
    """
    for memo in list(_ALL):
        memo.clear()


class Memo:
    """A two-generation bounded memo (see the module documentation)."""

    __slots__ = ("size", "_new", "_old", "_seen", "_admit_on_second", "__weakref__")

    def __init__(self, size: int, *, admit_on_second: bool = False) -> None:
        if size < 1:
            raise ValueError("a memo needs room for at least one entry")
        self.size = size
        self._new: dict = {}
        self._old: dict = {}
        self._seen: set[int] = set()
        self._admit_on_second = admit_on_second
        _ALL.add(self)

    @property
    def peek(self) -> Callable[..., Any]:
        """``dict.get`` of the current generation, for hot loops (``map(m.peek, keys)``).

        It sees only the current generation, moves nothing, and is valid until the
        next :meth:`put`; a miss must fall back to :meth:`get`."""
        return self._new.get

    def get(self, key: Hashable, default: Any = None) -> Any:
        """The value for ``key``, or ``default``; a hit in the old generation moves back."""
        v = self._new.get(key)
        if v is None:
            v = self._old.get(key)
            if v is None:
                return default
            self._store(key, v)
        return v

    def put(self, key: Hashable, value: Any) -> None:
        """Remember ``value`` (not None) for ``key``."""
        self._store(key, value)

    def offer(self, key: Hashable, value: Any) -> bool:
        """Remember ``value`` if the memo admits ``key`` now; return whether it did.

        Without ``admit_on_second`` every key is admitted."""
        if self._admit_on_second:
            h = hash(key)
            if h not in self._seen:
                if len(self._seen) >= 4 * self.size:
                    self._seen.clear()
                self._seen.add(h)
                return False
        self._store(key, value)
        return True

    def _store(self, key: Hashable, value: Any) -> None:
        if len(self._new) >= self.size:
            self._old = self._new
            self._new = {}
        self._new[key] = value

    def clear(self) -> None:
        self._new = {}
        self._old = {}
        self._seen = set()

    def __len__(self) -> int:
        return len(self._new) + len(self._old)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._new or key in self._old
