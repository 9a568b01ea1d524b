"""Settings: defaults < config file < KYODO_* environment < CLI flags; the README's table is the declared one."""
from __future__ import annotations

import pytest

from publisher.cli import settings_help
from publisher.errors import InputError
from publisher.settings import ROOT, load_settings


def test_precedence(tmp_path):
    config = tmp_path / "kyodo.yaml"
    config.write_text("port: 9000\nquery_timeout: 5\nworkers: 3\n", "utf-8")
    env = {"KYODO_PORT": "9100", "KYODO_QUERY_TIMEOUT": "7.5"}
    settings = load_settings(config, {"port": 9200}, environ=env)
    assert (settings.port, settings.query_timeout, settings.workers, settings.threads) == (9200, 7.5, 3, 4)


def test_base_iri_gets_a_trailing_slash():
    assert load_settings(None, {"base_iri": "https://example.org/x"}, environ={}).base_iri == "https://example.org/x/"


@pytest.mark.parametrize("text,message", [
    ("prot: 9000\n", "unknown setting 'prot'"),
    ("port: nine\n", "setting port"),
], ids=["unknown", "bad-value"])
def test_bad_config_file_says_what_and_where(tmp_path, text, message):
    config = tmp_path / "kyodo.yaml"
    config.write_text(text, "utf-8")
    with pytest.raises(InputError) as raised:
        load_settings(config, environ={})
    assert message in raised.value.message("en")
    assert "kyodo.yaml:1" in raised.value.message("en")


def test_bad_environment_value_is_a_clear_error():
    with pytest.raises(InputError) as raised:
        load_settings(None, environ={"KYODO_STRICT": "maybe"})
    assert "KYODO_STRICT" in raised.value.message("en")


def test_validation_processes_are_a_count():
    assert load_settings(None, environ={"KYODO_VALIDATION_PROCESSES": "3"}).validation_processes == 3
    with pytest.raises(InputError) as raised:
        load_settings(None, environ={"KYODO_VALIDATION_PROCESSES": "-1"})
    assert "KYODO_VALIDATION_PROCESSES" in raised.value.message("en") and "0 or more" in raised.value.message("en")


def test_readme_settings_table_is_the_declared_table():
    readme = (ROOT / "README.md").read_text("utf-8")
    table = readme.split("<!-- settings-table -->\n", 1)[1].split("\n<!-- /settings-table -->", 1)[0]
    assert table == settings_help()
