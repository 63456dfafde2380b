"""A county's social care as an Ofsted Annex A workbook (lists 1, 3, 4, 5, 7 and 8)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from lantern.adapters.writers.county import Event, Records

PERSON = ("Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)")
SHEETS = {
    "1": ("List 1 - Contacts", ("Date of Contact", "Contact Source")),
    "3": ("List 3 - Referrals", ("Date of Referral", "Referral Source", "Referral NFA?")),
    "4": ("List 4 - Assessments", ("Continuous Assessment Start Date",
                                   "Continuous Assessment Date of Completion")),
    "5": ("List 5 - Section 47", ("Strategy Discussion Initiating Section 47 Enquiry Start Date",
                                  "Date of Initial Child Protection Conference")),
    "7": ("List 7 - Child Protection", ("Child Protection Plan Start Date",
                                        "Initial Category of Abuse", "Latest Category of Abuse",
                                        "Child Protection Plan End Date")),
    "8": ("List 8 - Children in Care", ("Date Started to be Looked After",
                                        "Child's Category of Need", "Legal Status",
                                        "Date Ceased to be Looked After")),
}  # fmt: skip
LIST_OF = {"contact": "1", "referral": "3", "assessment": "4", "section47": "5",
           "cp_plan_start": "7", "care_episode_start": "8"}  # fmt: skip
HELD = (*LIST_OF, "cp_conference", "care_episode_end")
_GENDER = {"M": "a) Male", "F": "b) Female"}


def _age(dob: str, on: dt.date) -> int | str:
    if len(dob) != 10:
        return ""
    born = dt.date.fromisoformat(dob)
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _person_cells(child: str, person: dict[str, str], on: dt.date) -> list[object]:
    """The columns every list starts with: the child's ID, gender, ethnicity, birth and age."""
    dob = person.get("date_of_birth", "")
    return [
        child,
        _GENDER.get(person.get("sex", ""), "c) Not stated/recorded"),
        person.get("ethnicity", ""),
        dt.date.fromisoformat(dob) if len(dob) == 10 else None,
        _age(dob, on),
    ]


def write(records: Records, out: Path) -> dict[str, int]:
    import openpyxl

    rows: dict[str, list[list[object]]] = {n: [] for n in SHEETS}
    for child, events in records.by_subject(HELD).items():
        person = records.people.get(child, {})
        seen: set[tuple[str, dt.date]] = set()
        last_s47: list[object] | None = None
        care: list[Event] = [e for e in events if e.type == "care_episode_start"]
        latest_care = care[-1] if care else None
        care_row: list[object] | None = None
        for e in events:
            base = _person_cells(child, person, e.day)
            number = LIST_OF.get(e.type)
            if number is not None and (number, e.day) in seen:
                records.drop(e, "a second record of the same list for the child on the same day")
                continue
            if e.type == "contact":
                rows["1"].append([*base, e.day, ""])
            elif e.type == "referral":
                rows["3"].append([*base, e.day, "", "a) Yes" if e.outcome == "NFA" else "b) No"])
            elif e.type == "assessment":
                rows["4"].append([*base, e.day, e.ended.date() if e.ended else None])
            elif e.type == "section47":
                last_s47 = [*base, e.day, None]
                rows["5"].append(last_s47)
            elif e.type == "cp_conference":
                if last_s47 is None or last_s47[-1] is not None:
                    records.drop(e, "a conference with no section 47 enquiry before it (Annex A "
                                 "holds the initial conference on the enquiry's row)")  # fmt: skip
                    continue
                last_s47[-1] = e.day
            elif e.type == "cp_plan_start":
                rows["7"].append([*base, e.day, "", "", e.ended.date() if e.ended else None])
            elif e.type == "care_episode_start":
                if e is not latest_care:
                    records.drop(e, "an earlier period of care (list 8 holds each child once, "
                                 "with their latest period)")  # fmt: skip
                    continue
                need = next((c for c in e.coded("cin") if c.startswith("N")), "")
                care_row = [*base, e.day, need, "", None]
                rows["8"].append(care_row)
            elif e.type == "care_episode_end":
                if care_row is None or care_row[-1] is not None:
                    records.drop(e, "the end of an earlier period of care, or of one with no "
                                 "start in the extract")  # fmt: skip
                    continue
                care_row[-1] = e.day
            if number is not None:
                seen.add((number, e.day))
    book = openpyxl.Workbook()
    book.remove(book.active)
    for number, (title, columns) in SHEETS.items():
        sheet = book.create_sheet(title)
        sheet.append([*PERSON, *columns])
        for row in rows[number]:
            sheet.append(row)
    out.mkdir(parents=True, exist_ok=True)
    book.save(out / "annex_a.xlsx")
    return {SHEETS[n][0]: len(r) for n, r in rows.items()}
