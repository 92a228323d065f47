"""Bugs a new user found by trying the command line on inputs nobody had used (fourth
round): each test is the user's command, run as the user runs it (a real process where
the shell's redirections matter), and asserts what the user sees: exit code, one-line
message, files left as they were."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from polyclean import cli

ROOT = Path(__file__).resolve().parents[1]


def run(*args):
    return cli.main([*map(str, args)])


def run_cli(*args, **kw) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    kw.setdefault("stdout", subprocess.PIPE)
    return subprocess.run([sys.executable, "-m", "polyclean", *map(str, args)],
                          stderr=subprocess.PIPE, text=True, env=env, timeout=300, **kw)


TEXT = "The council met on Tuesday to discuss the budget for the next year.\n"


# --- writing to a full disk ------------------------------------------------------------
@pytest.mark.parametrize("args", [["--version"], ["--help"], ["clean", "--help"],
                                  ["models", "--help"]])
def test_version_and_help_on_a_full_disk_fail(args):
    # `polyclean --version > /dev/full` exited 0 without a word (argparse swallows the
    # failed write), while every other write to a full disk is one line and exit 1
    with open("/dev/full", "w") as full:
        proc = run_cli(*args, stdout=full)
    assert proc.returncode == 1, proc
    assert proc.stderr == "polyclean: error: stdout: no space left on device\n"


def test_version_and_help_into_a_closed_pipe_stay_quiet():
    # a reader that goes away (`polyclean --help | head -1`) is not an error
    proc = subprocess.run(f"'{sys.executable}' -m polyclean clean --help | head -1",
                          shell=True, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60)
    assert proc.stdout.startswith("usage: polyclean clean") and proc.stderr == ""
    assert run_cli("--version").stdout.startswith("polyclean ")


sys.path.insert(0, str(Path(__file__).parent))
from argos_tiny import argos_env, tiny_zips  # noqa: E402,F401  (fixtures)


def test_models_list_on_a_full_disk_is_one_line(argos_env, tiny_zips):
    # `polyclean models list > /dev/full` ended in a traceback (OSError from print)
    assert run("models", "install", tiny_zips["ru-en"]) == 0
    with open("/dev/full", "w") as full:
        proc = run_cli("models", "list", stdout=full)
    assert (proc.returncode, proc.stderr) == (
        1, "polyclean: error: stdout: no space left on device\n")
