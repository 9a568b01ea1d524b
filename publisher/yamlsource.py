"""Load the YAML files city staff edit: safely, and remembering where every value was written.

Mappings come back as SourceMap (a dict) and lists as SourceList (a list); both know their Location
(file, 1-based line and column, key path such as ``groups[0].name.ja``). Scalars are plain Python
values as YAML 1.1 reads them (PyYAML's safe rules): an unquoted 2025-06-05 is a datetime.date,
2025 an int, yes/no booleans. Anything unusual becomes an InputError listing every problem found.

Guards: size cap before reading, UTF-8 only (with a hint for Shift_JIS), no NUL bytes, nesting
depth, alias count and the node count after expanding aliases (so an alias bomb fails in
milliseconds), duplicate keys, non-text keys, merge keys (<<) and tags other than the plain ones.
Parsing uses libyaml when PyYAML has it (fast, and its parser does not recurse) under PyYAML's own
composer, which is the part that can be guarded; otherwise the pure-Python loader.
"""
from __future__ import annotations

import codecs
import difflib
import unicodedata
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer

from publisher.errors import InputError, Location, Problem, ProblemCollector
from publisher.wareki import JapaneseDate, WarekiError, parse_japanese_date

__all__ = [
    "MAX_ALIASES", "MAX_BYTES", "MAX_DEPTH", "MAX_NODES", "SourceList", "SourceMap",
    "check_fields", "expect_date", "expect_int", "expect_list", "expect_map", "expect_str",
    "load_yaml_file", "load_yaml_text",
]

MAX_BYTES = 10 * 1024 * 1024  # file size, checked before parsing
MAX_DEPTH = 50  # nested mappings and lists
MAX_NODES = 100_000  # values in the document once aliases are expanded
MAX_ALIASES = 100  # *alias uses

_TAG = "tag:yaml.org,2002:"
_SCALAR_TAGS = {_TAG + t: name for t, name in [
    ("str", ("text", "文字列")), ("int", ("an integer", "整数")), ("float", ("a number", "数値")),
    ("bool", ("true/false", "真偽値")), ("null", ("null", "null")), ("timestamp", ("a date", "日付"))]}


class SourceMap(dict):
    """A YAML mapping that remembers where it, each key and each value were written."""

    def __init__(self, location: Location):
        super().__init__()
        self.location = location
        self._key_locations: dict[str, Location] = {}
        self._value_locations: dict[str, Location] = {}
        self._texts: dict[str, str] = {}

    def key_location(self, key: str) -> Location:
        """Where the key was written (the mapping's own location if the key is absent)."""
        return self._key_locations.get(key, self.location)

    def value_location(self, key: str) -> Location:
        """Where the value was written (the mapping's own location if the key is absent)."""
        return self._value_locations.get(key, self.location)

    def source_text(self, key: str) -> str | None:
        """A scalar value exactly as written (e.g. "0762202026" that YAML read as an octal int)."""
        return self._texts.get(key)


class SourceList(list):
    """A YAML list that remembers where it and each item were written."""

    def __init__(self, location: Location):
        super().__init__()
        self.location = location
        self._item_locations: list[Location] = []

    def item_location(self, index: int) -> Location:
        return self._item_locations[index]


class _Fatal(Exception):
    """A problem after which reading the file cannot go on."""

    def __init__(self, problem: Problem):
        super().__init__(problem.en)
        self.problem = problem


# --- reading bytes ---------------------------------------------------------------------------
def load_yaml_file(path: Path, *, display_name: str | None = None, problems: list[Problem] | None = None) -> Any:
    """Read and load one YAML file; `display_name` (e.g. data/groups.yaml) is used in messages.

    With `problems`, what still leaves usable data (a duplicate key keeps its first value, a key or scalar of the
    wrong kind is skipped) is appended there and the data returned, so a caller can report everything in the file;
    without it, any problem raises InputError. Unreadable input (syntax, encoding, bombs) always raises.
    """
    name = display_name or str(path)
    return load_yaml_text(_decode(_read_bytes(Path(path), name), name), name, problems=problems)


