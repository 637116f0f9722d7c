"""Issue 12: the store owns only what it created, readers keep the version they opened, clean one-line errors.

Fixture rows (tests/fixtures/baci): the 2022 file holds 3 flows, the 2023 file 8 — so an import of 2022 only
has 3 rows and the full zip 11.
"""
from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys

import pytest
from conftest import FIXTURES, snapshot

from samarkand.errors import InputError
from samarkand.sources import import_file
from samarkand.store import Store
from samarkand.store_fs import LEASE, MARKER

BACI_2023 = FIXTURES / "baci" / "BACI_HS22_Y2023_V202501.csv"


def _count(flows) -> int:
    return int(flows.query("SELECT count(*) AS n FROM flows").n.item())


def _versions(home) -> list[str]:
    return sorted(p.name for p in (home / "datasets").iterdir() if p.is_dir())


# --- 1. never touch what is not ours ---------------------------------------------------------------------------

def test_import_keeps_the_users_files_in_tmp_and_datasets(cli, home):
    """The repro: files in H/tmp and H/datasets/proj survived nothing; now they survive every import."""
    (home / "tmp").mkdir(parents=True)
    (home / "datasets" / "proj").mkdir(parents=True)
    (home / "tmp" / "important.txt").write_text("x\n")
    (home / "datasets" / "proj" / "survey.csv").write_text("x\n")
    for name in ("n1", "n2"):
        r = cli("data", "import", BACI_2023, "--name", name)
        assert r.returncode == 0, r.stderr
    r = cli("data", "import", BACI_2023, "--name", "n1", "--replace")
    assert r.returncode == 0, r.stderr
    assert (home / "tmp" / "important.txt").read_text() == "x\n"
    assert (home / "datasets" / "proj" / "survey.csv").read_text() == "x\n"
    assert not (home / "datasets" / "proj" / MARKER).exists()
    Store(home).sweep()
    assert (home / "datasets" / "proj" / "survey.csv").exists() and (home / "tmp" / "important.txt").exists()


def test_a_foreign_file_inside_a_retired_version_is_kept(home, baci_zip):
    import_file(baci_zip, home=home, name="d")
    version = home / Store(home).info("d").directory
    (version / "my-notes.txt").write_text("mine\n")
    import_file(baci_zip, home=home, name="d", replace=True)
    trash = [p for p in (home / "datasets").iterdir() if p.name.startswith(".trash-")]
    assert len(trash) == 1 and (trash[0] / "my-notes.txt").read_text() == "mine\n"
    assert not list(trash[0].rglob("*.parquet"))          # the store's own files went


def test_debris_of_a_killed_import_is_swept_but_nothing_else(home, baci_zip):
    import_file(baci_zip, home=home, name="a")
    dead = home / "tmp" / ("f" * 32)                        # what a SIGKILLed import leaves: a marked work folder
    (dead / "year=2023").mkdir(parents=True)
    (dead / MARKER).write_text("{}")
    (dead / "year=2023" / "part-0.parquet").write_bytes(b"PAR1")
    stray = home / f"catalog.json.{'a' * 32}.tmp"         # a kill between writing and renaming the catalog
    stray.write_text("{")
    mine = home / "catalog.json.mine.tmp"
    mine.write_text("user file")
    removed = Store(home).sweep()
    assert str(dead) in removed and str(stray) in removed
    assert not dead.exists() and not stray.exists() and mine.read_text() == "user file"
    assert _count(Store(home).flows("a")) == 11


def test_data_sweep_command_removes_a_released_version(cli, home, baci_zip):
    import_file(baci_zip, home=home, name="a")
    reader = Store(home).flows("a")
    import_file(baci_zip, home=home, name="a", replace=True)
    r = cli("data", "sweep")
    assert r.returncode == 0 and "0 leftover(s) removed" in r.stdout          # still held by the reader
    assert len(_versions(home)) == 2
    reader.close()
    r = cli("data", "sweep")
    assert r.returncode == 0 and "1 leftover(s) removed" in r.stdout
    assert len(_versions(home)) == 1


# --- 3. readers keep the version they opened ---------------------------------------------------------------------

