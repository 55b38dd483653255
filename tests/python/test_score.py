"""Scoring from Python: the hand-computed table, bad records, merge == whole, pickling,
Parquet and engine records, and the whole scorecard against an independent pandas
computation (tests/python/score_reference.py) on random records."""

from __future__ import annotations

import pickle
from datetime import date, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import gridgov

from conftest import fixture_path

SCORE_CITY = fixture_path("score/city.toml")
SCORE_CASES = fixture_path("score/cases.csv")
SCORE_CASES_V2 = fixture_path("score/cases_v2.csv")
MARCH = (datetime(2026, 3, 1), datetime(2026, 4, 1))
AS_OF = datetime(2026, 4, 10)


@pytest.fixture(scope="module")
def city() -> gridgov.Model:
    return gridgov.Model.load(SCORE_CITY)


@pytest.fixture(scope="module")
def cases_frame(city: gridgov.Model) -> pd.DataFrame:
    return gridgov.Records.read_csv(city, SCORE_CASES).to_frame()


@pytest.fixture(scope="module")
def card(city: gridgov.Model) -> gridgov.Scorecard:
    return gridgov.score(city, SCORE_CASES, *MARCH, as_of=AS_OF)


def test_areas_by_hand(card: gridgov.Scorecard) -> None:
    g = card.areas("grid")
    assert list(g.index) == ["37990100100101", "37990100100102"]
    g1 = g.loc["37990100100101"]
    assert (g1.reported, g1.public_reported, g1.filed, g1.closed, g1.closed_on_time) == (3, 1, 2, 2, 1)
    assert g1.public_share == 0.5 and g1.on_time_closure_rate == 0.5
    assert g1.cases_per_10k == pytest.approx(30.0)
    assert g1.mean_response_hours == pytest.approx(50 / 60)
    assert g1.mean_handle_hours == pytest.approx(260 / 60)
    assert g1.score == pytest.approx(73.0) and g1.grade == "C"
    assert pd.isna(g1["rank"]), "a sample of 2 is below the minimum of 5"
    g2 = g.loc["37990100100102"]
    assert np.isnan(g2.satisfaction_rate) and np.isnan(g2.mean_handle_hours)
    assert g2.score == pytest.approx(28.0) and g2.grade == "E"
    assert g["reported"].dtype == np.int64 and g["rank"].dtype == "Int64"
    c = card.areas("community").iloc[0]
    assert c.score == pytest.approx(58.0)
    with pytest.raises(gridgov.UnknownError):
        card.areas("ward")


def test_departments_and_posts_by_hand(card: gridgov.Scorecard) -> None:
    d = card.departments()
    assert list(d.index) == ["A", "B"]
    assert d.loc["A", "due"] == 3 and d.loc["A", "handled_on_time"] == 2
    assert d.loc["A", "median_handle_hours"] == pytest.approx(2.0)
    assert d.loc["A", "mean_handle_hours"] == pytest.approx(580 / 3 / 60)
    assert d.loc["A", "score"] == pytest.approx(250 / 3)
    assert d.loc["B", "overdue_unhandled"] == 1 and np.isnan(d.loc["B", "rework_rate"])
    s = card.posts("supervisor")
    # every check counts (issue 12, item 12): case 2's failed check (rework 1) besides the two
    # passed ones, so S1's on-time check rate is 1/3: 40 + 10 + 20 + 20/3
    assert (s.loc["S1", "check_due"], s.loc["S1", "failed_checks"], s.loc["S1", "checked_on_time"]) == (3, 1, 1)
    assert s.loc["S1", "score"] == pytest.approx(70 + 20 / 3)
    assert s.loc["S2", "score"] == pytest.approx(62.5)  # case 8's verification task is March's
    assert s.loc["S1", "missed"] == 1 and s.loc["S1", "filed_in_grids"] == 2
    a = card.posts("acceptor").loc["AC1"]
    assert (a.accepted, a.accepted_on_time, a.accepted_accurate) == (6, 5, 5)
    assert a.score == pytest.approx(62.5)
    sl = card.posts("shift_leader").loc["SL1"]
    assert (sl.filing_decisions, sl.voided, sl.closings, sl.closed_on_time) == (4, 1, 3, 2)
    assert sl.score == pytest.approx(235 / 3)
    dp = card.posts("dispatcher").loc["D1"]
    assert (dp.dispatched, dp.dispatched_on_time, dp.returned) == (4, 2, 1)
    assert dp.score == pytest.approx(50.0) and dp.grade == "D"
    with pytest.raises(gridgov.UnknownError):
        card.posts("handler")


