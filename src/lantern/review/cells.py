"""Cell values made safe for spreadsheets (formula injection).

Uses `lantern.interchange.export_safety.escape_formula` from the ingest stage;
until that lands on main, a minimal copy of the same rule (OWASP: prefix a
value starting with = + - @ tab or CR with a single quote) stands in.
"""

from __future__ import annotations

from typing import Any

try:
    from lantern.interchange.export_safety import escape_formula
except ImportError:  # pragma: no cover - only until the ingest stage is merged
    _FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

    def escape_formula(value: Any) -> Any:  # type: ignore[misc]
        """`value` made safe to open in a spreadsheet; non-strings are returned unchanged."""
        if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
            return "'" + value
        return value


__all__ = ["escape_formula"]
