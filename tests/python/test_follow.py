"""Following the store from Python: the feed and subscription calls of both clients, and the
followers (Subscriber, FeedFollower, wait_for_events) under concurrent writers, restarts, a
killed backend, a consumer group and cancellation."""

from __future__ import annotations

import asyncio
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import psycopg
import pytest

from supervisor_event_store import (
    AsyncEventStore,
    EventStore,
    InvalidArgumentError,
    SequenceConflictError,
    SubscriptionNotFoundError,
)
from supervisor_event_store.subscriptions import Backoff, Batch, FeedEvent
from test_feed import INSTANCES, WRITERS, _out_of_order, _writer

FAST = Backoff(initial=0.01, maximum=0.05)
EFFECTS = """CREATE TABLE effects (
    serial bigserial PRIMARY KEY, event_id uuid NOT NULL, instance_id text NOT NULL,
    sequence_num bigint NOT NULL, member int NOT NULL DEFAULT 0)"""


def _emit(store: EventStore, instances: int, each: int, prefix: str = "fo-PS") -> None:
    for n in range(each):
        for i in range(instances):
            store.emit_event(f"{prefix}-{i:02d}", "task_spawned", {"task_id": f"T-{n}", "task_type": "x"})


def _register(store: EventStore, instances: int, prefix: str = "fo-PS") -> None:
    for i in range(instances):
        store.register_instance(f"{prefix}-{i:02d}", "PS", "follow")


def _committed(raw: psycopg.Connection[Any]) -> list[tuple[str, int]]:
    return sorted(raw.execute("SELECT instance_id, sequence_num FROM event_store.events").fetchall())


def _keys(events: list[FeedEvent]) -> list[tuple[str, int]]:
    return [(e.instance_id, e.sequence_num) for e in events]


def _applied_exactly_once(raw: psycopg.Connection[Any]) -> None:
    total = raw.execute("SELECT count(*) FROM event_store.events").fetchone()[0]  # type: ignore[index]
    applied, distinct = raw.execute("SELECT count(*), count(DISTINCT event_id) FROM effects").fetchone()  # type: ignore[misc]
    out_of_order = raw.execute(
        "SELECT count(*) FROM (SELECT sequence_num < lag(sequence_num)"
        " OVER (PARTITION BY instance_id ORDER BY serial) AS back FROM effects) x WHERE back"
    ).fetchone()[0]  # type: ignore[index]
    assert (applied, distinct) == (total, total), "every event's effect applied exactly once"
    assert out_of_order == 0


# --- the calls, both clients (the `store` fixture runs each test with sync and async) -----------


def test_feed_and_subscription_calls(store: EventStore, raw: psycopg.Connection[Any]) -> None:
    _register(store, 2)
    _emit(store, 2, 2)
    start, end = store.feed_cursor("beginning"), store.feed_cursor()
    everything = store.read_all()
    assert sorted(_keys(everything)) == _committed(raw)
    assert store.read_all(start) == everything
    assert store.read_all(end) == []
    assert store.read_all(everything[2].cursor) == everything[3:]
    assert store.read_all(limit=2) == everything[:2]
    assert {e.event_type for e in store.read_all(event_types="task_spawned")} == {"task_spawned"}
    assert {e.instance_id for e in store.read_all(instance_ids=["fo-PS-01"])} == {"fo-PS-01"}
    assert store.read_all(project="nothing-here") == []
    assert store.feed_cursor(everything[1].cursor) == everything[1].cursor

    created = store.create_subscription("calls", event_types=["task_spawned"])
    assert created.created
    assert created.checkpoint == start
    assert not store.create_subscription("calls", event_types="task_spawned").created
    batch = store.poll_subscription("calls", limit=3)
    assert [e.event_type for e in batch] == ["task_spawned"] * 3
    assert store.poll_subscription("calls", limit=3) == batch, "poll does not move the checkpoint"
    ack = store.ack_subscription("calls", batch[-1].cursor)
    assert (ack.subscription_name, ack.slot, ack.checkpoint) == ("calls", 0, batch[-1].cursor)
    with pytest.raises(SequenceConflictError) as backwards:
        store.ack_subscription("calls", batch[0].cursor)
    assert backwards.value.sqlstate == "ES004"
    [slot] = store.list_subscriptions()
    assert (slot.subscription_name, slot.checkpoint, slot.events_behind, slot.holder) == (
        "calls",
        batch[-1].cursor,
        1,
        0,
    )
    assert slot.event_types == ["task_spawned"]
    with pytest.raises(SubscriptionNotFoundError):
        store.poll_subscription("nosuch")
    with pytest.raises(InvalidArgumentError):
        store.read_all("f1.1.2.3")
    with pytest.raises(InvalidArgumentError):
        store.feed_cursor("soon")
    with pytest.raises(InvalidArgumentError):
        store.wait_for_events(timeout_seconds=61)
    assert store.drop_subscription("calls") is True
    assert store.list_subscriptions() == []


