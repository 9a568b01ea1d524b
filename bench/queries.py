"""The query mix: researchers' questions over the synthetic data, and the pages and dumps people fetch.

Every query runs on every engine. `kind` groups them for the targets: "cheap" (lookups), "aggregate",
"join", "search", "describe". The resources named exist at every size (bench.generate numbers them).
"""
from __future__ import annotations

from dataclasses import dataclass

BASE = "https://data.example.jp/kyodo/"
PREFIXES = """PREFIX kd: <https://w3id.org/kyodo-lod/def#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX org: <http://www.w3.org/ns/org#>
PREFIX ic: <http://imi.go.jp/ns/core/rdf#>
"""


@dataclass(frozen=True)
class Query:
    name: str
    kind: str
    text: str

    @property
    def form(self) -> str:
        return "graph" if self.text.lstrip().upper().startswith(("DESCRIBE", "CONSTRUCT")) else "select"

    @property
    def accept(self) -> str:
        return "text/turtle" if self.form == "graph" else "application/sparql-results+json"


QUERIES = [
    Query("lookup", "cheap", f"SELECT ?p ?o WHERE {{ <{BASE}id/group/g000042> ?p ?o }}"),
    Query("label", "cheap", f'SELECT ?label WHERE {{ <{BASE}id/project/p000042-1> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}'),
    Query("year-category-counts", "aggregate", PREFIXES + """SELECT ?year ?category (COUNT(DISTINCT ?project) AS ?projects)
WHERE { ?project a kd:ChallengeProject ; kd:fiscalYear ?year ; kd:category/skos:prefLabel ?category .
  FILTER(lang(?category) = "ja") }
GROUP BY ?year ?category ORDER BY DESC(?year) ?category"""),
    Query("measures-with-project-counts", "aggregate", PREFIXES + """SELECT ?measure ?label (COUNT(DISTINCT ?project) AS ?projects)
WHERE { ?measure a kd:Measure ; skos:prefLabel ?label . FILTER(lang(?label) = "ja")
  OPTIONAL { ?program kd:implementsMeasure ?measure . ?project kd:program ?program } }
GROUP BY ?measure ?label ORDER BY DESC(?projects)"""),
    Query("bureau-join-counts", "join", PREFIXES + """SELECT ?bureau (COUNT(DISTINCT ?project) AS ?projects) (COUNT(DISTINCT ?group) AS ?groups)
WHERE { ?project a kd:ChallengeProject ; kd:proposer ?group ; kd:partnerDivision ?division .
  ?division org:unitOf/rdfs:label ?bureau . ?group kd:registeredWith ?registration . FILTER(lang(?bureau) = "ja") }
GROUP BY ?bureau ORDER BY ?bureau"""),
    Query("three-way-join", "join", PREFIXES + """SELECT ?project ?title ?groupName ?divisionName
WHERE { ?project kd:proposer ?group ; kd:partnerDivision ?division ; rdfs:label ?title .
  ?group rdfs:label ?groupName . ?division rdfs:label ?divisionName .
  FILTER(lang(?title) = "ja" && lang(?groupName) = "ja" && lang(?divisionName) = "ja") }
ORDER BY ?project LIMIT 100"""),
    Query("search-ja", "search", PREFIXES + """SELECT ?resource ?name
WHERE { ?resource rdfs:label ?name . FILTER(lang(?name) = "ja" && CONTAINS(?name, "金沢子ども食堂")) }
ORDER BY ?name LIMIT 200"""),
    Query("describe", "describe", f"DESCRIBE <{BASE}id/group/g000042>"),
]

# Pages of kyodo-lod (engines without pages are compared on the query that gives the same data).
PAGES = [
    ("doc-html", "page", "/doc/group/g000042.html", "text/html", "lookup"),
    ("doc-ttl", "page", "/doc/group/g000042.ttl", "text/turtle", "describe"),
    ("dump-plan-nt", "dump", "/graph/plan.nt", "application/n-triples", None),
]
PROBE = "ASK { ?s ?p ?o }"
