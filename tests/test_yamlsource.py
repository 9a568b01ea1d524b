"""Safe YAML loading: values remember file:line, and every kind of bad input is a clear InputError."""
from __future__ import annotations

import codecs
import math
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import publisher.yamlsource as ys
from publisher.errors import InputError, ProblemCollector
from publisher.yamlsource import (
    SourceList,
    SourceMap,
    check_fields,
    expect_date,
    expect_int,
    expect_list,
    expect_map,
    expect_str,
    load_yaml_file,
    load_yaml_text,
)

LOADERS = {"python": ys._PythonLoader}
if getattr(ys, "_LibyamlLoader", None):
    LOADERS["libyaml"] = ys._LibyamlLoader


@pytest.fixture(autouse=True, params=list(LOADERS), ids=list(LOADERS))
def loader(request, monkeypatch):
    """Every test runs with the pure-Python parser and, where PyYAML has it, with libyaml."""
    monkeypatch.setattr(ys, "_LOADER", LOADERS[request.param])
    return request.param


def problems_of(text: str, name: str = "data/x.yaml") -> list:
    with pytest.raises(InputError) as info:
        load_yaml_text(text, name)
    for problem in info.value.problems:
        assert problem.en and problem.ja and problem.ja != problem.en
    return info.value.problems


def where(problems) -> list[tuple[int | None, int | None]]:
    return [(p.location.line, p.location.column) for p in problems]


# --- good input --------------------------------------------------------------------------------
GROUPS = """\
# 市民活動団体
groups:
  birdconnect:
    name:
      ja: バードコネクト
      en: Bird Connect
    since: 2025-06-05
    members: 12
    fee: 0.5
    active: true
    note:
    tags:
      - 環境
      - {code: env}
"""


def test_values_are_plain_python_and_remember_where_they_were_written():
    data = load_yaml_text(GROUPS, "data/groups.yaml")
    group = data["groups"]["birdconnect"]
    assert group == {"name": {"ja": "バードコネクト", "en": "Bird Connect"}, "since": date(2025, 6, 5),
                     "members": 12, "fee": 0.5, "active": True, "note": None, "tags": ["環境", {"code": "env"}]}
    assert isinstance(data, SourceMap) and isinstance(group["tags"], SourceList)
    name = group["name"]
    assert (str(name.location), name.location.key) == ("data/groups.yaml:5:7", "groups.birdconnect.name")
    assert (str(name.key_location("ja")), name.key_location("ja").key) == ("data/groups.yaml:5:7",
                                                                            "groups.birdconnect.name.ja")
    assert str(name.value_location("ja")) == "data/groups.yaml:5:11"
    assert str(group.value_location("since")) == "data/groups.yaml:7:12"
    assert group["tags"].item_location(0).line == 13
    assert group["tags"][1].location.key == "groups.birdconnect.tags[1]"
    assert group["tags"][1].value_location("code").key == "groups.birdconnect.tags[1].code"


def test_root_location_has_no_key_path():
    data = load_yaml_text("- a\n- b: 1\n", "x.yaml")
    assert data.location.key is None and data[1].location.key == "[1]"


@pytest.mark.parametrize("text", ["", "   \n\n", "# only a comment\n", "---\n", "\ufeff"],
                         ids=["empty", "blank-lines", "comment", "document-marker", "bom-only"])
def test_an_empty_document_is_none(text):
    assert load_yaml_text(text, "x.yaml") is None


def test_bom_and_crlf_keep_line_numbers(tmp_path):
    path = tmp_path / "g.yaml"
    path.write_bytes(codecs.BOM_UTF8 + "a: 1\r\nb:\r\n  c: 名前\r\n".encode())
    data = load_yaml_file(path, display_name="data/g.yaml")
    assert data == {"a": 1, "b": {"c": "名前"}}
    assert str(data["b"].value_location("c")) == "data/g.yaml:3:6"
    assert str(data.key_location("a")) == "data/g.yaml:1:1"


def test_crlf_duplicate_key_is_on_the_right_line():
    [problem] = problems_of("a: 1\r\nb: 2\r\n\r\nb: 3\r\n")
    assert (problem.location.line, problem.en) == (4, "key 'b' is used twice (first at line 2)")


def test_display_name_defaults_to_the_path(tmp_path):
    path = tmp_path / "x.yaml"
    path.write_text("a: 1\n", encoding="utf-8")
    assert load_yaml_file(path).location.file == str(path)