def _read_bytes(path: Path, name: str) -> bytes:
    try:
        if path.stat().st_size > MAX_BYTES:
            raise _too_large(name)
        with path.open("rb") as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError([Problem(Location(name), f"cannot read the file: {reason}",
                                  f"ファイルを読めません: {reason}", "io")]) from None
    if len(data) > MAX_BYTES:
        raise _too_large(name)
    return data


def _too_large(name: str) -> InputError:
    mb = MAX_BYTES // (1024 * 1024)
    return InputError([Problem(Location(name), f"the file is larger than {mb} MB; split it into smaller files",
                               f"ファイルが {mb} MB を超えています。小さなファイルに分けてください", "too-large")])


def _decode(data: bytes, name: str) -> str:
    """UTF-8 text, without a BOM; anything else is an InputError that says what the bytes look like."""
    data = data.removeprefix(codecs.BOM_UTF8)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _encoding_error(Location(name, 1, 1), "UTF-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        if b"\0" in data:
            raise _nul_error(name, data.decode("utf-8", "replace")) from None
        before = data[:error.start].decode("utf-8", "replace")
        raise _encoding_error(_text_location(name, before, len(before)), _legacy_encoding(data)) from None


def _legacy_encoding(data: bytes) -> str | None:
    """The Japanese legacy encoding the bytes read cleanly as, if any."""
    for codec, label in (("cp932", "Shift_JIS"), ("euc_jp", "EUC-JP")):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if all(c.isprintable() or c in "\t\r\n" for c in text):
            return label
    return None


def _encoding_error(location: Location, looks_like: str | None) -> InputError:
    en, ja = "the file is not UTF-8 text", "ファイルが UTF-8 ではありません"
    if looks_like:
        en += f"; this looks like {looks_like}: save it as UTF-8"
        ja += f"。{looks_like} のようです。UTF-8 で保存し直してください"
    return InputError([Problem(location, en, ja, "encoding")])


def _nul_error(name: str, text: str) -> InputError:
    location = _text_location(name, text, text.index("\0"))
    return InputError([Problem(location, "the file contains NUL bytes: it is binary data, not YAML text",
                               "ファイルに NUL バイトが含まれています。YAML テキストではなくバイナリです", "encoding")])


def _text_location(name: str, text: str, index: int) -> Location:
    line_start = text.rfind("\n", 0, index) + 1
    return Location(name, text.count("\n", 0, index) + 1, index - line_start + 1)


# --- composing, with guards ------------------------------------------------------------------
class _Guards:
    """Mixed into PyYAML's safe loaders: counts depth, aliases and expanded nodes while composing."""

    base: type = yaml.SafeLoader

    def __init__(self, text: str, name: str):
        self.base.__init__(self, text)
        self.anchors: dict[str, yaml.Node] = {}  # Composer state; libyaml's CParser does not set it
        self.source_name = name
        self.depth = self.reach = self.nodes = self.aliases = 0
        self.expanded: dict[str, tuple[int, int]] = {}  # anchor -> (nodes, levels) with aliases expanded

    def compose_node(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            return self._compose_alias(parent, index, event)
        nested = isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent))
        outer_depth, outer_reach, outer_nodes = self.depth, self.reach, self.nodes
        self.depth += nested
        self._reach(self.depth, event.start_mark)
        self._count(1, event.start_mark)
        node = super().compose_node(parent, index)
        if event.anchor is not None:
            self.expanded[event.anchor] = (self.nodes - outer_nodes, self.reach - outer_depth)
        self.depth, self.reach = outer_depth, max(outer_reach, self.reach)
        return node

    def _compose_alias(self, parent, index, event: yaml.AliasEvent):
        self.aliases += 1
        if self.aliases > MAX_ALIASES:
            raise self._fatal(event.start_mark, f"more than {MAX_ALIASES} aliases (*name)",
                              f"エイリアス（*名前）が {MAX_ALIASES} 個を超えています", "alias-limit")
        if event.anchor in self.anchors and event.anchor not in self.expanded:
            raise self._fatal(event.start_mark, f"the alias *{event.anchor} is inside its own anchor",
                              f"エイリアス *{event.anchor} が自分自身のアンカーの中にあります", "alias-limit")
        node = super().compose_node(parent, index)  # PyYAML reports an undefined alias
        nodes, levels = self.expanded[event.anchor]
        self._count(nodes, event.start_mark)
        self._reach(self.depth + levels, event.start_mark)
        return node

    def _reach(self, depth: int, mark) -> None:
        """Note that the document goes `depth` levels deep here (aliases expanded); fail past MAX_DEPTH."""
        if depth > MAX_DEPTH:
            raise _Fatal(_too_deep(self._location(mark)))
        self.reach = max(self.reach, depth)

    def _count(self, nodes: int, mark) -> None:
        self.nodes += nodes
        if self.nodes > MAX_NODES:
            raise self._fatal(mark, f"more than {MAX_NODES} keys and values (aliases counted as expanded); "
                              "split the file or use fewer aliases",
                              f"キーと値が {MAX_NODES} 個を超えています（エイリアスは展開して数えます）。"
                              "ファイルを分けるか、エイリアスを減らしてください", "too-large")

    def _fatal(self, mark, en: str, ja: str, code: str) -> _Fatal:
        return _Fatal(Problem(self._location(mark), en, ja, code))

    def _location(self, mark, key: str | None = None) -> Location:
        return Location(self.source_name, mark.line + 1, mark.column + 1, key or None)


