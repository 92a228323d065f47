"""pandas helper: clean a Series of documents (``polyclean.pandas.clean_series``).

Needs pandas (extra ``polyclean[formats]`` or ``polyclean[dask]``).  Nulls (None, NaN,
``pd.NA``) pass through; the index, name and a string dtype are kept.  Documents are
cleaned ``batch_size`` at a time through :meth:`Cleaner.iter_clean`, so translation
and boilerplate learning span documents.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from .config import Config, make_config
from .errors import E, ConfigError, RecordError
from .pipeline import Cleaner


def _config(config: Config | None, options: dict[str, Any]) -> Config:
    return make_config(config, options)


def clean_values(values: list, config: Config, batch_size: int = 256,
                 errors: str = "raise", labels: list | None = None, start: int = 0) -> list:
    """Clean a list of str/bytes/null values; nulls stay as they are.

    ``errors="raise"`` raises :class:`~polyclean.errors.RecordError` (a ``ValueError``)
    for a document that cannot be cleaned (undecodable bytes, not text);
    ``errors="null"`` gives None for it.  The message names the document by its
    position (plus ``start``: where ``values`` begin in a larger whole, a Dask Bag),
    or by its label in ``labels`` (a Series' index).

    >>> clean_values(["It was  fine\\u2026", None, b"So was this."],
    ...              Config(translate=False, boilerplate=False))
    ['It was fine...', None, 'So was this.']
    """
    if errors not in ("raise", "null"):
        raise ConfigError(E.BAD_ERRORS_CHOICE.format(value=errors))
    out = list(values)
    todo = [i for i, v in enumerate(values) if not _is_null(v)]
    cleaner = Cleaner(config)
    for i, res in zip(todo, cleaner.iter_clean((values[i] for i in todo), batch_size)):
        if res.error is not None:
            if errors == "raise":
                if labels is not None:
                    raise RecordError(E.DOCUMENT_FAILED_AT.format(label=labels[i], why=res.error))
                raise RecordError(E.DOCUMENT_FAILED.format(i=start + i, why=res.error))
            out[i] = None
        else:
            out[i] = res.text
    return out


def _is_null(value: Any) -> bool:
    if isinstance(value, (str, bytes)):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def clean_series(series: pd.Series, *, config: Config | None = None, batch_size: int = 256,
                 errors: str = "raise", **options: Any) -> pd.Series:
    """A Series of cleaned texts with the same index and name.

    ``options`` are :class:`Config` fields (``translate=False``, ``ascii=True``, ...).

    >>> s = pd.Series(["The caf\\u00e9 was \\u201cnoir\\u201d.", None], index=[10, 20])
    >>> out = clean_series(s, translate=False, boilerplate=False)
    >>> out[10], bool(out.isna()[20]), out.index.tolist()
    ('The café was "noir".', True, [10, 20])
    """
    if not isinstance(series, pd.Series):  # (a list failed with "no attribute 'tolist'")
        raise TypeError(E.NOT_A_SERIES.format(kind=type(series).__name__))
    cfg = _config(config, options)
    values = clean_values(series.tolist(), cfg, batch_size, errors, series.index.tolist())
    out = pd.Series(values, index=series.index, name=series.name, dtype=object)
    if isinstance(series.dtype, pd.StringDtype):
        out = out.astype(series.dtype)
    return out
