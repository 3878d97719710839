"""Issue 10, property-based fuzzing (hypothesis) through SQL, the Python client and the MCP server.

Random event data, metadata, ids, type names, keywords and limits. Every call either succeeds and
its event reads back equal, or fails with one of our ES codes and writes nothing: never another
SQLSTATE, never a traceback. Derandomized (a fixed sequence of examples) so CI is repeatable.
"""

# ruff: noqa: PT017 -- a fuzzed call may succeed or fail: each property checks the exception it got.
from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import event as note
from hypothesis import strategies as st
from mcp import Client
from mcp.types import CallToolResult

from conftest import text_of
from supervisor_event_store import EventStore
from supervisor_event_store.errors import EventStoreError
from supervisor_event_store.mcp.server import EMIT_TOOL, create_server

FUZZ = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ODIN = "fuzz-PS-1"

# Text without NUL: PostgreSQL text cannot hold U+0000 and the driver refuses it before the call
# (see test_nul_in_json_is_refused_with_our_code for JSON strings).
TEXT = st.text(st.characters(exclude_characters="\x00", exclude_categories=["Cs"]), max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
    max_leaves=12,
)
OBJECTS = st.dictionaries(TEXT, JSON, max_size=4)
KNOWN = ["commit_created", "epic_started", "test_failed", "pr_created", "context_window_updated"]
LIFECYCLE = ["instance_registered", "instance_heartbeat", "instance_stale"]
TYPES = st.one_of(st.sampled_from(KNOWN), st.sampled_from(KNOWN), st.sampled_from(LIFECYCLE), TEXT)
# event_data that often satisfies the known types' schemas, with random extra fields.
VALID_MOSTLY = st.fixed_dictionaries(
    {"commit_sha": TEXT, "message": TEXT, "epic_id": TEXT, "test_suite": TEXT},
    optional={"pr_number": st.integers(-3, 2**40), "title": TEXT, "usage_percent": st.floats(-10, 120)},
).flatmap(lambda base: OBJECTS.map(lambda extra: {**extra, **base}))
DATA = st.one_of(OBJECTS, VALID_MOSTLY, VALID_MOSTLY)
METADATA = st.none() | OBJECTS
INSTANCES = st.one_of(st.just(ODIN), st.just(ODIN), st.just("nobody-PS-9"), TEXT)
EVENT_IDS = st.none() | st.uuids() | st.uuids().map(str) | TEXT
EMIT_ARGUMENTS = {"instance_id": INSTANCES, "event_type": TYPES, "data": DATA, "metadata": METADATA}
LIMITS = st.integers(min_value=-3, max_value=1200) | st.integers(min_value=-(2**63), max_value=2**63 - 1)


def same_json(stored: Any, sent: Any) -> bool:
    """JSON equality after the store's round trip, numbers compared as the decimals sent: jsonb keeps
    a number's decimal value, not its Python type (2.5e+16 reads back as the int 25000000000000000)."""

    def exact(value: Any) -> Any:
        return json.loads(json.dumps(value), parse_float=Decimal, parse_int=Decimal)

    return bool(exact(stored) == exact(sent))


