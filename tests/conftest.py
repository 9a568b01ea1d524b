"""Shared fixtures: settings, the real data built once per session, and a built release."""
from __future__ import annotations

import socket
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

from publisher.settings import ROOT, load_settings

BASE = "https://data.example.jp/kyodo/"


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    return load_settings(None, {"output_dir": tmp_path_factory.mktemp("dist"), "base_iri": BASE}, environ={})


@pytest.fixture(scope="session")
def ontology():
    from publisher.validation import load_turtle_folder
    return load_turtle_folder(ROOT / "ontology")


@pytest.fixture(scope="session")
def shapes():
    from publisher.validation import load_turtle_folder
    return load_turtle_folder(ROOT / "shapes")


@pytest.fixture(scope="session")
def source_data():
    """The real data/ as built by the builder (no ontology or shapes graphs)."""
    from publisher.builder import build_dataset
    return build_dataset(ROOT / "data", BASE)


@pytest.fixture(scope="session")
def data_graph(source_data):
    from publisher.validation import data_union
    return data_union(source_data.dataset)


@pytest.fixture(scope="session")
def release(settings):
    """A real build of the real data into a temporary output folder."""
    from publisher.build import run_build
    return run_build(settings)


def copy_data(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that edit it."""
    import shutil
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture(scope="session")
def app(settings, release):
    from publisher.web import create_app
    application = create_app(settings)
    application.config["TESTING"] = True
    yield application
    application.config["KYODO_RELEASES"].close()


@pytest.fixture()
def client(app):
    return app.test_client()


def free_port() -> int:
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


LIVE_QUERY_TIMEOUT = 3.0


@pytest.fixture(scope="session")
def live_server(settings, release):
    """The real server (gunicorn, `kyodo serve`) on a free port, serving the test build; yields its root URL."""
    import os
    import subprocess
    import sys
    import time

    import requests

    port = free_port()
    env = dict(os.environ, KYODO_QUERY_TIMEOUT=str(LIVE_QUERY_TIMEOUT), KYODO_WORKERS="2",
               KYODO_BASE_IRI=settings.base_iri, KYODO_MAX_ROWS="1000")
    # The server's log goes to a file: an unread pipe fills up and blocks the server's threads.
    log_path = settings.output_dir.parent / f"server-{port}.log"
    log = open(log_path, "wb")
    proc = subprocess.Popen([sys.executable, "-m", "publisher.cli", "serve", "--output-dir", str(settings.output_dir),
                             "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT)
    root = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if requests.get(root + "health", timeout=2).status_code == 200:
                break
        except requests.ConnectionError:
            time.sleep(0.2)
        if proc.poll() is not None:
            raise RuntimeError(log_path.read_text(errors="replace"))
    else:
        proc.kill()
        raise RuntimeError("the server did not start within 60 s")
    yield root
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


@contextmanager
def connection_listener():
    """A TCP listener on 127.0.0.1 that records every connection made to it; yields (url, seen)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    seen: list = []
    done = threading.Event()

    def accept():
        while not done.is_set():
            try:
                connection, address = server.accept()
            except OSError:
                continue
            seen.append(address)
            connection.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}/", seen
    finally:
        done.set()
        thread.join()
        server.close()
