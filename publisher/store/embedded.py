"""The embedded store: an Oxigraph database on disk, opened read-only by every process.

Layout written by `create_store` (the build calls it)::

    <store_dir>/oxigraph/    the Oxigraph (RocksDB) database, bulk-loaded from N-Quads
    <store_dir>/store.json   {"version", "created", "source", "counts"}

A bare Oxigraph directory (without store.json) opens too; its version is then "unknown".

Any number of processes may open the database read-only at once (checked: four processes
querying one directory, and a read-only file system). User queries run in the worker processes of
`QueryPool` (deadlines, SIGKILL), except those `publisher.store.bounded` proves small (lookups of a
resource's properties: no deadline needed, and no round trip); `describe`, `exists`, `counts` and
`dump` are bounded index scans and run in the calling process on its own read-only handle, opened
lazily per process.
"""
from __future__ import annotations

import gc
import hashlib
import json
import os
import shutil
import tempfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from publisher.formats import DATASET, Format
from publisher.store import bounded, worker
from publisher.store.base import (TRUNCATION_LINK, Description, QueryAnswer, QueryFailed,
                                  QueryRefused, QuerySyntaxError, QueryUnsupported, Store,
                                  StoreUnavailable)
from publisher.store.querypool import QueryPool

DATABASE, META = "oxigraph", "store.json"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
LANG_STRINGS = {"http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
                "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"}

# Handles opened in a parent process are never closed in a forked child (RocksDB is not fork-safe).
_INHERITED_HANDLES: list = []


class EmbeddedStore(Store):
    """A built store directory, queried through a pool of worker processes."""

    def __init__(self, store_dir: Path, *, workers: int = 2, max_query_length: int = 100_000,
                 truncation_link: str = TRUNCATION_LINK, start_timeout: float = 60.0,
                 python: str | None = None, inline: bool = True):
        self.store_dir = Path(store_dir)
        self.database_dir = database_dir(self.store_dir)
        self.max_query_length, self.truncation_link = max_query_length, truncation_link
        self._meta = read_meta(self.store_dir)
        self.pool = QueryPool(self.database_dir, size=workers, start_timeout=start_timeout,
                              python=python)
        self._handle: tuple[int, Any] | None = None
        self.inline = inline  # answer provably small queries here (publisher.store.bounded)

    @property
    def version(self) -> str:
        return str(self._meta.get("version", "unknown"))

    # --- SPARQL --------------------------------------------------------------------------------

    def query(self, sparql: str, *, result_format: Format, default_graph_uris=(),
              named_graph_uris=(), timeout: float, max_rows: int) -> QueryAnswer:
        info = self.analyze(sparql)
        if info.kind not in result_format.kinds:
            raise ValueError(f"{result_format.name} cannot carry a {info.kind} result")
        request = {
            "op": "query", "sparql": sparql, "kind": info.kind, "format": result_format.oxigraph,
            "max_rows": max_rows, "link": self.truncation_link, "prefixes": info.prefixes,
            "has_dataset_clause": info.has_dataset_clause,
            "default_graphs": checked_iris(default_graph_uris, "default-graph-uri"),
            "named_graphs": checked_iris(named_graph_uris, "named-graph-uri"),
        }
        if self.inline and not info.has_dataset_clause:
            found = bounded.plan(sparql)
            if found is not None and bounded.admits(self._database(), found):
                return answer(worker.handle(self._database(), request), result_format)
        return answer(self.pool.call(request, timeout), result_format)

    def warm(self, timeout: float = 60.0) -> bool:
        """Start the query workers now (e.g. in gunicorn's post_fork); True when all are up."""
        return self.pool.wait_ready(timeout)

    # --- resources -----------------------------------------------------------------------------

    def describe(self, iri: str, *, limit: int = 10_000, incoming_limit: int = 1_000) -> Description:
        quads, truncated = closure(self._database(), named_node(iri), limit)
        incoming = self.incoming(iri, limit=incoming_limit + 1)
        return Description(iri, tuple(to_rdflib_quad(q) for q in quads), incoming[:incoming_limit],
                           truncated or len(incoming) > incoming_limit)

    def incoming(self, iri: str, *, limit: int = 1_000) -> tuple:
        found = self._database().quads_for_pattern(None, None, named_node(iri), None)
        return tuple(to_rdflib_quad(q) for _, q in zip(range(limit), found))

    def exists(self, iri: str) -> bool:
        found = self._database().quads_for_pattern(named_node(iri), None, None, None)
        return next(iter(found), None) is not None

    def counts(self) -> dict[str, Any]:
        if "counts" not in self._meta:
            self._meta["counts"] = count_triples(self._database())
        return self._meta["counts"]

    def named_graphs(self) -> list[str]:
        return sorted(g.value for g in self._database().named_graphs() if isinstance(g, ox.NamedNode))

    def dump(self, fmt: Format, *, graph: str | None = None,
             output: Path | None = None) -> bytes | None:
        database, target = self._database(), (str(output) if output else None)
        if DATASET in fmt.kinds:
            if graph:
                raise ValueError(f"{fmt.name} dumps the whole dataset; give no graph")
            return database.dump(target, format=fmt.oxigraph_format())
        if graph:
            return database.dump(target, format=fmt.oxigraph_format(), from_graph=named_node(graph))
        union = database.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                               use_default_graph_as_union=True)
        return union.serialize(target, format=fmt.oxigraph_format())

    def close(self) -> None:
        self.pool.close()
        self._handle = None

    def _database(self):
        """This process's read-only handle, opened on first use (again after a fork)."""
        handle = self._handle
        if handle is None or handle[0] != os.getpid():
            if handle is not None:
                _INHERITED_HANDLES.append(handle[1])
            try:
                handle = (os.getpid(), ox.Store.read_only(str(self.database_dir)))
            except OSError as error:
                raise StoreUnavailable(str(error)) from None
            self._handle = handle
        return handle[1]


