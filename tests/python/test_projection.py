"""The fleet projection under concurrency (issue 12): readers are exact whatever the projector's lag.

query_events across all instances (any filter), with a keyword on an instance of more than 2,000
events, count_events and aggregate_events_by_type for the fleet answer from fleet_index and
fleet_type_counts up to the watermark plus the events after it. Here 7 writers emit to 30
instances and one hot instance (over 2,000 events, so a keyword on it reads the projection) for
8 s: some hold their transaction open 0-200 ms after emitting, 20% write two instances in one
transaction, 10% roll back. Two projectors run meanwhile: one alternates short project_fleet
batches, pauses (the tail grows) and CALL run_projector; the other calls project_fleet in a tight
loop (SKIP LOCKED: it must never apply an event twice). Checkers, each in one REPEATABLE READ
transaction at a time, compare every answer with the same answer computed from event_store.events
in that snapshot. At the end, once the projector has caught up, fleet_index holds exactly one row
per event and fleet_type_counts equals a GROUP BY over events.

Resets (delete_events_for_instance) racing the projector never leave a fleet_index row without its
event, nor counts for deleted events: at random under load, and in the two orders the watermark's
row lock allows (a batch first, then the reset; the reset first, then a batch).
"""

from __future__ import annotations

import json
import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import Any

import psycopg
import pytest

from conftest import wait_for_the_feed_horizon, wait_until_waiting

pytestmark = pytest.mark.slow

WRITERS = 7
INSTANCES = [f"proj-PS-{n:02d}" for n in range(30)]
HOT = "proj-MS-hot"
SECONDS = 8.0
TYPES = ("task_spawned", "test_failed", "commit_created", "test_passed")

# The events after the watermark, in the same snapshot as the rest of a statement's reads.
BEHIND = """SELECT count(*) FROM event_store.events e, event_store.projections w
             WHERE w.projection_name = 'fleet_index'
               AND (e.feed_key, e.global_position) > (w.feed_key, w.global_position)"""

QUERY = """SELECT global_position, total_count, has_more, total_exact FROM event_store.query_events(
    p_instance_id => %(i)s::text, p_event_types => %(t)s::text[], p_start_date => %(s)s::timestamptz,
    p_end_date => %(e)s::timestamptz, p_keyword => %(k)s::text, p_limit => %(l)s, p_offset => %(o)s,
    p_exact_count => %(x)s)"""

COUNT = """SELECT event_store.count_events(p_instance_id => %(i)s::text, p_event_types => %(t)s::text[],
    p_start_date => %(s)s::timestamptz, p_end_date => %(e)s::timestamptz, p_keyword => %(k)s::text)"""

# The same question asked of the events table alone: a keyword is a case-insensitive substring of
# one scalar value of event_data or metadata; pages in sequence order (one instance) or global order.
TRUTH = """WITH m AS (
    SELECT e.global_position,
           CASE WHEN %(i)s::text IS NULL THEN e.global_position ELSE e.sequence_num END AS k
      FROM event_store.events e
     WHERE (%(i)s::text IS NULL OR e.instance_id = %(i)s::text)
       AND (%(t)s::text[] IS NULL OR e.event_type = ANY (%(t)s::text[]))
       AND (%(s)s::timestamptz IS NULL OR e."timestamp" >= %(s)s::timestamptz)
       AND (%(e)s::timestamptz IS NULL OR e."timestamp" <= %(e)s::timestamptz)
       AND (%(k)s::text IS NULL
            OR EXISTS (SELECT FROM jsonb_path_query(jsonb_build_array(e.event_data, e.metadata),
                                                    'strict $.**') v
                        WHERE jsonb_typeof(v) NOT IN ('object', 'array', 'null')
                          AND strpos(lower(v #>> '{}'), lower(%(k)s::text)) > 0)))
SELECT (SELECT count(*) FROM m),
       ARRAY(SELECT m.global_position FROM m ORDER BY m.k LIMIT %(l)s OFFSET %(o)s)"""

AGGREGATE = """SELECT event_type, category, event_count
                 FROM event_store.aggregate_events_by_type(p_start_date => %(s)s::timestamptz,
                                                           p_end_date => %(e)s::timestamptz)"""

AGGREGATE_TRUTH = """SELECT e.event_type, et.category, count(*)
                       FROM event_store.events e
                       JOIN event_store.event_types et ON et.event_type = e.event_type
                      WHERE (%(s)s::timestamptz IS NULL OR e."timestamp" >= %(s)s::timestamptz)
                        AND (%(e)s::timestamptz IS NULL OR e."timestamp" <= %(e)s::timestamptz)
                      GROUP BY 1, 2 ORDER BY 3 DESC, 1"""

