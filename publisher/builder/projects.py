"""programs.yaml and projects.yaml -> the projects graph: programs, categories, calls, concepts, adopted projects."""
from __future__ import annotations

from rdflib import BNode, Literal
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from ..vocab import IC, KD, PROV, SCHEMA
from .context import (BuildContext, add_date, add_fiscal_year, add_label, add_sources, add_text,
                      iter_keys, parse_date)
from .records import check_fields, each_record

PROGRAM_OPTIONAL = {"alt_names", "description", "operated_by", "partners", "measures", "initiatives"}
CALL_OPTIONAL = {"description", "opens", "status"}
CONCEPT_OPTIONAL = {"definition", "note", "slogan"}
PROJECT_OPTIONAL = {"fiscal_year", "year", "category", "partners", "title", "subtitle", "group_name_at_adoption"}
STATUSES = {"planned": KD.Planned, "in-preparation": KD.InPreparation}


def read_programs(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("projects")
    for key, rec in each_record(doc, "programs", ctx, required={"name", "source"}, optional=PROGRAM_OPTIONAL):
        iri = ctx.declare("program", key, rec.location)
        for cls in (KD.Program, IC.サービス型, SCHEMA.GovernmentService):
            graph.add((iri, RDF.type, cls))
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx)
        with rec.at("alt_names"):
            for alt in rec.strings("alt_names"):
                graph.add((iri, SCHEMA.alternateName, Literal(alt, lang="ja")))
        add_text(graph, iri, SCHEMA.description, rec.get("description"), rec.loc("description"), ctx)
        for field, kind, predicate in (("operated_by", "org", KD.operatedBy), ("partners", "org", KD.partner)):
            for ref, where in iter_keys(rec.data, field):
                graph.add((iri, predicate, ctx.ref(kind, ref, where)))
        add_plan_links(graph, iri, rec, ctx)
        add_sources(graph, iri, rec.data, ctx)
    read_categories(doc, ctx)
    read_calls(doc, ctx)
    read_concepts(doc, ctx)


PLAN_LINKS = (("measures", "measure", KD.implementsMeasure), ("initiatives", "initiative", KD.realisesInitiative))


def add_plan_links(graph, program, rec, ctx: BuildContext) -> None:
    """program kd:implementsMeasure / kd:realisesInitiative, and for a link given with its reason a
    kd:measureLink node carrying that reason as skos:editorialNote (the editors' reading, not source text)."""
    for field, kind, predicate in PLAN_LINKS:
        items = rec.get(field)
        if items is None:
            continue
        if not isinstance(items, list):
            rec.problem(field, f"{field} must be a list", f"{field} はリストで書いてください", "wrong-type")
            continue
        for index, item in enumerate(items):
            where = items.item_location(index) if hasattr(items, "item_location") else rec.loc(field)
            key, reason = _plan_link(item, kind, where, ctx)
            if key is None:
                continue
            with ctx.at(where):
                target = ctx.ref(kind, key, where)
                graph.add((program, predicate, target))
                if reason is not None:
                    node = BNode()
                    graph.add((program, KD.measureLink, node))
                    graph.add((node, RDF.type, KD.MeasureLink))
                    graph.add((node, KD.linkTarget, target))
                    add_text(graph, node, SKOS.editorialNote, reason, where, ctx, source_text=False)


def _plan_link(item, kind: str, where, ctx: BuildContext):
    """(key, reason) of a link written as a key or as {measure|initiative: key, reason: {ja, en}}."""
    if isinstance(item, str):
        return item, None
    if isinstance(item, dict):
        check_fields(item, allowed={kind, "reason"}, required={kind}, ctx=ctx, fallback=where)
        if isinstance(item.get(kind), str):
            return item[kind], item.get("reason")
        return None, None
    ctx.problems.add(where, f"expected a {kind} key, or {kind}: and reason:", f"{kind} のキー、または {kind}: と reason: を書いてください",
                     "wrong-type")
    return None, None


def read_categories(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("projects")
    scheme = ctx.minter.scheme("category")
    if hasattr(doc, "key_location"):
        ctx.tracer.new_record(scheme, doc.key_location("categories"))
    graph.add((scheme, RDF.type, SKOS.ConceptScheme))
    for lang, text in (("ja", "協働のまちづくりチャレンジ事業の部門"), ("en", "Categories of the challenge program")):
        graph.add((scheme, RDFS.label, Literal(text, lang=lang)))
        graph.add((scheme, SKOS.prefLabel, Literal(text, lang=lang)))
    graph.add((scheme, KD.composedLabel, Literal(True)))
    for key, rec in each_record(doc, "categories", ctx, required={"name", "source"}, optional=set()):
        iri = ctx.declare("category", key, rec.location)
        graph.add((iri, RDF.type, KD.Category))
        graph.add((iri, RDF.type, SKOS.Concept))
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx, extra_predicates=(SKOS.prefLabel,))
        graph.add((iri, SKOS.inScheme, scheme))
        graph.add((iri, SKOS.topConceptOf, scheme))
        graph.add((iri, SKOS.notation, Literal(key)))
        add_sources(graph, iri, rec.data, ctx)
        add_sources(graph, scheme, rec.data, ctx)


