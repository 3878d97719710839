"""The change feed and subscriptions through the proxy (issue 13): two shard servers and a PL/Proxy
proxy, started by the cluster module's Topology. read_all's cursor is a vector of the shards' own
cursors, opaque to callers and refused on another shard layout; each page merges the shards' pages
with each instance's events in sequence order; a subscription is the same-named subscription on
every shard, and an ack moves each shard's checkpoint to what the caller received from it. Under
concurrent writers on both shards, followers and a subscriber through the proxy see every committed
event exactly once; a shard stopped mid-run fails feed calls fast with ES010 naming it, and nothing
is skipped once it is back (an ack cut short by the failure is finished by calling it again)."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from conftest import Topology, partition, rows, topology_database
from supervisor_event_store import (
    EventStore,
    InvalidArgumentError,
    SequenceConflictError,
    ShardUnavailableError,
    SubscriptionNotFoundError,
    cluster,
)
from supervisor_event_store.subscriptions import Backoff, FeedEvent

Key = tuple[str, int]  # (instance_id, sequence_num)


@pytest.fixture(scope="module")
def feed_topology(topology: Topology) -> tuple[cluster.Topology, dict[str, Any]]:
    """The session's topology (conftest: 2 shards, the proxy, a standby) with a proxy database and
    shard databases of their own for this file (copies of the deployed template): (the Topology,
    {"proxy": DSN, "shards": [DSN, DSN]})."""
    topo, _ = topology
    proxy = topology_database(topology)
    name = psycopg.conninfo.conninfo_to_dict(proxy)["dbname"]
    return topo, {"proxy": proxy, "shards": [shard.dsn(str(name)) for shard in topo.shards()]}


def shard_of(proxy: str, instance_id: str) -> int:
    return partition(proxy, instance_id) % 2


def committed(dsns: dict[str, Any], instances: list[str]) -> list[Key]:
    """The events of these instances as the shards hold them (read directly)."""
    query = "SELECT instance_id, sequence_num FROM event_store.events WHERE instance_id = ANY(%s)"
    return sorted(key for shard in dsns["shards"] for key in rows(shard, query, instances))


def keys(events: list[FeedEvent]) -> list[Key]:
    return [(e.instance_id, e.sequence_num) for e in events]


def assert_exactly_once_in_order(seen: list[Key], expected: list[Key]) -> None:
    assert len(seen) == len(set(seen)), "an event came twice"
    assert sorted(seen) == expected
    last: dict[str, int] = {}
    for instance, seq in seen:
        assert seq > last.get(instance, 0), f"{instance} {seq} came after {last[instance]}"
        last[instance] = seq


def register(store: EventStore, instances: list[str], events_each: int) -> None:
    """Register the instances (their event 1) and emit ``events_each`` more to each."""
    for instance in instances:
        store.register_instance(instance, "PS", "feed")
        for n in range(events_each):
            store.emit_event(instance, "task_spawned", {"task_id": f"T-{n}", "task_type": "x"})


def read_to_the_end(
    store: EventStore, after: str | None, limit: int, **filters: Any
) -> tuple[list[FeedEvent], str]:
    events: list[FeedEvent] = []
    cursor = store.feed_cursor(after)
    while page := store.read_all(cursor, limit=limit, **filters):
        events += page
        cursor = page[-1].cursor
    return events, cursor


def consume(store: EventStore, name: str, limit: int, member: int = 0) -> list[FeedEvent]:
    """Poll and ack until a poll finds nothing."""
    events: list[FeedEvent] = []
    while batch := store.poll_subscription(name, limit=limit, member=member):
        events += batch
        store.ack_subscription(name, batch[-1].cursor, member=member)
    return events


READ = [f"read-PS-{n:02d}" for n in range(10)]


def test_read_all_through_the_proxy_returns_every_event_once_in_instance_order(feed_topology: Any) -> None:
    _, dsns = feed_topology
    proxy = dsns["proxy"]
    assert {shard_of(proxy, i) for i in READ} == {0, 1}
    with EventStore(proxy) as store:
        register(store, READ, 4)
        expected = committed(dsns, READ)
        events, end = read_to_the_end(store, "beginning", 7, instance_ids=READ)
        assert_exactly_once_in_order(keys(events), expected)
        everything, _ = read_to_the_end(store, None, 1000)
        assert len(everything) == sum(int(rows(s, "SELECT count(*) FROM event_store.events")[0][0])
                                      for s in dsns["shards"])

        # Every row's cursor resumes right after it, on every shard.
        for k in (0, 9, 23, len(events) - 1):
            rest, _ = read_to_the_end(store, events[k].cursor, 5, instance_ids=READ)
            assert sorted(keys(rest)) == sorted(keys(events[k + 1:]))
        assert store.read_all(end, instance_ids=READ) == []

        # Start points: 'end' sees only what commits after it; a time what is stamped from then on.
        since = datetime.now(UTC)
        end_cursor = store.feed_cursor("end")
        assert store.read_all(end_cursor) == []
        on_shard1 = next(i for i in READ if shard_of(proxy, i) == 1)
        store.emit_event(on_shard1, "task_spawned", {"task_id": "T-late", "task_type": "x"})
        assert keys(store.read_all(end_cursor)) == [(on_shard1, 6)]
        assert (on_shard1, 6) in keys(store.read_all(store.feed_cursor(since)))
        assert store.feed_cursor(end_cursor) == end_cursor

        # The cursor is opaque, checked, and belongs to this proxy's shard layout.
        def refused(cursor: str) -> str:
            with pytest.raises(InvalidArgumentError) as caught:
                store.read_all(cursor)
            assert caught.value.sqlstate == "ES006"
            return caught.value.message

        assert "one server" in refused("f1.1.2.3")
        edited = end_cursor[:-12] + ("1" if end_cursor[-12] != "1" else "2") + end_cursor[-11:]
        assert "not a cursor of this event store" in refused(edited)
        layout = "SELECT event_store._feed_vector('s1', '0120120120120120', ARRAY[NULL, NULL, NULL])"
        other = rows(proxy, layout)
        assert "another shard layout" in refused(other[0][0])
        store.create_subscription("read-poll", instance_ids=READ)
        polled = store.poll_subscription("read-poll", limit=1)
        assert "poll_subscription" in refused(polled[0].cursor)


def test_wait_for_events_wakes_up_on_either_shard(feed_topology: Any) -> None:
    _, dsns = feed_topology
    proxy = dsns["proxy"]
    wake = ["wake-PS-01", "wake-PS-02", "wake-PS-03", "wake-PS-04"]
    with EventStore(proxy) as store:
        register(store, wake, 1)
        cursor = store.feed_cursor("end")
        started = time.monotonic()
        assert store.wait_for_events(cursor, timeout_seconds=0.3).events == []
        assert time.monotonic() - started >= 0.3
        for shard in (0, 1):
            instance = next(i for i in wake if shard_of(proxy, i) == shard)

            def emit_later(instance: str = instance) -> None:
                time.sleep(0.3)
                with EventStore(proxy) as writer:
                    writer.emit_event(instance, "task_spawned", {"task_id": "T-wake", "task_type": "x"})

            thread = threading.Thread(target=emit_later)
            started = time.monotonic()
            thread.start()
            page = store.wait_for_events(cursor, timeout_seconds=20)
            waited = time.monotonic() - started
            thread.join()
            assert keys(page.events) == [(instance, 3)]
            assert 0.3 <= waited < 3, f"woke up after {waited:.3f} s"
            cursor = page.cursor


def test_a_subscription_through_the_proxy(feed_topology: Any) -> None:
    _, dsns = feed_topology
    proxy = dsns["proxy"]
    subs = [f"subs-PS-{n:02d}" for n in range(10)]
    with EventStore(proxy) as store:
        register(store, subs, 3)
        expected = committed(dsns, subs)
        made = store.create_subscription("proxy-sub", instance_ids=subs)
        assert made.created
        assert made.checkpoint == store.feed_cursor("beginning")             # one form for a position
        assert not store.create_subscription("proxy-sub", instance_ids=subs).created

        first = store.poll_subscription("proxy-sub", limit=5)
        assert len(first) == 5
        assert store.poll_subscription("proxy-sub", limit=5) == first      # not acked: the same again
        ack = store.ack_subscription("proxy-sub", first[-1].cursor)
        assert (ack.subscription_name, ack.slot, ack.checkpoint) == ("proxy-sub", 0, first[-1].cursor)
        with pytest.raises(SequenceConflictError):                        # twice: ES004, as on one server
            store.ack_subscription("proxy-sub", first[-1].cursor)
        with pytest.raises(InvalidArgumentError):                         # a read_all cursor is no ack
            store.ack_subscription("proxy-sub", store.feed_cursor("end"))
        rest = consume(store, "proxy-sub", 4)
        assert_exactly_once_in_order(keys(first + rest), expected)

        (slot,) = [s for s in store.list_subscriptions() if s.subscription_name == "proxy-sub"]
        assert slot.events_behind == 0
        assert slot.instance_ids == sorted(subs)
        assert store.read_all(slot.checkpoint, instance_ids=subs) == []   # the checkpoint is a position

        # An instance filter naming one shard's instances: the other shard has no such subscription.
        lone = next(i for i in subs if shard_of(proxy, i) == 1)
        assert "*" in store.create_subscription("lone", instance_ids=[lone]).checkpoint
        assert keys(consume(store, "lone", 2)) == [(lone, n) for n in (1, 2, 3, 4)]
        assert store.drop_subscription("lone")
        with pytest.raises(SubscriptionNotFoundError):
            store.poll_subscription("lone")

        # A consumer group of two: each instance to one member, all of them once.
        store.create_subscription("pair", instance_ids=subs, members=2)
        by_member = [consume(store, "pair", 3, member) for member in (0, 1)]
        assert_exactly_once_in_order(keys(by_member[0]) + keys(by_member[1]), expected)
        assert not {e.instance_id for e in by_member[0]} & {e.instance_id for e in by_member[1]}

        # The Python subscriber works unchanged through the proxy.
        handled: list[FeedEvent] = []
        with store.subscribe("py-sub", instance_ids=subs, batch_size=4, until_idle=True) as subscriber:
            for batch in subscriber:
                handled += batch.events
        assert_exactly_once_in_order(keys(handled), expected)


RACE = [f"race-PS-{n:02d}" for n in range(16)]
SECONDS = 4.0


def _proxy_writer(proxy: str, index: int, stop: threading.Event) -> None:
    rng = random.Random(index)
    with EventStore(proxy) as store:
        while not stop.is_set():
            store.emit_event(rng.choice(RACE), "task_spawned", {"task_id": f"P-{index}", "task_type": "x"})


def _shard_writer(shard: str, instances: list[str], index: int, stop: threading.Event) -> None:
    """Straight to a shard, as its own clients may: transactions of one or two instances held open
    for up to 100 ms (so lower positions commit late), 10% rolled back."""
    rng = random.Random(100 + index)
    with psycopg.connect(shard) as conn:
        while not stop.is_set():
            for target in sorted(rng.sample(instances, 2 if rng.random() < 0.2 else 1)):
                conn.execute("SELECT event_store.emit_event(%s, 'task_spawned', %s::jsonb)",
                             (target, f'{{"task_id": "S-{index}", "task_type": "x"}}'))
            if rng.random() < 0.3:
                time.sleep(rng.uniform(0, 0.1))
            if rng.random() < 0.1:
                conn.rollback()
            else:
                conn.commit()


def _until_drained(written: threading.Event, step: Callable[[], list[FeedEvent]]) -> list[Key]:
    """Calls step until it returns nothing after the writers are done."""
    seen: list[Key] = []
    while True:
        done = written.is_set()
        page = step()
        seen += keys(page)
        if not page:
            if done:
                return seen
            time.sleep(0.02)


def _follower(proxy: str, written: threading.Event) -> list[Key]:
    with EventStore(proxy) as store:
        cursor = store.feed_cursor("beginning")

        def step() -> list[FeedEvent]:
            nonlocal cursor
            page = store.read_all(cursor, limit=7, instance_ids=RACE)
            cursor = page[-1].cursor if page else cursor
            return page

        return _until_drained(written, step)


def _waiter(proxy: str, written: threading.Event) -> list[Key]:
    with EventStore(proxy) as store:
        cursor = store.feed_cursor("beginning")

        def step() -> list[FeedEvent]:
            nonlocal cursor
            page = store.wait_for_events(cursor, timeout_seconds=0.2, limit=5, instance_ids=RACE)
            cursor = page.cursor
            return page.events

        return _until_drained(written, step)


def _subscriber(proxy: str, written: threading.Event) -> list[Key]:
    with EventStore(proxy) as store:
        def step() -> list[FeedEvent]:
            batch = store.poll_subscription("race", limit=6)
            if batch:
                store.ack_subscription("race", batch[-1].cursor)
            return batch

        return _until_drained(written, step)


def test_never_skip_never_repeat_under_concurrent_writers_through_the_proxy(feed_topology: Any) -> None:
    """The never-skip test of the change feed (test_feed.py), through the proxy: writers through the
    proxy and straight to each shard (late commits, rollbacks) while a read_all follower, a
    wait_for_events follower and a subscriber read through the proxy; each sees every committed
    event of these instances exactly once, each instance in sequence order."""
    _, dsns = feed_topology
    proxy = dsns["proxy"]
    with EventStore(proxy) as store:
        register(store, RACE, 1)
        store.create_subscription("race", instance_ids=RACE)
    on_shard = [[i for i in RACE if shard_of(proxy, i) == n] for n in (0, 1)]
    assert all(on_shard)
    stop, written = threading.Event(), threading.Event()
    readers = [_follower, _waiter, _subscriber]
    with ThreadPoolExecutor(max_workers=4 + len(readers)) as pool:
        reading = [pool.submit(reader, proxy, written) for reader in readers]
        writing = [pool.submit(_proxy_writer, proxy, n, stop) for n in range(2)]
        writing += [pool.submit(_shard_writer, dsns["shards"][n], on_shard[n], n, stop) for n in (0, 1)]
        time.sleep(SECONDS)
        stop.set()
        try:
            for writer in writing:
                writer.result()
        finally:
            written.set()
        seen = [r.result(timeout=60) for r in reading]
    expected = committed(dsns, RACE)
    assert len(expected) > 200
    for reader, keys_seen in zip(readers, seen, strict=True):
        print(f"{reader.__name__}: {len(keys_seen)} of {len(expected)} events")
        assert_exactly_once_in_order(keys_seen, expected)


FAULT = [f"fault-PS-{n:02d}" for n in range(8)]


def test_a_shard_stopped_mid_run_fails_fast_and_nothing_is_skipped(feed_topology: Any) -> None:
    topo, dsns = feed_topology
    proxy = dsns["proxy"]
    fault = FAULT
    down = topo.shards()[1]
    on = [[i for i in fault if shard_of(proxy, i) == n] for n in (0, 1)]
    with EventStore(proxy, max_size=1) as store:      # one session: its PL/Proxy connections
        register(store, fault, 3)
        store.create_subscription("fault-sub", instance_ids=fault)
        follower_events, cursor = read_to_the_end(store, "beginning", 1000, instance_ids=fault)
        batch = store.poll_subscription("fault-sub", limit=1000)
        assert {shard_of(proxy, e.instance_id) for e in batch} == {0, 1}
        # A follower rides through the outage: it waits out ES010 as it waits out a lost
        # connection, and delivers what comes after, exactly once, in order.
        riding: list[FeedEvent] = []
        stop_riding = threading.Event()
        rider_store = EventStore(proxy, max_size=1)
        rider_store.open()

        follower = rider_store.follow(cursor, instance_ids=fault, backoff=Backoff(initial=0.05, maximum=0.5),
                                      stop=stop_riding)

        def ride() -> None:
            for page in follower:
                riding.extend(page)

        rider = threading.Thread(target=ride, daemon=True)
        rider.start()
        down.stop()
        try:
            # The session's connection to the shard was ended by the shutdown: the first call says
            # so (ES010, without the address it no longer has); the next ones cannot connect.
            with pytest.raises(ShardUnavailableError):
                store.read_all(cursor, instance_ids=fault)
            calls: dict[str, Callable[[], object]] = {
                "read_all": lambda: store.read_all(cursor, instance_ids=fault),
                "wait_for_events": lambda: store.wait_for_events(cursor, timeout_seconds=5),
                "feed_cursor": lambda: store.feed_cursor("end"),
                "poll_subscription": lambda: store.poll_subscription("fault-sub"),
                "ack_subscription": lambda: store.ack_subscription("fault-sub", batch[-1].cursor),
                "list_subscriptions": store.list_subscriptions,
            }
            for name, call in calls.items():
                started = time.monotonic()
                with pytest.raises(ShardUnavailableError) as caught:
                    call()
                assert time.monotonic() - started < 5, name
                assert f"127.0.0.1:{down.port()}" in caught.value.message, name
            # The ack moved shard 0's checkpoint before it failed on shard 1; shard 0 goes on.
            for instance in on[0]:
                store.emit_event(instance, "task_spawned", {"task_id": "T-during", "task_type": "x"})
        finally:
            down.start()

    with EventStore(proxy) as store:     # new sessions: new PL/Proxy connections to the restarted shard

        def retried(call: Callable[[], Any]) -> Any:
            """A client retries ES010 (the first call after the restart may find a stale connection)."""
            for _ in range(20):
                try:
                    return call()
                except ShardUnavailableError:
                    time.sleep(0.25)
            return call()

        # The same ack again finishes it: shard 0's part is acked already and passed over.
        assert retried(lambda: store.ack_subscription("fault-sub", batch[-1].cursor)).slot == 0
        for instance in fault:
            store.emit_event(instance, "task_spawned", {"task_id": "T-after", "task_type": "x"})
        expected = committed(dsns, fault)
        assert len(expected) == 8 * 4 + len(on[0]) + 8
        assert_exactly_once_in_order(keys(batch + consume(store, "fault-sub", 5)), expected)
        rest, _ = read_to_the_end(store, cursor, 4, instance_ids=fault)
        assert_exactly_once_in_order(keys(follower_events + rest), expected)
    deadline = time.monotonic() + 30
    while len(riding) < len(rest) and time.monotonic() < deadline and rider.is_alive():
        time.sleep(0.1)
    stop_riding.set()
    rider.join(timeout=10)
    rider_store.close()
    assert_exactly_once_in_order(keys(follower_events + riding), expected)
