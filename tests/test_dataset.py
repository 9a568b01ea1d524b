"""The Kanazawa dataset matches the source documents (expectations written from our own reading of the seeds)."""
from __future__ import annotations

import hashlib
import re
from collections import Counter

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS

from publisher.settings import ROOT
from publisher.vocab import KD, ORG, SCHEMA

from .conftest import BASE

ID = BASE + "id/"
SEEDS = ROOT / "data" / "sources"


def select(graph, query):
    return [tuple(row) for row in graph.query(query, initNs={"kd": KD, "skos": SKOS, "rdfs": RDFS,
                                                            "dcterms": DCTERMS, "org": ORG, "schema": SCHEMA})]


def test_sixteen_fy2025_projects_by_category(data_graph):
    rows = select(data_graph, """
        SELECT ?cat (COUNT(?p) AS ?n) WHERE {
          ?p a kd:ChallengeProject ; kd:fiscalYear "2025"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
             kd:category/skos:prefLabel ?cat . FILTER(lang(?cat) = "ja") } GROUP BY ?cat""")
    assert {str(c): int(n) for c, n in rows} == {"スタート部門": 8, "一般部門": 2, "団体連携部門": 1, "学生・高校生部門": 5}


def test_projects_per_year(data_graph):
    fiscal = Counter(str(y) for (y,) in select(data_graph, "SELECT ?y WHERE { ?p a kd:ChallengeProject ; kd:fiscalYear ?y }"))
    assert fiscal == {"2025": 16, "2024": 2}
    calendar = select(data_graph, "SELECT ?p ?y WHERE { ?p a kd:ChallengeProject ; dcterms:date ?y }")
    assert [(str(p), str(y)) for p, y in calendar] == [(ID + "project/y2014-heart-keeper", "2014")]


def test_fy2025_adopted_seventeen_groups_on_sixteen_projects(data_graph):
    rows = select(data_graph, """SELECT DISTINCT ?g WHERE { ?p kd:fiscalYear "2025"^^<http://www.w3.org/2001/XMLSchema#gYear> ;
                                                         kd:proposer ?g }""")
    assert len(rows) == 17
    two = select(data_graph, f"SELECT ?g WHERE {{ <{ID}project/r07-kanazawa-take-doro> kd:proposer ?g }}")
    assert {str(g) for (g,) in two} == {ID + "group/minna-no-hatake", ID + "group/shijima-kizuna-chokai"}


def test_partner_divisions_are_the_three_the_table_names(data_graph):
    rows = select(data_graph, "SELECT ?p ?d WHERE { ?p kd:partnerDivision ?d }")
    assert {(str(p).rsplit("/", 1)[1], str(d).rsplit("/", 1)[1]) for p, d in rows} == {
        ("r07-wlb-hokuriku", "kiki-kanri-ka"),
        ("r07-take-a-step", "diversity-jinken-seisaku-ka"),
        ("r07-kanazawa-take-doro", "shinrin-saisei-ka"),
    }
    units = select(data_graph, "SELECT ?d WHERE { ?d a kd:Division ; org:unitOf ?city }")
    assert len(units) == 4


@pytest.mark.parametrize("group,years", [
    ("take-a-step", {"2024", "2025"}),
    ("kanazawa-castle-kenrokuen-society", {"2024"}),
    ("birdconnect", {"2025"}),
], ids=lambda v: v if isinstance(v, str) else None)
def test_years_a_group_was_adopted(data_graph, group, years):
    rows = select(data_graph, f"SELECT ?y WHERE {{ ?p kd:proposer <{ID}group/{group}> ; kd:fiscalYear ?y }}")
    assert {str(y) for (y,) in rows} == years


def test_registered_groups(data_graph):
    rows = select(data_graph, f"SELECT ?g WHERE {{ ?g kd:registeredWith <{ID}program/group-registration> }}")
    assert {str(g).rsplit("/", 1)[1] for (g,) in rows} == {
        "akari-family-supporters", "heart-keeper", "kanazawa-castle-kenrokuen-society", "peer-support-tips",
        "tsuribe-tanbozome-tsunagu", "take-a-step"}


def test_group_facts(data_graph):
    society = URIRef(ID + "group/kanazawa-castle-kenrokuen-society")
    assert data_graph.value(society, SCHEMA.foundingDate).toPython() is not None
    assert str(data_graph.value(society, SCHEMA.foundingDate)) == "1991-06"
    assert str(data_graph.value(society, KD.dateWareki)) == "平成3年6月"
    assert int(data_graph.value(society, KD.memberCount)) == 133
    heart = URIRef(ID + "group/heart-keeper")
    assert str(data_graph.value(heart, KD.formerName)) == "コミュニティカフェあひるの子"
    trip = URIRef(ID + "event/kanazawa-castle-anoshu-trip-2025")
    assert str(data_graph.value(trip, SCHEMA.startDate)) == "2025-06-05"


