"""Queries proven small are answered in the calling process, exactly as a worker answers them.

The rest (anything outside the recognised forms, or over the budget in this store) still runs in a
worker process under its deadline.
"""
from __future__ import annotations

import pytest

from publisher.formats import by_name
from publisher.store import QueryTimeout, open_store
from publisher.store.bounded import BUDGET, admits, plan
from tests.test_engine_equivalence import BASE, PREFIXES, QUERIES

GROUP = f"<{BASE}id/group/hoippo>"
LOOKUPS = {
    "properties": f"SELECT ?p ?o WHERE {{ {GROUP} ?p ?o }}",
    "label": f'SELECT ?l WHERE {{ {GROUP} rdfs:label ?l }}',
    "star": f"SELECT * {{ {GROUP} a ?type ; rdfs:label ?l ; kd:registeredWith ?r . }} ORDER BY ?l DESC(?type)",
    "distinct-limit": f"SELECT DISTINCT ?type WHERE {{ {GROUP} a ?type }} LIMIT 1 OFFSET 0",
    "by-literal": 'SELECT ?s WHERE { ?s rdfs:label "ほいっぽ"@ja }',
    "projects-of-a-group": f"SELECT ?project ?title {{ ?project kd:proposer {GROUP} ; rdfs:label ?title }}",
    "ask": f"ASK {{ {GROUP} a kd:CitizenGroup }}",
    "describe": f"DESCRIBE {GROUP}",
    "describe-two": f"DESCRIBE {GROUP} <{BASE}id/program/challenge>",
}
FORMATS = {"select": ("json", "xml", "csv", "tsv"), "ask": ("json", "xml"), "graph": ("ntriples", "turtle")}


class CountingPool:
    """Wraps the store's real pool and counts the queries sent to its workers."""

    def __init__(self, pool):
        self.pool, self.calls = pool, 0

    def call(self, request, timeout):
        self.calls += 1
        return self.pool.call(request, timeout)

    def __getattr__(self, name):
        return getattr(self.pool, name)


@pytest.fixture(scope="module")
def stores(release):
    store_dir = release.release_dir / "store"
    with open_store("embedded", store_dir=store_dir) as inline, \
            open_store("embedded", store_dir=store_dir, inline=False) as workers:
        inline.pool = CountingPool(inline.pool)
        yield inline, workers


def kind_of(query: str) -> str:
    return "select" if "SELECT" in query else "ask" if "ASK" in query else "graph"  # for LOOKUPS


# --- what is recognised -------------------------------------------------------------------------

@pytest.mark.parametrize("query", [
    "SELECT ?p ?o WHERE { <http://x/a> ?p ?o }",
    "select * { ?s a <http://x/C> ; <http://x/p> 'v'@ja , \"w\"^^<http://x/dt> ; . } order by desc(?s) offset 1 limit 2",
    "PREFIX x: <http://x/> ASK { x:a x:p ?o . x:b x:p ?o }",
    "SELECT REDUCED ?s { ?s <http://x/p> '''long\nliteral''' } # a comment",
    "DESCRIBE <http://x/a> <http://x/b>",
    "SELECT ?s {}",
])
def test_plain_patterns_are_recognised(query):
    assert plan(query) is not None


@pytest.mark.parametrize("query", [
    "SELECT * { ?s ?p ?o FILTER(?o = 1) }",
    "SELECT * { ?s ?p ?o OPTIONAL { ?o ?q ?r } }",
    "SELECT * { { ?s ?p ?o } UNION { ?o ?p ?s } }",
    "SELECT * { GRAPH ?g { ?s ?p ?o } }",
    "SELECT * { ?s <http://x/p>+ ?o }",
    "SELECT * { ?s <http://x/p>/<http://x/q> ?o }",
    "SELECT * { ?s ^<http://x/p> ?o }",
    "SELECT * { ?s ?p [] }",
    "SELECT * { ?s ?p _:b }",
    "SELECT * { ?s ?p 42 }",
    "SELECT * { ?s ?p ?o BIND(1 AS ?x) }",
    "SELECT * { ?s ?p ?o } VALUES ?s { <http://x/a> }",
    "SELECT * { { SELECT ?s { ?s ?p ?o } } }",
    "SELECT (COUNT(*) AS ?n) { ?s ?p ?o }",
    "SELECT ?s { ?s ?p ?o } GROUP BY ?s",
    "SELECT * FROM <http://x/g> { ?s ?p ?o }",
    "BASE <http://x/> SELECT * { <a> ?p ?o }",
    "SELECT * { ?s ?p ?o } LIMIT 1 LIMIT 2",
    "SELECT * { ?s ?p ?o } ORDER BY STR(?s)",
    "SELECT * { ?s undeclared:p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "DESCRIBE ?s WHERE { ?s ?p ?o }",
    "SELECT * { ?s ?p ?o",
])
def test_everything_else_goes_to_a_worker(query):
    assert plan(query) is None


