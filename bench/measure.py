"""Latency (one client, kept-alive connection, medians over repeats) and throughput (wrk, or threads).

Each SPARQL request carries a different comment (``#r17``) unless `cached` is asked for: the text, and so
every cache key, differs while the work does not, so the engine is measured rather than a cache. Pages
are measured as served (kyodo keeps a rendered page per release).
"""
from __future__ import annotations

import http.client
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

LUA = """
local counter, thread_id = 0, 0
local template = "%s"
local vary = %s
function setup(thread) thread:set("id", tostring(math.random(1, 1000000000))) end
function init(args) thread_id = id end
wrk.headers["Accept"] = "%s"
request = function()
  counter = counter + 1
  local path = template
  if vary then path = path .. "%%0A%%23" .. thread_id .. "n" .. counter end
  return wrk.format("GET", path)
end
"""


@dataclass
class Latency:
    p50: float  # milliseconds
    p95: float
    first: float  # the first request (cold)
    errors: int


class Client:
    """One kept-alive connection to a server."""

    def __init__(self, root: str, timeout: float = 120.0):
        host, port = root.split("//", 1)[1].split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=timeout)

    def get(self, path: str, accept: str) -> tuple[int, float, int]:
        started = time.perf_counter()
        try:
            self.connection.request("GET", path, headers={"Accept": accept})
            response = self.connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException):
            self.connection.close()
            return 599, (time.perf_counter() - started) * 1000, 0
        return response.status, (time.perf_counter() - started) * 1000, len(body)

    def close(self) -> None:
        self.connection.close()


def varied(path: str, n: int, vary: bool) -> str:
    return f"{path}%0A%23r{n}" if vary else path


def latency(root: str, path: str, accept: str, *, repeats: int, vary: bool, budget_s: float = 12.0) -> Latency:
    """p50/p95 over `repeats` requests after a first, cold one (stops early past `budget_s`)."""
    client = Client(root)
    try:
        status, first, _ = client.get(varied(path, 0, vary), accept)
        times, errors, started = [], int(status != 200), time.monotonic()
        for n in range(1, repeats + 1):
            status, ms, _ = client.get(varied(path, n, vary), accept)
            errors += status != 200
            times.append(ms)
            if time.monotonic() - started > budget_s and len(times) >= 5:
                break
    finally:
        client.close()
    times.sort()
    return Latency(statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))], first, errors)


def latency_interleaved(targets: list[tuple[str, str, str]], *, repeats: int, vary: bool,
                        budget_s: float = 12.0) -> list[Latency]:
    """Latency of several servers measured in turns (a, b, c, a, b, c, ...), each on its own connection.

    Whatever else the machine is doing then weighs on every server alike, so their ratios hold even on
    a busy machine. `targets` are (root, path, accept); a server past `budget_s` stops taking turns.
    """
    clients = [Client(root) for root, _, _ in targets]
    times: list[list[float]] = [[] for _ in targets]
    first, errors, spent = [0.0] * len(targets), [0] * len(targets), [0.0] * len(targets)
    try:
        for n in range(repeats + 1):
            for i, (client, (_, path, accept)) in enumerate(zip(clients, targets)):
                if n > 5 and spent[i] > budget_s:
                    continue
                status, ms, _ = client.get(varied(path, n, vary), accept)
                errors[i] += status != 200
                spent[i] += ms / 1000
                if n == 0:
                    first[i] = ms
                else:
                    times[i].append(ms)
    finally:
        for client in clients:
            client.close()
    found = []
    for i, values in enumerate(times):
        values.sort()
        found.append(Latency(statistics.median(values), values[min(len(values) - 1, int(len(values) * 0.95))],
                             first[i], errors[i]))
    return found


@dataclass
class Throughput:
    rps: float
    errors: int
    tool: str


def throughput(root: str, path: str, accept: str, *, seconds: float, connections: int = 8,
               vary: bool) -> Throughput:
    if shutil.which("wrk"):
        return with_wrk(root, path, accept, seconds, connections, vary)
    return with_threads(root, path, accept, seconds, connections, vary)


def with_wrk(root: str, path: str, accept: str, seconds: float, connections: int, vary: bool) -> Throughput:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % (path.replace('"', '\\"'), "true" if vary else "false", accept))
    try:
        done = subprocess.run(["wrk", "-t2", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
                               "-s", script.name, root], capture_output=True, text=True, timeout=seconds + 60)
    finally:
        Path(script.name).unlink()
    rate = re.search(r"Requests/sec:\s+([\d.]+)", done.stdout)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", done.stdout)
    errors = re.search(r"Socket errors:.*timeout (\d+)", done.stdout)
    return Throughput(float(rate.group(1)) if rate else 0.0,
                      (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0), "wrk")


def with_threads(root: str, path: str, accept: str, seconds: float, connections: int, vary: bool) -> Throughput:
    counts, errors, stop = [0] * connections, [0] * connections, time.monotonic() + seconds

    def run(i: int) -> None:
        client, n = Client(root), 0
        while time.monotonic() < stop:
            n += 1
            status, _, _ = client.get(varied(path, i * 10_000_000 + n, vary), accept)
            counts[i] += 1
            errors[i] += status != 200
        client.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(connections)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return Throughput(sum(counts) / (time.monotonic() - started), sum(errors), "python threads")


def quoted(text: str) -> str:
    return quote(text, safe="")