class _PythonLoader(_Guards, yaml.SafeLoader):
    base = yaml.SafeLoader


if getattr(yaml, "__with_libyaml__", False):
    class _LibyamlLoader(_Guards, Composer, yaml.CSafeLoader):
        """libyaml's parser (fast, not recursive) under PyYAML's composer (so it can be guarded)."""

        base = yaml.CSafeLoader

    _LOADER: type = _LibyamlLoader
else:
    _LOADER = _PythonLoader


def _too_deep(location: Location) -> Problem:
    return Problem(location, f"nested deeper than {MAX_DEPTH} levels", f"入れ子が {MAX_DEPTH} 段を超えています",
                   "too-deep")


# --- loading ---------------------------------------------------------------------------------
def load_yaml_text(text: str, name: str, *, problems: list[Problem] | None = None) -> Any:
    """Load YAML text; `name` is the file name used in messages. An empty document gives None."""
    text = text.removeprefix("\ufeff")
    if "\0" in text:
        raise _nul_error(name, text)
    if bad := yaml.reader.Reader.NON_PRINTABLE.search(text):  # libyaml would fail on surrogates
        raise InputError([_bad_character_problem(name, text, bad.start())])
    collector = ProblemCollector()
    loader = None
    try:
        loader = _LOADER(text, name)
        node = loader.get_single_node()
        data = None if node is None else _Builder(loader, collector).build(node, "", 0)
    except _Fatal as fatal:
        raise InputError(collector.problems + [fatal.problem]) from None
    except yaml.YAMLError as error:
        raise InputError([_syntax_problem(error, name, text)]) from None
    finally:
        if loader is not None:
            loader.dispose()
    if problems is None:
        collector.raise_if_any()
    else:
        problems.extend(collector.problems)
    return data


