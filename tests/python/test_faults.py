"""Faults on private clusters: a crash under load loses nothing acknowledged, and stale marking and
the fleet projector run by themselves (pg_cron) with no client doing anything."""

from __future__ import annotations

import threading
import time
import uuid
from collections import defaultdict
from typing import Any

import psycopg
import pytest

from conftest import PrivateCluster, rows
from supervisor_event_store import cluster

INSTANCES = [f"crash-PS-{n}" for n in range(8)]
WRITERS = 16
EMIT = (
    "SELECT sequence_num FROM event_store.emit_event(p_instance_id => %s, p_event_type => 'commit_created', "
    "p_event_data => %s::jsonb, p_event_id => %s)"
)


def test_crash_under_load_keeps_every_acknowledged_event(private_cluster: PrivateCluster) -> None:
    private_cluster.start()
    with psycopg.connect(private_cluster.dsn, autocommit=True) as conn:
        for instance in INSTANCES:
            conn.execute("SELECT event_store.register_instance(%s, 'PS', 'crash')", (instance,))

    acked: dict[uuid.UUID, tuple[str, int]] = {}
    in_flight: dict[uuid.UUID, tuple[str, str]] = {}
    lock = threading.Lock()
    started = threading.Barrier(WRITERS + 1)

    def writer(number: int) -> None:
        instance = INSTANCES[number % len(INSTANCES)]
        conn = psycopg.connect(private_cluster.dsn, autocommit=True)
        started.wait()
        try:
            for step in range(1_000_000):
                event_id = uuid.uuid4()
                data = f'{{"commit_sha": "{number:02d}{step:06d}", "message": "w{number} #{step}"}}'
                with lock:
                    in_flight[event_id] = (instance, data)
                row = conn.execute(EMIT, (instance, data, event_id)).fetchone()
                assert row
                with lock:
                    del in_flight[event_id]
                    acked[event_id] = (instance, row[0])
        except psycopg.OperationalError:
            pass  # the crash: this writer's last emit is in flight
        finally:
            conn.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    started.wait()
    time.sleep(3)
    private_cluster.kill()
    for thread in threads:
        thread.join(30)
    assert not any(thread.is_alive() for thread in threads)
    assert len(acked) > 100, "the writers should have written for a while before the crash"
    assert len(in_flight) <= WRITERS

    private_cluster.server.start()  # crash recovery
    with psycopg.connect(private_cluster.dsn, autocommit=True) as conn:
        # the stream-lock rows are unlogged: recovery empties the table, and emits refill it
        assert conn.execute("SELECT count(*) FROM event_store.stream_locks").fetchone() == (0,)
        # each in-flight emit retried with its event_id is stored exactly once
        for event_id, (instance, data) in in_flight.items():
            conn.execute(EMIT, (instance, data, event_id))
            conn.execute(EMIT, (instance, data, event_id))
        for instance in INSTANCES:  # and every stream goes on where it was
            event_id = uuid.uuid4()
            data = '{"commit_sha": "after", "message": "m"}'
            row = conn.execute(EMIT, (instance, data, event_id)).fetchone()
            assert row
            acked[event_id] = (instance, row[0])
        assert conn.execute("SELECT count(*) FROM event_store.stream_locks").fetchone() == (len(INSTANCES),)
        stored = {
            row[0]: (row[1], row[2])
            for row in conn.execute(
                "SELECT event_id, instance_id, sequence_num FROM event_store.events "
                "WHERE event_type = 'commit_created'"
            )
        }
        for event_id, where in acked.items():
            assert stored.get(event_id) == where, f"acknowledged event {event_id} lost or moved"
        assert set(stored) == set(acked) | set(in_flight)
        per_instance: dict[str, list[int]] = defaultdict(list)
        for instance, number in conn.execute("SELECT instance_id, sequence_num FROM event_store.events"):
            per_instance[instance].append(number)
        heads = dict(
            conn.execute("SELECT instance_id, last_sequence_num FROM event_store.instances").fetchall()
        )
    for instance in INSTANCES:
        numbers = sorted(per_instance[instance])
        assert numbers == list(range(1, len(numbers) + 1)), f"gap in {instance}"
        assert heads[instance] == len(numbers)