def test_source_text_keeps_what_yaml_reinterpreted():
    data = load_yaml_text("tel: 0762202026\ntime: 12:30\n", "x.yaml")
    assert data["tel"] != 762202026  # YAML 1.1 read it as octal
    assert (data.source_text("tel"), data.source_text("time")) == ("0762202026", "12:30")


def test_aliases_within_budget_are_expanded_as_copies_with_their_own_locations():
    data = load_yaml_text("base: &c {tel: '076'}\nx: *c\ny: *c\n", "x.yaml")
    assert data["x"] == data["y"] == {"tel": "076"}
    assert data["x"] is not data["y"]
    assert data["x"].location.key == "x"


# --- bad input: each with its place and message ----------------------------------------------
# id, text, [(line, column or None, fragment of the English message)]
BAD = [
    ("duplicate-key", "a: 1\nb: 2\na: 3\n", [(3, 1, "key 'a' is used twice (first at line 1)")]),
    ("all-duplicates-at-once", "a: 1\nb: 2\na: 3\nc:\n  x: 1\n  x: 2\nb: 4\n",
     [(3, 1, "key 'a' is used twice (first at line 1)"), (6, 3, "key 'x' is used twice (first at line 5)"),
      (7, 1, "key 'b' is used twice (first at line 2)")]),
    ("duplicate-in-list-item", "- name: a\n  name: b\n", [(2, 3, "key 'name' is used twice (first at line 1)")]),
    ("duplicate-in-flow", "a: {x: 1, x: 2}\n", [(1, 11, "key 'x' is used twice")]),
    ("tab-indent", "a: 1\n\tb: 2\n", [(2, 1, "tab characters cannot indent YAML")]),
    ("unclosed-quote", "a: 'abc\nb: 1\n", [(1, 4, "a quote opened here is not closed")]),
    ("unclosed-bracket", "a: [1, 2\nb: 1\n", [(1, 4, "a bracket opened here is not closed")]),
    ("colon-in-value", "a: b: c\n", [(1, 5, "a ':' where YAML does not expect one")]),
    ("full-width-colon", "name：金沢\nb: 1\n", [(2, 2, "a full-width colon '：' is used")]),
    ("bad-indent", "a:\n  b: 1\n c: 2\n", [(3, 2, "the indentation does not line up")]),
    ("two-documents", "a: 1\n---\nb: 2\n", [(2, 1, "more than one document")]),
    ("undefined-alias", "a: *x\n", [(1, 4, "refers to no anchor")]),
    ("backslash-in-double-quotes", 'a: "C:\\Users"\n', [(1, None, "a backslash starts an escape")]),
    ("at-sign", "a: @x\n", [(1, 4, "a value cannot start with this character")]),
    ("control-character", "a: 1\nb: x\x01y\n", [(2, 5, "the character U+0001 is not allowed")]),
    ("lone-surrogate", "a: \ud800\n", [(1, 4, "the character U+D800 is not allowed")]),
    ("merge-key", "base: &b {x: 1}\nc:\n  <<: *b\n  y: 2\n", [(3, 3, "merge keys (<<) are not supported")]),
    ("int-key", "1: a\n", [(1, 1, "the key '1' is read as an integer, not text; put it in quotes: '1'")]),
    ("bool-key", "no: a\n", [(1, 1, "the key 'no' is read as true/false")]),
    ("null-key", "~: a\n", [(1, 1, "the key '~' is read as nothing")]),
    ("date-key", "2025-06-05: a\n", [(1, 1, "is read as a date")]),
    ("list-key", "? [a]\n: 1\n", [(1, 3, "a key must be text")]),
    ("all-key-problems", "1: a\nok: 1\nyes: b\n", [(1, 1, "'1'"), (3, 1, "'yes'")]),
    ("impossible-date", "d: 2025-02-30\n", [(1, 4, "'2025-02-30' is not valid as a date")]),
    ("bad-explicit-int", "n: !!int x\n", [(1, 4, "'x' is not valid as an integer")]),
    ("bad-explicit-bool", "b: !!bool maybe\n", [(1, 4, "'maybe' is not valid as true/false")]),
    ("binary-tag", "b: !!binary aGVsbG8=\n", [(1, 4, "the tag !!binary is not supported")]),
    ("python-tag", "b: !!python/object/apply:os.system ['ls']\n",
     [(1, 4, "the tag !!python/object/apply:os.system is not supported")]),
    ("custom-tag", "b: !secret x\n", [(1, 4, "the tag !secret is not supported")]),
    ("set-tag", "!!set {a, b}\n", [(1, 1, "the tag !!set is not supported")]),
    ("recursive-alias", "a: &a [1, *a]\n", [(1, 11, "the alias *a is inside its own anchor")]),
    ("too-deep-flow", "[" * 51 + "]" * 51, [(1, 51, "nested deeper than 50 levels")]),
    ("too-deep-block", "".join(" " * i + f"k{i}:\n" for i in range(60)), [(51, 51, "nested deeper than 50 levels")]),
    ("too-deep-through-aliases", "a: &a " + "[" * 40 + "]" * 40 + "\nb: " + "[" * 20 + "*a" + "]" * 20 + "\n",
     [(2, 24, "nested deeper than 50 levels")]),
    ("deep-alias-chain", "a: &a [[[[[[[[[[1]]]]]]]]]]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [[[[[[[[[[*{chr(97 + i)}]]]]]]]]]]\n" for i in range(5)),
     [(5, 17, "nested deeper than 50 levels")]),  # the root mapping is level 1
    ("deep-but-allowed-then-too-deep", "a: &a " + "[" * 25 + "]" * 25 + "\nb: " + "[" * 24 + "*a" + "]" * 24
     + "\nc: " + "[" * 25 + "*a" + "]" * 25 + "\n", [(3, 29, "nested deeper than 50 levels")]),
    ("a-fatal-error-comes-alone", "1: a\nx: &a [1, *a]\n", [(2, 11, "inside its own anchor")]),
]


