"""The dataset's own metadata, read back from the catalog graph the build made from data/dataset.yaml.

Nothing here reads YAML: titles, descriptions, keywords, licence, attribution, publisher and contact are
taken from the built RDF, so the downloads, the catalog and the pages say what the data says.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, XSD

from ..iris import GRAPHS, Minter
from ..vocab import IC, KD

FISCAL_YEAR_PREDICATES = {KD.fiscalYear, KD.memberCountFiscalYear, KD.plannedOpeningFiscalYear}
# Graphs dataset.yaml does not describe (the catalog graph describes the dataset itself).
DEFAULT_PART_TEXT = {
    "catalog": ({"ja": "メタデータと出典文書", "en": "Metadata and source documents"},
                {"ja": "データセットの説明と、データを書き起こした出典文書。",
                 "en": "The description of the dataset and the source documents the data was transcribed from."}),
}


@dataclass
class PartMeta:
    name: str                 # graph name: groups, projects, ...
    iri: URIRef               # the named graph's IRI, also the dcat:Dataset describing it
    title: dict
    description: dict
    temporal: tuple[dt.date, dt.date] | None = None


@dataclass
class DatasetMeta:
    iri: URIRef
    key: str
    base: str
    title: dict
    description: dict
    keywords: dict[str, list[str]]
    license: str
    attribution: dict
    derived_attribution: dict
    publisher: URIRef | None
    publisher_label: dict
    contact: URIRef | None
    contact_label: dict
    contact_phone: str = ""
    contact_email: str = ""
    issued: str = ""
    periodicity: str = ""
    spatial: str = ""
    code: str = ""            # 全国地方公共団体コード of the municipality
    municipality: str = ""    # its name in Japanese
    municipality_iri: URIRef | None = None
    parts: dict[str, PartMeta] = field(default_factory=dict)
    temporal: tuple[dt.date, dt.date] | None = None

    def part_title(self, name: str) -> dict:
        return self.parts[name].title if name in self.parts else {"ja": name, "en": name}


def texts(graph: Graph, subject, predicate) -> dict:
    """{"ja": ..., "en": ...} from language-tagged literals (en-t-ja counts as en)."""
    found: dict[str, str] = {}
    for value in sorted(graph.objects(subject, predicate)):
        if isinstance(value, Literal):
            tag = (value.language or "ja").lower()
            found.setdefault("ja" if tag.startswith("ja") else "en" if tag.startswith("en") else tag, str(value))
    return found


def read_meta(dataset: Dataset, base: str) -> DatasetMeta:
    minter = Minter(base)
    catalog = dataset.graph(minter.graph("catalog"))
    union = union_graph(dataset)
    iri = next(s for s in catalog.subjects(DCTERMS.hasPart, None) if (s, RDF.type, DCAT.Dataset) in catalog)
    keywords: dict[str, list[str]] = {}
    for word in sorted(catalog.objects(iri, DCAT.keyword)):
        keywords.setdefault((word.language or "ja")[:2], []).append(str(word))
    publisher = catalog.value(iri, DCTERMS.publisher)
    contact = catalog.value(iri, DCAT.contactPoint)
    meta = DatasetMeta(
        iri=iri, key=str(iri).rstrip("/").rsplit("/", 1)[-1], base=base,
        title=texts(catalog, iri, DCTERMS.title), description=texts(catalog, iri, DCTERMS.description),
        keywords=keywords, license=str(catalog.value(iri, DCTERMS.license) or ""),
        attribution=texts(catalog, iri, KD.attributionText),
        derived_attribution=texts(catalog, iri, KD.derivedAttributionText),
        publisher=publisher, publisher_label=texts(union, publisher, RDFS.label) if publisher else {},
        contact=contact, contact_label=texts(union, contact, RDFS.label) if contact else {},
        issued=str(catalog.value(iri, DCTERMS.issued) or ""),
        periodicity=str(catalog.value(iri, DCTERMS.accrualPeriodicity) or ""),
        spatial=str(catalog.value(iri, DCTERMS.spatial) or ""))
    add_contact_details(meta, union)
    add_municipality(meta, union)
    for name in GRAPHS:
        part = minter.graph(name)
        title, description = DEFAULT_PART_TEXT.get(name, ({"ja": name, "en": name}, {}))
        meta.parts[name] = PartMeta(name, part, texts(catalog, part, DCTERMS.title) or title,
                                    texts(catalog, part, DCTERMS.description) or description,
                                    temporal_coverage(dataset.graph(part)))
    meta.temporal = merge_periods(p.temporal for p in meta.parts.values())
    return meta


def union_graph(dataset: Dataset) -> Graph:
    union = Graph()
    for graph in dataset.graphs():
        for triple in graph:
            union.add(triple)
    return union


def add_contact_details(meta: DatasetMeta, union: Graph) -> None:
    if meta.contact is None:
        return
    for node in union.objects(meta.contact, IC.連絡先):
        meta.contact_phone = meta.contact_phone or str(union.value(node, IC.電話番号) or "")
        meta.contact_email = meta.contact_email or str(union.value(node, IC.Eメールアドレス) or "")


def add_municipality(meta: DatasetMeta, union: Graph) -> None:
    """The municipality: the organisation with a 全国地方公共団体コード (the publisher, when it has one)."""
    candidates = sorted(union.subject_objects(KD.localGovernmentCode))
    chosen = next(((s, o) for s, o in candidates if s == meta.publisher), candidates[0] if candidates else None)
    if chosen:
        meta.municipality_iri, code = chosen
        meta.code = str(code)
        meta.municipality = texts(union, meta.municipality_iri, RDFS.label).get("ja", "")


def literal_period(literal: Literal, predicate) -> tuple[dt.date, dt.date] | None:
    """The days a date-like literal covers: a day, a month, a calendar year or a fiscal year (April-March)."""
    text, kind = str(literal), literal.datatype
    try:
        if kind == XSD.date:
            day = dt.date.fromisoformat(text[:10])
            return day, day
        if kind == XSD.gYearMonth:
            year, month = int(text[:4]), int(text[5:7])
            following = dt.date(year + month // 12, month % 12 + 1, 1)
            return dt.date(year, month, 1), following - dt.timedelta(days=1)
        if kind == XSD.gYear:
            year = int(text[:4])
            if predicate in FISCAL_YEAR_PREDICATES:
                return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)
            return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        return None
    return None


def temporal_coverage(graph: Graph) -> tuple[dt.date, dt.date] | None:
    """From the earliest to the latest date the data speaks of; metadata about datasets is left out."""
    metadata = set(graph.subjects(RDF.type, DCAT.Dataset))
    periods = [literal_period(o, p) for s, p, o in graph
               if isinstance(o, Literal) and o.datatype in (XSD.date, XSD.gYear, XSD.gYearMonth)
               and s not in metadata]
    return merge_periods(periods)


def merge_periods(periods) -> tuple[dt.date, dt.date] | None:
    found = [p for p in periods if p]
    if not found:
        return None
    return min(p[0] for p in found), max(p[1] for p in found)
