"""The county reports (统计报表), read from the read models, by township (a division prefix) and as
of a day: each read brings its projections up to date first and is bounded by the caller's
division. No stream is folded here."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from minzheng_contracts.period import Period
from minzheng_eventstore import Actor
from minzheng_eventstore.context import ServiceContext
from minzheng_kernel.standards import StandardsTable

from ...domain.allowance.parameters import band_parameter
from ...domain.payments.roll import InBand
from ...domain.reports import figures as f
from ..centres.reads import NAME as CENTRES_NAME
from ..centres.reads import TABLE as CENTRES
from ..configuration import standards_table
from ..payments import ledger_reads, roll_reads
from ..subsidies.reads import NAME as SUBSIDIES_NAME
from ..subsidies.reads import TABLE as SUBSIDIES
from .streams import BEDS, HAZARDS, INSPECTIONS, NAME, ORDERS, POPULATIONS, RETURNS, STAYS


def _prefix(actor: Actor, township: str | None) -> tuple[str, str]:
    return actor.jurisdiction or "", township or ""


async def _fetch(ctx: ServiceContext, names: tuple[str, ...], sql: str, *args: Any) -> list[Any]:
    for name in names:
        await ctx.projection(name).catch_up()
    async with ctx.store.pool.acquire() as conn:
        return list(await conn.fetch(sql, *args))


@dataclass(frozen=True, slots=True)
class BandFigures:
    active: int = 0
    monthly_fen: int = 0
    """What the active elders of the band are owed a month, at the standard in force on the
    period's first day."""
    paid_fen: int = 0
    paid_count: int = 0


@dataclass(frozen=True, slots=True)
class AllowanceReport:
    as_of: date
    period: str
    paid_key: str
    bands: dict[str, BandFigures]
    suspended: int
    by_township: dict[str, int]


async def allowance(
    ctx: ServiceContext, actor: Actor, *, township: str | None, as_of: date, paid_key: str | None
) -> AllowanceReport:
    """The roll by band as of ``as_of`` (its month's standing), and the money paid by band under
    ``paid_key`` (a month ``YYYY-MM`` or a year ``YYYY`` of the annual mode; default: as_of's month)."""
    within, town = _prefix(actor, township)
    period = Period.of(as_of)
    key = paid_key or str(period)
    table: StandardsTable = await ctx.run(actor, standards_table)
    active: Counter[str] = Counter()
    money: Counter[str] = Counter()
    by_township: Counter[str] = Counter()
    suspended = 0
    for entry in await roll_reads.allowances(ctx):
        if not (entry.residence.startswith(within) and entry.residence.startswith(town)):
            continue
        standing = entry.standing(period)
        if isinstance(standing, InBand):
            active[standing.band] += 1
            by_township[entry.residence[:9]] += 1
            money[standing.band] += table.value_or(
                band_parameter(standing.lower), entry.residence, period.first_day, 0
            )
        elif standing == "suspended":
            suspended += 1
    rows = await _fetch(
        ctx,
        (ledger_reads.NAME,),
        f"SELECT band, count(*)::int AS n, sum(amount_fen)::bigint AS fen FROM {ledger_reads.PAYMENTS} "
        "WHERE key = $1 AND residence LIKE $2 || '%' AND residence LIKE $3 || '%' GROUP BY band",
        key,
        within,
        town,
    )
    paid = {r["band"]: (int(r["fen"]), int(r["n"])) for r in rows}
    bands = {
        band: BandFigures(active[band], money[band], *paid.get(band, (0, 0)))
        for band in sorted(set(active) | set(paid))
    }
    return AllowanceReport(as_of, str(period), key, bands, suspended, dict(sorted(by_township.items())))


@dataclass(frozen=True, slots=True)
class BedFigures:
    institutions: int = 0
    beds: int = 0
    occupied: int = 0
    elderly: int | None = None
    occupancy_percent: str | None = None
    beds_per_thousand: str | None = None


@dataclass(frozen=True, slots=True)
class BedsReport:
    as_of: date
    total: BedFigures
    by_township: dict[str, BedFigures]
    by_kind: dict[str, BedFigures] = field(default_factory=dict)


def _beds_on(changes: Any, on: date) -> int:
    items = json.loads(changes) if isinstance(changes, str) else changes
    in_force = sorted((c for c in items if date.fromisoformat(c[0]) <= on), key=lambda c: str(c[0]))
    return int(in_force[-1][1]) if in_force else 0


