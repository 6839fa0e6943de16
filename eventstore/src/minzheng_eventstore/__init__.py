"""minzheng event-store runtime: PostgreSQL event store, outbox relay to JetStream, consumer inbox.

The pieces, each in its own module:

- ``store.EventStore``: append with expected version (idempotent by event id), read a stream
  (also "as of" a time or checkpoint), tail the global order without skipping, snapshots;
- ``aggregate.Repository``: load-decide-append with retry on concurrency;
- ``relay.OutboxRelay``: events → JetStream with ``Nats-Msg-Id = event_id``;
- ``consumer.DurableConsumer``: faststream durable pull consumer with inbox and dead letter;
- ``schema.install``: the tables; ``observability``: logs and traces.
"""

from .aggregate import Loaded, Repository
from .consumer import DurableConsumer, Incoming, PermanentError
from .errors import (
    ConcurrencyError,
    EventIdConflictError,
    EventStoreError,
    InvalidEventError,
    StoreUnavailableError,
    StreamNotFoundError,
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
from .upcasting import Upcasters

__all__ = [
    "ANY_VERSION",
    "NO_STREAM",
    "START",
    "AppendResult",
    "Checkpoint",
    "ConcurrencyError",
    "DurableConsumer",
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
    "Upcasters",
    "contract_message",
    "install",
    "raw_event_publication",
]
