"""The siloed baseline keeps one agency's rows and nothing else."""

from lantern.pipeline import keep_only_agencies
from lantern.store.connection import connect
from lantern.store.ingest import ingest
from support import EXAMPLES


def test_keeping_one_agency_leaves_only_its_rows_in_every_table(store_path):
    con = connect(store_path)
    ingest(con, EXAMPLES / "riverside")
    before = con.execute("SELECT count(*) FROM people WHERE agency = 'police'").fetchall()
    keep_only_agencies(con, ["police"])
    for table in ("people", "events", "event_people", "event_things", "equality_monitoring"):
        agencies = {a for (a,) in con.execute(f"SELECT DISTINCT agency FROM {table}").fetchall()}  # noqa: S608
        assert agencies <= {"police"}, table
    assert con.execute("SELECT count(*) FROM people").fetchall() == before
    assert before[0][0] > 0
