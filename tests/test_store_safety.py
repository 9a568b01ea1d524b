"""What we refuse to run, what must never reach the network, and where syntax errors are."""
from __future__ import annotations

import json
import socket
import time

import pytest

from tests.conftest import connection_listener

from publisher.formats import by_name
from publisher.store import QueryRefused, QuerySyntaxError, QueryTooLarge
from publisher.store.scan import analyze, scan
from tests.test_store_data import store, store_dir  # noqa: F401

JSON = by_name("json")
URL = "http://127.0.0.1:{port}/sparql"


@pytest.fixture()
def listener():
    """A TCP listener on 127.0.0.1 that records every connection made to it; yields (port, seen)."""
    with connection_listener() as (url, seen):
        yield int(url.rsplit(":", 1)[1].strip("/")), seen


def run(store, sparql: str, **kwargs) -> bytes:
    return store.query(sparql, result_format=kwargs.pop("result_format", JSON), timeout=10,
                       max_rows=100, **kwargs).body


SERVICE_QUERIES = {
    "top-level": "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "lower-case": "select * where { service <{url}> { ?s ?p ?o } }",
    "silent": "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }",
    "variable": "SELECT * WHERE { BIND(<{url}> AS ?e) SERVICE ?e { ?s ?p ?o } }",
    "in-optional": "SELECT * WHERE { ?s ?p ?o OPTIONAL { SERVICE <{url}> { ?s ?q ?r } } }",
    "in-union": "SELECT * WHERE { { ?s ?p ?o } UNION { SERVICE <{url}> { ?s ?p ?o } } }",
    "in-minus": "SELECT * WHERE { ?s ?p ?o MINUS { SERVICE <{url}> { ?s ?p ?o } } }",
    "in-exists": "SELECT * WHERE { ?s ?p ?o FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }",
    "in-subquery": "SELECT * WHERE { { SELECT ?s WHERE { SERVICE <{url}> { ?s ?p ?o } } } }",
    "in-construct": "CONSTRUCT { ?s ?p ?o } WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "in-ask": "ASK { SERVICE <{url}> { ?s ?p ?o } }",
    "in-describe": "DESCRIBE ?s WHERE { SERVICE <{url}> { ?s ?p ?o } }",
    "after-comment": "SELECT * WHERE { # a comment\nSERVICE <{url}> { ?s ?p ?o } }",
    "no-spaces": "SELECT * WHERE {{}SERVICE<{url}>{?s ?p ?o}}",
    "after-dot": "SELECT * WHERE { ?s ?p ?o.SERVICE<{url}>{} }",
    "after-language-tag": 'SELECT * WHERE { ?s ?p "x"@en.SERVICE<{url}>{} }',
    # Oxigraph's parser needs no word boundary after a keyword or literal: these run SERVICE.
    "glued-to-true": "SELECT * WHERE { ?s ?p trueSERVICE<{url}>{} }",
    "glued-to-number": "SELECT * WHERE { ?s ?p 1SERVICE<{url}>{} }",
    "glued-silent": "PREFIX : <{url}> SELECT * WHERE { ?s ?p ?o . ServiceSilent:{} }",
    "empty-prefix-name": "PREFIX : <{url}> SELECT * WHERE { SERVICE:{ ?s ?p ?o } }",
}

HARMLESS = {
    "string": 'SELECT * WHERE { ?s ?p "SERVICE <{url}> {}" }',
    "long-string": "SELECT * WHERE { ?s ?p '''\nSERVICE <{url}> {}\n''' }",
    "escaped-quote-in-string": 'SELECT * WHERE { ?s ?p "\\" SERVICE <{url}> {} #" }',
    "iri": "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
    "prefixed-name": "PREFIX ex: <http://example.org/> SELECT * WHERE { ?s ex:SERVICE ?o }",
    "variable": "SELECT ?service WHERE { ?service ?p ?o }",
    "comment": "SELECT * WHERE { ?s ?p ?o } # SERVICE <{url}> {}",
}

UPDATES = {
    "insert-data": "INSERT DATA { <http://x/s> <http://x/p> 1 }",
    "delete-data": "DELETE DATA { <http://x/s> <http://x/p> 1 }",
    "delete-where": "DELETE WHERE { ?s ?p ?o }",
    "modify-with": "WITH <http://x/g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "load": "LOAD <{url}>",
    "load-into": "LOAD SILENT <{url}> INTO GRAPH <http://x/g>",
    "clear": "CLEAR ALL",
    "create": "CREATE GRAPH <http://x/g>",
    "drop": "DROP GRAPH <http://x/g>",
    "copy": "COPY <http://x/a> TO <http://x/b>",
    "move": "MOVE DEFAULT TO <http://x/b>",
    "add": "ADD <http://x/a> TO <http://x/b>",
    "query-then-update": "SELECT * { ?s ?p ?o } ; DROP ALL",
}


@pytest.mark.parametrize("template", SERVICE_QUERIES.values(), ids=SERVICE_QUERIES.keys())
def test_service_is_refused_before_evaluation(store, listener, template):
    port, seen = listener
    with pytest.raises(QueryRefused) as refused:
        run(store, template.replace("{url}", URL.format(port=port)))
    assert "SERVICE" in refused.value.message("en") and "SERVICE" in refused.value.message("ja")
    time.sleep(0.05)
    assert seen == []


@pytest.mark.parametrize("template", HARMLESS.values(), ids=HARMLESS.keys())
def test_service_in_strings_iris_and_names_is_fine(store, listener, template):
    port, seen = listener
    run(store, template.replace("{url}", URL.format(port=port)))
    time.sleep(0.05)
    assert seen == []


