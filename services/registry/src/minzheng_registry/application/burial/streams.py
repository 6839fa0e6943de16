"""The burial area's aggregates and stream ids (no resident ID in a stream id: a funeral is named
by its death registration, a plot by its cemetery and number)."""

from __future__ import annotations

from minzheng_eventstore.uow import Aggregate

from ...domain.burial import cemetery, funeral, illegal, plot

CEMETERY: Aggregate[cemetery.Cemetery] = Aggregate(
    "cemetery", cemetery.CEMETERY_EVENTS, cemetery.Cemetery, cemetery.evolve_cemetery
)
PLOT: Aggregate[plot.Plot] = Aggregate("plot", plot.PLOT_EVENTS, plot.Plot, plot.evolve_plot)
FUNERAL: Aggregate[funeral.FuneralCase] = Aggregate(
    "funeral", funeral.FUNERAL_EVENTS, funeral.FuneralCase, funeral.evolve
)
ILLEGAL_BURIAL: Aggregate[illegal.IllegalBurialCase] = Aggregate(
    "illegal-burial", illegal.ILLEGAL_BURIAL_EVENTS, illegal.IllegalBurialCase, illegal.evolve
)

PLOT_USE = "plot-use"
"""Deadline kind: the end of a position's use period (subject: ``plot_use_subject``)."""
RECTIFICATION = "illegal-burial-rectification"
"""Deadline kind: an illegal burial's rectification deadline (subject: the case's stream)."""


def cemetery_stream(cemetery_id: str) -> str:
    return f"cemetery-{cemetery_id}"


def plot_stream(cemetery_id: str, plot: str) -> str:
    return f"plot-{cemetery_id}-{plot}"


def funeral_stream(registration_id: str) -> str:
    return f"funeral-{registration_id}"


def illegal_burial_stream(case_id: str) -> str:
    return f"illegal-burial-{case_id}"


def plot_use_subject(cemetery_id: str, plot: str, position: int, period: int) -> str:
    """One deadline per position and period (a renewal schedules the next period's), so each
    period's expiry has its own deterministic event id."""
    return f"{cemetery_id}/{plot}/{position}/{period}"


def parse_plot_use_subject(subject: str) -> tuple[str, str, int, int]:
    cemetery_id, plot, position, period = subject.split("/")
    return cemetery_id, plot, int(position), int(period)
