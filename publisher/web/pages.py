"""The landing page, /health, and the licence shown in every page's footer."""
from __future__ import annotations

from flask import Blueprint, Response, jsonify, render_template

from ..vocab import KD
from .context import lang, release, rewriter
from .data import labels, select
from .http import finish

bp = Blueprint("pages", __name__, static_folder="static", static_url_path="/static")

COUNTED_CLASSES = (
    ("CitizenGroup", "市民団体", "citizen groups", "group"),
    ("ChallengeProject", "採択事業", "adopted projects", "project"),
    ("Division", "協働した市の課など", "city divisions", "org"),
    ("Program", "事業・制度", "programs", "program"),
    ("Plan", "計画", "plans", "plan"),
    ("Measure", "具体的施策", "plan measures", None),
)


def dataset_info() -> dict:
    """Title, description, licence, attribution and contact of the dataset, from the catalog graph."""
    rows = select("""
        PREFIX dcterms: <http://purl.org/dc/terms/> PREFIX dcat: <http://www.w3.org/ns/dcat#>
        PREFIX kd: <https://w3id.org/kyodo-lod/def#> PREFIX ic: <http://imi.go.jp/ns/core/rdf#>
        SELECT ?d ?p ?o ?phone ?email WHERE {
          ?d a dcat:Dataset ; dcterms:hasPart ?part ; ?p ?o .
          FILTER(?p IN (dcterms:title, dcterms:description, dcterms:license, kd:attributionText, dcat:contactPoint))
          OPTIONAL { ?d dcat:contactPoint/ic:連絡先 ?c . OPTIONAL { ?c ic:電話番号 ?phone } OPTIONAL { ?c ic:Eメールアドレス ?email } }
        }""")
    info: dict = {"title": {}, "description": {}, "attribution": {}}
    names = {str(KD.attributionText): "attribution", "http://purl.org/dc/terms/title": "title",
             "http://purl.org/dc/terms/description": "description"}
    for row in rows:
        info["iri"] = str(row["d"])
        key = names.get(str(row["p"]))
        if key:
            info[key][(row["o"].language or "en")[:2]] = str(row["o"])
        elif str(row["p"]).endswith("license"):
            info["license"] = str(row["o"])
        elif str(row["p"]).endswith("contactPoint"):
            info["contact_iri"] = str(row["o"])
        for field in ("phone", "email"):
            if row.get(field) is not None:
                info[field] = str(row[field])
    return info


def licence() -> dict:
    """What every footer shows: the licence, and the 出典 text with this site's URL."""
    info = dataset_info()
    attribution = info["attribution"].get(lang()) or info["attribution"].get("ja", "")
    return {"url": info.get("license", ""), "name": "CC BY 4.0" if "by/4.0" in info.get("license", "") else
            info.get("license", ""), "attribution": rewriter().outward(attribution)}


@bp.app_context_processor
def _footer():
    try:
        return {"licence": licence()}
    except Exception:  # the footer must never break an error page
        return {"licence": None}


def class_counts() -> list[dict]:
    rows = select("PREFIX kd: <https://w3id.org/kyodo-lod/def#> SELECT ?c (COUNT(DISTINCT ?s) AS ?n) "
                  "WHERE { ?s a ?c . FILTER(STRSTARTS(STR(?c), STR(kd:))) } GROUP BY ?c")
    found = {str(r["c"]).rsplit("#", 1)[1]: int(r["n"]) for r in rows}
    return [{"label": ja if lang() == "ja" else en, "count": found.get(name, 0), "kind": kind}
            for name, ja, en, kind in COUNTED_CLASSES]


@bp.route("/")
def landing():
    current = release()
    info = dataset_info()
    contact = info.get("contact_iri", "")
    body = render_template("landing.html", info=info, counts=class_counts(), manifest=current.manifest,
                           dataset_url=rewriter().local(info.get("iri", "")), contact_url=rewriter().local(contact),
                           contact_label=labels([contact]).get(contact, {}))
    return finish(Response(body, mimetype="text/html"))


@bp.route("/health")
def health():
    current = release()
    response = jsonify(status="ok", version=current.version, quads=current.manifest.get("quads"))
    response.headers["Cache-Control"] = "no-store"
    return response
