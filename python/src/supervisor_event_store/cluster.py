"""The embedded default: a local PostgreSQL cluster started and deployed by the project.

Standard library only, so it also runs before the package's dependencies are installed
(``python -m supervisor_event_store.cluster up``). The CLI's ``event-store db ...`` commands call
the same functions.

Resolution order of the database to use (``resolve_dsn``):
1. ``DATABASE_URL``;
2. the standard ``PG*`` variables (``PGHOST``, ``PGPORT``, ``PGDATABASE``, ``PGUSER``,
   ``PGSERVICE``): an empty conninfo, which libpq completes from the environment;
3. the local cluster on 127.0.0.1 (and a Unix socket in its ``run/`` folder).

Where the local cluster lives (``state_root``): ``$EVENT_STORE_HOME/.pgdata`` when that is set;
else ``.pgdata/`` in the checkout (the nearest folder above the current one, or above this file,
whose ``sqitch.plan`` is this project's); else, for a package installed without a checkout, the
per-user data folder ``$XDG_DATA_HOME/supervisor-event-store`` (``~/.local/share/...``).

Its port: ``EVENT_STORE_PORT`` pins it. Otherwise the first start takes 54329, or the next free
port when something else holds 54329, and writes it to ``<state_root>/port``; every later
command of that checkout (make, the CLI, Python, the MCP server, the tests) reads it from there,
so two checkouts run side by side.

The Sqitch project deployed (``sqitch_dir``): the checkout's, else the copy the wheel carries as
package data (``supervisor_event_store/sqitch/``, copied from the top-level files at build time).

As root, ``initdb`` and ``pg_ctl`` run as the ``postgres`` user (they refuse root). When that user
cannot enter the state folder (a checkout under ``/root`` or in a mode-700 folder), the folder is
a symlink to a private directory under ``/var/tmp``, and every ``pg_ctl`` call is given the
resolved path, so that ``postgres`` never has to traverse the checkout.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import glob
import hashlib
import json
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT = "supervisor_event_store"
DEFAULT_PORT = 54329
PORT_RANGE = 200  # ports tried after DEFAULT_PORT when it is taken
DEFAULT_DB = "event_store"
PG_VARIABLES = ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGSERVICE")
# What each missing tool comes from, on Debian/Ubuntu.
DEBIAN_PACKAGES = {"initdb": "postgresql-15", "pg_ctl": "postgresql-15", "psql": "postgresql-client-15",
                   "sqitch": "sqitch", "pg_cron": "postgresql-15-cron", "plproxy": "postgresql-15-plproxy"}


class ClusterError(RuntimeError):
    """A clear, one-line failure of the local cluster (busy port, missing binaries...)."""


# --- where things are ------------------------------------------------------------------------


def _is_our_plan(plan: Path) -> bool:
    try:
        with plan.open(encoding="utf-8") as handle:
            return any(line.strip() == f"%project={PROJECT}" for _, line in zip(range(10), handle, strict=False))
    except OSError:
        return False


def checkout() -> Path | None:
    """The checkout in use: the nearest folder above the current one, or above this file, holding
    this project's ``sqitch.plan``; None for a package installed without one."""
    for start in (Path.cwd(), Path(__file__).resolve()):
        for directory in (start, *start.parents):
            if _is_our_plan(directory / "sqitch.plan"):
                return directory
    return None


def state_root() -> Path:
    """The folder of the local cluster (its ``data/``, ``run/``, ``server.log`` and ``port``)."""
    home = os.environ.get("EVENT_STORE_HOME")
    if home:
        return Path(home).absolute() / ".pgdata"
    top = checkout()
    if top is not None:
        return top / ".pgdata"
    data_home = os.environ.get("XDG_DATA_HOME", "")
    if not os.path.isabs(data_home):  # the XDG spec: ignore a relative value
        data_home = str(Path.home() / ".local" / "share")
    return Path(data_home) / "supervisor-event-store"


