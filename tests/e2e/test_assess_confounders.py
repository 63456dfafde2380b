"""`lantern assess` on a small hand-made county of confounders (issue 16): the school taxi
that carries many looked-after children, and an uncle two cousins go missing to. Before the
fixes the taxi tied every child it drove to every other (link points, and a vehicle sign on
each school run), and the uncle was a connector of a two-girl "network"."""

from __future__ import annotations

import csv
from datetime import datetime, timedelta
from pathlib import Path

import duckdb

from lantern.cli import main

EVENT_HEADER = (
    "agency,event_ref,event_type,occurred_at,recorded_at,ended_at,postcode,place_name,"
    "latitude,longitude,narrative,outcome,codes"
)


class County:
    def __init__(self) -> None:
        self.people: list[list[str]] = []
        self.events: dict[str, list[list[str]]] = {}
        self.event_people: list[list[str]] = []
        self.event_things: list[list[str]] = []
        self.n = 0

    def person(self, agency: str, ref: str, given: str, family: str, dob: str,
               sex: str = "F", postcode: str = "") -> str:  # fmt: skip
        self.people.append([agency, ref, given, family, "", dob, "", sex, "", "", postcode,
                            "", "", "", ""])  # fmt: skip
        return ref

    def event(self, agency: str, kind: str, at: datetime, narrative: str,
              people: dict[str, str], things: list[tuple[str, str]] = (),
              ended: datetime | None = None) -> str:  # fmt: skip
        self.n += 1
        ref = f"{agency[:2].upper()}-{self.n:05d}"
        recorded = at + timedelta(hours=6)
        self.events.setdefault(agency, []).append(
            [agency, ref, kind, at.isoformat(), recorded.isoformat(),
             ended.isoformat() if ended else "", "", "", "", "", narrative, "", ""]
        )  # fmt: skip
        for person, role in people.items():
            self.event_people.append([agency, ref, person, role])
        for value, role in things:
            self.event_things.append([agency, ref, "vehicle", value, role, "silver saloon"])
        return ref

    def write(self, out: Path) -> Path:
        (out / "events").mkdir(parents=True)
        (out / "manifest.yaml").write_text(
            "lantern_interchange: 1\nname: confounders\nextracted_at: 2012-12-31T23:59:59+00:00\n"
        )

        def rows(path: Path, header: str, body: list[list[str]]) -> None:
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(header.split(","))
                writer.writerows(body)

        rows(out / "people.csv",
             "agency,person_ref,given_name,family_name,other_names,date_of_birth,birth_year,sex,"
             "nhs_number,upn,postcode,address,phone,email,ethnicity", self.people)  # fmt: skip
        rows(out / "event_people.csv", "agency,event_ref,person_ref,role", self.event_people)
        rows(out / "event_things.csv", "agency,event_ref,kind,value,role,description",
             self.event_things)  # fmt: skip
        for agency, body in self.events.items():
            rows(out / "events" / f"{agency}.csv", EVENT_HEADER, body)
        return out


def confounders(out: Path) -> Path:
    c = County()
    start = datetime(2011, 1, 10, 15, 0)
    names = ["Amber", "Bella", "Cleo", "Daisy", "Ella", "Freya", "Gina", "Hana", "Iris", "Jade"]
    # Ten looked-after girls, each driven by the contracted taxi on school runs and each
    # missing from her placement four times in three months (the home's late returns).
    for i, name in enumerate(names):
        ref = c.person("education", f"E{i}", name, f"Child{i}", f"1997-0{1 + i % 9}-1{i % 9}",
                       postcode=f"ZZ{i} 1AA")  # fmt: skip
        police = c.person("police", f"P{i}", name, f"Child{i}", f"1997-0{1 + i % 9}-1{i % 9}",
                          postcode=f"ZZ{i} 1AA")  # fmt: skip
        for k in range(3):  # school runs, none within days of a missing episode
            c.event("education", "school_concern", start + timedelta(days=30 * k + i + 5),
                    f"{name} collected by taxi TX11 AXI at lunchtime for a contact session.",
                    {ref: "subject"}, [("TX11 AXI", "other")])  # fmt: skip
        for k in range(4):
            at = start + timedelta(days=20 * k + i, hours=7)
            c.event("police", "missing_report", at,
                    f"{name} did not return to her placement by 22:00. Returned 23:30.",
                    {police: "subject"}, ended=at + timedelta(hours=2))  # fmt: skip
    # Two cousins in two households, each found twice at their uncle's.
    for i, name in enumerate(("Kim", "Lia")):
        child = c.person("police", f"C{i}", name, "Webster", f"1998-0{3 + i}-05",
                         postcode=f"YY{i} 2BB")  # fmt: skip
        for k in range(2):
            at = start + timedelta(days=100 + 40 * k + i, hours=8)
            c.event("police", "found_report", at,
                    f"{name} located at the home of her uncle Ron Webster.",
                    {child: "subject", "U1": "associate"})  # fmt: skip
            c.event("police", "missing_report", at - timedelta(hours=5),
                    f"{name} reported missing by mum.", {child: "subject"},
                    ended=at)  # fmt: skip
    c.person("police", "U1", "Ron", "Webster", "1970-02-02", sex="M", postcode="XX9 9XX")
    return c.write(out)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_the_school_taxi_and_the_uncle_are_context_not_concerns(tmp_path: Path) -> None:
    data = confounders(tmp_path / "county")
    out = tmp_path / "out"
    store = tmp_path / "store.duckdb"
    assert main(["assess", str(data), "--out", str(out), "--store", str(store)]) == 0
    persons = {r["person_id"]: r["records"] for r in _rows(out / "persons.csv")}
    uncle = next(p for p, records in persons.items() if "police:U1" in records.split(";"))
    con = duckdb.connect(str(store), read_only=True)
    # no child gained points through the taxi: it is a service, not a link
    links = con.execute(
        "SELECT count(*) FROM score_reasons WHERE category = 'links' AND evidence LIKE '%TX11%'"
    ).fetchall()[0][0]
    # the taxi's school runs are structured vehicle signs only while it had carried fewer
    # than six children: the first five records (children 1-5's first run)
    sightings = con.execute(
        "SELECT count(*) FROM indicator_hits WHERE indicator = 'vehicle_sighting'"
    ).fetchall()[0][0]
    routine = con.execute(
        "SELECT routine FROM graph_nodes WHERE node_id = 'vehicle:TX11AXI'"
    ).fetchall()
    con.close()
    assert (links, sightings) == (0, 5)
    assert routine == [(True,)]
    # no network holds the uncle, and no network is put forward at all
    networks = _rows(out / "networks.csv")
    assert not any(uncle in n["members"].split(";") for n in networks)
    assert all(n["band"] == "none" for n in networks)
    adults = {r["person_id"]: r for r in _rows(out / "adults.csv")}
    assert adults.get(uncle, {"band": "none"})["band"] in ("none", "low")
