"""Subscriptions over committed events: exactly-once effects across a killed consumer, a consumer
group of 3 with a member killed mid-way, and the checkpoint rules (start points, ack compare-and-set).

The consumers here are what a real one does in SQL: in one transaction poll a batch, write their
own results, ack the batch's last cursor, commit. Killing the backend (pg_terminate_backend)
between the work and the ack rolls both back.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import psycopg
import pytest

pytestmark = pytest.mark.slow

EFFECTS = """CREATE TABLE effects (
    serial bigserial PRIMARY KEY, event_id uuid NOT NULL, instance_id text NOT NULL,
    sequence_num bigint NOT NULL, member int NOT NULL)"""


def _setup(dsn: str, instances: int, events_each: int) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(EFFECTS)
        for i in range(instances):
            conn.execute("SELECT event_store.register_instance(%s, 'PS', 'subs')", (f"sub-PS-{i:02d}",))
        _emit(conn, instances, events_each)


def _emit(conn: psycopg.Connection[Any], instances: int, events_each: int) -> None:
    for n in range(events_each):
        for i in range(instances):
            conn.execute(
                "SELECT event_store.emit_event(%s, 'task_spawned', %s::jsonb)",
                (f"sub-PS-{i:02d}", f'{{"task_id": "T-{n}", "task_type": "x"}}'),
            )


def _consume_batch(conn: psycopg.Connection[Any], name: str, member: int, limit: int,
                   before_ack: threading.Event | None = None) -> int:
    """One transaction: poll, apply the effects, ack. Returns the batch size (0: nothing new)."""
    with conn.transaction():
        rows = conn.execute(
            "SELECT event_id, instance_id, sequence_num, cursor"
            " FROM event_store.poll_subscription(%s, %s, %s)",
            (name, limit, member),
        ).fetchall()
        for event_id, instance_id, seq, _ in rows:
            conn.execute(
                "INSERT INTO effects (event_id, instance_id, sequence_num, member) VALUES (%s, %s, %s, %s)",
                (event_id, instance_id, seq, member),
            )
        if rows:
            if before_ack is not None:
                before_ack.set()
                time.sleep(5)          # killed here, between the work and the ack
            conn.execute("SELECT event_store.ack_subscription(%s, %s, %s)", (name, rows[-1][3], member))
    return len(rows)


def _kill_when(dsn: str, ready: threading.Event, pid: int) -> threading.Thread:
    def kill() -> None:
        ready.wait(30)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SELECT pg_terminate_backend(%s)", (pid,))

    thread = threading.Thread(target=kill)
    thread.start()
    return thread


def _check_exactly_once_in_order(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        total = conn.execute("SELECT count(*) FROM event_store.events").fetchone()[0]  # type: ignore[index]
        twice = conn.execute(
            "SELECT count(*) FROM (SELECT event_id FROM effects GROUP BY event_id HAVING count(*) > 1) d"
        ).fetchone()[0]  # type: ignore[index]
        applied = conn.execute("SELECT count(DISTINCT event_id) FROM effects").fetchone()[0]  # type: ignore[index]
        out_of_order = conn.execute(
            "SELECT count(*) FROM (SELECT sequence_num < lag(sequence_num)"
            " OVER (PARTITION BY instance_id ORDER BY serial)"
            " AS back FROM effects) x WHERE back"
        ).fetchone()[0]  # type: ignore[index]
    assert twice == 0
    assert applied == total
    assert out_of_order == 0
    return int(total)


def test_consumer_killed_between_work_and_ack_applies_every_event_exactly_once(dsn: str) -> None:
    _setup(dsn, instances=10, events_each=20)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.create_subscription('once')")
    kills = 0
    batches = 0
    while True:
        conn = psycopg.connect(dsn, autocommit=True)
        try:
            while True:
                batches += 1
                ready = threading.Event() if batches % 4 == 0 and kills < 3 else None
                killer = _kill_when(dsn, ready, conn.info.backend_pid) if ready else None
                try:
                    size = _consume_batch(conn, "once", 0, 17, ready)
                finally:
                    if killer:
                        killer.join()
                if not size:
                    break
        except psycopg.OperationalError:
            kills += 1                 # the backend was terminated: reconnect and resume
            continue
        finally:
            conn.close()
        break
    assert kills == 3
    assert _check_exactly_once_in_order(dsn) == 10 * 21


def test_consumer_group_of_three_with_a_member_killed(dsn: str) -> None:
    _setup(dsn, instances=30, events_each=5)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.create_subscription('group', p_members => 3, p_lease => '1 second')")
        conn.execute("SELECT event_store.create_subscription('group', p_members => 3, p_lease => '1 second')")
    writing_done = threading.Event()
    errors: list[BaseException] = []
    killed = threading.Event()

    def writer() -> None:
        with psycopg.connect(dsn, autocommit=True) as conn:
            _emit(conn, 30, 5)
        writing_done.set()

    def member(m: int) -> None:
        try:
            with psycopg.connect(dsn, autocommit=True) as conn:
                batches = 0
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline:
                    batches += 1
                    ready = threading.Event() if m == 1 and batches == 3 else None
                    if ready:
                        _kill_when(dsn, ready, conn.info.backend_pid)
                    size = _consume_batch(conn, "group", m, 10, ready)
                    if not size:
                        if writing_done.is_set() and _all_applied(conn):
                            return
                        time.sleep(0.05)
        except psycopg.OperationalError:
            killed.set()                 # member 1 is gone for good; its share must be taken over
        except BaseException as exc:     # surface assertion-worthy failures of the other members
            errors.append(exc)

    threads = [threading.Thread(target=writer)]
    threads += [threading.Thread(target=member, args=(m,)) for m in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert killed.is_set()
    assert _check_exactly_once_in_order(dsn) == 30 * 11
    with psycopg.connect(dsn) as conn:
        members = {row[0] for row in conn.execute("SELECT DISTINCT member FROM effects")}
        holders = conn.execute(
            "SELECT array_agg(holder ORDER BY slot) FROM event_store.list_subscriptions()"
            " WHERE subscription_name = 'group'").fetchone()[0]  # type: ignore[index]
    assert members >= {0, 2}
    assert holders[1] in (0, 2), "slot 1 was taken over by a surviving member"


def _all_applied(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute(
        "SELECT (SELECT count(*) FROM event_store.events) = (SELECT count(DISTINCT event_id) FROM effects)"
    ).fetchone()
    return bool(row and row[0])


def _sqlstate(conn: psycopg.Connection[Any], query: str, params: tuple[Any, ...] = ()) -> str | None:
    try:
        with conn.transaction():
            conn.execute(query, params)
    except psycopg.Error as exc:
        return exc.sqlstate
    return None


def _poll(conn: psycopg.Connection[Any], name: str, limit: int = 100, member: int = 0) -> list[Any]:
    return conn.execute(
        "SELECT instance_id, sequence_num, cursor FROM event_store.poll_subscription(%s, %s, %s)",
        (name, limit, member),
    ).fetchall()


def test_start_points_and_the_ack_rules(dsn: str) -> None:
    _setup(dsn, instances=2, events_each=3)           # 2 x (registered + 3)
    with psycopg.connect(dsn, autocommit=True) as conn:
        feed = conn.execute("SELECT cursor FROM event_store.read_all()").fetchall()
        middle = conn.execute("SELECT now()").fetchone()[0]  # type: ignore[index]
        conn.execute("SELECT event_store.create_subscription('begin')")
        conn.execute("SELECT event_store.create_subscription('end', 'end')")
        conn.execute("SELECT event_store.create_subscription('after3', %s)", (feed[2][0],))
        conn.execute("SELECT event_store.create_subscription('typed', p_event_types => '{task_spawned}')")
        assert len(_poll(conn, "begin")) == 8
        assert _poll(conn, "end") == []
        assert [r[2] for r in _poll(conn, "after3")] == [c for (c,) in feed[3:]]
        assert len(_poll(conn, "typed")) == 6
        _emit(conn, 2, 1)
        conn.execute("SELECT event_store.create_subscription('since', %s)", (middle.isoformat(),))
        assert [r[1] for r in _poll(conn, "since")] == [5, 5], "only the events stamped after the time"
        assert [r[1] for r in _poll(conn, "end")] == [5, 5]

        # Poll does not move the checkpoint; ack does, forward only, to delivered cursors only.
        conn.execute("SELECT event_store.create_subscription('acks')")
        batch = _poll(conn, "acks", 3)
        assert _poll(conn, "acks", 3) == batch
        assert _sqlstate(conn, "SELECT event_store.ack_subscription('acks', %s)", (feed[5][0],)) == "ES006"
        conn.execute("SELECT event_store.ack_subscription('acks', %s)", (batch[-1][2],))
        assert _sqlstate(conn, "SELECT event_store.ack_subscription('acks', %s)", (batch[-1][2],)) == "ES004"
        assert _sqlstate(conn, "SELECT event_store.ack_subscription('acks', %s)", (batch[0][2],)) == "ES004"
        assert _poll(conn, "acks", 1)[0][2] == feed[3][0]

        # Bad input changes nothing.
        before = conn.execute("SELECT * FROM event_store.subscription_slots ORDER BY 1, 2").fetchall()
        unknown_type = "SELECT event_store.create_subscription('x', p_event_types => ARRAY['tsk_spawned'])"
        assert _sqlstate(conn, unknown_type) == "ES001"
        assert _sqlstate(conn, "SELECT event_store.ack_subscription('nosuch', %s)", (feed[0][0],)) == "ES008"
        assert _sqlstate(conn, "SELECT event_store.ack_subscription('begin', 'f1.1.2.deadbeef')") == "ES006"
        assert _sqlstate(conn, "SELECT * FROM event_store.poll_subscription('begin', 0)") == "ES006"
        assert conn.execute("SELECT * FROM event_store.subscription_slots ORDER BY 1, 2").fetchall() == before


def test_two_consumers_acking_the_same_batch_one_is_refused(dsn: str) -> None:
    _setup(dsn, instances=1, events_each=4)
    with psycopg.connect(dsn, autocommit=True) as a, psycopg.connect(dsn, autocommit=True) as b:
        a.execute("SELECT event_store.create_subscription('dup')")
        with a.transaction():
            batch = _poll(a, "dup", 3)
            a.execute("SELECT event_store.ack_subscription('dup', %s)", (batch[-1][2],))
        # b polled the same batch before a's ack and now acks it too: refused, its work rolls back.
        assert _sqlstate(b, "SELECT event_store.ack_subscription('dup', %s)", (batch[-1][2],)) == "ES004"


def test_a_member_whose_slot_was_taken_over_cannot_ack(dsn: str) -> None:
    _setup(dsn, instances=8, events_each=2)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.create_subscription('g2', p_members => 2, p_lease => '1 second')")
        mine = _poll(conn, "g2", 100, 1)
        assert mine
        time.sleep(1.2)                                 # member 1 falls silent past its lease
        _poll(conn, "g2", 100, 0)                       # member 0 serves slot 0, claims slot 1 too
        assert _sqlstate(conn, "SELECT event_store.ack_subscription('g2', %s, 1)", (mine[-1][2],)) == "ES004"
        holders = conn.execute(
            "SELECT holder FROM event_store.subscription_slots WHERE subscription_name = 'g2' ORDER BY slot"
        ).fetchall()
        assert holders == [(0,), (0,)]
        _poll(conn, "g2", 100, 1)                       # the home member comes back and takes its slot back
        holders = conn.execute(
            "SELECT holder FROM event_store.subscription_slots WHERE subscription_name = 'g2' ORDER BY slot"
        ).fetchall()
        assert holders == [(0,), (1,)]


def test_list_subscriptions_shows_lag_and_the_transaction_holding_the_horizon(dsn: str) -> None:
    _setup(dsn, instances=2, events_each=2)
    with psycopg.connect(dsn, autocommit=True) as conn, psycopg.connect(dsn) as idle:
        conn.execute("SELECT event_store.create_subscription('lag')")
        conn.execute("SELECT event_store.register_instance('idle-PS-1', 'PS', 'subs')")
        idle.execute("SELECT event_store.emit_event('idle-PS-1', 'task_spawned', %s::jsonb)",
                     ('{"task_id": "T", "task_type": "x"}',))
        _emit(conn, 2, 1)                               # committed, but above the idle transaction's horizon
        row = conn.execute(
            "SELECT events_behind, seconds_behind, horizon_pid, horizon_state"
            " FROM event_store.list_subscriptions()"
        ).fetchone()
        assert row is not None
        assert row[0] == 2 * 4 + 1
        assert row[1] > 0
        assert row[2] == idle.info.backend_pid
        assert row[3] == "idle in transaction"
        assert len(_poll(conn, "lag")) == 7, "the events after the open transaction's wait for it"
        idle.rollback()
        assert len(_poll(conn, "lag")) == 9


def test_a_reset_under_followers_delivers_the_new_stream_and_nothing_deleted(dsn: str) -> None:
    """delete_events_for_instance while subscriptions follow: a caught-up follower gets exactly the
    events written after the reset (the stream restarting at 1, in order); one that is behind gets
    the rest of the other instance's old events and the new ones, never a deleted one, and polling
    past a checkpoint whose event was deleted works."""
    _setup(dsn, instances=2, events_each=3)           # 2 x (registered + 3)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.create_subscription('caught_up')")
        conn.execute("SELECT event_store.create_subscription('behind')")
        everything = _poll(conn, "caught_up")
        conn.execute("SELECT event_store.ack_subscription('caught_up', %s)", (everything[-1][2],))
        first = _poll(conn, "behind", 1)
        assert first[0][:2] == ("sub-PS-00", 1), "the feed starts with the first registration"
        conn.execute("SELECT event_store.ack_subscription('behind', %s)", (first[0][2],))

        assert conn.execute("SELECT event_store.delete_events_for_instance('sub-PS-00')").fetchone()[0] == 4  # type: ignore[index]
        _emit(conn, 2, 2)                              # sub-PS-00: 1, 2 again; sub-PS-01: 5, 6

        new = _poll(conn, "caught_up")
        expected = [("sub-PS-00", 1), ("sub-PS-01", 5), ("sub-PS-00", 2), ("sub-PS-01", 6)]
        assert [(r[0], r[1]) for r in new] == expected
        rest = _poll(conn, "behind")
        stored = set(conn.execute("SELECT cursor FROM event_store.read_all()").fetchall())
        assert all((r[2],) in stored for r in rest), "nothing deleted is delivered"
        assert [r[1] for r in rest if r[0] == "sub-PS-01"] == [1, 2, 3, 4, 5, 6]
        assert [r[1] for r in rest if r[0] == "sub-PS-00"] == [1, 2]
        conn.execute("SELECT event_store.ack_subscription('behind', %s)", (rest[-1][2],))
        lag = dict(conn.execute(
            "SELECT subscription_name, events_behind FROM event_store.list_subscriptions()").fetchall())
        assert lag == {"caught_up": 4, "behind": 0}
