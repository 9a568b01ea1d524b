"""The embedded store: building it, resources, counts, dumps, and read-only sharing."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from publisher.formats import by_name
from publisher.store import create_store, open_store
from tests.test_store_data import (GROUP_1, GROUPS, PLAN, PROJECTS, rdflib_dataset,  # noqa: F401
                                   store, store_dir)

IC = rdflib.Namespace("http://imi.go.jp/ns/core/rdf#")


def test_describe_gives_the_blank_node_closure_with_graphs(store):
    description = store.describe(GROUP_1)
    graph = description.graph(incoming=False)
    name = graph.value(rdflib.URIRef(GROUP_1), IC["名称"])
    assert isinstance(name, rdflib.BNode)
    assert graph.value(name, IC["表記"]) == rdflib.Literal("金沢まちづくり市民の会", lang="ja")
    address = graph.value(rdflib.URIRef(GROUP_1), IC["住所"])
    assert graph.value(address, IC["市区町村コード"]) == rdflib.URIRef(
        "http://data.e-stat.go.jp/lod/sac/C17201")
    assert len(description.outgoing) == 18 and not description.truncated


def test_describe_includes_incoming_triples_and_their_graphs(store):
    description = store.describe(GROUP_1)
    kv = "https://kyodo.example.jp/def/"
    assert [(str(s), str(p)) for s, p, _, _ in description.incoming] == [
        ("https://kyodo.example.jp/id/project/p01", kv + "実施団体")]
    assert description.graphs == [GROUPS, PROJECTS]
    assert store.incoming(GROUP_1) == description.incoming
    assert len(description.graph()) == 19


def test_describe_stops_at_the_limit(store):
    description = store.describe(GROUP_1, limit=5, incoming_limit=0)
    assert len(description.outgoing) == 5 and description.incoming == () and description.truncated


def test_describe_of_an_unknown_iri_is_empty(store):
    description = store.describe("https://kyodo.example.jp/id/group/none")
    assert description.outgoing == () and description.incoming == () and description.graphs == []


def test_exists(store):
    assert store.exists(GROUP_1)
    assert not store.exists("https://kyodo.example.jp/id/group/none")
    assert not store.exists("http://data.e-stat.go.jp/lod/sac/C17201")  # only ever an object


def test_counts_and_graphs(store, rdflib_dataset):
    counts = store.counts()
    assert counts["graphs"] == {g: len(rdflib_dataset.graph(rdflib.URIRef(g)))
                                for g in (GROUPS, PLAN, PROJECTS)}
    assert counts["total"] == len(list(rdflib_dataset.quads()))
    assert store.named_graphs() == [GROUPS, PLAN, PROJECTS]
    assert store.version == "test-1"


@pytest.mark.parametrize("fmt", ["trig", "nquads"])
def test_dump_of_the_dataset(store, rdflib_dataset, fmt):
    dumped = rdflib.Dataset()
    dumped.parse(data=store.dump(by_name(fmt)), format=by_name(fmt).rdflib)
    for graph in (GROUPS, PLAN, PROJECTS):
        assert isomorphic(dumped.graph(rdflib.URIRef(graph)), rdflib_dataset.graph(rdflib.URIRef(graph)))


@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld", "rdfxml"])
def test_dump_of_one_graph_and_of_the_union(store, rdflib_dataset, tmp_path, fmt):
    one = rdflib.Graph().parse(data=store.dump(by_name(fmt), graph=PLAN), format=by_name(fmt).rdflib)
    assert isomorphic(one, rdflib_dataset.graph(rdflib.URIRef(PLAN)))
    target = tmp_path / f"all{by_name(fmt).extension}"
    assert store.dump(by_name(fmt), output=target) is None
    union = rdflib.Graph().parse(target, format=by_name(fmt).rdflib)
    assert len(union) == len(list(rdflib_dataset.quads()))


def test_create_store_replaces_the_old_store(tmp_path):
    source = tmp_path / "data.nq"
    source.write_text('<http://x/a> <http://x/p> "1" <http://x/g> .\n', encoding="utf-8")
    target = create_store(tmp_path / "store", source)
    first = json.loads((target / "store.json").read_text())
    assert first["counts"] == {"total": 1, "graphs": {"http://x/g": 1}}
    assert first["version"].startswith("sha256-")
    source.write_text('<http://x/a> <http://x/p> "2" <http://x/g> .\n<http://x/b> <http://x/p> "3" .\n')
    create_store(target, source, version="2")
    with open_store(store_dir=target, workers=1) as reopened:
        assert reopened.version == "2"
        assert reopened.counts() == {"total": 2, "graphs": {"": 1, "http://x/g": 1}}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.nq", "store"]


def test_a_failed_build_leaves_the_old_store(tmp_path):
    good, bad = tmp_path / "good.nq", tmp_path / "bad.nq"
    good.write_text('<http://x/a> <http://x/p> "1" <http://x/g> .\n')
    bad.write_text("<http://x/a> <http://x/p> .\n")
    target = create_store(tmp_path / "store", good, version="good")
    with pytest.raises(SyntaxError):
        create_store(target, bad)
    with open_store(store_dir=target, workers=1) as kept:
        assert kept.version == "good" and kept.exists("http://x/a")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.nq", "good.nq", "store"]


def test_a_bare_oxigraph_directory_opens_too(tmp_path):
    database = ox.Store(str(tmp_path / "bare"))
    database.add(ox.Quad(ox.NamedNode("http://x/a"), ox.NamedNode("http://x/p"), ox.Literal("1"),
                         ox.NamedNode("http://x/g")))
    del database
    with open_store(store_dir=tmp_path / "bare", workers=1) as bare:
        assert bare.version == "unknown" and bare.counts()["total"] == 1
        answer = bare.query("SELECT ?s ?p ?o { ?s ?p ?o }", result_format=by_name("csv"), timeout=10,
                            max_rows=10)
        assert answer.body == b"s,p,o\r\nhttp://x/a,http://x/p,1\r\n"


def test_unknown_engine():
    with pytest.raises(ValueError, match="unknown store engine 'nosuch'"):
        open_store("nosuch", store_dir="x")


READER = textwrap.dedent("""
    import sys, time, pyoxigraph as ox
    store = ox.Store.read_only(sys.argv[1])
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline:
        [row] = store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")
    print(row[0].value)
""")


def test_several_processes_read_the_same_store_at_once(store, store_dir):
    """The design rests on this: the web workers and the query workers all open it read-only."""
    assert store.warm(30) and store.exists(GROUP_1)  # this process and two workers hold it open
    readers = [subprocess.Popen([sys.executable, "-c", READER, str(store_dir / "oxigraph")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(4)]
    outputs = [reader.communicate(timeout=60) for reader in readers]
    assert [r.returncode for r in readers] == [0] * 4, outputs
    assert {out.strip() for out, _ in outputs} == {str(store.counts()["total"]).encode()}
