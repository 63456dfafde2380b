"""Writes annex_a_faults.xlsx: a hand-made Annex A workbook with the classic faults.

Run `python make_workbook.py` here after changing it; the workbook is committed beside it so
the tests read a real file. Each fault is listed in README.md.
"""

import datetime as dt
from pathlib import Path

import openpyxl

PERSON = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
K = ["A400", "b) Female", "a) WBRI", dt.date(2000, 6, 21), 12]
J = ["A401", "a) Male", "a) WBRI", dt.date(2001, 2, 14), 11]

book = openpyxl.Workbook()
book.remove(book.active)
contacts = book.create_sheet("List 1 - Contacts")
contacts.append([*PERSON, "Date of Contact", "Contact Source"])
contacts.append([*K, dt.date(2012, 3, 1), "Police"])
contacts.append([*K, "31/02/2013", "Police"])  # row 3: a bad date
contacts.append([*K, dt.date(2012, 3, 1), "Police"])  # row 4: a duplicate of row 2
contacts.append([*J, dt.date(2012, 4, 1), "School", "shifted"])  # row 5: shifted columns
referrals = book.create_sheet("Referrals")  # renamed: found by its headings
referrals.append([*PERSON, "Date of Referral", "Referral Source", "Referral NFA?"])
referrals.append([*K, dt.date(2012, 3, 2), "Police", "b) No"])
referrals.append([*J, "02/04/2012", "School", "a) Yes"])  # a date written as text
plans = book.create_sheet("List 7 - Child Protection")
plans.append(
    [
        *PERSON,
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
    ]
)
plans.append([*K, dt.date(2012, 6, 20), "SAB", "XYZ"])  # row 2: an unknown category
notes = book.create_sheet("Notes for inspectors")
notes.append(["Prepared by", "Date"])
notes.append(["Performance team", dt.date(2013, 4, 1)])
book.save(Path(__file__).with_name("annex_a_faults.xlsx"))