def test_frame_csv_and_parquet_give_the_same_card(
    city: gridgov.Model, cases_frame: pd.DataFrame, card: gridgov.Scorecard, tmp_path: Path
) -> None:
    assert gridgov.score(city, cases_frame, *MARCH, as_of=AS_OF) == card
    # Naive datetime64 columns are local time, as in the CSV file (local=True says so too).
    naive = cases_frame.copy()
    for c in naive.columns:
        if str(naive[c].dtype).startswith("datetime64"):
            naive[c] = naive[c].dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    assert gridgov.score(city, naive, *MARCH, as_of=AS_OF) == card
    assert gridgov.score(city, naive, *MARCH, as_of=AS_OF, local=True) == card
    # Grid codes read as numbers, text columns as categoricals, extra columns: all fine.
    odd = cases_frame.copy()
    odd["grid"] = odd["grid"].astype(np.int64)
    odd["unit"] = odd["unit"].astype("category")
    odd["comment"] = "ignored"
    assert gridgov.score(city, odd, *MARCH, as_of=AS_OF) == card
    # Arrow-backed str columns (the core dictionary-encodes their buffers), also sliced.
    arrow = cases_frame.copy()
    for c in arrow.columns:
        if arrow[c].dtype == object:
            arrow[c] = arrow[c].astype("str")
    assert isinstance(arrow["grid"].array, pd.arrays.ArrowStringArray)
    assert gridgov.score(city, arrow, *MARCH, as_of=AS_OF) == card
    tail = gridgov.score(city, arrow.iloc[3:], *MARCH, as_of=AS_OF)
    assert tail.posts("acceptor").loc["AC1", "accepted"] == 3  # cases 4, 5 and 8
    bad = arrow.copy()
    bad.loc[6, "unit"] = "NOPE"
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.score(city, bad, *MARCH)
    assert err.value.what == "records[6].unit" and "unknown unit" in err.value.reason
    p = tmp_path / "cases.parquet"
    cases_frame.to_parquet(p)
    assert gridgov.score(city, p, *MARCH, as_of=AS_OF) == card
    # dates as bounds
    assert gridgov.score(city, p, date(2026, 3, 1), date(2026, 4, 1), as_of=AS_OF) == card


def _naive_local_export(records: gridgov.Records) -> pd.DataFrame:
    """The records as a city system exports them: naive local text, ``YYYY-MM-DD HH:MM:SS``."""
    frame = records.to_frame()
    for c in frame.columns:
        if str(frame[c].dtype).startswith("datetime64"):
            frame[c] = frame[c].dt.strftime("%Y-%m-%d %H:%M:%S").where(frame[c].notna(), None)
    return frame


def test_naive_local_times_mean_the_same_from_a_frame_and_a_path(sample: gridgov.Model, tmp_path: Path) -> None:
    # A month of the sample city exported the way Chinese systems do (naive local text), read
    # as a path, as pandas reads it (text), with parse_dates (naive datetime64), as naive
    # datetime objects and with dates only: one card. Before, a frame was read as UTC and
    # every response and handling time moved by eight hours.
    month = gridgov.simulate(sample, date(2026, 3, 2), days=14, seed=11, reports_per_day=150)
    p = tmp_path / "export.csv"
    _naive_local_export(month.records()).to_csv(p, index=False)
    bounds = (date(2026, 3, 2), date(2026, 3, 16))
    as_of = datetime(2026, 3, 20)
    want = gridgov.score(sample, p, *bounds, as_of=as_of)
    text = pd.read_csv(p, dtype={"grid": str})
    times = [c for c in text.columns if c.endswith("_at") or c.endswith("_deadline")]
    parsed = pd.read_csv(p, dtype={"grid": str}, parse_dates=times)
    assert str(parsed["reported_at"].dtype).startswith("datetime64") and parsed["reported_at"].dt.tz is None
    objects = parsed.copy()
    for c in times:
        objects[c] = parsed[c].astype(object).where(parsed[c].notna(), None)
    for name, frame in {"text": text, "parse_dates": parsed, "datetime objects": objects}.items():
        got = gridgov.score(sample, frame, *bounds, as_of=as_of)
        assert got == want, name
    city = want.areas("city").iloc[0]
    assert city["filed"] > 100 and city["closed_on_time"] > 0 and 0 < city["mean_response_hours"] < 24
    # The records' own instants are the same too: as_of and the frame round trip.
    assert gridgov.Records(sample, text).as_of == gridgov.Records.read_csv(sample, p).as_of
    # Date-only text is local midnight.
    days = gridgov.Records(sample, text.assign(reported_at=text["reported_at"].str[:10])).to_frame()
    assert (days["reported_at"].dt.strftime("%H:%M") == "00:00").all()
    assert str(days["reported_at"].dtype) == "datetime64[ms, UTC+08:00]"


