"""One exception tree for Lantern.

`UserError` and its subclasses are problems a user can fix (bad input, a bad
option, a missing file). The CLI prints them as `Kind: message` with no
traceback and exits with the class's stable `exit_code`. Anything else is a bug.
"""

from __future__ import annotations


class LanternError(Exception):
    """Root of every exception Lantern raises on purpose."""

    exit_code = 1


class UserError(LanternError):
    """Something the user can put right; printed plainly, never with a traceback."""

    exit_code = 2


class DatasetError(UserError):
    """A dataset cannot be read at all (no such directory, unreadable manifest, ...).

    Row-level problems never raise: they go to quarantine and the rest loads.
    """

    exit_code = 3

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        self.problems = problems or []
        full = (
            message
            if not self.problems
            else message + "\n" + "\n".join(f"  - {p}" for p in self.problems)
        )
        super().__init__(full)


class StoreError(UserError):
    """The analytical store is missing, locked, or lacks a stage's tables."""

    exit_code = 4


class ConfigError(UserError):
    """A settings value, catalogue or weights file is invalid."""

    exit_code = 5
