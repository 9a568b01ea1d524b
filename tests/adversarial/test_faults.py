"""Faults while serving: a build killed half-way, a new release swapped in under load, a web worker and a query
worker killed mid-request. The served data is never half old and half new, and the service goes on."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from publisher.build import CURRENT_FILE
from tests.conftest import copy_data

from .support import SOAK, alive, children, running_server, wait_for

COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g"
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { ?s a <https://w3id.org/kyodo-lod/def#CitizenGroup> }"
NEW_GROUP = """groups:
  adversarial-reload-test:
    name: {ja: 再読み込み試験の会, en: Reload Test Group}
    source: [newsletter-2025]

"""


@pytest.fixture(scope="module")
def edited_data(tmp_path_factory) -> Path:
    """data/ with one more group: the groups graph (and the catalog's counts) grow."""
    data = copy_data(tmp_path_factory.mktemp("edited"))
    path = data / "groups.yaml"
    text = path.read_text("utf-8")
    assert text.count("groups:\n") == 1
    path.write_text(text.replace("groups:\n", NEW_GROUP, 1), "utf-8")
    return data


@pytest.fixture(scope="module")
def reload_server(settings, release, tmp_path_factory):
    """A server on a copy of the test build, which the tests here build new releases into."""
    folder = tmp_path_factory.mktemp("reload")
    shutil.copytree(settings.output_dir, folder / "dist")
    with running_server(folder / "dist", settings.base_iri, folder) as server:
        server.output_dir = folder / "dist"
        yield server


def build_command(data: Path, output: Path, base_iri: str) -> list[str]:
    return [sys.executable, "-m", "publisher.cli", "build", "--data-dir", str(data), "--output-dir", str(output),
            "--base-iri", base_iri, "--lang", "en"]


def graph_counts(server) -> dict[str, int]:
    answer = server.sparql(COUNTS)
    assert answer.status_code == 200, answer.text[:300]
    return {row["g"]["value"]: int(row["n"]["value"]) for row in answer.json()["results"]["bindings"]}


# --- a build killed half-way ---------------------------------------------------------------------------

def test_a_build_killed_half_way_leaves_the_served_release(reload_server, edited_data, settings):
    output = reload_server.output_dir
    before_version = reload_server.get("health").json()["version"]
    before_counts = graph_counts(reload_server)
    pointer = (output / CURRENT_FILE).read_text()
    proc = subprocess.Popen(build_command(edited_data, output, settings.base_iri),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    staged = wait_for(lambda: [p for p in (output / "releases").iterdir() if p.name.startswith(".")]
                      or proc.poll() is not None, seconds=60, step=0.002)
    assert proc.poll() is None, "the build finished before it could be killed while writing"
    assert staged
    assert reload_server.get("health").json()["version"] == before_version  # served while the build writes
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert (output / CURRENT_FILE).read_text() == pointer
    time.sleep(2.5)  # past the server's check interval: it looked at CURRENT again
    assert reload_server.get("health").json()["version"] == before_version
    assert graph_counts(reload_server) == before_counts
    complete = [p for p in (output / "releases").iterdir() if not p.name.startswith(".")]
    assert all((p / "manifest.json").is_file() for p in complete)
    finished = subprocess.run(build_command(edited_data, output, settings.base_iri), capture_output=True, text=True)
    assert finished.returncode == 0, finished.stderr
    hidden = sorted(p.name for p in (output / "releases").iterdir() if p.name.startswith("."))
    assert hidden == [], "the next build removes what the killed one staged"


# --- a new release swapped in while clients hammer the server ------------------------------------------

class Hammer:
    """Client threads that record (graph counts) from /sparql and (version) from /health until stopped."""

    def __init__(self, server, clients: int = 4):
        self.server, self.stop = server, threading.Event()
        self.counts: list = []
        self.versions: list = []
        self.errors: list = []
        self.threads = [threading.Thread(target=self.run) for _ in range(clients)]

    def run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                answer = session.post(self.server.root + "sparql", data={"query": COUNTS, "format": "json"}, timeout=30)
                health = session.get(self.server.root + "health", timeout=30)
            except requests.RequestException as error:
                self.errors.append(repr(error))
                continue
            if answer.status_code != 200 or health.status_code != 200:
                self.errors.append((answer.status_code, health.status_code, answer.text[:200]))
                continue
            rows = answer.json()["results"]["bindings"]
            self.counts.append(tuple(sorted((r["g"]["value"], int(r["n"]["value"])) for r in rows)))
            self.versions.append(health.json()["version"])

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(60)


def swap(server, data: Path, base_iri: str) -> str:
    """Build `data` into the served folder; wait until every web worker serves it; its version."""
    done = subprocess.run(build_command(data, server.output_dir, base_iri), capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    version = (server.output_dir / CURRENT_FILE).read_text().strip()
    served = wait_for(lambda: all(server.get("health").json()["version"] == version for _ in range(8)), seconds=30)
    assert served, f"the server did not switch to {version}"
    return version


@pytest.mark.slow
def test_a_new_release_is_swapped_in_whole_while_serving(reload_server, edited_data, settings, tmp_path):
    """Flip between two builds while clients ask; each answer is one release's counts, never a mix."""
    original = copy_data(tmp_path)
    versions = {reload_server.get("health").json()["version"]}
    quiescent = {tuple(sorted(graph_counts(reload_server).items()))}
    with Hammer(reload_server) as hammer:
        time.sleep(1.0)
        for data in [edited_data, original] * (5 if SOAK else 1):
            versions.add(swap(reload_server, data, settings.base_iri))
            quiescent.add(tuple(sorted(graph_counts(reload_server).items())))
            time.sleep(1.0)
    assert len(quiescent) >= 2  # the edit changed the counts
    assert hammer.errors == []
    assert len(hammer.counts) > 20 and len(set(hammer.versions)) >= 2
    assert set(hammer.versions) <= versions
    assert set(hammer.counts) <= quiescent  # every answer entirely one release or another


# --- processes killed mid-request -----------------------------------------------------------------------

def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    return int(fields[11]) + int(fields[12])


def busiest_query_worker(server) -> int:
    """The query worker using the most CPU (the one running the slow query) over a short interval."""
    pids = server.query_workers()
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(0.5)
    return max(pids, key=lambda pid: cpu_ticks(pid) - before[pid])


def parent_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


class SlowRequest(threading.Thread):
    def __init__(self, server):
        super().__init__()
        self.server, self.answer, self.error = server, None, None
        self.start()
        time.sleep(0.5)

    def run(self) -> None:
        try:
            self.answer = requests.post(self.server.root + "sparql", data={"query": SLOW},
                                        headers={"Accept": "text/plain"}, timeout=60)
        except requests.RequestException as error:
            self.error = error


def assert_service_goes_on(server) -> None:
    for _ in range(10):
        assert server.get("health").status_code == 200
        answer = server.sparql(CHEAP)
        assert (answer.status_code, answer.json()["boolean"]) == (200, True)
        assert server.get("doc/group/birdconnect.ttl").status_code == 200


def test_a_query_worker_killed_mid_query_gives_503_and_is_replaced(own_server):
    slow = SlowRequest(own_server)
    victim = busiest_query_worker(own_server)
    count = len(own_server.query_workers())
    os.kill(victim, signal.SIGKILL)
    slow.join(30)
    assert slow.answer is not None and slow.answer.status_code == 503
    assert slow.answer.text.splitlines()[0] == (
        f"503: The query was interrupted: its worker process (pid {victim}) ended (it was killed by signal 9). "
        "Please try again.")
    assert slow.answer.headers["Retry-After"] == "1"
    assert wait_for(lambda: len(own_server.query_workers()) == count and victim not in
                    own_server.query_workers(), seconds=30)
    assert_service_goes_on(own_server)


def test_a_web_worker_killed_mid_request_is_replaced(own_server):
    workers = set(own_server.web_workers())
    slow = SlowRequest(own_server)
    query_worker = busiest_query_worker(own_server)
    victim = parent_of(query_worker)
    orphans = children(victim)
    os.kill(victim, signal.SIGKILL)
    slow.join(30)
    assert slow.answer is None and isinstance(slow.error, requests.ConnectionError)  # its connection died with it
    replaced = wait_for(lambda: len(set(own_server.web_workers()) - workers) == 1
                        and len(own_server.web_workers()) == len(workers), seconds=30)
    assert replaced, own_server.web_workers()
    assert victim not in own_server.web_workers()
    assert wait_for(lambda: not any(alive(pid) for pid in orphans), seconds=10), "query workers outlived their parent"
    assert_service_goes_on(own_server)
    assert f"Worker (pid:{victim}) was sent SIGKILL!" in own_server.log()