# fleet_index against events (the columns it copies), and fleet_type_counts against a GROUP BY
# over events or over fleet_index: the rows of each side that the other lacks.
COPIED = 'global_position, feed_key, instance_id::text, sequence_num, event_type, "timestamp"'
PER_HOUR = ("SELECT event_type, date_trunc('hour', \"timestamp\", 'UTC'), count(*)"
            " FROM event_store.{} GROUP BY 1, 2")
COUNTS = "SELECT event_type, hour, event_count FROM event_store.fleet_type_counts"


def _differ(one: str, other: str) -> str:
    return f"SELECT count(*) FROM (({one} EXCEPT ALL {other}) UNION ALL ({other} EXCEPT ALL {one})) d"


INDEX_DIFF = _differ(f"SELECT {COPIED} FROM event_store.fleet_index",
                     f"SELECT {COPIED} FROM event_store.events")
COUNTS_DIFF = _differ(COUNTS, PER_HOUR.format("events"))
COUNTS_VS_INDEX = _differ(COUNTS, PER_HOUR.format("fleet_index"))
ORPHANS = """SELECT count(*) FROM event_store.fleet_index f
              WHERE NOT EXISTS (SELECT FROM event_store.events e
                                 WHERE e.global_position = f.global_position)"""
# fleet_type_counts.min_global_position must stay a lower bound of its type and hour's positions
# (query_events skips the hours above a page's bound): the hours where it is above their minimum.
ABOVE_MINIMUM = """SELECT count(*) FROM event_store.fleet_type_counts c
                    WHERE c.min_global_position > (
                          SELECT min(f.global_position) FROM event_store.fleet_index f
                           WHERE f.event_type = c.event_type
                             AND date_trunc('hour', f."timestamp", 'UTC') = c.hour)"""
PROJECTED = "SELECT events_projected FROM event_store.projections WHERE projection_name = 'fleet_index'"
INSTANCE_ROWS = "SELECT count(*) FROM event_store.fleet_index WHERE instance_id = %s"


def _scalar(conn: psycopg.Connection[Any], query: str, params: Any = None) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None
    return row[0]


def _event(rng: random.Random, tag: str) -> dict[str, Any]:
    """A valid event of one of TYPES; 'zebra' in about a third of them (sometimes in metadata)."""
    word = f"{rng.choice(['Zebra', 'plain', 'plain'])} {tag}"
    event_type = rng.choice(TYPES)
    data = {
        "task_spawned": {"task_id": tag, "task_type": word},
        "test_failed": {"test_suite": word},
        "commit_created": {"commit_sha": tag, "message": word},
        "test_passed": {"test_suite": word},
    }[event_type]
    metadata = {"ticket": f"ZEBRA-{tag}"} if rng.random() < 0.05 else {}
    return {"event_type": event_type, "event_data": data, "metadata": metadata}


def _emit(conn: psycopg.Connection[Any], rng: random.Random, instance_id: str, tag: str) -> None:
    if rng.random() < 0.2:
        batch = [_event(rng, f"{tag}-{n}") for n in range(rng.randint(2, 4))]
        conn.execute("SELECT event_store.emit_events(%s, %s::jsonb)", (instance_id, json.dumps(batch)))
    else:
        event = _event(rng, tag)
        conn.execute(
            "SELECT event_store.emit_event(%s, %s, %s::jsonb, %s::jsonb)",
            (instance_id, event["event_type"], json.dumps(event["event_data"]),
             json.dumps(event["metadata"])),
        )


def _writer(dsn: str, index: int, instances: list[str], stop: threading.Event) -> int:
    """Emit until ``stop``; returns the number of transactions (committed or rolled back)."""
    rng = random.Random(index)
    transactions = 0
    with psycopg.connect(dsn) as conn:
        while not stop.is_set():
            # Two instances in ascending id order: one lock order, so no writer deadlocks another.
            targets = sorted(rng.sample(instances, 2 if rng.random() < 0.2 else 1))
            for n, target in enumerate(targets):
                if n:
                    time.sleep(rng.uniform(0, 0.05))
                _emit(conn, rng, target, f"W{index}-{transactions}")
            if rng.random() < 0.3:
                time.sleep(rng.uniform(0, 0.2))
            if rng.random() < 0.1:
                conn.rollback()
            else:
                conn.commit()
            transactions += 1
    return transactions


