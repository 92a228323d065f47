"""The journal that ``--resume`` continues from, and the lock on an output.

After each batch the runner replaces the journal atomically: records and units done,
the resume point of every open output and of the outputs completed in that batch
(:meth:`Sink.state`), of the errors and report files, the counters, and a fingerprint
of the inputs and of every option that can change the output.  A journal of other
inputs or options is refused.

:class:`OutputLock` keeps two runs from writing the same ``-o``: an exclusive
``flock`` on ``.OUT.polyclean-lock`` beside it (released by the kernel when the holder
dies, so a killed run never blocks the next one).  Where ``fcntl`` is missing, the
lock file is created exclusively and holds the holder's process id; a lock whose
process is gone is taken over.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Sequence

from .config import Config, output_options
from .errors import E, OutputError, ResumeError, UsageError
from .plan import Plan
from .runlog import why
from .sinks import partial_path

JOURNAL_VERSION = 2


def fingerprint(plan: Plan, cfg: Config, side: Sequence[Any]) -> str:
    """What a journal must match to be resumed: the inputs (name, size, mtime), the
    outputs, the options that can change a byte of the output, and the side files."""
    return run_facts(plan, cfg, side)[0]


#: Inputs whose name, size and time a journal lists one by one (to name the one that
#: changed); a run of more keeps one digest of them.
FACTS_INPUTS = 1000


def run_facts(plan: Plan, cfg: Config, side: Sequence[Any]) -> tuple[str, dict]:
    """The fingerprint (see :func:`fingerprint`) and what it covers in a form the
    journal keeps, so that a refused ``--resume`` can name what differs
    (:func:`differences`)."""
    h = hashlib.sha256()
    stats = []
    for u in plan.units:
        st = u.path.stat() if u.path is not None and u.path.exists() else None
        fact = [u.name, str(u.path), u.fmt, u.rel, u.output, u.problem,
                st.st_size if st else None, st.st_mtime_ns if st else None]
        h.update(json.dumps(fact).encode())
        stats.append([u.name, *fact[6:]])
    outs = hashlib.sha256()
    for o in plan.outputs:
        line = json.dumps([str(o.target), o.fmt, o.compress, o.headers, o.units]).encode()
        h.update(line)
        outs.update(line)
    options = output_options(cfg)
    h.update(json.dumps([options, [str(s) for s in side]], sort_keys=True,
                        default=str).encode())
    behind = _behind_options(cfg)
    h.update(json.dumps(behind).encode())
    facts = {"options": json.loads(json.dumps(options, default=str)),
             "side": [None if s is None else str(s) for s in side], "outputs": outs.hexdigest(), "behind": behind,
             "inputs": stats if len(stats) <= FACTS_INPUTS else
             hashlib.sha256(json.dumps(stats).encode()).hexdigest()}
    return h.hexdigest(), facts


_SIDE = ("--errors", "--report", "--html-report")


def differences(old: Any, new: dict) -> list[str]:
    """What differs between the facts of the killed run (``old``, from its journal) and
    of this one, in words; empty when the journal does not say (an older journal)."""
    if not isinstance(old, dict):
        return []
    said: list[str] = []
    try:
        was, now = old.get("inputs"), new["inputs"]
        if was != now:
            if isinstance(was, list) and isinstance(now, list):
                names_was, names_now = [i[0] for i in was], [i[0] for i in now]
                if names_was != names_now:
                    gone = [n for n in names_was if n not in names_now]
                    added = [n for n in names_now if n not in names_was]
                    parts = [f"{what}: {_few(names)}" for what, names in
                             (("not given now", gone), ("new", added)) if names]
                    said.append(f"the inputs differ ({'; '.join(parts)})" if parts
                                else "the inputs are given in another order")
                else:
                    gone = [a[0] for a, b in zip(was, now) if a != b and b[1] is None]
                    changed = [a[0] for a, b in zip(was, now) if a != b and b[1] is not None]
                    if gone:
                        said.append(f"{_few(gone)} cannot be found now")
                    if changed:
                        said.append(f"{_few(changed)} changed since the killed run (size or "
                                    f"modification time)")
            else:
                said.append("an input changed since the killed run, or the inputs differ")
        for key in sorted(set(old.get("options", {})) | set(new["options"])):
            if key in ("errors", "report"):  # named as paths below
                continue
            a, b = old.get("options", {}).get(key, "(unset)"), new["options"].get(key, "(unset)")
            if a != b:
                said.append(f"option {key} was {_value(a)} in the killed run, {_value(b)} now")
        for flag, a, b in zip(_SIDE, old.get("side", []), new["side"]):
            if a != b:
                said.append(f"{flag} was {_value(a)} in the killed run, {_value(b)} now")
        if old.get("outputs") != new["outputs"] and not said:
            said.append("the outputs differ")
        files_was, packages_was = old.get("behind", [[], []])
        files_now, packages_now = new["behind"]
        for a, b in zip(files_was, files_now):
            if a != b and a[0] == b[0]:
                said.append(f"{a[0]} was edited since the killed run")
        if packages_was != packages_now:
            said.append("the installed translation packages changed")
    except (TypeError, ValueError, KeyError, IndexError, AttributeError):
        return []
    return said


def _few(names: list[str], most: int = 3) -> str:
    from .runlog import show

    shown = ", ".join(show(n) for n in names[:most])
    return shown + (f" and {len(names) - most:,} more" if len(names) > most else "")


def _value(v: Any) -> str:
    return "unset" if v is None else json.dumps(v, ensure_ascii=False)


def _behind_options(cfg: Config) -> list[Any]:
    """What the options name that can change the output: the contents of the glossary
    and phrase-list files, and the installed translation packages (a file edited or a
    package installed between a kill and ``--resume`` would change the output part-way)."""
    files = []
    for path in [cfg.glossary, *cfg.keep_phrases, *cfg.drop_phrases]:
        if path:
            try:
                files.append([str(path), hashlib.sha256(Path(path).read_bytes()).hexdigest()])
            except OSError:
                files.append([str(path), None])
    packages: list[str] = []
    if cfg.translate:
        from .errors import ModelsError
        from .models import scan

        try:
            packages = [f"{p.key}:{p.folder}" for p in scan(cfg.packages_dir, with_size=False)[0]]
        except ModelsError:
            pass
    return [files, packages]


def write_json_atomic(path: Path, data: dict, indent: int | None = None) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    tmp = path.with_name(path.name + ".tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=indent)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class Journal:
    """The journal file of one output (``path=None``: no journal, e.g. stdout)."""

    def __init__(self, path: Path | None, fp: str, facts: dict | None = None) -> None:
        self.path, self.fp, self.facts = path, fp, facts

    def load(self) -> dict | None:
        """The journal of an interrupted run of the same inputs and options, or None."""
        if self.path is None or not self.path.exists():
            return None
        try:
            data = self._read()
        except (OSError, ValueError) as exc:
            raise ResumeError(E.JOURNAL_UNREADABLE.format(path=self.path, why=exc)) from exc
        if data.get("version") != JOURNAL_VERSION or data.get("fingerprint") != self.fp:
            said = differences(data.get("facts"), self.facts) if self.facts else []
            if said:
                raise ResumeError(E.JOURNAL_DIFFERS.format(path=self.path,
                                                           what="; ".join(said)))
            raise ResumeError(E.JOURNAL_MISMATCH.format(path=self.path))
        return data

    def records_done(self) -> str:
        """How many records the journal counts as done, as text ("?" when unreadable)."""
        try:
            return f"{int(self._read()['records']):,}"
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return "?"

    def _read(self) -> dict:
        return json.loads(self.path.read_text("utf-8"))

    def save(self, data: dict) -> None:
        if self.path is None:
            return
        try:
            write_json_atomic(self.path, {"version": JOURNAL_VERSION, "fingerprint": self.fp,
                                          "facts": self.facts, **data})
        except OSError as exc:
            raise OutputError(E.JOURNAL_FAILED.format(path=self.path, why=why(exc, self.path)),
                              exc.errno) from None

    def remove(self) -> None:
        if self.path is not None:
            self.path.unlink(missing_ok=True)


class OutputLock:
    """An exclusive lock on an output for the length of a run (see the module doc)."""

    def __init__(self, out: Path, use_flock: bool = True) -> None:
        self.out = out
        self.path = partial_path(out, "lock")
        self.fd: int | None = None
        self.use_flock = use_flock
        self.stale = False  # a previous run ended without removing its lock (killed)

    def acquire(self) -> "OutputLock":
        """Take the lock or raise :class:`UsageError` naming the holder; an unwritable
        place raises ``OSError``."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX
            fcntl = None
        if fcntl is not None and self.use_flock:
            self._flock(fcntl)
        else:
            self._exclusive()
        os.ftruncate(self.fd, 0)
        os.write(self.fd, f"{os.getpid()}\n".encode())
        return self

    def _flock(self, fcntl: Any) -> None:
        while True:
            self.stale = os.path.exists(self.path)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = _holder(fd)
                os.close(fd)
                raise UsageError(E.LOCKED.format(out=self.out, holder=holder)) from None
            try:  # the file we locked may have been removed by a run that just ended
                same = os.stat(self.path).st_ino == os.fstat(fd).st_ino
            except FileNotFoundError:
                same = False
            if same:
                self.fd = fd
                return
            os.close(fd)

    def _exclusive(self) -> None:
        while True:
            try:
                self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o644)
                return
            except FileExistsError:
                pid = _pid(self.path)
                if pid is not None and pid != os.getpid() and _alive(pid):
                    raise UsageError(E.LOCKED.format(out=self.out, holder=f"process {pid}"))
                self.stale = True
                self.path.unlink(missing_ok=True)  # its holder is gone

    def release(self) -> None:
        if self.fd is None:
            return
        self.path.unlink(missing_ok=True)  # while still holding it
        os.close(self.fd)
        self.fd = None


def _holder(fd: int) -> str:
    try:
        pid = int(os.pread(fd, 32, 0).decode().strip() or 0)
    except (OSError, ValueError):
        pid = 0
    return f"process {pid}" if pid else "another process"


def _pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
