"""mark_stale_instances is safe to call often and concurrently: every silent instance is marked
exactly once, with exactly one instance_stale event, whoever wins."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import psycopg

from supervisor_event_store import EventStore

SILENT = 30
CALLERS = 6


def test_concurrent_callers_mark_each_silent_instance_once(dsn: str, raw: psycopg.Connection[Any]) -> None:
    with EventStore(dsn) as store:
        for i in range(SILENT):
            store.register_instance(f"silent-PS-{i}", "PS", "fleet")
        store.register_instance("alive-PS-0", "PS", "fleet")
    raw.execute(
        "UPDATE event_store.instances SET last_heartbeat_at = now() - interval '10 minutes'"
        " WHERE instance_id LIKE 'silent-%'"
    )
    start = threading.Barrier(CALLERS)

    def caller(_: int) -> list[str]:
        with EventStore(dsn, min_size=1, max_size=1) as store:
            start.wait()
            marked: list[str] = []
            for _ in range(3):  # "often": each caller tries several times
                marked += [s.instance_id for s in store.mark_stale_instances(timedelta(minutes=5))]
            return marked

    with ThreadPoolExecutor(max_workers=CALLERS) as pool:
        marked = [m for ms in pool.map(caller, range(CALLERS)) for m in ms]

    assert sorted(marked) == sorted(f"silent-PS-{i}" for i in range(SILENT)), "each marked exactly once"
    rows = raw.execute(
        "SELECT instance_id, count(*) FROM event_store.events WHERE event_type = 'instance_stale'"
        " GROUP BY instance_id"
    ).fetchall()
    assert {r[0]: r[1] for r in rows} == {f"silent-PS-{i}": 1 for i in range(SILENT)}
    statuses = dict(raw.execute("SELECT instance_id, status FROM event_store.instances").fetchall())
    assert statuses["alive-PS-0"] == "active"
    assert all(statuses[f"silent-PS-{i}"] == "stale" for i in range(SILENT))
