"""Test databases on the real server: deploy once into a template, copy it for each test (the
client's, the CLI's and the MCP server's tests alike).

The server is the one the package resolves (DATABASE_URL, else PG*, else the project-local
cluster, which is started when needed). Every database made here is named ``es_py_<pid>_...`` and
dropped at the end; leftovers of a killed run (a pid no longer alive) are dropped at the start.
"""

from __future__ import annotations

import asyncio
import inspect
import itertools
import os
import re
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

import psycopg
import pytest
from mcp.types import CallToolResult, TextContent
from psycopg import sql

from supervisor_event_store import AsyncEventStore, EventStore, cluster

PID = os.getpid()
TEMPLATE = f"es_py_{PID}_template"
_numbers = itertools.count(1)


_WORKER_SERVER: list[tuple[cluster.LocalCluster, Path]] = []


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist every worker but the first gets a PostgreSQL server of its own (fsync off,
    in a temp folder, removed at the end) through DATABASE_URL: the change feed's horizon is
    server-wide, so a transaction held open by a test on one worker held back what the feed tests
    of the other read on a shared server (they failed that way). `make test` runs xdist only on
    the project's own cluster; with DATABASE_URL or PG* set it runs one process."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if worker in (None, "gw0") or cluster.uses_external_server():
        return
    folder = Path(tempfile.mkdtemp(prefix=f"es-pytest-{worker}-"))
    server = cluster.LocalCluster(folder / "pgdata", port=free_port(), settings={"fsync": "off"})
    server.start()
    _WORKER_SERVER.append((server, folder))
    os.environ["DATABASE_URL"] = server.dsn("postgres")


def pytest_unconfigure(config: pytest.Config) -> None:
    for server, folder in _WORKER_SERVER:
        server.remove()
        shutil.rmtree(folder, ignore_errors=True)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """For pytest-xdist (`make test` runs `-n auto --dist loadgroup`): a file's tests stay on one
    worker (their module fixtures, private clusters among them, start once), and every test on
    the scale-out topology shares one worker, so the topology (two shards, the proxy, a standby)
    starts once. Without xdist the marks do nothing."""
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        group = "topology" if "topology" in fixtures else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


def admin() -> psycopg.Connection[Any]:
    """An autocommit connection to the server's maintenance database."""
    return psycopg.connect(cluster.resolve_dsn("postgres"), autocommit=True)


def create_database(name: str, template: str | None = None) -> str:
    """Create ``name`` (a copy of ``template`` when given) and return its DSN."""
    statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
    if template:
        statement += sql.SQL(" TEMPLATE {}").format(sql.Identifier(template))
    with admin() as conn:
        conn.execute(statement)
    return cluster.resolve_dsn(name)


def drop_database(name: str) -> None:
    with admin() as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def _drop_leftovers() -> None:
    with admin() as conn:
        rows = conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'es_py_%'").fetchall()
    names = [row[0] for row in rows]
    for name in names:
        match = re.fullmatch(r"es_py_(\d+)_.*", name)
        if match and int(match[1]) != PID and not os.path.exists(f"/proc/{match[1]}"):
            drop_database(name)


@pytest.fixture(scope="session")
def template_db() -> Iterator[str]:
    """A database with the Sqitch plan deployed, used only as a template."""
    if not cluster.uses_external_server():
        cluster.start()
    _drop_leftovers()
    drop_database(TEMPLATE)
    cluster.sqitch(["deploy"], create_database(TEMPLATE))
    yield TEMPLATE
    with admin() as conn:
        rows = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (f"es_py_{PID}_%",)
        ).fetchall()
    for (name,) in rows:
        drop_database(name)


@contextmanager
def fresh_database(template: str) -> Iterator[str]:
    """A copy of ``template`` on the server, dropped afterwards: its DSN."""
    name = f"es_py_{PID}_{next(_numbers)}"
    try:
        yield create_database(name, template)
    finally:
        drop_database(name)


@pytest.fixture
def dsn(template_db: str) -> Iterator[str]:
    """A fresh deployed database for this test."""
    with fresh_database(template_db) as created:
        yield created


# --- the scale-out topology (issue 13): started once per session, shared --------------------------

TOPOLOGY_TEMPLATE = "es_template"  # on each server of the topology: its deployed database, for copies
Topology = tuple[cluster.Topology, dict[str, Any]]


@pytest.fixture(scope="session")
def topology() -> Iterator[Topology]:
    """Two shard servers, a PL/Proxy proxy and a streaming standby of shard 0 (cluster.Topology:
    what `event-store db up --shards 2 --replica` runs), started once for the whole session in a
    temporary folder and removed at its end: (the Topology, its DSNs). A test that stops or pauses
    a member restores it before it ends. Each shard and the proxy also get ``TOPOLOGY_TEMPLATE``, a
    copy of their deployed database made before anything connects to it (``topology_database``)."""
    folder = Path(tempfile.mkdtemp(prefix="es-topology-"))
    # Deployed without `sqitch --verify` (make test-sqitch verifies the plans): SQITCH_CONFIG
    # points Sqitch at the project settings without verify, a third less set-up here.
    settings = folder / "sqitch.conf"
    settings.write_text("[core]\n\tengine = pg\n\tplan_file = sqitch.plan\n\ttop_dir = .\n")
    topo = cluster.Topology(folder / "topology")
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("SQITCH_CONFIG", str(settings))
            dsns = topo.up(2, replica=True)
        for member in [*topo.shards(), topo.proxy]:
            with psycopg.connect(member.dsn("postgres"), autocommit=True) as conn:
                conn.execute(
                    sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                        sql.Identifier(TOPOLOGY_TEMPLATE), sql.Identifier(cluster.DEFAULT_DB)
                    )
                )
        yield topo, dsns
    finally:
        for member in topo.members():
            member.remove()
        shutil.rmtree(folder, ignore_errors=True)


