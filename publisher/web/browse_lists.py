"""The lists of /browse, read from the store: which rows, which columns, which filters.

Each function returns a browse.Listing of every row; browse.respond applies the request's filters, so
the HTML page, the CSV and the JSON of one URL always hold the same rows.
"""
from __future__ import annotations

from . import charts
from .browse_model import (PREFIXES, Column, Filter, Listing, Ref, Row, count, facts, key_of, list_url, refs,
                           sort_key, texts)
from .context import lang
from .data import labels, select

SOURCE = "dcterms:source"


def incoming_counts(predicate: str, target: str) -> dict[str, int]:
    """{object: number of subjects} for `?s <predicate> ?o` where ?o matches `target`."""
    rows = select(PREFIXES + f"SELECT ?o (COUNT(DISTINCT ?s) AS ?n) WHERE {{ {target} ?s {predicate} ?o }} GROUP BY ?o")
    return {str(r["o"]): int(r["n"]) for r in rows}


def sources(found: dict) -> tuple[str, ...]:
    return tuple(sorted(str(s) for s in found.get(SOURCE, [])))


def item(iri: str, found: dict) -> Ref:
    return Ref(iri, texts(found.get("rdfs:label")), key_of(iri))


def first(values: list[Ref]) -> Ref | None:
    return values[0] if values else None


def plan_part_ref(iri: str) -> Ref:
    """A measure or initiative: labelled with its number, linked to its place on the plan's progress page."""
    tail = iri.split("/id/plan/", 1)[1]                       # plan-2016/measure/2-3-3
    plan, part, notation = tail.split("/")
    label = labels([iri]).get(iri, {})
    return Ref(iri, {k: f"{notation} {v}" for k, v in label.items()}, tail,
               f"/plans/{plan}?lang={lang()}#{part}-{notation}")


# --- groups ------------------------------------------------------------------------------------

def groups() -> Listing:
    found = facts("?s a kd:CitizenGroup .", ["rdfs:label", "schema:description", "kd:legalForm",
                                            "kd:registeredWith", SOURCE])
    proposed = incoming_counts("kd:proposer", "?o a kd:CitizenGroup .")
    rows = [Row(item(iri, f), {
        "legal_form": first(refs(f.get("kd:legalForm"))),
        "registered_with": refs(f.get("kd:registeredWith")),
        "projects": count(proposed.get(iri, 0), list_url("projects", group=key_of(iri))),
        "description": texts(f.get("schema:description")),
    }, sources(f)) for iri, f in found.items()]
    rows.sort(key=lambda r: sort_key(r.item))
    registrations = options(rows, "registered_with")
    return Listing("groups", {"ja": "市民団体", "en": "Citizen groups"},
                   {"ja": "出典に名前のある市民団体です。登録制度への登録と、チャレンジ事業の採択事業の数を示します。",
                    "en": "The citizen groups the sources name, with their registrations and their adopted projects."},
                   "groups", (
                       Column("legal_form", "法人格", "Legal form", "ref"),
                       Column("registered_with", "登録", "Registered with", "refs"),
                       Column("projects", "採択事業数", "Adopted projects", "count"),
                       Column("description", "説明", "Description", "text", in_html=False),
                   ), rows, (Filter("registered", "登録", "Registered with", registrations,
                                    lambda row, v: any(r.key == v for r in row.values["registered_with"])),))


def options(rows: list[Row], column: str) -> tuple[tuple[str, dict], ...]:
    """(key, label) of every value a column takes in the rows, once each, in label order."""
    seen: dict[str, Ref] = {}
    for row in rows:
        value = row.values.get(column)
        for ref in value if isinstance(value, list) else [value] if value else []:
            seen.setdefault(ref.key, ref)
    return tuple((ref.key, ref.label) for ref in sorted(seen.values(), key=sort_key))


# --- projects ----------------------------------------------------------------------------------

