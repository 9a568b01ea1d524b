"""Linked data: every IRI under the base dereferences (Cool URIs), and so do the vocabulary and shapes.

    /id/<path>              303 See Other to /doc/<path>.<ext>, the format chosen by ?format= or Accept
    /doc/<path>[.<ext>]     the document about the thing: .html .ttl .jsonld .nt .rdf (none: negotiated)
    /graph/<name>[.<ext>]   a named graph: an HTML summary, or its triples
    /def[.<ext>]            the vocabulary https://w3id.org/kyodo-lod/def (term IRIs def#Term land here)
    /shapes[.<ext>]         the SHACL shapes https://w3id.org/kyodo-lod/shapes

A document is rendered once per release, format and language (kept in release().documents) and served
through http.finish (ETag, Last-Modified, 304). The configured base IRI is rewritten to this host on
the way in (the requested path) and on the way out (every body).

The second half of the module turns a store Description into the page model resource.html renders;
what terms are called, and the /def and /shapes page models, are in vocabulary.py.
"""
from __future__ import annotations

import json
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Callable

from flask import Blueprint, Response, g, redirect, render_template, request
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS

from ..formats import GRAPH, by_name, formats_for, lookup
from ..vocab import IC, KD, KD_NS, ONTOLOGY_IRI, PREFIXES, SCHEMA, SHAPES_IRI
from . import vocabulary
from .context import LANGS, Rewriter, lang, release, rewriter
from .data import labels, select
from .http import HTTPError, finish
from .i18n import pick
from .pages import dataset_info
from .vocabulary import curie, incoming_heading, is_web_link, term_label, vocab_href

bp = Blueprint("resources", __name__)


@dataclass(frozen=True)
class PageFormat:
    """HTML, offered beside the RDF formats with the same attributes as a formats.Format."""

    name: str = "html"
    media_type: str = "text/html"
    aliases: tuple[str, ...] = ("application/xhtml+xml",)
    extension: str = ".html"
    content_type: str = "text/html; charset=utf-8"
    label: str = "HTML"


HTML = PageFormat()
DOC_FORMATS = (HTML, *formats_for(GRAPH))
BY_EXTENSION = {f.extension.lstrip("."): f for f in DOC_FORMATS}
LABELS = {"html": "HTML", "turtle": "Turtle", "jsonld": "JSON-LD", "ntriples": "N-Triples", "rdfxml": "RDF/XML"}


# --- negotiation ------------------------------------------------------------------------------

def choose_format():
    """HTML or an RDF format: ?format= beats Accept; no Accept (or */*) gives HTML; None means 406."""
    asked = request.args.get("format")
    if asked:
        return HTML if asked.strip().lower().lstrip(".") in ("html", "text/html") else lookup(asked, GRAPH)
    accept = request.accept_mimetypes
    if not accept:
        return HTML
    offered = [f.media_type for f in DOC_FORMATS] + [a for f in DOC_FORMATS for a in f.aliases]
    chosen = accept.best_match(offered)
    return next((f for f in DOC_FORMATS if chosen in (f.media_type, *f.aliases)), None) if chosen else None


def wanted_format():
    fmt = choose_format()
    if fmt is None:
        types = ", ".join(f.media_type for f in DOC_FORMATS)
        raise HTTPError(406, f"Not acceptable: this document is available as {types}.",
                        f"要求された形式では応答できません。利用できる形式: {types}")
    return fmt


def split_extension(path: str):
    """("group/x", turtle) for "group/x.ttl"; (path, None) when there is no known extension."""
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension and extension in BY_EXTENSION:
        return stem, BY_EXTENSION[extension]
    return path, None


# --- IRIs and URLs ----------------------------------------------------------------------------

def data_iri(relative: str) -> str:
    """The IRI (under the configured base) that a path on this host stands for."""
    return rewriter().inward(rewriter().root + relative)


def local_url(relative: str) -> str:
    return rewriter().root + relative


def published(iri: str) -> bool:
    try:
        return release().store.exists(iri)
    except ValueError:  # not an IRI at all (spaces, angle brackets): certainly not ours
        return False


