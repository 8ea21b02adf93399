"""Seed files → rows with their line numbers (CSV or JSON array), one row at a time.

CSV is read as a stream (a large file is never held whole); JSON is read as one text and its objects are decoded
one by one. File-level problems (not found, a directory, not UTF-8, an unclosed quote, a header that does not fit)
raise one `InputError` naming the file and line.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scoutly import jsonsafe
from scoutly.errors import InputError
from scoutly.seeding.columns import Kind, check_header

_SAVE_AS_UTF8 = 'save it as UTF-8 (in Excel: "CSV UTF-8")'


@dataclass(frozen=True)
class Row:
    """One record of a seed file: where it came from and its raw fields."""

    file: str
    line: int
    data: dict[str, Any]

    def where(self, field: str | None = None) -> str:
        """`file:line: field` — the prefix of every problem reported about this row."""
        return f"{self.file}:{self.line}: {field}" if field else f"{self.file}:{self.line}"


def check_file(path: Path) -> str:
    """The format ("csv" or "json") of a readable seed file; InputError in plain words otherwise."""
    if path.is_dir():
        raise InputError(f"{path}: is a directory; give a seed file (.csv or .json)")
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise InputError(f"{path}: unknown format (use a .csv or .json file)")
    return suffix[1:]


def iter_rows(path: Path, kind: Kind | None = None) -> Iterator[Row]:
    """Rows of a seed file, read as a stream; the format comes from the extension (.csv or .json)."""
    fmt = check_file(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            if fmt == "csv":
                yield from parse_csv(handle, str(path), kind)
            else:
                yield from parse_json(handle.read(), str(path), kind)
    except UnicodeDecodeError as exc:
        byte = exc.object[exc.start]
        raise InputError(f"{path}:{_bad_line(path)}: not UTF-8 text (byte {byte:#04x}); {_SAVE_AS_UTF8}") from None
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror or exc})") from None


def read_rows(path: Path, kind: Kind | None = None) -> list[Row]:
    """All rows of a seed file (small files; large ones are streamed with `iter_rows`)."""
    return list(iter_rows(path, kind))


def _bad_line(path: Path) -> int:
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError:
                return number
    return 1


def parse_csv(text: str | Iterable[str], name: str, kind: Kind | None = None) -> Iterator[Row]:
    """CSV with a header row. Empty cells become None; blank lines and lines starting with # are skipped."""
    lines = _Lines(io.StringIO(text) if isinstance(text, str) else iter(text))
    reader = csv.reader(lines, strict=True)
    header: list[str] | None = None
    while True:
        start = lines.count + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise InputError(_quote_problem(name, start, reader.line_num, str(exc))) from None
        if not any(cell.strip() for cell in cells):
            continue
        if header is None:
            header = [cell.strip() for cell in cells]
            where = f"{name}:{reader.line_num}"
            if any(not column for column in header):
                raise InputError(f"{where}: header has an empty column name")
            if len(set(header)) != len(header):
                raise InputError(f"{where}: header repeats a column name")
            check_header(kind, header, where)
            continue
        data: dict[str, Any] = {}
        for column, cell in zip(header, cells, strict=False):
            value = cell.strip()
            data[column] = value or None
        if len(cells) > len(header) and any(cell.strip() for cell in cells[len(header) :]):
            data["__extra__"] = cells[len(header) :]
        yield Row(name, start, data)
    if header is None:
        raise InputError(f"{name}: empty file (expected a header row)")


def _quote_problem(name: str, start: int, end: int, detail: str) -> str:
    if "unexpected end of data" in detail or end > start:
        return f'{name}:{start}: a quoted cell opened on this line is never closed (add the missing ")'
    return f"{name}:{end}: a quoted cell must be followed by a comma or the end of the line ({detail})"


class _Lines:
    """The lines of a CSV file with comment lines blanked (so numbering stays exact), counted as they are read."""

    def __init__(self, lines: Iterable[str]) -> None:
        self._lines = iter(lines)
        self.count = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.count += 1
        return "\n" if line.lstrip().startswith("#") else line


def parse_json(text: str, name: str, kind: Kind | None = None) -> Iterator[Row]:
    """A JSON array of objects, decoded one object at a time; each row's line is where its object starts."""
    position = _skip_space(text, 0)
    if position >= len(text) or text[position] != "[":
        raise InputError(f"{name}:{_line(text, position)}: expected a JSON array of objects")
    position = _skip_space(text, position + 1)
    if position < len(text) and text[position] == "]":
        return
    line, counted = 1, 0
    first = True
    while True:
        value, end = _decode_value(text, position, name)
        line += text.count("\n", counted, position)
        counted = position
        if not isinstance(value, dict):
            raise InputError(f"{name}:{line}: expected an object, got {type(value).__name__}")
        if first:
            check_header(kind, list(value), f"{name}:{line}", csv=False)
            first = False
        yield Row(name, line, value)
        position = _skip_space(text, end)
        if position < len(text) and text[position] == ",":
            position = _skip_space(text, position + 1)
            continue
        if position < len(text) and text[position] == "]":
            rest = _skip_space(text, position + 1)
            if rest != len(text):
                raise InputError(f"{name}:{_line(text, rest)}: unexpected text after the JSON array")
            return
        raise InputError(f"{name}:{_line(text, position)}: invalid JSON (expected ',' or ']')")


_DECODER = jsonsafe.Decoder()  # deep nesting: a decode error, not a RecursionError


def _decode_value(text: str, position: int, name: str) -> tuple[Any, int]:
    """One JSON value starting at `position` (the single place seed JSON is decoded)."""
    try:
        return _DECODER.raw_decode(text, position)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}:{exc.lineno}: invalid JSON ({exc.msg})") from None


def _skip_space(text: str, position: int) -> int:
    while position < len(text) and text[position] in " \t\r\n":
        position += 1
    return position


def _line(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1
