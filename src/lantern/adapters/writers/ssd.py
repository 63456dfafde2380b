"""A county's social care as Standard Safeguarding Dataset tables (CSV, one file a table).

Every SSD id is the county's own event_ref, so a record keeps its id through the round trip.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from lantern.adapters.normalise import code_lists
from lantern.adapters.writers.county import Event, Records, write_csv

HELD = ("contact", "referral", "assessment", "section47", "cp_conference", "cp_plan_start",
        "cp_plan_end", "care_episode_start", "care_episode_end", "placement_move",
        "missing_from_care", "away_from_placement")  # fmt: skip
COLUMNS = {
    "ssd_person": ("pers_person_id", "pers_sex", "pers_gender", "pers_ethnicity", "pers_dob",
                   "pers_common_child_id", "pers_legacy_id", "pers_upn_unknown",
                   "pers_send_flag", "pers_expected_dob", "pers_death_date", "pers_is_mother",
                   "pers_nationality"),
    "ssd_contacts": ("cont_contact_id", "cont_person_id", "cont_contact_date",
                     "cont_contact_source_code", "cont_contact_source_desc",
                     "cont_contact_outcome_json"),
    "ssd_cin_episodes": ("cine_referral_id", "cine_person_id", "cine_referral_date",
                         "cine_cin_primary_need_code", "cine_referral_source_code",
                         "cine_referral_source_desc", "cine_referral_outcome_json",
                         "cine_referral_nfa", "cine_close_reason", "cine_close_date",
                         "cine_referral_team", "cine_referral_worker_id"),
    "ssd_cin_assessments": ("cina_assessment_id", "cina_person_id", "cina_referral_id",
                            "cina_assessment_start_date", "cina_assessment_child_seen",
                            "cina_assessment_auth_date", "cina_assessment_outcome_json",
                            "cina_assessment_outcome_nfa", "cina_assessment_team",
                            "cina_assessment_worker_id"),
    "ssd_assessment_factors": ("cinf_table_id", "cinf_assessment_id",
                               "cinf_assessment_factors_json"),
    "ssd_s47_enquiry": ("s47e_s47_enquiry_id", "s47e_referral_id", "s47e_person_id",
                        "s47e_s47_start_date", "s47e_s47_end_date", "s47e_s47_nfa",
                        "s47e_s47_outcome_json", "s47e_s47_completed_by_team",
                        "s47e_s47_completed_by_worker_id"),
    "ssd_initial_cp_conference": ("icpc_icpc_id", "icpc_icpc_meeting_id",
                                  "icpc_s47_enquiry_id", "icpc_person_id", "icpc_cp_plan_id",
                                  "icpc_referral_id", "icpc_icpc_transfer_in",
                                  "icpc_icpc_target_date", "icpc_icpc_date",
                                  "icpc_icpc_outcome_cp_flag", "icpc_icpc_outcome_json",
                                  "icpc_icpc_team", "icpc_icpc_worker_id"),
    "ssd_cp_plans": ("cppl_cp_plan_id", "cppl_referral_id", "cppl_icpc_id", "cppl_person_id",
                     "cppl_cp_plan_start_date", "cppl_cp_plan_end_date", "cppl_cp_plan_ola",
                     "cppl_cp_plan_initial_category", "cppl_cp_plan_latest_category"),
    "ssd_cla_episodes": ("clae_cla_episode_id", "clae_person_id", "clae_cla_placement_id",
                         "clae_cla_episode_start_date", "clae_cla_episode_start_reason",
                         "clae_cla_primary_need_code", "clae_cla_episode_ceased_date",
                         "clae_cla_episode_ceased_reason", "clae_cla_id", "clae_referral_id",
                         "clae_cla_last_iro_contact_date", "clae_entered_care_date"),
    "ssd_missing": ("miss_table_id", "miss_person_id", "miss_missing_episode_start_date",
                    "miss_missing_episode_type", "miss_missing_episode_end_date",
                    "miss_missing_rhi_offered", "miss_missing_rhi_accepted"),
}  # fmt: skip


def _when(value: dt.datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if value else ""


def write(records: Records, out: Path) -> dict[str, int]:
    factors = code_lists("cin")["AssessmentFactors"]
    rows: dict[str, list[dict[str, str]]] = {table: [] for table in COLUMNS}
    subjects: set[str] = set()
    for child, events in records.by_subject(HELD).items():
        open_episode: dict[str, str] | None = None
        for e in events:
            need = next((c for c in e.coded("cin") if c.startswith("N")), "")
            held = True
            if e.type == "contact":
                rows["ssd_contacts"].append({"cont_contact_id": e.ref, "cont_person_id": child,
                    "cont_contact_date": _when(e.occurred)})  # fmt: skip
            elif e.type == "referral":
                rows["ssd_cin_episodes"].append({"cine_referral_id": e.ref, "cine_person_id": child,
                    "cine_referral_date": _when(e.occurred), "cine_cin_primary_need_code": need,
                    "cine_referral_nfa": "Y" if e.outcome == "NFA" else "N",
                    "cine_close_date": _when(e.ended)})  # fmt: skip
            elif e.type == "assessment":
                rows["ssd_cin_assessments"].append({"cina_assessment_id": e.ref,
                    "cina_person_id": child, "cina_assessment_start_date": _when(e.occurred),
                    "cina_assessment_auth_date": _when(e.ended)})  # fmt: skip
                held_factors = [c for c in dict.fromkeys(e.coded("cin")) if c in factors]
                if held_factors:
                    rows["ssd_assessment_factors"].append({"cinf_table_id": e.ref,
                        "cinf_assessment_id": e.ref,
                        "cinf_assessment_factors_json": json.dumps(held_factors)})  # fmt: skip
            elif e.type == "section47":
                rows["ssd_s47_enquiry"].append({"s47e_s47_enquiry_id": e.ref,
                    "s47e_person_id": child, "s47e_s47_start_date": _when(e.occurred),
                    "s47e_s47_end_date": _when(e.ended)})  # fmt: skip
            elif e.type == "cp_conference":
                rows["ssd_initial_cp_conference"].append({"icpc_icpc_id": e.ref,
                    "icpc_person_id": child, "icpc_icpc_date": _when(e.occurred)})  # fmt: skip
            elif e.type == "cp_plan_start":
                rows["ssd_cp_plans"].append({"cppl_cp_plan_id": e.ref, "cppl_person_id": child,
                    "cppl_cp_plan_start_date": _when(e.occurred)})  # fmt: skip
            elif e.type in ("care_episode_start", "placement_move"):
                if e.type == "placement_move" and open_episode is None:
                    held = False
                else:
                    open_episode = {"clae_cla_episode_id": e.ref, "clae_person_id": child,
                        "clae_cla_episode_start_date": _when(e.occurred),
                        "clae_cla_episode_start_reason": "S" if e.type == "care_episode_start" else "P",
                        "clae_cla_primary_need_code": need}  # fmt: skip
                    rows["ssd_cla_episodes"].append(open_episode)
            elif e.type == "care_episode_end":
                if open_episode is None or open_episode.get("clae_cla_episode_ceased_date"):
                    held = False
                else:
                    open_episode.update(clae_cla_episode_ceased_date=_when(e.occurred),
                                        clae_cla_episode_ceased_reason="E8")  # fmt: skip
                    open_episode = None
            elif e.type in ("missing_from_care", "away_from_placement"):
                rows["ssd_missing"].append({"miss_table_id": e.ref, "miss_person_id": child,
                    "miss_missing_episode_start_date": _when(e.occurred),
                    "miss_missing_episode_type": "M" if e.type == "missing_from_care" else "A",
                    "miss_missing_episode_end_date": _when(e.ended)})  # fmt: skip
            else:  # cp_plan_end: the SSD holds it as the plan's end date
                held = False
            if held:
                subjects.add(child)
            else:
                records.drop(e, "a move, end of care or end of plan with nothing open to end "
                             "in the extract")  # fmt: skip
    for child in sorted(subjects):
        person = records.people.get(child, {})
        rows["ssd_person"].append({"pers_person_id": child, "pers_sex": person.get("sex") or "U",
            "pers_ethnicity": person.get("ethnicity", ""),
            "pers_dob": person.get("date_of_birth", ""),
            "pers_common_child_id": person.get("upn", "")})  # fmt: skip
    for table, table_rows in rows.items():
        write_csv(out / f"{table}.csv", COLUMNS[table], table_rows)
    return {f"{t}.csv": len(r) for t, r in rows.items()}


__all__ = ["write", "Event"]