def test_wait_for_events_returns_at_once_waits_and_times_out(store: EventStore) -> None:
    _register(store, 1)
    first = store.wait_for_events(None, timeout_seconds=5)
    assert _keys(first.events) == [("fo-PS-00", 1)]
    assert first.cursor == first.events[-1].cursor
    started = time.monotonic()
    empty = store.wait_for_events(first.cursor, timeout_seconds=0.3)
    assert empty.events == []
    assert empty.cursor == first.cursor
    assert 0.25 <= time.monotonic() - started < 2

    def later() -> None:
        time.sleep(0.4)
        with EventStore(store.dsn) as other:
            other.emit_event("fo-PS-00", "epic_started", {"epic_id": "E-1"})

    writer = threading.Thread(target=later)
    writer.start()
    started = time.monotonic()
    news = store.wait_for_events(first.cursor, timeout_seconds=10, event_types=["epic_started"])
    writer.join()
    assert [e.event_type for e in news.events] == ["epic_started"]
    assert 0.3 < time.monotonic() - started < 5, "woke up soon after the commit, not at the timeout"


# --- never skip, never repeat, under concurrent writers ----------------------------------------


@pytest.mark.slow
def test_python_followers_never_skip_never_repeat_under_concurrent_writers(
    dsn: str, raw: psycopg.Connection[Any]
) -> None:
    for instance_id in INSTANCES:
        raw.execute("SELECT event_store.register_instance(%s, 'PS', 'feed')", (instance_id,))
    stop_writers, stop_followers = threading.Event(), threading.Event()
    seen_sub: list[FeedEvent] = []
    seen_feed: list[FeedEvent] = []

    def subscriber() -> int:
        with EventStore(dsn) as store:
            return store.subscribe("all", batch_size=200, backoff=FAST, stop=stop_followers).run(
                lambda batch: seen_sub.extend(batch.events)
            )

    def follower() -> None:
        with EventStore(dsn) as store:
            for page in store.follow(backoff=FAST, limit=500, stop=stop_followers):
                seen_feed.extend(page)

    with ThreadPoolExecutor(max_workers=WRITERS + 2) as pool:
        following = [pool.submit(subscriber), pool.submit(follower)]
        writing = [pool.submit(_writer, dsn, i, stop_writers) for i in range(WRITERS)]
        time.sleep(6)
        stop_writers.set()
        transactions = sum(w.result() for w in writing)
        committed = _committed(raw)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and (
            len(seen_sub) < len(committed) or len(seen_feed) < len(committed)
        ):
            time.sleep(0.05)
        time.sleep(0.2)  # anything extra (a repeat) would arrive now
        stop_followers.set()
        handled = following[0].result()
        following[1].result()
    assert transactions > 100
    assert len(committed) > 500
    for seen in (seen_sub, seen_feed):
        keys = [(e.instance_id, e.sequence_num, e.global_position or 0) for e in seen]
        assert sorted(k[:2] for k in keys) == committed, "every committed event once, no rolled-back one"
        assert _out_of_order(keys) == 0
    assert handled == len(committed)


