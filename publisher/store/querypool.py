"""A pool of query worker processes, so that a query past its deadline is really stopped.

Neither pyoxigraph nor rdflib can interrupt a running query, so queries run in separate processes
(`publisher.store.worker`) and a query past its deadline costs its worker a SIGKILL; a replacement
starts in the background.

- Workers are started with ``subprocess`` (fork + exec of a fresh interpreter, like the
  ``spawn`` start method) rather than ``multiprocessing``: nothing is forked from a threaded
  process, and no multiprocessing bookkeeping leaks into gunicorn's forked workers (its exit handler
  would SIGTERM the "children" a forked process inherited).
- Thread-safe: threads share the workers; when all are busy a caller waits for one, within its
  own deadline.
- Fork-safe: a pool used in a forked child (a gunicorn worker with ``--preload``) forgets the
  parent's workers, without touching them, and starts its own on first use.
- A worker that dies while idle is replaced silently; one that dies during a query gives that
  caller a QueryFailed, never a hang.
"""
from __future__ import annotations

import atexit
import math
import os
import pickle
import select
import subprocess
import sys
import threading
import weakref
from pathlib import Path
from time import monotonic

from publisher.store.base import QueryFailed, QueryInterrupted, QueryTimeout
from publisher.store.worker import HEADER, write_message

_POOLS: "weakref.WeakSet[QueryPool]" = weakref.WeakSet()


class WorkerProcess:
    """One worker process and its two pipes."""

    def __init__(self, argv: list[str], env: dict[str, str]):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     env=env, close_fds=True, bufsize=0)
        self.pid = self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def send(self, message) -> None:
        write_message(self.proc.stdin.fileno(), message)

    def receive(self, deadline: float):
        """The next message; TimeoutError at the deadline, EOFError when the worker is gone."""
        size = HEADER.unpack(self._read(HEADER.size, deadline))[0]
        return pickle.loads(self._read(size, deadline))

    def _read(self, size: int, deadline: float) -> bytes:
        fd, chunks = self.proc.stdout.fileno(), []
        poller = select.poll()
        poller.register(fd, select.POLLIN)
        while size:
            wait = deadline - monotonic()
            if wait <= 0 or not poller.poll(math.ceil(wait * 1000)):
                raise TimeoutError
            chunk = os.read(fd, min(size, 1 << 20))
            if not chunk:
                raise EOFError
            chunks.append(chunk)
            size -= len(chunk)
        return b"".join(chunks)

    def kill(self) -> None:
        """SIGKILL, reap, close the pipes."""
        if self.alive():
            self.proc.kill()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass
        self.detach()

    def detach(self) -> None:
        """Close this process's ends of the pipes without touching the worker."""
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass

    def exit_description(self) -> str:
        code = self.proc.poll()
        if code is None:
            return "it stopped answering"
        return f"it was killed by signal {-code}" if code < 0 else f"it exited with status {code}"


def worker_environment() -> dict[str, str]:
    """The environment for workers: ours, with this project importable."""
    root = str(Path(__file__).resolve().parents[2])
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    return env


