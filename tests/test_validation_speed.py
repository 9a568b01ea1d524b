"""Faster SHACL validation with the same results: pySHACL sped up (publisher/shacl_speed.py) and large data
validated in forked processes (publisher/shacl_parallel.py). Timings are in bench/; these tests compare results.

Every comparison is of all the fields of every result (messages, locations and names included) as sorted lists, so a
result lost, added twice or changed fails; "before" is validate_graph as it was: one process, pySHACL's own list of
constraint parameters, advanced=True and the shapes graph itself.
"""
from __future__ import annotations

import dataclasses
import io
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pyshacl
import pyshacl.shape as shape_module
import pytest
from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF

from bench import generate
from publisher import shacl_parallel, validation
from publisher.errors import InputError
from publisher.shacl_parallel import merge_reports, processes_for
from publisher.shacl_results import ReportReader
from publisher.store.embedded import to_rdflib
from publisher.shacl_speed import ParameterList, ShapesView, needs_advanced, speed_up_pyshacl
from publisher.validation import validate_graph
from publisher.vocab import SH

FIXTURES = Path(__file__).resolve().parent / "shapes"
FAIL_FILES = sorted(FIXTURES.glob("*/fail*.ttl"))
KD = Namespace("https://w3id.org/kyodo-lod/def#")
IC = Namespace("http://imi.go.jp/ns/core/rdf#")
EX = Namespace("http://example.org/")
SH_PREFIX = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"
# Validation forks only from a single-threaded process (a fork could copy a lock another thread holds), and a whole
# test session has threads left by earlier tests: the tests marked so run in a fresh pytest process, started by
# test_forking_tests_pass_in_a_fresh_process; in a session where they can fork (that one), they run directly.
FRESH = "KYODO_FRESH_PROCESS"
needs_fork = pytest.mark.forking
FORKING_TESTS = 12  # how many tests that marker selects, so that the fresh run is seen to run them all


@pytest.fixture(autouse=True)
def _fork_or_defer(request):
    if request.node.get_closest_marker("forking") and not shacl_parallel.can_fork():
        if os.environ.get(FRESH):
            pytest.fail("the fresh process cannot fork: another thread runs, or there is no fork start method")
        pytest.skip("another thread runs in this process: test_forking_tests_pass_in_a_fresh_process runs this test")


def test_forking_tests_pass_in_a_fresh_process():
    if os.environ.get(FRESH):
        pytest.skip("this is the fresh process")
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", "forking",
                           "-W", "ignore::DeprecationWarning", __file__], capture_output=True, text=True,
                          env={**os.environ, FRESH: "1"}, cwd=Path(__file__).resolve().parent.parent, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert f"{FORKING_TESTS} passed" in done.stdout and "skipped" not in done.stdout, done.stdout[-2000:]


def comparable(report) -> list[str]:
    """Every field of every result, messages in a fixed order, sorted: a list, so duplicates count."""
    return sorted(repr(dataclasses.replace(r, messages=sorted(r.messages.items()))) for r in report.results)


def digest(report_graph: Graph, *graphs: Graph) -> list[str]:
    """The report graph with its own blank nodes (the report, results, details: trees, whose leaves are terms of
    the data and shapes graphs) written out as what they hold: equal lists mean isomorphic report graphs.
    (rdflib.compare takes minutes on reports with many results alike.)"""
    known = {term for graph in graphs for triple in graph for term in triple if isinstance(term, BNode)}
    memo: dict = {}

    def own(node) -> bool:
        return isinstance(node, BNode) and node not in known

    def describe(node) -> str:
        if not own(node):
            return node.n3()
        if node not in memo:
            memo[node] = "[" + "; ".join(sorted(f"{p.n3()} {describe(o)}"
                                                for p, o in report_graph.predicate_objects(node))) + "]"
        return memo[node]

    roots = {s for s in report_graph.subjects() if own(s) and (None, None, s) not in report_graph}
    return sorted([describe(root) for root in roots]
                  + [f"{s.n3()} {p.n3()} {describe(o)}" for s, p, o in report_graph if not own(s)])


