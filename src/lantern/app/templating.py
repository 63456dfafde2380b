"""Pages' templates: the Jinja environment, its filters and globals, and `render`.

Sits between the request context (`context.py`) and the page modules, which import `render` from
here; it imports no page module.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    select_autoescape,
)
from markupsafe import Markup

from lantern.app import alerts, wording
from lantern.app.context import csrf_cookie, session_cookie, set_cookie, state_of
from lantern.app.evidence_picture import KIND_WORDS
from lantern.app.models import User
from lantern.app.policy import Policy
from lantern.app.security import PRE_SESSION_COOKIE

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    state = state_of(request)
    user = getattr(request.state, "user", None)
    cookie = session_cookie(request) if user else csrf_cookie(request)
    new_pre = None
    if user is None and not cookie:
        new_pre = cookie = state.sessions.new_pre_session()
    context.update(
        request=request,
        user=user,
        csrf_token=state.sessions.csrf_token(cookie),
        can=lambda page: user is not None and state.policy.allows(user.role, page),
        nav=_navigation(request, user, state.policy),
        demo=state.settings.demo,
        # "Data as of …" on every page a signed-in user sees: the generation this request read.
        freshness=_freshness(state) if user is not None else None,
    )
    response = state.templates.TemplateResponse(request, template, context, status_code=status_code)
    if new_pre:
        set_cookie(response, request, PRE_SESSION_COOKIE, new_pre, samesite="strict", max_age=3600)
    return response


def _freshness(state: Any) -> dict[str, Any] | None:
    try:
        return state.analytics.freshness  # type: ignore[no-any-return]
    except AttributeError:  # an app state without a store (error pages in tests)
        return None


NAVIGATION = (
    ("alerts", "/alerts", "Alerts"),
    ("search", "/search", "Search"),
    ("mace", "/mace", "MACE pack"),
    ("most_connected", "/workbench/connected", "Most connected"),
    ("find_path", "/workbench/path", "Find the path"),
    ("hotspots", "/workbench/places", "Places"),
    ("time_patterns", "/workbench/time", "Time pattern"),
    ("review", "/review", "Review"),
    ("challenged_access", "/challenged-access", "Challenged access"),
    ("users", "/admin/users", "Users"),
    ("audit", "/admin/audit", "Audit log"),
)


def _navigation(request: Request, user: User | None, policy: Policy) -> list[dict[str, Any]]:
    if user is None:
        return []
    path = request.url.path
    return [
        {"href": href, "text": text, "active": path.startswith(href)}
        for page, href, text in NAVIGATION
        if policy.allows(user.role, page)
    ]


def _date(value: Any, fmt: str = "%d %b %Y") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime | date):
        return value.strftime(fmt)
    return str(value)


# Words of an identifier that are read as letters ("ed_attendance" is an ED attendance).
ACRONYMS = {"ed": "ED", "gp": "GP", "sti": "STI", "cp": "CP", "nfa": "NFA", "mash": "MASH"}


# Identifiers whose words alone do not read as English ("gifts money").
LABELS = {"gifts_money": "gifts or money"}


def _label(value: Any) -> str:
    text = str(value or "")
    for code, words in LABELS.items():
        text = text.replace(code, words)
    return " ".join(ACRONYMS.get(word, word) for word in text.replace("_", " ").split(" "))


def _sentence(value: Any) -> str:
    """The first letter capitalised and the rest left alone (Jinja's `capitalize` lowers it)."""
    text = str(value or "")
    return text[:1].upper() + text[1:]


# How each kind of link reads on a page: what the records show, never a finding about a person
# (Lantern ranks and explains; a person decides). Kinds are graph_edges.kind (docs/graph.md).
LINK_KINDS = {
    "suspect_of": "named as suspect in a record about the child",
    "co_event": "in the same record",
    "with_thing": "recorded with",
    "text_mention": "named in a narrative",
    "shared_thing": "recorded with the same vehicle, phone or handle",
    "at_place": "recorded at the place",
    "same_place": "at the same place within two days",
}


def _link_kind(value: Any) -> str:
    return LINK_KINDS.get(str(value or ""), _label(value))


NOT_ROLES = {"on_record": "on their record", "named_in_narrative": "named in the narrative"}


def _recorded_as(value: Any) -> str:
    """An agency's role for a person in one record ("victim", "suspect/victim"): the record's
    words, shown as such, so the page itself never calls anyone a victim or a suspect."""
    parts = [p.strip() for p in re.split(r"[/,]", str(value or "")) if p.strip() not in ("", "-")]
    if len(parts) == 1 and parts[0] in NOT_ROLES:
        return NOT_ROLES[parts[0]]
    return ("recorded as " + " / ".join(_label(p) for p in parts)) if parts else ""


def _short_reasons(value: Any, count: int = 2, width: int = 150) -> list[str]:
    """The first few of a `;`-separated list of reasons, each cut to `width` characters."""
    reasons = [r.strip() for r in str(value or "").split("; ") if r.strip()]
    return [r if len(r) <= width else r[: width - 1].rstrip() + "…" for r in reasons[:count]]


def _agency(value: Any) -> str:
    if value is None or value == "":
        return ""
    return {
        "social_care": "Children's social care",
        "police": "Police",
        "health": "Health",
        "education": "Education",
    }.get(str(value), _sentence(_label(value)))


BAND_COLOURS = {
    "high": "govuk-tag--red",
    "medium": "govuk-tag--orange",
    "low": "govuk-tag--yellow",
    "none": "govuk-tag--grey",
}
STATUS_COLOURS = {
    "open": "govuk-tag--blue",
    "assigned": "govuk-tag--light-blue",
    "awaiting_sign_off": "govuk-tag--purple",
    "closed": "govuk-tag--grey",
}


# Band "none" is a score below the low band: said so, not shown as the word "None".
BAND_WORDS = {"none": "no band"}


def band_tag(band: str | None) -> Markup:
    return Markup('<strong class="govuk-tag {} lantern-band">{}</strong>').format(
        BAND_COLOURS.get(band or "", "govuk-tag--grey"),
        _sentence(BAND_WORDS.get(band or "", band or "not scored")),
    )


def status_tag(status: str) -> Markup:
    return Markup('<strong class="govuk-tag {}">{}</strong>').format(
        STATUS_COLOURS.get(status, ""), alerts.STATUSES.get(status, status)
    )


def build_templates() -> Jinja2Templates:
    env = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(HERE / "templates"),
                PrefixLoader(
                    {"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja", "templates")}
                ),
            ]
        ),
        autoescape=select_autoescape(["html"]),
        auto_reload=False,  # templates ship with the package: no stat() per page
        # a missing value prints as nothing, never as Python's "None"
        finalize=lambda value: "" if value is None else value,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["date"] = _date
    env.filters["datetime"] = lambda v: _date(v, "%d %b %Y %H:%M")
    env.filters["label"] = _label
    env.filters["link_kind"] = _link_kind
    env.filters["sentence"] = _sentence
    env.filters["recorded_as"] = _recorded_as
    env.filters["agency"] = _agency
    env.filters["short_reasons"] = _short_reasons
    env.filters["urlquote"] = lambda v: quote(str(v), safe="")
    wording.register(env)
    env.globals["TRIAGE_OUTCOMES"] = alerts.TRIAGE_OUTCOMES
    env.globals["STATUSES"] = alerts.STATUSES
    env.globals["EVIDENCE_KINDS"] = KIND_WORDS  # an adult's evidence picture (issue 22)
    env.globals["band_tag"] = band_tag
    env.globals["status_tag"] = status_tag
    return Jinja2Templates(env=env)
