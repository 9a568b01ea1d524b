"""VoID statistics equal the counts SPARQL gives over the dump; linksets to e-Stat and DBpedia."""
from __future__ import annotations

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import VOID

from publisher.iris import GRAPHS

from .conftest import BASE

WHOLE = URIRef(BASE + "id/dataset/kanazawa-kyodo")
STATISTICS = {
    VOID.triples: "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { %s } }",
    VOID.distinctSubjects: "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { %s }",
    VOID.distinctObjects: "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { %s }",
    VOID.properties: "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { %s }",
    VOID.classes: "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { %s FILTER(?p = rdf:type) }",
    VOID.entities: "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { %s "
                   f"FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{BASE}id/')) }}",
}


@pytest.fixture(scope="module")
def void(release):
    return Graph().parse(release.release_dir / "downloads" / "void.ttl", format="turtle")


@pytest.fixture(scope="module")
def dump(release):
    dataset = Dataset()
    dataset.parse(release.release_dir / "kyodo.nq", format="nquads")
    return dataset


def count(dump, query: str, graph: URIRef | None) -> int:
    pattern = f"GRAPH <{graph}> {{ ?s ?p ?o }}" if graph else "GRAPH ?g { ?s ?p ?o }"
    (row,) = dump.query("PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" + query % pattern)
    return int(row[0])


@pytest.mark.parametrize("statistic", list(STATISTICS), ids=lambda s: s.rsplit("#", 1)[-1])
@pytest.mark.parametrize("graph", [None, *GRAPHS], ids=lambda g: g or "whole")
def test_void_statistics_equal_sparql_counts(void, dump, graph, statistic):
    dataset = URIRef(f"{BASE}graph/{graph}") if graph else WHOLE
    declared = void.value(dataset, statistic)
    assert declared is not None
    assert int(declared) == count(dump, STATISTICS[statistic], URIRef(f"{BASE}graph/{graph}") if graph else None)


def test_class_partitions_count_instances(void, dump):
    for partition in void.objects(URIRef(BASE + "graph/groups"), VOID.classPartition):
        cls = void.value(partition, VOID["class"])
        query = f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{BASE}graph/groups> {{ ?s a <{cls}> }} }}"
        (row,) = dump.query(query)
        assert int(void.value(partition, VOID.entities)) == int(row[0])


def test_access_points_and_vocabularies(void, release):
    assert void.value(WHOLE, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    dumps = {str(d) for d in void.objects(WHOLE, VOID.dataDump)}
    assert f"{BASE}releases/{release.version}/kyodo.nq" in dumps
    assert URIRef(f"{BASE}releases/{release.version}/kyodo-groups.ttl") in set(
        void.objects(URIRef(BASE + "graph/groups"), VOID.dataDump))
    vocabularies = {str(v) for v in void.objects(WHOLE, VOID.vocabulary)}
    expected = {"http://imi.go.jp/ns/core/rdf#", "https://w3id.org/kyodo-lod/def#", "http://www.w3.org/ns/org#"}
    assert expected <= vocabularies


def test_linksets_to_estat_and_dbpedia_count_the_links(void, dump):
    targets = {}
    for linkset in void.subjects(VOID.linkPredicate, None):
        target = void.value(void.value(linkset, VOID.objectsTarget), VOID.uriSpace)
        predicate = void.value(linkset, VOID.linkPredicate)
        query = (f"SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?o WHERE {{ GRAPH ?g {{ ?s <{predicate}> ?o }} "
                 f"FILTER(isIRI(?o) && STRSTARTS(STR(?o), '{target}')) }} }}")
        (row,) = dump.query(query)
        assert int(void.value(linkset, VOID.triples)) == int(row[0]) > 0
        targets.setdefault(str(target), set()).add(str(predicate))
    assert set(targets) == {"http://data.e-stat.go.jp/lod/", "http://ja.dbpedia.org/resource/"}
    assert "https://schema.org/sameAs" in targets["http://ja.dbpedia.org/resource/"]
    assert "http://purl.org/dc/terms/spatial" in targets["http://data.e-stat.go.jp/lod/"]
