"""The MCP server as a real process, started by its entry point: over stdio and streamable HTTP."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters
from mcp.types import CallToolResult

from conftest import free_port, rows, text_of, wait_for_port

pytestmark = pytest.mark.anyio

EVENT_STORE = str(Path(sys.executable).with_name("event-store"))
ODIN = "odin-PS-8f4a2b"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def agent_session(client: Client, dsn: str) -> None:
    """What an agent does first: list tools, register, make a typo, emit, look back."""
    names = {tool.name for tool in (await client.list_tools()).tools}
    assert {"emit_event", "query_events", "replay_events"} <= names

    registered = await client.call_tool(
        "register_instance", {"instance_id": ODIN, "instance_type": "PS", "project": "odin"}
    )
    assert isinstance(registered, CallToolResult)
    assert not registered.is_error, text_of(registered)

    typo = await client.call_tool(
        "emit_event",
        {"instance_id": ODIN, "event_type": "epic_strated", "event_data": {"epic_id": "E-1"}},
    )
    assert isinstance(typo, CallToolResult)
    assert typo.is_error
    assert "[ES001]" in text_of(typo)
    assert "epic_started" in text_of(typo)

    emitted = await client.call_tool(
        "emit_event",
        {"instance_id": ODIN, "event_type": "epic_started", "event_data": {"epic_id": "E-1"}},
    )
    assert isinstance(emitted, CallToolResult)
    assert not emitted.is_error, text_of(emitted)
    assert isinstance(emitted.structured_content, dict)
    stored = rows(
        dsn, "SELECT event_id::text, sequence_num FROM event_store.events WHERE event_type = 'epic_started'"
    )
    assert stored == [(emitted.structured_content["event_id"], 2)]

    latest = await client.call_tool("get_latest_events", {"instance_id": ODIN, "limit": 5})
    assert isinstance(latest, CallToolResult)
    assert isinstance(latest.structured_content, dict)
    assert [e["event_type"] for e in latest.structured_content["events"]] == [
        "epic_started",
        "instance_registered",
    ]


async def test_stdio_subprocess(dsn: str) -> None:
    params = StdioServerParameters(command=EVENT_STORE, args=["mcp"], env={"DATABASE_URL": dsn})
    async with Client(params, cache=None) as client:
        await agent_session(client, dsn)


async def test_stdio_subprocess_given_the_dsn_as_an_argument(dsn: str) -> None:
    """No DATABASE_URL in the server's environment: ``--dsn`` alone picks the database."""
    params = StdioServerParameters(command=EVENT_STORE, args=["mcp", "--dsn", dsn])
    async with Client(params, cache=None) as client:
        await agent_session(client, dsn)


@pytest.fixture
def http_server(dsn: str) -> Iterator[str]:
    """``event-store mcp --http`` on a free port of 127.0.0.1; its URL."""
    port = free_port()
    process = subprocess.Popen(
        [EVENT_STORE, "mcp", "--http", "--port", str(port)],
        env={**os.environ, "DATABASE_URL": dsn},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def test_streamable_http(http_server: str, dsn: str) -> None:
    async with Client(http_server, cache=None) as client:
        await agent_session(client, dsn)