def test_open_flows_keeps_working_after_replace_and_next_open_sees_new_version(home, baci_zip):
    import_file(baci_zip, home=home, name="live", years=[2022])          # 3 rows
    old = Store(home).flows("live")
    assert _count(old) == 3
    import_file(baci_zip, home=home, name="live", replace=True)          # 11 rows
    assert _count(old) == 3                                               # the old version is still there
    assert len(_versions(home)) == 2
    new = Store(home).flows("live")
    assert _count(new) == 11 and new.years() == [2022, 2023]
    old.close()
    Store(home).sweep()
    assert _versions(home) == [Store(home).info("live").directory.rsplit("/", 1)[-1]]
    assert _count(new) == 11


def test_remove_waits_for_readers_then_sweep_deletes(home, baci_zip):
    import_file(baci_zip, home=home, name="gone")
    reader = Store(home).flows("gone")
    Store(home).remove("gone")
    assert _count(reader) == 11
    assert len(_versions(home)) == 1                     # held by the reader
    del reader                                           # collected: its lease is released
    Store(home).sweep()
    assert _versions(home) == []


def test_a_version_retired_between_catalog_read_and_lease_is_reopened(home, baci_zip, monkeypatch):
    """Store.flows reads the catalog, then takes the lease: a replace in between retires the version it read
    (no reader holds it yet); flows() must notice and open the new version instead of failing."""
    import_file(baci_zip, home=home, name="live", years=[2022])
    real_info = Store.info
    raced: list[str] = []

    def info_then_replace(self, name=None):
        got = real_info(self, name)
        if not raced:
            raced.append(got.directory)
            import_file(baci_zip, home=home, name="live", replace=True)
        return got

    monkeypatch.setattr(Store, "info", info_then_replace)
    fl = Store(home).flows("live")
    assert not (home / raced[0]).exists()                 # the version it first read is gone
    assert _count(fl) == 11 and fl.info.rows == 11


def test_version_token_changes_on_every_catalog_write(home, baci_zip):
    s = Store(home)
    t0 = s.version_token()
    import_file(baci_zip, home=home, name="a")
    t1 = s.version_token()
    import_file(baci_zip, home=home, name="a", replace=True)
    t2 = s.version_token()
    s.remove("a")
    assert len({t0, t1, t2, s.version_token()}) == 4


# --- 9, 11. names, disk full, stray temporary catalogs -------------------------------------------------------

@pytest.mark.parametrize("name", [" ", "", "a\nb", "tab\there", "x" * 121, " lead", "trail "])
def test_bad_dataset_names_are_refused_before_anything_is_written(home, name):
    with pytest.raises(InputError):
        import_file(BACI_2023, home=home, name=name)
    assert snapshot(home) == {}


def test_long_name_and_blank_name_are_one_line_errors_on_the_cli(cli, home):
    for name in ("n" * 300, " ", "a\nb"):
        r = cli("data", "import", BACI_2023, "--name", name)
        assert r.returncode == 2, r.stderr
        assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_markup_like_and_unicode_names_are_fine(home):
    info = import_file(BACI_2023, home=home, name="[/x] ünï")
    assert Store(home).info("[/x] ünï").rows == info.rows == 8
    longest = "稀" * 120                                  # 360 bytes in UTF-8: too long for a folder name
    info = import_file(BACI_2023, home=home, name=longest)
    assert Store(home).info(longest).rows == 8 and len((home / info.directory).name.encode()) < 255


def test_folder_named_like_a_baci_csv_is_read_as_a_folder(cli, home, tmp_path):
    folder = tmp_path / "BACI_HS22_Y2023_V202501.csv"
    folder.mkdir()
    r = cli("data", "import", folder)
    assert r.returncode == 2 and "no BACI_HS" in r.stderr and "Traceback" not in r.stderr
    (folder / "BACI_HS22_Y2023_V202501.csv").write_bytes(BACI_2023.read_bytes())
    r = cli("data", "import", folder, "--name", "f")
    assert r.returncode == 0, r.stderr
    assert Store(home).info("f").rows == 8


def _limit_file_size(limit: int):
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)       # writes past the limit fail with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def test_a_full_disk_is_one_line_naming_the_path_and_leaves_the_store_unchanged(home, tmp_path, baci_zip):
    """A real failing write: the import runs with a 512-byte file-size limit, so writing its Parquet fails."""
    import_file(baci_zip, home=home, name="before")
    before = snapshot(home)
    env = dict(os.environ, SAMARKAND_HOME=str(home), COLUMNS="200")
    r = subprocess.run([sys.executable, "-m", "samarkand", "data", "import", str(baci_zip), "--name", "big"],
                       env=env, capture_output=True, text=True, preexec_fn=_limit_file_size(512), timeout=120,
                       check=False)
    assert r.returncode == 2, r.stderr
    assert r.stderr.startswith("error: ") and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr
    assert "too large" in r.stderr.lower() and str(home) in r.stderr
    assert snapshot(home) == before
    assert not list(home.glob("catalog.json.*.tmp")) and not (home / "tmp").exists()


