"""Reads on the streaming hot standby of shard 0 (conftest's session ``topology``): every read
function answers there as on its primary; the client's ``read_dsn`` sends reads there and writes
to the primary, with read-your-writes under real replication lag (replay paused with
``pg_wal_replay_pause()``), and a lagging or stopped standby never gives stale data: the read
waits, goes to the primary, or raises ReplicaUnavailableError. Also the CLI's ``--read-dsn`` /
EVENT_STORE_READ_DSN and the MCP server's ``read_dsn``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest
from mcp import Client
from mcp.types import CallToolResult
from psycopg import sql

from conftest import PID, TOPOLOGY_TEMPLATE, Topology, open_store, rows, text_of, wait_for_the_feed_horizon
from supervisor_event_store import EventStore, InvalidArgumentError, ReplicaUnavailableError, _sql, replicas
from supervisor_event_store import subscriptions as feed
from supervisor_event_store.cluster import describe_dsn
from supervisor_event_store.mcp.server import create_server

DATABASE = f"es_py_{PID}_replicas"
ONE_WRITE = {
    "event_type": "commit_created",
    "event_data": {"commit_sha": "abc1234", "message": "fix the widget"},
}
SESSION = [
    {"event_type": "epic_started", "event_data": {"epic_id": "E-1"}},
    {"event_type": "test_failed", "event_data": {"test_suite": "unit-alpha", "failed_count": 2}},
    ONE_WRITE,
    {"event_type": "test_passed", "event_data": {"test_suite": "unit-alpha"}},
]


@pytest.fixture(scope="module")
def replica_db(topology: Topology) -> tuple[str, str]:
    """A database of this module on shard 0 (a copy of its deployed template) with automatic
    snapshots on (``event_store.snapshot_every = 2``, a database setting the standby inherits):
    (its DSN on the primary, its DSN on the standby), once the standby can open it."""
    topo, _ = topology
    primary_server = topo.shards()[0]
    with psycopg.connect(primary_server.dsn("postgres"), autocommit=True) as conn:
        name, template = sql.Identifier(DATABASE), sql.Identifier(TOPOLOGY_TEMPLATE)
        conn.execute(sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(name, template))
        conn.execute(sql.SQL("ALTER DATABASE {} SET event_store.snapshot_every = 2").format(name))
    primary, standby = primary_server.dsn(DATABASE), topo.standby.dsn(DATABASE)
    caught_up(primary, standby)
    return primary, standby


def caught_up(primary: str, standby: str, seconds: float = 20) -> None:
    """Return once the standby has replayed everything the primary has written so far."""
    [(position,)] = rows(primary, "SELECT pg_current_wal_insert_lsn()::text")
    deadline = time.monotonic() + seconds
    while True:
        try:
            if rows(standby, "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", position) == [(True,)]:
                return
        except psycopg.OperationalError:  # starting, or the database not replayed yet
            pass
        assert time.monotonic() < deadline, f"the standby did not replay up to {position} in {seconds} s"
        time.sleep(0.05)


@contextmanager
def replay_paused(standby: str) -> Iterator[Callable[[], None]]:
    """Replication lag made real: the standby's replay paused (it still receives the WAL) until
    the block ends, or until the yielded function resumes it."""

    def resume() -> None:
        rows(standby, "SELECT pg_wal_replay_resume()")

    rows(standby, "SELECT pg_wal_replay_pause()")
    try:
        deadline = time.monotonic() + 10
        while rows(standby, "SELECT pg_get_wal_replay_pause_state()") != [("paused",)]:
            assert time.monotonic() < deadline, "replay did not pause"
            time.sleep(0.01)
        yield resume
    finally:
        resume()


def count(dsn: str, instance_id: str) -> int:
    return int(rows(dsn, "SELECT count(*) FROM event_store.events WHERE instance_id = %s", instance_id)[0][0])


def test_replica_reads_are_calls_of_the_clients_and_positions_compare_as_numbers() -> None:
    calls = {call.name for module in (_sql, feed) for call in vars(module).values()
             if isinstance(call, _sql.Call)}
    assert calls >= replicas.REPLICA_READS  # a renamed call would silently stop going to the replica
    assert replicas.lsn("16/B374D848") == 0x16_B374D848
    assert replicas.lsn("0/9") < replicas.lsn("0/10") < replicas.lsn("1/0")


# --- every read function on the standby --------------------------------------------------------


def test_every_read_function_answers_on_the_standby_as_on_its_primary(replica_db: tuple[str, str]) -> None:
    """Each function of replicas.REPLICA_READS, called on the standby and on its primary, gives the
    same answer: one instance and fleet-wide, with type, date and keyword filters; fleet reads with
    the fleet projection part-way (its rows up to the watermark, the events after it); replay with
    automatic snapshots on, which the standby skips (read-only) and the primary takes."""
    primary, standby = replica_db
    with EventStore(primary) as store:
        for instance in ("reads-PS-1", "reads-PS-2"):
            store.register_instance(instance, "PS", "reads")
            store.emit_events(instance, SESSION)
        with psycopg.connect(primary, autocommit=True) as conn:
            wait_for_the_feed_horizon(conn)
        assert store.project_fleet(limit=4) == 4  # the watermark part-way: 6 of the 10 events after it
        store.emit_event("reads-PS-1", "test_failed", {"test_suite": "unit-beta"})
        late = {"commit_sha": "fed4321", "message": "widgets"}
        last = store.emit_event("reads-PS-2", "commit_created", late)
    caught_up(primary, standby)
    projected = "SELECT events_projected FROM event_store.projections WHERE projection_name = 'fleet_index'"
    assert rows(standby, projected) == [(4,)]
    assert rows(standby, "SELECT count(*) FROM event_store.events") == [(12,)]
    read_only = "SELECT pg_is_in_recovery(), current_setting('transaction_read_only')"
    assert rows(standby, read_only) == [(True, "on")]

    hour_ago, in_an_hour = datetime.now(UTC) - timedelta(hours=1), datetime.now(UTC) + timedelta(hours=1)
    within = {"start_date": hour_ago, "end_date": in_an_hour}
    reads: dict[str, Callable[[EventStore], Any]] = {
        "query_events": lambda s: [
            s.query_events("reads-PS-1"),
            s.query_events("reads-PS-1", event_types=["test_failed"], **within),
            s.query_events("reads-PS-2", keyword="WIDGET"),
            s.query_events(),
            s.query_events(keyword="unit-"),
            s.query_events(event_types=["test_failed", "commit_created"], **within),
            s.query_events(keyword="widget", event_types=["commit_created"], limit=1, offset=1),
        ],
        # an empty page past the end: the client asks count_events for the total
        "count_events": lambda s: [s.query_events(keyword="widget", offset=50),
                                   s.query_events("reads-PS-1", event_types="test_failed", offset=50)],
        "aggregate_events_by_type": lambda s: [
            s.aggregate_events_by_type("reads-PS-1"),
            s.aggregate_events_by_type(),
            s.aggregate_events_by_type(**within),
        ],
        "get_event_count": lambda s: [s.get_event_count("reads-PS-1"), s.get_event_count("reads-PS-2")],
        "get_latest_events": lambda s: s.get_latest_events("reads-PS-2", 3),
        "get_event_by_id": lambda s: s.get_event_by_id(last.event_id),
        "list_instances": lambda s: [s.list_instances(), s.list_instances("stale")],
        "list_event_types": lambda s: s.list_event_types(),
        "replay_events": lambda s: [s.replay_events("reads-PS-1").final_state,
                                    s.replay_events("reads-PS-2", 3).final_state],
        "read_all": lambda s: [s.read_all(), s.read_all(s.feed_cursor("end"))],
        "feed_cursor": lambda s: [s.feed_cursor("beginning"), s.feed_cursor(hour_ago)],
        "wait_for_events": lambda s: s.wait_for_events("beginning", timeout_seconds=0, limit=5),
    }
    assert reads.keys() == replicas.REPLICA_READS
    snapshots = "SELECT count(*) FROM event_store.snapshots"
    with EventStore(standby) as on_standby, EventStore(primary) as on_primary:
        # the standby folds 6 events (more than snapshot_every) and stores nothing (read-only) ...
        assert on_standby.replay_events("reads-PS-1").events_replayed == 6
        assert rows(primary, snapshots) == [(0,)]
        for name, read in reads.items():
            assert read(on_standby) == read(on_primary), name
        # ... where the primary stores one
        before = rows(primary, snapshots)[0][0]
        assert on_primary.replay_events("reads-PS-1", 4).events_replayed >= 2
        assert rows(primary, snapshots)[0][0] == before + 1


def test_a_follower_on_the_standby_never_skips_or_repeats_while_writers_run(
    replica_db: tuple[str, str],
) -> None:
    """read_all on the standby pages below the standby's own transaction horizon (its snapshot of
    the primary's running transactions): with 4 writers on the primary, a follower on the standby
    gets every event exactly once, each instance in sequence order."""
    primary, standby = replica_db
    instances = [f"feed-PS-{n}" for n in range(4)]
    with EventStore(primary) as store:
        for instance in instances:
            store.register_instance(instance, "PS", "feed")
    caught_up(primary, standby)

    def write(instance: str) -> None:
        with EventStore(primary, max_size=1) as writer:
            for n in range(60):
                writer.emit_event(instance, "test_passed", {"test_suite": f"unit-{n}"})
                if n % 20 == 0:
                    writer.emit_events(instance, [ONE_WRITE] * 3)

    threads = [threading.Thread(target=write, args=(instance,)) for instance in instances]
    seen: list[tuple[str, int]] = []
    with EventStore(standby) as follower:
        cursor = follower.feed_cursor("beginning")
        for thread in threads:
            thread.start()
        writing = True
        while True:
            page = follower.read_all(cursor, limit=50, instance_ids=instances)
            seen += [(e.instance_id, e.sequence_num) for e in page]
            cursor = page[-1].cursor if page else cursor
            if page:
                continue
            if not writing:
                break
            if not any(thread.is_alive() for thread in threads):
                writing = False
                caught_up(primary, standby)  # then one more pass reads the rest
            time.sleep(0.01)
    for thread in threads:
        thread.join()
    query = "SELECT instance_id, sequence_num FROM event_store.events WHERE instance_id = ANY(%s)"
    stored = rows(primary, query, instances)
    assert len(seen) == len(set(seen)) == len(stored) == 4 * (1 + 60 + 9)
    assert set(seen) == set(stored)
    for instance in instances:
        mine = [sequence for owner, sequence in seen if owner == instance]
        assert mine == sorted(mine)


# --- the client's read_dsn ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_reads_go_to_the_standby_and_writes_to_the_primary(kind: str, replica_db: tuple[str, str]) -> None:
    primary, standby = replica_db
    instance = f"route-PS-{kind}"
    with open_store(kind, primary, read_dsn=standby, read_your_writes=False) as store:
        store.register_instance(instance, "PS", "route")
        caught_up(primary, standby)
        assert store.get_event_count(instance) == 1
        with replay_paused(standby):
            store.emit_event(instance, **ONE_WRITE)  # on the primary ...
            assert count(primary, instance) == 2
            # ... and without read-your-writes, the reads see the standby as it is: behind
            assert store.get_event_count(instance) == 1
            assert store.query_events(instance).total_count == 1
        caught_up(primary, standby)
        assert store.get_event_count(instance) == 2


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_read_your_writes_waits_until_the_standby_has_replayed_the_write(
    kind: str, replica_db: tuple[str, str]
) -> None:
    """Replay paused, a write, then reads: they wait on the standby until replay resumes (0.5 s
    later), well within replica_timeout (30 s, after which the primary would answer)."""
    primary, standby = replica_db
    instance = f"ryw-PS-{kind}"
    with open_store(kind, primary, read_dsn=standby, replica_timeout=30) as store:
        store.register_instance(instance, "PS", "ryw")
        assert store.get_event_count(instance) == 1
        with replay_paused(standby) as resume:
            emitted = store.emit_events(instance, [ONE_WRITE, ONE_WRITE])
            timer = threading.Timer(0.5, resume)
            timer.start()
            started = time.monotonic()
            found = store.get_event_by_id(emitted[-1].event_id)
            waited = time.monotonic() - started
            timer.join()
        assert found is not None
        assert found.sequence_num == 3
        assert 0.4 < waited < 10, waited
        # nothing written since: the reads do not wait, and see the same
        assert store.query_events(instance, keyword="widget").total_count == 2
        assert store.replay_events(instance).final_state["last_sequence_num"] == 3


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_lagging_standby_sends_the_read_to_the_primary_or_raises(
    kind: str, replica_db: tuple[str, str]
) -> None:
    primary, standby = replica_db
    instance = f"lag-PS-{kind}"
    with EventStore(primary) as direct:
        direct.register_instance(instance, "PS", "lag")
    caught_up(primary, standby)
    with replay_paused(standby):
        with open_store(kind, primary, read_dsn=standby, replica_timeout=0.3) as store:
            store.emit_event(instance, **ONE_WRITE)
            started = time.monotonic()
            assert store.get_event_count(instance) == 2  # the primary, after 0.3 s
            assert 0.3 <= time.monotonic() - started < 5
            assert [e.sequence_num for e in store.get_latest_events(instance, 1)] == [2]
        strict = {"read_dsn": standby, "replica_timeout": 0.3, "fallback_to_primary": False}
        with open_store(kind, primary, **strict) as strict_store:
            strict_store.emit_event(instance, **ONE_WRITE)
            with pytest.raises(ReplicaUnavailableError) as lagging:
                strict_store.get_event_count(instance)
            assert lagging.value.message.startswith(
                f"the replica {describe_dsn(standby)} has not replayed this client's writes within 0.3 s"
            )
            assert lagging.value.hint
            assert "fallback_to_primary=True" in lagging.value.hint
    caught_up(primary, standby)


def test_a_stopped_standby_sends_reads_to_the_primary_or_raises(
    replica_db: tuple[str, str], topology: Topology, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both clients, with connections to the standby open when it stops: reads go to the primary
    (the write made meanwhile included), or raise ReplicaUnavailableError without fallback; once
    the standby is back (and REPLICA_RETRY_AFTER has passed) it answers again."""
    monkeypatch.setattr(replicas, "REPLICA_RETRY_AFTER", 0.5)
    primary, standby = replica_db
    server = topology[0].standby
    instance = "down-PS-1"
    with ExitStack() as stack:
        stores = [stack.enter_context(open_store(kind, primary, read_dsn=standby, replica_timeout=1))
                  for kind in ("sync", "async")]
        stricts = [stack.enter_context(open_store(kind, primary, read_dsn=standby, replica_timeout=1,
                                                  fallback_to_primary=False)) for kind in ("sync", "async")]
        stores[0].register_instance(instance, "PS", "down")
        caught_up(primary, standby)
        assert [s.get_event_count(instance) for s in stores + stricts] == [1, 1, 1, 1]
        server.stop()
        try:
            stores[0].emit_event(instance, **ONE_WRITE)
            for store in stores:
                started = time.monotonic()
                assert store.get_event_count(instance) == 2
                assert store.query_events(instance).total_count == 2
                assert store.replay_events(instance).final_state["last_sequence_num"] == 2
                assert time.monotonic() - started < 5
            for strict in stricts:
                with pytest.raises(ReplicaUnavailableError) as down:
                    strict.get_event_count(instance)
                assert "is unavailable" in down.value.message
        finally:
            server.start()
        caught_up(primary, standby)
        time.sleep(0.5)  # REPLICA_RETRY_AFTER
        assert [s.get_event_count(instance) for s in stores] == [2, 2]
        # the strict clients read only on the standby: they answer again once their pools have
        # reconnected (psycopg_pool retries in the background)
        deadline = time.monotonic() + 20
        for strict in stricts:
            while True:
                try:
                    assert strict.get_event_count(instance) == 2
                    break
                except ReplicaUnavailableError:
                    assert time.monotonic() < deadline, "the standby's pool did not reconnect in 20 s"
                    time.sleep(0.2)


