"""Where the lead is lost, per victim: `lead_time.csv` and its summary (docs/evaluation.md).

For each planted victim: when their first sign was recorded (in any agency and in each),
when the joint view and each agency alone first flagged them, when they were recognised,
and how many of their signs (and in how many agencies) had been recorded by the joint flag.
A reviewer can then answer "could this child have been seen earlier?" child by child.
"""

from __future__ import annotations

import datetime as dt
import statistics
from pathlib import Path

from lantern.evaluate.inputs import Signal, Truth
from lantern.export_safety import dict_writer

DAYS_PER_MONTH = 30.44


def _months(later: dt.date | None, earlier: dt.date | None) -> float | None:
    if later is None or earlier is None:
        return None
    return round((later - earlier).days / DAYS_PER_MONTH, 1)


def _iso(day: dt.date | None) -> str:
    return day.isoformat() if day else ""


def victim_rows(
    truth: Truth,
    signals: dict[str, list[Signal]] | None,
    joint: dict[str, dt.date],
    siloed: dict[str, dict[str, dt.date]],
) -> list[dict[str, object]]:
    """One row per victim (sorted by child id); `siloed` is {agency: {victim: first flag}}.

    Signs count "by" a date when recorded on or before it (a sign recorded on the day of a
    flag can be what raised it); "before recognition" means recorded before that day.
    """
    agencies = truth.agencies
    rows = []
    for child in sorted(truth.victims):
        victim = truth.victims[child]
        early = [s for s in (signals or {}).get(child, []) if s.recorded < victim.recognised]
        flag = joint.get(child)
        silo_flags = {a: siloed[a].get(child) for a in sorted(siloed)}
        silo_days = [d for d in silo_flags.values() if d is not None]
        silo_first = min(silo_days) if silo_days else None
        by_flag = [s for s in early if flag is not None and s.recorded <= flag]
        # The first day on which signs from two agencies had been recorded: before it,
        # joining the agencies' records could add nothing any one agency did not hold.
        two_agencies = None
        seen_agencies: set[str] = set()
        for sign in early:
            seen_agencies.add(sign.agency)
            if len(seen_agencies) == 2:
                two_agencies = sign.recorded
                break
        # Without a siloed flag, the silos' view is bounded by recognition itself.
        silo_or_recognition = silo_first or victim.recognised
        row: dict[str, object] = {
            "child": child,
            "network_id": victim.network_id,
            "sex": victim.sex,
            "recognition_date": victim.recognised.isoformat(),
            "first_signal_date": victim.first_signal.isoformat(),
        }
        for agency in agencies:
            firsts = [s.recorded for s in early if s.agency == agency]
            row[f"first_signal_{agency}"] = _iso(min(firsts) if firsts else None)
        row.update(
            {
                "signal_records_before_recognition": len(early) if signals is not None else "",
                "signal_agencies_before_recognition": (
                    len({s.agency for s in early}) if signals is not None else ""
                ),
                "joint_first_flag": _iso(flag),
            }
        )
        for agency, day in silo_flags.items():
            row[f"siloed_first_flag_{agency}"] = _iso(day)
        row.update(
            {
                "siloed_first_flag": _iso(silo_first),
                "first_signal_in_two_agencies": _iso(two_agencies),
                "signal_records_by_joint_flag": (
                    len(by_flag) if flag is not None and signals is not None else ""
                ),
                "signal_agencies_by_joint_flag": (
                    len({s.agency for s in by_flag})
                    if flag is not None and signals is not None
                    else ""
                ),
                "months_first_signal_to_joint_flag": _months(flag, victim.first_signal),
                "months_first_signal_to_recognition": _months(
                    victim.recognised, victim.first_signal
                ),
                "months_joint_flag_before_recognition": _months(victim.recognised, flag),
                "months_joint_earlier_than_siloed": _months(silo_first, flag),
                # The most any rule could gain over the silos: flagging on the first sign
                # (against the siloed flag, or recognition if no agency alone flagged).
                "months_first_signal_to_siloed_flag": (
                    _months(silo_or_recognition, victim.first_signal) if siloed else None
                ),
                # ... and what joining records could gain: flagging on the day a second
                # agency's sign arrived.
                "months_two_agencies_to_siloed_flag": (
                    _months(silo_or_recognition, two_agencies) if siloed else None
                ),
            }
        )
        rows.append(row)
    return rows


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def summary(rows: list[dict[str, object]]) -> dict[str, object]:
    """The per-victim table in a few numbers (months are medians over the victims that have
    both dates)."""

    def numbers(column: str) -> list[float]:
        return [float(r[column]) for r in rows if r.get(column) not in (None, "")]  # type: ignore[arg-type]

    siloed = any(r.get("months_first_signal_to_siloed_flag") is not None for r in rows)
    with_signs = [r for r in rows if r["signal_records_before_recognition"] not in ("", 0)]
    one_agency = [r for r in with_signs if r["signal_agencies_before_recognition"] == 1]
    return {
        "victims": len(rows),
        "victims_with_signals_before_recognition": len(with_signs),
        "median_months_first_signal_to_joint_flag": _median(
            numbers("months_first_signal_to_joint_flag")
        ),
        "median_months_first_signal_to_recognition": _median(
            numbers("months_first_signal_to_recognition")
        ),
        "median_months_joint_flag_before_recognition": _median(
            numbers("months_joint_flag_before_recognition")
        ),
        "median_signal_records_by_joint_flag": _median(numbers("signal_records_by_joint_flag")),
        "median_signal_agencies_by_joint_flag": _median(numbers("signal_agencies_by_joint_flag")),
        "median_months_first_signal_to_siloed_flag": _median(
            numbers("months_first_signal_to_siloed_flag")
        ),
        # victims whose signs never reached two agencies count at 0: joining gains nothing
        "median_months_two_agencies_to_siloed_flag": _median(
            [
                max(0.0, float(r["months_two_agencies_to_siloed_flag"] or 0.0))  # type: ignore[arg-type]
                for r in with_signs
            ]
            if siloed
            else []
        ),
        "signals_before_recognition_in_one_agency_only": len(one_agency),
        "share_signals_before_recognition_in_one_agency_only": (
            round(len(one_agency) / len(with_signs), 3) if with_signs else None
        ),
    }


def write_table(rows: list[dict[str, object]], path: Path) -> None:
    """Write the rows as CSV (the columns of the first row; nothing if there are no victims)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    columns = list(rows[0]) if rows else ["child"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = dict_writer(handle, columns, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({k: "" if v is None else v for k, v in row.items()})
