"""The SHACL shapes (shapes/*.ttl): every shape has data that passes and data that fails it, the real data conforms,
and every shape and message speaks Japanese and English.

Fixtures live in tests/shapes/<NodeShape>/{pass,fail}*.ttl and are validated together with tests/shapes/support.ttl.
A fail file says in a comment which constraint it breaks, and lists every result it must produce:

    # expect: kdsh:<shape or named SPARQL constraint> ex:<focus node> <Violation|Warning|Info>

The test asserts that the report holds exactly those results, so a fixture cannot pass by failing for another reason.

Validation runs as the publisher does: pyshacl with ont_graph=ontology (not merged into the data) and
inference="none". RDFS inference would let the ontology's rdfs:range axioms type a dangling reference as the class
the shape expects, so sh:class could no longer catch it (test_rdfs_inference_would_hide_a_dangling_reference).
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass
from pathlib import Path

import pyshacl
import pytest
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import OWL, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
SHAPES_DIR = ROOT / "shapes"
FIXTURES = Path(__file__).resolve().parent / "shapes"
SUPPORT = FIXTURES / "support.ttl"

SH = Namespace("http://www.w3.org/ns/shacl#")
KD = Namespace("https://w3id.org/kyodo-lod/def#")
KDSH = Namespace("https://w3id.org/kyodo-lod/shapes#")
EX = Namespace("http://example.org/")
SHAPES_IRI = URIRef("https://w3id.org/kyodo-lod/shapes")
CC_BY_4 = URIRef("https://creativecommons.org/licenses/by/4.0/")

# Constraint parameters of SHACL Core that a shape can carry itself (sh:property and sh:sparql are handled apart).
CORE_PARAMETERS = {SH[name] for name in (
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive", "maxExclusive",
    "maxInclusive", "minLength", "maxLength", "pattern", "languageIn", "uniqueLang", "equals", "disjoint",
    "lessThan", "lessThanOrEquals", "not", "and", "or", "xone", "node", "qualifiedValueShape", "closed",
    "hasValue", "in")}

# Warnings the real data may have, and why. Anything else fails test_real_data_conforms.
JUSTIFIED_WARNINGS = {
    # The newsletter introduces only its featured groups; the adoption table gives a name and nothing more.
    KDSH["CitizenGroup-description"]: "the sources describe only the featured groups",
}


@dataclass(frozen=True)
class Result:
    severity: str          # Violation | Warning | Info
    shape: str             # the named SPARQL constraint if there is one, else the source shape
    focus: str
    path: str | None
    value: str | None
    messages: tuple[tuple[str, str], ...]

    def line(self) -> str:
        en = next((text for lang, text in self.messages if lang == "en" or not (lang or JAPANESE.search(text))), "")
        return f"{self.severity:9} {short(self.shape)} {short(self.focus)} {short(self.path or '')} {en}"


JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


def message_languages(result: Result) -> set[str]:
    """The languages of a result's messages. pyshacl (0.40) drops the language tag of a SPARQL constraint's
    messages when it fills in {?var}: an untagged message counts as ja if it is written in Japanese."""
    return {lang or ("ja" if JAPANESE.search(text) else "en") for lang, text in result.messages}


def short(iri: str) -> str:
    for prefix, ns in (("kdsh:", str(KDSH)), ("kd:", str(KD)), ("ex:", str(EX))):
        if iri.startswith(ns):
            return prefix + iri[len(ns):]
    return iri


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return str({"kdsh": KDSH, "ex": EX, "kd": KD}[prefix][local])


def load_folder(folder: Path) -> Graph:
    graph = Graph()
    for path in sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def shacl() -> Graph:
    return load_folder(SHAPES_DIR)


@pytest.fixture(scope="module")
def ont() -> Graph:
    return load_folder(ROOT / "ontology")


def validate(data: Graph, shacl: Graph, ont: Graph, inference: str = "none") -> tuple[bool, list[Result]]:
    """pyshacl as the publisher runs it; conforms is False only for violations."""
    conforms, report, _text = pyshacl.validate(data, shacl_graph=shacl, ont_graph=ont, inference=inference,
                                               allow_warnings=True, allow_infos=True)
    return conforms, parse_report(report)


def parse_report(report: Graph) -> list[Result]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        constraint = report.value(node, SH.sourceConstraint)
        shape = constraint if isinstance(constraint, URIRef) else report.value(node, SH.sourceShape)
        path = report.value(node, SH.resultPath)
        value = report.value(node, SH.value)
        messages = tuple(sorted((m.language or "", str(m)) for m in report.objects(node, SH.resultMessage)))
        results.append(Result(str(report.value(node, SH.resultSeverity)).rpartition("#")[2], str(shape),
                              str(report.value(node, SH.focusNode)),
                              str(path) if isinstance(path, URIRef) else None,
                              str(value) if value is not None else None, messages))
    return sorted(results, key=lambda r: (r.severity, r.shape, r.focus))


def fixture_graph(path: Path) -> Graph:
    graph = Graph()
    graph.parse(SUPPORT, format="turtle")
    graph.parse(path, format="turtle")
    return graph


def fixture_id(path: Path) -> str:
    return f"{path.parent.name}/{path.stem}"


PASS_FILES = sorted(FIXTURES.glob("*/pass*.ttl"))
FAIL_FILES = sorted(FIXTURES.glob("*/fail*.ttl"))
EXPECT = re.compile(r"^# expect: (\S+) (\S+) (Violation|Warning|Info)\s*$")


def expectations(path: Path) -> set[tuple[str, str, str]]:
    found = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        match = EXPECT.match(line)
        if match:
            found.add((expand(match[1]), expand(match[2]), match[3]))
    return found


# ------------------------------------------------------------------------------------------------ fixtures

def test_support_data_is_clean(shacl, ont):
    """support.ttl alone gives no result of any severity, so a fixture's results are its own."""
    graph = Graph().parse(SUPPORT, format="turtle")
    _conforms, results = validate(graph, shacl, ont)
    assert [r.line() for r in results] == []