# --- restarts, crashes, groups -------------------------------------------------------------------


def test_a_restarted_subscriber_resumes_from_the_checkpoint(dsn: str, raw: psycopg.Connection[Any]) -> None:
    with EventStore(dsn) as store:
        _register(store, 3)
        _emit(store, 3, 4)  # 15 events
        got: list[tuple[str, int]] = []
        with store.subscribe("resume", batch_size=4) as subscriber:
            for n, batch in enumerate(subscriber):
                if n == 2:
                    break  # "crash" while handling the third batch: not acked
                got += _keys(batch.events)
        assert len(got) == 8
    with EventStore(dsn) as store:  # a new process: same name, same definition
        with store.subscribe("resume", batch_size=4, until_idle=True) as subscriber:
            for batch in subscriber:
                got += _keys(batch.events)
        assert store.list_subscriptions()[0].events_behind == 0
    assert sorted(got) == _committed(raw), "the unacked batch came again, the acked ones did not"
    assert len(got) == len(set(got)) == 15


def test_transactional_subscriber_killed_between_work_and_ack_applies_each_effect_once(
    dsn: str, raw: psycopg.Connection[Any]
) -> None:
    raw.execute(EFFECTS)
    with EventStore(dsn) as store:
        _register(store, 10)
        _emit(store, 10, 10)  # 110 events
        kills = 0

        def handle(batch: Batch[psycopg.Connection[Any]]) -> None:
            nonlocal kills
            conn = batch.connection
            assert conn is not None
            assert conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS
            for e in batch.events:
                conn.execute(
                    "INSERT INTO effects (event_id, instance_id, sequence_num) VALUES (%s, %s, %s)",
                    (e.event_id, e.instance_id, e.sequence_num),
                )
            if kills < 3 and e.sequence_num % 3 == 0:
                kills += 1
                raw.execute("SELECT pg_terminate_backend(%s)", (conn.info.backend_pid,))
                conn.execute("SELECT 1")  # the work is done, the ack never comes

        handled = store.subscribe(
            "once", transactional=True, batch_size=7, backoff=FAST, until_idle=True
        ).run(handle)
    assert kills == 3
    assert handled == 110
    _applied_exactly_once(raw)


