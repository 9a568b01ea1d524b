"""The SPARQL endpoint over real HTTP (gunicorn), with real clients: SPARQLWrapper, rdflib's SPARQLStore, requests."""
from __future__ import annotations

import csv
import io
import json
import socket
import threading
import time
import xml.etree.ElementTree as ET

import pytest

from tests.conftest import connection_listener
import rdflib
import requests
from rdflib import RDF, Graph, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, POST, POSTDIRECTLY, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

from publisher.formats import by_name, formats_for
from publisher.store.scan import scan
from publisher.web.sparql import examples
from tests.conftest import BASE, LIVE_QUERY_TIMEOUT

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = Namespace("http://rdfs.org/ns/void#")
SRX = "{http://www.w3.org/2005/sparql-results#}"
GRAPH_NAMES = ("groups", "projects", "organisation", "plan", "catalog")

GROUPS = """PREFIX kd: <https://w3id.org/kyodo-lod/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?group ?name WHERE { ?group a kd:CitizenGroup ; rdfs:label ?name . FILTER(lang(?name) = "ja") }
ORDER BY ?group"""
PROGRAM_ASK = "ASK { ?p a <https://w3id.org/kyodo-lod/def#Program> }"
PROGRAMS_GRAPH = """PREFIX kd: <https://w3id.org/kyodo-lod/def#>
CONSTRUCT { ?p a kd:Program ; kd:operatedBy ?o } WHERE { ?p a kd:Program . OPTIONAL { ?p kd:operatedBy ?o } }"""
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def endpoint(live_server):
    return live_server + "sparql"


@pytest.fixture(scope="module")
def group_count(endpoint):
    answer = requests.get(endpoint, params={"query": GROUPS, "format": "json"}, timeout=30)
    return len(answer.json()["results"]["bindings"])


def sparql_get(endpoint, query, accept=None, **params):
    headers = {"Accept": accept} if accept else {}
    return requests.get(endpoint, params={"query": query, **params}, headers=headers, timeout=30)


# --- SPARQLWrapper -----------------------------------------------------------------------------

METHODS = {"get": (None, None), "post-form": (POST, URLENCODED), "post-direct": (POST, POSTDIRECTLY)}


def wrapper(endpoint, query, return_format, method):
    client = SPARQLWrapper(endpoint)
    client.setQuery(query)
    client.setReturnFormat(return_format)
    verb, request_method = METHODS[method]
    if verb:
        client.setMethod(verb)
        client.setRequestMethod(request_method)
    return client.query()


def rows_of(result, return_format) -> list:
    """The answer's rows, parsed from the raw body of each results format."""
    body = result.response.read()
    if return_format == JSON:
        return json.loads(body)["results"]["bindings"]
    if return_format == XML:
        return ET.fromstring(body).findall(f"{SRX}results/{SRX}result")
    if return_format == CSV:
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))[1:]
    return list(rdflib.query.Result.parse(io.BytesIO(body), format="tsv"))


RESULT_TYPES = {JSON: "application/sparql-results+json", XML: "application/sparql-results+xml",
                CSV: "text/csv; charset=utf-8", TSV: "text/tab-separated-values; charset=utf-8"}


@pytest.mark.parametrize("method", METHODS, ids=list(METHODS))
@pytest.mark.parametrize("return_format", RESULT_TYPES, ids=list(RESULT_TYPES))
def test_sparqlwrapper_select(endpoint, group_count, live_server, method, return_format):
    result = wrapper(endpoint, GROUPS, return_format, method)
    assert result.response.headers["Content-Type"] == RESULT_TYPES[return_format]
    rows = rows_of(result, return_format)
    assert len(rows) == group_count > 10


@pytest.mark.parametrize("method", METHODS, ids=list(METHODS))
@pytest.mark.parametrize("return_format", [JSON, XML], ids=["json", "xml"])
def test_sparqlwrapper_ask(endpoint, method, return_format):
    converted = wrapper(endpoint, PROGRAM_ASK, return_format, method).convert()
    answer = converted["boolean"] if return_format == JSON else \
        converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    assert answer is True


@pytest.mark.parametrize("method", METHODS, ids=list(METHODS))
@pytest.mark.parametrize("return_format", [TURTLE, JSONLD, XML], ids=["turtle", "jsonld", "rdfxml"])
@pytest.mark.parametrize("query", [PROGRAMS_GRAPH, f"DESCRIBE <{BASE}id/program/challenge>"],
                         ids=["construct", "describe"])
