"""The browse lists: /groups, /projects, /divisions, /programs, /plans as HTML, CSV and JSON."""
from __future__ import annotations

import json

import pytest
from rdflib import Graph, URIRef

from tests.pages_support import check_page, parse, read_csv

KD = "PREFIX kd: <https://w3id.org/kyodo-lod/def#> PREFIX dcterms: <http://purl.org/dc/terms/> "
LISTS = {  # list -> the class its rows are
    "groups": "kd:CitizenGroup", "projects": "kd:ChallengeProject", "divisions": "kd:Division",
    "programs": "kd:Program", "plans": "kd:Plan",
}


def items_of(page) -> list[str]:
    """The keys of the rows of a list page."""
    return [e.attrs["data-item"] for e in page.all("tr") if "data-item" in e.attrs]


def count(data_graph, where: str) -> int:
    return int(next(iter(data_graph.query(KD + f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")))[0])


@pytest.mark.parametrize("name", LISTS)
def test_each_list_has_one_row_per_thing_in_every_format(client, data_graph, name):
    expected = count(data_graph, f"?s a {LISTS[name]}")
    page = check_page(client.get(f"/{name}?lang=ja").get_data(as_text=True), "ja")
    assert len(items_of(page)) == expected
    body = client.get(f"/{name}.json").get_json()
    assert body["count"] == len(body["items"]) == expected
    rows = read_csv(client.get(f"/{name}.csv").data)
    assert len(rows) == expected + 1


@pytest.mark.parametrize("name", LISTS)
def test_items_link_to_their_linked_data_pages(client, name):
    page = parse(client.get(f"/{name}?lang=en").get_data(as_text=True))
    items = client.get(f"/{name}.json").get_json()["items"]
    hrefs = page.links()
    for item in items:
        assert item["iri"].startswith("http://localhost/id/")
        assert f"{item['iri']}?lang=en" in hrefs
    response = client.get(items[0]["iri"].replace("http://localhost", ""), headers={"Accept": "text/html"})
    assert response.status_code == 303 and "/doc/" in response.headers["Location"]


def test_csv_follows_the_municipal_habits(client):
    rows = read_csv(client.get("/projects.csv").data)
    header = rows[0]
    assert header[:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert len(header) == len(set(header)), "column names are unique"
    assert all(len(row) == len(header) for row in rows)
    assert {row[0] for row in rows[1:]} == {"172014"} and {row[2] for row in rows[1:]} == {"金沢市"}
    assert all("\n" not in cell and "\r" not in cell for row in rows for cell in row)
    # Several values go to numbered columns, one value each: the project with two groups fills both.
    assert "提案団体ID_1" in header and "提案団体ID_2" in header
    two = next(row for row in rows if row[1] == "r07-kanazawa-take-doro")
    assert {two[header.index("提案団体ID_1")], two[header.index("提案団体ID_2")]} == {"minna-no-hatake",
                                                                                 "shijima-kizuna-chokai"}
    response = client.get("/projects.csv")
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert "172014_projects.csv" in response.headers["Content-Disposition"]


def test_csv_columns_do_not_change_with_the_filters(client):
    everything = read_csv(client.get("/projects.csv").data)[0]
    filtered = read_csv(client.get("/projects.csv?category=start").data)[0]
    assert everything == filtered


FILTERS = [
    ("year=2025&category=start", "?s a kd:ChallengeProject ; kd:fiscalYear ?y ; kd:category ?c "
                                 "FILTER(STR(?y) = '2025' && STRENDS(STR(?c), '/start'))"),
    ("year=2025", "?s a kd:ChallengeProject ; kd:fiscalYear ?y FILTER(STR(?y) = '2025')"),
    ("year=2014", "?s a kd:ChallengeProject ; dcterms:date ?y FILTER(STR(?y) = '2014')"),
    ("category=student", "?s a kd:ChallengeProject ; kd:category ?c FILTER(STRENDS(STR(?c), '/student'))"),
    ("division=kiki-kanri-ka", "?s kd:partnerDivision ?d FILTER(STRENDS(STR(?d), '/kiki-kanri-ka'))"),
    ("program=challenge", "?s a kd:ChallengeProject ; kd:program ?p FILTER(STRENDS(STR(?p), '/challenge'))"),
    ("group=take-a-step", "?s kd:proposer ?g FILTER(STRENDS(STR(?g), '/take-a-step'))"),
]


@pytest.mark.parametrize("query, where", FILTERS, ids=[q for q, _ in FILTERS])
def test_project_filters_choose_the_same_rows_in_every_format(client, data_graph, query, where):
    expected = count(data_graph, where)
    assert expected > 0
    page = parse(client.get(f"/projects?{query}").get_data(as_text=True))
    html_keys = items_of(page)
    json_keys = [item["id"] for item in client.get(f"/projects.json?{query}").get_json()["items"]]
    csv_keys = [row[1] for row in read_csv(client.get(f"/projects.csv?{query}").data)[1:]]
    assert len(json_keys) == expected
    assert json_keys == csv_keys == html_keys
    assert int(page.one("p", id="result-count").attrs["data-count"]) == expected


def test_groups_filter_by_registration(client, data_graph):
    expected = count(data_graph, "?s kd:registeredWith ?p FILTER(STRENDS(STR(?p), '/group-registration'))")
    assert client.get("/groups.json?registered=group-registration").get_json()["count"] == expected


def test_an_unknown_filter_value_is_an_empty_list_and_a_malformed_year_an_error(client):
    assert client.get("/projects.json?category=nothing").get_json()["count"] == 0
    response = client.get("/projects?year=R7", headers={"Accept": "application/json"})
    assert response.status_code == 400 and "year" in response.get_json()["error"]


def test_long_lists_are_paged(client):
    total = client.get("/groups.json").get_json()["count"]
    first = parse(client.get("/groups?per_page=5").get_data(as_text=True))
    assert len(items_of(first)) == 5
    assert any("page=2" in href for href in first.links())
    last_page = -(-total // 5)
    last = parse(client.get(f"/groups?per_page=5&page={last_page}").get_data(as_text=True))
    assert len(items_of(last)) == total - 5 * (last_page - 1)
    assert client.get(f"/groups?per_page=5&page={last_page + 1}").status_code == 404
    assert client.get("/groups?per_page=0").status_code == 400
    # CSV and JSON are not paged: they hold every row.
    assert client.get("/groups.json?per_page=5").get_json()["count"] == total


def test_other_extensions_are_not_found(client):
    assert client.get("/groups.xml").status_code == 404


def test_pages_are_japanese_by_default_and_english_on_request(client):
    assert check_page(client.get("/projects").get_data(as_text=True), "ja").one("h1").text == "採択事業"
    page = check_page(client.get("/projects?lang=en").get_data(as_text=True), "en")
    assert page.one("h1").text == "Adopted projects"
    page = check_page(client.get("/projects", headers={"Accept-Language": "en"}).get_data(as_text=True), "en")
    toggle = next(e for e in page.all("a") if e.attrs.get("class") == "lang")
    assert toggle.attrs["href"].startswith("/projects?") and "lang=ja" in toggle.attrs["href"]


def test_each_page_links_to_the_rdf_of_what_it_shows(client):
    page = parse(client.get("/projects?year=2025&category=general").get_data(as_text=True))
    construct = next(href for href in page.links() if href.startswith("/sparql?query="))
    response = client.get(construct)
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.get_data(as_text=True), format="turtle")
    subjects = {str(s) for s in graph.subjects() if isinstance(s, URIRef)}
    keys = [i["id"] for i in client.get("/projects.json?year=2025&category=general").get_json()["items"]]
    assert {f"http://localhost/id/project/{k}" for k in keys} == subjects
    assert "/graph/projects.ttl" in page.links()
    assert "/projects.csv?year=2025&category=general" in page.links()


def test_each_page_cites_its_sources_and_licence(client):
    page = parse(client.get("/groups").get_data(as_text=True))
    assert any("/id/source/newsletter-2025" in href for href in page.links())
    assert any(e.attrs.get("rel") == "license" for e in page.all("a"))
    body = client.get("/groups.json").get_json()
    assert body["license"] == "https://creativecommons.org/licenses/by/4.0/" and "金沢市" in body["attribution"]


def test_json_holds_both_languages(client):
    item = next(i for i in client.get("/projects.json?lang=en").get_json()["items"] if i["id"] == "r07-kbf")
    assert item["name"] == {"ja": "Revive", "en": "Revive"}
    assert item["category"]["id"] == "student" and item["category"]["name"]["ja"] == "学生・高校生部門"
    assert item["fiscal_year"] == "2025" and item["year"] is None
    assert json.loads(json.dumps(item)) == item


def test_projects_page_charts_count_the_rows_shown(client, data_graph):
    page = check_page(client.get("/projects?year=2025").get_data(as_text=True), "ja")
    start = count(data_graph, "?s kd:fiscalYear ?y ; kd:category ?c FILTER(STR(?y) = '2025' && STRENDS(STR(?c), '/start'))")
    rect = next(e for e in page.all("rect") if e.attrs.get("data-series") == "start")
    assert int(rect.attrs["data-value"]) == start
    cell = next(e for e in page.all("td") if e.attrs.get("data-series") == "start")
    assert int(cell.attrs["data-value"]) == int(cell.text) == start
    total = next(e for e in page.all("td") if e.attrs.get("data-series") == "total")
    assert int(total.text) == len(items_of(page))


def test_browse_index_links_every_list(client):
    page = check_page(client.get("/browse").get_data(as_text=True), "ja")
    for name in LISTS:
        assert f"/{name}?lang=ja" in page.links() and f"/{name}.csv" in page.links()
    graphs = [href for href in page.links() if href.startswith("/graph/")]
    assert graphs and all(client.get(href).status_code == 200 for href in graphs)


def test_conditional_get(client):
    response = client.get("/groups")
    again = client.get("/groups", headers={"If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304


def test_the_landing_page_and_the_header_link_the_pages(client):
    page = check_page(client.get("/").get_data(as_text=True), "ja")
    links = page.links()
    for href in ("/groups?lang=ja", "/projects?lang=ja", "/browse?lang=ja", "/search?lang=ja", "/plans?lang=ja"):
        assert href in links
    nav = [e.attrs["href"] for e in page.all("a") if "nav" in e.parents]
    assert {"/browse?lang=ja", "/search?lang=ja", "/plans?lang=ja"} <= set(nav)