@pytest.mark.parametrize("text,expected", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_is_reported_where_it_is(text, expected):
    problems = problems_of(text)
    assert len(problems) == len(expected), [p.message() for p in problems]
    for problem, (line, column, fragment) in zip(problems, expected):
        assert problem.location.file == "data/x.yaml"
        assert problem.location.line == line, problem.message()
        if column is not None:
            assert problem.location.column == column, problem.message()
        assert fragment in problem.en


def test_messages_read_as_file_line_column_and_key():
    [problem] = problems_of("groups:\n  bird:\n    name: a\n    name: b\n")
    assert problem.message("en") == "data/x.yaml:4:5 (groups.bird.name): key 'name' is used twice (first at line 3)"
    assert problem.message("ja") == "data/x.yaml:4:5 (groups.bird.name): キー 'name' が2回使われています（最初は 3 行目）"


def test_syntax_error_message_keeps_the_parsers_words():
    [problem] = problems_of("a: 'abc\nb: 1\n")
    assert problem.code == "syntax" and "end of stream" in problem.en and "引用符" in problem.ja


def billion_laughs() -> str:
    lines = ['a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 10):
        prev, name = chr(ord("a") + i - 1), chr(ord("a") + i)
        lines.append(f"{name}: &{name} [" + ", ".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [
    billion_laughs(),
    "a: &a {x: 1, y: 1, z: 1, w: 1}\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} {{p: *{chr(97 + i)}, q: *{chr(97 + i)}, r: *{chr(97 + i)}, s: *{chr(97 + i)}}}\n"
        for i in range(12)),
    "a: &a [" + ", ".join(["x"] * 2000) + "]\nb: [" + ", ".join(["*a"] * 60) + "]\n",
], ids=["billion-laughs", "mapping-bomb", "one-big-anchor-many-times"])
def test_alias_bombs_fail_before_expanding(text):
    """Regression guard: PyYAML expands aliases without limit; these must fail in milliseconds."""
    [problem] = problems_of(text)
    assert f"more than {ys.MAX_NODES} keys and values" in problem.en and problem.location.line is not None


def test_alias_count_has_a_budget():
    text = "a: &a x\nb: [" + ", ".join(["*a"] * (ys.MAX_ALIASES + 1)) + "]\n"
    [problem] = problems_of(text)
    assert problem.en == f"more than {ys.MAX_ALIASES} aliases (*name)" and problem.location.line == 2


def test_very_deep_nesting_does_not_hit_the_recursion_limit():
    [problem] = problems_of("[" * 1_000_000)
    assert (problem.location.line, problem.location.column, problem.code) == (1, 51, "too-deep")


# --- bad bytes ---------------------------------------------------------------------------------
def load_bytes(tmp_path: Path, data: bytes):
    path = tmp_path / "data.yaml"
    path.write_bytes(data)
    with pytest.raises(InputError) as info:
        load_yaml_file(path, display_name="data/groups.yaml")
    [problem] = info.value.problems
    return problem


@pytest.mark.parametrize("encoding,label", [("cp932", "Shift_JIS"), ("shift_jis", "Shift_JIS"),
                                            ("euc_jp", None)], ids=["cp932", "shift_jis", "euc_jp"])
def test_not_utf8_says_so_and_names_shift_jis(tmp_path, encoding, label):
    problem = load_bytes(tmp_path, "a: 1\nname: 金沢市の協働のまちづくり\n".encode(encoding))
    assert (str(problem.location), problem.code) == ("data/groups.yaml:2:7", "encoding")
    assert problem.en.startswith("the file is not UTF-8 text")
    if encoding != "euc_jp":
        assert problem.en.endswith("this looks like Shift_JIS: save it as UTF-8")
        assert "Shift_JIS のようです。UTF-8 で保存し直してください" in problem.ja


def test_utf16_is_named(tmp_path):
    problem = load_bytes(tmp_path, "a: 1\n".encode("utf-16"))
    assert "this looks like UTF-16" in problem.en


@pytest.mark.parametrize("data,line", [
    (b"a: 1\nb: \x00\x01\x02\n", 2),
    (bytes(range(256)) * 4, 1),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3),
], ids=["nul-in-utf8", "all-bytes", "png"])
def test_binary_garbage(tmp_path, data, line):
    problem = load_bytes(tmp_path, data)
    assert "NUL bytes" in problem.en and problem.location.line == line