def projects() -> Listing:
    found = facts("?s a kd:ChallengeProject .", [
        "rdfs:label", "kd:subtitle", "kd:fiscalYear", "kd:fiscalYearWareki", "dcterms:date", "kd:dateWareki",
        "kd:category", "kd:proposer", "kd:partnerDivision", "kd:program", SOURCE])
    rows = [project_row(iri, f) for iri, f in found.items()]
    rows.sort(key=lambda r: (-int(r.values["sort_year"] or 0), r.values["category"].key if r.values["category"] else "~",
                             r.item.key))
    years = tuple((str(y), when_label(fiscal, str(y))) for y, fiscal in
                  sorted({(r.values["sort_year"], bool(r.values["fiscal_year"])) for r in rows}, reverse=True) if y)
    return Listing("projects", {"ja": "採択事業", "en": "Adopted projects"},
                   {"ja": "協働のまちづくりチャレンジ事業などに採択された事業です。年度・部門・協働した課・事業・団体で絞り込めます。",
                    "en": "Projects adopted by the Challenge Program and others. Filter by year, category, partner "
                          "division, program or group."},
                   "projects", (
                       Column("when", "年度", "Year", "text"),
                       Column("fiscal_year", "年度_西暦", "Fiscal year", "plain", in_html=False),
                       Column("year", "年", "Calendar year", "plain", in_html=False),
                       Column("category", "部門", "Category", "ref"),
                       Column("groups", "提案団体", "Groups", "refs"),
                       Column("divisions", "協働した課", "Partner division", "refs"),
                       Column("program", "事業", "Program", "ref"),
                       Column("subtitle", "副題", "Subtitle", "text", in_html=False),
                   ), rows, project_filters(rows, years))


def project_row(iri: str, f: dict) -> Row:
    fiscal = str(f["kd:fiscalYear"][0]) if f.get("kd:fiscalYear") else None
    calendar = str(f["dcterms:date"][0])[:4] if f.get("dcterms:date") else None
    wareki = texts(f.get("kd:fiscalYearWareki") or f.get("kd:dateWareki")).get("ja")
    when = when_label(bool(fiscal), fiscal or calendar or "", wareki)
    return Row(item(iri, f), {
        "when": when if (fiscal or calendar) else {}, "fiscal_year": fiscal, "year": None if fiscal else calendar,
        "sort_year": fiscal or calendar, "category": first(refs(f.get("kd:category"))),
        "groups": refs(f.get("kd:proposer")), "divisions": refs(f.get("kd:partnerDivision")),
        "program": first(refs(f.get("kd:program"))), "subtitle": texts(f.get("kd:subtitle")),
    }, sources(f))


def when_label(fiscal: bool, year: str, wareki: str | None = None) -> dict:
    if fiscal:
        return {"ja": f"{wareki}（{year}）" if wareki else f"{year}年度", "en": f"FY{year}"}
    return {"ja": f"{year}年", "en": year}


def project_filters(rows: list[Row], years) -> tuple[Filter, ...]:
    def has(column):
        def test(row, value):
            found = row.values.get(column)
            return any(r.key == value for r in (found if isinstance(found, list) else [found] if found else []))
        return test

    return (Filter("year", "年度", "Year", years, lambda row, v: row.values["sort_year"] == v),
            Filter("category", "部門", "Category", options(rows, "category"), has("category")),
            Filter("division", "協働した課", "Partner division", options(rows, "divisions"), has("divisions")),
            Filter("program", "事業", "Program", options(rows, "program"), has("program")),
            Filter("group", "提案団体", "Group", options(rows, "groups"), has("groups")))


