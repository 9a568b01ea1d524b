"""The DCAT 3 catalog: datasets with their metadata, a distribution for every file, the SPARQL service, versions."""
from __future__ import annotations

import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, XSD

from publisher.downloads import read_index
from publisher.iris import GRAPHS

from .conftest import BASE

SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
WHOLE = URIRef(BASE + "id/dataset/kanazawa-kyodo")


@pytest.fixture(scope="module")
def catalog(release):
    return Graph().parse(release.release_dir / "downloads" / "catalog.ttl", format="turtle")


@pytest.fixture(scope="module")
def index(release):
    return read_index(release.release_dir)


def datasets():
    return [WHOLE] + [URIRef(f"{BASE}graph/{name}") for name in GRAPHS]


def test_the_catalog_lists_every_dataset_and_the_sparql_service(catalog):
    (cat,) = catalog.subjects(RDF.type, DCAT.Catalog)
    assert set(datasets()) <= set(catalog.objects(cat, DCAT.dataset))
    assert (cat, DCTERMS.license, CC_BY) in catalog
    (service,) = catalog.objects(cat, DCAT.service)
    assert (service, RDF.type, DCAT.DataService) in catalog
    assert (service, DCAT.endpointURL, URIRef(BASE + "sparql")) in catalog
    assert set(datasets()) <= set(catalog.objects(service, DCAT.servesDataset))


@pytest.mark.parametrize("dataset", datasets(), ids=lambda d: d.rsplit("/", 1)[-1])
def test_each_dataset_carries_the_metadata_a_portal_needs(catalog, dataset):
    def langs(predicate):
        return {o.language for o in catalog.objects(dataset, predicate)}
    assert {"ja", "en"} <= langs(DCTERMS.title) and {"ja", "en"} <= langs(DCTERMS.description)
    assert {"ja", "en"} <= langs(DCAT.keyword)
    assert list(catalog.objects(dataset, DCAT.theme))
    assert (dataset, DCTERMS.publisher, URIRef(BASE + "id/org/kanazawa-city")) in catalog
    contact = catalog.value(dataset, DCAT.contactPoint)
    assert (contact, RDF.type, VCARD.Organization) in catalog
    assert (contact, VCARD.hasEmail, URIRef("mailto:kyoudou@city.kanazawa.lg.jp")) in catalog
    assert catalog.value(dataset, DCTERMS.issued) == Literal("2026-11-22", datatype=XSD.date)
    assert catalog.value(dataset, DCTERMS.modified) is not None
    assert catalog.value(dataset, DCTERMS.accrualPeriodicity) == URIRef("http://purl.org/cld/freq/annual")
    assert (dataset, DCTERMS.spatial, URIRef("http://data.e-stat.go.jp/lod/sac/C17201")) in catalog
    assert (dataset, DCTERMS.license, CC_BY) in catalog
    assert (dataset, DCTERMS.conformsTo, URIRef("https://w3id.org/kyodo-lod/shapes")) in catalog
    period = catalog.value(dataset, DCTERMS.temporal)
    assert catalog.value(period, DCAT.startDate) <= catalog.value(period, DCAT.endDate)


def test_temporal_coverage_is_computed_from_the_data(catalog):
    period = catalog.value(URIRef(BASE + "graph/projects"), DCTERMS.temporal)
    # The 2014 adoption (a calendar year) to the FY2026 call opening in April 2026.
    assert (str(catalog.value(period, DCAT.startDate)), str(catalog.value(period, DCAT.endDate))) == \
        ("2014-01-01", "2026-04-30")
    period = catalog.value(URIRef(BASE + "graph/plan"), DCTERMS.temporal)
    assert str(catalog.value(period, DCAT.endDate)) == "2021-03-31", "the 2016 plan runs to the end of FY2020"


def test_every_file_is_a_distribution_with_its_size_and_checksum(catalog, index, release):
    files = [f for f in index["files"] if f["distribution"]]
    assert {f["name"] for f in index["files"] if not f["distribution"]} == {
        "catalog.ttl", "void.ttl", "validation-report.ttl", "validation-report.json", "validation-report.html"}
    urls = {}
    for dist in catalog.subjects(RDF.type, DCAT.Distribution):
        urls[str(catalog.value(dist, DCAT.downloadURL))] = dist
    assert len(urls) == len(files)
    for entry in files:
        dist = urls[f"{BASE}releases/{release.version}/{entry['name']}"]
        assert catalog.value(dist, DCAT.byteSize) == Literal(entry["size"], datatype=XSD.nonNegativeInteger)
        checksum = catalog.value(dist, SPDX.checksum)
        assert catalog.value(checksum, SPDX.algorithm) == SPDX.checksumAlgorithm_sha256
        assert str(catalog.value(checksum, SPDX.checksumValue)) == entry["sha256"]
        assert catalog.value(dist, DCAT.mediaType) is not None and catalog.value(dist, DCTERMS.format) is not None
        assert (dist, DCTERMS.license, CC_BY) in catalog
        owner = WHOLE if entry["dataset"] == "all" else URIRef(f"{BASE}graph/{entry['dataset']}")
        assert (owner, DCAT.distribution, dist) in catalog
        if entry["compressed"]:
            assert catalog.value(dist, DCAT.compressFormat) == \
                URIRef("http://www.iana.org/assignments/media-types/application/gzip")


def test_the_release_is_a_version_of_the_dataset(catalog, release):
    current = URIRef(f"{BASE}releases/{release.version}/")
    assert (WHOLE, DCAT.hasCurrentVersion, current) in catalog
    assert (current, DCAT.version, Literal(release.version)) in catalog
    assert (current, DCTERMS.isVersionOf, WHOLE) in catalog


def test_the_dataset_metadata_is_the_builds_catalog_graph(catalog, data_graph):
    """Titles and the attribution come from data/dataset.yaml through the built catalog graph."""
    for triple in data_graph.triples((WHOLE, DCTERMS.title, None)):
        assert triple in catalog
    publisher = URIRef(BASE + "id/org/kanazawa-city")
    assert (publisher, FOAF.name, Literal("金沢市", lang="ja")) in catalog


def test_the_release_validation_report_is_served_and_linked_from_the_catalog(client):
    """The latest validation report of the published data is itself published, linked as DQV quality metadata."""
    from rdflib import Graph, Namespace, URIRef
    from rdflib.namespace import RDF

    dqv = Namespace("http://www.w3.org/ns/dqv#")
    catalog = Graph().parse(data=client.get("/catalog.ttl").get_data(as_text=True), format="turtle")
    reports = {str(o) for o in catalog.objects(None, dqv.hasQualityMetadata)}
    assert {r.rsplit("/", 1)[1] for r in reports} == {"validation-report.ttl", "validation-report.json",
                                                       "validation-report.html"}
    for report in reports:
        assert (URIRef(report), RDF.type, dqv.QualityMetadata) in catalog
        path = "/" + report.split("/", 3)[3]
        response = client.get(path)
        assert response.status_code == 200, path
    served = client.get("/" + next(r for r in reports if r.endswith(".json")).split("/", 3)[3]).get_json()
    assert served["conforms"] is True
