"""Shared test fixtures: an isolated data home, a CLI runner, BACI fixture archives, store snapshots."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty data home for this test (SAMARKAND_HOME)."""
    h = tmp_path / "home"
    monkeypatch.setenv("SAMARKAND_HOME", str(h))
    monkeypatch.delenv("SAMARKAND_BLOCS", raising=False)
    return h


def run_cli(*args: str, home: Path | None = None, env: dict | None = None, timeout: float = 300):
    """Run ``python -m samarkand ARGS`` in a subprocess; returns CompletedProcess (text)."""
    e = dict(os.environ)
    if home is not None:
        e["SAMARKAND_HOME"] = str(home)
    e["COLUMNS"] = "200"
    e.update(env or {})
    return subprocess.run([sys.executable, "-m", "samarkand", *map(str, args)], capture_output=True, text=True,
                          env=e, timeout=timeout)


@pytest.fixture
def cli(home):
    """Run the CLI against the test's data home."""
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
