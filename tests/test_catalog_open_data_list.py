"""The オープンデータ一覧 in the standard 45-column layout, one row per file."""
from __future__ import annotations

import csv
import io

import pytest

from publisher.downloads import read_index
from publisher.downloads.odlist import OPEN_DATA_LIST_COLUMNS, OPEN_DATA_LIST_NAME

from .conftest import BASE


@pytest.fixture(scope="module")
def table(release):
    data = (release.release_dir / "downloads" / OPEN_DATA_LIST_NAME).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data[3:].decode("utf-8"), newline="")))
    header = next(csv.reader(io.StringIO(data[3:].decode("utf-8"))))
    return header, rows


def test_the_list_has_exactly_the_standard_columns(table):
    header, _rows = table
    assert len(header) == 45
    assert tuple(header) == OPEN_DATA_LIST_COLUMNS
    assert header[:4] == ["データセット_ID", "全国地方公共団体コード", "地方公共団体名", "データセット_タイトル"]
    for name in ("ファイル_ダウンロードURL", "ファイル_形式", "ファイル_ライセンス", "ファイル_サイズ"):
        assert name in header


def test_one_row_per_file_written_before_it(table, release):
    _header, rows = table
    index = read_index(release.release_dir)
    names = [f["name"] for f in index["files"]]
    listed = names[:names.index(OPEN_DATA_LIST_NAME)]
    assert [r["ファイル_ID"] for r in rows] == listed
    files = {f["name"]: f for f in index["files"]}
    for row in rows:
        entry = files[row["ファイル_ID"]]
        assert row["全国地方公共団体コード"] == "172014" and row["地方公共団体名"] == "金沢市"
        assert row["ファイル_ダウンロードURL"] == f"{BASE}downloads/{entry['name']}"
        assert row["ファイル_サイズ"] == str(entry["size"]) and entry["sha256"] in row["ファイル_備考"]
        assert row["ファイル_ライセンス"] == "CC BY 4.0" and row["ファイル_ステータス"] == "配信中"
        assert row["ファイル_著作権表記"].startswith("出典：「金沢市 協働のまちづくりオープンデータ」（金沢市）")
        assert row["データセット_連絡先電話番号"] == "076-220-2026"


def test_the_list_is_described_by_its_own_csvw_metadata(release, table):
    import json

    header, _rows = table
    metadata = json.loads((release.release_dir / "downloads" / f"{OPEN_DATA_LIST_NAME}-metadata.json").read_text())
    assert metadata["url"] == OPEN_DATA_LIST_NAME
    assert [c["titles"]["ja"] for c in metadata["tableSchema"]["columns"]] == header


def test_datasets_are_identified_and_titled(table):
    _header, rows = table
    titles = {r["データセット_ID"]: r["データセット_タイトル"] for r in rows}
    assert titles["kanazawa-kyodo"] == "金沢市 協働のまちづくりオープンデータ"
    assert titles["kanazawa-kyodo-groups"] == "市民団体"
    assert {r["データセット_更新頻度"] for r in rows} == {"毎年"}
