"""The SQL API calls, one statement per client method, with named arguments.

Each placeholder is cast to the parameter's SQL type so that function resolution never depends on
how psycopg chose to send a Python value (a float is float8, which does not cast implicitly to
numeric; a NULL is untyped).

A ``Call`` pairs a statement with how its rows become a result; ``EventStore`` and
``AsyncEventStore`` run the same calls, so the two clients cannot drift apart.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from typing import Any, Generic, TypeVar

from psycopg.types.json import Jsonb

from . import models
from .models import (
    EmitResult,
    Event,
    EventType,
    Instance,
    ReplayResult,
    Rows,
    Snapshot,
    StaleInstance,
    TypeCount,
)

R = TypeVar("R")

_dumps = partial(json.dumps, default=models.json_default, allow_nan=False)


@dataclass(frozen=True, slots=True)
class Call(Generic[R]):
    """One SQL function call: the statement, its jsonb parameters, and its result mapping."""

    sql: str
    result: Callable[[Rows], R]
    jsonb: tuple[str, ...] = ()

    def params(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The statement's parameters from a method's arguments (its ``locals()``)."""
        return {
            name: Jsonb(value, dumps=_dumps) if name in self.jsonb and value is not None else value
            for name, value in arguments.items()
            if name != "self"
        }


_EMIT_EVENT = """
SELECT * FROM event_store.emit_event(
    p_instance_id       => %(instance_id)s::text,
    p_event_type        => %(event_type)s::text,
    p_event_data        => %(event_data)s::jsonb,
    p_metadata          => %(metadata)s::jsonb,
    p_event_id          => %(event_id)s::uuid,
    p_expected_sequence => %(expected_sequence)s::bigint
)"""

_EMIT_EVENTS = """
SELECT * FROM event_store.emit_events(
    p_instance_id       => %(instance_id)s::text,
    p_events            => %(events)s::jsonb,
    p_expected_sequence => %(expected_sequence)s::bigint
)"""

_QUERY_EVENTS = """
SELECT * FROM event_store.query_events(
    p_instance_id    => %(instance_id)s::text,
    p_event_types    => %(event_types)s::text[],
    p_start_date     => %(start_date)s::timestamptz,
    p_end_date       => %(end_date)s::timestamptz,
    p_keyword        => %(keyword)s::text,
    p_limit          => %(limit)s::integer,
    p_offset         => %(offset)s::integer,
    p_after_sequence => %(after_sequence)s::bigint
)"""

_COUNT_EVENTS = """
SELECT * FROM event_store.count_events(
    p_instance_id    => %(instance_id)s::text,
    p_event_types    => %(event_types)s::text[],
    p_start_date     => %(start_date)s::timestamptz,
    p_end_date       => %(end_date)s::timestamptz,
    p_keyword        => %(keyword)s::text,
    p_after_sequence => %(after_sequence)s::bigint
) AS total_count"""

_REPLAY_EVENTS = """
SELECT * FROM event_store.replay_events(
    p_instance_id     => %(instance_id)s::text,
    p_to_sequence_num => %(to_sequence_num)s::bigint
)"""

_AGGREGATE_EVENTS_BY_TYPE = """
SELECT * FROM event_store.aggregate_events_by_type(
    p_instance_id => %(instance_id)s::text,
    p_start_date  => %(start_date)s::timestamptz,
    p_end_date    => %(end_date)s::timestamptz
)"""

_GET_LATEST_EVENTS = """
SELECT * FROM event_store.get_latest_events(
    p_instance_id => %(instance_id)s::text,
    p_limit       => %(limit)s::integer
)"""

_GET_EVENT_BY_ID = """
SELECT * FROM event_store.get_event_by_id(
    p_event_id => %(event_id)s::uuid
)"""

_GET_EVENT_COUNT = """
SELECT * FROM event_store.get_event_count(
    p_instance_id => %(instance_id)s::text
) AS event_count"""

_DELETE_EVENTS_FOR_INSTANCE = """
SELECT * FROM event_store.delete_events_for_instance(
    p_instance_id => %(instance_id)s::text
) AS deleted_count"""

_LIST_EVENT_TYPES = """
SELECT * FROM event_store.list_event_types(
    p_category => %(category)s::text
)"""

_REGISTER_EVENT_TYPE = """
SELECT * FROM event_store.register_event_type(
    p_event_type  => %(event_type)s::text,
    p_category    => %(category)s::text,
    p_description => %(description)s::text,
    p_data_schema => %(data_schema)s::jsonb
)"""

_REGISTER_INSTANCE = """
SELECT * FROM event_store.register_instance(
    p_instance_id   => %(instance_id)s::text,
    p_instance_type => %(instance_type)s::text,
    p_project       => %(project)s::text,
    p_metadata      => %(metadata)s::jsonb
)"""

_HEARTBEAT = """
SELECT * FROM event_store.heartbeat(
    p_instance_id     => %(instance_id)s::text,
    p_context_percent => %(context_percent)s::numeric
)"""

_MARK_STALE_INSTANCES = """
SELECT * FROM event_store.mark_stale_instances(
    p_timeout => %(timeout)s::interval
)"""

_LIST_INSTANCES = """
SELECT * FROM event_store.list_instances(
    p_status => %(status)s::text
)"""

_CREATE_SNAPSHOT = """
SELECT * FROM event_store.create_snapshot(
    p_instance_id => %(instance_id)s::text
)"""


# --- the calls -------------------------------------------------------------------------------

EMIT_EVENT = Call(_EMIT_EVENT, models.one(EmitResult), jsonb=("event_data", "metadata"))
EMIT_EVENTS = Call(_EMIT_EVENTS, models.each(EmitResult), jsonb=("events",))
QUERY_EVENTS = Call(_QUERY_EVENTS, models.query_result)
COUNT_EVENTS = Call(_COUNT_EVENTS, models.scalar("total_count"))
REPLAY_EVENTS = Call(_REPLAY_EVENTS, models.one(ReplayResult))
AGGREGATE_EVENTS_BY_TYPE = Call(_AGGREGATE_EVENTS_BY_TYPE, models.each(TypeCount))
GET_LATEST_EVENTS = Call(_GET_LATEST_EVENTS, models.each(Event))
GET_EVENT_BY_ID = Call(_GET_EVENT_BY_ID, models.one_or_none(Event))
GET_EVENT_COUNT = Call(_GET_EVENT_COUNT, models.scalar("event_count"))
DELETE_EVENTS_FOR_INSTANCE = Call(_DELETE_EVENTS_FOR_INSTANCE, models.scalar("deleted_count"))
LIST_EVENT_TYPES = Call(_LIST_EVENT_TYPES, models.each(EventType))
REGISTER_EVENT_TYPE = Call(_REGISTER_EVENT_TYPE, models.one(EventType), jsonb=("data_schema",))
REGISTER_INSTANCE = Call(_REGISTER_INSTANCE, models.one(Instance), jsonb=("metadata",))
HEARTBEAT = Call(_HEARTBEAT, models.one(EmitResult))
MARK_STALE_INSTANCES = Call(_MARK_STALE_INSTANCES, models.each(StaleInstance))
LIST_INSTANCES = Call(_LIST_INSTANCES, models.each(Instance))
CREATE_SNAPSHOT = Call(_CREATE_SNAPSHOT, models.one(Snapshot))
