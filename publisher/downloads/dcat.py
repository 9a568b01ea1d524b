"""The DCAT 3 catalog of a release: the dataset metadata the build made from data/dataset.yaml, plus the
catalog, a distribution for every file served (with size and SHA-256 of the served bytes), the SPARQL
data service, versions (dcat:version, dcat:hasVersion, dcat:previousVersion) and the licence.

IRIs: the catalog is <base>catalog#catalog, the data service <base>catalog#sparql; a release is
<base>releases/<version>/ and its distributions <base>releases/<version>/catalog.ttl#<file name>. The
download URL of a distribution is the release's own URL (immutable, so its checksum always holds); the
access URL is the downloads page.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from ..iris import Minter
from ..vocab import PREFIXES, SHAPES_IRI
from .files import EU_FILE_TYPE, GZIP, IANA_MEDIA_TYPE, FileEntry
from .meta import DatasetMeta

DCAT3 = Namespace(str(DCAT))   # DCAT 3 terms rdflib's DCAT namespace does not list yet (version, hasVersion, ...)
SPDX = Namespace("http://spdx.org/rdf/terms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
WDRS = Namespace("http://www.w3.org/2007/05/powder-s#")
DQV = Namespace("http://www.w3.org/ns/dqv#")
EU_THEME = "http://publications.europa.eu/resource/authority/data-theme/"
EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
THEMES = ("GOVE", "SOCI")   # Government and public sector; Population and society
CONFORMS = {"csv": "https://www.rfc-editor.org/rfc/rfc4180", "csvw": "http://www.w3.org/ns/csvw",
            "sha256sums": "https://www.gnu.org/software/coreutils/manual/html_node/sha2-utilities.html"}


@dataclass
class ReleaseInfo:
    version: str
    date: str                               # ISO date of the release
    previous: str | None = None
    history: list[tuple[str, str]] = field(default_factory=list)   # (version, date), newest first


def release_iri(base: str, version: str) -> URIRef:
    return URIRef(f"{base}releases/{version}/")


def download_url(base: str, version: str, name: str) -> URIRef:
    return URIRef(f"{base}releases/{version}/{name}")


def distribution_iri(base: str, version: str, name: str) -> URIRef:
    return URIRef(f"{base}releases/{version}/catalog.ttl#{name}")


def catalog_graph(dataset: Dataset, meta: DatasetMeta, entries: list[FileEntry], release: ReleaseInfo) -> Graph:
    graph = Graph()
    for prefix, namespace in {**PREFIXES, "spdx": str(SPDX), "vcard": str(VCARD), "adms": str(ADMS),
                              "wdrs": str(WDRS)}.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    for triple in dataset.graph(Minter(meta.base).graph("catalog")):
        graph.add(triple)
    datasets = [meta.iri] + [part.iri for part in meta.parts.values()]
    add_catalog(graph, meta, datasets, release)
    for iri in datasets:
        add_dataset_facts(graph, meta, iri, release)
    for part in meta.parts.values():
        graph.add((part.iri, DCTERMS.isPartOf, meta.iri))
        graph.add((meta.iri, DCTERMS.hasPart, part.iri))
        for lang, text in part.title.items():
            graph.add((part.iri, DCTERMS.title, Literal(text, lang=lang)))
        for lang, text in part.description.items():
            graph.add((part.iri, DCTERMS.description, Literal(text, lang=lang)))
        add_period(graph, part.iri, part.temporal)
    add_period(graph, meta.iri, meta.temporal)
    add_versions(graph, meta, release)
    for entry in entries:
        if entry.distribution:
            owner = meta.iri if entry.dataset == "all" else meta.parts[entry.dataset].iri
            add_distribution(graph, meta, entry, release, owner)
        elif entry.extra.get("role") == "validation-report":
            add_quality_report(graph, meta, entry, release)
    add_service(graph, meta, datasets)
    add_agents(graph, meta)
    return graph


def add_quality_report(graph: Graph, meta: DatasetMeta, entry: FileEntry, release: ReleaseInfo) -> None:
    """The release's SHACL validation report, as W3C DQV quality metadata of the dataset."""
    report = download_url(meta.base, release.version, entry.name)
    graph.add((meta.iri, DQV.hasQualityMetadata, report))
    graph.add((report, RDF.type, DQV.QualityMetadata))
    for lang, text in entry.title.items():
        graph.add((report, DCTERMS.title, Literal(text, lang=lang)))
    graph.add((report, DCTERMS.format, URIRef(IANA_MEDIA_TYPE + entry.file_kind.media_type)))
    graph.add((report, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/shacl/")))
    graph.add((report, DCTERMS.references, URIRef("https://w3id.org/kyodo-lod/shapes")))


def add_catalog(graph: Graph, meta: DatasetMeta, datasets: list[URIRef], release: ReleaseInfo) -> None:
    catalog = URIRef(f"{meta.base}catalog#catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    for lang, text in meta.title.items():
        graph.add((catalog, DCTERMS.title, Literal(f"{text}{' カタログ' if lang == 'ja' else ' catalog'}", lang=lang)))
    for lang, text in meta.description.items():
        graph.add((catalog, DCTERMS.description, Literal(text, lang=lang)))
    for iri in (*datasets, release_iri(meta.base, release.version)):
        graph.add((catalog, DCAT.dataset, iri))
    graph.add((catalog, DCAT.service, URIRef(f"{meta.base}catalog#sparql")))
    graph.add((catalog, DCAT.themeTaxonomy, URIRef(EU_THEME.rstrip("/"))))
    graph.add((catalog, FOAF.homepage, URIRef(meta.base)))
    graph.add((catalog, DCTERMS.modified, Literal(release.date, datatype=XSD.date)))
    add_common(graph, meta, catalog)


def add_common(graph: Graph, meta: DatasetMeta, subject: URIRef) -> None:
    """Publisher, licence, rights (the 出典 text), languages: the same on catalog, datasets and distributions."""
    if meta.publisher is not None:
        graph.add((subject, DCTERMS.publisher, meta.publisher))
    graph.add((subject, DCTERMS.license, URIRef(meta.license)))
    graph.add((subject, DCTERMS.rights, URIRef(f"{meta.base}catalog#attribution")))
    for code in ("JPN", "ENG"):
        graph.add((subject, DCTERMS.language, URIRef(EU_LANGUAGE + code)))


def add_dataset_facts(graph: Graph, meta: DatasetMeta, iri: URIRef, release: ReleaseInfo) -> None:
    graph.add((iri, RDF.type, DCAT.Dataset))
    add_common(graph, meta, iri)
    if meta.contact is not None:
        graph.add((iri, DCAT.contactPoint, meta.contact))
    for lang, words in meta.keywords.items():
        for word in words:
            graph.add((iri, DCAT.keyword, Literal(word, lang=lang)))
    for theme in THEMES:
        graph.add((iri, DCAT.theme, URIRef(EU_THEME + theme)))
    if meta.issued:
        graph.add((iri, DCTERMS.issued, Literal(meta.issued, datatype=XSD.date)))
    graph.add((iri, DCTERMS.modified, Literal(release.date, datatype=XSD.date)))
    if meta.periodicity:
        graph.add((iri, DCTERMS.accrualPeriodicity, URIRef(meta.periodicity)))
    if meta.spatial:
        graph.add((iri, DCTERMS.spatial, URIRef(meta.spatial)))
    graph.add((iri, DCTERMS.conformsTo, SHAPES_IRI))
    graph.add((iri, DCAT.landingPage, URIRef(f"{meta.base}downloads")))
    graph.add((iri, DCAT3.version, Literal(release.version)))


def add_period(graph: Graph, iri: URIRef, period) -> None:
    if not period:
        return
    node = BNode()
    graph.add((iri, DCTERMS.temporal, node))
    graph.add((node, RDF.type, DCTERMS.PeriodOfTime))
    graph.add((node, DCAT.startDate, Literal(period[0].isoformat(), datatype=XSD.date)))
    graph.add((node, DCAT.endDate, Literal(period[1].isoformat(), datatype=XSD.date)))


def add_versions(graph: Graph, meta: DatasetMeta, release: ReleaseInfo) -> None:
    """Each release is a dataset of its own: a version of the whole dataset, linked to the one before."""
    current = release_iri(meta.base, release.version)
    graph.add((meta.iri, DCAT3.hasCurrentVersion, current))
    versions = release.history or [(release.version, release.date)]
    for index, (version, date) in enumerate(versions):
        iri = release_iri(meta.base, version)
        graph.add((meta.iri, DCAT3.hasVersion, iri))
        graph.add((iri, RDF.type, DCAT.Dataset))
        graph.add((iri, DCAT3.version, Literal(version)))
        graph.add((iri, DCTERMS.isVersionOf, meta.iri))
        graph.add((iri, DCTERMS.issued, Literal(date, datatype=XSD.date)))
        for lang, text in meta.title.items():
            word = "版" if lang == "ja" else "release"
            graph.add((iri, DCTERMS.title, Literal(f"{text}（{word} {version}）" if lang == "ja" else
                                                   f"{text} ({word} {version})", lang=lang)))
        notes = f"{meta.base}releases/{version}/changelog.json"
        graph.add((iri, ADMS.versionNotes, Literal(f"この版での変更: {notes}", lang="ja")))
        graph.add((iri, ADMS.versionNotes, Literal(f"Changes in this release: {notes}", lang="en")))
        graph.add((iri, RDFS.seeAlso, URIRef(f"{meta.base}releases/{version}/changelog.json")))
        if index + 1 < len(versions):
            graph.add((iri, DCAT3.previousVersion, release_iri(meta.base, versions[index + 1][0])))
    if release.previous and len(versions) == 1:
        graph.add((current, DCAT3.previousVersion, release_iri(meta.base, release.previous)))
    add_common(graph, meta, current)


def add_distribution(graph: Graph, meta: DatasetMeta, entry: FileEntry, release: ReleaseInfo,
                     owner: URIRef) -> None:
    base, version = meta.base, release.version
    dist = distribution_iri(base, version, entry.name)
    graph.add((owner, DCAT.distribution, dist))
    if entry.dataset == "all":
        graph.add((release_iri(base, version), DCAT.distribution, dist))
    graph.add((dist, RDF.type, DCAT.Distribution))
    for lang, text in entry.title.items():
        graph.add((dist, DCTERMS.title, Literal(text, lang=lang)))
    graph.add((dist, DCAT.downloadURL, download_url(base, version, entry.name)))
    graph.add((dist, DCAT.accessURL, URIRef(f"{base}downloads")))
    kind = entry.file_kind
    graph.add((dist, DCAT.mediaType, URIRef(IANA_MEDIA_TYPE + kind.media_type)))
    graph.add((dist, DCTERMS.format, URIRef(EU_FILE_TYPE + kind.eu_file_type)))
    if entry.compressed:
        graph.add((dist, DCAT.compressFormat, URIRef(IANA_MEDIA_TYPE + GZIP)))
    graph.add((dist, DCAT.byteSize, Literal(entry.size, datatype=XSD.nonNegativeInteger)))
    checksum = BNode()
    graph.add((dist, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(entry.sha256, datatype=XSD.hexBinary)))
    if entry.first_published:
        graph.add((dist, DCTERMS.issued, Literal(entry.first_published, datatype=XSD.date)))
    if entry.last_changed:
        graph.add((dist, DCTERMS.modified, Literal(entry.last_changed, datatype=XSD.date)))
    if kind.name in CONFORMS:
        graph.add((dist, DCTERMS.conformsTo, URIRef(CONFORMS[kind.name])))
    if kind.name == "csv" and entry.extra.get("describedby"):
        graph.add((dist, WDRS.describedby, download_url(base, version, entry.extra["describedby"])))
    graph.add((dist, DCTERMS.license, URIRef(meta.license)))
    graph.add((dist, DCTERMS.rights, URIRef(f"{base}catalog#attribution")))


def add_service(graph: Graph, meta: DatasetMeta, datasets: list[URIRef]) -> None:
    service = URIRef(f"{meta.base}catalog#sparql")
    graph.add((service, RDF.type, DCAT.DataService))
    graph.add((service, DCTERMS.title, Literal("SPARQL エンドポイント", lang="ja")))
    graph.add((service, DCTERMS.title, Literal("SPARQL endpoint", lang="en")))
    graph.add((service, DCAT.endpointURL, URIRef(f"{meta.base}sparql")))
    graph.add((service, DCAT.endpointDescription, URIRef(f"{meta.base}sparql")))
    graph.add((service, DCTERMS.conformsTo, URIRef("https://www.w3.org/TR/sparql11-protocol/")))
    for iri in datasets:
        graph.add((service, DCAT.servesDataset, iri))
    add_common(graph, meta, service)


def add_agents(graph: Graph, meta: DatasetMeta) -> None:
    """The publisher as a foaf:Agent, the contact point as a vCard, the place, the licence, the 出典 text."""
    if meta.publisher is not None:
        graph.add((meta.publisher, RDF.type, FOAF.Agent))
        for lang, text in meta.publisher_label.items():
            graph.add((meta.publisher, FOAF.name, Literal(text, lang=lang)))
    if meta.contact is not None:
        contact = meta.contact
        graph.add((contact, RDF.type, VCARD.Organization))
        for lang, text in meta.contact_label.items():
            graph.add((contact, VCARD.fn, Literal(text, lang=lang)))
        if meta.contact_email:
            graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{meta.contact_email}")))
        if meta.contact_phone:
            graph.add((contact, VCARD.hasTelephone, URIRef(telephone_uri(meta.contact_phone))))
    if meta.spatial:
        place = URIRef(meta.spatial)
        graph.add((place, RDF.type, DCTERMS.Location))
        graph.add((place, RDFS.label, Literal(meta.municipality, lang="ja")))
    licence = URIRef(meta.license)
    graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
    graph.add((licence, RDFS.label, Literal("CC BY 4.0" if "by/4.0" in meta.license else meta.license)))
    rights = URIRef(f"{meta.base}catalog#attribution")
    graph.add((rights, RDF.type, DCTERMS.RightsStatement))
    for lang, text in meta.attribution.items():
        graph.add((rights, RDFS.label, Literal(text, lang=lang)))


def telephone_uri(phone: str) -> str:
    """076-220-2026 -> tel:+81-76-220-2026 (RFC 3966, Japanese national number)."""
    digits = phone.strip()
    return f"tel:+81-{digits[1:]}" if digits.startswith("0") else f"tel:{digits}"