def _projector(dsn: str, stop: threading.Event, seed: int) -> dict[str, int]:
    """project_fleet batches of 1-300 for ~1 s, a pause of ~0.5 s (the tail grows), a 1 s
    run_projector; again, until ``stop``."""
    rng = random.Random(seed)
    done = {"batches": 0, "applied": 0, "run_projector": 0}
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            until = time.monotonic() + rng.uniform(0.5, 1.5)
            while time.monotonic() < until and not stop.is_set():
                limit = rng.randint(1, 300)
                done["applied"] += _scalar(conn, "SELECT event_store.project_fleet(%s)", (limit,))
                done["batches"] += 1
                time.sleep(rng.uniform(0, 0.02))
            time.sleep(rng.uniform(0.2, 0.6))
            if not stop.is_set():
                conn.execute("CALL event_store.run_projector(1, 5)")
                done["run_projector"] += 1
    return done


def _contender(dsn: str, stop: threading.Event) -> dict[str, int]:
    """A second projector in a tight loop: it must skip while the other holds the watermark."""
    done = {"batches": 0, "applied": 0}
    with psycopg.connect(dsn, autocommit=True) as conn:
        while not stop.is_set():
            done["applied"] += _scalar(conn, "SELECT event_store.project_fleet(50)")
            done["batches"] += 1
            time.sleep(0.001)
    return done


def _questions(t0: datetime) -> list[dict[str, Any]]:
    base = {"i": None, "t": None, "s": None, "e": None, "k": None, "l": 50, "o": 0}
    hour = t0.replace(minute=0, second=0, microsecond=0)
    return [
        {**base, "k": "zebra"},
        {**base, "k": "ZEBRA", "l": 20, "o": 100},
        {**base, "t": ["test_failed"]},
        {**base, "t": ["test_failed"], "l": 10, "o": 300},
        {**base, "s": t0 + timedelta(seconds=2), "e": t0 + timedelta(seconds=6)},
        {**base, "s": t0 + timedelta(seconds=3), "e": t0 + timedelta(seconds=5),
         "t": ["commit_created", "test_passed"]},
        {**base, "k": "zebra", "t": ["commit_created"]},
        {**base, "k": "zebra", "s": t0 + timedelta(seconds=1)},
        {**base, "i": HOT, "k": "zebra"},
        {**base, "i": HOT, "k": "zebra", "l": 20, "o": 400},
        {**base, "i": HOT, "k": "zebra", "t": ["test_failed"], "s": t0},
        {**base, "s": hour - timedelta(hours=1), "e": hour + timedelta(hours=2)},
    ]


def _aggregate_ranges(t0: datetime) -> list[dict[str, Any]]:
    hour = t0.replace(minute=0, second=0, microsecond=0)
    return [
        {"s": None, "e": None},
        {"s": t0 + timedelta(seconds=2), "e": t0 + timedelta(seconds=6)},               # inside one hour
        {"s": hour - timedelta(hours=1), "e": hour + timedelta(hours=2)},               # whole hours
        {"s": hour - timedelta(minutes=30), "e": t0 + timedelta(seconds=4)},            # partial at both ends
        {"s": t0 + timedelta(seconds=3), "e": None},
    ]


def _check_once(conn: psycopg.Connection[Any], t0: datetime, wrong: list[str]) -> tuple[int, int]:
    """One REPEATABLE READ snapshot: every answer against the events table. Returns the number of
    projected events and of events after the watermark seen in it."""
    projected = _scalar(conn, "SELECT count(*) FROM event_store.fleet_index")
    behind = _scalar(conn, BEHIND)
    for q in _questions(t0):
        n, page = conn.execute(TRUTH, q).fetchone()  # type: ignore[misc]
        for exact in (True, False):
            rows = conn.execute(QUERY, {**q, "x": exact}).fetchall()
            got = [r[0] for r in rows]
            totals = {(r[1], r[2], r[3]) for r in rows}
            want = {(n, n > q["o"] + q["l"], True)} if page else set()
            if got != page or totals != want:
                wrong.append(f"query_events({q}, exact={exact}): page {got[:5]}.. totals {totals}, "
                             f"events say page {page[:5]}.. of {n} (behind {behind}, projected {projected})")
        counted = _scalar(conn, COUNT, q)
        if counted != n:
            wrong.append(f"count_events({q}) = {counted}, events say {n}")
    for r in _aggregate_ranges(t0):
        got_rows = conn.execute(AGGREGATE, r).fetchall()
        want_rows = conn.execute(AGGREGATE_TRUTH, r).fetchall()
        if got_rows != want_rows:
            wrong.append(f"aggregate_events_by_type({r}) = {got_rows}, events say {want_rows}")
    return projected, behind


