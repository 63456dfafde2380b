"""Identity over time: who was one person on each date, as resolve would have said then.

`persons` is today's view: every record, every link, every reviewer decision.
Identity *as of* a date D is what resolve gives on the records that existed by
D (a record exists from the first event that names it), with the links whose
evidence was recorded by D and the reviewers' decisions made by D (the latest
on a pair by then wins) — the clustering of a run on the data truncated at D.

Why not a union–find over `record_links` by date: a union–find can only join.
The clustering takes links strongest first under cannot-link constraints, so a
record that arrives later can take an earlier record *out* of a person — a
health record joins the police record more strongly than the social care
record that had been joined to it, and a reviewer's "different" on the health
and social care records then keeps the social care record apart. Replaying the
final forest would show the social care record inside that person before the
health record existed, which no run on the data of the day would have done,
and a reviewer's "different" could not take effect from its own date.

So the clustering is replayed instead. Clusters never cross a connected
component of the candidate links (every link that could ever be made, with
every "same" decision), so each component is clustered again, on its own, at
each moment something in it changed: a link became available, a reviewer
decided. Components are small (a person's records and the near-misses around
them), so this costs little. The result is `record_person_spans`: each
record's person (the smallest record id in it) from `valid_from` (NULL: from
the start) to `valid_to` (NULL: still). Links with no `available_at` (a record
in no dated event) count only in today's view.

`persons_as_of_sql(D)` reads the spans; `identity_links_as_of(con, D)` gives the
links a score replay needs to rebuild the persons of D earliest first.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

import duckdb
import pyarrow as pa

from lantern.resolve.constrained_clusters import DisjointSets, constrained_clusters

PRIORITY = {"reviewer": 0, "deterministic": 1, "model": 2}


def _day_end(as_of: date | datetime) -> str:
    day = as_of.date() if isinstance(as_of, datetime) else as_of
    return f"(DATE '{day.isoformat()}' + INTERVAL 1 DAY)"


def build_person_spans(con: duckdb.DuckDBPyConnection) -> int:
    """Write `record_person_spans` (see the module's docstring); returns its rows."""
    records = [r for (r,) in con.execute("SELECT record_id FROM person_records").fetchall()]
    keys: dict[str, frozenset[str]] = {}
    for record, nhs, upn in con.execute(
        "SELECT record_id, nhs_number_norm, upn_norm FROM person_records "
        "WHERE nhs_number_norm IS NOT NULL OR upn_norm IS NOT NULL"
    ).fetchall():
        keys[record] = frozenset(k for k in (nhs and f"nhs:{nhs}", upn and f"upn:{upn}") if k)
    first_seen = dict(
        con.execute("SELECT record_id, first_recorded_at FROM person_records").fetchall()
    )
    # (left, right) -> (available_at, priority, weight) of the model's own link
    scored = {
        (left, right): (at, PRIORITY[source], weight)
        for left, right, at, source, weight in con.execute(
            "SELECT record_id_l, record_id_r, available_at, source, match_weight FROM resolve_scored"
        ).fetchall()
    }
    guarded = {
        (left, right)
        for left, right in con.execute(
            "SELECT record_id_l, record_id_r FROM resolve_guarded"
        ).fetchall()
    }
    decisions: dict[tuple[str, str], list[tuple[datetime, str]]] = defaultdict(list)
    for left, right, decision, at in con.execute(
        "SELECT record_id_l, record_id_r, decision, decided_at FROM resolve_decisions "
        "ORDER BY decided_at"
    ).fetchall():
        decisions[(left, right)].append((at, decision))

    # Components of every link that could ever be made.
    index = {record: i for i, record in enumerate(records)}
    sets = DisjointSets(len(records))
    pairs = set(scored) | {p for p, ds in decisions.items() if any(d == "same" for _, d in ds)}
    for left, right in pairs:
        if left in index and right in index:
            a, b = sets.find(index[left]), sets.find(index[right])
            if a != b:
                sets.union(a, b)
    members: dict[int, list[str]] = defaultdict(list)
    for record in records:
        members[sets.find(index[record])].append(record)
    pairs_of: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for pair in pairs:
        if pair[0] in index and pair[1] in index:
            pairs_of[sets.find(index[pair[0]])].append(pair)

    spans: list[tuple] = []
    periods: list[tuple] = []
    for root, component in members.items():
        component.sort()
        if len(component) == 1:
            spans.append((component[0], component[0], component[0], None, None))
            continue
        timeline = _replay_component(
            component, pairs_of[root], scored, guarded, decisions, keys, first_seen
        )
        more_spans, more_periods = _spans_and_periods(component, timeline)
        spans.extend(more_spans)
        periods.extend(more_periods)
    return _write_history(con, spans, periods)


def build_spans_from_links(con: duckdb.DuckDBPyConnection) -> int:
    """`record_person_spans` and `record_together` from `persons` and `record_links` alone,
    for a store whose links were written without resolve's history (built by hand): a
    union–find over the links by `available_at`, so persons only ever grow."""
    members: dict[str, list[str]] = defaultdict(list)
    for record, person in con.execute("SELECT record_id, person_id FROM persons").fetchall():
        members[person].append(record)
    links_of: dict[str, list[tuple[datetime, str, str]]] = defaultdict(list)
    person_of = {r: p for p, rs in members.items() for r in rs}
    for left, right, at in con.execute(
        "SELECT record_id_l, record_id_r, available_at FROM record_links WHERE available_at IS NOT NULL"
    ).fetchall():
        if left in person_of and person_of[left] == person_of.get(right):
            links_of[person_of[left]].append((at, left, right))
    spans: list[tuple] = []
    periods: list[tuple] = []
    for person, component in members.items():
        component.sort()
        local = {r: i for i, r in enumerate(component)}
        sets = DisjointSets(len(component))
        timeline: list[tuple[datetime, dict[str, str]]] = []
        links = sorted(links_of.get(person, ()))
        for i, (at, left, right) in enumerate(links):
            a, b = sets.find(local[left]), sets.find(local[right])
            if a != b:
                sets.union(a, b)
            if i + 1 < len(links) and links[i + 1][0] == at:
                continue
            smallest: dict[int, str] = {}
            for record in component:
                smallest.setdefault(sets.find(local[record]), record)
            timeline.append((at, {r: smallest[sets.find(local[r])] for r in component}))
        more_spans, more_periods = _spans_and_periods(component, timeline)
        spans.extend(more_spans)
        periods.extend(more_periods)
    return _write_history(con, spans, periods)


def _write_history(con: duckdb.DuckDBPyConnection, spans: list[tuple], periods: list[tuple]) -> int:
    """Write `record_person_spans` and `record_together`; returns the number of spans."""
    _write(
        con,
        "record_person_spans",
        ("record_id", "component", "person_label", "valid_from", "valid_to"),
        spans,
    )
    _write(con, "record_together",
           ("record_a", "record_b", "together_from", "together_to"), periods)  # fmt: skip
    return len(spans)


def _write(con: duckdb.DuckDBPyConnection, name: str, names: tuple[str, ...], rows: list) -> None:
    types = {name: pa.timestamp("us") if "_from" in name or "_to" in name else pa.string()
             for name in names}  # fmt: skip
    table = pa.table({n: pa.array([r[i] for r in rows], types[n]) for i, n in enumerate(names)})
    con.register("_resolve_history", table)
    con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _resolve_history")  # noqa: S608
    con.unregister("_resolve_history")


def _in_force(
    decisions: dict[tuple[str, str], list[tuple[datetime, str]]],
    pair: tuple[str, str],
    at: datetime,
) -> str | None:
    """The decision on `pair` in force at `at`: the latest made by then."""
    latest = None
    for decided_at, decision in decisions.get(pair, ()):
        if decided_at <= at:
            latest = decision
    return latest


def _replay_component(
    component: list[str],
    pairs: list[tuple[str, str]],
    scored: dict[tuple[str, str], tuple[datetime | None, int, float | None]],
    guarded: set[tuple[str, str]],
    decisions: dict[tuple[str, str], list[tuple[datetime, str]]],
    keys: dict[str, frozenset[str]],
    first_seen: dict[str, datetime | None],
) -> list[tuple[datetime, dict[str, str]]]:
    """Every record's person label (the smallest record id in it) at each moment the
    component's clustering changed, in time order (before the first: each alone)."""
    local = {record: i for i, record in enumerate(component)}
    moments: set[datetime] = set()
    for pair in pairs:
        at = scored.get(pair, (None,))[0]
        if at is not None:
            moments.add(at)
        for decided_at, _ in decisions.get(pair, ()):
            moments.add(decided_at)
    for pair in pairs:
        if pair in decisions:  # a decision's link waits for both records to exist
            times = [first_seen.get(pair[0]), first_seen.get(pair[1])]
            if all(t is not None for t in times):
                moments.add(max(t for t in times if t is not None))
    local_keys = {local[r]: keys[r] for r in component if r in keys}
    timeline: list[tuple[datetime, dict[str, str]]] = []
    for moment in sorted(moments):
        edges: list[tuple[tuple[int, float, str, str], tuple[int, int]]] = []
        cannot: list[tuple[int, int]] = []
        for pair in pairs:
            left, right = pair
            decision = _in_force(decisions, pair, moment)
            model = scored.get(pair)
            if decision == "different" or (pair in guarded and decision != "same"):
                cannot.append((local[left], local[right]))
                continue
            if decision == "same":
                # As build_candidates: from the model's own date when it would link the
                # pair anyway, else once both records exist (the decision is made by now).
                times = [first_seen.get(left), first_seen.get(right)]
                if any(t is None for t in times):
                    continue
                at = model[0] if model is not None and pair not in guarded else None
                at = at if at is not None else max(t for t in times if t is not None)
                if at > moment:
                    continue
                weight = model[2] if model is not None else None
                edges.append(((0, -(weight if weight is not None else -1e18), left, right),
                              (local[left], local[right])))  # fmt: skip
            elif model is not None and model[0] is not None and model[0] <= moment:
                weight = model[2]
                edges.append(((model[1], -(weight if weight is not None else -1e18), left, right),
                              (local[left], local[right])))  # fmt: skip
        edges.sort(key=lambda e: e[0])
        unconditional = sum(1 for e in edges if e[0][0] == 0)
        roots, _ = constrained_clusters(
            len(component), [e[1] for e in edges], cannot, local_keys, unconditional
        )
        smallest: dict[int, str] = {}
        for record in component:  # sorted: the first seen per root is the smallest
            smallest.setdefault(roots[local[record]], record)
        labels = {record: smallest[roots[local[record]]] for record in component}
        if not timeline or timeline[-1][1] != labels:
            timeline.append((moment, labels))
    return timeline


def _spans_and_periods(
    component: list[str], timeline: list[tuple[datetime, dict[str, str]]]
) -> tuple[list[tuple], list[tuple]]:
    """Each record's person label from moment to moment, and each pair's periods together."""
    spans: list[tuple] = []
    # record -> (since, label)
    current: dict[str, tuple[datetime | None, str]] = {r: (None, r) for r in component}
    together: dict[tuple[str, str], datetime] = {}  # pair -> together since
    periods: list[tuple] = []
    for moment, labels in timeline:
        for record in component:
            since, label = current[record]
            if labels[record] != label:
                spans.append((record, component[0], label, since, moment))
                current[record] = (moment, labels[record])
        groups: dict[str, list[str]] = defaultdict(list)
        for record in component:
            groups[labels[record]].append(record)
        now = {
            (a, b) for members in groups.values() for i, a in enumerate(members)
            for b in members[i + 1:]
        }  # fmt: skip
        for pair in [p for p in together if p not in now]:
            periods.append((*pair, together.pop(pair), moment))
        for pair in now:
            together.setdefault(pair, moment)
    for record in component:
        since, label = current[record]
        spans.append((record, component[0], label, since, None))
    periods.extend((*pair, since, None) for pair, since in together.items())
    return spans, periods


def persons_as_of_sql(as_of: date | datetime | None) -> str:
    """SQL for (record_id, person_id) as of the end of `as_of`.

    Only records that exist by then (the first event naming them was recorded by
    then); each with the person resolve would have made of the data of the day. The
    person id is resolve's rule (`P` + MD5 of the smallest record id in the person),
    so a person whose records are all joined by D has its final id. `None`: today's
    view, `persons` itself."""
    if as_of is None:
        return "SELECT record_id, person_id FROM persons"
    end = _day_end(as_of)
    return f"""
        SELECT s.record_id, 'P' || substr(md5(s.person_label), 1, 10) AS person_id
        FROM record_person_spans s JOIN person_records pr USING (record_id)
        WHERE pr.first_recorded_at < {end}
          AND coalesce(s.valid_from < {end}, TRUE) AND coalesce(s.valid_to >= {end}, TRUE)
    """  # noqa: S608 - a date


def identity_links_sql(as_of: date | datetime | None, today: date | None = None) -> str:
    """SQL for (available_at, record_id_l, record_id_r): the links a replay by date needs
    to rebuild the persons of `as_of` earliest first.

    Two records of one person on D are linked from the start of the last stretch of
    time, running up to D, in which they were one person (`record_together`). A
    union–find over these by date joins two records on t exactly when they were one
    person on every day from t to D: the persons of D, built up as the identity of each
    day allowed, never earlier. A run on the data of D gives the same links.

    Today's view (`as_of` None): the persons of `persons`; a pair of one person that
    the dated history never joined (through a record in no dated event) is linked on
    `today`, as `record_links` without a date always was.
    """
    if as_of is not None:
        end = _day_end(as_of)
        return f"""
            SELECT together_from AS available_at, record_a AS record_id_l, record_b AS record_id_r
            FROM record_together
            WHERE together_from < {end} AND coalesce(together_to >= {end}, TRUE)
        """  # noqa: S608 - a date
    last = f"TIMESTAMP '{today.isoformat()} 00:00:00'" if today else "NULL::TIMESTAMP"
    return f"""
        WITH open AS (
            SELECT t.together_from, t.record_a, t.record_b FROM record_together t
            JOIN persons a ON a.record_id = t.record_a
            JOIN persons b ON b.record_id = t.record_b
            WHERE t.together_to IS NULL AND a.person_id = b.person_id
        )
        SELECT together_from AS available_at, record_a AS record_id_l, record_b AS record_id_r
        FROM open
        UNION ALL
        SELECT {last}, l.record_id_l, l.record_id_r FROM record_links l
        ANTI JOIN open o ON o.record_a = l.record_id_l AND o.record_b = l.record_id_r
    """  # noqa: S608 - a date
