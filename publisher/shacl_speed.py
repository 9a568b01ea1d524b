"""Ways to make pySHACL faster without changing what it reports.

    speed_up_pyshacl()          once per process: look constraint parameters up in a set, not a list
    shapes_view(shapes)         the same shapes graph, answering pySHACL's repeated lookups from a cache
    needs_advanced(shapes)      True only when the shapes use SHACL Advanced Features (SHACL-AF)

pySHACL's `advanced=True` costs time on every shape it validates (see speed_up_pyshacl) and changes nothing for
shapes that use no SHACL-AF term, so validate_graph turns it on only for shapes that do.
"""
from __future__ import annotations

from rdflib import Graph
from rdflib.namespace import RDF, RDFS
from rdflib.paths import Path

from .vocab import SH

__all__ = ["ADVANCED_CLASSES", "ADVANCED_PREDICATES", "ParameterList", "ShapesView", "needs_advanced",
           "shapes_view", "speed_up_pyshacl"]

# What pySHACL does in advanced mode (pyshacl/validator.py, shape.py, target.py, rules/, functions/), and the
# terms of the SHACL-AF note (https://www.w3.org/TR/shacl-af/) that trigger it: custom targets, node
# expressions, rules and property value rules, and functions. SHACL-SPARQL core (sh:sparql, sh:SPARQLConstraint,
# sh:declare, sh:prefixes, SPARQL-based constraint components) works without advanced mode.
ADVANCED_PREDICATES = frozenset({
    SH.target, SH.expression, SH.rule, SH.values,
})
ADVANCED_CLASSES = frozenset({
    SH.Target, SH.TargetType, SH.SPARQLTarget, SH.SPARQLTargetType, SH.JSTarget, SH.JSTargetType,
    SH.Function, SH.SHACLFunction, SH.SPARQLFunction, SH.JSFunction,
    SH.Rule, SH.TripleRule, SH.SPARQLRule, SH.JSRule,
})


def needs_advanced(shapes: Graph) -> bool:
    """Whether the shapes use a SHACL-AF term: one of its properties, an instance of one of its classes, or a
    custom target type (a subclass of sh:Target)."""
    if any(True for p in ADVANCED_PREDICATES for _ in shapes.triples((None, p, None))):
        return True
    if any(True for cls in ADVANCED_CLASSES for _ in shapes.triples((None, RDF.type, cls))):
        return True
    return any(True for _ in shapes.triples((None, RDFS.subClassOf, SH.Target)))


class ParameterList(list):
    """pySHACL's list of constraint parameters, whose `in` is a set lookup (the same answer: rdflib terms hash and
    compare by type and text). copy() keeps the class, and every change keeps the set in step."""

    def __init__(self, items=()):
        super().__init__(items)
        self._members = frozenset(self)

    def __contains__(self, item) -> bool:
        try:
            return item in self._members
        except TypeError:  # unhashable: compare as a list does
            return list.__contains__(self, item)

    def copy(self) -> "ParameterList":
        return ParameterList(self)


def _keeping_members(name: str):
    method = getattr(list, name)

    def changed(self, *args):
        result = method(self, *args)
        self._members = frozenset(self)
        return result

    changed.__name__ = name
    return changed


for _name in ("append", "extend", "insert", "remove", "pop", "clear", "__setitem__", "__delitem__", "__iadd__"):
    setattr(ParameterList, _name, _keeping_members(_name))


def speed_up_pyshacl() -> bool:
    """Let pySHACL find each shape's constraint parameters with set lookups. Idempotent; True when applied.

    Why: pySHACL (0.40) finds them anew on every Shape.validate call, testing each predicate of the shape with
    `p in search_parameters`, a list of about 45 IRIs compared by rdflib's Python __eq__. A property shape is
    validated once per focus node, so at a million triples this runs about 1.6 million times (with advanced off,
    a quarter of the validation time went here). The list is taken from the module attribute
    `pyshacl.shape.CONSTRAINT_PARAMS`, which pySHACL fills lazily (and reads on every call); we fill it first, with
    the same parameters in the same order in a list whose `in` is a set lookup (and whose copy, made on each call in
    advanced mode, is one too). Results are unchanged: only how membership is tested.

    Applied only when pySHACL looks as expected (that attribute is read by Shape.validate, and the parameter
    list and map exist); otherwise nothing is changed and validation is as fast as pySHACL makes it.
    """
    try:
        import pyshacl.shape as shape_module
        from pyshacl.constraints import ALL_CONSTRAINT_PARAMETERS, CONSTRAINT_PARAMETERS_MAP
    except ImportError:
        return False
    current = getattr(shape_module, "CONSTRAINT_PARAMS", None)
    if current is not None and isinstance(current[0], ParameterList):
        return True
    validate = getattr(getattr(shape_module, "Shape", None), "validate", None)
    if not (_reads_hook(validate) and isinstance(ALL_CONSTRAINT_PARAMETERS, list)
            and isinstance(CONSTRAINT_PARAMETERS_MAP, dict)
            and (not current or current[0] is ALL_CONSTRAINT_PARAMETERS)):  # unset, or pySHACL's own
        return False
    shape_module.CONSTRAINT_PARAMS = (ParameterList(ALL_CONSTRAINT_PARAMETERS), CONSTRAINT_PARAMETERS_MAP)
    return True


def _reads_hook(function) -> bool:
    code = getattr(function, "__code__", None)
    return code is not None and "CONSTRAINT_PARAMS" in code.co_consts


class ShapesView(Graph):
    """The same graph as `shapes` (its store, identifier, base and namespace manager: additions go to it too),
    answering each triple pattern it was asked before from a cache, which any change through the view clears.
    For a plain Graph only (see shapes_view): a Dataset's triples() means something else.

    Why: pySHACL reads a shape's parameters from the shapes graph anew each time it validates the shape (for a
    property shape: once per focus node), and rdflib's context-aware Memory store makes each lookup cost several
    Python calls per triple. The shapes graph does not change while it is validated against, so the answers can
    be kept: at 100k triples this takes a third off the validation time. Give pySHACL a view only for the time of
    one validation; changes made to the graph some other way than through the view are not seen by it.
    """

    def __init__(self, shapes: Graph):
        super().__init__(store=shapes.store, identifier=shapes.identifier,
                         namespace_manager=shapes.namespace_manager, base=shapes.base)
        self._answers: dict = {}

    def triples(self, triple):
        try:
            answer = self._answers.get(triple)
        except TypeError:  # an unhashable pattern
            return super().triples(triple)
        if answer is None:
            if isinstance(triple[1], Path):  # evaluated, not looked up
                return super().triples(triple)
            answer = self._answers[triple] = tuple(super().triples(triple))
        return iter(answer)

    def add(self, triple):
        self._answers.clear()
        return super().add(triple)

    def addN(self, quads):  # noqa: N802 (rdflib's name)
        self._answers.clear()
        return super().addN(quads)

    def remove(self, triple):
        self._answers.clear()
        return super().remove(triple)


def shapes_view(shapes: Graph) -> Graph:
    """A ShapesView of a plain Graph; any other graph (a Dataset, a subclass) as it is."""
    return ShapesView(shapes) if type(shapes) is Graph else shapes  # noqa: E721 (exactly Graph)