def test_consumer_group_of_three_with_a_member_stopping(dsn: str, raw: psycopg.Connection[Any]) -> None:
    raw.execute(EFFECTS)
    with EventStore(dsn) as store:
        _register(store, 30)
        _emit(store, 30, 3)  # 120 events
        store.create_subscription("group", members=3, lease=timedelta(seconds=1))
    stops = [threading.Event() for _ in range(3)]
    batches = [0, 0, 0]

    def member(m: int) -> None:
        with EventStore(dsn) as store:

            def handle(batch: Batch[psycopg.Connection[Any]]) -> None:
                conn = batch.connection
                assert conn is not None
                for e in batch.events:
                    conn.execute(
                        "INSERT INTO effects (event_id, instance_id, sequence_num, member)"
                        " VALUES (%s, %s, %s, %s)",
                        (e.event_id, e.instance_id, e.sequence_num, m),
                    )
                batches[m] += 1
                if m == 1 and batches[m] == 2:
                    stops[1].set()  # member 1 leaves after two batches, for good
                time.sleep(0.02)

            store.subscribe(
                "group",
                member=m,
                members=3,
                lease=timedelta(seconds=1),
                transactional=True,
                batch_size=5,
                backoff=FAST,
                stop=stops[m],
            ).run(handle)

    threads = [threading.Thread(target=member, args=(m,)) for m in range(3)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        done = raw.execute("SELECT count(*) FROM effects").fetchone()[0]  # type: ignore[index]
        if done >= 120:
            break
        time.sleep(0.1)
    time.sleep(0.3)
    for stop in stops:
        stop.set()
    for thread in threads:
        thread.join()
    _applied_exactly_once(raw)
    members = dict(raw.execute("SELECT member, count(*) FROM effects GROUP BY member").fetchall())
    assert set(members) == {0, 1, 2}
    assert batches[1] == 2
    holders = [
        row[0]
        for row in raw.execute(
            "SELECT holder FROM event_store.list_subscriptions()"
            " WHERE subscription_name = 'group' ORDER BY slot"
        )
    ]
    assert holders[1] in (0, 2), "member 1's share was taken over after its lease ran out"


def test_stop_wakes_an_idle_subscriber_at_once(dsn: str) -> None:
    with EventStore(dsn) as store:
        subscriber = store.subscribe("idle", backoff=Backoff(initial=5, maximum=5))
        timer = threading.Timer(0.3, subscriber.stop)
        timer.start()
        started = time.monotonic()
        assert subscriber.run(lambda batch: None) == 0
        assert time.monotonic() - started < 2


# --- async: the same followers, and cancellation -------------------------------------------------


@pytest.mark.asyncio
async def test_async_subscriber_transactional_follow_and_cancel(
    dsn: str, raw: psycopg.Connection[Any]
) -> None:
    raw.execute(EFFECTS)
    async with AsyncEventStore(dsn) as store:
        for i in range(3):
            await store.register_instance(f"as-PS-{i}", "PS", "follow")

        async def handle(batch: Batch[psycopg.AsyncConnection[Any]]) -> None:
            assert batch.connection is not None
            for e in batch.events:
                await batch.connection.execute(
                    "INSERT INTO effects (event_id, instance_id, sequence_num) VALUES (%s, %s, %s)",
                    (e.event_id, e.instance_id, e.sequence_num),
                )

        subscriber = await store.subscribe("async", transactional=True, batch_size=2, backoff=FAST)
        task = asyncio.create_task(subscriber.run(handle))
        for n in range(4):
            for i in range(3):
                await store.emit_event(f"as-PS-{i}", "task_spawned", {"task_id": f"T{n}", "task_type": "x"})
        for _ in range(200):
            if raw.execute("SELECT count(*) FROM effects").fetchone()[0] == 15:  # type: ignore[index]
                break
            await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        _applied_exactly_once(raw)
        [slot] = await store.list_subscriptions()
        assert slot.events_behind == 0
        stats = store.pool.get_stats()
        assert stats.get("pool_available", 0) == stats["pool_size"], "the connection went back to the pool"

        pages = [page async for page in await store.follow("beginning", limit=4, until_idle=True)]
        assert [len(p) for p in pages] == [4, 4, 4, 3]
        follower = await store.follow(pages[1][-1].cursor, until_idle=True)
        assert [e.cursor async for page in follower for e in page] == [e.cursor for p in pages[2:] for e in p]
        assert follower.cursor == pages[-1][-1].cursor


@pytest.mark.slow
def test_a_subscriber_rides_out_a_server_restart(private_cluster: Any) -> None:
    private_cluster.start()
    seen: list[tuple[str, int]] = []
    stop = threading.Event()
    with EventStore(private_cluster.dsn, timeout=2, connect_timeout=2) as store:
        _register(store, 2)
        subscriber = store.subscribe("restart", backoff=Backoff(initial=0.05, maximum=0.5), stop=stop)
        thread = threading.Thread(target=subscriber.run, args=(lambda b: seen.extend(_keys(b.events)),))
        thread.start()
        _emit(store, 2, 2)
        private_cluster.stop()  # immediate shutdown under the subscriber
        time.sleep(1.5)
        private_cluster.start()
        with EventStore(private_cluster.dsn) as writer:
            _emit(writer, 2, 2)
        deadline = time.monotonic() + 30
        while len(seen) < 10 and time.monotonic() < deadline:
            time.sleep(0.05)
        stop.set()
        thread.join(30)
        assert not thread.is_alive()
    assert sorted(set(seen)) == sorted((f"fo-PS-{i:02d}", s) for i in range(2) for s in range(1, 6))
