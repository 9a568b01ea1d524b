"""The vocabulary parses, documents every term in ja and en, and covers every term the data uses."""
from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from publisher.vocab import KD, KD_NS, ONTOLOGY_IRI, PREFIXES

STANDARD = [PREFIXES[p] for p in ("ic", "org", "schema", "skos", "dcterms", "dcat", "prov", "foaf", "void", "rdf",
                                  "rdfs", "owl", "xsd")]


def our_terms(ontology: Graph) -> set[URIRef]:
    return {s for s in ontology.subjects() if isinstance(s, URIRef) and str(s).startswith(KD_NS)}


def test_ontology_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for predicate in ("versionInfo", "versionIRI"):
        assert ontology.value(ONTOLOGY_IRI, OWL[predicate]) is not None
    assert str(ontology.value(ONTOLOGY_IRI, URIRef("http://purl.org/vocab/vann/preferredNamespacePrefix"))) == "kd"
    assert ontology.value(ONTOLOGY_IRI, URIRef("http://purl.org/dc/terms/license")) is not None


def test_every_term_has_ja_and_en_label_and_comment(ontology):
    missing = []
    for term in our_terms(ontology):
        for predicate in (RDFS.label, RDFS.comment):
            langs = {o.language for o in ontology.objects(term, predicate)}
            if not {"ja", "en"} <= langs:
                missing.append((term, predicate))
        if (term, RDFS.isDefinedBy, ONTOLOGY_IRI) not in ontology:
            missing.append((term, RDFS.isDefinedBy))
    assert missing == []


def test_defined_namespace_matches_the_ontology(ontology):
    assert {URIRef(KD_NS + name) for name in KD.__annotations__} == our_terms(ontology)


def test_every_class_and_property_used_in_the_data_is_defined_or_standard(ontology, data_graph):
    used = set(data_graph.predicates()) | set(data_graph.objects(None, RDF.type))
    unknown = [t for t in used if not str(t).startswith(tuple(STANDARD)) and t not in our_terms(ontology)]
    assert unknown == []
    ours = [t for t in used if str(t).startswith(KD_NS)]
    assert ours and all((t, RDF.type, None) in ontology for t in ours)


@pytest.mark.parametrize("cls", ["CitizenGroup", "ChallengeProject", "Division", "Measure", "Plan"])
def test_our_classes_align_to_standard_ones(ontology, cls):
    parents = set(ontology.objects(KD[cls], RDFS.subClassOf))
    assert any(str(p).startswith(tuple(STANDARD)) for p in parents)
