"""Protocol abuse on every route of app.url_map, sent as raw bytes so that no client library tidies it up:
methods that are not allowed, hostile path values, absurd Accept and Accept-Language headers, duplicate
parameters, wrong content types and encodings, header injection, oversized request lines and headers."""
from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from publisher.settings import load_settings
from publisher.web import create_app

from .routes import app_routes, allowed_methods
from .support import get_request, raw_request

ROUTES = app_routes(create_app(load_settings(None, {"output_dir": Path(tempfile.gettempdir())}, environ={})))
WITH_ARGUMENTS = [r for r in ROUTES if "<" in r.rule]
NOT_ALLOWED = "405: Method Not Allowed: The method is not allowed for the requested URL."


@pytest.fixture(scope="module")
def version(release) -> str:
    return release.version


def get(port: int, path: str, *headers: str, method: str = "GET", host: str = "127.0.0.1"):
    return raw_request(port, get_request(path, *headers, method=method, host=host))


def first_line(answer) -> str:
    return answer.text.splitlines()[0] if answer.text else ""


# --- every route answers its sample; HEAD and OPTIONS too --------------------------------------------

@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_every_route_answers(port, version, route):
    assert get(port, route.path(version)).status == route.expected_status
    assert get(port, route.path(version), method="HEAD").status == route.expected_status
    options = get(port, route.path(version), "Origin: https://example.org",
                  "Access-Control-Request-Method: GET", method="OPTIONS")
    assert options.status == 200 and options.headers["access-control-allow-origin"] == "*"


# --- methods that are not allowed: 405 with Allow -------------------------------------------------

