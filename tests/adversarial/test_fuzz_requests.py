"""Hypothesis-generated requests on every route through the Flask test client (fast): query strings, parameter
names and values, SPARQL text and headers. Each answer has a status from the allowed set; never a 500."""
from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from publisher.settings import load_settings
from publisher.web import create_app

from .routes import app_routes
from .support import SOAK

ROUTES = app_routes(create_app(load_settings(None, {"output_dir": Path(tempfile.gettempdir())}, environ={})))
SCALE = 20 if SOAK else 1
ALLOWED = {200, 206, 301, 302, 303, 304, 308, 400, 403, 404, 405, 406, 410, 412, 413, 415, 416, 503}
PARAMETERS = ["query", "format", "lang", "page", "per_page", "q", "kind", "year", "version", "iri", "update",
              "default-graph-uri", "named-graph-uri", "category", "status", "sort"]
SPARQL_BITS = ["SELECT", "ASK", "CONSTRUCT", "DESCRIBE", "WHERE", "{", "}", "(", ")", "?s", "?p", "?o", "*",
               "<http://x/>", "'x'", "\"y\"", "FILTER", "REGEX", "SERVICE", "LOAD", "GRAPH", "OPTIONAL", "UNION",
               "LIMIT 1", "OFFSET 99999999999999999999", ".", ";", ",", "PREFIX x: <http://x/>", "x:y", "#", "\n",
               "金", "\x00", "\ud800"]
TEXT = st.text(max_size=40) | st.sampled_from(["", " ", "ja", "en", "json", "ttl", "html", "-1", "0", "1e999",
                                               "99999999999999999999", "%", "../..", "<script>", "javascript:x"])
SPARQLISH = st.lists(st.sampled_from(SPARQL_BITS), max_size=25).map(" ".join)
HEADER_VALUES = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7e), max_size=60) | st.sampled_from([
    "*/*;q=abc", "text/html;q=1e999", ";;;", "ja;q=nan", "W/\"x\"", "bytes=5-1", "bytes=0-0,1-1,2-2",
    "Mon, 99 Foo 2025", "text/turtle; charset=utf-8", "application/ld+json; profile=x"])
HEADERS = st.dictionaries(st.sampled_from(["Accept", "Accept-Language", "If-None-Match", "If-Modified-Since", "Range",
                                           "Origin", "If-Match", "Accept-Encoding", "X-Forwarded-Host", "Cookie"]),
                          HEADER_VALUES, max_size=4)


def params_strategy():
    names = st.sampled_from(PARAMETERS) | st.text(min_size=1, max_size=8)
    values = TEXT | SPARQLISH
    return st.lists(st.tuples(names, values), max_size=5)


def encode(params) -> str:
    safe = [(name, value.encode("utf-8", "surrogatepass").decode("utf-8", "replace")) for name, value in params]
    return urlencode(safe)


@pytest.fixture(scope="module")
def fuzz_client(app):
    return app.test_client()


@pytest.fixture(scope="module")
def version(release) -> str:
    return release.version


def check(answer) -> None:
    assert answer.status_code in ALLOWED, (answer.status_code, answer.get_data(as_text=True)[:500])


@settings(max_examples=1000 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(ROUTES), params=params_strategy(), headers=HEADERS,
       method=st.sampled_from(["GET", "GET", "HEAD", "POST", "OPTIONS"]))
def test_any_parameters_and_headers_on_any_route(fuzz_client, version, route, params, headers, method):
    path = route.path(version) + "?" + encode(params)
    check(fuzz_client.open(path, method=method, headers=headers))


@settings(max_examples=500 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from([r for r in ROUTES if "<" in r.rule]), value=st.text(min_size=1, max_size=60),
       headers=HEADERS)
def test_any_path_value_on_any_route(fuzz_client, version, route, value, headers):
    argument = route.arguments[-1]
    encoded = quote(value.encode("utf-8", "surrogatepass"), safe="")
    check(fuzz_client.get(route.path(version, **{argument: encoded}), headers=headers))


@settings(max_examples=500 * SCALE, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(query=SPARQLISH | st.text(max_size=200), params=params_strategy(), headers=HEADERS,
       how=st.sampled_from(["get", "form", "direct", "direct-bytes"]), body=st.binary(max_size=200))
def test_any_sparql_request(fuzz_client, query, params, headers, how, body):
    text = query.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
    if how == "get":
        answer = fuzz_client.get("/sparql?" + encode([("query", text), *params]), headers=headers)
    elif how == "form":
        answer = fuzz_client.post("/sparql?" + encode(params), data={"query": text}, headers=headers)
    elif how == "direct":
        answer = fuzz_client.post("/sparql?" + encode(params), data=text.encode(), headers=headers,
                                  content_type="application/sparql-query")
    else:
        answer = fuzz_client.post("/sparql", data=body, headers=headers, content_type="application/sparql-query")
    check(answer)
