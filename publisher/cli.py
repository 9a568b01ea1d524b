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


@main.command(help="Validate the YAML data (default) or RDF files against the shapes. "
                   "Exit 0: conforms; 1: violations (or warnings with --strict); 2: input or shapes unreadable.")
@settings_options
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--data-dir", type=click.Path(path_type=Path), help="Folder of the YAML data (when no FILES).")
@click.option("--shapes", "shapes_dir", type=click.Path(path_type=Path), help="Folder or file of SHACL shapes.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit", "turtle"]), default="text",
              help="Report format.")
@click.option("--output", type=click.Path(path_type=Path), help="Write the report to a file instead of stdout.")
@click.option("--strict/--no-strict", default=None, help="Fail on SHACL warnings too.")
@LANG_OPTION
@handle_errors
def validate(config, files, data_dir, shapes_dir, fmt, output, strict, lang):
    from .reports import run_validation, write_report

    lang = lang or default_lang()
    settings = resolve_settings(config, data_dir=data_dir, strict=strict)
    report = run_validation(settings, list(files), shapes_dir)
    write_report(report, fmt, lang, output)
    sys.exit(0 if report.passes(strict=settings.strict) else 1)


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


if __name__ == "__main__":
    main()
