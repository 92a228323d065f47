"""Installing, removing and downloading Argos packages (re-exported by :mod:`polyclean.models`).

An install validates the ``.argosmodel`` zip before anything lands in the packages
folder: one top-level folder; no absolute paths, ``..``, links or special files; a
bounded uncompressed size; a readable ``metadata.json`` with valid language codes; a
CTranslate2 model folder and a SentencePiece or BPE tokenizer.  The archive is
extracted into a temporary ``.polyclean-install-PID-*`` folder *inside* the packages
folder (so the final rename never crosses file systems, even when the packages folder
is a mount point) and moved into place in one rename; the work folders of killed
installs are removed by the next install or listing.  An older version than the
installed one is refused unless ``force``.  A removal renames the package aside first
and deletes it only then, putting it back when the deletion fails.  Installs and
removals hold an exclusive lock on the packages folder while they look at and change
what is installed, so two at once (two shells, two jobs of a cluster) take turns
instead of both replacing the same package or both passing the version check.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import E, IndexUnreachableError, ModelsError, PackageError
from .models import (
    MAX_METADATA, PackageInfo, _Named, _version_key, check_metadata, index_url, packages_dir,
    read_package, scan, valid_code,
)

MAX_UNCOMPRESSED = 4 * 1024**3  # bytes a package may unpack to (real ones: 50-400 MB)
MAX_DOWNLOAD = 2 * 1024**3  # bytes a downloaded .argosmodel may have
MAX_MEMBERS = 10_000
WORK_PREFIX = ".polyclean-install-"
REMOVE_PREFIX = ".polyclean-remove-"


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
    if path.is_dir():
        raise PackageError(E.PACKAGE_IS_FOLDER.format(path=where))
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
        if not has("model/model.bin"):
            raise PackageError(f"{where}: no CTranslate2 model folder ({top}/model/model.bin)")
        vocab = any(has(f"model/{v}_vocabulary.{ext}")
                    for v in ("shared", "source") for ext in ("txt", "json"))
        if not vocab:
            raise PackageError(f"{where}: the CTranslate2 model has no vocabulary file")
        if not (has("sentencepiece.model") or has("bpe.model")):
            raise PackageError(
                f"{where}: no tokenizer model ({top}/sentencepiece.model or bpe.model)")
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
    """Load the tokenizer and ask CTranslate2 whether the model folder is a model.

    ``model/config.json`` may be absent (models converted with CTranslate2 < 3.0, which
    CTranslate2 4.x still loads); when present it must be JSON.
    """
    import ctranslate2

    from .translate.engine import load_tokenizer

    config = pkg / "model" / "config.json"
    if config.exists():
        try:
            json.loads(config.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            raise PackageError(f"{where}: model/config.json is not readable JSON ({exc})") from None
    if not ctranslate2.contains_model(str(pkg / "model")):
        raise PackageError(f"{where}: model/ is not a CTranslate2 model")
    info = read_package(pkg, with_size=False)
    try:
        load_tokenizer(info).encode("test")
    except Exception as exc:  # sentencepiece/sacremoses raise OSError/RuntimeError variants
        raise PackageError(f"{where}: {info.tokenizer_file.name} cannot be loaded "
                           f"({exc})") from None


@dataclass
class InstallResult:
    package: PackageInfo
    replaced: list[str] = field(default_factory=list)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: alive, another user's
        return True
    return True


def clean_leftovers(folder: str | os.PathLike | None = None) -> list[str]:
    """Remove the work folders of killed installs (and removals) of the packages folder.

    A work folder is ``.polyclean-install-PID-*`` (``.polyclean-remove-PID-*``); it is
    removed when process PID no longer runs.  Folders left beside the packages folder
    by older polyclean versions are removed too.
    """
    root = packages_dir(folder)
    removed = []
    for where in (root, root.parent):
        try:
            entries = list(where.iterdir())
        except OSError:
            continue
        for p in entries:
            m = re.match(rf"^(?:{re.escape(WORK_PREFIX)}|{re.escape(REMOVE_PREFIX)})(\d+)-", p.name)
            old = where == root.parent and p.name.startswith(WORK_PREFIX)
            if (m and where == root and not _pid_alive(int(m.group(1)))) or (old and not m):
                if p.is_dir() and not p.is_symlink():
                    shutil.rmtree(p, ignore_errors=True)
                else:
                    p.unlink(missing_ok=True)
                removed.append(p.name)
    return removed


@contextlib.contextmanager
def folder_lock(root: Path):
    """Hold an exclusive ``flock`` on the packages folder itself (no lock file is left
    behind); another install or removal waits until it is released.  Where ``flock`` is
    missing (not POSIX), or the folder cannot be opened (none yet: nothing is installed;
    an unreadable one: the operation reports its own error), nothing is locked."""
    try:
        import fcntl

        fd = os.open(root, os.O_RDONLY)
    except (ImportError, OSError):  # Windows; no packages folder yet, or not readable
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing the only descriptor releases the lock


def _check_downgrade(new: PackageInfo, others: list[PackageInfo], force: bool) -> None:
    newer = [p for p in others if _version_key(p.version) > _version_key(new.version)]
    if newer and not force:
        raise ModelsError(
            f"{newer[-1].key} is installed, newer than {new.key}; installing the older "
            "version would replace it: add --force to do so")


def install_file(path: str | os.PathLike, folder: str | os.PathLike | None = None,
                 *, max_size: int = MAX_UNCOMPRESSED, force: bool = False) -> InstallResult:
    """Validate and install an ``.argosmodel`` file; replace other versions of its pair.

    An older version than an installed one is refused unless ``force``.
    """
    path = Path(path)
    check = check_archive(path, max_size)
    root = packages_dir(folder)
    try:
        root.mkdir(parents=True, exist_ok=True)
        clean_leftovers(root)
        work = Path(tempfile.mkdtemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", dir=root))
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
        with folder_lock(root):
            return _put_in_place(root, work, staged, new, force)
    except OSError as exc:
        raise ModelsError(f"installing {path} failed: {exc}") from None
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _put_in_place(root: Path, work: Path, staged: Path, new: PackageInfo,
                  force: bool) -> InstallResult:
    """Move the verified package ``staged`` into ``root``, replacing other versions of
    its pair (under :func:`folder_lock`)."""
    installed = scan(root, with_size=False)[0]
    here = [p for p in installed if p.folder == staged.name]  # the copy this replaces
    for p in here:
        if (p.from_code, p.to_code) != (new.from_code, new.to_code):
            raise ModelsError(E.FOLDER_HOLDS_OTHER_PAIR.format(
                folder=root / staged.name, other=p.key, pair=f"{p.from_code} -> {p.to_code}",
                new=new.key))
    others = [p for p in installed if p.from_code == new.from_code
              and p.to_code == new.to_code and p.folder != staged.name]
    _check_downgrade(new, others + here, force)
    dest = root / staged.name
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
        replaced.insert(0, f"the previous copy of {staged.name}")
    for p in others:
        _remove_one(p, root)
    return InstallResult(read_package(dest), replaced)


def _remove_one(p: PackageInfo, root: Path) -> None:
    """Rename the package aside, then delete it; put it back when deleting fails."""
    aside = root / f"{REMOVE_PREFIX}{os.getpid()}-{p.folder}"
    os.rename(p.path, aside)
    try:
        shutil.rmtree(aside)
    except OSError:
        if aside.exists() and not p.path.exists():
            try:
                os.rename(aside, p.path)
            except OSError:
                pass
        raise


def matching(name: str, folder: str | os.PathLike | None = None) -> list[PackageInfo]:
    """The installed packages named ``name`` (argospm name, ``key``, folder, ``ru-en``),
    oldest first; raise :class:`ModelsError` when there is none."""
    pair = parse_pair(name, None)
    matches = [p for p in scan(folder, with_size=False)[0]
               if name in (p.name, p.key, p.folder) or (pair and pair == (p.from_code, p.to_code))]
    if not matches:
        raise ModelsError(f"no installed package named {name!r} in {packages_dir(folder)} "
                          "(see `polyclean models list`)")
    return matches


def remove(name: str, folder: str | os.PathLike | None = None) -> list[PackageInfo]:
    """Remove the packages matching ``name`` (argospm name, ``key``, folder, ``ru-en``)."""
    root = packages_dir(folder)
    with folder_lock(root):
        matches = matching(name, folder)
        for p in matches:
            try:
                _remove_one(p, root)
            except OSError as exc:
                raise ModelsError(f"removing {p.key} from {root} failed, the package is left "
                                  f"as it was: {exc.strerror or exc}") from None
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
        import urllib.error

        if isinstance(exc, urllib.error.HTTPError):  # the server answered: not offline
            raise ModelsError(E.HTTP_ERROR.format(what="the package index", url=url,
                                                  why=_fetch_error(exc))) from None
        if not _remote(url):  # a local file (a path or file://): the network is not involved
            reason = getattr(exc, "reason", exc)  # file:// wraps the OSError in a URLError
            if isinstance(reason, FileNotFoundError):
                raise ModelsError(E.INDEX_NOT_FOUND.format(url=url)) from None
            raise ModelsError(E.INDEX_UNREADABLE.format(
                url=url, why=(getattr(reason, "strerror", None) or str(reason)).lower())) from None
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
class IndexEntry(_Named):
    from_code: str
    to_code: str
    version: str
    links: tuple[str, ...]
    type: str = "translate"
    from_name: str = ""
    to_name: str = ""



def _remote(url: str) -> bool:
    return url.lower().startswith(("http://", "https://"))


def available(url: str | None = None, timeout: float = 30.0) -> list[IndexEntry]:
    """Translation packages offered by the index, sorted by name.

    The links of a remote (http/https) index must be http or https: a remote index
    cannot make polyclean read a local file (a path or a ``file://`` link).
    """
    remote = _remote(index_url(url))
    out = []
    for e in fetch_index(url, timeout):
        if e.get("type", "translate") != "translate":
            continue
        fc, tc = e.get("from_code"), e.get("to_code")
        links = tuple(x for x in (e.get("links") or []) if isinstance(x, str)
                      and (_remote(x) or not remote))
        if not (valid_code(fc) and valid_code(tc)):
            continue
        out.append(IndexEntry(fc, tc, str(e.get("package_version", "")), links,
                              from_name=str(e.get("from_name", "")),
                              to_name=str(e.get("to_name", ""))))
    out.sort(key=lambda x: (x.name, _version_key(x.version)))
    return out


class _Cut(OSError):
    """A download shorter than its Content-Length."""


def _copy_download(src, out, link: str, max_size: int) -> None:
    """Copy a download into ``out``; a body shorter than its Content-Length (the
    connection dropped) raises :class:`_Cut`, never leaves a file cut short."""
    size = 0
    while True:
        chunk = src.read(1 << 20)
        if not chunk:
            break
        size += len(chunk)
        if size > max_size:
            raise ModelsError(f"{link}: larger than {max_size // 1024**2} MB")
        out.write(chunk)
    declared = getattr(src, "headers", None) and src.headers.get("Content-Length")
    if declared and declared.isdigit() and size < int(declared):
        raise _Cut(E.DOWNLOAD_CUT.format(got=size, size=int(declared)))


def download(entry: IndexEntry, dest_dir: Path, timeout: float = 60.0,
             max_size: int = MAX_DOWNLOAD) -> tuple[Path, str]:
    """Download a package file into ``dest_dir`` (tries each link in order); return
    its path and the link it came from."""
    import urllib.error

    if not entry.links:
        raise ModelsError(f"the index lists no download link for {entry.key}")
    errors, answered = [], True
    for link in entry.links:
        fd, tmp = tempfile.mkstemp(prefix=f"{WORK_PREFIX}{os.getpid()}-", suffix=".argosmodel",
                                   dir=dest_dir)
        try:
            with os.fdopen(fd, "wb") as out, _open(link, timeout) as src:
                _copy_download(src, out, link, max_size)
            return Path(tmp), link
        except (OSError, ValueError) as exc:
            answered = answered and isinstance(exc, (urllib.error.HTTPError, _Cut))
            errors.append(f"{link}: {exc if isinstance(exc, _Cut) else _fetch_error(exc)}")
            os.unlink(tmp)
        except BaseException:
            os.unlink(tmp)
            raise
    if answered:  # every server answered (an error, a cut body): the machine is online
        raise ModelsError(E.DOWNLOAD_FAILED.format(what=entry.key, why="; ".join(errors)))
    raise IndexUnreachableError(_offline_help(f"the download of {entry.key}", entry.links[0],
                                              "; ".join(errors)))


def install_from_index(spec: str, folder: str | os.PathLike | None = None, *,
                       url: str | None = None, target: str = "en",
                       timeout: float = 60.0, force: bool = False) -> InstallResult:
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
    tmp, link = download(entry, root, timeout)
    try:
        return install_file(tmp, root, force=force)
    except PackageError as exc:  # named by its link, not by the removed temporary file
        raise PackageError(str(exc).replace(str(tmp), link)) from None
    finally:
        tmp.unlink(missing_ok=True)


