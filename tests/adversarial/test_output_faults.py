"""A full disk or an unwritable output folder: `kyodo build` says so (exit 2), writes no partial files, and leaves
the previous release and CURRENT exactly as they were. A real tiny tmpfs when we can mount one (root), and
ENOSPC simulated in-process everywhere."""
from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

import publisher.build as build_module
from publisher.build import CURRENT_FILE
from publisher.cli import main
from tests.conftest import copy_data

NO_SPACE = "No space left on device"


def cli_build(data: Path, output: Path):
    return CliRunner().invoke(main, ["build", "--data-dir", str(data), "--output-dir", str(output), "--lang", "en"])


def snapshot(output: Path) -> dict:
    """Every file under the output folder (hidden staging folders included) with its bytes."""
    return {p.relative_to(output): p.read_bytes() for p in sorted(output.rglob("*")) if p.is_file()}


def edit_one_name(data: Path) -> None:
    path = data / "groups.yaml"
    text = path.read_text("utf-8")
    path.write_text(text.replace("name: {ja: BirdConnect, en: BirdConnect}", "name: {ja: BirdConnect2, en: B2}", 1))


def assert_untouched(output: Path, before: dict, result, reason: str) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {output / 'releases'}")
    assert "cannot write the build output (" in result.output and reason in result.output
    assert result.output.rstrip().endswith("the previous output is untouched")
    assert "Traceback" not in result.output
    assert snapshot(output) == before


# --- a real tiny disk ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tiny_disk(tmp_path_factory):
    """A 12 MiB tmpfs (root only) holding one release, and data/ edited for the next one; skipped where
    mounting is not allowed (the simulation below covers that case)."""
    folder = tmp_path_factory.mktemp("tiny-disk")
    mount = folder / "disk"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        data = copy_data(folder)
        first = cli_build(data, mount)
        assert first.exit_code == 0, first.output
        edit_one_name(data)
        yield mount, data
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path, leave_kib: int) -> Path:
    stat = os.statvfs(mount)
    filler = mount / "filler"
    filler.write_bytes(b"\0" * max(0, stat.f_bavail * stat.f_frsize // 1024 - leave_kib) * 1024)
    return filler


@pytest.mark.slow
@pytest.mark.parametrize("share", [0.02, 0.4, 0.85], ids=["almost-nothing", "under-half", "almost-enough"])
def test_a_full_disk_fails_cleanly_at_any_point(tiny_disk, share):
    """The next release needs about as much room as the first: leave a share of that free, then build."""
    mount, data = tiny_disk
    release_kib = sum(p.stat().st_size for p in (mount / "releases").rglob("*") if p.is_file()) // 1024
    filler = fill(mount, int(release_kib * share))
    try:
        before = snapshot(mount)
        assert_untouched(mount, before, cli_build(data, mount), NO_SPACE)
    finally:
        filler.unlink()


def test_a_read_only_file_system_fails_cleanly(tiny_disk):
    mount, data = tiny_disk
    subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
    try:
        before = snapshot(mount)
        assert_untouched(mount, before, cli_build(data, mount), "Read-only file system")
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(mount)], check=True)


# --- simulated: ENOSPC in-process, and files in the way ---------------------------------------------------

@pytest.fixture(scope="module")
def built(settings, tmp_path_factory):
    """A copy of data/ and an output folder with one release in it."""
    folder = tmp_path_factory.mktemp("output-faults")
    data = copy_data(folder)
    result = cli_build(data, folder / "dist")
    assert result.exit_code == 0, result.output
    edit_one_name(data)
    return data, folder / "dist"


def test_enospc_while_writing_the_release_leaves_no_partial_files(built, monkeypatch):
    data, output = built

    def write_half_then_fail(dataset, report, settings, version, folder):
        (folder / "kyodo.trig").write_text("@prefix half: <written> .\n")
        raise OSError(errno.ENOSPC, NO_SPACE)

    monkeypatch.setattr(build_module, "write_files", write_half_then_fail)
    before = snapshot(output)
    assert_untouched(output, before, cli_build(data, output), NO_SPACE)


def test_enospc_while_switching_current_keeps_the_old_pointer(built, monkeypatch):
    data, output = built
    pointer = (output / CURRENT_FILE).read_text()

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, NO_SPACE)

    monkeypatch.setattr(build_module.tempfile, "mkstemp", no_space)
    result = cli_build(data, output)
    assert result.exit_code == 2
    assert result.output.strip() == (f"Error: {output / CURRENT_FILE}: cannot write the build output "
                                     f"({NO_SPACE}); the previous output is untouched")
    assert (output / CURRENT_FILE).read_text() == pointer
    assert not [p for p in output.iterdir() if p.name.startswith(".CURRENT")]


def test_a_file_in_place_of_the_releases_folder_fails_cleanly(tmp_path):
    """As root, permissions do not stop a write; a file where a folder must be does."""
    data = copy_data(tmp_path)
    output = tmp_path / "dist"
    output.mkdir()
    (output / "releases").write_text("a file, not a folder")
    before = snapshot(output)
    result = cli_build(data, output)
    assert result.exit_code == 2
    assert result.output.strip() == (f"Error: {output / 'releases'}: cannot write the build output "
                                     "(File exists); the previous output is untouched")
    assert snapshot(output) == before


def test_a_folder_in_place_of_current_fails_cleanly(tmp_path):
    """The build reads CURRENT (the previous release, for the changelog) while writing: it stops there."""
    data = copy_data(tmp_path)
    output = tmp_path / "dist"
    (output / CURRENT_FILE).mkdir(parents=True)
    result = cli_build(data, output)
    assert result.exit_code == 2
    assert result.output.startswith(f"Error: {output / 'releases'}/")
    assert result.output.strip().endswith(": cannot write the build output (Is a directory); "
                                          "the previous output is untouched")
    assert (output / CURRENT_FILE).is_dir() and list((output / "releases").iterdir()) == []
