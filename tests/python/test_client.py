"""Every client method, run once through EventStore and once through AsyncEventStore (``store``),
each on one server and through the PL/Proxy proxy over 2 shards (``dsn``, issue 13)."""

from __future__ import annotations

import ast
import asyncio
import inspect
import re
import textwrap
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import make_conninfo
from psycopg_pool import AsyncConnectionPool, ConnectionPool

from conftest import BIG, Sequences, fresh_database, storage_dsns, wait_for_the_feed_horizon
from supervisor_event_store import (
    AsyncEventStore,
    EmitResult,
    Event,
    EventStore,
    EventStoreError,
    EventType,
    Instance,
    InvalidArgumentError,
    QueryResult,
    ReplayResult,
    StaleInstance,
    TypeCount,
    _sql,
    cluster,
)
from supervisor_event_store import subscriptions as feed

SESSION: list[dict[str, Any]] = [
    {"event_type": "epic_started", "event_data": {"epic_id": "E-1", "feature_name": "login"}},
    {"event_type": "test_started", "event_data": {"test_suite": "unit"}},
    {"event_type": "test_failed", "event_data": {"test_suite": "unit", "failed_count": 2}},
    {"event_type": "commit_created", "event_data": {"commit_sha": "a1b2c3d", "message": "50% off_by_one"}},
    {"event_type": "test_passed", "event_data": {"test_suite": "unit", "passed_count": 40}},
    {"event_type": "epic_completed", "event_data": {"epic_id": "E-1"}, "metadata": {"source": "tests"}},
]


def emit_session(store: EventStore, instance_id: str) -> list[EmitResult]:
    return store.emit_events(instance_id, SESSION)


@pytest.fixture(params=["server", "proxy"])
def dsn(request: pytest.FixtureRequest, template_db: str) -> Iterator[str]:
    """A fresh database: on one server, or a proxy database over 2 fresh shard databases (the
    session's topology, conftest.topology). Tests marked ``single_server`` skip the proxy, with
    the reason."""
    if request.param == "proxy":
        marker = request.node.get_closest_marker("single_server")
        if marker:
            pytest.skip(f"single server only: {marker.args[0]}")
        yield request.getfixturevalue("proxy_dsn")
        return
    with fresh_database(template_db) as created:
        yield created


@pytest.fixture
def stored(dsn: str) -> Callable[..., list[tuple[Any, ...]]]:
    """Run a query on every database that stores ``dsn``'s events (the shards, through a proxy)
    and return all their rows: a check behind the client."""

    def query(statement: str, *params: Any) -> list[tuple[Any, ...]]:
        found: list[tuple[Any, ...]] = []
        for where in storage_dsns(dsn):
            with psycopg.connect(where, autocommit=True) as conn:
                found += conn.execute(statement, params).fetchall()
        return found

    return query


@pytest.fixture
def sequences(stored: Callable[..., list[tuple[Any, ...]]]) -> Sequences:
    """The stored sequence numbers of an instance, in order (wherever they are stored)."""

    def read(instance_id: str) -> list[int]:
        rows = stored("SELECT sequence_num FROM event_store.events WHERE instance_id = %s", instance_id)
        return sorted(row[0] for row in rows)

    return read


PROJECTOR_IS_PER_SHARD = "the projector is each shard's own maintenance, not a proxy function"


def test_sync_and_async_clients_have_the_same_methods() -> None:
    def counterpart(annotation: Any) -> Any:
        """The followers' async types named as their sync counterparts (asyncio.Event for
        threading.Event, AsyncSubscriber for Subscriber): the only allowed difference."""
        if not isinstance(annotation, str):
            return annotation
        return annotation.replace("asyncio.Event", "threading.Event").replace("feed.Async", "feed.")

    def signature(member: Any) -> inspect.Signature:
        sig = inspect.signature(member)
        return sig.replace(
            parameters=[p.replace(annotation=counterpart(p.annotation)) for p in sig.parameters.values()],
            return_annotation=counterpart(sig.return_annotation),
        )

    def public(cls: type[Any]) -> dict[str, inspect.Signature]:
        return {
            name: signature(member)
            for name, member in inspect.getmembers(cls, inspect.isfunction)
            if not name.startswith("_")
        }

    sync, asynchronous = public(EventStore), public(AsyncEventStore)
    assert sync.keys() == asynchronous.keys()
    assert sync == asynchronous
    assert all(inspect.iscoroutinefunction(getattr(AsyncEventStore, name)) for name in asynchronous)


