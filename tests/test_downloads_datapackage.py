"""datapackage.json describes the same CSV files as csv-metadata.json, and Frictionless accepts it."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

frictionless = pytest.importorskip("frictionless")


@pytest.fixture(scope="module")
def folder(release):
    return release.release_dir / "downloads"


def frictionless_command() -> list[str]:
    script = Path(sys.executable).with_name("frictionless")
    return [str(script)] if script.exists() else [shutil.which("frictionless") or "frictionless"]


def test_frictionless_validate_accepts_the_package(folder):
    """Types, primary and foreign keys, byte counts and SHA-256 hashes of every table."""
    result = subprocess.run([*frictionless_command(), "validate", "--json", "datapackage.json"], cwd=folder,
                            capture_output=True, text=True, timeout=300)
    report = json.loads(result.stdout)
    errors = [error["message"] for task in report.get("tasks", []) for error in task.get("errors", [])]
    assert result.returncode == 0 and report["valid"], errors[:5] or result.stderr[-2000:]
    assert len(report["tasks"]) == len(json.loads((folder / "datapackage.json").read_text("utf-8"))["resources"])


def test_package_and_csvw_describe_the_same_files_and_columns(folder):
    package = json.loads((folder / "datapackage.json").read_text("utf-8"))
    csvw = json.loads((folder / "csv-metadata.json").read_text("utf-8"))
    assert [r["path"] for r in package["resources"]] == [t["url"] for t in csvw["tables"]]
    for resource, table in zip(package["resources"], csvw["tables"]):
        columns = [c for c in table["tableSchema"]["columns"] if not c.get("virtual")]
        assert [f["name"] for f in resource["schema"]["fields"]] == [c["titles"]["ja"] for c in columns]
        assert resource["licenses"][0]["path"] == "https://creativecommons.org/licenses/by/4.0/"
        assert resource["encoding"] == "utf-8" and resource["hash"].startswith("sha256:")


def test_a_broken_foreign_key_is_caught(folder, tmp_path):
    """The check has teeth: a proposer that is not a group fails validation."""
    copy = tmp_path / "pkg"
    shutil.copytree(folder, copy, ignore=shutil.ignore_patterns("*.gz", "kyodo-*"))
    path = copy / "172014_project_groups.csv"
    text = path.read_text("utf-8-sig").replace(",birdconnect,", ",no-such-group,", 1)
    path.write_text(text, "utf-8-sig", newline="")
    package = json.loads((copy / "datapackage.json").read_text("utf-8"))
    for resource in package["resources"]:
        resource.pop("hash"), resource.pop("bytes")
    (copy / "datapackage.json").write_text(json.dumps(package, ensure_ascii=False), "utf-8")
    report = frictionless.validate(copy / "datapackage.json")
    assert not report.valid
    assert {e.type for task in report.tasks for e in task.errors} == {"foreign-key"}
