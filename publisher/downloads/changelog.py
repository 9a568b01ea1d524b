"""What changed between two releases: resources added, removed and changed, and the register of removed
resources that answer 410 Gone.

A resource's description is its outgoing triples in the data graphs plus, recursively, those of the blank
nodes it points to (an IMI name node, an address, a period). Descriptions are compared in canonical form
(rdflib.compare.to_canonical_graph), so renamed blank nodes are not a change. The changelog is written as
JSON and as Turtle (Changeset vocabulary); removed resources stay in `gone.json` release after release
until an IRI is published again.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import to_canonical_graph
from rdflib.namespace import DCTERMS, PROV, RDF, RDFS, XSD

from ..iris import GRAPHS, Minter
from .files import DOWNLOADS_DIR

CS = Namespace("http://purl.org/vocab/changeset/schema#")
CHANGELOG_JSON, CHANGELOG_TTL, GONE_JSON = "changelog.json", "changelog.ttl", "gone.json"


@dataclass
class Change:
    iri: str
    label: dict
    types: list[str]
    added: list[str] = field(default_factory=list)     # N-Triples lines, blank nodes in canonical form
    removed: list[str] = field(default_factory=list)


@dataclass
class Changelog:
    version: str
    date: str
    previous: str | None
    added: list[Change] = field(default_factory=list)
    removed: list[Change] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)

    def to_json(self) -> dict:
        data = asdict(self)
        data["counts"] = {k: len(getattr(self, k)) for k in ("added", "removed", "changed")}
        return data


def data_graph(dataset: Dataset, base: str) -> Graph:
    """The union of the data graphs (not the ontology or the shapes)."""
    union = Graph()
    minter = Minter(base)
    for name in GRAPHS:
        for triple in dataset.graph(minter.graph(name)):
            union.add(triple)
    return union


def describe(graph: Graph) -> dict[str, list[str]]:
    """IRI -> the sorted N-Triples lines of its description, blank nodes closed over and canonically named."""
    return {str(s): description_lines(graph, s) for s in sorted(set(graph.subjects())) if isinstance(s, URIRef)}


def description_lines(graph: Graph, subject: URIRef) -> list[str]:
    closure, pending, seen = Graph(), [subject], set()
    while pending:
        node = pending.pop()
        if node in seen:
            continue
        seen.add(node)
        for triple in graph.triples((node, None, None)):
            closure.add(triple)
            if isinstance(triple[2], BNode):
                pending.append(triple[2])
    if len(seen) > 1:
        closure = to_canonical_graph(closure)
    return sorted(line for line in closure.serialize(format="nt").splitlines() if line.strip())


def compare(old: Graph | None, new: Graph, version: str, date: str, previous: str | None) -> Changelog:
    before = describe(old) if old is not None else {}
    after = describe(new)
    log = Changelog(version, date, previous)
    for iri in sorted(after.keys() - before.keys()):
        log.added.append(Change(iri, labels(new, iri), types(new, iri)))
    for iri in sorted(before.keys() - after.keys()):
        log.removed.append(Change(iri, labels(old, iri), types(old, iri)))
    for iri in sorted(after.keys() & before.keys()):
        if after[iri] != before[iri]:
            old_lines, new_lines = set(before[iri]), set(after[iri])
            log.changed.append(Change(iri, labels(new, iri), types(new, iri), sorted(new_lines - old_lines),
                                      sorted(old_lines - new_lines)))
    return log


def labels(graph: Graph, iri: str) -> dict:
    found: dict[str, str] = {}
    for value in sorted(graph.objects(URIRef(iri), RDFS.label)):
        tag = (getattr(value, "language", None) or "ja")[:2]
        found.setdefault(tag, str(value))
    return found


def types(graph: Graph, iri: str) -> list[str]:
    return sorted(str(t) for t in graph.objects(URIRef(iri), RDF.type))


def changelog_turtle(log: Changelog, base: str) -> bytes:
    """The changelog as Changeset RDF: one cs:ChangeSet per resource, with reified additions and removals."""
    graph = Graph()
    graph.bind("cs", CS)
    graph.bind("dcterms", DCTERMS)
    graph.bind("prov", PROV)
    doc = URIRef(f"{base}releases/{log.version}/{CHANGELOG_TTL}")
    graph.add((doc, RDF.type, PROV.Entity))
    graph.add((doc, DCTERMS.title, Literal(f"変更履歴 {log.version}", lang="ja")))
    graph.add((doc, DCTERMS.title, Literal(f"Changelog {log.version}", lang="en")))
    graph.add((doc, DCTERMS.isPartOf, URIRef(f"{base}releases/{log.version}/")))
    if log.previous:
        graph.add((doc, PROV.wasDerivedFrom, URIRef(f"{base}releases/{log.previous}/")))
    for reason, changes in (("added", log.added), ("removed", log.removed), ("changed", log.changed)):
        for change in changes:
            add_changeset(graph, doc, change, reason, log.date)
    return graph.serialize(format="turtle").encode("utf-8")


def add_changeset(graph: Graph, doc: URIRef, change: Change, reason: str, date: str) -> None:
    node = BNode()
    graph.add((doc, DCTERMS.hasPart, node))
    graph.add((node, RDF.type, CS.ChangeSet))
    graph.add((node, CS.subjectOfChange, URIRef(change.iri)))
    graph.add((node, CS.changeReason, Literal(reason, lang="en")))
    graph.add((node, CS.createdDate, Literal(date, datatype=XSD.date)))
    for predicate, lines in ((CS.addition, change.added), (CS.removal, change.removed)):
        for line in lines:
            statement = statement_node(graph, line)
            if statement is not None:
                graph.add((node, predicate, statement))


def statement_node(graph: Graph, line: str):
    parsed = Graph().parse(data=line, format="nt")
    for s, p, o in parsed:
        node = BNode()
        graph.add((node, RDF.type, RDF.Statement))
        graph.add((node, RDF.subject, s))
        graph.add((node, RDF.predicate, p))
        graph.add((node, RDF.object, o))
        return node
    return None


def gone_register(previous: dict, log: Changelog, current: set[str], base: str) -> dict:
    """Removed resources, kept from release to release; an IRI published again leaves the register."""
    register = {iri: note for iri, note in previous.items() if iri not in current}
    for change in log.removed:
        register[change.iri] = {
            "iri": change.iri, "label": change.label, "types": change.types,
            "removed_in": log.version, "removed_on": log.date, "last_version": log.previous,
            "last_version_url": f"{base}releases/{log.previous}/" if log.previous else None,
            "changelog_url": f"{base}releases/{log.version}/{CHANGELOG_JSON}",
        }
    return dict(sorted(register.items()))


def read_json(path: Path, default):
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return default


def gone_note(iri: str, release_dir: Path | None) -> dict | None:
    """The note for an IRI removed in this release or an earlier one, or None if it was never removed."""
    if release_dir is None:
        return None
    note = read_json(Path(release_dir) / DOWNLOADS_DIR / GONE_JSON, {}).get(iri)
    if note is None:
        return None
    title = note.get("label", {})
    since = note.get("removed_in", "")
    return {**note, "status": 410, "message": {
        "ja": f"{title.get('ja') or iri} は版 {since} で削除されました。"
              + (f"削除前の記述は版 {note['last_version']} にあります。" if note.get("last_version") else ""),
        "en": f"{title.get('en') or title.get('ja') or iri} was removed in release {since}."
              + (f" Its last description is in release {note['last_version']}." if note.get("last_version") else ""),
    }}
