"""`samarkand serve [--host 127.0.0.1 --port 8000]`: the dashboard and JSON API (uvicorn)."""
from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve_cmd(
        host: str = typer.Option("127.0.0.1", "--host", help="Interface to listen on (loopback by default)"),
        port: int = typer.Option(8000, "--port", min=1, max=65535, help="TCP port"),
        workers: int = typer.Option(1, "--workers", min=1, max=64, help="uvicorn worker processes"),
        log_level: str = typer.Option("warning", "--log-level", help="uvicorn log level"),
    ) -> None:
        """Serve the dashboard (overview, dependencies, partnership, stress, CRM, CBAM, convergence) and the
        JSON API with its OpenAPI documentation at /docs. Read-only on the store."""
        import uvicorn
        from rich.console import Console

        Console(stderr=True).print(f"samarkand dashboard on http://{host}:{port}/  (API docs: /docs)",
                                   highlight=False)
        if workers > 1:
            uvicorn.run("samarkand.web:create_app", factory=True, host=host, port=port, workers=workers,
                        log_level=log_level)
        else:
            from samarkand.web import create_app

            uvicorn.run(create_app(), host=host, port=port, log_level=log_level)
