"""06 オープンデータ一覧: the catalog as one CSV row per file, in the 自治体標準オープンデータセット layout,
so that a city's CKAN catalog or the national catalog can take the datasets in.

Provenance of OPEN_DATA_LIST_COLUMNS. The official 項目定義書 was not at hand. The names and order are
put together from implementations that read and write this layout:
- the order of the export in SHIRASAGI (shirasagi/shirasagi, Opendata::Addon::ExportPublicEntityFormat),
  which writes 41 values per row, four of them always empty;
- the names its CSV importer reads (Opendata::Metadata::CsvImporter): データセット_ID … API対応有無,
  including ファイル_ID, ファイル_説明 and ファイル_著作権表記, which the export does not write;
- CONVENTIONS.md §4 (データセット_ID, 全国地方公共団体コード, 地方公共団体名, データセット_タイトル, …).
Names confirmed by those sources are marked (c); names placed from our best knowledge of the デジタル庁
specification are marked (?). Least certain: データセット_タイトル_カナ, データセット_サブ分類,
データセット_更新予定日, データセット_地理的範囲 and ファイル_備考 (names of the slots SHIRASAGI leaves empty or
fills from its own fields), and where ファイル_ID, ファイル_説明 and ファイル_著作権表記 stand in the order.
"""
from __future__ import annotations

from .files import FileEntry
from .meta import DatasetMeta

OPEN_DATA_LIST_NAME = "172014_open_data_list.csv"

OPEN_DATA_LIST_COLUMNS: tuple[str, ...] = (
    "データセット_ID",                        # (c)
    "全国地方公共団体コード",                  # (c)
    "地方公共団体名",                          # (c)
    "データセット_タイトル",                   # (c)
    "データセット_タイトル_カナ",              # (?) an empty slot after the title in SHIRASAGI's export
    "データセット_概要",                       # (c)
    "データセット_キーワード",                 # (c) several keywords separated by ";"
    "データセット_分類",                       # (c) (SHIRASAGI writes its e-Stat category here)
    "データセット_サブ分類",                   # (?) an empty slot after the category in SHIRASAGI's export
    "データセット_公開日",                     # (c)
    "データセット_最終更新日",                 # (c)
    "データセット_更新予定日",                 # (?) an empty slot after the last update in SHIRASAGI's export
    "データセット_言語",                       # (c) SHIRASAGI writes its locale here
    "データセット_URL",                        # (c)
    "データセット_更新頻度",                   # (c)
    "データセット_準拠する標準",               # (c)
    "データセット_関連ドキュメント",           # (c)
    "データセット_作成者",                     # (c) read by SHIRASAGI's importer
    "データセット_地理的範囲",                 # (?) SHIRASAGI writes the dataset's areas here
    "データセット_対象期間",                   # (c)
    "データセット_連絡先名称",                 # (c)
    "データセット_連絡先メールアドレス",       # (c)
    "データセット_連絡先電話番号",             # (c)
    "データセット_連絡先内線番号",             # (c)
    "データセット_連絡先FormURL",              # (c)
    "データセット_連絡先備考（その他、SNSなど）",  # (c)
    "データセット_備考",                       # (c)
    "ファイル_ID",                             # (c) read by SHIRASAGI's importer
    "ファイル_タイトル",                       # (c)
    "ファイル_説明",                           # (c) read by SHIRASAGI's importer
    "ファイル_アクセスURL",                    # (c)
    "ファイル_ダウンロードURL",                # (c)
    "ファイル_形式",                           # (c)
    "ファイル_ライセンス",                     # (c)
    "ファイル_ステータス",                     # (c) 配信中
    "ファイル_サイズ",                         # (c) bytes
    "ファイル_公開日",                         # (c)
    "ファイル_最終更新日",                     # (c)
    "ファイル_利用規約",                       # (c)
    "ファイル_関連ドキュメント",               # (c)
    "ファイル_言語",                           # (c)
    "ファイル_準拠する標準",                   # (c)
    "ファイル_著作権表記",                     # (c) read by SHIRASAGI's importer
    "API対応有無",                             # (c) 有 / 無
    "ファイル_備考",                           # (?)
)
assert len(OPEN_DATA_LIST_COLUMNS) == 45 and len(set(OPEN_DATA_LIST_COLUMNS)) == 45

PERIODICITY_JA = {"annual": "毎年", "monthly": "毎月", "quarterly": "四半期", "irregular": "不定期",
                  "daily": "毎日", "weekly": "毎週", "biennial": "2年ごと"}


