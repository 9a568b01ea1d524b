"""Hostile SPARQL: every query either answers correctly within the time limit or is stopped with a clear status,
and the server keeps answering others meanwhile. A 500 is a failure."""
from __future__ import annotations

import json
import threading
import time

import pytest
import requests

from tests.conftest import LIVE_QUERY_TIMEOUT

from .support import get_request, raw_request

ROWS = 1000  # KYODO_MAX_ROWS of the live server
TIMEOUT_EN = f"503: The query was stopped after {LIVE_QUERY_TIMEOUT:g} s (the time limit)."
TIMEOUT_JA = f"503: クエリは制限時間（{LIVE_QUERY_TIMEOUT:g}秒）を超えたため中止されました。"
KD = "PREFIX kd: <https://w3id.org/kyodo-lod/def#> "


def ask(endpoint: str, query: str, accept: str = "text/plain", **params) -> requests.Response:
    """POST the query as a form; errors come back as text/plain ("<status>: <English>\\n<status>: <Japanese>")."""
    return requests.post(endpoint, data={"query": query, **params}, headers={"Accept": accept}, timeout=60)


def rows(answer: requests.Response) -> list:
    assert answer.status_code == 200, answer.text[:300]
    return answer.json()["results"]["bindings"]


def first_line(answer: requests.Response) -> str:
    return answer.text.splitlines()[0]


# --- syntax errors of every kind -----------------------------------------------------------------

SYNTAX_ERRORS = [  # (id, query, the first line of the text/plain answer)
    ("no-query-form", "SELEC * WHERE { ?s ?p ?o }",
     "expected SELECT, ASK, CONSTRUCT or DESCRIBE", 1, 1),
    ("unclosed-group", "SELECT * WHERE { ?s ?p ?o ", "Expected SelectQuery, found end of text", 1, 27),
    ("extra-brace", "SELECT * WHERE { ?s ?p ?o }}", "Expected end of text, found '}'", 1, 28),
    ("unterminated-string", 'SELECT * WHERE { ?s ?p "open }', "Expected SelectQuery, found '?'", 1, 18),
    ("undeclared-prefix", "SELECT * WHERE { ?s ex:p ?o }",
     "the prefix ex: is not declared (add PREFIX ex: <...>)", 1, 21),
    ("unbound-select-variable", "SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s",
     "The SELECT contains a variable that is unbound", 1, 41),
    ("aggregate-without-group", "SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o }",
     "The SELECT contains a variable that is unbound", 1, 47),
    ("negative-limit", "SELECT * WHERE { ?s ?p ?o } LIMIT -1", "Expected end of text, found 'LIMIT'", 1, 29),
    ("iri-with-spaces", "SELECT * WHERE { <not an iri> ?p ?o }", "Expected SelectQuery, found '<'", 1, 18),
    ("empty-operand", "SELECT * WHERE { ?s ?p ?o FILTER(?o = ) }", "Expected SelectQuery, found 'FILTER'", 1, 27),
    ("duplicate-select-variable", "SELECT (1 AS ?x) (2 AS ?x) {}", "Duplicated variable name in SELECT", 1, 30),
    ("nul-byte", "\x00SELECT * {}",
     "Expected {SelectQuery | ConstructQuery | DescribeQuery | AskQuery}, found '\\x00'", 1, 1),
    ("relative-prefix-iri", "PREFIX : <x> SELECT * {}", "IRI parsing failed", 1, 13),
    ("two-queries", "ASK {} ASK {}", "Expected end of text, found 'ASK'", 1, 8),
    ("later-line", "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTER(REGEX(?o, \"x\", ))\n}",
     "Expected SelectQuery, found 'FILTER'", 3, 3),
    ("rebound-variable", "SELECT * WHERE { ?s ?p ?o . BIND(1 AS ?o) }", "unexpected input", 1, 44),
    ("construct-half-triple", "CONSTRUCT { ?s ?p } WHERE { ?s ?p ?o }", "Expected ConstructQuery, found '?'", 1, 13),
    ("bare-describe", "DESCRIBE", "Expected DescribeQuery, found end of text", 1, 9),
    ("ideographic-space", "SELECT * WHERE { ?s ?p ?o . \u3000 }", "Expected SelectQuery, found '\\u3000'", 1, 29),
    ("fullwidth-keyword", "ＳＥＬＥＣＴ * WHERE { ?s ?p ?o }",
     "expected SELECT, ASK, CONSTRUCT or DESCRIBE", 1, 1),
    ("limit-beyond-64-bits", "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",
     "The query limit should be a non negative integer", 1, 58),
    ("offset-beyond-64-bits", "SELECT * WHERE { ?s ?p ?o } OFFSET 99999999999999999999999",
     "The query offset should be a non negative integer", 1, 59),
]


