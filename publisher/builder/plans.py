"""plans.yaml -> the plan graph: ordinances, city documents, plans and their SKOS hierarchy.

vision -> basic policy (notation "1") -> policy direction ("1-2") -> specific measure ("1-2-3");
the 体系図's main initiatives hang under their basic policy ("1-4" within the initiatives).
"""
from __future__ import annotations

from rdflib import Literal
from rdflib.namespace import DCTERMS, RDF, SKOS

from ..errors import Location
from ..vocab import IC, KD, PROV, SCHEMA
from .context import BuildContext, add_date, add_label, add_period, add_sources, add_text, iter_keys, parse_date
from .projects import STATUSES
from .records import each_record

PLAN_OPTIONAL = {"edition", "adopted", "period", "period_end", "publisher", "editors", "replaces", "legal_basis",
                 "reflects", "purpose", "positioning", "aim", "vision", "promotion_structure", "promotion_hub",
                 "promotion_actors", "policies", "status"}


def read_plans(doc, ctx: BuildContext) -> None:
    read_ordinances(doc, ctx)
    read_documents(doc, ctx)
    graph = ctx.graph("plan")
    for key, rec in each_record(doc, "plans", ctx, required={"title", "source"}, optional=PLAN_OPTIONAL):
        iri = ctx.declare("plan", key, rec.location)
        for cls in (KD.Plan, SKOS.ConceptScheme, PROV.Plan, SCHEMA.CreativeWork):
            graph.add((iri, RDF.type, cls))
        add_label(graph, iri, rec.get("title"), rec.loc("title"), ctx, extra_predicates=(DCTERMS.title,))
        add_text(graph, iri, KD.edition, rec.get("edition"), rec.loc("edition"), ctx)
        for field, predicate in (("purpose", KD.purpose), ("positioning", KD.positioning), ("aim", KD.aim),
                                 ("promotion_structure", KD.promotionStructure)):
            add_text(graph, iri, predicate, rec.get(field), rec.loc(field), ctx)
        add_plan_links(graph, iri, rec, ctx)
        add_plan_dates(graph, iri, rec, ctx)
        rec.add_code(graph, iri, KD.status, "status", STATUSES, "status", "状況")
        actors = rec.get("promotion_actors")
        if isinstance(actors, dict):
            with rec.at("promotion_actors"):
                for lang, items in actors.items():
                    for item in items if isinstance(items, list) else []:
                        graph.add((iri, KD.promotionActor, Literal(item, lang="ja" if lang == "ja" else "en-t-ja")))
        add_sources(graph, iri, rec.data, ctx)
        if rec.get("vision") is not None:
            read_hierarchy(graph, key, iri, rec, ctx)


def add_plan_links(graph, iri, rec, ctx: BuildContext) -> None:
    links = (("publisher", "org", DCTERMS.publisher), ("editors", "org", KD.editor),
             ("replaces", "plan", DCTERMS.replaces), ("legal_basis", "ordinance", KD.legalBasis),
             ("reflects", "document", KD.reflects), ("promotion_hub", "org", KD.promotionHub))
    for field, kind, predicate in links:
        for ref, where in iter_keys(rec.data, field):
            target = ctx.ref(kind, ref, where)
            graph.add((iri, predicate, target))
            if predicate == DCTERMS.replaces:
                graph.add((target, DCTERMS.isReplacedBy, iri))


def add_plan_dates(graph, iri, rec, ctx: BuildContext) -> None:
    if rec.get("adopted") is not None:
        add_date(graph, iri, DCTERMS.issued, rec.get("adopted"), rec.loc("adopted"), ctx)
    if rec.get("period_end") is not None:
        end = parse_date(rec.get("period_end"), rec.loc("period_end"), ctx)
        if end is not None:
            with rec.at("period_end"):
                add_period(graph, iri, None, end)
    period = rec.mapping("period", {"from", "to", "text"})
    if period is not None:
        where = rec.loc("period")
        start = parse_date(period["from"], where, ctx) if period.get("from") else None
        end = parse_date(period["to"], where, ctx) if period.get("to") else None
        if start and end and start.start > end.end:
            rec.problem("period", f"the period starts ({start.original}) after it ends ({end.original})",
                        f"期間の開始（{start.original}）が終了（{end.original}）より後です", "bad-date")
        with rec.at("period"):
            add_period(graph, iri, start, end, period.get("text"), where, ctx)


def read_hierarchy(graph, plan_key: str, plan, rec, ctx: BuildContext) -> None:
    vision_data = rec.mapping("vision", {"title", "background"})
    if vision_data is None:
        return
    vision = ctx.minter.plan_part(plan_key, "vision")
    ctx.tracer.new_record(vision, rec.loc("vision"))
    for cls in (KD.Vision, SKOS.Concept):
        graph.add((vision, RDF.type, cls))
    add_label(graph, vision, vision_data.get("title"), rec.loc("vision"), ctx, extra_predicates=(SKOS.prefLabel,))
    add_text(graph, vision, KD.background, vision_data.get("background"), rec.loc("vision"), ctx)
    graph.add((plan, KD.vision, vision))
    graph.add((plan, SKOS.hasTopConcept, vision))
    graph.add((vision, SKOS.topConceptOf, plan))
    _in_plan(graph, vision, plan, rec)
    policies = rec.get("policies") or []
    for policy_data in _numbered(policies, rec, "policies", ctx):
        number = policy_data["number"]
        policy = _concept(graph, ctx, plan_key, plan, "policy", str(number), (KD.BasicPolicy,), policy_data, rec)
        graph.add((policy, SKOS.broader, vision))
        graph.add((vision, SKOS.narrower, policy))
        add_text(graph, policy, SKOS.definition, policy_data.get("description"), _loc(policy_data, rec), ctx)
        read_directions(graph, plan_key, plan, policy, number, policy_data, rec, ctx)
        read_initiatives(graph, plan_key, plan, policy, number, policy_data, rec, ctx)


