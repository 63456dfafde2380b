"""Escaping values that a spreadsheet would run as a formula (CSV/formula injection).

Lantern stores what agencies wrote, unchanged: a narrative beginning `=HYPERLINK(...)`
or a phone number `+44 7700 900123` is kept as text in the store. The danger is only
when a value is opened in Excel or LibreOffice, so **every export to CSV or XLSX must
pass each cell through `escape_formula` (or a row through `escape_row`)**. This follows
OWASP's advice: prefix a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage
return with a single quote, which spreadsheets show as text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

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
