"""Namespaces, with our own vocabulary as a DefinedNamespace so that a typo in a term raises.

The term list mirrors ontology/kyodo.ttl; tests/test_ontology.py checks that they agree.
"""
from rdflib import Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, OWL, PROV, RDF, RDFS, SKOS, VOID, XSD, DefinedNamespace

KD_NS = "https://w3id.org/kyodo-lod/def#"
ONTOLOGY_IRI = URIRef("https://w3id.org/kyodo-lod/def")
SHAPES_IRI = URIRef("https://w3id.org/kyodo-lod/shapes")
SH_NS = "https://w3id.org/kyodo-lod/shapes#"
# The vocabulary and shapes live under this prefix; the server serves it on its own host too.
VOCAB_BASE = "https://w3id.org/kyodo-lod/"


class KD(DefinedNamespace):
    _NS = Namespace(KD_NS)
    _fail = True

    Activity: URIRef
    BasicPolicy: URIRef
    Bureau: URIRef
    CallForProposals: URIRef
    Category: URIRef
    ChallengeProject: URIRef
    CitizenGroup: URIRef
    Council: URIRef
    Division: URIRef
    Facility: URIRef
    GeneralIncorporatedAssociation: URIRef
    InPreparation: URIRef
    Initiative: URIRef
    LegalForm: URIRef
    LegalForms: URIRef
    MeasureLink: URIRef
    Measure: URIRef
    Municipality: URIRef
    NPOCorporation: URIRef
    NeighbourhoodAssociation: URIRef
    Ordinance: URIRef
    Plan: URIRef
    Planned: URIRef
    PolicyDirection: URIRef
    PolicyDocument: URIRef
    Program: URIRef
    School: URIRef
    Secretariat: URIRef
    SourceDocument: URIRef
    Status: URIRef
    Statuses: URIRef
    SupportBody: URIRef
    Vision: URIRef
    aim: URIRef
    attributionText: URIRef
    background: URIRef
    category: URIRef
    composedLabel: URIRef
    content: URIRef
    corporateNumber: URIRef
    dateWareki: URIRef
    derivedAttributionText: URIRef
    documentKind: URIRef
    edition: URIRef
    editor: URIRef
    endWareki: URIRef
    fiscalYear: URIRef
    fiscalYearWareki: URIRef
    formerName: URIRef
    groupNameAtAdoption: URIRef
    hostedBy: URIRef
    implementsMeasure: URIRef
    legalBasis: URIRef
    legalForm: URIRef
    linkTarget: URIRef
    localGovernmentCode: URIRef
    measureLink: URIRef
    memberCount: URIRef
    memberCountFiscalYear: URIRef
    operatedBy: URIRef
    partner: URIRef
    partnerDivision: URIRef
    plannedOpeningFiscalYear: URIRef
    positioning: URIRef
    program: URIRef
    promotionActor: URIRef
    promotionHub: URIRef
    promotionStructure: URIRef
    proposer: URIRef
    purpose: URIRef
    realisesInitiative: URIRef
    reflects: URIRef
    registeredWith: URIRef
    sha256: URIRef
    slogan: URIRef
    sourceFile: URIRef
    startWareki: URIRef
    status: URIRef
    subtitle: URIRef
    vision: URIRef


IC = Namespace("http://imi.go.jp/ns/core/rdf#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
VANN = Namespace("http://purl.org/vocab/vann/")
SH = Namespace("http://www.w3.org/ns/shacl#")
KDSH = Namespace(SH_NS)

PREFIXES = {
    "kd": KD_NS, "kdsh": SH_NS, "ic": str(IC), "org": str(ORG), "schema": str(SCHEMA), "skos": str(SKOS),
    "dcterms": str(DCTERMS), "dcat": str(DCAT), "prov": str(PROV), "foaf": str(FOAF), "void": str(VOID),
    "owl": str(OWL), "rdf": str(RDF), "rdfs": str(RDFS), "xsd": str(XSD), "sh": str(SH), "vann": str(VANN),
}

__all__ = ["KD", "IC", "ORG", "SCHEMA", "SKOS", "DCTERMS", "DCAT", "PROV", "FOAF", "VOID", "OWL", "RDF", "RDFS",
           "XSD", "SH", "KDSH", "VANN", "PREFIXES", "ONTOLOGY_IRI", "SHAPES_IRI", "VOCAB_BASE"]
