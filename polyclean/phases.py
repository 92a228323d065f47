"""What the run is doing right now, for the progress line.

A :class:`Board` holds one small slot per process that cleans (the main process and
each ``-j`` worker): the stage that process is in, or none.  A worker writes only its
own slot (no lock needed), through :attr:`polyclean.pipeline.Cleaner.watch`; the main
process reads all of them to name the phase of a long batch — ``learning
boilerplate``, ``translating ×2`` — so that a slow translation does not look frozen.
The board exists only when the progress line is shown.

>>> b = Board(2, local=True)
>>> b.claim(); b.enter("translate"); b.describe()
'translating'
>>> b.enter(None); b.describe()
''
"""

from __future__ import annotations

from typing import Any, Callable

from .stages import STAGES

NAMES: tuple[str, ...] = tuple(kind.name for kind in STAGES)
LABELS: dict[str, str] = {
    "extract": "extracting", "decode": "decoding", "repair": "repairing",
    "detect": "detecting", "boilerplate": "learning boilerplate",
    "translate": "translating", "normalize": "normalising",
}


class Board:
    """``slots`` processes' current stages, in shared memory (``local``: a plain list,
    for one process)."""

    def __init__(self, slots: int, local: bool = False) -> None:
        if local:
            self.stages: Any = [0] * slots
        else:
            import multiprocessing

            self.stages = multiprocessing.RawArray("b", slots)  # 0 idle, else 1 + stage
        self.taken: Any = None  # slots claimed so far, once bound to the workers' context
        self.slot = -1  # this process's slot (-1: none left, nothing is written)
        self.on_change: Callable[[], None] | None = None  # the main process redraws

    def __getstate__(self) -> dict:
        return {"stages": self.stages, "taken": self.taken}

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state, slot=-1, on_change=None)

    def bind(self, ctx: Any) -> None:
        """Share the board with worker processes started by the multiprocessing
        context ``ctx`` (the lock that hands out slots must come from it)."""
        self.taken = ctx.Value("i", 0)

    def claim(self) -> None:
        """Take the next free slot for this process (slot 0 when it is the only one)."""
        if self.taken is None:
            self.slot = 0
            return
        with self.taken.get_lock():
            n = self.taken.value
            self.taken.value = n + 1
        self.slot = n if n < len(self.stages) else -1

    def enter(self, stage: str | None) -> None:
        """This process now runs ``stage`` (None: it is between batches)."""
        if self.slot >= 0:
            self.stages[self.slot] = 0 if stage is None else 1 + NAMES.index(stage)
            if self.on_change is not None:
                self.on_change()

    def describe(self) -> str:
        """The stages running now, in pipeline order, with how many processes run each."""
        counts = [0] * len(NAMES)
        for value in self.stages[:]:
            if value:
                counts[value - 1] += 1
        return ", ".join(LABELS[name] + (f" ×{n}" if n > 1 else "")
                         for name, n in zip(NAMES, counts) if n)
