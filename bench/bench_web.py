"""HTML and WARC input: reading speed (FastWARC vs warcio), extraction speed beside
trafilatura's own, ``polyclean clean`` on HTML files and on an archive, and memory.

    .venv/bin/python bench/bench_web.py                       # about 45 minutes (a 1 GB archive)
    .venv/bin/python bench/bench_web.py --only cli --rounds 3 # polyclean clean vs trafilatura
    .venv/bin/python bench/bench_web.py --only cli-memory --archive-mb 100,1000

Archives are built here with warcio's writer from the 270 HTML pages of
``../shared/data`` (trafilatura subset + Scrapinghub), repeated to ``--mb`` MB of
HTML, one gzip member per record as Common Crawl writes them, with a request record
before each response and a PNG response every tenth record (skipped by the reader).

Measured in one run, median and range over ``--rounds`` rounds, MB per second of the
archive file (compressed) and of the HTML in it:

* ``reader``: ``WarcReader`` alone (FastWARC; every record's body read) and warcio's
  ``ArchiveIterator`` on the same file (body read), for the choice of library;
  ``WarcReader`` + ``record_to_text(mode)`` for ``main`` and ``all`` (charset,
  extraction, dropped counts) against ``trafilatura.extract`` on the same pages
  already decoded (trafilatura's own extraction speed);
* ``cli``: the whole ``polyclean clean`` command (process start, extraction, repair,
  detection, boilerplate removal, normalisation; translation off), ``-j 1`` and
  ``-j 2``, on the 270 pages as ``.html`` files (MB/s of HTML) and on the archive
  (MB/s of HTML and of archive), beside ``trafilatura.extract`` alone on the same
  decoded pages, in the same round;
* ``memory``: the peak RSS of a fresh process that reads an archive of each
  ``--memory-mb`` size through ``WarcReader`` (bodies read, nothing kept);
* ``cli-memory``: the peak memory (PSS of the main process and its workers, sampled)
  of ``polyclean clean ARCHIVE -o OUT.jsonl -j 2`` on archives of each ``--archive-mb``
  size (MB of the compressed file), so growth with the archive's size would show.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
sys.path.insert(0, str(ROOT))

from polyclean.web import WarcReader, decode_html, record_to_text  # noqa: E402


def pages() -> list[tuple[str, bytes]]:
    out = []
    for folder, key in (("trafilatura-eval-subset", "annotations.jsonl"),
                        ("scrapinghub-article-extraction-benchmark", "ground_truth.jsonl")):
        with open(DATA / folder / key, encoding="utf-8") as fh:
            for line in fh:
                d = json.loads(line)
                out.append((d["url"], gzip.open(DATA / folder / d["html_file"]).read()))
    return out


def build(path: Path, src: list[tuple[str, bytes]], mb: float) -> int:
    """Write an archive of about ``mb`` MB of HTML; return the HTML bytes in it."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    html = 0
    n = 0
    with open(path, "wb") as fh:
        w = WARCWriter(fh, gzip=True)
        while html < mb * 1e6:
            url, body = src[n % len(src)]
            url = f"{url}#{n}"
            req = StatusAndHeaders(f"GET {url} HTTP/1.1", [("Host", "x")], is_http_request=True)
            w.write_record(w.create_warc_record(url, "request", payload=io.BytesIO(b""),
                                                http_headers=req))
            ctype = "image/png" if n % 10 == 9 else "text/html"
            payload = b"\x89PNG\r\n\x1a\n" + bytes(2048) if ctype == "image/png" else body
            hh = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            w.write_record(w.create_warc_record(url, "response", payload=io.BytesIO(payload),
                                                http_headers=hh))
            html += len(body) if ctype == "text/html" else 0
            n += 1
    return html