@pytest.fixture(scope="session")
def deployed(template_db: str) -> dict[str, list[tuple[str, list[str]]]]:
    """Each routine of ``event_store`` as deployed from the working tree's plan (the template
    database; ``make test`` checks that sql/structure.sql is that same schema): its kind ('f'
    function, 'p' procedure) and IN parameter names, one entry per overload."""
    query = """
        SELECT p.proname::text, p.prokind::text,
               array(SELECT a.name
                       FROM unnest(p.proargnames, p.proargmodes::text[]) WITH ORDINALITY a (name, mode, n)
                      WHERE coalesce(a.mode, 'i') IN ('i', 'v') ORDER BY a.n)
          FROM pg_proc p
         WHERE p.pronamespace = 'event_store'::regnamespace"""
    routines: dict[str, list[tuple[str, list[str]]]] = {}
    with psycopg.connect(cluster.resolve_dsn(template_db)) as conn:
        for name, kind, arguments in conn.execute(query):
            routines.setdefault(name, []).append((kind, arguments))
    return routines


def _deployed_arguments(deployed: dict[str, list[tuple[str, list[str]]]], call: _sql.Call[Any]) -> list[str]:
    """The IN parameter names of the one deployed ``event_store.<call.name>``; a CALL statement
    for a procedure, a SELECT for a function."""
    routines = deployed.get(call.name, [])
    assert len(routines) == 1, f"event_store.{call.name} is deployed {len(routines)} times"
    [(kind, arguments)] = routines
    assert kind == ("p" if call.procedure else "f"), f"event_store.{call.name}: prokind {kind}"
    return arguments


# Every statement: _sql.py's, and the change feed's in subscriptions.py (imported by the clients as
# ``feed``; its result types live there).
SQL_CALLS = {
    name: call
    for module in (_sql, feed)
    for name, call in vars(module).items()
    if isinstance(call, _sql.Call)
}


@pytest.mark.parametrize("constant", sorted(SQL_CALLS))
def test_each_sql_call_passes_the_deployed_functions_parameters_by_name(
    constant: str, deployed: dict[str, list[tuple[str, list[str]]]]
) -> None:
    call = SQL_CALLS[constant]
    assert constant == call.name.upper()
    pairs = re.findall(r"(\w+)\s*=>\s*%\((\w+)\)s", call.sql)
    assert all(parameter == f"p_{placeholder}" for parameter, placeholder in pairs), pairs
    assert [parameter for parameter, _ in pairs] == _deployed_arguments(deployed, call)
    assert set(call.jsonb) <= call.types.keys()


def _sql_call_in(method: Any) -> tuple[str, dict[str, ast.expr]]:
    """The one ``_sql.NAME`` (or ``feed.NAME``) a client method runs, and the keyword arguments it
    passes to it."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(method)))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for target in (node.func, *node.args[:1]):
            if (
                isinstance(target, ast.Attribute)
                and (
                    getattr(target.value, "id", None) == "_sql"
                    or (getattr(target.value, "id", None) == "feed" and target.attr in SQL_CALLS)
                )
            ):
                found.append((target.attr, {k.arg: k.value for k in node.keywords if k.arg}))
    assert len(found) == 1, f"{method.__qualname__} runs {len(found)} _sql calls"
    return found[0]


CLIENT_METHODS = [
    (cls, name)
    for cls in (EventStore, AsyncEventStore)
    for name, _ in inspect.getmembers(cls, inspect.isfunction)
    # subscribe and follow are loops over the calls checked here (subscriptions.py), not calls
    if not name.startswith("_") and name not in ("open", "close", "subscribe", "follow")
]


@pytest.mark.parametrize(
    ("cls", "name"), CLIENT_METHODS, ids=[f"{cls.__name__}.{name}" for cls, name in CLIENT_METHODS]
)
def test_each_client_method_passes_its_parameters_to_the_sql_function_of_its_name(
    cls: type[Any], name: str, deployed: dict[str, list[tuple[str, list[str]]]]
) -> None:
    """Method name = SQL function name; its parameters = the call's placeholders = the deployed
    function's parameters (without ``p_``), each passed under its own name."""
    method = getattr(cls, name)
    parameters = [p for p in inspect.signature(method).parameters if p != "self"]
    target, keywords = _sql_call_in(method)
    call = SQL_CALLS[target.upper()]
    assert call.name == name
    assert list(keywords) == parameters
    for keyword, value in keywords.items():
        assert keyword in {n.id for n in ast.walk(value) if isinstance(n, ast.Name)}, keyword
    assert set(parameters) == call.types.keys()
    assert [f"p_{p}" for p in parameters] == _deployed_arguments(deployed, call)


