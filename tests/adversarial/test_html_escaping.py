"""Markup in data and in queries is shown as text: on the SPARQL results page (strings and IRIs a query BINDs) and
on the pages of a build whose data/ has <script>, quotes and tricky IRIs written into it; javascript: IRIs never
become links, and the build refuses them in data/."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest
import requests
from click.testing import CliRunner

from publisher.cli import main
from tests.conftest import copy_data

from .support import running_server

SCRIPT = "<script>alert('x')</script>"
BREAKOUT = "\"'><img src=x onerror=alert(1)>"
TRICKY_IRI = "http://example.org/x?a=1&b='onmouseover=alert(1)//"
UNESCAPED = re.compile(r"<script>alert|<img src=x|href=\"(javascript|data):|href='(javascript|data):", re.IGNORECASE)


def assert_no_markup_from_input(html: str) -> None:
    assert UNESCAPED.search(html) is None, UNESCAPED.search(html)


# --- the SPARQL results page ------------------------------------------------------------------------

QUOTED_BREAKOUT = BREAKOUT.replace('"', '\\"')
BOUND = f"""SELECT ?text ?quote ?js ?data ?tricky ?tagged WHERE {{
  BIND("{SCRIPT}" AS ?text)
  BIND("{QUOTED_BREAKOUT}" AS ?quote)
  BIND(IRI("javascript:alert(1)") AS ?js)
  BIND(IRI("data:text/html,%3Cscript%3Ealert(1)%3C/script%3E") AS ?data)
  BIND(IRI("{TRICKY_IRI}") AS ?tricky)
  BIND(STRLANG("{SCRIPT}", "en") AS ?tagged)
}} # </textarea><script>alert('query')</script>"""


@pytest.fixture(scope="module")
def results_page(endpoint) -> str:
    answer = requests.post(endpoint, data={"query": BOUND}, headers={"Accept": "text/html"}, timeout=30)
    assert answer.status_code == 200, answer.text[:500]
    return answer.text


def test_bound_strings_are_escaped(results_page):
    assert_no_markup_from_input(results_page)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in results_page
    assert "&#34;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;" in results_page


def test_javascript_and_data_iris_are_text_not_links(results_page):
    assert "<span>javascript:alert(1)</span>" in results_page
    assert "<span>data:text/html,%3Cscript%3Ealert(1)%3C/script%3E</span>" in results_page


def test_a_tricky_http_iri_is_a_link_with_escaped_attributes(results_page):
    escaped = "http://example.org/x?a=1&amp;b=&#39;onmouseover=alert(1)//"
    assert f'<a href="{escaped}" title="{escaped}">{escaped}</a>' in results_page


def test_the_query_text_is_escaped_in_the_editor(results_page):
    assert "# &lt;/textarea&gt;&lt;script&gt;alert(&#39;query&#39;)&lt;/script&gt;</textarea>" in results_page


def test_a_construct_answer_page_escapes_literals(endpoint):
    query = f'CONSTRUCT {{ <urn:x> <urn:says> "{SCRIPT}" }} WHERE {{}}'
    answer = requests.get(endpoint, params={"query": query}, headers={"Accept": "text/html"}, timeout=30)
    assert answer.status_code == 200
    assert_no_markup_from_input(answer.text)
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in answer.text


def test_an_error_page_escapes_what_it_echoes(live_server):
    name = quote(BREAKOUT, safe="")
    answer = requests.get(f"{live_server}sparql/examples/{name}", headers={"Accept": "text/html",
                                                                         "Accept-Language": "en"}, timeout=30)
    assert answer.status_code == 404
    assert_no_markup_from_input(answer.text)
    assert ("There is no example query named &#39;&#34;\\&#39;&gt;&lt;img src=x onerror=alert(1)&gt;&#39;."
            in answer.text)


# --- pages of a build with markup in its data --------------------------------------------------------

def inject(data, file: str, old: str, new: str) -> None:
    path = data / file
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


