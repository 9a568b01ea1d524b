"""Helpers for the adversarial suite: a real server we can kill parts of, raw HTTP, process memory, a listener."""
from __future__ import annotations

import os
import socket
import time
from dataclasses import dataclass, field
from pathlib import Path

from tests import live
from tests.live import LiveServer

SOAK = os.environ.get("KYODO_SOAK", "").lower() in ("1", "true", "yes")


# --- a live server we own -------------------------------------------------------------------------

@dataclass
class Server(LiveServer):
    """A live server whose processes we can see: the gunicorn master, its web workers and their query workers."""

    def web_workers(self) -> list[int]:
        return children(self.proc.pid)

    def query_workers(self) -> list[int]:
        return [pid for worker in self.web_workers() for pid in children(worker)]

    def all_pids(self) -> list[int]:
        return [self.proc.pid, *self.web_workers(), *self.query_workers()]

    def rss_mib(self) -> float:
        """Resident memory of the master, the web workers and their query workers, summed."""
        return sum(rss_kib(pid) for pid in self.all_pids()) / 1024


def running_server(output_dir: Path, base_iri: str, log_dir: Path, **env: str):
    """`tests.live.running_server`, yielding a Server."""
    return live.running_server(output_dir, base_iri, log_dir, server_class=Server, **env)


# --- processes ------------------------------------------------------------------------------------

def children(pid: int) -> list[int]:
    """The direct children of a process, from /proc."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return sorted(found)


def rss_kib(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def wait_for(condition, seconds: float = 30.0, step: float = 0.1):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(step)
    return condition()


# --- raw HTTP -------------------------------------------------------------------------------------

@dataclass
class RawResponse:
    status: int
    reason: str
    headers: dict = field(default_factory=dict)  # lower-case names; repeated headers joined with ", "
    body: bytes = b""
    raw_head: bytes = b""

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


def raw_request(port: int, head: bytes, body: bytes = b"", *, chunks=(), timeout: float = 30) -> RawResponse:
    """Send bytes exactly as given (no client normalisation) and read the answer until the server closes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(head + body)
            for chunk in chunks:
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered (413, 415) before reading everything: read that answer
        return parse_response(read_all(sock))


def read_all(sock: socket.socket) -> bytes:
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def parse_response(data: bytes) -> RawResponse:
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    if not lines or not lines[0].startswith(b"HTTP/"):
        raise AssertionError(f"not an HTTP response: {data[:200]!r}")
    _, status, *reason = lines[0].decode("latin-1").split(" ", 2)
    headers: dict = {}
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        key = name.strip().lower()
        headers[key] = f"{headers[key]}, {value.strip()}" if key in headers else value.strip()
    if "chunked" in headers.get("transfer-encoding", ""):
        body = dechunk(body)
    return RawResponse(int(status), reason[0] if reason else "", headers, body, head)


def dechunk(data: bytes) -> bytes:
    out = b""
    while data:
        size_line, _, rest = data.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            break
        out += rest[:size]
        data = rest[size + 2:]
    return out


def get_request(path: str, *headers: str, method: str = "GET", host: str = "127.0.0.1") -> bytes:
    """A request head with Connection: close; `path` goes on the request line exactly as given."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", *headers, "Connection: close", "", ""]
    return "\r\n".join(lines).encode("latin-1")


# --- figures --------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]
