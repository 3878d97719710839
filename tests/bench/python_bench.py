"""Python emit throughput: EventStore.emit_event / emit_events against a raw psycopg INSERT loop and
the ``eventsourcing`` library's PostgreSQL recorders, on the same server, in the same run, interleaved.

    .venv/bin/python tests/bench/python_bench.py [--rounds 5] [--events 1000] [--batch 100]

Single process, one connection per variant, one transaction per call. The raw INSERT writes the
same row shape into ``bench_raw.events``, built like the pgbench write benchmark's bare table
(``LIKE event_store.events INCLUDING ALL`` plus the same two foreign keys: same columns, defaults,
checks, unique and secondary indexes, foreign keys; no triggers, no stream head) with a sequence
number counted in Python. A reference row inserts into a copy without the foreign keys. eventsourcing has two PostgreSQL recorders for stored events, both
measured: ``PostgresAggregateRecorder`` (per-aggregate streams only: one primary key, no global
order) and ``PostgresApplicationRecorder`` (what an eventsourcing ``Application`` uses: the same
plus a global ``notification_id`` order for catch-up readers, like our ``global_position``; it
serialises appends with ``LOCK TABLE ... EXCLUSIVE`` and a ``NOTIFY``). Prints a markdown table
(median over rounds) for docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresAggregateRecorder, PostgresApplicationRecorder, PostgresDatastore
from psycopg.types.json import Jsonb

from supervisor_event_store import EventStore, cluster

DB = "es_py_bench"
INSTANCE = "bench-PS-1"


def payload(n: int) -> dict[str, Any]:
    return {"test_suite": "checkout-unit", "passed_count": n, "duration_ms": 1234.5, "epic_id": "EPIC-101"}


class Variant:
    def __init__(self, name: str, per_call: int, run: Callable[[int], None]) -> None:
        self.name, self.per_call, self.run = name, per_call, run
        self.rates: list[float] = []


def setup(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA bench_raw")
        conn.execute("CREATE TABLE bench_raw.events (LIKE event_store.events INCLUDING ALL)")
        conn.execute(
            "ALTER TABLE bench_raw.events"
            " ADD FOREIGN KEY (instance_id) REFERENCES event_store.instances (instance_id),"
            " ADD FOREIGN KEY (event_type) REFERENCES event_store.event_types (event_type)"
        )
        conn.execute("CREATE TABLE bench_raw.events_no_fk (LIKE event_store.events INCLUDING ALL)")
        conn.execute("CREATE SCHEMA bench_es")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--events", type=int, default=1000, help="events per round for one-by-one variants")
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    batched_events = args.events * 5

    if not cluster.uses_external_server():
        cluster.start()
    dsn = cluster.create_database(DB, recreate=True)
    cluster.sqitch(["deploy"], dsn)
    setup(dsn)

    store = EventStore(dsn, min_size=1, max_size=1)
    store.open()
    store.register_instance(INSTANCE, "PS", "bench")
    raw = psycopg.connect(dsn, autocommit=True)
    raw_seq = 0
    # Like emit_event: one timestamp for timestamp/created_at/updated_at (here taken in Python).
    insert = (
        "INSERT INTO bench_raw.events"
        ' (instance_id, event_type, sequence_num, "timestamp", event_data, metadata, created_at, updated_at)'
        " VALUES (%(instance_id)s, 'test_passed', %(seq)s, %(now)s, %(data)s, %(metadata)s, %(now)s, %(now)s)"
    )
    insert_returning = insert + ' RETURNING event_id, sequence_num, "timestamp"'
    insert_returning_no_fk = insert_returning.replace("bench_raw.events", "bench_raw.events_no_fk")

    def raw_row(i: int) -> dict[str, Any]:
        nonlocal raw_seq
        raw_seq += 1
        return {
            "instance_id": INSTANCE,
            "seq": raw_seq,
            "now": datetime.now(UTC),
            "data": Jsonb(payload(i)),
            "metadata": Jsonb({"source": "bench"}),
        }

    parts = urlsplit(dsn)
    datastore = PostgresDatastore(
        DB,
        parts.hostname or "127.0.0.1",
        parts.port or 5432,
        parts.username or "postgres",
        parts.password or "",
        schema="bench_es",
        pool_size=1,
    )
    recorder = PostgresAggregateRecorder(datastore, events_table_name="stored_events")
    recorder.create_table()
    app_recorder = PostgresApplicationRecorder(datastore, events_table_name="app_stored_events")
    app_recorder.create_table()
    es_originator = uuid.uuid4()
    es_version = 0

    def emit_one(n: int) -> None:
        for i in range(n):
            store.emit_event(INSTANCE, "test_passed", payload(i), metadata={"source": "bench"})

    emit_sql = (
        "SELECT * FROM event_store.emit_event(p_instance_id => %s, p_event_type => 'test_passed',"
        " p_event_data => %s, p_metadata => %s)"
    )

    def emit_plain(n: int) -> None:
        for i in range(n):
            raw.execute(emit_sql, (INSTANCE, Jsonb(payload(i)), Jsonb({"source": "bench"}))).fetchone()

    def emit_batch(n: int) -> None:
        batch = [
            {"event_type": "test_passed", "event_data": payload(i), "metadata": {"source": "bench"}}
            for i in range(args.batch)
        ]
        for _ in range(n // args.batch):
            store.emit_events(INSTANCE, batch)

    def raw_loop(statement: str) -> Callable[[int], None]:
        def run(n: int) -> None:
            for i in range(n):
                raw.execute(statement, raw_row(i)).fetchone()

        return run

    def raw_batch(n: int) -> None:
        for _ in range(n // args.batch):
            with raw.transaction(), raw.cursor() as cur:
                cur.executemany(insert, [raw_row(i) for i in range(args.batch)])

    def es_events(count: int) -> list[StoredEvent]:
        nonlocal es_version
        events = []
        for i in range(count):
            es_version += 1
            state = json.dumps({"data": payload(i), "metadata": {"source": "bench"}}).encode()
            events.append(StoredEvent(es_originator, es_version, "bench:TestPassed", state))
        return events

    def es_one(n: int) -> None:
        for _ in range(n):
            recorder.insert_events(es_events(1))

    def es_batch(n: int) -> None:
        for _ in range(n // args.batch):
            recorder.insert_events(es_events(args.batch))

    def es_app_one(n: int) -> None:
        for _ in range(n):
            app_recorder.insert_events(es_events(1))

    def es_app_batch(n: int) -> None:
        for _ in range(n // args.batch):
            app_recorder.insert_events(es_events(args.batch))

    raw_single_variant = Variant("raw psycopg INSERT loop, one by one", 1, raw_loop(insert_returning))
    raw_multi_variant = Variant(f"raw psycopg INSERT, {args.batch} per transaction (executemany)", args.batch, raw_batch)
    variants = [
        Variant("EventStore.emit_event, one by one", 1, emit_one),
        raw_single_variant,
        Variant("plain psycopg SELECT emit_event (no client), one by one", 1, emit_plain),
        Variant("raw psycopg INSERT loop without the foreign keys, one by one", 1, raw_loop(insert_returning_no_fk)),
        Variant("eventsourcing PostgresAggregateRecorder, 1 event per call", 1, es_one),
        Variant("eventsourcing PostgresApplicationRecorder, 1 event per call", 1, es_app_one),
        Variant(f"EventStore.emit_events, {args.batch} per call", args.batch, emit_batch),
        raw_multi_variant,
        Variant(f"eventsourcing PostgresAggregateRecorder, {args.batch} events per call", args.batch, es_batch),
        Variant(f"eventsourcing PostgresApplicationRecorder, {args.batch} events per call", args.batch, es_app_batch),
    ]

    for variant in variants:  # warm-up: connections, prepared statements, caches
        variant.run(args.batch * 2)
    for round_number in range(args.rounds):
        shift = round_number % len(variants)
        for variant in variants[shift:] + variants[:shift]:
            n = args.events if variant.per_call == 1 else batched_events
            started = time.perf_counter()
            variant.run(n)
            variant.rates.append(n / (time.perf_counter() - started))

    with psycopg.connect(dsn, autocommit=True) as conn:
        settings = {
            name: conn.execute(f"SHOW {name}").fetchone()[0]  # type: ignore[index]
            for name in ("server_version", "synchronous_commit", "fsync", "shared_buffers")
        }
    store.close()
    raw.close()
    datastore.close()

    raw_single = statistics.median(raw_single_variant.rates)
    raw_multi = statistics.median(raw_multi_variant.rates)
    print(
        f"PostgreSQL {settings['server_version']} (synchronous_commit={settings['synchronous_commit']}, "
        f"fsync={settings['fsync']}, shared_buffers={settings['shared_buffers']}), "
        f"Python {platform.python_version()}, psycopg {psycopg.__version__}, {os.cpu_count()} cores; "
        f"{args.rounds} interleaved rounds of {args.events} events (one by one) / {batched_events} "
        "(batched); median of the rounds.\n"
    )
    print("| variant | events/s (median) | µs per event | min-max events/s | vs raw INSERT |")
    print("|---|---:|---:|---:|---:|")
    for variant in variants:
        rate = statistics.median(variant.rates)
        base = raw_single if variant.per_call == 1 else raw_multi
        print(
            f"| {variant.name} | {rate:,.0f} | {1e6 / rate:,.1f} | "
            f"{min(variant.rates):,.0f}-{max(variant.rates):,.0f} | {rate / base:.2f}x |"
        )


if __name__ == "__main__":
    main()
