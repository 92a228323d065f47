"""WARC input: reading speed (FastWARC vs warcio), extraction speed beside trafilatura's
own, and memory on growing archives.

    .venv/bin/python bench/bench_web.py                 # about 3 minutes
    .venv/bin/python bench/bench_web.py --rounds 1 --mb 20 --memory-mb 20,80

Archives are built here with warcio's writer from the 270 HTML pages of
``../shared/data`` (trafilatura subset + Scrapinghub), repeated to ``--mb`` MB of
HTML, one gzip member per record as Common Crawl writes them, with a request record
before each response and a PNG response every tenth record (skipped by the reader).

Measured in one run, median and range over ``--rounds`` rounds, MB per second of the
archive file (compressed) and of the HTML in it:

* ``WarcReader`` alone (FastWARC; every record's body read) and warcio's
  ``ArchiveIterator`` on the same file (body read), for the choice of library;
* ``WarcReader`` + ``record_to_text(mode)`` for ``main`` and ``all`` (charset,
  extraction, dropped counts) against ``trafilatura.extract`` on the same pages
  already decoded (trafilatura's own extraction speed).

Memory: the peak RSS of a fresh process that reads an archive of each ``--memory-mb``
size through ``WarcReader`` (bodies read, nothing kept), so growth with the archive's
size would show.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
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


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--mb", type=float, default=40, help="MB of HTML in the speed archive")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--memory-mb", default="50,400", help="archive sizes (MB of HTML)")
    args = ap.parse_args(argv)
    src = pages()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speed.warc.gz"
        html = build(path, src, args.mb)
        size = path.stat().st_size
        decoded = []
        reader = WarcReader(path)
        reader.open()
        for rec in reader.records():
            if rec.error is None:
                decoded.append((rec.payload.url, decode_html(rec.payload.body).text))
        reader.close()
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
        print(f"\n{'':<44}{'MB/s archive':>14}{'MB/s HTML':>12}   (median [range] of "
              f"{args.rounds} rounds)")
        for name, ts in times.items():
            med = statistics.median(ts)
            arch = "" if name.startswith("trafilatura") else f"{size / 1e6 / med:.2f}"
            print(f"{name:<44}{arch:>14}{html / 1e6 / med:>12.2f}   "
                  f"[{html / 1e6 / max(ts):.2f}-{html / 1e6 / min(ts):.2f}]")
        print("\nPeak RSS of a process reading an archive through WarcReader:")
        for mb in (float(x) for x in args.memory_mb.split(",")):
            p = Path(tmp) / f"mem{mb:g}.warc.gz"
            build(p, src, mb)
            n, rss = memory(p)
            print(f"  {mb:>6g} MB of HTML ({p.stat().st_size / 1e6:6.1f} MB archive, {n:>6} HTML "
                  f"records): {rss:6.1f} MB")
            p.unlink()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
