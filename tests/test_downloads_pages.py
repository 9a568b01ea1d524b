"""The downloads, releases and catalog pages, and how files are served (test client)."""
from __future__ import annotations

import hashlib

import pytest

from publisher.downloads import read_index


@pytest.fixture(scope="module")
def index(release):
    return read_index(release.release_dir)


@pytest.mark.parametrize("lang,words", [("ja", ("ダウンロード", "サイズ", "最終更新", "出典：「")),
                                        ("en", ("Downloads", "Size", "Last changed", "Attribution"))])
def test_the_downloads_page_lists_every_file_with_its_facts(client, index, lang, words):
    response = client.get(f"/downloads?lang={lang}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    for word in words:
        assert word in page
    for entry in index["files"]:
        assert f'/downloads/{entry["name"]}"' in page and entry["sha256"] in page
        assert f'title="{entry["size"]} bytes"' in page
    assert page.count("CC BY 4.0") >= len(index["files"])
    assert "出典：「金沢市 協働のまちづくりオープンデータ」（金沢市）" in page


def test_a_file_is_served_byte_for_byte_with_validators(client, index):
    entry = next(e for e in index["files"] if e["name"] == "kyodo-groups.ttl")
    response = client.get("/downloads/kyodo-groups.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    assert hashlib.sha256(response.data).hexdigest() == entry["sha256"]
    assert response.headers["ETag"].strip('"') == entry["sha256"]
    assert response.headers["Repr-Digest"].startswith("sha-256=:")
    again = client.get("/downloads/kyodo-groups.ttl", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_a_release_keeps_its_own_urls(client, release, index):
    response = client.get(f"/releases/{release.version}/172014_plans.csv")
    assert response.status_code == 200
    assert "immutable" in response.headers["Cache-Control"]
    assert response.headers["Link"] == '<csv-metadata.json>; rel="describedby"; type="application/csvm+json"'
    page = client.get(f"/releases/{release.version}/").get_data(as_text=True)
    assert f"/releases/{release.version}/172014_plans.csv" in page
    assert release.version in client.get("/releases/").get_data(as_text=True)


def test_every_csv_response_links_its_metadata(client, index):
    for entry in index["files"]:
        if entry["kind"] == "csv":
            link = client.get(f"/downloads/{entry['name']}").headers["Link"]
            assert link.startswith(f'<{entry["extra"]["describedby"]}>; rel="describedby"')
            assert client.get(f"/downloads/{entry['extra']['describedby']}").status_code == 200


@pytest.mark.parametrize("path", ["/releases/no-such-release/172014_plans.csv", "/releases/..%2F..%2Fetc/passwd",
                                  "/downloads/no-such-file.csv", "/downloads/gone.json", "/releases/x/"])
def test_unknown_releases_and_files_are_404(client, path):
    assert client.get(path).status_code == 404


def test_the_catalog_is_a_page_for_browsers_and_rdf_for_machines(client):
    page = client.get("/catalog", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert "データカタログ" in text and "SPARQL" in text and "CC BY 4.0" in text
    for accept, kind in (("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
                         ("application/rdf+xml", "application/rdf+xml"),
                         ("application/n-triples", "application/n-triples")):
        response = client.get("/catalog", headers={"Accept": accept})
        assert response.status_code == 200 and response.mimetype == kind
        assert "Accept" in response.headers["Vary"]
    assert client.get("/catalog.ttl").mimetype == "text/turtle"
    assert client.get("/catalog?format=jsonld").mimetype == "application/ld+json"
    assert client.get("/catalog", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/catalog.xyz").status_code == 404


def test_served_rdf_documents_are_rewritten_to_this_host(client):
    text = client.get("/catalog.ttl").get_data(as_text=True)
    assert "http://localhost/releases/" in text and "https://data.example.jp/kyodo/releases/" not in text


def test_the_changelog_and_void_answer(client):
    assert client.get("/changelog").status_code == 200
    assert client.get("/changelog.json").get_json()["version"]
    assert client.get("/changelog.ttl").mimetype == "text/turtle"
    assert client.get("/.well-known/void").mimetype == "text/turtle"
    assert client.get("/.well-known/void", headers={"Accept": "application/ld+json"}).mimetype == "application/ld+json"
