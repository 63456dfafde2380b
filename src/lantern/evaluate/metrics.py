"""The evaluation metrics, defined exactly as in docs/evaluation.md.

Every function is pure: truth and an assessment in, plain numbers out (JSON-ready dicts).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import Counter
from math import comb
from pathlib import Path

from lantern.evaluate import victim_leads
from lantern.evaluate.inputs import (
    Assessed,
    Truth,
    load_assessed,
    load_signals,
    load_truth,
    parse_date,
)

FLAGGED_BANDS = frozenset({"medium", "high"})
LEAD_BUCKETS = (  # (label, lower bound in days inclusive, upper bound exclusive)
    ("flagged after recognition", None, 0),
    ("on the day of recognition", 0, 1),
    ("up to 3 months before", 1, 91),
    ("3-12 months before", 91, 365),
    ("1-2 years before", 365, 730),
    ("over 2 years before", 730, None),
)


def _f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall > 0 else 0.0


def _prf(tp: int, predicted: int, actual: int) -> dict[str, object]:
    precision = tp / predicted if predicted else None
    recall = tp / actual if actual else None
    f1 = _f1(precision, recall)
    return {
        "true_positives": tp,
        "predicted": predicted,
        "actual": actual,
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(f1),
    }


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _cse(row: dict[str, str]) -> bool:
    """A children.csv row put forward as a CSE concern: its `concern` (when the column is
    there) is sexual exploitation. A child listed under criminal exploitation is shown, at
    its band, for that response, and counts as not flagged for CSE here."""
    return (row.get("concern") or "sexual_exploitation").strip() == "sexual_exploitation"


# ------------------------------------------------------------------ identity


def identity(
    truth: Truth, assessed: Assessed, kinds: frozenset[str] | None = None
) -> dict[str, object]:
    """Pairwise precision/recall/F1 of record clustering against the true persons.

    The universe is every record in the truth (restricted to true persons of `kinds` if given).
    A record absent from persons.csv counts as a singleton. A pair of records is predicted when
    both are in one resolved person, actual when both belong to one true person.
    """
    cluster_of: dict[str, str] = {}
    for person, records in assessed.clusters.items():
        for record in records:
            cluster_of[record] = person
    universe = [
        r for r, t in truth.person_of_record.items() if kinds is None or truth.kind.get(t) in kinds
    ]
    missing = 0
    predicted: Counter[str] = Counter()
    actual: Counter[str] = Counter()
    both: Counter[tuple[str, str]] = Counter()
    for record in universe:
        cluster = cluster_of.get(record)
        if cluster is None:
            missing += 1
            cluster = f"missing:{record}"
        true = truth.person_of_record[record]
        predicted[cluster] += 1
        actual[true] += 1
        both[(cluster, true)] += 1
    result = _prf(
        sum(comb(n, 2) for n in both.values()),
        sum(comb(n, 2) for n in predicted.values()),
        sum(comb(n, 2) for n in actual.values()),
    )
    result.update(
        {
            "records": len(universe),
            "records_missing_from_output": missing,
            "resolved_persons": len(predicted),
            "true_persons": len(actual),
        }
    )
    return result


# ------------------------------------------------------------------ children at risk


def ever_flagged(truth: Truth, assessed: Assessed) -> dict[str, object]:
    """Children flagged at any time (a `first_flagged_at`), whatever their band now.

    The price of lead time: flagging every child on day one would give a long lead and a
    precision here near the county's prevalence. Same counting as `children_at_risk`.
    """
    majority = assessed.majority_person(truth)
    rows = [
        majority.get(r["person_id"], "")
        for r in assessed.children
        if (r.get("first_flagged_at") or "").strip() and _cse(r)
    ]
    found = len(set(truth.victims) & set(rows))
    victim_rows = sum(1 for t in rows if t in truth.victims)
    precision = victim_rows / len(rows) if rows else None
    recall = found / len(truth.victims) if truth.victims else None
    per = 10_000 / truth.n_children if truth.n_children else None
    return {
        "flagged_rows": len(rows),
        "flagged_victim_rows": victim_rows,
        "victims": len(truth.victims),
        "victims_found": found,
        "flagged_per_10000_children": _round(len(rows) * per) if per else None,
        "precision": _round(precision),
        "recall": _round(recall),
        "f1": _round(_f1(precision, recall)),
    }


def children_at_risk(truth: Truth, assessed: Assessed) -> dict[str, object]:
    """Children at band >= medium against the planted victims, overall and by sex.

    Precision: of the children.csv rows at band medium or high, the share whose majority true
    person is a victim. Recall: of the victims, the share with at least one such row.
    By sex, both sides are restricted to true persons of that sex.
    """
    majority = assessed.majority_person(truth)
    flagged_rows = [
        majority.get(r["person_id"], "")
        for r in assessed.children
        if r["band"].strip().lower() in FLAGGED_BANDS and _cse(r)
    ]
    other_concern = [
        majority.get(r["person_id"], "")
        for r in assessed.children
        if r["band"].strip().lower() in FLAGGED_BANDS and not _cse(r)
    ]
    out: dict[str, object] = {
        "listed_as_other_exploitation": {
            "rows": len(other_concern),
            "victim_rows": sum(1 for t in other_concern if t in truth.victims),
            "other_group_rows": sum(1 for t in other_concern if t in truth.other_group_members),
        }
    }
    for label, sexes in (("all", None), ("F", {"F"}), ("M", {"M"})):
        rows = [t for t in flagged_rows if sexes is None or truth.sex.get(t) in sexes]
        victims = {v for v, info in truth.victims.items() if sexes is None or info.sex in sexes}
        flagged_victim_rows = sum(1 for t in rows if t in truth.victims)
        found = len(victims & set(rows))
        precision = flagged_victim_rows / len(rows) if rows else None
        recall = found / len(victims) if victims else None
        result = {
            "flagged_rows": len(rows),
            "flagged_victim_rows": flagged_victim_rows,
            "victims": len(victims),
            "victims_found": found,
            "precision": _round(precision),
            "recall": _round(recall),
            "f1": _round(_f1(precision, recall)),
        }
        out[label] = result
    return out


# ------------------------------------------------------------------ networks


def networks(truth: Truth, assessed: Assessed) -> dict[str, object]:
    """Planted networks found and false networks reported.

    A planted network is found when one reported network contains at least half of its adults
    and at least one of its victims. A reported network is false when its members that are a
    planted network's adult or victim are not a majority (at most half) of its members. False
    networks whose majority are members of another kind of exploitation group (truth's
    other_groups.csv: county lines) are also counted on their own.
    """
    majority = assessed.majority_person(truth)
    reported = []
    for row in assessed.networks:
        members = [m.strip() for m in row["members"].split(";") if m.strip()]
        reported.append((row["network_id"], [majority.get(m, "") for m in members]))
    # Networks Lantern itself reports as another kind of exploitation (networks.csv `concern`,
    # when the column is there): shown, but not put forward as CSE networks.
    other_kind_ids = {
        row["network_id"]
        for row in assessed.networks
        if (row.get("concern") or "sexual_exploitation").strip() != "sexual_exploitation"
    }
    found: list[str] = []
    found_cse: list[str] = []  # found by a network reported as CSE (not as another kind)
    for network_id, adults in sorted(truth.network_adults.items()):
        victims = truth.network_children.get(network_id, set())
        hits = [
            reported_id
            for reported_id, members in reported
            if 2 * len(adults & set(members)) >= len(adults) and victims & set(members)
        ]
        if hits:
            found.append(network_id)
        if any(h not in other_kind_ids for h in hits):
            found_cse.append(network_id)
    planted = truth.planted_members
    false_ids = [
        network_id
        for network_id, members in reported
        if 2 * sum(1 for m in members if m in planted) <= len(members)
    ]
    flagged_ids = {
        row["network_id"]
        for row in assessed.networks
        if (row.get("first_flagged_at") or "").strip()
    }
    other_kind = other_kind_ids
    # The graph benchmark's stricter test (bench/graph.py): no planted member at all.
    no_planted = [
        network_id for network_id, members in reported if not any(m in planted for m in members)
    ]
    other = truth.other_group_members
    false_other = [
        network_id
        for network_id, members in reported
        if network_id in false_ids and 2 * sum(1 for m in members if m in other) > len(members)
    ]
    per = 10_000 / truth.n_children if truth.n_children else None
    return {
        "planted": len(truth.network_adults),
        "found": len(found),
        "found_share": _round(len(found) / len(truth.network_adults))
        if truth.network_adults
        else None,
        "found_ids": found,
        "reported": len(reported),
        "false": len(false_ids),
        "false_that_are_other_exploitation_groups": len(false_other),
        "false_per_10000_children": _round(len(false_ids) * per) if per else None,
        "flagged": len(flagged_ids),
        "false_flagged": sum(1 for n in false_ids if n in flagged_ids),
        "false_flagged_per_10000_children": (
            _round(sum(1 for n in false_ids if n in flagged_ids) * per) if per else None
        ),
        "false_with_no_planted_member": len(no_planted),
        "reported_as_other_exploitation": len(other_kind),
        "reported_as_other_exploitation_that_are_false": sum(
            1 for n in false_ids if n in other_kind
        ),
        "reported_as_other_exploitation_that_are_other_groups": sum(
            1 for n in false_other if n in other_kind
        ),
        "found_among_cse_networks": len(found_cse),
        "false_cse": sum(1 for n in false_ids if n not in other_kind),
        "false_cse_per_10000_children": (
            _round(sum(1 for n in false_ids if n not in other_kind) * per) if per else None
        ),
        # Put forward as CSE: flagged (a `first_flagged_at`) and not labelled another kind.
        # A network never flagged, or listed under criminal exploitation, is not on a MACE
        # list as a CSE concern (issue 16); this is the false networks a meeting would see.
        "false_put_forward": sum(1 for n in false_ids if n in flagged_ids - other_kind),
        "false_put_forward_per_10000_children": (
            _round(sum(1 for n in false_ids if n in flagged_ids - other_kind) * per)
            if per
            else None
        ),
        "found_per_10000_children": _round(len(found) * per) if per else None,
        "sizes": _size_distribution([len(m) for _, m in reported]),
        "flagged_sizes": _size_distribution(
            [len(m) for n, m in reported if n in flagged_ids and n not in other_kind]
        ),
        "benign_in_flagged": benign_in_flagged(truth, reported, flagged_ids - other_kind),
    }


SIZE_BUCKETS = ((2, 5), (6, 10), (11, 20), (21, None))


def _size_distribution(sizes: list[int]) -> dict[str, object]:
    """How big the networks are: a MACE meeting can act on a network of ten, not of eighty."""
    buckets = {
        (f"{lo}-{hi}" if hi else f"{lo}+"): sum(
            1 for s in sizes if s >= lo and (hi is None or s <= hi)
        )
        for lo, hi in SIZE_BUCKETS
    }
    return {
        "networks": len(sizes),
        "min": min(sizes) if sizes else None,
        "median": statistics.median(sizes) if sizes else None,
        "max": max(sizes) if sizes else None,
        "buckets": buckets,
    }


def benign_in_flagged(
    truth: Truth, reported: list[tuple[str, list[str]]], flagged_cse: set[str]
) -> dict[str, object]:
    """Members of networks put forward as CSE (flagged, not labelled another kind) who are
    neither a planted adult or victim nor in another exploitation group: relatives, taxi
    drivers, partners, carers, other children. The aim is none."""
    planted = truth.planted_members
    by_kind: Counter[str] = Counter()
    networks_with = set()
    for network_id, members in reported:
        if network_id not in flagged_cse:
            continue
        for member in members:
            if member and member not in planted and member not in truth.other_group_members:
                by_kind[truth.kind.get(member, "unknown")] += 1
                networks_with.add(network_id)
    return {
        "members": sum(by_kind.values()),
        "by_kind": dict(sorted(by_kind.items())),
        "networks_with_benign_members": len(networks_with),
    }


# ------------------------------------------------------------------ adults


ADULT_BAND_LEVELS = (("low", {"low", "medium", "high"}), ("medium", FLAGGED_BANDS),
                     ("high", {"high"}))  # fmt: skip


def adults_of_interest(truth: Truth, assessed: Assessed) -> dict[str, object]:
    """adults.csv rows at or above each band against the planted networks' adults.

    Precision: of the rows at that band or above, the share whose majority true person is a
    planted network adult (a county-lines adult counts against it: the measure is about CSE).
    Recall: of the planted network adults, the share with such a row. Rows without a `band`
    column (an older output) count as band `none`. A row whose `concern` (an added column)
    is `criminal_exploitation` is listed for that response, not put forward as a CSE
    suspect: it is left out here, as a child's row is, and counted in
    `listed_as_other_exploitation` (at medium or above).

    A row for a man with no person record, known only by a car, phone or handle (its added
    `known_by` column, a thing id), has no records to map: it counts for the adult the truth
    files record as that thing's user (`network_things.csv`), and against precision when they
    record none. Nothing is guessed: a thing the truth does not tie to a planted man is a false
    row, even if he is the one the records mean.
    """
    majority = dict(assessed.majority_person(truth))
    for row in assessed.adults:
        known_by = (row.get("known_by") or "").strip()
        if known_by and not majority.get(row["person_id"]):
            majority[row["person_id"]] = truth.thing_owner.get(known_by, "")
    planted_adults: set[str] = set()
    for adults in truth.network_adults.values():
        planted_adults |= adults
    no_record = planted_adults - set(truth.person_of_record.values())
    out: dict[str, object] = {"rows": len(assessed.adults)}
    other = [
        majority.get(r["person_id"], "")
        for r in assessed.adults
        if not _cse(r) and (r.get("band") or "none").strip().lower() in ("medium", "high")
    ]
    out["listed_as_other_exploitation"] = {
        "rows": len(other),
        "planted_adult_rows": sum(1 for t in other if t in planted_adults),
        "other_group_rows": sum(1 for t in other if t in truth.other_group_members),
    }
    for label, bands in ADULT_BAND_LEVELS:
        rows = [
            majority.get(r["person_id"], "")
            for r in assessed.adults
            if (r.get("band") or "none").strip().lower() in bands and _cse(r)
        ]
        tp_rows = sum(1 for t in rows if t in planted_adults)
        found = len(planted_adults & set(rows))
        precision = tp_rows / len(rows) if rows else None
        recall = found / len(planted_adults) if planted_adults else None
        out[f"at_least_{label}"] = {
            "rows": len(rows),
            "planted_adult_rows": tp_rows,
            "planted_adults": len(planted_adults),
            "planted_adults_found": found,
            # men no agency holds a person record of (known only by car, phone, nickname)
            "planted_adults_without_record": len(no_record),
            "planted_adults_without_record_found": len(no_record & set(rows)),
            "precision": _round(precision),
            "recall": _round(recall),
            "f1": _round(_f1(precision, recall)),
        }
    return out


# ------------------------------------------------------------------ lead time


def first_flags(truth: Truth, assessed: Assessed) -> dict[str, dt.date]:
    """Per victim, the earliest first_flagged_at of any children.csv row mapped to them."""
    majority = assessed.majority_person(truth)
    flags: dict[str, dt.date] = {}
    for row in assessed.children:
        victim = majority.get(row["person_id"], "")
        flagged = parse_date(row.get("first_flagged_at", ""))
        if victim in truth.victims and flagged is not None and _cse(row):
            flags[victim] = min(flagged, flags.get(victim, flagged))
    return flags


EARLY_DAYS = 30


def lead_time(truth: Truth, flags: dict[str, dt.date]) -> dict[str, object]:
    """Lead time = recognition date - first flag date, in days, per victim flagged at all.

    Positive: Lantern could have seen the child that many days before the agencies formally
    recognised them. Victims never flagged have no lead time and are counted separately.
    Early recall: the share of all victims first flagged at least `EARLY_DAYS` before
    recognition (a flag on the day of the strategy discussion is recall, not early warning).
    """
    leads = sorted(
        (truth.victims[v].recognised - day).days for v, day in flags.items() if v in truth.victims
    )
    buckets = dict.fromkeys((label for label, _, _ in LEAD_BUCKETS), 0)
    for lead in leads:
        for label, lo, hi in LEAD_BUCKETS:
            if (lo is None or lead >= lo) and (hi is None or lead < hi):
                buckets[label] += 1
                break
    buckets["never flagged"] = len(truth.victims) - len(leads)
    return {
        "victims": len(truth.victims),
        "flagged": len(leads),
        "flagged_before_recognition": sum(1 for x in leads if x > 0),
        "flagged_at_least_30_days_before": sum(1 for x in leads if x >= EARLY_DAYS),
        "early_recall": (
            _round(sum(1 for x in leads if x >= EARLY_DAYS) / len(truth.victims))
            if truth.victims
            else None
        ),
        # flags raised before the victim's first exploitation signal was recorded: about
        # vulnerability, not yet about exploitation (an honest caveat on long lead times)
        "flagged_before_first_signal": sum(
            1
            for v, day in flags.items()
            if v in truth.victims and day < truth.victims[v].first_signal
        ),
        "median_days": statistics.median(leads) if leads else None,
        "quartiles_days": (
            [float(q) for q in statistics.quantiles(leads, n=4, method="inclusive")]
            if len(leads) >= 2
            else None
        ),
        "distribution": buckets,
    }


def siloed_flags(truth: Truth, silos: dict[str, Assessed]) -> dict[str, dt.date]:
    """Per victim, the earliest first flag over the agencies each run alone."""
    flags: dict[str, dt.date] = {}
    for assessed in silos.values():
        for victim, day in first_flags(truth, assessed).items():
            flags[victim] = min(day, flags.get(victim, day))
    return flags


def compare_leads(
    truth: Truth, joint: dict[str, dt.date], siloed: dict[str, dt.date]
) -> dict[str, object]:
    """Per victim flagged both ways, how many days earlier the joint run flagged them.

    Victims only the joint run ever flagged have no siloed date; their lead over the
    silos is *censored*: at least (the last day of the records - the joint flag). They are
    reported beside the median, never silently mixed into it: as a count, the median of
    their censored leads, and a second median over both groups in which each censored
    lead stands at its lower bound (so that median is itself a lower bound).
    """
    both = sorted((siloed[v] - joint[v]).days for v in joint.keys() & siloed.keys())
    only_joint = joint.keys() - siloed.keys()
    end = truth.period_end
    censored = sorted((end - joint[v]).days for v in only_joint) if end else []
    with_censored = sorted(both + censored)
    return {
        "flagged_both": len(both),
        "flagged_only_joint": len(only_joint),
        "flagged_only_siloed": len(siloed.keys() - joint.keys()),
        "joint_earlier": sum(1 for d in both if d > 0),
        "median_days_earlier": statistics.median(both) if both else None,
        "period_end": end.isoformat() if end else None,
        "only_joint_censored_median_days": statistics.median(censored) if censored else None,
        "median_days_earlier_with_only_joint_at_least": (
            statistics.median(with_censored) if with_censored and end else None
        ),
        "joint_earlier_or_only_joint": sum(1 for d in both if d > 0) + len(only_joint),
    }


# ------------------------------------------------------------------ everything at once


def evaluate_outputs(
    assess_dir: Path,
    truth_dir: Path,
    siloed_dirs: dict[str, Path] | None = None,
    dataset_dir: Path | None = None,
) -> dict[str, object]:
    """Every metric for one `lantern assess` output (and optionally per-agency ones).

    `dataset_dir` is where the county's `events.csv` is (default: the truth directory's
    parent), read for the dates of each victim's signs in the per-victim lead table
    (`lead_time_per_victim`, summarised in `lead_time.per_victim`).
    """
    truth = load_truth(Path(truth_dir))
    assessed = load_assessed(Path(assess_dir))
    joint_flags = first_flags(truth, assessed)
    report: dict[str, object] = {
        "truth": {
            "children": truth.n_children,
            "victims": len(truth.victims),
            "networks": len(truth.network_adults),
            "records": len(truth.person_of_record),
        },
        "identity": identity(truth, assessed),
        "identity_children": identity(truth, assessed, frozenset({"child"})),
        "children_at_risk": children_at_risk(truth, assessed),
        "children_ever_flagged": ever_flagged(truth, assessed),
        "networks": networks(truth, assessed),
        "adults": adults_of_interest(truth, assessed),
        "lead_time": {"joint": lead_time(truth, joint_flags)},
        "stages": assessed.stages,
    }
    leads = report["lead_time"]
    assert isinstance(leads, dict)
    per_agency: dict[str, dict[str, dt.date]] = {}
    if siloed_dirs:
        silos = {agency: load_assessed(Path(d)) for agency, d in sorted(siloed_dirs.items())}
        per_agency = {agency: first_flags(truth, silo) for agency, silo in silos.items()}
        flags = siloed_flags(truth, silos)
        leads["siloed"] = lead_time(truth, flags)
        leads["joint_vs_siloed"] = compare_leads(truth, joint_flags, flags)
        report["siloed_children_at_risk"] = {
            agency: children_at_risk(truth, silo)["all"] for agency, silo in silos.items()
        }
    signals = load_signals(Path(truth_dir), Path(dataset_dir) if dataset_dir else None)
    rows = victim_leads.victim_rows(truth, signals, joint_flags, per_agency)
    leads["per_victim"] = victim_leads.summary(rows)
    report["lead_time_per_victim"] = rows
    return report
