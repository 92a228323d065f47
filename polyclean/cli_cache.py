"""``polyclean cache ...``: see and trim the translation cache.

The cache (:mod:`polyclean.cache`) keeps every translated sentence and fragment, and
nothing removes rows by itself, so a long-lived cache only grows.  ``info`` says how
big it is and what it holds; ``prune`` deletes rows by age, down to a size, or all of
them, and gives the space back.  Exit codes: 0 done, 1 failed, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from .cli_io import positive
from .errors import CacheError, ConfigError, plural
from .runlog import say


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``cache`` command (``info``, ``prune``) to ``subparsers``."""
    p = subparsers.add_parser(
        "cache", help="see and trim the translation cache (info, prune)",
        description="See and trim the translation cache (an SQLite file).",
        epilog="The cache is the file given with --cache, else translations.sqlite3 in the "
               "user's cache folder ($XDG_CACHE_HOME/polyclean).")
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])
    sub = p.add_subparsers(dest="cache_command", metavar="ACTION")

    sp = sub.add_parser("info", help="where the cache is, its size and what it holds")
    sp.add_argument("--cache", metavar="PATH", help="the cache file (default: the user's)")
    sp.add_argument("--json", action="store_true", help="one JSON object")
    sp.set_defaults(func=_guarded(cmd_info))

    sp = sub.add_parser("prune", help="delete rows by age, down to a size, or all of them")
    sp.add_argument("--cache", metavar="PATH", help="the cache file (default: the user's)")
    sp.add_argument("--older-than", metavar="DAYS", type=positive("days"),
                    help="delete rows stored more than DAYS days ago")
    sp.add_argument("--max-mb", metavar="MB", type=positive("megabytes"),
                    help="then delete the oldest rows until the file holds about MB megabytes")
    sp.add_argument("--all", action="store_true", help="delete every row")
    sp.set_defaults(func=_guarded(cmd_prune), parser=sp)
    return p


def _guarded(cmd):
    """``cmd`` with its failures as one line: a path that cannot be the cache is a usage
    error (2), a cache that cannot be read or written a failure (1)."""
    def run(args: argparse.Namespace, cfg=None) -> int:
        try:
            return cmd(args)
        except ConfigError as exc:
            say("error", str(exc))
            return 2
        except CacheError as exc:
            say("error", str(exc))
            return 1
    return run


def _open(args):
    from .cache import TranslationCache, check_file

    cache = TranslationCache(args.cache)
    check_file(cache.path)  # a folder or a damaged file: one line, exit 2
    return cache


def _mb(n: int) -> str:
    """A size for people.

    >>> _mb(12288), _mb(2_500_000)
    ('12 KB', '2.5 MB')
    """
    return f"{n / 1e3:.0f} KB" if n < 1e6 else f"{n / 1e6:.1f} MB"


def cmd_info(args: argparse.Namespace) -> int:
    cache = _open(args)
    if not cache.path.exists():
        print(f"no translation cache at {cache.path} yet (the first translation makes it)")
        return 0
    st = cache.stats()
    if args.json:
        print(json.dumps(st, ensure_ascii=False, sort_keys=True))
        return 0
    print(f"{st['path']}: {_mb(st['bytes'])}, {plural(st['sentences'], 'sentence')} in "
          f"{plural(len(st['packages']), 'package')}, {plural(st['fragments'], 'fragment')}")
    for name, n in st["packages"].items():
        print(f"  {name}: {plural(n, 'sentence')}")
    if st["oldest"] is not None:
        day = 86400.0
        print(f"  rows stored from {(time.time() - st['oldest']) / day:.1f} to "
              f"{(time.time() - st['newest']) / day:.1f} days ago")
    return 0


def cmd_prune(args: argparse.Namespace) -> int:
    if not (args.all or args.older_than or args.max_mb):
        args.parser.error("say what to delete: --older-than DAYS, --max-mb MB or --all")
    if args.all and (args.older_than or args.max_mb):
        args.parser.error("--all deletes every row: give it alone")
    cache = _open(args)
    if not cache.path.exists():
        print(f"no translation cache at {cache.path}: nothing to prune")
        return 0
    before = cache.size()
    removed = cache.prune(older_than=args.older_than * 86400.0 if args.older_than else None,
                          max_bytes=int(args.max_mb * 1e6) if args.max_mb else None,
                          everything=args.all)
    print(f"{cache.path}: deleted {plural(removed, 'row')}; {_mb(before)} -> {_mb(cache.size())}")
    return 0