@pytest.fixture(scope="module")
def cron_cluster() -> Any:
    """A private cluster loaded with pg_cron, started and deployed, with both jobs scheduled as
    `event-store db up` schedules them: the tests below share the wait for pg_cron's first tick."""
    if not cluster.pg_cron_installed():
        pytest.fail("pg_cron is not installed: `make deps` installs postgresql-15-cron")
    pg = PrivateCluster(settings=cluster.PG_CRON_SETTINGS)
    try:
        pg.start()
        assert cluster.schedule_stale_marking(pg.dsn)
        assert cluster.schedule_projector(pg.dsn)
        yield pg
    finally:
        pg.remove()


def test_stale_instances_are_marked_by_themselves(cron_cluster: PrivateCluster) -> None:
    """pg_cron runs mark_stale_instances every minute: an instance whose heartbeat is older than
    the timeout becomes stale within a minute, while no client calls anything."""
    assert cluster.schedule_stale_marking(cron_cluster.dsn)  # idempotent
    with psycopg.connect(cron_cluster.dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.register_instance('quiet-PS-1', 'PS', 'cron')")
        conn.execute("SELECT event_store.register_instance('alive-PS-1', 'PS', 'cron')")
        # as if quiet-PS-1 had stopped heart-beating 10 minutes ago (owner-only table)
        conn.execute(
            "UPDATE event_store.instances SET last_heartbeat_at = now() - interval '10 minutes' "
            "WHERE instance_id = 'quiet-PS-1'"
        )
    deadline = time.monotonic() + 75
    status: dict[str, str] = {}
    while time.monotonic() < deadline:
        with psycopg.connect(cron_cluster.dsn, autocommit=True) as conn:
            status = dict(
                conn.execute("SELECT instance_id, status FROM event_store.instances WHERE project = 'cron'")
            )
        if status.get("quiet-PS-1") == "stale":
            break
        time.sleep(1)
    assert status == {"quiet-PS-1": "stale", "alive-PS-1": "active"}
    with psycopg.connect(cron_cluster.dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT event_data->>'timeout_seconds' FROM event_store.events "
            "WHERE instance_id = 'quiet-PS-1' AND event_type = 'instance_stale'"
        ).fetchone()
    assert row is not None
    assert float(row[0]) == 120


def test_the_fleet_projection_is_kept_up_by_itself(cron_cluster: PrivateCluster) -> None:
    """pg_cron starts `CALL event_store.run_projector(50)` every minute in the store's database:
    emitted events reach the fleet projection within about a minute, while no client runs the
    projector."""
    assert cluster.schedule_projector(cron_cluster.dsn)  # idempotent
    cron = cron_cluster.server.dsn("postgres")
    jobs = rows(cron, "SELECT jobname, schedule, command, database FROM cron.job WHERE command ~ 'projector'")
    command = "CALL event_store.run_projector(50)"
    assert jobs == [("event_store_run_projector_event_store", "* * * * *", command, "event_store")]
    with psycopg.connect(cron_cluster.dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.register_instance('proj-PS-1', 'PS', 'projector')")
        for n in range(5):
            conn.execute(EMIT, ("proj-PS-1", f'{{"commit_sha": "c{n}", "message": "m"}}', uuid.uuid4()))
    projected = (0,)
    deadline = time.monotonic() + 75
    while time.monotonic() < deadline:
        [projected] = rows(
            cron_cluster.dsn, "SELECT count(*) FROM event_store.fleet_index WHERE instance_id = 'proj-PS-1'"
        )
        if projected == (6,):
            break
        time.sleep(0.5)
    assert projected == (6,), "the projector did not apply the events within 75 s"
    [(events_projected,)] = rows(
        cron_cluster.dsn,
        "SELECT events_projected FROM event_store.projections WHERE projection_name = 'fleet_index'",
    )
    assert events_projected >= 6
    failed = rows(
        cron,
        "SELECT d.return_message FROM cron.job_run_details d JOIN cron.job j USING (jobid)"
        " WHERE j.command ~ 'run_projector' AND d.status = 'failed'",
    )
    assert failed == []