def test_sparqlwrapper_graphs(endpoint, live_server, method, return_format, query):
    result = wrapper(endpoint, query, return_format, method)
    media = {TURTLE: "text/turtle; charset=utf-8", JSONLD: "application/ld+json", XML: "application/rdf+xml"}
    assert result.response.headers["Content-Type"] == media[return_format]
    body = result.response.read()
    parsed = Graph().parse(data=body, format={TURTLE: "turtle", JSONLD: "json-ld", XML: "xml"}[return_format])
    assert len(parsed) > 3
    assert BASE.encode() not in body
    assert any(str(s).startswith(live_server + "id/program/") for s in parsed.subjects())


# --- rdflib's SPARQLStore ----------------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])
def test_sparqlstore_select_ask_construct(endpoint, group_count, live_server, method):
    graph = Graph(SPARQLStore(endpoint, method=method))
    rows = list(graph.query(GROUPS))
    assert len(rows) == group_count
    assert all(str(row[0]).startswith(live_server + "id/group/") for row in rows)
    assert graph.query(PROGRAM_ASK).askAnswer is True
    constructed = graph.query(PROGRAMS_GRAPH).graph
    assert (None, RDF.type, URIRef("https://w3id.org/kyodo-lod/def#Program")) in constructed


def test_sparqlstore_graph_identifier_is_the_default_graph(endpoint, live_server):
    """A Graph with a named identifier sends it as default-graph-uri: only that graph is queried."""
    store = SPARQLStore(endpoint)
    groups = Graph(store, identifier=URIRef(live_server + "graph/groups"))
    plan = Graph(store, identifier=URIRef(live_server + "graph/plan"))
    ask = "ASK { ?g a <https://w3id.org/kyodo-lod/def#CitizenGroup> }"
    assert groups.query(ask).askAnswer is True
    assert plan.query(ask).askAnswer is False


# --- every format, by Accept and by ?format= ---------------------------------------------------

QUERIES = {"select": GROUPS, "ask": PROGRAM_ASK, "graph": PROGRAMS_GRAPH}
CASES = [(kind, fmt) for kind in QUERIES for fmt in formats_for(kind)]


def parsed(body: bytes, fmt, kind):
    if kind == "graph":
        return Graph().parse(data=body, format=fmt.rdflib)
    if fmt.name == "json":
        data = json.loads(body)
        return data.get("boolean", data.get("results", {}).get("bindings"))
    if fmt.name == "xml":
        root = ET.fromstring(body)
        found = root.find(f"{SRX}boolean")
        return found.text == "true" if found is not None else root.findall(f"{SRX}results/{SRX}result")
    if fmt.name == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8"))))[1:]
    return list(rdflib.query.Result.parse(io.BytesIO(body), format="tsv"))


@pytest.mark.parametrize("how", ["accept", "format"])
@pytest.mark.parametrize("kind,fmt", CASES, ids=[f"{k}-{f.name}" for k, f in CASES])
def test_every_format_round_trips(endpoint, group_count, how, kind, fmt):
    extra = {"accept": fmt.media_type} if how == "accept" else {"format": fmt.name}
    answer = sparql_get(endpoint, QUERIES[kind], **extra)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == fmt.content_type
    result = parsed(answer.content, fmt, kind)
    if kind == "select":
        assert len(result) == group_count
    elif kind == "ask":
        assert result is True
    else:
        reference = Graph().parse(data=sparql_get(endpoint, PROGRAMS_GRAPH, "text/turtle").content, format="turtle")
        assert isomorphic(result, reference)


# --- errors, each with its status and message ---------------------------------------------------

def plain(method, url, **kwargs):
    headers = {"Accept": "text/plain", **kwargs.pop("headers", {})}
    return requests.request(method, url, headers=headers, timeout=30, **kwargs)


def test_syntax_error_gives_line_and_column(endpoint):
    answer = plain("GET", endpoint, params={"query": "SELECT * WHERE { ?s ?p }"})
    assert answer.status_code == 400
    assert answer.headers["Content-Type"].startswith("text/plain")
    assert "SPARQL syntax error at line 1, column " in answer.text
    assert "SPARQLの構文エラー（1行" in answer.text


def test_syntax_error_on_a_later_line(endpoint):
    answer = plain("POST", endpoint, data={"query": "PREFIX ex: <http://example.org/>\nSELECT ?s\nWHERE { ?s ex:p }"})
    assert answer.status_code == 400
    assert "at line 3, column" in answer.text


@pytest.mark.parametrize("method,kwargs", [
    ("POST", {"data": {"format": "json"}}),
    ("POST", {"data": b"", "headers": {"Content-Type": "application/sparql-query"}}),
    ("GET", {"params": {"default-graph-uri": BASE + "graph/groups"}}),
], ids=["post-form", "post-direct-empty", "get-graph-only"])
def test_missing_query(endpoint, method, kwargs):
    answer = plain(method, endpoint, **kwargs)
    assert answer.status_code == 400
    assert "Missing query" in answer.text or "The query is empty" in answer.text


