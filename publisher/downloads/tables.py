"""CSV tables generated from the built RDF by SPARQL, in the 自治体標準オープンデータセット habits.

A table is declared (table_specs.py) as a row pattern binding ?s (and ?o for link tables) plus one graph
pattern per column binding ?v. Each column is one SPARQL query over the built dataset (Oxigraph, in
memory), so the CSV says exactly what the RDF says. Rules (CONVENTIONS.md §4):

- first columns 全国地方公共団体コード, ID, 地方公共団体名; codes kept as text;
- one header row with unique Japanese names; one value per cell (multi-valued relations are link tables;
  a second value where one is expected is reported, and the smallest value is kept);
- blank is not zero: a missing value is an empty cell;
- no line breaks inside a cell: CR, LF, CRLF, U+2028 and U+2029 become one space (stated in the metadata);
- UTF-8 with a BOM (for Excel), CRLF line ends, fields quoted only when they contain a comma, a quote
  or a line break.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field

from rdflib import Dataset
from rdflib.namespace import XSD

from ..vocab import PREFIXES

LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029")
XSD_NAMES = {str(XSD.date): "date", str(XSD.gYear): "gYear", str(XSD.gYearMonth): "gYearMonth",
             str(XSD.integer): "integer", str(XSD.nonNegativeInteger): "nonNegativeInteger",
             str(XSD.boolean): "boolean", str(XSD.anyURI): "anyURI", str(XSD.string): "string"}


@dataclass(frozen=True)
class Column:
    name: str                        # ASCII name: CSVW column name and URI template variable
    ja: str                          # header cell (the CSV's column name)
    en: str
    pattern: str | None = None       # SPARQL binding ?v from the row's ?s / ?o; None: always blank
    value: str = "literal"           # literal | key:<path under base> | local (after #) | iri
    datatype: str = "auto"           # auto (from the data) or a CSVW/XSD datatype name
    property: str | None = None      # propertyUrl (absolute IRI); None: not turned into RDF (suppressOutput)
    value_url: str | None = None     # valueUrl template ({base} and column names)
    about_url: str | None = None     # aboutUrl template overriding the table's
    lang: str | None = None          # default language when the data has none
    note_ja: str = ""
    note_en: str = ""


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    table: str
    reference: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    name: str                        # english name: the file is 172014_<name>.csv
    ja: str
    en: str
    graph: str                       # the dataset (named graph) the table is a view of
    rows: str                        # SPARQL pattern binding ?s (and ?o for link tables)
    row_id: str                      # template for the ID column from the keys: "{s}" or "{s}/{o}"
    keys: tuple[str, ...]            # paths under the base the ?s / ?o IRIs are stripped of
    about_url: str                   # CSVW aboutUrl template (with {base})
    columns: tuple[Column, ...]
    types: tuple[str, ...] = ()      # rdf:type of each row's subject (CSVW virtual columns)
    primary_key: tuple[str, ...] = ("id",)
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def file_name(self) -> str:
        return f"172014_{self.name}.csv"


@dataclass
class BuiltTable:
    """A table's rows, with the datatype and language found for each column in the data."""

    spec: Table
    columns: list[Column]
    rows: list[list[str]]
    datatypes: dict[str, str] = field(default_factory=dict)
    langs: dict[str, str | None] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def csv_bytes(self) -> bytes:
        return write_csv([c.ja for c in self.columns], self.rows)


class TableSource:
    """The built dataset in an in-memory Oxigraph store; the default graph is the union of the graphs."""

    def __init__(self, dataset: Dataset, base: str):
        import pyoxigraph

        self.base = base
        self.store = pyoxigraph.Store()
        self.store.load(dataset.serialize(format="nquads").encode("utf-8"), format=pyoxigraph.RdfFormat.N_QUADS)
        self.prologue = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

    def select(self, where: str, variables: tuple[str, ...]) -> list[dict]:
        query = f"{self.prologue}SELECT DISTINCT {' '.join('?' + v for v in variables)} WHERE {{ {where} }}"
        return [{v: solution[v] for v in variables} for solution in self.store.query(
            query.replace("{base}", self.base), use_default_graph_as_union=True)]


