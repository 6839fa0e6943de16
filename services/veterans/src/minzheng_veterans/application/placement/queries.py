"""What the placement area answers, folded from the soldiers' streams (a county receives tens of
soldiers a year), bounded by the caller's division; and the reception figures (接收安置统计) by
rank group, placement mode and reporting status."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from minzheng_eventstore import Actor
from minzheng_eventstore.store import EventStore
from minzheng_kernel.errors import NotFound

from ...domain.placement import soldier as s
from ..conscripts.queries import fold, fold_all
from .streams import SOLDIER, soldier_stream


async def soldiers(
    store: EventStore,
    actor: Actor,
    *,
    township: str | None = None,
    status: str | None = None,
    mode: str | None = None,
    flagged: bool | None = None,
) -> list[s.Soldier]:
    def keep(st: s.Soldier) -> bool:
        return (
            actor.within(st.residence)
            and (township is None or st.residence.startswith(township))
            and (status is None or st.status == status)
            and (mode is None or st.mode == mode)
            and (flagged is None or st.flagged == flagged)
        )

    found = await fold_all(store, SOLDIER, "soldier-", keep)
    return sorted(found, key=lambda st: (str(st.discharge_approved_on), st.soldier_id or ""))


async def soldier(store: EventStore, actor: Actor, soldier_id: str) -> s.Soldier:
    state = await fold(store, SOLDIER, soldier_stream(soldier_id))
    if state.soldier_id is None:
        raise NotFound("soldier_not_found", "no such discharged soldier", field="soldier_id")
    actor.require_within(state.residence, "soldier_id")
    return state


@dataclass(frozen=True, slots=True)
class Figures:
    received: int
    by_group: dict[str, int]
    """nco | urban | rural (a conscript by household): the catalogue's 6 + 9 + 43."""
    by_mode: dict[str, int]
    by_status: dict[str, int]
    trainees: dict[str, int]
    problems: list[str]
    """Figures that do not reconcile, flagged (not fixed)."""


def figures(found: list[s.Soldier]) -> Figures:
    groups = Counter("nco" if st.rank == "nco" else st.household for st in found)
    trainees = Counter(course for st in found for course in st.courses)
    problems = []
    enrolled = sum(trainees.values())
    if enrolled > len(found):
        problems.append(
            f"trainees_exceed_received: {enrolled} course enrolments for {len(found)} soldiers received "
            "(a soldier may take several courses; the catalogue's 50 + 18 = 68 > 58, F0 L167)"
        )
    return Figures(
        len(found),
        dict(groups),
        dict(Counter(st.mode or "undecided" for st in found)),
        dict(Counter(st.status for st in found)),
        dict(trainees),
        problems,
    )
