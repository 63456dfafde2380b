"""Renders the CLI reference (docs/cli.md) from the commands themselves, so the docs cannot drift.

Run `python -m lantern.cli_reference > docs/cli.md`; a test fails when the file is out of date.
"""

from __future__ import annotations

from typing import Any

import typer

from lantern.cli import app


def _default(param: Any) -> str:
    """` Default: `x`.` for an option with a default worth stating, else empty."""
    default = param.default
    if param.param_type_name == "argument" or default in (None, "", False, ()):
        return ""
    if getattr(param, "is_flag", False) and default is True and param.secondary_opts:
        default = param.opts[0]
    return f" Default: `{default}`."


def _params(command: Any) -> list[str]:
    params = [p for p in command.params if p.name != "help"]
    if not params:
        return []
    lines = ["| argument or option | meaning |\n|---|---|"]
    for param in params:
        label = ", ".join(f"`{opt}`" for opt in [*param.opts, *param.secondary_opts])
        if param.param_type_name == "argument":
            label = f"`{param.name.upper()}`"
        help_text = (getattr(param, "help", None) or "").replace("|", "\\|").replace("\n", " ")
        lines.append(f"| {label} | {help_text}{_default(param)} |")
    lines.append("")
    return lines


def _rows(command: Any, prefix: str) -> list[str]:
    lines: list[str] = []
    name = f"{prefix} {command.name}".strip()
    subcommands = getattr(command, "commands", None)
    summary = (command.help or "").strip().split("\n\n")[0].replace("\n", " ")
    if subcommands:
        lines.append(f"## `{name}`\n\n{summary}\n")
        if any(p.name != "help" for p in command.params):
            # A group that also runs on its own (`lantern resolve`): its options.
            lines.append(f"`{name}` on its own runs the stage:\n")
            lines.extend(_params(command))
        for sub in subcommands.values():
            lines.extend(_rows(sub, name))
        return lines
    lines.append(f"### `{name}`\n\n{summary}\n")
    lines.extend(_params(command))
    return lines


def render() -> str:
    """The whole reference as Markdown."""
    root = typer.main.get_command(app)
    lines = [
        "# Command reference",
        "",
        "Generated from the commands by `python -m lantern.cli_reference > docs/cli.md`;",
        "`lantern COMMAND --help` prints the same.",
        "",
    ]
    for command in root.commands.values():  # type: ignore[attr-defined]
        lines.extend(_rows(command, "lantern"))
    return "\n".join(lines).rstrip() + "\n"


if __name__ == "__main__":  # pragma: no cover
    print(render(), end="")
