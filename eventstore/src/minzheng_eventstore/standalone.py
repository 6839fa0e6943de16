"""Verify an audit bundle with nothing but the Python standard library (审计包独立核验).

    python3 standalone.py BUNDLE.json [--key PUBLIC_KEY_HEX]

A provincial auditor copies this one file and runs it on a bundle a service exported
(``python -m minzheng_<service> bundle``): each event's hash is recomputed from its fields and its
data (``sha256(prev ‖ canonical bytes)``), the chain is followed from the empty hash, the data shown
is checked to be the data hashed, the checkpoint's Ed25519 signature is verified (RFC 8032, in pure
Python below: slow, a few milliseconds, and only ever used to verify) and each stream's head at the
checkpoint is proved part of the signed Merkle root. ``--key`` is the service's public key as the
bureau publishes it; without it the key in the bundle is used, and said so.

The platform imports its rules from here (``chain``, ``checkpoints``), so there is one copy of the
canonical form, the Merkle tree and the signed message. This module imports the standard library
only (a test holds it to that, and runs it with ``python -I``).
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

FORMAT = "minzheng-audit-bundle/1"

FIELDS = (
    "stream_id",
    "stream_type",
    "version",
    "event_id",
    "event_type",
    "schema_version",
    "occurred_at",
    "recorded_at",
    "correlation_id",
    "causation_id",
    "traceparent",
    "actor",
    "jurisdiction",
    "data",
)
"""The canonical array's items, in order: an event's canonical bytes are the UTF-8 text
PostgreSQL's ``jsonb`` writes for this array (times in UTC as ``YYYY-MM-DDTHH:MM:SS.ffffffZ``)."""

# ---------------------------------------------------------------- the canonical form


def json_string(text: str) -> str:
    """A JSON string as PostgreSQL writes it (``escape_json``): ``"``, ``\\`` and the control
    characters escaped (``\\b \\f \\n \\r \\t``, others ``\\u00XX``), everything else as is."""
    out = ['"']
    for ch in text:
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch in _SHORT:
            out.append(_SHORT[ch])
        elif ord(ch) < 0x20:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


_SHORT = {"\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def utc_text(moment: datetime) -> str:
    """A time as the canonical form writes it: UTC, microseconds, ``Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _item(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return json_string(utc_text(value))
    return json_string(str(value))


def canonical_text(event: Mapping[str, Any], data_text: str) -> str:
    """An event's canonical text from its fields (``FIELDS`` but ``data``; times as ``datetime``
    or already as canonical UTC text) and the data's ``jsonb`` text as PostgreSQL wrote it."""
    items = [_item(event[name]) for name in FIELDS[:-1]]
    return "[" + ", ".join([*items, data_text]) + "]"


def link(prev: bytes, canonical: str) -> bytes:
    """An event's hash: ``sha256(prev ‖ canonical bytes)``."""
    return hashlib.sha256(prev + canonical.encode("utf-8")).digest()


def data_text(value: Any) -> str:
    """The ``jsonb`` text of a JSON value without floats (objects' keys sorted by length, then
    bytes; ``", "`` and ``": "`` between items)."""
    if isinstance(value, dict):
        keys = sorted(value, key=lambda k: (len(k.encode("utf-8")), k.encode("utf-8")))
        return "{" + ", ".join(f"{json_string(k)}: {data_text(value[k])}" for k in keys) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(data_text(v) for v in value) + "]"
    return _item(value)


# ---------------------------------------------------------------- the checkpoint

MESSAGE_PREFIX = b"minzheng chain checkpoint v1\n"


def leaf(stream_id: str, version: int, digest: bytes) -> bytes:
    """A stream's head as a leaf: ``sha256(0x00 ‖ id ‖ 0x00 ‖ version, 8 bytes big-endian ‖ hash)``."""
    body = b"\x00" + stream_id.encode("utf-8") + b"\x00" + version.to_bytes(8, "big") + digest
    return hashlib.sha256(body).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def merkle_root(leaves: Sequence[bytes]) -> bytes:
    """Leaves in stream-id order, nodes ``sha256(0x01 ‖ left ‖ right)``, an odd last node carried
    up; no leaves: ``sha256(b"")``."""
    if not leaves:
        return hashlib.sha256(b"").digest()
    level = list(leaves)
    while len(level) > 1:
        pairs = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = pairs + ([level[-1]] if len(level) % 2 else [])
    return level[0]


def merkle_path(leaves: Sequence[bytes], index: int) -> list[tuple[str, bytes]]:
    """The siblings from leaf ``index`` up to the root: ``("L" | "R", hash)`` each."""
    path: list[tuple[str, bytes]] = []
    level = list(leaves)
    while len(level) > 1:
        if index % 2 == 1:
            path.append(("L", level[index - 1]))
        elif index + 1 < len(level):
            path.append(("R", level[index + 1]))
        pairs = [_node(level[i], level[i + 1]) for i in range(0, len(level) - 1, 2)]
        level = pairs + ([level[-1]] if len(level) % 2 else [])
        index //= 2
    return path


def root_of_path(start: bytes, path: Sequence[tuple[str, bytes]]) -> bytes:
    node = start
    for side, sibling in path:
        node = _node(sibling, node) if side == "L" else _node(node, sibling)
    return node


def signed_json(service: str, taken_at: datetime | str, streams: int, events: int, root: bytes) -> str:
    """The checkpoint's signed content: sorted keys, no spaces, the time in canonical UTC."""
    when = taken_at if isinstance(taken_at, str) else utc_text(taken_at)
    body = {"events": events, "root": root.hex(), "service": service, "streams": streams, "taken_at": when}
    return json.dumps(body, sort_keys=True, separators=(",", ":"))


