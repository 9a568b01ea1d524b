"""Messages: the shapes' sh:message when there is one (in each language it has), else generated from the constraint,
always in both ja and en, saying which value is wrong and what is expected. Data and shapes inline."""
from __future__ import annotations

import pytest
from rdflib import Graph

from publisher.validation import validate_graph

PREFIXES = """@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> . @prefix kd: <https://w3id.org/kyodo-lod/def#> .
"""
DATA = PREFIXES + """
ex:a a ex:Thing ; ex:year "R7" ; ex:phone "0762202026" ; ex:label "Name"@fr , "名前"@ja , "別名"@ja ;
     ex:kind ex:other ; ex:count 3 , 4 ; ex:link "not an IRI" ; ex:code "TOOLONG" ; ex:size -1 ; ex:partner ex:b .
ex:b a ex:Other .
"""

CASES = [  # (constraint, expected value and parameter in the English message, the same in the Japanese one)
    ("sh:path ex:missing ; sh:minCount 1", ["ex:missing", "at least 1"], ["ex:missing", "1 個以上"]),
    ("sh:path ex:count ; sh:maxCount 1", ["ex:count", "at most 1"], ["ex:count", "1 個以下"]),
    ("sh:path ex:year ; sh:datatype xsd:gYear", ['"R7"', "xsd:gYear", "2025"], ['"R7"', "xsd:gYear", "例: 2025"]),
    ("sh:path ex:phone ; sh:pattern \"^0[0-9]+-\"", ['"0762202026"', '"^0[0-9]+-"'], ['"0762202026"', "パターン"]),
    ("sh:path ex:partner ; sh:class ex:Thing", ["ex:b is not of the class ex:Thing"], ["ex:Thing", "ではありません"]),
    ("sh:path ex:label ; sh:languageIn ( \"ja\" \"en\" )", ['"Name"@fr', "@fr", '"ja", "en"'], ["@fr", '"ja", "en"']),
    ("sh:path ex:label ; sh:uniqueLang true", ["ex:label", "same language"], ["ex:label", "同じ言語"]),
    ("sh:path ex:link ; sh:nodeKind sh:IRI", ['"not an IRI"', "an IRI"], ['"not an IRI"', "IRIにしてください"]),
    ("sh:path ex:code ; sh:maxLength 3", ['"TOOLONG"', "at most 3"], ['"TOOLONG"', "3 文字以下"]),
    ("sh:path ex:size ; sh:minInclusive 0", ["-1", "0 or more"], ["-1", "0 以上"]),
    ("sh:path ex:kind ; sh:in ( ex:one ex:two )", ["ex:other", "ex:one, ex:two"], ["ex:other", "ex:one, ex:two"]),
    ("sh:path ex:kind ; sh:hasValue ex:one", ["ex:kind", "ex:one"], ["ex:kind", "ex:one", "必要"]),
]


def run(shape_body: str, data: str = DATA):
    shapes = Graph().parse(data=PREFIXES + f"ex:S a sh:NodeShape ; sh:targetClass ex:Thing ; {shape_body} .",
                           format="turtle")
    return validate_graph(Graph().parse(data=data, format="turtle"), shapes, Graph())


@pytest.mark.parametrize("constraint,english,japanese", CASES, ids=[c[0].split(";")[1].split()[0] for c in CASES])
def test_a_constraint_without_sh_message_gets_a_generated_message_in_both_languages(constraint, english, japanese):
    report = run(f"sh:property [ {constraint} ]")
    assert report.results, "the case must fail"
    result = report.results[0]
    for part in english:
        assert part in result.messages["en"], (part, result.messages["en"])
    for part in japanese:
        assert part in result.messages["ja"], (part, result.messages["ja"])
    assert result.expected and result.expected.startswith("sh:")


def test_the_shapes_messages_win_in_the_languages_they_have():
    report = run('sh:property [ sh:path ex:missing ; sh:minCount 1 ; sh:message "欠けています"@ja ]')
    [result] = report.results
    assert result.messages["ja"] == "欠けています"
    assert result.messages["en"] == "ex:missing is missing: give at least 1 value(s)"


def test_an_untagged_sh_message_is_taken_as_the_language_it_is_written_in():
    report = run('sh:property [ sh:path ex:missing ; sh:minCount 1 ; sh:message "Add ex:missing." ]')
    [result] = report.results
    assert result.messages["en"] == "Add ex:missing."
    assert "ex:missing" in result.messages["ja"] and "がありません" in result.messages["ja"]


def test_generated_messages_go_into_the_report_graph_too():
    from publisher.vocab import SH
    report = run("sh:property [ sh:path ex:missing ; sh:minCount 1 ]")
    [node] = report.report_graph.subjects(SH.resultPath, None)
    languages = {m.language for m in report.report_graph.objects(node, SH.resultMessage)}
    assert {"ja", "en"} <= languages


def test_a_sparql_constraint_keeps_its_own_message():
    report = run("""sh:sparql [ sh:message "値が多すぎます"@ja , "Too many values"@en ;
        sh:select "SELECT $this WHERE { $this <https://example.org/count> ?c . FILTER(?c > 3) }" ]""")
    [result] = report.results
    assert result.messages == {"en": "Too many values", "ja": "値が多すぎます"}


def test_complex_paths_are_written_like_sparql_property_paths():
    report = run("sh:property [ sh:path ( ex:partner [ sh:inversePath ex:partner ] ) ; sh:maxCount 0 ]")
    [result] = report.results
    assert result.path_text == "ex:partner/^ex:partner"
    assert result.path == "ex:partner/^ex:partner"


def test_property_shapes_are_named_by_their_node_shape_and_path():
    report = run("sh:property [ sh:path ex:missing ; sh:minCount 1 ]")
    assert report.results[0].shape_name == "ex:S/ex:missing"
