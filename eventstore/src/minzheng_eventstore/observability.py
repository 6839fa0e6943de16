"""Logs and traces, the same way in every service.

- structlog JSON lines with ``service``, ``correlation_id``, ``trace_id``, ``span_id``;
- every string in a log event passes through a processor that masks resident IDs
  (18-character PRC ID numbers), so personal data never reaches a log in clear;
- OpenTelemetry tracing with W3C ``traceparent`` (stored with each event: the message's creation
  context, carried in its headers by the relay, whose publish span per page and subject is the
  child of that trace or links to each; continued by the consumers' process spans): one case is
  one trace across services. Spans are exported as the standard ``OTEL_*`` variables say (OTLP
  over HTTP or gRPC, console, none) and, with ``MINZHENG_TRACE_FILE``, as OTLP JSON lines to a
  file a trace viewer imports (``make run``).
"""

from __future__ import annotations

import base64
import logging
import os
import sys
import threading
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from contextlib import contextmanager
from typing import IO, Any

import orjson
import structlog
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.trace import NonRecordingSpan, SpanContext, TraceFlags

from minzheng_contracts import mask_resident_ids

__all__ = [
    "TRACE_FILE_ENV",
    "OtlpJsonFileExporter",
    "add_trace_context",
    "configure_logging",
    "configure_tracing",
    "context_of",
    "continued_trace",
    "current_traceparent",
    "format_traceparent",
    "mask_personal_data",
    "mask_resident_ids",
    "official_otlp_json",
    "otlp_json",
    "parse_traceparent",
    "span_exporters",
    "tracer_provider",
]


def _mask(value: Any) -> Any:
    if isinstance(value, str):
        return mask_resident_ids(value)
    if isinstance(value, Mapping):
        return {k: _mask(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_mask(v) for v in value)
    if value is None or isinstance(value, (int, float, bool)):
        return value
    return mask_resident_ids(str(value))


def mask_personal_data(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    """structlog processor: mask resident IDs in every value of the log event."""
    return {key: _mask(value) for key, value in event_dict.items()}


def add_trace_context(_: Any, __: str, event_dict: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    span = trace.get_current_span()
    ctx = span.get_span_context()
    if ctx.is_valid:
        event_dict.setdefault("trace_id", format(ctx.trace_id, "032x"))
        event_dict.setdefault("span_id", format(ctx.span_id, "016x"))
    return event_dict


FOREIGN_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access", "asyncpg", "faststream", "nats", "asyncio")
"""Libraries' stdlib loggers: their records (uvicorn's "Exception in ASGI application" traceback
with asyncpg's ``DETAIL: Key (resident_id, …)=(…)``) go through the same masking as ours."""


def configure_logging(service: str, *, level: str | None = None, json_output: bool = True) -> None:
    """Configure structlog *and* stdlib logging for a service process: one JSON line per record,
    whoever logs it, and every value, message and traceback masked (DESIGN §5b, §9.11)."""
    level_name = (level or os.environ.get("LOG_LEVEL", "INFO")).upper()
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False)
        if json_output
        else structlog.dev.ConsoleRenderer()
    )
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        add_trace_context,
    ]
    structlog.configure(
        processors=[*shared, structlog.processors.format_exc_info, mask_personal_data, renderer],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelNamesMapping()[level_name]),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                mask_personal_data,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level_name)
    for name in FOREIGN_LOGGERS:
        foreign = logging.getLogger(name)
        foreign.handlers.clear()
        foreign.propagate = True
    sys.excepthook = _log_uncaught
    structlog.contextvars.bind_contextvars(service=service)


def _log_uncaught(kind: type[BaseException], value: BaseException, tb: Any) -> None:
    """An exception nobody caught is logged, masked, instead of printed raw by Python."""
    logging.getLogger("minzheng.uncaught").critical("uncaught exception", exc_info=(kind, value, tb))


TRACE_FILE_ENV = "MINZHENG_TRACE_FILE"
"""A path: the process appends its spans there as OTLP JSON lines (``OtlpJsonFileExporter``)."""


