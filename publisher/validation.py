"""SHACL validation: one public function, validate_graph, that build, the CLI and the server only wrap.

A ValidationReport holds results of two kinds, rendered alike (see report_formats):
    stage "shacl"  pySHACL's results, each located at the YAML line (or RDF file) that produced the failing triple
    stage "input"  problems found before SHACL could run (YAML syntax, unknown fields, bad dates, references)
Exit codes: 0 conforms (warnings allowed unless strict), 1 violations or data errors, 2 input or shapes unreadable.
"""
from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from .errors import InputError, Location, Problem
from .shacl_parallel import processes_for, validate_in_processes
from .shacl_results import SEVERITY_NAMES, UNREADABLE, ReportReader, ValidationResult
from .shacl_speed import needs_advanced, shapes_view, speed_up_pyshacl
from .vocab import ONTOLOGY_IRI, SH, SH_NS, SHAPES_IRI

__all__ = ["SEVERITY_NAMES", "UNREADABLE", "ValidationReport", "ValidationResult", "data_union",
           "load_turtle_folder", "problems_report", "validate_graph"]
SEVERITIES = ("error", "violation", "warning", "info")
INPUT_PROBLEM = SH_NS + "input-problem/"  # + code: the constraint component of a problem found before SHACL


@dataclass
class ValidationReport:
    conforms: bool
    results: list[ValidationResult]
    report_graph: Graph
    seconds: float
    triples: int
    counts: dict[str, int] = field(default_factory=dict)
    checked: bool = True  # False when input problems kept the shapes from being checked at all

    def has_violations(self) -> bool:
        return any(r.severity in ("violation", "error") for r in self.results)

    def passes(self, strict: bool = False) -> bool:
        """Violations and input errors always fail; warnings (and infos) fail only in strict mode."""
        return not self.results if strict else not self.has_violations()

    def exit_code(self, strict: bool = False) -> int:
        """0 passes; 1 violations or data errors; 2 some input (data, RDF or shapes) could not be read."""
        if any(r.unreadable for r in self.results):
            return 2
        return 0 if self.passes(strict) else 1


def count(results: list[ValidationResult]) -> dict[str, int]:
    return {name: sum(1 for r in results if r.severity == name) for name in SEVERITIES}


def load_turtle_folder(folder: Path) -> Graph:
    """Every *.ttl in a folder as one graph; a file that does not parse is reported with its line."""
    graph = Graph()
    problems = []
    files = sorted(Path(folder).glob("*.ttl"))
    if not files:
        raise InputError([Problem(Location(str(folder)), "no Turtle (*.ttl) files here",
                                  "Turtle ファイル（*.ttl）がありません", "missing-file")])
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser exception types
            problems.append(Problem(Location(str(path), line_of(exc)), f"cannot parse Turtle: {exc}",
                                    f"Turtle として読めません: {exc}", "syntax"))
    if problems:
        raise InputError(problems)
    return graph


def line_of(exc: Exception) -> int | None:
    """The (1-based) line a parser error names, when it names one."""
    if callable(getattr(exc, "getLineNumber", None)):  # RDF/XML: SAXParseException
        return exc.getLineNumber()
    for attr in ("lineno", "line", "lines"):  # JSON-LD: JSONDecodeError; Turtle: BadSyntax (0-based lines)
        value = getattr(exc, attr, None)
        if isinstance(value, int):
            return value + 1 if attr == "lines" else value
    return None


def data_union(dataset: Dataset) -> Graph:
    """The published data as one graph (without the ontology and shapes), so references across graphs resolve."""
    union = Graph()
    for graph in dataset.graphs():
        if graph.identifier in (ONTOLOGY_IRI, SHAPES_IRI):
            continue
        for triple in graph:
            union.add(triple)
    return union


