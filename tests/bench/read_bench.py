#!/usr/bin/env python3
"""Read-path and replay benchmark (issue 3): p50/p99 of the read functions on 1M and 10M events.

Builds one database per size (es_bench_read_1m, es_bench_read_10m) unless it already holds the
data: sqitch deploy, secondary indexes dropped, sql/bench/generate.sql (set-based, 1,000
instances; bench-0000 holds 10% of the events), indexes rebuilt, VACUUM ANALYZE. Then times each
workload inside the server (sql/bench/measure.sql) and prints a markdown table.

    python3 tests/bench/read_bench.py                       # 1M then 10M
    python3 tests/bench/read_bench.py --sizes 1000000 --rebuild
    python3 tests/bench/read_bench.py --sizes 1000000 --write-cost   # also: index cost on emit_event

Plain Python 3 and the psql / sqitch / pgbench commands; the server URL comes from --url or
DATABASE_URL (default: the local cluster, postgresql://postgres@127.0.0.1:54329).
"""
from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIG = "bench-0000"
OUR_INDEXES = ("events_search_trgm_idx", "events_instance_type_timestamp_idx")


def psql(url: str, sql: str | None = None, file: Path | None = None, **variables: object) -> str:
    cmd = ["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", url]
    for name, value in variables.items():
        cmd += ["-v", f"{name}={value}"]
    cmd += ["-f", str(file)] if file else ["-c", sql or ""]
    done = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if done.returncode != 0:
        sys.exit(f"psql failed: {' '.join(cmd[-2:])}\n{done.stderr}")
    return done.stdout.strip()


def label(n: int) -> str:
    return f"{n // 1_000_000}m" if n % 1_000_000 == 0 else str(n)


def has_data(server: str, db: str, n: int) -> bool:
    if psql(f"{server}/postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") != "1":
        return False
    url = f"{server}/{db}"
    if psql(url, "SELECT to_regclass('event_store.instances') IS NOT NULL") != "t":
        return False
    return int(psql(url, "SELECT coalesce(sum(last_sequence_num), 0) FROM event_store.instances")) == n


def build(server: str, db: str, n: int) -> None:
    url = f"{server}/{db}"
    started = time.monotonic()
    psql(f"{server}/postgres", f'DROP DATABASE IF EXISTS "{db}"')
    psql(f"{server}/postgres", f'CREATE DATABASE "{db}"')
    subprocess.run(["sqitch", "--quiet", "deploy", f"db:{url}"], cwd=ROOT, check=True, capture_output=True)
    # Bulk load without the secondary indexes, then build them once (keys and uniques stay).
    rows = psql(url, "SELECT indexname || '|' || indexdef FROM pg_indexes i "
                     "WHERE schemaname = 'event_store' AND tablename = 'events' AND NOT EXISTS "
                     "(SELECT FROM pg_constraint c WHERE c.conname = i.indexname)").splitlines()
    indexes = [row.split("|", 1) for row in rows]
    for name, _ in indexes:
        psql(url, f"DROP INDEX event_store.{name}")
    t0 = time.monotonic()
    psql(url, file=ROOT / "sql/bench/generate.sql", n=n)
    print(f"# {db}: generated {n:,} events in {time.monotonic() - t0:.0f} s", file=sys.stderr)
    for name, definition in indexes:
        t0 = time.monotonic()
        psql(url, f"SET maintenance_work_mem = '1GB'; {definition}")
        print(f"# {db}: index {name} built in {time.monotonic() - t0:.0f} s", file=sys.stderr)
    psql(url, "VACUUM ANALYZE event_store.events")
    psql(url, "VACUUM ANALYZE event_store.instances")
    print(f"# {db}: ready in {time.monotonic() - started:.0f} s", file=sys.stderr)


