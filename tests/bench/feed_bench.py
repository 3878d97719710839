#!/usr/bin/env python3
"""Change-feed benchmarks (issue 11).

catch-up: a follower reads the whole store from the beginning through read_all pages of 1,000
(psycopg over TCP, rows fetched), on the read benchmark's data (sql/bench/generate.sql: 1,000
instances; es_bench_read_<size>, built if missing). Prints events/s per run.

    .venv/bin/python tests/bench/feed_bench.py --sizes 1000000 --runs 3 --server

--server also pages inside the server (sql/bench/feed_catch_up.sql), without the client's
transfer and row decoding.

The server URL comes from --url or DATABASE_URL (default: the local cluster on EVENT_STORE_PORT).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parent))
from read_bench import ROOT, build, has_data, label


def catch_up(url: str, page: int) -> tuple[int, float]:
    with psycopg.connect(url, autocommit=True) as conn:
        cursor, total = None, 0
        started = time.perf_counter()
        while True:
            rows = conn.execute(
                "SELECT event_id, instance_id, event_type, sequence_num, timestamp, event_data, cursor"
                " FROM event_store.read_all(%s, %s)", (cursor, page)).fetchall()
            if not rows:
                return total, time.perf_counter() - started
            total += len(rows)
            cursor = rows[-1][-1]


def main() -> None:
    parser = argparse.ArgumentParser()
    port = os.environ.get("EVENT_STORE_PORT", "54329")
    parser.add_argument("--url", default=os.environ.get("DATABASE_URL", f"postgresql://postgres@127.0.0.1:{port}"))
    parser.add_argument("--sizes", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--page", type=int, default=1000)
    parser.add_argument("--server", action="store_true", help="also page inside the server (no transfer)")
    args = parser.parse_args()
    server = args.url.rsplit("/", 1)[0] if args.url.count("/") > 2 else args.url
    print("| events | page | run | events read | seconds | events/s |\n|---|---|---|---|---|---|")
    for n in args.sizes:
        db = f"es_bench_read_{label(n)}"
        if not has_data(server, db, n):
            build(server, db, n)
        for run in range(1, args.runs + 1):
            total, seconds = catch_up(f"{server}/{db}", args.page)
            print(f"| {n:,} | {args.page} | {run} | {total:,} | {seconds:.2f} | {total / seconds:,.0f} |", flush=True)
            if args.server:
                out = subprocess.run(
                    ["psql", "-X", "-q", "-d", f"{server}/{db}", "-c", f"SET bench.page = {args.page}",
                     "-f", str(ROOT / "sql/bench/feed_catch_up.sql")],
                    check=True, capture_output=True, text=True)
                print(f"|   | {args.page} | {run} | {out.stderr.strip().split('NOTICE:  ')[-1]} | | |", flush=True)


if __name__ == "__main__":
    main()
