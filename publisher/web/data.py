"""Small read helpers for pages: SPARQL SELECT answers as Python rows, cached for the release's lifetime."""
from __future__ import annotations

import json

from rdflib import BNode, Literal, URIRef

from ..formats import by_name
from .context import release

JSON = by_name("json")


def select(sparql: str, *, timeout: float = 10.0, max_rows: int = 100_000) -> list[dict]:
    """Rows of {variable: rdflib term}; the same query is answered once per release."""
    current = release()
    key = ("select", sparql)
    if key not in current.cache:
        answer = current.store.query(sparql, result_format=JSON, timeout=timeout, max_rows=max_rows)
        current.cache[key] = [_row(b) for b in json.loads(answer.body)["results"]["bindings"]]
    return current.cache[key]


def _row(binding: dict) -> dict:
    return {name: _term(value) for name, value in binding.items()}


def _term(value: dict):
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    return Literal(value["value"], lang=value.get("xml:lang"), datatype=value.get("datatype"))


def labels(iris: list[str]) -> dict[str, dict[str, str]]:
    """rdfs:label (or skos:prefLabel) of each IRI by language: {iri: {"ja": …, "en": …}}."""
    wanted = sorted({i for i in iris if i})
    if not wanted:
        return {}
    values = " ".join(f"<{i}>" for i in wanted if ">" not in i and " " not in i)
    rows = select("SELECT ?s ?l WHERE { VALUES ?s { %s } "
                  "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } UNION "
                  "{ ?s <http://www.w3.org/2004/02/skos/core#prefLabel> ?l } }" % values)
    result: dict[str, dict[str, str]] = {}
    for row in rows:
        tag = (row["l"].language or "").lower()
        lang = "ja" if tag.startswith("ja") else "en" if tag.startswith("en") else "ja"
        result.setdefault(str(row["s"]), {}).setdefault(lang, str(row["l"]))
    return result