def count(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT count(*) FROM event_store.events").fetchone()
    assert row is not None
    return int(row[0])


def our_code(sqlstate: str | None) -> bool:
    return sqlstate is not None and sqlstate.startswith("ES")


# --- SQL (psycopg calls of the functions) --------------------------------------------------------

EMIT_SQL = (
    "SELECT * FROM event_store.emit_event(p_instance_id => %s, p_event_type => %s, "
    "p_event_data => %s::jsonb, p_metadata => %s::jsonb, p_event_id => %s::text::uuid)"
)
QUERY_SQL = (
    "SELECT * FROM event_store.query_events(p_instance_id => %s, p_event_types => %s::text[], "
    "p_keyword => %s, p_limit => %s::bigint::integer, p_offset => %s::bigint::integer)"
)


@FUZZ
@given(**EMIT_ARGUMENTS, event_id=st.none() | st.uuids().map(str))
def test_sql_emit(
    raw: psycopg.Connection[Any],
    instance_id: str,
    event_type: str,
    data: dict[str, Any],
    metadata: dict[str, Any] | None,
    event_id: str | None,
) -> None:
    raw.execute("SELECT event_store.register_instance(%s, 'PS', 'fuzz')", (ODIN,))
    before = count(raw)
    params = (instance_id, event_type, json.dumps(data), None if metadata is None else json.dumps(metadata))
    try:
        row = raw.execute(EMIT_SQL, (*params, event_id)).fetchone()
    except psycopg.Error as exc:
        assert our_code(exc.sqlstate), f"{exc.sqlstate}: {exc}"
        assert count(raw) == before
        note(f"refused {exc.sqlstate}")
        return
    note("stored")
    assert row is not None
    stored = raw.execute(
        "SELECT event_type, event_data, metadata FROM event_store.events WHERE event_id = %s", (row[0],)
    ).fetchone()
    assert stored is not None
    assert stored[0] == event_type
    assert same_json(stored[1], data)
    assert same_json(stored[2], metadata or {})


@FUZZ
@given(
    instance_id=st.none() | INSTANCES,
    types=st.none() | st.lists(TYPES, max_size=3),
    keyword=st.none() | TEXT,
    limit=LIMITS,
    offset=LIMITS,
)
def test_sql_query(
    raw: psycopg.Connection[Any],
    instance_id: str | None,
    types: list[str] | None,
    keyword: str | None,
    limit: int,
    offset: int,
) -> None:
    try:
        raw.execute(QUERY_SQL, (instance_id, types, keyword, limit, offset)).fetchall()
    except psycopg.Error as exc:
        # 22003: our own bigint -> integer cast of the test, before the function is called.
        assert our_code(exc.sqlstate) or exc.sqlstate == "22003", f"{exc.sqlstate}: {exc}"


# --- the Python client ---------------------------------------------------------------------------


@FUZZ
@given(**EMIT_ARGUMENTS, event_id=EVENT_IDS, batch=st.booleans())
def test_client_emit(
    store: EventStore,
    raw: psycopg.Connection[Any],
    instance_id: str,
    event_type: str,
    data: dict[str, Any],
    metadata: dict[str, Any] | None,
    event_id: Any,
    batch: bool,
) -> None:
    raw.execute("SELECT event_store.register_instance(%s, 'PS', 'fuzz')", (ODIN,))
    before = count(raw)
    try:
        if batch:
            event = {"event_type": event_type, "event_data": data, "metadata": metadata, "event_id": event_id}
            [result] = store.emit_events(instance_id, [event])
        else:
            result = store.emit_event(instance_id, event_type, data, metadata=metadata, event_id=event_id)
    except EventStoreError as exc:
        assert our_code(exc.sqlstate), f"{exc.sqlstate}: {exc.message}"
        assert count(raw) == before
        note(f"refused {exc.sqlstate}")
        return
    note("stored")
    stored = store.get_event_by_id(result.event_id)
    assert stored is not None
    assert (stored.instance_id, stored.event_type, stored.sequence_num) == (
        instance_id,
        event_type,
        result.sequence_num,
    )
    assert same_json(stored.event_data, data)
    assert same_json(stored.metadata, metadata or {})
    if event_id is not None:
        assert stored.event_id == UUID(str(event_id))


@FUZZ
@given(
    instance_id=st.none() | INSTANCES,
    types=st.none() | TYPES | st.lists(TYPES, max_size=3),
    keyword=st.none() | TEXT,
    limit=LIMITS,
    offset=LIMITS,
    after=st.none() | LIMITS,
)
def test_client_query(
    store: EventStore,
    instance_id: str | None,
    types: Any,
    keyword: str | None,
    limit: int,
    offset: int,
    after: int | None,
) -> None:
    calls: list[Callable[[], object]] = [
        lambda: store.query_events(
            instance_id, event_types=types, keyword=keyword, limit=limit, offset=offset, after_sequence=after
        ),
        lambda: store.get_latest_events(instance_id or ODIN, limit),
        lambda: store.replay_events(instance_id or ODIN, after),
        lambda: store.aggregate_events_by_type(instance_id),
    ]
    for call in calls:
        try:
            call()
        except EventStoreError as exc:
            assert our_code(exc.sqlstate), f"{exc.sqlstate}: {exc.message}"


def test_nul_in_json_is_refused_with_our_code(store: EventStore, raw: psycopg.Connection[Any]) -> None:
    """A JSON string holding U+0000 (jsonb cannot store it)."""
    store.register_instance(ODIN, "PS", "fuzz")
    for call in (
        lambda: store.emit_event(ODIN, "commit_created", {"commit_sha": "a\x00", "message": "m"}),
        lambda: store.emit_event(
            ODIN, "commit_created", {"commit_sha": "a", "message": "m"}, metadata={"k": "\x00"}
        ),
    ):
        with pytest.raises(EventStoreError) as caught:
            call()
        assert our_code(caught.value.sqlstate), f"{caught.value.sqlstate}: {caught.value.message}"
    assert count(raw) == 1


# --- the MCP server ------------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def refused_by_us(result: CallToolResult) -> bool:
    """A tool error with our code, or the SDK's refusal of input that breaks the tool's schema."""
    text = text_of(result)
    assert "Traceback" not in text, text
    return "[ES0" in text or "validation error" in text


@pytest.mark.anyio
@settings(FUZZ, max_examples=40)  # a server per example: fewer
@given(
    instance_id=INSTANCES,
    event_type=TYPES,
    data=DATA,
    metadata=METADATA,
    event_id=st.none() | st.uuids().map(str) | TEXT,
    limit=LIMITS,
    keyword=st.none() | TEXT,
)
async def test_mcp_tools(
    dsn: str,
    instance_id: str,
    event_type: str,
    data: dict[str, Any],
    metadata: dict[str, Any] | None,
    event_id: str | None,
    limit: int,
    keyword: str | None,
) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.register_instance(%s, 'PS', 'fuzz')", (ODIN,))
        before = count(conn)
    arguments: dict[str, Any] = {"instance_id": instance_id, "event_type": event_type, "event_data": data}
    arguments |= {"metadata": metadata} if metadata is not None else {}
    arguments |= {"event_id": event_id} if event_id is not None else {}
    async with Client(create_server(dsn, timeout=3), cache=None) as client:
        result = await client.call_tool(EMIT_TOOL, arguments)
        note("refused" if result.is_error else "stored")
        if result.is_error:
            assert refused_by_us(result), text_of(result)
            with psycopg.connect(dsn, autocommit=True) as conn:
                assert count(conn) == before
        else:
            assert isinstance(result.structured_content, dict)
            found = await client.call_tool(
                "get_event_by_id", {"event_id": result.structured_content["event_id"]}
            )
            assert not found.is_error, text_of(found)
            assert isinstance(found.structured_content, dict)
            assert same_json(found.structured_content["event"]["event_data"], data)
        filters = {"keyword": keyword} if keyword else None
        for tool, args in (
            ("query_events", {"instance_id": instance_id, "limit": limit, "filters": filters}),
            ("get_latest_events", {"instance_id": instance_id, "limit": limit}),
            ("replay_events", {"instance_id": instance_id}),
        ):
            answer = await client.call_tool(tool, args)
            assert not answer.is_error or refused_by_us(answer), text_of(answer)