@pytest.mark.parametrize("path", PASS_FILES, ids=[fixture_id(p) for p in PASS_FILES])
def test_pass_fixture_conforms_without_any_result(path, shacl, ont):
    conforms, results = validate(fixture_graph(path), shacl, ont)
    assert conforms
    assert [r.line() for r in results] == []


@pytest.mark.parametrize("path", FAIL_FILES, ids=[fixture_id(p) for p in FAIL_FILES])
def test_fail_fixture_breaks_exactly_what_it_says(path, shacl, ont):
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Breaks kdsh:"), "a fail fixture starts with '# Breaks kdsh:<shape>: <why>'"
    expected = expectations(path)
    assert expected, "a fail fixture lists its results as '# expect: <shape> <focus> <severity>'"
    conforms, results = validate(fixture_graph(path), shacl, ont)
    got = {(r.shape, r.focus, r.severity) for r in results}
    assert got == expected, "\n".join(r.line() for r in results)
    assert conforms == all(severity != "Violation" for _s, _f, severity in expected)
    for result in results:
        assert message_languages(result) == {"ja", "en"}, result.line()


def node_shapes(shacl: Graph) -> set[URIRef]:
    return {s for s in shacl.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}


def test_every_node_shape_has_passing_and_failing_data(shacl):
    folders = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    names = {str(s)[len(str(KDSH)):] for s in node_shapes(shacl)}
    assert folders == names, "one folder per NodeShape in tests/shapes/"
    for name in sorted(names):
        assert list((FIXTURES / name).glob("pass*.ttl")), f"{name} has no pass*.ttl"
        assert list((FIXTURES / name).glob("fail*.ttl")), f"{name} has no fail*.ttl"


def breakable(shacl: Graph) -> set[URIRef]:
    """Every named thing a report can name as the failing shape: property shapes, node shapes with their own
    constraints, and named SPARQL constraints."""
    names = set()
    for shape in set(shacl.subjects(RDF.type, SH.PropertyShape)) | node_shapes(shacl):
        if not isinstance(shape, URIRef):
            continue
        if set(shacl.predicates(shape)) & CORE_PARAMETERS or any(
                isinstance(c, BNode) for c in shacl.objects(shape, SH.sparql)):
            names.add(shape)
        names.update(c for c in shacl.objects(shape, SH.sparql) if isinstance(c, URIRef))
    return names


def test_every_constraint_is_broken_by_some_fixture(shacl):
    covered = {URIRef(shape) for path in FAIL_FILES for shape, _focus, _severity in expectations(path)}
    missing = sorted(short(str(s)) for s in breakable(shacl) - covered)
    assert missing == [], "no fail fixture breaks these"


# ------------------------------------------------------------------------------------------------ the shapes file

