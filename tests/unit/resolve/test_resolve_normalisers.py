"""Examples for each normaliser (properties are in tests/property/test_resolve_properties.py)."""

from __future__ import annotations

from datetime import date

import pytest

from lantern.resolve.normalise_contacts import normalise_email, normalise_handle
from lantern.resolve.normalise_dates import (
    birth_year,
    is_day_month_swap,
    parse_partial_date,
    swap_insensitive_key,
)
from lantern.resolve.normalise_identifiers import normalise_nhs_number, normalise_upn, upn_is_valid
from lantern.resolve.normalise_names import name_parts, normalise_name, soundex
from lantern.resolve.normalise_nicknames import name_root, name_roots
from lantern.resolve.normalise_phones import normalise_phone, normalise_phone_list
from lantern.resolve.normalise_postcodes import parse_postcode, postcode_sector
from lantern.resolve.normalise_vehicles import parse_registration


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Smith-Jones", "smithjones"),
        ("smith jones", "smithjones"),
        ("SMITHJONES", "smithjones"),
        ("O'Brien", "obrien"),
        ("O’Brien", "obrien"),
        ("Zoë", "zoe"),
        ("Mr Thomas", "thomas"),
        ("Thomas Jnr", "thomas"),
        ("  ", None),
        (None, None),
    ],
)
def test_names_fold_case_accents_titles_apostrophes_and_hyphens(raw, expected):
    assert normalise_name(raw) == expected


def test_double_barrelled_surname_keeps_its_parts():
    assert name_parts("Chelsea-Marie") == ["chelsea", "marie"]
    assert name_parts("Dr Ann Smith-Jones") == ["ann", "smith", "jones"]


def test_soundex_groups_spelling_variants():
    assert soundex("Smith") == soundex("Smyth") == "s530"
    assert soundex("Robert") == soundex("Rupert") == "r163"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Tom", "Thomas"),
        ("Tommy", "Thomas"),
        ("Tommo", "Tom"),
        ("Bob", "Robert"),
        ("Debs", "Deborah"),
    ],
)
def test_nicknames_share_a_root(a, b):
    assert name_roots(a) & name_roots(b)
    assert name_root(a) == name_root(b) or name_roots(a) & name_roots(b)


def test_tom_forms_have_one_representative_root():
    assert name_root("Tom") == name_root("Tommy") == name_root("Thomas") == name_root("Tommo")


def test_unrelated_names_do_not_share_a_root():
    assert not name_roots("Chloe") & name_roots("Charlotte")
    assert not name_roots("Jade") & name_roots("Jake")


def test_dates_parse_partial_and_us_order():
    assert parse_partial_date("1997-03-14").as_date() == date(1997, 3, 14)
    assert parse_partial_date("14/03/1997").as_date() == date(1997, 3, 14)
    assert parse_partial_date("03/14/1997").as_date() == date(1997, 3, 14)  # impossible in UK order
    assert parse_partial_date("1997-03").precision == "month"
    assert parse_partial_date("1997").precision == "year"
    assert parse_partial_date("1997-02-30") is None
    assert parse_partial_date("next tuesday") is None


def test_day_month_swap_detected():
    assert is_day_month_swap(date(1997, 3, 4), date(1997, 4, 3))
    assert not is_day_month_swap(date(1997, 3, 14), date(1997, 3, 14))
    assert not is_day_month_swap(date(1997, 3, 4), date(1998, 4, 3))
    assert swap_insensitive_key(date(1997, 3, 4)) == swap_insensitive_key(date(1997, 4, 3))
    assert birth_year(None, 1990) == 1990 and birth_year(date(1991, 1, 1), 1990) == 1991


@pytest.mark.parametrize(
    "raw",
    ["07700 900123", "+44 7700 900123", "0044 7700 900123", "(07700) 900-123", "447700900123"],
)
def test_uk_phones_to_e164(raw):
    assert normalise_phone(raw) == "+447700900123"


def test_phone_rejects_and_lists():
    assert normalise_phone("12345") is None
    assert normalise_phone("not known") is None
    assert normalise_phone("01865 123456") == "+441865123456"
    assert normalise_phone_list("07700 900123; +447700900123;020 7946 0000") == [
        "+447700900123",
        "+442079460000",
    ]


def test_postcodes():
    postcode = parse_postcode("ox12ab")
    assert (
        postcode.normalised == "OX1 2AB" and postcode.outward == "OX1" and postcode.inward == "2AB"
    )
    assert postcode_sector(" sw1a 1aa ") == "SW1A 1"
    assert parse_postcode("OX1 2CB") is None  # C never appears in the inward code
    assert parse_postcode("12345") is None


@pytest.mark.parametrize(
    ("raw", "value", "display", "fmt"),
    [
        ("ab12 cde", "AB12CDE", "AB12 CDE", "current"),
        ("A123BCD", "A123BCD", "A123 BCD", "prefix"),
        ("abc 123d", "ABC123D", "ABC 123D", "suffix"),
        ("ABC 123", "ABC123", "ABC 123", "dateless"),
        ("1 ABC", "1ABC", "1 ABC", "dateless"),
        ("AB12 CD3", "AB12CD3", "AB12CD3", "other"),
    ],
)
def test_vehicle_registrations(raw, value, display, fmt):
    registration = parse_registration(raw)
    assert (registration.value, registration.display, registration.format) == (value, display, fmt)


@pytest.mark.parametrize("raw", ["silver car", "not noted", "UNKNOWN", "Vauxhall"])
def test_a_description_of_a_car_is_not_a_registration(raw):
    """riverside's `ED-E-0002` records "silver car": it must not become vehicle SILVERCAR,
    which every other "silver car" would share."""
    assert parse_registration(raw) is None


def test_vehicle_o_and_zero_are_not_guessed():
    assert parse_registration("AB12 CDE").value != parse_registration("AB12 CD0").value
    assert parse_registration("AB1O CDE").format == "other"


def test_emails_and_handles():
    assert normalise_email(" Foo.Bar@Example.CO.UK ") == "foo.bar@example.co.uk"
    assert normalise_email("not an email") is None
    assert normalise_handle("@Name_1") == "name_1"
    assert normalise_handle("snap: TheName") == "thename"
    assert normalise_handle("https://www.instagram.com/foo.bar/") == "foo.bar"
    assert normalise_handle("two words") is None


def test_nhs_number_check_digit():
    assert normalise_nhs_number("943 476 5919") == "9434765919"
    assert normalise_nhs_number("943-476-5919") == "9434765919"
    assert normalise_nhs_number("9434765918") is None  # wrong check digit
    assert normalise_nhs_number("0000000000") is None  # placeholder
    assert normalise_nhs_number("94347659") is None


def test_upn_shape_and_check_letter():
    assert normalise_upn("a123 4567 8901 2") == "A12345678901 2".replace(" ", "")
    assert normalise_upn("123") is None
    from lantern.resolve.normalise_identifiers import upn_check_letter

    body = "201234567890"
    good = upn_check_letter(body) + body
    assert upn_is_valid(good)
    assert not upn_is_valid(("A" if good[0] != "A" else "B") + body)
