"""Broken YAML data: every problem found before SHACL is reported at once, one message each, at its file:line;
SHACL results on YAML data point at the line of the field (or value) that produced the failing triple."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph

from publisher.cli import main
from publisher.settings import ROOT
from publisher.vocab import SH

from .conftest import copy_data

FIXTURES = ROOT / "tests" / "fixtures" / "validate"
SHAPES = FIXTURES / "shapes.ttl"
REAL_SHAPES = ROOT / "shapes" / "kyodo-shapes.ttl"


def validate(*args: str):
    return CliRunner().invoke(main, ["validate", *args], env={"KYODO_CONFIG": ""}, catch_exceptions=False)


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` with `new`; the 1-based line the new text starts on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    index = text.index(old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text.count("\n", 0, index) + 1


def line_of(path: Path, text: str, after: int = 0) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, line in enumerate(lines, start=1) if n > after and text in line)


@pytest.fixture()
def broken(tmp_path):
    """A copy of data/ with five things wrong at once; yields (folder, {code: (file name, line)})."""
    data = copy_data(tmp_path)
    groups, projects = data / "groups.yaml", data / "projects.yaml"
    expected = {}
    start = edit(groups, "  go-west-project:\n    name:", "  go-west-project:\n    nickname: GWP\n    name:")
    expected["unknown-field"] = ("groups.yaml", start + 1)
    edit(groups, "founded: 平成3年6月", "founded: 平成3年13月")
    expected["bad-date"] = ("groups.yaml", line_of(groups, "founded: 平成3年13月"))
    edit(groups, "      count: 133", "      count: many")
    expected["wrong-type"] = ("groups.yaml", line_of(groups, "count: many"))
    edit(groups, "organizer: kanazawa-castle-kenrokuen-society", "organizer: kanazawa-castle-society")
    expected["dangling-reference"] = ("groups.yaml", line_of(groups, "organizer: kanazawa-castle-society"))
    project = line_of(projects, "  r07-go-west-project:")
    edit(projects, "    category: start\n    groups: [go-west-project]",
         "    category: start\n    category: general\n    groups: [go-west-project]")
    expected["duplicate-key"] = ("projects.yaml", line_of(projects, "category: general", after=project))
    return data, expected


def test_every_problem_is_reported_once_at_its_file_and_line(broken):
    data, expected = broken
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "json")
    assert result.exit_code == 1, "data errors (not unreadable input) exit 1"
    report = json.loads(result.stdout)
    found = {r["code"]: (Path(r["file"]).name, r["line"]) for r in report["results"]}
    assert len(report["results"]) == 5
    assert found == expected
    assert report["checked"] is False and report["counts"]["error"] == 5


def test_each_problem_says_what_is_wrong_in_both_languages(broken):
    data, _expected = broken
    results = json.loads(validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "json").stdout)
    by_code = {r["code"]: r for r in results["results"]}
    assert "did you mean 'name'" in by_code["unknown-field"]["messages"]["en"]
    assert by_code["unknown-field"]["key"] == "groups.go-west-project.nickname"
    assert "13" in by_code["bad-date"]["messages"]["ja"] and by_code["bad-date"]["key"].endswith(".founded")
    assert "did you mean 'kanazawa-castle-kenrokuen-society'" in by_code["dangling-reference"]["messages"]["en"]
    assert "'category'" in by_code["duplicate-key"]["messages"]["en"]
    assert "many" in by_code["wrong-type"]["messages"]["ja"]
    for result in results["results"]:
        assert result["messages"]["ja"] and result["messages"]["en"] and result["messages"]["ja"] != result["messages"]["en"]


def test_the_text_report_lists_them_as_file_line_and_key(broken):
    data, expected = broken
    text = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--lang", "ja").stdout
    lines = text.splitlines()
    for name, line in expected.values():
        assert any(f"{name}:{line}:" in entry and ": エラー: " in entry for entry in lines), (name, line, text)
    assert lines[-1].startswith("入力に問題が 5 件")


def test_the_problems_come_as_junit_and_as_a_report_graph_too(broken):
    data, _expected = broken
    junit = ET.fromstring(validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "junit").stdout)
    cases = junit.findall(".//testcase")
    assert len(cases) == 5 and all(case.find("failure") is not None for case in cases)
    assert junit.get("failures") == "5" and junit.get("errors") == "0"
    graph = Graph().parse(data=validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "turtle").stdout,
                          format="turtle")
    results = list(graph.subjects(None, SH.ValidationResult))
    assert len(results) == 5
    for node in results:
        assert {m.language for m in graph.objects(node, SH.resultMessage)} == {"ja", "en"}


def test_a_syntax_error_is_unreadable_input_and_exits_2(tmp_path):
    data = copy_data(tmp_path)
    line = edit(data / "projects.yaml", "    program: challenge\n", "    program: [challenge\n")
    report = json.loads(validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "json").stdout)
    assert report["exit_code"] == 2
    [problem] = report["results"]
    assert (Path(problem["file"]).name, problem["line"], problem["code"]) == ("projects.yaml", line, "syntax")


def test_a_duplicate_key_does_not_hide_the_files_other_problems(tmp_path):
    data = copy_data(tmp_path)
    edit(data / "groups.yaml", "    legal_form: npo-corporation\n", "    legal_form: npo-corporation\n    legal_form: x\n")
    edit(data / "groups.yaml", "founded: 平成3年6月", "founded: 平成3年13月")
    report = json.loads(validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "json").stdout)
    assert sorted(r["code"] for r in report["results"]) == ["bad-date", "duplicate-key"]


def test_an_unreadable_file_does_not_make_every_reference_to_it_dangle(tmp_path):
    data = copy_data(tmp_path)
    edit(data / "organisations.yaml", "  kiki-kanri-ka:\n", "  kiki-kanri-ka: [\n")
    report = json.loads(validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "json").stdout)
    assert [r["code"] for r in report["results"]] == ["syntax"]


# --- SHACL results on YAML data --------------------------------------------------------------

def shacl_results(data: Path, shapes: Path = SHAPES) -> list[dict]:
    result = validate("--data-dir", str(data), "--shapes", str(shapes), "--format", "json")
    report = json.loads(result.stdout)
    assert report["checked"], report["results"][:3]
    return report["results"]


def test_a_value_that_breaks_a_shape_points_at_its_own_line(tmp_path):
    data = copy_data(tmp_path)
    organisations = data / "organisations.yaml"
    line = edit(organisations, "phone: 076-220-2026", "phone: '0762202026'")
    [result] = [r for r in shacl_results(data) if r["severity"] == "violation"]
    assert (Path(result["file"]).name, result["line"]) == ("organisations.yaml", line)
    assert result["key"] == "organisations.shimin-kyodo-suishin-ka.contact.phone"
    assert result["value"] == "0762202026" and result["path_text"] == "ic:電話番号"
    assert result["focus"].startswith("_:")
    assert result["focus_text"].endswith("/id/org/shimin-kyodo-suishin-ka> ic:連絡先 [ ]")


def test_a_missing_field_points_at_its_record_and_names_the_field(tmp_path):
    data = copy_data(tmp_path)
    results = [r for r in shacl_results(data) if r["shape_name"] == "kdsh:GroupDescriptionShape/schema:description"]
    go_west = next(r for r in results if r["focus"].endswith("/group/go-west-project"))
    assert (Path(go_west["file"]).name, go_west["line"]) == ("groups.yaml", line_of(data / "groups.yaml",
                                                                                    "  go-west-project:"))
    assert go_west["key"] == "groups.go-west-project.description"
    assert go_west["severity"] == "warning" and go_west["expected"] == "sh:minCount 1"
    assert go_west["messages"]["ja"] == "団体の説明（description）がありません"
    assert go_west["messages"]["en"] == "schema:description is missing: give at least 1 value(s)"


@pytest.mark.skipif(not REAL_SHAPES.exists(), reason="shapes/kyodo-shapes.ttl is not written yet")
def test_with_the_projects_shapes_a_fiscal_year_out_of_range_points_at_fiscal_year(tmp_path):
    data = copy_data(tmp_path)
    projects = data / "projects.yaml"
    start = line_of(projects, "  r07-single-navi:")
    edit(projects, "  r07-single-navi:\n    program: challenge\n    fiscal_year: 令和7年度",
         "  r07-single-navi:\n    program: challenge\n    fiscal_year: 1980年度")
    violations = [r for r in shacl_results(data, REAL_SHAPES) if r["severity"] == "violation"]
    assert violations, "a fiscal year of 1980 should break the project shape"
    for result in violations:
        assert (Path(result["file"]).name, result["line"]) == ("projects.yaml", start + 2)
        assert result["key"] == "projects.r07-single-navi.fiscal_year"
        assert result["messages"]["ja"] and result["messages"]["en"]