def test_size_is_checked_before_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(ys, "MAX_BYTES", 1024)
    problem = load_bytes(tmp_path, b"\xff" * 1025)  # not even UTF-8: the size is what is reported
    assert (problem.code, problem.location.line) == ("too-large", None)
    assert "larger than" in problem.en


def test_default_size_cap_is_10_mb():
    assert ys.MAX_BYTES == 10 * 1024 * 1024


@pytest.mark.parametrize("make", [lambda p: p / "missing.yaml", lambda p: p],
                         ids=["missing-file", "a-directory"])
def test_unreadable_paths(tmp_path, make):
    with pytest.raises(InputError, match="cannot read the file"):
        load_yaml_file(make(tmp_path))


# --- checking fields -----------------------------------------------------------------------------
def test_check_fields_reports_unknown_and_missing_fields_at_their_lines():
    data = load_yaml_text("group:\n  nmae: x\n  colour: red\n  \u3000kana: y\n", "data/g.yaml")
    collector = ProblemCollector()
    check_fields(data["group"], required={"name", "kana", "since"}, optional={"url"}, collector=collector)
    messages = [p.message() for p in collector.problems]
    assert messages == [
        "data/g.yaml:2:3 (group.nmae): unknown field 'nmae'; did you mean 'name'?",
        "data/g.yaml:3:3 (group.colour): unknown field 'colour'; expected one of: kana, name, since, url",
        "data/g.yaml:4:3 (group.\u3000kana): unknown field '\u3000kana'; did you mean 'kana'?",
        "data/g.yaml:2:3 (group.kana): the required field 'kana' is missing",
        "data/g.yaml:2:3 (group.name): the required field 'name' is missing",
        "data/g.yaml:2:3 (group.since): the required field 'since' is missing",
    ]
    assert "'name' の誤りではありませんか" in collector.problems[0].ja


def test_check_fields_accepts_a_complete_mapping():
    collector = ProblemCollector()
    check_fields(load_yaml_text("name: x\n", "x.yaml"), required={"name"}, optional={"url"}, collector=collector)
    assert collector.problems == []


# --- typed access --------------------------------------------------------------------------------
RECORD = """\
name: バードコネクト
tel: 0762202026
count: 3
flag: true
tags: [a]
contact: {tel: '076'}
blank: ''
empty:
since: 2025-06-05
fy: 令和7年度
year: 2025
bad_date: 平成31年5月1日
"""


@pytest.fixture
def record():
    return load_yaml_text(RECORD, "data/r.yaml")


