"""The example checkpoint trigger: one checkpoint_created per crossing of 80 % context usage,
exactly once, across consumers killed between their work and their ack, and restarts."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

import psycopg
import pytest

from supervisor_event_store import EventStore
from supervisor_event_store.examples import checkpoint_consumer
from supervisor_event_store.examples.checkpoint_consumer import CheckpointTrigger
from supervisor_event_store.subscriptions import Batch

# Per instance, the usage_percent of its context_window_updated events, in order.
FIRST = {
    "cp-PS-a": [50, 79.9, 80, 85, 60, 90, 95],  # crosses at 80 and at 90
    "cp-PS-b": [81, 70, 80],  # the first event above counts (from 0), then again at 80
    "cp-PS-c": [10, 20, 79.99],  # never
}
SECOND = {"cp-PS-a": [99, 10, 100], "cp-PS-c": [80]}  # a: once more at 100; c: at last


class Crash(Exception):
    """The consumer process dies."""


def _emit(store: EventStore, usages: dict[str, list[float]]) -> None:
    longest = max(len(v) for v in usages.values())
    for n in range(longest):  # interleaved, so batches mix instances
        for instance_id, values in usages.items():
            if n < len(values):
                store.emit_event(instance_id, "context_window_updated", {"usage_percent": values[n]})
                store.heartbeat(instance_id)  # other events in between, not followed


def _checkpoints(raw: psycopg.Connection[Any]) -> list[tuple[str, str, float]]:
    return raw.execute(
        "SELECT instance_id, event_data ->> 'checkpoint_id', (event_data ->> 'context_percent')::float8"
        " FROM event_store.events WHERE event_type = 'checkpoint_created' ORDER BY global_position"
    ).fetchall()


def _expected(raw: psycopg.Connection[Any]) -> list[tuple[str, float]]:
    """Crossings computed from the stored events, independently of the consumer."""
    rows = raw.execute(
        "SELECT instance_id, (event_data ->> 'usage_percent')::float8 FROM event_store.events"
        " WHERE event_type = 'context_window_updated' ORDER BY instance_id, sequence_num"
    ).fetchall()
    crossings, last = [], {}
    for instance_id, usage in rows:
        if last.get(instance_id, 0.0) < 80 <= usage:
            crossings.append((instance_id, usage))
        last[instance_id] = usage
    return sorted(crossings)


@pytest.mark.slow
def test_one_checkpoint_per_crossing_across_kills_and_restarts(
    dsn: str, raw: psycopg.Connection[Any]
) -> None:
    with EventStore(dsn) as store:
        for instance_id in ("cp-PS-a", "cp-PS-b", "cp-PS-c"):
            store.register_instance(instance_id, "PS", "checkpoints")
        _emit(store, FIRST)

        # First consumer: its third batch is killed after emitting, before the ack; it dies.
        class Dying(CheckpointTrigger):
            batches = 0

            def handle(self, batch: Batch[psycopg.Connection[Any]]) -> None:
                super().handle(batch)
                Dying.batches += 1
                if Dying.batches == 3:
                    assert batch.connection is not None
                    raw.execute("SELECT pg_terminate_backend(%s)", (batch.connection.info.backend_pid,))
                    raise Crash

        dying = Dying()
        subscriber = store.subscribe(
            "checkpoint-trigger", event_types=["context_window_updated"], transactional=True, batch_size=2
        )
        with pytest.raises(Crash):
            subscriber.run(dying.handle)
        assert len(_checkpoints(raw)) < len(_expected(raw)), "it died before finishing"

    # Second consumer, a new process in effect: the example's own run(), until caught up.
    with EventStore(dsn) as store:
        trigger = checkpoint_consumer.run(store, until_idle=True, batch_size=3)
        assert trigger.emitted
    got = _checkpoints(raw)
    assert (
        sorted((i, p) for i, _, p in got)
        == _expected(raw)
        == [("cp-PS-a", 80), ("cp-PS-a", 90), ("cp-PS-b", 80), ("cp-PS-b", 81)]
    )
    assert len({c for _, c, _ in got}) == len(got)

    # More usage, and the module run as a program (a third start) picks up from the checkpoint.
    with EventStore(dsn) as store:
        _emit(store, SECOND)
    env = {**os.environ, "DATABASE_URL": dsn}
    result = subprocess.run(
        [sys.executable, "-m", "supervisor_event_store.examples.checkpoint_consumer", "--until-idle"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "caught up (2 checkpoints emitted by this run)" in result.stdout
    got = _checkpoints(raw)
    assert sorted((i, p) for i, _, p in got) == _expected(raw)
    assert len(got) == 6
    assert len({c for _, c, _ in got}) == 6
    assert all(c == f"ctx-{i}-{c.rsplit('-', 1)[1]}" for i, c, _ in got)
