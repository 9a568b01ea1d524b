"""Every report format parses with the standard tool for it, for SHACL results and for input problems alike."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF

from publisher.errors import Location, Problem
from publisher.report_formats import RENDERERS, render_text
from publisher.settings import ROOT
from publisher.validation import problems_report, validate_graph
from publisher.vocab import SH

FIXTURE_SHAPES = ROOT / "tests" / "fixtures" / "validate" / "shapes.ttl"
DATA = """@prefix kd: <https://w3id.org/kyodo-lod/def#> . @prefix ic: <http://imi.go.jp/ns/core/rdf#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . @prefix schema: <https://schema.org/> .
<https://x.jp/id/project/p1> a kd:ChallengeProject ; kd:fiscalYear "R7" ; kd:proposer <https://x.jp/id/group/g1> .
<https://x.jp/id/group/g1> a kd:CitizenGroup ; rdfs:label "G"@ja ;
    ic:連絡先 [ a ic:連絡先型 ; ic:電話番号 "0762202026" ] .
"""


@pytest.fixture(scope="module")
def shacl_report(ontology):
    data = Graph().parse(data=DATA, format="turtle")
    return validate_graph(data, Graph().parse(FIXTURE_SHAPES), ontology)


@pytest.fixture(scope="module")
def input_report():
    return problems_report([
        Problem(Location("data/groups.yaml", 12, 5, "groups.kbf.nickname"), "unknown field 'nickname'",
                "不明な項目 'nickname' です", "unknown-field"),
        Problem(Location("data/plans.yaml", 3, 1), "YAML syntax error", "YAML の構文エラー", "syntax"),
    ])


def test_the_shacl_report_has_violations_and_a_warning(shacl_report):
    assert shacl_report.counts["violation"] >= 4 and shacl_report.counts["warning"] == 1
    assert shacl_report.exit_code() == 1


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_json_parses_and_carries_both_languages(shacl_report, lang):
    document = json.loads(RENDERERS["json"](shacl_report, lang))
    assert document["conforms"] is False and document["lang"] == lang
    assert len(document["results"]) == len(shacl_report.results)
    for result in document["results"]:
        assert set(result["messages"]) >= {"ja", "en"} and result["message"] == result["messages"][lang]
        assert result["focus"] and result["path"] and result["shape_name"]


def test_junit_has_one_case_per_focus_node_and_shape(shacl_report):
    root = ET.fromstring(RENDERERS["junit"](shacl_report, "en"))
    cases = root.findall("./testsuite/testcase")
    keys = {(r.shape_name, r.focus_text) for r in shacl_report.results}
    assert len(cases) == len(keys) == int(root.get("tests"))
    assert {(c.get("classname"), c.get("name")) for c in cases} == keys
    failing = [c for c in cases if c.find("failure") is not None]
    assert len(failing) == int(root.get("failures")) == len(keys) - 1, "the warning's case passes"
    year = next(c for c in cases if c.get("classname") == "kdsh:ChallengeProjectShape/kd:fiscalYear")
    assert "xsd:gYear" in year.find("failure").get("message")
    assert "の値として正しくありません" in year.find("failure").text, "the body has the other language too"


def test_junit_in_strict_mode_fails_the_warning_too(shacl_report):
    root = ET.fromstring(RENDERERS["junit"](shacl_report, "en", strict=True))
    assert root.get("failures") == root.get("tests")


def test_turtle_is_the_shacl_report_graph_with_messages_in_both_languages(shacl_report):
    graph = Graph().parse(data=RENDERERS["turtle"](shacl_report, "en"), format="turtle")
    [report] = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(False)
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(shacl_report.results)
    for node in results:
        assert {"ja", "en"} <= {m.language for m in graph.objects(node, SH.resultMessage)}


def test_html_is_a_page_with_a_row_per_result(shacl_report):
    class Rows(HTMLParser):
        rows = 0

        def handle_starttag(self, tag, attrs):
            self.rows += tag == "tr"

    parser = Rows()
    parser.feed(RENDERERS["html"](shacl_report, "ja"))
    assert parser.rows == len(shacl_report.results) + 1


def test_text_in_each_language(shacl_report):
    english, japanese = render_text(shacl_report, "en"), render_text(shacl_report, "ja")
    assert "violation: " in english and english.splitlines()[-1].startswith("does not conform: ")
    assert "違反: " in japanese and japanese.splitlines()[-1].startswith("不適合: ")
    assert 'value "0762202026"' in english and '値 "0762202026"' in japanese


def test_input_problems_in_every_format(input_report):
    assert input_report.exit_code() == 2, "a syntax error means the input could not be read"
    document = json.loads(RENDERERS["json"](input_report, "en"))
    assert [(r["file"], r["line"], r["code"]) for r in document["results"]] == [
        ("data/groups.yaml", 12, "unknown-field"), ("data/plans.yaml", 3, "syntax")]
    root = ET.fromstring(RENDERERS["junit"](input_report, "ja"))
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "1", "1")
    graph = Graph().parse(data=RENDERERS["turtle"](input_report, "en"), format="turtle")
    assert len(list(graph.subjects(RDF.type, SH.ValidationResult))) == 2
    focus = {str(o) for o in graph.objects(None, SH.focusNode)}
    assert any(iri.startswith("file://") and iri.endswith("groups.yaml#line=12") for iri in focus)
    text = render_text(input_report, "en").splitlines()
    assert text[0] == "data/groups.yaml:12:5 (groups.kbf.nickname): error: unknown field 'nickname'"


def test_a_conforming_report_is_one_passing_junit_case(ontology):
    report = validate_graph(Graph(), Graph().parse(FIXTURE_SHAPES), ontology)
    root = ET.fromstring(RENDERERS["junit"](report, "en"))
    assert (root.get("tests"), root.get("failures")) == ("1", "0")
    assert json.loads(RENDERERS["json"](report, "en"))["conforms"] is True
