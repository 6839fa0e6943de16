"""infra/streams.toml and infra/services.toml declare what the brief says."""

from __future__ import annotations

from minzheng_infra.config import load_services, load_streams
from minzheng_infra.credentials import Credentials
from minzheng_infra.stack import nats_config_for

SERVICES = ["assistance", "disaster", "veterans", "registry", "eldercare"]


def test_one_stream_per_producing_service_plus_deadletter() -> None:
    streams = {s.name: s for s in load_streams()}
    assert set(streams) == {"ASSISTANCE", "DISASTER", "VETERANS", "REGISTRY", "ELDERCARE", "DEADLETTER"}
    for name, spec in streams.items():
        assert spec.subjects == (f"{name.lower()}.>",)
        assert spec.storage == "file"
        assert spec.retention == "limits"
        assert spec.duplicate_window_seconds == 120
        assert spec.max_age_seconds == 0
        assert spec.replicas == 1


def test_prod_profile_replicates_three_times() -> None:
    assert {s.replicas for s in load_streams(profile="prod")} == {3}


def test_services() -> None:
    services = load_services()
    assert [s.name for s in services] == SERVICES
    for port, spec in enumerate(services, start=8101):
        assert spec.package == f"minzheng_{spec.name}"
        assert spec.http_port == port
        assert spec.database == spec.name == spec.nats_user == spec.db_role
        assert spec.publish == (f"{spec.name}.>",)
        assert spec.env_prefix == spec.name.upper()


def test_nats_users_publish_only_to_their_own_subjects() -> None:
    services = load_services()
    creds = Credentials(services={s.name: f"pw-{s.name}" for s in services})
    config = nats_config_for(services, creds, monitor_port=8222)
    users = {u.name: u for u in config.users}
    assert set(users) == {"admin", *SERVICES}
    assert users["admin"].publish_allow == (">",)
    assistance = users["assistance"]
    assert assistance.publish_allow[:4] == (
        "assistance.>",
        "deadletter.assistance.>",
        "$JS.API.INFO",
        "$JS.API.STREAM.INFO.ASSISTANCE",
    )
    assert "$JS.API.CONSUMER.MSG.NEXT.REGISTRY.assistance-deaths-v1" in assistance.publish_allow
    assert not [p for p in assistance.publish_allow if "DELETE" in p or p in (">", "$JS.API.>", "_INBOX.>")]
    assert assistance.publish_deny == ()
    assert assistance.subscribe_allow == ("_INBOX_assistance.>",)
