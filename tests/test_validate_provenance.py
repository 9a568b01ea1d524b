"""The builder records which YAML value produced which triple, without changing the triples."""
from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDFS

from publisher.builder.context import BuildContext
from publisher.builder.provenance import TracedGraph, Tracer
from publisher.errors import Location
from publisher.iris import Minter
from publisher.settings import ROOT
from publisher.vocab import IC, KD, SCHEMA

from .conftest import BASE

ID = BASE + "id/"


def line_of(name: str, text: str, after: str | None = None) -> int:
    lines = (ROOT / "data" / name).read_text(encoding="utf-8").splitlines()
    start = next(n for n, line in enumerate(lines) if after in line) if after else 0
    return next(n for n, line in enumerate(lines, start=1) if n > start and text in line)


def test_a_field_maps_to_the_line_of_its_value(source_data):
    where = source_data.provenance.locate(URIRef(ID + "project/r07-kbf"), KD.fiscalYear)
    assert (Path(where.file).name, where.line) == ("projects.yaml", line_of("projects.yaml", "fiscal_year", "r07-kbf:"))
    assert where.key == "projects.r07-kbf.fiscal_year"


def test_each_item_of_a_list_maps_to_its_own_column(source_data):
    project = URIRef(ID + "project/r07-kanazawa-take-doro")
    first = source_data.provenance.locate(project, KD.proposer, URIRef(ID + "group/minna-no-hatake"))
    second = source_data.provenance.locate(project, KD.proposer, URIRef(ID + "group/shijima-kizuna-chokai"))
    assert first.line == second.line and first.column < second.column
    assert (first.key, second.key) == ("projects.r07-kanazawa-take-doro.groups[0]",
                                       "projects.r07-kanazawa-take-doro.groups[1]")


def test_each_language_of_a_text_maps_to_its_own_key(source_data):
    group = URIRef(ID + "group/birdconnect")
    ja = source_data.provenance.locate(group, SCHEMA.description, _value(source_data, group, SCHEMA.description, "ja"))
    en = source_data.provenance.locate(group, SCHEMA.description, _value(source_data, group, SCHEMA.description, "en"))
    assert (ja.key, en.key) == ("groups.birdconnect.description.ja", "groups.birdconnect.description.en")
    assert ja.line < en.line


def _value(source_data, subject, predicate, lang):
    from publisher.validation import data_union
    graph = data_union(source_data.dataset)
    return next(o for o in graph.objects(subject, predicate) if o.language.startswith(lang))


def test_a_blank_node_maps_to_its_own_field_or_else_to_its_parents(source_data):
    from publisher.validation import data_union
    division = URIRef(ID + "org/shimin-kyodo-suishin-ka")
    contact = data_union(source_data.dataset).value(division, IC.連絡先)
    phone = source_data.provenance.locate(contact, IC.電話番号)
    assert phone.key == "organisations.shimin-kyodo-suishin-ka.contact.phone"
    assert phone.line == line_of("organisations.yaml", "phone: 076-220-2026")
    other = source_data.provenance.locate(contact, IC.Webサイト)
    assert other.key == "organisations.shimin-kyodo-suishin-ka.contact"


def test_a_field_no_record_of_the_kind_has_maps_to_the_record(source_data):
    where = source_data.provenance.locate(URIRef(ID + "project/r07-kbf"), KD.memberCount)
    assert where.key == "projects.r07-kbf" and where.line == line_of("projects.yaml", "  r07-kbf:")


def test_unknown_nodes_have_no_place(source_data):
    assert source_data.provenance.locate(URIRef("https://elsewhere.example/x"), RDFS.label) is None
    assert source_data.provenance.locate(BNode(), RDFS.label) is None


def test_the_context_exposes_field_locations_per_subject_and_predicate():
    ctx = BuildContext(Minter(BASE))
    graph = ctx.graph("groups")
    subject, here = URIRef(ID + "group/x"), Location("data/groups.yaml", 3, 5, "groups.x.name")
    with ctx.at(here):
        graph.add((subject, RDFS.label, Literal("x", lang="ja")))
    graph.add((subject, SCHEMA.alternateName, Literal("y")))
    assert ctx.field_locations == {(subject, RDFS.label): here}
    assert (subject, RDFS.label, Literal("x", lang="ja")) in ctx.dataset.graph(ctx.minter.graph("groups"))


def test_tracing_adds_exactly_the_triple_it_is_given():
    plain, traced_target = Graph(), Graph()
    traced = TracedGraph(traced_target, Tracer())
    node = BNode()
    for triple in [(URIRef("urn:a"), RDFS.label, Literal("a")), (URIRef("urn:a"), IC.連絡先, node),
                   (node, IC.電話番号, Literal("1"))]:
        plain.add(triple)
        traced.add(triple)
    assert set(plain) == set(traced_target) and len(traced) == 3


def test_a_reference_and_the_inverse_triple_it_implies_map_to_the_reference(source_data):
    """unit_of: kanazawa-city also adds <kanazawa-city> org:hasUnit <division>: both come from the unit_of line."""
    from publisher.vocab import ORG
    division, city = URIRef(ID + "org/kiki-kanri-ka"), URIRef(ID + "org/kanazawa-city")
    down = source_data.provenance.locate(division, ORG.unitOf, city)
    up = source_data.provenance.locate(city, ORG.hasUnit, division)
    assert down == up and down.key == "organisations.kiki-kanri-ka.unit_of"
