"""Evaluation metrics on a tiny hand-made county whose numbers are worked out by hand.

Truth: children T1 (F) and T2 (M) are victims of network N1 (adults A1-A4); T3 (F) and T4 (M)
are not. Twelve records. See each test for the arithmetic.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from lantern.cli import main
from lantern.evaluate.metrics import evaluate_outputs


def write(path: Path, header: str, *rows: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join((header, *rows)) + "\n")


@pytest.fixture
def truth(tmp_path: Path) -> Path:
    d = tmp_path / "truth"
    write(
        d / "records.csv",
        "agency,person_ref,person_id",
        "police,p1,T1",
        "health,h1,T1",
        "education,e1,T1",
        "police,p2,T2",
        "health,h2,T2",
        "police,p3,T3",
        "health,h3,T3",
        "police,a1,A1",
        "police,a2,A2",
        "police,a3,A3",
        "police,a4,A4",
        "police,x1,X1",
    )
    write(
        d / "persons.csv",
        "person_id,kind,detail,sex,date_of_birth,given_name,family_name,household",
        "T1,child,,F,1996-01-01,,,",
        "T2,child,,M,1996-01-01,,,",
        "T3,child,,F,1996-01-01,,,",
        "T4,child,,M,1996-01-01,,,",
        "A1,network_adult,,M,1980-01-01,,,",
        "A2,network_adult,,M,1980-01-01,,,",
        "A3,network_adult,,M,1980-01-01,,,",
        "A4,network_adult,,M,1980-01-01,,,",
        "X1,professional,,F,1970-01-01,,,",
    )
    write(
        d / "victims.csv",
        "person_id,network_id,sex,date_of_birth,groomed_from,first_signal_date,recognition_date,recognition_kind,recruited_by",
        "T1,N1,F,1996-01-01,2010-01-01,2010-01-10,2011-01-01,strategy_discussion,",
        "T2,N1,M,1996-01-01,2010-02-01,2010-03-01,2010-07-01,sexual_offence_report,T1",
    )
    write(
        d / "network_members.csv",
        "network_id,person_id,role,nicknames",
        "N1,A1,adult,",
        "N1,A2,adult,",
        "N1,A3,adult,",
        "N1,A4,adult,",
        "N1,T1,child,",
        "N1,T2,child,",
    )
    return d


def assessment(d: Path, persons: list[str], children: list[str], networks: list[str]) -> Path:
    write(d / "persons.csv", "person_id,records", *persons)
    write(
        d / "children.csv",
        "person_id,records,band,score,first_flagged_at,network_ids,top_reasons",
        *children,
    )
    write(
        d / "adults.csv",
        "person_id,records,score,linked_children,first_flagged_at,network_ids,top_reasons",
    )
    write(
        d / "networks.csv",
        "network_id,members,child_count,adult_count,score,first_flagged_at",
        *networks,
    )
    return d


@pytest.fixture
def joint(tmp_path: Path) -> Path:
    return assessment(
        tmp_path / "work" / "joint",
        [
            "Pa,police:p1;health:h1",
            "Pb,education:e1;police:p3",
            "Pc,police:p2;health:h2",
            "Pd,health:h3",
            "Pe,police:a1;police:a2",
            "Pf,police:a3",
            "Pg,police:a4",
        ],
        # Pb's records tie 1-1 between T1 and T3: the smaller true id (T1) wins
        [
            ",".join(("Pa", "", "high", "20", "2010-06-01", "", "")),
            ",".join(("Pb", "", "medium", "12", "2010-02-01", "", "")),
            ",".join(("Pc", "", "low", "3", "2010-08-01", "", "")),
            ",".join(("Pd", "", "medium", "11", "2009-01-01", "", "")),
        ],
        ["N000001,Pe;Pf;Pa,1,2,5,", "N000002,Pd;Pzz;Pg,1,1,2,", "N000003,Pc;Pg,1,1,2,"],
    )


@pytest.fixture
def silos(tmp_path: Path) -> dict[str, Path]:
    police = assessment(
        tmp_path / "work" / "siloed" / "police",
        ["Q1,police:p1", "Q2,police:p2"],
        ["Q1,,medium,10,2010-09-01,,", "Q2,,none,0,,,"],
        [],
    )
    health = assessment(
        tmp_path / "work" / "siloed" / "health",
        ["H1,health:h1", "H2,health:h2"],
        ["H1,,medium,10,2010-12-01,,", "H2,,low,3,2010-05-01,,"],
        [],
    )
    return {"police": police, "health": health}


def test_identity_is_pairwise_over_every_true_record(truth: Path, joint: Path) -> None:
    # actual pairs: T1 has 3 records -> 3 pairs, T2 1, T3 1 = 5
    # predicted pairs: Pa 1, Pb 1, Pc 1, Pe 1 = 4; police:x1 is missing -> a singleton
    # true positives: Pa (p1,h1 both T1) 1, Pc 1 = 2
    ident = evaluate_outputs(joint, truth)["identity"]
    assert (ident["true_positives"], ident["predicted"], ident["actual"]) == (2, 4, 5)
    assert ident["precision"] == 0.5
    assert ident["recall"] == 0.4
    assert ident["f1"] == pytest.approx(0.4444, abs=1e-4)
    assert ident["records"] == 12
    assert ident["records_missing_from_output"] == 1


def test_children_at_risk_counts_rows_for_precision_and_victims_for_recall(
    truth: Path, joint: Path
) -> None:
    # flagged rows (medium/high): Pa->T1, Pb->T1, Pd->T3; Pc is low now, so not flagged
    risk = evaluate_outputs(joint, truth)["children_at_risk"]
    assert risk["all"]["precision"] == pytest.approx(2 / 3, abs=1e-4)
    assert risk["all"]["recall"] == 0.5  # T1 of {T1, T2}
    assert risk["all"]["f1"] == pytest.approx(2 * (2 / 3) * 0.5 / (2 / 3 + 0.5), abs=1e-4)
    assert risk["F"]["recall"] == 1.0
    assert risk["F"]["f1"] == pytest.approx(0.8, abs=1e-4)
    assert risk["M"]["precision"] is None  # no boy flagged
    assert risk["M"]["recall"] == 0.0


def test_networks_found_and_false(truth: Path, joint: Path) -> None:
    # N000001 -> A1 (Pe ties A1/A2), A3, T1: 2 of 4 adults and a victim -> N1 found
    # N000002 -> T3, unknown, A4: 1 planted member of 3 -> false
    # N000003 -> T2, A4: all planted -> not false (but finds nothing: 1 adult of 4)
    nets = evaluate_outputs(joint, truth)["networks"]
    assert (nets["planted"], nets["found"], nets["reported"], nets["false"]) == (1, 1, 3, 1)
    assert nets["false_per_10000_children"] == 2500.0  # 1 false network, 4 children


def test_lead_time_joint_uses_each_victims_earliest_flag(truth: Path, joint: Path) -> None:
    # T1: earliest of Pa 2010-06-01 and Pb 2010-02-01 -> 2011-01-01 minus 2010-02-01 = 334 days
    # T2: Pc first flagged 2010-08-01 (low now, but it was flagged) -> 2010-07-01 minus that = -31
    lead = evaluate_outputs(joint, truth)["lead_time"]["joint"]
    assert lead["flagged"] == 2
    assert lead["flagged_before_recognition"] == 1
    assert lead["median_days"] == 151.5
    assert lead["distribution"]["flagged after recognition"] == 1
    assert lead["distribution"]["3-12 months before"] == 1
    assert lead["distribution"]["never flagged"] == 0


def test_siloed_lead_time_takes_the_earliest_agency_alone(
    truth: Path, joint: Path, silos: dict[str, Path]
) -> None:
    # T1: police alone 2010-09-01, health alone 2010-12-01 -> 2010-09-01, lead 122
    # T2: health alone 2010-05-01 -> lead 61
    report = evaluate_outputs(joint, truth, silos)
    siloed = report["lead_time"]["siloed"]
    assert siloed["median_days"] == 91.5
    assert siloed["flagged_before_recognition"] == 2
    both = report["lead_time"]["joint_vs_siloed"]
    # T1: joint 212 days earlier; T2: joint 92 days later -> median 60
    assert both["flagged_both"] == 2
    assert both["joint_earlier"] == 1
    assert both["median_days_earlier"] == 60


def test_the_command_evaluates_a_work_directory(
    truth: Path, joint: Path, silos: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "report.json"
    assert (
        main(
            ["evaluate", "--assessed", str(joint.parent), "--truth", str(truth), "--out", str(out)]
        )
        == 0
    )
    report = json.loads(out.read_text())
    assert report["lead_time"]["siloed"]["median_days"] == 91.5
    assert report["networks"]["found"] == 1


def test_the_command_refuses_without_an_input(truth: Path) -> None:
    assert main(["evaluate", "--truth", str(truth)]) == 2


def test_a_missing_column_is_a_dataset_error(truth: Path, tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    write(bad / "persons.csv", "person_id,recs", "Pa,police:p1")
    write(bad / "children.csv", "person_id,band,first_flagged_at")
    assert main(["evaluate", "--assessed", str(bad), "--truth", str(truth)]) == 3


def test_false_networks_that_are_another_kind_of_exploitation_are_counted_apart(
    truth: Path, joint: Path
) -> None:
    # T3 is in a county-lines group; a reported network of T3 alone is false, and is one of those
    write(
        truth / "other_groups.csv",
        "group_id,kind,person_id,role",
        "CL001,criminal_exploitation,T3,child",
    )
    with open(joint / "networks.csv", "a") as handle:
        handle.write("N000004,Pd,1,0,1,\n")
    nets = evaluate_outputs(joint, truth)["networks"]
    assert nets["false"] == 2
    assert nets["false_that_are_other_exploitation_groups"] == 1


def test_ever_flagged_counts_any_first_flag_whatever_the_band_now(truth: Path, joint: Path) -> None:
    # rows with a first_flagged_at: Pa->T1, Pb->T1, Pc->T2 (low now), Pd->T3: 3 of 4 are victims
    ever = evaluate_outputs(joint, truth)["children_ever_flagged"]
    assert ever["flagged_rows"] == 4
    assert ever["precision"] == 0.75
    assert ever["recall"] == 1.0
    assert ever["f1"] == pytest.approx(2 * 0.75 / 1.75, abs=1e-4)
    assert ever["flagged_per_10000_children"] == 10000.0  # 4 rows, 4 children


def test_flags_before_the_first_signal_are_counted(truth: Path, joint: Path) -> None:
    # T1 first flagged 2010-02-01, first signal 2010-01-10: after. T2 2010-08-01 vs 2010-03-01: after.
    assert evaluate_outputs(joint, truth)["lead_time"]["joint"]["flagged_before_first_signal"] == 0
    silo = {"health": joint.parent / "siloed" / "health"}
    assessment(silo["health"], ["H1,health:h1"], ["H1,,medium,10,2009-12-01,,"], [])
    report = evaluate_outputs(joint, truth, silo)
    assert report["lead_time"]["siloed"]["flagged_before_first_signal"] == 1


def test_victims_only_the_joint_view_flagged_are_reported_as_censored_leads(
    truth: Path, joint: Path, silos: dict[str, Path]
) -> None:
    # Police alone never flags T2 here (and health is left out): T2 is flagged only jointly.
    write(truth / "manifest.yaml", "window:", "- '2004-01-01'", "- '2011-12-31'")
    report = evaluate_outputs(joint, truth, {"police": silos["police"]})
    both = report["lead_time"]["joint_vs_siloed"]
    # T1: joint 2010-02-01, police 2010-09-01 -> 212 days earlier (flagged both ways)
    assert (both["flagged_both"], both["flagged_only_joint"]) == (1, 1)
    assert both["median_days_earlier"] == 212  # the headline is unchanged
    # T2: joint 2010-08-01, never flagged alone: at least 2011-12-31 - 2010-08-01 = 517 days
    assert both["only_joint_censored_median_days"] == 517
    assert both["median_days_earlier_with_only_joint_at_least"] == (212 + 517) / 2
    assert both["joint_earlier_or_only_joint"] == 2
    assert both["period_end"] == "2011-12-31"


def test_without_a_period_end_the_censored_leads_are_not_guessed(
    truth: Path, joint: Path, silos: dict[str, Path]
) -> None:
    both = evaluate_outputs(joint, truth, {"police": silos["police"]})["lead_time"][
        "joint_vs_siloed"
    ]
    assert both["flagged_only_joint"] == 1
    assert both["only_joint_censored_median_days"] is None
    assert both["median_days_earlier_with_only_joint_at_least"] is None


def test_false_networks_are_also_counted_among_flagged_networks_and_with_no_planted_member(
    truth: Path, tmp_path: Path
) -> None:
    d = assessment(
        tmp_path / "flagged",
        ["Pa,police:p1", "Pd,health:h3", "Pg,police:a4", "Px,police:x1"],
        [],
        # N1: T3, A4, X1 -> 1 planted of 3: false, flagged. N2: T3, X1 -> false, no planted
        # member, not flagged.
        ["N1,Pd;Pg;Px,1,2,5,2010-05-01", "N2,Pd;Px,1,1,2,"],
    )
    nets = evaluate_outputs(d, truth)["networks"]
    assert (nets["false"], nets["flagged"], nets["false_flagged"]) == (2, 1, 1)
    assert nets["false_with_no_planted_member"] == 1
    assert nets["false_flagged_per_10000_children"] == 2500.0


def test_networks_reported_as_another_kind_are_counted_apart_from_false_cse_networks(
    truth: Path, tmp_path: Path
) -> None:
    d = assessment(
        tmp_path / "labelled",
        ["Pa,police:p1", "Pd,health:h3", "Pe,police:a1;police:a2", "Pg,police:a4", "Px,police:x1"],
        [],
        [],
    )
    write(
        d / "networks.csv",
        "network_id,members,child_count,adult_count,score,first_flagged_at,concern",
        "N1,Pd;Pg;Px,1,2,5,,criminal_exploitation",  # false, but not put forward as CSE
        "N2,Pd;Px,1,1,2,,sexual_exploitation",  # false CSE network
        "N3,Pa;Pe;Pg,1,2,5,,criminal_exploitation",  # finds N1 (3 of 4 adults), labelled wrongly
    )
    nets = evaluate_outputs(d, truth)["networks"]
    assert (nets["false"], nets["false_cse"], nets["reported_as_other_exploitation"]) == (2, 1, 2)
    assert nets["reported_as_other_exploitation_that_are_false"] == 1
    assert (nets["found"], nets["found_among_cse_networks"]) == (1, 0)
    assert nets["false_put_forward"] == 0  # nothing flagged


def test_a_false_network_is_put_forward_only_when_flagged_and_labelled_cse(
    truth: Path, tmp_path: Path
) -> None:
    d = assessment(
        tmp_path / "put_forward",
        ["Pa,police:p1", "Pd,health:h3", "Pg,police:a4", "Px,police:x1"],
        [],
        [],
    )
    write(
        d / "networks.csv",
        "network_id,members,child_count,adult_count,score,first_flagged_at,concern",
        "N1,Pd;Pg;Px,1,2,5,2010-05-01,criminal_exploitation",  # false, flagged, other kind
        "N2,Pd;Px,1,1,2,,sexual_exploitation",  # false CSE network, never flagged
        "N3,Pg;Px,0,2,2,2010-06-01,sexual_exploitation",  # false, flagged, CSE: put forward
    )
    nets = evaluate_outputs(d, truth)["networks"]
    assert (nets["false"], nets["false_flagged"], nets["false_cse"]) == (3, 2, 2)
    assert nets["false_put_forward"] == 1
    assert nets["false_put_forward_per_10000_children"] == 2500.0


def test_the_per_victim_lead_table_says_where_each_victims_lead_was_lost(
    truth: Path, joint: Path, silos: dict[str, Path], tmp_path: Path
) -> None:
    # The victims' planted stories: T1's signs in education (2010-01-10, recorded as it
    # happened) and police (occurred 2010-03-01, recorded 2010-05-01), then her recognition
    # (not a sign); T2's one sign in health (2010-03-01). A looked-after record of T1 with no
    # network and a sign recorded after T1's recognition are left out.
    write(
        truth / "signal_events.csv",
        "agency,event_ref,person_id,scenario,network_id",
        "education,E1,T1,network_grooming,N1",
        "police,P1,T1,network_found,N1",
        "social_care,S1,T1,network_recognition,N1",
        "social_care,S2,T1,looked_after,",
        "police,P9,T1,network_found,N1",
        "health,H1,T2,network_sti,N1",
    )
    write(
        tmp_path / "events.csv",
        "agency,event_ref,event_type,occurred_at,recorded_at,narrative",
        "education,E1,school_concern,2010-01-10T09:00:00,,x",
        "police,P1,found,2010-03-01T22:00:00,2010-05-01T10:00:00,x",
        "social_care,S1,strategy_discussion,2011-01-01T10:00:00,,x",
        "social_care,S2,care_episode_start,2009-01-01T10:00:00,,x",
        "police,P9,found,2011-02-01T22:00:00,,x",
        "health,H1,sti,2010-03-01T10:00:00,2010-03-02T10:00:00,x",
    )
    report = evaluate_outputs(joint, truth, silos)
    rows = {r["child"]: r for r in report["lead_time_per_victim"]}
    t1, t2 = rows["T1"], rows["T2"]
    # T1: jointly flagged 2010-02-01 (Pb), by which only the school's sign was recorded;
    # police alone 2010-09-01, health alone 2010-12-01.
    assert t1["first_signal_education"] == "2010-01-10"
    assert t1["first_signal_police"] == "2010-05-01"  # when recorded, not when it happened
    assert t1["first_signal_health"] == ""
    assert (t1["signal_records_before_recognition"], t1["signal_agencies_before_recognition"]) == (
        2,
        2,
    )
    assert t1["joint_first_flag"] == "2010-02-01"
    assert (t1["signal_records_by_joint_flag"], t1["signal_agencies_by_joint_flag"]) == (1, 1)
    assert t1["siloed_first_flag_police"] == "2010-09-01"
    assert t1["siloed_first_flag"] == "2010-09-01"
    assert t1["months_first_signal_to_joint_flag"] == round(22 / 30.44, 1)  # 0.7
    assert t1["months_joint_earlier_than_siloed"] == round(212 / 30.44, 1)  # 7.0
    assert t1["months_first_signal_to_recognition"] == round(356 / 30.44, 1)  # 11.7
    # T2: one sign, in health only; flagged jointly 2010-08-01, after recognition (2010-07-01)
    assert (t2["signal_records_by_joint_flag"], t2["signal_agencies_by_joint_flag"]) == (1, 1)
    assert t2["months_joint_flag_before_recognition"] == round(-31 / 30.44, 1)
    # Ceilings: T1's second agency's sign arrived 2010-05-01, 123 days before police alone
    # flagged her (4.0 months); her first sign 234 days before (7.7). T2's signs never
    # reached a second agency: joining her records could gain nothing (counted as 0).
    assert t1["first_signal_in_two_agencies"] == "2010-05-01"
    assert t1["months_two_agencies_to_siloed_flag"] == round(123 / 30.44, 1)
    assert t1["months_first_signal_to_siloed_flag"] == round(234 / 30.44, 1)
    assert t2["first_signal_in_two_agencies"] == ""
    assert t2["months_two_agencies_to_siloed_flag"] is None
    per = report["lead_time"]["per_victim"]
    assert per["median_months_two_agencies_to_siloed_flag"] == 2.0
    assert per["victims_with_signals_before_recognition"] == 2
    assert per["signals_before_recognition_in_one_agency_only"] == 1  # T2
    assert per["share_signals_before_recognition_in_one_agency_only"] == 0.5
    # first sign -> joint flag: T1 22 days, T2 153 days (2010-03-01 -> 2010-08-01)
    assert per["median_months_first_signal_to_joint_flag"] == round(
        (round(22 / 30.44, 1) + round(153 / 30.44, 1)) / 2, 1
    )


def test_the_command_writes_the_lead_table_beside_the_report(
    truth: Path, joint: Path, silos: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "reports" / "report.json"
    argv = ["evaluate", "--assessed", str(joint.parent), "--truth", str(truth), "--out", str(out)]
    assert main(argv) == 0
    lines = (out.parent / "lead_time.csv").read_text().splitlines()
    header = lines[0].split(",")
    assert header[:2] == ["child", "network_id"]
    assert "siloed_first_flag_health" in header and "joint_first_flag" in header
    # without signal_events.csv the signal counts are empty, the flags still there
    t1 = dict(zip(header, lines[1].split(","), strict=True))
    assert (t1["child"], t1["joint_first_flag"], t1["signal_records_by_joint_flag"]) == (
        "T1",
        "2010-02-01",
        "",
    )


def test_early_recall_counts_victims_flagged_at_least_30_days_before_recognition(
    truth: Path, joint: Path
) -> None:
    # T1 led by 334 days (early); T2 flagged 31 days after recognition (not early): 1 of 2
    lead = evaluate_outputs(joint, truth)["lead_time"]["joint"]
    assert lead["flagged_at_least_30_days_before"] == 1
    assert lead["early_recall"] == 0.5


def test_early_recall_takes_exactly_30_days_but_not_29(truth: Path, tmp_path: Path) -> None:
    d = assessment(
        tmp_path / "edge",
        ["Pa,police:p1", "Pc,police:p2"],
        # T1 recognised 2011-01-01: flagged 2010-12-02 is 30 days before; T2 (2010-07-01)
        # flagged 2010-06-02 is 29 days before
        ["Pa,,medium,20,2010-12-02,,", "Pc,,medium,20,2010-06-02,,"],
        [],
    )
    lead = evaluate_outputs(d, truth)["lead_time"]["joint"]
    assert (lead["flagged_before_recognition"], lead["flagged_at_least_30_days_before"]) == (2, 1)


def test_benign_members_of_flagged_cse_networks_are_counted_by_kind(
    truth: Path, tmp_path: Path
) -> None:
    d = assessment(
        tmp_path / "benign",
        ["Pa,police:p1", "Pd,health:h3", "Pe,police:a1;police:a2", "Px,police:x1"],
        [],
        [],
    )
    write(
        d / "networks.csv",
        "network_id,members,child_count,adult_count,score,first_flagged_at,concern",
        # flagged CSE: T1, A1 planted; T3 (a child not a victim) and X1 (professional) benign
        "N1,Pa;Pe;Pd;Px,2,2,5,2010-05-01,sexual_exploitation",
        "N2,Pd;Px,1,1,2,,sexual_exploitation",  # never flagged: not counted
        "N3,Pd;Px,1,1,2,2010-05-01,criminal_exploitation",  # another kind: not counted
    )
    nets = evaluate_outputs(d, truth)["networks"]
    benign = nets["benign_in_flagged"]
    assert benign == {
        "members": 2,
        "by_kind": {"child": 1, "professional": 1},
        "networks_with_benign_members": 1,
    }
    assert nets["sizes"]["buckets"] == {"2-5": 3, "6-10": 0, "11-20": 0, "21+": 0}
    assert (nets["sizes"]["median"], nets["sizes"]["max"]) == (2, 4)
    assert nets["flagged_sizes"]["networks"] == 1


def test_adults_precision_and_recall_at_each_band(truth: Path, joint: Path) -> None:
    write(
        joint / "adults.csv",
        "person_id,records,score,band,linked_children,first_flagged_at,network_ids,top_reasons",
        "Pe,,30,high,3,2010-05-01,,",  # A1 (A1 and A2 tie: the smaller id)
        "Pf,,16,medium,2,2010-05-01,,",  # A3
        "Pd,,14,medium,1,,,",  # T3: not a planted adult
        "Pg,,6,low,0,,,",  # A4
    )
    adults = evaluate_outputs(joint, truth)["adults"]
    assert adults["rows"] == 4
    medium = adults["at_least_medium"]
    assert (medium["rows"], medium["planted_adult_rows"], medium["planted_adults_found"]) == (
        3,
        2,
        2,
    )
    assert (medium["precision"], medium["recall"]) == (0.6667, 0.5)
    assert adults["at_least_low"]["recall"] == 0.75
    assert adults["at_least_high"]["precision"] == 1.0


def test_adults_listed_under_criminal_exploitation_are_not_cse_rows(
    truth: Path, joint: Path
) -> None:
    write(
        joint / "adults.csv",
        "person_id,records,score,band,linked_children,first_flagged_at,network_ids,top_reasons,"
        "concern",
        "Pe,,30,high,3,2010-05-01,,,sexual_exploitation",  # A1
        "Pd,,14,medium,1,,,,criminal_exploitation",  # T3: listed apart, not a false row
        "Pf,,16,medium,2,2010-05-01,,,criminal_exploitation",  # A3: listed apart, not found
    )
    adults = evaluate_outputs(joint, truth)["adults"]
    medium = adults["at_least_medium"]
    assert (medium["rows"], medium["precision"], medium["recall"]) == (1, 1.0, 0.25)
    assert adults["listed_as_other_exploitation"]["rows"] == 2
    assert adults["listed_as_other_exploitation"]["planted_adult_rows"] == 1


def test_adults_without_a_band_column_count_as_none(truth: Path, joint: Path) -> None:
    write(
        joint / "adults.csv",
        "person_id,records,score,linked_children,first_flagged_at,network_ids,top_reasons",
        "Pe,,30,3,2010-05-01,,",
    )
    adults = evaluate_outputs(joint, truth)["adults"]
    assert adults["at_least_low"]["rows"] == 0
    assert adults["at_least_low"]["recall"] == 0.0


def test_children_listed_under_criminal_exploitation_are_not_cse_flags(
    truth: Path, tmp_path: Path
) -> None:
    d = assessment(tmp_path / "concern", ["Pa,police:p1", "Pd,health:h3"], [], [])
    write(
        d / "children.csv",
        "person_id,records,band,score,first_flagged_at,network_ids,top_reasons,concern",
        "Pa,,high,20,2010-06-01,,,sexual_exploitation",  # T1, a victim
        "Pd,,medium,16,2010-03-01,,,criminal_exploitation",  # T3: listed for the CE response
    )
    report = evaluate_outputs(d, truth)
    risk = report["children_at_risk"]
    assert (risk["all"]["flagged_rows"], risk["all"]["precision"]) == (1, 1.0)
    assert risk["listed_as_other_exploitation"] == {
        "rows": 1, "victim_rows": 0, "other_group_rows": 0,
    }  # fmt: skip
    assert report["children_ever_flagged"]["flagged_rows"] == 1


def test_a_man_known_only_by_a_car_is_credited_only_through_the_truths_own_link(
    truth: Path, joint: Path
) -> None:
    # The truth records A4 as the user of car AB12 CDE and phone 07700 900123; nothing ties
    # car XY99 ZZZ to any planted man.
    write(
        truth / "network_things.csv",
        "network_id,kind,value,owner_person_id,description",
        "N1,vehicle,AB12CDE,A4,silver Astra",
        "N1,phone,+447700900123,A4,",
    )
    write(
        joint / "adults.csv",
        "person_id,records,score,linked_children,first_flagged_at,network_ids,top_reasons,band,"
        "concern,known_by",
        "Pe,,30,3,2010-05-01,,,high,sexual_exploitation,",  # A1
        "unidentified:vehicle:AB12CDE,,16,2,2010-06-01,,,medium,sexual_exploitation,"
        "vehicle:AB12CDE",  # A4, by the truth's car
        "unidentified:phone:+447700900123,,24,3,2010-06-01,,,high,sexual_exploitation,"
        "phone:+447700900123",  # A4 again: a true row, not a second man found
        "unidentified:vehicle:XY99ZZZ,,16,2,2010-06-01,,,medium,sexual_exploitation,"
        "vehicle:XY99ZZZ",  # no planted man's: a false row
    )
    medium = evaluate_outputs(joint, truth)["adults"]["at_least_medium"]
    assert (medium["rows"], medium["planted_adult_rows"], medium["planted_adults_found"]) == (
        4,
        3,
        2,
    )
    assert (medium["precision"], medium["recall"]) == (0.75, 0.5)
    # every planted man in this truth has a record: none is counted as without one
    assert medium["planted_adults_without_record"] == 0


def test_truth_things_are_read_as_lanterns_thing_ids() -> None:
    from lantern.evaluate.inputs import thing_key

    assert thing_key("vehicle", "ab12 cde") == "vehicle:AB12CDE"
    assert thing_key("phone", "+447700900123") == "phone:+447700900123"
    assert thing_key("social_handle", "@Ripz_75") == "social_handle:ripz_75"
    assert thing_key("flat", "12 High St") is None


def test_a_man_known_only_by_a_street_name_is_credited_by_the_truths_nicknames(
    truth: Path, joint: Path
) -> None:
    write(
        truth / "network_members.csv",
        "network_id,person_id,role,nicknames",
        "N1,A1,adult,",
        "N1,A2,adult,Kez;K",
        "N1,A3,adult,",
        "N1,A4,adult,",
        "N1,T1,child,Ash",  # a child's nickname credits no adult row
        "N1,T2,child,",
    )
    write(
        joint / "adults.csv",
        "person_id,records,score,linked_children,first_flagged_at,network_ids,top_reasons,band,"
        "concern,known_by",
        "unidentified:street_name:kez,,24,3,2010-06-01,,,high,sexual_exploitation,"
        "street_name:kez",  # A2
        "unidentified:street_name:ash,,16,2,2010-06-01,,,medium,sexual_exploitation,"
        "street_name:ash",  # no planted adult is known as Ash: false
    )
    medium = evaluate_outputs(joint, truth)["adults"]["at_least_medium"]
    assert (medium["rows"], medium["planted_adult_rows"], medium["planted_adults_found"]) == (
        2,
        1,
        1,
    )


def test_the_command_credits_a_car_only_row_through_the_truth(
    truth: Path, joint: Path, tmp_path: Path
) -> None:
    write(
        truth / "network_things.csv",
        "network_id,kind,value,owner_person_id,description",
        "N1,vehicle,AB12CDE,A3,",
    )
    write(
        joint / "adults.csv",
        "person_id,records,score,linked_children,first_flagged_at,network_ids,top_reasons,band,"
        "concern,known_by",
        "unidentified:vehicle:AB12CDE,,16,2,2010-06-01,,,medium,sexual_exploitation,"
        "vehicle:AB12CDE",
    )
    out = tmp_path / "report.json"
    args = ["evaluate", "--assessed", str(joint), "--truth", str(truth), "--out", str(out)]
    assert main(args) == 0
    medium = json.loads(out.read_text())["adults"]["at_least_medium"]
    assert (medium["planted_adult_rows"], medium["planted_adults_found"]) == (1, 1)
