"""The Flask application: create_app(settings) wires the blueprints; the web layer never reads YAML."""
from __future__ import annotations

from flask import Flask
from flask_compress import Compress
from flask_cors import CORS

from ..settings import Settings
from . import http
from .i18n import register_template_helpers
from .release import ReleaseHolder


def create_app(settings: Settings, *, releases: ReleaseHolder | None = None) -> Flask:
    app = Flask(__name__)
    app.request_class = http.KyodoRequest
    app.config["KYODO_SETTINGS"] = settings
    app.config["KYODO_RELEASES"] = releases or ReleaseHolder(settings)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.config["COMPRESS_MIMETYPES"] = [
        "text/html", "text/css", "text/plain", "text/csv", "text/tab-separated-values", "text/turtle",
        "application/json", "application/ld+json", "application/n-triples", "application/n-quads",
        "application/trig", "application/rdf+xml", "application/sparql-results+json",
        "application/sparql-results+xml", "image/svg+xml", "application/javascript"]
    app.config["COMPRESS_ALGORITHM"] = ["gzip"]
    app.json.ensure_ascii = False
    Compress(app)
    CORS(app, origins="*", send_wildcard=True, supports_credentials=False, methods=["GET", "HEAD", "POST", "OPTIONS"],
         max_age=86400, expose_headers=["ETag", "Last-Modified", "Link", "X-SPARQL-MaxRows", "X-Kyodo-Truncated"])
    register_template_helpers(app)
    http.register_error_handlers(app)
    app.before_request(http.check_request)
    app.after_request(http.add_common_headers)
    from . import pages
    app.register_blueprint(pages.bp)
    for name in ("sparql", "resources", "downloads", "browse", "search", "plans"):
        _register_optional(app, name)
    if settings.cache_mb > 0:
        from .response_cache import ResponseCache

        app.wsgi_app = ResponseCache(app.wsgi_app, app.config["KYODO_RELEASES"], max_bytes=(settings.cache_mb << 20) // 2)
    return app


def _register_optional(app: Flask, name: str) -> None:
    """Blueprints that live in their own modules; each registers its own routes."""
    import importlib

    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as exc:
        if exc.name != f"{__name__}.{name}":
            raise
        return
    app.register_blueprint(module.bp)
