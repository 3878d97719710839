"""A shard stopped mid-run, through the proxy (conftest's session ``topology``, a fresh proxy
database over fresh shard databases): with writers running on both shards and a client that
stays open across the outage, every call for an instance of the stopped shard fails fast with
ES010 naming that shard (host, port, partition); the other shard's instances keep working
without one failed call; every fleet-wide call fails naming the missing shard; once it is back
the same client works again, nothing acknowledged is lost, every stream is gap-free, and a
registration cut short by the outage heals by calling it again."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from uuid import UUID

import pytest

from conftest import Topology, partition, rows, storage_dsns, topology_database
from supervisor_event_store import EventStore, ShardUnavailableError

STEP = {"event_type": "test_passed", "event_data": {"test_suite": "unit"}}
SCHEMA = {"type": "object", "required": ["review_id"], "properties": {"review_id": {"type": "string"}}}


class Writer(threading.Thread):
    """Emits to one instance every few milliseconds until stopped; keeps the ids it was told are
    stored, and the errors it got."""

    def __init__(self, proxy: str, instance_id: str) -> None:
        super().__init__(daemon=True)
        self.proxy, self.instance_id = proxy, instance_id
        self.acknowledged: list[UUID] = []
        self.errors: list[Exception] = []
        self.stop = threading.Event()

    def run(self) -> None:
        with EventStore(self.proxy, max_size=1) as store:
            while not self.stop.is_set():
                try:
                    self.acknowledged.append(store.emit_event(self.instance_id, **STEP).event_id)
                except Exception as exc:  # kept, and checked by the test
                    self.errors.append(exc)
                self.stop.wait(0.005)


def test_a_shard_stopped_mid_run(topology: Topology) -> None:
    topo, _ = topology
    proxy = topology_database(topology)
    down = topo.shards()[1]
    where = f"127.0.0.1:{down.port()}"


    candidates = [f"fault-PS-{n:02d}" for n in range(16)]
    on_down = [i for i in candidates if partition(proxy, i) % 2 == 1][:2]
    on_up = [i for i in candidates if partition(proxy, i) % 2 == 0][:2]
    lost, kept = on_down[0], on_up[0]  # the instances the checks call; the others have writers
    on_lost = f"partition {partition(proxy, lost)}"

    with EventStore(proxy) as store:
        for instance in on_down + on_up:
            store.register_instance(instance, "PS", "faults")
        event_on_up = store.emit_events(kept, [STEP, STEP])[-1].event_id
        writers = [Writer(proxy, on_down[1]), Writer(proxy, on_up[1])]
        for writer in writers:
            writer.start()
        time.sleep(0.2)
        down.stop()
        try:
            time.sleep(0.2)
            one_instance: dict[str, Callable[[str], Any]] = {
                "emit_event": lambda i: store.emit_event(i, **STEP),
                "emit_events": lambda i: store.emit_events(i, [STEP, STEP]),
                "heartbeat": lambda i: store.heartbeat(i, 12.5),
                "register_instance": lambda i: store.register_instance(i, "PS", "faults"),
                "get_event_count": lambda i: store.get_event_count(i),
                "get_latest_events": lambda i: store.get_latest_events(i, 2),
                "query_events": lambda i: store.query_events(i, event_types="test_passed", keyword="unit"),
                "count_events": lambda i: store.query_events(i, offset=500),
                "aggregate_events_by_type": lambda i: store.aggregate_events_by_type(i),
                "replay_events": lambda i: store.replay_events(i),
                "create_snapshot": lambda i: store.create_snapshot(i),
            }
            said = []
            for name, call in one_instance.items():
                started = time.monotonic()
                with pytest.raises(ShardUnavailableError) as failed:
                    call(lost)
                assert time.monotonic() - started < 5, name
                assert failed.value.sqlstate == "ES010", name
                said.append(failed.value.message)
                assert failed.value.hint
                assert "other shards keep working" in failed.value.hint
                call(kept)  # the other shard's instance: as if nothing happened
            # Each names the shard and the partition; only the first call of the proxy session, which
            # found its connection ended by the shard's shutdown, cannot say the address (that error
            # does not carry it: docs/scale-out.md, Faults).
            named = f"shard at {where} is unavailable ({on_lost})"
            assert said[1:] == [named] * (len(said) - 1)
            assert said[0] in (named, f"shard of this call is unavailable ({on_lost})")

            fleet: dict[str, Callable[[], Any]] = {
                "list_instances": store.list_instances,
                "query_events": lambda: store.query_events(event_types=["test_passed"]),
                "query_events, no filter": lambda: store.query_events(),
                "aggregate_events_by_type": store.aggregate_events_by_type,
                "get_event_by_id": lambda: store.get_event_by_id(event_on_up),
                "list_event_types": store.list_event_types,
                "mark_stale_instances": store.mark_stale_instances,
                "register_event_type": lambda: store.register_event_type(
                    "review_requested", "git", "A review was requested.", SCHEMA
                ),
            }
            for name, fleet_call in fleet.items():
                started = time.monotonic()
                with pytest.raises(ShardUnavailableError) as missing:
                    fleet_call()
                assert time.monotonic() - started < 5, name
                said = f"shard at {where} is unavailable (a call to all shards)"
                assert (name, missing.value.message) == (name, said)
        finally:
            down.start()
            time.sleep(0.2)
            for writer in writers:
                writer.stop.set()
                writer.join()

        # The same client, not reopened: everything works again.
        assert store.emit_event(lost, **STEP).sequence_num > 1
        assert len(store.list_instances()) == 4
        # the registration that failed reached shard 0 or no shard (PL/Proxy fails a call to all
        # shards before sending it when a connection is refused); the same call again finishes it
        on_shards = "SELECT count(*) FROM event_store.event_types WHERE event_type = 'review_requested'"
        shards = storage_dsns(proxy)
        assert [rows(shard, on_shards)[0][0] for shard in shards] in ([0, 0], [1, 0])
        store.register_event_type("review_requested", "git", "A review was requested.", SCHEMA)
        assert [rows(shard, on_shards)[0][0] for shard in shards] == [1, 1]
        assert store.emit_event(lost, "review_requested", {"review_id": "R-1"}).sequence_num > 2

        up_writer, down_writer = writers[1], writers[0]
        assert up_writer.errors == []  # the other shard never failed a call
        assert down_writer.errors, "the writer on the stopped shard ran into the outage"
        assert all(isinstance(e, ShardUnavailableError) for e in down_writer.errors), down_writer.errors
        for writer in writers:
            stored = rows(shards[partition(proxy, writer.instance_id) % 2],
                          "SELECT event_id, sequence_num FROM event_store.events WHERE instance_id = %s"
                          " ORDER BY sequence_num", writer.instance_id)
            # nothing acknowledged is lost, and the stream has no gap
            assert set(writer.acknowledged) <= {event_id for event_id, _ in stored}
            assert [sequence for _, sequence in stored] == list(range(1, len(stored) + 1))
            assert store.get_event_count(writer.instance_id) == len(stored)
