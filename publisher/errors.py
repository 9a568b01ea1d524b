"""Domain errors that say what went wrong and where, in Japanese and English.

Every stage raises these instead of library exceptions; the CLI and the web layer turn them into
messages at one point each, so a user never sees a traceback.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Location:
    """Where a problem is: a file and (1-based) line and column, and the YAML key path if known."""

    file: str
    line: int | None = None
    column: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        text = self.file
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, with its message in both languages."""

    location: Location | None
    en: str
    ja: str
    code: str = "invalid"

    def message(self, lang: str = "en") -> str:
        text = self.ja if lang == "ja" else self.en
        where = str(self.location) if self.location else ""
        if self.location and self.location.key:
            where += f" ({self.location.key})"
        return f"{where}: {text}" if where else text


class KyodoError(Exception):
    """Base of all errors a user should see as a message, never as a traceback."""

    exit_code = 1


class InputError(KyodoError):
    """The input (YAML, RDF, config) cannot be used; carries every problem found, not only the first."""

    exit_code = 2

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("InputError needs at least one problem")
        self.problems = list(problems)
        super().__init__(self.message("en"))

    def message(self, lang: str = "en") -> str:
        return "\n".join(p.message(lang) for p in self.problems)


@dataclass
class ProblemCollector:
    """Collects problems while a stage goes on, so all of them are reported at once."""

    problems: list[Problem] = field(default_factory=list)

    def add(self, location: Location | None, en: str, ja: str, code: str = "invalid") -> None:
        self.problems.append(Problem(location, en, ja, code))

    def raise_if_any(self) -> None:
        if self.problems:
            raise InputError(self.problems)
