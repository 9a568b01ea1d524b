"""Against the real server: every distribution in the catalog is served with its media type, size and checksum."""
from __future__ import annotations

import hashlib

import pytest
import requests
from rdflib import Graph, Namespace
from rdflib.namespace import DCAT, RDF

from .conftest import BASE

SPDX = Namespace("http://spdx.org/rdf/terms#")
IANA = "http://www.iana.org/assignments/media-types/"


@pytest.fixture(scope="module")
def catalog(live_server):
    response = requests.get(live_server + "catalog", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    assert "Accept" in response.headers.get("Vary", "")
    return Graph().parse(data=response.text, format="turtle")


def local(url: str, live_server: str) -> str:
    return live_server + str(url)[len(BASE):] if str(url).startswith(BASE) else str(url)


def distributions(catalog):
    return sorted(catalog.subjects(RDF.type, DCAT.Distribution))


def test_the_served_catalog_is_rewritten_to_this_host(catalog, live_server):
    urls = [str(catalog.value(d, DCAT.downloadURL)) for d in distributions(catalog)]
    assert len(urls) > 60 and all(url.startswith(live_server + "releases/") for url in urls)


def test_every_distribution_is_served_as_declared(catalog, live_server):
    session = requests.Session()
    for dist in distributions(catalog):
        url = str(catalog.value(dist, DCAT.downloadURL))
        response = session.get(url, headers={"Accept-Encoding": "identity"}, timeout=30)
        assert response.status_code == 200, url
        declared = str(catalog.value(dist, DCAT.compressFormat) or catalog.value(dist, DCAT.mediaType))
        assert response.headers["Content-Type"].split(";")[0].strip() == declared[len(IANA):], url
        size = int(catalog.value(dist, DCAT.byteSize))
        assert int(response.headers["Content-Length"]) == len(response.content) == size, url
        checksum = catalog.value(dist, SPDX.checksum)
        assert hashlib.sha256(response.content).hexdigest() == str(catalog.value(checksum, SPDX.checksumValue)), url


def test_compressed_transfer_still_gives_the_declared_bytes(catalog, live_server):
    """With gzip transfer coding (the server compresses text), the decoded body is the file."""
    csv = next(d for d in distributions(catalog) if str(catalog.value(d, DCAT.downloadURL)).endswith("_projects.csv"))
    response = requests.get(local(catalog.value(csv, DCAT.downloadURL), live_server), timeout=30)
    checksum = catalog.value(csv, SPDX.checksum)
    assert hashlib.sha256(response.content).hexdigest() == str(catalog.value(checksum, SPDX.checksumValue))


def test_csv_responses_link_their_csvw_metadata(live_server):
    response = requests.get(live_server + "downloads/172014_projects.csv", timeout=30)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8; header=present"
    link = response.links["describedby"]
    assert link["url"] == "csv-metadata.json" and link["type"] == "application/csvm+json"
    metadata = requests.get(requests.compat.urljoin(response.url, link["url"]), timeout=30)
    assert metadata.status_code == 200 and "172014_projects.csv" in metadata.text


def test_well_known_void_is_served(live_server):
    response = requests.get(live_server + ".well-known/void", timeout=30)
    assert response.status_code == 200 and response.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=response.text, format="turtle")
    assert len(graph) > 100
