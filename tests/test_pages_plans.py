"""Plan progress: which measures have which programs, projects and groups, which have none; the page."""
from __future__ import annotations

import pytest

from tests.pages_support import check_page, read_csv

PLAN = "https://data.example.jp/kyodo/id/plan/plan-2016"
KD = ("PREFIX kd: <https://w3id.org/kyodo-lod/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
      "PREFIX dcterms: <http://purl.org/dc/terms/> ")

# What programs.yaml links, read by hand from the file (and checked against the built graph below).
MEASURE_PROGRAMS = {
    "1-1-3": ["volunteer-registration"], "1-2-3": ["citizen-collaboration-insurance"],
    "1-2-4": ["group-registration"], "2-3-3": ["challenge"], "2-3-4": ["partnership-compe"],
}
INITIATIVE_PROGRAMS = {"2-4": ["challenge"], "2-5": ["partnership-compe"]}
ACTIVE = {"2-3-3", "1-2-4"}                   # programs with projects, registered groups or activities
PROGRAM_ONLY = {"1-1-3", "1-2-3", "2-3-4"}   # programs nothing is recorded as carrying out


@pytest.fixture(scope="module")
def plan(app):
    from publisher.web import plans_data

    with app.test_request_context("/"):  # left before the tests run: a pushed context would leak into client calls
        tree = plans_data.plan_tree(PLAN)
        found = {"tree": tree, "acts": plans_data.activities(PLAN), "measures": plans_data.measures_of(tree),
                 "initiatives": plans_data.initiatives_of(tree)}
    return found


def programs_of(plan, part) -> list[str]:
    activity = plan["acts"].get(part.iri)
    return [link.program.key for link in activity.links] if activity else []


def scalar(data_graph, query: str) -> int:
    return int(next(iter(data_graph.query(KD + query)))[0])


def test_the_tree_has_the_plans_shape(plan, data_graph):
    tree = plan["tree"]
    assert tree.kind == "vision" and [p.notation for p in tree.children] == ["1", "2", "3"]
    assert [d.notation for d in tree.children[1].children] == ["2-1", "2-2", "2-3"]
    assert len(plan["measures"]) == scalar(data_graph, "SELECT (COUNT(?m) AS ?n) WHERE { ?m a kd:Measure }")
    assert len(plan["initiatives"]) == scalar(data_graph, "SELECT (COUNT(?m) AS ?n) WHERE { ?m a kd:Initiative }")
    assert [m.notation for m in plan["measures"]][:5] == ["1-1-1", "1-1-2", "1-1-3", "1-1-4", "1-2-1"]


def test_measures_and_the_programs_that_carry_them_out(plan):
    found = {m.notation: programs_of(plan, m) for m in plan["measures"] if programs_of(plan, m)}
    assert found == MEASURE_PROGRAMS
    initiatives = {i.notation: programs_of(plan, i) for i in plan["initiatives"] if programs_of(plan, i)}
    assert initiatives == INITIATIVE_PROGRAMS


def test_the_links_agree_with_the_built_graph(plan, data_graph):
    rows = data_graph.query(KD + "SELECT ?p ?n WHERE { ?p kd:implementsMeasure ?m . ?m skos:notation ?n }")
    assert {(str(p).rsplit("/", 1)[1], str(n)) for p, n in rows} == {
        (program, notation) for notation, programs in MEASURE_PROGRAMS.items() for program in programs}


def test_measures_with_and_without_activity(plan):
    status = {m.notation: plan["acts"][m.iri].status if m.iri in plan["acts"] else "none" for m in plan["measures"]}
    assert {n for n, s in status.items() if s == "active"} == ACTIVE
    assert {n for n, s in status.items() if s == "program"} == PROGRAM_ONLY
    assert {n for n, s in status.items() if s == "none"} == set(status) - ACTIVE - PROGRAM_ONLY
    assert len([s for s in status.values() if s == "none"]) == 20


def test_challenge_projects_carry_out_measure_2_3_3_through_their_program(plan, data_graph):
    measure = next(m for m in plan["measures"] if m.notation == "2-3-3")
    activity = plan["acts"][measure.iri]
    expected = scalar(data_graph, "SELECT (COUNT(?s) AS ?n) WHERE { ?s a kd:ChallengeProject ; kd:program ?p "
                                  "FILTER(STRENDS(STR(?p), '/challenge')) }")
    assert activity.count("project") == expected == 19
    assert [r.key for r in activity.links[0].doers["event"]] == ["challenge-results-presentation"]
    assert [r.key for r in activity.links[0].doers["call"]] == ["challenge-r08"]
    assert activity.count("group") == 0


def test_registered_groups_carry_out_measure_1_2_4_through_the_registration_system(plan, data_graph):
    measure = next(m for m in plan["measures"] if m.notation == "1-2-4")
    groups = {r.key for r in plan["acts"][measure.iri].links[0].doers["group"]}
    expected = {str(g).rsplit("/", 1)[1] for g, in data_graph.query(
        KD + "SELECT ?g WHERE { ?g kd:registeredWith ?p FILTER(STRENDS(STR(?p), '/group-registration')) }")}
    assert groups == expected and "take-a-step" in groups and len(groups) == 6


