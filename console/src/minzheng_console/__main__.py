"""``python -m minzheng_console serve --host 127.0.0.1 --port 8100`` (configuration from the
environment: see ``minzheng_console.config``)."""

from __future__ import annotations

import typer
import uvicorn

from .app import create_app
from .config import ConfigError, Settings

cli = typer.Typer(add_completion=False, help="The county duty team's web console.")


@cli.callback()
def main() -> None:
    """The console (值班控制台)."""


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8100, help="port to listen on"),
) -> None:
    """Serve the console (CONSOLE_SERVICES names the services it reads)."""
    try:
        settings = Settings.from_env()
    except ConfigError as exc:
        typer.echo(f"console: {exc}", err=True)
        raise typer.Exit(2) from None
    uvicorn.run(create_app(settings), host=host, port=port, log_level="info", access_log=False)


if __name__ == "__main__":
    cli()
