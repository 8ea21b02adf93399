"""Problems found in seed input, collected from the whole input and reported sorted by file and line."""

from __future__ import annotations

from dataclasses import dataclass

from scoutly.errors import InputError
from scoutly.seeding.readers import Row


@dataclass(frozen=True)
class Problem:
    """`file:line: field: message` — one thing wrong in one row."""

    file: str
    line: int
    text: str

    def __str__(self) -> str:
        return self.text


class Problems:
    """Problems of a validation pass; `lines()` gives them sorted by file and line."""

    def __init__(self) -> None:
        self._found: list[Problem] = []

    def add(self, row: Row, field: str | None, message: str) -> None:
        self._found.append(Problem(row.file, row.line, f"{row.where(field)}: {message}"))

    def __bool__(self) -> bool:
        return bool(self._found)

    def __len__(self) -> int:
        return len(self._found)

    def lines(self) -> list[str]:
        """Files in the order they were first reported about, each file's problems by line (stable)."""
        order: dict[str, int] = {}
        for problem in self._found:
            order.setdefault(problem.file, len(order))
        ranked = sorted(self._found, key=lambda problem: (order[problem.file], problem.line))
        return [problem.text for problem in ranked]


class SeedError(InputError):
    """Seed input had problems; `problems` holds one `file:line: field: message` line each, sorted by line."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        count = len(problems)
        header = f"{count} problem{'s' if count != 1 else ''} in seed data; nothing was written"
        super().__init__("\n".join([header, *problems]))
