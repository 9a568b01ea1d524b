"""The SPARQL 1.1 endpoint at /sparql: the Protocol for queries, the query page and the example queries.

- GET ``?query=``, POST form (``query=``) and POST ``application/sparql-query``, with ``default-graph-uri``
  and ``named-graph-uri``; updates are refused (403) and never reach the store.
- The answer format comes from ``?format=`` (first value we know), else from Accept; a browser (text/html)
  gets the answer as an HTML table. GET answers are cacheable (ETag, Last-Modified); POST answers are not.
- GET without a query: the query page for a browser, the Service Description for an RDF client.
- The query is rewritten from this host to the configured base before it runs, and the answer back
  (see context.Rewriter), so the IRIs in an answer dereference here.

Example queries are ``publisher/queries/<name>.rq``. Each starts with ``# key: value`` lines (order,
title-ja, title-en, description-ja, description-en) and writes data IRIs under EXAMPLE_BASE, which is
replaced by the configured base and then shown as this host's IRIs.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from werkzeug.datastructures import CombinedMultiDict, MIMEAccept
from werkzeug.http import parse_accept_header

from ..formats import Format, by_name, formats_for, lookup, negotiate
from ..store import QueryRefused, StoreError
from ..store.scan import scan
from ..vocab import PREFIXES
from . import service_description
from .context import host_root, release, rewriter
from .http import HTTPError, finish

bp = Blueprint("sparql", __name__)

FORM, DIRECT, UPDATE = "application/x-www-form-urlencoded", "application/sparql-query", "application/sparql-update"
HTML = "html"
HTML_ROWS = 1000
QUERY_TEXT_NAMES = ("rq", "sparql", DIRECT)
EXAMPLES_DIR = Path(__file__).resolve().parent.parent / "queries"
EXAMPLE_BASE = "https://data.example.jp/kyodo/"


@dataclass(frozen=True)
class Protocol:
    """One protocol request: the query (None when absent), the dataset and the asked-for formats."""

    query: str | None
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    formats: tuple[str, ...] = ()
    cacheable: bool = True


@dataclass(frozen=True)
class Example:
    name: str
    order: int
    title: dict
    description: dict
    text: str  # the query, without its header, IRIs under EXAMPLE_BASE


# --- routes ------------------------------------------------------------------------------------

@bp.route("/sparql", methods=["GET", "POST"])
def endpoint():
    proto = read_protocol()
    if proto.query is None:
        return without_query(proto)
    return answer(proto)


@bp.route("/sparql/examples")
def example_index():
    return redirect(url_for("sparql.endpoint", **request.args) + "#examples")


@bp.route("/sparql/examples/<name>")
def example(name: str):
    found = examples().get(name)
    if found is None:
        raise HTTPError(404, f"There is no example query named {name!r}.", f"例 {name!r} はありません。")
    values = tuple(request.args.getlist("format"))
    if any(v.strip().lower() in QUERY_TEXT_NAMES for v in values):
        return finish(Response(shown_text(found), content_type=f"{DIRECT}; charset=utf-8"))
    if values:
        return answer(Protocol(shown_text(found), formats=values), found)
    page = render_template("sparql_example.html", example=found, query=shown_text(found),
                           links=example_links(found), **page_context())
    return finish(Response(page, mimetype="text/html"))


# --- reading the request -----------------------------------------------------------------------

def read_protocol() -> Protocol:
    refuse_update(request.args)
    if request.method != "POST":
        return protocol_from(request.args, single_query(request.args), cacheable=True)
    if request.mimetype == UPDATE:
        raise update_refused()
    if request.mimetype == FORM:
        params = CombinedMultiDict([request.args, form_fields()])
        refuse_update(params)
        return protocol_from(params, require_query(single_query(params)), cacheable=False)
    if request.mimetype == DIRECT:
        if "query" in request.args:
            raise doubled_query(2)
        return protocol_from(request.args, require_query(direct_body()), cacheable=False)
    raise HTTPError(415, f"Unsupported Content-Type {request.mimetype or '(none)'!r}: POST the query as {FORM} "
                         f"(query=…) or as {DIRECT}.",
                    f"Content-Type {request.mimetype or '（なし）'!r} は受け付けません。クエリは {FORM}（query=…）"
                    f"か {DIRECT} で POST してください。")


def protocol_from(params, query: str | None, *, cacheable: bool) -> Protocol:
    def values(name: str) -> tuple[str, ...]:
        return tuple(v for v in params.getlist(name) if v.strip())

    return Protocol(query, values("default-graph-uri"), values("named-graph-uri"), values("format"), cacheable)


def single_query(params) -> str | None:
    values = params.getlist("query")
    if len(values) > 1:
        raise doubled_query(len(values))
    return values[0] if values else None


def require_query(query: str | None) -> str:
    if query is None:
        raise missing_query()
    return query


def form_fields():
    """The form's fields; a body that is not UTF-8 is refused (werkzeug would drop every field unsaid)."""
    try:
        request.get_data(cache=True).decode("utf-8")
    except UnicodeDecodeError:
        raise HTTPError(400, f"The form is not valid UTF-8 text: {FORM} bodies are read as UTF-8.",
                        f"フォームが UTF-8 の文字列として読めません。{FORM} の本文は UTF-8 で送ってください。") from None
    return request.form


