"""The adults' evidence picture end to end: a synthetic county through `lantern run`, then the
app over the store the graph stage wrote (not the hand-written fixture): every adult at medium
or above has a page whose timeline lists every `adult_evidence` item of theirs, the MACE pack
lists them all as persons posing risk, and the evidence pack PDF of the one with the most items
is marked on every page and names each item's source record."""

from __future__ import annotations

import io
import re
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from app_harness import AUDIT_KEY, PASSWORD, SECRET, signed_in
from lantern.app import accounts
from lantern.app.web import create_app
from lantern.cli import main
from lantern.settings import load_settings


@pytest.mark.slow
def test_the_app_over_a_synthetic_countys_evidence_tables(tmp_path: Path) -> None:
    county, store = tmp_path / "county", tmp_path / "store.duckdb"
    assert main(["synth", "--seed", "5", "--children", "150", "--out", str(county)]) == 0
    assert main(["run", str(county), "--store", str(store)]) == 0
    con = duckdb.connect(str(store), read_only=True)
    adults = [
        r[0]
        for r in con.execute(
            "SELECT person_id FROM assessments WHERE kind = 'adult' "
            "AND band IN ('medium', 'high') ORDER BY person_id"
        ).fetchall()
    ]
    items = dict(
        con.execute(
            "SELECT adult_id, list(record_id) FROM adult_evidence GROUP BY adult_id"
        ).fetchall()
    )
    con.close()
    assert adults, "a county with planted networks has adults at medium or above"
    assert any(items.get(a) for a in adults), "and evidence items about some of them"

    settings = load_settings(
        {},
        store=store,
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        secret_key=SECRET,
        audit_key=AUDIT_KEY,
    )
    app = create_app(settings)
    with app.state.lantern.session() as db:
        accounts.add_user(db, "sue", PASSWORD, "supervisor", display_name="Sue")
    sue = signed_in(app, "sue")
    for adult in adults:
        page = sue.get(f"/adults/{adult}")
        assert page.status_code == 200, adult
        rows = re.findall(r"<tr class=\"govuk-table__row\">\s*<td class=\"govuk-table__cell\">",
                          page.text.split('data-testid="evidence-timeline"')[-1].split("</table>")[0])  # fmt: skip
        assert len(rows) == len(items.get(adult) or []), adult
    mace = sue.get("/mace").text
    assert f"Persons posing risk ({len(adults)})" in mace
    most = max(adults, key=lambda a: len(items.get(a) or []))
    pdf = sue.get(f"/adults/{most}/evidence-pack.pdf")
    assert pdf.status_code == 200
    pages = [p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages]
    assert all("OFFICIAL-SENSITIVE" in p for p in pages)
    text = re.sub(r"\s+", "", "".join(pages))  # a long id may wrap across lines
    for record in set(items[most]):
        assert record in text, record
