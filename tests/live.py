"""A live `kyodo serve` (gunicorn) on a free port, for the tests that need real HTTP: started, waited for, stopped.

Its log goes to a file: an unread pipe fills up and blocks the server's threads.
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import requests

# Short limits, so that tests of the limits are quick; a test may override any of them.
LIVE_ENV = {"KYODO_QUERY_TIMEOUT": "3", "KYODO_WORKERS": "2", "KYODO_MAX_ROWS": "1000"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveServer:
    """`kyodo serve` on a free port; `proc` is the gunicorn master."""

    root: str
    port: int
    proc: subprocess.Popen
    log_path: Path

    def get(self, path: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return requests.get(self.root + path.lstrip("/"), **kwargs)

    def sparql(self, query: str, **kwargs) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return requests.post(self.root + "sparql", data={"query": query, "format": "json"}, **kwargs)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def running_server(output_dir: Path, base_iri: str, log_dir: Path, *, server_class=LiveServer, **env: str):
    """Start `kyodo serve` on `output_dir` (env: KYODO_* overrides), wait for /health, stop it at the end."""
    port = free_port()
    environ = {**os.environ, **LIVE_ENV, "KYODO_BASE_IRI": base_iri, **env}
    log_path = Path(log_dir) / f"server-{port}.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--output-dir", str(output_dir),
                                 "--port", str(port)], env=environ, stdout=log, stderr=subprocess.STDOUT)
        server = server_class(f"http://127.0.0.1:{port}/", port, proc, log_path)
        try:
            wait_until_healthy(server)
            yield server
        finally:
            stop(proc)


def wait_until_healthy(server: LiveServer, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.proc.poll() is not None:
            raise RuntimeError(f"the server exited:\n{server.log()}")
        try:
            if server.get("health", timeout=2).status_code == 200:
                return
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"the server did not start within {seconds} s:\n{server.log()}")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
