"""A changelog between two builds lists exactly the edits; a removed resource answers 410 Gone."""
from __future__ import annotations

import datetime as dt
import json

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from publisher.downloads.changelog import compare, gone_note

from .conftest import BASE, copy_data

NEW_GROUP = BASE + "id/group/new-test-group"
REMOVED_EVENT = BASE + "id/event/kanazawa-castle-anoshu-trip-2025"
RETITLED = BASE + "id/project/r07-birdconnect"


def edit(data) -> None:
    """Add a group, remove an event, change a title."""
    groups = (data / "groups.yaml").read_text("utf-8")
    groups = groups.replace("# Activities of groups that the sources date.", (
        "  new-test-group:\n    name: {ja: テスト団体, en: Test group}\n    source: [newsletter-2025]\n\n"
        "# Activities of groups that the sources date."))
    start, end = groups.index("  kanazawa-castle-anoshu-trip-2025:"), groups.index("  challenge-results-presentation:")
    (data / "groups.yaml").write_text(groups[:start] + groups[end:], "utf-8")
    projects = (data / "projects.yaml").read_text("utf-8")
    (data / "projects.yaml").write_text(projects.replace("{ja: サニタリーケアから共生の輪を広げよう,",
                                                         "{ja: サニタリーケアで共生の輪を広げよう,"), "utf-8")


@pytest.fixture(scope="module")
def two_builds(settings, tmp_path_factory):
    from publisher.build import run_build

    tmp = tmp_path_factory.mktemp("changelog")
    data = copy_data(tmp)
    edited = settings.replace(data_dir=data, output_dir=tmp / "dist")
    first = run_build(edited, today=dt.date(2026, 11, 1))
    edit(data)
    second = run_build(edited, today=dt.date(2026, 11, 2))
    return edited, first, second


@pytest.fixture(scope="module")
def log(two_builds):
    _settings, _first, second = two_builds
    return json.loads((second.release_dir / "downloads" / "changelog.json").read_text("utf-8"))


def test_the_changelog_lists_exactly_the_edits(two_builds, log):
    _settings, first, second = two_builds
    assert (log["version"], log["previous"]) == (second.version, first.version)
    assert [c["iri"] for c in log["added"]] == [NEW_GROUP]
    assert [c["iri"] for c in log["removed"]] == [REMOVED_EVENT]
    assert [c["iri"] for c in log["changed"]] == [RETITLED]
    assert log["counts"] == {"added": 1, "removed": 1, "changed": 1}


def test_a_change_names_the_statements_added_and_removed(log):
    (change,) = log["changed"]
    assert any("サニタリーケアで共生の輪を広げよう" in line and "/dc/terms/title" in line for line in change["added"])
    assert any("サニタリーケアから共生の輪を広げよう" in line for line in change["removed"])
    assert len(change["added"]) == len(change["removed"]) == 3, "dcterms:title, rdfs:label, schema:name"
    assert log["removed"][0]["label"]["ja"] == "日帰り研修「穴太衆の里」"


def test_the_changelog_is_also_turtle(two_builds):
    _settings, _first, second = two_builds
    graph = Graph().parse(second.release_dir / "downloads" / "changelog.ttl", format="turtle")
    subjects = {str(o) for o in graph.objects(None, URIRef("http://purl.org/vocab/changeset/schema#subjectOfChange"))}
    assert subjects == {NEW_GROUP, REMOVED_EVENT, RETITLED}


def test_the_first_build_lists_everything_as_added(two_builds):
    _settings, first, _second = two_builds
    first_log = json.loads((first.release_dir / "downloads" / "changelog.json").read_text("utf-8"))
    assert first_log["previous"] is None and not first_log["removed"] and not first_log["changed"]
    assert REMOVED_EVENT in {c["iri"] for c in first_log["added"]}


def test_the_catalog_links_the_versions(two_builds):
    from rdflib.namespace import DCAT

    _settings, first, second = two_builds
    catalog = Graph().parse(second.release_dir / "downloads" / "catalog.ttl", format="turtle")
    current, previous = (URIRef(f"{BASE}releases/{r.version}/") for r in (second, first))
    assert (current, DCAT.previousVersion, previous) in catalog
    assert {current, previous} <= set(catalog.objects(URIRef(BASE + "id/dataset/kanazawa-kyodo"), DCAT.hasVersion))


def test_unchanged_files_keep_their_last_change_date(two_builds):
    _settings, _first, second = two_builds
    index = json.loads((second.release_dir / "downloads" / "downloads.json").read_text("utf-8"))
    files = {f["name"]: f for f in index["files"]}
    assert files["172014_plans.csv"]["last_changed"] == "2026-11-01", "the plans did not change"
    assert files["172014_projects.csv"]["last_changed"] == "2026-11-02", "a project title changed"


def test_gone_note_for_the_removed_event(two_builds):
    _settings, _first, second = two_builds
    note = gone_note(REMOVED_EVENT, second.release_dir)
    assert note["status"] == 410 and note["removed_in"] == second.version
    assert "日帰り研修「穴太衆の里」" in note["message"]["ja"] and "removed" in note["message"]["en"]
    assert gone_note(NEW_GROUP, second.release_dir) is None
    assert gone_note(RETITLED, second.release_dir) is None


@pytest.fixture(scope="module")
def edited_client(two_builds):
    from publisher.web import create_app

    settings, _first, _second = two_builds
    app = create_app(settings)
    app.config["TESTING"] = True
    yield app.test_client()
    app.config["KYODO_RELEASES"].close()


@pytest.mark.parametrize("accept,kind", [("text/html", "text/html"), ("application/json", "application/json"),
                                         ("text/turtle", "text/turtle")])
def test_the_removed_resource_answers_410_gone(edited_client, accept, kind):
    response = edited_client.get("/changelog/gone", query_string={"iri": REMOVED_EVENT}, headers={"Accept": accept})
    assert response.status_code == 410
    assert response.mimetype == kind
    assert "2026-11-01" in response.headers["Link"] and 'rel="predecessor-version"' in response.headers["Link"]
    if kind == "application/json":
        assert response.get_json()["removed_in"].startswith("2026-11-02")


def test_the_gone_check_takes_local_urls_and_refuses_what_was_never_removed(edited_client):
    assert edited_client.get("/changelog/gone", query_string={"iri": "http://localhost/id/event/"
                                                               "kanazawa-castle-anoshu-trip-2025"}).status_code == 410
    assert edited_client.get("/changelog/gone", query_string={"iri": RETITLED}).status_code == 404


def test_the_changelog_page_shows_the_edits(edited_client):
    page = edited_client.get("/changelog?lang=en").get_data(as_text=True)
    assert "Added (1)" in page and "Removed (1)" in page and "Changed (1)" in page
    assert "サニタリーケアで共生の輪を広げよう" in page and 'Day study trip "Village of the Anōshū"' in page.replace("&#34;", '"')
    assert "日帰り研修「穴太衆の里」" in edited_client.get("/changelog?lang=ja").get_data(as_text=True)


def test_renamed_blank_nodes_are_not_a_change():
    """Descriptions are compared in canonical form (regression guard for bnode labels)."""
    def described(label):
        graph, node = Graph(), BNode(label)
        graph.add((URIRef(BASE + "id/org/x"), URIRef("http://imi.go.jp/ns/core/rdf#名称"), node))
        graph.add((node, RDFS.label, Literal("名前", lang="ja")))
        return graph
    log = compare(described("a"), described("b"), "v2", "2026-01-02", "v1")
    assert not (log.added or log.removed or log.changed)
