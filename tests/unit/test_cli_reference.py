"""Meta-tests: every command is documented, and docs/cli.md is the rendering of the commands."""

import typer

from lantern.cli import app
from lantern.cli_reference import render
from support import ROOT


def _leaf_commands(command, prefix="lantern"):
    for sub in getattr(command, "commands", {}).values():
        name = f"{prefix} {sub.name}"
        if getattr(sub, "commands", None):
            yield from _leaf_commands(sub, name)
        else:
            yield name, sub


def test_every_command_has_help_text():
    missing = [name for name, cmd in _leaf_commands(typer.main.get_command(app)) if not cmd.help]
    assert missing == []


def test_docs_cli_md_is_up_to_date():
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render(), (
        "docs/cli.md is stale: python -m lantern.cli_reference > docs/cli.md"
    )