def test_one_zone_convention_for_frames(sample: gridgov.Model) -> None:
    eng = gridgov.simulate(sample, date(2026, 3, 2), days=1, seed=2, reports_per_day=20)
    events, records = eng.events_frame(), eng.records().to_frame()
    assert events["at"].dtype == records["reported_at"].dtype == pd.DatetimeTZDtype("ms", sample.calendar.tzinfo)
    first = events.groupby("case")["at"].min()
    got = records.set_index("id")["reported_at"]
    pd.testing.assert_series_equal(got.loc[first.index], first, check_names=False)


def test_a_column_mixing_zones_is_converted_row_by_row(city: gridgov.Model, cases_frame: pd.DataFrame) -> None:
    want = gridgov.Records(city, cases_frame).to_frame()
    mixed = cases_frame.copy()
    utc = cases_frame["reported_at"].dt.tz_convert("UTC")
    forms = [
        utc.dt.strftime("%Y-%m-%dT%H:%M:%SZ"),
        cases_frame["reported_at"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        cases_frame["reported_at"].dt.tz_convert("Asia/Tokyo").dt.strftime("%Y-%m-%dT%H:%M:%S%z"),
    ]
    mixed["reported_at"] = [forms[i % 3].iloc[i] for i in range(len(mixed))]
    pd.testing.assert_frame_equal(gridgov.Records(city, mixed).to_frame(), want)
    objs = cases_frame.copy()
    objs["reported_at"] = [
        t.tz_convert("Asia/Tokyo").to_pydatetime() if i % 2 else t.tz_localize(None).to_pydatetime()
        for i, t in enumerate(cases_frame["reported_at"].dt.tz_convert("Asia/Shanghai"))
    ]
    pd.testing.assert_frame_equal(gridgov.Records(city, objs).to_frame(), want)
    # Arrow-backed text (pandas' default str), whole and sliced: read from its buffers.
    arrow = mixed.assign(reported_at=mixed["reported_at"].astype("str"))
    assert isinstance(arrow["reported_at"].array, pd.arrays.ArrowStringArray)
    pd.testing.assert_frame_equal(gridgov.Records(city, arrow).to_frame(), want)
    tail = gridgov.Records(city, arrow.iloc[3:].reset_index(drop=True)).to_frame()
    pd.testing.assert_frame_equal(tail, want.iloc[3:].reset_index(drop=True))
    for frame in (mixed, arrow):
        bad = frame.copy()
        bad.loc[4, "reported_at"] = "2026-03-02 25:00"
        with pytest.raises(gridgov.ValidationError) as err:
            gridgov.Records(city, bad)
        assert err.value.what == "records[4].reported_at" and err.value.value == "2026-03-02 25:00"
    idx = pd.Index(["2025-11-03 09:00", "bad"], dtype="str")
    with pytest.raises(gridgov.ValidationError) as err:
        city.calendar.add_working_many(idx, 5)
    assert (err.value.what, err.value.value) == ("starts[1]", "bad")


def test_a_chinese_export_as_it_comes(city: gridgov.Model, card: gridgov.Scorecard, tmp_path: Path) -> None:
    # The same eight cases as a Chinese centre exports them: GB18030 bytes, Chinese labels
    # (已结案, 12345热线, 否), spreadsheet times (2026/3/2 8:10). Read by path, detected.
    gbk = fixture_path("score/cases_gbk.csv")
    with pytest.raises(UnicodeDecodeError):
        gbk.read_text(encoding="utf-8")
    assert gridgov.score(city, gbk, *MARCH, as_of=AS_OF) == card
    assert gridgov.score(city, gbk, *MARCH, as_of=AS_OF, encoding="gbk") == card
    want = gridgov.Records.read_csv(city, SCORE_CASES).to_frame()
    got = gridgov.Records.read_csv(city, gbk).to_frame()
    pd.testing.assert_frame_equal(got, want)
    # As pandas reads it: a frame of Chinese labels and naive local text.
    frame = pd.read_csv(gbk, encoding="gb18030", dtype={"grid": str})
    assert frame.loc[0, "state"] == "已结案"
    assert gridgov.score(city, frame, *MARCH, as_of=AS_OF) == card
    # Neither UTF-8 nor GB18030: a gridgov error naming the file and the offset.
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"id,grid\n1,\xff\xff\xff\n")
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records.read_csv(city, junk)
    assert err.value.what == "records file" and "offset 10" in err.value.reason and "encoding=" in err.value.reason
    with pytest.raises(gridgov.ValidationError, match="UTF-8"):
        gridgov.Records.read_csv(city, gbk, encoding="utf-8")
    with pytest.raises(gridgov.ValidationError, match="codec"):
        gridgov.Records.read_csv(city, gbk, encoding="klingon")
    with pytest.raises(gridgov.GridgovFileNotFoundError):
        gridgov.Records.read_csv(city, tmp_path / "missing.csv")


