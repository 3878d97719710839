"""The change-feed tools: read the whole store in order, and wait for news (a long poll), so an
agent (a meta supervisor following its project supervisors) can follow without a busy loop.

Each tool is one call of ``AsyncEventStore`` (``read_all``, ``wait_for_events``,
``list_subscriptions``); the order and the cursors are the SQL's (``event_store.read_all``).
"""

from __future__ import annotations

from typing import Annotated

from mcp.types import CallToolResult
from pydantic import BaseModel, Field, RootModel

from ..models import Event
from ..subscriptions import FeedPage, SubscriptionSlot, names
from .fields import EventTypeFilter, _InstanceIdText
from .registry import READ_ONLY, ToolContext, store_of, tool
from .results import events_summary, reply

Cursor = Annotated[
    str | None,
    Field(
        description="Where to read from: the 'cursor' a previous call returned (read on after it), "
        "'beginning', 'end' (only what commits from now on), or an ISO 8601 time.",
        min_length=1,
        max_length=200,
    ),
]
EventTypes = Annotated[
    list[EventTypeFilter] | None,
    Field(description="Only these event types, e.g. ['epic_completed', 'test_failed'].", max_length=100),
]
InstanceIds = Annotated[
    list[_InstanceIdText] | None,
    Field(description="Only these instances, e.g. ['odin-PS-8f4a2b'].", max_length=1000),
]
Project = Annotated[
    str | None,
    Field(description="Only instances of this project, e.g. 'odin'.", min_length=1, max_length=200),
]
Limit = Annotated[int, Field(ge=1, le=1000, description="At most this many events, 1-1000.")]


class SubscriptionList(BaseModel):
    """Every subscription slot (one per consumer-group member) with its lag."""

    subscriptions: list[SubscriptionSlot]


def _page_summary(head: str, page: FeedPage) -> str:
    return events_summary(f"{head} Next cursor: {page.cursor}", list[Event](page.events))


@tool(
    READ_ONLY,
    """\
Read the events of all instances in change-feed order, after a cursor: every committed event
exactly once, each instance's in sequence order (an event that commits late is never skipped).

Use it to catch up on the whole fleet, then keep the returned cursor and pass it as 'after'
next time (or wait with wait_for_events). Omit 'after' to start from the beginning.
Filters combine with AND. Returns events (each with its own cursor) and cursor (where to read on).

Example: {"event_types": ["epic_completed", "epic_failed"], "project": "odin", "limit": 100}""",
)
async def read_all(
    ctx: ToolContext,
    after: Cursor = None,
    event_types: EventTypes = None,
    instance_ids: InstanceIds = None,
    project: Project = None,
    limit: Limit = 100,
) -> Annotated[CallToolResult, RootModel[FeedPage]]:
    cursor = await store_of(ctx).feed_cursor(after)  # a start point ('beginning', 'end', a time) or a cursor
    events = await store_of(ctx).read_all(
        cursor, limit=limit, event_types=names(event_types), instance_ids=names(instance_ids), project=project
    )
    page = FeedPage(events, events[-1].cursor if events else cursor)
    more = "more may follow: call again with the cursor" if len(events) == limit else "caught up"
    return reply(_page_summary(f"{len(events)} events ({more}).", page), page)


@tool(
    READ_ONLY,
    """\
Wait (long poll, at most timeout_seconds, 0-60) for events after a cursor, matching filters;
returns as soon as there are some, or an empty list at the timeout, and always the cursor to
wait from next time.

Use it to follow other supervisors without a busy loop: call it with 'after' = the cursor the
last call returned; the first time, omit 'after' (= 'end': only what happens from now on).

Example: {"after": "f1.1234.56.9a3c01f", "event_types": ["test_failed"], "timeout_seconds": 60}""",
)
async def wait_for_events(
    ctx: ToolContext,
    after: Cursor = "end",
    event_types: EventTypes = None,
    instance_ids: InstanceIds = None,
    project: Project = None,
    timeout_seconds: Annotated[
        float, Field(ge=0, le=60, description="Wait at most this long for events, 0-60 seconds.")
    ] = 30,
    limit: Limit = 100,
) -> Annotated[CallToolResult, RootModel[FeedPage]]:
    page = await store_of(ctx).wait_for_events(
        after,
        timeout_seconds=timeout_seconds,
        limit=limit,
        event_types=names(event_types),
        instance_ids=names(instance_ids),
        project=project,
    )
    head = f"{len(page.events)} new events." if page.events else f"No new events in {timeout_seconds:g} s."
    return reply(_page_summary(head, page), page)


@tool(
    READ_ONLY,
    """\
List the named subscriptions (consumers with a server-side checkpoint, one row per
consumer-group member) with how far behind they are (events and seconds), and the oldest
open transaction of the database, which holds every follower back.

Use it to see whether a consumer (a checkpoint trigger, a projection) keeps up, or why it stalls.

Example: {}""",
)
async def list_subscriptions(ctx: ToolContext) -> Annotated[CallToolResult, SubscriptionList]:
    slots = await store_of(ctx).list_subscriptions()
    lines = [
        f"{s.subscription_name} slot {s.slot}/{s.members}: {s.events_behind} events behind" for s in slots
    ]
    return reply(
        "\n".join([f"{len(slots)} subscription slots:", *lines]), SubscriptionList(subscriptions=slots)
    )