class _Builder:
    """Turns composed nodes into SourceMap / SourceList / scalars, collecting problems."""

    def __init__(self, loader: _Guards, collector: ProblemCollector):
        self.loader = loader
        self.collector = collector

    def build(self, node: yaml.Node, path: str, depth: int) -> Any:
        location = self.loader._location(node.start_mark, path)
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node, location)
        if depth + 1 > MAX_DEPTH:  # a second guard: the composer already counts levels through aliases
            raise _Fatal(_too_deep(location))
        expected = _TAG + ("map" if isinstance(node, yaml.MappingNode) else "seq")
        if node.tag != expected:
            self._unsupported_tag(node, location)
        if isinstance(node, yaml.MappingNode):
            return self.mapping(node, location, depth + 1)
        return self.sequence(node, location, depth + 1)

    def sequence(self, node: yaml.SequenceNode, location: Location, depth: int) -> SourceList:
        result = SourceList(location)
        for index, item in enumerate(node.value):
            path = f"{location.key or ''}[{index}]"
            result.append(self.build(item, path, depth))
            result._item_locations.append(self.loader._location(item.start_mark, path))
        return result

    def mapping(self, node: yaml.MappingNode, location: Location, depth: int) -> SourceMap:
        result = SourceMap(location)
        for key_node, value_node in node.value:
            key = self.key(key_node, location.key)
            path = _join(location.key, "?" if key is None else key)
            value = self.build(value_node, path, depth)
            if key is None or self._is_duplicate(result, key, key_node, path):
                continue
            result[key] = value
            result._key_locations[key] = self.loader._location(key_node.start_mark, path)
            result._value_locations[key] = self.loader._location(value_node.start_mark, path)
            if isinstance(value_node, yaml.ScalarNode):
                result._texts[key] = value_node.value
        return result

    def _is_duplicate(self, result: SourceMap, key: str, key_node: yaml.Node, path: str) -> bool:
        if key not in result:
            return False
        first, text = result.key_location(key).line, _short(key)
        self.collector.add(self.loader._location(key_node.start_mark, path),
                           f"key '{text}' is used twice (first at line {first})",
                           f"キー '{text}' が2回使われています（最初は {first} 行目）", "duplicate-key")
        return True

    def key(self, node: yaml.Node, parent_path: str | None) -> str | None:
        """The key as text, or None after reporting why it cannot be one."""
        location = self.loader._location(node.start_mark, parent_path)
        if node.tag == _TAG + "merge":
            self.collector.add(location, "merge keys (<<) are not supported; write the fields out in full",
                               "マージキー（<<）は使えません。項目をすべて書いてください", "key-type")
            return None
        if not isinstance(node, yaml.ScalarNode):
            self.collector.add(location, "a key must be text, not a list or a mapping",
                               "キーは文字列にしてください（リストやマッピングは使えません）", "key-type")
            return None
        key = self.scalar(node, location)
        if not isinstance(key, str):
            got_en, got_ja = _type_name(key)
            text = _short(node.value)
            self.collector.add(location, f"the key '{text}' is read as {got_en}, not text; put it in quotes: '{text}'",
                               f"キー '{text}' は{got_ja}として読まれます。引用符で囲んでください: '{text}'",
                               "key-type")
            return None
        return key

    def scalar(self, node: yaml.ScalarNode, location: Location) -> Any:
        if node.tag not in _SCALAR_TAGS:
            self._unsupported_tag(node, location)
            return node.value
        try:
            return self.loader.yaml_constructors[node.tag](self.loader, node)
        except (ValueError, TypeError, KeyError, AttributeError, OverflowError, yaml.YAMLError):
            en, ja = _SCALAR_TAGS[node.tag]
            value = _short(node.value)
            self.collector.add(location, f"'{value}' is not valid as {en}; if it is text, put it in quotes",
                               f"'{value}' は{ja}として正しくありません。文字列なら引用符で囲んでください", "type")
            return node.value

    def _unsupported_tag(self, node: yaml.Node, location: Location) -> None:
        tag = "!!" + node.tag.removeprefix(_TAG) if node.tag.startswith(_TAG) else node.tag
        self.collector.add(location, f"the tag {tag} is not supported; remove it",
                           f"タグ {tag} は使えません。削除してください", "tag")


def _short(text: str, limit: int = 60) -> str:
    """A value short enough to quote in a message."""
    return text if len(text) <= limit else text[:limit] + "…"


def _join(path: str | None, key: str) -> str:
    return f"{path}.{key}" if path else key


# --- syntax errors ---------------------------------------------------------------------------
_INDENT = ("the indentation does not line up with the lines above", "インデントが前の行とそろっていません", False)
_SYNTAX_HINTS = [  # (words all in PyYAML's or libyaml's message, English, Japanese, point where it opened)
    (("quoted scalar", "end of stream"), "a quote opened here is not closed", "ここで始まった引用符が閉じられていません",
     True),
    (("flow ", "expected ','"), "a bracket opened here is not closed, or a ',' is missing between items",
     "ここで始まった括弧が閉じられていないか、項目の間の「,」が抜けています", True),
    (("escape",), "in double quotes a backslash starts an escape; use single quotes or write \\\\",
     "ダブルクォートの中ではバックスラッシュがエスケープになります。シングルクォートを使うか \\\\ と書いてください", False),
    (("hexdecimal",), "in double quotes a backslash starts an escape; use single quotes or write \\\\",
     "ダブルクォートの中ではバックスラッシュがエスケープになります。シングルクォートを使うか \\\\ と書いてください", False),
    (("cannot start any token",), "a value cannot start with this character; put the value in quotes",
     "この文字で値を始めることはできません。値を引用符で囲んでください", False),
    (("mapping values are not allowed",), "a ':' where YAML does not expect one: quote a value that contains "
     "': ', and check the line above for a missing ':' or a wrong indent",
     "ここに「:」は書けません。「: 」を含む値は引用符で囲み、前の行の「:」の抜けやインデントも確認してください", False),
    (("block end",), *_INDENT), (("expected key",), *_INDENT), (("'-' indicator",), *_INDENT),
    (("single document",), "the file holds more than one document ('---'); keep one",
     "ファイルに複数の文書（---）があります。1つにしてください", False),
    (("undefined alias",), "an alias (*name) refers to no anchor (&name)",
     "エイリアス（*名前）に対応するアンカー（&名前）がありません", False),
]


