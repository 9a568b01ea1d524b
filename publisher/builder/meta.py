"""dataset.yaml -> the catalog graph: the dataset's own metadata and the source documents."""
from __future__ import annotations

from rdflib import Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, VOID

from ..errors import Location
from ..iris import GRAPHS
from ..vocab import FOAF, IC, KD, PROV
from .context import BuildContext, add_date, add_fiscal_year, add_label, add_text, iter_keys
from .records import check_fields, each_record

DATASET_FIELDS = {"key", "title", "description", "keywords", "publisher", "contact", "license", "attribution",
                  "derived_attribution", "issued", "accrual_periodicity", "spatial", "graphs"}
SOURCE_OPTIONAL = {"publisher", "fiscal_year", "issued"}


def read_dataset(doc, ctx: BuildContext) -> URIRef | None:
    read_sources(doc, ctx)
    meta = doc.get("dataset") if isinstance(doc, dict) else None
    where = doc.value_location("dataset") if hasattr(doc, "value_location") and "dataset" in doc else Location("?")
    if not isinstance(meta, dict):
        ctx.problems.add(where, "dataset.yaml needs a 'dataset' mapping", "dataset.yaml には dataset の項目が必要です",
                         "missing-field")
        return None
    check_fields(meta, allowed=DATASET_FIELDS, required=DATASET_FIELDS - {"keywords"}, ctx=ctx, fallback=where)
    graph = ctx.graph("catalog")
    iri = ctx.declare("dataset", str(meta.get("key", "dataset")), where)
    for cls in (DCAT.Dataset, VOID.Dataset):
        graph.add((iri, RDF.type, cls))
    loc = meta.value_location if hasattr(meta, "value_location") else (lambda _f: where)
    add_label(graph, iri, meta.get("title"), where, ctx, source_text=False, extra_predicates=(DCTERMS.title,))
    add_text(graph, iri, DCTERMS.description, meta.get("description"), where, ctx, source_text=False)
    with ctx.at(loc("keywords")):
        for lang, words in (meta.get("keywords") or {}).items():
            for word in words or []:
                graph.add((iri, DCAT.keyword, Literal(word, lang=lang)))
    for field, kind, predicate in (("publisher", "org", DCTERMS.publisher), ("contact", "org", DCAT.contactPoint)):
        for ref, ref_where in iter_keys(meta, field):
            graph.add((iri, predicate, ctx.ref(kind, ref, ref_where)))
    for field, predicate in (("license", DCTERMS.license), ("accrual_periodicity", DCTERMS.accrualPeriodicity),
                             ("spatial", DCTERMS.spatial)):
        if meta.get(field):
            with ctx.at(loc(field)):
                graph.add((iri, predicate, URIRef(str(meta[field]))))
    if meta.get("issued") is not None:
        add_date(graph, iri, DCTERMS.issued, meta.get("issued"), loc("issued"), ctx)
    for key, _source_where in ((k, None) for k in ctx.source_keys):
        graph.add((iri, DCTERMS.source, ctx.minter.thing("source", key)))
    for lang in ("ja", "en"):
        for derived, predicate in ((False, KD.attributionText), (True, KD.derivedAttributionText)):
            text = attribution(meta, ctx.minter.base, lang, derived)
            if text:
                graph.add((iri, predicate, Literal(text, lang=lang)))
    read_graph_datasets(graph, iri, meta, where, ctx)
    ctx.dataset_meta = meta
    return iri


def read_graph_datasets(graph, dataset, meta, where: Location, ctx: BuildContext) -> None:
    """One dcat:Dataset per named graph, part of the whole; the catalog graph describes itself too."""
    parts = meta.get("graphs") or {}
    for name in parts:
        if name not in GRAPHS:
            part_where = parts.key_location(name) if hasattr(parts, "key_location") else where
            ctx.problems.add(part_where, f"unknown graph {name!r}; graphs are {', '.join(GRAPHS)}",
                             f"グラフ {name!r} はありません。{'、'.join(GRAPHS)} のいずれかです", "unknown-field")
            continue
        part = ctx.minter.graph(name)
        ctx.tracer.new_record(part, parts.key_location(name) if hasattr(parts, "key_location") else where)
        for cls in (DCAT.Dataset, VOID.Dataset):
            graph.add((part, RDF.type, cls))
        graph.add((dataset, DCTERMS.hasPart, part))
        graph.add((dataset, VOID.subset, part))
        graph.add((part, DCTERMS.isPartOf, dataset))
        info = parts[name] or {}
        add_label(graph, part, info.get("title"), where, ctx, source_text=False, extra_predicates=(DCTERMS.title,))
        add_text(graph, part, DCTERMS.description, info.get("description"), where, ctx, source_text=False)
        if meta.get("license"):
            graph.add((part, DCTERMS.license, URIRef(str(meta["license"]))))


def read_sources(doc, ctx: BuildContext) -> None:
    graph = ctx.graph("catalog")
    required = {"title", "file", "sha256"}
    for key, rec in each_record(doc, "sources", ctx, required=required, optional=SOURCE_OPTIONAL):
        iri = ctx.declare("source", key, rec.location)
        ctx.source_keys.append(key)
        for cls in (KD.SourceDocument, IC.文書型, PROV.Entity, FOAF.Document):
            graph.add((iri, RDF.type, cls))
        add_label(graph, iri, rec.get("title"), rec.loc("title"), ctx, source_text=False,
                  extra_predicates=(DCTERMS.title,))
        with rec.at("file"):
            graph.add((iri, KD.sourceFile, Literal(str(rec.get("file")))))
        sha = str(rec.get("sha256", ""))
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            rec.problem("sha256", "sha256 must be 64 lower-case hex digits", "sha256 は16進の小文字64桁にしてください")
        with rec.at("sha256"):
            graph.add((iri, KD.sha256, Literal(sha)))
        for ref, where in iter_keys(rec.data, "publisher"):
            graph.add((iri, DCTERMS.publisher, ctx.ref("org", ref, where)))
        if rec.get("fiscal_year") is not None:
            add_fiscal_year(graph, iri, rec.get("fiscal_year"), rec.loc("fiscal_year"), ctx)
        if rec.get("issued") is not None:
            add_date(graph, iri, DCTERMS.issued, rec.get("issued"), rec.loc("issued"), ctx)


def attribution(meta: dict, base_url: str, lang: str = "ja", derived: bool = False) -> str:
    """The 出典 text to copy, filled in with the dataset title and the URL it is served from."""
    template = (meta.get("derived_attribution") if derived else meta.get("attribution")) or {}
    title = (meta.get("title") or {}).get(lang, "")
    return str(template.get(lang, "")).format(title=title, url=base_url)
