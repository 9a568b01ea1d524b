"""HTTP behaviour shared by every route: negotiated errors, conditional GET, caching, CORS headers."""
from __future__ import annotations

import io
import json
import logging

from flask import Request, Response, current_app, render_template, request
from werkzeug.datastructures import MIMEAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header
from werkzeug.utils import cached_property

from ..errors import KyodoError
from .context import lang, release

log = logging.getLogger(__name__)

ERROR_TYPES = ("text/html", "application/json", "application/sparql-results+json", "text/turtle", "text/plain")


class KyodoRequest(Request):
    """Flask's request, with Accept read without media type parameters, as formats.negotiate reads it.

    werkzeug matches parameters exactly, so ``text/turtle; charset=utf-8`` or JSON-LD's
    ``application/ld+json; profile="…#compacted"`` got 406 for exactly what we serve.
    """

    @cached_property
    def accept_mimetypes(self) -> MIMEAccept:
        parsed = parse_accept_header(self.headers.get("Accept"), MIMEAccept)
        return MIMEAccept([(value.split(";")[0].strip(), quality) for value, quality in parsed])


class HTTPError(KyodoError):
    """An error answered with a status and a message in both languages."""

    def __init__(self, status: int, en: str, ja: str, *, headers: dict | None = None):
        self.status, self.en, self.ja, self.headers = status, en, ja, headers or {}
        super().__init__(en)

    def message(self, lang: str = "en") -> str:
        return self.ja if lang == "ja" else self.en


def error_response(status: int, en: str, ja: str, headers: dict | None = None) -> Response:
    """The error in the format the client asked for: an HTML page, JSON, a Turtle comment, or plain text."""
    chosen = request.accept_mimetypes.best_match(ERROR_TYPES, default="text/plain") if request else "text/plain"
    text = ja if lang() == "ja" else en
    if chosen == "text/html":
        body = render_template("error.html", status=status, message=text, other=en if lang() == "ja" else ja)
        response = Response(body, status, mimetype="text/html")
    elif chosen in ("application/json", "application/sparql-results+json"):
        response = Response(json.dumps({"status": status, "error": en, "error_ja": ja}, ensure_ascii=False),
                            status, mimetype="application/json")
    elif chosen == "text/turtle":
        comment = "\n".join(f"# {line}" for line in f"{status}: {en}\n{ja}".splitlines())
        response = Response(comment + "\n", status, mimetype="text/turtle")
    else:
        response = Response(f"{status}: {en}\n{status}: {ja}\n", status, mimetype="text/plain")
    response.headers["Vary"] = "Accept, Accept-Language"
    response.headers["Cache-Control"] = "no-store"
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register_error_handlers(app) -> None:
    @app.errorhandler(HTTPError)
    def _http_error(exc: HTTPError):
        return error_response(exc.status, exc.en, exc.ja, exc.headers)

    @app.errorhandler(HTTPException)
    def _werkzeug_error(exc: HTTPException):
        en = f"{exc.name}: {exc.description}" if exc.description else exc.name
        headers = dict(exc.get_headers()) if exc.code == 405 else {}
        headers.pop("Content-Type", None)
        return error_response(exc.code or 500, en, JA_STATUS.get(exc.code, en), headers)

    @app.errorhandler(KyodoError)
    def _domain_error(exc: KyodoError):
        text_en = exc.message("en") if hasattr(exc, "message") else str(exc)
        text_ja = exc.message("ja") if hasattr(exc, "message") else str(exc)
        retry = getattr(exc, "retry_after", None)
        return error_response(getattr(exc, "http_status", 503), text_en, text_ja,
                              {"Retry-After": str(retry)} if retry else None)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        log.exception("unexpected error on %s %s", request.method, request.path)
        return error_response(500, "Internal error: the server could not answer this request.",
                              "内部エラー: このリクエストに応答できませんでした。")


JA_STATUS = {
    400: "リクエストが正しくありません", 403: "許可されていません", 404: "見つかりません",
    405: "このメソッドは使えません", 406: "要求された形式では応答できません", 411: "長さの指定が必要です",
    413: "リクエストが大きすぎます", 414: "URL が長すぎます", 415: "この Content-Type は受け付けません",
    431: "ヘッダーが大きすぎます", 503: "現在応答できません",
}


def check_request() -> None:
    """Before every route: a Host this server can name itself by, and a body within the limit."""
    if not request.host:
        raise HTTPError(400, "The Host header is not a valid host name (and port).",
                        "Host ヘッダーが正しいホスト名（とポート）ではありません。")
    if request.content_length is None and "chunked" in request.headers.get("Transfer-Encoding", "").lower():
        buffer_chunked_body(current_app.config["MAX_CONTENT_LENGTH"])


def buffer_chunked_body(limit: int) -> None:
    """Read a chunked body here, refusing one over the limit: werkzeug would cut it at the limit unnoticed."""
    data = request.environ["wsgi.input"].read(limit + 1)
    if len(data) > limit:
        raise HTTPError(413, f"The request body is larger than {limit} bytes.",
                        f"リクエストの本文が {limit} バイトを超えています。")
    request.environ["wsgi.input"] = io.BytesIO(data)


def variant_etag(version: str, mimetype: str, page_lang: str) -> str:
    """One ETag per release and representation: each negotiated format (and HTML language) has its own."""
    subtype = "".join(c if c.isalnum() else "-" for c in mimetype.split("/")[-1])
    return f"{version}.{subtype}" + (f".{page_lang}" if mimetype == "text/html" else "")


def finish(response: Response, *, negotiated: bool = False, max_age: int = 300) -> Response:
    """ETag and Last-Modified from the release, 304 when the client has it, cache and Vary headers."""
    current = release()
    response.set_etag(variant_etag(current.etag, response.mimetype or "", lang()))
    response.last_modified = current.built
    response.headers.setdefault("Cache-Control", f"public, max-age={max_age}")
    vary = ["Accept"] if negotiated else []
    if "text/html" in (response.mimetype or ""):
        vary.append("Accept-Language")
    if vary:
        response.vary.update(vary)
    return response.make_conditional(request)


def add_common_headers(response: Response) -> Response:
    """Safe defaults on every response (CORS itself is flask-cors's, set up in create_app)."""
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    if "text/html" in (response.mimetype or ""):
        response.headers.setdefault("Content-Security-Policy",
                                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                                    "script-src 'self'; frame-ancestors 'none'")
    return response