# --- write side ----------------------------------------------------------------------------------


def test_register_instance_returns_the_instance(store: EventStore) -> None:
    row = store.register_instance("mimir-MS-01", "MS", "mimir", metadata={"host": "ci"})
    assert isinstance(row, Instance)
    assert (row.instance_id, row.instance_type, row.project) == ("mimir-MS-01", "MS", "mimir")
    assert row.status == "active"
    assert row.metadata == {"host": "ci"}
    assert row.last_sequence_num == 1
    assert row.registered_at.tzinfo is not None


def test_emit_event_appends_with_the_next_sequence(store: EventStore, instance: str) -> None:
    result = store.emit_event(instance, "epic_started", {"epic_id": "E-1"}, metadata={"source": "tests"})
    assert isinstance(result, EmitResult)
    assert isinstance(result.event_id, uuid.UUID)
    assert result.sequence_num == 2
    assert result.timestamp.tzinfo is not None


def test_emit_event_with_event_id_is_idempotent(
    store: EventStore, instance: str, sequences: Sequences
) -> None:
    event_id = uuid.uuid4()
    first = store.emit_event(instance, "epic_started", {"epic_id": "E-1"}, event_id=event_id)
    again = store.emit_event(instance, "epic_started", {"epic_id": "E-1"}, event_id=str(event_id))
    assert first == again
    assert first.event_id == event_id
    assert sequences(instance) == [1, 2]


def test_emit_event_with_expected_sequence(store: EventStore, instance: str) -> None:
    assert (
        store.emit_event(instance, "epic_started", {"epic_id": "E-1"}, expected_sequence=1).sequence_num == 2
    )


def test_emit_events_appends_a_batch_with_consecutive_sequences(store: EventStore, instance: str) -> None:
    results = store.emit_events(instance, SESSION, expected_sequence=1)
    assert [r.sequence_num for r in results] == [2, 3, 4, 5, 6, 7]
    assert all(isinstance(r, EmitResult) for r in results)


def test_heartbeat_takes_a_float_context_percent(
    store: EventStore, instance: str, stored: Callable[..., list[tuple[Any, ...]]]
) -> None:
    result = store.heartbeat(instance, 42.5)
    assert result.sequence_num == 2
    [data] = stored("SELECT event_data FROM event_store.events WHERE event_id = %s", result.event_id)
    assert data[0]["context_percent"] == 42.5
    assert store.heartbeat(instance).sequence_num == 3


def test_mark_stale_instances_and_list_instances(store: EventStore, instance: str) -> None:
    assert store.mark_stale_instances() == []
    stale = store.mark_stale_instances(timedelta(0))
    assert [(s.instance_id, s.sequence_num) for s in stale] == [(instance, 2)]
    assert isinstance(stale[0], StaleInstance)
    assert [i.instance_id for i in store.list_instances("stale")] == [instance]
    assert store.list_instances("active") == []
    store.heartbeat(instance)
    [row] = store.list_instances()
    assert (row.status, row.last_sequence_num) == ("active", 3)


def test_register_event_type_then_emit_it(store: EventStore, instance: str) -> None:
    schema = {"type": "object", "required": ["review_id"], "properties": {"review_id": {"type": "string"}}}
    row = store.register_event_type("review_requested", "git", "A code review was requested.", schema)
    assert row == EventType("review_requested", "git", "A code review was requested.", schema)
    assert store.emit_event(instance, "review_requested", {"review_id": "R-7"}).sequence_num == 2


