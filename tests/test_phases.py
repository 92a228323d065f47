"""The progress line's phase board: what a worker process notes is what the main
process reads, across real processes."""

import multiprocessing
import time

from polyclean.phases import Board
from polyclean.pipeline import Cleaner


def _worker(board, entered, release):
    board.claim()
    board.enter("translate")
    entered.set()
    release.wait(10)
    board.enter(None)


def test_a_worker_in_translation_shows_as_translating_in_the_main_process():
    ctx = multiprocessing.get_context("spawn")  # nothing inherited: the board is sent
    board = Board(2)
    board.bind(ctx)
    entered, release = ctx.Event(), ctx.Event()
    procs = [ctx.Process(target=_worker, args=(board, entered, release)) for _ in range(2)]
    for p in procs:
        p.start()
    try:
        assert entered.wait(60)
        for _ in range(600):  # both workers in
            if board.describe() == "translating ×2":
                break
            time.sleep(0.05)
        assert board.describe() == "translating ×2"
    finally:
        release.set()
        for p in procs:
            p.join(30)
    assert board.describe() == ""


def test_a_cleaner_tells_its_watch_each_stage_in_order_then_none():
    seen = []
    cleaner = Cleaner(translate=False)
    cleaner.watch = seen.append
    cleaner.clean_batch(["Hello there, this is a sentence."])
    from polyclean.stages import STAGES

    assert seen == [k.name for k in STAGES if k.name != "translate"] + [None]
    seen.clear()
    cleaner = Cleaner(translate=True)
    cleaner.watch = seen.append
    cleaner.clean_batch(["Hello there, this is a sentence."])
    assert "translate" in seen


def test_the_progress_line_shows_the_input_and_the_phase(capsys):
    from polyclean.runlog import Progress

    board = Board(1, local=True)
    board.claim()
    progress = Progress(True, 1000, board)
    progress.update(10, 500, 500, "crawl/part-0001.jsonl", force=True)
    board.enter("boilerplate")  # one process: the line is drawn again at once
    progress.last = 0.0
    board.enter("translate")
    line = capsys.readouterr().err.split("\r")[-1]
    assert "50.0%" in line and "crawl/part-0001.jsonl" in line
    assert line.rstrip("\x1b[K").endswith("[translating]")
