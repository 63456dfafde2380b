"""CLI: `lantern resolve`, `lantern resolve decide`, `lantern resolve explain`."""

from __future__ import annotations

from typing import Annotated

import typer

from lantern.settings import StoreOption, command_settings

ThresholdOption = Annotated[
    float, typer.Option(help="Match probability at which a scored pair is linked.")
]
TrainingOption = Annotated[
    str, typer.Option(help="auto (EM when the store is big enough), em, or priors.")
]
SeedOption = Annotated[int, typer.Option(help="Seed for u sampling.")]


def resolve_command(
    store: StoreOption = None,
    threshold: ThresholdOption = 0.9,
    training: TrainingOption = "auto",
    seed: SeedOption = 42,
) -> None:
    """Resolve which records are the same person, and the vehicles, phones, emails and handles they share."""
    from lantern.resolve import stage
    from lantern.store.connection import writing_store

    settings = command_settings(store)
    with writing_store(settings, "lantern resolve") as con:
        summary = stage.run(con, threshold=threshold, training=training, seed=seed)
    typer.echo(
        f"{summary.records} records → {summary.persons} persons "
        f"({summary.links} links from {summary.pairs_scored} scored pairs; "
        f"{summary.cannot_link} pairs kept apart); "
        f"{summary.things} things in {summary.thing_mentions} mentions; {summary.seconds:.1f}s"
    )
    for line in summary.training:
        typer.echo(f"  training: {line}")


def decide_command(
    record_a: Annotated[str, typer.Argument(help="A record, agency:person_ref.")],
    record_b: Annotated[str, typer.Argument(help="Another record, agency:person_ref.")],
    same: Annotated[bool, typer.Option("--same", help="They are the same person.")] = False,
    different: Annotated[
        bool, typer.Option("--different", help="They are not the same person.")
    ] = False,
    by: Annotated[str, typer.Option("--by", help="Who decided.")] = "",
    reason: Annotated[str, typer.Option("--reason", help="Why.")] = "",
    store: StoreOption = None,
) -> None:
    """Record a reviewer's decision about two records; every later `lantern resolve` respects it."""
    from lantern.errors import UserError
    from lantern.resolve.decisions import record_decision
    from lantern.store.connection import writing_store

    if same == different:
        raise UserError("give exactly one of --same or --different")
    settings = command_settings(store)
    with writing_store(settings, "lantern resolve decide") as con:
        left, right = record_decision(
            con, record_a, record_b, "same" if same else "different", by, reason
        )
    typer.echo(
        f"recorded: {left} and {right} are {'the same person' if same else 'different people'} "
        f"(by {by}); `lantern run --store {settings.store}` (no extract) applies it"
    )


def explain_command(
    record_a: Annotated[str, typer.Argument(help="A record, agency:person_ref.")],
    record_b: Annotated[str, typer.Argument(help="Another record, agency:person_ref.")],
    store: StoreOption = None,
) -> None:
    """Explain what resolve concluded about two records, and why."""
    import json

    from lantern.resolve.replay import explain_link
    from lantern.store.connection import open_store

    settings = command_settings(store)
    store = settings.store
    con = open_store(settings, read_only=True)
    try:
        explanation = explain_link(con, record_a, record_b)
    finally:
        con.close()
    typer.echo(json.dumps(explanation, indent=2, default=str))


def register(app: typer.Typer) -> None:
    resolve_app = typer.Typer(
        help="Resolve identity: which records are one person; reviewers' decisions.",
        invoke_without_command=True,
        no_args_is_help=False,
    )
    resolve_app.callback(invoke_without_command=True)(_resolve_callback)
    resolve_app.command("decide")(decide_command)
    resolve_app.command("explain")(explain_command)
    app.add_typer(resolve_app, name="resolve")


def _resolve_callback(
    ctx: typer.Context,
    store: StoreOption = None,
    threshold: ThresholdOption = 0.9,
    training: TrainingOption = "auto",
    seed: SeedOption = 42,
) -> None:
    """Resolve which records are the same person, and the vehicles, phones, emails and handles they share.

    `lantern resolve decide A B --same|--different --by NAME --reason TEXT` records a reviewer's decision;
    `lantern resolve explain A B` says why two records are or are not one person.
    """
    if ctx.invoked_subcommand is None:
        resolve_command(store=store, threshold=threshold, training=training, seed=seed)
