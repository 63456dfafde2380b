"""Dates, times and codes as the returns write them, made into interchange values.

Every function returns None for a value it cannot read, never guesses: the adapter then
quarantines the row or the value with a sentence saying what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import yaml

# The DfE returns write DD/MM/YYYY (SSDA903, Annex A) or YYYY-MM-DD (CIN census XML, SSD).
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d")
# The years a record about a living child or their family can carry.
FIRST_YEAR, LAST_YEAR = 1900, 2100
_ISO_DATETIME = re.compile(
    r"(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}(:\d{2}(\.\d+)?)?)(Z|[+-]\d{2}:?\d{2})?"
)
# Annex A writes list values with an enumerator: "a) Male", "b) No".
_ENUMERATOR = re.compile(r"^[a-z]\)\s*", re.IGNORECASE)

CODES_DIR = Path(__file__).with_name("codes")


def parse_date(value: object, formats: Iterable[str] = DATE_FORMATS) -> dt.date | None:
    """A date from a cell: a date or datetime object (workbooks), or text in one of `formats`
    (a time of day after an ISO date is allowed and dropped)."""
    if isinstance(value, dt.datetime):
        return value.date() if FIRST_YEAR <= value.year <= LAST_YEAR else None
    if isinstance(value, dt.date):
        return value if FIRST_YEAR <= value.year <= LAST_YEAR else None
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    match = _ISO_DATETIME.fullmatch(text)
    if match:
        text = match.group(1)
        formats = ("%Y-%m-%d",)
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        if FIRST_YEAR <= parsed.year <= LAST_YEAR:
            return parsed.date()
    return None


def parse_timestamp(value: object, formats: Iterable[str]) -> dt.datetime | None:
    """A date and time from text in one of `formats` (strptime), or ISO 8601 text; a bare
    date is midnight. An offset is dropped after converting to London time is *not* done:
    police and NHS exports write local time."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if FIRST_YEAR <= value.year <= LAST_YEAR else None
    if isinstance(value, dt.date):
        return (
            dt.datetime.combine(value, dt.time()) if FIRST_YEAR <= value.year <= LAST_YEAR else None
        )
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    for fmt in formats:
        try:
            parsed = dt.datetime.strptime(text, fmt)
        except ValueError:
            continue
        return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is not None:
        from zoneinfo import ZoneInfo

        parsed = parsed.astimezone(ZoneInfo("Europe/London")).replace(tzinfo=None)
    return parsed if FIRST_YEAR <= parsed.year <= LAST_YEAR else None


def clean(value: object) -> str:
    """A cell as text: None and blanks are empty, surrounding spaces dropped."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a workbook's number cell: 3.0 is the code "3"
    return str(value).strip()


def code_text(value: object) -> str:
    """A code as written, ready to look up: trimmed, upper case, without an Annex A
    enumerator ("a) WBRI" is WBRI)."""
    return _ENUMERATOR.sub("", clean(value)).upper()


class CodeList:
    """One published code list (legal statuses, assessment factors ...): code → meaning."""

    def __init__(self, name: str, title: str, codes: dict[str, str], source: str = "") -> None:
        self.name = name
        self.title = title
        self.codes = {str(k).upper(): str(v) for k, v in codes.items()}
        self.source = source

    def __contains__(self, code: object) -> bool:
        return code_text(code) in self.codes

    def lookup(self, value: object) -> str | None:
        """The canonical code for `value`, or None if it is not on the list. A value written
        as code and description ("N1 - Abuse or neglect") is read by its code."""
        text = code_text(value)
        if text in self.codes:
            return text
        head = re.split(r"[\s:\-–]+", text, maxsplit=1)[0]
        return head if head in self.codes else None

    def describe(self, limit: int = 12) -> str:
        codes = list(self.codes)
        shown = ", ".join(codes[:limit])
        return shown + (f" … ({len(codes)} codes)" if len(codes) > limit else "")


@cache
def code_lists(fmt: str) -> dict[str, CodeList]:
    """The code lists of one format, from `codes/<fmt>.yaml` (a user may extend the file)."""
    data = yaml.safe_load((CODES_DIR / f"{fmt}.yaml").read_text(encoding="utf-8")) or {}
    return {
        name: CodeList(
            name, spec.get("title", name), spec.get("codes") or {}, spec.get("source", "")
        )
        for name, spec in data.items()
    }
