"""Escaping values that a spreadsheet would run as a formula (CSV/formula injection).

Lantern stores what agencies wrote, unchanged: a narrative beginning `=HYPERLINK(...)`
or a phone number `+44 7700 900123` is kept as text in the store. The danger is only
when a value is opened in Excel or LibreOffice, so **every export to CSV or XLSX goes
through the one writer here**: `csv_writer` (a `csv.writer` that escapes every cell, header
included), `dict_writer` for dict rows, and `sheet_row` for an openpyxl row. This follows
OWASP's advice: prefix a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return with a single quote, which spreadsheets show as text. A test
(tests/unit/test_export_safety_everywhere.py) walks every export route and command with such
values and checks that no module writes CSV or XLSX any other way.

Not exports: `lantern synth` writes the Interchange files a pipeline ingests (escaping would
change the data), and the ingest's own readers.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def looks_like_formula(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def escape_formula(value: Any) -> Any:
    """`value` made safe to open in a spreadsheet; non-strings are returned unchanged."""
    if looks_like_formula(value):
        return "'" + value
    return value


def escape_row(row: Iterable[Any]) -> list[Any]:
    """Every cell of a row (a list, tuple or any iterable of values) escaped."""
    return [escape_formula(v) for v in row]


def escape_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """Every value of a dict row (e.g. for `csv.DictWriter`) escaped; keys unchanged."""
    return {k: escape_formula(v) for k, v in record.items()}


def _breaks_line(row: list[Any], terminator: str) -> bool:
    """A cell with a line break that `csv` would leave unquoted (it quotes only the characters
    of its own line terminator): a spreadsheet would start a new row there, whose first cell
    could be a formula."""
    return any(
        isinstance(v, str) and any(c in v and c not in terminator for c in "\r\n") for v in row
    )


class _SafeWriter:
    """`csv.writer` with every cell of every row escaped."""

    def __init__(self, handle: IO[str], **fmt: Any) -> None:
        self._writer = csv.writer(handle, **fmt)
        self._quoted = csv.writer(handle, **{**fmt, "quoting": csv.QUOTE_ALL})
        self._terminator = self._writer.dialect.lineterminator

    def writerow(self, row: Iterable[Any]) -> Any:
        cells = escape_row(row)
        if _breaks_line(cells, self._terminator):
            return self._quoted.writerow(cells)
        return self._writer.writerow(cells)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


class _SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """`csv.DictWriter` with every value (and the header) escaped."""

    def __init__(self, handle: IO[str], fieldnames: list[str], **fmt: Any) -> None:
        super().__init__(handle, fieldnames, **fmt)
        self.writer = _SafeWriter(handle, **fmt)  # type: ignore[assignment]

    def writeheader(self) -> Any:
        return self.writer.writerow(self.fieldnames)

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow(escape_record(rowdict))


def csv_writer(handle: IO[str], **fmt: Any) -> _SafeWriter:
    """The CSV writer for every export: each cell escaped against formula injection."""
    return _SafeWriter(handle, **fmt)


def dict_writer(handle: IO[str], fieldnames: list[str], **fmt: Any) -> _SafeDictWriter:
    return _SafeDictWriter(handle, fieldnames, **fmt)


def sheet_row(values: Iterable[Any]) -> list[Any]:
    """A row for openpyxl's `sheet.append`: strings escaped, lists and dicts as escaped text."""
    return [escape_formula(str(v) if isinstance(v, list | tuple | dict) else v) for v in values]
