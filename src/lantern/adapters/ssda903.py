"""SSDA903, the children looked after return: a folder of the DfE's CSV files.

Each file is recognised by its columns, not its name (councils name them freely):

- Header (CHILD, SEX, DOB, ETHNIC, UPN, MOTHER, MC_DOB) → `people`, one per child
- Episodes (CHILD, DECOM, RNE, LS, CIN, PLACE, PLACE_PROVIDER, DEC, REC, ...) → one event per
  episode: `care_episode_start` when the episode starts a period of care (RNE S), otherwise
  `placement_move`; and `care_episode_end` on DEC when the episode ends the period of care
  (REC other than X1). Legal status, category of need, placement and reasons are codes.
- Missing (CHILD, MISSING, MIS_START, MIS_END) → `missing_from_care` (M) or
  `away_from_placement` (A)

Reviews, UASC, OC2, OC3, AD1, PlacedAdoption and PrevPerm are recognised and counted but not
read (docs/adapters.md says why).
"""

from __future__ import annotations

from pathlib import Path

from lantern.adapters.core import Adapted
from lantern.adapters.normalise import clean, code_lists, parse_date
from lantern.adapters.sources import Row, SourceTable, read_csv_tables

NAME = "ssda903"
TITLE = "SSDA903 children looked after return (DfE CSV files)"
DATE_FORMAT = "%d/%m/%Y"

# The columns that identify each file (the DfE layout; the validator reads the same).
FILES: dict[str, tuple[str, ...]] = {
    "Header": ("CHILD", "SEX", "DOB", "ETHNIC", "UPN", "MOTHER", "MC_DOB"),
    "Episodes": ("CHILD", "DECOM", "RNE", "LS", "CIN", "PLACE", "PLACE_PROVIDER", "DEC", "REC",
                 "REASON_PLACE_CHANGE", "HOME_POST", "PL_POST", "URN"),
    "Missing": ("CHILD", "DOB", "MISSING", "MIS_START", "MIS_END"),
    "Reviews": ("CHILD", "DOB", "REVIEW", "REVIEW_CODE"),
    "UASC": ("CHILD", "SEX", "DOB", "DUC"),
    "OC2": ("CHILD", "DOB", "SDQ_SCORE", "SDQ_REASON", "CONVICTED", "HEALTH_CHECK",
            "IMMUNISATIONS", "TEETH_CHECK", "HEALTH_ASSESSMENT", "SUBSTANCE_MISUSE",
            "INTERVENTION_RECEIVED", "INTERVENTION_OFFERED"),
    "OC3": ("CHILD", "DOB", "IN_TOUCH", "ACTIV", "ACCOM"),
    "AD1": ("CHILD", "DOB", "DATE_INT", "DATE_MATCH", "FOSTER_CARE", "NB_ADOPTR", "SEX_ADOPTR",
            "LS_ADOPTR"),
    "PlacedAdoption": ("CHILD", "DOB", "DATE_PLACED", "DATE_PLACED_CEASED",
                       "REASON_PLACED_CEASED"),
    "PrevPerm": ("CHILD", "DOB", "PREV_PERM", "LA_PERM", "DATE_PERM"),
}  # fmt: skip
READ = ("Header", "Episodes", "Missing")
# Columns without which a file is not recognised as that table (its key columns).
_KEY_COLUMNS = {
    "Header": {"CHILD", "SEX", "DOB", "UPN"},
    "Episodes": {"CHILD", "DECOM", "RNE", "LS"},
    "Missing": {"CHILD", "MISSING", "MIS_START"},
}


def identify(table: SourceTable) -> str | None:
    """Which 903 file `table` is, by its columns (the best match), or None."""
    columns = table.columns()
    best, best_score = None, 0.0
    for name, expected in FILES.items():
        need = _KEY_COLUMNS.get(name, set(expected))
        if not need <= columns:
            continue
        score = len(columns & set(expected)) / len(columns | set(expected))
        if score > best_score:
            best, best_score = name, score
    return best


def adapt(source: Path, agency: str = "social_care") -> Adapted:
    """Read a folder of 903 CSV files (or one file) into interchange rows."""
    adapted = Adapted(agency=agency, name=f"ssda903 {source.name}")
    tables = read_csv_tables(
        source,
        adapted,
        identify,
        lambda table: (
            "the columns (" + ", ".join(table.header[:8]) + ") match none of the "
            "SSDA903 files (Header, Episodes, Missing, ...); the file was not read"
        ),
    )
    for needed in ("Header", "Episodes"):
        if needed not in tables:
            adapted.issue(
                _folder(source),
                f"no {needed} file was found (a CSV file with the columns "
                f"{', '.join(FILES[needed][:6])}, ...)",
            )
    _header(adapted, tables.get("Header"))
    _episodes(adapted, tables.get("Episodes"))
    _missing(adapted, tables.get("Missing"))
    return adapted


def _folder(source: Path):  # type: ignore[no-untyped-def]
    from lantern.adapters.core import Location

    return Location(source.name)


