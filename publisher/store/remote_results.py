"""Read a remote endpoint's answers into pyoxigraph terms, so the embedded store's writers serialize them.

SELECT and ASK answers are asked for as SPARQL XML results, the one format every endpoint writes
faithfully (Virtuoso 7.2's TSV quotes terms as strings and its CSV drops the ``_:`` of blank nodes), and
read with an incremental parser: reading stops after `max_rows` + 1 solutions, however long the
answer, and the connection is dropped. CONSTRUCT answers are asked for as N-Triples, parsed as a stream.

Virtuoso names blank nodes ``nodeID://b10001`` (in ``<bnode>``, and sometimes as an IRI): both become
the blank node ``_:b10001``. The labels are stable in one answer, which is all SPARQL promises.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Iterator

import pyoxigraph as ox

SRX = "{http://www.w3.org/2005/sparql-results#}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
VIRTUOSO_BNODE = "nodeID://"
CHUNK = 64 * 1024
_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_\-.]*")


class BadAnswer(ValueError):
    """The endpoint's answer is not what SPARQL results (or N-Triples) should be."""


def blank(label: str) -> ox.BlankNode:
    label = label[len(VIRTUOSO_BNODE):] if label.startswith(VIRTUOSO_BNODE) else label
    if not _LABEL.fullmatch(label):
        label = "x" + label.encode().hex()
    return ox.BlankNode(label)


def named(iri: str):
    return blank(iri) if iri.startswith(VIRTUOSO_BNODE) else ox.NamedNode(iri)


def xml_term(element):
    """A SPARQL XML ``<uri>``, ``<bnode>`` or ``<literal>`` element as a pyoxigraph term."""
    tag, text = element.tag[len(SRX):], element.text or ""
    if tag == "uri":
        return named(text)
    if tag == "bnode":
        return blank(text)
    if tag == "literal":
        lang, datatype = element.get(XML_LANG), element.get("datatype")
        if lang:
            return ox.Literal(text, language=lang)
        if datatype and datatype != XSD_STRING:
            return ox.Literal(text, datatype=ox.NamedNode(datatype))
        return ox.Literal(text)
    raise BadAnswer(f"unexpected <{tag}> in SPARQL XML results")


class XmlResults:
    """SPARQL XML results read incrementally from a stream: `variables`, `boolean`, `rows()`."""

    def __init__(self, stream):
        self.stream = stream
        self.parser = ET.XMLPullParser(events=("start", "end"))
        self.variables: list[str] = []
        self.boolean: bool | None = None
        self._head_done = False
        self._pending: list = []
        self._eof = False
        self._read_head()

    def _events(self) -> Iterator[tuple[str, object]]:
        while True:
            yield from self.parser.read_events()
            if self._eof:
                return
            chunk = self.stream.read(CHUNK)
            try:
                if not chunk:
                    self._eof = True
                    self.parser.close()
                else:
                    self.parser.feed(chunk)
            except ET.ParseError as error:
                raise BadAnswer(f"the endpoint's SPARQL XML results do not parse: {error}") from None

    def _read_head(self) -> None:
        self._iter = self._events()
        for event, element in self._iter:
            if event == "end" and element.tag == SRX + "variable":
                self.variables.append(element.get("name"))
            elif event == "end" and element.tag == SRX + "boolean":
                self.boolean = (element.text or "").strip() == "true"
                return
            elif event == "start" and element.tag == SRX + "results":
                return
        raise BadAnswer("the answer holds no SPARQL XML results")

    def rows(self) -> Iterator[list]:
        """Each solution as a list of terms (None when unbound), in the order of `variables`."""
        index = {name: i for i, name in enumerate(self.variables)}
        for event, element in self._iter:
            if event != "end" or element.tag != SRX + "result":
                continue
            row = [None] * len(self.variables)
            for binding in element:
                position = index.get(binding.get("name"))
                if position is not None and len(binding):
                    row[position] = xml_term(binding[0])
            element.clear()
            yield row


def read_solutions(stream, max_rows: int) -> tuple[list[str], list[list], bool]:
    """(variables, at most `max_rows` rows, whether there were more)."""
    results = XmlResults(stream)
    rows = []
    for row in results.rows():
        if len(rows) == max_rows:
            return results.variables, rows, True
        rows.append(row)
    return results.variables, rows, False


def read_boolean(stream) -> bool:
    results = XmlResults(stream)
    if results.boolean is None:
        raise BadAnswer("an ASK answer without a boolean")
    return results.boolean


def read_triples(stream) -> Iterator:
    """The triples of an N-Triples stream, Virtuoso's ``nodeID://`` IRIs as blank nodes."""
    try:
        for quad in ox.parse(input=stream, format=ox.RdfFormat.N_TRIPLES):
            yield unvirtuoso(quad)
    except SyntaxError as error:
        raise BadAnswer(f"the endpoint's N-Triples do not parse: {error}") from None


def unvirtuoso(quad) -> "ox.Triple":
    """The parsed quad as a triple, Virtuoso's ``nodeID://`` IRIs as blank nodes."""
    s, o = quad.subject, quad.object
    if isinstance(s, ox.NamedNode) and s.value.startswith(VIRTUOSO_BNODE):
        s = blank(s.value)
    if isinstance(o, ox.NamedNode) and o.value.startswith(VIRTUOSO_BNODE):
        o = blank(o.value)
    return ox.Triple(s, quad.predicate, o)
