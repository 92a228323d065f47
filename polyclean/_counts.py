"""Counters that threads sharing one ``Cleaner`` add to."""

from __future__ import annotations

import threading

_LOCK = threading.Lock()


def add_count(stats: dict, key: str, n: float = 1) -> None:
    """``stats[key] += n`` under one lock: a ``Cleaner`` shared by threads counts every
    thread's documents (with the read and the write apart, 8 threads counted 1,183 of
    1,200).

    >>> stats = {}
    >>> add_count(stats, "documents", 2); add_count(stats, "documents"); stats
    {'documents': 3}
    """
    with _LOCK:
        stats[key] = stats.get(key, 0) + n
