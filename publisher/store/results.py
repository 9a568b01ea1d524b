"""Serialize at most N solutions or triples from pyoxigraph, saying when more existed.

pyoxigraph serializes a whole result iterator natively but cannot stop after N rows, so SELECT
results are written here (SPARQL 1.1 JSON, XML, CSV and TSV, as Oxigraph writes them, RDF 1.2
triple terms and base directions included). Graphs and booleans use pyoxigraph's writers.
Pulling only N+1 solutions also stops the evaluation early, which bounds the work.

This module runs in the query worker processes: it imports pyoxigraph and the standard library only.
"""
from __future__ import annotations

import csv
import io
import json
from itertools import islice
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
RDF_DIR_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#dirLangString"
ITS = 'xmlns:its="http://www.w3.org/2005/11/its" its:version="2.0"'


def take(iterator, limit: int) -> tuple[list, bool]:
    """At most `limit` items, and whether there were more."""
    items = list(islice(iterator, limit + 1))
    return items[:limit], len(items) > limit


def take_unique(iterator, limit: int) -> tuple[list, bool]:
    """At most `limit` distinct items (CONSTRUCT may repeat triples), and whether there were more."""
    seen: dict = {}
    for item in iterator:
        if item not in seen:
            if len(seen) == limit:
                return list(seen), True
            seen[item] = None
    return list(seen), False


# --- SPARQL JSON -------------------------------------------------------------------------------

def _json_term(term) -> dict:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
            if getattr(term, "direction", None):
                out["its:dir"] = str(term.direction)
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    if isinstance(term, ox.Triple):
        return {"type": "triple", "value": {"subject": _json_term(term.subject),
                                            "predicate": _json_term(term.predicate),
                                            "object": _json_term(term.object)}}
    raise TypeError(f"unexpected term {term!r}")


def write_json(variables: list[str], rows: list, links: list[str]) -> bytes:
    head: dict = {"vars": variables}
    if links:
        head["link"] = links
    bindings = [{v: _json_term(t) for v, t in zip(variables, row) if t is not None} for row in rows]
    doc = {"head": head, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode()


# --- SPARQL XML --------------------------------------------------------------------------------

def _xml_term(term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            attrs = f" xml:lang={quoteattr(term.language)}"
            if getattr(term, "direction", None):
                attrs += f" its:dir={quoteattr(str(term.direction))} {ITS}"
        elif term.datatype.value != XSD_STRING:
            attrs = f" datatype={quoteattr(term.datatype.value)}"
        else:
            attrs = ""
        return f"<literal{attrs}>{escape(term.value)}</literal>"
    if isinstance(term, ox.Triple):
        parts = (f"<{name}>{_xml_term(getattr(term, name))}</{name}>"
                 for name in ("subject", "predicate", "object"))
        return f"<triple>{''.join(parts)}</triple>"
    raise TypeError(f"unexpected term {term!r}")


def write_xml(variables: list[str], rows: list, links: list[str]) -> bytes:
    out = ['<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out += [f"<link href={quoteattr(link)}/>" for link in links]
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        out += [f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                for v, t in zip(variables, row) if t is not None]
        out.append("</result>")
    out.append("</results></sparql>")
    return "".join(out).encode()


# --- SPARQL CSV and TSV ------------------------------------------------------------------------

def _csv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return _tsv_term(term)  # a triple term: no CSV form is defined, use the TSV one


def write_csv(variables: list[str], rows: list, links: list[str]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    writer.writerows([_csv_term(t) for t in row] for row in rows)
    return buffer.getvalue().encode()


def _tsv_term(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Triple):
        return f"<<( {_tsv_term(term.subject)} {_tsv_term(term.predicate)} {_tsv_term(term.object)} )>>"
    return str(term).replace("\t", "\\t")  # N-Triples form; it already escapes \n, \r and "


def write_tsv(variables: list[str], rows: list, links: list[str]) -> bytes:
    lines = ["\t".join(f"?{v}" for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


WRITERS = {"JSON": write_json, "XML": write_xml, "CSV": write_csv, "TSV": write_tsv}


def write_solutions(solutions, format_name: str, max_rows: int,
                    link: str) -> tuple[bytes, int, bool]:
    """Serialize at most `max_rows` solutions: (body, rows written, truncated)."""
    variables = [v.value for v in solutions.variables]
    solutions_taken, truncated = take(solutions, max_rows)
    rows = [[solution[i] for i in range(len(variables))] for solution in solutions_taken]
    body = WRITERS[format_name](variables, rows, [link] if truncated else [])
    return body, len(rows), truncated


def write_boolean(result, format_name: str) -> bytes:
    return result.serialize(format=getattr(ox.QueryResultsFormat, format_name))


def write_triples(triples, format_name: str, max_rows: int,
                  prefixes: dict[str, str]) -> tuple[bytes, int, bool]:
    """Serialize at most `max_rows` distinct triples: (body, triples written, truncated).

    A truncated Turtle or N-Triples body starts with a comment saying so.
    """
    kept, truncated = take_unique(triples, max_rows)
    fmt = getattr(ox.RdfFormat, format_name)
    usable = {k: v for k, v in prefixes.items() if k} if format_name == "TURTLE" else None
    body = ox.serialize(kept, format=fmt, prefixes=usable or None)
    if truncated and format_name in ("TURTLE", "N_TRIPLES"):
        body = f"# Truncated: only the first {max_rows} triples are given.\n".encode() + body
    return body, len(kept), truncated