def test_labels_of_the_model_and_of_a_call(city: gridgov.Model, cases_frame: pd.DataFrame) -> None:
    labels = city.record_labels()
    assert labels["state"]["已结案"] == "closed" and labels["source"]["12345热线"] == "hotline"
    assert labels["boolean"]["是"] is True and labels["urgency"]["紧急"] == "urgent"
    want = gridgov.Records(city, cases_frame).to_frame()
    own = cases_frame.assign(state=cases_frame["state"].replace({"closed": "办完了"}))
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, own)
    assert err.value.what.endswith(".state") and err.value.value == "办完了"
    extra = {"state": {"办完了": "closed"}}
    pd.testing.assert_frame_equal(gridgov.Records(city, own, labels=extra).to_frame(), want)
    assert gridgov.score(city, own, *MARCH, as_of=AS_OF, labels=extra) == gridgov.score(
        city, cases_frame, *MARCH, as_of=AS_OF
    )
    with pytest.raises(gridgov.ModelError) as merr:
        gridgov.Records(city, own, labels={"state": {"办完了": "finished"}})
    assert merr.value.issues[0][0] == 'labels.state."办完了"'
    # The model's own words, in [scoring.labels].
    spec = city.to_dict()
    spec.setdefault("scoring", {})["labels"] = {"state": {"办完了": "closed"}, "boolean": {"有": True}}
    worded = gridgov.Model.from_dict(spec)
    assert worded.record_labels()["state"]["办完了"] == "closed"
    pd.testing.assert_frame_equal(gridgov.Records(worded, own).to_frame(), want)
    spec["scoring"]["labels"] = {"source": {"信箱": "mailbox"}}
    with pytest.raises(gridgov.ModelError) as merr:
        gridgov.Model.from_dict(spec)
    assert merr.value.issues[0][0] == 'scoring.labels.source."信箱"'


def test_duplicate_case_ids_are_refused(city: gridgov.Model, cases_frame: pd.DataFrame) -> None:
    twice = pd.concat([cases_frame, cases_frame.iloc[[2]]], ignore_index=True)
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.score(city, twice, *MARCH)
    assert err.value.what == "records[8].id" and "records[2]" in err.value.reason


def test_tables_with_chinese_indicator_names(card: gridgov.Scorecard) -> None:
    en, zh = card.areas("grid"), card.areas("grid", labels="zh")
    assert "按期结案率" in zh.columns and "结案率" in zh.columns and "满意率" in zh.columns
    assert zh.index.name == "编码" and list(zh.columns) == [gridgov.column_labels().get(c, c) for c in en.columns]
    np.testing.assert_array_equal(zh["按期结案率"].to_numpy(), en["on_time_closure_rate"].to_numpy())
    assert card.departments(labels="zh").index.name == "单位"
    assert "按时核实率" in card.posts("supervisor", labels="zh").columns
    with pytest.raises(gridgov.ValidationError, match="labels"):
        card.departments(labels="fr")


def _error(city: gridgov.Model, frame: pd.DataFrame) -> gridgov.ValidationError:
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, frame)
    return err.value


