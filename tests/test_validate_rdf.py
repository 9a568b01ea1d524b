"""RDF input: the data with errors injected as triples; each result names the focus node, the path and the file."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, Literal, URIRef

from publisher.cli import main
from publisher.settings import ROOT
from publisher.validation import data_union, load_turtle_folder
from publisher.vocab import IC, KD, ONTOLOGY_IRI, SHAPES_IRI

from .conftest import BASE

FIXTURE_SHAPES = ROOT / "tests" / "fixtures" / "validate" / "shapes.ttl"
REAL_SHAPES = ROOT / "shapes" / "kyodo-shapes.ttl"
PROJECT = URIRef(BASE + "id/project/r07-birdconnect")
DIVISION = BASE + "id/org/shimin-kyodo-suishin-ka"
FORMATS = {"turtle": "ttl", "nt": "nt", "json-ld": "jsonld", "xml": "rdf"}
SHAPE_FILES = [FIXTURE_SHAPES] + ([REAL_SHAPES] if REAL_SHAPES.exists() else [])


@pytest.fixture(scope="module")
def broken_graph(source_data) -> Graph:
    """The real data, then a project without kd:program and a division's phone number without hyphens."""
    graph = Graph()
    for triple in data_union(source_data.dataset):
        graph.add(triple)
    graph.remove((PROJECT, KD.program, None))
    contact = graph.value(URIRef(DIVISION), IC.連絡先)
    graph.set((contact, IC.電話番号, Literal("0762202026")))
    return graph


def validate_json(*args: str) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["validate", *args, "--format", "json"], env={"KYODO_CONFIG": ""},
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout)


def violations(report: dict) -> list[dict]:
    return [r for r in report["results"] if r["severity"] == "violation"]


@pytest.mark.parametrize("shapes", SHAPE_FILES, ids=lambda p: p.parent.name)
@pytest.mark.parametrize("fmt", FORMATS, ids=str)
def test_injected_errors_come_back_with_focus_node_path_and_file(broken_graph, tmp_path, fmt, shapes):
    path = tmp_path / f"kyodo.{FORMATS[fmt]}"
    broken_graph.serialize(path, format=fmt)
    code, report = validate_json(str(path), "--shapes", str(shapes))
    assert code == 1
    found = violations(report)
    program = [r for r in found if r["focus"] == str(PROJECT) and r["path"] == str(KD.program)]
    assert program and program[0]["code"] == "MinCount" and program[0]["file"] == str(path)
    phone = [r for r in found if r["path"] == str(IC.電話番号)]
    assert phone and phone[0]["value"] == "0762202026" and phone[0]["file"] == str(path)
    assert phone[0]["focus"].startswith("_:") and phone[0]["focus_text"] == f"<{DIVISION}> ic:連絡先 [ ]"
    for result in found:
        assert result["line"] is None, "RDF input has no line numbers"
        assert result["messages"]["ja"] and result["messages"]["en"]


def test_a_release_in_trig_is_validated_without_its_ontology_and_shapes_graphs(broken_graph, tmp_path):
    """kyodo.trig carries the ontology and the shapes as named graphs: they are not data."""
    dataset = Dataset()
    target = dataset.graph(URIRef(BASE + "graph/projects"))
    for triple in broken_graph:
        target.add(triple)
    shapes_graph = dataset.graph(SHAPES_IRI)
    for triple in Graph().parse(FIXTURE_SHAPES):
        shapes_graph.add(triple)
    ontology_graph = dataset.graph(ONTOLOGY_IRI)
    for triple in load_turtle_folder(ROOT / "ontology"):
        ontology_graph.add(triple)
    path = tmp_path / "kyodo.trig"
    dataset.serialize(path, format="trig")
    code, report = validate_json(str(path), "--shapes", str(FIXTURE_SHAPES))
    assert code == 1
    assert report["triples"] == len(broken_graph)
    assert {r["path"] for r in violations(report)} == {str(KD.program), str(IC.電話番号)}


def test_results_from_several_files_name_the_file_each_focus_node_is_in(broken_graph, tmp_path):
    first, second = Graph(), Graph()
    for s, p, o in broken_graph:
        (first if str(s) == str(PROJECT) else second).add((s, p, o))
    first.serialize(tmp_path / "project.ttl", format="turtle")
    second.serialize(tmp_path / "rest.nt", format="nt")
    code, report = validate_json(str(tmp_path / "project.ttl"), str(tmp_path / "rest.nt"), "--shapes",
                                 str(FIXTURE_SHAPES))
    files = {r["path"]: r["file"] for r in violations(report)}
    assert files == {str(KD.program): str(tmp_path / "project.ttl"), str(IC.電話番号): str(tmp_path / "rest.nt")}


def test_clean_rdf_conforms(source_data, tmp_path):
    path = tmp_path / "clean.ttl"
    data_union(source_data.dataset).serialize(path, format="turtle")
    code, report = validate_json(str(path), "--shapes", str(FIXTURE_SHAPES))
    assert (code, report["conforms"], report["counts"]["violation"]) == (0, True, 0)


def test_text_report_for_rdf_shows_file_focus_and_path(broken_graph, tmp_path):
    path = tmp_path / "kyodo.ttl"
    broken_graph.serialize(path, format="turtle")
    result = CliRunner().invoke(main, ["validate", str(path), "--shapes", str(FIXTURE_SHAPES), "--lang", "en"],
                                env={"KYODO_CONFIG": ""})
    lines = result.stdout.splitlines()
    index = next(i for i, line in enumerate(lines) if "An adopted project needs its program" in line)
    assert lines[index].startswith(f"{path}: violation: ")
    assert f"focus <{PROJECT}>" in lines[index + 1] and "path kd:program" in lines[index + 1]
