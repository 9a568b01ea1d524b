"""Linked data: every resource dereferences (303 to its document, in every format), and so do the
named graphs, the vocabulary and the shapes. Bodies are parsed back (rdflib, html.parser) and asserted
as triples and as page structure, never compared as strings."""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from html.parser import HTMLParser

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS, XSD

from publisher.formats import by_name
from publisher.iris import GRAPHS
from publisher.settings import ROOT
from publisher.vocab import KD, SH

from .conftest import BASE

LOCAL = "http://localhost/"  # the Flask test client's host: the base is rewritten to it
ID = BASE + "id/"
RDF_FORMATS = [by_name(n) for n in ("turtle", "jsonld", "ntriples", "rdfxml")]
EXTENSIONS = {"html": ".html", "turtle": ".ttl", "jsonld": ".jsonld", "ntriples": ".nt", "rdfxml": ".rdf"}
ACCEPT = {"html": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
          **{f.name: f.media_type for f in RDF_FORMATS}}


@lru_cache(maxsize=1)
def built_subjects() -> tuple[str, ...]:
    """Every IRI under the base that is a subject in the built data (computed at collection time)."""
    from publisher.builder import build_dataset
    from publisher.validation import data_union

    graph = data_union(build_dataset(ROOT / "data", BASE).dataset)
    return tuple(sorted({str(s) for s in graph.subjects() if isinstance(s, URIRef) and str(s).startswith(BASE)}))


THINGS = [iri for iri in built_subjects() if iri.startswith(ID)]


# --- helpers ------------------------------------------------------------------------------------

class Page(HTMLParser):
    """What the tests look at in an HTML page: the h1, headings with the links under them, ids, text."""

    def __init__(self, body: str):
        super().__init__(convert_charrefs=True)
        self.h1, self.links, self.ids, self.alternates, self.text = "", [], set(), [], []
        self.sections: dict[str, list[str]] = {}
        self._tag, self._buffer, self._heading = None, [], None
        self.feed(body)
        self.close()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
            if self._heading is not None:
                self.sections[self._heading].append(attrs["href"])
        if tag == "link" and attrs.get("rel") == "alternate":
            self.alternates.append((attrs.get("type"), attrs.get("href")))
        if tag in ("h1", "h2", "h3"):
            self._tag, self._buffer = tag, []

    def handle_endtag(self, tag):
        if tag == self._tag:
            text = " ".join("".join(self._buffer).split())
            if tag == "h1":
                self.h1 = text
            else:
                self._heading = text
                self.sections[text] = []
            self._tag = None

    def handle_data(self, data):
        self.text.append(data)
        if self._tag:
            self._buffer.append(data)

    def links_under(self, heading: str) -> list[str]:
        return [href for title, hrefs in self.sections.items() if title.startswith(heading) for href in hrefs]


def local(iri: str, root: str = LOCAL) -> str:
    return iri.replace(BASE, root)


def norm(term, root: str = LOCAL):
    """A term as served: base rewritten, xsd:string dropped, every blank node alike, numbers by value.

    Numbers by value because the Oxigraph store keeps values, not lexical forms or derived types:
    "133"^^xsd:nonNegativeInteger comes back as "133"^^xsd:integer, "1.0"^^xsd:decimal as "1".
    """
    if isinstance(term, Literal) and isinstance(term.value, (int, Decimal)) and not isinstance(term.value, bool):
        return ("number", str(Decimal(term.value).normalize()))
    if isinstance(term, Literal):
        datatype = None if term.datatype in (None, XSD.string) else str(term.datatype)
        return ("literal", local(str(term), root), (term.language or "").lower(), datatype)
    if isinstance(term, BNode):
        return ("blank",)
    return ("iri", local(str(term), root))


def served(graph: Graph) -> set:
    return {(norm(s), norm(p), norm(o)) for s, p, o in graph}


def own_triples(graph: Graph, iri: str) -> set:
    return {(norm(s), norm(p), norm(o)) for s, p, o in graph.triples((URIRef(iri), None, None))}


def label(graph: Graph, iri: str, language: str) -> str:
    found = [o for o in graph.objects(URIRef(iri), RDFS.label) if o.language == language]
    return str(found[0]) if found else ""


