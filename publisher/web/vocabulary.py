"""What terms are called on linked-data pages, and the vocabulary and shapes documents as page models.

Our own terms (kd:) take their labels from the ontology graph in the store; the standard terms the
data uses have a small built-in table of Japanese and English labels; anything else shows as a
prefixed name. `ontology_page` and `shapes_page` turn the ontology and shapes graphs into plain
dicts that vocabulary.html renders (every term in both languages, with an anchor per term).
"""
from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ..vocab import IC, KD_NS, ONTOLOGY_IRI, PREFIXES, SH, SH_NS, SHAPES_IRI
from .context import lang
from .i18n import pick

_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))

# Labels of standard terms, by prefixed name: (ja, en).
STANDARD = {
    "rdf:type": ("種類", "type"), "rdfs:label": ("ラベル", "label"), "rdfs:comment": ("説明", "comment"),
    "rdfs:seeAlso": ("関連情報", "see also"), "rdfs:subClassOf": ("上位クラス", "subclass of"),
    "rdfs:subPropertyOf": ("上位プロパティ", "subproperty of"), "rdfs:domain": ("定義域", "domain"),
    "rdfs:range": ("値域", "range"), "rdfs:isDefinedBy": ("定義元", "defined by"),
    "schema:name": ("名称", "name"), "schema:alternateName": ("別名", "alternate name"),
    "schema:description": ("説明", "description"), "schema:position": ("順番", "position"),
    "schema:startDate": ("開始日", "start date"), "schema:foundingDate": ("設立日", "founding date"),
    "schema:sameAs": ("同じもの", "same as"), "schema:organizer": ("主催", "organizer"),
    "schema:location": ("場所", "location"), "schema:areaServed": ("対象地域", "area served"),
    "schema:url": ("URL", "URL"),
    "dcterms:title": ("タイトル", "title"), "dcterms:description": ("説明", "description"),
    "dcterms:source": ("出典", "source"), "dcterms:license": ("ライセンス", "licence"),
    "dcterms:publisher": ("発行者", "publisher"), "dcterms:creator": ("作成者", "creator"),
    "dcterms:issued": ("発行日", "issued"), "dcterms:modified": ("更新日", "modified"),
    "dcterms:date": ("日付", "date"), "dcterms:isPartOf": ("含まれる全体", "is part of"),
    "dcterms:hasPart": ("構成要素", "has part"), "dcterms:replaces": ("前の版", "replaces"),
    "dcterms:isReplacedBy": ("後継", "is replaced by"), "dcterms:temporal": ("期間", "period"),
    "dcterms:spatial": ("対象地域", "spatial coverage"),
    "dcterms:accrualPeriodicity": ("更新頻度", "update frequency"),
    "skos:prefLabel": ("見出し", "preferred label"), "skos:altLabel": ("別の見出し", "alternative label"),
    "skos:notation": ("番号", "notation"), "skos:broader": ("上位の項目", "broader"),
    "skos:narrower": ("下位の項目", "narrower"), "skos:inScheme": ("属する体系", "in scheme"),
    "skos:hasTopConcept": ("最上位の項目", "top concept"), "skos:topConceptOf": ("最上位とする体系", "top concept of"),
    "skos:definition": ("定義", "definition"), "skos:note": ("注記", "note"),
    "org:unitOf": ("上部組織", "unit of"), "org:hasUnit": ("下部組織", "has unit"),
    "org:subOrganizationOf": ("上位の組織", "sub-organization of"),
    "dcat:keyword": ("キーワード", "keyword"), "dcat:contactPoint": ("問い合わせ先", "contact point"),
    "dcat:startDate": ("開始日", "start date"), "dcat:endDate": ("終了日", "end date"),
    "void:subset": ("部分データセット", "subset"), "foaf:primaryTopic": ("主題", "primary topic"),
    "owl:sameAs": ("同じもの", "same as"), "owl:versionInfo": ("版", "version"),
    "vann:preferredNamespacePrefix": ("推奨接頭辞", "preferred prefix"),
    "ic:名称": ("名称", "name"), "ic:表記": ("表記", "written form"), "ic:カナ表記": ("カナ表記", "kana"),
    "ic:連絡先": ("連絡先", "contact"), "ic:電話番号": ("電話番号", "phone"), "ic:FAX番号": ("FAX番号", "fax"),
    "ic:Eメールアドレス": ("Eメールアドレス", "email"), "ic:Webサイト": ("Webサイト", "website"),
    "ic:住所": ("住所", "address"), "ic:郵便番号": ("郵便番号", "postal code"), "ic:都道府県": ("都道府県", "prefecture"),
    "ic:市区町村": ("市区町村", "municipality"), "ic:市区町村コード": ("市区町村コード", "municipality code"),
    "ic:ID": ("ID", "ID"), "ic:体系": ("体系", "scheme"), "ic:識別値": ("識別値", "identifier"),
    # classes
    "ic:名称型": ("名称", "Name"), "ic:連絡先型": ("連絡先", "Contact"), "ic:住所型": ("住所", "Address"),
    "ic:ID型": ("ID", "ID"), "ic:組織型": ("組織", "Organization (IMI)"), "ic:活動型": ("活動", "Activity (IMI)"),
    "ic:サービス型": ("サービス", "Service (IMI)"), "ic:イベント型": ("イベント", "Event (IMI)"),
    "ic:文書型": ("文書", "Document (IMI)"), "ic:期間型": ("期間", "Period"), "ic:日付型": ("日付", "Date"),
    "org:Organization": ("組織", "Organization"), "org:OrganizationalUnit": ("組織単位", "Organizational unit"),
    "schema:Organization": ("組織", "Organization"), "schema:Project": ("プロジェクト", "Project"),
    "schema:GovernmentService": ("行政サービス", "Government service"), "schema:Event": ("イベント", "Event"),
    "schema:CreativeWork": ("著作物", "Creative work"), "schema:Place": ("場所", "Place"),
    "schema:Legislation": ("法令", "Legislation"), "schema:GovernmentOrganization": ("行政機関", "Government organization"),
    "schema:EducationalOrganization": ("教育機関", "Educational organization"),
    "schema:CivicStructure": ("公共施設", "Civic structure"), "skos:Concept": ("概念", "Concept"),
    "skos:ConceptScheme": ("概念体系", "Concept scheme"), "prov:Activity": ("活動", "Activity"),
    "prov:Plan": ("計画", "Plan"), "prov:Entity": ("実体", "Entity"), "foaf:Document": ("文書", "Document"),
    "dcat:Dataset": ("データセット", "Dataset"), "void:Dataset": ("データセット", "Dataset"),
    "dcterms:PeriodOfTime": ("期間", "Period of time"), "owl:Class": ("クラス", "Class"),
    "owl:ObjectProperty": ("オブジェクトプロパティ", "Object property"),
    "owl:DatatypeProperty": ("データ型プロパティ", "Datatype property"),
    # SHACL
    "sh:minCount": ("最小の数", "min count"), "sh:maxCount": ("最大の数", "max count"),
    "sh:datatype": ("データ型", "datatype"), "sh:class": ("クラス", "class"), "sh:nodeKind": ("ノードの種類", "node kind"),
    "sh:pattern": ("パターン", "pattern"), "sh:flags": ("パターンのフラグ", "pattern flags"),
    "sh:in": ("値の候補", "one of"), "sh:hasValue": ("必要な値", "has value"),
    "sh:minInclusive": ("最小値", "min inclusive"), "sh:maxInclusive": ("最大値", "max inclusive"),
    "sh:minExclusive": ("下限（含まない）", "min exclusive"), "sh:maxExclusive": ("上限（含まない）", "max exclusive"),
    "sh:minLength": ("最小の長さ", "min length"), "sh:maxLength": ("最大の長さ", "max length"),
    "sh:languageIn": ("言語", "languages"), "sh:uniqueLang": ("言語ごとに一つ", "unique language"),
    "sh:node": ("形状", "node shape"), "sh:or": ("いずれか", "or"), "sh:and": ("すべて", "and"),
    "sh:not": ("否定", "not"), "sh:xone": ("どれか一つだけ", "exactly one"), "sh:closed": ("閉じた形状", "closed"),
    "sh:ignoredProperties": ("無視するプロパティ", "ignored properties"), "sh:equals": ("等しい", "equals"),
    "sh:disjoint": ("重ならない", "disjoint"), "sh:lessThan": ("より小さい", "less than"),
    "sh:qualifiedValueShape": ("条件付きの形状", "qualified value shape"),
    "sh:qualifiedMinCount": ("条件付き最小の数", "qualified min count"),
    "sh:qualifiedMaxCount": ("条件付き最大の数", "qualified max count"), "sh:sparql": ("SPARQL制約", "SPARQL constraint"),
    "sh:deactivated": ("無効", "deactivated"), "sh:targetClass": ("対象クラス", "target class"),
    "sh:targetNode": ("対象ノード", "target node"), "sh:targetSubjectsOf": ("主語として対象", "subjects of"),
    "sh:targetObjectsOf": ("目的語として対象", "objects of"),
    "sh:Violation": ("違反", "Violation"), "sh:Warning": ("警告", "Warning"), "sh:Info": ("情報", "Info"),
}

