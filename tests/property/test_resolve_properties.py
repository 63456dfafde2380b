"""Properties of resolve's normalisers and clustering (hypothesis)."""

from __future__ import annotations

import random
from datetime import date

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lantern.resolve.constrained_clusters import constrained_clusters, spanning_forest
from lantern.resolve.normalise_contacts import normalise_email, normalise_handle
from lantern.resolve.normalise_dates import is_day_month_swap, swap_insensitive_key, swapped
from lantern.resolve.normalise_identifiers import nhs_check_digit, normalise_nhs_number
from lantern.resolve.normalise_names import SUFFIXES, TITLES, name_parts, normalise_name, soundex
from lantern.resolve.normalise_nicknames import name_root, name_roots
from lantern.resolve.normalise_phones import normalise_phone
from lantern.resolve.normalise_postcodes import parse_postcode
from lantern.resolve.normalise_vehicles import parse_registration

names = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)
letters = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@given(names)
def test_name_normalisation_is_idempotent_and_ascii_lowercase(raw):
    norm = normalise_name(raw)
    if norm is not None:
        assert norm == normalise_name(norm)
        assert norm.isascii() and norm.isalpha() and norm == norm.lower()


@given(letters, letters)
def test_double_barrelled_forms_agree(a, b):
    assume(not {a, b, a + b} & (TITLES | SUFFIXES))
    forms = [f"{a}-{b}", f"{a} {b}", f"{a}{b}", f"{a.upper()}-{b.title()}", f" {a}  -  {b} "]
    assert {normalise_name(form) for form in forms} == {a + b}
    assert name_parts(f"{a}-{b}") == [a, b]


@given(names)
def test_case_and_accents_do_not_change_a_name(raw):
    assert (
        normalise_name(raw.upper()) == normalise_name(raw.lower())
        or raw.upper().lower() != raw.lower()
    )


@given(letters)
def test_soundex_is_a_four_character_key(name):
    assume(name not in TITLES | SUFFIXES)  # "Mr" or "Jr" alone is no name
    key = soundex(name)
    assert key is not None and len(key) == 4 and key[0] == name[0]


@given(names)
def test_a_name_is_among_its_own_roots(raw):
    roots = name_roots(raw)
    parts = name_parts(raw)
    if parts:
        assert parts[0] in roots and name_root(raw) in roots
    else:
        assert roots == frozenset()


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2030, 12, 31)))
def test_swap_is_an_involution_with_a_shared_key(value):
    other = swapped(value)
    if other is not None:
        assert swapped(other) == value
        assert is_day_month_swap(value, other)
        assert swap_insensitive_key(value) == swap_insensitive_key(other)


@given(
    st.from_regex(r"7[0-9]{9}", fullmatch=True),
    st.sampled_from(["0{}", "+44{}", "0044 {}", "+44 ({})"]),
)
def test_uk_mobile_in_any_format_has_one_e164(number, form):
    national = number
    result = normalise_phone(form.format(national))
    if result is not None:
        assert result == "+44" + national
        assert normalise_phone(result) == result


@given(
    st.from_regex(r"[1-9][0-9]{9}", fullmatch=True),
    st.sampled_from(["0{}", "+44{}", "0044{}", "44{}", "+44 {}", "0{} "]),
)
def test_uk_fast_path_agrees_with_libphonenumber(national, form):
    import phonenumbers

    raw = form.format(national)
    number = phonenumbers.parse(raw, "GB")
    slow = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    accepted = phonenumbers.is_valid_number(number) or phonenumbers.is_possible_number(number)
    assert normalise_phone(raw) == (slow if accepted else None)


@given(st.text(max_size=20))
def test_phone_never_raises(raw):
    result = normalise_phone(raw)
    assert result is None or result.startswith("+")


@given(
    st.from_regex(r"[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][ABD-HJLNP-UW-Z]{2}", fullmatch=True),
    st.sampled_from(["", " ", "  "]),
)
def test_postcode_spacing_and_case_do_not_matter(compact, space):
    spaced = compact[:-3] + space + compact[-3:]
    a, b = parse_postcode(spaced.lower()), parse_postcode(compact)
    assert a == b and a is not None
    assert a.normalised.replace(" ", "") == compact
    assert a.sector.startswith(a.outward)


