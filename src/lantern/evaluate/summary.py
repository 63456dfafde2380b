"""Printing an evaluation report for a person to read."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}"
    return str(value)


def print_summary(report: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    table = Table(title="Lantern evaluation", show_header=True)
    table.add_column("measure")
    table.add_column("value", justify="right")
    ident = report["identity"]
    table.add_row(
        "identity pairwise precision / recall / F1",
        f"{_fmt(ident['precision'])} / {_fmt(ident['recall'])} / {_fmt(ident['f1'])}",
    )
    for label, risk in report["children_at_risk"].items():
        if label == "listed_as_other_exploitation":
            table.add_row(
                "children >= medium listed under criminal exploitation (victims among them)",
                f"{risk['rows']} ({risk['victim_rows']})",
            )
            continue
        table.add_row(
            f"children >= medium ({label}) precision / recall / F1",
            f"{_fmt(risk['precision'])} / {_fmt(risk['recall'])} / {_fmt(risk['f1'])}",
        )
    ever = report.get("children_ever_flagged")
    if ever:
        table.add_row(
            "children ever flagged: count / precision / recall",
            f"{ever['flagged_rows']} / {_fmt(ever['precision'])} / {_fmt(ever['recall'])}",
        )
    nets = report["networks"]
    table.add_row("planted networks found", f"{nets['found']} of {nets['planted']}")
    table.add_row(
        "false networks (per 10,000 children)",
        f"{nets['false']} ({_fmt(nets['false_per_10000_children'])})",
    )
    if "false_cse" in nets:
        table.add_row(
            "  of which put forward as CSE / flagged (per 10,000 children)",
            f"{nets['false_cse']} ({_fmt(nets['false_cse_per_10000_children'])}) / "
            f"{nets['false_flagged']} ({_fmt(nets['false_flagged_per_10000_children'])})",
        )
    if "benign_in_flagged" in nets:
        benign = nets["benign_in_flagged"]
        table.add_row(
            "benign people inside flagged CSE networks (networks holding any)",
            f"{benign['members']} ({benign['networks_with_benign_members']})",
        )
        sizes = nets["sizes"]
        table.add_row(
            "network sizes: median / max (flagged CSE: median / max)",
            f"{_fmt(sizes['median'])} / {_fmt(sizes['max'])} "
            f"({_fmt(nets['flagged_sizes']['median'])} / {_fmt(nets['flagged_sizes']['max'])})",
        )
    adults = report.get("adults")
    if adults:
        medium = adults["at_least_medium"]
        table.add_row(
            "adults >= medium: rows / precision / recall",
            f"{medium['rows']} / {_fmt(medium['precision'])} / {_fmt(medium['recall'])}",
        )
    for name, lead in report["lead_time"].items():
        if "median_days" in lead:
            table.add_row(
                f"lead time, {name}: median days (flagged before recognition / victims)",
                f"{_fmt(lead['median_days'])} ({lead['flagged_before_recognition']}/{lead['victims']})",
            )
            if "early_recall" in lead:
                table.add_row(
                    f"early recall, {name} (flagged >= 30 days before recognition)",
                    f"{_fmt(lead['early_recall'])} "
                    f"({lead['flagged_at_least_30_days_before']}/{lead['victims']})",
                )
        elif "median_days_earlier" in lead:
            table.add_row(
                "joint earlier than siloed: victims / median days earlier",
                f"{lead['joint_earlier']} / {_fmt(lead['median_days_earlier'])}",
            )
            table.add_row(
                "flagged only jointly: victims / median censored lead, days (at least)",
                f"{lead['flagged_only_joint']} / "
                f"{_fmt(lead.get('only_joint_censored_median_days'))}",
            )
    per = report["lead_time"].get("per_victim")
    if per:
        table.add_row(
            "per victim, median months: first sign -> joint flag / first sign -> recognition",
            f"{_fmt(per['median_months_first_signal_to_joint_flag'])} / "
            f"{_fmt(per['median_months_first_signal_to_recognition'])}",
        )
        table.add_row(
            "victims whose signs before recognition are in one agency only",
            f"{per['signals_before_recognition_in_one_agency_only']} of "
            f"{per['victims_with_signals_before_recognition']}",
        )
    console.print(table)
