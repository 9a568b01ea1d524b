"""Every route of the app (app.url_map) as a concrete path that answers, for the protocol tests."""
from __future__ import annotations

from dataclasses import dataclass

SAMPLE_VALUES = {  # (rule, argument) -> a value that exists in the test build
    ("/static/<path:filename>", "filename"): "site.css",
    ("/sparql/examples/<name>", "name"): "fy2025-projects",
    ("/id/<path:path>", "path"): "group/birdconnect",
    ("/doc/<path:path>", "path"): "group/birdconnect",
    ("/graph/<path:name>", "name"): "groups",
    ("/downloads/<name>", "name"): "kyodo.trig",
    ("/releases/<version>/<name>", "name"): "kyodo.trig",
    ("/plans/<name>", "name"): "plan-2016",
}
SAMPLE_EXTENSIONS = {"/def.<extension>": "ttl", "/shapes.<extension>": "ttl", "/catalog.<extension>": "ttl",
                     "/changelog.<extension>": "json", "/search.<extension>": "json"}
SAMPLE_STATUS = {"/sparql/examples": 302, "/id/<path:path>": 303, "/changelog/gone": 404}


@dataclass(frozen=True)
class Route:
    rule: str
    methods: frozenset
    arguments: tuple

    def path(self, version: str, /, **hostile: str) -> str:
        """The sample path; `hostile` replaces named arguments with raw (already encoded) text."""
        path = self.rule
        for argument in self.arguments:
            value = hostile.get(argument) or self.sample(argument, version)
            path = path.replace(f"<path:{argument}>", value).replace(f"<{argument}>", value)
        return path

    def sample(self, argument: str, version: str) -> str:
        if argument == "version":
            return version
        if argument == "extension":
            return SAMPLE_EXTENSIONS.get(self.rule, "csv")
        return SAMPLE_VALUES[(self.rule, argument)]

    @property
    def expected_status(self) -> int:
        return SAMPLE_STATUS.get(self.rule, 200)

    @property
    def id(self) -> str:
        return self.rule


def app_routes(app) -> list[Route]:
    """One Route per distinct rule (the two /static rules are one)."""
    found = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.rule, Route(rule.rule, frozenset(rule.methods), tuple(sorted(rule.arguments))))
    return sorted(found.values(), key=lambda r: r.rule)


def allowed_methods(app, path: str) -> set[str]:
    return set(app.url_map.bind("127.0.0.1").allowed_methods(path))
