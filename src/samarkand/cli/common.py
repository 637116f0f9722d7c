"""Option parsing shared by the commands."""
from __future__ import annotations

import re
from pathlib import Path

from samarkand.errors import InputError

YEAR_TOKEN = re.compile(r"^\d{4}(-\d{4})?(,\d{4}(-\d{4})?)*$")


def parse_years(text: str | None) -> list[int] | None:
    """'2022,2023' / '2022 2023' / '2026-2034' → sorted list of years; None stays None."""
    if text is None or str(text).strip() == "":
        return None
    out: set[int] = set()
    for part in re.split(r"[,\s]+", str(text).strip()):
        if not part:
            continue
        m = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", part)
        if not m:
            raise InputError(f"--years: '{part}' is not a year or range (e.g. 2022 or 2026-2034)")
        a, b = int(m.group(1)), int(m.group(2) or m.group(1))
        if b < a:
            raise InputError(f"--years: range '{part}' runs backwards")
        out.update(range(a, b + 1))
    return sorted(out)


def parse_list(text: str | None) -> list[str]:
    """'CHN,RUS' or 'CHN RUS' → ['CHN', 'RUS']."""
    if not text:
        return []
    return [p for p in re.split(r"[,\s]+", text.strip()) if p]


def parse_assignments(items: list[str] | str, *, option: str, form: str, example: str, upper: bool = True,
                      number: str = "a number") -> dict[str, float]:
    """'KAZ=0.8,AZE=0.9' (or several such options) → {'KAZ': 0.8, 'AZE': 0.9}; a part without '=' or a value that
    is not a number is an InputError naming ``option`` and showing the ``form`` ('ISO3=share') and an ``example``."""
    out: dict[str, float] = {}
    for part in (p for item in ([items] if isinstance(items, str) else items) for p in parse_list(item)):
        if "=" not in part:
            raise InputError(f"{option} '{part}': write {form}, e.g. {example}")
        name, value = part.split("=", 1)
        try:
            out[name.strip().upper() if upper else name.strip()] = float(value)
        except ValueError as exc:
            raise InputError(f"{option} {name}: '{value}' is not {number}") from exc
    return out


def normalise_argv(argv: list[str]) -> list[str]:
    """Let ``--years 2022 2023`` (space-separated, as in the docs) reach Typer as ``--years 2022,2023``."""
    out, i = [], 0
    while i < len(argv):
        tok = argv[i]
        if tok == "--years":
            vals = []
            i += 1
            while i < len(argv) and YEAR_TOKEN.match(argv[i]):
                vals.append(argv[i])
                i += 1
            out += ["--years", ",".join(vals)] if vals else ["--years"]
            continue
        out.append(tok)
        i += 1
    return out


def check_output_path(path: Path, option: str = "--output") -> Path:
    """``path`` if a file can be written there; InputError when its folder is missing or it is a folder.

    Commands never create folders the user did not ask for (a typo in ``-o /no/such/dir/brief.html`` would
    otherwise scatter folders): the folder must exist.
    """
    if path.is_dir():
        raise InputError(f"{option}: {path} is a folder; give a file name, e.g. {path / 'brief.html'}")
    folder = path.parent
    if not folder.is_dir():
        raise InputError(f"{option}: folder {folder} does not exist; create it first or choose another path")
    return path