def before(data: Graph, shapes: Graph, ontology: Graph, locations=None, monkeypatch=None):
    """validate_graph as it was before the speed-ups: (conforms, comparable results)."""
    with monkeypatch.context() as patch:
        patch.setattr(shape_module, "CONSTRAINT_PARAMS", (ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP),
                           raising=False)
        working = Graph()
        working.addN((s, p, o, working) for s, p, o in data)
        conforms, report_graph, _text = pyshacl.validate(
            working, shacl_graph=shapes, ont_graph=ontology, inference="none", abort_on_first=False,
            allow_warnings=True, allow_infos=True, advanced=True, meta_shacl=False, inplace=True)
        results = ReportReader(report_graph, shapes, working, validation._provenance(locations)).results()
    return conforms, comparable(validation.ValidationReport(conforms, results, report_graph, 0.0, 0))


@pytest.fixture(scope="module")
def failing_data() -> Graph:
    """Every fail fixture of the shapes in one graph (with the support data): violations of every constraint."""
    graph = Graph().parse(FIXTURES / "support.ttl", format="turtle")
    for path in FAIL_FILES:
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def generated() -> Graph:
    """bench.generate's synthetic data (the real data, then groups and projects) at ~12k triples, with violations:
    projects without a program or with a dangling proposer, a fiscal year as an integer, and (blank) name nodes
    without their text."""
    stream = io.StringIO()
    generate.Model(12_000, 20250401).write(generate.Writer(stream))
    graph = Graph()
    for quad in ox.parse(input=stream.getvalue().encode(), format=ox.RdfFormat.N_QUADS):
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    projects = sorted(graph.subjects(RDF.type, KD.ChallengeProject))
    for n, project in enumerate(projects[::5]):
        graph.remove((project, KD.program, None))
        if n % 3 == 0:
            graph.set((project, KD.proposer, URIRef(f"{generate.ID}group/nobody-{n}")))
    graph.set((projects[1], KD.fiscalYear, Literal(2020)))
    for name in sorted(graph.subjects(RDF.type, IC.名称型))[::7]:
        graph.remove((name, IC.表記, None))
    return graph


# ------------------------------------------------------------------------------------------------ the speed-ups

def test_parameter_list_answers_as_a_list_does():
    members = [URIRef("http://example.org/a"), URIRef("http://example.org/b")]
    fast = ParameterList(members)
    assert URIRef("http://example.org/a") in fast and URIRef("http://example.org/c") not in fast
    assert Literal("http://example.org/a") not in fast  # same text, another kind of term: not equal, as in a list
    copy = fast.copy()
    copy.append(URIRef("http://example.org/c"))
    assert type(copy) is ParameterList and URIRef("http://example.org/c") in copy
    assert URIRef("http://example.org/c") not in fast
    copy.remove(URIRef("http://example.org/a"))
    assert URIRef("http://example.org/a") not in copy and list(copy) == members[1:] + [URIRef("http://example.org/c")]


def test_speed_up_is_applied_once(shapes, ontology, monkeypatch):
    monkeypatch.setattr(shape_module, "CONSTRAINT_PARAMS", (ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP),
                           raising=False)
    assert speed_up_pyshacl()
    applied = shape_module.CONSTRAINT_PARAMS
    assert isinstance(applied[0], ParameterList) and list(applied[0]) == ALL_CONSTRAINT_PARAMETERS
    assert speed_up_pyshacl() and shape_module.CONSTRAINT_PARAMS is applied
    validate_graph(Graph(), shapes, ontology)
    assert shape_module.CONSTRAINT_PARAMS is applied


def test_speed_up_leaves_an_unexpected_pyshacl_alone(monkeypatch):
    """When Shape.validate no longer reads the CONSTRAINT_PARAMS hook, nothing is changed."""
    monkeypatch.delattr(shape_module, "CONSTRAINT_PARAMS", raising=False)
    monkeypatch.setattr(shape_module.Shape, "validate", lambda self, *args, **kwargs: (True, []))
    assert not speed_up_pyshacl()
    assert not hasattr(shape_module, "CONSTRAINT_PARAMS")


