"""Hypothesis: the adapters' date and code normalisers and their CSV and XML readers."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path
from xml.sax.saxutils import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lantern.adapters.core import Adapted
from lantern.adapters.normalise import code_lists, code_text, parse_date, parse_timestamp
from lantern.adapters.sources import read_csv_table
from lantern.adapters.xml_tree import parse

days = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31))
moments = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 12, 31))
_SETTINGS = settings(max_examples=150, deadline=None,
                     suppress_health_check=[HealthCheck.function_scoped_fixture])  # fmt: skip


@given(days)
def test_a_date_reads_back_in_each_way_the_returns_write_it(day):
    assert parse_date(day.strftime("%d/%m/%Y")) == day
    assert parse_date(day.isoformat()) == day
    assert parse_date(f" {day.isoformat()} 00:00:00 ") == day
    assert parse_date(dt.datetime.combine(day, dt.time(13, 5))) == day


@given(st.text(max_size=30))
def test_any_text_is_a_date_or_none_never_an_error(text):
    value = parse_date(text)
    assert value is None or dt.date(1900, 1, 1) <= value <= dt.date(2100, 12, 31)
    assert parse_timestamp(text, ("%d/%m/%Y %H:%M",)) is None or isinstance(
        parse_timestamp(text, ("%d/%m/%Y %H:%M",)), dt.datetime
    )


@given(moments.map(lambda m: m.replace(second=0, microsecond=0)))
def test_a_timestamp_reads_back_in_a_mappings_format(moment):
    assert parse_timestamp(moment.strftime("%d/%m/%Y %H:%M"), ("%d/%m/%Y %H:%M",)) == moment
    assert parse_timestamp(moment.isoformat(), ()) == moment


@given(days)
def test_a_date_out_of_range_or_impossible_is_none(day):
    assert parse_date(f"{day.day:02d}/13/{day.year}") is None
    assert parse_date(f"30/02/{day.year}") is None


_LISTS = [(fmt, name) for fmt in ("ssda903", "cin", "ssd") for name in code_lists(fmt)]


@given(st.sampled_from(_LISTS), st.data())
def test_a_listed_code_is_found_however_it_is_written(which, data):
    fmt, name = which
    codes = code_lists(fmt)[name]
    code = data.draw(st.sampled_from(sorted(codes.codes)))
    written = data.draw(st.sampled_from([code, code.lower(), f"  {code} ", f"a) {code}",
                                         f"{code} - {codes.codes[code]}"]))  # fmt: skip
    assert codes.lookup(written) == code
    assert codes.lookup(codes.lookup(written)) == code  # idempotent


@given(st.sampled_from(_LISTS), st.text(max_size=12))
def test_lookup_finds_only_listed_codes(which, text):
    codes = code_lists(which[0])[which[1]]
    found = codes.lookup(text)
    assert found is None or found in codes.codes
    assert code_text(code_text(text)) == code_text(text)


cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00\r"),
                max_size=12)  # fmt: skip


@_SETTINGS
@given(st.lists(st.lists(cells, min_size=3, max_size=3), min_size=1, max_size=12))
def test_csv_rows_come_back_with_the_line_they_start_on(tmp_path_factory, rows):
    path = Path(tmp_path_factory.mktemp("csv")) / "t.csv"
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\n")
    writer.writerow(["a", "b", "c"])
    writer.writerows(rows)
    path.write_text(text.getvalue(), encoding="utf-8")
    table = read_csv_table(path, Adapted("x", "x"))
    kept = [r for r in rows if any(v.strip() for v in r)]
    assert [[row.values[c] for c in "abc"] for row in table.rows] == kept
    lines = text.getvalue().split("\n")
    for row in table.rows:  # the reported line is where the record starts
        first = next(csv.reader(io.StringIO("\n".join(lines[row.location.line - 1 :]))))
        assert first == [row.values[c] for c in "abc"]


tags = st.sampled_from(["Child", "CINdetails", "Assessments", "Section47"])
trees = st.recursive(
    st.tuples(tags, st.text(alphabet="abc 19-", max_size=6), st.just([])),
    lambda children: st.tuples(tags, st.just(""), st.lists(children, max_size=3)),
    max_leaves=8,
)


def _render(tree, lines: list[str], expected: list[tuple[str, int]]) -> None:
    tag, text, children = tree
    expected.append((tag, len(lines) + 1))
    if children:
        lines.append(f"<{tag}>")
        for child in children:
            _render(child, lines, expected)
        lines.append(f"</{tag}>")
    else:
        lines.append(f"<{tag}>{escape(text)}</{tag}>")


@_SETTINGS
@given(trees)
def test_xml_elements_keep_their_line_and_text(tmp_path_factory, tree):
    lines: list[str] = []
    expected: list[tuple[str, int]] = []
    _render(("Message", "", [tree]), lines, expected)
    path = Path(tmp_path_factory.mktemp("xml")) / "t.xml"
    path.write_text("\n".join(lines), encoding="utf-8")
    parsed = parse(path)
    assert parsed.error is None
    seen: list[tuple[str, int]] = []

    def walk(node):
        seen.append((node.tag, node.line))
        for child in node.children:
            walk(child)

    walk(parsed.root.children[0])
    assert seen == expected


@_SETTINGS
@given(st.binary(max_size=200))
def test_any_bytes_parse_or_say_where_they_stop(tmp_path_factory, data):
    path = Path(tmp_path_factory.mktemp("xml")) / "t.xml"
    path.write_bytes(data)
    parsed = parse(path)
    assert parsed.error is None or parsed.error_line is not None


_EPISODE = ("CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
            "PL_POST,URN")  # fmt: skip
fields = st.one_of(
    days.map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["31/02/2013", "2013-13-01", "", "S", "C2", "N1"]),
    st.text(alphabet="0123456789/-ABC", max_size=10),
)
episode_rows = st.lists(
    st.tuples(st.sampled_from(["C1", "C2", "C9", ""]), fields,
              st.sampled_from(["S", "P", "L", "Q", ""]), st.sampled_from(["C2", "V2", "Z9", ""]),
              fields, st.sampled_from(["X1", "E8", "E99", ""])),
    max_size=15,
)  # fmt: skip


@_SETTINGS
@given(episode_rows)
def test_every_episode_row_loads_or_is_reported_at_its_line(tmp_path_factory, rows):
    from lantern.adapters.ssda903 import adapt as adapt_903

    folder = Path(tmp_path_factory.mktemp("903"))
    (folder / "Header.csv").write_text(
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nC1,1,01/01/2000,WBRI,,,\nC2,2,,,,,\n"
    )
    lines = [_EPISODE] + [
        f"{child},{decom},{rne},{ls},N1,U6,PR1,{dec},{rec},,,,"
        for child, decom, rne, ls, dec, rec in rows
    ]
    (folder / "Episodes.csv").write_text("\n".join(lines) + "\n")
    adapted = adapt_903(folder)
    loaded = {int(e["source"].split("line ")[1].split(",")[0]) for e in adapted.events.values()
              if e["event_type"] != "care_episode_end"}  # fmt: skip
    errors = {i.location.line for i in adapted.errors if i.location.file == "Episodes.csv"}
    assert loaded.isdisjoint(errors)
    assert loaded | errors == set(range(2, len(rows) + 2))
