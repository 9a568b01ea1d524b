"""The SPARQL 1.1 Service Description of /sparql, stating only what the endpoint really does.

- Query language SPARQL 1.1 Query only: updates are refused, and no update language is claimed.
- sd:UnionDefaultGraph: without FROM or protocol graphs, the default graph is the RDF merge of all the
  named graphs (publisher.store.base). No sd:BasicFederatedQuery (SERVICE is refused) and no
  sd:DereferencesURIs (FROM and default-graph-uri name graphs in the store and fetch nothing).
- One sd:resultFormat per format the endpoint writes, named by its W3C formats IRI.
- The default dataset with its default graph and every named graph, each with void:triples.
"""
from __future__ import annotations

import json

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, VOID, XSD

from ..formats import Format, by_name, formats_for
from ..store import StoreError

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
W3C_FORMATS = Namespace("http://www.w3.org/ns/formats/")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")
FORMAT_IRIS = {
    "json": W3C_FORMATS.SPARQL_Results_JSON, "xml": W3C_FORMATS.SPARQL_Results_XML,
    "csv": W3C_FORMATS.SPARQL_Results_CSV, "tsv": W3C_FORMATS.SPARQL_Results_TSV,
    "turtle": W3C_FORMATS.Turtle, "jsonld": W3C_FORMATS["JSON-LD"], "ntriples": W3C_FORMATS["N-Triples"],
    "rdfxml": W3C_FORMATS.RDF_XML,
}
UNION_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"


def document(release, fmt: Format, settings) -> bytes:
    """The description in `fmt`, made once per release and format.

    IRIs are under the configured base (the endpoint is <base>sparql): the web layer rewrites them to the
    host that serves the request, so the cache does not grow with the Host headers it is sent.
    """
    key = ("service-description", fmt.name)
    if key not in release.cache:
        graph = describe(settings.base_iri + "sparql", named_graph_counts(release.store),
                         union_triples(release.store, settings.query_timeout),
                         timeout=settings.query_timeout, max_rows=settings.max_rows)
        release.cache[key] = graph.serialize(format=fmt.rdflib, encoding="utf-8")
    return release.cache[key]


def named_graph_counts(store) -> dict[str, int]:
    counts = store.counts()["graphs"]
    return {name: counts.get(name, 0) for name in store.named_graphs()}


def union_triples(store, timeout: float) -> int | None:
    """Distinct triples in the default graph (the union); None when it cannot be counted in time."""
    try:
        answer = store.query(UNION_COUNT, result_format=by_name("json"), timeout=timeout, max_rows=1)
    except StoreError:
        return None
    return int(json.loads(answer.body)["results"]["bindings"][0]["n"]["value"])


def describe(endpoint: str, graphs: dict[str, int], union: int | None, *, timeout: float, max_rows: int) -> Graph:
    graph = Graph()
    for prefix, namespace in (("sd", SD), ("formats", W3C_FORMATS), ("ent", ENTAILMENT), ("void", VOID)):
        graph.bind(prefix, namespace)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    for fmt in result_formats():
        graph.add((service, SD.resultFormat, FORMAT_IRIS[fmt.name]))
    add_text(graph, service, RDFS.label, "金沢市 協働のまちづくりオープンデータ SPARQL エンドポイント",
             "SPARQL endpoint of the Kanazawa collaborative town-building open data")
    add_text(graph, service, RDFS.comment,
             f"読み取り専用です。更新と SERVICE は受け付けません。クエリは{timeout:g}秒で打ち切られ、"
             f"結果は最大{max_rows}行（トリプル）です。",
             f"Read-only: updates and SERVICE are refused. Queries are stopped after {timeout:g} s and answers "
             f"hold at most {max_rows} rows (or triples).")
    graph.add((service, SD.defaultDataset, default_dataset(graph, graphs, union)))
    return graph


def default_dataset(graph: Graph, graphs: dict[str, int], union: int | None) -> BNode:
    dataset, default = BNode(), BNode()
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    add_text(graph, default, RDFS.comment, "既定グラフは、下の名前付きグラフすべての和（マージ）です。",
             "The default graph is the union (RDF merge) of all the named graphs below.")
    if union is not None:
        graph.add((default, VOID.triples, Literal(union, datatype=XSD.integer)))
    for name, count in graphs.items():
        named, content = BNode(), BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
        graph.add((named, SD.graph, content))
        graph.add((content, RDF.type, SD.Graph))
        graph.add((content, VOID.triples, Literal(count, datatype=XSD.integer)))
    return dataset


def result_formats() -> list[Format]:
    seen: dict[str, Format] = {}
    for kind in ("select", "ask", "graph"):
        for fmt in formats_for(kind):
            seen.setdefault(fmt.name, fmt)
    return list(seen.values())


def add_text(graph: Graph, subject, predicate, ja: str, en: str) -> None:
    graph.add((subject, predicate, Literal(ja, lang="ja")))
    graph.add((subject, predicate, Literal(en, lang="en")))