def test_bad_records_name_row_and_column(city: gridgov.Model, cases_frame: pd.DataFrame) -> None:
    f = cases_frame.copy()
    f.loc[3, "filed_at"] = f.loc[3, "reported_at"] - pd.Timedelta(minutes=5)
    e = _error(city, f)
    assert e.what == "records[3].filed_at" and "earlier than accepted_at" in e.reason
    assert f"(case {f.loc[3, 'id']})" in e.reason  # the case id beside the row
    f = cases_frame.copy()
    f.loc[2, "grid"] = "37990100100199"
    assert _error(city, f).what == "records[2].grid"
    f = cases_frame.copy().astype({"rework": object})
    f.loc[4, "rework"] = "many"
    assert _error(city, f).what == "records[4].rework"
    f = cases_frame.copy().astype({"closed_at": object})
    f.loc[1, "closed_at"] = "not a time"
    assert _error(city, f).what == "records[1].closed_at"
    f = cases_frame.copy()
    f.loc[5, "satisfaction"] = 9
    f.loc[5, "rated_at"] = f.loc[5, "closed_at"]
    assert _error(city, f).what == "records[5].satisfaction"
    f = cases_frame.copy().astype({"unit": object})
    f.loc[0, "unit"] = 3.5
    assert _error(city, f).what == "records[0].unit"
    assert _error(city, cases_frame.drop(columns=["grid"])).what == "records.grid"
    with pytest.raises(gridgov.ValidationError, match=r"is not after start \(\d{4}-\d\d-\d\d 00:00 \(UTC\+8\)\)"):
        gridgov.score(city, cases_frame, *reversed(MARCH))
    with pytest.raises(TypeError):
        gridgov.score(city, 42, *MARCH)


def test_merge_equals_whole_and_pickle(city: gridgov.Model, card: gridgov.Scorecard) -> None:
    rec = gridgov.Records.read_csv(city, SCORE_CASES)
    cuts = [datetime(2026, 3, 1), datetime(2026, 3, 2, 9, 30), datetime(2026, 3, 3), datetime(2026, 4, 1)]
    parts = [gridgov.score(city, rec, a, b, as_of=AS_OF) for a, b in zip(cuts, cuts[1:])]
    merged = parts[0].merge(parts[1]).merge(parts[2])
    assert merged == card
    pd.testing.assert_frame_equal(merged.posts("shift_leader"), card.posts("shift_leader"))
    back = pickle.loads(pickle.dumps(merged))
    assert back == card
    assert gridgov.Scorecard.from_json(city, card.to_json()) == card
    with pytest.raises(gridgov.ValidationError):
        parts[0].merge(parts[2])  # a gap
    other = gridgov.score(city, rec, cuts[1], cuts[2])  # another as_of
    with pytest.raises(gridgov.ValidationError):
        parts[0].merge(other)


def test_compare(city: gridgov.Model, card: gridgov.Scorecard) -> None:
    feb = gridgov.score(city, SCORE_CASES, datetime(2026, 2, 1), datetime(2026, 3, 1), as_of=AS_OF)
    cmp = gridgov.compare(feb, card, level="grid")
    indicators = {"mean_response_hours", "mean_handle_hours", "on_time_closure_rate", "satisfaction_rate"}
    assert set(cmp.indicator) == indicators
    row = cmp[(cmp.area == "37990100100101") & (cmp.indicator == "on_time_closure_rate")].iloc[0]
    # February: case 7 filed, not closed -> 0; March 0.5 -> +50 points.
    assert row.before == 0.0 and row.after == 0.5 and row.change == pytest.approx(50.0)
    assert np.isnan(row.change_pct)
    assert len(gridgov.compare(feb, card)) == 4 * 6  # every level: 6 areas


def test_engine_records_score(sample: gridgov.Model) -> None:
    eng = gridgov.Engine(sample)
    t = datetime(2026, 3, 2, 9, 0)
    case = eng.report("SV001", category="C0101", grid="37990100100101", at=t)
    eng.act(case, "accept", actor="AC01", at=t)
    eng.act(case, "file", actor="SL01", at=t)
    eng.act(case, "dispatch", actor="DP01", at=t)
    rec = eng.records()
    assert len(rec) == 1
    f = rec.to_frame()
    assert f.loc[0, "schema_version"] == gridgov.RECORD_SCHEMA_VERSION == 4
    assert f.loc[0, "dispatcher"] == "DP01" and f.loc[0, "unit"] == "WATER"
    assert f.loc[0, "handle_deadline"] == pd.Timestamp("2026-03-03 13:00", tz="UTC")  # 36 h
    card = gridgov.score(sample, eng, date(2026, 3, 1), date(2026, 4, 1))
    # 应处置数 = handled + overdue unhandled: within its limit, the case is not yet due ...
    assert card.departments().loc["WATER", "due"] == 0
    assert card.posts("dispatcher").loc["DP01", "dispatched_on_time"] == 1
    # ... and once its deadline has passed unhandled, it is.
    late = gridgov.score(sample, eng, date(2026, 3, 1), date(2026, 4, 1), as_of=datetime(2026, 3, 4))
    assert late.departments().loc["WATER", ["due", "overdue_unhandled"]].tolist() == [1, 1]


