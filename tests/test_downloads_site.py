"""`kyodo site OUTPUT_DIR` writes the complete site as static files."""
from __future__ import annotations

import hashlib

import pytest
from click.testing import CliRunner

from publisher.downloads import read_index
from publisher.cli import site

from .conftest import BASE

SITE_URL = "https://opendata.example.org/kanazawa/"


@pytest.fixture(scope="module")
def static_site(settings, release, tmp_path_factory):
    target = tmp_path_factory.mktemp("static") / "site"
    result = CliRunner().invoke(site, [str(target), "--releases-dir", str(settings.output_dir), "--base-iri", BASE,
                                       "--site-url", SITE_URL, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert f"wrote the static site to {target}" in result.output
    return target


def test_pages_and_catalog_documents_are_written(static_site):
    for name in ("index.html", "index.en.html", "downloads.html", "downloads.en.html", "catalog.html",
                 "changelog.html", "releases/index.html", "catalog.ttl", "catalog.jsonld", ".well-known/void",
                 ".well-known/void.ttl", "changelog.json", "static/site.css"):
        assert (static_site / name).is_file(), name


def test_every_file_of_the_release_is_copied_byte_for_byte(static_site, release):
    index = read_index(release.release_dir)
    for entry in index["files"]:
        for folder in ("downloads", f"releases/{release.version}"):
            data = (static_site / folder / entry["name"]).read_bytes()
            assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["name"]


def test_links_point_at_the_site_url(static_site):
    page = (static_site / "downloads.html").read_text("utf-8")
    assert f"{SITE_URL}downloads/172014_projects.csv" in page
    assert 'href="/kanazawa/static/site.css"' in page, "root-relative links get the site's path"
    assert "kyodo-site.invalid" not in page and "http://localhost" not in page
    catalog = (static_site / "catalog.ttl").read_text("utf-8")
    assert f"<{SITE_URL}releases/" in catalog


def test_resources_have_documents_when_the_app_renders_them(static_site):
    """Resource documents come from the linked-data blueprint; each id/ path gets a page that links there."""
    stub = static_site / "id" / "group" / "birdconnect.html"
    assert stub.is_file() and "../../doc/group/birdconnect.html" in stub.read_text("utf-8")
    doc = static_site / "doc" / "group" / "birdconnect.html"
    if doc.exists():
        assert (static_site / "doc" / "group" / "birdconnect.ttl").is_file()


def test_the_site_replaces_an_older_one_whole(settings, release, static_site):
    (static_site / "stale.html").write_text("old", "utf-8")
    result = CliRunner().invoke(site, [str(static_site), "--releases-dir", str(settings.output_dir),
                                       "--base-iri", BASE, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert not (static_site / "stale.html").exists()
    assert not [p for p in static_site.parent.iterdir() if p.name.startswith(".")]


def test_no_release_is_an_error_not_a_traceback(tmp_path):
    arguments = [str(tmp_path / "out"), "--releases-dir", str(tmp_path / "empty"), "--lang", "en"]
    result = CliRunner().invoke(site, arguments)
    assert result.exit_code == 2
    assert result.output.startswith("Error: no built release") and "Traceback" not in result.output
