"""Logs and traces, the same way in every service.

- structlog JSON lines with ``service``, ``correlation_id``, ``trace_id``, ``span_id``;
- every string in a log event passes through a processor that masks resident IDs
  (18-character PRC ID numbers), so personal data never reaches a log in clear;
- OpenTelemetry tracing with W3C ``traceparent`` (stored with each event, carried in message
  headers by the relay, continued by consumers). Spans are exported by OTLP when
  ``OTEL_EXPORTER_OTLP_ENDPOINT`` is set and the exporter package is installed.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog
from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider

from minzheng_contracts import mask_resident_ids

__all__ = [
    "add_trace_context",
    "configure_logging",
    "configure_tracing",
    "continued_trace",
    "current_traceparent",
    "mask_personal_data",
    "mask_resident_ids",
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


def configure_tracing(service: str) -> TracerProvider:
    """Install a tracer provider for ``service``; export by OTLP if configured and available."""
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    if os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT"):
        try:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found,unused-ignore]
                OTLPSpanExporter,
            )
            from opentelemetry.sdk.trace.export import BatchSpanProcessor

            provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        except ImportError:
            structlog.get_logger().warning(
                "otel.exporter_missing", hint="pip install opentelemetry-exporter-otlp"
            )
    trace.set_tracer_provider(provider)
    return provider


def current_traceparent() -> str | None:
    """The W3C ``traceparent`` of the current span, to store with the events it causes."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier.get("traceparent")


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