def test_shapes_graph_is_valid_shacl(shacl):
    """The shapes conform to SHACL's own shapes (shacl-shacl)."""
    conforms, _report, text = pyshacl.validate(Graph(), shacl_graph=shacl, meta_shacl=True)
    assert conforms, text


def test_shapes_document_is_described(shacl):
    labels = {o.language for o in shacl.objects(SHAPES_IRI, RDFS.label)}
    assert (SHAPES_IRI, RDF.type, OWL.Ontology) in shacl
    assert labels == {"ja", "en"}
    assert shacl.value(SHAPES_IRI, OWL.versionInfo) is not None
    assert shacl.value(SHAPES_IRI, URIRef("http://purl.org/dc/terms/license")) == CC_BY_4


def test_every_property_shape_is_named(shacl):
    """Report results name the shape; a blank-node property shape would be named _:N…"""
    unnamed = [short(str(s)) for s, o in shacl.subject_objects(SH.property) if not isinstance(o, URIRef)]
    assert unnamed == []


def test_every_shape_has_a_japanese_and_an_english_label(shacl):
    named = {s for s in set(shacl.subjects(RDF.type, SH.PropertyShape)) | node_shapes(shacl)
             | set(shacl.subjects(RDF.type, SH.SPARQLConstraint)) if isinstance(s, URIRef)}
    for shape in sorted(named):
        langs = sorted(o.language or "" for o in shacl.objects(shape, RDFS.label))
        assert langs == ["en", "ja"], short(str(shape))


def messages_of(shacl: Graph, node) -> list[str]:
    return sorted(o.language or "" for o in shacl.objects(node, SH.message))


def test_every_constraint_has_a_message_in_japanese_and_english(shacl):
    for thing in sorted(breakable(shacl)):
        sparql = list(shacl.objects(thing, SH.sparql))
        if set(shacl.predicates(thing)) & CORE_PARAMETERS or (thing, RDF.type, SH.SPARQLConstraint) in shacl:
            assert messages_of(shacl, thing) == ["en", "ja"], short(str(thing))
        elif sparql:
            # pyshacl reports a shape's messages and its SPARQL constraint's together: only the constraint has one.
            assert messages_of(shacl, thing) == [], short(str(thing))
        for constraint in sparql:
            assert messages_of(shacl, constraint) == ["en", "ja"], short(str(thing))
    for node in set(shacl.subjects(SH.message, None)):
        assert messages_of(shacl, node) == ["en", "ja"], short(str(node))


def test_every_shape_states_its_severity(shacl):
    for shape in sorted(breakable(shacl)):
        if (shape, RDF.type, SH.SPARQLConstraint) in shacl:
            continue  # the severity of the shape that holds it applies
        assert shacl.value(shape, SH.severity) in (SH.Violation, SH.Warning, SH.Info), short(str(shape))


def test_lenient_node_shapes_hold_no_property_shapes(shacl):
    """pyshacl (0.40) with allow_warnings=True lets every result under a Warning/Info node shape pass, even a
    Violation of one of its property shapes: such node shapes must not hold property shapes."""
    for shape in sorted(node_shapes(shacl)):
        if shacl.value(shape, SH.severity) in (SH.Warning, SH.Info):
            assert list(shacl.objects(shape, SH.property)) == [], short(str(shape))


@pytest.mark.parametrize("shape, code_list", [
    ("CitizenGroup-legalForm", KD.LegalForm), ("Call-status", KD.Status), ("Plan-status", KD.Status)])
def test_code_lists_in_shapes_match_the_ontology(shacl, ont, shape, code_list):
    """sh:in repeats the ontology's code lists (pyshacl does not copy their members' types from ont_graph)."""
    members = Collection(shacl, shacl.value(KDSH[shape], SH["in"]))
    assert set(members) == set(ont.subjects(RDF.type, code_list))


def test_every_published_class_is_the_target_of_a_shape(shacl, data_graph):
    targets = set(shacl.objects(None, SH.targetClass))
    used = set(data_graph.objects(None, RDF.type))
    ours = {c for c in used if str(c).startswith((str(KD), "http://imi.go.jp/ns/core/rdf#"))
            and str(c) not in {"http://imi.go.jp/ns/core/rdf#" + n for n in ("組織型", "文書型", "活動型",
                                                                               "イベント型", "サービス型")}}
    ours |= {c for c in used if c in {URIRef("http://www.w3.org/ns/dcat#Dataset"), SKOS.Concept,
                                      SKOS.ConceptScheme, URIRef("http://purl.org/dc/terms/PeriodOfTime"),
                                      URIRef("https://schema.org/Place")}}
    assert sorted(short(str(c)) for c in ours - targets) == []


