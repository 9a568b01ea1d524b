"""The complete site as static files, for any plain web server: pages and documents rendered by the app
itself (Flask test client), and the release's files copied byte for byte.

    index.html, index.en.html, downloads.html, catalog.html, changelog.html (and .en.html), releases/
    downloads/<file>            every file of the current release (same bytes, same checksums)
    releases/<version>/<file>   the same files under the release's own URLs, and its index.html
    catalog.{ttl,jsonld,nt,rdf}, .well-known/void (Turtle) and .well-known/void.ttl, changelog.{json,ttl}
    doc/<path>.{html,ttl,jsonld,nt,rdf}   the documents about every resource /id/<path>;
                                          id/<path>.html links and refreshes to doc/<path>.html
    graph/<name>.*, def.*, shapes.*       the named graphs, the vocabulary and the shapes
    static/                               style sheets

Limits (no Python on the server): no SPARQL endpoint; no content negotiation (documents have
extensions; ask the web server to try "$uri.html" so that extension-less links work, as GitHub Pages
and Netlify do, or nginx with `try_files $uri $uri.html $uri/ =404`); no 303 redirects (id/<path>.html
is a page that links and refreshes to the document); ?lang= is ignored (Japanese pages; English ones
are *.en.html); a removed resource is a 404, not a 410; only the current release is included.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

from rdflib import Dataset, URIRef

from . import read_index
from .files import DOWNLOADS_DIR

RENDER_ROOT = "http://kyodo-site.invalid/"
PAGES = (("", "index"), ("downloads", "downloads"), ("catalog", "catalog"), ("changelog", "changelog"),
         ("releases/", "releases/index"))
DOCUMENTS = (("catalog.ttl", "catalog.ttl"), ("catalog.jsonld", "catalog.jsonld"), ("catalog.nt", "catalog.nt"),
             ("catalog.rdf", "catalog.rdf"), (".well-known/void", ".well-known/void"),
             (".well-known/void", ".well-known/void.ttl"), ("downloads.json", "downloads.json"))
DOC_EXTENSIONS = (".html", ".ttl", ".jsonld", ".nt", ".rdf")
VOCABULARY = ("def", "shapes")


@dataclass
class SiteReport:
    target: Path
    written: int = 0
    missing: list[str] = field(default_factory=list)   # paths the app did not answer with 200


class SiteWriter:
    def __init__(self, settings, staging: Path, site_url: str):
        from ..web import create_app

        self.settings, self.staging, self.site_url = settings, staging, site_url
        self.app = create_app(settings)
        self.app.config["TESTING"] = True
        self.client = self.app.test_client()
        self.prefix = "/" + site_url.split("://", 1)[-1].partition("/")[2]
        self.report = SiteReport(staging)

    def close(self) -> None:
        self.app.config["KYODO_RELEASES"].close()

    def fetch(self, path: str, accept: str = "text/html") -> bytes | None:
        response = self.client.get("/" + path, base_url=RENDER_ROOT, headers={"Accept": accept})
        if response.status_code != 200:
            self.report.missing.append(f"/{path} ({response.status_code})")
            return None
        return response.get_data()

    def localise(self, data: bytes, html: bool) -> bytes:
        """URLs of the rendering host become the site's; root-relative links get the site's path."""
        text = data.decode("utf-8").replace(RENDER_ROOT, self.site_url)
        if html and self.prefix != "/":
            text = re.sub(r'(\s(?:href|src|action)=")/(?!/)', lambda m: m.group(1) + self.prefix, text)
        return text.encode("utf-8")

    def save(self, relative: str, data: bytes) -> None:
        target = self.staging / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        self.report.written += 1

    def render(self, path: str, relative: str, accept: str = "text/html") -> bool:
        data = self.fetch(path, accept)
        if data is None:
            return False
        self.save(relative, self.localise(data, html=relative.endswith(".html")))
        return True


def write_site(settings, target: Path, site_url: str | None = None) -> SiteReport:
    """Write the static site to `target`, replacing what was there only once everything is written."""
    from ..build import current_release
    from ..web.release import NoRelease

    release = current_release(Path(settings.output_dir))
    if release is None:
        raise NoRelease(Path(settings.output_dir))
    site_url = (site_url or settings.base_iri).rstrip("/") + "/"
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    writer = SiteWriter(settings, staging, site_url)
    try:
        write_all(writer, release)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        writer.close()
    os.chmod(staging, 0o755)
    replace_folder(staging, target)
    writer.report.target = target
    return writer.report


def write_all(writer: SiteWriter, release: Path) -> None:
    index = read_index(release)
    for path, stem in PAGES:
        writer.render(path, f"{stem}.html")
        writer.render(f"{path}?lang=en", f"{stem}.en.html")
    for path, relative in DOCUMENTS:
        writer.render(path, relative, accept="text/turtle")
    copy_files(writer, release, index)
    copy_static(writer)
    version = index.get("version", release.name)
    writer.render(f"releases/{version}/", f"releases/{version}/index.html")
    writer.render(f"changelog?version={version}", f"releases/{version}/changelog.html")
    for name in VOCABULARY:
        for extension in DOC_EXTENSIONS:
            writer.render(f"{name}{extension}", f"{name}{extension}")
    for relative in resource_paths(release, writer.settings.base_iri):
        write_resource(writer, relative)


def copy_static(writer: SiteWriter) -> None:
    """The style sheets and scripts every page links to (/static/...)."""
    for name, blueprint in writer.app.blueprints.items():
        folder = blueprint.static_folder
        if folder and Path(folder).is_dir():
            for path in sorted(Path(folder).rglob("*")):
                if path.is_file():
                    writer.save(f"static/{path.relative_to(folder).as_posix()}", path.read_bytes())


def copy_files(writer: SiteWriter, release: Path, index: dict) -> None:
    """Every file of the release, byte for byte, at /downloads/<name> and /releases/<version>/<name>."""
    version = index.get("version", release.name)
    for data in index.get("files", []):
        content = (release / data["path"]).read_bytes()
        writer.save(f"{DOWNLOADS_DIR}/{data['name']}", content)
        writer.save(f"releases/{version}/{data['name']}", content)
    for name in ("changelog.json", "changelog.ttl"):
        if (release / DOWNLOADS_DIR / name).exists():
            writer.save(name, (release / DOWNLOADS_DIR / name).read_bytes())


def resource_paths(release: Path, base: str) -> list[str]:
    """id/<path> of every resource, and graph/<name> of every named graph, from the release's dump."""
    dataset = Dataset()
    dataset.parse(release / "kyodo.nq", format="nquads")
    paths = {str(s)[len(base):] for s, _p, _o, _g in dataset.quads((None, None, None, None))
             if isinstance(s, URIRef) and str(s).startswith(base + "id/")}
    paths |= {str(g.identifier)[len(base):] for g in dataset.graphs() if str(g.identifier).startswith(base + "graph/")}
    return sorted(paths)


def write_resource(writer: SiteWriter, relative: str) -> None:
    if relative.startswith("graph/"):
        for extension in DOC_EXTENSIONS:
            writer.render(relative + extension, relative + extension)
        return
    doc = "doc/" + relative[len("id/"):]
    for extension in DOC_EXTENSIONS:
        writer.render(doc + extension, doc + extension)
    depth = relative.count("/")
    target = "../" * depth + doc + ".html"
    page = (f'<!doctype html><meta charset="utf-8"><title>{escape(relative)}</title>'
            f'<meta http-equiv="refresh" content="0; url={escape(target)}">'
            f'<link rel="canonical" href="{escape(writer.site_url + doc)}">'
            f'<p><a href="{escape(target)}">{escape(writer.site_url + relative)}</a></p>\n')
    writer.save(relative + ".html", page.encode("utf-8"))


def replace_folder(staging: Path, target: Path) -> None:
    """Swap the new site in: the old one is moved aside first and removed after."""
    old = None
    if target.exists():
        old = target.with_name(f".{target.name}.old")
        shutil.rmtree(old, ignore_errors=True)
        os.replace(target, old)
    os.replace(staging, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
