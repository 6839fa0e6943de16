"""No input to the centres and subsidies routes gets a 5xx: each documented example with every
field dropped, or replaced by each value of a hostile pool (nulls, wrong types, huge numbers,
impossible dates, control characters, very long text), and the list routes' query parameters
likewise; on a service with a planned, an accepted centre, a round and a private home."""

from __future__ import annotations

from typing import Any

from minzheng_eventstore.testing import request_example

from .conftest import Running
from .test_centres_lifecycle import accepted_centre, plan
from .test_centres_subsidies import a_round
from .test_subsidies_private import institution

POOL: tuple[Any, ...] = (
    None,
    True,
    -1,
    0,
    2**63,
    10**30,
    1.5,
    "",
    "x" * 5000,
    "2026-02-30",
    "9999-12-31",
    "\x00",
    "330727",
    "' OR 1=1 --",
    [],
    {},
    {"self_care": 10**20},
)


def mutations(example: dict[str, Any]) -> list[Any]:
    out: list[Any] = [None, [], "x", {}]
    for key in example:
        out.append({k: v for k, v in example.items() if k != key})
        out += [{**example, key: value} for value in POOL]
    return out


async def test_no_body_or_query_gets_a_5xx(eldercare: Running) -> None:
    spec = (await eldercare.http.get("/openapi.json")).json()
    await a_round(eldercare)
    planned = await plan(eldercare)
    accepted = await accepted_centre(eldercare)
    home = await institution(eldercare)
    targets = {
        "/care-centres": ["/care-centres"],
        "/care-centres/{centre_id}/built": [f"/care-centres/{planned}/built"],
        "/care-centres/{centre_id}/accepted": [f"/care-centres/{planned}/accepted"],
        "/care-centres/{centre_id}/operating": [f"/care-centres/{accepted}/operating"],
        "/care-centres/{centre_id}/subsidies": [
            f"/care-centres/{accepted}/subsidies",
            "/care-centres/%00/subsidies",
        ],
        "/subsidy-rounds": ["/subsidy-rounds"],
        "/institutions/{institution_id}/operating-subsidies": [
            f"/institutions/{home}/operating-subsidies",
            f"/institutions/{'x' * 300}/operating-subsidies",
        ],
    }
    tried = 0
    for documented, urls in targets.items():
        example = request_example(spec, "post", documented)
        assert example is not None, documented
        for url in urls:
            for body in mutations(example):
                response = await eldercare.post(url, body)
                assert response.status_code < 500, (url, body, response.text)
                tried += 1
    queries = {
        "township": "330727101",
        "status": "planned",
        "kind": "meals",
        "year": 2026,
        "offset": 0,
        "limit": 5,
    }
    for path, keys in (
        ("/care-centres", ("township", "status", "offset", "limit")),
        ("/care-centres/figures", ("township",)),
        ("/subsidies", ("township", "kind", "year", "offset", "limit")),
        ("/subsidies/totals", ("township", "year")),
    ):
        for key in keys:
            for value in POOL:
                if isinstance(value, (list, dict)) or value is None:
                    continue
                params = {k: queries[k] for k in keys} | {key: value}
                response = await eldercare.get(path, expect=None, **params)
                assert response.status_code < 500, (path, params, response.text)
                tried += 1
    for url in (
        "/care-centres/%00",
        "/care-centres/" + "9" * 400,
        "/subsidy-rounds/%00",
        "/subsidy-rounds/" + "r" * 400,
    ):
        assert (await eldercare.get(url, expect=None)).status_code < 500
    assert tried > 600
