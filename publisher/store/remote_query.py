"""Prepare a query for a remote endpoint so that it means there what it means in the embedded store.

- **Syntax**: the query must parse as standard SPARQL 1.1 with Oxigraph, exactly as in the embedded
  store (same errors, same positions); Virtuoso's own extensions (``DEFINE``, ``bif:`` and ``sql:``
  functions, which can read files or fetch URLs) never reach it.
- **Dataset**: the protocol's graphs, else the query's FROM / FROM NAMED, else all our graphs: always
  sent as explicit ``default-graph-uri`` / ``named-graph-uri`` lists restricted to the graphs we
  loaded, and FROM clauses are taken out of the text. Virtuoso would otherwise merge the protocol's
  graphs with FROM (the protocol says they replace it) and read its own system graphs.
- **Dialect**: Virtuoso 7.2 rejects escapes in prefixed names (``id:group\\/x``), which are written
  out as full IRIs; and it mis-evaluates a regular expression whose top level is an alternation
  (``REGEX("abc", "x|b")`` is false), so a literal pattern of REGEX or REPLACE is wrapped in ``(?:...)``,
  which does not change its meaning.
- **DESCRIBE**: Virtuoso's DESCRIBE is not Oxigraph's, and blank nodes cannot be named in a second
  query, so a DESCRIBE becomes one SELECT of the described resources' triples and their blank-node
  closure (a UNION of chains through blank nodes, one branch per depth; deeper when needed).
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from publisher.store.base import QueryFailed, QueryInfo, QueryRefused, QuerySyntaxError, QueryUnsupported
from publisher.store.scan import Token, line_column, tokens

NO_GRAPH = "urn:kyodo-lod:no-graph"  # names an empty graph where the dataset must have none
ENGINE_EXTENSIONS = ("bif:", "sql:")
ASK_CHECK = "SELECT (1 AS ?kyodo_ask_check)"
LEVEL, ROOT = "kyodo_level", "kyodo_r"

_EMPTY_STORE = None


@dataclass(frozen=True)
class Prepared:
    text: str
    default_graphs: tuple[str, ...]
    named_graphs: tuple[str, ...]

    def params(self) -> list[tuple[str, str]]:
        return ([("query", self.text)] + [("default-graph-uri", g) for g in self.default_graphs]
                + [("named-graph-uri", g) for g in self.named_graphs])


# --- checks ------------------------------------------------------------------------------------

def check(sparql: str, info: QueryInfo) -> None:
    """Refuse what the embedded store would not run, with its errors; never evaluates anything."""
    global _EMPTY_STORE
    import pyoxigraph as ox

    if _EMPTY_STORE is None:
        _EMPTY_STORE = ox.Store()
    text, shift = lazy_form(sparql, info)
    try:
        _EMPTY_STORE.query(text)  # SELECT, CONSTRUCT and DESCRIBE answers are lazy: only parsed
    except SyntaxError as error:
        from publisher.store.syntax import locate

        message, line, column = locate(sparql, str(error))
        raise QuerySyntaxError(message, line, unshift(column, line, shift)) from None
    except RuntimeError as error:  # what the engine cannot do (a custom function): 400, as in the embedded store
        raise QueryUnsupported(str(error) or type(error).__name__) from None
    except (ValueError, OSError) as error:
        raise QueryFailed(str(error) or type(error).__name__) from None
    refuse_engine_extensions(sparql, info.prefixes)


def lazy_form(sparql: str, info: QueryInfo) -> tuple[str, tuple | None]:
    """ASK is answered eagerly by Oxigraph: check it as a SELECT; (text, (line, column, added))."""
    if info.form != "ASK":
        return sparql, None
    ask = next(t for t in tokens(sparql) if t.kind == "word" and t.text.upper() == "ASK")
    text = sparql[:ask.offset] + ASK_CHECK + sparql[ask.offset + 3:]
    return text, (*line_column(sparql, ask.offset), len(ASK_CHECK) - 3)


def unshift(column, line, shift):
    if shift is None or column is None or line != shift[0] or column <= shift[1]:
        return column
    return max(shift[1], column - shift[2])


def refuse_engine_extensions(sparql: str, prefixes: dict[str, str]) -> None:
    for token in tokens(sparql):
        iri = token_iri(token, prefixes, None)
        if iri and iri.lower().startswith(ENGINE_EXTENSIONS):
            raise QueryRefused(f"{iri} names a function of the remote engine; only standard SPARQL 1.1 is accepted.",
                               f"{iri} は外部エンジン固有の関数です。標準の SPARQL 1.1 だけを受け付けます。")


def token_iri(token: Token, prefixes: dict[str, str], base: str | None) -> str | None:
    """The IRI an iri or prefixed-name token stands for (None for other tokens or unknown prefixes)."""
    if token.kind == "iri":
        iri = token.text[1:-1]
        return urljoin(base, iri) if base and ":" not in iri else iri
    if token.kind == "pname" and not token.text.startswith("_:"):
        prefix, _, local = token.text.partition(":")
        namespace = prefixes.get(prefix)
        return None if namespace is None else namespace + local.replace("\\", "")
    return None


# --- the dataset -------------------------------------------------------------------------------

def prepare(sparql: str, info: QueryInfo, ours: list[str], default_graph_uris=(),
            named_graph_uris=()) -> Prepared:
    """The text without FROM clauses, and the dataset to send with it (see the module docstring)."""
    text, from_default, from_named = take_dataset_clauses(sparql, info.prefixes)
    if default_graph_uris or named_graph_uris:
        default, named = list(default_graph_uris), list(named_graph_uris)
    elif from_default or from_named:
        default, named = from_default, from_named
    else:
        default, named = list(ours), list(ours)
    return Prepared(dialect(text, info.prefixes), restricted(default, ours), restricted(named, ours))


def restricted(graphs: list[str], ours: list[str]) -> tuple[str, ...]:
    known = set(ours)
    kept = tuple(dict.fromkeys(g for g in graphs if g in known))
    return kept or (NO_GRAPH,)


def take_dataset_clauses(sparql: str, prefixes: dict[str, str]) -> tuple[str, list[str], list[str]]:
    """(text without FROM / FROM NAMED clauses, their default graphs, their named graphs)."""
    toks = [t for t in tokens(sparql) if t.kind != "comment"]
    base, default, named, cuts = None, [], [], []
    for i, tok in enumerate(toks):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "BASE" and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            base = toks[i + 1].text[1:-1]
        if word != "FROM":
            continue
        is_named = i + 1 < len(toks) and toks[i + 1].text.upper() == "NAMED"
        target = toks[i + 2] if is_named else toks[i + 1] if i + 1 < len(toks) else None
        iri = token_iri(target, prefixes, base) if target else None
        if iri is None:
            continue  # the syntax check has refused anything else
        (named if is_named else default).append(iri)
        cuts.append((tok.offset, target.offset + len(target.text)))
    for start, end in reversed(cuts):
        sparql = sparql[:start] + " " + sparql[end:]
    return sparql, default, named


# --- Virtuoso's dialect -----------------------------------------------------------------------

def dialect(sparql: str, prefixes: dict[str, str]) -> str:
    """The same query in words Virtuoso 7.2 reads as SPARQL 1.1 means them (see the module docstring)."""
    toks = [t for t in tokens(sparql) if t.kind != "comment"]
    edits = []
    for i, tok in enumerate(toks):
        if tok.kind == "pname" and "\\" in tok.text:
            iri = token_iri(tok, prefixes, None)
            if iri:
                edits.append((tok.offset, tok.offset + len(tok.text), f"<{iri}>"))
        elif tok.kind == "word" and tok.text.upper() in ("REGEX", "REPLACE"):
            pattern = pattern_argument(toks, i)
            if pattern is not None:
                edits.append((pattern.offset, pattern.offset + len(pattern.text), grouped(pattern.text)))
    for start, end, text in reversed(edits):
        sparql = sparql[:start] + text + sparql[end:]
    return sparql


def pattern_argument(toks: list[Token], at: int) -> Token | None:
    """The second argument of the REGEX( or REPLACE( at `at`, when it is a string literal."""
    if at + 1 >= len(toks) or toks[at + 1].text != "(":
        return None
    depth = 0
    for i in range(at + 1, len(toks)):
        punctuation = toks[i].text if toks[i].kind == "other" else ""
        depth += punctuation in ("(", "[", "{")
        depth -= punctuation in (")", "]", "}")
        if depth == 0:
            return None
        if depth == 1 and punctuation == ",":
            following = toks[i + 1] if i + 1 < len(toks) else None
            return following if following is not None and following.kind == "string" else None
    return None


def grouped(literal: str) -> str:
    """A string literal's pattern in a non-capturing group: "x|b" becomes "(?:x|b)"."""
    quote = literal[:3] if literal[:3] in ("'''", '"""') else literal[0]
    return f"{quote}(?:{literal[len(quote):-len(quote)]}){quote}"


# --- DESCRIBE as a SELECT of the closure ---------------------------------------------------------

@dataclass(frozen=True)
class DescribeParts:
    prologue: str  # BASE and PREFIX declarations
    variables: tuple[str, ...]  # described variables, without "?"; all of the pattern's for "*"
    iris: tuple[str, ...]  # described IRIs and prefixed names, as written
    rest: str  # the WHERE clause with its modifiers ("" when none)


def describe_parts(sparql: str) -> DescribeParts:
    toks = [t for t in tokens(sparql) if t.kind != "comment"]
    start = next(i for i, t in enumerate(toks) if t.kind == "word" and t.text.upper() == "DESCRIBE")
    variables, iris, i, star = [], [], start + 1, False
    while i < len(toks) and (toks[i].kind in ("var", "iri", "pname") or toks[i].text == "*"):
        if toks[i].kind == "var":
            variables.append(toks[i].text[1:])
        elif toks[i].text == "*":
            star = True
        else:
            iris.append(toks[i].text)
        i += 1
    rest = sparql[toks[i].offset:] if i < len(toks) else ""
    if star:
        variables = [t.text[1:] for t in toks[i:] if t.kind == "var"]
    return DescribeParts(sparql[:toks[start].offset], tuple(dict.fromkeys(variables)), tuple(iris),
                         rest if "{" in rest else "")


def described(parts: DescribeParts) -> str:
    """A group binding ?kyodo_r to each described resource."""
    branches = []
    if parts.variables and parts.rest:
        projection = " ".join(f"?{v}" for v in parts.variables)
        choice = f"?{ROOT}_none"
        for index, name in reversed(list(enumerate(parts.variables))):
            choice = f"IF(?kyodo_i = {index}, ?{name}, {choice})"
        indexes = " ".join(str(i) for i in range(len(parts.variables)))
        branches.append(f"{{ {{ SELECT {projection} {parts.rest} }} VALUES ?kyodo_i {{ {indexes} }} "
                        f"BIND({choice} AS ?{ROOT}) }}")
    if parts.iris:
        branches.append(f"{{ VALUES ?{ROOT} {{ {' '.join(parts.iris)} }} }}")
    if not branches:
        return f"VALUES ?{ROOT} {{ }}"
    return f"{{ SELECT DISTINCT ?{ROOT} WHERE {{ {' UNION '.join(branches)} FILTER(BOUND(?{ROOT})) }} }}"


def closure_branches(root: str, depth: int, graph: bool, described: str = "") -> str:
    """One UNION branch per depth: `root`'s triples, then those of blank nodes reached through blank nodes.

    Each branch is a subquery (Virtuoso 7.2's compiler fails on FILTER and BIND in plain UNION
    branches), and carries the `described` group when `root` is the variable it binds.
    """
    branches = []
    for level in range(depth + 1):
        chain, node = [], root
        for hop in range(1, level + 1):
            target = "?s" if hop == level else f"?kyodo_b{hop}"
            chain.append(f"{node} ?kyodo_p{hop} {target} . FILTER(isBlank({target}))")
            node = target
        last = f"GRAPH ?g {{ {node} ?p ?o }}" if graph else f"{node} ?p ?o ."
        subject = f"({root} AS ?s)" if level == 0 else "?s"
        graph_var = " ?g" if graph else ""
        branches.append(f"{{ SELECT {subject} ?p ?o{graph_var} ({level} AS ?{LEVEL}) "
                        f"WHERE {{ {described} {' '.join(chain)} {last} }} }}")
    return "\n  UNION ".join(branches)


def describe_query(sparql: str, depth: int, targets: list[str] | None = None) -> str:
    """The DESCRIBE query as ``SELECT ?s ?p ?o ?kyodo_level`` of the closure, `depth` blank nodes deep.

    With `targets` (terms as written in SPARQL, e.g. ``<iri>``), those are described; else the query's
    own: IRIs written into the chains (index lookups), variables bound in a subquery in each chain.
    """
    parts = describe_parts(sparql)
    if targets is not None:
        # Virtuoso finds its <nodeID://...> blank nodes as constants in patterns, not through VALUES.
        iris = [t for t in targets if not t.startswith("<nodeID://")]
        branches = [closure_branches(t, depth, graph=False) for t in targets if t.startswith("<nodeID://")]
        if iris:
            values = f"VALUES ?{ROOT} {{ {' '.join(iris)} }}"
            branches.append(closure_branches("?" + ROOT, depth, graph=False, described=values))
    else:
        branches = [closure_branches(iri, depth, graph=False) for iri in dict.fromkeys(parts.iris)]
        if parts.variables and parts.rest:
            variables_only = DescribeParts(parts.prologue, parts.variables, (), parts.rest)
            branches.append(closure_branches("?" + ROOT, depth, graph=False, described=described(variables_only)))
    body = "\n  UNION ".join(branches) or "VALUES ?s { }"
    return f"{parts.prologue}SELECT ?s ?p ?o ?{LEVEL} WHERE {{\n  {body}\n}}"


def targets_query(sparql: str) -> str:
    """The DESCRIBE's pattern as a SELECT of its described variables, its solution modifiers kept."""
    parts = describe_parts(sparql)
    return f"{parts.prologue}SELECT {' '.join('?' + v for v in parts.variables)} {parts.rest}"


def resource_query(iri: str, depth: int, limit: int) -> str:
    """The resource's closure with the graph of each triple: ``SELECT ?s ?p ?o ?g ?kyodo_level``."""
    return (f"SELECT ?s ?p ?o ?g ?{LEVEL} WHERE {{\n  {closure_branches(f'<{iri}>', depth, graph=True)}\n}}"
            f" LIMIT {limit + 1}")
