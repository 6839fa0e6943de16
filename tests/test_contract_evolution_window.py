"""A contract's migration window on real NATS: the producer publishes ``PaymentIssued`` in v1 (its
mapping) and v2 (upcast, validated) for every payment; a consumer of v1 and a consumer of v2 on the
same subject are each served every payment once, each message valid against its own contract and
committed JSON Schema, with a ``Nats-Msg-Id`` of its own per version (so JetStream keeps both); a
re-publication doubles nothing for either."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from faststream.nats import NatsBroker
from nats.js.api import DeliverPolicy
from sqlalchemy.ext.asyncio import create_async_engine

from minzheng_contracts.assistance import PaymentIssued
from minzheng_contracts.payments import PaymentIssuedV2
from minzheng_eventstore import (
    DurableConsumer,
    EventMetadata,
    EventStore,
    Incoming,
    NewEvent,
    OutboxRelay,
    install,
)
from minzheng_eventstore.dsn import sqlalchemy_url
from minzheng_eventstore.kit import parse_contract
from minzheng_eventstore.migration_window import (
    MigrationWindow,
    version_message_id,
    windows_from_env,
    with_windows,
)
from minzheng_eventstore.model import RecordedEvent
from minzheng_eventstore.relay import OutgoingMessage, contract_message
from minzheng_eventstore.republish import Range, republish
from minzheng_eventstore.store import Connection

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
SCHEMAS = Path(__file__).resolve().parents[1] / "contracts" / "schemas"
PAYMENTS = 40


def publication(event: RecordedEvent) -> OutgoingMessage | None:
    """A producer's mapping as the assistance service has it: v1 only."""
    if event.event_type != "PaymentMade":
        return None
    data = {
        "payment_id": str(event.event_id),
        "programme": "dibao_urban",
        "household_id": event.data["household_id"],
        "amount_fen": event.data["amount_fen"],
        "period": "2026-03",
        "standard_id": "dibao-330727-2026",
    }
    return contract_message(PaymentIssued, event, data, producer="assistance")


@pytest.fixture
async def store(fresh_database: str) -> AsyncIterator[EventStore]:
    engine = create_async_engine(sqlalchemy_url(fresh_database))
    await install(engine)
    await engine.dispose()
    s = await EventStore.connect(fresh_database)
    async with s.pool.acquire() as conn:
        for version in (1, 2):
            await conn.execute(
                f"CREATE TABLE served_v{version} (event_id uuid PRIMARY KEY, msg_id uuid NOT NULL, "
                "n int NOT NULL, body jsonb NOT NULL)"
            )
    yield s
    await s.close()


def reader(store: EventStore, version: int, stream: str) -> DurableConsumer:
    contract = PaymentIssued if version == 1 else PaymentIssuedV2

    async def handle(msg: Incoming, conn: Connection) -> None:
        event = parse_contract(msg, (contract,))
        if event is None:  # the other version: acknowledged, no effect
            return
        await conn.execute(
            f"INSERT INTO served_v{version} (event_id, msg_id, n, body) VALUES ($1, $2, 1, $3::jsonb) "
            f"ON CONFLICT (event_id) DO UPDATE SET n = served_v{version}.n + 1",
            event.event_id,
            msg.event_id,
            msg.data.decode(),
        )

    return DurableConsumer(
        store,
        service="province",
        purpose=f"payments-{uuid.uuid4().hex[:8]}",
        version=version,
        stream=stream,
        subject="assistance.payment.issued",
        handler=handle,
        batch_size=50,
        # a new durable, started before the test publishes: it need not work through every payment
        # the session's earlier tests published on the subject (the assertions look at this test's)
        deliver_policy=DeliverPolicy.NEW,
    )


