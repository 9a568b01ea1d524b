"""How long validation takes: the real data, and synthetic data in our model at 10k and 100k triples (1M with --million).

    .venv/bin/python bench/validation_bench.py [--sizes 10000 100000] [--million] [--shapes PATH] [--repeat 1]
    .venv/bin/python bench/validation_bench.py --by-shape 40000     # which node shapes take the time

The synthetic data is the real data plus N citizen groups and N adopted projects written the way the builder
writes them (types, ja/en labels, IMI name node, description, source, program, proposer, category, fiscal year), so
every shape that targets groups and projects has work to do; one project in a hundred lacks its kd:program, so the
report has results to read. Timings are printed, never asserted: the tests do not time anything.
"""
from __future__ import annotations

import argparse
import os
import pickle
import sys
import threading
import time
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from publisher.builder import build_dataset  # noqa: E402
from publisher.reports import load_shapes  # noqa: E402
from publisher.validation import data_union, load_turtle_folder, validate_graph  # noqa: E402
from publisher.vocab import IC, KD, ORG, SCHEMA, SH  # noqa: E402

BASE = "https://data.example.jp/kyodo/"
ID = BASE + "id/"


def real_data() -> tuple[Graph, object]:
    source = build_dataset(ROOT / "data", BASE)
    return data_union(source.dataset), source.provenance


def add_group(graph: Graph, n: int) -> URIRef:
    group = URIRef(f"{ID}group/synthetic-{n}")
    for cls in (KD.CitizenGroup, ORG.Organization, IC.組織型, SCHEMA.Organization):
        graph.add((group, RDF.type, cls))
    for predicate in (RDFS.label, SCHEMA.name):
        graph.add((group, predicate, Literal(f"合成団体{n}", lang="ja")))
        graph.add((group, predicate, Literal(f"Synthetic group {n}", lang="en-t-ja")))
    name = BNode()
    graph.add((group, IC.名称, name))
    graph.add((name, RDF.type, IC.名称型))
    graph.add((name, IC.表記, Literal(f"合成団体{n}", lang="ja")))
    graph.add((group, SCHEMA.description, Literal(f"合成データの団体{n}です。地域の活動に取り組んでいます。", lang="ja")))
    graph.add((group, SCHEMA.description, Literal(f"Synthetic group {n}, active in its community.", lang="en-t-ja")))
    graph.add((group, KD.registeredWith, URIRef(ID + "program/group-registration")))
    graph.add((group, DCTERMS.source, URIRef(ID + "source/newsletter-2025")))
    return group


def add_project(graph: Graph, n: int, group: URIRef) -> None:
    project = URIRef(f"{ID}project/synthetic-{n}")
    for cls in (KD.ChallengeProject, IC.活動型, SCHEMA.Project, URIRef("http://www.w3.org/ns/prov#Activity")):
        graph.add((project, RDF.type, cls))
    year = 2000 + n % 26
    graph.add((project, KD.fiscalYear, Literal(str(year), datatype=XSD.gYear)))
    graph.add((project, KD.fiscalYearWareki, Literal(f"{year}年度", lang="ja")))
    graph.add((project, KD.proposer, group))
    if n % 100:
        graph.add((project, KD.program, URIRef(ID + "program/challenge")))
    graph.add((project, KD.category, URIRef(ID + "code/category/start")))
    for predicate in (DCTERMS.title, RDFS.label):
        graph.add((project, predicate, Literal(f"合成事業{n}", lang="ja")))
        graph.add((project, predicate, Literal(f"Synthetic project {n}", lang="en-t-ja")))
    graph.add((project, DCTERMS.source, URIRef(ID + "source/newsletter-2025")))


def synthetic(base: Graph, size: int) -> Graph:
    """The real data plus groups and projects until the graph holds `size` triples."""
    graph = Graph()
    for triple in base:
        graph.add(triple)
    n = 0
    while len(graph) < size:
        add_project(graph, n, add_group(graph, n))
        n += 1
    return graph


