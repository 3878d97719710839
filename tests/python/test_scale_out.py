"""Scale-out on this machine: two shard servers, a PL/Proxy proxy and a streaming standby of shard
0, started by the cluster module's Topology (what `event-store db up --shards 2 --replica` runs).
The client works unchanged against the proxy; each instance lives on exactly one shard; a shard
that is down fails fast with ES010 naming it while the other shard's instances keep working."""

from __future__ import annotations

import time
from typing import Any

import pytest

from conftest import partition, rows
from supervisor_event_store import EventStore, InvalidEventError, ShardUnavailableError

INSTANCES = [f"shard-PS-{n:02d}" for n in range(12)]


# ``topology``: conftest's, started once per session and shared with test_client.py's proxy runs
# and test_replicas.py.


def test_each_instance_lives_on_the_shard_its_partition_names(topology: Any) -> None:
    _, dsns = topology
    with EventStore(dsns["proxy"]) as store:
        for instance in INSTANCES:
            store.register_instance(instance, "PS", "scale")
            store.emit_event(instance, "epic_started", {"epic_id": f"E-{instance}"})
            batch = [{"event_type": "test_passed", "event_data": {"test_suite": "unit"}}] * 3
            store.emit_events(instance, batch)
    counts = "SELECT instance_id, count(*) FROM event_store.events GROUP BY 1"
    on_shard = [dict(rows(shard, counts)) for shard in dsns["shards"]]
    for instance in INSTANCES:
        owner = partition(dsns["proxy"], instance) % 2
        assert on_shard[owner].get(instance) == 5
        assert instance not in on_shard[1 - owner]
    assert all(on_shard), "with 12 instances both shards hold some"


def test_the_client_works_unchanged_through_the_proxy(topology: Any) -> None:
    _, dsns = topology
    with EventStore(dsns["proxy"]) as store:
        instance = "proxy-PS-api"
        store.register_instance(instance, "PS", "api")
        first = store.emit_event(instance, "epic_started", {"epic_id": "E-9"})
        store.emit_event(instance, "test_failed", {"test_suite": "unit", "failed_count": 2})
        assert store.get_event_count(instance) == 3
        assert [e.sequence_num for e in store.get_latest_events(instance, limit=2)] == [3, 2]
        page = store.query_events(instance, event_types=["test_failed"])
        assert [e.event_type for e in page.events] == ["test_failed"]
        assert store.get_event_by_id(first.event_id) is not None
        state = store.replay_events(instance).final_state
        assert state["current_epic"]["epic_id"] == "E-9"
        assert state["last_sequence_num"] == 3
        # fleet-wide calls: merged over both shards (instances of this test's own on both: the
        # module's tests may run in any order, under pytest-xdist too)
        others = [f"proxy-PS-m{n}" for n in range(6)]
        for other in others:
            store.register_instance(other, "PS", "api")
        assert {partition(dsns["proxy"], o) % 2 for o in others} == {0, 1}
        listed = {i.instance_id for i in store.list_instances()}
        assert {instance, *others} <= listed
        direct = sum(int(rows(s, "SELECT count(*) FROM event_store.events")[0][0]) for s in dsns["shards"])
        assert store.query_events(limit=1).total_count == direct
        counts = {c.event_type: c.event_count for c in store.aggregate_events_by_type()}
        assert sum(counts.values()) == direct
        everything = store.query_events(limit=50)
        assert everything.total_count == direct
        stamps = [(e.timestamp, e.instance_id, e.sequence_num) for e in everything.events]
        assert stamps == sorted(stamps)
        # a shard's error comes through as the shard raised it
        with pytest.raises(InvalidEventError) as caught:
            store.emit_event(instance, "epic_strated", {"epic_id": "E-9"})
        assert caught.value.message == 'unknown event_type "epic_strated"'
        assert caught.value.hint
        assert caught.value.hint.startswith('Did you mean "epic_started"')


def test_reads_on_the_standby(topology: Any) -> None:
    _, dsns = topology
    shard0 = dsns["shards"][0]
    instance = next(i for i in INSTANCES if partition(dsns["proxy"], i) % 2 == 0)
    with EventStore(dsns["proxy"]) as store:
        store.register_instance(instance, "PS", "scale")
        store.emit_event(instance, "commit_created", {"commit_sha": "abc1234", "message": "standby"})
    lsn = rows(shard0, "SELECT pg_current_wal_lsn()::text")[0][0]
    deadline = time.monotonic() + 10
    while rows(dsns["standby"], "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", lsn)[0][0] is not True:
        assert time.monotonic() < deadline, "the standby did not catch up in 10 s"
        time.sleep(0.05)
    assert rows(dsns["standby"], "SELECT pg_is_in_recovery()")[0][0] is True
    with EventStore(dsns["standby"]) as replica, EventStore(shard0) as primary:
        assert replica.replay_events(instance).final_state == primary.replay_events(instance).final_state
        assert replica.query_events(instance).total_count == primary.query_events(instance).total_count


