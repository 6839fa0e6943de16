"""Bearer tokens verified against the issuer's JWKS (the stack's local issuer, over HTTP); keys
rotate without a restart."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from minzheng_eventstore.identity import OidcSettings, Role, TokenVerifier, Unauthenticated
from minzheng_infra.issuer import LocalIssuer


@pytest.fixture
def issuer(tmp_path: Path):  # type: ignore[no-untyped-def]
    local = LocalIssuer(tmp_path, 0)
    local.start()
    yield local
    local.stop()


def verifier(issuer: LocalIssuer) -> TokenVerifier:
    return TokenVerifier(OidcSettings(issuer.url, f"{issuer.url}/jwks.json"), refresh_cooldown=0)


async def test_a_minted_token_verifies_to_its_subject_roles_and_division(issuer: LocalIssuer) -> None:
    token = issuer.mint(
        subject="official-17", roles=["township-caseworker", "unknown-role"], division="330727101"
    )
    who = await verifier(issuer).verify(token)
    assert who.subject == "official-17"
    assert who.roles == frozenset({Role.TOWNSHIP_CASEWORKER})
    assert who.within("330727101201") and not who.within("330727102201")


async def test_keys_rotate_without_a_restart(issuer: LocalIssuer) -> None:
    check = verifier(issuer)
    before = issuer.mint(subject="a", roles=["auditor"], division="330727")
    assert (await check.verify(before)).subject == "a"
    issuer.rotate()
    after = issuer.mint(subject="b", roles=["auditor"], division="330727")
    assert (await check.verify(after)).subject == "b"  # an unknown key id: the JWKS is fetched again
    assert (await check.verify(before)).subject == "a"  # the old key is still published


@pytest.mark.parametrize("problem", ["expired", "other audience", "other issuer", "tampered", "not a jwt"])
async def test_tokens_that_do_not_verify_are_refused(
    issuer: LocalIssuer, tmp_path: Path, problem: str
) -> None:
    other = LocalIssuer(tmp_path / "other", 0)
    token = {
        "expired": lambda: issuer.mint(
            subject="a", roles=[], division="330727", now=time.time() - 10_000, ttl=60
        ),
        "other audience": lambda: issuer.mint(subject="a", roles=[], division="330727", audience="elsewhere"),
        "other issuer": lambda: other.mint(subject="a", roles=[], division="330727"),
        "tampered": lambda: issuer.mint(subject="a", roles=[], division="330727")[:-4] + "AAAA",
        "not a jwt": lambda: "hello",
    }[problem]()
    with pytest.raises(Unauthenticated):
        await verifier(issuer).verify(token)