def vary(response) -> set[str]:
    return {v.strip() for v in response.headers.get("Vary", "").split(",")}


def first(graph: Graph, predicate) -> tuple[str, str]:
    """Some (subject, object) pair of `predicate` in the data, chosen stably."""
    pairs = sorted((str(s), str(o)) for s, o in graph.subject_objects(predicate))
    assert pairs, f"the data has no {predicate}"
    return pairs[0]


# --- every resource, every format ------------------------------------------------------------------

@pytest.mark.parametrize("name", list(EXTENSIONS))
@pytest.mark.parametrize("iri", THINGS, ids=lambda iri: iri[len(ID):])
def test_every_resource_dereferences(client, data_graph, iri, name):
    thing = client.get("/" + iri[len(BASE):], headers={"Accept": ACCEPT[name]})
    assert thing.status_code == 303
    assert thing.headers["Location"] == LOCAL + "doc/" + iri[len(ID):] + EXTENSIONS[name]
    assert "Accept" in vary(thing)
    document = client.get(thing.headers["Location"])
    assert document.status_code == 200
    if name == "html":
        assert document.mimetype == "text/html"
        page = Page(document.get_data(as_text=True))
        assert page.h1 == (label(data_graph, iri, "ja") or page.h1)
        assert {t for t, _ in page.alternates} == {f.media_type for f in RDF_FORMATS}
        return
    fmt = by_name(name)
    assert document.mimetype == fmt.media_type
    graph = Graph().parse(data=document.get_data(), format=fmt.rdflib)
    assert own_triples(data_graph, iri) <= served(graph)
    doc = URIRef(LOCAL + "doc/" + iri[len(ID):])
    assert (doc, URIRef("http://xmlns.com/foaf/0.1/primaryTopic"), URIRef(local(iri))) in graph


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
@pytest.mark.parametrize("name", GRAPHS)
def test_named_graphs_dereference(client, source_data, name, fmt):
    response = client.get(f"/graph/{name}", headers={"Accept": fmt.media_type})
    assert response.status_code == 200 and response.mimetype == fmt.media_type
    assert response.headers["Content-Location"] == f"{LOCAL}graph/{name}{fmt.extension}"
    assert "Accept" in vary(response)
    graph = Graph().parse(data=response.get_data(), format=fmt.rdflib)
    expected = source_data.dataset.graph(URIRef(f"{BASE}graph/{name}"))
    assert len(graph) == len(expected) and served(expected) <= served(graph)


@pytest.mark.parametrize("name", GRAPHS)
def test_named_graph_page(client, source_data, name):
    page = Page(client.get(f"/graph/{name}.html").get_data(as_text=True))
    count = len(source_data.dataset.graph(URIRef(f"{BASE}graph/{name}")))
    assert str(count) in "".join(page.text)
    assert f"{LOCAL}graph/{name}.ttl" in page.links and f"{LOCAL}graph/{name}.nt" in page.links


def test_described_graphs_are_built_subjects():
    """The graph IRIs the catalog describes are resources too, and dereference as named graphs above."""
    described = {iri for iri in built_subjects() if not iri.startswith(ID)}
    assert described and all(iri[len(BASE):].startswith("graph/") for iri in described)
    assert {iri[len(BASE) + len("graph/"):] for iri in described} <= set(GRAPHS)


# --- negotiation ----------------------------------------------------------------------------------

def test_format_parameter_beats_accept(client):
    response = client.get("/id/group/birdconnect?format=ttl", headers={"Accept": "text/html"})
    assert response.headers["Location"].endswith("/doc/group/birdconnect.ttl")


def test_document_without_extension_negotiates(client):
    response = client.get("/doc/group/birdconnect", headers={"Accept": "application/n-triples"})
    assert response.status_code == 200 and response.mimetype == "application/n-triples"
    assert response.headers["Content-Location"] == LOCAL + "doc/group/birdconnect.nt"
    assert "Accept" in vary(response)


def test_browsers_and_curl_get_html(client):
    assert client.get("/doc/group/birdconnect", headers={"Accept": ACCEPT["html"]}).mimetype == "text/html"
    assert client.get("/id/group/birdconnect", headers={"Accept": "*/*"}).headers["Location"].endswith(".html")


