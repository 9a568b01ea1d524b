"""No request makes the server connect anywhere: a listener on 127.0.0.1 records zero connections.

SERVICE, FROM, FROM NAMED, LOAD, the protocol's graph parameters, DESCRIBE of a remote IRI, and JSON-LD with a
remote @context posted to every route that accepts POST (no route parses JSON-LD: it is refused unread).
"""
from __future__ import annotations

import json
import time

import pytest
import requests

from tests.conftest import connection_listener

SERVICE_REFUSED = "403: SERVICE (federated query) is not allowed: this endpoint does not query other servers."
UPDATE_REFUSED = "403: This endpoint is read-only: SPARQL Update is not accepted, and nothing was changed."


def update_in_query(word: str) -> str:
    return f"403: Updates are not accepted here; this endpoint is read-only (found {word})."


REFUSED = [  # (id, query with {url}, first line of the text/plain answer)
    ("service", "SELECT * WHERE { SERVICE <{url}> { ?s ?p ?o } }", SERVICE_REFUSED),
    ("service-silent", "SELECT * WHERE { SERVICE SILENT <{url}> { ?s ?p ?o } }", SERVICE_REFUSED),
    ("service-lowercase", "select * where { service <{url}> { ?s ?p ?o } }", SERVICE_REFUSED),
    ("service-variable", "SELECT * WHERE { VALUES ?e { <{url}> } SERVICE ?e { ?s ?p ?o } }", SERVICE_REFUSED),
    ("service-in-optional", "SELECT * WHERE { ?a ?b ?c OPTIONAL { SERVICE <{url}> { ?s ?p ?o } } } LIMIT 1",
     SERVICE_REFUSED),
    ("service-in-exists", "ASK { FILTER EXISTS { SERVICE <{url}> { ?s ?p ?o } } }", SERVICE_REFUSED),
    ("service-glued", "SELECT * WHERE { ?s ?p trueSERVICE<{url}>{ ?x ?y ?z } }", SERVICE_REFUSED),
    ("load", "LOAD <{url}>", update_in_query("LOAD")),
    ("load-into", "LOAD SILENT <{url}> INTO GRAPH <urn:g>", update_in_query("LOAD")),
    ("insert-then-select", "INSERT DATA { <urn:a> <urn:b> <urn:c> } ; SELECT * {}", update_in_query("INSERT")),
]
ANSWERED_EMPTY = [  # FROM / FROM NAMED name graphs in the store: nothing is fetched, and there is no such graph
    ("from", "SELECT ?s FROM <{url}> WHERE { ?s ?p ?o }"),
    ("from-named", "SELECT ?s FROM NAMED <{url}> WHERE { GRAPH ?g { ?s ?p ?o } }"),
    ("graph", "SELECT ?s WHERE { GRAPH <{url}> { ?s ?p ?o } }"),
    ("iri-function", "SELECT ?s WHERE { BIND(IRI(\"{url}\") AS ?s) ?s ?p ?o }"),
]


def assert_no_connection(seen: list) -> None:
    time.sleep(0.15)  # the server answers after any connection it makes: one would be in the backlog
    assert seen == []


@pytest.mark.parametrize("template,message", [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED])
@pytest.mark.parametrize("how", ["get", "post-form", "post-direct"])
def test_federation_and_load_are_refused_without_connecting(endpoint, template, message, how):
    with connection_listener() as (url, seen):
        answer = send(endpoint, template.replace("{url}", url), how, "text/plain")
        assert (answer.status_code, answer.text.splitlines()[0]) == (403, message)
        assert_no_connection(seen)


@pytest.mark.parametrize("template", [c[1] for c in ANSWERED_EMPTY], ids=[c[0] for c in ANSWERED_EMPTY])
@pytest.mark.parametrize("how", ["get", "post-form", "post-direct"])
def test_graph_names_are_looked_up_in_the_store_only(endpoint, template, how):
    with connection_listener() as (url, seen):
        answer = send(endpoint, template.replace("{url}", url), how, "application/sparql-results+json")
        assert answer.status_code == 200
        assert answer.json() == {"head": {"vars": ["s"]}, "results": {"bindings": []}}
        assert_no_connection(seen)


def test_describe_of_a_remote_iri_fetches_nothing(endpoint):
    with connection_listener() as (url, seen):
        answer = send(endpoint, f"DESCRIBE <{url}>", "get", "application/n-triples")
        assert (answer.status_code, answer.text) == (200, "")
        assert_no_connection(seen)


