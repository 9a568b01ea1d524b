"""Runtime settings, declared once as a table.

Precedence: defaults < config file (kyodo.yaml, or --config / KYODO_CONFIG) < environment (KYODO_<NAME>) < CLI flags.
The same table drives the CLI's --help text and the README's settings section (checked by a test).
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, Callable

from .errors import InputError, Location, Problem

ROOT = Path(__file__).resolve().parent.parent


def _bundled(name: str) -> Path:
    """The project's own folder in a checkout; in an installed copy, the one pip put under share/kyodo-lod."""
    in_checkout = ROOT / name
    return in_checkout if in_checkout.is_dir() else Path(sys.prefix) / "share" / "kyodo-lod" / name


@dataclass(frozen=True)
class Setting:
    name: str
    default: Any
    help: str
    parse: Callable[[str], Any] = str


def _path(value: str) -> Path:
    return Path(value)


def _count(value: str) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(f"expected 0 or more, got {value!r}")
    return number


def _bool(value: str) -> bool:
    if str(value).lower() in {"1", "true", "yes", "on"}:
        return True
    if str(value).lower() in {"0", "false", "no", "off"}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


SETTINGS: tuple[Setting, ...] = (
    Setting("base_iri", "https://data.example.jp/kyodo/", "Base IRI resource identifiers are minted under."),
    Setting("data_dir", ROOT / "data", "Folder of the YAML source data.", _path),
    Setting("ontology_dir", _bundled("ontology"), "Folder of the vocabulary (Turtle).", _path),
    Setting("shapes_dir", _bundled("shapes"), "Folder of the SHACL shapes (Turtle).", _path),
    Setting("output_dir", ROOT / "dist", "Folder the build writes to and the server reads from.", _path),
    Setting("host", "127.0.0.1", "Address the server listens on."),
    Setting("port", 8000, "Port the server listens on.", int),
    Setting("workers", 2, "Web worker processes.", int),
    Setting("threads", 4, "Threads per web worker.", int),
    Setting("query_workers", 4, "SPARQL evaluation processes per web worker; as many as threads, so a request "
                                "never waits for another one's query.", int),
    Setting("query_timeout", 10.0, "Seconds a SPARQL query may run before it is stopped.", float),
    Setting("max_rows", 10000, "Most rows (or triples) a SPARQL answer returns; more are cut and flagged.", int),
    Setting("max_request_bytes", 1_000_000, "Largest request body accepted, in bytes.", int),
    Setting("store", "embedded", "Store: 'embedded' (Oxigraph in-process) or 'remote' (a SPARQL 1.1 endpoint)."),
    Setting("remote_endpoint", "", "SPARQL endpoint URL of the remote store."),
    Setting("remote_isql", "", "Virtuoso's SQL port (host:port) the build loads each release into when store is "
                               "'remote'; empty: load releases yourself (docs/scaling.md)."),
    Setting("remote_user", "dba", "Virtuoso user the build loads releases as."),
    Setting("remote_password", "dba", "Password of remote_user (use KYODO_REMOTE_PASSWORD; change Virtuoso's default)."),
    Setting("cache_mb", 64, "Memory per web worker for answers and pages of the current release, to answer repeated "
                            "requests from memory (0: none).", int),
    Setting("strict", False, "Treat SHACL warnings as failures in build and validate.", _bool),
    Setting("validation_processes", 0, "Processes that validate large data (from 50,000 triples) with SHACL; "
                                       "0: one per CPU, at most 4; 1: never more than this one.", _count),
)
BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    base_iri: str
    data_dir: Path
    ontology_dir: Path
    shapes_dir: Path
    output_dir: Path
    host: str
    port: int
    workers: int
    threads: int
    query_workers: int
    query_timeout: float
    max_rows: int
    max_request_bytes: int
    store: str
    remote_endpoint: str
    remote_isql: str
    remote_user: str
    remote_password: str
    cache_mb: int
    strict: bool
    validation_processes: int

    def replace(self, **changes: Any) -> "Settings":
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        values.update(changes)
        return Settings(**values)


def load_settings(config_file: Path | None = None, overrides: dict[str, Any] | None = None,
                  environ: dict[str, str] | None = None) -> Settings:
    """Resolve every setting: defaults < config file < KYODO_* environment < overrides (CLI flags)."""
    environ = os.environ if environ is None else environ
    values = {s.name: s.default for s in SETTINGS}
    config_file = config_file or _default_config_file(environ)
    if config_file is not None:
        values.update(_read_config_file(config_file))
    for setting in SETTINGS:
        raw = environ.get(f"KYODO_{setting.name.upper()}")
        if raw is not None:
            values[setting.name] = _parse(setting, raw, Location(f"KYODO_{setting.name.upper()}"))
    values.update({k: v for k, v in (overrides or {}).items() if v is not None})
    if not values["base_iri"].endswith(("/", "#")):
        values["base_iri"] += "/"
    return Settings(**values)


def _default_config_file(environ: dict[str, str]) -> Path | None:
    if environ.get("KYODO_CONFIG"):
        return Path(environ["KYODO_CONFIG"])
    candidate = Path.cwd() / "kyodo.yaml"
    return candidate if candidate.exists() else None


def _parse(setting: Setting, raw: Any, where: Location) -> Any:
    if not isinstance(raw, str) and setting.parse is not _path:
        raw = str(raw)
    try:
        return setting.parse(raw)
    except (TypeError, ValueError) as exc:
        raise InputError([Problem(where, f"setting {setting.name}: {exc}",
                                  f"設定 {setting.name} の値が正しくありません: {exc}")]) from None


def _read_config_file(path: Path) -> dict[str, Any]:
    from .yamlsource import load_yaml_file

    data = load_yaml_file(path) or {}
    problems, values = [], {}
    if not isinstance(data, dict):
        raise InputError([Problem(Location(str(path), 1), "the config file must be a mapping of settings",
                                  "設定ファイルは「設定名: 値」の対応で書いてください")])
    for name, raw in data.items():
        where = data.key_location(name) if hasattr(data, "key_location") else Location(str(path))
        if name not in BY_NAME:
            problems.append(Problem(where, f"unknown setting {name!r}", f"不明な設定 {name!r}"))
            continue
        values[name] = _parse(BY_NAME[name], raw, where)
    if problems:
        raise InputError(problems)
    return values
