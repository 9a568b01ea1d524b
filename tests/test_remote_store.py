"""The remote engine: its rules in front of the endpoint, its client, its cache, and Virtuoso itself.

The first half needs no Virtuoso (query preparation, result reading, the HTTP client against a tiny
local server); the second runs against the session's Virtuoso (tests marked slow). The caches are
tested in test_remote_store_caches.py.
"""
from __future__ import annotations

import http.server
import io
import threading
import time

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from publisher.formats import by_name
from publisher.store import (QueryFailed, QueryRefused, QuerySyntaxError, QueryTimeout, StoreUnavailable,
                             open_store)
from publisher.store.base import QueryUnsupported
from publisher.store import remote_query as rq
from publisher.store.remote import GRACE
from publisher.store.remote_http import Deadline, SparqlClient
from publisher.store.remote_results import read_solutions, read_triples
from publisher.store.scan import analyze
from tests.conftest import BASE
from tests.test_remote_store_support import virtuoso  # noqa: F401

OURS = [f"{BASE}graph/groups", f"{BASE}graph/plan"]
JSON = by_name("json")


def prepared(sparql, default=(), named=()):
    return rq.prepare(sparql, analyze(sparql), OURS, default, named)


# --- the dataset every query is sent with ---------------------------------------------------------

def test_without_dataset_the_default_graph_is_the_union_of_ours():
    sent = prepared("SELECT * WHERE { ?s ?p ?o }")
    assert sent.default_graphs == tuple(OURS) and sent.named_graphs == tuple(OURS)


def test_from_clauses_become_protocol_graphs_and_leave_the_text():
    sent = prepared(f"PREFIX g: <{BASE}graph/>\nSELECT * FROM g:groups FROM NAMED <{BASE}graph/plan> WHERE {{ ?s ?p ?o }}")
    assert "FROM" not in sent.text and "SELECT *" in sent.text
    assert sent.default_graphs == (OURS[0],) and sent.named_graphs == (OURS[1],)


def test_protocol_graphs_replace_from_clauses():
    sent = prepared(f"SELECT * FROM <{OURS[0]}> WHERE {{ ?s ?p ?o }}", default=[OURS[1]])
    assert sent.default_graphs == (OURS[1],) and sent.named_graphs == (rq.NO_GRAPH,)


@pytest.mark.parametrize("graph", ["http://www.openlinksw.com/schemas/virtrdf#", "http://127.0.0.1:1/sparql"])
def test_graphs_that_are_not_ours_are_never_sent(graph):
    assert prepared(f"SELECT * FROM <{graph}> WHERE {{ ?s ?p ?o }}").default_graphs == (rq.NO_GRAPH,)
    assert prepared("SELECT * WHERE { ?s ?p ?o }", named=[graph]).named_graphs == (rq.NO_GRAPH,)


# --- what never reaches the endpoint --------------------------------------------------------------

@pytest.mark.parametrize("query", [
    'DEFINE get:soft "replace" SELECT * FROM <http://example.org/> WHERE { ?s ?p ?o }',
    "SELECT * WHERE { ?s ?p ?o FILTER(bif:contains(?o, 'x')) }",
    "SELECT * WHERE { ?s ?p }",
], ids=["define-pragma", "undeclared-bif", "syntax"])
def test_non_standard_syntax_is_a_syntax_error(query):
    with pytest.raises(QuerySyntaxError):
        rq.check(query, analyze(query))


@pytest.mark.parametrize("query", [
    "PREFIX b: <bif:> SELECT * WHERE { ?s b:contains 'x' }",
    "SELECT * WHERE { ?s <sql:anything> ?o }",
], ids=["bif", "sql"])
def test_engine_extensions_are_refused(query):
    with pytest.raises(QueryRefused, match="standard SPARQL"):
        rq.check(query, analyze(query))


def test_custom_functions_fail_as_in_the_embedded_store():
    query = "SELECT (<bif:sprintf>('%d', 1) AS ?x) {}"
    with pytest.raises(QueryUnsupported, match="custom function"):  # 400, not 500
        rq.check(query, analyze(query))


def test_an_ask_is_checked_without_being_run():
    values = " ".join(str(i) for i in range(1500))
    query = f"ASK {{ VALUES ?x {{ {values} }} VALUES ?y {{ {values} }} FILTER(?x + ?y < 0) }}"
    started = time.monotonic()
    rq.check(query, analyze(query))
    assert time.monotonic() - started < 0.5


def test_syntax_errors_of_an_ask_keep_their_column():
    with pytest.raises(QuerySyntaxError) as raised:
        rq.check("ASK { ?s ?p }", analyze("ASK { ?s ?p }"))
    assert raised.value.line == 1 and raised.value.column <= 13


# --- Virtuoso's dialect ---------------------------------------------------------------------------

def test_escaped_prefixed_names_are_written_out():
    sent = prepared(f"PREFIX id: <{BASE}id/>\nASK {{ id:group\\/x ?p ?o }}")
    assert f"<{BASE}id/group/x>" in sent.text and "\\" not in sent.text