def gone_or_not_found(iri: str):
    """A resource an earlier release published answers 410 Gone with a note; anything else 404."""
    from .downloads import gone_response

    response = gone_response(iri)
    if response is None:
        raise not_found()
    return response


def not_found() -> HTTPError:
    return HTTPError(404, f"Nothing is published at {request.path}.", f"{request.path} には何も公開されていません。")


def format_links(relative: str) -> list[dict]:
    return [{"name": f.name, "label": LABELS[f.name], "media_type": f.media_type,
             "href": local_url(relative + f.extension)} for f in DOC_FORMATS]


# --- serving ----------------------------------------------------------------------------------

def serve(relative: str, fmt, render: Callable) -> Response:
    """The document at `relative` in `fmt` (None: negotiated), rendered once per release and kept.

    Documents are rendered with every URL under the configured base and kept so (the cache does not
    grow with the Host headers clients send); this host's rewriting is applied to the bytes served.
    """
    negotiated = fmt is None
    fmt = fmt or wanted_format()
    key = ("linked-data", relative, fmt.name, lang() if fmt is HTML else "")
    documents = release().documents
    body = documents.get(key)
    if body is None:
        with canonical_urls():
            body = render(fmt)
        documents[key] = body
    response = Response(rewriter().outward_bytes(body), content_type=fmt.content_type)
    if negotiated:
        response.headers["Content-Location"] = local_url(relative + fmt.extension)
    return finish(response, negotiated=negotiated)


@contextmanager
def canonical_urls():
    """Within the block, this request's rewriter leaves the base as it is (links come out under it)."""
    actual = rewriter()
    g.rewriter = Rewriter(actual.base, actual.base)
    try:
        yield
    finally:
        g.rewriter = actual


def html(template: str, page: dict, relative: str) -> bytes:
    return render_template(template, page=page, formats=format_links(relative), say=vocabulary.say).encode("utf-8")


def bound(graph: Graph) -> Graph:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    return graph


def serialize(graph: Graph, fmt, topic: str = "") -> bytes:
    """Turtle, N-Triples, RDF/XML, or JSON-LD compacted with the prefixes it uses, blank nodes nested."""
    if fmt.name != "jsonld":
        return bound(graph).serialize(format=fmt.rdflib).encode("utf-8")
    used = {str(t) for triple in graph for t in triple}
    context = {p: ns for p, ns in PREFIXES.items() if any(t.startswith(ns) for t in used)}
    document = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    return json.dumps(nest_blank_nodes(document, topic), ensure_ascii=False, indent=2).encode("utf-8")


def nest_blank_nodes(document: dict, topic: str) -> dict:
    """Put each blank node used once where it is used (IMI names, contacts, periods), the topic first."""
    nodes = document.get("@graph")
    if not isinstance(nodes, list):
        return document
    blank = {n["@id"]: n for n in nodes if str(n.get("@id", "")).startswith("_:")}
    uses = Counter(v["@id"] for v in _references(nodes) if v["@id"] in blank)
    nested = {b for b, count in uses.items() if count == 1}
    placed: set = set()

    def fill(value):
        if isinstance(value, list):
            return [fill(v) for v in value]
        if isinstance(value, dict):
            if set(value) == {"@id"} and value["@id"] in nested and value["@id"] not in placed:
                placed.add(value["@id"])
                return {k: fill(v) for k, v in blank[value["@id"]].items() if k != "@id"}
            return {k: fill(v) for k, v in value.items()}
        return value

    top = [fill(n) for n in nodes if n.get("@id") not in nested]
    if placed != nested:  # a cycle of blank nodes: keep the flat form rather than lose one
        return document
    top.sort(key=lambda n: (n.get("@id") != topic, str(n.get("@id", ""))))
    return {"@context": document.get("@context", {}), "@graph": top}


def _references(value):
    if isinstance(value, list):
        for item in value:
            yield from _references(item)
    elif isinstance(value, dict):
        if set(value) == {"@id"}:
            yield value
        for key, item in value.items():
            if key != "@id":
                yield from _references(item)


