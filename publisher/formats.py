"""The one place that maps MIME types, short names and file extensions to formats.

Every format the publisher reads or writes is a `Format` here, with its names for rdflib and for
pyoxigraph, so that the web layer, the build and the store never spell a MIME type themselves.

Kinds of answer and the formats each can take:

- ``select``: SPARQL results ``json`` (default), ``xml``, ``csv``, ``tsv``;
- ``ask``: ``json`` (default), ``xml`` (the CSV/TSV results spec defines no boolean form);
- ``graph`` (CONSTRUCT, DESCRIBE, resource pages): ``turtle`` (default), ``jsonld``, ``ntriples``,
  ``rdfxml``;
- ``dataset`` (dumps): ``trig`` (default), ``nquads``.

``text/plain`` is deliberately not an alias of N-Triples (the pre-2014 habit): it is too generic, and
a client that lists only ``text/plain`` gets 406 rather than a body it did not ask for.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import IO

from rdflib.plugin import register
from rdflib.query import ResultSerializer
from rdflib.term import BNode, Literal, Node, URIRef
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

SELECT, ASK, GRAPH, DATASET = "select", "ask", "graph", "dataset"
KINDS = (SELECT, ASK, GRAPH, DATASET)


@dataclass(frozen=True)
class Format:
    """One serialization: its names, MIME types, extension and the libraries' names for it."""

    name: str  # short name, used in ?format= and in code
    media_type: str  # canonical MIME type, sent as Content-Type
    aliases: tuple[str, ...]  # other MIME types accepted in Accept and ?format=
    extension: str  # with the dot
    kinds: frozenset[str]
    rdflib: str  # rdflib serializer/parser name (result or graph plugin)
    oxigraph: str  # attribute of pyoxigraph.QueryResultsFormat or pyoxigraph.RdfFormat
    other_names: tuple[str, ...] = ()  # other short names accepted in ?format=

    @property
    def is_results(self) -> bool:
        return bool(self.kinds & {SELECT, ASK})

    @property
    def content_type(self) -> str:
        """The Content-Type header value: text/* types carry an explicit UTF-8 charset."""
        if self.media_type.startswith("text/"):
            return f"{self.media_type}; charset=utf-8"
        return self.media_type

    def oxigraph_format(self):
        """The pyoxigraph format object (imported lazily: the web layer may run without it)."""
        import pyoxigraph

        holder = pyoxigraph.QueryResultsFormat if self.is_results else pyoxigraph.RdfFormat
        return getattr(holder, self.oxigraph)


def _fmt(name, media_type, aliases, extension, kinds, rdflib_name, oxigraph, other_names=()):
    return Format(name, media_type, tuple(aliases), extension, frozenset(kinds), rdflib_name,
                  oxigraph, tuple(other_names))


# Order matters: within a kind, the first format is the default and wins ties in negotiation.
FORMATS: tuple[Format, ...] = (
    _fmt("json", "application/sparql-results+json", ["application/json"], ".srj",
         [SELECT, ASK], "json", "JSON", ["srj"]),
    _fmt("xml", "application/sparql-results+xml", ["application/xml", "text/xml"], ".srx",
         [SELECT, ASK], "xml", "XML", ["srx"]),
    _fmt("csv", "text/csv", [], ".csv", [SELECT], "csv", "CSV"),
    _fmt("tsv", "text/tab-separated-values", [], ".tsv", [SELECT], "tsv", "TSV"),
    _fmt("turtle", "text/turtle", ["application/x-turtle"], ".ttl", [GRAPH], "turtle", "TURTLE",
         ["ttl"]),
    _fmt("jsonld", "application/ld+json", ["application/json"], ".jsonld", [GRAPH], "json-ld",
         "JSON_LD", ["json-ld", "json"]),
    _fmt("ntriples", "application/n-triples", [], ".nt", [GRAPH], "nt", "N_TRIPLES",
         ["nt", "n-triples"]),
    _fmt("rdfxml", "application/rdf+xml", ["application/xml", "text/xml"], ".rdf", [GRAPH], "xml",
         "RDF_XML", ["rdf", "xml", "rdf+xml"]),
    _fmt("trig", "application/trig", [], ".trig", [DATASET], "trig", "TRIG"),
    _fmt("nquads", "application/n-quads", [], ".nq", [DATASET], "nquads", "N_QUADS", ["nq"]),
)