def _syntax_problem(error: yaml.YAMLError, name: str, text: str) -> Problem:
    """One Problem for a PyYAML or libyaml error: where, a hint in both languages, and the parser's words."""
    if isinstance(error, yaml.reader.ReaderError):  # load_yaml_text checks characters first
        return Problem(Location(name), f"YAML cannot read the text: {error}", f"YAML として読めません: {error}",
                       "syntax")
    problem_mark, context_mark = getattr(error, "problem_mark", None), getattr(error, "context_mark", None)
    detail = "; ".join(str(p) for p in (getattr(error, "context", None), getattr(error, "problem", None)) if p)
    hint_en, hint_ja, at_context = _syntax_hint(detail or str(error), text, problem_mark)
    mark = (context_mark if at_context else None) or problem_mark or context_mark
    location = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
    if not hint_en:
        return Problem(location, f"YAML syntax error: {detail}", f"YAML の構文エラー: {detail}", "syntax")
    return Problem(location, f"YAML syntax error: {hint_en} ({detail})", f"YAML の構文エラー: {hint_ja}（{detail}）",
                   "syntax")


def _syntax_hint(detail: str, text: str, mark) -> tuple[str, str, bool]:
    lines = text.splitlines()
    line = lines[mark.line] if mark and mark.line < len(lines) else ""
    before = lines[mark.line - 1] if mark and 0 < mark.line <= len(lines) else ""
    if "\t" in line[:len(line) - len(line.lstrip())] or line[mark.column:mark.column + 1] == "\t":
        return "tab characters cannot indent YAML; use spaces", "インデントにタブ文字は使えません。半角スペースを使ってください", False
    if "：" in line + before:
        return ("a full-width colon '：' is used; YAML needs a half-width ':' and a space",
                "全角のコロン「：」が使われています。半角の「:」と空白を使ってください", False)
    for words, en, ja, at_context in _SYNTAX_HINTS:
        if all(word in detail for word in words):
            return en, ja, at_context
    return "", "", False


def _bad_character_problem(name: str, text: str, index: int) -> Problem:
    code = f"U+{ord(text[index]):04X}"
    return Problem(_text_location(name, text, index), f"the character {code} is not allowed in YAML text "
                   "(control characters and non-characters are not)",
                   f"文字 {code} は YAML では使えません（制御文字などは使えません）", "syntax")


# --- checking fields -------------------------------------------------------------------------
def check_fields(mapping: SourceMap, *, required: set[str], optional: set[str],
                 collector: ProblemCollector) -> None:
    """Report unknown fields (with a "did you mean") and missing required ones, each at its line."""
    allowed = required | optional
    for key in mapping:
        if key not in allowed:
            _report_unknown(mapping, key, allowed, collector)
    for key in sorted(required - mapping.keys()):
        collector.add(_field_location(mapping, key), f"the required field '{key}' is missing",
                      f"必須の項目 '{key}' がありません", "missing")


def _report_unknown(mapping: SourceMap, key: str, allowed: set[str], collector: ProblemCollector) -> None:
    cleaned = unicodedata.normalize("NFKC", key).strip()
    close = [cleaned] if cleaned in allowed else difflib.get_close_matches(key, sorted(allowed), n=1)
    if close:
        en, ja = f"did you mean '{close[0]}'?", f"'{close[0]}' の誤りではありませんか？"
    else:
        names = ", ".join(sorted(allowed))
        en, ja = f"expected one of: {names}", f"使える項目: {names}"
    collector.add(mapping.key_location(key), f"unknown field '{key}'; {en}", f"不明な項目 '{key}' です。{ja}",
                  "unknown-field")