# --- things and their documents ---------------------------------------------------------------

@bp.route("/id/<path:path>")
def thing(path: str):
    """303 See Other to the document about the thing, in the negotiated format (410 if it was removed)."""
    if not published(data_iri("id/" + path)):
        return gone_or_not_found(data_iri("id/" + path))
    fmt = wanted_format()
    asked_lang = request.args.get("lang")
    query = f"?lang={asked_lang}" if fmt is HTML and asked_lang in LANGS else ""
    response = redirect(local_url(f"doc/{path}{fmt.extension}") + query, 303)
    response.vary.add("Accept")
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.route("/doc/<path:path>")
def document(path: str):
    stem, fmt = split_extension(path)
    iri = data_iri("id/" + stem)
    if not published(iri):
        return gone_or_not_found(iri)
    return serve(f"doc/{stem}", fmt, lambda chosen: render_thing(iri, stem, chosen))


def render_thing(iri: str, stem: str, fmt) -> bytes:
    description = release().store.describe(iri)
    if fmt is HTML:
        return html("resource.html", resource_page(description), f"doc/{stem}")
    return serialize(thing_graph(description, stem), fmt, description.iri)


def thing_graph(description, stem: str) -> Graph:
    """The description plus what the document is: its topic, licence and dataset."""
    graph = description.graph()
    doc = URIRef(data_iri("doc/" + stem))
    graph.add((doc, RDF.type, FOAF.Document))
    graph.add((doc, FOAF.primaryTopic, URIRef(description.iri)))
    info = dataset_info()
    if info.get("license"):
        graph.add((doc, DCTERMS.license, URIRef(info["license"])))
    if info.get("iri"):
        graph.add((doc, DCTERMS.isPartOf, URIRef(info["iri"])))
    return graph


# --- named graphs -----------------------------------------------------------------------------

@bp.route("/graph/<path:name>")
def named_graph(name: str):
    stem, fmt = split_extension(name)
    iri = data_iri("graph/" + stem)
    if iri not in release().store.named_graphs():
        raise not_found()
    return serve(f"graph/{stem}", fmt, lambda chosen: render_graph(iri, stem, chosen))


def render_graph(iri: str, stem: str, fmt) -> bytes:
    store = release().store
    if fmt is HTML:
        count = store.counts()["graphs"].get(iri, 0)
        return html("graph.html", graph_page(store.describe(iri), count), f"graph/{stem}")
    return store.dump(fmt, graph=iri)


# --- the vocabulary and the shapes ------------------------------------------------------------

@bp.route("/def", defaults={"extension": None})
@bp.route("/def.<extension>")
def ontology(extension: str | None):
    return vocabulary_document("def", str(ONTOLOGY_IRI), extension, vocabulary.ontology_page)


@bp.route("/shapes", defaults={"extension": None})
@bp.route("/shapes.<extension>")
def shapes(extension: str | None):
    return vocabulary_document("shapes", str(SHAPES_IRI), extension, vocabulary.shapes_page)


def vocabulary_document(relative: str, iri: str, extension: str | None, page: Callable) -> Response:
    fmt = None
    if extension is not None:
        fmt = BY_EXTENSION.get(extension)
        if fmt is None:
            raise not_found()

    def render(chosen) -> bytes:
        graph = stored_graph(iri)
        if chosen is HTML:
            return html("vocabulary.html", dict(page(graph), kind=relative), relative)
        return serialize(graph, chosen, iri)

    return serve(relative, fmt, render)


def stored_graph(iri: str) -> Graph:
    """A named graph of the store as an rdflib Graph."""
    data = release().store.dump(by_name("ntriples"), graph=iri)
    return bound(Graph().parse(data=data.decode("utf-8"), format="nt"))


# --- page models: a resource's description as rows of labelled values ----------------------------

FIRST = [str(t) for t in (RDFS.label, SKOS.prefLabel, SCHEMA.name, DCTERMS.title, KD.subtitle, IC["名称"],
                          SKOS.notation, SCHEMA.alternateName)]