@pytest.mark.parametrize("query,message,line,column", [c[1:] for c in SYNTAX_ERRORS],
                         ids=[c[0] for c in SYNTAX_ERRORS])
def test_syntax_errors_are_400_with_line_and_column(endpoint, query, message, line, column):
    answer = ask(endpoint, query)
    assert answer.status_code == 400
    assert first_line(answer) == f"400: SPARQL syntax error at line {line}, column {column}: {message}"
    assert f"SPARQLの構文エラー（{line}行{column}列）: {message}" in answer.text


@pytest.mark.parametrize("query", ["", "   ", "# only a comment\n"], ids=["empty", "blank", "comment"])
def test_an_empty_query_is_400(endpoint, query):
    answer = ask(endpoint, query)
    assert (answer.status_code, first_line(answer)) == (400, "400: The query is empty.")


def test_a_custom_function_is_400_not_500(endpoint):
    answer = ask(endpoint, "SELECT * WHERE { ?s ?p ?o FILTER(<http://example.org/f>(?o)) }")
    assert answer.status_code == 400
    assert first_line(answer) == ("400: The query cannot be evaluated here: "
                                  "The custom function <http://example.org/f> is not supported")


def test_a_syntax_error_in_json_for_a_results_client(endpoint):
    answer = ask(endpoint, "SELECT * WHERE { ?s ?p }", accept="application/sparql-results+json")
    assert answer.status_code == 400
    assert answer.json() == {"status": 400, "error": "SPARQL syntax error at line 1, column 18: "
                                                     "Expected SelectQuery, found '?'",
                             "error_ja": "SPARQLの構文エラー（1行18列）: Expected SelectQuery, found '?'"}


# --- enormous queries ------------------------------------------------------------------------------

TEN_MB = 10 * 1024 * 1024
TOO_LARGE = "413: Request Entity Too Large: The data value transmitted exceeds the capacity limit."