def test_not_acceptable(client):
    assert client.get("/id/group/birdconnect", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/doc/group/birdconnect?format=pdf").status_code == 406


@pytest.mark.parametrize("path", ["/id/group/no-such-group", "/doc/group/no-such-group.ttl", "/graph/nothing",
                                  "/id/group/bad%20iri<x>", "/def.pdf"])
def test_unknown_iris_get_a_negotiated_404(client, path):
    page = client.get(path, headers={"Accept": ACCEPT["html"]})
    assert page.status_code == 404 and page.mimetype == "text/html"
    turtle = client.get(path, headers={"Accept": "text/turtle"})
    assert turtle.status_code == 404 and turtle.mimetype == "text/turtle"
    assert all(line.startswith("#") for line in turtle.get_data(as_text=True).splitlines())
    triples = client.get(path, headers={"Accept": "application/n-triples"})
    assert triples.status_code == 404 and triples.mimetype == "text/plain"


# --- HTML pages -----------------------------------------------------------------------------------

def test_html_japanese_by_default_english_on_request(client, data_graph):
    iri = ID + "group/heart-keeper"
    ja, en = label(data_graph, iri, "ja"), label(data_graph, iri, "en-t-ja")
    assert ja and en and ja != en
    assert Page(client.get("/doc/group/heart-keeper.html").get_data(as_text=True)).h1 == ja
    assert Page(client.get("/doc/group/heart-keeper.html?lang=en").get_data(as_text=True)).h1 == en
    english = client.get("/doc/group/heart-keeper.html", headers={"Accept-Language": "en"})
    assert Page(english.get_data(as_text=True)).h1 == en
    assert "英訳（当サイトによる翻訳）" in english.get_data(as_text=True) or "our translation" in english.get_data(as_text=True)


def test_group_page_lists_its_projects(client, data_graph):
    project, group = first(data_graph, KD.proposer)
    page = Page(client.get(local(group, "/").replace("/id/", "/doc/", 1) + ".html").get_data(as_text=True))
    assert local(project) in page.links_under("提案した事業")


def test_division_page_lists_its_partner_projects(client, data_graph):
    project, division = first(data_graph, KD.partnerDivision)
    page = Page(client.get(local(division, "/").replace("/id/", "/doc/", 1) + ".html?lang=en").get_data(as_text=True))
    assert local(project) in page.links_under("Partner projects")


def test_measure_page_lists_its_programs(client, data_graph):
    program, measure = first(data_graph, KD.implementsMeasure)
    page = Page(client.get(local(measure, "/").replace("/id/", "/doc/", 1) + ".html").get_data(as_text=True))
    assert local(program) in page.links_under("この施策を実施する事業・制度")


def test_policy_page_lists_its_directions(client, data_graph):
    policy = ID + "plan/plan-2016/policy/1"
    directions = {local(str(s)) for s in data_graph.subjects(SKOS.broader, URIRef(policy))
                  if (s, RDF.type, KD.PolicyDirection) in data_graph}
    page = Page(client.get("/doc/plan/plan-2016/policy/1.html").get_data(as_text=True))
    assert directions and directions <= set(page.links_under("下位の項目"))


def test_nested_blank_nodes_are_shown_inline(client):
    body = client.get("/doc/org/shimin-kyodo-suishin-ka.html").get_data(as_text=True)
    page = Page(body)
    assert "076-220-2026" in "".join(page.text)  # ic:連絡先 [ ic:電話番号 … ] shown in place
    assert body.count('class="node"') >= 2


def test_page_shows_sources_licence_and_formats(client):
    page = Page(client.get("/doc/group/birdconnect.html").get_data(as_text=True))
    assert LOCAL + "id/source/newsletter-2025" in page.links_under("出典")
    assert "https://creativecommons.org/licenses/by/4.0/" in page.links
    assert {LOCAL + "doc/group/birdconnect" + ext for ext in EXTENSIONS.values()} <= set(page.links)


def test_data_is_escaped_and_javascript_is_never_a_link(app):
    """Guards against HTML injection from data: text escaped, only http(s) IRIs become links."""
    from flask import g

    from publisher.store import Description
    from publisher.web import resources

    iri, evil = URIRef(ID + "group/evil"), URIRef("javascript:alert(1)")
    outgoing = ((iri, RDFS.label, Literal("<script>alert(1)</script>", lang="ja"), None),
                (iri, RDFS.seeAlso, evil, None), (iri, evil, Literal('"><img src=x onerror=alert(1)>'), None),
                (iri, RDF.type, evil, None))
    description = Description(str(iri), outgoing, ((evil, KD.proposer, iri, None),))
    with app.test_request_context("/doc/group/evil.html"):
        g.lang = "ja"
        body = resources.html("resource.html", resources.resource_page(description), "doc/group/evil").decode()
    page = Page(body)
    assert "<script>alert(1)" not in body and "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert "<img src=x" not in body
    assert not [href for href in page.links if not href.lower().startswith(("http://", "https://", "/", "#", "?"))]
    assert "javascript:alert(1)" in "".join(page.text)  # shown as text


# --- the vocabulary and the shapes ----------------------------------------------------------------

def test_vocabulary_html_documents_every_term(client, ontology):
    page = Page(client.get("/def").get_data(as_text=True))
    terms = {str(s)[len(str(KD)):] for s in ontology.subjects() if str(s).startswith(str(KD))}
    assert terms and terms <= page.ids
    english = Page(client.get("/def?lang=en").get_data(as_text=True))
    assert "proposing group" in "".join(english.text) and "提案団体" in "".join(english.text)


def test_vocabulary_turtle(client, ontology):
    for response in (client.get("/def.ttl"), client.get("/def", headers={"Accept": "text/turtle"})):
        assert response.status_code == 200 and response.mimetype == "text/turtle"
        graph = Graph().parse(data=response.get_data(), format="turtle")
        assert (KD.CitizenGroup, RDF.type, OWL.Class) in graph and len(graph) == len(ontology)
    assert client.get("/def", headers={"Accept": "text/turtle"}).headers["Content-Location"] == LOCAL + "def.ttl"


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_vocabulary_and_shapes_in_every_format(client, fmt):
    for path in ("/def", "/shapes"):
        response = client.get(path + fmt.extension)
        assert response.status_code == 200 and response.mimetype == fmt.media_type
        assert len(Graph().parse(data=response.get_data(), format=fmt.rdflib)) > 10


def test_shapes_html_lists_every_shape_with_messages(client, shapes):
    page = Page(client.get("/shapes").get_data(as_text=True))
    text = "".join(page.text)
    node_shapes = {str(s).rsplit("#", 1)[1] for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
    assert node_shapes and node_shapes <= page.ids
    messages = [m for m in shapes.objects(None, SH.message) if m.language in ("ja", "en")]
    assert {m.language for m in messages} == {"ja", "en"}
    assert all(str(m) in text for m in messages)


def test_shapes_turtle(client, shapes):
    response = client.get("/shapes", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.get_data(), format="turtle")
    assert response.mimetype == "text/turtle" and len(graph) == len(shapes)


# --- HTTP behaviour -------------------------------------------------------------------------------

def test_documents_are_cached_once_per_release_whatever_the_host(app, client):
    """Rendered once with the configured base; each host gets its own rewriting of the same bytes."""
    from publisher.web.context import release

    key = ("linked-data", "doc/group/hoippo", "turtle", "")
    here = client.get("/doc/group/hoippo.ttl")
    there = client.get("/doc/group/hoippo.ttl", base_url="http://other.example:8080/")
    with app.test_request_context("/"):
        documents = release().documents
        assert BASE.encode() in documents[key]
        assert [k for k in documents if k[:3] == key[:3]] == [key]
    assert b"<http://localhost/id/group/hoippo>" in here.data
    assert b"<http://other.example:8080/id/group/hoippo>" in there.data


def test_kept_documents_stay_within_their_share_of_cache_mb(settings, release, data_graph):
    from publisher.web import create_app
    from publisher.web.context import release as current_release

    small = create_app(settings.replace(cache_mb=1))  # documents get a quarter: 256 KiB
    client = small.test_client()
    groups = sorted(str(s) for s in data_graph.subjects(RDF.type, KD.CitizenGroup))
    try:
        for iri in groups:
            for lang in ("ja", "en"):
                response = client.get(iri.replace(BASE, "/").replace("/id/", "/doc/") + f".html?lang={lang}")
                assert response.status_code == 200
        with small.test_request_context("/"):
            documents = current_release().documents
            assert 0 < documents.bytes <= 256 << 10 and len(documents) < 2 * len(groups)
        again = client.get(groups[0].replace(BASE, "/").replace("/id/", "/doc/") + ".html?lang=ja")
        assert again.status_code == 200 and "<html" in again.get_data(as_text=True)  # rendered again when evicted
    finally:
        small.config["KYODO_RELEASES"].close()


@pytest.mark.parametrize("host_url,root", [
    ("https://data.city.example:8443/", "https://data.city.example:8443/"),
    ("http://[::1]:8000/", "http://[::1]:8000/"),
    ("http://xn--eckwd4c7c.xn--zckzah/", "http://ドメイン.テスト/"),  # an IDNA host is shown as werkzeug shows it
])
def test_documents_name_the_host_they_were_asked_from(client, host_url, root):
    data = client.get("/doc/group/hoippo.ttl", base_url=host_url).get_data().decode()
    assert f"<{root}id/group/hoippo>" in data and BASE not in data


def test_head_gives_headers_without_body(client):
    response = client.head("/doc/group/birdconnect.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle" and response.get_data() == b""


# --- the live server (gunicorn, real HTTP) --------------------------------------------------------

@pytest.fixture(scope="module")
def http(live_server):
    import requests

    with requests.Session() as session:
        yield session


def test_live_303_then_document(live_server, http):
    thing = http.get(live_server + "id/group/birdconnect", headers={"Accept": "text/turtle"}, allow_redirects=False)
    assert thing.status_code == 303 and thing.headers["Location"] == live_server + "doc/group/birdconnect.ttl"
    document = http.get(thing.headers["Location"])
    graph = Graph().parse(data=document.content, format="turtle")
    assert (URIRef(live_server + "id/project/r07-birdconnect"), KD.proposer,
            URIRef(live_server + "id/group/birdconnect")) in graph


@pytest.mark.parametrize("name", list(EXTENSIONS))
def test_live_bodies_never_name_the_configured_base(live_server, http, name):
    paths = [iri[len(BASE):].replace("id/", "doc/", 1) + EXTENSIONS[name] for iri in THINGS]
    paths += [f"graph/{g}{EXTENSIONS[name]}" for g in GRAPHS] + [f"def{EXTENSIONS[name]}", f"shapes{EXTENSIONS[name]}"]
    leaks = []
    for path in paths:
        response = http.get(live_server + path)
        assert response.status_code == 200, path
        if "data.example.jp" in response.text:
            leaks.append(path)
    assert not leaks


def test_live_conditional_get_gives_304(live_server, http):
    first_response = http.get(live_server + "doc/group/birdconnect.html")
    again = http.get(live_server + "doc/group/birdconnect.html",
                     headers={"If-None-Match": first_response.headers["ETag"]})
    assert again.status_code == 304 and again.content == b""
    since = http.get(live_server + "def.ttl", headers={"If-Modified-Since": first_response.headers["Last-Modified"]})
    assert since.status_code == 304


def test_live_head(live_server, http):
    response = http.head(live_server + "doc/group/birdconnect.jsonld")
    assert response.status_code == 200 and response.headers["Content-Type"] == "application/ld+json"
    assert response.content == b""


def test_live_cors_preflight(live_server, http):
    response = http.options(live_server + "id/group/birdconnect",
                            headers={"Origin": "https://example.org", "Access-Control-Request-Method": "GET"})
    assert response.status_code in (200, 204) and response.headers["Access-Control-Allow-Origin"] == "*"


def test_live_gzip(live_server, http):
    response = http.get(live_server + "shapes.ttl", headers={"Accept-Encoding": "gzip"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert len(Graph().parse(data=response.content, format="turtle")) > 10  # requests decompresses
