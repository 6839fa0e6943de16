"""Logs are JSON with service, correlation and trace ids, and never show a resident ID in clear."""

from __future__ import annotations

import json

import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider

from minzheng_eventstore.observability import (
    configure_logging,
    continued_trace,
    current_traceparent,
    mask_resident_ids,
)

ID = "11010519491231002X"  # the GB 11643 standard's own example


def test_mask_resident_ids_in_any_text() -> None:
    assert mask_resident_ids(f"applicant {ID} and 330727199001011234.") == (
        "applicant 110105********002X and 330727********1234."
    )
    # phone numbers and longer digit runs are left alone
    assert mask_resident_ids("13812345678 / 1234567890123456789012") == "13812345678 / 1234567890123456789012"


def test_log_lines_are_json_with_context_and_masked(capsys: pytest.CaptureFixture[str]) -> None:
    trace.set_tracer_provider(TracerProvider())
    configure_logging("assistance")
    structlog.contextvars.bind_contextvars(correlation_id="c0ffee00-0000-4000-8000-000000000001")
    log = structlog.get_logger("test")
    with trace.get_tracer("t").start_as_current_span("command"):
        log.info("household.applied", applicant=ID, members=[{"id": ID}], note=f"see {ID}")
    structlog.contextvars.unbind_contextvars("correlation_id")
    line = capsys.readouterr().err.strip().splitlines()[-1]
    record = json.loads(line)
    assert ID not in line
    assert record["applicant"] == "110105********002X"
    assert record["members"] == [{"id": "110105********002X"}]
    assert record["service"] == "assistance"
    assert record["correlation_id"] == "c0ffee00-0000-4000-8000-000000000001"
    assert len(record["trace_id"]) == 32 and len(record["span_id"]) == 16
    structlog.reset_defaults()


def test_traceparent_round_trip() -> None:
    trace.set_tracer_provider(TracerProvider())
    with trace.get_tracer("t").start_as_current_span("producer") as span:
        parent = current_traceparent()
        trace_id = span.get_span_context().trace_id
    assert parent is not None and parent.startswith("00-")
    with continued_trace(parent), trace.get_tracer("t").start_as_current_span("consumer") as child:
        assert child.get_span_context().trace_id == trace_id


def test_stdlib_and_uvicorn_records_and_their_tracebacks_are_masked_too(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import logging
    import sys

    saved = logging.getLogger().handlers[:], sys.excepthook
    configure_logging("assistance")
    try:
        raise RuntimeError(f"duplicate key\nDETAIL:  Key (resident_id, grp)=({ID}, dibao) already exists.")
    except RuntimeError:
        logging.getLogger("uvicorn.error").exception("Exception in ASGI application")
    logging.getLogger("asyncpg").warning("statement for %s failed", ID)
    lines = capsys.readouterr().err.strip().splitlines()
    assert lines and all(ID not in line for line in lines)
    records = [json.loads(line) for line in lines]
    assert records[0]["event"] == "Exception in ASGI application"
    assert "110105********002X" in records[0]["exception"]
    assert records[1]["event"] == "statement for 110105********002X failed"
    assert {r["service"] for r in records} == {"assistance"}
    structlog.reset_defaults()
    logging.getLogger().handlers[:], sys.excepthook = saved
