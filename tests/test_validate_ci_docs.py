"""The CI recipe in docs/ci/ stays in step with the validator: the workflow is valid YAML that runs `kyodo validate`,
and the problem matcher recognises every line of the text report that names a YAML file."""
from __future__ import annotations

import json
import re

import pytest
import yaml
from rdflib import Graph

from publisher.errors import Location, Problem
from publisher.report_formats import render_text
from publisher.settings import ROOT
from publisher.validation import problems_report, validate_graph

CI = ROOT / "docs" / "ci"


def matchers() -> dict[str, re.Pattern]:
    document = json.loads((CI / "kyodo-problem-matcher.json").read_text(encoding="utf-8"))
    return {m["severity"]: re.compile(m["pattern"][0]["regexp"]) for m in document["problemMatcher"]}


def test_the_workflow_runs_the_validator_with_a_junit_report():
    workflow = yaml.safe_load((CI / "github-actions-validate.yml").read_text(encoding="utf-8"))
    commands = " ".join(step.get("run", "") for step in workflow["jobs"]["validate"]["steps"])
    assert "kyodo validate --data-dir data" in commands and "--format junit" in commands
    assert "kyodo-problem-matcher.json" in commands


@pytest.mark.parametrize("lang", ["en", "ja"])
def test_the_matcher_reads_input_problems_and_shacl_results(lang, source_data):
    problems = problems_report([
        Problem(Location("data/groups.yaml", 41, 5, "groups.x.nickname"), "unknown field", "不明な項目", "unknown-field"),
        Problem(Location("data/plans.yaml", 3), "YAML syntax error", "YAML の構文エラー", "syntax")])
    from publisher.validation import data_union
    shapes = Graph().parse(data="""@prefix sh: <http://www.w3.org/ns/shacl#> .
        <urn:S> a sh:NodeShape ; sh:targetClass <https://w3id.org/kyodo-lod/def#CitizenGroup> ;
        sh:property [ sh:path <https://schema.org/description> ; sh:minCount 1 ; sh:severity sh:Warning ] .""",
                           format="turtle")
    warnings = validate_graph(data_union(source_data.dataset), shapes, Graph(), source_data.provenance)
    error, warning = matchers()["error"], matchers()["warning"]
    lines = render_text(problems, lang).splitlines()
    first = error.match(lines[0])
    assert first and first.groups() == ("data/groups.yaml", "41", "5", "groups.x.nickname", first.group(5))
    assert error.match(lines[1]).group(1, 2) == ("data/plans.yaml", "3")
    warning_lines = [line for line in render_text(warnings, lang).splitlines() if not line.startswith("    ")]
    assert all(warning.match(line) for line in warning_lines[:-1]) and len(warning_lines) > 1
    assert not error.match(warning_lines[0]) and not warning.match(warning_lines[-1])
