"""Dask helpers (extra ``polyclean[dask]``): clean a Bag or a DataFrame column on a cluster.

Each partition is cleaned by a fresh :class:`Cleaner` built from the (small, picklable)
config, ``batch_size`` documents per batch; the detector and translation models are
cached per worker process, so they load once per worker however many partitions it
runs.  The output of a partition depends only on that partition, never on which worker
ran it.  Point it at an existing cluster with ``distributed.Client("tcp://host:8786")``
before calling ``.compute()``.
"""

from __future__ import annotations

from typing import Any

import dask.bag as db
import dask.dataframe as dd
import pandas as pd

from .config import Config
from .pandas import _config, clean_values


def _clean_partition(items: Any, config: Config, batch_size: int, errors: str) -> list:
    return clean_values(list(items), config, batch_size, errors)


def clean_bag(bag: db.Bag, *, config: Config | None = None, batch_size: int = 256,
              errors: str = "raise", **options: Any) -> db.Bag:
    """A Bag of cleaned texts (same order and partitions); nulls pass through.

    >>> import dask, dask.bag as db
    >>> bag = db.from_sequence(["It was  fine\\u2026", "So was this."], npartitions=2)
    >>> clean_bag(bag, translate=False, boilerplate=False).compute(scheduler="synchronous")
    ['It was fine...', 'So was this.']
    """
    cfg = _config(config, options)
    return bag.map_partitions(_clean_partition, cfg, batch_size, errors)


def _clean_frame(df: pd.DataFrame, column: str, output: str, config: Config,
                 batch_size: int, errors: str) -> pd.DataFrame:
    from .pandas import clean_series

    df = df.copy()
    df[output] = clean_series(df[column], config=config, batch_size=batch_size, errors=errors)
    return df


def clean_dataframe(ddf: dd.DataFrame, column: str, *, output_column: str | None = None,
                    config: Config | None = None, batch_size: int = 256,
                    errors: str = "raise", **options: Any) -> dd.DataFrame:
    """``ddf`` with ``column`` cleaned (or the cleaned text in ``output_column``).

    The result has a correct ``meta`` (the input's columns, the output column with the
    text column's string dtype), so Dask never calls the cleaner on dummy rows.
    """
    if column not in ddf.columns:
        raise KeyError(f"no column {column!r} (columns: {', '.join(map(str, ddf.columns))})")
    cfg = _config(config, options)
    output = output_column or column
    meta = ddf._meta.copy()
    dtype = meta[column].dtype
    meta[output] = pd.Series([], dtype=dtype if isinstance(dtype, pd.StringDtype) else object)
    return ddf.map_partitions(_clean_frame, column, output, cfg, batch_size, errors, meta=meta)
