"""A Frictionless Tabular Data Package (datapackage.json) describing the same CSV files as csv-metadata.json.

Field names are the CSV headers (Japanese), titles are English; types, primary and foreign keys, sizes
and SHA-256 hashes agree with the files, so `frictionless validate datapackage.json` checks them all.
"""
from __future__ import annotations

from .csvw_meta import FORMAT_NOTE
from .files import FileEntry
from .meta import DatasetMeta
from .tables import BuiltTable, Column

TYPES = {"string": "string", "anyURI": "string", "date": "date", "gYear": "year", "gYearMonth": "yearmonth",
         "integer": "integer", "nonNegativeInteger": "integer", "boolean": "boolean"}
PACKAGE_NAME = "datapackage.json"


def datapackage(tables: list[BuiltTable], files: dict[str, FileEntry], meta: DatasetMeta, version: str) -> dict:
    return {
        "profile": "tabular-data-package",
        "name": meta.key,
        "id": str(meta.iri),
        "title": meta.title.get("ja", ""),
        "description": "\n\n".join(t for t in (meta.description.get("ja"), meta.description.get("en"),
                                               FORMAT_NOTE["ja"], FORMAT_NOTE["en"]) if t),
        "version": version,
        "homepage": meta.base,
        "keywords": [w for lang in ("ja", "en") for w in meta.keywords.get(lang, [])],
        "licenses": [{"name": "CC-BY-4.0", "path": meta.license, "title": "Creative Commons Attribution 4.0"}],
        "contributors": [{"title": meta.publisher_label.get("ja", meta.municipality), "role": "publisher",
                          "path": str(meta.publisher or "")}],
        "sources": [{"title": meta.attribution.get("ja", ""), "path": meta.base}],
        "resources": [resource(t, files[t.spec.file_name], meta) for t in tables],
    }


def resource(built: BuiltTable, entry: FileEntry, meta: DatasetMeta) -> dict:
    spec = built.spec
    names = {c.name: c.ja for c in built.columns}
    schema: dict = {"fields": [field(c, built) for c in built.columns], "missingValues": [""],
                    "primaryKey": [names[n] for n in spec.primary_key]}
    if spec.foreign_keys:
        schema["foreignKeys"] = [
            {"fields": [names[c] for c in fk.columns],
             "reference": {"resource": fk.table, "fields": [_header(fk.table, c) for c in fk.reference]}}
            for fk in spec.foreign_keys]
    return {
        "name": spec.name, "path": spec.file_name, "title": spec.ja, "description": spec.en,
        "profile": "tabular-data-resource", "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
        "bytes": entry.size, "hash": f"sha256:{entry.sha256}",
        "dialect": {"delimiter": ",", "lineTerminator": "\r\n", "quoteChar": '"', "doubleQuote": True,
                    "header": True},
        "licenses": [{"name": "CC-BY-4.0", "path": meta.license}],
        "schema": schema,
    }


def field(column: Column, built: BuiltTable) -> dict:
    datatype = built.datatypes.get(column.name) or "string"
    result: dict = {"name": column.ja, "title": column.en, "type": TYPES.get(datatype, "string")}
    notes = " / ".join(n for n in (column.note_ja, column.note_en) if n)
    if notes:
        result["description"] = notes
    constraints = {}
    if column.name in ("code", "id", "municipality"):
        constraints["required"] = True
    if datatype == "nonNegativeInteger":
        constraints["minimum"] = 0
    if constraints:
        result["constraints"] = constraints
    return result


def _header(table: str, column: str) -> str:
    from .table_specs import BY_NAME

    return next(c.ja for c in BY_NAME[table].columns if c.name == column)
