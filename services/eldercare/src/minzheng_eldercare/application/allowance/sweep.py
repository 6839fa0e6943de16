"""The full pass's selection, set-based (the first check after the allowance's standards changed):
which open elders the check would decide on their streams, and whose ``next_due`` moves on,
computed by PostgreSQL over every open row without sending the rows to Python.

The pure decision of a row (``elder.check`` on ``rows.elder_of(row)``) depends on few inputs, and
each is a comparison with a value of the row's residence or birth date that Python computes once:

- a proof of life lapses when ``last_proof <= proof_cutoff`` of the residence (the latest proof
  whose ``proof_due`` is on or before the day checked);
- the band of the period is the one whose lower age the row's birth date reaches: per residence,
  the latest birth date reaching each band's lower age (ascending, ``width_bucket``) and the
  bands' labels;
- eligibility is the residence's rule (every resident, an income test, 低保 only) on ``dibao``
  and ``monthly_income_fen``;
- ``next_due`` is ``terms.next_change(born, period, rule)``: one value per distinct birth date and
  start rule, sent as a table.

The statement returns only the rows the check acts on (usually few): ``decide`` (the decision
changes something: loaded and decided on its stream as every check does) or a ``next_due`` to move
to. The tests hold it equal to the per-row decision for arbitrary rows and standards
(``tests/integration/test_allowance_sweep.py``).
"""

from __future__ import annotations

import calendar
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from minzheng_contracts.period import Period
from minzheng_eventstore.store import Connection

from ...domain.allowance.bands import age_on, first_day, last_day
from ...domain.allowance.parameters import Eligibility, StartRule
from ...domain.allowance.terms import Terms, next_change, proof_due
from .rows import OPEN


@dataclass(frozen=True, slots=True)
class Acting:
    """A row the check acts on: decided on its stream, or its ``next_due`` moved to ``due``."""

    elder_id: str
    revision: int
    decide: bool
    due: str


def proof_cutoff(on: date, months: int) -> date:
    """The latest ``last_proof`` whose proof of life has lapsed by ``on`` (``proof_due`` is
    monotonic in the proof's day, so every earlier one has too)."""
    year, month = divmod(on.year * 12 + on.month - 1 - months, 12)
    day = date(year, month + 1, min(on.day, calendar.monthrange(year, month + 1)[1]))
    while proof_due(day + timedelta(days=1), months) <= on:
        day += timedelta(days=1)
    while proof_due(day, months) > on:
        day -= timedelta(days=1)
    return day


def born_by(lower: int, period: Period, rule: StartRule) -> date:
    """The latest birth date whose age deciding ``period``'s band (``age_for_period``) is at least
    ``lower`` (the age falls as the birth date rises, so every earlier one is too)."""
    day = last_day(period) if rule is StartRule.BIRTHDAY_MONTH else first_day(period)
    year = day.year - lower
    born = date(year, day.month, min(day.day, calendar.monthrange(year, day.month)[1]))
    while age_on(born + timedelta(days=1), day) >= lower:
        born += timedelta(days=1)
    while age_on(born, day) < lower:
        born -= timedelta(days=1)
    return born


def place_of(residence: str, terms: Terms, period: Period, on: date) -> dict[str, object]:
    """The residence's inputs of the decision, as the statement reads them."""
    highest_first = sorted(terms.bands, key=lambda b: b.lower, reverse=True)
    return {
        "residence": residence,
        "rule": int(terms.rule),
        "proof_cutoff": proof_cutoff(on, terms.proof_months).isoformat(),
        "dibao_only": terms.eligibility is Eligibility.DIBAO_ONLY,
        "income_test": terms.eligibility is Eligibility.INCOME_TEST,
        "ceiling": terms.income_ceiling_fen,
        # band i (highest first) holds the birth dates below band_from[i + 1], -infinity first
        "band_from": [
            "-infinity",
            *((born_by(b.lower, period, terms.rule) + timedelta(days=1)).isoformat() for b in highest_first),
        ],
        "labels": [b.label for b in highest_first],
    }


_INPUTS = f"""
SELECT array_agg(DISTINCT residence) AS residences, array_agg(DISTINCT born) AS borns
FROM allowance_elders WHERE status IN {OPEN}
"""

_ACTING = f"""
WITH p AS MATERIALIZED (
    SELECT x.residence, x.rule, x.proof_cutoff, x.dibao_only, x.income_test, x.ceiling,
           ARRAY(SELECT jsonb_array_elements_text(x.band_from)::date) AS band_from,
           ARRAY(SELECT jsonb_array_elements_text(x.labels)) AS labels
    FROM jsonb_to_recordset($1::jsonb) AS x(
        residence text, rule integer, proof_cutoff date, dibao_only boolean, income_test boolean,
        ceiling bigint, band_from jsonb, labels jsonb)
), b AS MATERIALIZED (
    SELECT * FROM unnest($2::integer[], $3::date[], $4::text[]) AS b(rule, born, due)
)
SELECT elder_id, revision, decide, due FROM (
    SELECT e.elder_id, e.revision, b.due, e.next_due,
        (NOT e.proof_lapsed AND e.last_proof <= p.proof_cutoff)
        OR CASE WHEN e.starts IS NULL
            THEN g.eligible AND e.resident AND NOT e.proof_lapsed AND NOT e.ineligible
            ELSE (l.label IS NOT NULL AND l.label IS DISTINCT FROM e.band) OR e.ineligible = g.eligible
        END AS decide
    FROM allowance_elders e
    JOIN p ON p.residence = e.residence
    JOIN b ON b.rule = p.rule AND b.born = e.born
    CROSS JOIN LATERAL (SELECT p.labels[width_bucket(e.born, p.band_from)] AS label) l
    CROSS JOIN LATERAL (SELECT l.label IS NOT NULL AND CASE
        WHEN p.dibao_only THEN e.dibao
        WHEN p.income_test THEN e.monthly_income_fen IS NULL OR e.monthly_income_fen <= p.ceiling
        ELSE true END AS eligible) g
    WHERE e.status IN {OPEN}
) c
WHERE decide OR due <> next_due
"""


async def acting(
    conn: Connection, terms_of: Callable[[str], Terms], period: Period, on: date
) -> tuple[int, list[Acting]]:
    """How many open elders there are, and those the check of ``on`` acts on (one snapshot)."""
    async with conn.transaction(isolation="repeatable_read", readonly=True):
        inputs = await conn.fetchrow(_INPUTS)
        residences: list[str] = inputs["residences"] or []
        borns: list[date] = inputs["borns"] or []
        places = [place_of(r, terms_of(r), period, on) for r in residences]
        rules = sorted({terms_of(r).rule for r in residences})
        due_rule, due_born, due = [], [], []
        for rule in rules:
            for born in borns:
                due_rule.append(int(rule))
                due_born.append(born)
                due.append(str(next_change(born, period, rule)))
        found = await conn.fetch(_ACTING, json.dumps(places), due_rule, due_born, due)
        count = await conn.fetchval(f"SELECT count(*) FROM allowance_elders WHERE status IN {OPEN}")
    return int(count), [Acting(r["elder_id"], r["revision"], r["decide"], r["due"]) for r in found]


__all__ = ["Acting", "acting", "born_by", "place_of", "proof_cutoff"]
