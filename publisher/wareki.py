"""和暦 (Japanese era) dates: parse what city documents write, and write a date back in an era.

Accepted forms (full-width digits, full-width parentheses, kanji numerals and spaces are fine):
  令和7年6月5日, 平成3年6月, 昭和64年, 令和元年度, 平成28(2016)年3月, 2016（平成28）年度,
  H28年3月 (one-letter era), 2025年6月5日, 2014年, 2025年度, 2025-06-05, 2025/6/5, 2025-06, 2025.

Rules, decided here once:
- An era date must fall in its era: 平成31年5月1日, 令和元年4月30日 and 昭和64年1月8日 are errors.
  A year or month counts as in the era when any of its days is (昭和64年 and 平成元年1月 are fine).
- start/end are the bounds of the Gregorian day, month or year named, not clipped to the era.
- A 年度 (fiscal year, April 1 to March 31) named by an era is accepted when it begins after the era
  ended: documents written before 2019 name 平成32年度 (2020) and keep doing so when cited, with or
  without "(2020)". 平成31年度 and 令和元年度 both mean the fiscal year from 2019-04-01.
- Other era dates after the era ended are accepted only with the Gregorian year written beside
  them, e.g. 平成32(2020)年3月: that shows the author projected the era on purpose.
- A Gregorian year in parentheses must agree with the era year.
- 明治 starts on 1868-01-25 (明治元年1月1日 of the old calendar); dates before 明治6年 (1873), when Japan
  switched calendars, are mapped as if the Gregorian calendar had been in use.
"""
from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date

__all__ = [
    "ERAS", "Era", "JapaneseDate", "WarekiError",
    "era_of", "fiscal_year_range", "parse_japanese_date", "parse_period", "to_wareki",
]


class WarekiError(ValueError):
    """A date that cannot be read; `.en` and `.ja` say why and what is expected."""

    def __init__(self, en: str, ja: str):
        super().__init__(en)
        self.en = en
        self.ja = ja


@dataclass(frozen=True)
class Era:
    name: str
    start: date
    end: date | None  # last day; None while the era goes on

    @property
    def offset(self) -> int:
        """Gregorian year = era year + offset."""
        return self.start.year - 1

    def span_text(self) -> tuple[str, str]:
        """When the era ran, as an English and a Japanese phrase."""
        if self.end is None:
            return f"{self.name} began on {self.start}", f"{self.name}は{self.start}に始まった元号です"
        return (f"{self.name} began on {self.start} and ended on {self.end}",
                f"{self.name}は{self.start}から{self.end}までの元号です")


ERAS: tuple[Era, ...] = (
    Era("明治", date(1868, 1, 25), date(1912, 7, 29)),
    Era("大正", date(1912, 7, 30), date(1926, 12, 24)),
    Era("昭和", date(1926, 12, 25), date(1989, 1, 7)),
    Era("平成", date(1989, 1, 8), date(2019, 4, 30)),
    Era("令和", date(2019, 5, 1), None),
)
_ERA_BY_NAME = {e.name: e for e in ERAS} | dict(zip("MTSHR", ERAS))

_PRECISION_DATATYPE = {"day": "date", "month": "gYearMonth", "year": "gYear", "fiscal_year": "gYear"}
_EXAMPLES_EN = "e.g. 令和7年6月5日, 平成28(2016)年度, 2025年6月, 2025-06-05"
_EXAMPLES_JA = "例: 令和7年6月5日、平成28(2016)年度、2025年6月、2025-06-05"


@dataclass(frozen=True)
class JapaneseDate:
    """A date as a source wrote it, with the Gregorian days it covers."""

    original: str
    precision: str  # "day" | "month" | "year" | "fiscal_year"
    start: date
    end: date
    year: int
    month: int | None
    day: int | None

    def iso(self) -> str:
        """ISO 8601 text at this precision: 2025-06-05, 1991-06 or 2025 (fiscal years too)."""
        if self.precision == "day":
            return self.start.isoformat()
        if self.precision == "month":
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}"

    def xsd_datatype(self) -> str:
        """Local name of the XML Schema datatype for iso(): date, gYearMonth or gYear."""
        return _PRECISION_DATATYPE[self.precision]


