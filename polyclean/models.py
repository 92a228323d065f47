"""Argos Translate packages: where they live, what is installed, install and remove.

polyclean shares argostranslate's packages folder (``ARGOS_PACKAGES_DIR``, then the
``settings.json`` of argostranslate, then ``$XDG_DATA_HOME/argos-translate/packages``),
so a package installed with ``argospm`` works here and the other way round.  This
module never imports argostranslate (its import pulls in torch) and imports
CTranslate2/SentencePiece only to check a package being installed.

An install validates the ``.argosmodel`` zip before anything lands in the packages
folder: one top-level folder; no absolute paths, ``..``, links or special files; a
bounded uncompressed size; a readable ``metadata.json`` with from/to codes; a
CTranslate2 model folder and a SentencePiece tokenizer.  The archive is extracted
into a temporary folder beside the packages folder and moved into place in one
rename, so a refused or interrupted install leaves nothing half-installed.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import stat
import tempfile
import zipfile
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Iterable

from .errors import IndexUnreachableError, ModelsError, PackageError  # noqa: F401  (re-exported)

log = logging.getLogger(__name__)

DEFAULT_INDEX = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/"
MAX_UNCOMPRESSED = 4 * 1024**3  # bytes a package may unpack to (real ones: 50-400 MB)
MAX_DOWNLOAD = 2 * 1024**3  # bytes a downloaded .argosmodel may have
MAX_MEMBERS = 10_000
MAX_METADATA = 1024**2
_CODE_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,19}$")


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


# --- installed packages ------------------------------------------------------------
def _version_key(version: str) -> tuple:
    """Sortable key for versions such as '1.9' or '1.10.2'.

    >>> sorted(["1.10", "1.9", "1.9.1"], key=_version_key)
    ['1.9', '1.9.1', '1.10']
    """
    return tuple(int(n) for n in re.findall(r"\d+", version or "")) or (-1,)


@dataclass(frozen=True)
class PackageInfo:
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
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def folder(self) -> str:
        return self.path.name

    @property
    def name(self) -> str:
        """argospm's name, e.g. ``translate-ru_en``."""
        return f"{self.type}-{self.from_code}_{self.to_code}"

    @property
    def key(self) -> str:
        """Stable identity with version, e.g. ``translate-ru_en-1.9``."""
        return f"{self.name}-{self.version or '0'}"

    @property
    def usable(self) -> bool:
        return self.type == "translate" and self.tokenizer == "sentencepiece"

    def fingerprint(self) -> str:
        """Short digest of the metadata and model/tokenizer sizes (for cache keys)."""
        import hashlib

        h = hashlib.sha256()
        h.update(json.dumps(self.metadata, sort_keys=True, ensure_ascii=False).encode())
        for rel in ("model/model.bin", "sentencepiece.model"):
            try:
                h.update(f"{rel}:{(self.path / rel).stat().st_size}".encode())
            except OSError:
                h.update(f"{rel}:-".encode())
        return h.hexdigest()[:12]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "key": self.key, "from": self.from_code,
                "to": self.to_code, "version": self.version, "size": self.size,
                "folder": str(self.path), "tokenizer": self.tokenizer,
                "usable": self.usable}


def check_metadata(meta: Any, where: str) -> dict[str, Any]:
    """Validate a parsed ``metadata.json``; return it or raise :class:`PackageError`.

    >>> check_metadata({"from_code": "ru", "to_code": "en"}, "x")["from_code"]
    'ru'
    >>> check_metadata({"from_code": "ru"}, "x")
    Traceback (most recent call last):
    ...
    polyclean.errors.PackageError: x: metadata.json has no valid to_code
    """
    if not isinstance(meta, dict):
        raise PackageError(f"{where}: metadata.json is not a JSON object")
    for key in ("from_code", "to_code"):
        value = meta.get(key)
        if not isinstance(value, str) or not _CODE_RE.match(value):
            raise PackageError(f"{where}: metadata.json has no valid {key}")
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