def test_delete_events_for_instance_resets_the_stream(
    store: EventStore, instance: str, sequences: Sequences
) -> None:
    emit_session(store, instance)
    assert store.delete_events_for_instance(instance) == 7
    assert sequences(instance) == []
    assert store.emit_event(instance, "epic_started", {"epic_id": "E-2"}).sequence_num == 1


# --- read side -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("read_side")
def test_query_events_pages_with_total_count_and_has_more(store: EventStore, instance: str) -> None:
    emit_session(store, instance)
    page = store.query_events(instance, limit=3)
    assert isinstance(page, QueryResult)
    assert [e.sequence_num for e in page.events] == [1, 2, 3]
    assert (page.total_count, page.has_more) == (7, True)
    assert all(isinstance(e, Event) and e.instance_id == instance for e in page.events)
    last = store.query_events(instance, limit=3, offset=6)
    assert ([e.sequence_num for e in last.events], last.total_count, last.has_more) == ([7], 7, False)
    keyset = store.query_events(instance, limit=2, after_sequence=5)
    assert [e.sequence_num for e in keyset.events] == [6, 7]


@pytest.mark.usefixtures("read_side")
def test_query_events_past_the_end_still_reports_the_total(store: EventStore, instance: str) -> None:
    emit_session(store, instance)
    assert store.query_events(instance, offset=7) == QueryResult([], 7, False, True)
    assert store.query_events(instance, limit=2, offset=1000) == QueryResult([], 7, False, True)
    assert store.query_events(instance, keyword="off_by", offset=1) == QueryResult([], 1, False, True)
    empty = store.query_events(instance, event_types=["test_passed"], after_sequence=7, offset=5)
    assert empty == QueryResult([], 0, False, True)
    assert store.query_events(keyword="50% off", offset=3) == QueryResult([], 1, False, True)


@pytest.mark.usefixtures("read_side")
def test_query_events_filters(store: EventStore, instance: str) -> None:
    emit_session(store, instance)
    tests = store.query_events(instance, event_types=("test_started", "test_failed", "test_passed"))
    assert [e.event_type for e in tests.events] == ["test_started", "test_failed", "test_passed"]
    assert tests.total_count == 3
    keyword = store.query_events(instance, keyword="50% OFF_by")
    assert [e.event_type for e in keyword.events] == ["commit_created"]
    assert keyword.events[0].event_data["commit_sha"] == "a1b2c3d"
    now = datetime.now(UTC)
    assert store.query_events(instance, start_date=now - timedelta(hours=1), end_date=now).total_count == 7
    later = now + timedelta(hours=1)
    assert store.query_events(instance, start_date=later) == QueryResult([], 0, False, True)


@pytest.mark.usefixtures("read_side")
def test_query_events_across_instances(store: EventStore, instance: str) -> None:
    store.register_instance("mimir-MS-01", "MS", "mimir")
    result = store.query_events(event_types=["instance_registered"])
    assert sorted(e.instance_id for e in result.events) == sorted([instance, "mimir-MS-01"])


def test_total_count_is_exact_up_to_10000_then_a_lower_bound(big_store: EventStore) -> None:
    """Elasticsearch's track_total_hits: exact up to 10,000 matches (or offset + limit when
    deeper), then that number with total_exact False; exact_count always counts."""
    store = big_store

    def totals(result: QueryResult) -> tuple[int, bool, bool]:
        return result.total_count, result.total_exact, result.has_more

    for instance in (BIG, None):  # one instance's rows, and the fleet projection plus the feed after it
        assert totals(store.query_events(instance, event_types="test_passed", limit=10)) == (600, True, True)
        capped = store.query_events(instance, event_types="test_failed", limit=10)
        assert totals(capped) == (10_000, False, True)
        assert [e.sequence_num for e in capped.events] == list(range(2, 12))
        exact = store.query_events(instance, event_types="test_failed", limit=10, exact_count=True)
        assert totals(exact) == (10_500, True, True)
        assert exact.events == capped.events
        # deeper than 10,000: the bound is offset + limit; exact once the matches end within it
        deep = store.query_events(instance, event_types="test_failed", limit=100, offset=9_990)
        assert totals(deep) == (10_090, False, True)
        last = store.query_events(instance, event_types="test_failed", limit=100, offset=10_450)
        assert (len(last.events), *totals(last)) == (50, 10_500, True, False)
        # past the end: no row to read a total from; count_events counts exactly
        past = store.query_events(instance, event_types="test_failed", offset=20_000)
        assert past == QueryResult([], 10_500, False, True)
        # no filter: the stream heads count, always exactly
        assert totals(store.query_events(instance, limit=10)) == (11_101, True, True)


