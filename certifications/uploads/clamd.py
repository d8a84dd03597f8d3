"""A client for clamd's INSTREAM command (clamd(8), "INSTREAM"): the file's bytes are sent over
the socket, so clamd needs no access to the portal's files.

Protocol: the command `zINSTREAM\\0`, then the data in chunks, each preceded by its length as a
4-byte big-endian integer, then a zero-length chunk; clamd answers one line ending in `\\0`:
`stream: OK`, `stream: <signature> FOUND` or `<reason> ERROR`.
"""

from __future__ import annotations

import socket
import struct
from dataclasses import dataclass

CHUNK = 64 * 1024
MAX_REPLY = 4096


class ClamdError(Exception):
    """clamd could not be reached or gave no verdict; the upload must be refused."""


@dataclass(frozen=True)
class Verdict:
    infected: bool
    signature: str = ""


def _connect(address: str, timeout: float) -> socket.socket:
    """`address` is a unix socket path (`/run/clamav/clamd.ctl`) or `host:port`, optionally
    written `tcp://host:port` (`[::1]:3310` for IPv6)."""
    if address.startswith("/"):
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(address)
        except OSError:
            sock.close()
            raise
        return sock
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if not host or not port.isdigit():
        raise ClamdError("CLAMD_SOCKET is neither a socket path nor host:port")
    return socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)


def clamd_scan(data: bytes, *, address: str, timeout: float) -> Verdict:
    """Scan `data` with the clamd at `address`; raise ClamdError when there is no verdict
    (unreachable, timed out, clamd's StreamMaxLength exceeded, an unexpected answer)."""
    try:
        with _connect(address, timeout) as sock:
            try:
                sock.sendall(b"zINSTREAM\0")
                for start in range(0, len(data), CHUNK):
                    chunk = data[start : start + CHUNK]
                    sock.sendall(struct.pack(">I", len(chunk)) + chunk)
                sock.sendall(struct.pack(">I", 0))
            except BrokenPipeError:
                # clamd closes the stream early when it refuses it (size limit); its reason
                # is still waiting to be read.
                pass
            reply = b""
            while not reply.endswith(b"\0") and len(reply) < MAX_REPLY:
                received = sock.recv(MAX_REPLY)
                if not received:
                    break
                reply += received
    except OSError as exc:
        raise ClamdError(f"clamd unreachable ({exc.__class__.__name__})") from exc
    answer = reply.rstrip(b"\0").decode("utf-8", "replace").strip()
    if answer == "stream: OK":
        return Verdict(infected=False)
    if answer.startswith("stream: ") and answer.endswith(" FOUND"):
        return Verdict(infected=True, signature=answer[len("stream: ") : -len(" FOUND")])
    raise ClamdError(f"clamd gave no verdict ({answer[:100] or 'no answer'})")
