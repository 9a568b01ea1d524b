"""Plan progress: /plans/<plan-key> shows a plan's tree and, for each measure, what carries it out.

    /plans/<key>            the page: charts, the tree with programs, projects and groups per measure
    /plans/<key>.csv|.json  one row per measure and initiative, with its programs and activity counts

The links and the evidence for them are plans_data's; the charts are charts.py's; the list /plans and
its CSV/JSON are browse's.
"""
from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, Response, render_template

from . import charts
from .browse_model import Column, Listing, Ref, Row, count, facts, texts, tr
from .browse_output import respond
from .browse_lists import project_charts, projects
from .context import rewriter
from .data import labels
from .http import HTTPError, finish
from .plans_data import Activity, Part, activities, initiatives_of, measures_of, plan_tree

bp = Blueprint("plans", __name__)

STATUSES = (
    ("active", {"ja": "事業・制度と採択事業などあり", "en": "Programs with projects or groups"}, "#007A5E"),
    ("program", {"ja": "事業・制度のみ", "en": "Programs only"}, "#8C6D1F"),
    ("none", {"ja": "記録なし", "en": "Nothing recorded"}, "#5E5E5E"),
)
STATUS_LABELS = {key: label for key, label, _c in STATUSES}
KIND_LABELS = {"measure": {"ja": "具体的施策", "en": "Measure"}, "initiative": {"ja": "主な施策の展開", "en": "Initiative"}}
DOER_LABELS = {"project": ("採択事業", "Adopted projects"), "group": ("登録団体", "Registered groups"),
               "event": ("活動", "Activities"), "call": ("募集", "Calls for proposals")}
VIA = {"project": "kd:program", "group": "kd:registeredWith", "event": "kd:program", "call": "kd:program"}


def find_plan(key: str) -> Ref:
    found = facts("?s a kd:Plan .", ["rdfs:label", "kd:edition", "dcterms:source"])
    for iri, f in found.items():
        if iri.rsplit("/", 1)[-1] == key:
            return Ref(iri, texts(f.get("rdfs:label")), key)
    raise HTTPError(404, f"There is no plan with the key {key!r}.", f"キー {key!r} の計画はありません。")


@bp.route("/plans/<name>")
def plan_page(name: str):
    key, _dot, extension = name.partition(".")
    plan = find_plan(key)
    tree = plan_tree(plan.iri)
    acts = activities(plan.iri)
    if extension:
        return respond(progress_listing(plan, tree, acts), extension)
    body = render_template("plan.html", plan=plan, tree=tree, acts=acts, empty=Activity(),
                           charts=plan_charts(tree, acts), doer_labels=DOER_LABELS, via=VIA,
                           status_labels=STATUS_LABELS, links=progress_links(key), rdf=rdf_links(plan.iri),
                           sources=plan_sources(tree, acts, plan), summary=summary(tree, acts))
    return finish(Response(body, mimetype="text/html"))


def summary(tree: Part | None, acts: dict[str, Activity]) -> dict:
    measures = measures_of(tree)
    statuses = [acts.get(m.iri, Activity()).status for m in measures]
    return {"measures": len(measures), **{key: statuses.count(key) for key, _l, _c in STATUSES}}


def plan_charts(tree: Part | None, acts: dict[str, Activity]) -> list[charts.Chart]:
    if tree is None:
        return []
    series = [charts.Series(key, label, color) for key, label, color in STATUSES]
    bars = []
    for policy in tree.children:
        values = {key: 0 for key, _l, _c in STATUSES}
        for direction in policy.children:
            for measure in direction.children:
                values[acts.get(measure.iri, Activity()).status] += 1
        label = {k: f"{policy.notation} {v}" for k, v in policy.label.items()}
        bars.append(charts.Bar(policy.notation, label, values, f"#{policy.anchor}"))
    measures_chart = charts.Chart("chart-measures", {"ja": "基本方針ごとの具体的施策と取り組みの有無",
                                                    "en": "Measures per basic policy, with and without activity"},
                                  series, bars, headers={"ja": "基本方針", "en": "Basic policy"})
    carried = {ref.iri for a in acts.values() for link in a.links for ref in link.doers.get("project", [])}
    rows = [row for row in projects().rows if row.item.iri in carried]
    return [measures_chart, *(project_charts(rows) if rows else [])]


