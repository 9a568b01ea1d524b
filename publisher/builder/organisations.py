"""organisations.yaml -> the organisation graph: the city, its bureaus and divisions, the council, others."""
from __future__ import annotations

from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from ..vocab import IC, KD, ORG, SCHEMA
from .context import BuildContext, add_label, add_sources, iter_keys, parse_date
from .records import each_record

TYPES = {
    "municipality": (KD.Municipality, ORG.Organization, IC.組織型, SCHEMA.GovernmentOrganization),
    "bureau": (KD.Bureau, ORG.OrganizationalUnit),
    "division": (KD.Division, ORG.OrganizationalUnit),
    "council": (KD.Council, ORG.Organization, IC.組織型),
    "secretariat": (KD.Secretariat, ORG.OrganizationalUnit),
    "school": (KD.School, ORG.Organization, IC.組織型, SCHEMA.EducationalOrganization),
    "support-body": (KD.SupportBody, ORG.Organization, IC.組織型),
    "facility": (KD.Facility, SCHEMA.CivicStructure),
}
FIELDS = {"type", "name", "alt_names", "unit_of", "hosted_by", "operated_by", "contact", "address",
          "local_government_code", "corporate_number", "same_as", "planned_opening", "source"}
REQUIRED = {"type", "name", "source"}
E_STAT_SAC = "http://data.e-stat.go.jp/lod/sac/C"


def read_organisations(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("organisation")
    for key, rec in each_record(doc, "organisations", ctx, required=REQUIRED, optional=FIELDS - REQUIRED):
        iri = ctx.declare("org", key, rec.location)
        classes = rec.code("type", TYPES, "organisation type", "組織の種類")
        if classes is None:
            continue
        for cls in classes:
            graph.add((iri, RDF.type, cls))
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx)
        with rec.at("name"):
            add_name_node(graph, iri, rec.get("name"))
        with rec.at("alt_names"):
            for alt in rec.strings("alt_names"):
                graph.add((iri, SCHEMA.alternateName, Literal(alt, lang="ja")))
        for field, predicate in (("unit_of", ORG.unitOf), ("hosted_by", KD.hostedBy), ("operated_by", KD.operatedBy)):
            for ref, where in iter_keys(rec.data, field):
                target = ctx.ref("org", ref, where)
                graph.add((iri, predicate, target))
                if field == "unit_of":
                    graph.add((target, ORG.hasUnit, iri))
        add_identifiers(graph, iri, rec)
        add_contact(graph, iri, rec, ctx)
        add_address(graph, iri, rec, ctx)
        with rec.at("same_as"):
            for link in rec.strings("same_as"):
                graph.add((iri, SCHEMA.sameAs, URIRef(link)))
        if rec.get("planned_opening") is not None:
            date = parse_date(rec.get("planned_opening"), rec.loc("planned_opening"), ctx)
            if date is not None:
                with rec.at("planned_opening"):
                    graph.add((iri, KD.plannedOpeningFiscalYear, Literal(str(date.year), datatype=XSD.gYear)))
                    graph.add((iri, KD.dateWareki, Literal(date.original, lang="ja")))
        add_sources(graph, iri, rec.data, ctx)


def add_name_node(graph, subject, name) -> None:
    """IMI's nested name: ic:名称 [ a ic:名称型 ; ic:表記 "…"@ja ]."""
    if isinstance(name, dict) and isinstance(name.get("ja"), str):
        node = BNode()
        graph.add((subject, IC.名称, node))
        graph.add((node, RDF.type, IC.名称型))
        graph.add((node, IC.表記, Literal(name["ja"], lang="ja")))
        if isinstance(name.get("kana"), str):
            graph.add((node, IC.カナ表記, Literal(name["kana"])))


def add_identifiers(graph, iri, rec) -> None:
    for field, predicate, scheme in (("local_government_code", KD.localGovernmentCode, "全国地方公共団体コード"),
                                     ("corporate_number", KD.corporateNumber, "法人番号")):
        value = rec.get(field)
        if value is None:
            continue
        with rec.at(field):
            add_identifier(graph, iri, predicate, scheme, str(value), field == "local_government_code")


def add_identifier(graph, iri, predicate, scheme: str, value: str, is_area_code: bool) -> None:
    graph.add((iri, predicate, Literal(value)))
    node = BNode()
    graph.add((iri, IC.ID, node))
    graph.add((node, RDF.type, IC.ID型))
    graph.add((node, IC.体系, Literal(scheme)))
    graph.add((node, IC.識別値, Literal(value)))
    if is_area_code:
        graph.add((iri, SCHEMA.areaServed, URIRef(E_STAT_SAC + value[:5])))


def add_contact(graph, iri, rec, ctx: BuildContext) -> None:
    contact = rec.mapping("contact", {"phone", "fax", "email", "website"})
    if contact is None:
        return
    node = BNode()
    with rec.at("contact"):
        graph.add((iri, IC.連絡先, node))
        graph.add((node, RDF.type, IC.連絡先型))
    for field, predicate in (("phone", IC.電話番号), ("fax", IC.FAX番号), ("email", IC.Eメールアドレス)):
        if contact.get(field) is not None:
            with ctx.at(_value_location(contact, field)):
                graph.add((node, predicate, Literal(str(contact[field]))))
    if contact.get("website"):
        with ctx.at(_value_location(contact, "website")):
            graph.add((node, IC.Webサイト, URIRef(str(contact["website"]))))


def _value_location(mapping, field: str):
    return mapping.value_location(field) if hasattr(mapping, "value_location") else None


def add_address(graph, iri, rec, ctx: BuildContext) -> None:
    address = rec.mapping("address", {"postal_code", "prefecture", "city", "city_code", "street"})
    if address is None:
        return
    node = BNode()
    with rec.at("address"):
        graph.add((iri, IC.住所, node))
        graph.add((node, RDF.type, IC.住所型))
        # ic:表記 is the address as the source writes it (city and street); the prefecture is a component only.
        parts = [address.get(k) for k in ("city", "street") if address.get(k)]
        graph.add((node, IC.表記, Literal("".join(str(p) for p in parts), lang="ja")))
    for field, predicate in (("postal_code", IC.郵便番号), ("prefecture", IC.都道府県), ("city", IC.市区町村)):
        if address.get(field) is not None:
            lang = None if field == "postal_code" else "ja"
            with ctx.at(_value_location(address, field)):
                graph.add((node, predicate, Literal(str(address[field]), lang=lang)))
    if address.get("city_code"):
        with ctx.at(_value_location(address, "city_code")):
            graph.add((node, IC.市区町村コード, URIRef(E_STAT_SAC + str(address["city_code"]))))