# Headings of incoming links, by the linking property: what the page's resource has pointing at it.
INCOMING = {
    "kd:proposer": ("提案した事業", "Projects proposed"),
    "kd:partnerDivision": ("協働した事業", "Partner projects"),
    "kd:implementsMeasure": ("この施策を実施する事業・制度", "Programs implementing this measure"),
    "kd:realisesInitiative": ("この施策を実現する事業・制度", "Programs realising this initiative"),
    "kd:program": ("この事業の採択事業・募集・催し", "Projects, calls and events of this program"),
    "kd:category": ("この部門の採択事業", "Projects in this category"),
    "kd:registeredWith": ("登録している団体", "Registered groups"),
    "kd:operatedBy": ("運営している事業・施設", "Programs and facilities it operates"),
    "kd:partner": ("連携している事業・制度", "Programs it partners in"),
    "kd:editor": ("編集した計画", "Plans it edited"), "kd:hostedBy": ("置かれている事務局", "Secretariats it hosts"),
    "kd:legalBasis": ("これを根拠とする計画", "Plans based on this"), "kd:reflects": ("これを反映した計画", "Plans reflecting this"),
    "kd:legalForm": ("この法人格の団体", "Groups of this legal form"),
    "skos:broader": ("下位の項目", "Narrower items"), "skos:narrower": ("上位の項目", "Broader items"),
    "skos:inScheme": ("この体系の項目", "Items in this scheme"), "skos:topConceptOf": ("最上位の項目", "Top concepts"),
    "skos:hasTopConcept": ("これを最上位とする体系", "Schemes with this as top concept"),
    "org:unitOf": ("下部組織", "Units"), "org:hasUnit": ("上部組織", "Part of"),
    "org:subOrganizationOf": ("下位の組織", "Sub-organizations"),
    "dcterms:source": ("この文書を出典とするデータ", "Data sourced from this document"),
    "dcterms:publisher": ("発行したもの", "Published by this"), "dcterms:replaces": ("後継", "Replaced by"),
    "dcterms:isReplacedBy": ("前の版", "Replaces"), "dcterms:isPartOf": ("構成要素", "Parts"),
    "dcterms:hasPart": ("含まれる全体", "Part of"), "void:subset": ("上位のデータセット", "Part of the dataset"),
    "dcat:contactPoint": ("問い合わせ先としているもの", "Contact point of"),
    "schema:organizer": ("主催した催し", "Events organized"),
}