def direct_body() -> str:
    charset = request.mimetype_params.get("charset", "utf-8")
    try:
        return request.get_data(cache=False).decode(charset)
    except (UnicodeDecodeError, LookupError):
        raise HTTPError(400, f"The query is not valid {charset} text.",
                        f"クエリが {charset} の文字列として読めません。") from None


def refuse_update(params) -> None:
    if "update" in params:
        raise update_refused()


def update_refused() -> HTTPError:
    return HTTPError(403, "This endpoint is read-only: SPARQL Update is not accepted, and nothing was changed.",
                     "このエンドポイントは読み取り専用です。SPARQL Update は受け付けず、何も変更していません。")


def missing_query() -> HTTPError:
    return HTTPError(400, "Missing query: give one SPARQL query as ?query=… (GET), as the form field query "
                          f"(POST {FORM}) or as the body (POST {DIRECT}).",
                     f"クエリがありません。SPARQL クエリを ?query=…（GET）、フォームの query 項目（POST {FORM}）、"
                     f"または本文（POST {DIRECT}）でひとつ送ってください。")


def doubled_query(count: int) -> HTTPError:
    return HTTPError(400, f"The query parameter was given {count} times; give exactly one query.",
                     f"query パラメーターが{count}回指定されています。クエリはひとつだけ送ってください。")


# --- answering ---------------------------------------------------------------------------------

def answer(proto: Protocol, example: Example | None = None) -> Response:
    text = rewriter().inward(proto.query)
    info = checked(lambda: release().store.analyze(text), text)
    choice = choose_format(info.kind, proto.formats)
    if choice is None:
        run(proto, text, formats_for(info.kind)[0], 0)  # only the engine finds syntax errors; they come first
        raise not_acceptable(f"a {info.form} query", info.kind, proto.formats)
    if choice == HTML:
        response = results_page(proto, text, info, example)
    else:
        result = run(proto, text, choice, settings().max_rows)
        response = Response(rewriter().outward_bytes(result.body), content_type=result.media_type)
        flag_truncation(response, result, settings().max_rows)
    return cached(response, proto)


def without_query(proto: Protocol) -> Response:
    """The query page for a browser, the Service Description for an RDF client."""
    if proto.default_graphs or proto.named_graphs:
        raise missing_query()
    choice = choose_format("graph", proto.formats)
    if choice == HTML:
        page = render_template("sparql.html", examples=sorted_examples(), query="", **page_context())
        return finish(Response(page, mimetype="text/html"), negotiated=True)
    if choice is None:
        if choose_format("select", proto.formats) is not None:
            raise missing_query()
        raise not_acceptable("the service description", "graph", proto.formats)
    body = service_description.document(release(), choice, settings())
    return finish(Response(rewriter().outward_bytes(body), content_type=choice.content_type), negotiated=True)


def choose_format(kind: str, values: tuple[str, ...]) -> Format | str | None:
    """?format= (the first value we know) beats Accept; a browser's Accept gets the HTML table."""
    for value in values:
        if value.strip().lower() in (HTML, "text/html"):
            return HTML
        found = lookup(value, kind)
        if found is not None:
            return found
    if values:
        return None
    return by_accept(kind, request.headers.get("Accept", ""))