def test_read_your_writes_refuses_a_replica_of_another_server(
    replica_db: tuple[str, str], topology: Topology
) -> None:
    """Shard 1 is no standby of shard 0: their WAL positions cannot be compared, so a read that
    must see a write is refused (ES006), never answered from an unrelated server; without
    read-your-writes the caller gets what they asked for."""
    primary, _ = replica_db
    other = topology[0].shards()[1].dsn()
    with EventStore(primary, read_dsn=other) as store:
        store.register_instance("other-PS-1", "PS", "other")
        with pytest.raises(InvalidArgumentError) as refused:
            store.list_instances()
        assert refused.value.sqlstate == "ES006"
        assert "is not a standby of the primary" in refused.value.message
        assert refused.value.hint
        assert "read_your_writes=False" in refused.value.hint
    with EventStore(primary, read_dsn=other, read_your_writes=False) as store:
        store.register_instance("other-PS-2", "PS", "other")
        assert "other-PS-2" not in {i.instance_id for i in store.list_instances()}


# --- the CLI and the MCP server ------------------------------------------------------------------

EVENT_STORE = str(Path(sys.executable).with_name("event-store"))


def cli_instances(*args: str, env: dict[str, str] | None = None) -> dict[str, int]:
    """``event-store ... instances --json``: each instance's last sequence number."""
    clean = {k: v for k, v in os.environ.items()
             if k not in ("DATABASE_URL", "EVENT_STORE_READ_DSN") and not k.startswith("PG")}
    result = subprocess.run([EVENT_STORE, *args, "instances", "--json"], capture_output=True, text=True,
                            env={**clean, **(env or {})}, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    return {row["instance_id"]: row["last_sequence_num"] for row in json.loads(result.stdout)}


def test_the_cli_reads_on_read_dsn_or_event_store_read_dsn(replica_db: tuple[str, str]) -> None:
    primary, standby = replica_db
    with EventStore(primary) as store:
        store.register_instance("cli-PS-1", "PS", "cli")
        caught_up(primary, standby)
        with replay_paused(standby):
            store.emit_event("cli-PS-1", **ONE_WRITE)
            assert cli_instances("--dsn", primary)["cli-PS-1"] == 2
            assert cli_instances("--dsn", primary, "--read-dsn", standby)["cli-PS-1"] == 1
            assert cli_instances("--dsn", primary, env={"EVENT_STORE_READ_DSN": standby})["cli-PS-1"] == 1


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


async def tool(client: Client, name: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(name, arguments)
    assert isinstance(result, CallToolResult)
    assert not result.is_error, text_of(result)
    assert isinstance(result.structured_content, dict)
    return result.structured_content


@pytest.mark.anyio
async def test_the_mcp_server_reads_on_read_dsn_and_sees_its_own_writes(replica_db: tuple[str, str]) -> None:
    primary, standby = replica_db
    with EventStore(primary) as store:
        store.register_instance("mcp-PS-1", "PS", "mcp")
    caught_up(primary, standby)
    async with Client(create_server(primary, read_dsn=standby, timeout=3), cache=None) as client:
        with replay_paused(standby) as resume:
            with EventStore(primary) as store:
                store.emit_event("mcp-PS-1", **ONE_WRITE)  # not through the server: not waited for
            assert (await tool(client, "query_events", instance_id="mcp-PS-1"))["total_count"] == 1
            emitted = await tool(client, "emit_event", instance_id="mcp-PS-1", **ONE_WRITE)
            timer = threading.Timer(0.3, resume)
            timer.start()
            latest = await tool(client, "get_latest_events", instance_id="mcp-PS-1", limit=1)
            timer.join()
        assert [e["event_id"] for e in latest["events"]] == [emitted["event_id"]]
        assert emitted["sequence_num"] == 3
