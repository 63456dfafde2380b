"""A county's looked-after children as the SSDA903 CSV files (Header, Episodes, Missing)."""

from __future__ import annotations

from pathlib import Path

from lantern.adapters.ssda903 import FILES
from lantern.adapters.writers.county import Event, Records, dmy, write_csv

CARE = ("care_episode_start", "placement_move", "care_episode_end")
MISSING = ("missing_from_care", "away_from_placement")


def _legal_status(event: Event) -> str:
    # The county's records do not say; an emergency start reads as police protection or an
    # EPO, everything else as a full care order. Lantern does not read LS for any signal.
    return "C2"


def write(records: Records, out: Path) -> dict[str, int]:
    """Write Header.csv, Episodes.csv and Missing.csv; returns rows per file."""
    episodes: list[dict[str, str]] = []
    missing: list[dict[str, str]] = []
    children: set[str] = set()
    for child, events in records.by_subject(CARE).items():
        open_row: dict[str, str] | None = None
        for e in events:
            if e.type == "care_episode_start":
                if open_row is not None:
                    # a new period of care while one is open (the records overlap): the open
                    # episode gives way that day without a reason for leaving care (X1), so no
                    # end of care is written that the records do not hold
                    open_row.update(DEC=dmy(e.day), REC="X1")
                    if open_row["DECOM"] == dmy(e.day):
                        records.drop(e, "a second care event for the child on the same day")
                        continue
                open_row = _episode(child, e, "S", None)
            elif open_row is None:
                records.drop(e, "no period of care open in the extract (903 records a move "
                             "or an end only within an episode)")  # fmt: skip
                continue
            elif open_row["DECOM"] == dmy(e.day):
                records.drop(e, "a second care event for the child on the same day")
                continue
            elif e.type == "placement_move":
                open_row.update(DEC=dmy(e.day), REC="X1")
                open_row = _episode(child, e, "P", open_row)
            else:  # care_episode_end
                open_row.update(DEC=dmy(e.day), REC="E8")
                open_row = None
                continue
            episodes.append(open_row)
            children.add(child)
    seen: set[tuple[str, ...]] = set()
    for child, events in records.by_subject(MISSING).items():
        for e in events:
            row = {
                "CHILD": child,
                "DOB": _dob(records, child),
                "MISSING": "M" if e.type == "missing_from_care" else "A",
                "MIS_START": dmy(e.day),
                "MIS_END": dmy(e.ended),
            }
            key = tuple(row.values())
            if key in seen:
                records.drop(e, "the same child, kind, start and end dates as another episode")
                continue
            seen.add(key)
            missing.append(row)
            children.add(child)
    header = []
    for child in sorted(children):
        person = records.people.get(child, {})
        upn = person.get("upn", "")
        header.append({
            "CHILD": child,
            "SEX": {"M": "1", "F": "2"}.get(person.get("sex", ""), ""),
            "DOB": _dob(records, child),
            "ETHNIC": person.get("ethnicity", ""),
            "UPN": upn or "UN1",
            "MOTHER": "",
            "MC_DOB": "",
        })  # fmt: skip
    write_csv(out / "Header.csv", FILES["Header"], header)
    write_csv(out / "Episodes.csv", FILES["Episodes"], episodes)
    write_csv(out / "Missing.csv", FILES["Missing"], missing)
    return {"Header.csv": len(header), "Episodes.csv": len(episodes), "Missing.csv": len(missing)}


def _dob(records: Records, child: str) -> str:
    text = records.people.get(child, {}).get("date_of_birth", "")
    return f"{text[8:10]}/{text[5:7]}/{text[:4]}" if len(text) == 10 else ""


def _episode(child: str, e: Event, rne: str, previous: dict[str, str] | None) -> dict[str, str]:
    need = next((c for c in e.coded("cin") if c.startswith("N")), "")
    return {
        "CHILD": child,
        "DECOM": dmy(e.day),
        "RNE": rne,
        "LS": previous["LS"] if previous else _legal_status(e),
        "CIN": need,
        "PLACE": "U6",
        "PLACE_PROVIDER": "PR1",
        "DEC": "",
        "REC": "",
        "REASON_PLACE_CHANGE": "CARPL" if rne == "P" else "",
        "HOME_POST": "",
        "PL_POST": e.postcode,
        "URN": "",
    }
