"""Queries whose work is bounded before they run, so they can be answered in the calling process.

A user query runs in a worker process (`publisher.store.querypool`) because nothing else can stop it
at its deadline. The round trip costs about 250 µs, more than a lookup itself (50-120 µs): most of a
lookup's time would be spent on a safety it does not need. This module recognises the queries that
cannot run long, and only those:

- the form: SELECT (with DISTINCT or REDUCED, variables or ``*``) or ASK, whose WHERE is one basic
  graph pattern: triple patterns of IRIs, prefixed names, ``a``, variables and string literals, with
  ``;`` and ``,``; then only ORDER BY of variables, LIMIT and OFFSET. Anything else (FILTER,
  OPTIONAL, UNION, GRAPH, paths, subqueries, BIND, VALUES, blank nodes, numbers, expressions,
  FROM, BASE) is not recognised, and the query goes to a worker as before;
- DESCRIBE of IRIs, without WHERE;
- the bound: each triple pattern's matches in the store are counted (up to CAP), with every
  constant this module can read exactly and the rest taken as variables, which can only count more.
  Evaluated by index lookups or hash joins, a basic graph pattern of patterns with n1 ... nk matches
  does at most n1 + n1·n2 + ... + n1·...·nk steps, whatever the join order, and is admitted when
  that is at most BUDGET (a few ms of work). A DESCRIBE is admitted when its descriptions hold at
  most CAP triples together: they are read here in Python (~5 µs a triple), so CAP keeps that cheap.

Only the place a query runs changes: the same code (`worker.handle`) evaluates and serializes it, so
the answer is byte for byte the one a worker gives.
"""
from __future__ import annotations

from dataclasses import dataclass
import pyoxigraph as ox

from publisher.store.scan import Token, tokens

CAP = 1_000      # matches counted per triple pattern; more and the query goes to a worker
BUDGET = 20_000  # join steps (or triples described) a query may need to be answered here
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"

Term = object  # a pyoxigraph term, or None for "any" (a variable, or a constant not read exactly)


@dataclass(frozen=True)
class Plan:
    """What a recognised query needs from the store: triple patterns to count, or IRIs to describe."""

    patterns: tuple[tuple[Term, Term, Term], ...] = ()
    described: tuple[Term, ...] = ()


class NotBounded(Exception):
    """The query is outside the recognised forms."""


def plan(sparql: str) -> Plan | None:
    """The query's plan, or None when it is not one of the recognised forms."""
    try:
        return Reader(sparql).query()
    except NotBounded:
        return None


def admits(database, found: Plan) -> bool:
    """Whether the plan's work in this store is within BUDGET."""
    if found.described:
        from publisher.store.embedded import closure

        left = CAP
        for iri in found.described:
            quads, truncated = closure(database, iri, left)
            left -= len(quads)
            if truncated:
                return False
        return True
    steps, product = 0, 1
    for count in count_matches(database, found.patterns):
        if count > CAP:
            return False
        product *= max(count, 1)
        steps += product
        if steps > BUDGET:
            return False
    return True


def count_matches(database, patterns) -> list[int]:
    """Each pattern's matches over all graphs, counted up to CAP + 1, in one query.

    The counting is the engine's: iterating quads in Python costs ~5 µs each (a Python object per
    term), one query about 35 µs whatever the counts.
    """
    if not patterns:
        return []
    parts = []
    for i, pattern in enumerate(patterns):
        s, p, o = (str(term) if term is not None else f"?{name}{i}" for term, name in zip(pattern, "spo"))
        parts.append(f"{{ SELECT (COUNT(*) AS ?c{i}) WHERE {{ SELECT * WHERE {{ GRAPH ?g{i} {{ {s} {p} {o} }} }} "
                     f"LIMIT {CAP + 1} }} }}")
    row = next(iter(database.query("SELECT * WHERE { " + " ".join(parts) + " }")))
    return [int(row[f"c{i}"].value) for i in range(len(patterns))]


