"""A query worker process: ``python -m publisher.store.worker STORE_DIR``.

It opens the Oxigraph store read-only, says ``("ready", pid)`` and then answers requests, one at
a time, over its stdin/stdout with length-prefixed pickles (the parent is the only peer). The parent
enforces deadlines by killing the process, so nothing here needs to be interruptible. The worker
ends when its stdin closes or its parent dies.

Requests are answered on a thread with a large stack (STACK_BYTES): Oxigraph's parser and evaluator
recurse once per nesting level, and on the main thread's 8 MiB a query of a few thousand nested
groups, expressions or UNIONs overflows the stack and kills the process (SIGSEGV). 512 MiB of
address space (only the pages a query touches are used) holds any query within the length limit.

Replies: ``("ok", fields)``, ``("syntax", message, line, column)``, ``("unsupported", message)`` (Oxigraph's
evaluation errors, RuntimeError: what the query asks the engine cannot do), ``("failed", message)``.
"""
from __future__ import annotations

import os
import pickle
import struct
import sys
import threading
import time

import pyoxigraph as ox

from publisher.store import results

HEADER = struct.Struct(">I")
STACK_BYTES = 512 * 1024 * 1024


def read_exactly(fd: int, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def write_message(fd: int, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    view = memoryview(HEADER.pack(len(data)) + data)
    while view:
        view = view[os.write(fd, view):]


def read_message(fd: int):
    header = read_exactly(fd, HEADER.size)
    if header is None:
        return None
    data = read_exactly(fd, HEADER.unpack(header)[0])
    return None if data is None else pickle.loads(data)


def dataset_arguments(request: dict) -> dict:
    """pyoxigraph's dataset arguments; see publisher.store.base for the semantics."""
    default, named = request["default_graphs"], request["named_graphs"]
    if default or named:
        return {"default_graph": [ox.NamedNode(g) for g in default],
                "named_graphs": [ox.NamedNode(g) for g in named]}
    if request["has_dataset_clause"]:
        return {}  # the query's FROM / FROM NAMED decide
    return {"use_default_graph_as_union": True}


def result_kind(result) -> str:
    if isinstance(result, ox.QuerySolutions):
        return "select"
    return "ask" if isinstance(result, ox.QueryBoolean) else "graph"


def evaluate(store, request: dict) -> tuple:
    """Run one query request and serialize its answer."""
    started = time.perf_counter()
    result = store.query(request["sparql"], **dataset_arguments(request))
    kind, fmt, max_rows = result_kind(result), request["format"], request["max_rows"]
    if kind != request["kind"]:
        return ("failed", f"the query gave a {kind} result where a {request['kind']} was expected")
    if kind == "select":
        body, count, truncated = results.write_solutions(result, fmt, max_rows, request["link"])
    elif kind == "ask":
        body, count, truncated = results.write_boolean(result, fmt), None, False
    else:
        body, count, truncated = results.write_triples(result, fmt, max_rows, request["prefixes"])
    return ("ok", {"body": body, "kind": kind, "row_count": count, "truncated": truncated,
                   "elapsed": time.perf_counter() - started})


def handle(store, request: dict) -> tuple:
    if request.get("op") == "ping":
        return ("ok", {"pid": os.getpid()})
    try:
        return evaluate(store, request)
    except SyntaxError as error:
        from publisher.store.syntax import locate

        return ("syntax", *locate(request["sparql"], str(error)))
    except RuntimeError as error:  # e.g. "The custom function <…> is not supported"
        return ("unsupported", str(error) or type(error).__name__)
    except Exception as error:  # noqa: BLE001 - an evaluation error is the caller's answer
        return ("failed", str(error) or type(error).__name__)


def watch_parent(parent: int) -> None:
    """End the process when the parent dies (the query may hold no pipe to notice it)."""
    while os.getppid() == parent:
        time.sleep(1.0)
    os._exit(1)


def main(argv: list[str]) -> int:
    out = os.dup(1)
    os.dup2(2, 1)  # stray prints go to stderr, never into the protocol
    threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    try:
        store = ox.Store.read_only(argv[1])
    except (OSError, ValueError, IndexError) as error:
        write_message(out, ("failed", f"cannot open the store: {error}"))
        return 1
    write_message(out, ("ready", os.getpid()))
    threading.stack_size(STACK_BYTES)
    server = threading.Thread(target=serve, args=(store, out), name="kyodo-query")
    server.start()
    server.join()
    return 0


def serve(store, out: int) -> None:
    while (request := read_message(0)) is not None:
        write_message(out, handle(store, request))


if __name__ == "__main__":
    sys.exit(main(sys.argv))