# ---------------------------------------------------------------- Ed25519 verification (RFC 8032)

_P = 2**255 - 19
_L = 2**252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_SQRT_M1 = pow(2, (_P - 1) // 4, _P)

Point = tuple[int, int, int, int]


def _recover_x(y: int, sign: int) -> int | None:
    if y >= _P:
        return None
    x2 = (y * y - 1) * pow(_D * y * y + 1, _P - 2, _P) % _P
    if x2 == 0:
        return None if sign else 0
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _SQRT_M1 % _P
    if (x * x - x2) % _P != 0:
        return None
    if (x & 1) != sign:
        x = _P - x
    return x


def _add(a: Point, b: Point) -> Point:
    p1 = (a[1] - a[0]) * (b[1] - b[0]) % _P
    p2 = (a[1] + a[0]) * (b[1] + b[0]) % _P
    p3 = 2 * a[3] * b[3] * _D % _P
    p4 = 2 * a[2] * b[2] % _P
    e, f, g, h = p2 - p1, p4 - p3, p4 + p3, p2 + p1
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s: int, point: Point) -> Point:
    out: Point = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            out = _add(out, point)
        point = _add(point, point)
        s >>= 1
    return out


def _equal(a: Point, b: Point) -> bool:
    return (a[0] * b[2] - b[0] * a[2]) % _P == 0 and (a[1] * b[2] - b[1] * a[2]) % _P == 0


def _decompress(raw: bytes) -> Point | None:
    if len(raw) != 32:
        return None
    y = int.from_bytes(raw, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    x = _recover_x(y, sign)
    return None if x is None else (x, y, 1, x * y % _P)


_GY = 4 * pow(5, _P - 2, _P) % _P
_GX = _recover_x(_GY, 0)
assert _GX is not None
_G: Point = (_GX, _GY, 1, _GX * _GY % _P)


def ed25519_verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is ``public``'s Ed25519 signature of ``message`` (RFC 8032 §5.1.7)."""
    if len(public) != 32 or len(signature) != 64:
        return False
    a = _decompress(public)
    r = _decompress(signature[:32])
    if a is None or r is None:
        return False
    s = int.from_bytes(signature[32:], "little")
    if s >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(signature[:32] + public + message).digest(), "little") % _L
    return _equal(_mul(s, _G), _add(r, _mul(h, a)))


# ---------------------------------------------------------------- the bundle


def verify_bundle(bundle: Mapping[str, Any], trusted_key: bytes | None = None) -> tuple[list[str], list[str]]:
    """(what holds, what is wrong) for a bundle."""
    ok: list[str] = []
    wrong: list[str] = []
    if bundle.get("format") != FORMAT:
        return ok, [f"not a {FORMAT} file"]
    cp = bundle["checkpoint"]
    public = bytes.fromhex(cp["public_key"])
    root = bytes.fromhex(cp["root"])
    message = (
        MESSAGE_PREFIX
        + signed_json(cp["service"], cp["taken_at"], cp["streams"], cp["events"], root).encode()
    )
    if trusted_key is not None and public != trusted_key:
        wrong.append("the checkpoint is signed with another key than the one given")
    if ed25519_verify(public, message, bytes.fromhex(cp["signature"])):
        source = "the given key" if trusted_key is not None else "the key in the bundle (no --key given)"
        ok.append(f"checkpoint of {cp['taken_at']} ({cp['streams']} streams) signed by {source}")
    else:
        wrong.append("the checkpoint's signature does not verify")
    for stream in bundle["streams"]:
        sid = stream["stream_id"]
        prev = b""
        hashes: dict[int, bytes] = {}
        broken = False
        for n, event in enumerate(stream["events"], start=1):
            if event["version"] != n or event["stream_id"] != sid:
                wrong.append(f"{sid}: event {n} is out of place (version {event['version']})")
                broken = True
                break
            if json.loads(event["data_text"]) != event["data"]:
                wrong.append(f"{sid} v{n}: the data shown is not the data hashed")
                broken = True
            if bytes.fromhex(event["prev_hash"]) != prev:
                wrong.append(f"{sid} v{n}: does not link to the event before it")
                broken = True
            digest = link(prev, canonical_text(event, event["data_text"]))
            if digest.hex() != event["hash"]:
                wrong.append(f"{sid} v{n}: the content does not give its hash")
                broken = True
            prev = bytes.fromhex(event["hash"])
            hashes[n] = prev
        proof = bundle["proofs"].get(sid)
        if proof is None:
            wrong.append(f"{sid}: no proof in the checkpoint (exported before the stream existed?)")
            continue
        path = [(side, bytes.fromhex(h)) for side, h in proof["path"]]
        head = bytes.fromhex(proof["hash"])
        if root_of_path(leaf(sid, proof["version"], head), path) != root:
            wrong.append(f"{sid}: its head is not in the signed checkpoint")
        elif hashes.get(proof["version"]) != head:
            wrong.append(
                f"{sid}: the events are not those the checkpoint signed at version {proof['version']}"
            )
        elif not broken:
            ok.append(f"{sid}: {len(hashes)} events chained, version {proof['version']} signed")
    return ok, wrong


def main(argv: Sequence[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    with open(argv[0], encoding="utf-8") as f:
        bundle = json.load(f)
    key = bytes.fromhex(argv[argv.index("--key") + 1]) if "--key" in argv else None
    ok, wrong = verify_bundle(bundle, key)
    for line in ok:
        print(f"OK    {line}")
    for line in wrong:
        print(f"WRONG {line}")
    print("bundle verified" if not wrong else f"bundle NOT verified: {len(wrong)} problems")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
