"""A real clamd for the upload tests, with a database of one signature: the EICAR test string.

Signatures cannot be downloaded here (no freshclam), and none are needed: EICAR's test file is
the industry's agreed harmless stand-in for malware. The signature is a ClamAV body signature
(`.ndb`: name, any file type, any offset, the string in hex), so it matches the string wherever
it sits, inside a PDF or a JPEG comment as well as on its own.
"""

from __future__ import annotations

import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

CLAMD = "/usr/sbin/clamd"
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
SIGNATURE = "Eicar-Test-Signature"
STARTUP_SECONDS = 60


@dataclass
class Clamd:
    socket: str  # unix socket path, as CLAMD_SOCKET takes it
    tcp: str  # 127.0.0.1:port, the other form CLAMD_SOCKET takes
    process: subprocess.Popen
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=15)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(path: str) -> bool:
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(2)
            sock.connect(path)
            sock.sendall(b"zPING\0")
            return sock.recv(16).startswith(b"PONG")
    except OSError:
        return False


def start_clamd(directory: Path) -> Clamd:
    """Write the one-signature database and a clamd.conf into `directory`, start clamd in
    the foreground, and wait until it answers PING (loading its database takes a moment).
    Raises RuntimeError with clamd's log when it does not come up."""
    database = directory / "db"
    database.mkdir(parents=True, exist_ok=True)
    (database / "eicar.ndb").write_text(f"{SIGNATURE}:0:*:{EICAR.hex()}\n")
    sock = directory / "clamd.sock"
    port = _free_port()
    log = directory / "clamd.log"
    conf = directory / "clamd.conf"
    conf.write_text(
        f"LocalSocket {sock}\n"
        f"TCPSocket {port}\n"
        "TCPAddr 127.0.0.1\n"
        f"DatabaseDirectory {database}\n"
        "Foreground yes\n"
        f"LogFile {log}\n"
        "LogTime yes\n"
    )
    with (directory / "clamd.out").open("wb") as output:
        process = subprocess.Popen(  # noqa: S603 - a fixed binary and our own configuration
            [CLAMD, "--config-file", str(conf)], stdout=output, stderr=subprocess.STDOUT
        )
    handle = Clamd(socket=str(sock), tcp=f"127.0.0.1:{port}", process=process, log=log)
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        if _answers(str(sock)):
            return handle
        time.sleep(0.1)
    handle.stop()
    text = log.read_text() if log.exists() else ""
    text += (directory / "clamd.out").read_text(errors="replace")
    raise RuntimeError(f"clamd did not start within {STARTUP_SECONDS} s:\n{text[-3000:]}")
