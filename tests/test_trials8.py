"""Small user-visible defects found by trying polyclean as a new user would: counts in
messages, compressed and cut report files, WARC records with bare-LF HTTP headers, and
a local package index that does not exist."""

from __future__ import annotations

import pytest

from argos_tiny import argos_env  # noqa: F401
from polyclean import cli


def run(capsys, *args) -> tuple[int, str, str]:
    rc = cli.main([str(a) for a in args])
    out, err = capsys.readouterr()
    return rc, out, err


# --- models: a local --index that does not exist ---------------------------------------------
@pytest.mark.parametrize("action", [("available",), ("install", "ru")])
def test_a_local_index_that_does_not_exist_is_named_not_taken_for_an_offline_machine(
        capsys, tmp_path, argos_env, action):
    """A mistyped local index used to say 'This machine looks offline' and send the user
    off to download packages elsewhere; it is one line saying the file does not exist."""
    for index, shown in ((tmp_path / "nope.json", tmp_path / "nope.json"),
                         (f"file://{tmp_path}/nope.json", f"file://{tmp_path}/nope.json"),
                         (tmp_path, tmp_path / "index.json")):  # a folder without one
        rc, out, err = run(capsys, "models", *action, "--index", index)
        assert rc == 1 and out == ""
        assert err == (f"polyclean models: error: the package index {shown} does not exist; "
                       "give --index the path of an index.json (or of a folder that holds "
                       "one), or its http(s) URL\n")
