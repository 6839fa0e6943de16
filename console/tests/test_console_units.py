"""The console's pure parts: the cookie's signature, the token's claims for display, the
configuration, the words of both languages, the board's order and cut, the merged deadlines and a
case's path with its waits."""

from __future__ import annotations

import asyncio
import base64
import json
import re
from pathlib import Path

import pytest

from minzheng_console import views
from minzheng_console.auth import session_of, sign, unsign
from minzheng_console.board_cache import BoardCache
from minzheng_console.client import Answer
from minzheng_console.config import ConfigError, Settings, parse_services
from minzheng_console.i18n import STRINGS, kind_label

TEMPLATES = Path(views.__file__).parent / "templates"


def _jwt(claims: dict[str, object]) -> str:
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).decode().rstrip("=")  # noqa: E731
    return f"{part({'alg': 'ES256'})}.{part(claims)}.c2ln"


def test_a_cookie_is_read_back_only_with_the_key_that_signed_it() -> None:
    token = _jwt({"sub": "duty-1", "roles": ["operator"], "division": "330727", "exp": 4_000_000_000})
    value = sign(token, b"key")
    assert unsign(value, b"key") == token
    assert unsign(value, b"other") is None
    body, _, mac = value.rpartition(".")
    assert unsign(f"{body}x.{mac}", b"key") is None
    assert unsign("garbage", b"key") is None and unsign("a.b", b"key") is None


def test_the_token_is_read_for_display_and_a_non_token_is_refused() -> None:
    found = session_of(
        "Bearer " + _jwt({"sub": "a-1", "roles": ["auditor", "operator"], "division": "330727"})
    )
    assert found is not None
    assert (found.subject, found.roles, found.division, found.expired) == (
        "a-1",
        ("auditor", "operator"),
        "330727",
        False,
    )
    assert found.headers["authorization"].startswith("Bearer ey")
    assert session_of("not a token") is None and session_of("a.b.c") is None
    assert session_of(_jwt({"sub": "old", "exp": 1})).expired  # type: ignore[union-attr]


def test_services_from_the_environment() -> None:
    assert parse_services(" registry=http://127.0.0.1:8104/ ,disaster=http://h:1") == {
        "registry": "http://127.0.0.1:8104",
        "disaster": "http://h:1",
    }
    for bad in ("registry", "registry=ftp://x", "=http://x", ""):
        with pytest.raises(ConfigError):
            parse_services(bad)
    default = Settings.from_env({})
    assert default.services["disaster"] == "http://127.0.0.1:8102" and len(default.secret) == 32
    chosen = Settings.from_env(
        {"CONSOLE_SECRET": "s", "CONSOLE_POLL_SECONDS": "2", "CONSOLE_BOARD_ROWS": "5"}
    )
    assert (chosen.secret, chosen.poll_seconds, chosen.board_rows) == (b"s", 2.0, 5)
    with pytest.raises(ConfigError):
        Settings.from_env({"CONSOLE_POLL_SECONDS": "0"})


def test_every_word_the_templates_use_is_in_both_languages() -> None:
    used: set[str] = set()
    for template in TEMPLATES.glob("*.html"):
        used |= set(re.findall(r"\bt\('([a-z_.]+)'\)", template.read_text()))
        for prefix in re.findall(r"\bt\('([a-z_]+\.)' ~", template.read_text()):
            used |= {k for k in STRINGS["zh"] if k.startswith(prefix)}
    assert len(used) > 100
    for lang in ("zh", "en"):
        assert used - set(STRINGS[lang]) == set(), lang
    assert set(STRINGS["zh"]) == set(STRINGS["en"])
    for prefix in ("problem.", "outcome.", "state."):
        assert {k for k in STRINGS["zh"] if k.startswith(prefix)}
    assert kind_label("divorce-lapse", "zh") == "离婚冷静期"
    assert kind_label("placement-report", "en") == "veteran placement reporting"
    assert kind_label("something-new", "zh") == "something-new"


def _household(name: str, outcome: str, at_risk: bool, deadline: str) -> dict[str, object]:
    return {
        "household": f"affected-{name}",
        "head_name": name,
        "head_id": "330727********1234",
        "village": "330727101201",
        "vulnerable": False,
        "outcome": outcome,
        "at_risk": at_risk,
        "deadline": deadline,
        "seconds_left": 60 if outcome == "pending" else None,
    }


