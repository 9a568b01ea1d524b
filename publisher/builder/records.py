"""Walking a YAML section of keyed records, with every problem reported at its file and line."""
from __future__ import annotations

from dataclasses import dataclass

from .. import yamlsource
from ..errors import Location
from ..iris import KEY_PATTERN
from .context import BuildContext


@dataclass
class Record:
    key: str
    data: dict
    location: Location
    ctx: BuildContext

    def get(self, field: str, default=None):
        return self.data.get(field, default)

    def loc(self, field: str) -> Location:
        if field in self.data and hasattr(self.data, "value_location"):
            return self.data.value_location(field)
        return self.location

    def at(self, field: str):
        """`with rec.at(field):` the triples added inside come from this field (see provenance)."""
        return self.ctx.at(self.loc(field))

    def code(self, field: str, codes: dict, noun_en: str, noun_ja: str):
        """What a fixed code list gives for the field's value; None when absent or unknown (reported with the choices)."""
        value = self.get(field)
        if value is None:
            return None
        if not isinstance(value, str) or value not in codes:
            self.problem(field, f"unknown {noun_en} {value!r}; use one of {', '.join(codes)}",
                         f"{noun_ja} {value!r} は使えません。{'、'.join(codes)} のいずれかにしてください")
            return None
        return codes[value]

    def add_code(self, graph, subject, predicate, field: str, codes: dict, noun_en: str, noun_ja: str) -> None:
        """subject predicate <the code's IRI>, for a field whose value comes from a fixed code list."""
        target = self.code(field, codes, noun_en, noun_ja)
        if target is not None:
            with self.at(field):
                graph.add((subject, predicate, target))

    def problem(self, field: str, en: str, ja: str, code: str = "invalid") -> None:
        self.ctx.problems.add(self.loc(field), en, ja, code)

    def strings(self, field: str) -> list[str]:
        """A field holding text or a list of text; anything else is reported."""
        value = self.data.get(field)
        if value is None:
            return []
        items = value if isinstance(value, list) else [value]
        good = [str(v) for v in items if isinstance(v, (str, int)) and not isinstance(v, bool)]
        if len(good) != len(items):
            self.problem(field, f"{field} must be text or a list of text",
                         f"{field} は文字列か文字列のリストにしてください", "wrong-type")
        return good

    def mapping(self, field: str, allowed: set[str]):
        """A nested mapping with a fixed set of fields, or None (with the problem reported)."""
        value = self.data.get(field)
        if value is None:
            return None
        if not isinstance(value, dict):
            self.problem(field, f"{field} must be a mapping", f"{field} は「項目: 値」の対応で書いてください", "wrong-type")
            return None
        check_fields(value, allowed=allowed, required=set(), ctx=self.ctx, fallback=self.loc(field))
        return value

    def integer(self, container: dict, field: str) -> int | None:
        value = container.get(field)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            where = container.value_location(field) if hasattr(container, "value_location") else self.location
            self.ctx.problems.add(where, f"{field} must be a whole number ≥ 0, got {value!r}",
                                  f"{field} は0以上の整数にしてください（{value!r} と書かれています）", "wrong-type")
            return None
        return value


def each_record(doc, section: str, ctx: BuildContext, *, required: set[str], optional: set[str]):
    """Yield (key, Record) for each entry of doc[section], after checking its key and fields."""
    records = doc.get(section) if isinstance(doc, dict) else None
    if records is None:
        return
    where = doc.value_location(section) if hasattr(doc, "value_location") else Location("?")
    if not isinstance(records, dict):
        ctx.problems.add(where, f"{section} must be a mapping of key to record",
                         f"{section} は「キー: 内容」の対応で書いてください", "wrong-type")
        return
    for key, data in records.items():
        key_where = records.key_location(key) if hasattr(records, "key_location") else where
        if not isinstance(key, str) or not KEY_PATTERN.match(key):
            ctx.problems.add(key_where, f"key {key!r} must be lower-case letters, digits and hyphens",
                             f"キー {key!r} は英小文字・数字・ハイフンで書いてください", "bad-key")
            continue
        if not isinstance(data, dict):
            ctx.problems.add(key_where, f"record {key!r} must be a mapping of fields",
                             f"{key!r} の内容は「項目: 値」の対応で書いてください", "wrong-type")
            continue
        location = Location(key_where.file, key_where.line, key_where.column, f"{section}.{key}")
        check_fields(data, allowed=required | optional, required=required, ctx=ctx, fallback=location)
        yield key, Record(key, data, location, ctx)


def check_fields(data: dict, *, allowed: set[str], required: set[str], ctx: BuildContext, fallback: Location) -> None:
    """Report unknown fields (with a suggestion) and missing required ones, each at its line."""
    yamlsource.check_fields(data, required=required, optional=allowed - required, collector=ctx.problems)
