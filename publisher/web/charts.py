"""Charts as server-rendered SVG: horizontal stacked bars, with the numbers also as a table.

One kind of chart covers what the pages show (projects per year by category, projects per partner
division, measures per basic policy by activity): each bar is one row, each series a segment. The
geometry is computed here; templates/_chart.html draws it (inline SVG: role="img", <title>, <desc>, a
<title> per segment, data-* attributes with the numbers) and the table. No script, no web font: text uses
the page's own fonts. Colours have at least 3:1 contrast against white and segments are separated by a
white gap, so neighbours stay apart; the legend and the table carry the same numbers in words.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .context import lang

PALETTE = ("#0072B2", "#D55E00", "#007A5E", "#8E4585", "#8C6D1F", "#5E5E5E")
# A phone-sized drawing: the SVG scales to its box, so a narrow viewBox keeps the text about 12 px on a
# phone; pages.css caps the width on larger screens.
WIDTH = 360
BAR_AREA = 320          # the longest bar; the rest holds its total
LABEL_HEIGHT = 18       # a bar's label sits above it, so long Japanese names fit on a phone
BAR_HEIGHT = 18
GAP = 10
LABEL_UNITS = 56        # about what fits in WIDTH at 12 px (a CJK character counts 2); longer labels are cut


@dataclass(frozen=True)
class Series:
    key: str
    label: dict
    color: str


@dataclass(frozen=True)
class Bar:
    key: str
    label: dict
    values: dict                 # series key -> number
    href: str | None = None

    @property
    def total(self) -> int:
        return sum(self.values.values())


@dataclass(frozen=True)
class Segment:
    series: Series
    value: int
    x: float
    width: float


@dataclass(frozen=True)
class Placed:
    bar: Bar
    label_y: float
    y: float
    segments: tuple[Segment, ...]
    total_x: float

    height: float = BAR_HEIGHT

    @property
    def label(self) -> str:
        return short(pick(self.bar.label))


@dataclass
class Chart:
    id: str
    title: dict
    series: list[Series]
    bars: list[Bar]
    note: dict = field(default_factory=dict)
    unit: dict = field(default_factory=lambda: {"ja": "件", "en": ""})
    headers: dict = field(default_factory=lambda: {"ja": "項目", "en": "Item"})

    @property
    def height(self) -> int:
        return max(1, len(self.bars)) * (LABEL_HEIGHT + BAR_HEIGHT + GAP) + 4

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def largest(self) -> int:
        return max([bar.total for bar in self.bars] + [1])

    @property
    def shown_series(self) -> list[Series]:
        """Series with at least one non-zero value (the legend and the table list only these)."""
        return [s for s in self.series if any(bar.values.get(s.key) for bar in self.bars)]

    def placed(self) -> list[Placed]:
        scale = BAR_AREA / self.largest
        out = []
        for index, bar in enumerate(self.bars):
            top = index * (LABEL_HEIGHT + BAR_HEIGHT + GAP)
            x, segments = 0.0, []
            for series in self.series:
                value = bar.values.get(series.key, 0)
                if value:
                    segments.append(Segment(series, value, round(x, 2), round(value * scale, 2)))
                    x += value * scale
            out.append(Placed(bar, top + LABEL_HEIGHT - 5, top + LABEL_HEIGHT, tuple(segments), round(x + 4, 2)))
        return out

    def description(self) -> str:
        """The chart in words, for <desc> (what a screen reader says instead of the picture)."""
        parts = []
        for bar in self.bars:
            inner = ", ".join(f"{pick(s.label)} {bar.values[s.key]}{pick(self.unit)}"
                              for s in self.series if bar.values.get(s.key))
            total = f"{bar.total}{pick(self.unit)}"
            parts.append(f"{pick(bar.label)}: {total}" + (f" ({inner})" if inner and len(self.series) > 1 else ""))
        prefix = "" if parts else ("データはありません" if lang() == "ja" else "No data")
        return prefix + ("; ".join(parts) if lang() == "en" else "、".join(parts))


def short(text: str, units: int = LABEL_UNITS) -> str:
    """`text` cut to fit a bar's label line (the table beside the chart has it in full)."""
    used = 0
    for index, ch in enumerate(text):
        used += 2 if ord(ch) > 0x2E80 else 1
        if used > units:
            return text[:index].rstrip() + "…"
    return text


def pick(values: dict) -> str:
    return values.get(lang()) or values.get("ja") or values.get("en") or ""


def colors(keys: list[str]) -> dict[str, str]:
    """A colour for each key, in order, from the palette (repeating when there are more keys)."""
    return {key: PALETTE[i % len(PALETTE)] for i, key in enumerate(keys)}
