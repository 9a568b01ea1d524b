"""The benchmark, end to end, in one command; writes bench/RESULTS.md.

    .venv/bin/python -m bench.run                          # 10k and 100k triples
    .venv/bin/python -m bench.run --sizes 10k,100k,1m --quick
    python bench/run.py --sizes 10k --engines kyodo-embedded,oxigraph,static

At each size: synthetic data (bench.generate) becomes a release; its SHACL validation is timed; then the
servers are started on it in two groups (kyodo-embedded, the Oxigraph server, rdflib-endpoint and the
static baseline; then Virtuoso and kyodo-remote), each timed until it answers. Within a group every request
of bench.queries is sent to the servers in turns (latency), and each server is put under load in turns
(throughput, the median of the rounds), so whatever else the machine does weighs on all of them alike;
memory is sampled throughout. The real data's build is timed too.
Needs: wrk (Debian: apt-get install wrk; else a slower Python load generator is used), virtuoso-t for the
Virtuoso engines, and the `bench` extra (pip install -e '.[bench]': the Oxigraph server and rdflib-endpoint).
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

if __package__ in (None, ""):  # python bench/run.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench import generate, measure, report, servers  # noqa: E402
from bench.queries import PAGES, PROBE, QUERIES  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ENGINES = ("static", "kyodo-embedded", "oxigraph", "rdflib-endpoint", "virtuoso", "kyodo-remote")
# What is put under load (besides latency, measured for everything): a new SPARQL query each time, the same
# query again (kyodo answers it from its per-release cache), the pages, and the static baseline.
THROUGHPUT = ("static", "lookup", "year-category-counts", "three-way-join", "search-ja", "describe",
              "lookup-cached", "year-category-counts-cached", "doc-html", "doc-ttl")
CACHED = ("lookup", "year-category-counts")


def options(argv):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated sizes: 10k, 100k, 1m (default 10k,100k)")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and shorter load runs")
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"subset of {','.join(ENGINES)}")
    parser.add_argument("--rdflib-max", default="100k", help="largest size rdflib-endpoint is run at (it is slow)")
    parser.add_argument("--validation-max", default="1m", help="largest size whose SHACL validation is timed")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="working folder (data, logs)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "RESULTS.md")
    return parser.parse_args(argv)


class Bench:
    def __init__(self, args):
        self.args, self.quick = args, args.quick
        self.engines = [e for e in args.engines.split(",") if e]
        self.repeats = 9 if args.quick else 21
        self.seconds = 2 if args.quick else 3  # one load run
        self.rounds = 2 if args.quick else 3  # load runs per server and request, in turns; the median counts
        self.sampler = servers.PeakSampler()

    # --- one size --------------------------------------------------------------------------------------

    def run_size(self, label: str) -> dict:
        size = generate.parse_size(label)
        if size >= 1_000_000:  # queries take seconds here: fewer repeats keep a full run near 20 minutes
            self.repeats, self.rounds = min(self.repeats, 9), min(self.rounds, 2)
        folder = self.args.out / label
        shutil.rmtree(folder, ignore_errors=True)
        print(f"== {label}: generating", flush=True)
        data = generate.write_release(size, folder)
        result = {"label": label, "size": size, "quads": data["quads"], "engines": {},
                  "timings": {"generate_s": data["generate_s"], "store_load_s": data["store_load_s"]}}
        if size <= generate.parse_size(self.args.validation_max):
            print(f"== {label}: validating", flush=True)
            result["timings"].update(validate(data["release"] / "kyodo.nq"))
        logs = folder / "logs"
        logs.mkdir(exist_ok=True)
        local = [e for e in ("static", "kyodo-embedded", "oxigraph", "rdflib-endpoint") if e in self.engines
                 and not (e == "rdflib-endpoint" and size > generate.parse_size(self.args.rdflib_max))]
        if local:
            print(f"== {label}: {', '.join(local)}", flush=True)
            result["engines"].update(self.run_group([self.start(e, folder, data, logs) for e in local]))
        if {"virtuoso", "kyodo-remote"} & set(self.engines):
            result["engines"].update(self.run_virtuoso(folder, data, logs, result["timings"]))
        return result

    def start(self, engine: str, folder: Path, data: dict, logs: Path) -> servers.Server:
        """Start one server and time it until it answers (the others of its group are idle meanwhile)."""
        dist, release = folder / "dist", data["release"]
        starters = {
            "static": lambda: servers.start_static(logs / "static.log"),
            "kyodo-embedded": lambda: servers.start_kyodo(engine, dist, logs / f"{engine}.log"),
            "oxigraph": lambda: servers.start_oxigraph(release / "store" / "oxigraph", logs / "oxigraph.log"),
            "rdflib-endpoint": lambda: servers.start_rdflib_endpoint(release / "kyodo.nq", logs / "rdflib.log"),
        }
        server = starters[engine]()
        self.sampler.watch(server.name, server.sid)
        wait_static(server) if engine == "static" else server.wait_ready(PROBE)
        return server

    def run_virtuoso(self, folder: Path, data: dict, logs: Path, timings: dict) -> dict:
        from publisher.store.virtuoso import VirtuosoServer, virtuoso_binary
        from publisher.store.virtuoso_load import load_release

        if virtuoso_binary() is None:
            print("   (virtuoso-t is not installed: Virtuoso engines skipped)", flush=True)
            return {}
        print(f"== {folder.name}: virtuoso, kyodo-remote", flush=True)
        started = time.monotonic()
        vdb = VirtuosoServer.start(folder / "virtuoso", dirs_allowed=[folder], buffers=virtuoso_buffers(data["quads"]))
        timings["virtuoso_start_s"] = time.monotonic() - started
        try:
            started = time.monotonic()
            counts = load_release(vdb.isql, data["release"])
            timings["virtuoso_load_s"] = time.monotonic() - started
            direct = servers.virtuoso_direct(vdb.endpoint, sorted(counts), vdb.pid)
            direct.ready_s = timings["virtuoso_start_s"]
            self.sampler.watch(direct.name, direct.sid)
            group = [direct]
            if "kyodo-remote" in self.engines:
                remote = servers.start_kyodo("kyodo-remote", folder / "dist", logs / "kyodo-remote.log",
                                             {"KYODO_STORE": "remote", "KYODO_REMOTE_ENDPOINT": vdb.endpoint})
                self.sampler.watch(remote.name, remote.sid)
                remote.wait_ready(PROBE)
                group.append(remote)
            return self.run_group(group)
        finally:
            vdb.stop()

    # --- a group of servers, measured in turns -------------------------------------------------------------

    def run_group(self, group: list[servers.Server]) -> dict:
        found = {s.name: {"ready_s": s.ready_s, "latency": {}, "throughput": {}, "pss": 0} for s in group}
        sessions = [s.sid for s in group]
        try:
            for server in group:
                self.warm_up(server)
            servers.wait_idle(sessions)
            for server in group:
                found[server.name]["load"] = os.getloadavg()[0]
            self.latencies(group, found)
            self.throughputs(group, found, sessions)
        finally:
            for server in group:
                server.stop()
                self.sampler.forget(server.name)
                found[server.name]["pss"] = self.sampler.peaks.get(server.name, 0)
        return found

    def requests(self, server: servers.Server) -> list[tuple[str, str, str, bool]]:
        """(name, path, accept, vary) of what this server is asked."""
        if server.name == "static":
            return [("static", "/static", "*/*", False)]
        asked = [(q.name, server.query_url_path(q.text), q.accept, True) for q in QUERIES]
        if server.pages:
            cached = [q for q in QUERIES if q.name in CACHED]
            asked += [(f"{q.name}-cached", server.query_url_path(q.text), q.accept, False) for q in cached]
            asked += [(name, path, accept, False) for name, _, path, accept, _ in PAGES]
        return asked

    def latencies(self, group: list[servers.Server], found: dict) -> None:
        names = list(dict.fromkeys(name for s in group for name, *_ in self.requests(s)))
        for name in names:
            if name.endswith("-cached"):
                continue
            asked = [(s, next(r for r in self.requests(s) if r[0] == name)) for s in group
                     if any(r[0] == name for r in self.requests(s))]
            targets = [(s.root, path, accept) for s, (_, path, accept, _) in asked]
            vary = asked[0][1][3]
            for (server, _), latency in zip(asked, measure.latency_interleaved(targets, repeats=self.repeats,
                                                                               vary=vary)):
                found[server.name]["latency"][name] = latency

    def throughputs(self, group: list[servers.Server], found: dict, sessions: list[int]) -> None:
        for name in THROUGHPUT:
            asked = [(s, r) for s in group for r in self.requests(s) if r[0] == name]
            runs: dict[str, list] = {s.name: [] for s, _ in asked}
            for _ in range(self.rounds):
                for server, (_, path, accept, vary) in asked:
                    latency = found[server.name]["latency"].get(name.removesuffix("-cached"))
                    runs[server.name].append(measure.throughput(server.root, path, accept,
                                                                seconds=self.load_seconds(latency), vary=vary))
                    servers.wait_idle(sessions)  # requests still queued when the load run ended
            for server_name, results in runs.items():
                found[server_name]["throughput"][name] = median_run(results)

    def warm_up(self, server: servers.Server) -> None:
        """Everything asked once, and a second of load: every thread and connection has started."""
        for name, path, accept, vary in self.requests(server):
            measure.latency(server.root, path, accept, repeats=1, vary=vary, budget_s=5)
        name, path, accept, vary = self.requests(server)[0]
        measure.throughput(server.root, path, accept, seconds=1, vary=vary)

    def load_seconds(self, latency: measure.Latency | None) -> float:
        """Long enough for a slow engine to finish several requests on each connection (at most 20 s)."""
        return min(20.0, max(self.seconds, (latency.p50 / 1000 * 12) if latency else 0))


def median_run(runs: list) -> measure.Throughput:
    ordered = sorted(runs, key=lambda r: r.rps)
    return ordered[len(ordered) // 2]


def wait_static(server: servers.Server, timeout: float = 60) -> None:
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        try:
            if servers.get(server.root, "/static", timeout=5)[0] == 200:
                server.ready_s = time.monotonic() - server._started
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the static server did not start")


def virtuoso_buffers(quads: int) -> int:
    """Enough 8.5 KB buffers to keep the data in memory: about 200 bytes per quad with its indexes."""
    return max(20_000, quads * 200 // 8500)


def validate(nquads: Path) -> dict:
    """pyshacl over the data graphs (the vocabulary is the ontology, the shapes the shapes), via validation_bench."""
    import pyoxigraph as ox
    import rdflib

    from bench import validation_bench
    from publisher.store.embedded import to_rdflib
    from publisher.validation import load_turtle_folder
    from publisher.reports import load_shapes

    started = time.perf_counter()
    data = rdflib.Graph()
    for quad in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        if quad.graph_name.value.startswith(generate.BASE):
            data.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    parsed = time.perf_counter() - started
    ontology, shapes = load_turtle_folder(ROOT / "ontology"), load_shapes(ROOT / "shapes")
    row = validation_bench.measure("synthetic", data, shapes, ontology, None, 1)
    return {"validation_triples": row["triples"], "validation_s": row["total"], "validation_parse_s": parsed,
            "validation_violations": row["violation"]}


def real_build() -> dict:
    """`kyodo build` of the real data into a temporary folder: wall time, and its validation time."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        started = time.monotonic()
        done = subprocess.run([sys.executable, "-m", "publisher.cli", "build", "--output-dir", folder],
                              cwd=ROOT, capture_output=True, text=True)
        wall = time.monotonic() - started
        manifests = list(Path(folder).glob("releases/*/manifest.json"))
        validation = json.loads(manifests[0].read_text())["validation"]["seconds"] if manifests else None
    return {"build_s": wall, "validation_s": validation, "ok": done.returncode == 0,
            "message": (done.stdout + done.stderr).strip().splitlines()[-1:] or [""]}


def main(argv: list[str] | None = None) -> int:
    args = options(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    bench, started = Bench(args), time.monotonic()
    results = {"sizes": [], "real_build": real_build(), "command": " ".join(["python -m bench.run", *(argv or sys.argv[1:])])}
    try:
        for label in [s.strip().lower() for s in args.sizes.split(",") if s.strip()]:
            results["sizes"].append(bench.run_size(label))
    finally:
        bench.sampler.close()
    results["minutes"] = (time.monotonic() - started) / 60
    args.results.write_text(report.render(results, quick=args.quick), "utf-8")
    print(f"wrote {args.results} ({results['minutes']:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
