"""Resident IDs as the bureau digitised them (1950–2003): the old 15-digit number (旧身份证号码,
used until the 1999 standard) and the 18-character one (GB 11643-1999), and how a report shows
one without giving it away.

Pure functions on text; the validated value is ``minzheng_contracts.ResidentId`` (masked whenever
printed)."""

from __future__ import annotations

from minzheng_contracts.resident_id import InvalidResidentIdError, ResidentId, resident_id_checksum

OLD_LENGTH = 15
NEW_LENGTH = 18
UNREADABLE = "*" * 8
"""How a report shows an ID that does not even have an ID's shape: no digit of it at all."""


def upgrade_15_to_18(old: str) -> str:
    """The 18-character ID of an old 15-digit one (15位升18位): the century digits ``19`` go in
    after the 6-digit address code (the old number's 2-digit birth year is of the 1900s), and the
    ISO 7064 MOD 11-2 check character is appended. ``InvalidResidentIdError`` (naming no value) for
    anything but 15 ASCII digits."""
    if len(old) != OLD_LENGTH or not old.isascii() or not old.isdigit():
        raise InvalidResidentIdError("an old resident ID must be exactly 15 digits")
    body = old[:6] + "19" + old[6:]
    return body + resident_id_checksum(body)


def parse_resident_id(text: str) -> ResidentId:
    """The validated ID of a 15-digit or 18-character text (spaces around it ignored, ``x`` read as
    ``X``); ``InvalidResidentIdError`` with the reason, never the value."""
    value = text.strip().upper()
    if len(value) == OLD_LENGTH:
        value = upgrade_15_to_18(value)
    return ResidentId(value)


def masked(text: str) -> str:
    """An ID as a report may show it: ``330727********123X`` (address code and last four kept, the
        birth date hidden) for the shape of an 18-character ID, ``330727******123`` for a 15-digit one,
    and no digit at all for anything else."""
    value = text.strip().upper()
    if len(value) == OLD_LENGTH and value.isascii() and value.isdigit():
        return value[:6] + "*" * 6 + value[-3:]  # the 2-digit year and the date hidden
    if len(value) == NEW_LENGTH and value.isascii() and value[:17].isdigit() and value[17] in "0123456789X":
        return value[:6] + UNREADABLE + value[-4:]
    return UNREADABLE
