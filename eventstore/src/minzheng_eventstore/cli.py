"""The command line every service shares: ``migrate``, ``serve``, ``relay``, ``seed-demo``, ``redrive``."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import typer

from .observability import configure_logging, configure_tracing

if TYPE_CHECKING:
    from .host import ServiceHost


def build_cli(
    host: ServiceHost,
    *,
    app_factory: Callable[[], Any],
    seed_demo: Callable[[ServiceHost], Awaitable[None]] | None,
) -> typer.Typer:
    cli = typer.Typer(help=f"minzheng {host.service} service", no_args_is_help=True, add_completion=False)

    @cli.command()
    def migrate() -> None:
        """Create or update this service's tables (idempotent)."""
        configure_logging(host.service)
        applied = asyncio.run(host.migrate())
        typer.echo(f"{host.service}: migrations applied: {', '.join(applied) or 'none (up to date)'}")

    @cli.command()
    def serve(
        host_: str = typer.Option("127.0.0.1", "--host"),
        port: int = typer.Option(8000, "--port"),
        relay: bool = typer.Option(
            True, "--relay/--no-relay", help="run the outbox relay here (--no-relay: `relay` runs it)"
        ),
    ) -> None:
        """Run the HTTP API, the outbox relay, the consumers, the projections and the schedulers."""
        import uvicorn

        configure_logging(host.service)
        configure_tracing(host.service)
        host.relay_in_process = relay
        uvicorn.run(app_factory(), host=host_, port=port, log_level="warning", access_log=False)

    @cli.command("relay")
    def relay_only() -> None:
        """Run only the outbox relay, in a process of its own beside `serve --no-relay`: on a busy
        service the relay gets a core of its own. Stops on SIGTERM/SIGINT after publishing what is
        committed. Run one per service: a second one is harmless (its publications are dropped as
        duplicates) but wasted."""
        configure_logging(host.service)
        configure_tracing(host.service)

        async def run() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            async with host.running(consume=False, relay=False, project=False, background=False):
                relay = host.outbox_relay()
                typer.echo(f"{host.service}: relay {relay.name} running", err=True)
                await relay.run(stop)
                await relay.drain(within=5.0)

        asyncio.run(run())

    @cli.command("seed-demo")
    def seed() -> None:
        """Load a small demo county so a newcomer can try the API at once (idempotent)."""
        if seed_demo is None:
            typer.echo(f"{host.service}: no demo data")
            return
        configure_logging(host.service)

        async def run() -> None:
            async with host.running(consume=False):
                await seed_demo(host)
                if host.relay is not None:
                    await host.relay.drain(within=60)

        asyncio.run(run())
        typer.echo(f"{host.service}: demo data loaded")

    @cli.command()
    def redrive(consumer: str = typer.Option("", help="only this consumer")) -> None:
        """Run open dead letters through their consumer again, after the cause was fixed."""
        configure_logging(host.service)

        async def run() -> None:
            async with host.running(consume=False, relay=False):
                for name, (done, failed) in (await host.redrive(consumer or None)).items():
                    typer.echo(f"{name}: redriven {done}, still failing {failed}")

        asyncio.run(run())

    return cli