def _date(adapted: Adapted, row: Row, column: str, *, required: bool, what: str):  # type: ignore[no-untyped-def]
    """The date in `column`; an issue (and None) when it is missing or not a date."""
    text = row.text(column)
    if not text:
        if required:
            adapted.issue(row.at(column), f"is empty, but {what} needs it; not loaded")
        return None
    value = parse_date(text, (DATE_FORMAT, "%Y-%m-%d"))
    if value is None:
        adapted.issue(
            row.at(column),
            f"'{text}' is not a date (expected DD/MM/YYYY); "
            + (f"{what} was not loaded" if required else f"{what} loaded without it"),
            text,
            "error" if required else "warning",
        )
    return value


def _code(adapted: Adapted, row: Row, column: str, what: str) -> str | None:
    """The code in `column` from its published list; an unknown code is reported (the
    record loads without it)."""
    text = row.text(column)
    if not text:
        return None
    codes = code_lists(NAME)[column]
    code = codes.lookup(text)
    if code is None:
        adapted.issue(
            row.at(column),
            f"'{text}' is not a {codes.title} code ({codes.describe()}); {what} loaded "
            f"without it (add the code to the {column} list in adapters/codes/ssda903.yaml "
            "if it is a new one)",
            text,
            "warning",
        )
    return code


def _header(adapted: Adapted, table: SourceTable | None) -> None:
    if table is None:
        return
    for row in table.rows:
        child = row.text("CHILD")
        if not child:
            adapted.issue(row.at("CHILD"), "is empty: a child needs an ID; not loaded")
            continue
        dob = _date(adapted, row, "DOB", required=False, what="the child")
        sex = {"1": "M", "2": "F"}.get(_code(adapted, row, "SEX", "the child") or "", "")
        upn = row.text("UPN")
        if upn.upper().startswith("UN"):  # UN1..UN10: the reason a UPN is unknown
            upn = ""
        adapted.person(
            child, row.location.at(None),
            date_of_birth=dob or "", sex=sex, upn=upn, ethnicity=row.text("ETHNIC"),
        )  # fmt: skip


def _known_child(adapted: Adapted, row: Row, file: str) -> str | None:
    child = row.text("CHILD")
    if not child:
        adapted.issue(row.at("CHILD"), "is empty: the row names no child; not loaded")
        return None
    if not adapted.has_person(child):
        adapted.issue(
            row.at("CHILD"),
            f"child {child!r} is in {file} but not in Header (or Header's row for them "
            "could not be read), so the row cannot be tied to a child; not loaded",
            child,
        )
        return None
    return child


def _episodes(adapted: Adapted, table: SourceTable | None) -> None:
    if table is None:
        return
    for row in table.rows:
        child = _known_child(adapted, row, "Episodes")
        if child is None:
            continue
        start = _date(adapted, row, "DECOM", required=True, what="the episode")
        if start is None:
            continue
        end = _date(adapted, row, "DEC", required=False, what="the episode")
        rne = _code(adapted, row, "RNE", "the episode")
        codes = [f"ssda903_rne:{rne}" if rne else ""]
        for column, scheme in (("LS", "ssda903_ls"), ("CIN", "cin"), ("PLACE", "ssda903_place")):
            code = _code(adapted, row, column, "the episode")
            if code:
                codes.append(f"{scheme}:{code}")
        rec = _code(adapted, row, "REC", "the episode")
        ref = f"903-{child}-{start.isoformat()}"
        added = adapted.event(
            ref,
            "care_episode_start" if rne == "S" else "placement_move",
            start,
            row.location,
            subject=child,
            duplicate_of=f"a second episode for child {child!r} starting {start:%d/%m/%Y}",
            # the episode's end is its own event (care_episode_end) or the next episode's start
            postcode=row.text("PL_POST"),
            codes=";".join(c for c in codes if c),
        )
        if added and end is not None and rec and rec != "X1":
            adapted.event(
                ref + "-end",
                "care_episode_end",
                end,
                row.at("DEC"),
                subject=child,
                codes=f"ssda903_rec:{rec}",
            )


def _missing(adapted: Adapted, table: SourceTable | None) -> None:
    if table is None:
        return
    for row in table.rows:
        child = _known_child(adapted, row, "Missing")
        if child is None:
            continue
        kind = clean(row.values.get("MISSING")).upper()
        if kind not in ("M", "A"):
            adapted.issue(
                row.at("MISSING"),
                f"'{row.text('MISSING')}' is not M (missing) or A (away from placement "
                "without authorisation), so the kind of episode is unknown; not loaded",
                row.text("MISSING"),
            )
            continue
        start = _date(adapted, row, "MIS_START", required=True, what="the missing episode")
        if start is None:
            continue
        end = _date(adapted, row, "MIS_END", required=False, what="the missing episode")
        adapted.event(
            # two episodes may start on one day; the same start and end twice is a duplicate
            f"903-{child}-{kind}-{start.isoformat()}-{end.isoformat() if end else 'open'}",
            "missing_from_care" if kind == "M" else "away_from_placement",
            start,
            row.location,
            subject=child,
            duplicate_of=f"a second {'missing' if kind == 'M' else 'away'} episode for child "
            f"{child!r} with the same start and end",
            ended_at=end or "",
        )
