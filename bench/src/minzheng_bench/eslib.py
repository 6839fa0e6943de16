"""The ``eventsourcing`` library (9.x) on PostgreSQL beside our Repository, doing the same commands:
create a household aggregate, load and approve it, load it (shared/anchors/es_lib_bench.py)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from minzheng_eventstore import EventStore, NewEvent, RecordedEvent, Repository

NOW = datetime(2026, 3, 1, tzinfo=UTC)


def configure_library(database_url: str) -> None:
    """Point the library's applications at ``database_url`` (it reads its settings from the environment)."""
    url = urlsplit(database_url)
    os.environ.update(
        PERSISTENCE_MODULE="eventsourcing.postgres",
        POSTGRES_DBNAME=url.path.lstrip("/"),
        POSTGRES_HOST=url.hostname or "127.0.0.1",
        POSTGRES_PORT=str(url.port or 5432),
        POSTGRES_USER=url.username or "postgres",
        POSTGRES_PASSWORD=url.password or "x",
        POSTGRES_SCHEMA="public",
        POSTGRES_CREATE_TABLE="y",
    )


def eventsourcing_library(database_url: str, n: int) -> dict[str, float]:
    """Runs synchronously (the library is sync); call it in a thread."""
    from eventsourcing.application import Application
    from eventsourcing.domain import Aggregate, event

    class Household(Aggregate):  # type: ignore[misc,unused-ignore]
        @event("Applied")  # type: ignore[untyped-decorator,unused-ignore]
        def __init__(self, county: str, members: int, income: int) -> None:
            self.county, self.members, self.income, self.status = county, members, income, "applied"

        @event("Approved")  # type: ignore[untyped-decorator,unused-ignore]
        def approve(self, amount: int) -> None:
            self.status, self.amount = "approved", amount

    class Assistance(Application):  # type: ignore[misc,type-arg,unused-ignore]
        pass

    configure_library(database_url)
    app = Assistance()
    t = time.perf_counter()
    ids = []
    for _ in range(n):
        h = Household("330727", 3, 300)
        app.save(h)
        ids.append(h.id)
    create = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in ids:
        h = app.repository.get(i)
        h.approve(500)
        app.save(h)
    approve = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for i in ids:
        app.repository.get(i)
    load = n / (time.perf_counter() - t)
    app.close()
    return {"create": create, "approve": approve, "load": load}


@dataclass(frozen=True)
class HouseholdState:
    status: str = "none"
    members: int = 0


def _evolve(state: HouseholdState, event: RecordedEvent) -> HouseholdState:
    if event.event_type == "Applied":
        return HouseholdState("applied", int(event.data["members"]))
    return replace(state, status="approved")


async def minzheng(store: EventStore, n: int) -> dict[str, float]:
    repo: Repository[HouseholdState] = Repository(store, "household", initial=HouseholdState, evolve=_evolve)
    ids = [f"household-{i}-{time.monotonic_ns()}" for i in range(n)]
    t = time.perf_counter()
    for sid in ids:
        await repo.create(
            sid,
            [
                NewEvent(
                    event_type="Applied",
                    data={"county": "330727", "members": 3, "income": 300},
                    occurred_at=NOW,
                )
            ],
        )
    create = n / (time.perf_counter() - t)

    def approve(state: HouseholdState, version: int) -> list[NewEvent]:
        assert state.status == "applied"
        return [NewEvent(event_type="Approved", data={"amount": 500}, occurred_at=NOW)]

    t = time.perf_counter()
    for sid in ids:
        await repo.handle(sid, approve)
    approved = n / (time.perf_counter() - t)
    t = time.perf_counter()
    for sid in ids:
        await repo.load(sid)
    load = n / (time.perf_counter() - t)
    return {"create": create, "approve": approved, "load": load}


Result = dict[str, Any]
