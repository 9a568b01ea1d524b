"""The remote engine: the Store interface over a SPARQL 1.1 endpoint (Virtuoso open source 7.2).

For deployments that outgrow one machine: several stateless web instances share one store server.
Our rules stay in front of it: `analyze` and `remote_query.check` refuse updates, SERVICE, non-standard
syntax and engine extensions before anything is sent; every query carries an explicit dataset
restricted to the graphs we loaded; the time limit is enforced twice (Virtuoso's ``timeout``
parameter, and our HTTP client's deadline); answers are cut at ``max_rows`` with the embedded store's
truncation signal, and re-serialized with the embedded store's writers (publisher.store.results), so
the web layer gets the same bodies from either engine.

The endpoint must hold the release being served: `publisher.store.virtuoso_load.load_nquads` records the
loaded version in the graph ``urn:kyodo-lod:store``, and a store opened for another version refuses
to answer (StoreUnavailable) rather than serve pages of one release with data of another.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path
from time import monotonic
from typing import Any

import rdflib

from publisher.formats import DATASET, Format
from publisher.store import remote_query as rq
from publisher.store import results
from publisher.store.base import (TRUNCATION_LINK, Description, QueryAnswer, QueryFailed, QueryTimeout,
                                  Store, StoreUnavailable)
from publisher.store.embedded import checked_iris, read_meta, to_rdflib
from publisher.store.remote_http import Deadline, SparqlClient
from publisher.store.remote_results import BadAnswer, read_boolean, read_solutions, read_triples
from publisher.store.virtuoso import META_GRAPH, META_GRAPHS, META_VERSION

log = logging.getLogger(__name__)
XML_RESULTS, NTRIPLES = "application/sparql-results+xml", "application/n-triples"
GRACE = 2.0  # seconds our deadline waits beyond the engine's own timeout, for its answer to arrive
DESCRIBE_DEPTHS = (4, 16, 64)  # blank-node depths tried in turn; deeper closures are truncated
ADMIN_TIMEOUT = 30.0  # for the store's own queries (meta, counts, describe)
DUMP_TIMEOUT = 600.0
UNLIMITED = 1 << 40
DESCRIBE_TARGETS = 10_000  # most resources one DESCRIBE query describes


class RemoteStore(Store):
    """A SPARQL endpoint holding one loaded release (see the module docstring)."""

    def __init__(self, endpoint: str, *, store_dir: Path | None = None, version: str | None = None,
                 graphs: list[str] | None = None, max_query_length: int = 100_000,
                 truncation_link: str = TRUNCATION_LINK, admin_timeout: float = ADMIN_TIMEOUT):
        if not endpoint:
            raise StoreUnavailable("no remote SPARQL endpoint is configured (set remote_endpoint)")
        self.client = SparqlClient(endpoint)
        self.endpoint, self.admin_timeout = endpoint, admin_timeout
        self.max_query_length, self.truncation_link = max_query_length, truncation_link
        self._expected = version or (read_meta(Path(store_dir)).get("version") if store_dir else None)
        self._graphs = sorted(graphs) if graphs else None
        self._meta: dict[str, Any] | None = None
        self._counts: dict[str, Any] | None = None
        self._lock = threading.Lock()
        self._server = ""  # the endpoint's Server header, read from its first answer

    # --- what the endpoint holds ---------------------------------------------------------------

    @property
    def version(self) -> str:
        return self._expected or self.meta()["version"] or "unknown"

    def meta(self) -> dict[str, Any]:
        """{"version", "graphs"} as recorded by the loader; checked against the expected version once."""
        if self._meta is None:
            with self._lock:
                if self._meta is None:
                    self._meta = self._read_meta()
        return self._meta

    def _read_meta(self) -> dict[str, Any]:
        query = f"SELECT ?p ?o WHERE {{ GRAPH <{META_GRAPH}> {{ <{META_GRAPH}> ?p ?o }} }}"
        rows = self._select(rq.Prepared(query, (rq.NO_GRAPH,), (META_GRAPH,)))
        version = next((str(o.value) for p, o in rows if p.value == META_VERSION), "")
        graphs = sorted(o.value for p, o in rows if p.value == META_GRAPHS)
        if self._expected and version != self._expected:
            raise StoreUnavailable(f"the endpoint {self.endpoint} holds release {version or '(none)'}, "
                                   f"not {self._expected}: load it (python -m publisher.store.virtuoso load)")
        if not graphs and not self._graphs:
            raise StoreUnavailable(f"the endpoint {self.endpoint} holds no release loaded by kyodo-lod")
        return {"version": version, "graphs": self._graphs or graphs}

    def named_graphs(self) -> list[str]:
        return list(self.meta()["graphs"])

    # --- SPARQL --------------------------------------------------------------------------------

    def query(self, sparql: str, *, result_format: Format, default_graph_uris=(),
              named_graph_uris=(), timeout: float, max_rows: int) -> QueryAnswer:
        started = monotonic()
        info = self.analyze(sparql)
        if info.kind not in result_format.kinds:
            raise ValueError(f"{result_format.name} cannot carry a {info.kind} result")
        rq.check(sparql, info)
        prepared = rq.prepare(sparql, info, self.named_graphs(),
                              checked_iris(default_graph_uris, "default-graph-uri"),
                              checked_iris(named_graph_uris, "named-graph-uri"))
        deadline = Deadline(timeout, GRACE)
        if info.form == "DESCRIBE":
            body, count, truncated = self._describe(prepared, result_format, max_rows, info.prefixes, deadline)
        elif info.kind == "graph":
            body, count, truncated = self._construct(prepared, result_format, max_rows, info.prefixes, deadline)
        elif info.kind == "ask":
            body, count, truncated = self._ask(prepared, result_format, deadline), None, False
        else:
            body, count, truncated = self._solutions(prepared, result_format, max_rows, deadline)
        return QueryAnswer(body=body, media_type=result_format.content_type, kind=info.kind,
                           truncated=truncated, row_count=count, elapsed=monotonic() - started)

    def _solutions(self, prepared, fmt: Format, max_rows: int, deadline: Deadline) -> tuple:
        variables, rows, truncated = self._rows(prepared, deadline, max_rows)
        body = results.WRITERS[fmt.oxigraph](variables, rows, [self.truncation_link] if truncated else [])
        return body, len(rows), truncated

    def _ask(self, prepared, fmt: Format, deadline: Deadline) -> bytes:
        with self.client.post(params(prepared, deadline), accept=XML_RESULTS, deadline=deadline) as response:
            return boolean_body(_read(read_boolean, response), fmt)

    def _construct(self, prepared, fmt: Format, max_rows: int, prefixes, deadline: Deadline) -> tuple:
        with self.client.post(params(prepared, deadline, max_rows + 1), accept=NTRIPLES,
                              deadline=deadline) as response:
            return _read(lambda stream: results.write_triples(read_triples(stream), fmt.oxigraph,
                                                              max_rows, prefixes), response)

    def _describe(self, prepared, fmt: Format, max_rows: int, prefixes, deadline: Deadline) -> tuple:
        """DESCRIBE as the closure SELECT of remote_query, deepened while blank nodes go on."""
        import pyoxigraph as ox

        chunks = self._describe_chunks(prepared, deadline)
        for depth in DESCRIBE_DEPTHS:
            rows, cut = [], False
            for targets in chunks:
                text = rq.describe_query(prepared.text, depth, targets)
                if targets is not None:
                    text = self.in_written_order(text)
                closure = rq.Prepared(text, prepared.default_graphs, prepared.named_graphs)
                found, cut = self._rows(closure, deadline, max_rows - len(rows))[1:]
                rows += found
                if cut:
                    break
            if cut or not needs_deeper(rows, depth, level_index=3):
                break
        triples = dict.fromkeys(ox.Triple(s, p, o) for s, p, o, _ in rows)
        body, count, truncated = results.write_triples(iter(triples), fmt.oxigraph, max_rows, prefixes)
        if cut and not truncated and fmt.oxigraph in ("TURTLE", "N_TRIPLES"):
            body = f"# Truncated: only the first {count} triples are given.\n".encode() + body
        return body, count, truncated or cut

    def _describe_chunks(self, prepared, deadline: Deadline) -> list:
        """The described resources as lists of written terms; [None] lets the closure query find them.

        On Virtuoso, the resources are found first (the user's pattern, as the optimizer likes), then
        described from themselves outward; Virtuoso names its blank nodes <nodeID://...> in queries.
        """
        parts = rq.describe_parts(prepared.text)
        if not self._server.startswith("Virtuoso"):
            return [None]
        targets = list(dict.fromkeys(parts.iris))
        if parts.variables and parts.rest:
            found = rq.Prepared(rq.targets_query(prepared.text), prepared.default_graphs, prepared.named_graphs)
            targets += [written(term) for row in self._rows(found, deadline, DESCRIBE_TARGETS)[1] for term in row]
        iris = [t for t in targets if t and not t.startswith("<nodeID://")]
        blanks = [t for t in targets if t and t.startswith("<nodeID://")]
        chunks = [iris[i:i + 200] for i in range(0, len(iris), 200)]
        chunks += [blanks[i:i + 10] for i in range(0, len(blanks), 10)]
        return chunks or [["<urn:kyodo-lod:nothing>"]]

    def _rows(self, prepared, deadline: Deadline, max_rows: int) -> tuple[list, list, bool]:
        """(variables, at most `max_rows` rows, whether the answer had more)."""
        with self.client.post(params(prepared, deadline, max_rows + 1), accept=XML_RESULTS,
                              deadline=deadline) as response:
            variables, rows, truncated = _read(read_solutions, response, max_rows)
            cap = response.headers.get("X-SPARQL-MaxRows", "")
            self._server = self._server or response.headers.get("Server", "")
        if cap.isdigit() and len(rows) >= int(cap):
            truncated = True  # the endpoint cut the answer at its own ResultSetMaxRows
        return variables, rows, truncated

    def in_written_order(self, closure: str) -> str:
        """A closure query of ours, evaluated from the described resource outward on Virtuoso.

        Virtuoso 7.2's optimizer starts deep blank-node chains from the blank nodes (50 times slower at
        10k triples, worse beyond); its ``sql:select-option "order"`` keeps the order as written. Only
        for queries we write: a user's own query is never given a pragma.
        """
        return f'DEFINE sql:select-option "order"\n{closure}' if self._server.startswith("Virtuoso") else closure

    def _select(self, prepared: rq.Prepared, timeout: float | None = None) -> list:
        """All rows of one of the store's own queries; an answer cut by the endpoint is an error."""
        _, rows, cut = self._rows(prepared, Deadline(timeout or self.admin_timeout, GRACE), UNLIMITED)
        if cut:
            raise QueryFailed(f"the endpoint cut the answer at {len(rows)} rows (raise its ResultSetMaxRows)")
        return rows

    def _ours(self, query: str) -> rq.Prepared:
        graphs = tuple(self.named_graphs())
        return rq.Prepared(query, graphs, graphs)

    # --- resources -----------------------------------------------------------------------------

    def describe(self, iri: str, *, limit: int = 10_000, incoming_limit: int = 1_000) -> Description:
        iri = _checked_iri(iri)
        self.meta()
        for depth in DESCRIBE_DEPTHS:
            rows = self._select(self._ours(self.in_written_order(rq.resource_query(iri, depth, limit))))
            if not needs_deeper(rows, depth, level_index=4) or depth == DESCRIBE_DEPTHS[-1]:
                break
        quads = list(dict.fromkeys(tuple(to_rdflib(t) for t in row[:4])
                                   for row in sorted(rows, key=lambda r: int(r[4].value))))
        incoming = self.incoming(iri, limit=incoming_limit + 1)
        return Description(iri, tuple(quads[:limit]), incoming[:incoming_limit],
                           len(quads) > limit or len(incoming) > incoming_limit)

    def incoming(self, iri: str, *, limit: int = 1_000) -> tuple:
        iri = _checked_iri(iri)
        query = f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p <{iri}> }} }} LIMIT {limit}"
        target = rdflib.URIRef(iri)
        return tuple((to_rdflib(s), to_rdflib(p), target, to_rdflib(g))
                     for s, p, g in self._select(self._ours(query)))

    def exists(self, iri: str) -> bool:
        iri = _checked_iri(iri)
        query = f"SELECT ?p WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} }} LIMIT 1"
        return bool(self._select(self._ours(query)))

    def counts(self) -> dict[str, Any]:
        if self._counts is None:
            query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            graphs = {g.value: int(n.value) for g, n in self._select(self._ours(query))}
            self._counts = {"total": sum(graphs.values()), "graphs": dict(sorted(graphs.items()))}
        return self._counts

    def dump(self, fmt: Format, *, graph: str | None = None,
             output: Path | None = None) -> bytes | None:
        import pyoxigraph as ox

        if DATASET in fmt.kinds and graph:
            raise ValueError(f"{fmt.name} dumps the whole dataset; give no graph")
        if DATASET in fmt.kinds:
            query = "SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
            items = [ox.Quad(s, p, o, g) for s, p, o, g in self._select(self._ours(query), DUMP_TIMEOUT)]
        else:
            where = f"GRAPH <{_checked_iri(graph)}> {{ ?s ?p ?o }}" if graph else "?s ?p ?o"
            query = f"SELECT DISTINCT ?s ?p ?o WHERE {{ {where} }}"
            items = [ox.Triple(s, p, o) for s, p, o in self._select(self._ours(query), DUMP_TIMEOUT)]
        return ox.serialize(items, str(output) if output else None, format=fmt.oxigraph_format())

    def close(self) -> None:
        self.client.close()


