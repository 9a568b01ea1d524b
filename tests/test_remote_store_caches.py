"""The caches that answer repeated requests from memory, whatever the engine: store answers and responses.

Both live as long as one release: a store is opened per release, and the response cache is keyed by the
release version and emptied when it changes, so nothing stale is ever sent.
"""
from __future__ import annotations

import pytest

from publisher.formats import by_name
from publisher.store import QueryTimeout
from publisher.store.base import QueryAnswer
from publisher.store.cache import CachedStore, LRUCache
from publisher.web.response_cache import ResponseCache

JSON = by_name("json")


# --- store answers -----------------------------------------------------------------------------------

class Counting:
    max_query_length, version = 100, "v1"

    def __init__(self, body=b"x"):
        self.calls, self.body = 0, body

    def query(self, sparql, **kwargs):
        self.calls += 1
        if sparql == "fail":
            raise QueryTimeout(1)
        return QueryAnswer(self.body, "application/json", "select")

    def exists(self, iri):
        self.calls += 1
        return iri.endswith("yes")


def test_a_repeated_query_is_answered_once():
    inner = Counting()
    store = CachedStore(inner, max_bytes=1 << 20)
    for _ in range(3):
        store.query("ASK {}", result_format=JSON, timeout=1, max_rows=10)
    store.query("ASK {}", result_format=JSON, timeout=1, max_rows=11)
    assert inner.calls == 2 and store.version == "v1"


def test_errors_and_large_answers_are_not_kept():
    inner = Counting(body=b"x" * 100_000)
    store = CachedStore(inner, max_bytes=1 << 20)
    for query in ("fail", "fail", "big", "big"):
        try:
            store.query(query, result_format=JSON, timeout=1, max_rows=10)
        except QueryTimeout:
            pass
    assert inner.calls == 4


def test_exists_is_asked_once_per_iri():
    inner = Counting()
    store = CachedStore(inner)
    assert [store.exists(i) for i in ("a-yes", "a-yes", "b-no", "b-no")] == [True, True, False, False]
    assert inner.calls == 2


def test_the_lru_forgets_the_least_recently_used():
    cache = LRUCache(3000)
    for key in "abc":
        cache[key] = b"x" * 700
    assert "a" in cache and cache["a"]
    cache["d"] = b"x" * 700
    assert "b" not in cache and {"a", "c", "d"} <= set(cache) and cache.bytes <= 3000
    cache.clear()
    assert len(cache) == 0 and cache.bytes == 0


# --- responses ---------------------------------------------------------------------------------------

class Release:
    def __init__(self, version):
        self.version = version


class Holder:
    def __init__(self):
        self.version = "v1"

    def current(self):
        return Release(self.version)


def wsgi(headers=None, status="200 OK"):
    calls = []

    def app(environ, start_response):
        calls.append(environ["PATH_INFO"])
        body = f"{environ['PATH_INFO']} {environ.get('HTTP_ACCEPT', '')}".encode()
        start_response(status, (headers or [("ETag", '"v1"'), ("Cache-Control", "public, max-age=300")])
                       + [("Content-Length", str(len(body)))])
        return [body]
    return app, calls


def get(app, path="/doc/x", **environ):
    seen = {}
    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", **environ},
                        lambda status, headers, exc_info=None: seen.update(status=status, headers=headers)))
    return seen["status"], body


def test_a_repeated_get_is_answered_without_the_application():
    inner, calls = wsgi()
    app = ResponseCache(inner, Holder())
    assert get(app) == get(app) == ("200 OK", b"/doc/x ")
    assert calls == ["/doc/x"]


def test_the_answer_depends_on_the_accept_header():
    inner, calls = wsgi()
    app = ResponseCache(inner, Holder())
    assert get(app, HTTP_ACCEPT="text/turtle")[1] != get(app, HTTP_ACCEPT="text/html")[1]
    assert len(calls) == 2


def test_a_new_release_empties_the_cache():
    inner, calls = wsgi()
    holder = Holder()
    app = ResponseCache(inner, holder)
    get(app)
    holder.version = "v2"
    get(app)
    assert len(calls) == 2 and len(app.cache) == 1


@pytest.mark.parametrize("environ", [{"REQUEST_METHOD": "POST"}, {"HTTP_IF_NONE_MATCH": '"v1"'},
                                     {"HTTP_COOKIE": "a=b"}, {"CONTENT_LENGTH": "4"}],
                         ids=["post", "conditional", "cookie", "body"])
def test_requests_the_cache_leaves_to_the_application(environ):
    inner, calls = wsgi()
    app = ResponseCache(inner, Holder())
    for _ in range(2):
        seen = {}
        b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": "/x", "QUERY_STRING": "", **environ},
                     lambda status, headers, exc_info=None: seen.update(status=status)))
    assert len(calls) == 2


@pytest.mark.parametrize("headers,status", [
    ([("Cache-Control", "no-store")], "200 OK"),
    ([("Cache-Control", "public")], "200 OK"),
    ([("ETag", '"v1"'), ("Cache-Control", "public")], "404 NOT FOUND"),
    ([("ETag", '"v1"'), ("Cache-Control", "public"), ("Set-Cookie", "a=b")], "200 OK"),
], ids=["no-store", "no-etag", "not-found", "cookie"])
def test_answers_that_are_not_kept(headers, status):
    inner, calls = wsgi(headers, status)
    app = ResponseCache(inner, Holder())
    get(app), get(app)
    assert len(calls) == 2


def test_the_app_sends_the_same_document_from_the_cache(client):
    first = client.get("/doc/group/birdconnect.ttl")
    again = client.get("/doc/group/birdconnect.ttl")
    assert first.status_code == again.status_code == 200
    assert first.data == again.data and first.headers["ETag"] == again.headers["ETag"]
    assert client.get("/doc/group/birdconnect.ttl", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