def build_file(path: Path, src: list[tuple[str, bytes]], file_mb: float) -> int:
    """An archive file of about ``file_mb`` MB (compressed); returns its HTML bytes."""
    html, step = 0, max(1.0, file_mb)
    part = path.with_name(path.name + ".part")
    with open(path, "wb") as out:
        while out.tell() < file_mb * 1e6:
            html += build(part, src, step * 4.6)  # about 4.6 MB of HTML per MB of archive
            with open(part, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    out.write(chunk)
            step = max(1.0, min(step, file_mb - out.tell() / 1e6))
    part.unlink()
    return html


def read_fastwarc(path: Path, mode: str | None = None) -> int:
    reader = WarcReader(path)
    reader.open()
    n = 0
    for rec in reader.records():
        if rec.error is None:
            n += 1
            if mode:
                record_to_text(rec.payload, mode)
    reader.close()
    return n


def read_warcio(path: Path) -> int:
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type == "response":
                rec.content_stream().read()
                n += 1
    return n


def trafilatura_own(decoded: list[tuple[str, str]]) -> int:
    import trafilatura

    for url, html in decoded:
        trafilatura.extract(html, url=url)
    return len(decoded)


_MEM_CHILD = """
import resource, sys
sys.path.insert(0, {root!r})
from polyclean.web import WarcReader
r = WarcReader(__import__("pathlib").Path({path!r})); r.open()
n = sum(1 for rec in r.records() if rec.error is None)
print(n, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def memory(path: Path) -> tuple[int, float]:
    out = subprocess.run([sys.executable, "-c", _MEM_CHILD.format(root=str(ROOT), path=str(path))],
                         capture_output=True, text=True, check=True).stdout.split()
    return int(out[0]), int(out[1]) / 1024


POLYCLEAN = [sys.executable, "-m", "polyclean", "clean"]


def run_cli(args: list[str]) -> float:
    t0 = time.perf_counter()
    proc = subprocess.run(POLYCLEAN + args + ["--no-translate", "-q"], cwd=ROOT,
                          capture_output=True, text=True)
    secs = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1: records that failed (none here)
        sys.exit(f"bench_web: polyclean clean {' '.join(args)} failed:\n{proc.stderr[-2000:]}")
    return secs


def show(times: dict[str, list[float]], sizes: dict[str, tuple[float, float]],
         rounds: int) -> None:
    print(f"\n{'':<52}{'MB/s archive':>14}{'MB/s HTML':>12}   (median [range] of "
          f"{rounds} rounds)")
    for name, ts in times.items():
        med = statistics.median(ts)
        arch, html = sizes[name]
        a = f"{arch / 1e6 / med:.2f}" if arch else ""
        print(f"{name:<52}{a:>14}{html / 1e6 / med:>12.2f}   "
              f"[{html / 1e6 / max(ts):.2f}-{html / 1e6 / min(ts):.2f}]")


def bench_reader(tmp: Path, src: list, args: argparse.Namespace) -> None:
    path = tmp / "speed.warc.gz"
    html = build(path, src, args.mb)
    size = path.stat().st_size
    decoded = decoded_pages(path)
    print(f"archive: {size / 1e6:.1f} MB compressed, {html / 1e6:.1f} MB of HTML in "
          f"{len(decoded)} HTML records (+ requests and PNG responses)")
    runs = {
        "WarcReader (FastWARC), bodies read": lambda: read_fastwarc(path),
        "warcio ArchiveIterator, bodies read": lambda: read_warcio(path),
        "WarcReader + record_to_text(main)": lambda: read_fastwarc(path, "main"),
        "WarcReader + record_to_text(all)": lambda: read_fastwarc(path, "all"),
        "trafilatura.extract alone (decoded pages)": lambda: trafilatura_own(decoded),
    }
    times: dict[str, list[float]] = {k: [] for k in runs}
    for _ in range(args.rounds):
        for name, fn in runs.items():
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    show(times, {k: (0 if k.startswith("trafilatura") else size, html) for k in runs},
         args.rounds)


def decoded_pages(path: Path) -> list[tuple[str, str]]:
    decoded = []
    reader = WarcReader(path)
    reader.open()
    for rec in reader.records():
        if rec.error is None:
            decoded.append((rec.payload.url, decode_html(rec.payload.body).text))
    reader.close()
    return decoded


def bench_cli(tmp: Path, src: list, args: argparse.Namespace) -> None:
    """``polyclean clean`` on .html files and on an archive, beside trafilatura alone."""
    folder = tmp / "html"
    folder.mkdir()
    for i, (_, body) in enumerate(src):
        (folder / f"page{i:03d}.html").write_bytes(body)
    html_mb = sum(len(b) for _, b in src)
    path = tmp / "cli.warc.gz"
    warc_html = build(path, src, args.mb)
    size = path.stat().st_size
    decoded = decoded_pages(path)
    pages_decoded = [(u, decode_html(b).text) for u, b in src]
    print(f"\n{len(src)} .html files ({html_mb / 1e6:.1f} MB); archive {size / 1e6:.1f} MB "
          f"with {warc_html / 1e6:.1f} MB of HTML in {len(decoded)} HTML records; "
          "translation off, default options otherwise (--extract main, boilerplate on)")
    runs: dict[str, object] = {
        "trafilatura.extract alone, the .html pages": lambda: trafilatura_own(pages_decoded),
        "trafilatura.extract alone, the archive's pages": lambda: trafilatura_own(decoded),
    }
    sizes = {k: (0, html_mb if "html" in k else warc_html) for k in runs}
    for jobs in ("1", "2"):
        out = tmp / f"out-{jobs}"
        key = f"polyclean clean, .html files, -j {jobs}"
        runs[key] = lambda j=jobs, o=out: run_cli([str(folder), "-o", f"{o}/", "-j", j])
        sizes[key] = (0, html_mb)
        key = f"polyclean clean, archive -> .jsonl, -j {jobs}"
        runs[key] = lambda j=jobs, o=out: run_cli([str(path), "-o", f"{o}.jsonl", "-j", j])
        sizes[key] = (size, warc_html)
    times: dict[str, list[float]] = {k: [] for k in runs}
    for r in range(args.rounds):
        for name, fn in runs.items():
            for p in tmp.glob("out-*"):
                shutil.rmtree(p) if p.is_dir() else p.unlink()
            t0 = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t0)
    show(times, sizes, args.rounds)
    med = {k: statistics.median(v) for k, v in times.items()}
    for jobs in ("1", "2"):
        for kind, base in ((".html files", "the .html pages"), ("archive -> .jsonl",
                                                                 "the archive's pages")):
            k = f"polyclean clean, {kind}, -j {jobs}"
            print(f"  {k}: {med[f'trafilatura.extract alone, {base}'] / med[k]:.2f}x "
                  "trafilatura alone's speed")


def bench_memory(tmp: Path, src: list, args: argparse.Namespace) -> None:
    print("\nPeak RSS of a process reading an archive through WarcReader:")
    for mb in (float(x) for x in args.memory_mb.split(",")):
        p = tmp / f"mem{mb:g}.warc.gz"
        build(p, src, mb)
        n, rss = memory(p)
        print(f"  {mb:>6g} MB of HTML ({p.stat().st_size / 1e6:6.1f} MB archive, {n:>6} HTML "
              f"records): {rss:6.1f} MB")
        p.unlink()


def bench_cli_memory(tmp: Path, src: list, args: argparse.Namespace) -> None:
    """Peak PSS of ``polyclean clean ARCHIVE -j 2`` on archives of growing size."""
    sys.path.insert(0, str(ROOT / "bench"))
    from bench_batch import MAIN_PEAK, run_measured

    print("\npolyclean clean ARCHIVE -o OUT.jsonl -j 2 --no-translate: peak PSS of main + "
          "workers")
    peaks = {}
    for mb in (float(x) for x in args.archive_mb.split(",")):
        p = tmp / f"arch{mb:g}.warc.gz"
        html = build_file(p, src, mb)
        out = tmp / f"arch{mb:g}.jsonl"
        secs, peak = run_measured(POLYCLEAN + [str(p), "-o", str(out), "-j", "2",
                                               "--no-translate", "-q"])
        peaks[mb] = peak
        print(f"  {p.stat().st_size / 1e6:7.0f} MB archive ({html / 1e6:6.0f} MB of HTML): "
              f"{secs:7.1f} s, {html / 1e6 / secs:5.2f} MB/s of HTML, peak PSS {peak / 1e6:6.0f} "
              f"MB (main process alone {MAIN_PEAK[0] / 1e6:4.0f} MB), output "
              f"{out.stat().st_size / 1e6:.0f} MB", flush=True)
        p.unlink()
        out.unlink()
        for side in tmp.glob(f"arch{mb:g}.jsonl.*"):
            side.unlink()
    if len(peaks) >= 2:
        lo, hi = min(peaks), max(peaks)
        print(f"  peak at {hi:g} MB / peak at {lo:g} MB: {peaks[hi] / peaks[lo]:.2f}")


SECTIONS = {"reader": bench_reader, "cli": bench_cli, "memory": bench_memory,
            "cli-memory": bench_cli_memory}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=40, help="MB of HTML in the speed archives")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory-mb", default="50,400", help="archive sizes (MB of HTML)")
    ap.add_argument("--archive-mb", default="100,1000",
                    help="archive sizes for cli-memory (MB of the compressed file)")
    ap.add_argument("--only", choices=list(SECTIONS), action="append",
                    help="run only these sections (default: all)")
    args = ap.parse_args(argv)
    src = pages()
    for name in args.only or list(SECTIONS):
        with tempfile.TemporaryDirectory() as tmp:
            SECTIONS[name](Path(tmp), src, args)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