@pytest.mark.usefixtures("read_side")
def test_get_latest_events_is_newest_first(store: EventStore, instance: str) -> None:
    emit_session(store, instance)
    latest = store.get_latest_events(instance, 3)
    assert [e.sequence_num for e in latest] == [7, 6, 5]
    assert latest[0].metadata == {"source": "tests"}
    assert len(store.get_latest_events(instance)) == 7


@pytest.mark.usefixtures("read_side")
def test_get_event_by_id(store: EventStore, instance: str) -> None:
    emitted = store.emit_event(instance, "epic_started", {"epic_id": "E-1"})
    event = store.get_event_by_id(emitted.event_id)
    assert event is not None
    assert (event.event_id, event.event_type, event.sequence_num) == (emitted.event_id, "epic_started", 2)
    assert event.event_data == {"epic_id": "E-1"}
    assert event.timestamp == emitted.timestamp
    assert store.get_event_by_id(uuid.uuid4()) is None


@pytest.mark.usefixtures("read_side")
def test_get_event_count(store: EventStore, instance: str) -> None:
    emit_session(store, instance)
    assert store.get_event_count(instance) == 7


@pytest.mark.usefixtures("read_side")
def test_aggregate_events_by_type(store: EventStore, instance: str) -> None:
    emit_session(store, instance)
    counts = store.aggregate_events_by_type(instance)
    assert all(isinstance(c, TypeCount) for c in counts)
    assert [c.event_count for c in counts] == sorted((c.event_count for c in counts), reverse=True)
    assert {c.event_type: c.event_count for c in counts} == {
        "instance_registered": 1,
        "epic_started": 1,
        "test_started": 1,
        "test_failed": 1,
        "commit_created": 1,
        "test_passed": 1,
        "epic_completed": 1,
    }
    assert {c.event_type: c.category for c in counts}["commit_created"] == "git"
    assert sum(c.event_count for c in store.aggregate_events_by_type()) == 7


@pytest.mark.usefixtures("read_side")
def test_list_event_types(store: EventStore) -> None:
    every = store.list_event_types()
    assert len(every) == 23
    testing = store.list_event_types("testing")
    assert {t.event_type for t in testing} == {
        "test_started",
        "test_passed",
        "test_failed",
        "validation_passed",
        "validation_failed",
    }
    commit = next(t for t in every if t.event_type == "commit_created")
    assert set(commit.data_schema["required"]) == {"commit_sha", "message"}


@pytest.mark.usefixtures("read_side")
def test_replay_events_folds_the_state(store: EventStore, instance: str) -> None:
    emit_session(store, instance)
    replay = store.replay_events(instance)
    assert isinstance(replay, ReplayResult)
    assert replay.events_replayed == 7
    assert isinstance(replay.duration_ms, Decimal)
    state = replay.final_state
    assert (state["instance_id"], state["last_sequence_num"]) == (instance, 7)
    assert state["last_event_type"] == "epic_completed"
    assert state["tests"]["failed"] == 1
    assert state["git"]["commits"] == 1
    partial = store.replay_events(instance, to_sequence_num=3)
    assert partial.final_state["last_sequence_num"] == 3
    assert partial.final_state["current_epic"]["status"] == "in_progress"


@pytest.mark.usefixtures("read_side")
def test_create_snapshot_then_replay_gives_the_same_state(store: EventStore, instance: str) -> None:
    emit_session(store, instance)
    before = store.replay_events(instance).final_state
    snapshot = store.create_snapshot(instance)
    assert snapshot.instance_id == instance
    assert snapshot.sequence_num == 7
    store.heartbeat(instance, 10)
    assert store.replay_events(instance, to_sequence_num=7).final_state == before


