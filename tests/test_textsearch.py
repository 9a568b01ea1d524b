"""publisher.textsearch: Japanese-aware folding, n-grams and ranking, without Flask or RDF."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from publisher.textsearch import Document, Index, Text, fold, fold_with_positions, ngrams, terms

FOLDS = [
    ("サバイ", "さばい"),                      # katakana -> hiragana
    ("ｻﾊﾞｲ", "さばい"),                       # half-width katakana, voiced mark composed (NFKC)
    ("ガ", "が"), ("か\u3099", "が"),          # precomposed and combining voiced mark
    ("ＢｉｒｄＣｏｎｎｅｃｔ", "birdconnect"),  # full-width Latin, case
    ("KBF", "kbf"), ("Straße", "strasse"),    # case folding, not just lower()
    ("１２３", "123"),                         # full-width digits
    ("ッャュョァィゥェォヮヵヶ", "つやゆよあいうえおわかけ"),  # small kana become full-size
    ("サーバー", "さば"), ("ｻｰﾊﾞｰ", "さば"),   # the long vowel mark is dropped, half-width too
    ("ヴァイオリン", "ゔあいおりん"),
    ("Go West Project", "gowestproject"),     # spaces
    ("ピアサポートセッション「Tips」", "ぴあさぽとせつしよんtips"),  # brackets and the long vowel mark
    ("学生・高校生部門", "学生高校生部門"),     # the middle dot is punctuation
    ("金沢　市", "金沢市"),                    # ideographic space
    ("㍻", "平成"),                            # compatibility characters expand
    ("〇〇×Tips", "〇〇×tips"),               # symbols stay
]


@pytest.mark.parametrize("text, folded", FOLDS, ids=[t for t, _ in FOLDS])
def test_fold(text, folded):
    assert fold(text) == folded


@pytest.mark.parametrize("variant", ["さばい", "サバイ", "ｻﾊﾞｲ", "さばい ", "サバイ"])
def test_kana_variants_of_one_word_fold_alike(variant):
    assert fold(variant) in fold("かなざわサバイ部")


def test_positions_point_into_the_original_text():
    text = "ピアサポートセッション「Tips」"
    folded, positions = fold_with_positions(text)
    assert len(positions) == len(folded)
    at = folded.index("tips")
    assert text[positions[at]:positions[at + 3] + 1] == "Tips"


def test_excerpt_marks_the_match_as_written():
    text = Text.of("description", "ja", "精神障害をはじめとする生きづらさを抱える人の当事者団体「Tips」です。")
    before, match, after = text.excerpt(fold("ＴＩＰＳ"))
    assert match == "Tips" and before.endswith("当事者団体「") and after.startswith("」です")


def test_excerpt_keeps_half_width_voiced_marks_with_their_kana():
    text = Text.of("label", "ja", "ｶﾞｯｺｳ")
    assert text.excerpt(fold("がつこう"))[1] == "ｶﾞｯｺｳ"


def test_ngrams():
    assert ngrams("さばい") == {"さば", "ばい"}
    assert ngrams("さ") == {"さ"}
    assert ngrams("") == set()


def test_terms_split_on_ascii_and_ideographic_spaces():
    assert terms("防災　ＢＯＸ  ") == ["防災", "box"]
    assert terms("  ") == []


def document(key: str, label: str, description: str = "", alt: str = "") -> Document:
    doc = Document(key)
    doc.add("label", "ja", label)
    doc.add("alt", "ja", alt)
    doc.add("description", "ja", description)
    return doc


@pytest.fixture()
def index():
    return Index([
        document("desc", "ほいくroom", "防災について話す場です"),
        document("sub", "防災BOXを作ってみよう！"),
        document("exact", "防災"),
        document("alt", "石川災害医療研修会", alt="防災研修会"),
        document("other", "寺町ルネサンス！"),
    ])


def test_ranking_exact_label_then_label_substring_then_alternative_names_then_description(index):
    assert [hit.document.key for hit in index.search("防災")] == ["exact", "sub", "alt", "desc"]


def test_a_query_in_another_script_finds_the_same(index):
    assert [h.document.key for h in index.search("ボウサイ")] == []     # kana is not kanji: no match
    assert [h.document.key for h in index.search("ﾙﾈｻﾝｽ")] == ["other"]


def test_every_term_must_match(index):
    assert [h.document.key for h in index.search("防災 box")] == ["sub"]
    assert index.search("防災 存在しない語") == []


def test_partial_matches_rank_by_how_many_bigrams_matched():
    idx = Index([document("two", "市民活動サポートセンター"), document("one", "市民会館")])
    hits = idx.search("市民活動支援センター")           # no substring; bigrams in common
    assert [h.document.key for h in hits] == ["two"]
    assert hits[0].best.tier == "partial"


def test_short_labels_the_query_covers_more_of_rank_first():
    idx = Index([document("long", "かなざわサバイ部の活動報告会"), document("short", "かなざわサバイ部")])
    assert [h.document.key for h in idx.search("さばい")] == ["short", "long"]


def test_empty_query_finds_nothing(index):
    assert index.search("") == [] and index.search("「」・") == []


def test_accept_filters_documents(index):
    assert [h.document.key for h in index.search("防災", accept=lambda d: d.key != "exact")] == ["sub", "alt", "desc"]


JAPANESE = st.text(alphabet=st.sampled_from(
    list("あいうえおかがきぎくぐっゃゅょアイウエオカガキギクグッャュョーｱｲｳｶﾞｰ金沢市協働ABCabcＡＢＣ０１２ 　・「」")),
    max_size=30)


@given(JAPANESE)
def test_folding_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


@given(JAPANESE)
def test_katakana_and_hiragana_spellings_fold_alike(text):
    katakana = "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)
    assert fold(katakana) == fold(text)


@given(JAPANESE)
def test_positions_are_one_per_folded_character_and_in_order(text):
    folded, positions = fold_with_positions(text)
    assert len(folded) == len(positions)
    assert positions == sorted(positions)
    assert all(0 <= p < len(text) for p in positions)


def test_short_terms_do_not_match_by_chance_bigrams():
    idx = Index([document("lab", "Yamato Laboratory")])
    assert idx.search("box") == []          # "bo" alone is not a match


def test_a_typo_in_a_longer_word_still_matches_partly():
    idx = Index([document("club", "かなざわサバイ部")])
    hits = idx.search("さばいぷ")
    assert [h.document.key for h in hits] == ["club"] and hits[0].best.tier == "partial"
