"""`polyclean models ...`: list, install (file and index), available, remove, validation."""

from __future__ import annotations

import functools
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
import zipfile
from pathlib import Path

import pytest

from argos_tiny import RU_EN, argos_env, build_package_dir, tiny_zips, zip_folder  # noqa: F401
from polyclean import cli, models


def run(capsys, *args):
    rc = cli.main(["models", *map(str, args)])
    out, err = capsys.readouterr()
    return rc, out, err


def leftovers(env) -> list[str]:
    """Anything an install may leave behind: package folders and temporary files."""
    found = []
    for folder in (env.packages, env.packages.parent):
        if folder.exists():
            found += [p.name for p in folder.iterdir() if p.name != "packages"]
    return sorted(found)


# --- install from a file, list, remove ------------------------------------------------------
def test_install_list_remove(capsys, argos_env, tiny_zips):
    rc, out, err = run(capsys, "install", tiny_zips["ru-en"])
    assert rc == 0, err
    assert "installed translate-ru_en-1.0" in out
    rc, out, err = run(capsys, "list")
    assert rc == 0
    line = next(l for l in out.splitlines() if l.startswith("translate-ru_en"))
    assert "ru -> en" in line and "1.0" in line and "KB" in line
    assert str(argos_env.packages / "translate-ru_en-1_0") in line
    rc, out, _ = run(capsys, "list", "--json")
    (rec,) = [json.loads(l) for l in out.splitlines()]
    assert (rec["from"], rec["to"], rec["version"], rec["usable"]) == ("ru", "en", "1.0", True)
    assert rec["size"] > 10_000

    rc, out, err = run(capsys, "remove", "translate-ru_en")
    assert rc == 0 and "removed translate-ru_en-1.0" in out
    assert not any(argos_env.packages.iterdir())
    rc, out, err = run(capsys, "remove", "translate-ru_en")
    assert rc == 1 and "no installed package named" in err


def test_remove_by_pair_and_newer_version_replaces_older(capsys, argos_env, tiny_zips):
    assert run(capsys, "install", tiny_zips["ru-en"])[0] == 0
    assert run(capsys, "install", tiny_zips["uk-ru"])[0] == 0
    rc, out, err = run(capsys, "install", tiny_zips["ru-en-1.1"])
    assert rc == 0 and "replaced translate-ru_en-1.0" in out
    assert sorted(p.name for p in argos_env.packages.iterdir()) == [
        "translate-ru_en-1_1", "translate-uk_ru-1_0"]
    rc, out, err = run(capsys, "remove", "uk-ru")
    assert rc == 0 and "translate-uk_ru-1.0" in out
    assert [p.key for p in models.installed()] == ["translate-ru_en-1.1"]


def test_packages_folder_follows_argostranslate(argos_env, monkeypatch, tmp_path):
    assert models.packages_dir() == argos_env.packages
    monkeypatch.delenv("ARGOS_PACKAGES_DIR")
    assert models.packages_dir() == Path(argos_env.vars["XDG_DATA_HOME"]) / "argos-translate" / "packages"
    settings = Path(argos_env.vars["XDG_CONFIG_HOME"]) / "argos-translate" / "settings.json"
    settings.parent.mkdir(parents=True)
    settings.write_text(json.dumps({"ARGOS_PACKAGES_DIR": str(tmp_path / "from-settings")}))
    assert models.packages_dir() == tmp_path / "from-settings"
    assert models.packages_dir(tmp_path / "explicit") == tmp_path / "explicit"


def test_argostranslate_sees_polyclean_packages_and_the_reverse(argos_env, tiny_zips, capsys):
    # polyclean -> argostranslate: argostranslate reads its settings at import: subprocess.
    assert run(capsys, "install", tiny_zips["ru-en"])[0] == 0
    code = ("import argostranslate.package as p; "
            "print(sorted(f'{x.from_code}-{x.to_code}-{x.package_version}' "
            "for x in p.get_installed_packages()))")
    env = {**os.environ, **argos_env.vars}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['ru-en-1.0']"
    # argospm -> polyclean: argostranslate's install_from_path is a plain extractall
    # into the packages folder (it imports torch, so it is reproduced here).
    with zipfile.ZipFile(tiny_zips["uk-ru"]) as zf:
        zf.extractall(argos_env.packages)
    rc, out, _ = run(capsys, "list")
    assert "translate-uk_ru" in out and "uk -> ru" in out


