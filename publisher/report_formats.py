"""A ValidationReport as text (ja or en), JSON, JUnit XML, the SHACL report graph (Turtle), or an HTML page.

Every renderer takes (report, lang, strict=False) and returns text. Input problems (stage "input") and SHACL
results are rendered alike: where (file:line:column and key), what, and the value, path and constraint involved.
"""
from __future__ import annotations

import html
import json
import xml.etree.ElementTree as ET

from .shacl_messages import component_name
from .validation import ValidationReport, ValidationResult
from .vocab import PREFIXES

WORDS = {  # (en, ja)
    "error": ("error", "エラー"), "violation": ("violation", "違反"), "warning": ("warning", "警告"),
    "info": ("info", "情報"), "value": ("value", "値"), "focus": ("focus", "対象"), "path": ("path", "パス"),
    "expected": ("expected", "期待"), "shape": ("shape", "シェイプ"),
}


def word(name: str, lang: str) -> str:
    return WORDS[name][1 if lang == "ja" else 0]


def where(result: ValidationResult) -> str:
    """'data/groups.yaml:41:5 (groups.x.name)', or the focus node when the input has no lines."""
    if result.location is None:
        return result.focus_text or result.focus or "?"
    key = f" ({result.location.key})" if result.location.key else ""
    return f"{result.location}{key}"


def details(result: ValidationResult, lang: str) -> list[tuple[str, str]]:
    """The terms involved, in the order people look for them: the value first."""
    pairs = [("value", result.value_text), ("focus", result.focus_text), ("path", result.path_text),
             ("expected", result.expected)]
    return [(word(name, lang), text) for name, text in pairs if text]


def summary(report: ValidationReport, lang: str) -> str:
    c = report.counts
    if not report.checked:
        if lang == "ja":
            return f"入力に問題が {c['error']} 件あるため、シェイプによる検証は行っていません。先にこれらを直してください"
        return f"not checked against the shapes: {plural(c['error'], 'problem')} in the input; fix these first"
    if lang == "ja":
        verdict = "不適合" if report.has_violations() else "適合"
        return (f"{verdict}: 違反 {c['violation']} 件、警告 {c['warning']} 件、情報 {c['info']} 件"
                f"（{report.triples} トリプル、{report.seconds:.2f} 秒）")
    verdict = "does not conform" if report.has_violations() else "conforms"
    return (f"{verdict}: {plural(c['violation'], 'violation')}, {plural(c['warning'], 'warning')}, "
            f"{plural(c['info'], 'info')} ({report.triples} triples, {report.seconds:.2f} s)")


def plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def render_text(report: ValidationReport, lang: str, strict: bool = False) -> str:
    lines = []
    separator = "、" if lang == "ja" else ", "
    for r in report.results:
        lines.append(f"{where(r)}: {word(r.severity, lang)}: {r.message(lang)}")
        if r.stage == "shacl":
            lines.append("    " + separator.join(f"{name} {text}" for name, text in details(r, lang)))
    lines.append(summary(report, lang))
    return "\n".join(lines)


def result_json(r: ValidationResult, lang: str) -> dict:
    place = r.location
    return {
        "stage": r.stage, "severity": r.severity, "code": component_name(r.constraint) or r.constraint,
        "file": place.file if place else None, "line": place.line if place else None,
        "column": place.column if place else None, "key": place.key if place else None,
        "message": r.message(lang), "messages": r.messages, "focus": r.focus, "focus_text": r.focus_text,
        "path": r.path, "path_text": r.path_text, "value": r.value, "value_text": r.value_text,
        "expected": r.expected, "constraint": r.constraint, "shape": r.source_shape, "shape_name": r.shape_name,
    }