# --- helpers -----------------------------------------------------------------------------------------

def _read(reader, response, *args):
    """The reader's result; a broken answer is the deadline's fault when it has passed, else QueryFailed."""
    try:
        return reader(response, *args)
    except BadAnswer as error:
        response.abandon()
        if monotonic() >= response.deadline.at - GRACE:
            raise QueryTimeout(response.deadline.seconds) from None
        log.warning("remote store: %s", error)
        raise QueryFailed(str(error)) from None


def written(term) -> str | None:
    """A term of a Virtuoso answer as SPARQL can name it again (blank nodes as <nodeID://...>)."""
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode) and ">" not in term.value:
        return f"<{term.value}>"
    if isinstance(term, ox.BlankNode):
        return f"<nodeID://{term.value}>"
    return None


def needs_deeper(rows: list, depth: int, *, level_index: int) -> bool:
    """Whether a row at the deepest level has a blank-node object (the closure goes on)."""
    import pyoxigraph as ox

    return any(int(row[level_index].value) == depth and isinstance(row[2], ox.BlankNode) for row in rows)


def _checked_iri(iri: str) -> str:
    import pyoxigraph as ox

    try:
        return ox.NamedNode(iri).value
    except ValueError:
        raise ValueError(f"not an absolute IRI: {iri!r}") from None


def params(prepared: rq.Prepared, deadline: Deadline, max_rows: int | None = None) -> list:
    """The protocol form, with Virtuoso's ``timeout`` (ms) and ``maxrows`` (other engines ignore them)."""
    form = prepared.params() + [("timeout", str(max(1, int(deadline.seconds * 1000))))]
    if max_rows is not None and max_rows < UNLIMITED:
        form.append(("maxrows", str(max_rows)))
    return form


_BOOLEANS: dict = {}


def boolean_body(value: bool, fmt: Format) -> bytes:
    """An ASK answer exactly as the embedded store writes it (pyoxigraph cannot build a QueryBoolean)."""
    key = (value, fmt.oxigraph)
    if key not in _BOOLEANS:
        import pyoxigraph as ox

        answer = ox.Store().query("ASK {}" if value else "ASK { FILTER(false) }")
        _BOOLEANS[key] = results.write_boolean(answer, fmt.oxigraph)
    return _BOOLEANS[key]
