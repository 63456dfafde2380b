"""The access policy: which role may open which page, and whose narratives a user may read.

The rules are data, in `access_policy.yaml`; this module only reads and applies them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from lantern.config_files import read_mapping
from lantern.errors import ConfigError

POLICY_FILE = Path(__file__).resolve().parent / "access_policy.yaml"
ROLES = ("analyst", "practitioner", "supervisor", "auditor", "admin")


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    method: str
    roles: frozenset[str]


@dataclass(frozen=True)
class Policy:
    pages: dict[str, Page]
    narratives: dict[str, str]  # role -> "all agencies" | "own agency" | "none"

    def allows(self, role: str, page: str) -> bool:
        if page not in self.pages:
            raise ConfigError(f"page {page!r} is not in the access policy ({POLICY_FILE.name})")
        return role in self.pages[page].roles

    def reads_narrative(self, role: str, user_agency: str | None, record_agency: str) -> bool:
        """May this user read the text of a record held by `record_agency`?"""
        scope = self.narratives.get(role, "none")
        if scope == "all agencies":
            return True
        if scope == "own agency":
            return user_agency is not None and user_agency == record_agency
        return False


def read_policy(path: Path = POLICY_FILE) -> Policy:
    raw = read_mapping(path, "access policy")
    problems = []
    roles = raw.get("roles", {})
    if set(roles) != set(ROLES):
        problems.append(f"roles must be exactly {', '.join(ROLES)}")
    pages = {}
    for name, spec in raw.get("pages", {}).items():
        unknown = set(spec.get("roles", [])) - set(ROLES)
        if unknown:
            problems.append(f"page {name}: unknown role(s) {', '.join(sorted(unknown))}")
        pages[name] = Page(name, spec["path"], spec.get("method", "GET"), frozenset(spec["roles"]))
    narratives = {role: spec.get("narratives", "none") for role, spec in roles.items()}
    for role, scope in narratives.items():
        if scope not in ("all agencies", "own agency", "none"):
            problems.append(
                f"role {role}: narratives must be 'all agencies', 'own agency' or 'none'"
            )
    if problems:
        raise ConfigError(f"{path}: " + "; ".join(problems))
    return Policy(pages, narratives)


@cache
def default_policy() -> Policy:
    return read_policy()
