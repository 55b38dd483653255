"""Every class pickles (models and calendars travel to Dask/Spark workers by value)."""

from __future__ import annotations

import pickle
from datetime import date, datetime

import numpy as np
import pytest

import gridgov
from gridgov import _gridgov


def roundtrip(obj: object) -> object:
    return pickle.loads(pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL))


def test_calendar(cal: gridgov.Calendar) -> None:
    back = roundtrip(cal)
    assert isinstance(back, gridgov.Calendar) and back == cal
    assert back.add_working(datetime(2024, 2, 2, 16), np.timedelta64(3, "h").item()) == datetime(2024, 2, 4, 9)


def test_custom_calendar() -> None:
    cal = gridgov.Calendar.from_toml('base = "china"\nname = "x"\ndates = [{ date = "2025-03-03", rule = "off" }]')
    back = roundtrip(cal)
    assert isinstance(back, gridgov.Calendar)
    assert back == cal and back.name == "x"
    assert back.is_workday(date(2025, 3, 3)) is False


def test_model(sample: gridgov.Model, tiny: gridgov.Model) -> None:
    for model in (sample, tiny):
        back = roundtrip(model)
        assert isinstance(back, gridgov.Model)
        assert back.to_json() == model.to_json()
        assert back.summary() == model.summary()
        assert back.check() == model.check()
    assert roundtrip(sample).route("C0101", "37990100100101") == "WATER"  # type: ignore[attr-defined]
    assert roundtrip(sample) == sample and roundtrip(tiny) == tiny and sample != tiny


def test_case_records(sample: gridgov.Model) -> None:
    from datetime import date

    eng = gridgov.simulate(sample, date(2026, 3, 2), days=2, seed=5, reports_per_day=40)
    records = eng.records()
    back = roundtrip(records)
    assert isinstance(back, gridgov.Records) and back == records
    assert len(back) == len(records) and back.as_of == records.as_of
    import pandas as pd

    pd.testing.assert_frame_equal(back.to_frame(), records.to_frame())
    card = gridgov.score(sample, records, date(2026, 3, 2), date(2026, 3, 4))
    assert gridgov.score(sample, back, date(2026, 3, 2), date(2026, 3, 4)) == card


def test_records(sample: gridgov.Model, tiny: gridgov.Model) -> None:
    report = tiny.check()
    assert roundtrip(report) == report
    for records in (sample.areas()[:50], sample.units(), sample.workers()[:20], sample.categories()):
        assert roundtrip(records) == records


def test_private_classes(sample: gridgov.Model) -> None:
    core = _gridgov.Model.sample()
    back = roundtrip(core)
    assert isinstance(back, _gridgov.Model) and back.to_json() == core.to_json()
    cal = _gridgov.Calendar.china()
    assert roundtrip(cal) == cal


@pytest.mark.parametrize(
    "make",
    [
        lambda m, c: m.route("C0101", "37990100100199"),
        lambda m, c: m.route("C01", "37990100100101"),
        lambda m, c: c.is_workday(date(2030, 1, 1)),
        lambda m, c: gridgov.Model.from_toml('name = ""\n[[areas]]\ncode = "1"\nname = "x"\nlevel = "grid"'),
        lambda m, c: gridgov.Model.from_toml("x = "),
        lambda m, c: gridgov.Model.load("/nonexistent/gridgov.toml"),
    ],
)
def test_exceptions(sample: gridgov.Model, cal: gridgov.Calendar, make: object) -> None:
    with pytest.raises(gridgov.GridgovError) as info:
        make(sample, cal)  # type: ignore[operator]
    err = info.value
    back = roundtrip(err)
    assert type(back) is type(err)
    assert str(back) == str(err)
    assert back.__dict__ == err.__dict__ and back.__dict__


def test_conflict_exception(tiny: gridgov.Model) -> None:
    with pytest.raises(gridgov.DutyConflictError) as info:
        tiny.route("C0101", "37990100100101")
    back = roundtrip(info.value)
    assert isinstance(back, gridgov.DutyConflictError)
    assert back.rules == [1, 2] and back.units == ["A", "B"] and back.category == "C0101"


def old_pickle(function: str, *args: object) -> bytes:
    """A pickle as written before the classes left ``gridgov/__init__.py``: a call of
    ``gridgov.<function>(*args)``."""
    arguments = pickle.dumps(args, protocol=0)[:-1]  # the tuple, without STOP
    return b"cgridgov\n" + function.encode() + b"\n" + arguments + b"R."


def test_pickles_made_before_the_split_still_load(tiny: gridgov.Model) -> None:
    cal = pickle.loads(old_pickle("_calendar_from_json", '"china"'))
    assert cal == gridgov.Calendar.china()
    model = pickle.loads(old_pickle("_model_from_json", tiny.to_json(), None))
    assert isinstance(model, gridgov.Model) and model.to_json() == tiny.to_json()
    grid_map = gridgov.Model.sample().grid_map
    assert grid_map is not None
    back = pickle.loads(old_pickle("_gridmap_from_geojson", grid_map.to_geojson()))
    assert isinstance(back, gridgov.GridMap) and back.codes == grid_map.codes
    eng = gridgov.Engine(tiny)
    assert pickle.loads(old_pickle("_engine_replay", tiny, eng.events_jsonl())) == eng
