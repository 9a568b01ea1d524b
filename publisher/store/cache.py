"""Answers kept in memory: a bounded LRU, and a Store wrapper that answers repeated queries from it.

A store is opened per release (publisher.web.release), so a cache that lives in the store object is
keyed by the dataset version without saying so, and dies with its release: an answer is never stale.

    store = CachedStore(open_store("embedded", store_dir=...), max_bytes=64 << 20)

Only successful answers are kept (errors and timeouts are asked again), and only answers smaller
than a sixteenth of the cache, so that one large answer cannot empty it. `exists` answers (one per
resource page) are kept too; everything else goes to the wrapped store.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import MutableMapping
from typing import Any, Callable

from publisher.store.base import QueryAnswer, Store

ENTRY_OVERHEAD = 200  # bytes counted for a key and its bookkeeping


def default_size(value: Any) -> int:
    body = getattr(value, "body", value)
    return (len(body) if isinstance(body, (bytes, str)) else 64) + ENTRY_OVERHEAD


class LRUCache(MutableMapping):
    """A thread-safe mapping that forgets its least recently used entries beyond `max_bytes`.

    A drop-in for a plain dict used as a memo (``in``, ``[]``, ``get``, ``setdefault``). Values are
    measured with `size` (bytes and str by length, anything else as a small constant).
    """

    def __init__(self, max_bytes: int, *, size: Callable[[Any], int] = default_size):
        self.max_bytes, self.size = max_bytes, size
        self._entries: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def __getitem__(self, key):
        with self._lock:
            try:
                value = self._entries[key]
            except KeyError:
                self.misses += 1
                raise
            self._entries.move_to_end(key)
            self.hits += 1
            return value[0]

    def __setitem__(self, key, value) -> None:
        cost = self.size(value)
        with self._lock:
            if key in self._entries:
                self._bytes -= self._entries.pop(key)[1]
            if cost > self.max_bytes:
                return
            self._entries[key] = (value, cost)
            self._bytes += cost
            while self._bytes > self.max_bytes:
                self._bytes -= self._entries.popitem(last=False)[1][1]

    def __delitem__(self, key) -> None:
        with self._lock:
            self._bytes -= self._entries.pop(key)[1]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._bytes = 0

    def __contains__(self, key) -> bool:
        with self._lock:
            return key in self._entries

    def __iter__(self):
        with self._lock:
            return iter(list(self._entries))

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def bytes(self) -> int:
        return self._bytes


class CachedStore(Store):
    """`store`, with identical queries answered from memory (see the module docstring)."""

    def __init__(self, store: Store, *, max_bytes: int = 64 << 20, max_exists: int = 100_000):
        self.store = store
        self.max_query_length = store.max_query_length
        self.answers = LRUCache(max_bytes)
        self.largest = max_bytes // 16
        self.known = LRUCache(max_exists * ENTRY_OVERHEAD, size=lambda _: ENTRY_OVERHEAD)

    @property
    def version(self) -> str:
        return self.store.version

    def analyze(self, sparql: str):
        return self.store.analyze(sparql)

    def query(self, sparql: str, *, result_format, default_graph_uris=(), named_graph_uris=(),
              timeout: float, max_rows: int) -> QueryAnswer:
        key = (sparql, result_format.name, tuple(default_graph_uris), tuple(named_graph_uris), max_rows)
        found = self.answers.get(key)
        if found is not None:
            return found
        answer = self.store.query(sparql, result_format=result_format, default_graph_uris=default_graph_uris,
                                  named_graph_uris=named_graph_uris, timeout=timeout, max_rows=max_rows)
        if len(answer.body) <= self.largest:
            self.answers[key] = answer
        return answer

    def exists(self, iri: str) -> bool:
        found = self.known.get(iri)
        if found is None:
            found = self.known[iri] = self.store.exists(iri)
        return found

    def describe(self, iri: str, **limits):
        return self.store.describe(iri, **limits)

    def incoming(self, iri: str, **limits):
        return self.store.incoming(iri, **limits)

    def counts(self) -> dict[str, Any]:
        return self.store.counts()

    def named_graphs(self) -> list[str]:
        return self.store.named_graphs()

    def dump(self, fmt, *, graph: str | None = None, output=None):
        return self.store.dump(fmt, graph=graph, output=output)

    def close(self) -> None:
        self.store.close()

    def __getattr__(self, name: str):
        """Anything else (the embedded store's `pool`, `warm`, ...) is the wrapped store's."""
        return getattr(self.__dict__["store"], name)
