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
                   "alignment", "votes", "energy", "brief", "serve", "check"]


def _register_all() -> None:
    for name in COMMAND_MODULES:
        try:
            mod = importlib.import_module(f"samarkand.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"samarkand.cli.{name}":
                continue
            raise
        mod.register(app)


def _show_flags_plainly() -> None:
    """Help shows boolean flags as ``--all``: Typer's ``--all <bool>`` invites ``--all true``, which fails."""
    from typer.core import TyperOption

    shown_type = TyperOption.display_type_rich
    if getattr(shown_type, "_samarkand_flags", False):
        return

    def display_type_rich(self: TyperOption, ctx: object) -> str | None:
        return None if self.is_flag else shown_type(self, ctx)

    display_type_rich._samarkand_flags = True  # type: ignore[attr-defined]
    TyperOption.display_type_rich = display_type_rich  # type: ignore[method-assign]


def _version(value: bool) -> None:
    if value:
        from samarkand import __version__

        typer.echo(f"samarkand {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: bool = typer.Option(False, "--version", is_eager=True, callback=_version,
                                       help="Show samarkand's version and exit.")) -> None:
    """Measure and plan strategic autonomy between economies."""


_show_flags_plainly()
_register_all()


def main() -> None:
    """Console entry point: run the app; a samarkand error or an OSError is one line on stderr, exit status 2."""
    from samarkand.cli.common import normalise_argv

    try:
        app(args=normalise_argv(sys.argv[1:]), prog_name="samarkand", standalone_mode=False)
    except SamarkandError as exc:
        _fail(str(exc))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        sys.exit(1)
    except BrokenPipeError:              # `samarkand ... | head`: the reader left; nothing to say
        sys.stderr.close()
        sys.exit(1)
    except OSError as exc:
        _fail(describe_os_error(exc))
    except Exception as exc:  # usage errors (bad option value, unknown option) arrive here with standalone_mode=False
        usage_errors = _usage_error_types()
        if isinstance(exc, usage_errors):
            exc.show()
            sys.exit(2)
        from rich.errors import MarkupError

        if isinstance(exc, MarkupError):   # a command printed unescaped text through its own console
            _fail(f"could not print the output ({exc})")
        raise


def describe_os_error(exc: OSError) -> str:
    """'cannot write /path: No space left on device' — the path and the cause, no traceback."""
    cause = exc.strerror or str(exc) or type(exc).__name__
    paths = [str(p) for p in (exc.filename, exc.filename2) if p is not None]
    if paths:
        return f"{' → '.join(paths)}: {cause}"
    return cause


def _fail(message: str) -> None:
    """One line on stderr, never parsed as rich markup, then exit status 2."""
    from rich.console import Console
    from rich.text import Text

    line = message.replace("\r", " ").replace("\n", " ")
    Console(stderr=True).print(Text.assemble(("error:", "bold red"), " ", line), highlight=False, soft_wrap=True)
    sys.exit(2)


def _usage_error_types() -> tuple[type, ...]:
    """Click's usage-error base class, both the standalone package's and the copy Typer >= 0.24 vendors."""
    import click

    types: list[type] = [click.ClickException]
    base = typer.BadParameter.__mro__
    types += [c for c in base if c.__name__ == "ClickException"]
    return tuple(types)