def sqitch_dir() -> Path:
    """The Sqitch project to deploy: ``$EVENT_STORE_HOME``'s or the checkout's, else the copy
    carried by the package."""
    home = os.environ.get("EVENT_STORE_HOME")
    if home and _is_our_plan(Path(home) / "sqitch.plan"):
        return Path(home).absolute()
    top = checkout()
    if top is not None:
        return top
    bundled = Path(__file__).resolve().parent / "sqitch"
    if (bundled / "sqitch.plan").is_file():
        return bundled
    raise ClusterError(
        "no Sqitch project found: run from a checkout of supervisor-event-store, or install the "
        "package from a wheel built from one (pip install ./python)"
    )


def uses_external_server() -> bool:
    return bool(os.environ.get("DATABASE_URL")) or any(os.environ.get(v) for v in PG_VARIABLES)


# --- running commands ------------------------------------------------------------------------


def _is_root() -> bool:
    return os.geteuid() == 0


def _postgres_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam("postgres")
    except KeyError as exc:
        raise ClusterError(
            "running as root, but there is no 'postgres' user to run initdb/pg_ctl as; "
            "install the postgresql-15 package (apt-get install -y postgresql-15) or run as an ordinary user"
        ) from exc


def _as_postgres(cmd: list[str]) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    if not _is_root():
        return cmd
    _postgres_user()
    return ["runuser", "-u", "postgres", "--", *cmd]


def _find_pg_bin(name: str) -> str | None:
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    for bindir in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]), reverse=True):
        candidates.append(Path(bindir) / name)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    return shutil.which(name)


def _missing(tools: list[str]) -> list[str]:
    def found(tool: str) -> bool:
        if tool == "pg_cron":
            return pg_cron_installed()
        if tool == "plproxy":
            return plproxy_installed()
        return (_find_pg_bin(tool) if tool in ("initdb", "pg_ctl") else shutil.which(tool)) is not None

    return [tool for tool in tools if not found(tool)]


def ensure_tools(tools: list[str]) -> None:
    """Make sure ``tools`` (initdb, pg_ctl, psql, sqitch) exist: as root on Debian install what is
    missing with apt-get, as `make` does; otherwise say which packages to install and how."""
    missing = _missing(tools)
    if not missing:
        return
    packages = sorted({DEBIAN_PACKAGES[tool] for tool in missing})
    command = "apt-get install -y " + " ".join(packages)
    if _is_root() and shutil.which("apt-get"):
        print(f"event-store: installing Debian packages: {' '.join(packages)}", file=sys.stderr)
        env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
        update = _run(["apt-get", "update", "-qq"], env=env)
        install = _run(["apt-get", "install", "-y", "-qq", *packages], env=env) if update.returncode == 0 else update
        if install.returncode == 0 and not _missing(tools):
            return
        raise ClusterError(f"could not install {' '.join(packages)} with apt-get: "
                           f"{(install.stderr or install.stdout).strip().splitlines()[-1:]}")
    raise ClusterError(
        f"{', '.join(missing)} not found; install the Debian package(s) {' '.join(packages)}: "
        f"sudo {command} (or set PG_BINDIR to the folder of the PostgreSQL server binaries)"
    )


def pg_bin(name: str) -> str:
    """A PostgreSQL server binary: PG_BINDIR, else the newest /usr/lib/postgresql/*/bin, else PATH."""
    found = _find_pg_bin(name)
    if found is None:
        ensure_tools([name])
        found = _find_pg_bin(name)
    assert found is not None
    return found


