"""Generate the CLI reference page from the Typer app itself (`typer ... utils docs`), at build time."""
import subprocess
import sys

import mkdocs_gen_files

out = subprocess.run([sys.executable, "-m", "typer", "samarkand.cli", "utils", "docs", "--name", "samarkand",
                      "--title", "Command line reference"], capture_output=True, text=True, check=True).stdout
with mkdocs_gen_files.open("reference/cli.md", "w") as fh:
    fh.write("<!-- generated from the Typer app by docs/gen/cli_reference.py: do not edit -->\n")
    fh.write(out)
