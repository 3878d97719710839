"""Gap-free sequencing under concurrency (the core issue's test, driven from Python).

8 sessions, each its own connection, emit 500 events each: all to one instance, then one instance
each, then the stored sequences must be exactly 1..N. A rolled-back emit leaves no gap, also when
another session was waiting on the same instance.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest

from conftest import Sequences, wait_until_waiting
from supervisor_event_store import EventStore

SESSIONS = 8
EVENTS_EACH = 500

pytestmark = pytest.mark.slow


def _emit_concurrently(dsn: str, targets: list[str]) -> list[int]:
    """Session i emits EVENTS_EACH events to targets[i]; returns every sequence number handed out."""
    start = threading.Barrier(len(targets))

    def session(index: int) -> list[int]:
        with EventStore(dsn, min_size=1, max_size=1) as store:
            start.wait()
            return [
                store.emit_event(
                    targets[index], "task_spawned", {"task_id": f"T-{index}-{n}", "task_type": "x"}
                ).sequence_num
                for n in range(EVENTS_EACH)
            ]

    with ThreadPoolExecutor(max_workers=len(targets)) as pool:
        return [seq for seqs in pool.map(session, range(len(targets))) for seq in seqs]


def test_eight_sessions_on_one_instance_get_exactly_1_to_n(dsn: str, sequences: Sequences) -> None:
    with EventStore(dsn) as store:
        store.register_instance("hot-PS-1", "PS", "hot")
    handed_out = _emit_concurrently(dsn, ["hot-PS-1"] * SESSIONS)
    total = SESSIONS * EVENTS_EACH + 1  # + instance_registered
    assert sorted(handed_out) == list(range(2, total + 1))
    assert sequences("hot-PS-1") == list(range(1, total + 1))


def test_eight_sessions_on_eight_instances_each_get_1_to_n(dsn: str, sequences: Sequences) -> None:
    targets = [f"cold-PS-{i}" for i in range(SESSIONS)]
    with EventStore(dsn) as store:
        for target in targets:
            store.register_instance(target, "PS", "cold")
    _emit_concurrently(dsn, targets)
    for target in targets:
        assert sequences(target) == list(range(1, EVENTS_EACH + 2))


def _emit_in(conn: psycopg.Connection[Any], instance_id: str) -> int:
    row = conn.execute(
        "SELECT sequence_num FROM event_store.emit_event(p_instance_id => %s, p_event_type => 'epic_started',"
        ' p_event_data => \'{"epic_id": "E-1"}\')',
        (instance_id,),
    ).fetchone()
    assert row is not None
    return int(row[0])


def test_a_rolled_back_emit_leaves_no_gap(
    dsn: str, store: EventStore, instance: str, sequences: Sequences
) -> None:
    with psycopg.connect(dsn) as conn:
        assert _emit_in(conn, instance) == 2
        conn.rollback()
    assert store.emit_event(instance, "epic_started", {"epic_id": "E-1"}).sequence_num == 2
    assert sequences(instance) == [1, 2]


def test_a_waiting_emit_takes_the_number_a_rolled_back_emit_released(
    dsn: str, instance: str, sequences: Sequences
) -> None:
    with psycopg.connect(dsn) as first, psycopg.connect(dsn, autocommit=True) as second:
        assert _emit_in(first, instance) == 2  # holds the instance's stream head until it ends
        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(_emit_in, second, instance)
            with psycopg.connect(dsn, autocommit=True) as watcher:
                # the second emit waits for the first
                wait_until_waiting(watcher, second.info.backend_pid, column="wait_event_type", value="Lock")
            first.rollback()
            assert waiting.result(timeout=10) == 2
    assert sequences(instance) == [1, 2]
