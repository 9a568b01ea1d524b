"""CSV on the Web metadata (csv-metadata.json): what each column of each CSV means, as RDF.

One TableGroup describes every table; each CSV is served with `Link: <csv-metadata.json>; rel="describedby"`.
Column titles are in Japanese (the header) and English; datatypes come from the data; aboutUrl,
propertyUrl and valueUrl templates say which triple a cell stands for, so that a CSVW processor in
minimal mode turns the CSVs back into the triples of the RDF dumps (columns with no single triple behind
them — nested values such as an address, or readings the sources do not give — are suppressOutput).
"""
from __future__ import annotations

from .meta import DatasetMeta
from .tables import BuiltTable, Column, Table

CSVW_CONTEXT = "http://www.w3.org/ns/csvw"
METADATA_NAME = "csv-metadata.json"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

FORMAT_NOTE = {
    "ja": "文字コードは UTF-8（BOM 付き、Excel で開けるように）、改行コードは CRLF です。1行目が見出しで、"
          "空欄は値がないことを表します（0 ではありません）。セル内の改行は半角スペース1つに置き換えています。"
          "日付は西暦（ISO 8601）で、出典が和暦で書いている場合は「_和暦」の列にその表記を残しています。",
    "en": "Encoding UTF-8 with a byte order mark (so that Excel opens the files correctly), CRLF line ends. Row 1 "
          "is the header; an empty cell means no value (not zero). Line breaks inside a value are replaced by one "
          "space. Dates are ISO 8601; where a source wrote a Japanese-era date, the text as written is in the "
          "column ending in _和暦.",
}


def lang_values(texts: dict) -> list[dict]:
    return [{"@value": text, "@language": lang} for lang, text in sorted(texts.items()) if text]


def fill(template: str | None, base: str, city_iri: str) -> str | None:
    if template is None:
        return None
    return template.replace("{base}", base).replace("{city_iri}", city_iri)


def csvw_metadata(tables: list[BuiltTable], meta: DatasetMeta) -> dict:
    return {
        "@context": [CSVW_CONTEXT, {"@language": "ja"}],
        "dc:title": lang_values(meta.title),
        "dc:description": lang_values(FORMAT_NOTE),
        "dc:publisher": {"schema:name": meta.publisher_label.get("ja", meta.municipality),
                         "schema:url": {"@id": str(meta.publisher or meta.municipality_iri)}},
        "dc:license": {"@id": meta.license},
        "dc:rights": lang_values(meta.attribution),
        "cc:attributionName": meta.publisher_label.get("ja", meta.municipality),
        "cc:attributionURL": {"@id": meta.base},
        "dc:source": {"@id": str(meta.iri)},
        "dialect": {"encoding": "utf-8", "lineTerminators": ["\r\n"], "header": True, "headerRowCount": 1,
                    "doubleQuote": True, "trim": False, "skipBlankRows": False},
        "tables": [table_metadata(table, meta) for table in tables],
    }


def table_metadata(built: BuiltTable, meta: DatasetMeta) -> dict:
    spec = built.spec
    city = str(meta.municipality_iri or "")
    columns = [column_metadata(c, built, meta.base, city) for c in built.columns]
    columns += [{"name": f"type{i}", "virtual": True, "propertyUrl": RDF_TYPE, "valueUrl": cls}
                for i, cls in enumerate(spec.types, start=1)]
    schema = {"aboutUrl": fill(spec.about_url, meta.base, city), "columns": columns,
              "primaryKey": list(spec.primary_key)}
    if spec.foreign_keys:
        schema["foreignKeys"] = [
            {"columnReference": list(fk.columns),
             "reference": {"resource": f"172014_{fk.table}.csv", "columnReference": list(fk.reference)}}
            for fk in spec.foreign_keys]
    return {"url": spec.file_name, "dc:title": lang_values({"ja": spec.ja, "en": spec.en}),
            "dc:license": {"@id": meta.license}, "dc:rights": lang_values(meta.attribution),
            "dc:isPartOf": {"@id": str(meta.parts[spec.graph].iri) if spec.graph in meta.parts else str(meta.iri)},
            "tableSchema": schema}


def column_metadata(column: Column, built: BuiltTable, base: str, city: str) -> dict:
    datatype = built.datatypes.get(column.name) or ("string" if column.datatype == "auto" else column.datatype)
    result: dict = {"name": column.name, "titles": {"ja": column.ja, "en": column.en}, "datatype": datatype}
    if column.name in built.spec.primary_key or column.name in ("code", "id", "municipality"):
        result["required"] = True
    lang = built.langs.get(column.name) or column.lang
    if lang and datatype == "string" and column.value == "literal":
        result["lang"] = lang
    notes = {"ja": column.note_ja, "en": column.note_en}
    if any(notes.values()):
        result["dc:description"] = lang_values(notes)
    if column.property is None:
        result["suppressOutput"] = True
        return result
    result["propertyUrl"] = column.property
    for key, template in (("valueUrl", column.value_url), ("aboutUrl", column.about_url)):
        if template:
            result[key] = fill(template, base, city)
    return result


def header_of(spec: Table) -> list[str]:
    return [c.ja for c in spec.columns]
