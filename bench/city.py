"""A big city's month, end to end: the standing city-scale benchmark (issue 17).

    .venv/bin/python bench/city.py [--days 30] [--reports-per-day 15000]
                                   [--districts 12 --streets 8 --communities 11 --grids 30]

The city is generated here, seeded and deterministic: the built-in sample city's catalog,
calendar, duty rules and escalation rules over a territory of ``districts × streets ×
communities × grids`` unit grids (by default 12 × 8 × 11 × 30 = 31,680 grids) with national
codes, and an organisation to match — the city's supervision and command centres and
departments, a branch of every department in every district (duty rules route each category to
the district's branch), a street office per street and a community station per community
(1,290 units), a supervisor per four grids, two handlers per department, branch and street
office, one per community station, and acceptors, shift leaders and dispatchers in proportion
(9,570 workers). No boundaries: reports name their grid.

Timed, once each, in one run:

* ``simulate``: ``reports_per_day`` reports on a working day for ``days`` days from Monday
  2026-03-02 (40 % of that on rest days), each case through its lifecycle, escalations swept;
* ``Engine.records()``, ``gridgov.score(model, records, …)`` over the window, and its grid
  table ``card.areas("grid")``;
* the audit trail: ``Engine.events_jsonl()`` (export with the hash chain), ``Engine.verify()``,
  ``gridgov.verify_events(text)`` and ``Engine.replay(model, text)`` (verifies the chain, then
  applies every event again with every check; the result must have the engine's chain head);
* the floor of an export returned as a Python ``str``: ``bytes.decode`` of the export's UTF-8
  (CPython builds the ``str`` of text with Chinese characters in two bytes per character);
* the peer: a plain Python loop over the same lines, ``json.loads`` and ``hashlib.sha256``
  chained per line (the canonical text is the line's object less ``hash``, keys sorted, no
  spaces, as ``core/src/audit.rs`` defines it) — its head must equal ``verify_events``'.

Each step's wall time and CPU time (``time.process_time``: every thread of the process) are
printed: on a machine shared with other work the wall time of a step depends on the share of
the cores it gets, its CPU time much less.

* the journal (issue 11): ``Engine.attach_journal(path)`` writes the simulated month — every
  event with its chain link and every case — into a new SQLite journal in one transaction
  (``synchronous=FULL``), then ``Engine.open(model, path)`` opens it again (verifies the stored
  chain, replays every event with every check); the file's size per event. ``--no-journal``
  skips it; ``--journal-dir`` says where the file goes (default: the system's temporary folder).

Memory: resident set size after the simulation less before it (the engine with its cases and
events) per event and per case, and the process's peak.
"""

from __future__ import annotations

import os
import sys

# bench/ holds calendar.py, named like the standard library's `calendar`: run as a script, this
# folder must not shadow the standard library.
if sys.path and os.path.abspath(sys.path[0]) == os.path.dirname(os.path.abspath(__file__)):
    del sys.path[0]

import argparse  # noqa: E402
import hashlib  # noqa: E402
import json  # noqa: E402
import platform  # noqa: E402
import resource  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date  # noqa: E402
from typing import Any  # noqa: E402

import gridgov  # noqa: E402

START = date(2026, 3, 2)  # a Monday
CITY = "379900"


