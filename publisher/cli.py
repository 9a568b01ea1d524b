"""The kyodo command: build, validate, serve. Errors become messages here, at one point, never tracebacks."""
from __future__ import annotations

import functools
import locale
import os
import sys
from pathlib import Path

import click

from .errors import InputError, KyodoError
from .settings import SETTINGS, load_settings


def default_lang() -> str:
    for name in ("KYODO_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            return "ja" if value.lower().startswith("ja") else "en"
    return "ja" if (locale.getlocale()[0] or "").lower().startswith("ja") else "en"


def handle_errors(func):
    """Turn every domain error into 'Error: …' lines and its exit code; unexpected errors too, briefly."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        lang = kwargs.get("lang") or default_lang()
        try:
            return func(*args, **kwargs)
        except InputError as exc:
            label = "エラー" if lang == "ja" else "Error"
            for problem in exc.problems:
                click.echo(f"{label}: {problem.message(lang)}", err=True)
            sys.exit(exc.exit_code)
        except KyodoError as exc:
            text = exc.message(lang) if hasattr(exc, "message") else str(exc)
            click.echo(f"{'エラー' if lang == 'ja' else 'Error'}: {text}", err=True)
            sys.exit(exc.exit_code)
        except KeyboardInterrupt:
            click.echo("Interrupted.", err=True)
            sys.exit(130)
    return wrapper


def settings_options(func):
    """--config plus one flag per setting the command uses (CLI flags beat environment and config file)."""
    func = click.option("--config", type=click.Path(path_type=Path), help="Config file (YAML).")(func)
    return func


def resolve_settings(config, **overrides):
    return load_settings(config, {k: v for k, v in overrides.items() if v is not None})


@click.group(help="kyodo-lod: publish a city's collaborative town-building data as linked open data.")
@click.version_option(package_name="kyodo-lod")
def main():
    pass


LANG_OPTION = click.option("--lang", type=click.Choice(["ja", "en"]), default=None,
                           help="Language of messages (default: from the locale).")


@main.command(help="Build the dataset from data/, validate it, and write a release to the output folder.")
@settings_options
@click.option("--data-dir", type=click.Path(path_type=Path), help="Folder of the YAML data.")
@click.option("--output-dir", type=click.Path(path_type=Path), help="Folder to write releases to.")
@click.option("--base-iri", help="Base IRI for minted identifiers.")
@click.option("--strict/--no-strict", default=None, help="Fail on SHACL warnings too.")
@LANG_OPTION
@handle_errors
def build(config, data_dir, output_dir, base_iri, strict, lang):
    from .build import ValidationFailed, run_build
    from .reports import render_text

    lang = lang or default_lang()
    settings = resolve_settings(config, data_dir=data_dir, output_dir=output_dir, base_iri=base_iri, strict=strict)
    try:
        result = run_build(settings)
    except ValidationFailed as failed:
        click.echo(render_text(failed.report, lang), err=True)
        sys.exit(1)
    report = result.report
    verb = ("同じ内容のリリースを再利用" if lang == "ja" else "reused the identical release") if result.reused else (
        "ビルド完了" if lang == "ja" else "built")
    click.echo(f"{verb}: {result.version} ({result.quads} quads; "
               f"{report.counts['violation']} violations, {report.counts['warning']} warnings; "
               f"validated in {report.seconds:.2f} s) -> {result.release_dir}")


VALIDATE_HELP = """Validate the YAML data (default) or RDF FILES (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML)
against the shapes. Every problem is reported at once, with the file, line and key that produced it.

\b
Exit codes: 0 conforms (warnings allowed unless --strict); 1 violations, or data errors
(unknown fields, bad dates, dangling references, duplicate keys, wrong types);
2 the input, the ontology or the shapes cannot be read (missing file, syntax, encoding)."""


@main.command(help=VALIDATE_HELP)
@settings_options
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--data-dir", type=click.Path(path_type=Path), help="Folder of the YAML data (when no FILES).")
@click.option("--shapes", "shapes", type=click.Path(path_type=Path), help="SHACL shapes: a folder of *.ttl or one file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "turtle", "html"]), default="text",
              help="Report format: text (ja/en), json, junit (XML for CI), turtle (the SHACL report graph), html.")
@click.option("--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file (replaced atomically); a text summary still goes to stderr.")
@click.option("--strict/--no-strict", default=None, help="Fail on SHACL warnings too.")
@LANG_OPTION
@handle_errors
def validate(config, files, data_dir, shapes, fmt, output, strict, lang):
    from .reports import render_text, run_validation, write_report

    lang = lang or default_lang()
    settings = resolve_settings(config, data_dir=data_dir, shapes_dir=shapes, strict=strict)
    report = run_validation(settings, list(files))
    write_report(report, fmt, lang, output, settings.strict)
    if output is not None:
        text = render_text(report, lang, settings.strict)
        click.echo(text if fmt != "text" else text.splitlines()[-1], err=True)
    sys.exit(report.exit_code(settings.strict))


@main.command(help="Serve the current release: SPARQL endpoint, linked data, pages (production WSGI server).")
@settings_options
@click.option("--host", help="Address to listen on.")
@click.option("--port", type=int, help="Port to listen on.")
@click.option("--workers", type=int, help="Web worker processes.")
@click.option("--output-dir", type=click.Path(path_type=Path), help="Folder with the built releases.")
@LANG_OPTION
@handle_errors
def serve(config, host, port, workers, output_dir, lang):
    from .web.server import run_server

    settings = resolve_settings(config, host=host, port=port, workers=workers, output_dir=output_dir)
    run_server(settings)


def settings_help() -> str:
    """The settings table as Markdown, for the README (a test keeps them in step)."""
    rows = ["| setting | environment | default | meaning |", "|---|---|---|---|"]
    for s in SETTINGS:
        default = s.default if not isinstance(s.default, Path) else s.default.name
        rows.append(f"| `{s.name}` | `KYODO_{s.name.upper()}` | `{default}` | {s.help} |")
    return "\n".join(rows)


@main.command("site", help="Write the complete site (pages, documents, dumps, CSV, catalog) to OUTPUT_DIR as "
                            "static files for any web server. Limits: no SPARQL endpoint, no content negotiation "
                            "(documents end in .html/.ttl), English pages as *.en.html, only the current release.")
@settings_options
@click.argument("output_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option("--releases-dir", "dist", type=click.Path(path_type=Path),
              help="Folder with the built releases (the output_dir setting; default: dist).")
@click.option("--site-url", help="URL the site will be served from (default: the base IRI).")
@click.option("--base-iri", help="Base IRI the data was minted under.")
@LANG_OPTION
@handle_errors
def site(config, output_dir, dist, site_url, base_iri, lang):
    from .downloads.site import write_site

    lang = lang or default_lang()
    settings = resolve_settings(config, output_dir=dist, base_iri=base_iri)
    report = write_site(settings, output_dir, site_url)
    if lang == "ja":
        click.echo(f"静的サイトを書き出しました: {report.target}（{report.written} ファイル）")
    else:
        click.echo(f"wrote the static site to {report.target} ({report.written} files)")
    if report.missing:
        label = "応答がなかったページ" if lang == "ja" else "not rendered"
        click.echo(f"{label} ({len(report.missing)}): " + ", ".join(report.missing[:10])
                   + (" …" if len(report.missing) > 10 else ""), err=True)


if __name__ == "__main__":
    main()