@pytest.mark.parametrize("call,expected", [
    ('REGEX(?o, "x|b")', 'REGEX(?o, "(?:x|b)")'),
    ("REGEX(STR(?o), 'a|b', 'i')", "REGEX(STR(?o), '(?:a|b)', 'i')"),
    ('REPLACE(CONCAT(?a, ","), """a|b""", "z")', 'REPLACE(CONCAT(?a, ","), """(?:a|b)""", "z")'),
    ("REGEX(?o, ?pattern)", "REGEX(?o, ?pattern)"),
])
def test_regular_expressions_are_grouped(call, expected):
    assert rq.dialect(f"SELECT * WHERE {{ ?s ?p ?o FILTER({call}) }}", {}).endswith(f"FILTER({expected}) }}")


# --- DESCRIBE as a closure query -------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    f"DESCRIBE <{BASE}id/group/a>",
    f"PREFIX id: <{BASE}id/> DESCRIBE id:a id:b",
    "DESCRIBE ?x WHERE { ?x a ?t } ORDER BY ?x LIMIT 2",
    "DESCRIBE * WHERE { ?x ?p ?y }",
    f"DESCRIBE ?x <{BASE}id/a> WHERE {{ ?x a ?t }}",
    "DESCRIBE ?x",
], ids=["iri", "names", "where", "star", "mixed", "unbound"])
def test_describe_becomes_a_valid_select(query):
    text = rq.describe_query(query, 3)
    assert isinstance(ox.Store().query(text), ox.QuerySolutions)


# --- reading answers -------------------------------------------------------------------------------

VIRTUOSO_XML = b"""<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head><variable name="s"/>
<variable name="o"/></head><results distinct="false" ordered="true">
<result><binding name="s"><bnode>nodeID://b10001</bnode></binding>
<binding name="o"><literal xml:lang="ja">\xe9\x87\x91\xe6\xb2\xa2</literal></binding></result>
<result><binding name="s"><uri>nodeID://b10002</uri></binding>
<binding name="o"><literal datatype="http://www.w3.org/2001/XMLSchema#integer">7</literal></binding></result>
<result><binding name="s"><uri>https://example.org/a</uri></binding></result>
</results></sparql>"""


def test_xml_results_become_terms_with_virtuoso_blank_nodes():
    variables, rows, more = read_solutions(io.BytesIO(VIRTUOSO_XML), 10)
    assert variables == ["s", "o"] and not more
    assert rows[0] == [ox.BlankNode("b10001"), ox.Literal("金沢", language="ja")]
    assert rows[1] == [ox.BlankNode("b10002"), ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))]
    assert rows[2] == [ox.NamedNode("https://example.org/a"), None]


def test_reading_stops_after_max_rows():
    _, rows, more = read_solutions(io.BytesIO(VIRTUOSO_XML), 2)
    assert len(rows) == 2 and more


def test_ntriples_with_virtuoso_node_iris():
    data = b"<nodeID://b1> <http://x/p> _:b2 .\n_:b2 <http://x/q> \"\\u91D1\"@ja .\n"
    triples = list(read_triples(io.BytesIO(data)))
    assert triples[0].subject == ox.BlankNode("b1") and triples[1].object == ox.Literal("金", language="ja")


# --- the HTTP client -------------------------------------------------------------------------------

class Stub(http.server.BaseHTTPRequestHandler):
    """Answers POSTs by the path: /slow never answers in time, /s1tat is Virtuoso's partial answer,
    /cancelled is how Virtuoso 7 answers when its own ``timeout`` parameter cancels the query."""

    protocol_version = "HTTP/1.1"

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/slow":
            time.sleep(3)
        status = 500 if self.path in ("/error", "/cancelled") else 200
        self.send_response(status)
        if self.path == "/s1tat":
            self.send_header("X-SQL-State", "S1TAT")
        body = {"/error": b"Virtuoso 22023 Error SR: something broke",
                "/cancelled": b"Virtuoso HY008 Error SR203: Async statement killed by SQLCancel.\n\nSPARQL query:\n"
                }.get(self.path, VIRTUOSO_XML)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def stub():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Stub)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_the_deadline_stops_a_silent_endpoint(stub):
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        SparqlClient(stub + "/slow").post([("query", "ASK {}")], accept="*/*", deadline=Deadline(0.5))
    assert time.monotonic() - started < 2.5  # the stub would answer after 3 s


@pytest.mark.parametrize("path,error", [("/s1tat", QueryTimeout), ("/cancelled", QueryTimeout),
                                        ("/error", QueryFailed)])
def test_endpoint_refusals_are_store_errors(stub, path, error):
    with pytest.raises(error):
        SparqlClient(stub + path).post([("query", "ASK {}")], accept="*/*", deadline=Deadline(5))


