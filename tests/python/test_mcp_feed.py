"""The change-feed MCP tools through the SDK's in-memory client: read_all pages with cursors,
wait_for_events as a bounded long poll, list_subscriptions, and their errors."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client

from supervisor_event_store import AsyncEventStore
from supervisor_event_store.mcp.server import create_server
from test_mcp import call, fail

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def client(dsn: str) -> AsyncIterator[Client]:
    async with Client(create_server(dsn, timeout=3), cache=None) as connected:
        yield connected


@pytest.fixture
async def store(dsn: str) -> AsyncIterator[AsyncEventStore]:
    async with AsyncEventStore(dsn) as opened:
        for name, project in (("m-PS-1", "odin"), ("m-PS-2", "odin"), ("m-PS-3", "thor")):
            await opened.register_instance(name, "PS", project)
        yield opened


def _seen(page: dict[str, Any]) -> list[tuple[str, str]]:
    return [(e["instance_id"], e["event_type"]) for e in page["events"]]


async def test_the_feed_tools_publish_schemas(client: Client) -> None:
    tools = {tool.name: tool for tool in (await client.list_tools()).tools}
    for name in ("read_all", "wait_for_events", "list_subscriptions"):
        assert tools[name].annotations is not None
        assert tools[name].annotations.read_only_hint is True
        assert tools[name].output_schema is not None
    wait = tools["wait_for_events"].input_schema["properties"]["timeout_seconds"]
    assert (wait["minimum"], wait["maximum"]) == (0, 60)


async def test_read_all_pages_with_cursors_and_filters(client: Client, store: AsyncEventStore) -> None:
    await store.emit_event("m-PS-1", "epic_started", {"epic_id": "E-1"})
    await store.emit_event("m-PS-3", "epic_started", {"epic_id": "E-2"})
    first = await call(client, "read_all", limit=2)
    assert _seen(first) == [("m-PS-1", "instance_registered"), ("m-PS-2", "instance_registered")]
    assert first["cursor"] == first["events"][-1]["cursor"]
    rest = await call(client, "read_all", after=first["cursor"])
    assert _seen(rest) == [
        ("m-PS-3", "instance_registered"),
        ("m-PS-1", "epic_started"),
        ("m-PS-3", "epic_started"),
    ]
    caught_up = await call(client, "read_all", after=rest["cursor"])
    assert caught_up == {"events": [], "cursor": rest["cursor"]}
    odin = await call(client, "read_all", event_types=["epic_started"], project="odin")
    assert _seen(odin) == [("m-PS-1", "epic_started")]
    assert _seen(await call(client, "read_all", instance_ids=["m-PS-3"], after="beginning")) == [
        ("m-PS-3", "instance_registered"),
        ("m-PS-3", "epic_started"),
    ]
    assert (await call(client, "read_all", after="end"))["events"] == []
    assert "[ES006]" in await fail(client, "read_all", after="f1.1.2.3")
    assert "[ES001]" in await fail(client, "read_all", event_types=["epic_strated"])
    assert "[ES002]" in await fail(client, "read_all", instance_ids=["m-PS-9"])


async def test_wait_for_events_blocks_until_news_or_the_timeout(
    client: Client, store: AsyncEventStore
) -> None:
    started = time.monotonic()
    empty = await call(client, "wait_for_events", timeout_seconds=0.5)
    assert empty["events"] == []
    assert 0.4 <= time.monotonic() - started < 3
    cursor = empty["cursor"]

    async def later() -> None:
        await asyncio.sleep(0.5)
        await store.emit_event("m-PS-2", "test_failed", {"test_suite": "unit"})
        await store.emit_event("m-PS-1", "epic_started", {"epic_id": "E-9"})

    writer = asyncio.create_task(later())
    started = time.monotonic()
    news = await call(
        client, "wait_for_events", after=cursor, event_types=["epic_started"], timeout_seconds=20
    )
    await writer
    assert _seen(news) == [("m-PS-1", "epic_started")]
    assert time.monotonic() - started < 5, "returned soon after the commit, long before the timeout"
    # The test_failed event is before the returned cursor (filtered out), never delivered later.
    assert (await call(client, "wait_for_events", after=news["cursor"], timeout_seconds=0))[
        "events"
    ] == []
    everything = await call(client, "wait_for_events", after=cursor, timeout_seconds=0)
    assert _seen(everything) == [("m-PS-2", "test_failed"), ("m-PS-1", "epic_started")]
    assert "timeout_seconds" in await fail(client, "wait_for_events", timeout_seconds=61)


async def test_list_subscriptions(client: Client, store: AsyncEventStore) -> None:
    assert await call(client, "list_subscriptions") == {"subscriptions": []}
    await store.create_subscription("mcp-sub", members=2)
    listed = await call(client, "list_subscriptions")
    assert [(s["subscription_name"], s["slot"]) for s in listed["subscriptions"]] == [
        ("mcp-sub", 0),
        ("mcp-sub", 1),
    ]
    assert sum(s["events_behind"] for s in listed["subscriptions"]) == 3
