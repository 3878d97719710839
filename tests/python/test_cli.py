"""The ``event-store`` command through its installed entry point, in a subprocess, with ``--json``."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import psycopg
import pytest

from conftest import BIG, rows, wait_for_the_feed_horizon
from supervisor_event_store import EventStore, cluster

EVENT_STORE = str(Path(sys.executable).with_name("event-store"))


def run(dsn: str | None, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
    if dsn is not None:
        env["DATABASE_URL"] = dsn
    result = subprocess.run(
        [EVENT_STORE, *args], capture_output=True, text=True, env=env, timeout=60, check=False
    )
    if check:
        assert result.returncode == 0, result.stderr
    return result


def run_json(dsn: str | None, *args: str) -> Any:
    return json.loads(run(dsn, *args, "--json").stdout)


@pytest.fixture
def odin(dsn: str) -> str:
    run(dsn, "register", "odin-PS-8f4a2b", "PS", "checkout", "--metadata", '{"host": "ci"}')
    return "odin-PS-8f4a2b"


def test_db_url_and_status(dsn: str) -> None:
    assert run_json(dsn, "db", "url") == {"dsn": dsn}
    assert run_json(None, "db", "url") == {"dsn": cluster.local_dsn()}
    status = run_json(dsn, "db", "status")["status"]
    assert status.startswith("external server: ")


def test_register_emit_heartbeat_instances(dsn: str, odin: str) -> None:
    emitted = run_json(
        dsn, "emit", odin, "epic_started", '{"epic_id": "E-1"}', "--metadata", '{"source": "cli"}'
    )
    assert emitted["sequence_num"] == 2
    assert set(emitted) == {"event_id", "sequence_num", "timestamp"}
    again = run_json(dsn, "emit", odin, "epic_completed", '{"epic_id": "E-1"}', "--expected-sequence", "2")
    assert again["sequence_num"] == 3
    assert run_json(dsn, "heartbeat", odin, "--context-percent", "33.5")["sequence_num"] == 4
    [instance] = run_json(dsn, "instances")
    assert instance["instance_id"] == odin
    assert (instance["status"], instance["last_sequence_num"], instance["metadata"]) == (
        "active",
        4,
        {"host": "ci"},
    )
    assert run_json(dsn, "instances", "--status", "stale") == []


def test_human_output(dsn: str, odin: str) -> None:
    out = run(dsn, "emit", odin, "epic_started", '{"epic_id": "E-1"}').stdout
    assert out.startswith(f"epic_started appended to {odin}: sequence 2, event_id ")
    assert odin in run(dsn, "instances").stdout


def test_options_before_or_after_the_command(dsn: str, odin: str) -> None:
    before = json.loads(run(None, "--json", "--dsn", dsn, "instances").stdout)
    after = json.loads(run(None, "instances", "--dsn", dsn, "--json").stdout)
    assert before == after
    assert before[0]["instance_id"] == odin


def test_store_errors_are_one_line_on_stderr(dsn: str, odin: str) -> None:
    result = run(dsn, "emit", odin, "epic_strated", '{"epic_id": "E-1"}', "--json", check=False)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith('event-store: [ES001] unknown event_type "epic_strated"; hint: ')
    assert "epic_started" in lines[0]


def test_bad_json_argument_exits_2(dsn: str, odin: str) -> None:
    result = run(dsn, "emit", odin, "epic_started", "{not json", check=False)
    assert result.returncode == 2
    assert "invalid JSON" in result.stderr
    assert "Traceback" not in result.stderr


def test_unreachable_server_names_the_address() -> None:
    result = run("postgresql://postgres:pw@127.0.0.1:1/event_store", "instances", check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "event-store: cannot connect to postgresql://postgres@127.0.0.1:1/event_store: "
    )
    assert "pw" not in result.stderr.split("event_store:", 1)[0]
    assert len(result.stderr.strip().splitlines()) == 1


def test_deploy_into_an_empty_database(empty_dsn: str) -> None:
    assert run_json(empty_dsn, "deploy") == {"deployed": empty_dsn}
    assert run_json(empty_dsn, "register", "odin-PS-1", "PS", "odin")["last_sequence_num"] == 1


@pytest.mark.usefixtures("read_side")
def test_query_replay_types_stats(dsn: str, odin: str) -> None:
    for n in range(3):
        run(dsn, "emit", odin, "test_started", json.dumps({"test_suite": f"suite-{n}"}))
    run(dsn, "emit", odin, "commit_created", '{"commit_sha": "abc1234", "message": "Fix the 100% case"}')
    page = run_json(dsn, "query", odin, "--type", "test_started", "--limit", "2")
    assert (page["total_count"], page["has_more"]) == (3, True)
    assert [e["event_data"]["test_suite"] for e in page["events"]] == ["suite-0", "suite-1"]
    assert run_json(dsn, "query", odin, "--after", "4")["events"][0]["sequence_num"] == 5
    assert run_json(dsn, "query", "--keyword", "100%", "--since", "1h")["total_count"] == 1
    replay = run_json(dsn, "replay", odin, "--to", "3")
    assert (replay["events_replayed"], replay["final_state"]["last_sequence_num"]) == (3, 3)
    types = run_json(dsn, "types", "--category", "git")
    assert {t["event_type"] for t in types} == {"commit_created", "pr_created", "pr_merged"}
    stats = {row["event_type"]: row["event_count"] for row in run_json(dsn, "stats", odin)}
    assert stats == {"instance_registered": 1, "test_started": 3, "commit_created": 1}
    assert "commit_created" in run(dsn, "query", odin).stdout


def test_query_shows_a_total_beyond_10000_as_a_lower_bound(big_dsn: str) -> None:
    capped = run(big_dsn, "query", BIG, "--type", "test_failed", "--limit", "1").stdout
    assert "1 of 10,000+ matching events, more with --offset/--after" in capped
    exact = run(big_dsn, "query", BIG, "--type", "test_failed", "--limit", "1", "--exact-count").stdout
    assert "1 of 10,500 matching events, more with --offset/--after" in exact
    small = run(big_dsn, "query", BIG, "--type", "test_passed", "--limit", "1").stdout
    assert "1 of 600 matching events" in small
    page = run_json(big_dsn, "query", "--type", "test_failed", "--limit", "1")
    assert (page["total_count"], page["total_exact"], page["has_more"]) == (10_000, False, True)
    page = run_json(big_dsn, "query", "--type", "test_failed", "--limit", "1", "--exact-count")
    assert (page["total_count"], page["total_exact"], page["has_more"]) == (10_500, True, True)


def _events_projected(dsn: str) -> int:
    [(count,)] = rows(dsn, "SELECT events_projected FROM event_store.projections")
    return int(count)


def test_project_once_then_until_ctrl_c(dsn: str, odin: str) -> None:
    run(dsn, "emit", odin, "test_started", '{"test_suite": "unit"}')
    with psycopg.connect(dsn, autocommit=True) as conn:
        wait_for_the_feed_horizon(conn)
    assert run(dsn, "project", "--once").stdout == "projected 2 events into the fleet projection\n"
    assert run_json(dsn, "project", "--once") == {"events_projected": 0}
    assert run(dsn, "project", "--once", "--seconds", "5", check=False).returncode == 2

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
    with subprocess.Popen(
        [EVENT_STORE, "project", "--seconds", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**env, "DATABASE_URL": dsn},
    ) as projector:
        assert projector.stderr is not None
        assert "until Ctrl-C" in projector.stderr.readline()
        deadline = time.monotonic() + 60  # a transaction open elsewhere on the server holds it back
        for n in (3, 4):  # one event, then another after the first CALL's second: each is applied
            run(dsn, "emit", odin, "test_started", '{"test_suite": "unit"}')
            while _events_projected(dsn) < n:
                assert time.monotonic() < deadline, "the projector applied nothing"
                time.sleep(0.05)
            time.sleep(1.1)
        projector.send_signal(signal.SIGINT)
        out, err = projector.communicate(timeout=10)
    assert projector.returncode == 0
    assert out == ""
    assert err.strip().splitlines() == ["projector stopped (Ctrl-C); every batch it applied is committed"]


@pytest.mark.usefixtures("read_side")
def test_demo_is_rerunnable(dsn: str) -> None:
    first, second = run_json(dsn, "demo"), run_json(dsn, "demo")
    assert first["project_supervisor"] != second["project_supervisor"]
    for result in (first, second):
        state = result["replay"]["final_state"]
        assert state["instance_id"] == result["project_supervisor"]
        assert state["git"]["commits"] == 2
        assert result["test_events"]["total_count"] == 3
    assert len(run_json(dsn, "instances")) == 4
    assert "replayed" in run(dsn, "demo").stdout


@pytest.mark.usefixtures("read_side")
def test_tail_follows_new_events_until_interrupted(dsn: str, odin: str) -> None:
    env = {**os.environ, "DATABASE_URL": dsn}
    with subprocess.Popen(
        [EVENT_STORE, "tail", odin, "--json", "--interval", "0.1"], stdout=subprocess.PIPE, text=True, env=env
    ) as tail:
        assert tail.stdout is not None
        first = json.loads(tail.stdout.readline())
        assert (first["sequence_num"], first["event_type"]) == (1, "instance_registered")
        with EventStore(dsn) as store:
            for n in range(3):
                store.emit_event(odin, "task_spawned", {"task_id": f"T-{n}", "task_type": "unit"})
        followed = [json.loads(tail.stdout.readline()) for _ in range(3)]
        assert [e["sequence_num"] for e in followed] == [2, 3, 4]
        time.sleep(0.2)
        tail.send_signal(signal.SIGINT)
        assert tail.wait(timeout=10) == 0
