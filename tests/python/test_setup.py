"""Set-up anywhere: a checkout the postgres user cannot enter, two checkouts at once, the wheel
without a checkout. Each test starts its own clusters through the real entry points (the cluster
script, the installed ``event-store``) and checks that nothing is left running afterwards."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from conftest import create_database, drop_database
from supervisor_event_store import cluster

TOP = Path(__file__).resolve().parents[2]
SCRIPT = TOP / "python" / "src" / "supervisor_event_store" / "cluster.py"
PROJECT_FILES = ("sqitch.plan", "sqitch.conf", "deploy", "revert", "verify")


def clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without anything that picks a server or a port."""
    drop = {"DATABASE_URL", "EVENT_STORE_PORT", "EVENT_STORE_HOME", "XDG_DATA_HOME", *cluster.PG_VARIABLES}
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(extra)
    return env


def run(cmd: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 120) -> str:
    result = subprocess.run(
        cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, f"{cmd} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    return result.stdout.strip()


def server_processes(data: Path) -> list[str]:
    """Command lines of running postgres processes whose data directory is ``data``."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "postgres" in cmdline and str(data) in cmdline:
            found.append(cmdline)
    return found


def data_directory(dsn: str) -> str:
    with psycopg.connect(dsn, autocommit=True, connect_timeout=5) as conn:
        row = conn.execute("SHOW data_directory").fetchone()
    assert row
    return str(row[0])


@pytest.fixture
def private_folder() -> Iterator[Path]:
    """A mode-700 folder (as mktemp -d makes): as root, the postgres user cannot enter it."""
    folder = Path(tempfile.mkdtemp(prefix="es-setup-"))
    assert folder.stat().st_mode & 0o777 == 0o700
    clusters: list[cluster.LocalCluster] = []
    try:
        yield folder
    finally:
        for state in [*folder.glob("**/.pgdata"), *folder.glob("**/supervisor-event-store")]:
            clusters.append(cluster.LocalCluster(state))
        for local in clusters:
            local.remove()
        shutil.rmtree(folder, ignore_errors=True)


def make_checkout(folder: Path) -> Path:
    """A copy of the checkout's Sqitch project, which is all the cluster script needs."""
    folder.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = TOP / name
        if source.is_dir():
            shutil.copytree(source, folder / name)
        else:
            shutil.copy2(source, folder / name)
    return folder


def test_cluster_in_a_folder_postgres_cannot_enter(private_folder: Path) -> None:
    checkout = make_checkout(private_folder / "clone")
    if os.geteuid() == 0:
        entered = subprocess.run(
            ["runuser", "-u", "postgres", "--", "test", "-x", str(private_folder)], check=False
        )
        assert entered.returncode != 0, "precondition: postgres must not be able to enter the folder"
    env = clean_env()
    script = [sys.executable, str(SCRIPT)]
    dsn = run([*script, "up"], cwd=checkout, env=env).splitlines()[-1].removeprefix("database ready: ")
    state = cluster.LocalCluster(checkout / ".pgdata")
    assert f":{state.port()}/" in dsn
    assert run([*script, "url"], cwd=checkout, env=env) == dsn
    assert "running" in run([*script, "status"], cwd=checkout, env=env)
    assert data_directory(dsn) == str(state.data)
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM event_store.event_types").fetchone()
    assert row
    assert row[0] > 0

    run([*script, "down"], cwd=checkout, env=env)
    assert server_processes(state.data) == []
    assert run([*script, "status"], cwd=checkout, env=env).startswith("stopped")
    # down again, and after a kill -9 (a failed run): never an error, never a server left
    run([*script, "start"], cwd=checkout, env=env)
    state.kill()
    run([*script, "down"], cwd=checkout, env=env)
    assert server_processes(state.data) == []


def test_two_checkouts_start_at_once_on_distinct_ports(private_folder: Path) -> None:
    homes = [private_folder / "one", private_folder / "two"]
    for home in homes:
        home.mkdir()
    # 54329 is taken by "something else" whether or not the suite's own cluster holds it.
    with socket.socket() as holder:
        holder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            holder.bind(("127.0.0.1", cluster.DEFAULT_PORT))
            holder.listen(1)
        except OSError:
            pass  # already in use by another program: the same situation
        with concurrent.futures.ThreadPoolExecutor(2) as pool:
            starts = [
                pool.submit(run, [sys.executable, str(SCRIPT), "start"], cwd=home,
                            env=clean_env(EVENT_STORE_HOME=str(home)))
                for home in homes
            ]
            for start in starts:
                start.result()
        urls = [run([sys.executable, str(SCRIPT), "url"], cwd=home, env=clean_env(EVENT_STORE_HOME=str(home)))
                for home in homes]
    states = [cluster.LocalCluster(home / ".pgdata") for home in homes]
    ports = [state.port() for state in states]
    assert len(set(ports)) == 2
    assert cluster.DEFAULT_PORT not in ports
    for url, state in zip(urls, states, strict=True):
        assert url == f"postgresql://postgres@127.0.0.1:{state.port()}/event_store"
        assert data_directory(url.rsplit("/", 1)[0] + "/postgres") == str(state.data)
        # remembered: the next start of that checkout uses the same port
        assert (state.resolved / "port").read_text().strip() == str(state.port())
    for home, state in zip(homes, states, strict=True):
        run([sys.executable, str(SCRIPT), "down"], cwd=home, env=clean_env(EVENT_STORE_HOME=str(home)))
        assert server_processes(state.data) == []


def test_a_pinned_port_that_is_taken_is_a_clear_error(private_folder: Path) -> None:
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen(1)
        port = holder.getsockname()[1]
        result = subprocess.run(
            [sys.executable, str(SCRIPT), "start"], cwd=private_folder, capture_output=True, text=True,
            env=clean_env(EVENT_STORE_HOME=str(private_folder), EVENT_STORE_PORT=str(port)), timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert f"port {port} on 127.0.0.1 is already in use by another program" in result.stderr


@pytest.mark.slow
def test_wheel_without_a_checkout(private_folder: Path, template_db: str) -> None:
    """pip install of the built wheel into a fresh venv, used from an empty folder."""
    wheels, venv, empty, xdg = (private_folder / name for name in ("wheels", "venv", "empty", "xdg"))
    empty.mkdir()
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(TOP / "python")],
        cwd=TOP, env=clean_env(), timeout=300)
    wheel = next(wheels.glob("supervisor_event_store-*.whl"))
    run([sys.executable, "-m", "venv", str(venv)], cwd=empty, env=clean_env())
    run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], cwd=empty, env=clean_env(), timeout=600)
    cli = str(venv / "bin" / "event-store")
    env = clean_env(XDG_DATA_HOME=str(xdg))

    # the bundled plan deploys into a database of another server
    scratch = f"es_py_{os.getpid()}_wheel"
    target = create_database(scratch)
    try:
        assert "deployed to" in run([cli, "deploy", "--dsn", target], cwd=empty, env=env, timeout=300)
        with psycopg.connect(target, autocommit=True) as conn:
            row = conn.execute("SELECT to_regproc('event_store.emit_event') IS NOT NULL").fetchone()
        assert row
        assert row[0]
    finally:
        drop_database(scratch)

    # the embedded cluster in the per-user data folder, on a free port
    dsn = run([cli, "db", "up"], cwd=empty, env=env, timeout=300).splitlines()[-1]
    state = cluster.LocalCluster(xdg / "supervisor-event-store")
    assert dsn == f"database ready: postgresql://postgres@127.0.0.1:{state.port()}/event_store"
    assert str(xdg / "supervisor-event-store") in run([cli, "db", "status"], cwd=empty, env=env)
    demo = run([cli, "demo"], cwd=empty, env=env, timeout=300)
    assert "replay" in demo.lower()
    run([cli, "db", "down"], cwd=empty, env=env)
    assert server_processes(state.data) == []
    assert not (empty / ".pgdata").exists()
    assert list(empty.iterdir()) == []
