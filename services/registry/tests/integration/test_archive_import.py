"""The historical archive on the real stack: an import validates, flags the rules of its own time,
reports the rejected rows with IDs masked, publishes each record; a re-import adds nothing; the
monogamy hook reads the archive's ledger; concurrent imports enter each record once."""

from __future__ import annotations

import asyncio
import json
from datetime import date
from typing import TYPE_CHECKING, Any
from uuid import UUID

import nats
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from minzheng_contracts import make_resident_id
from minzheng_eventstore import Actor
from minzheng_eventstore.testing import refused, request_example
from minzheng_registry.adapters.archive import seed_demo
from minzheng_registry.adapters.archive.files import read_rows
from minzheng_registry.application.archive.imports import import_rows
from minzheng_registry.application.people import (
    DEATH,
    death_stream,
    open_historical_marriage,
    person_token,
)
from minzheng_registry.domain.death import DeathRegistered

if TYPE_CHECKING:
    from conftest import Running


def rid(born: date, seq: int) -> str:
    return make_resident_id("330727", born, seq).reveal()


MAN = rid(date(1950, 3, 1), 11)
WOMAN = rid(date(1952, 6, 2), 22)
MAN_OLD = "330727" + "580402" + "151"  # an old 15-digit ID: born 1958-04-02, a man
WOMAN_2 = rid(date(1961, 9, 30), 26)
YOUNG_MAN = rid(date(1939, 1, 5), 13)  # 19 on 1958-02-10
YOUNG_WOMAN = rid(date(1941, 3, 7), 24)  # 16 on 1958-02-10
MAN_21 = rid(date(1964, 4, 1), 15)  # 21 in 1985: under the 1981 law's 22
WOMAN_21 = rid(date(1963, 5, 1), 28)
OTHER_WOMAN = rid(date(1955, 1, 1), 42)


def row(a: str | None, b: str | None, on: str | None, cert: str = "婚字第 1 号", **kw: Any) -> dict[str, Any]:
    return {
        "certificate_number": cert,
        "party_a": a,
        "party_b": b,
        "registered_on": on,
        "office": kw.get("office", "330727101"),
        "kind": kw.get("kind", "marriage"),
    }


VALID = [
    row(MAN, WOMAN, "1975-05-01", "婚字第 0001 号"),  # 25 and 22 in 1975
    row(WOMAN, MAN, "1980-06-01", "离字第 0001 号", kind="离婚"),  # either order, Chinese kind
    row(MAN, OTHER_WOMAN, "1981-02-01", "婚字第 0002 号"),  # remarriage after the divorce: no flag
    row(MAN_OLD, WOMAN_2, "19821001", "婚字第 0003 号"),  # the 15-digit ID upgraded
    row(YOUNG_MAN, YOUNG_WOMAN, "1958-02-10", "婚字第 0004 号"),  # under the 1950 law's 20/18
    row(MAN_21, WOMAN_21, "1985-06-01", "婚字第 0005 号"),  # 21 and 22: the man under 1981's 22
    row(MAN, WOMAN_2, "1990-01-01", "婚字第 0006 号"),  # both still married: flagged twice
    row(MAN_21, WOMAN, "1986-01-01", "离字第 0009 号", kind="divorce"),  # divorce of no marriage
]
BAD_CHECK = MAN[:17] + ("0" if MAN[17] != "0" else "1")
REJECTED = [
    row(BAD_CHECK, WOMAN, "1975-05-01"),  # 9: checksum
    row(MAN, WOMAN, "1949-12-31"),  # 10: before the 1950 law
    row(MAN, OTHER_WOMAN, "2004-01-01"),  # 11: after the period
    row(MAN, YOUNG_MAN, "1975-05-01"),  # 12: two men
    row(None, WOMAN, "1975-05-01"),  # 13: missing
    row("not-an-id-3307", WOMAN, "1975-05-01"),  # 14: unreadable
    row(MAN, WOMAN, "1975-13-01"),  # 15: no such date
    row(MAN, WOMAN, "1975-05-01", office="330728"),  # 16: another county
    row(MAN, WOMAN, "1975-05-01", kind="engagement"),  # 17
]


async def imported_events(registry: Running) -> int:
    return int(await registry.fetchval("SELECT count(*) FROM events WHERE stream_type = 'archive'"))


