"""Hostile input files through the CLI (`kyodo build --data-dir`, `kyodo validate`): a clear error with its file,
line and exit code, or a correct read; never a hang, never a traceback. Run as real processes with a time limit,
then fuzzed in-process with Hypothesis."""
from __future__ import annotations

import codecs
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import Dataset
from rdflib.compare import isomorphic

from publisher.cli import main
from publisher.settings import ROOT
from tests.conftest import copy_data

GROUPS = (ROOT / "data" / "groups.yaml").read_bytes()
BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(9))

BAD_FILES = [  # (id, groups.yaml bytes, "line:column: message" after the file name)
    ("alias-bomb", BOMB.encode(),
     ":6:8: more than 100000 keys and values (aliases counted as expanded); split the file or use fewer aliases"),
    ("alias-in-its-own-anchor", b"a: &a [*a]\n", ":1:8: the alias *a is inside its own anchor"),
    ("too-many-aliases", ("x: &x 1\nl: [" + ", ".join(["*x"] * 150) + "]\n").encode(),
     ":2:405: more than 100 aliases (*name)"),
    ("200-nested-lists", ("groups: " + "[" * 200 + "]" * 200 + "\n").encode(), ":1:58: nested deeper than 50 levels"),
    ("120-nested-mappings", ("groups:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(120))).encode(),
     ":51:101: nested deeper than 50 levels"),
    ("11-mb", b"# " + b"x" * (11 * 1024 * 1024) + b"\n",
     ": the file is larger than 10 MB; split it into smaller files"),
    ("binary-garbage", bytes(range(256)) * 64, ":1:1: the file contains NUL bytes: it is binary data, not YAML text"),
    ("nul-in-a-key", b"groups:\n  a\x00b: 1\n", ":2:4: the file contains NUL bytes: it is binary data, not YAML text"),
    ("shift-jis", "groups:\n  x:\n    name: {ja: 金沢市, en: Kanazawa}\n".encode("shift_jis"),
     ":3:16: the file is not UTF-8 text; this looks like Shift_JIS: save it as UTF-8"),
    ("euc-jp", "groups:\n  x:\n    name: {ja: 金沢市, en: Kanazawa}\n".encode("euc_jp"),
     ":3:16: the file is not UTF-8 text; this looks like EUC-JP: save it as UTF-8"),
    ("utf-16", "groups: {}\n".encode("utf-16"),
     ":1:1: the file is not UTF-8 text; this looks like UTF-16: save it as UTF-8"),
    ("control-character", b"groups:\n  x:\n    name: {ja: a\x07b, en: c}\n",
     ":3:17: the character U+0007 is not allowed in YAML text (control characters and non-characters are not)"),
    ("tab-indent", b"groups:\n\tx: 1\n", ":2:1: YAML syntax error: tab characters cannot indent YAML; use spaces"),
]


def run_cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """`kyodo …` as a real process: a hang fails the test at `timeout` instead of hanging the suite."""
    return subprocess.run([sys.executable, "-m", "publisher.cli", *args, "--lang", "en"], capture_output=True,
                          text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture()
def data(tmp_path) -> Path:
    return copy_data(tmp_path)


@pytest.mark.parametrize("content,message", [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_kyodo_build_refuses_a_bad_file_with_its_place(data, tmp_path, content, message):
    (data / "groups.yaml").write_bytes(content)
    done = run_cli("build", "--data-dir", str(data), "--output-dir", str(tmp_path / "out"))
    assert done.returncode == 2
    assert done.stderr.startswith(f"Error: {data / 'groups.yaml'}{message}")
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content,message", [c[1:] for c in BAD_FILES], ids=[c[0] for c in BAD_FILES])
def test_kyodo_validate_refuses_a_bad_file_with_its_place(data, content, message):
    (data / "groups.yaml").write_bytes(content)
    done = run_cli("validate", "--data-dir", str(data))
    assert done.returncode == 2
    output = done.stdout + done.stderr
    assert f"{data / 'groups.yaml'}{message.split(': ', 1)[0]}: error: {message.split(': ', 1)[1]}" in output
    assert "Traceback" not in output


# --- BOMs and Windows line endings read exactly like the plain file ---------------------------------------

VARIANTS = {  # each file a different way
    "groups.yaml": lambda text: codecs.BOM_UTF8 + text,
    "projects.yaml": lambda text: text.replace(b"\n", b"\r\n"),
    "organisations.yaml": lambda text: codecs.BOM_UTF8 + text.replace(b"\n", b"\r\n"),
}


def graphs_of(nquads: Path) -> dict:
    dataset = Dataset()
    dataset.parse(nquads, format="nquads")
    return {g.identifier: g for g in dataset.graphs() if len(g)}


def assert_same_data(left: dict, right: dict) -> None:
    assert left.keys() == right.keys()
    for name, graph in left.items():
        assert isomorphic(graph, right[name]), name


@pytest.fixture(scope="module")
def plain_graphs(release) -> dict:
    return graphs_of(release.release_dir / "kyodo.nq")


@pytest.mark.slow
def test_bom_and_crlf_files_build_the_same_data(data, tmp_path, settings, plain_graphs):
    for name, variant in VARIANTS.items():
        (data / name).write_bytes(variant((data / name).read_bytes()))
    done = run_cli("build", "--data-dir", str(data), "--output-dir", str(tmp_path / "out"),
                   "--base-iri", settings.base_iri)
    assert done.returncode == 0, done.stderr[-2000:]
    [release] = (tmp_path / "out" / "releases").iterdir()
    assert_same_data(graphs_of(release / "kyodo.nq"), plain_graphs)


def test_an_error_in_a_crlf_file_is_on_the_right_line(data):
    text = (data / "groups.yaml").read_bytes().replace("    founded: 平成3年6月".encode(),
                                                       "    founded: 平成3年13月".encode(), 1)
    line = text[:text.index("平成3年13月".encode())].count(b"\n") + 1
    (data / "groups.yaml").write_bytes(codecs.BOM_UTF8 + text.replace(b"\n", b"\r\n"))
    done = run_cli("validate", "--data-dir", str(data))
    assert done.returncode == 1
    assert re.search(rf"groups\.yaml:{line}:\d+ \(groups\.[a-z0-9-]+\.founded\): error: ", done.stdout + done.stderr)


# --- fuzzing the loader through the CLI ---------------------------------------------------------------------

MUTATION = st.tuples(st.integers(0, len(GROUPS)), st.integers(0, 40),
                     st.binary(max_size=12) | st.sampled_from([b"&a ", b"*a", b"\t", b"\r", b"\xef\xbb\xbf", b"\x00",
                                                               b"\xff", b": ", b"- ", b"{", b"[", b"'", b'"', b"!!",
                                                               b"<<: ", b"\xe9\x87\x91"]))
FILES = st.lists(MUTATION, min_size=1, max_size=4).map(lambda edits: mutate(GROUPS, edits)) | st.binary(max_size=300)


def mutate(text: bytes, edits) -> bytes:
    for position, removed, inserted in edits:
        position = min(position, len(text))
        text = text[:position] + inserted + text[position + removed:]
    return text


LOCATED = re.compile(r"^(?:Error: )?\S*groups\.yaml(?::\d+(?::\d+)?)?(?: \([^)]*\))?: ")


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=FILES)
def test_any_groups_file_is_read_or_refused_by_validate(tmp_path_factory, content):
    data = copy_data(tmp_path_factory.mktemp("fuzz"))
    (data / "groups.yaml").write_bytes(content)
    result = CliRunner().invoke(main, ["validate", "--data-dir", str(data), "--lang", "en"])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (0, 1, 2)
    assert "Traceback" not in result.output
    if result.exit_code == 2:
        errors = [line for line in result.output.splitlines() if ": error: " in line]
        assert errors and all(LOCATED.match(line) for line in errors), result.output[-1500:]
