"""What a batch run tells: the errors file, one-line messages, the progress line and
the summary (a line on stderr, and JSON with ``--summary-json``).

**The errors file** (JSONL, schema ``polyclean-errors/1``): one object per record or
input that yields no output record (or that failed and was written with its error in
``--status-field``), with ``input`` (the name as given), ``line`` (JSONL), ``row``
(CSV/TSV/Parquet) or ``offset`` (WARC) when it is one record, ``id`` (the record's own
id, with ``--id-field``), a skipped WARC record's ``url``, ``warc_record_id`` and
``date``, ``status`` (one of :data:`STATUSES`), ``error`` (the message) and, for a bad
line or row, ``raw`` (a bounded excerpt of it).

**Messages**: an input that fails as a whole is printed as ``polyclean: error: NAME:
message`` (a skipped one as a ``warning:``); the first record that fails with a given
message as ``polyclean: error: NAME:line N: message``, and later records with the same
message only count: the end of the run gives the count.
Names are shown with control characters escaped, so each message is one line.
"""

from __future__ import annotations

import contextlib
import errno
import shlex
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator

from .errors import E, OutputError, plural
from .formats import COMPRESSIONS
from .plan import show
from .records import to_json
from .sinks import StreamSink

ERRORS_SCHEMA = "polyclean-errors/1"
SUMMARY_SCHEMA = "polyclean-summary/1"
#: ``status`` of an errors-file entry: ``error`` (the record or input could not be
#: cleaned) or ``skipped`` (not processed on purpose: a FIFO in an input folder).
STATUSES = ("error", "skipped")
#: ``status`` of a run in the summary JSON.
RUN_STATUSES = ("ok", "failed", "stopped", "interrupted")


def why(exc: BaseException, path: str | Path | None = None) -> str:
    """The reason of an OS error as the other messages put it (lower case).  When
    ``path`` (the file being written) lies under a *file*, that is the reason given
    (``mkdir`` says "file exists" and ``open`` "not a directory", neither naming it).

    >>> why(OSError(28, "No space left on device"))
    'no space left on device'
    >>> import tempfile, os
    >>> d = tempfile.mkdtemp(); f = os.path.join(d, "a.txt"); open(f, "w").close()
    >>> why(FileExistsError(17, "File exists"), os.path.join(f, "r.jsonl")) == f + " is not a folder"
    True
    """
    if path is not None and isinstance(exc, (FileExistsError, NotADirectoryError)):
        bad = file_above(Path(path))
        if bad is not None:
            return E.NOT_A_FOLDER.format(where=show(str(bad)))
    text = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def file_above(path: Path) -> Path | None:
    """The nearest existing folder of ``path`` that is not a folder (a file), or None.

    >>> file_above(Path("/no/such/place/r.jsonl")) is None
    True
    """
    for up in path.parents:
        if up.exists():
            return None if up.is_dir() else up
    return None


def safe(text: str) -> str:
    """``text`` without lone surrogates (bytes a reader could not decode, quoted in a
    message), so that it can be written as UTF-8.

    >>> safe("no column 'caf\\udce9'")
    "no column 'caf\ufffd'"
    """
    return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace") if any(
        "\ud800" <= c <= "\udfff" for c in text) else text


def say(kind: str, text: str) -> None:
    """One line on stderr: ``polyclean: KIND: text``."""
    print(f"polyclean: {kind}: {safe(text)}", file=sys.stderr)