@given(st.from_regex(r"[A-Z]{2}[0-9]{2}[A-Z]{3}", fullmatch=True))
def test_current_registrations_round_trip(plate):
    registration = parse_registration(plate.lower()[:4] + " " + plate[4:])
    assert registration.value == plate and registration.format == "current"
    assert parse_registration(registration.display) == registration


@given(st.text(max_size=12))
def test_registration_keeps_letters_and_digits_only(raw):
    registration = parse_registration(raw)
    if registration is not None:
        assert registration.value.isalnum() and registration.value == registration.value.upper()


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_nhs_numbers_with_their_check_digit_are_valid_and_others_not(nine):
    check = nhs_check_digit(nine)
    if check is None or len(set(nine + str(check))) == 1:
        return
    assert normalise_nhs_number(nine + str(check)) == nine + str(check)
    wrong = (check + 1) % 10
    assert normalise_nhs_number(nine + str(wrong)) is None


@given(st.emails())
def test_emails_normalise_to_lower_case_idempotently(email):
    norm = normalise_email(email)
    if norm is not None:
        assert norm == norm.lower() and normalise_email(norm) == norm


@given(st.from_regex(r"[a-z0-9._]{1,20}", fullmatch=True))
def test_handles_ignore_at_and_case(handle):
    assert normalise_handle("@" + handle.upper()) == handle


@settings(max_examples=60)
@given(st.integers(min_value=2, max_value=25), st.integers(min_value=0, max_value=2**32 - 1))
def test_clustering_respects_cannot_links_and_forest_has_same_components(n, seed):
    rng = random.Random(seed)
    edges = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randrange(3 * n))]
    edges = [(a, b) for a, b in edges if a != b]
    cannot = [(rng.randrange(n), rng.randrange(n)) for _ in range(rng.randrange(n))]
    cannot = [(a, b) for a, b in cannot if a != b]
    keys = {i: frozenset({f"nhs:{rng.randrange(3)}"}) for i in range(n) if rng.random() < 0.3}
    roots, _ = constrained_clusters(n, edges, cannot, keys)
    for a, b in cannot:
        assert roots[a] != roots[b]
    for root in set(roots):  # two NHS numbers meet in a cluster only through a direct link
        members = [i for i in range(n) if roots[i] == root]
        nhs = {key for i in members for key in keys.get(i, ())}
        if len(nhs) > 1:
            assert any(a in keys and b in keys and roots[a] == root for a, b in edges)
    shuffled = edges[:]
    rng.shuffle(shuffled)
    kept = spanning_forest(n, shuffled, roots)
    forest = [e for e, k in zip(shuffled, kept, strict=True) if k]
    assert len(forest) == n - len(set(roots))  # a forest: one edge fewer than records, per cluster
    # the forest's components are exactly the clusters
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in forest:
        parent[find(a)] = find(b)
    for a in range(n):
        for b in range(n):
            assert (find(a) == find(b)) == (roots[a] == roots[b])


def _components(n, edges):
    parent = list(range(n))

    def find(x):
        while parent[x] != x:
            x = parent[x]
        return x

    for a, b in edges:
        parent[find(a)] = find(b)
    return [find(x) for x in range(n)]


def _same_partition(x, y):
    return all((x[a] == x[b]) == (y[a] == y[b]) for a in range(len(x)) for b in range(len(x)))


@settings(max_examples=60)
@given(st.integers(min_value=2, max_value=20), st.integers(min_value=0, max_value=2**32 - 1))
def test_earliest_first_forest_replays_every_date_like_all_links(n, seed):
    """As of any day, the forest joins exactly what the cluster's links available by then join:
    no record is joined before the link that joins it exists (no leak), and none later."""
    rng = random.Random(seed)
    edges = [
        (rng.randrange(n), rng.randrange(n), rng.randrange(10)) for _ in range(rng.randrange(3 * n))
    ]
    edges = [(a, b, t) for a, b, t in edges if a != b]
    roots, _ = constrained_clusters(n, [(a, b) for a, b, _ in edges], [], {})
    by_time = sorted(edges, key=lambda e: e[2])
    kept = spanning_forest(n, [(a, b) for a, b, _ in by_time], roots)
    forest = [e for e, k in zip(by_time, kept, strict=True) if k]
    for day in range(11):
        replayed = _components(n, [(a, b) for a, b, t in forest if t <= day])
        available = _components(
            n, [(a, b) for a, b, t in edges if t <= day and roots[a] == roots[b]]
        )
        assert _same_partition(replayed, available)