@pytest.mark.parametrize("content_type", ["application/x-www-form-urlencoded", "application/sparql-query"])
def test_a_10_mb_body_is_413(port, content_type):
    head = get_request("/sparql", f"Content-Type: {content_type}", f"Content-Length: {TEN_MB}",
                       "Accept: text/plain", method="POST")
    answer = raw_request(port, head, chunks=(b"x" * 65536 for _ in range(TEN_MB // 65536)))
    assert answer.status == 413
    assert answer.text.splitlines()[0] == TOO_LARGE


@pytest.mark.parametrize("content_type,prefix", [("application/x-www-form-urlencoded", b"query=ASK%7B%7D&pad="),
                                                 ("application/sparql-query", b"ASK {} #")],
                         ids=["form", "direct"])
def test_a_10_mb_chunked_body_is_413_not_cut_short(port, content_type, prefix):
    """Without Content-Length werkzeug stops reading at the limit; the query before the cut must not run."""
    head = get_request("/sparql", f"Content-Type: {content_type}", "Transfer-Encoding: chunked",
                       "Accept: text/plain", method="POST")
    block = prefix + b"x" * (65536 - len(prefix))
    chunks = [b"%x\r\n%s\r\n" % (len(block), block)] + [b"10000\r\n" + b"x" * 65536 + b"\r\n"] * 159
    answer = raw_request(port, head, chunks=[*chunks, b"0\r\n\r\n"])
    assert answer.status == 413
    assert answer.text.splitlines()[0] == "413: The request body is larger than 1000000 bytes."


def test_a_small_chunked_body_is_read_whole(port):
    body = b"ASK { ?s ?p ?o }"
    head = get_request("/sparql", "Content-Type: application/sparql-query", "Transfer-Encoding: chunked",
                       "Accept: application/sparql-results+json", method="POST")
    answer = raw_request(port, head, b"%x\r\n%s\r\n0\r\n\r\n" % (len(body), body))
    assert (answer.status, answer.text) == (200, '{"head":{},"boolean":true}')


def test_a_query_over_the_length_limit_is_413(endpoint):
    query = "ASK {}" + "#" * 100_000
    answer = ask(endpoint, query)
    assert answer.status_code == 413
    assert first_line(answer) == "413: The query is 100006 characters long; the limit is 100000."


# --- deep nesting: answered (a big stack in the query worker) or stopped at the time limit ----------

ORDER = " ORDER BY ?s ?p ?o LIMIT 3"
FLAT = "SELECT * WHERE { ?s ?p ?o }" + ORDER
NESTINGS = {  # name: (the query nested n deep, the depth that crashed a query worker on an 8 MiB stack)
    "groups": (lambda n: "SELECT * WHERE " + "{" * n + "?s ?p ?o" + "}" * n + ORDER, 2_188),
    "parentheses": (lambda n: f"SELECT * WHERE {{ ?s ?p ?o FILTER({'(' * n}true{')' * n}) }}" + ORDER, 4_663),
    "double-negations": (lambda n: f"SELECT * WHERE {{ ?s ?p ?o FILTER({'!!' * n}true) }}" + ORDER, 4_665),
    "disjunctions": (lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "||".join(["true"] * n) + ") }" + ORDER, 9_341),
    "function-calls": (lambda n: f"SELECT * WHERE {{ ?s ?p ?o FILTER({'STR(' * n}true{')' * n}) }}" + ORDER, 953),
    "exists": (lambda n: "SELECT * WHERE { ?s ?p ?o FILTER(" + "EXISTS { FILTER(" * n + "true" + ") }" * n + ") }"
               + ORDER, 708),
    "subqueries": (lambda n: "SELECT * WHERE { " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n + " }" + ORDER,
                   2_538),
}


def deepest_within(nest, limit: int = 100_000) -> str:
    """The query nested as deep as the length limit allows."""
    low, high = 1, limit
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if len(nest(middle)) <= limit else (low, middle - 1)
    return nest(low)


DEEP_STOPPED = [  # Oxigraph's parser needs far longer than the time limit for these
    ("49k-additions", "SELECT (" + "1+" * 49_000 + "1 AS ?x) {}"),
    ("4.7k-optionals", "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 4_700 + "}" * 4_700 + "}"),
    ("49k-collections", "SELECT * WHERE { ?s ?p " + "(" * 49_000 + "1" + ")" * 49_000 + " }"),
    ("4k-blank-node-lists", "SELECT * WHERE { ?s ?p " + "[ ?p " * 4_000 + "?o" + " ]" * 4_000 + " }"),
]


@pytest.mark.parametrize("nest,crashed_at", NESTINGS.values(), ids=NESTINGS.keys())
def test_deep_nesting_is_answered_like_the_flat_query(endpoint, nest, crashed_at):
    query = nest(crashed_at * 3 // 2)
    assert rows(ask(endpoint, query, "application/sparql-results+json")) == \
        rows(ask(endpoint, FLAT, "application/sparql-results+json"))


@pytest.fixture(scope="module")
def store(release):
    from publisher.store import open_store

    with open_store("embedded", store_dir=release.release_dir / "store", workers=1) as opened:
        yield opened


def store_rows(store, query: str) -> list:
    from publisher.formats import by_name

    answer = store.query(query, result_format=by_name("json"), timeout=60, max_rows=10)
    return json.loads(answer.body)["results"]["bindings"]


@pytest.mark.slow
@pytest.mark.parametrize("nest", [n for n, _ in NESTINGS.values()], ids=NESTINGS.keys())
def test_the_query_worker_stack_holds_any_query_within_the_length_limit(store, nest):
    """As deep as 100,000 characters allow, without the web layer's time limit: answered, never a crash."""
    assert store_rows(store, deepest_within(nest)) == store_rows(store, FLAT)


def test_unclosed_deep_nesting_is_a_syntax_error(endpoint):
    answer = ask(endpoint, "SELECT * WHERE " + "{" * 30_000)
    assert answer.status_code == 400
    assert first_line(answer).startswith("400: SPARQL syntax error at line 1, column 30016: expected one of ")


# --- expensive evaluation ---------------------------------------------------------------------------

STOPPED = [  # evaluation that takes far longer than the time limit
    ("cartesian-count", "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"),
    ("cartesian-sorted", "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"),
    ("path-star-joined", "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://x/p>|!<http://x/p>)* ?o . "
                         "?o (<http://x/p>|!<http://x/p>)* ?z }"),
    ("path-star-cartesian", "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://x/p>|!<http://x/p>)* ?o . ?a ?b ?c }"),
]


def test_expensive_queries_are_stopped_at_the_time_limit(endpoint):
    """All at once (the server has threads and query workers for them): each is stopped with a 503."""
    cases = dict(STOPPED + DEEP_STOPPED)
    answers: dict = {}
    started = time.monotonic()
    threads = [threading.Thread(target=lambda n=n, q=q: answers.__setitem__(n, ask(endpoint, q)))
               for n, q in cases.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert time.monotonic() - started < 2 * LIVE_QUERY_TIMEOUT + 10
    outcome = {name: (a.status_code, first_line(a), a.headers.get("Retry-After")) for name, a in answers.items()}
    assert outcome == {name: (503, TIMEOUT_EN, "3") for name in cases}
    assert all(TIMEOUT_JA in a.text for a in answers.values())


def test_a_cartesian_product_is_cut_at_max_rows_and_flagged(endpoint):
    answer = ask(endpoint, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f }", "application/sparql-results+json")
    assert len(rows(answer)) == ROWS
    assert answer.headers["X-Kyodo-Truncated"] == "true" and answer.headers["X-SPARQL-MaxRows"] == str(ROWS)


def test_a_property_path_over_everything_is_answered_with_a_limit(endpoint):
    query = "SELECT ?s ?o WHERE { ?s (<http://x/p>|!<http://x/p>)* ?o } LIMIT 10"
    assert len(rows(ask(endpoint, query, "application/sparql-results+json"))) == 10


@pytest.mark.parametrize("subject,expected", [("a" * 25_000, "true"), ("a" * 25_000 + "!", "false")],
                         ids=["matches", "fails-at-the-end"])
def test_a_catastrophic_regex_is_linear(endpoint, subject, expected):
    """(a+)+$ backtracks exponentially in a backtracking engine; Oxigraph's regex crate is linear."""
    query = f'ASK {{ FILTER(REGEX("{subject}", "(a+)+$")) }}'
    started = time.monotonic()
    answer = ask(endpoint, query, "application/sparql-results+json")
    assert answer.text == f'{{"head":{{}},"boolean":{expected}}}'
    assert time.monotonic() - started < LIVE_QUERY_TIMEOUT


def test_a_regex_over_every_literal_is_answered(endpoint):
    query = 'SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "^(a+)+$")) }'
    assert rows(ask(endpoint, query, "application/sparql-results+json"))[0]["n"]["value"] == "0"


@pytest.mark.parametrize("clause,count,truncated", [
    ("LIMIT 18446744073709551615", ROWS, "true"), ("OFFSET 18446744073709551615", 0, None),
    ("LIMIT 9223372036854775807 OFFSET 9223372036854775807", 0, None), ("LIMIT 0", 0, None),
], ids=["max-limit", "max-offset", "both", "zero"])
def test_huge_limit_and_offset(endpoint, clause, count, truncated):
    answer = ask(endpoint, f"SELECT * WHERE {{ ?s ?p ?o }} {clause}", "application/sparql-results+json")
    assert len(rows(answer)) == count
    assert answer.headers.get("X-Kyodo-Truncated") == truncated


def test_aggregates_over_everything_are_right(endpoint, release):
    query = ("SELECT (COUNT(*) AS ?n) (COUNT(DISTINCT ?g) AS ?graphs) (STRLEN(GROUP_CONCAT(STR(?p))) > 0 AS ?text) "
             "WHERE { GRAPH ?g { ?s ?p ?o } }")
    [row] = rows(ask(endpoint, query, "application/sparql-results+json"))
    assert int(row["n"]["value"]) == release.quads
    assert int(row["graphs"]["value"]) == 7 and row["text"]["value"] == "true"


def test_describe_everything_is_cut_at_max_rows(endpoint):
    answer = ask(endpoint, "DESCRIBE ?s WHERE { ?s ?p ?o }", "application/n-triples")
    assert answer.status_code == 200
    assert answer.text.startswith(f"# Truncated: only the first {ROWS} triples are given.\n")
    assert len([line for line in answer.text.splitlines() if line.endswith(" .")]) == ROWS
    assert answer.headers["X-Kyodo-Truncated"] == "true"


# --- the server keeps answering others --------------------------------------------------------------

def test_cheap_requests_are_answered_while_hostile_queries_run(live_server, endpoint):
    """Three at once: fewer than a web worker's threads, so whichever worker takes them has one left."""
    hostile = [STOPPED[0][1], DEEP_STOPPED[0][1], NESTINGS["groups"][0](5_000)]
    answers: list = []
    json = "application/sparql-results+json, text/plain;q=0.5"
    threads = [threading.Thread(target=lambda q=q: answers.append(ask(endpoint, q, json))) for q in hostile]
    for thread in threads:
        thread.start()
    time.sleep(0.5)
    cheap = KD + "SELECT ?g WHERE { ?g a kd:CitizenGroup } LIMIT 1"
    for url, params in ((live_server + "health", {}), (endpoint, {"query": cheap, "format": "json"}),
                        (live_server + "doc/group/birdconnect.ttl", {})):
        started = time.monotonic()
        assert requests.get(url, params=params, timeout=10).status_code == 200, url
        assert time.monotonic() - started < LIVE_QUERY_TIMEOUT, url  # not stuck behind the hostile ones
    for thread in threads:
        thread.join(60)
    assert sorted(a.status_code for a in answers) == [200, 503, 503]