@dataclass
class Summary:
    records: int = 0
    errors: int = 0
    skipped: int = 0
    bytes_in: int = 0
    bytes_out: int = 0
    stats: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    errors_path: str | None = None
    resumed_at: int = 0
    resumed_documents: int = 0  # of them documents, and their bytes in: the killed run's
    resumed_bytes_in: int = 0
    status: str = "ok"
    inputs: int = 0
    outputs: int = 0
    # how the inputs were read (text field, encoding, HTML extraction), so that
    # `polyclean report --summary` reads the sampled documents again the same way
    reading: dict[str, Any] = field(default_factory=dict)

    @property
    def documents(self) -> int:
        return self.stats.get("documents", 0)

    def untranslated(self) -> dict[str, int]:
        """Fragments left untranslated for want of a package, by language."""
        found = {k.split(":", 1)[1]: v for k, v in self.stats.items()
                 if k.startswith("untranslated:")}
        return dict(sorted(found.items(), key=lambda kv: (-kv[1], kv[0])))

    def rate(self) -> float:
        """Documents per second of this run (a resumed run's seconds are its own, so the
        documents the killed run had done are not counted in its speed)."""
        return (self.documents - self.resumed_documents) / max(self.seconds, 1e-9)

    def line(self) -> str:
        """The one-line summary printed at the end of a run."""
        st, secs = self.stats, max(self.seconds, 1e-9)
        text = (f"polyclean: {plural(self.documents, 'document')}, {self.errors:,} failed, "
                + (f"{self.skipped:,} skipped, " if self.skipped else "")
                + (f"{st['documents_empty']:,} empty (see the warnings), "
                   if st.get("documents_empty") else "")
                + f"{plural(self.bytes_in, 'byte')} in, {plural(self.bytes_out, 'byte')} out, "
                f"{plural(st.get('fragments_other_lang', 0), 'fragment')} not in the target "
                "language "
                f"({st.get('fragments_foreign', 0):,} foreign to their document), "
                f"{st.get('fragments_translated', 0):,} translated, "
                f"{st.get('fragments_untranslated', 0):,} left untranslated, "
                f"translation cache {plural(st.get('cache_hit', 0), 'hit')} / "
                f"{plural(st.get('cache_miss', 0), 'miss', 'misses')}, "
                f"{plural(st.get('lines_removed', 0), 'boilerplate line')} removed, "
                f"{self.seconds:.2f} s ({self.rate():,.0f} docs/s, "
                f"{(self.bytes_in - self.resumed_bytes_in) / secs / 1e6:.2f} MB/s)")
        if self.resumed_at:
            text += f"; resumed after {plural(self.resumed_at, 'record')}"
        if self.errors_path and (self.errors or self.skipped):
            text += f"; errors in {self.errors_path}"
        return text

    def untranslated_warning(self, target: str = "en", packages_dir: str | None = None
                             ) -> str | None:
        """The end-of-run warning about fragments no package could translate; its
        commands name the pair into ``target`` and the ``packages_dir`` the run used.

        >>> Summary(stats={"untranslated:ru": 2}).untranslated_warning("de", "/srv/argos")
        "2 fragments left untranslated (ru 2): no installed translation package; see 'polyclean models list --packages-dir /srv/argos' and 'polyclean models install ru-de --packages-dir /srv/argos'"
        """
        langs = self.untranslated()  # for want of a package (not refused by the checks)
        n = sum(langs.values())
        if not n:
            return None
        listed = ", ".join(f"{lang} {k:,}" for lang, k in langs.items())
        opt = f" --packages-dir {_quoted(str(packages_dir))}" if packages_dir else ""
        broken = sorted(k.split(":", 1)[1] for k in self.stats if k.startswith("unloadable:"))
        if broken:  # installed, yet not usable: 'install it' would send the user astray
            return E.UNTRANSLATED_UNLOADABLE.format(n=n, s="" if n == 1 else "s", langs=listed,
                                                    packages=", ".join(broken), first=broken[0],
                                                    opt=opt)
        first = next(iter(langs))
        if target != "en":  # 'models install ru' installs ru -> en
            first = f"{first}-{target}"
        return E.UNTRANSLATED.format(n=n, s="" if n == 1 else "s", langs=listed, first=first,
                                     opt=opt)

    def failed_warning(self, policy: str = "keep", packages_dir: str | None = None
                       ) -> str | None:
        """The end-of-run warning about sentences a package failed on (each one failed
        alone; the package was used for every other sentence).

        >>> Summary(stats={"model_failed:translate-ru_en-1.0": 2}).failed_warning()
        "2 sentences could not be translated (translate-ru_en-1.0): the package failed on them (kept as they were; each is in the report); see 'polyclean models check translate-ru_en-1.0' for why"
        """
        found = {k.split(":", 1)[1]: v for k, v in sorted(self.stats.items())
                 if k.startswith("model_failed:")}
        n = sum(found.values())
        if not n:
            return None
        opt = f" --packages-dir {_quoted(str(packages_dir))}" if packages_dir else ""
        one = n == 1
        done = {"transliterate": "transliterated", "drop": "dropped",
                "fail": "its document failed" if one else "their documents failed"
                }.get(policy, "kept as it was" if one else "kept as they were")
        first = next(iter(found)).split("+")[0]
        return E.SENTENCES_FAILED.format(n=n, s="" if n == 1 else "s", them="it" if n == 1 else "them",
                                         packages=", ".join(found), policy=done, first=first,
                                         opt=opt)

    def to_json(self) -> dict[str, Any]:
        """The summary as ``--summary-json`` writes it (schema ``polyclean-summary/1``)."""
        data = {"schema": SUMMARY_SCHEMA, **asdict(self)}
        data["seconds"] = round(self.seconds, 3)
        data["documents"] = self.documents
        data["untranslated"] = self.untranslated()
        data["timings"] = {k[5:]: round(v, 3) for k, v in self.stats.items()
                           if k.startswith("time:")}
        data["stats"] = {k: v for k, v in sorted(self.stats.items())
                         if not k.startswith(("untranslated:", "time:"))}
        return data