@pytest.mark.parametrize("query", [
    "SELECT * FROM <{url}> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "CONSTRUCT { ?s ?p ?o } FROM <{url}> WHERE { ?s ?p ?o }",
], ids=["from", "from-named", "construct-from"])
def test_from_never_fetches(store, listener, query):
    """FROM names a graph in the store: it is empty here, and nothing is fetched."""
    port, seen = listener
    body = run(store, query.replace("{url}", URL.format(port=port)),
               result_format=by_name("turtle" if query.startswith("CONSTRUCT") else "json"))
    assert body.strip() == b"" or json.loads(body)["results"]["bindings"] == []
    time.sleep(0.05)
    assert seen == []


def test_protocol_graph_uris_never_fetch(store, listener):
    port, seen = listener
    url = URL.format(port=port)
    run(store, "SELECT * WHERE { ?s ?p ?o }", default_graph_uris=[url], named_graph_uris=[url])
    time.sleep(0.05)
    assert seen == []


def test_listener_sees_a_real_connection(listener):
    """The control: the listener does record connections."""
    port, seen = listener
    socket.create_connection(("127.0.0.1", port)).close()
    time.sleep(0.3)
    assert len(seen) == 1


@pytest.mark.parametrize("update", UPDATES.values(), ids=UPDATES.keys())
def test_updates_are_refused(store, update):
    with pytest.raises(QueryRefused) as refused:
        run(store, update.replace("{url}", "http://127.0.0.1:9/x"))
    assert "read-only" in refused.value.message("en")
    assert "読み取り専用" in refused.value.message("ja")


@pytest.mark.parametrize("text", ["", "   ", "# only a comment"], ids=["empty", "blank", "comment"])
def test_an_empty_query_is_refused(store, text):
    with pytest.raises(QueryRefused, match="empty"):
        run(store, text)


@pytest.mark.parametrize("text, line, column", [
    ("SELEC * {}", 1, 1),
    ('"SELECT"', 1, 1),
    ("PREFIX ex: <http://x/>\nBASE <http://y/>\n  SELCT ?s { ?s ?p ?o }", 3, 3),
    ("PREFIX ex: <http://x/>", 1, 23),
], ids=["typo", "string", "after-prologue", "prologue-only"])
def test_text_without_a_query_form_is_a_syntax_error(store, text, line, column):
    with pytest.raises(QuerySyntaxError, match="expected SELECT, ASK, CONSTRUCT or DESCRIBE") as error:
        run(store, text)
    assert (error.value.line, error.value.column) == (line, column)


def test_a_too_long_query_is_refused():
    with pytest.raises(QueryTooLarge) as error:
        analyze("SELECT * WHERE { ?s ?p ?o } #" + "x" * 200, max_length=100)
    assert error.value.limit == 100 and "100" in error.value.message("ja")


def test_bad_graph_uri_is_refused(store):
    with pytest.raises(QueryRefused, match="default-graph-uri"):
        run(store, "SELECT * { ?s ?p ?o }", default_graph_uris=["not an iri"])


@pytest.mark.parametrize("query, kind, form", [
    ("PREFIX ex: <http://x/> SELECT * { ?s ?p ?o }", "select", "SELECT"),
    ("ask {}", "ask", "ASK"),
    ("CONSTRUCT WHERE { ?s ?p ?o }", "graph", "CONSTRUCT"),
    ("DESCRIBE <http://x/a>", "graph", "DESCRIBE"),
    ("# SELECT\nASK { ?s ?p 'SELECT' }", "ask", "ASK"),
    ("CONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s ?p ?o { ?s ?p ?o } } }", "graph", "CONSTRUCT"),
], ids=["select", "ask-lower", "construct", "describe", "comment-and-string", "subquery"])
def test_query_kind(query, kind, form):
    info = analyze(query)
    assert (info.kind, info.form, info.uses_service) == (kind, form, False)


def test_scan_finds_prefixes_and_dataset_clause():
    info = scan("PREFIX ic: <http://imi.go.jp/ns/core/rdf#>\nSELECT * FROM <http://x/g> { ?s ?p ?o }")
    assert info.prefixes == {"ic": "http://imi.go.jp/ns/core/rdf#"} and info.has_dataset_clause


# --- syntax errors ------------------------------------------------------------------------------

@pytest.mark.parametrize("query, line, column, words", [
    ("SELECT * WHERE { ?s ?p }", 1, 18, "Expected"),
    ("PREFIX ic: <http://imi.go.jp/ns/core/rdf#>\nSELECT * WHERE {\n  ?s ic:名称 ?o .\n"
     "  FILTER(?o = )\n}", 4, 3, "Expected"),
    ("SELECT * WHERE { ?s ex:p ?o }", 1, 21, "prefix ex: is not declared"),
    ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s", 1, None, "unbound"),
    ("SELECT (1 AS ?x) (2 AS ?x) {}", 1, None, "Duplicated variable"),
], ids=["missing-object", "multi-line", "undeclared-prefix", "ungrouped-variable",
        "duplicate-variable"])
def test_syntax_error_has_line_and_column(store, query, line, column, words):
    with pytest.raises(QuerySyntaxError) as error:
        run(store, query)
    assert error.value.line == line
    if column is not None:
        assert error.value.column == column
    assert error.value.column is not None
    assert words in error.value.detail
    assert f"line {line}, column {error.value.column}" in error.value.message("en")
    assert f"{line}行{error.value.column}列" in error.value.message("ja")
