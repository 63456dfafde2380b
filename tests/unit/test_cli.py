from lantern import __version__
from lantern.cli import main


def test_version_prints_the_package_version(capsys):
    assert main(["version"]) == 0
    assert capsys.readouterr().out.strip() == __version__


def test_unknown_command_is_a_usage_error_not_a_crash():
    assert main(["no-such-command"]) == 2
