"""House numbers of one road (门牌编号), one aggregate per road (``numbering-<road id>``).

**Sides (左单右双).** Facing the direction in which the numbers rise (from the road's start),
the left side carries the odd numbers (1, 3, 5, …) and the right side the even ones (2, 4, 6, …).

**Sequence.** On each side the next number is the smallest number of the side's parity that is
neither issued, retired nor reserved: numbers go up with no duplicate and no gap, except the
explicit reservations (``HouseNumbersReserved``, a range kept for later, 预留备用), which issuing
skips unless a reserved number is asked for by name. A retired number (``HouseNumberRetired``)
is never issued again. Infill between existing numbers takes sub-numbers of the lower one
(5-1, 5-2, …), never reused either.

**Certificates (门牌证).** One valid doorplate certificate per number: a reissue voids the old.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from enum import StrEnum

from minzheng_kernel.errors import Conflict, DomainError, NotFound
from minzheng_kernel.events import DomainEvent, EventTypes

MAX_NUMBER = 9999
"""The highest house number (and so the last of each side): what an address label can name."""
MAX_SUB = 99
"""The highest sub-number of an infill (5-99)."""
MAX_RESERVATION = 200


class Side(StrEnum):
    LEFT = "left"  # 左单: odd
    RIGHT = "right"  # 右双: even

    @property
    def first(self) -> int:
        return 1 if self is Side.LEFT else 2

    def holds(self, number: int) -> bool:
        return number % 2 == self.first % 2

    @classmethod
    def of(cls, number: int) -> Side:
        return cls.LEFT if number % 2 else cls.RIGHT


def label(number: int, sub: int | None) -> str:
    """``5`` or ``5-1``."""
    return str(number) if sub is None else f"{number}-{sub}"


def parse_label(text: str) -> tuple[int, int | None]:
    main, _, sub = text.partition("-")
    if not main.isdigit() or (sub and not sub.isdigit()) or (_ and not sub):
        raise DomainError("bad_house_number", "a house number is like 5 or 5-1", field="number")
    number, sub_number = int(main), (int(sub) if sub else None)
    if not 1 <= number <= MAX_NUMBER or (sub_number is not None and not 1 <= sub_number <= MAX_SUB):
        raise DomainError(
            "bad_house_number",
            f"a house number is 1..{MAX_NUMBER}, a sub-number 1..{MAX_SUB}",
            field="number",
        )
    return number, sub_number


@dataclass(frozen=True, slots=True)
class HouseNumberIssued(DomainEvent):
    road_id: str
    road_name: str
    side: str
    number: int
    sub_number: int | None
    division: str
    address: str
    issued_on: str
    from_reservation: bool = False


@dataclass(frozen=True, slots=True)
class HouseNumbersReserved(DomainEvent):
    """Numbers ``first``..``last`` of the side's parity kept for later (预留)."""

    road_id: str
    side: str
    first: int
    last: int
    reason: str
    reserved_on: str


@dataclass(frozen=True, slots=True)
class HouseNumberRetired(DomainEvent):
    road_id: str
    side: str
    number: int
    sub_number: int | None
    retired_on: str
    reason: str
    voided_certificate: str | None


@dataclass(frozen=True, slots=True)
class DoorplateCertificateIssued(DomainEvent):
    """门牌证 for a number; ``voids`` the earlier certificate of the number, if any."""

    road_id: str
    number: int
    sub_number: int | None
    certificate_no: str
    holder: str
    issued_on: str
    voids: str | None


class SignKind(StrEnum):
    """The plates put up (标志): 楼牌, 门牌, 单元牌, 路牌, 巷牌."""

    BUILDING = "building"
    DOOR = "door"
    UNIT = "unit"
    ROAD = "road"
    LANE = "lane"

    @property
    def numbered(self) -> bool:
        """A building, door or unit plate shows a house number; a road or lane sign does not."""
        return self in (SignKind.BUILDING, SignKind.DOOR, SignKind.UNIT)


@dataclass(frozen=True, slots=True)
class SignInstalled(DomainEvent):
    """标志设置: ``count`` plates of a kind put up (one number's, or the road's own signs)."""

    road_id: str
    kind: str
    number: int | None
    sub_number: int | None
    count: int
    installed_on: str


NUMBERING_EVENTS = EventTypes(
    HouseNumberIssued, HouseNumbersReserved, HouseNumberRetired, DoorplateCertificateIssued, SignInstalled
)

Key = tuple[int, int | None]


@dataclass(frozen=True, slots=True)
class Issued:
    side: Side
    number: int
    sub_number: int | None
    division: str
    address: str
    issued_on: date
    retired_on: date | None = None
    certificate: str | None = None


