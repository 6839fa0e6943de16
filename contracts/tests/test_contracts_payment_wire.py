"""PaymentIssued on the real NATS JetStream: v1 from assistance, v2 from veterans and eldercare, each on
its producer's subject; a raw subscriber validates the bytes it receives. A v1 consumer still reads v1
as v1; a v2 consumer reads all three as v2 (the upcaster)."""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from minzheng_contracts import IntegrationEvent, PaymentIssued, PaymentIssuedV2, parse_integration_event
from minzheng_contracts.upcasting import parse_latest

Samples = dict[type[IntegrationEvent[Any]], IntegrationEvent[Any]]


def _published(samples: Samples) -> list[IntegrationEvent[Any]]:
    v1, v2 = samples[PaymentIssued], samples[PaymentIssuedV2]
    eldercare = v2.model_validate(
        {
            **v2.model_dump(),
            "event_id": uuid4(),
            "producer": "eldercare",
            "data": {
                **v2.data.model_dump(),
                "programme": "eldercare_old_age_allowance",
                "payment_id": uuid4(),
            },
        }
    )
    return [
        v1.model_validate({**v1.model_dump(), "event_id": uuid4()}),
        v2.model_validate({**v2.model_dump(), "event_id": uuid4()}),
        eldercare,
    ]


async def _received(url: str, stream: str, subject: str, wanted: set[str]) -> dict[str, bytes]:
    nc = await nats.connect(url)
    try:
        sub = await nc.jetstream().pull_subscribe(
            subject,
            stream=stream,
            config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL),
        )
        seen: dict[str, bytes] = {}
        while wanted - set(seen):
            for msg in await sub.fetch(100, timeout=5):
                event_id = json.loads(msg.data)["event_id"]
                if event_id in wanted:
                    assert msg.headers is not None and msg.headers["Nats-Msg-Id"] == event_id
                    seen[event_id] = msg.data
        return seen
    finally:
        await nc.close()


async def test_a_raw_subscriber_reads_v1_and_v2_from_every_producer(stack, samples: Samples) -> None:  # type: ignore[no-untyped-def]
    events = _published(samples)
    nc = await nats.connect(stack.nats_admin_url)
    try:
        js = nc.jetstream()
        for event in events:
            ack = await js.publish(
                event.subject, event.model_dump_json().encode(), headers={"Nats-Msg-Id": str(event.event_id)}
            )
            assert ack.stream == event.producer.upper()
    finally:
        await nc.close()
    raw: dict[str, bytes] = {}
    for event in events:
        raw |= await _received(
            stack.nats_admin_url, event.producer.upper(), event.subject, {str(event.event_id)}
        )
    v1, veterans, eldercare = (raw[str(e.event_id)] for e in events)

    # a consumer of v1 keeps reading v1 as it is
    assert parse_integration_event(v1) == events[0] and type(events[0]) is PaymentIssued
    # a consumer of v2 reads all three as v2, the v1 payment with its fields unchanged
    as_v2 = [parse_latest(body) for body in (v1, veterans, eldercare)]
    assert all(type(e) is PaymentIssuedV2 for e in as_v2)
    assert as_v2[0].model_dump(exclude={"schema_version"}) == events[0].model_dump(exclude={"schema_version"})
    assert as_v2[1:] == events[1:]
    assert [e.subject for e in as_v2] == [
        "assistance.payment.issued",
        "veterans.payment.issued",
        "eldercare.payment.issued",
    ]
    assert [e.data.programme.value for e in as_v2] == [
        "dibao_rural",
        "veterans_pension_disabled",
        "eldercare_old_age_allowance",
    ]
