"""The processes `make bench` starts and stops itself: the portal under gunicorn and a PgBouncer
of its own, both on 127.0.0.1, each stopped by its own process id (nothing else is touched)."""

# ruff: noqa: S603, S607 - the commands run are this interpreter's gunicorn and Debian's
# pgbouncer, with arguments built here; nothing comes from outside.
from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from bench import load

ROOT = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
PGBOUNCER = "/usr/sbin/pgbouncer"
# The servers' own output (a traceback for every server error), kept out of the run's output.
LOG = ROOT / "var" / "bench" / "servers.log"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


class Gunicorn:
    """The portal (bench/wsgi.py) under gunicorn's sync workers on the loopback interface."""

    def __init__(self, env: dict[str, str], port: int, workers: int) -> None:
        self.env, self.port, self.workers = env, port, workers
        self.process: subprocess.Popen | None = None
        self.started_at = 0.0

    def start(self) -> None:
        self.started_at = time.monotonic()
        LOG.parent.mkdir(parents=True, exist_ok=True)
        with LOG.open("a") as log:
            self.process = subprocess.Popen(
                [
                    str(Path(sys.executable).parent / "gunicorn"),
                    "bench.wsgi:application",
                    "--bind",
                    f"{HOST}:{self.port}",
                    "--workers",
                    str(self.workers),
                    "--timeout",
                    "120",
                    "--log-level",
                    "warning",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )

    def wait_ready(self, path: str = "/healthz", timeout: float = 90) -> float:
        """Seconds from start until `path` answered without a server error (a load balancer's
        readiness check)."""
        deadline = time.monotonic() + timeout
        probe = load.Call("readiness", "GET", path, {"Host": HOST})
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise SystemExit("bench: gunicorn exited during start-up")
            status, _ = load.fetch(HOST, self.port, probe, timeout=10)
            if 0 < status < 500:
                return time.monotonic() - self.started_at
            time.sleep(0.05)
        raise SystemExit(f"bench: gunicorn did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Gunicorn:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class PgBouncer:
    """PgBouncer in transaction mode in front of the database server of `database_url`, on a
    free port, its configuration in a temporary directory. It refuses to run as root, so as
    root it runs as the postgres user (`runuser`); `auth_type = trust` still wants the user in
    an `auth_file`; a `*` entry lets every database through."""

    def __init__(self, database_url: str) -> None:
        self.upstream = urlsplit(database_url)
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self.directory: Path | None = None

    @staticmethod
    def missing() -> str | None:
        """Why PgBouncer cannot run here, or None."""
        if not Path(PGBOUNCER).exists():
            return f"{PGBOUNCER} is not installed (Debian package pgbouncer)"
        if os.geteuid() == 0 and shutil.which("runuser") is None:
            return "running as root and runuser is missing (PgBouncer refuses root)"
        return None

    def url(self, database_url: str) -> str:
        """`database_url` through this PgBouncer. Server-side cursors do not survive
        transaction pooling (django-environ's URL option sets DISABLE_SERVER_SIDE_CURSORS)."""
        parts = urlsplit(database_url)
        netloc = f"{parts.username}@{HOST}:{self.port}" if parts.username else f"{HOST}:{self.port}"
        query = "&".join(q for q in (parts.query, "disable_server_side_cursors=True") if q)
        return urlunsplit((parts.scheme, netloc, parts.path, query, ""))

    def start(self) -> None:
        user = self.upstream.username or "postgres"
        self.directory = Path(tempfile.mkdtemp(prefix="bench-pgbouncer-"))
        (self.directory / "userlist.txt").write_text(f'"{user}" ""\n')
        (self.directory / "pgbouncer.ini").write_text(
            "\n".join(
                [
                    "[databases]",
                    f"* = host={self.upstream.hostname or HOST} port={self.upstream.port or 5432}",
                    "[pgbouncer]",
                    f"listen_addr = {HOST}",
                    f"listen_port = {self.port}",
                    "unix_socket_dir =",
                    "auth_type = trust",
                    f"auth_file = {self.directory / 'userlist.txt'}",
                    "pool_mode = transaction",
                    "max_client_conn = 200",
                    "default_pool_size = 20",
                    "ignore_startup_parameters = extra_float_digits",
                    f"logfile = {self.directory / 'pgbouncer.log'}",
                    f"pidfile = {self.directory / 'pgbouncer.pid'}",
                    "",
                ]
            )
        )
        command = [PGBOUNCER, str(self.directory / "pgbouncer.ini")]
        if os.geteuid() == 0:
            # Its log and pid files are written by the postgres user.
            for path in [self.directory, *self.directory.iterdir()]:
                shutil.chown(path, user="postgres")
            command = ["runuser", "-u", "postgres", "--", *command]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited at start-up: {self.log()}")
            try:
                socket.create_connection((HOST, self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("pgbouncer did not listen within 10 s")

    def log(self) -> str:
        path = self.directory / "pgbouncer.log" if self.directory else None
        return path.read_text()[-2000:] if path and path.exists() else ""

    def stop(self) -> None:
        """SIGINT (its safe shutdown) to pgbouncer itself, by the id in its pid file (runuser
        does not pass signals on), then to what this run started."""
        pidfile = self.directory / "pgbouncer.pid" if self.directory else None
        if pidfile is not None and pidfile.exists():
            with contextlib.suppress(ValueError, ProcessLookupError):
                os.kill(int(pidfile.read_text().strip()), signal.SIGINT)
        if self.process is not None:
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.directory is not None:
            shutil.rmtree(self.directory, ignore_errors=True)