# --- helpers -----------------------------------------------------------------------------------

def database_dir(store_dir: Path) -> Path:
    if (store_dir / DATABASE / "CURRENT").is_file():
        return store_dir / DATABASE
    if (store_dir / "CURRENT").is_file():
        return store_dir
    raise StoreUnavailable(f"{store_dir} holds no Oxigraph store; run the build first")


def read_meta(store_dir: Path) -> dict[str, Any]:
    try:
        return json.loads((store_dir / META).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}


def checked_iris(iris, parameter: str) -> list[str]:
    for iri in iris:
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise QueryRefused(f"{parameter} is not an absolute IRI: {iri}",
                               f"{parameter} が絶対IRIではありません: {iri}") from None
    return list(iris)


def answer(reply: tuple, fmt: Format) -> QueryAnswer:
    status = reply[0]
    if status == "syntax":
        raise QuerySyntaxError(*reply[1:])
    if status == "unsupported":
        raise QueryUnsupported(reply[1])
    if status != "ok":
        raise QueryFailed(reply[1])
    fields = reply[1]
    return QueryAnswer(body=fields["body"], media_type=fmt.content_type, kind=fields["kind"],
                       truncated=fields["truncated"], row_count=fields["row_count"],
                       elapsed=fields["elapsed"])


def named_node(iri: str):
    try:
        return ox.NamedNode(iri)
    except ValueError:
        raise ValueError(f"not an absolute IRI: {iri!r}") from None


def closure(database, start, limit: int) -> tuple[list, bool]:
    """Quads with `start` as subject, following blank-node objects; at most `limit`."""
    quads, queue, seen = [], [start], set()
    while queue:
        for quad in database.quads_for_pattern(queue.pop(), None, None, None):
            if len(quads) == limit:
                return quads, True
            quads.append(quad)
            if isinstance(quad.object, ox.BlankNode) and quad.object not in seen:
                seen.add(quad.object)
                queue.append(quad.object)
    return quads, False


def to_rdflib(term):
    """A pyoxigraph term as rdflib's: plain literals stay plain, so graphs compare equal."""
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        plain = datatype == XSD_STRING or datatype in LANG_STRINGS
        return rdflib.Literal(term.value, datatype=None if plain else rdflib.URIRef(datatype))
    if isinstance(term, ox.DefaultGraph):
        return None
    return rdflib.Literal(f"<<( {term} )>>")  # an RDF 1.2 triple term: rdflib has none


def to_rdflib_quad(quad) -> tuple:
    return (to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object),
            to_rdflib(quad.graph_name))


def count_triples(database) -> dict[str, Any]:
    """{"total": n, "graphs": {graph: n}}; default-graph triples, if any, under ""."""
    graphs = {row[0].value: int(row[1].value) for row in database.query(
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    default = int(next(iter(database.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))[0].value)
    if default:
        graphs[""] = default
    return {"total": sum(graphs.values()), "graphs": dict(sorted(graphs.items()))}


# --- building a store --------------------------------------------------------------------------

def create_store(store_dir: Path, nquads_path: Path, *, version: str | None = None) -> Path:
    """Bulk-load N-Quads into a new store at `store_dir`, replacing any old one.

    The store is written to a temporary directory beside `store_dir` and renamed into place, so
    a failed load leaves the old store as it was. `version` defaults to a digest of the N-Quads.
    """
    store_dir, nquads_path = Path(store_dir), Path(nquads_path)
    store_dir.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{store_dir.name}.", dir=store_dir.parent))
    try:
        counts = bulk_load(temp / DATABASE, nquads_path)
        meta = {"version": version or file_digest(nquads_path),
                "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
                "source": nquads_path.name, "counts": counts}
        (temp / META).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                 encoding="utf-8")
        swap_into_place(temp, store_dir)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return store_dir


def bulk_load(database_path: Path, nquads_path: Path) -> dict[str, Any]:
    database = ox.Store(str(database_path))
    database.bulk_load(path=str(nquads_path), format=ox.RdfFormat.N_QUADS)
    database.optimize()
    counts = count_triples(database)
    del database  # pyoxigraph closes the database when the handle is dropped
    gc.collect()
    return counts


def swap_into_place(new: Path, target: Path) -> None:
    """Rename `new` to `target`; an existing target is moved aside first, then deleted."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, old)
    os.rename(new, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return "sha256-" + digest.hexdigest()[:16]
