"""VoID for the same data, served at /.well-known/void: statistics computed from the built dataset
(rdflib.void.generateVoID, plus void:entities), the SPARQL endpoint, the dumps, the vocabularies used,
and linksets to the external datasets we link to (e-Stat statistical LOD, Japanese DBpedia).

The whole dataset is every graph of the dump (data, ontology, shapes) counted as distinct triples; each
data graph is a void:subset. void:entities counts the IRIs under void:uriSpace (<base>id/) that are
subjects. Class and property partitions are blank nodes.
"""
from __future__ import annotations

from collections import Counter

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, VOID, XSD
from rdflib.void import generateVoID

from ..vocab import PREFIXES
from .dcat import download_url
from .files import FileEntry
from .meta import DatasetMeta

EXTERNAL = {
    "estat": ("http://data.e-stat.go.jp/lod/", "http://data.e-stat.go.jp/",
              {"ja": "統計LOD（e-Stat）", "en": "Statistical LOD (e-Stat)"}),
    "dbpedia-ja": ("http://ja.dbpedia.org/resource/", "http://ja.dbpedia.org/",
                   {"ja": "DBpedia 日本語版", "en": "DBpedia Japanese"}),
}
FEATURES = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF_XML",
            "trig": "TriG", "nquads": "N-Quads"}


def void_iri(base: str) -> URIRef:
    return URIRef(f"{base}.well-known/void")


def void_graph(dataset: Dataset, meta: DatasetMeta, entries: list[FileEntry], version: str) -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    doc = void_iri(meta.base)
    graph.add((doc, RDF.type, VOID.DatasetDescription))
    graph.add((doc, FOAF.primaryTopic, meta.iri))
    for lang, text in meta.title.items():
        graph.add((doc, DCTERMS.title, Literal(f"{text}（VoID）" if lang == "ja" else f"{text} (VoID)", lang=lang)))
    whole = Graph()
    for quad_graph in dataset.graphs():
        for triple in quad_graph:
            whole.add(triple)
    add_statistics(graph, meta.iri, whole, meta.base)
    describe(graph, meta, meta.iri, entries, "all", version)
    for part in meta.parts.values():
        graph.add((meta.iri, VOID.subset, part.iri))
        add_statistics(graph, part.iri, dataset.graph(part.iri), meta.base)
        describe(graph, meta, part.iri, entries, part.name, version)
    add_vocabularies(graph, meta.iri, whole)
    add_linksets(graph, meta, whole)
    return graph


def add_statistics(graph: Graph, iri: URIRef, data: Graph, base: str) -> None:
    stats, _ = generateVoID(data, dataset=iri)
    renamed: dict = {}
    for s, p, o in stats:
        if p in (VOID.classPartition, VOID.propertyPartition):
            renamed.setdefault(o, BNode())
    for s, p, o in stats:
        graph.add((renamed.get(s, s), p, renamed.get(o, o)))
    graph.add((iri, VOID.entities, Literal(count_entities(data, base), datatype=XSD.integer)))


def count_entities(data: Graph, base: str) -> int:
    return len({s for s in data.subjects() if isinstance(s, URIRef) and str(s).startswith(base + "id/")})


def describe(graph: Graph, meta: DatasetMeta, iri: URIRef, entries: list[FileEntry], dataset: str,
             version: str) -> None:
    graph.add((iri, RDF.type, VOID.Dataset))
    title = meta.title if dataset == "all" else meta.parts[dataset].title
    for lang, text in title.items():
        graph.add((iri, DCTERMS.title, Literal(text, lang=lang)))
    graph.add((iri, VOID.sparqlEndpoint, URIRef(f"{meta.base}sparql")))
    graph.add((iri, VOID.uriSpace, Literal(f"{meta.base}id/")))
    graph.add((iri, DCTERMS.license, URIRef(meta.license)))
    if meta.publisher is not None:
        graph.add((iri, DCTERMS.publisher, meta.publisher))
    for entry in entries:
        if entry.dataset == dataset and entry.kind in FEATURES:
            graph.add((iri, VOID.dataDump, download_url(meta.base, version, entry.name)))
            graph.add((iri, VOID.feature, URIRef(f"http://www.w3.org/ns/formats/{FEATURES[entry.kind]}")))


def add_vocabularies(graph: Graph, iri: URIRef, data: Graph) -> None:
    """The namespaces of the predicates and classes the data uses (those we know a prefix for)."""
    used = {str(p) for p in data.predicates()} | {str(o) for o in data.objects(None, RDF.type)}
    for namespace in sorted(set(PREFIXES.values())):
        if any(term.startswith(namespace) for term in used):
            graph.add((iri, VOID.vocabulary, URIRef(namespace)))


def add_linksets(graph: Graph, meta: DatasetMeta, data: Graph) -> None:
    """One void:Linkset per external dataset and link predicate, with the number of links."""
    doc = void_iri(meta.base)
    for key, (space, homepage, title) in EXTERNAL.items():
        counts = Counter(p for _s, p, o in data if isinstance(o, URIRef) and str(o).startswith(space))
        if not counts:
            continue
        target = URIRef(f"{doc}#{key}")
        graph.add((target, RDF.type, VOID.Dataset))
        graph.add((target, FOAF.homepage, URIRef(homepage)))
        graph.add((target, VOID.uriSpace, Literal(space)))
        for lang, text in title.items():
            graph.add((target, DCTERMS.title, Literal(text, lang=lang)))
        for index, (predicate, count) in enumerate(sorted(counts.items()), start=1):
            linkset = URIRef(f"{doc}#{key}-links-{index}")
            graph.add((meta.iri, VOID.subset, linkset))
            graph.add((linkset, RDF.type, VOID.Linkset))
            graph.add((linkset, VOID.subjectsTarget, meta.iri))
            graph.add((linkset, VOID.objectsTarget, target))
            graph.add((linkset, VOID.linkPredicate, predicate))
            graph.add((linkset, VOID.triples, Literal(count, datatype=XSD.integer)))