def _quoted(path: str) -> str:
    """``path`` as a shell word inside a message that quotes commands with '...'.

    >>> _quoted("/srv/argos"), _quoted("my dir")
    ('/srv/argos', '"my dir"')
    """
    if shlex.quote(path) == path:
        return path
    return '"' + "".join("\\" + c if c in '"\\$`' else c for c in path) + '"'


def write_summary_json(path: str, summary: Summary) -> None:
    """Write the summary JSON: through a rename, or straight into a device or FIFO
    (``/dev/stdout``), which a rename would replace with a regular file; ``-`` is
    standard output."""
    import json

    from .sinks import write_whole

    try:
        text = json.dumps(summary.to_json(), indent=1) + "\n"
        if path == "-":  # standard output
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_whole(Path(path), text.encode("utf-8"))
    except OSError as exc:
        raise OutputError(E.SIDE_FILE_FAILED.format(path=path, what="summary",
                                                    why=why(exc, path)),
                          exc.errno) from None


class Lines:
    """An errors or report JSONL: a partial file put in place at the end, or stderr.

    A failed write raises :class:`OutputError` (errors must never be lost silently)."""

    def __init__(self, path: str | Path | None, resume: dict | None, what: str) -> None:
        self.path = None if path in (None, "-") else Path(path)
        self.stderr = path == "-"
        self.what = what
        self.sink: StreamSink | None = None
        if self.path:
            with self._guard():
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self.sink = StreamSink(self.path, compress=COMPRESSIONS.get(
                    self.path.suffix.lower()), resume=resume)  # r.jsonl.gz: gzip

    @contextlib.contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except OSError as exc:
            raise OutputError(E.SIDE_FILE_FAILED.format(path=self.path, what=self.what,
                                                        why=why(exc, self.path)),
                              exc.errno) from None

    def write(self, line: str) -> None:
        if self.sink:
            with self._guard():
                self.sink.write(line.encode("utf-8"))
        elif self.stderr:
            sys.stderr.write(line)

    def state(self) -> dict | None:
        return self.sink.state() if self.sink else None

    def commit(self) -> None:
        if self.sink:
            with self._guard():
                self.sink.commit()

    def close(self) -> None:
        if self.sink:
            self.sink.close()

    def finalize(self, keep: bool = True) -> None:
        if not self.sink:
            return
        with self._guard():
            if keep:
                self.sink.finalize()
            else:
                self.sink.abort()
                if not self.sink.direct:  # a stale file of an earlier run
                    _unlink_stale(self.path)


def _unlink_stale(path: Path) -> None:
    """Remove ``path`` if it is there; a name too long to exist (``-o`` a folder of 250
    bytes: its ``.errors.jsonl`` beside it) is not there, and not an error of a run
    that had nothing to write into it (it stopped such a run with exit 1)."""
    try:
        path.unlink(missing_ok=True)
    except OSError as exc:
        if exc.errno != errno.ENAMETOOLONG:
            raise


