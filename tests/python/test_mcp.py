"""The MCP server through the SDK's in-memory client, against real databases (never a mock)."""

from __future__ import annotations

import inspect
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult, TextResourceContents

from conftest import BIG, PrivateCluster, rows, text_of
from supervisor_event_store import AsyncEventStore
from supervisor_event_store.mcp import registry
from supervisor_event_store.mcp.server import EMIT_TOOL, create_server

pytestmark = pytest.mark.anyio

TOOLS = {
    "emit_event",
    "query_events",
    "replay_events",
    "list_event_types",
    "aggregate_events_by_type",
    "get_latest_events",
    "register_instance",
    "heartbeat",
    "get_event_by_id",
    "list_instances",
    "read_all",
    "wait_for_events",
    "list_subscriptions",
}
READ_ONLY = TOOLS - {"emit_event", "register_instance", "heartbeat"}
ODIN = "odin-PS-8f4a2b"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(dsn: str) -> AsyncIterator[Client]:
    async with Client(create_server(dsn, timeout=3), cache=None) as connected:
        yield connected


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """Call a tool that must succeed; its structured content."""
    result = await client.call_tool(tool, arguments)
    assert isinstance(result, CallToolResult)
    assert not result.is_error, text_of(result)
    assert isinstance(result.structured_content, dict)
    # The readable text carries the same data after a one-line summary.
    _summary, _, body = text_of(result).partition("\n{")
    assert json.loads("{" + body) == result.structured_content
    return result.structured_content


async def fail(client: Client, tool: str, **arguments: Any) -> str:
    """Call a tool that must fail as a tool error (never a crash); its text."""
    result = await client.call_tool(tool, arguments)
    assert isinstance(result, CallToolResult)
    assert result.is_error
    text = text_of(result)
    assert "Traceback" not in text
    return text


async def register(client: Client, instance_id: str = ODIN) -> dict[str, Any]:
    return await call(
        client, "register_instance", instance_id=instance_id, instance_type="PS", project="odin"
    )


async def test_each_tool_runs_the_client_method_of_its_name() -> None:
    """Tool name = AsyncEventStore method = SQL function (the client's tests check the last)."""
    assert set(registry.TOOLS) == TOOLS
    for name, tool in registry.TOOLS.items():
        assert inspect.iscoroutinefunction(getattr(AsyncEventStore, name)), name
        assert f"store_of(ctx).{name}(" in inspect.getsource(inspect.unwrap(tool.fn)), name


