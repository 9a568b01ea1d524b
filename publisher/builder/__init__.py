"""data/*.yaml -> an rdflib Dataset with one named graph per dataset, every problem reported at file:line."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Dataset, Graph

from ..errors import InputError, Location, Problem
from ..iris import Minter
from ..vocab import ONTOLOGY_IRI, PREFIXES, SHAPES_IRI
from ..yamlsource import load_yaml_file
from .context import BuildContext
from .groups import read_groups
from .meta import read_dataset
from .organisations import read_organisations
from .plans import read_plans
from .projects import read_programs, read_projects
from .provenance import Provenance

# Read in this order: what a file refers to is declared before it where the reader needs it.
DATA_FILES = (
    ("dataset.yaml", read_dataset),
    ("organisations.yaml", read_organisations),
    ("programs.yaml", read_programs),
    ("groups.yaml", read_groups),
    ("projects.yaml", read_projects),
    ("plans.yaml", read_plans),
)
# The kinds of keyed resources each file declares.
DECLARES = {
    "dataset.yaml": {"source", "dataset"}, "organisations.yaml": {"org"},
    "programs.yaml": {"program", "category", "call", "concept"}, "groups.yaml": {"group", "event"},
    "projects.yaml": {"project"}, "plans.yaml": {"plan", "ordinance", "document", "measure", "initiative"},
}


@dataclass
class SourceData:
    dataset: Dataset
    meta: dict                        # dataset.yaml's dataset mapping
    locations: dict[str, Location]    # resource (IRI or "_:bnode") -> where in data/ it was written
    # (subject, predicate[, object]) -> where the YAML value that produced the triple was written
    provenance: Provenance = field(default_factory=Provenance)


def build_dataset(data_dir: Path, base_iri: str, ontology: Graph | None = None,
                  shapes: Graph | None = None) -> SourceData:
    """Read every data file into a dataset; raise InputError with every problem found."""
    ctx = BuildContext(Minter(base_iri))
    load_problems: list[Problem] = []
    unreadable: set[str] = set()  # kinds declared by files that could not be read: references to them are not checked
    for name, reader in DATA_FILES:
        path = Path(data_dir) / name
        if not path.exists():
            load_problems.append(Problem(Location(str(path)), "file is missing", "ファイルがありません", "missing-file"))
            unreadable |= DECLARES[name]
            continue
        try:
            doc = load_yaml_file(path, display_name=_display(path), problems=load_problems)
        except InputError as exc:
            load_problems.extend(exc.problems)
            unreadable |= DECLARES[name]
            continue
        reader(doc or {}, ctx)
    ctx.check_references(skip_kinds=unreadable)
    problems = load_problems + ctx.problems.problems
    if problems:
        raise InputError(problems)
    for prefix, namespace in PREFIXES.items():
        ctx.dataset.bind(prefix, namespace)
    if ontology is not None:
        _add_graph(ctx.dataset, ONTOLOGY_IRI, ontology)
    if shapes is not None:
        _add_graph(ctx.dataset, SHAPES_IRI, shapes)
    return SourceData(ctx.dataset, ctx.dataset_meta or {}, _locations(ctx), ctx.tracer.provenance)


def _locations(ctx: BuildContext) -> dict[str, Location]:
    """Keyed resources where they were declared; their blank nodes (names, contacts, periods) where their owner was."""
    locations = {str(ctx.extra_iris[key]): where for key, where in ctx.declared.items()}
    for subject, _p, obj in ctx.dataset.triples((None, None, None)):
        if isinstance(obj, BNode) and str(subject) in locations:
            locations.setdefault(f"_:{obj}", locations[str(subject)])
    return locations


def _add_graph(dataset: Dataset, name, graph: Graph) -> None:
    target = dataset.graph(name)
    for triple in graph:
        target.add(triple)


def _display(path: Path) -> str:
    """Paths relative to the working directory read better in messages (data/groups.yaml:41)."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)
