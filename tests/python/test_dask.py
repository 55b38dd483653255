"""gridgov on Dask (issue 13, "Beyond one machine"): locating points and scoring case records
partition by partition on a ``dask.distributed.LocalCluster`` with worker processes gives what
one process gives; bad input is refused naming it."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import gridgov

dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")
gdask = pytest.importorskip("gridgov.dask")

MONTH = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))


@pytest.fixture(scope="module")
def client() -> Iterator[Any]:
    """Two worker processes of one thread each: every partition crosses a process boundary."""
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        distributed.Client(cluster) as c,
    ):
        yield c


@pytest.fixture(scope="module")
def sample_map(sample: gridgov.Model) -> gridgov.GridMap:
    gm = sample.grid_map
    assert gm is not None
    return gm


@pytest.fixture(scope="module")
def base(sample: gridgov.Model) -> pd.DataFrame:
    """A simulated month of the sample city as its case records (about 8,000 cases)."""
    eng = gridgov.simulate(sample, datetime.date(2026, 3, 2), days=28, seed=3, reports_per_day=360)
    return eng.records().to_frame()


def copy_of(base: pd.DataFrame, k: int) -> pd.DataFrame:
    """The month again with new case ids: the k-th of the copies a big export is made of."""
    part = base.copy()
    part["id"] = part["id"] + k * 1_000_000
    return part


COPIES = 25


@pytest.fixture(scope="module")
def month(base: pd.DataFrame) -> pd.DataFrame:
    """The month 25 times with new case ids: about 200,000 case records in one process."""
    return pd.concat([copy_of(base, k) for k in range(COPIES)], ignore_index=True)


def test_scoring_on_a_cluster_equals_one_process(
    client: Any, sample: gridgov.Model, base: pd.DataFrame, month: pd.DataFrame
) -> None:
    assert len(month) > 150_000
    one = gridgov.score(sample, month, *MONTH)
    # the same records made on the workers, a partition per copy: no process holds them all
    import dask  # noqa: PLC0415

    make = dask.delayed(copy_of)
    frame = dd.from_delayed([make(base, k) for k in range(COPIES)], meta=base.head(0))
    card = gdask.score(sample, frame, *MONTH)
    assert card == one
    assert card.as_of == one.as_of
    pd.testing.assert_frame_equal(card.areas("street"), one.areas("street"))
    pd.testing.assert_frame_equal(card.departments(), one.departments())
    # with as_of given, the first pass is skipped and the card is the same
    again = gdask.score(sample, frame, *MONTH, as_of=one.as_of, check_ids=False, split_every=2)
    assert again == one


def test_locating_on_a_cluster_equals_one_process(client: Any, sample_map: gridgov.GridMap) -> None:
    rng = np.random.default_rng(7)
    w, s, e, n = sample_map.bbox  # type: ignore[misc]
    pad = 0.01
    lon = rng.uniform(w - pad, e + pad, 300_000)
    lat = rng.uniform(s - pad, n + pad, 300_000)
    gcj_lon, gcj_lat = gridgov.convert(lon, lat, "wgs84", "gcj02")
    points = pd.DataFrame({"lon": gcj_lon, "lat": gcj_lat, "n": np.arange(len(lon))})
    located = gdask.locate(sample_map, dd.from_pandas(points, npartitions=7), crs="gcj02").compute()
    expected = sample_map.locate(gcj_lon, gcj_lat, "gcj02")
    assert list(located["n"]) == list(range(len(lon)))
    assert list(located["grid"]) == list(expected)
    inside = located["grid"].notna().sum()
    assert 0 < inside < len(lon), "some points fall outside the grids"


def test_a_bad_record_names_its_partition_and_case(client: Any, sample: gridgov.Model, month: pd.DataFrame) -> None:
    bad = month.head(20_000).copy()
    row = 15_000
    bad.loc[row, "category"] = "Z9999"
    frame = dd.from_pandas(bad, npartitions=4)  # 5,000 rows each: the bad row is in partition 3
    with pytest.raises(gridgov.GridgovError, match="Z9999") as info:
        gdask.score(sample, frame, *MONTH)
    notes = getattr(info.value, "__notes__", [])
    assert any("partition 3" in note for note in notes), notes


def test_repeated_case_ids_across_partitions_are_refused(
    client: Any, sample: gridgov.Model, month: pd.DataFrame
) -> None:
    rows = month.head(10_000)
    twice = pd.concat([rows, rows.head(3)], ignore_index=True)
    frame = dd.from_pandas(twice, npartitions=3)
    with pytest.raises(gridgov.ValidationError, match="unique") as info:
        gdask.score(sample, frame, *MONTH)
    assert str(rows["id"].iloc[0]) in str(info.value)


def test_bad_arguments(sample: gridgov.Model, sample_map: gridgov.GridMap, month: pd.DataFrame) -> None:
    frame = dd.from_pandas(month.head(100), npartitions=1)
    with pytest.raises(TypeError, match="dask.dataframe.DataFrame"):
        gdask.score(sample, month.head(100), *MONTH)
    with pytest.raises(TypeError, match="gridgov.Model"):
        gdask.score("model", frame, *MONTH)  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match="split_every"):
        gdask.score(sample, frame, *MONTH, split_every=1)
    with pytest.raises(TypeError, match="start"):
        gdask.score(sample, frame, "March", MONTH[1])  # type: ignore[arg-type]
    points = dd.from_pandas(pd.DataFrame({"x": [117.0], "y": [36.7]}), npartitions=1)
    with pytest.raises(gridgov.ValidationError, match="'lon'"):
        gdask.locate(sample_map, points)
    with pytest.raises(gridgov.ValidationError, match="already a column"):
        gdask.locate(sample_map, points, lon="x", lat="y", column="x")
    with pytest.raises(TypeError, match="GridMap"):
        gdask.locate("map", points, lon="x", lat="y")  # type: ignore[arg-type]
    empty = dd.from_pandas(month.head(0), npartitions=1)
    with pytest.raises(gridgov.ValidationError, match="no case record"):
        gdask.score(sample, empty, *MONTH)


def test_unaligned_arrays_are_taken(sample_map: gridgov.GridMap) -> None:
    """A worker may unpickle a column into a buffer that is contiguous but not aligned to 8
    bytes; the compiled module reads arrays in place, so the Python layer copies those."""
    raw = bytearray(8 * 3 + 1)
    lon = np.frombuffer(memoryview(raw)[1:], dtype=np.float64)
    assert not lon.flags["ALIGNED"] and lon.flags["C_CONTIGUOUS"]
    lon[:] = [117.0, 117.02, 117.04]
    lat = np.full(3, 36.66)
    assert list(sample_map.locate(lon, lat)) == list(sample_map.locate(lon.copy(), lat))
