"""Search over short Japanese and English texts: folding, n-grams and a small ranked index.

Japanese is written without spaces between words, so matching is by substring and by character bigrams,
on text folded so that the ways people type the same word meet:

- NFKC: full-width Latin and digits become half-width (ＡＢＣ１ → abc1), half-width katakana become
  full-width (ｻﾊﾞｲ → サバイ), compatibility characters are expanded;
- case-insensitive for Latin (casefold, so ß matches ss);
- katakana become hiragana (サバイ → さばい), small kana become full-size (ッ → つ, ャ → や, ぁ → あ);
- the long vowel mark ー is dropped, so サーバー, サーバ and さばー all fold to さば (a deliberate
  trade: people omit and add the mark freely; the cost is that サバ also matches サーバー);
- spaces, punctuation (、。「」・!? …) and control characters are dropped: a query "Go West" finds
  "Go West Project", and 「Tips」 finds Tips.

The index ranks exact label matches above label substrings above alternative names above descriptions,
and among equals favours more matched bigrams and labels the query covers more of. Nothing here knows
about Flask or RDF: the web layer feeds documents in (publisher.web.search).
"""
from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

LONG_VOWEL_MARKS = "ー"
SMALL_KANA = dict(zip("ぁぃぅぇぉっゃゅょゎゕゖㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ",
                      "あいうえおつやゆよわかけくしすとぬはひふへほむらりるれろ"))
DROPPED_CATEGORIES = ("P", "Z", "C")

# How much a match in each field counts; "label" is the name or title shown for the document.
FIELD_WEIGHTS = {"label": 3.0, "alt": 2.0, "related": 1.5, "description": 1.0}
EXACT, SUBSTRING, PARTIAL = "exact", "substring", "partial"
TIER_SCORES = {EXACT: 100.0, SUBSTRING: 50.0, PARTIAL: 20.0}
PARTIAL_MIN_COVERAGE = 0.6   # of a term's bigrams, for a match that is not a substring
PARTIAL_MIN_LENGTH = 4       # shorter terms match as substrings only (one bigram of three is chance)


def _fold_char(ch: str) -> str:
    """One NFKC-normalised, case-folded character in its folded form ("" when it is dropped)."""
    code = ord(ch)
    if 0x30A1 <= code <= 0x30F6 or 0x30FD <= code <= 0x30FE:   # katakana (not ヷヸヹヺ ・ ー)
        ch = chr(code - 0x60)
    ch = SMALL_KANA.get(ch, ch)
    if ch in LONG_VOWEL_MARKS or unicodedata.category(ch)[0] in DROPPED_CATEGORIES:
        return ""
    return ch


def _clusters(text: str):
    """(start index, characters) of each base character with the combining marks that follow it,
    so that ｶﾞ and か + U+3099 are normalised together."""
    start = 0
    for index in range(1, len(text) + 1):
        if index < len(text) and (unicodedata.combining(text[index]) or text[index] in "\uff9e\uff9f"):
            continue
        yield start, text[start:index]
        start = index


