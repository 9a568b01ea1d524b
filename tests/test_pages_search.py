"""/search: one box across names, titles and descriptions, Japanese-aware, ranked and linked."""
from __future__ import annotations

import pytest

from tests.pages_support import check_page, read_csv


def keys(client, query: str, **args) -> list[str]:
    body = client.get("/search.json", query_string={"q": query, **args}).get_json()
    return [item["id"] for item in body["items"]]


@pytest.mark.parametrize("query", ["かなざわサバイ部", "さばい", "サバイ", "ｻﾊﾞｲ", "ｶﾅｻﾞﾜ ｻﾊﾞｲ", "さばいぶ"])
def test_kana_and_width_variants_find_the_group(client, query):
    assert keys(client, query)[0] == "kanazawa-sabaibu"


@pytest.mark.parametrize("query, first", [
    ("ＢｉｒｄＣｏｎｎｅｃｔ", "birdconnect"),          # full-width Latin, any case
    ("birdconnect", "birdconnect"),
    ("tips", "peer-support-tips"),                     # 「Tips」 in the name
    ("ぴあさぽーと", "peer-support-tips"),
    ("Survival", "kanazawa-sabaibu"),                  # English names too
    ("2-3-3", "2-3-3"),                                # measure numbers
])
def test_variants_and_languages(client, query, first):
    assert keys(client, query)[0] == first


def test_exact_label_first_then_label_substring_then_related_and_descriptions(client):
    body = client.get("/search.json", query_string={"q": "KBF"}).get_json()
    assert [i["id"] for i in body["items"]][:2] == ["kbf", "r07-kbf"]       # the group, then its project
    assert body["items"][0]["why"]["en"] == "Name matches exactly"
    items = client.get("/search.json", query_string={"q": "防災"}).get_json()["items"]
    fields = [i["field"] for i in items]
    assert fields.index("label") < fields.index("description")
    assert items[0]["score"] >= items[-1]["score"]


def test_every_word_must_match(client):
    # The project's title has both words; its group's description too ("防災BOX作りなど"); nothing else has "box".
    assert keys(client, "防災 BOX") == ["r07-ishikawa-saigai-iryo-kenshukai", "ishikawa-saigai-iryo-kenshukai"]


def test_kind_narrows_the_results(client):
    assert set(client.get("/search.json", query_string={"q": "防災", "kind": "group"}).get_json()["items"][0]["kind"].values()) \
        == {"団体", "Group"}
    response = client.get("/search?q=x&kind=nothing", headers={"Accept": "application/json"})
    assert response.status_code == 400


def test_the_page_marks_the_match_and_links_each_result(client):
    page = check_page(client.get("/search", query_string={"q": "当事者団体"}).get_data(as_text=True), "ja")
    results = [e for e in page.all("li") if "data-key" in e.attrs]
    assert results[0].attrs["data-key"] == "peer-support-tips"
    assert [m.text for m in page.all("mark")][0] == "当事者団体"
    assert "http://localhost/id/group/peer-support-tips?lang=ja" in page.links()
    assert int(page.one("p", id="result-count").attrs["data-count"]) == len(results)


def test_results_as_csv_and_json(client):
    rows = read_csv(client.get("/search.csv", query_string={"q": "さばい"}).data)
    assert rows[0][:3] == ["全国地方公共団体コード", "ID", "地方公共団体名"]
    assert [row[1] for row in rows[1:]] == keys(client, "さばい")


def test_an_empty_query_shows_the_box_only(client):
    page = check_page(client.get("/search").get_data(as_text=True), "ja")
    assert page.one("input", id="q") and not page.all("ol")
    assert client.get("/search.json").get_json()["count"] == 0


def test_too_long_a_query_is_refused(client):
    assert client.get("/search", query_string={"q": "あ" * 201}).status_code == 400


def test_english_page(client):
    page = check_page(client.get("/search", query_string={"q": "さばい", "lang": "en"}).get_data(as_text=True), "en")
    assert page.one("h1").text == "Search"
    assert "Kanazawa Survival Club" in "".join(a.text for a in page.all("a"))


def test_the_index_is_built_once_per_release(app):
    from publisher.web import search

    with app.test_request_context("/"):
        first = search.index()
        assert search.index() is first and len(first) > 50