def test_shapes_view_answers_as_the_graph_does(shapes):
    view = ShapesView(shapes)
    for pattern in [(None, RDF.type, SH.NodeShape), (None, SH.path, None), (SH.Violation, None, None)]:
        assert list(view.triples(pattern)) == list(shapes.triples(pattern))
        assert list(view.triples(pattern)) == list(shapes.triples(pattern))  # from the cache
    assert set(view.namespaces()) == set(shapes.namespaces())
    extra = (EX.shape, RDF.type, SH.NodeShape)
    view.add(extra)  # through the view: into the same graph, and the cache is cleared
    try:
        assert extra in shapes and extra in view
    finally:
        view.remove(extra)
    assert extra not in shapes and extra not in view


def test_speed_ups_keep_the_results_of_the_real_data(data_graph, source_data, shapes, ontology, monkeypatch):
    conforms, results = before(data_graph, shapes, ontology, source_data.provenance, monkeypatch)
    report = validate_graph(data_graph, shapes, ontology, source_data.provenance, processes=1)
    assert report.conforms == conforms and comparable(report) == results


def test_speed_ups_keep_the_results_of_the_fail_fixtures(failing_data, shapes, ontology, monkeypatch):
    conforms, results = before(failing_data, shapes, ontology, None, monkeypatch)
    report = validate_graph(failing_data, shapes, ontology, processes=1)
    assert not report.conforms and not conforms
    assert len(results) > len(FAIL_FILES)
    assert comparable(report) == results


# ------------------------------------------------------------------------------------------------ SHACL-AF

SPARQL_TARGET = SH_PREFIX + """
ex:Shape a sh:NodeShape ;
    sh:target [ a sh:SPARQLTarget ; sh:select "SELECT ?this WHERE { ?this <http://example.org/p> ?any }" ] ;
    sh:property ex:Shape-q .
ex:Shape-q sh:path ex:q ; sh:minCount 1 ; sh:message "q is missing"@en .
"""


def test_our_shapes_need_no_advanced_features(shapes):
    assert not needs_advanced(shapes)


@pytest.mark.parametrize("shapes_text", [
    SPARQL_TARGET,
    SH_PREFIX + "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:expression [ sh:path ex:p ] .",
    SH_PREFIX + "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:rule [ a sh:TripleRule ; sh:subject sh:this ;"
                " sh:predicate ex:q ; sh:object 1 ] .",
    SH_PREFIX + "ex:f a sh:SPARQLFunction ; sh:select \"SELECT (1 AS ?result) WHERE {}\" .",
    SH_PREFIX + "ex:T a sh:SPARQLTargetType ; <http://www.w3.org/2000/01/rdf-schema#subClassOf> sh:Target .",
], ids=["sparql-target", "expression", "triple-rule", "sparql-function", "target-type"])
def test_shapes_with_advanced_features_need_them(shapes_text):
    assert needs_advanced(Graph().parse(data=shapes_text, format="turtle"))


def test_a_sparql_target_still_finds_its_focus_nodes():
    """The example only validates with advanced=True: without it pySHACL finds no focus node."""
    shapes = Graph().parse(data=SPARQL_TARGET, format="turtle")
    data = Graph().parse(data=SH_PREFIX + "ex:a ex:p 1 . ex:b ex:p 2 ; ex:q 3 .", format="turtle")
    assert pyshacl.validate(data, shacl_graph=shapes, advanced=False)[0]
    report = validate_graph(data, shapes, Graph(), processes=2)  # never in processes: rules need the whole graph
    assert [(r.focus, r.path, r.message("en")) for r in report.results] == [(str(EX.a), str(EX.q), "q is missing")]
    assert not report.conforms


# ------------------------------------------------------------------------------------------------ processes

