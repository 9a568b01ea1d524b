"""Validation runs and their reports: human text (ja/en), JSON, JUnit XML, and the SHACL report graph."""
from __future__ import annotations

import json
import os
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

import click
from rdflib import Dataset, Graph
from rdflib.util import guess_format

from .errors import InputError, Location, Problem
from .settings import Settings
from .validation import ValidationReport, load_turtle_folder, validate_graph

SEVERITY_WORDS = {"violation": ("violation", "違反"), "warning": ("warning", "警告"), "info": ("info", "情報")}


def run_validation(settings: Settings, files: list[Path], shapes_path: Path | None) -> ValidationReport:
    """Validate RDF files, or the YAML data when no files are given."""
    from .builder import build_dataset
    from .validation import data_union

    ontology = load_turtle_folder(settings.ontology_dir)
    shapes = load_shapes(shapes_path or settings.shapes_dir)
    if files:
        return validate_graph(read_rdf_files(files), shapes, ontology)
    source = build_dataset(settings.data_dir, settings.base_iri)
    return validate_graph(data_union(source.dataset), shapes, ontology, source.locations)


def load_shapes(path: Path) -> Graph:
    path = Path(path)
    if path.is_dir():
        return load_turtle_folder(path)
    return read_rdf_files([path])


def read_rdf_files(files: list[Path]) -> Graph:
    """Every file (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML) into one graph; all problems reported."""
    union, problems = Graph(), []
    for path in files:
        fmt = guess_format(str(path)) or ("json-ld" if str(path).endswith(".jsonld") else None)
        if not Path(path).is_file():
            problems.append(Problem(Location(str(path)), "no such file", "ファイルがありません", "missing-file"))
            continue
        if fmt is None:
            problems.append(Problem(Location(str(path)), "unknown RDF format: use .ttl, .trig, .nt, .nq, .jsonld or .rdf",
                                    "RDF の形式がわかりません（.ttl .trig .nt .nq .jsonld .rdf のいずれか）", "format"))
            continue
        try:
            holder = Dataset() if fmt in ("trig", "nquads") else Graph()
            holder.parse(path, format=fmt)
        except Exception as exc:  # parsers raise many types; the message and line are what matter
            line = getattr(exc, "lineno", None) or getattr(exc, "line", None)
            problems.append(Problem(Location(str(path), line if isinstance(line, int) else None),
                                    f"cannot parse as {fmt}: {exc}", f"{fmt} として読めません: {exc}", "syntax"))
            continue
        for s, p, o, *_ in (holder.quads((None, None, None, None)) if isinstance(holder, Dataset) else holder):
            union.add((s, p, o))
    if problems:
        raise InputError(problems)
    return union


def render_text(report: ValidationReport, lang: str) -> str:
    lines = []
    for r in report.results:
        word = SEVERITY_WORDS[r.severity][1 if lang == "ja" else 0]
        where = str(r.location) if r.location else r.focus
        key = f" ({r.location.key})" if r.location and r.location.key else ""
        lines.append(f"{where}{key}: {word}: {r.message(lang)}")
        detail = [f"focus {r.focus}"] + ([f"path {r.path}"] if r.path else []) + ([f"value {r.value}"] if r.value else [])
        lines.append("    " + "; ".join(detail))
    c = report.counts
    if lang == "ja":
        verdict = "適合" if not report.has_violations() else "不適合"
        lines.append(f"{verdict}: 違反 {c['violation']} 件、警告 {c['warning']} 件、情報 {c['info']} 件"
                     f"（{report.triples} トリプル、{report.seconds:.2f} 秒）")
    else:
        verdict = "conforms" if not report.has_violations() else "does not conform"
        lines.append(f"{verdict}: {c['violation']} violations, {c['warning']} warnings, {c['info']} infos "
                     f"({report.triples} triples, {report.seconds:.2f} s)")
    return "\n".join(lines)


def render_json(report: ValidationReport, lang: str) -> str:
    results = [{
        "severity": r.severity, "focus": r.focus, "path": r.path, "value": r.value, "shape": r.source_shape,
        "constraint": r.constraint, "message": r.message(lang), "messages": r.messages,
        "file": r.location.file if r.location else None, "line": r.location.line if r.location else None,
        "key": r.location.key if r.location else None,
    } for r in report.results]
    return json.dumps({"conforms": not report.has_violations(), "counts": report.counts, "triples": report.triples,
                       "seconds": round(report.seconds, 3), "results": results}, ensure_ascii=False, indent=2)


def render_junit(report: ValidationReport, lang: str) -> str:
    """One test case per focus node and shape, failed where it has a violation (warnings are system-out)."""
    cases: dict[tuple[str, str], list] = {}
    for r in report.results:
        cases.setdefault((r.focus, r.source_shape or ""), []).append(r)
    suite = ET.Element("testsuite", name="kyodo-lod SHACL validation", tests=str(max(len(cases), 1)),
                       failures=str(sum(any(r.severity == "violation" for r in rs) for rs in cases.values())),
                       time=f"{report.seconds:.3f}")
    if not cases:
        ET.SubElement(suite, "testcase", classname="shacl", name="all data conforms")
    for (focus, shape), results in sorted(cases.items()):
        case = ET.SubElement(suite, "testcase", classname=shape or "shacl", name=focus)
        for r in results:
            text = f"{r.location}: {r.message(lang)}" if r.location else r.message(lang)
            if r.severity == "violation":
                ET.SubElement(case, "failure", message=r.message(lang), type=r.constraint or "violation").text = text
            else:
                ET.SubElement(case, "system-out").text = f"{r.severity}: {text}"
    return ET.tostring(ET.ElementTree(suite).getroot(), encoding="unicode", xml_declaration=True)


RENDERERS = {"text": render_text, "json": render_json, "junit": render_junit,
             "turtle": lambda report, _lang: report.report_graph.serialize(format="turtle")}


def write_report(report: ValidationReport, fmt: str, lang: str, output: Path | None) -> None:
    text = RENDERERS[fmt](report, lang)
    if output is None:
        click.echo(text)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{Path(output).name}.", dir=Path(output).parent or ".")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(tmp, output)
