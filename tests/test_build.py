"""The build: bad input gives every problem with file:line and writes nothing; a failed build keeps the old output."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from publisher.build import CURRENT_FILE, current_release, run_build
from publisher.cli import main
from publisher.errors import InputError

from .conftest import copy_data


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(path: Path, needle: str) -> int:
    for number, line in enumerate(path.read_text("utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(needle)


@pytest.fixture()
def data(tmp_path):
    return copy_data(tmp_path)


def build(settings, data: Path, output: Path):
    return run_build(settings.replace(data_dir=data, output_dir=output))


BAD_INPUTS = [
    # (file, old text, new text, line marker, expected message)
    ("groups.yaml", "  birdconnect:\n    name:", "  birdconnect:\n    colour: blue\n    name:", "colour: blue",
     "unknown field 'colour'"),
    ("groups.yaml", "    founded: 平成3年6月", "    founded: 平成31年5月", "founded: 平成31年5月", "平成"),
    ("projects.yaml", "    groups: [birdconnect]", "    groups: [birdconect]", "groups: [birdconect]",
     "did you mean 'birdconnect'"),
    ("projects.yaml", "    fiscal_year: 令和6年度\n    groups: [take-a-step]",
     "    fiscal_year: 令和6年度\n    fiscal_year: 令和5年度\n    groups: [take-a-step]", "fiscal_year: 令和5年度",
     "used twice"),
    ("groups.yaml", "      count: 133", "      count: many", "count: many", "whole number"),
    ("organisations.yaml", "  kiki-kanri-ka:\n    type: division", "  kiki-kanri-ka:\n    type: divison",
     "type: divison", "unknown organisation type"),
    ("plans.yaml", "      - number: 2\n        title: {ja: 市民等の交流や連携の促進",
     "      - number: 5\n        title: {ja: 市民等の交流や連携の促進", "- number: 5", "must have number: 2"),
    ("programs.yaml", "    name: {ja: スタート部門, en: Start category}", "    name: {ja: スタート部門, en: Start, category}",
     "name: {ja: スタート部門, en: Start, category}", "unknown language"),
    ("dataset.yaml", "  newsletter-2025:\n", "  newsletter-2025:\n    file: [x\n", "file: [x", "YAML"),
]


@pytest.mark.parametrize("file,old,new,marker,message", BAD_INPUTS, ids=[b[4][:30] for b in BAD_INPUTS])
def test_bad_input_is_reported_with_file_and_line(settings, data, tmp_path, file, old, new, marker, message):
    edit(data / file, old, new)
    with pytest.raises(InputError) as raised:
        build(settings, data, tmp_path / "out")
    expected_line = line_of(data / file, marker)
    hits = [p for p in raised.value.problems if message in p.en or message in p.ja]
    assert hits, raised.value.message("en")
    assert any(p.location.file.endswith(file) and p.location.line == expected_line for p in hits), [
        str(p.location) for p in hits]
    assert all(p.ja and p.en for p in raised.value.problems)
    assert not (tmp_path / "out").exists()


def test_every_problem_is_reported_at_once(settings, data, tmp_path):
    edit(data / "groups.yaml", "    founded: 平成3年6月", "    founded: 平成3年13月")
    edit(data / "projects.yaml", "    groups: [kbf]", "    groups: [kfb]")
    edit(data / "organisations.yaml", "    name: {ja: 森林再生課", "    nmae: x\n    name: {ja: 森林再生課")
    with pytest.raises(InputError) as raised:
        build(settings, data, tmp_path / "out")
    files = {Path(p.location.file).name for p in raised.value.problems}
    assert files == {"groups.yaml", "projects.yaml", "organisations.yaml"}


def test_alias_bomb_is_refused_quickly(settings, data, tmp_path):
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n" for i in range(9))
    (data / "groups.yaml").write_text(bomb, "utf-8")
    started = time.perf_counter()
    with pytest.raises(InputError) as raised:
        build(settings, data, tmp_path / "out")
    assert time.perf_counter() - started < 5
    assert any("alias" in p.en for p in raised.value.problems)


def test_failed_build_leaves_previous_output_untouched(settings, data, tmp_path):
    out = tmp_path / "out"
    first = build(settings, data, out)
    before = {p: p.read_bytes() for p in first.release_dir.rglob("*") if p.is_file()}
    pointer = (out / CURRENT_FILE).read_text()
    edit(data / "projects.yaml", "    category: start", "    category: finish")
    with pytest.raises(InputError):
        build(settings, data, out)
    assert (out / CURRENT_FILE).read_text() == pointer
    assert {p: p.read_bytes() for p in first.release_dir.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in (out / "releases").iterdir()) == [first.version]


def test_unwritable_output_gives_a_clear_error_and_no_partial_files(settings, data, tmp_path):
    if os.geteuid() == 0:
        target = tmp_path / "out"
        target.write_text("a file, not a folder")  # root ignores permissions; a file in the way fails for root too
    else:
        target = tmp_path / "ro"
        target.mkdir(mode=0o500)
    result = CliRunner().invoke(main, ["build", "--data-dir", str(data), "--output-dir", str(target), "--lang", "en"])
    assert result.exit_code == 2
    assert "cannot write the build output" in result.output
    assert "Traceback" not in result.output


def test_build_killed_half_way_keeps_the_served_release(settings, data, tmp_path):
    """SIGKILL during a build: CURRENT and the previous release stay exactly as they were."""
    out = tmp_path / "out"
    first = build(settings, data, out)
    edit(data / "groups.yaml", "    name: {ja: BirdConnect, en: BirdConnect}", "    name: {ja: BirdConnect2, en: BirdConnect}")
    proc = subprocess.Popen([sys.executable, "-m", "publisher.cli", "build", "--data-dir", str(data),
                             "--output-dir", str(out), "--base-iri", settings.base_iri],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    releases = out / "releases"
    deadline = time.monotonic() + 60
    while proc.poll() is None and time.monotonic() < deadline:
        if any(p.name.startswith(".") for p in releases.iterdir()):
            break  # the new release is being written: kill it now
        time.sleep(0.002)
    assert proc.poll() is None, "the build finished before it could be killed while writing"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert current_release(out) == first.release_dir
    assert (first.release_dir / "manifest.json").exists()
    staged = [p.name for p in (out / "releases").iterdir() if p.name.startswith(".")]
    complete = [p for p in (out / "releases").iterdir() if not p.name.startswith(".")]
    assert all((p / "manifest.json").exists() for p in complete), (staged, complete)


def test_cli_build_then_identical_rebuild_reuses_the_release(settings, data, tmp_path):
    runner = CliRunner()
    args = ["build", "--data-dir", str(data), "--output-dir", str(tmp_path / "out"), "--lang", "en"]
    first = runner.invoke(main, args)
    assert first.exit_code == 0, first.output
    assert first.output.startswith("built: ")
    second = runner.invoke(main, args)
    assert second.exit_code == 0 and second.output.startswith("reused the identical release")


def test_cli_reports_input_errors_in_japanese_without_traceback(data, tmp_path):
    edit(data / "groups.yaml", "    founded: 平成3年6月", "    founded: 平成3年13月")
    result = CliRunner().invoke(main, ["build", "--data-dir", str(data), "--output-dir", str(tmp_path / "o"),
                                       "--lang", "ja"])
    assert result.exit_code == 2
    assert result.output.startswith("エラー: ")
    assert "groups.yaml:" in result.output and "Traceback" not in result.output
