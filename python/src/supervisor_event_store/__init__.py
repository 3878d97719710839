"""supervisor-event-store: a thin, typed Python client for the PostgreSQL event store.

Every method is one call of an ``event_store.*`` SQL function; all behaviour lives in PostgreSQL.
"""

from .aio import AsyncEventStore
from .client import EventStore
from .errors import (
    ERRORS_BY_SQLSTATE,
    EventStoreError,
    IdempotencyConflictError,
    ImmutableEventError,
    InstanceNotFoundForEventError,
    InvalidArgumentError,
    InvalidEventDataError,
    InvalidEventError,
    ReplicaUnavailableError,
    SequenceConflictError,
    ShardUnavailableError,
    SubscriptionNotFoundError,
    UnreadableDataError,
)
from .models import (
    EmitResult,
    Event,
    EventType,
    Instance,
    QueryResult,
    ReplayResult,
    Snapshot,
    StaleInstance,
    TypeCount,
)

__all__ = [
    "ERRORS_BY_SQLSTATE",
    "AsyncEventStore",
    "EmitResult",
    "Event",
    "EventStore",
    "EventStoreError",
    "EventType",
    "IdempotencyConflictError",
    "ImmutableEventError",
    "Instance",
    "InstanceNotFoundForEventError",
    "InvalidArgumentError",
    "InvalidEventDataError",
    "InvalidEventError",
    "QueryResult",
    "ReplayResult",
    "ReplicaUnavailableError",
    "SequenceConflictError",
    "ShardUnavailableError",
    "Snapshot",
    "StaleInstance",
    "SubscriptionNotFoundError",
    "TypeCount",
    "UnreadableDataError",
]
