"""``polyclean clean --html-report``: the page is written at the end of the run, its
counts equal the run summary's, the summary JSON carries the stage timings the page
plots, and a killed run resumed with ``--resume`` gives a page that counts the whole
run (the aggregate is saved beside the journal after every batch)."""

import json
import re
from pathlib import Path

from polyclean import cli

from test_resume import command, run_and_kill, write_jsonl

ROOT = Path(__file__).resolve().parents[1]


def counts(page: Path) -> dict[tuple[str, str], str]:
    """The totals the page shows: (key, summary|reports) -> the number as shown."""
    html = page.read_text("utf-8")
    found = re.findall(r"data-count='([^']+)' data-from=(\w+)>([^<]*)<", html)
    return {(k, src): v.replace(",", "") for k, src, v in found}


def test_html_report_counts_equal_the_summary_and_timings_are_in_it(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 600)  # one bad record
    out, page, summ = tmp_path / "out.jsonl", tmp_path / "run.html", tmp_path / "sum.json"
    rc = cli.main(["clean", str(src), "-o", str(out), "--no-translate", "-q",
                   "--batch-docs", "100", "--html-report", str(page),
                   "--summary-json", str(summ)])
    assert rc == 1  # the bad record
    summary = json.loads(summ.read_text("utf-8"))
    assert set(summary["timings"]) >= {"decode", "detect", "boilerplate", "normalize"}
    assert all(v >= 0 for v in summary["timings"].values())
    shown = counts(page)
    for key in ("documents", "errors"):
        assert shown[(key, "summary")] == shown[(key, "reports")] == str(summary[key]), key
    assert summary["documents"] == 599 and summary["errors"] == 1
    assert not list(tmp_path.glob(".*polyclean-*"))  # no work file left behind


def test_html_report_of_a_killed_and_resumed_run_counts_the_whole_run(tmp_path):
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 3000)
    whole, page0 = tmp_path / "whole.jsonl", tmp_path / "whole.html"
    assert cli.main(["clean", str(src), "-o", str(whole), "--no-translate", "-q",
                     "--batch-docs", "50", "--html-report", str(page0)]) == 1
    out, page = tmp_path / "out.jsonl", tmp_path / "resumed.html"
    cmd = command(src, out, "--html-report", str(page), "-q")
    journal = out.with_name(f".{out.name}.polyclean-journal")
    run_and_kill(cmd, journal, at_least=600, total=3000)
    assert not page.exists()
    rc = cli.main(cmd[cmd.index("clean"):] + ["--resume"])
    assert rc == 1 and out.read_bytes() == whole.read_bytes()
    a, b = counts(page0), counts(page)
    for key in ("documents", "errors", "lines_removed"):
        assert a[(key, "reports")] == b[(key, "reports")], key
    assert b[("documents", "reports")] == b[("documents", "summary")]


def test_a_kill_between_the_page_log_and_the_journal_counts_each_batch_once(tmp_path):
    """What a batch adds to the page is logged before the journal; a kill in between
    leaves one entry the journal does not count, and the resumed run drops it."""
    from polyclean.runner import RunPage

    path = tmp_path / "run.html"
    page = RunPage(str(path), tmp_path / ".journal")
    page.error("a", "bad record")
    page.save(100)  # batch 1, then the journal says 100 records
    page.error("b", "bad record")
    page.save(200)  # batch 2 logged ... and the run is killed before the journal
    again = RunPage(str(path), tmp_path / ".journal")
    again.restore(100)
    assert again.agg.errors == 1
    again.error("b", "bad record")  # batch 2 again, after the resume
    again.save(200)
    last = RunPage(str(path), tmp_path / ".journal")
    last.restore(200)
    assert last.agg.errors == 2  # not 3
    assert [p.name for p in tmp_path.iterdir()] == [".run.html.polyclean-runreport"]


