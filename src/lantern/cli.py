"""The `lantern` command line: one thin function per command.

Each command parses options, builds settings and calls into the stage that
does the work. `UserError`s are printed plainly with a stable exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from lantern.errors import UserError

app = typer.Typer(
    name="lantern",
    help="Lantern: join agencies' records so child sexual exploitation is seen early.",
    no_args_is_help=True,
    add_completion=False,
)

StoreOption = Annotated[Path, typer.Option("--store", help="DuckDB analytical store.")]


def _stderr() -> Console:
    return Console(stderr=True)


@app.callback()
def _root() -> None:
    """Lantern: join agencies' records so child sexual exploitation is seen early."""


@app.command()
def version() -> None:
    """Print Lantern's version."""
    from lantern import __version__

    typer.echo(__version__)


# Each stage keeps its commands in `lantern/<stage>/commands.py`, and the commands that run the
# whole pipeline are in `lantern/commands.py`; each defines `register(app)` and imports its heavy
# dependencies inside the command functions, so `lantern --help` stays fast. In this order they
# are listed by `lantern --help` (and docs/cli.md); "module:function" names another function.
COMMAND_MODULES = (
    "lantern.store.commands",
    "lantern.adapters.commands",
    "lantern.resolve.commands",
    "lantern.indicators.commands",
    "lantern.graph.commands",
    "lantern.score.commands",
    "lantern.commands",
    "lantern.synth.commands",
    "lantern.commands:register_measures",
    "lantern.app.commands",
)


def _register_commands() -> None:
    import importlib
    import importlib.util

    for entry in COMMAND_MODULES:
        name, _, function = entry.partition(":")
        if importlib.util.find_spec(name) is not None:
            getattr(importlib.import_module(name), function or "register")(app)


_register_commands()


def main(argv: list[str] | None = None) -> int:
    """Entry point: run the CLI, turning user errors into a message and an exit code."""
    try:
        # Without standalone mode a command's `typer.Exit(n)` comes back as the return value.
        result = app(args=argv, standalone_mode=False)
    except UserError as error:
        _stderr().print(f"[bold red]{type(error).__name__}[/]: {error}", highlight=False)
        return error.exit_code
    except typer.Exit as done:
        return done.exit_code
    except typer.Abort:
        _stderr().print("Aborted.")
        return 130
    except typer.TyperException as error:  # usage errors: bad option, missing argument
        if hasattr(error, "show"):
            error.show()
        return int(getattr(error, "exit_code", 2))
    return result if isinstance(result, int) else 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
