"""Checks and streams of the command line, beside :mod:`polyclean.cli`: names that
polyclean does not write (a compression it lacks, its own work files), inputs given
twice, compressed text outputs (``detect -o d.jsonl.gz``) and standard streams that
were closed when polyclean started (``<&-``, ``>&-``, ``2>&-``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any, Sequence

from .errors import E, ConfigError, UsageError
from .plan import show


def positive(unit: str):
    """An argparse type: a positive, finite number of ``unit`` (``--timeout`` seconds,
    ``--older-than`` days, ``--max-mb`` megabytes); 0 made a network timeout
    non-blocking, which then failed as 'this machine looks offline'.

    >>> positive("seconds")("2.5")
    2.5
    >>> positive("seconds")("0")
    Traceback (most recent call last):
    argparse.ArgumentTypeError: '0' is not a positive number of seconds
    """
    import argparse
    import math

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = -1.0
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(E.NOT_POSITIVE.format(value=text, unit=unit))
        return value
    return parse


def output_name(out: str | None) -> str | None:
    """``-o`` as the run uses it: ``.``, ``./`` or ``sub/..`` name a folder by a path
    without a name of its own, after which the errors file, the journal and the lock
    are named: such a path becomes absolute (with the ``/`` that says folder); the
    root folder cannot be an output.

    >>> output_name("out.jsonl"), output_name(None), output_name(".") == os.getcwd() + "/"
    ('out.jsonl', None, True)
    """
    if out in (None, "-") or Path(out).name not in ("", ".."):
        return out
    full = os.path.abspath(out)
    if full == os.path.dirname(full):
        raise UsageError(E.OUTPUT_ROOT.format(out=show(out)))
    return full + os.sep


def check_compression(out: str | None, packed: dict[str, str | None],
                      plain: dict[str, str | None]) -> None:
    """Files named with a compression polyclean does not write are usage errors: ``-o``
    (unless a folder), ``packed`` side files (gzip or zstd, as their names say) and
    ``plain`` ones (written uncompressed)."""
    from .formats import written_compression

    if out not in (None, "-") and not out.endswith(("/", os.sep)) and not Path(out).is_dir():
        written_compression(Path(out).name, "-o")
    for names, flat in ((packed, False), (plain, True)):
        for flag, value in names.items():
            if value not in (None, "-"):
                written_compression(Path(value).name, flag, plain=flat)


def check_given_once(inputs: Sequence[str] | None) -> None:
    """Refuse an input named twice on the command line: the same file or folder
    (``a.txt ./a.txt``, a link to it), or a file or folder inside a folder also given
    (``crawl crawl/a.txt``).  Two names of one file found inside a folder stay two
    documents."""
    given: dict[Path, str] = {}
    for item in inputs or []:
        if item == "-":
            continue
        try:
            path = Path(item).resolve(strict=True)
        except (OSError, RuntimeError):  # missing, or a loop of links: the plan says so
            continue
        if path in given:
            raise UsageError(E.INPUT_TWICE.format(a=show(given[path]), b=show(item)))
        given[path] = item
    folders = {path for path in given if path.is_dir()}
    for path, item in given.items():
        for parent in path.parents:
            if parent in folders:
                raise UsageError(E.INPUT_TWICE.format(a=show(given[parent]), b=show(item)))


def check_own_names(plan, side: dict[str, str | None]) -> None:
    """No output, side file or mirrored output may have the name of polyclean's own
    work files (``.NAME.polyclean-journal``...): a run replaces or removes them."""
    from .sinks import is_own_name

    named = [("-o", plan.out)] + [(flag, Path(v)) for flag, v in side.items()
                                  if v not in (None, "-")]
    named += [("-o", o.target) for o in plan.outputs if o.root is not None]
    for flag, path in named:
        if path is not None and is_own_name(path.name):
            raise UsageError(E.OWN_NAME.format(flag=flag, path=show(str(path))))


def open_text(path: Path, like: Path | None = None) -> Any:
    """A text file to write, gzip or zstd compressed as its name (or the name of
    ``like``, the file it is the work file of) says (``d.jsonl.gz``)."""
    from .formats import COMPRESSIONS

    like = like or path
    kind = COMPRESSIONS.get(like.suffix.lower())
    if kind == "gz":
        import gzip
        import io

        raw = open(path, "wb")
        packed = gzip.GzipFile(filename=like.name, mode="wb", fileobj=raw)  # its name inside
        packed.myfileobj = raw  # closed with it, as gzip.open(path) does
        return io.TextIOWrapper(packed, encoding="utf-8")
    if kind == "zst":
        import io

        import zstandard

        return io.TextIOWrapper(zstandard.ZstdCompressor().stream_writer(open(path, "wb")),
                                encoding="utf-8")
    return open(path, "w", encoding="utf-8")


class _ClosedError(OSError):
    def __str__(self) -> str:  # as messages quote it: no "[Errno 9]"
        return self.strerror


class _Closed:
    """A standard stream that was closed when polyclean started (``<&-``, ``>&-``,
    ``2>&-``; Python then sets ``sys.stdin``/``stdout``/``stderr`` to None).  Reading
    or writing stdin or stdout is an ``OSError`` (one line, exit 1, instead of
    ``'NoneType' object has no attribute 'buffer'``); what is said on a closed
    stderr goes nowhere (``print(file=None)`` would write it to stdout)."""

    def __init__(self, name: str) -> None:
        self.name = name

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        pass

    def write(self, text: str) -> int:
        if self.name == "stderr":
            return len(text)
        raise self._closed()

    def _closed(self) -> OSError:
        which = "input" if self.name == "stdin" else "output"
        return _ClosedError(9, f"standard {which} is closed")

    def __getattr__(self, attr: str) -> Any:  # buffer, read, fileno...
        raise self._closed()


def standard_streams() -> None:
    """Closed standard streams: their numbers are held by /dev/null, so that no file
    polyclean opens takes one (a C library's message to fd 2 would land in it), and
    the stream is a :class:`_Closed`.  An open stdout writes UTF-8 whatever the locale
    says (``LC_ALL=C``, ``PYTHONIOENCODING=latin-1``), a lone surrogate (a byte of a
    file name that is not UTF-8) as its escape ``\\udce9``: every output of polyclean
    is UTF-8, and ``detect`` and ``explain`` stopped with a traceback at the first
    character the locale's codec lacks (``clean`` writes bytes, UTF-8 already)."""
    for fd, name in enumerate(("stdin", "stdout", "stderr")):
        stream = getattr(sys, name)
        if name == "stdout" and stream is not None:
            _utf8(stream)
        if stream is not None:
            continue
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
        setattr(sys, name, _Closed(name))


def _utf8(stream: Any) -> None:
    """``stream`` (a text stream) in UTF-8, a lone surrogate written as its escape."""
    try:
        stream.reconfigure(encoding="utf-8", errors="backslashreplace")
    except (AttributeError, LookupError, TypeError, ValueError, OSError):
        pass  # not a reconfigurable text stream (a test's capture, say): left as it is


# (field, value that takes the other flag's effect away, its flag, field given, its flag):
# the second flag asks for something the first turns off.
_CONTRARY = [
    ("use_cache", False, "--no-cache", "cache", "--cache"),
    ("normalize", False, "--no-normalize", "unicode_form", "--nfkc"),
    ("normalize", False, "--no-normalize", "join_hyphenated", "--join-hyphenated"),
    ("protect_spans", False, "--no-protect", "glossary", "--glossary"),
]


def check_contrary(given: dict[str, Any]) -> None:
    """Flags given together on the command line of which one takes away what the other
    asks for are a usage error (one of them was ignored without a word); the config
    file's values are not weighed (flags win over it).

    >>> check_contrary({"use_cache": False, "quiet": True})
    >>> check_contrary({"keep_rules": ["menu"], "drop_rules": ["menu", "date"]})
    Traceback (most recent call last):
    polyclean.errors.ConfigError: --drop-rule menu and --keep-rule menu contradict each other; give one of them
    """
    for field, value, flag, other, other_flag in _CONTRARY:
        if given.get(field, not value) == value and given.get(other) not in (None, False):
            raise ConfigError(E.CONTRARY_FLAGS.format(a=flag, b=other_flag))
    both = sorted(set(given.get("keep_rules") or ()) & set(given.get("drop_rules") or ()))
    if both:
        raise ConfigError(E.CONTRARY_FLAGS.format(a=f"--drop-rule {both[0]}",
                                                 b=f"--keep-rule {both[0]}"))
