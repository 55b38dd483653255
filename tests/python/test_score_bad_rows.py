"""Bad rows (issue 14): ``errors="raise"``, ``"collect"`` and ``"drop"`` on a city's export as
it comes — tests/fixtures/score/cases_bad_gbk.csv, the eight hand-made cases in GB18030 with
Chinese labels and local times, and seven bad rows between them — by path and as pandas
reads it; and the same card from a frame, a CSV path and an Excel file."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

import gridgov

from conftest import fixture_path

SCORE_CITY = fixture_path("score/city.toml")
BAD = fixture_path("score/cases_bad_gbk.csv")
CLEAN = fixture_path("score/cases_gbk.csv")
MARCH = (datetime(2026, 3, 1), datetime(2026, 4, 1))
AS_OF = datetime(2026, 4, 10)

#: (row, id, column) of every bad row of the fixture.
EXPECTED = [
    (2, 101, "reported_at"),
    (5, 102, "category"),
    (7, 103, "state"),
    (9, 105, "id"),
    (11, 104, "satisfaction"),
    (12, 105, "id"),
    (14, None, "id"),
]


@pytest.fixture(scope="module")
def city() -> gridgov.Model:
    return gridgov.Model.load(SCORE_CITY)


@pytest.fixture(scope="module")
def frame() -> pd.DataFrame:
    # As an analyst reads the export with pandas: GB18030, grid codes as text.
    return pd.read_csv(BAD, encoding="gb18030", dtype={"grid": str})


def located(problems: pd.DataFrame) -> list[tuple[int, object, str]]:
    return [
        (int(r.row), None if pd.isna(r.id) else int(r.id), str(r.column))
        for r in problems.itertuples(index=False)
    ]


@pytest.mark.parametrize("source", ["path", "frame"])
def test_collect_lists_every_bad_row(city: gridgov.Model, frame: pd.DataFrame, source: str) -> None:
    data = BAD if source == "path" else frame
    problems = gridgov.check_records(city, data)
    assert list(problems.columns) == ["row", "id", "column", "value", "reason"]
    assert str(problems["id"].dtype) == "Int64"
    assert located(problems) == EXPECTED
    values = dict(zip(problems["row"], problems["value"]))
    assert values[2] == "2026/3/32 8:10"
    assert values[5] == "C9999"
    assert values[7] == "已办毕"
    assert values[11] == "-1"
    reasons = dict(zip(problems["row"], problems["reason"]))
    assert "records[12]" in reasons[9] and "records[9]" in reasons[12]
    assert "1–5" in reasons[11]
    # score(errors="collect") scores nothing and returns the same table
    got = gridgov.score(city, data, *MARCH, as_of=AS_OF, errors="collect")
    pd.testing.assert_frame_equal(got, problems)


@pytest.mark.parametrize("source", ["path", "frame"])
def test_drop_scores_the_good_rows(city: gridgov.Model, frame: pd.DataFrame, source: str) -> None:
    data = BAD if source == "path" else frame
    clean = gridgov.score(city, CLEAN, *MARCH, as_of=AS_OF)
    card = gridgov.score(city, data, *MARCH, as_of=AS_OF, errors="drop")
    assert isinstance(card, gridgov.Scorecard)
    assert card == clean
    assert located(card.problems) == EXPECTED
    rec = gridgov.Records(city, frame, errors="drop") if source == "frame" else gridgov.Records.read_csv(
        city, BAD, errors="drop"
    )
    assert len(rec) == 8 and located(rec.problems) == EXPECTED
    assert rec == gridgov.Records.read_csv(city, CLEAN, as_of=rec.as_of)
    assert gridgov.Records.read_csv(city, CLEAN).problems.empty


def test_raise_is_the_default_and_collect_raises_with_every_row(city: gridgov.Model, frame: pd.DataFrame) -> None:
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.score(city, frame, *MARCH)
    assert err.value.what.startswith("records[")
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records.read_csv(city, BAD)
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, frame, errors="collect")
    assert "7 bad rows" in str(err.value)
    assert located(err.value.problems) == EXPECTED  # type: ignore[attr-defined]
    # A clean table in collect mode: records, and nothing to report
    assert len(gridgov.Records.read_csv(city, CLEAN, errors="collect")) == 8
    assert gridgov.check_records(city, CLEAN).empty
    assert gridgov.check_records(city, gridgov.Records.read_csv(city, CLEAN)).empty  # validated already
    with pytest.raises(gridgov.ValidationError, match="validation mode"):
        gridgov.score(city, frame, *MARCH, errors="ignore")  # type: ignore[call-overload]
    # A problem that is not one row's (no reported_at column) is raised in every mode
    with pytest.raises(gridgov.ValidationError, match="reported_at"):
        gridgov.check_records(city, frame.drop(columns=["reported_at"]))


def test_a_row_with_the_wrong_number_of_fields(city: gridgov.Model, tmp_path: Path) -> None:
    p = tmp_path / "short.csv"
    p.write_text(
        "id,grid,reported_at\n1,37990100100101,2026-03-02 08:10\n2,37990100100101\n"
        "3,37990100100101,2026-03-02 08:20\n",
        encoding="utf-8",
    )
    problems = gridgov.check_records(city, p)
    assert located(problems) == [(1, 2, "")]
    assert "fields" in problems["reason"][0]
    assert len(gridgov.Records.read_csv(city, p, errors="drop")) == 2


def test_the_same_card_from_a_frame_a_csv_path_and_an_excel_file(city: gridgov.Model, tmp_path: Path) -> None:
    pytest.importorskip("openpyxl")
    want = gridgov.score(city, CLEAN, *MARCH, as_of=AS_OF)
    frame = pd.read_csv(CLEAN, encoding="gb18030", dtype={"grid": str})
    assert gridgov.score(city, frame, *MARCH, as_of=AS_OF) == want
    # Records built from arrays (a mapping of NumPy columns)
    arrays = {c: frame[c].to_numpy() for c in frame.columns}
    assert gridgov.score(city, gridgov.Records(city, arrays), *MARCH, as_of=AS_OF) == want
    xlsx = tmp_path / "cases.xlsx"
    frame.to_excel(xlsx, index=False)
    assert gridgov.score(city, xlsx, *MARCH, as_of=AS_OF) == want
    assert gridgov.score(city, str(xlsx), *MARCH, as_of=AS_OF) == want
    assert gridgov.Records.read_excel(city, xlsx) == gridgov.Records.read_csv(city, CLEAN)
    # an .xlsx path given to read_csv is read as Excel, not as CSV text
    assert gridgov.Records.read_csv(city, xlsx) == gridgov.Records.read_csv(city, CLEAN)
    # Excel's own date cells (naive datetimes) are local times too
    typed = frame.copy()
    for c in ("reported_at", "accepted_at", "filed_at", "dispatched_at", "handled_at", "checked_at", "closed_at"):
        typed[c] = pd.to_datetime(typed[c], format="mixed")
    dated = tmp_path / "dated.xlsx"
    typed.to_excel(dated, index=False)
    assert gridgov.score(city, dated, *MARCH, as_of=AS_OF) == want
    # bad rows in a workbook
    bad = pd.read_csv(BAD, encoding="gb18030", dtype={"grid": str})
    bad_xlsx = tmp_path / "bad.xlsx"
    bad.to_excel(bad_xlsx, index=False)
    assert located(gridgov.check_records(city, bad_xlsx)) == EXPECTED
    # not a workbook; no such file
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"id,grid\n1,2\n")
    with pytest.raises(gridgov.ValidationError, match="xlsx"):
        gridgov.score(city, junk, *MARCH)
    with pytest.raises(gridgov.GridgovFileNotFoundError):
        gridgov.Records.read_excel(city, tmp_path / "missing.xlsx")


def test_instants_in_messages_are_local_times(city: gridgov.Model) -> None:
    frame = pd.DataFrame(
        {
            "id": [1],
            "grid": ["37990100100101"],
            "reported_at": ["2026-03-02 08:00"],
            "accepted_at": ["2026-03-02 09:15"],
            "filed_at": ["2026-03-02 08:01"],
        }
    )
    with pytest.raises(gridgov.ValidationError) as err:
        gridgov.Records(city, frame)
    assert err.value.value == "2026-03-02 08:01 (UTC+8)"
    assert "earlier than accepted_at (2026-03-02 09:15 (UTC+8))" in err.value.reason
    a = gridgov.score(city, CLEAN, *MARCH, as_of=AS_OF)
    b = gridgov.score(city, CLEAN, *MARCH, as_of=datetime(2026, 4, 11, 8, 30))
    with pytest.raises(gridgov.ValidationError, match=r"2026-04-10 00:00 \(UTC\+8\)") as err:
        a.merge(b)
    assert err.value.value == "2026-04-11 08:30 (UTC+8)"
