"""One search box across names, titles and descriptions, in Japanese and English.

    /search?q=さばい[&kind=group]        results as a page (ranked, linked, with the matched words marked)
    /search.json?q=…   /search.csv?q=…    the same results as data

The index (publisher.textsearch) is built once per release from the store and kept in release().cache:
labels and alternative names, titles and subtitles, descriptions and plan contents, in ja and en, and for
projects the names of their groups ("related"). Folding and ranking are textsearch's.
"""
from __future__ import annotations

import json

from flask import Blueprint, Response, render_template, request

from ..textsearch import Document, Hit, Index
from ..vocab import KD_NS
from .browse_model import PREFIXES, Column, Ref, Row, city, key_of, sources_of
from .browse_output import csv_bytes, format_links, json_row, paginate, rdf_links
from .context import release
from .data import select
from .http import HTTPError, finish

bp = Blueprint("search", __name__)

MAX_QUERY = 200

# Class (local name in kd:) -> (kind, ja, en), most specific first: a resource shows as its first kind.
KINDS = (
    ("CitizenGroup", "group", "団体", "Group"), ("ChallengeProject", "project", "採択事業", "Adopted project"),
    ("Program", "program", "事業・制度", "Program"), ("Activity", "event", "活動", "Activity"),
    ("CallForProposals", "call", "募集", "Call for proposals"), ("Category", "category", "部門", "Category"),
    ("Plan", "plan", "計画", "Plan"), ("Vision", "vision", "将来像", "Vision"),
    ("BasicPolicy", "policy", "基本方針", "Basic policy"), ("PolicyDirection", "direction", "施策の方向性", "Policy direction"),
    ("Measure", "measure", "具体的施策", "Measure"), ("Initiative", "initiative", "主な施策の展開", "Initiative"),
    ("Division", "org", "組織", "Organisation"), ("Bureau", "org", "組織", "Organisation"),
    ("Municipality", "org", "組織", "Organisation"), ("Council", "org", "組織", "Organisation"),
    ("Secretariat", "org", "組織", "Organisation"), ("School", "org", "組織", "Organisation"),
    ("SupportBody", "org", "組織", "Organisation"), ("Facility", "org", "組織", "Organisation"),
    ("Ordinance", "ordinance", "条例", "Ordinance"), ("PolicyDocument", "document", "文書", "Document"),
    ("SourceDocument", "source", "出典文書", "Source document"),
)
KIND_LABELS = {kind: {"ja": ja, "en": en} for _c, kind, ja, en in KINDS}
FIELDS = {
    "label": "rdfs:label skos:prefLabel",
    "alt": "schema:alternateName kd:formerName dcterms:title kd:subtitle skos:notation kd:groupNameAtAdoption",
    "description": "schema:description kd:content skos:definition kd:background kd:purpose kd:aim",
}
TIERS = {"exact": ("名称が一致", "Name matches exactly"), "substring": ("を含む", "contains the words"),
         "partial": ("の一部が一致", "partly matches")}
FIELD_NAMES = {"label": ("名称", "Name"), "alt": ("別名・題名", "Other name or title"),
               "related": ("関係する団体", "Related group"), "description": ("説明", "Description")}
COLUMNS = (Column("kind", "種類", "Kind", "text"), Column("score", "順位の点", "Score", "plain"),
           Column("field", "一致した項目", "Matched field", "plain"), Column("excerpt", "一致した箇所", "Match", "plain"))


def index() -> Index:
    """The release's search index, built on first use."""
    cache = release().cache
    if "search-index" not in cache:
        cache["search-index"] = build_index()
    return cache["search-index"]


def build_index() -> Index:
    classes = " ".join(f"kd:{cls}" for cls, *_ in KINDS)
    types: dict[str, str] = {}
    order = {cls: i for i, (cls, *_rest) in enumerate(KINDS)}
    for row in select(PREFIXES + f"SELECT ?s ?t WHERE {{ VALUES ?t {{ {classes} }} ?s a ?t }}"):
        cls = str(row["t"])[len(KD_NS):]
        current = types.get(str(row["s"]))
        if current is None or order[cls] < order[current]:
            types[str(row["s"])] = cls
    documents = {iri: Document(iri, payload={"kind": dict((c, k) for c, k, *_ in KINDS)[cls]})
                 for iri, cls in types.items()}
    for field_name, iri, literal in index_texts():
        if iri in documents:
            tag = (literal.language or "ja").lower()
            documents[iri].add(field_name, "en" if tag.startswith("en") else "ja", str(literal))
    return Index(list(documents.values()))


