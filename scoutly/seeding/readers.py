"""Seed files → rows with their line numbers (CSV or JSON array). Pure: text in, rows out."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoutly.errors import InputError


@dataclass(frozen=True)
class Row:
    """One record of a seed file: where it came from and its raw fields."""

    file: str
    line: int
    data: dict[str, Any]

    def where(self, field: str | None = None) -> str:
        """`file:line: field` — the prefix of every problem reported about this row."""
        return f"{self.file}:{self.line}: {field}" if field else f"{self.file}:{self.line}"


def read_rows(path: Path) -> list[Row]:
    """Read a seed file; the format comes from the extension (.csv or .json)."""
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read ({exc})") from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return parse_csv(text, str(path))
    if suffix == ".json":
        return parse_json(text, str(path))
    raise InputError(f"{path}: unknown format (use a .csv or .json file)")


def parse_csv(text: str, name: str) -> list[Row]:
    """CSV with a header row. Empty cells become None; blank lines and lines starting with # are skipped."""
    reader = csv.reader(_without_comments(io.StringIO(text)))
    header: list[str] | None = None
    rows = []
    for cells in reader:
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = [cell.strip() for cell in cells]
            if any(not column for column in header):
                raise InputError(f"{name}:{reader.line_num}: header has an empty column name")
            if len(set(header)) != len(header):
                raise InputError(f"{name}:{reader.line_num}: header repeats a column name")
            continue
        data: dict[str, Any] = {}
        for column, cell in zip(header, cells, strict=False):
            value = cell.strip()
            data[column] = value or None
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            data["__extra__"] = cells[len(header) :]
        rows.append(Row(name, reader.line_num, data))
    if header is None:
        raise InputError(f"{name}: empty file (expected a header row)")
    return rows


def parse_json(text: str, name: str) -> list[Row]:
    """A JSON array of objects; each row's line is where its object starts."""
    decoder = json.JSONDecoder()
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise InputError(f"{name}:{_line(text, position)}: expected a JSON array of objects")
    position = _skip_space(text, position + 1)
    rows: list[Row] = []
    if position < len(text) and text[position] == "]":
        return rows
    while True:
        try:
            value, end = decoder.raw_decode(text, position)
        except json.JSONDecodeError as exc:
            raise InputError(f"{name}:{exc.lineno}: invalid JSON ({exc.msg})") from None
        line = _line(text, position)
        if not isinstance(value, dict):
            raise InputError(f"{name}:{line}: expected an object, got {type(value).__name__}")
        rows.append(Row(name, line, value))
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            rest = _skip_space(text, position + 1)
            if rest != len(text):
                raise InputError(f"{name}:{_line(text, rest)}: unexpected text after the JSON array")
            return rows
        raise InputError(f"{name}:{_line(text, position)}: invalid JSON (expected ',' or ']')")


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _without_comments(lines: io.StringIO) -> Iterator[str]:
    # Keep line numbering exact: a comment line becomes an empty line (which is skipped).
    for line in lines:
        yield "\n" if line.lstrip().startswith("#") else line