@pytest.mark.parametrize("notation, kind", [("1-1-3", "named"), ("1-2-3", "named"), ("1-2-4", "named"),
                                            ("2-3-3", "named"), ("2-3-4", "named")])
def test_the_reason_for_each_measure_link(plan, notation, kind):
    measure = next(m for m in plan["measures"] if m.notation == notation)
    reason = plan["acts"][measure.iri].links[0].reason
    assert reason.kind == kind
    assert "named after the program" in reason.en and "名指し" in reason.ja


def test_the_reason_for_an_initiative_with_a_differently_spelled_name(plan):
    """The 体系図 prints パートナリーシップ (sic): the names share a phrase, not the whole name."""
    initiative = next(i for i in plan["initiatives"] if i.notation == "2-5")
    reason = plan["acts"][initiative.iri].links[0].reason
    assert reason.kind == "shared" and "コンペ事業" in reason.ja


def test_reasons_from_wording_and_from_the_editors_reading():
    from rdflib import Literal

    from publisher.web.plans_data import Part, link_reason

    part = Part("x", "measure", "9-9-9", {"ja": "まちの広報"}, {"ja": "ケガの費用を補償する保険制度を広報します。"})
    program = {"rdfs:label": [Literal("安心保険", lang="ja")],
               "schema:description": [Literal("ケガの費用を補償する保険制度", lang="ja")]}
    assert link_reason(program, part).kind == "wording"
    unrelated = {"rdfs:label": [Literal("別の事業", lang="ja")]}
    assert link_reason(unrelated, part).kind == "stated"


def test_the_plan_page(client, data_graph):
    page = check_page(client.get("/plans/plan-2016").get_data(as_text=True), "ja")
    assert "金沢市新協働推進計画" in page.one("h1").text
    measures = [e for e in page.all("div") if e.attrs.get("class") == "measure" and e.attrs["id"].startswith("measure-")]
    assert len(measures) == 25
    statuses = {e.attrs["data-notation"]: e.attrs["data-status"] for e in measures}
    assert {n for n, s in statuses.items() if s == "active"} == ACTIVE
    assert page.one("div", id="measure-2-3-3")
    doers = next(e for e in page.all("dd") if e.attrs.get("data-kind") == "project")
    assert int(doers.attrs["data-count"]) == 19


def test_the_plan_page_charts_match_the_data(client, data_graph):
    page = check_page(client.get("/plans/plan-2016?lang=en").get_data(as_text=True), "en")
    svgs = page.all("svg")
    assert len(svgs) == 3
    cells = {(e.attrs.get("data-series"), e.attrs.get("data-value")) for e in page.all("td")}
    per_policy = data_graph.query(KD + "SELECT ?pn (COUNT(?m) AS ?n) WHERE { ?m a kd:Measure ; skos:broader/skos:broader ?p . "
                                       "?p skos:notation ?pn } GROUP BY ?pn")
    totals = [int(e.attrs["data-total"]) for e in page.all("g") if e.attrs.get("class") == "bar"][:3]
    assert totals == [int(n) for _p, n in sorted(per_policy)]
    with_program = scalar(data_graph, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?p kd:implementsMeasure ?m }")
    rects = [e for e in page.all("rect") if e.attrs.get("data-series") in ("active", "program")]
    assert sum(int(r.attrs["data-value"]) for r in rects) == with_program
    start = scalar(data_graph, "SELECT (COUNT(?s) AS ?n) WHERE { ?s kd:category ?c FILTER(STRENDS(STR(?c), '/start')) }")
    assert ("start", str(start)) in cells


def test_the_plan_page_cites_sources_and_links_its_rdf(client):
    page = check_page(client.get("/plans/plan-2016").get_data(as_text=True), "ja")
    links = page.links()
    assert any("/id/source/plan-2016-summary" in href for href in links)
    assert "/plans/plan-2016.csv" in links and "/graph/plan.ttl" in links
    construct = next(href for href in links if href.startswith("/sparql?query="))
    assert client.get(construct).status_code == 200


def test_progress_as_csv_and_json(client):
    rows = read_csv(client.get("/plans/plan-2016.csv").data)
    assert rows[0][:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert len(rows) == 1 + 25 + 18
    body = client.get("/plans/plan-2016.json").get_json()
    by_id = {(item["kind"]["en"], item["id"]): item for item in body["items"]}
    assert by_id[("Measure", "2-3-3")]["projects"] == 19
    assert by_id[("Measure", "1-2-4")]["groups"] == 6
    assert by_id[("Measure", "3-3-2")]["status"]["en"] == "Nothing recorded"


def test_a_plan_without_a_hierarchy_and_an_unknown_plan(client):
    page = check_page(client.get("/plans/plan-2007?lang=en").get_data(as_text=True), "en")
    assert not page.all("svg")
    assert client.get("/plans/no-such-plan").status_code == 404


def test_the_page_shows_the_editors_published_reason(client):
    page = client.get("/plans/plan-2016?lang=ja").get_data(as_text=True)
    assert "データ編集者による理由" in page
    assert "具体的施策2-3-3「協働のまちづくりチャレンジ事業の充実」は、この事業を名指ししている。" in page
    english = client.get("/plans/plan-2016?lang=en").get_data(as_text=True)
    assert "Measure 2-3-3, &#34;Enhancing the Collaborative Town-Building Challenge Program&#34;, names this program." in english
