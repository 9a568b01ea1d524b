"""The SPARQL endpoint's and the linked-data pages' test-client tests, run again with the remote engine.

`app` is overridden here with one whose store is the session's Virtuoso (settings store=remote), so
every test of tests/test_sparql.py and tests/test_linked_data.py runs unchanged against it: negotiation,
examples, resource documents (describe, incoming links, exists), named graphs (dump, counts).
"""
from __future__ import annotations

import pytest

from tests.test_linked_data import *  # noqa: F401,F403 - the same tests, against this module's app
from tests.test_remote_store_support import remote_settings, virtuoso  # noqa: F401
from tests.test_sparql import *  # noqa: F401,F403

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def app(settings, release, virtuoso):  # noqa: F811 - overrides conftest's embedded one
    from publisher.web import create_app

    application = create_app(remote_settings(settings, virtuoso))
    application.config["TESTING"] = True
    yield application
    application.config["KYODO_RELEASES"].close()
