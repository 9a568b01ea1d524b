"""State shared by the record readers: the dataset being built, declared keys, pending references, problems."""
from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS, RDF, RDFS, XSD

from ..errors import Location, ProblemCollector
from ..iris import GRAPHS, Minter
from ..vocab import KD, SCHEMA
from ..wareki import JapaneseDate, WarekiError, parse_japanese_date
from .provenance import TracedGraph, Tracer

# Our English rendering of a source's Japanese text: BCP 47 "transformed content" extension (RFC 6497),
# "English, translated from Japanese". langMatches(?l, "en") still matches it.
TRANSLATION_LANG = "en-t-ja"

KIND_NAMES = {
    "group": ("group", "団体"), "event": ("event", "催し"), "project": ("project", "採択事業"),
    "org": ("organisation", "組織"), "program": ("program", "事業・制度"), "call": ("call", "募集"),
    "concept": ("concept", "概念"), "plan": ("plan", "計画"), "ordinance": ("ordinance", "条例"),
    "document": ("document", "文書"), "source": ("source document", "出典文書"), "category": ("category", "部門"),
    "measure": ("plan measure", "具体的施策"), "initiative": ("plan initiative", "主な施策の展開"),
}


@dataclass
class BuildContext:
    minter: Minter
    problems: ProblemCollector = field(default_factory=ProblemCollector)
    dataset: Dataset = field(default_factory=lambda: Dataset())
    declared: dict[tuple[str, str], Location] = field(default_factory=dict)
    pending: list[tuple[tuple[str, ...], str, Location]] = field(default_factory=list)
    # kind -> key -> IRI, for references that are not minted by Minter.thing (plan measures, initiatives).
    extra_iris: dict[tuple[str, str], URIRef] = field(default_factory=dict)
    # group key -> its name map, for labels composed from group names.
    group_names: dict[str, dict] = field(default_factory=dict)
    source_keys: list[str] = field(default_factory=list)
    dataset_meta: dict | None = None
    # Where each triple came from (field_locations[(subject, predicate)] is the YAML value's Location).
    tracer: Tracer = field(default_factory=Tracer)

    @property
    def field_locations(self) -> dict:
        return self.tracer.provenance.fields

    def at(self, location: Location | None):
        """`with ctx.at(location):` the triples added inside come from the YAML value at `location`."""
        return self.tracer.at(location)

    def graph(self, name: str) -> TracedGraph:
        assert name in GRAPHS, name
        return TracedGraph(self.dataset.graph(self.minter.graph(name)), self.tracer)

    def declare(self, kind: str, key: str, location: Location, iri: URIRef | None = None) -> URIRef:
        """Register a keyed resource; a key used twice for the same kind is reported with both places."""
        if (kind, key) in self.declared:
            first = self.declared[(kind, key)]
            en, ja = KIND_NAMES[kind]
            self.problems.add(location, f"{en} key {key!r} is already used at {first}",
                              f"{ja}のキー {key!r} は {first} で既に使われています", "duplicate-key")
        self.declared[(kind, key)] = location
        iri = iri or self.minter.thing(kind, key)
        self.extra_iris[(kind, key)] = iri
        self.tracer.new_record(iri, location)
        return iri

    def ref(self, kind: str, key: str, location: Location, *, also: tuple[str, ...] = ()) -> URIRef:
        """A reference to a keyed resource (of `kind`, or of a kind in `also`); checked once every file is read."""
        self.pending.append(((kind, *also), key, location))
        if (kind, key) in self.extra_iris:
            iri = self.extra_iris[(kind, key)]
        elif kind in ("measure", "initiative"):
            plan, _, notation = key.partition("/")
            iri = self.minter.plan_part(plan, kind, notation)
        else:
            iri = self.minter.thing(kind, key)
        self.tracer.referenced(iri, location)
        return iri

    def check_references(self, skip_kinds: set[str] = frozenset()) -> None:
        import difflib

        for kinds, key, location in self.pending:
            if any((k, key) in self.declared for k in kinds) or skip_kinds.intersection(kinds):
                continue
            kind = kinds[0]
            en, ja = KIND_NAMES[kind]
            known = [k for (kd, k) in self.declared if kd == kind]
            close = difflib.get_close_matches(key, known, n=1)
            hint_en = f"; did you mean {close[0]!r}?" if close else ""
            hint_ja = f"（{close[0]!r} のことですか？）" if close else ""
            self.problems.add(location, f"no {en} has the key {key!r}{hint_en}",
                              f"キー {key!r} の{ja}はありません{hint_ja}", "dangling-reference")


def add_text(graph: Graph, subject, predicate, value, location: Location, ctx: BuildContext,
             *, source_text: bool = True) -> None:
    """Add a {ja, en} text map: ja as @ja; en as a translation (en-t-ja) when the text comes from a source."""
    for lang, text in text_items(value, location, ctx):
        tag = "ja" if lang == "ja" else (TRANSLATION_LANG if source_text else "en")
        with ctx.at(text_location(value, lang, location)):
            graph.add((subject, predicate, Literal(text, lang=tag)))


def text_location(value, lang: str, location: Location) -> Location:
    """Where the text in one language was written: its `ja:`/`en:` line, or the field's."""
    if hasattr(value, "value_location") and lang in value:
        return value.value_location(lang)
    return location


