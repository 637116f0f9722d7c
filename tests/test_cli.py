"""The CLI maps every usage or data error to one message and exit status 2 (never a traceback).

Most CLI tests run ``samarkand.cli.main`` in process (the ``cli`` fixture); the tests marked below run the
installed console script and ``python -m samarkand`` in a subprocess, so the entry points themselves stay tested.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest


@pytest.mark.parametrize("args, needle", [
    (["dependencies", "EU27", "--year", "abc"], "--year"),
    (["dependencies", "EU27", "--year", "2024", "--format", "xml"], "--format"),
    (["no-such-command"], "No such command"),
    (["dependencies", "EU27", "--year", "2024", "--bogus"], "--bogus"),
    (["dependencies", "ATLANTIS", "--year", "2024"], "unknown economy"),
    (["dependencies", "EU27", "--year", "1990"], "available years"),
    (["data", "import", "/nonexistent/BACI_HS22_Y2023_V202501.csv"], "no such file"),
])
def test_usage_and_input_errors_exit_2_without_traceback(cli, args, needle):
    r = cli(*args)
    assert r.returncode == 2, (r.stdout, r.stderr)
    assert needle in " ".join(r.stderr.split()), r.stderr
    assert "Traceback" not in r.stderr


def test_years_option_accepts_spaces_commas_and_ranges():
    from samarkand.cli.common import normalise_argv, parse_years

    assert normalise_argv(["data", "fetch", "baci", "--years", "2022", "2023", "--hs", "HS22"]) == \
        ["data", "fetch", "baci", "--years", "2022,2023", "--hs", "HS22"]
    assert parse_years("2022,2023") == [2022, 2023]
    assert parse_years("2026-2029") == [2026, 2027, 2028, 2029]
    assert parse_years(None) is None


def test_public_api_names_resolve():
    import samarkand as sk

    for name in sk.__all__:
        assert getattr(sk, name) is not None, name


def _entry_point_env(home) -> dict:
    return {**os.environ, "SAMARKAND_HOME": str(home), "COLUMNS": "200"}


def test_installed_console_script_output_and_exit_status(home):
    """The `samarkand` script installed by pip ([project.scripts]): CSV on stdout, exit 0; bad input exit 2."""
    exe = shutil.which("samarkand") or os.path.join(os.path.dirname(sys.executable), "samarkand")
    assert os.path.exists(exe), "the samarkand console script is not installed"
    p = subprocess.run([exe, "crm", "--benchmark", "--format", "csv"], capture_output=True, text=True,
                       env=_entry_point_env(home), timeout=300, check=False)
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[0].startswith("item,") and "Traceback" not in p.stderr
    p = subprocess.run([exe, "dependencies", "ATLANTIS", "--year", "2024"], capture_output=True, text=True,
                       env=_entry_point_env(home), timeout=300, check=False)
    assert p.returncode == 2 and "unknown economy" in p.stderr and "Traceback" not in p.stderr


def test_python_dash_m_entry_point_json_and_usage_error(home, cli):
    """`python -m samarkand` in a subprocess gives what the in-process runner gives."""
    args = ("dependencies", "KAZ", "--year", "2024", "--format", "json")
    sub = cli(*args, in_process=False)
    inproc = cli(*args)
    assert sub.returncode == inproc.returncode == 0, sub.stderr
    import pandas as pd

    # equal to 1e-12: DuckDB sums in parallel, so the last bits of a float may differ between two runs
    a, b = (pd.DataFrame(json.loads(r.stdout)["rows"]) for r in (sub, inproc))
    pd.testing.assert_frame_equal(a, b, rtol=1e-12)
    sub = cli("dependencies", "EU27", "--format", "xml", in_process=False)
    assert sub.returncode == 2 and "--format" in sub.stderr and "Traceback" not in sub.stderr


def test_in_process_runner_reports_an_escaping_exception_like_the_interpreter(cli, monkeypatch):
    """A bug (an exception that is not a SamarkandError) is a traceback and exit status 1, not swallowed."""
    import samarkand.methods.crm as crm

    def boom(*a, **k):
        raise RuntimeError("boom")

    monkeypatch.setattr(crm, "benchmark", boom)
    r = cli("crm", "--benchmark", in_process=True)
    assert r.returncode == 1 and "Traceback" in r.stderr and "RuntimeError: boom" in r.stderr
