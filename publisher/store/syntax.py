"""Turn the engine's syntax error into a message with a useful 1-based line and column.

Oxigraph's message carries a position (``error at 1:25: expected one of ...``), but its parser
reports the furthest point it reached, which is usually the end of the query. So the position
comes, in this order, from:

1. rdflib's SPARQL parser (pyparsing), which stops at the offending token;
2. an undeclared prefix found by the lexer (rdflib does not check prefixes while parsing);
3. Oxigraph's own message, for what only it rejects (``SELECT ?x ... GROUP BY ?y``).

Runs in the query worker, on the error path only: rdflib is imported there the first time.
"""
from __future__ import annotations

import re

from publisher.store.scan import undefined_prefix

_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+): ")
_PYPARSING_POSITION = re.compile(r"\s*\(at char \d+\), \(line:\d+, col:\d+\)\s*$")
_CHARACTER_CLASS = re.compile(r"\[[^\]]*\]")


def locate(sparql: str, engine_message: str) -> tuple[str, int | None, int | None]:
    """(message, line, column) for a query the engine rejected."""
    found = _rdflib_error(sparql)
    if found:
        return found
    prefix = undefined_prefix(sparql)
    if prefix:
        name, line, column = prefix
        return f"the prefix {name}: is not declared (add PREFIX {name}: <...>)", line, column
    return _oxigraph_error(engine_message)


def _rdflib_error(sparql: str) -> tuple[str, int, int] | None:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parseQuery(sparql)
    except ParseBaseException as error:
        return _PYPARSING_POSITION.sub("", str(error)), error.lineno, error.col
    except Exception:  # noqa: BLE001 - rdflib fails in other ways on input it does not know
        return None
    return None


def _oxigraph_error(message: str) -> tuple[str, int | None, int | None]:
    match = _OXIGRAPH_POSITION.match(message)
    line, column = (int(match[1]), int(match[2])) if match else (None, None)
    text = message[match.end():] if match else message
    return _readable(text), line, column


def _readable(text: str) -> str:
    """Keep Oxigraph's sentences ("Duplicated variable name in SELECT"), drop its character classes."""
    if not text.startswith("expected"):
        return text.strip()
    options = [o.strip() for o in _CHARACTER_CLASS.sub("", text.split(" ", 1)[-1]).split(",")]
    options = [o.removeprefix("one of ").strip() for o in options]
    sentences = [o for o in options if " " in o]
    if sentences:
        return "; ".join(sentences)
    tokens = [o for o in options if o]
    return f"expected one of {', '.join(tokens)}" if tokens else "unexpected input"
