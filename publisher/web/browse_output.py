"""A list as an HTML page, CSV or JSON: paging, filters from the request, links to the other formats and RDF.

CSV: UTF-8 with a BOM (as the site's downloads, for Excel), CRLF, a header row, one value per cell (several
values: numbered columns, as many as the longest row of the whole list needs, so the columns do not change
with the filters), first columns 全国地方公共団体コード, ID, 地方公共団体名 (CONVENTIONS.md §4).
HTML is paged (?page=, ?per_page=); CSV and JSON hold every matching row.
"""
from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Response, render_template, request

from .browse_model import Column, Filter, Listing, Ref, Row, city, sources_of, tr
from .context import lang, rewriter
from .http import HTTPError, finish

PER_PAGE, MAX_PER_PAGE = 50, 200
LINE_BREAKS = re.compile(r"\r\n|\r|\n|\u2028|\u2029")


# --- paging ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Page:
    rows: list
    number: int
    count: int        # pages
    total: int        # rows
    per_page: int

    def url(self, number: int) -> str:
        args = request.args.to_dict(flat=True)
        args["page"] = str(number)
        return request.path + "?" + urlencode(args)


def paginate(rows: list) -> Page:
    page = int_arg("page", 1, 1, 1_000_000)
    per_page = int_arg("per_page", PER_PAGE, 1, MAX_PER_PAGE)
    count = max(1, -(-len(rows) // per_page))
    if page > count:
        raise HTTPError(404, f"There is no page {page}: this list has {count}.",
                        f"{page}ページはありません（全{count}ページ）。")
    return Page(rows[(page - 1) * per_page:page * per_page], page, count, len(rows), per_page)


def int_arg(name: str, default: int, low: int, high: int) -> int:
    raw = request.args.get(name)
    if raw is None or raw == "":
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise HTTPError(400, f"{name} must be a whole number from {low} to {high} (got {raw!r}).",
                        f"{name} は {low} から {high} までの整数にしてください（{raw!r} が指定されました）。")
    return int(raw)


# --- output ------------------------------------------------------------------------------------

def respond(listing: Listing, extension: str | None, template: str = "browse_list.html", **extra) -> Response:
    """The list as an HTML page, CSV or JSON; the same filters choose the rows."""
    listing.chosen = chosen_filters(listing.filters)
    rows = listing.shown
    if extension == "csv":
        body = csv_bytes(listing.columns, rows, listing.rows)
        response = Response(body, content_type="text/csv; charset=utf-8")
        response.headers["Content-Disposition"] = f'inline; filename="{city()["code"]}_{listing.name.replace("/", "_")}.csv"'
    elif extension == "json":
        response = Response(json.dumps(json_body(listing, rows), ensure_ascii=False, indent=1),
                            content_type="application/json")
        response.vary.add("Accept-Language")      # the attribution text is in the asked-for language
    elif extension is None:
        page = paginate(rows)
        body = render_template(template, listing=listing, page=page, links=format_links(listing.name),
                               rdf=rdf_links(listing.graph, page.rows), sources=sources_of(page.rows), **extra)
        response = Response(body, mimetype="text/html")
    else:
        raise HTTPError(404, f"There is no {request.path}: lists come as .csv or .json.",
                        f"{request.path} はありません。一覧の形式は .csv と .json です。")
    response.headers["Link"] = ", ".join(f'<{link["href"]}>; rel="alternate"; type="{link["type"]}"'
                                         for link in format_links(listing.name)[1:])
    return finish(response)


def chosen_filters(filters: tuple[Filter, ...]) -> dict:
    chosen = {f.name: request.args[f.name].strip() for f in filters if request.args.get(f.name, "").strip()}
    year = chosen.get("year")
    if year is not None and not re.fullmatch(r"\d{4}", year):
        raise HTTPError(400, f"year must be a year such as 2025 (got {year!r}).",
                        f"year は 2025 のような西暦年にしてください（{year!r} が指定されました）。")
    return chosen


def format_links(name: str) -> list[dict]:
    """The list in each format, with this request's filters (not its page)."""
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page", "lang")}
    query = ("?" + urlencode(args)) if args else ""
    html_query = "?" + urlencode({**args, "lang": lang()})
    return [{"name": "HTML", "type": "text/html", "href": f"/{name}{html_query}"},
            {"name": "CSV", "type": "text/csv", "href": f"/{name}.csv{query}"},
            {"name": "JSON", "type": "application/json", "href": f"/{name}.json{query}"}]


def rdf_links(graph: str | None, rows: list) -> list[dict]:
    """The RDF of what a page shows: a CONSTRUCT of exactly its items, and the named graph they are in."""
    items = [row.item.iri for row in rows]
    links = []
    if items:
        values = " ".join(f"<{rewriter().outward(i)}>" for i in items)
        query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {values} }} ?s ?p ?o }}"
        links.append({"label": tr("表示中の項目（Turtle, SPARQL CONSTRUCT）", "The items shown (Turtle, SPARQL CONSTRUCT)"),
                      "href": "/sparql?" + urlencode({"query": query, "format": "turtle"}), "type": "text/turtle"})
    if graph:
        links.append({"label": tr(f"名前付きグラフ {graph}（Turtle）", f"The named graph {graph} (Turtle)"),
                      "href": f"/graph/{graph}.ttl", "type": "text/turtle"})
    return links


