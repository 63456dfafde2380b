"""What a user may read of each record: the access policy applied to the analytical rows.

A practitioner sees every agency's records as summaries (that a record exists, its date and
type, the indicator categories it raised) but reads the words — narratives, highlighted spans,
evidence sentences, language findings — only of their own agency's records. Pages get their
rows through these functions, never straight from `analytics`.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from lantern.app.models import User
from lantern.app.policy import Policy

WITHHELD = "Held by {agency}: the text is not shown to your role. Ask {agency} for the record."


def _agency_name(agency: str) -> str:
    return {"social_care": "children's social care"}.get(agency, agency.replace("_", " "))


def highlight(text: str, spans: list[tuple[int, int, str, str]]) -> list[dict[str, Any]]:
    """Split `text` into plain and marked segments; spans are (start, end, kind, title).

    Overlapping spans merge into one mark whose title lists both.
    """
    spans = sorted(
        (max(0, s), min(len(text), e), k, t)
        for s, e, k, t in spans
        if s is not None and e is not None and e > s
    )
    merged: list[list[Any]] = []
    for start, end, kind, title in spans:
        if merged and start < merged[-1][1]:
            last = merged[-1]
            last[1] = max(last[1], end)
            last[2] = "language" if "language" in (last[2], kind) else last[2]
            last[3] = f"{last[3]}; {title}"
        else:
            merged.append([start, end, kind, title])
    segments = []
    at = 0
    for start, end, kind, title in merged:
        if start > at:
            segments.append({"text": text[at:start]})
        segments.append({"text": text[start:end], "mark": kind, "title": title})
        at = end
    if at < len(text):
        segments.append({"text": text[at:]})
    return segments


def chronology(user: User, policy: Policy, events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for event in events:
        readable = policy.reads_narrative(user.role, user.agency, event["agency"])
        item = {k: v for k, v in event.items() if k not in ("narrative", "hits", "language")}
        item["readable"] = readable
        item["categories"] = sorted({h["category"] for h in event["hits"]})
        if readable:
            narrative = event.get("narrative") or ""
            spans = [
                (h["span_start"], h["span_end"], "indicator", f"{h['indicator']} ({h['category']})")
                for h in event["hits"]
                if h.get("span_start") is not None
            ]
            spans += [
                (f["span_start"], f["span_end"], "language", f"language: {f['phrase']}")
                for f in event["language"]
            ]
            item["segments"] = highlight(narrative, spans)
            item["hits"] = event["hits"]
            item["language"] = event["language"]
        else:
            item["segments"] = []
            item["outcome"] = None
            item["withheld"] = WITHHELD.format(agency=_agency_name(event["agency"]))
            item["hits"] = [
                {
                    "indicator": h["indicator"],
                    "category": h["category"],
                    "weight": h["weight"],
                    "source": h["source"],
                    "legal_floor": h.get("legal_floor"),
                }
                for h in event["hits"]
            ]
            item["language"] = []
        out.append(item)
    return out


def reasons(user: User, policy: Policy, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for row in rows:
        row = dict(row)
        # A reason with no agency is a summary across agencies (e.g. "signals from 4 agencies").
        if row["agency"] and not policy.reads_narrative(user.role, user.agency, row["agency"]):
            row["evidence"] = None
            row["withheld"] = WITHHELD.format(agency=_agency_name(row["agency"]))
        out.append(row)
    return out


def language(user: User, policy: Policy, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if policy.reads_narrative(user.role, user.agency, r["agency"])]


_ISO_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def dates_in_words(text: str) -> str:
    """ISO dates in a stored sentence as the pages write dates ("15 Oct 2026").

    The score stage writes its reasons with ISO dates (they are data, read by CSVs and the
    review); a practitioner reads every other date on the page in words. A string that only
    looks like a date ("2026-13-40") is left as it stands."""

    def words(match: re.Match[str]) -> str:
        try:
            return f"{date(*map(int, match.groups())):%d %b %Y}"
        except ValueError:
            return match.group(0)

    return _ISO_DATE.sub(words, text)


def top_reasons(user: Any, policy: Policy, person: Any, reasons_of: Any) -> str:
    """The assessment's top reasons, or — for a role that may not read every agency's words — a
    summary built from the score's reasons: indicator, agency and date, words only from the
    user's own agency. (`top_reasons` quotes narratives from any agency.)"""
    if person is None:
        return ""
    if policy.narratives.get(user.role) == "all agencies":
        return dates_in_words(str(person.top_reasons or ""))
    parts = []
    for row in reasons_of(person.person_id)[:4]:
        when = row["occurred_at"].strftime("%d %b %Y") if row.get("occurred_at") else ""
        where = ", ".join(x for x in (row.get("agency") or "", when) if x)
        text = (
            f"{str(row['indicator']).replace('_', ' ')} ({where})"
            if where
            else str(row["indicator"])
        )
        if row.get("evidence") and (
            not row.get("agency") or policy.reads_narrative(user.role, user.agency, row["agency"])
        ):
            text += f": {dates_in_words(str(row['evidence']))}"
        parts.append(text)
    return "; ".join(parts)