class OtlpJsonFileExporter(SpanExporter):
    """Spans as OTLP JSON lines: one ``ExportTraceServiceRequest`` per export batch, one compact
    line, appended and flushed, so a trace viewer's "import OTLP JSON" reads the file as it is.

    Encoded by the official OTLP encoder (``encode_spans``) and protobuf's JSON mapping, with the
    one difference the OTLP JSON encoding makes: trace and span ids as hex, not base64."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        self._lock = threading.Lock()
        self._file: IO[str] | None = open(self.path, "a", encoding="utf-8")  # noqa: SIM115

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        if not spans:
            return SpanExportResult.SUCCESS
        try:
            line = otlp_json(spans)
        except Exception:  # an unencodable attribute: the batch is lost, the service goes on
            logging.getLogger("minzheng.tracing").exception("otel.encode_failed")
            return SpanExportResult.FAILURE
        with self._lock:
            if self._file is None:
                return SpanExportResult.FAILURE
            self._file.write(line + "\n")
            self._file.flush()
        return SpanExportResult.SUCCESS

    def force_flush(self, timeout_millis: int = 30000) -> bool:
        with self._lock:
            if self._file is not None:
                self._file.flush()
        return True

    def shutdown(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def otlp_json(spans: Sequence[ReadableSpan]) -> str:
    """One ``ExportTraceServiceRequest`` of ``spans`` as compact OTLP JSON: the JSON mapping of
    what the official encoder (``encode_spans``) builds, with trace and span ids in hex as the
    OTLP JSON encoding wants (``official_otlp_json`` is that path, the test compares the two).

    Written here, not by protobuf's ``json_format``: that walk costs some 70 µs a span in the
    exporter's thread, which holds the GIL the relay needs (the tracing benchmark); this one a
    tenth of it."""
    # grouped by identity: a Resource hashes by dumping its attributes to JSON (per span, that
    # was most of the cost); the spans of one provider share one Resource object
    resources: dict[int, tuple[Any, dict[Any, list[dict[str, Any]]]]] = {}
    for span in spans:
        resource = span.resource
        group = resources.get(id(resource))
        if group is None:
            group = resources[id(resource)] = (resource, {})
        group[1].setdefault(span.instrumentation_scope or None, []).append(_span_json(span))
    body = {
        "resourceSpans": [
            _omit_empty(
                {
                    "resource": _omit_empty({"attributes": _attributes_json(resource.attributes)}),
                    "scopeSpans": [
                        _omit_empty(
                            {
                                "scope": _scope_json(scope),
                                "spans": encoded,
                                "schemaUrl": scope.schema_url if scope is not None else None,
                            }
                        )
                        for scope, encoded in scopes.items()
                    ],
                    "schemaUrl": resource.schema_url,
                }
            )
            for resource, scopes in resources.values()
        ]
    }
    return orjson.dumps(body).decode()


def official_otlp_json(spans: Sequence[ReadableSpan]) -> dict[str, Any]:
    """The same request through the official encoder and protobuf's JSON mapping (ids made hex)."""
    from google.protobuf import json_format
    from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans

    body: dict[str, Any] = json_format.MessageToDict(encode_spans(spans), use_integers_for_enums=True)
    for resource_spans in body.get("resourceSpans", ()):
        for scope_spans in resource_spans.get("scopeSpans", ()):
            for span in scope_spans.get("spans", ()):
                _hex_ids(span)
                for link in span.get("links", ()):
                    _hex_ids(link)
    return body


def _hex_ids(item: dict[str, Any]) -> None:
    for key in ("traceId", "spanId", "parentSpanId"):
        value = item.get(key)
        if value:
            item[key] = base64.b64decode(value).hex()


_REMOTE_KNOWN = 0x100  # SPAN_FLAGS_CONTEXT_HAS_IS_REMOTE_MASK
_REMOTE = 0x200  # SPAN_FLAGS_CONTEXT_IS_REMOTE_MASK


def _omit_empty(fields: dict[str, Any]) -> dict[str, Any]:
    """proto3's JSON mapping leaves out fields at their default (0, "", [], unset)."""
    return {k: v for k, v in fields.items() if v not in (None, "", 0, [])}


def _flags(parent: SpanContext | None) -> int:
    return _REMOTE_KNOWN | _REMOTE if parent is not None and parent.is_remote else _REMOTE_KNOWN


