"""What the differential tests compare: the population's tables against the scalar engine's results."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Tuple

import pyarrow as pa

from engine.cases.ledger import case_from_rows
from engine.evaluate.status_row import status_fields
from engine.population.cells import texts


def cases_of(table: pa.Table, starts) -> List[Dict[str, Any]]:
    """Each person's case, as the scalar path reads the ledger's rows (engine/cases/ledger.py)."""
    header = table.column_names
    cells = [texts(table.column(name)) for name in header]
    found = []
    for lo, hi in zip(starts[:-1], starts[1:]):
        rows = [(i, [column[i] for column in cells]) for i in range(lo, hi)]
        found.append(case_from_rows(header, rows)[0])
    return found


def _iso(value) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def expected(result: Mapping[str, Any]) -> Tuple[Dict[str, Any], Dict[int, Dict[str, Any]], List[Tuple]]:
    """(status, events by index, years) of one scalar result, in the population's field names."""
    status = {"state": result["status"]["state"], "phase": result["status"]["phase"],
              "status_until": result["status"].get("until"), **{k: v for k, v in status_fields(result).items()
                                                                 if k != "state"}}
    events: Dict[int, Dict[str, Any]] = {}
    for d in result["decisions"]:
        events[d["event"]] = {"action": d["action"], "months": d.get("months"), "ban_years": d.get("ban_years"),
                              "from": d.get("from"), "until": d.get("until"), "rule": (d["rules"] or [None])[0],
                              "article": d["articles"][-1], "single": d["single"], "points": d["counted_points"],
                              "year_total": d["year_total"], "situation": d["situation"], "tier": d["tier"]}
    for r in result["repairs"]:
        events[r["event"]] = {"accepted": r["accepted"], "points": r["points"]}
    for c in result["claims"]:
        events[c["event"]] = {"settled": c["settled"], "rule": c["rule"]}
    for r in result["restorations"]:
        events[r["event"]] = {"accepted": r["accepted"]}
    years = [(int(y), e["points"], e["repaired"], e["net"]) for y, e in sorted(result["years"].items())]
    return status, events, years


def differences(results: List[Mapping[str, Any]], outcome) -> List[str]:
    """Every field where the population's tables differ from the scalar results (person by person)."""
    status = outcome.status.to_pylist()
    events = outcome.events.to_pylist()
    years = outcome.years.to_pylist()
    found: List[str] = []
    at_event = at_year = 0
    for index, result in enumerate(results):
        row = status[index]
        want_status, want_events, want_years = expected(result)
        got = {key: _iso(row[key]) for key in want_status}
        if got != want_status:
            found.append(f"person {row['person']} ({row['path']}): status {got} != {want_status}")
        n_events = 0  # the person's events: the rows that follow, numbered 0, 1, …
        while at_event + n_events < len(events) and events[at_event + n_events]["person"] == row["person"] \
                and events[at_event + n_events]["event"] == n_events:
            n_events += 1
        mine = events[at_event:at_event + n_events]
        at_event += n_events
        for event in mine:
            want = want_events.get(event["event"], {})
            got = {key: _iso(event[key]) for key in want}
            if got != want:
                found.append(f"person {row['person']} ({row['path']}) event {event['event']}: {got} != {want}")
        got_years = []
        while at_year < len(years) and years[at_year]["person"] == row["person"] and len(got_years) < len(want_years):
            y = years[at_year]
            got_years.append((y["year"], y["points"], y["repaired"], y["net"]))
            at_year += 1
        if got_years != want_years:
            found.append(f"person {row['person']} ({row['path']}): years {got_years} != {want_years}")
    return found
