"""The build writes the downloads into the release: dumps per graph, gzip variants, checksums."""
from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys

import pytest
from rdflib import Dataset, Graph
from rdflib.compare import isomorphic

from publisher.downloads import read_index
from publisher.downloads.dumps import GRAPH_FORMATS, dump_name, jsonld_context
from publisher.formats import by_name
from publisher.iris import GRAPHS, Minter

from .conftest import BASE


@pytest.fixture(scope="module")
def index(release):
    return read_index(release.release_dir)


@pytest.fixture(scope="module")
def dumped(release):
    dataset = Dataset()
    dataset.parse(release.release_dir / "kyodo.nq", format="nquads")
    return dataset


def test_every_listed_file_exists_with_its_recorded_size_and_checksum(release, index):
    assert len(index["files"]) > 60
    for entry in index["files"]:
        data = (release.release_dir / entry["path"]).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (entry["size"], entry["sha256"]), entry["name"]
    names = [e["name"] for e in index["files"]]
    assert len(names) == len(set(names))


def test_sha256sums_checks_every_distribution_written_before_it(release, index):
    folder = release.release_dir / "downloads"
    lines = (folder / "SHA256SUMS").read_text("utf-8").splitlines()
    listed = dict(reversed(line.split("  ", 1)) for line in lines)
    files = {e["name"]: e for e in index["files"]}
    before = [e["name"] for e in index["files"]][:[e["name"] for e in index["files"]].index("SHA256SUMS")]
    assert set(listed) == set(before)
    assert all(files[name]["sha256"] == digest for name, digest in listed.items())


def test_gzip_variants_hold_the_same_bytes(release, index):
    files = {e["name"]: e for e in index["files"]}
    packed = [e for e in index["files"] if e["compressed"]]
    assert {e["name"] for e in packed} >= {"kyodo.trig.gz", "kyodo.nq.gz", "kyodo-groups.ttl.gz"}
    for entry in packed:
        original = files[entry["name"][:-3]]
        data = gzip.decompress((release.release_dir / entry["path"]).read_bytes())
        assert hashlib.sha256(data).hexdigest() == original["sha256"]


def parse_dump(path, fmt: str) -> Graph:
    if fmt == "jsonld":
        data = json.loads(path.read_text("utf-8"))
        assert data["@context"] == f"{BASE}downloads/context.jsonld"
        data["@context"] = jsonld_context()["@context"]
        return Graph().parse(data=json.dumps(data), format="json-ld")
    return Graph().parse(path, format=by_name(fmt).rdflib)


@pytest.mark.parametrize("fmt", GRAPH_FORMATS)
@pytest.mark.parametrize("graph", GRAPHS)
def test_each_named_graph_is_dumped_in_each_format(release, dumped, graph, fmt):
    parsed = parse_dump(release.release_dir / "downloads" / dump_name(graph, fmt), fmt)
    expected = dumped.graph(Minter(BASE).graph(graph))
    assert len(parsed) == len(expected) > 0
    assert isomorphic(parsed, expected)


def test_the_published_jsonld_context_declares_our_prefixes(release):
    context = json.loads((release.release_dir / "downloads" / "context.jsonld").read_text("utf-8"))["@context"]
    assert context["kd"] == "https://w3id.org/kyodo-lod/def#" and context["ic"] == "http://imi.go.jp/ns/core/rdf#"


SCRIPT = """
import sys
from pathlib import Path
from publisher.builder import build_dataset
from publisher.downloads.dumps import write_dumps
from publisher.downloads.meta import read_meta
from publisher.settings import ROOT
source = build_dataset(ROOT / "data", sys.argv[2])
out = Path(sys.argv[1])
source.dataset.serialize(out / "kyodo.trig", format="trig")
source.dataset.serialize(out / "kyodo.nq", format="nquads")
for entry in write_dumps(source.dataset, read_meta(source.dataset, sys.argv[2]), out):
    if entry.path.startswith("downloads/kyodo-"):
        print(entry.name, entry.sha256)
"""


def test_graph_dumps_are_the_same_bytes_in_every_build(tmp_path):
    """Regression: blank node labels and set order differ between processes; the dumps must not."""
    runs = []
    for seed in ("1", "2"):
        out = tmp_path / seed
        out.mkdir()
        env = dict(os.environ, PYTHONHASHSEED=seed)
        runs.append(subprocess.run([sys.executable, "-c", SCRIPT, str(out), BASE], env=env, check=True,
                                   capture_output=True, text=True).stdout)
    assert runs[0] == runs[1] and runs[0].count("\n") == len(GRAPHS) * len(GRAPH_FORMATS) * 2


def test_downloads_are_written_inside_the_release_and_nothing_is_left_behind(release):
    releases = release.release_dir.parent
    assert not [p for p in releases.iterdir() if p.name.startswith(".")], "no staging folders left"
    assert (release.release_dir / "downloads" / "downloads.json").is_file()
