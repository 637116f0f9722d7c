"""Shared test fixtures: an isolated data home, a CLI runner (in process), BACI fixture archives, store snapshots."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import traceback
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture(autouse=True)
def _never_the_users_home(tmp_path_factory, monkeypatch) -> None:
    """No test reads or writes the user's own data home: each starts on an empty one of its own (the ``home``
    fixture names it when a test needs the path), without the user's bloc file or default-dataset choice."""
    monkeypatch.setenv("SAMARKAND_HOME", str(tmp_path_factory.mktemp("samarkand-home")))
    monkeypatch.delenv("SAMARKAND_BLOCS", raising=False)
    monkeypatch.delenv("SAMARKAND_DATASET", raising=False)


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    """The web app (no warm start) on an empty data home of the module's own, as a TestClient."""
    from fastapi.testclient import TestClient

    from samarkand.web.app import create_app

    mp = pytest.MonkeyPatch()
    mp.setenv("SAMARKAND_HOME", str(tmp_path_factory.mktemp("home")))
    yield TestClient(create_app(warm_start=False))
    mp.undo()


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty data home for this test (SAMARKAND_HOME)."""
    h = tmp_path / "home"
    monkeypatch.setenv("SAMARKAND_HOME", str(h))
    monkeypatch.delenv("SAMARKAND_BLOCS", raising=False)
    return h


@dataclass
class CliRun:
    """What a CLI run left: exit status and the text it wrote (the fields of a CompletedProcess the tests use)."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


#: SAMARKAND_TEST_CLI=subprocess runs every CLI test in a subprocess (as before issue 14; for comparison)
IN_PROCESS_DEFAULT = os.environ.get("SAMARKAND_TEST_CLI", "in-process") != "subprocess"


def run_cli(*args: str, home: Path | None = None, env: dict | None = None, timeout: float = 300,
            in_process: bool | None = None) -> CliRun:
    """Run ``samarkand ARGS``; returns its exit status, stdout and stderr (text).

    By default in this process: ``samarkand.cli.main`` itself (the console entry point: argv normalisation,
    SamarkandError → one line and exit status 2, usage errors → exit status 2) runs inside Typer's
    ``CliRunner`` isolation, which swaps stdin/stdout/stderr and the environment.  An exception that escapes
    ``main`` is written to stderr as a traceback with exit status 1, as the interpreter would.
    ``in_process=False`` runs ``python -m samarkand`` in a subprocess instead (``timeout`` applies there);
    the default is in process unless SAMARKAND_TEST_CLI=subprocess.
    """
    if in_process is None:
        in_process = IN_PROCESS_DEFAULT
    e = {"COLUMNS": "200"}
    if home is not None:
        e["SAMARKAND_HOME"] = str(home)
    e.update(env or {})
    argv = [str(a) for a in args]
    if not in_process:
        p = subprocess.run([sys.executable, "-m", "samarkand", *argv], capture_output=True, text=True, check=False,
                           env={**os.environ, **e}, timeout=timeout)
        return CliRun(argv, p.returncode, p.stdout, p.stderr)
    from typer.testing import CliRunner

    from samarkand.cli import main

    with CliRunner().isolation(env=e) as streams:
        out, err = streams[0], streams[1]
        saved_argv = sys.argv
        sys.argv = ["samarkand", *argv]
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = _exit_status(exc, sys.stderr)
        except Exception:  # noqa: BLE001 — what the interpreter does with an uncaught exception
            traceback.print_exc(file=sys.stderr)
            code = 1
        finally:
            sys.argv = saved_argv
            sys.stdout.flush()
            sys.stderr.flush()
        return CliRun(argv, code, out.getvalue().decode("utf-8", "replace"),
                      err.getvalue().decode("utf-8", "replace"))


def _exit_status(exc: SystemExit, stderr) -> int:
    """The status the interpreter gives ``sys.exit(code)``: None → 0, int → itself, else print it and 1."""
    if exc.code is None:
        return 0
    if isinstance(exc.code, int):
        return exc.code
    print(exc.code, file=stderr)
    return 1


@pytest.fixture
def cli(home):
    """Run the CLI (in process) against the test's data home: ``cli(*args, env=..., in_process=...)``."""
    return lambda *args, **kw: run_cli(*args, home=home, **kw)


def make_baci_zip(dest: Path, overrides: dict[str, str | bytes] | None = None,
                  drop: tuple[str, ...] = ()) -> Path:
    """A zip in CEPII's layout from tests/fixtures/baci, with members replaced (``overrides``) or left out."""
    members = {p.name: p.read_bytes() for p in (FIXTURES / "baci").iterdir() if p.suffix == ".csv"}
    for k, v in (overrides or {}).items():
        members[k] = v.encode() if isinstance(v, str) else v
    with zipfile.ZipFile(dest, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(members.items()):
            if name not in drop:
                z.writestr(name, data)
    return dest


@pytest.fixture
def baci_zip(tmp_path) -> Path:
    return make_baci_zip(tmp_path / "BACI_HS22_V202501.zip")


def snapshot(home: Path) -> dict[str, str]:
    """Every file under the data home (except the lock) with its sha256: equal snapshots = unchanged store."""
    out = {}
    if home.exists():
        for p in sorted(home.rglob("*")):
            if p.is_file() and p.name != ".lock":
                out[str(p.relative_to(home))] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out
