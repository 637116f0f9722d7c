#!/usr/bin/env python3
"""Rebuild the shipped reference tables (src/samarkand/reference/data) from ../shared/data.

Each module in scripts/builders/ has ``build(shared: Path) -> list[str]`` writing its tables through
``samarkand.reference.builder_util.write_table`` (table + NAME.meta.json with source and licence).

    python scripts/build_reference.py [--shared ../shared/data] [--only flows,countries]
"""
from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

# countries first: other builders resolve names with it
ORDER = ["countries", "hs", "flows", "crm", "wgi", "ideal_points", "domains", "cbam", "corridors", "faostat"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", type=Path, default=HERE.parent.parent / "shared" / "data")
    ap.add_argument("--only", default="", help="comma-separated builder names")
    args = ap.parse_args()
    wanted = [s for s in args.only.split(",") if s] or None
    names = [p.stem for p in sorted((HERE / "builders").glob("*.py")) if not p.stem.startswith("_")]
    names.sort(key=lambda n: ORDER.index(n) if n in ORDER else len(ORDER))
    for name in names:
        if wanted and name not in wanted:
            continue
        mod = importlib.import_module(f"builders.{name}")
        written = mod.build(args.shared)
        print(f"{name}: {', '.join(written)}")


if __name__ == "__main__":
    main()
