"""A real browser (the system's headless Chromium, driven by Playwright) against the live gunicorn server.

Playwright comes from PyPI; its own browser download (`playwright install`) is never used: we launch the
Debian chromium with a fresh profile and every background network feature off, so a test run touches no
host but the server under test. Each test's page fails on a request to another host or a console error
(a CSP violation shows as one). Screenshots go to test-artifacts/screenshots/ (git-ignored).
"""
from __future__ import annotations

import shutil
import warnings
from pathlib import Path

import pytest

from publisher.settings import ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-default-apps", "--disable-extensions", "--no-default-browser-check"]


def chromium_path() -> str | None:
    for candidate in ("chromium", "chromium-browser"):
        found = shutil.which(candidate)
        if found:
            return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")
    executable = chromium_path()
    if executable is None:
        pytest.skip("Chromium is not installed (apt-get install chromium; python3 dev.py test does it as root)")
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=executable, headless=True,
            args=CHROMIUM_ARGS, locale="ja-JP", viewport={"width": 1280, "height": 900})
        context.set_default_timeout(10_000)
        yield context
        context.close()


@pytest.fixture()
def page(browser, live_server):
    """A fresh tab; after the test, no request may have left the server and no console error may remain."""
    tab = browser.new_page()
    foreign: list[str] = []
    failed: list[str] = []
    errors: list[str] = []
    tab.on("request", lambda request: foreign.append(request.url)
           if not request.url.startswith((live_server, "data:", "about:")) else None)
    # The browser asks for /favicon.ico on its own; the site has none, and that is not a page's fault.
    tab.on("response", lambda response: failed.append(f"{response.status} {response.url}")
           if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    tab.on("console", lambda message: errors.append(message.text)
           if message.type == "error" and not message.text.startswith("Failed to load resource") else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    yield tab
    tab.close()
    assert foreign == [], f"requests to other hosts: {foreign}"
    assert failed == [], f"failed requests: {failed}"
    assert errors == [], f"console errors (a CSP violation is one): {errors}"


def japanese_font_installed() -> bool:
    import subprocess

    if shutil.which("fc-list") is None:
        return False
    listed = subprocess.run(["fc-list", ":lang=ja", "family"], capture_output=True, text=True)
    return bool(listed.stdout.strip())


@pytest.fixture(scope="session")
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    if not japanese_font_installed():
        warnings.warn("no Japanese font is installed (apt-get install fonts-noto-cjk): the screenshots show "
                      "boxes in place of Japanese text", stacklevel=1)

    def take(tab, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        tab.screenshot(path=str(path), full_page=True)
        return path
    return take
