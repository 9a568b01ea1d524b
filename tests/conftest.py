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


LIVE_QUERY_TIMEOUT = 3.0


@pytest.fixture(scope="session")
def live_server(settings, release):
    """The real server (gunicorn, `kyodo serve`) on a free port, serving the test build; yields its root URL."""
    from tests.live import running_server

    with running_server(settings.output_dir, settings.base_iri, settings.output_dir.parent,
                        KYODO_QUERY_TIMEOUT=str(LIVE_QUERY_TIMEOUT)) as server:
        yield server.root


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
