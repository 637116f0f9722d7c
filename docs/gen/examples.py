"""Put the example scripts (``examples/*.py``, jupytext percent format) into the site; mkdocs-jupyter runs them.

The examples are executed at every build (``execute: true``, ``allow_errors: false``): an example that fails
fails ``mkdocs build --strict``, so the outputs shown on the site are the ones the current code gives.
"""
from pathlib import Path

import mkdocs_gen_files

root = Path(__file__).resolve().parents[2]
for src in sorted((root / "examples").glob("*.py")):
    with mkdocs_gen_files.open(f"examples/{src.name}", "w") as fh:
        fh.write(src.read_text(encoding="utf-8"))
    mkdocs_gen_files.set_edit_path(f"examples/{src.name}", f"../examples/{src.name}")
