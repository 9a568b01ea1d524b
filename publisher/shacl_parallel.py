"""SHACL validation of large data in several processes, with the same report as one process would make.

    processes_for(triples, advanced)                         how many processes are worth it (1: in-process)
    validate_in_processes(data, shapes, ontology, n, options) (conforms, report graph, validated graph) or None

The data graph is loaded once; the children are forked from the parent after that, so they share its memory
(copy-on-write) and nothing is copied or parsed again. Each child runs pySHACL on the whole data graph with every
shape, but validates only its share of each shape's focus nodes (those whose hash, the same in every forked
child, falls in its share): SHACL validates each focus node on its own, so the shares' results together are the
results of one run. The parent merges the children's report graphs into one: one sh:ValidationReport, which
conforms when every share does, with the results of all. The blank nodes a child made (its report, results, and
copies' insides) get fresh ones, whatever ids the children gave them. Those of the graphs validated keep their
ids, as pySHACL writes them, and what pySHACL copies of one into a report (a blank focus node, value or path, with
its triples) is taken once, from the first child that copied it, as one process writes it once.

What pySHACL would mix into the data from the ontology (its RDFS and OWL axioms, and its prefixes), it mixes into
an empty graph once, in the parent: every child adds those same triples (and blank nodes) to its own copy-on-write
view of the data, which the parent never sees changed, so the parent needs no copy of the data of its own.

Only used when it is safe: the start method "fork" exists, the process runs a single thread (a fork could copy
a lock another thread holds), the data is a plain in-memory rdflib Graph, the shapes need no SHACL Advanced
Features (rules change the data graph as they go, and must see all of it), and pySHACL looks as expected. When
a child fails or dies, the caller is told (None) and validates in-process, so a shapes error is raised as usual
and no result is lost.
"""
from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import threading

from rdflib import BNode, Graph, Literal
from rdflib.graph import ReadOnlyGraphAggregate
from rdflib.namespace import RDF
from rdflib.plugins.stores.memory import Memory

from .vocab import SH

__all__ = ["MAX_PROCESSES", "PARALLEL_FROM_TRIPLES", "processes_for", "validate_in_processes"]
PARALLEL_FROM_TRIPLES = 50_000  # below this, forking is not worth it (the real data is ~4.5k triples, ~1 s)
MAX_PROCESSES = 4  # each child may come to copy much of the parent's memory as it touches the shared graph


def processes_for(triples: int, advanced: bool) -> int:
    """Processes to validate this many triples with: one per CPU we may use (at most MAX_PROCESSES), or 1."""
    if advanced or triples < PARALLEL_FROM_TRIPLES or not can_fork():
        return 1
    return max(1, min(MAX_PROCESSES, _cpus()))


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on every platform
        return os.cpu_count() or 1


def can_fork() -> bool:
    return ("fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1
            and _focus_nodes_hook() is not None)


def _focus_nodes_hook():
    """pySHACL's Shape class, if Shape.validate still finds a shape's own focus nodes with Shape.focus_nodes."""
    try:
        from pyshacl.shape import Shape
    except ImportError:
        return None
    code = getattr(getattr(Shape, "validate", None), "__code__", None)
    if code is None or "focus_nodes" not in code.co_names or not callable(getattr(Shape, "focus_nodes", None)):
        return None
    return Shape


def validate_in_processes(data: Graph, shapes: Graph, ontology: Graph, processes: int,
                          options: dict) -> tuple[bool, Graph, Graph] | None:
    """pySHACL in `processes` forked children, each on its share of the focus nodes; their reports merged.

    Returns conforms, the report graph, and the graph the results are about (the data with what pySHACL mixes in
    from the ontology, read-only); None when it cannot be done here or a child could not finish.
    """
    if not _suitable(data, processes, options):
        return None
    mixin = ontology_mixin(ontology)
    if mixin is None:
        return None
    outcomes = _run_children(processes, (data, mixin, shapes, options))
    if outcomes is None:
        return None
    validated = ReadOnlyGraphAggregate([data, mixin])
    validated.namespace_manager = mixin.namespace_manager
    return (*merge_reports(outcomes, (data, mixin, shapes)), validated)


def _suitable(data: Graph, processes: int, options: dict) -> bool:
    """Several processes; no SHACL-AF; a plain Graph in memory (a Dataset means something else to pySHACL, and
    another store may not be shared by forked children); and a fork we may make."""
    plain = type(data) is Graph and type(data.store) is Memory  # noqa: E721 (exactly these)
    return processes > 1 and not options.get("advanced") and plain and can_fork()


def ontology_mixin(ontology: Graph) -> Graph | None:
    """What pySHACL adds to a fresh data graph from ont_graph (before validating it in place), done by pySHACL
    itself: against no shapes, into an empty Graph. Its prefixes are those of such a graph afterwards."""
    import pyshacl

    mixin = Graph()
    try:
        pyshacl.validate(mixin, shacl_graph=Graph(), ont_graph=ontology, inference="none", inplace=True)
    except Exception:  # noqa: BLE001 - whatever it is, the in-process validation meets it and reports it
        return None
    return mixin


def _run_children(processes: int, work: tuple) -> list | None:
    context = multiprocessing.get_context("fork")
    gc.freeze()  # the children's garbage collector then leaves the shared objects (and their pages) alone
    children: list = []
    try:
        for share in range(processes):
            children.append(_start(context, share, processes, work))
        return _collect(children)
    except OSError:  # no fork (out of memory, process limit): validate in-process instead
        return None
    finally:
        gc.unfreeze()
        _end(children)