LAST = [str(DCTERMS.license)]
TITLES = (SKOS.prefLabel, RDFS.label, SCHEMA.name, DCTERMS.title)
INCOMING_ORDER = list(vocabulary.INCOMING)
NOT_IN_SPARQL = re.compile(r'[\s<>"{}|^`\\]')


@dataclass
class Lookup:
    """What links show: labels by language, and the kd: class and notation of linked resources."""

    labels: dict = field(default_factory=dict)
    kinds: dict = field(default_factory=dict)
    notations: dict = field(default_factory=dict)


def resource_page(description) -> dict:
    iri = URIRef(description.iri)
    outgoing = by_subject(description.outgoing)
    incoming = [(s, p) for s, p, _, _ in description.incoming if isinstance(s, URIRef)]
    graphs = sorted({str(q[3]) for q in description.outgoing if q[3] is not None})
    view = lookup_for(outgoing, incoming, graphs)
    pairs = outgoing.get(iri, [])
    types = sorted((str(o) for p, o in pairs if p == RDF.type), key=lambda t: (not t.startswith(KD_NS), curie(t)))
    return {"iri": rewriter().local(str(iri)), **title_of(pairs, str(iri)),
            "types": [link(t, view) for t in types],
            "rows": rows(outgoing, iri, view, {iri}, skip=(RDF.type, DCTERMS.source)),
            "sources": [link(str(o), view) for p, o in pairs if p == DCTERMS.source],
            "incoming": incoming_groups(incoming, view),
            "graphs": [link(g, view) for g in graphs if g.startswith(rewriter().base)],
            "truncated": description.truncated}


def graph_page(description, count: int) -> dict:
    """A named graph: its description in the catalog, its size, and the resources it describes."""
    page = resource_page(description)
    rows_ = select("SELECT DISTINCT ?s WHERE { GRAPH <%s> { ?s ?p ?o } FILTER(isIRI(?s)) } ORDER BY ?s"
                   % description.iri)
    members = [str(r["s"]) for r in rows_]
    view = Lookup(labels(members))
    page.update(count=count, members=[link(m, view) for m in members])
    return page


def by_subject(quads) -> dict:
    grouped: dict = {}
    for s, p, o, _ in quads:
        if (p, o) not in grouped.setdefault(s, []):
            grouped[s].append((p, o))
    return grouped


def lookup_for(outgoing: dict, incoming: list, graphs: list) -> Lookup:
    """One query for the class and notation of linked resources, one for every label the page needs."""
    linked = {str(o) for pairs in outgoing.values() for _, o in pairs if isinstance(o, URIRef)}
    linked |= {str(s) for s, _ in incoming}
    kinds, notations = link_facts(linked)
    terms = {str(p) for pairs in outgoing.values() for p, _ in pairs} | {str(p) for _, p in incoming}
    return Lookup(labels(sorted(linked | terms | set(kinds.values()) | set(graphs))), kinds, notations)


def link_facts(iris: set) -> tuple[dict, dict]:
    ours = sorted(i for i in iris if i.startswith(rewriter().base) and not NOT_IN_SPARQL.search(i))
    if not ours:
        return {}, {}
    found = select("SELECT ?s ?t ?n WHERE { VALUES ?s { %s } OPTIONAL { ?s a ?t FILTER(STRSTARTS(STR(?t), \"%s\")) } "
                   "OPTIONAL { ?s <%s> ?n } }" % (" ".join(f"<{i}>" for i in ours), KD_NS, SKOS.notation))
    kinds: dict = {}
    for row in sorted((r for r in found if r.get("t") is not None), key=lambda r: str(r["t"])):
        kinds.setdefault(str(row["s"]), str(row["t"]))  # the first kd: class by IRI, the same every time
    return kinds, {str(r["s"]): str(r["n"]) for r in found if r.get("n") is not None}


def link(iri: str, view: Lookup) -> dict:
    """A linked value: ours to this host with its label, vocabulary terms to /def, only http(s) elsewhere."""
    base = rewriter().base
    if iri.startswith(base):
        return {"kind": "link", "href": rewriter().local(iri), "notation": view.notations.get(iri, ""),
                "text": pick(view.labels.get(iri, {})) or iri[len(base):]}
    href = vocab_href(iri) or (iri if is_web_link(iri) else None)
    return {"kind": "link" if href else "text", "href": href, "text": term_label(iri, view.labels),
            "title": iri, "external": href == iri}


