"""Certificates on the real stack: a reissue voids the old number (BJ/BL), a second reissue voids
the first, concurrent reissues of one certificate give one; the certificate of no marriage record;
every route's example is accepted as written."""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from minzheng_contracts import make_resident_id
from minzheng_eventstore.testing import refused, request_example
from minzheng_registry.application.people import person_token

if TYPE_CHECKING:
    from conftest import Running

_n = iter(range(1, 400))


def couple() -> tuple[str, str]:
    k = next(_n)
    return (
        make_resident_id("330727", date(1991, 1, 1) + timedelta(days=k), 31).reveal(),
        make_resident_id("330727", date(1993, 1, 1) + timedelta(days=k), 42).reveal(),
    )


async def married(registry: Running) -> dict[str, Any]:
    h, w = couple()
    body = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
    return dict((await registry.post("/marriages", body, expect=201)).json())


async def test_a_reissue_voids_the_old_number_and_a_second_voids_the_first(registry: Running) -> None:
    m = await married(registry)
    first = (
        await registry.post(
            "/certificates/reissue", {"number": m["certificate_number"], "office": "330727"}, expect=201
        )
    ).json()
    assert (first["old_number"], first["new_number"], first["kind"]) == (
        "J330727-2026-000001",
        "BJ330727-2026-000001",
        "marriage",
    )
    again = await registry.post(
        "/certificates/reissue", {"number": m["certificate_number"], "office": "330727"}
    )
    refused(again, 409, "certificate_void", "number")
    second = (
        await registry.post(
            "/certificates/reissue", {"number": first["new_number"], "office": "330727"}, expect=201
        )
    ).json()
    assert second["new_number"] == "BJ330727-2026-000002"
    refused(
        await registry.post("/certificates/reissue", {"number": first["new_number"], "office": "330727"}),
        409,
        "certificate_void",
    )
    valid = await registry.fetchval(
        "SELECT array_agg(number ORDER BY number) FROM registry_certificates WHERE status = 'valid'"
    )
    assert valid == ["BJ330727-2026-000002"]
    shown = (await registry.get(f"/marriages/{m['marriage_id']}", expect=200)).json()
    assert shown["certificate_number"] == "BJ330727-2026-000002"
    refused(
        await registry.post("/certificates/reissue", {"number": "J330727-2026-000999", "office": "330727"}),
        404,
        "certificate_not_found",
    )
    refused(
        await registry.post("/certificates/reissue", {"number": "X1", "office": "330727"}),
        422,
        "invalid_input",
        "number",
    )


async def test_a_divorce_certificate_is_reissued_as_bl(registry: Running) -> None:
    m = await married(registry)
    apply = {"office": "330727", "both_present": True, "written_agreement": True}
    a = (await registry.post(f"/marriages/{m['marriage_id']}/divorce-applications", apply, expect=201)).json()
    registry.clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=registry.clock.now().tzinfo))
    path = f"/marriages/{m['marriage_id']}/divorce-applications/{a['application_id']}/certificate"
    divorce = (await registry.post(path, {"office": "330727", "both_present": True}, expect=201)).json()
    got = (
        await registry.post(
            "/certificates/reissue", {"number": divorce["certificate_number"], "office": "330727"}, expect=201
        )
    ).json()
    assert (got["new_number"], got["kind"]) == ("BL330727-2026-000001", "divorce")
    # the marriage certificate of a dissolved marriage is not reissued
    refused(
        await registry.post("/certificates/reissue", {"number": m["certificate_number"], "office": "330727"}),
        409,
        "marriage_ended",
    )


async def test_concurrent_reissues_of_one_certificate_give_exactly_one(registry: Running) -> None:
    m = await married(registry)
    body = {"number": m["certificate_number"], "office": "330727"}
    answers = await asyncio.gather(*(registry.post("/certificates/reissue", body) for _ in range(5)))
    assert sorted(a.status_code for a in answers) == [201, 409, 409, 409, 409]
    serials = await registry.fetchval("SELECT last FROM registry_certificate_serials WHERE kind = 'BJ'")
    assert serials == 1


async def test_a_certificate_of_no_marriage_record_is_refused_to_a_married_person(registry: Running) -> None:
    h, w = couple()
    got = (
        await registry.post(
            "/no-marriage-record-certificates", {"resident_id": h, "office": "330727"}, expect=201
        )
    ).json()
    assert got["certificate_number"] == "W330727-2026-000001"
    await registry.post(
        "/marriages", {"party_a": h, "party_b": w, "office": "330727", "both_present": True}, expect=201
    )
    refused(
        await registry.post("/no-marriage-record-certificates", {"resident_id": w, "office": "330727"}),
        409,
        "marriage_on_record",
        "resident_id",
    )