def topology_database(topology: Topology) -> str:
    """A fresh proxy database over fresh shard databases of the same name (copies of
    TOPOLOGY_TEMPLATE, configured with configure_shards): the proxy's DSN. Never dropped (a drop
    forces a checkpoint, 0.3 s each): the topology's folder goes at the end of the session."""
    topo, _ = topology
    name = f"es_py_{PID}_{next(_numbers)}"
    create = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
        sql.Identifier(name), sql.Identifier(TOPOLOGY_TEMPLATE)
    )
    conninfos = []
    for member in [*topo.shards(), topo.proxy]:
        with psycopg.connect(member.dsn("postgres"), autocommit=True) as conn:
            conn.execute(create)
        conninfos.append(f"host=127.0.0.1 port={member.port()} dbname={name} user=postgres connect_timeout=2")
    with psycopg.connect(topo.proxy.dsn(name), autocommit=True) as conn:
        conn.execute("SELECT event_store.configure_shards(%s)", (conninfos[:-1],))
    return topo.proxy.dsn(name)


@pytest.fixture
def proxy_dsn(topology: Topology) -> str:
    """A fresh proxy database over 2 fresh shard databases, for this test."""
    return topology_database(topology)


def storage_dsns(dsn: str) -> list[str]:
    """Where the events of the database ``dsn`` are stored: the shards' databases when it is a
    proxy (the connection strings of its partition map, shard 0 first: the shard of partition 0,
    then of the next partition on another shard...), else ``dsn`` itself."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT srvoptions FROM pg_foreign_server WHERE srvname = 'event_store_shards'"
        ).fetchone()
    if row is None:
        return [dsn]
    options = dict(option.split("=", 1) for option in row[0])
    partitions = sorted((int(key[1:]), value) for key, value in options.items() if re.fullmatch(r"p\d+", key))
    return list(dict.fromkeys(value for _, value in partitions))


BIG = "big-PS-1"  # the instance of ``big_dsn``
_FILL_BIG = """
DO $$
BEGIN
    FOR b IN 0..10 LOOP
        PERFORM event_store.emit_events('big-PS-1', (
            SELECT jsonb_agg(jsonb_build_object('event_type', 'test_failed',
                                                'event_data', jsonb_build_object('test_suite', 'unit-' || g)))
              FROM generate_series(b * 1000 + 1, least(b * 1000 + 1000, 10500)) g));
    END LOOP;
    PERFORM event_store.emit_events('big-PS-1', (
        SELECT jsonb_agg(jsonb_build_object('event_type', 'test_passed',
                                            'event_data', jsonb_build_object('test_suite', 'unit-' || g)))
          FROM generate_series(1, 600) g));
