"""The institutions area's HTTP shapes: bounded, strict inputs and the outputs (resident IDs by
``shown``)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import Path
from pydantic import BaseModel, Field, StringConstraints

from minzheng_contracts import DivisionCode, ResidentId
from minzheng_eventstore import Actor

from ...application.institutions.queries import InstitutionView
from ...domain.institutions import institution as i
from ...domain.institutions import residency as r
from ...domain.institutions import unregistered as u
from ..common import shown, strict

EXAMPLE_HOME = "inst-330727101-01"
EXAMPLE_RESIDENCY = "5e5d0000-0000-4000-8000-000000000001"
IdText = Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$")]
Text = Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=r"^[^\x00-\x1f\x7f]+$")]
Note = Annotated[str, StringConstraints(max_length=500, pattern=r"^[^\x00-\x1f\x7f]*$")]
Day = Annotated[date, Field(ge=date(1950, 1, 1), le=date(2199, 12, 31))]
InstitutionPath = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[0-9A-Za-z_-]+$", examples=[EXAMPLE_HOME])
]
ResidencyPath = Annotated[uuid.UUID, Path(description="the residency's id", examples=[EXAMPLE_RESIDENCY])]
CasePath = Annotated[uuid.UUID, Path(description="the case's id")]


class RegistrationIn(BaseModel):
    model_config = strict(
        {
            "institution_id": EXAMPLE_HOME,
            "name": "城关镇敬老院",
            "kind": "nursing_home",
            "township": "330727101",
            "beds": 105,
            "model": "public_built_private_run",
            "registered_on": "2026-03-01",
        }
    )
    institution_id: IdText | None = None
    name: Text
    kind: i.Kind = Field(
        description="nursing_home 敬老院 | welfare_home 福利院 | glory_home 光荣院 | private 民办"
    )
    township: DivisionCode = Field(description="the township (9 digits) within the county")
    beds: int = Field(ge=0, le=i.MAX_BEDS)
    model: i.OperatingModel = Field(
        description="public_built_private_run 公建民营 | public_owned_private_run 公办民营 | "
        "medical_care 医养结合 | public 公办 | private 民办"
    )
    registered_on: Day


class BedsIn(BaseModel):
    model_config = strict({"change": 20, "on": "2026-03-02"}, {"change": -5, "on": "2026-03-02"})
    change: int = Field(ge=-i.MAX_BEDS, le=i.MAX_BEDS, description="beds added (> 0) or removed (< 0)")
    on: Day


class InstitutionOut(BaseModel):
    institution_id: str
    name: str
    kind: str
    township: str
    model: str
    registered_on: date | None
    beds: int
    occupied: int
    free: int
    status: str = Field(description="operating | admissions_suspended | closed")


def institution_out(view: InstitutionView) -> InstitutionOut:
    st = view.institution
    return InstitutionOut(
        institution_id=st.institution_id or "",
        name=st.name,
        kind=st.kind,
        township=st.township,
        model=st.model,
        registered_on=st.registered_on,
        beds=st.beds,
        occupied=view.occupied,
        free=max(st.beds - view.occupied, 0),
        status=view.status,
    )


class InstitutionPage(BaseModel):
    total: int
    beds: int
    occupied: int
    items: list[InstitutionOut]


class AdmissionIn(BaseModel):
    model_config = strict(
        {
            "residency_id": EXAMPLE_RESIDENCY,
            "resident_id": "330727194405060275",
            "agreement_number": "RZ-2026-001",
            "agreement_date": "2026-03-01",
            "care_level": "partial",
            "is_tekun": True,
            "admitted_on": "2026-03-02",
        }
    )
    residency_id: uuid.UUID | None = None
    resident_id: ResidentId
    agreement_number: Annotated[
        str, StringConstraints(min_length=1, max_length=40, pattern=r"^[0-9A-Za-z_/-]+$")
    ]
    agreement_date: Day
    care_level: r.CareLevel = Field(description="self_care 自理 | partial 半失能 | full 失能 | special 特护")
    is_tekun: bool = Field(description="a 特困 person (in a 敬老院: centralised support)")
    admitted_on: Day


class LeaveIn(BaseModel):
    model_config = strict({"leave_from": "2026-03-02", "return_by": "2026-03-09", "reason": "回家探亲"})
    leave_from: Day
    return_by: Day
    reason: Text


class ReturnIn(BaseModel):
    model_config = strict({"returned_on": "2026-03-08"})
    returned_on: Day


class VisitIn(BaseModel):
    model_config = strict({"visited_on": "2026-03-02", "facility": "县人民医院", "reason": "复诊"})
    visited_on: Day
    facility: Text
    reason: Text


class DischargeIn(BaseModel):
    model_config = strict(
        {"destination": "home", "discharged_on": "2026-03-02"},
        {"destination": "transfer", "discharged_on": "2026-03-02", "transfer_to": "县社会福利中心"},
    )
    destination: r.Destination = Field(description="home | transfer | death")
    discharged_on: Day
    transfer_to: Text | None = None


class VisitOut(BaseModel):
    visited_on: date
    facility: str
    reason: str


class ResidentOut(BaseModel):
    residency_id: str
    institution_id: str
    institution_kind: str
    township: str
    resident_id: str = Field(description="in full for the county approver and the auditor, masked otherwise")
    is_tekun: bool
    care_level: str
    agreement_number: str
    agreement_date: date | None
    admitted_on: date | None
    status: str = Field(description="resident | on_leave | discharged")
    leave_from: date | None
    return_by: date | None
    leave_overdue: bool = Field(description="away past the return date (flagged once per leave)")
    leaves: int
    visits: list[VisitOut]
    destination: str | None
    discharged_on: date | None
    transfer_to: str | None


def resident_out(actor: Actor, st: r.Residency) -> ResidentOut:
    away = st.status is r.Status.ON_LEAVE
    return ResidentOut(
        residency_id=st.residency_id or "",
        institution_id=st.institution_id,
        institution_kind=st.institution_kind,
        township=st.township,
        resident_id=shown(actor, st.person),
        is_tekun=st.is_tekun,
        care_level=st.care_level,
        agreement_number=st.agreement_number,
        agreement_date=st.agreement_date,
        admitted_on=st.admitted_on,
        status=st.status.value,
        leave_from=st.leave_from if away else None,
        return_by=st.return_by if away else None,
        leave_overdue=st.leave_overdue,
        leaves=st.leaves,
        visits=[VisitOut(visited_on=v.visited_on, facility=v.facility, reason=v.reason) for v in st.visits],
        destination=st.destination,
        discharged_on=st.discharged_on,
        transfer_to=st.transfer_to,
    )


class ResidentPage(BaseModel):
    total: int
    items: list[ResidentOut]


class UnregisteredIn(BaseModel):
    model_config = strict(
        {
            "name": "某村私人托老所",
            "township": "330727103",
            "address": "某村12号",
            "residents": 6,
            "reported_on": "2026-03-01",
        }
    )
    case_id: uuid.UUID | None = None
    name: Text
    township: DivisionCode
    address: Text
    residents: int = Field(ge=0, le=10_000, description="people found living there")
    reported_on: Day


class CaseRegisteredIn(BaseModel):
    model_config = strict({"institution_id": EXAMPLE_HOME, "on": "2026-03-02"})
    institution_id: IdText
    on: Day


class CaseClosedDownIn(BaseModel):
    model_config = strict({"on": "2026-03-02", "note": "已取缔, 6 人转入县社会福利中心"})
    on: Day
    note: Note = ""


class UnregisteredOut(BaseModel):
    case_id: str
    name: str
    township: str
    address: str
    residents: int
    reported_on: date | None
    status: str = Field(description="reported | registered | closed_down")
    closed_on: date | None
    institution_id: str | None
    note: str


def unregistered_out(st: u.UnregisteredHome) -> UnregisteredOut:
    return UnregisteredOut(
        case_id=st.case_id or "",
        name=st.name,
        township=st.township,
        address=st.address,
        residents=st.residents,
        reported_on=st.reported_on,
        status=st.status.value,
        closed_on=st.closed_on,
        institution_id=st.institution_id,
        note=st.note,
    )


class UnregisteredPage(BaseModel):
    total: int
    items: list[UnregisteredOut]
