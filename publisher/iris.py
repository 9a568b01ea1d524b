"""The one place resource IRIs are minted, always from stable keys in data/, never from names.

Layout under the configured base IRI:
    id/<kind>/<key>                      things (groups, projects, org units, programs, plans, ...)
    id/plan/<plan>/<part>/<notation>     plan hierarchy (vision, policy/1, direction/1-2, measure/1-2-3, initiative/1-4)
    id/code/<scheme>[/<key>]             code lists
    graph/<name>                         named graphs (one per dataset)
    doc/<path>                           documents about things (HTML, Turtle, ...)
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from rdflib import URIRef

KEY_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]*$")

# Kinds of keyed resources, and the path segment each is minted under.
KINDS = {
    "group": "group", "event": "event", "project": "project", "org": "org", "program": "program",
    "call": "call", "concept": "concept", "plan": "plan", "ordinance": "ordinance", "document": "document",
    "source": "source", "dataset": "dataset", "category": "code/category",
}
GRAPHS = ("groups", "projects", "organisation", "plan", "catalog")


@dataclass(frozen=True)
class Minter:
    base: str

    def thing(self, kind: str, key: str) -> URIRef:
        return URIRef(f"{self.base}id/{KINDS[kind]}/{key}")

    def plan_part(self, plan_key: str, part: str, notation: str | None = None) -> URIRef:
        tail = f"/{notation}" if notation else ""
        return URIRef(f"{self.base}id/plan/{plan_key}/{part}{tail}")

    def scheme(self, name: str) -> URIRef:
        return URIRef(f"{self.base}id/code/{name}")

    def graph(self, name: str) -> URIRef:
        return URIRef(f"{self.base}graph/{name}")

    def is_ours(self, iri: str) -> bool:
        return iri.startswith(self.base)

    def document_path(self, iri: str) -> str | None:
        """The path of the document about a thing IRI (id/... -> doc/...), or None if not ours."""
        if not iri.startswith(self.base + "id/"):
            return None
        return "doc/" + iri[len(self.base) + 3:]
