"""Words the pages use for values that would otherwise show raw: outcome codes, the role of a
node in a network, pairs of dates, an agency's list of records.

Registered as template filters by `register(env)`. Each returns plain text (the environment
escapes it), and never the string "None".
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment

# Outcome codes the agencies' systems write in `events.outcome` (docs/interchange.md: free text
# or a local code), spelt out. School attendance codes are the DfE's register codes, read only
# on an absence; the rest are the usual abbreviations of children's services.
ATTENDANCE_CODES = {
    "C": "Authorised: other exceptional circumstances",
    "E": "Authorised: excluded",
    "G": "Unauthorised: holiday not agreed",
    "H": "Authorised: holiday agreed",
    "I": "Authorised: illness",
    "M": "Authorised: medical or dental appointment",
    "N": "Unauthorised: no reason given yet",
    "O": "Unauthorised: other",
    "R": "Authorised: religious observance",
    "S": "Authorised: study leave",
    "T": "Authorised: traveller absence",
    "U": "Unauthorised: arrived after the register closed",
}
OUTCOMES = {
    "NFA": "No further action",
    "ICPC": "Initial child protection conference",
    "FTE": "Fixed-term exclusion",
    "CIN PLAN": "Child in need plan",
    "CP PLAN": "Child protection plan",
    "CME REFERRAL": "Referral: child missing education",
    "DSL INFORMED": "Designated safeguarding lead informed",
}

# A network member that is not a person, by the first part of its node id.
THING_KINDS = {
    "vehicle": "vehicle",
    "phone": "phone",
    "email": "email address",
    "handle": "social media handle",
    "place": "place",
}


def outcome(value: Any, event_type: Any = None) -> str:
    """An outcome as words: a known code spelt out ("NFA" → "No further action"; "M" on an
    absence → "Authorised: medical or dental appointment"), free text as written."""
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    if str(event_type or "") == "absence" and text.upper() in ATTENDANCE_CODES:
        return f"{ATTENDANCE_CODES[text.upper()]} (register code {text.upper()})"
    spelt = OUTCOMES.get(text.upper())
    if spelt:
        return spelt
    if len(text) <= 4 and text.isupper():
        return f"recorded as code {text}"
    return text[:1].upper() + text[1:]


def member_role(node_id: Any, role: Any) -> str:
    """What a network member that is not an assessed person is, in words ("vehicle", "phone,
    links children of several households"), never "(thing)"."""
    node = str(node_id or "")
    role = str(role or "")
    prefix = node.split(":", 1)[0] if ":" in node else ""
    what = THING_KINDS.get(prefix, "")
    if not what:
        what = {
            "thing": "vehicle, phone or handle",
            "connector_thing": "vehicle, phone or handle",
            "place": "place",
            "connector": "adult",
            "adult": "adult",
            "child": "child",
            "linked_child": "child",
        }.get(role, role.replace("_", " ") or "member")
    if role.startswith("connector"):
        what += "; linked to children of several households"
    return what


def _as_date(value: Any) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        return None


def date_range(first: Any, last: Any) -> str:
    """Two dates in order ("12 Mar 2024 to 3 May 2024"; one date "on 12 Mar 2024"): never a
    "first" later than a "last", whichever column each came from."""
    days = sorted(d for d in (_as_date(first), _as_date(last)) if d is not None)
    if not days:
        return "date not recorded"
    if days[0] == days[-1]:
        return f"on {days[0]:%d %b %Y}"
    return f"{days[0]:%d %b %Y} to {days[-1]:%d %b %Y}"


def register(env: Environment) -> None:
    env.filters["outcome"] = outcome
    env.filters["member_role"] = member_role
    env.filters["date_range"] = date_range