def measure(name: str, data: Graph, shapes: Graph, ontology: Graph, locations, repeat: int) -> dict:
    best = None
    for _ in range(repeat):
        row = timed(data, shapes, ontology, locations)
        if best is None or row["total"] < best["total"]:
            best = row
    return {"data": name, **best, "rate": best["triples"] / best["total"] if best["total"] else 0.0}


def timed(data: Graph, shapes: Graph, ontology: Graph, locations) -> dict:
    """validate_graph timed as `kyodo validate` and `kyodo build` run it: in a process of one thread.

    validate_graph forks its worker processes only from a single-threaded process (shacl_parallel), and bench.run
    samples memory in a thread; so then the validation is timed in a forked copy of this process, whose only
    thread is this one (the sampler only reads /proc and sleeps, so it holds no lock the copy could need).
    """
    if threading.active_count() == 1 or not hasattr(os, "fork"):
        return _timed(data, shapes, ontology, locations)
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the copy: time it, send the row, and leave without running the parent's exit handlers
        code = 1
        try:
            with os.fdopen(writer, "wb") as stream:
                pickle.dump(_timed(data, shapes, ontology, locations), stream)
            code = 0
        finally:
            os._exit(code)
    os.close(writer)
    with os.fdopen(reader, "rb") as stream:
        payload = stream.read()
    _pid, status = os.waitpid(pid, 0)
    if status != 0 or not payload:
        raise RuntimeError(f"the timed validation failed (wait status {status})")
    return pickle.loads(payload)


def _timed(data: Graph, shapes: Graph, ontology: Graph, locations) -> dict:
    started = time.perf_counter()
    report = validate_graph(data, shapes, ontology, locations)
    total = time.perf_counter() - started
    return {"triples": report.triples, "pyshacl": report.seconds, "total": total, **report.counts}


def by_shape(data: Graph, shapes: Graph, ontology: Graph) -> list[tuple[float, str]]:
    """Seconds per node shape, each validated alone (the others keep their constraints but lose their targets)."""
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
    node_shapes = sorted(set(shapes.subjects(RDF.type, SH.NodeShape)))
    times = []
    for shape in node_shapes:
        alone = Graph()
        alone.addN((s, p, o, alone) for s, p, o in shapes if not (p in targets and s != shape))
        report = validate_graph(data, alone, ontology)
        times.append((report.seconds, str(shape)))
    return sorted(times, reverse=True)


def print_table(rows: list[dict]) -> None:
    header = f"{'data':<14} {'triples':>10} {'pyshacl s':>10} {'total s':>9} {'triples/s':>10} " \
             f"{'violations':>10} {'warnings':>9} {'infos':>6}"
    print(header)
    print("-" * len(header))
    for r in rows:
        print(f"{r['data']:<14} {r['triples']:>10,} {r['pyshacl']:>10.2f} {r['total']:>9.2f} {r['rate']:>10,.0f} "
              f"{r['violation']:>10} {r['warning']:>9} {r['info']:>6}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000], help="synthetic sizes in triples")
    parser.add_argument("--million", action="store_true", help="add a 1,000,000-triple run (slow)")
    parser.add_argument("--shapes", type=Path, default=ROOT / "shapes", help="shapes folder or file")
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest is shown")
    parser.add_argument("--by-shape", type=int, metavar="TRIPLES", help="time each node shape alone at this size")
    args = parser.parse_args(argv)
    ontology, shapes = load_turtle_folder(ROOT / "ontology"), load_shapes(args.shapes)
    base, provenance = real_data()
    if args.by_shape:
        for seconds, shape in by_shape(synthetic(base, args.by_shape), shapes, ontology):
            print(f"{seconds:8.2f} s  {shape}")
        return
    rows = [measure("real data", base, shapes, ontology, provenance, args.repeat)]
    for size in args.sizes + ([1_000_000] if args.million else []):
        started = time.perf_counter()
        data = synthetic(base, size)
        print(f"  (generated {len(data):,} triples in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
        rows.append(measure(f"synthetic {size // 1000}k", data, shapes, ontology, None, args.repeat))
    print_table(rows)


if __name__ == "__main__":
    main()