# --- grammar (matched after NFKC normalization and removing spaces) ---------------------------
_NUM = "[0-9]+|[〇零一二三四五六七八九十百千]+"
_ERA_NAME = "明治|大正|昭和|平成|令和|[MTSHRmtshr]"
_TAIL = rf"年(?:(?P<fy>度)|(?P<m>{_NUM})月(?:(?P<d>{_NUM})日)?)?"
_ERA_RE = re.compile(rf"(?P<era>{_ERA_NAME})(?P<ey>元|{_NUM})(?:\((?P<gy>[0-9]{{4}})\))?{_TAIL}")
_GREG_ERA_RE = re.compile(rf"(?P<gy>[0-9]{{4}})\((?P<era>{_ERA_NAME})(?P<ey>元|{_NUM})\){_TAIL}")
_GREG_RE = re.compile(rf"(?:西暦)?(?P<y>[0-9]{{4}}|[〇一二三四五六七八九]{{4}}){_TAIL}")
_ISO_RE = re.compile(r"(?P<y>[0-9]{4})(?:[-/](?P<m>[0-9]{1,2})(?:[-/](?P<d>[0-9]{1,2}))?)?")
_LOOSE_ERA_RE = re.compile(rf"(?P<era>.*?)(?:元|{_NUM})(?:\(.*\))?年.*")

_MAX_LENGTH = 40
_KANJI_DIGITS = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"零": 0}
_KANJI_UNITS = {"十": 10, "百": 100, "千": 1000}