def _checker(dsn: str, stop: threading.Event, t0: datetime, wrong: list[str]) -> list[tuple[int, int]]:
    seen: list[tuple[int, int]] = []
    with psycopg.connect(dsn) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        while not stop.is_set():
            seen.append(_check_once(conn, t0, wrong))
            conn.rollback()
    return seen


def _catch_up(conn: psycopg.Connection[Any], seconds: float = 60) -> None:
    """project_fleet until nothing is after the watermark (every writer has finished: the horizon
    passes their events unless a transaction elsewhere on the server holds it back)."""
    deadline = time.monotonic() + seconds
    while True:
        conn.execute("SELECT event_store.project_fleet(100000)")
        behind = _scalar(conn, BEHIND)
        if behind == 0:
            return
        if time.monotonic() > deadline:
            holders = conn.execute(
                "SELECT pid, datname, backend_xid, xact_start FROM pg_stat_activity"
                " WHERE backend_xid IS NOT NULL ORDER BY age(backend_xid) DESC LIMIT 3").fetchall()
            pytest.fail(f"{behind} events still after the watermark after {seconds} s: the feed's horizon is"
                        f" server-wide, is a transaction in another database holding it? Oldest: {holders}")
        time.sleep(0.05)


def _assert_projection_complete(conn: psycopg.Connection[Any]) -> None:
    assert _scalar(conn, INDEX_DIFF) == 0, "fleet_index is not exactly one row per event"
    assert _scalar(conn, COUNTS_DIFF) == 0, "fleet_type_counts differs from a GROUP BY over events"
    assert _scalar(conn, ABOVE_MINIMUM) == 0, "a min_global_position is above its hour's smallest position"
    assert _scalar(conn, ORPHANS) == 0
    mark = conn.execute("SELECT feed_key::text, global_position FROM event_store.projections"
                        " WHERE projection_name = 'fleet_index'").fetchone()
    last = conn.execute("SELECT feed_key::text, global_position FROM event_store.events"
                        " ORDER BY feed_key DESC, global_position DESC LIMIT 1").fetchone()
    assert mark == last, "the watermark is not the last event in feed order: " + _diagnose(conn, mark, last)


def _diagnose(conn: psycopg.Connection[Any], mark: Any, last: Any) -> str:
    """What a mismatch of the watermark and the last event looks like from every side (an
    unexplained failure under pytest-xdist, session 18: the watermark past every event found):
    the last event through the feed index and through a sequential scan, the counts of both
    tables and the projector's own count, and the plan of the lookup."""
    with conn.transaction():
        conn.execute("SET LOCAL enable_indexscan = off")
        conn.execute("SET LOCAL enable_bitmapscan = off")
        conn.execute("SET LOCAL enable_indexonlyscan = off")
        seq_last = conn.execute("SELECT feed_key::text, global_position FROM event_store.events"
                                " ORDER BY feed_key DESC, global_position DESC LIMIT 1").fetchone()
        counts = conn.execute("SELECT (SELECT count(*) FROM event_store.events),"
                              " (SELECT max(global_position) FROM event_store.events),"
                              " (SELECT count(*) FROM event_store.fleet_index),"
                              " (SELECT max(global_position) FROM event_store.fleet_index)").fetchone()
    plan = [r[0] for r in conn.execute("EXPLAIN SELECT feed_key, global_position FROM event_store.events"
                                       " ORDER BY feed_key DESC, global_position DESC LIMIT 1").fetchall()]
    projected = conn.execute(PROJECTED).fetchone()
    return (f"watermark {mark}, last by the planner's choice {last}, last by a sequential scan {seq_last};"
            f" events (count, max position) {counts[:2] if counts else None},"
            f" fleet_index {counts[2:] if counts else None},"
            f" events_projected {projected}; plan {plan}")


