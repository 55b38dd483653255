"""Scoring by period (issue 14): ``score_periods`` for months, quarters and years; the cards
merge into the whole whatever their order; ``compare`` refuses cards judged at different
instants unless told to, and states the unit of each change."""

from __future__ import annotations

import random
from datetime import date, datetime

import numpy as np
import pytest

import gridgov

from conftest import fixture_path

SCORE_CITY = fixture_path("score/city.toml")
SCORE_CASES = fixture_path("score/cases.csv")


@pytest.fixture(scope="module")
def history(sample: gridgov.Model) -> gridgov.Records:
    return gridgov.simulate(sample, date(2026, 2, 23), days=20, seed=4, reports_per_day=60).records()


def test_months_quarters_years(sample: gridgov.Model, history: gridgov.Records) -> None:
    months = gridgov.score_periods(sample, history)  # freq="MS"
    assert [c.period for c in months] == [
        (datetime(2026, 2, 1), datetime(2026, 3, 1)),
        (datetime(2026, 3, 1), datetime(2026, 4, 1)),
    ]
    assert len({c.as_of for c in months}) == 1  # one instant for all: they merge and compare
    whole = gridgov.score(sample, history, datetime(2026, 2, 1), datetime(2026, 4, 1))
    shuffled = list(reversed(months))
    assert gridgov.Scorecard.merge_all(shuffled) == whole
    (q1,) = gridgov.score_periods(sample, history, "QS")
    assert q1.period == (datetime(2026, 1, 1), datetime(2026, 4, 1))
    assert q1 == gridgov.score(sample, history, date(2026, 1, 1), date(2026, 4, 1))
    (y,) = gridgov.score_periods(sample, history, "YS")
    assert y.period == (datetime(2026, 1, 1), datetime(2027, 1, 1))
    # an explicit range: every month of the first half year, empty ones included
    half = gridgov.score_periods(sample, history, "MS", start=date(2026, 1, 1), end=date(2026, 7, 1))
    assert [c.period[0].month for c in half] == [1, 2, 3, 4, 5, 6]
    assert int(half[0].areas("city")["reported"].sum()) == 0
    with pytest.raises(gridgov.ValidationError, match="freq"):
        gridgov.score_periods(sample, history, "W")
    with pytest.raises(gridgov.ValidationError, match="empty"):
        gridgov.Scorecard.merge_all([])


def test_merge_all_in_random_order(sample: gridgov.Model, history: gridgov.Records) -> None:
    months = gridgov.score_periods(sample, history, start=date(2026, 1, 1), end=date(2026, 12, 1))
    whole = gridgov.score(sample, history, date(2026, 1, 1), date(2026, 12, 1))
    for seed in range(3):
        cards = months[:]
        random.Random(seed).shuffle(cards)
        assert gridgov.Scorecard.merge_all(cards) == whole


def test_compare_refuses_different_instants_and_states_units() -> None:
    city = gridgov.Model.load(SCORE_CITY)
    mar = gridgov.score(city, SCORE_CASES, date(2026, 3, 1), date(2026, 4, 1), as_of=datetime(2026, 4, 10))
    feb = gridgov.score(city, SCORE_CASES, date(2026, 2, 1), date(2026, 3, 1), as_of=datetime(2026, 4, 10))
    early = gridgov.score(city, SCORE_CASES, date(2026, 2, 1), date(2026, 3, 1), as_of=datetime(2026, 3, 2, 9, 15))
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.compare(early, mar)
    assert err.value.what == "after.as_of"
    assert "2026-03-02 09:15 (UTC+8)" in str(err.value) and "2026-04-10 00:00 (UTC+8)" in str(err.value)
    allowed = gridgov.compare(early, mar, "grid", allow_different_as_of=True)
    assert len(allowed) == 2 * 4
    cmp = gridgov.compare(feb, mar, level="grid")
    columns = ["area", "name", "level", "indicator", "before", "after", "change", "unit", "change_pct"]
    assert list(cmp.columns) == columns
    units = dict(zip(cmp.indicator, cmp.unit))
    assert units == {
        "mean_response_hours": "hours",
        "mean_handle_hours": "hours",
        "on_time_closure_rate": "points",
        "satisfaction_rate": "points",
    }
    rates = cmp[(cmp.unit == "points") & cmp.change.notna() & cmp.change_pct.notna()]
    for r in rates.itertuples():
        assert r.change == pytest.approx((r.after - r.before) * 100)
        assert r.change_pct == pytest.approx((r.after - r.before) / r.before * 100)
    assert np.isfinite(cmp[cmp.unit == "hours"].change.dropna()).all()
