"""Every IRI a build writes must be one that each dump format and the store can carry.

rdflib mints a URIRef from any text (a same_as written as ``http://example.org/"x"``), and only fails when a
serializer meets it, half-way through writing a release. The build checks every IRI first, with Oxigraph's
parser (the strictest reader of the output), and reports each bad one where it was written in data/.
"""
from __future__ import annotations

import pyoxigraph as ox
from rdflib import URIRef

from .errors import InputError, Problem

NOT_IN_IRIS = '<>"{}|\\^` '  # RFC 3987 excludes these (and control characters) everywhere in an IRI


def check_iris(dataset, provenance=None) -> None:
    """Raise InputError listing every IRI of `dataset` that is not a valid absolute IRI."""
    problems, seen = [], set()
    for s, p, o, _graph in dataset.quads((None, None, None, None)):
        for term in (s, p, o):
            if isinstance(term, URIRef) and term not in seen:
                seen.add(term)
                problem = iri_problem(str(term), provenance.locate(s, p, o) if provenance else None)
                if problem:
                    problems.append(problem)
    if problems:
        raise InputError(problems)


def iri_problem(iri: str, location) -> Problem | None:
    bad = next((c for c in iri if c in NOT_IN_IRIS or ord(c) < 0x20 or c == "\x7f"), None)
    if bad is not None:
        code = f"%{ord(bad):02X}"
        return Problem(location,
                       f"{iri!r} is not a valid IRI: it contains {bad!r}; write it as {code}",
                       f"{iri!r} は正しい IRI ではありません。{bad!r} を含んでいます（{code} と書いてください）",
                       "invalid-iri")
    try:
        ox.NamedNode(iri)
    except ValueError as error:
        return Problem(location, f"{iri!r} is not a valid IRI ({error})",
                       f"{iri!r} は正しい IRI ではありません（{error}）", "invalid-iri")
    return None
