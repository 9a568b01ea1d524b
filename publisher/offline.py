"""No network while reading other people's files.

rdflib fetches what a document points to: a JSON-LD ``@context`` given as a URL (or ``@import``), for
one. `kyodo validate` reads local files only, so such a fetch is refused, and the user is told to put
the context in the file. rdflib's documented way to stop its fetching is an audit hook on the
``urllib.Request`` event (rdflib docs, "Security Considerations"); the hook here is scoped to the
calls made inside `no_network()`, so the rest of the process (a SPARQL client, say) is unaffected.
"""
from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from typing import Iterator

_state = threading.local()
_lock = threading.Lock()
_installed = False


class NetworkRefused(Exception):
    """A URL was to be fetched inside `no_network()`."""

    def __init__(self, url: str):
        super().__init__(f"not fetched: {url}")
        self.url = url


def _audit(event: str, args: tuple) -> None:
    if event == "urllib.Request" and getattr(_state, "depth", 0):
        url = args[0]
        raise NetworkRefused(getattr(url, "full_url", str(url)))


@contextmanager
def no_network() -> Iterator[None]:
    """Refuse every urllib request made by this thread until the block ends."""
    global _installed
    with _lock:
        if not _installed:
            sys.addaudithook(_audit)  # cannot be removed: it only acts inside no_network()
            _installed = True
    _state.depth = getattr(_state, "depth", 0) + 1
    try:
        yield
    finally:
        _state.depth -= 1
