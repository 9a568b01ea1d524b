"""Downloads, catalog, VoID, changelog and releases: the files the build wrote, served as they are.

    /downloads                     the files of the current release (HTML, ja/en); /downloads.json the index
    /downloads/<name>              a file of the current release, byte for byte
    /releases/                     every release; /releases/<version>/ one release's files
    /releases/<version>/<name>     a file of that release (immutable: cached for a year)
    /catalog[.ttl|.jsonld|.nt|.rdf]  the DCAT catalog: HTML or RDF (negotiated without an extension)
    /.well-known/void              VoID (RDF, negotiated)
    /changelog[.json|.ttl]         what changed since the previous release (?version= for another one)
    /changelog/gone?iri=<IRI>      410 Gone with a note when the IRI was removed, 404 otherwise

Files are never rewritten, so sizes and checksums in the catalog hold for what is served; CSVs carry
`Link: <csv-metadata.json>; rel="describedby"`. The catalog and VoID documents are rendered like the
other documents: base IRIs rewritten to this host. `gone_note(iri)` and `gone_response(iri)` are for
the linked-data 404 path.
"""
from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_file
from rdflib import Graph

from ..downloads import CATALOG_NAME, VOID_NAME, read_index
from ..downloads import changelog as changes
from ..downloads.files import DOWNLOADS_DIR
from ..downloads.views import find_file, grouped_files, pick, strings
from ..formats import GRAPH, formats_for, lookup
from ..vocab import PREFIXES
from .context import lang, release, rewriter
from .http import HTTPError, finish

bp = Blueprint("downloads", __name__)
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._-]{0,100}$")
EXTENSIONS = {f.extension.lstrip("."): f for f in formats_for(GRAPH)}
HTML = "text/html"
YEAR = 365 * 24 * 3600


# --- releases and their indexes ---------------------------------------------------------------

def releases_dir() -> Path:
    return Path(current_app.config["KYODO_SETTINGS"].output_dir) / "releases"


def current_index() -> dict:
    cache = release().cache
    if "downloads-index" not in cache:
        cache["downloads-index"] = read_index(release().path)
    if not cache["downloads-index"]:
        raise HTTPError(404, "This release has no downloads (it was built before they existed).",
                        "この版にはダウンロード用のファイルがありません。")
    return cache["downloads-index"]


def release_path(version: str) -> Path:
    """The folder of a release by version; 404 for anything that is not a built release with downloads."""
    path = releases_dir() / version
    if not VERSION.match(version) or not (path / DOWNLOADS_DIR / "downloads.json").is_file():
        raise HTTPError(404, f"There is no release {version!r}.", f"版 {version!r} はありません。")
    return path


def index_at(path: Path) -> dict:
    cache = release().cache
    key = ("downloads-index", str(path))
    if key not in cache:
        cache[key] = read_index(path)
    return cache[key]


def page_context(index: dict) -> dict:
    root = rewriter().root
    return {"index": index, "s": strings(lang()),
            "pick": lambda values, fallback="": pick(values or {}, lang()) or fallback,
            "root": root, "release_url": f"{root}releases/{index.get('version', '')}/"}


# --- files --------------------------------------------------------------------------------------

def send_download(folder: Path, index: dict, name: str, *, immutable: bool) -> Response:
    entry = find_file(index, name)
    if entry is None or not (folder / entry.path).is_file():
        raise HTTPError(404, f"There is no file {name!r} to download.", f"ファイル {name!r} はありません。")
    response = send_file(folder / entry.path, mimetype=entry.served_type, conditional=True, etag=entry.sha256,
                         last_modified=release().built if not immutable else None,
                         max_age=YEAR if immutable else 300)
    response.headers["Content-Type"] = entry.content_type
    response.headers["Repr-Digest"] = "sha-256=:" + base64.b64encode(bytes.fromhex(entry.sha256)).decode() + ":"
    if entry.extra.get("describedby"):
        response.headers["Link"] = f'<{entry.extra["describedby"]}>; rel="describedby"; type="application/csvm+json"'
    response.headers["Cache-Control"] = f"public, max-age={YEAR}, immutable" if immutable else "public, max-age=300"
    return response


@bp.route("/downloads/<name>")
def download(name: str):
    return send_download(release().path, current_index(), name, immutable=False)


@bp.route("/releases/<version>/<name>")
def release_download(version: str, name: str):
    return send_download(release_path(version), index_at(release_path(version)), name, immutable=True)


# --- pages --------------------------------------------------------------------------------------

@bp.route("/downloads")
def downloads_page():
    return html_page("downloads.html", current_index(), files_url=f"{rewriter().root}downloads/")


@bp.route("/downloads.json")
def downloads_index():
    response = Response(json.dumps(current_index(), ensure_ascii=False, indent=2), mimetype="application/json")
    return finish(response)


@bp.route("/releases/")
def releases_page():
    return html_page("downloads_releases.html", current_index())


@bp.route("/releases/<version>/")
def release_page(version: str):
    return html_page("downloads.html", index_at(release_path(version)),
                     files_url=f"{rewriter().root}releases/{version}/")


def html_page(template: str, index: dict, **extra) -> Response:
    context = page_context(index)
    body = render_template(template, groups=grouped_files(index, lang()), **context, **extra)
    return finish(Response(body, mimetype="text/html"))