def _span_json(span: ReadableSpan) -> dict[str, Any]:
    """One span in the JSON mapping; the common case (string attributes, no events or links, no
    status) in straight-line code: this runs once per span in the exporter's thread."""
    ctx = span.get_span_context()
    assert ctx is not None
    parent = span.parent
    out: dict[str, Any] = {"traceId": f"{ctx.trace_id:032x}", "spanId": f"{ctx.span_id:016x}"}
    if ctx.trace_state:
        out["traceState"] = ",".join(f"{k}={v}" for k, v in ctx.trace_state.items())
    if parent is not None:
        out["parentSpanId"] = f"{parent.span_id:016x}"
        out["flags"] = _REMOTE_KNOWN | _REMOTE if parent.is_remote else _REMOTE_KNOWN
    else:
        out["flags"] = _REMOTE_KNOWN
    if span.name:
        out["name"] = span.name
    out["kind"] = span.kind.value + 1
    if span.start_time:
        out["startTimeUnixNano"] = str(span.start_time)
    if span.end_time:
        out["endTimeUnixNano"] = str(span.end_time)
    attributes = span.attributes
    if attributes:
        out["attributes"] = [
            {"key": k, "value": {"stringValue": v} if type(v) is str else _value_json(v)}
            for k, v in attributes.items()
        ]
    if span.dropped_attributes:
        out["droppedAttributesCount"] = span.dropped_attributes
    if span.events:
        out["events"] = [
            _omit_empty(
                {
                    "timeUnixNano": str(e.timestamp) if e.timestamp else None,
                    "name": e.name,
                    "attributes": _attributes_json(e.attributes),
                    "droppedAttributesCount": e.dropped_attributes,
                }
            )
            for e in span.events
        ]
    if span.dropped_events:
        out["droppedEventsCount"] = span.dropped_events
    if span.links:
        out["links"] = [
            _omit_empty(
                {
                    "traceId": f"{link.context.trace_id:032x}",
                    "spanId": f"{link.context.span_id:016x}",
                    "attributes": _attributes_json(link.attributes),
                    "droppedAttributesCount": link.dropped_attributes,
                    "flags": _flags(link.context),
                }
            )
            for link in span.links
        ]
    if span.dropped_links:
        out["droppedLinksCount"] = span.dropped_links
    status = span.status
    code = status.status_code.value
    out["status"] = (
        {}
        if not code and not status.description
        else _omit_empty({"code": code, "message": status.description})
    )
    return out


def _scope_json(scope: Any) -> dict[str, Any]:
    if scope is None:
        return {}
    return _omit_empty(
        {"name": scope.name, "version": scope.version, "attributes": _attributes_json(scope.attributes)}
    )


def _attributes_json(attributes: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not attributes:
        return []
    return [{"key": key, "value": _value_json(value)} for key, value in attributes.items()]


def _value_json(value: Any) -> dict[str, Any]:
    if value is None:
        return {}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}
    if isinstance(value, float):
        return {"doubleValue": value}
    if isinstance(value, bytes):
        return {"bytesValue": base64.b64encode(value).decode()}
    if isinstance(value, Mapping):
        return {"kvlistValue": _omit_empty({"values": _attributes_json(value)})}
    return {"arrayValue": _omit_empty({"values": [_value_json(v) for v in value]})}


def span_exporters(env: Mapping[str, str] | None = None) -> list[SpanExporter]:
    """The exporters the standard environment asks for, plus the trace file:

    - ``OTEL_TRACES_EXPORTER``: ``otlp``, ``console``, ``none`` (comma-separated); unset means
      ``otlp`` when an OTLP endpoint is set, else none: with nothing set, nothing is exported;
    - ``OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`` / ``OTEL_EXPORTER_OTLP_PROTOCOL``: ``http/protobuf``
      (default) or ``grpc``; the endpoint, headers, timeout and TLS variables are read by the
      official exporters themselves;
    - ``MINZHENG_TRACE_FILE``: OTLP JSON lines appended to that file."""
    env = os.environ if env is None else env
    log = structlog.get_logger("minzheng.tracing")
    named = env.get("OTEL_TRACES_EXPORTER", "").strip().lower()
    if named:
        wanted = [n.strip() for n in named.split(",") if n.strip()]
    elif env.get("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") or env.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        wanted = ["otlp"]
    else:
        wanted = []
    exporters: list[SpanExporter] = []
    for name in wanted:
        if name == "none":
            continue
        if name == "otlp":
            exporters.append(_otlp_exporter(env))
        elif name == "console":
            exporters.append(ConsoleSpanExporter())
        else:
            log.warning("otel.unknown_exporter", exporter=name, known=["otlp", "console", "none"])
    path = env.get(TRACE_FILE_ENV)
    if path:
        exporters.append(OtlpJsonFileExporter(path))
    return exporters