# The words of the linked-data pages themselves.
WORDS = {
    "iri": ("IRI", "IRI"), "types": ("種類", "Types"), "properties": ("データ", "Data"),
    "incoming": ("ここへのリンク", "Links to this resource"), "others": ("その他", "others"), "sources": ("出典", "Sources"),
    "graphs": ("収録しているデータセット（名前付きグラフ）", "Datasets (named graphs) holding this"),
    "translated": ("英訳（当サイトによる翻訳）", "our translation"),
    "truncated": ("データが多いため一部だけを表示しています。", "Only part of the data is shown: there is too much."),
    "graph": ("名前付きグラフ", "Named graph"), "triples": ("トリプル数", "Triples"),
    "resources": ("このグラフのリソース", "Resources in this graph"),
    "download": ("ダウンロード", "Download"), "about": ("このデータセットについて", "About this dataset"),
    "vocabulary": ("語彙（オントロジー）", "Vocabulary (ontology)"), "shapes": ("SHACL形状", "SHACL shapes"),
    "shapes_intro": ("公開するデータが満たす条件です。ビルドの検証に使います。",
                     "The conditions the published data meets; the build validates against them."),
    "contents": ("目次", "Contents"), "targets": ("対象", "Targets"), "constraints": ("制約", "Constraints"),
    "property_shapes": ("プロパティごとの制約", "Property constraints"), "path": ("パス", "Path"),
    "messages": ("メッセージ", "Messages"), "severity": ("重大度", "Severity"), "no_shapes": ("形状はありません。", "No shapes."),
}


