"""Shared fixtures: settings, the real data built once per session, and a built release."""
from __future__ import annotations

from pathlib import Path

import pytest

from publisher.settings import ROOT, load_settings

BASE = "https://data.example.jp/kyodo/"


@pytest.fixture(scope="session")
def settings(tmp_path_factory):
    return load_settings(None, {"output_dir": tmp_path_factory.mktemp("dist"), "base_iri": BASE}, environ={})


@pytest.fixture(scope="session")
def ontology():
    from publisher.validation import load_turtle_folder
    return load_turtle_folder(ROOT / "ontology")


@pytest.fixture(scope="session")
def shapes():
    from publisher.validation import load_turtle_folder
    return load_turtle_folder(ROOT / "shapes")


@pytest.fixture(scope="session")
def source_data():
    """The real data/ as built by the builder (no ontology or shapes graphs)."""
    from publisher.builder import build_dataset
    return build_dataset(ROOT / "data", BASE)


@pytest.fixture(scope="session")
def data_graph(source_data):
    from publisher.validation import data_union
    return data_union(source_data.dataset)


@pytest.fixture(scope="session")
def release(settings):
    """A real build of the real data into a temporary output folder."""
    from publisher.build import run_build
    return run_build(settings)


def copy_data(tmp_path: Path) -> Path:
    """A writable copy of data/ for tests that edit it."""
    import shutil
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target
