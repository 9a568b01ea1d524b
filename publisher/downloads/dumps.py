"""RDF dumps: the whole dataset (TriG, N-Quads, as the build wrote them) and each named graph in Turtle,
N-Triples, JSON-LD and RDF/XML, each with a gzip variant.

Per-graph dumps are written from the canonical form of the graph (blank nodes labelled by their content,
triples in a fixed order), so the same data gives the same bytes and checksum in every build. JSON-LD
dumps point at one published @context (`context.jsonld`, at a stable URL under /downloads/).
"""
from __future__ import annotations

import json
from pathlib import Path

from rdflib import Dataset, Graph
from rdflib.compare import to_canonical_graph

from ..formats import by_name
from ..iris import GRAPHS, Minter
from ..vocab import PREFIXES
from .files import DOWNLOADS_DIR, FileEntry, add_with_gzip, write_entry
from .meta import DatasetMeta

GRAPH_FORMATS = ("turtle", "ntriples", "jsonld", "rdfxml")
FORMAT_NAMES = {"turtle": "Turtle", "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF/XML",
                "trig": "TriG", "nquads": "N-Quads"}
CONTEXT_NAME = "context.jsonld"
WHOLE_DUMPS = (("kyodo.trig", "trig"), ("kyodo.nq", "nquads"))


def context_url(base: str) -> str:
    """The stable URL of the JSON-LD @context (the current release's copy is served there)."""
    return f"{base}{DOWNLOADS_DIR}/{CONTEXT_NAME}"


def jsonld_context() -> dict:
    return {"@context": dict(sorted(PREFIXES.items()))}


def dump_name(graph: str, fmt: str) -> str:
    return f"kyodo-{graph}{by_name(fmt).extension}"


def write_dumps(dataset: Dataset, meta: DatasetMeta, release: Path) -> list[FileEntry]:
    entries: list[FileEntry] = []
    for name, fmt in WHOLE_DUMPS:
        title = {"ja": f"{meta.title.get('ja', '')}（全体、{FORMAT_NAMES[fmt]}）",
                 "en": f"{meta.title.get('en', '')} (whole dataset, {FORMAT_NAMES[fmt]})"}
        add_with_gzip(release, entries, FileEntry(name, name, fmt, "all", title), None)
    context = json.dumps(jsonld_context(), ensure_ascii=False, indent=2).encode("utf-8") + b"\n"
    entries.append(write_entry(release, FileEntry(
        CONTEXT_NAME, f"{DOWNLOADS_DIR}/{CONTEXT_NAME}", "context", "all",
        {"ja": "JSON-LD のコンテキスト", "en": "JSON-LD context"}), context))
    minter = Minter(meta.base)
    for graph_name in GRAPHS:
        graph = canonical(dataset.graph(minter.graph(graph_name)))
        part = meta.part_title(graph_name)
        for fmt in GRAPH_FORMATS:
            name = dump_name(graph_name, fmt)
            title = {"ja": f"{part.get('ja', graph_name)}（{FORMAT_NAMES[fmt]}）",
                     "en": f"{part.get('en', graph_name)} ({FORMAT_NAMES[fmt]})"}
            data = serialize(graph, fmt, context_url(meta.base))
            add_with_gzip(release, entries, FileEntry(name, f"{DOWNLOADS_DIR}/{name}", fmt, graph_name, title), data)
    return entries


class SortedGraph(Graph):
    """A graph that lists subjects and their predicate-object pairs in sorted order, for serializers that
    walk the graph that way (RDF/XML) and would otherwise follow the store's hash order."""

    def subjects(self, predicate=None, object=None, unique=False):  # noqa: A002 (rdflib's signature)
        return iter(sorted(set(super().subjects(predicate, object))))

    def predicate_objects(self, subject=None, unique=False):
        return iter(sorted(set(super().predicate_objects(subject))))


def canonical(graph: Graph) -> Graph:
    """The graph with blank nodes named by content and triples inserted in sorted order."""
    result = SortedGraph()
    for prefix, namespace in PREFIXES.items():
        result.bind(prefix, namespace, override=True, replace=True)
    for triple in sorted(to_canonical_graph(graph)):
        result.add(triple)
    return result


def serialize(graph: Graph, fmt: str, context: str) -> bytes:
    if fmt == "ntriples":
        lines = graph.serialize(format="nt").splitlines(keepends=True)
        return "".join(sorted(line for line in lines if line.strip())).encode("utf-8")
    if fmt == "jsonld":
        return jsonld_bytes(graph, context)
    return graph.serialize(format=by_name(fmt).rdflib).encode("utf-8")


def jsonld_bytes(graph: Graph, context: str) -> bytes:
    """Compact JSON-LD whose @context is the published context's URL; objects and values in a fixed order."""
    inline = jsonld_context()["@context"]
    data = json.loads(graph.serialize(format="json-ld", context=inline, auto_compact=True))
    if isinstance(data, dict) and "@graph" in data:
        data["@graph"] = sorted((_sorted_values(node) for node in data["@graph"]), key=lambda n: n.get("@id", ""))
    elif isinstance(data, dict):
        data = {"@context": None, "@graph": [_sorted_values({k: v for k, v in data.items() if k != "@context"})]}
    data["@context"] = context
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _sorted_values(node, ordered: bool = False):
    """Sort the values of every property (never the members of an @list: their order is data)."""
    if isinstance(node, dict):
        return {k: _sorted_values(v, ordered=k == "@list") for k, v in node.items()}
    if isinstance(node, list) and ordered:
        return [_sorted_values(v) for v in node]
    if isinstance(node, list):
        return sorted((_sorted_values(v) for v in node), key=lambda v: json.dumps(v, ensure_ascii=False,
                                                                                  sort_keys=True))
    return node
