"""Deterministic synthetic data in our model, at any size, written as a release kyodo-lod can serve.

    python -m bench.generate 100k bench/out/100k       # dist/ with releases/<version>/ and CURRENT

The same classes and properties as the builder produces, with Japanese labels (and en-t-ja
translations): citizen groups with their IMI name nodes, adopted Challenge projects (fiscal year,
category, proposer, program, partner division), city bureaus and divisions, a plan with basic
policies, directions, measures and initiatives, programs implementing measures, and the catalog;
the real data and the real vocabulary and shapes graphs come first, as in a real build, and the synthetic
resources refer to real ones as the real data does, so the whole conforms to our shapes. One seed gives
the same bytes.
"""
from __future__ import annotations

import datetime as dt
import json
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://data.example.jp/kyodo/"
ID = BASE + "id/"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
KD, IC = "https://w3id.org/kyodo-lod/def#", "http://imi.go.jp/ns/core/rdf#"
SCHEMA, ORG, SKOS = "https://schema.org/", "http://www.w3.org/ns/org#", "http://www.w3.org/2004/02/skos/core#"
DCT, PROV, DCAT = "http://purl.org/dc/terms/", "http://www.w3.org/ns/prov#", "http://www.w3.org/ns/dcat#"

PLACES = ["金沢", "兼六", "犀川", "浅野川", "長町", "東山", "卯辰", "寺町", "野町", "森本", "湯涌", "大野",
          "金石", "粟崎", "鳴和", "小立野", "泉野", "杜の里"]
THEMES = ["まちづくり", "子ども食堂", "防災", "環境保全", "伝統文化", "福祉", "国際交流", "商店街", "里山",
          "読み聞かせ", "子育て", "用水路", "歴史", "スポーツ", "食育", "見守り"]
KINDS = ["の会", "研究会", "ネットワーク", "クラブ", "協議会", "支援隊", "プロジェクト", "サークル"]
EN_THEMES = ["town-building", "children's cafeteria", "disaster preparedness", "environment", "traditional culture",
             "welfare", "international exchange", "shopping street", "satoyama", "storytelling", "child-rearing",
             "canals", "history", "sports", "food education", "community watch"]
CATEGORIES = {"start": ("スタート部門", "Start category"), "student": ("学生部門", "Student category"),
              "general": ("一般部門", "General category"), "group-collaboration": ("団体連携部門", "Group collaboration"),
              "pre-challenge": ("前身事業", "Before the Challenge Program")}
ERAS = ((2019, "令和", 2018), (1989, "平成", 1988))
SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}


def parse_size(text: str) -> int:
    text = text.strip().lower()
    return SIZES.get(text) or int(float(text.rstrip("km")) * (1000 if text.endswith("k") else 1_000_000
                                                             if text.endswith("m") else 1))


def wareki_year(year: int) -> str:
    for start, era, offset in ERAS:
        if year >= start:
            return f"{era}{'元' if year == start else year - offset}年度"
    return f"{year}年度"


# --- N-Quads writing -----------------------------------------------------------------------------------

def lit(text: str, lang: str | None = None, datatype: str | None = None) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"' + (f"@{lang}" if lang else f"^^<{datatype}>" if datatype else "")


class Writer:
    """Quads to a file, counted; blank nodes numbered in order."""

    def __init__(self, stream):
        self.stream, self.count, self._blank = stream, 0, 0

    def add(self, s: str, p: str, o: str, graph: str) -> None:
        s = s if s.startswith("_:") else f"<{s}>"
        self.stream.write(f"{s} <{p}> {o} <{graph}> .\n")
        self.count += 1

    def blank(self) -> str:
        self._blank += 1
        return f"_:b{self._blank}"

    def labels(self, s: str, graph: str, ja: str, en: str, *predicates: str) -> None:
        for p in predicates or (RDFS + "label",):
            self.add(s, p, lit(ja, "ja"), graph)
            self.add(s, p, lit(en, "en-t-ja"), graph)

    def types(self, s: str, graph: str, *classes: str) -> None:
        for cls in classes:
            self.add(s, RDF + "type", f"<{cls}>", graph)


def graph(name: str) -> str:
    return f"{BASE}graph/{name}"


# --- the model -----------------------------------------------------------------------------------------

