"""Fixtures and helpers of the MCP tests (the shared conftest.py belongs to the client's tests).

Databases are named ``es_mcp_<pid>_...`` on the resolved server (the project-local cluster by
default): one template with the Sqitch plan deployed, a fresh copy per test. ``PrivateCluster``
is a throw-away PostgreSQL cluster of our own, to stop and start under a running MCP server.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from mcp.types import CallToolResult, TextContent

from conftest import admin, create_database, drop_database
from supervisor_event_store import cluster

PID = os.getpid()
TEMPLATE = f"es_mcp_{PID}_template"
_counter = iter(range(1, 1_000_000))


def _drop_leftovers() -> None:
    """Databases of killed runs (their pid is gone)."""
    with admin() as conn:
        names = [
            row[0] for row in conn.execute("SELECT datname FROM pg_database WHERE datname LIKE 'es_mcp_%'")
        ]
    for name in names:
        match = re.fullmatch(r"es_mcp_(\d+)_.*", name)
        if match and (int(match[1]) == PID or not os.path.exists(f"/proc/{match[1]}")):
            drop_database(name)


@pytest.fixture(scope="session")
def mcp_template() -> Iterator[str]:
    """A database with the Sqitch plan deployed, used only as a template."""
    if not cluster.uses_external_server():
        cluster.start()
    _drop_leftovers()
    cluster.sqitch(["deploy"], create_database(TEMPLATE))
    yield TEMPLATE
    _drop_leftovers()


@pytest.fixture
def mcp_dsn(mcp_template: str) -> Iterator[str]:
    """A fresh deployed database for one test."""
    name = f"es_mcp_{PID}_{next(_counter)}"
    yield create_database(name, mcp_template)
    drop_database(name)


def rows(dsn: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the database directly, to check what a tool says against what is stored."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        return conn.execute(query, params).fetchall()


def text_of(result: CallToolResult) -> str:
    """The readable text of a tool result."""
    return "\n".join(block.text for block in result.content if isinstance(block, TextContent))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")


class PrivateCluster:
    """A PostgreSQL cluster of our own in a temp dir on ``port``, started and stopped at will."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.root = Path(tempfile.mkdtemp(prefix="es-mcp-pg-"))
        self.data = self.root / "data"
        self.dsn = f"postgresql://postgres@127.0.0.1:{port}/event_store"
        self._initialised = False

    def _run(self, *cmd: str) -> None:
        if os.geteuid() == 0:
            cmd = ("runuser", "-u", "postgres", "--", *cmd)
        subprocess.run(cmd, check=True, capture_output=True, text=True)

    def start(self) -> None:
        if not self._initialised:
            if os.geteuid() == 0:
                user = pwd.getpwnam("postgres")
                os.chown(self.root, user.pw_uid, user.pw_gid)
            self._run(cluster.pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust")
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run(
            cluster.pg_bin("pg_ctl"),
            "start",
            "-w",
            "-D",
            str(self.data),
            "-l",
            str(self.root / "log"),
            "-o",
            options,
        )
        if not self._initialised:
            self._initialised = True
            with psycopg.connect(
                f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True
            ) as conn:
                conn.execute("CREATE DATABASE event_store")
            cluster.sqitch(["deploy"], self.dsn)

    def stop(self) -> None:
        self._run(cluster.pg_bin("pg_ctl"), "stop", "-w", "-m", "immediate", "-D", str(self.data))

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    """A private cluster on a free port, not started yet (nothing listens there at first)."""
    pg = PrivateCluster(free_port())
    try:
        yield pg
    finally:
        pg.remove()
