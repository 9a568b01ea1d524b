"""The 和暦 converter: eras, boundaries, 元年, fiscal years, periods and round trips."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from publisher.wareki import (
    ERAS,
    JapaneseDate,
    WarekiError,
    fiscal_year_range,
    parse_japanese_date,
    parse_period,
    to_wareki,
)

D = date
_ID_WORDS = {"年度": "FY", "明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R", "元": "1",
             "年": "y", "月": "m", "日": "d", "から": "..", "まで": "", "～": "..", "〜": ".."}


def tid(text: str) -> str:
    """A readable ASCII test id: 平成31年5月1日 -> H31y5m1d (pytest escapes other non-ASCII)."""
    for word, short in _ID_WORDS.items():
        text = text.replace(word, short)
    return text or "empty"


# text, precision, start, end, iso, xsd datatype
VALID = [
    ("平成3年6月", "month", D(1991, 6, 1), D(1991, 6, 30), "1991-06", "gYearMonth"),
    ("令和7年6月5日", "day", D(2025, 6, 5), D(2025, 6, 5), "2025-06-05", "date"),
    ("令和7年", "year", D(2025, 1, 1), D(2025, 12, 31), "2025", "gYear"),
    ("令和7年度", "fiscal_year", D(2025, 4, 1), D(2026, 3, 31), "2025", "gYear"),
    ("令和元年", "year", D(2019, 1, 1), D(2019, 12, 31), "2019", "gYear"),
    ("令和元年5月", "month", D(2019, 5, 1), D(2019, 5, 31), "2019-05", "gYearMonth"),
    ("平成元年度", "fiscal_year", D(1989, 4, 1), D(1990, 3, 31), "1989", "gYear"),
    ("令和元年度", "fiscal_year", D(2019, 4, 1), D(2020, 3, 31), "2019", "gYear"),
    ("平成31年度", "fiscal_year", D(2019, 4, 1), D(2020, 3, 31), "2019", "gYear"),
    ("平成32年度", "fiscal_year", D(2020, 4, 1), D(2021, 3, 31), "2020", "gYear"),
    ("平成32(2020)年度", "fiscal_year", D(2020, 4, 1), D(2021, 3, 31), "2020", "gYear"),
    ("平成32(2020)年3月", "month", D(2020, 3, 1), D(2020, 3, 31), "2020-03", "gYearMonth"),
    ("平成28(2016)年3月", "month", D(2016, 3, 1), D(2016, 3, 31), "2016-03", "gYearMonth"),
    ("平成19（2007）年3月", "month", D(2007, 3, 1), D(2007, 3, 31), "2007-03", "gYearMonth"),
    ("2016（平成28）年度", "fiscal_year", D(2016, 4, 1), D(2017, 3, 31), "2016", "gYear"),
    ("平成31年", "year", D(2019, 1, 1), D(2019, 12, 31), "2019", "gYear"),
    ("昭和64年", "year", D(1989, 1, 1), D(1989, 12, 31), "1989", "gYear"),
    ("平成元年1月", "month", D(1989, 1, 1), D(1989, 1, 31), "1989-01", "gYearMonth"),
    ("令和２年１２月３１日", "day", D(2020, 12, 31), D(2020, 12, 31), "2020-12-31", "date"),
    ("平成二十八年三月三十一日", "day", D(2016, 3, 31), D(2016, 3, 31), "2016-03-31", "date"),
    ("令和七年度", "fiscal_year", D(2025, 4, 1), D(2026, 3, 31), "2025", "gYear"),
    ("二〇二五年", "year", D(2025, 1, 1), D(2025, 12, 31), "2025", "gYear"),
    ("H28年3月", "month", D(2016, 3, 1), D(2016, 3, 31), "2016-03", "gYearMonth"),
    ("㍻31年4月30日", "day", D(2019, 4, 30), D(2019, 4, 30), "2019-04-30", "date"),
    ("令和 7 年 6 月", "month", D(2025, 6, 1), D(2025, 6, 30), "2025-06", "gYearMonth"),
    ("平成24年2月29日", "day", D(2012, 2, 29), D(2012, 2, 29), "2012-02-29", "date"),
    ("大正15年12月24日", "day", D(1926, 12, 24), D(1926, 12, 24), "1926-12-24", "date"),
    ("明治45年7月29日", "day", D(1912, 7, 29), D(1912, 7, 29), "1912-07-29", "date"),
    ("2014年", "year", D(2014, 1, 1), D(2014, 12, 31), "2014", "gYear"),
    ("2025年6月5日", "day", D(2025, 6, 5), D(2025, 6, 5), "2025-06-05", "date"),
    ("2025年6月", "month", D(2025, 6, 1), D(2025, 6, 30), "2025-06", "gYearMonth"),
    ("2025年度", "fiscal_year", D(2025, 4, 1), D(2026, 3, 31), "2025", "gYear"),
    ("2025-06-05", "day", D(2025, 6, 5), D(2025, 6, 5), "2025-06-05", "date"),
    ("2025/6/5", "day", D(2025, 6, 5), D(2025, 6, 5), "2025-06-05", "date"),
    ("2025-06", "month", D(2025, 6, 1), D(2025, 6, 30), "2025-06", "gYearMonth"),
    ("2025", "year", D(2025, 1, 1), D(2025, 12, 31), "2025", "gYear"),
    ("２０２５－０６－０５", "day", D(2025, 6, 5), D(2025, 6, 5), "2025-06-05", "date"),
]


@pytest.mark.parametrize("text,precision,start,end,iso,datatype", VALID, ids=[tid(v[0]) for v in VALID])
def test_valid_dates(text, precision, start, end, iso, datatype):
    d = parse_japanese_date(text)
    assert (d.precision, d.start, d.end, d.iso(), d.xsd_datatype()) == (precision, start, end, iso, datatype)
    assert d.original == text


def test_fields_of_a_month_and_a_fiscal_year():
    assert parse_japanese_date("平成3年6月") == JapaneseDate(
        "平成3年6月", "month", D(1991, 6, 1), D(1991, 6, 30), 1991, 6, None)
    fy = parse_japanese_date("令和7年度")
    assert (fy.year, fy.month, fy.day) == (2025, None, None)


def test_original_is_stripped_of_surrounding_space():
    assert parse_japanese_date("  令和7年度\n").original == "令和7年度"


# Every era boundary, on both sides: (text, valid?)
BOUNDARIES = [
    ("明治元年1月25日", True), ("明治元年1月24日", False),
    ("明治45年7月29日", True), ("明治45年7月30日", False),
    ("大正元年7月30日", True), ("大正元年7月29日", False),
    ("大正15年12月24日", True), ("大正15年12月25日", False),
    ("昭和元年12月25日", True), ("昭和元年12月24日", False),
    ("昭和64年1月7日", True), ("昭和64年1月8日", False),
    ("平成元年1月8日", True), ("平成元年1月7日", False),
    ("平成31年4月30日", True), ("平成31年5月1日", False),
    ("令和元年5月1日", True), ("令和元年4月30日", False),
    ("平成31年4月", True), ("平成31年5月", False),
    ("令和元年5月", True), ("令和元年4月", False),
    ("昭和64年1月", True), ("昭和64年2月", False),
    ("平成31年", True), ("平成32年", False),
    ("昭和64年", True), ("昭和65年", False),
]


@pytest.mark.parametrize("text,valid", BOUNDARIES, ids=[tid(b[0]) for b in BOUNDARIES])
def test_era_boundaries(text, valid):
    if valid:
        parse_japanese_date(text)
    else:
        with pytest.raises(WarekiError, match="is outside it") as info:
            parse_japanese_date(text)
        assert text in info.value.en and text in info.value.ja


def test_outside_era_message_quotes_the_era_span_and_the_right_era():
    with pytest.raises(WarekiError) as info:
        parse_japanese_date("平成31年5月1日")
    assert info.value.en.startswith(
        "平成 began on 1989-01-08 and ended on 2019-04-30; 平成31年5月1日 (2019-05-01) is outside it")
    assert "令和元年5月1日" in info.value.en and "令和元年5月1日" in info.value.ja
    assert "平成32(2020)年" in info.value.en  # how to keep a projected era year


def test_before_an_open_era_began():
    with pytest.raises(WarekiError) as info:
        parse_japanese_date("令和元年4月30日")
    assert info.value.en.startswith("令和 began on 2019-05-01;")
    assert "平成31年4月30日" in info.value.en


# text, a fragment of the English message
INVALID = [
    ("", "empty"),
    ("   ", "empty"),
    ("foo", "is not a date"),
    ("令和", "is not a date"),
    ("2025-13-01", "no month 13"),
    ("令和7年13月", "no month 13"),
    ("令和7年0月", "no month 0"),
    ("平成28年2月30日", "has no day 30"),
    ("2025年2月29日", "has no day 29"),
    ("令和7年4月31日", "has no day 31"),
    ("令和7年6月0日", "has no day 0"),
    ("平成0年", "no year 0"),
    ("令和0年度", "no year 0"),
    ("0000", "out of range"),
    ("0000年", "out of range"),
    ("9999年度", "out of range"),
    ("平成28(2017)年", "平成28年 is 2016, not 2017"),
    ("平成32(2021)年度", "平成32年 is 2020, not 2021"),
    ("2016（平成27）年度", "平成27年 is 2015, not 2016"),
    ("慶応3年", "unknown era '慶応'"),
    ("平静3年", "unknown era '平静'"),
    ("28年", "has no era"),
    ("令和7年6月5日です", "is not a date"),
    ("令和年", "is not a date"),
    ("7/6/2025", "is not a date"),
    ("令和元(2019)年4月30日", "is outside it"),  # a Gregorian year never projects backwards
    ("平成二三十年", "not a number written in kanji"),
    ("平成" + "9" * 30 + "年", "far too large"),
    ("9" * 20000 + "x", "is not a date"),  # too long to be a date: refused before any regular expression
    ("令和1" + "0" * 20 + "年度", "far too large"),
]


@pytest.mark.parametrize("text,fragment", INVALID, ids=[tid(i[0])[:30] for i in INVALID])
def test_invalid_dates(text, fragment):
    with pytest.raises(WarekiError) as info:
        parse_japanese_date(text)
    assert fragment in info.value.en
    assert info.value.ja and info.value.ja != info.value.en
    assert isinstance(info.value, ValueError)
    if text.strip():
        assert text.strip()[:40] in info.value.en and text.strip()[:40] in info.value.ja


@pytest.mark.parametrize("value", [None, 2025, D(2025, 6, 5)], ids=["none", "int", "date"])
def test_non_text_is_a_wareki_error(value):
    with pytest.raises(WarekiError, match="as text"):
        parse_japanese_date(value)


@pytest.mark.parametrize("year,start,end", [
    (2025, D(2025, 4, 1), D(2026, 3, 31)),
    (2019, D(2019, 4, 1), D(2020, 3, 31)),
    (2023, D(2023, 4, 1), D(2024, 3, 31)),  # the March after has 31 days in any year
], ids=["2025", "2019", "2023"])
def test_fiscal_year_range(year, start, end):
    assert fiscal_year_range(year) == (start, end)


def test_fiscal_years_of_an_era_agree_with_gregorian_fiscal_years():
    assert parse_japanese_date("平成31年度").start == parse_japanese_date("令和元年度").start \
        == parse_japanese_date("2019年度").start == D(2019, 4, 1)


PERIODS = [
    ("平成28(2016)年度から平成32(2020)年度まで", D(2016, 4, 1), D(2021, 3, 31), "平成32(2020)年度"),
    ("平成28年度から令和2年度", D(2016, 4, 1), D(2021, 3, 31), "令和2年度"),
    ("2025年4月～2026年3月", D(2025, 4, 1), D(2026, 3, 31), "2026年3月"),
    ("令和3年4月1日〜令和8年3月31日", D(2021, 4, 1), D(2026, 3, 31), "令和8年3月31日"),
    ("令和3年度 ～ 7年度", D(2021, 4, 1), D(2026, 3, 31), "7年度"),
    ("2025-06-05~2025-06-05", D(2025, 6, 5), D(2025, 6, 5), "2025-06-05"),
]


@pytest.mark.parametrize("text,start,end,end_original", PERIODS, ids=[tid(p[0]) for p in PERIODS])
def test_parse_period(text, start, end, end_original):
    first, last = parse_period(text)
    assert (first.start, last.end, last.original) == (start, end, end_original)


@pytest.mark.parametrize("text,fragment", [
    ("令和3年度", "is not a period"),
    ("令和3年度から", "is not a period"),
    ("令和3年度～令和4年度～令和5年度", "is not a period"),
    ("令和7年度～令和3年度", "ends (2021) before it begins (2025)"),
    ("令和3年度～令和3年13月", "no month 13"),
    ("令和3年4月～6月", "'6月' is not a date"),
], ids=["one-date", "open-end", "three-dates", "backwards", "bad-end", "month-without-year"])
def test_invalid_periods(text, fragment):
    with pytest.raises(WarekiError) as info:
        parse_period(text)
    assert fragment in info.value.en


@pytest.mark.parametrize("day,text", [
    (D(2019, 5, 1), "令和元年5月1日"),
    (D(2019, 4, 30), "平成31年4月30日"),
    (D(1989, 1, 7), "昭和64年1月7日"),
    (D(1989, 1, 8), "平成元年1月8日"),
    (D(1926, 12, 25), "昭和元年12月25日"),
    (D(1926, 12, 24), "大正15年12月24日"),
    (D(1912, 7, 30), "大正元年7月30日"),
    (D(1868, 1, 25), "明治元年1月25日"),
    (D(2025, 6, 5), "令和7年6月5日"),
], ids=lambda v: str(v) if isinstance(v, date) else tid(v))
def test_to_wareki(day, text):
    assert to_wareki(day) == text


def test_to_wareki_before_meiji_is_an_error():
    with pytest.raises(WarekiError, match="before 明治"):
        to_wareki(D(1868, 1, 24))


@pytest.mark.parametrize("era", ERAS, ids=lambda e: e.name)
def test_round_trip_on_both_sides_of_each_era_start(era):
    for day in (era.start - timedelta(days=1), era.start):
        if day >= ERAS[0].start:
            assert parse_japanese_date(to_wareki(day)).start == day


@settings(max_examples=500, deadline=None)
@given(st.dates(min_value=D(1868, 1, 25), max_value=D(2100, 12, 31)))
def test_every_day_round_trips(day):
    parsed = parse_japanese_date(to_wareki(day))
    assert (parsed.precision, parsed.start, parsed.end) == ("day", day, day)


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)))
def test_every_iso_date_parses(day):
    assert parse_japanese_date(day.isoformat()).start == day


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("令和平成昭和元年度月日0123456789一二十(（)）～-/ 　H"), max_size=20)
       | st.text(max_size=30))
def test_any_text_gives_a_date_or_a_wareki_error(text):
    try:
        d = parse_japanese_date(text)
    except WarekiError as error:
        assert error.en and error.ja
    else:
        assert d.start <= d.end
