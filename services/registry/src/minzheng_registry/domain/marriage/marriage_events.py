"""The events of a marriage (婚姻) and its divorce applications (离婚登记申请), on the one
``marriage-<uuid>`` stream. The marriage's state and decisions are ``marriage.py``."""

from __future__ import annotations

from dataclasses import dataclass

from minzheng_kernel.events import DomainEvent, EventTypes


@dataclass(frozen=True, slots=True)
class MarriageRegistered(DomainEvent):
    """A marriage was registered (结婚登记): the marriage exists from registration (art. 1049)."""

    marriage_id: str
    certificate_number: str
    husband: str
    wife: str
    registered_on: str
    office: str
    male_age_standard: str
    female_age_standard: str


@dataclass(frozen=True, slots=True)
class CertificateReissued(DomainEvent):
    """A certificate reissued (补领): ``old_number`` is void from now on."""

    old_number: str
    new_number: str
    kind: str
    """``marriage`` (BJ…) or ``divorce`` (BL…)."""
    reissued_on: str
    office: str
    husband: str
    wife: str


@dataclass(frozen=True, slots=True)
class DivorceApplicationReceived(DomainEvent):
    """A divorce application received (离婚登记申请受理), with its clocks."""

    application_id: str
    marriage_id: str
    received_on: str
    office: str
    cooling_off_ends: str | None
    certificate_deadline: str | None
    cooling_off_standard: str | None
    window_standard: str | None


@dataclass(frozen=True, slots=True)
class DivorceApplicationWithdrawn(DomainEvent):
    """Either party withdrew the application during the cooling-off period (撤回)."""

    application_id: str
    withdrawn_on: str
    by: str
    """``husband`` or ``wife``."""


@dataclass(frozen=True, slots=True)
class DivorceRegistered(DomainEvent):
    """The divorce registered (离婚登记, 发给离婚证): the marriage is dissolved (art. 1080)."""

    application_id: str
    marriage_id: str
    certificate_number: str
    registered_on: str
    office: str
    husband: str
    wife: str


@dataclass(frozen=True, slots=True)
class DivorceApplicationLapsed(DomainEvent):
    """The certificate was not asked for by the deadline: the application is deemed withdrawn."""

    application_id: str
    lapsed_at: str


@dataclass(frozen=True, slots=True)
class DivorceApplicationTerminated(DomainEvent):
    """A spouse died while the application was open: it ends (终结)."""

    application_id: str
    registration_id: str
    terminated_on: str


@dataclass(frozen=True, slots=True)
class MarriageEndedByDeath(DomainEvent):
    """A spouse's death was registered: the marriage ended (婚姻关系因死亡终止)."""

    marriage_id: str
    deceased: str
    """``husband`` or ``wife``."""
    registration_id: str
    date_of_death: str
    """The day the marriage ended: the date of death, or the marriage's registration day when the
    death is dated before it (the recorded date is on ``MarriageFlaggedForReview``)."""


@dataclass(frozen=True, slots=True)
class MarriageRevived(DomainEvent):
    """A spouse's declaration of death was revoked: the marriage revives (Civil Code art. 51),
    the spouse having neither remarried nor declined in writing."""

    marriage_id: str
    registration_id: str
    revived_on: str


@dataclass(frozen=True, slots=True)
class MarriageFlaggedForReview(DomainEvent):
    """The marriage's record conflicts with a registered fact and is flagged for review (e.g. for
    annulment: ``reason`` ``death_before_registration``, a spouse's death dated before the
    marriage was registered). The fact stands; the record keeps the conflict."""

    marriage_id: str
    reason: str
    registration_id: str
    date_of_death: str


MARRIAGE_EVENTS = EventTypes(
    MarriageRevived,
    MarriageFlaggedForReview,
    MarriageRegistered,
    CertificateReissued,
    DivorceApplicationReceived,
    DivorceApplicationWithdrawn,
    DivorceRegistered,
    DivorceApplicationLapsed,
    DivorceApplicationTerminated,
    MarriageEndedByDeath,
)