def _run(cmd: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
    # cwd "/": the postgres user may not be able to enter the caller's folder.
    kwargs.setdefault("cwd", "/")
    return subprocess.run(cmd, text=True, capture_output=True, check=False, **kwargs)  # type: ignore[call-overload, no-any-return]


def _port_busy(number: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", number))
        except OSError as exc:
            return exc.errno == errno.EADDRINUSE
    return False


def _pinned_port() -> int | None:
    text = os.environ.get("EVENT_STORE_PORT")
    if not text:
        return None
    if not (text.isascii() and text.isdigit()) or not 1 <= int(text) <= 65535:
        raise ClusterError(f"EVENT_STORE_PORT={text!r} is not a port: use a number from 1 to 65535")
    return int(text)


# --- a local cluster -------------------------------------------------------------------------


class LocalCluster:
    """A PostgreSQL cluster of our own in ``root`` (``data/``, ``run/``, ``server.log``, ``port``).

    ``port`` pins the port; otherwise EVENT_STORE_PORT, else the remembered or first free port.
    ``settings`` are extra server settings (``-c name=value``) for every start.
    """

    def __init__(self, root: Path, *, port: int | None = None, settings: dict[str, str] | None = None,
                 env_port: bool = True) -> None:
        self.root = root
        self._pinned = port
        self._env_port = env_port  # False for the servers of a topology: one pinned port cannot serve them all
        self.settings = dict(settings or {})

    def _pin(self) -> int | None:
        return self._pinned or (_pinned_port() if self._env_port else None)

    # Paths, always resolved: pg_ctl runs as postgres, who may not traverse the unresolved path.
    @property
    def resolved(self) -> Path:
        return self.root.resolve()

    @property
    def data(self) -> Path:
        return self.resolved / "data"

    @property
    def log(self) -> Path:
        return self.resolved / "server.log"

    def _pid_file_lines(self) -> list[str]:
        try:
            return (self.data / "postmaster.pid").read_text().splitlines()
        except OSError:
            return []

    def pid(self) -> int | None:
        """The postmaster's pid when it runs, else None."""
        lines = self._pid_file_lines()
        if not lines or not lines[0].strip().isdigit():
            return None
        number = int(lines[0])
        try:  # a stale pid file's pid may have been reused by another program: check it is ours
            cmdline = Path(f"/proc/{number}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return None
        return number if b"-D" in cmdline and str(self.data).encode() in cmdline else None

    def port(self) -> int:
        """The port of the running server, else the pinned one, else the remembered, else 54329."""
        lines = self._pid_file_lines()
        if self.pid() is not None and len(lines) > 3 and lines[3].strip().isdigit():
            return int(lines[3])
        pinned = self._pin()
        if pinned:
            return pinned
        # stopped: where start() would put it (the remembered port, unless another server took it)
        return next((p for p in self._candidate_ports() if not _port_busy(p)), DEFAULT_PORT)

    def _remembered_port(self) -> int | None:
        try:
            text = (self.resolved / "port").read_text().strip()
        except OSError:
            return None
        return int(text) if text.isdigit() else None

    def dsn(self, dbname: str = DEFAULT_DB) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port()}/{dbname}"

    def is_running(self) -> bool:
        if not (self.data / "PG_VERSION").is_file():
            return False
        return _run(_as_postgres([pg_bin("pg_ctl"), "status", "-D", str(self.data)])).returncode == 0

    def _prepare(self) -> Path:
        """Create the folder so that the server's user can write it.

        When the postgres user cannot reach it (say, under /root or a mode-700 folder), it becomes
        a symlink to a private directory under /var/tmp, named after the folder's path.
        """
        root = self.root
        if root.exists():
            return root.resolve()
        root.parent.mkdir(parents=True, exist_ok=True)
        root.mkdir(mode=0o700)
        if _is_root():
            pw = _postgres_user()
            os.chown(root, pw.pw_uid, pw.pw_gid)
            if _run(["runuser", "-u", "postgres", "--", "test", "-w", str(root)]).returncode != 0:
                root.rmdir()
                # a new folder of our own (mkdtemp: mode 700, a name no other user can guess or plant)
                digest = hashlib.sha1(str(root).encode()).hexdigest()[:10]
                target = Path(tempfile.mkdtemp(prefix=f"supervisor-event-store-{digest}-", dir="/var/tmp"))
                os.chown(target, pw.pw_uid, pw.pw_gid)
                root.symlink_to(target)
        return root.resolve()

    def init(self) -> None:
        ensure_tools(["initdb", "pg_ctl"])
        self._prepare()
        if (self.data / "PG_VERSION").is_file():
            return
        result = _run(_as_postgres([pg_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
                                    "--encoding=UTF8", "--locale=C.UTF-8"]))
        if result.returncode != 0:
            raise ClusterError(f"initdb failed: {result.stderr.strip() or result.stdout.strip()}")

    def _candidate_ports(self) -> list[int]:
        pinned = self._pin()
        if pinned:
            return [pinned]
        first = self._remembered_port()
        ports = [first] if first else []
        ports += [p for p in range(DEFAULT_PORT, DEFAULT_PORT + PORT_RANGE) if p != first]
        return ports

    def start(self) -> None:
        """Initialise if needed and start; a busy pinned port is an error, not a hang."""
        if self.is_running():
            return
        pinned = self._pin()
        if pinned and _port_busy(pinned):
            raise ClusterError(
                f"port {pinned} on 127.0.0.1 is already in use by another program; "
                f"choose another with EVENT_STORE_PORT=<port> (or stop that program)"
            )
        self.init()
        run_dir = self.resolved / "run"
        run_dir.mkdir(exist_ok=True)
        if _is_root():
            pw = _postgres_user()
            os.chown(run_dir, pw.pw_uid, pw.pw_gid)
        failure = ""
        for number in self._candidate_ports():
            if _port_busy(number):
                continue
            options = [f"-p {number}", f"-k {run_dir}", "-c listen_addresses=127.0.0.1"]
            options += [f"-c {name}={value}" for name, value in self.settings.items()]
            result = _run(_as_postgres([pg_bin("pg_ctl"), "start", "-D", str(self.data), "-l", str(self.log),
                                        "-w", "-t", "60", "-o", " ".join(options)]))
            if result.returncode == 0:
                if not pinned:
                    (self.resolved / "port").write_text(f"{number}\n")
                return
            failure = " | ".join([result.stderr.strip(), *self._log_tail()])
            # Another program took the port between our check and the server's bind: try the next.
            if pinned or not _port_busy(number):
                break
        raise ClusterError("could not start the local cluster: " + (failure or "no free port found"))

    def _log_tail(self) -> list[str]:
        try:
            return self.log.read_text(errors="replace").splitlines()[-5:]
        except OSError:
            return []

    def stop(self, mode: str = "fast") -> None:
        """Stop the server (fast shutdown: sessions are ended, nothing is lost), also after a
        failed run; when pg_ctl cannot, signal the postmaster itself."""
        if not (self.data / "PG_VERSION").is_file():
            return
        if self.is_running():
            result = _run(_as_postgres([pg_bin("pg_ctl"), "stop", "-D", str(self.data), "-m", mode, "-w", "-t", "60"]))
            if result.returncode == 0:
                return
        pid = self.pid()
        if pid is None:
            return
        os.kill(pid, signal.SIGQUIT)  # immediate shutdown
        for _ in range(100):
            if not Path(f"/proc/{pid}").exists():
                return
            time.sleep(0.1)
        raise ClusterError(f"the server (pid {pid}, data {self.data}) did not stop")

    def kill(self) -> None:
        """SIGKILL the postmaster and every backend of this cluster (a crash, for fault tests)."""
        pid = self.pid()
        if pid is None:
            return
        children = _run(["pgrep", "-P", str(pid)]).stdout.split()
        for number in [pid, *map(int, children)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(number, signal.SIGKILL)
        for _ in range(100):
            if not Path(f"/proc/{pid}").exists():
                return
            time.sleep(0.05)

    def remove(self) -> None:
        """Stop and delete everything (the symlink's target too)."""
        self.stop(mode="immediate")
        target = self.resolved
        shutil.rmtree(target, ignore_errors=True)
        if self.root.is_symlink():
            self.root.unlink()

    def describe(self) -> str:
        where = str(self.root)
        if self.root.is_symlink():
            where += f" -> {self.resolved}"
        return where


def plproxy_installed() -> bool:
    """Whether PL/Proxy (Debian postgresql-15-plproxy) is installed: the proxy of db up --shards."""
    return any(Path("/usr/share/postgresql").glob("*/extension/plproxy.control"))


def pg_cron_installed() -> bool:
    """Whether pg_cron (Debian postgresql-15-cron) is installed for the server binaries in use."""
    postgres = _find_pg_bin("postgres")
    return postgres is not None and (Path(postgres).parent.parent / "lib" / "pg_cron.so").is_file()


# pg_cron in the cluster: its launcher lives in the maintenance database and runs jobs in
# background workers (no connection, so no authentication to set up).
PG_CRON_SETTINGS = {"shared_preload_libraries": "pg_cron", "cron.database_name": "postgres",
                    "cron.use_background_workers": "on", "max_worker_processes": "16"}
STALE_JOB = "event_store_mark_stale_instances"
PROJECTOR_JOB = "event_store_run_projector"


def _schedule_every_minute(dsn: str, job: str, command: str) -> bool:
    """Have pg_cron run ``command`` every minute in ``dsn``'s database, as the job ``<job>_<db>``
    (scheduling it again replaces it: idempotent). False (and nothing done) when the server was
    started without pg_cron."""
    parts = urlsplit(dsn)
    admin = urlunsplit(parts._replace(path="/postgres"))
    if "pg_cron" not in psql(admin, "SHOW shared_preload_libraries"):
        return False
    dbname = parts.path.lstrip("/")
    psql(admin, "CREATE EXTENSION IF NOT EXISTS pg_cron")
    psql(admin, f"SELECT cron.schedule_in_database('{job}_{dbname}', '* * * * *', '{command}', '{dbname}')")
    return True


def schedule_stale_marking(dsn: str) -> bool:
    """Have pg_cron call ``event_store.mark_stale_instances()`` every minute in ``dsn``'s database,
    so an instance that stops heart-beating is marked stale within its timeout plus a minute with
    no client doing anything. Idempotent. False (and nothing done) when the server was started
    without pg_cron."""
    return _schedule_every_minute(dsn, STALE_JOB, "SELECT event_store.mark_stale_instances()")


def schedule_projector(dsn: str) -> bool:
    """Have pg_cron start ``CALL event_store.run_projector(50)`` every minute in ``dsn``'s database:
    the projector loop keeps the fleet projection within about 50 ms of the change feed, off the
    write path, with no client running it (10 s of each minute it rests; the next run catches up).
    Idempotent. False (and nothing done) when the server was started without pg_cron."""
    return _schedule_every_minute(dsn, PROJECTOR_JOB, "CALL event_store.run_projector(50)")


def default_cluster() -> LocalCluster:
    return LocalCluster(state_root(), settings=PG_CRON_SETTINGS if pg_cron_installed() else None)


# The module-level API (the CLI, the Makefile and the tests use it) acts on the default cluster.


def port() -> int:
    return default_cluster().port()


def start() -> None:
    default_cluster().start()


def stop() -> None:
    default_cluster().stop()


def local_dsn(dbname: str = DEFAULT_DB) -> str:
    return default_cluster().dsn(dbname)


def resolve_dsn(dbname: str | None = None) -> str:
    """The DSN to use: DATABASE_URL, else the PG* variables ('' = libpq env), else the local cluster.

    With ``dbname``, the same server but that database (for test databases).
    """
    url = os.environ.get("DATABASE_URL")
    if url:
        if dbname is None:
            return url
        parts = urlsplit(url)
        return urlunsplit(parts._replace(path="/" + dbname))
    if any(os.environ.get(v) for v in PG_VARIABLES):
        return f"dbname={dbname}" if dbname else ""
    return local_dsn(dbname or DEFAULT_DB)


def describe_dsn(dsn: str) -> str:
    """Where a DSN points, without its password, for error messages."""
    if not dsn or "://" not in dsn:
        env = ", ".join(f"{v}={os.environ[v]}" for v in PG_VARIABLES if os.environ.get(v))
        return f"{dsn or 'libpq defaults'} ({env or 'no PG* variables set'})"
    try:
        parts = urlsplit(dsn)
        netloc = parts.hostname or ""
        if parts.port:
            netloc += f":{parts.port}"
    except ValueError:
        return "an invalid URL"
    if parts.username:
        netloc = f"{parts.username}@{netloc}"
    return urlunsplit(parts._replace(netloc=netloc))


def psql(dsn: str, sql: str) -> str:
    ensure_tools(["psql"])
    result = _run(["psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-d", dsn, "-c", sql])
    if result.returncode != 0:
        raise ClusterError(f"psql on {describe_dsn(dsn)} failed: {result.stderr.strip()}")
    return result.stdout.strip()


def _wait_accepting(dsn: str, seconds: float = 30) -> None:
    ensure_tools(["psql"])
    deadline = time.monotonic() + seconds
    while True:
        result = _run(["psql", "-X", "-A", "-t", "-d", dsn, "-c", "SELECT 1"])
        if result.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise ClusterError(f"cannot connect to {describe_dsn(dsn)}: {result.stderr.strip()}")
        time.sleep(0.2)


def create_database(dbname: str, *, recreate: bool = False, dsn: str | None = None) -> str:
    """Create ``dbname`` on the resolved server (or on ``dsn``'s); return its DSN."""
    if dsn is None:
        admin, target = resolve_dsn("postgres"), resolve_dsn(dbname)
    else:
        parts = urlsplit(dsn)
        admin, target = urlunsplit(parts._replace(path="/postgres")), urlunsplit(parts._replace(path="/" + dbname))
    _wait_accepting(admin)
    exists = psql(admin, f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'") == "1"
    if exists and recreate:
        psql(admin, f'DROP DATABASE "{dbname}" WITH (FORCE)')
        exists = False
    if not exists:
        psql(admin, f'CREATE DATABASE "{dbname}"')
    return target


def sqitch_target(dsn: str) -> str:
    """A Sqitch target for a DSN: ``db:`` + URI, or ``db:pg:`` (libpq env) for the PG* case."""
    if "://" in dsn:
        return "db:" + dsn
    dbname = dsn.split("=", 1)[1] if dsn.startswith("dbname=") else ""
    return f"db:pg:{dbname}"


def sqitch(command: list[str], dsn: str, *, project: Path | None = None) -> None:
    ensure_tools(["sqitch", "psql"])
    top = project or sqitch_dir()
    result = subprocess.run(["sqitch", "--chdir", str(top), *command, sqitch_target(dsn)], check=False)
    if result.returncode != 0:
        raise ClusterError(f"sqitch {' '.join(command)} failed on {describe_dsn(dsn)}")


def up() -> str:
    """Start the local cluster (unless an external server is configured), create and deploy."""
    ensure_tools(["sqitch", "psql"] + ([] if uses_external_server() else ["initdb", "pg_ctl"]))
    if not uses_external_server() and _is_root() and not pg_cron_installed():
        try:  # optional: stale marking by the server itself; everything else works without it
            ensure_tools(["pg_cron"])
        except ClusterError as exc:
            print(f"event-store: note: pg_cron not installed ({exc})", file=sys.stderr)
    if not uses_external_server():
        start()
    dsn = create_database(DEFAULT_DB) if not os.environ.get("DATABASE_URL") else resolve_dsn()
    _wait_accepting(dsn)
    sqitch(["deploy", "--verify"], dsn)
    if not uses_external_server() and not (schedule_stale_marking(dsn) and schedule_projector(dsn)):
        print("event-store: note: the local cluster runs without pg_cron, so nothing marks silent "
              "instances stale by itself, and the fleet projection is kept up to date only by "
              "`event-store project` (fleet-wide reads stay exact, but slow down as it falls behind); "
              + ("restart it (db down, db up) to load it" if pg_cron_installed()
                 else "install postgresql-15-cron and restart it (db down, db up)"), file=sys.stderr)
    return dsn


def status() -> str:
    if uses_external_server():
        return f"external server: {describe_dsn(resolve_dsn())}"
    local = default_cluster()
    if local.is_running():
        return f"running: {local.dsn()} (data in {local.describe()})"
    return f"stopped (data in {local.describe()}; port {local.port()} when started)"



# --- a local scale-out topology ---------------------------------------------------------------

PARTITIONS = 16  # partitions of the proxy's map (a power of 2), spread over the shard servers


def proxy_dir() -> Path:
    """The proxy database's Sqitch project (``proxy/`` of the checkout, or the package's copy)."""
    bundled = sqitch_dir() / "proxy"
    if (bundled / "sqitch.plan").is_file():
        return bundled
    raise ClusterError("no proxy Sqitch project found (proxy/sqitch.plan)")


class Topology:
    """``db up --shards N [--replica]``: N shard servers (each an ordinary deployment of the
    plan), a proxy server whose ``event_store`` functions route to them (PL/Proxy), and with
    ``replica`` a streaming hot standby of shard 0. Each is a LocalCluster of its own under
    ``<state_root>/topology/`` on a free port; ``topology.json`` says what runs."""

    def __init__(self, root: Path | None = None) -> None:
        self.root = root or state_root() / "topology"

    def _member(self, name: str) -> LocalCluster:
        return LocalCluster(self.root / name, env_port=False)

    def _config_file(self) -> Path:
        return self.root / "topology.json"

    def config(self) -> dict[str, int | bool]:
        try:
            value: dict[str, int | bool] = json.loads(self._config_file().read_text())
        except (OSError, ValueError):
            return {}
        return value

    def shards(self) -> list[LocalCluster]:
        return [self._member(f"shard{n}") for n in range(int(self.config().get("shards", 0)))]

    @property
    def proxy(self) -> LocalCluster:
        return self._member("proxy")

    @property
    def standby(self) -> LocalCluster:
        return self._member("standby0")

    def members(self) -> list[LocalCluster]:
        found = [*self.shards(), self.proxy]
        return [*found, self.standby] if self.config().get("replica") else found

    def up(self, shards: int, *, replica: bool = False) -> dict[str, object]:
        if not 1 <= shards <= PARTITIONS:
            raise ClusterError(f"--shards {shards}: use 1 to {PARTITIONS} shard servers")
        ensure_tools(["initdb", "pg_ctl", "psql", "sqitch", "plproxy"])
        running = self.config()
        if running and (running.get("shards") != shards or bool(running.get("replica")) != replica):
            raise ClusterError(
                f"a topology of {running.get('shards')} shard(s){' with a replica' if running.get('replica') else ''} "
                f"exists in {self.root}; stop and remove it first (event-store db down, then delete that folder)"
            )
        LocalCluster(self.root.parent)._prepare()  # the state folder, reachable by postgres (a symlink if need be)
        self.root.mkdir(parents=True, exist_ok=True)
        self._config_file().write_text(json.dumps({"shards": shards, "replica": replica}) + "\n")
        shard_dsns = []
        for member in self.shards():
            member.start()
            dsn = create_database(DEFAULT_DB, dsn=member.dsn())
            sqitch(["deploy"], dsn)
            shard_dsns.append(dsn)
        proxy = self.proxy
        proxy.start()
        proxy_dsn = create_database(DEFAULT_DB, dsn=proxy.dsn())
        sqitch(["deploy"], proxy_dsn, project=proxy_dir())
        conninfos = [f"host=127.0.0.1 port={m.port()} dbname={DEFAULT_DB} user=postgres connect_timeout=2"
                     for m in self.shards()]
        array = ", ".join(f"'{c}'" for c in conninfos)
        psql(proxy_dsn, f"SELECT event_store.configure_shards(ARRAY[{array}])")
        result: dict[str, object] = {"proxy": proxy_dsn, "shards": shard_dsns}
        if replica:
            result["standby"] = self._start_standby(self.shards()[0])
        return result

    def _start_standby(self, primary: LocalCluster) -> str:
        standby = self.standby
        if not (standby.data / "PG_VERSION").is_file():
            standby._prepare()
            # -c fast: the default spread checkpoint paces its writes over most of checkpoint_timeout
            # (113 s of a 177 s `up` here); fast takes it at once.
            result = _run(_as_postgres([pg_bin("pg_basebackup"), "-D", str(standby.data), "-R", "-X", "stream",
                                        "-c", "fast",
                                        "-d", f"host=127.0.0.1 port={primary.port()} user=postgres"]))
            if result.returncode != 0:
                raise ClusterError(f"pg_basebackup of shard0 failed: {result.stderr.strip()}")
        standby.start()
        return standby.dsn()

    def down(self, *, remove: bool = False) -> None:
        for member in reversed(self.members()):
            member.remove() if remove else member.stop()
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def status(self) -> str:
        if not self.config():
            return "no topology"
        return "; ".join(f"{m.root.name}: {'running ' + m.dsn() if m.is_running() else 'stopped'}"
                         for m in self.members())

# --- the `db` commands: `event-store db ...`, or this file run stand-alone -----------------------
# One parser and one runner for both, so the Makefile (which runs this file before the venv
# exists) and the documented `event-store db ...` behave alike. Standard library only.


def add_global_options(parser: argparse.ArgumentParser, default: object) -> None:
    """--json and --dsn; ``default=argparse.SUPPRESS`` on commands, so that they go before or after
    the command without a command's copy overwriting a value given before it."""
    parser.add_argument("--json", action="store_true", default=default, help="print JSON (for scripts)")
    parser.add_argument("--dsn", default=default, help="database URL (default: DATABASE_URL, PG*, else the local cluster)")


def add_db_commands(parser: argparse.ArgumentParser, parents: list[argparse.ArgumentParser]) -> None:
    """The sub-commands of ``db`` (``parents``: the global options each of them also takes)."""
    sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=parents, help=help_text, description=help_text)

    up_cmd = command("up", "start the local cluster (unless DATABASE_URL/PG* say otherwise) and deploy")
    up_cmd.add_argument("--shards", type=int, default=0, metavar="N",
                        help="start N shard servers and a PL/Proxy proxy instead of one server")
    up_cmd.add_argument("--replica", action="store_true", help="with --shards: also a streaming standby of shard 0")
    command("start", "start the local cluster only")
    command("down", "stop the local cluster (and the shards, proxy and standby of up --shards)")
    command("destroy", "stop the local cluster (and any topology) and delete their data")
    command("status", "say which server is used and whether it runs")
    url = command("url", "print the DSN to use")
    url.add_argument("--db", default=None, help="database name (default: event_store)")
    create = command("createdb", "create (or with --recreate, drop and create) a database; print its DSN")
    create.add_argument("name")
    create.add_argument("--recreate", action="store_true")
    add_deploy_options(command("deploy", "sqitch deploy --verify to a database"))


def add_deploy_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--target", default=None, help="database URL (default: --dsn, else the resolved one)")


@contextlib.contextmanager
def stdout_to_stderr(active: bool = True) -> Iterator[None]:
    """Send what child processes (sqitch) print to stderr, so that stdout stays pure JSON."""
    if not active:
        yield
        return
    sys.stdout.flush()
    saved = os.dup(1)
    os.dup2(2, 1)
    try:
        yield
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def deploy(args: argparse.Namespace) -> tuple[dict[str, str], str]:
    """``db deploy`` and ``event-store deploy``: sqitch deploy --verify to --target, --dsn or the resolved DSN."""
    target = args.target or args.dsn or resolve_dsn()
    with stdout_to_stderr(args.json):
        sqitch(["deploy", "--verify"], target)
    return {"deployed": describe_dsn(target)}, f"deployed to {describe_dsn(target)}"


def run_db_command(args: argparse.Namespace) -> tuple[object, str]:
    """Run ``db <action>``: what ``--json`` prints, and the text printed without it."""
    if args.action == "up" and args.shards:
        with stdout_to_stderr():
            dsns = Topology().up(args.shards, replica=args.replica)
        return dsns, "\n".join(f"{name}: {value}" for name, value in dsns.items())
    if args.action == "up":
        with stdout_to_stderr(args.json):
            dsn = up()
        return {"dsn": dsn}, f"database ready: {dsn}"
    if args.action == "start":
        start()
        return {"status": status()}, status()
    if args.action == "down":
        stop()
        Topology().down()  # the shards, proxy and standby of `db up --shards`, if any
        return {"status": "stopped"}, "local cluster stopped"
    if args.action == "destroy":
        Topology().down(remove=True)
        default_cluster().remove()
        return {"status": "removed"}, "local cluster stopped, its data deleted"
    if args.action == "status":
        result = {"status": status(), "topology": Topology().status()}
        return result, "\n".join(result.values())
    if args.action == "url":
        dsn = args.dsn or resolve_dsn(args.db)
        return {"dsn": dsn}, dsn
    if args.action == "createdb":
        dsn = create_database(args.name, recreate=args.recreate, dsn=args.dsn)
        return {"dsn": dsn}, dsn
    return deploy(args)


def print_result(args: argparse.Namespace, result: object, text: str) -> None:
    print(json.dumps(result, indent=2, ensure_ascii=False) if args.json else text)


def main(argv: list[str] | None = None) -> int:
    """This file run stand-alone: ``python3 cluster.py ACTION`` is ``event-store db ACTION``."""
    common = argparse.ArgumentParser(add_help=False)
    add_global_options(common, argparse.SUPPRESS)
    parser = argparse.ArgumentParser(description="The commands of `event-store db`, run before the venv exists.")
    add_global_options(parser, None)
    parser.set_defaults(json=False)
    add_db_commands(parser, [common])
    args = parser.parse_args(argv)
    try:
        print_result(args, *run_db_command(args))
    except ClusterError as exc:
        # The CLI prints its errors with errors.error_text, which needs psycopg; a ClusterError has
        # neither SQLSTATE nor hint, so this is the line it would print.
        print(f"event-store: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