END
$$"""


@pytest.fixture(scope="session")
def big_dsn(template_db: str) -> str:
    """A database shared by the whole session, for reads only: one instance, ``BIG``, with more
    matches than query_events counts by default: instance_registered, then 10,500 test_failed and
    600 test_passed events (11,101 in all). Emitted through emit_events, as its owner."""
    dsn = create_database(f"es_py_{PID}_big", template_db)
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("SELECT event_store.register_instance(%s, 'PS', 'big')", (BIG,))
        conn.execute(_FILL_BIG)
    return dsn


@pytest.fixture
def empty_dsn() -> Iterator[str]:
    """A database without the schema (for the 'not deployed' errors)."""
    if not cluster.uses_external_server():
        cluster.start()
    name = f"es_py_{PID}_empty_{next(_numbers)}"
    yield create_database(name)
    drop_database(name)


class Blocking:
    """Runs an AsyncEventStore's coroutine methods to completion, so one test body checks both clients."""

    def __init__(self, store: AsyncEventStore, runner: asyncio.Runner) -> None:
        self.store = store
        self.runner = runner

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self.store, name)
        if not inspect.iscoroutinefunction(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            return self.runner.run(attr(*args, **kwargs))

        return call


@contextmanager
def open_store(kind: str, dsn: str, **options: Any) -> Iterator[EventStore]:
    """An open EventStore (``kind`` "sync"), or an open AsyncEventStore behind the same (blocking)
    interface ("async"); ``options`` go to the constructor."""
    if kind == "sync":
        with EventStore(dsn, **options) as sync_store:
            yield sync_store
        return
    with asyncio.Runner() as runner:
        async_store = AsyncEventStore(dsn, **options)
        runner.run(async_store.open())
        try:
            yield cast(EventStore, Blocking(async_store, runner))
        finally:
            runner.run(async_store.close())


@pytest.fixture(params=["sync", "async"])
def store(request: pytest.FixtureRequest, dsn: str) -> Iterator[EventStore]:
    """An open EventStore, or an open AsyncEventStore behind the same (blocking) interface."""
    with open_store(request.param, dsn) as opened:
        yield opened


@pytest.fixture(params=["sync", "async"])
def big_store(request: pytest.FixtureRequest, big_dsn: str) -> Iterator[EventStore]:
    """``store`` on ``big_dsn`` (read only)."""
    with open_store(request.param, big_dsn) as opened:
        yield opened


@pytest.fixture
def instance(store: EventStore) -> str:
    """A registered PS instance (its stream starts with instance_registered at sequence 1)."""
    store.register_instance("odin-PS-8f4a2b", "PS", "odin", metadata={"host": "ci"})
    return "odin-PS-8f4a2b"


@pytest.fixture
def raw(dsn: str) -> Iterator[psycopg.Connection[Any]]:
    """A plain autocommit psycopg connection to the test database, for checks behind the client."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        yield conn


Sequences = Callable[[str], list[int]]


def wait_until_waiting(watcher: psycopg.Connection[Any], pid: int, *, column: str, value: str) -> None:
    """Return once backend ``pid`` shows ``value`` in pg_stat_activity's wait_event_type or
    wait_event ``column``; fail the test after about 5 s."""
    assert column in ("wait_event_type", "wait_event")
    for _ in range(500):
        row = watcher.execute(f"SELECT {column} FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone()
        if row and row[0] == value:
            return
        threading.Event().wait(0.01)
    pytest.fail(f"backend {pid} never showed {column} = {value!r}")


def wait_for_the_feed_horizon(conn: psycopg.Connection[Any], seconds: float = 60) -> None:
    """Return once the change feed's horizon is past every committed event of ``conn``'s database,
    so that project_fleet can apply them all. The horizon, pg_snapshot_xmin, is the server's:
    any transaction open anywhere on it (another database's too) holds it back meanwhile."""
    query = (
        "SELECT coalesce(max(feed_key) < pg_snapshot_xmin(pg_current_snapshot()), true)"
        " FROM event_store.events"
    )
    deadline = time.monotonic() + seconds
    while conn.execute(query).fetchone() != (True,):
        if time.monotonic() > deadline:
            pytest.fail(f"a transaction on the server held the feed's horizon back for {seconds} s")
        time.sleep(0.05)


@pytest.fixture
def sequences(raw: psycopg.Connection[Any]) -> Sequences:
    """The stored sequence numbers of an instance, in order."""

    def read(instance_id: str) -> list[int]:
        rows = raw.execute(
            "SELECT sequence_num FROM event_store.events WHERE instance_id = %s ORDER BY sequence_num",
            (instance_id,),
        )
        return [row[0] for row in rows]

    return read


@pytest.fixture
def read_side(raw: psycopg.Connection[Any]) -> None:
    """The read side must be deployed: a missing query_events is a failure, never a skip."""
    row = raw.execute("SELECT to_regproc('event_store.query_events') IS NOT NULL").fetchone()
    if not (row and row[0]):
        pytest.fail("read side not deployed (event_store.query_events missing): check the Sqitch plan")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class PrivateCluster:
    """A throw-away PostgreSQL cluster of our own on a free port, in a mode-700 temp folder, for
    tests that stop, restart or crash the server. The first start creates ``event_store`` and
    deploys the plan; ``dsn`` points at it. ``settings`` are extra server settings."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="es-pg-"))
        self.port = free_port()
        # fsync off: these tests kill processes, not the machine, so the page cache survives.
        self.server = cluster.LocalCluster(
            self.folder / "pgdata", port=self.port, settings={"fsync": "off", **(settings or {})}
        )
        self.dsn = self.server.dsn()
        self._deployed = False

    def start(self) -> None:
        self.server.start()
        if not self._deployed:
            cluster.create_database(cluster.DEFAULT_DB, dsn=self.dsn)
            cluster.sqitch(["deploy"], self.dsn)
            self._deployed = True

    def stop(self) -> None:
        self.server.stop(mode="immediate")

    def kill(self) -> None:
        """kill -9 of the postmaster and every backend: a crash."""
        self.server.kill()

    def remove(self) -> None:
        self.server.remove()
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    """A private cluster on a free port, not started yet (nothing listens there at first)."""
    pg = PrivateCluster()
    try:
        yield pg
    finally:
        pg.remove()


def rows(dsn: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the database directly, to check what a tool says against what is stored (5 s to
    connect at most: a stopped server fails the check instead of hanging it)."""
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        return conn.execute(query, params).fetchall()


def partition(proxy: str, instance_id: str) -> int:
    """The proxy's partition of an instance (0-15); on the 2-shard topology its shard is this % 2."""
    return int(rows(proxy, "SELECT event_store._partition(%s)", instance_id)[0][0])


def text_of(result: CallToolResult) -> str:
    """The readable text of an MCP tool result."""
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")
