"""Compiled helpers (Cython extensions built by ``pip install``), each with the
pure-Python code it replaces kept as the fallback and giving identical answers.

``words`` is the compiled module of detection's word tables
(:mod:`polyclean.detect.store`), or None: when the extension was not built (no C
compiler at install time) or when the environment variable ``POLYCLEAN_PURE`` is set
to anything but ``0`` (the test suite runs both and compares them,
``tests/test_speedups.py``).  ``bytestats`` is likewise the compiled letter statistics
of single-byte readings (:mod:`polyclean.decode.stats`), or None; ``lines`` the compiled
context part of the boilerplate classifier (:mod:`polyclean.boilerplate.context`), or None;
``segment`` the compiled line loop of :mod:`polyclean.segment`, or None;
``analyse`` the compiled analysis of one line (:mod:`polyclean.boilerplate.analysis`), or None.

>>> PURE in (True, False)
True
"""

from __future__ import annotations

import os

PURE = os.environ.get("POLYCLEAN_PURE", "") not in ("", "0")

words = None
bytestats = None
lines = None
segment = None
analyse = None
if not PURE:
    try:
        from . import _words as words  # noqa: F811
    except ImportError:  # not built: the pure-Python code is used
        words = None
    try:
        from . import _bytestats as bytestats  # noqa: F811
    except ImportError:
        bytestats = None
    try:
        from . import _lines as lines  # noqa: F811
    except ImportError:
        lines = None
    try:
        from . import _segment as segment  # noqa: F811
    except ImportError:
        segment = None
    try:
        from . import _analyse as analyse  # noqa: F811
    except ImportError:
        analyse = None
