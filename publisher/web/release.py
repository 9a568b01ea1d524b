"""The release being served, and its atomic replacement when a new build switches dist/CURRENT.

A request takes the current Release once, at its start, and uses only that object: a reload swaps one
reference, so no request ever sees half of two releases. The old store is closed after a grace period.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

from ..build import current_release
from ..errors import KyodoError
from ..settings import Settings
from ..store.cache import LRUCache

log = logging.getLogger(__name__)
GRACE_SECONDS = 60.0


class NoRelease(KyodoError):
    exit_code = 2

    def __init__(self, output_dir: Path):
        self.output_dir = output_dir
        super().__init__(f"no built release in {output_dir}: run 'kyodo build' first")

    def message(self, lang: str = "en") -> str:
        if lang == "ja":
            return f"{self.output_dir} にビルド済みのリリースがありません。先に 'kyodo build' を実行してください"
        return str(self)


@dataclass
class Release:
    version: str
    path: Path
    manifest: dict
    store: object
    built: dt.datetime
    cache: dict = field(default_factory=dict)  # per-release memo of a few built things (indexes, lists)
    # Rendered documents, one per resource, format and language: bounded, least recently used first out.
    documents: MutableMapping = field(default_factory=lambda: LRUCache(16 << 20))

    @property
    def etag(self) -> str:
        return self.version


def open_release(settings: Settings, path: Path) -> Release:
    from ..store import open_store

    manifest = json.loads((path / "manifest.json").read_text("utf-8"))
    store = open_store(settings.store, store_dir=path / "store", workers=settings.query_workers,
                       endpoint=settings.remote_endpoint, answer_cache_bytes=(settings.cache_mb << 20) // 4)
    built = dt.datetime.fromisoformat(manifest["built"])
    return Release(manifest["version"], path, manifest, store, built,
                   documents=LRUCache(max(1, settings.cache_mb << 20) // 4))


class ReleaseHolder:
    """Holds the current release; checks dist/CURRENT at most every `check_interval` seconds."""

    def __init__(self, settings: Settings, *, check_interval: float = 2.0, opener=open_release):
        self.settings = settings
        self.check_interval = check_interval
        self.opener = opener
        self._release: Release | None = None
        self._checked = 0.0
        self._lock = threading.Lock()

    def current(self) -> Release:
        release = self._release
        if release is not None and time.monotonic() - self._checked < self.check_interval:
            return release
        with self._lock:
            self._checked = time.monotonic()
            path = current_release(self.settings.output_dir)
            if path is None:
                if self._release is not None:
                    return self._release
                raise NoRelease(self.settings.output_dir)
            if self._release is None or self._release.path != path:
                self._swap(self.opener(self.settings, path))
            return self._release

    def _swap(self, new: Release) -> None:
        old, self._release = self._release, new
        log.info("serving release %s", new.version)
        if old is not None:
            timer = threading.Timer(GRACE_SECONDS, old.store.close)
            timer.daemon = True
            timer.start()

    def close(self) -> None:
        if self._release is not None:
            self._release.store.close()
            self._release = None