async def test_no_marriage_record_is_refused_to_the_divorced_the_widowed_and_the_archived(
    registry: Running,
) -> None:
    """It certifies that there is no marriage registration at all: any marriage on record, ended
    or not, live or in the archive, refuses it."""
    # divorced (applications before 2021 have no cooling-off: registered the same day)
    registry.clock.set(datetime(2020, 6, 1, 9, 0, tzinfo=registry.clock.now().tzinfo))
    h, w = couple()
    body = {"party_a": h, "party_b": w, "office": "330727", "both_present": True}
    mid = (await registry.post("/marriages", body, expect=201)).json()["marriage_id"]
    apply = {"office": "330727", "both_present": True, "written_agreement": True}
    app = (await registry.post(f"/marriages/{mid}/divorce-applications", apply, expect=201)).json()
    await registry.post(
        f"/marriages/{mid}/divorce-applications/{app['application_id']}/certificate",
        {"office": "330727", "both_present": True},
        expect=201,
    )
    # widowed
    h2, w2 = couple()
    await registry.post("/marriages", {**body, "party_a": h2, "party_b": w2}, expect=201)
    death = {
        "deceased": h2,
        "date_of_death": "2020-06-01",
        "place": "330727101201",
        "residence": "330727101201",
        "office": "330727",
    }
    await registry.post("/deaths", death, expect=201)
    for resident in (h, w, w2):
        refused(
            await registry.post(
                "/no-marriage-record-certificates", {"resident_id": resident, "office": "330727"}
            ),
            409,
            "marriage_on_record",
            "resident_id",
        )
    # a marriage on the archive's record, dissolved long ago
    archived, spouse = couple()
    pseudonyms = registry.service.context().pseudonyms
    await registry.fetchval(
        "INSERT INTO registry_archive_person "
        "(person_token, record_id, spouse_token, registered_on, dissolved_on, dissolved_by) "
        "VALUES ($1, $2, $3, $4, $5, $2)",
        person_token(pseudonyms, archived),
        uuid.uuid4(),
        person_token(pseudonyms, spouse),
        date(1980, 5, 1),
        date(1990, 5, 1),
    )
    refused(
        await registry.post(
            "/no-marriage-record-certificates", {"resident_id": archived, "office": "330727"}
        ),
        409,
        "marriage_on_record",
        "resident_id",
    )
    never, _ = couple()
    await registry.post(
        "/no-marriage-record-certificates", {"resident_id": never, "office": "330727"}, expect=201
    )


async def test_every_example_is_accepted_as_written(registry: Running) -> None:
    spec = (await registry.get("/openapi.json", expect=200)).json()
    marriage = request_example(spec, "post", "/marriages")
    assert marriage is not None
    m = (await registry.post("/marriages", marriage, expect=201)).json()
    reissue = request_example(spec, "post", "/certificates/reissue")
    assert reissue is not None
    await registry.post("/certificates/reissue", reissue, expect=201)
    application = request_example(spec, "post", "/marriages/{marriage_id}/divorce-applications")
    a = (
        await registry.post(f"/marriages/{m['marriage_id']}/divorce-applications", application, expect=201)
    ).json()
    withdrawal = request_example(
        spec, "post", "/marriages/{marriage_id}/divorce-applications/{application_id}/withdrawal"
    )
    await registry.post(
        f"/marriages/{m['marriage_id']}/divorce-applications/{a['application_id']}/withdrawal",
        withdrawal,
        expect=200,
    )
    b = (
        await registry.post(
            f"/marriages/{m['marriage_id']}/divorce-applications",
            {**application, "application_id": None},
            expect=201,
        )
    ).json()
    registry.clock.set(datetime(2026, 4, 2, 9, 0, tzinfo=registry.clock.now().tzinfo))
    issue = request_example(
        spec, "post", "/marriages/{marriage_id}/divorce-applications/{application_id}/certificate"
    )
    await registry.post(
        f"/marriages/{m['marriage_id']}/divorce-applications/{b['application_id']}/certificate",
        issue,
        expect=201,
    )
    no_record = request_example(spec, "post", "/no-marriage-record-certificates")
    # the example's person was never married (the couple of the other examples is): accepted
    await registry.post("/no-marriage-record-certificates", no_record, expect=201)
    registry.clock.set(datetime(2026, 3, 2, 9, 0, tzinfo=registry.clock.now().tzinfo))
    death = request_example(spec, "post", "/deaths")
    d = (await registry.post("/deaths", death, expect=201)).json()
    correction = request_example(spec, "post", "/deaths/{registration_id}/corrections")
    await registry.post(f"/deaths/{d['registration_id']}/corrections", correction, expect=200)
    declared = (
        await registry.post("/deaths", {**death, "deceased": couple()[0], "declared": True}, expect=201)
    ).json()
    revocation = request_example(spec, "post", "/deaths/{registration_id}/revocation")
    await registry.post(f"/deaths/{declared['registration_id']}/revocation", revocation, expect=200)
    for path, op in (
        ("/marriages", "get"),
        ("/marriages/{marriage_id}", "get"),
        ("/deaths", "post"),
        ("/divorce-applications", "get"),
        ("/people/{resident_id}/marital-status", "get"),
    ):
        described = spec["paths"][path][op]
        assert described["summary"] and described["description"], path
