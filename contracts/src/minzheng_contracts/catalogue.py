"""The catalogue of published contracts (契约目录) and the parser of incoming events.

To publish a new contract, add its class to ``_ALL`` below (the registry's modules list theirs
in their own ``CONTRACTS``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Final

from pydantic import ValidationError
from pydantic_core import from_json

from minzheng_contracts import archive, burial, eldercare, places, registry, veterans
from minzheng_contracts.assistance import (
    AmountChanged,
    ApplicationRejected,
    ApprovalGranted,
    BenefitSuspended,
    BenefitTerminated,
    HouseholdApplied,
    PaymentIssued,
)
from minzheng_contracts.disaster import DisasterReported, ReliefDelivered, ReliefSlaAtRisk, ReliefSlaBreached
from minzheng_contracts.envelope import (
    ContractDefinitionError,
    ContractError,
    IntegrationEvent,
    UnknownContractError,
)
from minzheng_contracts.payments import PaymentIssuedV2

__all__ = ["CONTRACTS", "contract_for", "parse_integration_event"]

ContractClass = type[IntegrationEvent[Any]]

_ALL: tuple[ContractClass, ...] = (
    HouseholdApplied,
    ApprovalGranted,
    PaymentIssued,
    PaymentIssuedV2,
    ApplicationRejected,
    AmountChanged,
    BenefitSuspended,
    BenefitTerminated,
    DisasterReported,
    ReliefDelivered,
    ReliefSlaAtRisk,
    ReliefSlaBreached,
    # the registry's: each module lists its own, so that an area adds a contract in one place
    *registry.CONTRACTS,
    *burial.CONTRACTS,
    *places.CONTRACTS,
    *archive.CONTRACTS,
    *veterans.CONTRACTS,
    *eldercare.CONTRACTS,
)


def _build(contracts: tuple[ContractClass, ...]) -> Mapping[tuple[str, int], ContractClass]:
    catalogue: dict[tuple[str, int], ContractClass] = {}
    subjects: dict[str, ContractClass] = {}
    for contract in contracts:
        key = contract.contract_key()
        if key in catalogue:
            raise ContractDefinitionError(
                f"{key} is declared by {catalogue[key].__name__} and {contract.__name__}"
            )
        catalogue[key] = contract
        for subject in contract.subjects():
            other = subjects.setdefault(subject, contract)
            if other.contract_key()[0] != key[0]:
                raise ContractDefinitionError(
                    f"subject {subject} is used by {other.__name__} and {contract.__name__}"
                )
    return MappingProxyType(catalogue)


#: ``(event_type, schema_version) -> contract class``, read-only.
CONTRACTS: Mapping[tuple[str, int], ContractClass] = _build(_ALL)


def contract_for(event_type: str, version: int) -> ContractClass:
    """The contract class for ``(event_type, version)``; :class:`UnknownContractError` if none."""
    try:
        return CONTRACTS[(event_type, version)]
    except (KeyError, TypeError):
        known = sorted(v for (t, v) in CONTRACTS if t == event_type)
        raise UnknownContractError(event_type, version, known) from None


#: The head of a message as the relay's serialiser writes it (the envelope's fields in order, no
#: blanks): the contract is read from it without parsing the whole message twice.
_HEAD: Final = re.compile(
    rb'\{"event_id":"[0-9a-f-]{36}","event_type":"([A-Z][A-Za-z0-9]*)","schema_version":([1-9][0-9]{0,8}),'
).match


def parse_integration_event(raw: bytes | bytearray | str | Mapping[str, Any]) -> IntegrationEvent[Any]:
    """Validate a message (JSON bytes/str or a dict) against the contract named by its envelope.

    Raises :class:`UnknownContractError` for an unknown ``(event_type, schema_version)``,
    :class:`ContractError` for a message that is not a JSON object, and pydantic's ``ValidationError``
    for an invalid event.
    """
    if isinstance(raw, bytes | bytearray):
        event = _parse_published(raw)
        if event is not None:
            return event
    return _parse(raw)


def _parse_published(raw: bytes | bytearray) -> IntegrationEvent[Any] | None:
    """The event of a message in the relay's form, read with one JSON parse instead of two; ``None``
    for any other message and for any message that does not validate (:func:`_parse` then gives the
    answer, its error included).

    The head names the contract only if it is the one ``event_type`` and the one ``schema_version``
    key of the message: each written once (no ``\\u`` escape can spell another), and the head sits
    at the top level. A message that validates this way is valid JSON, so :func:`_parse` would read
    the same pair from it and validate it against the same contract, the same way."""
    head = _HEAD(raw)
    if (
        head is None
        or raw.count(b'"event_type"') != 1
        or raw.count(b'"schema_version"') != 1
        or b"\\u" in raw
    ):
        return None
    contract = CONTRACTS.get((head.group(1).decode(), int(head.group(2))))
    if contract is None:
        return None
    try:
        return contract.model_validate_json(raw)
    except ValidationError:
        return None


def _parse(raw: bytes | bytearray | str | Mapping[str, Any]) -> IntegrationEvent[Any]:
    if isinstance(raw, Mapping):
        header: Any = raw
    else:
        try:
            header = from_json(raw)
        except ValueError as exc:
            raise ContractError(f"integration event is not valid JSON: {exc}") from None
    if not isinstance(header, Mapping):
        raise ContractError("integration event must be a JSON object")
    event_type, version = header.get("event_type"), header.get("schema_version")
    if not isinstance(event_type, str) or isinstance(version, bool) or not isinstance(version, int):
        raise UnknownContractError(event_type, version)
    contract = contract_for(event_type, version)
    if isinstance(raw, Mapping):
        return contract.model_validate(raw)
    return contract.model_validate_json(raw)
