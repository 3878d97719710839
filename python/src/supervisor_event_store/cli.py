"""``event-store``: the command line. Human tables by default, ``--json`` on every command.

Errors print one line to stderr (no traceback) and exit non-zero: 1 for a failure reported by the
store or the cluster, 2 for a bad command line.
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import re
import sys
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from rich.console import Console
from rich.json import JSON
from rich.table import Table

from . import cluster, demo
from .client import EventStore
from .errors import EventStoreError, error_text
from .models import Event, QueryResult, json_default
from .subscriptions import Backoff, FeedEvent, SubscriptionSlot

console = Console(highlight=False, soft_wrap=True)
DEFAULT_HTTP_PORT = 8765  # event-store mcp --http


class UsageError(Exception):
    """A bad argument value (exit status 2)."""


# --- output ------------------------------------------------------------------------------------


def _dump(value: object) -> str:
    return json.dumps(value, default=json_default, indent=2, ensure_ascii=False)


def _compact(value: object) -> str:
    return json.dumps(value, default=json_default, ensure_ascii=False, separators=(", ", ": "))


def _when(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + "Z"


def _events_table(events: Sequence[Event], *, title: str | None = None, instance: bool = False) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column("seq", justify="right")
    table.add_column("timestamp (UTC)")
    if instance:
        table.add_column("instance")
    table.add_column("event_type")
    table.add_column("event_data", overflow="fold")
    for event in events:
        cells = [str(event.sequence_num), _when(event.timestamp)]
        if instance:
            cells.append(event.instance_id)
        table.add_row(*cells, event.event_type, _compact(event.event_data))
    return table


def _event_line(event: Event) -> str:
    when, data = _when(event.timestamp), _compact(event.event_data)
    return f"{event.sequence_num:>6}  {when}  {event.event_type:<24} {data}"


# --- argument values ---------------------------------------------------------------------------


def _json_object(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"invalid JSON {text[:80]!r}: {exc}") from exc
    except RecursionError as exc:
        raise UsageError(
            f"invalid JSON {text[:40]!r}...: nested too deeply (the store takes 32 levels)"
        ) from exc
    except ValueError as exc:  # e.g. an integer over Python's digit limit
        raise UsageError(f"invalid JSON {text[:40]!r}...: {exc}") from exc
    if not isinstance(value, dict):
        raise UsageError(f"expected a JSON object, got {text!r}")
    return value


_DURATION = re.compile(r"(\d+(?:\.\d+)?)([smhdw])")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


def _moment(text: str) -> datetime:
    """An ISO date/time, or a duration ago: ``30m``, ``2h``, ``3d``."""
    match = _DURATION.fullmatch(text)
    if match:
        try:
            return datetime.now(UTC) - timedelta(**{_UNITS[match[2]]: float(match[1])})
        except (OverflowError, ValueError) as exc:
            raise UsageError(f"invalid duration {text!r}: it reaches back before the year 1") from exc
    try:
        moment = datetime.fromisoformat(text)
    except ValueError as exc:
        raise UsageError(
            f"invalid date {text!r}: use ISO 8601 (2026-11-27T10:00Z) or a duration (30m, 2h, 3d)"
        ) from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _seconds(text: str) -> float:
    """A positive, finite number of seconds."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value <= 0:
        raise UsageError(f"invalid interval {text!r}: give a positive number of seconds, e.g. 0.5")
    return value


# --- commands ------------------------------------------------------------------------------------

Handler = Callable[[argparse.Namespace], int]


READ_DSN_VARIABLE = "EVENT_STORE_READ_DSN"


def _read_dsn(args: argparse.Namespace) -> str | None:
    """``--read-dsn``, else EVENT_STORE_READ_DSN, else None (every call on ``--dsn``)."""
    return getattr(args, "read_dsn", None) or os.environ.get(READ_DSN_VARIABLE) or None


def _store(args: argparse.Namespace) -> EventStore:
    return EventStore(args.dsn, read_dsn=_read_dsn(args), max_size=1, connect_timeout=5)


def cmd_db(args: argparse.Namespace) -> int:
    cluster.print_result(args, *cluster.run_db_command(args))
    return 0


def cmd_deploy(args: argparse.Namespace) -> int:
    cluster.print_result(args, *cluster.deploy(args))
    return 0


def cmd_register(args: argparse.Namespace) -> int:
    with _store(args) as store:
        instance = store.register_instance(
            args.instance_id, args.instance_type, args.project, metadata=args.metadata
        )
    if args.json:
        print(_dump(instance))
    else:
        console.print(
            f"registered {instance.instance_id} ({instance.instance_type}, {instance.project}): "
            f"{instance.status}"
        )
    return 0


