"""`lantern score` through the CLI, on a store holding hand-built contract tables."""

from datetime import date

from lantern.cli import main
from lantern.pipeline import write_outputs
from lantern.store.connection import connect
from score_world import county


def test_lantern_score_writes_assessments_and_the_four_files_follow(store_path, tmp_path, capsys):
    con = connect(store_path)
    county().write(con)
    con.close()
    assert main(["score", "--store", str(store_path), "--as-of", "2010-12-31"]) == 0
    said = capsys.readouterr().out
    assert "as of 2010-12-31" in said and "4 children" in said

    con = connect(store_path)
    files = write_outputs(con, tmp_path / "out")
    assert con.execute("SELECT DISTINCT as_of FROM assessments").fetchall() == [
        (date(2010, 12, 31),)
    ]
    con.close()
    assert files["persons.csv"] == 5  # eight records, in five persons
    children = (tmp_path / "out" / "children.csv").read_text().splitlines()
    assert children[0] == (
        "person_id,records,band,score,first_flagged_at,network_ids,top_reasons,concern"
    )
    bands = [line.split(",")[2] for line in children[1:]]
    rank = {"high": 0, "medium": 1, "low": 2, "none": 3}
    assert bands[0] in ("high", "medium")
    assert bands == sorted(bands, key=rank.get)  # the most urgent first


def test_a_bad_as_of_date_is_a_user_error_not_a_traceback(store_path, capsys):
    assert main(["score", "--store", str(store_path), "--as-of", "31/12/2010"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
