"""The stream lock (event_store._lock_stream) comes before the instance's row, in every function
that locks the row: a call that finds the stream busy waits on the stream lock while the row is
still free, so nothing can hold a row and wait for a stream lock (no deadlock between emits,
heartbeats, registrations and stale marking). mark_stale_instances only tries the lock and skips
a busy stream. The mixed test drives all of them at one instance and checks the sequence."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo

from conftest import Sequences, wait_until_waiting
from supervisor_event_store import EventStore

INSTANCE = "lk-PS-1"
CALLS = {
    "emit_event": "SELECT event_store.emit_event(%s, 'epic_started', '{\"epic_id\": \"E-1\"}')",
    "emit_event with an event_id": (
        "SELECT event_store.emit_event(%s, 'epic_started', '{\"epic_id\": \"E-1\"}', NULL, gen_random_uuid())"
    ),
    "emit_events": (
        "SELECT event_store.emit_events(%s,"
        " '[{\"event_type\": \"epic_started\", \"event_data\": {\"epic_id\": \"E-1\"}}]')"
    ),
    "emit_events with an event_id": (
        "SELECT event_store.emit_events(%s, jsonb_build_array(jsonb_build_object("
        "'event_type', 'epic_started', 'event_data', '{\"epic_id\": \"E-1\"}'::jsonb,"
        " 'event_id', gen_random_uuid())))"
    ),
    "heartbeat": "SELECT event_store.heartbeat(%s)",
    "register_instance": "SELECT event_store.register_instance(%s, 'PS', 'locks')",
    "delete_events_for_instance": "SELECT event_store.delete_events_for_instance(%s)",
}


@pytest.mark.parametrize("call", list(CALLS))
def test_a_call_waits_on_the_stream_lock_with_the_row_still_free(
    dsn: str, raw: psycopg.Connection[Any], call: str
) -> None:
    raw.execute("SELECT event_store.register_instance(%s, 'PS', 'locks')", (INSTANCE,))
    with (
        psycopg.connect(dsn) as holder,
        psycopg.connect(dsn, autocommit=True) as caller,
        ThreadPoolExecutor(max_workers=1) as pool,
    ):
        holder.execute("SELECT event_store._lock_stream(%s)", (INSTANCE,))
        waiting = pool.submit(caller.execute, CALLS[call], (INSTANCE,))
        wait_until_waiting(raw, caller.info.backend_pid, column="wait_event", value="transactionid")
        # The waiting call holds no lock on the row: another session can take it at once.
        raw.execute(
            "SELECT 1 FROM event_store.instances WHERE instance_id = %s FOR NO KEY UPDATE NOWAIT", (INSTANCE,)
        )
        holder.rollback()
        waiting.result(timeout=10)


def test_mark_stale_instances_skips_a_busy_stream_without_waiting(
    dsn: str, raw: psycopg.Connection[Any]
) -> None:
    for name in ("lk-busy", "lk-silent"):
        raw.execute("SELECT event_store.register_instance(%s, 'PS', 'locks')", (name,))
    raw.execute("UPDATE event_store.instances SET last_heartbeat_at = now() - interval '1 hour'")
    impatient = make_conninfo(dsn, options="-c statement_timeout=5s")  # waiting would fail, not hang
    with psycopg.connect(dsn) as holder, EventStore(impatient, min_size=1, max_size=1) as store:
        holder.execute("SELECT event_store._lock_stream('lk-busy')")
        marked = [s.instance_id for s in store.mark_stale_instances(timedelta(minutes=5))]
        assert marked == ["lk-silent"], "the busy stream is left for the next call, without waiting"
        holder.rollback()
        assert [s.instance_id for s in store.mark_stale_instances(timedelta(minutes=5))] == ["lk-busy"]


@pytest.mark.slow
def test_emits_heartbeats_registrations_and_stale_marking_on_one_instance(
    dsn: str, raw: psycopg.Connection[Any], sequences: Sequences
) -> None:
    """Everything that locks the instance, at once: no deadlock, no error, a gap-free stream."""
    raw.execute("SELECT event_store.register_instance(%s, 'PS', 'locks')", (INSTANCE,))
    rounds = 150
    start = threading.Barrier(6)

    def emitter(kind: str) -> int:
        with EventStore(dsn, min_size=1, max_size=1) as store:
            start.wait()
            written = 0
            for n in range(rounds):
                if kind == "emit":
                    store.emit_event(INSTANCE, "task_spawned", {"task_id": f"T-{n}", "task_type": "x"})
                    written += 1
                elif kind == "batch":
                    written += len(store.emit_events(INSTANCE, [{"event_type": "epic_started",
                                                                   "event_data": {"epic_id": f"E-{n}"}}] * 3))
                elif kind == "heartbeat":
                    store.heartbeat(INSTANCE, 50)
                    written += 1
                elif kind == "register":
                    store.register_instance(INSTANCE, "PS", "locks")
                    written += 1
                else:
                    written += len(store.mark_stale_instances(timedelta(0)))
            return written

    kinds = ["emit", "emit", "batch", "heartbeat", "register", "stale"]
    with ThreadPoolExecutor(max_workers=len(kinds)) as pool:
        written = sum(pool.map(emitter, kinds))
    assert sequences(INSTANCE) == list(range(1, written + 2))  # + the first instance_registered
