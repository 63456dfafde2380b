"""Reading the tables a source is made of — CSV files and workbook sheets — row by row, each
row with its place in the file, and a row whose values do not line up with the header
reported rather than read into the wrong columns."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from lantern.adapters.core import Adapted, Location
from lantern.adapters.normalise import clean


@dataclass(frozen=True)
class Row:
    """One record: its values by column name, and where it starts."""

    values: dict[str, object]
    location: Location

    def text(self, column: str | None) -> str:
        return clean(self.values.get(column)) if column else ""

    def at(self, column: str | None) -> Location:
        return self.location.at(column)


@dataclass
class SourceTable:
    """A header and the rows under it, from a CSV file or a sheet."""

    name: str  # as shown in messages: the file name, or the workbook's name
    header: list[str]
    rows: list[Row]
    sheet: str | None = None

    def columns(self) -> set[str]:
        return {h.upper() for h in self.header}


def read_csv_table(path: Path, adapted: Adapted, display: str | None = None) -> SourceTable:
    """Every row of a CSV file, keyed by its header (upper-cased for the DfE layouts' names
    is not done here: names are kept as written). A row with more or fewer values than the
    header is reported, not read: its values would land in the wrong columns."""
    name = display or path.name
    rows: list[Row] = []
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as handle:
        reader = csv.reader(handle)
        try:
            header = [h.strip() for h in next(reader)]
        except StopIteration:
            adapted.issue(Location(name), "the file is empty (no header row)", severity="warning")
            return SourceTable(name, [], [])
        start = reader.line_num + 1
        for values in reader:
            line, start = start, reader.line_num + 1
            if not any(v.strip() for v in values):
                continue
            location = Location(name, line)
            if len(values) != len(header):
                adapted.issue(
                    location,
                    f"the row has {len(values)} values but the header has {len(header)} "
                    "columns, so its values may have shifted into the wrong columns; "
                    "the row was not loaded",
                    ",".join(values)[:200],
                )
                continue
            rows.append(Row(dict(zip(header, values, strict=True)), location))
    return SourceTable(name, header, rows)


def read_csv_tables(
    source: Path,
    adapted: Adapted,
    identify: Callable[[SourceTable], str | None],
    unknown: Callable[[SourceTable], str],
    prepare: Callable[[SourceTable], None] | None = None,
) -> dict[str, SourceTable]:
    """Each CSV file of a folder (or the one file), by the kind `identify` names it from its
    columns (councils name their files freely). A file it names no kind of (`unknown` says
    why), or a second file of a kind, is reported and not read. `prepare` runs first."""
    files = sorted(source.glob("*.csv")) if source.is_dir() else [source]
    tables: dict[str, SourceTable] = {}
    for path in files:
        table = read_csv_table(path, adapted)
        if not table.header:
            continue
        if prepare is not None:
            prepare(table)
        kind = identify(table)
        if kind is None:
            adapted.issue(Location(table.name, 1, table.sheet), unknown(table))
            continue
        if kind in tables:
            adapted.issue(
                Location(table.name, 1, table.sheet),
                f"a second {kind} file (the first is {tables[kind].name}); not read",
            )
            continue
        tables[kind] = table
        adapted.read[kind] += len(table.rows)
    return tables


def read_sheets(path: Path, adapted: Adapted) -> Iterator[SourceTable]:
    """Every sheet of a workbook whose first non-empty row is its header."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            header: list[str] | None = None
            header_width = 0
            rows: list[Row] = []
            for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
                if not any(clean(c) for c in cells):
                    continue
                if header is None:
                    header = [clean(c) for c in cells]
                    while header and not header[-1]:
                        header.pop()
                    header_width = len(header)
                    continue
                location = Location(path.name, number, sheet.title)
                extra = [c for c in cells[header_width:] if clean(c)]
                if extra:
                    adapted.issue(
                        location,
                        f"the row has values beyond the last heading ({header_width} "
                        "columns), so its values may have shifted; the row was not loaded",
                        ",".join(clean(c) for c in cells)[:200],
                    )
                    continue
                padded = list(cells[:header_width]) + [None] * (header_width - len(cells))
                rows.append(Row(dict(zip(header, padded, strict=True)), location))
            yield SourceTable(path.name, header or [], rows, sheet.title)
    finally:
        book.close()
