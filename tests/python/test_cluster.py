"""The embedded default cluster: clear failures, never a hang."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path


def test_busy_port_is_a_clear_error_not_a_hang(tmp_path: Path) -> None:
    (tmp_path / "sqitch.plan").write_text("%project=x\n")
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(1)
        port = sock.getsockname()[1]
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
        env.update(EVENT_STORE_HOME=str(tmp_path), EVENT_STORE_PORT=str(port))
        result = subprocess.run(
            [sys.executable, "-m", "supervisor_event_store.cluster", "start"],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use by another program" in result.stderr
    assert "EVENT_STORE_PORT" in result.stderr
    # nothing is initialised for a cluster that cannot start
    assert not (tmp_path / ".pgdata" / "data").exists()


def test_url_prefers_database_url_then_pg_variables_then_local(tmp_path: Path) -> None:
    def url(**env_overrides: str) -> str:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL" and not k.startswith("PG")}
        env.update(EVENT_STORE_HOME=str(tmp_path), EVENT_STORE_PORT="54999", **env_overrides)
        return subprocess.run(
            [sys.executable, "-m", "supervisor_event_store.cluster", "url"],
            env=env, capture_output=True, text=True, timeout=60, check=True,
        ).stdout.strip()

    (tmp_path / "sqitch.plan").write_text("%project=x\n")
    assert url() == "postgresql://postgres@127.0.0.1:54999/event_store"
    assert url(PGHOST="db.internal") == ""
    assert url(PGHOST="db.internal", DATABASE_URL="postgresql://u@h:5/d") == "postgresql://u@h:5/d"
