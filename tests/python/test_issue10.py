"""Issue 10, the defects that need several sessions: no role without privileges (nor a reader) can
delay writers; a snapshot always describes the events it is attached to, even when a reset races
it; concurrent identical register_event_type calls are no-ops; every function works whatever the
caller's session settings."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

INSTANCE = "odin-PS-2"


def _login_role(raw: psycopg.Connection[Any], name: str, member_of: str | None) -> None:
    raw.execute(
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN"
        f" CREATE ROLE {name} LOGIN; END IF; END $$"
    )
    if member_of:
        raw.execute(f"GRANT {member_of} TO {name}")


def _as(dsn: str, role: str) -> psycopg.Connection[Any]:
    params = conninfo_to_dict(dsn)
    params["user"] = role
    params.pop("password", None)
    return psycopg.connect(make_conninfo(**params), autocommit=False)


@pytest.mark.parametrize(
    ("role", "member_of"), [("es_nogrant", None), ("es_reader_login", "event_store_reader")]
)
def test_a_role_without_privileges_cannot_delay_writers(
    dsn: str, raw: psycopg.Connection[Any], role: str, member_of: str | None
) -> None:
    raw.execute("SELECT event_store.register_instance(%s, 'PS', 'odin')", (INSTANCE,))
    raw.execute("SELECT event_store.register_instance('odin-PS-3', 'PS', 'odin')")
    raw.execute(
        "UPDATE event_store.instances SET last_heartbeat_at = now() - interval '1 day'"
        " WHERE instance_id = 'odin-PS-3'"
    )
    _login_role(raw, role, member_of)
    with _as(dsn, role) as attacker, psycopg.connect(dsn, autocommit=True) as writer:
        # What froze writers before: the advisory key of the stream lock (seed from pg_proc.prosrc).
        attacker.execute("SELECT pg_advisory_lock(hashtextextended(%s, 1702392166))", (INSTANCE,))
        attacker.execute("SELECT pg_advisory_lock(hashtextextended('odin-PS-3', 1702392166))")
        for sql in (
            "SELECT 1 FROM event_store.stream_locks WHERE instance_id = 'odin-PS-2' FOR UPDATE",
            "LOCK TABLE event_store.stream_locks",
            "SELECT 1 FROM event_store.instances WHERE instance_id = 'odin-PS-2' FOR KEY SHARE",
        ):
            with pytest.raises(psycopg.errors.Error) as err:
                attacker.execute(sql)
            assert err.value.sqlstate in ("42501", "3F000"), sql
            attacker.rollback()
            attacker.execute("SELECT pg_advisory_lock(hashtextextended(%s, 1702392166))", (INSTANCE,))
            attacker.execute("SELECT pg_advisory_lock(hashtextextended('odin-PS-3', 1702392166))")
        if member_of:  # a reader in an open transaction that has read the instance
            attacker.execute("SELECT * FROM event_store.replay_events(%s)", (INSTANCE,))
            attacker.execute("SELECT * FROM event_store.query_events(%s)", (INSTANCE,))
        writer.execute("SET statement_timeout = '3s'")
        writer.execute(
            "SELECT event_store.emit_event(%s, 'epic_started', '{\"epic_id\": \"E-1\"}')", (INSTANCE,)
        )
        writer.execute("SELECT event_store.heartbeat(%s)", (INSTANCE,))
        writer.execute("SELECT event_store.register_instance(%s, 'PS', 'odin')", (INSTANCE,))
        marked = writer.execute(
            "SELECT instance_id FROM event_store.mark_stale_instances('1 hour')"
        ).fetchall()
        assert marked == [("odin-PS-3",)], "mark_stale_instances skipped an instance the attacker 'locked'"
        attacker.rollback()


def _fill(conn: psycopg.Connection[Any], instance: str, n: int, epic: str) -> None:
    batch = (
        "["
        + ",".join(
            f'{{"event_type": "epic_started", "event_data": {{"epic_id": "{epic}-{i}"}}}}'
            for i in range(1000)
        )
        + "]"
    )
    for _ in range(n // 1000):
        conn.execute("SELECT event_store.emit_events(%s, %s)", (instance, batch))


def test_a_snapshot_is_attached_to_the_event_it_folded(dsn: str, raw: psycopg.Connection[Any]) -> None:
    """The fold reads the stream under one snapshot; an admin resets it and writes as many new
    events before the snapshot is stored: the stored snapshot must not name a new event."""
    raw.execute("SELECT event_store.register_instance(%s, 'PS', 'odin')", (INSTANCE,))
    _fill(raw, INSTANCE, 2000, "OLD")
    with psycopg.connect(dsn, autocommit=True) as reader, psycopg.connect(dsn) as admin:
        # create_snapshot's two steps, as the owner: fold (one statement snapshot) ...
        reader.execute("CREATE TEMP TABLE r AS SELECT * FROM event_store._replay(%s, NULL)", (INSTANCE,))
        # ... a reset and as many new events commit in between ...
        admin.execute("SELECT event_store.delete_events_for_instance(%s)", (INSTANCE,))
        _fill(admin, INSTANCE, 2000, "NEW")
        admin.commit()
        # ... then the store: attached to the folded event, which is gone: no snapshot, no 23503.
        stored = reader.execute(
            "SELECT (event_store._store_snapshot(%s, r.acc, r.last_event_id)).snapshot_id FROM r", (INSTANCE,)
        ).fetchone()
        assert stored == (None,)
    assert raw.execute("SELECT count(*) FROM event_store.snapshots").fetchone() == (0,)
    replayed, folded = raw.execute(
        "SELECT (SELECT final_state FROM event_store.replay_events(%(i)s)),"
        " (SELECT event_store.fold_state(e ORDER BY e.sequence_num)"
        "    FROM event_store.events e WHERE e.instance_id = %(i)s)",
        {"i": INSTANCE},
    ).fetchone()
    assert replayed == folded


def test_create_snapshot_racing_a_reset_never_raises_23503(dsn: str, raw: psycopg.Connection[Any]) -> None:
    raw.execute("SELECT event_store.register_instance(%s, 'PS', 'odin')", (INSTANCE,))
    _fill(raw, INSTANCE, 20000, "OLD")
    with (
        psycopg.connect(dsn) as admin,
        psycopg.connect(dsn, autocommit=True) as writer,
        ThreadPoolExecutor(1) as pool,
    ):
        admin.execute("SELECT event_store.delete_events_for_instance(%s)", (INSTANCE,))
        _fill(admin, INSTANCE, 3000, "NEW")
        # The snapshot folds the old stream (the reset is not committed), then its insert waits on
        # the old event the reset deletes; the reset commits: before, a bare 23503.
        pending = pool.submit(writer.execute, "SELECT * FROM event_store.create_snapshot(%s)", (INSTANCE,))
        for _ in range(500):
            row = raw.execute(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", (writer.info.backend_pid,)
            ).fetchone()
            if row and row[0] == "Lock":
                break
            threading.Event().wait(0.01)
        admin.commit()
        pending.result(timeout=30)
    snapshot = raw.execute(
        "SELECT s.sequence_num, e.event_data ->> 'epic_id'"
        "  FROM event_store.snapshots s JOIN event_store.events e USING (event_id)"
    ).fetchall()
    assert snapshot == [(3000, "NEW-999")]
    replayed, folded = raw.execute(
        "SELECT (SELECT final_state FROM event_store.replay_events(%(i)s)),"
        " (SELECT event_store.fold_state(e ORDER BY e.sequence_num)"
        "    FROM event_store.events e WHERE e.instance_id = %(i)s)",
        {"i": INSTANCE},
    ).fetchone()
    assert replayed == folded


def test_identical_concurrent_register_event_type_is_a_no_op(dsn: str) -> None:
    sessions = [psycopg.connect(dsn, autocommit=True) for _ in range(8)]
    try:
        errors: list[str] = []
        barrier = threading.Barrier(8)

        def register(conn: psycopg.Connection[Any]) -> None:
            for k in range(50):
                barrier.wait()
                try:
                    conn.execute(
                        "SELECT event_store.register_event_type(%s, 'misc', 'A race.',"
                        ' \'{"type": "object", "required": ["a"]}\')',
                        (f"race_{k}",),
                    )
                except psycopg.Error as exc:
                    errors.append(f"{exc.sqlstate}: {exc}")

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(register, sessions))
        assert errors == []
        with pytest.raises(psycopg.Error) as err:
            sessions[0].execute(
                "SELECT event_store.register_event_type('race_1', 'misc', 'Another definition.')"
            )
        assert err.value.sqlstate == "ES006"
    finally:
        for conn in sessions:
            conn.close()


def test_functions_work_whatever_the_session_settings(dsn: str) -> None:
    """Fresh sessions, so every PL/pgSQL body is compiled under these settings."""
    settings = [
        "SET standard_conforming_strings = off",
        "SET DateStyle = 'SQL, DMY'",
        "SET IntervalStyle = 'sql_standard'",
        "SET TimeZone = 'Asia/Kathmandu'",
        "SET extra_float_digits = -15",
    ]
    with psycopg.connect(dsn, autocommit=True) as conn:
        for s in settings:
            conn.execute(s)
        conn.execute("SELECT event_store.register_instance('scs-PS-1', 'PS', 'odin')")
        conn.execute(
            "SELECT event_store.emit_event('scs-PS-1', 'commit_created',"
            " '{\"commit_sha\": \"a1\", \"message\": \"fix tab\\\\tbug\"}')"
        )
        assert conn.execute(
            "SELECT count(*) FROM event_store.query_events('scs-PS-1', p_keyword => 'fix')"
        ).fetchone() == (1,)
        assert conn.execute(
            "SELECT count(*) FROM event_store.query_events(p_keyword => 'fix')"
        ).fetchone() == (1,)
        conn.execute("SELECT event_store.heartbeat('scs-PS-1', 12.5)")
        conn.execute("SELECT * FROM event_store.replay_events('scs-PS-1')")
        conn.execute("SELECT * FROM event_store.mark_stale_instances('1 hour')")
        conn.execute("SELECT * FROM event_store.aggregate_events_by_type('scs-PS-1')")
