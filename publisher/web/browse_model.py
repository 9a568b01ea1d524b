"""What a list is made of (items, columns, rows, filters) and how its rows are read from the store.

Shared by the browse lists, the search results and the plan progress table (see browse.py).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable
from urllib.parse import urlencode

from ..textsearch import fold
from ..vocab import KD_NS
from ..vocab import PREFIXES as NAMESPACES
from .context import lang, rewriter
from .data import labels, select

PREFIXES = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in NAMESPACES.items()
                   if p in ("kd", "dcterms", "rdfs", "skos", "schema", "org", "dcat"))


def tr(ja: str, en: str) -> str:
    return ja if lang() == "ja" else en


# --- the things a list is made of --------------------------------------------------------------

@dataclass(frozen=True)
class Ref:
    """A resource shown in a cell: linked to its page (or to `href`), keyed in CSV by `key`."""

    iri: str
    label: dict
    key: str
    href: str | None = None

    @property
    def url(self) -> str:
        return self.href or doc_href(self.iri)


@dataclass(frozen=True)
class Column:
    name: str            # the JSON key
    ja: str              # the CSV header (Japanese, as the standard datasets) and the Japanese heading
    en: str
    kind: str = "text"   # text ({lang: text}), ref, refs, count (int, maybe linked), plain (str)
    in_html: bool = True


@dataclass
class Row:
    item: Ref
    values: dict[str, Any] = field(default_factory=dict)
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Filter:
    name: str
    ja: str
    en: str
    options: tuple[tuple[str, dict], ...]       # (value, label)
    test: Callable[[Row, str], bool]


@dataclass
class Listing:
    name: str                 # URL path and file name
    title: dict
    intro: dict
    graph: str                # the named graph the rows live in
    columns: tuple[Column, ...]
    rows: list[Row]           # every row of the list
    filters: tuple[Filter, ...] = ()
    chosen: dict = field(default_factory=dict)

    @property
    def shown(self) -> list[Row]:
        """The rows every chosen filter lets through."""
        by_name = {f.name: f for f in self.filters}
        return [row for row in self.rows
                if all(by_name[name].test(row, value) for name, value in self.chosen.items())]


# --- reading the data --------------------------------------------------------------------------

def facts(where: str, predicates: list[str]) -> dict[str, dict[str, list]]:
    """{subject: {predicate CURIE: [objects]}} for the subjects matching `where` (binding ?s)."""
    values = " ".join(predicates)
    rows = select(PREFIXES + f"SELECT ?s ?p ?o WHERE {{ {where} VALUES ?p {{ {values} }} ?s ?p ?o }}")
    expanded = {expand(p): p for p in predicates}
    found: dict[str, dict[str, list]] = {}
    for row in select(PREFIXES + f"SELECT DISTINCT ?s WHERE {{ {where} }}"):
        found.setdefault(str(row["s"]), {})
    for row in rows:
        found.setdefault(str(row["s"]), {}).setdefault(expanded[str(row["p"])], []).append(row["o"])
    return found


def expand(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return NAMESPACES[prefix] + local


def texts(literals) -> dict:
    """{ja: …, en: …} from literals tagged ja, en or en-t-ja (the first of each)."""
    found: dict[str, str] = {}
    for literal in literals or []:
        tag = (getattr(literal, "language", None) or "ja").lower()
        found.setdefault("en" if tag.startswith("en") else "ja", str(literal))
    return {k: found[k] for k in ("ja", "en") if k in found}


def sort_key(ref: Ref) -> tuple:
    """Labels in kana order as far as folding gets (katakana with hiragana), then by key."""
    return (fold(ref.label.get("ja", ref.key)), ref.key)


def key_of(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def refs(iris, href: Callable[[str], str | None] | None = None) -> list[Ref]:
    """Refs with labels for IRIs, in label order."""
    iris = [str(i) for i in iris or []]
    names = labels(iris)
    found = [Ref(i, names.get(i, {}), key_of(i), href(i) if href else None) for i in iris]
    return sorted(found, key=sort_key)


def doc_href(iri: str) -> str:
    """Where a thing's page is, in this page's language: ours at /id/… on this host (303 to /doc/…),
    our vocabulary's terms at /def#Term, anything else where it is."""
    if iri.startswith(KD_NS):
        return f"/def?lang={lang()}#{iri[len(KD_NS):]}"
    url = rewriter().local(iri)
    return f"{url}?lang={lang()}" if url.startswith(rewriter().root) else url


def sources_of(rows: list[Row]) -> list[Ref]:
    return refs(sorted({s for row in rows for s in row.sources}))


def city() -> dict:
    """The code and name of the publishing municipality, for the first CSV columns."""
    rows = select(PREFIXES + """SELECT ?code ?name WHERE { ?d a dcat:Dataset ; dcterms:publisher ?c .
        ?c kd:localGovernmentCode ?code ; rdfs:label ?name FILTER(lang(?name) = "ja") } LIMIT 1""")
    return {"code": str(rows[0]["code"]), "name": str(rows[0]["name"])} if rows else {"code": "", "name": ""}



def count(n: int, href: str | None = None) -> dict:
    return {"n": n, "href": href if n else None}


def list_url(name: str, **args) -> str:
    return f"/{name}?" + urlencode({**args, "lang": lang()})
