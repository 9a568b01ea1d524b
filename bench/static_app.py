"""The static baseline: kyodo-lod's own gunicorn configuration serving a trivial WSGI app.

    python -m bench.static_app PORT

Same server class, workers, threads, keep-alive and access log as `kyodo serve`, so the ratio
"kyodo / static" is what the application costs on top of the WSGI server.
"""
from __future__ import annotations

import sys

from publisher.settings import load_settings
from publisher.web.server import KyodoServer

BODY = b'{"head":{"vars":["label"]},"results":{"bindings":[{"label":{"type":"literal","value":"static"}}]}}'


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/sparql-results+json"),
                              ("Content-Length", str(len(BODY)))])
    return [BODY]


class StaticServer(KyodoServer):
    def load(self):
        return app


def main(argv: list[str]) -> int:
    settings = load_settings(None, {"port": int(argv[1]), "workers": 2, "threads": 4})
    StaticServer(settings).run()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
