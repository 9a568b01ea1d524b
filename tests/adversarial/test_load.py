"""Load: many client threads on a mix of cheap and expensive requests for a fixed time. Cheap requests get no 5xx
and are not stalled behind expensive ones; memory does not keep growing. The figures are printed (run with -s, or
see bench/adversarial.md); only generous bounds that prove "not stalled" are asserted.

KYODO_SOAK=1 runs for minutes and samples memory along the way."""
from __future__ import annotations

import threading
import time

import pytest

from .load import CHEAP, EXPENSIVE, run_load
from .support import SOAK, running_server

SECONDS = 300 if SOAK else 12
TIMEOUT = 3.0  # KYODO_QUERY_TIMEOUT of running_server
CARTESIAN = EXPENSIVE[0][3]["query"]


@pytest.fixture(scope="module")
def load_server(own_server):
    return own_server


def warm_up(server) -> None:
    """Every cheap request once per web worker, so that per-release caches are filled before measuring."""
    for _ in range(4):
        for _label, method, path, form in CHEAP:
            server.get(path) if method == "GET" else server.sparql(form["query"])


@pytest.mark.slow
def test_cheap_requests_are_served_while_expensive_ones_run(load_server, record_property):
    warm_up(load_server)
    rss_before = load_server.rss_mib()
    samples = []
    report = None
    rounds = 5 if SOAK else 1
    for _ in range(rounds):
        report = run_load(load_server, seconds=SECONDS / rounds, cheap_clients=6, expensive_clients=4)
        samples.append(load_server.rss_mib())
        assert_cheap_answered(report)
    summary = (f"{report.summary()}; RSS {rss_before:.0f} MiB before, after each round: "
               + ", ".join(f"{s:.0f}" for s in samples) + " MiB")
    print("\nload:", summary)
    record_property("load", summary)
    assert samples[-1] < rss_before * 1.5 + 100, summary  # not growing without bound
    if SOAK:
        assert samples[-1] < samples[1] * 1.2 + 50, summary  # flat once warm


def assert_cheap_answered(report) -> None:
    statuses = report.statuses(cheap=True)
    assert set(statuses) == {200}, report.summary()
    assert set(report.statuses(cheap=False)) <= {200, 503}, report.summary()
    assert report.latency(True, 0.95) < TIMEOUT, report.summary()  # not queued behind expensive queries
    assert report.latency(True, 1.0) < 2 * TIMEOUT + 5, report.summary()
    assert len(report.of(True)) > 50 * report.seconds / 15, report.summary()


# --- a cheap query never waits for a query worker -------------------------------------------------------

@pytest.fixture(scope="module")
def one_worker_server(settings, release, tmp_path_factory):
    """One web worker with the default threads and query workers: every request meets the same pool."""
    import shutil

    folder = tmp_path_factory.mktemp("one-worker")
    shutil.copytree(settings.output_dir, folder / "dist")
    with running_server(folder / "dist", settings.base_iri, folder, KYODO_WORKERS="1") as server:
        yield server


@pytest.mark.slow
def test_a_cheap_query_is_not_stuck_behind_expensive_ones_in_the_pool(one_worker_server, settings):
    """With fewer query workers than threads, a cheap query waited for one until the time limit (503)."""
    assert settings.query_workers >= settings.threads
    warm = [threading.Thread(target=one_worker_server.sparql, args=("ASK {}",)) for _ in range(settings.threads)]
    for thread in warm:  # every query worker started
        thread.start()
    for thread in warm:
        thread.join(60)
    expensive = [threading.Thread(target=one_worker_server.sparql, args=(CARTESIAN,))
                 for _ in range(settings.threads - 1)]
    for thread in expensive:
        thread.start()
    time.sleep(0.5)
    started = time.monotonic()
    answer = one_worker_server.sparql("ASK { ?s ?p ?o }", headers={"Accept": "text/plain"})
    assert (answer.status_code, answer.text) == (200, '{"head":{},"boolean":true}')
    assert time.monotonic() - started < TIMEOUT / 2
    for thread in expensive:
        thread.join(30)


# --- caches do not grow with what clients send ---------------------------------------------------------

@pytest.mark.parametrize("path,names_the_host", [
    ("/catalog.ttl", True), ("/catalog.jsonld", True), ("/.well-known/void", True),
    ("/doc/group/birdconnect.ttl", True), ("/doc/group/birdconnect.html", True), ("/sparql", True),
    ("/def.ttl", False)])
def test_per_release_caches_do_not_grow_with_host_headers(app, client, path, names_the_host):
    client.get(path, headers={"Host": "warm.example"})
    cache = app.config["KYODO_RELEASES"].current().cache
    size = len(cache)
    for i in range(200):
        answer = client.get(path, headers={"Host": f"h{i}.example:{8000 + i}"})
        assert answer.status_code == 200
        assert (f"//h{i}.example:{8000 + i}/".encode() in answer.data) == names_the_host
    assert len(cache) == size


def test_rss_is_measured_over_every_process(load_server):
    """The control for the memory figures: master, web workers and their query workers all count."""
    pids = load_server.all_pids()
    assert len(load_server.web_workers()) == 2 and len(pids) >= 3
    started = time.monotonic()
    assert load_server.rss_mib() > 50
    assert time.monotonic() - started < 5