def rows(outgoing: dict, subject, view: Lookup, seen: set, skip=(RDF.type,)) -> list[dict]:
    grouped: dict = {}
    for p, o in outgoing.get(subject, []):
        if p not in skip:
            grouped.setdefault(p, []).append(o)
    return [{"label": term_label(str(p), view.labels), "curie": curie(str(p)), "href": property_href(str(p)),
             "values": [value(o, outgoing, view, seen) for o in sorted(objects, key=value_order)]}
            for p, objects in sorted(grouped.items(), key=lambda item: row_order(str(item[0])))]


def property_href(iri: str) -> str | None:
    return vocab_href(iri) or (iri if is_web_link(iri) else None)


def value(o, outgoing: dict, view: Lookup, seen: set) -> dict:
    if isinstance(o, BNode):
        if o in seen:
            return {"kind": "text", "text": "…"}
        return {"kind": "node", "types": [link(str(t), view) for p, t in outgoing.get(o, []) if p == RDF.type],
                "rows": rows(outgoing, o, view, seen | {o})}
    if isinstance(o, URIRef):
        return link(str(o), view)
    tag = o.language or ""
    return {"kind": "literal", "text": str(o), "lang": tag, "translated": "-t-" in tag.lower(),
            "datatype": curie(str(o.datatype)) if o.datatype else ""}


def value_order(o) -> tuple:
    if isinstance(o, Literal):
        tag = o.language or ""
        return (0, not tag.startswith(lang()), tag, str(o))
    return (1, False, "", str(o))


def row_order(iri: str) -> tuple:
    rank = FIRST.index(iri) if iri in FIRST else len(FIRST) + (1 if iri in LAST else 0)
    return (rank, curie(iri))


def title_of(pairs: list, iri: str) -> dict:
    """The name in the page's language (flagged when it is our translation), and the other one."""
    names = [o for t in TITLES for p, o in pairs if p == t and isinstance(o, Literal)]
    best = best_literal(names, lang())
    other = best_literal([n for n in names if str(n) != str(best)], "en" if lang() == "ja" else "ja")
    tag = (best.language or "") if best is not None else ""
    return {"title": str(best) if best is not None else iri.rstrip("/").rsplit("/", 1)[-1],
            "title_lang": tag, "title_translated": "-t-" in tag.lower(),
            "other_title": str(other) if other is not None else "",
            "other_lang": (other.language or "") if other is not None else ""}


def best_literal(literals: list, want: str):
    for test in (lambda t: t == want, lambda t: t.startswith(want + "-"), lambda t: t == "ja", lambda t: True):
        found = next((n for n in literals if test((n.language or "").lower())), None)
        if found is not None:
            return found
    return None


def incoming_groups(incoming: list, view: Lookup) -> list[dict]:
    """Links to the resource, grouped by property (and by class when a property links several kinds)."""
    by_property: dict = {}
    for s, p in incoming:
        by_property.setdefault(str(p), set()).add(str(s))
    groups = []
    for p in sorted(by_property, key=incoming_order):
        heading = incoming_heading(p, term_label(p, view.labels))
        members = sorted(by_property[p])
        kinds = sorted({view.kinds.get(s, "") for s in members}, key=lambda k: (not k, k))  # unclassed last
        for kind in kinds:
            chosen = [s for s in members if view.kinds.get(s, "") == kind]
            name = term_label(kind, view.labels) if kind else vocabulary.say("others")
            suffix = f" — {name}" if len(kinds) > 1 else ""
            groups.append({"heading": heading + suffix, "property": curie(p),
                           "items": [link(s, view) for s in chosen]})
    return groups


def incoming_order(iri: str) -> tuple:
    name = curie(iri)
    return (INCOMING_ORDER.index(name) if name in INCOMING_ORDER else len(INCOMING_ORDER), name)
