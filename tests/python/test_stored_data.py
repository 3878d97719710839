"""Issue 10, defect 4 (client side): whatever is already stored, the Python clients, the CLI and the
MCP server answer with the data or a typed error -- never a RecursionError, a ValueError or a
traceback. The rows are planted as the superuser, behind the API, as rows written before the
store refused such input at write time would be."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from mcp import Client
from mcp.types import CallToolResult

from conftest import text_of
from supervisor_event_store import EventStore
from supervisor_event_store._sql import MAX_JSON_DEPTH
from supervisor_event_store.errors import UnreadableDataError
from supervisor_event_store.mcp.server import EMIT_TOOL, create_server

EVENT_STORE = str(Path(sys.executable).with_name("event-store"))
BAD = "bad-PS-1"
GOOD = "good-PS-1"


def nested(levels: int, leaf: str = "1") -> str:
    """JSON text of ``levels`` nested objects."""
    return '{"a": ' * levels + leaf + "}" * levels


# What the issue stored through the API before the write-time limits: JSON 1,500 levels deep,
# an integer of 100,001 digits (`1e100000` is taken as an integer).
DEEP_DATA = nested(1500)
HUGE_NUMBER = '{"commit_sha": "abc", "message": "m", "pr_number": 1e100000}'
BAD_DATA = {"deep": DEEP_DATA, "huge_number": HUGE_NUMBER}


def plant_event(conn: psycopg.Connection[Any], instance_id: str, data: str) -> None:
    """Append a commit_created event with ``data`` to the instance's stream, behind the API."""
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")  # no triggers: a legacy row
        conn.execute(
            """
            WITH head AS (
                UPDATE event_store.instances SET last_sequence_num = last_sequence_num + 1
                 WHERE instance_id = %(id)s RETURNING last_sequence_num)
            INSERT INTO event_store.events
                   (instance_id, event_type, sequence_num, "timestamp", event_data, created_at, updated_at)
            SELECT %(id)s, 'commit_created', last_sequence_num, now(), %(data)s::jsonb, now(), now()
              FROM head""",
            {"id": instance_id, "data": data},
        )


def plant_instance_metadata(conn: psycopg.Connection[Any], instance_id: str, metadata: str) -> None:
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(
            "UPDATE event_store.instances SET metadata = %s::jsonb WHERE instance_id = %s",
            (metadata, instance_id),
        )


def plant_event_type(conn: psycopg.Connection[Any], schema: str) -> None:
    with conn.transaction():
        conn.execute("SET LOCAL session_replication_role = replica")
        conn.execute(
            "INSERT INTO event_store.event_types (event_type, category, description, data_schema) "
            "VALUES ('huge_bound', 'git', 'a schema bound of 100,001 digits', %s::jsonb)",
            (schema,),
        )


HUGE_SCHEMA = '{"type": "object", "properties": {"n": {"type": "integer", "maximum": 1e100000}}}'


def register(conn: psycopg.Connection[Any], *instance_ids: str) -> None:
    for instance_id in instance_ids:
        conn.execute("SELECT event_store.register_instance(%s, 'PS', 'odin')", (instance_id,))


# --- the clients (sync and async) ----------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(BAD_DATA))
def test_unreadable_event_data_is_a_typed_error(
    store: EventStore, raw: psycopg.Connection[Any], kind: str
) -> None:
    register(raw, BAD, GOOD)
    plant_event(raw, BAD, BAD_DATA[kind])
    store.emit_event(GOOD, "commit_created", {"commit_sha": "abc", "message": "fine"})
    calls: list[Callable[[], object]] = [
        lambda: store.query_events(BAD),
        lambda: store.query_events(),
        lambda: store.get_latest_events(BAD),
    ]
    for call in calls:
        with pytest.raises(UnreadableDataError) as caught:
            call()
        assert caught.value.message.split(":")[0] in {"query_events", "get_latest_events"}
        assert caught.value.hint
    # The rest of the store stays readable, and so do the bad stream's other events.
    assert [e.sequence_num for e in store.query_events(GOOD).events] == [1, 2]
    assert [e.event_type for e in store.query_events(BAD, limit=1).events] == ["instance_registered"]
    assert store.get_event_count(BAD) == 2
    store.replay_events(BAD)  # the fold does not copy these fields into the state


def test_deep_instance_metadata_is_a_typed_error(store: EventStore, raw: psycopg.Connection[Any]) -> None:
    register(raw, BAD, GOOD)
    plant_instance_metadata(raw, BAD, nested(10_000))
    with pytest.raises(UnreadableDataError, match="list_instances: stored JSON is nested more than"):
        store.list_instances()
    with pytest.raises(UnreadableDataError):
        store.register_instance(BAD, "PS", "odin")  # returns the row it updated: same error