def _normalize(text: str) -> str:
    """Full-width to half-width (NFKC also turns ㍻ into 平成), and no spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _number(token: str, original: str) -> int:
    """Arabic digits, positional kanji (二〇二五) or kanji with units (二十八)."""
    if len(token) > 8:
        raise WarekiError(f"'{original}': the number {token[:12]}… is far too large for a date",
                          f"「{original}」: 数 {token[:12]}… は日付としては大きすぎます")
    if token.isascii():
        return int(token)
    if not any(c in _KANJI_UNITS for c in token):
        return int("".join(str(_KANJI_DIGITS[c]) for c in token))
    total, digit, last_unit = 0, None, 10_000
    for c in token:
        if c in _KANJI_DIGITS and digit is None:
            digit = _KANJI_DIGITS[c]
        elif c in _KANJI_UNITS and _KANJI_UNITS[c] < last_unit:
            last_unit = _KANJI_UNITS[c]
            total += (1 if digit is None else digit) * last_unit
            digit = None
        else:
            raise WarekiError(f"'{original}': '{token}' is not a number written in kanji",
                              f"「{original}」: 「{token}」は漢数字として読めません")
    return total + (digit or 0)


def _not_a_date(original: str) -> WarekiError:
    return WarekiError(f"'{original}' is not a date; expected {_EXAMPLES_EN}",
                       f"「{original}」は日付として読めません。{_EXAMPLES_JA}")


# --- parsing ---------------------------------------------------------------------------------
def parse_japanese_date(text: str) -> JapaneseDate:
    """Read a 和暦 or Gregorian date; raise WarekiError saying what is wrong and what is expected."""
    if not isinstance(text, str):
        raise WarekiError(f"expected a date written as text, got {text!r}",
                          f"日付は文字列で書いてください（{text!r}）")
    original = text.strip()
    norm = _normalize(original)
    if not norm:
        raise WarekiError(f"the date is empty; expected {_EXAMPLES_EN}", f"日付が空です。{_EXAMPLES_JA}")
    if len(norm) > _MAX_LENGTH:  # no date is this long; also keeps the regular expressions fast
        raise _not_a_date(original[:_MAX_LENGTH] + "…")
    for pattern in (_ERA_RE, _GREG_ERA_RE):
        if m := pattern.fullmatch(norm):
            return _from_era_match(original, m)
    if m := _GREG_RE.fullmatch(norm):
        return _build(original, _number(m["y"], original), m)
    if m := _ISO_RE.fullmatch(norm):
        return _build(original, int(m["y"]), m)
    raise _unknown_era_error(original, norm)


def _unknown_era_error(original: str, norm: str) -> WarekiError:
    m = _LOOSE_ERA_RE.fullmatch(norm)
    if m is None or m["era"] in _ERA_BY_NAME:
        return _not_a_date(original)
    if not m["era"]:
        return WarekiError(
            f"'{original}' has no era; write e.g. 平成28年 or the Gregorian year 2016年",
            f"「{original}」には元号がありません。平成28年のように元号を付けるか、2016年のように西暦で書いてください")
    names = "、".join(e.name for e in ERAS)
    return WarekiError(f"'{original}': unknown era '{m['era']}'; expected one of {names} (or a Gregorian year)",
                       f"「{original}」: 「{m['era']}」という元号は扱えません。{names}または西暦で書いてください")


def _from_era_match(original: str, m: re.Match) -> JapaneseDate:
    era = _ERA_BY_NAME[m["era"].upper() if m["era"].isascii() else m["era"]]
    era_year = 1 if m["ey"] == "元" else _number(m["ey"], original)
    if era_year == 0:
        raise WarekiError(f"'{original}': there is no year 0 of an era; the first year is 元年 (year 1)",
                          f"「{original}」: 元号に0年はありません。最初の年は元年（1年）です")
    year = era.offset + era_year
    if m["gy"] is not None and int(m["gy"]) != year:
        raise WarekiError(
            f"'{original}': {era.name}{era_year}年 is {year}, not {int(m['gy'])}",
            f"「{original}」: {era.name}{era_year}年は{year}年で、{int(m['gy'])}年ではありません")
    result = _build(original, year, m)
    _check_in_era(result, era, projected_ok=m["gy"] is not None)
    return result


def _build(original: str, year: int, m: re.Match) -> JapaneseDate:
    """A JapaneseDate from a Gregorian year and the month/day/年度 groups of a match."""
    groups = m.groupdict()
    month = None if groups.get("m") is None else _number(groups["m"], original)
    day = None if groups.get("d") is None else _number(groups["d"], original)
    precision = ("fiscal_year" if groups.get("fy") else
                 "day" if day is not None else "month" if month is not None else "year")
    start, end = _calendar_range(original, precision, year, month, day)
    return JapaneseDate(original, precision, start, end, year, month, day)


def _calendar_range(original: str, precision: str, year: int, month: int | None,
                    day: int | None) -> tuple[date, date]:
    last_year = 9998 if precision == "fiscal_year" else 9999
    if not 1 <= year <= last_year:
        raise WarekiError(f"'{original}': the year {year} is out of range (1 to {last_year})",
                          f"「{original}」: {year}年は扱える範囲（1〜{last_year}年）の外です")
    if precision == "fiscal_year":
        return fiscal_year_range(year)
    if precision == "year":
        return date(year, 1, 1), date(year, 12, 31)
    if not 1 <= month <= 12:
        raise WarekiError(f"'{original}': there is no month {month}; months are 1 to 12",
                          f"「{original}」: {month}月はありません（1〜12月）")
    days = calendar.monthrange(year, month)[1]
    if precision == "month":
        return date(year, month, 1), date(year, month, days)
    if not 1 <= day <= days:
        raise WarekiError(f"'{original}': {year}-{month:02d} has no day {day}; it has {days} days",
                          f"「{original}」: {year}年{month}月に{day}日はありません（{days}日まで）")
    return date(year, month, day), date(year, month, day)


def _check_in_era(d: JapaneseDate, era: Era, *, projected_ok: bool) -> None:
    """Raise unless some day of d falls in the era (see the module docstring for projections)."""
    before = d.end < era.start
    after = era.end is not None and d.start > era.end
    if d.precision == "fiscal_year" or not (before or after) or (after and projected_ok):
        return
    span_en, span_ja = era.span_text()
    hint_en = hint_ja = ""
    if d.precision == "day" and d.start >= ERAS[0].start:
        hint_en, hint_ja = f" (that day is {to_wareki(d.start)})", f"（その日は{to_wareki(d.start)}）"
    if after:
        hint_en += ("; to keep an era year the source projected beyond the era's end, write the Gregorian "
                    "year beside it, e.g. 平成32(2020)年3月")
        hint_ja += "。元号の終了後の年を原文どおり残すには、平成32(2020)年3月のように西暦を併記してください"
    raise WarekiError(f"{span_en}; {d.original} ({d.iso()}) is outside it{hint_en}",
                      f"{span_ja}。{d.original}（{d.iso()}）はその範囲外です{hint_ja}")


def fiscal_year_range(year: int) -> tuple[date, date]:
    """The fiscal year (年度) that begins in `year`: April 1 to March 31 of the next year."""
    return date(year, 4, 1), date(year + 1, 3, 31)


# --- periods ---------------------------------------------------------------------------------
_PERIOD_SPLIT = re.compile(r"\s*(?:から|～|〜|~)\s*")


def parse_period(text: str) -> tuple[JapaneseDate, JapaneseDate]:
    """Read "AからBまで", "AからB", "A～B" or "A〜B"; B may leave out A's era (令和3年度～7年度)."""
    if not isinstance(text, str):
        raise WarekiError(f"expected a period written as text, got {text!r}",
                          f"期間は文字列で書いてください（{text!r}）")
    parts = _PERIOD_SPLIT.split(text.strip().removesuffix("まで"))
    if len(parts) != 2 or not all(p.strip() for p in parts):
        raise WarekiError(f"'{text}' is not a period; expected e.g. 平成28(2016)年度から平成32(2020)年度まで "
                          "or 2025年4月～2026年3月",
                          f"「{text}」は期間として読めません。例: 平成28(2016)年度から平成32(2020)年度まで、"
                          "2025年4月～2026年3月")
    first = parse_japanese_date(parts[0])
    second = _parse_period_end(parts[1], parts[0])
    if second.end < first.start:
        raise WarekiError(f"'{text}': the period ends ({second.iso()}) before it begins ({first.iso()})",
                          f"「{text}」: 期間の終わり（{second.iso()}）が始まり（{first.iso()}）より前です")
    return first, second


