from pathlib import Path

from lantern.settings import load_settings


def test_settings_come_from_the_given_environment_not_the_process():
    settings = load_settings({"LANTERN_STORE": "/tmp/x.duckdb", "LANTERN_DEMO": "true"})
    assert settings.store == Path("/tmp/x.duckdb")
    assert settings.demo is True


def test_overrides_win_over_the_environment():
    settings = load_settings({"LANTERN_THREADS": "8"}, threads=1)
    assert settings.threads == 1


def test_a_command_honours_lantern_store_and_its_store_option_wins(monkeypatch, tmp_path):
    from lantern.settings import command_settings

    monkeypatch.setenv("LANTERN_STORE", str(tmp_path / "from-env.duckdb"))
    assert command_settings().store == tmp_path / "from-env.duckdb"
    assert command_settings(tmp_path / "given.duckdb").store == tmp_path / "given.duckdb"


def test_every_command_shares_one_store_option():
    """`--store` of the analytical store is defined once (lantern.settings.StoreOption); only
    `assess --store` (a store to keep) and `review --store` (a store to review) differ."""
    import typer

    from lantern.cli import app

    helps = {}
    stack = [("lantern", typer.main.get_command(app))]
    while stack:
        name, command = stack.pop()
        for sub in getattr(command, "commands", {}).values():
            stack.append((f"{name} {sub.name}", sub))
        for param in getattr(command, "params", []):
            if "--store" in getattr(param, "opts", []):
                helps[name] = param.help
    shared = {n: h for n, h in helps.items() if n not in ("lantern assess", "lantern review")}
    assert len(shared) > 10
    assert set(shared.values()) == {
        "DuckDB analytical store (default: LANTERN_STORE, or lantern.duckdb)."
    }


def test_a_command_without_store_reads_lantern_store(monkeypatch, tmp_path):
    from lantern.cli import main
    from lantern.synth.county import generate

    county = tmp_path / "county"
    generate(county, seed=3, children=60, years=2, start_year=2010)
    monkeypatch.setenv("LANTERN_STORE", str(tmp_path / "env.duckdb"))
    assert main(["ingest", str(county)]) == 0
    assert (tmp_path / "env.duckdb").is_file()
