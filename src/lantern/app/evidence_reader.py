"""Read-only queries over the graph stage's evidence tables (issue 22).

`adult_evidence`, `account_withdrawals`, `disruptions` and `target_activity_months` are written
by the graph stage (`lantern.store.contract`); the app only reads them. A store written before
they existed reads as empty (each function says so by returning nothing), so every page still
opens: the page says the store has no evidence picture yet rather than failing.
"""

from __future__ import annotations

from typing import Any

from lantern.app.store_reader import Analytics

TABLES = ("adult_evidence", "account_withdrawals", "disruptions", "target_activity_months")


def has_evidence(analytics: Analytics) -> bool:
    """Whether the store holds the evidence picture at all (a store from before issue 22 not)."""
    return analytics.has("adult_evidence")


def adult_evidence(analytics: Analytics, adult_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
    """Every item tying each adult to children or places of concern, oldest first."""
    if not adult_ids or not analytics.has("adult_evidence"):
        return {}

    def compute(ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {i: [] for i in ids}
        for row in analytics.q(
            "SELECT item_id, adult_id, kind, child_id, account_of, agency, record_id, event_id, "
            "thing_id, occurred_at, recorded_at, recorded_by, summary, "
            "coalesce(withdrawn, false) AS withdrawn FROM adult_evidence "
            "WHERE adult_id IN (SELECT unnest(?::VARCHAR[])) "
            "ORDER BY occurred_at NULLS LAST, recorded_at, item_id",
            [ids],
        ):
            out[row["adult_id"]].append(row)
        return out

    return analytics.memoised_many("adult_evidence", list(dict.fromkeys(adult_ids)), compute)


def withdrawals(analytics: Analytics, adult_id: str, child_ids: list[str]) -> list[dict[str, Any]]:
    """Disclosures later withdrawn or denied that name this adult, or were made by one of the
    children the adult's evidence is about and name nobody (the stage could not tie them)."""
    if not analytics.has("account_withdrawals"):
        return []
    return analytics.memoised(
        ("withdrawals", adult_id),
        lambda: analytics.q(
            "SELECT * FROM account_withdrawals WHERE adult_id = ? "
            "OR (adult_id IS NULL AND child_id IN (SELECT unnest(?::VARCHAR[]))) "
            "ORDER BY disclosed_at, disclosure_event_id",
            [adult_id, child_ids],
        ),
    )


def store_disruptions(analytics: Analytics, target_ids: list[str]) -> list[dict[str, Any]]:
    """Disruption actions that arrived as interchange records, against any of these targets."""
    if not target_ids or not analytics.has("disruptions"):
        return []
    return analytics.q(
        "SELECT disruption_id, target_kind, target_id, action, agency, owner, started_on, "
        "ended_on, outcome, record_id, recorded_at FROM disruptions "
        "WHERE target_id IN (SELECT unnest(?::VARCHAR[])) ORDER BY started_on, disruption_id",
        [list(dict.fromkeys(target_ids))],
    )


def activity_months(analytics: Analytics, target_id: str) -> dict[Any, dict[str, Any]]:
    """What was recorded about a target each month: {first of month: row}."""
    if not analytics.has("target_activity_months"):
        return {}

    def compute() -> dict[Any, dict[str, Any]]:
        return {
            r["month"]: r
            for r in analytics.q(
                "SELECT month, sightings, children_seen, missing_episodes "
                "FROM target_activity_months WHERE target_id = ? ORDER BY month",
                [target_id],
            )
        }

    return analytics.memoised(("activity_months", target_id), compute)  # type: ignore[no-any-return]
