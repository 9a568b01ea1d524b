"""The SPARQL endpoint's live tests, run again with the remote engine on a real Virtuoso.

`live_server` is overridden here: the same `kyodo serve` (gunicorn), configured with KYODO_STORE=remote
and KYODO_REMOTE_ENDPOINT pointing at the session's Virtuoso, which holds the test build. Every test of
tests/test_sparql_live.py, and the live linked-data tests, then run unchanged against it.
"""
from __future__ import annotations

import pytest

from tests.test_linked_data import (http, test_live_303_then_document,  # noqa: F401
                                    test_live_bodies_never_name_the_configured_base,
                                    test_live_conditional_get_gives_304, test_live_cors_preflight,
                                    test_live_gzip, test_live_head)
from tests.live import running_server
from tests.test_remote_store_support import virtuoso  # noqa: F401
from tests.test_sparql_live import *  # noqa: F401,F403 - the same tests, against this module's server

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def live_server(settings, release, virtuoso):  # noqa: F811 - overrides conftest's embedded one
    with running_server(settings.output_dir, settings.base_iri, settings.output_dir.parent,
                        KYODO_STORE="remote", KYODO_REMOTE_ENDPOINT=virtuoso.endpoint) as server:
        yield server.root