async def test_tools_are_listed_with_descriptions_and_schemas(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    assert set(tools) == TOOLS
    for name, tool in tools.items():
        assert tool.description, name
        assert "Example" in tool.description, name
        assert "Use it" in tool.description, name
        assert tool.output_schema, name
        assert tool.output_schema["type"] == "object", name
        for field, schema in tool.input_schema.get("properties", {}).items():
            assert schema.get("description"), f"{name}.{field} has no description"
        assert tool.annotations is not None
        assert tool.annotations.read_only_hint is (name in READ_ONLY), name
    limit = tools["query_events"].input_schema["properties"]["limit"]
    assert (limit["minimum"], limit["maximum"]) == (1, 1000)
    assert tools["emit_event"].input_schema["required"] == [
        "instance_id",
        "event_type",
        "event_data",
    ]


async def test_an_argument_a_tool_does_not_take_is_an_error(client: Client) -> None:
    """The SDK drops unknown arguments: a filter beside ``filters`` instead of inside it would
    return every event, unfiltered. Every tool refuses them, and its schema says so."""
    for tool in (await client.list_tools()).tools:
        assert tool.input_schema.get("additionalProperties") is False, tool.name
    await register(client)
    await call(client, "emit_event", instance_id=ODIN, event_type="epic_started",
               event_data={"epic_id": "E-1"})
    text = await fail(client, "query_events", keyword="E-1")
    assert "keyword" in text
    assert "Extra inputs are not permitted" in text
    text = await fail(client, "query_events", filters={"keyword": "E-1", "instance": ODIN})
    assert "instance" in text
    found = await call(client, "query_events", filters={"keyword": "E-1"})
    assert found["total_count"] == 1


async def test_emit_description_lists_the_event_types_from_the_database(client: Client, dsn: str) -> None:
    emit = next(t for t in (await client.list_tools()).tools if t.name == EMIT_TOOL)
    assert emit.description is not None
    for (event_type,) in rows(dsn, "SELECT event_type FROM event_store.event_types"):
        assert f"- {event_type} [" in emit.description
    assert "- epic_failed [epic]: epic_id (string), reason (string)" in emit.description
    assert "- instance_registered [instance]: instance_type (PS|MS), project (string)" in emit.description
    assert "could not be read" not in emit.description


async def test_a_supervisor_session(client: Client, dsn: str) -> None:
    instance = await register(client)
    assert (instance["instance_id"], instance["status"], instance["last_sequence_num"]) == (ODIN, "active", 1)

    emitted = await call(
        client,
        "emit_event",
        instance_id=ODIN,
        event_type="epic_started",
        event_data={"epic_id": "E-1", "feature_name": "login"},
        metadata={"agent": "claude"},
        expected_sequence=1,
    )
    stored = rows(
        dsn,
        "SELECT sequence_num, event_type, event_data, metadata FROM event_store.events WHERE event_id = %s",
        emitted["event_id"],
    )
    assert stored == [(2, "epic_started", {"epic_id": "E-1", "feature_name": "login"}, {"agent": "claude"})]
    assert emitted["sequence_num"] == 2

    beat = await call(client, "heartbeat", instance_id=ODIN, context_percent=42.5)
    assert beat["sequence_num"] == 3
    await call(
        client,
        "emit_event",
        instance_id=ODIN,
        event_type="test_failed",
        event_data={"test_suite": "auth"},
    )

    found = await call(client, "get_event_by_id", event_id=emitted["event_id"])
    assert found["event"]["event_type"] == "epic_started"
    assert found["event"]["event_data"] == {"epic_id": "E-1", "feature_name": "login"}
    missing = await call(client, "get_event_by_id", event_id=str(uuid.uuid4()))
    assert missing == {"event": None}

    latest = await call(client, "get_latest_events", instance_id=ODIN, limit=2)
    assert [e["sequence_num"] for e in latest["events"]] == [4, 3]

    page = await call(
        client,
        "query_events",
        instance_id=ODIN,
        filters={"event_type": ["epic_started", "test_failed"]},
        limit=1,
    )
    assert (page["total_count"], page["has_more"]) == (2, True)
    assert [e["event_type"] for e in page["events"]] == ["epic_started"]
    one_type = await call(
        client, "query_events", filters={"event_type": "test_failed", "keyword": "AUTH"}
    )
    assert [e["sequence_num"] for e in one_type["events"]] == [4]
    after = await call(client, "query_events", instance_id=ODIN, after_sequence=2)
    assert [e["sequence_num"] for e in after["events"]] == [3, 4]

    counts = await call(client, "aggregate_events_by_type", instance_id=ODIN)
    by_type = {c["event_type"]: c["event_count"] for c in counts["counts"]}
    assert by_type == dict(
        rows(dsn, "SELECT event_type, count(*)::int FROM event_store.events GROUP BY event_type")
    )

    replay = await call(client, "replay_events", instance_id=ODIN)
    assert replay["events_replayed"] == 4
    assert replay["final_state"]["current_epic"]["epic_id"] == "E-1"
    assert replay["final_state"]["tests"]["failed"] == 1
    partial = await call(client, "replay_events", instance_id=ODIN, to_sequence_num=1)
    assert partial["events_replayed"] == 1

    instances = await call(client, "list_instances", status="active")
    assert [(i["instance_id"], i["last_sequence_num"]) for i in instances["instances"]] == [(ODIN, 4)]

    state = await client.read_resource(f"event-store://instances/{ODIN}/state")
    content = state.contents[0]
    assert isinstance(content, TextResourceContents)
    assert json.loads(content.text) == replay["final_state"]


async def test_query_events_total_beyond_10000_is_a_lower_bound(big_dsn: str) -> None:
    async with Client(create_server(big_dsn, timeout=3), cache=None) as big:
        schema = {t.name: t for t in (await big.list_tools()).tools}["query_events"]
        exact_count = schema.input_schema["properties"]["exact_count"]
        assert (exact_count["type"], exact_count["default"]) == ("boolean", False)
        assert "slower" in exact_count["description"]
        assert schema.output_schema is not None
        assert "total_exact" in schema.output_schema["required"]

        filters = {"event_type": "test_failed"}
        result = await big.call_tool("query_events", {"filters": filters, "limit": 2})
        assert text_of(result).startswith("2 of 10,000+ matching events (more pages follow).")
        page = await call(big, "query_events", filters=filters, limit=2)
        assert (page["total_count"], page["total_exact"], page["has_more"]) == (10_000, False, True)
        exact = await call(big, "query_events", filters=filters, limit=2, exact_count=True)
        assert (exact["total_count"], exact["total_exact"]) == (10_500, True)
        few = await call(big, "query_events", instance_id=BIG, filters={"event_type": "test_passed"}, limit=2)
        assert (few["total_count"], few["total_exact"]) == (600, True)


async def test_list_event_types(client: Client, dsn: str) -> None:
    everything = await call(client, "list_event_types")
    assert (
        len(everything["event_types"]) == rows(dsn, "SELECT count(*) FROM event_store.event_types")[0][0]
    )
    testing = await call(client, "list_event_types", category="testing")
    assert {t["event_type"] for t in testing["event_types"]} == {
        "test_started",
        "test_passed",
        "test_failed",
        "validation_passed",
        "validation_failed",
    }
    assert all(t["data_schema"]["type"] == "object" for t in testing["event_types"])


def emit_args(**overrides: Any) -> dict[str, Any]:
    """Arguments of a valid epic_started emit for ODIN, with some replaced."""
    return {"instance_id": ODIN, "event_type": "epic_started", "event_data": {"epic_id": "E"}, **overrides}


async def test_database_errors_reach_the_agent_with_code_and_hint(client: Client) -> None:
    await register(client)
    typo = await fail(client, EMIT_TOOL, **emit_args(event_type="epic_strated"))
    assert '[ES001] unknown event_type "epic_strated"' in typo
    assert "Hint:" in typo
    assert "epic_started" in typo.split("Hint:", 1)[1]

    missing = await fail(client, EMIT_TOOL, **emit_args(event_type="epic_failed"))
    assert "[ES003]" in missing
    assert "reason" in missing

    nobody = await fail(client, EMIT_TOOL, **emit_args(instance_id="nobody"))
    assert "[ES002]" in nobody
    assert "nobody" in nobody

    assert "[ES004]" in await fail(client, EMIT_TOOL, **emit_args(expected_sequence=0))

    event_id = str(uuid.uuid4())
    first = await call(client, EMIT_TOOL, **emit_args(event_id=event_id))
    assert await call(client, EMIT_TOOL, **emit_args(event_id=event_id)) == first
    reused = await fail(client, EMIT_TOOL, **emit_args(event_id=event_id, event_data={"epic_id": "F"}))
    assert "[ES007]" in reused

    assert "[ES001]" in await fail(client, "query_events", filters={"event_type": "tset_failed"})
    assert "[ES002]" in await fail(client, "replay_events", instance_id="nobody")
    assert "[ES002]" in await fail(client, "heartbeat", instance_id="nobody")
    with pytest.raises(MCPError, match="ES002"):
        await client.read_resource("event-store://instances/nobody/state")


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        (EMIT_TOOL, {"instance_id": ODIN, "event_type": "epic_started"}, "event_data"),
        (
            EMIT_TOOL,
            {"instance_id": "bad id!", "event_type": "epic_started", "event_data": {}},
            "instance_id",
        ),
        (EMIT_TOOL, {"instance_id": ODIN, "event_type": "epic_started", "event_data": [1]}, "event_data"),
        (
            EMIT_TOOL,
            {"instance_id": ODIN, "event_type": "x", "event_data": {}, "event_id": "nope"},
            "event_id",
        ),
        ("query_events", {"limit": 1001}, "limit"),
        ("query_events", {"offset": -1}, "offset"),
        ("query_events", {"filters": {"start_date": "yesterday"}}, "start_date"),
        ("query_events", {"exact_count": "very"}, "exact_count"),
        ("get_latest_events", {"instance_id": ODIN, "limit": 0}, "limit"),
        ("replay_events", {"instance_id": ODIN, "to_sequence_num": -1}, "to_sequence_num"),
        (
            "register_instance",
            {"instance_id": ODIN, "instance_type": "XX", "project": "p"},
            "instance_type",
        ),
        ("heartbeat", {"instance_id": ODIN, "context_percent": 101}, "context_percent"),
        ("get_event_by_id", {}, "event_id"),
        ("aggregate_events_by_type", {"instance_id": "x" * 33}, "instance_id"),
        ("list_event_types", {"category": ""}, "category"),
        ("list_instances", {"status": "gone"}, "status"),
    ],
)
async def test_invalid_input_is_a_tool_error_naming_the_field(
    client: Client, tool: str, arguments: dict[str, Any], field: str
) -> None:
    assert field in await fail(client, tool, **arguments)


async def test_database_down_then_up(private_cluster: PrivateCluster) -> None:
    """Nothing listens at start-up: the server starts anyway, tools fail cleanly, and recover."""
    async with Client(create_server(private_cluster.dsn, timeout=1.5), cache=None) as client:
        emit = next(t for t in (await client.list_tools()).tools if t.name == EMIT_TOOL)
        assert emit.description
        assert "list_event_types" in emit.description
        down = await fail(client, "list_instances")
        assert f"127.0.0.1:{private_cluster.port}" in down
        assert "reconnects by itself" in down

        private_cluster.start()
        await register(client)
        private_cluster.stop()
        assert f"127.0.0.1:{private_cluster.port}" in await fail(
            client, "heartbeat", instance_id=ODIN
        )

        private_cluster.start()
        assert (await call(client, "heartbeat", instance_id=ODIN))["sequence_num"] == 2