def in_lang(pair: tuple[str, str]) -> str:
    return pair[0] if lang() == "ja" else pair[1]


def say(key: str) -> str:
    """A word of the linked-data pages in the page's language."""
    return in_lang(WORDS[key])


def curie(iri: str) -> str:
    """A prefixed name (kd:proposer) for an IRI in a known namespace, else the IRI."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and len(iri) > len(namespace):
            return f"{prefix}:{iri[len(namespace):]}"
    return iri


def local_name(iri: str) -> str:
    return iri.rsplit("#", 1)[-1] if "#" in iri else iri.rstrip("/").rsplit("/", 1)[-1]


def term_label(iri: str, found: dict) -> str:
    """A term's label in the page's language: ours from the store, standard ones from the table."""
    if found.get(iri):
        return pick(found[iri])
    pair = STANDARD.get(curie(iri))
    if pair:
        return in_lang(pair)
    return local_name(iri) if iri.startswith(str(IC)) else curie(iri)


def incoming_heading(iri: str, property_label: str) -> str:
    pair = INCOMING.get(curie(iri))
    if pair:
        return in_lang(pair)
    if lang() == "ja":
        return f"「{property_label}」としてここを参照しているもの"
    return f"Linking here as “{property_label}”"


def vocab_href(iri: str) -> str | None:
    """The local page of one of our vocabulary or shapes terms (/def#Term), else None."""
    for namespace, page in ((KD_NS, "/def"), (SH_NS, "/shapes")):
        if iri.startswith(namespace):
            return f"{page}#{iri[len(namespace):]}"
    return {str(ONTOLOGY_IRI): "/def", str(SHAPES_IRI): "/shapes"}.get(iri)


def is_web_link(iri: str) -> bool:
    """Only http(s) IRIs become links; javascript:, data: and the like never do."""
    return iri.lower().startswith(("http://", "https://"))


# --- page models ------------------------------------------------------------------------------

def texts(graph: Graph, subject, *predicates) -> list[dict]:
    """Literal values as [{lang, text}], the page's language first."""
    found = [o for p in predicates for o in graph.objects(subject, p) if isinstance(o, Literal)]
    items = [{"lang": o.language or "", "text": str(o)} for o in found]
    return sorted(items, key=lambda i: (not i["lang"].startswith(lang()), i["lang"], i["text"]))


def ref(graph: Graph, term) -> dict:
    """A term as {text, href, title, items}: our terms link to their anchor, unions list members."""
    if isinstance(term, Literal):
        return {"text": str(term), "href": None, "title": "", "items": []}
    if isinstance(term, BNode):
        return _node_ref(graph, term)
    iri = str(term)
    href = vocab_href(iri) or (iri if is_web_link(iri) else None)
    return {"text": curie(iri), "href": href, "title": iri, "items": []}


def _node_ref(graph: Graph, node: BNode) -> dict:
    for head, joiner in ((OWL.unionOf, "∪"), (OWL.intersectionOf, "∩")):
        members = graph.value(node, head)
        if members is not None:
            return {"text": joiner, "href": None, "title": "", "items": [ref(graph, m) for m in graph.items(members)]}
    if graph.value(node, RDF.first) is not None:
        return {"text": ",", "href": None, "title": "", "items": [ref(graph, m) for m in graph.items(node)]}
    if graph.value(node, SH.select) is not None:
        return {"text": str(graph.value(node, SH.select)), "href": None, "title": "", "items": [], "code": True}
    parts = [f"{curie(str(p))} {ref(graph, o)['text']}" for p, o in sorted(graph.predicate_objects(node))]
    return {"text": "[ " + " ; ".join(parts) + " ]", "href": None, "title": "", "items": []}


def _fact(graph: Graph, subject, predicate, label: tuple[str, str] | None = None) -> dict | None:
    values = sorted(graph.objects(subject, predicate), key=str)
    if not values:
        return None
    return {"label": in_lang(label or STANDARD[curie(str(predicate))]), "values": [ref(graph, v) for v in values]}


def _term(graph: Graph, subject, facts: list) -> dict:
    return {"id": local_name(str(subject)), "curie": curie(str(subject)), "iri": str(subject),
            "labels": texts(graph, subject, RDFS.label), "comments": texts(graph, subject, RDFS.comment),
            "facts": [f for f in facts if f]}


def _ours(graph: Graph, kinds) -> list:
    found = {s for kind in kinds for s in graph.subjects(RDF.type, kind) if str(s).startswith(KD_NS)}
    return sorted(found, key=str)


PROPERTY_KINDS = (OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property, OWL.AnnotationProperty)
SECTIONS = (("classes", ("クラス", "Classes")), ("properties", ("プロパティ", "Properties")),
            ("individuals", ("その他の語（コード値など）", "Other terms (code values)")))


def ontology_page(graph: Graph) -> dict:
    """Every class, property and other term of our vocabulary, in both languages."""
    classes = [_class(graph, c) for c in _ours(graph, (OWL.Class, RDFS.Class))]
    properties = [_term(graph, p, [_fact(graph, p, RDF.type), _fact(graph, p, RDFS.subPropertyOf),
                                   _fact(graph, p, RDFS.domain), _fact(graph, p, RDFS.range)])
                  for p in _ours(graph, PROPERTY_KINDS)]
    defined = {t["iri"] for t in classes + properties}
    others = [_term(graph, s, [_fact(graph, s, RDF.type), _fact(graph, s, SKOS.inScheme)])
              for s in sorted(set(graph.subjects()), key=str)
              if isinstance(s, URIRef) and str(s).startswith(KD_NS) and str(s) not in defined]
    sections = [{"id": key, "heading": in_lang(heading), "terms": terms}
                for (key, heading), terms in zip(SECTIONS, (classes, properties, others))]
    return {**_document(graph, URIRef(str(ONTOLOGY_IRI))), "sections": sections}


def _class(graph: Graph, cls) -> dict:
    return _term(graph, cls, [
        _fact(graph, cls, RDFS.subClassOf),
        _inverse_fact(graph, cls, RDFS.domain, ("定義域とするプロパティ", "properties with this domain")),
        _inverse_fact(graph, cls, RDFS.range, ("値域とするプロパティ", "properties with this range"))])


def _document(graph: Graph, iri: URIRef) -> dict:
    """The vocabulary's or shapes' own label, comment, version, licence and prefix."""
    facts = (_fact(graph, iri, OWL.versionInfo), _fact(graph, iri, URIRef(PREFIXES["dcterms"] + "license")),
             _fact(graph, iri, URIRef(PREFIXES["vann"] + "preferredNamespacePrefix")))
    return {"iri": str(iri), "labels": texts(graph, iri, RDFS.label), "comments": texts(graph, iri, RDFS.comment),
            "facts": [f for f in facts if f]}


def _inverse_fact(graph: Graph, obj, predicate, label: tuple[str, str]) -> dict | None:
    values = sorted(graph.subjects(predicate, obj), key=str)
    return {"label": in_lang(label), "values": [ref(graph, v) for v in values]} if values else None


SHAPE_SKIP = {SH.path, SH.name, SH.description, SH.message, SH.severity, SH.property, SH.order, SH.group,
              SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf}
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)


