"""Interface text in Japanese and English, and template helpers (t, lang, links that keep the page)."""
from __future__ import annotations

from flask import request

from .context import lang, rewriter

MESSAGES = {
    "site_title": ("金沢市 協働のまちづくりオープンデータ", "Kanazawa Collaborative Town-Building Open Data"),
    "nav_home": ("ホーム", "Home"),
    "nav_sparql": ("SPARQL", "SPARQL"),
    "nav_downloads": ("ダウンロード", "Downloads"),
    "nav_catalog": ("カタログ", "Catalog"),
    "nav_vocabulary": ("語彙", "Vocabulary"),
    "switch_lang": ("English", "日本語"),
    "licence": ("ライセンス", "Licence"),
    "attribution": ("出典表記（コピーしてお使いください）", "Attribution (copy and use)"),
    "contact": ("お問い合わせ", "Contact"),
    "counts": ("データの件数", "What the data holds"),
    "triples": ("トリプル", "triples"),
    "version": ("版", "Version"),
    "built": ("作成日時", "Built"),
    "sources": ("出典", "Sources"),
    "rdf_of_page": ("このページのデータ", "This page as data"),
    "error": ("エラー", "Error"),
    "skip": ("本文へ移動", "Skip to content"),
}


def t(key: str) -> str:
    ja, en = MESSAGES[key]
    return ja if lang() == "ja" else en


def other_lang_url() -> str:
    """The same page in the other language (the toggle keeps the path and the other parameters)."""
    args = request.args.to_dict(flat=False)
    args["lang"] = ["en" if lang() == "ja" else "ja"]
    from urllib.parse import urlencode
    return request.path + "?" + urlencode(args, doseq=True)


def pick(values: dict, fallback: str = "") -> str:
    """A {lang: text} map in the page's language, falling back to the other one."""
    if not values:
        return fallback
    return values.get(lang()) or values.get("ja") or values.get("en") or next(iter(values.values()), fallback)


def register_template_helpers(app) -> None:
    app.jinja_env.globals.update(t=t, lang=lang, other_lang_url=other_lang_url, pick=pick,
                                 local=lambda iri: rewriter().local(iri))
    app.jinja_env.autoescape = True
    app.jinja_env.policies["json.dumps_kwargs"] = {"ensure_ascii": False, "sort_keys": True}
