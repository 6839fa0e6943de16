"""minzheng event-store runtime: PostgreSQL event store, outbox relay to JetStream, consumer inbox.

The pieces, each in its own module:

- ``store.EventStore``: append with expected version (idempotent by event id), read a stream
  (also "as of" a time or checkpoint), tail the global order without skipping, snapshots;
- ``aggregate.Repository``: load-decide-append with retry on concurrency;
- ``relay.OutboxRelay``: events → JetStream with ``Nats-Msg-Id = event_id``;
- ``consumer.DurableConsumer``: faststream durable pull consumer with inbox and dead letter;
- ``schema.install``: the tables; ``observability``: logs and traces;
- ``uow``: ``UnitOfWork``, ``Aggregate`` and ``run_unit`` (load → decide → guard → append, retried
  whole); ``builder``: ``Actor`` and ``EventBuilder``; ``context.ServiceContext``;
- ``kit``: a service as a declaration (``ServiceDefinition``, ``Service``, ``run_cli``);
  ``deps``: the FastAPI dependency ``Ctx``; ``access``: ``permit`` and the policy table;
  ``testing``: test helpers.
"""

from .aggregate import Loaded, Repository
from .builder import Actor, EventBuilder
from .consumer import DurableConsumer, Incoming, PermanentError
from .errors import (
    ConcurrencyError,
    EventIdConflictError,
    EventStoreError,
    InvalidEventError,
    StoreUnavailableError,
    StreamNotFoundError,
    UnpublishableEventError,
)
from .model import (
    ANY_VERSION,
    NO_STREAM,
    START,
    AppendResult,
    Checkpoint,
    EventMetadata,
    NewEvent,
    Page,
    RecordedEvent,
    Snapshot,
)
from .relay import OutboxRelay, OutgoingMessage, Publication, contract_message, raw_event_publication
from .schema import install
from .store import EventStore
from .uow import Aggregate, UnitOfWork, run_unit
from .upcasting import Upcasters

__all__ = [
    "ANY_VERSION",
    "NO_STREAM",
    "START",
    "Actor",
    "Aggregate",
    "AppendResult",
    "Checkpoint",
    "ConcurrencyError",
    "DurableConsumer",
    "EventBuilder",
    "EventIdConflictError",
    "EventMetadata",
    "EventStore",
    "EventStoreError",
    "Incoming",
    "InvalidEventError",
    "Loaded",
    "NewEvent",
    "OutboxRelay",
    "OutgoingMessage",
    "Page",
    "PermanentError",
    "Publication",
    "RecordedEvent",
    "Repository",
    "Snapshot",
    "StoreUnavailableError",
    "StreamNotFoundError",
    "UnitOfWork",
    "UnpublishableEventError",
    "Upcasters",
    "contract_message",
    "install",
    "raw_event_publication",
    "run_unit",
]