def test_scorecard_matches_an_independent_pandas_computation(sample: gridgov.Model) -> None:
    import score_reference as ref

    df = ref.random_records(sample, 4000, seed=3)
    start, end = pd.Timestamp("2026-02-01", tz="Asia/Shanghai"), pd.Timestamp("2026-03-15", tz="Asia/Shanghai")
    as_of = pd.Timestamp("2026-03-20", tz="Asia/Shanghai")
    card = gridgov.score(sample, df, start.to_pydatetime(), end.to_pydatetime(), as_of=as_of.to_pydatetime())
    want = ref.reference_scorecard(sample, df, start, end, as_of, **ref.sample_missed_settings())
    got = {f"areas:{lvl}": card.areas(lvl) for lvl in sample.levels}
    got["departments"] = card.departments()
    for role in ("supervisor", "acceptor", "shift_leader", "dispatcher"):
        got[f"posts:{role}"] = card.posts(role)
    checked = 0
    for key, w in want.items():
        g = got[key]
        assert list(g.index) == list(w.index), key
        for col in w.columns:
            if col in ("name",):
                continue
            a, b = g[col], w[col]
            if col == "grade":
                assert list(a.fillna("-")) == list(pd.Series(b).fillna("-")), f"{key}.{col}"
            elif col == "rank":
                b_ranks = pd.Series(b).astype("Int64").fillna(-1)
                assert list(a.astype("Int64").fillna(-1)) == list(b_ranks), f"{key}.{col}"
            else:
                np.testing.assert_allclose(
                    np.asarray(a, dtype=float), np.asarray(b, dtype=float), rtol=1e-9, atol=1e-9, err_msg=f"{key}.{col}"
                )
            checked += 1
    assert checked > 80
    assert int(got["areas:city"]["filed"].iloc[0]) > 100, "the random records reach the filed cohort"


def test_division_report_from_records(city: gridgov.Model) -> None:
    r = city.division_report(SCORE_CASES, date(2026, 3, 1), date(2026, 4, 1))
    assert r.grids.loc["37990100100101", "cases"] == 3  # reported in March
    assert r.grids.loc["37990100100102", "cases"] == 4
    assert bool(r.grids.loc["37990100100102", "households_high"])  # 600 > 500
    assert list(r.suggestions.kind) == ["split"]
    every = city.division_report(gridgov.Records.read_csv(city, SCORE_CASES))
    assert every.grids["cases"].sum() == 8
    with pytest.raises(gridgov.ValidationError):
        city.division_report(SCORE_CASES, date(2026, 4, 1), date(2026, 3, 1), households=(500, 300))


def test_a_month_of_the_sample_city(sample: gridgov.Model) -> None:
    eng = gridgov.simulate(sample, date(2026, 3, 2), days=30, seed=5)
    card = gridgov.score(sample, eng, date(2026, 3, 1), date(2026, 4, 1))
    halves = gridgov.score(sample, eng, date(2026, 3, 1), date(2026, 3, 16)).merge(
        gridgov.score(sample, eng, date(2026, 3, 16), date(2026, 4, 1))
    )
    assert halves == card
    streets = card.areas("street")
    assert len(streets) == 6 and streets["rank"].notna().all()
    assert set(streets["grade"]) <= set("ABCDE")
    # The frame of the engine's records scores the same (as_of given: the engine's own).
    rec = eng.records()
    again = gridgov.score(sample, rec.to_frame(), date(2026, 3, 1), date(2026, 4, 1), as_of=rec.as_of)
    pd.testing.assert_frame_equal(again.departments(), card.departments())
    r = sample.division_report(eng, date(2026, 3, 1), date(2026, 4, 1))
    assert r.grids["cases"].sum() == card.areas("city")["reported"].iloc[0]


def test_scoring_section_of_the_model() -> None:
    text = SCORE_CITY.read_text(encoding="utf-8")
    m = gridgov.Model.from_toml(text + "\n[scoring]\nmin_sample = 1\n[scoring.weights.department]\non_time_rate = 1\n")
    d = gridgov.score(m, SCORE_CASES, *MARCH, as_of=AS_OF).departments()
    assert d.loc["A", "score"] == pytest.approx(200 / 3) and d.loc["A", "rank"] == 1
    with pytest.raises(gridgov.ModelError) as err:
        gridgov.Model.from_toml(text + "\n[scoring]\nshrinkage = -1\n[scoring.weights.department]\nspeed = 1\n")
    paths = [p for p, _ in err.value.issues]
    assert "scoring.shrinkage" in paths and "scoring.weights.department.speed" in paths


