"""DSN resolution order (explicit > DATABASE_URL > PG* > local cluster), pools opened once and
reused, a caller's pool left alone."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from supervisor_event_store import AsyncEventStore, EventStore, cluster

PG_VARIABLES = ("DATABASE_URL", *cluster.PG_VARIABLES)


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in PG_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_explicit_dsn_wins(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DATABASE_URL", "postgresql://env@db.invalid/x")
    clean_env.setenv("PGHOST", "pg.invalid")
    assert EventStore("postgresql://explicit@127.0.0.1/y").dsn == "postgresql://explicit@127.0.0.1/y"
    assert AsyncEventStore("postgresql://explicit@127.0.0.1/y").dsn == "postgresql://explicit@127.0.0.1/y"


def test_database_url_beats_pg_variables(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DATABASE_URL", "postgresql://env@db.invalid/x")
    clean_env.setenv("PGHOST", "pg.invalid")
    assert EventStore().dsn == "postgresql://env@db.invalid/x"


def test_pg_variables_beat_the_local_cluster(clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("PGHOST", "pg.invalid")
    store = EventStore()
    assert store.dsn == ""
    assert "PGHOST=pg.invalid" in store.where


def test_local_cluster_is_the_default(clean_env: pytest.MonkeyPatch) -> None:
    assert EventStore().dsn == f"postgresql://postgres@127.0.0.1:{cluster.port()}/event_store"


def test_database_url_is_used_for_real(dsn: str, clean_env: pytest.MonkeyPatch) -> None:
    clean_env.setenv("DATABASE_URL", dsn)
    with EventStore() as store:
        assert store.register_instance("odin-PS-1", "PS", "odin").last_sequence_num == 1


def test_pg_variables_are_used_for_real(dsn: str, clean_env: pytest.MonkeyPatch) -> None:
    from urllib.parse import urlsplit

    parts = urlsplit(dsn)
    clean_env.setenv("PGHOST", parts.hostname or "")
    clean_env.setenv("PGPORT", str(parts.port))
    clean_env.setenv("PGUSER", parts.username or "")
    clean_env.setenv("PGDATABASE", parts.path.lstrip("/"))
    with EventStore() as store:
        assert store.register_instance("odin-PS-1", "PS", "odin").instance_id == "odin-PS-1"


def test_one_pool_connection_serves_many_calls(dsn: str) -> None:
    with EventStore(dsn, min_size=1, max_size=1) as store:
        store.register_instance("odin-PS-1", "PS", "odin")
        for _ in range(50):
            store.heartbeat("odin-PS-1")
        stats = store.pool.get_stats()
        assert stats["connections_num"] == 1
        assert stats["requests_num"] >= 51
    assert store.pool.closed


def test_a_callers_pool_is_used_and_left_open(dsn: str) -> None:
    pool: ConnectionPool[Any] = ConnectionPool(
        dsn, open=False, min_size=1, max_size=2, kwargs={"autocommit": True}
    )
    pool.open(wait=True)
    try:
        with EventStore(pool=pool) as store:
            assert store.pool is pool
            store.register_instance("odin-PS-1", "PS", "odin")
        assert not pool.closed
        with EventStore(pool=pool) as again:
            assert [i.instance_id for i in again.list_instances()] == ["odin-PS-1"]
    finally:
        pool.close()


def test_a_callers_async_pool_is_used_and_left_open(dsn: str) -> None:
    async def scenario() -> None:
        pool: AsyncConnectionPool[Any] = AsyncConnectionPool(dsn, open=False, min_size=1, max_size=2)
        await pool.open(wait=True)
        try:
            async with AsyncEventStore(pool=pool) as store:
                await store.register_instance("odin-PS-1", "PS", "odin")
                results = await asyncio.gather(*(store.heartbeat("odin-PS-1") for _ in range(20)))
            assert sorted(r.sequence_num for r in results) == list(range(2, 22))
            assert not pool.closed
            assert pool.get_stats()["connections_num"] <= 2
        finally:
            await pool.close()

    asyncio.run(scenario())


def test_a_non_autocommit_callers_pool_commits(dsn: str) -> None:
    with ConnectionPool(dsn, open=False, min_size=1, max_size=1) as pool, EventStore(pool=pool) as store:
        store.register_instance("odin-PS-1", "PS", "odin")
        store.heartbeat("odin-PS-1")
    with EventStore(dsn) as fresh:
        assert fresh.list_instances()[0].last_sequence_num == 2
