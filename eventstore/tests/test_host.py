"""The service host: migrations once, HTTP errors as data (never the input echoed), health, metrics."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
from fastapi import APIRouter
from pydantic import BaseModel, Field

from minzheng_contracts import ResidentId
from minzheng_eventstore import NewEvent, RecordedEvent
from minzheng_eventstore.errors import Conflict
from minzheng_eventstore.host import Migration, ServiceHost, ServiceSettings
from minzheng_eventstore.relay import OutgoingMessage

ID = "11010519491231002X"


class Apply(BaseModel):
    applicant: ResidentId
    members: int = Field(ge=1)


def build(database: str, nats_url: str) -> tuple[ServiceHost, object]:
    def publication(event: RecordedEvent) -> OutgoingMessage | None:
        return None  # nothing published in this test

    host = ServiceHost(
        ServiceSettings("testsvc", database, nats_url),
        publication=publication,
        migrations=[Migration("0001_roll", "CREATE TABLE roll (household text PRIMARY KEY, members int)")],
    )
    router = APIRouter()

    @router.post("/households/{hid}", status_code=201)
    async def apply(hid: str, body: Apply) -> dict[str, int]:
        if hid == "closed":
            raise Conflict("household_closed", "this household's case is closed", field="hid")
        result = await host.store.append(
            f"household-{hid}",
            "household",
            0,
            [
                NewEvent(
                    event_type="Applied", data=body.model_dump(mode="json"), occurred_at=datetime.now(UTC)
                )
            ],
        )
        return {"version": result.last_version}

    return host, host.fastapi(title="test", routers=[router])


async def test_host_serves_commands_and_answers_errors_as_data(fresh_database: str, stack) -> None:  # type: ignore[no-untyped-def]
    host, app = build(fresh_database, stack.nats_admin_url)
    assert await host.migrate() == ["0001_roll"]
    assert await host.migrate() == []  # idempotent
    async with host.running():
        transport = httpx.ASGITransport(app=app)  # type: ignore[arg-type]
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            assert (await http.get("/health")).json()["status"] == "ok"
            ready = await http.get("/ready")
            assert ready.status_code == 200
            assert ready.json() == {
                "database": True,
                "nats": True,
                "consumers": {},
                "ready": True,
                "outbox_parked": 0,
                "degraded": [],
            }

            ok = await http.post("/households/h1", json={"applicant": ID, "members": 3})
            assert ok.status_code == 201 and ok.json() == {"version": 1}
            assert "x-correlation-id" in ok.headers

            again = await http.post("/households/h1", json={"applicant": ID, "members": 3})
            assert again.status_code == 409 and again.json()["error"]["code"] == "concurrent_change"

            bad = await http.post("/households/h2", json={"applicant": ID[:-1] + "1", "members": 3})
            assert bad.status_code == 422
            error = bad.json()["error"]
            assert error["code"] == "invalid_input" and error["field"] == "applicant"
            assert ID[:-1] not in bad.text  # the input is never echoed back

            rule = await http.post("/households/closed", json={"applicant": ID, "members": 1})
            assert rule.status_code == 409
            assert rule.json()["error"] == {
                "code": "household_closed",
                "message": "this household's case is closed",
                "field": "hid",
            }
            metrics = await http.get("/metrics")
            assert metrics.status_code == 200 and "mz_relay_published_total" in metrics.text
    async with host.running(consume=False, relay=False):
        assert [e.version for e in await host.store.read_stream("household-h1")] == [1]
        assert await host.store.stream_version("household-h2") == 0


async def test_a_parked_event_shows_in_ready_and_metrics_and_the_service_goes_on(
    fresh_database: str, stack
) -> None:  # type: ignore[no-untyped-def]
    def publication(event: RecordedEvent) -> OutgoingMessage | None:
        if event.event_type == "Poison":
            raise KeyError("applicant")
        return None

    host = ServiceHost(
        ServiceSettings("testsvc", fresh_database, stack.nats_admin_url), publication=publication
    )
    app = host.fastapi(title="test")
    async with host.running():
        poison = NewEvent(event_type="Poison", data={}, occurred_at=datetime.now(UTC))
        try:
            await host.store.append("x-1", "x", 0, [poison])
            raise AssertionError("the store must refuse what cannot be published")
        except Exception as exc:
            assert type(exc).__name__ == "UnpublishableEventError"
        check, host.store.publication_check = host.store.publication_check, None
        await host.store.append("x-1", "x", 0, [poison])  # forced in, as an older version would have
        host.store.publication_check = check
        await host.store.append(
            "x-2", "x", 0, [NewEvent(event_type="Fine", data={}, occurred_at=poison.occurred_at)]
        )
        assert host.relay is not None and await host.relay.drain(within=10)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:  # type: ignore[arg-type]
            ready = (await http.get("/ready")).json()
            assert (
                ready["ready"] is True
                and ready["outbox_parked"] == 1
                and ready["degraded"] == ["publication"]
            )
            assert 'mz_relay_parked_events{service="testsvc"} 1.0' in (await http.get("/metrics")).text


async def test_a_consumer_that_vanishes_is_noticed_recreated_and_consumes_again(
    fresh_database: str, stack, nats_admin, test_stream
) -> None:  # type: ignore[no-untyped-def]
    import asyncio
    import uuid

    stream, prefix = test_stream
    seen: list[str] = []

    async def handle(msg, conn) -> None:  # type: ignore[no-untyped-def]
        seen.append(msg.subject)

    host = ServiceHost(ServiceSettings("testsvc", fresh_database, stack.nats_admin_url), publication=None)
    name = host.add_consumer(purpose="watch", version=1, stream=stream, subject=f"{prefix}.>", handler=handle)
    async with host.running():
        assert await host.check_consumers() == {name: True}
        assert (await host.ready())["ready"] is True
        await nats_admin.jetstream().delete_consumer(stream, name)
        assert await host.check_consumers(recreate=False) == {name: False}
        ready = await host.ready()
        assert ready["ready"] is False and ready["consumers"] == {name: False}
        await host.check_consumers()  # recreates it
        assert await host.check_consumers() == {name: True}
        await nats_admin.jetstream().publish(
            f"{prefix}.after", b"{}", headers={"Nats-Msg-Id": str(uuid.uuid4())}
        )
        for _ in range(100):
            if seen:
                break
            await asyncio.sleep(0.1)
        assert seen == [f"{prefix}.after"]
        assert (await host.ready())["ready"] is True
