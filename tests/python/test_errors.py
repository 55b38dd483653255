"""The exception tree: one base, built-in bases for the usual `except` clauses, attributes."""

from __future__ import annotations

from pathlib import Path

import pytest

import gridgov

TREE = [
    (gridgov.ValidationError, (gridgov.GridgovError, ValueError)),
    (gridgov.CodeError, (gridgov.ValidationError, gridgov.GridgovError, ValueError)),
    (gridgov.UnknownError, (gridgov.GridgovError, KeyError, LookupError)),
    (gridgov.CalendarRangeError, (gridgov.GridgovError, ValueError)),
    (gridgov.RoutingError, (gridgov.GridgovError,)),
    (gridgov.NoResponsibleUnitError, (gridgov.RoutingError, gridgov.GridgovError)),
    (gridgov.DutyConflictError, (gridgov.RoutingError, gridgov.GridgovError)),
    (gridgov.ModelError, (gridgov.GridgovError, ValueError)),
    (gridgov.ParseError, (gridgov.GridgovError, ValueError)),
    (gridgov.GridgovIOError, (gridgov.GridgovError, OSError)),
    (gridgov.GridgovFileNotFoundError, (gridgov.GridgovIOError, gridgov.GridgovError, FileNotFoundError, OSError)),
    (gridgov.JournalError, (gridgov.GridgovError, OSError)),
    (gridgov.TamperedError, (gridgov.GridgovError, ValueError)),
    (gridgov.SinkError, (gridgov.GridgovError,)),
    (gridgov.SinkBehindError, (gridgov.GridgovError,)),
    (gridgov.MissingDependencyError, (gridgov.GridgovError, ImportError)),
]


@pytest.mark.parametrize(("cls", "bases"), TREE)
def test_hierarchy(cls: type, bases: tuple[type, ...]) -> None:
    assert issubclass(cls, Exception)
    for base in bases:
        assert issubclass(cls, base), (cls, base)


def test_distinct_branches() -> None:
    assert not issubclass(gridgov.ParseError, gridgov.ModelError)
    assert not issubclass(gridgov.RoutingError, ValueError)
    assert not issubclass(gridgov.UnknownError, ValueError)
    assert not issubclass(gridgov.CalendarRangeError, gridgov.ValidationError)
    assert issubclass(gridgov.CalendarRangeError, gridgov.GridgovError)


def test_every_public_exception_is_exported() -> None:
    names = {n for n in gridgov.__all__ if n.endswith("Error")}
    assert names == {cls.__name__ for cls, _ in TREE} | {"GridgovError"}
    for name in names:
        assert getattr(gridgov, name).__module__ == "gridgov._errors"


def test_errors_from_the_core_carry_their_fields(sample: gridgov.Model, cal: gridgov.Calendar) -> None:
    from datetime import date

    with pytest.raises(gridgov.GridgovError) as info:
        cal.is_workday(date(2030, 1, 1))
    assert type(info.value) is gridgov.CalendarRangeError
    assert info.value.date == "2030-01-01"
    with pytest.raises(KeyError):
        sample.route("C0101", "37990100100199")
    with pytest.raises(ValueError, match="major class"):
        sample.route("C01", "37990100100101")


def test_version() -> None:
    parts = gridgov.__version__.split(".")
    assert len(parts) == 3 and all(p.isdigit() for p in parts)


def test_every_core_error_kind_has_its_class() -> None:
    from gridgov import _gridgov

    kinds = _gridgov.error_kinds()
    names = [name for name, _, _ in kinds]
    numbers = [number for _, number, _ in kinds]
    # the core's one list: every kind once, in number order, with the C status numbers
    assert names == [
        "invalid_value",
        "invalid_code",
        "unknown",
        "calendar_range",
        "no_responsible_unit",
        "duty_conflict",
        "model",
        "parse",
        "io",
        "invalid_transition",
        "permission_denied",
        "journal",
        "tampered",
        "sink",
        "sink_behind",
    ]
    assert numbers == list(range(100, 115))
    classes = [cls for _, _, cls in kinds]
    assert len(set(classes)) == len(classes)
    for cls in classes:
        assert issubclass(cls, gridgov.GridgovError), cls
        assert getattr(gridgov, cls.__name__) is cls and cls.__name__ in gridgov.__all__


def test_a_missing_file_is_a_file_not_found_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(FileNotFoundError) as info:
        gridgov.Model.load(missing)
    assert type(info.value) is gridgov.GridgovFileNotFoundError
    assert isinstance(info.value, gridgov.GridgovIOError)
    assert info.value.path == str(missing) and "nowhere.toml" in str(info.value)
    # another failure to read is an IO error, not a missing file
    with pytest.raises(gridgov.GridgovIOError) as info:
        gridgov.Model.load(tmp_path)
    assert not isinstance(info.value, FileNotFoundError)
