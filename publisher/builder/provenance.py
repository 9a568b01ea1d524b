"""Which YAML value produced which triple, so that a SHACL result points at the line of the field.

The readers add triples through TracedGraph, which records each triple against the place the reader is working
at: the location given to `BuildContext.at(...)` around a field's triples, or a reference's own list item for the
triple that holds the reference. Recording never changes which triples are produced.

    Provenance.locate(focus, path, value)
        (focus, path, value) -> the value's line      e.g. groups[1] of a project, a name's `ja:` line
        (focus, path)        -> the field's line      e.g. fiscal_year
        blank node           -> its parent's field     e.g. contact: for the contact's phone number
        a keyed resource     -> its record, with the key path of the missing field when other records show it
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace

from rdflib import BNode, Graph
from rdflib.term import Node

from ..errors import Location


@dataclass
class Provenance:
    """Where in data/ each resource, field and value was written."""

    records: dict[Node, Location] = field(default_factory=dict)
    fields: dict[tuple[Node, Node], Location] = field(default_factory=dict)
    values: dict[tuple[Node, Node, Node], Location] = field(default_factory=dict)
    parents: dict[BNode, tuple[Node, Node]] = field(default_factory=dict)
    _field_names: dict[tuple[str, Node], str] | None = None

    def locate(self, focus: Node, path=None, value: Node | None = None) -> Location | None:
        """The most precise place known for a result on `focus`, `path` (a predicate, or several for an
        alternative path) and `value`; None when the focus was not built from data/."""
        paths = list(path) if isinstance(path, (list, tuple)) else [path]
        for _ in range(20):  # blank nodes nest a few levels at most; the bound guards a cycle
            where = self._field(focus, paths, value)
            if where is not None:
                return where
            if focus in self.records:
                return self._missing_field(self.records[focus], paths[0])
            if focus not in self.parents:
                return None
            focus, parent_path = self.parents[focus]
            paths, value = [parent_path], None
        return None

    def _field(self, focus: Node, paths: list, value: Node | None) -> Location | None:
        if value is not None:
            for path in paths:
                if (focus, path, value) in self.values:
                    return self.values[(focus, path, value)]
        for path in paths:
            if path is not None and (focus, path) in self.fields:
                return self.fields[(focus, path)]
        return None

    def _missing_field(self, record: Location, path: Node | None) -> Location:
        """The record's place, with the key path of the field other records of its kind write `path` in."""
        name = self.field_names().get((_section(record), path)) if path is not None else None
        return replace(record, key=f"{record.key}.{name}") if name and record.key else record

    def field_names(self) -> dict[tuple[str, Node], str]:
        """(section, predicate) -> the YAML field that usually produces it, learned from the traced fields."""
        if self._field_names is None:
            counts: dict[tuple[str, Node], Counter] = {}
            for (subject, predicate), where in self.fields.items():
                record = self.records.get(subject)
                name = _field_of(record, where) if record else None
                if name:
                    counts.setdefault((_section(record), predicate), Counter())[name] += 1
            self._field_names = {key: c.most_common(1)[0][0] for key, c in counts.items()}
        return self._field_names


def _section(record: Location) -> str:
    return (record.key or "").split(".", 1)[0]


def _field_of(record: Location, where: Location) -> str | None:
    """'fiscal_year' for a value at 'projects.r07-x.fiscal_year' in the record 'projects.r07-x'."""
    prefix = f"{record.key}."
    if not record.key or not where.key or not where.key.startswith(prefix):
        return None
    return where.key[len(prefix):].split(".", 1)[0].split("[", 1)[0] or None


class Tracer:
    """Remembers where the reader is working, and records each triple it adds against that place."""

    def __init__(self) -> None:
        self.provenance = Provenance()
        self._at: Location | None = None
        self._ref: tuple[Node, Location] | None = None

    @contextmanager
    def at(self, location: Location | None):
        """Triples added inside come from the YAML value at `location`."""
        outer, self._at = self._at, location if location is not None else self._at
        try:
            yield
        finally:
            self._at = outer

    def referenced(self, iri: Node, location: Location) -> None:
        """A reference was just resolved: the triple that holds it comes from its list item."""
        self._ref = (iri, location)

    def new_record(self, iri: Node, location: Location) -> None:
        self.provenance.records.setdefault(iri, location)
        self._ref = None

    def record(self, subject: Node, predicate: Node, obj: Node) -> None:
        if isinstance(obj, BNode):
            self.provenance.parents.setdefault(obj, (subject, predicate))
        where = self._reference_location(subject, obj) or self._at
        if where is None:
            return
        self.provenance.fields.setdefault((subject, predicate), where)
        self.provenance.values.setdefault((subject, predicate, obj), where)

    def _reference_location(self, subject: Node, obj: Node) -> Location | None:
        if self._ref is not None and self._ref[0] in (subject, obj):
            return self._ref[1]
        return None


class TracedGraph:
    """A reader's view of a named graph: `add` also records where the triple came from."""

    def __init__(self, graph: Graph, tracer: Tracer):
        self.graph = graph
        self.tracer = tracer

    def add(self, triple) -> "TracedGraph":
        self.graph.add(triple)
        self.tracer.record(*triple)
        return self

    def __getattr__(self, name):
        return getattr(self.graph, name)

    def __len__(self) -> int:
        return len(self.graph)

    def __iter__(self):
        return iter(self.graph)
