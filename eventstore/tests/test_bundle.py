"""The audit bundle and its standalone verifier: standard library only, Ed25519 as the
cryptography library signs it, Merkle proofs, and each kind of tampering with the file refused."""

from __future__ import annotations

import ast
import asyncio
import copy
import json
import sys
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from hypothesis import given, settings
from hypothesis import strategies as st

from minzheng_eventstore import EventStore, standalone
from minzheng_eventstore.bundle import export
from minzheng_eventstore.checkpoints import public_bytes, signing_key
from minzheng_eventstore.standalone import (
    ed25519_verify,
    merkle_path,
    merkle_root,
    root_of_path,
    verify_bundle,
)

from .test_chain import _three_streams, ev

KEY = signing_key("a pseudonym secret of the deployment")
PUBLIC = public_bytes(KEY.public_key())


def test_the_verifier_imports_the_standard_library_only() -> None:
    tree = ast.parse(Path(standalone.__file__).read_text(encoding="utf-8"))
    imported = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "no relative imports"
            imported.add((node.module or "").split(".")[0])
    assert imported - {"__future__"} <= set(sys.stdlib_module_names), imported


@settings(max_examples=15, deadline=None)
@given(message=st.binary(max_size=200), flip=st.integers(min_value=0, max_value=511))
def test_pure_python_ed25519_agrees_with_the_cryptography_library(message: bytes, flip: int) -> None:
    key = Ed25519PrivateKey.generate()
    public = public_bytes(key.public_key())
    signature = key.sign(message)
    assert ed25519_verify(public, message, signature)
    forged = bytearray(signature)
    forged[flip // 8] ^= 1 << (flip % 8)
    assert not ed25519_verify(public, message, bytes(forged))
    assert not ed25519_verify(public, message + b"!", signature)


@given(count=st.integers(min_value=1, max_value=40))
def test_every_leaf_has_a_path_to_the_root(count: int) -> None:
    leaves = [bytes([i]) * 32 for i in range(count)]
    root = merkle_root(leaves)
    for i in range(count):
        assert root_of_path(leaves[i], merkle_path(leaves, i)) == root


async def _bundle(store: EventStore) -> dict[str, Any]:
    await _three_streams(store)
    await store.append(
        "b-1", "case", 5, [ev(6, text='带"引号"和\n换行', nested={"z": [1, None, True], "aa": "x"})]
    )
    return await export(store.pool, "case", KEY, ["a-1", "b-1"])


async def run_standalone(tmp_path: Path, bundle: dict[str, Any], *key: str) -> tuple[int, str]:
    file = tmp_path / "bundle.json"
    file.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-I", standalone.__file__, str(file), *key, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await process.communicate()
    return process.returncode or 0, out.decode()


async def test_a_bundle_verifies_with_the_standalone_script(store: EventStore, tmp_path: Path) -> None:
    bundle = await _bundle(store)
    status, out = await run_standalone(tmp_path, bundle, "--key", PUBLIC.hex())
    assert status == 0, out
    assert "b-1: 6 events chained, version 6 signed" in out and "bundle verified" in out


async def test_a_tampered_bundle_is_refused(store: EventStore, tmp_path: Path) -> None:
    bundle = await _bundle(store)
    assert verify_bundle(bundle, PUBLIC)[1] == []

    def tampered(change: Any) -> list[str]:
        copy_ = copy.deepcopy(bundle)
        change(copy_)
        return verify_bundle(copy_, PUBLIC)[1]

    def shown(b: dict[str, Any]) -> None:
        b["streams"][0]["events"][1]["data"] = {"n": 99}

    def hashed(b: dict[str, Any]) -> None:
        event = b["streams"][0]["events"][1]
        event["data"], event["data_text"] = {"n": 99}, '{"n": 99}'

    def dropped(b: dict[str, Any]) -> None:
        del b["streams"][1]["events"][2]

    def signature(b: dict[str, Any]) -> None:
        b["checkpoint"]["streams"] += 1

    assert tampered(shown) == ["a-1 v2: the data shown is not the data hashed"]
    assert "a-1 v2: the content does not give its hash" in tampered(hashed)
    assert tampered(dropped) == [
        "b-1: event 3 is out of place (version 4)",
        "b-1: the events are not those the checkpoint signed at version 6",
    ]
    assert "the checkpoint's signature does not verify" in tampered(signature)
    other = public_bytes(signing_key("another").public_key())
    assert "the checkpoint is signed with another key than the one given" in verify_bundle(bundle, other)[1]
    status, out = await run_standalone(tmp_path, copy.deepcopy(bundle) | {"format": "x"})
    assert status == 1 and "NOT verified" in out
