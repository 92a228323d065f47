"""Optional dependencies of the web inputs (the ``web`` extra), imported on first use.

>>> need("json", "a test").__name__
'json'
>>> need("no_such_module_here", "HTML input")
Traceback (most recent call last):
...
polyclean.errors.WebDependencyError: HTML input needs the 'web' extra: pip install 'polyclean[web]' (No module named 'no_such_module_here')
"""

from __future__ import annotations

import importlib
from types import ModuleType

from ..errors import E, WebDependencyError


def need(module: str, what: str) -> ModuleType:
    """``import module``, or a :class:`WebDependencyError` saying how to install it."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise WebDependencyError(E.WEB_EXTRA.format(what=what, why=exc)) from None
