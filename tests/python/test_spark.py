"""gridgov on Spark (issue 13, "Beyond one machine"), in local mode: scoring case records and
locating points partition by partition gives what one process gives, whatever the session's
time zone; bad input is refused naming it. Skipped without PySpark or a Java runtime."""

from __future__ import annotations

import datetime
import os
import shutil
import sys
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
import pytest

import gridgov

pytestmark = [
    pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning"),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
]

if shutil.which("java") is None:  # pragma: no cover - the machine has Java
    pytest.skip("PySpark needs a Java runtime: none on PATH", allow_module_level=True)
pyspark_sql = pytest.importorskip("pyspark.sql")
gspark = pytest.importorskip("gridgov.spark")

MONTH = (datetime.date(2026, 3, 1), datetime.date(2026, 4, 1))


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    # the executors' Python is this one (with gridgov), not whatever `python3` is on PATH
    os.environ["PYSPARK_PYTHON"] = sys.executable
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("gridgov-test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.maxRecordsPerBatch", "5000")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def month(sample: gridgov.Model) -> pd.DataFrame:
    """A simulated month of the sample city, three times with new case ids (about 25,000
    case records)."""
    eng = gridgov.simulate(sample, datetime.date(2026, 3, 2), days=28, seed=3, reports_per_day=360)
    one = eng.records().to_frame()
    return pd.concat([one.assign(id=one["id"] + k * 1_000_000) for k in range(3)], ignore_index=True)


@pytest.mark.parametrize("zone", ["UTC", "Asia/Shanghai", "America/New_York"])
def test_scoring_on_spark_equals_one_process(
    spark: Any, sample: gridgov.Model, month: pd.DataFrame, zone: str
) -> None:
    spark.conf.set("spark.sql.session.timeZone", zone)
    one = gridgov.score(sample, month, *MONTH)
    frame = spark.createDataFrame(month).repartition(5)
    card = gspark.score(sample, frame, *MONTH)
    assert card == one, f"session zone {zone}"
    assert card.as_of == one.as_of
    again = gspark.score(sample, frame, *MONTH, as_of=one.as_of, depth=3)
    assert again == one


def test_locating_on_spark_equals_one_process(spark: Any, sample: gridgov.Model) -> None:
    gm = sample.grid_map
    assert gm is not None
    rng = np.random.default_rng(11)
    w, s, e, n = gm.bbox  # type: ignore[misc]
    lon = rng.uniform(w - 0.01, e + 0.01, 50_000)
    lat = rng.uniform(s - 0.01, n + 0.01, 50_000)
    points = pd.DataFrame({"n": np.arange(len(lon)), "lon": lon, "lat": lat})
    got = gspark.locate(gm, spark.createDataFrame(points).repartition(3)).toPandas().sort_values("n")
    expected = gm.locate(lon, lat)
    assert [None if pd.isna(g) else g for g in got["grid"]] == list(expected)


def test_a_bad_record_is_named(spark: Any, sample: gridgov.Model, month: pd.DataFrame) -> None:
    bad = month.head(3000).copy()
    bad.loc[2000, "category"] = "Z9999"
    frame = spark.createDataFrame(bad)
    with pytest.raises(Exception, match="Z9999"):
        gspark.score(sample, frame, *MONTH, as_of=datetime.datetime(2026, 4, 1))


def test_bad_arguments(spark: Any, sample: gridgov.Model, month: pd.DataFrame) -> None:
    frame = spark.createDataFrame(month.head(10))
    with pytest.raises(TypeError, match="pyspark.sql.DataFrame"):
        gspark.score(sample, month.head(10), *MONTH)
    with pytest.raises(TypeError, match="gridgov.Model"):
        gspark.score("model", frame, *MONTH)  # type: ignore[arg-type]
    with pytest.raises(gridgov.ValidationError, match="depth"):
        gspark.score(sample, frame, *MONTH, depth=0)
    with pytest.raises(gridgov.ValidationError, match="no case record"):
        gspark.score(sample, frame.limit(0), *MONTH)
    gm = sample.grid_map
    assert gm is not None
    points = spark.createDataFrame(pd.DataFrame({"x": [117.0], "y": [36.7]}))
    with pytest.raises(gridgov.ValidationError, match="'lon'"):
        gspark.locate(gm, points)
    with pytest.raises(gridgov.ValidationError, match="already a column"):
        gspark.locate(gm, points, lon="x", lat="y", column="x")
