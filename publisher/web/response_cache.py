"""Repeated GETs answered from memory, before Flask: the rendered response, per release.

Every page, document and SPARQL GET answer is already the same for everyone until the release changes
(http.finish gives it the release's ETag and ``Cache-Control: public``). This WSGI middleware keeps such
responses, keyed by the release version, the path and query, and every request header the answer
depends on (Accept, Accept-Language, Accept-Encoding, Host, Origin), and sends them again without
running the application: a cached document costs about what a static response costs.

Kept: GET answers with status 200, an ETag, ``Cache-Control: public``, no cookie, and a known length
below a sixteenth of the cache. Not looked up: anything but a plain GET (conditional requests, which
Flask answers with 304, and requests with a body go to the application). A new release starts an
empty cache, so nothing stale is ever sent.
"""
from __future__ import annotations

from publisher.store.cache import LRUCache

VARY = ("HTTP_ACCEPT", "HTTP_ACCEPT_LANGUAGE", "HTTP_ACCEPT_ENCODING", "HTTP_HOST", "HTTP_ORIGIN")
BYPASS = ("HTTP_IF_NONE_MATCH", "HTTP_IF_MODIFIED_SINCE", "HTTP_IF_MATCH", "HTTP_IF_UNMODIFIED_SINCE",
          "HTTP_RANGE", "HTTP_COOKIE", "HTTP_AUTHORIZATION", "HTTP_TRANSFER_ENCODING")


class Cached:
    __slots__ = ("status", "headers", "body")

    def __init__(self, status: str, headers: list, body: bytes):
        self.status, self.headers, self.body = status, headers, body


class ResponseCache:
    """Wraps a WSGI app; `releases` is the app's ReleaseHolder (its current version keys the cache)."""

    def __init__(self, app, releases, *, max_bytes: int = 32 << 20):
        self.app, self.releases = app, releases
        self.cache = LRUCache(max_bytes, size=lambda entry: len(entry.body) + 500)
        self.largest = max_bytes // 16
        self._version: str | None = None

    def __call__(self, environ, start_response):
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        found = self.cache.get(key)
        if found is not None:
            start_response(found.status, list(found.headers))
            return [found.body]
        return self.fill(key, environ, start_response)

    def key(self, environ) -> tuple | None:
        if environ.get("REQUEST_METHOD") != "GET" or any(name in environ for name in BYPASS) \
                or environ.get("CONTENT_LENGTH") not in (None, "", "0"):
            return None
        try:
            version = self.releases.current().version
        except Exception:  # noqa: BLE001 - no release yet: the application answers (and says why)
            return None
        if version != self._version:
            self.cache.clear()
            self._version = version
        return (version, environ.get("PATH_INFO", ""), environ.get("QUERY_STRING", ""),
                *(environ.get(name, "") for name in VARY))

    def fill(self, key: tuple, environ, start_response):
        seen: dict = {}

        def capture(status, headers, exc_info=None):
            seen["status"], seen["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        body = self.app(environ, capture)
        if not self.keepable(seen.get("status", ""), seen.get("headers", [])):
            return body
        try:
            data = b"".join(body)
        finally:
            if hasattr(body, "close"):
                body.close()
        self.cache[key] = Cached(seen["status"], list(seen["headers"]), data)
        return [data]

    def keepable(self, status: str, headers: list) -> bool:
        if not status.startswith("200"):
            return False
        named = {name.lower(): value for name, value in headers}
        length = named.get("content-length", "")
        return ("etag" in named and "public" in named.get("cache-control", "") and "set-cookie" not in named
                and length.isdigit() and int(length) <= self.largest)