def open_data_list_metadata(meta: DatasetMeta) -> dict:
    """CSVW metadata for the list itself (it is served with a describedby link like the other CSVs)."""
    def column(index: int, title: str) -> dict:
        datatype = "integer" if title == "ファイル_サイズ" else "date" if title.endswith(("公開日", "最終更新日")) else "string"
        return {"name": f"c{index:02d}", "titles": {"ja": title}, "datatype": datatype}
    return {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "ja"}],
        "url": OPEN_DATA_LIST_NAME,
        "dc:title": [{"@value": "オープンデータ一覧", "@language": "ja"}, {"@value": "Open data list", "@language": "en"}],
        "dc:conformsTo": "自治体標準オープンデータセット 06 オープンデータ一覧",
        "dc:license": {"@id": meta.license},
        "dc:rights": [{"@value": text, "@language": lang} for lang, text in sorted(meta.attribution.items())],
        "dialect": {"encoding": "utf-8", "lineTerminators": ["\r\n"], "header": True},
        "tableSchema": {"columns": [column(i, t) for i, t in enumerate(OPEN_DATA_LIST_COLUMNS, start=1)],
                        "primaryKey": "c28"},
    }


def dataset_id(meta: DatasetMeta, dataset: str) -> str:
    return meta.key if dataset == "all" else f"{meta.key}-{dataset}"


def open_data_list_rows(entries: list[FileEntry], meta: DatasetMeta, version_date: str) -> list[list[str]]:
    return [row(entry, meta, version_date) for entry in entries if entry.distribution]


def row(entry: FileEntry, meta: DatasetMeta, version_date: str) -> list[str]:
    part = meta.parts.get(entry.dataset)
    title = part.title if part else meta.title
    description = (part.description if part else meta.description).get("ja", "")
    temporal = part.temporal if part else meta.temporal
    frequency = meta.periodicity.rstrip("/").rsplit("/", 1)[-1]
    values = {
        "データセット_ID": dataset_id(meta, entry.dataset),
        "全国地方公共団体コード": meta.code,
        "地方公共団体名": meta.municipality,
        "データセット_タイトル": title.get("ja", ""),
        "データセット_概要": description,
        "データセット_キーワード": ";".join(meta.keywords.get("ja", [])),
        "データセット_公開日": meta.issued,
        "データセット_最終更新日": version_date,
        "データセット_言語": "ja",
        "データセット_URL": f"{meta.base}catalog",
        "データセット_更新頻度": PERIODICITY_JA.get(frequency, frequency),
        "データセット_準拠する標準": "https://w3id.org/kyodo-lod/shapes",
        "データセット_関連ドキュメント": f"{meta.base}downloads",
        "データセット_作成者": meta.publisher_label.get("ja", ""),
        "データセット_地理的範囲": meta.municipality,
        "データセット_対象期間": f"{temporal[0].isoformat()}/{temporal[1].isoformat()}" if temporal else "",
        "データセット_連絡先名称": meta.contact_label.get("ja", ""),
        "データセット_連絡先メールアドレス": meta.contact_email,
        "データセット_連絡先電話番号": meta.contact_phone,
        "ファイル_ID": entry.name,
        "ファイル_タイトル": entry.title.get("ja", entry.name),
        "ファイル_説明": entry.title.get("en", ""),
        "ファイル_アクセスURL": f"{meta.base}downloads",
        "ファイル_ダウンロードURL": f"{meta.base}downloads/{entry.name}",
        "ファイル_形式": entry.file_kind.label + (" (gzip)" if entry.compressed else ""),
        "ファイル_ライセンス": "CC BY 4.0" if "by/4.0" in meta.license else meta.license,
        "ファイル_ステータス": "配信中",
        "ファイル_サイズ": str(entry.size),
        "ファイル_公開日": entry.first_published,
        "ファイル_最終更新日": entry.last_changed,
        "ファイル_利用規約": meta.license,
        "ファイル_関連ドキュメント": f"{meta.base}downloads/csv-metadata.json" if entry.kind == "csv" else "",
        "ファイル_言語": "ja",
        "ファイル_準拠する標準": "https://www.w3.org/TR/tabular-data-primer/" if entry.kind == "csv" else "",
        "ファイル_著作権表記": meta.attribution.get("ja", ""),
        "API対応有無": "有",
        "ファイル_備考": f"SHA-256: {entry.sha256}",
    }
    return [values.get(column, "") for column in OPEN_DATA_LIST_COLUMNS]