def workloads(big_head: int) -> list[tuple[str, str, int, int | None]]:
    """(label, SQL, runs, events folded per run or None)."""
    day = "timestamptz '2026-06-01 00:00+00' + interval '{day} days'"
    one = [
        ("query_events, one instance, 100 events, no filter",
         "SELECT * FROM event_store.query_events('{inst}')", 300, None),
        ("query_events, one instance, deep page (offset 5,000)",
         "SELECT * FROM event_store.query_events('" + BIG + "', p_offset => 5000)", 300, None),
        ("query_events, one instance, 2 types + 3-day range",
         "SELECT * FROM event_store.query_events('{inst}', ARRAY['test_failed', 'commit_created'], "
         f"{day}, {day} + interval '3 days')", 300, None),
        ("query_events, one instance, keyword 'timeout'",
         "SELECT * FROM event_store.query_events('{inst}', p_keyword => 'timeout')", 200, None),
        (f"query_events, big instance ({BIG}, {big_head:,} events), keyword 'timeout'",
         "SELECT * FROM event_store.query_events('" + BIG + "', p_keyword => 'timeout')", 30, None),
        ("query_events, all instances, 100 events, no filter",
         "SELECT * FROM event_store.query_events()", 300, None),
        ("query_events, all instances, a commit's 7-character sha prefix",
         "SELECT * FROM event_store.query_events(p_keyword => (SELECT left(e.event_data->>'commit_sha', 7)"
         " FROM event_store.events e WHERE e.instance_id = '{inst}' AND e.event_type = 'commit_created' LIMIT 1))",
         100, None),
        ("query_events, all instances, rare keyword 'cold start (#N7)'",
         "SELECT * FROM event_store.query_events(p_keyword => 'cold start (#{n}7)')", 50, None),
        ("query_events, all instances, common keyword 'timeout' (~0.5% of events)",
         "SELECT * FROM event_store.query_events(p_keyword => 'timeout')", 10, None),
        ("get_latest_events, one instance, 10", "SELECT * FROM event_store.get_latest_events('{inst}')", 300, None),
        ("get_event_count, one instance", "SELECT event_store.get_event_count('{inst}')", 300, None),
        ("aggregate_events_by_type, one instance",
         "SELECT * FROM event_store.aggregate_events_by_type('{inst}')", 300, None),
    ]
    replay = [
        (f"replay_events {BIG} to 100, no snapshot",
         f"SELECT * FROM event_store.replay_events('{BIG}', 100)", 100, 100),
        (f"replay_events {BIG} to 10,000, no snapshot",
         f"SELECT * FROM event_store.replay_events('{BIG}', 10000)", 20, 10_000),
        (f"replay_events {BIG}, all {big_head:,}, no snapshot",
         f"SELECT * FROM event_store.replay_events('{BIG}')", 3, big_head),
    ]
    return one + replay


def snapshot_workloads(big_head: int) -> list[tuple[str, str, int, int | None]]:
    return [
        (f"replay_events {BIG} to 10,000, snapshot at 9,900",
         f"SELECT * FROM event_store.replay_events('{BIG}', 10000)", 100, 100),
        (f"replay_events {BIG}, all {big_head:,}, snapshot 100 events back",
         f"SELECT * FROM event_store.replay_events('{BIG}')", 100, 100),
        (f"replay_events {BIG}, all {big_head:,}, snapshot at the head",
         f"SELECT * FROM event_store.replay_events('{BIG}')", 100, 0),
    ]


def measure(url: str, rows: list[tuple[str, str, int, int | None]], size: str) -> list[str]:
    lines = []
    for name, sql, runs, folded in rows:
        quoted = sql.replace("'", "''")
        out = psql(url, f"SELECT runs, p50_ms, p99_ms, mean_ms, max_ms FROM bench.timeit('{quoted}', {runs})")
        n, p50, p99, mean, _max = out.split("|")
        rate = f"{folded / (float(mean) / 1000):,.0f}" if folded else ""
        lines.append(f"| {size} | {name} | {n} | {p50} | {p99} | {mean} | {rate} |")
        print(lines[-1], flush=True)
    return lines


