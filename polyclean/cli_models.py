"""``polyclean models ...``: list, install, see available and remove Argos packages.

``register(subparsers)`` adds the ``models`` parser to polyclean's command line; each
action sets ``func=handler(args) -> exit code`` (0 done, 1 failed, 2 bad usage).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import models as _models
from .cli_io import positive
from .errors import E, plural

EPILOG = """\
Packages live in the same folder as argostranslate's (ARGOS_PACKAGES_DIR, else
$XDG_DATA_HOME/argos-translate/packages), so packages installed with argospm work here
and the other way round.  Without network, download the .argosmodel file elsewhere and
run `polyclean models install PATH.argosmodel`.
"""


def register(subparsers) -> argparse.ArgumentParser:
    """Add the ``models`` command (with its actions) to ``subparsers``."""
    p = subparsers.add_parser(
        "models", help="manage Argos Translate packages (list, install, available, remove, check)",
        description="Manage the Argos Translate packages that polyclean translates with.",
        epilog=EPILOG, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.set_defaults(func=lambda args: (p.print_help(sys.stderr), 2)[1])
    sub = p.add_subparsers(dest="models_command", metavar="ACTION")

    def common(sp, index: bool = False, folder: bool = True):
        if folder:
            sp.add_argument("--packages-dir", metavar="DIR",
                            help="packages folder (default: ARGOS_PACKAGES_DIR or "
                                 "argostranslate's default)")
        if index:
            sp.add_argument("--index", metavar="URL",
                            help="package index: URL or local path of index.json, or its "
                                 "base URL (default: ARGOS_PACKAGE_INDEX or the Argos index)")
            sp.add_argument("--timeout", type=positive("seconds"), default=60.0, metavar="S",
                            help="network timeout in seconds (default: 60)")

    sp = sub.add_parser("list", help="installed packages: name, from -> to, version, size, folder")
    common(sp)
    sp.add_argument("--json", action="store_true", help="one JSON object per line")
    sp.set_defaults(func=cmd_list)

    sp = sub.add_parser("install", help="install PATH.argosmodel, or ru / ru-en from the index")
    sp.add_argument("what", metavar="PATH|LANG|FROM-TO",
                    help="a local .argosmodel file, or a source language (ru) or pair (ru-en)")
    sp.add_argument("--to", default="en", metavar="LANG",
                    help="target language when only a source language is given (default: en)")
    sp.add_argument("--force", action="store_true",
                    help="install even when a newer version of the pair is installed "
                         "(it is replaced)")
    common(sp, index=True)
    sp.set_defaults(func=cmd_install)

    sp = sub.add_parser("available", help="translation packages offered by the package index")
    common(sp, index=True, folder=False)
    sp.add_argument("--json", action="store_true", help="one JSON object per line")
    sp.set_defaults(func=cmd_available)

    sp = sub.add_parser("remove", help="remove an installed package (name, folder or ru-en)")
    sp.add_argument("name")
    common(sp)
    sp.set_defaults(func=cmd_remove)

    sp = sub.add_parser("check", help="load a package and translate a probe sentence")
    sp.add_argument("name", help="package name, folder or pair (ru-en)")
    sp.add_argument("--sentence", metavar="TEXT",
                    help="probe sentence (default: a built-in one for the source language)")
    sp.add_argument("--compute-type", default=None, metavar="TYPE",
                    help="CTranslate2 compute type (default: the model's own)")
    sp.add_argument("--device", choices=("cpu", "cuda"), default="cpu")
    sp.add_argument("--device-index", type=int, default=0, metavar="N")
    common(sp)
    sp.set_defaults(func=cmd_check)
    return p


def _fail(msg: str) -> int:
    print(f"polyclean models: error: {msg}", file=sys.stderr)
    return 1


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in rows)


def cmd_list(args) -> int:
    try:
        _models.clean_leftovers(args.packages_dir)
        pkgs, problems = _models.scan(args.packages_dir)
    except _models.ModelsError as exc:
        return _fail(str(exc))
    folder = _models.packages_dir(args.packages_dir)
    if args.json:
        for p in pkgs:
            print(json.dumps(p.to_dict(), ensure_ascii=False))
    elif pkgs:
        rows = [["NAME", "FROM -> TO", "VERSION", "SIZE", "FOLDER"]]
        for p in pkgs:
            note = "" if p.usable else "  (not usable: it declares no source language)"
            rows.append([p.name, f"{p.from_code} -> {p.to_code}", p.version or "-",
                         _models.human_size(p.size), str(p.path) + note])
        print(_table(rows))
    else:
        print(f"no packages installed in {folder}", file=sys.stderr)
    for problem in problems:
        print(f"polyclean models: warning: skipped {problem}", file=sys.stderr)
    return 0


def cmd_install(args) -> int:
    what = args.what
    try:
        path = Path(what).expanduser()
        looks_like_file = path.suffix == ".argosmodel" or path.exists() or "/" in what
        if looks_like_file:
            if path.is_dir():
                return _fail(E.PACKAGE_IS_FOLDER.format(path=what))
            if not path.is_file():
                return _fail(f"{what}: no such file")
            result = _models.install_file(path, args.packages_dir, force=args.force)
        else:
            result = _models.install_from_index(what, args.packages_dir, url=args.index,
                                                target=args.to, timeout=args.timeout,
                                                force=args.force)
    except _models.ModelsError as exc:
        return _fail(str(exc))
    p = result.package
    print(f"installed {p.key} ({p.from_code} -> {p.to_code}, "
          f"{_models.human_size(p.size)}) in {p.path}")
    for r in result.replaced:
        print(f"replaced {r}")
    return 0


def cmd_available(args) -> int:
    try:
        entries = _models.available(args.index, args.timeout)
    except _models.ModelsError as exc:
        return _fail(str(exc))
    if args.json:
        for e in entries:
            print(json.dumps({"name": e.name, "key": e.key, "from": e.from_code,
                              "to": e.to_code, "version": e.version,
                              "links": list(e.links)}, ensure_ascii=False))
        return 0
    rows = [["NAME", "FROM -> TO", "VERSION", "LANGUAGES"]]
    for e in entries:
        rows.append([e.name, f"{e.from_code} -> {e.to_code}", e.version or "-",
                     f"{e.from_name} -> {e.to_name}"])
    print(_table(rows))
    return 0


def cmd_remove(args) -> int:
    try:
        removed = _models.remove(args.name, args.packages_dir)
    except _models.ModelsError as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"removing {args.name} failed: {exc}")
    for p in removed:
        print(f"removed {p.key} ({p.path})")
    return 0


PROBES = {
    "ru": "Кошка любит молоко. Подробности на https://example.org/user_name.",
    "uk": "Кішка любить молоко. Подробиці на https://example.org/user_name.",
    "de": "Die Katze trinkt Milch. Mehr unter https://example.org/user_name.",
    "fr": "Le chat boit du lait. Plus sur https://example.org/user_name.",
    "es": "El gato bebe leche. Más en https://example.org/user_name.",
}
DEFAULT_PROBE = "Hello, world. More at https://example.org/user_name."


def cmd_check(args) -> int:
    """Load one package, translate a probe sentence, print what a user needs to know."""
    from .config import Config
    from .errors import ConfigError, TranslationError
    from .translate import Fragment, Translator, broken_reason, engine

    try:
        pkgs = _models.matching(args.name, args.packages_dir)
        pkg = pkgs[-1]
        cfg = Config(packages_dir=args.packages_dir, use_cache=False, device=args.device,
                     device_index=args.device_index, compute_type=args.compute_type,
                     target_lang=pkg.to_code)
        loaded = engine.load(pkg, cfg)
        probe = args.sentence or PROBES.get(_models.ARGOS_CODES.get(pkg.from_code, pkg.from_code),
                                            DEFAULT_PROBE)
        tokens = loaded.tokenizer.encode(probe.split(". ")[0])
        (out,) = Translator(cfg).translate([Fragment(probe, pkg.from_code)])
        if broken_reason(pkg):  # it loaded, then failed while translating: say why
            return _fail(broken_reason(pkg))
        failed = [r for r in out.refused if r["code"] == "model-error"]
        if failed:  # it loaded, then failed on the probe: say why
            return _fail(failed[0]["detail"])
    except (_models.ModelsError, TranslationError, ConfigError) as exc:
        return _fail(str(exc))
    print(f"package      : {pkg.key} ({pkg.from_code} -> {pkg.to_code}) in {pkg.path}")
    print(f"layout       : {', '.join(pkg.layout)}")
    print(f"tokenizer    : {loaded.tokenizer.name} ({pkg.tokenizer_file.name}); "
          f"first sentence -> {plural(len(tokens), 'token')}: {' '.join(tokens[:12])}")
    own = "" if args.compute_type else " (the model's own type)"
    print(f"compute type : {loaded.compute_type} on {args.device}{own}; "
          f"threads {engine.threads(cfg)}; fingerprint {pkg.fingerprint()}")
    print(f"probe        : {probe}")
    print(f"output       : {out.result}")
    score = "-" if out.score is None else f"{out.score:.3f}"
    print(f"outcome      : {out.reason}; score {score}; protected spans survived: "
          f"{sum(p['survived'] for p in out.protected)}/{len(out.protected)}")
    for r in out.refused:
        print(f"refused      : {r['code']}: {r['detail']}: {r['sentence']}")
    return 0 if out.translated else 1


def main(argv: list[str] | None = None) -> int:
    """Run ``polyclean models`` on its own (``python -m polyclean.cli_models list``)."""
    parser = argparse.ArgumentParser(prog="polyclean")
    sub = parser.add_subparsers(dest="command")
    register(sub)
    args = parser.parse_args(["models", *(sys.argv[1:] if argv is None else argv)])
    return args.func(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