@pytest.mark.parametrize("method,kwargs", [
    ("GET", {"params": [("query", "ASK {}"), ("query", "ASK {}")]}),
    ("POST", {"data": [("query", "ASK {}"), ("query", "ASK {}")]}),
    ("POST", {"params": {"query": "ASK {}"}, "data": {"query": "ASK {}"}}),
    ("POST", {"params": {"query": "ASK {}"}, "data": b"ASK {}",
              "headers": {"Content-Type": "application/sparql-query"}}),
], ids=["get", "post-form", "post-form-and-url", "post-direct-and-url"])
def test_doubled_query(endpoint, method, kwargs):
    answer = plain(method, endpoint, **kwargs)
    assert answer.status_code == 400
    assert "given 2 times" in answer.text


INSERT = "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }"


@pytest.mark.parametrize("method,kwargs", [
    ("GET", {"params": {"update": INSERT}}),
    ("POST", {"data": {"update": INSERT}}),
    ("POST", {"data": INSERT.encode(), "headers": {"Content-Type": "application/sparql-update"}}),
    ("GET", {"params": {"query": INSERT}}),
    ("POST", {"data": {"query": INSERT}}),
    ("POST", {"data": INSERT.encode(), "headers": {"Content-Type": "application/sparql-query"}}),
    ("GET", {"params": {"query": "SELECT * { ?s ?p ?o } ; DROP ALL"}}),
], ids=["get-update", "post-form-update", "post-sparql-update", "get-query", "post-form-query",
        "post-direct-query", "query-then-drop"])
def test_updates_are_forbidden_and_change_nothing(endpoint, method, kwargs):
    answer = plain(method, endpoint, **kwargs)
    assert answer.status_code == 403
    assert "read-only" in answer.text and "読み取り専用" in answer.text
    check = sparql_get(endpoint, "ASK { <http://example.org/s> ?p ?o }", format="json")
    assert check.json()["boolean"] is False
    assert sparql_get(endpoint, PROGRAM_ASK, format="json").json()["boolean"] is True


def test_service_is_forbidden(endpoint):
    answer = plain("GET", endpoint, params={"query": "SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }"})
    assert answer.status_code == 403
    assert "SERVICE" in answer.text


@pytest.mark.parametrize("content_type", ["text/plain", "application/json", "multipart/form-data; boundary=x"])
def test_unsupported_post_type(endpoint, content_type):
    answer = plain("POST", endpoint, data=b"query=ASK{}", headers={"Content-Type": content_type})
    assert answer.status_code == 415
    assert "application/sparql-query" in answer.text


@pytest.mark.parametrize("query,params", [
    (PROGRAMS_GRAPH, {"format": "csv"}),
    (PROGRAMS_GRAPH, {"accept": "text/csv"}),
    (GROUPS, {"accept": "image/png"}),
    (GROUPS, {"format": "turtle"}),
    (PROGRAM_ASK, {"accept": "text/tab-separated-values"}),
], ids=["csv-for-construct", "accept-csv-for-construct", "png", "turtle-for-select", "tsv-for-ask"])
def test_not_acceptable(endpoint, query, params):
    answer = sparql_get(endpoint, query, params.get("accept"), **{k: v for k, v in params.items() if k != "accept"})
    assert answer.status_code == 406
    assert "Cannot answer" in answer.text or "Cannot answer" in answer.json().get("error", "")


@pytest.mark.parametrize("method", ["PUT", "DELETE", "PATCH"])
def test_other_methods(endpoint, method):
    answer = plain(method, endpoint, data=b"ASK {}")
    assert answer.status_code == 405
    allowed = {m.strip() for m in answer.headers["Allow"].split(",")}
    assert allowed == {"GET", "HEAD", "POST", "OPTIONS"}


def test_options_and_head(endpoint):
    assert requests.options(endpoint, timeout=10).status_code == 200
    head = requests.head(endpoint, params={"query": PROGRAM_ASK}, timeout=10)
    assert head.status_code == 200 and head.content == b""


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/sparql-query"])
def test_too_large_body(endpoint, content_type):
    body = b"query=" + b"#" * (2 * 1024 * 1024)
    answer = plain("POST", endpoint, data=body, headers={"Content-Type": content_type})
    assert answer.status_code == 413


