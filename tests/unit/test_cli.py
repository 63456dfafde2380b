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