def read_directions(graph, plan_key, plan, policy, number, policy_data, rec, ctx) -> None:
    for direction_data in _numbered(policy_data.get("directions") or [], rec, "directions", ctx):
        notation = f"{number}-{direction_data['number']}"
        direction = _concept(graph, ctx, plan_key, plan, "direction", notation, (KD.PolicyDirection,),
                             direction_data, rec)
        graph.add((direction, SKOS.broader, policy))
        graph.add((policy, SKOS.narrower, direction))
        for measure_data in _numbered(direction_data.get("measures") or [], rec, "measures", ctx):
            measure_notation = f"{notation}-{measure_data['number']}"
            measure = _concept(graph, ctx, plan_key, plan, "measure", measure_notation, (KD.Measure,), measure_data, rec)
            ctx.declare("measure", f"{plan_key}/{measure_notation}", _loc(measure_data, rec), measure)
            graph.add((measure, SKOS.broader, direction))
            graph.add((direction, SKOS.narrower, measure))
            add_text(graph, measure, KD.content, measure_data.get("content"), _loc(measure_data, rec), ctx)


def read_initiatives(graph, plan_key, plan, policy, number, policy_data, rec, ctx) -> None:
    for index, text in enumerate(policy_data.get("initiatives") or [], start=1):
        notation = f"{number}-{index}"
        initiative = ctx.minter.plan_part(plan_key, "initiative", notation)
        ctx.declare("initiative", f"{plan_key}/{notation}", _loc(policy_data, rec), initiative)
        for cls in (KD.Initiative, SKOS.Concept):
            graph.add((initiative, RDF.type, cls))
        add_label(graph, initiative, text, _loc(policy_data, rec), ctx, extra_predicates=(SKOS.prefLabel,))
        graph.add((initiative, SKOS.notation, Literal(notation)))
        graph.add((initiative, SKOS.broader, policy))
        graph.add((initiative, SCHEMA.position, Literal(index)))
        _in_plan(graph, initiative, plan, rec)


def _concept(graph, ctx, plan_key, plan, part, notation, classes, data, rec):
    iri = ctx.minter.plan_part(plan_key, part, notation)
    ctx.tracer.new_record(iri, _loc(data, rec))
    for cls in (*classes, SKOS.Concept):
        graph.add((iri, RDF.type, cls))
    add_label(graph, iri, data.get("title"), _loc(data, rec), ctx, extra_predicates=(SKOS.prefLabel,))
    graph.add((iri, SKOS.notation, Literal(notation)))
    _in_plan(graph, iri, plan, rec)
    return iri


def _in_plan(graph, iri, plan, rec) -> None:
    graph.add((iri, SKOS.inScheme, plan))
    add_sources(graph, iri, rec.data, rec.ctx)


def _numbered(items, rec, what: str, ctx: BuildContext):
    """Entries of a numbered list (policies, directions, measures): numbers must be 1, 2, 3… in order."""
    if not isinstance(items, list):
        ctx.problems.add(rec.location, f"{what} must be a list", f"{what} はリストで書いてください", "wrong-type")
        return
    for expected, item in enumerate(items, start=1):
        where = _loc(item, rec)
        if not isinstance(item, dict) or item.get("number") != expected:
            got = item.get("number") if isinstance(item, dict) else item
            ctx.problems.add(where, f"{what} entry {expected} must have number: {expected} (got {got!r})",
                             f"{what} の{expected}番目の項目は number: {expected} にしてください（{got!r} と書かれています）",
                             "bad-number")
            continue
        yield item


def _loc(data, rec) -> Location:
    return getattr(data, "location", None) or rec.location


def read_ordinances(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("plan")
    for key, rec in each_record(doc, "ordinances", ctx, required={"name", "source"}, optional={"issuer"}):
        iri = ctx.declare("ordinance", key, rec.location)
        for cls in (KD.Ordinance, SCHEMA.Legislation, IC.文書型):
            graph.add((iri, RDF.type, cls))
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx, extra_predicates=(DCTERMS.title,))
        for ref, where in iter_keys(rec.data, "issuer"):
            graph.add((iri, DCTERMS.creator, ctx.ref("org", ref, where)))
        add_sources(graph, iri, rec.data, ctx)


def read_documents(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("plan")
    for key, rec in each_record(doc, "documents", ctx, required={"name", "source"}, optional={"kind", "issuer"}):
        iri = ctx.declare("document", key, rec.location)
        for cls in (KD.PolicyDocument, IC.文書型, SCHEMA.CreativeWork):
            graph.add((iri, RDF.type, cls))
        add_label(graph, iri, rec.get("name"), rec.loc("name"), ctx, extra_predicates=(DCTERMS.title,))
        add_text(graph, iri, KD.documentKind, rec.get("kind"), rec.loc("kind"), ctx)
        for ref, where in iter_keys(rec.data, "issuer"):
            graph.add((iri, DCTERMS.creator, ctx.ref("org", ref, where)))
        add_sources(graph, iri, rec.data, ctx)