def read_package(path: str | os.PathLike, *, with_size: bool = True) -> PackageInfo:
    """Read an installed package folder; raise :class:`PackageError` when it is not one."""
    path = Path(path)
    try:
        raw = (path / "metadata.json").read_text(encoding="utf-8")
    except OSError as exc:
        raise PackageError(f"{path}: no readable metadata.json ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise PackageError(f"{path}: metadata.json is not UTF-8") from None
    try:
        meta = json.loads(raw)
    except ValueError as exc:
        raise PackageError(f"{path}: metadata.json is not valid JSON ({exc})") from None
    check_metadata(meta, str(path))
    if (path / "sentencepiece.model").is_file():
        tokenizer = "sentencepiece"
    elif (path / "bpe.model").is_file():
        tokenizer = "bpe"
    else:
        raise PackageError(f"{path}: no tokenizer model (sentencepiece.model)")
    if not (path / "model" / "model.bin").is_file():
        raise PackageError(f"{path}: no CTranslate2 model (model/model.bin)")
    return PackageInfo(
        path=path, from_code=meta["from_code"], to_code=meta["to_code"],
        version=str(meta.get("package_version", "")), type=meta.get("type", "translate"),
        from_name=meta.get("from_name", ""), to_name=meta.get("to_name", ""),
        tokenizer=tokenizer, target_prefix=meta.get("target_prefix", "") or "",
        size=_folder_size(path) if with_size else 0, metadata=meta,
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


def find_route(src: str, dst: str, packages: Iterable[PackageInfo], max_hops: int = 3
               ) -> list[PackageInfo] | None:
    """The shortest chain of usable packages translating ``src`` into ``dst``.

    For each language pair the newest version wins; ties break on codes, so the
    choice is deterministic.  ``[]`` when ``src == dst``; None when there is no chain.
    """
    if src == dst:
        return []
    best: dict[tuple[str, str], PackageInfo] = {}
    for p in packages:
        if not p.usable:
            continue
        k = (p.from_code, p.to_code)
        if k not in best or _version_key(p.version) > _version_key(best[k].version):
            best[k] = p
    edges: dict[str, list[PackageInfo]] = {}
    for (a, _b), p in sorted(best.items()):
        edges.setdefault(a, []).append(p)
    queue: deque[tuple[str, list[PackageInfo]]] = deque([(src, [])])
    seen = {src}
    while queue:
        lang, chain = queue.popleft()
        if len(chain) >= max_hops:
            continue
        for p in edges.get(lang, []):
            if p.to_code == dst:
                return chain + [p]
            if p.to_code not in seen:
                seen.add(p.to_code)
                queue.append((p.to_code, chain + [p]))
    return None


# --- validating and installing a package file -------------------------------------------
@dataclass
class ArchiveCheck:
    top: str
    metadata: dict[str, Any]
    members: list[zipfile.ZipInfo]
    total_size: int


def _member_problem(info: zipfile.ZipInfo) -> str | None:
    name = info.filename
    if "\\" in name:
        return f"entry {name!r} has a backslash in its path"
    if name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return f"entry {name!r} has an absolute path"
    parts = PurePosixPath(name).parts
    if any(p == ".." for p in parts):
        return f"entry {name!r} leaves the package folder ('..')"
    if "\x00" in name:
        return f"entry {name!r} has a NUL byte in its name"
    mode = (info.external_attr >> 16) & 0xFFFF
    if stat.S_ISLNK(mode):
        return f"entry {name!r} is a symbolic link"
    ftype = stat.S_IFMT(mode)
    if ftype and ftype not in (stat.S_IFREG, stat.S_IFDIR):
        return f"entry {name!r} is not a regular file or folder"
    if info.flag_bits & 0x1:
        return f"entry {name!r} is encrypted"
    return None


def check_archive(path: str | os.PathLike, max_size: int = MAX_UNCOMPRESSED) -> ArchiveCheck:
    """Validate an ``.argosmodel`` zip without extracting it; raise :class:`PackageError`."""
    path = Path(path)
    where = str(path)
    if not path.is_file():
        raise PackageError(f"{where}: no such file")
    if not zipfile.is_zipfile(path):
        raise PackageError(f"{where}: not a zip archive (an .argosmodel file is a zip)")
    try:
        zf = zipfile.ZipFile(path)
    except Exception as exc:  # BadZipFile, OSError, and e.g. UnicodeDecodeError on a
        # member name flagged UTF-8 that is not: zipfile raises many kinds on bad input
        raise PackageError(f"{where}: unreadable zip archive ({exc})") from None
    with zf:
        members = zf.infolist()
        if not members:
            raise PackageError(f"{where}: the archive is empty")
        if len(members) > MAX_MEMBERS:
            raise PackageError(f"{where}: too many entries ({len(members)} > {MAX_MEMBERS})")
        tops: set[str] = set()
        names: set[str] = set()
        total = 0
        for info in members:
            problem = _member_problem(info)
            if problem:
                raise PackageError(f"{where}: {problem}; refused")
            norm = PurePosixPath(info.filename)
            key = norm.as_posix()
            if key in names:
                raise PackageError(f"{where}: entry {info.filename!r} appears twice; refused")
            names.add(key)
            parts = [p for p in norm.parts if p not in ("", ".")]
            if not parts:
                raise PackageError(f"{where}: entry {info.filename!r} has an empty path")
            tops.add(parts[0])
            if len(parts) == 1 and not info.is_dir():
                raise PackageError(
                    f"{where}: file {info.filename!r} lies outside the package folder "
                    "(a package is one top-level folder)")
            total += info.file_size
            if total > max_size:
                raise PackageError(
                    f"{where}: unpacks to more than {max_size // 1024**2} MB; refused")
        if len(tops) != 1:
            raise PackageError(
                f"{where}: a package must hold exactly one top-level folder, found "
                f"{len(tops)} ({', '.join(sorted(tops)[:5])})")
        top = tops.pop()
        if top.startswith(".") or not re.match(r"^[\w.+-]+$", top):
            raise PackageError(f"{where}: unsuitable package folder name {top!r}")
        present = {PurePosixPath(n).as_posix().rstrip("/") for n in names}

        def has(rel: str) -> bool:
            return f"{top}/{rel}" in present

        if not has("metadata.json"):
            raise PackageError(f"{where}: no {top}/metadata.json; not an Argos package")
        meta_info = zf.getinfo(next(i.filename for i in members
                                    if PurePosixPath(i.filename).as_posix() == f"{top}/metadata.json"))
        if meta_info.file_size > MAX_METADATA:
            raise PackageError(f"{where}: metadata.json is implausibly large")
        try:
            meta = json.loads(zf.read(meta_info).decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise PackageError(f"{where}: metadata.json is not readable JSON ({exc})") from None
        except Exception as exc:  # BadZipFile, zlib.error, NotImplementedError, ...
            raise PackageError(f"{where}: metadata.json cannot be read ({exc})") from None
        check_metadata(meta, where)
        if not (has("model/model.bin") and has("model/config.json")):
            raise PackageError(
                f"{where}: no CTranslate2 model folder ({top}/model/model.bin and config.json)")
        vocab = any(has(f"model/{v}_vocabulary.{ext}")
                    for v in ("shared", "source") for ext in ("txt", "json"))
        if not vocab:
            raise PackageError(f"{where}: the CTranslate2 model has no vocabulary file")
        if not has("sentencepiece.model"):
            if has("bpe.model"):
                raise PackageError(
                    f"{where}: this package uses a BPE tokenizer (bpe.model), which polyclean "
                    "does not run; use a SentencePiece package (all packages of the current "
                    "Argos index are)")
            raise PackageError(f"{where}: no tokenizer model ({top}/sentencepiece.model)")
    return ArchiveCheck(top, meta, members, total)


def _extract(path: Path, check: ArchiveCheck, dest: Path) -> None:
    """Extract the checked members under ``dest``, counting the real bytes written."""
    budget = check.total_size
    dest_resolved = dest.resolve()
    with zipfile.ZipFile(path) as zf:
        for info in check.members:
            target = (dest / info.filename).resolve()
            if dest_resolved not in target.parents and target != dest_resolved:
                raise PackageError(f"{path}: entry {info.filename!r} escapes the folder")
            if info.is_dir():
                target.mkdir(parents=True, exist_ok=True)
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            left = info.file_size
            with zf.open(info) as src, open(target, "xb") as out:
                while True:
                    chunk = src.read(1 << 20)
                    if not chunk:
                        break
                    left -= len(chunk)
                    budget -= len(chunk)
                    if left < 0 or budget < 0:
                        raise PackageError(
                            f"{path}: entry {info.filename!r} is larger than it declares")
                    out.write(chunk)
            os.chmod(target, 0o644)


def _verify_extracted(pkg: Path, where: str) -> None:
    """Load the tokenizer and ask CTranslate2 whether the model folder is a model."""
    import ctranslate2
    import sentencepiece

    try:
        json.loads((pkg / "model" / "config.json").read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise PackageError(f"{where}: model/config.json is not readable JSON ({exc})") from None
    if not ctranslate2.contains_model(str(pkg / "model")):
        raise PackageError(f"{where}: model/ is not a CTranslate2 model")
    try:
        sp = sentencepiece.SentencePieceProcessor(model_file=str(pkg / "sentencepiece.model"))
        sp.encode("test", out_type=str)
    except Exception as exc:  # sentencepiece raises OSError/RuntimeError variants
        raise PackageError(f"{where}: sentencepiece.model cannot be loaded ({exc})") from None


@dataclass
class InstallResult:
    package: PackageInfo
    replaced: list[str] = field(default_factory=list)


def install_file(path: str | os.PathLike, folder: str | os.PathLike | None = None,
                 *, max_size: int = MAX_UNCOMPRESSED) -> InstallResult:
    """Validate and install an ``.argosmodel`` file; replace older packages of its pair."""
    path = Path(path)
    check = check_archive(path, max_size)
    root = packages_dir(folder)
    try:
        root.mkdir(parents=True, exist_ok=True)
        # Work beside (not inside) the packages folder: argostranslate lists every
        # folder in it as a package and fails on a half-extracted one.
        work = Path(tempfile.mkdtemp(prefix=".polyclean-install-", dir=root.parent))
    except OSError as exc:
        raise ModelsError(f"cannot write to the packages folder {root}: {exc.strerror}") from None
    try:
        try:
            _extract(path, check, work)
        except (PackageError, OSError):
            raise
        except Exception as exc:  # BadZipFile, zlib.error, EOFError, NotImplementedError,
            # lzma/bz2 errors of a damaged member: all mean the same to the user
            raise PackageError(f"{path}: damaged archive ({exc}); refused") from None
        staged = work / check.top
        _verify_extracted(staged, str(path))
        new = read_package(staged)
        others = [p for p in scan(root, with_size=False)[0]
                  if p.from_code == new.from_code and p.to_code == new.to_code
                  and p.folder != check.top]
        dest = root / check.top
        old = work / ".old"
        if dest.exists() or dest.is_symlink():
            os.rename(dest, old)
        try:
            os.rename(staged, dest)
        except OSError:
            if old.exists():
                os.rename(old, dest)
            raise
        replaced = [f"{p.key} ({p.folder})" for p in others]
        if old.exists():
            replaced.insert(0, f"the previous copy of {check.top}")
        for p in others:
            shutil.rmtree(p.path, ignore_errors=True)
        return InstallResult(read_package(dest), replaced)
    except OSError as exc:
        raise ModelsError(f"installing {path} failed: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def remove(name: str, folder: str | os.PathLike | None = None) -> list[PackageInfo]:
    """Remove the packages matching ``name`` (argospm name, ``key``, folder, ``ru-en``)."""
    pair = parse_pair(name, None)
    matches = []
    for p in scan(folder, with_size=False)[0]:
        if name in (p.name, p.key, p.folder) or (pair and pair == (p.from_code, p.to_code)):
            matches.append(p)
    if not matches:
        raise ModelsError(f"no installed package named {name!r} in {packages_dir(folder)} "
                          "(see `polyclean models list`)")
    for p in matches:
        shutil.rmtree(p.path)
    return matches


# --- the online index ------------------------------------------------------------------
def parse_pair(spec: str, default_target: str | None = "en") -> tuple[str, str] | None:
    """Language pair named by ``ru``, ``ru-en``, ``ru_en`` or ``translate-ru_en``.

    >>> parse_pair("ru"), parse_pair("ru-en"), parse_pair("translate-uk_ru")
    (('ru', 'en'), ('ru', 'en'), ('uk', 'ru'))
    >>> parse_pair("ru", None) is None
    True
    """
    s = spec.strip()
    if s.startswith("translate-"):
        s = s[len("translate-"):]
    m = re.fullmatch(r"([A-Za-z]{2,3}(?:-[A-Za-z]{4})?)[-_]([A-Za-z]{2,3}(?:-[A-Za-z]{4})?)", s)
    if m:
        return m.group(1), m.group(2)
    if default_target and re.fullmatch(r"[A-Za-z]{2,3}", s):
        return s, default_target
    return None


def _offline_help(what: str, url: str, reason: str) -> str:
    return (
        f"cannot reach {what} at {url}: {reason}. This machine looks offline (or the "
        "address is blocked). To install without network: download the .argosmodel file "
        "on a machine that is online (links: `polyclean models available` there, or the "
        "Argos package index), copy it here and run "
        "`polyclean models install PATH.argosmodel`."
    )


def _open(url: str, timeout: float):
    import urllib.error
    import urllib.request

    if "://" not in url:
        return open(url, "rb")
    if not url.startswith(("http://", "https://", "file://")):
        raise ModelsError(f"unsupported address {url!r} (http, https, file or a local path)")
    req = urllib.request.Request(url, headers={"User-Agent": "polyclean"})
    return urllib.request.urlopen(req, timeout=timeout)


def _fetch_error(exc: BaseException) -> str:
    import urllib.error

    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"{type(exc.reason).__name__}: {exc.reason}"
    return f"{type(exc).__name__}: {exc}"


def fetch_index(url: str | None = None, timeout: float = 30.0) -> list[dict[str, Any]]:
    """The package index: a list of metadata records (raises :class:`IndexUnreachableError`)."""
    url = index_url(url)
    try:
        with _open(url, timeout) as fh:
            data = fh.read(64 * 1024**2)
    except (OSError, ValueError) as exc:  # URLError, timeouts, missing file
        raise IndexUnreachableError(_offline_help("the Argos package index", url,
                                                  _fetch_error(exc))) from None
    try:
        index = json.loads(data.decode("utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelsError(f"the package index at {url} is not valid JSON ({exc})") from None
    if not isinstance(index, list):
        raise ModelsError(f"the package index at {url} is not a list of packages")
    return [e for e in index if isinstance(e, dict)]


@dataclass(frozen=True)
class IndexEntry:
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]
    type: str = "translate"
    from_name: str = ""
    to_name: str = ""

    @property
    def name(self) -> str:
        return f"{self.type}-{self.from_code}_{self.to_code}"

    @property
    def key(self) -> str:
        return f"{self.name}-{self.version or '0'}"


def available(url: str | None = None, timeout: float = 30.0) -> list[IndexEntry]:
    """Translation packages offered by the index, sorted by name."""
    out = []
    for e in fetch_index(url, timeout):
        if e.get("type", "translate") != "translate":
            continue
        fc, tc = e.get("from_code"), e.get("to_code")
        if not (isinstance(fc, str) and isinstance(tc, str)):
            continue
        links = tuple(x for x in e.get("links", []) if isinstance(x, str))
        out.append(IndexEntry(fc, tc, str(e.get("package_version", "")), links,
                              from_name=str(e.get("from_name", "")),
                              to_name=str(e.get("to_name", ""))))
    out.sort(key=lambda x: (x.name, _version_key(x.version)))
    return out


def download(entry: IndexEntry, dest_dir: Path, timeout: float = 60.0,
             max_size: int = MAX_DOWNLOAD) -> Path:
    """Download a package file into ``dest_dir`` (tries each link in order)."""
    if not entry.links:
        raise ModelsError(f"the index lists no download link for {entry.key}")
    errors = []
    for link in entry.links:
        fd, tmp = tempfile.mkstemp(prefix=".polyclean-download-", suffix=".argosmodel",
                                   dir=dest_dir)
        try:
            with os.fdopen(fd, "wb") as out, _open(link, timeout) as src:
                size = 0
                while True:
                    chunk = src.read(1 << 20)
                    if not chunk:
                        break
                    size += len(chunk)
                    if size > max_size:
                        raise ModelsError(f"{link}: larger than {max_size // 1024**2} MB")
                    out.write(chunk)
            return Path(tmp)
        except (OSError, ValueError) as exc:
            errors.append(f"{link}: {_fetch_error(exc)}")
            os.unlink(tmp)
        except BaseException:
            os.unlink(tmp)
            raise
    raise IndexUnreachableError(_offline_help(f"the download of {entry.key}", entry.links[0],
                                              "; ".join(errors)))


def install_from_index(spec: str, folder: str | os.PathLike | None = None, *,
                       url: str | None = None, target: str = "en",
                       timeout: float = 60.0) -> InstallResult:
    """Install the newest index package for ``spec`` (``ru``, ``ru-en``, ``translate-ru_en``)."""
    pair = parse_pair(spec, target)
    if pair is None:
        raise ModelsError(f"{spec!r} is neither a file nor a language pair such as ru or ru-en")
    entries = [e for e in available(url, timeout) if (e.from_code, e.to_code) == pair]
    if not entries:
        raise ModelsError(f"the package index offers no {pair[0]}->{pair[1]} package "
                          "(see `polyclean models available`)")
    entry = entries[-1]
    root = packages_dir(folder)
    try:
        root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ModelsError(f"cannot create the packages folder {root}: {exc.strerror}") from None
    tmp = download(entry, root.parent, timeout)
    try:
        return install_file(tmp, root)
    finally:
        tmp.unlink(missing_ok=True)


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
