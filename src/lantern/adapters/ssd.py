"""The Standard Safeguarding Dataset (SSD): a folder of its tables as CSV files.

The SSD (data-to-insight/ssd-data-model) is the sector's open model of what a children's case
system holds. Each file is recognised by its columns' prefix (`pers_`, `cont_`, `cine_` ...),
whatever it is called. Every table with a date becomes events with the table's own id, so a
record can be found again in the SSD:

| table | event |
|---|---|
| ssd_contacts | `contact` (source code) |
| ssd_cin_episodes | `referral` (primary need `cin:N*`, source, NFA, closure) |
| ssd_cin_assessments + ssd_assessment_factors | `assessment` with each factor `cin:11A` ... |
| ssd_s47_enquiry | `section47` |
| ssd_initial_cp_conference | `cp_conference` |
| ssd_cp_plans | `cp_plan_start` (categories), `cp_plan_end` |
| ssd_cla_episodes | `care_episode_start` (reason S) or `placement_move`; `care_episode_end` |
| ssd_missing | `missing_from_care` or `away_from_placement`, return interview offered/accepted |

ssd_person gives the people (sex, date of birth, UPN, ethnicity); ssd_linked_identifiers adds
NHS numbers and UPNs. Tables not listed are recognised and counted, not read.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from lantern.adapters.core import Adapted, Location
from lantern.adapters.normalise import code_lists, parse_timestamp
from lantern.adapters.sources import Row, SourceTable, read_csv_tables

NAME = "ssd"
TITLE = "Standard Safeguarding Dataset (SSD tables as CSV files)"

# table → the prefix of its columns (the SSD names every column <prefix>_<field>)
PREFIXES = {
    "ssd_person": "pers", "ssd_linked_identifiers": "link", "ssd_contacts": "cont",
    "ssd_cin_episodes": "cine", "ssd_cin_assessments": "cina",
    "ssd_assessment_factors": "cinf", "ssd_s47_enquiry": "s47e",
    "ssd_initial_cp_conference": "icpc", "ssd_cp_plans": "cppl", "ssd_cla_episodes": "clae",
    "ssd_missing": "miss", "ssd_family": "fami", "ssd_address": "addr",
    "ssd_disability": "disa", "ssd_immigration_status": "immi", "ssd_cin_plans": "cinp",
    "ssd_cin_visits": "cinv", "ssd_cp_reviews": "cppr", "ssd_cp_visits": "cppv",
    "ssd_cla_placement": "clap", "ssd_cla_reviews": "clar", "ssd_legal_status": "lega",
    "ssd_mother": "moth", "ssd_professionals": "prof", "ssd_involvements": "invo",
    "ssd_early_help_episodes": "earl", "ssd_care_leavers": "clea", "ssd_permanence": "perm",
}  # fmt: skip
_BY_PREFIX = {prefix: table for table, prefix in PREFIXES.items()}
FORMATS = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M:%S.%f", "%Y-%m-%d", "%d/%m/%Y", "%d/%m/%Y %H:%M")


@dataclass(frozen=True)
class EventTable:
    """How one SSD table becomes events."""

    id: str
    person: str
    date: str
    event_type: str
    what: str  # in messages: "the contact"
    end: str | None = None


EVENT_TABLES = {
    "ssd_contacts": EventTable("cont_contact_id", "cont_person_id", "cont_contact_date",
                               "contact", "the contact"),
    "ssd_cin_episodes": EventTable("cine_referral_id", "cine_person_id", "cine_referral_date",
                                   "referral", "the referral", "cine_close_date"),
    "ssd_cin_assessments": EventTable("cina_assessment_id", "cina_person_id",
                                      "cina_assessment_start_date", "assessment",
                                      "the assessment", "cina_assessment_auth_date"),
    "ssd_s47_enquiry": EventTable("s47e_s47_enquiry_id", "s47e_person_id",
                                  "s47e_s47_start_date", "section47", "the enquiry",
                                  "s47e_s47_end_date"),
    "ssd_initial_cp_conference": EventTable("icpc_icpc_id", "icpc_person_id", "icpc_icpc_date",
                                            "cp_conference", "the conference"),
    "ssd_cp_plans": EventTable("cppl_cp_plan_id", "cppl_person_id", "cppl_cp_plan_start_date",
                               "cp_plan_start", "the plan", "cppl_cp_plan_end_date"),
    "ssd_cla_episodes": EventTable("clae_cla_episode_id", "clae_person_id",
                                   "clae_cla_episode_start_date", "care_episode_start",
                                   "the care episode"),
    "ssd_missing": EventTable("miss_table_id", "miss_person_id",
                              "miss_missing_episode_start_date", "missing_from_care",
                              "the missing episode", "miss_missing_episode_end_date"),
}  # fmt: skip


def identify(table: SourceTable) -> str | None:
    """The SSD table whose prefix most of the columns carry."""
    counts: dict[str, int] = {}
    for column in table.header:
        prefix = column.lower().split("_", 1)[0]
        if prefix in _BY_PREFIX:
            counts[prefix] = counts.get(prefix, 0) + 1
    if not counts:
        return None
    prefix = max(counts, key=lambda p: counts[p])
    return _BY_PREFIX[prefix] if counts[prefix] * 2 >= len(table.header) else None


def _lower_case(table: SourceTable) -> None:
    """The SSD's names are lower case; an export may shout them."""
    table.header = [h.lower() for h in table.header]
    for row in table.rows:
        row.values.update({k.lower(): v for k, v in list(row.values.items())})