def _figures(institutions: int, beds: int, occupied: int, elderly: int | None) -> BedFigures:
    return BedFigures(
        institutions,
        beds,
        occupied,
        elderly,
        f.occupancy_percent(occupied, beds),
        f.beds_per_thousand(beds, elderly) if elderly else None,
    )


async def beds(ctx: ServiceContext, actor: Actor, *, township: str | None, as_of: date) -> BedsReport:
    """Institutions registered by ``as_of``, their beds then, the beds occupied at the end of that
    day, occupancy, and beds per 1,000 elderly (the population posted in force then)."""
    within, town = _prefix(actor, township)
    where = "township LIKE $1 || '%' AND township LIKE $2 || '%'"
    inst = await _fetch(
        ctx,
        (NAME,),
        f"SELECT institution_id, township, kind, changes FROM {BEDS} WHERE {where} AND registered_on <= $3",
        within,
        town,
        as_of,
    )
    stays = await _fetch(
        ctx,
        (),
        f"SELECT institution_id, count(*)::int AS n FROM {STAYS} WHERE {where} AND admitted_on <= $3 "
        "AND (discharged_on IS NULL OR discharged_on > $3) GROUP BY institution_id",
        within,
        town,
        as_of,
    )
    pops = await _fetch(
        ctx,
        (),
        f"SELECT DISTINCT ON (township) township, population FROM {POPULATIONS} "
        f"WHERE {where} AND effective_from <= $3 ORDER BY township, effective_from DESC",
        within,
        town,
        as_of,
    )
    occupied = {r["institution_id"]: r["n"] for r in stays}
    population = {r["township"]: int(r["population"]) for r in pops}
    per_town: dict[str, list[int]] = {t: [0, 0, 0] for t in population}
    per_kind: dict[str, list[int]] = {}
    for r in inst:
        n = _beds_on(r["changes"], as_of)
        for bucket in (
            per_town.setdefault(r["township"], [0, 0, 0]),
            per_kind.setdefault(r["kind"], [0, 0, 0]),
        ):
            bucket[0] += 1
            bucket[1] += n
            bucket[2] += occupied.get(r["institution_id"], 0)
    by_town = {t: _figures(v[0], v[1], v[2], population.get(t)) for t, v in sorted(per_town.items())}
    total_pop = sum(population.values()) or None
    totals = [sum(v[i] for v in per_town.values()) for i in range(3)]
    return BedsReport(
        as_of,
        _figures(totals[0], totals[1], totals[2], total_pop),
        by_town,
        {k: _figures(v[0], v[1], v[2], None) for k, v in sorted(per_kind.items())},
    )


@dataclass(frozen=True, slots=True)
class HazardFigures:
    found: int = 0
    open: int = 0
    fixed: int = 0
    open_by_sector: dict[str, int] = field(default_factory=dict)
    orders: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HazardsReport:
    as_of: date
    total: HazardFigures
    by_township: dict[str, HazardFigures]


async def hazards(ctx: ServiceContext, actor: Actor, *, township: str | None, as_of: date) -> HazardsReport:
    """Hazards found by ``as_of`` (open: not verified fixed by then) and the rectification orders'
    status then (open / at_risk / overdue / completed), by township."""
    within, town = _prefix(actor, township)
    found = await _fetch(
        ctx,
        (NAME,),
        f"SELECT i.township, h.sector, h.fixed_on FROM {HAZARDS} h "
        f"JOIN {INSPECTIONS} i USING (inspection_id) "
        "WHERE i.township LIKE $1 || '%' AND i.township LIKE $2 || '%' AND i.inspected_on <= $3",
        within,
        town,
        as_of,
    )
    orders = await _fetch(
        ctx,
        (),
        f"SELECT township, ordered_on, at_risk_on, overdue_on, completed_on FROM {ORDERS} "
        "WHERE township LIKE $1 || '%' AND township LIKE $2 || '%' AND ordered_on <= $3",
        within,
        town,
        as_of,
    )
    acc: dict[str, dict[str, Counter[str]]] = {}

    def bucket(t: str) -> dict[str, Counter[str]]:
        return acc.setdefault(t, {"h": Counter(), "s": Counter(), "o": Counter()})

    for r in found:
        b = bucket(r["township"])
        fixed = r["fixed_on"] is not None and r["fixed_on"] <= as_of
        b["h"]["found"] += 1
        b["h"]["fixed" if fixed else "open"] += 1
        if not fixed:
            b["s"][r["sector"]] += 1
    for r in orders:
        status = f.order_status(
            f.OrderDays(r["ordered_on"], r["at_risk_on"], r["overdue_on"], r["completed_on"]), as_of
        )
        if status is not None:
            bucket(r["township"])["o"][status.value] += 1

    def figures(bs: list[dict[str, Counter[str]]]) -> HazardFigures:
        h, s, o = (sum((b[k] for b in bs), Counter()) for k in ("h", "s", "o"))
        statuses = {st.value: o[st.value] for st in f.OrderStatus}
        return HazardFigures(h["found"], h["open"], h["fixed"], dict(sorted(s.items())), statuses)

    return HazardsReport(
        as_of, figures(list(acc.values())), {t: figures([b]) for t, b in sorted(acc.items())}
    )