def test_processes_only_for_large_data(monkeypatch):
    monkeypatch.setattr(shacl_parallel, "_cpus", lambda: 16)
    monkeypatch.setattr(shacl_parallel, "can_fork", lambda: True)
    assert processes_for(5_000, advanced=False) == 1
    assert processes_for(shacl_parallel.PARALLEL_FROM_TRIPLES, advanced=False) == shacl_parallel.MAX_PROCESSES
    assert processes_for(10 ** 7, advanced=True) == 1
    monkeypatch.setattr(shacl_parallel, "_cpus", lambda: 1)
    assert processes_for(10 ** 7, advanced=False) == 1


def spy_in_process(monkeypatch) -> list:
    """Records each in-process validation (the fallback, or processes=1)."""
    calls = []
    in_process = validation._validate_in_process
    monkeypatch.setattr(validation, "_validate_in_process", lambda *args: calls.append(1) or in_process(*args))
    return calls


@needs_fork
@pytest.mark.parametrize("processes", [2, 3])
def test_processes_give_the_results_of_one_on_generated_data(generated, shapes, ontology, processes, monkeypatch):
    one = validate_graph(generated, shapes, ontology, processes=1)
    fallbacks = spy_in_process(monkeypatch)
    several = validate_graph(generated, shapes, ontology, processes=processes)
    assert fallbacks == [], "validated in-process, not in child processes"
    assert one.counts["violation"] > 20 and any(r.focus.startswith("_:") for r in one.results)
    assert several.conforms == one.conforms is False
    assert comparable(several) == comparable(one)
    assert digest(several.report_graph, generated, shapes) == digest(one.report_graph, generated, shapes)


@needs_fork
@pytest.mark.parametrize("processes", [2, 3, 4])
def test_processes_give_the_results_of_one_on_the_fail_fixtures(failing_data, shapes, ontology, processes,
                                                                 monkeypatch):
    one = validate_graph(failing_data, shapes, ontology, processes=1)
    fallbacks = spy_in_process(monkeypatch)
    several = validate_graph(failing_data, shapes, ontology, processes=processes)
    assert fallbacks == []
    assert several.conforms == one.conforms and comparable(several) == comparable(one)
    assert digest(several.report_graph, failing_data, shapes) == digest(one.report_graph, failing_data, shapes)


@needs_fork
@pytest.mark.parametrize("setting,in_process", [(2, 0), (1, 1)])
def test_kyodo_validate_uses_the_validation_processes_setting(generated, settings, tmp_path, monkeypatch, setting,
                                                              in_process):
    from publisher.reports import run_validation

    data = tmp_path / "generated.nt"
    generated.serialize(data, format="nt")
    calls = spy_in_process(monkeypatch)
    report = run_validation(settings.replace(validation_processes=setting), [data])
    assert len(calls) == in_process and report.counts["violation"] > 20


@needs_fork
def test_processes_leave_the_data_alone(generated, shapes, ontology):
    before_ = set(generated)
    validate_graph(generated, shapes, ontology, processes=2)
    assert set(generated) == before_


@needs_fork
@pytest.mark.parametrize("failure", ["dies", "raises"])
def test_a_failed_child_means_validating_in_process(generated, shapes, ontology, failure, monkeypatch):
    one = validate_graph(generated, shapes, ontology, processes=1)
    real_child = shacl_parallel._child

    def child(data, mixin, shapes, options, share, processes, writer):
        if share == 1:
            if failure == "dies":
                os._exit(3)
            raise RuntimeError("broken")
        real_child(data, mixin, shapes, options, share, processes, writer)

    monkeypatch.setattr(shacl_parallel, "_child", child)
    fallbacks = spy_in_process(monkeypatch)
    several = validate_graph(generated, shapes, ontology, processes=2)
    assert fallbacks == [1]
    assert comparable(several) == comparable(one)


@needs_fork
def test_unusable_shapes_are_reported_when_validated_in_processes(ontology):
    shapes = Graph().parse(data=SH_PREFIX + "ex:S a sh:NodeShape ; sh:targetNode ex:a ; "
                                            "sh:property [ sh:path ex:p ; sh:pattern \"(\" ] .", format="turtle")
    data = Graph().parse(data=SH_PREFIX + "ex:a ex:p \"x\" .", format="turtle")
    with pytest.raises(InputError) as raised:
        validate_graph(data, shapes, ontology, processes=2)
    assert raised.value.problems[0].code == "shapes"