class Reader:
    """A recursive-descent reader of the recognised forms, over scan's tokens."""

    def __init__(self, sparql: str):
        self.toks = [t for t in tokens(sparql) if t.kind != "comment"]
        self.i = 0
        self.prefixes: dict[str, str] = {}

    # --- tokens ------------------------------------------------------------------------------

    def peek(self) -> Token | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise NotBounded
        self.i += 1
        return tok

    def keyword(self, *words: str) -> str | None:
        """The next token's keyword, taken, when it is one of `words` (case-insensitive)."""
        tok = self.peek()
        if tok is not None and tok.kind == "word" and tok.text.upper() in words:
            self.i += 1
            return tok.text.upper()
        return None

    def symbol(self, char: str) -> bool:
        tok = self.peek()
        if tok is not None and tok.kind == "other" and tok.text == char:
            self.i += 1
            return True
        return False

    def expect(self, char: str) -> None:
        if not self.symbol(char):
            raise NotBounded

    # --- the grammar -------------------------------------------------------------------------

    def query(self) -> Plan:
        while self.keyword("PREFIX"):
            name, iri = self.take(), self.take()
            if name.kind != "pname" or not name.text.endswith(":") or iri.kind != "iri":
                raise NotBounded
            self.prefixes[name.text[:-1]] = iri.text[1:-1]
        form = self.keyword("SELECT", "ASK", "DESCRIBE")
        if form == "DESCRIBE":
            return self.describe()
        if form == "SELECT":
            self.projection()
        elif form is None:
            raise NotBounded
        self.keyword("WHERE")
        patterns = self.group()
        self.modifiers()
        if self.peek() is not None:
            raise NotBounded
        return Plan(patterns=tuple(patterns))

    def describe(self) -> Plan:
        described = []
        while self.peek() is not None:
            tok = self.take()
            term = self.iri(tok) if tok.kind in ("iri", "pname") else None
            if term is None:
                raise NotBounded
            described.append(term)
        if not described:
            raise NotBounded
        return Plan(described=tuple(described))

    def projection(self) -> None:
        self.keyword("DISTINCT", "REDUCED")
        if self.symbol("*"):
            return
        count = 0
        while (tok := self.peek()) is not None and tok.kind == "var":
            self.i += 1
            count += 1
        if not count:
            raise NotBounded

    def group(self) -> list[tuple[Term, Term, Term]]:
        self.expect("{")
        patterns: list[tuple[Term, Term, Term]] = []
        while not self.symbol("}"):
            subject = self.term(self.take())
            while True:
                verb = self.verb(self.take())
                while True:
                    patterns.append((subject, verb, self.term(self.take(), object_position=True)))
                    if not self.symbol(","):
                        break
                if not self.symbol(";"):
                    break
                while self.symbol(";"):
                    pass
                if self.at("}") or self.at("."):
                    break
            if not self.symbol(".") and not self.at("}"):
                raise NotBounded
        return patterns

    def at(self, char: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "other" and tok.text == char

    def modifiers(self) -> None:
        if self.keyword("ORDER"):
            if not self.keyword("BY"):
                raise NotBounded
            count = 0
            while True:
                if self.keyword("ASC", "DESC"):
                    self.expect("(")
                    if self.take().kind != "var":
                        raise NotBounded
                    self.expect(")")
                elif (tok := self.peek()) is not None and tok.kind == "var":
                    self.i += 1
                else:
                    break
                count += 1
            if not count:
                raise NotBounded
        seen: set[str] = set()
        while (word := self.keyword("LIMIT", "OFFSET")) is not None:
            tok = self.take()
            if word in seen or tok.kind != "word" or not tok.text.isdigit():
                raise NotBounded
            seen.add(word)

    # --- terms -------------------------------------------------------------------------------

    def verb(self, tok: Token) -> Term:
        if tok.kind == "word" and tok.text == "a":
            return ox.NamedNode(RDF_TYPE)
        return self.term(tok)

    def term(self, tok: Token, *, object_position: bool = False) -> Term:
        """The term as pyoxigraph's, None for a variable or a constant not read exactly."""
        if tok.kind == "var":
            return None
        if tok.kind in ("iri", "pname"):
            if tok.text.startswith("_:"):
                raise NotBounded  # a blank node label: a variable in a pattern, but keep to the plain forms
            return self.iri(tok)
        if tok.kind == "string" and object_position:
            return self.literal(tok)
        raise NotBounded

    def iri(self, tok: Token) -> Term:
        if tok.kind == "iri":
            text = tok.text[1:-1]
        else:
            prefix, _, local = tok.text.partition(":")
            if prefix not in self.prefixes:
                raise NotBounded  # the engine gives the syntax error
            text = self.prefixes[prefix] + local
        if "\\" in text or "%" in text:
            return None  # escapes: counted as any IRI
        try:
            return ox.NamedNode(text)
        except ValueError:
            return None  # relative: counted as any IRI (the engine decides what it means)

    def literal(self, tok: Token) -> Term:
        body = tok.text[3:-3] if tok.text[:3] in ('"""', "'''") else tok.text[1:-1]
        exact = "\\" not in body
        nxt = self.peek()
        if nxt is not None and nxt.kind == "langtag":
            self.i += 1
            return self._literal(body, language=nxt.text[1:]) if exact else None
        if self.symbol("^"):
            self.expect("^")
            datatype = self.take()
            if datatype.kind not in ("iri", "pname") or datatype.text.startswith("_:"):
                raise NotBounded
            iri = self.iri(datatype)
            return self._literal(body, datatype=iri) if exact and iri is not None else None
        return self._literal(body, datatype=ox.NamedNode(XSD_STRING)) if exact else None

    @staticmethod
    def _literal(value: str, **kind) -> Term:
        try:
            return ox.Literal(value, **kind)
        except ValueError:
            return None
