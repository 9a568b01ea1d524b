"""groups.yaml -> the groups graph: citizen groups and their dated activities."""
from __future__ import annotations

from rdflib import BNode, Literal
from rdflib.namespace import RDF, XSD

from ..vocab import IC, KD, ORG, SCHEMA
from .context import BuildContext, add_date, add_label, add_sources, add_text, iter_keys, parse_date
from .organisations import add_name_node
from .records import each_record

GROUP_REQUIRED = {"name", "source"}
GROUP_OPTIONAL = {"alt_names", "former_names", "description", "legal_form", "registered_with", "part_of",
                  "founded", "members"}
EVENT_REQUIRED = {"name", "source"}
EVENT_OPTIONAL = {"organizer", "program", "date", "description", "location"}
LEGAL_FORMS = {
    "npo-corporation": KD.NPOCorporation,
    "general-incorporated-association": KD.GeneralIncorporatedAssociation,
    "neighbourhood-association": KD.NeighbourhoodAssociation,
}


def read_groups(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("groups")
    for key, rec in each_record(doc, "groups", ctx, required=GROUP_REQUIRED, optional=GROUP_OPTIONAL):
        iri = ctx.declare("group", key, rec.location)
        for cls in (KD.CitizenGroup, ORG.Organization, IC.組織型, SCHEMA.Organization):
            graph.add((iri, RDF.type, cls))
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx)
        with rec.at("name"):
            add_name_node(graph, iri, rec.get("name"))
        if isinstance(rec.get("name"), dict):
            ctx.group_names[key] = dict(rec.get("name"))
        with rec.at("alt_names"):
            for alt in rec.strings("alt_names"):
                graph.add((iri, SCHEMA.alternateName, Literal(alt, lang="ja")))
        with rec.at("former_names"):
            for former in rec.strings("former_names"):
                graph.add((iri, KD.formerName, Literal(former, lang="ja")))
        add_text(graph, iri, SCHEMA.description, rec.get("description"), rec.loc("description"), ctx)
        rec.add_code(graph, iri, KD.legalForm, "legal_form", LEGAL_FORMS, "legal form", "法人格")
        for ref, where in iter_keys(rec.data, "registered_with"):
            graph.add((iri, KD.registeredWith, ctx.ref("program", ref, where)))
        for ref, where in iter_keys(rec.data, "part_of"):
            graph.add((iri, ORG.subOrganizationOf, ctx.ref(_group_or_org(ref, ctx), ref, where, also=("org", "group"))))
        if rec.get("founded") is not None:
            add_date(graph, iri, SCHEMA.foundingDate, rec.get("founded"), rec.loc("founded"), ctx)
        add_members(graph, iri, rec, ctx)
        add_sources(graph, iri, rec.data, ctx)
    read_events(doc, ctx)


def _group_or_org(ref: str, ctx: BuildContext) -> str:
    """part_of may name a group or an organisation; groups.yaml is read after organisations.yaml."""
    return "org" if ("org", ref) in ctx.declared else "group"


def add_members(graph, iri, rec, ctx: BuildContext) -> None:
    members = rec.mapping("members", {"count", "as_of"})
    if members is None:
        return
    count = rec.integer(members, "count")
    if count is not None:
        with ctx.at(members.value_location("count") if hasattr(members, "value_location") else rec.loc("members")):
            graph.add((iri, KD.memberCount, Literal(count, datatype=XSD.integer)))
    if members.get("as_of") is not None:
        where = members.value_location("as_of") if hasattr(members, "value_location") else rec.location
        date = parse_date(members["as_of"], where, ctx)
        if date is not None:
            with ctx.at(where):
                graph.add((iri, KD.memberCountFiscalYear, Literal(str(date.year), datatype=XSD.gYear)))


def read_events(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("groups")
    for key, rec in each_record(doc, "events", ctx, required=EVENT_REQUIRED, optional=EVENT_OPTIONAL):
        iri = ctx.declare("event", key, rec.location)
        for cls in (KD.Activity, IC.イベント型, SCHEMA.Event):
            graph.add((iri, RDF.type, cls))
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx)
        add_text(graph, iri, SCHEMA.description, rec.get("description"), rec.loc("description"), ctx)
        for ref, where in iter_keys(rec.data, "organizer"):
            graph.add((iri, SCHEMA.organizer, ctx.ref("group", ref, where)))
        for ref, where in iter_keys(rec.data, "program"):
            graph.add((iri, KD.program, ctx.ref("program", ref, where)))
        if rec.get("date") is not None:
            add_date(graph, iri, SCHEMA.startDate, rec.get("date"), rec.loc("date"), ctx)
        if rec.get("location") is not None:
            place = BNode()
            with rec.at("location"):
                graph.add((iri, SCHEMA.location, place))
                graph.add((place, RDF.type, SCHEMA.Place))
            add_text(graph, place, SCHEMA.name, rec.get("location"), rec.loc("location"), ctx)
        add_sources(graph, iri, rec.data, ctx)
