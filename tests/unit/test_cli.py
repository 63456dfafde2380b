from lantern import __version__
from lantern.cli import main


def test_version_prints_the_package_version(capsys):
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == __version__


def test_unknown_command_is_a_usage_error_not_a_crash():
    assert main(["no-such-command"]) == 2


def test_a_commands_exit_code_reaches_the_caller():
    import typer

    from lantern.cli import app

    @app.command("exit-seven", hidden=True)
    def exit_seven() -> None:
        raise typer.Exit(7)

    try:
        assert main(["exit-seven"]) == 7
    finally:
        app.registered_commands = [c for c in app.registered_commands if c.name != "exit-seven"]


def test_a_runs_file_counts_read_as_words(capsys):
    """`networks.csv: 1 row`, not `1 rows` (issue 20: nothing a user reads is Python's)."""
    from lantern.commands import _print_summary
    from lantern.pipeline import AssessSummary

    summary = AssessSummary(out_dir=None, as_of=None, agencies=None)
    summary.files = {"children.csv": 1234, "networks.csv": 1, "adults.csv": 0}
    _print_summary(summary)
    out = capsys.readouterr().out
    assert "children.csv: 1,234 rows" in out
    assert "networks.csv: 1 row\n" in out
    assert "adults.csv: 0 rows" in out