def test_huge_schema_bound_is_a_typed_error(store: EventStore, raw: psycopg.Connection[Any]) -> None:
    plant_event_type(raw, HUGE_SCHEMA)
    with pytest.raises(UnreadableDataError, match="list_event_types: stored JSON holds a number"):
        store.list_event_types()
    assert {t.event_type for t in store.list_event_types("testing")} >= {"test_failed"}


def test_json_as_deep_as_the_client_reads_comes_back_equal(
    store: EventStore, raw: psycopg.Connection[Any]
) -> None:
    register(raw, BAD)
    data = f'{{"commit_sha": "abc", "message": "m", "deep": {nested(MAX_JSON_DEPTH - 1)}}}'
    plant_event(raw, BAD, data)
    plant_event(raw, BAD, '{"commit_sha": "abc", "message": "m", "n": 1e4000, "f": 1.5e-400}')
    deep, big = store.query_events(BAD, event_types="commit_created").events
    assert deep.event_data == json.loads(data)
    assert big.event_data["n"] == 10**4000
    plant_event(raw, BAD, f'{{"deep": {nested(MAX_JSON_DEPTH)}}}')
    with pytest.raises(UnreadableDataError):
        store.get_latest_events(BAD, 1)


# --- the CLI -------------------------------------------------------------------------------------


def cli(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"DATABASE_URL": dsn}
    return subprocess.run(
        [EVENT_STORE, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


def test_cli_prints_one_line_for_unreadable_rows(dsn: str, raw: psycopg.Connection[Any]) -> None:
    register(raw, BAD, GOOD)
    plant_event(raw, BAD, DEEP_DATA)
    plant_event(raw, GOOD, HUGE_NUMBER)
    plant_instance_metadata(raw, GOOD, nested(10_000))
    plant_event_type(raw, HUGE_SCHEMA)
    for args in (
        ["query", BAD],
        ["query", GOOD, "--json"],
        ["query"],
        ["tail", BAD, "-n", "5"],
        ["instances"],
        ["types"],
        ["types", "--json"],
    ):
        result = cli(dsn, *args)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        [line] = result.stderr.splitlines()
        assert line.startswith("event-store: "), line
        assert "stored JSON" in line, line
    assert cli(dsn, "replay", BAD, "--json").returncode == 0


# --- the MCP server ------------------------------------------------------------------------------


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def planted(dsn: str) -> str:
    with psycopg.connect(dsn, autocommit=True) as conn:
        register(conn, BAD, GOOD)
        plant_event(conn, BAD, DEEP_DATA)
        plant_event(conn, GOOD, HUGE_NUMBER)
        plant_instance_metadata(conn, GOOD, nested(10_000))
        plant_event_type(conn, HUGE_SCHEMA)
    return dsn


async def tool_error(client: Client, tool: str, **arguments: Any) -> str:
    result = await client.call_tool(tool, arguments)
    assert isinstance(result, CallToolResult)
    assert result.is_error
    text = text_of(result)
    assert "Traceback" not in text, text
    return text


@pytest.mark.anyio
async def test_mcp_server_starts_and_answers_tool_errors(planted: str) -> None:
    async with Client(create_server(planted, timeout=3), cache=None) as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}
        assert "could not be read from the database" in (tools[EMIT_TOOL].description or "")
        for tool, arguments in (
            ("query_events", {"instance_id": BAD}),
            ("query_events", {"instance_id": GOOD}),
            ("get_latest_events", {"instance_id": BAD}),
            ("list_instances", {}),
            ("list_event_types", {}),
        ):
            text = await tool_error(client, tool, **arguments)
            assert "stored JSON" in text, text
            assert "Hint:" in text, text
        # Everything else still works.
        data = {"commit_sha": "a", "message": "m"}
        result = await client.call_tool(
            EMIT_TOOL, {"instance_id": BAD, "event_type": "commit_created", "event_data": data}
        )
        assert not result.is_error, text_of(result)
        result = await client.call_tool("list_event_types", {"category": "testing"})
        assert not result.is_error, text_of(result)


@pytest.mark.anyio
async def test_mcp_returns_json_as_deep_as_the_client_reads(dsn: str) -> None:
    data = f'{{"commit_sha": "abc", "message": "m", "deep": {nested(MAX_JSON_DEPTH - 1)}}}'
    with psycopg.connect(dsn, autocommit=True) as conn:
        register(conn, BAD)
        plant_event(conn, BAD, data)
    async with Client(create_server(dsn, timeout=3), cache=None) as client:
        for tool in ("get_latest_events", "query_events"):
            result = await client.call_tool(tool, {"instance_id": BAD})
            assert not result.is_error, text_of(result)
            assert isinstance(result.structured_content, dict)
            assert result.structured_content["events"][-1 if tool.endswith("query_events") else 0][
                "event_data"
            ] == json.loads(data)