def index_texts():
    unions = " UNION ".join(f"{{ VALUES ?p {{ {preds} }} ?s ?p ?v BIND(\"{name}\" AS ?f) }}"
                            for name, preds in FIELDS.items())
    related = "{ ?s kd:proposer/rdfs:label ?v BIND(\"related\" AS ?f) }"
    for row in select(PREFIXES + f"SELECT ?s ?f ?v WHERE {{ {unions} UNION {related} FILTER(isLiteral(?v)) }}"):
        yield str(row["f"]), str(row["s"]), row["v"]


def search(query: str, kind: str | None = None) -> list[Hit]:
    accept = (lambda doc: doc.payload["kind"] == kind) if kind else None
    return index().search(query, accept=accept)


def result(hit: Hit) -> dict:
    """What a page shows of one hit: the thing, its kind, why it matched and where."""
    doc = hit.document
    label = {t.lang: t.text for t in reversed(doc.texts) if t.field == "label"}
    best = hit.best
    before, matched, after = best.text.excerpt(best.term)
    ja, en = TIERS[best.tier]
    field_ja, field_en = FIELD_NAMES.get(best.text.field, (best.text.field, best.text.field))
    why = ({"ja": ja, "en": en} if best.tier == "exact"
           else {"ja": f"{field_ja}{'が' if best.tier == 'partial' else ''}{ja}", "en": f"{field_en} {en}"})
    return {"ref": Ref(doc.key, label, key_of(doc.key)), "kind": doc.payload["kind"], "score": round(hit.score, 1),
            "why": why, "field": best.text.field, "lang": best.text.lang, "excerpt": (before, matched, after)}


def as_row(found: dict) -> Row:
    before, matched, after = found["excerpt"]
    return Row(found["ref"], {"kind": KIND_LABELS[found["kind"]], "score": found["score"],
                              "field": found["field"], "excerpt": before + matched + after})


def json_item(found: dict) -> dict:
    item = {k: v for k, v in json_row(COLUMNS, as_row(found)).items() if k != "sources"}
    return {**item, "why": found["why"]}


def read_query() -> tuple[str, str | None]:
    query = request.args.get("q", "").strip()
    if len(query) > MAX_QUERY:
        raise HTTPError(400, f"The search words are too long (at most {MAX_QUERY} characters).",
                        f"検索語が長すぎます（{MAX_QUERY}文字まで）。")
    kind = request.args.get("kind") or None
    if kind is not None and kind not in KIND_LABELS:
        raise HTTPError(400, f"Unknown kind {kind!r}; use one of {', '.join(sorted(KIND_LABELS))}.",
                        f"種類 {kind!r} はありません。{'、'.join(sorted(KIND_LABELS))} のいずれかにしてください。")
    return query, kind


@bp.route("/search", defaults={"extension": None})
@bp.route("/search.<extension>")
def search_page(extension: str | None):
    query, kind = read_query()
    results = [result(hit) for hit in search(query, kind)] if query else []
    if extension == "json":
        body = {"query": query, "kind": kind, "count": len(results),
                "items": [json_item(r) for r in results]}
        return finish(Response(json.dumps(body, ensure_ascii=False, indent=1), content_type="application/json"))
    if extension == "csv":
        rows = [as_row(r) for r in results]
        response = Response(csv_bytes(COLUMNS, rows, rows), content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'inline; filename="{city()["code"]}_search.csv"'
        return finish(response)
    if extension is not None:
        raise HTTPError(404, f"There is no {request.path}: search results come as .csv or .json.",
                        f"{request.path} はありません。検索結果の形式は .csv と .json です。")
    page = paginate(results)
    rows = [as_row(r) for r in page.rows]
    kinds = sorted({k for _c, k, *_ in KINDS}, key=lambda k: [kk for _c, kk, *_ in KINDS].index(k))
    body = render_template("search.html", query=query, kind=kind, kinds=[(k, KIND_LABELS[k]) for k in kinds], kind_labels=KIND_LABELS,
                           page=page, links=format_links("search") if query else [], rdf=rdf_links(None, rows),
                           sources=sources_of_results(page.rows), size=len(index()))
    return finish(Response(body, mimetype="text/html"))


def sources_of_results(results: list[dict]) -> list[Ref]:
    """The source documents of the results shown (read once per release for every resource)."""
    every = select(PREFIXES + "SELECT DISTINCT ?s ?src WHERE { ?s dcterms:source ?src }")
    by_item: dict[str, list[str]] = {}
    for row in every:
        by_item.setdefault(str(row["s"]), []).append(str(row["src"]))
    return sources_of([Row(r["ref"], sources=tuple(by_item.get(r["ref"].iri, ()))) for r in results])