@lru_cache(maxsize=256)  # clients send few distinct Accept headers; parsing and matching one costs ~40 µs
def by_accept(kind: str, accept: str) -> Format | str | None:
    parsed = parse_accept_header(accept, MIMEAccept)
    offered = [t for f in formats_for(kind) for t in (f.media_type, *f.aliases)]
    if parsed.best_match(offered + ["text/html"]) == "text/html":
        return HTML
    return negotiate(parsed, kind)


def run(proto: Protocol, text: str, fmt: Format, max_rows: int):
    inward = rewriter().inward
    return checked(lambda: release().store.query(
        text, result_format=fmt, timeout=settings().query_timeout, max_rows=max_rows,
        default_graph_uris=[inward(g) for g in proto.default_graphs],
        named_graph_uris=[inward(g) for g in proto.named_graphs]), text)


def checked(call, text: str):
    """The store's answer; its errors as HTTP errors (updates and SERVICE are refused with 403)."""
    try:
        return call()
    except StoreError as exc:
        status, headers = exc.http_status, {}
        if isinstance(exc, QueryRefused) and refused_by_policy(text):
            status = 403
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
        raise HTTPError(status, exc.en, exc.ja, headers=headers) from None


def refused_by_policy(text: str) -> bool:
    found = scan(text)
    return found is not None and bool(found.update_keywords or found.uses_service)


def not_acceptable(what: str, kind: str, values: tuple[str, ...]) -> HTTPError:
    asked = ", ".join(values) or request.headers.get("Accept", "")
    offered = ", ".join([f.media_type for f in formats_for(kind)] + ["text/html"])
    names = ", ".join([f.name for f in formats_for(kind)] + [HTML])
    return HTTPError(406, f"Cannot answer {what} as {asked}. Available: {offered} (Accept), or ?format= {names}.",
                     f"{asked} では応答できません。使える形式: {offered}（Accept）、または ?format= {names}。")


def flag_truncation(response: Response, result, max_rows: int) -> None:
    if result.truncated:
        response.headers["X-SPARQL-MaxRows"] = str(max_rows)
        response.headers["X-Kyodo-Truncated"] = "true"


def cached(response: Response, proto: Protocol) -> Response:
    if proto.cacheable:
        return finish(response, negotiated=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def settings():
    return current_app.config["KYODO_SETTINGS"]


def endpoint_url() -> str:
    return host_root() + "sparql"


# --- the HTML answer ---------------------------------------------------------------------------

def results_page(proto: Protocol, text: str, info, example: Example | None) -> Response:
    fmt = by_name("ntriples" if info.kind == "graph" else "json")
    max_rows = min(HTML_ROWS, settings().max_rows)
    result = run(proto, text, fmt, max_rows)
    prefixes = shown_prefixes(info.prefixes)
    table = result_table(rewriter().outward_bytes(result.body), info.kind, prefixes)
    links = example_links(example) if example else download_links(proto, info.kind)
    page = render_template("sparql_results.html", query=proto.query, info=info, result=result, table=table,
                           links=links, example=example, proto=proto, **page_context())
    response = Response(page, mimetype="text/html")
    flag_truncation(response, result, max_rows)
    return response


def result_table(body: bytes, kind: str, prefixes: dict[str, str]) -> dict:
    """{"boolean": b} for ASK, else {"columns": [...], "rows": [[cell, ...], ...]}."""
    if kind == "graph":
        import rdflib

        graph = rdflib.Graph().parse(data=body, format="nt")
        rows = [[rdflib_cell(term, prefixes) for term in triple] for triple in sorted(graph)]
        return {"columns": ["subject", "predicate", "object"], "rows": rows}
    data = json.loads(body)
    if "boolean" in data:
        return {"boolean": data["boolean"]}
    columns = data["head"].get("vars", [])
    rows = [[json_cell(b.get(v), prefixes) for v in columns] for b in data["results"]["bindings"]]
    return {"columns": columns, "rows": rows}


def json_cell(term: dict | None, prefixes: dict[str, str]) -> dict | None:
    if term is None:
        return None
    kind, value = term["type"], term["value"]
    if kind == "uri":
        linkable = value.startswith(("http://", "https://"))
        return {"text": shorten(value, prefixes), "href": value if linkable else None}
    if kind == "bnode":
        return {"text": f"_:{value}"}
    if kind == "triple":
        return {"text": "<< " + " ".join(json_cell(value[k], prefixes)["text"]
                                         for k in ("subject", "predicate", "object")) + " >>"}
    if "xml:lang" in term:
        return {"text": value, "lang": term["xml:lang"], "note": "@" + term["xml:lang"]}
    return {"text": value, "note": "^^" + shorten(term["datatype"], prefixes) if "datatype" in term else ""}


def rdflib_cell(term, prefixes: dict[str, str]) -> dict:
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return json_cell({"type": "uri", "value": str(term)}, prefixes)
    if isinstance(term, BNode):
        return json_cell({"type": "bnode", "value": str(term)}, prefixes)
    found = {"type": "literal", "value": str(term)}
    if term.language:
        found["xml:lang"] = term.language
    elif term.datatype:
        found["datatype"] = str(term.datatype)
    return json_cell(found, prefixes)


def shown_prefixes(declared: dict[str, str]) -> dict[str, str]:
    """Namespaces to shorten IRIs with: the query's own (as this host shows them), then the usual ones."""
    shown = {prefix: rewriter().outward(iri) for prefix, iri in declared.items()}
    return {**{p: iri for p, iri in PREFIXES.items() if iri not in shown.values()}, **shown}


def shorten(iri: str, prefixes: dict[str, str]) -> str:
    best = max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default=None)
    if best is None:
        return iri
    prefix = next(p for p, ns in prefixes.items() if ns == best)
    return f"{prefix}:{iri[len(best):]}"