def fold_with_positions(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each folded character the index in `text` it came from."""
    out: list[str] = []
    positions: list[int] = []
    for start, cluster in _clusters(text):
        normal = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", cluster).casefold())
        folded = "".join(_fold_char(ch) for ch in normal)
        folded = unicodedata.normalize("NFC", folded)          # つ + ゙ (after small-kana folding) -> づ
        while folded and unicodedata.combining(folded[0]):     # a mark whose base was dropped (after a space)
            folded = folded[1:]
        out.append(folded)
        positions.extend([start] * len(folded))
    return "".join(out), positions


def fold(text: str) -> str:
    """Text folded for matching (see the module docstring)."""
    return fold_with_positions(text)[0]


def ngrams(folded: str, n: int = 2) -> set[str]:
    """Character n-grams of folded text; a text shorter than n is its own single gram."""
    if len(folded) <= n:
        return {folded} if folded else set()
    return {folded[i:i + n] for i in range(len(folded) - n + 1)}


def terms(query: str) -> list[str]:
    """The folded terms of a query: split on spaces (ASCII or ideographic), each folded, empty ones dropped."""
    return [t for t in (fold(part) for part in query.split()) if t]


@dataclass(frozen=True)
class Text:
    field: str      # label, alt, related, description
    lang: str       # ja, en
    text: str       # as written
    folded: str
    positions: tuple[int, ...]
    grams: frozenset[str]

    @classmethod
    def of(cls, field_name: str, lang: str, text: str) -> "Text":
        folded, positions = fold_with_positions(text)
        return cls(field_name, lang, text, folded, tuple(positions), frozenset(ngrams(folded)))

    def excerpt(self, term: str, width: int = 40) -> tuple[str, str, str]:
        """(before, match, after) around the first occurrence of a folded term, in the original text."""
        at = self.folded.find(term)
        if at < 0:
            return ("", self.text[:width * 2], "…" if len(self.text) > width * 2 else "")
        start = self.positions[at]
        end = self.positions[at + len(term) - 1] + 1
        while end < len(self.text) and (unicodedata.combining(self.text[end]) or self.text[end] in "\uff9e\uff9f"):
            end += 1
        before = self.text[max(0, start - width):start]
        after = self.text[end:end + width]
        return (("…" if start > width else "") + before, self.text[start:end],
                after + ("…" if end + width < len(self.text) else ""))


@dataclass
class Document:
    key: str                       # unique within the index (an IRI)
    texts: list[Text] = field(default_factory=list)
    payload: Any = None            # whatever the caller needs to show a hit

    def add(self, field_name: str, lang: str, text: str) -> None:
        if text and text.strip():
            self.texts.append(Text.of(field_name, lang, text))

    @property
    def label_length(self) -> int:
        return min((len(t.folded) for t in self.texts if t.field == "label"), default=10_000)


@dataclass(frozen=True)
class Match:
    text: Text
    tier: str       # exact, substring, partial
    term: str
    score: float


@dataclass(frozen=True)
class Hit:
    document: Document
    score: float
    matches: tuple[Match, ...]   # the best match of each query term

    @property
    def best(self) -> Match:
        return max(self.matches, key=lambda m: m.score)


def match_term(term: str, text: Text) -> Match | None:
    """How well one folded term matches one text, or None."""
    weight = FIELD_WEIGHTS.get(text.field, 1.0)
    if term == text.folded and text.field in ("label", "alt"):
        return Match(text, EXACT, term, TIER_SCORES[EXACT] * weight)
    if term in text.folded:
        covered = len(term) / max(len(text.folded), 1)     # a query that is most of the label ranks higher
        return Match(text, SUBSTRING, term, (TIER_SCORES[SUBSTRING] + 20 * covered) * weight)
    grams = ngrams(term)
    if len(term) < PARTIAL_MIN_LENGTH or not grams:
        return None
    coverage = len(grams & text.grams) / len(grams)
    if coverage < PARTIAL_MIN_COVERAGE:
        return None
    return Match(text, PARTIAL, term, TIER_SCORES[PARTIAL] * coverage * weight)


def score_document(document: Document, query_terms: list[str]) -> Hit | None:
    """A hit when every term matches some text of the document; None otherwise."""
    best: list[Match] = []
    for term in query_terms:
        found = [m for m in (match_term(term, t) for t in document.texts) if m is not None]
        if not found:
            return None
        best.append(max(found, key=lambda m: m.score))
    all_grams = set().union(*(ngrams(t) for t in query_terms))
    doc_grams = set().union(*(t.grams for t in document.texts)) if document.texts else set()
    bonus = 10.0 * len(all_grams & doc_grams) / max(len(all_grams), 1)   # more matched n-grams, higher
    return Hit(document, sum(m.score for m in best) + bonus, tuple(best))


class Index:
    """Documents to search; built once (per release) and searched many times."""

    def __init__(self, documents: list[Document] | None = None):
        self.documents: list[Document] = list(documents or [])

    def add(self, document: Document) -> None:
        self.documents.append(document)

    def __len__(self) -> int:
        return len(self.documents)

    def search(self, query: str, *, accept=None) -> list[Hit]:
        """Hits for every document matching all terms, best first; `accept(document)` can filter."""
        query_terms = terms(query)
        if not query_terms:
            return []
        hits = [hit for doc in self.documents if accept is None or accept(doc)
                if (hit := score_document(doc, query_terms)) is not None]
        return sorted(hits, key=lambda h: (-h.score, h.document.label_length, h.document.key))