WRONG_METHODS = [(route, method) for route in ROUTES
                 for method in ("PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "BREW", "POST")
                 if method not in route.methods]


@pytest.mark.parametrize("route,method", WRONG_METHODS, ids=[f"{r.id}-{m}" for r, m in WRONG_METHODS])
def test_methods_not_allowed_are_405_with_allow(app, port, version, route, method):
    path = route.path(version)
    allowed = allowed_methods(app, path)
    answer = get(port, path, "Accept: text/plain", "Content-Length: 0", method=method)
    assert (answer.status, first_line(answer)) == (405, NOT_ALLOWED)
    assert {m.strip() for m in answer.headers["allow"].split(",")} == allowed


# --- hostile values in the path --------------------------------------------------------------------

HOSTILE_VALUES = {
    "encoded-crlf": "x%0D%0ASet-Cookie:%20injected=1",
    "dot-dot-encoded-slash": "..%2F..%2FCURRENT",
    "dot-dot": "..",
    "encoded-dot-dot": "%2e%2e%2f%2e%2e%2fCURRENT",
    "encoded-slash": "x%2F..%2F..%2Fmanifest.json",
    "nul": "x%00y",
    "not-utf8": "%FF%FE",
    "script": "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "javascript": "javascript:alert(1)",
    "percent": "%25",
    "long": "a" * 7000,
}


@pytest.mark.parametrize("value", HOSTILE_VALUES.values(), ids=HOSTILE_VALUES.keys())
@pytest.mark.parametrize("route", WITH_ARGUMENTS, ids=lambda r: r.id)
def test_hostile_path_values_are_404_and_inject_nothing(port, version, route, value):
    for argument in route.arguments:
        answer = get(port, route.path(version, **{argument: value}), "Accept: text/html")
        assert answer.status == 404, (argument, answer.text[:200])
        assert "set-cookie" not in answer.headers
        assert "<script>alert(1)</script>" not in answer.text
        assert answer.headers["content-type"] == "text/html; charset=utf-8"


def test_a_404_page_shows_the_path_escaped(port):
    answer = get(port, "/id/%3Cscript%3Ealert(1)%3C%2Fscript%3E%22%27", "Accept: text/html", "Accept-Language: en")
    assert answer.status == 404
    assert "Nothing is published at /id/&lt;script&gt;alert(1)&lt;/script&gt;&#34;&#39;." in answer.text


@pytest.mark.parametrize("path,status,location", [
    ("/sparql/examples?lang=en%0D%0ASet-Cookie:%20x=1", 302, "/sparql?lang=en%0D%0ASet-Cookie:+x%3D1#examples"),
    ("/sparql/examples?a%0D%0Ab=1", 302, "/sparql?a%0D%0Ab=1#examples"),
    ("/id/group/birdconnect?lang=en%0D%0ASet-Cookie:%20x=1", 303,
     "http://127.0.0.1/doc/group/birdconnect.html"),
], ids=["redirect-value", "redirect-name", "see-other-lang"])
def test_a_crlf_in_a_parameter_stays_encoded_in_location(port, path, status, location):
    answer = get(port, path)
    assert (answer.status, answer.headers["location"]) == (status, location)
    assert "set-cookie" not in answer.headers


def test_a_crlf_in_the_request_line_is_refused_by_gunicorn(port):
    answer = raw_request(port, b"GET /id/x\r\nSet-Cookie: a=b HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert answer.status == 400 and "set-cookie" not in answer.headers
    assert "Invalid HTTP request line" in answer.text


def test_raw_non_utf8_bytes_in_the_path_are_refused_by_gunicorn(port):
    answer = raw_request(port, b"GET /id/group/\xff\xfe HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    assert answer.status == 400 and "Invalid HTTP request line" in answer.text


def test_a_long_iri_within_the_request_line_limit_is_404(port):
    path = "/id/group/" + "%E9%87%91" * 900
    answer = get(port, path, "Accept: text/plain")
    assert answer.status == 404
    assert first_line(answer) == f"404: Nothing is published at /id/group/{'金' * 900}."


def test_a_request_line_over_the_limit_is_414(port):
    answer = get(port, "/id/" + "a" * 9000)
    assert answer.status == 414 and "Request Line is too large (9017 &gt; 8190)" in answer.text


@pytest.mark.parametrize("headers", [["X-Big: " + "a" * 9000], [f"X-Many-{i}: 1" for i in range(200)]],
                         ids=["one-huge-header", "200-headers"])
def test_oversized_headers_are_431(port, headers):
    assert get(port, "/health", *headers).status == 431


# --- Host ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("host", ['evil.example"><script>alert(1)</script>', "a%0d%0ab", "a b", "[::1", "a:b:c"],
                         ids=["markup", "encoded-crlf", "space", "bad-ipv6", "two-ports"])
def test_an_invalid_host_is_400(port, host):
    answer = get(port, "/id/group/birdconnect", "Accept: text/plain", host=host)
    assert (answer.status, first_line(answer)) == (400, "400: The Host header is not a valid host name (and port).")
    assert "location" not in answer.headers


def test_any_valid_host_is_this_servers_name_in_answers(port):
    answer = get(port, "/id/group/birdconnect", host="data.example.org:8443")
    assert answer.status == 303
    assert answer.headers["location"] == "http://data.example.org:8443/doc/group/birdconnect.html"


def test_http_1_0_without_host_uses_the_servers_address(port):
    answer = raw_request(port, b"GET /id/group/birdconnect HTTP/1.0\r\n\r\n")
    assert answer.status == 303
    assert answer.headers["location"] == f"http://127.0.0.1:{port}/doc/group/birdconnect.html"


# --- absurd Accept and Accept-Language -----------------------------------------------------------

ACCEPT_LANGUAGES = {
    "malformed-q": "ja;q=nan, en;q=inf, fr;q=abc", "negative-q": "en;q=-1", "junk": ";;;,,,=",
    "huge": "x" * 7000, "all-zero": "*;q=0", "odd-tags": "en-t-ja;q=0.9, ja-Kana-JP-x-yyy, i-klingon",
    "many": ", ".join(f"l{i};q=0.{i % 10}" for i in range(500)),
}
ACCEPTS_LIKE_NONE = {  # the client accepts anything: answered as without Accept
    "malformed-q": "text/html;q=abc, */*;q=1e999", "negative-q": "*/*;q=-1", "nan-q": "*/*;q=nan",
}
ACCEPTS_NOTHING_WE_HAVE = {  # negotiated routes answer 406; the others serve their one representation
    "junk": ";;;,,,", "huge": "a/" + "b" * 7000, "all-zero": "*/*;q=0",
    "many": ", ".join(f"type{i}/sub{i};q=0.{i % 10}" for i in range(300)),
}
NEGOTIATED = {"/sparql", "/id/<path:path>", "/doc/<path:path>", "/graph/<path:name>", "/def", "/shapes",
              "/catalog", "/.well-known/void"}


@pytest.mark.parametrize("value", ACCEPT_LANGUAGES.values(), ids=ACCEPT_LANGUAGES.keys())
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_absurd_accept_language_is_ignored(port, version, route, value):
    answer = get(port, route.path(version), f"Accept-Language: {value}")
    assert answer.status == route.expected_status
    if answer.headers.get("content-type", "").startswith("text/html") and answer.status == 200:
        assert '<html lang="ja">' in answer.text  # Japanese, the default


@pytest.mark.parametrize("value", ACCEPTS_LIKE_NONE.values(), ids=ACCEPTS_LIKE_NONE.keys())
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_accept_with_malformed_q_values_accepts_anything(port, version, route, value):
    assert get(port, route.path(version), f"Accept: {value}").status == route.expected_status


@pytest.mark.parametrize("value", ACCEPTS_NOTHING_WE_HAVE.values(), ids=ACCEPTS_NOTHING_WE_HAVE.keys())
@pytest.mark.parametrize("route", ROUTES, ids=lambda r: r.id)
def test_accept_of_nothing_we_have_is_406_where_negotiated(port, version, route, value):
    answer = get(port, route.path(version), f"Accept: {value}")
    assert answer.status == (406 if route.rule in NEGOTIATED else route.expected_status)
    if answer.status == 406:
        assert first_line(answer).startswith("406: ")


@pytest.mark.parametrize("path,accept,content_type", [
    ("/sparql?query=ASK%7B%7D", "application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),
    ("/sparql?query=SELECT%20*%20%7B%7D", "text/csv;charset=UTF-8", "text/csv; charset=utf-8"),
    ("/doc/group/birdconnect", 'text/turtle; charset="utf-8"', "text/turtle; charset=utf-8"),
    ("/catalog", "application/n-triples;charset=utf8;q=0.9", "application/n-triples"),
    ("/doc/group/birdconnect", 'application/ld+json; profile="http://www.w3.org/ns/json-ld#compacted"',
     "application/ld+json"),
    ("/doc/group/birdconnect", "text/html;level=1", "text/html; charset=utf-8"),
], ids=["sparql-json", "sparql-csv", "document-turtle", "catalog-ntriples", "document-json-ld-profile",
        "document-html-level"])
def test_media_type_parameters_do_not_stop_a_match(port, path, accept, content_type):
    answer = get(port, path, f"Accept: {accept}")
    assert (answer.status, answer.headers["content-type"]) == (200, content_type)


# --- duplicate parameters ----------------------------------------------------------------------------

def test_duplicate_query_parameters_are_400(port):
    answer = get(port, "/sparql?query=ASK%7B%7D&query=ASK%7B%7D", "Accept: text/plain")
    assert (answer.status, first_line(answer)) == (400, "400: The query parameter was given 2 times; "
                                                        "give exactly one query.")


@pytest.mark.parametrize("path,content_type", [
    ("/sparql?query=ASK%7B%7D&format=xml&format=json", "application/sparql-results+xml"),
    ("/sparql?query=ASK%7B%7D&format=nonsense&format=json", "application/sparql-results+json"),
    ("/doc/group/birdconnect?format=ttl&format=jsonld", "text/turtle; charset=utf-8"),
], ids=["first-known-format", "unknown-then-known", "document"])
def test_duplicate_format_parameters_take_the_first_known(port, path, content_type):
    answer = get(port, path)
    assert (answer.status, answer.headers["content-type"]) == (200, content_type)


@pytest.mark.parametrize("path", ["/?lang=en&lang=ja", "/groups?lang=en&lang=ja&page=1&page=2",
                                  "/search?q=a&q=b&lang=en&lang=ja"])
def test_duplicate_page_parameters_take_the_first(port, path):
    answer = get(port, path)
    assert answer.status == 200 and '<html lang="en">' in answer.text


# --- content types and encodings of a POSTed query ----------------------------------------------------

def post(port: int, content_type: str | None, body: bytes, accept: str = "text/plain"):
    headers = [f"Content-Length: {len(body)}", f"Accept: {accept}"]
    if content_type is not None:
        headers.append(f"Content-Type: {content_type}")
    return raw_request(port, get_request("/sparql", *headers, method="POST"), body)


def unsupported(shown: str) -> str:
    return (f"415: Unsupported Content-Type {shown}: POST the query as application/x-www-form-urlencoded "
            "(query=…) or as application/sparql-query.")


@pytest.mark.parametrize("content_type,shown", [
    (None, "'(none)'"), ("text/plain", "'text/plain'"), ("multipart/form-data; boundary=x", "'multipart/form-data'"),
    ("application/json", "'application/json'"), ("application/sparql-queryx", "'application/sparql-queryx'"),
    (";;;", "'(none)'"),
], ids=["missing", "text", "multipart", "json", "near-miss", "junk"])
def test_wrong_content_types_are_415(port, content_type, shown):
    answer = post(port, content_type, b"query=ASK%7B%7D")
    assert (answer.status, first_line(answer)) == (415, unsupported(shown))


@pytest.mark.parametrize("content_type,body,message", [
    ("application/sparql-query", "ASK { FILTER(\"é\" = \"é\") }".encode("latin-1"),
     "400: The query is not valid utf-8 text."),
    ("application/sparql-query; charset=bogus", b"ASK {}", "400: The query is not valid bogus text."),
    ("application/sparql-query; charset=utf-16", b"ASK {} ", "400: The query is not valid utf-16 text."),
    ("application/x-www-form-urlencoded", b"query=ASK%7B%7D&x=\xff\xfe",
     "400: The form is not valid UTF-8 text: application/x-www-form-urlencoded bodies are read as UTF-8."),
    ("application/x-www-form-urlencoded", "query=ASK {} # 金".encode("shift_jis"),
     "400: The form is not valid UTF-8 text: application/x-www-form-urlencoded bodies are read as UTF-8."),
], ids=["direct-latin1", "unknown-charset", "odd-utf16", "form-binary", "form-shift-jis"])
def test_bodies_in_the_wrong_encoding_are_400(port, content_type, body, message):
    answer = post(port, content_type, body)
    assert (answer.status, first_line(answer)) == (400, message)


@pytest.mark.parametrize("content_type,body", [
    ("application/sparql-query; charset=utf-16", "ASK { FILTER(\"金\" = \"金\") }".encode("utf-16")),
    ("application/sparql-query; charset=shift_jis", "ASK { FILTER(\"金\" = \"金\") }".encode("shift_jis")),
    ("application/x-www-form-urlencoded; charset=shift_jis", "query=ASK { FILTER(\"金\" = \"金\") }".encode()),
    ("APPLICATION/SPARQL-QUERY", b"ASK {}"),
], ids=["direct-utf16", "direct-shift-jis", "form-charset-ignored", "upper-case-type"])
def test_bodies_in_a_declared_encoding_are_read(port, content_type, body):
    answer = post(port, content_type, body, accept="application/sparql-results+json")
    assert (answer.status, answer.text) == (200, '{"head":{},"boolean":true}')


def test_percent_encoded_bytes_that_are_not_utf8_stay_percent_encoded(port):
    """Mixed encodings in a URL: werkzeug keeps invalid %XX sequences as they were written."""
    answer = get(port, "/sparql?query=SELECT%20%3Fx%20%7B%20BIND(%22%FF%E9%22%20AS%20%3Fx)%20%7D&format=json")
    assert answer.status == 200
    assert '"value":"%FF%E9"' in answer.text
