"""pySHACL's report graph read into results a person can act on: where, which value, what was expected, ja and en."""
from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, NamespaceManager
from rdflib.term import Node

from . import shacl_messages
from .errors import Location
from .vocab import PREFIXES, SH

SEVERITY_NAMES = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
SEVERITY_ORDER = {"error": 0, "violation": 1, "warning": 2, "info": 3}
# Input problems after which nothing could be checked: exit code 2 rather than 1.
UNREADABLE = {"io", "encoding", "syntax", "too-large", "too-deep", "alias-limit", "missing-file", "format", "shapes",
              "remote"}
PATH_FORMS = ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
              (SH.zeroOrOnePath, "{}?"))
MAX_TEXT = 80


@dataclass(frozen=True)
class ValidationResult:
    severity: str                     # error (an input problem found before SHACL) | violation | warning | info
    focus: str | None                 # IRI, "_:id", or None for an input problem
    path: str | None                  # IRI, or a SHACL path expression such as ^org:hasUnit
    value: str | None                 # IRI or lexical form
    source_shape: str | None
    constraint: str | None            # constraint component IRI, or an input problem's code
    messages: dict[str, str]          # lang -> message; "ja" and "en" are always there
    location: Location | None = None  # where in data/ (or which RDF file) the failing value was written
    expected: str | None = None       # the constraint as the shape writes it: sh:minCount 1
    stage: str = "shacl"              # shacl | input
    shape_name: str | None = None     # stable and readable: kdsh:ProjectShape/kd:program
    focus_text: str | None = None     # the same terms for people: prefixed names, quoted literals
    path_text: str | None = None
    value_text: str | None = None

    def message(self, lang: str = "en") -> str:
        return self.messages.get(lang) or self.messages.get("en") or next(iter(self.messages.values()), "")

    @property
    def unreadable(self) -> bool:
        return self.stage == "input" and self.constraint in UNREADABLE

    def sort_key(self) -> tuple:
        where = self.location
        return (SEVERITY_ORDER.get(self.severity, 9), where.file if where else "~",
                (where.line or 0) if where else 0, self.focus or "", self.path or "")