def text_items(value, location: Location, ctx: BuildContext, *, report: bool = True) -> list[tuple[str, str]]:
    """The (language, text) pairs of a text field; problems are reported once, at the value's line."""
    if value is None:
        return []
    if isinstance(value, str):
        value = {"ja": value}
    if not isinstance(value, dict):
        if report:
            ctx.problems.add(location, "expected text or a map of language to text (ja:, en:)",
                             "文字列か、言語ごとの文字列（ja:, en:）を書いてください", "wrong-type")
        return []
    items = []
    for lang, text in value.items():
        where = value.value_location(lang) if hasattr(value, "value_location") else location
        if lang not in ("ja", "en"):
            if report:
                ctx.problems.add(where, f"unknown language {lang!r}: use ja or en (text with a comma inside {{ }} "
                                 "must be put in quotes)", f"言語 {lang!r} は使えません。ja か en にしてください"
                                 "（{ } の中でカンマを含む文は引用符で囲んでください）", "unknown-language")
        elif not isinstance(text, str) or not text.strip():
            if report:
                ctx.problems.add(where, f"the {lang} text must not be empty", f"{lang} の文字列が空です", "wrong-type")
        else:
            items.append((lang, " ".join(text.split()) if lang == "en" else text.strip()))
    return items


def add_label(graph: Graph, subject, value, location: Location, ctx: BuildContext, *, source_text: bool = True,
              extra_predicates=(SCHEMA.name,)) -> None:
    items = text_items(value, location, ctx)
    for predicate in (RDFS.label, *extra_predicates):
        for lang, text in items:
            tag = "ja" if lang == "ja" else (TRANSLATION_LANG if source_text else "en")
            with ctx.at(text_location(value, lang, location)):
                graph.add((subject, predicate, Literal(text, lang=tag)))


def parse_date(text, location: Location, ctx: BuildContext) -> JapaneseDate | None:
    """A 和暦 or ISO date from the data; problems are collected, not raised."""
    try:
        return parse_japanese_date(str(text))
    except WarekiError as exc:
        ctx.problems.add(location, str(exc.en), str(exc.ja), "bad-date")
        return None


def date_literal(date: JapaneseDate) -> Literal:
    return Literal(date.iso(), datatype=XSD[date.xsd_datatype()])


def add_date(graph: Graph, subject, predicate, text, location: Location, ctx: BuildContext) -> JapaneseDate | None:
    """The ISO value on `predicate`, and the text as written on kd:dateWareki when it is not already ISO."""
    date = parse_date(text, location, ctx)
    if date is not None:
        with ctx.at(location):
            graph.add((subject, predicate, date_literal(date)))
            if date.original != date.iso():
                graph.add((subject, KD.dateWareki, Literal(date.original, lang="ja")))
    return date


def add_fiscal_year(graph: Graph, subject, text, location: Location, ctx: BuildContext) -> JapaneseDate | None:
    date = parse_date(text, location, ctx)
    if date is None:
        return None
    if date.precision != "fiscal_year":
        ctx.problems.add(location, f"{text!r} is not a fiscal year (write it like 令和7年度 or 2025年度)",
                         f"{text!r} は年度ではありません（令和7年度 や 2025年度 のように書いてください）", "bad-date")
        return None
    with ctx.at(location):
        graph.add((subject, KD.fiscalYear, Literal(str(date.year), datatype=XSD.gYear)))
        graph.add((subject, KD.fiscalYearWareki, Literal(date.original, lang="ja")))
    return date


def add_period(graph: Graph, subject, start: JapaneseDate | None, end: JapaneseDate | None, label=None,
               location: Location | None = None, ctx: BuildContext | None = None) -> BNode:
    """dcterms:temporal [ a dcterms:PeriodOfTime ; dcat:startDate ; dcat:endDate ] with the 和暦 kept."""
    period = BNode()
    graph.add((subject, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    if start is not None:
        graph.add((period, DCAT.startDate, Literal(start.start.isoformat(), datatype=XSD.date)))
        graph.add((period, KD.startWareki, Literal(start.original, lang="ja")))
    if end is not None:
        graph.add((period, DCAT.endDate, Literal(end.end.isoformat(), datatype=XSD.date)))
        graph.add((period, KD.endWareki, Literal(end.original, lang="ja")))
    if label is not None and ctx is not None:
        add_text(graph, period, RDFS.label, label, location, ctx)
    return period


def add_sources(graph: Graph, subject, record, ctx: BuildContext) -> None:
    for key, where in iter_keys(record, "source"):
        graph.add((subject, DCTERMS.source, ctx.ref("source", key, where)))


def iter_keys(record, field_name: str):
    """Yield (key, location) for a list-of-keys field (a single key is accepted too)."""
    value = record.get(field_name)
    if value is None:
        return
    items = value if isinstance(value, list) else [value]
    for index, key in enumerate(items):
        where = _item_location(record, field_name, value, index)
        if isinstance(key, str) and key:
            yield key, where


def _item_location(record, field_name: str, value, index: int) -> Location:
    if isinstance(value, list) and hasattr(value, "item_location"):
        return value.item_location(index)
    if hasattr(record, "value_location"):
        return record.value_location(field_name)
    return Location("?")
