#!/usr/bin/env python3
"""Set up kyodo-lod on a fresh machine and run it: the README's two commands.

    python3 dev.py serve   # set up, build the Kanazawa dataset, serve it on http://127.0.0.1:8000/
    python3 dev.py test    # set up (system packages too, where root) and run the whole test suite

Only the standard library is used here: this file runs before anything is installed.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".kyodo-installed"

# Debian packages the test suite needs: a real browser (and a Japanese font, so screenshots show
# the text) for the page tests, and Virtuoso for the remote-engine integration test.
APT_PACKAGES_FOR_TESTS = ["chromium", "chromium-driver", "fonts-noto-cjk", "virtuoso-opensource"]


def venv_python() -> Path:
    return VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def run(cmd: list[str], **kwargs) -> int:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    return subprocess.call(cmd, cwd=ROOT, **kwargs)


def ensure_venv(extras: str) -> None:
    """Create .venv and install the project, again only when pyproject.toml changed.

    An install with the test extras also satisfies a plain one (serve after test installs nothing).
    """
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    wanted = {f"{digest} {extras}", f"{digest} test"} if not extras else {f"{digest} {extras}"}
    if STAMP.exists() and STAMP.read_text() in wanted:
        return
    if not venv_python().exists():
        venv.EnvBuilder(with_pip=True).create(VENV)
    spec = f".[{extras}]" if extras else "."
    if run([str(venv_python()), "-m", "pip", "install", "-q", "-e", spec]) != 0:
        sys.exit("dev.py: installing the Python packages failed (see pip's message above)")
    STAMP.write_text(f"{digest} {extras}")


def _dpkg_installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    out = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package], capture_output=True)
    return b"install ok installed" in out.stdout


def ensure_system_packages(packages: list[str]) -> None:
    """Install missing Debian packages when we can (root and apt-get present); say so otherwise."""
    missing = [p for p in packages if not _dpkg_installed(p)]
    if not missing:
        return
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        print(f"dev.py: system packages not installed: {' '.join(missing)}; "
              "the tests that need them will be skipped with a reason", file=sys.stderr)
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-q"], env=env)
    if run(["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing], env=env) != 0:
        print(f"dev.py: apt-get could not install {' '.join(missing)}", file=sys.stderr)


def cmd_serve(args: list[str]) -> int:
    ensure_venv("")
    kyodo = [str(venv_python()), "-m", "publisher.cli"]
    if run([*kyodo, "build"]) != 0:
        return 1
    return run([*kyodo, "serve", *args])


def cmd_test(args: list[str]) -> int:
    ensure_venv("test")
    ensure_system_packages(APT_PACKAGES_FOR_TESTS)
    code = run([str(venv_python()), "-m", "pytest", *args])
    # pytest exits 5 when it collected nothing: that is a failure for us, not a pass.
    return 1 if code == 5 else code


COMMANDS = {"serve": cmd_serve, "test": cmd_test}


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return COMMANDS[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
