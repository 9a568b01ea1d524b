"""The pre-commit hook works from another repository: pre-commit installs kyodo-lod from a git repository holding
the working tree (with .pre-commit-hooks.yaml), then runs `kyodo validate` on that other repository's data/."""
from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from publisher.settings import ROOT

IGNORED = shutil.ignore_patterns(".git", ".venv", "dist", "*.egg-info", "__pycache__", ".pytest_cache", ".hypothesis",
                                 "test-artifacts", "node_modules")
HAVE_PRE_COMMIT = importlib.util.find_spec("pre_commit") is not None


def test_the_hook_is_defined_as_documented():
    [hook] = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "kyodo-validate" and hook["language"] == "python"
    assert hook["entry"] == "kyodo validate" and hook["pass_filenames"] is False
    assert hook["files"] == r"^data/.*\.ya?ml$"


def git(cwd: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="test@example.org", GIT_COMMITTER_NAME="test",
               GIT_COMMITTER_EMAIL="test@example.org")
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def repository(path: Path) -> Path:
    git(path, "init", "-q")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "snapshot", "--no-verify")
    return path


def try_repo(hook_repo: Path, other: Path, home: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(PRE_COMMIT_HOME=str(home), KYODO_LANG="en", PRE_COMMIT_COLOR="never")
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(hook_repo), "kyodo-validate",
                           "--all-files"], cwd=other, env=env, capture_output=True, text=True, timeout=900)


@pytest.mark.slow
@pytest.mark.skipif(not HAVE_PRE_COMMIT, reason="pre-commit is not installed (pip install pre-commit)")
@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_the_hook_runs_in_another_repository(tmp_path):
    """A snapshot of the working tree becomes the hook's repository (untracked files included: try-repo on the
    project itself would only see committed ones); the other repository has nothing but a copy of data/."""
    hook_repo = tmp_path / "kyodo-lod"
    shutil.copytree(ROOT, hook_repo, ignore=IGNORED)
    repository(hook_repo)
    other = tmp_path / "city-data"
    shutil.copytree(ROOT / "data", other / "data")
    repository(other)
    passed = try_repo(hook_repo, other, tmp_path / "pre-commit-home")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout

    phone = other / "data" / "organisations.yaml"
    phone.write_text(phone.read_text("utf-8").replace("phone: 076-220-2026", "phone: '0762202026'", 1), "utf-8")
    git(other, "commit", "-q", "-am", "a phone number without hyphens", "--no-verify")
    failed = try_repo(hook_repo, other, tmp_path / "pre-commit-home")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "data/organisations.yaml:36:" in failed.stdout and "contact.phone" in failed.stdout
