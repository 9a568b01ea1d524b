"""A load generator: client threads on a mix of cheap and expensive requests for a fixed time."""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field

import requests

from .support import Server, percentile

CHEAP_QUERY = ("PREFIX kd: <https://w3id.org/kyodo-lod/def#> "
               "SELECT ?g WHERE { ?g a kd:CitizenGroup } ORDER BY ?g LIMIT 5")
CHEAP = [  # (label, method, path, form)
    ("health", "GET", "health", None),
    ("landing", "GET", "", None),
    ("sparql-cheap", "POST", "sparql", {"query": CHEAP_QUERY, "format": "json"}),
    ("resource-page", "GET", "doc/group/birdconnect.html", None),
    ("resource-turtle", "GET", "doc/group/birdconnect.ttl", None),
    ("downloads-index", "GET", "downloads.json", None),
]
EXPENSIVE = [
    ("cartesian", "POST", "sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"}),
    ("path-star", "POST", "sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s (<http://x/p>|!<http://x/p>)* ?o . "
                                              "?o (<http://x/p>|!<http://x/p>)* ?z }"}),
    ("describe-all", "POST", "sparql", {"query": "DESCRIBE ?s WHERE { ?s ?p ?o }", "format": "ntriples"}),
    ("sort-all", "POST", "sparql", {"query": "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY ?c ?f LIMIT 1"}),
]


@dataclass
class Sample:
    label: str
    cheap: bool
    status: int  # 0: no answer (connection error)
    seconds: float


@dataclass
class LoadReport:
    seconds: float
    samples: list[Sample] = field(default_factory=list)

    def of(self, cheap: bool) -> list[Sample]:
        return [s for s in self.samples if s.cheap == cheap]

    def statuses(self, cheap: bool) -> dict[int, int]:
        counts: dict[int, int] = {}
        for sample in self.of(cheap):
            counts[sample.status] = counts.get(sample.status, 0) + 1
        return dict(sorted(counts.items()))

    def latency(self, cheap: bool, share: float) -> float:
        return percentile([s.seconds for s in self.of(cheap)], share)

    def summary(self) -> str:
        cheap, costly = self.of(True), self.of(False)
        return (f"{len(self.samples)} requests in {self.seconds:.0f} s; cheap: {len(cheap)}, statuses "
                f"{self.statuses(True)}, p50 {self.latency(True, 0.5) * 1000:.0f} ms, "
                f"p95 {self.latency(True, 0.95) * 1000:.0f} ms, max {self.latency(True, 1.0) * 1000:.0f} ms; "
                f"expensive: {len(costly)}, statuses {self.statuses(False)}, "
                f"p50 {self.latency(False, 0.5):.2f} s")


def run_load(server: Server, *, seconds: float, cheap_clients: int, expensive_clients: int) -> LoadReport:
    """Each client thread loops over its list of requests until the time is up."""
    stop_at = time.monotonic() + seconds
    report = LoadReport(seconds)
    lock = threading.Lock()

    def client(requests_: list, cheap: bool, offset: int) -> None:
        session = requests.Session()
        i = offset
        while time.monotonic() < stop_at:
            label, method, path, form = requests_[i % len(requests_)]
            sample = Sample(label, cheap, *timed(session, server.root + path, method, form))
            with lock:
                report.samples.append(sample)
            i += 1

    threads = [threading.Thread(target=client, args=(CHEAP, True, n)) for n in range(cheap_clients)]
    threads += [threading.Thread(target=client, args=(EXPENSIVE, False, n)) for n in range(expensive_clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 60)
    return report


def timed(session: requests.Session, url: str, method: str, form: dict | None) -> tuple[int, float]:
    started = time.monotonic()
    try:
        answer = session.request(method, url, data=form, timeout=60)
        status = answer.status_code
    except requests.RequestException:
        status = 0
    return status, time.monotonic() - started


def main() -> None:
    """python -m tests.adversarial.load OUTPUT_DIR [--seconds 60 --cheap 6 --expensive 4 --env KEY=VALUE ...]:
    the figures of bench/adversarial.md, on a fresh server (gunicorn) serving OUTPUT_DIR's current release."""
    import argparse
    import tempfile
    from pathlib import Path

    from .support import running_server

    parser = argparse.ArgumentParser()
    parser.add_argument("output_dir", type=Path)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--cheap", type=int, default=6)
    parser.add_argument("--expensive", type=int, default=4)
    parser.add_argument("--base-iri", default="https://data.example.jp/kyodo/")
    parser.add_argument("--env", action="append", default=[], help="KYODO_NAME=value for the server")
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.env)
    with running_server(args.output_dir, args.base_iri, Path(tempfile.mkdtemp()), **env) as server:
        for _ in range(4):
            for _label, method, path, form in CHEAP:
                server.get(path) if method == "GET" else server.sparql(form["query"])
        before = server.rss_mib()
        report = run_load(server, seconds=args.seconds, cheap_clients=args.cheap, expensive_clients=args.expensive)
        print(f"{report.summary()}; RSS {before:.0f} -> {server.rss_mib():.0f} MiB "
              f"({len(server.all_pids())} processes)")


if __name__ == "__main__":
    main()
