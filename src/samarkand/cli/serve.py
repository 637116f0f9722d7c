"""`samarkand serve [--host 127.0.0.1 --port 8000]`: the dashboard and JSON API (uvicorn)."""
from __future__ import annotations

import ipaddress
import os

import typer


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.strip().lower() in ("localhost", "localhost."):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def register(app: typer.Typer) -> None:
    """Add the `serve` command to the ``samarkand`` app."""

    @app.command("serve")
    def serve_cmd(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)"),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
        workers: int = typer.Option(1, "--workers", min=1, max=64, help="uvicorn worker processes"),
        log_level: str = typer.Option("warning", "--log-level", help="uvicorn log level"),
        warm_start: bool = typer.Option(True, "--warm-start/--no-warm-start",
                                        help="Compute the default pair's pages in the background at start-up"),
    ) -> None:
        """Serve the dashboard (overview, dependencies, partnership, stress, CRM, CBAM, convergence) and the
        JSON API, with its reference at /api-reference and Swagger UI at /docs (both offline). Read-only."""
        import uvicorn
        from rich.console import Console
        from rich.markup import escape

        err = Console(stderr=True, highlight=False)
        if not is_loopback(host):
            err.print(f"[bold yellow]warning:[/] listening on {escape(host)} exposes the dashboard and the API, "
                      "which have no authentication, to every machine that can reach this one on port "
                      f"{port}; use --host 127.0.0.1 unless that is what you want")
        url_host = f"[{host}]" if ":" in host else host
        err.print(escape(f"samarkand dashboard on http://{url_host}:{port}/  (API reference: /api-reference, "
                         "Swagger UI: /docs — both work offline)"))
        os.environ["SAMARKAND_WARM_START"] = "1" if warm_start else "0"   # read by each worker's create_app
        if workers > 1:
            uvicorn.run("samarkand.web:create_app", factory=True, host=host, port=port, workers=workers,
                        log_level=log_level)
        else:
            from samarkand.web import create_app

            uvicorn.run(create_app(), host=host, port=port, log_level=log_level)
