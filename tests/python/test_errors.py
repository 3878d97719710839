"""Every SQLSTATE raised for real by the server, mapped to our exception with message, detail, hint;
connection failures, pool timeouts and an undeployed database."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import psycopg
import pytest

from supervisor_event_store import (
    ERRORS_BY_SQLSTATE,
    EventStore,
    EventStoreError,
    IdempotencyConflictError,
    ImmutableEventError,
    InstanceNotFoundForEventError,
    InvalidArgumentError,
    InvalidEventDataError,
    InvalidEventError,
    SequenceConflictError,
)
from supervisor_event_store.errors import translate_errors


def test_the_map_covers_every_code_of_the_readme() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    documented = dict(re.findall(r"^\| `(ES\d{3})` \| .* \| `(\w+)` \|$", readme, re.MULTILINE))
    assert documented, "README's error table not found"
    assert {code: cls.__name__ for code, cls in ERRORS_BY_SQLSTATE.items()} == documented
    assert issubclass(InvalidEventDataError, InvalidEventError)
    assert all(issubclass(cls, EventStoreError) for cls in ERRORS_BY_SQLSTATE.values())


def test_es001_unknown_event_type_hints_the_closest(store: EventStore, instance: str) -> None:
    with pytest.raises(InvalidEventError) as caught:
        store.emit_event(instance, "epic_strated", {"epic_id": "E-1"})
    assert type(caught.value) is InvalidEventError
    assert caught.value.sqlstate == "ES001"
    assert "epic_strated" in caught.value.message
    assert caught.value.hint is not None
    assert "epic_started" in caught.value.hint
    assert isinstance(caught.value.__cause__, psycopg.DatabaseError)


def test_es002_instance_not_found(store: EventStore) -> None:
    with pytest.raises(InstanceNotFoundForEventError) as caught:
        store.emit_event("ghost-PS-000000", "epic_started", {"epic_id": "E-1"})
    assert caught.value.sqlstate == "ES002"
    assert "ghost-PS-000000" in str(caught.value)
    assert caught.value.hint


def test_es003_invalid_event_data_names_the_field(store: EventStore, instance: str) -> None:
    with pytest.raises(InvalidEventDataError) as caught:
        store.emit_event(instance, "commit_created", {"commit_sha": "a1b2c3d"})
    assert caught.value.sqlstate == "ES003"
    assert "message" in caught.value.message


def test_es004_expected_sequence_mismatch(store: EventStore, instance: str) -> None:
    with pytest.raises(SequenceConflictError) as caught:
        store.emit_event(instance, "epic_started", {"epic_id": "E-1"}, expected_sequence=0)
    assert caught.value.sqlstate == "ES004"
    assert caught.value.detail == "expected=0 actual=1"


def test_es004_on_a_batch(store: EventStore, instance: str) -> None:
    batch = [{"event_type": "epic_started", "event_data": {"epic_id": "E-1"}}]
    with pytest.raises(SequenceConflictError):
        store.emit_events(instance, batch, expected_sequence=5)


def test_es005_changing_an_event(dsn: str, store: EventStore, instance: str) -> None:
    """No client method changes events; a direct UPDATE is refused and mapped by the same code."""
    with (
        psycopg.connect(dsn, autocommit=True) as conn,
        pytest.raises(ImmutableEventError) as caught,
        translate_errors("test"),
    ):
        conn.execute("UPDATE event_store.events SET event_data = '{}'")
    assert caught.value.sqlstate == "ES005"


def test_es006_invalid_argument(store: EventStore) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        store.register_instance("not a valid id!", "PS", "odin")
    assert caught.value.sqlstate == "ES006"
    assert caught.value.hint


def test_es006_null_where_a_value_is_required(store: EventStore) -> None:
    with pytest.raises(InvalidArgumentError):
        store.emit_event(None, "epic_started", {"epic_id": "E-1"})  # type: ignore[arg-type]


@pytest.mark.usefixtures("read_side")
def test_es006_limit_out_of_range(store: EventStore, instance: str) -> None:
    with pytest.raises(InvalidArgumentError):
        store.query_events(instance, limit=1001)


def test_es007_event_id_reused_with_other_content(store: EventStore, instance: str) -> None:
    event_id = uuid.uuid4()
    store.emit_event(instance, "epic_started", {"epic_id": "E-1"}, event_id=event_id)
    with pytest.raises(IdempotencyConflictError) as caught:
        store.emit_event(instance, "epic_started", {"epic_id": "E-2"}, event_id=event_id)
    assert caught.value.sqlstate == "ES007"
    assert str(event_id) in caught.value.message


def test_a_batch_with_one_bad_event_writes_nothing(store: EventStore, instance: str) -> None:
    batch: list[dict[str, Any]] = [
        {"event_type": "epic_started", "event_data": {"epic_id": "E-1"}},
        {"event_type": "pr_created", "event_data": {"pr_number": "seven", "title": "x"}},
    ]
    with pytest.raises(InvalidEventDataError):
        store.emit_events(instance, batch)
    assert store.emit_event(instance, "epic_started", {"epic_id": "E-1"}).sequence_num == 2


def test_connection_refused_says_where_without_the_password() -> None:
    store = EventStore("postgresql://postgres:s3cret@127.0.0.1:1/event_store", connect_timeout=2)
    with pytest.raises(EventStoreError) as caught:
        store.open()
    message = str(caught.value)
    assert message.startswith("cannot connect to postgresql://postgres@127.0.0.1:1/event_store: ")
    assert "s3cret" not in message
    assert caught.value.sqlstate is None


def test_unknown_database_is_a_clear_error(template_db: str) -> None:
    from supervisor_event_store import cluster

    with pytest.raises(EventStoreError) as caught, EventStore(cluster.resolve_dsn("es_py_no_such_db")):
        pass
    assert "es_py_no_such_db" in str(caught.value)


def test_pool_timeout_is_an_event_store_error(dsn: str) -> None:
    with EventStore(dsn, min_size=1, max_size=1, timeout=0.3) as store, store.pool.connection():
        with pytest.raises(EventStoreError) as caught:
            store.list_instances()
        assert str(caught.value).startswith("no database connection to ")


def test_undeployed_database_hints_at_deploy(empty_dsn: str) -> None:
    with EventStore(empty_dsn) as store, pytest.raises(EventStoreError) as caught:
        store.list_instances()
    assert caught.value.sqlstate in {"3F000", "42883"}
    assert caught.value.hint is not None
    assert "event-store deploy" in caught.value.hint



def test_bad_values_are_invalid_arguments_not_connection_failures(dsn: str) -> None:
    """Values refused by the driver or by a SQL type are ES006, never "cannot connect"."""
    from supervisor_event_store import EventStore, InvalidArgumentError

    nan = float("nan")
    with EventStore(dsn) as store:
        store.register_instance("vals-PS-1", "PS", "p")
        cases = [
            lambda: store.emit_event("vals-PS-1\x00", "epic_started", {"epic_id": "a"}),  # NUL byte
            lambda: store.get_event_by_id("not-a-uuid"),  # 22P02
            lambda: store.emit_event("vals-PS-1", "epic_started", {"epic_id": "a"}, expected_sequence=2**70),
            lambda: store.emit_event("vals-PS-1", "test_passed", {"test_suite": "u", "duration_ms": nan}),
            lambda: store.emit_event("vals-PS-1", "epic_started", {"epic_id": "a", "x": object()}),
        ]
        for case in cases:
            with pytest.raises(InvalidArgumentError) as caught:
                case()
            assert "cannot connect" not in caught.value.message
            assert caught.value.sqlstate is not None
        assert store.get_event_count("vals-PS-1") == 1, "nothing was written by the failed calls"
