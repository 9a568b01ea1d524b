"""The remote engine's HTTP client: SPARQL protocol POSTs with a deadline, over kept-alive connections.

Standard library only (``http.client``): each thread keeps one connection to the endpoint, so a
gunicorn worker's threads never wait for each other, and a connection is reused across requests. The
deadline covers connecting, waiting and reading: the socket's timeout is set to what is left before
every read, so a server that trickles its answer is cut off too. A request that fails because a
kept-alive connection was closed by the server is retried once on a new one (queries are read-only).

Errors are the store's: StoreUnavailable (cannot connect), QueryTimeout (the deadline, or Virtuoso's
own "anytime" timeout, SQL state S1TAT), QueryFailed (any other refusal by the endpoint).
"""
from __future__ import annotations

import http.client
import logging
import os
import re
import socket
import threading
from time import monotonic
from urllib.parse import urlencode, urlsplit

from publisher.store.base import QueryFailed, QueryTimeout, StoreUnavailable

log = logging.getLogger(__name__)
# Virtuoso's time-limit states; its own `timeout` parameter cancels as "HY008 ... SR203 ... killed by SQLCancel"
TIMED_OUT = re.compile(r"S1TAT|S1T00|SR171|SR203|HY008|killed by SQLCancel|timed? ?out", re.IGNORECASE)
STALE_CONNECTION = (http.client.RemoteDisconnected, http.client.CannotSendRequest,
                    ConnectionResetError, BrokenPipeError)
ERROR_BODY_LIMIT = 64 * 1024


class Deadline:
    """A point in time and the timeout it came from (for the error message)."""

    def __init__(self, seconds: float, grace: float = 0.0):
        started = monotonic()
        self.seconds, self.at, self.engine_limit = seconds, started + seconds + grace, started + seconds

    def left(self) -> float:
        left = self.at - monotonic()
        if left <= 0:
            raise QueryTimeout(self.seconds)
        return left


class RemoteResponse:
    """A streamed response: `read(n)` keeps to the deadline; `close()` keeps the connection when done."""

    def __init__(self, client: "SparqlClient", connection, response, deadline: Deadline):
        self.client, self.connection, self.response, self.deadline = client, connection, response, deadline
        self.headers = response.headers

    def read(self, size: int = -1) -> bytes:
        try:
            if self.connection.sock is not None:  # None once a "Connection: close" answer is read
                self.connection.sock.settimeout(self.deadline.left())
            return self.response.read(size if size is not None and size >= 0 else None)
        except (socket.timeout, TimeoutError):
            self.abandon()
            raise QueryTimeout(self.deadline.seconds) from None
        except QueryTimeout:
            self.abandon()
            raise
        except (OSError, http.client.HTTPException) as error:
            self.abandon()
            raise QueryFailed(f"the SPARQL endpoint broke off its answer ({error})") from None

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        """Keep the connection for the next request when the body was read to its end."""
        if self.response.isclosed() and self.connection.sock is not None:
            self.client.keep(self.connection)
        else:
            self.abandon()

    def abandon(self) -> None:
        self.response.close()
        self.connection.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class SparqlClient:
    """POSTs SPARQL protocol requests to one endpoint."""

    def __init__(self, endpoint: str, *, user_agent: str = "kyodo-lod"):
        parts = urlsplit(endpoint)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"the remote SPARQL endpoint must be an http(s) URL, not {endpoint!r}")
        self.endpoint, self.user_agent = endpoint, user_agent
        self._https = parts.scheme == "https"
        self._host, self._port = parts.hostname, parts.port or (443 if self._https else 80)
        self._path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self._local = threading.local()

    def post(self, params: list[tuple[str, str]], *, accept: str, deadline: Deadline) -> RemoteResponse:
        """Send the form; the streamed answer (status 200), or the store's error."""
        body = urlencode(params).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Accept": accept,
                   "User-Agent": self.user_agent}
        for attempt in (1, 2):
            connection = self._take(deadline)
            try:
                connection.request("POST", self._path, body=body, headers=headers)
                response = connection.getresponse()
            except STALE_CONNECTION:
                connection.close()
                if attempt == 2:
                    raise StoreUnavailable(f"the SPARQL endpoint {self.endpoint} closed the connection")
                continue
            except (socket.timeout, TimeoutError):
                connection.close()
                raise QueryTimeout(deadline.seconds) from None
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                raise StoreUnavailable(f"cannot reach the SPARQL endpoint {self.endpoint}: {error}") from None
            answer = RemoteResponse(self, connection, response, deadline)
            if response.status != 200:
                raise failure(response.status, answer)
            if response.headers.get("X-SQL-State") == "S1TAT":  # Virtuoso's partial "anytime" answer
                answer.abandon()
                raise QueryTimeout(deadline.seconds)
            return answer
        raise AssertionError("unreachable")

    def keep(self, connection) -> None:
        self._local.connection = (os.getpid(), connection)

    def close(self) -> None:
        held = getattr(self._local, "connection", None)
        if held:
            held[1].close()
            self._local.connection = None

    def _take(self, deadline: Deadline):
        """This thread's idle connection (forgotten after a fork), or a new one."""
        held = getattr(self._local, "connection", None)
        self._local.connection = None
        if held and held[0] == os.getpid() and held[1].sock is not None:
            held[1].sock.settimeout(deadline.left())
            return held[1]
        cls = http.client.HTTPSConnection if self._https else http.client.HTTPConnection
        connection = cls(self._host, self._port, timeout=deadline.left())
        try:
            connection.connect()
        except (socket.timeout, TimeoutError):
            raise QueryTimeout(deadline.seconds) from None
        except OSError as error:
            raise StoreUnavailable(f"cannot reach the SPARQL endpoint {self.endpoint}: {error}") from None
        connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return connection


def failure(status: int, answer: RemoteResponse) -> Exception:
    """The store error for a non-200 answer: Virtuoso's anytime timeout, or the endpoint's message."""
    try:
        text = answer.response.read(ERROR_BODY_LIMIT).decode("utf-8", "replace")
    except (OSError, http.client.HTTPException):
        text = ""
    answer.abandon()
    if TIMED_OUT.search(text) or monotonic() >= answer.deadline.engine_limit:
        return QueryTimeout(answer.deadline.seconds)
    message = " ".join(text.split("SPARQL query:")[0].split())[:500] or f"HTTP status {status}"
    log.warning("the remote SPARQL endpoint answered %s: %s", status, message)
    return QueryFailed(f"the remote SPARQL endpoint answered {status}: {message}")
