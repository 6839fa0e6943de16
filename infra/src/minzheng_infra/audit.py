"""The county view of a person (全县视图): ``minzheng audit person <resident id> [--as-of DATE]
[--json]`` asks every service's API for the person's history (``GET
/audit/history?resident=…``, with an auditor's token) and prints one timeline across services,
in the order the events were recorded (a rich table, or JSON).

Each service answers from its own store (the only way in is its API: the auditor's read is
recorded by the service that answers). A service that is down or refuses is named in
``unreachable`` and the others still answer. ``--as-of`` takes a day (the end of that day in
county time, +08:00) or a time with its offset: only what each service had recorded by then.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import httpx

COUNTY_TIME = timezone(timedelta(hours=8))
TIMEOUT = 30.0


def as_of_moment(text: str) -> str:
    """``2026-05-12`` → the end of that day in county time; a time with its offset as given."""
    try:
        day = date.fromisoformat(text)
    except ValueError:
        moment = datetime.fromisoformat(text)  # ValueError: the caller names the option
        if moment.tzinfo is None:
            raise ValueError("a time needs its offset (e.g. +08:00)") from None
        return moment.isoformat()
    return datetime.combine(day, time(23, 59, 59, 999999), COUNTY_TIME).isoformat()


@dataclass
class Timeline:
    """One person's events across the services, in the order recorded, and who could not answer."""

    events: list[dict[str, Any]] = field(default_factory=list)
    streams: dict[str, list[str]] = field(default_factory=dict)
    unreachable: dict[str, str] = field(default_factory=dict)
    truncated: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "services": sorted(self.streams),
            "streams": self.streams,
            "unreachable": self.unreachable,
            "truncated": self.truncated,
            "events": self.events,
        }


async def _ask(
    name: str, client: httpx.AsyncClient, headers: Mapping[str, str], params: Mapping[str, str]
) -> tuple[str, dict[str, Any] | str]:
    try:
        response = await client.get("/audit/history", params=dict(params), headers=dict(headers))
    except httpx.HTTPError as exc:
        return name, f"unreachable: {type(exc).__name__}"
    if response.status_code != 200:
        try:
            code = response.json()["error"]["code"]
        except (ValueError, KeyError, TypeError):
            code = "error"
        return name, f"{response.status_code} {code}"
    body: dict[str, Any] = response.json()
    return name, body


async def person_timeline(
    clients: Mapping[str, httpx.AsyncClient], token: str, resident: str, as_of: str | None = None
) -> Timeline:
    """Ask every service (``clients``: name → a client on its API) at once and merge the answers."""
    headers = {"authorization": f"Bearer {token}"}
    params = {"resident": resident, **({"as_of": as_of} if as_of else {})}
    answers = await asyncio.gather(*(_ask(n, c, headers, params) for n, c in clients.items()))
    timeline = Timeline()
    for name, answer in answers:
        if isinstance(answer, str):
            timeline.unreachable[name] = answer
            continue
        if answer["streams"]:
            timeline.streams[name] = list(answer["streams"])
        if answer.get("truncated"):
            timeline.truncated.append(name)
        timeline.events.extend({"service": name, **e} for e in answer["events"])
    timeline.events.sort(
        key=lambda e: (datetime.fromisoformat(e["recorded_at"]), e["service"], e["position"])
    )
    return timeline


async def ask_services(
    urls: Mapping[str, str], token: str, resident: str, as_of: str | None = None
) -> Timeline:
    """``person_timeline`` over the services' base URLs."""
    clients = {name: httpx.AsyncClient(base_url=url, timeout=TIMEOUT) for name, url in urls.items()}
    try:
        return await person_timeline(clients, token, resident, as_of)
    finally:
        for client in clients.values():
            await client.aclose()


def timeline_table(timeline: Timeline, title: str) -> Any:
    from rich.table import Table

    table = Table(title=title)
    for column in ("recorded", "occurred", "service", "stream", "v", "event", "actor", "causation"):
        table.add_column(column, overflow="fold")
    for e in timeline.events:
        table.add_row(
            e["recorded_at"],
            e["occurred_at"],
            e["service"],
            e["stream_id"],
            str(e["version"]),
            e["event_type"],
            e.get("actor") or "",
            (e.get("causation_id") or "")[:8],
        )
    return table


__all__ = ["Timeline", "as_of_moment", "ask_services", "person_timeline", "timeline_table"]