def formats_for(kind: str) -> list[Format]:
    """The formats an answer of this kind can take, the default first."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    return [f for f in FORMATS if kind in f.kinds]


def default_format(kind: str) -> Format:
    return formats_for(kind)[0]


def by_name(name: str) -> Format:
    """The format with this short name (``turtle``), for code that knows what it wants."""
    for fmt in FORMATS:
        if fmt.name == name:
            return fmt
    raise KeyError(f"unknown format {name!r}")


def lookup(value: str, kind: str) -> Format | None:
    """The format of this kind named by a ?format= value: short name, extension or MIME type."""
    wanted = value.strip().lower().split(";")[0].strip().lstrip(".")
    for fmt in formats_for(kind):
        names = {fmt.name, fmt.extension.lstrip("."), *fmt.other_names}
        if wanted in names or wanted in (fmt.media_type, *fmt.aliases):
            return fmt
    return None


def by_extension(extension: str, kind: str | None = None) -> Format | None:
    """The format for a file extension (``.ttl`` or ``ttl``), optionally restricted to a kind."""
    wanted = "." + extension.lower().lstrip(".")
    candidates = formats_for(kind) if kind else FORMATS
    return next((f for f in candidates if f.extension == wanted), None)


def negotiate(accept: MIMEAccept | str | None, kind: str,
              format_param: str | None = None) -> Format | None:
    """Choose the format for an answer of `kind`; None means the caller answers 406.

    `?format=` (short name, extension or MIME type) beats Accept. No Accept header, or ``*/*``,
    gives the kind's default. `accept` is werkzeug's ``request.accept_mimetypes`` or a header value.
    """
    if format_param:
        return lookup(format_param, kind)
    if accept is None or isinstance(accept, str):
        accept = parse_accept_header(accept or "", MIMEAccept)
    if not accept:
        return default_format(kind)
    # Media type parameters (JSON-LD's profile=...) would make werkzeug skip the type: drop them.
    accept = MIMEAccept([(value.split(";")[0].strip(), quality) for value, quality in accept])
    candidates = formats_for(kind)
    # Canonical types first, aliases after, so that text/* picks text/csv and not text/xml.
    offered = [f.media_type for f in candidates] + [a for f in candidates for a in f.aliases]
    chosen = accept.best_match(offered)
    if chosen is None:
        return None
    return next(f for f in candidates if chosen in (f.media_type, *f.aliases))


# --- rdflib: a serializer for SPARQL TSV results (rdflib ships only the parser) -----------------

def _tsv_escape(text: str) -> str:
    return (text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\r", "\\r").replace("\t", "\\t"))


def tsv_term(term: Node | None) -> str:
    """A term as a TSV results cell: N-Triples syntax, every control character escaped."""
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return f"<{term}>"
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = f'"{_tsv_escape(str(term))}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f"{text}^^<{term.datatype}>"
        return text
    raise TypeError(f"cannot write {term!r} in SPARQL TSV results")


class TSVResultSerializer(ResultSerializer):
    """SPARQL 1.1 TSV results for rdflib: ``result.serialize(format="tsv")``."""

    def serialize(self, stream: IO, encoding: str = "utf-8", **kwargs) -> None:
        if self.result.type != "SELECT":
            raise ValueError("SPARQL TSV results exist only for SELECT queries")
        lines = ["\t".join(f"?{v}" for v in self.result.vars)]
        for row in self.result:
            lines.append("\t".join(tsv_term(row[v]) for v in self.result.vars))
        data = ("\n".join(lines) + "\n").encode(encoding or "utf-8")
        try:
            stream.write(data)
        except TypeError:  # a text stream
            stream.write(data.decode(encoding or "utf-8"))


for _name in ("tsv", "text/tab-separated-values"):
    register(_name, ResultSerializer, __name__, "TSVResultSerializer")
