"""What the marriage area publishes reaches the broker as the contracts say (the relay on the real
NATS), and the divorce-lapse scheduler runs in a live service."""

from __future__ import annotations

import asyncio
import json
from datetime import date, datetime, timedelta, timezone
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.clock import ManualClock
from minzheng_eventstore.host import ServiceSettings
from minzheng_eventstore.testing import oidc_settings, running_service
from minzheng_registry.application.configuration import load_national_standards
from minzheng_registry.entrypoints.app import Registry

if TYPE_CHECKING:
    from conftest import Running

H = make_resident_id("330727", date(1988, 4, 4), 71).reveal()
W = make_resident_id("330727", date(1989, 5, 5), 82).reveal()
D = make_resident_id("330727", date(1939, 9, 9), 93).reveal()


async def last(nats_admin: Any, subject: str) -> dict[str, Any]:
    message = await nats_admin.jetstream().get_last_msg("REGISTRY", subject)
    return dict(json.loads(message.data))


async def test_marriages_divorces_reissues_deaths_and_corrections_are_published(
    registry: Running, nats_admin: Any
) -> None:
    body = {"party_a": H, "party_b": W, "office": "330727", "both_present": True}
    m = (await registry.post("/marriages", body, expect=201)).json()
    reissued = (
        await registry.post(
            "/certificates/reissue", {"number": m["certificate_number"], "office": "330727"}, expect=201
        )
    ).json()
    apply = {"office": "330727", "both_present": True, "written_agreement": True}
    a = (await registry.post(f"/marriages/{m['marriage_id']}/divorce-applications", apply, expect=201)).json()
    registry.clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=registry.clock.now().tzinfo))
    path = f"/marriages/{m['marriage_id']}/divorce-applications/{a['application_id']}/certificate"
    divorce = (await registry.post(path, {"office": "330727", "both_present": True}, expect=201)).json()
    death = {
        "deceased": D,
        "date_of_death": "2026-03-30",
        "place": "330727101201",
        "residence": "330727101201",
        "office": "330727",
    }
    d = (await registry.post("/deaths", death, expect=201)).json()
    fix = {
        "date_of_death": "2026-03-29",
        "place": "330727101",
        "residence": "330727101201",
        "reason": "court record",
    }
    await registry.post(f"/deaths/{d['registration_id']}/corrections", fix, expect=200)
    await registry.relay_caught_up()

    married = await last(nats_admin, "registry.marriage.registered")
    assert married["event_type"] == "MarriageRegistered"
    assert married["data"] == {
        "marriage_id": m["marriage_id"],
        "certificate_number": "J330727-2026-000001",
        "husband": H,
        "wife": W,
        "registered_on": "2026-03-02",
        "office": "330727",
    }
    re = await last(nats_admin, "registry.certificate.reissued")
    assert re["data"]["old_number"] == "J330727-2026-000001"
    assert re["data"]["new_number"] == reissued["new_number"] == "BJ330727-2026-000001"
    assert (re["data"]["husband"], re["data"]["wife"], re["data"]["kind"]) == (H, W, "marriage")
    dissolved = await last(nats_admin, "registry.marriage.dissolved")
    assert dissolved["data"]["certificate_number"] == divorce["certificate_number"] == "L330727-2026-000001"
    assert dissolved["data"]["application_id"] == a["application_id"]
    died = await last(nats_admin, "registry.death.registered")
    assert died["data"]["registration_id"] == d["registration_id"]
    assert (died["data"]["deceased"], died["data"]["date_of_death"]) == (D, "2026-03-30")
    corrected = await last(nats_admin, "registry.death.corrected")
    assert corrected["event_type"] == "DeathRegistrationCorrected"
    assert corrected["data"] == {
        "registration_id": d["registration_id"],
        "deceased": D,
        "date_of_death": "2026-03-29",
        "place": "330727101",
        "reason": "court record",
    }


async def test_the_live_scheduler_lapses_a_missed_application(fresh_database: str, stack: Any) -> None:
    clock = ManualClock(datetime(2026, 3, 2, 9, 0, tzinfo=timezone(timedelta(hours=8))))
    settings = ServiceSettings(
        "registry", fresh_database, stack.nats_url("registry"), oidc=oidc_settings(stack.issuer)
    )
    service = Registry(settings, clock=clock, scheduler=True, scheduler_interval=0.05)
    async with running_service(service, issuer=stack.issuer) as client:
        await load_national_standards(service.context())
        body = {"party_a": H, "party_b": W, "office": "330727", "both_present": True}
        m = (await client.post("/marriages", body, expect=201)).json()
        apply = {"office": "330727", "both_present": True, "written_agreement": True}
        await client.post(f"/marriages/{m['marriage_id']}/divorce-applications", apply, expect=201)
        clock.set(datetime(2026, 5, 2, 0, 0, 1, tzinfo=clock.now().tzinfo))
        for _ in range(200):
            lapsed = (await client.get("/divorce-applications?state=lapsed", expect=200)).json()
            if lapsed:
                break
            await asyncio.sleep(0.05)
        assert len(lapsed) == 1