def _otlp_exporter(env: Mapping[str, str]) -> SpanExporter:
    protocol = env.get("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL") or env.get("OTEL_EXPORTER_OTLP_PROTOCOL")
    protocol = (protocol or "http/protobuf").strip()
    if protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcExporter

        return GrpcExporter()
    if protocol != "http/protobuf":
        structlog.get_logger("minzheng.tracing").warning(
            "otel.unsupported_protocol", protocol=protocol, using="http/protobuf"
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpExporter

    return HttpExporter()


def tracer_provider(service: str, env: Mapping[str, str] | None = None) -> TracerProvider:
    """A tracer provider for ``service`` (``OTEL_SERVICE_NAME`` wins if set; ``OTEL_RESOURCE_ATTRIBUTES``
    is merged in) with a ``BatchSpanProcessor`` per exporter of ``span_exporters``."""
    env = os.environ if env is None else env
    attributes: dict[str, str] = {"service.namespace": "minzheng"}
    if not env.get("OTEL_SERVICE_NAME"):
        attributes["service.name"] = service
    provider = TracerProvider(resource=Resource.create(attributes))
    for exporter in span_exporters(env):
        provider.add_span_processor(BatchSpanProcessor(exporter))
    return provider


def configure_tracing(service: str) -> TracerProvider:
    """Install the process's tracer provider for ``service`` (``tracer_provider``), once: a second
    call returns the provider already installed. Spans are flushed at exit."""
    current = trace.get_tracer_provider()
    if isinstance(current, TracerProvider):
        return current
    provider = tracer_provider(service)
    trace.set_tracer_provider(provider)
    return provider


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span, to store with the events it causes."""
    ctx = trace.get_current_span().get_span_context()
    if not ctx.is_valid:
        return None
    return format_traceparent(ctx)


def format_traceparent(ctx: SpanContext) -> str:
    return f"00-{ctx.trace_id:032x}-{ctx.span_id:016x}-{ctx.trace_flags:02x}"


def parse_traceparent(value: str | None) -> SpanContext | None:
    """A W3C ``traceparent`` (version 00) as a remote span context; ``None`` if absent or malformed.
    Cheaper than the propagator's extract (no regular expression, no context objects)."""
    if not value or len(value) != 55 or value[2] != "-" or value[35] != "-" or value[52] != "-":
        return None
    try:
        version = int(value[:2], 16)
        trace_id = int(value[3:35], 16)
        span_id = int(value[36:52], 16)
        flags = int(value[53:55], 16)
    except ValueError:
        return None
    if not trace_id or not span_id or version == 0xFF:
        return None
    return SpanContext(trace_id, span_id, is_remote=True, trace_flags=TraceFlags(flags))


def context_of(traceparent: str | None) -> otel_context.Context:
    """An OpenTelemetry context whose current span is the remote parent ``traceparent`` names;
    without one (absent, malformed) the empty context, where a span starts a trace of its own."""
    parent = parse_traceparent(traceparent)
    if parent is None:
        return _EMPTY
    return trace.set_span_in_context(NonRecordingSpan(parent), _EMPTY)


_EMPTY = otel_context.Context()


@contextmanager
def continued_trace(traceparent: str | None) -> Iterator[None]:
    """Make the span context of ``traceparent`` current (a consumer continuing a producer's trace)."""
    if not traceparent:
        yield
        return
    token = otel_context.attach(propagate.extract({"traceparent": traceparent}))
    try:
        yield
    finally:
        otel_context.detach(token)