# -- issue 12: the indicators as the published reports compute them ------------------------------


def test_due_shelved_and_rework_by_hand(city: gridgov.Model) -> None:
    """Items 9-11 by hand from ``cases_v2.csv`` (the numbers of ``core/tests/score.rs``)."""
    card = gridgov.score(city, SCORE_CASES_V2, *MARCH, as_of=AS_OF)
    g = card.areas("grid")
    g1, g2 = g.loc["37990100100101"], g.loc["37990100100102"]
    # 13 in progress (not due), 17 closed from the shelf, 18 overdue (shelved after as_of)
    assert (g1.filed, g1.due_to_close, g1.closed, g1.closed_on_time, g1.shelved) == (5, 4, 3, 1, 0)
    assert g1.closure_rate == 0.75 and g1.on_time_closure_rate == 0.25
    assert (g2.filed, g2.due_to_close, g2.closed, g2.shelved) == (3, 2, 1, 1)  # 14 on the shelf
    assert g2.closure_rate == 0.5
    d = card.departments()
    a = d.loc["A"]
    assert (a.due, a.handled, a.handled_on_time, a.overdue_unhandled, a.shelved) == (3, 2, 1, 1, 1)
    assert (a.reworked, a.rework) == (2, 3)
    assert a.rework_rate == 1.0, "two reworked cases of two handled, not three failed checks of two"
    assert a.handle_rate == pytest.approx(2 / 3)
    b = d.loc["B"]
    assert (b.due, b.handled, b.overdue_unhandled, b.postponed) == (2, 1, 1, 1)
    assert b.postponement_rate == 0.5 and b.rework_rate == 0.0
    zh = card.departments(labels="zh")
    assert {"应处置数", "挂账数", "返工数", "返工次数", "返工率"} <= set(zh.columns)
    assert {"应结案数", "挂账数", "结案率"} <= set(card.areas("grid", labels="zh").columns)
    labels = gridgov.column_labels()
    assert (labels["due_to_close"], labels["shelved"], labels["rework_rate"]) == ("应结案数", "挂账数", "返工率")
    # The frame of the records states its schema version and reads back to the same card.
    frame = gridgov.Records.read_csv(city, SCORE_CASES_V2).to_frame()
    assert (frame["schema_version"] == gridgov.RECORD_SCHEMA_VERSION).all() and frame["shelved_at"].notna().sum() == 4
    assert gridgov.score(city, frame, *MARCH, as_of=AS_OF) == card


#: The columns of schema version 4 (every check counts, tasks assigned: issue 12 item 12).
V4_CHECKS = ("checks", "checks_on_time", "last_checked_at", "last_checker", "verify_assignee")


