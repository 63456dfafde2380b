"""Ofsted Annex A: the inspection workbook, one sheet per list (lists 1 to 11).

Each list row is one child and one record: a contact (list 1), a referral (3), an assessment
(4), a section 47 enquiry and its initial conference (5), a child protection plan (7), the
child's latest period of care (8). Every list repeats the child's ID, gender, date of birth and
ethnicity, which make the person. Headings and sheet names are data
(`adapters/codes/annex_a.yaml`); a renamed sheet is found by its headings.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import yaml

from lantern.adapters.core import Adapted, Location
from lantern.adapters.normalise import CODES_DIR, code_lists, code_text, parse_date
from lantern.adapters.sources import Row, SourceTable, read_sheets

NAME = "annex-a"
TITLE = "Ofsted Annex A inspection workbook (xlsx, lists 1-11)"
_LIST_NAME = re.compile(r"^\s*list\s*(\d{1,2})\b", re.IGNORECASE)
_YES = {"A) YES", "YES", "Y", "1", "TRUE"}


@cache
def spec() -> dict:  # type: ignore[type-arg]
    return yaml.safe_load((CODES_DIR / "annex_a.yaml").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def _norm(heading: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", heading.lower()).strip()


def _column(table: SourceTable, names: list[str]) -> str | None:
    """The heading in `table` that is one of `names` (compared without case or punctuation)."""
    wanted = {_norm(n) for n in names}
    return next((h for h in table.header if _norm(h) in wanted), None)


def identify(table: SourceTable) -> tuple[str | None, bool]:
    """(list number, found by name) for a sheet: by its name, else by its date heading."""
    match = _LIST_NAME.match(table.sheet or "")
    lists = spec()["lists"]
    if match and match.group(1) in lists:
        return match.group(1), True
    for number, entry in lists.items():
        if not entry.get("skip") and _column(table, entry["date"]):
            return number, False
    return None, False


def adapt(source: Path, agency: str = "social_care") -> Adapted:
    adapted = Adapted(agency=agency, name=f"annex-a {source.name}")
    books = sorted(source.glob("*.xlsx")) if source.is_dir() else [source]
    for book in books:
        try:
            sheets = list(read_sheets(book, adapted))
        except Exception as error:  # openpyxl raises many kinds for a file that is not xlsx
            adapted.issue(Location(book.name), f"the file cannot be opened as an Excel "
                          f"workbook ({type(error).__name__}); nothing was read")  # fmt: skip
            continue
        found: dict[str, SourceTable] = {}
        for table in sheets:
            number, by_name = identify(table)
            where = Location(table.name, None, table.sheet)
            if number is None:
                adapted.issue(where, "the sheet is not one of the Annex A lists (its name does "
                              "not start 'List N' and its headings match no list); not read",
                              severity="warning")  # fmt: skip
                continue
            entry = spec()["lists"][number]
            if entry.get("skip"):
                adapted.read[f"list {number} (not read)"] += len(table.rows)
                continue
            if number in found:
                adapted.issue(where, f"a second sheet for list {number} (the first is "
                              f"'{found[number].sheet}'); not read")  # fmt: skip
                continue
            if not by_name:
                adapted.issue(where, f"the sheet's name does not say which list it is; read as "
                              f"list {number} ({entry['title']}) from its headings",
                              severity="warning")  # fmt: skip
            found[number] = table
            adapted.read[f"list {number}"] += len(table.rows)
        for number in sorted(found, key=int):
            _list(adapted, number, found[number])
    return adapted


def _list(adapted: Adapted, number: str, table: SourceTable) -> None:
    entry = spec()["lists"][number]
    person_spec = spec()["person"]
    id_column = _column(table, person_spec["id"])
    date_column = _column(table, entry["date"])
    where = Location(table.name, 1, table.sheet)
    if id_column is None or date_column is None:
        missing = entry["date"][0] if id_column else person_spec["id"][0]
        adapted.issue(where, f"list {number} has no '{missing}' heading, so none of its rows "
                      "can be read (add the heading used to adapters/codes/annex_a.yaml)")  # fmt: skip
        return
    columns: dict[str, str] = {
        field: column
        for field, names in entry.get("fields", {}).items()
        if (column := _column(table, names)) is not None
    }
    person_columns = {f: _column(table, n) for f, n in person_spec.items() if f != "id"}
    cin = code_lists("cin")
    for row in table.rows:
        child = row.text(id_column)
        if not child:
            adapted.issue(row.at(id_column), "is empty: the row names no child; not loaded")
            continue
        if not adapted.has_person(child):
            dob = _date(adapted, row, person_columns["date_of_birth"], "the child", required=False)
            sex_text = (
                code_text(row.values.get(person_columns["sex"])) if person_columns["sex"] else ""
            )
            adapted.person(
                child, row.location,
                date_of_birth=dob or "", sex=spec()["sex"].get(sex_text, ""),
                ethnicity=code_text(row.values.get(person_columns["ethnicity"]))
                if person_columns["ethnicity"] else "",
            )  # fmt: skip
        day = _date(adapted, row, date_column, f"the {entry['title'][:-1]}", required=True)
        if day is None:
            continue
        codes: list[str] = []
        fields: dict[str, object] = {}
        if columns.get("end"):
            fields["ended_at"] = (
                _date(adapted, row, columns["end"], "the record", required=False) or ""
            )
        if columns.get("source") and row.text(columns["source"]):
            codes.append(f"annex_a_source:{code_text(row.values[columns['source']])}")
        if columns.get("nfa") and code_text(row.values.get(columns["nfa"])) in _YES:
            fields["outcome"] = "NFA"
        for field in ("initial_category", "latest_category"):
            if columns.get(field) and row.text(columns[field]):
                code = cin["CategoryOfAbuse"].lookup(code_text(row.values[columns[field]]))
                if code is None:
                    adapted.issue(row.at(columns[field]), f"'{row.text(columns[field])}' is not "
                                  "a category of abuse (NEG, PHY, SAB, EMO, MUL); the plan loaded "
                                  "without it", row.text(columns[field]), "warning")  # fmt: skip
                else:
                    codes.append(f"cin_cp_category:{code}")
        if columns.get("need") and row.text(columns["need"]):
            need = code_lists("ssda903")["CIN"].lookup(row.values[columns["need"]])
            if need:
                codes.append(f"cin:{need}")
        if columns.get("legal_status") and row.text(columns["legal_status"]):
            status = code_lists("ssda903")["LS"].lookup(row.values[columns["legal_status"]])
            if status:
                codes.append(f"ssda903_ls:{status}")
        ref = f"aa{number}-{child}-{day.isoformat()}"
        added = adapted.event(
            ref, entry["event_type"], day, row.location, subject=child,
            duplicate_of=f"a second list {number} row for child {child!r} dated {day:%d/%m/%Y}",
            codes=";".join(dict.fromkeys(codes)), **fields,
        )  # fmt: skip
        if not added:
            continue
        if columns.get("icpc"):
            icpc = _date(adapted, row, columns["icpc"], "the conference", required=False)
            if icpc is not None:
                adapted.event(ref + "-icpc", "cp_conference", icpc, row.at(columns["icpc"]),
                              subject=child)  # fmt: skip
        if columns.get("ceased"):
            ceased = _date(adapted, row, columns["ceased"], "the period of care", required=False)
            if ceased is not None:
                adapted.event(ref + "-end", "care_episode_end", ceased,
                              row.at(columns["ceased"]), subject=child)  # fmt: skip


def _date(adapted: Adapted, row: Row, column: str | None, what: str, *, required: bool):  # type: ignore[no-untyped-def]
    if column is None:
        return None
    value = row.values.get(column)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            adapted.issue(row.at(column), f"is empty, but {what} needs it; not loaded")
        return None
    day = parse_date(value)
    if day is None:
        adapted.issue(
            row.at(column),
            f"'{row.text(column)}' is not a date (expected a date cell or DD/MM/YYYY); "
            + (f"{what} was not loaded" if required else f"{what} loaded without it"),
            row.text(column),
            "error" if required else "warning",
        )
    return day
