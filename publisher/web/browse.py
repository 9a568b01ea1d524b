"""Lists people browse: groups, projects, divisions, programs and plans, each as HTML, CSV and JSON.

    /browse                                  the lists, with their sizes
    /<list>  /<list>.csv  /<list>.json       one list; the same filters and the same rows in each format
        /groups?registered=<program>
        /projects?year=2025&category=start&division=<org>&program=<program>&group=<group>
        /divisions   /programs   /plans

Items link to their linked-data page (the thing's IRI on this host, which 303s to its document); each page
links to the RDF of exactly the rows it shows. The pieces: browse_model (items, rows, reading the store),
browse_lists (what each list holds), browse_output (HTML, CSV, JSON).
"""
from __future__ import annotations

from flask import Blueprint, Response, render_template

from .browse_model import sources_of
from .browse_output import chosen_filters, rdf_links, respond
from .http import finish

bp = Blueprint("browse", __name__)


# --- routes ------------------------------------------------------------------------------------

def _lists():
    from . import browse_lists
    return browse_lists.LISTS


@bp.route("/browse")
def index():
    lists = [(name, build()) for name, build in _lists().items()]
    graphs = sorted({listing.graph for _name, listing in lists})
    rdf = [link for graph in graphs for link in rdf_links(graph, [])]
    sources = sources_of([row for _name, listing in lists for row in listing.rows])
    body = render_template("browse.html", lists=lists, rdf=rdf, sources=sources)
    return finish(Response(body, mimetype="text/html"))


def list_route(name: str):
    def view(extension: str | None = None):
        listing = _lists()[name]()
        extra = {}
        if name == "projects" and extension is None:
            from .browse_lists import project_charts
            listing.chosen = chosen_filters(listing.filters)
            extra["charts"] = project_charts(listing.shown)
        return respond(listing, extension, **extra)
    view.__name__ = f"list_{name}"
    bp.add_url_rule(f"/{name}", view_func=view, defaults={"extension": None})
    bp.add_url_rule(f"/{name}.<extension>", view_func=view)


for _name in ("groups", "projects", "divisions", "programs", "plans"):
    list_route(_name)
