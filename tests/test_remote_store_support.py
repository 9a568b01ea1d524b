"""Shared by the remote-engine tests (no tests here): one Virtuoso per session, loaded with the test build.

The modules that need it import the `virtuoso` fixture; the server is started once, on first use, on
127.0.0.1 with free ports and a temporary database folder, and stopped when the session ends. When
virtuoso-t is not installed, those tests are skipped with the reason.
"""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from publisher.store.virtuoso import VirtuosoServer, virtuoso_binary
from publisher.store.virtuoso_load import load_release

NOT_INSTALLED = ("virtuoso-t is not installed: `python3 dev.py test` installs it as root "
                 "(Debian: apt-get install virtuoso-opensource)")
_SERVER: dict = {}


def shared_virtuoso(config, folder: Path, release_dir: Path) -> VirtuosoServer:
    """The session's Virtuoso, started and loaded on first use, stopped at the end of the session."""
    if "server" not in _SERVER:
        if virtuoso_binary() is None:
            pytest.skip(NOT_INSTALLED)
        server = VirtuosoServer.start(folder, dirs_allowed=[release_dir.parent])
        config.add_cleanup(server.stop)
        load_release(server.isql, release_dir)
        _SERVER["server"] = server
    return _SERVER["server"]


@pytest.fixture(scope="session")
def virtuoso(request, tmp_path_factory, release):
    """A running Virtuoso holding the test build (the `release` fixture's)."""
    return shared_virtuoso(request.config, tmp_path_factory.mktemp("virtuoso"), release.release_dir)


def remote_settings(settings, server: VirtuosoServer):
    return settings.replace(store="remote", remote_endpoint=server.endpoint)


def start_live_server(settings, extra_env: dict[str, str], *, timeout: float = 60.0):
    """`kyodo serve` (gunicorn) on a free port, as conftest's live_server; returns (process, root, log)."""
    import requests

    from tests.conftest import LIVE_QUERY_TIMEOUT, free_port

    port = free_port()
    env = dict(os.environ, KYODO_QUERY_TIMEOUT=str(LIVE_QUERY_TIMEOUT), KYODO_WORKERS="2",
               KYODO_BASE_IRI=settings.base_iri, KYODO_MAX_ROWS="1000", **extra_env)
    log_path = settings.output_dir.parent / f"server-{port}.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--output-dir",
                             str(settings.output_dir), "--port", str(port)],
                            env=env, stdout=log, stderr=subprocess.STDOUT)
    root = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if requests.get(root + "health", timeout=2).status_code == 200:
                return proc, root, log
        except requests.ConnectionError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise RuntimeError(log_path.read_text(errors="replace"))
    proc.kill()
    raise RuntimeError(f"the server did not start within {timeout:g} s")


def stop_live_server(proc, log) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()
