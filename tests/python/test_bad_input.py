"""Every kind of bad input the foundation issue lists gets a typed error naming the value."""

from __future__ import annotations

from pathlib import Path

import pytest

import gridgov


def with_text(tiny_path: Path, old: str, new: str) -> str:
    text = tiny_path.read_text(encoding="utf-8")
    assert old in text, old
    return text.replace(old, new, 1)


def issues_of(excinfo: pytest.ExceptionInfo[gridgov.ModelError]) -> dict[str, str]:
    return dict(excinfo.value.issues)


def test_unknown_grid_code_format(tiny_path: Path) -> None:
    text = with_text(tiny_path, 'code = "37990100100102"', 'code = "11010"')
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    assert "areas[5].code" in issues_of(e)
    assert "11010" in issues_of(e)["areas[5].code"]


def test_duplicate_codes(tiny_path: Path) -> None:
    text = with_text(tiny_path, 'code = "37990100100102"', 'code = "37990100100101"')
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    assert "duplicates areas[4].code" in issues_of(e)["areas[5].code"]


def test_duplicate_unit_ids(tiny_path: Path) -> None:
    text = with_text(tiny_path, 'id = "B"', 'id = "A"')
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    assert '"A" duplicates units[1].id' in issues_of(e)["units[2].id"]


def test_cycle_in_unit_graph(tiny_path: Path) -> None:
    text = with_text(tiny_path, 'jurisdiction = ["379900"]', 'jurisdiction = ["379900"]\nparent = "B"')
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    messages = " ".join(issues_of(e).values())
    assert "cycle" in messages and "CMD" in messages and "B" in messages


def test_rule_naming_unknown_unit(tiny_path: Path) -> None:
    text = with_text(tiny_path, 'category = "C"\nunit = "A"', 'category = "C"\nunit = "NOBODY"')
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    assert 'unknown unit "NOBODY"' in issues_of(e)["duty[0].unit"]


def test_rule_naming_unknown_area_and_category(tiny_path: Path) -> None:
    text = with_text(tiny_path, 'category = "C01"\narea = "379901"', 'category = "C77"\narea = "379999"')
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    found = issues_of(e)
    assert "379999" in found["duty[1].area"]
    assert "C77" in found["duty[1].category"]


def test_every_problem_at_once(tiny_path: Path) -> None:
    text = with_text(tiny_path, 'category = "C"\nunit = "A"', 'category = "C"\nunit = "NOBODY"')
    text = text.replace('id = "B"', 'id = "A"').replace('role = "supervisor"', 'role = "supervisor"\nname2 = 1')
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    # shape problems are reported first, all of them
    assert any(path.startswith("workers[0]") for path in issues_of(e))
    text = text.replace("\nname2 = 1", "")
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    assert {"units[2].id", "duty[0].unit"} <= set(issues_of(e))


@pytest.mark.parametrize(
    ("windows", "needle"),
    [
        (["08:00-12:00", "11:00-13:00"], "overlaps"),
        (["08:00-25:00"], "25:00"),
        (["18:00-08:00"], "18:00-08:00"),
        (["8h-12h"], "8h-12h"),
    ],
)
def test_bad_windows(windows: list[str], needle: str) -> None:
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Calendar.from_dict({"base": "china", "workday": windows})
    assert any(path.startswith("calendar.workday") or path.startswith("workday") for path in issues_of(e))
    assert needle in str(e.value)


def test_window_until_midnight_is_allowed() -> None:
    cal = gridgov.Calendar.from_dict({"base": "china", "workday": ["08:00-12:00", "20:00-24:00"]})
    assert cal.name


def test_calendar_dates_outside_years() -> None:
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Calendar.from_dict(
            {"years": [2025, 2025], "holidays": [{"name": "x", "off": ["2026-01-01"]}]}
        )
    assert "2026-01-01" in str(e.value)


def test_bad_model_calendar_section_names_path(tiny_path: Path) -> None:
    text = 'calendar = { base = "china", workday = ["08:00-12:00", "11:00-13:00"] }\n' + tiny_path.read_text(
        encoding="utf-8"
    )
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    assert any(path.startswith("calendar.workday") for path in issues_of(e)), e.value.issues


def test_malformed_files() -> None:
    with pytest.raises(gridgov.ParseError):
        gridgov.Model.from_toml('name = "x"\n[[areas]\n')
    with pytest.raises(gridgov.ParseError):
        gridgov.Model.from_json('{"name": ')
    with pytest.raises(gridgov.ModelError):
        gridgov.Model.from_json("[1, 2]")


def test_model_state_unchanged_after_refusals(sample: gridgov.Model) -> None:
    before = sample.to_json()
    for call in (
        lambda: sample.route("C0101", "not-a-grid"),
        lambda: sample.route("Z1", "37990100100101"),
        lambda: sample.workers(role="janitor"),
    ):
        with pytest.raises(gridgov.GridgovError):
            call()
    assert sample.to_json() == before
    assert sample.route("C0101", "37990100100101") == "WATER"


def test_escalation_rules_naming_unknown_units_or_levels(tiny_path: Path) -> None:
    text = tiny_path.read_text(encoding="utf-8") + (
        '\n[[escalation]]\nname = "a"\ntrigger = { overdue = true }\naction = { notify = "GHOST" }\n'
        '\n[[escalation]]\nname = "b"\ntrigger = { share = 0.8 }\naction = { escalate = 99 }\n'
        '\n[[escalation]]\nname = "c"\nareas = ["999999"]\ntrigger = { rework = 2 }\naction = { supervise = true }\n'
    )
    with pytest.raises(gridgov.ModelError) as e:
        gridgov.Model.from_toml(text)
    found = issues_of(e)
    assert "GHOST" in found["escalation[0].action.notify"]
    assert "99" in found["escalation[1].action.escalate"]
    assert "999999" in found["escalation[2].areas[0]"]