def _start(context, share: int, processes: int, work: tuple):
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(*work, share, processes, writer), name=f"kyodo-shacl-{share}",
                            daemon=True)
    try:
        child.start()
    except BaseException:
        reader.close()
        raise
    finally:
        writer.close()  # the child holds it now: when the child dies, reading ends instead of waiting
    return child, reader


def _collect(children: list) -> list | None:
    """Each child's (conforms, triples, prefixes); None as soon as one failed or died without answering."""
    outcomes = []
    for _child_process, reader in children:
        try:
            outcome = reader.recv()
        except (EOFError, OSError):  # the child died before it could answer
            return None
        if not isinstance(outcome, tuple):  # the child's error, as text
            return None
        outcomes.append(outcome)
    return outcomes


def _end(children: list) -> None:
    """Close the pipes, and wait for each child to exit, killing any that are still at work (after a failure)."""
    for child, reader in children:
        reader.close()
        child.join(timeout=5)
        if child.is_alive():
            child.kill()
            child.join()


def _child(data, mixin, shapes, options, share, processes, writer) -> None:
    """In the child: validate this share of every shape's focus nodes; send (conforms, triples, prefixes)."""
    try:
        import pyshacl

        data.addN((s, p, o, data) for s, p, o in mixin)  # the child's own copy-on-write pages
        data.namespace_manager = mixin.namespace_manager  # the prefixes pySHACL's messages use, as in-process
        _only_share(share, processes)
        conforms, report, _text = pyshacl.validate(data, shacl_graph=shapes, ont_graph=None, **options)
        writer.send((conforms, list(report), list(report.namespaces())))
    except BaseException as exc:  # noqa: BLE001 - any failure: the parent validates in-process and reports it
        with contextlib.suppress(OSError):  # the parent may have stopped listening
            writer.send(f"{type(exc).__name__}: {exc}")
    finally:
        writer.close()


def _only_share(share: int, processes: int) -> None:
    """Make Shape.focus_nodes (a shape's own targets) keep only the nodes of this share (in this child only)."""
    shape_class = _focus_nodes_hook()
    all_focus_nodes = shape_class.focus_nodes

    def focus_nodes(self, data_graph, *args, **kwargs):
        return {node for node in all_focus_nodes(self, data_graph, *args, **kwargs) if hash(node) % processes == share}

    shape_class.focus_nodes = focus_nodes


def merge_reports(outcomes: list[tuple], graphs: tuple) -> tuple[bool, Graph]:
    """One report graph from the children's: their results under one sh:ValidationReport. `graphs`: those
    validated, whose blank nodes pySHACL copies into a report keeping their ids."""
    conforms = all(outcome[0] for outcome in outcomes)
    merged = Graph(bind_namespaces="core")  # as pySHACL makes its report graph, with the shapes' prefixes
    for prefix, namespace in outcomes[0][2]:
        merged.bind(prefix, namespace)
    report = BNode()
    merged.add((report, RDF.type, SH.ValidationReport))
    merged.add((report, SH.conforms, Literal(conforms)))
    copied: set = set()
    for _conforms, triples, _prefixes in outcomes:
        _add_results(merged, report, triples, _Known(graphs), copied)
    return conforms, merged


class _Known:
    """Whether a blank node is one of the graphs validated (remembered: a report asks about few)."""

    def __init__(self, graphs: tuple):
        self.graphs, self.answers = graphs, {}

    def __call__(self, node) -> bool:
        if node not in self.answers:
            self.answers[node] = isinstance(node, BNode) and any(
                (node, None, None) in graph or (None, None, node) in graph for graph in self.graphs)
        return self.answers[node]


def _add_results(merged: Graph, report: BNode, triples: list, known: _Known, copied: set) -> None:
    """One child's results under the merged report. The blank nodes the child made get fresh ones. A blank node of
    the data or shapes (a focus node, value or path) pySHACL copies with its triples, keeping its id and making
    new blank nodes below it: one copy of each, from the first child that made it, as one process makes one.
    `copied` holds the blank nodes copied so far."""
    child_report = next((s for s, p, o in triples if p == RDF.type and o == SH.ValidationReport), None)
    heads = {s for s, _p, _o in triples if known(s)}
    left_out = _below(heads & copied, triples, known)
    renamed = {child_report: report}

    def term(node):
        if not isinstance(node, BNode):
            return node
        if node not in renamed:
            renamed[node] = node if known(node) else BNode()
        return renamed[node]

    for s, p, o in triples:
        if s in left_out or (s == child_report and p != SH.result):
            continue  # a copy already there; the child report's type and sh:conforms (the merged one has its own)
        merged.add((term(s), p, term(o)))
    copied |= heads


def _below(heads: set, triples: list, known: _Known) -> set:
    """The heads, and the blank nodes made for their copies (reached from them, not of the graphs validated)."""
    objects: dict = {}
    for s, _p, o in triples:
        if isinstance(o, BNode) and not known(o):
            objects.setdefault(s, []).append(o)
    found, todo = set(heads), list(heads)
    while todo:
        for node in objects.get(todo.pop(), ()):
            if node not in found:
                found.add(node)
                todo.append(node)
    return found