def adapt(source: Path, agency: str = "social_care") -> Adapted:
    adapted = Adapted(agency=agency, name=f"ssd {source.name}")
    tables = read_csv_tables(
        source,
        adapted,
        identify,
        lambda _table: (
            "the columns match no SSD table (each column starts with its table's "
            "prefix, such as pers_ or cont_); the file was not read"
        ),
        prepare=_lower_case,
    )
    if "ssd_person" not in tables:
        adapted.issue(Location(source.name), "no ssd_person file was found (columns pers_...), "
                      "so no record can be tied to a child")  # fmt: skip
        return adapted
    reader = _Reader(adapted)
    reader.people(tables["ssd_person"], tables.get("ssd_linked_identifiers"))
    factors = reader.factors(tables.get("ssd_assessment_factors"))
    for name, spec in EVENT_TABLES.items():
        if name in tables:
            reader.events(name, spec, tables[name], factors)
    return adapted


class _Reader:
    def __init__(self, adapted: Adapted) -> None:
        self.adapted = adapted
        self.codes = code_lists(NAME)
        self.cin = code_lists("cin")
        self.cla = code_lists("ssda903")

    def when(self, row: Row, column: str, what: str, *, required: bool) -> dt.datetime | None:
        text = row.text(column)
        if not text:
            if required:
                self.adapted.issue(row.at(column), f"is empty, but {what} needs it; not loaded")
            return None
        value = parse_timestamp(text, FORMATS)
        if value is None:
            self.adapted.issue(
                row.at(column),
                f"'{text}' is not a date (expected YYYY-MM-DD, with or without a time); "
                + (f"{what} was not loaded" if required else f"{what} loaded without it"),
                text,
                "error" if required else "warning",
            )
        return value

    def code(self, row: Row, column: str, codes, what: str) -> str | None:  # type: ignore[no-untyped-def]
        text = row.text(column)
        if not text:
            return None
        code = codes.lookup(text)
        if code is None:
            self.adapted.issue(
                row.at(column),
                f"'{text}' is not a {codes.title} code ({codes.describe()}); {what} loaded "
                "without it",
                text,
                "warning",
            )
        return code

    def people(self, table: SourceTable, links: SourceTable | None) -> None:
        extra: dict[str, dict[str, str]] = {}
        for row in links.rows if links else []:
            kind = row.text("link_identifier_type").lower()
            value = row.text("link_identifier_value")
            column = (
                "nhs_number"
                if "nhs" in kind
                else "upn"
                if "pupil" in kind and "former" not in kind
                else None
            )
            if column and value:
                extra.setdefault(row.text("link_person_id"), {}).setdefault(column, value)
        for row in table.rows:
            ref = row.text("pers_person_id")
            if not ref:
                self.adapted.issue(row.at("pers_person_id"), "is empty: the person has no ID; "
                                   "not loaded")  # fmt: skip
                continue
            dob = self.when(row, "pers_dob", "the person", required=False)
            sex = self.code(row, "pers_sex", self.codes["sex"], "the person") or ""
            common = row.text("pers_common_child_id")
            fields = {
                "date_of_birth": dob.date() if dob else "",
                "sex": sex if sex in ("M", "F") else "",
                "upn": common if len(common) == 13 else "",
                "ethnicity": row.text("pers_ethnicity"),
            }
            for column, value in extra.get(ref, {}).items():
                fields[column] = fields.get(column) or value
            self.adapted.person(ref, row.location, **fields)

    def factors(self, table: SourceTable | None) -> dict[str, list[str]]:
        """Assessment id → its factor codes (`cin:11A` ...)."""
        out: dict[str, list[str]] = {}
        for row in table.rows if table else []:
            assessment = row.text("cinf_assessment_id")
            for text in _factor_list(row.text("cinf_assessment_factors_json")):
                code = self.cin["AssessmentFactors"].lookup(text)
                if code is None:
                    self.adapted.issue(
                        row.at("cinf_assessment_factors_json"),
                        f"'{text}' is not an assessment factor code "
                        f"({self.cin['AssessmentFactors'].describe()}); the assessment loaded "
                        "without it",
                        text,
                        "warning",
                    )
                else:
                    out.setdefault(assessment, []).append(f"cin:{code}")
        return out

    def events(
        self, name: str, spec: EventTable, table: SourceTable, factors: dict[str, list[str]]
    ) -> None:
        adapted = self.adapted
        for row in table.rows:
            ref = row.text(spec.id)
            person = row.text(spec.person)
            if not ref:
                adapted.issue(row.at(spec.id), f"is empty: {spec.what} has no ID; not loaded")
                continue
            if not adapted.has_person(person):
                adapted.issue(
                    row.at(spec.person),
                    f"person {person!r} is not in ssd_person (or their row could not be read), "
                    f"so {spec.what} cannot be tied to a child; not loaded",
                    person,
                )
                continue
            start = self.when(row, spec.date, spec.what, required=True)
            if start is None:
                continue
            end = self.when(row, spec.end, spec.what, required=False) if spec.end else None
            event_type, codes, outcome = spec.event_type, [], ""
            if name == "ssd_contacts":
                source = row.text("cont_contact_source_code")
                codes.append(f"ssd_contact_source:{source}" if source else "")
                outcome = row.text("cont_contact_outcome_json")
            elif name == "ssd_cin_episodes":
                need = self.code(
                    row, "cine_cin_primary_need_code", self.cin["PrimaryNeedCode"], spec.what
                )
                codes.append(f"cin:{need}" if need else "")
                referrer = self.code(
                    row, "cine_referral_source_code", self.cin["ReferralSource"], spec.what
                )
                codes.append(f"cin_referral_source:{referrer}" if referrer else "")
                outcome = (
                    "NFA"
                    if self.code(row, "cine_referral_nfa", self.codes["yes_no"], spec.what)
                    in ("Y", "1", "YES", "TRUE")
                    else ""
                )
            elif name == "ssd_cin_assessments":
                codes += factors.get(ref, [])
            elif name == "ssd_cp_plans":
                for column in ("cppl_cp_plan_initial_category", "cppl_cp_plan_latest_category"):
                    category = self.code(row, column, self.cin["CategoryOfAbuse"], spec.what)
                    codes.append(f"cin_cp_category:{category}" if category else "")
            elif name == "ssd_cla_episodes":
                reason = self.code(row, "clae_cla_episode_start_reason", self.cla["RNE"], spec.what)
                event_type = "care_episode_start" if reason in (None, "S") else "placement_move"
                need = self.code(row, "clae_cla_primary_need_code", self.cla["CIN"], spec.what)
                codes.append(f"cin:{need}" if need else "")
            elif name == "ssd_missing":
                kind = self.codes["missing_type"].lookup(row.text("miss_missing_episode_type"))
                if kind is None:
                    adapted.issue(row.at("miss_missing_episode_type"), "does not say whether "
                                  "the child was missing or away from placement; not loaded",
                                  row.text("miss_missing_episode_type"))  # fmt: skip
                    continue
                event_type = (
                    "missing_from_care" if kind in ("M", "MISSING") else "away_from_placement"
                )
                for column, label in (
                    ("miss_missing_rhi_offered", "ssd_rhi_offered"),
                    ("miss_missing_rhi_accepted", "ssd_rhi_accepted"),
                ):
                    answer = self.code(row, column, self.codes["yes_no"], spec.what)
                    codes.append(f"{label}:{answer}" if answer else "")
            added = adapted.event(
                f"{PREFIXES[name]}:{ref}", event_type, start, row.location, subject=person,
                duplicate_of=f"a second row with {spec.id} {ref!r}",
                ended_at=end or "", outcome=outcome, codes=";".join(c for c in codes if c),
            )  # fmt: skip
            if added and name == "ssd_cp_plans" and end is not None:
                adapted.event(
                    f"cppl:{ref}:end", "cp_plan_end", end, row.at(spec.end), subject=person
                )
            if added and name == "ssd_cla_episodes":
                ceased = (
                    self.when(row, "clae_cla_episode_ceased_date", spec.what, required=False)
                    if "clae_cla_episode_ceased_date" in row.values
                    else self.when(row, "clae_cla_episode_ceased", spec.what, required=False)
                )
                why = self.code(row, "clae_cla_episode_ceased_reason", self.cla["REC"], spec.what)
                if ceased is not None and why and why != "X1":
                    adapted.event(f"clae:{ref}:end", "care_episode_end", ceased,
                                  row.at("clae_cla_episode_ceased_reason"), subject=person,
                                  codes=f"ssda903_rec:{why}")  # fmt: skip


def _factor_list(text: str) -> list[str]:
    """Assessment factors as the SSD writes them: a JSON list (`["11A", "3A"]`), a JSON
    object whose keys are the factors (`{"11A": "Y"}`), or a comma-separated list."""
    if not text:
        return []
    try:
        value = json.loads(text)
    except ValueError:
        return [t.strip() for t in text.replace(";", ",").split(",") if t.strip()]
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    if isinstance(value, dict):
        return [str(k).strip() for k, v in value.items() if v not in (None, "", "N", "n", 0, False)]
    return [str(value).strip()]
