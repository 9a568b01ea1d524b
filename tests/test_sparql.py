"""The SPARQL endpoint through Flask's test client: pages, examples, negotiation and the protocol's corners.

The real-clients tests (SPARQLWrapper, SPARQLStore, time limits, caching over HTTP) are in test_sparql_live.py.
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from markupsafe import escape
from rdflib import Graph

from publisher.formats import formats_for
from publisher.web.sparql import EXAMPLES_DIR, examples, parse_example
from tests.conftest import BASE

HOST = "http://localhost/"
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
GROUPS = """PREFIX kd: <https://w3id.org/kyodo-lod/def#>
SELECT ?group WHERE { ?group a kd:CitizenGroup } ORDER BY ?group"""
GRAPHS_SEEN = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } } ORDER BY ?g"


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


# --- the query page ---------------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["ja", "en"])
def test_browser_gets_the_query_page(client, lang):
    page = client.get(f"/sparql?lang={lang}", headers=BROWSER)
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert '<label for="query"' in html and '<textarea id="query" name="query"' in html
    assert '<label for="format">' in html and '<select id="format" name="format">' in html
    assert 'action="/sparql"' in html and 'method="get"' in html
    for example in examples().values():
        assert str(escape(example.title[lang])) in html
        assert f"/sparql/examples/{example.name}?format=html" in html
    assert ("問い合わせ例" if lang == "ja" else "Example queries") in html


def test_page_loads_nothing_from_other_hosts(client):
    page = client.get("/sparql", headers=BROWSER)
    html = page.get_data(as_text=True)
    sources = re.findall(r'<script[^>]*src="([^"]+)"', html) + re.findall(r'<link[^>]*href="([^"]+)"', html)
    assert sources and all(s.startswith("/") and not s.startswith("//") for s in sources)
    assert "<script>" not in html and "@font-face" not in html and "style=" not in html
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.get("/static/sparql.js").status_code == 200
    assert client.get("/static/sparql.css").status_code == 200


@pytest.mark.parametrize("accept,status,mimetype", [
    ("text/turtle", 200, "text/turtle"),
    ("application/ld+json", 200, "application/ld+json"),
    ("*/*", 200, "text/turtle"),
    ("application/sparql-results+json", 400, "application/json"),
    ("image/png", 406, "text/plain"),
], ids=["turtle", "jsonld", "anything", "results-without-query", "png"])
def test_get_without_query(client, accept, status, mimetype):
    answer = client.get("/sparql", headers={"Accept": accept})
    assert answer.status_code == status
    assert answer.mimetype == mimetype


def test_format_parameter_without_query(client):
    assert client.get("/sparql?format=html").mimetype == "text/html"
    described = client.get("/sparql?format=ntriples")
    assert described.mimetype == "application/n-triples"
    assert len(Graph().parse(data=described.data, format="nt")) > 10


# --- the HTML answer --------------------------------------------------------------------------

def test_browser_gets_a_table_with_local_links_and_downloads(client):
    answer = client.get("/sparql", query_string={"query": GROUPS}, headers=BROWSER)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert "<table" in html and '<th scope="col">group</th>' in html
    assert f'href="{HOST}id/group/' in html and BASE not in html
    downloads = [link.replace("&amp;", "&") for link in links(html) if "format=" in link and "query=" in link]
    assert {parse_qs(urlsplit(d).query)["format"][0] for d in downloads} == {f.name for f in formats_for("select")}
    for link in downloads:
        fmt = parse_qs(urlsplit(link).query)["format"][0]
        got = client.get(link)
        assert got.status_code == 200
        assert got.mimetype == next(f.media_type for f in formats_for("select") if f.name == fmt)


def test_html_table_of_a_graph(client):
    answer = client.get("/sparql", query_string={"query": f"DESCRIBE <{HOST}id/program/challenge>", "format": "html"})
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200
    assert [h for h in re.findall(r'<th scope="col">(\w+)</th>', html)] == ["subject", "predicate", "object"]
    assert f'href="{HOST}id/program/challenge"' in html


@pytest.mark.parametrize("query,word", [("ASK { ?s a <https://w3id.org/kyodo-lod/def#Program> }", "true"),
                                        ("ASK { ?s a <http://example.org/Nothing> }", "false")])
def test_html_answer_to_ask(client, query, word):
    html = client.get("/sparql", query_string={"query": query, "lang": "en"}, headers=BROWSER).get_data(as_text=True)
    assert f"({word})" in html


def test_only_web_iris_become_links(client):
    query = 'SELECT (IRI("javascript:alert(1)") AS ?x) (IRI("https://example.org/a") AS ?y) {}'
    html = client.get("/sparql", query_string={"query": query, "format": "html"}).get_data(as_text=True)
    assert 'href="javascript:' not in html
    assert 'href="https://example.org/a"' in html


def test_form_post_gets_html_not_cached(client):
    answer = client.post("/sparql", data={"query": GROUPS, "format": "html"}, headers=BROWSER)
    assert answer.status_code == 200 and "<table" in answer.get_data(as_text=True)
    assert answer.headers["Cache-Control"] == "no-store" and "ETag" not in answer.headers


# --- examples ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(examples()))
def test_example_header(name):
    example = examples()[name]
    assert re.fullmatch(r"[a-z0-9][a-z0-9-]*", name)
    for field in (example.title, example.description):
        assert field["ja"] and field["en"]
        assert re.search(r"[\u3040-\u30ff\u4e00-\u9fff]", field["ja"])
    assert not example.text.startswith("#")


def test_example_orders_are_distinct():
    orders = [e.order for e in examples().values()]
    assert len(orders) == len(set(orders))


def test_example_without_a_title_is_an_error():
    with pytest.raises(ValueError, match=r"queries/broken\.rq: the header lacks title-en"):
        parse_example("broken", "# title-ja: x\n# description-ja: y\n# description-en: z\nASK {}\n")


def test_examples_folder_is_the_packaged_one():
    assert EXAMPLES_DIR.name == "queries" and len(list(EXAMPLES_DIR.glob("*.rq"))) == len(examples())


def test_example_text_uses_this_hosts_iris(client):
    text = client.get("/sparql/examples/registered-groups?format=rq").get_data(as_text=True)
    assert f"<{HOST}id/program/>" in text and BASE not in text and not text.startswith("# title")


@pytest.mark.parametrize("fmt", ["csv", "tsv", "xml", "json"])
def test_example_format_variants(client, fmt):
    answer = client.get(f"/sparql/examples/fy2025-projects?format={fmt}")
    assert answer.status_code == 200
    assert answer.mimetype == next(f.media_type for f in formats_for("select") if f.name == fmt)


def test_example_page(client):
    html = client.get("/sparql/examples/plan-lineage?lang=en", headers=BROWSER).get_data(as_text=True)
    example = examples()["plan-lineage"]
    assert str(escape(example.title["en"])) in html and str(escape(example.description["en"])) in html
    assert "/sparql/examples/plan-lineage?format=html" in html
    assert "/sparql/examples/plan-lineage?format=rq" in html
    assert '<textarea id="query" name="query"' in html


def test_unknown_example_is_a_negotiated_404(client):
    answer = client.get("/sparql/examples/nothing-here", headers={"Accept": "application/json"})
    assert answer.status_code == 404
    assert "nothing-here" in answer.get_json()["error"]


def test_examples_index_points_to_the_list(client):
    answer = client.get("/sparql/examples")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/sparql#examples")


# --- protocol corners -------------------------------------------------------------------------

def test_repeated_named_graph_uri(client):
    graphs = [f"{HOST}graph/groups", f"{HOST}graph/plan"]
    answer = client.get("/sparql", query_string={"query": GRAPHS_SEEN, "named-graph-uri": graphs, "format": "json"})
    seen = [b["g"]["value"] for b in answer.get_json()["results"]["bindings"]]
    assert seen == graphs


def test_repeated_default_graph_uri_merges(client):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"

    def triples(*names):
        query = {"query": count, "format": "json", "default-graph-uri": [f"{HOST}graph/{n}" for n in names]}
        return int(client.get("/sparql", query_string=query).get_json()["results"]["bindings"][0]["n"]["value"])

    assert triples("groups", "plan") == triples("groups") + triples("plan")


def test_first_known_format_value_wins(client):
    """SPARQLWrapper sends format=tsv&format=text/tab-separated-values."""
    answer = client.get("/sparql", query_string={"query": GROUPS, "format": ["tsv", "text/tab-separated-values"]})
    assert answer.mimetype == "text/tab-separated-values"
    unknown = client.get("/sparql", query_string={"query": GROUPS, "format": "n3"})
    assert unknown.status_code == 406


def test_too_long_query(client):
    query = "ASK {}" + " " * 100_001
    answer = client.post("/sparql", data=query, content_type="application/sparql-query",
                         headers={"Accept": "text/plain"})
    assert answer.status_code == 413
    assert "limit is 100000" in answer.get_data(as_text=True)


def test_body_that_is_not_utf8(client):
    answer = client.post("/sparql", data=b"ASK { ?s ?p \xff }", content_type="application/sparql-query",
                         headers={"Accept": "text/plain"})
    assert answer.status_code == 400
    assert "utf-8" in answer.get_data(as_text=True)


def test_syntax_error_comes_before_negotiation(client):
    answer = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }"}, headers={"Accept": "image/png"})
    assert answer.status_code == 400


@pytest.mark.parametrize("lang,first", [("ja", "SPARQLの構文エラー"), ("en", "SPARQL syntax error")])
def test_error_page_in_both_languages(client, lang, first):
    answer = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s ?p }", "lang": lang}, headers=BROWSER)
    assert answer.status_code == 400 and answer.mimetype == "text/html"
    html = answer.get_data(as_text=True)
    assert html.index(first) < html.index("SPARQL syntax error" if lang == "ja" else "SPARQLの構文エラー")


def test_json_error_has_both_languages(client):
    answer = client.get("/sparql", query_string={"update": "CLEAR ALL"}, headers={"Accept": "application/json"})
    body = json.loads(answer.data)
    assert answer.status_code == 403 and "read-only" in body["error"] and "読み取り専用" in body["error_ja"]


def test_other_sites_may_query_from_a_browser(client):
    preflight = client.options("/sparql", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status_code == 200 and preflight.headers["Access-Control-Allow-Origin"]
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    answer = client.post("/sparql", data="ASK {}", content_type="application/sparql-query",
                         headers={"Origin": "https://example.org"})
    assert answer.headers["Access-Control-Allow-Origin"]
    assert "X-Kyodo-Truncated" in answer.headers["Access-Control-Expose-Headers"]