def shapes_page(graph: Graph) -> dict:
    """Every node shape with its targets, constraints, property shapes and messages."""
    roots = set(graph.subjects(RDF.type, SH.NodeShape))
    roots |= {s for target in TARGETS for s in graph.subjects(target, None)}
    shapes = [_shape(graph, s) for s in sorted(roots, key=str)]
    anchors: set = {s["id"] for s in shapes}
    for prop in (p for s in shapes for p in s["properties"]):
        if prop["id"] in anchors:  # a property shape shared by several node shapes: one anchor only
            prop["id"] = ""
        anchors.add(prop["id"])
    return {**_document(graph, URIRef(str(SHAPES_IRI))), "shapes": shapes}


def _shape(graph: Graph, shape) -> dict:
    model = _constraints(graph, shape)
    model.update(id=local_name(str(shape)) if isinstance(shape, URIRef) else "",
                 curie=curie(str(shape)) if isinstance(shape, URIRef) else "",
                 labels=texts(graph, shape, RDFS.label, SH.name),
                 comments=texts(graph, shape, RDFS.comment, SH.description),
                 targets=[f for f in (_fact(graph, shape, t) for t in TARGETS) if f],
                 properties=sorted((_property(graph, p) for p in graph.objects(shape, SH.property)),
                                   key=lambda p: (p["order"], p["path"])))
    return model


