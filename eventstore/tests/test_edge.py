"""The edge guard refuses, for every route, what no service accepts: oversized bodies, control,
bidi and zero-width characters, integers beyond bigint; and lets everything else through intact."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI, Request

from minzheng_eventstore.edge import EdgeGuard


def app() -> FastAPI:
    api = FastAPI()
    api.add_middleware(EdgeGuard, max_body=10_000)

    @api.post("/echo")
    async def echo(body: dict[str, Any]) -> dict[str, Any]:
        return body

    @api.get("/find")
    async def find(q: str = "") -> dict[str, str]:
        return {"q": q}

    return api


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app()), base_url="http://t") as client:
        yield client


async def refused(response: httpx.Response, status: int, code: str, field: str | None) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"]["code"] == code
    assert response.json()["error"]["field"] == field


async def test_ordinary_requests_pass_through_intact(http: httpx.AsyncClient) -> None:
    body = {"name": "王小明", "notes": "第一行\n第二行\t完", "amount_fen": 2**63 - 1, "n": -(2**63)}
    response = await http.post("/echo", json=body)
    assert response.status_code == 200 and response.json() == body
    assert (await http.get("/find", params={"q": "三十"})).json() == {"q": "三十"}


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("a\x00b", "NUL"),
        ("王\u202e明", "bidi override"),
        ("王\u200b明", "zero width"),
        ("x\x1b[2J", "escape"),
    ],
)
async def test_forbidden_characters_are_refused_naming_the_field(
    http: httpx.AsyncClient, text: str, label: str
) -> None:
    response = await http.post("/echo", json={"members": [{"name": "ok"}, {"name": text}]})
    await refused(response, 422, "forbidden_character", "members.1.name")
    await refused(await http.get("/find", params={"q": text}), 422, "forbidden_character", "q")


@pytest.mark.parametrize("number", [2**63, -(2**63) - 1, 10**30])
async def test_integers_beyond_bigint_are_refused(http: httpx.AsyncClient, number: int) -> None:
    response = await http.post("/echo", content=f'{{"stock": {{"quantity": {number}}}}}'.encode())
    await refused(response, 422, "integer_out_of_range", "stock.quantity")


async def test_an_oversized_body_is_refused_before_it_is_read(http: httpx.AsyncClient) -> None:
    await refused(await http.post("/echo", json={"x": "y" * 20_000}), 413, "body_too_large", None)

    async def chunks() -> AsyncIterator[bytes]:  # no content-length: counted as it arrives
        yield b'{"x": "'
        for _ in range(100):
            yield b"y" * 1000
        yield b'"}'

    response = await http.post("/echo", content=chunks(), headers={"content-type": "application/json"})
    await refused(response, 413, "body_too_large", None)


async def test_a_body_that_is_not_json_is_refused_in_the_error_shape(http: httpx.AsyncClient) -> None:
    response = await http.post("/echo", content=b"\x0e+3bj\xff", headers={"content-type": "application/json"})
    await refused(response, 400, "invalid_json", None)


async def test_with_an_authenticator_a_caller_without_a_good_token_learns_nothing_of_the_input() -> None:
    async def authenticate(token: str) -> str:
        if token != "good":
            raise ValueError("no")
        return "official-1"

    api = FastAPI()
    api.add_middleware(EdgeGuard, authenticate=authenticate, public=lambda path: path == "/health")

    @api.post("/echo")
    async def echo(request: Request, body: dict[str, Any]) -> dict[str, Any]:
        return {"caller": request.state.principal, **body}

    @api.get("/health")
    async def health() -> dict[str, str]:
        return {"status": "ok"}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=api), base_url="http://t") as http:
        bad_input = {"name": "a\x00b", "n": 10**30}
        for headers in ({}, {"authorization": "Bearer bad"}, {"authorization": "Basic Z29vZA=="}):
            await refused(
                await http.post("/echo", json=bad_input, headers=headers), 401, "unauthenticated", None
            )
        good = {"authorization": "Bearer good"}
        await refused(
            await http.post("/echo", json=bad_input, headers=good), 422, "forbidden_character", "name"
        )
        assert (await http.post("/echo", json={"x": 1}, headers=good)).json() == {
            "caller": "official-1",
            "x": 1,
        }
        assert (await http.get("/health")).status_code == 200
