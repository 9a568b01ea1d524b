"""The CSV tables, declared: which rows, which columns, and the RDF fact behind each column.

Column names follow the 自治体標準オープンデータセット habits: Japanese names, `<項目>_カナ` and `<項目>_英字`
beside a name (カナ is blank: the sources give no readings; 英字 is our English translation), 西暦 ISO
dates with `<項目>_和暦` beside them where the source wrote a 和暦. Each column's `property`, `value_url`
and `about_url` say which triple a cell stands for; the CSVW metadata is written from them, and a test
converts the CSVs back to RDF and compares with the dumps.

Templates use {base} (the base IRI), {city_iri} (the municipality) and column names.
"""
from __future__ import annotations

from ..vocab import KD_NS, PREFIXES
from .tables import Column, ForeignKey, Table

JA = "FILTER(lang(?v) = 'ja')"
EN = "FILTER(langMatches(lang(?v), 'en'))"


def iri(curie: str) -> str:
    prefix, _, local = curie.partition(":")
    return PREFIXES[prefix] + local


def common() -> tuple[Column, ...]:
    """全国地方公共団体コード, ID, 地方公共団体名: the city's code and name are facts about the city."""
    return (
        Column("code", "全国地方公共団体コード", "Local government code", datatype="string",
               property=iri("kd:localGovernmentCode"), about_url="{city_iri}"),
        Column("id", "ID", "ID", datatype="string", note_ja="行を識別するキー（IRI の末尾）",
               note_en="The row's key (the end of its IRI)"),
        Column("municipality", "地方公共団体名", "Local government name", datatype="string", lang="ja",
               property=iri("rdfs:label"), about_url="{city_iri}"),
    )


def texts(name: str, ja: str, en: str, predicate: str | None, path: str = "?s {p} ?v", *,
          about_url: str | None = None, english: bool = True) -> tuple[Column, ...]:
    """<項目> (ja) and <項目>_英字 (our English) for a language-tagged property."""
    pattern = path.format(p=predicate) if predicate else None
    direct = path == "?s {p} ?v" or about_url is not None  # a fact about ?s, or about the resource at about_url
    prop = iri(predicate) if predicate and direct else None
    columns = [Column(name, ja, en, f"{pattern} {JA}" if pattern else None, property=prop, about_url=about_url,
                      lang="ja")]
    if english:
        columns.append(Column(f"{name}_en", f"{ja}_英字", f"{en} (English)", f"{pattern} {EN}" if pattern else None,
                              property=prop, about_url=about_url, lang="en"))
    return tuple(columns)


def name_columns(predicate: str = "rdfs:label") -> tuple[Column, ...]:
    """名称, 名称_カナ (from ic:名称/ic:カナ表記 when a source gives one), 名称_英字."""
    ja, en = texts("name", "名称", "Name", predicate)
    kana = Column("name_kana", "名称_カナ", "Name (kana)", "?s ic:名称/ic:カナ表記 ?v",
                  note_ja="出典に読み仮名がないため空欄", note_en="Blank: the sources give no readings")
    return ja, kana, en


def ref(name: str, ja: str, en: str, predicate: str, kind_path: str, *,
        extra: str = "") -> Column:
    """A key of one of our resources (…ID), standing for the IRI <base><kind_path><key>."""
    return Column(name, ja, en, f"?s {predicate} ?v . {extra}", value=f"key:{kind_path}", datatype="string",
                  property=iri(predicate), value_url="{base}" + kind_path + "{" + name + "}")


def label_of(name: str, ja: str, en: str, about_url: str, target: str, predicate: str = "rdfs:label") -> Column:
    """The Japanese label of a resource another column refers to (a fact about that resource, bound to ?x)."""
    return Column(name, ja, en, f"{target} . ?x {predicate} ?v {JA}", property=iri(predicate), about_url=about_url,
                  lang="ja")


