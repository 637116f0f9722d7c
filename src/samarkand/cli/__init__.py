"""The ``samarkand`` command line (Typer + rich).

Each command group lives in its own module (``cli/data.py``, ``cli/dependencies.py`` ...) exposing
``register(app)``.  Errors derived from SamarkandError become one line on stderr and exit status 2.
"""
from __future__ import annotations

import importlib
import sys

import typer

from samarkand.errors import SamarkandError

app = typer.Typer(
    name="samarkand",
    help="Measure and plan strategic autonomy between economies (dependencies, partnership, stress tests, "
         "critical raw materials, CBAM). Data: CEPII BACI, UN Comtrade, EU CRM study, WGI, UNGA ideal points.",
    no_args_is_help=True, add_completion=False, pretty_exceptions_enable=False,
)

# command modules, in help order; each defines register(app)
COMMAND_MODULES = ["data", "dependencies", "partners", "rebalance", "stress", "corridors", "crm", "cbam",
                   "alignment", "brief", "serve", "votes", "check"]


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(f"samarkand.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"samarkand.cli.{name}":
                continue
            raise
        mod.register(app)


_register_all()


def main() -> None:
    """Console entry point: run the app, mapping samarkand errors to exit status 2."""
    from samarkand.cli.common import normalise_argv

    try:
        app(args=normalise_argv(sys.argv[1:]), prog_name="samarkand", standalone_mode=False)
    except SamarkandError as exc:
        from rich.console import Console
        from rich.markup import escape

        Console(stderr=True).print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
        sys.exit(2)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except Exception as exc:  # usage errors (bad option value, unknown option) arrive here with standalone_mode=False
        usage_errors = _usage_error_types()
        if isinstance(exc, usage_errors):
            exc.show()
            sys.exit(2)
        raise


def _usage_error_types() -> tuple[type, ...]:
    """Click's usage-error base class, both the standalone package's and the copy Typer >= 0.24 vendors."""
    import click

    types: list[type] = [click.ClickException]
    base = typer.BadParameter.__mro__
    types += [c for c in base if c.__name__ == "ClickException"]
    return tuple(types)
