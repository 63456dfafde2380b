"""A person as the pages show them: the best-supported name, properly written, aliases listed;
the best-supported date of birth with the records that disagree; turned-18s out of the child
queue; possible duplicates suggested; search scored on the name shown."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb

from app_county import County
from app_harness import make_app, signed_in
from lantern.app.display_names import best_name, name_similarity, proper_case


def test_names_are_written_as_names() -> None:
    assert proper_case("STEPHEN") == "Stephen"
    assert proper_case("ian") == "Ian"
    assert proper_case("O'BRIEN") == "O'Brien"
    assert proper_case("ANNE-MARIE") == "Anne-Marie"
    assert proper_case("MCDONALD") == "McDonald"
    assert proper_case("de Souza") == "de Souza"  # mixed case: as the person wrote it
    assert proper_case("  PHOEBE ") == "Phoebe"


def test_the_best_supported_name_wins_and_the_others_are_listed() -> None:
    records = [
        {"given_name": "STEPHEN", "family_name": "Shepherd", "other_names": ""},
        {"given_name": "Stephen", "family_name": "Shepherd", "other_names": "Steve"},
        {"given_name": "Steven", "family_name": "Shepherd", "other_names": None},
        {"given_name": "stephen", "family_name": "SHEPHERD", "other_names": ""},
    ]
    name, others = best_name(records)
    assert name == "Stephen Shepherd"
    assert others == ["Steven Shepherd", "Steve"]
    assert best_name([{"given_name": "", "family_name": None}])[0] == "(no name recorded)"


def test_a_tie_goes_to_the_spelling_other_records_agree_with_not_the_first_record() -> None:
    # The demo's "Matthew Smimh (Matthew Smith)": one school record, one GP record.
    slip = {"given_name": "Matthew", "family_name": "Smimh", "other_names": None}
    right = {"given_name": "Matthew", "family_name": "Smith", "other_names": None}
    assert best_name([slip, right])[0] == "Matthew Smimh"  # nothing else to go on: the first
    assert best_name([slip, right], {"matthew": 40, "smith": 37, "smimh": 1}) == (
        "Matthew Smith",
        ["Matthew Smimh"],
    )
    assert best_name([right, slip], {"matthew": 40, "smith": 37, "smimh": 1})[0] == (
        "Matthew Smith"
    )
    # The person's own records come before everyone else's: an alias written "Smimh" in a
    # third record makes that spelling the one most of their name fields agree with.
    alias = {"given_name": "Matt", "family_name": "Smimh", "other_names": "Matthew Smimh"}
    assert best_name([right, slip, alias], {"smith": 37, "smimh": 1})[0] == "Matthew Smimh"
    # A spelling more records give still wins over a commoner word.
    assert best_name([slip, slip, right], {"smith": 37, "smimh": 1})[0] == "Matthew Smimh"


def test_a_match_is_scored_on_the_name_shown() -> None:
    assert name_similarity("Smith", "Daisy Smith") == 1.0
    assert 0.85 < name_similarity("Smith", "Daisy Simth") < 1.0


def _identity(con: duckdb.DuckDBPyConnection, rows: list[tuple]) -> None:
    con.execute(
        "CREATE TABLE person_identity (person_id VARCHAR, date_of_birth DATE, birth_year BIGINT, "
        "born DATE, dob_records BIGINT, dob_disagreements VARCHAR)"
    )
    for row in rows:
        con.execute("INSERT INTO person_identity VALUES (?, ?, ?, ?, ?, ?)", list(row))


def _prepare(county: County) -> None:
    con = duckdb.connect(str(county.path))
    # Kayleigh: one agency types her name in capitals and spells her family name differently,
    # and the police record gives another date of birth.
    con.execute("UPDATE people SET given_name = 'KAYLEIGH' WHERE record_id = 'police:P100'")
    con.execute("UPDATE people SET family_name = 'Brooks' WHERE record_id = 'education:E400'")
    con.execute(
        "UPDATE people SET date_of_birth = DATE '1998-06-12' WHERE record_id = 'police:P100'"
    )
    disagreement = json.dumps(
        [{"date_of_birth": "1998-06-12", "agencies": ["police"], "records": ["police:P100"]}]
    )
    # Chloe has turned 18 by the as-of date (2011-06-30) on her best-supported date of birth.
    _identity(
        con,
        [
            (county.kayleigh, date(1997, 6, 12), None, date(1997, 6, 12), 3, disagreement),
            (county.chloe, date(1993, 5, 1), None, date(1993, 5, 1), 2, None),
        ],
    )
    con.execute("UPDATE people SET date_of_birth = DATE '1993-05-01' WHERE record_id LIKE '%204'")
    # A second Darren Mills the linker left apart (no date of birth: nothing in conflict).
    con.execute(
        "INSERT INTO people (record_id, agency, person_ref, given_name, family_name, sex) "
        "VALUES ('social_care:SC999', 'social_care', 'SC999', 'DARREN', 'MILLS', 'M')"
    )
    con.execute("INSERT INTO persons VALUES ('social_care:SC999', 'P0000000999')")
    con.execute("INSERT INTO score_persons VALUES ('social_care:SC999', 'P0000000999')")
    # the score names a linked person by one of their records
    con.execute(
        "INSERT INTO score_reasons VALUES (?, 4, 'associates', 'linked_person', 'police', NULL, "
        "TIMESTAMP '2011-05-01 10:00', TIMESTAMP '2011-05-01 10:00', "
        "'linked in 1 record to the person with record police:P110, named as a suspect')",
        [county.kayleigh],
    )
    con.execute(
        "UPDATE assessments SET top_reasons = 'linked in 1 record to the person with record "
        "police:P110, named as a suspect' WHERE person_id = ?",
        [county.kayleigh],
    )
    con.close()


def test_pages_show_one_name_one_date_and_where_records_disagree(tmp_path: Path) -> None:
    app, county = make_app(tmp_path, prepare=_prepare)
    analyst = signed_in(app, "ana")
    page = analyst.get(f"/children/{county.kayleigh}").text
    assert '<h1 class="govuk-heading-l" data-testid="person-name">Kayleigh Brookes</h1>' in page
    assert "KAYLEIGH" not in page
    assert "Kayleigh Brooks" in page  # another spelling, listed as such
    assert "3 records give this date; Police record says 12 Jun 1998." in " ".join(page.split())
    assert (
        "Ages on this page use 12 Jun 1997; the legal-age rules use, at each record, the date "
        "most of the records known by then gave." in " ".join(page.split())
    )


def _slip_in_chloes_first_record(county: County) -> None:
    con = duckdb.connect(str(county.path))
    # Her two records give two spellings; the one that sorts first has the slip. Another
    # family in the store is called Masters, nobody else Mastres.
    con.execute("UPDATE people SET family_name = 'Mastres' WHERE record_id = 'police:P104'")
    con.execute(
        "INSERT INTO people (record_id, agency, person_ref, given_name, family_name, sex) "
        "VALUES ('health:H999', 'health', 'H999', 'Jean', 'Masters', 'F')"
    )
    con.close()


def test_a_tied_spelling_is_settled_by_the_store_not_by_record_order(tmp_path: Path) -> None:
    app, county = make_app(tmp_path, prepare=_slip_in_chloes_first_record)
    page = signed_in(app, "ana").get(f"/children/{county.chloe}").text
    assert '<h1 class="govuk-heading-l" data-testid="person-name">Chloe Masters</h1>' in page
    assert "Chloe Mastres" in page  # the other spelling, listed


def test_someone_who_has_turned_18_leaves_the_child_queue(tmp_path: Path) -> None:
    app, county = make_app(tmp_path, prepare=_prepare)
    analyst = signed_in(app, "ana")
    queue = analyst.get("/alerts?status=all").text
    assert f"/children/{county.kayleigh}" in analyst.get(f"/children/{county.kayleigh}").text
    assert "Chloe" not in queue and "Kayleigh" in queue
    page = " ".join(analyst.get(f"/children/{county.chloe}").text.split())
    assert (
        "Turned 18 </strong> on 01 May 2011" in page or "Turned 18</strong> on 01 May 2011" in page
    )
    assert "no longer in the child queue" in page
    # search says so too, not "Child" beside a grown-up's name
    found = " ".join(analyst.get("/search?name=Chloe+Masters").text.split())
    assert 'data-testid="turned-18">Turned 18 on 01 May 2011</span>' in found
    # an adult was never in the child queue: their page says nothing of leaving it (the live
    # browser county's Darren, 32, read "Turned 18 on 11 Sep 2012: no longer in the child queue")
    adult = analyst.get(f"/adults/{county.darren}").text
    assert "Darren Mills" in adult and 'data-testid="turned-18"' not in adult


def test_a_duplicate_the_linker_left_apart_is_suggested(tmp_path: Path) -> None:
    app, county = make_app(tmp_path, prepare=_prepare)
    analyst = signed_in(app, "ana")
    page = analyst.get(f"/adults/{county.darren}").text
    assert 'data-testid="possible-duplicates"' in page
    assert "/people/P0000000999" in page and "the same name" in page
    assert "Darren Mills" in analyst.get("/adults/P0000000999").text  # "DARREN MILLS" written


def test_search_scores_the_name_shown_and_names_the_spelling_that_matched(
    tmp_path: Path,
) -> None:
    app, _ = make_app(tmp_path, prepare=_prepare)
    analyst = signed_in(app, "ana")
    page = analyst.get("/search?name=Brooks").text
    assert "Kayleigh Brookes" in page
    match = page.split('data-testid="match">', 1)[1].split("</td>", 1)[0]
    assert "100%" not in match.split("<br>")[0]
    assert "as ‘Kayleigh Brooks’" in match


def test_a_linked_person_is_named_not_left_as_a_record_id(tmp_path: Path) -> None:
    app, county = make_app(tmp_path, prepare=_prepare)
    analyst = signed_in(app, "ana")
    page = analyst.get(f"/children/{county.kayleigh}").text
    assert "linked in 1 record to Darren Mills (record police:P110)" in page
    assert "the person with record police:P110" not in page
    queue = analyst.get("/alerts?status=all").text
    assert "linked in 1 record to Darren Mills (record police:P110)" in queue


def test_the_review_tab_gives_the_command_that_works_and_time_pattern_is_in_the_menu(
    tmp_path: Path,
) -> None:
    app, county = make_app(tmp_path)
    analyst = signed_in(app, "ana")
    page = analyst.get("/review").text
    command = page.split('data-testid="review-command"', 1)[1].split("</pre>", 1)[0]
    assert f"lantern review --store {county.path} --out review/" in command
    assert '<a class="govuk-service-navigation__link" href="/workbench/time"' in page or (
        'href="/workbench/time"' in page and "Time pattern" in page
    )


def _second_darren_beside_kayleigh(county: County) -> None:
    """A second Darren Mills the linker left apart, in a record with Kayleigh too."""
    con = duckdb.connect(str(county.path))
    con.execute(
        "INSERT INTO people (record_id, agency, person_ref, given_name, family_name, "
        "date_of_birth, sex) VALUES ('social_care:SC998', 'social_care', 'SC998', 'Darren', "
        "'Mills', DATE '1990-02-01', 'M')"
    )
    con.execute("INSERT INTO persons VALUES ('social_care:SC998', 'P0000000998')")
    con.execute("INSERT INTO score_persons VALUES ('social_care:SC998', 'P0000000998')")
    con.execute("INSERT INTO graph_nodes VALUES ('P0000000998', 'person', 'Darren Mills')")
    con.execute(
        "INSERT INTO graph_edges VALUES ('P0000000998', ?, 'co_event', 1.0, "
        "TIMESTAMP '2011-05-20 21:00', TIMESTAMP '2011-05-20 19:00', 1, '[]')",
        [county.kayleigh],
    )
    con.close()


def test_two_people_of_one_name_beside_a_child_are_told_apart(tmp_path: Path) -> None:
    """The demo showed "Shannon Andrews" twice beside a child: two persons the linker left
    apart. Each now carries their date of birth."""
    app, county = make_app(tmp_path, prepare=_second_darren_beside_kayleigh)
    page = " ".join(signed_in(app, "ana").get(f"/children/{county.kayleigh}").text.split())
    assert ">Darren Mills (born 08 Apr 1979)</a>" in page
    assert ">Darren Mills (born 01 Feb 1990)</a>" in page
    assert ">Shaun Kelly</a>" in page  # one of a name: as it was