def validate_graph(data: Graph, shapes: Graph, ontology: Graph, locations=None, *,
                   processes: int | None = None) -> ValidationReport:
    """Validate data against shapes, with the ontology as ont_graph (for sh:class) but not merged into the data.

    `locations` says where results are in the input: a builder Provenance (field-level: file, line and key of the
    value), or a mapping of resource ("_:id" for a blank node) to Location (record-level).
    `processes`: how many processes validate; None decides by size (shacl_parallel.processes_for), 1 is this one.
    """
    triples = len(data)
    started = time.perf_counter()
    speed_up_pyshacl()
    advanced = needs_advanced(shapes)
    options = dict(inference="none", abort_on_first=False, allow_warnings=True, allow_infos=True, advanced=advanced,
                   meta_shacl=False, inplace=True)
    view = shapes_view(shapes)
    processes = processes_for(triples, advanced) if processes is None else processes
    outcome = validate_in_processes(data, view, ontology, processes, options) if processes > 1 else None
    conforms, report_graph, validated = outcome or _validate_in_process(data, view, ontology, options)
    seconds = time.perf_counter() - started
    results = ReportReader(report_graph, shapes, validated, _provenance(locations)).results()
    return ValidationReport(conforms, results, report_graph, seconds, triples, count(results))


def _validate_in_process(data: Graph, shapes: Graph, ontology: Graph, options: dict) -> tuple[bool, Graph, Graph]:
    """pySHACL on a copy of the data (validated in place: cheaper than pySHACL's clone, see bench/)."""
    import pyshacl
    from pyshacl.errors import ConstraintLoadError, ReportableRuntimeError, ShapeLoadError

    working = Graph()
    working.addN((s, p, o, working) for s, p, o in data)
    try:
        conforms, report_graph, _text = pyshacl.validate(working, shacl_graph=shapes, ont_graph=ontology, **options)
    except (ShapeLoadError, ConstraintLoadError, ReportableRuntimeError, re.error) as exc:  # re: a bad sh:pattern
        raise InputError([Problem(None, f"the shapes cannot be used: {exc}",
                                  f"シェイプを使えません: {exc}", "shapes")]) from None
    return conforms, report_graph, working


def _provenance(locations):
    """A builder Provenance as it is; a mapping of resource -> Location as a record-level one."""
    if locations is None or hasattr(locations, "locate"):
        return locations
    from .builder.provenance import Provenance

    records = {(BNode(key[2:]) if key.startswith("_:") else URIRef(key)): where for key, where in locations.items()}
    return Provenance(records=records)


def problems_report(problems: list[Problem]) -> ValidationReport:
    """Problems found before SHACL as a report: rendered like SHACL results, and as a SHACL-shaped graph."""
    results = sorted((_problem_result(p) for p in problems), key=ValidationResult.sort_key)
    return ValidationReport(False, results, _problems_graph(problems), 0.0, 0, count(results), checked=False)


def _problem_result(problem: Problem) -> ValidationResult:
    return ValidationResult(severity="error", focus=None, path=None, value=None, source_shape=None,
                            constraint=problem.code, messages={"en": problem.en, "ja": problem.ja},
                            location=problem.location, stage="input")


def _problems_graph(problems: list[Problem]) -> Graph:
    """An sh:ValidationReport whose focus nodes are the files (file:…#line=N, RFC 5147) the problems are in."""
    graph = Graph()
    graph.bind("sh", SH)
    report = BNode()
    graph.add((report, RDF.type, SH.ValidationReport))
    graph.add((report, SH.conforms, Literal(False)))
    for problem in problems:
        node = BNode()
        graph.add((report, SH.result, node))
        graph.add((node, RDF.type, SH.ValidationResult))
        graph.add((node, SH.resultSeverity, SH.Violation))
        graph.add((node, SH.focusNode, _place_iri(problem.location)))
        graph.add((node, SH.sourceConstraintComponent, URIRef(INPUT_PROBLEM + problem.code)))
        graph.add((node, SH.resultMessage, Literal(problem.en, lang="en")))
        graph.add((node, SH.resultMessage, Literal(problem.ja, lang="ja")))
    return graph


def _place_iri(location: Location | None) -> URIRef:
    if location is None:
        return URIRef(INPUT_PROBLEM + "unknown-place")
    iri = Path(location.file).resolve().as_uri()
    return URIRef(f"{iri}#line={location.line}" if location.line else iri)