class Model:
    """Draws the dataset on top of the real one: the real data, then synthetic divisions, measures and
    programs sized by the target, then groups and projects until the target is reached. Everything refers
    to real resources the way the real data does (sources, the registration program, the city, the
    categories, the plan's directions), so the synthetic data conforms to the shapes."""

    def __init__(self, size: int, seed: int):
        self.size, self.rng = size, random.Random(seed)
        directions = [f"{p}-{d}" for p, count in ((1, 3), (2, 3), (3, 3)) for d in range(1, count + 1)]
        per_direction = min(4, max(2, size // 200_000))  # numbered 6-9 after the real ones (a digit each)
        self.measures = [f"{ID}plan/plan-2016/measure/{d}-{6 + m}" for d in directions for m in range(per_direction)]
        self.divisions = [f"{ID}org/synthetic-division-{i:03d}" for i in range(max(12, size // 8000))]
        self.programs = [f"{ID}program/challenge"] + [f"{ID}program/synthetic-{i:03d}"
                                                     for i in range(max(8, len(self.measures) // 2))]
        self.groups: list[str] = []

    def name(self) -> tuple[str, str, str]:
        place, theme, kind = (self.rng.choice(PLACES), self.rng.randrange(len(THEMES)), self.rng.choice(KINDS))
        return f"{place}{THEMES[theme]}{kind}", f"{place} {EN_THEMES[theme]} group", THEMES[theme]

    def write(self, out: Writer) -> None:
        real_quads(out)
        self.write_measures(out)
        self.write_divisions(out)
        self.write_programs(out)
        n = 0
        while out.count < self.size:
            self.write_group(out, n)
            for k in (1, 2):
                self.write_project(out, n, k)
            n += 1

    def write_measures(self, out: Writer) -> None:
        g, plan = graph("plan"), f"{ID}plan/plan-2016"
        for measure in self.measures:
            notation = measure.rsplit("/", 1)[1]
            direction = f"{plan}/direction/{notation.rsplit('-', 1)[0]}"
            theme = self.rng.randrange(len(THEMES))
            label = f"{self.rng.choice(PLACES)}の{THEMES[theme]}に取り組む（{notation}）"
            out.types(measure, g, SKOS + "Concept", KD + "Measure")
            out.labels(measure, g, label, f"Working on {EN_THEMES[theme]} ({notation})", SKOS + "prefLabel", RDFS + "label")
            out.labels(measure, g, f"{label}ための取組を、市民・団体と協働で進めます。",
                       f"Work on {EN_THEMES[theme]} together with citizens and groups.", KD + "content")
            out.add(measure, SKOS + "notation", lit(notation), g)
            out.add(measure, SKOS + "inScheme", f"<{plan}>", g)
            out.add(measure, SKOS + "broader", f"<{direction}>", g)
            out.add(direction, SKOS + "narrower", f"<{measure}>", g)
            out.add(measure, DCT + "source", f"<{ID}source/plan-2016-summary>", g)

    def write_divisions(self, out: Writer) -> None:
        g = graph("organisation")
        for i, division in enumerate(self.divisions):
            theme = i % len(THEMES)
            ja, en = f"{THEMES[theme]}推進課{i}", f"{EN_THEMES[theme].capitalize()} Promotion Division {i}"
            out.types(division, g, ORG + "OrganizationalUnit", KD + "Division")
            out.labels(division, g, ja, en, RDFS + "label", SCHEMA + "name")
            self.name_node(out, division, g, ja)
            out.add(division, ORG + "unitOf", f"<{ID}org/kanazawa-city>", g)
            out.add(division, DCT + "source", f"<{ID}source/newsletter-2025>", g)

    def write_programs(self, out: Writer) -> None:
        g = graph("projects")
        for i, program in enumerate(self.programs[1:]):
            theme = i % len(THEMES)
            out.types(program, g, KD + "Program", IC + "サービス型", SCHEMA + "GovernmentService")
            out.labels(program, g, f"{THEMES[theme]}協働事業{i}", f"{EN_THEMES[theme].capitalize()} collaboration program {i}",
                       RDFS + "label", SCHEMA + "name")
            out.labels(program, g, f"{THEMES[theme]}に取り組む団体を市が支援します。",
                       f"The city supports groups working on {EN_THEMES[theme]}.", SCHEMA + "description")
            out.add(program, KD + "operatedBy", f"<{ID}org/kanazawa-city>", g)
            out.add(program, KD + "realisesInitiative", f"<{ID}plan/plan-2016/initiative/2-4>", g)
            out.add(program, DCT + "source", f"<{ID}source/plan-2016-summary>", g)
            for measure in self.rng.sample(self.measures, 2):
                out.add(program, KD + "implementsMeasure", f"<{measure}>", g)

    def name_node(self, out: Writer, subject: str, g: str, ja: str) -> None:
        name = out.blank()
        out.add(subject, IC + "名称", name, g)
        out.types(name, g, IC + "名称型")
        out.add(name, IC + "表記", lit(ja, "ja"), g)

    def write_group(self, out: Writer, n: int) -> None:
        g, group = graph("groups"), f"{ID}group/g{n:06d}"
        ja, en, theme = self.name()
        out.types(group, g, KD + "CitizenGroup", IC + "組織型", ORG + "Organization", SCHEMA + "Organization")
        out.labels(group, g, ja, en, RDFS + "label", SCHEMA + "name")
        self.name_node(out, group, g, ja)
        out.labels(group, g, f"{theme}を通じて地域の人と人をつなぐ活動をしています。",
                   f"A group connecting people in the neighbourhood through {en}.", SCHEMA + "description")
        if self.rng.random() < 0.6:
            out.add(group, KD + "registeredWith", f"<{ID}program/group-registration>", g)
        if self.rng.random() < 0.4:
            founded = f"{self.rng.randrange(1980, 2025)}-{self.rng.randrange(1, 13):02d}"
            out.add(group, SCHEMA + "foundingDate", lit(founded, datatype=XSD + "gYearMonth"), g)
        out.add(group, DCT + "source", f"<{ID}source/newsletter-2025>", g)
        self.groups.append(group)

    def write_project(self, out: Writer, n: int, k: int) -> None:
        g, project = graph("projects"), f"{ID}project/p{n:06d}-{k}"
        year = self.rng.randrange(2004, 2026)
        ja, en, _ = self.name()
        out.types(project, g, KD + "ChallengeProject", IC + "活動型", PROV + "Activity", SCHEMA + "Project")
        out.labels(project, g, f"{ja}の{year}年度事業", f"{en} project {year}", RDFS + "label", DCT + "title", SCHEMA + "name")
        out.add(project, KD + "fiscalYear", lit(str(year), datatype=XSD + "gYear"), g)
        out.add(project, KD + "fiscalYearWareki", lit(wareki_year(year), "ja"), g)
        out.add(project, KD + "category", f"<{ID}code/category/{self.rng.choice(list(CATEGORIES)[:4])}>", g)
        out.add(project, KD + "program", f"<{self.rng.choice(self.programs)}>", g)
        out.add(project, KD + "proposer", f"<{self.rng.choice(self.groups)}>", g)
        if self.rng.random() < 0.3:
            out.add(project, KD + "partnerDivision", f"<{self.rng.choice(self.divisions)}>", g)
        if self.rng.random() < 0.5:
            out.labels(project, g, "地域の力を未来へ", "Carrying the neighbourhood's strength forward", KD + "subtitle")
        out.add(project, DCT + "source", f"<{ID}source/newsletter-2025>", g)


def real_quads(out: Writer) -> None:
    """The real data's graphs, as the builder makes them from data/."""
    from publisher.builder import build_dataset

    for s, p, o, g in build_dataset(ROOT / "data", BASE).dataset.quads():
        if g is not None and str(getattr(g, "identifier", g)).startswith(BASE):
            out.stream.write(f"{nt_term(s)} <{p}> {nt_term(o)} <{getattr(g, 'identifier', g)}> .\n")
            out.count += 1


def vocabulary_quads(out: Writer) -> None:
    """The real vocabulary and shapes graphs, as a real build has them."""
    from publisher.validation import load_turtle_folder
    from publisher.vocab import ONTOLOGY_IRI, SHAPES_IRI

    for folder, name in (("ontology", ONTOLOGY_IRI), ("shapes", SHAPES_IRI)):
        for s, p, o in load_turtle_folder(ROOT / folder):
            terms = [nt_term(t) for t in (s, o)]
            out.stream.write(f"{terms[0]} <{p}> {terms[1]} <{name}> .\n")
            out.count += 1


def nt_term(term) -> str:
    import rdflib

    if isinstance(term, rdflib.BNode):
        return f"_:v{term}"
    if isinstance(term, rdflib.Literal):
        plain = term.datatype is None or str(term.datatype) == XSD + "string"
        return lit(str(term), term.language, None if plain else str(term.datatype))
    return f"<{term}>"


# --- a release folder ------------------------------------------------------------------------------------

def write_release(size: int, folder: Path, *, seed: int = 20250401) -> dict:
    """folder/dist/releases/<version>/ (kyodo.nq, manifest.json, store/) and folder/dist/CURRENT; timings."""
    from publisher.store.embedded import create_store

    version = f"bench-{size}-{seed}"
    release = folder / "dist" / "releases" / version
    release.mkdir(parents=True, exist_ok=True)
    nquads = release / "kyodo.nq"
    started = time.perf_counter()
    with open(nquads, "w", encoding="utf-8") as stream:
        out = Writer(stream)
        vocabulary_quads(out)
        Model(size, seed).write(out)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    create_store(release / "store", nquads, version=version)
    loaded = time.perf_counter() - started
    manifest = {"version": version, "built": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                "base_iri": BASE, "quads": out.count, "graphs": {}, "generator": "bench.generate",
                "validation": {"conforms": True}}
    (release / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", "utf-8")
    (folder / "dist" / "CURRENT").write_text(version + "\n")
    return {"version": version, "release": release, "quads": out.count, "generate_s": generated,
            "store_load_s": loaded}


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    info = write_release(parse_size(argv[1]), Path(argv[2]))
    print(f"{info['quads']:,} quads in {info['release']} (generated in {info['generate_s']:.1f} s, "
          f"store loaded in {info['store_load_s']:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