def test_a_shard_that_is_down_fails_fast_and_names_itself(topology: Any) -> None:
    topo, dsns = topology
    down = topo.shards()[1]
    on_down = next(i for i in INSTANCES if partition(dsns["proxy"], i) % 2 == 1)
    on_up = next(i for i in INSTANCES if partition(dsns["proxy"], i) % 2 == 0)
    with EventStore(dsns["proxy"]) as store:
        for instance in (on_down, on_up):
            store.register_instance(instance, "PS", "scale")
    down.stop()
    try:
        with EventStore(dsns["proxy"]) as store:
            started = time.monotonic()
            with pytest.raises(ShardUnavailableError) as caught:
                store.emit_event(on_down, "epic_started", {"epic_id": "E-down"})
            assert time.monotonic() - started < 5
            assert caught.value.sqlstate == "ES010"
            assert f"127.0.0.1:{down.port()}" in caught.value.message
            assert f"partition {partition(dsns['proxy'], on_down)}" in caught.value.message
            # the other shard's instances keep working
            assert store.emit_event(on_up, "epic_started", {"epic_id": "E-up"}).sequence_num > 1
            with pytest.raises(ShardUnavailableError) as fleet:
                store.list_instances()
            assert fleet.value.sqlstate == "ES010"
            assert "all shards" in fleet.value.message
    finally:
        down.start()
    with EventStore(dsns["proxy"]) as store:
        assert store.emit_event(on_down, "epic_started", {"epic_id": "E-back"}).sequence_num > 1


# Public functions of one server that the proxy does not offer (yet), and why.
NOT_ON_THE_PROXY = {
    "fold_state": "an aggregate over event rows: run it on the shard that holds them",
    # The projector maintains each server's own projection: it runs on every shard (pg_cron there).
    **dict.fromkeys(["project_fleet", "project_snapshots", "run_projector"],
                    "maintenance of each shard's own projection: run it on the shard (pg_cron does)"),
}
API = """
    SELECT p.proname, pg_get_function_identity_arguments(p.oid), pg_get_function_result(p.oid),
           (SELECT array_agg(a.grantee::regrole::text ORDER BY 1) FROM aclexplode(p.proacl) a
             WHERE a.privilege_type = 'EXECUTE' AND a.grantee <> p.proowner)
      FROM pg_proc p
     WHERE p.pronamespace = 'event_store'::regnamespace AND p.proname !~ '^_'
       AND EXISTS (SELECT FROM aclexplode(p.proacl) a WHERE a.grantee::regrole::text LIKE 'event_store_%%')
     ORDER BY 1, 2
"""


def test_the_proxy_has_the_shards_signatures_and_privileges(topology: Any) -> None:
    _, dsns = topology
    shard = {row[0]: row[1:] for row in rows(dsns["shards"][0], API)}
    proxy = {row[0]: row[1:] for row in rows(dsns["proxy"], API)}
    proxy.pop("configure_shards")  # the proxy's own admin function
    for name in NOT_ON_THE_PROXY:
        shard.pop(name)
    assert proxy == shard


def test_the_cli_and_the_mcp_server_work_unchanged_through_the_proxy(proxy_dsn: str) -> None:
    """The same commands and tools against the proxy's DSN: writes land on the owning shards,
    per-instance and fleet-wide reads answer as on one server."""
    from mcp import Client

    from supervisor_event_store.mcp.server import create_server
    from test_cli import run, run_json

    instances = ["cli-PS-a1", "cli-PS-b2", "cli-PS-c3", "cli-PS-d4"]
    for instance in instances:
        run(proxy_dsn, "register", instance, "PS", "proxied")
        emitted = run_json(proxy_dsn, "emit", instance, "epic_started", '{"epic_id": "E-7"}')
        assert emitted["sequence_num"] == 2
    page = run_json(proxy_dsn, "query", "--keyword", "E-7")
    assert (page["total_count"], sorted(e["instance_id"] for e in page["events"])) == (4, instances)
    replay = run_json(proxy_dsn, "replay", instances[0])
    assert replay["final_state"]["last_epic"] == "E-7"
    stats = {row["event_type"]: row["event_count"] for row in run_json(proxy_dsn, "stats")}
    assert stats == {"instance_registered": 4, "epic_started": 4}
    shards = {partition(proxy_dsn, i) % 2 for i in instances}
    assert shards == {0, 1}, "the four instances span both shards"

    async def through_mcp() -> None:
        async with Client(create_server(proxy_dsn, timeout=3), cache=None) as client:
            emitted = await client.call_tool(
                "emit_event", {"instance_id": instances[1], "event_type": "epic_completed",
                               "event_data": {"epic_id": "E-7"}})
            assert not emitted.is_error
            assert emitted.structured_content
            assert emitted.structured_content["sequence_num"] == 3
            queried = await client.call_tool("query_events", {"filters": {"keyword": "E-7"}})
            assert not queried.is_error
            assert queried.structured_content
            assert queried.structured_content["total_count"] == 5
            replayed = await client.call_tool("replay_events", {"instance_id": instances[1]})
            assert not replayed.is_error
            assert replayed.structured_content
            assert replayed.structured_content["final_state"]["epics"]["E-7"]["status"] == "completed"

    import asyncio

    asyncio.run(through_mcp())
