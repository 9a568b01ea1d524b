"""The build: data/ -> validated RDF -> a release folder, written atomically.

    dist/releases/<version>/   kyodo.trig, kyodo.nq, manifest.json, validation-report.{ttl,json,html}, store/
    dist/CURRENT               the version being served (replaced atomically, last)

A release is written to a temporary folder and renamed into place only when complete, and CURRENT is
switched only after that: a build that fails or is killed half-way leaves the previous output as it was.
"""
from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from rdflib import Dataset, Graph

from . import __version__
from .builder import SourceData, build_dataset
from .errors import KyodoError
from .iri_check import check_iris
from .iris import GRAPHS, Minter
from .settings import Settings
from .validation import ValidationReport, data_union, load_turtle_folder, validate_graph
from .vocab import ONTOLOGY_IRI, SHAPES_IRI

CURRENT_FILE = "CURRENT"
RELEASES = "releases"
STAGING = re.compile(r"\.\d{4}-\d{2}-\d{2}-[0-9a-f]{12}\.[A-Za-z0-9_]+")  # mkdtemp(prefix=".<version>.")


class ValidationFailed(KyodoError):
    """The data does not conform to the shapes: nothing was written."""

    exit_code = 1

    def __init__(self, report: ValidationReport):
        self.report = report
        super().__init__(f"the data does not conform to the shapes ({report.counts})")


class OutputError(KyodoError):
    """The output folder cannot be written (full disk, no permission): the previous output is untouched."""

    exit_code = 2

    def __init__(self, path: Path, exc: OSError):
        self.path, self.reason = path, exc.strerror or str(exc)
        super().__init__(f"{path}: cannot write the build output: {self.reason}")

    def message(self, lang: str = "en") -> str:
        if lang == "ja":
            return f"{self.path}: ビルド結果を書き込めません（{self.reason}）。以前の出力はそのままです"
        return f"{self.path}: cannot write the build output ({self.reason}); the previous output is untouched"


@dataclass(frozen=True)
class BuildResult:
    version: str
    release_dir: Path
    report: ValidationReport
    quads: int
    reused: bool


def load_vocabulary(settings: Settings) -> tuple[Graph, Graph]:
    return load_turtle_folder(settings.ontology_dir), load_turtle_folder(settings.shapes_dir)


def build_and_validate(settings: Settings) -> tuple[SourceData, ValidationReport]:
    ontology, shapes = load_vocabulary(settings)
    source = build_dataset(settings.data_dir, settings.base_iri, ontology=ontology, shapes=shapes)
    check_iris(source.dataset, source.provenance)
    report = validate_graph(data_union(source.dataset), shapes, ontology, source.provenance,
                            processes=settings.validation_processes or None)
    return source, report


def run_build(settings: Settings, *, today: dt.date | None = None) -> BuildResult:
    """Build, validate, and write a release; raise ValidationFailed (nothing written) when it does not conform."""
    source, report = build_and_validate(settings)
    if not report.passes(strict=settings.strict):
        raise ValidationFailed(report)
    version = release_version(settings, today or dt.date.today())
    output = Path(settings.output_dir)
    release = output / RELEASES / version
    reused = release.is_dir() and (release / "manifest.json").exists()
    if not reused:
        write_release(source, report, settings, version, release)
    if settings.store == "remote" and settings.remote_isql:
        load_remote_store(settings, release, version)
    switch_current(output, version)
    return BuildResult(version, release, report, len(source.dataset), reused)


def load_remote_store(settings: Settings, release: Path, version: str) -> None:
    """Load the release into the remote store (Virtuoso's bulk loader), unless it already holds it.

    Done before CURRENT is switched, so web instances never serve a release the store does not hold.
    """
    from .store.virtuoso import Isql
    from .store.virtuoso_load import load_nquads, loaded_meta

    isql = Isql.parse(settings.remote_isql, settings.remote_user, settings.remote_password)
    if loaded_meta(isql)[0] != version:
        load_nquads(isql, release / "kyodo.nq", version=version)


