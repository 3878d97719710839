"""``event-store tail`` of the whole store and ``event-store subscriptions``, through the installed
entry point in a subprocess."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from typing import Any

import psycopg

from supervisor_event_store import EventStore
from test_cli import EVENT_STORE, run, run_json


def _env(dsn: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
    env["DATABASE_URL"] = dsn
    return env


def _tail(dsn: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [EVENT_STORE, "tail", "--json", "--interval", "0.1", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(dsn),
    )


def _wait_until_reading(dsn: str) -> None:
    """Until a session of this database has run read_all (the tail has resolved its start)."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for _ in range(200):
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND query LIKE '%%event_store.read_all(%%' AND pid <> pg_backend_pid()"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the tail never called read_all")


def _lines(tail: subprocess.Popen[str], count: int) -> list[dict[str, Any]]:
    assert tail.stdout is not None
    return [json.loads(tail.stdout.readline()) for _ in range(count)]


def test_tail_without_an_instance_follows_the_whole_store_with_filters(dsn: str) -> None:
    with EventStore(dsn) as store:
        for name in ("a-PS-1", "b-PS-2"):
            store.register_instance(name, "PS", "tailing")
        store.register_instance("c-PS-3", "PS", "elsewhere")
        store.emit_event("a-PS-1", "epic_started", {"epic_id": "E-0"})  # before the tail: not shown
        with _tail(dsn, "--type", "epic_started", "--project", "tailing") as tail:
            _wait_until_reading(dsn)  # from the end by default: write once it is polling
            store.emit_event("b-PS-2", "epic_started", {"epic_id": "E-1"})
            store.emit_event("c-PS-3", "epic_started", {"epic_id": "E-2"})  # another project
            store.emit_event("a-PS-1", "epic_completed", {"epic_id": "E-0"})  # another type
            store.emit_event("a-PS-1", "epic_started", {"epic_id": "E-3"})
            shown = _lines(tail, 2)
            tail.send_signal(signal.SIGINT)
            assert tail.wait(timeout=10) == 0
    assert [(e["instance_id"], e["event_data"]["epic_id"]) for e in shown] == [
        ("b-PS-2", "E-1"),
        ("a-PS-1", "E-3"),
    ]
    assert all(e["cursor"] for e in shown)

    # --from a cursor resumes right after that event; --from beginning shows the history.
    with _tail(dsn, "--from", shown[0]["cursor"], "--instance", "a-PS-1") as tail:
        resumed = _lines(tail, 2)
        tail.send_signal(signal.SIGINT)
        assert tail.wait(timeout=10) == 0
    assert [(e["event_type"], e["sequence_num"]) for e in resumed] == [
        ("epic_completed", 3),
        ("epic_started", 4),
    ]
    with _tail(dsn, "--from", "beginning", "--instance", "c-PS-3") as tail:
        assert [e["event_type"] for e in _lines(tail, 2)] == ["instance_registered", "epic_started"]
        tail.send_signal(signal.SIGINT)
        assert tail.wait(timeout=10) == 0


def test_tail_of_the_store_reports_a_bad_start_in_one_line(dsn: str) -> None:
    result = run(dsn, "tail", "--from", "f1.1.2.3", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith("event-store: [ES006] invalid cursor")
    assert len(result.stderr.strip().splitlines()) == 1


def test_subscriptions_json_names_the_transaction_holding_the_horizon(dsn: str) -> None:
    """horizon_age is an interval; with a transaction holding the horizon it was a timedelta that
    json.dumps refused (a CI run failed when pg_cron's projector happened to be in a batch)."""
    run(dsn, "subscriptions", "create", "cli-held", "--type", "epic_started")
    with psycopg.connect(dsn) as holder:
        holder.execute("SELECT pg_current_xact_id()")   # an xid, held until the rollback
        [slot] = run_json(dsn, "subscriptions")
        listed = run(dsn, "subscriptions").stdout
        holder.rollback()
    assert slot["horizon_pid"] is not None
    assert slot["horizon_age"].startswith("PT"), slot["horizon_age"]   # ISO 8601, as the MCP tools say it
    assert slot["horizon_age"].endswith("S"), slot["horizon_age"]
    assert "open for" in listed


def test_subscriptions_create_list_poll_ack_drop(dsn: str) -> None:
    run(dsn, "register", "s-PS-1", "PS", "subs")
    created = run_json(dsn, "subscriptions", "create", "cli-sub", "--type", "epic_started", "--members", "2")
    assert created["created"] is True
    assert created["members"] == 2
    assert (
        run_json(dsn, "subscriptions", "create", "cli-sub", "--type", "epic_started", "--members", "2")[
            "created"
        ]
        is False
    )
    run(dsn, "emit", "s-PS-1", "epic_started", '{"epic_id": "E-1"}')
    slots = run_json(dsn, "subscriptions")
    assert [(s["slot"], s["members"]) for s in slots] == [(0, 2), (1, 2)]
    assert sum(s["events_behind"] for s in slots) == 1
    member = next(s["slot"] for s in slots if s["events_behind"] == 1)
    # A poll sees only events below the cluster-wide transaction horizon: another session's open
    # transaction (any database of the server) can delay it a moment, never skip it.
    for _ in range(50):
        polled = run_json(dsn, "subscriptions", "poll", "cli-sub", "--member", str(member))
        if polled:
            break
        time.sleep(0.1)
    [event] = polled
    assert event["event_type"] == "epic_started"
    acked = run_json(dsn, "subscriptions", "ack", "cli-sub", event["cursor"], "--member", str(member))
    assert acked["checkpoint"] == event["cursor"]
    assert sum(s["events_behind"] for s in run_json(dsn, "subscriptions", "list")) == 0
    again = run(dsn, "subscriptions", "ack", "cli-sub", event["cursor"], "--member", str(member), check=False)
    assert again.returncode == 1
    assert again.stderr.startswith("event-store: [ES004] ")
    assert "cli-sub" in run(dsn, "subscriptions").stdout
    assert run_json(dsn, "subscriptions", "drop", "cli-sub") == {"dropped": True}
    missing = run(dsn, "subscriptions", "drop", "cli-sub", check=False)
    assert missing.returncode == 1
    assert missing.stderr.startswith('event-store: [ES008] subscription "cli-sub" not found')
