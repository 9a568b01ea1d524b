"""SHACL validation: one public function, validate_graph, that build, the CLI and the server only wrap."""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF

from .errors import InputError, Location, Problem
from .vocab import ONTOLOGY_IRI, SH, SHAPES_IRI

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}


@dataclass(frozen=True)
class ValidationResult:
    severity: str                    # violation | warning | info
    focus: str
    path: str | None
    value: str | None
    source_shape: str | None
    constraint: str | None
    messages: dict[str, str]         # lang -> message
    location: Location | None = None  # where in data/ the focus node was written, when known

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")


@dataclass
class ValidationReport:
    conforms: bool
    results: list[ValidationResult]
    report_graph: Graph
    seconds: float
    triples: int
    counts: dict[str, int] = field(default_factory=dict)

    def has_violations(self) -> bool:
        return any(r.severity == "violation" for r in self.results)

    def passes(self, strict: bool = False) -> bool:
        """Violations always fail; warnings fail only in strict mode."""
        return not self.results if strict else not self.has_violations()


def load_turtle_folder(folder: Path) -> Graph:
    """Every *.ttl in a folder as one graph; a file that does not parse is reported with its line."""
    graph = Graph()
    problems = []
    files = sorted(Path(folder).glob("*.ttl"))
    if not files:
        raise InputError([Problem(Location(str(folder)), "no Turtle (*.ttl) files here", "Turtle ファイル（*.ttl）がありません",
                                  "missing-file")])
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except Exception as exc:  # rdflib raises many parser exception types
            problems.append(Problem(Location(str(path), _line_of(exc)), f"cannot parse Turtle: {exc}",
                                    f"Turtle として読めません: {exc}", "syntax"))
    if problems:
        raise InputError(problems)
    return graph


def _line_of(exc: Exception) -> int | None:
    for attr in ("lineno", "line"):
        value = getattr(exc, attr, None)
        if isinstance(value, int):
            return value
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


def validate_graph(data: Graph, shapes: Graph, ontology: Graph,
                   locations: dict[str, Location] | None = None) -> ValidationReport:
    """Validate data against shapes, with the ontology as ont_graph (for sh:class) but not merged into the data."""
    import pyshacl

    started = time.perf_counter()
    conforms, report_graph, _text = pyshacl.validate(
        data, shacl_graph=shapes, ont_graph=ontology, inference="none", abort_on_first=False,
        allow_warnings=True, allow_infos=True, advanced=True, meta_shacl=False)
    seconds = time.perf_counter() - started
    results = parse_report(report_graph, locations or {})
    counts = {name: sum(1 for r in results if r.severity == name) for name in ("violation", "warning", "info")}
    return ValidationReport(conforms, results, report_graph, seconds, len(data), counts)


def parse_report(report: Graph, locations: dict[str, Location]) -> list[ValidationResult]:
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(node, SH.focusNode)
        messages = {}
        for message in report.objects(node, SH.resultMessage):
            lang = message.language if isinstance(message, Literal) and message.language else "en"
            messages.setdefault(lang[:2], str(message))
        results.append(ValidationResult(
            severity=SEVERITY_NAMES.get(report.value(node, SH.resultSeverity), "violation"),
            focus=_term(focus), path=_term(report.value(node, SH.resultPath)),
            value=_term(report.value(node, SH.value)), source_shape=_term(report.value(node, SH.sourceShape)),
            constraint=_term(report.value(node, SH.sourceConstraintComponent)), messages=messages,
            location=locations.get(_term(focus) or "")))
    order = {"violation": 0, "warning": 1, "info": 2}
    return sorted(results, key=lambda r: (order[r.severity], r.location.file if r.location else "",
                                          (r.location.line or 0) if r.location else 0, r.focus, r.path or ""))


def _term(term) -> str | None:
    if term is None:
        return None
    if isinstance(term, BNode):
        return f"_:{term}"
    return str(term) if isinstance(term, (URIRef, Literal)) else str(term)
