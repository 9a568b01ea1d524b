"""Query worker processes: deadlines that really stop work, concurrency, crashes, forks, overhead."""
from __future__ import annotations

import os
import pickle
import signal
import statistics
import threading
import time

import pytest

from publisher.formats import by_name
from publisher.store import QueryFailed, QueryTimeout, StoreUnavailable, open_store
from publisher.store.querypool import QueryPool
from tests.test_store_data import GROUP_1, store, store_dir  # noqa: F401

JSON = by_name("json")
# FILTER keeps it out of publisher.store.bounded's in-process path: these tests are about the workers.
SMALL = "SELECT ?s WHERE { ?s a <http://imi.go.jp/ns/core/rdf#組織型> FILTER(isIRI(?s)) }"
# A six-way cartesian product of the ~70 fixture triples with a filter: hours of work.
ENDLESS = """SELECT (COUNT(*) AS ?n) WHERE {
  ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l . ?m ?n1 ?o . ?q ?r ?t
  FILTER(CONCAT(STR(?c), STR(?f), STR(?i), STR(?l), STR(?o)) = STR(?t))
}"""


def small(store, timeout: float = 10.0) -> int:
    return store.query(SMALL, result_format=JSON, timeout=timeout, max_rows=100).row_count


def is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def exited(pid: int) -> bool:
    """Whether our child `pid` has fully exited (all its threads), without reaping it."""
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def wait_until(condition, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return False


class Background(threading.Thread):
    """Run one query in a thread; keep its answer or exception and how long it took."""

    def __init__(self, store, sparql: str, timeout: float):
        super().__init__(daemon=True)
        self.store, self.sparql, self.timeout = store, sparql, timeout
        self.outcome, self.seconds = None, None
        self.start()

    def run(self):
        started = time.monotonic()
        try:
            self.outcome = self.store.query(self.sparql, result_format=JSON, timeout=self.timeout,
                                            max_rows=10)
        except Exception as error:  # noqa: BLE001 - the test inspects it
            self.outcome = error
        self.seconds = time.monotonic() - started


@pytest.fixture()
def single(store_dir):
    """A store with one query worker, beside the module's two-worker store on the same files."""
    opened = open_store(store_dir=store_dir, workers=1)
    assert opened.warm(30)
    yield opened
    opened.close()


def test_timeout_kills_the_worker_and_the_next_query_is_answered(store):
    before = store.pool.pids()
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as stopped:
        store.query(ENDLESS, result_format=JSON, timeout=1.5, max_rows=10)
    assert 1.5 <= time.monotonic() - started < 3.0
    assert not stopped.value.busy and "1.5" in stopped.value.message("ja")
    assert sum(not is_running(pid) for pid in before) == 1
    started = time.monotonic()
    assert small(store) == 3
    assert time.monotonic() - started < 2.0
    assert store.warm(30) and len(store.pool.pids()) == 2


def test_queries_from_threads_are_answered_while_one_is_stuck(store):
    stuck = Background(store, ENDLESS, timeout=3.0)
    results, errors = [], []

    def client():
        try:
            results.extend(small(store) for _ in range(5))
        except Exception as error:  # noqa: BLE001
            errors.append(error)

    clients = [threading.Thread(target=client) for _ in range(8)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(30)
    stuck.join(10)
    assert errors == [] and results == [3] * 40
    assert isinstance(stuck.outcome, QueryTimeout)


def test_waiting_for_a_busy_pool_is_bounded_by_the_deadline(single):
    stuck = Background(single, ENDLESS, timeout=2.0)
    time.sleep(0.2)
    started = time.monotonic()
    with pytest.raises(QueryTimeout) as waited:
        small(single, timeout=0.5)
    assert time.monotonic() - started < 1.5
    assert waited.value.busy and "busy" in waited.value.message("en")
    stuck.join(10)
    assert isinstance(stuck.outcome, QueryTimeout)
    assert small(single) == 3


def test_a_worker_killed_while_idle_is_replaced_silently(single):
    [pid] = single.pool.pids()
    os.kill(pid, signal.SIGKILL)
    assert wait_until(lambda: exited(pid))
    assert small(single) == 3
    assert single.pool.pids() != [pid]


def test_a_worker_killed_during_a_query_gives_a_clear_error(single):
    [pid] = single.pool.pids()
    running = Background(single, ENDLESS, timeout=30.0)
    time.sleep(0.3)
    os.kill(pid, signal.SIGKILL)
    running.join(5)
    assert isinstance(running.outcome, QueryFailed) and running.seconds < 2.0
    assert f"pid {pid}" in running.outcome.message("en") and "signal 9" in running.outcome.detail
    assert small(single) == 3


def test_a_forked_child_starts_its_own_workers(store):
    """gunicorn --preload: the store object is made before the fork and used after it."""
    assert small(store) == 3 and store.exists(GROUP_1)
    parent_pids = store.pool.pids()
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child
        try:
            report = (small(store), store.exists(GROUP_1), store.pool.pids())
            store.close()
        except BaseException as error:  # noqa: BLE001
            report = repr(error)
        os.write(write, pickle.dumps(report))
        os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as stream:
        report = pickle.loads(stream.read())
    os.waitpid(child, 0)
    rows, exists, child_pids = report
    assert (rows, exists) == (3, True)
    assert child_pids and not set(child_pids) & set(parent_pids)
    assert store.pool.pids() == parent_pids and small(store) == 3


def test_ipc_overhead_is_well_under_a_millisecond(store, record_property):
    store.warm(30)
    pings = []
    for _ in range(300):
        started = time.perf_counter()
        store.pool.call({"op": "ping"}, 5.0)
        pings.append(time.perf_counter() - started)
    asks = []
    for _ in range(100):
        started = time.perf_counter()
        store.query("ASK { ?s ?p ?o }", result_format=JSON, timeout=5, max_rows=1)
        asks.append(time.perf_counter() - started)
    record_property("ipc_round_trip_us", round(statistics.median(pings) * 1e6))
    record_property("ask_round_trip_us", round(statistics.median(asks) * 1e6))
    assert statistics.median(pings) < 0.001
    assert statistics.median(asks) < 0.005


def test_a_closed_store_refuses_queries(store_dir):
    opened = open_store(store_dir=store_dir, workers=1)
    assert opened.warm(30)
    pids = opened.pool.pids()
    opened.close()
    assert wait_until(lambda: not any(is_running(pid) for pid in pids))
    with pytest.raises(QueryFailed, match="closed"):
        small(opened)


def test_a_worker_that_cannot_open_the_store_fails_fast(tmp_path):
    pool = QueryPool(tmp_path / "missing", size=1, start_timeout=30)
    started = time.monotonic()
    with pytest.raises(QueryFailed, match="cannot open the store"):
        pool.call({"op": "ping"}, 20.0)
    assert time.monotonic() - started < 10
    pool.close()


def test_a_missing_store_is_unavailable(tmp_path):
    with pytest.raises(StoreUnavailable, match="run the build first"):
        open_store(store_dir=tmp_path)
