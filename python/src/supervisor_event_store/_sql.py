"""The SQL API calls, one statement per client method, with named arguments.

Each placeholder is cast to the parameter's SQL type so that function resolution never depends on
how psycopg chose to send a Python value (a float is float8, which does not cast implicitly to
numeric; a NULL is untyped).

A ``Call`` pairs a statement with how its rows become a result; ``EventStore`` and
``AsyncEventStore`` run the same calls, so the two clients cannot drift apart. Each client method
passes its arguments by name (``store._run(EMIT_EVENT, instance_id=instance_id, ...)``); a test
checks that those names are the statement's placeholders and the SQL function's parameters
(``p_`` + name, as in ``sql/structure.sql``). The one method that needs two calls,
``query_events``, is a plan here (``query_events``) that both clients drive.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, Generic, TypeVar
from uuid import UUID

from psycopg.abc import AdaptContext
from psycopg.types.json import Jsonb, set_json_loads

from . import models
from .errors import InvalidArgumentError, UnreadableDataError
from .models import (
    EmitResult,
    Event,
    EventType,
    Instance,
    QueryResult,
    ReplayResult,
    Rows,
    Snapshot,
    StaleInstance,
    TypeCount,
)

R = TypeVar("R")

_dumps = partial(json.dumps, default=models.json_default, allow_nan=False)

# --- reading JSON: stored values Python can use, or UnreadableDataError --------------------------

# Deepest JSON nesting the client hands out: pydantic (the MCP server's output) cannot serialise
# values nested more than about 250 levels, and json/rich recurse too. The store itself refuses
# more than 32 levels at write time; deeper rows can only come from before that check.
MAX_JSON_DEPTH = 200

_UNREADABLE_HINT = (
    "The row was written before the store refused such JSON at write time; read it in SQL "
    "(e.g. jsonb_typeof, jsonb_path_query) or page past it (after_sequence)."
)


def _depth_over(value: Any, limit: int) -> bool:
    """Whether ``value`` nests containers more than ``limit`` levels deep (iterative)."""
    stack = [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if level > limit:
            return True
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return False


def _finite_float(text: str) -> float:
    number = float(text)
    if math.isinf(number):
        raise UnreadableDataError(
            f"stored JSON holds the number {text[:40]}... beyond the range of a Python float",
            hint=_UNREADABLE_HINT,
        )
    return number


def loads(data: bytes | bytearray | memoryview | str) -> Any:
    """``json.loads`` for stored json/jsonb: the value, or UnreadableDataError when Python cannot
    hold it (nested deeper than MAX_JSON_DEPTH, an integer over Python's digit limit, a number
    beyond float range) -- never a RecursionError or ValueError."""
    text = bytes(data) if isinstance(data, memoryview) else data
    try:
        value = json.loads(text, parse_float=_finite_float)
    except RecursionError:
        value = None  # deeper than the interpreter can decode: certainly over the limit
        deep = True
    except ValueError as exc:  # an integer longer than sys.get_int_max_str_digits()
        raise UnreadableDataError(
            f"stored JSON holds a number Python cannot convert: {exc}", hint=_UNREADABLE_HINT
        ) from exc
    else:
        # Nesting needs one bracket per level: count them (fast) before walking the value.
        brackets = text.count(b"{") + text.count(b"[") if isinstance(text, bytes | bytearray) else (
            text.count("{") + text.count("[")
        )
        deep = brackets > MAX_JSON_DEPTH and _depth_over(value, MAX_JSON_DEPTH)
    if deep:
        raise UnreadableDataError(
            f"stored JSON is nested more than {MAX_JSON_DEPTH} levels deep, more than this client reads",
            hint=_UNREADABLE_HINT,
        )
    return value


def use_loads(context: AdaptContext) -> None:
    """Decode json/jsonb with ``loads`` on this cursor (or connection)."""
    set_json_loads(loads, context)


# --- arguments: refuse Python values the driver would silently turn into something else -------

_PLACEHOLDER = re.compile(r"%\((\w+)\)s::(\w+(?:\[\])?)")
_FUNCTION = re.compile(r"event_store\.(\w+)\(")

# SQL type -> (accepted Python types, how to say it). Integers refuse bool and float (1.5 would be
# rounded by the cast); text refuses numbers; uuid refuses integers (a bare 42846 otherwise).
_ACCEPTS: dict[str, tuple[tuple[type, ...], str]] = {
    "text": ((str,), "a str"),
    "bigint": ((int,), "an int"),
    "integer": ((int,), "an int"),
    "uuid": ((UUID, str), "a UUID or a UUID string"),
    "numeric": ((int, float, Decimal), "a number"),
    "timestamptz": ((date, str), "a datetime or an ISO 8601 string"),
    "interval": ((timedelta, str), "a timedelta or an interval string"),
    "text[]": ((list, tuple), "a list of str"),
    "boolean": ((bool,), "a bool"),
}


_INT_BITS = {"integer": 32, "bigint": 64}


def _check(name: str, sql_type: str, value: Any) -> None:
    accepted = _ACCEPTS.get(sql_type)
    if value is None or accepted is None:
        return
    types, wanted = accepted
    ok = isinstance(value, types) and (sql_type == "boolean" or not isinstance(value, bool))
    if ok and sql_type == "text[]":
        ok = all(isinstance(item, str) for item in value)
    if ok and sql_type in _INT_BITS:
        bound = 2 ** (_INT_BITS[sql_type] - 1)
        ok = -bound <= value < bound
        wanted += f" from {-bound} to {bound - 1}"
    if not ok:
        raise InvalidArgumentError(
            f"invalid argument: {name} must be {wanted}, got {type(value).__name__} {value!r:.60}",
            hint=f"Pass {name} as {wanted}.",
            sqlstate="ES006",
        )


@dataclass(frozen=True, slots=True)
class Call(Generic[R]):
    """One SQL function call: the statement, its jsonb parameters, and its result mapping."""

    sql: str
    result: Callable[[Rows], R]
    jsonb: tuple[str, ...] = ()
    types: dict[str, str] = field(init=False)
    name: str = field(init=False)
    procedure: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "types", dict(_PLACEHOLDER.findall(self.sql)))
        match = _FUNCTION.search(self.sql)
        object.__setattr__(self, "name", match[1] if match else "call")
        # CALL of a procedure that commits: run it outside a transaction block (autocommit).
        object.__setattr__(self, "procedure", self.sql.lstrip().startswith("CALL "))

    def params(self, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """The statement's parameters from a method's arguments (passed by name); InvalidArgumentError
        for a Python value of the wrong kind (see ``_ACCEPTS``)."""
        params = {}
        for name, value in arguments.items():
            _check(name, self.types.get(name, ""), value)
            params[name] = Jsonb(value, dumps=_dumps) if name in self.jsonb and value is not None else value
        return params


# The statements: one per SQL function, each naming its parameters (p_x => %(x)s). They look
# alike on purpose; test_client.py checks every one against the deployed function.
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
    p_after_sequence => %(after_sequence)s::bigint,
    p_exact_count    => %(exact_count)s::boolean
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

_PROJECT_FLEET = """
SELECT * FROM event_store.project_fleet(
    p_limit => %(limit)s::integer
) AS events_projected"""

# A procedure: it commits between batches, so the client runs it outside a transaction block.
_RUN_PROJECTOR = """
CALL event_store.run_projector(
    p_seconds => %(seconds)s::integer,
    p_idle_ms => %(idle_ms)s::integer
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
PROJECT_FLEET = Call(_PROJECT_FLEET, models.scalar("events_projected"))
RUN_PROJECTOR = Call(_RUN_PROJECTOR, models.nothing)


# --- the one method of two calls ---------------------------------------------------------------

Step = tuple[Call[Any], dict[str, Any]]


def query_events(**arguments: Any) -> Generator[Step, Any, QueryResult]:
    """The page (QUERY_EVENTS). Its rows carry ``total_count``; an empty page has no row, so when
    the page is empty past the start (``offset > 0``) one more call, COUNT_EVENTS (the same filters,
    no limit, offset or exact_count: it always counts exactly), reports the true total. Each client
    sends every step's result back."""
    page: QueryResult = yield QUERY_EVENTS, arguments
    if page.events or arguments["offset"] == 0:
        return page
    filters = {
        name: value for name, value in arguments.items() if name not in ("limit", "offset", "exact_count")
    }
    total: int = yield COUNT_EVENTS, filters
    return QueryResult(events=[], total_count=total, has_more=False, total_exact=True)