def test_connections_are_kept_and_reused(stub):
    client = SparqlClient(stub + "/ok")
    for _ in range(3):
        with client.post([("query", "ASK {}")], accept="*/*", deadline=Deadline(5)) as response:
            response.read()
    assert client._local.connection is not None


def test_an_unreachable_endpoint_is_unavailable():
    from tests.live import free_port

    with pytest.raises(StoreUnavailable, match="cannot reach"):
        SparqlClient(f"http://127.0.0.1:{free_port()}/sparql").post([], accept="*/*", deadline=Deadline(5))


def test_no_endpoint_configured():
    with pytest.raises(StoreUnavailable, match="remote_endpoint"):
        open_store("remote", endpoint="")


# --- against Virtuoso ------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def stores(virtuoso, release):  # noqa: F811
    store_dir = release.release_dir / "store"
    with open_store("remote", endpoint=virtuoso.endpoint, store_dir=store_dir) as remote, \
            open_store("embedded", store_dir=store_dir) as embedded:
        yield remote, embedded


@pytest.mark.slow
def test_only_our_graphs_are_visible(stores):
    remote, embedded = stores
    seen = remote.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g", result_format=JSON,
                        timeout=10, max_rows=100)
    assert seen.body == embedded.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g",
                                       result_format=JSON, timeout=10, max_rows=100).body
    system = remote.query("ASK FROM <http://www.openlinksw.com/schemas/virtrdf#> { ?s ?p ?o }", result_format=JSON,
                          timeout=10, max_rows=1)
    assert system.body == b'{"head":{},"boolean":false}'
    assert remote.named_graphs() == embedded.named_graphs() and remote.counts() == embedded.counts()


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_truncation_is_signalled_as_by_the_embedded_store(stores, fmt):
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/kyodo-lod/def#CitizenGroup> } ORDER BY ?s"
    remote, embedded = (s.query(query, result_format=by_name(fmt), timeout=10, max_rows=5) for s in stores)
    assert remote.truncated and remote.row_count == 5 and remote.body == embedded.body


@pytest.mark.slow
def test_a_slow_query_stops_at_its_time_limit(stores):
    started = time.monotonic()
    with pytest.raises(QueryTimeout):
        stores[0].query("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }", result_format=JSON,
                        timeout=1.0, max_rows=10)
    assert time.monotonic() - started < 1.0 + GRACE + 2.0  # Virtuoso's answer, or our deadline, and slack


@pytest.mark.slow
def test_every_resource_is_described_as_by_the_embedded_store(stores, data_graph):
    remote, embedded = stores
    subjects = sorted({str(s) for s in data_graph.subjects() if isinstance(s, rdflib.URIRef)})
    for iri in subjects:
        mine, theirs = remote.describe(iri), embedded.describe(iri)
        assert isomorphic(mine.graph(), theirs.graph()), iri
        assert mine.graphs == theirs.graphs and mine.truncated == theirs.truncated, iri
    assert remote.exists(subjects[0]) and not remote.exists(BASE + "id/group/nobody")


@pytest.mark.slow
@pytest.mark.parametrize("graph", [None, f"{BASE}graph/groups"], ids=["union", "groups"])
def test_dumps_are_the_same_graphs(stores, graph):
    remote, embedded = (rdflib.Graph().parse(data=s.dump(by_name("ntriples"), graph=graph), format="nt")
                        for s in stores)
    assert isomorphic(remote, embedded)


@pytest.mark.slow
def test_dataset_dump(stores):
    remote, embedded = (rdflib.Dataset().parse(data=s.dump(by_name("nquads")), format="nquads") for s in stores)
    for name in stores[1].named_graphs():
        assert isomorphic(remote.graph(rdflib.URIRef(name)), embedded.graph(rdflib.URIRef(name))), name


@pytest.mark.slow
def test_a_store_for_another_release_refuses(virtuoso):  # noqa: F811
    store = open_store("remote", endpoint=virtuoso.endpoint, version="1999-01-01-000000000000")
    with pytest.raises(StoreUnavailable, match="holds release"):
        store.query("ASK {}", result_format=JSON, timeout=5, max_rows=1)


@pytest.mark.slow
def test_the_build_loads_a_remote_store(tmp_path, settings):
    from publisher.build import run_build
    from publisher.store.virtuoso import VirtuosoServer, virtuoso_binary
    from publisher.store.virtuoso_load import loaded_meta
    from tests.test_remote_store_support import NOT_INSTALLED

    if virtuoso_binary() is None:
        pytest.skip(NOT_INSTALLED)
    output = tmp_path / "dist"
    output.mkdir()
    with VirtuosoServer.start(tmp_path / "virtuoso", dirs_allowed=[output]) as server:
        remote = settings.replace(output_dir=output, store="remote", remote_endpoint=server.endpoint,
                                  remote_isql=f"127.0.0.1:{server.sql_port}")
        result = run_build(remote)
        assert loaded_meta(server.isql)[0] == result.version
        with open_store("remote", endpoint=server.endpoint, store_dir=result.release_dir / "store") as store:
            assert store.counts()["total"] == result.quads
