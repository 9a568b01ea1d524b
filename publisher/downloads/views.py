"""What the downloads, catalog and changelog pages show, computed from a release's downloads.json (no Flask)."""
from __future__ import annotations

from .files import FileEntry

TEXT = {
    "downloads": ("ダウンロード", "Downloads"),
    "catalog": ("データカタログ", "Data catalog"),
    "changelog": ("変更履歴", "Changelog"),
    "releases": ("版の一覧", "Releases"),
    "file": ("ファイル", "File"),
    "title": ("内容", "Content"),
    "format": ("形式", "Format"),
    "size": ("サイズ", "Size"),
    "licence": ("ライセンス", "Licence"),
    "checksum": ("SHA-256", "SHA-256"),
    "last_change": ("最終更新", "Last changed"),
    "version": ("版", "Release"),
    "date": ("日付", "Date"),
    "previous": ("前の版", "Previous release"),
    "attribution": ("出典表記（コピーしてお使いください）", "Attribution (copy and use)"),
    "derived": ("加工して使う場合", "When you modify the data"),
    "whole": ("データセット全体", "Whole dataset"),
    "checksums_note": ("チェックサムは配信されるバイト列のものです。SHA256SUMS で一括確認できます"
                       "（sha256sum -c SHA256SUMS）。",
                       "Checksums are of the bytes served; check them all with SHA256SUMS (sha256sum -c SHA256SUMS)."),
    "csv_note": ("CSV は UTF-8（BOM 付き）、1行目が見出しです。列の意味は csv-metadata.json（CSVW）と "
                 "datapackage.json（Frictionless）に書いてあります。",
                 "CSV files are UTF-8 with a BOM, with a header row; csv-metadata.json (CSVW) and datapackage.json "
                 "(Frictionless) say what each column means."),
    "added": ("追加", "Added"), "removed": ("削除", "Removed"), "changed": ("変更", "Changed"),
    "none": ("ありません", "None"),
    "first_release": ("最初の版です（すべての資源が追加されています）。",
                      "This is the first release (every resource is added)."),
    "resource": ("資源", "Resource"), "types": ("種類", "Types"),
    "triples_added": ("追加された記述", "Statements added"), "triples_removed": ("削除された記述", "Statements removed"),
    "datasets": ("データセット", "Datasets"), "distributions": ("配布ファイル", "Distributions"),
    "service": ("データサービス", "Data service"), "versions": ("版", "Versions"),
    "as_rdf": ("RDF で見る", "As RDF"), "period": ("対象期間", "Temporal coverage"),
    "keywords": ("キーワード", "Keywords"), "publisher": ("公開者", "Publisher"),
    "gone": ("削除された資源", "Removed resource"), "last_description": ("削除前の記述", "Last description"),
    "machine": ("機械可読", "Machine-readable"),
}


def strings(lang: str) -> dict[str, str]:
    return {key: pair[0] if lang == "ja" else pair[1] for key, pair in TEXT.items()}


def human_size(size: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size} B"


def pick(values: dict, lang: str) -> str:
    return values.get(lang) or values.get("ja") or values.get("en") or ""


def file_rows(index: dict, lang: str) -> list[dict]:
    rows = []
    for data in index.get("files", []):
        entry = FileEntry.from_json(data)
        rows.append({"name": entry.name, "title": pick(entry.title, lang), "dataset": entry.dataset,
                     "format": entry.file_kind.label + (" + gzip" if entry.compressed else ""),
                     "media_type": entry.served_type, "size": entry.size, "size_text": human_size(entry.size),
                     "sha256": entry.sha256, "last_changed": entry.last_changed,
                     "distribution": entry.distribution})
    return rows


def grouped_files(index: dict, lang: str) -> list[dict]:
    """Files by dataset: the whole dataset first, then each named graph, in the index's order."""
    rows = file_rows(index, lang)
    groups = []
    for dataset in index.get("datasets", []):
        files = [r for r in rows if r["dataset"] == dataset["key"]]
        if files:
            groups.append({"key": dataset["key"], "iri": dataset["iri"], "title": pick(dataset["title"], lang),
                           "description": pick(dataset.get("description", {}), lang),
                           "temporal": dataset.get("temporal"), "files": files})
    return groups


def find_file(index: dict, name: str) -> FileEntry | None:
    for data in index.get("files", []):
        if data.get("name") == name:
            return FileEntry.from_json(data)
    return None