def csv_bytes(columns: tuple[Column, ...], rows: list[Row], every_row: list[Row]) -> bytes:
    widths = {c.name: max([len(r.values.get(c.name) or []) for r in every_row] + [1])
              for c in columns if c.kind == "refs"}
    header = ["全国地方公共団体コード", "ID", "地方公共団体名", "名称", "名称_英字", "URI"]
    for column in columns:
        header.extend(csv_headers(column, widths.get(column.name, 1)))
    place = city()
    lines = []
    for row in rows:
        line = [place["code"], row.item.key, place["name"], row.item.label.get("ja", ""),
                row.item.label.get("en", ""), rewriter().local(row.item.iri)]
        for column in columns:
            line.extend(csv_cells(column, row.values.get(column.name), widths.get(column.name, 1)))
        lines.append([LINE_BREAKS.sub(" ", cell) for cell in line])
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(lines)
    return b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8")


def csv_headers(column: Column, width: int) -> list[str]:
    if column.kind == "text":
        return [column.ja, f"{column.ja}_英字"]
    if column.kind == "ref":
        return [f"{column.ja}ID", column.ja, f"{column.ja}_英字"]
    if column.kind == "refs":
        return [h for n in range(1, width + 1) for h in (f"{column.ja}ID_{n}", f"{column.ja}_{n}", f"{column.ja}_英字_{n}")]
    return [column.ja]


def csv_cells(column: Column, value, width: int) -> list[str]:
    if column.kind == "text":
        return [(value or {}).get("ja", ""), (value or {}).get("en", "")]
    if column.kind == "ref":
        return [value.key, value.label.get("ja", ""), value.label.get("en", "")] if value else ["", "", ""]
    if column.kind == "refs":
        cells = [c for ref in (value or []) for c in (ref.key, ref.label.get("ja", ""), ref.label.get("en", ""))]
        return cells + [""] * (3 * width - len(cells))
    if column.kind == "count":
        return [str(value["n"]) if value else ""]
    return ["" if value is None else str(value)]


def json_body(listing: Listing, rows: list[Row]) -> dict:
    from .pages import licence

    return {"title": listing.title, "filters": listing.chosen, "count": len(rows),
            "formats": {link["name"].lower(): link["href"] for link in format_links(listing.name)},
            "license": licence()["url"], "attribution": licence()["attribution"],
            "items": [json_row(listing.columns, row) for row in rows]}


def json_row(columns: tuple[Column, ...], row: Row) -> dict:
    item = {"id": row.item.key, "iri": rewriter().local(row.item.iri), "name": row.item.label}
    for column in columns:
        value = row.values.get(column.name)
        if column.kind == "ref":
            value = json_ref(value) if value else None
        elif column.kind == "refs":
            value = [json_ref(r) for r in value or []]
        elif column.kind == "count":
            value = value["n"] if value else 0
        elif column.kind == "text":
            value = value or None
        item[column.name] = value
    item["sources"] = [rewriter().local(s) for s in row.sources]
    return item


def json_ref(ref: Ref) -> dict:
    return {"id": ref.key, "iri": rewriter().local(ref.iri), "name": ref.label}
