"""The change feed (read_all) under concurrency: never skip, never repeat, per-instance order.

8 writers over 50 instances for a few seconds: some hold their transaction open for 0-200 ms after
emitting (so low positions commit late), 20% write two instances in one transaction (with a pause
between, so a younger transaction can write the second instance first), 10% roll back. Two
followers page read_all the whole time. At the end each saw every committed event exactly once,
each instance's events in sequence order, and no rolled-back event.

Two naive followers run alongside, as the comparison the issue asks for: paging by
global_position skips events that commit late, and paging by the plain horizon order
(transaction_id, global_position) below pg_snapshot_xmin delivers events out of their instance's
sequence order. The test asserts that both naive orders do fail in the same run (so the load
really produces the hard cases) while read_all does not.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

pytestmark = pytest.mark.slow

WRITERS = 8
INSTANCES = [f"feed-PS-{n:02d}" for n in range(50)]
SECONDS = 8.0

Row = tuple[str, int, int]  # (instance_id, sequence_num, global_position)


def _writer(dsn: str, index: int, stop: threading.Event) -> int:
    rng = random.Random(index)
    transactions = 0
    with psycopg.connect(dsn) as conn:
        while not stop.is_set():
            # Two instances in ascending id order: one lock order, so no writer deadlocks another.
            targets = sorted(rng.sample(INSTANCES, 2 if rng.random() < 0.2 else 1))
            for n, target in enumerate(targets):
                if n:
                    time.sleep(rng.uniform(0, 0.05))
                conn.execute(
                    "SELECT event_store.emit_event(%s, 'task_spawned', %s::jsonb)",
                    (target, f'{{"task_id": "T-{index}-{transactions}", "task_type": "x"}}'),
                )
            if rng.random() < 0.3:
                time.sleep(rng.uniform(0, 0.2))
            if rng.random() < 0.1:
                conn.rollback()
            else:
                conn.commit()
            transactions += 1
    return transactions


Page = Callable[[psycopg.Connection[Any], Any], tuple[list[Row], Any]]


def _follow(dsn: str, stop: threading.Event, page: Page) -> list[Row]:
    """Poll with ``page`` until ``stop`` is set (all writers done) and a page comes back empty."""
    seen: list[Row] = []
    position: Any = None
    with psycopg.connect(dsn, autocommit=True) as conn:
        while True:
            stopping = stop.is_set()
            rows, position = page(conn, position)
            seen += rows
            if not rows:
                if stopping:
                    return seen
                time.sleep(0.002)


def _read_all(conn: psycopg.Connection[Any], cursor: str | None) -> tuple[list[Row], Any]:
    rows = conn.execute(
        "SELECT instance_id, sequence_num, global_position, cursor FROM event_store.read_all(%s, 1000)",
        (cursor,),
    ).fetchall()
    return [r[:3] for r in rows], rows[-1][3] if rows else cursor


def _by_global_position(conn: psycopg.Connection[Any], last: int | None) -> tuple[list[Row], Any]:
    rows = conn.execute(
        "SELECT instance_id, sequence_num, global_position FROM event_store.events"
        " WHERE global_position > %s ORDER BY global_position LIMIT 1000",
        (last or 0,),
    ).fetchall()
    return rows, rows[-1][2] if rows else last


def _by_transaction_id(conn: psycopg.Connection[Any], last: tuple[str, int] | None) -> tuple[list[Row], Any]:
    xid, gp = last or ("0", 0)
    rows = conn.execute(
        "SELECT instance_id, sequence_num, global_position, transaction_id::text FROM event_store.events"
        " WHERE (transaction_id, global_position) > (%s::xid8, %s)"
        "   AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())"
        " ORDER BY transaction_id, global_position LIMIT 1000",
        (xid, gp),
    ).fetchall()
    return [r[:3] for r in rows], (rows[-1][3], rows[-1][2]) if rows else last


def _out_of_order(seen: list[Row]) -> int:
    """Events delivered after a later event of the same instance."""
    last: dict[str, int] = {}
    count = 0
    for instance_id, seq, _ in seen:
        if seq < last.get(instance_id, 0):
            count += 1
        last[instance_id] = max(seq, last.get(instance_id, 0))
    return count


def test_read_all_never_skips_never_repeats_keeps_instance_order(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for instance_id in INSTANCES:
            conn.execute("SELECT event_store.register_instance(%s, 'PS', 'feed')", (instance_id,))
    stop, written = threading.Event(), threading.Event()
    followers = [_read_all, _read_all, _by_global_position, _by_transaction_id]
    with ThreadPoolExecutor(max_workers=WRITERS + len(followers)) as pool:
        following = [pool.submit(_follow, dsn, written, page) for page in followers]
        writing = [pool.submit(_writer, dsn, i, stop) for i in range(WRITERS)]
        time.sleep(SECONDS)
        stop.set()
        try:
            transactions = sum(w.result() for w in writing)
        finally:
            written.set()              # every writer has committed or rolled back: drain
        seen = [f.result() for f in following]
    with psycopg.connect(dsn) as conn:
        committed = sorted(conn.execute(
            "SELECT instance_id, sequence_num, global_position FROM event_store.events").fetchall())
    assert transactions > 100
    assert len(committed) > 500

    for follower in seen[:2]:          # read_all: exactly the committed events, each once, in order
        assert sorted(follower) == committed
        assert _out_of_order(follower) == 0

    by_position, by_xid = seen[2], seen[3]
    skipped = len(set(committed) - set(by_position))
    print(f"\n{len(committed)} events committed in {transactions} transactions; "
          f"global_position order skipped {skipped}; (transaction_id, global_position) order "
          f"delivered {_out_of_order(by_xid)} out of instance order; read_all: 0 and 0")
    assert skipped > 0, "the load did not produce a late commit: the test would not catch a skip"
    # The plain horizon order is only the comparison here: report (do not assert) whether it also
    # saw every event once; one run of many showed a mismatch that was not reproduced since.
    missing, repeated = len(set(committed) - set(by_xid)), len(by_xid) - len(set(by_xid))
    print(f"(transaction_id, global_position) order: {missing} missing, {repeated} repeated")
    assert _out_of_order(by_xid) > 0, "the load did not produce a two-instance reorder"


def test_wait_for_events_wakes_up_on_a_commit_and_times_out_otherwise(dsn: str) -> None:
    """wait_for_events blocks until another session commits an event after the cursor, then returns
    it (long before its timeout); with nothing new it returns no rows after the timeout; in a
    REPEATABLE READ transaction, which could never see a new event, it is ES006."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.register_instance('wake-PS-1', 'PS', 'wake')")
        (last,) = conn.execute("SELECT cursor FROM event_store.read_all(NULL, 10000)").fetchall()[-1]
        started = time.monotonic()
        assert conn.execute("SELECT * FROM event_store.wait_for_events(%s, 0.3)", (last,)).fetchall() == []
        assert time.monotonic() - started >= 0.3

        def emit_later() -> None:
            time.sleep(0.5)
            with psycopg.connect(dsn, autocommit=True) as writer:
                writer.execute("SELECT event_store.emit_event('wake-PS-1', 'task_spawned',"
                               " '{\"task_id\": \"T-1\", \"task_type\": \"x\"}')")

        thread = threading.Thread(target=emit_later)
        started = time.monotonic()
        thread.start()
        rows = conn.execute(
            "SELECT instance_id, sequence_num FROM event_store.wait_for_events(%s, 30)", (last,)
        ).fetchall()
        waited = time.monotonic() - started
        thread.join()
        assert rows == [("wake-PS-1", 2)]
        assert 0.5 <= waited < 10, f"woke up after {waited:.3f} s, not at the commit"

        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
        with pytest.raises(psycopg.Error) as refused:
            conn.execute("SELECT * FROM event_store.wait_for_events(%s, 1)", (last,))
        assert refused.value.sqlstate == "ES006"
        conn.execute("ROLLBACK")
