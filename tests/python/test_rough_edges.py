"""Issue 10, defect 10: each rough edge of the CLI and the client is a one-line error (CLI) or a
typed exception (client), never a traceback, a ValueError or a bare driver error."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest

from supervisor_event_store import AsyncEventStore, EventStore
from supervisor_event_store.errors import InvalidArgumentError, InvalidEventError

EVENT_STORE = str(Path(sys.executable).with_name("event-store"))
DEEP = '{"a": ' * 5000 + "1" + "}" * 5000


def cli(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")} | {"DATABASE_URL": dsn}
    return subprocess.run(
        [EVENT_STORE, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("args", "status", "says"),
    [
        (["query", "X", "--since", "99999999999w"], 2, "invalid duration '99999999999w'"),
        (["query", "X", "--since", "1000000d"], 2, "invalid duration '1000000d'"),
        (["stats", "--until", "1000000d"], 2, "invalid duration"),
        (["--dsn", "postgresql://[bad", "instances"], 1, "invalid dsn"),
        (["instances", "--dsn", "postgresql://postgres@127.0.0.1:99999/x"], 1, "invalid port number"),
        (["tail", "X", "--interval", "-1"], 2, "invalid interval '-1'"),
        (["tail", "X", "--interval", "nan"], 2, "invalid interval 'nan'"),
        (["tail", "X", "--interval", "0"], 2, "invalid interval '0'"),
        (["emit", "X", "commit_created", DEEP], 2, "nested too deeply"),
        (["register", "X", "PS", "p", "--metadata", DEEP], 2, "nested too deeply"),
        (["emit", "X", "commit_created", '{"n": 1' + "0" * 5000 + "}"], 2, "invalid JSON"),
    ],
)
def test_cli_rough_edges_are_one_line(dsn: str, args: list[str], status: int, says: str) -> None:
    result = cli(dsn, *args)
    assert result.returncode == status, result.stderr
    assert "Traceback" not in result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith("event-store: "), line
    assert says in line, line


@pytest.mark.parametrize("client", [EventStore, AsyncEventStore])
@pytest.mark.parametrize("dsn_text", ["postgresql://[bad", "host=x nonsense=1", "postgresql://h:1/x?bad=1"])
def test_invalid_dsn_is_a_typed_error_at_construction(client: type[EventStore], dsn_text: str) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^invalid dsn: ") as caught:
        client(dsn_text)
    assert caught.value.sqlstate == "ES006"
    assert caught.value.hint


@pytest.fixture
def odin(store: EventStore) -> str:
    store.register_instance("odin-PS-1", "PS", "odin")
    store.emit_event("odin-PS-1", "epic_started", {"epic_id": "E-1"})
    return "odin-PS-1"


def test_a_string_event_types_is_one_type(store: EventStore, odin: str) -> None:
    page = store.query_events(odin, event_types="epic_started")
    assert [e.event_type for e in page.events] == ["epic_started"]
    with pytest.raises(InvalidEventError):  # a str is one name, not its characters
        store.query_events(odin, event_types="nope")


@pytest.mark.parametrize(
    ("call", "argument"),
    [
        (
            lambda s, i: s.emit_event(i, "epic_started", {"epic_id": "E"}, expected_sequence=1.5),
            "expected_sequence",
        ),
        (
            lambda s, i: s.emit_event(i, "epic_started", {"epic_id": "E"}, expected_sequence=True),
            "expected_sequence",
        ),
        (lambda s, i: s.emit_events(i, [], expected_sequence=2.0), "expected_sequence"),
        (lambda s, i: s.emit_event(i, "epic_started", {"epic_id": "E"}, event_id=5), "event_id"),
        (lambda s, i: s.get_event_by_id(5), "event_id"),
        (lambda s, i: s.emit_event(5, "epic_started", {"epic_id": "E"}), "instance_id"),
        (lambda s, i: s.query_events(i, limit=10.7), "limit"),
        (lambda s, i: s.query_events(i, offset="3"), "offset"),
        (lambda s, i: s.query_events(i, event_types=[1, 2]), "event_types"),
        (lambda s, i: s.query_events(i, after_sequence=0.5), "after_sequence"),
        (lambda s, i: s.get_latest_events(i, 2.5), "limit"),
        (lambda s, i: s.replay_events(i, 1.5), "to_sequence_num"),
        (lambda s, i: s.heartbeat(i, "50"), "context_percent"),
        (lambda s, i: s.query_events(i, start_date=12), "start_date"),
    ],
)
def test_python_arguments_of_the_wrong_kind_are_refused(
    store: EventStore, odin: str, raw: psycopg.Connection[Any], call: Any, argument: str
) -> None:
    with pytest.raises(InvalidArgumentError, match=f"^invalid argument: {argument} must be ") as caught:
        call(store, odin)
    assert caught.value.sqlstate == "ES006"
    assert caught.value.hint
    assert raw.execute("SELECT count(*) FROM event_store.events").fetchone() == (2,)


def test_deep_python_values_are_a_typed_error(store: EventStore, odin: str) -> None:
    deep: dict[str, Any] = {}
    for _ in range(5000):
        deep = {"a": deep}
    for call in (
        lambda: store.emit_event(odin, "epic_started", {"epic_id": "E", "x": deep}),
        lambda: store.emit_event(odin, "epic_started", {"epic_id": "E"}, metadata=deep),
        lambda: store.emit_events(odin, [{"event_type": "epic_started", "event_data": deep}]),
        lambda: store.register_instance(odin, "PS", "odin", metadata=deep),
    ):
        with pytest.raises(InvalidArgumentError, match="nested too deeply"):
            call()
    assert store.get_event_count(odin) == 2


def test_emits_carry_an_event_id_when_the_caller_gives_none(
    store: EventStore, odin: str, raw: psycopg.Connection[Any]
) -> None:
    events: list[dict[str, Any]] = [{"event_type": "epic_completed", "event_data": {"epic_id": "E-1"}}]
    results = store.emit_events(odin, events)
    assert events == [{"event_type": "epic_completed", "event_data": {"epic_id": "E-1"}}]  # untouched
    given = uuid4()
    mixed = store.emit_events(
        odin,
        [
            {"event_type": "epic_started", "event_data": {"epic_id": "E-2"}, "event_id": str(given)},
            {"event_type": "epic_started", "event_data": {"epic_id": "E-3"}},
        ],
    )
    assert mixed[0].event_id == given
    single = store.emit_event(odin, "epic_started", {"epic_id": "E-4"})
    stored = {row[0] for row in raw.execute("SELECT event_id FROM event_store.events")}
    assert {results[0].event_id, *(m.event_id for m in mixed), single.event_id} <= stored
    assert store.get_event_count(odin) == 6