def download_links(proto: Protocol, kind: str) -> list[dict]:
    graphs = {"default-graph-uri": list(proto.default_graphs), "named-graph-uri": list(proto.named_graphs)}
    return [{"label": f.name.upper(), "media_type": f.media_type,
             "href": url_for("sparql.endpoint") + "?" + urlencode({"query": proto.query, "format": f.name, **graphs},
                                                                  doseq=True)}
            for f in formats_for(kind)]


def page_context() -> dict:
    current = settings()
    return {"endpoint": endpoint_url(), "timeout": current.query_timeout, "max_rows": current.max_rows,
            "html_rows": min(HTML_ROWS, current.max_rows), "shown": shown_text,
            "formats": {kind: formats_for(kind) for kind in ("select", "ask", "graph")}}


# --- example queries ---------------------------------------------------------------------------

@lru_cache(maxsize=1)
def examples(folder: Path = EXAMPLES_DIR) -> dict[str, Example]:
    return {path.stem: parse_example(path.stem, path.read_text("utf-8")) for path in sorted(folder.glob("*.rq"))}


def sorted_examples() -> list[Example]:
    return sorted(examples().values(), key=lambda e: (e.order, e.name))


def parse_example(name: str, text: str) -> Example:
    """The header's `# key: value` lines, and the query after them."""
    header: dict[str, str] = {}
    lines = text.splitlines()
    while lines and lines[0].startswith("#"):
        key, _, value = lines.pop(0).lstrip("#").partition(":")
        header[key.strip()] = value.strip()
    missing = {"title-ja", "title-en", "description-ja", "description-en"} - header.keys()
    if missing:
        raise ValueError(f"queries/{name}.rq: the header lacks {', '.join(sorted(missing))}")
    return Example(name, int(header.get("order", 1000)),
                   {"ja": header["title-ja"], "en": header["title-en"]},
                   {"ja": header["description-ja"], "en": header["description-en"]},
                   "\n".join(lines).strip() + "\n")


def shown_text(example: Example) -> str:
    """The example as this host shows it: under the configured base, then rewritten to this host."""
    return rewriter().outward(example.text.replace(EXAMPLE_BASE, settings().base_iri))


def example_links(example: Example) -> list[dict]:
    here = url_for("sparql.example", name=example.name)
    links = [{"label": f.name.upper(), "media_type": f.media_type, "href": f"{here}?format={f.name}"}
             for f in formats_for(example_kind(example))]
    return links + [{"label": "SPARQL (.rq)", "media_type": DIRECT, "href": f"{here}?format=rq"}]


def example_kind(example: Example) -> str:
    found = scan(example.text)
    return found.kind if found else "select"
