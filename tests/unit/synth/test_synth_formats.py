"""Identifiers as the county writes them: valid where they should be, varied as people write."""

from __future__ import annotations

import random

import phonenumbers

from lantern.synth import formats


def test_nhs_check_digit_matches_a_published_example() -> None:
    assert formats.nhs_check_digit("943476591") == 9  # 943 476 5919


def test_issued_nhs_numbers_are_distinct_valid_and_in_the_test_range() -> None:
    numbers = formats.nhs_numbers(2000, random.Random(1))
    assert len(set(numbers)) == 2000
    for number in numbers:
        assert number.startswith("999") and len(number) == 10
        assert formats.nhs_check_digit(number[:9]) == int(number[9])


def test_upn_has_thirteen_characters_and_its_check_letter() -> None:
    upn = formats.upn(42, school=2010, year=11)
    assert len(upn) == 13 and upn[1:4] == "931"
    assert formats.upn_check_letter(upn[1:]) == upn[0]


def test_every_written_phone_is_the_same_number() -> None:
    rng = random.Random(3)
    for _ in range(300):
        canonical = formats.mobile_e164(rng)
        written = formats.phone_as_written(canonical, rng)
        parsed = phonenumbers.parse(written, "GB")
        assert phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164) == canonical


def test_written_registrations_and_postcodes_vary_but_normalise_back() -> None:
    rng = random.Random(5)
    plates, codes = set(), set()
    for _ in range(300):
        canonical = formats.vrm(rng)
        written = formats.vrm_as_written(canonical, rng)
        plates.add(written)
        squashed = written.upper().replace(" ", "").replace("-", "")
        assert squashed == canonical or squashed.replace("0", "O") == canonical.replace("0", "O")
        postcode = formats.postcode("OX4", rng)
        as_written = formats.postcode_as_written(postcode, rng)
        codes.add(as_written)
        assert as_written.upper().replace(" ", "") == postcode.replace(" ", "")
    assert any(" " in p for p in plates) and any(
        p.islower() for p in plates if p.isalpha() is False
    )
    assert any(c.islower() for c in codes) and any(" " not in c for c in codes)


def test_a_typo_changes_a_name_by_one_slip() -> None:
    rng = random.Random(7)
    changed = [formats.typo("Katherine", rng) for _ in range(50)]
    assert any(name != "Katherine" for name in changed)
    assert all(abs(len(name) - len("Katherine")) <= 1 for name in changed)