def test_a_failed_catalog_write_leaves_no_temporary_file(home, baci_zip, monkeypatch):
    import_file(baci_zip, home=home, name="before")
    before = snapshot(home)
    real_fsync = os.fsync

    def full(fd):
        if os.readlink(f"/proc/self/fd/{fd}").endswith(".tmp"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        import_file(baci_zip, home=home, name="after")
    monkeypatch.setattr(os, "fsync", real_fsync)
    assert not list(home.glob("catalog.json.*.tmp"))
    assert json.loads((home / "catalog.json").read_text())["datasets"].keys() == {"before"}
    Store(home).sweep()                                       # the written version is unreferenced: swept
    assert {k for k in snapshot(home)} == {k for k in before}


def test_oserror_from_any_command_is_one_line(cli, home, tmp_path):
    """A data home that is a file, then (when not root) an unreadable input: one line naming the path."""
    not_a_dir = tmp_path / "a-file"
    not_a_dir.write_text("x")
    for args in (("data", "import", BACI_2023, "--name", "x"), ("data", "remove", "x")):
        r = cli(*args, env={"SAMARKAND_HOME": str(not_a_dir)})
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and "Traceback" not in r.stderr, r.stderr
        assert str(not_a_dir) in r.stderr and ("Not a directory" in r.stderr or "File exists" in r.stderr)
    unreadable = tmp_path / "BACI_HS22_Y2023_V202501.csv"
    unreadable.write_bytes(BACI_2023.read_bytes())
    unreadable.chmod(0)
    if not os.access(unreadable, os.R_OK):               # root reads it anyway
        r = cli("data", "import", unreadable)
        assert r.returncode == 2 and r.stderr.count("\n") == 1 and str(unreadable) in r.stderr


def test_lease_files_exist_in_every_version(home, baci_zip):
    info = import_file(baci_zip, home=home, name="a")
    v = home / info.directory
    assert (v / LEASE).is_file() and (v / MARKER).is_file()
    assert (home / "datasets" / MARKER).is_file()


def test_concurrent_imports_and_replaces_serialise_cleanly(home, baci_zip):
    """Five CLI imports at once (three names, two replacing one of them): all succeed, one version per name,
    no debris; the writers' lock serialises them and no sweep removes another import's work."""
    import_file(baci_zip, home=home, name="c0")
    env = dict(os.environ, SAMARKAND_HOME=str(home))
    runs = [("c0", "--replace"), ("c1",), ("c2",), ("c0", "--replace"), ("c1b",)]
    procs = [subprocess.Popen([sys.executable, "-m", "samarkand", "data", "import", str(baci_zip), "--name", *a],
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for a in runs]
    for p in procs:
        _, err = p.communicate(timeout=300)
        assert p.returncode == 0, err
    s = Store(home)
    assert sorted(d.name for d in s.datasets(include_shipped=False)) == ["c0", "c1", "c1b", "c2"]
    assert all(_count(s.flows(n)) == 11 for n in ("c0", "c1", "c1b", "c2"))
    assert len(_versions(home)) == 4 and not (home / "tmp").exists()


@pytest.mark.parametrize("retire", ["replace", "remove"])
def test_versions_written_before_markers_are_adopted_then_retired(home, baci_zip, retire):
    """A data home from an older samarkand: versions without marker or lease still open, and a replace or
    remove still deletes them (the catalog named them, so they are the store's)."""
    info = import_file(baci_zip, home=home, name="old")
    legacy = home / info.directory
    (legacy / MARKER).unlink()
    (legacy / LEASE).unlink()
    fl = Store(home).flows("old")
    assert _count(fl) == 11 and not fl.lease.held
    fl.close()
    if retire == "replace":
        import_file(baci_zip, home=home, name="old", replace=True)
        assert len(_versions(home)) == 1
    else:
        Store(home).remove("old")
        assert _versions(home) == []
    assert not legacy.exists()