def cmd_heartbeat(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = store.heartbeat(args.instance_id, args.context_percent)
    print(_dump(result) if args.json else f"heartbeat {args.instance_id}: sequence {result.sequence_num}")
    return 0


def cmd_emit(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = store.emit_event(
            args.instance_id,
            args.event_type,
            args.event_data,
            metadata=args.metadata,
            event_id=args.event_id,
            expected_sequence=args.expected_sequence,
        )
    if args.json:
        print(_dump(result))
    else:
        console.print(
            f"{args.event_type} appended to {args.instance_id}: sequence {result.sequence_num}, "
            f"event_id {result.event_id}, at {_when(result.timestamp)}"
        )
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = store.query_events(
            args.instance_id,
            event_types=args.types,
            start_date=args.since,
            end_date=args.until,
            keyword=args.keyword,
            limit=args.limit,
            offset=args.offset,
            after_sequence=args.after,
            exact_count=args.exact_count,
        )
    if args.json:
        print(_dump(result))
        return 0
    console.print(_events_table(result.events, instance=args.instance_id is None))
    more = ", more with --offset/--after" if result.has_more else ""
    console.print(f"{len(result.events)} of {total_text(result)} matching events{more}")
    return 0


def total_text(result: QueryResult) -> str:
    """``1,234``, or ``10,000+`` when total_count is a lower bound (total_exact false)."""
    return f"{result.total_count:,}" + ("" if result.total_exact else "+")


def cmd_replay(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = store.replay_events(args.instance_id, args.to)
    if args.json:
        print(_dump(result))
        return 0
    console.print(JSON(_dump(result.final_state)))
    console.print(f"replayed {result.events_replayed} events in {result.duration_ms} ms")
    return 0


def cmd_types(args: argparse.Namespace) -> int:
    with _store(args) as store:
        types = store.list_event_types(args.category)
    if args.json:
        print(_dump(types))
        return 0
    table = Table()
    for column in ("event_type", "category", "required", "description"):
        table.add_column(column, overflow="fold")
    for row in types:
        table.add_row(
            row.event_type, row.category, ", ".join(row.data_schema.get("required", [])), row.description
        )
    console.print(table)
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    with _store(args) as store:
        counts = store.aggregate_events_by_type(args.instance_id, start_date=args.since, end_date=args.until)
    if args.json:
        print(_dump(counts))
        return 0
    table = Table(title=f"events of {args.instance_id or 'all instances'} by type", title_justify="left")
    table.add_column("event_type")
    table.add_column("category")
    table.add_column("count", justify="right")
    for row in counts:
        table.add_row(row.event_type, row.category, str(row.event_count))
    table.add_section()
    table.add_row("total", "", str(sum(row.event_count for row in counts)))
    console.print(table)
    return 0


def cmd_instances(args: argparse.Namespace) -> int:
    with _store(args) as store:
        instances = store.list_instances(args.status)
    if args.json:
        print(_dump(instances))
        return 0
    table = Table()
    for column in ("instance_id", "type", "project", "status", "events", "last heartbeat (UTC)"):
        table.add_column(column, justify="right" if column == "events" else "left")
    for row in instances:
        table.add_row(
            row.instance_id,
            row.instance_type,
            row.project,
            row.status,
            str(row.last_sequence_num),
            _when(row.last_heartbeat_at),
        )
    console.print(table)
    return 0


def cmd_tail(args: argparse.Namespace) -> int:
    """Print the last events, then follow new ones by sequence number until Ctrl-C."""

    def show(event: Event) -> None:
        print(_compact(event) if args.json else _event_line(event), flush=True)

    if args.instance_id is None or args.types or args.project or args.instances or args.start:
        return _tail_feed(args)
    with _store(args) as store:
        recent = store.get_latest_events(args.instance_id, args.lines) if args.lines else []
        for event in reversed(recent):
            show(event)
        last = recent[0].sequence_num if recent else store.get_event_count(args.instance_id)
        try:
            while True:
                page = store.query_events(args.instance_id, after_sequence=last, limit=1000)
                for event in page.events:
                    show(event)
                    last = event.sequence_num
                if not page.has_more:
                    time.sleep(args.interval)
        except KeyboardInterrupt:
            return 0


def cmd_project(args: argparse.Namespace) -> int:
    """The fleet projector, for servers without pg_cron: --once applies what is new and exits;
    otherwise run_projector is CALLed again and again until Ctrl-C."""
    try:
        with _store(args) as store:
            if args.once:
                total = 0
                while applied := store.project_fleet():
                    total += applied
                print(_dump({"events_projected": total}) if args.json
                      else f"projected {total:,} events into the fleet projection")
                return 0
            print(f"projecting into the fleet projection on {store.where} "
                  f"(run_projector, {args.seconds} s a call) until Ctrl-C", file=sys.stderr, flush=True)
            while True:
                store.run_projector(args.seconds)
    except KeyboardInterrupt:
        print("projector stopped (Ctrl-C); every batch it applied is committed", file=sys.stderr)
        return 0


def cmd_demo(args: argparse.Namespace) -> int:
    with _store(args) as store:
        result = demo.run(store)
    if args.json:
        print(_dump(result))
        return 0
    console.print(
        f"registered [bold]{result.meta_supervisor}[/] (MS) and [bold]{result.project_supervisor}[/] (PS), "
        f"emitted {result.events_emitted} events\n"
    )
    tests = result.test_events
    console.print(
        _events_table(tests.events, title=f"query_events: test events of {result.project_supervisor}")
    )
    console.print(f"{len(tests.events)} of {tests.total_count} matching events\n")
    table = Table(title=f"aggregate_events_by_type: {result.project_supervisor}", title_justify="left")
    table.add_column("event_type")
    table.add_column("category")
    table.add_column("count", justify="right")
    for row in result.aggregates:
        table.add_row(row.event_type, row.category, str(row.event_count))
    console.print(table)
    console.print(f"\nreplay_events: state of {result.project_supervisor}")
    console.print(JSON(_dump(result.replay.final_state)))
    console.print(f"replayed {result.replay.events_replayed} events in {result.replay.duration_ms} ms")
    return 0


def cmd_mcp(args: argparse.Namespace) -> int:
    try:
        server = importlib.import_module("supervisor_event_store.mcp.server")
    except ModuleNotFoundError as exc:
        if exc.name and exc.name.startswith("supervisor_event_store.mcp"):
            raise EventStoreError(
                "the MCP server is not part of this installation "
                "(supervisor_event_store.mcp.server is missing)"
            ) from exc
        raise EventStoreError(
            f"the MCP server needs the Python package {exc.name!r}: pip install -e './python'"
        ) from exc
    server.serve(args.dsn, read_dsn=_read_dsn(args), http=args.http, host=args.host, port=args.port)
    return 0


# --- following the whole store, subscriptions (issue 11) -----------------------------------------


def _start(text: str) -> str:
    """``--from``: beginning, end, a cursor, an ISO time or a duration ago (30m, 2h)."""
    if text in ("beginning", "end"):
        return text
    try:
        return _moment(text).isoformat()
    except UsageError:
        return text  # a cursor (the server checks it: ES006 when it is none)


def _feed_line(event: FeedEvent) -> str:
    when, data = _when(event.timestamp), _compact(event.event_data)
    return f"{when}  {event.instance_id:<24} {event.sequence_num:>6}  {event.event_type:<24} {data}"


def _tail_feed(args: argparse.Namespace) -> int:
    """Follow every instance (or the filtered ones) through read_all until Ctrl-C."""
    instances = [*([args.instance_id] if args.instance_id else []), *(args.instances or [])]
    backoff = Backoff(initial=min(0.05, args.interval), maximum=args.interval)
    with _store(args) as store:
        follower = store.follow(
            args.start or "end",
            event_types=args.types,
            instance_ids=instances or None,
            project=args.project,
            backoff=backoff,
        )
        try:
            for page in follower:
                for event in page:
                    print(_compact(event) if args.json else _feed_line(event), flush=True)
        except KeyboardInterrupt:
            return 0
    return 0


def cmd_subscriptions(args: argparse.Namespace) -> int:
    action = args.action or "list"
    with _store(args) as store:
        if action == "create":
            result: Any = store.create_subscription(
                args.name,
                start_from=_start(args.start),
                event_types=args.types,
                instance_ids=args.instances,
                project=args.project,
                members=args.members,
                lease=timedelta(seconds=args.lease),
            )
            line = f"subscription {result.subscription_name} " + (
                "created" if result.created else "exists already with this definition"
            ) + f" ({result.members} member(s)), checkpoint {result.checkpoint}"
        elif action == "drop":
            result = {"dropped": store.drop_subscription(args.name)}
            line = f"subscription {args.name} dropped"
        elif action == "poll":
            result = store.poll_subscription(args.name, limit=args.limit, member=args.member)
            line = "\n".join([*(f"{_feed_line(e)}  {e.cursor}" for e in result), f"{len(result)} events"])
        elif action == "ack":
            result = store.ack_subscription(args.name, args.cursor, member=args.member)
            line = f"{result.subscription_name} slot {result.slot}: checkpoint {result.checkpoint}"
        else:
            slots = store.list_subscriptions()
            if args.json:
                print(_dump(slots))
                return 0
            _subscriptions_table(slots)
            return 0
    print(_dump(result) if args.json else line)
    return 0


def _subscriptions_table(slots: Sequence[SubscriptionSlot]) -> None:
    table = Table()
    numbers = ("slot", "behind", "seconds")
    for column in ("subscription", *numbers[:1], "holder", *numbers[1:], "last ack", "filters"):
        table.add_column(column, justify="right" if column in numbers else "left", overflow="fold")
    for row in slots:
        filters = [f"types={','.join(row.event_types)}"] if row.event_types else []
        filters += [f"instances={','.join(row.instance_ids)}"] if row.instance_ids else []
        filters += [f"project={row.project}"] if row.project else []
        table.add_row(
            row.subscription_name,
            f"{row.slot}/{row.members}",
            "-" if row.holder is None else str(row.holder),
            str(row.events_behind),
            f"{row.seconds_behind:.1f}",
            _when(row.acked_at) if row.acked_at else "never",
            " ".join(filters) or "all events",
        )
    console.print(table)
    if slots and (slots[0].horizon_pid is not None or slots[0].horizon_state == "prepared"):
        first = slots[0]
        console.print(
            f"oldest open transaction (holds every follower back): pid {first.horizon_pid}, "
            f"{first.horizon_state}, open for {first.horizon_age}"
        )


def _feed_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--type", dest="types", action="append", help="only this event type (repeatable)")
    parser.add_argument("--instance", dest="instances", action="append", help="only this instance (repeat)")
    parser.add_argument("--project", help="only instances of this project")


def add_feed_commands(
    sub: Any, command: Callable[[str, Handler, str], argparse.ArgumentParser], tail: argparse.ArgumentParser
) -> None:
    """The feed options of ``tail`` and the ``subscriptions`` command."""
    _feed_options(tail)
    tail.add_argument(
        "--from",
        dest="start",
        type=_start,
        help="follow the whole store from: beginning, end (default), a cursor, a time or a duration ago",
    )
    subs = command("subscriptions", cmd_subscriptions, "list subscriptions and their lag; create, drop...")
    actions = subs.add_subparsers(dest="action", metavar="ACTION")

    def action(name: str, help_text: str) -> argparse.ArgumentParser:
        parser = actions.add_parser(name, help=help_text, description=help_text)
        cluster.add_global_options(parser, argparse.SUPPRESS)
        return parser

    create = action("create", "create a subscription (the same definition again is a no-op)")
    create.add_argument("name")
    create.add_argument(
        "--from", dest="start", default="beginning", help="beginning (default), end, a cursor, a time"
    )
    _feed_options(create)
    create.add_argument("--members", type=int, default=1, help="consumer-group size (default 1)")
    create.add_argument(
        "--lease", type=_seconds, default=30.0, help="seconds a silent member keeps its share"
    )
    drop = action("drop", "admin: remove a subscription and its checkpoints")
    drop.add_argument("name")
    poll = action("poll", "the next batch after the checkpoint (does not move it)")
    poll.add_argument("name")
    poll.add_argument("--limit", type=int, default=100)
    poll.add_argument("--member", type=int, default=0)
    ack = action("ack", "move the checkpoint to a delivered cursor")
    ack.add_argument("name")
    ack.add_argument("cursor")
    ack.add_argument("--member", type=int, default=0)
    action("list", "every subscription slot with its lag (the default)")


# --- the parser ----------------------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    # --json and --dsn go before or after the command: the commands' copies are SUPPRESSed so
    # that they do not overwrite a value given before the command.
    common = argparse.ArgumentParser(add_help=False)
    cluster.add_global_options(common, argparse.SUPPRESS)
    parser = argparse.ArgumentParser(
        prog="event-store",
        description="Append-only event store for AI coding-agent supervisors (PostgreSQL).",
    )
    cluster.add_global_options(parser, None)
    for holder, default in ((common, argparse.SUPPRESS), (parser, None)):
        holder.add_argument(
            "--read-dsn",
            default=default,
            help=f"a hot standby of --dsn for the reads (default: {READ_DSN_VARIABLE}; "
            "read-your-writes within one command)",
        )
    parser.set_defaults(json=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        cmd = sub.add_parser(name, parents=[common], help=help_text, description=help_text)
        cmd.set_defaults(handler=handler)
        return cmd

    db = command("db", cmd_db, "the project-local cluster: up (start and deploy), down, status, url, ...")
    cluster.add_db_commands(db, [common])

    cluster.add_deploy_options(command("deploy", cmd_deploy, "sqitch deploy --verify to a database"))

    command("demo", cmd_demo, "register two instances, emit a supervisor session, show query, stats, replay")

    register = command("register", cmd_register, "register (or re-activate) an instance")
    register.add_argument("instance_id")
    register.add_argument("instance_type", choices=["PS", "MS"])
    register.add_argument("project")
    register.add_argument("--metadata", type=_json_object, help="JSON object")

    heartbeat = command("heartbeat", cmd_heartbeat, "record a heartbeat")
    heartbeat.add_argument("instance_id")
    heartbeat.add_argument("--context-percent", type=float)

    emit = command("emit", cmd_emit, "append one event: emit INSTANCE TYPE JSON")
    emit.add_argument("instance_id")
    emit.add_argument("event_type")
    emit.add_argument("event_data", type=_json_object, help="JSON object")
    emit.add_argument("--metadata", type=_json_object, help="JSON object")
    emit.add_argument("--event-id", help="client event id (UUID) for idempotent retries")
    emit.add_argument("--expected-sequence", type=int, help="the instance's last sequence number (0 = none)")

    query = command("query", cmd_query, "query events of an instance (or of all, without INSTANCE)")
    query.add_argument("instance_id", nargs="?")
    query.add_argument("--type", dest="types", action="append", help="event type (repeatable)")
    query.add_argument("--since", type=_moment, help="ISO date/time or a duration ago (30m, 2h, 3d)")
    query.add_argument("--until", type=_moment, help="ISO date/time or a duration ago")
    query.add_argument("--keyword", help="case-insensitive substring of the data or metadata")
    query.add_argument("--limit", type=int, default=100)
    query.add_argument("--offset", type=int, default=0)
    query.add_argument("--after", type=int, help="only events after this sequence number (keyset paging)")
    query.add_argument(
        "--exact-count",
        action="store_true",
        help="count every match exactly (slower); by default the total stops at 10,000 (shown as 10,000+)",
    )

    replay = command("replay", cmd_replay, "fold an instance's events into its state")
    replay.add_argument("instance_id")
    replay.add_argument("--to", type=int, help="replay up to and including this sequence number")

    types = command("types", cmd_types, "list the registered event types")
    types.add_argument("--category")

    stats = command("stats", cmd_stats, "event counts by type (of one instance, or all)")
    stats.add_argument("instance_id", nargs="?")
    stats.add_argument("--since", type=_moment)
    stats.add_argument("--until", type=_moment)

    instances = command("instances", cmd_instances, "list the registered instances")
    instances.add_argument("--status", choices=["active", "stale"])

    tail = command("tail", cmd_tail, "follow new events of an instance, or of the whole store, until Ctrl-C")
    tail.add_argument("instance_id", nargs="?", help="one instance (omit to follow the whole store)")
    tail.add_argument("-n", "--lines", type=int, default=10, help="how many past events to show first")
    tail.add_argument("--interval", type=_seconds, default=0.5, help="seconds between polls")
    add_feed_commands(sub, command, tail)

    project = command(
        "project", cmd_project, "run the fleet projector until Ctrl-C (for servers without pg_cron)"
    )
    mode = project.add_mutually_exclusive_group()
    mode.add_argument(
        "--seconds", type=int, default=50, help="length of each run_projector call (default: %(default)s)"
    )
    mode.add_argument("--once", action="store_true", help="apply what is new now, print how many, and exit")

    mcp = command("mcp", cmd_mcp, "run the MCP server (stdio by default; --http for streamable HTTP)")
    mcp.add_argument("--http", action="store_true", help="serve streamable HTTP instead of stdio")
    mcp.add_argument("--host", default="127.0.0.1", help="HTTP address to bind (default: %(default)s)")
    mcp.add_argument("--port", type=int, default=DEFAULT_HTTP_PORT, help="HTTP port (default: %(default)s)")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler: Handler = args.handler
        return handler(args)
    except UsageError as exc:
        print(f"event-store: {error_text(exc)}", file=sys.stderr)
        return 2
    except (EventStoreError, cluster.ClusterError) as exc:
        print(f"event-store: {error_text(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