def _register(dsn: str, instances: list[str], project: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        for instance_id in instances:
            conn.execute("SELECT event_store.register_instance(%s, 'PS', %s)", (instance_id, project))


def test_readers_are_exact_whatever_the_projectors_lag(dsn: str) -> None:
    _register(dsn, INSTANCES, "proj")
    rng = random.Random(7)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.register_instance(%s, 'MS', 'proj')", (HOT,))
        for b in range(5):                     # the hot instance: over 2,000 events from the start
            batch = [_event(rng, f"seed-{b}-{n}") for n in range(420)]
            conn.execute("SELECT event_store.emit_events(%s, %s::jsonb)", (HOT, json.dumps(batch)))
        t0 = _scalar(conn, "SELECT now()")
    stop, checked = threading.Event(), threading.Event()
    wrong: list[str] = []
    with ThreadPoolExecutor(max_workers=WRITERS + 4) as pool:
        checking = [pool.submit(_checker, dsn, checked, t0, wrong) for _ in range(2)]
        projecting = pool.submit(_projector, dsn, stop, 1)
        contending = pool.submit(_contender, dsn, stop)
        writing = [pool.submit(_writer, dsn, i, INSTANCES + [HOT] * 6, stop) for i in range(WRITERS)]
        time.sleep(SECONDS)
        stop.set()
        try:
            transactions = sum(w.result() for w in writing)
            projector, contender = projecting.result(), contending.result()
        finally:
            checked.set()
        seen = [s for c in checking for s in c.result()]

    with psycopg.connect(dsn, autocommit=True) as conn:
        _catch_up(conn)
        events = _scalar(conn, "SELECT count(*) FROM event_store.events")
        with conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            _check_once(conn, t0, wrong)
        _assert_projection_complete(conn)
        projected = _scalar(conn, PROJECTED)
    mixed = sum(1 for p, b in seen if p > 0 and b > 0)
    print(f"\n{events} events in {transactions} transactions; {len(seen)} snapshots checked, {mixed} with"
          f" events on both sides of the watermark (largest lag {max((b for _, b in seen), default=0)});"
          f" projector {projector}, contender {contender}")
    assert not wrong, f"{len(wrong)} answers differ from the events table, e.g.:\n" + "\n".join(wrong[:10])
    assert transactions > 100
    assert events > 3000
    assert len(seen) >= 6
    assert mixed >= 3, ("the checks never saw events on both sides of the watermark: the union went"
                        " untested (the feed's horizon is server-wide: did a transaction in another"
                        " database hold it?)")
    assert projected == events, "events_projected counts an event twice (or missed one)"
    assert projector["run_projector"] >= 1


def _resetter(dsn: str, instances: list[str], stop: threading.Event) -> dict[str, int]:
    """delete_events_for_instance on a random instance every 50-250 ms; counts the resets and the
    projected rows of the instance just before each (read in the reset's transaction)."""
    rng = random.Random(3)
    done = {"resets": 0, "projected_rows_removed": 0}
    with psycopg.connect(dsn) as conn:
        while not stop.is_set():
            time.sleep(rng.uniform(0.05, 0.25))
            instance_id = rng.choice(instances)
            with conn.transaction():
                before = _scalar(conn, INSTANCE_ROWS, (instance_id,))
                conn.execute("SELECT event_store.delete_events_for_instance(%s)", (instance_id,))
            done["resets"] += 1
            done["projected_rows_removed"] += before
    return done


def _orphan_checker(dsn: str, stop: threading.Event, wrong: list[str]) -> int:
    rounds = 0
    with psycopg.connect(dsn) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        while not stop.is_set():
            orphans = _scalar(conn, ORPHANS)
            if orphans:
                wrong.append(f"{orphans} fleet_index rows without their event")
            if _scalar(conn, COUNTS_VS_INDEX):
                wrong.append("fleet_type_counts differs from a GROUP BY over fleet_index")
            if _scalar(conn, ABOVE_MINIMUM):
                wrong.append("a fleet_type_counts.min_global_position is above its hour's smallest position")
            got = conn.execute(AGGREGATE, {"s": None, "e": None}).fetchall()
            want = conn.execute(AGGREGATE_TRUTH, {"s": None, "e": None}).fetchall()
            if got != want:
                wrong.append(f"aggregate_events_by_type() = {got}, events say {want}")
            q = {"i": None, "t": None, "s": None, "e": None, "k": "zebra", "l": 20, "o": 0}
            n, page = conn.execute(TRUTH, q).fetchone()  # type: ignore[misc]
            rows = conn.execute(QUERY, {**q, "x": True}).fetchall()
            if [r[0] for r in rows] != page or any(r[1] != n for r in rows):
                total = rows[0][1] if rows else None
                wrong.append(f"query_events(zebra): {[r[0] for r in rows]} of {total},"
                             f" events say {page} of {n}")
            conn.rollback()
            rounds += 1
    return rounds


def test_resets_racing_the_projector_leave_no_row_without_its_event(dsn: str) -> None:
    instances = INSTANCES[:12]
    _register(dsn, instances, "reset")
    stop, checked = threading.Event(), threading.Event()
    wrong: list[str] = []
    with ThreadPoolExecutor(max_workers=8) as pool:
        checking = pool.submit(_orphan_checker, dsn, checked, wrong)
        projecting = pool.submit(_projector, dsn, stop, 2)
        contending = pool.submit(_contender, dsn, stop)
        resetting = pool.submit(_resetter, dsn, instances, stop)
        writing = [pool.submit(_writer, dsn, 100 + i, instances, stop) for i in range(4)]
        time.sleep(5.0)
        stop.set()
        try:
            for w in writing:
                w.result()
            resets = resetting.result()
            projecting.result()
            contending.result()
        finally:
            checked.set()
        rounds = checking.result()
    with psycopg.connect(dsn, autocommit=True) as conn:
        assert _scalar(conn, ORPHANS) == 0
        _catch_up(conn)
        _assert_projection_complete(conn)
    print(f"\n{resets} while projecting; {rounds} snapshots checked")
    assert not wrong, f"{len(wrong)} problems, e.g.:\n" + "\n".join(wrong[:10])
    assert resets["resets"] >= 10
    assert rounds >= 5
    assert resets["projected_rows_removed"] > 0, "no reset met projected rows: the race went untested"


def _emit_some(dsn: str, instance_id: str, n: int) -> None:
    """n events, one emit_event each."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for k in range(n):
            conn.execute("SELECT event_store.emit_event(%s, 'task_spawned', %s::jsonb)",
                         (instance_id, json.dumps({"task_id": f"o-{k}", "task_type": "zebra"})))


def test_a_reset_waits_for_a_batch_and_a_batch_skips_a_reset(dsn: str) -> None:
    """The watermark row orders them: a reset that comes while a batch holds it waits, then deletes
    the rows that batch wrote; a batch that comes while a reset holds it returns 0 at once (SKIP
    LOCKED), and the next batch never applies the deleted events."""
    _register(dsn, ["ord-PS-1", "ord-PS-2"], "order")
    _emit_some(dsn, "ord-PS-1", 30)
    _emit_some(dsn, "ord-PS-2", 30)
    with psycopg.connect(dsn, autocommit=True) as watcher, psycopg.connect(dsn) as batch, \
            psycopg.connect(dsn) as reset:
        # A batch first: it holds the watermark with ord-PS-1's rows written, not committed.
        wait_for_the_feed_horizon(watcher)
        assert _scalar(batch, "SELECT event_store.project_fleet(100000)") == 62
        pid = _scalar(reset, "SELECT pg_backend_pid()")
        reset.commit()
        done: list[int] = []
        thread = threading.Thread(target=lambda: done.append(
            _scalar(reset, "SELECT event_store.delete_events_for_instance('ord-PS-1')")))
        thread.start()
        wait_until_waiting(watcher, pid, column="wait_event_type", value="Lock")
        batch.commit()
        thread.join(10)
        assert done == [31]
        reset.commit()
        assert _scalar(watcher, INSTANCE_ROWS, ("ord-PS-1",)) == 0, "the reset left the batch's rows"
        assert _scalar(watcher, INSTANCE_ROWS, ("ord-PS-2",)) == 31
        assert _scalar(watcher, COUNTS_VS_INDEX) == 0
        assert _scalar(watcher, ORPHANS) == 0

        # The reset first: a batch meanwhile skips; after it, the batch applies only what is left.
        _emit_some(dsn, "ord-PS-2", 10)
        _emit_some(dsn, "ord-PS-1", 5)        # new ord-PS-1 events, sequence 1-5 again
        wait_for_the_feed_horizon(watcher)
        assert _scalar(watcher, BEHIND) == 15
        assert _scalar(reset, "SELECT event_store.delete_events_for_instance('ord-PS-1')") == 5
        started = time.monotonic()
        assert _scalar(batch, "SELECT event_store.project_fleet(100000)") == 0
        assert time.monotonic() - started < 1, "project_fleet waited for the reset instead of skipping"
        batch.commit()
        reset.commit()
        assert _scalar(batch, "SELECT event_store.project_fleet(100000)") == 10
        batch.commit()
        assert _scalar(watcher, INSTANCE_ROWS, ("ord-PS-1",)) == 0
        _assert_projection_complete(watcher)