def release_version(settings: Settings, today: dt.date) -> str:
    """Date plus a hash of everything the output depends on: the same inputs give the same version."""
    digest = hashlib.sha256(f"{__version__}\n{settings.base_iri}\n".encode())
    for folder in (settings.data_dir, settings.ontology_dir, settings.shapes_dir):
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and path.suffix in (".yaml", ".yml", ".ttl"):
                digest.update(path.relative_to(folder).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return f"{today.isoformat()}-{digest.hexdigest()[:12]}"


def write_release(source: SourceData, report: ValidationReport, settings: Settings, version: str,
                  release: Path) -> None:
    """Stage the release in a hidden folder beside it, then rename it into place (one build at a time)."""
    try:
        release.parent.mkdir(parents=True, exist_ok=True)
        lock = os.open(release.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise OutputError(release.parent, exc) from None
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)  # on releases/ itself; let go when closed, or when the process dies
        remove_stale_staging(release.parent)
        stage_release(source, report, settings, version, release)
    finally:
        os.close(lock)


def remove_stale_staging(releases: Path) -> None:
    """Delete what builds killed while staging left (only ever called under the build lock)."""
    for path in releases.iterdir():
        if STAGING.fullmatch(path.name) and path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)


def stage_release(source: SourceData, report: ValidationReport, settings: Settings, version: str,
                  release: Path) -> None:
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=release.parent))
    except OSError as exc:
        raise OutputError(release.parent, exc) from None
    try:
        write_files(source.dataset, report, settings, version, staging)
        os.chmod(staging, 0o755)  # mkdtemp makes it private; releases are served to anyone
        os.replace(staging, release)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        raise OutputError(release, exc) from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def write_files(dataset: Dataset, report: ValidationReport, settings: Settings, version: str, folder: Path) -> None:
    from .downloads import write_downloads
    from .store.embedded import create_store

    dataset.serialize(folder / "kyodo.trig", format="trig")
    dataset.serialize(folder / "kyodo.nq", format="nquads")
    write_validation_reports(report, folder)
    create_store(folder / "store", folder / "kyodo.nq", version=version)
    write_downloads(dataset, settings, version, folder)
    minter = Minter(settings.base_iri)
    counts = {name: len(dataset.graph(minter.graph(name))) for name in GRAPHS}
    counts["ontology"] = len(dataset.graph(ONTOLOGY_IRI))
    counts["shapes"] = len(dataset.graph(SHAPES_IRI))
    manifest = {
        "version": version, "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "base_iri": settings.base_iri, "quads": len(dataset), "graphs": counts,
        "validation": {"conforms": report.conforms, **report.counts, "seconds": round(report.seconds, 3)},
        "generator": f"kyodo-lod {__version__}",
    }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")


def write_validation_reports(report: ValidationReport, folder: Path) -> None:
    """The release's own validation report, published so consumers can see the data's quality."""
    from .report_formats import render_html, render_json, render_turtle

    (folder / "validation-report.ttl").write_text(render_turtle(report), "utf-8")
    (folder / "validation-report.json").write_text(render_json(report, "en") + "\n", "utf-8")
    (folder / "validation-report.html").write_text(render_html(report, "ja"), "utf-8")


def switch_current(output: Path, version: str) -> None:
    """Point CURRENT at a release: write a temporary file, then rename it over the old one (atomic)."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".CURRENT.", dir=output)
        with os.fdopen(fd, "w") as handle:
            handle.write(version + "\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, output / CURRENT_FILE)
    except OSError as exc:
        raise OutputError(output / CURRENT_FILE, exc) from None


def current_release(output: Path) -> Path | None:
    pointer = Path(output) / CURRENT_FILE
    if not pointer.exists():
        return None
    release = Path(output) / RELEASES / pointer.read_text().strip()
    return release if (release / "manifest.json").exists() else None
