"""Build of polyclean's optional compiled helpers (``polyclean/_speedups``).

Everything else is configured in ``pyproject.toml``.  The Cython extensions need a C
compiler and the Python headers; when either is missing (or Cython is), the build says
so and installs polyclean without them: the pure-Python code gives the same answers,
more slowly.  ``POLYCLEAN_NO_EXTENSIONS=1`` skips them on purpose.
"""

import os
import sys

from setuptools import setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """build_ext that warns instead of failing the install."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # noqa: BLE001 - any build failure: pure Python instead
            self._skip(exc)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:  # noqa: BLE001
            self._skip(exc)

    @staticmethod
    def _skip(exc):
        print(f"polyclean: compiled helpers not built ({exc}); using the pure-Python code",
              file=sys.stderr)


def extensions():
    if os.environ.get("POLYCLEAN_NO_EXTENSIONS", "") not in ("", "0"):
        return []
    try:
        from Cython.Build import cythonize
    except ImportError:
        print("polyclean: Cython not available; using the pure-Python code", file=sys.stderr)
        return []
    from setuptools import Extension

    try:
        return cythonize(
            [Extension("polyclean._speedups._words", ["polyclean/_speedups/_words.pyx"],
                       extra_compile_args=["-O2"]),
             # no fused multiply-add: the sums must be Python's, rounded at every step
             Extension("polyclean._speedups._bytestats", ["polyclean/_speedups/_bytestats.pyx"],
                       extra_compile_args=["-O2", "-ffp-contract=off"]),
             Extension("polyclean._speedups._lines", ["polyclean/_speedups/_lines.pyx"],
                       extra_compile_args=["-O2", "-ffp-contract=off"]),
             Extension("polyclean._speedups._segment", ["polyclean/_speedups/_segment.pyx"],
                       extra_compile_args=["-O2"]),
             Extension("polyclean._speedups._analyse", ["polyclean/_speedups/_analyse.pyx"],
                       extra_compile_args=["-O2"])],
            compiler_directives={"language_level": 3}, quiet=True)
    except Exception as exc:  # noqa: BLE001 - a Cython error: pure Python instead
        print(f"polyclean: Cython failed ({exc}); using the pure-Python code", file=sys.stderr)
        return []


setup(ext_modules=extensions(), cmdclass={"build_ext": OptionalBuildExt})
