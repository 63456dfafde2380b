"""An adult's evidence picture: the items tying them to children and places, by independence.

A case built on one child's statement falls with it (the Oxfordshire, Rotherham and Rochdale
reviews; issue 22). So the picture groups every item by what it rests on — which agency recorded
it, which child it ties the adult to, what kind of evidence it is — and says plainly how much is
left if any one child's own account is set aside. Withdrawn and denied accounts are kept and
shown with the time between and what happened in between, never replaced by the later record.

Pure functions over the store's rows (`evidence_reader`): the page, the MACE pack and the
evidence pack all build the same picture, and the unit tests build it from plain dicts.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# The kinds of evidence (TEAM.md's contract), most independent of any child's account first.
KINDS = (
    "professional_sighting",
    "vehicle",
    "phone",
    "place",
    "third_party_report",
    "other_child",
    "child_account",
    "other",
)
KIND_WORDS = {
    "professional_sighting": "Seen by a professional",
    "vehicle": "Vehicle",
    "phone": "Phone",
    "place": "Place",
    "third_party_report": "Third-party report",
    "other_child": "Another child",
    "child_account": "The child's own account",
    "other": "Other",
}
NO_CHILD = ""  # the matrix row for items that tie the adult to no one child (a place, a report)


def _plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass
class SetAside:
    """What is left when one child's own statements are set aside."""

    child_id: str
    name: str
    resting: int  # items that rest on this child's account
    remain: int
    total: int
    agencies: int
    other_children: int

    @property
    def sentence(self) -> str:
        if self.remain == 0:
            return (
                f"If the statements of {self.name} are set aside, none of the "
                f"{_plural(self.total, 'item')} remain: everything rests on their account."
            )
        return (
            f"If the statements of {self.name} are set aside, {self.remain} of "
            f"{_plural(self.total, 'item')} remain, from {_plural(self.agencies, 'agency', 'agencies')}"
            f" and {_plural(self.other_children, 'other child', 'other children')}."
        )


@dataclass
class Picture:
    items: list[dict[str, Any]]
    names: dict[str, str]
    by_agency: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    by_child: list[tuple[str, str, list[dict[str, Any]]]] = field(default_factory=list)
    by_kind: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # the matrix's columns: kinds present
    matrix: list[dict[str, Any]] = field(default_factory=list)  # rows: child, name, cells
    set_aside: list[SetAside] = field(default_factory=list)
    timeline: list[tuple[str, list[dict[str, Any]]]] = field(default_factory=list)
    withdrawals: list[dict[str, Any]] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.items)

    @property
    def independent(self) -> list[dict[str, Any]]:
        """Items that rest on no child's own account."""
        return [i for i in self.items if not i.get("account_of")]

    @property
    def agencies(self) -> list[str]:
        return sorted({i["agency"] for i in self.items if i.get("agency")})

    @property
    def children(self) -> list[str]:
        return [c for c, _, _ in self.by_child if c != NO_CHILD]

    @property
    def withdrawn(self) -> list[dict[str, Any]]:
        return [i for i in self.items if i.get("withdrawn")]

    @property
    def summary(self) -> str:
        """One line for the MACE pack and the page's head."""
        if not self.items:
            return "No evidence items recorded."
        independent = len(self.independent)
        text = (
            f"{_plural(self.total, 'item')} from "
            f"{_plural(len(self.agencies), 'agency', 'agencies')} about "
            f"{_plural(len(self.children), 'child', 'children')}; {independent} rest"
            f"{'s' if independent == 1 else ''} on no child's own account"
        )
        if self.withdrawn:
            text += f"; {_plural(len(self.withdrawn), 'account')} later withdrawn or denied"
        return text + "."


def build(
    items: list[dict[str, Any]],
    names: dict[str, str],
    withdrawals: list[dict[str, Any]] | None = None,
) -> Picture:
    """The picture of one adult from their `adult_evidence` rows; `names` maps a child's
    person_id to the name their page shows (a missing name reads as the id)."""
    items = sorted(items, key=_when)

    def name(child_id: str) -> str:
        return names.get(child_id, child_id) if child_id else "No one child"

    picture = Picture(items=items, names=names)
    picture.by_agency = _groups(items, lambda i: i.get("agency") or "")
    picture.by_kind = sorted(
        _groups(items, lambda i: i.get("kind") if i.get("kind") in KINDS else "other"),
        key=lambda g: KINDS.index(g[0]),
    )
    picture.by_child = [
        (child, name(child), group)
        for child, group in sorted(
            _groups(items, lambda i: i.get("child_id") or NO_CHILD),
            key=lambda g: (g[0] == NO_CHILD, -len(g[1]), name(g[0])),
        )
    ]
    picture.kinds = [k for k, _ in picture.by_kind]
    for child, child_name, group in picture.by_child:
        counts = Counter(i.get("kind") if i.get("kind") in KINDS else "other" for i in group)
        picture.matrix.append(
            {
                "child_id": child,
                "name": child_name,
                "cells": [counts.get(k, 0) for k in picture.kinds],
                "total": len(group),
                "independent": sum(1 for i in group if not i.get("account_of")),
            }
        )
    accounts = Counter(i["account_of"] for i in items if i.get("account_of"))
    for child, resting in sorted(accounts.items(), key=lambda kv: (-kv[1], name(kv[0]))):
        remain = [i for i in items if i.get("account_of") != child]
        picture.set_aside.append(
            SetAside(
                child_id=child,
                name=name(child),
                resting=resting,
                remain=len(remain),
                total=len(items),
                agencies=len({i["agency"] for i in remain if i.get("agency")}),
                other_children=len({i["child_id"] for i in remain if i.get("child_id")} - {child}),
            )
        )
    months: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        at = item.get("occurred_at") or item.get("recorded_at")
        months.setdefault(at.strftime("%Y-%m") if at else "", []).append(item)
    picture.timeline = list(months.items())
    picture.withdrawals = [
        {**w, "child_name": name(w.get("child_id") or "")} for w in (withdrawals or [])
    ]
    return picture


def _when(item: dict[str, Any]) -> tuple[Any, ...]:
    at = item.get("occurred_at") or item.get("recorded_at")
    return (at is None, at.isoformat() if at else "", item.get("item_id") or "")


def _groups(
    items: list[dict[str, Any]], key: Callable[[dict[str, Any]], Any]
) -> list[tuple[Any, list[dict[str, Any]]]]:
    out: dict[Any, list[dict[str, Any]]] = {}
    for item in items:
        out.setdefault(key(item), []).append(item)
    return sorted(out.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))


def readable(
    items: list[dict[str, Any]], reads: Callable[[str], bool], withheld: Callable[[str], str]
) -> list[dict[str, Any]]:
    """Items as this viewer may read them: the words (`summary`) only of agencies whose
    narratives their role reads (`reads(agency)`); the rest keep date, agency, kind and record."""
    out = []
    for item in items:
        if item.get("agency") and not reads(item["agency"]):
            item = {**item, "summary": None, "withheld": withheld(item["agency"])}
        out.append(item)
    return out


def agency_of_record(record_or_event_id: str | None) -> str:
    """The agency an interchange id names (`police:E7` is police's)."""
    return str(record_or_event_id or "").split(":", 1)[0]