def wareki(name: str, ja: str, en: str, predicate: str, path: str = "?s {p} ?v") -> Column:
    nested = path != "?s {p} ?v"
    return Column(name, ja, en, path.format(p=predicate), lang="ja",
                  property=None if nested else iri(predicate))


def code(name: str, ja: str, en: str, predicate: str, extra: str = "") -> Column:
    """A term of our vocabulary (a class or a code list entry), given by its local name."""
    return Column(name, ja, en, f"?s {predicate} ?v . {extra}", value="local", datatype="string",
                  property=iri(predicate), value_url=KD_NS + "{" + name + "}")


def fk(column: str, table: str, reference: str = "id") -> ForeignKey:
    return ForeignKey((column,), table, (reference,))


ORG_KINDS = ("kd:Municipality, kd:Bureau, kd:Division, kd:Council, kd:Secretariat, kd:School, kd:SupportBody, "
             "kd:Facility")

TABLES: tuple[Table, ...] = (
    Table("citizen_groups", "市民団体", "Citizen groups", "groups", "?s a kd:CitizenGroup", "{s}", ("id/group/",),
          "{base}id/group/{id}", (
              *common(), *name_columns(),
              code("legal_form", "法人格コード", "Legal form code", "kd:legalForm"),
              label_of("legal_form_name", "法人格", "Legal form", KD_NS + "{legal_form}", "?s kd:legalForm ?x"),
              ref("parent_group_id", "上位団体ID", "Parent group ID", "org:subOrganizationOf", "id/group/",
                  extra="?v a kd:CitizenGroup"),
              ref("parent_org_id", "上位組織ID", "Parent organisation ID", "org:subOrganizationOf", "id/org/",
                  extra="FILTER(STRSTARTS(STR(?v), '{base}id/org/'))"),
              Column("founded", "設立年月日", "Founded", "?s schema:foundingDate ?v", property=iri("schema:foundingDate")),
              wareki("founded_wareki", "設立年月日_和暦", "Founded (Japanese era)", "kd:dateWareki"),
              Column("members", "会員数", "Members", "?s kd:memberCount ?v", datatype="integer",
                     property=iri("kd:memberCount")),
              Column("members_fiscal_year", "会員数_年度", "Members as of (fiscal year)",
                     "?s kd:memberCountFiscalYear ?v", property=iri("kd:memberCountFiscalYear")),
              *texts("description", "説明", "Description", "schema:description"),
          ), types=(iri("kd:CitizenGroup"),),
          foreign_keys=(fk("parent_group_id", "citizen_groups"), fk("parent_org_id", "organisations"))),

    Table("group_registrations", "市民団体の登録", "Registrations of citizen groups", "groups",
          "?s kd:registeredWith ?o", "{s}/{o}", ("id/group/", "id/program/"), "{base}id/group/{group_id}", (
              *common(),
              Column("group_id", "団体ID", "Group ID", "BIND(?s AS ?v)", value="key:id/group/", datatype="string"),
              Column("program_id", "事業・制度ID", "Program ID", "BIND(?o AS ?v)", value="key:id/program/",
                     datatype="string", property=iri("kd:registeredWith"), value_url="{base}id/program/{program_id}"),
              label_of("program_name", "事業・制度名", "Program name", "{base}id/program/{program_id}",
                       "BIND(?o AS ?x)"),
          ), foreign_keys=(fk("group_id", "citizen_groups"), fk("program_id", "programs"))),

    Table("group_events", "市民団体の活動", "Activities of citizen groups", "groups", "?s a kd:Activity", "{s}",
          ("id/event/",), "{base}id/event/{id}", (
              *common(), *name_columns(),
              ref("organizer_id", "主催団体ID", "Organiser ID", "schema:organizer", "id/group/"),
              ref("program_id", "事業・制度ID", "Program ID", "kd:program", "id/program/"),
              Column("date", "開催日", "Date", "?s schema:startDate ?v", property=iri("schema:startDate")),
              wareki("date_wareki", "開催日_和暦", "Date (Japanese era)", "kd:dateWareki"),
              *texts("place", "場所", "Place", "schema:name", "?s schema:location/{p} ?v"),
              *texts("description", "説明", "Description", "schema:description"),
          ), types=(iri("kd:Activity"),),
          foreign_keys=(fk("organizer_id", "citizen_groups"), fk("program_id", "programs"))),

    Table("projects", "採択事業", "Adopted projects", "projects", "?s a kd:ChallengeProject", "{s}",
          ("id/project/",), "{base}id/project/{id}", (
              *common(),
              *texts("title", "名称", "Title", "dcterms:title"),
              Column("title_kana", "名称_カナ", "Title (kana)", note_ja="出典に読み仮名がないため空欄",
                     note_en="Blank: the sources give no readings"),
              *texts("subtitle", "副題", "Subtitle", "kd:subtitle"),
              # The label: the title, or (untitled adoptions) one we composed from group and year. Japanese only:
              # composed English labels are tagged en, translated ones en-t-ja, and a column has one language.
              *texts("label", "表示名", "Label", "rdfs:label", english=False),
              ref("program_id", "事業・制度ID", "Program ID", "kd:program", "id/program/"),
              Column("fiscal_year", "年度", "Fiscal year", "?s kd:fiscalYear ?v", property=iri("kd:fiscalYear")),
              wareki("fiscal_year_wareki", "年度_和暦", "Fiscal year (Japanese era)", "kd:fiscalYearWareki"),
              Column("year", "年", "Year", "?s dcterms:date ?v", property=iri("dcterms:date")),
              wareki("year_wareki", "年_和暦", "Year (Japanese era)", "kd:dateWareki"),
              ref("category_id", "部門ID", "Category ID", "kd:category", "id/code/category/"),
              label_of("category_name", "部門", "Category", "{base}id/code/category/{category_id}", "?s kd:category ?x",
                       "skos:prefLabel"),
              Column("group_name_at_adoption", "採択時の団体名", "Group name at adoption",
                     "?s kd:groupNameAtAdoption ?v", property=iri("kd:groupNameAtAdoption"), lang="ja"),
          ), types=(iri("kd:ChallengeProject"),),
          foreign_keys=(fk("program_id", "programs"), fk("category_id", "categories"))),

    Table("project_groups", "採択事業の提案団体", "Proposing groups of adopted projects", "projects",
          "?s kd:proposer ?o", "{s}/{o}", ("id/project/", "id/group/"), "{base}id/project/{project_id}", (
              *common(),
              Column("project_id", "採択事業ID", "Project ID", "BIND(?s AS ?v)", value="key:id/project/",
                     datatype="string"),
              Column("group_id", "団体ID", "Group ID", "BIND(?o AS ?v)", value="key:id/group/", datatype="string",
                     property=iri("kd:proposer"), value_url="{base}id/group/{group_id}"),
              label_of("group_name", "団体名", "Group name", "{base}id/group/{group_id}", "BIND(?o AS ?x)"),
          ), foreign_keys=(fk("project_id", "projects"), fk("group_id", "citizen_groups"))),

    Table("project_divisions", "採択事業に協働した課", "City divisions partnering on adopted projects", "projects",
          "?s kd:partnerDivision ?o", "{s}/{o}", ("id/project/", "id/org/"), "{base}id/project/{project_id}", (
              *common(),
              Column("project_id", "採択事業ID", "Project ID", "BIND(?s AS ?v)", value="key:id/project/",
                     datatype="string"),
              Column("division_id", "課ID", "Division ID", "BIND(?o AS ?v)", value="key:id/org/", datatype="string",
                     property=iri("kd:partnerDivision"), value_url="{base}id/org/{division_id}"),
              label_of("division_name", "課名", "Division name", "{base}id/org/{division_id}", "BIND(?o AS ?x)"),
          ), foreign_keys=(fk("project_id", "projects"), fk("division_id", "organisations"))),

    Table("organisations", "組織", "Organisations", "organisation",
          f"?s a ?class . FILTER(?class IN ({ORG_KINDS}))", "{s}", ("id/org/",), "{base}id/org/{id}", (
              *common(), *name_columns(),
              Column("type", "種別コード", "Type code", f"?s a ?v . FILTER(?v IN ({ORG_KINDS}))", value="local",
                     datatype="string", property=iri("rdf:type"), value_url=KD_NS + "{type}"),
              label_of("type_name", "種別", "Type", KD_NS + "{type}", f"?s a ?x . FILTER(?x IN ({ORG_KINDS}))"),
              ref("unit_of_id", "上位組織ID", "Unit of (organisation ID)", "org:unitOf", "id/org/"),
              ref("operated_by_id", "運営組織ID", "Operated by (organisation ID)", "kd:operatedBy", "id/org/"),
              ref("hosted_by_id", "設置先組織ID", "Hosted by (organisation ID)", "kd:hostedBy", "id/org/"),
              Column("phone", "電話番号", "Phone", "?s ic:連絡先/ic:電話番号 ?v"),
              Column("fax", "FAX番号", "Fax", "?s ic:連絡先/ic:FAX番号 ?v"),
              Column("email", "メールアドレス", "Email", "?s ic:連絡先/ic:Eメールアドレス ?v"),
              Column("postal_code", "郵便番号", "Postal code", "?s ic:住所/ic:郵便番号 ?v"),
              Column("address", "住所", "Address", f"?s ic:住所/ic:表記 ?v {JA}", lang="ja"),
              Column("corporate_number", "法人番号", "Corporate number", "?s kd:corporateNumber ?v",
                     property=iri("kd:corporateNumber")),
              Column("planned_opening", "開設予定年度", "Planned opening (fiscal year)",
                     "?s kd:plannedOpeningFiscalYear ?v", property=iri("kd:plannedOpeningFiscalYear")),
              wareki("planned_opening_wareki", "開設予定年度_和暦", "Planned opening (Japanese era)", "kd:dateWareki"),
          ), foreign_keys=(fk("unit_of_id", "organisations"), fk("operated_by_id", "organisations"),
                           fk("hosted_by_id", "organisations"))),

    Table("programs", "事業・制度", "Programs", "projects", "?s a kd:Program", "{s}", ("id/program/",),
          "{base}id/program/{id}", (
              *common(), *name_columns(),
              *texts("description", "説明", "Description", "schema:description"),
              ref("operated_by_id", "運営組織ID", "Operated by (organisation ID)", "kd:operatedBy", "id/org/"),
          ), types=(iri("kd:Program"),), foreign_keys=(fk("operated_by_id", "organisations"),)),

    Table("program_measures", "事業・制度が実施する具体的施策", "Plan measures carried out by programs", "projects",
          "?s kd:implementsMeasure ?o", "{s}/{o}", ("id/program/", "id/plan/"), "{base}id/program/{program_id}", (
              *common(),
              Column("program_id", "事業・制度ID", "Program ID", "BIND(?s AS ?v)", value="key:id/program/",
                     datatype="string"),
              Column("plan_id", "計画ID", "Plan ID", "?o skos:inScheme ?v", value="key:id/plan/", datatype="string"),
              Column("measure_notation", "施策番号", "Measure number", "?o skos:notation ?v", datatype="string",
                     property=iri("kd:implementsMeasure"),
                     value_url="{base}id/plan/{plan_id}/measure/{measure_notation}"),
          ), foreign_keys=(fk("program_id", "programs"),
                           ForeignKey(("plan_id", "measure_notation"), "plan_measures", ("plan_id", "notation")))),

    Table("program_initiatives", "事業・制度が実現する主な施策", "Plan initiatives realised by programs", "projects",
          "?s kd:realisesInitiative ?o", "{s}/{o}", ("id/program/", "id/plan/"), "{base}id/program/{program_id}", (
              *common(),
              Column("program_id", "事業・制度ID", "Program ID", "BIND(?s AS ?v)", value="key:id/program/",
                     datatype="string"),
              Column("plan_id", "計画ID", "Plan ID", "?o skos:inScheme ?v", value="key:id/plan/", datatype="string"),
              Column("initiative_notation", "施策番号", "Initiative number", "?o skos:notation ?v", datatype="string",
                     property=iri("kd:realisesInitiative"),
                     value_url="{base}id/plan/{plan_id}/initiative/{initiative_notation}"),
          ), foreign_keys=(fk("program_id", "programs"),
                           ForeignKey(("plan_id", "initiative_notation"), "plan_initiatives",
                                      ("plan_id", "notation")))),

    Table("categories", "チャレンジ事業の部門", "Categories of the challenge program", "projects",
          "?s a kd:Category", "{s}", ("id/code/category/",), "{base}id/code/category/{id}", (
              *common(), *texts("name", "名称", "Name", "skos:prefLabel"),
          ), types=(iri("kd:Category"),)),

    Table("plans", "計画", "Plans", "plan", "?s a kd:Plan", "{s}", ("id/plan/",), "{base}id/plan/{id}", (
              *common(),
              *texts("title", "名称", "Title", "dcterms:title"),
              Column("title_kana", "名称_カナ", "Title (kana)", note_ja="出典に読み仮名がないため空欄",
                     note_en="Blank: the sources give no readings"),
              *texts("edition", "版", "Edition", "kd:edition"),
              Column("adopted", "策定年月日", "Adopted", "?s dcterms:issued ?v", property=iri("dcterms:issued")),
              wareki("adopted_wareki", "策定年月日_和暦", "Adopted (Japanese era)", "kd:dateWareki"),
              Column("period_start", "計画期間_開始日", "Period start", "?s dcterms:temporal/dcat:startDate ?v"),
              wareki("period_start_wareki", "計画期間_開始日_和暦", "Period start (Japanese era)", "kd:startWareki",
                     "?s dcterms:temporal/{p} ?v"),
              Column("period_end", "計画期間_終了日", "Period end", "?s dcterms:temporal/dcat:endDate ?v"),
              wareki("period_end_wareki", "計画期間_終了日_和暦", "Period end (Japanese era)", "kd:endWareki",
                     "?s dcterms:temporal/{p} ?v"),
              code("status", "状況コード", "Status code", "kd:status"),
              label_of("status_name", "状況", "Status", KD_NS + "{status}", "?s kd:status ?x"),
              ref("replaces_id", "前計画ID", "Replaces (plan ID)", "dcterms:replaces", "id/plan/"),
              ref("publisher_id", "発行者ID", "Publisher (organisation ID)", "dcterms:publisher", "id/org/"),
              label_of("vision", "将来像", "Vision", "{base}id/plan/{id}/vision", "?s kd:vision ?x", "skos:prefLabel"),
          ), types=(iri("kd:Plan"),),
          foreign_keys=(fk("replaces_id", "plans"), fk("publisher_id", "organisations"))),

    Table("plan_measures", "計画の具体的施策", "Plan measures", "plan", "?s a kd:Measure", "{s}", ("id/plan/",),
          "{base}id/plan/{plan_id}/measure/{notation}", (
              *common(),
              ref("plan_id", "計画ID", "Plan ID", "skos:inScheme", "id/plan/"),
              Column("notation", "施策番号", "Measure number", "?s skos:notation ?v", datatype="string",
                     property=iri("skos:notation")),
              *texts("name", "名称", "Name", "skos:prefLabel"),
              *texts("content", "内容", "Content", "kd:content"),
              Column("direction_notation", "施策の方向性番号", "Policy direction number",
                     "?s skos:broader ?d . ?d a kd:PolicyDirection ; skos:notation ?v", datatype="string",
                     property=iri("skos:broader"), value_url="{base}id/plan/{plan_id}/direction/{direction_notation}"),
              *texts("direction", "施策の方向性", "Policy direction", "skos:prefLabel",
                     "?s skos:broader ?d . ?d a kd:PolicyDirection ; {p} ?v",
                     about_url="{base}id/plan/{plan_id}/direction/{direction_notation}"),
              Column("policy_notation", "基本方針番号", "Basic policy number",
                     "?s skos:broader/skos:broader ?p . ?p a kd:BasicPolicy ; skos:notation ?v", datatype="string",
                     property=iri("skos:broader"), value_url="{base}id/plan/{plan_id}/policy/{policy_notation}",
                     about_url="{base}id/plan/{plan_id}/direction/{direction_notation}"),
              *texts("policy", "基本方針", "Basic policy", "skos:prefLabel",
                     "?s skos:broader/skos:broader ?p . ?p a kd:BasicPolicy ; {p} ?v",
                     about_url="{base}id/plan/{plan_id}/policy/{policy_notation}"),
          ), types=(iri("kd:Measure"),), primary_key=("plan_id", "notation"),
          foreign_keys=(fk("plan_id", "plans"),)),

    Table("plan_initiatives", "計画の主な施策の展開", "Plan initiatives", "plan", "?s a kd:Initiative", "{s}",
          ("id/plan/",), "{base}id/plan/{plan_id}/initiative/{notation}", (
              *common(),
              ref("plan_id", "計画ID", "Plan ID", "skos:inScheme", "id/plan/"),
              Column("notation", "施策番号", "Initiative number", "?s skos:notation ?v", datatype="string",
                     property=iri("skos:notation")),
              *texts("name", "名称", "Name", "skos:prefLabel"),
              Column("policy_notation", "基本方針番号", "Basic policy number",
                     "?s skos:broader ?p . ?p a kd:BasicPolicy ; skos:notation ?v", datatype="string",
                     property=iri("skos:broader"), value_url="{base}id/plan/{plan_id}/policy/{policy_notation}"),
              *texts("policy", "基本方針", "Basic policy", "skos:prefLabel",
                     "?s skos:broader ?p . ?p a kd:BasicPolicy ; {p} ?v",
                     about_url="{base}id/plan/{plan_id}/policy/{policy_notation}"),
          ), types=(iri("kd:Initiative"),), primary_key=("plan_id", "notation"),
          foreign_keys=(fk("plan_id", "plans"),)),

    Table("sources", "出典文書", "Source documents", "catalog", "?s a kd:SourceDocument", "{s}", ("id/source/",),
          "{base}id/source/{id}", (
              *common(),
              *texts("title", "名称", "Title", "dcterms:title"),
              ref("publisher_id", "発行者ID", "Publisher (organisation ID)", "dcterms:publisher", "id/org/"),
              Column("fiscal_year", "年度", "Fiscal year", "?s kd:fiscalYear ?v", property=iri("kd:fiscalYear")),
              wareki("fiscal_year_wareki", "年度_和暦", "Fiscal year (Japanese era)", "kd:fiscalYearWareki"),
              Column("issued", "発行年月日", "Issued", "?s dcterms:issued ?v", property=iri("dcterms:issued")),
              wareki("issued_wareki", "発行年月日_和暦", "Issued (Japanese era)", "kd:dateWareki"),
              Column("file", "ファイル名", "File name", "?s kd:sourceFile ?v", property=iri("kd:sourceFile")),
              Column("sha256", "SHA256", "SHA-256", "?s kd:sha256 ?v", property=iri("kd:sha256")),
          ), types=(iri("kd:SourceDocument"),), foreign_keys=(fk("publisher_id", "organisations"),)),
)

BY_NAME = {t.name: t for t in TABLES}
