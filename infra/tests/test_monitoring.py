"""The committed alert rules (infra/monitoring/alerts.yml) and Grafana dashboard
(infra/monitoring/grafana/minzheng.json): well formed, and naming only what ``/metrics`` exposes
(``minzheng_eventstore.scrape.EXPOSED_METRICS``), so that a renamed metric fails here instead of
silencing an alert. ``promtool check rules`` runs too when promtool is on the PATH."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml  # PyYAML (requirements-dev.txt)

from minzheng_eventstore import metrics
from minzheng_eventstore.scrape import EXPOSED_METRICS, SCRAPED

MONITORING = Path(__file__).resolve().parents[1] / "monitoring"
RULES = MONITORING / "alerts.yml"
RULE_TESTS = MONITORING / "alerts_test.yml"
DASHBOARD = MONITORING / "grafana" / "minzheng.json"

PROMQL_WORDS = frozenset(
    {
        # aggregations and functions used (add here when a rule uses another)
        "sum", "min", "max", "avg", "count", "topk", "bottomk", "rate", "increase", "delta",
        "irate", "histogram_quantile", "time", "absent", "changes", "resets", "clamp_min",
        # keywords
        "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless",
        "bool", "offset",
    }
)  # fmt: skip
LABELS = frozenset(
    {"service", "le"} | {label for family in SCRAPED.values() for label in family.labels}
    | {"command", "outcome", "reason", "code", "consumer"}  # the process registry's (metrics.py)
)  # fmt: skip
FAMILIES = frozenset(SCRAPED) | {family.name for family in metrics.REGISTRY.collect()}


def problems_of(expr: str) -> list[str]:
    """What is wrong with a PromQL expression, structurally: unbalanced brackets or quotes, a
    metric that ``/metrics`` does not expose, a grouping label no metric has, an unknown word."""
    found: list[str] = []
    if expr.count('"') % 2:
        return [f"unbalanced quotes: {expr}"]
    bare = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)  # string literals out
    stack: list[str] = []
    for char in bare:
        if char in "([{":
            stack.append(char)
        elif char in ")]}" and (not stack or "([{"[")]}".index(char)] != stack.pop()):
            return [f"unbalanced brackets: {expr}"]
    if stack:
        return [f"unbalanced brackets: {expr}"]
    for selector in re.findall(r"\{([^}]*)\}", bare):
        for label in re.findall(r"([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)", selector):
            if label not in LABELS:
                found.append(f"label {label!r} is not a label of any exposed metric")
    for grouping in re.findall(r"\b(?:by|on|without|ignoring)\s*\(([^)]*)\)", bare):
        for label in filter(None, (part.strip() for part in grouping.split(","))):
            if label not in LABELS:
                found.append(f"grouping label {label!r} is not a label of any exposed metric")
    outside = re.sub(r"\{[^}]*\}|\[[^\]]*\]", " ", bare)  # selectors and ranges out
    outside = re.sub(r"\b(?:by|on|without|ignoring)\s*\([^)]*\)", " ", outside)
    metrics_named = 0
    for word in re.findall(r"[a-zA-Z_:][\w:]*", outside):
        if word.startswith("mz_"):
            metrics_named += 1
            if word not in EXPOSED_METRICS:
                found.append(f"metric {word!r} is not exposed by /metrics")
        elif word not in PROMQL_WORDS:
            found.append(f"unknown word {word!r} (a metric /metrics does not expose?)")
    if not metrics_named:
        found.append(f"names no metric: {expr}")
    return found


def test_the_checker_catches_a_metric_that_is_not_exposed_and_broken_syntax() -> None:
    assert problems_of('sum by (service) (mz_deadlines{state="overdue"}) > 0') == []
    assert problems_of("mz_relay_lag > 0") == ["metric 'mz_relay_lag' is not exposed by /metrics"]
    assert problems_of("up == 0")[0].startswith("unknown word 'up'")
    assert problems_of("sum(rate(mz_commands_total[5m])")[0].startswith("unbalanced brackets")
    assert problems_of('mz_deadlines{townshp="1"}') == [
        "label 'townshp' is not a label of any exposed metric"
    ]


def _rules() -> list[dict[str, Any]]:
    document = yaml.safe_load(RULES.read_text(encoding="utf-8"))
    assert isinstance(document, dict) and isinstance(document.get("groups"), list)
    rules: list[dict[str, Any]] = []
    names = [group["name"] for group in document["groups"]]
    assert len(names) == len(set(names)), "group names are unique"
    for group in document["groups"]:
        assert set(group) <= {"name", "interval", "rules"} and group["rules"], group["name"]
        rules += group["rules"]
    return rules


def test_every_alert_rule_is_well_formed_and_names_exposed_metrics() -> None:
    rules = _rules()
    alerts = [rule["alert"] for rule in rules]
    assert len(alerts) == len(set(alerts)), "alert names are unique"
    for rule in rules:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations", "keep_firing_for"}, rule
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"]), rule["alert"]
        assert problems_of(rule["expr"]) == [], rule["alert"]
        if "for" in rule:
            assert re.fullmatch(r"\d+[smhd]", rule["for"]), rule["alert"]
        assert rule["labels"]["severity"] in {"critical", "warning", "info"}, rule["alert"]
        notes = rule["annotations"]
        assert set(notes) == {"summary", "description", "summary_en", "description_en"}, rule["alert"]
        assert re.search(r"[\u4e00-\u9fff]", notes["summary"] + notes["description"]), "Chinese"
        assert not re.search(r"[\u4e00-\u9fff]", notes["summary_en"] + notes["description_en"]), "English"


def test_the_alerts_the_duty_team_needs_are_there() -> None:
    from minzheng_disaster.application.streams import SLA_DEADLINE
    from minzheng_eldercare.application.inspections.streams import RECTIFICATION
    from minzheng_registry.application.burial.streams import RECTIFICATION as BURIAL_RECTIFICATION

    by_name = {rule["alert"]: rule for rule in _rules()}
    for needed in (
        "RelayLagHigh",
        "ConsumerStalled",
        "ConsumerMissing",
        "DeadLettersRising",
        "ReliefSlaBreached",
        "RectificationOverdue",
        "PaymentRunIncomplete",
    ):
        assert needed in by_name, needed
    assert by_name["RelayLagHigh"]["for"] == "10m"
    assert by_name["ConsumerStalled"]["for"] == "15m"
    assert by_name["PaymentRunIncomplete"]["for"] == "6h"
    # the deadline kinds the rules name are the services' own (a renamed kind fails here)
    assert f'kind="{SLA_DEADLINE}"' in by_name["ReliefSlaBreached"]["expr"]
    overdue = by_name["RectificationOverdue"]["expr"]
    assert RECTIFICATION in overdue and BURIAL_RECTIFICATION in overdue


def test_the_rules_unit_tests_cover_every_alert() -> None:
    tests = yaml.safe_load(RULE_TESTS.read_text(encoding="utf-8"))
    assert tests["rule_files"] == [RULES.name]
    tested = {case["alertname"] for test in tests["tests"] for case in test["alert_rule_test"]}
    assert tested == {rule["alert"] for rule in _rules()}
    for test in tests["tests"]:
        for series in test["input_series"]:
            assert problems_of(series["series"]) == [], series["series"]


@pytest.mark.skipif(
    shutil.which("promtool") is None and os.environ.get("MINZHENG_REQUIRE_PROMTOOL") != "1",
    reason="promtool is not installed (CI installs Debian's prometheus package and requires it)",
)
def test_promtool_accepts_the_rules_and_they_fire_as_their_unit_tests_say() -> None:
    promtool = shutil.which("promtool")
    assert promtool is not None, "MINZHENG_REQUIRE_PROMTOOL=1 and promtool is not on the PATH"
    for command in (["check", "rules", str(RULES)], ["test", "rules", str(RULE_TESTS)]):
        done = subprocess.run([promtool, *command], capture_output=True, text=True, cwd=MONITORING)
        assert done.returncode == 0, done.stdout + done.stderr


def _panels(dashboard: dict[str, Any]) -> list[dict[str, Any]]:
    panels: list[dict[str, Any]] = []
    for panel in dashboard["panels"]:
        panels.append(panel)
        panels += panel.get("panels", [])  # a collapsed row holds its panels
    return panels


def test_the_dashboard_is_valid_and_charts_every_exposed_metric() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["schemaVersion"] >= 38
    assert dashboard["uid"] and dashboard["title"]
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert "service" in variables and variables["service"]["type"] == "query"
    values = re.fullmatch(r"label_values\((\w+), *(\w+)\)", variables["service"]["definition"])
    assert values is not None and values[1] in EXPOSED_METRICS and values[2] == "service"
    panels = _panels(dashboard)
    ids = [panel["id"] for panel in panels]
    assert len(ids) == len(set(ids)), "panel ids are unique"
    used: set[str] = set()
    for panel in panels:
        assert {"h", "w", "x", "y"} <= set(panel["gridPos"]), panel["id"]
        assert panel["gridPos"]["x"] >= 0 and panel["gridPos"]["x"] + panel["gridPos"]["w"] <= 24
        if panel["type"] == "row":
            continue
        assert panel["targets"], f"panel {panel['id']} has no query"
        refs = [t["refId"] for t in panel["targets"]]
        assert len(refs) == len(set(refs)), panel["id"]
        for target in panel["targets"]:
            expr = target["expr"]
            assert "$service" in expr, f"panel {panel['id']} ignores the service variable"
            assert problems_of(expr.replace("$service", "x")) == [], panel["id"]
            used |= {
                family
                for family in FAMILIES
                if re.search(rf"\b{family}(?:_total|_bucket|_count|_sum)?\b", expr)
            }
    assert FAMILIES - used == set(), "every metric /metrics exposes has a panel"