@dataclass(frozen=True, slots=True)
class RoadNumbering:
    road_id: str = ""
    numbers: dict[Key, Issued] = field(default_factory=dict)
    reserved: frozenset[int] = frozenset()
    signs: dict[str, int] = field(default_factory=dict)
    """kind → plates installed."""

    def used(self, number: int) -> bool:
        """Issued or retired: never issued again."""
        return (number, None) in self.numbers

    def next_number(self, side: Side) -> int:
        n = side.first
        while self.used(n) or n in self.reserved:
            n += 2
        return n

    def subs(self, number: int) -> list[int]:
        return sorted(sub for (main, sub) in self.numbers if main == number and sub is not None)

    def require(self, number: int, sub: int | None) -> Issued:
        issued = self.numbers.get((number, sub))
        if issued is None:
            raise NotFound(
                "house_number_not_found",
                f"number {label(number, sub)} is not issued on this road",
                field="number",
            )
        return issued


def initial() -> RoadNumbering:
    return RoadNumbering()


def evolve(state: RoadNumbering, event: DomainEvent) -> RoadNumbering:
    if isinstance(event, HouseNumberIssued):
        key = (event.number, event.sub_number)
        issued = Issued(
            Side(event.side),
            event.number,
            event.sub_number,
            event.division,
            event.address,
            date.fromisoformat(event.issued_on),
        )
        return replace(
            state,
            road_id=event.road_id,
            numbers={**state.numbers, key: issued},
            reserved=state.reserved - {event.number},
        )
    if isinstance(event, HouseNumbersReserved):
        kept = frozenset(range(event.first, event.last + 1, 2))
        return replace(state, road_id=event.road_id, reserved=state.reserved | kept)
    if isinstance(event, HouseNumberRetired):
        key = (event.number, event.sub_number)
        old = state.numbers[key]
        return replace(
            state,
            numbers={
                **state.numbers,
                key: replace(old, retired_on=date.fromisoformat(event.retired_on), certificate=None),
            },
        )
    if isinstance(event, SignInstalled):
        return replace(state, signs={**state.signs, event.kind: state.signs.get(event.kind, 0) + event.count})
    if isinstance(event, DoorplateCertificateIssued):
        key = (event.number, event.sub_number)
        old = state.numbers[key]
        return replace(state, numbers={**state.numbers, key: replace(old, certificate=event.certificate_no)})
    return state


def choose(
    state: RoadNumbering, *, side: Side, number: int | None, after: int | None
) -> tuple[int, int | None, bool]:
    """The number an issue takes: (number, sub-number, from a reservation).

    - ``after``: infill after an issued number of the side with a higher number beyond it: its
      next sub-number;
    - ``number``: the side's next number, or a reserved one asked for by name;
    - neither: the side's next number."""
    if after is not None:
        if not side.holds(after):
            raise DomainError(
                "wrong_side", f"{after} is not on the {side.value} side (左单右双)", field="after"
            )
        main = state.numbers.get((after, None))
        if main is None or main.retired_on is not None:
            raise DomainError(
                "infill_without_number", f"{after} is not an issued number of this road", field="after"
            )
        beyond = any(k[0] > after and k[1] is None and state.numbers[k].side is side for k in state.numbers)
        if not beyond:
            raise DomainError(
                "not_infill", f"nothing is numbered beyond {after}: take the next number", field="after"
            )
        subs = state.subs(after)
        sub = subs[-1] + 1 if subs else 1
        if sub > MAX_SUB:
            raise Conflict(
                "no_sub_number_left", f"{after} has every sub-number 1..{MAX_SUB} issued", field="after"
            )
        return after, sub, False
    if number is None:
        following = state.next_number(side)
        if following > MAX_NUMBER:
            raise Conflict(
                "no_number_left",
                f"every number of the {side.value} side up to {MAX_NUMBER} is issued, retired or reserved",
                field="side",
            )
        return following, None, False
    if not side.holds(number):
        raise DomainError(
            "wrong_side", f"{number} is not on the {side.value} side (左单右双)", field="number"
        )
    if number > MAX_NUMBER:
        raise DomainError("bad_house_number", f"a house number is at most {MAX_NUMBER}", field="number")
    if state.used(number):
        issued = state.numbers[(number, None)]
        code = "number_retired" if issued.retired_on is not None else "number_issued"
        raise Conflict(
            code,
            f"{number} is already {'retired' if issued.retired_on else 'issued'}: never again",
            field="number",
        )
    if number in state.reserved:
        return number, None, True
    if number != state.next_number(side):
        raise DomainError(
            "not_next_number",
            f"the next number on the {side.value} side is {state.next_number(side)}",
            field="number",
        )
    return number, None, False