def read_calls(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("projects")
    for key, rec in each_record(doc, "calls", ctx, required={"program", "name", "source"}, optional=CALL_OPTIONAL):
        iri = ctx.declare("call", key, rec.location)
        for cls in (KD.CallForProposals, IC.イベント型, SCHEMA.Event):
            graph.add((iri, RDF.type, cls))
        # The call's name is composed by us from the program and the date the source gives.
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx, source_text=False)
        graph.add((iri, KD.composedLabel, Literal(True)))
        add_text(graph, iri, SCHEMA.description, rec.get("description"), rec.loc("description"), ctx)
        for ref, where in iter_keys(rec.data, "program"):
            graph.add((iri, KD.program, ctx.ref("program", ref, where)))
        if rec.get("opens") is not None:
            add_date(graph, iri, SCHEMA.startDate, rec.get("opens"), rec.loc("opens"), ctx)
        rec.add_code(graph, iri, KD.status, "status", STATUSES, "status", "状況")
        add_sources(graph, iri, rec.data, ctx)


def read_concepts(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("projects")
    for key, rec in each_record(doc, "concepts", ctx, required={"name", "source"}, optional=CONCEPT_OPTIONAL):
        iri = ctx.declare("concept", key, rec.location)
        graph.add((iri, RDF.type, SKOS.Concept))
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx, extra_predicates=(SKOS.prefLabel,))
        add_text(graph, iri, SKOS.definition, rec.get("definition"), rec.loc("definition"), ctx)
        add_text(graph, iri, SKOS.note, rec.get("note"), rec.loc("note"), ctx)
        add_text(graph, iri, KD.slogan, rec.get("slogan"), rec.loc("slogan"), ctx)
        add_sources(graph, iri, rec.data, ctx)


def read_projects(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("projects")
    required = {"program", "groups", "source"}
    for key, rec in each_record(doc, "projects", ctx, required=required, optional=PROJECT_OPTIONAL):
        iri = ctx.declare("project", key, rec.location)
        for cls in (KD.ChallengeProject, IC.活動型, SCHEMA.Project, PROV.Activity):
            graph.add((iri, RDF.type, cls))
        year = add_project_year(graph, iri, rec, ctx)
        group_refs = list(iter_keys(rec.data, "groups"))
        for ref, where in group_refs:
            graph.add((iri, KD.proposer, ctx.ref("group", ref, where)))
        for ref, where in iter_keys(rec.data, "partners"):
            graph.add((iri, KD.partnerDivision, ctx.ref("org", ref, where)))
        for ref, where in iter_keys(rec.data, "program"):
            graph.add((iri, KD.program, ctx.ref("program", ref, where)))
        for ref, where in iter_keys(rec.data, "category"):
            graph.add((iri, KD.category, ctx.ref("category", ref, where)))
        add_text(graph, iri, DCTERMS.title, rec.get("title"), rec.loc("title"), ctx)
        add_text(graph, iri, KD.subtitle, rec.get("subtitle"), rec.loc("subtitle"), ctx)
        if rec.get("group_name_at_adoption") is not None:
            with rec.at("group_name_at_adoption"):
                graph.add((iri, KD.groupNameAtAdoption, Literal(str(rec.get("group_name_at_adoption")), lang="ja")))
        add_project_label(graph, iri, rec, ctx, year, [ref for ref, _ in group_refs])
        add_sources(graph, iri, rec.data, ctx)


def add_project_year(graph, iri, rec, ctx: BuildContext):
    if (rec.get("fiscal_year") is None) == (rec.get("year") is None):
        rec.problem("fiscal_year", "give exactly one of fiscal_year (年度) and year (a calendar year)",
                    "fiscal_year（年度）と year（暦年）のどちらか一方だけを書いてください", "missing-field")
        return None
    if rec.get("fiscal_year") is not None:
        return add_fiscal_year(graph, iri, rec.get("fiscal_year"), rec.loc("fiscal_year"), ctx)
    date = parse_date(rec.get("year"), rec.loc("year"), ctx)
    if date is not None:
        with rec.at("year"):
            graph.add((iri, DCTERMS.date, Literal(str(date.year), datatype=XSD.gYear)))
            graph.add((iri, KD.dateWareki, Literal(date.original, lang="ja")))
    return date


def add_project_label(graph, iri, rec, ctx: BuildContext, year, group_keys: list[str]) -> None:
    """The title is the label; an untitled adoption gets a label composed from its group and year, marked as ours."""
    title = rec.get("title")
    if isinstance(title, dict):
        add_label(graph, iri, title, rec.loc("title"), ctx)
        return
    if year is None:
        return
    names = [_group_names(ctx, key) for key in group_keys]
    ja = "・".join(n.get("ja", "") for n in names if n)
    en = " and ".join(n.get("en", n.get("ja", "")) for n in names if n)
    when_ja = year.original
    when_en = f"FY{year.year}" if year.precision == "fiscal_year" else str(year.year)
    graph.add((iri, RDFS.label, Literal(f"{ja}（{when_ja} 採択）", lang="ja")))
    graph.add((iri, RDFS.label, Literal(f"Adopted project of {en} ({when_en})", lang="en")))
    graph.add((iri, KD.composedLabel, Literal(True)))


def _group_names(ctx: BuildContext, key: str) -> dict:
    return ctx.group_names.get(key, {})
