"""Hypothesis: the SQL date, timestamp and NHS-number rules agree with Python's own."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lantern.interchange.checks import create_macros, nhs_number_is_valid

LONDON = ZoneInfo("Europe/London")


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    con.execute("SET TimeZone = 'Europe/London'")
    create_macros(con)
    return con


def _python_timestamp(text: str) -> dt.datetime | None:
    """Reference parser: the interchange rules written with the standard library."""
    try:
        if len(text) == 10:
            return dt.datetime.combine(dt.date.fromisoformat(text), dt.time())
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    if value.tzinfo is not None:
        return value.astimezone(LONDON).replace(tzinfo=None)
    return value


moments = st.datetimes(min_value=dt.datetime(1950, 1, 1), max_value=dt.datetime(2040, 12, 31))
offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda m: dt.timezone(dt.timedelta(minutes=m))
)


@settings(max_examples=200, deadline=None)
@given(moment=moments, sep=st.sampled_from(["T", " "]), seconds=st.booleans())
def test_naive_timestamps_are_kept_as_london_local_time(con, moment, sep, seconds):
    moment = moment.replace(microsecond=0)
    text = moment.strftime(f"%Y-%m-%d{sep}%H:%M" + (":%S" if seconds else ""))
    expected = moment if seconds else moment.replace(second=0)
    assert con.execute("SELECT lantern_timestamp(?)", [text]).fetchone()[0] == expected


@settings(max_examples=200, deadline=None)
@given(moment=moments, offset=offsets, style=st.sampled_from(["+HH:MM", "+HHMM", "Z"]))
def test_timestamps_with_an_offset_become_london_local_time(con, moment, offset, style):
    moment = moment.replace(microsecond=0, tzinfo=dt.UTC if style == "Z" else offset)
    text = moment.isoformat()
    if style == "Z":
        text = text.replace("+00:00", "Z")
    elif style == "+HHMM":
        text = text[:-3] + text[-2:]
    got = con.execute("SELECT lantern_timestamp(?)", [text]).fetchone()[0]
    assert got == moment.astimezone(LONDON).replace(tzinfo=None)


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789-:T /+Z.", max_size=25))
def test_any_string_parses_as_python_would_or_not_at_all(con, text):
    got = con.execute("SELECT lantern_timestamp(?)", [text]).fetchone()[0]
    expected = _python_timestamp(text)
    if got is not None:
        assert got == expected, text
    # SQL is stricter than fromisoformat (no week dates, no bare hours), never looser


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_valid_dates_parse_and_day_month_order_is_refused(con, day):
    assert con.execute("SELECT lantern_date(?)", [day.isoformat()]).fetchone()[0] == day
    assert con.execute("SELECT lantern_date(?)", [day.strftime("%d/%m/%Y")]).fetchone()[0] is None


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="0123456789 ", min_size=0, max_size=14))
def test_the_sql_nhs_check_agrees_with_python(con, text):
    sql = con.execute("SELECT coalesce(lantern_nhs_valid(?), false)", [text]).fetchone()[0]
    assert sql == nhs_number_is_valid(text)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 9), min_size=9, max_size=9))
def test_exactly_one_check_digit_makes_a_valid_nhs_number_unless_it_would_be_10(digits):
    stem = "".join(map(str, digits))
    valid = [d for d in range(10) if nhs_number_is_valid(stem + str(d))]
    remainder = sum(d * (10 - i) for i, d in enumerate(digits)) % 11
    assert len(valid) == (0 if remainder == 1 else 1)


def test_known_nhs_numbers():
    assert nhs_number_is_valid("943 476 5919")
    assert not nhs_number_is_valid("943 476 5918")
    assert not nhs_number_is_valid("94347659")