def test_the_board_puts_breaches_then_risks_first_and_cuts_each_township() -> None:
    board = {
        "generated_at": "2026-07-14T06:00:00+08:00",
        "incidents": [
            {
                "incident_id": "new",
                "title": "new",
                "counts": {},
                "townships": [
                    {
                        "township": "330727101",
                        "name": None,
                        "households": [
                            _household("met", "met", False, "2026-07-14T01:00:00+00:00"),
                            _household("later", "pending", False, "2026-07-14T03:00:00+00:00"),
                            _household("soon", "pending", True, "2026-07-14T02:00:00+00:00"),
                        ],
                    }
                ],
            },
            {
                "incident_id": "old",
                "title": "old",
                "counts": {},
                "townships": [
                    {"township": "330727102", "name": "甲镇", "households": []},
                    {
                        "township": "330727103",
                        "name": None,
                        "households": [_household("late", "breached", False, "2026-07-13T01:00:00+00:00")],
                    },
                ],
            },
        ],
    }
    shaped = views.shape_board(board, rows=2)
    assert [i.incident_id for i in shaped] == ["old", "new"]
    assert [t.township for t in shaped[0].townships] == ["330727103", "330727102"]
    new = shaped[1].townships[0]
    assert [h["head_name"] for h in new.households] == ["soon", "later"] and new.hidden == 1
    assert new.counts == {"breached": 0, "at_risk": 1, "pending": 2, "met": 1}
    opened = views.shape_board(board, rows=2, expand=["new:330727101"])
    assert len(opened[1].townships[0].households) == 3 and opened[1].townships[0].expanded
    found = views.shape_board(board, rows=2, query="LATE")
    assert [[h["head_name"] for t in i.townships for h in t.households] for i in found] == [
        ["late"],
        ["later"],
    ]


def test_deadlines_of_every_service_merged_overdue_then_at_risk_first() -> None:
    def item(kind: str, state: str, at_risk: bool, due: str) -> dict[str, object]:
        return {"kind": kind, "subject": kind, "state": state, "at_risk": at_risk, "due_at": due}

    merged = views.merge_deadlines(
        [
            Answer(
                "registry", 200, {"items": [item("divorce-lapse", "pending", False, "2026-01-01T00:00:00Z")]}
            ),
            Answer(
                "veterans",
                200,
                {"items": [item("placement-report", "pending", True, "2026-09-01T00:00:00Z")]},
            ),
            Answer(
                "eldercare",
                200,
                {"items": [item("rectification-deadline", "overdue", False, "2026-12-01T00:00Z")]},
            ),
            Answer("ghost", None, error="unreachable"),
        ]
    )
    assert [(d["service"], d["kind"]) for d in merged] == [
        ("eldercare", "rectification-deadline"),
        ("veterans", "placement-report"),
        ("registry", "divorce-lapse"),
    ]


def test_a_path_across_services_with_its_waits() -> None:
    produced = {"event_id": "e1", "stream_id": "death-1", "event_type": "DeathRegistered",
                "recorded_at": "2026-05-12T01:00:00+00:00", "correlation_id": "c"}  # fmt: skip
    caused = {"event_id": "e2", "stream_id": "ent-1", "event_type": "EntitlementCancelled",
              "recorded_at": "2026-05-12T01:00:01+00:00", "correlation_id": "c"}  # fmt: skip
    consumed = {"consumer": "veterans-deaths-v1", "message_event_id": "e1", "subject": "registry.death",
                "consumed_at": "2026-05-12T01:00:00.250000+00:00", "caused": ["e2"]}  # fmt: skip
    traces = [
        Answer("registry", 200, {"events": [produced], "consumed": []}),
        Answer("veterans", 200, {"events": [caused], "consumed": [consumed]}),
        Answer("eldercare", 503, error="store_unavailable"),
    ]
    [hop] = views.path("c", traces)
    assert hop.producer is not None and hop.producer.service == "registry"
    assert hop.consumer_service == "veterans" and hop.wait_seconds == pytest.approx(0.25)
    assert [c.event_type for c in hop.caused] == ["EntitlementCancelled"]
    assert views.duration(hop.wait_seconds) == "0.250 s" and views.duration(754) == "12 min 34 s"
    line = views.timeline(views.entries_of(a) for a in traces + traces)
    assert [e.event_type for e in line] == ["DeathRegistered", "EntitlementCancelled"]
    assert [a.service for a in views.failures(traces)] == ["eldercare"]
    assert views.hms(3725) == "01:02:05" and views.hms(-61) == "-00:01:01"
    assert views.local_time("2026-05-12T01:00:00+00:00") == "2026-05-12 09:00:00"


async def test_the_board_is_fetched_once_for_concurrent_requests_and_held_for_page_loads() -> None:
    calls = 0

    async def fetch(headers: object, variant: str) -> Answer:
        nonlocal calls
        calls += 1
        await asyncio.sleep(0.05)
        return Answer("disaster", 200, {"n": calls})

    cache = BoardCache(fetch)
    me = {"authorization": "Bearer a"}
    answers = await asyncio.gather(*(cache.get(me, "top", max_age=0.5) for _ in range(5)))
    assert calls == 1 and {a.data["n"] for a in answers} == {1}
    assert (await cache.get(me, "top", max_age=5)).data == {"n": 1} and calls == 1
    assert cache.held(me, "top", max_age=5) is not None and calls == 1
    await asyncio.sleep(0.06)
    assert (await cache.get(me, "top", max_age=0.01)).data == {"n": 2}
    other = {"authorization": "Bearer b"}
    assert (await cache.get(other, "top", max_age=5)).data == {"n": 3}  # another user
    assert cache.held(me, "all", max_age=5) is None  # not held yet: its fetch started
    assert (await cache.get(me, "all", max_age=5)).data == {"n": 4} and calls == 4