# ------------------------------------------------------------------------------------------------ behaviour

def municipality(code: str) -> Graph:
    graph = Graph().parse(SUPPORT, format="turtle")
    graph.set((EX.city, KD.localGovernmentCode, Literal(code)))
    return graph


@pytest.mark.parametrize("code, valid", [
    ("172014", True),    # 金沢市: 1×6+7×5+2×4+0×3+1×2 = 51, 51 mod 11 = 7, 11 − 7 = 4
    ("172015", False),
    ("170003", True),    # 石川県
    ("130001", True),    # 東京都: remainder 10, 11 − 10 = 1
    ("011002", True),    # 札幌市
    ("011001", False),
])
def test_local_government_code_check_digit(shacl, ont, code, valid):
    _conforms, results = validate(municipality(code), shacl, ont)
    failed = {r.shape for r in results}
    assert (str(KDSH["Municipality-code-check"]) not in failed) == valid, [r.line() for r in results]


def test_en_t_ja_counts_as_english(shacl, ont):
    """sh:languageIn ("en") matches en-t-ja (langMatches), so a translated name satisfies the English-name check."""
    graph = Graph().parse(SUPPORT, format="turtle")
    assert (EX.program, RDFS.label, Literal("Challenge Program", lang="en-t-ja")) in graph
    _conforms, results = validate(graph, shacl, ont)
    assert results == []
    graph.remove((EX.program, RDFS.label, Literal("Challenge Program", lang="en-t-ja")))
    _conforms, results = validate(graph, shacl, ont)
    assert [(r.shape, r.focus) for r in results] == [(str(KDSH["label-en"]), str(EX.program))]


def test_rdfs_inference_would_hide_a_dangling_reference(shacl, ont):
    """Why inference="none": with "rdfs", kd:proposer's rdfs:range types the missing group as a kd:CitizenGroup."""
    graph = fixture_graph(FIXTURES / "ChallengeProjectShape" / "fail-dangling-proposer.ttl")
    expected = (str(KDSH["ChallengeProject-proposer-class"]), str(EX.project))
    _conforms, results = validate(graph, shacl, ont, inference="none")
    assert expected in {(r.shape, r.focus) for r in results}
    _conforms, results = validate(graph, shacl, ont, inference="rdfs")
    assert expected not in {(r.shape, r.focus) for r in results}


def test_validation_leaves_the_data_graph_alone(shacl, ont):
    """ont_graph is mixed into a copy: the ontology is never merged into the published data."""
    graph = Graph().parse(SUPPORT, format="turtle")
    before = set(graph)
    validate(graph, shacl, ont)
    assert set(graph) == before
    assert (KD.Division, RDFS.subClassOf, None) not in graph


# ------------------------------------------------------------------------------------------------ the real data

def test_real_data_conforms(data_graph, shacl, ont, capsys):
    """build_dataset('data', base) has no violation; warnings only of the justified kinds. Prints them all."""
    started = time.perf_counter()
    conforms, results = validate(data_graph, shacl, ont)
    seconds = time.perf_counter() - started
    with capsys.disabled():
        print(f"\nreal data: {len(data_graph)} triples validated in {seconds:.2f} s "
              f"({sum(r.severity == 'Warning' for r in results)} warnings, "
              f"{sum(r.severity == 'Info' for r in results)} infos)")
        for result in results:
            print("  " + result.line())
    assert conforms
    assert [r.line() for r in results if r.severity == "Violation"] == []
    unexpected = [r.line() for r in results if r.severity == "Warning" and URIRef(r.shape) not in JUSTIFIED_WARNINGS]
    assert unexpected == []


def test_validation_time_by_inference_mode(data_graph, shacl, ont, capsys):
    """Measured, not asserted: the real data under inference="none" (what the publisher uses) and "rdfs"."""
    validate(data_graph, shacl, ont)  # warm up pyshacl's caches
    timings = {}
    for mode in ("none", "rdfs"):
        started = time.perf_counter()
        validate(data_graph, shacl, ont, inference=mode)
        timings[mode] = time.perf_counter() - started
    with capsys.disabled():
        print("\nvalidation time: " + ", ".join(f"inference={m}: {s:.2f} s" for m, s in timings.items()))