def test_the_sampled_documents_do_not_depend_on_the_workers(tmp_path):
    """The page's sample is the documents whose ids hash lowest, whatever -j: the
    workers' warm-up must not take a place in it, and -j 2 shows what -j 1 shows."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 1200)
    seen = []
    for jobs in ("1", "2"):
        page = tmp_path / f"run{jobs}.html"
        cli.main(["clean", str(src), "-o", str(tmp_path / f"out{jobs}.jsonl"),
                  "--no-translate", "-q", "--batch-docs", "100", "-j", jobs,
                  "--html-report", str(page)])
        html = page.read_text("utf-8")
        seen.append(re.findall(r"<details class=doc><summary><code>([^<]*)</code>", html))
    assert seen[0] and seen[0] == seen[1]
    assert not any("warm-up" in doc for doc in seen[1])


def test_a_run_started_over_then_resumed_counts_each_record_once(tmp_path):
    """A killed run, the same command without --resume (it starts over) killed later,
    then --resume: the page counted the first run's batches as well (its log beside the
    page was appended to, not started again): 3000 records shown as 3,5xx."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 3000)
    page0 = tmp_path / "whole.html"
    assert cli.main(["clean", str(src), "-o", str(tmp_path / "whole.jsonl"), "--no-translate",
                     "-q", "--batch-docs", "50", "--html-report", str(page0)]) == 1
    out, page = tmp_path / "out.jsonl", tmp_path / "run.html"
    cmd = command(src, out, "--html-report", str(page), "-q")
    journal = out.with_name(f".{out.name}.polyclean-journal")
    run_and_kill(cmd, journal, at_least=200, total=3000)
    run_and_kill(cmd, journal, at_least=1200, total=3000)  # started over, killed later
    assert cli.main(cmd[cmd.index("clean"):] + ["--resume"]) == 1
    a, b = counts(page0), counts(page)
    for key in ("documents", "errors", "lines_removed"):
        assert a[(key, "reports")] == b[(key, "reports")], key


def test_a_page_added_or_changed_on_resume_is_refused(tmp_path, capsys):
    """--html-report given only to the --resume run made a page of the resumed records
    alone (12,620 of 19,970 documents, no word); it is refused like any other option
    that differs."""
    src = tmp_path / "in.jsonl"
    write_jsonl(src, 3000)
    out = tmp_path / "out.jsonl"
    cmd = command(src, out, "-q")
    run_and_kill(cmd, out.with_name(f".{out.name}.polyclean-journal"), 300, 3000)
    again = cmd[cmd.index("clean"):] + ["--resume"]
    assert cli.main(again + ["--html-report", str(tmp_path / "run.html")]) == 2
    assert "belongs to other inputs or options" in capsys.readouterr().err
    assert not (tmp_path / "run.html").exists()
    assert cli.main(again) == 1


def test_a_kill_while_the_outputs_are_put_in_place_still_writes_the_page(tmp_path):
    """Killed after the last journal (the one that says the run is finished) and before
    the page: --resume put the outputs in place and wrote no page, leaving its log."""
    import faults

    src = faults.make_inputs(tmp_path)

    def args(folder: Path) -> list[str]:
        return [str(src), "-o", str(folder / "o.jsonl"), "--no-translate", "-q", "-j", "1",
                "--batch-docs", "3", "--html-report", str(folder / "o.html")]

    (tmp_path / "ref").mkdir()
    ended, total = faults.killed_run(args(tmp_path / "ref"), 10 ** 9, "before")
    assert ended == 1  # the bad line
    expected = counts(tmp_path / "ref" / "o.html")
    for n in range(total - 4, total + 1):  # the last journal, the renames, its removal
        for when in ("before", "after"):
            work = tmp_path / f"k{n}{when}"
            work.mkdir()
            assert faults.killed_run(args(work), n, when)[0] == -9
            assert faults.resume(args(work)) == 1
            assert counts(work / "o.html") == expected, (n, when)
            assert not [p.name for p in work.iterdir() if ".polyclean-" in p.name], (n, when)
