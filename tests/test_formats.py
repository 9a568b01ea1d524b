"""Content negotiation and the format table (publisher.formats)."""
from __future__ import annotations

import io

import pyoxigraph as ox
import pytest
import rdflib
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from publisher import formats
from publisher.formats import by_extension, by_name, default_format, lookup, negotiate

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
SPARQLWRAPPER_JSON = "application/sparql-results+json,application/json,text/javascript,application/javascript"


@pytest.mark.parametrize("accept, kind, param, expected", [
    (None, "select", None, "json"),
    ("", "select", None, "json"),
    ("*/*", "select", None, "json"),
    ("*/*", "graph", None, "turtle"),
    ("*/*", "ask", None, "json"),
    ("*/*", "dataset", None, "trig"),
    ("application/sparql-results+xml", "select", None, "xml"),
    ("text/csv", "select", None, "csv"),
    ("text/tab-separated-values", "select", None, "tsv"),
    ("application/json", "select", None, "json"),
    ("application/json", "graph", None, "jsonld"),
    (SPARQLWRAPPER_JSON, "select", None, "json"),
    ("text/*", "select", None, "csv"),
    ("text/*", "graph", None, "turtle"),
    ("application/*", "graph", None, "jsonld"),
    ("text/csv;q=0.5, application/sparql-results+xml", "select", None, "xml"),
    ("*/*;q=0.1, text/tab-separated-values", "select", None, "tsv"),
    ("application/n-triples", "graph", None, "ntriples"),
    ("application/rdf+xml", "graph", None, "rdfxml"),
    ("application/ld+json;profile=\"http://www.w3.org/ns/json-ld#expanded\"", "graph", None, "jsonld"),
    (BROWSER, "graph", None, "rdfxml"),
    ("application/n-quads", "dataset", None, "nquads"),
    ("image/png", "select", None, None),
    ("text/csv", "ask", None, None),
    ("text/plain", "graph", None, None),
    ("text/csv;q=0", "select", None, None),
    ("text/turtle", "select", None, None),
    ("application/sparql-results+json", "select", "csv", "csv"),
    ("text/turtle", "graph", "jsonld", "jsonld"),
    (None, "graph", "ttl", "turtle"),
    (None, "graph", "json", "jsonld"),
    (None, "select", "json", "json"),
    (None, "graph", "xml", "rdfxml"),
    (None, "select", "text/tab-separated-values", "tsv"),
    (None, "graph", "Application/N-Triples", "ntriples"),
    (None, "select", "turtle", None),
    (None, "select", "nonsense", None),
], ids=lambda value: str(value))
def test_negotiate(accept, kind, param, expected):
    chosen = negotiate(accept, kind, param)
    assert (chosen.name if chosen else None) == expected


def test_negotiate_takes_werkzeugs_accept_object():
    accept = parse_accept_header("text/csv;q=0.9, application/sparql-results+xml", MIMEAccept)
    assert negotiate(accept, "select").name == "xml"
    assert negotiate(MIMEAccept(), "graph").name == "turtle"


def test_unknown_kind():
    with pytest.raises(ValueError, match="unknown kind"):
        negotiate("*/*", "update")


@pytest.mark.parametrize("fmt", formats.FORMATS, ids=lambda f: f.name)
def test_each_format_is_known_to_both_libraries(fmt):
    holder = ox.QueryResultsFormat if fmt.is_results else ox.RdfFormat
    assert fmt.oxigraph_format() == getattr(holder, fmt.oxigraph)
    assert fmt.oxigraph_format().media_type.split(";")[0] == fmt.media_type
    plugin_kind = rdflib.query.ResultParser if fmt.is_results else rdflib.parser.Parser
    assert rdflib.plugin.get(fmt.rdflib, plugin_kind)
    assert lookup(fmt.name, next(iter(fmt.kinds))) == fmt
    assert by_extension(fmt.extension) == fmt and by_name(fmt.name) == fmt


@pytest.mark.parametrize("name, content_type", [
    ("csv", "text/csv; charset=utf-8"), ("turtle", "text/turtle; charset=utf-8"),
    ("json", "application/sparql-results+json"), ("jsonld", "application/ld+json"),
])
def test_content_type(name, content_type):
    assert by_name(name).content_type == content_type


def test_defaults():
    assert [default_format(k).name for k in formats.KINDS] == ["json", "json", "turtle", "trig"]


def test_rdflib_writes_tsv_results_that_parse_back():
    """rdflib ships a TSV results parser only; publisher.formats registers the serializer."""
    graph = rdflib.Graph()
    graph.parse(data='<http://x/a> <http://x/p> "タブ\\tと改行\\n"@ja , 42 , _:b .', format="turtle")
    result = graph.query("SELECT ?s ?o ?missing WHERE { ?s ?p ?o }")
    body = result.serialize(format="tsv")
    assert body.splitlines()[0] == b"?s\t?o\t?missing"
    assert all(line.count(b"\t") == 2 for line in body.splitlines())
    parsed = rdflib.query.Result.parse(io.BytesIO(body), format="tsv")
    as_rows = lambda rows: sorted(  # noqa: E731
        tuple("BNODE" if isinstance(t, rdflib.BNode) else t for t in row) for row in rows)
    assert as_rows(parsed) == as_rows(result)
