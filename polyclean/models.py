"""Argos Translate packages: where they live, what is installed, install and remove.

polyclean shares argostranslate's packages folder (``ARGOS_PACKAGES_DIR``, then the
``settings.json`` of argostranslate, then ``$XDG_DATA_HOME/argos-translate/packages``),
so a package installed with ``argospm`` works here and the other way round.  This
module never imports argostranslate (its import pulls in torch) and imports
CTranslate2/SentencePiece only to check a package being installed.

Every layout of the Argos index is read: SentencePiece (``sentencepiece.model``) and
BPE (``bpe.model``) tokenizers, CTranslate2 models with or without ``config.json``
(converted with CTranslate2 < 3.0), Locomotive-built packages without ``type`` and
``links`` and with a ``stanza/`` folder.  Language codes are checked against the
IANA/ISO 639 registry (plus Argos's ``pb`` and ``zt``, which serve detected ``pt`` and
``zh``).  Installing, removing and the online index are in
:mod:`polyclean.models_install` (re-exported here).
"""

from __future__ import annotations

import json
import logging
import os
import re
import stat
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from .errors import IndexUnreachableError, ModelsError, PackageError  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
MAX_METADATA = 1024**2
FINGERPRINT_FILE = ".polyclean-fingerprint.json"
# Argos's own codes: "pb" is Brazilian Portuguese, "zt" Chinese (traditional script).
ARGOS_CODES = {"pb": "pt", "zt": "zh"}
# Codes that name no language: a package declaring them is never routed to.
NO_LANGUAGE = {"und", "mul", "zxx", "mis"}


# --- locations ---------------------------------------------------------------------
def _home() -> Path:
    if "SNAP" in os.environ and "SNAP_USER_DATA" in os.environ:
        return Path(os.environ["SNAP_USER_DATA"])  # as argostranslate does
    return Path.home()


