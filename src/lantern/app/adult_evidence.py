"""What the adult page, the MACE pack and the evidence pack show of an adult (issue 22): the
evidence picture as the viewer may read it, and the disruption actions with their effect.

Assembles the store's rows (`evidence_reader`), the app's own disruption actions and the access
policy; the picture and the effect themselves are pure (`evidence_picture`, `disruptions`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from lantern.app import disruptions, evidence_reader
from lantern.app.disclosure import WITHHELD, _agency_name
from lantern.app.evidence_picture import Picture, agency_of_record, build, readable


def _reads(state: Any, viewer: Any) -> Any:
    return lambda agency: state.policy.reads_narrative(viewer.role, viewer.agency, agency)


def _withheld(agency: str) -> str:
    return WITHHELD.format(agency=_agency_name(agency))


def picture(state: Any, viewer: Any, adult_id: str) -> Picture:
    """The adult's evidence picture, the words only of agencies the viewer's role reads."""
    analytics = state.analytics
    items = evidence_reader.adult_evidence(analytics, [adult_id]).get(adult_id, [])
    children = sorted({i["child_id"] for i in items if i.get("child_id")})
    rows = evidence_reader.withdrawals(analytics, adult_id, children)
    reads = _reads(state, viewer)
    shown_withdrawals = []
    for row in rows:
        agency = agency_of_record(row.get("withdrawal_event_id") or row.get("disclosure_event_id"))
        row = dict(row)
        if agency and not reads(agency):
            row["withdrawal_words"] = None
            row["withheld"] = _withheld(agency)
        shown_withdrawals.append(row)
    names = {
        pid: p.name
        for pid, p in analytics.people(
            children + [w["child_id"] for w in rows if w.get("child_id")]
        ).items()
    }
    return build(readable(items, reads, _withheld), names, shown_withdrawals)


def targets(analytics: Any, person: Any) -> dict[str, str]:
    """What a disruption on this adult's page may be recorded against: the adult, and the
    vehicles and places the records link them to. {target_id: what the form shows}."""
    out = {person.person_id: f"{person.name} (this adult)"}
    for link in analytics.links(person.person_id):
        kind = disruptions.target_kind_of(str(link["other"]))
        if kind in ("vehicle", "place"):
            out[link["other"]] = f"{kind.title()}: {link.get('label') or link['other']}"
    return out


def actions(
    state: Any,
    db: Session,
    adult_id: str,
    target_labels: dict[str, str],
    loaded: list[dict[str, Any]] | None = None,
) -> list[dict[str, Any]]:
    """Every disruption action against the adult or their linked vehicles and places, from the
    store and from the app, each with the target's months before and after (and, for a
    vehicle or place, the adult's own months: activity that moved to another car or place
    shows there)."""
    analytics = state.analytics
    ids = list(target_labels)
    if loaded is None:  # `loaded`: every action of a batch of adults, read once (for_mace)
        loaded = _load(analytics, db, ids)
    rows = [r for r in loaded if r["target_id"] in target_labels]
    as_of = analytics.as_of()
    out = []
    for row in rows:
        item = dict(row)
        item["target_label"] = target_labels.get(row["target_id"], row["target_id"])
        item["action_words"] = disruptions.ACTIONS.get(row["action"], row["action"])
        if row["started_on"] is not None:
            item["effect"] = disruptions.effect(
                row["started_on"],
                evidence_reader.activity_months(analytics, row["target_id"]),
                as_of,
            )
            if row["target_id"] != adult_id:
                item["adult_effect"] = disruptions.effect(
                    row["started_on"], evidence_reader.activity_months(analytics, adult_id), as_of
                )
        out.append(item)
    return out


def _load(analytics: Any, db: Session, target_ids: list[str]) -> list[dict[str, Any]]:
    return disruptions.combined(
        evidence_reader.store_disruptions(analytics, target_ids),
        disruptions.recorded_in_app(db, target_ids),
    )


def for_mace(state: Any, db: Session, viewer: Any, adults: list[dict[str, Any]]) -> None:
    """Each MACE-pack adult's evidence picture and disruption status, added in place
    (`picture`, `actions`)."""
    analytics = state.analytics
    evidence_reader.adult_evidence(analytics, [a["person_id"] for a in adults])  # one query
    labels = {
        a["person_id"]: (
            targets(analytics, a["person"])
            if a.get("person") is not None
            else {a["person_id"]: a["person_id"]}
        )
        for a in adults
    }
    loaded = _load(analytics, db, [t for ls in labels.values() for t in ls])  # two queries
    for adult in adults:
        adult["picture"] = picture(state, viewer, adult["person_id"])
        adult["actions"] = actions(
            state, db, adult["person_id"], labels[adult["person_id"]], loaded
        )
