"""Fixtures of the adversarial suite.

The suite drives a real server (gunicorn) on 127.0.0.1 and the CLI. Its longer pieces are marked slow (CI runs
them too); KYODO_SOAK=1 makes the load and reload tests run for minutes instead of seconds.
"""
from __future__ import annotations

import shutil

import pytest

from .support import running_server


@pytest.fixture(scope="session")
def port(live_server) -> int:
    return int(live_server.rstrip("/").rsplit(":", 1)[1])


@pytest.fixture(scope="session")
def endpoint(live_server) -> str:
    return live_server + "sparql"


@pytest.fixture(scope="session")
def own_server(settings, release, tmp_path_factory):
    """A server of our own on a copy of the test build, for tests that kill its processes or load it."""
    folder = tmp_path_factory.mktemp("own-dist")
    shutil.copytree(settings.output_dir, folder, dirs_exist_ok=True)
    with running_server(folder, settings.base_iri, folder.parent) as server:
        yield server