def test_schema_versions(city: gridgov.Model, cases_frame: pd.DataFrame) -> None:
    """A version-1 table still reads; an unknown or inconsistent version, or a column the stated
    version lacks, raises ValidationError naming the value; so does a first-format card."""
    v1 = cases_frame.drop(
        columns=[
            "schema_version", "shelved_at", "resumed_at",
            "wrong_unit_returns", "void_cause", "orders", "orders_replied_on_time", *V4_CHECKS,
            "second_unit", "co_units", "co_on_time",
        ]
    )
    card = gridgov.score(city, v1, *MARCH, as_of=AS_OF)
    assert card == gridgov.score(city, SCORE_CASES, *MARCH, as_of=AS_OF)
    bad = cases_frame.assign(schema_version=5)
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, bad)
    assert err.value.what == "records[0].schema_version" and err.value.value == "5"
    assert "1, 2, 3, 4" in err.value.reason
    # version 4's check columns: refused in a version-3 table; on-time checks within checks
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, cases_frame.assign(schema_version=3))
    assert err.value.what.startswith("records.") and "schema version 4" in err.value.reason
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, cases_frame.assign(checks=1, checks_on_time=2, rework=0))
    assert err.value.what == "records[0].checks_on_time" and "exceeds checks" in err.value.reason
    # version 3's approval columns: refused in a version-2 table; checked row by row
    with pytest.raises(gridgov.ValidationError) as err:
        v2 = cases_frame.drop(columns=["void_cause", "orders", "orders_replied_on_time"])
        gridgov.Records(city, v2.assign(schema_version=2))
    assert err.value.what == "records.wrong_unit_returns" and "schema version 3" in err.value.reason
    v3 = cases_frame.drop(columns=[*V4_CHECKS, "second_unit", "co_units", "co_on_time"], errors="ignore").assign(
        schema_version=3
    )
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, v3.assign(wrong_unit_returns=v3["returns"] + 1))
    assert err.value.what == "records[0].wrong_unit_returns" and "exceeds returns" in err.value.reason
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, v3.assign(void_cause="lost"))
    assert err.value.what == "records[0].void_cause" and err.value.value == "lost"
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, v3.assign(orders=1, orders_replied_on_time=2))
    assert err.value.what == "records[0].orders_replied_on_time" and "exceeds orders" in err.value.reason
    mixed = cases_frame.copy()
    mixed.loc[5, "schema_version"] = 1
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.score(city, mixed, *MARCH)
    assert err.value.what == "records[5].schema_version"
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, cases_frame.assign(schema_version=1))
    assert err.value.what == "records.shelved_at" and "schema version 2" in err.value.reason
    gridgov.Records(city, v1.assign(schema_version=1))  # version 1 stated, its columns only
    resumed_early = gridgov.Records.read_csv(city, SCORE_CASES_V2).to_frame()
    resumed_early.loc[5, "resumed_at"] = resumed_early.loc[5, "shelved_at"] - pd.Timedelta(minutes=1)
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, resumed_early)
    assert err.value.what == "records[5].resumed_at" and "earlier than shelved_at" in err.value.reason
    old = card.to_json().replace("gridgov-scorecard/3", "gridgov-scorecard/1")
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Scorecard.from_json(city, old)
    assert err.value.what == "format" and err.value.value == "gridgov-scorecard/1"


def test_a_month_of_the_simulated_city_against_the_reference(sample: gridgov.Model) -> None:
    """A month of the simulated city scored, and every area and department indicator (应结案数,
    结案率, 按期结案率, 应处置数, 挂账数, 返工率 … and the scores built on them) recomputed with
    pandas from the engine's records by score_reference.py, equal to the card."""
    import score_reference as ref

    eng = gridgov.simulate(sample, date(2026, 3, 2), days=30, seed=12)
    rec = eng.records()
    frame = rec.to_frame()
    assert frame["shelved_at"].notna().any(), "the month shelves cases"
    assert (frame["rework"] > 0).any(), "the month reworks cases"
    start, end = datetime(2026, 3, 1), datetime(2026, 4, 1)
    for as_of in (rec.as_of, datetime(2026, 3, 20, 10)):
        card = gridgov.score(sample, rec, start, end, as_of=as_of)
        want = ref.reference_scorecard(sample, frame, start, end, as_of, **ref.sample_missed_settings())
        got = {f"areas:{lvl}": card.areas(lvl) for lvl in sample.levels}
        got["departments"] = card.departments()
        # the posts too: every check (failed included), the verification tasks assigned, 漏报
        for role in ("supervisor", "acceptor", "shift_leader", "dispatcher"):
            got[f"posts:{role}"] = card.posts(role)
        for key in got:
            w, g = want[key], got[key]
            assert list(g.index) == list(w.index), key
            for col in w.columns:
                if col in ("name", "grade", "rank"):
                    continue
                np.testing.assert_allclose(
                    np.asarray(g[col], dtype=float), np.asarray(w[col], dtype=float), rtol=1e-9, atol=1e-9,
                    err_msg=f"{key}.{col} as of {as_of}",
                )
            assert list(g["grade"].fillna("-")) == list(pd.Series(w["grade"]).fillna("-")), key
        d = card.departments()
        assert d["due"].sum() > 500 and d["shelved"].sum() > 0
        assert d["second_handled"].sum() > 0 and d["co_assigned"].sum() > 0 and d["co_on_time"].sum() > 0
        assert (d["due"] == d["handled"] + d["overdue_unhandled"]).all()
        assert d["rework_rate"].dropna().le(1.0).all()
        city_row = card.areas("city").iloc[0]
        assert city_row.due_to_close <= city_row.filed - city_row.shelved
        sup = card.posts("supervisor")
        assert sup["check_due"].sum() > sup["failed_checks"].sum() > 0  # every check, failed ones too
        assert sup["verify_due"].sum() >= sup["verified"].sum() >= sup["verified_on_time"].sum() > 0
        assert 0 < city_row.missed < city_row.public_filed  # 漏报: in scope and patrol hours only