def _property(graph: Graph, shape) -> dict:
    model = _constraints(graph, shape)
    order = graph.value(shape, SH.order)
    model.update(id=local_name(str(shape)) if isinstance(shape, URIRef) else "",
                 curie=curie(str(shape)) if isinstance(shape, URIRef) else "",
                 path=path_text(graph, graph.value(shape, SH.path)), names=texts(graph, shape, SH.name),
                 descriptions=texts(graph, shape, SH.description),
                 order=float(order) if isinstance(order, Literal) and _is_number(order) else 1e9)
    return model


def _constraints(graph: Graph, shape) -> dict:
    severity = graph.value(shape, SH.severity)
    predicates = sorted({p for p in graph.predicates(shape) if str(p).startswith(str(SH)) and p not in SHAPE_SKIP})
    return {"constraints": [_fact(graph, shape, p, _label_pair(p)) for p in predicates],
            "messages": texts(graph, shape, SH.message) + _sparql_messages(graph, shape),
            "severity": term_label(str(severity), {}) if severity is not None else ""}


def _label_pair(term) -> tuple[str, str]:
    name = curie(str(term))
    return STANDARD.get(name, (name, name))


def _sparql_messages(graph: Graph, shape) -> list[dict]:
    return [m for node in graph.objects(shape, SH.sparql) for m in texts(graph, node, SH.message)]


def _is_number(literal: Literal) -> bool:
    try:
        float(literal)
    except (TypeError, ValueError):
        return False
    return True


def path_text(graph: Graph, path) -> str:
    """A SHACL property path in SPARQL-like syntax (^inverse, a/b, a|b, p*)."""
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return curie(str(path))
    if graph.value(path, RDF.first) is not None:
        return " / ".join(path_text(graph, p) for p in graph.items(path))
    for predicate, fmt in ((SH.inversePath, "^{}"), (SH.zeroOrMorePath, "{}*"), (SH.oneOrMorePath, "{}+"),
                           (SH.zeroOrOnePath, "{}?")):
        inner = graph.value(path, predicate)
        if inner is not None:
            return fmt.format(path_text(graph, inner))
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "(" + " | ".join(path_text(graph, p) for p in graph.items(alternatives)) + ")"
    return str(path)
