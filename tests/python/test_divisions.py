"""The GB/T 2260 check of division codes (issue 15): tests/fixtures/cities/divisions.toml is
成都 with a real district (510104) and one coded 510199, which no list has."""

from __future__ import annotations

import json

import pytest

import gridgov
from gridgov._cli import main

from conftest import fixture_path, fixture_text


def test_an_unknown_county_code_is_a_warning_naming_it() -> None:
    m = gridgov.Model.load(fixture_path("cities/divisions.toml"))
    report = m.check()
    assert [(u.code, u.level, u.area, u.index, u.areas) for u in report.unknown_divisions] == [
        ("510199", "county", "510199", 2, 4)
    ]
    assert report.unknown_divisions[0].message.startswith(
        "unknown county-level code 510199 (not in the division list of 2022-10-31"
    )
    assert report.is_clean  # the duty matrix itself is sound
    assert gridgov.CheckReport.from_dict(report.to_dict()) == report
    assert m.unknown_divisions() == list(report.unknown_divisions)


def test_check_error_refuses_the_model_naming_the_area() -> None:
    strict = fixture_text("cities/divisions.toml").replace('check = "warn"', 'check = "error"')
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(strict)
    assert [p for p, _ in e.value.issues] == ["areas[2].code"]
    assert "unknown county-level code 510199" in e.value.issues[0][1]
    declared = strict.replace('check = "error"', 'check = "error"\nextra = ["510199"]')
    assert gridgov.Model.from_toml(declared).check().unknown_divisions == ()
    off = fixture_text("cities/divisions.toml").replace('check = "warn"', 'check = "off"')
    assert gridgov.Model.from_toml(off).check().unknown_divisions == ()


def test_the_builtin_list_and_a_list_of_ones_own() -> None:
    builtin = gridgov.DivisionCodes.builtin()
    assert len(builtin) == 3351 and builtin.as_of == "2022-10-31"
    assert "510104" in builtin and "510199" not in builtin
    assert builtin.name("441900") == "东莞市" and builtin.name("510199") is None
    m = gridgov.Model.load(fixture_path("cities/divisions.toml"))
    newer = gridgov.DivisionCodes.parse("# as_of: 2027-01-01\n510100,成都市\n510104,锦江区\n510199,新区\n")
    assert m.unknown_divisions(newer) == []
    older = gridgov.DivisionCodes.parse("510100\n")
    assert [u.code for u in m.unknown_divisions(older)] == ["510104", "510199"]


def test_a_bad_list_names_the_line() -> None:
    with pytest.raises(gridgov.CodeError, match=r"51010X.*line 2"):
        gridgov.DivisionCodes.parse("510100\n51010X\n")
    with pytest.raises(gridgov.CodeError, match=r"line 3: given twice \(also line 1\)"):
        gridgov.DivisionCodes.parse("510100\n\n510100\n")


def test_the_sample_city_declares_its_invented_codes(sample: gridgov.Model) -> None:
    assert sample.check().unknown_divisions == ()


def test_gridgov_check_shows_the_warning_without_failing(capsys: pytest.CaptureFixture[str]) -> None:
    path = str(fixture_path("cities/divisions.toml"))
    assert main(["check", path]) == 0
    out = capsys.readouterr().out
    assert "division codes: 1 not in the GB/T 2260 list (warning)" in out
    assert "unknown county-level code 510199" in out and "4 areas, first 510199 (areas[2])" in out
    assert main(["check", path, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["responsibility"]["unknown_divisions"][0]["code"] == "510199"