def issue(
    state: RoadNumbering,
    *,
    road_id: str,
    road_name: str,
    side: Side,
    number: int | None,
    after: int | None,
    division: str,
    township_name: str,
    today: date,
) -> list[DomainEvent]:
    """门牌编号: one number of the side (see ``choose``); its address is the road's name today plus
    the number."""
    main, sub, reserved = choose(state, side=side, number=number, after=after)
    address = f"{township_name}{road_name}{label(main, sub)}号"
    return [
        HouseNumberIssued(
            road_id, road_name, side.value, main, sub, division, address, today.isoformat(), reserved
        )
    ]


def reserve(
    state: RoadNumbering, *, road_id: str, side: Side, first: int, last: int, reason: str, today: date
) -> list[DomainEvent]:
    """预留: numbers ``first``..``last`` of the side's parity, none issued, retired or reserved."""
    if not side.holds(first) or not side.holds(last):
        raise DomainError(
            "wrong_side",
            f"the {side.value} side holds {'odd' if side is Side.LEFT else 'even'} numbers",
            field="first",
        )
    if last < first:
        raise DomainError("bad_range", "last is below first", field="last")
    if (last - first) // 2 + 1 > MAX_RESERVATION:
        raise DomainError("reservation_too_large", f"at most {MAX_RESERVATION} numbers at once", field="last")
    if last > MAX_NUMBER:
        raise DomainError("bad_house_number", f"a house number is at most {MAX_NUMBER}", field="last")
    taken = [n for n in range(first, last + 1, 2) if state.used(n) or n in state.reserved]
    if taken:
        raise Conflict("numbers_taken", f"{taken[0]} is already issued, retired or reserved", field="first")
    return [HouseNumbersReserved(road_id, side.value, first, last, reason, today.isoformat())]


def retire(
    state: RoadNumbering, *, road_id: str, number: int, sub: int | None, reason: str, today: date
) -> list[DomainEvent]:
    """注销 of an issued number (its certificate void with it); never issued again."""
    issued = state.require(number, sub)
    if issued.retired_on is not None:
        raise Conflict(
            "number_retired", f"{label(number, sub)} is retired since {issued.retired_on}", field="number"
        )
    return [
        HouseNumberRetired(
            road_id, issued.side.value, number, sub, today.isoformat(), reason, issued.certificate
        )
    ]


def certify(
    state: RoadNumbering,
    *,
    road_id: str,
    number: int,
    sub: int | None,
    certificate_no: str,
    holder: str,
    today: date,
) -> list[DomainEvent]:
    """门牌证 of an issued number in use; a reissue voids the one before."""
    issued = state.require(number, sub)
    if issued.retired_on is not None:
        raise Conflict(
            "number_retired", f"{label(number, sub)} is retired since {issued.retired_on}", field="number"
        )
    return [
        DoorplateCertificateIssued(
            road_id, number, sub, certificate_no, holder, today.isoformat(), issued.certificate
        )
    ]


def install(
    state: RoadNumbering,
    *,
    road_id: str,
    kind: SignKind,
    number: int | None,
    sub: int | None,
    count: int,
    road_kind: str,
    today: date,
) -> list[DomainEvent]:
    """Plates put up: a building, door or unit plate for an issued number in use; a road or lane
    sign for the road itself (a lane sign 巷牌 on a lane, a road sign 路牌 on a road: ``road_kind``
    is the place's kind, ``road`` or ``lane``)."""
    if not 1 <= count <= 1000:
        raise DomainError("bad_count", "1..1000 plates at once", field="count")
    if kind.numbered:
        if number is None:
            raise DomainError("number_missing", f"a {kind.value} plate shows a house number", field="number")
        issued = state.require(number, sub)
        if issued.retired_on is not None:
            raise Conflict(
                "number_retired", f"{label(number, sub)} is retired since {issued.retired_on}", field="number"
            )
    elif number is not None:
        raise DomainError("number_not_shown", f"a {kind.value} sign shows no house number", field="number")
    elif kind.value != road_kind:
        raise DomainError(
            "sign_does_not_match_road", f"a {kind.value} sign is not put up on a {road_kind}", field="kind"
        )
    return [SignInstalled(road_id, kind.value, number, sub, count, today.isoformat())]


@dataclass(frozen=True, slots=True)
class CertificateSerialTaken(DomainEvent):
    """The next serial of the county's doorplate certificates of a year (no gap, no repeat)."""

    serial: int
    certificate_no: str


SERIAL_EVENTS = EventTypes(CertificateSerialTaken)


def serial_initial() -> int:
    return 0


def serial_evolve(state: int, event: DomainEvent) -> int:
    return event.serial if isinstance(event, CertificateSerialTaken) else state


def take_serial(state: int, *, county: str, year: int) -> CertificateSerialTaken:
    """``MP330727-2026-000001``: 门牌 + the county's code, the year, a 6-digit serial."""
    serial = state + 1
    return CertificateSerialTaken(serial, f"MP{county}-{year}-{serial:06d}")