@dataclass(frozen=True, slots=True)
class CentresReport:
    as_of: date
    centres: int
    by_status: dict[str, int]
    by_township: dict[str, int]
    subsidies_to_date: dict[str, int]
    subsidies_in_year: dict[str, int]


_CENTRE_STATUS = """CASE WHEN opened_on <= $3 THEN 'operating' WHEN accepted_on <= $3 THEN 'accepted'
    WHEN built_on <= $3 THEN 'built' ELSE 'planned' END"""


async def centres(ctx: ServiceContext, actor: Actor, *, township: str | None, as_of: date) -> CentresReport:
    """Home-care centres planned by ``as_of``, by their status then and by township; their
    subsidies (and the private homes') paid by then, by type, in all and in as_of's year."""
    within, town = _prefix(actor, township)
    rows = await _fetch(
        ctx,
        (CENTRES_NAME,),
        f"SELECT left(division, 9) AS township, {_CENTRE_STATUS} AS status FROM {CENTRES} "
        "WHERE division LIKE $1 || '%' AND division LIKE $2 || '%' AND planned_on <= $3",
        within,
        town,
        as_of,
    )
    paid = await _fetch(
        ctx,
        (SUBSIDIES_NAME,),
        f"SELECT kind, sum(amount_fen)::bigint AS fen, "
        "sum(amount_fen) FILTER (WHERE extract(year FROM paid_on) = $4)::bigint AS year_fen "
        f"FROM {SUBSIDIES} WHERE division LIKE $1 || '%' AND division LIKE $2 || '%' AND paid_on <= $3 "
        "GROUP BY kind ORDER BY kind",
        within,
        town,
        as_of,
        as_of.year,
    )
    statuses = Counter(r["status"] for r in rows)
    towns = Counter(r["township"] for r in rows)
    return CentresReport(
        as_of,
        len(rows),
        {s: statuses[s] for s in ("planned", "built", "accepted", "operating")},
        dict(sorted(towns.items())),
        {r["kind"]: int(r["fen"]) for r in paid},
        {r["kind"]: int(r["year_fen"] or 0) for r in paid},
    )


@dataclass(frozen=True, slots=True)
class ReturnRow:
    return_id: str
    jurisdiction: str
    as_of: date
    source: str
    figures: dict[str, int]
    flags: list[str]


def _return(r: Any) -> ReturnRow:
    def load(v: Any) -> Any:
        return json.loads(v) if isinstance(v, str) else v

    return ReturnRow(
        r["return_id"], r["jurisdiction"], r["as_of"], r["source"], load(r["figures"]), load(r["flags"])
    )


async def returns(
    ctx: ServiceContext, actor: Actor, *, flagged: bool | None, offset: int, limit: int
) -> tuple[int, list[ReturnRow]]:
    """The returns imported within the caller's division, newest first; ``flagged``: only those
    with (or without) a mismatch."""
    where = (
        "WHERE jurisdiction LIKE $1 || '%' AND ($2::boolean IS NULL OR (jsonb_array_length(flags) > 0) = $2)"
    )
    args = [actor.jurisdiction or "", flagged]
    total = await _fetch(ctx, (NAME,), f"SELECT count(*)::int AS n FROM {RETURNS} {where}", *args)
    rows = await _fetch(
        ctx,
        (),
        f"SELECT * FROM {RETURNS} {where} ORDER BY as_of DESC, return_id OFFSET $3 LIMIT $4",
        *args,
        offset,
        limit,
    )
    return int(total[0]["n"]), [_return(r) for r in rows]


async def return_of(ctx: ServiceContext, actor: Actor, return_id: str) -> ReturnRow | None:
    rows = await _fetch(
        ctx,
        (NAME,),
        f"SELECT * FROM {RETURNS} WHERE return_id = $1 AND jurisdiction LIKE $2 || '%'",
        return_id,
        actor.jurisdiction or "",
    )
    return _return(rows[0]) if rows else None