def test_merged_reports_keep_the_results_of_each_child_apart():
    """Two children's reports whose blank nodes have the same ids: two results, under one report, which conforms
    only if both did; a blank node of the data keeps its id."""
    data = Graph()
    name = BNode("name-node")
    data.add((name, RDF.type, IC.名称型))

    def outcome(conforms, message):
        report, result = BNode("report"), BNode("result")
        triples = [(report, RDF.type, SH.ValidationReport), (report, SH.conforms, Literal(conforms)),
                   (report, SH.result, result), (result, RDF.type, SH.ValidationResult),
                   (result, SH.focusNode, name), (result, SH.resultMessage, Literal(message))]
        return conforms, triples, [("sh", URIRef(str(SH)))]

    conforms, merged = merge_reports([outcome(True, "one"), outcome(False, "two")], (data,))
    assert conforms is False
    reports = list(merged.subjects(RDF.type, SH.ValidationReport))
    assert len(reports) == 1 and merged.value(reports[0], SH.conforms) == Literal(False)
    results = set(merged.objects(reports[0], SH.result))
    assert len(results) == 2 and BNode("result") not in results
    assert {str(merged.value(r, SH.resultMessage)) for r in results} == {"one", "two"}
    assert {merged.value(r, SH.focusNode) for r in results} == {name}


@needs_fork
def test_processes_write_pyshacl_messages_with_the_prefixes_of_one(monkeypatch):
    """pySHACL's own messages name nodes with the data graph's prefixes: in-process those of our copy (rdflib's and
    the ontology's), never the caller's graph's own (here gen:), in child processes too."""
    shapes = Graph().parse(data=SH_PREFIX + "ex:S a sh:NodeShape ; sh:targetClass ex:C ; "
                                            "sh:property [ sh:path ex:p ; sh:minCount 1 ] .", format="turtle")
    ontology = Graph()
    ontology.bind("onto", EX)
    data = Graph()
    data.bind("gen", EX)
    for n in range(40):
        data.add((EX[f"n{n}"], RDF.type, EX.C))
        if n % 2:
            data.add((EX[f"n{n}"], EX.p, Literal(n)))
    one = validate_graph(data, shapes, ontology, processes=1)
    several = validate_graph(data, shapes, ontology, processes=2)
    messages = {str(m) for m in one.report_graph.objects(None, SH.resultMessage)}
    assert any("onto:n0" in m for m in messages), messages
    assert digest(several.report_graph, data, shapes) == digest(one.report_graph, data, shapes)


def test_merged_reports_copy_a_blank_node_of_the_shapes_once():
    """pySHACL copies a blank path of the shapes into each report (its id kept, its list made anew): two children
    reporting results on that path give one copy, as one process does."""
    shapes = Graph().parse(data=SH_PREFIX + "ex:S sh:property [ sh:path [ sh:alternativePath ( ex:p ex:q ) ] ] .",
                           format="turtle")
    path = next(shapes.objects(None, SH.path))

    def outcome():
        report, result, first, rest = BNode(), BNode(), BNode(), BNode()
        triples = [(report, RDF.type, SH.ValidationReport), (report, SH.conforms, Literal(False)),
                   (report, SH.result, result), (result, SH.resultPath, path), (path, SH.alternativePath, first),
                   (first, RDF.first, EX.p), (first, RDF.rest, rest), (rest, RDF.first, EX.q),
                   (rest, RDF.rest, RDF.nil)]
        return False, triples, []

    _conforms, merged = merge_reports([outcome(), outcome()], (Graph(), shapes))
    assert len(set(merged.subjects(SH.resultPath, path))) == 2
    assert len(list(merged.objects(path, SH.alternativePath))) == 1
    assert len(merged) == 2 + 2 * 2 + 1 + 4
