"""Per-request context: the release, the language, and the base-IRI rewriting between data and this host.

Identifiers are minted under the configured base (say https://data.example.jp/kyodo/). Served from another
host (http://127.0.0.1:8000/), every IRI under the base is rewritten to this host on the way out, and back
on the way in (in SPARQL queries and requested paths), so the site works anywhere without minting
localhost IRIs. Only the data base is rewritten; vocabulary IRIs (https://w3id.org/kyodo-lod/…) stay global.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, g, request

LANGS = ("ja", "en")


@dataclass(frozen=True)
class Rewriter:
    base: str   # the configured base IRI, ending in "/"
    root: str   # this host's root URL, ending in "/"

    @property
    def active(self) -> bool:
        return self.base != self.root

    def outward(self, text: str) -> str:
        return text.replace(self.base, self.root) if self.active else text

    def outward_bytes(self, data: bytes) -> bytes:
        return data.replace(self.base.encode(), self.root.encode()) if self.active else data

    def inward(self, text: str) -> str:
        return text.replace(self.root, self.base) if self.active else text

    def local(self, iri: str) -> str:
        """The URL to link to for an IRI: ours rewritten to this host, others unchanged."""
        return self.outward(iri)


def rewriter() -> Rewriter:
    if "rewriter" not in g:
        settings = current_app.config["KYODO_SETTINGS"]
        root = host_root() if request else settings.base_iri
        g.rewriter = Rewriter(settings.base_iri, root)
    return g.rewriter


def host_root() -> str:
    """``request.host_url`` ("http://host:port/"), without its cost on every request.

    werkzeug builds host_url through uri_to_iri over the whole URL (about 80 µs); only an IDNA host
    (xn--…) changes in that conversion, so only such a host takes werkzeug's way.
    """
    host = request.host
    if "xn--" in host.lower():
        return request.host_url
    return f"{request.scheme}://{host}/"


def release():
    """The release this request uses from start to end (see ReleaseHolder)."""
    if "release" not in g:
        g.release = current_app.config["KYODO_RELEASES"].current()
    return g.release


def lang() -> str:
    """?lang= beats Accept-Language; Japanese by default."""
    if "lang" not in g:
        asked = request.args.get("lang", "")
        if asked in LANGS:
            g.lang = asked
        else:
            g.lang = request.accept_languages.best_match(LANGS, default="ja") if request.accept_languages else "ja"
    return g.lang