class ErrorLog:
    """Every failed or skipped record: a line in the errors file, and on stderr the
    first of each kind of message (the others are counted)."""

    def __init__(self, lines: Lines, errors_path: str | None, quiet: bool,
                 max_kinds: int = 20) -> None:
        self.lines, self.errors_path, self.quiet = lines, errors_path, quiet
        self.max_kinds = max_kinds
        self.seen: dict[tuple[str, str], list] = {}  # (status, message) -> [where, count]

    def add(self, name: str, where: str, status: str, msg: str, raw: str | None,
            extra: dict[str, Any] | None = None) -> None:
        """One entry; ``extra`` are fields that identify the record besides its place
        (``id``: the record's own id, shown in the message instead of its place; a
        skipped WARC record's ``url``, ``warc_record_id``, ``date``)."""
        msg = safe(msg)
        entry: dict[str, Any] = {"input": name}
        if where:
            key, _, num = where.partition(" ")
            entry[key] = int(num)
        if extra:
            entry.update(extra)
        entry["status"] = status
        entry["error"] = msg
        if raw is not None:
            entry["raw"] = raw
        self.lines.write(to_json(entry) + "\n")
        self.tell(name, where, status, msg, extra)

    def tell(self, name: str, where: str, status: str, msg: str,
             extra: dict[str, Any] | None = None) -> None:
        """The stderr side of :meth:`add` alone; status ``warning`` is a record that
        was written but deserves a word (it came out empty) and has no errors-file
        line."""
        if extra and extra.get("id") is not None:
            where = f"id {extra['id']}"
        loc = show(f"{name}:{where}" if where else name)
        kind = "error" if status == "error" else "warning"
        if status != "error" and self.quiet:
            return
        if not where:  # a whole input: always its own line
            say(kind, f"{loc}: {msg}")
            return
        seen = self.seen.get((status, msg))
        if seen is not None:
            seen[1] += 1
            return
        self.seen[(status, msg)] = [loc, 1]
        if len(self.seen) <= self.max_kinds:
            say(kind, f"{loc}: {msg}")
        elif len(self.seen) == self.max_kinds + 1:
            say(kind, E.MORE_ERRORS.format(errors=self.errors_path or "the errors above"))

    def repeats(self) -> None:
        """At the end: the count of each message that came more than once."""
        for (status, msg), (loc, n) in list(self.seen.items())[:self.max_kinds]:
            if n > 1 and (status == "error" or not self.quiet):
                text = (E.REPEATED.format(where=loc, why=msg, n=n, errors=self.errors_path)
                        if self.errors_path and status != "warning" else
                        E.REPEATED_NO_FILE.format(where=loc, why=msg, n=n))
                say("error" if status == "error" else "warning", text)


class Progress:
    """One self-overwriting stderr line: documents, docs/s, MB/s, ETA, the input being
    written and, from a :class:`~polyclean.phases.Board`, the phase of the batches in
    work (``learning boilerplate``, ``translating ×2``)."""

    def __init__(self, enabled: bool, total: int, board: Any = None,
                 resumed: tuple[int, int] = (0, 0)) -> None:
        self.enabled, self.total, self.board = enabled, total, board
        self.start = self.last = time.monotonic()
        self.numbers: tuple[int, int, int] = (*resumed, 0)
        # A resumed run: the records and bytes the killed run had done are not this
        # run's speed, and the input it reads again quickly up to where it stopped is not
        # its progress; the ETA counts from the first batch shown.
        self.resumed = resumed
        self.since: tuple[float, int] | None = None if resumed[0] else (self.start, 0)
        self.drawn = False  # no batch shown yet
        self.name = ""
        if board is not None and enabled:
            board.on_change = self.refresh  # one process: redrawn as stages change

    def update(self, records: int, bytes_in: int, position: int, name: str = "",
               force: bool = False) -> None:
        self.numbers = (records, bytes_in, position)
        self.name = name or self.name
        if self.since is None:
            self.since = (time.monotonic(), position)
        self.refresh(force or not self.drawn)  # the first batch is shown at once

    def refresh(self, force: bool = False) -> None:
        """Draw the line again (at most four times a second unless ``force``)."""
        now = time.monotonic()
        if not self.enabled or (not force and now - self.last < 0.25):
            return
        self.last = now
        records, bytes_in, position = self.numbers
        self.drawn = self.drawn or records > 0
        secs = max(now - self.start, 1e-6)
        eta = ""
        if self.total and self.since is not None and position > self.since[1]:
            left = (max(self.total - position, 0) * max(now - self.since[0], 1e-6)
                    / (position - self.since[1]))
            eta = f"  ETA {int(left) // 3600}:{int(left) % 3600 // 60:02d}:{int(left) % 60:02d}"
        pct = f"{min(100.0, 100.0 * position / self.total):5.1f}%  " if self.total else ""
        where = f"  {_tail(self.name, 40)}" if self.name else ""
        phase = self.board.describe() if self.board is not None else ""
        sys.stderr.write(f"\rpolyclean: {pct}{plural(records, 'record')}"
                         f"  {(records - self.resumed[0]) / secs:,.0f} docs/s"
                         f"  {(bytes_in - self.resumed[1]) / secs / 1e6:.2f} MB/s{eta}{where}"
                         f"{'  [' + phase + ']' if phase else ''}\x1b[K")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()




def _tail(name: str, width: int) -> str:
    """``name`` cut to its last ``width`` characters.

    >>> _tail("crawl/2024/very/long/folder/page.txt", 12)
    '…er/page.txt'
    """
    return name if len(name) <= width else "…" + name[-(width - 1):]