def namespace_manager(*graphs: Graph) -> NamespaceManager:
    """Our prefixes, then those the shapes (and data) files declare, for names people can read."""
    manager = NamespaceManager(Graph(bind_namespaces="none"), bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        manager.bind(prefix, namespace, override=True)
    known = {str(namespace) for _prefix, namespace in manager.namespaces()}
    for graph in graphs:
        for prefix, namespace in graph.namespaces():
            if prefix and str(namespace) not in known:
                manager.bind(prefix, namespace, override=False)
                known.add(str(namespace))
    return manager


class ReportReader:
    """Reads sh:ValidationResult nodes, with the shapes (for parameters and names) and the data (for blank nodes)."""

    def __init__(self, report: Graph, shapes: Graph, data: Graph, provenance=None):
        self.report, self.shapes, self.data, self.provenance = report, shapes, data, provenance
        self.names = namespace_manager(shapes, data)

    def results(self) -> list[ValidationResult]:
        results = [self.read(node) for node in self.report.subjects(RDF.type, SH.ValidationResult)]
        return sorted(results, key=ValidationResult.sort_key)

    def read(self, node: Node) -> ValidationResult:
        get = lambda p: self.report.value(node, p)  # noqa: E731
        focus, path, value = get(SH.focusNode), get(SH.resultPath), get(SH.value)
        shape, component = get(SH.sourceShape), get(SH.sourceConstraintComponent)
        path_text = self.path_text(path) if path is not None else None
        shape_graph = self.shapes if (shape, None, None) in self.shapes else self.report
        messages = shacl_messages.generated(shape_graph, shape, component, path_text, value, self.compact,
                                            self.pyshacl_message(node, shape))
        messages.update(self.authored_messages(node, shape))
        self.add_messages(node, messages)
        return ValidationResult(
            severity=SEVERITY_NAMES.get(get(SH.resultSeverity), "violation"), focus=_term(focus),
            path=_term(path) if isinstance(path, URIRef) else path_text, value=_term(value),
            source_shape=_term(shape), constraint=_term(component), messages=messages,
            location=self.locate(focus, path, value),
            expected=shacl_messages.expected(shape_graph, shape, component, self.compact),
            shape_name=self.shape_name(shape), focus_text=self.focus_text(focus), path_text=path_text,
            value_text=self.compact(value) if value is not None else None)

    def locate(self, focus, path, value) -> Location | None:
        if self.provenance is None or focus is None:
            return None
        return self.provenance.locate(focus, self.predicates(path), value)

    # --- messages ---------------------------------------------------------------------------
    def authored_messages(self, node, shape) -> dict[str, str]:
        """The shape's own sh:message (copied by pySHACL into sh:resultMessage), by language."""
        messages: dict[str, str] = {}
        declared = any(True for _ in self._declared_messages(shape))
        for message in self.report.objects(node, SH.resultMessage):
            if isinstance(message, Literal) and (message.language or declared):
                messages.setdefault((message.language or _guess_lang(str(message)))[:2], str(message))
        return messages

    def add_messages(self, node, messages: dict[str, str]) -> None:
        """Put the ja and en messages into the report graph too, where it has none in that language."""
        tagged = {m.language[:2] for m in self.report.objects(node, SH.resultMessage)
                  if isinstance(m, Literal) and m.language}
        for lang, text in messages.items():
            if lang not in tagged:
                self.report.add((node, SH.resultMessage, Literal(text, lang=lang)))

    def pyshacl_message(self, node, shape) -> str | None:
        """pySHACL's own English text, used only by the generic fallback message."""
        if any(True for _ in self._declared_messages(shape)):
            return None
        return next((str(m) for m in self.report.objects(node, SH.resultMessage) if not getattr(m, "language", None)),
                    None)

    def _declared_messages(self, shape):
        for graph in (self.shapes, self.report):
            yield from graph.objects(shape, SH.message)
            for sparql in graph.objects(shape, SH.sparql):
                yield from graph.objects(sparql, SH.message)

    # --- names for people -------------------------------------------------------------------
    def compact(self, term: Node | None) -> str:
        if term is None:
            return ""
        if isinstance(term, Literal) and len(term) > MAX_TEXT:
            term = Literal(str(term)[:MAX_TEXT] + "…", lang=term.language, datatype=term.datatype)
        if isinstance(term, BNode):
            return "[ ]"
        return term.n3(self.names)

    def path_text(self, path: Node, graph: Graph | None = None) -> str:
        graph = graph if graph is not None else (self.report if (path, None, None) in self.report else self.shapes)
        if isinstance(path, URIRef):
            return self.compact(path)
        if graph.value(path, RDF.first) is not None:
            return "/".join(self.path_text(p, graph) for p in Collection(graph, path))
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path_text(p, graph) for p in Collection(graph, alternatives)) + ")"
        for predicate, form in PATH_FORMS:
            inner = graph.value(path, predicate)
            if inner is not None:
                return form.format(self.path_text(inner, graph))
        return "?"

    def predicates(self, path: Node | None) -> list[Node | None]:
        """The properties that may have written the value: the path itself, a sequence's first step, or each
        alternative; [None] for paths that do not start at the focus node (^p and the like)."""
        if path is None or isinstance(path, URIRef):
            return [path]
        graph = self.report if (path, None, None) in self.report else self.shapes
        first = graph.value(path, RDF.first)
        if first is not None:
            return [first] if isinstance(first, URIRef) else [None]
        alternatives = graph.value(path, SH.alternativePath)
        if alternatives is not None:
            return [p for p in Collection(graph, alternatives) if isinstance(p, URIRef)] or [None]
        return [None]

    def focus_text(self, focus: Node | None) -> str | None:
        """Prefixed name or <IRI>; a blank node as what holds it: <…/org/x> ic:連絡先 [ ]."""
        if not isinstance(focus, BNode):
            return self.compact(focus) if focus is not None else None
        for subject, predicate in self.data.subject_predicates(focus):
            return f"{self.focus_text(subject)} {self.compact(predicate)} [ ]"
        return "[ ]"

    def shape_name(self, shape: Node | None) -> str | None:
        """A name that stays the same from run to run: a property shape is named by its node shape and path."""
        if shape is None or isinstance(shape, URIRef):
            return self.compact(shape) if shape is not None else None
        path = self.shapes.value(shape, SH.path) or self.report.value(shape, SH.path)
        owner = self.shapes.value(None, SH.property, shape)
        owner_text = self.shape_name(owner) if owner is not None else "[ ]"
        return f"{owner_text}/{self.path_text(path)}" if path is not None else owner_text


def _term(term: Node | None) -> str | None:
    if term is None:
        return None
    return f"_:{term}" if isinstance(term, BNode) else str(term)


def _guess_lang(text: str) -> str:
    """A message without a language tag: Japanese if it has kana or kanji."""
    return "ja" if any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in text) else "en"