def project_charts(rows: list[Row]) -> list[charts.Chart]:
    """Projects per year by category, and per partner division, for the rows given."""
    found: dict[str, list] = {}
    for row in rows:
        if row.values["category"]:
            found.setdefault(row.values["category"].key, [row.values["category"], 0])[1] += 1
    categories = [ref for ref, n in sorted(found.values(), key=lambda rn: (-rn[1], rn[0].key))]
    none = {"ja": "部門の記載なし", "en": "No category given"}
    keys = [c.key for c in categories] + ["none"]
    palette = charts.colors(keys)
    series = [charts.Series(c.key, c.label, palette[c.key]) for c in categories]
    series.append(charts.Series("none", none, palette["none"]))
    by_year: dict[str, dict] = {}
    labels_by_year: dict[str, dict] = {}
    for row in rows:
        year = row.values["sort_year"] or "?"
        labels_by_year[year] = row.values["when"] or {"ja": "不明", "en": "Unknown"}
        key = row.values["category"].key if row.values["category"] else "none"
        by_year.setdefault(year, {}).setdefault(key, 0)
        by_year[year][key] += 1
    bars = [charts.Bar(y, labels_by_year[y], by_year[y], list_url("projects", year=y))
            for y in sorted(by_year, reverse=True)]
    per_year = charts.Chart("chart-category-year", {"ja": "年度・部門ごとの採択事業数", "en": "Adopted projects by year and category"},
                            series, bars, headers={"ja": "年度", "en": "Year"})
    return [per_year, division_chart(rows)]


def division_chart(rows: list[Row]) -> charts.Chart:
    counted: dict[str, list] = {}
    for row in rows:
        for division in row.values["divisions"]:
            counted.setdefault(division.key, [division, 0])[1] += 1
    series = [charts.Series("projects", {"ja": "採択事業", "en": "Adopted projects"}, charts.PALETTE[0])]
    bars = [charts.Bar(key, ref.label, {"projects": n}, list_url("projects", division=key))
            for key, (ref, n) in sorted(counted.items(), key=lambda kv: (-kv[1][1], kv[1][0].label.get("ja", "")))]
    without = sum(1 for row in rows if not row.values["divisions"])
    note = {"ja": f"協働した課の記載がない採択事業: {without}件", "en": f"Adopted projects with no partner division given: {without}"}
    return charts.Chart("chart-divisions", {"ja": "協働した課ごとの採択事業数", "en": "Adopted projects by partner division"},
                        series, bars, note, headers={"ja": "課", "en": "Division"})


# --- divisions, programs, plans ----------------------------------------------------------------

def divisions() -> Listing:
    found = facts("?s a kd:Division .", ["rdfs:label", "org:unitOf", SOURCE])
    partnered = incoming_counts("kd:partnerDivision", "?o a kd:Division .")
    rows = [Row(item(iri, f), {
        "unit_of": first(refs(f.get("org:unitOf"))),
        "projects": count(partnered.get(iri, 0), list_url("projects", division=key_of(iri))),
    }, sources(f)) for iri, f in found.items()]
    rows.sort(key=lambda r: (-r.values["projects"]["n"], sort_key(r.item)))
    return Listing("divisions", {"ja": "市の課", "en": "City divisions"},
                   {"ja": "市の課と、協働で取り組んだ採択事業の数です。", "en": "The city's divisions and the adopted projects they partnered on."},
                   "organisation", (Column("unit_of", "上位組織", "Part of", "ref"),
                                    Column("projects", "協働した採択事業数", "Projects partnered", "count")), rows)


