"""Bounded-memory counting of the lines a run removed: a Misra-Gries summary.

A run over 40,000 pages removes hundreds of thousands of lines, most of them seen once
(datelines, headlines); an exact count of every distinct line would grow with the run.
:class:`HeavyHitters` keeps at most ``k`` counters (Misra & Gries 1982, "Finding
repeated elements"), with the deterministic guarantee used on the report page:

* every count it shows is a lower bound of the true count, and the true count is at most
  the shown count plus :attr:`HeavyHitters.error` (the total decremented from each
  counter);
* ``error <= (n - sum of the counters) / (k + 1)`` where ``n`` is the number of items
  added, so any line removed more than ``n / (k + 1)`` times is certainly listed.

Summaries merge (Agarwal et al. 2012, "Mergeable summaries"): the runner can count in
each batch and add the batches' summaries in input order; the bound stays the same.

>>> hh = HeavyHitters(k=2)
>>> for line in ["Subscribe", "Share", "Subscribe", "Menu", "Subscribe", "Login", "Share"]:
...     hh.add(line)
>>> hh.top(2), hh.error, hh.n
([('Subscribe', 1)], 2, 7)
>>> hh.bounds("Subscribe")   # the true count (3) lies between
(1, 3)
"""

from __future__ import annotations

from typing import Hashable, Iterable


class HeavyHitters:
    """Misra-Gries frequent items with at most ``k`` counters (see the module doc)."""

    __slots__ = ("k", "counts", "n", "error")

    def __init__(self, k: int = 1000) -> None:
        if k < 1:
            raise ValueError("k must be 1 or more")
        self.k = k
        self.counts: dict[Hashable, int] = {}
        self.n = 0  # items added (with their weights)
        self.error = 0  # what was decremented from every counter: the bound on the error

    def add(self, item: Hashable, weight: int = 1) -> None:
        """Count ``item`` ``weight`` times.

        >>> hh = HeavyHitters(k=1); hh.add("a", 5); hh.add("b", 2); hh.counts, hh.error
        ({'a': 3}, 2)
        """
        self.n += weight
        counts = self.counts
        if item in counts:
            counts[item] += weight
            return
        if len(counts) < self.k:
            counts[item] = weight
            return
        # Full: take the same amount m from every counter and from the new item
        # (m * (k + 1) of the stream is cut, which is what bounds the error).
        m = min(weight, min(counts.values()))
        self.error += m
        if m == weight:
            self._decrement(m)
        else:
            self._decrement(m)
            counts[item] = weight - m

    def _decrement(self, m: int) -> None:
        self.counts = {x: c - m for x, c in self.counts.items() if c > m}

    def merge(self, other: "HeavyHitters") -> None:
        """Add another summary into this one (same ``k``); the error bound still holds.

        >>> a, b = HeavyHitters(k=2), HeavyHitters(k=2)
        >>> for x in "aab": a.add(x)
        >>> for x in "acc": b.add(x)
        >>> a.merge(b); a.counts, a.error, a.n
        ({'a': 2, 'c': 1}, 1, 6)
        """
        if other.k != self.k:
            raise ValueError("only summaries with the same k merge")
        counts = dict(self.counts)
        for x, c in other.counts.items():
            counts[x] = counts.get(x, 0) + c
        self.n += other.n
        self.error += other.error
        if len(counts) > self.k:
            cut = sorted(counts.values(), reverse=True)[self.k]
            counts = {x: c - cut for x, c in counts.items() if c > cut}
            self.error += cut
        self.counts = counts

    def top(self, n: int) -> list[tuple[Hashable, int]]:
        """The ``n`` largest counters, largest first (ties in a fixed order: by item)."""
        return sorted(self.counts.items(), key=_rank)[:n]

    def bounds(self, item: Hashable) -> tuple[int, int]:
        """(lower, upper) bounds of the true count of ``item``."""
        c = self.counts.get(item, 0)
        return c, c + self.error

    def extend(self, items: Iterable[Hashable]) -> None:
        for x in items:
            self.add(x)

    def __getstate__(self):
        return (self.k, self.counts, self.n, self.error)

    def __setstate__(self, state) -> None:
        self.k, self.counts, self.n, self.error = state


def _rank(item: tuple[Hashable, int]) -> tuple[int, str]:
    return -item[1], str(item[0])
