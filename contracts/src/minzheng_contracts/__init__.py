"""minzheng integration-event contracts (集成事件契约): pydantic v2 models, JSON Schema and AsyncAPI.

Every event crossing a service boundary is an :class:`IntegrationEvent` subclass listed in
:data:`CONTRACTS`. See ``contracts/README.md`` for how to add one.
"""

from minzheng_contracts.assistance import (
    ApprovalGranted,
    ApprovalGrantedData,
    Category,
    Employment,
    HouseholdApplied,
    HouseholdAppliedData,
    HouseholdMember,
    PaymentIssued,
    PaymentIssuedData,
    PaymentProgramme,
    Programme,
    Relationship,
)
from minzheng_contracts.catalogue import CONTRACTS, contract_for, parse_integration_event
from minzheng_contracts.disaster import DisasterReported, DisasterReportedData, DisasterType
from minzheng_contracts.envelope import (
    ContractDefinitionError,
    ContractError,
    ContractModel,
    EventData,
    IntegrationEvent,
    UnknownContractError,
    UnknownProducerError,
)
from minzheng_contracts.registry import DeathRegistered, DeathRegisteredData
from minzheng_contracts.types import (
    DivisionCode,
    DivisionLevel,
    Fen,
    InvalidDivisionCodeError,
    InvalidPeriodError,
    InvalidResidentIdError,
    Period,
    PositiveFen,
    ResidentId,
    SignedFen,
    fen_to_yuan,
    make_resident_id,
    mask_resident_ids,
    resident_id_checksum,
    yuan_to_fen,
)

__all__ = [
    "CONTRACTS",
    "ApprovalGranted",
    "ApprovalGrantedData",
    "Category",
    "ContractDefinitionError",
    "ContractError",
    "ContractModel",
    "DeathRegistered",
    "DeathRegisteredData",
    "DisasterReported",
    "DisasterReportedData",
    "DisasterType",
    "DivisionCode",
    "DivisionLevel",
    "Employment",
    "EventData",
    "Fen",
    "HouseholdApplied",
    "HouseholdAppliedData",
    "HouseholdMember",
    "IntegrationEvent",
    "InvalidDivisionCodeError",
    "InvalidPeriodError",
    "InvalidResidentIdError",
    "PaymentIssued",
    "PaymentIssuedData",
    "PaymentProgramme",
    "Period",
    "PositiveFen",
    "Programme",
    "Relationship",
    "ResidentId",
    "SignedFen",
    "UnknownContractError",
    "UnknownProducerError",
    "contract_for",
    "fen_to_yuan",
    "make_resident_id",
    "mask_resident_ids",
    "parse_integration_event",
    "resident_id_checksum",
    "yuan_to_fen",
]
