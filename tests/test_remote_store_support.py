"""Shared by the remote-engine tests (no tests here): one Virtuoso per session, loaded with the test build.

The modules that need it import the `virtuoso` fixture; the server is started once, on first use, on
127.0.0.1 with free ports and a temporary database folder, and stopped when the session ends. When
virtuoso-t is not installed, those tests are skipped with the reason.
"""
from __future__ import annotations

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
