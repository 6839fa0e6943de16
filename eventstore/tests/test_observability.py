"""Logs are JSON with service, correlation and trace ids, and never show a resident ID in clear."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, SimpleSpanProcessor, SpanExporter
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, Status, StatusCode

from minzheng_eventstore.observability import (
    TRACE_FILE_ENV,
    OtlpJsonFileExporter,
    configure_logging,
    context_of,
    continued_trace,
    current_traceparent,
    format_traceparent,
    mask_resident_ids,
    official_otlp_json,
    otlp_json,
    parse_traceparent,
    span_exporters,
    tracer_provider,
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


# ---------------------------------------------------------------------- span export (OTEL_*, trace file)

OTEL_VARS = (
    "OTEL_TRACES_EXPORTER",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_PROTOCOL",
    "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL",
    "OTEL_SERVICE_NAME",
    "OTEL_RESOURCE_ATTRIBUTES",
    TRACE_FILE_ENV,
)


@pytest.fixture
def otel_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in OTEL_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _kinds(exporters: list[SpanExporter]) -> list[str]:
    return [f"{type(e).__module__.rsplit('.', 1)[-1]}.{type(e).__name__}" for e in exporters]


def test_nothing_set_exports_nothing_and_each_variable_picks_its_exporter(
    otel_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert span_exporters() == []
    otel_env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    assert _kinds(span_exporters()) == ["trace_exporter.OTLPSpanExporter"]
    [http] = span_exporters()
    assert "opentelemetry.exporter.otlp.proto.http" in type(http).__module__
    otel_env.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    [grpc] = span_exporters()
    assert "opentelemetry.exporter.otlp.proto.grpc" in type(grpc).__module__
    otel_env.setenv("OTEL_TRACES_EXPORTER", "none")
    assert span_exporters() == []
    otel_env.setenv("OTEL_TRACES_EXPORTER", "console,bogus")
    assert _kinds(span_exporters()) == ["export.ConsoleSpanExporter"]
    otel_env.setenv(TRACE_FILE_ENV, str(tmp_path / "spans.jsonl"))
    assert _kinds(span_exporters())[-1] == "observability.OtlpJsonFileExporter"


def _spans_of_a_little_tree(provider: TracerProvider) -> tuple[int, int]:
    tracer = provider.get_tracer("minzheng.test")
    with (
        tracer.start_as_current_span("POST /cases", attributes={"n": 1, "ok": True, "f": 0.5}) as root,
        tracer.start_as_current_span("append case", kind=SpanKind.INTERNAL) as child,
    ):
        child.add_event("retried", {"attempt": 2})
        child.set_status(Status(StatusCode.ERROR, "conflict"))
    return root.get_span_context().span_id, root.get_span_context().trace_id


def test_the_trace_file_holds_otlp_json_lines_equal_to_the_official_encoding(
    otel_env: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    path = tmp_path / "spans.jsonl"
    exporter = OtlpJsonFileExporter(path)
    provider = TracerProvider(resource=Resource.create({"service.name": "assistance"}))
    collected = InMemorySpanExporter()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    provider.add_span_processor(SimpleSpanProcessor(collected))
    root_id, trace_id = _spans_of_a_little_tree(provider)
    _spans_of_a_little_tree(provider)
    assert provider.force_flush()
    lines = path.read_text().splitlines()
    assert lines and all("\n" not in line and line.startswith('{"resourceSpans"') for line in lines)
    requests = [json.loads(line) for line in lines]
    spans = [s for r in requests for rs in r["resourceSpans"] for ss in rs["scopeSpans"] for s in ss["spans"]]
    assert len(spans) == 4
    child = next(s for s in spans if s["name"] == "append case" and s["traceId"] == f"{trace_id:032x}")
    assert child["parentSpanId"] == f"{root_id:016x}"  # ids in hex, as OTLP JSON has them
    assert child["status"] == {"code": 2, "message": "conflict"} and child["kind"] == 1
    resource = requests[0]["resourceSpans"][0]["resource"]["attributes"]
    assert {"key": "service.name", "value": {"stringValue": "assistance"}} in resource
    # the fast encoder and the official encoder + protobuf JSON mapping give the same request
    finished = collected.get_finished_spans()
    assert json.loads(otlp_json(finished)) == official_otlp_json(finished)
    exporter.shutdown()


def test_otlp_over_http_reaches_a_collector(otel_env: pytest.MonkeyPatch) -> None:
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

    received: list[tuple[str, bytes]] = []

    class Collector(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((self.path, body))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Collector)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        otel_env.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", f"http://127.0.0.1:{server.server_port}")
        otel_env.setenv("OTEL_SERVICE_NAME", "registry-a")
        otel_env.setenv("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=test")
        provider = tracer_provider("registry")
        _spans_of_a_little_tree(provider)
        assert provider.force_flush(10_000)
        provider.shutdown()
    finally:
        server.shutdown()
    assert received and received[0][0] == "/v1/traces"
    request = ExportTraceServiceRequest.FromString(received[0][1])
    [resource_spans] = request.resource_spans
    attributes = {a.key: a.value.string_value for a in resource_spans.resource.attributes}
    assert attributes["service.name"] == "registry-a"  # OTEL_SERVICE_NAME wins
    assert attributes["deployment.environment"] == "test"
    assert sorted(s.name for ss in resource_spans.scope_spans for s in ss.spans) == [
        "POST /cases",
        "append case",
    ]


def test_otlp_over_grpc_reaches_a_collector(otel_env: pytest.MonkeyPatch) -> None:
    from concurrent import futures

    import grpc
    from opentelemetry.proto.collector.trace.v1 import trace_service_pb2, trace_service_pb2_grpc

    received: list[trace_service_pb2.ExportTraceServiceRequest] = []

    class Collector(trace_service_pb2_grpc.TraceServiceServicer):
        def Export(self, request, context):  # type: ignore[no-untyped-def]
            received.append(request)
            return trace_service_pb2.ExportTraceServiceResponse()

    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    trace_service_pb2_grpc.add_TraceServiceServicer_to_server(Collector(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        otel_env.setenv("OTEL_TRACES_EXPORTER", "otlp")
        otel_env.setenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "grpc")
        otel_env.setenv("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", f"http://127.0.0.1:{port}")
        provider = tracer_provider("veterans")
        _spans_of_a_little_tree(provider)
        assert provider.force_flush(10_000)
        provider.shutdown()
    finally:
        server.stop(None)
    spans = [s for r in received for rs in r.resource_spans for ss in rs.scope_spans for s in ss.spans]
    assert sorted(s.name for s in spans) == ["POST /cases", "append case"]
    attributes = {a.key: a.value.string_value for a in received[0].resource_spans[0].resource.attributes}
    assert attributes["service.name"] == "veterans"


def test_a_service_process_writes_its_spans_to_the_trace_file_and_flushes_at_exit(tmp_path: Path) -> None:
    path = tmp_path / "veterans.jsonl"
    env = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
    env[TRACE_FILE_ENV] = str(path)
    program = (
        "from minzheng_eventstore.observability import configure_tracing\n"
        "from opentelemetry import trace\n"
        "assert configure_tracing('veterans') is configure_tracing('veterans')\n"
        "with trace.get_tracer('t').start_as_current_span('POST /entitlements'): pass\n"
    )
    subprocess.run([sys.executable, "-c", program], env=env, check=True, timeout=60)
    [line] = path.read_text().splitlines()
    [resource_spans] = json.loads(line)["resourceSpans"]
    assert {"key": "service.name", "value": {"stringValue": "veterans"}} in resource_spans["resource"][
        "attributes"
    ]
    assert resource_spans["scopeSpans"][0]["spans"][0]["name"] == "POST /entitlements"


def test_traceparent_parsing_refuses_what_is_not_one() -> None:
    good = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    ctx = parse_traceparent(good)
    assert ctx is not None and ctx.is_remote and format_traceparent(ctx) == good
    for bad in (
        None,
        "",
        good[:-1],
        good.replace("-", "_"),
        "00-" + "0" * 32 + good[35:],
        "zz" + good[2:],
        "ff" + good[2:],
    ):
        assert parse_traceparent(bad) is None
    assert not trace.get_current_span(context_of("nonsense")).get_span_context().is_valid
