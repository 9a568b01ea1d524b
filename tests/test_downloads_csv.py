"""The CSV tables follow CONVENTIONS.md §4, match their CSVW metadata, and say what the RDF says.

The CSVW check converts each CSV with csv-metadata.json in CSVW "minimal mode" (csv2rdf, W3C
Recommendation §4.6) — implemented here in a few lines, because the `csvw` package on PyPI converts to
JSON only (its rdflib triples drop datatypes and languages) and matches header cells only against
column names or `und` titles — and compares the triples with the RDF dump.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest
import uritemplate
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from publisher.downloads.table_specs import TABLES
from publisher.downloads.tables import LINE_BREAKS
from publisher.vocab import KD

from .conftest import BASE

XSD_TYPES = {"date": XSD.date, "gYear": XSD.gYear, "gYearMonth": XSD.gYearMonth, "integer": XSD.integer,
             "nonNegativeInteger": XSD.nonNegativeInteger, "anyURI": XSD.anyURI, "boolean": XSD.boolean}


@pytest.fixture(scope="module")
def folder(release):
    return release.release_dir / "downloads"


@pytest.fixture(scope="module")
def metadata(folder):
    return json.loads((folder / "csv-metadata.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def rdf(release):
    """Every graph of the dump, as one graph; literals with line breaks normalised as the CSVs do."""
    dataset = Dataset()
    dataset.parse(release.release_dir / "kyodo.nq", format="nquads")
    union = Graph()
    for s, p, o, _g in dataset.quads((None, None, None, None)):
        if isinstance(o, Literal) and LINE_BREAKS.search(str(o)):
            o = Literal(LINE_BREAKS.sub(" ", str(o)), lang=o.language, datatype=o.datatype)
        union.add((s, p, o))
    return union


def read_table(path) -> tuple[list[str], list[list[str]]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf"), f"{path.name} has no BOM"
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    return rows[0], rows[1:]


def table_ids():
    return [t.file_name for t in TABLES]


# --- CONVENTIONS.md §4 ----------------------------------------------------------------------------

@pytest.mark.parametrize("spec", TABLES, ids=table_ids())
def test_table_follows_the_municipal_csv_rules(folder, spec):
    assert re.fullmatch(r"172014_[a-z_]+\.csv", spec.file_name)
    raw = (folder / spec.file_name).read_bytes()
    header, rows = read_table(folder / spec.file_name)
    assert header[:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert len(header) == len(set(header)) and all(header), "column names are unique and complete"
    assert rows, "every table has rows"
    assert all(len(row) == len(header) for row in rows)
    assert {row[0] for row in rows} == {"172014"} and {row[2] for row in rows} == {"金沢市"}
    assert len({row[1] for row in rows}) == len(rows), "IDs are unique"
    assert not any("\n" in cell or "\r" in cell for row in rows for cell in row), "no line breaks in cells"
    assert raw.count(b"\r\n") == len(rows) + 1, "CRLF line ends, one line per row"
    for column in header:
        if column.endswith("_英字") or column.endswith("_カナ") or column.endswith("_和暦"):
            assert column.rsplit("_", 1)[0] in header, f"{column} stands beside its item"


def test_commas_are_quoted_and_blank_is_not_zero(folder):
    text = (folder / "172014_organisations.csv").read_text("utf-8-sig")
    assert '"National Institute of Technology, Ishikawa College"' in text
    header, rows = read_table(folder / "172014_citizen_groups.csv")
    members = header.index("会員数")
    assert sorted({row[members] for row in rows}) == ["", "133"], "no member count is an empty cell, not 0"


def test_dates_are_iso_with_the_wareki_beside_them(folder):
    header, rows = read_table(folder / "172014_projects.csv")
    year, wareki = header.index("年度"), header.index("年度_和暦")
    pairs = {(row[year], row[wareki]) for row in rows if row[year]}
    assert pairs == {("2025", "令和7年度"), ("2024", "令和6年度")}
    header, rows = read_table(folder / "172014_group_events.csv")
    dates = {row[header.index("開催日")]: row[header.index("開催日_和暦")] for row in rows}
    assert dates == {"2025-06-05": "令和7年6月5日", "": ""}


def test_kana_columns_are_blank_because_the_sources_give_no_readings(folder):
    header, rows = read_table(folder / "172014_citizen_groups.csv")
    kana, english = header.index("名称_カナ"), header.index("名称_英字")
    assert {row[kana] for row in rows} == {""}
    assert all(row[english] for row in rows)


# --- CSVW metadata ------------------------------------------------------------------------------

def test_metadata_describes_every_table_with_licence_and_attribution(metadata, folder):
    assert [t["url"] for t in metadata["tables"]] == [t.file_name for t in TABLES]
    assert metadata["dc:license"] == {"@id": "https://creativecommons.org/licenses/by/4.0/"}
    rights = {r["@language"]: r["@value"] for r in metadata["dc:rights"]}
    assert rights["ja"] == f"出典：「金沢市 協働のまちづくりオープンデータ」（金沢市）（{BASE}）"
    notes = {d["@language"]: d["@value"] for d in metadata["dc:description"]}
    assert "BOM" in notes["ja"] and "改行" in notes["ja"], "the encoding, the BOM and line breaks are stated"
    assert "byte order mark" in notes["en"] and "Line breaks" in notes["en"]
    assert metadata["dialect"]["encoding"] == "utf-8"
    for table in metadata["tables"]:
        assert table["dc:license"]["@id"].endswith("/by/4.0/") and table["dc:rights"]


@pytest.mark.parametrize("spec", TABLES, ids=table_ids())
def test_csv_header_matches_its_csvw_columns(folder, metadata, spec):
    table = next(t for t in metadata["tables"] if t["url"] == spec.file_name)
    columns = [c for c in table["tableSchema"]["columns"] if not c.get("virtual")]
    header, _rows = read_table(folder / spec.file_name)
    assert header == [c["titles"]["ja"] for c in columns]
    assert all(c["titles"]["en"] and re.fullmatch(r"[a-z][a-z0-9_]*", c["name"]) for c in columns)
    names = {c["name"] for c in columns}
    keys = table["tableSchema"]["primaryKey"]
    assert set(keys) <= names
    for fk in table["tableSchema"].get("foreignKeys", []):
        assert set(fk["columnReference"]) <= names
        target = next(t for t in metadata["tables"] if t["url"] == fk["reference"]["resource"])
        assert set(fk["reference"]["columnReference"]) <= {c["name"] for c in target["tableSchema"]["columns"]}


# --- CSVW minimal mode -> RDF -----------------------------------------------------------------

def csv_to_rdf(folder, table: dict, subjects: set | None = None) -> Graph:
    """CSVW csv2rdf in minimal mode for the features our metadata uses; `subjects` collects each row's subject."""
    graph = Graph()
    header, rows = read_table(folder / table["url"])
    schema = table["tableSchema"]
    columns = schema["columns"]
    for row in rows:
        values = {c["name"]: row[i] for i, c in enumerate(columns) if not c.get("virtual")}
        bound = {k: v for k, v in values.items() if v != ""}
        default_subject = URIRef(uritemplate.expand(schema["aboutUrl"], bound))
        if subjects is not None:
            subjects.add(default_subject)
        for column in columns:
            value = values.get(column["name"], "")
            if column.get("suppressOutput") or (value == "" and not column.get("virtual")):
                continue
            subject = URIRef(uritemplate.expand(column["aboutUrl"], bound)) if "aboutUrl" in column else default_subject
            predicate = URIRef(uritemplate.expand(column["propertyUrl"], bound))
            if "valueUrl" in column:
                graph.add((subject, predicate, URIRef(uritemplate.expand(column["valueUrl"], bound))))
            elif column.get("datatype", "string") == "string":
                graph.add((subject, predicate, Literal(value, lang=column.get("lang"))))
            else:
                graph.add((subject, predicate, Literal(value, datatype=XSD_TYPES[column["datatype"]])))
    return graph


