"""A demo incident in progress (``make run`` loads it): a flood reported 20 hours ago, households
helped, households at risk, and one already breached. Idempotent."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

from minzheng_contracts import make_resident_id
from minzheng_eventstore.builder import Actor
from minzheng_eventstore.context import ServiceContext

from .application import handlers as h
from .application.scheduler import raise_due
from .application.streams import incident_stream
from .domain.incident import Damage

INCIDENT = uuid.UUID("d15a57e4-0000-4000-8000-000000000001")


async def seed_demo(ctx: ServiceContext) -> None:
    if await ctx.store.stream_version(incident_stream(INCIDENT)) > 0:
        return
    actor = Actor("demo-seed")
    now = ctx.clock.now()
    reported = now - timedelta(hours=20)
    await h.report_incident(
        ctx,
        actor,
        incident_id=INCIDENT,
        disaster_type="flood",
        area=["330727101"],
        happened_at=reported - timedelta(hours=2),
        reported_at=reported,
        reporter="Township 101 civil-affairs office (demo)",
        summary="flash flood along the river",
    )
    await h.verify_incident(ctx, actor, INCIDENT, "12 houses flooded, 2 collapsed (demo)")
    await h.receive_stock(ctx, actor, warehouse="county-reserve", item="quilt", quantity=200)
    await h.receive_stock(ctx, actor, warehouse="county-reserve", item="rice_kg", quantity=2000)
    await h.allocate(
        ctx,
        actor,
        incident_id=INCIDENT,
        document="county relief allocation 2026-17 (demo)",
        cash_fen=5_000_000,
        items={"quilt": 60, "rice_kg": 600},
        warehouse="county-reserve",
    )
    heads = [make_resident_id("330727", date(1950 + n, 1 + n % 12, 1 + n), n).reveal() for n in range(1, 9)]
    for n, head in enumerate(heads):
        await h.register_household(
            ctx,
            actor,
            incident_id=INCIDENT,
            head=head,
            village=f"330727101{201 + n % 2}",
            members=2 + n % 3,
            relocation=n % 2,
            damage=[Damage.LIGHT, Damage.SEVERE, Damage.COLLAPSED][n % 3],
            needs={"cash": True, "quilts": True},
        )
    for n, head in enumerate(heads[:4]):  # helped in time (registered and helped just now)
        await h.deliver(
            ctx,
            actor,
            incident_id=INCIDENT,
            head=head,
            cash_fen=50_000,
            items={"quilt": 2},
            delivered_at=None,
            delivery_id=uuid.uuid5(INCIDENT, f"demo-delivery-{n}"),
        )
    await raise_due(ctx)  # the others are past the 18 h warning point: at risk
    # a second incident, reported 30 hours ago, whose one household was never reached: breached
    old = uuid.uuid5(INCIDENT, "older")
    await h.report_incident(
        ctx,
        actor,
        incident_id=old,
        disaster_type="landslide",
        area=["330727102201"],
        happened_at=now - timedelta(hours=31),
        reported_at=now - timedelta(hours=30),
        reporter="Village 102-201 (demo)",
        summary=None,
    )
    await h.register_household(
        ctx,
        actor,
        incident_id=old,
        head=make_resident_id("330727", date(1944, 4, 4), 9).reveal(),
        village="330727102201",
        members=1,
        relocation=1,
        damage=Damage.COLLAPSED,
        needs={"shelter": True},
    )
    await raise_due(ctx)