async def test_an_import_validates_flags_reports_and_publishes(
    registry: Running, stack: Any, capfd: Any
) -> None:
    out = (await registry.post("/archive/imports", {"rows": VALID + REJECTED}, expect=201)).json()
    assert (out["rows"], out["imported"], out["rejected"], out["already_present"]) == (17, 8, 9, 0)
    assert out["flagged"] == 4
    report = (await registry.get(out["report"], expect=200)).json()
    problems = {r["line"]: [(p["code"], p["field"]) for p in r["problems"]] for r in report["rejected_rows"]}
    assert problems == {
        9: [("invalid_resident_id", "party_a")],
        10: [("date_out_of_range", "registered_on")],
        11: [("date_out_of_range", "registered_on")],
        12: [("same_sex", "party_b")],
        13: [("missing_field", "party_a")],
        14: [("invalid_resident_id", "party_a")],
        15: [("invalid_date", "registered_on")],
        16: [("office_outside_county", "office")],
        17: [("invalid_kind", "kind")],
    }
    by_line = {r["line"]: r for r in report["rejected_rows"]}
    assert by_line[9]["party_a"] == BAD_CHECK[:6] + "********" + BAD_CHECK[14:]
    assert by_line[14]["party_a"] == "********"  # unreadable: no digit at all
    assert by_line[13]["party_a"] == "********"
    text = json.dumps(report)
    for full in (MAN, WOMAN, BAD_CHECK, YOUNG_MAN, OTHER_WOMAN, MAN[6:14], WOMAN[6:14]):
        assert full not in text
    # the records, with their flags
    records = await registry_records(registry)
    flags = {(r["certificate_number"], r["registered_on"]): r["flags"] for r in records}
    assert flags[("婚字第 0001 号", "1975-05-01")] == []
    assert flags[("婚字第 0002 号", "1981-02-01")] == []
    assert flags[("婚字第 0003 号", "1982-10-01")] == []
    assert flags[("婚字第 0004 号", "1958-02-10")] == ["husband_under_age", "wife_under_age"]
    assert flags[("婚字第 0005 号", "1985-06-01")] == ["husband_under_age"]
    assert flags[("婚字第 0006 号", "1990-01-01")] == ["husband_already_married", "wife_already_married"]
    assert flags[("离字第 0009 号", "1986-01-01")] == ["no_matching_marriage"]
    upgraded = next(r for r in records if r["certificate_number"] == "婚字第 0003 号")
    assert upgraded["husband"] == "330727195804021518"
    young = next(r for r in records if r["certificate_number"] == "婚字第 0004 号")
    assert young["standard_ids"] == [
        "marriage_age_male:330727:1950-05-01",
        "marriage_age_female:330727:1950-05-01",
    ]
    divorce = next(r for r in records if r["certificate_number"] == "离字第 0001 号")
    first = next(r for r in records if r["certificate_number"] == "婚字第 0001 号")
    assert divorce["dissolves"] == first["record_id"] and divorce["kind"] == "divorce"
    # masked for a role that does not need the IDs, in full for the registrar
    caseworker = registry.as_caller("township-caseworker", division="330727101")
    seen = (
        await registry.get(f"/archive/records/{first['record_id']}", headers=caseworker, expect=200)
    ).json()
    assert seen["husband"] == MAN[:6] + "********" + MAN[14:]
    neighbour = registry.as_caller("township-caseworker", division="330727102")
    refused(
        await registry.get(f"/archive/records/{first['record_id']}", headers=neighbour, expect=None),
        403,
        "outside_jurisdiction",
    )
    # published: every record on registry.archive.imported
    await registry.relay_caught_up()
    (message,) = await published_records(stack.nats_admin_url, out["import_id"])
    assert message["event_type"] == "HistoricalMarriagesImported"
    assert message["data"]["chunk"] == 0
    assert {r["record_id"] for r in message["data"]["records"]} == {r["record_id"] for r in records}
    dates = [r["registered_on"] for r in message["data"]["records"]]
    assert dates == sorted(dates)  # entered oldest first
    # and no full ID in any log line
    logs = "".join(capfd.readouterr())
    for full in (MAN, WOMAN, BAD_CHECK, MAN_OLD, YOUNG_MAN, OTHER_WOMAN):
        assert full not in logs


async def registry_records(registry: Running) -> list[dict[str, Any]]:
    ids = await registry_ids(registry)
    return [(await registry.get(f"/archive/records/{i}", expect=200)).json() for i in ids]


async def registry_ids(registry: Running) -> list[UUID]:
    async with registry.service.host.store.pool.acquire() as conn:
        return [r[0] for r in await conn.fetch("SELECT record_id FROM registry_archive_record ORDER BY 1")]