def render_json(report: ValidationReport, lang: str, strict: bool = False) -> str:
    document = {
        "conforms": not report.has_violations(), "passes": report.passes(strict), "checked": report.checked,
        "exit_code": report.exit_code(strict), "strict": strict, "counts": report.counts,
        "triples": report.triples, "seconds": round(report.seconds, 3), "lang": lang,
        "summary": {"en": summary(report, "en"), "ja": summary(report, "ja")},
        "results": [result_json(r, lang) for r in report.results],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def junit_cases(report: ValidationReport) -> dict[tuple[str, str], list[ValidationResult]]:
    """(class name, test name) -> results: one case per focus node and shape, one per input problem."""
    cases: dict[tuple[str, str], list[ValidationResult]] = {}
    for r in report.results:
        if r.stage == "input":
            key = (f"input.{r.constraint}", where(r))
        else:
            key = (r.shape_name or r.source_shape or "shacl", r.focus_text or r.focus or "?")
        cases.setdefault(key, []).append(r)
    return cases


def render_junit(report: ValidationReport, lang: str, strict: bool = False) -> str:
    """JUnit XML for CI dashboards: a failure per violation (and warning when strict), an error per unreadable input."""
    cases = junit_cases(report)
    suite = ET.Element("testsuite", name="kyodo validate", time=f"{report.seconds:.3f}")
    failures = errors = 0
    for (classname, name), results in sorted(cases.items()):
        case = ET.SubElement(suite, "testcase", classname=classname, name=name)
        if results[0].location is not None:
            case.set("file", results[0].location.file)
            if results[0].location.line:
                case.set("line", str(results[0].location.line))
        failed, broken = _junit_outcomes(case, results, lang, strict)
        failures, errors = failures + failed, errors + broken
    if not cases:
        ET.SubElement(suite, "testcase", classname="shacl", name="all data conforms")
    counts = {"tests": str(max(len(cases), 1)), "failures": str(failures), "errors": str(errors), "skipped": "0"}
    suite.attrib.update(counts)
    root = ET.Element("testsuites", name="kyodo validate", time=suite.get("time"), **counts)
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def _junit_outcomes(case: ET.Element, results: list[ValidationResult], lang: str, strict: bool) -> tuple[int, int]:
    failed = broken = 0
    other = "en" if lang == "ja" else "ja"
    for r in results:
        body = "\n".join([f"{where(r)}: {r.message(lang)}", r.message(other)] +
                         [f"{name}: {text}" for name, text in details(r, lang)])
        kind = component_name(r.constraint) or r.constraint or r.severity
        if r.unreadable:
            ET.SubElement(case, "error", message=r.message(lang), type=kind).text = body
            broken = 1
        elif r.severity in ("violation", "error") or (strict and r.severity == "warning"):
            ET.SubElement(case, "failure", message=r.message(lang), type=kind).text = body
            failed = 1
        else:
            ET.SubElement(case, "system-out").text = f"{word(r.severity, lang)}: {body}"
    return failed, broken


def render_turtle(report: ValidationReport, lang: str = "en", strict: bool = False) -> str:
    graph = report.report_graph
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)
    return graph.serialize(format="turtle")


def render_html(report: ValidationReport, lang: str, strict: bool = False) -> str:
    """A self-contained page for people who do not read JSON (published with each release)."""
    e = html.escape
    rows = []
    for r in report.results:
        terms = "<br>".join(f"{e(name)}: <code>{e(text)}</code>" for name, text in details(r, lang))
        other = "en" if lang == "ja" else "ja"
        rows.append(f'<tr class="{e(r.severity)}"><td>{e(word(r.severity, lang))}</td><td><code>{e(where(r))}</code>'
                    f'</td><td>{e(r.message(lang))}<br><small lang="{other}">{e(r.message(other))}</small></td>'
                    f"<td>{terms}</td></tr>")
    title = "検証レポート" if lang == "ja" else "Validation report"
    head = ("<th>種別</th><th>場所</th><th>内容</th><th>詳細</th>" if lang == "ja"
            else "<th>severity</th><th>where</th><th>message</th><th>details</th>")
    return (f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{title}</title>'
            "<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}"
            ".violation td:first-child,.error td:first-child{color:#b00}.warning td:first-child{color:#a60}</style>"
            f"</head><body><h1>{title}</h1><p>{e(summary(report, lang))}</p>"
            f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></body></html>\n")


RENDERERS = {"text": render_text, "json": render_json, "junit": render_junit, "turtle": render_turtle,
             "html": render_html}