def _argos_setting(key: str) -> str | None:
    """An argostranslate setting: the environment first, then its settings.json."""
    value = os.environ.get(key)
    if value is not None:
        return value
    cfg = Path(os.environ.get("XDG_CONFIG_HOME") or _home() / ".config")
    try:
        data = json.loads((cfg / "argos-translate" / "settings.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get(key) if isinstance(data, dict) else None
    return str(value) if value is not None else None


def packages_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The Argos packages folder (not created here).

    >>> str(packages_dir("/srv/argos/packages"))
    '/srv/argos/packages'
    """
    if explicit:
        return Path(explicit).expanduser()
    value = _argos_setting("ARGOS_PACKAGES_DIR")
    if value:
        return Path(value).expanduser()
    data = Path(os.environ.get("XDG_DATA_HOME") or _home() / ".local" / "share")
    return data / "argos-translate" / "packages"


def check_folder(explicit: str | os.PathLike | None = None) -> None:
    """Raise :class:`~polyclean.errors.ConfigError` now when the packages folder exists
    but cannot be read as one (a file, say), instead of every document failing on it; a
    folder not made yet is fine (no packages installed).

    >>> import tempfile, os
    >>> f = os.path.join(tempfile.mkdtemp(), "file")
    >>> _ = open(f, "w").write("x")
    >>> check_folder(f)
    Traceback (most recent call last):
    polyclean.errors.ConfigError: cannot read the packages folder ...: Not a directory; ...
    >>> check_folder(os.path.join(f + "-none", "packages"))
    """
    from .errors import E, ConfigError

    root = packages_dir(explicit)
    try:
        os.listdir(root)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise ConfigError(E.PACKAGES_DIR_UNUSABLE.format(path=root, why=exc.strerror)) from None


def index_url(explicit: str | None = None) -> str:
    """URL (or local path) of the package index JSON.

    ``explicit`` may name the JSON itself or a folder/base URL holding ``index.json``;
    otherwise argostranslate's ``ARGOS_PACKAGE_INDEX`` base URL is used.

    >>> index_url("http://127.0.0.1:8000/")
    'http://127.0.0.1:8000/index.json'
    >>> index_url("/mirror/argos/index.json")
    '/mirror/argos/index.json'
    """
    base = explicit or _argos_setting("ARGOS_PACKAGE_INDEX") or DEFAULT_INDEX
    if base.endswith(".json"):
        return base
    if "://" not in base and Path(base).is_dir():
        return str(Path(base) / "index.json")
    return base.rstrip("/") + "/index.json"


# --- language codes -----------------------------------------------------------------
def valid_code(code: Any) -> bool:
    """Is ``code`` a language code a package may declare (ISO 639 / BCP 47, pb, zt)?

    >>> [valid_code(c) for c in ("ru", "pb", "zt", "zh-Hant", "xx", "ru_en", "", 5)]
    [True, True, True, True, False, False, False, False]
    """
    if not isinstance(code, str) or not re.fullmatch(r"[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*", code):
        return False
    if code in ARGOS_CODES:
        return True
    from .langdata import is_valid  # two-letter codes without importing langcodes

    return is_valid(code)


def source_codes(lang: str) -> list[str]:
    """Package source codes that serve text detected as ``lang`` (best first).

    >>> source_codes("pt"), source_codes("zh"), source_codes("ru"), source_codes("und")
    (['pt', 'pb'], ['zh', 'zt'], ['ru'], [])
    """
    if lang in NO_LANGUAGE:
        return []
    return [lang] + sorted(a for a, base in ARGOS_CODES.items() if base == lang)


# --- installed packages ------------------------------------------------------------
def _version_key(version: str) -> tuple:
    """Sortable key for versions such as '1.9' or '1.10.2'.

    >>> sorted(["1.10", "1.9", "1.9.1"], key=_version_key)
    ['1.9', '1.9.1', '1.10']
    """
    return tuple(int(n) for n in re.findall(r"\d+", version or "")) or (-1,)


class _Named:
    """The argospm name and key of a package, from ``type``, ``from_code``,
    ``to_code`` and ``version`` (installed packages and index entries alike)."""

    type: str
    from_code: str
    to_code: str
    version: str | None

    @property
    def name(self) -> str:
        """argospm's name, e.g. ``translate-ru_en``."""
        return f"{self.type}-{self.from_code}_{self.to_code}"

    @property
    def key(self) -> str:
        """Stable identity with version, e.g. ``translate-ru_en-1.9``."""
        return f"{self.name}-{self.version or '0'}"


@dataclass(frozen=True)
class PackageInfo(_Named):
    """An installed (or about to be installed) translation package."""

    path: Path
    from_code: str
    to_code: str
    version: str
    type: str = "translate"
    from_name: str = ""
    to_name: str = ""
    tokenizer: str = "sentencepiece"  # or "bpe"
    target_prefix: str = ""
    size: int = 0
    layout: tuple[str, ...] = ()
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def folder(self) -> str:
        return self.path.name

    @property
    def usable(self) -> bool:
        return (self.type == "translate" and self.tokenizer in ("sentencepiece", "bpe")
                and self.from_code not in NO_LANGUAGE)

    @property
    def tokenizer_file(self) -> Path:
        return self.path / ("bpe.model" if self.tokenizer == "bpe" else "sentencepiece.model")

    def model_files(self) -> list[Path]:
        """The files whose bytes decide the translations (sorted)."""
        files = [p for p in (self.path / "model").iterdir() if p.is_file()]
        return sorted(files + [self.tokenizer_file, self.path / "metadata.json"])

    def fingerprint(self) -> str:
        """Content digest of the model, tokenizer and metadata (see :func:`fingerprint`)."""
        return fingerprint(self)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, "from": self.from_code,
                "to": self.to_code, "version": self.version, "size": self.size,
                "folder": str(self.path), "tokenizer": self.tokenizer,
                "layout": list(self.layout), "usable": self.usable}


_FINGERPRINTS: dict[str, tuple[Any, str]] = {}


def fingerprint(pkg: PackageInfo) -> str:
    """SHA-256 (16 hex digits) of the package's model files, computed once.

    The digest is stored beside the package (``.polyclean-fingerprint.json`` in its
    folder) with each file's size and modification time; it is recomputed when one
    of them changes (a package reinstalled in place by argospm), and kept in memory
    only when the folder is not writable.
    """
    import hashlib

    try:
        stats = {p.relative_to(pkg.path).as_posix(): [p.stat().st_size, p.stat().st_mtime_ns]
                 for p in pkg.model_files()}
    except OSError as exc:
        raise PackageError(f"{pkg.path}: cannot read the model files ({exc})") from None
    memo = _FINGERPRINTS.get(str(pkg.path))
    if memo and memo[0] == stats:
        return memo[1]
    stored = pkg.path / FINGERPRINT_FILE
    try:
        data = json.loads(stored.read_text("utf-8")) if stored.is_file() else None
    except (OSError, ValueError):
        data = None
    if isinstance(data, dict) and data.get("files") == stats and isinstance(data.get("sha256"), str):
        digest = data["sha256"]
    else:
        h = hashlib.sha256()
        for rel in sorted(stats):
            h.update(rel.encode() + b"\0")
            with open(pkg.path / rel, "rb") as fh:
                for chunk in iter(lambda: fh.read(1 << 20), b""):
                    h.update(chunk)
        digest = h.hexdigest()[:16]
        tmp = stored.with_name(f"{stored.name}.{os.getpid()}.tmp")
        try:
            tmp.write_text(json.dumps({"sha256": digest, "files": stats}), "utf-8")
            os.replace(tmp, stored)
        except OSError:  # a read-only packages folder: keep it in memory only
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
    _FINGERPRINTS[str(pkg.path)] = (stats, digest)
    return digest


def check_metadata(meta: Any, where: str) -> dict[str, Any]:
    """Validate a parsed ``metadata.json``; return it or raise :class:`PackageError`.

    ``type`` and ``links`` may be absent (Locomotive-built packages have neither).

    >>> check_metadata({"from_code": "ru", "to_code": "en"}, "x")["from_code"]
    'ru'
    >>> check_metadata({"from_code": "ru"}, "x")
    Traceback (most recent call last):
    ...
    polyclean.errors.PackageError: x: metadata.json has no valid to_code
    >>> check_metadata({"from_code": "russian", "to_code": "en"}, "x")
    Traceback (most recent call last):
    ...
    polyclean.errors.PackageError: x: metadata.json has no valid from_code ('russian' is not an ISO 639 language code)
    """
    if not isinstance(meta, dict):
        raise PackageError(f"{where}: metadata.json is not a JSON object")
    for key in ("from_code", "to_code"):
        value = meta.get(key)
        if not isinstance(value, str) or not value:
            raise PackageError(f"{where}: metadata.json has no valid {key}")
        if not valid_code(value):
            raise PackageError(f"{where}: metadata.json has no valid {key} "
                               f"({value[:40]!r} is not an ISO 639 language code)")
    ptype = meta.get("type", "translate")
    if ptype != "translate":
        raise PackageError(f"{where}: package type {ptype!r} is not a translation package")
    for key in ("package_version", "target_prefix", "from_name", "to_name"):
        if key in meta and not isinstance(meta[key], str):
            raise PackageError(f"{where}: metadata.json field {key} is not a string")
    return meta


def _folder_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass
    return total


def _regular(path: Path) -> bool:
    """Is ``path`` a regular file (a FIFO or device would block or never end)?"""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _read_metadata(path: Path) -> dict[str, Any]:
    meta_path = path / "metadata.json"
    if (meta_path.exists() or meta_path.is_symlink()) and not _regular(meta_path):
        raise PackageError(f"{path}: metadata.json is not a regular file (a FIFO, device "
                           "or broken link); skipped")
    try:
        if meta_path.stat().st_size > MAX_METADATA:
            raise PackageError(f"{path}: metadata.json is implausibly large")
        raw = meta_path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackageError(f"{path}: no readable metadata.json ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise PackageError(f"{path}: metadata.json is not UTF-8") from None
    try:
        meta = json.loads(raw)
    except ValueError as exc:
        raise PackageError(f"{path}: metadata.json is not valid JSON ({exc})") from None
    return check_metadata(meta, str(path))


def read_package(path: str | os.PathLike, *, with_size: bool = True) -> PackageInfo:
    """Read an installed package folder; raise :class:`PackageError` when it is not one."""
    path = Path(path)
    meta = _read_metadata(path)
    if _regular(path / "sentencepiece.model"):
        tokenizer = "sentencepiece"
    elif _regular(path / "bpe.model"):
        tokenizer = "bpe"
    else:
        raise PackageError(f"{path}: no tokenizer model (sentencepiece.model or bpe.model)")
    if not _regular(path / "model" / "model.bin"):
        raise PackageError(f"{path}: no CTranslate2 model (model/model.bin)")
    layout = [tokenizer]
    if not (path / "model" / "config.json").exists():
        layout.append("no config.json (CTranslate2 < 3.0)")
    if "type" not in meta or "links" not in meta:
        layout.append("locomotive metadata")
    for sbd in ("minisbd", "stanza", "spacy"):
        if (path / sbd).is_dir():
            layout.append(f"{sbd}/ (not used: polyclean splits sentences itself)")
    return PackageInfo(
        path=path, from_code=meta["from_code"], to_code=meta["to_code"],
        version=str(meta.get("package_version", "")), type=meta.get("type", "translate"),
        from_name=meta.get("from_name", ""), to_name=meta.get("to_name", ""),
        tokenizer=tokenizer, target_prefix=meta.get("target_prefix", "") or "",
        size=_folder_size(path) if with_size else 0, layout=tuple(layout), metadata=meta,
    )


def scan(folder: str | os.PathLike | None = None, *, with_size: bool = True
         ) -> tuple[list[PackageInfo], list[str]]:
    """(packages, problems) found in the packages folder, sorted by name and version."""
    root = packages_dir(folder)
    found: list[PackageInfo] = []
    problems: list[str] = []
    try:
        entries = sorted(root.iterdir())
    except FileNotFoundError:
        return [], []
    except OSError as exc:
        raise ModelsError(f"cannot read the packages folder {root}: {exc.strerror}") from None
    for entry in entries:
        if entry.name.startswith(".") or not entry.is_dir():
            continue
        try:
            found.append(read_package(entry, with_size=with_size))
        except PackageError as exc:
            problems.append(str(exc))
    found.sort(key=lambda p: (p.name, _version_key(p.version), p.folder))
    return found, problems


def installed(folder: str | os.PathLike | None = None) -> list[PackageInfo]:
    """The valid packages of the packages folder."""
    return scan(folder)[0]


def find_route(src: str, dst: str, packages: Iterable[PackageInfo], max_hops: int = 3,
               exclude: Iterable[Path] = ()) -> list[PackageInfo] | None:
    """The shortest chain of usable packages translating ``src`` into ``dst``.

    For each language pair the newest version wins (packages whose folder is in
    ``exclude``, e.g. ones that failed to load, are passed over); ties break on codes,
    so the choice is deterministic.  ``pb``/``zt`` packages serve ``pt``/``zh``; no
    package serves ``und``.  ``[]`` when ``src == dst``; None when there is no chain.
    """
    if src == dst:
        return []
    skip = {str(p) for p in exclude}
    best: dict[tuple[str, str], PackageInfo] = {}
    for p in packages:
        if not p.usable or str(p.path) in skip:
            continue
        k = (p.from_code, p.to_code)
        if k not in best or _version_key(p.version) > _version_key(best[k].version):
            best[k] = p
    edges: dict[str, list[PackageInfo]] = {}
    for (a, _b), p in sorted(best.items()):
        edges.setdefault(ARGOS_CODES.get(a, a), []).append(p)
    for lang in edges:  # an exact code before an Argos alias (pt before pb)
        edges[lang].sort(key=lambda p: (p.from_code != lang, p.from_code, p.to_code))
    if not source_codes(src):
        return None
    queue: deque[tuple[str, list[PackageInfo]]] = deque([(src, [])])
    seen = {src}
    while queue:
        lang, chain = queue.popleft()
        if len(chain) >= max_hops:
            continue
        for p in edges.get(lang, []):
            to = ARGOS_CODES.get(p.to_code, p.to_code)
            if to == dst or p.to_code == dst:
                return chain + [p]
            if to not in seen:
                seen.add(to)
                queue.append((to, chain + [p]))
    return None


def human_size(n: float) -> str:
    """A byte count for people.

    >>> human_size(153_600), human_size(92_000_000), human_size(3 * 1024**3)
    ('150 KB', '88 MB', '3.0 GB')
    """
    for unit in ("B", "KB", "MB"):
        if n < 1024:
            return f"{n:.0f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


from .models_install import (  # noqa: E402,F401  (re-exported: the public API of packages)
    MAX_DOWNLOAD, MAX_MEMBERS, MAX_UNCOMPRESSED, ArchiveCheck, IndexEntry, InstallResult,
    available, check_archive, clean_leftovers, download, fetch_index, install_file,
    install_from_index, matching, parse_pair, remove,
)
