"""Language findings with pseudonymised examples; networks over time."""

from __future__ import annotations

from datetime import date

from lantern.review import stage
from lantern.review.language import pseudonymise, sentence_around


def test_language_is_counted_by_agency_year_and_kind(history):
    history.child("P01", "social_care:C1", names=("Kayleigh", "Brown"))
    for n, year in enumerate((2009, 2009, 2010)):
        event = history.event(f"social_care:N{n}", "social_care:C1", "note", f"{year}-05-01",
                              narrative="Kayleigh is putting herself at risk again.")  # fmt: skip
        history.language(event, "social_care:C1", "putting herself at risk", f"{year}-05-01")
    stage.run(history.con)
    assert history.rows(
        "SELECT agency, year, kind, findings, records, children FROM review_language ORDER BY year"
    ) == [
        ("social_care", 2009, "victim_blaming", 2, 2, 1),
        ("social_care", 2010, "victim_blaming", 1, 1, 1),
    ]


def test_examples_carry_no_names_or_references(history):
    history.child("P01", "police:A", names=("Kayleigh", "Brown"))
    history.adult("P09", "police:Z")
    history.con.execute(
        "UPDATE people SET given_name = 'Tariq', other_names = 'Taz;T-Man' WHERE record_id = 'police:Z'"
    )
    text = (
        "Seen with Taz in vehicle AB12 CDE at OX4 1AA. Kayleigh Brown is a willing participant "
        "and was given a phone 07700 900123, ref CR/1234/10. Nothing else."
    )
    event = history.event("police:E1", "police:A", "intelligence", "2010-01-01", narrative=text)
    history.involve(event, "police:Z", "suspect")
    history.language(event, "police:A", "willing participant", "2010-01-01")
    stage.run(history.con)
    ((agency, phrase, example),) = history.rows(
        "SELECT agency, phrase, example FROM review_language_examples"
    )
    assert (agency, phrase) == ("police", "willing participant")
    assert example == (
        "[name] [name] is a willing participant and was given a phone [phone], ref [ref]."
    )
    for secret in ("Kayleigh", "Brown", "07700", "1234"):
        assert secret not in example


def test_pseudonymise_replaces_identifiers_a_name_list_would_miss():
    text = "Met Jordan at @kingpin99 near OX4 1AA in AB12CDE; email k.b@example.com on Friday."
    assert pseudonymise(text, [], frozenset({"met"})) == (
        "Met [name] at [handle] near [postcode] in [vehicle]; email [email] on Friday."
    )


def test_a_name_opening_a_sentence_and_initials_are_replaced_common_words_are_not():
    text = "Nicholas (16) came in. Father says JL is his boyfriend. YP at risk of CSE."
    assert pseudonymise(text, [], frozenset({"came", "father"})) == (
        "[name] (16) came in. Father says [name] is his boyfriend. YP at risk of CSE."
    )


def test_sentence_around_cuts_to_the_sentence():
    text = "First sentence. She is prostituting herself for money. Last one."
    start = text.index("prostituting")
    assert sentence_around(text, start, start + 12) == "She is prostituting herself for money."


def _network(history):
    history.child("P01", "police:A", band="medium", first_flagged_at="2009-01-01")
    history.child("P02", "police:B", band="medium", first_flagged_at="2010-01-01")
    history.adult("P09", "police:Z")
    for ref in "AB":
        history.event(f"police:E{ref}", f"police:{ref}", "missing_report", "2009-01-01")
    history.network("N000001", "P01", "P02", "P09", "vehicle:AB12CDE")
    history.edge("P01", "P09", "2008-06-01")
    history.edge("P02", "P09", "2010-02-01")
    history.edge("P09", "vehicle:AB12CDE", "2008-07-01", n_events=3, last="2010-05-01")
    history.edge("P01", "place:OX4 1", "2009-03-01", n_events=1)
    history.edge("P02", "place:OX4 1", "2010-03-01", n_events=1)
    history.edge("P01", "place:OX1 2", "2009-03-01", n_events=1)  # once: not recurring
    history.con.execute(
        "INSERT INTO network_assessments VALUES ('N000001', 2, 1, 10, DATE '2009-01-01')"
    )


def test_network_first_visible_growth_and_recurring_places(history):
    _network(history)
    stage.run(history.con, period_to=date(2011, 12, 31))
    assert history.rows(
        "SELECT network_id, first_visible_at, first_flagged_at, people, children, adults"
        " FROM review_networks"
    ) == [("N000001", date(2008, 6, 1), date(2009, 1, 1), 3, 2, 1)]
    assert history.rows(
        "SELECT year, people_joined, people_visible, children_visible FROM review_network_growth"
        " ORDER BY year"
    ) == [(2008, 2, 2, 1), (2009, 0, 2, 1), (2010, 1, 3, 2), (2011, 0, 3, 2)]
    assert history.rows(
        "SELECT node_id, kind, label, people_linked, events, first_seen_at FROM review_network_places"
        " ORDER BY node_id"
    ) == [
        ("place:OX4 1", "place", "OX4 1", 2, 2, date(2009, 3, 1)),
        ("vehicle:AB12CDE", "vehicle", "AB12CDE", 1, 3, date(2008, 7, 1)),
    ]


def test_a_network_not_yet_visible_at_the_period_end_is_left_out(history):
    _network(history)
    stage.run(history.con, period_from=date(2000, 1, 1), period_to=date(2008, 3, 1))
    assert history.rows("SELECT count(*) FROM review_networks") == [(0,)]
