"""The CLI maps every usage or data error to one message and exit status 2 (never a traceback)."""
from __future__ import annotations

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
