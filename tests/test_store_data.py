"""Shared data and fixtures for the store tests: a small, realistic dataset in three named graphs.

The other tests/test_store_*.py modules import the fixtures from here.
"""
from __future__ import annotations

import rdflib
import pytest

from publisher.store import create_store, open_store

BASE = "https://kyodo.example.jp/"
GROUPS, PROJECTS, PLAN = (f"{BASE}graph/{name}" for name in ("groups", "projects", "plan"))
GROUP_1 = f"{BASE}id/group/g001"

FIXTURE_TRIG = f"""
@prefix ic: <http://imi.go.jp/ns/core/rdf#> .
@prefix org: <http://www.w3.org/ns/org#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <http://schema.org/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix k: <{BASE}id/> .
@prefix kv: <{BASE}def/> .

<{GROUPS}> {{
  k:group\\/g001 a ic:組織型, org:Organization ;
    rdfs:label "金沢まちづくり市民の会"@ja, "Kanazawa Town-Building Citizens' Association"@en ;
    ic:名称 [ a ic:名称型 ; ic:表記 "金沢まちづくり市民の会"@ja ; ic:カナ表記 "カナザワマチヅクリシミンノカイ" ] ;
    ic:連絡先 [ a ic:連絡先型 ; ic:電話番号 "076-220-2026" ; ic:Webサイト <https://example.org/g001> ] ;
    ic:住所 [ a ic:住所型 ; ic:都道府県 "石川県" ; ic:市区町村 "金沢市" ;
              ic:市区町村コード <http://data.e-stat.go.jp/lod/sac/C17201> ] ;
    schema:foundingDate "2012-04-01"^^xsd:date .
  k:group\\/g002 a ic:組織型, ic:法人型 ;
    rdfs:label "NPO法人 犀川の自然を守る会"@ja, "Saigawa Nature Conservation NPO"@en ;
    ic:名称 [ a ic:名称型 ; ic:表記 "犀川の自然を守る会"@ja ] ;
    schema:foundingDate "2005-10-15"^^xsd:date .
  k:group\\/g003 a ic:組織型 ;
    rdfs:label "兼六子ども食堂"@ja ;
    ic:名称 [ a ic:名称型 ; ic:表記 "兼六子ども食堂"@ja ] ;
    ic:連絡先 [ a ic:連絡先型 ; ic:電話番号 "076-000-0003" ] ;
    schema:foundingDate "2019-05-01"^^xsd:date .
}}

<{PROJECTS}> {{
  k:project\\/p01 a ic:活動型 ;
    rdfs:label "用水路の清掃活動"@ja, "Irrigation canal clean-up"@en ;
    kv:実施団体 k:group\\/g001, k:group\\/g002 ;
    kv:施策 k:plan\\/1-2-1 ;
    ic:期間 [ a ic:期間型 ; ic:開始日 [ a ic:日付型 ; ic:標準型日付 "2024-04-01"^^xsd:date ; ic:表記 "令和6年4月1日" ] ] .
  k:project\\/p02 a ic:活動型 ;
    rdfs:label "子ども食堂の運営支援"@ja ;
    kv:実施団体 k:group\\/g003 ;
    kv:施策 k:plan\\/2-1-1 .
}}

<{PLAN}> {{
  k:plan\\/1 a skos:Concept ; skos:prefLabel "安心して暮らせるまち"@ja ; skos:notation "1" .
  k:plan\\/1-2 a skos:Concept ; skos:prefLabel "地域の環境を守る"@ja ; skos:notation "1-2" ;
    skos:broader k:plan\\/1 .
  k:plan\\/1-2-1 a skos:Concept ; skos:prefLabel "水辺の保全"@ja ; skos:notation "1-2-1" ;
    skos:broader k:plan\\/1-2 .
  k:plan\\/2 a skos:Concept ; skos:prefLabel "子どもが育つまち"@ja ; skos:notation "2" ;
    skos:narrower k:plan\\/2-1 .
  k:plan\\/2-1 a skos:Concept ; skos:prefLabel "子育ての支援"@ja ; skos:notation "2-1" .
  k:plan\\/2-1-1 a skos:Concept ; skos:prefLabel "居場所づくり"@ja ; skos:notation "2-1-1" ;
    skos:broader k:plan\\/2-1 ; dcterms:description "子ども食堂などの居場所"@ja .
}}
"""


def fixture_dataset() -> rdflib.Dataset:
    """The fixture in rdflib, with the union default graph the store uses."""
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(data=FIXTURE_TRIG, format="trig")
    return dataset


@pytest.fixture(scope="module")
def rdflib_dataset() -> rdflib.Dataset:
    return fixture_dataset()


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    nquads = tmp_path_factory.mktemp("source") / "fixture.nq"
    fixture_dataset().serialize(nquads, format="nquads")
    return create_store(tmp_path_factory.mktemp("dist") / "store", nquads, version="test-1")


@pytest.fixture(scope="module")
def store(store_dir):
    opened = open_store(store_dir=store_dir, workers=2)
    assert opened.warm(30)
    yield opened
    opened.close()


def test_fixture_is_small_and_realistic(rdflib_dataset):
    """About fifty triples in three named graphs, Japanese labels, nested typed blank nodes."""
    quads = list(rdflib_dataset.quads((None, None, None, None)))
    assert 50 <= len(quads) <= 130
    assert {str(q[3]) for q in quads} == {GROUPS, PROJECTS, PLAN}
    assert any(getattr(q[2], "language", None) == "ja" for q in quads)
    assert any(isinstance(q[0], rdflib.BNode) and isinstance(q[2], rdflib.BNode) for q in quads)