def programs() -> Listing:
    found = facts("?s a kd:Program .", ["rdfs:label", "schema:description", "kd:operatedBy", "kd:implementsMeasure",
                                       "kd:realisesInitiative", SOURCE])
    projects_of = incoming_counts("kd:program", "?o a kd:Program . ?s a kd:ChallengeProject .")
    registered = incoming_counts("kd:registeredWith", "?o a kd:Program .")
    rows = [Row(item(iri, f), {
        "operated_by": first(refs(f.get("kd:operatedBy"))),
        "measures": sorted((plan_part_ref(str(m)) for m in f.get("kd:implementsMeasure", [])), key=lambda r: r.key),
        "initiatives": sorted((plan_part_ref(str(m)) for m in f.get("kd:realisesInitiative", [])), key=lambda r: r.key),
        "projects": count(projects_of.get(iri, 0), list_url("projects", program=key_of(iri))),
        "groups": count(registered.get(iri, 0), list_url("groups", registered=key_of(iri))),
        "description": texts(f.get("schema:description")),
    }, sources(f)) for iri, f in found.items()]
    rows.sort(key=lambda r: (-r.values["projects"]["n"] - r.values["groups"]["n"], sort_key(r.item)))
    return Listing("programs", {"ja": "事業・制度", "en": "Programs"},
                   {"ja": "市の協働の事業・制度と、それが実施する計画の施策、採択事業・登録団体の数です。",
                    "en": "The city's collaboration programs, the plan measures they carry out, and their projects and "
                          "registered groups."},
                   "projects", (Column("operated_by", "運営", "Operated by", "ref"),
                                Column("measures", "実施する具体的施策", "Measures carried out", "refs"),
                                Column("initiatives", "主な施策の展開", "Initiatives", "refs"),
                                Column("projects", "採択事業数", "Adopted projects", "count"),
                                Column("groups", "登録団体数", "Registered groups", "count"),
                                Column("description", "説明", "Description", "text", in_html=False)), rows)


def plans() -> Listing:
    found = facts("?s a kd:Plan .", ["rdfs:label", "kd:edition", "dcterms:issued", "kd:dateWareki", "kd:status",
                                    "dcterms:replaces", SOURCE])
    periods = {str(r["s"]): r for r in select(PREFIXES + """SELECT ?s ?start ?end WHERE { ?s a kd:Plan ;
        dcterms:temporal ?t . OPTIONAL { ?t dcat:startDate ?start } OPTIONAL { ?t dcat:endDate ?end } }""")}
    measures = incoming_counts("skos:inScheme", "?o a kd:Plan . ?s a kd:Measure .")
    rows = []
    for iri, f in found.items():
        period = periods.get(iri, {})
        rows.append(Row(item(iri, f), {
            "edition": texts(f.get("kd:edition")), "adopted": str(f["dcterms:issued"][0]) if f.get("dcterms:issued") else None,
            "adopted_wareki": texts(f.get("kd:dateWareki")).get("ja"),
            "period_start": str(period["start"]) if period.get("start") else None,
            "period_end": str(period["end"]) if period.get("end") else None,
            "status": first(refs(f.get("kd:status"))), "replaces": first(refs(f.get("dcterms:replaces"))),
            "measures": count(measures.get(iri, 0), f"/plans/{key_of(iri)}?lang={lang()}"),
        }, sources(f)))
    rows.sort(key=lambda r: r.values["adopted"] or "9999")
    return Listing("plans", {"ja": "計画", "en": "Plans"},
                   {"ja": "協働推進計画です。具体的施策の数から、施策ごとの取り組みの進み具合のページへ移れます。",
                    "en": "The collaboration promotion plans. The number of measures leads to the page on how each "
                          "measure is being carried out."},
                   "plan", (Column("edition", "版", "Edition", "text"),
                            Column("adopted", "策定年月", "Adopted", "plain"),
                            Column("adopted_wareki", "策定年月_和暦", "Adopted (Japanese era)", "plain", in_html=False),
                            Column("period_start", "計画期間_開始日", "Period start", "plain"),
                            Column("period_end", "計画期間_終了日", "Period end", "plain"),
                            Column("status", "状況", "Status", "ref"),
                            Column("replaces", "前計画", "Replaces", "ref"),
                            Column("measures", "具体的施策数（進み具合）", "Measures (progress)", "count")), rows)


LISTS = {"groups": groups, "projects": projects, "divisions": divisions, "programs": programs, "plans": plans}
