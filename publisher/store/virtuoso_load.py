"""Load a release into Virtuoso with its bulk loader, one named graph at a time.

    load_release(Isql.parse("127.0.0.1:1111"), Path("dist/releases/<version>"))

The N-Quads are split into one N-Triples file per graph, each registered with
``ld_dir(folder, file, graph)``, then ``rdf_loader_run()`` and ``checkpoint``; the graphs of the previous
load are deleted first. The graph ``urn:kyodo-lod:store`` records the loaded version and graph list.
The loader reads the files from the server's disk: the load folder must be under one of the server's
``DirsAllowed`` (by default it is beside the N-Quads, in the release folder).
"""
from __future__ import annotations

import shutil
from datetime import datetime, timezone
from pathlib import Path

from publisher.store.virtuoso import META_GRAPH, META_GRAPHS, META_LOADED, META_VERSION, Isql, VirtuosoError


def split_by_graph(nquads_path: Path, folder: Path) -> dict[str, Path]:
    """One N-Triples file per named graph of the N-Quads: {graph IRI: file}.

    The bulk loader gives blank nodes a per-file scope, so a blank node used in two graphs would
    become two: refused, as are triples in the default graph (our builds put every triple in a
    named graph).
    """
    import pyoxigraph as ox

    folder.mkdir(parents=True, exist_ok=True)
    files: dict[str, tuple[Path, object]] = {}
    blank_graph: dict[str, str] = {}
    try:
        for quad in ox.parse(path=str(nquads_path), format=ox.RdfFormat.N_QUADS):
            graph = quad.graph_name
            if isinstance(graph, ox.DefaultGraph):
                raise VirtuosoError(f"{nquads_path.name}: a triple is in the default graph: {quad}")
            check_blank_nodes(quad, graph.value, blank_graph)
            if graph.value not in files:
                path = folder / f"graph-{len(files):03d}.nt"
                files[graph.value] = (path, open(path, "w", encoding="utf-8"))
            files[graph.value][1].write(f"{quad.subject} {quad.predicate} {quad.object} .\n")
    finally:
        for _, stream in files.values():
            stream.close()
    return {graph: path for graph, (path, _) in files.items()}


def check_blank_nodes(quad, graph: str, seen: dict[str, str]) -> None:
    import pyoxigraph as ox

    for term in (quad.subject, quad.object):
        if isinstance(term, ox.BlankNode) and seen.setdefault(term.value, graph) != graph:
            raise VirtuosoError(f"the blank node _:{term.value} is used in two graphs "
                                f"({seen[term.value]} and {graph}); the bulk loader cannot keep it one node")


def sql_string(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def loaded_meta(isql: Isql) -> tuple[str, list[str]]:
    """(version, graphs) recorded by the last load; ("", []) when nothing was loaded."""
    output = isql.run(f"SPARQL SELECT ?p ?o FROM <{META_GRAPH}> WHERE {{ <{META_GRAPH}> ?p ?o }};")
    version, graphs = "", []
    for line in output.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == META_VERSION:
            version = parts[1]
        elif len(parts) == 2 and parts[0] == META_GRAPHS:
            graphs.append(parts[1])
    return version, graphs


def load_nquads(isql: Isql, nquads_path: Path, *, version: str, work_dir: Path | None = None,
                keep_files: bool = False) -> dict[str, int]:
    """Replace what the server holds with the N-Quads, one bulk load per named graph.

    `work_dir` (default: beside the N-Quads) must be readable by the server (its DirsAllowed).
    Returns {graph IRI: triples loaded}.
    """
    nquads_path = Path(nquads_path).resolve()
    work_dir = Path(work_dir or nquads_path.parent / ".virtuoso-load").resolve()
    files = split_by_graph(nquads_path, work_dir)
    try:
        _, old_graphs = loaded_meta(isql)
        isql.run(clear_script([*old_graphs, *files, META_GRAPH], work_dir))
        isql.run(load_script(files, work_dir))
        check_load_errors(isql, work_dir)
        isql.run(meta_script(version, list(files)) + "checkpoint;")
        return {graph: graph_size(isql, graph) for graph in files}
    finally:
        if not keep_files:
            shutil.rmtree(work_dir, ignore_errors=True)


def clear_script(graphs, work_dir: Path) -> str:
    lines = ["log_enable(3, 1);"]
    lines += [f"DELETE FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({sql_string(g)});" for g in dict.fromkeys(graphs)]
    lines.append(f"DELETE FROM DB.DBA.load_list WHERE ll_file LIKE {sql_string(str(work_dir) + '/%')};")
    return "\n".join(lines)


def load_script(files: dict[str, Path], work_dir: Path) -> str:
    lines = [f"ld_dir({sql_string(str(work_dir))}, {sql_string(path.name)}, {sql_string(graph)});"
             for graph, path in files.items()]
    return "\n".join(lines + ["rdf_loader_run();", "checkpoint;"])


def check_load_errors(isql: Isql, work_dir: Path) -> None:
    pattern = sql_string(str(work_dir) + "/%")
    failed = isql.scalar(f"SELECT COUNT(*) FROM DB.DBA.load_list WHERE ll_file LIKE {pattern} "
                         "AND (ll_error IS NOT NULL OR ll_state <> 2)")
    if failed not in ("0", ""):
        details = isql.run(f"SELECT ll_file, ll_error FROM DB.DBA.load_list WHERE ll_file LIKE {pattern} "
                           "AND ll_error IS NOT NULL;")
        raise VirtuosoError(f"the bulk loader failed on {failed} file(s): {details.strip()[:2000]}")


def meta_script(version: str, graphs: list[str]) -> str:
    loaded = datetime.now(timezone.utc).isoformat(timespec="seconds")
    triples = [f'<{META_GRAPH}> <{META_VERSION}> "{version}"',
               f'<{META_GRAPH}> <{META_LOADED}> "{loaded}"^^<http://www.w3.org/2001/XMLSchema#dateTime>']
    triples += [f"<{META_GRAPH}> <{META_GRAPHS}> <{graph}>" for graph in graphs]
    return f"SPARQL INSERT DATA {{ GRAPH <{META_GRAPH}> {{ {' . '.join(triples)} }} }};\n"


def graph_size(isql: Isql, graph: str) -> int:
    return int(isql.scalar(f"SELECT COUNT(*) FROM DB.DBA.RDF_QUAD WHERE G = iri_to_id({sql_string(graph)})") or 0)


def load_release(isql: Isql, release_dir: Path, **options) -> dict[str, int]:
    """Load a release folder (its kyodo.nq, under the version of its manifest)."""
    import json

    release_dir = Path(release_dir)
    manifest = json.loads((release_dir / "manifest.json").read_text("utf-8"))
    return load_nquads(isql, release_dir / "kyodo.nq", version=manifest["version"], **options)
