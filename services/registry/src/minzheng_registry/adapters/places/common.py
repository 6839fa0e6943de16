"""What the area's routes share: bounded inputs, the permission of each route."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import Path, Query
from pydantic import Field, StringConstraints

from minzheng_eventstore import Actor
from minzheng_eventstore.access import permit

TEXT = r"^[^\x00-\x1f\x7f]*$"
Name = Annotated[str, StringConstraints(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f\x7f]+$")]
Note = Annotated[str, StringConstraints(max_length=500, pattern=TEXT)]
Document = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Day = Annotated[date, Field(ge=date(1949, 10, 1), le=date(2199, 12, 31))]
DayQuery = Annotated[
    date | None, Query(ge=date(1949, 10, 1), le=date(2199, 12, 31), description="a day (default: today)")
]
DivisionText = Annotated[str, StringConstraints(pattern=r"^[1-9]\d{8}(\d{3})?$")]
"""A township (9 digits) or village (12 digits) code."""
DivisionPath = Annotated[str, Path(pattern=r"^[1-9]\d{8}(\d{3})?$", description="a township or village code")]
UuidText = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
PlacePath = Annotated[
    str,
    Path(pattern=UuidText, description="the place's id", examples=["5f0c1a9e-0000-4000-8000-000000000001"]),
]
LabelPath = Annotated[
    str, Path(pattern=r"^[1-9]\d{0,3}(-[1-9]\d?)?$", description="a house number: 5 or 5-1")
]

DivisionRecorder = Annotated[Actor, permit("division.record")]
DivisionReader = Annotated[Actor, permit("division.read")]
Proposer = Annotated[Actor, permit("place.propose")]
Reviewer = Annotated[Actor, permit("place.review")]
Approver = Annotated[Actor, permit("place.approve")]
PlaceReader = Annotated[Actor, permit("place.read")]
NumberIssuer = Annotated[Actor, permit("house_number.issue")]
NumberManager = Annotated[Actor, permit("house_number.manage")]
NumberReader = Annotated[Actor, permit("house_number.read")]
