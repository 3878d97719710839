"""Fixtures and helpers of the MCP tests (the shared conftest.py belongs to the client's tests).

Databases are named ``es_mcp_<pid>_...`` on the resolved server (the project-local cluster by
default): one template with the Sqitch plan deployed, a fresh copy per test. The
``private_cluster`` fixture (conftest.py) gives a throw-away cluster to stop under a server.
"""

from __future__ import annotations

import os
import re
import socket
import time
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from mcp.types import CallToolResult, TextContent

from conftest import PrivateCluster, admin, create_database, drop_database, free_port
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


def wait_for_port(port: int, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listens on 127.0.0.1:{port} after {seconds} s")

__all__ = ["PrivateCluster", "free_port"]