def test_bad_graph_iri(endpoint):
    answer = plain("GET", endpoint, params={"query": PROGRAM_ASK, "default-graph-uri": "not an iri"})
    assert answer.status_code == 400
    assert "default-graph-uri" in answer.text


def test_error_in_json_for_a_results_client(endpoint):
    answer = sparql_get(endpoint, "SELECT * WHERE { ?s ?p }", "application/sparql-results+json")
    assert answer.status_code == 400
    assert answer.json()["status"] == 400 and "line 1" in answer.json()["error"]


# --- safety: time limit, threads, no outgoing connections --------------------------------------

def test_slow_query_stops_at_the_timeout_while_others_are_answered(endpoint, live_server):
    slow: dict = {}

    def run_slow():
        started = time.monotonic()
        slow["answer"] = plain("GET", endpoint, params={"query": SLOW})
        slow["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_slow)
    thread.start()
    time.sleep(0.5)
    cheap = "SELECT ?p WHERE { ?p a <https://w3id.org/kyodo-lod/def#Program> } LIMIT 1"
    for url, params in ((endpoint, {"query": cheap, "format": "json"}), (live_server + "health", {})):
        started = time.monotonic()
        assert requests.get(url, params=params, timeout=5).status_code == 200
        assert time.monotonic() - started < 1.0, url
    thread.join(30)
    assert slow["answer"].status_code == 503
    assert f"{LIVE_QUERY_TIMEOUT:g} s" in slow["answer"].text
    assert f"{LIVE_QUERY_TIMEOUT:g}秒" in slow["answer"].text
    assert LIVE_QUERY_TIMEOUT - 0.5 < slow["seconds"] < LIVE_QUERY_TIMEOUT + 5


@pytest.fixture()
def listener():
    """A TCP listener on 127.0.0.1 that records every connection made to it."""
    with connection_listener() as (url, seen):
        yield url + "sparql", seen


@pytest.mark.parametrize("template,status", [
    ("SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }", 403),
    ("SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }", 403),
    ("SELECT * FROM <{url}> WHERE { ?s ?p ?o }", 200),
    ("SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }", 200),
], ids=["service", "service-silent", "from", "from-named"])
def test_no_connection_leaves_the_server(endpoint, listener, template, status):
    url, seen = listener
    answer = sparql_get(endpoint, template.replace("{url}", url), format="json")
    assert answer.status_code == status
    if status == 200:
        assert answer.json()["results"]["bindings"] == []
    time.sleep(0.2)
    assert seen == []


def test_protocol_graph_parameters_fetch_nothing(endpoint, listener):
    url, seen = listener
    answer = sparql_get(endpoint, "SELECT * WHERE { ?s ?p ?o }", format="json",
                        **{"default-graph-uri": url, "named-graph-uri": url})
    assert answer.status_code == 200 and answer.json()["results"]["bindings"] == []
    time.sleep(0.2)
    assert seen == []


def test_the_listener_does_record_connections(listener):
    """The control for the tests above."""
    url, seen = listener
    socket.create_connection(("127.0.0.1", int(url.split(":")[2].split("/")[0]))).close()
    time.sleep(0.3)
    assert len(seen) == 1


# --- the service description ------------------------------------------------------------------

@pytest.mark.parametrize("fmt", formats_for("graph"), ids=lambda f: f.name)
def test_service_description(endpoint, live_server, fmt):
    answer = requests.get(endpoint, headers={"Accept": fmt.media_type}, timeout=30)
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == fmt.content_type
    assert BASE.encode() not in answer.content
    graph = Graph().parse(data=answer.content, format=fmt.rdflib)
    service = URIRef(endpoint)
    assert (service, RDF.type, SD.Service) in graph
    assert (service, SD.endpoint, service) in graph
    assert (service, SD.supportedLanguage, SD.SPARQL11Query) in graph
    assert (service, SD.feature, SD.UnionDefaultGraph) in graph
    assert len(set(graph.objects(service, SD.resultFormat))) == 8
    names = {graph.value(named, SD.name): graph.value(graph.value(named, SD.graph), VOID.triples)
             for named in graph.objects(None, SD.namedGraph)}
    for name in GRAPH_NAMES:
        assert int(names[URIRef(f"{live_server}graph/{name}")]) > 0
    default = graph.value(graph.value(service, SD.defaultDataset), SD.defaultGraph)
    assert int(graph.value(default, VOID.triples)) >= max(int(n) for n in names.values())


def test_service_description_counts_match_the_data(endpoint, live_server):
    graph = Graph().parse(data=requests.get(endpoint, headers={"Accept": "text/turtle"}, timeout=30).content,
                          format="turtle")
    named = next(n for n in graph.objects(None, SD.namedGraph)
                 if graph.value(n, SD.name) == URIRef(live_server + "graph/groups"))
    stated = int(graph.value(graph.value(named, SD.graph), VOID.triples))
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{live_server}graph/groups> {{ ?s ?p ?o }} }}"
    counted = sparql_get(endpoint, query, format="json").json()["results"]["bindings"][0]["n"]["value"]
    assert stated == int(counted)