class QueryPool:
    """`size` worker processes on one store directory, started on first use in each process."""

    def __init__(self, database_dir: Path, *, size: int = 2, start_timeout: float = 60.0,
                 python: str | None = None):
        if size < 1:
            raise ValueError("a query pool needs at least one worker")
        self.size, self.start_timeout = size, start_timeout
        self._argv = [python or sys.executable, "-m", "publisher.store.worker", str(database_dir)]
        self._env = worker_environment()
        self._reset()
        _POOLS.add(self)

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._cond = threading.Condition()
        self._idle: list[WorkerProcess] = []
        self._busy: set[WorkerProcess] = set()
        self._starting = 0
        self._failures, self._failure = 0, ""
        self._closed = False

    def forget_after_fork(self) -> None:
        """In a forked child: drop the parent's workers (theirs to manage) and start afresh."""
        for worker in self._idle + list(self._busy):
            worker.detach()
        closed = self._closed
        self._reset()
        self._closed = closed

    def _check_process(self) -> None:
        if self._pid != os.getpid():
            self.forget_after_fork()

    # --- public ------------------------------------------------------------------------------

    def start(self) -> None:
        """Start the workers now rather than on the first query."""
        self._check_process()
        with self._cond:
            self._top_up()

    def call(self, request: dict, timeout: float):
        """Send one request to a free worker; its reply, or QueryTimeout / QueryFailed."""
        self._check_process()
        deadline = monotonic() + timeout
        worker = self._acquire(deadline, timeout)
        try:
            worker.send(request)
            reply = worker.receive(deadline)
        except TimeoutError:
            self._discard(worker)
            raise QueryTimeout(timeout) from None
        except (EOFError, OSError):
            self._discard(worker)
            if self._closed:
                raise QueryFailed("the store was closed during the query") from None
            raise QueryInterrupted(worker.pid, worker.exit_description()) from None
        except BaseException:
            self._discard(worker)
            raise
        self._release(worker)
        return reply

    def pids(self) -> list[int]:
        """The pids of the started workers (idle or busy)."""
        with self._cond:
            return sorted(w.pid for w in self._idle + list(self._busy))

    def wait_ready(self, timeout: float) -> bool:
        """Wait until all workers are started and idle; for tests and warm-up."""
        deadline = monotonic() + timeout
        with self._cond:
            self._top_up()
            while len(self._idle) < self.size:
                wait = deadline - monotonic()
                if wait <= 0:
                    return False
                self._cond.wait(wait)
            return True

    def close(self) -> None:
        """Kill every worker; later calls raise QueryFailed."""
        with self._cond:
            self._closed = True
            workers = self._idle + list(self._busy)
            self._idle, self._busy = [], set()
            self._cond.notify_all()
        for worker in workers:
            worker.kill()

    # --- internals (the *_locked ones need self._cond held) -----------------------------------

    def _top_up(self) -> None:
        missing = self.size - len(self._idle) - len(self._busy) - self._starting
        for _ in range(max(0, missing)):
            self._starting += 1
            threading.Thread(target=self._start_one, daemon=True,
                             name="kyodo-query-worker-start").start()

    def _start_one(self) -> None:
        worker, error = None, ""
        try:
            worker = WorkerProcess(self._argv, self._env)
            reply = worker.receive(monotonic() + self.start_timeout)
            if reply[0] != "ready":
                error = reply[1]
        except (OSError, EOFError, TimeoutError) as exc:
            error = f"the query worker did not start ({type(exc).__name__}: {exc})"
        if error and worker:
            worker.kill()
        with self._cond:
            self._starting -= 1
            if error:
                self._failures, self._failure = self._failures + 1, error
            elif self._closed:
                worker.kill()
            else:
                self._idle.append(worker)
            self._cond.notify_all()

    def _acquire(self, deadline: float, timeout: float) -> WorkerProcess:
        with self._cond:
            failures = self._failures
            while True:
                if self._closed:
                    raise QueryFailed("the query pool is closed")
                self._top_up()
                while self._idle:
                    worker = self._idle.pop()
                    if worker.alive():
                        self._busy.add(worker)
                        return worker
                    worker.kill()  # died while idle: reap it; the loop starts a replacement
                    self._top_up()
                if self._failures != failures:
                    raise QueryFailed(self._failure)
                wait = deadline - monotonic()
                if wait <= 0:
                    raise QueryTimeout(timeout, busy=True)
                self._cond.wait(wait)

    def _release(self, worker: WorkerProcess) -> None:
        with self._cond:
            self._busy.discard(worker)
            if self._closed or self._pid != os.getpid():
                worker.kill()
            else:
                self._idle.append(worker)
            self._cond.notify_all()

    def _discard(self, worker: WorkerProcess) -> None:
        worker.kill()
        with self._cond:
            self._busy.discard(worker)
            if not self._closed:
                self._top_up()
            self._cond.notify_all()


def _forget_all_after_fork() -> None:
    for pool in list(_POOLS):
        pool.forget_after_fork()


def _close_all() -> None:
    for pool in list(_POOLS):
        pool.close()


os.register_at_fork(after_in_child=_forget_all_after_fork)
atexit.register(_close_all)