def _parse_period_end(text: str, start_text: str) -> JapaneseDate:
    """The end of a period; when it starts with a digit, it may borrow the era of the start."""
    norm, start_norm = _normalize(text), _normalize(start_text)
    era = _ERA_RE.match(start_norm)
    if era and norm[:1].isdigit() and not _GREG_RE.fullmatch(norm) and not _ISO_RE.fullmatch(norm):
        try:
            return replace(parse_japanese_date(era["era"] + norm), original=text.strip())
        except WarekiError:
            pass  # report the end as written, below
    return parse_japanese_date(text)


# --- writing ---------------------------------------------------------------------------------
def era_of(d: date) -> Era:
    """The era in effect on day d (明治 or later)."""
    for era in reversed(ERAS):
        if d >= era.start:
            return era
    raise WarekiError(f"{d} is before 明治 began (1868-01-25); it has no era date here",
                      f"{d}は明治（1868-01-25〜）より前のため、和暦に変換できません")


def to_wareki(d: date) -> str:
    """The day in the era of its time: 2019-05-01 -> 令和元年5月1日, 2019-04-30 -> 平成31年4月30日."""
    era = era_of(d)
    year = d.year - era.offset
    return f"{era.name}{'元' if year == 1 else year}年{d.month}月{d.day}日"