def write_cost(server: str, db: str, seconds: int, clients: int) -> list[str]:
    """emit_event throughput (pgbench) with our two indexes present vs dropped, interleaved."""
    url = f"{server}/{db}"
    defs = dict(row.split("|", 1) for row in psql(url, (
        "SELECT indexname || '|' || indexdef FROM pg_indexes WHERE indexname IN ('"
        + "', '".join(OUR_INDEXES) + "')")).splitlines())
    script = ("\\set i random(1, 999)\n"
              "SELECT event_store.emit_event('bench-' || lpad(:i::text, 4, '0'), 'commit_created', "
              "'{\"commit_sha\": \"0a1b2c\", \"message\": \"fix timeout in the worker pool\", \"branch\": \"main\"}');\n")
    lines = []
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as f:
        f.write(script)
    try:
        for variant in ("with", "without", "with", "without"):
            present = psql(url, "SELECT count(*) FROM pg_indexes WHERE indexname IN ('"
                           + "', '".join(OUR_INDEXES) + "')")
            if variant == "without" and present != "0":
                for name in OUR_INDEXES:
                    psql(url, f"DROP INDEX event_store.{name}")
            if variant == "with" and present != str(len(OUR_INDEXES)):
                for name in OUR_INDEXES:
                    psql(url, f"SET maintenance_work_mem = '1GB'; {defs[name]}")
            psql(url, "CHECKPOINT")
            done = subprocess.run(["pgbench", "-n", "-f", f.name, "-c", str(clients), "-j", "2",
                                   "-T", str(seconds), url], capture_output=True, text=True, check=True)
            tps = re.search(r"tps = ([0-9.]+)", done.stdout).group(1)
            lat = re.search(r"latency average = ([0-9.]+) ms", done.stdout).group(1)
            lines.append(f"| emit_event, {clients} clients, {seconds} s, our indexes {variant} | {float(tps):,.0f}/s | {lat} ms |")
            print(lines[-1], flush=True)
    finally:
        os.unlink(f.name)
        for name in OUR_INDEXES:
            if psql(url, f"SELECT count(*) FROM pg_indexes WHERE indexname = '{name}'") == "0":
                psql(url, f"SET maintenance_work_mem = '1GB'; {defs[name]}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:54329"),
                        help="server URL without a database name")
    parser.add_argument("--sizes", default="1000000,10000000", help="comma-separated event counts")
    parser.add_argument("--prefix", default="es_bench_read", help="database name prefix")
    parser.add_argument("--rebuild", action="store_true", help="rebuild the data even if present")
    parser.add_argument("--build-only", action="store_true", help="build the databases, measure nothing")
    parser.add_argument("--write-cost", action="store_true", help="also measure the indexes' cost on emit_event")
    parser.add_argument("--write-seconds", type=int, default=20)
    parser.add_argument("--write-clients", type=int, default=8)
    args = parser.parse_args()
    server = re.sub(r"/[^/@]*$", "", args.url) if args.url.count("/") > 2 else args.url

    table = ["| data | workload | runs | p50 ms | p99 ms | mean ms | events/s |", "|---|---|---|---|---|---|---|"]
    writes = ["| workload | throughput | mean latency |", "|---|---|---|"]
    for n in (int(s) for s in args.sizes.split(",")):
        db = f"{args.prefix}_{label(n)}"
        if args.rebuild or not has_data(server, db, n):
            build(server, db, n)
        if args.build_only:
            continue
        url = f"{server}/{db}"
        psql(url, file=ROOT / "sql/bench/measure.sql")
        psql(url, "DELETE FROM event_store.snapshots")
        big_head = int(psql(url, f"SELECT last_sequence_num FROM event_store.instances WHERE instance_id = '{BIG}'"))
        table += measure(url, workloads(big_head), f"{n / 1e6:g}M")
        psql(url, f"SELECT event_store._store_snapshot('{BIG}', (event_store._replay('{BIG}', 9900)).acc)")
        psql(url, f"SELECT event_store._store_snapshot('{BIG}', (event_store._replay('{BIG}', {big_head - 100})).acc)")
        rows = snapshot_workloads(big_head)
        table += measure(url, rows[:2], f"{n / 1e6:g}M")
        psql(url, f"SELECT event_store.create_snapshot('{BIG}')")
        table += measure(url, rows[2:], f"{n / 1e6:g}M")
        state = psql(url, f"SELECT pg_column_size(state) || ' bytes stored, ' || length(event_store._fold_final("
                          f"jsonb_populate_record(NULL::event_store._fold_acc, state))::text) || ' bytes of state' "
                          f"FROM event_store.snapshots WHERE instance_id = '{BIG}' ORDER BY sequence_num DESC LIMIT 1")
        print(f"# {db}: {BIG} snapshot: {state}", file=sys.stderr)
        psql(url, "DELETE FROM event_store.snapshots")
        if args.write_cost:
            writes += write_cost(server, db, args.write_seconds, args.write_clients)
    print()
    print("\n".join(table))
    if args.write_cost:
        print()
        print("\n".join(writes))


if __name__ == "__main__":
    main()