def natural_key(text: str):
    """Sort "1-2-10" after "1-2-9"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def build_table(source: TableSource, spec: Table, fixed: dict[str, str]) -> BuiltTable:
    """Rows of the table: the fixed first columns, then one SPARQL query per column."""
    keyed = {_row_id(spec, source.base, row): row for row in source.select(spec.rows, ("s", "o"))}
    ids = sorted(keyed, key=natural_key)
    built = BuiltTable(spec, list(spec.columns), [])
    cells: dict[str, dict[str, str]] = {}
    for column in spec.columns:
        if column.name in fixed or column.name == "id":
            value = fixed.get(column.name)
            cells[column.name] = {row_id: row_id if value is None else value for row_id in ids}
            built.datatypes[column.name] = "string" if column.datatype == "auto" else column.datatype
            built.langs[column.name] = column.lang
        else:
            cells[column.name] = column_values(source, spec, column, built)
    built.rows = [[cells[c.name].get(row_id, "") for c in spec.columns] for row_id in ids]
    return built


def column_values(source: TableSource, spec: Table, column: Column, built: BuiltTable) -> dict[str, str]:
    if column.pattern is None:
        return {}
    found: dict[str, list] = {}
    for row in source.select(f"{spec.rows} . {column.pattern}", ("s", "o", "v")):
        if row["v"] is not None:
            found.setdefault(_row_id(spec, source.base, row), []).append(row["v"])
    datatypes, langs, values = set(), set(), {}
    for row_id, terms in found.items():
        rendered = sorted({cell_text(term, column, source.base) for term in terms})
        if len(rendered) > 1:
            built.warnings.append(f"{spec.file_name}: {column.ja} has {len(rendered)} values for {row_id}; "
                                  f"kept {rendered[0]!r}")
        values[row_id] = rendered[0]
        for term in terms:
            datatypes.add(term_datatype(term, column))
            langs.add(getattr(term, "language", None))
    built.datatypes[column.name] = resolve_datatype(column, datatypes, spec, built)
    built.langs[column.name] = resolve_lang(column, langs, spec, built)
    return values


def _row_id(spec: Table, base: str, row: dict) -> str:
    keys = {}
    for var, path in zip(("s", "o"), spec.keys):
        term = row.get(var)
        keys[var] = _strip(term.value, base + path) if term is not None else ""
    return spec.row_id.format(**keys)


def _strip(iri: str, prefix: str) -> str:
    return iri[len(prefix):] if iri.startswith(prefix) else iri


def cell_text(term, column: Column, base: str) -> str:
    """The cell for an RDF term: keys for our resources, local names for code lists, literal text."""
    text = term.value
    if column.value.startswith("key:"):
        return _strip(text, base + column.value[4:])
    if column.value == "local":
        return text.rsplit("#", 1)[-1]
    return LINE_BREAKS.sub(" ", text)


def term_datatype(term, column: Column) -> str:
    if column.value != "literal" or not hasattr(term, "datatype"):
        return "anyURI" if column.value == "iri" else "string"
    datatype = getattr(term, "datatype", None)
    return XSD_NAMES.get(datatype.value if datatype is not None else "", "string")


def resolve_datatype(column: Column, found: set, spec: Table, built: BuiltTable) -> str:
    if column.datatype != "auto":
        return column.datatype
    if len(found) > 1:
        built.warnings.append(f"{spec.file_name}: {column.ja} mixes datatypes {sorted(found)}; declared string")
        return "string"
    return next(iter(found), "string")


def resolve_lang(column: Column, found: set, spec: Table, built: BuiltTable) -> str | None:
    tags = {t for t in found if t}
    if len(tags) > 1:
        built.warnings.append(f"{spec.file_name}: {column.ja} mixes languages {sorted(tags)}")
    return sorted(tags)[0] if tags else column.lang


def write_csv(header: list[str], rows: list[list[str]]) -> bytes:
    """UTF-8 with BOM, CRLF, minimal quoting (RFC 4180)."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")
