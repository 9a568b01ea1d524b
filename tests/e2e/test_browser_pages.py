"""End to end, in headless Chromium: the landing page to a group and its projects, filters, search with kana
variants, the language switch, the plan progress charts against SPARQL counts, and an example query's CSV.

Numbers on the pages are checked against SPARQL COUNT queries sent to the live endpoint, written here
independently of the pages' own queries.
"""
from __future__ import annotations

import csv
import io
import re

import pytest
import requests

pytestmark = pytest.mark.slow

PREFIXES = ("PREFIX kd: <https://w3id.org/kyodo-lod/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
            "PREFIX dcterms: <http://purl.org/dc/terms/> ")


def sparql(root: str, query: str) -> list[dict]:
    response = requests.get(root + "sparql", params={"query": PREFIXES + query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=10)
    response.raise_for_status()
    return [{k: v["value"] for k, v in b.items()} for b in response.json()["results"]["bindings"]]


def sparql_count(root: str, where: str) -> int:
    return int(sparql(root, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {where} }}")[0]["n"])


def shown_count(page) -> int:
    return int(page.locator("#result-count").get_attribute("data-count"))


def test_landing_to_a_group_and_its_projects(page, live_server, screenshot):
    page.goto(live_server)
    assert page.locator("html").get_attribute("lang") == "ja"
    page.keyboard.press("Tab")                                # keyboard users land on the skip link first
    assert page.evaluate("document.activeElement.className") == "skip"
    screenshot(page, "01-landing")
    page.get_by_role("link", name="市民団体の一覧").click()
    page.wait_for_url(re.compile(r"/groups\?"))
    assert page.locator("h1").inner_text() == "市民団体"
    assert page.locator("tr[data-item]").count() == sparql_count(live_server, "?s a kd:CitizenGroup")
    screenshot(page, "02-groups")
    page.locator('tr[data-item="take-a-step"] td[data-column="projects"] a').click()
    page.wait_for_url(re.compile(r"/projects\?.*group=take-a-step"))
    expected = sparql_count(live_server, "?s kd:proposer ?g FILTER(STRENDS(STR(?g), '/group/take-a-step'))")
    assert page.locator("tr[data-item]").count() == shown_count(page) == expected == 2
    page.locator('tr[data-item="r07-take-a-step"] td[data-column="groups"] a').click()
    page.wait_for_url(re.compile(r"/doc/group/take-a-step"))
    assert "Take a step" in page.locator("h1").inner_text()


def test_filter_projects_by_year_and_category(page, live_server, screenshot):
    page.goto(live_server + "projects")
    page.select_option("#f-year", "2025")
    page.select_option("#f-category", "start")
    page.get_by_role("button", name="絞り込む").click()
    page.wait_for_url(re.compile(r"year=2025.*category=start|category=start.*year=2025"))
    expected = sparql_count(live_server, "?s a kd:ChallengeProject ; kd:fiscalYear ?y ; kd:category ?c "
                                         "FILTER(STR(?y) = '2025' && STRENDS(STR(?c), '/category/start'))")
    assert shown_count(page) == page.locator("tr[data-item]").count() == expected == 8
    assert set(page.locator('td[data-column="category"]').all_inner_texts()) == {"スタート部門"}
    chart_total = page.locator('#chart-category-year td[data-series="total"]').inner_text()
    assert int(chart_total) == expected
    screenshot(page, "03-projects-2025-start")


@pytest.mark.parametrize("query", ["さばい", "ｻﾊﾞｲ"], ids=["hiragana", "half-width-katakana"])
def test_search_finds_a_katakana_name_from_a_kana_variant(page, live_server, screenshot, query):
    page.goto(live_server + "search")
    page.get_by_label("名称・題名・説明から探す").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    first = page.locator("ol.results > li").first
    assert first.get_attribute("data-key") == "kanazawa-sabaibu"
    assert first.get_by_role("link").first.inner_text() == "かなざわサバイ部"
    if query == "さばい":
        screenshot(page, "04-search-sabai")


def test_switching_language_keeps_the_page(page, live_server, screenshot):
    page.goto(live_server + "projects?year=2025&category=start")
    count = shown_count(page)
    page.locator("header a.lang").click()
    page.wait_for_url(re.compile(r"lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Adopted projects"
    assert "year=2025" in page.url and "category=start" in page.url and shown_count(page) == count
    screenshot(page, "05-projects-en")
    page.locator("header a.lang").click()
    page.wait_for_url(re.compile(r"lang=ja"))
    assert page.locator("html").get_attribute("lang") == "ja"


def chart_cells(page, chart: str) -> dict[tuple[str, str], int]:
    """{(row key, series): number} from a chart's table."""
    found = {}
    for row in page.locator(f'table[data-chart="{chart}"] tbody tr').all():
        key = row.get_attribute("data-key")
        for cell in row.locator("td").all():
            found[(key, cell.get_attribute("data-series"))] = int(cell.inner_text())
    return found


def svg_values(page, chart: str) -> dict[tuple[str, str], int]:
    found = {}
    for bar in page.locator(f'#{chart} svg g.bar').all():
        for rect in bar.locator("rect").all():
            found[(bar.get_attribute("data-key"), rect.get_attribute("data-series"))] = int(rect.get_attribute("data-value"))
    return found


def test_plan_progress_charts_match_sparql_counts(page, live_server, screenshot):
    page.goto(live_server)
    page.get_by_role("navigation", name="サイト").get_by_role("link", name="計画の進み具合").click()
    page.wait_for_url(re.compile(r"/plans\?"))
    page.locator('tr[data-item="plan-2016"] td[data-column="measures"] a').click()
    page.wait_for_url(re.compile(r"/plans/plan-2016"))
    assert page.locator("svg[role=img] > title").count() == 3 and page.locator("svg[role=img] > desc").count() == 3

    per_policy = {r["pn"]: int(r["n"]) for r in sparql(live_server, """SELECT ?pn (COUNT(?m) AS ?n) WHERE {
        ?m a kd:Measure ; skos:broader/skos:broader ?p . ?p skos:notation ?pn } GROUP BY ?pn""")}
    with_program = {r["pn"]: int(r["n"]) for r in sparql(live_server, """SELECT ?pn (COUNT(DISTINCT ?m) AS ?n) WHERE {
        ?m a kd:Measure ; skos:broader/skos:broader ?p . ?p skos:notation ?pn . ?prog kd:implementsMeasure ?m }
        GROUP BY ?pn""")}
    table = chart_cells(page, "chart-measures")
    for policy, total in per_policy.items():
        assert table[(policy, "total")] == total
        assert table[(policy, "active")] + table[(policy, "program")] == with_program.get(policy, 0)
        assert table[(policy, "none")] == total - with_program.get(policy, 0)
    svg = svg_values(page, "chart-measures")
    assert {k: v for k, v in table.items() if k[1] != "total" and v} == svg

    per_year = sparql(live_server, """SELECT ?y ?c (COUNT(?s) AS ?n) WHERE { ?s a kd:ChallengeProject .
        OPTIONAL { ?s kd:fiscalYear ?fy } OPTIONAL { ?s dcterms:date ?d } OPTIONAL { ?s kd:category ?cat }
        BIND(STR(COALESCE(?fy, ?d)) AS ?y) BIND(COALESCE(REPLACE(STR(?cat), "^.*/", ""), "none") AS ?c) }
        GROUP BY ?y ?c""")
    years = chart_cells(page, "chart-category-year")
    assert {(r["y"], r["c"]): int(r["n"]) for r in per_year} == {k: v for k, v in years.items() if k[1] != "total" and v}
    assert {k: v for k, v in years.items() if k[1] != "total" and v} == svg_values(page, "chart-category-year")

    divisions = sparql(live_server, "SELECT ?d (COUNT(?s) AS ?n) WHERE { ?s kd:partnerDivision ?d } GROUP BY ?d")
    assert {r["d"].rsplit("/", 1)[1]: int(r["n"]) for r in divisions} == {
        k: v for (k, series), v in chart_cells(page, "chart-divisions").items() if series == "total"}
    screenshot(page, "06-plan-progress")
    page.locator("#measure-2-3-3 summary").first.click()       # the projects behind measure 2-3-3
    assert page.locator("#measure-2-3-3 dd[data-kind=project] li").count() == sparql_count(
        live_server, "?s kd:program ?p . ?p kd:implementsMeasure ?m . ?m skos:notation '2-3-3' . ?s a kd:ChallengeProject")


def test_run_an_example_query_and_download_its_csv(page, live_server, screenshot):
    page.goto(live_server + "sparql")
    example = page.locator("#example-projects-per-year-and-category")
    example.get_by_role("link", name="実行する").click()
    page.wait_for_url(re.compile(r"/sparql/examples/projects-per-year-and-category"))
    assert page.locator("table.results tbody tr").count() > 0
    screenshot(page, "07-sparql-example")
    href = page.locator('ul.formats a[type="text/csv"]').get_attribute("href")
    response = page.request.get(live_server.rstrip("/") + href if href.startswith("/") else href)
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text())))
    assert rows[0][:2] == ["year", "category"] and len(rows) > 1
    # The example's numbers and the projects page's chart count the same projects.
    page.goto(live_server + "projects")
    chart_total = sum(v for (key, series), v in chart_cells(page, "chart-category-year").items() if series == "total")
    assert sum(int(row[-1]) for row in rows[1:]) == chart_total