# --- caching ----------------------------------------------------------------------------------

@pytest.mark.parametrize("headers", [{}, {"Accept": "text/turtle"}, {"Accept": "text/html"}],
                         ids=["query", "service-description", "page"])
def test_conditional_get(endpoint, headers):
    params = {} if headers else {"query": GROUPS}
    first = requests.get(endpoint, params=params, headers=headers, timeout=30)
    assert first.status_code == 200 and first.headers["ETag"] and first.headers["Last-Modified"]
    assert "Accept" in first.headers["Vary"]
    again = requests.get(endpoint, params=params, timeout=30,
                         headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    since = requests.get(endpoint, params=params, timeout=30,
                         headers={**headers, "If-Modified-Since": first.headers["Last-Modified"]})
    assert since.status_code == 304


def test_post_answers_are_not_cached(endpoint):
    answer = requests.post(endpoint, data={"query": GROUPS}, timeout=30)
    assert answer.status_code == 200
    assert "ETag" not in answer.headers
    assert answer.headers["Cache-Control"] == "no-store"


# --- IRIs on this host ----------------------------------------------------------------------

@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_answers_carry_this_hosts_iris(endpoint, live_server, fmt):
    answer = sparql_get(endpoint, GROUPS, format=fmt)
    assert BASE not in answer.text
    assert live_server + "id/group/" in answer.text


def test_queries_with_this_hosts_iris_find_the_data(endpoint, live_server):
    query = f"""PREFIX program: <{live_server}id/program/>
    SELECT ?group WHERE {{ ?group <https://w3id.org/kyodo-lod/def#registeredWith> program:group-registration }}"""
    rows = sparql_get(endpoint, query, format="json").json()["results"]["bindings"]
    assert len(rows) >= 3
    assert all(row["group"]["value"].startswith(live_server + "id/group/") for row in rows)
    graph_count = sparql_get(endpoint, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", format="json",
                             **{"default-graph-uri": live_server + "graph/groups"}).json()
    assert int(graph_count["results"]["bindings"][0]["n"]["value"]) > 0


def test_truncated_answers_say_so(endpoint):
    answer = sparql_get(endpoint, "SELECT * WHERE { ?s ?p ?o }", format="json")
    assert answer.headers["X-Kyodo-Truncated"] == "true"
    assert answer.headers["X-SPARQL-MaxRows"] == "1000"
    assert len(answer.json()["results"]["bindings"]) == 1000
    small = sparql_get(endpoint, PROGRAM_ASK, format="json")
    assert "X-Kyodo-Truncated" not in small.headers


# --- the example queries ----------------------------------------------------------------------

EXAMPLES = sorted(examples())


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_runs_and_finds_something(live_server, name):
    kind = scan(examples()[name].text).kind
    fmt = "turtle" if kind == "graph" else "json"
    answer = requests.get(f"{live_server}sparql/examples/{name}", params={"format": fmt}, timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["Content-Type"] == by_name(fmt).content_type
    if kind == "graph":
        assert len(Graph().parse(data=answer.content, format="turtle")) > 0
    elif kind == "ask":
        assert answer.json()["boolean"] is True
    else:
        assert len(answer.json()["results"]["bindings"]) >= 1
    assert BASE not in answer.text


def test_examples_are_at_least_ten():
    assert len(EXAMPLES) >= 10


@pytest.mark.parametrize("name", EXAMPLES[:3])
def test_example_page_links_to_running_it(live_server, name):
    page = requests.get(f"{live_server}sparql/examples/{name}", headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200
    assert f"/sparql/examples/{name}?format=html" in page.text
    query = requests.get(f"{live_server}sparql/examples/{name}", params={"format": "rq"}, timeout=30)
    assert query.headers["Content-Type"] == "application/sparql-query; charset=utf-8"
    assert live_server in query.text or "PREFIX" in query.text
    table = requests.get(f"{live_server}sparql/examples/{name}", params={"format": "html"}, timeout=30)
    assert table.status_code == 200 and "<table" in table.text


def test_literal_values_keep_their_language(endpoint):
    rows = sparql_get(endpoint, GROUPS, format="json").json()["results"]["bindings"]
    assert {row["name"]["xml:lang"] for row in rows} == {"ja"}
