"""The store layer: what the web server talks to, whatever the engine.

    store = open_store(engine="embedded", store_dir=Path("dist/store"), workers=2)
    info = store.analyze(sparql)                      # kind, or QueryRefused
    fmt = negotiate(request.accept_mimetypes, info.kind, request.args.get("format"))
    answer = store.query(sparql, result_format=fmt, timeout=10, max_rows=10_000)

Kept light on purpose: the query worker processes import this package, so the engine modules
(and rdflib) are imported only by `open_store` and `create_store`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from publisher.store.base import (Description, QueryAnswer, QueryFailed, QueryInfo, QueryRefused,
                                  QuerySyntaxError, QueryTimeout, QueryTooLarge, Store, StoreError,
                                  StoreUnavailable)

ENGINES = ("embedded", "remote")

__all__ = [
    "Description", "QueryAnswer", "QueryFailed", "QueryInfo", "QueryRefused", "QuerySyntaxError",
    "QueryTimeout", "QueryTooLarge", "Store", "StoreError", "StoreUnavailable", "create_store",
    "open_store", "ENGINES",
]


def open_store(engine: str = "embedded", **options: Any) -> Store:
    """The store for `engine`: "embedded" (Oxigraph in worker processes) or "remote" (a SPARQL 1.1 endpoint).

    embedded: ``store_dir`` (required), ``workers`` (2), ``max_query_length`` (100000),
    ``truncation_link``, ``start_timeout`` (60 s), ``python`` (the workers' interpreter), ``inline``
    (True: answer queries publisher.store.bounded proves small in this process).
    remote: ``endpoint`` (required), ``store_dir`` (the release's store folder: the version the endpoint
    must hold), ``version``, ``graphs``, ``max_query_length``, ``truncation_link``, ``admin_timeout``;
    ``workers`` is accepted and ignored (the endpoint runs the queries).
    Either: ``answer_cache_bytes`` (0: none) keeps answers in memory (publisher.store.cache).
    """
    cache_bytes = options.pop("answer_cache_bytes", 0)
    store = _open_engine(engine, options)
    if cache_bytes:
        from publisher.store.cache import CachedStore

        return CachedStore(store, max_bytes=cache_bytes)
    return store


def _open_engine(engine: str, options: dict[str, Any]) -> Store:
    if engine == "embedded":
        from publisher.store.embedded import EmbeddedStore

        store_dir = options.pop("store_dir")
        options.pop("endpoint", None)
        return EmbeddedStore(Path(store_dir), **options)
    if engine == "remote":
        from publisher.store.remote import RemoteStore

        options.pop("workers", None)
        options.pop("start_timeout", None)
        return RemoteStore(options.pop("endpoint", ""), **options)
    raise ValueError(f"unknown store engine {engine!r}; known: {', '.join(ENGINES)}")


def create_store(store_dir: Path, nquads_path: Path, *, version: str | None = None) -> Path:
    """Build an embedded store from N-Quads (see publisher.store.embedded.create_store)."""
    from publisher.store.embedded import create_store as create

    return create(store_dir, nquads_path, version=version)
