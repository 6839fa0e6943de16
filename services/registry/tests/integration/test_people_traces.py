"""Traces leave the service (to the county's collector): an HTTP span is named by the route's
template, never by the path, so a resident ID in a path (``/people/{resident_id}/…``) is not in it."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from minzheng_contracts import make_resident_id

if TYPE_CHECKING:
    from conftest import Running


async def test_an_http_span_is_named_by_the_route_not_the_path(registry: Running) -> None:
    trace.set_tracer_provider(TracerProvider())  # ignored if the session has one already
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    spans = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    person = make_resident_id("330727", date(1980, 1, 2), 19).reveal()
    await registry.get(f"/people/{person}/marital-status", expect=200)
    names = [s.name for s in spans.get_finished_spans()]
    assert "GET /people/{resident_id}/marital-status" in names, names
    assert not [n for n in names if person in n]
    spans.clear()
