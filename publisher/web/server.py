"""`kyodo serve`: the app under gunicorn (a production WSGI server whose master replaces dead workers)."""
from __future__ import annotations

import logging

from gunicorn.app.base import BaseApplication

from ..settings import Settings


class KyodoServer(BaseApplication):
    def __init__(self, settings: Settings):
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        s = self.settings
        options = {
            "bind": f"{s.host}:{s.port}", "workers": s.workers, "threads": s.threads, "worker_class": "gthread",
            # Longer than any query may run: the query pool stops queries itself, at query_timeout.
            "timeout": max(30, int(s.query_timeout * 3)), "graceful_timeout": 10, "keepalive": 5,
            "limit_request_line": 8190, "limit_request_fields": 100, "limit_request_field_size": 8190,
            "accesslog": "-", "errorlog": "-", "loglevel": "info",
            "post_fork": _post_fork,
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self):
        from . import create_app

        return create_app(self.settings)


def _post_fork(server, worker) -> None:
    logging.basicConfig(level=logging.INFO)


def run_server(settings: Settings) -> None:
    from ..build import current_release
    from .release import NoRelease

    if current_release(settings.output_dir) is None:  # fail early, with a message, when nothing is built
        raise NoRelease(settings.output_dir)
    print(f"kyodo-lod: serving on http://{settings.host}:{settings.port}/ (Ctrl+C to stop)", flush=True)
    KyodoServer(settings).run()
