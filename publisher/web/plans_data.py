"""A plan's tree and what carries out each of its measures, read from the store.

Tree: vision -> basic policies -> policy directions -> measures (skos:broader, skos:notation), and the
体系図's initiatives under each basic policy.

Activity links, all in the data already (programs.yaml `measures:` / `initiatives:`, groups.yaml
`registered_with`, projects.yaml and events `program`):

    program --kd:implementsMeasure--> measure        program --kd:realisesInitiative--> initiative
    project --kd:program--> program                  group --kd:registeredWith--> program
    activity (event) --kd:program--> program         call for proposals --kd:program--> program

Why a program is linked to a measure is written as a YAML comment, which is not published. What the page
shows instead is the evidence the published data itself gives, checked here on folded text
(publisher.textsearch.fold): the measure's title names the program ("named"), the program's description
is the measure's own wording ("wording"), the two share a distinctive phrase ("shared"), or none of
these, so the link rests on the editors' reading of the sources ("stated").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..textsearch import fold, fold_with_positions
from .browse_model import PREFIXES, Ref, facts, key_of, texts
from .data import labels, select

PART_CLASSES = {"Vision": "vision", "BasicPolicy": "policy", "PolicyDirection": "direction", "Measure": "measure",
                "Initiative": "initiative"}
DOER_CLASSES = {"ChallengeProject": "project", "CitizenGroup": "group", "Activity": "event",
                "CallForProposals": "call"}
LINKS = {"implementsMeasure": "measures", "realisesInitiative": "initiatives"}
SHARED_MIN = 4       # folded characters two names must share to count as a shared phrase


@dataclass
class Part:
    iri: str
    kind: str                     # vision, policy, direction, measure, initiative
    notation: str
    label: dict
    content: dict = field(default_factory=dict)
    broader: str | None = None
    children: list["Part"] = field(default_factory=list)
    initiatives: list["Part"] = field(default_factory=list)
    sources: tuple[str, ...] = ()

    @property
    def anchor(self) -> str:
        return f"{self.kind}-{self.notation}" if self.notation else self.kind


@dataclass(frozen=True)
class Reason:
    kind: str                     # named, wording, shared, stated
    ja: str
    en: str


@dataclass
class ProgramLink:
    program: Ref
    reason: Reason
    field: str                    # the programs.yaml field the link is written in (measures, initiatives)
    doers: dict[str, list[Ref]] = field(default_factory=dict)   # project/group/event/call -> refs
    sources: tuple[str, ...] = ()
    note: dict = field(default_factory=dict)   # the editors' published reason (skos:editorialNote), by language


@dataclass
class Activity:
    links: list[ProgramLink] = field(default_factory=list)

    @property
    def status(self) -> str:
        """active: programs with projects, groups or activities; program: programs only; none: nothing."""
        if any(any(link.doers.values()) for link in self.links):
            return "active"
        return "program" if self.links else "none"

    def count(self, kind: str) -> int:
        return len({ref.iri for link in self.links for ref in link.doers.get(kind, [])})


def notation_key(notation: str) -> tuple:
    return tuple(int(p) if p.isdigit() else 0 for p in (notation or "0").split("-"))


# --- the tree ----------------------------------------------------------------------------------

def plan_parts(plan_iri: str) -> dict[str, Part]:
    classes = " ".join(f"kd:{c}" for c in PART_CLASSES)
    rows = select(PREFIXES + f"""SELECT ?s ?t ?n ?b WHERE {{ VALUES ?t {{ {classes} }} ?s skos:inScheme <{plan_iri}> ;
        a ?t . OPTIONAL {{ ?s skos:notation ?n }} OPTIONAL {{ ?s skos:broader ?b }} }}""")
    found = facts(f"?s skos:inScheme <{plan_iri}> .", ["skos:prefLabel", "kd:content", "dcterms:source"])
    parts: dict[str, Part] = {}
    for row in rows:
        iri = str(row["s"])
        f = found.get(iri, {})
        parts[iri] = Part(iri, PART_CLASSES[str(row["t"]).rsplit("#", 1)[1]], str(row.get("n") or ""),
                          texts(f.get("skos:prefLabel")), texts(f.get("kd:content")),
                          str(row["b"]) if row.get("b") else None,
                          sources=tuple(sorted(str(s) for s in f.get("dcterms:source", []))))
    return parts


def plan_tree(plan_iri: str) -> Part | None:
    """The vision with everything under it in notation order; None for a plan without a hierarchy."""
    parts = plan_parts(plan_iri)
    for part in sorted(parts.values(), key=lambda p: notation_key(p.notation)):
        parent = parts.get(part.broader or "")
        if parent is not None:
            (parent.initiatives if part.kind == "initiative" else parent.children).append(part)
    return next((p for p in parts.values() if p.kind == "vision"), None)


def measures_of(tree: Part | None) -> list[Part]:
    """Every measure of the tree, in notation order."""
    if tree is None:
        return []
    return [m for policy in tree.children for direction in policy.children for m in direction.children]


def initiatives_of(tree: Part | None) -> list[Part]:
    return [i for policy in (tree.children if tree else []) for i in policy.initiatives]


# --- what carries the measures out -------------------------------------------------------------

def activities(plan_iri: str) -> dict[str, Activity]:
    """{measure or initiative IRI: Activity} for every part of the plan a program is linked to."""
    programs = facts("?s a kd:Program .", ["rdfs:label", "schema:alternateName", "schema:description",
                                          "dcterms:source"])
    parts = plan_parts(plan_iri)
    doers = program_doers()
    rows = select(PREFIXES + f"""SELECT ?program ?p ?target WHERE {{ VALUES ?p {{ kd:implementsMeasure
        kd:realisesInitiative }} ?program ?p ?target . ?target skos:inScheme <{plan_iri}> }}""")
    notes = editorial_notes()
    found: dict[str, Activity] = {}
    for row in rows:
        program, target = str(row["program"]), str(row["target"])
        f = programs.get(program, {})
        ref = Ref(program, texts(f.get("rdfs:label")), key_of(program))
        part = parts.get(target)
        link = ProgramLink(ref, link_reason(f, part), LINKS[str(row["p"]).rsplit("#", 1)[1]],
                           doers.get(program, {}), tuple(sorted(str(s) for s in f.get("dcterms:source", []))),
                           notes.get((program, target), {}))
        found.setdefault(target, Activity()).links.append(link)
    for activity in found.values():
        activity.links.sort(key=lambda link: link.program.key)
    return found


def editorial_notes() -> dict[tuple[str, str], dict]:
    """{(program, measure or initiative): {lang: reason}}: the reasons the data editors published for links."""
    rows = select(PREFIXES + """SELECT ?program ?target ?note WHERE {
        ?program kd:measureLink ?link . ?link kd:linkTarget ?target ; skos:editorialNote ?note }""")
    found: dict[tuple[str, str], dict] = {}
    for row in rows:
        lang = "ja" if (row["note"].language or "").startswith("ja") else "en"
        found.setdefault((str(row["program"]), str(row["target"])), {})[lang] = str(row["note"])
    return found


def program_doers() -> dict[str, dict[str, list[Ref]]]:
    """{program IRI: {project|group|event|call: [refs]}}: what carries each program out."""
    classes = " ".join(f"kd:{c}" for c in DOER_CLASSES)
    rows = select(PREFIXES + f"""SELECT DISTINCT ?d ?program ?t WHERE {{ ?program a kd:Program .
        VALUES ?via {{ kd:program kd:registeredWith }} ?d ?via ?program . VALUES ?t {{ {classes} }} ?d a ?t }}""")
    names = labels([str(r["d"]) for r in rows])
    found: dict[str, dict[str, list[Ref]]] = {}
    for row in rows:
        doer = str(row["d"])
        kind = DOER_CLASSES[str(row["t"]).rsplit("#", 1)[1]]
        found.setdefault(str(row["program"]), {}).setdefault(kind, []).append(Ref(doer, names.get(doer, {}),
                                                                                  key_of(doer)))
    for by_kind in found.values():
        for refs in by_kind.values():
            refs.sort(key=lambda r: (fold(r.label.get("ja", r.key)), r.key))
    return found


# --- why a program is linked to a measure -------------------------------------------------------

def link_reason(program: dict, part: Part | None) -> Reason:
    """The evidence the published text gives for a program -> measure (or initiative) link."""
    what_ja, what_en = ("施策", "measure") if part is None or part.kind == "measure" else ("主な施策", "initiative")
    title = (part.label.get("ja", "") if part else "")
    names = [str(n) for n in [*(program.get("rdfs:label") or []), *(program.get("schema:alternateName") or [])]
             if (getattr(n, "language", "") or "ja").startswith("ja")]
    named = next((n for n in names if fold(n) and fold(n) in fold(title)), None)
    if named:
        return Reason("named", f"{what_ja}の名称「{title}」に事業・制度の名称「{named}」が含まれる（{what_ja}はこの事業・制度を名指ししている）",
                      f"the {what_en} is named after the program: its title “{title}” contains the name “{named}”")
    description = texts(program.get("schema:description")).get("ja", "")
    content = part.content.get("ja", "") if part else ""
    if description and content and fold(description) in fold(content):
        return Reason("wording", f"事業・制度の説明が{what_ja}の内容の文言と一致する",
                      f"the program's description is the {what_en}'s own wording")
    shared = max((shared_phrase(n, title) for n in names), key=len, default="")
    if len(fold(shared)) >= SHARED_MIN:
        return Reason("shared", f"{what_ja}の名称「{title}」と事業・制度の名称に共通の語「{shared}」がある",
                      f"the {what_en}'s title “{title}” and the program's name share “{shared}”")
    return Reason("stated", "出典の読み取りにもとづきデータで結び付けられている（出典を参照）",
                  "linked in the data by the editors' reading of the sources (see the sources)")


def shared_phrase(name: str, title: str) -> str:
    """The longest run of folded characters the two share, as it is written in `title`."""
    a, (b, positions) = fold(name), fold_with_positions(title)
    best_end, best_len = 0, 0
    previous = [0] * (len(b) + 1)
    for i in range(1, len(a) + 1):
        current = [0] * (len(b) + 1)
        for j in range(1, len(b) + 1):
            if a[i - 1] == b[j - 1]:
                current[j] = previous[j - 1] + 1
                if current[j] > best_len:
                    best_len, best_end = current[j], j
        previous = current
    if best_len == 0:
        return ""
    start, end = positions[best_end - best_len], positions[best_end - 1] + 1
    return title[start:end]