@pytest.mark.parametrize("parameter", ["default-graph-uri", "named-graph-uri"])
def test_protocol_graph_parameters_fetch_nothing(endpoint, parameter):
    with connection_listener() as (url, seen):
        answer = requests.get(endpoint, params={"query": "SELECT * WHERE { ?s ?p ?o }", "format": "json",
                                                parameter: url}, timeout=30)
        assert answer.status_code == 200 and answer.json()["results"]["bindings"] == []
        assert_no_connection(seen)


def test_an_update_parameter_is_refused_without_connecting(endpoint):
    with connection_listener() as (url, seen):
        answer = requests.post(endpoint, data={"update": f"LOAD <{url}>"}, headers={"Accept": "text/plain"},
                               timeout=30)
        assert (answer.status_code, answer.text.splitlines()[0]) == (403, UPDATE_REFUSED)
        answer = requests.post(endpoint, data=f"LOAD <{url}>", timeout=30, headers={
            "Content-Type": "application/sparql-update", "Accept": "text/plain"})
        assert (answer.status_code, answer.text.splitlines()[0]) == (403, UPDATE_REFUSED)
        assert_no_connection(seen)


# --- JSON-LD with a remote @context, posted everywhere -----------------------------------------------

def post_routes(app) -> list[str]:
    """Every rule that accepts POST, as a concrete path."""
    return sorted({rule.rule for rule in app.url_map.iter_rules() if "POST" in rule.methods})


def test_only_the_sparql_endpoint_accepts_post(app):
    assert post_routes(app) == ["/sparql"]


@pytest.mark.parametrize("content_type", ["application/ld+json", "application/json", "application/rdf+xml",
                                          "text/turtle", "application/trig"])
def test_rdf_bodies_with_remote_context_are_refused_unread(live_server, app, content_type):
    with connection_listener() as (url, seen):
        document = json.dumps({"@context": url + "context.jsonld", "@id": "urn:x", "name": "x"})
        for path in post_routes(app):
            answer = requests.post(live_server + path.lstrip("/"), data=document, timeout=30,
                                   headers={"Content-Type": content_type, "Accept": "text/plain"})
            assert answer.status_code == 415
            assert answer.text.splitlines()[0] == (
                f"415: Unsupported Content-Type '{content_type}': POST the query as "
                "application/x-www-form-urlencoded (query=…) or as application/sparql-query.")
        assert_no_connection(seen)


def test_json_ld_posted_to_get_only_routes_is_405(live_server, app):
    with connection_listener() as (url, seen):
        document = json.dumps({"@context": url, "@id": "urn:x"})
        paths = sorted({r.rule for r in app.url_map.iter_rules() if "POST" not in r.methods and "<" not in r.rule})
        for path in paths:
            answer = requests.post(live_server + path.lstrip("/"), data=document, timeout=30,
                                   headers={"Content-Type": "application/ld+json", "Accept": "text/plain"})
            assert answer.status_code == 405, path
            assert "POST" not in answer.headers["Allow"] and "GET" in answer.headers["Allow"]
        assert_no_connection(seen)


# --- helpers -----------------------------------------------------------------------------------------

def send(endpoint: str, query: str, how: str, accept: str) -> requests.Response:
    headers = {"Accept": accept}
    if how == "get":
        return requests.get(endpoint, params={"query": query}, headers=headers, timeout=30)
    if how == "post-form":
        return requests.post(endpoint, data={"query": query}, headers=headers, timeout=30)
    return requests.post(endpoint, data=query.encode(), timeout=30,
                         headers={**headers, "Content-Type": "application/sparql-query"})


# --- the CLI: `kyodo validate` on a JSON-LD file ---------------------------------------------------------

def test_kyodo_validate_does_not_fetch_a_remote_json_ld_context(tmp_path):
    from click.testing import CliRunner

    from publisher.cli import main

    with connection_listener() as (url, seen):
        document = tmp_path / "remote.jsonld"
        document.write_text(json.dumps({"@context": url + "context.jsonld", "@id": "http://example.org/a",
                                        "name": "a"}), "utf-8")
        result = CliRunner().invoke(main, ["validate", str(document), "--lang", "en"])
        assert result.exit_code == 2 and "remote @context" in result.output
        assert_no_connection(seen)