@pytest.mark.parametrize("helper,key,expected", [
    (expect_str, "name", "バードコネクト"),
    (expect_int, "count", 3),
    (expect_list, "tags", ["a"]),
    (expect_map, "contact", {"tel": "076"}),
], ids=["str", "int", "list", "map"])
def test_expect_returns_a_value_of_the_right_type(record, helper, key, expected):
    collector = ProblemCollector()
    assert helper(record, key, collector) == expected and collector.problems == []


@pytest.mark.parametrize("helper,key,line,message", [
    (expect_str, "tel", 2, "wrong type for 'tel': expected text, got an integer; put it in quotes: '0762202026'"),
    (expect_str, "tags", 5, "wrong type for 'tags': expected text, got a list"),
    (expect_str, "since", 9, "wrong type for 'since': expected text, got a date; put it in quotes: '2025-06-05'"),
    (expect_int, "flag", 4, "wrong type for 'flag': expected an integer, got true/false"),
    (expect_int, "name", 1, "wrong type for 'name': expected an integer, got text"),
    (expect_list, "contact", 6, "wrong type for 'contact': expected a list, got a mapping (key: value)"),
    (expect_map, "tags", 5, "wrong type for 'tags': expected a mapping (key: value), got a list"),
    (expect_str, "blank", 7, "the required field 'blank' is missing or empty"),
    (expect_str, "empty", 8, "the required field 'empty' is missing or empty"),
    (expect_str, "absent", 1, "the required field 'absent' is missing or empty"),
    (expect_date, "bad_date", 12, "平成 began on 1989-01-08 and ended on 2019-04-30"),
    (expect_date, "tags", 5, "wrong type for 'tags': expected a date, got a list"),
], ids=["int-for-str", "list-for-str", "date-for-str", "bool-for-int", "str-for-int", "map-for-list",
        "list-for-map", "blank", "empty", "absent", "bad-era-date", "list-for-date"])
def test_expect_reports_at_the_values_line_and_returns_none(record, helper, key, line, message):
    collector = ProblemCollector()
    assert helper(record, key, collector) is None
    [problem] = collector.problems
    assert problem.location.line == line and problem.en.startswith(message)
    assert problem.ja


@pytest.mark.parametrize("helper", [expect_str, expect_int, expect_list, expect_map, expect_date],
                         ids=lambda h: h.__name__)
def test_optional_absent_fields_are_none_without_a_problem(record, helper):
    collector = ProblemCollector()
    assert helper(record, "absent", collector, required=False) is None
    assert collector.problems == []


@pytest.mark.parametrize("key,iso,precision", [
    ("since", "2025-06-05", "day"), ("fy", "2025", "fiscal_year"), ("year", "2025", "year"),
], ids=["unquoted-iso", "wareki-fiscal-year", "bare-year"])
def test_expect_date_reads_every_way_a_date_comes_back_from_yaml(record, key, iso, precision):
    collector = ProblemCollector()
    d = expect_date(record, key, collector)
    assert (d.iso(), d.precision) == (iso, precision) and collector.problems == []


# --- fuzzing -------------------------------------------------------------------------------------
YAMLISH = st.lists(st.sampled_from(list("ab1 :-[]{},&*!|>'\"#?%@`\n\t\\~.<=") + ["\r\n", "：", "名", "  "]),
                   max_size=60).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=YAMLISH | st.text(max_size=80))
def test_any_text_loads_or_is_an_input_error(text):
    try:
        load_yaml_text(text, "fuzz.yaml")
    except InputError as error:
        assert all(p.location and p.location.file == "fuzz.yaml" for p in error.problems)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=200) | YAMLISH.map(lambda t: t.encode("utf-8")))
def test_any_bytes_load_or_are_an_input_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "f.yaml"
    path.write_bytes(data)
    try:
        load_yaml_file(path)
    except InputError as error:
        assert error.problems


# NEL and the Unicode line/paragraph separators are line breaks to YAML 1.1; PyYAML dumps them unquoted
TEXT = st.characters(blacklist_characters="\x85\u2028\u2029", blacklist_categories=("Cs",))
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(TEXT, max_size=10)
    | st.floats(allow_nan=False).filter(lambda f: not math.isinf(f)),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(TEXT, max_size=8), inner, max_size=4),
    max_leaves=20)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=JSONISH)
def test_what_pyyaml_dumps_loads_back_equal(value):
    assert load_yaml_text(yaml.safe_dump(value, allow_unicode=True), "x.yaml") == value
