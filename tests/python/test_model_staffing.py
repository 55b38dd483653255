"""Staffing gaps in ``model.check()`` (issue 14): tests/fixtures/cities/unstaffed.toml has a
department that receives cases with no handler and a grid no supervisor patrols."""

from __future__ import annotations

import gridgov

from conftest import fixture_path


def test_the_unstaffed_city() -> None:
    m = gridgov.Model.load(fixture_path("cities/unstaffed.toml"))
    report = m.check()
    staffing = report.staffing
    assert [u.unit for u in staffing.units_without_handler] == ["B"]
    assert staffing.units_without_handler[0].rules  # a duty rule sends cases there
    assert [g.code for g in staffing.grids_without_supervisor] == ["37990100100102"]
    assert not staffing.is_empty
    assert report.is_clean  # the matrix itself has no gap or conflict
    # round trip through the JSON shape the C ABI returns
    assert gridgov.CheckReport.from_dict(report.to_dict()) == report


def test_the_sample_city_is_staffed(sample: gridgov.Model) -> None:
    assert sample.check().staffing.is_empty