def progress_listing(plan: Ref, tree: Part | None, acts: dict[str, Activity]) -> Listing:
    rows = []
    for part in measures_of(tree) + initiatives_of(tree):
        activity = acts.get(part.iri, Activity())
        programs = [link.program for link in activity.links]
        rows.append(Row(Ref(part.iri, part.label, part.notation), {
            "kind": KIND_LABELS[part.kind], "notation": part.notation,
            "status": STATUS_LABELS[activity.status], "programs": programs,
            "projects": count(activity.count("project")), "groups": count(activity.count("group")),
            "events": count(activity.count("event") + activity.count("call")),
        }, part.sources))
    columns = (Column("kind", "種類", "Kind", "text"), Column("notation", "施策番号", "Number", "plain"),
               Column("status", "取り組みの状況", "Activity", "text"), Column("programs", "事業・制度", "Programs", "refs"),
               Column("projects", "採択事業数", "Adopted projects", "count"),
               Column("groups", "登録団体数", "Registered groups", "count"),
               Column("events", "活動・募集数", "Activities and calls", "count"))
    title = {k: f"{v}: " + ("施策ごとの取り組み" if k == "ja" else "activity per measure") for k, v in plan.label.items()}
    return Listing(f"plans/{plan.key}", title, {}, "plan", columns, rows)


def progress_links(key: str) -> list[dict]:
    return [{"name": "CSV", "type": "text/csv", "href": f"/plans/{key}.csv"},
            {"name": "JSON", "type": "application/json", "href": f"/plans/{key}.json"}]


def rdf_links(plan_iri: str) -> list[dict]:
    """The plan and its parts, and the programs linked to them, as Turtle (a CONSTRUCT on the endpoint)."""
    plan = rewriter().outward(plan_iri)
    query = ("PREFIX kd: <https://w3id.org/kyodo-lod/def#> PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
             f"CONSTRUCT {{ ?s ?p ?o . ?program ?link ?s }} WHERE {{ {{ BIND(<{plan}> AS ?s) ?s ?p ?o }} UNION "
             f"{{ ?s skos:inScheme <{plan}> ; ?p ?o OPTIONAL {{ VALUES ?link {{ kd:implementsMeasure "
             f"kd:realisesInitiative }} ?program ?link ?s }} }} }}")
    return [{"label": tr("計画・施策と、施策を実施する事業・制度（Turtle, SPARQL CONSTRUCT）",
                         "The plan, its parts and the programs that carry them out (Turtle, SPARQL CONSTRUCT)"),
             "href": "/sparql?" + urlencode({"query": query, "format": "turtle"}), "type": "text/turtle"},
            {"label": tr("計画の名前付きグラフ（Turtle）", "The plan named graph (Turtle)"), "href": "/graph/plan.ttl",
             "type": "text/turtle"}]


def plan_sources(tree: Part | None, acts: dict[str, Activity], plan: Ref) -> list[Ref]:
    iris = {s for part in measures_of(tree) + initiatives_of(tree) for s in part.sources}
    iris |= {s for a in acts.values() for link in a.links for s in link.sources}
    iris |= {str(s) for s in facts(f"VALUES ?s {{ <{plan.iri}> }}", ["dcterms:source"]).get(plan.iri, {}).get(
        "dcterms:source", [])}
    names = labels(sorted(iris))
    return [Ref(i, names.get(i, {}), i.rsplit("/", 1)[-1]) for i in sorted(iris)]
