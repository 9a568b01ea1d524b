"""`kyodo validate`: one test per exit code and per way the input or the shapes can be unreadable, and --output."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.cli import main
from publisher.settings import ROOT

from .conftest import copy_data

FIXTURES = ROOT / "tests" / "fixtures" / "validate"
SHAPES = FIXTURES / "shapes.ttl"


def validate(*args: str, env: dict | None = None):
    """Run `kyodo validate` in-process; returns the click Result (exit code, stdout, stderr)."""
    runner = CliRunner()
    return runner.invoke(main, ["validate", *args], env={"KYODO_CONFIG": "", **(env or {})}, catch_exceptions=False)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture()
def data(tmp_path) -> Path:
    return copy_data(tmp_path)


def test_conforming_data_exits_0_even_with_warnings(data):
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--lang", "en")
    assert result.exit_code == 0, result.output
    assert "warning" in result.stdout and "conforms: 0 violations" in result.stdout


def test_strict_fails_on_warnings_with_1(data):
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--strict")
    assert result.exit_code == 1


def test_violations_exit_1(data):
    edit(data / "organisations.yaml", "phone: 076-220-2026", "phone: '0762202026'")
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--lang", "en")
    assert result.exit_code == 1
    assert "does not conform: 1 violation" in result.stdout


def test_data_errors_found_by_the_builder_exit_1(data):
    edit(data / "groups.yaml", "founded: 平成3年6月", "founded: 平成3年13月")
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--lang", "en")
    assert result.exit_code == 1
    assert "groups.yaml:" in result.stdout and "not checked against the shapes" in result.stdout


def test_yaml_syntax_error_exits_2(data):
    edit(data / "groups.yaml", "  birdconnect:\n", "  birdconnect\n")
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES))
    assert result.exit_code == 2


def test_yaml_that_is_not_utf8_exits_2(data):
    (data / "groups.yaml").write_bytes("groups:\n  kbf:\n    name: {ja: 金沢}\n".encode("cp932"))
    assert validate("--data-dir", str(data), "--shapes", str(SHAPES)).exit_code == 2


def test_missing_data_folder_exits_2(tmp_path):
    result = validate("--data-dir", str(tmp_path / "nowhere"), "--shapes", str(SHAPES), "--lang", "en")
    assert result.exit_code == 2
    assert "no such data folder" in result.stdout


@pytest.mark.parametrize("shapes_text", [
    "this is not Turtle .",
    "@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> a sh:NodeShape ; sh:targetNode <urn:x> ;"
    " sh:property [ sh:path <urn:p> ; sh:minCount \"many\" ] .",
    "@prefix sh: <http://www.w3.org/ns/shacl#> . <urn:S> a sh:NodeShape ; sh:targetNode <urn:x> ;"
    " sh:property [ sh:path <urn:p> ; sh:pattern \"(\" ] .",
], ids=["syntax", "bad-min-count", "bad-pattern"])
def test_shapes_that_cannot_be_read_or_used_exit_2(data, tmp_path, shapes_text):
    shapes = tmp_path / "bad-shapes.ttl"
    shapes.write_text(shapes_text, encoding="utf-8")
    result = validate("--data-dir", str(data), "--shapes", str(shapes), "--lang", "en", "--format", "json")
    assert result.exit_code == 2
    [problem] = json.loads(result.stdout)["results"]
    assert problem["file"] == str(shapes) and problem["stage"] == "input"


def test_missing_shapes_exit_2(data, tmp_path):
    assert validate("--data-dir", str(data), "--shapes", str(tmp_path / "none.ttl")).exit_code == 2


def test_unparseable_rdf_file_exits_2_with_its_line(tmp_path):
    bad = tmp_path / "bad.ttl"
    bad.write_text("<urn:a> <urn:b> <urn:c> .\n<urn:a> <urn:b> .\n", encoding="utf-8")
    result = validate(str(bad), "--shapes", str(SHAPES), "--format", "json")
    assert result.exit_code == 2
    [problem] = json.loads(result.stdout)["results"]
    assert (problem["file"], problem["line"], problem["code"]) == (str(bad), 2, "syntax")


def test_unknown_rdf_format_and_missing_file_are_both_reported(tmp_path):
    odd = tmp_path / "data.unknown"
    odd.write_text("x", encoding="utf-8")
    result = validate(str(odd), str(tmp_path / "missing.ttl"), "--shapes", str(SHAPES), "--format", "json")
    assert result.exit_code == 2
    assert sorted(r["code"] for r in json.loads(result.stdout)["results"]) == ["format", "missing-file"]


def test_output_is_written_whole_and_readable_and_the_summary_goes_to_stderr(data, tmp_path):
    target = tmp_path / "reports" / "validation.json"
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "json", "--output", str(target),
                      "--lang", "en")
    assert result.exit_code == 0
    assert json.loads(target.read_text("utf-8"))["conforms"] is True
    assert oct(target.stat().st_mode & 0o777) == "0o644"
    assert result.stdout == "" and "conforms" in result.stderr
    assert [p.name for p in target.parent.iterdir()] == ["validation.json"]


def test_a_failed_write_leaves_the_previous_report_and_no_temporary_file(data, tmp_path, monkeypatch):
    target = tmp_path / "validation.xml"
    target.write_text("previous report\n", encoding="utf-8")

    def fail(*_args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--format", "junit", "--output", str(target),
                      "--lang", "en")
    assert result.exit_code == 2
    assert "cannot write the report (No space left on device)" in result.stderr
    assert target.read_text("utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir() if p.name != "data"] == ["validation.xml"]


def test_output_into_an_unwritable_place_exits_2(data, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    result = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--output", str(blocker / "report.txt"))
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_language_comes_from_the_locale_unless_given(data):
    edit(data / "organisations.yaml", "phone: 076-220-2026", "phone: '0762202026'")
    japanese = validate("--data-dir", str(data), "--shapes", str(SHAPES), env={"KYODO_LANG": "ja_JP.UTF-8"})
    assert "違反" in japanese.stdout and "ハイフン" in japanese.stdout
    english = validate("--data-dir", str(data), "--shapes", str(SHAPES), "--lang", "en",
                       env={"KYODO_LANG": "ja_JP.UTF-8"})
    assert "violation" in english.stdout and "hyphens" in english.stdout


def test_the_projects_own_shapes_are_the_default(data):
    if not (ROOT / "shapes" / "kyodo-shapes.ttl").exists():
        pytest.skip("shapes/kyodo-shapes.ttl is not written yet")
    result = validate("--data-dir", str(data), "--format", "json")
    assert result.exit_code == 0, result.stdout[:2000]
    assert json.loads(result.stdout)["checked"] is True