# --- validation --------------------------------------------------------------------------
def _bad_zips(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (zip, expected words of the refusal)."""
    pkg = build_package_dir(tmp / "src", RU_EN, version="1.0")
    top = pkg.name
    out: dict[str, tuple[Path, str]] = {}

    out["dotdot"] = (zip_folder(pkg, tmp / "dotdot.argosmodel",
                                extra=[(f"{top}/../../evil.txt", b"owned")]), "'..'")
    out["absolute"] = (zip_folder(pkg, tmp / "abs.argosmodel",
                                  extra=[(str(tmp / "evil-abs.txt"), b"owned")]), "absolute path")
    link = zipfile.ZipInfo(f"{top}/model/link")
    link.external_attr = (0o120777 << 16)
    z = zip_folder(pkg, tmp / "link.argosmodel")
    with zipfile.ZipFile(z, "a") as zf:
        zf.writestr(link, "/etc/passwd")
    out["symlink"] = (z, "symbolic link")
    out["two-folders"] = (zip_folder(pkg, tmp / "two.argosmodel", extra=[("other/x.txt", b"")]),
                          "exactly one top-level folder")
    out["loose-file"] = (zip_folder(pkg, tmp / "loose.argosmodel", extra=[("x.txt", b"")]),
                         "outside the package folder")

    def variant(name: str, change) -> Path:
        d = tmp / name
        shutil.copytree(pkg, d / top)
        change(d / top)
        return zip_folder(d / top, tmp / f"{name}.argosmodel")

    out["no-metadata"] = (variant("nometa", lambda p: (p / "metadata.json").unlink()),
                          "no translate-ru_en-1_0/metadata.json")
    out["metadata-not-json"] = (variant("badjson", lambda p: (p / "metadata.json").write_text("{")),
                                "not readable JSON")

    def no_to(p):
        m = json.loads((p / "metadata.json").read_text())
        del m["to_code"]
        (p / "metadata.json").write_text(json.dumps(m))

    out["no-to-code"] = (variant("noto", no_to), "no valid to_code")
    out["no-model"] = (variant("nomodel", lambda p: shutil.rmtree(p / "model")),
                       "no CTranslate2 model folder")

    def bad_code(p):
        m = json.loads((p / "metadata.json").read_text())
        m["from_code"] = "xx"
        (p / "metadata.json").write_text(json.dumps(m))

    out["bad-code"] = (variant("badcode", bad_code), "not an ISO 639 language code")
    not_zip = tmp / "text.argosmodel"
    not_zip.write_text("not a zip")
    out["not-zip"] = (not_zip, "not a zip archive")
    return out


@pytest.fixture(scope="module")
def bad_zips(tmp_path_factory):
    return _bad_zips(tmp_path_factory.mktemp("bad-zips"))


@pytest.mark.parametrize("case", ["dotdot", "absolute", "symlink", "two-folders", "loose-file",
                                  "no-metadata", "metadata-not-json", "no-to-code", "no-model",
                                  "bad-code", "not-zip"])
def test_bad_package_is_refused_and_nothing_lands(case, bad_zips, capsys, argos_env):
    path, words = bad_zips[case]
    rc, out, err = run(capsys, "install", path)
    assert rc == 1
    assert words in err and "error" in err
    assert leftovers(argos_env) == []
    assert not (path.parent.parent / "evil.txt").exists()
    assert not (path.parent / "evil-abs.txt").exists()


def test_size_bound_and_damaged_member_leave_nothing(argos_env, tmp_path, tiny_zips):
    with pytest.raises(models.PackageError, match="unpacks to more than"):
        models.install_file(tiny_zips["ru-en"], max_size=10_000)
    assert leftovers(argos_env) == []
    # A member whose bytes do not match its checksum fails mid-extraction.
    pkg = build_package_dir(tmp_path / "src", RU_EN)
    z = tmp_path / "damaged.argosmodel"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_STORED) as zf:
        for p in sorted(pkg.rglob("*")):
            if p.is_file():
                zf.write(p, f"{pkg.name}/{p.relative_to(pkg).as_posix()}")
    data = bytearray(z.read_bytes())
    marker = (pkg / "README.md").read_bytes()
    i = data.index(marker)
    data[i:i + 4] = b"XXXX"
    z.write_bytes(bytes(data))
    with pytest.raises(models.PackageError, match="damaged archive"):
        models.install_file(z)
    assert leftovers(argos_env) == []


def test_reinstall_keeps_a_working_package(capsys, argos_env, tiny_zips, bad_zips):
    assert run(capsys, "install", tiny_zips["ru-en"])[0] == 0
    assert run(capsys, "install", bad_zips["dotdot"][0])[0] == 1
    rc, out, err = run(capsys, "install", tiny_zips["ru-en"])
    assert rc == 0 and "previous copy" in out
    assert [p.key for p in models.installed()] == ["translate-ru_en-1.0"]
    assert leftovers(argos_env) == ["translate-ru_en-1_0"]


# --- the package index -----------------------------------------------------------------------
def test_unreachable_index_gives_a_clear_error(capsys, argos_env):
    rc, out, err = run(capsys, "install", "ru", "--index", "http://127.0.0.1:1/", "--timeout", "5")
    assert rc == 1
    assert "cannot reach the Argos package index at http://127.0.0.1:1/index.json" in err
    assert "Connection refused" in err
    assert "polyclean models install PATH.argosmodel" in err
    rc, out, err = run(capsys, "available", "--index", "http://127.0.0.1:1/", "--timeout", "5")
    assert rc == 1 and "cannot reach" in err
    assert leftovers(argos_env) == []


def _index(entries):
    return json.dumps([
        {"package_version": v, "argos_version": "1.9", "from_code": f, "from_name": f,
         "to_code": t, "to_name": t, "type": "translate", "links": links}
        for f, t, v, links in entries])


@pytest.fixture
def local_server(tmp_path):
    """An http.server on 127.0.0.1 serving a folder (loopback only)."""
    root = tmp_path / "www"
    root.mkdir()

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *a):
            pass

    srv = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield root, f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()
    srv.server_close()


def test_index_from_a_local_file_lists_packages(capsys, argos_env, tmp_path):
    index = tmp_path / "index.json"
    index.write_text(_index([("ru", "en", "1.9", ["https://example.invalid/ru_en.argosmodel"]),
                             ("de", "en", "1.0", [])]))
    rc, out, err = run(capsys, "available", "--index", index)
    assert rc == 0, err
    assert "translate-ru_en" in out and "translate-de_en" in out and "1.9" in out
    rc, out, _ = run(capsys, "available", "--index", tmp_path, "--json")
    assert {json.loads(l)["name"] for l in out.splitlines()} == {"translate-ru_en", "translate-de_en"}


def test_install_from_a_localhost_index(capsys, argos_env, tiny_zips, local_server):
    root, url = local_server
    shutil.copy(tiny_zips["ru-en"], root / "ru_en.argosmodel")
    (root / "index.json").write_text(_index([
        ("ru", "en", "1.0", [f"{url}/ru_en.argosmodel"]),
        ("uk", "en", "1.0", [f"{url}/missing.argosmodel"]),
    ]))
    rc, out, err = run(capsys, "install", "ru", "--index", url + "/")
    assert rc == 0, err
    assert "installed translate-ru_en-1.0" in out
    assert [p.key for p in models.installed()] == ["translate-ru_en-1.0"]
    # A broken link and an unknown pair fail clearly, leaving nothing behind.
    rc, out, err = run(capsys, "install", "uk-en", "--index", url + "/")
    assert rc == 1 and "HTTP 404" in err
    rc, out, err = run(capsys, "install", "fr-en", "--index", url + "/")
    assert rc == 1 and "offers no fr->en package" in err
    assert leftovers(argos_env) == ["translate-ru_en-1_0"]


def test_install_names_a_missing_file(capsys, argos_env, tmp_path):
    rc, out, err = run(capsys, "install", tmp_path / "nope.argosmodel")
    assert rc == 1 and "no such file" in err



# --- robustness (issue 15) ---------------------------------------------------------------
def test_older_version_needs_force(capsys, argos_env, tiny_zips):
    assert run(capsys, "install", tiny_zips["ru-en-1.1"])[0] == 0
    rc, out, err = run(capsys, "install", tiny_zips["ru-en"])
    assert rc == 1 and "newer than translate-ru_en-1.0" in err and "--force" in err
    assert [p.key for p in models.installed()] == ["translate-ru_en-1.1"]
    rc, out, err = run(capsys, "install", tiny_zips["ru-en"], "--force")
    assert rc == 0 and [p.key for p in models.installed()] == ["translate-ru_en-1.0"]


def test_killed_install_leftovers_are_removed(capsys, argos_env, tiny_zips):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    argos_env.packages.mkdir(parents=True)
    left = argos_env.packages / f".polyclean-install-{dead}-abc"
    (left / "translate-ru_en-1_0").mkdir(parents=True)
    live = argos_env.packages / f".polyclean-install-{os.getpid()}-xyz"
    live.mkdir()
    assert run(capsys, "list")[0] == 0
    assert not left.exists() and live.exists()  # a running install's folder stays


def _install_process(zip_path, *extra) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "polyclean", "models", "install",
                             str(zip_path), *extra],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_an_install_waits_while_another_holds_the_folder(argos_env, tiny_zips):
    """An install or removal in progress holds a lock on the packages folder; a second
    one, from another process, waits for it and then completes."""
    import fcntl

    argos_env.packages.mkdir(parents=True)
    fd = os.open(argos_env.packages, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)  # as an install in the middle of its renames does
    proc = _install_process(tiny_zips["ru-en"])
    try:
        with pytest.raises(subprocess.TimeoutExpired):
            proc.wait(timeout=4)
        assert not (argos_env.packages / "translate-ru_en-1_0").exists()
    finally:
        os.close(fd)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert [p.key for p in models.installed()] == ["translate-ru_en-1.0"]
    assert leftovers(argos_env) == ["translate-ru_en-1_0"]  # no work folder, no lock file


def test_two_installs_of_one_pair_at_once_leave_one_package(argos_env, tiny_zips):
    """Two versions of one pair installed at the same moment by two processes: they take
    turns, so the newer one ends installed alone (the older one is either replaced or
    refused as a downgrade), with no work folders left."""
    procs = [_install_process(tiny_zips["ru-en"]), _install_process(tiny_zips["ru-en-1.1"])]
    results = [(p.wait(timeout=120), p.stderr.read()) for p in procs]
    for p in procs:
        p.stdout.close()
        p.stderr.close()
    assert results[1][0] == 0, results[1][1]
    assert results[0][0] == 0 or "newer than translate-ru_en-1.0" in results[0][1]
    assert [p.key for p in models.installed()] == ["translate-ru_en-1.1"]
    assert leftovers(argos_env) == ["translate-ru_en-1_1"]


def test_fifo_metadata_is_skipped_with_a_warning(capsys, argos_env, tiny_zips):
    assert run(capsys, "install", tiny_zips["ru-en"])[0] == 0
    fifo_pkg = argos_env.packages / "translate-de_en-1_0"
    shutil.copytree(argos_env.packages / "translate-ru_en-1_0", fifo_pkg)
    (fifo_pkg / "metadata.json").unlink()
    os.mkfifo(fifo_pkg / "metadata.json")
    rc, out, err = run(capsys, "list")  # used to hang reading the FIFO
    assert rc == 0 and "translate-ru_en" in out
    assert "metadata.json is not a regular file" in err


def test_remove_in_an_unwritable_folder_keeps_the_package(capsys, argos_env, tiny_zips):
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere: permissions cannot make the folder unwritable")
    assert run(capsys, "install", tiny_zips["ru-en"])[0] == 0
    os.chmod(argos_env.packages, 0o555)
    try:
        rc, out, err = run(capsys, "remove", "ru-en")
    finally:
        os.chmod(argos_env.packages, 0o755)
    assert rc == 1 and "left as it was" in err
    assert [p.key for p in models.installed()] == ["translate-ru_en-1.0"]


def test_remove_renames_aside_and_restores_on_failure(argos_env, tiny_zips, monkeypatch):
    models.install_file(tiny_zips["ru-en"])
    import polyclean.models_install as mi

    def fail(path, *a, **k):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(mi.shutil, "rmtree", fail)
    with pytest.raises(models.ModelsError, match="left as it was"):
        models.remove("ru-en")
    assert [p.key for p in models.installed()] == ["translate-ru_en-1.0"]


def test_remote_index_cannot_point_at_local_files(capsys, argos_env, tiny_zips, local_server):
    root, url = local_server
    (root / "index.json").write_text(_index([
        ("ru", "en", "1.0", [f"file://{tiny_zips['ru-en']}", str(tiny_zips["ru-en"])])]))
    rc, out, err = run(capsys, "install", "ru", "--index", url + "/")
    assert rc == 1 and "no download link" in err
    assert models.installed() == []


def test_check_prints_tokenizer_layout_compute_type_and_probe(capsys, argos_env, tiny_zips):
    assert run(capsys, "install", tiny_zips["ru-en"])[0] == 0
    rc, out, err = run(capsys, "check", "ru-en")
    assert rc == 0, err
    assert "tokenizer    : sentencepiece" in out and "layout       : sentencepiece" in out
    assert "compute type : int8" in out and "(the model's own type)" in out
    assert "output       : Cat loves milk. " in out
    assert "https://example.org/user_name" in out.split("output")[1]