def _field_location(mapping: SourceMap, key: str) -> Location:
    return replace(mapping.key_location(key), key=_join(mapping.location.key, key))


# --- typed access ----------------------------------------------------------------------------
def _type_name(value: Any) -> tuple[str, str]:
    for kind, en, ja in ((type(None), "nothing", "空"), (bool, "true/false", "真偽値（true/false）"),
                         (int, "an integer", "整数"), (float, "a number", "数値"),
                         (datetime, "a date and time", "日時"), (date, "a date", "日付"), (str, "text", "文字列"),
                         (list, "a list", "リスト"), (dict, "a mapping (key: value)", "マッピング（キー: 値）")):
        if isinstance(value, kind):
            return en, ja
    return type(value).__name__, type(value).__name__


def _expect(mapping: SourceMap, key: str, collector: ProblemCollector, required: bool, kind: type) -> Any:
    """The value if it has the wanted type; otherwise None, after reporting what is wrong."""
    value = mapping.get(key)
    if isinstance(value, str) and not value.strip():
        value = None  # blank is absence, never zero
    if value is None:
        if required:
            collector.add(_field_location(mapping, key), f"the required field '{key}' is missing or empty",
                          f"必須の項目 '{key}' がないか空です", "missing")
        return None
    if isinstance(value, kind) and not (isinstance(value, bool) and kind is int):
        return value
    _report_type(mapping, key, kind, collector)
    return None


_WANTED = {str: ("text", "文字列"), int: ("an integer", "整数"), SourceList: ("a list", "リスト"),
           SourceMap: ("a mapping (key: value)", "マッピング（キー: 値）"), JapaneseDate: ("a date", "日付")}


def _report_type(mapping: SourceMap, key: str, kind: type, collector: ProblemCollector) -> None:
    (want_en, want_ja), (got_en, got_ja) = _WANTED[kind], _type_name(mapping[key])
    en = f"wrong type for '{key}': expected {want_en}, got {got_en}"
    ja = f"'{key}' の型が違います: {want_ja}が必要ですが、{got_ja}が書かれています"
    text = mapping.source_text(key)
    if kind is str and text is not None:
        en, ja = en + f"; put it in quotes: '{_short(text)}'", ja + f"。引用符で囲んでください: '{_short(text)}'"
    collector.add(mapping.value_location(key), en, ja, "type")


def expect_str(mapping: SourceMap, key: str, collector: ProblemCollector, required: bool = True) -> str | None:
    """Non-blank text, or None (reported when required or of the wrong type)."""
    return _expect(mapping, key, collector, required, str)


def expect_int(mapping: SourceMap, key: str, collector: ProblemCollector, required: bool = True) -> int | None:
    """An integer (not true/false), or None (reported when required or of the wrong type)."""
    return _expect(mapping, key, collector, required, int)


def expect_list(mapping: SourceMap, key: str, collector: ProblemCollector,
                required: bool = True) -> SourceList | None:
    """A list, or None (reported when required or of the wrong type)."""
    return _expect(mapping, key, collector, required, SourceList)


def expect_map(mapping: SourceMap, key: str, collector: ProblemCollector,
               required: bool = True) -> SourceMap | None:
    """A mapping, or None (reported when required or of the wrong type)."""
    return _expect(mapping, key, collector, required, SourceMap)


def expect_date(mapping: SourceMap, key: str, collector: ProblemCollector,
                required: bool = True) -> JapaneseDate | None:
    """A date in any form wareki reads (令和7年度, 2025-06-05 quoted or not, 2025), or None after reporting."""
    value = mapping.get(key)
    if isinstance(value, (SourceMap, SourceList)):
        _report_type(mapping, key, JapaneseDate, collector)
        return None
    if value is None or (isinstance(value, str) and not value.strip()):
        return _expect(mapping, key, collector, required, str)
    text = value if isinstance(value, str) else mapping.source_text(key) or str(value)
    try:
        return parse_japanese_date(text)
    except WarekiError as error:
        collector.add(mapping.value_location(key), error.en, error.ja, "date")
        return None