# --- the fleet projection's projector (admin) ----------------------------------------------------


def _projected(raw: psycopg.Connection[Any]) -> int:
    row = raw.execute(
        "SELECT events_projected FROM event_store.projections WHERE projection_name = 'fleet_index'"
    ).fetchone()
    assert row is not None
    return int(row[0])


@pytest.mark.single_server(PROJECTOR_IS_PER_SHARD)
def test_project_fleet_and_run_projector(
    store: EventStore, instance: str, raw: psycopg.Connection[Any]
) -> None:
    emit_session(store, instance)
    before = store.query_events(event_types=["test_failed", "test_passed"], keyword="unit")
    assert _projected(raw) == 0
    wait_for_the_feed_horizon(raw)
    assert store.project_fleet(limit=3) == 3
    assert store.project_fleet() == 4  # the other 4 of the 7 events
    assert store.project_fleet() == 0  # nothing new
    assert _projected(raw) == 7
    # the answer is the same from the projection as from the feed
    assert store.query_events(event_types=["test_failed", "test_passed"], keyword="unit") == before

    emit_session(store, instance)
    wait_for_the_feed_horizon(raw)
    started = time.monotonic()
    assert store.run_projector(seconds=1) is None
    assert time.monotonic() - started < 10
    assert _projected(raw) == 13
    assert store.query_events(keyword="unit").total_count == 6

    with pytest.raises(InvalidArgumentError):
        store.project_fleet(limit=0)
    with pytest.raises(InvalidArgumentError):
        store.run_projector(seconds=0)


@pytest.mark.single_server(PROJECTOR_IS_PER_SHARD)
@pytest.mark.parametrize("kind", ["sync", "async"])
def test_run_projector_on_a_callers_pool_that_is_not_autocommit(
    kind: str, dsn: str, raw: psycopg.Connection[Any]
) -> None:
    """A procedure that commits cannot run in a transaction block: the client CALLs it on an
    autocommit connection, and gives the caller's connection back as it was."""
    raw.execute("SELECT event_store.register_instance('pool-PS-1', 'PS', 'pool')")
    wait_for_the_feed_horizon(raw)
    if kind == "sync":
        with ConnectionPool(dsn, min_size=1, max_size=1, open=True) as pool:
            with EventStore(pool=pool) as store:
                store.run_projector(seconds=1)
                assert store.list_instances()[0].instance_id == "pool-PS-1"
            with pool.connection() as conn:
                assert conn.autocommit is False
    else:

        async def run() -> None:
            async with AsyncConnectionPool(dsn, min_size=1, max_size=1, open=False) as pool:
                async with AsyncEventStore(pool=pool) as store:
                    await store.run_projector(seconds=1)
                async with pool.connection() as conn:
                    assert conn.autocommit is False

        asyncio.run(run())
    assert _projected(raw) == 1


@pytest.mark.single_server(PROJECTOR_IS_PER_SHARD)
@pytest.mark.parametrize("role", ["event_store_writer", "event_store_reader"])
def test_only_the_admin_runs_the_projector(dsn: str, raw: psycopg.Connection[Any], role: str) -> None:
    login = f"es_login_{role.removeprefix('event_store_')}"
    for name, member_of in ((login, role), ("es_login_admin", "event_store_admin")):
        raw.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN"
            f" CREATE ROLE {name} LOGIN; END IF; END $$"
        )
        raw.execute(f"GRANT {member_of} TO {name}")
    raw.execute("SELECT event_store.register_instance('odin-PS-1', 'PS', 'odin')")
    as_role = make_conninfo(dsn, user=login)
    with EventStore(as_role) as store:
        for call in (store.project_fleet, store.run_projector):
            with pytest.raises(EventStoreError) as denied:
                call()
            assert type(denied.value) is EventStoreError
            assert denied.value.sqlstate == "42501"
            assert "event_store_admin" in (denied.value.hint or "")
    assert _projected(raw) == 0
    wait_for_the_feed_horizon(raw)
    with EventStore(make_conninfo(dsn, user="es_login_admin")) as admin:
        assert admin.project_fleet() == 1
        admin.run_projector(seconds=1)
