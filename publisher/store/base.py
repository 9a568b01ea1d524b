"""The store interface the web layer talks to, its result types and its errors.

The web layer uses only `Store.analyze`, `Store.query`, `Store.describe`/`incoming`/`exists`,
`Store.counts`/`named_graphs` and `Store.version`, so an engine can be swapped (the embedded
Oxigraph store now, a remote SPARQL 1.1 endpoint such as Virtuoso later) without touching it.

Dataset semantics, the same for every engine: the data sits in named graphs (one per dataset).
Unless the request names graphs (``default-graph-uri`` / ``named-graph-uri``) or the query has
FROM / FROM NAMED, the default graph is the union of all named graphs and every named graph is
available to GRAPH. When the request names graphs, they make the whole dataset (SPARQL 1.1
Protocol §2.1.4): naming only default graphs leaves no named graphs, and the other way round.
The protocol's graphs override the query's FROM / FROM NAMED.

Known deviation (Oxigraph): the union default graph is a multiset, so a triple stored in two named
graphs matches twice in SELECT (use DISTINCT); CONSTRUCT and DESCRIBE answers are sets.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from publisher.errors import KyodoError

if TYPE_CHECKING:
    from pathlib import Path

    import rdflib

    from publisher.formats import Format

# Where a truncated result says so (SPARQL JSON head.link, SPARQL XML <link href>); overridable.
TRUNCATION_LINK = "urn:kyodo-lod:result-truncated"


# --- errors ----------------------------------------------------------------------------------

class StoreError(KyodoError):
    """A query or store problem, with its message in English and Japanese.

    `http_status` is a hint for the web layer; `exit_code` is the CLI's.
    """

    http_status = 500
    retry_after: int | None = None  # seconds a client should wait before trying again, when it may

    def __init__(self, en: str, ja: str):
        self.en, self.ja = en, ja
        super().__init__(en)

    def message(self, lang: str = "en") -> str:
        return self.ja if lang == "ja" else self.en


class QuerySyntaxError(StoreError):
    """The query does not parse; `line` and `column` are 1-based, in characters."""

    http_status = 400

    def __init__(self, message: str, line: int | None, column: int | None):
        self.detail, self.line, self.column = message, line, column
        if line is None:
            super().__init__(f"SPARQL syntax error: {message}", f"SPARQLの構文エラー: {message}")
        else:
            super().__init__(f"SPARQL syntax error at line {line}, column {column}: {message}",
                             f"SPARQLの構文エラー（{line}行{column}列）: {message}")


class QueryRefused(StoreError):
    """A request we will not run: an update, SERVICE, something that is not a query."""

    http_status = 400

    def __init__(self, reason_en: str, reason_ja: str):
        super().__init__(reason_en, reason_ja)


class QueryTimeout(StoreError):
    """The query was stopped at its deadline (or no query worker became free before it)."""

    http_status = 503

    def __init__(self, seconds: float, *, busy: bool = False):
        self.seconds, self.busy = seconds, busy
        self.retry_after = max(1, round(seconds))
        if busy:
            super().__init__(
                f"All query workers stayed busy for {seconds:g} s; try again later.",
                f"{seconds:g}秒待ってもクエリを実行できる空きがありませんでした。時間をおいて再度お試しください。")
        else:
            super().__init__(
                f"The query was stopped after {seconds:g} s (the time limit).",
                f"クエリは制限時間（{seconds:g}秒）を超えたため中止されました。")


class QueryTooLarge(StoreError):
    """The query text is longer than the configured limit."""

    http_status = 413

    def __init__(self, size: int, limit: int):
        self.size, self.limit = size, limit
        super().__init__(f"The query is {size} characters long; the limit is {limit}.",
                         f"クエリが長すぎます（{size}文字、上限は{limit}文字）。")


class QueryFailed(StoreError):
    """The engine failed: an evaluation error, or its worker process ended during the query."""

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(f"The query failed: {detail}", f"クエリの実行に失敗しました: {detail}")


class QueryUnsupported(QueryFailed):
    """The engine cannot evaluate what the query asks for (a custom function it does not have): the query's fault."""

    http_status = 400

    def __init__(self, detail: str):
        self.detail = detail
        StoreError.__init__(self, f"The query cannot be evaluated here: {detail}",
                            f"このクエリはここでは評価できません: {detail}")


class QueryInterrupted(QueryFailed):
    """The query's worker process ended during the query (killed, or crashed): the store itself is fine.

    A replacement worker is already starting, so this is a 503 that the client may retry.
    """

    http_status = 503
    retry_after = 1

    def __init__(self, pid: int, how: str):
        self.pid, self.how = pid, how
        StoreError.__init__(self, f"The query was interrupted: its worker process (pid {pid}) ended ({how}). "
                                  "Please try again.",
                            f"クエリが中断されました。実行中のプロセス（pid {pid}）が終了しました（{how}）。"
                            "もう一度お試しください。")
        self.detail = how


