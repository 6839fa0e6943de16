"""The eldercare service starts on the real stack with the county's allowance standards, and the
configuration area refuses a standard out of its bounds with nothing written."""

from __future__ import annotations

from .conftest import Running


async def test_the_demo_county_has_its_allowance_bands(eldercare: Running) -> None:
    body = (await eldercare.http.get("/standards", params={"parameter": "allowance.band."})).json()
    rows = {(r["parameter"], r["effective_from"]): r["value"] for r in body}
    assert rows[("allowance.band.80", "2024-01-01")] == 10_000
    assert rows[("allowance.band.80", "2025-01-01")] == 12_000
    assert rows[("allowance.band.100", "2024-01-01")] == 30_000


async def test_a_band_above_its_ceiling_is_refused_and_nothing_is_written(eldercare: Running) -> None:
    before = await eldercare.fetchval("SELECT count(*) FROM events")
    response = await eldercare.http.post(
        "/standards",
        json={
            "parameter": "allowance.band.90",
            "jurisdiction": "330727",
            "effective_from": "2027-01-01",
            "value": 10_000_001,
        },
    )
    assert response.status_code == 422, response.text
    assert "value" in response.text
    assert await eldercare.fetchval("SELECT count(*) FROM events") == before
