"""Helpers for the page tests: parse a page once and check what every page must be (lang, headings,
labels, no other host, accessible charts)."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass
class Element:
    tag: str
    attrs: dict
    text: str = ""
    parents: tuple[str, ...] = ()


class Page(HTMLParser):
    """Every element of a page, with its text and the tags it sits in."""

    def __init__(self):
        super().__init__()
        self.elements: list[Element] = []
        self._open: list[Element] = []

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), parents=tuple(e.tag for e in self._open))
        self.elements.append(element)
        if tag not in ("meta", "link", "input", "br", "img", "hr", "rect"):
            self._open.append(element)

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        for element in self._open:
            element.text += data

    def all(self, tag: str, **attrs) -> list[Element]:
        return [e for e in self.elements if e.tag == tag and all(e.attrs.get(k.rstrip("_")) == v
                                                                 for k, v in attrs.items())]

    def one(self, tag: str, **attrs) -> Element:
        found = self.all(tag, **attrs)
        assert len(found) == 1, f"expected one <{tag} {attrs}>, found {len(found)}"
        return found[0]

    def links(self) -> list[str]:
        return [e.attrs.get("href", "") for e in self.all("a")]


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def check_page(html: str, lang: str) -> Page:
    """What every page must be: its language, one h1, no skipped heading levels, every control labelled,
    nothing from another host, charts with role, title and desc."""
    page = parse(html)
    assert page.one("html").attrs.get("lang") == lang
    assert len(page.all("h1")) == 1
    levels = [int(e.tag[1]) for e in page.elements if e.tag in ("h1", "h2", "h3", "h4", "h5", "h6")]
    assert all(b <= a + 1 for a, b in zip(levels, levels[1:])), f"heading levels skip: {levels}"
    labelled = {e.attrs.get("for") for e in page.all("label")}
    for control in page.all("input") + page.all("select") + page.all("textarea"):
        if control.attrs.get("type") != "hidden":
            assert control.attrs.get("id") in labelled or control.attrs.get("aria-label"), control.attrs
    for tag, attr in (("script", "src"), ("link", "href"), ("img", "src")):
        for element in page.all(tag):
            assert not element.attrs.get(attr, "").startswith(("http://", "https://", "//")), element.attrs
    for svg in page.all("svg"):
        assert svg.attrs.get("role") == "img"
        ids = svg.attrs["aria-labelledby"].split()
        assert [e.tag for e in page.elements if e.attrs.get("id") in ids] == ["title", "desc"]
    return page


def read_csv(body: bytes) -> list[list[str]]:
    assert body.startswith(b"\xef\xbb\xbf"), "UTF-8 with a BOM"
    text = body[3:].decode("utf-8")
    assert "\r\n" in text or text.count("\n") <= 1
    return list(csv.reader(io.StringIO(text, newline="")))