async def published_records(url: str, import_id: str) -> list[dict[str, Any]]:
    """The messages on registry.archive.imported of one import (the stream holds every test's)."""
    nc = await nats.connect(url)
    try:
        js = nc.jetstream()
        sub = await js.pull_subscribe(
            "registry.archive.imported",
            stream="REGISTRY",
            config=ConsumerConfig(ack_policy=AckPolicy.NONE, deliver_policy=DeliverPolicy.ALL),
        )
        seen: dict[str, dict[str, Any]] = {}
        for _ in range(50):
            try:
                for msg in await sub.fetch(100, timeout=0.2):
                    body = json.loads(msg.data)
                    if body["data"]["import_id"] == import_id:
                        seen[body["event_id"]] = body
            except nats.errors.TimeoutError:
                break
        return list(seen.values())
    finally:
        await nc.close()


async def test_a_re_import_adds_nothing(registry: Running) -> None:
    first = (await registry.post("/archive/imports", {"rows": VALID + REJECTED}, expect=201)).json()
    events = await registry.fetchval("SELECT count(*) FROM events")
    people = await registry.fetchval("SELECT count(*) FROM registry_archive_person")
    records = await registry.fetchval("SELECT count(*) FROM registry_archive_record")
    again = (await registry.post("/archive/imports", {"rows": VALID + REJECTED}, expect=201)).json()
    assert again["repeated"] is True and again["import_id"] == first["import_id"]
    assert await registry.fetchval("SELECT count(*) FROM events") == events
    assert await registry.fetchval("SELECT count(*) FROM registry_archive_person") == people
    assert await registry.fetchval("SELECT count(*) FROM registry_archive_record") == records
    # another batch with the same records (reordered, a row twice, 15-digit and 18-digit forms of
    # one ID): a new import with its report, and not one record more
    upgraded = row("330727195804021518", WOMAN_2, "1982-10-01", "婚字第 0003 号")
    other = (
        await registry.post("/archive/imports", {"rows": [*VALID[::-1], VALID[0], upgraded]}, expect=201)
    ).json()
    assert (other["imported"], other["already_present"], other["repeated"]) == (0, 10, False)
    assert await registry.fetchval("SELECT count(*) FROM events") == events + 1  # its report only
    assert await registry.fetchval("SELECT count(*) FROM registry_archive_person") == people
    assert await registry.fetchval("SELECT count(*) FROM registry_archive_record") == records


async def test_the_monogamy_hook_reads_the_archive(registry: Running) -> None:
    rows = [
        row(MAN, WOMAN, "1975-05-01", "婚字第 0001 号"),
        row(MAN, WOMAN, "1980-06-01", "离字第 0001 号", kind="divorce"),
        row(MAN_21, WOMAN_21, "1990-06-01", "婚字第 0005 号"),
        row(MAN_OLD, WOMAN_2, "1982-10-01", "婚字第 0003 号"),
    ]
    await registry.post("/archive/imports", {"rows": rows}, expect=201)
    ctx = registry.service.context()
    p = ctx.pseudonyms

    async def hook(resident: str) -> str | None:
        found: str | None = await ctx.run(
            Actor("test"), lambda uow: open_historical_marriage(uow, person_token(p, resident))
        )
        return found

    assert await hook(MAN) is None  # divorced in 1980
    assert await hook(WOMAN) is None
    assert await hook(OTHER_WOMAN) is None  # not in the archive
    married = await hook(MAN_21)
    assert married is not None and married == await hook(WOMAN_21)
    record = (await registry.get(f"/archive/records/{married}", expect=200)).json()
    assert record["certificate_number"] == "婚字第 0005 号"
    # a divorce imported later dissolves the marriage of an earlier import
    later = [row(MAN_21, WOMAN_21, "1999-01-04", "离字第 0105 号", kind="divorce")]
    out = (await registry.post("/archive/imports", {"rows": later}, expect=201)).json()
    assert (out["imported"], out["flagged"]) == (1, 0)
    assert await hook(MAN_21) is None and await hook(WOMAN_21) is None
    dissolved = await registry.fetchval(
        "SELECT count(*) FROM registry_archive_person WHERE record_id = $1 AND dissolved_on = '1999-01-04'",
        UUID(married),
    )
    assert dissolved == 2
    # a marriage ended by the spouse's death does not count: the widow may marry
    assert await hook("330727195804021518") is not None
    stream = death_stream(p, "330727195804021518")
    death = DeathRegistered(
        registration_id="0d3a0000-0000-4000-8000-000000000009",
        deceased="330727195804021518",
        date_of_death="2020-01-01",
        place="330727101",
        residence="330727101201",
        registered_at="2020-01-02T09:00:00+08:00",
        office="330727",
    )

    async def died(uow: Any) -> None:
        await uow.load(DEATH, stream)
        await uow.record(DEATH, stream, [death])

    await ctx.run(Actor("test"), died)
    assert await hook(WOMAN_2) is None


