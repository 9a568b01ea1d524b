"""The servers the benchmark compares, each started in its own session so that its processes can be
found (for their memory) and stopped together, and a sampler of their memory (PSS, from smaps_rollup).

- kyodo-embedded: `kyodo serve` (gunicorn, 2 workers x 4 threads, 2 query workers each) on the release;
- kyodo-remote:   the same, with store=remote on Virtuoso (Virtuoso's memory is counted separately);
- virtuoso:       Virtuoso's own /sparql (7.2, the same database);
- oxigraph:       `oxigraph serve-read-only --union-default-graph` on the embedded store's database;
- rdflib-endpoint: `rdflib-endpoint serve kyodo.nq` (uvicorn; rdflib in memory);
- static:         the same gunicorn configuration as kyodo serving a trivial WSGI app (bench/static_app.py).
"""
from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# --- memory --------------------------------------------------------------------------------------------

def session_pids(sid: int) -> list[int]:
    """Every process of the session `sid` (the server and all it started)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
                if int(fields[3]) == sid:  # field 6 of stat: the session id
                    found.append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
    return found


def pss_bytes(pids: list[int]) -> int:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as rollup:
                for line in rollup:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
        except OSError:
            continue
    return total


def session_cpu(sids: list[int]) -> float:
    """CPU seconds used so far by every process of the sessions."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for sid in sids:
        for pid in session_pids(sid):
            try:
                with open(f"/proc/{pid}/stat", "rb") as stat:
                    fields = stat.read().rsplit(b")", 1)[1].split()
                total += int(fields[11]) + int(fields[12])  # utime, stime
            except (OSError, IndexError, ValueError):
                continue
    return total / ticks


def wait_idle(sids: list[int], *, timeout: float = 60.0, busy: float = 0.05) -> float:
    """Wait until the sessions use less than `busy` of a CPU (work queued by a load run is done)."""
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        before = session_cpu(sids)
        time.sleep(0.5)
        if session_cpu(sids) - before < busy * 0.5:
            break
    return time.monotonic() - started


class PeakSampler:
    """Samples the PSS of each watched session every `interval` seconds and keeps the peak."""

    def __init__(self, interval: float = 0.25):
        self.interval, self.peaks, self.watched = interval, {}, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def watch(self, name: str, sid: int) -> None:
        self.watched[name] = sid

    def forget(self, name: str) -> None:
        self.sample_once()
        self.watched.pop(name, None)

    def sample_once(self) -> None:
        for name, sid in list(self.watched.items()):
            self.peaks[name] = max(self.peaks.get(name, 0), pss_bytes(session_pids(sid)))

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.sample_once()

    def close(self) -> None:
        self._stop.set()


# --- a server process -------------------------------------------------------------------------------------

@dataclass
class Server:
    """A server process (its own session) and how to ask it a SPARQL query."""

    name: str
    port: int
    query_path: str  # where GET ?query= goes
    extra_params: list = field(default_factory=list)  # sent with every query (e.g. default-graph-uri)
    proc: subprocess.Popen | None = None
    sid: int | None = None
    ready_s: float | None = None
    pages: bool = False  # serves kyodo's /doc/ pages

    @property
    def root(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def query_url_path(self, sparql: str) -> str:
        """The GET path; the query goes last, so that a comment appended to the URL ends up in it."""
        return self.query_path + "?" + urlencode([*self.extra_params, ("query", sparql)])

    def start(self, argv: list[str], log: Path, env: dict | None = None, cwd: Path | None = None) -> None:
        self._log = open(log, "ab")
        self.proc = subprocess.Popen(argv, stdout=self._log, stderr=subprocess.STDOUT, cwd=cwd,
                                     env={**os.environ, **(env or {})}, start_new_session=True)
        self.sid = self.proc.pid
        self._started = time.monotonic()

    def adopt(self, pid: int) -> None:
        """A server started elsewhere (Virtuoso by publisher.store.virtuoso): its session is its pid."""
        self.sid, self._started = os.getsid(pid), time.monotonic()

    def wait_ready(self, probe: str, timeout: float = 600.0) -> float:
        """Seconds from start until `probe` (a query) is answered with 200."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited with status {self.proc.returncode}")
            try:
                status, _ = get(self.root, self.query_url_path(probe), timeout=30)
                if status == 200:
                    self.ready_s = time.monotonic() - self._started
                    return self.ready_s
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} did not answer within {timeout:g} s")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
        self._log.close()


def get(root: str, path: str, *, accept: str = "*/*", timeout: float = 60.0) -> tuple[int, bytes]:
    host, port = root.split("//", 1)[1].split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        connection.request("GET", path, headers={"Accept": accept})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- the servers ----------------------------------------------------------------------------------------------

def kyodo_env(dist: Path, extra: dict | None = None) -> dict:
    return {"KYODO_OUTPUT_DIR": str(dist), "KYODO_BASE_IRI": "https://data.example.jp/kyodo/",
            "KYODO_WORKERS": "2", "KYODO_THREADS": "4", "KYODO_QUERY_WORKERS": "2", "KYODO_QUERY_TIMEOUT": "60",
            "KYODO_MAX_ROWS": "10000", "PYTHONPATH": str(ROOT), **(extra or {})}


def start_kyodo(name: str, dist: Path, log: Path, extra_env: dict | None = None) -> Server:
    server = Server(name, free_port(), "/sparql", pages=True)
    server.start([sys.executable, "-m", "publisher.cli", "serve", "--output-dir", str(dist),
                  "--port", str(server.port)], log, kyodo_env(dist, extra_env), cwd=ROOT)
    return server


def start_static(log: Path) -> Server:
    server = Server("static", free_port(), "/static")
    server.start([sys.executable, "-m", "bench.static_app", str(server.port)], log,
                 {"PYTHONPATH": str(ROOT)}, cwd=ROOT)
    return server


def start_oxigraph(database: Path, log: Path) -> Server:
    server = Server("oxigraph", free_port(), "/query")
    server.start([str(BIN / "oxigraph"), "serve-read-only", "--location", str(database),
                  "--bind", f"127.0.0.1:{server.port}", "--union-default-graph"], log)
    return server


def start_rdflib_endpoint(nquads: Path, log: Path) -> Server:
    server = Server("rdflib-endpoint", free_port(), "/")
    server.start([str(BIN / "rdflib-endpoint"), "serve", str(nquads), "--host", "127.0.0.1",
                  "--port", str(server.port)], log)
    return server


def virtuoso_direct(endpoint: str, graphs: list[str], pid: int) -> Server:
    """Virtuoso's own endpoint, asked with the same dataset as the remote engine sends."""
    host_port = endpoint.split("//", 1)[1].split("/", 1)[0]
    server = Server("virtuoso", int(host_port.split(":")[1]), "/sparql",
                    extra_params=[(k, g) for g in graphs for k in ("default-graph-uri", "named-graph-uri")])
    server.adopt(pid)
    return server
