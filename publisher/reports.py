"""Validation runs and their reports: the YAML data or RDF files against the shapes, every problem at once.

    run_validation(settings, files)  -> ValidationReport   (never raises for bad input: problems are results)
    write_report(report, fmt, lang, output)                 (stdout, or a file replaced atomically)

Formats are in report_formats: text (ja/en), json, junit, turtle (the SHACL report graph), html.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import click
from rdflib import Dataset, Graph
from rdflib.util import guess_format

from .errors import InputError, KyodoError, Location, Problem
from .offline import NetworkRefused, no_network
from .report_formats import RENDERERS, render_html, render_json, render_junit, render_text, render_turtle
from .settings import Settings
from .validation import ValidationReport, line_of, load_turtle_folder, problems_report, validate_graph
from .vocab import ONTOLOGY_IRI, SHAPES_IRI

__all__ = ["FORMATS", "RENDERERS", "ReportWriteError", "load_shapes", "read_rdf_files", "render_html",
           "render_json", "render_junit", "render_text", "render_turtle", "run_validation", "write_report"]
FORMATS = tuple(RENDERERS)
RDF_SUFFIXES = ".ttl, .trig, .nt, .nq, .jsonld, .json, .rdf, .xml, .owl"


class ReportWriteError(KyodoError):
    """The report file cannot be written; nothing was left half-written."""

    exit_code = 2

    def __init__(self, path: Path, exc: OSError):
        self.path, self.reason = path, exc.strerror or str(exc)
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        if lang == "ja":
            return f"{self.path}: レポートを書き込めません（{self.reason}）"
        return f"{self.path}: cannot write the report ({self.reason})"


def run_validation(settings: Settings, files: list[Path], shapes_path: Path | None = None) -> ValidationReport:
    """Validate RDF files, or the YAML data when no files are given; input problems come back as a report."""
    problems: list[Problem] = []
    ontology = _collect(problems, load_turtle_folder, settings.ontology_dir)
    shapes_path = Path(shapes_path or settings.shapes_dir)
    shapes = _collect(problems, load_shapes, shapes_path)
    data = _collect(problems, read_rdf_files, files) if files else _collect(problems, read_yaml_data, settings)
    if problems:
        return problems_report(problems)
    graph, locations = data
    try:
        return validate_graph(graph, shapes, ontology, locations, processes=settings.validation_processes or None)
    except InputError as exc:  # the shapes parsed but pySHACL cannot use them
        return problems_report([Problem(Location(str(shapes_path)), p.en, p.ja, p.code) for p in exc.problems])


def _collect(problems: list[Problem], load, *args):
    try:
        return load(*args)
    except InputError as exc:
        problems.extend(exc.problems)
        return None


def read_yaml_data(settings: Settings):
    """The YAML data built into one graph, with the provenance of every triple (file, line and key)."""
    from .builder import build_dataset
    from .validation import data_union

    folder = Path(settings.data_dir)
    if not folder.is_dir():
        raise InputError([Problem(Location(str(folder)), "no such data folder", "データのフォルダがありません",
                                  "missing-file")])
    source = build_dataset(folder, settings.base_iri)
    return data_union(source.dataset), source.provenance


def load_shapes(path: Path) -> Graph:
    """A folder of Turtle files, or one RDF file of shapes."""
    path = Path(path)
    if path.is_dir():
        return load_turtle_folder(path)
    graph, _locations = read_rdf_files([path])
    return graph


def read_rdf_files(files: list[Path]) -> tuple[Graph, dict[str, Location]]:
    """Every file (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) into one graph, without the ontology and
    shapes graphs a kyodo release carries; and, per subject, the file it was first read from. All problems at once."""
    union, locations, problems = Graph(), {}, []
    for path in files:
        try:
            quads = _parse_rdf(Path(path))
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        for s, p, o, graph in quads:
            if getattr(graph, "identifier", graph) in (ONTOLOGY_IRI, SHAPES_IRI):
                continue
            union.add((s, p, o))
            locations.setdefault(s.n3() if s.n3().startswith("_:") else str(s), Location(str(path)))
    if problems:
        raise InputError(problems)
    return union, locations


def _parse_rdf(path: Path):
    where = Location(str(path))
    if not path.is_file():
        raise InputError([Problem(where, "no such file", "ファイルがありません", "missing-file")])
    fmt = guess_format(str(path))
    if fmt is None:
        raise InputError([Problem(where, f"unknown RDF format: use {RDF_SUFFIXES}",
                                  f"RDF の形式がわかりません（{RDF_SUFFIXES} のいずれか）", "format")])
    holder = Dataset()
    try:
        with no_network():
            holder.parse(path, format=fmt)
    except NetworkRefused as exc:
        raise InputError([Problem(where, f"the file refers to a remote @context or document ({exc.url}), which is "
                                         "not fetched: kyodo validate reads local files only; put the context in the file",
                                  f"ファイルがリモートの @context または文書（{exc.url}）を参照していますが、取得しません。"
                                  "kyodo validate はローカルのファイルだけを読みます。コンテキストをファイルに含めてください",
                                  "remote")]) from None
    except Exception as exc:  # parsers raise many types; the message and line are what matter
        raise InputError([Problem(Location(str(path), line_of(exc)), f"cannot parse as {fmt}: {exc}",
                                  f"{fmt} として読めません: {exc}", "syntax")]) from None
    return list(holder.quads((None, None, None, None)))


def write_report(report: ValidationReport, fmt: str, lang: str, output: Path | None, strict: bool = False) -> None:
    """Render the report; print it, or write it to `output` through a temporary file renamed over it."""
    text = RENDERERS[fmt](report, lang, strict)
    if output is None:
        click.echo(text)
        return
    write_atomic(Path(output), text if text.endswith("\n") else text + "\n")


def write_atomic(path: Path, text: str) -> None:
    """Either the whole new file or the old one (or none): never a half-written report."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise ReportWriteError(path, exc) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is for everyone
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise ReportWriteError(path, exc) from None
        raise