def test_measures_per_basic_policy(data_graph):
    rows = select(data_graph, """
        SELECT ?n (COUNT(?m) AS ?count) WHERE {
          ?m a kd:Measure ; skos:broader/skos:broader ?policy . ?policy skos:notation ?n } GROUP BY ?n""")
    assert {str(n): int(c) for n, c in rows} == {"1": 10, "2": 9, "3": 6}
    directions = select(data_graph, "SELECT ?d WHERE { ?d a kd:PolicyDirection }")
    initiatives = select(data_graph, "SELECT ?i WHERE { ?i a kd:Initiative }")
    assert (len(directions), len(initiatives)) == (9, 18)


def test_measure_numbers_and_content(data_graph):
    measure = URIRef(ID + "plan/plan-2016/measure/2-3-3")
    assert str(data_graph.value(measure, SKOS.notation)) == "2-3-3"
    assert data_graph.value(measure, SKOS.prefLabel, any=True) is not None
    content = {o for o in data_graph.objects(measure, KD.content) if o.language == "ja"}
    assert [str(c) for c in content] == [
        "まちづくり活動の経験が浅い団体等が金沢市と協働で「提案事業」に取り組むことで、本市との交流連携のきっかけ、"
        "団体活動のステップアップ等になるように、事業の広報周知や内容の充実を図ります。"]


def test_plan_period_adoption_and_lineage(data_graph):
    plan = URIRef(ID + "plan/plan-2016")
    period = data_graph.value(plan, DCTERMS.temporal)
    from rdflib.namespace import DCAT
    assert (str(data_graph.value(period, DCAT.startDate)), str(data_graph.value(period, DCAT.endDate))) == (
        "2016-04-01", "2021-03-31")
    assert str(data_graph.value(plan, DCTERMS.issued)) == "2016-03"
    assert data_graph.value(plan, DCTERMS.replaces) == URIRef(ID + "plan/plan-2007")
    assert data_graph.value(URIRef(ID + "plan/plan-2026"), DCTERMS.replaces) == plan
    assert data_graph.value(plan, KD.legalBasis) == URIRef(ID + "ordinance/kyodo-ordinance")


def test_every_resource_records_its_source(data_graph):
    typed = {s for s in data_graph.subjects(RDF.type, None) if isinstance(s, URIRef) and str(s).startswith(ID)}
    unsourced = [s for s in typed if (s, DCTERMS.source, None) not in data_graph
                 and not str(s).startswith((ID + "source/", ID + "dataset/"))]
    assert unsourced == []


@pytest.mark.parametrize("name", ["000_361a696c4c7d2c4f.txt", "003_a2b16e313407b08e.txt"])
def test_source_copies_match_recorded_hashes(data_graph, name):
    digest = hashlib.sha256((SEEDS / name).read_bytes()).hexdigest()
    recorded = {str(o) for s in data_graph.subjects(KD.sourceFile, Literal(name)) for o in data_graph.objects(s, KD.sha256)}
    assert recorded == {digest}


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_every_japanese_text_occurs_in_a_source(source_data):
    """Faithful transcription: each @ja value (but our own metadata and composed labels) is in a source document."""
    sources = "".join(_squash((SEEDS / n).read_text("utf-8")) for n in ("000_361a696c4c7d2c4f.txt", "003_a2b16e313407b08e.txt"))
    composed = {q[0] for q in source_data.dataset.quads((None, KD.composedLabel, Literal(True), None))}
    missing = []
    for s, p, o, g in source_data.dataset.quads((None, None, None, None)):
        if str(g).endswith("graph/catalog") or not isinstance(o, Literal) or o.language != "ja":
            continue
        if s in composed and p in (RDFS.label, SCHEMA.name, SKOS.prefLabel):
            continue
        if p == SKOS.editorialNote:  # the editors' reasons for links: ours by definition
            continue
        if _squash(str(o)) not in sources:
            missing.append((str(s), str(p), str(o)))
    assert missing == []


def test_each_program_measure_link_states_the_editors_reason(data_graph):
    rows = select(data_graph, """
        SELECT ?program ?target ?note WHERE {
          ?program kd:implementsMeasure|kd:realisesInitiative ?target .
          OPTIONAL { ?program kd:measureLink [ kd:linkTarget ?target ; skos:editorialNote ?note ] .
                     FILTER(lang(?note) = "ja") } }""")
    assert len(rows) == 7
    assert all(note is not None for _, _, note in rows)


def test_english_renderings_of_source_text_are_marked_as_translations(data_graph):
    project_titles = {o.language for o in data_graph.objects(URIRef(ID + "project/r07-hoippo"), RDFS.label)}
    assert project_titles == {"ja", "en-t-ja"}
