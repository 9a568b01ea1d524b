"""A small SPARQL lexer: classify a query and refuse what we will not run, before it runs.

It follows SPARQL 1.1's token rules (§19.8) to skip what cannot hold a keyword (string literals in
all four quotings, IRIs ``<...>``, comments, variables, the local part of prefixed names), then
looks at the words left, case-insensitively: ``"SERVICE"`` in a literal, ``<http://x/SERVICE>``
and ``ex:SERVICE`` are not the keyword; ``service <http://x> {}`` is.

The engine (Oxigraph) does call SERVICE endpoints over HTTP (and would run LOAD, though `query`
never runs updates), so this check is what keeps the server from making requests on a user's
behalf. FROM / FROM NAMED fetch nothing: they name graphs in the store.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterator

from publisher.store.base import QueryInfo, QueryRefused, QuerySyntaxError, QueryTooLarge

QUERY_FORMS = {"SELECT": "select", "ASK": "ask", "CONSTRUCT": "graph", "DESCRIBE": "graph"}
UPDATE_KEYWORDS = frozenset(
    {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

_PN_CHARS = r"\w\u00B7\u0300-\u036F\u203F-\u2040"
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
              |\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'
              |"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][%(pn)s]*)
  | (?P<langtag>@[A-Za-z]+(?:--?[A-Za-z0-9]+)*)
  | (?P<pname>(?:[%(pn)s](?:[%(pn)s.\-]*[%(pn)s\-])?)?:
              (?:(?:[%(pn)s:%%]|\\.)(?:(?:[%(pn)s:%%.\-]|\\.)*(?:[%(pn)s:%%\-]|\\.))?)?)
  | (?P<word>[%(pn)s]+)
  | (?P<other>.)
    """ % {"pn": _PN_CHARS},
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str  # comment, string, iri, var, langtag, pname, word, other
    text: str
    offset: int  # in characters from the start of the query


def tokens(sparql: str) -> Iterator[Token]:
    """The query's tokens, whitespace left out. An unterminated string becomes `other` tokens."""
    for match in _TOKEN.finditer(sparql):
        if match.lastgroup != "space":
            yield Token(match.lastgroup, match.group(), match.start())


def line_column(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of a character offset."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def is_keyword(token: Token) -> bool:
    return token.kind == "word" and token.text.isascii() and token.text.isalpha()


def mentions_service(token: Token) -> bool:
    """Whether the engine could read SERVICE in this token.

    Oxigraph's parser does not require a word boundary after a keyword or literal: it runs
    ``trueSERVICE<x>{}``, ``1SERVICE<x>{}`` and ``SERVICE:{}`` (SERVICE, then the prefixed name
    ``:``). So SERVICE anywhere in a bare word, a language tag or a prefix counts; only the local
    part of a prefixed name (``schema:serviceType``, read greedily) and variables are safe.
    """
    if token.kind in ("word", "langtag"):
        return "SERVICE" in token.text.upper()
    if token.kind == "pname":
        return "SERVICE" in token.text.split(":", 1)[0].upper()
    return False


@lru_cache(maxsize=16)  # the web layer classifies a query, then the store does again before running it
def scan(sparql: str) -> QueryInfo | None:
    """What the query is, or None when no query form (SELECT, ASK, ...) appears."""
    form, service, dataset, updates = None, False, False, []
    prefixes: dict[str, str] = {}
    toks = list(tokens(sparql))
    for i, tok in enumerate(toks):
        service = service or mentions_service(tok)
        if tok.kind != "word":
            continue
        word = tok.text.upper()
        dataset = dataset or word.startswith("FROM")
        if word in QUERY_FORMS and form is None:
            form = word
        elif word in UPDATE_KEYWORDS:
            updates.append(word)
        elif word == "PREFIX" and i + 2 < len(toks) and toks[i + 2].kind == "iri":
            prefixes[toks[i + 1].text.rstrip(":")] = toks[i + 2].text[1:-1]
    if form is None and not updates:
        return None
    return QueryInfo(kind=QUERY_FORMS.get(form, "update"), form=form or "UPDATE",
                     uses_service=service, has_dataset_clause=dataset, prefixes=prefixes,
                     update_keywords=tuple(dict.fromkeys(updates)))


def analyze(sparql: str, *, max_length: int | None = None) -> QueryInfo:
    """Classify the query; raise QueryRefused or QueryTooLarge for what we will not run."""
    if max_length is not None and len(sparql) > max_length:
        raise QueryTooLarge(len(sparql), max_length)
    info = scan(sparql)
    if info is None:
        raise not_a_query(sparql)
    if info.update_keywords:
        words = ", ".join(info.update_keywords)
        raise QueryRefused(
            f"Updates are not accepted here; this endpoint is read-only (found {words}).",
            f"このエンドポイントは読み取り専用のため、更新はできません（{words}）。")
    if info.uses_service:
        raise QueryRefused(
            "SERVICE (federated query) is not allowed: this endpoint does not query other servers.",
            "SERVICE（連携クエリ）は使えません。このエンドポイントは他のサーバーに問い合わせません。")
    return info


def not_a_query(sparql: str) -> QueryRefused | QuerySyntaxError:
    """The error for text without a query form: refused when empty, else a syntax error."""
    toks = [t for t in tokens(sparql) if t.kind != "comment"]
    i = 0
    while i < len(toks) and toks[i].text.upper() in ("BASE", "PREFIX"):
        i += 2 if toks[i].text.upper() == "BASE" else 3
    if not toks:
        return QueryRefused("The query is empty.", "クエリが空です。")
    offset = toks[i].offset if i < len(toks) else len(sparql)
    return QuerySyntaxError("expected SELECT, ASK, CONSTRUCT or DESCRIBE",
                            *line_column(sparql, offset))


def undefined_prefix(sparql: str) -> tuple[str, int, int] | None:
    """The first prefixed name whose prefix is not declared, with its line and column."""
    declared: set[str] = set()
    previous = None
    for tok in tokens(sparql):
        if tok.kind == "pname" and not tok.text.startswith("_:"):
            prefix = tok.text.split(":", 1)[0]
            after_prefix_keyword = previous is not None and previous.text.upper() == "PREFIX"
            if after_prefix_keyword:
                declared.add(prefix)
            elif prefix not in declared:
                return (prefix, *line_column(sparql, tok.offset))
        previous = tok
    return None