@pytest.mark.parametrize("spec", TABLES, ids=table_ids())
def test_csvw_conversion_states_only_facts_of_the_rdf(folder, metadata, rdf, spec):
    table = next(t for t in metadata["tables"] if t["url"] == spec.file_name)
    converted = csv_to_rdf(folder, table)
    assert len(converted) > 0
    extra = [t for t in converted if t not in rdf]
    assert not extra, f"{len(extra)} triples from the CSV are not in the RDF, e.g. {extra[:3]}"


@pytest.mark.parametrize("spec", TABLES, ids=table_ids())
def test_csvw_conversion_gives_every_fact_its_columns_cover(folder, metadata, rdf, spec):
    """For the rows' subjects and each property a column states directly, the RDF has no triple the CSV lacks
    (literals compared in the languages the table's columns carry)."""
    table = next(t for t in metadata["tables"] if t["url"] == spec.file_name)
    subjects: set = set()
    converted = csv_to_rdf(folder, table, subjects)
    direct = [c for c in table["tableSchema"]["columns"]
              if "propertyUrl" in c and "aboutUrl" not in c and c["propertyUrl"] != str(RDF.type)]
    for column in direct:
        predicate = URIRef(column["propertyUrl"])
        langs = {c.get("lang") for c in direct if c["propertyUrl"] == column["propertyUrl"]}
        expected = {(s, predicate, o) for s in subjects for o in rdf.objects(s, predicate)
                    if not isinstance(o, Literal) or o.language in langs or o.language is None}
        missing = expected - set(converted)
        assert not missing, f"{column['titles']['ja']}: the CSV lacks {sorted(missing)[:3]}"


def test_project_facts_round_trip_exactly(folder, metadata, rdf):
    """Fiscal year, category, Japanese title and proposers of every project, through CSV and CSVW."""
    converted = Graph()
    for name in ("172014_projects.csv", "172014_project_groups.csv"):
        converted += csv_to_rdf(folder, next(t for t in metadata["tables"] if t["url"] == name))
    projects = set(rdf.subjects(RDF.type, KD.ChallengeProject))
    assert len(projects) == 19
    for predicate, keep in ((KD.fiscalYear, None), (KD.category, None), (KD.proposer, None), (DCTERMS.title, "ja")):
        ours = {(s, o) for s, o in rdf.subject_objects(predicate) if s in projects
                and (keep is None or getattr(o, "language", None) == keep)}
        theirs = {(s, o) for s, o in converted.subject_objects(predicate)
                  if keep is None or getattr(o, "language", None) == keep}
        assert theirs == ours, predicate
    assert (URIRef(BASE + "id/project/r07-birdconnect"), KD.fiscalYear,
            Literal("2025", datatype=XSD.gYear)) in converted