async def test_concurrent_imports_enter_each_record_once(registry: Running) -> None:
    # two batches sharing a record, and each marrying the same man to another woman on one day
    shared = row(MAN_21, WOMAN_21, "1990-06-01", "婚字第 0005 号")
    a = [shared, row(MAN, WOMAN, "1985-05-01", "婚字第 0101 号")]
    b = [shared, row(MAN, WOMAN_2, "1985-05-01", "婚字第 0202 号")]
    answers = await asyncio.gather(
        registry.post("/archive/imports", {"rows": a}, expect=201),
        registry.post("/archive/imports", {"rows": b}, expect=201),
    )
    counts = sorted((r.json()["imported"], r.json()["already_present"]) for r in answers)
    assert counts == [(1, 1), (2, 0)]
    assert await imported_events(registry) == 2  # one event (one message) of records per import
    assert await registry.fetchval("SELECT count(*) FROM registry_archive_record") == 3
    flags = await registry.fetchval(
        "SELECT count(*) FROM registry_archive_record WHERE 'husband_already_married' = ANY(flags)"
    )
    assert flags == 1  # whichever came second found the first


async def test_the_request_is_bounded(registry: Running) -> None:
    too_many = {"rows": [row(MAN, WOMAN, "1975-05-01", "1")] * 5_001}
    refused(await registry.post("/archive/imports", too_many), 422, "invalid_input")
    huge = {"rows": [row(MAN, WOMAN, "1975-05-01", "婚" * 64)] * 5_000}
    refused(await registry.post("/archive/imports", huge), 413, "body_too_large")
    response = await registry.post("/archive/imports", {"rows": [{**row(MAN, WOMAN, "1975-05-01"), "x": 1}]})
    assert response.status_code == 422
    long = row(MAN, WOMAN, "1975-05-01", "婚" * 65)
    assert (await registry.post("/archive/imports", {"rows": [long]})).status_code == 422
    refused(
        await registry.get("/archive/imports/0d3a0000-0000-4000-8000-000000000001/report", expect=None),
        404,
        "no_such_import",
    )
    refused(
        await registry.get("/archive/records/0d3a0000-0000-4000-8000-000000000001", expect=None),
        404,
        "no_such_record",
    )
    village = registry.as_caller("village-assistant", division="330727101201")
    refused(
        await registry.post("/archive/imports", {"rows": VALID}, headers=village), 403, "role_not_permitted"
    )


async def test_the_documented_example_is_accepted_and_the_demo_is_idempotent(registry: Running) -> None:
    spec = (await registry.http.get("/openapi.json")).json()
    example = request_example(spec, "post", "/archive/imports")
    out = (await registry.post("/archive/imports", example, expect=201)).json()
    assert (out["imported"], out["rejected"]) == (2, 0)
    ctx = registry.service.context()
    await seed_demo(ctx)
    events = await registry.fetchval("SELECT count(*) FROM events")
    await seed_demo(ctx)
    assert await registry.fetchval("SELECT count(*) FROM events") == events
    demo = await registry.fetchval("SELECT count(*) FROM registry_archive_record WHERE flags <> '{}'")
    assert demo == 1  # the 1958 marriage under the 1950 law's ages


async def test_a_file_goes_through_the_bulk_path(registry: Running, tmp_path: Any) -> None:
    path = tmp_path / "archive.csv"
    lines = ["登记日期,男方,女方,证书编号,登记机关,类别"]
    lines += [
        f"1975-05-{d:02d},{rid(date(1950, 1, d), 11)},{rid(date(1952, 2, d), 22)},婚字第 {d} 号,330727,结婚"
        for d in range(1, 29)
    ]
    lines.append("1975-05-01,123,456,婚字第 99 号,330727,结婚")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with path.open(encoding="utf-8", newline="") as f:
        rows = list(read_rows(f))
    summary = await import_rows(registry.service.context(), Actor("file"), rows, source=path.name, batch=10)
    assert (summary.rows, summary.imported, summary.rejected) == (29, 28, 1)
    assert await registry.fetchval("SELECT count(DISTINCT chunk) FROM registry_archive_record") == 3