# --- catalog and VoID ---------------------------------------------------------------------------

def choose(offer_html: bool):
    """The answer's format: HTML (when offered) or an RDF format; ?format= beats Accept; None: 406."""
    asked = request.args.get("format")
    if asked:
        return HTML if offer_html and asked.lower() in ("html", HTML) else lookup(asked, GRAPH)
    graph_formats = formats_for(GRAPH)
    if not request.accept_mimetypes:
        return HTML if offer_html else graph_formats[0]
    offered = ([HTML] if offer_html else []) + [f.media_type for f in graph_formats] + \
        [a for f in graph_formats for a in f.aliases]
    chosen = request.accept_mimetypes.best_match(offered)
    if chosen is None or chosen == HTML:
        return chosen
    return next(f for f in graph_formats if chosen in (f.media_type, *f.aliases))


def rdf_document(name: str, fmt, negotiated: bool) -> Response:
    if fmt is None:
        types = ", ".join(f.media_type for f in formats_for(GRAPH))
        raise HTTPError(406, f"Not acceptable: available as {types}.", f"要求された形式では応答できません。利用できる形式: {types}")
    current_index()
    path = release().path / DOWNLOADS_DIR / name
    key = ("downloads-rdf", name, fmt.name)  # kept under the base: the cache does not grow with Host headers
    documents = release().documents
    body = documents.get(key)
    if body is None:
        body = documents[key] = rdf_bytes(path, fmt)
    response = Response(rewriter().outward_bytes(body), content_type=fmt.content_type)
    return finish(response, negotiated=negotiated)


def rdf_bytes(path: Path, fmt) -> bytes:
    if fmt.name == "turtle":
        return path.read_bytes()
    graph = Graph().parse(path, format="turtle")
    if fmt.name == "jsonld":
        return graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True).encode("utf-8")
    return graph.serialize(format=fmt.rdflib).encode("utf-8")


@bp.route("/catalog")
def catalog():
    fmt = choose(offer_html=True)
    if fmt == HTML:
        response = html_page("catalog.html", current_index())
        response.vary.add("Accept")
        return response
    return rdf_document(CATALOG_NAME, fmt, negotiated=True)


@bp.route("/catalog.<extension>")
def catalog_file(extension: str):
    if extension not in EXTENSIONS:
        abort(404)
    return rdf_document(CATALOG_NAME, EXTENSIONS[extension], negotiated=False)


@bp.route("/.well-known/void")
def void():
    return rdf_document(VOID_NAME, choose(offer_html=False), negotiated=True)


# --- changelog and removed resources ------------------------------------------------------------

@bp.route("/changelog")
def changelog_page():
    version = request.args.get("version")
    folder = release_path(version) if version else release().path
    index = index_at(folder) if version else current_index()
    log = changes.read_json(folder / DOWNLOADS_DIR / changes.CHANGELOG_JSON, {})
    return html_page("changelog.html", index, log=log)


@bp.route("/changelog.<extension>")
def changelog_file(extension: str):
    names = {"json": changes.CHANGELOG_JSON, "ttl": changes.CHANGELOG_TTL}
    if extension not in names:
        abort(404)
    return send_download(release().path, current_index(), names[extension], immutable=False)


def gone_note(iri: str) -> dict | None:
    """The note about a resource removed in this release or an earlier one (None: it was never removed).

    Takes the IRI as minted (https://data.example.jp/kyodo/id/…) or as served on this host.
    """
    folder = release().path
    return changes.gone_note(iri, folder) or changes.gone_note(rewriter().inward(iri), folder)


def gone_response(iri: str) -> Response | None:
    """410 Gone, in the negotiated format, when `iri` names a removed resource; None otherwise."""
    note = gone_note(iri)
    if note is None:
        return None
    local = json.loads(rewriter().outward(json.dumps(note, ensure_ascii=False)))
    chosen = request.accept_mimetypes.best_match([HTML, "application/json", "text/turtle", "text/plain"],
                                                 default="text/plain") if request.accept_mimetypes else HTML
    message = local["message"]["ja" if lang() == "ja" else "en"]
    if chosen == HTML:
        context = {"note": local, "message": message, "s": strings(lang())}
        response = Response(render_template("changelog_gone.html", **context), 410, mimetype="text/html")
    elif chosen == "application/json":
        response = Response(json.dumps(local, ensure_ascii=False), 410, mimetype="application/json")
    elif chosen == "text/turtle":
        response = Response(f"# 410 Gone: {local['message']['en']}\n# {local['message']['ja']}\n", 410,
                            mimetype="text/turtle")
    else:
        response = Response(f"410 Gone: {local['message']['en']}\n410 Gone: {local['message']['ja']}\n", 410,
                            mimetype="text/plain")
    if local.get("last_version_url"):
        response.headers["Link"] = f'<{local["last_version_url"]}>; rel="predecessor-version"'
    response.headers["Cache-Control"] = "public, max-age=300"
    response.vary.update(["Accept", "Accept-Language"])
    return response


@bp.route("/changelog/gone")
def gone():
    iri = request.args.get("iri", "")
    response = gone_response(iri) if iri else None
    if response is None:
        raise HTTPError(404, f"{iri or 'This IRI'} has not been removed.", f"{iri or 'この IRI'} は削除されていません。")
    return response