class StoreUnavailable(StoreError):
    """The store cannot be opened (missing or unreadable build output)."""

    http_status = 503

    def __init__(self, detail: str):
        self.detail = detail
        super().__init__(f"The store is not available: {detail}",
                         f"データストアを利用できません: {detail}")


# --- results ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class QueryInfo:
    """What a query is, found by `analyze` before it runs."""

    kind: str  # "select", "ask" or "graph" (CONSTRUCT and DESCRIBE)
    form: str  # "SELECT", "ASK", "CONSTRUCT" or "DESCRIBE"
    uses_service: bool = False
    has_dataset_clause: bool = False  # FROM or FROM NAMED
    prefixes: dict[str, str] = field(default_factory=dict)  # declared with PREFIX
    update_keywords: tuple[str, ...] = ()


@dataclass(frozen=True)
class QueryAnswer:
    """A query's serialized answer, ready to send."""

    body: bytes
    media_type: str  # the Content-Type value (text/* with charset=utf-8)
    kind: str  # "select", "ask" or "graph"
    truncated: bool = False  # rows (or triples) beyond max_rows were left out
    row_count: int | None = None  # rows or triples in the body; None for ASK
    elapsed: float = 0.0  # seconds the engine spent evaluating and serializing


Quad = tuple  # (subject, predicate, object, graph) as rdflib terms; graph None = default graph


@dataclass(frozen=True)
class Description:
    """A resource's triples: outgoing with the blank-node closure, and incoming, with graphs.

    `outgoing` follows blank-node objects recursively, so IMI's nested typed blank nodes
    (``ic:名称 [ a ic:名称型 ; ic:表記 "…"@ja ]``) come whole. A SPARQL ``DESCRIBE <iri>`` answers
    exactly the triples of `outgoing`.
    """

    iri: str
    outgoing: tuple[Quad, ...]
    incoming: tuple[Quad, ...] = ()
    truncated: bool = False

    @property
    def graphs(self) -> list[str]:
        """The named graphs the triples come from."""
        return sorted({str(q[3]) for q in self.outgoing + self.incoming if q[3] is not None})

    def graph(self, *, incoming: bool = True) -> "rdflib.Graph":
        """The triples as one rdflib Graph (graph names dropped)."""
        import rdflib

        graph = rdflib.Graph()
        for s, p, o, _ in self.outgoing + (self.incoming if incoming else ()):
            graph.add((s, p, o))
        return graph


# --- the interface ---------------------------------------------------------------------------

class Store(ABC):
    """A read-only RDF store answering SPARQL; see the module docstring for dataset semantics."""

    max_query_length: int = 100_000

    @property
    @abstractmethod
    def version(self) -> str:
        """The version string of the build the store holds."""

    def analyze(self, sparql: str) -> QueryInfo:
        """Classify the query and refuse what we will not run, without running it (a lexer, ~15 µs).

        Raises QueryRefused (updates, SERVICE, an empty query), QueryTooLarge, and
        QuerySyntaxError when no query form is found. Other syntax errors need the engine's parser:
        `query` raises them, as QuerySyntaxError too.
        """
        from publisher.store.scan import analyze

        return analyze(sparql, max_length=self.max_query_length)

    @abstractmethod
    def query(self, sparql: str, *, result_format: "Format", default_graph_uris=(),
              named_graph_uris=(), timeout: float, max_rows: int) -> QueryAnswer:
        """Run a query and serialize its answer; at most `max_rows` rows or triples."""

    @abstractmethod
    def describe(self, iri: str, *, limit: int = 10_000, incoming_limit: int = 1_000) -> Description:
        """The resource's outgoing closure and incoming triples, with their graphs."""

    @abstractmethod
    def incoming(self, iri: str, *, limit: int = 1_000) -> tuple[Quad, ...]:
        """The triples ``?s ?p <iri>`` (with their graphs), at most `limit`."""

    @abstractmethod
    def exists(self, iri: str) -> bool:
        """Whether the IRI is the subject of any triple."""

    @abstractmethod
    def counts(self) -> dict[str, Any]:
        """``{"total": n, "graphs": {graph IRI: n, ...}}`` (default-graph triples under "")."""

    @abstractmethod
    def named_graphs(self) -> list[str]:
        """The named graphs' IRIs, sorted."""

    @abstractmethod
    def dump(self, fmt: "Format", *, graph: str | None = None,
             output: "Path | None" = None) -> bytes | None:
        """The data in a graph or dataset format; bytes, or None when written to `output`."""

    def close(self) -> None:
        """Release processes and handles; the store cannot be used afterwards."""

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()