async def wait_for(predicate: Callable[[], Awaitable[bool]], timeout: float = 60.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await predicate():
        assert asyncio.get_running_loop().time() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


async def served(store: EventStore, version: int, ids: set[uuid.UUID]) -> list[Any]:
    async with store.pool.acquire() as conn:
        rows = await conn.fetch(f"SELECT event_id, msg_id, n, body FROM served_v{version}")
    return [r for r in rows if r["event_id"] in ids]


def _valid_against_committed_schema(body: dict[str, Any], version: int) -> None:
    schema = json.loads((SCHEMAS / f"PaymentIssued.v{version}.json").read_text(encoding="utf-8"))
    assert set(schema["required"]) <= set(body) <= set(schema["properties"])
    assert body["schema_version"] == schema["properties"]["schema_version"]["const"] == version
    assert body["producer"] in schema["properties"]["producer"]["enum"]
    data = next(d for name, d in schema["$defs"].items() if name.startswith("PaymentIssued"))
    assert set(data["required"]) <= set(body["data"]) <= set(data["properties"])


async def _append(store: EventStore) -> set[uuid.UUID]:
    events = [
        NewEvent(
            event_type="PaymentMade",
            data={"household_id": str(uuid.uuid4()), "amount_fen": 65_000 + i},
            occurred_at=NOW,
            metadata=EventMetadata(actor="official-1", jurisdiction="330727"),
        )
        for i in range(PAYMENTS)
    ]
    await store.append(f"payments-{uuid.uuid4()}", "payments", 0, events)
    return {e.event_id for e in events}


async def _check_both_served(store: EventStore, ids: set[uuid.UUID]) -> None:
    v1, v2 = await served(store, 1, ids), await served(store, 2, ids)
    assert {r["event_id"] for r in v1} == ids == {r["event_id"] for r in v2}
    assert all(r["n"] == 1 for r in v1 + v2)
    # v1 keeps the event id as its Nats-Msg-Id; v2 has one of its own, derived from it
    assert all(r["msg_id"] == r["event_id"] for r in v1)
    assert all(str(r["msg_id"]) == version_message_id(r["event_id"], "PaymentIssued", 2) for r in v2)
    assert not {r["msg_id"] for r in v1} & {r["msg_id"] for r in v2}
    for version, rows in ((1, v1), (2, v2)):
        for r in rows:
            body = json.loads(r["body"])
            contract = PaymentIssued if version == 1 else PaymentIssuedV2
            assert contract.model_validate(body).schema_version == version
            _valid_against_committed_schema(body, version)


async def _consumers(store: EventStore, stack: Any, stream: str) -> tuple[NatsBroker, list[DurableConsumer]]:
    broker = NatsBroker(stack.nats_admin_url, logger=None)
    consumers = [reader(store, 1, stream), reader(store, 2, stream)]
    for c in consumers:
        c.register(broker)
    await broker.start()
    return broker, consumers


async def test_v1_and_v2_consumers_both_served_through_the_relay(
    store: EventStore, stack: Any, nats_admin: Any
) -> None:
    js = nats_admin.jetstream()
    stream = await js.find_stream_name_by_subject("assistance.payment.issued")
    windowed = with_windows(publication, [MigrationWindow("PaymentIssued", 1, 2)])
    ids = await _append(store)
    broker, _ = await _consumers(store, stack, stream)
    try:
        relay = OutboxRelay(store, js, name=f"window-{uuid.uuid4().hex[:6]}", publication=windowed)
        assert await relay.drain(within=60)
        assert relay.published == PAYMENTS

        async def both() -> bool:
            return len(await served(store, 1, ids)) == PAYMENTS == len(await served(store, 2, ids))

        await wait_for(both)
        await _check_both_served(store, ids)
    finally:
        await broker.stop()


async def test_republishing_in_the_window_serves_each_version_once(
    store: EventStore, stack: Any, nats_admin: Any
) -> None:
    js = nats_admin.jetstream()
    stream = await js.find_stream_name_by_subject("assistance.payment.issued")
    windowed = with_windows(publication, [MigrationWindow("PaymentIssued", 1, 2)])
    ids = await _append(store)
    broker, _ = await _consumers(store, stack, stream)
    try:
        report = await republish(store, js, windowed, Range(from_position=1))
        assert (report.events, report.published, report.failed) == (PAYMENTS, 2 * PAYMENTS, 0)

        async def both() -> bool:
            return len(await served(store, 1, ids)) == PAYMENTS == len(await served(store, 2, ids))

        await wait_for(both)
        again = await republish(store, js, windowed, Range(from_position=1))
        assert again.duplicates == 2 * PAYMENTS  # the same two ids per event: JetStream drops them
        await _check_both_served(store, ids)
    finally:
        await broker.stop()


def test_the_window_is_data_or_a_setting() -> None:
    until = datetime(2026, 6, 30, tzinfo=UTC) + timedelta(hours=-8)
    [window] = windows_from_env(
        "assistance", {"ASSISTANCE_CONTRACT_WINDOWS": "PaymentIssued:1>2@2026-06-30T00:00:00+08:00"}
    )
    assert window == MigrationWindow("PaymentIssued", 1, 2, until)
    assert windows_from_env("assistance", {}) == []
    with pytest.raises(ValueError, match="no upcasting step"):
        MigrationWindow("HouseholdApplied", 1, 2)
    with pytest.raises(ValueError, match="form: Type:1>2"):
        MigrationWindow.parse("PaymentIssued:two")
    windowed = with_windows(publication, [window])
    at = datetime(2026, 3, 1, tzinfo=UTC)
    event = RecordedEvent(
        "payments-1", "payments", 1, 1, 1, uuid.uuid4(), "PaymentMade", 1,
        {"household_id": str(uuid.uuid4()), "amount_fen": 100}, at, at,
        None, None, None, "official-1", "330727",
    )  # fmt: skip
    both = windowed(event)
    assert isinstance(both, tuple) and [json.loads(m.payload)["schema_version"] for m in both] == [1, 2]
    after = event._replace(recorded_at=until)  # the window closed: the mapped version alone
    assert isinstance(windowed(after), OutgoingMessage)


def _payment_of(service: str) -> RecordedEvent:
    """One recorded event each service publishes as ``PaymentIssued``: a 低保 payment, cash relief."""
    at = datetime(2026, 3, 1, tzinfo=UTC)
    if service == "assistance":
        stream, event_type = "payment-1", "PaymentIssued"
        data: dict[str, Any] = {
            "payment_id": str(uuid.uuid4()), "programme": "dibao_rural", "household_id": str(uuid.uuid4()),
            "case_id": str(uuid.uuid4()), "period": "2026-03", "amount_fen": 81_000,
            "standard_id": "std-1", "run_id": None, "residence": "330727101201",
        }  # fmt: skip
    else:
        from minzheng_contracts import make_resident_id

        stream, event_type = "affected-1", "CashReliefPaid"
        head = make_resident_id("330727", datetime(1970, 1, 1).date(), 1).reveal()
        data = {"incident_id": str(uuid.uuid4()), "head": head, "cash_fen": 50_000, "document": "DOC-1"}
    return RecordedEvent(
        stream, stream.split("-")[0], 1, 1, 1, uuid.uuid4(), event_type, 1, data, at, at,
        None, None, None, "official-1", "330727",
    )  # fmt: skip


@pytest.mark.parametrize("service", ["assistance", "disaster"])
def test_each_service_opens_a_window_by_its_setting(service: str) -> None:
    """``<SERVICE>_CONTRACT_WINDOWS`` reaches the relay of the service as the kit builds it: its
    payments go out as v1 and v2; without the setting, the publication is the service's own."""
    from minzheng_assistance.service import ASSISTANCE
    from minzheng_disaster.service import DISASTER
    from minzheng_eventstore.kit import published

    definition = {"assistance": ASSISTANCE, "disaster": DISASTER}[service]
    assert published(definition, {}) is definition.publication
    windowed = published(definition, {f"{service.upper()}_CONTRACT_WINDOWS": "PaymentIssued:1>2"})
    assert windowed is not None
    both = windowed(_payment_of(service))
    assert isinstance(both, tuple)
    assert [(json.loads(m.payload)["event_type"], json.loads(m.payload)["schema_version"]) for m in both] == [
        ("PaymentIssued", 1),
        ("PaymentIssued", 2),
    ]