def rss_mib() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def big_city(districts: int, streets: int, communities: int, grids: int) -> dict[str, Any]:
    """The sample city's catalog, calendar, rules and escalation over a generated territory."""
    sample = gridgov.Model.sample().to_dict()
    departments = [u for u in sample["units"] if u["kind"] == "department" and u["jurisdiction"] == [CITY]]
    doc: dict[str, Any] = {k: v for k, v in sample.items() if k not in ("areas", "units", "workers", "duty")}
    doc["name"] = f"big city ({districts * streets * communities * grids} grids, generated)"
    areas: list[dict[str, Any]] = [{"code": CITY, "name": "市", "level": "city"}]
    units: list[dict[str, Any]] = [
        {"id": "GOV", "name": "城市管理委员会", "kind": "other", "jurisdiction": [CITY]},
        {"id": "SUP", "name": "监督中心", "kind": "supervision_centre", "parent": "GOV", "jurisdiction": [CITY]},
        {"id": "CMD", "name": "指挥中心", "kind": "command_centre", "parent": "GOV", "jurisdiction": [CITY]},
    ]
    units += [{k: u[k] for k in ("id", "name", "kind", "parent", "jurisdiction")} for u in departments]
    workers: list[dict[str, Any]] = []
    duty = [r for r in sample["duty"] if r["area"] == CITY]
    city_rules = list(duty)
    grid_codes: list[str] = []
    for d in range(1, districts + 1):
        dc = f"3799{d:02d}"
        areas.append({"code": dc, "name": f"第{d}区", "level": "district", "parent": CITY})
        units.append(
            {"id": f"D{dc}", "name": f"第{d}区人民政府", "kind": "other", "parent": "GOV", "jurisdiction": [dc]}
        )
        for u in departments:
            units.append(
                {
                    "id": f"{u['id']}-{dc}",
                    "name": f"{u['name']}第{d}区分部",
                    "kind": "department",
                    "parent": u["id"],
                    "jurisdiction": [dc],
                }
            )
        duty += [{**r, "area": dc, "unit": f"{r['unit']}-{dc}"} for r in city_rules]
        for s in range(1, streets + 1):
            sc = f"{dc}{s:03d}"
            areas.append({"code": sc, "name": f"第{d}区第{s}街道", "level": "street", "parent": dc})
            units.append(
                {
                    "id": f"S{sc}",
                    "name": f"第{s}街道办事处",
                    "kind": "street_office",
                    "parent": f"D{dc}",
                    "jurisdiction": [sc],
                }
            )
            for c in range(1, communities + 1):
                cc = f"{sc}{c:03d}"
                areas.append({"code": cc, "name": f"第{c}社区", "level": "community", "parent": sc})
                units.append(
                    {
                        "id": f"C{cc}",
                        "name": f"第{c}社区工作站",
                        "kind": "community_station",
                        "parent": f"S{sc}",
                        "jurisdiction": [cc],
                    }
                )
                for g in range(1, grids + 1):
                    code = f"{cc}{g:02d}"
                    areas.append({"code": code, "name": f"{g}号网格", "level": "grid", "parent": cc})
                    grid_codes.append(code)
    for i in range(0, len(grid_codes), 4):
        workers.append(
            {
                "id": f"SV{i // 4 + 1:05d}",
                "name": "监督员",
                "role": "supervisor",
                "unit": "SUP",
                "grids": grid_codes[i : i + 4],
            }
        )
    for u in units:
        per = {"department": 2, "street_office": 2, "community_station": 1}.get(u["kind"], 0)
        workers += [
            {"id": f"H-{u['id']}-{k}", "name": "处置员", "role": "handler", "unit": u["id"]} for k in range(1, per + 1)
        ]
    scale = max(1, len(grid_codes) // 400)
    for role, unit, n in [("acceptor", "SUP", 4), ("shift_leader", "SUP", 2), ("dispatcher", "CMD", 3)]:
        workers += [
            {"id": f"{role[:2].upper()}{k:04d}", "name": role, "role": role, "unit": unit}
            for k in range(1, n * scale + 1)
        ]
    workers += [
        {"id": "MG01", "name": "manager", "role": "manager", "unit": "GOV"},
        {"id": "AU01", "name": "auditor", "role": "auditor", "unit": "GOV"},
    ]
    doc.update(areas=areas, units=units, workers=workers, duty=duty)
    return doc


def python_chain(text: str) -> tuple[int, str]:
    """The peer: json.loads and hashlib.sha256 chained per line, checking every stated link."""
    prev = bytes(32)
    n = 0
    for line in text.splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)
        stated = obj.pop("hash")
        contact = obj.pop("contact", None)
        if contact is not None:
            obj["contact_sha256"] = hashlib.sha256(contact.encode()).hexdigest()
        canonical = json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        prev = hashlib.sha256(prev + canonical.encode()).digest()
        if prev.hex() != stated:
            raise SystemExit(f"peer: line {n + 1} does not follow")
        n += 1
    return n, prev.hex()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--reports-per-day", type=int, default=15_000)
    ap.add_argument("--districts", type=int, default=12)
    ap.add_argument("--streets", type=int, default=8)
    ap.add_argument("--communities", type=int, default=11)
    ap.add_argument("--grids", type=int, default=30)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--no-peer", action="store_true", help="skip the plain Python loop")
    ap.add_argument("--no-journal", action="store_true", help="skip the journal's append and open")
    ap.add_argument("--journal-dir", default=None, help="where the journal file goes (default: a temporary folder)")
    args = ap.parse_args()

    print(f"gridgov {gridgov.__version__} · Python {platform.python_version()} · {os.cpu_count()} cores")
    t = time.perf_counter()
    doc = big_city(args.districts, args.streets, args.communities, args.grids)
    model = gridgov.Model.from_dict(doc)
    summary = model.summary()
    print(
        f"model: {len(model.grids())} grids, {len(doc['units'])} units, {len(doc['workers'])} workers, "
        f"{len(doc['duty'])} duty rules ({time.perf_counter() - t:.1f} s to generate and load)"
    )

    import pandas  # noqa: F401, PLC0415  (imported by score on first use: not timed)

    rows: list[tuple[str, float, int, str, float]] = []

    def timed(name: str, n: int, f: Any, unit: str = "events") -> Any:
        t0, c0 = time.perf_counter(), time.process_time()
        out = f()
        dt, cpu = time.perf_counter() - t0, time.process_time() - c0
        rows.append((name, dt, n, unit, cpu))
        print(f"  {name:<40} {dt:8.2f} s   (CPU {cpu:.2f} s)", flush=True)
        return out

    rss0 = rss_mib()
    eng = timed(
        "simulate",
        0,
        lambda: gridgov.simulate(model, START, days=args.days, seed=args.seed, reports_per_day=args.reports_per_day),
    )
    rss1 = rss_mib()
    _, cases_text, _, events_text, _ = repr(eng).split(maxsplit=4)
    cases, events = int(cases_text), int(events_text)
    rows[-1] = (rows[-1][0], rows[-1][1], events, "events", rows[-1][4])
    print(
        f"  {cases:,} cases, {events:,} events; engine {rss1 - rss0:,.0f} MiB resident: "
        f"{(rss1 - rss0) * 2**20 / events:,.0f} bytes per event, {(rss1 - rss0) * 2**20 / cases:,.0f} per case"
    )
    records = timed("records()", cases, eng.records, "cases")
    end = date.fromordinal(START.toordinal() + args.days)
    card = timed("score (every case record)", cases, lambda: gridgov.score(model, records, START, end), "cases")
    timed("grid table (card.areas('grid'))", len(model.grids()), lambda: card.areas("grid"), "grids")
    text = timed("export: events_jsonl()", events, eng.events_jsonl)
    raw = text.encode()
    print(f"  export: {len(raw) / 2**20:,.0f} MiB, {len(raw) / events:.0f} bytes per event")
    # what any call returning the export as a Python str pays at least: decoding its UTF-8
    timed("(floor) the export's UTF-8 to a str", events, raw.decode)
    del raw
    verified = timed("Engine.verify()", events, eng.verify)
    checked = timed("verify_events(text)", events, lambda: gridgov.verify_events(text))
    assert checked == verified, (checked, verified)
    replayed = timed("Engine.replay(model, text)", events, lambda: gridgov.Engine.replay(model, text))
    # the export has no contact data (its digest only), so the replayed engine's events hold
    # the digest: the same chain, the same head
    assert replayed.verify() == verified, "the replayed engine differs"
    del replayed
    if not args.no_journal:
        with tempfile.TemporaryDirectory(dir=args.journal_dir) as folder:
            path = os.path.join(folder, "city.journal")
            timed("journal: attach_journal (append all)", events, lambda: eng.attach_journal(path))
            del eng  # closes the journal
            size = os.path.getsize(path) + sum(
                os.path.getsize(path + s) for s in ("-wal",) if os.path.exists(path + s)
            )
            print(f"  journal: {size / 2**20:,.0f} MiB, {size / events:.0f} bytes per event")
            eng = timed("journal: Engine.open (verify, replay)", events, lambda: gridgov.Engine.open(model, path))
            assert eng.verify() == verified, "the reopened journal differs"
            del eng
    peer = None
    if not args.no_peer:
        n, head = timed("peer: json.loads + hashlib per line", events, lambda: python_chain(text))
        assert (n, head) == (checked["events"], checked["head"]), "the peer's chain differs"
        peer = rows[-1][1]
    print(
        f"peak resident memory: {peak_mib():,.0f} MiB "
        f"(engine + export text in Python and its UTF-8 copy + replayed engine)"
    )
    print()
    print("| step | time | CPU time (all threads) | rate | vs the Python loop |")
    print("|---|---:|---:|---:|---:|")
    for name, dt, n, unit, cpu in rows:
        rate = f"{n / dt / 1e3:,.0f} k {unit}/s" if n else ""
        chain = unit == "events" and not name.startswith(("simulate", "(floor)"))
        ratio = f"{peer / dt:.1f}×" if peer and chain else ""
        print(f"| {name} | {dt:.2f} s | {cpu:.2f} s | {rate} | {ratio} |")
    del summary


if __name__ == "__main__":
    main()
