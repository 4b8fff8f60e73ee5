"""Readable configuration errors: the file, the dotted key, the line and what was expected."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a scenario, located as precisely as the input allows."""

    source: str
    """The file path, or ``--set KEY=VALUE`` when an override caused it."""
    key: str
    """Dotted key inside the scenario (empty for the file as a whole)."""
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = self.source if self.line is None else f"{self.source}:{self.line}"
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class ScenarioError(ValueError):
    """Raised for any bad scenario input; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def dotted(path: tuple[str | int, ...]) -> str:
    """Join a key path into the dotted form used by ``--set`` (list items by index)."""
    return ".".join(str(part) for part in path)
