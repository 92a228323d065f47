"""Hugging Face ``datasets`` helper (extra ``polyclean[hf]``): clean a text column with
``Dataset.map(..., batched=True, num_proc=N)``.

:func:`map_function` returns a picklable callable; each call cleans one batch of
``Dataset.map`` with :meth:`Cleaner.clean_batch`, so boilerplate learning and
translation batching span that batch::

    from datasets import load_dataset
    import polyclean.hf
    ds = load_dataset("json", data_files="crawl.jsonl", split="train")
    clean = polyclean.hf.map_function(translate=False)
    ds = ds.map(clean, batched=True, batch_size=256, num_proc=4)

**Batches decide what is learned.**  The lines that recur across the documents of a
batch are learned from that batch alone, and ``Dataset.map`` cuts batches of
``batch_size`` rows inside each of the ``num_proc`` shards, so the output can change
when ``batch_size`` or ``num_proc`` changes (never between two runs with the same
ones).  For output that does not depend on the sharding, turn learning off
(``map_function(learn=False)``: every other boilerplate rule still applies, each
document on its own), or keep ``num_proc=1`` and a fixed ``batch_size``.

The cleaned text goes to ``output_column`` (default: the text column); a document that
cannot be cleaned gets None there and its message in ``error_column``; nulls stay null.
"""

from __future__ import annotations

from typing import Any

from .config import Config, make_config
from .errors import E, ColumnError, ConfigError
from .pipeline import Cleaner

#: ``boilerplate_min_docs`` that no batch reaches: the recurring-line rule never fires.
NEVER = 2**31 - 1


class CleanBatch:
    """The function given to ``Dataset.map(batched=True)`` (see the module doc).

    >>> f = map_function(translate=False, output_column="clean")
    >>> f({"text": ["It was  fine\\u2026", None]})
    {'clean': ['It was fine...', None], 'polyclean_error': [None, None]}
    """

    def __init__(self, config: Config, text_column: str, output_column: str,
                 error_column: str | None) -> None:
        self.config = config
        self.text_column, self.output_column = text_column, output_column
        self.error_column = error_column
        self._cleaner: Cleaner | None = None

    def __getstate__(self) -> dict[str, Any]:  # the cleaner (models) stays behind
        return {k: v for k, v in self.__dict__.items() if k != "_cleaner"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._cleaner = None

    def __call__(self, batch: dict[str, list]) -> dict[str, list]:
        if self.text_column not in batch:
            raise ColumnError(E.NO_COLUMN.format(field=self.text_column,
                                                 columns=", ".join(batch)))
        values = batch[self.text_column]
        if values is None or isinstance(values, (str, bytes)):  # Dataset.map without batched=True
            raise ConfigError(E.MAP_NOT_BATCHED.format(column=self.text_column,
                                                       kind=type(values).__name__))
        if self._cleaner is None:
            self._cleaner = Cleaner(self.config)
        todo = [i for i, v in enumerate(values) if v is not None]
        out: list[Any] = [None] * len(values)
        errors: list[str | None] = [None] * len(values)
        results = self._cleaner.clean_batch([values[i] for i in todo])
        for i, res in zip(todo, results):
            out[i] = res.text if res.error is None else None
            errors[i] = res.error
        cols: dict[str, list] = {self.output_column: out}
        if self.error_column:
            cols[self.error_column] = errors
        return cols


def map_function(config: Config | None = None, *, text_column: str = "text",
                 output_column: str | None = None, error_column: str | None = "polyclean_error",
                 learn: bool = True, **options: Any) -> CleanBatch:
    """A function for ``Dataset.map(fn, batched=True, ...)`` that cleans ``text_column``.

    ``options`` are :class:`Config` fields (``translate=False``...).  ``learn=False``
    turns off learning recurring lines, so the output no longer depends on
    ``batch_size`` and ``num_proc``.  ``error_column=None`` leaves out the error column.
    """
    cfg = make_config(config, options)
    if not isinstance(learn, bool):  # learn="no" turned learning on
        raise ConfigError(E.NOT_A_FLAG.format(name="learn", value=learn))
    output_column = output_column or text_column
    if error_column and error_column in (output_column, text_column):
        a, what = (("output_column", "cleaned text") if error_column == output_column
                   else ("text_column", "text"))
        raise ConfigError(E.MAP_COLUMNS_CLASH.format(a=a, b="error_column", name=error_column,
                                                     what=what))
    if not learn:
        cfg = cfg.replace(boilerplate_min_docs=NEVER)
    return CleanBatch(cfg, text_column, output_column, error_column)