@pytest.fixture(scope="module")
def hostile_server(settings, tmp_path_factory):
    """A second live server on a build whose names, descriptions and links carry markup."""
    folder = tmp_path_factory.mktemp("hostile")
    data = copy_data(folder)
    name = f"{SCRIPT}BirdConnect".replace("'", "''")
    breakout = f"{BREAKOUT}BirdConnect".replace("'", "''")
    inject(data, "groups.yaml", "    name: {ja: BirdConnect, en: BirdConnect}",
           f"    name: {{ja: '{name}', en: '{breakout}'}}")
    inject(data, "groups.yaml", "      ja: 発達特性のある", f"      ja: {SCRIPT.replace(chr(39), '')}発達特性のある")
    inject(data, "organisations.yaml", "      - http://ja.dbpedia.org/resource/金沢市\n",
           f"      - http://ja.dbpedia.org/resource/金沢市\n      - \"{TRICKY_IRI}\"\n")
    result = CliRunner().invoke(main, ["build", "--data-dir", str(data), "--output-dir", str(folder / "dist"),
                                       "--base-iri", settings.base_iri, "--lang", "en"])
    assert result.exit_code == 0, result.output
    with running_server(folder / "dist", settings.base_iri, folder) as server:
        yield server


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize("path", ["doc/group/birdconnect", "doc/project/r07-birdconnect", "groups", "projects",
                                  "search?q=BirdConnect", "graph/groups"])
def test_markup_in_data_is_escaped_on_every_page_that_shows_it(hostile_server, path, lang):
    answer = hostile_server.get(path, headers={"Accept": "text/html", "Accept-Language": lang})
    assert answer.status_code == 200
    assert_no_markup_from_input(answer.text)
    assert "&lt;script&gt;alert(" in answer.text or "&lt;img src=x" in answer.text


def test_the_resource_page_title_and_heading_are_escaped(hostile_server):
    page = hostile_server.get("doc/group/birdconnect?lang=ja", headers={"Accept": "text/html"}).text
    assert "<title>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;BirdConnect — " in page
    page = hostile_server.get("doc/group/birdconnect?lang=en", headers={"Accept": "text/html"}).text
    assert "&#34;&#39;&gt;&lt;img src=x onerror=alert(1)&gt;BirdConnect" in page


def test_a_tricky_iri_in_data_is_an_escaped_link(hostile_server):
    page = hostile_server.get("doc/org/kanazawa-city", headers={"Accept": "text/html"}).text
    assert 'href="http://example.org/x?a=1&amp;b=&#39;onmouseover=alert(1)//"' in page
    assert_no_markup_from_input(page)


def test_the_data_formats_carry_the_text_as_data(hostile_server):
    turtle = hostile_server.get("doc/group/birdconnect.ttl").text
    assert f'"{SCRIPT}BirdConnect"@ja' in turtle
    assert hostile_server.get("doc/group/birdconnect.jsonld").headers["Content-Type"] == "application/ld+json"


@pytest.mark.parametrize("iri,code,message", [
    ("javascript:alert(1)", 1, "violation: same_as must be URLs starting with http:// or https://"),
    ("http://example.org/\"onmouseover=\"alert(1)", 2,
     "Error: {data}/organisations.yaml:19:7 (organisations.kanazawa-city.same_as): "
     "'http://example.org/\"onmouseover=\"alert(1)' is not a valid IRI: it contains '\"'; write it as %22"),
], ids=["javascript-violates-the-shapes", "quote-is-not-an-iri"])
def test_the_build_refuses_a_hostile_iri_in_data(settings, tmp_path, iri, code, message):
    data = copy_data(tmp_path)
    inject(data, "organisations.yaml", "      - http://ja.dbpedia.org/resource/金沢市\n",
           f"      - http://ja.dbpedia.org/resource/金沢市\n      - '{iri}'\n")
    result = CliRunner().invoke(main, ["build", "--data-dir", str(data), "--output-dir", str(tmp_path / "dist"),
                                       "--lang", "en"])
    assert result.exit_code == code
    assert message.format(data=data) in result.output
    assert "organisations.yaml:" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "dist").exists()
