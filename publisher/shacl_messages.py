"""Messages for SHACL results whose shape has no sh:message: generated from the constraint, in ja and en.

Each message says which value is wrong, what was expected, and what to do about it. The shapes' own
sh:message always wins; these fill in what the shapes leave out (a component without a message, or a message
in one language only).
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal
from rdflib.collection import Collection
from rdflib.namespace import RDF, XSD
from rdflib.term import Node

from .vocab import SH

# constraint component (local name without "ConstraintComponent") -> its main parameter
PARAMETERS = {
    "MinCount": SH.minCount, "MaxCount": SH.maxCount, "Datatype": SH.datatype, "Class": SH["class"],
    "NodeKind": SH.nodeKind, "Pattern": SH.pattern, "LanguageIn": SH.languageIn, "UniqueLang": SH.uniqueLang,
    "MinLength": SH.minLength, "MaxLength": SH.maxLength, "MinInclusive": SH.minInclusive,
    "MaxInclusive": SH.maxInclusive, "MinExclusive": SH.minExclusive, "MaxExclusive": SH.maxExclusive,
    "In": SH["in"], "HasValue": SH.hasValue, "Node": SH.node, "Property": SH.property, "Closed": SH.closed,
    "Equals": SH.equals, "Disjoint": SH.disjoint, "LessThan": SH.lessThan, "LessThanOrEquals": SH.lessThanOrEquals,
    "QualifiedMinCount": SH.qualifiedMinCount, "QualifiedMaxCount": SH.qualifiedMaxCount,
    "Or": SH["or"], "And": SH["and"], "Xone": SH.xone, "Not": SH["not"], "SPARQL": SH.sparql,
}

# {path} the property, {value} the value at fault, {param} the constraint's parameter, {example} a sample value
TEMPLATES = {
    "MinCount": ("{path} is missing: give at least {param} value(s)",
                 "{path} がありません。{param} 個以上の値を書いてください"),
    "MaxCount": ("{path} has too many values: keep at most {param}",
                 "{path} の値が多すぎます。{param} 個以下にしてください"),
    "Datatype": ("{value} is not a valid {param}: write a value of type {param}{example}",
                 "{value} は {param} の値として正しくありません。{param} の形で書いてください{example}"),
    "Class": ("{value} is not of the class {param}: refer to a resource of that class",
              "{value} は {param} ではありません。{param} を指定してください"),
    "NodeKind": ("{value} must be {param}", "{value} は{param}にしてください"),
    "Pattern": ("{value} does not have the expected form (pattern {param}): correct the value",
                "{value} は決められた形（パターン {param}）に合っていません。値を直してください"),
    "LanguageIn": ("{value} has the language tag {lang}, which is not allowed: use one of {param}",
                   "{value} の言語タグ {lang} は使えません。{param} のいずれかにしてください"),
    "UniqueLang": ("{path} has more than one value in the same language: keep one per language",
                   "{path} に同じ言語の値が複数あります。言語ごとに1つにしてください"),
    "MinLength": ("{value} is too short: write at least {param} characters",
                  "{value} は短すぎます。{param} 文字以上にしてください"),
    "MaxLength": ("{value} is too long: write at most {param} characters",
                  "{value} は長すぎます。{param} 文字以下にしてください"),
    "MinInclusive": ("{value} is too small: it must be {param} or more", "{value} は小さすぎます。{param} 以上にしてください"),
    "MaxInclusive": ("{value} is too large: it must be {param} or less", "{value} は大きすぎます。{param} 以下にしてください"),
    "MinExclusive": ("{value} is too small: it must be more than {param}",
                     "{value} は小さすぎます。{param} より大きくしてください"),
    "MaxExclusive": ("{value} is too large: it must be less than {param}",
                     "{value} は大きすぎます。{param} より小さくしてください"),
    "In": ("{value} is not one of the allowed values: use one of {param}",
           "{value} は使えない値です。{param} のいずれかにしてください"),
    "HasValue": ("{path} must include {param}: add it", "{path} には {param} が必要です。追加してください"),
    "Node": ("{value} does not conform to the shape {param}: see the results for that shape",
             "{value} は形状 {param} に適合していません。その形状の結果を確認してください"),
    "Closed": ("{path} is not allowed here: remove it or correct its name",
               "{path} はここでは使えません。削除するか、名前を直してください"),
    "Equals": ("{path} must have the same values as {param}", "{path} の値は {param} の値と同じにしてください"),
    "Disjoint": ("{path} must not share a value with {param}", "{path} の値は {param} の値と重ならないようにしてください"),
    "LessThan": ("{value} must be less than the value of {param}", "{value} は {param} の値より小さくしてください"),
    "LessThanOrEquals": ("{value} must not be greater than the value of {param}",
                         "{value} は {param} の値以下にしてください"),
    "QualifiedMinCount": ("{path} has too few values that conform to the shape: at least {param} needed",
                          "{path} に形状に合う値が足りません。{param} 個以上必要です"),
    "QualifiedMaxCount": ("{path} has too many values that conform to the shape: at most {param} allowed",
                          "{path} に形状に合う値が多すぎます。{param} 個以下にしてください"),
    "Or": ("{value} satisfies none of the alternatives: make it fit one of them",
           "{value} はどの選択肢にも合っていません。いずれかに合わせてください"),
    "And": ("{value} does not satisfy all the required shapes", "{value} は必要な形状のすべてには合っていません"),
    "Xone": ("{value} must satisfy exactly one of the alternatives", "{value} は選択肢のちょうど1つに合うようにしてください"),
    "Not": ("{value} must not conform to the shape {param}", "{value} は形状 {param} に合ってはいけません"),
}
GENERIC = ("the constraint {constraint} is not satisfied{detail}", "制約 {constraint} を満たしていません{detail}")

NODE_KINDS = {
    SH.IRI: ("an IRI", "IRI"), SH.Literal: ("a literal", "リテラル"), SH.BlankNode: ("a blank node", "空白ノード"),
    SH.BlankNodeOrIRI: ("an IRI or a blank node", "IRI か空白ノード"),
    SH.BlankNodeOrLiteral: ("a blank node or a literal", "空白ノードかリテラル"),
    SH.IRIOrLiteral: ("an IRI or a literal", "IRI かリテラル"),
}
EXAMPLES = {
    XSD.date: "2025-06-05", XSD.gYear: "2025", XSD.gYearMonth: "2025-06", XSD.dateTime: "2025-06-05T10:00:00",
    XSD.integer: "12", XSD.nonNegativeInteger: "0, 1, 2 …", XSD.positiveInteger: "1, 2, 3 …",
    XSD.decimal: "1.5", XSD.boolean: "true", XSD.anyURI: "https://…",
}


def component_name(component: Node | None) -> str:
    """'MinCount' for sh:MinCountConstraintComponent; '' when unknown."""
    text = str(component or "")
    return text.removeprefix(str(SH)).removesuffix("ConstraintComponent") if text.startswith(str(SH)) else ""


def parameter(graph: Graph, shape: Node | None, component: Node | None) -> Node | None:
    predicate = PARAMETERS.get(component_name(component))
    return graph.value(shape, predicate) if predicate is not None and shape is not None else None


def expected(graph: Graph, shape, component, compact) -> str | None:
    """What the constraint asks for, as written in the shape: 'sh:minCount 1', 'sh:datatype xsd:gYear'."""
    name = component_name(component)
    value = parameter(graph, shape, component)
    if value is None or name not in PARAMETERS or _is_nested_shape(graph, value):
        return None
    return f"sh:{PARAMETERS[name].removeprefix(str(SH))} {parameter_text(graph, value, compact)}"


def _is_nested_shape(graph: Graph, value: Node) -> bool:
    """A blank-node shape (sh:not [ … ]) says nothing when printed as [ ]."""
    return isinstance(value, BNode) and graph.value(value, RDF.first) is None


def parameter_text(graph: Graph, value: Node, compact) -> str:
    if graph.value(value, RDF.first) is not None:
        return ", ".join(parameter_text(graph, item, compact) for item in Collection(graph, value))
    if isinstance(value, Literal) and value.datatype != XSD.string and value.language is None and \
            not isinstance(value.toPython(), str):
        return str(value)
    return compact(value)


def generated(graph: Graph, shape, component, path_text: str | None, value: Node | None, compact,
              fallback: str | None = None) -> dict[str, str]:
    """{'en': …, 'ja': …} for a result, from the constraint component and its parameter in the shape."""
    name = component_name(component)
    param = parameter(graph, shape, component)
    example = EXAMPLES.get(param) if name == "Datatype" else None
    messages = {}
    for index, lang in enumerate(("en", "ja")):
        template = TEMPLATES.get(name, GENERIC)[index]
        messages[lang] = template.format(
            path=path_text or ("(the focus node)", "（対象ノード）")[index],
            value=compact(value) if value is not None else ("(the value)", "（値）")[index],
            param=_param_text(name, graph, param, compact, index), lang=_lang_of(value, index),
            constraint=compact(component) if component is not None else "?",
            example=(f" (for example {example})", f"（例: {example}）")[index] if example else "",
            detail=f": {fallback}" if fallback else "")
    return messages


def _param_text(name: str, graph: Graph, param: Node | None, compact, index: int) -> str:
    if param is None:
        return "?"
    if name == "NodeKind":
        return NODE_KINDS.get(param, (compact(param), compact(param)))[index]
    return parameter_text(graph, param, compact)


def _lang_of(value: Node | None, index: int) -> str:
    if isinstance(value, Literal) and value.language:
        return f"@{value.language}"
    return ("(none)", "（なし）")[index]
