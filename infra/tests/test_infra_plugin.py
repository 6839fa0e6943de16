"""The pytest plugin's fixtures against the real stack."""

from __future__ import annotations

import asyncio

import asyncpg
from nats.aio.client import Client as NATS

from minzheng_infra.stack import EmbeddedStack


async def test_fixtures_are_usable(stack: EmbeddedStack, fresh_database: str, nats_admin: NATS) -> None:
    conn = await asyncpg.connect(fresh_database)
    try:
        assert await conn.fetchval("SELECT current_setting('fsync')") == "on"
        assert await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'") == 0
    finally:
        await conn.close()
    js = nats_admin.jetstream()
    info = await js.stream_info("ASSISTANCE")
    assert info.config.subjects == ["assistance.>"]
    env = stack.env_for("assistance")
    assert set(env) == {
        "ASSISTANCE_DATABASE_URL",
        "ASSISTANCE_NATS_URL",
        "ASSISTANCE_OIDC_ISSUER",
        "ASSISTANCE_PSEUDONYM_KEY",
        "SERVICE_NAME",
    }
    # the stack's local issuer answers with its JWKS
    import json
    import urllib.request

    def jwks() -> dict:  # type: ignore[type-arg]
        with urllib.request.urlopen(f"{env['ASSISTANCE_OIDC_ISSUER']}/jwks.json", timeout=5) as answer:
            return json.load(answer)  # type: ignore[no-any-return]

    assert (await asyncio.to_thread(jwks))["keys"][0]["alg"] == "ES256"