def test_constants_not_read_exactly_count_as_any_term():
    escaped = plan(r'SELECT * { <http://x/a%62> ?p "a\"b" }').patterns[0]
    assert escaped == (None, None, None)
    assert plan(r"SELECT * { <http://x/\u0061> ?p ?o }") is None  # an escaped IRI is not even read


# --- the bound ----------------------------------------------------------------------------------

def test_a_lookup_is_within_the_budget_and_everything_is_not(stores):
    database = stores[0]._database()
    assert admits(database, plan(PREFIXES + LOOKUPS["properties"]))
    assert not admits(database, plan("SELECT * { ?s ?p ?o }"))  # more than CAP matches
    groups = " ".join(f"?g{i} a kd:CitizenGroup ." for i in range(4))  # ~20 groups: 20^4 join steps
    assert not admits(database, plan(PREFIXES + f"SELECT * {{ {groups} }}"))
    assert BUDGET < 20 ** 4


def test_a_describe_is_admitted_up_to_cap_triples(stores, monkeypatch):
    from publisher.store import bounded

    database, query = stores[0]._database(), plan(PREFIXES + LOOKUPS["describe-two"])
    assert admits(database, query)
    monkeypatch.setattr(bounded, "CAP", 5)  # the group alone has more triples than that
    assert not admits(database, query)


def test_an_over_budget_pattern_still_stops_at_its_deadline(stores):
    inline, _ = stores
    groups = " ".join(f"?g{i} a kd:CitizenGroup ." for i in range(7))
    query = PREFIXES + f"SELECT * {{ {groups} }} ORDER BY ?g0"  # 20^7 rows to sort
    before = inline.pool.calls
    with pytest.raises(QueryTimeout):
        inline.query(query, result_format=by_name("json"), timeout=0.5, max_rows=10)
    assert inline.pool.calls == before + 1


# --- the same answers ---------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(LOOKUPS))
def test_lookups_are_answered_here_as_a_worker_answers_them(stores, name):
    inline, workers = stores
    query = PREFIXES + LOOKUPS[name]
    for fmt in FORMATS[kind_of(LOOKUPS[name])]:
        before = inline.pool.calls
        mine = inline.query(query, result_format=by_name(fmt), timeout=10, max_rows=1000)
        theirs = workers.query(query, result_format=by_name(fmt), timeout=10, max_rows=1000)
        assert inline.pool.calls == before, f"{name} was sent to a worker"
        assert mine.body == theirs.body and mine.row_count == theirs.row_count, (name, fmt)
        assert mine.body.strip() not in (b"", b"[]") and mine.truncated is theirs.truncated is False


def test_truncation_is_the_same(stores):
    inline, workers = stores
    query = PREFIXES + LOOKUPS["properties"]
    mine, theirs = (s.query(query, result_format=by_name("json"), timeout=10, max_rows=3) for s in stores)
    assert mine.truncated and theirs.truncated and mine.body == theirs.body and mine.row_count == 3


def test_syntax_errors_are_the_same(stores):
    inline, workers = stores
    query = "SELECT ?s WHERE { ?s <http://x/p> 'unterminated }"
    errors = []
    for store in stores:
        with pytest.raises(Exception) as caught:
            store.query(query, result_format=by_name("json"), timeout=10, max_rows=10)
        errors.append((type(caught.value), str(caught.value)))
    assert errors[0] == errors[1]


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_every_test_query_gets_the_same_answer_either_way(stores, name):
    query = QUERIES[name]
    fmt = by_name("ntriples" if stores[0].analyze(query).kind == "graph" else "json")
    mine, theirs = (s.query(query, result_format=fmt, timeout=30, max_rows=10_000) for s in stores)
    assert mine.body == theirs.body



def test_lookups_are_answered_while_every_worker_is_busy(release):
    """With its only worker on an hours-long query, a store still answers lookups at once: they need no worker."""
    import threading
    import time

    with open_store("embedded", store_dir=release.release_dir / "store", workers=1) as store:
        assert store.warm(30)
        endless = PREFIXES + "SELECT (COUNT(*) AS ?n) { " + " ".join(f"?a{i} ?b{i} ?c{i} ." for i in range(5)) + " }"
        outcome: list = []
        stuck = threading.Thread(target=lambda: outcome.append(pytest.raises(QueryTimeout, store.query, endless,
                                                                             result_format=by_name("json"),
                                                                             timeout=3, max_rows=10)))
        stuck.start()
        time.sleep(0.3)
        started = time.monotonic()
        answer = store.query(PREFIXES + LOOKUPS["properties"], result_format=by_name("json"), timeout=0.5,
                             max_rows=100)
        assert answer.row_count > 5 and time.monotonic() - started < 0.5
        stuck.join(10)
        assert outcome, "the endless query should have stopped at its deadline"
