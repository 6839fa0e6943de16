"""The command line every service shares: ``migrate``, ``serve``, ``relay``, ``seed-demo``, ``redrive``,
``verify``, ``checkpoint``, ``bundle``, and the auditor's reads ``history``, ``state``, ``explain``.

The service is built only when a command runs (``make_service``), so ``--help`` works on a machine
with no database configured.
"""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

import typer

from .observability import configure_logging, configure_tracing

if TYPE_CHECKING:
    from .kit import Service


def build_cli(name: str, make_service: Callable[[], Service]) -> typer.Typer:
    cli = typer.Typer(help=f"minzheng {name} service", no_args_is_help=True, add_completion=False)

    @cli.command()
    def migrate() -> None:
        """Create or update this service's tables (idempotent)."""
        configure_logging(name)
        applied = asyncio.run(make_service().host.migrate())
        typer.echo(f"{name}: migrations applied: {', '.join(applied) or 'none (up to date)'}")

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

        configure_logging(name)
        configure_tracing(name)
        service = make_service()
        service.host.relay_in_process = relay
        # log_config=None: uvicorn keeps our handlers (masked JSON) instead of installing its own
        uvicorn.run(
            service.app(), host=host_, port=port, log_level="warning", access_log=False, log_config=None
        )

    @cli.command("relay")
    def relay_only() -> None:
        """Run only the outbox relay, in a process of its own beside `serve --no-relay`: on a busy
        service the relay gets a core of its own. Stops on SIGTERM/SIGINT after publishing what is
        committed. Run one per service: a second one is harmless (its publications are dropped as
        duplicates) but wasted."""
        configure_logging(name)
        configure_tracing(name)
        host = make_service().host

        async def run() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            async with host.running(consume=False, relay=False, project=False, background=False):
                relay = host.outbox_relay()
                typer.echo(f"{name}: relay {relay.name} running", err=True)
                await relay.run(stop)
                await relay.drain(within=5.0)

        asyncio.run(run())

    @cli.command("seed-demo")
    def seed() -> None:
        """Load a small demo county so a newcomer can try the API at once (idempotent)."""
        configure_logging(name)
        configure_tracing(name)  # the demo's events carry a trace, as a command's do
        service = make_service()
        if service.definition.seed_demo is None:
            typer.echo(f"{name}: no demo data")
            return

        async def run() -> None:
            async with service.host.running(consume=False):
                await service.seed_demo()
                if service.host.relay is not None:
                    await service.host.relay.drain(within=60)

        asyncio.run(run())
        typer.echo(f"{name}: demo data loaded")

    @cli.command()
    def redrive(
        consumer: str = typer.Option("", help="only this consumer"),
        outbox: bool = typer.Option(False, "--outbox", help="re-publish the relay's parked events instead"),
    ) -> None:
        """Run open dead letters through their consumer again, or (--outbox) publish the events the
        relay parked, after the cause was fixed."""
        configure_logging(name)
        configure_tracing(name)  # a re-driven message is processed in its producer's trace
        host = make_service().host

        async def run() -> None:
            async with host.running(consume=False, relay=False, project=False, background=False):
                if outbox:
                    done, failed = await host.redrive_outbox()
                    typer.echo(f"{name}-outbox: published {done}, still failing {failed}")
                    return
                for consumer_name, (done, failed) in (await host.redrive(consumer or None)).items():
                    typer.echo(f"{consumer_name}: redriven {done}, still failing {failed}")

        asyncio.run(run())

    @cli.command()
    def verify(
        stream: str = typer.Option("", help="only this stream"),
        as_json: bool = typer.Option(False, "--json", help="the findings as JSON"),
    ) -> None:
        """Walk the hash chains (every stream, or one) and compare the store with its latest signed
        checkpoint: name every event changed, removed, inserted or reordered, every stream deleted
        or cut short. Exit status 1 when anything is wrong."""
        from .audit_cli import run_verify

        configure_logging(name)
        raise typer.Exit(run_verify(make_service().host, stream or None, as_json=as_json))

    @cli.command()
    def checkpoint(as_json: bool = typer.Option(False, "--json")) -> None:
        """Sign a checkpoint of every stream's head now (the service also does it periodically)."""
        from .audit_cli import run_checkpoint

        configure_logging(name)
        run_checkpoint(make_service().host, as_json=as_json)

    @cli.command()
    def bundle(
        stream: list[str] = typer.Option(..., "--stream", help="a stream of the case (repeat for more)"),
        out: str = typer.Option("-", "--out", help="the file to write (- : standard output)"),
    ) -> None:
        """Export a case's events with their hashes, a checkpoint signed now and each stream's proof
        into it as one JSON file; ``standalone.py`` (beside this module) verifies it with the Python
        standard library alone."""
        from .audit_cli import run_bundle

        configure_logging(name)
        run_bundle(make_service().host, stream, out)

    @cli.command()
    def rebuild(
        projection: str = typer.Argument(..., help="the projection (read model) to rebuild"),
        compare: bool = typer.Option(False, "--compare", help="rebuild beside the live one and diff"),
        apply: bool = typer.Option(False, "--apply", help="with --compare: keep the rebuilt rows"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Rebuild a read model from zero; with --compare, in a transaction beside the live one,
        compared row by row and rolled back unless --apply. Exit status 1 when they differ."""
        from .replay_cli import run_rebuild

        configure_logging(name)
        raise typer.Exit(run_rebuild(make_service(), projection, check=compare, apply=apply, as_json=as_json))

    @cli.command()
    def republish(
        from_position: int | None = typer.Option(None, "--from-position", min=1),
        to_position: int | None = typer.Option(None, "--to-position", min=1),
        since: datetime | None = typer.Option(None, "--since", help="recorded at or after (with offset)"),
        until: datetime | None = typer.Option(None, "--until", help="recorded before (with offset)"),
        stream: str | None = typer.Option(None, "--stream"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """Publish a range of events to NATS again (same Nats-Msg-Id: downstream drops repeats)."""
        from .replay_cli import run_republish
        from .republish import Range

        configure_logging(name)
        try:
            span = Range(from_position, to_position, since, until, stream)
        except ValueError as exc:
            raise typer.BadParameter(str(exc)) from None
        raise typer.Exit(run_republish(make_service(), span, as_json=as_json))

    @cli.command()
    def history(
        stream: str = typer.Option("", help="a stream's history"),
        resident: str = typer.Option("", help="a person's history across the service's streams"),
        as_of: str = typer.Option("", "--as-of", help="only what was recorded by then (time or tx:position)"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """A stream's events, or a person's (by resident ID) across the service's streams: type,
        version, recorded and occurred times, actor, correlation and causation."""
        from .audit_cli import run_history

        configure_logging(name)
        raise typer.Exit(run_history(make_service(), stream, resident, as_of, as_json=as_json))

    @cli.command()
    def state(
        stream: str = typer.Option(..., help="the stream"),
        as_of: str = typer.Option(..., "--as-of", help="a time with its offset, or tx:position"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """What the service knew then against what it knows now about then (late facts and
        corrections), side by side."""
        from .audit_cli import run_state

        configure_logging(name)
        raise typer.Exit(run_state(make_service(), stream, as_of, as_json=as_json))

    @cli.command()
    def explain(
        payment: str = typer.Argument(..., help="a payment event's id or a payment id"),
        as_json: bool = typer.Option(False, "--json"),
    ) -> None:
        """The standard (and its value then) behind a payment, its inputs and decision events."""
        from .audit_cli import run_explain

        configure_logging(name)
        raise typer.Exit(run_explain(make_service(), payment, as_json=as_json))

    return cli
